import Foundation
import XCTest
@testable import Recurrent

/// The one size guard: overflow-checked byte counts, refused above a limit derived from the machine's memory,
/// before anything is allocated.
final class SizeGuardTests: XCTestCase {
    func testBytesAreOverflowChecked() throws {
        XCTAssertEqual(try SizeGuard.bytes(of: [3, 4], elementSize: 8, setting: "s"), 96)
        XCTAssertEqual(try SizeGuard.bytes(of: [], elementSize: 4, setting: "s"), 4)
        XCTAssertEqual(try SizeGuard.bytes(of: [5, 0], elementSize: 4, setting: "s"), 0)
        XCTAssertThrowsError(try SizeGuard.bytes(of: [1 << 31, 1 << 31], elementSize: 4, setting: "--hidden 2147483648")) { error in
            XCTAssertTrue("\(error)".hasPrefix("--hidden 2147483648: "), "\(error)")
            XCTAssertTrue("\(error)".contains("more bytes than Int can count"), "\(error)")
        }
        XCTAssertThrowsError(try SizeGuard.bytes(of: [2, -1], elementSize: 4, setting: "--batch -1")) { error in
            XCTAssertTrue("\(error)".contains("negative"), "\(error)")
        }
        XCTAssertThrowsError(try SizeGuard.check([[1 << 60], [1 << 60]], of: Double.self, setting: "two tensors"))
    }

    func testLimitNamesTheSettingAndTheBytes() throws {
        XCTAssertNoThrow(try SizeGuard.check(bytes: 1000, setting: "x", limit: 1000))
        XCTAssertThrowsError(try SizeGuard.check(bytes: 1001, setting: "--length 1000000000", limit: 1000)) { error in
            XCTAssertEqual("\(error)", "--length 1000000000: needs 1001 bytes, more than the limit of 1000 bytes "
                                     + "(half of the physical memory, or RNN_MEMORY_LIMIT)")
        }
        // An LSTM with H = 10⁸: W_hh alone is 4·10¹⁶ Floats.
        XCTAssertThrowsError(try SizeGuard.check([[400_000_000, 100_000_000]], of: Float.self, setting: "hiddenSize = 100000000")) { error in
            XCTAssertTrue("\(error)".contains("hiddenSize = 100000000: needs 160000000000000000 bytes"), "\(error)")
        }
        XCTAssertEqual(try SizeGuard.check([[4, 3], [4]], of: Float.self, setting: "small"), 64)
    }

    func testLimitComesFromThePhysicalMemory() throws {
        let physical = SizeGuard.physicalMemory()
        XCTAssertGreaterThan(physical, 1 << 26, "a machine that runs these tests has more than 64 MiB")
        if getenv("RNN_MEMORY_LIMIT") == nil {
            XCTAssertEqual(try SizeGuard.limit(), physical / 2)
        }
    }

    func testEnvironmentOverrideSyntax() {
        XCTAssertEqual(SizeGuard.parseLimit("1048576"), 1 << 20)
        XCTAssertEqual(SizeGuard.parseLimit("512M"), 512 << 20)
        XCTAssertEqual(SizeGuard.parseLimit("2g"), 2 << 30)
        XCTAssertEqual(SizeGuard.parseLimit("3GiB"), 3 << 30)
        XCTAssertEqual(SizeGuard.parseLimit("4kb"), 4 << 10)
        XCTAssertEqual(SizeGuard.parseLimit("1T"), 1 << 40)
        for bad in ["", "G", "-5", "0", "1.5G", "ten", "99999999999T", "12 M"] {
            XCTAssertNil(SizeGuard.parseLimit(bad), bad)
        }
    }

    /// The variable is honoured by a fresh process (it is read once per process): the corpus replayer, which
    /// reads through ``FileIO/readAll(_:limit:)``, refuses a 200-byte file under a 100-byte limit.
    func testEnvironmentOverrideInAProcess() throws {
        let built = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let replayer = built.appendingPathComponent("safetensors-fuzz").path
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: replayer), "the replayer is not built beside the tests (\(replayer))")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("size-guard-\(getpid()).bin")
        try Data(repeating: 1, count: 200).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        func run(_ limit: String) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: replayer)
            process.arguments = [file.path]
            process.environment = ["RNN_MEMORY_LIMIT": limit]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }
        let (refused, message) = try run("100")
        XCTAssertEqual(refused, 1, message)
        XCTAssertTrue(message.contains("needs 200 bytes, more than the limit of 100 bytes"), message)
        XCTAssertEqual(try run("1K").0, 0)
        XCTAssertTrue(try run("lots").1.contains("RNN_MEMORY_LIMIT=lots"))
    }

    // MARK: Tensors

    func testTensorAllocationIsGuarded() throws {
        XCTAssertThrowsError(try Tensor<Float>(shape: [1 << 20, 1 << 20, 4])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("Tensor<Float> of shape (1048576, 1048576, 4)"), message)
            XCTAssertTrue(message.contains("needs 17592186044416 bytes"), message)
        }
        XCTAssertThrowsError(try Tensor<Double>.zeros([1 << 62, 4])) { error in
            XCTAssertTrue("\(error)".contains("overflows"), "\(error)")
        }
        XCTAssertThrowsError(try Tensor<Double>(shape: [1 << 40], repeating: 1))
        let tall = try Tensor<Float>(shape: [1 << 35, 0])
        XCTAssertThrowsError(try tall.matmul(try Tensor<Float>(shape: [0, 1 << 35]))) { error in
            XCTAssertTrue("\(error)".contains("(34359738368, 34359738368)"), "\(error)")
        }
        XCTAssertEqual(try Tensor<Float>(shape: [2, 3]).count, 6)
    }
}
