#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing tensors in NumPy's `.npy` format.
///
/// A `.npy` file is
///
///     "\x93NUMPY" | major | minor | header length (u16 LE for 1.0, u32 LE for 2.0 / 3.0)
///     | header: a Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
///       padded with spaces and ending in '\n' so that the data starts at a multiple of 64
///     | the elements, little-endian, in row-major (C) order.
///
/// ``encode(_:)`` writes version 1.0 with `'<f4'` for `Float` and `'<f8'` for `Double` (any
/// other scalar type is written as `'<f8'`). ``decode(_:as:source:)`` reads versions 1.0, 2.0
/// and 3.0 with `'<f2'`, `'<f4'` or `'<f8'` data, converting to the requested scalar type
/// (rounding to nearest). It treats its input as hostile: every length, shape and offset is
/// checked before use, so malformed bytes throw
/// ``RecurrentError/invalidArgument(what:reason:)`` naming the source and the problem and never
/// crash or allocate more than the input justifies.
///
/// Interoperability: `numpy.load` reads what ``write(_:to:)`` writes, and
/// `numpy.save(path, array.astype('<f4'))` produces what ``read(from:as:)`` accepts.
///
/// ```swift
/// let weights = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// try NPY.write(weights, to: "/tmp/w.npy")              // python: np.load('/tmp/w.npy')
/// let back = try NPY.read(from: "/tmp/w.npy", as: Float.self)
/// let bytes = NPY.encode(weights)                       // 128-byte header + 24 bytes of data
/// let same = try NPY.decode(bytes, as: Double.self, source: "in-memory")
/// ```
public enum NPY {
    /// The six magic bytes that open every `.npy` file: `\x93NUMPY`.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// NumPy aligns the start of the data to this many bytes.
    static let alignment = 64

    // MARK: - Encoding

