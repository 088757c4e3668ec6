import Recurrent
import RecurrentInitializers

/// The complete state of a language-model training run in one safetensors file (written atomically): the
/// model (`model.*`, with its vocabulary and architecture in the metadata), the optimizer buffers
/// (`optimizer.*`), the step, the dropout generator, and, when windows are read in order, the carried state
/// (`carried.<layer>.<direction>`). The caller may add its own values (e.g. the window generator) under
/// `extra`, returned as they were by ``restoreCheckpoint(from:expecting:maximumStep:)``.
extension LanguageModelTrainer {
    /// The `format` metadata of a language-model checkpoint.
    public static var checkpointFormat: String { LanguageModelFile.checkpointFormat }

    /// Writes a checkpoint.
    /// - Parameters:
    ///   - path: destination (replaced atomically).
    ///   - settings: this run's settings, compared when resuming (saved as `setting.*`).
    ///   - extra: values the caller needs to continue exactly (saved as `extra.*`, not compared).
    ///   - carriedStates: the state carried into the next window, `[layer][direction]`, if any.
    /// - Throws: naming the path on an I/O failure.
    public func saveCheckpoint(to path: String, settings: [String: String] = [:], extra: [String: String] = [:],
                               carriedStates: [[Tensor<Scalar>]]? = nil) throws {
        var tensors = zip(model.parameterNames, model.parameters).map { ("model.\($0.0)", $0.1) }
        tensors += optimizer.state.enumerated().map { ("optimizer.\($0.offset)", $0.element) }
        for (l, level) in (carriedStates ?? []).enumerated() {
            tensors += level.enumerated().map { ("carried.\(l).\($0.offset)", $0.element) }
        }
        var metadata = checkpointMetadata(model.metadata, format: Self.checkpointFormat, settings: settings,
                                          step: step, optimizer: optimizer, generator: generator)
        for (key, value) in extra { metadata["extra.\(key)"] = value }
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Restores a checkpoint of ``saveCheckpoint(to:settings:extra:carriedStates:)`` into a trainer of the same
    /// model (architecture, vocabulary, weight tying). Everything is validated before anything is replaced: on
    /// error the trainer is unchanged.
    /// - Parameters:
    ///   - path: the checkpoint.
    ///   - expected: this run's settings, compared with those the checkpoint records.
    ///   - maximumStep: the run's total steps; a checkpoint beyond it is refused.
    /// - Returns: the caller's `extra` values and the carried state (nil when none was saved).
    /// - Throws: naming the file and what is missing or inconsistent.
    @discardableResult
    public mutating func restoreCheckpoint(from path: String, expecting expected: [String: String] = [:], maximumStep: Int? = nil)
        throws -> (extra: [String: String], carriedStates: [[Tensor<Scalar>]]?) {
        let contents = try SafeTensors.read(from: path, as: Scalar.self)
        let m = contents.metadata
        func failure(_ reason: String) -> RecurrentError { .invalidArgument(what: path, reason: reason) }
        guard m["format"] == Self.checkpointFormat else {
            throw failure("not a language-model checkpoint (format \(m["format"].map { "\"\($0)\"" } ?? "missing"))")
        }
        guard let savedStep = m["step"].flatMap(Int.init), let optimizerSteps = m["optimizer_steps"].flatMap(Int.init),
              let optimizerTensors = m["optimizer_tensors"].flatMap(Int.init),
              savedStep >= 0, optimizerSteps >= 0, optimizerTensors >= 0 else {
            throw failure("the step counters are missing or not non-negative integers")
        }
        if let maximumStep, savedStep > maximumStep {
            throw failure("saved at step \(savedStep), beyond this run's \(maximumStep) steps")
        }
        if let saved = m["vocabulary"], saved != model.vocabulary.serialized {
            throw failure("saved with another vocabulary than this run's \(model.vocabulary.count) tokens")
        }
        try contents.requireRecorded(model.metadata.filter { !["dropout", "library", "vocabulary", "format"].contains($0.key) },
                                     subject: "the model")
        try contents.requireRecorded(expected, prefix: "setting.", subject: "this run")
        let words = (m["generator_state"] ?? "").split(separator: ",").compactMap { UInt64($0) }
        guard words.count == 4, words != [0, 0, 0, 0] else { throw failure("generator_state must be four non-zero 64-bit words") }
        var restoredModel = model
        let names = model.parameterNames
        try restoredModel.setParameters(names.indices.map { k in
            let tensor = try contents.tensor("model.\(names[k])")
            try tensor.requireShape(model.parameters[k].shape, "\(path): tensor 'model.\(names[k])'")
            try tensor.requireFinite("\(path): tensor 'model.\(names[k])'")
            return tensor
        })
        var restoredOptimizer = optimizer
        try restoredOptimizer.restore(state: try (0..<optimizerTensors).map { try contents.tensor("optimizer.\($0)") },
                                      stepCount: optimizerSteps)
        var carried: [[Tensor<Scalar>]]? = nil
        if contents.tensors.contains(where: { $0.name.hasPrefix("carried.") }) {
            let layers = model.network.layers
            carried = try layers.indices.map { l in
                let tensor = try contents.tensor("carried.\(l).0")
                guard tensor.rank == 2, tensor.shape[1] == layers[l].cell.stateSize else {
                    throw failure("tensor 'carried.\(l).0' is \(tensor.shape), not (B, \(layers[l].cell.stateSize))")
                }
                return [tensor]
            }
        }
        (model, optimizer, step, generator) = (restoredModel, restoredOptimizer, savedStep, try RandomGenerator(state: words))
        var extra: [String: String] = [:]
        for (key, value) in m where key.hasPrefix("extra.") { extra[String(key.dropFirst(6))] = value }
        return (extra, carried)
    }
}
