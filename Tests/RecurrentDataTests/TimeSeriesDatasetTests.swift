import Recurrent
import RecurrentData
import RecurrentInitializers
import XCTest

/// `SequenceDataset`: checks on construction, padded batches with lengths, epochs, bucketing, split, standardization.
final class TimeSeriesDatasetTests: XCTestCase {
    /// `n` cases of lengths 1 + (i * 7) % 13, D = 2: step t of case i holds (i, t); label i % classes.
    static func ragged<S: RecurrentScalar>(_ n: Int, classes: Int = 3, as: S.Type = S.self) throws -> SequenceDataset<S> {
        let cases: [[[S]]] = (0..<n).map { i in (0..<(1 + (i * 7) % 13)).map { t in [S(i), S(t)] } }
        return try SequenceDataset(cases: cases, labels: (0..<n).map { $0 % classes }, classCount: classes)
    }

    func assertFails(_ body: @autoclosure () throws -> Any, caseIndex: Int?, _ fragment: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? SequenceDatasetError else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssertEqual(error.caseIndex, caseIndex, "\(error)", file: file, line: line)
            XCTAssertTrue(error.reason.contains(fragment), "'\(fragment)' not in: \(error)", file: file, line: line)
        }
    }

    func testPaddingAndLengthsInTimeMajorLayout() throws {
        let data = try SequenceDataset<Float>(cases: [[[1, 2], [3, 4], [5, 6]], [[7, 8]], [[9, 10], [11, 12]]],
                                              labels: [2, 0, 1], classCount: 3)
        XCTAssertEqual(data.featureCount, 2)
        XCTAssertEqual(data.lengths, [3, 1, 2])
        XCTAssertEqual(data.maximumLength, 3)
        XCTAssertEqual(data.classCounts, [1, 1, 1])
        let batch = try data.batch([1, 2, 0])
        XCTAssertEqual(batch.inputs.shape, [3, 3, 2])  // (T, B, D), T = the longest case of the batch
        XCTAssertEqual(batch.lengths, [1, 2, 3])
        XCTAssertEqual(batch.indices, [1, 2, 0])
        XCTAssertEqual(batch.labels, [0, 1, 2])
        XCTAssertEqual(batch.inputs.scalars, [7, 8, 9, 10, 1, 2,     // t = 0
                                              0, 0, 11, 12, 3, 4,    // t = 1: case 1 is padded
                                              0, 0, 0, 0, 5, 6])     // t = 2
        XCTAssertEqual(batch.mask().shape, [3, 3])
        XCTAssertEqual(batch.mask().scalars, [1, 1, 1, 0, 1, 1, 0, 0, 1])
        XCTAssertEqual(batch.realStepCount, 6)
        XCTAssertNil(batch.taskBatch)
        // A batch of one case is not padded at all, and becomes a TaskBatch.
        let single = try data.batch([2])
        XCTAssertEqual(single.inputs.shape, [2, 1, 2])
        XCTAssertEqual(single.taskBatch?.labels, [1])
        XCTAssertEqual(single.taskBatch?.inputs, single.inputs)
        // In-order evaluation batches cover the data set once.
        let inOrder = try data.batches(size: 2)
        XCTAssertEqual(inOrder.map(\.indices), [[0, 1], [2]])
        XCTAssertEqual(inOrder.map(\.steps), [3, 2])
    }

    func testPerStepAndPerSequenceTargets() throws {
        let data = try SequenceDataset<Double>(cases: [[[1], [2], [3]], [[4]]], stepTargets: [[[2, -2], [3, -3], [4, -4]], [[5, -5]]])
        let batch = try data.batch([1, 0])
        XCTAssertEqual(batch.stepTargets?.shape, [3, 2, 2])  // (T, B, K)
        XCTAssertEqual(batch.stepTargets?.scalars, [5, -5, 2, -2, 0, 0, 3, -3, 0, 0, 4, -4])
        XCTAssertNil(batch.labels)
        XCTAssertNil(data.classCount)
        let regression = try SequenceDataset<Double>(cases: [[[1], [2]], [[3]]], targets: [[3, 1], [3, 2]])
        let regressionBatch = try regression.batch([1, 0])
        XCTAssertEqual(regressionBatch.targets?.shape, [2, 2])
        XCTAssertEqual(regressionBatch.targets?.scalars, [3, 2, 3, 1])
        // Per-sequence regression from a .ts file with @targetLabel true.
        let file = try TimeSeriesFile.parse("@targetLabel true\n@data\n1,2:0.5\n3:1.5\n")
        let fromFile = try SequenceDataset<Float>(file)
        XCTAssertEqual(fromFile.targets, .sequenceTargets([[0.5], [1.5]], width: 1))
    }

    func testBadInputNamesTheCase() {
        assertFails(try SequenceDataset<Float>(cases: [], labels: [], classCount: 2), caseIndex: nil, "empty")
        assertFails(try SequenceDataset<Float>(cases: [[[1]], []], labels: [0, 1], classCount: 2), caseIndex: 1, "length 0")
        assertFails(try SequenceDataset<Float>(cases: [[[1]], [[2]]], labels: [0], classCount: 2), caseIndex: nil, "mismatched counts: 2 cases, 1 labels")
        assertFails(try SequenceDataset<Float>(cases: [[[1]], [[2]], [[3]]], labels: [0, 1, 2], classCount: 2), caseIndex: 2, "label 2 is outside 0..<2")
        assertFails(try SequenceDataset<Float>(cases: [[[1]], [[2]]], labels: [0, -1], classCount: 2), caseIndex: 1, "label -1")
        assertFails(try SequenceDataset<Float>(cases: [[[1]], [[2], [.nan]]], labels: [0, 1], classCount: 2), caseIndex: 1, "step 1, feature 0 is nan")
        assertFails(try SequenceDataset<Double>(cases: [[[1, .infinity]]], labels: [0], classCount: 1), caseIndex: 0, "step 0, feature 1 is inf")
        assertFails(try SequenceDataset<Float>(cases: [[[1, 2]], [[3]]], labels: [0, 1], classCount: 2), caseIndex: 1, "step 0 has 1 features")
        assertFails(try SequenceDataset<Float>(cases: [[[1]], [[2]]], stepTargets: [[[1]], [[1], [2]]]), caseIndex: 1, "2 target steps")
        assertFails(try SequenceDataset<Float>(cases: [[[1]]], stepTargets: [[[Float.nan]]]), caseIndex: 0, "target value 0 is nan")
        assertFails(try SequenceDataset<Float>(cases: [[[1]], [[2]]], targets: [[1], [1, 2]]), caseIndex: 1, "2 target values, expected 1")
        assertFails(try SequenceDataset<Float>(featureCount: 2, inputs: [[1, 2, 3]], lengths: [2], targets: .labels([0], classCount: 1)),
                    caseIndex: 0, "has 3 values, expected length 2 × 2 features = 4")
        assertFails(try SequenceDataset<Float>(featureCount: 1, inputs: [[]], lengths: [0], targets: .labels([0], classCount: 1)),
                    caseIndex: 0, "length 0")
        // A Double too large for Float becomes infinite, and is refused with its case.
        let huge = try! TimeSeriesFile.parse("@classLabel true a\n@data\n1:a\n1e300:a\n")
        assertFails(try SequenceDataset<Float>(huge), caseIndex: 1, "inputs must be finite")
        let unlabelled = try! TimeSeriesFile.parse("@classLabel false\n@data\n1\n", source: "u.ts")
        assertFails(try SequenceDataset<Float>(unlabelled), caseIndex: nil, "u.ts has neither class labels nor regression targets")
        let data = try! Self.ragged(5, as: Float.self)
        assertFails(try data.batch([0, 5]), caseIndex: 5, "no such case")
        assertFails(try data.batch([]), caseIndex: nil, "at least one case")
        assertFails(try data.batches(size: 0, seed: 1, epoch: 0), caseIndex: nil, "batch size must be at least 1")
        assertFails(try data.batches(size: 2, seed: 1, epoch: 0, bucketing: LengthBucketing(batchesPerChunk: 0)), caseIndex: nil, "batchesPerChunk")
        assertFails(try data.split(validationFraction: 1, seed: 1), caseIndex: nil, "must lie in (0, 1)")
        assertFails(try data.split(validationFraction: 0.05, seed: 1), caseIndex: nil, "no validation cases")
        assertFails(try data.split(validationFraction: 0.95, seed: 1), caseIndex: nil, "no training cases")
    }

    func testEveryCaseOncePerEpochAndSameSeedSameBatches() throws {
        let data = try Self.ragged(103, as: Float.self)
        for bucketing in [nil, LengthBucketing(batchesPerChunk: 3)] {
            let first = try data.batches(size: 8, seed: 42, epoch: 0, bucketing: bucketing)
            XCTAssertEqual(first.count, 13)
            XCTAssertEqual(first.flatMap(\.indices).sorted(), Array(0..<103))
            XCTAssertEqual(first.map(\.size).filter { $0 != 8 }, [7])
            for batch in first {
                // Each column holds its own case: (i, t) at step t, zero after its length.
                for (b, index) in batch.indices.enumerated() {
                    XCTAssertEqual(batch.lengths[b], data.lengths[index])
                    XCTAssertEqual(batch.labels?[b], index % 3)
                    for t in 0..<batch.steps {
                        let real = t < batch.lengths[b]
                        XCTAssertEqual(batch.inputs[t, b, 0], real ? Float(index) : 0)
                        XCTAssertEqual(batch.inputs[t, b, 1], real ? Float(t) : 0)
                    }
                }
                XCTAssertEqual(batch.steps, batch.lengths.max())
            }
            let again = try data.batches(size: 8, seed: 42, epoch: 0, bucketing: bucketing)
            XCTAssertEqual(again.map(\.indices), first.map(\.indices))
            XCTAssertEqual(again.map(\.inputs), first.map(\.inputs))
            let nextEpoch = try data.batches(size: 8, seed: 42, epoch: 1, bucketing: bucketing)
            XCTAssertNotEqual(nextEpoch.map(\.indices), first.map(\.indices))
            XCTAssertEqual(nextEpoch.flatMap(\.indices).sorted(), Array(0..<103))
            let otherSeed = try data.batches(size: 8, seed: 43, epoch: 0, bucketing: bucketing)
            XCTAssertNotEqual(otherSeed.map(\.indices), first.map(\.indices))
        }
    }

    func testBucketingKeepsBatchesOfSimilarLengths() throws {
        // 400 cases with lengths 1 … 200 in random order; batches of 10.
        var generator = RandomGenerator(seed: 9)
        let lengths = (0..<400).map { _ in 1 + generator.nextInt(below: 200) }
        let data = try SequenceDataset<Float>(featureCount: 1, inputs: lengths.map { [Float](repeating: 1, count: $0) },
                                              lengths: lengths, targets: .labels([Int](repeating: 0, count: 400), classCount: 1))
        func padding(_ batches: [SequenceBatch<Float>]) -> Double {
            let padded = batches.reduce(0) { $0 + $1.steps * $1.size }, real = batches.reduce(0) { $0 + $1.realStepCount }
            return Double(padded - real) / Double(padded)
        }
        let plain = try data.batches(size: 10, seed: 1, epoch: 0)
        let bucketed = try data.batches(size: 10, seed: 1, epoch: 0, bucketing: LengthBucketing(batchesPerChunk: 20))
        XCTAssertEqual(bucketed.flatMap(\.indices).sorted(), Array(0..<400))
        // Random batches of 10 from U{1…200} waste about 40 % on padding; sorted chunks of 200 cases leave
        // neighbours about 1 step apart, so at most a few per cent.
        XCTAssertGreaterThan(padding(plain), 0.3)
        XCTAssertLessThan(padding(bucketed), 0.05)
        let spread = bucketed.map { $0.lengths.max()! - $0.lengths.min()! }
        XCTAssertLessThan(Double(spread.reduce(0, +)) / Double(spread.count), 20)
        // The batch order is shuffled, not sorted by length.
        let longest = bucketed.map(\.steps)
        XCTAssertNotEqual(longest, longest.sorted())
        XCTAssertNotEqual(longest, longest.sorted(by: >))
    }

    func testStratifiedSplit() throws {
        // Classes of 50, 30 and 20 cases (labels 0, 1, 2), interleaved.
        let labels = (0..<100).map { $0 % 10 < 5 ? 0 : ($0 % 10 < 8 ? 1 : 2) }
        let data = try SequenceDataset<Float>(cases: (0..<100).map { [[Float($0)]] }, labels: labels, classCount: 3)
        let (train, validation) = try data.split(validationFraction: 0.2, seed: 5)
        XCTAssertEqual(validation.classCounts, [10, 6, 4])
        XCTAssertEqual(train.classCounts, [40, 24, 16])
        let trainIDs = train.inputs.map { Int($0[0]) }, validationIDs = validation.inputs.map { Int($0[0]) }
        XCTAssertEqual(Set(trainIDs + validationIDs).count, 100)
        XCTAssertEqual(trainIDs, trainIDs.sorted())  // both parts keep the data set's order
        XCTAssertEqual(validationIDs.map { labels[$0] }, validation.labels)
        let again = try data.split(validationFraction: 0.2, seed: 5)
        XCTAssertEqual(again.validation.inputs, validation.inputs)
        XCTAssertNotEqual(try data.split(validationFraction: 0.2, seed: 6).validation.inputs, validation.inputs)
        // Uneven remainders: 7 cases × 0.3 = 2.1 → 2; classes of 4 and 3 give 1.2 and 0.9 → 1 + 1.
        let small = try SequenceDataset<Float>(cases: (0..<7).map { [[Float($0)]] }, labels: [0, 0, 0, 0, 1, 1, 1], classCount: 2)
        XCTAssertEqual(try small.split(validationFraction: 0.3, seed: 1).validation.classCounts, [1, 1])
        // Regression data: a plain random split.
        let regression = try SequenceDataset<Float>(cases: (0..<10).map { [[Float($0)]] }, targets: (0..<10).map { [Float($0)] })
        let parts = try regression.split(validationFraction: 0.3, seed: 2)
        XCTAssertEqual(parts.validation.count, 3)
        XCTAssertEqual(parts.training.count, 7)
        XCTAssertEqual(Set((parts.training.inputs + parts.validation.inputs).map { $0[0] }).count, 10)
    }

    func testStandardizationIsFittedOnTrainingStepsOnly() throws {
        // Feature 0 varies, feature 1 is constant (0.1, whose mean is inexact), feature 2 differs only in validation.
        let train = try SequenceDataset<Double>(cases: [[[1, 0.1, 7], [3, 0.1, 7]], [[5, 0.1, 7]]], labels: [0, 1], classCount: 2)
        let validation = try SequenceDataset<Double>(cases: [[[100, 0.1, -50]]], labels: [0], classCount: 2)
        let scaler = FeatureStandardization(fitting: train)
        XCTAssertEqual(scaler.mean[0], 3)
        XCTAssertEqual(scaler.standardDeviation[0], (8.0 / 3).squareRoot(), accuracy: 1e-15)  // population σ
        XCTAssertEqual(scaler.mean[1], 0.1, accuracy: 1e-16)
        XCTAssertEqual(scaler.standardDeviation[1], 1)  // constant → 1
        XCTAssertEqual(scaler.mean[2], 7)
        XCTAssertEqual(scaler.standardDeviation[2], 1)
        let standardized = try scaler.apply(to: train)
        XCTAssertEqual(standardized.inputs[0][0], -2 / (8.0 / 3).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(standardized.inputs[0][1], 0, accuracy: 1e-15)
        XCTAssertEqual(standardized.lengths, train.lengths)
        XCTAssertEqual(standardized.labels, train.labels)
        // The validation case uses the training statistics, not its own.
        let applied = try scaler.apply(to: validation)
        XCTAssertEqual(applied.inputs[0][0], 97 / (8.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(applied.inputs[0][2], -57)
        // A padded batch keeps zeros on padding; the tensor form standardizes everything.
        let batch = try scaler.apply(toBatch: try train.batch([1, 0]))
        XCTAssertEqual(batch.inputs[1, 0, 0], 0)
        XCTAssertEqual(batch.inputs[1, 1, 0], 0, accuracy: 1e-15)
        XCTAssertEqual(batch.inputs[0, 0, 0], 2 / (8.0 / 3).squareRoot(), accuracy: 1e-15)
        let tensor = try scaler.apply(to: try Tensor<Double>(shape: [1, 1, 3], scalars: [3, 0.1, 8]))
        XCTAssertEqual(tensor.scalars[2], 1)
        // Stored forms round-trip exactly; bad stored forms are refused.
        XCTAssertEqual(try FeatureStandardization(array: scaler.array), scaler)
        XCTAssertEqual(try FeatureStandardization(dictionary: scaler.dictionary), scaler)
        XCTAssertEqual(scaler.array.count, 6)
        assertFails(try FeatureStandardization(array: [1, 2, 3]), caseIndex: nil, "2D values")
        assertFails(try FeatureStandardization(mean: [0], standardDeviation: [0]), caseIndex: nil, "finite and positive")
        assertFails(try FeatureStandardization(mean: [.nan], standardDeviation: [1]), caseIndex: nil, "must be finite")
        assertFails(try FeatureStandardization(dictionary: ["mean": [0]]), caseIndex: nil, "\"std\"")
        assertFails(try scaler.apply(to: try Self.ragged(3, as: Double.self)), caseIndex: nil, "fitted on 3 features, the data has 2")
    }
}