    /// Serialises a tensor as a version 1.0 `.npy` file.
    ///
    /// The header is `{'descr': '<f4' | '<f8', 'fortran_order': False, 'shape': S, }`, where S
    /// is the Python tuple of the shape — `()` for a scalar, `(n,)` for a vector,
    /// `(a, b, c)` otherwise — padded with spaces and terminated by `'\n'` so that the data
    /// begins at a multiple of 64 bytes. The padding follows `numpy.save` exactly (including
    /// its reserve for the first extent to grow to 21 digits), so the bytes are identical to
    /// what NumPy 1.x/2.x writes for the same array. The data are the scalars in row-major order,
    /// little-endian. (Headers longer than 65 535 bytes, which need thousands of axes, switch
    /// to version 2.0 with a 4-byte length, as NumPy does.)
    ///
    /// - Parameters:
    ///   - tensor: the tensor to serialise.
    /// - Returns: the complete file contents.
    ///
    /// ```swift
    /// let v = try Tensor<Double>(shape: [3], scalars: [1, 2, 3])
    /// let bytes = NPY.encode(v)   // 128-byte header ("{'descr': '<f8', … 'shape': (3,), }") + 24 data bytes
    /// ```
    public static func encode<S: RecurrentScalar>(_ tensor: Tensor<S>) -> [UInt8] {
        let isSingle = S.self == Float.self
        let descr = isSingle ? "<f4" : "<f8"
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // Like numpy.save, leave room for the first extent to grow to 21 digits, so that the
        // header can be rewritten in place; the output is then byte-identical to NumPy's.
        if let first = tensor.shape.first {
            header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, 21 - String(first).count)))
        }

        // Pad with 1…64 spaces (NumPy's rule) so that prefix + header + '\n' is a multiple of 64;
        // version 1.0 stores the header length in 16 bits, version 2.0 in 32.
        func paddingLength(prefixLength: Int) -> Int { alignment - (prefixLength + header.count + 1) % alignment }
        var prefixLength = magic.count + 2 + 2
        var major: UInt8 = 1
        if header.count + 1 + paddingLength(prefixLength: prefixLength) > Int(UInt16.max) {
            major = 2
            prefixLength = magic.count + 2 + 4
        }
        let padding = paddingLength(prefixLength: prefixLength)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        header.append(UInt8(ascii: "\n"))

        let itemSize = isSingle ? 4 : 8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefixLength + header.count + tensor.count * itemSize)
        bytes.append(contentsOf: magic)
        bytes.append(major)
        bytes.append(0)
        let length = header.count
        if major == 1 {
            bytes.append(UInt8(truncatingIfNeeded: length))
            bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        } else {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> shift)) }
        }
        bytes.append(contentsOf: header)

        tensor.withUnsafeBufferPointer { scalars in
            if isSingle {
                for value in scalars {
                    let bits = Float(value).bitPattern
                    bytes.append(UInt8(truncatingIfNeeded: bits))
                    bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                    bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
                    bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
                }
            } else {
                for value in scalars {
                    let bits = Double(value).bitPattern
                    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
                }
            }
        }
        return bytes
    }

    // MARK: - Decoding

    /// Parses the contents of a `.npy` file into a tensor.
    ///
    /// Accepted: versions 1.0, 2.0 and 3.0; `descr` `'<f2'` (IEEE half), `'<f4'` or `'<f8'`;
    /// `fortran_order` `False`; any shape whose element count and byte size fit in `Int` and
    /// whose data are present in full. Values are converted to `S` by rounding to nearest
    /// (half → `Float`/`Double` is exact; NaN and infinities are preserved).
    ///
    /// Rejected, with ``RecurrentError/invalidArgument(what:reason:)`` whose `what` starts with
    /// `source`: a missing or wrong magic string, an unknown version, a header that runs past
    /// the end or is not a dict with exactly the keys `descr`, `fortran_order` and `shape`,
    /// big-endian or non-float dtypes, `fortran_order: True`, negative or overflowing
    /// extents, truncated data and trailing bytes after the data.
    ///
    /// - Parameters:
    ///   - bytes: the file contents.
    ///   - as: the scalar type of the result.
    ///   - source: a name for error messages, usually the path.
    /// - Returns: the tensor, with the file's shape.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` as described.
    ///
    /// ```swift
    /// let t = try NPY.decode(bytes, as: Float.self, source: "weights.npy")
    /// print(t.shape)
    /// ```
    public static func decode<S: RecurrentScalar>(_ bytes: [UInt8], as _: S.Type, source: String) throws -> Tensor<S> {
        func failure(_ part: String, _ reason: String) -> RecurrentError {
            RecurrentError.invalidArgument(what: "\(source): \(part)", reason: reason)
        }
        guard bytes.count >= magic.count + 2, Array(bytes[0..<magic.count]) == magic else {
            throw failure("magic", "not a .npy file (it must start with the bytes \\x93NUMPY; got \(bytes.count) bytes"
                                   + (bytes.isEmpty ? ")" : " starting with \(hexPrefix(bytes)))"))
        }
        let major = bytes[6], minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw failure("version", "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)")
        }
        let lengthSize = major == 1 ? 2 : 4
        let prefixLength = 8 + lengthSize
        guard bytes.count >= prefixLength else {
            throw failure("header length", "file ends after \(bytes.count) bytes, inside the header length field")
        }
        var headerLength = 0
        for index in 0..<lengthSize { headerLength |= Int(bytes[8 + index]) << (8 * index) }
        guard headerLength <= bytes.count - prefixLength else {
            throw failure("header", "header length \(headerLength) runs past the end of the file "
                                    + "(\(bytes.count - prefixLength) bytes after the length field)")
        }
        let dataStart = prefixLength + headerLength
        var parser = NPYHeaderParser(bytes: bytes, position: prefixLength, end: dataStart)
        let header: NPYHeader
        do {
            header = try parser.parse()
        } catch let error as NPYHeaderParser.Failure {
            throw failure("header", error.reason)
        }

        // dtype
        let descr = header.descr
        guard let byteOrder = descr.first else { throw failure("dtype", "empty descr ''") }
        if byteOrder == ">" {
            throw failure("dtype", "big-endian data ('\(descr)') is not supported; save it as '<\(descr.dropFirst())'")
        }
        let itemSize: Int
        switch descr {
        case "<f2": itemSize = 2
        case "<f4": itemSize = 4
        case "<f8": itemSize = 8
        default:
            throw failure("dtype", "unsupported descr '\(descr)' (supported: '<f2', '<f4', '<f8')")
        }
        guard !header.fortranOrder else {
            throw failure("fortran_order", "column-major (fortran_order: True) data is not supported; "
                                           + "save a C-contiguous array (numpy.ascontiguousarray)")
        }

        // Shape, element count and byte count, all overflow-checked.
        var count = 1
        for extent in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw failure("shape", "shape \(shapeString(header.shape)) has more elements than Int can count")
            }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow else {
            throw failure("shape", "shape \(shapeString(header.shape)) × \(itemSize) bytes overflows Int")
        }
        let available = bytes.count - dataStart
        guard byteCount <= available else {
            throw failure("data", "truncated: shape \(shapeString(header.shape)) of '\(descr)' needs \(byteCount) bytes "
                                  + "of data, only \(available) present")
        }
        guard byteCount == available else {
            throw failure("data", "\(available - byteCount) unexpected bytes after the \(byteCount) bytes of data "
                                  + "for shape \(shapeString(header.shape))")
        }

        var scalars = [S]()
        scalars.reserveCapacity(count)
        bytes.withUnsafeBufferPointer { raw in
            var offset = dataStart
            switch itemSize {
            case 2:
                for _ in 0..<count {
                    let bits = UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8
                    scalars.append(S(halfToFloat(bits)))
                    offset += 2
                }
            case 4:
                for _ in 0..<count {
                    var bits: UInt32 = 0
                    for index in 0..<4 { bits |= UInt32(raw[offset + index]) << (8 * index) }
                    scalars.append(S(Float(bitPattern: bits)))
                    offset += 4
                }
            default:
                for _ in 0..<count {
                    var bits: UInt64 = 0
                    for index in 0..<8 { bits |= UInt64(raw[offset + index]) << (8 * index) }
                    scalars.append(S(Double(bitPattern: bits)))
                    offset += 8
                }
            }
        }
        return try Tensor(shape: header.shape, scalars: scalars)
    }

    /// IEEE 754 binary16 → binary32 (exact for every value, NaN payloads kept).
    static func halfToFloat(_ half: UInt16) -> Float {
        let negative = half & 0x8000 != 0
        let exponent = UInt32((half >> 10) & 0x1F)
        let fraction = UInt32(half & 0x3FF)
        let bits: UInt32
        switch exponent {
        case 0:
            // Zero or subnormal: fraction · 2⁻²⁴, exact in Float.
            let magnitude = Float(fraction) * 0x1p-24
            return negative ? -magnitude : magnitude
        case 0x1F:
            bits = 0x7F80_0000 | (fraction << 13)  // infinity or NaN
        default:
            bits = ((exponent + 127 - 15) << 23) | (fraction << 13)
        }
        return Float(bitPattern: (negative ? 0x8000_0000 : 0) | bits)
    }

    static func hexPrefix(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return bytes.prefix(8).map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined(separator: " ")
    }

    // MARK: - Files

    /// Writes a tensor to a `.npy` file atomically.
    ///
    /// The bytes of ``encode(_:)`` go to `"<path>.tmp-<pid>"`, which is flushed with `fsync`
    /// and then renamed over `path`; the directory is synced too (best effort). A reader
    /// therefore sees either the old file or the complete new one, even after a crash. On
    /// failure the temporary file is removed.
    ///
    /// - Parameters:
    ///   - tensor: the tensor to write.
    ///   - path: the destination; an existing file is replaced.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` with `what` = `path` and the
    ///   system's reason (e.g. "No such file or directory") when any step fails.
    ///
    /// ```swift
    /// let w = try Tensor<Double>(shape: [2, 2], scalars: [1, 0, 0, 1])
    /// try NPY.write(w, to: "identity.npy")
    /// ```
    public static func write<S: RecurrentScalar>(_ tensor: Tensor<S>, to path: String) throws {
        let bytes = encode(tensor)
        let temporary = "\(path).tmp-\(getpid())"
        func failure(_ step: String, _ code: Int32) -> RecurrentError {
            RecurrentError.invalidArgument(what: path, reason: "\(step): \(systemMessage(code))")
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw failure("cannot create the temporary file \(temporary)", errno)
        }
        var closed = false
        defer {
            if !closed { _ = close(descriptor) }
        }
        do {
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc_write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        let code = errno
                        if code == EINTR { continue }
                        throw failure("cannot write \(temporary)", code)
                    }
                    offset += written
                }
            }
            guard fsync(descriptor) == 0 else { throw failure("cannot fsync \(temporary)", errno) }
            closed = true
            guard close(descriptor) == 0 else { throw failure("cannot close \(temporary)", errno) }
            guard rename(temporary, path) == 0 else { throw failure("cannot rename \(temporary) to \(path)", errno) }
        } catch {
            _ = unlink(temporary)
            throw error
        }
        syncDirectory(containing: path)
    }

    /// Reads a `.npy` file and decodes it with ``decode(_:as:source:)`` (the path names the source).
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - type: the scalar type of the result; the file may hold `'<f2'`, `'<f4'` or `'<f8'`.
    /// - Returns: the tensor.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path, for I/O
    ///   errors and for every format problem listed under ``decode(_:as:source:)``.
    ///
    /// ```swift
    /// let w = try NPY.read(from: "w.npy", as: Float.self)   // python: np.save('w.npy', w)
    /// ```
    public static func read<S: RecurrentScalar>(from path: String, as type: S.Type) throws -> Tensor<S> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RecurrentError.invalidArgument(what: path, reason: "cannot open for reading: \(systemMessage(errno))")
        }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc_read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw RecurrentError.invalidArgument(what: path, reason: "cannot read: \(systemMessage(code))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return try decode(bytes, as: type, source: path)
    }

    static func systemMessage(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message) + " (errno \(code))"
    }

    /// fsync of the directory that holds `path`, so that the rename itself is durable. Best effort.
    static func syncDirectory(containing path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

// `write` and `read` are shadowed inside `NPY` by its own static methods.
@inline(__always)
private func Glibc_write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

@inline(__always)
private func Glibc_read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

// MARK: - Header parsing

/// The three keys of a `.npy` header.
private struct NPYHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]
}

