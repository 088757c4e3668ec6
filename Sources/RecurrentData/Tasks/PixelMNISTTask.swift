#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Recurrent
import RecurrentInitializers

/// Pixel-by-pixel MNIST (Le, Jaitly & Hinton 2015): each image is read one grey value per step,
/// 784 steps, and classified into the 10 digits from the last state.
///
/// Inputs are (784, B, 1) with values grey / 255 ∈ [0, 1]. Without permutation, step t reads
/// pixel t in row-major order; with `permuted: true`, step t reads pixel ``permutation``[t], one
/// fixed permutation drawn from `seed` by Fisher–Yates (`RandomGenerator(seed:)` then
/// `shuffle`), the same for every image, batch and run with that seed.
///
/// **Epochs.** ``trainingBatch(size:index:using:)`` samples without replacement: the training
/// examples are visited in a shuffled order per epoch — epoch e's order is a Fisher–Yates
/// shuffle seeded from (`seed`, e) — and batch `index` takes positions
/// `index·size ..< (index+1)·size` of those orders laid end to end (a batch may straddle two
/// epochs). The task itself stays an immutable `Sendable` value: the epoch position is the
/// batch index the training loop already counts, so a resumed run continues exactly.
/// ``trainingBatch(size:using:)`` instead draws `size` examples uniformly with replacement
/// from the caller's generator.
///
/// The ``baseline`` is chance accuracy, 0.1.
///
/// ```swift
/// let mnist = try MNIST.load()
/// let task = PixelMNISTTask(mnist: mnist, permuted: true, seed: 42)
/// var generator = RandomGenerator(seed: 1)
/// let batch: TaskBatch<Float> = task.trainingBatch(size: 16, index: 0, using: &generator)
/// // batch.inputs (784, 16, 1), batch.labels: 16 digits
/// ```
public struct PixelMNISTTask: SequenceTask {
    /// The data set (only the first `epochSize` training and `testSize` test examples are used).
    public let mnist: MNIST
    /// Whether the pixels are read in the order of ``permutation`` (true) or row-major (false).
    public let permuted: Bool
    /// Seed of the pixel permutation and of the epoch orders.
    public let seed: UInt64
    /// Step t reads pixel `permutation[t]` of the 784; the identity when not permuted.
    public let permutation: [Int]
    /// Number of training examples used, i.e. the number of sequences per epoch.
    public let epochSize: Int
    /// Number of test examples used (the first ones of the test set).
    public let testSize: Int
    /// The last epoch order computed, shared by copies of the task: a batch needs one epoch's order, and
    /// recomputing the 60,000-element shuffle for every batch cost ~10 % of a pixel-MNIST training step.
    private let orderCache = EpochOrderCache()

    /// Creates the task.
    ///
    /// - Parameters:
    ///   - mnist: the loaded data set.
    ///   - permuted: read the pixels in a fixed random order.
    ///   - seed: seed of the permutation (when `permuted`) and of the training epoch orders.
    ///   - trainLimit: use only the first `trainLimit` training examples (≥ 1; capped at the number available).
    ///   - testLimit: use only the first `testLimit` test examples (≥ 0; capped at the number available).
    ///
    /// Preconditions: `mnist` has at least one training example; the limits are in range.
    ///
    /// ```swift
    /// let quick = PixelMNISTTask(mnist: mnist, permuted: false, seed: 0, trainLimit: 1000, testLimit: 500)
    /// ```
    public init(mnist: MNIST, permuted: Bool, seed: UInt64, trainLimit: Int? = nil, testLimit: Int? = nil) {
        let caller = "PixelMNISTTask(mnist:permuted:seed:trainLimit:testLimit:)"
        if let trainLimit { precondition(trainLimit >= 1, "\(caller): trainLimit must be at least 1, got \(trainLimit)") }
        if let testLimit { precondition(testLimit >= 0, "\(caller): testLimit must be zero or positive, got \(testLimit)") }
        precondition(mnist.trainCount > 0, "\(caller): the data set has no training examples")
        self.mnist = mnist
        self.permuted = permuted
        self.seed = seed
        epochSize = min(trainLimit ?? mnist.trainCount, mnist.trainCount)
        testSize = min(testLimit ?? mnist.testCount, mnist.testCount)
        var order = Array(0..<MNIST.pixelsPerImage)
        if permuted {
            var generator = RandomGenerator(seed: seed)
            generator.shuffle(&order)
        }
        permutation = order
    }

    /// `"pixel MNIST"` or `"permuted pixel MNIST"`.
    public var name: String { permuted ? "permuted pixel MNIST" : "pixel MNIST" }
    /// 1: one grey value per step.
    public var inputSize: Int { 1 }
    /// 784 steps.
    public var steps: Int { MNIST.pixelsPerImage }
    /// 10 classes.
    public var outputSize: Int { MNIST.classCount }
    /// True.
    public var isClassification: Bool { true }
    /// 0.1: chance accuracy over 10 classes.
    public var baseline: Double { 0.1 }

    /// The order in which epoch `epoch` visits the training examples: a permutation of `0 ..< epochSize`.
    ///
    /// - Parameters:
    ///   - epoch: the epoch number (≥ 0).
    /// - Returns: training example indices; a function of `seed` and `epoch` only.
    ///
    /// ```swift
    /// let firstEpoch = task.epochOrder(0)   // epochSize distinct indices
    /// ```
    public func epochOrder(_ epoch: Int) -> [Int] {
        precondition(epoch >= 0, "PixelMNISTTask.epochOrder(_:): epoch must be zero or positive, got \(epoch)")
        var generator = RandomGenerator(seed: deriveSeed(seed, domain: 0x6570_6F63_682D_6F72, index: UInt64(epoch)))   // "epoch-or"
        var order = Array(0..<epochSize)
        generator.shuffle(&order)
        return order
    }

