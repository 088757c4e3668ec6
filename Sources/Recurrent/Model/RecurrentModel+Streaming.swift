#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The per-step work of ``RecurrentModel/step(_:state:)`` with what does not change from one step to the next —
// the packed weights, the cells' prepared workspaces, the scratch buffers, the readout's transposed weight —
// made once and carried in the returned ``RecurrentModel/State``. A step then computes exactly what
// `RecurrentLayer.infer` computes on a one-step sequence (the same kernels on the same operands, in the same
// row blocks), so streaming stays bit for bit equal to `predict`, without re-packing W_hh (H·G·H scalars) and
// W_ih at every sample.

/// The reusable resources of streaming a model at one batch size. Built from the parameters it holds (shared
/// storage, so any change to the model's weights gives them new storage and the plan is no longer used).
/// One step at a time may use it: a step that finds it busy (the same state stepped on two threads) builds its own.
final class StreamingPlan<Cell: RecurrentCell>: @unchecked Sendable {
    typealias Scalar = Cell.Scalar

    /// One layer's packed input weight, row-block workspaces and scratch.
    struct Layer {
        let packedInput: ScalarBuffer<Scalar>  // W_ihᵀ in the kernels' layout
        let blocks: Int
        let workspaces: BlockWorkspaces<Scalar>
        let projected: ScalarBuffer<Scalar>    // (B, P)
        let cache: ScalarBuffer<Scalar>        // (B, cacheSize), one step
        let output: ScalarBuffer<Scalar>       // (B, O) when O < S, else unused
    }

    let batch: Int
    /// Every layer's cell parameters, then the readout's weight and bias, as the plan was built from them.
    let sources: [Tensor<Scalar>]
    let layers: [Layer]
    /// The readout weight transposed, (D, K): what `Linear.forward` multiplies by.
    let readoutTransposed: [Scalar]
    private let lock: UnsafeMutablePointer<pthread_mutex_t>

