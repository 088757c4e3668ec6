/// A trained sequence model whose cell type is not known at compile time: what ``ModelFile/load(from:as:)``
/// returns. ``RecurrentModel`` conforms, whatever its cell.
///
/// ```swift
/// let model = try RecurrentModel(inputSize: 2, outputSize: 3, layers: 2) { input, _, _ in
///     try GRUCell<Float>(inputSize: input, hiddenSize: 8, seed: 1)
/// }
/// let path = FileManager.default.temporaryDirectory.appendingPathComponent("gru-example.safetensors").path
/// try model.save(to: path)
/// let loaded = try ModelFile.load(from: path)                       // any SequenceModel<Float>
/// let x = try Tensor<Float>(shape: [6, 4, 2], repeating: 0.25)      // (T, B, I)
/// let y = try loaded.predict(x, lengths: nil)                       // (B, K) = (4, 3)
/// // y == model.predict(x), bit for bit; print(loaded) shows the layers and their parameter counts.
/// ```
public protocol SequenceModel<Scalar>: Sendable, CustomStringConvertible {
    /// The scalar type, `Float` or `Double`.
    associatedtype Scalar: RecurrentScalar
    /// Width I of the input at each step.
    var inputSize: Int { get }
    /// Width K of the readout's output.
    var outputSize: Int { get }
    /// Number of stacked layers L.
    var layerCount: Int { get }
    /// Whether every level has a reverse-direction layer.
    var isBidirectional: Bool { get }
    /// Whether the readout sees the last step or every step.
    var outputMode: OutputMode { get }
    /// Number of trainable scalars: every layer's cell and the readout.
    var parameterCount: Int { get }
    /// The standardization applied to the raw input before the first layer, `nil` for none (see
    /// ``RecurrentModel/inputNormalization``).
    var inputNormalization: InputNormalization<Scalar>? { get }
    /// The architecture as a saved file records it (see ``RecurrentModel/metadata``).
    var metadata: [String: String] { get }
    /// The readout's output for whole sequences, dropout off (see ``RecurrentModel/predict(_:lengths:)``).
    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - lengths: optional per-row lengths (1...T) for a ragged batch.
    /// - Returns: (B, K) for ``OutputMode/lastStep``; (T·B, K) for ``OutputMode/everyStep``, row t·B + b.
    func predict(_ input: Tensor<Scalar>, lengths: [Int]?) throws -> Tensor<Scalar>
    /// The top layer's states at every step, before the readout, dropout off: (T, B, D·H), the reverse
    /// direction's re-aligned to input time after the forward one's (PyTorch's `output` of `nn.LSTM`).
    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - lengths: optional per-row lengths (1...T); padded steps are zero.
    func hiddenStates(_ input: Tensor<Scalar>, lengths: [Int]?) throws -> Tensor<Scalar>
    /// One step of a unidirectional model, streaming sample by sample (see ``RecurrentModel/step(_:state:)``):
    /// the same outputs, bit for bit, with the state of each layer, bottom first, as a plain list.
    /// - Parameters:
    ///   - input: (B, I), this step's input of each sequence.
    ///   - layerStates: what the previous step returned; `nil` means zeros.
    /// - Returns: the readout output (B, K) and each layer's state (B, S) after this step.
    /// - Throws: `RecurrentError.invalidArgument` for a bidirectional model, which cannot stream.
    func step(_ input: Tensor<Scalar>, layerStates: [Tensor<Scalar>]?) throws -> (output: Tensor<Scalar>, layerStates: [Tensor<Scalar>])
    /// Saves weights and architecture as safetensors (atomically), readable by ``ModelFile/load(from:as:)``.
    /// - Parameters:
    ///   - path: destination file.
    ///   - dtype: `.f32` or `.f64` (`nil`: the model's scalar type).
    func save(to path: String, dtype: SafeTensors.DType?) throws
}

extension RecurrentModel: SequenceModel {
    /// Width K of the readout's output.
    public var outputSize: Int { readout.outputSize }

    /// Number of stacked layers L.
    public var layerCount: Int { layers.count }

    /// Number of trainable scalars: every layer's cell (both directions) and the readout.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The top layer's states at every step, (T, B, D·H), dropout off: ``topOutputs(of:)`` of a forward pass.
    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - lengths: optional per-row lengths (1...T); padded steps are zero.
    /// - Throws: `RecurrentError` for a wrong input shape or bad lengths.
    public func hiddenStates(_ input: Tensor<Scalar>, lengths: [Int]? = nil) throws -> Tensor<Scalar> {
        guard input.rank == 3, input.shape[2] == inputSize else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentModel.hiddenStates input", expected: "(T, B, \(inputSize))",
                                               got: "\(input.shape)")
        }
        return try topOutputs(of: forward(input, lengths: lengths))
    }

    /// ``step(_:state:)`` with the state as a list of layer states (B, S), bottom first: the streaming entry of
    /// ``SequenceModel``, for a model whose cell type is not known at compile time.
    /// - Parameters:
    ///   - input: (B, I).
    ///   - layerStates: what the previous step returned; `nil` means zeros.
    /// - Throws: as ``step(_:state:)``.
    public func step(_ input: Tensor<Scalar>, layerStates: [Tensor<Scalar>]?) throws
        -> (output: Tensor<Scalar>, layerStates: [Tensor<Scalar>]) {
        let (output, next) = try step(input, state: layerStates.map(State.init(layers:)))
        return (output, next.layers)
    }
}
