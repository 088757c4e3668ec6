/// One command-line option, defined once: its name, the value it takes, its default, its help text and the
/// key under which `rnn train` echoes it in its JSON line. The usage text, the parser's list of known flags,
/// the parsing into a command's settings (`Values`) and the JSON echo are all generated from a table of these.
///
/// ```swift
/// struct Settings { var size = 0 }
/// let table: [Option<Settings>] = [.int("--size", "N", \.size, default: 10, "rows", json: "size")]
/// var settings = Settings()
/// for option in table { try option.apply(&settings, parsedArguments) }   // size = 10 unless --size is given
/// ```
struct Option<Values> {
    /// Spelled with its dashes, e.g. `"--hidden"`.
    let name: String
    /// The placeholder of its value in the usage text (`"N"`), or `nil` for a flag without a value.
    let placeholder: String?
    /// The help text; a line break continues the text on the next line of the usage, indented.
    let help: String
    /// Stores the parsed value (or the default) into the settings, after checking it.
    let apply: (inout Values, FlagParser.Parsed) throws -> Void
    /// The JSON key and the value as JSON text (`nil`: not echoed for these settings), or `nil` if never echoed.
    let json: (key: String, value: (Values) -> String?)?

    /// The option's left column in the usage: `--hidden N`.
    var synopsis: String { placeholder.map { "\(name) \($0)" } ?? name }
}

/// A check on a value with the message that names what is required (`must be positive`).
struct Requirement<T> {
    let test: (T) -> Bool
    let message: String
}

extension Requirement where T == Double {
    static var positive: Requirement { .init(test: { $0 > 0 }, message: "must be positive") }
    static var nonNegative: Requirement { .init(test: { $0 >= 0 }, message: "must be zero or positive") }
}

/// A group of options under a title (`Optimization:`) in the usage text.
struct OptionSection<Values> {
    var title: String
    var options: [Option<Values>]
}

extension Option {
    /// Replaces `{default}` in a help text with the default, or appends ` (default X)` when there is no token.
    static func helpText(_ help: String, default value: String) -> String {
        help.contains("{default}") ? help.replacing("{default}", with: value) : help + " (default \(value))"
    }

    /// An integer ≥ 1 with a default.
    static func int(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, Int>, default value: Int, _ help: String,
                    require: Requirement<Int>? = nil, json: String? = nil, when: ((Values) -> Bool)? = nil) -> Option {
        Option(name: name, placeholder: placeholder, help: helpText(help, default: "\(value)"), apply: { values, parsed in
            let given = try parsed.positiveInt(name) ?? value
            if let require, !require.test(given) { throw UsageError("\(name) \(require.message), got \(given)") }
            values[keyPath: key] = given
        }, json: json.map { ($0, { v in when?(v) == false ? nil : "\(v[keyPath: key])" }) })
    }

    /// An integer ≥ 1, `nil` when not given (its default described in the help text).
    static func int(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, Int?>, _ help: String,
                    json: String? = nil, echo: ((Values) -> String?)? = nil) -> Option {
        Option(name: name, placeholder: placeholder, help: help, apply: { values, parsed in
            values[keyPath: key] = try parsed.positiveInt(name)
        }, json: json.map { ($0, echo ?? { v in v[keyPath: key].map { "\($0)" } }) })
    }

    /// A finite number with a default.
    static func double(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, Double>, default value: Double,
                       _ help: String, require: Requirement<Double>? = nil, json: String? = nil) -> Option {
        Option(name: name, placeholder: placeholder, help: helpText(help, default: shortNumber(value)), apply: { values, parsed in
            let given = try parsed.finiteDouble(name) ?? value
            if let require, !require.test(given) { throw UsageError("\(name) \(require.message), got \(given)") }
            values[keyPath: key] = given
        }, json: json.map { ($0, { v in "\(v[keyPath: key])" }) })
    }

    /// A finite number, `nil` when not given; echoed in the JSON line only when given (or as `echo` says).
    static func double(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, Double?>, _ help: String,
                       require: Requirement<Double>? = nil, json: String? = nil, echo: ((Values) -> String?)? = nil) -> Option {
        Option(name: name, placeholder: placeholder, help: help, apply: { values, parsed in
            let given = try parsed.finiteDouble(name)
            if let given, let require, !require.test(given) { throw UsageError("\(name) \(require.message), got \(given)") }
            values[keyPath: key] = given
        }, json: json.map { ($0, echo ?? { v in v[keyPath: key].map { "\($0)" } }) })
    }

