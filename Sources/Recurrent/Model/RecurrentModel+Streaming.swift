// The per-step work of ``RecurrentModel/step(_:state:)`` with what does not change from one step to the next —
// each layer's ``RecurrentLayer/InferencePlan`` (packed weights, prepared workspaces, scratch) — made once and
// carried in the returned ``RecurrentModel/State``. A step runs each layer's own inference pass on the one-step
// sequence (1, B, width) with its plan, then the model's readout (`Linear.forward`), so streaming stays bit for
// bit equal to `predict`, without re-packing W_hh (H·G·H scalars) and W_ih at every sample.

/// The reusable resources of streaming a model at one batch size, made from the model's layers as they were
/// and readout weight as they were (the plan keeps them alive, so any change to them gives the model new storage, and
/// the plan no longer fits). One step at a time may use it: a step that finds it busy (the same state stepped on two
/// threads) builds its own.
final class StreamingPlan<Cell: RecurrentCell>: @unchecked Sendable {
    typealias Scalar = Cell.Scalar

    let batch: Int
    /// The model's layers the plan was made from: the very array storage, kept alive here. Changing any layer
    /// of a model (a weight in place, a new cell, …) writes to that array, which then copies itself (its storage
    /// is shared with the plan): the identity of the storage is the plan's version token, checked at every step
    /// without allocating.
    let layers: [RecurrentLayer<Cell>]
    /// Each layer's reusable inference plan, for one step over `batch` rows.
    let plans: [RecurrentLayer<Cell>.InferencePlan]
    /// The readout's weight the plan was made from (kept alive, so its storage identity is a version token as
    /// for `layers`) and that weight packed for the kernels.
    let readoutWeight: Tensor<Scalar>
    let readoutPacked: ScalarBuffer<Scalar>
    private let lock = TryLock()

    init(_ model: RecurrentModel<Cell>, batch: Int) {
        self.batch = batch
        layers = model.layers
        plans = layers.map { $0.inferencePlan(steps: 1, batch: batch) }
        readoutWeight = model.readout.weight
        readoutPacked = model.readout.packedWeight()
    }

    /// Whether the plan was made for this batch size from this model's very layers (the same storage, so the
    /// same values). Allocates nothing.
    func fits(_ model: RecurrentModel<Cell>, batch: Int) -> Bool {
        batch == self.batch && model.layers.sharesStorage(with: layers)
            && model.readout.weight.scalars.sharesStorage(with: readoutWeight.scalars)
    }

    /// Takes the plan for one step; false when another step is using it.
    func tryAcquire() -> Bool { lock.tryAcquire() }
    func release() { lock.release() }

    /// One step of every layer and the readout, as `RecurrentModel.step` on `RecurrentLayer.infer` computes it,
    /// or `nil` when the plan does not fit the model or the batch (see ``fits(_:batch:)``): build a new one then.
    /// Each layer's pass goes through the layer's own entry point, specialized there for the built-in cells.
    /// - Parameters:
    ///   - input: (B, I), checked by the caller.
    ///   - previous: each layer's state (B, S), checked by the layer's pass.
    func step(_ model: RecurrentModel<Cell>, _ input: Tensor<Scalar>, _ previous: [Tensor<Scalar>]) throws
        -> (output: Tensor<Scalar>, states: [Tensor<Scalar>])? {
        guard fits(model, batch: input.shape[0]) else { return nil }
        var states: [Tensor<Scalar>] = []
        states.reserveCapacity(layers.count)
        var x = Tensor(unchecked: [1, batch, input.shape[1]], scalars: input.scalars)  // (1, B, width) the current level's input
        for l in 0..<plans.count {  // (a plain range: this generic code is not specialized, `indices` would be a call)
            let (outputs, state) = try layers[l].infer(x, initialState: previous[l], reusing: plans[l])
            states.append(state)  // (B, S)
            x = outputs           // (1, B, O)
        }
        let top = Tensor(unchecked: [batch, x.shape[2]], scalars: x.scalars)  // (B, O)
        return (model.readout.forward(top, packed: readoutPacked), states)
    }
}

extension Array {
    /// Whether both arrays are views of the same storage (not merely equal elements).
    @inlinable
    func sharesStorage(with other: Array) -> Bool {
        withUnsafeBufferPointer { a in other.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }
}

