import Recurrent
import RecurrentData
import RecurrentInitializers

/// Trains a `LanguageModel` on windows of a token stream (truncated BPTT).
///
/// One step: embed the window's ids, run the network from the given state, softmax cross-entropy against
/// the next tokens at every step (mean over the T·B predictions, as `nn.CrossEntropyLoss`), backward through
/// the window (the gradient stops at the window's start), clip by global norm, update. The window's final
/// state comes back so the caller can carry it into the next contiguous window (`TokenStream.window(_:)`)
/// or drop it (`TokenStream.randomWindow(using:)`).
///
/// ```swift
/// let vocabulary = try Vocabulary.characters(of: "abcabcabcabc")
/// let model = try LanguageModel(vocabulary: vocabulary, embeddingSize: 4, seed: 1) { input, _ in
///     try GRUCell<Float>(inputSize: input, hiddenSize: 8, seed: 2)
/// }
/// var trainer = try LanguageModelTrainer(model: model, optimizer: .init(name: "adam", learningRate: 0.01),
///                                        schedule: StepDecay(initial: 0.01), seed: 3)
/// let stream = try TokenStream(tokens: vocabulary.encode("abcabcabcabc"), batch: 2, window: 3)
/// var state: [[Tensor<Float>]]? = nil
/// for k in 0..<stream.windowCount {
///     let (inputs, targets) = stream.window(k)
///     state = try trainer.trainStep(inputs: inputs, targets: targets, initialStates: state).finalStates
/// }
/// ```
public struct LanguageModelTrainer<Cell: RecurrentCell>: Sendable {
    /// The cell's scalar type.
    public typealias Scalar = Cell.Scalar
    /// The model being trained.
    public var model: LanguageModel<Cell>
    /// The optimizer; its learning rate is set from ``schedule`` before every update.
    public var optimizer: AnyOptimizer<Scalar>
    /// The one owner of the learning rate.
    public var schedule: any LearningRateSchedule
    /// Largest global gradient norm (nil: no clipping, but non-finite gradients are still refused).
    public var clipNorm: Double?
    /// Variational recurrent dropout p (Gal & Ghahramani 2016): one mask per sequence and layer on h_{t−1} in
    /// the recurrent product, fixed over a window's steps, during training only (0: none). LSTM and GRU cells.
    public var recurrentDropout: Double
    /// Draws the dropout masks.
    public var generator: RandomGenerator
    /// Updates done so far.
    public var step = 0

    /// A trainer at step 0.
    /// - Parameters:
    ///   - model: the initialized model.
    ///   - optimizer: the optimizer.
    ///   - schedule: the learning rate of every step.
    ///   - clipNorm: clip the global gradient norm to this (default 1; nil: no clipping).
    ///   - recurrentDropout: variational recurrent dropout p in [0, 1) (default 0).
    ///   - seed: seed of the dropout masks.
    /// - Throws: for a clip norm ≤ 0, a recurrent dropout outside [0, 1), or recurrent dropout > 0 with cells
    ///   that do not support it.
    public init(model: LanguageModel<Cell>, optimizer: AnyOptimizer<Scalar>, schedule: any LearningRateSchedule,
                clipNorm: Double? = 1, recurrentDropout: Double = 0, seed: UInt64 = 0) throws {
        if let clipNorm, !(clipNorm > 0) {
            throw RecurrentError.invalidArgument(what: "LanguageModelTrainer clipNorm", reason: "must be > 0, got \(clipNorm)")
        }
        guard recurrentDropout >= 0, recurrentDropout < 1 else {
            throw RecurrentError.invalidArgument(what: "LanguageModelTrainer recurrentDropout", reason: "must be in [0, 1), got \(recurrentDropout)")
        }
        if recurrentDropout > 0, !model.network.supportsRecurrentDropout {
            throw RecurrentError.invalidArgument(what: "LanguageModelTrainer recurrentDropout",
                                                 reason: "needs LSTM or GRU (reset after the product) cells, not \(Cell.self)")
        }
        self.recurrentDropout = recurrentDropout
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule
        self.clipNorm = clipNorm
        self.generator = RandomGenerator(seed: seed)
    }

