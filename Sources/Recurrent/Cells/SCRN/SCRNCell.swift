import RecurrentInitializers

/// Structurally constrained recurrent network cell (Mikolov et al. 2014, "Learning Longer Memory in RNNs"):
/// a slow context `s` beside a fast sigmoid hidden layer `h`.
///
///     s_t = (1 − α)·(B·x_t + b_s) + α·s_{t−1}
///     h_t = σ(A·x_t + b_h + R·h_{t−1} + P·s_t)
///
/// The state row and the output are both `[h, s]` (width H + C), so a readout sees both.
/// Choices, made deliberately:
/// - `P` reads the *new* context `s_t`, as in the paper's equations (Mikolov et al. 2014; the authors' code feeds `s_{t−1}`).
/// - `α` is 0.95 and fixed by default, as in the authors' code; pass `trainableAlpha: true` to learn it.
/// - The context has a bias `b_s` (zero at initialization); the paper has none, and keeping it at zero
///   reproduces the paper exactly. `b_h` plays the role of the hidden bias.
///
/// Parameters: `weight_ih` = [A; B] (H + C, I), `bias_ih` = [b_h; b_s] (H + C), `weight_hh` = R (H, H),
/// `weight_ch` = P (H, C), and `alpha` (1) when trainable.
///
/// ```swift
/// let cell = try SCRNCell<Float>(inputSize: 2, hiddenSize: 40, contextSize: 10, seed: 3)
/// ```
public struct SCRNCell<Scalar: RecurrentScalar>: RecurrentCell {
    /// Width I of one input vector.
    public let inputSize: Int
    /// Width H of the fast hidden layer.
    public let hiddenSize: Int
    /// Width C of the slow context.
    public let contextSize: Int
    /// Whether `alpha` is a trained parameter.
    public let trainableAlpha: Bool
    /// (H + C, I): rows 0..<H are A, rows H..<H+C are B.
    public var weightIH: Tensor<Scalar>
    /// (H + C): b_h then b_s.
    public var biasIH: Tensor<Scalar>
    /// R (H, H)
    public var weightHH: Tensor<Scalar>
    /// P (H, C)
    public var weightCH: Tensor<Scalar>
    /// Context decay α ∈ [0, 1].
    public var alpha: Scalar

    /// A cell with U(±1/√H) weights, zero biases and a fixed or trainable α.
    /// - Parameters:
    ///   - inputSize: width I of each input, > 0.
    ///   - hiddenSize: width H of the fast layer, > 0.
    ///   - contextSize: width C of the slow context, > 0.
    ///   - alpha: context decay, in [0, 1] (default 0.95).
    ///   - trainableAlpha: learn α (default false, as the authors' code).
    ///   - seed: random seed.
    public init(inputSize: Int, hiddenSize: Int, contextSize: Int, alpha: Double = 0.95,
                trainableAlpha: Bool = false, seed: UInt64 = 0) throws {
        try requirePositive(inputSize, "SCRNCell inputSize")
        try requirePositive(hiddenSize, "SCRNCell hiddenSize")
        try requirePositive(contextSize, "SCRNCell contextSize")
        try requireCellWeightsFit([[hiddenSize, inputSize], [hiddenSize, hiddenSize], [contextSize, inputSize], [hiddenSize, contextSize]],
                                  cell: "SCRNCell")
        var generator = RandomGenerator(seed: seed)
        let (h, c) = (hiddenSize, contextSize)
        try self.init(
            weightIH: Tensor(matrix: Initializers.pytorchDefault(rows: h + c, columns: inputSize, hiddenSize: h, using: &generator)),
            biasIH: Tensor.zeros([h + c]),
            weightHH: Tensor(matrix: Initializers.pytorchDefault(rows: h, columns: h, hiddenSize: h, using: &generator)),
            weightCH: Tensor(matrix: Initializers.pytorchDefault(rows: h, columns: c, hiddenSize: h, using: &generator)),
            alpha: Scalar(alpha), trainableAlpha: trainableAlpha)
    }