    /// One of a fixed set of words, as a `RawRepresentable` enum or a plain string; `{choices}` in the help text
    /// becomes the words joined by `|`.
    static func choice<T: RawRepresentable>(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, T>, default value: T,
                                            from allowed: [T], _ help: String, json: String? = nil,
                                            when: ((Values) -> Bool)? = nil) -> Option where T.RawValue == String {
        let words = allowed.map(\.rawValue)
        return Option(name: name, placeholder: placeholder,
                      help: helpText(help.replacing("{choices}", with: words.joined(separator: "|")), default: value.rawValue),
                      apply: { values, parsed in
                          values[keyPath: key] = try parsed.choice(name, from: words).flatMap(T.init(rawValue:)) ?? value
                      }, json: json.map { ($0, { v in when?(v) == false ? nil : quoted(v[keyPath: key].rawValue) }) })
    }

    /// An unsigned 64-bit integer (decimal or 0x-hexadecimal) with a default.
    static func uint64(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, UInt64>, default value: UInt64,
                       _ help: String, json: String? = nil) -> Option {
        Option(name: name, placeholder: placeholder, help: helpText(help, default: "\(value)"), apply: { values, parsed in
            values[keyPath: key] = try parsed.uint64(name) ?? value
        }, json: json.map { ($0, { v in "\(v[keyPath: key])" }) })
    }

    /// A text value (a path), `nil` when not given.
    static func string(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, String?>, _ help: String) -> Option {
        Option(name: name, placeholder: placeholder, help: help, apply: { values, parsed in
            values[keyPath: key] = parsed.string(name)
        }, json: nil)
    }

    /// A required text value (a path).
    static func required(_ name: String, _ placeholder: String, _ key: WritableKeyPath<Values, String>, _ help: String) -> Option {
        Option(name: name, placeholder: placeholder, help: help, apply: { values, parsed in
            values[keyPath: key] = try parsed.requiredString(name)
        }, json: nil)
    }

    /// A flag without a value.
    static func flag(_ name: String, _ key: WritableKeyPath<Values, Bool>, _ help: String) -> Option {
        Option(name: name, placeholder: nil, help: help, apply: { values, parsed in
            values[keyPath: key] = parsed.flags.contains(name)
        }, json: nil)
    }
}

/// A number as a help text writes it: `1` rather than `1.0`.
func shortNumber(_ x: Double) -> String {
    x == x.rounded() && x.magnitude < 1e15 ? "\(Int(x))" : "\(x)"
}

/// Renders option sections as the usage text does: two spaces, the synopsis padded to `column` characters (or
/// followed by two spaces when longer), the help; continuation lines indented to the help column.
func renderOptions<Values>(_ sections: [OptionSection<Values>], helpLine: Bool = true, column: Int = 18) -> String {
    func row(_ left: String, _ help: String) -> String {
        let pad = left.count < column ? String(repeating: " ", count: column - left.count) : "  "
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        return (["  " + left + pad + lines[0]] + lines.dropFirst().map { String(repeating: " ", count: column + 2) + $0 })
            .joined(separator: "\n")
    }
    var out: [String] = []
    for (index, section) in sections.enumerated() {
        out.append(section.title)
        out += section.options.map { row($0.synopsis, $0.help) }
        if helpLine && index == sections.count - 1 { out.append(row("-h, --help", "show this help")) }
    }
    return out.joined(separator: "\n")
}

extension FlagParser {
    /// A parser that knows exactly the options of `table`.
    init<Values>(_ table: [Option<Values>], extraFlags: Set<String> = []) {
        self.init(valueOptions: Set(table.filter { $0.placeholder != nil }.map(\.name)),
                  flags: Set(table.filter { $0.placeholder == nil }.map(\.name)).union(extraFlags))
    }
}

/// The JSON echo of settings: `"key":value` for every option of `table` that has a key and a value here.
func jsonFields<Values>(_ table: [Option<Values>], _ values: Values) -> [(String, String)] {
    table.compactMap { option in
        guard let json = option.json, let value = json.value(values) else { return nil }
        return (json.key, value)
    }
}

func quoted(_ text: String) -> String { "\"" + text + "\"" }

extension OptionSection {
    /// Parses a command's arguments against the options of `sections` and applies every option to `settings`
    /// (a default wherever a flag is absent). Returns the settings and the words that are not flags; with
    /// `positionals: false`, such a word is a usage error.
    static func parse(_ arguments: [String], _ sections: [OptionSection], into settings: Values,
                      positionals: Bool = false) throws -> (settings: Values, positionals: [String]) {
        let table = sections.flatMap(\.options)
        let parsed = try FlagParser(table).parse(arguments)
        if !positionals, let word = parsed.positionals.first { throw UsageError("unexpected argument '\(word)'") }
        var settings = settings
        for option in table { try option.apply(&settings, parsed) }
        return (settings, parsed.positionals)
    }
}
