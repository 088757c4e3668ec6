import Recurrent
import RecurrentInitializers

/// What the readout sees.
public enum OutputMode: String, Sendable {
    /// Sequence to one: the last valid step of each row (for a bidirectional layer: the final state of both directions).
    case lastStep
    /// Sequence to sequence: every step; logits are (T·B, K), row t·B + b.
    case everyStep
}

/// Stacked, optionally bidirectional recurrent layers with a linear readout.
///
///     x (T, B, I) → layer 1 → dropout → … → layer L → [last step | every step] → dropout → readout
///
/// Dropout (Zaremba et al. 2014) applies between layers and before the readout only, never on the
/// recurrent connection. A bidirectional layer runs a second cell over the time-reversed sequence (each row
/// reversed within its own length) and concatenates `[forward, backward]` features, as PyTorch does.
///
/// ```swift
/// var model = try RecurrentModel(inputSize: 2, outputSize: 1, layers: 1) { input, _, _ in
///     try SimpleRNNCell<Float>.npRNN(inputSize: input, hiddenSize: 100, seed: 1)
/// }
/// ```
public struct RecurrentModel<Cell: RecurrentCell>: Sendable {
    /// The cell's scalar type, `Float` or `Double`.
    public typealias Scalar = Cell.Scalar
    /// Forward-direction layers, bottom first.
    public var layers: [RecurrentLayer<Cell>]
    /// Backward-direction layers (empty unless bidirectional).
    public var reverseLayers: [RecurrentLayer<Cell>]
    /// The output layer `y = x·Wᵀ + b` on the top layer's features (both directions concatenated).
    public var readout: Linear<Scalar>
    /// Dropout probability between layers and before the readout (0 disables).
    public var dropout: Double
    /// Whether the readout sees the last step (sequence to one) or every step (sequence to sequence).
    public var outputMode: OutputMode

    /// Whether every level has a reverse-direction layer.
    public var isBidirectional: Bool { !reverseLayers.isEmpty }
    /// Width I of the input at each step.
    public var inputSize: Int { layers[0].cell.inputSize }
    var directions: Int { isBidirectional ? 2 : 1 }

