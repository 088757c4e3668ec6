import Recurrent
import RecurrentInitializers
import RecurrentData

/// Settings of a training run.
public struct TrainingConfiguration: Sendable {
    /// Number of optimizer updates.
    public var steps: Int
    /// Sequences per training batch.
    public var batchSize: Int
    /// Global-norm clipping threshold (`nil`: no clipping, but non-finite gradients still stop the run).
    public var clipNorm: Double?
    /// Element-wise clipping limit, applied before the norm clipping.
    public var clipValue: Double?
    /// The learning rate of every step, and its only owner: ``Trainer`` sets the optimizer's rate from it before
    /// every update and records it in ``TrainingRecord/learningRate``; the rate an optimizer was built with is
    /// not used. ``init(steps:batchSize:schedule:clipNorm:clipValue:seed:evaluationInterval:periodicEvaluationSize:)``
    /// takes any schedule; ``init(steps:batchSize:learningRate:clipNorm:clipValue:decayFactor:decayInterval:seed:evaluationInterval:periodicEvaluationSize:)``
    /// builds a ``StepDecay``.
    public var schedule: any LearningRateSchedule
    /// Seed of the batch stream and of the dropout masks.
    public var seed: UInt64
    /// Evaluate on held-out data every this many steps (and at the end).
    public var evaluationInterval: Int
    /// Held-out rows used by the periodic evaluations (the final one uses the whole test set).
    public var periodicEvaluationSize: Int

    /// A run's settings with a given learning-rate schedule.
    ///
    /// ```swift
    /// let configuration = TrainingConfiguration(steps: 10_000, batchSize: 32,
    ///                                           schedule: try CosineDecay(peak: 1e-3, steps: 10_000, warmupSteps: 500))
    /// ```
    /// - Parameters:
    ///   - steps: optimizer updates.
    ///   - batchSize: sequences per batch.
    ///   - schedule: the learning rate of every step.
    ///   - clipNorm: global-norm clipping threshold (default 1; `nil` disables).
    ///   - clipValue: element-wise clipping limit (default off).
    ///   - seed: seed of the batch stream and dropout masks.
    ///   - evaluationInterval: steps between held-out evaluations.
    ///   - periodicEvaluationSize: held-out rows of the periodic evaluations.
    public init(steps: Int, batchSize: Int, schedule: some LearningRateSchedule, clipNorm: Double? = 1, clipValue: Double? = nil,
                seed: UInt64 = 0, evaluationInterval: Int = 500, periodicEvaluationSize: Int = 1000) {
        self.steps = steps
        self.batchSize = batchSize
        self.clipNorm = clipNorm
        self.clipValue = clipValue
        self.schedule = schedule
        self.seed = seed
        self.evaluationInterval = evaluationInterval
        self.periodicEvaluationSize = periodicEvaluationSize
    }

    /// A run's settings with a step-decay schedule, `lr_t = learningRate · decayFactor^⌊t / decayInterval⌋`
    /// (constant by default).
    /// - Parameters:
    ///   - steps: optimizer updates.
    ///   - batchSize: sequences per batch.
    ///   - learningRate: lr₀ of the schedule.
    ///   - clipNorm: global-norm clipping threshold (default 1; `nil` disables).
    ///   - clipValue: element-wise clipping limit (default off).
    ///   - decayFactor: learning-rate factor per `decayInterval` steps (default 1, constant).
    ///   - decayInterval: steps between decays.
    ///   - seed: seed of the batch stream and dropout masks.
    ///   - evaluationInterval: steps between held-out evaluations.
    ///   - periodicEvaluationSize: held-out rows of the periodic evaluations.
    public init(steps: Int, batchSize: Int, learningRate: Double, clipNorm: Double? = 1, clipValue: Double? = nil,
                decayFactor: Double = 1, decayInterval: Int = 1, seed: UInt64 = 0, evaluationInterval: Int = 500,
                periodicEvaluationSize: Int = 1000) {
        self.init(steps: steps, batchSize: batchSize, schedule: StepDecay(initial: learningRate, factor: decayFactor, interval: decayInterval),
                  clipNorm: clipNorm, clipValue: clipValue, seed: seed, evaluationInterval: evaluationInterval,
                  periodicEvaluationSize: periodicEvaluationSize)
    }
}