    init(_ model: RecurrentModel<Cell>, batch: Int) throws {
        self.batch = batch
        sources = Self.parameters(of: model)
        var layers: [Layer] = []
        var width = model.inputSize
        for layer in model.layers {
            let cell = layer.cell
            let (p, o) = (cell.projectionSize, cell.outputSize)
            let packed = ScalarBuffer<Scalar>(count: packedTransposedWeightCount(rows: p, columns: width, Scalar.self), zeroed: false)
            cell.parameters[0].withPointer { packTransposedWeight(packed.base, $0, rows: p, columns: width) }
            let blocks = layer.rowBlockCount(batch: batch)
            layers.append(Layer(packedInput: packed, blocks: blocks, workspaces: layer.preparedWorkspaces(blocks: blocks, batch: batch),
                                projected: ScalarBuffer(count: batch * p, zeroed: false),
                                cache: ScalarBuffer(zeros: batch * cell.cacheSize),
                                output: ScalarBuffer(zeros: o < cell.stateSize ? batch * o : 0)))
            width = o
        }
        self.layers = layers
        readoutTransposed = try model.readout.weight.transposed().scalars
        lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    static func parameters(of model: RecurrentModel<Cell>) -> [Tensor<Scalar>] {
        var list: [Tensor<Scalar>] = []
        for layer in model.layers { list += layer.cell.parameters }
        return list + [model.readout.weight, model.readout.bias]
    }

    /// Whether the plan was built for this batch size from these very parameter tensors (the same storage).
    func fits(_ model: RecurrentModel<Cell>, batch: Int) -> Bool {
        guard batch == self.batch, model.layers.count == layers.count else { return false }
        let current = Self.parameters(of: model)
        guard current.count == sources.count else { return false }
        for (a, b) in zip(current, sources) where a.shape != b.shape || !a.sharesStorage(with: b) { return false }
        return true
    }

    /// Takes the plan for one step; false when another step is using it.
    func tryAcquire() -> Bool { pthread_mutex_trylock(lock) == 0 }
    func release() { pthread_mutex_unlock(lock) }

    /// One step of every layer and the readout, as `RecurrentModel.step` on `RecurrentLayer.infer` computes it,
    /// or `nil` when the plan does not fit the model or the batch (see ``fits(_:batch:)``): build a new one then.
    /// Specialized for the library's cells, as `RecurrentLayer`'s passes are: a step is small enough for the
    /// generic code's per-call costs to show.
    /// - Parameters:
    ///   - input: (B, I), checked by the caller.
    ///   - previous: each layer's state (B, S), checked by the caller.
    @_specialize(where Cell == LSTMCell<Float>)
    @_specialize(where Cell == LSTMCell<Double>)
    @_specialize(where Cell == GRUCell<Float>)
    @_specialize(where Cell == GRUCell<Double>)
    @_specialize(where Cell == SimpleRNNCell<Float>)
    @_specialize(where Cell == SimpleRNNCell<Double>)
    @_specialize(where Cell == SCRNCell<Float>)
    @_specialize(where Cell == SCRNCell<Double>)
    func step(_ model: RecurrentModel<Cell>, _ input: Tensor<Scalar>, _ previous: [Tensor<Scalar>]) throws
        -> (output: Tensor<Scalar>, states: [Tensor<Scalar>])? {
        guard fits(model, batch: input.shape[0]) else { return nil }
        var states: [Tensor<Scalar>] = []
        states.reserveCapacity(layers.count)
        var x = input  // (B, width) the current level's input
        for l in layers.indices {
            let plan = layers[l], layer = model.layers[l], cell = layer.cell
            let (p, s, o, cw, width) = (cell.projectionSize, cell.stateSize, cell.outputSize, cell.cacheSize, cell.inputSize)
            // The checks of RecurrentLayer.infer on the one-step sequence (1, B, width).
            // (The messages are only built for a failing check.)
            if x.firstNonFiniteIndex != nil { try x.requireFinite("RecurrentLayer.forward input \(shapeString([1, batch, width]))") }
            if previous[l].shape != [batch, s] {
                try previous[l].requireShape([batch, s], "RecurrentLayer.forward initial state (batch from input)")
            }
            if previous[l].firstNonFiniteIndex != nil { try previous[l].requireFinite("RecurrentLayer.forward initial state") }
            // projected (B, P) = x · W_ihᵀ + b_ih
            let pr = plan.projected.base
            x.withPointer { xp in
                cell.parameters[1].withPointer { bias in
                    for r in 0..<batch { (pr + r * p).update(from: bias, count: p) }
                }
                multiplyByPackedWeight(pr, ldc: p, xp, lda: width, packed: plan.packedInput.base, m: batch, n: p, k: width, beta: 1)
            }
            var next = [Scalar](repeating: 0, count: batch * s)
            previous[l].withPointer { previousState in
                next.withUnsafeMutableBufferPointer { nextBuffer in
                    let np = nextBuffer.baseAddress!
                    runInParallel(parts: plan.blocks) { block in
                        let rows = rowBlock(block, of: plan.blocks, batch: batch)
                        let (b0, nb) = (rows.lowerBound, rows.count)
                        cell.forwardStep(projected: pr + b0 * p, previous: previousState + b0 * s, next: np + b0 * s,
                                         cache: plan.cache.base + b0 * cw, batch: nb,
                                         workspace: plan.workspaces.base + block * plan.workspaces.stride)
                    }
                    if o < s {
                        for b in 0..<batch { (plan.output.base + b * o).update(from: np + b * s, count: o) }
                    }
                }
            }
            let state = Tensor(unchecked: [batch, s], scalars: next)
            x = o < s ? Tensor(unchecked: [batch, o], scalars: Array(UnsafeBufferPointer(start: plan.output.base, count: batch * o)))
                      : Tensor(unchecked: [batch, o], scalars: next)
            states.append(state)
        }
        // The readout, as Linear.forward computes it: x · Wᵀ (the same product on the same operands), then + b.
        let (d, k) = (model.readout.inputSize, model.readout.outputSize)
        var y = [Scalar](repeating: 0, count: batch * k)
        x.withPointer { xp in
            readoutTransposed.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { c in
                    Scalar.gemm(transposeA: false, transposeB: false, m: batch, n: k, k: d, alpha: 1, a: xp, lda: d,
                                b: w.baseAddress!, ldb: k, beta: 0, c: c.baseAddress!, ldc: k)
                }
            }
        }
        let bias = model.readout.bias.scalars
        for r in 0..<batch { for j in 0..<k { y[r * k + j] += bias[j] } }
        return (Tensor(unchecked: [batch, k], scalars: y), states)
    }
}

extension Tensor {
    /// Whether both tensors are views of the same storage (not merely equal values).
    func sharesStorage(with other: Tensor) -> Bool {
        scalars.withUnsafeBufferPointer { a in other.scalars.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }
}
