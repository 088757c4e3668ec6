import Dispatch
import XCTest
@testable import Recurrent
import RecurrentInitializers
import CRecurrentKernels

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

    /// `RecurrentLayer.infer` on one step keeps its packed weights between calls; a changed cell (in place, or
    /// replaced) or another batch size must be used at the next call, as by a layer that never stepped.
    func testOneStepLayerPassesFollowTheCell() throws {
        var layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: inputSize, hiddenSize: 7, seed: 1))
        let xs = try samples(Float.self, batch: 2, seed: 8).map { try $0.reshaped(to: [1, 2, inputSize]) }
        var state: Tensor<Float>? = nil
        func check(_ x: Tensor<Float>, _ what: String) throws {
            let stepped = try layer.infer(x, initialState: state)
            let fresh = try RecurrentLayer(cell: layer.cell).infer(x, initialState: state)  // a layer of its own: no plan yet
            XCTAssertEqual(stepped.outputs, fresh.outputs, what)
            XCTAssertEqual(stepped.finalState, fresh.finalState, what)
            state = stepped.finalState
        }
        for t in 0..<3 { try check(xs[t], "step \(t)") }
        let before = try layer.infer(xs[3], initialState: state).outputs
        try layer.cell.weightHH.add(Tensor(shape: layer.cell.weightHH.shape, repeating: 0.25))  // in place
        XCTAssertNotEqual(try layer.infer(xs[3], initialState: state).outputs, before, "the change matters")
        try check(xs[3], "after W_hh changed in place")
        try layer.cell.weightIH.add(Tensor(shape: layer.cell.weightIH.shape, repeating: -0.25))
        try check(xs[4], "after W_ih changed in place")
        layer.cell = try LSTMCell<Float>(inputSize: inputSize, hiddenSize: 7, seed: 2)  // replaced
        try check(xs[5], "another cell")
        state = try Tensor(shape: [1, 14], scalars: Array(state!.scalars[0..<14]))
        try check(try Tensor(shape: [1, 1, inputSize], scalars: Array(xs[0].scalars[0..<inputSize])), "batch 1")
        // A copy of the layer shares the plan; each copy's own cell is used.
        var copy = layer
        try copy.cell.weightHH.add(Tensor(shape: copy.cell.weightHH.shape, repeating: 0.5))
        let x1 = try Tensor<Float>(shape: [1, 1, inputSize], repeating: 0.3)
        XCTAssertEqual(try copy.infer(x1, initialState: state).outputs, try RecurrentLayer(cell: copy.cell).infer(x1, initialState: state).outputs)
        XCTAssertEqual(try layer.infer(x1, initialState: state).outputs, try RecurrentLayer(cell: layer.cell).infer(x1, initialState: state).outputs)
    }

    /// Whole sequences through one layer, call after call, reuse the plan of the last call (packed weights,
    /// buffers): every result equals that of a layer that never ran, whatever changed in between — the length of
    /// the sequence (a longer one needs larger projection chunks), lengths, the batch size, a weight changed in
    /// place, the thread count, the kernel level (whose packing differs).
    func testRepeatedPassesFollowTheCallAndTheCell() throws {
        defer { rnn_kernel_force_level(-1); KernelSettings.threadCount = 0 }
        var layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: inputSize, hiddenSize: 24, seed: 4))
        var generator = RandomGenerator(seed: 17)
        func input(_ t: Int, _ b: Int) throws -> Tensor<Float> {
            try Tensor(shape: [t, b, inputSize], scalars: (0..<t * b * inputSize).map { _ in Float(generator.nextUniform() * 2 - 1) })
        }
        func check(_ x: Tensor<Float>, lengths: [Int]? = nil, _ what: String) throws {
            let state = try Tensor<Float>(shape: [x.shape[1], 48], repeating: 0.125)
            let kept = try layer.infer(x, initialState: state, lengths: lengths)
            let fresh = try RecurrentLayer(cell: layer.cell).infer(x, initialState: state, lengths: lengths)
            XCTAssertEqual(kept.outputs, fresh.outputs, what)
            XCTAssertEqual(kept.finalState, fresh.finalState, what)
        }
        try check(input(30, 3), "first pass")
        try check(input(30, 3), "same shape")
        try check(input(1, 3), "one step")
        try check(input(300, 3), "longer: larger chunks")
        try check(input(7, 3), lengths: [7, 0, 4], "with lengths")
        try check(input(30, 5), "another batch size")
        try layer.cell.weightHH.add(Tensor(shape: layer.cell.weightHH.shape, repeating: 0.125))
        try check(input(30, 5), "W_hh changed in place")
        KernelSettings.threadCount = 1
        try check(input(30, 5), "one thread")
        let x = try input(30, 5)
        try check(x, "kept at the default kernel level")
        rnn_kernel_force_level(0)
        try check(x, "then at the portable level")  // a kept plan would carry the other level's packing
        rnn_kernel_force_level(-1)
        if rnn_kernel_level() != 0 {
            let best = try RecurrentLayer(cell: layer.cell).infer(x).outputs
            rnn_kernel_force_level(0)
            let portable = try RecurrentLayer(cell: layer.cell).infer(x).outputs
            rnn_kernel_force_level(-1)
            XCTAssertNotEqual(best, portable, "the level matters")
        }
    }

    /// The same parameter tensors in a cell configured otherwise (the GRU's reset gate before or after the product,
    /// which changes how W_hh is packed) must not reuse the plan made for the first configuration.
    func testOneStepLayerPassFollowsTheConfiguration() throws {
        let first = try GRUCell<Double>(inputSize: inputSize, hiddenSize: 6, reset: .afterMatrix, seed: 3)
        var layer = RecurrentLayer(cell: first)
        let x = try Tensor<Double>(shape: [1, 2, inputSize], scalars: (0..<2 * inputSize).map { Double($0) / 7 - 0.6 })
        let state = try Tensor<Double>(shape: [2, 6], scalars: (0..<12).map { Double($0) / 13 - 0.4 })
        let after = try layer.infer(x, initialState: state).outputs
        layer.cell = try GRUCell(reset: .beforeMatrix, weightIH: first.weightIH, biasIH: first.biasIH,
                                 weightHH: first.weightHH, biasHH: first.biasHH)
        let before = try layer.infer(x, initialState: state).outputs
        XCTAssertEqual(before, try RecurrentLayer(cell: layer.cell).infer(x, initialState: state).outputs)
        XCTAssertNotEqual(before, after, "the placement matters")
    }

    /// One layer stepped one sample at a time on many threads at once: each call uses the layer's kept plan or,
    /// when another call holds it, a plan of its own; every result equals that of a layer that never stepped.
    func testOneLayerSteppedOnManyThreads() throws {
        let layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: inputSize, hiddenSize: 40, seed: 6))
        let xs = try samples(Float.self, batch: 1, seed: 5).map { try $0.reshaped(to: [1, 1, inputSize]) }
        let state = try layer.zeroState(batch: 1)
        let expected = try xs.map { try RecurrentLayer(cell: layer.cell).infer($0, initialState: state).finalState.scalars }
        let results = UnsafeMutableBufferPointer<[[Float]]>.allocate(capacity: 12)
        results.initialize(repeating: [])
        defer {
            results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: 12) { k in
            var outputs: [[Float]] = []
            for round in 0..<10 {  // thread k starts at a different sample, so calls overlap with other inputs
                let t = (k + round) % xs.count
                if let result = try? layer.infer(xs[t], initialState: state) { outputs.append(result.finalState.scalars) }
            }
            shared[k] = outputs
        }
        for k in 0..<12 {
            XCTAssertEqual(results[k], (0..<10).map { expected[(k + $0) % xs.count] }, "thread \(k)")
        }
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
