import RecurrentInitializers

/// The forward pass that keeps what backpropagation through time needs, and that backward pass, beside it.
extension RecurrentModel {
    /// What a forward pass keeps for the backward pass.
    public struct Pass: Sendable {
        /// Readout output: (B, K) for `.lastStep`, (T·B, K) for `.everyStep`.
        public let output: Tensor<Scalar>
        /// Final state of every layer and direction, `[layer][direction]`, each (B, S): carry these into the
        /// next batch for truncated BPTT (they are plain values: no gradient flows back through them).
        public let finalStates: [[Tensor<Scalar>]]
        let layerPasses: [[RecurrentLayer<Cell>.Pass]]
        let layerInputs: [Tensor<Scalar>]        // input of each layer (T, B, width)
        let dropoutMasks: [Tensor<Scalar>?]      // after each layer except the last; [L−1] is before the readout
        let features: Tensor<Scalar>             // readout input
        let lengths: [Int]?
        let steps: Int, batch: Int
    }

    /// Runs the model without dropout, keeping what the backward pass needs: the same pass, bit for bit, as
    /// ``forward(_:initialStates:lengths:generator:)`` with a `nil` generator, without one to pass. (Inference
    /// needs no backward pass: ``predict(_:lengths:)`` keeps nothing.)
    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - initialStates: optional `[layer][direction]` states (B, S); `nil` means zeros.
    ///   - lengths: optional per-row lengths (1...T) for a ragged batch.
    /// - Returns: the readout output and what ``backward(_:outputGradient:topOutputGradient:into:)`` needs.
    /// - Throws: `RecurrentError` for a wrong input shape, bad lengths or initial states.
    public func forward(_ input: Tensor<Scalar>, initialStates: [[Tensor<Scalar>]]? = nil, lengths: [Int]? = nil) throws -> Pass {
        var none: RandomGenerator? = nil
        return try forward(input, initialStates: initialStates, lengths: lengths, generator: &none)
    }

