/// The tokens a language model reads and writes, and the map between text and token ids.
///
/// Two levels:
/// - **character**: every distinct Unicode scalar of the text is a token (ids in scalar order), so any text
///   made of those scalars round-trips exactly; a scalar outside the vocabulary is an error that names it.
/// - **word**: whitespace-separated words; id 0 is ``unknownToken`` (`<unk>`), then the words by falling count
///   (ties in code-point order), cut to a maximum size or a minimum count; unknown words map to `<unk>`.
///   Decoding joins words with single spaces.
///
/// A vocabulary is stored in a model file (``serialized``) so that generation uses the one the model was
/// trained with.
///
/// ```swift
/// let vocabulary = try Vocabulary.characters(of: "hello")
/// print(vocabulary.tokens)                                        // prints ["e", "h", "l", "o"]
/// let ids = try vocabulary.encode("hole")                         // [1, 3, 2, 0]
/// print(try vocabulary.decode(ids))                               // prints hole
/// ```
public struct Vocabulary: Sendable, Equatable {
    /// Two vocabularies are equal when they have the same level and tokens in the same order.
    public static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.level == b.level && a.tokens == b.tokens }

    /// What one token is.
    public enum Level: String, Sendable, CaseIterable {
        /// One Unicode scalar.
        case character
        /// One whitespace-separated word.
        case word
    }

    /// The token every unknown word maps to at word level (id 0).
    public static let unknownToken = "<unk>"

    /// Character or word level.
    public let level: Level
    /// The token of each id: `tokens[id]`.
    public let tokens: [String]
    /// The id of each token.
    let ids: [String: Int32]
    /// At character level, the id of each scalar value (no String per character when encoding).
    let scalarIDs: [UInt32: Int32]

    /// Number of tokens V.
    public var count: Int { tokens.count }

    /// A vocabulary from its tokens in id order.
    /// - Throws: for an empty list, a duplicate or empty token, a character-level token that is not exactly
    ///   one Unicode scalar, or a word-level list whose first token is not `<unk>`.
    public init(level: Level, tokens: [String]) throws {
        guard !tokens.isEmpty else {
            throw RecurrentError.invalidArgument(what: "Vocabulary", reason: "no tokens")
        }
        guard tokens.count <= Int(Int32.max) else {
            throw RecurrentError.invalidArgument(what: "Vocabulary", reason: "\(tokens.count) tokens exceed the id range")
        }
        if level == .word, tokens[0] != Vocabulary.unknownToken {
            throw RecurrentError.invalidArgument(what: "Vocabulary (word level)",
                                                 reason: "id 0 must be \(Vocabulary.unknownToken), got \"\(tokens[0])\"")
        }
        var ids = [String: Int32](minimumCapacity: tokens.count)
        for (id, token) in tokens.enumerated() {
            if level == .character, token.unicodeScalars.count != 1 {
                throw RecurrentError.invalidArgument(what: "Vocabulary token \(id)",
                                                     reason: "a character-level token is one Unicode scalar, got \"\(token)\"")
            }
            if token.isEmpty { throw RecurrentError.invalidArgument(what: "Vocabulary token \(id)", reason: "empty token") }
            if let first = ids[token] {
                throw RecurrentError.invalidArgument(what: "Vocabulary token \(id)", reason: "\"\(token)\" repeats token \(first)")
            }
            ids[token] = Int32(id)
        }
        self.level = level
        self.tokens = tokens
        self.ids = ids
        self.scalarIDs = level == .character
            ? Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1.unicodeScalars.first!.value, Int32($0)) }) : [:]
    }

    /// Every distinct Unicode scalar of `text`, in scalar order.
    /// - Throws: for an empty text.
    public static func characters(of text: String) throws -> Vocabulary {
        var seen = Set<Unicode.Scalar>()
        for scalar in text.unicodeScalars { seen.insert(scalar) }
        guard !seen.isEmpty else { throw RecurrentError.invalidArgument(what: "Vocabulary.characters", reason: "the text is empty") }
        return try Vocabulary(level: .character, tokens: seen.sorted { $0.value < $1.value }.map { String($0) })
    }

    /// `<unk>` and the words of `text` by falling count (ties in code-point order), at most `maximumSize`
    /// tokens in all (including `<unk>`), keeping only words seen at least `minimumCount` times.
    /// - Throws: for a text with no words, `maximumSize` < 2 or `minimumCount` < 1.
    public static func words(of text: String, maximumSize: Int? = nil, minimumCount: Int = 1) throws -> Vocabulary {
        if let maximumSize, maximumSize < 2 {
            throw RecurrentError.invalidSize(what: "Vocabulary.words maximumSize", value: maximumSize, requirement: "at least 2 (<unk> and one word)")
        }
        guard minimumCount >= 1 else {
            throw RecurrentError.invalidSize(what: "Vocabulary.words minimumCount", value: minimumCount, requirement: "at least 1")
        }
        var counts = [String: Int]()
        for word in splitWords(text) { counts[word, default: 0] += 1 }
        counts[unknownToken] = nil
        guard !counts.isEmpty else { throw RecurrentError.invalidArgument(what: "Vocabulary.words", reason: "the text has no words") }
        var ranked = counts.filter { $0.value >= minimumCount }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) { $0.value < $1.value }
        }.map(\.key)
        if let maximumSize, ranked.count > maximumSize - 1 { ranked.removeLast(ranked.count - (maximumSize - 1)) }
        return try Vocabulary(level: .word, tokens: [unknownToken] + ranked)
    }

    /// The words of a text: maximal runs of non-whitespace scalars.
    static func splitWords(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String(String.UnicodeScalarView($0)) }
    }

    /// The id of a token, if it is in the vocabulary.
    public func id(of token: String) -> Int32? { ids[token] }

    /// The ids of a text.
    /// - Throws: at character level, for a scalar outside the vocabulary, naming it and its position (words
    ///   outside a word-level vocabulary map to `<unk>`).
    public func encode(_ text: String) throws -> [Int32] {
        switch level {
        case .character:
            var out = [Int32]()
            out.reserveCapacity(text.unicodeScalars.count)
            for (position, scalar) in text.unicodeScalars.enumerated() {
                guard let id = scalarIDs[scalar.value] else {
                    throw RecurrentError.invalidArgument(
                        what: "character \(Vocabulary.describe(scalar)) at position \(position)",
                        reason: "not in the model's vocabulary of \(count) characters")
                }
                out.append(id)
            }
            return out
        case .word:
            return Vocabulary.splitWords(text).map { ids[$0] ?? 0 }
        }
    }

    /// The text of a list of ids (words joined by single spaces).
    /// - Throws: for an id outside 0 ..< V, naming its position.
    public func decode(_ ids: [Int32]) throws -> String {
        var pieces = [String]()
        pieces.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() {
            guard id >= 0, Int(id) < count else {
                throw RecurrentError.invalidArgument(what: "Vocabulary.decode id at position \(position)",
                                                     reason: "\(id) is outside 0..<\(count)")
            }
            pieces.append(tokens[Int(id)])
        }
        return pieces.joined(separator: level == .word ? " " : "")
    }

    /// `"x"` for a printable scalar, `U+000A` style otherwise.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F ? code : "\"\(scalar)\" (\(code))"
    }
}
