import Foundation
import Recurrent
import RecurrentData
import RecurrentInitializers
import XCTest

final class MarkedPairTaskTests: XCTestCase {
    /// Checks the marker layout of every sequence and returns the two marked values of each.
    func markedValues<S: RecurrentScalar>(_ batch: TaskBatch<S>, length: Int,
                                          file: StaticString = #filePath, line: UInt = #line) -> [(Double, Double)] {
        let size = batch.size
        XCTAssertEqual(batch.inputs.shape, [length, size, 2], file: file, line: line)
        XCTAssertEqual(batch.targets?.shape, [size, 1], file: file, line: line)
        XCTAssertNil(batch.labels, file: file, line: line)
        let half = length / 2
        var pairs: [(Double, Double)] = []
        for b in 0..<size {
            var firstHalf: [Int] = [], secondHalf: [Int] = []
            for t in 0..<length {
                let value = Double(batch.inputs[t, b, 0]), marker = Double(batch.inputs[t, b, 1])
                XCTAssertTrue(value >= 0 && value < 1, "value \(value)", file: file, line: line)
                XCTAssertTrue(marker == 0 || marker == 1, "marker \(marker)", file: file, line: line)
                if marker == 1 { if t < half { firstHalf.append(t) } else { secondHalf.append(t) } }
            }
            XCTAssertEqual(firstHalf.count, 1, "sequence \(b): markers in first half at \(firstHalf)", file: file, line: line)
            XCTAssertEqual(secondHalf.count, 1, "sequence \(b): markers in second half at \(secondHalf)", file: file, line: line)
            if let i = firstHalf.first, let j = secondHalf.first {
                pairs.append((Double(batch.inputs[i, b, 0]), Double(batch.inputs[j, b, 0])))
            }
        }
        return pairs
    }

    func testAdditionBatchLayoutAndTargets() throws {
        for length in [2, 3, 5, 50] {
            let task = AdditionTask(length: length, testSize: 10, seed: 1)
            XCTAssertEqual(task.inputSize, 2)
            XCTAssertEqual(task.steps, length)
            XCTAssertEqual(task.outputSize, 1)
            XCTAssertFalse(task.isClassification)
            var generator = RandomGenerator(seed: 3)
            let batch: TaskBatch<Double> = task.trainingBatch(size: 64, using: &generator)
            let pairs = markedValues(batch, length: length)
            for (b, (u, v)) in pairs.enumerated() {
                XCTAssertEqual(batch.targets![b, 0], u + v)   // exact in Double
            }
            let floatBatch: TaskBatch<Float> = task.trainingBatch(size: 64, using: &generator)
            for (b, (u, v)) in markedValues(floatBatch, length: length).enumerated() {
                XCTAssertEqual(Double(floatBatch.targets![b, 0]), u + v, accuracy: 1e-6)
            }
        }
    }

    func testMultiplicationTargets() throws {
        let task = MultiplicationTask(length: 21, testSize: 300, seed: 5)
        for batch: TaskBatch<Double> in task.testBatches(batchSize: 128) {
            for (b, (u, v)) in markedValues(batch, length: 21).enumerated() {
                XCTAssertEqual(batch.targets![b, 0], u * v)
            }
        }
    }

    func testMarkerPositionsCoverEachHalfUniformly() {
        let length = 10
        let task = AdditionTask(length: length, seed: 0)
        var generator = RandomGenerator(seed: 11)
        let batch: TaskBatch<Double> = task.trainingBatch(size: 5000, using: &generator)
        var counts = [Int](repeating: 0, count: length)
        for b in 0..<5000 { for t in 0..<length where batch.inputs[t, b, 1] == 1 { counts[t] += 1 } }
        for t in 0..<length { XCTAssertEqual(Double(counts[t]), 1000, accuracy: 150, "step \(t): \(counts)") }
    }

    func testBaselinesMatchMeasuredMSE() {
        func measuredMSE<T: SequenceTask>(_ task: T, prediction: Double) -> Double {
            var sum = 0.0, count = 0
            for batch: TaskBatch<Double> in task.testBatches(batchSize: 10_000) {
                for value in batch.targets!.scalars {
                    sum += (value - prediction) * (value - prediction)
                    count += 1
                }
            }
            XCTAssertEqual(count, 100_000)
            return sum / Double(count)
        }
        let addition = AdditionTask(length: 6, testSize: 100_000, seed: 42)
        XCTAssertEqual(addition.baseline, 1.0 / 6.0, accuracy: 1e-15)
        XCTAssertEqual(measuredMSE(addition, prediction: 1), addition.baseline, accuracy: 0.02 * addition.baseline)
        let multiplication = MultiplicationTask(length: 6, testSize: 100_000, seed: 42)
        XCTAssertEqual(multiplication.baseline, 7.0 / 144.0, accuracy: 1e-15)
        XCTAssertEqual(measuredMSE(multiplication, prediction: 0.25), multiplication.baseline,
                       accuracy: 0.02 * multiplication.baseline)
    }

