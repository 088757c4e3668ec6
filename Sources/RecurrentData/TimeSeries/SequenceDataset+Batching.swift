import Recurrent
import RecurrentInitializers

/// Groups cases of similar length into the same batches, so that little of each batch is padding.
///
/// The epoch's shuffled order is cut into chunks of `batchesPerChunk × batchSize` cases; each chunk is sorted by
/// length and cut into batches; then the order of all the epoch's batches is shuffled. Batches stay random from
/// epoch to epoch, yet each holds cases of similar length.
///
/// ```swift
/// let batches = try data.batches(size: 16, seed: 1, epoch: 0, bucketing: LengthBucketing(batchesPerChunk: 50))
/// ```
public struct LengthBucketing: Sendable, Equatable {
    /// Batches per sorted chunk (≥ 1); larger chunks give batches of more similar length but less randomness.
    public var batchesPerChunk: Int

    /// Creates a bucketing rule.
    ///
    /// - Parameters:
    ///   - batchesPerChunk: batches per sorted chunk (default 50).
    ///
    /// ```swift
    /// let bucketing = LengthBucketing()   // chunks of 50 batches
    /// ```
    public init(batchesPerChunk: Int = 50) {
        self.batchesPerChunk = batchesPerChunk
    }
}

extension SequenceDataset {
    /// The cases at `indices` as a new data set, in that order.
    ///
    /// - Parameters:
    ///   - indices: data set indices, each in `0..<count`; at least one.
    /// - Returns: the subset (labels keep their class count).
    /// - Throws: ``SequenceDatasetError`` for an empty list or an index out of range.
    ///
    /// ```swift
    /// let firstTen = try data.subset(Array(0..<10))
    /// ```
    public func subset(_ indices: [Int]) throws -> SequenceDataset {
        if let bad = indices.first(where: { !(0..<count).contains($0) }) {
            throw SequenceDatasetError(caseIndex: bad, reason: "no such case; the data set has \(count)")
        }
        let picked: Targets
        switch targets {
        case let .labels(labels, classCount): picked = .labels(indices.map { labels[$0] }, classCount: classCount)
        case let .sequenceTargets(values, width): picked = .sequenceTargets(indices.map { values[$0] }, width: width)
        case let .stepTargets(values, width): picked = .stepTargets(indices.map { values[$0] }, width: width)
        }
        return try SequenceDataset(featureCount: featureCount, inputs: indices.map { inputs[$0] },
                                   lengths: indices.map { lengths[$0] }, targets: picked)
    }

    /// Splits off a validation set, stratified by class for labelled data.
    ///
    /// With labels, each class gives ⌊n_c · fraction⌋ cases, and the cases still needed to reach
    /// round(count · fraction) come one each from the classes with the largest remainders (ties: lower class
    /// first), so class proportions match as closely as whole cases allow. Without labels the cases are drawn at
    /// random. Which cases are drawn depends only on `seed`; both parts keep the data set's order.
    ///
    /// - Parameters:
    ///   - validationFraction: the share of cases for validation, in (0, 1).
    ///   - seed: the seed of the draw.
    /// - Returns: the training and the validation part; together they hold every case once.
    /// - Throws: ``SequenceDatasetError`` when the fraction is outside (0, 1) or either part would be empty.
    ///
    /// ```swift
    /// let (train, validation) = try data.split(validationFraction: 0.2, seed: 1)
    /// ```
    public func split(validationFraction: Double, seed: UInt64) throws
        -> (training: SequenceDataset, validation: SequenceDataset) {
        guard validationFraction > 0 && validationFraction < 1 else {
            throw SequenceDatasetError(caseIndex: nil, reason: "the validation fraction must lie in (0, 1), got \(validationFraction)")
        }
        let wanted = Int((Double(count) * validationFraction).rounded())
        guard wanted >= 1 && wanted < count else {
            throw SequenceDatasetError(caseIndex: nil, reason: "a validation fraction of \(validationFraction) of \(count) cases leaves "
                                       + (wanted < 1 ? "no validation cases" : "no training cases"))
        }
        var generator = RandomGenerator(seed: deriveSeed(seed, domain: 0x5350_4C49_5400))  // "SPLIT"
        var chosen: [Int] = []
        if case let .labels(labels, classCount) = targets {
            var members = [[Int]](repeating: [], count: classCount)
            for (index, label) in labels.enumerated() { members[label].append(index) }
            let exact = members.map { Double($0.count) * validationFraction }
            var take = exact.map { Int($0.rounded(.down)) }
            let byRemainder = (0..<classCount).sorted { a, b in
                let ra = exact[a] - Double(take[a]), rb = exact[b] - Double(take[b])
                return ra != rb ? ra > rb : a < b
            }
            var missing = wanted - take.reduce(0, +)
            for c in byRemainder where missing > 0 && take[c] < members[c].count {
                take[c] += 1
                missing -= 1
            }
            for c in 0..<classCount {
                var group = members[c]
                generator.shuffle(&group)
                chosen += group.prefix(take[c])
            }
        } else {
            var order = Array(0..<count)
            generator.shuffle(&order)
            chosen = Array(order.prefix(wanted))
        }
        var isValidation = [Bool](repeating: false, count: count)
        for index in chosen { isValidation[index] = true }
        return (try subset((0..<count).filter { !isValidation[$0] }), try subset((0..<count).filter { isValidation[$0] }))
    }

