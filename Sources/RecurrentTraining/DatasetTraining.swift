import Recurrent
import RecurrentInitializers
import RecurrentData

/// Settings of epoch-based training on a `SequenceDataset` (``Trainer/fit(_:validation:settings:onEpoch:)``).
///
/// ```swift
/// let settings = DatasetTrainingSettings(epochs: 100, batchSize: 16, learningRate: 1e-3, patience: 20)
/// ```
public struct DatasetTrainingSettings: Sendable {
    /// Passes over the training data (at most: early stopping may end the run sooner).
    public var epochs: Int
    /// Cases per batch.
    public var batchSize: Int
    /// Clipping and the learning rate of every update (its `steps` and `batchSize` are not read).
    public var optimization: TrainingConfiguration
    /// Stop after this many epochs without a better validation score (`nil`: run every epoch). Either way, with
    /// validation data the best epoch's weights are restored at the end.
    public var patience: Int?
    /// Group cases of similar length into batches (`nil`: plain shuffling).
    public var bucketing: LengthBucketing?
    /// Seed of the batch order.
    public var seed: UInt64
    /// Which validated epoch is kept on classification data (with targets: always the lowest validation MSE).
    public var selection: EpochSelection = .accuracyThenLowerLoss

    /// Settings with a constant learning rate and global-norm clipping.
    /// - Parameters:
    ///   - epochs: passes over the training data (≥ 1).
    ///   - batchSize: cases per batch (≥ 1).
    ///   - learningRate: the optimizer's rate.
    ///   - clipNorm: global-norm clipping threshold (default 1; `nil`: off).
    ///   - patience: epochs without improvement before stopping (`nil`: no early stopping).
    ///   - bucketing: optional length bucketing.
    ///   - seed: seed of the batch order.
    public init(epochs: Int, batchSize: Int, learningRate: Double, clipNorm: Double? = 1, patience: Int? = nil,
                bucketing: LengthBucketing? = nil, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimization = TrainingConfiguration(steps: 1, batchSize: batchSize, learningRate: learningRate, clipNorm: clipNorm, seed: seed)
        self.patience = patience
        self.bucketing = bucketing
        self.seed = seed
    }
}

/// How ``Trainer/fit(_:validation:settings:onEpoch:)`` picks the epoch it keeps on classification data. An epoch
/// is "better" than the best so far by the rule; patience counts the epochs since the last better one.
public enum EpochSelection: String, Sendable, CaseIterable {
    /// The highest validation accuracy; among equal accuracies the lower validation loss (the default). When the
    /// accuracy saturates early, this keeps an early epoch: the loss of a model that is still growing confident
    /// rises while its accuracy stays.
    case accuracyThenLowerLoss = "accuracy-loss"
    /// The highest validation accuracy; among equal accuracies the later epoch (an equal one resets patience).
    case accuracyThenLater = "accuracy-later"
    /// The lowest validation loss, accuracy ignored.
    case loss

    /// Whether an epoch with validation `accuracy` and `loss` is better by this rule than the best so far.
    func prefers(accuracy: Double, loss: Double, over best: (accuracy: Double, loss: Double)) -> Bool {
        switch self {
        case .accuracyThenLowerLoss: accuracy > best.accuracy || (accuracy == best.accuracy && loss < best.loss)
        case .accuracyThenLater: accuracy >= best.accuracy
        case .loss: loss < best.loss
        }
    }
}

/// One epoch of ``Trainer/fit(_:validation:settings:onEpoch:)``.
public struct EpochRecord: Sendable, Equatable {
    /// The epoch, from 1.
    public var epoch: Int
    /// Mean training loss over the epoch's batches.
    public var trainLoss: Double
    /// Training metric over the epoch's batches: accuracy (labels) or the loss (regression).
    public var trainMetric: Double
    /// Validation loss after the epoch, if there is validation data.
    public var validationLoss: Double?
    /// Validation metric after the epoch: accuracy (labels) or mean squared error, if there is validation data.
    public var validationMetric: Double?
    /// Whether this epoch is the best so far on validation data (and its weights are kept).
    public var isBest: Bool
    /// Updates done so far.
    public var step: Int
}

/// The outcome of ``Trainer/fit(_:validation:settings:onEpoch:)``.
public struct FitResult: Sendable, Equatable {
    /// Every epoch run.
    public var epochs: [EpochRecord]
    /// The epoch whose weights the model holds: the best on validation data, or the last without it.
    public var bestEpoch: Int
    /// Whether the run ended early (patience ran out).
    public var stoppedEarly: Bool
}

extension Trainer {
    /// Loss of a padded batch's output: softmax cross-entropy on labels (sequence to one), MSE on per-sequence
    /// targets, masked MSE on per-step targets (sequence to sequence, every real step counted once).
    static func loss(_ output: Tensor<Scalar>, _ batch: SequenceBatch<Scalar>) throws -> LossResult<Scalar> {
        if let labels = batch.labels { return try Loss.softmaxCrossEntropy(logits: output, labels: labels) }
        if let targets = batch.targets { return try Loss.meanSquaredError(prediction: output, target: targets) }
        if let stepTargets = batch.stepTargets {
            return try Loss.maskedMeanSquaredError(prediction: output, target: stepTargets, lengths: batch.lengths)
        }
        throw RecurrentError.invalidArgument(what: "Trainer", reason: "batch without labels or targets")
    }

