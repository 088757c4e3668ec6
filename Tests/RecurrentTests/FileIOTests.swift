import Foundation
import XCTest
@testable import Recurrent

/// Writing through ``FileIO``: regular files replaced atomically, symbolic links followed to their target,
/// special files refused and left as they are; ``FileIO/checkWritable(_:)`` before any work; reading pipes
/// with a cap. Everything happens in a fresh temporary directory; no real device is touched.
final class FileIOTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fileio-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func fileType(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    func contents(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Names in the directory (temporary or probe files left behind would show here).
    func listing(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    func assertRefused(_ body: @autoclosure () throws -> Void, mentioning words: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            for word in words { XCTAssertTrue("\(error)".contains(word), "\(error) does not mention \(word)", file: file, line: line) }
        }
    }

    // MARK: Writing

    func testRegularFileIsReplacedAtomically() throws {
        let target = path("weights.bin")
        try FileIO.writeAtomically([1, 2, 3], to: target)
        try FileIO.writeAtomically([4, 5], to: target)
        XCTAssertEqual(try contents(target), [4, 5])
        XCTAssertEqual(fileType(target), S_IFREG)
        XCTAssertEqual(try listing(directory), ["weights.bin"])
    }

    func testSymbolicLinkTargetIsReplacedAndTheLinkStays() throws {
        // The link lives in one directory and points, relatively, at a file in another.
        try FileManager.default.createDirectory(atPath: path("links"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: path("data"), withIntermediateDirectories: false)
        try FileIO.writeAtomically([1, 1, 1], to: path("data/model.bin"))
        XCTAssertEqual(symlink("../data/model.bin", path("links/latest")), 0)

        try FileIO.writeAtomically([7, 8, 9, 10], to: path("links/latest"))
        XCTAssertEqual(fileType(path("links/latest")), S_IFLNK, "the link must stay a link")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("links/latest")), "../data/model.bin")
        XCTAssertEqual(try contents(path("data/model.bin")), [7, 8, 9, 10], "the target holds the new content")
        XCTAssertEqual(try listing(path("links")), ["latest"])
        XCTAssertEqual(try listing(path("data")), ["model.bin"])

        // A chain of two links, and a link whose target does not exist yet (it is created).
        XCTAssertEqual(symlink(path("links/latest"), path("chain")), 0)
        try FileIO.writeAtomically([42], to: path("chain"))
        XCTAssertEqual(try contents(path("data/model.bin")), [42])
        XCTAssertEqual(fileType(path("chain")), S_IFLNK)
        XCTAssertEqual(symlink("new.bin", path("dangling")), 0)
        try FileIO.writeAtomically([5], to: path("dangling"))
        XCTAssertEqual(fileType(path("dangling")), S_IFLNK)
        XCTAssertEqual(try contents(path("new.bin")), [5])
    }

    func testFIFOIsRefusedAndStaysAFIFO() throws {
        let fifo = path("out.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        assertRefused(try FileIO.writeAtomically([1, 2], to: fifo), mentioning: [fifo, "FIFO", "refusing"])
        XCTAssertEqual(fileType(fifo), S_IFIFO)
        // Through a link too: the link and the FIFO are both left as they are.
        XCTAssertEqual(symlink(fifo, path("link-to-fifo")), 0)
        assertRefused(try FileIO.writeAtomically([1, 2], to: path("link-to-fifo")), mentioning: ["FIFO", "link-to-fifo"])
        XCTAssertEqual(fileType(fifo), S_IFIFO)
        XCTAssertEqual(fileType(path("link-to-fifo")), S_IFLNK)
        // The formats that write through FileIO refuse it as well.
        assertRefused(try NPY.write(try Tensor<Float>(shape: [1], scalars: [1]), to: fifo), mentioning: ["FIFO"])
        assertRefused(try SafeTensors.write([("w", try Tensor<Float>(shape: [1], scalars: [1]))], to: fifo), mentioning: ["FIFO"])
        XCTAssertEqual(fileType(fifo), S_IFIFO)
        XCTAssertEqual(try listing(directory), ["link-to-fifo", "out.fifo"])
    }

    func testDirectoryIsRefused() throws {
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: false)
        assertRefused(try FileIO.writeAtomically([1], to: path("sub")), mentioning: [path("sub"), "directory"])
        XCTAssertEqual(fileType(path("sub")), S_IFDIR)
    }

    // MARK: Checking an output path before the work

    func testCheckWritableAcceptsNewAndExistingFilesWithoutCreatingThem() throws {
        try FileIO.checkWritable(path("new.safetensors"))
        XCTAssertEqual(try listing(directory), [], "neither the file nor the probe is left behind")
        try FileIO.writeAtomically([1], to: path("old.bin"))
        try FileIO.checkWritable(path("old.bin"))
        XCTAssertEqual(try contents(path("old.bin")), [1])
        XCTAssertEqual(symlink("old.bin", path("link")), 0)
        try FileIO.checkWritable(path("link"))
        XCTAssertEqual(try listing(directory), ["link", "old.bin"])
    }

    func testCheckWritableRefusesBadPaths() throws {
        let missing = path("no-such-directory/model.safetensors")
        assertRefused(try FileIO.checkWritable(missing), mentioning: [missing, "no-such-directory", "No such file"])
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: false)
        assertRefused(try FileIO.checkWritable(path("sub")), mentioning: [path("sub"), "directory"])
        XCTAssertEqual(mkfifo(path("fifo"), 0o644), 0)
        assertRefused(try FileIO.checkWritable(path("fifo")), mentioning: ["FIFO"])
        try FileIO.writeAtomically([1], to: path("plain"))
        assertRefused(try FileIO.checkWritable(path("plain/child.csv")), mentioning: ["plain", "directory"])
        assertRefused(try FileIO.checkWritable(""), mentioning: ["empty"])
        // A directory that refuses new files even to root (sysfs on Linux).
        var info = stat()
        if stat("/sys", &info) == 0 {
            assertRefused(try FileIO.checkWritable("/sys/rnn-check-writable-test.csv"), mentioning: ["/sys", "cannot create"])
        }
    }

    func testCheckWritableRefusesAReadOnlyDirectory() throws {
        try FileManager.default.createDirectory(atPath: path("ro"), withIntermediateDirectories: false)
        XCTAssertEqual(chmod(path("ro"), 0o555), 0)
        defer { chmod(path("ro"), 0o755) }
        let probe = open(path("ro/x"), O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if probe >= 0 {
            close(probe)
            unlink(path("ro/x"))
            // Root ignores the mode bits: the real write would succeed too, so the check rightly passes.
            try FileIO.checkWritable(path("ro/model.npy"))
            throw XCTSkip("running as root: a mode-0555 directory is writable, nothing to refuse (see testCheckWritableRefusesBadPaths for /sys)")
        }
        assertRefused(try FileIO.checkWritable(path("ro/model.npy")), mentioning: [path("ro/model.npy"), "cannot create", "Permission denied"])
    }

    // MARK: Reading pipes

    /// Writes `bytes` into the FIFO at `path` from another thread, then keeps writing zeros until `extra` bytes
    /// or until the reader closes its end; returns the total written (read after `finish`).
    final class FIFOWriter: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var written = 0  // set by the writer thread before `done` is signalled

        init(path: String, bytes: [UInt8], extra: Int = 0) {
            signal(SIGPIPE, SIG_IGN)  // a closed reader gives EPIPE, not a signal
            Thread { [self] in run(path: path, bytes: bytes, extra: extra) }.start()
        }

        private func run(path: String, bytes: [UInt8], extra: Int) {
            defer { done.signal() }
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { return }
            defer { close(descriptor) }
            let zeros = [UInt8](repeating: 0, count: 1 << 16)
            func put(_ chunk: [UInt8]) -> Bool {
                var offset = 0
                while offset < chunk.count {
                    let n = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, chunk.count - offset) }
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return false }
                    offset += n
                    written += n
                }
                return true
            }
            guard put(bytes) else { return }
            while written < bytes.count + extra, put(Array(zeros.prefix(bytes.count + extra - written))) {}
        }

        /// Waits for the writer to finish and returns how many bytes it wrote.
        func finish() -> Int {
            done.wait()
            return written
        }
    }

    func testSafeTensorsFromAPipe() throws {
        let fifo = path("model.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let weight = try Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let writer = FIFOWriter(path: fifo, bytes: try SafeTensors.encode([("w", weight)]))
        let contents = try SafeTensors.read(from: fifo, as: Float.self)
        _ = writer.finish()
        XCTAssertEqual(try contents.tensor("w"), weight)
    }

    func testPipeIsReadWithACap() throws {
        let fifo = path("endless.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = FIFOWriter(path: fifo, bytes: [], extra: 8 << 20)
        assertRefused(_ = try FileIO.readAll(fifo, limit: 1 << 20), mentioning: [fifo, "FIFO", "more than 1048576 bytes"])
        XCTAssertLessThan(writer.finish(), 8 << 20, "the reader stopped at the cap instead of draining the pipe")
    }
}
