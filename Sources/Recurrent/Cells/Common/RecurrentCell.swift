/// One step of a recurrent network, with its hand-written backward step beside it.
///
/// A cell does not loop over time: ``RecurrentLayer`` runs any cell over a sequence.
/// The contract between them is deliberately low level, in the style of llm.c, so that
/// the time loop allocates nothing:
///
/// - Before the loop the layer computes the input projection for **all** steps in one
///   matrix product, `projected = X·W_ihᵀ + b_ih`, of shape (T, B, P) with
///   P = ``projectionSize``. ``parameters``[0] is `W_ih` (P, I) and ``parameters``[1] is `b_ih` (P).
/// - The state is a row per sequence of width S = ``stateSize``. The step's output is
///   always the first O = ``outputSize`` columns of the new state (LSTM: state `[h, c]`,
///   output `h`; SCRN: state and output `[h, s]`).
/// - ``forwardStep(projected:previous:next:cache:batch:workspace:)`` writes the new state and
///   whatever the backward step needs into `cache` (B, ``cacheSize``).
/// - ``backwardStep(dNext:projected:previous:next:cache:dPrevious:dProjected:dRecurrent:batch:workspace:)``
///   turns the gradient of the loss with respect to the new state into gradients for the
///   previous state and the projection, and keeps in `dRecurrent` (B, ``recurrentGradientSize``)
///   what the recurrent weight gradients need.
/// - Each time the reverse loop completes a block of steps (a few thousand rows),
///   ``accumulateRecurrentGradients(_:dProjected:dRecurrent:states:cache:steps:batch:)`` adds that block's
///   recurrent parameter gradients with a few large matrix products instead of one small one per step;
///   `states` and `cache` then point at the block's first step.
///
/// Rows of a batch never interact inside a cell; the layer relies on this for variable-length batches.
public protocol RecurrentCell<Scalar>: Sendable {
    /// The floating-point type of the parameters and the computation.
    associatedtype Scalar: RecurrentScalar

    /// Width I of one input vector.
    var inputSize: Int { get }
    /// Width S of the carried state.
    var stateSize: Int { get }
    /// Width O ≤ S of the per-step output (the first O state columns).
    var outputSize: Int { get }
    /// Width P of the input projection `W_ih·x + b_ih`.
    var projectionSize: Int { get }
    /// Scalars per sequence row cached by the forward step for the backward step.
    var cacheSize: Int { get }
    /// Width of the per-step gradient kept for the recurrent weight gradients (0: the cell uses `dProjected`).
    var recurrentGradientSize: Int { get }
    /// Scratch scalars the steps need for a batch of `batch` rows.
    func workspaceSize(batch: Int) -> Int
    /// Fills the workspace with whatever the forward steps of a pass share, for example a weight
    /// laid out once for the matrix kernels instead of at every step. ``RecurrentLayer`` calls it once
    /// before the first ``forwardStep(projected:previous:next:cache:batch:workspace:)`` of a pass;
    /// a direct caller of the forward step must do the same. The default does nothing.
    func prepareWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int)
    /// Fills the workspace with whatever the backward steps of a pass share (for example a weight laid out
    /// for the backward product). ``RecurrentLayer`` calls it once before the first backward step of a pass,
    /// on a workspace of `workspaceSize(batch:)` scalars of its own. The default does nothing.
    func prepareBackwardWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int)
    /// Whether ``backwardStep(dNext:projected:previous:next:cache:dPrevious:dProjected:dRecurrent:batch:workspace:)``
    /// reads its `projected` argument. When `false`, the layer computes the input projection a few
    /// steps at a time into a small buffer that stays in cache, keeps no projection for the backward
    /// pass (its `projected` argument then points at unspecified values), and does not zero the cache
    /// (the forward step must then write every cache scalar). Default `true`; the built-in cells say `false`.
    var backwardReadsProjection: Bool { get }
    /// Whether a step's rows are independent of each other: the forward and backward steps for a block of
    /// `batch` rows read and write only those rows of their row-pitched arguments and a workspace of
    /// `workspaceSize(batch:)` scalars prepared for that many rows. When `true`, ``RecurrentLayer`` may run
    /// blocks of rows on different threads, each with its own workspace, for the whole time loop; results are
    /// bit-identical either way. Default `false`; the built-in cells say `true`.
    var rowsAreIndependent: Bool { get }

    /// The value type of the cell's trainable tensors, by name; the gradients are a value of the same type.
    associatedtype Parameters: CellParameters<Scalar>
    /// The trainable tensors by name. Setting it replaces them unchecked (shapes must stay); use
    /// ``setParameters(_:)`` for a throwing check.
    var namedParameters: Parameters { get set }
    /// Trainable tensors, the flat view of ``namedParameters`` that optimizers see; [0] is `W_ih` (P, I), [1] is
    /// `b_ih` (P). The default derives it from ``CellParameters/fields``.
    var parameters: [Tensor<Scalar>] { get }
    /// Names of ``parameters``, PyTorch-style where PyTorch has the same tensor.
    var parameterNames: [String] { get }
    /// What a saved file records about the cell: `cell` (its kind) and its sizes and options.
    var descriptor: [String: String] { get }
    /// Replaces all parameters from the flat view.
    /// - Throws: on a count or shape mismatch, or a NaN or infinity, naming the parameter (and the first bad index).
    mutating func setParameters(_ newValue: [Tensor<Scalar>]) throws

    /// One forward step for `batch` rows.
    /// - Parameters:
    ///   - projected: (B, P) input projection of this step, `W_ih·x_t + b_ih`.
    ///   - previous: (B, S) state at t − 1.
    ///   - next: (B, S) state at t, written.
    ///   - cache: (B, cacheSize) written for the backward step.
    ///   - batch: B, the number of rows (sequences) of this step.
    ///   - workspace: scratch of `workspaceSize(batch:)` scalars, prepared once per pass by ``prepareWorkspace(_:batch:)``.
    func forwardStep(
        projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, workspace: UnsafeMutablePointer<Scalar>)

    /// One backward step for `batch` rows, the exact adjoint of ``forwardStep(projected:previous:next:cache:batch:workspace:)``.
    /// - Parameters:
    ///   - dNext: (B, S) ∂L/∂state_t, from the future and from this step's output.
    ///   - projected: (B, P) the forward step's input projection; unspecified values when
    ///     ``backwardReadsProjection`` is `false`.
    ///   - previous: (B, S) state at t − 1, as the forward step read it.
    ///   - next: (B, S) state at t, as the forward step wrote it.
    ///   - cache: (B, cacheSize) as the forward step wrote it.
    ///   - dPrevious: (B, S) ∂L/∂state_{t−1} through this step, overwritten.
    ///   - dProjected: (B, P) ∂L/∂projected_t, overwritten.
    ///   - dRecurrent: (B, recurrentGradientSize), overwritten.
    ///   - batch: B, the number of rows (sequences) of this step.
    ///   - workspace: scratch of `workspaceSize(batch:)` scalars, prepared once per backward pass by
    ///     ``prepareBackwardWorkspace(_:batch:)`` (not by ``prepareWorkspace(_:batch:)``).
    func backwardStep(
        dNext: UnsafePointer<Scalar>,
        projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        dPrevious: UnsafeMutablePointer<Scalar>, dProjected: UnsafeMutablePointer<Scalar>,
        dRecurrent: UnsafeMutablePointer<Scalar>,
        batch: Int, workspace: UnsafeMutablePointer<Scalar>)

    /// Adds (`+=`) the gradients of every parameter except `W_ih` and `b_ih` (which the layer handles), for a
    /// block of `steps` consecutive time steps t₀ ..< t₀ + steps (the whole sequence, or one block of it).
    /// `gradients.weightIH` is an empty placeholder during the call (the layer may be adding rows of dW_ih on
    /// another thread meanwhile), and `b_ih`'s gradient is not to be touched.
    /// - Parameters:
    ///   - gradients: the gradients by name, shaped like ``namedParameters``.
    ///   - dProjected: (steps, B, P) from the block's backward steps.
    ///   - dRecurrent: (steps, B, recurrentGradientSize) from the block's backward steps.
    ///   - states: the states from t₀ on, (steps + 1, B, S): states[0] is the state before step t₀.
    ///   - cache: the block's cache, (steps, B, cacheSize).
    ///   - steps: the number of time steps in the block.
    ///   - batch: B, the number of rows (sequences) per step.
    func accumulateRecurrentGradients(
        _ gradients: inout Parameters,
        dProjected: UnsafePointer<Scalar>, dRecurrent: UnsafePointer<Scalar>,
        states: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        steps: Int, batch: Int)
}

