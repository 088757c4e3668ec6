import Recurrent
import RecurrentInitializers

/// A source of (input, target) batches for sequence-to-one training.
///
/// Inputs are time-major, `(T, B, inputSize)`; the model reads all `T` steps and is scored on
/// its output after the last one, against `targets` (regression, `(B, outputSize)`) or
/// `labels` (classification, one class index per sequence).
///
/// Training draws come in two forms. ``trainingBatch(size:using:)`` draws from the caller's
/// generator; ``trainingBatch(size:index:using:)`` also receives the batch's position in the
/// run (0, 1, 2, …), which lets a finite data set such as ``PixelMNISTTask`` walk through
/// shuffled epochs without replacement while staying a stateless, `Sendable` value. Training
/// loops should call the `index:` form; for tasks without epochs it defaults to the other one.
///
/// ```swift
/// let task = AdditionTask(length: 200, seed: 1)
/// var generator = RandomGenerator(seed: 2)
/// for step in 0..<1000 {
///     let batch: TaskBatch<Float> = task.trainingBatch(size: 20, index: step, using: &generator)
///     // batch.inputs: (200, 20, 2), batch.targets: (20, 1)
/// }
/// let test: [TaskBatch<Float>] = task.testBatches(batchSize: 1000)
/// ```
public protocol SequenceTask: Sendable {
    /// A short human-readable name, e.g. `"addition (T = 200)"`.
    var name: String { get }
    /// Features per step.
    var inputSize: Int { get }
    /// Sequence length T.
    var steps: Int { get }
    /// Regression width or number of classes.
    var outputSize: Int { get }
    /// True for classification (batches carry `labels`), false for regression (`targets`).
    var isClassification: Bool { get }
    /// A training batch: inputs (T, B, inputSize), targets (B, outputSize) for regression or labels for classification.
    ///
    /// - Parameters:
    ///   - size: the batch size B (≥ 0).
    ///   - generator: the training stream's random generator; advanced by the draw.
    /// - Returns: a batch of `size` sequences.
    func trainingBatch<S: RecurrentScalar>(size: Int, using generator: inout RandomGenerator) -> TaskBatch<S>
    /// The `index`-th training batch of a run (index = 0, 1, 2, … with a constant `size`).
    ///
    /// Tasks over a finite training set sample without replacement within each epoch: batch
    /// `index` holds examples `index·size ..< (index+1)·size` of the concatenated epoch
    /// orders. The default implementation ignores `index` and calls ``trainingBatch(size:using:)``.
    ///
    /// - Parameters:
    ///   - size: the batch size B (≥ 0); keep it constant within a run.
    ///   - index: the batch's position in the run (≥ 0); a checkpointed step counter resumes the epoch exactly.
    ///   - generator: the training stream's random generator (tasks with epochs may not use it).
    /// - Returns: a batch of `size` sequences.
    func trainingBatch<S: RecurrentScalar>(size: Int, index: Int, using generator: inout RandomGenerator) -> TaskBatch<S>
    /// The fixed held-out set, in batches of at most `batchSize` (deterministic, independent of training draws).
    ///
    /// - Parameters:
    ///   - batchSize: the largest batch (> 0); the last batch may be smaller.
    /// - Returns: the whole test set, always the same examples in the same order.
    func testBatches<S: RecurrentScalar>(batchSize: Int) -> [TaskBatch<S>]
    /// Baseline metric a trivial predictor achieves (MSE of predicting the constant best guess; chance accuracy).
    var baseline: Double { get }
}

extension SequenceTask {
    /// Ignores `index` and draws from `generator` (tasks whose examples are generated afresh).
    ///
    /// - Parameters:
    ///   - size: the batch size B.
    ///   - index: unused.
    ///   - generator: the training stream's random generator.
    /// - Returns: `trainingBatch(size: size, using: &generator)`.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let batch: TaskBatch<Double> = AdditionTask(length: 10, seed: 0).trainingBatch(size: 4, index: 7, using: &generator)
    /// ```
    public func trainingBatch<S: RecurrentScalar>(size: Int, index: Int, using generator: inout RandomGenerator) -> TaskBatch<S> {
        trainingBatch(size: size, using: &generator)
    }
}

/// One batch of a ``SequenceTask``: time-major inputs and either regression targets or class labels.
///
/// ```swift
/// var generator = RandomGenerator(seed: 1)
/// let batch: TaskBatch<Float> = AdditionTask(length: 50, seed: 0).trainingBatch(size: 8, using: &generator)
/// print(batch.inputs.shape, batch.targets!.shape, batch.size)   // [50, 8, 2] [8, 1] 8
/// ```
public struct TaskBatch<S: RecurrentScalar>: Sendable {
    /// Inputs, shape (T, B, I).
    public var inputs: Tensor<S>
    /// Regression targets, shape (B, K); nil for classification.
    public var targets: Tensor<S>?
    /// Class indices, B of them; nil for regression.
    public var labels: [Int]?

    /// Creates a batch.
    ///
    /// - Parameters:
    ///   - inputs: (T, B, I) inputs.
    ///   - targets: (B, K) regression targets, or nil.
    ///   - labels: B class indices, or nil.
    ///
    /// ```swift
    /// let batch = TaskBatch<Float>(inputs: try .zeros([3, 1, 1]), labels: [4])
    /// ```
    public init(inputs: Tensor<S>, targets: Tensor<S>? = nil, labels: [Int]? = nil) {
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }

    /// The batch size B (the second axis of `inputs`).
    ///
    /// ```swift
    /// let b = batch.size
    /// ```
    public var size: Int { inputs.shape.count > 1 ? inputs.shape[1] : 0 }
}

/// Builds a tensor whose shape and element count agree by construction.
func makeTensor<S: RecurrentScalar>(_ shape: [Int], _ scalars: [S]) -> Tensor<S> {
    do {
        return try Tensor(shape: shape, scalars: scalars)
    } catch {
        preconditionFailure("RecurrentData internal error: \(error)")
    }
}

/// A 64-bit seed derived from `seed`, a domain tag and an index (SplitMix64 finaliser),
/// so that differently tagged streams are unrelated to each other and to `seed` itself.
func deriveSeed(_ seed: UInt64, domain: UInt64, index: UInt64 = 0) -> UInt64 {
    func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    return mix(mix(mix(seed) ^ domain) ^ index)
}
