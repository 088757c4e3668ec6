/// Building a model from a saved file alone: the file's metadata names the cell and the architecture, its
/// tensors hold the weights.
public enum ModelFile {
    /// Loads a model written by ``RecurrentModel/save(to:dtype:)``, or the model of a training checkpoint, whatever
    /// its cell kind — like PyTorch's `torch.load` or Keras's `load_model`, no code describing the model needed.
    ///
    /// The metadata keys read, and the default where an older file lacks one:
    /// - the first layer's cell descriptor (`cell`, `input_size`, `hidden_size`, `nonlinearity`, `reset`, SCRN
    ///   `context_size`/`alpha`/`trainable_alpha`, optional `kind`): required, see
    ///   ``CellSpecification/init(descriptor:)``;
    /// - `num_layers`: default the number of layers the tensors hold (`…_l0`, `…_l1`, …);
    /// - `bidirectional`: default whether `_reverse` tensors are present;
    /// - `output_size`: default the rows of `readout.weight`;
    /// - `output_mode`: default `lastStep` (sequence to one);
    /// - `dropout`: default 0 (it has no effect on ``SequenceModel/predict(_:lengths:)``).
    ///
    /// The tensors `input_normalization.mean` and `.scale`, when present, become the model's
    /// ``RecurrentModel/inputNormalization`` (absent: none, as in files written before it existed).
    ///
    /// - Parameters:
    ///   - path: a safetensors file.
    ///   - scalar: the compute type (`Float` by default); a file saved in the other type is converted.
    /// - Returns: the model, its weights loaded.
    /// - Throws: `RecurrentError.invalidArgument` naming the file and the setting when the metadata is missing or
    ///   malformed, or the file is a language model; naming the tensor when one is missing, misshapen or not finite.
    public static func load<S: RecurrentScalar>(from path: String, as scalar: S.Type = Float.self) throws -> any SequenceModel<S> {
        try load(SafeTensors.read(from: path, as: S.self))
    }

    /// Builds the model a file's contents describe (see ``load(from:as:)``).
    /// - Parameter contents: a file read with `SafeTensors.read(from:as:)`.
    /// - Returns: the model, its weights loaded.
    /// - Throws: as ``load(from:as:)``.
    public static func load<S: RecurrentScalar>(_ contents: SafeTensors.Contents<S>) throws -> any SequenceModel<S> {
        let architecture = try Architecture(contents)
        let weights = contents.isCheckpoint ? contents.checkpointModelPart : contents
        return try architecture.cell.visit(Builder<S>(architecture: architecture, weights: weights))
    }

    /// What a saved model's metadata describes.
    public struct Architecture: Sendable, Equatable {
        /// The cell of every layer and direction (the first layer's input size is the model's).
        public var cell: CellSpecification
        /// Number of stacked layers.
        public var layers: Int
        /// Whether every level has a reverse-direction layer.
        public var bidirectional: Bool
        /// Width K of the readout.
        public var outputSize: Int
        /// Last step or every step.
        public var outputMode: OutputMode
        /// Dropout probability recorded for training.
        public var dropout: Double

        /// Reads the architecture from a file's metadata, with the defaults of ``ModelFile/load(from:as:)``.
        /// - Parameter contents: a saved model or checkpoint.
        /// - Throws: naming the file and the setting when one is missing or malformed.
        public init<S: RecurrentScalar>(_ contents: SafeTensors.Contents<S>) throws {
            let m = contents.metadata, source = contents.source
            func failure(_ reason: String) -> RecurrentError { .invalidArgument(what: source, reason: reason) }
            if m["format"]?.hasPrefix("swift-recurrent language model") == true {
                throw failure("a language model (it has an embedding), not a sequence model; load it with LanguageModel")
            }
            do {
                cell = try CellSpecification(descriptor: m)
            } catch let RecurrentError.invalidArgument(_, reason) {
                throw failure("not a saved model (its metadata does not describe the cell: \(reason))")
            }
            let weights = contents.isCheckpoint ? contents.checkpointModelPart : contents
            let names = weights.tensors.map(\.name)
            func integer(_ key: String, default value: () throws -> Int) throws -> Int {
                guard let text = m[key] else { return try value() }
                guard let n = Int(text), n > 0 else { throw failure("the metadata's '\(key)' must be a positive integer, got '\(text)'") }
                return n
            }
            layers = try integer("num_layers") {
                var count = 0
                while names.contains(where: { $0.hasSuffix("_l\(count)") }) { count += 1 }
                guard count > 0 else { throw failure("no 'num_layers' in the metadata and no layer tensors ('…_l0')") }
                return count
            }
            switch m["bidirectional"] {
            case nil: bidirectional = names.contains { $0.hasSuffix("_reverse") }
            case "true": bidirectional = true
            case "false": bidirectional = false
            case let other?: throw failure("the metadata's 'bidirectional' must be true or false, got '\(other)'")
            }
            outputSize = try integer("output_size") {
                guard let w = weights.tensors.first(where: { $0.name == "readout.weight" })?.tensor, w.rank == 2 else {
                    throw failure("no 'output_size' in the metadata and no tensor 'readout.weight'")
                }
                return w.shape[0]
            }
            switch m["output_mode"] {
            case nil: outputMode = .lastStep
            case let text?:
                guard let mode = OutputMode(rawValue: text) else {
                    throw failure("the metadata's 'output_mode' must be lastStep, everyStep or meanOverTime, got '\(text)'")
                }
                outputMode = mode
            }
            switch m["dropout"] {
            case nil: dropout = 0
            case let text?:
                guard let p = Double(text), p >= 0, p < 1 else { throw failure("the metadata's 'dropout' must be in [0, 1), got '\(text)'") }
                dropout = p
            }
        }
    }

    /// Builds the model with the specification's concrete cell type and loads the weights.
    private struct Builder<Scalar: RecurrentScalar>: CellVisitor {
        let architecture: Architecture
        let weights: SafeTensors.Contents<Scalar>

        func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> any SequenceModel<Scalar>
        where Cell.Scalar == Scalar {
            let a = architecture
            var model = try RecurrentModel(inputSize: a.cell.inputSize, outputSize: a.outputSize, layers: a.layers,
                                           bidirectional: a.bidirectional, dropout: a.dropout, outputMode: a.outputMode,
                                           makeCell: makeCell)
            try model.load(weights)
            return model
        }
    }
}