    /// One update on a padded batch of different lengths; returns the loss, the metric (accuracy for labels, the
    /// loss otherwise) and the gradient norm before clipping.
    /// - Parameters:
    ///   - batch: from `SequenceDataset.batches(size:seed:epoch:bucketing:)`; labels or per-sequence targets need
    ///     a `.lastStep` model, per-step targets an `.everyStep` one.
    ///   - configuration: clipping and the learning rate (read at the trainer's step).
    /// - Throws: `RecurrentError` for a non-finite gradient or a batch that does not fit the model.
    public mutating func trainStep(on batch: SequenceBatch<Scalar>, configuration: TrainingConfiguration) throws
        -> (loss: Double, metric: Double, gradientNorm: Double) {
        var dropoutGenerator: RandomGenerator? = model.dropout > 0 ? RandomGenerator(seed: generator.next()) : nil
        let pass = try model.forward(batch.inputs, lengths: batch.lengths, generator: &dropoutGenerator)
        let loss = try Self.loss(pass.output, batch)
        var gradients = model.zeroGradients()
        try model.backwardWithoutInputGradient(pass, outputGradient: loss.gradient, into: &gradients)
        let norm = try update(with: &gradients, configuration: configuration)
        let metric = batch.labels != nil ? Double(loss.correct) / Double(batch.size) : loss.value
        return (loss.value, metric, norm)
    }

    /// Loss and metric on a whole data set without dropout: mean loss per case (per real step for per-step targets),
    /// and accuracy (labels) or mean squared error (targets).
    /// - Parameters:
    ///   - dataset: the cases.
    ///   - batchSize: cases per evaluation batch.
    /// - Returns: the loss and the metric.
    /// - Throws: `RecurrentError` from the forward pass.
    public func evaluate(_ dataset: SequenceDataset<Scalar>, batchSize: Int = 256) throws -> (loss: Double, metric: Double) {
        var lossSum = 0.0, correct = 0, weight = 0
        for batch in try dataset.batches(size: batchSize) {
            let output = try model.predict(batch.inputs, lengths: batch.lengths)
            let loss = try Self.loss(output, batch)
            let n = batch.stepTargets != nil ? batch.realStepCount : batch.size
            lossSum += loss.value * Double(n); weight += n; correct += loss.correct
        }
        let meanLoss = lossSum / Double(weight)
        return (meanLoss, dataset.labels != nil ? Double(correct) / Double(dataset.count) : meanLoss)
    }

    /// Trains for up to `settings.epochs` passes over `training`, evaluating on `validation` after every epoch.
    ///
    /// The best epoch is the one with the highest validation accuracy (labels; ties go to the lower validation
    /// loss, or another ``EpochSelection`` rule from `settings.selection`) or the lowest validation MSE (targets).
    /// With `settings.patience` = P the run stops after P epochs without a better one. With validation data the
    /// model ends holding the best epoch's weights exactly; the optimizer state and the step count stay those of
    /// the last epoch run.
    /// - Parameters:
    ///   - training: the training cases: raw when the model carries the standardization as its
    ///     `inputNormalization` (then saved with it), otherwise standardized first (`FeatureStandardization`).
    ///   - validation: held-out cases from the training data (`SequenceDataset.split(validationFraction:seed:)`), or nil.
    ///   - settings: epochs, batch size, learning rate, patience, bucketing.
    ///   - onEpoch: called after every epoch with its record.
    /// - Returns: every epoch's record, the best epoch, and whether the run stopped early.
    /// - Throws: `RecurrentError` for a non-finite gradient or data that does not fit the model.
    ///
    /// ```swift
    /// let result = try trainer.fit(train, validation: validation,
    ///                              settings: DatasetTrainingSettings(epochs: 50, batchSize: 16, learningRate: 1e-3, patience: 10)) {
    ///     print($0.epoch, $0.trainLoss, $0.validationMetric ?? .nan)
    /// }
    /// ```
    public mutating func fit(_ training: SequenceDataset<Scalar>, validation: SequenceDataset<Scalar>? = nil,
                             settings: DatasetTrainingSettings, onEpoch: (EpochRecord) -> Void = { _ in }) throws -> FitResult {
        guard settings.epochs >= 1, settings.batchSize >= 1 else {
            throw RecurrentError.invalidArgument(what: "Trainer.fit", reason: "epochs and batch size must be at least 1, got "
                                                 + "\(settings.epochs) and \(settings.batchSize)")
        }
        let isClassification = training.labels != nil
        var records: [EpochRecord] = []
        var best: (epoch: Int, metric: Double, loss: Double, parameters: [Tensor<Scalar>])? = nil
        for epoch in 1...settings.epochs {
            var lossSum = 0.0, metricSum = 0.0, weight = 0
            for batch in try training.batches(size: settings.batchSize, seed: settings.seed, epoch: epoch - 1, bucketing: settings.bucketing) {
                let result = try trainStep(on: batch, configuration: settings.optimization)
                lossSum += result.loss * Double(batch.size); metricSum += result.metric * Double(batch.size); weight += batch.size
            }
            var record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(weight), trainMetric: metricSum / Double(weight),
                                     validationLoss: nil, validationMetric: nil, isBest: false, step: step)
            if let validation {
                let (loss, metric) = try evaluate(validation)
                record.validationLoss = loss; record.validationMetric = metric
                let better: Bool
                if let best {
                    if !isClassification {
                        better = metric < best.metric
                    } else {
                        better = settings.selection.prefers(accuracy: metric, loss: loss, over: (best.metric, best.loss))
                    }
                } else {
                    better = true
                }
                if better { best = (epoch, metric, loss, model.parameters) }
                record.isBest = better
            }
            records.append(record)
            onEpoch(record)
            if let patience = settings.patience, let best, epoch - best.epoch >= patience { break }
        }
        if let best { try model.setParameters(best.parameters) }
        let last = records.count
        return FitResult(epochs: records, bestEpoch: best?.epoch ?? last, stoppedEarly: last < settings.epochs)
    }
}