    func testDeterminism() {
        let task = AdditionTask(length: 30, testSize: 250, seed: 9)
        var a = RandomGenerator(seed: 77), b = RandomGenerator(seed: 77)
        for _ in 0..<3 {
            let x: TaskBatch<Float> = task.trainingBatch(size: 17, using: &a)
            let y: TaskBatch<Float> = task.trainingBatch(size: 17, using: &b)
            XCTAssertEqual(x.inputs, y.inputs)
            XCTAssertEqual(x.targets, y.targets)
        }
        // The index form defaults to the plain draw.
        var c = RandomGenerator(seed: 5), d = RandomGenerator(seed: 5)
        let p: TaskBatch<Double> = task.trainingBatch(size: 4, index: 99, using: &c)
        let q: TaskBatch<Double> = task.trainingBatch(size: 4, using: &d)
        XCTAssertEqual(p.inputs, q.inputs)

        // The test set is identical across calls and tasks with the same seed, and independent of the batch size.
        let first: [TaskBatch<Double>] = task.testBatches(batchSize: 100)
        let second: [TaskBatch<Double>] = AdditionTask(length: 30, testSize: 250, seed: 9).testBatches(batchSize: 100)
        XCTAssertEqual(first.map(\.size), [100, 100, 50])
        XCTAssertEqual(first.map(\.inputs), second.map(\.inputs))
        XCTAssertEqual(first.map(\.targets), second.map(\.targets))
        let whole: [TaskBatch<Double>] = task.testBatches(batchSize: 1000)
        XCTAssertEqual(whole.count, 1)
        XCTAssertEqual(first.flatMap { $0.targets!.scalars }, whole[0].targets!.scalars)
        // Another seed, another test set; and not the stream of a training generator seeded with `seed`.
        let other: [TaskBatch<Double>] = AdditionTask(length: 30, testSize: 250, seed: 10).testBatches(batchSize: 1000)
        XCTAssertNotEqual(other[0].targets, whole[0].targets)
        var training = RandomGenerator(seed: 9)
        let trainingBatch: TaskBatch<Double> = task.trainingBatch(size: 250, using: &training)
        XCTAssertNotEqual(trainingBatch.targets, whole[0].targets)
        let empty: [TaskBatch<Float>] = AdditionTask(length: 30, testSize: 0, seed: 1).testBatches(batchSize: 5)
        XCTAssertTrue(empty.isEmpty)
    }

    func testNames() {
        XCTAssertEqual(AdditionTask(length: 200, seed: 0).name, "addition (T = 200)")
        XCTAssertEqual(MultiplicationTask(length: 150, seed: 0).name, "multiplication (T = 150)")
    }
}

final class PixelMNISTTaskTests: XCTestCase {
    /// A synthetic data set: image i has grey value i at pixel 0 and i / 2 at pixel 783, label i % 10.
    func syntheticMNIST(train: Int, test: Int) throws -> MNIST {
        func images(_ count: Int) -> [UInt8] {
            var pixels = [UInt8](repeating: 17, count: count * 784)
            for i in 0..<count {
                pixels[i * 784] = UInt8(i)
                pixels[i * 784 + 783] = UInt8(i / 2)
            }
            return pixels
        }
        return try MNIST(trainImages: images(train), trainLabels: (0..<train).map { UInt8($0 % 10) },
                         testImages: images(test), testLabels: (0..<test).map { UInt8($0 % 10) })
    }

    /// Recovers which example each sequence of a batch shows (from the grey value of pixel 0).
    func exampleIndices(_ batch: TaskBatch<Double>, task: PixelMNISTTask) -> [Int] {
        let step = task.permutation.firstIndex(of: 0)!
        return (0..<batch.size).map { Int((batch.inputs[step, $0, 0] * 255).rounded()) }
    }

    func testEpochsSampleWithoutReplacement() throws {
        let task = PixelMNISTTask(mnist: try syntheticMNIST(train: 50, test: 7), permuted: true, seed: 3, trainLimit: 10)
        XCTAssertEqual(task.epochSize, 10)
        var generator = RandomGenerator(seed: 0)
        var seen: [Int] = []
        for index in 0..<10 {   // 10 batches of 3 = 3 epochs
            let batch: TaskBatch<Double> = task.trainingBatch(size: 3, index: index, using: &generator)
            XCTAssertEqual(batch.inputs.shape, [784, 3, 1])
            let examples = exampleIndices(batch, task: task)
            XCTAssertEqual(batch.labels, examples.map { $0 % 10 })
            seen += examples
        }
        for epoch in 0..<3 {
            let slice = Array(seen[(epoch * 10)..<(epoch * 10 + 10)])
            XCTAssertEqual(slice.sorted(), Array(0..<10), "epoch \(epoch) is not a permutation: \(slice)")
            XCTAssertEqual(slice, task.epochOrder(epoch))
        }
        XCTAssertNotEqual(task.epochOrder(0), task.epochOrder(1))
        // Through the protocol, the task's own epoch-aware implementation is used.
        let erased: any SequenceTask = task
        let viaProtocol: TaskBatch<Double> = erased.trainingBatch(size: 3, index: 1, using: &generator)
        XCTAssertEqual(exampleIndices(viaProtocol, task: task), Array(seen[3..<6]))
        // Deterministic, and independent of the generator.
        var other = RandomGenerator(seed: 12345)
        let again: TaskBatch<Double> = task.trainingBatch(size: 3, index: 4, using: &other)
        XCTAssertEqual(exampleIndices(again, task: task), Array(seen[12..<15]))
        // The plain form draws with replacement from the generator, deterministically.
        var a = RandomGenerator(seed: 8), b = RandomGenerator(seed: 8)
        let x: TaskBatch<Float> = task.trainingBatch(size: 25, using: &a)
        let y: TaskBatch<Float> = task.trainingBatch(size: 25, using: &b)
        XCTAssertEqual(x.inputs, y.inputs)
        XCTAssertEqual(x.labels, y.labels)
        XCTAssertTrue(x.labels!.allSatisfy { (0..<10).contains($0) })
    }

