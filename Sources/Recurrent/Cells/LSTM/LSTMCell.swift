import RecurrentInitializers

/// Long short-term memory cell, in PyTorch's form and gate order (i, f, g, o):
///
///     [i, f, g, o] = [σ, σ, tanh, σ](W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh)
///     c_t = f ⊙ c_{t−1} + i ⊙ g
///     h_t = o ⊙ tanh(c_t)
///
/// The state row is `[h, c]` (width 2H); the output is `h` (width H).
/// Parameter names and shapes are PyTorch's `nn.LSTM` ones: `weight_ih` (4H, I), `bias_ih` (4H),
/// `weight_hh` (4H, H), `bias_hh` (4H).
///
/// ```swift
/// // Forget-gate bias 1 (Jozefowicz et al. 2015): b_ih + b_hh has 1 in the forget block.
/// let cell = try LSTMCell<Float>(inputSize: 1, hiddenSize: 100, forgetBias: 1, seed: 1)
/// ```
public struct LSTMCell<Scalar: RecurrentScalar>: RecurrentCell {
    /// Width I of one input vector.
    public let inputSize: Int
    /// Width H of `h` and `c`.
    public let hiddenSize: Int
    /// (4H, I), gate blocks i, f, g, o.
    public var weightIH: Tensor<Scalar>
    /// (4H)
    public var biasIH: Tensor<Scalar>
    /// (4H, H)
    public var weightHH: Tensor<Scalar>
    /// (4H)
    public var biasHH: Tensor<Scalar>
    /// Variational recurrent dropout: (B, H) multiplying h_{t−1} in `W_hh·h_{t−1}`, or `nil` (see ``RecurrentDropoutCell``).
    public private(set) var recurrentMask: Tensor<Scalar>?

    /// A cell with PyTorch's default initialization U(±1/√H).
    /// - Parameters:
    ///   - inputSize: width I of each input, > 0.
    ///   - hiddenSize: width H, > 0.
    ///   - forgetBias: if given, biases start at zero except the forget block, whose `b_ih + b_hh` equals this value.
    ///   - seed: random seed.
    public init(inputSize: Int, hiddenSize: Int, forgetBias: Double? = nil, seed: UInt64 = 0) throws {
        var p = try Parameters.pytorchDefault(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, seed: seed,
                                              weightsFirst: true, cell: "LSTMCell")
        if let forgetBias {
            let pair = try Initializers.lstmBiasPair(hiddenSize: hiddenSize, forgetBias: forgetBias)
            p.biasIH = Tensor(vector: pair.inputBias)
            p.biasHH = Tensor(vector: pair.hiddenBias)
        }
        try self.init(weightIH: p.weightIH, biasIH: p.biasIH, weightHH: p.weightHH, biasHH: p.biasHH)
    }

    /// A cell from given tensors (for example a PyTorch `state_dict`).
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the tensor whose shape is wrong.
    public init(weightIH: Tensor<Scalar>, biasIH: Tensor<Scalar>, weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>) throws {
        (hiddenSize, inputSize) = try Parameters(weightIH: weightIH, biasIH: biasIH, weightHH: weightHH, biasHH: biasHH)
            .sizes(gates: 4, cell: "LSTMCell")
        self.weightIH = weightIH
        self.biasIH = biasIH
        self.weightHH = weightHH
        self.biasHH = biasHH
    }

