import CRecurrentKernels

// An inference pass prepares before its time loop: W_hh and W_ih packed for the kernels, the buffers of a chunk of
// input projections, the states and one step's cache. Repeated calls on the same layer (evaluating a model batch
// after batch, or stepping it one sample at a time as one would loop PyTorch's `nn.LSTMCell`, where this costs
// several times the step itself) would redo it at every call. The layer keeps the plan of its last pass and reuses
// it while the cell is the same value.

/// The ``RecurrentLayer/InferencePlan`` of a layer's last inference pass, with what it was made from: the storage of
/// the layer's cell (``RecurrentLayer/cellStorage``, kept alive here, so that any write to the cell copies it first:
/// its identity is a version token, checked without allocating), the thread count and the kernel level. The plan is
/// reused for a pass over the same batch size whose projection chunk fits in the plan's, while all of these are the
/// same, so a cell changed in place, replaced, or configured otherwise gets a new plan. (A custom cell that keeps
/// state in a class instance and changes it without a write to the cell should not rely on this.) Shared by copies
/// of the layer; one pass uses it at a time (another finds it busy and makes its own plan). Reusing it changes no
/// result: the chunking of the projection does not change any element's arithmetic.
@usableFromInline
final class InferencePlanCache<Cell: RecurrentCell>: @unchecked Sendable {
    @usableFromInline var cellStorage: [Cell] = []
    @usableFromInline var threads = 0, level: Int32 = -1
    @usableFromInline var plan: RecurrentLayer<Cell>.InferencePlan?
    @usableFromInline let lock = TryLock()

    @usableFromInline
    init() {}

    /// `layer.infer(input, initialState:, lengths:)` with the cached plan when it fits this pass and was made from
    /// this very cell value, else with a new one that is then kept. Inputs of the wrong shape go to the plain pass,
    /// which reports them, before anything is prepared. (Inlinable, so that it is specialized with the caller.)
    @inlinable
    func infer(_ layer: RecurrentLayer<Cell>, _ input: Tensor<Cell.Scalar>, initialState: Tensor<Cell.Scalar>?,
               lengths: [Int]?) throws -> (outputs: Tensor<Cell.Scalar>, finalState: Tensor<Cell.Scalar>) {
        guard input.rank == 3, input.shape[0] > 0, input.shape[1] > 0, input.shape[2] == layer.cell.inputSize else {
            return try layer.infer(input, initialState: initialState, lengths: lengths, reusing: nil)
        }
        let (steps, batch) = (input.shape[0], input.shape[1])
        let chunkSteps = layer.projectionChunkSteps(steps: steps, batch: batch, inference: true)
        guard lock.tryAcquire() else {  // in use by a pass on another thread
            return try layer.infer(input, initialState: initialState, lengths: lengths, reusing: nil)
        }
        defer { lock.release() }
        let current: RecurrentLayer<Cell>.InferencePlan
        let (threads, level) = (KernelSettings.threadCount, rnn_kernel_level())
        if let plan, plan.batch == batch, plan.chunkSteps >= chunkSteps, threads == self.threads, level == self.level,
           layer.cellStorage.sharesStorage(with: cellStorage) {
            current = plan
        } else {
            (cellStorage, plan) = ([], nil)  // release the old plan's buffers before making the new one
            current = layer.inferencePlan(steps: steps, batch: batch)
            (cellStorage, plan, self.threads, self.level) = (layer.cellStorage, current, threads, level)
        }
        return try layer.infer(input, initialState: initialState, lengths: lengths, reusing: current)
    }
}
