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
    /// Whether the output matrix is the embedding matrix (weight tying, Press & Wolf 2017; Inan et al. 2017):
    /// `z_t = E·h_t + b_out`, one (V, E) matrix for both uses, E = H. Then ``parameters`` holds it once (as
    /// `embedding.weight`), its gradient is the sum of both uses' gradients, and ``setParameters(_:)`` writes it
    /// to both places; code that edits ``embedding`` or ``network`` directly must keep `network.readout.weight`
    /// equal to `embedding.weight`.
    public private(set) var tiesWeights = false

    /// A model from a cell factory.
    /// - Parameters:
    ///   - vocabulary: V tokens.
    ///   - embeddingSize: E, the width of a token vector.
    ///   - layers: number of stacked layers, ≥ 1.
    ///   - dropout: probability of dropping a unit between layers and before the output layer, in [0, 1).
    ///   - tieWeights: share the embedding matrix as the output matrix (see ``tiesWeights``); needs E = H of the top layer.
    ///   - seed: seed of the embedding and the output layer.
    ///   - makeCell: `(inputSize, layer)` → the cell of that layer.
    /// - Throws: for bad sizes, or any error of `makeCell`.
    public init(vocabulary: Vocabulary, embeddingSize: Int, layers: Int = 1, dropout: Double = 0, tieWeights: Bool = false,
                seed: UInt64 = 0, makeCell: (_ inputSize: Int, _ layer: Int) throws -> Cell) throws {
        self.vocabulary = vocabulary
        self.embedding = try Embedding(vocabularySize: vocabulary.count, embeddingSize: embeddingSize, seed: seed)
        self.network = try RecurrentModel(inputSize: embeddingSize, outputSize: vocabulary.count, layers: layers,
                                          dropout: dropout, outputMode: .everyStep, seed: seed &+ 1) { input, layer, _ in
            try makeCell(input, layer)
        }
        if tieWeights { self = try tyingWeights() }
    }

    /// This model with its output matrix replaced by the embedding matrix (weight tying; the output bias stays).
    /// - Throws: unless the embedding width E equals the width H the top layer gives the output layer, naming both.
    public func tyingWeights() throws -> LanguageModel {
        guard embedding.embeddingSize == network.readout.inputSize else {
            throw RecurrentError.invalidArgument(
                what: "weight tying", reason: "needs the embedding size (\(embedding.embeddingSize)) to equal the top layer's "
                    + "output size (\(network.readout.inputSize)), the width the output layer reads")
        }
        var copy = self
        copy.network.readout = try Linear(weight: embedding.weight, bias: network.readout.bias)
        copy.tiesWeights = true
        return copy
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

    /// Every trainable tensor: the network's (its layers, then the output layer — without its weight when
    /// ``tiesWeights``), then the embedding.
    public var parameters: [Tensor<Scalar>] { withoutTiedReadout(network.parameters) + [embedding.weight] }

    /// Names matching ``parameters``: the network's (`weight_ih_l0`, …, `readout.weight`, `readout.bias`), then
    /// `embedding.weight` (PyTorch's `nn.Embedding` name).
    public var parameterNames: [String] { withoutTiedReadout(network.parameterNames) + ["embedding.weight"] }

    /// A list in the network's order without the output weight's entry (second to last) when it is tied.
    func withoutTiedReadout<T>(_ list: [T]) -> [T] {
        guard tiesWeights else { return list }
        var list = list
        list.remove(at: list.count - 2)
        return list
    }

    /// Replaces every parameter (order and shapes of ``parameters``); a tied embedding goes to both places.
    /// - Throws: on a count or shape mismatch or a non-finite embedding.
    public mutating func setParameters(_ list: [Tensor<Scalar>]) throws {
        guard let last = list.last, list.count == parameters.count else {
            throw RecurrentError.invalidArgument(what: "LanguageModel.setParameters", reason: "expected \(parameters.count) tensors, got \(list.count)")
        }
        try last.requireShape(embedding.weight.shape, "LanguageModel.setParameters embedding.weight")
        var networkList = Array(list.dropLast())
        if tiesWeights { networkList.insert(last, at: networkList.count - 1) }
        try network.setParameters(networkList)
        embedding = try Embedding(weight: last)
    }

    /// The gradients in the order of ``parameters`` from those of the network (its order) and the embedding's
    /// own use: with tied weights, the output weight's gradient is added to the embedding's (∂L/∂E sums both uses).
    /// - Throws: on a shape mismatch.
    public func parameterGradients(network networkGradients: [Tensor<Scalar>], embedding dEmbedding: Tensor<Scalar>) throws
        -> [Tensor<Scalar>] {
        var dE = dEmbedding
        if tiesWeights { try dE.add(networkGradients[networkGradients.count - 2]) }
        return withoutTiedReadout(networkGradients) + [dE]
    }

    /// Zero tensors shaped like ``parameters``.
    public func zeroGradients() -> [Tensor<Scalar>] { parameters.map { $0.map { _ in 0 } } }
}
