/// A seedable, reproducible pseudo-random number generator: xoshiro256** seeded through SplitMix64.
///
/// The state is four 64-bit words s₀…s₃. Each call to ``next()`` returns
///
///     rotl(s₁ · 5, 7) · 9          (all arithmetic modulo 2⁶⁴)
///
/// and then advances the state with the xoshiro256 linear transformation
/// (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021).
/// The period is 2²⁵⁶ − 1. ``init(seed:)`` fills the four words with the first four
/// outputs of SplitMix64 started at `seed`, the seeding the authors recommend.
///
/// Every derived quantity (``nextUniform()``, ``nextGaussian()``, ``nextInt(below:)``,
/// ``shuffle(_:)``) uses only exact integer and IEEE 754 operations, with
/// ``DeterministicMath/log(_:)`` instead of the platform logarithm, so the same seed
/// produces bit-identical numbers on every platform and with every compiler.
///
/// The generator is a value type: copying it forks the stream, and ``state`` /
/// ``init(state:)`` save and restore it exactly (for checkpoints).
///
/// ```swift
/// var generator = RandomGenerator(seed: 42)
/// let word = generator.next()            // 64 random bits
/// let u = generator.nextUniform()        // in [0, 1)
/// let z = generator.nextGaussian()       // N(0, 1)
/// let saved = generator.state
/// var replay = try RandomGenerator(state: saved)
/// assert(replay.next() == generator.next())
/// ```
public struct RandomGenerator: Sendable, Equatable, RandomNumberGenerator {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator whose state is the first four outputs of SplitMix64 started at `seed`.
    ///
    /// SplitMix64 advances x ← x + 0x9E3779B97F4A7C15 and outputs
    /// z = x; z = (z ⊕ (z ≫ 30)) · 0xBF58476D1CE4E5B9; z = (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB; z ⊕ (z ≫ 31).
    /// Its output function is a bijection, so four consecutive outputs are distinct
    /// and the state can never be all zero.
    ///
    /// - Parameters:
    ///   - seed: any 64-bit value; equal seeds give equal streams.
    ///
    /// ```swift
    /// var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
    /// assert(a.next() == b.next())
    /// ```
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// Restores a generator from a state saved with ``state``.
    ///
    /// - Parameters:
    ///   - state: exactly four words s₀, s₁, s₂, s₃, not all zero (the all-zero
    ///     state is a fixed point of xoshiro256 and would only ever produce zeros).
    /// - Throws: ``InitializerError/invalidArgument(_:)`` naming `state` when it does not
    ///   have four words or is all zero.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let checkpoint = generator.state
    /// let first = generator.next()
    /// var restored = try RandomGenerator(state: checkpoint)
    /// assert(restored.next() == first)
    /// ```
    public init(state: [UInt64]) throws {
        guard state.count == 4 else {
            throw InitializerError.invalidArgument(
                "RandomGenerator(state:): state must have exactly 4 words, got \(state.count)")
        }
        guard state.contains(where: { $0 != 0 }) else {
            throw InitializerError.invalidArgument(
                "RandomGenerator(state:): state must not be all zero (xoshiro256** would only produce zeros)")
        }
        s0 = state[0]
        s1 = state[1]
        s2 = state[2]
        s3 = state[3]
    }

    /// The four state words s₀, s₁, s₂, s₃; pass them to ``init(state:)`` to resume the stream.
    ///
    /// No other hidden state exists: ``nextGaussian()`` discards the second value of
    /// each polar pair instead of caching it.
    ///
    /// ```swift
    /// let words = RandomGenerator(seed: 3).state   // 4 words
    /// ```
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// The next 64 uniformly distributed random bits (xoshiro256**).
    ///
    /// Returns rotl(s₁ · 5, 7) · 9, then updates
    /// t = s₁ ≪ 17; s₂ ⊕= s₀; s₃ ⊕= s₁; s₁ ⊕= s₂; s₀ ⊕= s₃; s₂ ⊕= t; s₃ = rotl(s₃, 45).
    ///
    /// - Returns: a uniformly distributed `UInt64`.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 42)
    /// let bits = generator.next()
    /// ```
    @inlinable
    public mutating func next() -> UInt64 {
        let product = s1 &* 5
        let result = ((product << 7) | (product >> 57)) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform `Double` in [0, 1): the top 53 bits of ``next()`` times 2⁻⁵³.
    ///
    /// Every value k · 2⁻⁵³, k = 0 … 2⁵³ − 1, has probability 2⁻⁵³; the result is never 1.
    ///
    /// - Returns: u ∈ [0, 1).
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 42)
    /// let u = generator.nextUniform()   // 0 ≤ u < 1
    /// ```
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal sample N(0, 1) by Marsaglia's polar method.
    ///
    /// Draws u, v uniformly in (−1, 1) as 2·``nextUniform()`` − 1 until
    /// 0 < s = u² + v² < 1, then returns
    ///
    ///     u · √(−2 ln s / s).
    ///
    /// The polar method produces two independent normals (the other is v · √(−2 ln s / s));
    /// the second one is **discarded**, so that ``state`` alone describes the generator.
    /// Each call therefore consumes an even number of ``next()`` words (two per attempt,
    /// on average 2 · 4/π ≈ 2.55 words). The logarithm is ``DeterministicMath/log(_:)``
    /// and the square root is IEEE-exact, so samples are bit-identical across platforms.
    ///
    /// - Returns: z ~ N(0, 1).
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 42)
    /// let z = generator.nextGaussian()
    /// ```
    public mutating func nextGaussian() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * DeterministicMath.log(s) / s).squareRoot()
            }
        }
    }

    /// A uniform integer in 0 ..< n, without modulo bias.
    ///
    /// Uses Lemire's multiply-and-reject method: with x = ``next()``, the 128-bit
    /// product x · n is split into high and low words; the result is the high word
    /// unless the low word falls below 2⁶⁴ mod n, in which case x is redrawn. Each of
    /// the n results has probability exactly 1/n.
    ///
    /// - Parameters:
    ///   - n: the number of possible results; must be positive (checked with a precondition).
    /// - Returns: k ∈ {0, …, n − 1}.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 42)
    /// let die = 1 + generator.nextInt(below: 6)
    /// ```
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0, "RandomGenerator.nextInt(below:): n must be positive, got \(n)")
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound  // 2⁶⁴ mod n
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `array` in place with the Fisher–Yates algorithm.
    ///
    /// For i = count − 1 down to 1, swaps element i with element j = ``nextInt(below:)``(i + 1).
    /// All count! permutations are equally likely, and the result depends only on the
    /// generator's state.
    ///
    /// - Parameters:
    ///   - array: the elements to permute.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 42)
    /// var pixels = Array(0..<784)
    /// generator.shuffle(&pixels)   // a fixed permutation for permuted MNIST
    /// ```
    public mutating func shuffle<T>(_ array: inout [T]) {
        var i = array.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
            i -= 1
        }
    }
}