/// One point of the learning curve.
public struct TrainingRecord: Sendable, Equatable {
    /// Updates done when the record was taken.
    public var step: Int
    /// Mean training loss over the steps since the previous record.
    public var trainLoss: Double
    /// Training metric over the same steps: MSE (regression) or accuracy (classification).
    public var trainMetric: Double
    /// Held-out metric, when this record is an evaluation point.
    public var testMetric: Double?
    /// Global gradient norm (before clipping) of the last step.
    public var gradientNorm: Double
    /// The learning rate of the last step (from the configuration's schedule).
    public var learningRate: Double
    /// Wall time: of this segment when returned by ``Trainer/trainUntilNextRecord(_:configuration:clock:afterStep:)``;
    /// callers that keep a curve usually replace it with the running total.
    public var seconds: Double

    /// A record with every field given.
    /// - Parameters:
    ///   - step: updates done.
    ///   - trainLoss: mean training loss since the previous record.
    ///   - trainMetric: mean training metric since the previous record.
    ///   - testMetric: held-out metric, if evaluated.
    ///   - gradientNorm: global gradient norm before clipping.
    ///   - learningRate: the current rate.
    ///   - seconds: wall time.
    public init(step: Int, trainLoss: Double, trainMetric: Double, testMetric: Double?, gradientNorm: Double,
                learningRate: Double, seconds: Double) {
        self.step = step
        self.trainLoss = trainLoss
        self.trainMetric = trainMetric
        self.testMetric = testMetric
        self.gradientNorm = gradientNorm
        self.learningRate = learningRate
        self.seconds = seconds
    }
}

/// Trains a `RecurrentModel` (module `Recurrent`) on a `SequenceTask` (sequence to one): the whole loop, from batch to update.
///
/// Each step draws a batch, runs the model forward, computes MSE (regression) or softmax cross-entropy
/// (classification) on the last step's readout, backpropagates through time, clips, and lets the optimizer
/// update the parameters.
///
/// Same seed and settings give bit-identical losses: batches, dropout masks and the model's arithmetic
/// are all deterministic (the GEMM kernels never split a dot product across threads).
public struct Trainer<Cell: RecurrentCell>: Sendable {
    /// The cell's scalar type.
    public typealias Scalar = Cell.Scalar
    /// The model being trained.
    public var model: RecurrentModel<Cell>
    /// The optimizer and its state (momentum, moments).
    public var optimizer: AnyOptimizer<Scalar>
    /// Generator of training batches and dropout masks (part of a checkpoint).
    public var generator: RandomGenerator
    /// Updates done so far.
    public var step = 0
    /// A limit on the spectral norm of some weights, applied after updates (`nil`: none).
    public var spectralNormLimit: SpectralNormLimit? = nil
    /// β of the norm-stabilizer penalty on the top layer's states (``Loss/normStabilizer(states:lengths:strength:)``),
    /// added to the task's loss; 0: off. The reported training loss is the task's alone, comparable across β.
    public var normStabilizer = 0.0
    /// A soft orthogonality penalty on some weights, added to the loss through its gradient before clipping
    /// (`nil`: none). Like ``normStabilizer``, it is not part of the reported training loss.
    public var orthogonalityPenalty: OrthogonalityPenalty? = nil
    /// ∂(norm-stabilizer penalty)/∂states, kept between steps to reuse its storage.
    var stateGradient = try! Tensor<Scalar>(shape: [0])  // an empty shape cannot fail

    /// A trainer at step 0.
    /// - Parameters:
    ///   - model: the initialized model.
    ///   - optimizer: the optimizer; its learning rate is set from the configuration's schedule before every update.
    ///   - seed: seed of the batch stream and the dropout masks.
    public init(model: RecurrentModel<Cell>, optimizer: AnyOptimizer<Scalar>, seed: UInt64) {
        self.model = model
        self.optimizer = optimizer
        self.generator = RandomGenerator(seed: seed)
    }

