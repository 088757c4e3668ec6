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
        let layout = try Layout(bytes, source: source)
        let (dataStart, byteCount, count, header) = (layout.dataStart, layout.byteCount, layout.count, layout.header)
        let descr = header.descr
        let itemSize = layout.itemSize
        func failure(_ part: String, _ reason: String) -> RecurrentError {
            RecurrentError.invalidArgument(what: "\(source): \(part)", reason: reason)
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

    /// What the prefix and header of a `.npy` file declare: where the data starts, its dtype and shape, and the
    /// overflow-checked element and byte counts. Everything is validated except the data section's length.
    struct Layout {
        var header: NPYHeader
        var dataStart: Int
        var itemSize: Int
        var count: Int
        var byteCount: Int

        /// Parses `bytes`, which must hold at least the prefix and the whole header.
        init(_ bytes: [UInt8], source: String) throws {
            func failure(_ part: String, _ reason: String) -> RecurrentError {
                RecurrentError.invalidArgument(what: "\(source): \(part)", reason: reason)
            }
            guard bytes.count >= magic.count + 2, Array(bytes[0..<magic.count]) == magic else {
                throw failure("magic", "not a .npy file (it must start with the bytes \\x93NUMPY and a version; "
                                       + (bytes.isEmpty ? "the input is empty)" : "it starts with \(hexPrefix(bytes)))"))
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
            self.init(header: header, dataStart: dataStart, itemSize: itemSize, count: count, byteCount: byteCount)
        }

        init(header: NPYHeader, dataStart: Int, itemSize: Int, count: Int, byteCount: Int) {
            (self.header, self.dataStart, self.itemSize, self.count, self.byteCount) = (header, dataStart, itemSize, count, byteCount)
        }
    }

    // MARK: - Files

    /// Writes a tensor to a `.npy` file atomically, with ``FileIO/writeAtomically(_:to:)``.
    ///
    /// The bytes of ``encode(_:)`` go to `"<path>.tmp-<pid>"`, which is flushed with `fsync`
    /// and then renamed over `path`; the directory is synced too (best effort). A reader
    /// therefore sees either the old file or the complete new one, even after a crash. On
    /// failure the temporary file is removed. A symbolic link is followed (its target is
    /// replaced); a directory, FIFO or device is refused.
    ///
    /// - Parameters:
    ///   - tensor: the tensor to write.
    ///   - path: the destination; an existing file is replaced.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming `path` and the
    ///   system's reason (e.g. "No such file or directory") when any step fails.
    ///
    /// ```swift
    /// let w = try Tensor<Double>(shape: [2, 2], scalars: [1, 0, 0, 1])
    /// try NPY.write(w, to: "identity.npy")
    /// ```
    public static func write<S: RecurrentScalar>(_ tensor: Tensor<S>, to path: String) throws {
        try FileIO.writeAtomically(encode(tensor), to: path)
    }

    /// Reads a `.npy` file and decodes it with ``decode(_:as:source:)`` (the path names the source).
    ///
    /// The prefix and header are read first; the size they declare is checked against the file's
    /// size and against ``SizeGuard`` *before* the data is allocated, so a hostile header fails at
    /// once. A pipe or device (no size to compare) is read up to the declared size, never beyond it.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - type: the scalar type of the result; the file may hold `'<f2'`, `'<f4'` or `'<f8'`.
    /// - Returns: the tensor.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path, for I/O
    ///   errors, sizes above the memory limit and every format problem listed under
    ///   ``decode(_:as:source:)``.
    ///
    /// ```swift
    /// let w = try NPY.read(from: "w.npy", as: Float.self)   // python: np.save('w.npy', w)
    /// ```
    public static func read<S: RecurrentScalar>(from path: String, as type: S.Type) throws -> Tensor<S> {
        let input = try FileIO.Input(path)
        defer { input.close() }
        // Magic, version and the 2- or 4-byte header length: at most 12 bytes.
        var bytes = try input.read(upTo: 10)
        if bytes.count == 10, bytes[6] >= 2 { bytes += try input.read(upTo: 2) }
        let prefixLength = bytes.count
        var headerLength = 0
        if prefixLength >= 10, Array(bytes[0..<magic.count]) == magic, (1...3).contains(bytes[6]) {
            for index in 0..<(prefixLength - 8) { headerLength |= Int(bytes[8 + index]) << (8 * index) }
        }
        if let size = input.size, headerLength > size - prefixLength {
            throw RecurrentError.invalidArgument(
                what: "\(path): header", reason: "header length \(headerLength) runs past the end of the file "
                    + "(\(size - prefixLength) bytes after the length field)")
        }
        try SizeGuard.check(bytes: headerLength, setting: "\(path): header")
        bytes += try input.read(upTo: headerLength)
        let layout = try Layout(bytes, source: path)  // throws for a bad prefix or header
        if let size = input.size {
            let available = size - layout.dataStart
            guard layout.byteCount <= available else {
                throw RecurrentError.invalidArgument(
                    what: "\(path): data", reason: "truncated: shape \(shapeString(layout.header.shape)) of "
                        + "'\(layout.header.descr)' needs \(layout.byteCount) bytes of data, only \(available) present")
            }
            guard layout.byteCount == available else {
                throw RecurrentError.invalidArgument(
                    what: "\(path): data", reason: "\(available - layout.byteCount) unexpected bytes after the "
                        + "\(layout.byteCount) bytes of data for shape \(shapeString(layout.header.shape))")
            }
        }
        let (converted, overflow) = layout.count.multipliedReportingOverflow(by: MemoryLayout<S>.stride)
        let (total, overflow2) = layout.byteCount.addingReportingOverflow(converted)
        guard !overflow && !overflow2 else {
            throw RecurrentError.invalidArgument(what: "\(path): shape", reason: "shape \(shapeString(layout.header.shape)) needs more bytes than Int can count")
        }
        try SizeGuard.check(bytes: total, setting: "\(path): shape \(shapeString(layout.header.shape))")
        bytes += try input.read(upTo: layout.byteCount)
        // One byte more, so that trailing data (in a file that grew, or a stream) is reported, not ignored.
        bytes += try input.read(upTo: 1)
        return try decode(bytes, as: type, source: path)
    }

    static func hexPrefix(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return bytes.prefix(8).map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined(separator: " ")
    }
}
