extension LanguageModel {
    /// What a saved language model records besides its tensors: the network's metadata (cell, sizes, layers),
    /// the embedding width, the vocabulary and a format tag.
    public var metadata: [String: String] {
        var m = network.metadata
        m["format"] = LanguageModelFile.format
        m["embedding_size"] = "\(embedding.embeddingSize)"
        m["tie_weights"] = tiesWeights ? "true" : "false"
        m["vocabulary"] = vocabulary.serialized
        return m
    }

    /// Saves weights, architecture and vocabulary as safetensors (atomically): the network's tensors under
    /// PyTorch names (`weight_ih_l0`, …, `readout.weight` for the output layer) and `embedding.weight`. With
    /// tied weights the shared matrix is saved once, as `embedding.weight`, and the metadata says
    /// `tie_weights = true` (in PyTorch: `decoder.weight = embedding.weight` after loading).
    /// - Parameters:
    ///   - path: destination file.
    ///   - dtype: `.f32` or `.f64` (default: the model's scalar type).
    public func save(to path: String, dtype: SafeTensors.DType? = nil) throws {
        try SafeTensors.write(Array(zip(parameterNames, parameters)), metadata: metadata, dtype: dtype, to: path)
    }

    /// Replaces every parameter with the one saved in `path` by ``save(to:dtype:)``.
    /// - Throws: naming the file and the setting when it records another architecture or vocabulary, and
    ///   naming the tensor when one is missing, misshapen or not finite.
    public mutating func loadWeights(from path: String) throws {
        var contents = try SafeTensors.read(from: path, as: Scalar.self)
        if let format = contents.metadata["format"], format != LanguageModelFile.format, format != LanguageModelFile.checkpointFormat {
            throw RecurrentError.invalidArgument(what: path, reason: "saved with format = \(format), but the model has format = \(LanguageModelFile.format)")
        }
        if contents.metadata["format"] == LanguageModelFile.checkpointFormat {   // a training checkpoint: its model.* part
            contents.tensors = contents.tensors.filter { $0.name.hasPrefix("model.") }.map { (String($0.name.dropFirst(6)), $0.tensor) }
        }
        if let saved = contents.metadata["vocabulary"], saved != vocabulary.serialized {
            throw RecurrentError.invalidArgument(what: path, reason: "saved with another vocabulary, but the model has \(vocabulary.count) other tokens")
        }
        try contents.requireRecorded(metadata.filter { !["dropout", "library", "vocabulary", "format"].contains($0.key) }, subject: "the model")
        // The network's tensors go through the model's own loading (names, shapes, finiteness, unexpected
        // tensors); the embedding is the one tensor it does not know.
        let weight = try contents.tensor("embedding.weight")
        try weight.requireShape(embedding.weight.shape, "\(path): tensor 'embedding.weight'")
        try weight.requireFinite("\(path): tensor 'embedding.weight'")
        var networkTensors = contents.tensors.filter { $0.name != "embedding.weight" }
        if tiesWeights {
            // The output weight is the embedding: saved once, so a file with its own is another model.
            if networkTensors.contains(where: { $0.name == "readout.weight" }) {
                throw RecurrentError.invalidArgument(what: path, reason: "has its own readout.weight, but the model ties it to embedding.weight")
            }
            networkTensors.append((name: "readout.weight", tensor: weight))
        }
        var loaded = network
        try loaded.load(SafeTensors.Contents(tensors: networkTensors, metadata: [:], source: contents.source))
        network = loaded
        embedding = try Embedding(weight: weight)
    }
}

/// Reading what a saved language model is, before building it (the command line builds any cell kind from it).
public enum LanguageModelFile {
    /// The `format` metadata of a saved language model.
    public static let format = "swift-recurrent language model 1"
    /// The `format` metadata of a language-model training checkpoint (its model under `model.*` names).
    public static let checkpointFormat = "swift-recurrent language model checkpoint 1"

    /// The architecture recorded in a saved language model.
    public struct Architecture: Sendable, Equatable {
        /// The vocabulary the model was trained with.
        public var vocabulary: Vocabulary
        /// Width E of a token vector.
        public var embeddingSize: Int
        /// Number of stacked layers.
        public var layers: Int
        /// The first layer's cell descriptor (`cell`, `hidden_size`, …), as saved.
        public var cell: [String: String]
        /// Whether the output matrix is the embedding (`tie_weights`; false when a file does not say).
        public var tiesWeights: Bool
    }

    /// Reads the architecture of a file written by ``LanguageModel/save(to:dtype:)`` or of a training checkpoint.
    /// - Throws: naming the file when it is not a saved language model or a setting is missing or malformed.
    public static func architecture(of path: String) throws -> Architecture {
        let contents = try SafeTensors.read(from: path, as: Float.self)
        let m = contents.metadata
        guard m["format"] == format || m["format"] == checkpointFormat else {
            throw RecurrentError.invalidArgument(what: path, reason: "not a saved language model (format \(m["format"].map { "\"\($0)\"" } ?? "missing"), expected \"\(format)\")")
        }
        guard let text = m["vocabulary"], let e = m["embedding_size"].flatMap(Int.init), e > 0,
              let layers = m["num_layers"].flatMap(Int.init), layers > 0 else {
            throw RecurrentError.invalidArgument(what: path, reason: "the metadata lacks a valid vocabulary, embedding_size or num_layers")
        }
        return Architecture(vocabulary: try Vocabulary(serialized: text), embeddingSize: e, layers: layers, cell: m,
                            tiesWeights: m["tie_weights"] == "true")
    }
}
