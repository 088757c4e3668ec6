extension SafeTensors.Contents {
    /// Checks that what a file records about how it was made agrees with what its reader expects: for every
    /// `key = value` of `expected` that the file's metadata holds under `prefix + key`, the saved value must be
    /// the same. Keys the file does not record (files written before they were recorded) pass.
    ///
    /// Loading weights and resuming a checkpoint share this check, so a mismatch always reads the same way:
    /// `saved with nonlinearity = tanh, but the model has nonlinearity = relu`.
    ///
    /// ```swift
    /// let file = SafeTensors.Contents<Float>(tensors: [], metadata: ["nonlinearity": "tanh"], source: "w.safetensors")
    /// try file.requireRecorded(["nonlinearity": "tanh", "layers": "2"], subject: "the model")   // passes
    /// ```
    /// - Parameters:
    ///   - expected: setting names and the reader's values.
    ///   - prefix: where the file keeps them in its metadata (e.g. `setting.`); empty by default.
    ///   - subject: who has the expected values, for the message (`the model`, `this run`).
    /// - Throws: `RecurrentError.invalidArgument` naming the file, the setting (the first in name order), the
    ///   saved value and the expected one.
    public func requireRecorded(_ expected: [String: String], prefix: String = "", subject: String) throws {
        for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
            if let saved = metadata[prefix + key], saved != value {
                throw RecurrentError.invalidArgument(
                    what: source, reason: "saved with \(key) = \(saved), but \(subject) has \(key) = \(value)")
            }
        }
    }
}