    /// Loss and its gradient for a batch's readout output.
    static func loss(_ output: Tensor<Scalar>, _ batch: TaskBatch<Scalar>, classification: Bool) throws -> LossResult<Scalar> {
        if classification {
            guard let labels = batch.labels else {
                throw RecurrentError.invalidArgument(what: "Trainer", reason: "classification batch without labels")
            }
            return try Loss.softmaxCrossEntropy(logits: output, labels: labels)
        }
        guard let targets = batch.targets else {
            throw RecurrentError.invalidArgument(what: "Trainer", reason: "regression batch without targets")
        }
        return try Loss.meanSquaredError(prediction: output, target: targets)
    }

    /// One update on one batch; returns the loss, the metric (MSE or accuracy) and the gradient norm before clipping.
    /// - Parameters:
    ///   - batch: inputs (T, B, I) with targets or labels.
    ///   - classification: softmax cross-entropy on labels (true) or MSE on targets (false).
    ///   - configuration: clipping and learning-rate schedule.
    /// - Throws: when a gradient is not finite (the model is left unchanged).
    public mutating func trainStep(on batch: TaskBatch<Scalar>, classification: Bool, configuration: TrainingConfiguration) throws
        -> (loss: Double, metric: Double, gradientNorm: Double) {
        var dropoutGenerator: RandomGenerator? = model.dropout > 0 ? RandomGenerator(seed: generator.next()) : nil
        let pass = try model.forward(batch.inputs, generator: &dropoutGenerator)
        let loss: LossResult<Scalar>
        do {
            loss = try Self.loss(pass.output, batch, classification: classification)
        } catch RecurrentError.nonFinite(let what, let index) {
            // The model's output overflowed: say where the run stands and what usually helps.
            throw RecurrentError.invalidArgument(
                what: "training diverged at step \(step + 1)",
                reason: "\(what) has a NaN or infinity at index \(index); the model is left as it was after step \(step) "
                    + "(and the last checkpoint, if any, is intact). Lower the learning rate (\(configuration.schedule.rate(atStep: step)) at this step) "
                    + "or clip harder")
        }
        if normStabilizer > 0 {
            _ = try Loss.normStabilizer(states: model.topOutputs(of: pass), strength: normStabilizer, gradient: &stateGradient)
        }
        var gradients = model.zeroGradients()
        try model.backwardWithoutInputGradient(pass, outputGradient: loss.gradient,
                                               topOutputGradient: normStabilizer > 0 ? stateGradient : nil, into: &gradients)
        let norm = try update(with: &gradients, configuration: configuration)
        let metric = classification ? Double(loss.correct) / Double(batch.inputs.shape[1]) : loss.value
        return (loss.value, metric, norm)
    }

    /// What every training step does once the loss gradients are known: the orthogonality penalty's gradient,
    /// clipping, the schedule's rate, the optimizer update, the spectral limit on W_hh, and the step count.
    /// - Returns: the global gradient norm before clipping.
    /// - Throws: when a gradient is not finite (the model is then left unchanged).
    mutating func update(with gradients: inout [Tensor<Scalar>], configuration: TrainingConfiguration) throws -> Double {
        if let penalty = orthogonalityPenalty { try penalty.addGradient(of: model.parameters, to: &gradients) }
        if let limit = configuration.clipValue { GradientClipping.clipByValue(&gradients, limit: limit) }
        let norm = try GradientClipping.clipByGlobalNorm(&gradients, maxNorm: configuration.clipNorm ?? .infinity,
                                                         names: model.parameterNames)
        optimizer.learningRate = configuration.schedule.rate(atStep: step)
        var parameters = model.parameters
        try optimizer.update(&parameters, gradients: gradients)
        if let limit = spectralNormLimit, (step + 1) % limit.interval == 0 { try limit.apply(to: &parameters) }
        try model.setParameters(parameters)
        step += 1
        return norm
    }

