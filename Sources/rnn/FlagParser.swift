/// A small command-line parser: `--name VALUE`, `--name=VALUE`, boolean `--flag`, positional
/// arguments, and `--` to end the options. No dependencies.
///
/// Every problem throws ``UsageError`` with a message that names the flag: an unknown flag,
/// a missing value, a repeated flag, or a value that is not a valid number.
///
/// ```swift
/// let parser = FlagParser(valueOptions: ["--size", "--out"], flags: ["--verbose"])
/// let parsed = try parser.parse(["nprnn", "--size", "100", "--out=w.npy"])
/// let size = try parsed.positiveInt("--size")   // 100
/// ```
struct FlagParser {
    /// Options that take a value, spelled with their dashes (`"--size"`).
    var valueOptions: Set<String>
    /// Options without a value (`"--verbose"`).
    var flags: Set<String>

    init(valueOptions: Set<String>, flags: Set<String> = []) {
        self.valueOptions = valueOptions
        self.flags = flags
    }

    /// The result of parsing: positional arguments in order, option values and flags set.
    struct Parsed {
        var positionals: [String] = []
        var values: [String: String] = [:]
        var flags: Set<String> = []

        /// The raw value of an option, or `nil` when it was not given.
        func string(_ name: String) -> String? { values[name] }

        /// The raw value of a required option.
        func requiredString(_ name: String) throws -> String {
            guard let value = values[name] else { throw UsageError("missing required option \(name)") }
            guard !value.isEmpty else { throw UsageError("\(name) needs a non-empty value") }
            return value
        }

        /// An integer ≥ 1, or `nil` when the option was not given.
        func positiveInt(_ name: String) throws -> Int? {
            guard let text = values[name] else { return nil }
            guard let value = Int(text), value > 0 else {
                throw UsageError("\(name) expects a positive integer, got '\(text)'")
            }
            return value
        }

        /// An unsigned 64-bit integer (decimal, or hexadecimal with a 0x prefix).
        func uint64(_ name: String) throws -> UInt64? {
            guard let text = values[name] else { return nil }
            let parsed = text.hasPrefix("0x") || text.hasPrefix("0X")
                ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            guard let value = parsed else {
                throw UsageError("\(name) expects an integer in 0 ... 18446744073709551615, got '\(text)'")
            }
            return value
        }

        /// A finite floating-point number.
        func finiteDouble(_ name: String) throws -> Double? {
            guard let text = values[name] else { return nil }
            guard let value = Double(text), value.isFinite else {
                throw UsageError("\(name) expects a finite number, got '\(text)'")
            }
            return value
        }

        /// One of a fixed set of words.
        func choice(_ name: String, from allowed: [String]) throws -> String? {
            guard let text = values[name] else { return nil }
            guard allowed.contains(text) else {
                throw UsageError("\(name) must be one of \(allowed.joined(separator: ", ")), got '\(text)'")
            }
            return text
        }
    }

    /// Parses `arguments` (the words after the subcommand name).
    func parse(_ arguments: [String]) throws -> Parsed {
        var result = Parsed()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" || isNegativeNumber(argument) {
                result.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if flags.contains(name) {
                guard inlineValue == nil else { throw UsageError("\(name) does not take a value") }
                result.flags.insert(name)
                continue
            }
            guard valueOptions.contains(name) else {
                throw UsageError("unknown option '\(name)'")
            }
            guard result.values[name] == nil else { throw UsageError("\(name) is given more than once") }
            if let inlineValue {
                result.values[name] = inlineValue
                continue
            }
            // A value may look like a negative number ("--gain -0.5") but not like another option.
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw UsageError("\(name) needs a value")
            }
            result.values[name] = arguments[index]
            index += 1
        }
        return result
    }

    private func isNegativeNumber(_ text: String) -> Bool {
        text.count > 1 && text.hasPrefix("-") && Double(text) != nil
    }
}
