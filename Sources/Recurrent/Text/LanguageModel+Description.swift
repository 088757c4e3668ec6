extension LanguageModel: CustomStringConvertible {
    /// A summary: the vocabulary, the embedding, the network's table (``RecurrentModel/description``) and the
    /// model's total number of parameters (a tied output matrix counted once, as in ``parameters``).
    ///
    ///     LanguageModel: character vocabulary of 65 tokens, embedding 65 × 64 = 4160 parameters
    ///     RecurrentModel: 2 layers, every step → 65, dropout 0.2
    ///     …
    ///     total with the embedding: 3316289 parameters
    public var description: String {
        let v = vocabulary.count, e = embedding.embeddingSize
        let level = vocabulary.level == .word ? "word" : "character"
        let total = parameters.reduce(0) { $0 + $1.count }
        return "LanguageModel: \(level) vocabulary of \(v) tokens, embedding \(v) × \(e) = \(v * e) parameters"
            + (tiesWeights ? ", shared with the output matrix (tied)" : "") + "\n"
            + network.description + "\n"
            + "total with the embedding: \(total) parameters" + (tiesWeights ? " (the tied output matrix counted once)" : "")
    }
}
