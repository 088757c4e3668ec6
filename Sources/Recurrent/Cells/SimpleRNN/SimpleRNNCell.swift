import RecurrentInitializers

/// The nonlinearity of a simple (Elman) RNN.
public enum Nonlinearity: String, Sendable, CaseIterable {
    /// tanh, the classic Elman network.
    case tanh
    /// max(0, x): IRNN and np-RNN.
    case relu
}

/// Simple recurrent cell (Elman network):
///
///     h_t = f(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh),   f = tanh or ReLU
///
/// Same parameters and names as PyTorch's `nn.RNN`. The state and the output are `h` (width H).
/// IRNN and np-RNN are this cell with ReLU and special initializations: see
/// ``irnn(inputSize:hiddenSize:scale:inputStandardDeviation:seed:)`` and
/// ``npRNN(inputSize:hiddenSize:inputGain:seed:)``.
///
/// ```swift
/// let cell = try SimpleRNNCell<Float>(inputSize: 2, hiddenSize: 100, nonlinearity: .relu, seed: 7)
/// let layer = RecurrentLayer(cell: cell)
/// ```
public struct SimpleRNNCell<Scalar: RecurrentScalar>: RecurrentCell {
    /// Width I of one input vector.
    public let inputSize: Int
    /// Width H of the hidden state.
    public let hiddenSize: Int
    /// The nonlinearity f: tanh or ReLU.
    public let nonlinearity: Nonlinearity
    /// (H, I)
    public var weightIH: Tensor<Scalar>
    /// (H)
    public var biasIH: Tensor<Scalar>
    /// (H, H)
    public var weightHH: Tensor<Scalar>
    /// (H)
    public var biasHH: Tensor<Scalar>

    /// A cell with PyTorch's default initialization U(±1/√H) for every tensor.
    /// - Parameters:
    ///   - inputSize: width I of each input vector, > 0.
    ///   - hiddenSize: width H of the state, > 0.
    ///   - nonlinearity: `.tanh` (default) or `.relu`.
    ///   - seed: seed of the `RandomGenerator` that draws the weights.
    /// - Throws: ``RecurrentError/invalidSize(what:value:requirement:)`` for a size ≤ 0.
    public init(inputSize: Int, hiddenSize: Int, nonlinearity: Nonlinearity = .tanh, seed: UInt64 = 0) throws {
        let p = try Parameters.pytorchDefault(gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, seed: seed, cell: "SimpleRNNCell")
        try self.init(nonlinearity: nonlinearity, weightIH: p.weightIH, biasIH: p.biasIH, weightHH: p.weightHH, biasHH: p.biasHH)
    }

