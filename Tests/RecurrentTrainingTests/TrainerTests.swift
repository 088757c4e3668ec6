import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentData
import RecurrentInitializers
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

final class TrainerTests: XCTestCase {
    func makeTrainer(seed: UInt64 = 3) throws -> Trainer<SimpleRNNCell<Float>> {
        let model = try RecurrentModel(inputSize: 2, outputSize: 1, seed: seed) { i, _, _ in
            try SimpleRNNCell<Float>.npRNN(inputSize: i, hiddenSize: 32, seed: seed)
        }
        return Trainer(model: model, optimizer: try AnyOptimizer(name: "adam", learningRate: 0.002), seed: seed)
    }

    let task = AdditionTask(length: 20, testSize: 1000, seed: 5)
    var configuration: TrainingConfiguration {
        TrainingConfiguration(steps: 400, batchSize: 32, learningRate: 0.002, clipNorm: 1, seed: 5, evaluationInterval: 100)
    }

    /// The addition problem with T = 20 learns far below the 0.167 baseline in a few seconds.
    func testAdditionProblemLearnsFarBelowBaseline() throws {
        var trainer = try makeTrainer()
        let before = try trainer.evaluate(task)
        var last: TrainingRecord?
        while trainer.step < configuration.steps {
            last = try trainer.trainUntilNextRecord(task, configuration: configuration, clock: { 0 })
        }
        let mse = try XCTUnwrap(last?.testMetric)
        XCTAssertGreaterThan(before, 0.1, "untrained model should be near or above the baseline")
        XCTAssertLessThan(mse, task.baseline / 5, "test MSE \(mse) after 400 steps")
    }

    /// Same seed and settings: bit-identical losses and weights.
    func testSameSeedGivesBitIdenticalRuns() throws {
        var a = try makeTrainer(), b = try makeTrainer()
        let short = TrainingConfiguration(steps: 60, batchSize: 8, learningRate: 0.003, seed: 5, evaluationInterval: 20)
        for _ in 0..<3 {
            let ra = try a.trainUntilNextRecord(task, configuration: short, clock: { 0 })
            let rb = try b.trainUntilNextRecord(task, configuration: short, clock: { 0 })
            XCTAssertEqual(ra.trainLoss.bitPattern, rb.trainLoss.bitPattern)
            XCTAssertEqual(ra.testMetric, rb.testMetric)
        }
        XCTAssertEqual(a.model.parameters, b.model.parameters)
    }

