// A layer stepped one sample at a time (`infer` on a (1, B, I) input with the previous state: PyTorch's
// `nn.LSTMCell` loop) would pack W_hh and W_ih and allocate its buffers at every call, which at hidden 256
// costs several times the step itself. The layer keeps the plan of its last one-step pass and reuses it while
// the cell is the same value.

/// The ``RecurrentLayer/InferencePlan`` of a layer's last one-step inference pass, with what it was made from:
/// the cell's parameter tensors (kept alive here, so the identity of their storage is a version token: a weight
/// written in place copies its storage first, as this shares it) and the cell's ``RecurrentCell/descriptor`` (its
/// configuration). The plan is reused only while both are the same, so a cell changed in place, replaced, or
/// configured otherwise gets a new plan. (A custom cell whose ``RecurrentCell/prepareWorkspace(_:batch:)`` reads
/// anything besides its parameters and descriptor should not be stepped this way.) Shared by copies of the layer;
/// one pass uses it at a time (another finds it busy and makes its own plan).
@usableFromInline
final class OneStepPlanCache<Cell: RecurrentCell>: @unchecked Sendable {
    private var parameters: [Tensor<Cell.Scalar>] = []
    private var descriptor: [String: String] = [:]
    private var plan: RecurrentLayer<Cell>.InferencePlan?
    private let lock = TryLock()

    @usableFromInline
    init() {}

    /// `layer.infer(input, initialState:)` for a one-step input (1, B, I), with the cached plan when it was made
    /// for this batch size from this very cell value, else with a new one that is then kept.
    func infer(_ layer: RecurrentLayer<Cell>, _ input: Tensor<Cell.Scalar>, initialState: Tensor<Cell.Scalar>?) throws
        -> (outputs: Tensor<Cell.Scalar>, finalState: Tensor<Cell.Scalar>) {
        let batch = input.shape[1]
        guard lock.tryAcquire() else {  // in use by a pass on another thread
            return try layer.infer(input, initialState: initialState,
                                   reusing: layer.inferencePlan(steps: 1, batch: batch))
        }
        defer { lock.release() }
        let current: RecurrentLayer<Cell>.InferencePlan
        let parameters = layer.cell.parameters
        if let plan, plan.batch == batch, Self.sameStorage(parameters, self.parameters), layer.cell.descriptor == descriptor {
            current = plan
        } else {
            (self.parameters, plan) = ([], nil)  // release the old plan's buffers before making the new one
            current = layer.inferencePlan(steps: 1, batch: batch)
            (self.parameters, descriptor, plan) = (parameters, layer.cell.descriptor, current)
        }
        return try layer.infer(input, initialState: initialState, reusing: current)
    }

    /// Whether the two lists hold tensors with the very same storage, pairwise.
    static func sameStorage(_ a: [Tensor<Cell.Scalar>], _ b: [Tensor<Cell.Scalar>]) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where !a[i].scalars.sharesStorage(with: b[i].scalars) { return false }
        return true
    }
}

extension RecurrentLayer {
    /// The one-step inference pass through the layer's cached plan (see ``OneStepPlanCache``).
    @usableFromInline
    func inferOneStep(_ input: Tensor<Scalar>, initialState: Tensor<Scalar>?) throws
        -> (outputs: Tensor<Scalar>, finalState: Tensor<Scalar>) {
        try oneStepPlans.infer(self, input, initialState: initialState)
    }
}
