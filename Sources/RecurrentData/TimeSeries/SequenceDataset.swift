import Recurrent

/// Sequences of different lengths, each case i a (Tᵢ, D) matrix, with a class label per sequence, a target
/// vector per sequence, or a target vector per step.
///
/// The data set is checked once, when it is made: at least one case, every case at least one step, D values per
/// step, every value finite, one label or target per case, labels in `0..<classCount`, per-step targets as long as
/// their case. A violation throws ``SequenceDatasetError`` naming the case index, before any training starts.
///
/// Batches (``batches(size:seed:epoch:bucketing:)``) are time-major (T, B, D), padded with zeros to the longest
/// case of the batch, and carry each case's length — see ``SequenceBatch``.
///
/// ```swift
/// // Three cases of lengths 3, 1 and 2, with D = 2 features per step, and a class label each.
/// let data = try SequenceDataset<Float>(
///     cases: [[[0, 1], [2, 3], [4, 5]], [[6, 7]], [[8, 9], [10, 11]]],
///     labels: [0, 1, 0], classCount: 2)
/// let (train, validation) = try data.split(validationFraction: 0.3, seed: 1)
/// let scaler = FeatureStandardization(fitting: train)      // mean and std of the training steps only
/// let ready = try scaler.apply(to: train)
/// for batch in try ready.batches(size: 2, seed: 7, epoch: 0) {
///     // batch.inputs: (T, B, 2), zero past batch.lengths[b]; batch.labels: B class indices
/// }
/// ```
public struct SequenceDataset<S: RecurrentScalar>: Sendable {
    /// What a case is scored against.
    ///
    /// ```swift
    /// if case let .labels(labels, classCount) = data.targets { print(labels.count, classCount) }
    /// ```
    public enum Targets: Sendable, Equatable {
        /// One class index in `0..<classCount` per case.
        case labels([Int], classCount: Int)
        /// One target vector of `width` values per case (regression on the whole sequence).
        case sequenceTargets([[S]], width: Int)
        /// One target vector of `width` values per step: case i holds `lengths[i] * width` values, step-major.
        case stepTargets([[S]], width: Int)
    }

    /// Features per step, D.
    public let featureCount: Int
    /// Each case's values, step-major: `inputs[i][t * featureCount + d]`.
    public let inputs: [[S]]
    /// Each case's number of steps, Tᵢ ≥ 1.
    public let lengths: [Int]
    /// The labels or targets, one per case (or per step).
    public let targets: Targets

    /// The number of cases.
    ///
    /// ```swift
    /// let n = data.count
    /// ```
    public var count: Int { lengths.count }

    /// The class labels, or nil for regression data.
    ///
    /// ```swift
    /// let labels = data.labels ?? []
    /// ```
    public var labels: [Int]? {
        if case let .labels(labels, _) = targets { return labels }
        return nil
    }

    /// The number of classes, or nil for regression data.
    ///
    /// ```swift
    /// let classes = data.classCount ?? 0
    /// ```
    public var classCount: Int? {
        if case let .labels(_, classCount) = targets { return classCount }
        return nil
    }

    /// The longest case, max Tᵢ.
    ///
    /// ```swift
    /// let longest = data.maximumLength
    /// ```
    public var maximumLength: Int { lengths.max() ?? 0 }