    /// A cell from given tensors. - Throws: naming the tensor whose shape is wrong, or an α outside [0, 1].
    public init(weightIH: Tensor<Scalar>, biasIH: Tensor<Scalar>, weightHH: Tensor<Scalar>, weightCH: Tensor<Scalar>,
                alpha: Scalar, trainableAlpha: Bool) throws {
        guard weightHH.rank == 2, weightHH.shape[0] > 0, weightHH.shape[0] == weightHH.shape[1] else {
            throw RecurrentError.shapeMismatch(operation: "SCRNCell weight_hh", expected: "(H, H) with H > 0",
                                               got: shapeString(weightHH.shape))
        }
        let h = weightHH.shape[0]
        guard weightCH.rank == 2, weightCH.shape[0] == h, weightCH.shape[1] > 0 else {
            throw RecurrentError.shapeMismatch(operation: "SCRNCell weight_ch", expected: "(\(h), C) with C > 0",
                                               got: shapeString(weightCH.shape))
        }
        let c = weightCH.shape[1]
        guard weightIH.rank == 2, weightIH.shape[0] == h + c, weightIH.shape[1] > 0 else {
            throw RecurrentError.shapeMismatch(operation: "SCRNCell weight_ih", expected: "(\(h + c), I) with I > 0",
                                               got: shapeString(weightIH.shape))
        }
        try biasIH.requireShape([h + c], "SCRNCell bias_ih")
        guard alpha >= 0, alpha <= 1 else {
            throw RecurrentError.invalidArgument(what: "SCRNCell alpha", reason: "must lie in [0, 1], got \(alpha)")
        }
        self.inputSize = weightIH.shape[1]
        self.hiddenSize = h
        self.contextSize = c
        self.trainableAlpha = trainableAlpha
        self.weightIH = weightIH
        self.biasIH = biasIH
        self.weightHH = weightHH
        self.weightCH = weightCH
        self.alpha = alpha
    }

