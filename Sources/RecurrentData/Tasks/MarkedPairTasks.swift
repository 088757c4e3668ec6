import Recurrent
import RecurrentInitializers

/// The shared generator of the addition and multiplication problems.
///
/// Each sequence has `length` steps with two inputs: a value drawn from U[0, 1) and a marker
/// (0 or 1). Exactly two markers are 1: one at a uniformly chosen step of the first half
/// (steps `0 ..< length/2`) and one at a uniformly chosen step of the second half
/// (`length/2 ..< length`) — "one in each half", the common convention. The target is
/// `combine(first marked value, second marked value)`.
///
/// Random draws per sequence, in order: `length` values, then the first marker position,
/// then the second. A batch draws its sequences one after another, so the content of a test
/// set does not depend on the batch size it is cut into.
struct MarkedPairProblem: Sendable {
    enum Operation: Sendable { case sum, product }

    let length: Int
    let testSize: Int
    let seed: UInt64
    let operation: Operation

    init(length: Int, testSize: Int, seed: UInt64, operation: Operation, caller: String) {
        precondition(length >= 2, "\(caller): length must be at least 2 (one marker in each half), got \(length)")
        precondition(testSize >= 0, "\(caller): testSize must be zero or positive, got \(testSize)")
        self.length = length
        self.testSize = testSize
        self.seed = seed
        self.operation = operation
    }

    /// Seed of the test set: derived from `seed` under its own domain tag, so it is a different
    /// stream from a training generator seeded with `seed` itself.
    var testSeed: UInt64 { deriveSeed(seed, domain: 0x7465_7374_2D73_6574) }   // "test-set"

    func batch<S: RecurrentScalar>(size: Int, using generator: inout RandomGenerator) -> TaskBatch<S> {
        precondition(size >= 0, "trainingBatch(size:): size must be zero or positive, got \(size)")
        let half = length / 2
        var inputs = [S](repeating: 0, count: length * size * 2)
        var targets = [S](repeating: 0, count: size)
        for b in 0..<size {
            var values = [Double](repeating: 0, count: length)
            for t in 0..<length {
                values[t] = generator.nextUniform()
                inputs[(t * size + b) * 2] = S(values[t])
            }
            let first = generator.nextInt(below: half)
            let second = half + generator.nextInt(below: length - half)
            inputs[(first * size + b) * 2 + 1] = 1
            inputs[(second * size + b) * 2 + 1] = 1
            switch operation {
            case .sum: targets[b] = S(values[first] + values[second])
            case .product: targets[b] = S(values[first] * values[second])
            }
        }
        return TaskBatch(inputs: makeTensor([length, size, 2], inputs), targets: makeTensor([size, 1], targets))
    }

    func testBatches<S: RecurrentScalar>(batchSize: Int) -> [TaskBatch<S>] {
        precondition(batchSize > 0, "testBatches(batchSize:): batchSize must be positive, got \(batchSize)")
        var generator = RandomGenerator(seed: testSeed)
        var batches: [TaskBatch<S>] = []
        var done = 0
        while done < testSize {
            let size = min(batchSize, testSize - done)
            batches.append(batch(size: size, using: &generator))
            done += size
        }
        return batches
    }
}

/// The addition problem (Hochreiter & Schmidhuber 1997; the benchmark of the IRNN and np-RNN papers).
///
/// Every step carries two inputs: a value from U[0, 1) and a marker. Exactly two markers are 1,
/// one at a uniformly random step of the first half of the sequence and one in the second half
/// (the common "one in each half" convention; for odd `length` the first half has
/// `length / 2` steps). The target, a single number read after the last step, is the sum of
/// the two marked values.
///
/// Predicting the constant 1 (the mean of the target) gives MSE Var(u₁ + u₂) = 2 · 1/12 = 1/6
/// ≈ 0.1667, the ``baseline``; "solved" is commonly taken as test MSE < 0.01.
///
/// The test set (``testBatches(batchSize:)``) is `testSize` sequences generated from a seed
/// derived from `seed` (not `seed` itself), so it is a different random stream from a training
/// generator seeded with the same number.
///
/// ```swift
/// let task = AdditionTask(length: 200, seed: 7)
/// var generator = RandomGenerator(seed: 7)
/// let batch: TaskBatch<Float> = task.trainingBatch(size: 20, using: &generator)
/// // batch.inputs (200, 20, 2), batch.targets (20, 1)
/// ```
public struct AdditionTask: SequenceTask {
    let problem: MarkedPairProblem

    /// Creates the task.
    ///
    /// - Parameters:
    ///   - length: sequence length T; at least 2 (checked with a precondition).
    ///   - testSize: number of held-out sequences (≥ 0).
    ///   - seed: seed from which the test set's seed is derived.
    ///
    /// ```swift
    /// let task = AdditionTask(length: 400, testSize: 2000, seed: 1)
    /// ```
    public init(length: Int, testSize: Int = 10_000, seed: UInt64) {
        problem = MarkedPairProblem(length: length, testSize: testSize, seed: seed, operation: .sum,
                                    caller: "AdditionTask(length:testSize:seed:)")
    }

