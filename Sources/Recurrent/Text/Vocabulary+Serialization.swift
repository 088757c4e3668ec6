extension Vocabulary {
    /// The vocabulary as one string for a model file's metadata: `{"level":"character","tokens":[…]}`
    /// (JSON; every token escaped, so any Unicode text survives).
    public var serialized: String {
        renderJSON(.object([("level", .string(level.rawValue)), ("tokens", .array(tokens.map { .string($0) }))]))
    }

    /// Reads ``serialized``.
    /// - Throws: naming the byte offset where the text stops being JSON, or what is missing or wrong in it.
    public init(serialized text: String) throws {
        let value: JSONValue
        do { value = try JSONParser.parse(Array(text.utf8)) } catch {
            throw RecurrentError.invalidArgument(what: "serialized vocabulary", reason: "\(error)")
        }
        guard case let .string(levelName)? = value["level"], let level = Level(rawValue: levelName) else {
            throw RecurrentError.invalidArgument(what: "serialized vocabulary", reason: "expected \"level\": \"character\" or \"word\"")
        }
        guard case let .array(items)? = value["tokens"] else {
            throw RecurrentError.invalidArgument(what: "serialized vocabulary", reason: "expected \"tokens\": an array of strings")
        }
        var tokens: [String] = []
        for (index, item) in items.enumerated() {
            guard case let .string(token) = item else {
                throw RecurrentError.invalidArgument(what: "serialized vocabulary token \(index)", reason: "expected a string")
            }
            tokens.append(token)
        }
        try self.init(level: level, tokens: tokens)
    }
}