    /// With `normStabilizer` β the trainer's update is the plain SGD step on the task loss plus β times the
    /// penalty, bit for bit, also on later steps (where it reuses its gradient buffer).
    func testNormStabilizerStepsMatchTheirDefinition() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 1, seed: 8) { i, _, _ in
            try SimpleRNNCell<Double>.irnn(inputSize: i, hiddenSize: 6, inputStandardDeviation: 0.3, seed: 8)
        }
        var trainer = Trainer(model: model, optimizer: .sgd(SGD(learningRate: 0.05)), seed: 8)
        trainer.normStabilizer = 0.5
        let configuration = TrainingConfiguration(steps: 3, batchSize: 4, learningRate: 0.05, clipNorm: nil, seed: 8)
        var expected = model
        var generator = RandomGenerator(seed: 123)
        for step in 0..<3 {
            let batch: TaskBatch<Double> = task.trainingBatch(size: 4, index: step, using: &generator)
            _ = try trainer.trainStep(on: batch, classification: false, configuration: configuration)
            try handWrittenSGDStep(&expected, on: batch, learningRate: 0.05, topOutputGradient: { model, pass in
                let penalty = try Loss.normStabilizer(states: model.topOutputs(of: pass), strength: 0.5)
                XCTAssertGreaterThan(penalty.value, 0)
                return penalty.gradient
            })
            XCTAssertEqual(trainer.model.parameters, expected.parameters, "step \(step + 1)")
        }
    }

    /// The trainer sets the optimizer's rate from whatever schedule the configuration holds.
    func testTrainerFollowsAnAssignedSchedule() throws {
        var trainer = try makeTrainer()
        var cosine = TrainingConfiguration(steps: 40, batchSize: 8, learningRate: 0.003, seed: 5, evaluationInterval: 10)
        let schedule = try CosineDecay(peak: 0.003, minimum: 0.0003, steps: 40, warmupSteps: 5)
        cosine.schedule = schedule
        for _ in 0..<4 {
            let record = try trainer.trainUntilNextRecord(task, configuration: cosine, clock: { 0 })
            XCTAssertEqual(record.learningRate, schedule.rate(atStep: record.step - 1))
        }
    }

    /// A run resumed from a checkpoint continues exactly as the run that was not interrupted.
    func testCheckpointResumeIsBitIdentical() throws {
        let path = FileManagerPath.temporary("resume-\(getpid()).safetensors")
        defer { unlink(path) }
        let short = TrainingConfiguration(steps: 90, batchSize: 8, learningRate: 0.003, seed: 5, evaluationInterval: 30)
        var uninterrupted = try makeTrainer()
        var reference: [TrainingRecord] = []
        while uninterrupted.step < short.steps { reference.append(try uninterrupted.trainUntilNextRecord(task, configuration: short, clock: { 0 })) }

        var first = try makeTrainer()
        _ = try first.trainUntilNextRecord(task, configuration: short, clock: { 0 })
        try first.saveCheckpoint(to: path, settings: ["note": "test"])
        var resumed = try makeTrainer(seed: 3)
        let settings = try resumed.restoreCheckpoint(from: path)
        XCTAssertEqual(settings, ["note": "test"])
        XCTAssertEqual(resumed.step, 30)
        var continued: [TrainingRecord] = []
        while resumed.step < short.steps { continued.append(try resumed.trainUntilNextRecord(task, configuration: short, clock: { 0 })) }
        XCTAssertEqual(continued.map(\.trainLoss), reference.dropFirst().map(\.trainLoss))
        XCTAssertEqual(resumed.model.parameters, uninterrupted.model.parameters)
        XCTAssertEqual(resumed.optimizer.state, uninterrupted.optimizer.state)
    }

    /// A run stopped at step 30 and resumed at a new constant rate (what `rnn train --resume … --lr X` does) is
    /// bit for bit the uninterrupted run under a ``PiecewiseConstant`` schedule with a boundary at 30.
    func testResumingAtANewRateIsAPiecewiseConstantSchedule() throws {
        let path = FileManagerPath.temporary("piecewise-\(getpid()).safetensors")
        defer { unlink(path) }
        var piecewise = TrainingConfiguration(steps: 60, batchSize: 8, learningRate: 0.003, seed: 5, evaluationInterval: 30)
        piecewise.schedule = try PiecewiseConstant(values: [0.003, 0.0005], boundaries: [30])
        var uninterrupted = try makeTrainer()
        while uninterrupted.step < piecewise.steps { _ = try uninterrupted.trainUntilNextRecord(task, configuration: piecewise, clock: { 0 }) }

        var first = try makeTrainer()
        var before = piecewise, after = piecewise
        before.schedule = StepDecay(initial: 0.003)
        after.schedule = StepDecay(initial: 0.0005)
        _ = try first.trainUntilNextRecord(task, configuration: before, clock: { 0 })
        try first.saveCheckpoint(to: path)
        var resumed = try makeTrainer()
        try resumed.restoreCheckpoint(from: path)
        while resumed.step < after.steps { _ = try resumed.trainUntilNextRecord(task, configuration: after, clock: { 0 }) }
        XCTAssertEqual(resumed.model.parameters, uninterrupted.model.parameters)
        XCTAssertNotEqual(first.model.parameters, uninterrupted.model.parameters)
    }

    func testLoadWeightsFromCheckpointAndSavedModel() throws {
        let checkpoint = FileManagerPath.temporary("weights-ckpt-\(getpid()).safetensors")
        let saved = FileManagerPath.temporary("weights-saved-\(getpid()).safetensors")
        defer { unlink(checkpoint); unlink(saved) }
        var trained = try makeTrainer()
        let short = TrainingConfiguration(steps: 20, batchSize: 8, learningRate: 0.003, seed: 5, evaluationInterval: 20)
        _ = try trained.trainUntilNextRecord(task, configuration: short, clock: { 0 })
        try trained.saveCheckpoint(to: checkpoint)
        try trained.model.save(to: saved)
        for path in [checkpoint, saved] {
            var fresh = try makeTrainer(seed: 4).model
            XCTAssertNotEqual(fresh.parameters, trained.model.parameters)
            try fresh.loadWeights(from: path)
            XCTAssertEqual(fresh.parameters, trained.model.parameters, path)
        }
        // Same shapes, another nonlinearity: refused, naming the setting.
        var tanhModel = try RecurrentModel(inputSize: 2, outputSize: 1, seed: 3) { i, _, _ in
            try SimpleRNNCell<Float>(inputSize: i, hiddenSize: 32, nonlinearity: .tanh, seed: 3)
        }
        XCTAssertThrowsError(try tanhModel.loadWeights(from: saved)) { error in
            XCTAssertTrue("\(error)".contains("nonlinearity") && "\(error)".contains(saved), "\(error)")
        }
    }

    /// A process killed while writing a checkpoint leaves the previous (or the new) one, always loadable.
    func testKilledDuringCheckpointWriteLeavesLoadableFile() throws {
        let path = FileManagerPath.temporary("killed-\(getpid()).safetensors")
        defer { unlink(path) }
        var trainer = try makeTrainer()
        try trainer.saveCheckpoint(to: path)
        // A bigger model so each write takes long enough to be interrupted mid-way.
        let big = try RecurrentModel(inputSize: 2, outputSize: 1) { i, _, _ in try LSTMCell<Float>(inputSize: i, hiddenSize: 300) }
        let bigTrainer = Trainer(model: big, optimizer: try AnyOptimizer(name: "adam", learningRate: 0.1), seed: 1)
        var interrupted = 0
        for attempt in 0..<12 {
            let child = fork()
            if child == 0 {
                while true { try? bigTrainer.saveCheckpoint(to: path) }
            }
            XCTAssertGreaterThan(child, 0)
            usleep(UInt32(2000 + 3000 * attempt))
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
            interrupted += 1
            // Whatever was on disk when the writer died loads as one of the two complete checkpoints.
            var probe = try makeTrainer()
            var probeBig = bigTrainer
            let small = (try? probe.restoreCheckpoint(from: path)) != nil
            let large = (try? probeBig.restoreCheckpoint(from: path)) != nil
            XCTAssertTrue(small || large, "checkpoint unreadable after kill \(attempt)")
        }
        XCTAssertEqual(interrupted, 12)
        // Leftover temporary files from killed writers are the only debris; the target is intact.
        trainer.step = 0
    }

    func testCheckpointErrorsNameTheFile() throws {
        var trainer = try makeTrainer()
        let path = FileManagerPath.temporary("notckpt-\(getpid()).safetensors")
        defer { unlink(path) }
        try SafeTensors.write([("x", Tensor<Float>(shape: [1], scalars: [1]))], to: path)
        XCTAssertThrowsError(try trainer.restoreCheckpoint(from: path)) { error in
            XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("not a checkpoint"), "\(error)")
        }
        // A checkpoint of another architecture names the file, the setting, the saved and the model's value.
        let other = try RecurrentModel(inputSize: 2, outputSize: 1) { i, _, _ in try SimpleRNNCell<Float>.npRNN(inputSize: i, hiddenSize: 8) }
        try Trainer(model: other, optimizer: try AnyOptimizer(name: "sgd", learningRate: 0.1), seed: 1).saveCheckpoint(to: path)
        XCTAssertThrowsError(try trainer.restoreCheckpoint(from: path)) { error in
            XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("saved with hidden_size = 8, but the model has hidden_size = 32"),
                          "\(error)")
        }
    }
}

