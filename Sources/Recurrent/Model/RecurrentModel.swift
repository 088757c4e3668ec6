import RecurrentInitializers

/// What the readout sees.
public enum OutputMode: String, Sendable {
    /// Sequence to one: the last valid step of each row (for a bidirectional layer: the final state of both directions).
    case lastStep
    /// Sequence to sequence: every step; logits are (T·B, K), row t·B + b.
    case everyStep
    /// Sequence to one: the mean of the top layer's outputs over each row's real steps (Keras's
    /// `GlobalAveragePooling1D` after `return_sequences=True`; in PyTorch `output.mean(dim=0)` over the real steps).
    /// Every step reaches the readout directly, which helps on long recordings with few cases.
    case meanOverTime
}

/// Stacked, optionally bidirectional recurrent layers with a linear readout.
///
///     x (T, B, I) → layer 1 → dropout → … → layer L → [last step | every step] → dropout → readout
///
/// Dropout (Zaremba et al. 2014) applies between layers and before the readout only, never on the
/// recurrent connection. A bidirectional layer runs a second cell over the time-reversed sequence (each row
/// reversed within its own length) and concatenates `[forward, backward]` features, as PyTorch does.
///
/// Training (module `RecurrentTraining`) uses ``forward(_:initialStates:lengths:generator:)`` and
/// ``backward(_:outputGradient:topOutputGradient:into:)``; running a trained model needs only this module:
/// ``predict(_:lengths:)`` on whole sequences, or ``step(_:state:)`` sample by sample.
///
/// ```swift
/// let model = try RecurrentModel(inputSize: 2, outputSize: 1, layers: 2) { input, _, _ in
///     try SimpleRNNCell<Float>.npRNN(inputSize: input, hiddenSize: 100, seed: 1)
/// }
/// let x = try Tensor<Float>(shape: [50, 8, 2], repeating: 0.1)   // (T, B, I)
/// let y = try model.predict(x)                                    // (B, K) = (8, 1)
///
/// var state = try model.zeroState(batch: 8)                      // the same, one step at a time
/// var last = y
/// for _ in 0..<50 {
///     let sample = try Tensor<Float>(shape: [8, 2], repeating: 0.1)   // one step's input, (B, I)
///     (last, state) = try model.step(sample, state: state)
/// }
/// // last == y, bit for bit; print(model) shows the layers and their parameter counts.
/// ```
public struct RecurrentModel<Cell: RecurrentCell>: Sendable {
    /// The cell's scalar type, `Float` or `Double`.
    public typealias Scalar = Cell.Scalar
    /// Forward-direction layers, bottom first.
    public var layers: [RecurrentLayer<Cell>]
    /// Backward-direction layers (empty unless bidirectional).
    public var reverseLayers: [RecurrentLayer<Cell>]
    /// The output layer `y = x·Wᵀ + b` on the top layer's features (both directions concatenated).
    public var readout: Linear<Scalar>
    /// Dropout probability between layers and before the readout (0 disables).
    public var dropout: Double
    /// Whether the readout sees the last step (sequence to one) or every step (sequence to sequence).
    public var outputMode: OutputMode
    /// The per-feature standardization of the raw input, applied before the first layer by ``predict(_:lengths:)``,
    /// ``step(_:state:)`` and ``forward(_:initialStates:lengths:generator:)`` alike, and saved with the model;
    /// `nil` (the default, and what a file written without one loads as) is the identity. Not trained.
    public var inputNormalization: InputNormalization<Scalar>? = nil

    /// Whether every level has a reverse-direction layer.
    public var isBidirectional: Bool { !reverseLayers.isEmpty }
    /// Width I of the input at each step.
    public var inputSize: Int { layers[0].cell.inputSize }
    var directions: Int { isBidirectional ? 2 : 1 }