    /// Sequence length T.
    public var length: Int { problem.length }
    /// Number of held-out sequences.
    public var testSize: Int { problem.testSize }
    /// The seed the test set is derived from.
    public var seed: UInt64 { problem.seed }
    /// `"addition (T = length)"`.
    public var name: String { "addition (T = \(length))" }
    /// 2: the value and the marker.
    public var inputSize: Int { 2 }
    /// The sequence length.
    public var steps: Int { length }
    /// 1: the sum.
    public var outputSize: Int { 1 }
    /// False: regression.
    public var isClassification: Bool { false }
    /// 1/6: the MSE of always predicting 1.
    public var baseline: Double { 1.0 / 6.0 }

    /// `size` fresh sequences drawn from `generator`: inputs (T, size, 2), targets (size, 1).
    ///
    /// - Parameters:
    ///   - size: the batch size (≥ 0).
    ///   - generator: the training stream; advanced by T + 2 or more draws per sequence.
    /// - Returns: the batch.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 3)
    /// let batch: TaskBatch<Double> = AdditionTask(length: 100, seed: 0).trainingBatch(size: 16, using: &generator)
    /// ```
    public func trainingBatch<S: RecurrentScalar>(size: Int, using generator: inout RandomGenerator) -> TaskBatch<S> {
        problem.batch(size: size, using: &generator)
    }

    /// The `testSize` held-out sequences in batches of at most `batchSize`; identical on every call.
    ///
    /// - Parameters:
    ///   - batchSize: the largest batch (> 0).
    /// - Returns: ⌈testSize / batchSize⌉ batches.
    ///
    /// ```swift
    /// let test: [TaskBatch<Float>] = AdditionTask(length: 100, seed: 0).testBatches(batchSize: 1000)   // 10 batches
    /// ```
    public func testBatches<S: RecurrentScalar>(batchSize: Int) -> [TaskBatch<S>] {
        problem.testBatches(batchSize: batchSize)
    }
}

/// The multiplication problem: the addition problem's inputs, with the product of the two
/// marked values as the target.
///
/// Markers are placed as in ``AdditionTask``: one uniformly in each half of the sequence.
/// Predicting the mean 1/4 gives MSE Var(u₁u₂) = E[u²]² − E[u]⁴ = 1/9 − 1/16 = 7/144 ≈ 0.0486,
/// the ``baseline``. The test set is derived from `seed` as for ``AdditionTask``.
///
/// ```swift
/// let task = MultiplicationTask(length: 200, seed: 7)
/// let test: [TaskBatch<Float>] = task.testBatches(batchSize: 500)
/// ```
public struct MultiplicationTask: SequenceTask {
    let problem: MarkedPairProblem

    /// Creates the task.
    ///
    /// - Parameters:
    ///   - length: sequence length T; at least 2 (checked with a precondition).
    ///   - testSize: number of held-out sequences (≥ 0).
    ///   - seed: seed from which the test set's seed is derived.
    ///
    /// ```swift
    /// let task = MultiplicationTask(length: 150, seed: 1)
    /// ```
    public init(length: Int, testSize: Int = 10_000, seed: UInt64) {
        problem = MarkedPairProblem(length: length, testSize: testSize, seed: seed, operation: .product,
                                    caller: "MultiplicationTask(length:testSize:seed:)")
    }

    /// Sequence length T.
    public var length: Int { problem.length }
    /// Number of held-out sequences.
    public var testSize: Int { problem.testSize }
    /// The seed the test set is derived from.
    public var seed: UInt64 { problem.seed }
    /// `"multiplication (T = length)"`.
    public var name: String { "multiplication (T = \(length))" }
    /// 2: the value and the marker.
    public var inputSize: Int { 2 }
    /// The sequence length.
    public var steps: Int { length }
    /// 1: the product.
    public var outputSize: Int { 1 }
    /// False: regression.
    public var isClassification: Bool { false }
    /// 7/144: the MSE of always predicting 1/4.
    public var baseline: Double { 7.0 / 144.0 }

    /// `size` fresh sequences drawn from `generator`: inputs (T, size, 2), targets (size, 1).
    ///
    /// - Parameters:
    ///   - size: the batch size (≥ 0).
    ///   - generator: the training stream.
    /// - Returns: the batch.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 3)
    /// let batch: TaskBatch<Float> = MultiplicationTask(length: 100, seed: 0).trainingBatch(size: 16, using: &generator)
    /// ```
    public func trainingBatch<S: RecurrentScalar>(size: Int, using generator: inout RandomGenerator) -> TaskBatch<S> {
        problem.batch(size: size, using: &generator)
    }

    /// The `testSize` held-out sequences in batches of at most `batchSize`; identical on every call.
    ///
    /// - Parameters:
    ///   - batchSize: the largest batch (> 0).
    /// - Returns: ⌈testSize / batchSize⌉ batches.
    ///
    /// ```swift
    /// let test: [TaskBatch<Double>] = MultiplicationTask(length: 100, seed: 0).testBatches(batchSize: 100)
    /// ```
    public func testBatches<S: RecurrentScalar>(batchSize: Int) -> [TaskBatch<S>] {
        problem.testBatches(batchSize: batchSize)
    }
}