    /// Held-out metric: MSE for regression, accuracy for classification, over at most `limit` rows.
    /// - Parameters:
    ///   - task: the task whose `testBatches(batchSize:)` are evaluated.
    ///   - batchSize: rows per evaluation batch.
    ///   - limit: stop after this many rows (`nil`: the whole test set).
    /// - Returns: the mean MSE or the accuracy in [0, 1].
    /// - Throws: `RecurrentError` from the forward pass.
    public func evaluate(_ task: some SequenceTask, batchSize: Int = 500, limit: Int? = nil) throws -> Double {
        var total = 0.0, rows = 0
        for batch in task.testBatches(batchSize: batchSize) as [TaskBatch<Scalar>] {
            if let limit, rows >= limit { break }
            // The training forward's output without dropout, bit for bit, with nothing kept for a backward pass.
            let output = try model.predict(batch.inputs)
            let loss = try Self.loss(output, batch, classification: task.isClassification)
            let n = batch.inputs.shape[1]
            total += task.isClassification ? Double(loss.correct) : loss.value * Double(n)
            rows += n
        }
        return total / Double(max(rows, 1))
    }

    /// Runs updates until the next evaluation point (every `evaluationInterval` steps, and the last step),
    /// evaluates, and returns that point of the learning curve. Checkpoints taken between calls resume the
    /// run bit-identically.
    /// - Parameters:
    ///   - task: the data.
    ///   - configuration: the run's settings.
    ///   - clock: seconds since some origin, for the record's `seconds`.
    ///   - afterStep: called after every update with (step, loss), e.g. for live progress.
    /// - Returns: the learning-curve point at the new step.
    /// - Throws: `RecurrentError` when a gradient is not finite or a batch is malformed.
    public mutating func trainUntilNextRecord(
        _ task: some SequenceTask, configuration: TrainingConfiguration, clock: () -> Double,
        afterStep: (Int, Double) -> Void = { _, _ in }
    ) throws -> TrainingRecord {
        var lossSum = 0.0, metricSum = 0.0, count = 0, lastNorm = 0.0
        let start = clock()
        repeat {
            let batch: TaskBatch<Scalar> = task.trainingBatch(size: configuration.batchSize, index: step, using: &generator)
            let result = try trainStep(on: batch, classification: task.isClassification, configuration: configuration)
            lossSum += result.loss; metricSum += result.metric; count += 1; lastNorm = result.gradientNorm
            afterStep(step, result.loss)
        } while step % configuration.evaluationInterval != 0 && step < configuration.steps
        let isLast = step >= configuration.steps
        let test = try evaluate(task, limit: isLast ? nil : configuration.periodicEvaluationSize)
        return TrainingRecord(step: step, trainLoss: lossSum / Double(count), trainMetric: metricSum / Double(count),
                              testMetric: test, gradientNorm: lastNorm, learningRate: configuration.schedule.rate(atStep: step - 1),
                              seconds: clock() - start)
    }
}

extension Trainer {
    /// The gradient flow through time of the current model on the task's first held-out batch:
    /// `‖∂L/∂h_t‖` of the bottom layer for every step t, for the task's own loss (see
    /// `RecurrentModel.gradientFlow(_:outputGradient:)`). Nothing is updated.
    /// - Parameters:
    ///   - task: the data; its first test batch, cut to `batchSize` rows, is used.
    ///   - batchSize: rows to use (default 64).
    /// - Returns: T norms, step 0 first.
    public func gradientFlow(_ task: some SequenceTask, batchSize: Int = 64) throws -> [Double] {
        guard let batch = (task.testBatches(batchSize: batchSize) as [TaskBatch<Scalar>]).first else { return [] }
        let pass = try model.forward(batch.inputs)
        let loss = try Self.loss(pass.output, batch, classification: task.isClassification)
        return try model.gradientFlow(pass, outputGradient: loss.gradient)
    }
}