/// A parser for the subset of Python literal syntax that `.npy` headers use:
/// `{'key': value, ...}` with string, `True`/`False` and tuple-of-integer values.
/// It reads bytes between `position` and `end` only, and never traps on malformed input.
private struct NPYHeaderParser {
    struct Failure: Error {
        var reason: String
    }

    let bytes: [UInt8]
    var position: Int
    let end: Int

    /// Longest string value accepted (real descr strings are a few characters).
    static let maxStringLength = 256
    /// Most axes accepted; NumPy itself allows 64.
    static let maxRank = 64

    mutating func parse() throws -> NPYHeader {
        skipWhitespace()
        try expect(UInt8(ascii: "{"), "the header must be a Python dict starting with '{'")
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                position += 1
                break
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after key '\(key)'")
            skipWhitespace()
            switch key {
            case "descr":
                guard descr == nil else { throw Failure(reason: "duplicate key 'descr'") }
                guard peek() == UInt8(ascii: "'") || peek() == UInt8(ascii: "\"") else {
                    throw Failure(reason: "'descr' must be a simple dtype string such as '<f4' "
                                          + "(structured dtypes are not supported)")
                }
                descr = try parseString()
            case "fortran_order":
                guard fortranOrder == nil else { throw Failure(reason: "duplicate key 'fortran_order'") }
                fortranOrder = try parseBool()
            case "shape":
                guard shape == nil else { throw Failure(reason: "duplicate key 'shape'") }
                shape = try parseShape()
            default:
                throw Failure(reason: "unexpected key '\(key)' (expected exactly 'descr', 'fortran_order', 'shape')")
            }
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
            } else if peek() == UInt8(ascii: "}") {
                position += 1
                break
            } else {
                throw Failure(reason: "expected ',' or '}' at header byte \(position)\(found())")
            }
        }
        skipWhitespace()
        guard position == end else {
            throw Failure(reason: "unexpected text after the dict at header byte \(position)\(found())")
        }
        guard let descr else { throw Failure(reason: "missing key 'descr'") }
        guard let fortranOrder else { throw Failure(reason: "missing key 'fortran_order'") }
        guard let shape else { throw Failure(reason: "missing key 'shape'") }
        return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }

    func peek() -> UInt8? {
        position < end ? bytes[position] : nil
    }

    /// " (found 'x')" or " (found end of header)" for error messages.
    func found() -> String {
        guard let byte = peek() else { return " (found end of header)" }
        if byte >= 0x20 && byte < 0x7F { return " (found '\(Character(Unicode.Scalar(byte)))')" }
        return " (found byte 0x\(String(byte, radix: 16)))"
    }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    mutating func expect(_ byte: UInt8, _ message: String) throws {
        guard peek() == byte else { throw Failure(reason: message + found()) }
        position += 1
    }

    /// A quoted string without escapes, in printable ASCII.
    mutating func parseString() throws -> String {
        guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw Failure(reason: "expected a quoted string at header byte \(position)\(found())")
        }
        position += 1
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = peek() else { throw Failure(reason: "unterminated string in header") }
            position += 1
            if byte == quote { break }
            guard byte != 0x0A else { throw Failure(reason: "unterminated string in header") }
            guard byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") else {
                throw Failure(reason: "unsupported character 0x\(String(byte, radix: 16)) in a header string")
            }
            guard scalars.count < Self.maxStringLength else {
                throw Failure(reason: "header string longer than \(Self.maxStringLength) characters")
            }
            scalars.append(Unicode.Scalar(byte))
        }
        return String(scalars)
    }

    mutating func parseBool() throws -> Bool {
        if matchWord("True") { return true }
        if matchWord("False") { return false }
        throw Failure(reason: "'fortran_order' must be True or False\(found())")
    }

    mutating func matchWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard end - position >= utf8.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else { return false }
        position += utf8.count
        return true
    }

    /// A tuple of non-negative integers: `()`, `(n,)`, `(a, b)`, `(a, b,)`; Python 2 `L` suffixes allowed.
    mutating func parseShape() throws -> [Int] {
        guard peek() == UInt8(ascii: "(") else {
            throw Failure(reason: "'shape' must be a tuple of non-negative integers such as (2, 3)\(found())")
        }
        position += 1
        var shape: [Int] = []
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: ")") {
                position += 1
                break
            }
            guard shape.count < Self.maxRank else {
                throw Failure(reason: "'shape' has more than \(Self.maxRank) axes")
            }
            shape.append(try parseExtent(axis: shape.count))
            skipWhitespace()
            if peek() == UInt8(ascii: "L") { position += 1; skipWhitespace() }
            if peek() == UInt8(ascii: ",") {
                position += 1
            } else if peek() == UInt8(ascii: ")") {
                position += 1
                break
            } else {
                throw Failure(reason: "expected ',' or ')' in 'shape'\(found())")
            }
        }
        return shape
    }

    mutating func parseExtent(axis: Int) throws -> Int {
        if peek() == UInt8(ascii: "-") {
            throw Failure(reason: "'shape' extent of axis \(axis) is negative")
        }
        var value = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else {
                throw Failure(reason: "'shape' extent of axis \(axis) does not fit in Int")
            }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else {
            throw Failure(reason: "'shape' extent of axis \(axis) must be a non-negative integer\(found())")
        }
        return value
    }
}
