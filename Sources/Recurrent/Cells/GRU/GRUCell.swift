import RecurrentInitializers

/// Where a GRU applies its reset gate.
public enum ResetPlacement: String, Sendable, CaseIterable {
    /// `n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))`: PyTorch, cuDNN, Keras `reset_after=True`.
    case afterMatrix
    /// `n = tanh(W_in·x + b_in + W_hn·(r ⊙ h) + b_hn)`: Cho et al. 2014, Keras `reset_after=False`.
    case beforeMatrix
}

/// Gated recurrent unit in PyTorch's gate order (r, z, n):
///
///     r = σ(W_ir·x + b_ir + W_hr·h + b_hr)
///     z = σ(W_iz·x + b_iz + W_hz·h + b_hz)
///     n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))        (reset after, default)
///     n = tanh(W_in·x + b_in + W_hn·(r ⊙ h) + b_hn)        (reset before)
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
///
/// `z` is the weight of the *old* state (PyTorch's convention). The form often written as
/// `s_j = (1 − z) ⊙ s_{j−1} + z ⊙ h̃` uses the other labelling: its z is our 1 − z.
/// State and output are `h` (width H). Parameter names and shapes are PyTorch's `nn.GRU` ones.
///
/// ```swift
/// let cell = try GRUCell<Double>(inputSize: 8, hiddenSize: 16, reset: .beforeMatrix, seed: 2)
/// ```
public struct GRUCell<Scalar: RecurrentScalar>: RecurrentCell {
    /// Width I of one input vector.
    public let inputSize: Int
    /// Width H of the state.
    public let hiddenSize: Int
    /// Where the reset gate applies.
    public let reset: ResetPlacement
    /// (3H, I), blocks r, z, n.
    public var weightIH: Tensor<Scalar>
    /// (3H)
    public var biasIH: Tensor<Scalar>
    /// (3H, H)
    public var weightHH: Tensor<Scalar>
    /// (3H)
    public var biasHH: Tensor<Scalar>
    /// Variational recurrent dropout: (B, H) multiplying h_{t−1} in `W_hh·h_{t−1}` (not in the carry
    /// `z ⊙ h_{t−1}`), or `nil` (see ``RecurrentDropoutCell``).
    public private(set) var recurrentMask: Tensor<Scalar>?

    /// A cell with PyTorch's default initialization U(±1/√H).
    /// - Parameters:
    ///   - inputSize: width I of each input, > 0.
    ///   - hiddenSize: width H, > 0.
    ///   - reset: where the reset gate applies (default `.afterMatrix`, as PyTorch).
    ///   - seed: random seed.
    public init(inputSize: Int, hiddenSize: Int, reset: ResetPlacement = .afterMatrix, seed: UInt64 = 0) throws {
        let p = try Parameters.pytorchDefault(gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, seed: seed, cell: "GRUCell")
        try self.init(reset: reset, weightIH: p.weightIH, biasIH: p.biasIH, weightHH: p.weightHH, biasHH: p.biasHH)
    }

    /// A cell from given tensors. - Throws: naming the tensor whose shape is wrong.
    public init(reset: ResetPlacement = .afterMatrix, weightIH: Tensor<Scalar>, biasIH: Tensor<Scalar>,
                weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>) throws {
        (hiddenSize, inputSize) = try Parameters(weightIH: weightIH, biasIH: biasIH, weightHH: weightHH, biasHH: biasHH)
            .sizes(gates: 3, cell: "GRUCell")
        self.reset = reset
        self.weightIH = weightIH
        self.biasIH = biasIH
        self.weightHH = weightHH
        self.biasHH = biasHH
    }

