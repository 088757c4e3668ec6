import RecurrentInitializers

/// Token ids laid out time-major, (T, B): `ids[t * batch + b]` is the token of sequence b at step t.
///
/// The integer input of a language model, in the library's (T, B, …) layout. Ids are checked against a
/// vocabulary size where they are used (``Embedding/forward(_:)``), not here.
///
/// ```swift
/// let tokens = try TokenIDs(steps: 2, batch: 3, ids: [0, 1, 2, 2, 1, 0])
/// print(tokens[1, 0])   // prints 2
/// ```
public struct TokenIDs: Sendable, Equatable {
    /// Number of steps T.
    public let steps: Int
    /// Number of sequences B.
    public let batch: Int
    /// The ids, row-major (T, B).
    public let ids: [Int32]

    /// Ids for `steps` × `batch` positions, time-major.
    /// - Throws: ``RecurrentError/invalidSize(what:value:requirement:)`` for T or B ≤ 0, a shape mismatch when
    ///   `ids.count ≠ T·B`, and ``RecurrentError/invalidArgument(what:reason:)`` for a negative id (naming its position).
    public init(steps: Int, batch: Int, ids: [Int32]) throws {
        try requirePositive(steps, "TokenIDs steps")
        try requirePositive(batch, "TokenIDs batch")
        let (count, overflow) = steps.multipliedReportingOverflow(by: batch)
        guard !overflow, count == ids.count else {
            throw RecurrentError.shapeMismatch(operation: "TokenIDs", expected: "\(steps) × \(batch) ids",
                                               got: "\(ids.count) ids")
        }
        if let bad = ids.firstIndex(where: { $0 < 0 }) {
            throw RecurrentError.invalidArgument(what: "TokenIDs id at step \(bad / batch), sequence \(bad % batch)",
                                                 reason: "ids must be ≥ 0, got \(ids[bad])")
        }
        self.steps = steps
        self.batch = batch
        self.ids = ids
    }

    /// The id of sequence `b` at step `t`.
    public subscript(t: Int, b: Int) -> Int32 { ids[t * batch + b] }
}

/// A lookup table from token ids to vectors, PyTorch's `nn.Embedding`: `y[t, b] = W[ids[t, b]]`.
///
/// Forward gathers rows of `weight` (V, E); backward is the matching scatter-add, `dW[ids[t, b]] += dy[t, b]`,
/// which adds (rather than overwrites) when an id repeats within a batch. Saved under PyTorch's name
/// `weight` (`encoder.weight` style prefixes are the model's business).
///
/// ```swift
/// let embedding = try Embedding<Double>(vocabularySize: 5, embeddingSize: 3, seed: 1)
/// let tokens = try TokenIDs(steps: 2, batch: 1, ids: [4, 4])
/// let vectors = try embedding.forward(tokens)                 // (2, 1, 3)
/// var dWeight = try Tensor<Double>.zeros([5, 3])
/// try embedding.backward(tokens, outputGradient: Tensor(shape: [2, 1, 3], repeating: 1), into: &dWeight)
/// print(dWeight[4, 0])                                        // prints 2.0
/// ```
public struct Embedding<Scalar: RecurrentScalar>: Sendable {
    /// W, (V, E): row v is the vector of token v.
    public var weight: Tensor<Scalar>
    /// Number of tokens V.
    public var vocabularySize: Int { weight.shape[0] }
    /// Width E of each vector.
    public var embeddingSize: Int { weight.shape[1] }

    /// PyTorch's default initialization: every entry N(0, 1).
    /// - Throws: for V or E ≤ 0.
    public init(vocabularySize: Int, embeddingSize: Int, seed: UInt64 = 0) throws {
        try requirePositive(vocabularySize, "Embedding vocabularySize")
        try requirePositive(embeddingSize, "Embedding embeddingSize")
        var generator = RandomGenerator(seed: seed)
        let count = try Tensor<Scalar>.elementCount(of: [vocabularySize, embeddingSize])
        var values = [Scalar]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(Scalar(generator.nextGaussian())) }
        self.weight = Tensor(unchecked: [vocabularySize, embeddingSize], scalars: values)
    }

    /// A table from a given weight (V, E), for example PyTorch's `nn.Embedding.weight`.
    /// - Throws: unless the weight is a finite (V, E) matrix with V, E > 0.
    public init(weight: Tensor<Scalar>) throws {
        guard weight.rank == 2, weight.shape[0] > 0, weight.shape[1] > 0 else {
            throw RecurrentError.shapeMismatch(operation: "Embedding weight", expected: "(V, E) with V, E > 0",
                                               got: shapeString(weight.shape))
        }
        try weight.requireFinite("Embedding weight")
        self.weight = weight
    }

    /// Checks every id against V, naming the first that is out of range.
    func validate(_ tokens: TokenIDs, _ operation: String) throws {
        let v = Int32(clamping: vocabularySize)
        if let bad = tokens.ids.firstIndex(where: { $0 >= v }) {
            throw RecurrentError.invalidArgument(
                what: "\(operation): id at step \(bad / tokens.batch), sequence \(bad % tokens.batch)",
                reason: "\(tokens.ids[bad]) is outside the vocabulary of \(vocabularySize) tokens")
        }
    }

    /// `y[t, b] = W[ids[t, b]]`: (T, B) ids → (T, B, E) vectors.
    /// - Throws: when an id is ≥ V, naming its step and sequence.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ tokens: TokenIDs) throws -> Tensor<Scalar> {
        try validate(tokens, "Embedding.forward")
        let e = embeddingSize, n = tokens.ids.count
        var out = Tensor<Scalar>.zeroedScalars(count: n * e)                  // (T, B, E)
        weight.scalars.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { y in
                for (row, id) in tokens.ids.enumerated() {
                    let source = Int(id) * e, target = row * e
                    for j in 0..<e { y[target + j] = w[source + j] }
                }
            }
        }
        return Tensor(unchecked: [tokens.steps, tokens.batch, e], scalars: out)
    }

    /// Backward of ``forward(_:)``: `dW[ids[t, b]] += dy[t, b]` for every position, in order (a scatter-add:
    /// an id that appears k times receives the sum of its k output gradients).
    /// - Parameters:
    ///   - tokens: the ids of the forward pass, (T, B).
    ///   - dy: ∂L/∂y, (T, B, E).
    ///   - dWeight: (V, E); this call's gradient is added.
    /// - Throws: on a shape mismatch or an id ≥ V.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(_ tokens: TokenIDs, outputGradient dy: Tensor<Scalar>, into dWeight: inout Tensor<Scalar>) throws {
        try validate(tokens, "Embedding.backward")
        let e = embeddingSize
        try dy.requireShape([tokens.steps, tokens.batch, e], "Embedding.backward outputGradient")
        try dWeight.requireShape(weight.shape, "Embedding.backward dWeight")
        dy.scalars.withUnsafeBufferPointer { g in
            dWeight.withUnsafeMutableBufferPointer { dW in
                for (row, id) in tokens.ids.enumerated() {
                    let target = Int(id) * e, source = row * e
                    for j in 0..<e { dW[target + j] += g[source + j] }
                }
            }
        }
    }
}
