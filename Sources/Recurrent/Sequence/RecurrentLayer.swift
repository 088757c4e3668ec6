/// Runs any ``RecurrentCell`` over a sequence and back: the one generic time loop of the library.
///
/// Forward, for an input X of shape (T, B, I) and an initial state of shape (B, S):
///
///     projected = X·W_ihᵀ + b_ih                      one matrix product for all steps, (T, B, P)
///     for t in 0..<T: state_t = cell(projected_t, state_{t−1})
///     output_t = state_t[:, 0..<O]
///
/// Backward is backpropagation through time, a visible reverse loop over the same steps. It returns
/// the gradients of the input sequence and the initial state, and **adds** (`+=`) the parameter
/// gradients into a caller-owned list, so several backward passes accumulate until the caller zeroes
/// them (``Swift/Array/zeroAll()`` or ``RecurrentCell/zeroGradients()``).
///
/// Variable-length batches: with `lengths`, row b runs for `lengths[b]` steps; after that its state stops
/// changing, its outputs are zero, and no gradient flows through the padded steps.
///
/// ```swift
/// let layer = RecurrentLayer(cell: try LSTMCell<Double>(inputSize: 3, hiddenSize: 8, seed: 1))
/// let x = try Tensor<Double>(shape: [5, 2, 3], repeating: 0.5)
/// let pass = try layer.forward(x)                          // omitted state = zeros
/// var gradients = layer.cell.zeroGradients()
/// let dOut = try Tensor<Double>(shape: pass.outputs.shape, repeating: 1)
/// let (dx, dState0) = try layer.backward(pass, outputGradient: dOut, into: &gradients)
/// ```
public struct RecurrentLayer<Cell: RecurrentCell>: Sendable {
    /// The cell's scalar type.
    public typealias Scalar = Cell.Scalar
    /// The cell applied at every step; its parameters are the layer's parameters.
    public var cell: Cell {
        @inlinable _read { yield cellStorage[0] }
        @inlinable set { cellStorage[0] = newValue }
        @inlinable _modify { yield &cellStorage[0] }
    }

    /// The cell, in a one-element array whose storage identity is the version token of the kept inference plan:
    /// the plan holds on to the storage it was made from, so any write to the cell (a new cell, a weight changed
    /// in place) copies it first, and the plan no longer matches.
    @usableFromInline var cellStorage: [Cell]

    /// The plan of the last ``infer(_:initialState:lengths:)``, reused while the cell is unchanged.
    @usableFromInline let inferencePlans = InferencePlanCache<Cell>()

    /// Wraps a cell.
    public init(cell: Cell) { cellStorage = [cell] }

    /// A zero state of shape (batch, S) — what an omitted initial state means.
    public func zeroState(batch: Int) throws -> Tensor<Scalar> {
        try requirePositive(batch, "zeroState batch")
        return try Tensor.zeros([batch, cell.stateSize])
    }

