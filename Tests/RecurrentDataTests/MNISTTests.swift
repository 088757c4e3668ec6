import Foundation
import RecurrentData
import XCTest

final class MNISTTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("RecurrentDataTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func write(_ bytes: [UInt8], _ name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
    }

    static func bigEndian(_ value: Int) -> [UInt8] {
        [UInt8((value >> 24) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func imageFile(count: Int, rows: Int = 28, columns: Int = 28, extra: Int = 0) -> [UInt8] {
        var bytes = bigEndian(2051) + bigEndian(count) + bigEndian(rows) + bigEndian(columns)
        bytes += (0..<(count * rows * columns + extra)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        return bytes
    }

    static func labelFile(_ labels: [UInt8], magic: Int = 2049) -> [UInt8] {
        bigEndian(magic) + bigEndian(labels.count) + labels
    }

    /// Writes a small valid data set: 3 training and 2 test examples, the train files gzipped.
    func writeValidSet() throws {
        try write(storedGzip(Self.imageFile(count: 3)), "train-images-idx3-ubyte.gz")
        try write(storedGzip(Self.labelFile([5, 0, 4])), "train-labels-idx1-ubyte.gz")
        try write(Self.imageFile(count: 2), "t10k-images-idx3-ubyte")
        try write(Self.labelFile([7, 2]), "t10k-labels-idx1-ubyte")
    }

    func assertLoadFails(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try MNIST.load(directory: directory), file: file, line: line) { error in
            XCTAssertTrue(error is DatasetError, "\(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue("\(error)".contains(fragment), "'\(fragment)' not in: \(error)", file: file, line: line)
            }
        }
    }

    func testLoadsGzippedAndUnpackedFiles() throws {
        try writeValidSet()
        let mnist = try MNIST.load(directory: directory)
        XCTAssertEqual(mnist.trainLabels, [5, 0, 4])
        XCTAssertEqual(mnist.testLabels, [7, 2])
        XCTAssertEqual(mnist.trainImages, Array(Self.imageFile(count: 3)[16...]))
        XCTAssertEqual(mnist.testImages.count, 2 * 784)
        XCTAssertEqual(mnist.trainCount, 3)
        XCTAssertEqual(mnist.testCount, 2)
    }

    func testFormatIsDetectedByMagicNotName() throws {
        try writeValidSet()
        // Unpacked content under a .gz name, and gzipped content without .gz.
        try FileManager.default.removeItem(atPath: directory + "/train-labels-idx1-ubyte.gz")
        try write(Self.labelFile([5, 0, 4]), "train-labels-idx1-ubyte.gz")
        try FileManager.default.removeItem(atPath: directory + "/t10k-labels-idx1-ubyte")
        try write(storedGzip(Self.labelFile([7, 2])), "t10k-labels-idx1-ubyte")
        let mnist = try MNIST.load(directory: directory)
        XCTAssertEqual(mnist.trainLabels, [5, 0, 4])
        XCTAssertEqual(mnist.testLabels, [7, 2])
    }

    func testMissingFileSaysWhichFileWhereAndHowToPointAtACopy() throws {
        try writeValidSet()
        try FileManager.default.removeItem(atPath: directory + "/t10k-images-idx3-ubyte")
        assertLoadFails(["t10k-images-idx3-ubyte", directory, "--data DIR", "RNN_MNIST_DIR"])
        XCTAssertThrowsError(try MNIST.load(directory: directory + "/absent")) { error in
            XCTAssertEqual(error as? DatasetError, .fileNotFound(file: "train-images-idx3-ubyte", directory: directory + "/absent"))
        }
    }

    func testWrongMagicIsNamed() throws {
        try writeValidSet()
        try write(storedGzip(Self.labelFile([5, 0, 4], magic: 2051)), "train-labels-idx1-ubyte.gz")
        assertLoadFails(["train-labels-idx1-ubyte.gz: expected magic 2049, found 2051"])
    }

    func testDimensionsMustMatchByteCount() throws {
        try writeValidSet()
        try write(Self.imageFile(count: 2, extra: 5), "t10k-images-idx3-ubyte")
        assertLoadFails(["t10k-images-idx3-ubyte: header declares 2 × 28 × 28 = 1568 bytes of data, but the file holds 1573"])
        try write(Self.imageFile(count: 2, rows: 14, columns: 56), "t10k-images-idx3-ubyte")
        assertLoadFails(["t10k-images-idx3-ubyte: expected 28 × 28 images, found 14 × 56"])
        try write([0, 0, 8, 3, 0, 0], "t10k-images-idx3-ubyte")
        assertLoadFails(["t10k-images-idx3-ubyte", "too short for an IDX header"])
        try write([], "t10k-images-idx3-ubyte")
        assertLoadFails(["t10k-images-idx3-ubyte", "0 bytes"])
    }

    func testLabelsMustBeDigits() throws {
        try writeValidSet()
        try write(Self.labelFile([7, 10]), "t10k-labels-idx1-ubyte")
        assertLoadFails(["t10k-labels-idx1-ubyte: label 10 at index 1 is not a digit"])
    }

    func testImageCountMustEqualLabelCount() throws {
        try writeValidSet()
        try write(Self.labelFile([7, 2, 1]), "t10k-labels-idx1-ubyte")
        assertLoadFails(["t10k-images-idx3-ubyte: holds 2 images but", "t10k-labels-idx1-ubyte holds 3 labels"])
    }

    func testCorruptGzipIsReportedWithThePath() throws {
        try writeValidSet()
        var packed = storedGzip(Self.labelFile([5, 0, 4]))
        packed[packed.count - 8] ^= 1
        try write(packed, "train-labels-idx1-ubyte.gz")
        assertLoadFails(["train-labels-idx1-ubyte.gz: gzip: CRC-32 mismatch", "byte offset"])
    }

    func testDefaultDirectoryPrefersTheEnvironment() throws {
        let saved = ["RNN_MNIST_DIR", "RNN_SHARED_DIR"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        try FileManager.default.createDirectory(atPath: directory + "/shared/data/mnist", withIntermediateDirectories: true)
        setenv("RNN_MNIST_DIR", directory, 1)
        setenv("RNN_SHARED_DIR", directory + "/shared", 1)
        XCTAssertEqual(MNIST.defaultDirectory(), directory)
        // A variable naming a directory that does not exist is passed over.
        setenv("RNN_MNIST_DIR", directory + "/absent", 1)
        XCTAssertEqual(MNIST.defaultDirectory(), directory + "/shared/data/mnist")
        unsetenv("RNN_MNIST_DIR")
        XCTAssertEqual(MNIST.defaultDirectory(), directory + "/shared/data/mnist")
    }

    func testNoDataDirectoryMessage() {
        let message = DatasetError.noDataDirectory(searched: ["/a ($RNN_MNIST_DIR)", "/b"]).description
        XCTAssertTrue(message.contains("/a ($RNN_MNIST_DIR); /b"), message)
        XCTAssertTrue(message.contains("--data DIR") && message.contains("RNN_MNIST_DIR=DIR"), message)
    }

    func testValidatingInitializer() {
        XCTAssertNoThrow(try MNIST(trainImages: [UInt8](repeating: 0, count: 784), trainLabels: [3], testImages: [], testLabels: []))
        XCTAssertThrowsError(try MNIST(trainImages: [UInt8](repeating: 0, count: 783), trainLabels: [3], testImages: [], testLabels: []))
        XCTAssertThrowsError(try MNIST(trainImages: [UInt8](repeating: 0, count: 784), trainLabels: [11], testImages: [], testLabels: []))
    }

    /// The real files, found through `MNIST.defaultDirectory()`.
    func testRealMNIST() throws {
        guard let directory = MNIST.defaultDirectory() else {
            throw XCTSkip("MNIST not found: set RNN_MNIST_DIR or RNN_SHARED_DIR, or run from a checkout next to shared/data/mnist")
        }
        let start = Date()
        let mnist = try MNIST.load(directory: directory)
        print("MNIST.load(directory: \(directory)) took \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        XCTAssertEqual(mnist.trainCount, 60_000)
        XCTAssertEqual(mnist.testCount, 10_000)
        XCTAssertEqual(mnist.trainImages.count, 60_000 * 784)
        XCTAssertEqual(mnist.testImages.count, 10_000 * 784)
        XCTAssertEqual(Array(mnist.trainLabels.prefix(5)), [5, 0, 4, 1, 9])
        XCTAssertEqual(Array(mnist.testLabels.prefix(5)), [7, 2, 1, 0, 4])
        // Known class counts of the standard training set.
        var counts = [Int](repeating: 0, count: 10)
        for label in mnist.trainLabels { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        // The first training image (a 5) has ink; its corners are blank.
        let first = mnist.trainImages[0..<784]
        XCTAssertEqual(first.first, 0)
        XCTAssertEqual(first.last, 0)
        XCTAssertGreaterThan(first.filter { $0 > 128 }.count, 50)
        MNISTCache.shared.store(mnist)
    }
}

/// Keeps the real data set after the first test that loads it, so the task tests do not decode it again.
final class MNISTCache: @unchecked Sendable {
    static let shared = MNISTCache()
    private let lock = NSLock()
    private var value: MNIST?

    func store(_ mnist: MNIST) {
        lock.lock(); defer { lock.unlock() }
        value = mnist
    }

    /// The real MNIST, loading it on first use; nil when it is not available.
    func load() throws -> MNIST? {
        lock.lock(); defer { lock.unlock() }
        if let value { return value }
        guard let directory = MNIST.defaultDirectory() else { return nil }
        value = try MNIST.load(directory: directory)
        return value
    }
}