    /// Cases per class (index = class), or nil for regression data.
    ///
    /// ```swift
    /// print(data.classCounts ?? [])   // e.g. [25, 25]
    /// ```
    public var classCounts: [Int]? {
        guard case let .labels(labels, classCount) = targets else { return nil }
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// Creates and checks a data set from step-major flat cases.
    ///
    /// - Parameters:
    ///   - featureCount: D, features per step (≥ 1).
    ///   - inputs: each case's `lengths[i] * featureCount` values, step-major.
    ///   - lengths: each case's number of steps (≥ 1).
    ///   - targets: labels or targets for every case.
    /// - Throws: ``SequenceDatasetError`` naming the first case at fault: an empty data set, mismatched counts,
    ///   a case of length 0, a wrong number of values, NaN or infinity, a label out of range.
    ///
    /// ```swift
    /// let data = try SequenceDataset<Double>(featureCount: 1, inputs: [[1, 2, 3], [4]], lengths: [3, 1],
    ///                                        targets: .labels([1, 0], classCount: 2))
    /// ```
    public init(featureCount: Int, inputs: [[S]], lengths: [Int], targets: Targets) throws {
        guard !lengths.isEmpty else { throw SequenceDatasetError(caseIndex: nil, reason: "the data set is empty; expected at least one case") }
        guard featureCount >= 1 else {
            throw SequenceDatasetError(caseIndex: nil, reason: "expected at least one feature per step, got \(featureCount)")
        }
        guard inputs.count == lengths.count else {
            throw SequenceDatasetError(caseIndex: nil, reason: "mismatched counts: \(inputs.count) cases of inputs, \(lengths.count) lengths")
        }
        for (i, length) in lengths.enumerated() {
            guard length >= 1 else {
                throw SequenceDatasetError(caseIndex: i, reason: "has length \(length); every case needs at least one step")
            }
            guard inputs[i].count == length * featureCount else {
                throw SequenceDatasetError(caseIndex: i, reason:
                    "has \(inputs[i].count) values, expected length \(length) × \(featureCount) features = \(length * featureCount)")
            }
            if let bad = inputs[i].firstIndex(where: { !$0.isFinite }) {
                throw SequenceDatasetError(caseIndex: i, reason:
                    "step \(bad / featureCount), feature \(bad % featureCount) is \(inputs[i][bad]); inputs must be finite")
            }
        }
        try Self.check(targets, lengths: lengths)
        self.featureCount = featureCount
        self.inputs = inputs
        self.lengths = lengths
        self.targets = targets
    }

    private static func check(_ targets: Targets, lengths: [Int]) throws {
        func counts(_ n: Int, _ what: String) throws {
            guard n == lengths.count else {
                throw SequenceDatasetError(caseIndex: nil, reason: "mismatched counts: \(lengths.count) cases, \(n) \(what)")
            }
        }
        switch targets {
        case let .labels(labels, classCount):
            try counts(labels.count, "labels")
            guard classCount >= 1 else { throw SequenceDatasetError(caseIndex: nil, reason: "classCount must be at least 1, got \(classCount)") }
            if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
                throw SequenceDatasetError(caseIndex: bad, reason: "label \(labels[bad]) is outside 0..<\(classCount)")
            }
        case let .sequenceTargets(values, width), let .stepTargets(values, width):
            let perStep: Bool
            if case .stepTargets = targets { perStep = true } else { perStep = false }
            try counts(values.count, perStep ? "per-step target sequences" : "targets")
            guard width >= 1 else { throw SequenceDatasetError(caseIndex: nil, reason: "target width must be at least 1, got \(width)") }
            for (i, row) in values.enumerated() {
                let expected = perStep ? lengths[i] * width : width
                guard row.count == expected else {
                    throw SequenceDatasetError(caseIndex: i, reason: "has \(row.count) target values, expected "
                        + (perStep ? "length \(lengths[i]) × width \(width) = \(expected)" : "\(width)"))
                }
                if let bad = row.firstIndex(where: { !$0.isFinite }) {
                    throw SequenceDatasetError(caseIndex: i, reason: "target value \(bad) is \(row[bad]); targets must be finite")
                }
            }
        }
    }

    /// Cases given as arrays of steps, each step a feature vector: `cases[i][t][d]`.
    private static func flatten(_ cases: [[[S]]]) throws -> (featureCount: Int, inputs: [[S]], lengths: [Int]) {
        guard let firstStep = cases.first(where: { !$0.isEmpty })?.first else {
            throw SequenceDatasetError(caseIndex: cases.isEmpty ? nil : 0, reason: cases.isEmpty
                ? "the data set is empty; expected at least one case" : "has length 0; every case needs at least one step")
        }
        let featureCount = firstStep.count
        var inputs: [[S]] = []
        inputs.reserveCapacity(cases.count)
        for (i, steps) in cases.enumerated() {
            var flat: [S] = []
            flat.reserveCapacity(steps.count * featureCount)
            for (t, step) in steps.enumerated() {
                guard step.count == featureCount else {
                    throw SequenceDatasetError(caseIndex: i, reason: "step \(t) has \(step.count) features, the first step of the data set has \(featureCount)")
                }
                flat += step
            }
            inputs.append(flat)
        }
        return (featureCount, inputs, cases.map(\.count))
    }

