extension Vocabulary {
    /// The vocabulary as one string for a model file's metadata: `{"level":"character","tokens":[…]}`
    /// (JSON; every token escaped, so any Unicode text survives).
    public var serialized: String {
        "{\"level\":\"\(level.rawValue)\",\"tokens\":[" + tokens.map(Vocabulary.quote).joined(separator: ",") + "]}"
    }

    /// Reads ``serialized``.
    /// - Throws: naming the character offset where the text stops being the expected form.
    public init(serialized text: String) throws {
        var parser = VocabularyParser(text: Array(text.unicodeScalars))
        let (level, tokens) = try parser.parse()
        guard let parsedLevel = Level(rawValue: level) else {
            throw RecurrentError.invalidArgument(what: "serialized vocabulary", reason: "unknown level \"\(level)\"")
        }
        try self.init(level: parsedLevel, tokens: tokens)
    }

    /// A JSON string literal.
    static func quote(_ token: String) -> String {
        var out = "\""
        for scalar in token.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Parses exactly the form ``Vocabulary/serialized`` writes (keys in either order, JSON white space allowed).
struct VocabularyParser {
    let text: [Unicode.Scalar]
    var position = 0

    init(text: [Unicode.Scalar]) { self.text = text }

    func failure(_ expected: String) -> RecurrentError {
        .invalidArgument(what: "serialized vocabulary at character \(position)", reason: "expected \(expected)")
    }

    mutating func skipSpace() {
        while position < text.count, text[position].properties.isWhitespace { position += 1 }
    }

    mutating func expect(_ scalar: Unicode.Scalar) throws {
        skipSpace()
        guard position < text.count, text[position] == scalar else { throw failure("'\(scalar)'") }
        position += 1
    }

    mutating func peek(_ scalar: Unicode.Scalar) -> Bool {
        skipSpace()
        return position < text.count && text[position] == scalar
    }

    /// Skips `scalar` if it comes next.
    mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        guard peek(scalar) else { return false }
        position += 1
        return true
    }

    mutating func string() throws -> String {
        try expect("\"")
        var out = String.UnicodeScalarView()
        while true {
            guard position < text.count else { throw failure("the end of a string") }
            let scalar = text[position]
            position += 1
            if scalar == "\"" { return String(out) }
            guard scalar == "\\" else { out.append(scalar); continue }
            guard position < text.count else { throw failure("an escape") }
            let escape = text[position]
            position += 1
            switch escape {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "/": out.append("/")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                guard position + 4 <= text.count,
                      let value = UInt32(String(String.UnicodeScalarView(text[position..<position + 4])), radix: 16),
                      let decoded = Unicode.Scalar(value) else { throw failure("four hex digits of a scalar (no surrogates)") }
                position += 4
                out.append(decoded)
            default: throw failure("a JSON escape")
            }
        }
    }

    mutating func parse() throws -> (String, [String]) {
        var level: String?, tokens: [String]?
        try expect("{")
        repeat {
            let key = try string()
            try expect(":")
            switch key {
            case "level": level = try string()
            case "tokens":
                var list = [String]()
                try expect("[")
                if !peek("]") {
                    repeat { list.append(try string()) } while consume(",")
                }
                try expect("]")
                tokens = list
            default: throw failure("the key \"level\" or \"tokens\", got \"\(key)\"")
            }
        } while consume(",")
        try expect("}")
        skipSpace()
        guard position == text.count else { throw failure("the end of the text") }
        guard let level, let tokens else { throw failure("both \"level\" and \"tokens\"") }
        return (level, tokens)
    }
}
