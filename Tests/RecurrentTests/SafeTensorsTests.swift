import XCTest
@testable import Recurrent

/// Round trips, and a corpus of hostile files: each must throw an error naming the file and (where one
/// exists) the tensor, without crashing, reading out of bounds or allocating absurd amounts.
final class SafeTensorsTests: XCTestCase {
    func testRoundTripFloatAndDouble() throws {
        let a = try Tensor<Double>(shape: [2, 3], scalars: [1, -2, 3.5, 1e-300, .pi, -0.0])
        let b = try Tensor<Double>(shape: [4], scalars: [0, 1, 2, 3])
        let scalar = try Tensor<Double>(shape: [], scalars: [42])
        let bytes = try SafeTensors.encode([("a", a), ("b", b), ("s", scalar)], metadata: ["cell": "lstm", "version": "1"])
        XCTAssertEqual((bytes.count - 8 - Int(bytes[0]) - Int(bytes[1]) << 8) % 8, 0)
        let back = try SafeTensors.decode(bytes, as: Double.self, source: "t.safetensors")
        XCTAssertEqual(try back.tensor("a"), a)
        XCTAssertEqual(try back.tensor("b"), b)
        XCTAssertEqual(try back.tensor("s"), scalar)
        XCTAssertEqual(back.metadata, ["cell": "lstm", "version": "1"])
        // Stored as F32, read back as Float: exact for values representable in Float.
        let f32 = try SafeTensors.encode([("b", b)], dtype: .f32)
        XCTAssertEqual(try SafeTensors.decode(f32, as: Float.self, source: "f").tensor("b"), b.converted(to: Float.self))
    }

    /// Half and bfloat16 files (as written by PyTorch for `.half()` / `.bfloat16()` models) are read and widened.
    func testReadsF16AndBF16() throws {
        // F16: 1.0 = 0x3C00, −2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 2^−24 = 0x0001.
        // BF16: 1.0 = 0x3F80, −0.5 = 0xBF00.
        let header = #"{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}}"#
        var bytes = lengthPrefixed(header)
        bytes += [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00, 0x80, 0x3F, 0x00, 0xBF]
        let file = try SafeTensors.decode(bytes, as: Float.self, source: "half.safetensors")
        XCTAssertEqual(try file.tensor("h").scalars, [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1)])
        XCTAssertEqual(try file.tensor("b").scalars, [1, -0.5])
    }

    func lengthPrefixed(_ header: String) -> [UInt8] {
        let h = Array(header.utf8)
        var bytes = [UInt8]()
        SafeTensors.appendLittleEndian(&bytes, UInt64(h.count))
        return bytes + h
    }

    func expectFailure(_ bytes: [UInt8], _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.decode(bytes, as: Float.self, source: "bad.safetensors"), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bad.safetensors"), text, file: file, line: line)
            for fragment in fragments { XCTAssertTrue(text.contains(fragment), "'\(fragment)' not in: \(text)", file: file, line: line) }
        }
    }

    func testHostileFiles() throws {
        let good = try SafeTensors.encode([("w", Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4]))])
        // Truncated anywhere: in the length, in the header, in the data.
        for cut in [0, 3, 7, 9, 20, good.count - 1] {
            XCTAssertThrowsError(try SafeTensors.decode(Array(good[0..<cut]), as: Float.self, source: "cut.safetensors"), "cut \(cut)")
        }
        // Header length past the end, and absurd.
        var huge = good
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])
        expectFailure(huge, ["past the end"])
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        expectFailure(huge, ["exceeds the limit"])
        let data16 = [UInt8](repeating: 0, count: 16)
        // Offsets out of range.
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,32]}}"#) + data16, ["'w'", "out of range"])
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#) + data16, ["'w'", "out of range"])
        // Overlap.
        expectFailure(lengthPrefixed(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#) + data16,
                      ["'b'", "overlaps", "'a'"])
        // dtype does not match the byte count.
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F64","shape":[4],"data_offsets":[0,16]}}"#) + data16, ["'w'", "F64"])
        // Unknown dtype.
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"I8","shape":[16],"data_offsets":[0,16]}}"#) + data16, ["'w'", "unsupported dtype I8"])
        // Element count overflow.
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,16]}}"#) + data16, ["'w'", "overflow"])
        // Negative and fractional extents.
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}"#) + data16, ["'w'", "negative"])
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,16]}}"#) + data16, ["'w'"])
        // Duplicate names.
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#) + data16,
                      ["duplicate key \"w\""])
        // Invalid UTF-8 in a name.
        var bad = Array(#"{"w"#.utf8) + [0xC3, 0x28] + Array(#"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8)
        var prefixed = [UInt8]()
        SafeTensors.appendLittleEndian(&prefixed, UInt64(bad.count))
        bad = prefixed + bad + data16
        expectFailure(bad, ["UTF-8"])
        // Not JSON, JSON of the wrong kind, deep nesting, missing fields.
        expectFailure(lengthPrefixed("not json") + data16, ["header"])
        expectFailure(lengthPrefixed("[1,2]") + data16, ["not a JSON object"])
        expectFailure(lengthPrefixed(String(repeating: "[", count: 10_000)) + data16, ["nesting"])
        expectFailure(lengthPrefixed(#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#) + data16, ["'w'", "dtype"])
        expectFailure(lengthPrefixed(#"{"w":{"dtype":"F32","shape":[1]}}"#) + data16, ["'w'", "data_offsets"])
        expectFailure(lengthPrefixed(#"{"__metadata__":{"k":1}}"#), ["__metadata__"])
        // A missing tensor names the ones present.
        let file = try SafeTensors.decode(good, as: Float.self, source: "m.safetensors")
        XCTAssertThrowsError(try file.tensor("weight_hh_l0")) { error in
            XCTAssertTrue("\(error)".contains("weight_hh_l0") && "\(error)".contains("m.safetensors") && "\(error)".contains("w"))
        }
    }

    /// Random mutations of a valid file never crash the reader (a quick in-test fuzz; the libFuzzer harness goes further).
    func testRandomMutationsNeverCrash() throws {
        let good = try SafeTensors.encode([("a", Tensor<Float>(shape: [3], scalars: [1, 2, 3])),
                                           ("b", Tensor<Float>(shape: [1, 2], scalars: [4, 5]))], metadata: ["k": "v"])
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for _ in 0..<3000 {
            var bytes = good
            for _ in 0..<(1 + next() % 4) {
                let position = next() % bytes.count
                switch next() % 3 {
                case 0: bytes[position] = UInt8(next() % 256)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8(next() % 256), at: position)
                }
            }
            _ = try? SafeTensors.decode(bytes, as: Double.self, source: "fuzz")
        }
    }

    func testAtomicWriteAndRead() throws {
        let path = NSTemporaryDirectoryPath() + "/safetensors-\(getpid()).safetensors"
        let t = try Tensor<Float>(shape: [2], scalars: [7, 8])
        try SafeTensors.write([("t", t)], to: path)
        XCTAssertEqual(try SafeTensors.read(from: path, as: Float.self).tensor("t"), t)
        XCTAssertThrowsError(try SafeTensors.read(from: path + ".missing", as: Float.self)) { error in
            XCTAssertTrue("\(error)".contains(".missing") && "\(error)".contains("No such file"), "\(error)")
        }
        XCTAssertThrowsError(try SafeTensors.write([("t", t)], to: "/nonexistent-dir/x.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-dir/x.safetensors"), "\(error)")
        }
        unlink(path)
    }
}

func NSTemporaryDirectoryPath() -> String {
    ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
}