    /// Loss and gradients of one window, without updating. With a `dropoutGenerator`, the recurrent masks
    /// (if ``recurrentDropout`` > 0) are drawn first, then the masks between layers.
    /// - Returns: mean nats per prediction, the gradients (order of `LanguageModel.parameters`), the final states.
    public func lossAndGradients(inputs: TokenIDs, targets: TokenIDs, initialStates: [[Tensor<Scalar>]]? = nil,
                                 dropoutGenerator: RandomGenerator? = nil) throws
        -> (loss: Double, gradients: [Tensor<Scalar>], finalStates: [[Tensor<Scalar>]]) {
        guard inputs.steps == targets.steps, inputs.batch == targets.batch else {
            throw RecurrentError.shapeMismatch(operation: "LanguageModelTrainer targets", expected: "(\(inputs.steps), \(inputs.batch))",
                                               got: "(\(targets.steps), \(targets.batch))")
        }
        var dropout = dropoutGenerator
        // The network of this pass: the model's, with this window's recurrent masks when training with them.
        var network = model.network
        if recurrentDropout > 0, var generator = dropout {
            network = try network.withRecurrentDropout(recurrentDropout, batch: inputs.batch, generator: &generator)
            dropout = generator
        }
        let x = try model.embedding.forward(inputs)                                         // (T, B, E)
        let pass = try network.forward(x, initialStates: initialStates, generator: &dropout)
        let loss = try Loss.softmaxCrossEntropy(logits: pass.output, labels: targets.ids.map(Int.init))   // over (T·B, V)
        var networkGradients = network.zeroGradients()
        let dx = try network.backward(pass, outputGradient: loss.gradient, into: &networkGradients)  // (T, B, E)
        var dEmbedding = try Tensor<Scalar>.zeros(model.embedding.weight.shape)
        try model.embedding.backward(inputs, outputGradient: dx, into: &dEmbedding)
        return (loss.value, try model.parameterGradients(network: networkGradients, embedding: dEmbedding), pass.finalStates)
    }

    /// One update on one window.
    /// - Parameters:
    ///   - inputs: ids (T, B).
    ///   - targets: the next ids (T, B).
    ///   - initialStates: the previous window's `finalStates` to continue a stream, or nil (zeros).
    /// - Returns: the mean loss in nats per prediction, the gradient norm before clipping, the final states.
    /// - Throws: on bad ids or shapes, and when a gradient is not finite (the model is then left unchanged).
    public mutating func trainStep(inputs: TokenIDs, targets: TokenIDs, initialStates: [[Tensor<Scalar>]]? = nil) throws
        -> (loss: Double, gradientNorm: Double, finalStates: [[Tensor<Scalar>]]) {
        let dropout: RandomGenerator? = model.network.dropout > 0 || recurrentDropout > 0 ? RandomGenerator(seed: generator.next()) : nil
        var (loss, gradients, finalStates) = try lossAndGradients(inputs: inputs, targets: targets, initialStates: initialStates,
                                                                  dropoutGenerator: dropout)
        let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: clipNorm ?? .infinity, names: model.parameterNames)
        optimizer.learningRate = schedule.rate(atStep: step)
        var parameters = model.parameters
        try optimizer.update(&parameters, gradients: gradients)
        try model.setParameters(parameters)
        step += 1
        return (loss, norm, finalStates)
    }

    /// Mean nats per token over a whole stream, window after window with the state carried (dropout off).
    /// Logits are formed one chunk of rows at a time (``Loss/readoutCrossEntropy(features:readout:targets:rowsPerChunk:)``),
    /// and each layer keeps one step of memory: no BPTT cache, no T·B·V probabilities.
    /// - Parameter stream: e.g. the validation text in B parallel streams.
    /// - Returns: Σ −log p(next token) / number of predictions.
    public func evaluate(_ stream: TokenStream) throws -> Double {
        let network = model.network
        var state: RecurrentModel<Cell>.State? = nil, total = 0.0, count = 0
        for k in 0..<stream.windowCount {
            let (inputs, targets) = stream.window(k)
            let embedded = try model.embedding.forward(inputs)                              // (T, B, E)
            let (x, next) = try network.topOutputs(embedded, from: state)                   // (T, B, H), carried
            state = next
            let features = try x.reshaped(to: [inputs.steps * inputs.batch, x.shape[2]])
            let result = try Loss.readoutCrossEntropy(features: features, readout: network.readout, targets: targets.ids)
            total += result.total
            count += result.count
        }
        return total / Double(count)
    }
}
