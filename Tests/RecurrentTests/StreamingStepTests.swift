import Dispatch
import XCTest
@testable import Recurrent
import RecurrentInitializers

/// `RecurrentModel.step` reuses packed weights and scratch carried in the state it returns. These tests check
/// that the reuse never changes a result: at batch 1 (the streaming case), after the model's weights change
/// between two steps (in place, or another model of the same shape), and with one state stepped on many threads.
final class StreamingStepTests: XCTestCase {
    let (steps, inputSize, outputSize) = (6, 5, 3)

    func samples<S: RecurrentScalar>(_: S.Type, batch: Int, seed: UInt64) throws -> [Tensor<S>] {
        var generator = RandomGenerator(seed: seed)
        return try (0..<steps).map { _ in
            try Tensor(shape: [batch, inputSize], scalars: (0..<batch * inputSize).map { _ in S(generator.nextUniform() * 2 - 1) })
        }
    }

    /// The whole sequence (T, B, I) from its steps.
    func sequence<S: RecurrentScalar>(_ xs: [Tensor<S>]) throws -> Tensor<S> {
        try Tensor(shape: [xs.count, xs[0].shape[0], inputSize], scalars: xs.flatMap(\.scalars))
    }

    func checkBatchOne<Cell: RecurrentCell>(_ name: String, makeCell: @escaping (Int, Int, Int) throws -> Cell) throws {
        let model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, outputMode: .everyStep,
                                       seed: 5, makeCell: makeCell)
        let xs = try samples(Cell.Scalar.self, batch: 1, seed: 21)
        let predicted = try model.predict(sequence(xs))  // (T, K)
        var state = try model.zeroState(batch: 1)
        for t in 0..<steps {
            let (y, next) = try model.step(xs[t], state: state)
            XCTAssertEqual(y.scalars, Array(predicted.scalars[t * outputSize..<(t + 1) * outputSize]), "\(name): step \(t)")
            state = next
        }
    }

    func testBatchOneStreamingEqualsPredict() throws {
        try checkBatchOne("LSTM Float") { i, _, _ in try LSTMCell<Float>(inputSize: i, hiddenSize: 9, seed: 1) }
        try checkBatchOne("GRU Float") { i, _, _ in try GRUCell<Float>(inputSize: i, hiddenSize: 9, seed: 2) }
        try checkBatchOne("GRU Double") { i, _, _ in try GRUCell<Double>(inputSize: i, hiddenSize: 9, seed: 2) }
        try checkBatchOne("SCRN Double") { i, _, _ in
            try SCRNCell<Double>(inputSize: i, hiddenSize: 9, contextSize: 4, seed: 3)
        }
    }

    /// A state that carries what the previous step prepared from other weights must not bring those weights back.
    func testChangedWeightsAreUsedAtTheNextStep() throws {
        var model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, seed: 5) { i, _, _ in
            try LSTMCell<Float>(inputSize: i, hiddenSize: 7, seed: 1)
        }
        let xs = try samples(Float.self, batch: 2, seed: 8)
        let first = try model.step(xs[0]).state
        let unchanged = try model.step(xs[1], state: first).output
        // In place: the model is the only other owner of its weights' storage.
        try model.layers[1].cell.weightHH.add(Tensor(shape: model.layers[1].cell.weightHH.shape, repeating: 0.25))
        try model.readout.bias.add(Tensor(shape: [outputSize], repeating: 1))
        let carried = try model.step(xs[1], state: first).output
        let fresh = try model.step(xs[1], state: .init(layers: first.layers)).output
        XCTAssertEqual(carried, fresh, "the changed weights")
        XCTAssertNotEqual(carried, unchanged, "the change matters")
        // The readout's weight alone (the step packs it once and keeps it in the state's plan).
        let beforeReadout = try model.step(xs[1], state: first).state
        let unchangedReadout = try model.step(xs[2], state: beforeReadout).output
        try model.readout.weight.add(Tensor(shape: model.readout.weight.shape, repeating: 0.5))
        let carriedReadout = try model.step(xs[2], state: beforeReadout).output
        let freshReadout = try model.step(xs[2], state: .init(layers: beforeReadout.layers)).output
        XCTAssertEqual(carriedReadout, freshReadout, "the changed readout weight")
        XCTAssertNotEqual(carriedReadout, unchangedReadout, "the readout change matters")
        // Another model of the same shape, given the first model's stepped state.
        let other = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, seed: 9) { i, _, _ in
            try LSTMCell<Float>(inputSize: i, hiddenSize: 7, seed: 4)
        }
        XCTAssertEqual(try other.step(xs[1], state: first).output, try other.step(xs[1], state: .init(layers: first.layers)).output)
        // The same model at another batch size: the first row of each layer state, in the stepped state
        // (whose resources were made for batch 2).
        let single = try Tensor(shape: [1, inputSize], scalars: Array(xs[1].scalars[0..<inputSize]))
        let rows = try first.layers.map { try Tensor(shape: [1, $0.shape[1]], scalars: Array($0.scalars[0..<$0.shape[1]])) }
        var narrowed = first
        narrowed.layers = rows
        XCTAssertEqual(try model.step(single, state: narrowed).output, try model.step(single, state: .init(layers: rows)).output)
    }

    /// The parameter types that list their tensors directly (``CellParameters/tensors``, read at every step) list
    /// them in the order of their named fields.
    func testDirectTensorListsFollowTheFields() throws {
        func check<P: CellParameters>(_ named: P, _ label: String) {
            XCTAssertEqual(named.tensors, named.fields.map { named[keyPath: $0.keyPath] }, label)
            XCTAssertEqual(Set(named.tensors.map(\.shape)).count > 1, true, "\(label): distinguishable shapes")
        }
        check(try LSTMCell<Float>(inputSize: 3, hiddenSize: 5, seed: 1).namedParameters, "LSTM")
        check(try GRUCell<Double>(inputSize: 3, hiddenSize: 5, seed: 1).namedParameters, "GRU")
        for trainable in [false, true] {
            check(try SCRNCell<Float>(inputSize: 3, hiddenSize: 5, contextSize: 2, trainableAlpha: trainable, seed: 1).namedParameters,
                  "SCRN trainable α \(trainable)")
        }
    }

    /// One stepped state given to many steps at once (its resources can serve one at a time): every result the same.
    func testOneStateSteppedOnManyThreads() throws {
        let model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, seed: 5) { i, _, _ in
            try GRUCell<Float>(inputSize: i, hiddenSize: 33, seed: 2)
        }
        let xs = try samples(Float.self, batch: 1, seed: 3)
        let state = try model.step(xs[0]).state
        let expected = try model.step(xs[1], state: .init(layers: state.layers))
        let results = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: 16)
        results.initialize(repeating: [])
        defer {
            results.deinitialize()  // the arrays written by the threads are released here (LeakSanitizer checks)
            results.deallocate()
        }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: 16) { k in
            var outputs: [Float] = []
            var current = state
            for _ in 0..<20 {  // the same step again and again, each from the shared state
                if let (y, next) = try? model.step(xs[1], state: state) {
                    outputs = y.scalars + next.layers.flatMap(\.scalars)
                    current = next
                }
            }
            _ = current
            shared[k] = outputs
        }
        for k in 0..<16 {
            XCTAssertEqual(results[k], expected.output.scalars + expected.state.layers.flatMap(\.scalars), "thread \(k)")
        }
    }
}