    /// Everything the forward pass produced, including exactly what the backward pass needs.
    public struct Pass: Sendable {
        /// (T, B, O) the output of every step (zero at padded steps): the first O columns of each cached state.
        ///
        /// Computed from the BPTT cache on each access, so that a pass keeps each state once (a copy of T·B·O
        /// scalars per access: keep the tensor when it is needed twice; the sequence-to-one path of a model
        /// never reads it).
        public var outputs: Tensor<Scalar> {
            let (steps, batch) = (self.steps, self.batch)
            let (s, o) = (finalState.shape[1], outputWidth)
            // Zeros (padded steps stay zero), then raw copies: this getter runs unspecialized from generic
            // callers, where a typed copy costs a value-witness call per element.
            var scalars = Tensor<Scalar>.zeroedScalars(count: steps * batch * o)
            scalars.withUnsafeMutableBufferPointer { out in
                guard let op = out.baseAddress else { return }
                let sp = states.base
                for t in 0..<steps {
                    for b in 0..<batch {
                        if let lengths, t >= lengths[b] { continue }
                        UnsafeMutableRawPointer(op + (t * batch + b) * o)
                            .copyMemory(from: sp + ((t + 1) * batch + b) * s, byteCount: o * MemoryLayout<Scalar>.stride)
                    }
                }
            }
            return Tensor(unchecked: [steps, batch, o], scalars: scalars)
        }
        /// Width O of one step's output.
        @usableFromInline let outputWidth: Int
        /// (B, S) the state after each row's last step.
        public let finalState: Tensor<Scalar>
        /// Per-row lengths, if the batch is ragged.
        public let lengths: [Int]?
        @usableFromInline let input: Tensor<Scalar>      // (T, B, I)
        @usableFromInline let projected: ScalarBuffer<Scalar>  // (T, B, P), or one chunk of steps (see projectedSteps)
        @usableFromInline let states: ScalarBuffer<Scalar>     // (T + 1, B, S), states[0] = initial
        @usableFromInline let cache: ScalarBuffer<Scalar>      // (T, B, cacheSize)
        /// Steps held in `projected`: T, or fewer when the cell's backward step does not read the projection.
        @usableFromInline let projectedSteps: Int
        /// Number of steps T.
        public var steps: Int { input.shape[0] }
        /// Batch size B.
        public var batch: Int { input.shape[1] }

        @usableFromInline
        init(outputWidth: Int, finalState: Tensor<Scalar>, lengths: [Int]?, input: Tensor<Scalar>,
             projected: ScalarBuffer<Scalar>, projectedSteps: Int, states: ScalarBuffer<Scalar>, cache: ScalarBuffer<Scalar>) {
            self.outputWidth = outputWidth
            self.finalState = finalState
            self.lengths = lengths
            self.input = input
            self.projected = projected
            self.projectedSteps = projectedSteps
            self.states = states
            self.cache = cache
        }

        /// The state after step t (0-based) for every row, (B, S).
        public func state(afterStep t: Int) -> Tensor<Scalar> {
            let width = finalState.shape[1], size = batch * width
            let start = (t + 1) * size
            return Tensor(unchecked: [batch, width], scalars: states.array(start..<start + size))
        }
    }

    // Performance: every pass goes through `run(_:gradients:)` (RecurrentLayer+Specialization.swift), whose
    // one `@_specialize` list dispatches generic callers to code specialized for the built-in cells; a caller
    // that knows its concrete cell type inlines these `@inlinable` entry points and specializes them itself.
    // Inside the loop nothing is allocated: every buffer is created before it, and the per-element work
    // goes to the fused gate kernels of `RecurrentScalar` (C for Float and Double).

    /// Runs the cell over the sequence, caching what ``backward(_:outputGradient:finalStateGradient:into:)`` needs.
    /// - Parameters:
    ///   - input: (T, B, I) with T ≥ 1, B ≥ 1, finite values.
    ///   - initialState: (B, S); `nil` means zeros (exactly the same as passing zeros).
    ///   - lengths: optional per-row lengths in 0...T for a ragged batch.
    /// - Returns: the outputs, the final state, and the cache.
    /// - Throws: ``RecurrentError`` for a wrong shape, an empty sequence, non-finite values or bad lengths.
    /// - Complexity: O(T·B·P·(I + H)) time; O(T·B·(S + cacheSize)) memory kept for the backward pass, plus
    ///   O(T·B·P) for the projections of cells whose backward step reads them (``RecurrentCell/backwardReadsProjection``).
    @inlinable
    public func forward(_ input: Tensor<Scalar>, initialState: Tensor<Scalar>? = nil, lengths: [Int]? = nil) throws -> Pass {
        var unused: [Tensor<Scalar>] = []
        guard case .forward(let pass) = try run(.forward(input, initialState, lengths), gradients: &unused) else {
            preconditionFailure("a forward job returns a pass")
        }
        return pass
    }

