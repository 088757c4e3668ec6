// What an inference pass of ``RecurrentLayer`` makes before its time loop, as a value that a caller may keep
// and hand to later passes: streaming (`RecurrentModel.step`, one sample at a time) then runs the layer's own
// inference pass at every step without re-packing W_hh and W_ih or allocating scratch, bit for bit as a fresh
// `infer` would compute it.

extension RecurrentLayer {
    /// The buffers and preparation of an inference pass over `batch` rows: the cell's prepared workspaces (for the
    /// built-in cells W_hhᵀ packed for the kernels), W_ihᵀ packed when asked, the input projection of a chunk
    /// of steps, the two state halves and one step's cache.
    ///
    /// Made by ``inferencePlan(steps:batch:)`` from this layer's cell. A pass that is handed one
    /// (``infer(_:initialState:lengths:reusing:)``) overwrites its buffers, so a plan serves one pass at a time, and it
    /// holds what was prepared from the cell's parameters of the moment: the caller keeps it only while the
    /// cell is unchanged (`RecurrentModel.step` checks this through the storage of the model's layers).
    @usableFromInline
    struct InferencePlan {
        /// Rows B the plan was made for.
        @usableFromInline let batch: Int
        /// Steps per chunk of the input projection (the capacity of `projected`).
        @usableFromInline let chunkSteps: Int
        /// Row blocks, their prepared workspaces, W_ihᵀ packed.
        @usableFromInline let prepared: Preparation
        @usableFromInline let projected: ScalarBuffer<Scalar>  // (chunk, B, P)
        @usableFromInline let states: ScalarBuffer<Scalar>     // two (B, S) halves
        @usableFromInline let cache: ScalarBuffer<Scalar>      // (B, cacheSize), one step

        @usableFromInline
        init(batch: Int, chunkSteps: Int, prepared: Preparation, projected: ScalarBuffer<Scalar>, states: ScalarBuffer<Scalar>,
             cache: ScalarBuffer<Scalar>) {
            (self.batch, self.chunkSteps, self.prepared) = (batch, chunkSteps, prepared)
            (self.projected, self.states, self.cache) = (projected, states, cache)
        }
    }

    /// The plan of an inference pass of `steps` steps over `batch` rows. The projection is computed
    /// ``projectionChunkSteps(steps:batch:inference:)`` steps at a time from W_ihᵀ packed once (the packed
    /// product sets each tile to b_ih itself, where the unpacked one needs a pass writing b_ih into every row
    /// first: at hidden 512 that pass took a tenth of an inference; the results are the same). A plan serves
    /// passes of any length over `batch` rows.
    @inlinable
    func inferencePlan(steps: Int, batch: Int) -> InferencePlan {
        let (p, s, cw) = (cell.projectionSize, cell.stateSize, cell.cacheSize)
        let chunkSteps = projectionChunkSteps(steps: steps, batch: batch, inference: true)
        return InferencePlan(batch: batch, chunkSteps: chunkSteps,
                             prepared: preparation(batch: batch, packingInput: true),
                             projected: ScalarBuffer(count: chunkSteps * batch * p, zeroed: false),
                             states: ScalarBuffer(zeros: 2 * batch * s),
                             cache: ScalarBuffer(zeros: batch * cw))
    }

    /// ``infer(_:initialState:lengths:)`` with the buffers and preparation of `plan` (made from this layer's
    /// current cell, and used by no other pass meanwhile) instead of its own: the same outputs and final state,
    /// bit for bit, without the per-pass packing and allocations. Without a plan, or with one made for another
    /// batch size, the pass makes its own.
    @inlinable
    func infer(_ input: Tensor<Scalar>, initialState: Tensor<Scalar>?, lengths: [Int]? = nil, reusing plan: InferencePlan?) throws
        -> (outputs: Tensor<Scalar>, finalState: Tensor<Scalar>) {
        var unused: [Tensor<Scalar>] = []
        guard case let .infer(outputs, finalState) = try run(.infer(input, initialState, lengths, plan), gradients: &unused) else {
            preconditionFailure("an inference job returns outputs")
        }
        return (outputs, finalState)
    }
}
