import Recurrent
import RecurrentInitializers

/// The complete state of a training run: weights, optimizer buffers, step and random-generator state.
/// Saved as one safetensors file (`model.*` and `optimizer.*` tensors, the rest in `__metadata__`),
/// written atomically so that an interrupted write leaves the previous checkpoint intact.
extension Trainer {
    /// Writes a checkpoint.
    /// - Parameters:
    ///   - path: destination (replaced atomically).
    ///   - settings: extra metadata, e.g. the command line that started the run.
    /// - Throws: `RecurrentError.invalidArgument` naming the path on an I/O failure.
    public func saveCheckpoint(to path: String, settings: [String: String] = [:]) throws {
        var tensors = try model.savedTensors().map { ("model.\($0.0)", $0.1) }
        tensors += optimizer.state.enumerated().map { ("optimizer.\($0.offset)", $0.element) }
        let metadata = checkpointMetadata(model.metadata, format: "swift-recurrent checkpoint 1", settings: settings,
                                          step: step, optimizer: optimizer, generator: generator)
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Restores a checkpoint written by ``saveCheckpoint(to:settings:)`` into a trainer of the same architecture.
    ///
    /// Everything is validated before anything is replaced: on error the trainer is unchanged. The file must be
    /// a checkpoint of this run: the architecture it records (cell, nonlinearity, reset placement, sizes, layers,
    /// direction, readout, dropout) must be the model's, the settings it records must be `expected`, its step must
    /// be possible, and its optimizer state must have the layout this trainer's optimizer keeps. Checkpoints
    /// written before a setting was recorded are checked on what they record.
    ///
    /// ```swift
    /// try trainer.restoreCheckpoint(from: "run.ckpt", expecting: ["task": "addition", "optimizer": "adam"],
    ///                               maximumStep: 4000, optimizerStateTensors: 2 * trainer.model.parameters.count)
    /// ```
    /// - Parameters:
    ///   - path: a file written by ``saveCheckpoint(to:settings:)``.
    ///   - expected: settings of this run, compared with the `settings` the checkpoint was saved with (where it
    ///     records them).
    ///   - maximumStep: the run's total number of steps; a checkpoint beyond it is refused (default: no limit).
    ///   - optimizerStateTensors: the number of state tensors this trainer's optimizer keeps once it has
    ///     stepped (e.g. 2 per parameter for Adam); `nil` skips the check.
    /// - Returns: the `setting.*` metadata.
    /// - Throws: naming the file and what is missing or inconsistent: the setting, the saved value and this
    ///   run's value.
    @discardableResult
    public mutating func restoreCheckpoint(from path: String, expecting expected: [String: String] = [:],
                                           maximumStep: Int? = nil, optimizerStateTensors: Int? = nil) throws -> [String: String] {
        let contents = try SafeTensors.read(from: path, as: Scalar.self)
        func field(_ key: String) throws -> String {
            guard let value = contents.metadata[key] else {
                throw RecurrentError.invalidArgument(what: path, reason: "not a checkpoint: metadata '\(key)' is missing")
            }
            return value
        }
        guard try field("format") == "swift-recurrent checkpoint 1" else {
            throw RecurrentError.invalidArgument(what: path, reason: "unknown checkpoint format '\(try field("format"))'")
        }
        guard let savedStep = Int(try field("step")), let optimizerSteps = Int(try field("optimizer_steps")),
              let optimizerTensors = Int(try field("optimizer_tensors")) else {
            throw RecurrentError.invalidArgument(what: path, reason: "step counters are not integers")
        }
        guard savedStep >= 0, optimizerSteps >= 0, optimizerTensors >= 0 else {
            throw RecurrentError.invalidArgument(
                what: path, reason: "impossible counters: step \(savedStep), optimizer steps \(optimizerSteps), \(optimizerTensors) optimizer tensors")
        }
        if let maximumStep, savedStep > maximumStep {
            throw RecurrentError.invalidArgument(what: path, reason: "saved at step \(savedStep), beyond this run's \(maximumStep) steps")
        }
        try contents.requireRecorded(model.metadata.filter { $0.key != "library" }, subject: "the model")
        try contents.requireRecorded(expected, prefix: "setting.", subject: "this run")
        if let optimizerStateTensors, optimizerTensors != optimizerStateTensors, !(optimizerTensors == 0 && optimizerSteps == 0) {
            throw RecurrentError.invalidArgument(
                what: path, reason: "saved with optimizer state of \(optimizerTensors) tensors, but this run's optimizer keeps \(optimizerStateTensors)")
        }
        let words = try field("generator_state").split(separator: ",").compactMap { UInt64($0) }
        guard words.count == 4, words != [0, 0, 0, 0] else {
            throw RecurrentError.invalidArgument(what: path, reason: "generator_state must be four non-zero 64-bit words")
        }
        var restoredModel = model
        try restoredModel.load(contents.checkpointModelPart)
        let state = try (0..<optimizerTensors).map { try contents.tensor("optimizer.\($0)") }
        var restoredOptimizer = optimizer
        try restoredOptimizer.restore(state: state, stepCount: optimizerSteps)
        let restoredGenerator = try RandomGenerator(state: words)
        (model, optimizer, step, generator) = (restoredModel, restoredOptimizer, savedStep, restoredGenerator)
        var settings: [String: String] = [:]
        for (key, value) in contents.metadata where key.hasPrefix("setting.") { settings[String(key.dropFirst(8))] = value }
        return settings
    }
}

/// What every checkpoint records besides the tensors: the model's own metadata, the run's settings
/// (`setting.*`, compared when resuming), the format, the step, the optimizer's step count and number of state
/// tensors, and the random generator's state.
func checkpointMetadata<S: RecurrentScalar>(_ modelMetadata: [String: String], format: String, settings: [String: String],
                                            step: Int, optimizer: AnyOptimizer<S>, generator: RandomGenerator) -> [String: String] {
    var metadata = modelMetadata
    for (key, value) in settings { metadata["setting.\(key)"] = value }
    metadata["format"] = format
    metadata["step"] = "\(step)"
    metadata["optimizer_steps"] = "\(optimizer.stepCount)"
    metadata["optimizer_tensors"] = "\(optimizer.state.count)"
    metadata["generator_state"] = generator.state.map { String($0) }.joined(separator: ",")
    return metadata
}