    /// Builds a model from a cell factory.
    /// - Parameters:
    ///   - inputSize: I, features per step.
    ///   - outputSize: K, readout width (classes or regression targets).
    ///   - layers: L ≥ 1.
    ///   - bidirectional: add a reverse-direction layer at every level.
    ///   - dropout: probability in [0, 1).
    ///   - outputMode: sequence-to-one (default) or sequence-to-sequence.
    ///   - seed: seed of the readout weights.
    ///   - makeCell: `(inputSize, layerIndex, direction)` → cell, direction 0 forward, 1 reverse.
    /// - Throws: `RecurrentError` for `layers < 1`, a dropout outside [0, 1), a cell whose input size does not
    ///   match the layer below, or any error of `makeCell`.
    public init(inputSize: Int, outputSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Double = 0,
                outputMode: OutputMode = .lastStep, seed: UInt64 = 0,
                makeCell: (_ inputSize: Int, _ layer: Int, _ direction: Int) throws -> Cell) throws {
        guard layers >= 1 else { throw RecurrentError.invalidSize(what: "RecurrentModel layers", value: layers, requirement: "at least 1") }
        guard dropout >= 0, dropout < 1 else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel dropout", reason: "must be in [0, 1), got \(dropout)")
        }
        var forward: [RecurrentLayer<Cell>] = [], reverse: [RecurrentLayer<Cell>] = []
        var width = inputSize
        for l in 0..<layers {
            let cell = try makeCell(width, l, 0)
            guard cell.inputSize == width else {
                throw RecurrentError.shapeMismatch(operation: "RecurrentModel layer \(l) cell", expected: "inputSize \(width)",
                                                   got: "inputSize \(cell.inputSize)")
            }
            forward.append(RecurrentLayer(cell: cell))
            if bidirectional { reverse.append(RecurrentLayer(cell: try makeCell(width, l, 1))) }
            width = cell.outputSize * (bidirectional ? 2 : 1)
        }
        self.layers = forward
        self.reverseLayers = reverse
        self.readout = try Linear(inputSize: width, outputSize: outputSize, seed: seed &+ 0x5EED)
        self.dropout = dropout
        self.outputMode = outputMode
    }

    // MARK: Parameters

    /// All trainable tensors: each layer's cell (forward, then reverse), then the readout weight and bias.
    public var parameters: [Tensor<Scalar>] {
        var list: [Tensor<Scalar>] = []
        for l in layers.indices {
            list += layers[l].cell.parameters
            if isBidirectional { list += reverseLayers[l].cell.parameters }
        }
        return list + readout.parameters
    }

    /// Names matching ``parameters``, PyTorch style: `weight_ih_l0`, `weight_ih_l0_reverse`, …, `readout.weight`.
    public var parameterNames: [String] {
        var names: [String] = []
        for l in layers.indices {
            names += layers[l].cell.parameterNames.map { "\($0)_l\(l)" }
            if isBidirectional { names += reverseLayers[l].cell.parameterNames.map { "\($0)_l\(l)_reverse" } }
        }
        return names + ["readout.weight", "readout.bias"]
    }

    /// Replaces every parameter (same order and shapes as ``parameters``).
    /// - Parameter list: the new tensors.
    /// - Throws: `RecurrentError` on a count or shape mismatch, naming the tensor.
    public mutating func setParameters(_ list: [Tensor<Scalar>]) throws {
        guard list.count == parameters.count else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.setParameters", reason: "expected \(parameters.count) tensors, got \(list.count)")
        }
        var offset = 0
        func take(_ n: Int) -> [Tensor<Scalar>] { defer { offset += n }; return Array(list[offset..<offset + n]) }
        for l in layers.indices {
            try layers[l].cell.setParameters(take(layers[l].cell.parameters.count))
            if isBidirectional { try reverseLayers[l].cell.setParameters(take(reverseLayers[l].cell.parameters.count)) }
        }
        let r = take(2)
        try r[0].requireShape(readout.weight.shape, "RecurrentModel.setParameters readout.weight")
        try r[1].requireShape(readout.bias.shape, "RecurrentModel.setParameters readout.bias")
        readout = try Linear(weight: r[0], bias: r[1])
    }

    /// Zero gradients shaped like ``parameters``.
    public func zeroGradients() -> [Tensor<Scalar>] { parameters.map { try! Tensor(shape: $0.shape) } }

    // MARK: Forward and backward

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

    /// Runs the model.
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
        var x = input
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
            let needsOutputs = l < layers.count - 1 || outputMode == .everyStep
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
    ///     ``topOutputs(of:)``, for a loss on the states themselves (e.g. ``Loss/normStabilizer(states:lengths:strength:)``).
    ///   - gradients: accumulated with `+=`.
    /// - Returns: ∂L/∂input, (T, B, I).
    /// - Throws: `RecurrentError` when the gradient shapes do not match.
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
    /// - Throws: `RecurrentError` (internal shape checks).
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

    /// The gradient flow through time of the bottom layer (forward direction): `norms[t] = ‖∂L/∂h_t‖` for the loss
    /// whose output gradient is given (see `RecurrentLayer.backward(_:outputGradient:finalStateGradient:into:recordingGradientFlow:)`).
    /// Parameters are not changed; the gradients computed on the way are discarded.
    /// - Parameters:
    ///   - pass: a forward pass of this model.
    ///   - outputGradient: ∂L/∂output, shaped like `pass.output`.
    /// - Returns: T norms, step 0 first.
    public func gradientFlow(_ pass: Pass, outputGradient: Tensor<Scalar>) throws -> [Double] {
        var gradients = zeroGradients()
        var flow: [Double]? = []
        _ = try backward(pass, outputGradient: outputGradient, into: &gradients, flow: &flow)
        return flow ?? []
    }

    /// The backward pass; with `inputGradient == false` the first layer skips ∂L/∂input and the result is empty.
    func backward(_ pass: Pass, outputGradient: Tensor<Scalar>, topOutputGradient: Tensor<Scalar>? = nil,
                  into gradients: inout [Tensor<Scalar>], flow: inout [Double]?, inputGradient: Bool = true) throws -> Tensor<Scalar> {
        try outputGradient.requireShape(pass.output.shape, "RecurrentModel.backward outputGradient")
        guard gradients.map(\.shape) == parameters.map(\.shape) else {
            throw RecurrentError.invalidArgument(what: "RecurrentModel.backward gradients", reason: "shapes differ from the model's parameters")
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
                dInput = dLayerInput
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
        let keep = Scalar(1 / (1 - dropout))
        var values = [Scalar](repeating: 0, count: tensor.count)
        for j in values.indices where generator!.nextUniform() >= dropout { values[j] = keep }
        return try Tensor(shape: tensor.shape, scalars: values)
    }
}

// MARK: - Sequence helpers