    /// A cell from given tensors (for example loaded from a PyTorch `state_dict`).
    /// - Throws: ``RecurrentError/shapeMismatch(operation:expected:got:)`` naming the tensor whose shape is wrong.
    public init(nonlinearity: Nonlinearity, weightIH: Tensor<Scalar>, biasIH: Tensor<Scalar>,
                weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>) throws {
        let (h, i) = try Parameters(weightIH: weightIH, biasIH: biasIH, weightHH: weightHH, biasHH: biasHH)
            .sizes(gates: 1, cell: "SimpleRNNCell")
        self.inputSize = i
        self.hiddenSize = h
        self.nonlinearity = nonlinearity
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
    @inlinable public var projectionSize: Int { hiddenSize }
    // f'(a) is recovered from h itself: 1 − h² for tanh, [h > 0] for ReLU.
    /// Scalars per sequence row cached by the forward step for the backward step.
    @inlinable public var cacheSize: Int { 0 }
    /// Width of the per-step gradient kept for the recurrent weight gradients (0: `dProjected` serves).
    @inlinable public var recurrentGradientSize: Int { 0 }
    /// W_hhᵀ (H, H) in the matrix kernels' own layout, packed once per forward pass (`prepareWorkspace`);
    /// W_hh packed the same way once per backward pass (`prepareBackwardWorkspace`).
    @inlinable public func workspaceSize(batch: Int) -> Int {
        Swift.max(packedTransposedWeightCount(rows: hiddenSize, columns: hiddenSize, Scalar.self),
                  packedWeightCount(rows: hiddenSize, columns: hiddenSize, Scalar.self))
    }
    /// Packs W_hhᵀ into the workspace for the forward steps' products.
    @inlinable public func prepareWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        weightHH.withPointer { packTransposedWeight(workspace, $0, rows: hiddenSize, columns: hiddenSize) }
    }
    /// Packs W_hh into the workspace for the backward steps' products.
    @inlinable public func prepareBackwardWorkspace(_ workspace: UnsafeMutablePointer<Scalar>, batch: Int) {
        weightHH.withPointer { packWeight(workspace, $0, rows: hiddenSize, columns: hiddenSize) }
    }
    /// The backward step works from the new state only.
    @inlinable public var backwardReadsProjection: Bool { false }
    /// Rows never interact: the layer may run blocks of rows on different threads.
    @inlinable public var rowsAreIndependent: Bool { true }

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
        ["cell": "srnn", "nonlinearity": nonlinearity.rawValue, "input_size": "\(inputSize)", "hidden_size": "\(hiddenSize)"]
    }
    /// One forward step for `batch` rows: the recurrent product, then the fused gate kernel of `Scalar`.
    @inlinable
    public func forwardStep(
        projected: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, workspace: UnsafeMutablePointer<Scalar>
    ) {
        let h = hiddenSize
        // h_t = f(projected + b_hh + W_hh·h_{t−1})
        // acc (B, H) = h_{t−1} (B, H) · W_hhᵀ, then next = f(acc + (projected + b_hh))
        multiplyByPackedWeight(next, ldc: h, previous, lda: h, packed: workspace, m: batch, n: h, k: h, beta: 0)
        biasHH.withPointer { bias in
            Scalar.srnnForward(relu: nonlinearity == .relu, batch: batch, hidden: h, projected: projected, ldp: h,
                               bias: bias, next: next, ldn: h)
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
        let h = hiddenSize
        // dA = dh_t ⊙ f′(A) (f′ = 1 − h_t² for tanh, [h_t > 0] for ReLU);   dh_{t−1} = dA · W_hh
        // dA = dh ⊙ f'(A); the pre-activation gradient is also ∂L/∂projected.
        Scalar.srnnBackward(relu: nonlinearity == .relu, batch: batch, hidden: h, dNext: dNext, lddn: h,
                            next: next, ldn: h, dProjected: dProjected, lddp: h)
        // dh_{t−1} (B, H) = dA (B, H) · W_hh (H, H)
        multiplyByPackedWeight(dPrevious, ldc: h, dProjected, lda: h, packed: workspace, m: batch, n: h, k: h, beta: 0)
    }

    /// Adds the gradients of the recurrent parameters over a block of steps with a few large matrix products.
    @inlinable
    public func accumulateRecurrentGradients(
        _ gradients: inout Parameters,
        dProjected: UnsafePointer<Scalar>, dRecurrent: UnsafePointer<Scalar>,
        states: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        steps: Int, batch: Int
    ) {
        let h = hiddenSize, rows = steps * batch
        // dW_hh (H, H) += Σ_t dA_tᵀ · h_{t−1}; states[0..<T] are the previous states.
        gradients.weightHH.withMutablePointer { dW in
            accumulateOuterProducts(dW, ldw: h, dProjected, ldg: h, states, ldx: h, m: h, n: h, rows: rows)
        }
        gradients.biasHH.withMutablePointer { db in
            accumulateColumnSums(db, dProjected, stride: h, rows: rows, width: h)
        }
    }
}

extension SimpleRNNCell {
    /// IRNN (Le, Jaitly & Hinton 2015): ReLU, `W_hh = scale·I`, biases 0, `W_ih ~ N(0, σ²)` with σ = 0.001.
    /// - Parameters:
    ///   - inputSize: width I of each input, > 0.
    ///   - hiddenSize: width H, > 0.
    ///   - scale: the identity's scale (1 in the paper; smaller values give the "iRNN" variant).
    ///   - inputStandardDeviation: σ of the input weights.
    ///   - seed: random seed for `W_ih`.
    public static func irnn(inputSize: Int, hiddenSize: Int, scale: Double = 1,
                            inputStandardDeviation: Double = 0.001, seed: UInt64 = 0) throws -> SimpleRNNCell {
        try requirePositive(inputSize, "IRNN inputSize")
        try requirePositive(hiddenSize, "IRNN hiddenSize")
        try requireCellWeightsFit([[hiddenSize, inputSize], [hiddenSize, hiddenSize]], cell: "IRNN")
        var generator = RandomGenerator(seed: seed)
        return try SimpleRNNCell(
            nonlinearity: .relu,
            weightIH: Tensor(matrix: Initializers.gaussian(rows: hiddenSize, columns: inputSize,
                                                           standardDeviation: inputStandardDeviation, using: &generator)),
            biasIH: Tensor.zeros([hiddenSize]),
            weightHH: Tensor(matrix: Initializers.identity(size: hiddenSize, scale: scale)),
            biasHH: Tensor.zeros([hiddenSize]))
    }

