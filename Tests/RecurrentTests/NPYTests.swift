import Foundation
import XCTest
@testable import Recurrent
import RecurrentInitializers

/// Tests of the `.npy` reader and writer.
///
/// The fixtures in `Fixtures/npy/` were written by NumPy 2.4 (`numpy.save` and
/// `numpy.lib.format.write_array`, see `testDecodesNumPyFixtures` for the arrays); the
/// manifest excludes `Fixtures` from the target, and the tests read them next to `#filePath`.
final class NPYTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/npy")

    func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    func fixturePath(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("npy-tests-\(getpid())-\(name)").path
    }

    /// Same shape and bit-identical scalars (so NaN payloads and −0 count).
    func assertBitIdentical<S: RecurrentScalar>(_ a: Tensor<S>, _ b: Tensor<S>,
                                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, file: file, line: line)
        XCTAssertEqual(a.scalars.map { Double($0).bitPattern }, b.scalars.map { Double($0).bitPattern }, file: file, line: line)
    }

    func headerText(_ bytes: [UInt8]) -> String {
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        return String(decoding: bytes[10..<(10 + length)], as: UTF8.self)
    }

    // MARK: Round trips

    func testRoundTripDouble() throws {
        let special: [Double] = [0, -0.0, 1, -1.5, .pi, .infinity, -.infinity, .nan,
                                 .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1p-1030]
        for shape in [[], [7], [2, 3, 4], [0], [3, 0], [1, 1, 1, 1]] {
            let count = shape.reduce(1, *)
            let scalars = (0..<count).map { special[$0 % special.count] + Double($0 / special.count) }
            let tensor = try Tensor<Double>(shape: shape, scalars: scalars)
            let bytes = NPY.encode(tensor)
            XCTAssertEqual((bytes.count - count * 8) % 64, 0, "data starts at a multiple of 64")
            assertBitIdentical(try NPY.decode(bytes, as: Double.self, source: "mem"), tensor)
        }
    }

    func testRoundTripFloat() throws {
        let special: [Float] = [0, -0.0, 1, -1.5, .pi, .infinity, -.infinity, .nan,
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for shape in [[], [5], [2, 3, 4], [0], [4, 0, 2]] {
            let count = shape.reduce(1, *)
            let scalars = (0..<count).map { special[$0 % special.count] }
            let tensor = try Tensor<Float>(shape: shape, scalars: scalars)
            let bytes = NPY.encode(tensor)
            XCTAssertEqual((bytes.count - count * 4) % 64, 0)
            assertBitIdentical(try NPY.decode(bytes, as: Float.self, source: "mem"), tensor)
            // Float data read as Double is exact.
            let widened = try NPY.decode(bytes, as: Double.self, source: "mem")
            XCTAssertEqual(widened.shape, shape)
            for (x, y) in zip(widened.scalars, scalars) { XCTAssertEqual(x.bitPattern, Double(y).bitPattern) }
        }
    }

    func testHeaderLayout() throws {
        let vector = try Tensor<Float>(shape: [5], scalars: [1, 2, 3, 4, 5])
        let bytes = NPY.encode(vector)
        XCTAssertEqual(Array(bytes[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let header = headerText(bytes)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"), header)
        XCTAssertTrue(header.hasSuffix(" \n"))
        XCTAssertEqual((10 + header.utf8.count) % 64, 0)
        XCTAssertEqual(bytes.count, 10 + header.utf8.count + 20)

        let scalar = NPY.encode(try Tensor<Double>(shape: [], scalars: [2]))
        XCTAssertTrue(headerText(scalar).hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (), }"))
        let cube = NPY.encode(try Tensor<Double>(shape: [2, 3, 4], repeating: 0))
        XCTAssertTrue(headerText(cube).hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }"))
    }

    // MARK: Files written by NumPy

    func testDecodesNumPyFixtures() throws {
        let matrix = try NPY.read(from: fixturePath("numpy-f8-2x3.npy"), as: Double.self)
        XCTAssertEqual(matrix.shape, [2, 3])
        XCTAssertEqual(matrix.scalars, [0.5, -1.25, 3.0, 1e-300, -0.0, 123456.789])
        XCTAssertEqual(matrix.scalars[4].sign, .minus)

        let cube = try NPY.read(from: fixturePath("numpy-f4-2x3x4.npy"), as: Float.self)
        XCTAssertEqual(cube.shape, [2, 3, 4])
        XCTAssertEqual(cube.scalars, (0..<24).map { (Float($0) - 11.5) / 4 })

        let half = try NPY.read(from: fixturePath("numpy-f2-vector.npy"), as: Float.self)
        XCTAssertEqual(half.shape, [7])
        // float16(0.1) = 0.0999755859375; 2⁻²⁴ is the smallest half subnormal.
        XCTAssertEqual(half.scalars, [0, 1, -2.5, 65504, 0x1p-24, -.infinity, 0.0999755859375])

        let scalar = try NPY.read(from: fixturePath("numpy-f8-scalar.npy"), as: Float.self)
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.scalars, [3.25])

        let empty = try NPY.read(from: fixturePath("numpy-f4-empty-3x0.npy"), as: Double.self)
        XCTAssertEqual(empty.shape, [3, 0])
        XCTAssertEqual(empty.scalars, [])

        let version2 = try NPY.read(from: fixturePath("numpy-f4-v2.npy"), as: Double.self)
        XCTAssertEqual(version2.shape, [2])
        XCTAssertEqual(version2.scalars, [1.5, -2])

        let version3 = try NPY.read(from: fixturePath("numpy-f8-v3.npy"), as: Double.self)
        XCTAssertEqual(version3.shape, [2, 1])
        XCTAssertEqual(version3.scalars, [7, 8])
    }

    /// Our encoder reproduces numpy.save byte for byte (version 1.0 files).
    func testEncodingMatchesNumPyByteForByte() throws {
        for name in ["numpy-f8-2x3.npy", "numpy-f8-scalar.npy"] {
            let original = try fixture(name)
            XCTAssertEqual(NPY.encode(try NPY.decode(original, as: Double.self, source: name)), original, name)
        }
        for name in ["numpy-f4-2x3x4.npy", "numpy-f4-empty-3x0.npy"] {
            let original = try fixture(name)
            XCTAssertEqual(NPY.encode(try NPY.decode(original, as: Float.self, source: name)), original, name)
        }
    }

    func testRejectsUnsupportedNumPyFiles() throws {
        let cases = [("numpy-f4-fortran.npy", "fortran_order"),
                     ("numpy-f8-bigendian.npy", "big-endian"),
                     ("numpy-i4.npy", "unsupported descr '<i4'")]
        for (name, expected) in cases {
            XCTAssertThrowsError(try NPY.read(from: fixturePath(name), as: Double.self)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(name), message)
                XCTAssertTrue(message.contains(expected), message)
            }
        }
    }

    // MARK: Hostile input

    /// A valid header with the given dict text, padded like NumPy, followed by `data`.
    func file(header dict: String, version: UInt8 = 1, data: [UInt8]) -> [UInt8] {
        var header = Array(dict.utf8)
        let prefix = version == 1 ? 10 : 12
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 64 - (prefix + header.count + 1) % 64))
        header.append(UInt8(ascii: "\n"))
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        bytes.append(UInt8(header.count & 0xFF))
        bytes.append(UInt8(header.count >> 8))
        if version != 1 { bytes += [0, 0] }
        return bytes + header + data
    }

    func assertRejected(_ bytes: [UInt8], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NPY.decode(bytes, as: Float.self, source: "hostile.npy"), file: file, line: line) { error in
            guard case .invalidArgument(let what, let reason)? = error as? RecurrentError else {
                return XCTFail("expected RecurrentError.invalidArgument, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(what.hasPrefix("hostile.npy: "), what, file: file, line: line)
            XCTAssertTrue("\(what): \(reason)".contains(expected), "\(what): \(reason)", file: file, line: line)
        }
    }

    func testHostileCorpus() throws {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        let eight = [UInt8](repeating: 0, count: 8)
        XCTAssertNoThrow(try NPY.decode(file(header: good, data: eight), as: Float.self, source: "ok"))

        // Magic, version, lengths.
        assertRejected([], "magic")
        assertRejected([0x93, 0x4E, 0x55], "magic")
        assertRejected(Array("PK\u{3}\u{4} zip file, not npy".utf8), "magic")
        var badMagic = file(header: good, data: eight)
        badMagic[1] = UInt8(ascii: "n")
        assertRejected(badMagic, "magic")
        var version4 = file(header: good, data: eight)
        version4[6] = 4
        assertRejected(version4, "version 4.0")
        var minor = file(header: good, data: eight)
        minor[7] = 1
        assertRejected(minor, "version 1.1")
        assertRejected([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x10], "header length")
        assertRejected([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, 0x10, 0, 0], "header length")
        var longHeader = file(header: good, data: eight)
        longHeader[8] = 0xFF
        longHeader[9] = 0xFF
        assertRejected(longHeader, "runs past the end")
        var hugeV2 = file(header: good, version: 2, data: eight)
        hugeV2[8] = 0xFF; hugeV2[9] = 0xFF; hugeV2[10] = 0xFF; hugeV2[11] = 0xFF
        assertRejected(hugeV2, "runs past the end")

        // Data size.
        assertRejected(file(header: good, data: [0, 0, 0, 0, 0, 0, 0]), "truncated")
        assertRejected(file(header: good, data: []), "truncated")
        assertRejected(file(header: good, data: eight + [0]), "unexpected bytes")
        assertRejected(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
                            data: eight), "truncated")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                            data: eight), "more elements than Int")
        assertRejected(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }",
                            data: eight), "overflows Int")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000000000000000000000,), }",
                            data: eight), "does not fit in Int")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", data: eight), "negative")

        // Dtypes and order.
        assertRejected(file(header: "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", data: eight), "unsupported descr")
        assertRejected(file(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (8,), }", data: eight), "unsupported descr")
        assertRejected(file(header: "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: eight), "unsupported descr")
        assertRejected(file(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", data: eight), "big-endian")
        assertRejected(file(header: "{'descr': '', 'fortran_order': False, 'shape': (2,), }", data: eight), "empty descr")
        assertRejected(file(header: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", data: eight),
                       "structured")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", data: eight), "fortran_order")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", data: eight), "True or False")

        // Malformed dicts.
        assertRejected(file(header: "", data: eight), "dict")
        assertRejected(file(header: "[1, 2]", data: eight), "dict")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False}", data: eight), "missing key 'shape'")
        assertRejected(file(header: "{'fortran_order': False, 'shape': (2,)}", data: eight), "missing key 'descr'")
        assertRejected(file(header: "{'descr': '<f4', 'shape': (2,)}", data: eight), "missing key 'fortran_order'")
        assertRejected(file(header: "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", data: eight),
                       "duplicate key")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", data: eight),
                       "unexpected key 'extra'")
        assertRejected(file(header: "{'descr' '<f4', 'fortran_order': False, 'shape': (2,)}", data: eight), "expected ':'")
        assertRejected(file(header: "{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", data: eight), "expected ',' or '}'")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", data: eight), "expected ',' or '}'")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk", data: eight), "after the dict")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", data: eight), "tuple")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,)}", data: eight), "expected ',' or ')'")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2", data: eight), "shape")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (,)}", data: eight), "non-negative integer")
        assertRejected(file(header: "{'descr': '<f\u{e9}', 'fortran_order': False, 'shape': (2,)}", data: eight), "character")
        assertRejected(file(header: "{'descr': '<f4", data: eight), "unterminated string")
        assertRejected(file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                                + String(repeating: "1, ", count: 65) + ")}", data: eight), "more than 64 axes")

        // Tolerated variations: double quotes, no spaces, no trailing comma, Python 2 longs.
        let variants = ["{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,)}",
                        "{'shape':(2,),'fortran_order':False,'descr':'<f4'}",
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }"]
        for variant in variants {
            XCTAssertEqual(try NPY.decode(file(header: variant, data: eight), as: Float.self, source: "v").shape, [2], variant)
        }
    }

    /// Random corruption and every truncation of valid files must throw or decode, never trap.
    func testFuzzedInputsNeverCrash() throws {
        var generator = RandomGenerator(seed: 7)
        let seeds = [NPY.encode(try Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])),
                     NPY.encode(try Tensor<Double>(shape: [], scalars: [1])),
                     try fixture("numpy-f2-vector.npy"),
                     try fixture("numpy-f4-v2.npy")]
        var decoded = 0, rejected = 0
        for original in seeds {
            for length in 0..<original.count {
                XCTAssertThrowsError(try NPY.decode(Array(original[0..<length]), as: Float.self, source: "cut"))
            }
            for _ in 0..<2000 {
                var bytes = original
                for _ in 0..<(1 + generator.nextInt(below: 4)) {
                    let index = generator.nextInt(below: bytes.count)
                    // Mostly printable header characters, sometimes arbitrary bytes.
                    let choices = Array("(),: '\"0123456789TrueFalsdc{}<>f248L\n".utf8)
                    bytes[index] = generator.nextInt(below: 3) == 0
                        ? UInt8(truncatingIfNeeded: generator.next())
                        : choices[generator.nextInt(below: choices.count)]
                }
                do {
                    let tensor = try NPY.decode(bytes, as: Double.self, source: "fuzz")
                    XCTAssertEqual(tensor.count, tensor.shape.reduce(1, *))
                    decoded += 1
                } catch is RecurrentError {
                    rejected += 1
                }
            }
        }
        XCTAssertGreaterThan(rejected, 0)
        XCTAssertGreaterThan(decoded, 0)
    }

    // MARK: Files

    func testWriteAndReadFile() throws {
        let path = temporaryPath("round-trip.npy")
        defer { unlink(path) }
        let tensor = try Tensor<Float>(shape: [2, 2], scalars: [1, -2, 3.5, 0])
        try NPY.write(tensor, to: path)
        XCTAssertEqual(try NPY.read(from: path, as: Float.self), tensor)
        // Overwrite atomically with a different tensor and dtype; no temporary file is left behind.
        let replacement = try Tensor<Double>(shape: [3], scalars: [7, 8, 9])
        try NPY.write(replacement, to: path)
        XCTAssertEqual(try NPY.read(from: path, as: Double.self), replacement)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(path).tmp-\(getpid())"))
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), NPY.encode(replacement))
    }

    func testFileErrorsNameThePath() throws {
        let missing = "/nonexistent-directory-\(getpid())/w.npy"
        XCTAssertThrowsError(try NPY.write(try Tensor<Float>(shape: [1], scalars: [1]), to: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
        XCTAssertThrowsError(try NPY.read(from: missing, as: Float.self)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
        // A corrupt file: the message names the path and the problem.
        let path = temporaryPath("corrupt.npy")
        defer { unlink(path) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("not numpy".utf8)))
        XCTAssertThrowsError(try NPY.read(from: path, as: Float.self)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path): magic"), "\(error)")
        }
        // A directory is not a file.
        XCTAssertThrowsError(try NPY.read(from: FileManager.default.temporaryDirectory.path, as: Float.self)) { error in
            XCTAssertTrue("\(error)".contains(FileManager.default.temporaryDirectory.path), "\(error)")
        }
    }
}
