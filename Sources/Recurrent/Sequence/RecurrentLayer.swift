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
    public typealias Scalar = Cell.Scalar
    /// The cell applied at every step; its parameters are the layer's parameters.
    public var cell: Cell

    /// Wraps a cell.
    public init(cell: Cell) { self.cell = cell }

    /// A zero state of shape (batch, S) — what an omitted initial state means.
    public func zeroState(batch: Int) throws -> Tensor<Scalar> {
        try requirePositive(batch, "zeroState batch")
        return try Tensor.zeros([batch, cell.stateSize])
    }

    /// Everything the forward pass produced, including exactly what the backward pass needs.
    public struct Pass: Sendable {
        /// (T, B, O) the output of every step (zero at padded steps).
        public let outputs: Tensor<Scalar>
        /// (B, S) the state after each row's last step.
        public let finalState: Tensor<Scalar>
        /// Per-row lengths, if the batch is ragged.
        public let lengths: [Int]?
        let input: Tensor<Scalar>      // (T, B, I)
        let projected: [Scalar]        // (T, B, P)
        let states: [Scalar]           // (T + 1, B, S), states[0] = initial
        let cache: [Scalar]            // (T, B, cacheSize)
        /// Number of steps T.
        public var steps: Int { input.shape[0] }
        /// Batch size B.
        public var batch: Int { input.shape[1] }

        /// The state after step t (0-based) for every row, (B, S).
        public func state(afterStep t: Int) -> Tensor<Scalar> {
            let width = finalState.shape[1], size = batch * width
            let start = (t + 1) * size
            return Tensor(unchecked: [batch, width], scalars: Array(states[start..<start + size]))
        }
    }

    /// Checks an input sequence and optional state and lengths; returns (T, B).
    func validate(_ input: Tensor<Scalar>, _ initialState: Tensor<Scalar>?, _ lengths: [Int]?) throws -> (Int, Int) {
        guard input.rank == 3 else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.forward input", expected: "(T, B, \(cell.inputSize))",
                                               got: shapeString(input.shape))
        }
        let (steps, batch) = (input.shape[0], input.shape[1])
        if steps == 0 { throw RecurrentError.emptySequence(operation: "RecurrentLayer.forward") }
        try requirePositive(batch, "RecurrentLayer.forward batch size (input axis 1)")
        guard input.shape[2] == cell.inputSize else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.forward input",
                                               expected: "(T, B, \(cell.inputSize))", got: shapeString(input.shape))
        }
        try input.requireFinite("RecurrentLayer.forward input \(shapeString(input.shape))")
        if let initialState {
            try initialState.requireShape([batch, cell.stateSize], "RecurrentLayer.forward initial state (batch from input)")
            try initialState.requireFinite("RecurrentLayer.forward initial state")
        }
        if let lengths {
            guard lengths.count == batch else {
                throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.forward lengths", expected: "\(batch) lengths",
                                                   got: "\(lengths.count)")
            }
            if let bad = lengths.firstIndex(where: { $0 < 0 || $0 > steps }) {
                throw RecurrentError.invalidArgument(what: "RecurrentLayer.forward lengths[\(bad)]",
                                                     reason: "must be in 0...\(steps), got \(lengths[bad])")
            }
        }
        return (steps, batch)
    }

    /// Runs the cell over the sequence, caching what ``backward(_:outputGradient:finalStateGradient:into:)`` needs.
    /// - Parameters:
    ///   - input: (T, B, I) with T ≥ 1, B ≥ 1, finite values.
    ///   - initialState: (B, S); `nil` means zeros (exactly the same as passing zeros).
    ///   - lengths: optional per-row lengths in 0...T for a ragged batch.
    /// - Returns: the outputs, the final state, and the cache.
    /// - Throws: ``RecurrentError`` for a wrong shape, an empty sequence, non-finite values or bad lengths.
    /// - Complexity: O(T·B·P·(I + H)) time, O(T·B·(P + S + cacheSize)) memory for the cache.
    public func forward(_ input: Tensor<Scalar>, initialState: Tensor<Scalar>? = nil, lengths: [Int]? = nil) throws -> Pass {
        let (steps, batch) = try validate(input, initialState, lengths)
        let (i, p, s, o, cw) = (cell.inputSize, cell.projectionSize, cell.stateSize, cell.outputSize, cell.cacheSize)
        let rows = steps * batch
        var projected = [Scalar](repeating: 0, count: rows * p)      // (T, B, P)
        var states = [Scalar](repeating: 0, count: (steps + 1) * batch * s)  // (T + 1, B, S)
        var cache = [Scalar](repeating: 0, count: rows * cw)         // (T, B, C)
        var workspace = [Scalar](repeating: 0, count: Swift.max(cell.workspaceSize(batch: batch), 1))
        var outputs = [Scalar](repeating: 0, count: rows * o)        // (T, B, O)
        if let initialState {
            states.replaceSubrange(0..<batch * s, with: initialState.scalars)
        }
        // projected (T·B, P) = X (T·B, I) · W_ihᵀ + b_ih: all steps in one product.
        input.withPointer { x in
            cell.parameters[0].withPointer { w in
                cell.parameters[1].withPointer { bias in
                    projected.withUnsafeMutableBufferPointer { proj in
                        let pr = proj.baseAddress!
                        for r in 0..<rows { for j in 0..<p { pr[r * p + j] = bias[j] } }
                        multiplyByTransposedWeight(pr, ldc: p, x, lda: i, weight: w, ldw: i, m: rows, n: p, k: i, beta: 1)
                    }
                }
            }
        }
        projected.withUnsafeBufferPointer { proj in
            states.withUnsafeMutableBufferPointer { st in
                cache.withUnsafeMutableBufferPointer { ca in
                    workspace.withUnsafeMutableBufferPointer { ws in
                        outputs.withUnsafeMutableBufferPointer { out in
                            let (pr, sp, cp, wp, op) = (proj.baseAddress!, st.baseAddress!, ca.baseAddress, ws.baseAddress!, out.baseAddress!)
                            for t in 0..<steps {
                                let previous = sp + t * batch * s, next = sp + (t + 1) * batch * s
                                cell.forwardStep(projected: pr + t * batch * p, previous: previous, next: next,
                                                 cache: cp.map { $0 + t * batch * cw } ?? wp, batch: batch, workspace: wp)
                                for b in 0..<batch {
                                    if let lengths, t >= lengths[b] {
                                        // A finished row keeps its state; its output stays zero.
                                        for j in 0..<s { next[b * s + j] = previous[b * s + j] }
                                    } else {
                                        for j in 0..<o { op[(t * batch + b) * o + j] = next[b * s + j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let finalState = Array(states[steps * batch * s..<(steps + 1) * batch * s])
        return Pass(outputs: Tensor(unchecked: [steps, batch, o], scalars: outputs),
                    finalState: Tensor(unchecked: [batch, s], scalars: finalState),
                    lengths: lengths, input: input, projected: projected, states: states, cache: cache)
    }

    /// Backpropagation through time over a cached forward pass.
    /// - Parameters:
    ///   - pass: the result of ``forward(_:initialState:lengths:)`` with the **current** parameters.
    ///   - outputGradient: ∂L/∂outputs, (T, B, O); `nil` means zeros.
    ///   - finalStateGradient: ∂L/∂finalState, (B, S); `nil` means zeros.
    ///   - gradients: parameter gradients in the order of ``RecurrentCell/parameters``; this pass's gradients are added.
    /// - Returns: ∂L/∂input (T, B, I) and ∂L/∂initialState (B, S).
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` for mismatched gradients.
    public func backward(
        _ pass: Pass, outputGradient: Tensor<Scalar>? = nil, finalStateGradient: Tensor<Scalar>? = nil,
        into gradients: inout [Tensor<Scalar>]
    ) throws -> (input: Tensor<Scalar>, initialState: Tensor<Scalar>) {
        let (steps, batch) = (pass.steps, pass.batch)
        let (i, p, s, o, cw, q) = (cell.inputSize, cell.projectionSize, cell.stateSize, cell.outputSize,
                                   cell.cacheSize, cell.recurrentGradientSize)
        try pass.input.requireShape([steps, batch, i], "RecurrentLayer.backward (pass from a cell of another input size)")
        guard pass.projected.count == steps * batch * p, pass.cache.count == steps * batch * cw else {
            throw RecurrentError.invalidArgument(what: "RecurrentLayer.backward", reason: "the pass was produced by a different cell")
        }
        if let outputGradient { try outputGradient.requireShape([steps, batch, o], "RecurrentLayer.backward outputGradient") }
        if let finalStateGradient { try finalStateGradient.requireShape([batch, s], "RecurrentLayer.backward finalStateGradient") }
        let expected = cell.parameters.map(\.shape)
        guard gradients.map(\.shape) == expected else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentLayer.backward gradients",
                                               expected: expected.map(shapeString).joined(separator: " "),
                                               got: gradients.map { shapeString($0.shape) }.joined(separator: " "))
        }
        let rows = steps * batch
        var dState = finalStateGradient?.scalars ?? [Scalar](repeating: 0, count: batch * s)  // (B, S) ∂L/∂state_t
        var dPrevious = [Scalar](repeating: 0, count: batch * s)                              // (B, S)
        var dProjected = [Scalar](repeating: 0, count: rows * p)                              // (T, B, P)
        var dRecurrent = [Scalar](repeating: 0, count: Swift.max(rows * q, 1))                // (T, B, Q)
        var workspace = [Scalar](repeating: 0, count: Swift.max(cell.workspaceSize(batch: batch), 1))
        let dOut = outputGradient?.scalars
        let lengths = pass.lengths

        pass.projected.withUnsafeBufferPointer { proj in
        pass.states.withUnsafeBufferPointer { st in
        pass.cache.withUnsafeBufferPointer { ca in
        dProjected.withUnsafeMutableBufferPointer { dProj in
        dRecurrent.withUnsafeMutableBufferPointer { dRec in
        workspace.withUnsafeMutableBufferPointer { ws in
            let (pr, sp, wp) = (proj.baseAddress!, st.baseAddress!, ws.baseAddress!)
            let cp = ca.baseAddress ?? UnsafePointer(wp)
            for t in (0..<steps).reversed() {
                dState.withUnsafeMutableBufferPointer { dNext in
                    if let dOut {
                        for b in 0..<batch where lengths.map({ t < $0[b] }) ?? true {
                            for j in 0..<o { dNext[b * s + j] += dOut[(t * batch + b) * o + j] }
                        }
                    }
                    dPrevious.withUnsafeMutableBufferPointer { dPrev in
                        let dpt = dProj.baseAddress! + t * batch * p, drt = dRec.baseAddress! + t * batch * q
                        cell.backwardStep(
                            dNext: dNext.baseAddress!, projected: pr + t * batch * p,
                            previous: sp + t * batch * s, next: sp + (t + 1) * batch * s, cache: cp + t * batch * cw,
                            dPrevious: dPrev.baseAddress!, dProjected: dpt, dRecurrent: drt, batch: batch, workspace: wp)
                        if let lengths {
                            for b in 0..<batch where t >= lengths[b] {
                                // Padded step: the state passed through unchanged, so does its gradient.
                                for j in 0..<s { dPrev[b * s + j] = dNext[b * s + j] }
                                for j in 0..<p { dpt[b * p + j] = 0 }
                                for j in 0..<q { drt[b * q + j] = 0 }
                            }
                        }
                    }
                }
                swap(&dState, &dPrevious)
            }
        }}}}}}

        // Parameter gradients over all steps at once.
        var dInput = [Scalar](repeating: 0, count: rows * i)  // (T, B, I)
        let weightIH = cell.parameters[0]
        dProjected.withUnsafeBufferPointer { dProj in
            let dp = dProj.baseAddress!
            pass.input.withPointer { x in
                // dW_ih (P, I) += dProjectedᵀ · X ;  db_ih += Σ dProjected
                gradients.withMutablePointer(at: 0) { dW in
                    accumulateOuterProducts(dW, ldw: i, dp, ldg: p, x, ldx: i, m: p, n: i, rows: rows)
                }
                gradients.withMutablePointer(at: 1) { db in
                    accumulateColumnSums(db, dp, stride: p, rows: rows, width: p)
                }
            }
            // dX (T·B, I) = dProjected · W_ih
            weightIH.withPointer { w in
                dInput.withUnsafeMutableBufferPointer { dx in
                    multiplyByWeight(dx.baseAddress!, ldc: i, dp, lda: p, weight: w, ldw: i, m: rows, n: i, k: p, beta: 0)
                }
            }
            dRecurrent.withUnsafeBufferPointer { dRec in
                pass.states.withUnsafeBufferPointer { st in
                    pass.cache.withUnsafeBufferPointer { ca in
                        let cp = ca.baseAddress ?? st.baseAddress!
                        cell.accumulateRecurrentGradients(&gradients, dProjected: dp, dRecurrent: dRec.baseAddress!,
                                                          states: st.baseAddress!, cache: cp, steps: steps, batch: batch)
                    }
                }
            }
        }
        return (Tensor(unchecked: [steps, batch, i], scalars: dInput), Tensor(unchecked: [batch, s], scalars: dState))
    }
}
