import Recurrent

/// Per-feature standardization x′ = (x − μ_d) / σ_d, fitted on the real steps of the training cases only.
///
/// μ_d and σ_d are the mean and the population standard deviation, σ_d = √(Σ (x − μ_d)² / N), of feature d over
/// all N real (unpadded) steps of all training cases, computed in `Double` in two passes. A feature that is
/// constant in the training data gets σ_d = 1, so it maps to 0 and nothing is divided by zero. Fit it on the
/// training part only — never on validation or test data — and apply the same value to every part and, later,
/// to the inputs of `predict`. The simplest way is to let the model carry it: ``inputNormalization(as:)`` gives
/// the `InputNormalization` a `RecurrentModel` applies to its raw input in training and prediction alike and
/// saves with its weights. ``array`` and ``dictionary`` are plain forms for other storage.
///
/// ```swift
/// let data = try SequenceDataset<Float>(cases: [[[1, 5], [3, 5]], [[5, 5]]], labels: [0, 1], classCount: 2)
/// let scaler = FeatureStandardization(fitting: data)
/// print(scaler.mean, scaler.standardDeviation)   // [3.0, 5.0] [1.632993161855452, 1.0]
/// let standardized = try scaler.apply(to: data)
/// let stored = scaler.array                      // [μ_0, μ_1, σ_0, σ_1]
/// let restored = try FeatureStandardization(array: stored)
/// ```
public struct FeatureStandardization: Sendable, Equatable {
    /// μ_d, one per feature.
    public let mean: [Double]
    /// σ_d, one per feature, each finite and positive.
    public let standardDeviation: [Double]

    /// The number of features D.
    ///
    /// ```swift
    /// let d = scaler.featureCount
    /// ```
    public var featureCount: Int { mean.count }

