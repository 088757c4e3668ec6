extension RecurrentModel {
    /// What a unidirectional model carries from one ``step(_:state:)`` to the next: the state of every layer.
    ///
    /// Layer l's state is (B, S) with S its cell's state width: `h` for a simple RNN or a GRU, `[h, c]` for
    /// an LSTM, `[h, s]` for an SCRN (the first columns are the layer's output).
    public struct State: Sendable, Equatable {
        /// The state of each layer, bottom first, each (B, S).
        public var layers: [Tensor<Scalar>]
        /// What ``step(_:state:)`` reuses from one step to the next (packed weights, scratch); not part of the value.
        var plan: StreamingPlan<Cell>? = nil

        /// A state from given layer states.
        /// - Parameter layers: one (B, S) tensor per layer, bottom first.
        public init(layers: [Tensor<Scalar>]) { self.layers = layers }

        /// Equal layer states (the reusable resources a stepped state carries are not compared).
        public static func == (a: State, b: State) -> Bool { a.layers == b.layers }
    }

    /// The zero state of every layer for `batch` sequences: the state before the first ``step(_:state:)``, and
    /// what ``predict(_:lengths:)`` starts from.
    /// - Parameter batch: B > 0.
    /// - Returns: one (B, S) zero tensor per layer.
    /// - Throws: `RecurrentError.invalidSize` unless `batch` is positive.
    public func zeroState(batch: Int) throws -> State {
        State(layers: try layers.map { try $0.zeroState(batch: batch) })
    }

    /// Runs the model on whole sequences for inference: the readout's output, computed as
    /// ``forward(_:initialStates:lengths:generator:)`` computes it without dropout, bit for bit — but nothing is
    /// kept for a backward pass (each layer's memory is one step's, see `RecurrentLayer.infer`) and there is
    /// no generator to pass. The input is raw: the ``inputNormalization``, if any, is applied first (to the real
    /// steps only).
    ///
    /// ```swift
    /// let model = try RecurrentModel(inputSize: 3, outputSize: 2, layers: 2) { input, _, _ in
    ///     try LSTMCell<Float>(inputSize: input, hiddenSize: 8, seed: 1)
    /// }
    /// let x = try Tensor<Float>(shape: [5, 4, 3], repeating: 0.5)       // (T, B, I)
    /// let y = try model.predict(x)                                      // (B, K) = (4, 2)
    /// ```
    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - lengths: optional per-row lengths (1...T) for a ragged batch.
    /// - Returns: (B, K) for ``OutputMode/lastStep``; (T·B, K) for ``OutputMode/everyStep``, row t·B + b.
    /// - Throws: `RecurrentError` for a wrong input shape, bad lengths or non-finite input.
    /// - Complexity: O(L·D·T·B·P·(I + H)) for L layers of D directions, plus the readout.
    public func predict(_ input: Tensor<Scalar>, lengths: [Int]? = nil) throws -> Tensor<Scalar> {
        guard input.rank == 3, input.shape[2] == inputSize else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentModel.predict input", expected: "(T, B, \(inputSize))", got: "\(input.shape)")
        }
        if let lengths, let bad = lengths.firstIndex(where: { $0 < 1 }) {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.predict lengths[\(bad)]", reason: "must be at least 1, got \(lengths[bad])")
        }
        var x = try inputNormalization?.apply(to: input, lengths: lengths) ?? input   // (T, B, width) the current level's input
        var finalStates: [Tensor<Scalar>] = []  // the current level's final state per direction, (B, S)
        for l in layers.indices {
            let forward = try layers[l].infer(x, lengths: lengths)
            var outputs = forward.outputs       // (T, B, H)
            finalStates = [forward.finalState]
            if isBidirectional {
                let reverse = try reverseLayers[l].infer(reverseTime(x, lengths: lengths), lengths: lengths)
                outputs = try concatenateFeatures(outputs, reverseTime(reverse.outputs, lengths: lengths))  // (T, B, 2H)
                finalStates.append(reverse.finalState)
            }
            x = outputs
        }
        let features: Tensor<Scalar>
        switch outputMode {
        case .lastStep:
            let width = layers[layers.count - 1].cell.outputSize
            let last = try firstColumns(finalStates[0], width)     // (B, H)
            features = isBidirectional ? try concatenateRows(last, firstColumns(finalStates[1], width)) : last
        case .everyStep:
            features = try x.reshaped(to: [x.shape[0] * x.shape[1], x.shape[2]])  // (T·B, D·H)
        case .meanOverTime:
            features = try meanOverTime(x, lengths: lengths)                       // (B, D·H)
        }
        return try readout.forward(features)
    }

    /// One step of a unidirectional model on one input per sequence: streaming, sample by sample.
    ///
    /// Feeding x₀, x₁, … one step at a time, starting from ``zeroState(batch:)``, gives at step t the readout
    /// of the top layer's output at t — bit for bit the rows t·B ..< (t + 1)·B of ``predict(_:lengths:)`` on the
    /// whole sequence with ``OutputMode/everyStep``, and after the last step its output with
    /// ``OutputMode/lastStep``. Dropout is off; the raw input is normalized by ``inputNormalization``, if any.
    ///
    /// ```swift
    /// let model = try RecurrentModel(inputSize: 3, outputSize: 2, layers: 2) { input, _, _ in
    ///     try GRUCell<Double>(inputSize: input, hiddenSize: 8, seed: 1)
    /// }
    /// var state = try model.zeroState(batch: 1)
    /// for t in 0..<4 {
    ///     let x = try Tensor<Double>(shape: [1, 3], repeating: Double(t))   // (B, I), one sample
    ///     let (y, next) = try model.step(x, state: state)                    // y: (B, K)
    ///     state = next
    ///     print(y.shape)                                                    // [1, 2]
    /// }
    /// ```
    /// - Parameters:
    ///   - input: (B, I), this step's input of each sequence.
    ///   - state: the state returned by the previous step (or ``zeroState(batch:)``); `nil` means zeros.
    /// - Returns: the readout output (B, K) and the state after this step.
    /// - Throws: `RecurrentError.invalidArgument` for a bidirectional model (its reverse direction starts at
    ///   the end of the sequence, so it cannot stream: use ``predict(_:lengths:)``); `RecurrentError` for an
    ///   input or a state of the wrong shape or non-finite input.
    @_specialize(where Cell == LSTMCell<Float>)
    @_specialize(where Cell == LSTMCell<Double>)
    @_specialize(where Cell == GRUCell<Float>)
    @_specialize(where Cell == GRUCell<Double>)
    @_specialize(where Cell == SimpleRNNCell<Float>)
    @_specialize(where Cell == SimpleRNNCell<Double>)
    @_specialize(where Cell == SCRNCell<Float>)
    @_specialize(where Cell == SCRNCell<Double>)
    public func step(_ input: Tensor<Scalar>, state: State? = nil) throws -> (output: Tensor<Scalar>, state: State) {
        guard outputMode != .meanOverTime else {
            throw RecurrentError.invalidArgument(
                what: "RecurrentModel.step",
                reason: "a meanOverTime model's output is a mean over the whole sequence; use predict(_:lengths:)")
        }
        guard !isBidirectional else {
            throw RecurrentError.invalidArgument(
                what: "RecurrentModel.step",
                reason: "a bidirectional model cannot stream: its reverse direction reads the sequence from the end; use predict(_:lengths:)")
        }
        guard input.rank == 2, input.shape[1] == inputSize else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentModel.step input", expected: "(B, \(inputSize))", got: "\(input.shape)")
        }
        let batch = input.shape[0]
        let previous = try state ?? zeroState(batch: batch)
        guard previous.layers.count == layers.count else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.step state",
                                                 reason: "has \(previous.layers.count) layer states for \(layers.count) layers")
        }
        let standardized = try inputNormalization?.apply(to: input) ?? input
        // Each layer as RecurrentLayer.infer on a one-step sequence, then the readout, with the packed weights
        // and scratch of the previous step when they still fit (RecurrentModel+Streaming.swift): the same
        // outputs, bit for bit, as `topOutputs` on one step followed by the readout.
        func run(_ plan: StreamingPlan<Cell>) throws -> (output: Tensor<Scalar>, states: [Tensor<Scalar>])? {
            guard plan.tryAcquire() else { return nil }  // in use by a step on another thread
            defer { plan.release() }
            return try plan.step(self, standardized, previous.layers)  // nil when it no longer fits the model
        }
        var plan = previous.plan, outcome = try plan.flatMap(run)
        if outcome == nil {  // no plan, a plan for other weights or batch, or one in use: this step gets its own
            let fresh = StreamingPlan(self, batch: batch)
            outcome = try run(fresh)
            plan = fresh
        }
        guard let (output, next) = outcome else { preconditionFailure("a new streaming plan fits the model and is free") }
        var result = State(layers: next)
        result.plan = plan
        return (output, result)
    }

    /// Runs a unidirectional model over the next part of a longer sequence, from the state the previous part
    /// ended in: the top layer's outputs at every step (before the readout) and the state after the last step —
    /// PyTorch's `output, state = rnn(x, state)`. Part by part, the outputs and states equal those of one pass over
    /// the whole sequence bit for bit; ``step(_:state:)`` gives the same as this on a part of one step, followed by the readout.
    /// A language model carries its state through the windows of a long text this way.
    ///
    /// ```swift
    /// let model = try RecurrentModel(inputSize: 3, outputSize: 2, layers: 2) { input, _, _ in
    ///     try LSTMCell<Double>(inputSize: input, hiddenSize: 8, seed: 1)
    /// }
    /// let first = try Tensor<Double>(shape: [4, 1, 3], repeating: 0.5)          // (T, B, I), steps 0..<4
    /// let (h1, state) = try model.topOutputs(first, from: nil)                  // (4, 1, 8)
    /// let (h2, _) = try model.topOutputs(first, from: state)                    // steps 4..<8
    /// print(h1.shape, h2.shape)
    /// ```
    /// - Parameters:
    ///   - input: (T, B, I), raw input (the model's ``inputNormalization`` is applied).
    ///   - state: the state the previous part ended in; `nil` means zeros.
    /// - Returns: the top layer's outputs (T, B, H) and the state after step T − 1.
    /// - Throws: `RecurrentError.invalidArgument` for a bidirectional model; `RecurrentError` for an input or a
    ///   state of the wrong shape or non-finite input.
    public func topOutputs(_ input: Tensor<Scalar>, from state: State?) throws -> (outputs: Tensor<Scalar>, state: State) {
        try topOutputs(input, from: state, caller: "RecurrentModel.topOutputs")
    }

    func topOutputs(_ input: Tensor<Scalar>, from state: State?, caller: String) throws -> (outputs: Tensor<Scalar>, state: State) {
        guard !isBidirectional else {
            throw RecurrentError.invalidArgument(
                what: caller,
                reason: "a bidirectional model cannot continue a sequence: its reverse direction reads it from the end; use predict(_:lengths:)")
        }
        guard input.rank == 3, input.shape[2] == inputSize else {
            throw RecurrentError.shapeMismatch(operation: "\(caller) input", expected: "(T, B, \(inputSize))", got: "\(input.shape)")
        }
        let previous = try state ?? zeroState(batch: input.shape[1])
        guard previous.layers.count == layers.count else {
            throw RecurrentError.invalidArgument(what: "\(caller) state",
                                                 reason: "has \(previous.layers.count) layer states for \(layers.count) layers")
        }
        var x = try inputNormalization?.apply(to: input) ?? input   // (T, B, width) the current level's input
        var next: [Tensor<Scalar>] = []
        for l in layers.indices {
            let result = try layers[l].infer(x, initialState: previous.layers[l])
            next.append(result.finalState)                          // (B, S)
            x = result.outputs                                      // (T, B, H)
        }
        return (x, State(layers: next))
    }
}