    /// Runs the model.
    ///
    /// The input is raw: the ``inputNormalization``, if any, is applied first (to the real steps only), and the
    /// backward pass returns the gradient with respect to the raw input.
    /// - Parameters:
    ///   - input: (T, B, I).
    ///   - initialStates: optional `[layer][direction]` states (B, S); `nil` means zeros.
    ///   - lengths: optional per-row lengths (1...T) for a ragged batch.
    ///   - generator: a generator for dropout masks; `nil` runs without dropout (evaluation).
    /// - Returns: the readout output and what ``backward(_:outputGradient:topOutputGradient:into:)`` needs.
    /// - Throws: `RecurrentError` for a wrong input shape, bad lengths or initial states.
    /// - Complexity: O(L·D·T·B·P·(I + H)) for L layers of D directions, plus the readout.
    public func forward(_ input: Tensor<Scalar>, initialStates: [[Tensor<Scalar>]]? = nil, lengths: [Int]? = nil,
                        generator: inout RandomGenerator?) throws -> Pass {
        guard input.rank == 3 else {
            throw RecurrentError.shapeMismatch(operation: "RecurrentModel.forward input", expected: "(T, B, \(inputSize))", got: "\(input.shape)")
        }
        let (steps, batch) = (input.shape[0], input.shape[1])
        if let lengths, let bad = lengths.firstIndex(where: { $0 < 1 }) {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.forward lengths[\(bad)]", reason: "must be at least 1, got \(lengths[bad])")
        }
        if let initialStates, initialStates.count != layers.count || initialStates.contains(where: { $0.count != directions }) {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.forward initialStates",
                                                 reason: "expected \(layers.count) layers × \(directions) directions")
        }
        var x = try inputNormalization?.apply(to: input, lengths: lengths) ?? input   // (T, B, I), standardized
        var passes: [[RecurrentLayer<Cell>.Pass]] = [], inputs: [Tensor<Scalar>] = [], masks: [Tensor<Scalar>?] = []
        for l in layers.indices {
            inputs.append(x)
            var levelPasses = [try layers[l].forward(x, initialState: initialStates?[l][0], lengths: lengths)]
            if isBidirectional {
                let reversedInput = try reverseTime(x, lengths: lengths)
                levelPasses.append(try reverseLayers[l].forward(reversedInput, initialState: initialStates?[l][1], lengths: lengths))
            }
            passes.append(levelPasses)
            // Every step's output is read only by a layer above or an every-step readout (the sequence-to-one
            // readout takes the final states): `Pass.outputs` is a copy made on access.
            let needsOutputs = l < layers.count - 1 || outputMode != .lastStep
            var out = needsOutputs ? try levelOutputs(levelPasses, lengths: lengths) : x
            if l < layers.count - 1 {
                let mask = try dropoutMask(like: out, generator: &generator)
                if let mask { out = try out.multiplying(mask) }
                masks.append(mask)
            }
            x = out
        }
        var features: Tensor<Scalar>
        switch outputMode {
        case .lastStep:
            let top = passes[passes.count - 1], width = layers[layers.count - 1].cell.outputSize
            features = try firstColumns(top[0].finalState, width)
            if isBidirectional { features = try concatenateRows(features, firstColumns(top[1].finalState, width)) }
        case .everyStep:
            features = try x.reshaped(to: [steps * batch, x.shape[2]])
        case .meanOverTime:
            features = try meanOverTime(x, lengths: lengths)            // (B, D·H)
        }
        let readoutMask = try dropoutMask(like: features, generator: &generator)
        if let readoutMask { features = try features.multiplying(readoutMask) }
        masks.append(readoutMask)
        let output = try readout.forward(features)
        return Pass(output: output, finalStates: passes.map { $0.map(\.finalState) }, layerPasses: passes, layerInputs: inputs,
                    dropoutMasks: masks, features: features, lengths: lengths, steps: steps, batch: batch)
    }

    /// Backward pass: adds parameter gradients (order of ``parameters``) and returns ∂L/∂input (T, B, I).
    /// - Parameters:
    ///   - pass: from ``forward(_:initialStates:lengths:generator:)`` with the current parameters.
    ///   - outputGradient: ∂L/∂output, shaped like `pass.output`.
    ///   - topOutputGradient: optional ∂L/∂(top layer's states at every step), (T, B, D·H) like
    ///     ``topOutputs(of:)``, for a loss on the states themselves (e.g. `Loss.normStabilizer(states:lengths:strength:)` of the `RecurrentTraining` module).
    ///   - gradients: accumulated with `+=`.
    /// - Returns: ∂L/∂input, (T, B, I).
    /// - Throws: `RecurrentError` when the gradient shapes do not match or `pass` comes from a model of another
    ///   architecture.
    public func backward(_ pass: Pass, outputGradient: Tensor<Scalar>, topOutputGradient: Tensor<Scalar>? = nil,
                         into gradients: inout [Tensor<Scalar>]) throws -> Tensor<Scalar> {
        var unused: [Double]? = nil
        return try backward(pass, outputGradient: outputGradient, topOutputGradient: topOutputGradient, into: &gradients, flow: &unused)
    }

    /// ``backward(_:outputGradient:topOutputGradient:into:)`` for an input that needs no gradient (the usual case: data): the same
    /// parameter gradients, bit for bit, without the first layer's product for ∂L/∂input.
    /// - Parameters: as for ``backward(_:outputGradient:topOutputGradient:into:)``.
    /// - Throws: `RecurrentError` when the gradient shapes do not match.
    public func backwardWithoutInputGradient(_ pass: Pass, outputGradient: Tensor<Scalar>, topOutputGradient: Tensor<Scalar>? = nil,
                                             into gradients: inout [Tensor<Scalar>]) throws {
        var unused: [Double]? = nil
        _ = try backward(pass, outputGradient: outputGradient, topOutputGradient: topOutputGradient, into: &gradients, flow: &unused,
                         inputGradient: false)
    }

    /// The top layer's states at every step, (T, B, D·H): the reverse direction's re-aligned to input time and
    /// concatenated after the forward one's, zero at a ragged batch's padded steps. What a loss on the states
    /// reads; its gradient goes back through `topOutputGradient` of ``backward(_:outputGradient:topOutputGradient:into:)``.
    /// - Parameter pass: a forward pass of this model.
    /// - Returns: (T, B, D·H).
    public func topOutputs(of pass: Pass) throws -> Tensor<Scalar> {
        try levelOutputs(pass.layerPasses[pass.layerPasses.count - 1], lengths: pass.lengths)
    }

    /// One level's outputs at every step, (T, B, D·H): the forward direction's, then the reverse direction's
    /// re-aligned to input time.
    func levelOutputs(_ level: [RecurrentLayer<Cell>.Pass], lengths: [Int]?) throws -> Tensor<Scalar> {
        var outputs = level[0].outputs
        if level.count > 1 { outputs = try concatenateFeatures(outputs, reverseTime(level[1].outputs, lengths: lengths)) }
        return outputs
    }

    /// The backward pass; with `inputGradient == false` the first layer skips ∂L/∂input and the result is empty.
    func backward(_ pass: Pass, outputGradient: Tensor<Scalar>, topOutputGradient: Tensor<Scalar>? = nil,
                  into gradients: inout [Tensor<Scalar>], flow: inout [Double]?, inputGradient: Bool = true) throws -> Tensor<Scalar> {
        try outputGradient.requireShape(pass.output.shape, "RecurrentModel.backward outputGradient")
        guard gradients.map(\.shape) == parameters.map(\.shape) else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.backward gradients", reason: "shapes differ from the model's parameters")
        }
        guard pass.layerPasses.count == layers.count, pass.layerPasses.allSatisfy({ $0.count == directions }),
              pass.dropoutMasks.count == layers.count, pass.features.rank == 2, pass.features.shape[1] == readout.inputSize else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.backward pass",
                                                 reason: "comes from a model of another architecture (layers, directions or widths)")
        }
        let (steps, batch) = (pass.steps, pass.batch)
        // Readout (last two gradient slots).
        var readoutGradients = Array(gradients[(gradients.count - 2)...])
        var dFeatures = try readout.backward(input: pass.features, outputGradient: outputGradient, into: &readoutGradients)
        gradients.replaceSubrange(gradients.count - 2..<gradients.count, with: readoutGradients)
        if let mask = pass.dropoutMasks[pass.dropoutMasks.count - 1] { dFeatures = try dFeatures.multiplying(mask) }

        // Gradient slots per layer and direction.
        var offsets: [[Int]] = [], offset = 0
        for l in layers.indices {
            var level = [offset]
            offset += layers[l].cell.parameters.count
            if isBidirectional { level.append(offset); offset += reverseLayers[l].cell.parameters.count }
            offsets.append(level)
        }

        let topWidth = layers[layers.count - 1].cell.outputSize
        var dOutputs: Tensor<Scalar>? = nil       // (T, B, D·H) into the current layer's outputs
        var dFinals: [Tensor<Scalar>?] = Array(repeating: nil, count: directions)
        switch outputMode {
        case .everyStep:
            dOutputs = try dFeatures.reshaped(to: [steps, batch, topWidth * directions])
        case .meanOverTime:
            dOutputs = try meanOverTimeBackward(dFeatures, steps: steps, lengths: pass.lengths)  // (T, B, D·H)
        case .lastStep:
            for d in 0..<directions {
                let s = pass.layerPasses[layers.count - 1][d].finalState.shape[1]
                dFinals[d] = try embedColumns(sliceColumns(dFeatures, from: d * topWidth, count: topWidth), width: s)
            }
        }
        if let extra = topOutputGradient {
            try extra.requireShape([steps, batch, topWidth * directions], "RecurrentModel.backward topOutputGradient")
            dOutputs = try dOutputs.map { try $0.adding(extra) } ?? extra
        }
        var dInput = try Tensor<Scalar>(shape: inputGradient ? [steps, batch, inputSize] : [0])
        for l in layers.indices.reversed() {
            let levelPasses = pass.layerPasses[l], h = layers[l].cell.outputSize
            let needsInput = l > 0 || inputGradient
            var dLayerInput = try Tensor<Scalar>(shape: needsInput ? pass.layerInputs[l].shape : [0])
            for d in 0..<directions {
                let layer = d == 0 ? layers[l] : reverseLayers[l]
                var dOut: Tensor<Scalar>? = nil
                if let dOutputs {
                    let part = try sliceFeatures(dOutputs, from: d * h, count: h)
                    dOut = d == 0 ? part : try reverseTime(part, lengths: pass.lengths)
                }
                var slice = Array(gradients[offsets[l][d]..<offsets[l][d] + layer.cell.parameters.count])
                let dx: Tensor<Scalar>
                if l == 0, d == 0, flow != nil {
                    var norms: [Double] = []
                    dx = try layer.backward(levelPasses[d], outputGradient: dOut, finalStateGradient: dFinals[d], into: &slice,
                                            recordingGradientFlow: &norms).input
                    flow = norms
                } else if needsInput {
                    dx = try layer.backward(levelPasses[d], outputGradient: dOut, finalStateGradient: dFinals[d], into: &slice).input
                } else {
                    _ = try layer.backwardWithoutInputGradient(levelPasses[d], outputGradient: dOut, finalStateGradient: dFinals[d],
                                                               into: &slice)
                    dx = dLayerInput
                }
                gradients.replaceSubrange(offsets[l][d]..<offsets[l][d] + slice.count, with: slice)
                if needsInput { try dLayerInput.add(d == 0 ? dx : reverseTime(dx, lengths: pass.lengths)) }
            }
            if l == 0 {
                // x′ = (x − μ) / σ before the first layer: ∂L/∂x = ∂L/∂x′ / σ (skipped when no input gradient is wanted).
                dInput = inputGradient ? try inputNormalization?.inputGradient(dLayerInput) ?? dLayerInput : dLayerInput
            } else {
                if let mask = pass.dropoutMasks[l - 1] { dLayerInput = try dLayerInput.multiplying(mask) }
                dOutputs = dLayerInput
                dFinals = Array(repeating: nil, count: directions)
            }
        }
        return dInput
    }

    func dropoutMask(like tensor: Tensor<Scalar>, generator: inout RandomGenerator?) throws -> Tensor<Scalar>? {
        guard dropout > 0, generator != nil else { return nil }
        return try Tensor(shape: tensor.shape, scalars: invertedDropoutMask(count: tensor.count, dropout: dropout, generator: &generator!))
    }
}

