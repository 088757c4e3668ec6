import RecurrentInitializers

/// A language model: token ids → ``Embedding`` → stacked recurrent layers → a linear output over the
/// vocabulary at every step (Zaremba et al. 2014's layout; Karpathy's char-rnn at character level).
///
///     x_t = E[id_t]                       (B, E)
///     h_t = layers(x_t, h_{t−1})          (B, H) the top layer's output
///     z_t = W_out·h_t + b_out             (B, V) logits of the next token
///
/// The network is a ``RecurrentModel`` with ``OutputMode/everyStep`` whose readout is the output layer, so
/// everything a model offers (every cell, stacking, dropout between layers, `step` for streaming) holds.
/// The ``vocabulary`` travels with the weights, so a saved model generates with the tokens it was trained on.
///
/// ```swift
/// let vocabulary = try Vocabulary.characters(of: "to be or not to be")
/// let model = try LanguageModel(vocabulary: vocabulary, embeddingSize: 8, layers: 2, seed: 1) { input, _ in
///     try LSTMCell<Float>(inputSize: input, hiddenSize: 16, seed: 2)
/// }
/// let text = try model.generate(prime: "to ", length: 10, temperature: 0.8, seed: 3)
/// print(text.unicodeScalars.count)       // prints 13
/// ```
public struct LanguageModel<Cell: RecurrentCell>: Sendable {
    /// The cell's scalar type.
    public typealias Scalar = Cell.Scalar
    /// The tokens and the text ↔ id map.
    public var vocabulary: Vocabulary
    /// Token vectors, (V, E).
    public var embedding: Embedding<Scalar>
    /// The recurrent layers and the output layer (its `readout`, (V, H)), every-step output.
    public var network: RecurrentModel<Cell>

    /// A model from a cell factory.
    /// - Parameters:
    ///   - vocabulary: V tokens.
    ///   - embeddingSize: E, the width of a token vector.
    ///   - layers: number of stacked layers, ≥ 1.
    ///   - dropout: probability of dropping a unit between layers and before the output layer, in [0, 1).
    ///   - seed: seed of the embedding and the output layer.
    ///   - makeCell: `(inputSize, layer)` → the cell of that layer.
    /// - Throws: for bad sizes, or any error of `makeCell`.
    public init(vocabulary: Vocabulary, embeddingSize: Int, layers: Int = 1, dropout: Double = 0, seed: UInt64 = 0,
                makeCell: (_ inputSize: Int, _ layer: Int) throws -> Cell) throws {
        self.vocabulary = vocabulary
        self.embedding = try Embedding(vocabularySize: vocabulary.count, embeddingSize: embeddingSize, seed: seed)
        self.network = try RecurrentModel(inputSize: embeddingSize, outputSize: vocabulary.count, layers: layers,
                                          dropout: dropout, outputMode: .everyStep, seed: seed &+ 1) { input, layer, _ in
            try makeCell(input, layer)
        }
    }

    /// A model from its parts.
    /// - Throws: unless the sizes agree (V tokens, embedding (V, E), a unidirectional every-step network of
    ///   input E and output V).
    public init(vocabulary: Vocabulary, embedding: Embedding<Scalar>, network: RecurrentModel<Cell>) throws {
        guard embedding.vocabularySize == vocabulary.count, network.readout.outputSize == vocabulary.count,
              network.inputSize == embedding.embeddingSize, network.outputMode == .everyStep, !network.isBidirectional else {
            throw RecurrentError.invalidArgument(
                what: "LanguageModel",
                reason: "expected \(vocabulary.count) tokens in the embedding (\(embedding.vocabularySize)) and the output layer "
                    + "(\(network.readout.outputSize)), embedding width \(embedding.embeddingSize) = network input \(network.inputSize), "
                    + "a unidirectional network with every-step output")
        }
        self.vocabulary = vocabulary
        self.embedding = embedding
        self.network = network
    }

    /// Every trainable tensor: the network's (its layers, then the output layer), then the embedding.
    public var parameters: [Tensor<Scalar>] { network.parameters + [embedding.weight] }

    /// Names matching ``parameters``: the network's (`weight_ih_l0`, …, `readout.weight`), then `embedding.weight`.
    public var parameterNames: [String] { network.parameterNames + ["embedding.weight"] }

    /// Replaces every parameter (order and shapes of ``parameters``).
    /// - Throws: on a count or shape mismatch or a non-finite embedding.
    public mutating func setParameters(_ list: [Tensor<Scalar>]) throws {
        guard let last = list.last, list.count == parameters.count else {
            throw RecurrentError.invalidArgument(what: "LanguageModel.setParameters", reason: "expected \(parameters.count) tensors, got \(list.count)")
        }
        try last.requireShape(embedding.weight.shape, "LanguageModel.setParameters embedding.weight")
        try network.setParameters(Array(list.dropLast()))
        embedding = try Embedding(weight: last)
    }

    /// Zero tensors shaped like ``parameters``.
    public func zeroGradients() -> [Tensor<Scalar>] { network.zeroGradients() + [embedding.weight.map { _ in 0 }] }
}