extension RecurrentCell {
    /// Does nothing: the workspace is plain scratch.
    @inlinable
    public func prepareWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {}

    /// Does nothing: the backward steps use the workspace as plain scratch.
    @inlinable
    public func prepareBackwardWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {}

    /// `true`: the layer keeps the projection of every step for the backward pass.
    @inlinable
    public var backwardReadsProjection: Bool { true }

    /// `false`: the layer runs the time loop for all rows on one thread (its matrix products may still use more).
    @inlinable
    public var rowsAreIndependent: Bool { false }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The flat view of ``namedParameters``, in the order of its fields.
    public var parameters: [Tensor<Scalar>] { namedParameters.tensors }

    /// The names of ``parameters``.
    public var parameterNames: [String] { namedParameters.names }

    /// The names of the recurrent matrices (those multiplying the previous state), e.g. `["weight_hh"]`.
    public var recurrentWeightNames: [String] { namedParameters.recurrentWeightNames }

    /// Replaces all parameters from the flat view.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` on a count mismatch,
    ///   ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the tensor, or
    ///   ``RecurrentError/nonFinite(what:index:)`` naming the tensor and the first NaN or infinity; the cell is
    ///   unchanged on error.
    public mutating func setParameters(_ newValue: [Tensor<Scalar>]) throws {
        var named = namedParameters
        try named.replaceTensors(with: newValue, owner: "\(Self.self).setParameters".replacingGenericArguments())
        namedParameters = named
    }

    /// Zero tensors shaped like ``parameters``: the starting point for accumulated gradients.
    public func zeroGradients() -> [Tensor<Scalar>] {
        parameters.map { Tensor(unchecked: $0.shape, scalars: Array(repeating: 0, count: $0.count)) }
    }
}

extension String {
    /// `LSTMCell<Float>.setParameters` → `LSTMCell.setParameters`: cell names in messages without the scalar.
    func replacingGenericArguments() -> String {
        var result = "", depth = 0
        for character in self {
            if character == "<" { depth += 1 } else if character == ">" { depth -= 1 } else if depth == 0 { result.append(character) }
        }
        return result
    }
}

extension Array {
    /// Sets every gradient tensor to zero (gradients accumulate with `+=` until zeroed).
    @inlinable
    public mutating func zeroAll<S: RecurrentScalar>() where Element == Tensor<S> {
        for index in indices { self[index].zero() }
    }
}
