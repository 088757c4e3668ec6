import RecurrentData
import RecurrentInitializers
import XCTest

final class GzipTests: XCTestCase {
    let sample = fixture(GzipFixtures.sample)

    func testCRC32MatchesReferenceValues() {
        XCTAssertEqual(Gzip.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(Gzip.crc32([]), 0)
        XCTAssertEqual(Gzip.crc32(sample), GzipFixtures.sampleCRC32)
        // In pieces, with every split point around the 8-byte stride.
        for split in [0, 1, 7, 8, 9, 100, sample.count] {
            let head = Array(sample[..<split]), tail = Array(sample[split...])
            XCTAssertEqual(Gzip.crc32(tail, continuing: Gzip.crc32(head)), GzipFixtures.sampleCRC32)
        }
    }

    func testRoundTripOfPythonFixtures() throws {
        let cases: [(String, String)] = [
            ("level 0 (stored)", GzipFixtures.level0), ("level 1", GzipFixtures.level1),
            ("level 6", GzipFixtures.level6), ("level 9 with FNAME", GzipFixtures.level9),
            ("fixed Huffman", GzipFixtures.fixed), ("many blocks + sync flush", GzipFixtures.multiblock),
            ("two members", GzipFixtures.multimember),
        ]
        for (name, base64) in cases {
            let packed = fixture(base64)
            XCTAssertTrue(Gzip.isGzip(packed), name)
            XCTAssertEqual(try Gzip.decompress(packed), sample, name)
        }
        XCTAssertEqual(try Gzip.decompress(fixture(GzipFixtures.empty)), [])
    }

    func testRawInflate() throws {
        XCTAssertEqual(try Gzip.inflate([0x4B, 0x04, 0x00]), Array("a".utf8))
        XCTAssertEqual(try Gzip.inflate([0x03, 0x00]), [])
        // The level-6 member's DEFLATE payload (after the 10-byte header, before the 8-byte trailer).
        let packed = fixture(GzipFixtures.level6)
        XCTAssertEqual(try Gzip.inflate(Array(packed[10..<(packed.count - 8)])), sample)
    }

    func testManyStoredBlocks() throws {
        var generator = RandomGenerator(seed: 9)
        let payload = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        XCTAssertEqual(try Gzip.decompress(storedGzip(payload)), payload)
        XCTAssertEqual(try Gzip.decompress(storedGzip(payload, blockSize: 1000)), payload)
        XCTAssertEqual(try Gzip.decompress(storedGzip([])), [])
    }

    func testAllOptionalHeaderFields() throws {
        let packed = fixture(GzipFixtures.level6)
        let body = Array(packed[10...])
        // FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT
        var header: [UInt8] = [0x1F, 0x8B, 8, 0x1F, 1, 2, 3, 4, 0, 255]
        header += [5, 0, 0x41, 0x42, 2, 0, 0x7A]          // XLEN = 5: subfield "AB", 2 bytes
        header += Array("name.txt".utf8) + [0]
        header += Array("a comment".utf8) + [0]
        let headerCRC = Gzip.crc32(header) & 0xFFFF
        let good = header + [UInt8(headerCRC & 0xFF), UInt8(headerCRC >> 8)] + body
        XCTAssertEqual(try Gzip.decompress(good), sample)

        var badHeaderCRC = good
        badHeaderCRC[header.count] ^= 0x01
        assertDecompressionFails(badHeaderCRC, "header CRC mismatch", offset: header.count)

        // Each optional field cut short.
        assertDecompressionFails(Array(header[..<11]), "extra-field length")
        assertDecompressionFails(Array(header[..<14]), "extra field of 5 bytes")
        assertDecompressionFails(Array(header[..<20]), "file name has no terminating zero")
        assertDecompressionFails(Array(header[..<(header.count - 1)]), "comment has no terminating zero")
        assertDecompressionFails(header + [UInt8(headerCRC & 0xFF)], "missing header CRC")
    }

    func testBadHeadersThrow() {
        let packed = fixture(GzipFixtures.level6)
        assertDecompressionFails([], "gzip header needs 10 bytes", offset: 0)
        assertDecompressionFails([0x1F, 0x8B, 8], "gzip header needs 10 bytes")
        var wrongMagic = packed
        wrongMagic[1] = 0x8C
        assertDecompressionFails(wrongMagic, "expected magic 1f 8b, found 1f 8c", offset: 0)
        var wrongMethod = packed
        wrongMethod[2] = 7
        assertDecompressionFails(wrongMethod, "unsupported compression method 7", offset: 2)
        var reservedFlag = packed
        reservedFlag[3] |= 0x80
        assertDecompressionFails(reservedFlag, "reserved header flag bits", offset: 3)
    }

    func testCorruptedTrailerThrows() {
        let packed = fixture(GzipFixtures.level6)
        var badCRC = packed
        badCRC[packed.count - 8] ^= 0xFF
        assertDecompressionFails(badCRC, "CRC-32 mismatch", offset: packed.count - 8)
        var badSize = packed
        badSize[packed.count - 4] ^= 0x01
        assertDecompressionFails(badSize, "ISIZE mismatch", offset: packed.count - 4)
        assertDecompressionFails(Array(packed.dropLast(3)), "truncated trailer")
        // A corrupted byte in the middle of the data is caught by the decoder or the CRC.
        var corrupted = packed
        corrupted[packed.count / 2] ^= 0x10
        XCTAssertThrowsError(try Gzip.decompress(corrupted))
    }

    func testTruncatedStreamsThrow() {
        for base64 in [GzipFixtures.level0, GzipFixtures.level6, GzipFixtures.fixed, GzipFixtures.multiblock] {
            let packed = fixture(base64)
            for length in 0..<packed.count {
                XCTAssertThrowsError(try Gzip.decompress(Array(packed[..<length])), "length \(length)")
            }
        }
        // Cut inside the compressed data: the decoder itself notices.
        let packed = fixture(GzipFixtures.level6)
        assertDecompressionFails(Array(packed[..<1000]), "unexpected end of data", offset: 1000)
        let stored = fixture(GzipFixtures.level0)
        assertDecompressionFails(Array(stored[..<1000]), "unexpected end of data")
    }

    func testTrailingData() throws {
        let packed = fixture(GzipFixtures.level1)
        XCTAssertEqual(try Gzip.decompress(packed + [0, 0, 0, 0]), sample)
        assertDecompressionFails(packed + [0x42, 0x42], "trailing data", offset: packed.count)
    }

    func testBadBlockTypeThrows() {
        // BFINAL = 1, BTYPE = 3.
        assertDecompressionFails(gzipMember(deflate: [0x07, 0, 0, 0], expected: []), "invalid block type 3", offset: 10)
        XCTAssertThrowsError(try Gzip.inflate([0x06]))
    }

    func testStoredLengthComplementMismatchThrows() {
        let deflate: [UInt8] = [0x01, 5, 0, 0xFA, 0xFE] + Array("hello".utf8)   // NLEN should be fa ff
        assertDecompressionFails(gzipMember(deflate: deflate, expected: Array("hello".utf8)), "does not match its complement")
    }

    /// Dynamic-block header with the given code-length code lengths (in the RFC's transmission order).
    func dynamicHeader(literals: Int = 257, distances: Int = 1, codeLengthLengths: [Int]) -> BitWriter {
        var writer = BitWriter()
        writer.bits(1, 1)          // BFINAL
        writer.bits(2, 2)          // dynamic
        writer.bits(literals - 257, 5)
        writer.bits(distances - 1, 5)
        writer.bits(codeLengthLengths.count - 4, 4)
        for length in codeLengthLengths { writer.bits(length, 3) }
        return writer
    }

    func testInvalidHuffmanCodeLengthsThrow() {
        // Code-length code: 19 codes of length 1 is over-subscribed.
        let over = dynamicHeader(codeLengthLengths: [Int](repeating: 1, count: 19))
        assertDecompressionFails(gzipMember(deflate: over.bytes + [0, 0, 0, 0], expected: []),
                                 "invalid code-length code lengths: over-subscribed")
        // Code-length code with a single code of length 2 is incomplete.
        let incomplete = dynamicHeader(codeLengthLengths: [0, 0, 0, 2])
        assertDecompressionFails(gzipMember(deflate: incomplete.bytes + [0, 0, 0, 0], expected: []),
                                 "invalid code-length code lengths: incomplete")

        // A valid code-length code (symbols 1, 8, 18 and 0 of lengths 2) that then describes a
        // literal/length code with 3 codes of length 1: over-subscribed.
        // Transmission order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1 15.
        var lengths = [Int](repeating: 0, count: 19)
        lengths[2] = 2    // symbol 18
        lengths[3] = 2    // symbol 0
        lengths[4] = 2    // symbol 8
        lengths[17] = 2   // symbol 1
        var writer = dynamicHeader(codeLengthLengths: lengths)
        // Canonical codes: 0 → 00, 1 → 01, 8 → 10, 18 → 11.
        for _ in 0..<3 { writer.code(0b01, 2) }          // three literals of length 1
        writer.code(0b11, 2); writer.bits(127, 7)        // 138 zeros → symbol 141
        writer.code(0b11, 2); writer.bits(104, 7)        // 115 zeros → symbol 256
        writer.code(0b01, 2)                             // end-of-block, length 1 (the 4th length-1 code)
        writer.code(0b01, 2)                             // one distance code of length 1
        assertDecompressionFails(gzipMember(deflate: writer.bytes + [0, 0, 0, 0], expected: []),
                                 "invalid literal/length code lengths: over-subscribed")

        // Symbol 16 (repeat previous) as the very first length.
        lengths = [Int](repeating: 0, count: 19)
        lengths[0] = 1   // symbol 16
        lengths[3] = 1   // symbol 0
        writer = dynamicHeader(codeLengthLengths: lengths)
        writer.code(0b1, 1)   // 16 → codes: 0 → 0, 16 → 1
        writer.bits(0, 2)
        assertDecompressionFails(gzipMember(deflate: writer.bytes + [0, 0, 0, 0], expected: []),
                                 "no previous length")

        // No code for end-of-block.
        writer = dynamicHeader(codeLengthLengths: [0, 0, 1, 1])   // 18 → 1, 0 → 0
        writer.code(0b1, 1); writer.bits(127, 7)   // 138 zeros
        writer.code(0b1, 1); writer.bits(108, 7)   // 119 zeros: all 257 literal lengths
        writer.code(0b0, 1)                         // distance length 0
        assertDecompressionFails(gzipMember(deflate: writer.bytes + [0, 0, 0, 0], expected: []),
                                 "no code for end-of-block")

        // Too many literal/length codes declared (HLIT = 30 → 287).
        let tooMany = dynamicHeader(literals: 287, codeLengthLengths: [0, 0, 0, 1])
        assertDecompressionFails(gzipMember(deflate: tooMany.bytes + [0, 0], expected: []), "287 literal/length codes")
    }

    func testBackReferences() throws {
        // Fixed block: 'a', then length 3 at distance 1 → "aaaa".
        var writer = BitWriter()
        writer.bits(1, 1); writer.bits(1, 2)
        writer.fixedSymbol(0x61)
        writer.fixedSymbol(257); writer.code(0, 5)
        writer.fixedSymbol(256)
        XCTAssertEqual(try Gzip.inflate(writer.bytes), Array("aaaa".utf8))
        XCTAssertEqual(try Gzip.decompress(gzipMember(deflate: writer.bytes, expected: Array("aaaa".utf8))), Array("aaaa".utf8))
    }

    func testDistanceTooFarBackThrows() {
        // 'a', then length 3 at distance 2 (distance code 1): only 1 byte precedes it.
        var writer = BitWriter()
        writer.bits(1, 1); writer.bits(1, 2)
        writer.fixedSymbol(0x61)
        writer.fixedSymbol(257); writer.code(1, 5)
        writer.fixedSymbol(256)
        assertDecompressionFails(gzipMember(deflate: writer.bytes, expected: []), "distance too far back: 2 bytes")

        // Across members: the second member may not refer back into the first one's output.
        let first = gzipMember(deflate: [0x4B, 0x04, 0x00], expected: Array("a".utf8))
        var second = BitWriter()
        second.bits(1, 1); second.bits(1, 2)
        second.fixedSymbol(257); second.code(0, 5)
        second.fixedSymbol(256)
        assertDecompressionFails(first + gzipMember(deflate: second.bytes, expected: []), "distance too far back")
    }

    func testReservedSymbolsThrow() {
        var writer = BitWriter()
        writer.bits(1, 1); writer.bits(1, 2)
        writer.fixedSymbol(0x61)
        writer.fixedSymbol(286)
        assertDecompressionFails(gzipMember(deflate: writer.bytes + [0, 0], expected: []), "invalid literal/length symbol 286")
        writer = BitWriter()
        writer.bits(1, 1); writer.bits(1, 2)
        writer.fixedSymbol(0x61)
        writer.fixedSymbol(257); writer.code(30, 5)
        assertDecompressionFails(gzipMember(deflate: writer.bytes + [0, 0], expected: []), "invalid distance symbol 30")
    }

    func testOutputLimit() {
        let packed = fixture(GzipFixtures.level6)
        XCTAssertThrowsError(try Gzip.decompress(packed, maximumOutputSize: 1000)) { error in
            XCTAssertTrue("\(error)".contains("exceeds the limit of 1000 bytes"), "\(error)")
        }
        XCTAssertEqual(try Gzip.decompress(packed, maximumOutputSize: sample.count), sample)
        // A lying ISIZE (4 GiB - 1) neither breaks decoding nor is believed.
        var lying = fixture(GzipFixtures.level1)
        for i in 1...4 { lying[lying.count - i] = 0xFF }
        assertDecompressionFails(lying, "ISIZE mismatch")
    }

    /// Random corruption never crashes, hangs or succeeds with wrong output.
    func testRandomCorruptionNeverCrashes() {
        var generator = RandomGenerator(seed: 2024)
        let sources = [GzipFixtures.level1, GzipFixtures.level6, GzipFixtures.fixed, GzipFixtures.multiblock].map(fixture)
        var failures = 0
        for round in 0..<1500 {
            var data = sources[round % sources.count]
            for _ in 0..<(1 + generator.nextInt(below: 4)) {
                let index = 10 + generator.nextInt(below: data.count - 10)
                data[index] ^= UInt8(1 + generator.nextInt(below: 255))
            }
            if let output = try? Gzip.decompress(data) {
                XCTAssertEqual(output, sample, "round \(round) decoded to something else without an error")
            } else {
                failures += 1
            }
            // Raw DEFLATE without a CRC: just must not crash.
            _ = try? Gzip.inflate(Array(data[10...]), maximumOutputSize: 1 << 20)
        }
        XCTAssertGreaterThan(failures, 1400)
    }
}