    func testPermutationIsAFixedBijection() throws {
        let mnist = try syntheticMNIST(train: 4, test: 3)
        let permuted = PixelMNISTTask(mnist: mnist, permuted: true, seed: 42)
        XCTAssertEqual(permuted.permutation.count, 784)
        XCTAssertEqual(permuted.permutation.sorted(), Array(0..<784))
        XCTAssertNotEqual(permuted.permutation, Array(0..<784))
        XCTAssertEqual(PixelMNISTTask(mnist: mnist, permuted: true, seed: 42).permutation, permuted.permutation)
        XCTAssertNotEqual(PixelMNISTTask(mnist: mnist, permuted: true, seed: 43).permutation, permuted.permutation)
        var reference = Array(0..<784)
        var generator = RandomGenerator(seed: 42)
        generator.shuffle(&reference)
        XCTAssertEqual(permuted.permutation, reference)
        XCTAssertEqual(PixelMNISTTask(mnist: mnist, permuted: false, seed: 42).permutation, Array(0..<784))
        XCTAssertEqual(permuted.name, "permuted pixel MNIST")
        XCTAssertEqual(PixelMNISTTask(mnist: mnist, permuted: false, seed: 0).name, "pixel MNIST")

        // Step t of the permuted sequence is pixel permutation[t] of the image.
        let batches: [TaskBatch<Double>] = permuted.testBatches(batchSize: 2)
        XCTAssertEqual(batches.map(\.size), [2, 1])
        XCTAssertEqual(batches.flatMap { $0.labels! }, [0, 1, 2])
        for (offset, batch) in batches.enumerated() {
            for b in 0..<batch.size {
                let example = offset * 2 + b
                for t in 0..<784 {
                    let grey = mnist.testImages[example * 784 + permuted.permutation[t]]
                    XCTAssertEqual(batch.inputs[t, b, 0], Double(grey) / 255)
                }
            }
        }
    }

    func testRealMNISTTask() throws {
        guard let mnist = try MNISTCache.shared.load() else {
            throw XCTSkip("MNIST not found: set RNN_MNIST_DIR or RNN_SHARED_DIR, or run from a checkout next to shared/data/mnist")
        }
        let task = PixelMNISTTask(mnist: mnist, permuted: false, seed: 1)
        XCTAssertEqual(task.epochSize, 60_000)
        XCTAssertEqual(task.testSize, 10_000)
        XCTAssertEqual(task.steps, 784)
        XCTAssertEqual(task.inputSize, 1)
        XCTAssertEqual(task.outputSize, 10)
        XCTAssertTrue(task.isClassification)
        XCTAssertEqual(task.baseline, 0.1)
        let limited = PixelMNISTTask(mnist: mnist, permuted: true, seed: 1, trainLimit: 1000, testLimit: 5)
        XCTAssertEqual(limited.epochSize, 1000)
        let test: [TaskBatch<Float>] = limited.testBatches(batchSize: 100)
        XCTAssertEqual(test.count, 1)
        XCTAssertEqual(test[0].labels, [7, 2, 1, 0, 4])
        XCTAssertTrue(test[0].inputs.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertTrue(test[0].inputs.scalars.contains(1))
        var generator = RandomGenerator(seed: 0)
        let batch: TaskBatch<Float> = task.trainingBatch(size: 64, index: 937, using: &generator)   // straddles epochs 0 and 1
        XCTAssertEqual(batch.inputs.shape, [784, 64, 1])
        XCTAssertTrue(batch.inputs.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(batch.labels?.count, 64)
        // The first training image, in row-major order, is the first 784 grey values / 255.
        let first: TaskBatch<Double> = PixelMNISTTask(mnist: mnist, permuted: false, seed: 0, trainLimit: 1)
            .trainingBatch(size: 1, index: 0, using: &generator)
        XCTAssertEqual(first.labels, [5])
        XCTAssertEqual(first.inputs.scalars, mnist.trainImages[0..<784].map { Double($0) / 255 })
    }
}