    /// Width S of the carried state.
    @inlinable public var stateSize: Int { 2 * hiddenSize }
    /// Width O of the per-step output (the first O state columns).
    @inlinable public var outputSize: Int { hiddenSize }
    /// Width P of the input projection `W_ih·x + b_ih`.
    @inlinable public var projectionSize: Int { 4 * hiddenSize }
    /// Gate activations i, f, g, o and tanh(c_t).
    @inlinable public var cacheSize: Int { 5 * hiddenSize }
    /// Width of the per-step gradient kept for the recurrent weight gradients (0: `dProjected` serves).
    @inlinable public var recurrentGradientSize: Int { 0 }
    /// W_hhᵀ (H, 4H) in the matrix kernels' own layout, packed once per forward pass (`prepareWorkspace`);
    /// W_hh packed the same way once per backward pass (`prepareBackwardWorkspace`); with a recurrent mask,
    /// then m ⊙ h_{t−1} (B, H).
    @inlinable public func workspaceSize(batch: Int) -> Int {
        packedSize + (recurrentMask == nil ? 0 : batch * hiddenSize)
    }
    /// Scalars of the packed recurrent weight (either layout); the masked state follows them.
    @inlinable var packedSize: Int {
        Swift.max(packedTransposedWeightCount(rows: 4 * hiddenSize, columns: hiddenSize, Scalar.self),
                  packedWeightCount(rows: 4 * hiddenSize, columns: hiddenSize, Scalar.self))
    }
    /// Packs W_hhᵀ into the workspace for the forward steps' products.
    @inlinable public func prepareWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        weightHH.withPointer { packTransposedWeight(workspace, $0, rows: 4 * hiddenSize, columns: hiddenSize) }
    }
    /// Packs W_hh into the workspace for the backward steps' products.
    @inlinable public func prepareBackwardWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        weightHH.withPointer { packWeight(workspace, $0, rows: 4 * hiddenSize, columns: hiddenSize) }
    }
    /// The backward step works from the cached gate activations only.
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
    public var descriptor: [String: String] { ["cell": "lstm", "input_size": "\(inputSize)", "hidden_size": "\(hiddenSize)"] }
    /// One forward step for `batch` rows: the recurrent product, then the fused gate kernel of `Scalar`.
    @inlinable
    public func forwardStep(
        projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, workspace: UnsafeMutablePointer<Scalar>
    ) {
        let h = hiddenSize, g4 = 4 * h, s = 2 * h, cw = 5 * h
        // [i, f, g, o] = [σ, σ, tanh, σ](projected + b_hh + W_hh·h_{t−1})
        // c_t = f ⊙ c_{t−1} + i ⊙ g;   h_t = o ⊙ tanh(c_t)
        // The gate pre-activations are built in the cache: (B, 4H) with row pitch 5H.
        // acc (B, 4H) = h_{t−1} (B, H; pitch 2H) · W_hhᵀ, or (m ⊙ h_{t−1}) · W_hhᵀ under a recurrent mask
        var (hPrevious, ldh) = (previous, s)
        if let mask = recurrentMask {
            precondition(mask.shape[0] == batch, "LSTMCell: the recurrent mask has \(mask.shape[0]) rows, the batch \(batch)")
            let masked = workspace + packedSize   // (B, H)
            mask.withPointer { multiplyRowsByMask(masked, ldo: h, previous, ldx: s, mask: $0, batch: batch, width: h, rows: batch) }
            (hPrevious, ldh) = (UnsafePointer(masked), h)
        }
        multiplyByPackedWeight(cache, ldc: cw, hPrevious, lda: ldh, packed: workspace, m: batch, n: g4, k: h, beta: 0)
        // gates = act(acc + (projected + b_hh)); c_t, h_t; the cache keeps i, f, g, o, tanh(c_t).
        biasHH.withPointer { bias in
            forEachRowBlock(batch: batch, width: g4) { rows in
                let r = rows.lowerBound
                Scalar.lstmForward(batch: rows.count, hidden: h, projected: projected + r * g4, ldp: g4, bias: bias,
                                   gates: cache + r * cw, ldg: cw, previous: previous + r * s, ldprev: s,
                                   next: next + r * s, ldn: s)
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
        let h = hiddenSize, g4 = 4 * h, s = 2 * h, cw = 5 * h
        // dc = dh_t ⊙ o ⊙ (1 − tanh²c_t) + dc_t;   dc_{t−1} = dc ⊙ f
        // di = dc ⊙ g ⊙ i(1 − i);  df = dc ⊙ c_{t−1} ⊙ f(1 − f);  dg = dc ⊙ i ⊙ (1 − g²);  do = dh_t ⊙ tanh c_t ⊙ o(1 − o)
        // dh_{t−1} = [di, df, dg, do] · W_hh
        // dGates (B, 4H) and dc_{t−1}
        forEachRowBlock(batch: batch, width: g4) { rows in
            let r = rows.lowerBound
            Scalar.lstmBackward(batch: rows.count, hidden: h, gates: cache + r * cw, ldg: cw, previous: previous + r * s,
                                ldprev: s, dNext: dNext + r * s, lddn: s, dGates: dProjected + r * g4, lddg: g4,
                                dPrevious: dPrevious + r * s, lddprev: s)
        }
        // dh_{t−1} (B, H; pitch 2H) = dGates (B, 4H) · W_hh (4H, H), then ⊙ m under a recurrent mask
        multiplyByPackedWeight(dPrevious, ldc: s, dProjected, lda: g4, packed: workspace, m: batch, n: h, k: g4, beta: 0)
        if let mask = recurrentMask {
            mask.withPointer { multiplyRowsByMask(dPrevious, ldo: s, dPrevious, ldx: s, mask: $0, batch: batch, width: h, rows: batch) }
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
        let h = hiddenSize, g4 = 4 * h, rows = steps * batch
        // dW_hh (4H, H) += Σ_t dGates_tᵀ · h_{t−1}  (h is the first H columns of each state row), m ⊙ h_{t−1} when masked
        gradients.weightHH.withMutablePointer { dW in
            if let mask = recurrentMask {
                accumulateMaskedOuterProducts(dW, ldw: h, dProjected, ldg: g4, states: states, ldh: 2 * h, mask: mask,
                                              m: g4, hidden: h, steps: steps, batch: batch)
            } else {
                accumulateOuterProducts(dW, ldw: h, dProjected, ldg: g4, states, ldx: 2 * h, m: g4, n: h, rows: rows)
            }
        }
        gradients.biasHH.withMutablePointer { db in
            accumulateColumnSums(db, dProjected, stride: g4, rows: rows, width: g4)
        }
    }
}

extension LSTMCell: RecurrentDropoutCell {
    /// This cell with `mask` (B, H) on h_{t−1} in the recurrent product (`nil`: none); see ``RecurrentDropoutCell``.
    /// - Throws: unless the mask is a finite (B, H) matrix.
    public func applyingRecurrentMask(_ mask: Tensor<Scalar>?) throws -> LSTMCell {
        var copy = self
        copy.recurrentMask = try validatedMask(mask, hidden: hiddenSize)
        return copy
    }
}
