extension RecurrentModel {
    /// What a saved model records besides its tensors: the first layer's cell descriptor, the architecture
    /// and the library version.
    public var metadata: [String: String] {
        var m = layers[0].cell.descriptor
        m["num_layers"] = "\(layers.count)"
        m["bidirectional"] = "\(isBidirectional)"
        m["output_size"] = "\(readout.outputSize)"
        m["output_mode"] = outputMode.rawValue
        m["dropout"] = "\(dropout)"
        m["library"] = "swift-recurrent \(RecurrentLibrary.version)"
        return m
    }

    /// The model's tensors under PyTorch `state_dict` names (`weight_ih_l0`, …, `_reverse`), then `readout.weight`, `readout.bias`.
    public var namedParameters: [(String, Tensor<Scalar>)] { Array(zip(parameterNames, parameters)) }

    /// Every tensor a saved model holds: ``namedParameters``, then, with an ``inputNormalization``, its mean and
    /// scale as `input_normalization.mean` and `input_normalization.scale`, each (I).
    /// - Throws: `RecurrentError.shapeMismatch` when the normalization's width is not the model's input width.
    public func savedTensors() throws -> [(String, Tensor<Scalar>)] {
        guard let inputNormalization else { return namedParameters }
        guard inputNormalization.featureCount == inputSize else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentModel.inputNormalization", expected: "\(inputSize) features",
                                               got: "\(inputNormalization.featureCount)")
        }
        return namedParameters + inputNormalization.namedTensors
    }

    /// Saves the weights, and the ``inputNormalization`` if any, as safetensors (atomically). PyTorch reads the
    /// recurrent part with `nn.LSTM(...).load_state_dict(load_file(path), strict=False)` (strict=False because of
    /// the readout and the normalization).
    /// - Parameters:
    ///   - path: destination file.
    ///   - dtype: `.f32` or `.f64` (default: the model's scalar type).
    /// - Throws: `RecurrentError.invalidArgument` naming the path on an I/O failure.
    public func save(to path: String, dtype: SafeTensors.DType? = nil) throws {
        try SafeTensors.write(savedTensors(), metadata: metadata, dtype: dtype, to: path)
    }

    /// Replaces every parameter with the one saved in `path`: a file written by ``save(to:dtype:)`` or a
    /// training checkpoint (whose `model.*` tensors are used and whose optimizer state is ignored). The
    /// ``inputNormalization`` becomes the file's (`nil` when it stores none).
    ///
    /// ```swift
    /// var model = try RecurrentModel(inputSize: 1, outputSize: 10) { i, _, _ in
    ///     try SimpleRNNCell<Float>.npRNN(inputSize: i, hiddenSize: 100)
    /// }
    /// try model.loadWeights(from: "results/mnist-nprnn.ckpt.safetensors")
    /// ```
    /// - Parameter path: a safetensors file.
    /// - Throws: naming the file and the tensor when one is missing, has the wrong shape or is not the model's,
    ///   or naming the setting when the file records another architecture (cell kind, nonlinearity, layers, …).
    public mutating func loadWeights(from path: String) throws {
        let contents = try SafeTensors.read(from: path, as: Scalar.self)
        // Weights of the same shapes can belong to another model (a tanh SRNN's fit a ReLU one): where the file
        // records the architecture, it must be this model's. Dropout and the library version may differ.
        try contents.requireRecorded(metadata.filter { $0.key != "dropout" && $0.key != "library" }, subject: "the model")
        try load(contents.isCheckpoint ? contents.checkpointModelPart : contents)
    }

    /// Replaces every parameter with the tensor of the same name in `contents`, and the ``inputNormalization``
    /// with the one the file stores (`input_normalization.mean` and `.scale`; `nil` when absent, as in files
    /// written before normalization existed).
    /// - Parameter contents: a file read with `SafeTensors.read(from:as:)`, e.g. one written by ``save(to:dtype:)``
    ///   or by PyTorch's `safetensors.torch.save_file` with a readout added.
    /// - Throws: naming the file and the tensor when one is missing, has the wrong shape or holds a NaN or
    ///   infinity (with its first bad index), or a normalization scale is not positive, and listing tensors in
    ///   the file that the model does not have. On error the model is unchanged.
    public mutating func load(_ contents: SafeTensors.Contents<Scalar>) throws {
        let normalization = try InputNormalization<Scalar>.stored(in: contents, inputSize: inputSize)
        let normalizationNames = [InputNormalization<Scalar>.tensorNames.mean, InputNormalization<Scalar>.tensorNames.scale]
        let names = parameterNames, current = parameters
        var list: [Tensor<Scalar>] = []
        for (name, old) in zip(names, current) {
            let tensor = try contents.tensor(name)
            guard tensor.shape == old.shape else {
                throw RecurrentError.shapeMismatch(operation: "\(contents.source): tensor '\(name)'",
                                                   expected: "\(old.shape)", got: "\(tensor.shape)")
            }
            try tensor.requireFinite("\(contents.source): tensor '\(name)'")
            list.append(tensor)
        }
        let unexpected = contents.tensors.map(\.name).filter { !names.contains($0) && !normalizationNames.contains($0) }
        guard unexpected.isEmpty else {
            throw RecurrentError.invalidArgument(what: contents.source, reason: "tensors the model does not have: \(unexpected.joined(separator: ", "))")
        }
        try setParameters(list)
        inputNormalization = normalization
    }
}


extension SafeTensors.Contents {
    /// Whether the file is a training checkpoint (its `format` metadata says so, whatever its format version).
    public var isCheckpoint: Bool { metadata["format"]?.hasPrefix("swift-recurrent checkpoint") == true }

    /// A checkpoint's `model.*` tensors under the model's own names (its optimizer state and metadata left out).
    public var checkpointModelPart: SafeTensors.Contents<Scalar> {
        SafeTensors.Contents(
            tensors: tensors.filter { $0.name.hasPrefix("model.") }.map { (String($0.name.dropFirst(6)), $0.tensor) },
            metadata: [:], source: source)
    }
}
