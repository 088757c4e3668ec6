import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentInitializers
import RecurrentData

/// `Trainer.fit` on a variable-length data set: it learns, early stopping restores the best epoch exactly, and
/// per-step targets train an every-step model.
final class DatasetTrainingTests: XCTestCase {
    /// Sequences of 3…12 steps of noise; the class is the sign of the first value, so the model must carry it to
    /// each case's last real step (a model reading padding would see a different final state).
    func signTask(count: Int, seed: UInt64) throws -> SequenceDataset<Float> {
        var g = RandomGenerator(seed: seed)
        var cases: [[[Float]]] = [], labels: [Int] = []
        for _ in 0..<count {
            let length = 3 + Int(g.next() % 10)
            let steps = (0..<length).map { _ in [Float(g.nextUniform() * 2 - 1)] }
            cases.append(steps)
            labels.append(steps[0][0] > 0 ? 1 : 0)
        }
        return try SequenceDataset(cases: cases, labels: labels, classCount: 2)
    }

    func makeTrainer(seed: UInt64, learningRate: Double = 0.01) throws -> Trainer<GRUCell<Float>> {
        let model = try RecurrentModel(inputSize: 1, outputSize: 2, seed: seed) { i, _, _ in
            try GRUCell<Float>(inputSize: i, hiddenSize: 8, seed: seed)
        }
        return Trainer(model: model, optimizer: try AnyOptimizer<Float>(name: "adam", learningRate: learningRate), seed: seed)
    }

    func testLearnsVariableLengthClassification() throws {
        let data = try signTask(count: 160, seed: 1)
        let (train, validation) = try data.split(validationFraction: 0.25, seed: 2)
        var trainer = try makeTrainer(seed: 3)
        let before = try trainer.evaluate(validation).metric
        var seen: [Int] = []
        let result = try trainer.fit(train, validation: validation,
                                     settings: DatasetTrainingSettings(epochs: 25, batchSize: 16, learningRate: 0.01,
                                                                       bucketing: LengthBucketing(batchesPerChunk: 4), seed: 4)) {
            seen.append($0.epoch)
        }
        XCTAssertEqual(seen, Array(1...25))   // the callback sees every epoch, in order
        let after = try trainer.evaluate(validation).metric
        XCTAssertEqual(after, result.epochs[result.bestEpoch - 1].validationMetric)   // the best epoch's weights
        XCTAssertLessThan(before, 0.75)
        XCTAssertGreaterThanOrEqual(after, 0.95, "validation accuracy \(before) → \(after)")
    }

    func testEarlyStoppingRestoresTheBestEpochExactly() throws {
        let data = try signTask(count: 60, seed: 5)
        let (train, validation) = try data.split(validationFraction: 0.3, seed: 6)
        // A high rate makes the validation score wander, so the best epoch is not the last.
        let settings = DatasetTrainingSettings(epochs: 40, batchSize: 8, learningRate: 0.05, patience: 3, seed: 7)
        var trainer = try makeTrainer(seed: 8, learningRate: 0.05)
        let result = try trainer.fit(train, validation: validation, settings: settings)
        XCTAssertTrue(result.stoppedEarly)
        XCTAssertEqual(result.epochs.count, result.bestEpoch + 3)
        XCTAssertEqual(result.epochs.filter(\.isBest).last?.epoch, result.bestEpoch)
        // The same run cut at the best epoch (no validation, no early stopping) ends with the same weights, bit for bit.
        var replay = try makeTrainer(seed: 8, learningRate: 0.05)
        var cut = settings
        cut.epochs = result.bestEpoch
        cut.patience = nil
        let replayed = try replay.fit(train, settings: cut)
        XCTAssertEqual(replayed.bestEpoch, result.bestEpoch)
        XCTAssertEqual(replay.model.parameters.map(\.scalars), trainer.model.parameters.map(\.scalars))
        XCTAssertNotEqual(replay.step, trainer.step)   // the stopped run went on past the best epoch
    }

