/// Everything needed to build the cells of a model of one ``CellKind``: sizes, options and the seed.
///
/// A specification builds cells generically through a ``CellVisitor`` (one concrete cell type per kind), and
/// maps to and from the `descriptor` a saved file records, so a file can say which cells to rebuild.
///
/// ```swift
/// let spec = CellSpecification(kind: .irnn, inputSize: 2, hiddenSize: 16, identityScale: 0.5, seed: 3)
/// let cell = try spec.makeCell(as: Float.self)       // any RecurrentCell<Float>
/// let again = try CellSpecification(descriptor: spec.descriptor)
/// ```
public struct CellSpecification: Sendable, Equatable {
    /// Which cell.
    public var kind: CellKind
    /// Width I of the first layer's input vectors (the layers above read the layer below).
    public var inputSize: Int
    /// Width H of the hidden state.
    public var hiddenSize: Int
    /// SCRN: width C of the slow context; `nil` uses max(1, H / 10).
    public var contextSize: Int?
    /// SCRN: the context decay α ∈ [0, 1].
    public var alpha: Double
    /// SCRN: whether α is trained.
    public var trainableAlpha: Bool
    /// LSTM: the forget block of `b_ih + b_hh` at initialization (Jozefowicz et al. 2015); `nil` keeps PyTorch's
    /// uniform biases.
    public var forgetBias: Double?
    /// np-RNN and np-tanhRNN: the input gain α of `W_ih ~ N(0, 1/N)·α`; `nil` uses the cell's default.
    public var inputGain: Double?
    /// IRNN: the scale of the identity `W_hh = scale·I` (1 in Le et al. 2015).
    public var identityScale: Double
    /// The run's seed; each cell draws from ``seed(layer:direction:)``.
    public var seed: UInt64

    /// A specification; the options that do not apply to `kind` are ignored.
    /// - Parameters:
    ///   - kind: which cell.
    ///   - inputSize: width I of the first layer's inputs.
    ///   - hiddenSize: width H.
    ///   - contextSize: SCRN context width (default max(1, H / 10)).
    ///   - alpha: SCRN context decay (default 0.95).
    ///   - trainableAlpha: SCRN: learn α (default false).
    ///   - forgetBias: LSTM forget-gate bias (default 1, as `rnn train`; `nil` for PyTorch's biases).
    ///   - inputGain: np-RNN / np-tanhRNN input gain (default: the cell's).
    ///   - identityScale: IRNN identity scale (default 1).
    ///   - seed: the run's seed (default 0).
    public init(kind: CellKind, inputSize: Int, hiddenSize: Int, contextSize: Int? = nil, alpha: Double = 0.95,
                trainableAlpha: Bool = false, forgetBias: Double? = 1, inputGain: Double? = nil,
                identityScale: Double = 1, seed: UInt64 = 0) {
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.contextSize = contextSize
        self.alpha = alpha
        self.trainableAlpha = trainableAlpha
        self.forgetBias = forgetBias
        self.inputGain = inputGain
        self.identityScale = identityScale
        self.seed = seed
    }

    /// The SCRN context width in use: ``contextSize`` or max(1, H / 10).
    public var resolvedContextSize: Int { contextSize ?? Swift.max(1, hiddenSize / 10) }

    /// The seed of the cell of one layer and direction, `seed·1000 + 10·layer + direction` (wrapping), as
    /// `rnn train` has always drawn them.
    public func seed(layer: Int, direction: Int) -> UInt64 {
        seed &* 1000 &+ UInt64(truncatingIfNeeded: 10 * layer + direction)
    }

    /// Calls `visitor` with the factory of this kind's concrete cell type.
    /// - Throws: whatever the visitor throws (cells throw on bad sizes or options when the visitor builds them).
    public func visit<V: CellVisitor>(_ visitor: V) throws -> V.Result {
        typealias S = V.Scalar
        let h = hiddenSize
        switch kind {
        case .srnn:
            return try visitor.visit { i, l, d in try SimpleRNNCell<S>(inputSize: i, hiddenSize: h, nonlinearity: .tanh, seed: seed(layer: l, direction: d)) }
        case .srnnReLU:
            return try visitor.visit { i, l, d in try SimpleRNNCell<S>(inputSize: i, hiddenSize: h, nonlinearity: .relu, seed: seed(layer: l, direction: d)) }
        case .lstm:
            return try visitor.visit { i, l, d in try LSTMCell<S>(inputSize: i, hiddenSize: h, forgetBias: forgetBias, seed: seed(layer: l, direction: d)) }
        case .gru:
            return try visitor.visit { i, l, d in try GRUCell<S>(inputSize: i, hiddenSize: h, reset: .afterMatrix, seed: seed(layer: l, direction: d)) }
        case .gruResetBefore:
            return try visitor.visit { i, l, d in try GRUCell<S>(inputSize: i, hiddenSize: h, reset: .beforeMatrix, seed: seed(layer: l, direction: d)) }
        case .scrn:
            let c = resolvedContextSize
            return try visitor.visit { i, l, d in
                try SCRNCell<S>(inputSize: i, hiddenSize: h, contextSize: c, alpha: alpha, trainableAlpha: trainableAlpha,
                                seed: seed(layer: l, direction: d))
            }
        case .irnn:
            return try visitor.visit { i, l, d in try SimpleRNNCell<S>.irnn(inputSize: i, hiddenSize: h, scale: identityScale, seed: seed(layer: l, direction: d)) }
        case .nprnn:
            return try visitor.visit { i, l, d in try SimpleRNNCell<S>.npRNN(inputSize: i, hiddenSize: h, inputGain: inputGain, seed: seed(layer: l, direction: d)) }
        case .nptanh:
            return try visitor.visit { i, l, d in try SimpleRNNCell<S>.npTanhRNN(inputSize: i, hiddenSize: h, inputGain: inputGain, seed: seed(layer: l, direction: d)) }
        }
    }

    /// The cell of one layer and direction as an existential (for code that does not need the concrete type).
    /// - Parameters:
    ///   - scalar: the scalar type.
    ///   - inputSize: the layer's input width (default ``inputSize``, the first layer's).
    ///   - layer: layer index (default 0).
    ///   - direction: 0 forward, 1 reverse (default 0).
    /// - Throws: the cell's error for bad sizes or options.
    public func makeCell<S: RecurrentScalar>(as scalar: S.Type, inputSize: Int? = nil, layer: Int = 0, direction: Int = 0)
        throws -> any RecurrentCell<S> {
        try visit(ExistentialCellBuilder<S>(inputSize: inputSize ?? self.inputSize, layer: layer, direction: direction))
    }
}

/// Builds one cell and returns it as `any RecurrentCell`.
private struct ExistentialCellBuilder<Scalar: RecurrentScalar>: CellVisitor {
    let inputSize: Int, layer: Int, direction: Int
    func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> any RecurrentCell<Scalar>
    where Cell.Scalar == Scalar {
        try makeCell(inputSize, layer, direction)
    }
}