/// Reverses each row of a (T, B, F) sequence within its length (padding stays at the end).
///
/// This is what the reverse direction of a bidirectional layer reads: row b's step t becomes step
/// `lengths[b] − 1 − t`, and steps beyond its length stay where they are.
/// - Parameters:
///   - x: a (T, B, F) sequence.
///   - lengths: per-row lengths in 0...T; `nil` reverses all T steps.
/// - Returns: the reversed sequence, same shape.
/// - Throws: `RecurrentError` only if the shape is inconsistent.
public func reverseTime<S: RecurrentScalar>(_ x: Tensor<S>, lengths: [Int]?) throws -> Tensor<S> {
    let (steps, batch, width) = (x.shape[0], x.shape[1], x.shape[2])
    var values = x.scalars
    for b in 0..<batch {
        let n = lengths?[b] ?? steps
        for t in 0..<n {
            let src = ((n - 1 - t) * batch + b) * width, dst = (t * batch + b) * width
            for j in 0..<width { values[dst + j] = x.scalars[src + j] }
        }
    }
    return try Tensor(shape: x.shape, scalars: values)
}

/// `[a, b]` along the last axis of two (T, B, ·) tensors: how a bidirectional layer joins its forward and
/// backward outputs (PyTorch's layout).
/// - Parameters:
///   - a: (T, B, F₁).
///   - b: (T, B, F₂).
/// - Returns: (T, B, F₁ + F₂).
/// - Throws: `RecurrentError` when the first two axes differ.
public func concatenateFeatures<S: RecurrentScalar>(_ a: Tensor<S>, _ b: Tensor<S>) throws -> Tensor<S> {
    guard a.rank == 3, b.rank == 3, a.shape[0] == b.shape[0], a.shape[1] == b.shape[1] else {
        throw RecurrentError.shapeMismatch(operation: "concatenateFeatures", expected: "(T, B, ·) and (T, B, ·)",
                                           got: "\(a.shape) and \(b.shape)")
    }
    let rows = a.shape[0] * a.shape[1], (wa, wb) = (a.shape[2], b.shape[2])
    var values = [S](); values.reserveCapacity(rows * (wa + wb))
    for r in 0..<rows { values += a.scalars[r * wa..<(r + 1) * wa]; values += b.scalars[r * wb..<(r + 1) * wb] }
    return try Tensor(shape: [a.shape[0], a.shape[1], wa + wb], scalars: values)
}

/// [a, b] along the columns of two (B, ·) matrices.
func concatenateRows<S: RecurrentScalar>(_ a: Tensor<S>, _ b: Tensor<S>) throws -> Tensor<S> {
    let rows = a.shape[0], (wa, wb) = (a.shape[1], b.shape[1])
    var values = [S](); values.reserveCapacity(rows * (wa + wb))
    for r in 0..<rows { values += a.scalars[r * wa..<(r + 1) * wa]; values += b.scalars[r * wb..<(r + 1) * wb] }
    return try Tensor(shape: [rows, wa + wb], scalars: values)
}

/// The first `count` columns of a (B, S) matrix.
func firstColumns<S: RecurrentScalar>(_ m: Tensor<S>, _ count: Int) throws -> Tensor<S> {
    try sliceColumns(m, from: 0, count: count)
}

func sliceColumns<S: RecurrentScalar>(_ m: Tensor<S>, from start: Int, count: Int) throws -> Tensor<S> {
    let (rows, width) = (m.shape[0], m.shape[1])
    var values = [S](); values.reserveCapacity(rows * count)
    for r in 0..<rows { values += m.scalars[r * width + start..<r * width + start + count] }
    return try Tensor(shape: [rows, count], scalars: values)
}

/// Features `from..<from+count` of a (T, B, F) tensor.
func sliceFeatures<S: RecurrentScalar>(_ x: Tensor<S>, from start: Int, count: Int) throws -> Tensor<S> {
    // All features (one direction): no copy; this runs unspecialized, where a copy costs per-element calls.
    if start == 0 && count == x.shape[2] { return x }
    let merged = try x.reshaped(to: [x.shape[0] * x.shape[1], x.shape[2]])
    return try sliceColumns(merged, from: start, count: count).reshaped(to: [x.shape[0], x.shape[1], count])
}

/// A (B, k) matrix placed in the first k columns of a zero (B, width) matrix.
func embedColumns<S: RecurrentScalar>(_ m: Tensor<S>, width: Int) throws -> Tensor<S> {
    let (rows, k) = (m.shape[0], m.shape[1])
    var values = [S](repeating: 0, count: rows * width)
    for r in 0..<rows { for j in 0..<k { values[r * width + j] = m.scalars[r * k + j] } }
    return try Tensor(shape: [rows, width], scalars: values)
}