    /// `size` training examples drawn uniformly **with** replacement from `generator`.
    ///
    /// Prefer ``trainingBatch(size:index:using:)``, which visits every example once per epoch.
    ///
    /// - Parameters:
    ///   - size: the batch size (≥ 0).
    ///   - generator: the training stream; advanced by `size` draws.
    /// - Returns: inputs (784, size, 1) and `size` labels.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 5)
    /// let batch: TaskBatch<Float> = task.trainingBatch(size: 32, using: &generator)
    /// ```
    public func trainingBatch<S: RecurrentScalar>(size: Int, using generator: inout RandomGenerator) -> TaskBatch<S> {
        precondition(size >= 0, "PixelMNISTTask.trainingBatch(size:using:): size must be zero or positive, got \(size)")
        var examples: [Int] = []
        examples.reserveCapacity(size)
        for _ in 0..<size { examples.append(generator.nextInt(below: epochSize)) }
        return batch(examples, images: mnist.trainImages, labels: mnist.trainLabels)
    }

    /// Batch `index` of the epoch-wise walk through the training set (without replacement within an epoch).
    ///
    /// Batch `index` holds positions `index·size ..< (index+1)·size` of ``epochOrder(_:)``(0),
    /// ``epochOrder(_:)``(1), … laid end to end; with a constant `size`, consecutive indices
    /// cover each epoch exactly once. `generator` is not used.
    ///
    /// - Parameters:
    ///   - size: the batch size (≥ 0), constant within a run.
    ///   - index: the batch number in the run (≥ 0).
    ///   - generator: unused; the order depends only on `seed`.
    /// - Returns: inputs (784, size, 1) and `size` labels.
    ///
    /// ```swift
    /// for step in 0..<(task.epochSize / 100) {
    ///     let batch: TaskBatch<Float> = task.trainingBatch(size: 100, index: step, using: &generator)
    /// }
    /// ```
    public func trainingBatch<S: RecurrentScalar>(size: Int, index: Int, using generator: inout RandomGenerator) -> TaskBatch<S> {
        precondition(size >= 0, "PixelMNISTTask.trainingBatch(size:index:using:): size must be zero or positive, got \(size)")
        precondition(index >= 0, "PixelMNISTTask.trainingBatch(size:index:using:): index must be zero or positive, got \(index)")
        let (start, overflow) = index.multipliedReportingOverflow(by: size)
        precondition(!overflow, "PixelMNISTTask.trainingBatch(size:index:using:): index · size overflows")
        var examples: [Int] = []
        examples.reserveCapacity(size)
        var epoch = -1
        var order: [Int] = []
        for position in start..<(start + size) {
            let e = position / epochSize
            if e != epoch {
                epoch = e
                order = orderCache.order(for: e) { epochOrder($0) }
            }
            examples.append(order[position % epochSize])
        }
        return batch(examples, images: mnist.trainImages, labels: mnist.trainLabels)
    }

    /// The first `testSize` test images in order, in batches of at most `batchSize`.
    ///
    /// - Parameters:
    ///   - batchSize: the largest batch (> 0).
    /// - Returns: ⌈testSize / batchSize⌉ batches; the same on every call.
    ///
    /// ```swift
    /// let test: [TaskBatch<Float>] = task.testBatches(batchSize: 1000)
    /// ```
    public func testBatches<S: RecurrentScalar>(batchSize: Int) -> [TaskBatch<S>] {
        precondition(batchSize > 0, "PixelMNISTTask.testBatches(batchSize:): batchSize must be positive, got \(batchSize)")
        var batches: [TaskBatch<S>] = []
        var start = 0
        while start < testSize {
            let end = min(start + batchSize, testSize)
            batches.append(batch(Array(start..<end), images: mnist.testImages, labels: mnist.testLabels))
            start = end
        }
        return batches
    }

    /// Inputs (784, B, 1) and labels for the given example indices.
    func batch<S: RecurrentScalar>(_ examples: [Int], images: [UInt8], labels: [UInt8]) -> TaskBatch<S> {
        let size = examples.count
        let steps = MNIST.pixelsPerImage
        let scale: [S] = (0..<256).map { S(Double($0) / 255) }
        var inputs = [S](repeating: 0, count: steps * size)
        images.withUnsafeBufferPointer { pixels in
            permutation.withUnsafeBufferPointer { order in
                inputs.withUnsafeMutableBufferPointer { out in
                    for (b, example) in examples.enumerated() {
                        let image = example * steps
                        for t in 0..<steps {
                            out[t * size + b] = scale[Int(pixels[image + order[t]])]
                        }
                    }
                }
            }
        }
        return TaskBatch(inputs: makeTensor([steps, size, 1], inputs), labels: examples.map { Int(labels[$0]) })
    }
}

/// A one-entry cache of ``PixelMNISTTask/epochOrder(_:)``, safe to share between threads (the orders are a pure
/// function of the seed and the epoch, so the cache only saves time).
final class EpochOrderCache: @unchecked Sendable {
    // Heap-allocated: a mutex must not move, and `&property` of a class gives no stable address.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var epoch = -1
    private var order: [Int] = []

    init() {
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }
    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// The order of `epoch`, computed by `make` unless it is the cached one.
    func order(for epoch: Int, make: (Int) -> [Int]) -> [Int] {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if epoch != self.epoch {
            order = make(epoch)
            self.epoch = epoch
        }
        return order
    }
}