/// `count` scalars, each 1/(1 − p) with probability 1 − p and 0 otherwise (one uniform draw per scalar, in order):
/// an inverted-dropout mask. Specialized for `Float` and `Double` (it runs once per element and layer every step).
@_specialize(where S == Float)
@_specialize(where S == Double)
func invertedDropoutMask<S: RecurrentScalar>(count: Int, dropout p: Double, generator: inout RandomGenerator) -> [S] {
    let keep = S(1 / (1 - p))
    // nextUniform() is k·2⁻⁵³ with k the top 53 bits of next(), so nextUniform() ≥ p exactly when k ≥ ⌈p·2⁵³⌉
    // (p·2⁵³ is exact): the same mask without converting every draw to a Double. The value is looked up by the
    // sign bit of k − ⌈p·2⁵³⌉ (both below 2⁵³) rather than chosen by a branch, which random draws would
    // mispredict about min(p, 1 − p) of the time.
    let threshold = UInt64((p * 0x1p53).rounded(.up))
    let choices: [S] = [keep, 0]  // [k ≥ threshold, k < threshold]
    return choices.withUnsafeBufferPointer { choice in
        [S](unsafeUninitializedCapacity: count) { v, initialized in
            for j in 0..<count {
                let k = generator.next() >> 11
                v[j] = choice[Int(truncatingIfNeeded: (k &- threshold) >> 63)]
            }
            initialized = count
        }
    }
}