    /// The case indices of one training epoch, grouped into batches: a permutation of `0..<count` that depends
    /// only on `seed` and `epoch`, cut into batches of `size` (the last one may be smaller).
    ///
    /// - Parameters:
    ///   - size: the batch size (≥ 1).
    ///   - seed: the shuffling seed of the run.
    ///   - epoch: the epoch number (0, 1, 2, …); each epoch has its own order.
    ///   - bucketing: optionally group cases of similar length (see ``LengthBucketing``).
    /// - Returns: the batches' case indices; every case appears exactly once.
    /// - Throws: ``SequenceDatasetError`` for a size or chunk below 1 or a negative epoch.
    ///
    /// ```swift
    /// let groups = try data.epochOrder(size: 16, seed: 1, epoch: 3)
    /// ```
    public func epochOrder(size: Int, seed: UInt64, epoch: Int, bucketing: LengthBucketing? = nil) throws -> [[Int]] {
        guard size >= 1 else { throw SequenceDatasetError(caseIndex: nil, reason: "the batch size must be at least 1, got \(size)") }
        guard epoch >= 0 else { throw SequenceDatasetError(caseIndex: nil, reason: "the epoch must be 0 or more, got \(epoch)") }
        var generator = RandomGenerator(seed: deriveSeed(seed, domain: 0x4550_4F43_4800, index: UInt64(epoch)))  // "EPOCH"
        var order = Array(0..<count)
        generator.shuffle(&order)
        guard let bucketing else { return Self.cut(order, size) }
        guard bucketing.batchesPerChunk >= 1 else {
            throw SequenceDatasetError(caseIndex: nil, reason: "batchesPerChunk must be at least 1, got \(bucketing.batchesPerChunk)")
        }
        let chunk = bucketing.batchesPerChunk * size
        var groups: [[Int]] = []
        var start = 0
        while start < order.count {
            // Stable: equal lengths keep their shuffled order.
            let sorted = order[start..<min(start + chunk, order.count)].enumerated()
                .sorted { lengths[$0.element] != lengths[$1.element] ? lengths[$0.element] < lengths[$1.element] : $0.offset < $1.offset }
                .map(\.element)
            groups += Self.cut(sorted, size)
            start += chunk
        }
        generator.shuffle(&groups)
        return groups
    }

    private static func cut(_ order: [Int], _ size: Int) -> [[Int]] {
        stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
    }

    /// One training epoch of shuffled, padded batches (see ``epochOrder(size:seed:epoch:bucketing:)``).
    ///
    /// The same `seed` and `epoch` give the same batches; every case appears once per epoch.
    ///
    /// - Parameters:
    ///   - size: the batch size (≥ 1); the last batch may be smaller.
    ///   - seed: the shuffling seed of the run.
    ///   - epoch: the epoch number (0, 1, 2, …).
    ///   - bucketing: optionally group cases of similar length.
    /// - Returns: the epoch's batches.
    /// - Throws: ``SequenceDatasetError`` for a size or chunk below 1 or a negative epoch.
    ///
    /// ```swift
    /// for epoch in 0..<10 {
    ///     for batch in try train.batches(size: 16, seed: 1, epoch: epoch) { /* a training step */ }
    /// }
    /// ```
    public func batches(size: Int, seed: UInt64, epoch: Int, bucketing: LengthBucketing? = nil) throws -> [SequenceBatch<S>] {
        try epochOrder(size: size, seed: seed, epoch: epoch, bucketing: bucketing).map(paddedBatch)
    }

    /// The whole data set in its own order, in padded batches of at most `size` (for evaluation).
    ///
    /// - Parameters:
    ///   - size: the largest batch (≥ 1).
    /// - Returns: the batches, cases 0, 1, 2, … in order.
    /// - Throws: ``SequenceDatasetError`` for a size below 1.
    ///
    /// ```swift
    /// let evaluation = try test.batches(size: 256)
    /// ```
    public func batches(size: Int) throws -> [SequenceBatch<S>] {
        guard size >= 1 else { throw SequenceDatasetError(caseIndex: nil, reason: "the batch size must be at least 1, got \(size)") }
        return Self.cut(Array(0..<count), size).map(paddedBatch)
    }
}