    /// Width S of the carried state.
    @inlinable public var stateSize: Int { hiddenSize }
    /// Width O of the per-step output (the first O state columns).
    @inlinable public var outputSize: Int { hiddenSize }
    /// Width P of the input projection `W_ih·x + b_ih`.
    @inlinable public var projectionSize: Int { 3 * hiddenSize }
    /// r, z, n and the reset's operand: `W_hn·h + b_hn` (after) or `r ⊙ h` (before).
    @inlinable public var cacheSize: Int { 4 * hiddenSize }
    /// The pre-activation gradients of the hidden-side products: [dr, dz, dn_h].
    @inlinable public var recurrentGradientSize: Int { 3 * hiddenSize }
    /// The hidden-side products (B, 3H), then the recurrent weights in the matrix kernels' own layout: W_hhᵀ for
    /// the forward steps (packed by `prepareWorkspace`; W_h(r,z)ᵀ and W_hnᵀ apart when the reset gate comes before
    /// the product), or W_hh for the backward steps (packed by `prepareBackwardWorkspace`).
    @inlinable public func workspaceSize(batch: Int) -> Int {
        let h = hiddenSize
        let forward = reset == .afterMatrix
            ? packedTransposedWeightCount(rows: 3 * h, columns: h, Scalar.self)
            : packedTransposedWeightCount(rows: 2 * h, columns: h, Scalar.self) + packedTransposedWeightCount(rows: h, columns: h, Scalar.self)
        let backward = reset == .afterMatrix
            ? packedWeightCount(rows: 3 * h, columns: h, Scalar.self)
            : packedWeightCount(rows: h, columns: h, Scalar.self) + packedWeightCount(rows: 2 * h, columns: h, Scalar.self)
        return batch * 3 * h + Swift.max(forward, backward) + (recurrentMask == nil ? 0 : batch * h)
    }
    /// Where m ⊙ h_{t−1} (B, H) goes under a recurrent mask: after the packed weights.
    @inlinable func maskedState(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) -> UnsafeMutablePointer<Scalar> {
        workspace + workspaceSize(batch: batch) - batch * hiddenSize
    }
    /// Where the packed weights start: after the hidden-side products of `batch` rows.
    @inlinable func packedWeights(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) -> UnsafeMutablePointer<Scalar> {
        workspace + batch * 3 * hiddenSize
    }
    /// Packs W_hhᵀ (or W_h(r,z)ᵀ then W_hnᵀ) after the hidden-side products, for the forward steps.
    @inlinable public func prepareWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        let h = hiddenSize, packed = packedWeights(workspace, batch: batch)
        weightHH.withPointer { w in
            switch reset {
            case .afterMatrix:
                packTransposedWeight(packed, w, rows: 3 * h, columns: h)
            case .beforeMatrix:
                packTransposedWeight(packed, w, rows: 2 * h, columns: h)
                packTransposedWeight(packed + packedTransposedWeightCount(rows: 2 * h, columns: h, Scalar.self), w + 2 * h * h,
                                     rows: h, columns: h)
            }
        }
    }
    /// Packs W_hh (or W_hn then W_h(r,z)) after the hidden-side products, for the backward steps.
    @inlinable public func prepareBackwardWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        let h = hiddenSize, packed = packedWeights(workspace, batch: batch)
        weightHH.withPointer { w in
            switch reset {
            case .afterMatrix:
                packWeight(packed, w, rows: 3 * h, columns: h)
            case .beforeMatrix:
                packWeight(packed, w + 2 * h * h, rows: h, columns: h)
                packWeight(packed + packedWeightCount(rows: h, columns: h, Scalar.self), w, rows: 2 * h, columns: h)
            }
        }
    }
    /// The backward step works from the cache only.
    @inlinable public var backwardReadsProjection: Bool { false }
    /// Rows never interact: the layer may run blocks of rows on different threads (not with a recurrent
    /// mask, whose rows are the whole batch's).
    @inlinable public var rowsAreIndependent: Bool { recurrentMask == nil }

    /// The trainable tensors by name (PyTorch's four); the gradients are a value of the same type.
    public typealias Parameters = PyTorchCellParameters<Scalar>
    /// `weight_ih`, `bias_ih`, `weight_hh`, `bias_hh` by name. Setting replaces them unchecked (same shapes required).
    public var namedParameters: Parameters {
        get { Parameters(weightIH: weightIH, biasIH: biasIH, weightHH: weightHH, biasHH: biasHH) }
        set {
            precondition(newValue.tensors.map(\.shape) == parameters.map(\.shape), "\(Self.self).namedParameters: shapes differ")
            (weightIH, biasIH, weightHH, biasHH) = (newValue.weightIH, newValue.biasIH, newValue.weightHH, newValue.biasHH)
        }
    }
    /// What a saved file records about the cell: its kind, sizes and options.
    public var descriptor: [String: String] {
        ["cell": "gru", "reset": reset.rawValue, "input_size": "\(inputSize)", "hidden_size": "\(hiddenSize)"]
    }
    /// One forward step for `batch` rows: the recurrent product, then the fused gate kernel of `Scalar`.
    @inlinable
    public func forwardStep(
        projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, workspace: UnsafeMutablePointer<Scalar>
    ) {
        let h = hiddenSize, g3 = 3 * h, cw = 4 * h
        // r = σ(x_r + W_hr·h + b_hr),  z = σ(x_z + W_hz·h + b_hz)      (x_· = the projected input blocks)
        // n = tanh(x_n + r ⊙ (W_hn·h + b_hn))   or   tanh(x_n + W_hn·(r ⊙ h) + b_hn)
        // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
        let hidden = workspace  // (B, 3H): the hidden-side products, b_hh added inside the kernels
        let packed = packedWeights(workspace, batch: batch)
        switch reset {
        case .afterMatrix:
            // hidden (B, 3H) = h_{t−1} · W_hhᵀ, or (m ⊙ h_{t−1}) · W_hhᵀ under a recurrent mask
            var hPrevious = previous
            if let mask = recurrentMask {
                precondition(mask.shape[0] == batch, "GRUCell: the recurrent mask has \(mask.shape[0]) rows, the batch \(batch)")
                let masked = maskedState(workspace, batch: batch)   // (B, H)
                mask.withPointer { multiplyRowsByMask(masked, ldo: h, previous, ldx: h, mask: $0, batch: batch, width: h, rows: batch) }
                hPrevious = UnsafePointer(masked)
            }
            multiplyByPackedWeight(hidden, ldc: g3, hPrevious, lda: h, packed: packed, m: batch, n: g3, k: h, beta: 0)
            biasHH.withPointer { bias in
                forEachRowBlock(batch: batch, width: g3) { rows in
                    let r = rows.lowerBound
                    Scalar.gruForwardAfter(batch: rows.count, hidden: h, projected: projected + r * g3, ldp: g3,
                                           hiddenProducts: hidden + r * g3, ldh: g3, bias: bias, previous: previous + r * h,
                                           ldprev: h, cache: cache + r * cw, ldc: cw, next: next + r * h, ldn: h)
                }
            }
        case .beforeMatrix:
            // r and z first: hidden[:, 0..<2H] = h_{t−1} · W_h(r,z)ᵀ
            multiplyByPackedWeight(hidden, ldc: g3, previous, lda: h, packed: packed, m: batch, n: 2 * h, k: h, beta: 0)
            biasHH.withPointer { bias in
                Scalar.gruForwardBeforeGates(batch: batch, hidden: h, projected: projected, ldp: g3, hiddenProducts: hidden,
                                             ldh: g3, bias: bias, previous: previous, ldprev: h, cache: cache, ldc: cw)
            }
            // hidden[:, 2H..<3H] = (r ⊙ h_{t−1}) · W_hnᵀ
            multiplyByPackedWeight(hidden + 2 * h, ldc: g3, cache + 3 * h, lda: cw,
                                   packed: packed + packedTransposedWeightCount(rows: 2 * h, columns: h, Scalar.self),
                                   m: batch, n: h, k: h, beta: 0)
            biasHH.withPointer { bias in
                Scalar.gruForwardBeforeState(batch: batch, hidden: h, projected: projected, ldp: g3, hiddenProducts: hidden,
                                             ldh: g3, bias: bias, previous: previous, ldprev: h, cache: cache, ldc: cw,
                                             next: next, ldn: h)
            }
        }
    }

    /// One backward step for `batch` rows, the exact adjoint of the forward step.
    @inlinable
    public func backwardStep(
        dNext: UnsafePointer<Scalar>,
        projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        dPrevious: UnsafeMutablePointer<Scalar>, dProjected: UnsafeMutablePointer<Scalar>,
        dRecurrent: UnsafeMutablePointer<Scalar>,
        batch: Int, workspace: UnsafeMutablePointer<Scalar>
    ) {
        let h = hiddenSize, g3 = 3 * h, cw = 4 * h
        // dn = dh_t ⊙ (1 − z) ⊙ (1 − n²);   dz = dh_t ⊙ (h_{t−1} − n) ⊙ z(1 − z);   dh_{t−1} = dh_t ⊙ z + …
        // after:  dr = dn ⊙ (W_hn·h + b_hn) ⊙ r(1 − r), and the hidden side receives [dr, dz, dn ⊙ r]
        // before: d(r ⊙ h) = dn · W_hn, dr = d(r ⊙ h) ⊙ h_{t−1} ⊙ r(1 − r), dh_{t−1} += d(r ⊙ h) ⊙ r
        let packed = packedWeights(workspace, batch: batch)
        switch reset {
        case .afterMatrix:
            forEachRowBlock(batch: batch, width: g3) { rows in
                let r = rows.lowerBound
                Scalar.gruBackwardAfter(batch: rows.count, hidden: h, cache: cache + r * cw, ldc: cw, previous: previous + r * h,
                                        ldprev: h, dNext: dNext + r * h, lddn: h, dProjected: dProjected + r * g3, lddp: g3,
                                        dRecurrent: dRecurrent + r * g3, lddr: g3, dPrevious: dPrevious + r * h, lddprev: h)
            }
            // dh_{t−1} (B, H) += dHidden (B, 3H) · W_hh (3H, H), ⊙ m under a recurrent mask
            if let mask = recurrentMask {
                let product = workspace   // (B, H), in the forward steps' hidden-side products
                multiplyByPackedWeight(product, ldc: h, dRecurrent, lda: g3, packed: packed, m: batch, n: h, k: g3, beta: 0)
                mask.withPointer { m in
                    for b in 0..<batch {
                        for j in 0..<h { dPrevious[b * h + j] += product[b * h + j] * m[b * h + j] }
                    }
                }
            } else {
                multiplyByPackedWeight(dPrevious, ldc: h, dRecurrent, lda: g3, packed: packed, m: batch, n: h, k: g3, beta: 1)
            }
        case .beforeMatrix:
            let dResetProduct = workspace  // (B, H): ∂L/∂(r ⊙ h_{t−1})
            Scalar.gruBackwardBeforeState(batch: batch, hidden: h, cache: cache, ldc: cw, previous: previous, ldprev: h,
                                          dNext: dNext, lddn: h, dProjected: dProjected, lddp: g3,
                                          dRecurrent: dRecurrent, lddr: g3)
            // d(r ⊙ h) (B, H) = dn (B, H) · W_hn (H, H)
            multiplyByPackedWeight(dResetProduct, ldc: h, dRecurrent + 2 * h, lda: g3, packed: packed, m: batch, n: h, k: h, beta: 0)
            Scalar.gruBackwardBeforeGates(batch: batch, hidden: h, cache: cache, ldc: cw, previous: previous, ldprev: h,
                                          dNext: dNext, lddn: h, dReset: dResetProduct, lddreset: h,
                                          dProjected: dProjected, lddp: g3, dRecurrent: dRecurrent, lddr: g3,
                                          dPrevious: dPrevious, lddprev: h)
            // dh_{t−1} += [dr, dz] (B, 2H) · W_h(r,z) (2H, H)
            multiplyByPackedWeight(dPrevious, ldc: h, dRecurrent, lda: g3,
                                   packed: packed + packedWeightCount(rows: h, columns: h, Scalar.self),
                                   m: batch, n: h, k: 2 * h, beta: 1)
        }
    }

    /// Adds the gradients of the recurrent parameters over a block of steps with a few large matrix products.
    @inlinable
    public func accumulateRecurrentGradients(
        _ gradients: inout Parameters,
        dProjected: UnsafePointer<Scalar>, dRecurrent: UnsafePointer<Scalar>,
        states: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        steps: Int, batch: Int
    ) {
        let h = hiddenSize, g3 = 3 * h, rows = steps * batch
        gradients.weightHH.withMutablePointer { dW in
            switch reset {
            case .afterMatrix:
                // dW_hh (3H, H) += Σ_t dHidden_tᵀ · h_{t−1}, m ⊙ h_{t−1} when masked
                if let mask = recurrentMask {
                    accumulateMaskedOuterProducts(dW, ldw: h, dRecurrent, ldg: g3, states: states, ldh: h, mask: mask,
                                                  m: g3, hidden: h, steps: steps, batch: batch)
                } else {
                    accumulateOuterProducts(dW, ldw: h, dRecurrent, ldg: g3, states, ldx: h, m: g3, n: h, rows: rows)
                }
            case .beforeMatrix:
                // dW_h(r,z) (2H, H) += Σ [dr, dz]ᵀ · h_{t−1};  dW_hn (H, H) += Σ dnᵀ · (r ⊙ h_{t−1})
                accumulateOuterProducts(dW, ldw: h, dRecurrent, ldg: g3, states, ldx: h, m: 2 * h, n: h, rows: rows)
                accumulateOuterProducts(dW + 2 * h * h, ldw: h, dRecurrent + 2 * h, ldg: g3, cache + 3 * h, ldx: 4 * h,
                                        m: h, n: h, rows: rows)
            }
        }
        gradients.biasHH.withMutablePointer { db in
            accumulateColumnSums(db, dRecurrent, stride: g3, rows: rows, width: g3)
        }
    }
}

extension GRUCell: RecurrentDropoutCell {
    /// This cell with `mask` (B, H) on h_{t−1} in the recurrent product (`nil`: none); see ``RecurrentDropoutCell``.
    /// - Throws: unless the mask is a finite (B, H) matrix, and for a cell whose reset gate comes before the
    ///   product (`.beforeMatrix`), which does not support the mask.
    public func applyingRecurrentMask(_ mask: Tensor<Scalar>?) throws -> GRUCell {
        if mask != nil, reset == .beforeMatrix {
            throw RecurrentError.invalidArgument(what: "GRUCell recurrent dropout",
                                                 reason: "supported with the reset gate after the product (PyTorch's GRU) only")
        }
        var copy = self
        copy.recurrentMask = try validatedMask(mask, hidden: hiddenSize)
        return copy
    }
}