    /// Width S of the carried state.
    @inlinable public var stateSize: Int { hiddenSize + contextSize }
    /// Width O of the per-step output (the first O state columns).
    @inlinable public var outputSize: Int { hiddenSize + contextSize }
    /// Width P of the input projection `W_ih·x + b_ih`.
    @inlinable public var projectionSize: Int { hiddenSize + contextSize }
    /// s_{t−1} − (B·x_t + b_s), the factor of ∂s_t/∂α.
    @inlinable public var cacheSize: Int { contextSize }
    /// [dA (H), ds_t (C)]: the hidden pre-activation and context gradients.
    @inlinable public var recurrentGradientSize: Int { hiddenSize + contextSize }
    /// The recurrent weights in the matrix kernels' own layout: Rᵀ then Pᵀ for the forward steps (packed by
    /// `prepareWorkspace`), or R then P for the backward steps (packed by `prepareBackwardWorkspace`).
    @inlinable public func workspaceSize(batch: Int) -> Int {
        let (h, c) = (hiddenSize, contextSize)
        let forward = packedTransposedWeightCount(rows: h, columns: h, Scalar.self)
            + packedTransposedWeightCount(rows: h, columns: c, Scalar.self)
        let backward = packedWeightCount(rows: h, columns: h, Scalar.self) + packedWeightCount(rows: h, columns: c, Scalar.self)
        return Swift.max(forward, backward)
    }
    /// Packs Rᵀ, then Pᵀ, for the forward steps.
    @inlinable public func prepareWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        let (h, c) = (hiddenSize, contextSize)
        weightHH.withPointer { packTransposedWeight(workspace, $0, rows: h, columns: h) }
        weightCH.withPointer {
            packTransposedWeight(workspace + packedTransposedWeightCount(rows: h, columns: h, Scalar.self), $0, rows: h, columns: c)
        }
    }
    /// Packs R, then P, for the backward steps.
    @inlinable public func prepareBackwardWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        let (h, c) = (hiddenSize, contextSize)
        weightHH.withPointer { packWeight(workspace, $0, rows: h, columns: h) }
        weightCH.withPointer { packWeight(workspace + packedWeightCount(rows: h, columns: h, Scalar.self), $0, rows: h, columns: c) }
    }
    /// The backward step works from the new state and the cache only.
    @inlinable public var backwardReadsProjection: Bool { false }
    /// Rows never interact: the layer may run blocks of rows on different threads.
    @inlinable public var rowsAreIndependent: Bool { true }

    /// `weight_ih`, `bias_ih`, `weight_hh`, `weight_ch` and, when trainable, `alpha`, by name. Setting replaces
    /// them unchecked (same shapes required); a trainable α is clamped to [0, 1].
    public var namedParameters: Parameters {
        get {
            Parameters(weightIH: weightIH, biasIH: biasIH, weightHH: weightHH, weightCH: weightCH,
                       alpha: Tensor(unchecked: [1], scalars: [alpha]), trainableAlpha: trainableAlpha)
        }
        set {
            precondition(newValue.trainableAlpha == trainableAlpha && newValue.tensors.map(\.shape) == parameters.map(\.shape),
                         "SCRNCell.namedParameters: shapes differ")
            (weightIH, biasIH, weightHH, weightCH) = (newValue.weightIH, newValue.biasIH, newValue.weightHH, newValue.weightCH)
            if trainableAlpha {
                // Gradient steps may push α out of [0, 1]; the decay is only meaningful inside.
                alpha = Swift.min(Swift.max(newValue.alpha.scalars[0], 0), 1)
            }
        }
    }
    /// What a saved file records about the cell: its kind, sizes and options.
    public var descriptor: [String: String] {
        ["cell": "scrn", "input_size": "\(inputSize)", "hidden_size": "\(hiddenSize)", "context_size": "\(contextSize)",
         "alpha": "\(alpha)", "trainable_alpha": "\(trainableAlpha)"]
    }
    /// One forward step for `batch` rows: the recurrent product, then the fused gate kernel of `Scalar`.
    @inlinable
    public func forwardStep(
        projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, workspace: UnsafeMutablePointer<Scalar>
    ) {
        let h = hiddenSize, c = contextSize, s = h + c
        // s_t = (1 − α)·(B·x_t + b_s) + α·s_{t−1};   h_t = σ(A·x_t + b_h + R·h_{t−1} + P·s_t)
        // s_t and the α-gradient factor; next[:, 0..<H] starts as A·x_t + b_h.
        Scalar.scrnForwardContext(batch: batch, hidden: h, context: c, alpha: alpha, projected: projected, ldp: s,
                                  previous: previous, ldprev: s, next: next, ldn: s, cache: cache, ldc: c)
        // a (B, H) += h_{t−1} · Rᵀ + s_t · Pᵀ
        multiplyByPackedWeight(next, ldc: s, previous, lda: s, packed: workspace, m: batch, n: h, k: h, beta: 1)
        multiplyByPackedWeight(next, ldc: s, next + h, lda: s,
                               packed: workspace + packedTransposedWeightCount(rows: h, columns: h, Scalar.self),
                               m: batch, n: h, k: c, beta: 1)
        for b in 0..<batch {
            let nxt = next + b * s
            Scalar.vectorSigmoid(nxt, into: nxt, count: h)
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
        let h = hiddenSize, c = contextSize, s = h + c
        // dA = dh_t ⊙ h_t(1 − h_t);  ds_t = ∂L/∂s_t (output and future) + dA · P;  ds_{t−1} = α·ds_t;  d(B·x_t + b_s) = (1 − α)·ds_t
        // dh_{t−1} = dA · R
        // dA = dh ⊙ h(1 − h), kept in dRecurrent[:, 0..<H]; the context gradient starts from dNext's s part.
        Scalar.scrnBackwardHidden(batch: batch, hidden: h, context: c, dNext: dNext, lddn: s, next: next, ldn: s,
                                  dRecurrent: dRecurrent, lddr: s)
        // ds_t (B, C) += dA (B, H) · P (H, C)
        multiplyByPackedWeight(dRecurrent + h, ldc: s, dRecurrent, lda: s,
                               packed: workspace + packedWeightCount(rows: h, columns: h, Scalar.self),
                               m: batch, n: c, k: h, beta: 1)
        Scalar.scrnBackwardContext(batch: batch, hidden: h, context: c, alpha: alpha, dRecurrent: dRecurrent, lddr: s,
                                   dProjected: dProjected, lddp: s, dPrevious: dPrevious, lddprev: s)
        // dh_{t−1} (B, H) = dA · R
        multiplyByPackedWeight(dPrevious, ldc: s, dRecurrent, lda: s, packed: workspace, m: batch, n: h, k: h, beta: 0)
    }

    /// Adds the gradients of the recurrent parameters over a block of steps with a few large matrix products.
    @inlinable
    public func accumulateRecurrentGradients(
        _ gradients: inout Parameters,
        dProjected: UnsafePointer<Scalar>, dRecurrent: UnsafePointer<Scalar>,
        states: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        steps: Int, batch: Int
    ) {
        let h = hiddenSize, c = contextSize, s = h + c, rows = steps * batch
        // dR (H, H) += Σ dAᵀ · h_{t−1};   dP (H, C) += Σ dAᵀ · s_t (states shifted by one step)
        gradients.weightHH.withMutablePointer { dR in
            accumulateOuterProducts(dR, ldw: h, dRecurrent, ldg: s, states, ldx: s, m: h, n: h, rows: rows)
        }
        gradients.weightCH.withMutablePointer { dP in
            accumulateOuterProducts(dP, ldw: c, dRecurrent, ldg: s, states + batch * s + h, ldx: s, m: h, n: c, rows: rows)
        }
        if trainableAlpha {
            // ∂s_t/∂α = s_{t−1} − (B·x_t + b_s)
            var dAlpha: Scalar = 0
            for row in 0..<rows {
                let ds = dRecurrent + row * s + h, factor = cache + row * c
                for j in 0..<c { dAlpha += ds[j] * factor[j] }
            }
            gradients.alpha.withUnsafeMutableBufferPointer { $0[0] += dAlpha }
        }
    }
}