    /// The forward pass itself (reached through `run`).
    @inlinable
    func forwardPass(_ input: Tensor<Scalar>, initialState: Tensor<Scalar>?, lengths: [Int]?) throws -> Pass {
        let (steps, batch) = try validate(input, initialState, lengths)
        let (p, s, o, cw) = (cell.projectionSize, cell.stateSize, cell.outputSize, cell.cacheSize)
        let rows = steps * batch
        // The input projection of every step, or (when the backward step does not need it) of a chunk
        // of steps at a time, computed just before use so that it is still in cache.
        let chunkSteps = cell.backwardReadsProjection ? steps : projectionChunkSteps(steps: steps, batch: batch, inference: false)
        let projected = ScalarBuffer<Scalar>(count: chunkSteps * batch * p, zeroed: false)  // (chunk, B, P)
        let states = ScalarBuffer<Scalar>(count: (steps + 1) * batch * s, zeroed: false)    // (T + 1, B, S)
        // Built-in cells (backwardReadsProjection == false) write every cache scalar; others get zeros.
        let cache = ScalarBuffer<Scalar>(count: rows * cw, zeroed: cell.backwardReadsProjection)  // (T, B, C)
        // The outputs are not stored: `Pass.outputs` reads them from the states when asked.
        let (pr, sp, cp) = (projected.base, states.base, cache.base)
        if let initialState {
            initialState.withPointer { sp.update(from: $0, count: batch * s) }
        } else {
            sp.update(repeating: 0, count: batch * s)
        }
        let prepared = preparation(batch: batch, packingInput: steps > chunkSteps)  // W_ih packed once for several chunks
        forEachStep(input, batch: batch, chunkSteps: chunkSteps, projected: pr, prepared: prepared) { t, projectedStep, rows, workspace in
            let (b0, nb) = (rows.lowerBound, rows.count)
            let previous = sp + (t * batch + b0) * s, next = sp + ((t + 1) * batch + b0) * s
            cell.forwardStep(projected: projectedStep, previous: previous, next: next,
                             cache: cp + (t * batch + b0) * cw, batch: nb, workspace: workspace)
            storeOutputs(step: t, next: next, previous: previous, output: nil, firstRow: b0, rows: nb, lengths: lengths)
        }
        let finalState = states.array(steps * batch * s..<(steps + 1) * batch * s)
        return Pass(outputWidth: o,
                    finalState: Tensor(unchecked: [batch, s], scalars: finalState),
                    lengths: lengths, input: input, projected: projected, projectedSteps: chunkSteps, states: states,
                    cache: cache)
    }

    /// Runs the cell over the sequence without keeping anything for a backward pass: inference and evaluation.
    ///
    /// The outputs and final state are bit-identical to those of ``forward(_:initialState:lengths:)``, but the
    /// memory beyond the outputs is O(B·(S + cacheSize)) instead of O(T·B·(S + cacheSize)): one step's cache and
    /// two states, reused at every step, and the input projection a few steps at a time.
    ///
    /// The layer keeps what it prepared for its last call — W_hh and W_ih packed for the kernels, the buffers of a
    /// chunk of input projections and of the state — with the cell it was made from (so, once the weights change,
    /// the old weights too until the next call): about twice the weights plus up to a few MiB. The next call over
    /// the same batch size reuses it while the cell is unchanged; changing a weight, or the cell, makes the next
    /// call prepare again. Copies of the layer share it. This matters most when stepping one sample at a time (a
    /// (1, B, I) input and the previous state, as one would loop PyTorch's `nn.LSTMCell`), where preparing costs
    /// several times the step itself.
    ///
    /// ```swift
    /// let layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: 3, hiddenSize: 16, seed: 1))
    /// var state = try layer.zeroState(batch: 1)
    /// for _ in 0..<5 {
    ///     let x = try Tensor<Float>(shape: [1, 1, 3], repeating: 0.5)   // one sample: (1 step, B = 1, I)
    ///     state = try layer.infer(x, initialState: state).finalState
    /// }
    /// ```
    /// - Parameters: as for ``forward(_:initialState:lengths:)``.
    /// - Returns: the outputs (T, B, O), zero at padded steps, and the state after each row's last step (B, S).
    /// - Throws: ``RecurrentError`` for a wrong shape, an empty sequence, non-finite values or bad lengths.
    @inlinable
    public func infer(_ input: Tensor<Scalar>, initialState: Tensor<Scalar>? = nil, lengths: [Int]? = nil) throws
        -> (outputs: Tensor<Scalar>, finalState: Tensor<Scalar>) {
        try inferencePlans.infer(self, input, initialState: initialState, lengths: lengths)
    }

