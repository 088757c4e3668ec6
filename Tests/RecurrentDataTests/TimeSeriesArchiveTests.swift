import Foundation
import RecurrentData
import XCTest

/// The four UEA/UCR sets in ../shared/data/uea (found through `$RNN_UEA_DIR`, `$RNN_SHARED_DIR/data/uea` or
/// `../shared/data/uea`); skipped with a message when they are absent.
///
/// The expected sizes are the data README's (cases, dimensions, length range, classes); the class counts, total
/// steps and first/last values were counted independently with aeon 1.6.0's `load_from_ts_file`.
final class TimeSeriesArchiveTests: XCTestCase {
    struct Expected {
        var name: String
        var dimensions: Int
        var lengths: ClosedRange<Int>  // over TRAIN and TEST together, as the README states
        var classNames: [String]
        var train: Part
        var test: Part
    }

    struct Part {
        var count: Int
        var totalSteps: Int
        var classCounts: [Int]
        var first: Double  // dimension 0, step 0 of the first case
        var last: Double   // last dimension, last step of the last case
    }

    static let sets = [
        Expected(name: "GunPoint", dimensions: 1, lengths: 150...150, classNames: ["1", "2"],
                 train: Part(count: 50, totalSteps: 7500, classCounts: [24, 26], first: -0.6478854, last: -1.4308845),
                 test: Part(count: 150, totalSteps: 22500, classCounts: [76, 74], first: -1.1250133, last: -1.222043)),
        Expected(name: "BasicMotions", dimensions: 6, lengths: 100...100, classNames: ["Standing", "Running", "Walking", "Badminton"],
                 train: Part(count: 40, totalSteps: 4000, classCounts: [10, 10, 10, 10], first: 0.079106, last: 0.428803),
                 test: Part(count: 40, totalSteps: 4000, classCounts: [10, 10, 10, 10], first: -0.740653, last: -1.77647)),
        Expected(name: "JapaneseVowels", dimensions: 12, lengths: 7...29, classNames: (1...9).map(String.init),
                 train: Part(count: 270, totalSteps: 4274, classCounts: [Int](repeating: 30, count: 9), first: 1.860936, last: 0.173642),
                 test: Part(count: 370, totalSteps: 5687, classCounts: [31, 35, 88, 44, 29, 24, 40, 50, 29], first: 1.635533, last: 0.224688)),
        Expected(name: "PickupGestureWiimoteZ", dimensions: 1, lengths: 29...361, classNames: (1...10).map(String.init),
                 train: Part(count: 50, totalSteps: 7294, classCounts: [Int](repeating: 5, count: 10), first: 1.0, last: 0.885),
                 test: Part(count: 50, totalSteps: 7277, classCounts: [Int](repeating: 5, count: 10), first: 0.885, last: 0.692)),
    ]

    func testDefaultArchiveDirectoryPrefersTheEnvironment() throws {
        let saved = ["RNN_UEA_DIR", "RNN_SHARED_DIR"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uea-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/shared/data/uea", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        setenv("RNN_UEA_DIR", directory, 1)
        setenv("RNN_SHARED_DIR", directory + "/shared", 1)
        XCTAssertEqual(TimeSeriesFile.defaultArchiveDirectory(), resolved)
        // A variable naming a directory that does not exist is passed over.
        setenv("RNN_UEA_DIR", directory + "/absent", 1)
        XCTAssertEqual(TimeSeriesFile.defaultArchiveDirectory(), resolved + "/shared/data/uea")
    }

    func testTheFourArchiveSets() throws {
        guard let directory = TimeSeriesFile.defaultArchiveDirectory() else {
            throw XCTSkip("UEA data not found: set RNN_UEA_DIR or RNN_SHARED_DIR, or run from a checkout next to shared/data/uea")
        }
        for expected in Self.sets {
            let (train, test) = try TimeSeriesFile.loadPair(train: "\(directory)/\(expected.name)_TRAIN.ts",
                                                            test: "\(directory)/\(expected.name)_TEST.ts")
            for (file, part) in [(train, expected.train), (test, expected.test)] {
                let name = file.source
                XCTAssertEqual(file.problemName, expected.name, name)
                XCTAssertEqual(file.count, part.count, name)
                XCTAssertEqual(file.dimensions, expected.dimensions, name)
                XCTAssertEqual(file.classNames, expected.classNames, name)
                XCTAssertEqual(file.lengths.reduce(0, +), part.totalSteps, name)
                XCTAssertEqual(file.values.first?.first, part.first, name)
                XCTAssertEqual(file.values.last?.last, part.last, name)
                XCTAssertTrue(file.lengths.allSatisfy(expected.lengths.contains), name)
                let data = try SequenceDataset<Float>(file)
                XCTAssertEqual(data.classCounts, part.classCounts, name)
                XCTAssertEqual(data.featureCount, expected.dimensions, name)
            }
            let all = train.lengths + test.lengths
            XCTAssertEqual(all.min()! ... all.max()!, expected.lengths, expected.name)
            XCTAssertEqual(train.isEqualLength && test.isEqualLength, expected.lengths.count == 1, expected.name)

            // The path a trainer takes: stratified validation split of TRAIN, standardization fitted on the
            // training part only, shuffled padded batches.
            let data = try SequenceDataset<Float>(train)
            let (fit, validation) = try data.split(validationFraction: 0.2, seed: 1)
            XCTAssertEqual(fit.count + validation.count, data.count)
            XCTAssertEqual(validation.count, Int((Double(data.count) * 0.2).rounded()))
            let scaler = FeatureStandardization(fitting: fit)
            XCTAssertEqual(scaler.featureCount, expected.dimensions)
            let ready = try scaler.apply(to: fit)
            let refit = FeatureStandardization(fitting: ready)
            for d in 0..<expected.dimensions {
                XCTAssertEqual(refit.mean[d], 0, accuracy: 1e-5, "\(expected.name) feature \(d)")
                XCTAssertEqual(refit.standardDeviation[d], 1, accuracy: 1e-5, "\(expected.name) feature \(d)")
            }
            let batches = try ready.batches(size: 16, seed: 3, epoch: 0, bucketing: LengthBucketing())
            XCTAssertEqual(batches.flatMap(\.indices).sorted(), Array(0..<ready.count))
            XCTAssertTrue(batches.allSatisfy { $0.inputs.shape == [$0.lengths.max()!, $0.size, expected.dimensions] })
            _ = try scaler.apply(to: SequenceDataset<Float>(test))
        }
    }
}