    /// Creates a classification data set from cases given step by step: `cases[i][t][d]`.
    ///
    /// - Parameters:
    ///   - cases: each case's steps, each step a vector of D features (D taken from the first step).
    ///   - labels: one class index per case.
    ///   - classCount: the number of classes; labels must lie in `0..<classCount`.
    /// - Throws: ``SequenceDatasetError`` naming the case at fault.
    ///
    /// ```swift
    /// let data = try SequenceDataset<Float>(cases: [[[1], [2]], [[3]]], labels: [1, 0], classCount: 2)
    /// ```
    public init(cases: [[[S]]], labels: [Int], classCount: Int) throws {
        let (featureCount, inputs, lengths) = try Self.flatten(cases)
        try self.init(featureCount: featureCount, inputs: inputs, lengths: lengths,
                      targets: .labels(labels, classCount: classCount))
    }

    /// Creates a sequence-to-sequence data set: a target vector for every step, `stepTargets[i][t][k]`.
    ///
    /// - Parameters:
    ///   - cases: each case's steps, each step a vector of D features.
    ///   - stepTargets: each case's per-step targets, as many steps as the case, K values each.
    /// - Throws: ``SequenceDatasetError`` naming the case at fault.
    ///
    /// ```swift
    /// // Predict the next value of a series: the target of step t is the input of step t + 1.
    /// let data = try SequenceDataset<Float>(cases: [[[1], [2], [3]]], stepTargets: [[[2], [3], [4]]])
    /// ```
    public init(cases: [[[S]]], stepTargets: [[[S]]]) throws {
        let (featureCount, inputs, lengths) = try Self.flatten(cases)
        guard stepTargets.count == cases.count else {
            throw SequenceDatasetError(caseIndex: nil, reason: "mismatched counts: \(cases.count) cases, \(stepTargets.count) per-step target sequences")
        }
        let width = stepTargets.first?.first?.count ?? 0
        var flat: [[S]] = []
        for (i, steps) in stepTargets.enumerated() {
            guard steps.count == lengths[i] else {
                throw SequenceDatasetError(caseIndex: i, reason: "has \(steps.count) target steps, expected one per input step (\(lengths[i]))")
            }
            if let t = steps.firstIndex(where: { $0.count != width }) {
                throw SequenceDatasetError(caseIndex: i, reason: "target step \(t) has \(steps[t].count) values, the first has \(width)")
            }
            flat.append(steps.flatMap { $0 })
        }
        try self.init(featureCount: featureCount, inputs: inputs, lengths: lengths, targets: .stepTargets(flat, width: width))
    }

    /// Creates a sequence-regression data set: one target vector per case.
    ///
    /// - Parameters:
    ///   - cases: each case's steps, each step a vector of D features.
    ///   - targets: one vector of K values per case.
    /// - Throws: ``SequenceDatasetError`` naming the case at fault.
    ///
    /// ```swift
    /// let data = try SequenceDataset<Double>(cases: [[[1], [2]], [[3]]], targets: [[3], [3]])
    /// ```
    public init(cases: [[[S]]], targets: [[S]]) throws {
        let (featureCount, inputs, lengths) = try Self.flatten(cases)
        try self.init(featureCount: featureCount, inputs: inputs, lengths: lengths,
                      targets: .sequenceTargets(targets, width: targets.first?.count ?? 0))
    }

    /// Creates a data set from a `.ts` file: class labels (indices in the declared order) or regression targets.
    ///
    /// - Parameters:
    ///   - file: a file read by ``TimeSeriesFile/load(_:missingValues:maximumBytes:)``.
    /// - Throws: ``SequenceDatasetError`` when the file has neither class labels nor targets.
    ///
    /// ```swift
    /// let train = try SequenceDataset<Float>(TimeSeriesFile.load("JapaneseVowels_TRAIN.ts"))
    /// ```
    public init(_ file: TimeSeriesFile) throws {
        let inputs = file.values.map { $0.map { S($0) } }
        let targets: Targets
        if let labels = file.labels, let names = file.classNames {
            targets = .labels(labels, classCount: names.count)
        } else if let values = file.targets {
            targets = .sequenceTargets(values.map { [S($0)] }, width: 1)
        } else {
            throw SequenceDatasetError(caseIndex: nil, reason: "\(file.source) has neither class labels nor regression targets "
                                       + "(@classLabel false, @targetLabel false); a data set needs one of them")
        }
        try self.init(featureCount: file.dimensions, inputs: inputs, lengths: file.lengths, targets: targets)
    }
}