    /// The inference pass itself (reached through `run`), with the buffers and preparation of `reused` when
    /// it was made for this batch size (see ``InferencePlan``), else of a plan of its own.
    @inlinable
    func inferencePass(_ input: Tensor<Scalar>, initialState: Tensor<Scalar>?, lengths: [Int]?, reusing reused: InferencePlan?) throws
        -> (outputs: Tensor<Scalar>, finalState: Tensor<Scalar>) {
        let (steps, batch) = try validate(input, initialState, lengths)
        let (s, o, cw) = (cell.stateSize, cell.outputSize, cell.cacheSize)
        let plan = reused.flatMap { $0.batch == batch ? $0 : nil } ?? inferencePlan(steps: steps, batch: batch)
        // Without lengths every output is written by the time loop; with them, padded steps stay zero.
        let count = steps * batch * o
        var outputs = lengths == nil && _isPOD(Scalar.self)
            ? [Scalar](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
            : [Scalar](repeating: 0, count: count)
        let (pr, cp, half) = (plan.projected.base, plan.cache.base, batch * s)
        // Step t reads half t % 2 and writes the other one.
        let sp = plan.states.base
        if let initialState {
            initialState.withPointer { sp.update(from: $0, count: half) }
        } else {
            sp.update(repeating: 0, count: half)
        }
        outputs.withUnsafeMutableBufferPointer { out in
            let op = out.baseAddress!
            forEachStep(input, batch: batch, chunkSteps: plan.chunkSteps, projected: pr, prepared: plan.prepared) {
                t, projectedStep, rows, workspace in
                let (b0, nb) = (rows.lowerBound, rows.count)
                let previous = sp + (t % 2) * half + b0 * s, next = sp + ((t + 1) % 2) * half + b0 * s
                cell.forwardStep(projected: projectedStep, previous: previous, next: next,
                                 cache: cp + b0 * cw, batch: nb, workspace: workspace)
                storeOutputs(step: t, next: next, previous: previous, output: op + (t * batch + b0) * o,
                             firstRow: b0, rows: nb, lengths: lengths)
            }
        }
        let last = sp + (steps % 2) * half
        let finalState = Array(UnsafeBufferPointer(start: last, count: half))
        return (Tensor(unchecked: [steps, batch, o], scalars: outputs), Tensor(unchecked: [batch, s], scalars: finalState))
    }

    /// Backpropagation through time over a cached forward pass.
    /// - Parameters:
    ///   - pass: the result of ``forward(_:initialState:lengths:)`` with the **current** parameters.
    ///   - outputGradient: ∂L/∂outputs, (T, B, O); `nil` means zeros.
    ///   - finalStateGradient: ∂L/∂finalState, (B, S); `nil` means zeros.
    ///   - gradients: parameter gradients in the order of ``RecurrentCell/parameters``; this pass's gradients are added.
    /// - Returns: ∂L/∂input (T, B, I) and ∂L/∂initialState (B, S).
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` for mismatched gradients.
    @inlinable
    public func backward(
        _ pass: Pass, outputGradient: Tensor<Scalar>? = nil, finalStateGradient: Tensor<Scalar>? = nil,
        into gradients: inout [Tensor<Scalar>]
    ) throws -> (input: Tensor<Scalar>, initialState: Tensor<Scalar>) {
        try backward(pass, outputGradient: outputGradient, finalStateGradient: finalStateGradient, into: &gradients,
                     stateGradientNorms: nil)
    }

    /// ``backward(_:outputGradient:finalStateGradient:into:)`` that also records the gradient flow through time:
    /// `norms[t] = ‖∂L/∂h_t‖`, the Euclidean norm over the batch of the loss gradient reaching the output part
    /// (the first O state columns: `h`) of step t's state — this step's output gradient plus everything that
    /// flows back from later steps. The ratio `norms[t] / norms[T − 1]` shows vanishing (→ 0) or exploding
    /// (→ ∞) gradients on the user's own model and data.
    /// - Parameters:
    ///   - pass: the result of ``forward(_:initialState:lengths:)`` with the current parameters.
    ///   - outputGradient: ∂L/∂outputs, (T, B, O); `nil` means zeros.
    ///   - finalStateGradient: ∂L/∂finalState, (B, S); `nil` means zeros.
    ///   - gradients: parameter gradients, accumulated with `+=` as in the plain backward pass.
    ///   - norms: replaced by T norms, one per step.
    /// - Returns: ∂L/∂input and ∂L/∂initialState, bit-identical to the plain backward pass.
    public func backward(
        _ pass: Pass, outputGradient: Tensor<Scalar>? = nil, finalStateGradient: Tensor<Scalar>? = nil,
        into gradients: inout [Tensor<Scalar>], recordingGradientFlow norms: inout [Double]
    ) throws -> (input: Tensor<Scalar>, initialState: Tensor<Scalar>) {
        var record = [Double](repeating: 0, count: pass.steps)
        let result = try record.withUnsafeMutableBufferPointer { buffer in
            try backward(pass, outputGradient: outputGradient, finalStateGradient: finalStateGradient, into: &gradients,
                         stateGradientNorms: buffer.baseAddress)
        }
        norms = record
        return result
    }

    /// ``backward(_:outputGradient:finalStateGradient:into:)`` for an input that needs no gradient (PyTorch's
    /// `requires_grad=False`, e.g. the data fed to a first layer): the parameter gradients and ∂L/∂initialState
    /// are the same, bit for bit, but ∂L/∂input — a product with W_ih and a (T, B, I) tensor — is not computed.
    ///
    /// ```swift
    /// let pass = try layer.forward(x)
    /// var gradients = layer.cell.zeroGradients()
    /// let dh0 = try layer.backwardWithoutInputGradient(pass, finalStateGradient: dFinal, into: &gradients)
    /// ```
    /// - Parameters: as for ``backward(_:outputGradient:finalStateGradient:into:)``.
    /// - Returns: ∂L/∂initialState (B, S).
    /// - Throws: as ``backward(_:outputGradient:finalStateGradient:into:)``.
    @inlinable
    public func backwardWithoutInputGradient(
        _ pass: Pass, outputGradient: Tensor<Scalar>? = nil, finalStateGradient: Tensor<Scalar>? = nil,
        into gradients: inout [Tensor<Scalar>]
    ) throws -> Tensor<Scalar> {
        try backward(pass, outputGradient: outputGradient, finalStateGradient: finalStateGradient, into: &gradients,
                     stateGradientNorms: nil, inputGradient: false).initialState
    }

    /// The backward entry of the public variants (through `run`).
    @inlinable
    func backward(
        _ pass: Pass, outputGradient: Tensor<Scalar>?, finalStateGradient: Tensor<Scalar>?,
        into gradients: inout [Tensor<Scalar>], stateGradientNorms: UnsafeMutablePointer<Double>?,
        inputGradient: Bool = true
    ) throws -> (input: Tensor<Scalar>, initialState: Tensor<Scalar>) {
        let job = Job.backward(pass, outputGradient, finalStateGradient, stateGradientNorms, inputGradient: inputGradient)
        guard case let .backward(dInput, dInitial) = try run(job, gradients: &gradients) else {
            preconditionFailure("a backward job returns gradients")
        }
        return (dInput, dInitial)
    }

    /// The reverse loop; `stateGradientNorms`, when given, receives T norms (a nil check per step when not).
    @inlinable
    func backwardPass(
        _ pass: Pass, outputGradient: Tensor<Scalar>?, finalStateGradient: Tensor<Scalar>?,
        into gradients: inout [Tensor<Scalar>], stateGradientNorms: UnsafeMutablePointer<Double>?,
        inputGradient: Bool
    ) throws -> (input: Tensor<Scalar>, initialState: Tensor<Scalar>) {
        try validateBackward(pass, outputGradient, finalStateGradient, gradients)
        let (steps, batch) = (pass.steps, pass.batch)
        let (i, p, s, o, cw, q) = (cell.inputSize, cell.projectionSize, cell.stateSize, cell.outputSize,
                                   cell.cacheSize, cell.recurrentGradientSize)
        let rows = steps * batch
        // Two (B, S) halves that take turns as ∂L/∂state_t (dNext) and ∂L/∂state_{t−1} (dPrevious).
        let stateGradients = ScalarBuffer<Scalar>(zeros: 2 * batch * s)
        if let finalStateGradient {
            finalStateGradient.withPointer { stateGradients.base.update(from: $0, count: batch * s) }
        }
        // Both are overwritten by every backward step before they are read.
        // The per-step gradients are kept for a block of steps only: when the reverse loop reaches the block's
        // first step, the weight gradients of the whole block are added with a few large products, and the
        // buffers are reused for the next block. Peak memory then holds the BPTT cache, not a second copy of it.
        let chunk = gradientChunkSteps(steps: steps, batch: batch)
        // The gradient-flow record sums over the whole batch at every step, so it keeps the rows together.
        let blocks = stateGradientNorms == nil ? rowBlockCount(batch: batch) : 1
        // On two threads with the rows together, block j's reverse steps run on one thread while the other adds
        // block j + 1's weight gradients (two buffers take turns); see `overlapsParameterGradients`.
        let overlapped = LayoutTuning.overlapsParameterGradients && blocks == 1 && steps > chunk
            && KernelSettings.threadCount == 2
        let buffers = overlapped ? 2 : 1
        let dProjectedBuffer = ScalarBuffer<Scalar>(count: buffers * chunk * batch * p, zeroed: false)  // (chunk, B, P) each
        let dRecurrentBuffer = ScalarBuffer<Scalar>(count: buffers * chunk * batch * q, zeroed: false)  // (chunk, B, Q) each
        var dInput = [Scalar](repeating: 0, count: inputGradient ? rows * i : 0)              // (T, B, I) or none
        let weightIH = cell.namedParameters.weightIH
        // The caller's flat gradients become the cell's named value for the pass (tensors swapped, not copied),
        // and go back when it ends.
        var named = cell.namedParameters
        named.swapTensors(with: &gradients)
        defer { named.swapTensors(with: &gradients) }
        let workspaces = blockWorkspaces(blocks: blocks, batch: batch)
        for block in 0..<blocks {
            cell.prepareBackwardWorkspace(workspaces.base + block * workspaces.stride,
                                          batch: rowBlock(block, of: blocks, batch: batch).count)
        }
        let (pr, sp, cp) = (pass.projected.base, pass.states.base, pass.cache.base)
        let lengths = pass.lengths
        // The k-th backward step (k = T − 1 − t) reads ∂L/∂state_t from half k % 2 and writes ∂L/∂state_{t−1}
        // into the other one.
        let (sg, half) = (stateGradients.base, batch * s)
        let dOut = outputGradient?.scalars ?? []
        // dW_ih is taken out of `named` for the loop, so that the thread adding a block's recurrent gradients
        // (through `named`) and one adding rows of dW_ih (through this pointer) never access the same variable.
        var inputWeightGradient = Tensor<Scalar>(unchecked: [0], scalars: [])
        swap(&inputWeightGradient, &named.weightIH)
        defer { swap(&inputWeightGradient, &named.weightIH) }
        inputWeightGradient.withMutablePointer { dWih in
            dOut.withUnsafeBufferPointer { dOutBuffer in
                dInput.withUnsafeMutableBufferPointer { dInputBuffer in
                    /// Per-step gradient buffer `buffer` (0 or 1): dProjected (chunk, B, P) and dRecurrent (chunk, B, Q).
                    func gradientBuffer(_ buffer: Int) -> (dp: UnsafeMutablePointer<Scalar>, dr: UnsafeMutablePointer<Scalar>) {
                        (dProjectedBuffer.base + buffer * chunk * batch * p, dRecurrentBuffer.base + buffer * chunk * batch * q)
                    }
                    /// Reverse steps `first ..< end` (one block), their per-step gradients into buffer `buffer`.
                    func reverseSteps(_ first: Int, _ end: Int, buffer: Int) {
                        let (dp, dr) = gradientBuffer(buffer)
                        runInParallel(parts: blocks) { block in
                            let rows = rowBlock(block, of: blocks, batch: batch), (b0, nb) = (rows.lowerBound, rows.count)
                            let workspace = workspaces.base + block * workspaces.stride
                            for t in (first..<end).reversed() {
                                let k = steps - 1 - t
                                let dNext = sg + (k % 2) * half + b0 * s, dPrev = sg + ((k + 1) % 2) * half + b0 * s
                                if outputGradient != nil, let dOutBase = dOutBuffer.baseAddress {
                                    for b in 0..<nb {
                                        if let lengths, t >= lengths[b0 + b] { continue }
                                        let src = dOutBase + (t * batch + b0 + b) * o, dst = dNext + b * s
                                        for j in 0..<o { dst[j] += src[j] }
                                    }
                                }
                                if let stateGradientNorms {  // blocks == 1 here: all rows
                                    var sum = 0.0
                                    for b in 0..<nb { for j in 0..<o { let g = Double(dNext[b * s + j]); sum += g * g } }
                                    stateGradientNorms[t] = sum.squareRoot()
                                }
                                let slot = t - first
                                let dpt = dp + (slot * batch + b0) * p, drt = dr + (slot * batch + b0) * q
                                // Unread when the cell's backward step does not use the projection (then it is chunked).
                                let projectedStep = pass.projectedSteps == steps ? pr + (t * batch + b0) * p : pr
                                cell.backwardStep(
                                    dNext: dNext, projected: projectedStep,
                                    previous: sp + (t * batch + b0) * s, next: sp + ((t + 1) * batch + b0) * s,
                                    cache: cp + (t * batch + b0) * cw,
                                    dPrevious: dPrev, dProjected: dpt, dRecurrent: drt, batch: nb, workspace: workspace)
                                if let lengths {
                                    for b in 0..<nb where t >= lengths[b0 + b] {
                                        // Padded step: the state passed through unchanged, so does its gradient.
                                        (dPrev + b * s).update(from: dNext + b * s, count: s)
                                        (dpt + b * p).update(repeating: 0, count: p)
                                        if q > 0 { (drt + b * q).update(repeating: 0, count: q) }
                                    }
                                }
                            }
                        }
                    }
                    /// Parameter gradients of the steps `first ..< end` from buffer `buffer`, all at once: rows
                    /// `inputRows` of dW_ih and, when `rest`, db_ih and the cell's recurrent gradients.
                    func parameterGradients(_ first: Int, _ end: Int, buffer: Int, inputRows: Range<Int>, rest: Bool) {
                        let (dp, dr) = gradientBuffer(buffer)
                        let (t, n) = (first, (end - first) * batch)
                        pass.input.withPointer { x in
                            // dW_ih (P, I) += dProjectedᵀ · X, rows `inputRows` (each element's sum is the same
                            // whichever rows a product computes).
                            accumulateOuterProducts(dWih + inputRows.lowerBound * i, ldw: i, dp + inputRows.lowerBound, ldg: p,
                                                    x + t * batch * i, ldx: i, m: inputRows.count, n: i, rows: n)
                            // db_ih += Σ dProjected
                            if rest { named.biasIH.withMutablePointer { db in accumulateColumnSums(db, dp, stride: p, rows: n, width: p) } }
                        }
                        if rest {
                            cell.accumulateRecurrentGradients(&named, dProjected: dp, dRecurrent: dr, states: sp + t * batch * s,
                                                              cache: cp + t * batch * cw, steps: end - first, batch: batch)
                        }
                    }
                    /// dX (count·B, I) = dProjected · W_ih for the steps `first ..< end` from buffer `buffer`.
                    func inputGradients(_ first: Int, _ end: Int, buffer: Int) {
                        guard inputGradient, let dx = dInputBuffer.baseAddress else { return }
                        let dp = gradientBuffer(buffer).dp
                        weightIH.withPointer { w in
                            multiplyByWeight(dx + first * batch * i, ldc: i, dp, lda: p, weight: w, ldw: i,
                                             m: (end - first) * batch, n: i, k: p, beta: 0)
                        }
                    }
                    let starts = Array(stride(from: ((steps - 1) / chunk) * chunk, through: 0, by: -chunk))  // last block first
                    guard overlapped else {
                        for first in starts {
                            let end = Swift.min(first + chunk, steps)
                            reverseSteps(first, end, buffer: 0)
                            parameterGradients(first, end, buffer: 0, inputRows: 0..<p, rest: true)
                            inputGradients(first, end, buffer: 0)
                        }
                        return
                    }
                    // Block j's reverse steps (and, for balance, dX of block j + 1 — or, without it, half of
                    // dW_ih's rows) on the calling thread; the rest of block j + 1's parameter gradients on the other.
                    // Each product runs whole on its thread, and the blocks are still added in the same order.
                    var previous: (first: Int, end: Int, buffer: Int)?
                    for (index, first) in starts.enumerated() {
                        let end = Swift.min(first + chunk, steps), buffer = index % 2
                        if let last = previous {
                            let split = inputGradient ? 0 : p / 2
                            runInParallel(parts: 2) { part in
                                if part == 0 {
                                    reverseSteps(first, end, buffer: buffer)
                                    if inputGradient {
                                        inputGradients(last.first, last.end, buffer: last.buffer)
                                    } else {
                                        parameterGradients(last.first, last.end, buffer: last.buffer, inputRows: 0..<split, rest: false)
                                    }
                                } else {
                                    parameterGradients(last.first, last.end, buffer: last.buffer, inputRows: split..<p, rest: true)
                                }
                            }
                        } else {
                            reverseSteps(first, end, buffer: buffer)
                        }
                        previous = (first, end, buffer)
                    }
                    if let last = previous {
                        parameterGradients(last.first, last.end, buffer: last.buffer, inputRows: 0..<p, rest: true)
                        inputGradients(last.first, last.end, buffer: last.buffer)
                    }
                }
            }
        }
        let dInitial = Array(UnsafeBufferPointer(start: sg + (steps % 2) * half, count: half))  // ∂L/∂state_0
        return (Tensor(unchecked: inputGradient ? [steps, batch, i] : [0], scalars: dInput),
                Tensor(unchecked: [batch, s], scalars: dInitial))
    }
}
