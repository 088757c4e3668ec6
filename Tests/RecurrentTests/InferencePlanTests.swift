import XCTest
@testable import Recurrent
import RecurrentInitializers

/// The layer's inference pass with a reused ``RecurrentLayer/InferencePlan`` (what `RecurrentModel.step` runs at
/// every step) must give what a fresh `infer` gives, bit for bit: step by step with the state carried, over
/// whole sequences of several projection chunks, from a zero state after the plan's buffers were used, and at
/// a batch size the plan was not made for. And a stepped model state keeps its plan while the model is unchanged.
final class InferencePlanTests: XCTestCase {
    let (inputSize, hidden) = (5, 7)

    func sequence<S: RecurrentScalar>(_: S.Type, steps: Int, batch: Int, seed: UInt64) throws -> Tensor<S> {
        var generator = RandomGenerator(seed: seed)
        return try Tensor(shape: [steps, batch, inputSize],
                          scalars: (0..<steps * batch * inputSize).map { _ in S(generator.nextUniform() * 2 - 1) })
    }

    /// Step t of a (T, B, I) sequence as a one-step sequence (1, B, I).
    func stepOf<S: RecurrentScalar>(_ x: Tensor<S>, _ t: Int) -> Tensor<S> {
        let size = x.shape[1] * x.shape[2]
        return Tensor(unchecked: [1, x.shape[1], x.shape[2]], scalars: Array(x.scalars[t * size..<(t + 1) * size]))
    }

    func check<Cell: RecurrentCell>(_ name: String, _ cell: Cell) throws {
        let layer = RecurrentLayer(cell: cell)
        for batch in [1, 3] {
            let steps = 9
            let x = try sequence(Cell.Scalar.self, steps: steps, batch: batch, seed: UInt64(10 + batch))
            let whole = try layer.infer(x)
            let plan = layer.inferencePlan(steps: 1, batch: batch)
            // Streaming: one step at a time, the state carried, the same plan at every step.
            var reused = try layer.zeroState(batch: batch), fresh = reused
            var outputs: [Cell.Scalar] = []
            for t in 0..<steps {
                let a = try layer.infer(stepOf(x, t), initialState: reused, reusing: plan)
                let b = try layer.infer(stepOf(x, t), initialState: fresh)
                XCTAssertEqual(a.outputs, b.outputs, "\(name) batch \(batch) step \(t): outputs")
                XCTAssertEqual(a.finalState, b.finalState, "\(name) batch \(batch) step \(t): state")
                (reused, fresh) = (a.finalState, b.finalState)
                outputs += a.outputs.scalars
            }
            XCTAssertEqual(outputs, whole.outputs.scalars, "\(name) batch \(batch): streamed = whole sequence")
            XCTAssertEqual(reused, whole.finalState, "\(name) batch \(batch): final state")
            // The whole sequence through the used plan (one-step chunks), from a zero state (nil: the plan's state
            // buffer held the last step's state), then a ragged batch.
            let again = try layer.infer(x, initialState: nil, reusing: plan)
            XCTAssertEqual(again.outputs, whole.outputs, "\(name) batch \(batch): whole sequence with the plan")
            XCTAssertEqual(again.finalState, whole.finalState, "\(name) batch \(batch): its final state")
            // A plan for another batch size is not used (the pass makes its own).
            let other = try sequence(Cell.Scalar.self, steps: 2, batch: batch + 1, seed: 3)
            let mismatched = try layer.infer(other, initialState: nil, reusing: plan)
            XCTAssertEqual(mismatched.outputs, try layer.infer(other).outputs, "\(name) batch \(batch + 1) with a batch-\(batch) plan")
        }
    }

    func testReusedPlanEqualsFreshInferFloat() throws {
        try check("LSTM Float", LSTMCell<Float>(inputSize: inputSize, hiddenSize: hidden, seed: 1))
        try check("GRU Float", GRUCell<Float>(inputSize: inputSize, hiddenSize: hidden, seed: 2))
        try check("SCRN Float", SCRNCell<Float>(inputSize: inputSize, hiddenSize: hidden, contextSize: 3, seed: 3))
        try check("SRNN Float", SimpleRNNCell<Float>(inputSize: inputSize, hiddenSize: hidden, seed: 4))
    }

    func testReusedPlanEqualsFreshInferDouble() throws {
        try check("LSTM Double", LSTMCell<Double>(inputSize: inputSize, hiddenSize: hidden, seed: 1))
        try check("GRU Double", GRUCell<Double>(inputSize: inputSize, hiddenSize: hidden, seed: 2))
        try check("SCRN Double", SCRNCell<Double>(inputSize: inputSize, hiddenSize: hidden, contextSize: 3, seed: 3))
        try check("SRNN Double", SimpleRNNCell<Double>(inputSize: inputSize, hiddenSize: hidden, seed: 4))
    }

    /// The streaming plan is kept from step to step while the model is unchanged (its fits check must not fail
    /// spuriously, e.g. on a tensor a cell builds when asked), and replaced once a weight changes.
    func testSteppedStateKeepsItsPlanUntilTheModelChanges() throws {
        func check<Cell: RecurrentCell>(_ name: String, _ makeCell: @escaping (Int) throws -> Cell) throws {
            var model = try RecurrentModel(inputSize: inputSize, outputSize: 2, layers: 2, seed: 5) { i, _, _ in try makeCell(i) }
            let x = try Tensor<Cell.Scalar>(shape: [1, inputSize], repeating: 0.5)
            let first = try model.step(x).state
            let second = try model.step(x, state: first).state
            XCTAssertNotNil(first.plan, name)
            XCTAssertTrue(first.plan === second.plan, "\(name): the plan is reused")
            try model.layers[0].cell.setParameters(model.layers[0].cell.parameters)  // a write to a layer, even of the same values
            XCTAssertFalse(try model.step(x, state: second).state.plan === second.plan, "\(name): a changed layer gets a new plan")
        }
        try check("LSTM") { try LSTMCell<Float>(inputSize: $0, hiddenSize: 6, seed: 1) }
        try check("GRU") { try GRUCell<Double>(inputSize: $0, hiddenSize: 6, seed: 1) }
        try check("SCRN") { try SCRNCell<Float>(inputSize: $0, hiddenSize: 6, contextSize: 2, seed: 1) }
        try check("SRNN") { try SimpleRNNCell<Double>(inputSize: $0, hiddenSize: 6, seed: 1) }
    }
}
