// The header of a `.npy` file: a Python dict literal, parsed without trusting a byte of it.

// MARK: - Header parsing

/// The three keys of a `.npy` header.
struct NPYHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]
}

/// A parser for the subset of Python literal syntax that `.npy` headers use:
/// `{'key': value, ...}` with string, `True`/`False` and tuple-of-integer values.
/// It reads bytes between `position` and `end` only, and never traps on malformed input.
struct NPYHeaderParser {
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
