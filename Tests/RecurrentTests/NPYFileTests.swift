import Foundation
import XCTest
@testable import Recurrent

/// The `.npy` file reader against hostile files: sizes checked against the file before allocating, pipes read
/// with a cap, every message naming the file.
final class NPYFileTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-files-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// A version 1.0 file with the given header dict (padded like NumPy), followed by `data`.
    static func npy(header dict: String, data: [UInt8]) -> [UInt8] {
        var header = Array(dict.utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 64 - (10 + header.count + 1) % 64))
        header.append(UInt8(ascii: "\n"))
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let file = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func assertRejected(_ file: String, _ words: [String], line: UInt = #line) {
        XCTAssertThrowsError(try NPY.read(from: file, as: Float.self), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(file), "the message must name the file: \(message)", line: line)
            for word in words { XCTAssertTrue(message.contains(word), "\(message) does not mention \(word)", line: line) }
        }
    }

    func testTruncatedAndOverlongFilesNameTheFile() throws {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100,), }"
        assertRejected(try write(Self.npy(header: header, data: [UInt8](repeating: 0, count: 8)), "short.npy"),
                       ["data", "truncated", "needs 400 bytes", "only 8 present"])
        assertRejected(try write(Self.npy(header: header, data: [UInt8](repeating: 0, count: 400 + 100)), "long.npy"),
                       ["100 unexpected bytes"])
        var runsPast = Self.npy(header: header, data: [])
        runsPast[8] = 0xFF
        runsPast[9] = 0xFF
        assertRejected(try write(runsPast, "header.npy"), ["header length 65535 runs past the end"])
        assertRejected(try write([], "empty.npy"), ["magic", "empty"])
        assertRejected(try write(Array("PK\u{3}\u{4}".utf8) + [UInt8](repeating: 7, count: 100), "zip.npy"), ["magic", "50 4b 03 04"])
    }

    /// A header that declares terabytes, in a sparse file of that size: refused by the size guard before the
    /// data is read (reading it would exhaust memory).
    func testHugeDeclaredSizeIsRefusedBeforeAllocating() throws {
        let elements = 1 << 40  // 4 TiB of '<f4', 8 TiB as Double
        let header = Self.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (\(elements),), }", data: [])
        let file = try write(header, "huge.npy")
        guard truncate(file, off_t(header.count + 4 * elements)) == 0 else {
            throw XCTSkip("this file system cannot hold a sparse 4 TiB file (\(String(cString: strerror(errno))))")
        }
        let limit = try SizeGuard.limit()
        try XCTSkipIf(limit >= 12 << 40, "the memory limit (\(limit) bytes) admits 12 TiB")
        XCTAssertThrowsError(try NPY.read(from: file, as: Double.self)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(file), message)
            XCTAssertTrue(message.contains("needs \(4 * elements + 8 * elements) bytes"), message)
            XCTAssertTrue(message.contains("limit of \(limit) bytes"), message)
        }
    }

    func testNPYThroughAPipe() throws {
        let fifo = path("weights.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let tensor = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let writer = FileIOTests.FIFOWriter(path: fifo, bytes: NPY.encode(tensor))
        XCTAssertEqual(try NPY.read(from: fifo, as: Float.self), tensor)
        _ = writer.finish()

        // A pipe whose header declares 1 GiB but which ends after 8 bytes: truncated, and the reader never
        // allocated the declared size (it grows with what arrives).
        let liar = Self.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }",
                            data: [UInt8](repeating: 0, count: 8))
        let second = FileIOTests.FIFOWriter(path: fifo, bytes: liar)
        assertRejected(fifo, ["truncated", "needs 1073741824 bytes", "only 8 present"])
        _ = second.finish()

        // Trailing bytes after the data arrive through a pipe too.
        let third = FileIOTests.FIFOWriter(path: fifo, bytes: NPY.encode(tensor) + [1, 2, 3])
        assertRejected(fifo, ["unexpected bytes"])
        _ = third.finish()
    }

    /// An endless stream (what `/dev/zero` is) is not a .npy file: the reader stops after the prefix instead of
    /// reading until memory runs out.
    func testEndlessPipeStopsAtTheMagic() throws {
        let fifo = path("zeros.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = FileIOTests.FIFOWriter(path: fifo, bytes: [], extra: 64 << 20)
        assertRejected(fifo, ["magic", "00 00 00 00"])
        XCTAssertLessThan(writer.finish(), 64 << 20, "the reader drained the pipe")
    }

    /// The hostile files of the fuzzing corpus (Fuzz/corpus/npy-*, st-*) are each refused with a message that
    /// starts with the file's path; `st-nan` is well-formed and refused by ``SafeTensors/Contents/requireFinite()``.
    func testFuzzCorpusHostileFilesAreRefused() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus").path
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
        let hostile = names.filter { $0.hasPrefix("npy-") || $0.hasPrefix("st-") }
        XCTAssertGreaterThanOrEqual(hostile.count, 12, "\(names)")
        for name in hostile {
            let file = corpus + "/" + name
            XCTAssertThrowsError(try name.hasPrefix("npy-") ? _ = NPY.read(from: file, as: Float.self)
                                                           : SafeTensors.read(from: file, as: Float.self).requireFinite(), name) { error in
                XCTAssertTrue("\(error)".hasPrefix(file), "\(error)")
            }
        }
    }

}
