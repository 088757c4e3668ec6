import XCTest
import RecurrentTraining
import Recurrent
import RecurrentData
import RecurrentInitializers

/// The schedule owns a run's learning rate: the rate an optimizer was built with does not matter in a trainer,
/// and `AnyOptimizer` behaves exactly as the optimizer it wraps.
final class LearningRateOwnerTests: XCTestCase {
    let task = AdditionTask(length: 8, testSize: 50, seed: 2)

    func trainer(optimizer: AnyOptimizer<Double>) throws -> Trainer<SimpleRNNCell<Double>> {
        let model = try RecurrentModel(inputSize: 2, outputSize: 1, seed: 4) { i, _, _ in
            try SimpleRNNCell<Double>.npRNN(inputSize: i, hiddenSize: 5, seed: 4)
        }
        return Trainer(model: model, optimizer: optimizer, seed: 4)
    }

    func testTheScheduleAloneSetsTheRate() throws {
        let schedule = try PiecewiseConstant(values: [0.02, 0.005], boundaries: [3])
        let configuration = TrainingConfiguration(steps: 6, batchSize: 4, schedule: schedule, seed: 1, evaluationInterval: 6)
        // Two optimizers that differ only in the rate they were built with: identical runs.
        var a = try trainer(optimizer: AnyOptimizer(name: "adam", learningRate: 0.02))
        var b = try trainer(optimizer: AnyOptimizer(name: "adam", learningRate: 7))
        let (ra, rb) = (try a.trainUntilNextRecord(task, configuration: configuration, clock: { 0 }),
                        try b.trainUntilNextRecord(task, configuration: configuration, clock: { 0 }))
        XCTAssertEqual(a.model.parameters, b.model.parameters)
        XCTAssertEqual(ra, rb)
        XCTAssertEqual(ra.learningRate, 0.005)
        XCTAssertEqual(a.optimizer.learningRate, 0.005)
        // The step-decay convenience is the same run as its schedule given explicitly.
        var c = try trainer(optimizer: .sgd(SGD(learningRate: 1)))
        var d = try trainer(optimizer: .sgd(SGD(learningRate: 1)))
        let convenience = TrainingConfiguration(steps: 4, batchSize: 4, learningRate: 0.03, decayFactor: 0.5, decayInterval: 2,
                                                seed: 1, evaluationInterval: 4)
        let explicit = TrainingConfiguration(steps: 4, batchSize: 4, schedule: StepDecay(initial: 0.03, factor: 0.5, interval: 2),
                                             seed: 1, evaluationInterval: 4)
        XCTAssertEqual(try c.trainUntilNextRecord(task, configuration: convenience, clock: { 0 }),
                       try d.trainUntilNextRecord(task, configuration: explicit, clock: { 0 }))
        XCTAssertEqual(c.model.parameters, d.model.parameters)
    }

    /// `AnyOptimizer` forwards every member: updates, rate, scales, step count, state and restore equal those of the
    /// wrapped optimizer, bit for bit.
    func testAnyOptimizerIsTheOptimizerItWraps() throws {
        let start = [try Tensor<Double>(shape: [3], scalars: [1, -2, 0.5]), try Tensor<Double>(shape: [1], scalars: [4])]
        let gradients = [try Tensor<Double>(shape: [3], scalars: [0.3, -0.1, 2]), try Tensor<Double>(shape: [1], scalars: [-1])]
        var wrapped = AnyOptimizer<Double>.adam(Adam(learningRate: 0.01))
        var plain = Adam<Double>(learningRate: 0.01)
        wrapped.learningRateScales = [1, 0.5]
        plain.learningRateScales = [1, 0.5]
        var (p, q) = (start, start)
        for rate in [0.01, 0.003] {
            wrapped.learningRate = rate
            plain.learningRate = rate
            try wrapped.update(&p, gradients: gradients)
            try plain.update(&q, gradients: gradients)
        }
        XCTAssertEqual(p, q)
        XCTAssertEqual(wrapped.stepCount, 2)
        XCTAssertEqual(wrapped.learningRate, 0.003)
        XCTAssertEqual(wrapped.learningRateScales, [1, 0.5])
        XCTAssertEqual(wrapped.state, plain.state)
        XCTAssertTrue(wrapped.base is Adam<Double>)
        guard case .adam = wrapped else { return XCTFail("an update must keep the case") }
        // Restore into a fresh one: the next update matches.
        var restored = AnyOptimizer<Double>.adam(Adam(learningRate: 0.003))
        restored.learningRateScales = [1, 0.5]
        try restored.restore(state: wrapped.state, stepCount: wrapped.stepCount)
        var r = p
        try restored.update(&r, gradients: gradients)
        try wrapped.update(&p, gradients: gradients)
        XCTAssertEqual(r, p)
        XCTAssertThrowsError(try restored.restore(state: [start[0]], stepCount: 1))
    }
}
