import Recurrent

/// A minibatch of sequences of different lengths, time-major and padded with zeros to the longest case.
///
/// `inputs[t, b, d]` is feature d at step t of the batch's case b for t < `lengths[b]` and 0 after it. The
/// padded steps carry no information: a model should read case b's output at step `lengths[b] − 1`
/// (sequence-to-one) or weigh per-step losses with ``mask()`` (sequence-to-sequence).
///
/// ``TaskBatch`` has no lengths and no per-step targets, so ragged batches need this type; ``taskBatch`` turns a
/// batch whose cases all have the same length (and no per-step targets) into one.
///
/// ```swift
/// let data = try SequenceDataset<Float>(cases: [[[1], [2], [3]], [[4]]], labels: [0, 1], classCount: 2)
/// let batch = try data.batches(size: 2).first!
/// print(batch.inputs.shape, batch.lengths, batch.labels!)   // [3, 2, 1] [3, 1] [0, 1]
/// print(batch.mask().scalars)                               // [1.0, 1.0, 1.0, 0.0, 1.0, 0.0]
/// ```
public struct SequenceBatch<S: RecurrentScalar>: Sendable {
    /// Inputs, shape (T, B, D) with T = max(lengths); zero past each case's length.
    public var inputs: Tensor<S>
    /// Each case's number of real steps, B of them, each in 1…T.
    public var lengths: [Int]
    /// The data set index of each case of the batch.
    public var indices: [Int]
    /// Class indices, B of them; nil unless the data set has labels.
    public var labels: [Int]?
    /// Per-sequence targets, shape (B, K); nil unless the data set has them.
    public var targets: Tensor<S>?
    /// Per-step targets, shape (T, B, K), zero past each case's length; nil unless the data set has them.
    public var stepTargets: Tensor<S>?

    /// The batch size B.
    ///
    /// ```swift
    /// let b = batch.size
    /// ```
    public var size: Int { lengths.count }

    /// The padded length T, the longest case of the batch.
    ///
    /// ```swift
    /// let t = batch.steps
    /// ```
    public var steps: Int { inputs.shape[0] }

    /// The number of real (unpadded) steps in the batch, Σ lengths.
    ///
    /// ```swift
    /// let realSteps = batch.realStepCount
    /// ```
    public var realStepCount: Int { lengths.reduce(0, +) }

    /// 1 on real steps and 0 on padding, shape (T, B): `mask[t, b] = t < lengths[b] ? 1 : 0`.
    ///
    /// - Returns: the mask.
    ///
    /// ```swift
    /// let m = batch.mask()   // weigh per-step losses with it and divide by batch.realStepCount
    /// ```
    public func mask() -> Tensor<S> {
        let t = steps, b = size
        var scalars = [S](repeating: 0, count: t * b)
        for (column, length) in lengths.enumerated() {
            for step in 0..<length { scalars[step * b + column] = 1 }
        }
        return makeTensor([t, b], scalars)
    }

    /// The same batch as a ``TaskBatch`` when no case is padded (all lengths equal) and there are no per-step
    /// targets; nil otherwise.
    ///
    /// ```swift
    /// if let plain = batch.taskBatch { print(plain.inputs.shape) }
    /// ```
    public var taskBatch: TaskBatch<S>? {
        guard stepTargets == nil, lengths.allSatisfy({ $0 == steps }) else { return nil }
        return TaskBatch(inputs: inputs, targets: targets, labels: labels)
    }
}

extension SequenceDataset {
    /// The cases at `indices` as one padded batch, in that order.
    ///
    /// - Parameters:
    ///   - indices: data set indices (each in `0..<count`, at least one).
    /// - Returns: the batch.
    /// - Throws: ``SequenceDatasetError`` for an empty list or an index out of range.
    ///
    /// ```swift
    /// let batch = try data.batch([4, 0, 2])
    /// ```
    public func batch(_ indices: [Int]) throws -> SequenceBatch<S> {
        guard !indices.isEmpty else { throw SequenceDatasetError(caseIndex: nil, reason: "a batch needs at least one case") }
        if let bad = indices.first(where: { !(0..<count).contains($0) }) {
            throw SequenceDatasetError(caseIndex: bad, reason: "no such case; the data set has \(count)")
        }
        return paddedBatch(indices)
    }

    /// Builds a batch from valid indices.
    func paddedBatch(_ indices: [Int]) -> SequenceBatch<S> {
        let b = indices.count, d = featureCount
        let lengths = indices.map { self.lengths[$0] }
        let t = lengths.max()!
        var scalars = [S](repeating: 0, count: t * b * d)  // (T, B, D)
        for (column, index) in indices.enumerated() {
            let source = inputs[index]
            for step in 0..<lengths[column] {
                let to = (step * b + column) * d, from = step * d
                for feature in 0..<d { scalars[to + feature] = source[from + feature] }
            }
        }
        var batch = SequenceBatch(inputs: makeTensor([t, b, d], scalars), lengths: lengths, indices: indices,
                                  labels: nil, targets: nil, stepTargets: nil)
        switch targets {
        case let .labels(labels, _):
            batch.labels = indices.map { labels[$0] }
        case let .sequenceTargets(values, width):
            batch.targets = makeTensor([b, width], indices.flatMap { values[$0] })  // (B, K)
        case let .stepTargets(values, width):
            var padded = [S](repeating: 0, count: t * b * width)  // (T, B, K)
            for (column, index) in indices.enumerated() {
                for step in 0..<lengths[column] {
                    for k in 0..<width { padded[(step * b + column) * width + k] = values[index][step * width + k] }
                }
            }
            batch.stepTargets = makeTensor([t, b, width], padded)
        }
        return batch
    }
}