    /// Creates a standardization from stored statistics.
    ///
    /// - Parameters:
    ///   - mean: μ_d, finite.
    ///   - standardDeviation: σ_d, finite and positive, as many as `mean`.
    /// - Throws: ``SequenceDatasetError`` for mismatched counts, no features, or a value out of range.
    ///
    /// ```swift
    /// let scaler = try FeatureStandardization(mean: [0.5, 2], standardDeviation: [1, 4])
    /// ```
    public init(mean: [Double], standardDeviation: [Double]) throws {
        guard !mean.isEmpty, mean.count == standardDeviation.count else {
            throw SequenceDatasetError(caseIndex: nil, reason: "standardization needs as many means as standard deviations (at least one), "
                                       + "got \(mean.count) and \(standardDeviation.count)")
        }
        if let d = mean.firstIndex(where: { !$0.isFinite }) {
            throw SequenceDatasetError(caseIndex: nil, reason: "standardization mean of feature \(d) is \(mean[d]); it must be finite")
        }
        if let d = standardDeviation.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw SequenceDatasetError(caseIndex: nil, reason:
                "standardization standard deviation of feature \(d) is \(standardDeviation[d]); it must be finite and positive")
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Fits μ_d and σ_d over every real step of every case of `dataset` (pass the training part only).
    ///
    /// - Parameters:
    ///   - dataset: the training cases.
    ///
    /// ```swift
    /// let scaler = FeatureStandardization(fitting: train)
    /// ```
    public init<S: RecurrentScalar>(fitting dataset: SequenceDataset<S>) {
        let d = dataset.featureCount
        var sum = [Double](repeating: 0, count: d)
        var low = [Double](repeating: .infinity, count: d), high = [Double](repeating: -.infinity, count: d)
        var n = 0
        for values in dataset.inputs {
            for (offset, value) in values.enumerated() {
                let x = Double(value), feature = offset % d
                sum[feature] += x
                low[feature] = Swift.min(low[feature], x)
                high[feature] = Swift.max(high[feature], x)
            }
            n += values.count / d
        }
        let mean = sum.map { $0 / Double(n) }
        var squares = [Double](repeating: 0, count: d)
        for values in dataset.inputs {
            for (offset, value) in values.enumerated() {
                let deviation = Double(value) - mean[offset % d]
                squares[offset % d] += deviation * deviation
            }
        }
        // Constant features (equal extremes) get σ = 1: rounding in μ would otherwise leave a tiny σ to divide by.
        let deviation = (0..<d).map { f -> Double in
            let sigma = (squares[f] / Double(n)).squareRoot()
            return low[f] == high[f] || !(sigma > 0) || !sigma.isFinite ? 1 : sigma
        }
        self.mean = mean
        self.standardDeviation = deviation
    }

    private func checkFeatures(_ count: Int) throws {
        guard count == featureCount else {
            throw SequenceDatasetError(caseIndex: nil, reason: "the standardization was fitted on \(featureCount) features, the data has \(count)")
        }
    }

    /// Standardizes every value of every case.
    ///
    /// - Parameters:
    ///   - dataset: cases with ``featureCount`` features.
    /// - Returns: the standardized data set (same lengths and targets).
    /// - Throws: ``SequenceDatasetError`` for a different feature count, or a value that overflows.
    ///
    /// ```swift
    /// let standardizedTest = try scaler.apply(to: test)
    /// ```
    public func apply<S: RecurrentScalar>(to dataset: SequenceDataset<S>) throws -> SequenceDataset<S> {
        try checkFeatures(dataset.featureCount)
        let d = featureCount
        let inputs = dataset.inputs.map { values in
            values.enumerated().map { offset, x in S((Double(x) - mean[offset % d]) / standardDeviation[offset % d]) }
        }
        return try SequenceDataset(featureCount: d, inputs: inputs, lengths: dataset.lengths, targets: dataset.targets)
    }

    /// Standardizes a tensor whose last axis holds the features, e.g. (T, B, D) or (T, D); every entry is treated
    /// as a real step (apply it to a data set, or use ``apply(toBatch:)``, to keep padding at zero).
    ///
    /// - Parameters:
    ///   - inputs: a tensor with ``featureCount`` entries on its last axis.
    /// - Returns: the standardized tensor, same shape.
    /// - Throws: ``SequenceDatasetError`` when the last axis is not ``featureCount``.
    ///
    /// ```swift
    /// let x = try scaler.apply(to: Tensor<Float>(shape: [5, 1, 2], repeating: 1))
    /// ```
    public func apply<S: RecurrentScalar>(to inputs: Tensor<S>) throws -> Tensor<S> {
        try checkFeatures(inputs.shape.last ?? 0)
        let d = featureCount
        let scalars = inputs.scalars.enumerated().map { offset, x in
            S((Double(x) - mean[offset % d]) / standardDeviation[offset % d])
        }
        return makeTensor(inputs.shape, scalars)
    }

    /// Standardizes the real steps of a padded batch and leaves the padding at zero.
    ///
    /// - Parameters:
    ///   - batch: a batch with ``featureCount`` features.
    /// - Returns: the batch with standardized inputs.
    /// - Throws: ``SequenceDatasetError`` for a different feature count.
    ///
    /// ```swift
    /// let ready = try scaler.apply(toBatch: batch)
    /// ```
    public func apply<S: RecurrentScalar>(toBatch batch: SequenceBatch<S>) throws -> SequenceBatch<S> {
        try checkFeatures(batch.inputs.shape[2])
        let d = featureCount, b = batch.size
        var scalars = batch.inputs.scalars  // (T, B, D)
        for (column, length) in batch.lengths.enumerated() {
            for step in 0..<length {
                for f in 0..<d {
                    let at = (step * b + column) * d + f
                    scalars[at] = S((Double(scalars[at]) - mean[f]) / standardDeviation[f])
                }
            }
        }
        var result = batch
        result.inputs = makeTensor(batch.inputs.shape, scalars)
        return result
    }

    /// The statistics as one array, μ_0 … μ_{D−1} followed by σ_0 … σ_{D−1} (2D values), e.g. for a (2, D) tensor.
    ///
    /// ```swift
    /// let restored = try FeatureStandardization(array: scaler.array)
    /// ```
    public var array: [Double] { mean + standardDeviation }

    /// Reads the form written by ``array``.
    ///
    /// - Parameters:
    ///   - array: 2D values, the means then the standard deviations.
    /// - Throws: ``SequenceDatasetError`` for an odd or zero count or a value out of range.
    ///
    /// ```swift
    /// let scaler = try FeatureStandardization(array: [0, 10, 1, 2])   // μ = [0, 10], σ = [1, 2]
    /// ```
    public init(array: [Double]) throws {
        guard array.count % 2 == 0 else {
            throw SequenceDatasetError(caseIndex: nil, reason: "a standardization array holds 2D values (means, then deviations), got \(array.count)")
        }
        try self.init(mean: Array(array[..<(array.count / 2)]), standardDeviation: Array(array[(array.count / 2)...]))
    }

    /// The statistics by name, `["mean": μ, "std": σ]`, e.g. for JSON metadata.
    ///
    /// ```swift
    /// let restored = try FeatureStandardization(dictionary: scaler.dictionary)
    /// ```
    public var dictionary: [String: [Double]] { ["mean": mean, "std": standardDeviation] }

    /// Reads the form written by ``dictionary``.
    ///
    /// - Parameters:
    ///   - dictionary: `"mean"` and `"std"`, equally long.
    /// - Throws: ``SequenceDatasetError`` for a missing key or a value out of range.
    ///
    /// ```swift
    /// let scaler = try FeatureStandardization(dictionary: ["mean": [0], "std": [2]])
    /// ```
    public init(dictionary: [String: [Double]]) throws {
        guard let mean = dictionary["mean"], let deviation = dictionary["std"] else {
            throw SequenceDatasetError(caseIndex: nil, reason: "a standardization dictionary needs the keys \"mean\" and \"std\", got "
                                       + dictionary.keys.sorted().joined(separator: ", "))
        }
        try self.init(mean: mean, standardDeviation: deviation)
    }
}

extension FeatureStandardization {
    /// The statistics rounded to a model's scalar type, as a model carries them (`RecurrentModel.inputNormalization`):
    /// μ_d as the mean, σ_d as the scale. A model with it takes raw input in `predict`, `step` and training alike.
    ///
    /// - Parameters:
    ///   - scalar: the model's scalar type.
    /// - Returns: the normalization (μ, σ) in `S`.
    /// - Throws: `RecurrentError` when a statistic does not fit `S` (a mean beyond `Float`'s range, or a σ that
    ///   rounds to zero).
    ///
    /// ```swift
    /// model.inputNormalization = try FeatureStandardization(fitting: train).inputNormalization(as: Float.self)
    /// ```
    public func inputNormalization<S: RecurrentScalar>(as scalar: S.Type = S.self) throws -> InputNormalization<S> {
        try InputNormalization(mean: mean.map { S($0) }, scale: standardDeviation.map { S($0) })
    }

    /// The standardization a model carries, with its statistics widened to `Double`: applying it to data gives,
    /// value for value, what the model's normalization gives.
    ///
    /// - Parameters:
    ///   - normalization: a model's input normalization.
    ///
    /// ```swift
    /// let scaler = FeatureStandardization(normalization)
    /// ```
    public init<S: RecurrentScalar>(_ normalization: InputNormalization<S>) {
        // InputNormalization guarantees finite means and finite positive scales; widening keeps both.
        self.mean = normalization.mean.map(Double.init)
        self.standardDeviation = normalization.scale.map(Double.init)
    }
}