    /// Builds a model from a cell factory.
    /// - Parameters:
    ///   - inputSize: I, features per step.
    ///   - outputSize: K, readout width (classes or regression targets).
    ///   - layers: L ≥ 1.
    ///   - bidirectional: add a reverse-direction layer at every level.
    ///   - dropout: probability in [0, 1).
    ///   - outputMode: sequence-to-one (default) or sequence-to-sequence.
    ///   - seed: seed of the readout weights.
    ///   - makeCell: `(inputSize, layerIndex, direction)` → cell, direction 0 forward, 1 reverse.
    /// - Throws: `RecurrentError` for `layers < 1`, a dropout outside [0, 1), a cell whose input size does not
    ///   match the layer below, or any error of `makeCell`.
    public init(inputSize: Int, outputSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Double = 0,
                outputMode: OutputMode = .lastStep, seed: UInt64 = 0,
                makeCell: (_ inputSize: Int, _ layer: Int, _ direction: Int) throws -> Cell) throws {
        guard layers >= 1 else { throw RecurrentError.invalidSize(what: "RecurrentModel layers", value: layers, requirement: "at least 1") }
        guard dropout >= 0, dropout < 1 else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel dropout", reason: "must be in [0, 1), got \(dropout)")
        }
        var forward: [RecurrentLayer<Cell>] = [], reverse: [RecurrentLayer<Cell>] = []
        var width = inputSize
        for l in 0..<layers {
            let cell = try makeCell(width, l, 0)
            guard cell.inputSize == width else {
                throw RecurrentError.shapeMismatch(operation: "RecurrentModel layer \(l) cell", expected: "inputSize \(width)",
                                                   got: "inputSize \(cell.inputSize)")
            }
            forward.append(RecurrentLayer(cell: cell))
            if bidirectional { reverse.append(RecurrentLayer(cell: try makeCell(width, l, 1))) }
            width = cell.outputSize * (bidirectional ? 2 : 1)
        }
        self.layers = forward
        self.reverseLayers = reverse
        self.readout = try Linear(inputSize: width, outputSize: outputSize, seed: seed &+ 0x5EED)
        self.dropout = dropout
        self.outputMode = outputMode
    }

    // MARK: Parameters

    /// All trainable tensors: each layer's cell (forward, then reverse), then the readout weight and bias.
    public var parameters: [Tensor<Scalar>] {
        var list: [Tensor<Scalar>] = []
        for l in layers.indices {
            list += layers[l].cell.parameters
            if isBidirectional { list += reverseLayers[l].cell.parameters }
        }
        return list + readout.parameters
    }

    /// Names matching ``parameters``, PyTorch style: `weight_ih_l0`, `weight_ih_l0_reverse`, …, `readout.weight`.
    public var parameterNames: [String] {
        var names: [String] = []
        for l in layers.indices {
            names += layers[l].cell.parameterNames.map { "\($0)_l\(l)" }
            if isBidirectional { names += reverseLayers[l].cell.parameterNames.map { "\($0)_l\(l)_reverse" } }
        }
        return names + ["readout.weight", "readout.bias"]
    }

    /// Replaces every parameter (same order and shapes as ``parameters``).
    /// - Parameter list: the new tensors.
    /// - Throws: `RecurrentError` on a count or shape mismatch, naming the tensor.
    public mutating func setParameters(_ list: [Tensor<Scalar>]) throws {
        guard list.count == parameters.count else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.setParameters", reason: "expected \(parameters.count) tensors, got \(list.count)")
        }
        var offset = 0
        func take(_ n: Int) -> [Tensor<Scalar>] { defer { offset += n }; return Array(list[offset..<offset + n]) }
        for l in layers.indices {
            try layers[l].cell.setParameters(take(layers[l].cell.parameters.count))
            if isBidirectional { try reverseLayers[l].cell.setParameters(take(reverseLayers[l].cell.parameters.count)) }
        }
        let r = take(2)
        try r[0].requireShape(readout.weight.shape, "RecurrentModel.setParameters readout.weight")
        try r[1].requireShape(readout.bias.shape, "RecurrentModel.setParameters readout.bias")
        readout = try Linear(weight: r[0], bias: r[1])
    }

    /// For each of ``parameters``, whether it is a recurrent matrix (a cell's `recurrentWeightNames`, e.g. every
    /// layer's `weight_hh`): what a per-parameter learning rate or a constraint on W_hh selects.
    public var isRecurrentMatrix: [Bool] {
        var flags: [Bool] = []
        for l in layers.indices {
            for cell in [layers[l].cell] + (isBidirectional ? [reverseLayers[l].cell] : []) {
                let recurrent = Set(cell.recurrentWeightNames)
                flags += cell.parameterNames.map { recurrent.contains($0) }
            }
        }
        return flags + [false, false]   // readout weight and bias
    }

    /// Zero gradients shaped like ``parameters``.
    public func zeroGradients() -> [Tensor<Scalar>] { parameters.map { try! Tensor(shape: $0.shape) } }
}
