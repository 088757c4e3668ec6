import Foundation
import RecurrentData
import XCTest

/// Decodes a base64 fixture.
func fixture(_ base64: String) -> [UInt8] {
    guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
        preconditionFailure("bad base64 fixture")
    }
    return [UInt8](data)
}

/// Writes DEFLATE bit streams by hand: plain fields least-significant bit first,
/// Huffman codes most-significant bit first (RFC 1951 §3.1.1).
struct BitWriter {
    var bytes: [UInt8] = []
    var bitCount = 0

    mutating func bits(_ value: Int, _ count: Int) {
        for i in 0..<count {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> i) & 1 != 0 { bytes[bytes.count - 1] |= UInt8(1 << (bitCount % 8)) }
            bitCount += 1
        }
    }

    mutating func code(_ value: Int, _ length: Int) {
        for i in stride(from: length - 1, through: 0, by: -1) { bits((value >> i) & 1, 1) }
    }

    /// A literal/length symbol in the fixed Huffman code.
    mutating func fixedSymbol(_ symbol: Int) {
        switch symbol {
        case 0...143: code(0x30 + symbol, 8)
        case 144...255: code(0x190 + symbol - 144, 9)
        case 256...279: code(symbol - 256, 7)
        default: code(0xC0 + symbol - 280, 8)
        }
    }
}

/// A minimal gzip header (no optional fields).
let plainGzipHeader: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]

/// Little-endian bytes of a 32-bit value.
func littleEndian32(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
}

/// Wraps `payload` in gzip using stored (uncompressed) DEFLATE blocks of at most `blockSize` bytes.
func storedGzip(_ payload: [UInt8], blockSize: Int = 65_535) -> [UInt8] {
    var out = plainGzipHeader
    var start = 0
    repeat {
        let end = min(start + blockSize, payload.count)
        let isFinal = end == payload.count
        let length = end - start
        out.append(isFinal ? 1 : 0)
        out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
        out += payload[start..<end]
        start = end
    } while start < payload.count
    return out + littleEndian32(Gzip.crc32(payload)) + littleEndian32(UInt32(truncatingIfNeeded: payload.count))
}

/// Wraps a raw DEFLATE stream in a gzip member with a correct trailer for `expected`.
func gzipMember(deflate: [UInt8], expected: [UInt8]) -> [UInt8] {
    plainGzipHeader + deflate + littleEndian32(Gzip.crc32(expected)) + littleEndian32(UInt32(expected.count))
}

/// Asserts that decoding throws a ``DecompressionError`` whose reason contains `fragment`.
func assertDecompressionFails(_ data: [UInt8], _ fragment: String, offset: Int? = nil,
                              file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try Gzip.decompress(data)
        XCTFail("expected an error containing '\(fragment)'", file: file, line: line)
    } catch let error as DecompressionError {
        XCTAssertTrue(error.reason.contains(fragment), "message was: \(error)", file: file, line: line)
        XCTAssertTrue(error.description.contains("byte offset \(error.offset)"), file: file, line: line)
        if let offset { XCTAssertEqual(error.offset, offset, "message was: \(error)", file: file, line: line) }
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}