extension SCRNCell {
    /// The SCRN's trainable tensors by name; the gradients are a value of the same type.
    public struct Parameters: CellParameters {
        /// [A; B] (H + C, I)
        public var weightIH: Tensor<Scalar>
        /// [b_h; b_s] (H + C)
        public var biasIH: Tensor<Scalar>
        /// R (H, H), the recurrent matrix of the fast layer.
        public var weightHH: Tensor<Scalar>
        /// P (H, C), from the context to the fast layer.
        public var weightCH: Tensor<Scalar>
        /// α as a tensor of shape (1); a parameter only when ``trainableAlpha``.
        public var alpha: Tensor<Scalar>
        /// Whether ``alpha`` is one of the ``fields``.
        public let trainableAlpha: Bool

        /// The tensors, unchecked.
        public init(weightIH: Tensor<Scalar>, biasIH: Tensor<Scalar>, weightHH: Tensor<Scalar>, weightCH: Tensor<Scalar>,
                    alpha: Tensor<Scalar>, trainableAlpha: Bool) {
            (self.weightIH, self.biasIH, self.weightHH, self.weightCH) = (weightIH, biasIH, weightHH, weightCH)
            self.alpha = alpha
            self.trainableAlpha = trainableAlpha
        }

        /// `weight_ih`, `bias_ih`, `weight_hh`, `weight_ch`, then `alpha` when trainable.
        public var fields: [(name: String, keyPath: WritableKeyPath<Self, Tensor<Scalar>>)] {
            [("weight_ih", \.weightIH), ("bias_ih", \.biasIH), ("weight_hh", \.weightHH), ("weight_ch", \.weightCH)]
                + (trainableAlpha ? [("alpha", \.alpha)] : [])
        }

        /// The tensors in the order of ``fields``, listed directly (without building the key paths).
        public var tensors: [Tensor<Scalar>] { [weightIH, biasIH, weightHH, weightCH] + (trainableAlpha ? [alpha] : []) }

        /// `weight_hh` (R): P multiplies the context, which is not recurrent through P.
        public var recurrentWeightNames: [String] { ["weight_hh"] }
    }
}
