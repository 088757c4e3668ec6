import XCTest
@testable import Recurrent
import RecurrentInitializers
import CRecurrentKernels

/// The layer's speed-only choices never change results, bit for bit:
/// - the input projection computed a chunk of steps at a time (built-in cells) or for all steps at once;
/// - the conservative path of cells that keep the defaults of `backwardReadsProjection` and
///   `prepareWorkspace` (projection kept for every step, zeroed cache);
/// - `infer` (no cache, one step's buffers reused) against `forward`;
/// - one or two compute threads, with the time loop split by rows across the threads or not;
/// - with several gradient blocks, the backward pass's overlap of one block's reverse steps with the previous
///   block's weight-gradient products on two threads (also with the gradient-flow record), against one thread.
/// Each configuration runs forward and backward (with ragged and full batches) and must reproduce the
/// outputs, final state, input and initial-state gradients and every parameter gradient exactly.
final class LayoutInvarianceTests: XCTestCase {
    /// Delegates everything to `base` except `backwardReadsProjection`, which keeps its default (`true`).
    struct ConservativeCell<Base: RecurrentCell>: RecurrentCell {
        typealias Scalar = Base.Scalar
        var base: Base
        var inputSize: Int { base.inputSize }
        var stateSize: Int { base.stateSize }
        var outputSize: Int { base.outputSize }
        var projectionSize: Int { base.projectionSize }
        var cacheSize: Int { base.cacheSize }
        var recurrentGradientSize: Int { base.recurrentGradientSize }
        func workspaceSize(batch: Int) -> Int { base.workspaceSize(batch: batch) }
        func prepareWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
            base.prepareWorkspace(workspace, batch: batch)
        }
        func prepareBackwardWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
            base.prepareBackwardWorkspace(workspace, batch: batch)
        }
        var namedParameters: Base.Parameters {
            get { base.namedParameters }
            set { base.namedParameters = newValue }
        }
        var descriptor: [String: String] { base.descriptor }
        mutating func setParameters(_ newValue: [Tensor<Scalar>]) throws { try base.setParameters(newValue) }
        func forwardStep(projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>, next: UnsafeMutablePointer<Scalar>,
                         cache: UnsafeMutablePointer<Scalar>, batch: Int, workspace: UnsafeMutablePointer<Scalar>) {
            base.forwardStep(projected: projected, previous: previous, next: next, cache: cache, batch: batch, workspace: workspace)
        }
        func backwardStep(dNext: UnsafePointer<Scalar>, projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
                          next: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>, dPrevious: UnsafeMutablePointer<Scalar>,
                          dProjected: UnsafeMutablePointer<Scalar>, dRecurrent: UnsafeMutablePointer<Scalar>, batch: Int,
                          workspace: UnsafeMutablePointer<Scalar>) {
            base.backwardStep(dNext: dNext, projected: projected, previous: previous, next: next, cache: cache,
                              dPrevious: dPrevious, dProjected: dProjected, dRecurrent: dRecurrent, batch: batch,
                              workspace: workspace)
        }
        func accumulateRecurrentGradients(_ gradients: inout Base.Parameters, dProjected: UnsafePointer<Scalar>,
                                          dRecurrent: UnsafePointer<Scalar>, states: UnsafePointer<Scalar>,
                                          cache: UnsafePointer<Scalar>, steps: Int, batch: Int) {
            base.accumulateRecurrentGradients(&gradients, dProjected: dProjected, dRecurrent: dRecurrent, states: states,
                                              cache: cache, steps: steps, batch: batch)
        }
    }

    override func tearDown() {
        LayoutTuning.projectionChunkBytes = 256 * 1024
        LayoutTuning.rowParallelWeightLimitBytes = 512 << 10
        LayoutTuning.parallelGateElements = 16384
        LayoutTuning.rowSplitChunkFactor = 16
        LayoutTuning.gradientChunkRows = 2048
        LayoutTuning.overlapsParameterGradients = true
        rnn_set_thread_count(0)
        super.tearDown()
    }

    /// Forward and backward of one layer; every result flattened.
    func results<Cell: RecurrentCell>(_ cell: Cell, _ x: Tensor<Cell.Scalar>, lengths: [Int]?) throws -> [[Cell.Scalar]] {
        let layer = RecurrentLayer(cell: cell)
        var generator = RandomGenerator(seed: 3)
        let state = try Tensor<Cell.Scalar>(shape: [x.shape[1], cell.stateSize],
                                            scalars: (0..<x.shape[1] * cell.stateSize).map { _ in Cell.Scalar(generator.nextUniform() - 0.5) })
        let pass = try layer.forward(x, initialState: state, lengths: lengths)
        // Inference without a cache gives the same outputs and final state, bit for bit.
        let inferred = try layer.infer(x, initialState: state, lengths: lengths)
        XCTAssertTrue(zip(inferred.outputs.scalars, pass.outputs.scalars).allSatisfy { $0 == $1 && $0.sign == $1.sign }
                      && inferred.outputs.shape == pass.outputs.shape, "infer outputs")
        XCTAssertTrue(zip(inferred.finalState.scalars, pass.finalState.scalars).allSatisfy { $0 == $1 && $0.sign == $1.sign }
                      && inferred.finalState.shape == pass.finalState.shape, "infer final state")
        let dOut = try Tensor<Cell.Scalar>(shape: pass.outputs.shape,
                                           scalars: (0..<pass.outputs.count).map { _ in Cell.Scalar(generator.nextUniform() - 0.5) })
        let dFinal = try Tensor<Cell.Scalar>(shape: pass.finalState.shape,
                                             scalars: (0..<pass.finalState.count).map { _ in Cell.Scalar(generator.nextUniform() - 0.5) })
        var gradients = cell.zeroGradients()
        let (dx, dState) = try layer.backward(pass, outputGradient: dOut, finalStateGradient: dFinal, into: &gradients)
        // Without the input gradient: the same parameter and initial-state gradients, bit for bit.
        var gradientsWithoutInput = cell.zeroGradients()
        let dStateWithoutInput = try layer.backwardWithoutInputGradient(pass, outputGradient: dOut, finalStateGradient: dFinal,
                                                                        into: &gradientsWithoutInput)
        XCTAssertEqual(dStateWithoutInput.scalars, dState.scalars, "initial-state gradient without the input gradient")
        XCTAssertEqual(gradientsWithoutInput.map(\.scalars), gradients.map(\.scalars), "parameter gradients without the input gradient")
        return [pass.outputs.scalars, pass.finalState.scalars, dx.scalars, dState.scalars] + gradients.map(\.scalars)
    }

    func check<Cell: RecurrentCell>(_ cell: Cell, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        typealias S = Cell.Scalar
        var generator = RandomGenerator(seed: 11)
        let (steps, batch) = (37, 3)
        let x = try Tensor<S>(shape: [steps, batch, cell.inputSize],
                              scalars: (0..<steps * batch * cell.inputSize).map { _ in S(generator.nextUniform() * 2 - 1) })
        for lengths in [nil, [37, 20, 5]] as [[Int]?] {
            let tag = "\(name) \(S.self) lengths \(lengths.map { "\($0)" } ?? "full")"
            let reference = try results(cell, x, lengths: lengths)
            var variants: [(String, [[S]])] = []
            LayoutTuning.rowSplitChunkFactor = 1  // the chunk sizes below, also when the rows are split
            LayoutTuning.projectionChunkBytes = 1  // one step per chunk
            variants.append(("1-step chunks", try results(cell, x, lengths: lengths)))
            LayoutTuning.projectionChunkBytes = 1 << 40  // one chunk
            variants.append(("one chunk", try results(cell, x, lengths: lengths)))
            LayoutTuning.projectionChunkBytes = 7 * cell.projectionSize * MemoryLayout<S>.stride  // chunks of 2 steps
            variants.append(("2-step chunks", try results(cell, x, lengths: lengths)))
            LayoutTuning.projectionChunkBytes = 256 * 1024
            LayoutTuning.rowSplitChunkFactor = 16
            variants.append(("conservative cell", try results(ConservativeCell(base: cell), x, lengths: lengths)))
            for threads: Int32 in [1, 2] {
                rnn_set_thread_count(threads)
                variants.append(("\(threads) thread(s)", try results(cell, x, lengths: lengths)))
            }
            // Two threads, with the time loop split by rows (rows 0..<1 and 1..<3) and without.
            rnn_set_thread_count(2)
            LayoutTuning.rowParallelWeightLimitBytes = .max
            variants.append(("2 threads, rows split", try results(cell, x, lengths: lengths)))
            LayoutTuning.rowParallelWeightLimitBytes = 0
            variants.append(("2 threads, rows together", try results(cell, x, lengths: lengths)))
            LayoutTuning.parallelGateElements = 1  // every gate kernel split by rows (1 and 2 of 3 rows)
            variants.append(("2 threads, rows together, gate kernels split", try results(cell, x, lengths: lengths)))
            LayoutTuning.parallelGateElements = 16384
            LayoutTuning.rowParallelWeightLimitBytes = 512 << 10
            rnn_set_thread_count(0)
            // Gradient blocks of 2 steps (19 blocks): the weight gradients are summed in another order than in one
            // block, so these are compared with each other. On two threads with the rows together, each block's
            // reverse steps overlap the previous block's weight-gradient products (`overlapsParameterGradients`).
            LayoutTuning.gradientChunkRows = 2 * batch
            rnn_set_thread_count(1)
            let blocked = try results(cell, x, lengths: lengths)
            var blockedVariants: [(String, [[S]])] = []
            rnn_set_thread_count(2)
            LayoutTuning.rowParallelWeightLimitBytes = 0
            blockedVariants.append(("2-step blocks, 2 threads, overlapped", try results(cell, x, lengths: lengths)))
            var flow = [Double]()
            var flowGradients = cell.zeroGradients()
            let flowPass = try RecurrentLayer(cell: cell).forward(x, lengths: lengths)
            let flowOutput = try Tensor<S>(shape: flowPass.outputs.shape, scalars: (0..<flowPass.outputs.count).map { S($0 % 7) - 3 })
            _ = try RecurrentLayer(cell: cell).backward(flowPass, outputGradient: flowOutput, into: &flowGradients,
                                                        recordingGradientFlow: &flow)
            LayoutTuning.overlapsParameterGradients = false
            blockedVariants.append(("2-step blocks, 2 threads, not overlapped", try results(cell, x, lengths: lengths)))
            var plainFlow = [Double]()
            var plainGradients = cell.zeroGradients()
            _ = try RecurrentLayer(cell: cell).backward(flowPass, outputGradient: flowOutput, into: &plainGradients,
                                                        recordingGradientFlow: &plainFlow)
            XCTAssertEqual(flow, plainFlow, "\(tag): gradient flow, overlapped", file: file, line: line)
            XCTAssertEqual(flowGradients.map(\.scalars), plainGradients.map(\.scalars), "\(tag): gradients with the flow record, overlapped",
                           file: file, line: line)
            LayoutTuning.overlapsParameterGradients = true
            LayoutTuning.rowParallelWeightLimitBytes = .max
            blockedVariants.append(("2-step blocks, 2 threads, rows split", try results(cell, x, lengths: lengths)))
            LayoutTuning.rowParallelWeightLimitBytes = 512 << 10
            LayoutTuning.gradientChunkRows = 2048
            rnn_set_thread_count(0)
            for (expected, compared) in [(reference, variants), (blocked, blockedVariants)] {
                for (variant, got) in compared {
                    XCTAssertEqual(got.count, expected.count, "\(tag): \(variant)", file: file, line: line)
                    for (index, (a, b)) in zip(got, expected).enumerated() {
                        let same = a.count == b.count && zip(a, b).allSatisfy { $0 == $1 && $0.sign == $1.sign }
                        XCTAssertTrue(same, "\(tag): \(variant) differs in result \(index)", file: file, line: line)
                    }
                }
            }
        }
    }

    func checkAll<S: RecurrentScalar>(_: S.Type) throws {
        try check(SimpleRNNCell<S>(inputSize: 3, hiddenSize: 20, nonlinearity: .tanh, seed: 1), "srnn-tanh")
        try check(SimpleRNNCell<S>(inputSize: 3, hiddenSize: 20, nonlinearity: .relu, seed: 2), "srnn-relu")
        try check(LSTMCell<S>(inputSize: 3, hiddenSize: 20, forgetBias: 1, seed: 3), "lstm")
        try check(GRUCell<S>(inputSize: 3, hiddenSize: 20, reset: .afterMatrix, seed: 4), "gru-after")
        try check(GRUCell<S>(inputSize: 3, hiddenSize: 20, reset: .beforeMatrix, seed: 5), "gru-before")
        try check(SCRNCell<S>(inputSize: 3, hiddenSize: 20, contextSize: 7, alpha: 0.9, trainableAlpha: true, seed: 6), "scrn")
    }

    /// Large pass buffers are cached between passes, reused, bounded by the limit, and never change results.
    func testScratchMemoryIsReusedAndBounded() throws {
        let layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: 2, hiddenSize: 64, seed: 1))
        var generator = RandomGenerator(seed: 2)
        let x = try Tensor<Float>(shape: [300, 8, 2], scalars: (0..<4800).map { _ in Float(generator.nextUniform()) })
        ScratchMemory.purge()
        let first = try layer.forward(x).outputs   // the cache (300·8·320 floats ≈ 3 MB) is pooled
        let cached = ScratchMemory.cachedBytes
        XCTAssertGreaterThanOrEqual(cached, 300 * 8 * 320 * 4)
        let second = try layer.forward(x).outputs  // reuses it: nothing new is cached
        XCTAssertEqual(ScratchMemory.cachedBytes, cached)
        XCTAssertEqual(first, second)
        let limit = ScratchMemory.limitBytes
        ScratchMemory.limitBytes = 0
        XCTAssertEqual(ScratchMemory.cachedBytes, 0)
        XCTAssertEqual(try layer.forward(x).outputs, first)
        XCTAssertEqual(ScratchMemory.cachedBytes, 0)
        ScratchMemory.limitBytes = limit
        ScratchMemory.purge()
        XCTAssertEqual(ScratchMemory.cachedBytes, 0)
    }

    /// Same seed, any thread count: bit-identical, at a size where the products run on two threads.
    func testThreadCountDoesNotChangeResults() throws {
        let cell = try LSTMCell<Float>(inputSize: 40, hiddenSize: 96, seed: 4)
        var generator = RandomGenerator(seed: 5)
        let x = try Tensor<Float>(shape: [60, 32, 40], scalars: (0..<60 * 32 * 40).map { _ in Float(generator.nextUniform() * 2 - 1) })
        rnn_set_thread_count(1)
        let one = try results(cell, x, lengths: nil)
        rnn_set_thread_count(2)
        let two = try results(cell, x, lengths: nil)
        rnn_set_thread_count(0)
        for (index, (a, b)) in zip(one, two).enumerated() {
            XCTAssertTrue(a == b, "result \(index) differs between 1 and 2 threads")
        }
    }

    func testFloatLayoutsGiveIdenticalResults() throws { try checkAll(Float.self) }

    func testDoubleLayoutsGiveIdenticalResults() throws { try checkAll(Double.self) }
}