    /// np-RNN (Talathi & Vartak 2015): ReLU, biases 0, `W_hh = (RᵀR/N + I)/λmax` (symmetric positive definite,
    /// largest eigenvalue exactly 1), `W_ih ~ N(0, 1/N)·α` with the ReLU gain α of
    /// `Initializers.npRNNInputGain(hiddenSize:)` unless `inputGain` is given.
    /// - Parameters:
    ///   - inputSize: width I of each input, > 0.
    ///   - hiddenSize: width N of the state, > 0.
    ///   - inputGain: α; `nil` uses the default gain (≈ 1.43 for N = 100).
    ///   - seed: random seed for R and `W_ih`.
    public static func npRNN(inputSize: Int, hiddenSize: Int, inputGain: Double? = nil, seed: UInt64 = 0) throws -> SimpleRNNCell {
        try requirePositive(inputSize, "np-RNN inputSize")
        try requirePositive(hiddenSize, "np-RNN hiddenSize")
        try requireCellWeightsFit([[hiddenSize, inputSize], [hiddenSize, hiddenSize]], cell: "np-RNN")
        var generator = RandomGenerator(seed: seed)
        let recurrent = try Initializers.normalizedPositiveDefinite(size: hiddenSize, using: &generator)
        let input = try Initializers.npRNNInput(hiddenSize: hiddenSize, inputSize: inputSize, gain: inputGain, using: &generator)
        return try SimpleRNNCell(
            nonlinearity: .relu, weightIH: Tensor(matrix: input), biasIH: Tensor.zeros([hiddenSize]),
            weightHH: Tensor(matrix: recurrent), biasHH: Tensor.zeros([hiddenSize]))
    }

    /// np-tanhRNN: the np-RNN initialization with tanh, the variant Talathi & Vartak (2015) compare the np-RNN
    /// with. Biases 0, `W_hh = (RᵀR/N + I)/λmax` (largest eigenvalue exactly 1), `W_ih ~ N(0, 1/N)·α`.
    ///
    /// The default gain is the np-RNN's without its ReLU factor √2, α = exp(1.2 / (max(N, 6) − 2.4)) (≈ 1.012
    /// for N = 100): the √2 makes up for ReLU zeroing half of the pre-activations, which tanh, linear near 0,
    /// does not. Pass `inputGain` to use another value.
    /// - Parameters:
    ///   - inputSize: width I of each input, > 0.
    ///   - hiddenSize: width N of the state, > 0.
    ///   - inputGain: α; `nil` uses the default above.
    ///   - seed: random seed for R and `W_ih`.
    public static func npTanhRNN(inputSize: Int, hiddenSize: Int, inputGain: Double? = nil, seed: UInt64 = 0) throws -> SimpleRNNCell {
        try requirePositive(inputSize, "np-tanhRNN inputSize")
        try requirePositive(hiddenSize, "np-tanhRNN hiddenSize")
        try requireCellWeightsFit([[hiddenSize, inputSize], [hiddenSize, hiddenSize]], cell: "np-tanhRNN")
        var generator = RandomGenerator(seed: seed)
        let gain = inputGain ?? Initializers.npRNNInputGain(hiddenSize: hiddenSize) / 2.0.squareRoot()
        let recurrent = try Initializers.normalizedPositiveDefinite(size: hiddenSize, using: &generator)
        let input = try Initializers.npRNNInput(hiddenSize: hiddenSize, inputSize: inputSize, gain: gain, using: &generator)
        return try SimpleRNNCell(
            nonlinearity: .tanh, weightIH: Tensor(matrix: input), biasIH: Tensor.zeros([hiddenSize]),
            weightHH: Tensor(matrix: recurrent), biasHH: Tensor.zeros([hiddenSize]))
    }
}