enum FileManagerPath {
    static func temporary(_ name: String) -> String {
        (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/" + name
    }
}

final class DivergenceTests: XCTestCase {
    /// An exploding model stops the run with an error that says which step and what to do, and leaves the model unchanged.
    func testDivergenceIsReportedWithTheStep() throws {
        var cell = try SimpleRNNCell<Float>.npRNN(inputSize: 2, hiddenSize: 8, seed: 1)
        // Recurrent eigenvalues of about 10: the state grows like 10^t and overflows Float within 40 steps.
        cell.weightHH = cell.weightHH.scaled(by: 10)
        cell.weightIH = cell.weightIH.scaled(by: 10)
        let model = try RecurrentModel(inputSize: 2, outputSize: 1) { _, _, _ in cell }
        var trainer = Trainer(model: model, optimizer: try AnyOptimizer(name: "adam", learningRate: 0.001), seed: 1)
        let task = AdditionTask(length: 60, testSize: 10, seed: 1)
        let configuration = TrainingConfiguration(steps: 5, batchSize: 4, learningRate: 0.001, seed: 1, evaluationInterval: 5)
        let before = trainer.model.parameters
        XCTAssertThrowsError(try trainer.trainUntilNextRecord(task, configuration: configuration, clock: { 0 })) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("training diverged at step 1") && text.contains("learning rate"), text)
        }
        XCTAssertEqual(trainer.model.parameters, before)
        XCTAssertEqual(trainer.step, 0)
    }
}
