import Foundation
import XCTest
import RecurrentTraining
import Recurrent
import RecurrentInitializers
import RecurrentData

/// The standardization fitted on the training cases travels with the model: training a model that carries it on
/// raw data is, bit for bit, training the same model without it on standardized data; the saved file alone then
/// predicts from raw input exactly what the test accuracy was computed from (Float and Double).
final class StoredStandardizationTests: XCTestCase {
    /// A `.ts` file of 2-dimensional cases of 3…8 steps in raw units far from standardized (feature 0 around 50
    /// with spread 10, feature 1 around −0.2 with spread 0.01); the class is whether feature 1 starts high.
    func tsText(count: Int, seed: UInt64) -> String {
        var g = RandomGenerator(seed: seed)
        var lines = ["# written by StoredStandardizationTests", "@problemName Toy", "@univariate false", "@dimensions 2",
                     "@equalLength false", "@classLabel true low high", "@data"]
        for _ in 0..<count {
            let length = 3 + Int(g.next() % 6)
            let high = g.next() % 2 == 0
            let a = (0..<length).map { _ in "\(50 + 10 * (g.nextUniform() * 2 - 1))" }
            let b = (0..<length).map { t in "\(-0.2 + 0.01 * (g.nextUniform() * 2 - 1) + (t == 0 && high ? 0.015 : 0))" }
            lines.append(a.joined(separator: ",") + ":" + b.joined(separator: ",") + ":" + (high ? "high" : "low"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func check<S: RecurrentScalar>(_: S.Type) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stored-standardization-\(getpid())-\(S.self)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (trainPath, testPath) = (directory + "/Toy_TRAIN.ts", directory + "/Toy_TEST.ts")
        try tsText(count: 40, seed: 1).write(toFile: trainPath, atomically: true, encoding: .utf8)
        try tsText(count: 20, seed: 2).write(toFile: testPath, atomically: true, encoding: .utf8)
        let (trainFile, testFile) = try TimeSeriesFile.loadPair(train: trainPath, test: testPath)
        let (train, validation) = try SequenceDataset<S>(trainFile).split(validationFraction: 0.25, seed: 3)
        let test = try SequenceDataset<S>(testFile)

        let normalization: InputNormalization<S> = try FeatureStandardization(fitting: train).inputNormalization()
        let plain = try RecurrentModel(inputSize: 2, outputSize: 2, seed: 4) { i, _, _ in try GRUCell<S>(inputSize: i, hiddenSize: 6, seed: 5) }
        var normalized = plain
        normalized.inputNormalization = normalization
        let settings = DatasetTrainingSettings(epochs: 3, batchSize: 8, learningRate: 0.01, patience: 2,
                                               bucketing: LengthBucketing(batchesPerChunk: 2), seed: 6)

        // Raw data into the model that standardizes == standardized data into the model that does not.
        var raw = Trainer(model: normalized, optimizer: try AnyOptimizer<S>(name: "adam", learningRate: 0.01), seed: 7)
        let rawFit = try raw.fit(train, validation: validation, settings: settings)
        let scaler = FeatureStandardization(normalization)
        var standardized = Trainer(model: plain, optimizer: try AnyOptimizer<S>(name: "adam", learningRate: 0.01), seed: 7)
        let standardizedFit = try standardized.fit(scaler.apply(to: train), validation: scaler.apply(to: validation), settings: settings)
        XCTAssertEqual(rawFit, standardizedFit, "\(S.self): the learning curves")
        XCTAssertEqual(raw.model.parameters, standardized.model.parameters, "\(S.self): the trained weights")
        let testScore = try raw.evaluate(test)
        XCTAssertEqual(testScore.metric, try standardized.evaluate(scaler.apply(to: test)).metric)

        // The saved file alone predicts from raw input what the test accuracy was computed from.
        let path = directory + "/toy.safetensors"
        try raw.model.save(to: path)
        let loaded = try ModelFile.load(from: path, as: S.self)
        XCTAssertEqual(loaded.inputNormalization, normalization)
        var correct = 0
        for batch in try test.batches(size: 7) {
            let y = try loaded.predict(batch.inputs, lengths: batch.lengths)   // raw, padded (T, B, 2)
            XCTAssertEqual(y.scalars, try standardized.model.predict(scaler.apply(toBatch: batch).inputs, lengths: batch.lengths).scalars)
            for (row, label) in batch.labels!.enumerated() where (y[row, 1] > y[row, 0] ? 1 : 0) == label { correct += 1 }
        }
        XCTAssertEqual(Double(correct) / Double(test.count), testScore.metric, "\(S.self): accuracy from the loaded model")

        // A checkpoint carries it too, and restoring one gives it back.
        try raw.saveCheckpoint(to: directory + "/toy.ckpt")
        var resumed = Trainer(model: plain, optimizer: try AnyOptimizer<S>(name: "adam", learningRate: 0.01), seed: 7)
        _ = try resumed.restoreCheckpoint(from: directory + "/toy.ckpt")
        XCTAssertEqual(resumed.model.inputNormalization, normalization)
        XCTAssertEqual(try ModelFile.load(from: directory + "/toy.ckpt", as: S.self).inputNormalization, normalization)
    }

    func testFloat() throws { try check(Float.self) }
    func testDouble() throws { try check(Double.self) }

    /// A statistic that does not fit the scalar type is refused, not rounded to zero or infinity.
    func testStatisticsOutOfFloatRangeAreRefused() throws {
        let tiny = try FeatureStandardization(mean: [0], standardDeviation: [1e-60])
        XCTAssertThrowsError(try tiny.inputNormalization(as: Float.self))
        XCTAssertEqual(try tiny.inputNormalization(as: Double.self).scale, [1e-60])
        let huge = try FeatureStandardization(mean: [1e300], standardDeviation: [1])
        XCTAssertThrowsError(try huge.inputNormalization(as: Float.self))
    }
}
