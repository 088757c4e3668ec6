import RecurrentInitializers

extension LanguageModel {
    /// Writes text one token at a time: the model reads `prime`, then repeatedly samples the next token from
    /// softmax(z / temperature), restricted to the `topK` most likely tokens when given, and reads it back in.
    ///
    /// The same seed gives the same text; as the temperature goes to 0 the choice becomes the most likely
    /// token (greedy decoding). Dropout is off.
    /// - Parameters:
    ///   - prime: the text to start from (at least one token; every character in the vocabulary at character level).
    ///   - length: number of tokens to generate, ≥ 0.
    ///   - temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
    ///   - topK: sample among the K most likely tokens only (K ≥ 1), or from all.
    ///   - seed: seed of the sampling.
    ///   - onToken: called with each generated token's text as soon as it is chosen (for printing as it goes).
    /// - Returns: the prime followed by the generated text (at word level, tokens joined by spaces).
    /// - Throws: for an empty prime, a prime character outside the vocabulary (naming it), a temperature ≤ 0,
    ///   a `topK` ≤ 0 or a negative length.
    public func generate(prime: String, length: Int, temperature: Double = 1, topK: Int? = nil, seed: UInt64 = 0,
                         onToken: (String) -> Void = { _ in }) throws -> String {
        guard temperature > 0, temperature.isFinite else {
            throw RecurrentError.invalidArgument(what: "generate temperature", reason: "must be a finite number > 0, got \(temperature)")
        }
        if let topK, topK <= 0 { throw RecurrentError.invalidSize(what: "generate topK", value: topK, requirement: "at least 1") }
        guard length >= 0 else { throw RecurrentError.invalidSize(what: "generate length", value: length, requirement: "zero or more") }
        let primeIDs = try vocabulary.encode(prime)
        guard !primeIDs.isEmpty else { throw RecurrentError.invalidArgument(what: "generate prime", reason: "holds no token") }
        var generator = RandomGenerator(seed: seed)
        var state = try network.zeroState(batch: 1)
        var logits = try Tensor<Scalar>.zeros([1, vocabulary.count])
        for id in primeIDs { (logits, state) = try advance(id, state) }
        var generated: [Int32] = []
        for _ in 0..<length {
            let next = Self.sample(logits: logits.scalars, temperature: temperature, topK: topK, using: &generator)
            generated.append(next)
            onToken((vocabulary.level == .word ? " " : "") + vocabulary.tokens[Int(next)])
            (logits, state) = try advance(next, state)
        }
        return try vocabulary.decode(primeIDs + generated)
    }

    /// Reads one token: its vector through one step of the network; returns the next token's logits (1, V).
    func advance(_ id: Int32, _ state: RecurrentModel<Cell>.State) throws -> (Tensor<Scalar>, RecurrentModel<Cell>.State) {
        let x = try embedding.forward(TokenIDs(steps: 1, batch: 1, ids: [id]))            // (1, 1, E)
        return try network.step(x.reshaped(to: [1, embedding.embeddingSize]), state: state)
    }

    /// Draws a token from softmax(z / temperature) over the `topK` largest logits (ties: the lower id first).
    /// Computed in `Double` with the maximum subtracted, so a tiny temperature gives the argmax, not NaN.
    static func sample(logits: [Scalar], temperature: Double, topK: Int?, using generator: inout RandomGenerator) -> Int32 {
        var order = Array(logits.indices)
        if let topK, topK < logits.count {
            order.sort { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
            order.removeLast(order.count - topK)
        }
        let top = order.map { Double(logits[$0]) }.max()!
        let weights = order.map { Double.exp((Double(logits[$0]) - top) / temperature) }
        let total = weights.reduce(0, +)
        var u = generator.nextUniform() * total
        for (k, w) in zip(order, weights) {
            u -= w
            if u < 0 { return Int32(k) }
        }
        // Rounding left u ≥ 0 after the last weight: the last token with a positive weight.
        return Int32(order[weights.lastIndex { $0 > 0 }!])
    }
}