    /// The three rules on hand-made scores: a higher accuracy wins under both accuracy rules; an equal accuracy
    /// goes to the lower loss or to the later epoch; the loss rule ignores accuracy.
    func testEpochSelectionRules() {
        let best = (accuracy: 0.9, loss: 0.5)
        XCTAssertTrue(EpochSelection.accuracyThenLowerLoss.prefers(accuracy: 0.95, loss: 0.9, over: best))
        XCTAssertTrue(EpochSelection.accuracyThenLowerLoss.prefers(accuracy: 0.9, loss: 0.4, over: best))
        XCTAssertFalse(EpochSelection.accuracyThenLowerLoss.prefers(accuracy: 0.9, loss: 0.6, over: best))
        XCTAssertFalse(EpochSelection.accuracyThenLowerLoss.prefers(accuracy: 0.85, loss: 0.1, over: best))
        XCTAssertTrue(EpochSelection.accuracyThenLater.prefers(accuracy: 0.9, loss: 0.6, over: best))
        XCTAssertTrue(EpochSelection.accuracyThenLater.prefers(accuracy: 0.95, loss: 0.9, over: best))
        XCTAssertFalse(EpochSelection.accuracyThenLater.prefers(accuracy: 0.85, loss: 0.1, over: best))
        XCTAssertTrue(EpochSelection.loss.prefers(accuracy: 0.5, loss: 0.4, over: best))
        XCTAssertFalse(EpochSelection.loss.prefers(accuracy: 1, loss: 0.6, over: best))
        XCTAssertEqual(DatasetTrainingSettings(epochs: 1, batchSize: 1, learningRate: 1).selection, .accuracyThenLowerLoss)
    }

    /// `fit` keeps the epoch each rule names among its own records (the rule does not change training when
    /// patience is off: the records agree), and the model ends with that epoch's weights.
    func testFitKeepsTheEpochTheSelectionRuleNames() throws {
        let data = try signTask(count: 120, seed: 11)
        let (train, validation) = try data.split(validationFraction: 0.25, seed: 12)
        var runs: [(EpochSelection, FitResult, Double)] = []
        for rule in EpochSelection.allCases {
            var settings = DatasetTrainingSettings(epochs: 20, batchSize: 16, learningRate: 0.02, seed: 13)
            settings.selection = rule
            var trainer = try makeTrainer(seed: 14, learningRate: 0.02)
            let result = try trainer.fit(train, validation: validation, settings: settings)
            runs.append((rule, result, try trainer.evaluate(validation).loss))
        }
        let records = runs[0].1.epochs
        for (_, result, _) in runs { XCTAssertEqual(result.epochs.map(\.trainLoss), records.map(\.trainLoss)) }
        let accuracy = records.map { $0.validationMetric! }, loss = records.map { $0.validationLoss! }
        let ties = records.indices.filter { accuracy[$0] == accuracy.max()! }
        XCTAssertGreaterThanOrEqual(ties.count, 2, "no tie in validation accuracy \(accuracy)")
        let expected: [EpochSelection: Int] = [
            .accuracyThenLowerLoss: ties.min { loss[$0] < loss[$1] }! + 1,
            .accuracyThenLater: ties.last! + 1,
            .loss: loss.indices.min { loss[$0] < loss[$1] }! + 1,
        ]
        for (rule, result, finalLoss) in runs {
            XCTAssertEqual(result.bestEpoch, expected[rule], "\(rule)")
            XCTAssertEqual(finalLoss, loss[result.bestEpoch - 1], "\(rule): the model holds the kept epoch's weights")
        }
    }

    func testPerStepTargetsTrainAnEveryStepModel() throws {
        // Target at step t: the running mean of the inputs so far — learnable, and different on every step.
        var g = RandomGenerator(seed: 9)
        var cases: [[[Float]]] = [], targets: [[[Float]]] = []
        for _ in 0..<48 {
            let length = 2 + Int(g.next() % 8)
            let x = (0..<length).map { _ in Float(g.nextUniform() * 2 - 1) }
            cases.append(x.map { [$0] })
            var sum: Float = 0
            targets.append(x.enumerated().map { t, v in sum += v; return [sum / Float(t + 1)] })
        }
        let data = try SequenceDataset<Float>(cases: cases, stepTargets: targets)
        let model = try RecurrentModel(inputSize: 1, outputSize: 1, outputMode: .everyStep, seed: 1) { i, _, _ in
            try GRUCell<Float>(inputSize: i, hiddenSize: 8, seed: 2)
        }
        var trainer = Trainer(model: model, optimizer: try AnyOptimizer<Float>(name: "adam", learningRate: 0.01), seed: 3)
        let before = try trainer.evaluate(data).loss
        let result = try trainer.fit(data, settings: DatasetTrainingSettings(epochs: 30, batchSize: 8, learningRate: 0.01, seed: 4))
        XCTAssertEqual(result.bestEpoch, 30)   // without validation the last epoch is kept
        let after = try trainer.evaluate(data).loss
        XCTAssertLessThan(after, before / 5, "per-step MSE \(before) → \(after)")
    }
}
