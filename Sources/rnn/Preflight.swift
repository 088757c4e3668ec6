import Recurrent

/// Checks made before a command does any work, so that a long run never ends with its result unsaved and an
/// impossible size is refused before anything is allocated. Both report a usage error (exit status 2).
enum Preflight {
    /// Refuses an output path that cannot be written later: a missing directory, a directory, a device or pipe,
    /// a directory without write permission (``FileIO/checkWritable(_:)``).
    /// - Parameter outputs: each flag (e.g. `--save`) with its path, `nil` when the flag was not given.
    /// - Throws: ``UsageError`` naming the flag, the path and the problem.
    static func checkOutputs(_ outputs: [(flag: String, path: String?)]) throws {
        for case let (flag, path?) in outputs {
            do {
                try FileIO.checkWritable(path)
            } catch {
                throw UsageError("\(flag) \(path) cannot be written: \(error)")
            }
        }
    }

    /// Refuses a request whose bytes (computed with overflow checks) exceed ``SizeGuard/limit()``.
    /// - Parameters:
    ///   - setting: the settings that drive the size, as the user wrote them (`--hidden 100000000`).
    ///   - what: what is allocated, for the message.
    ///   - shapes: the shapes of the tensors, with `elementSize`-byte elements.
    /// - Throws: ``UsageError`` naming the settings, what they allocate and the bytes.
    static func checkSize(_ setting: String, _ what: String, shapes: [[Int]], elementSize: Int) throws {
        do {
            var total = 0
            for shape in shapes {
                let (sum, overflow) = total.addingReportingOverflow(try SizeGuard.bytes(of: shape, elementSize: elementSize, setting: setting))
                guard !overflow else { throw RecurrentError.invalidArgument(what: setting, reason: "needs more bytes than Int can count") }
                total = sum
            }
            try SizeGuard.check(bytes: total, setting: setting)
        } catch let error as RecurrentError {
            throw UsageError("\(error) (\(what))")
        }
    }
}

extension TrainOptions {
    /// The output paths of a training run, checked before it starts.
    var outputs: [(flag: String, path: String?)] {
        [("--save", save), ("--checkpoint", checkpoint), ("--log", log), ("--gradient-flow", gradientFlow)]
    }

    /// Refuses, before the data or the model is built, sizes whose tensors cannot fit in memory: the weights (with
    /// their gradients and the optimizer's buffers), and the inputs and states one batch keeps for BPTT. The counts
    /// are lower bounds of what training allocates.
    func checkSizes() throws {
        let elementSize = dtype == .f64 ? 8 : 4
        let inputSize = isMNIST ? 1 : 2, outputSize = isMNIST ? 10 : 1
        let steps = isMNIST ? 784 : length
        let directions = bidirectional ? 2 : 1
        let gates = cell == .lstm ? 4 : cell == .gru || cell == .gruResetBefore ? 3 : 1
        // Weights, gradients and optimizer buffers: (2 + buffers) copies of every parameter.
        let copies = 2 + optimizer.buffersPerParameter
        let upperInput = directions * hidden
        var weights: [[Int]] = [[copies, directions, gates, hidden, inputSize + hidden],
                                [copies, layers - 1, directions, gates, hidden, upperInput + hidden],
                                [copies, outputSize, directions * hidden]]
        let layerSetting = layers > 1 ? " with --layers \(layers)" : ""
        try Preflight.checkSize("--hidden \(hidden)\(layerSetting)", "the weights with their gradients and optimizer state",
                                shapes: weights, elementSize: elementSize)
        if cell == .scrn {
            let context = self.context ?? max(1, hidden / 10)
            weights = [[copies, layers, directions, context, inputSize + hidden + context]]
            try Preflight.checkSize("--context \(context)\(layerSetting)", "the SCRN context weights with their gradients and optimizer state",
                                    shapes: weights, elementSize: elementSize)
        }
        let lengthSetting = isMNIST ? "784 pixels" : "--length \(length)"
        // One batch: its inputs and the states of every step and layer, kept for BPTT.
        try Preflight.checkSize("\(lengthSetting) × --batch \(batch) × --hidden \(hidden)\(layerSetting)",
                                "one batch's inputs and the states BPTT keeps",
                                shapes: [[steps, batch, inputSize], [layers, directions, steps + 1, batch, hidden]], elementSize: elementSize)
    }
}
