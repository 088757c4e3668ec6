import Recurrent

/// The one task of ``TextOptions`` (`rnn train --task text`).
enum TextTask: String, CaseIterable { case text }

/// Token level of `--level`: characters (Unicode scalars) or words.
enum TextLevel: String, CaseIterable {
    case char, word
    /// The vocabulary level it maps to.
    var vocabularyLevel: Vocabulary.Level { self == .char ? .character : .word }
}

/// How training windows are drawn: at random offsets (no state carried) or in order with the state carried.
enum WindowOrder: String, CaseIterable { case random, sequential }

/// The validated flags of `rnn train --task text` (a language model on a text file). Every flag, with its
/// default, help text and JSON key, is defined once in ``table``; the initial values are placeholders.
struct TextOptions {
    var task = TextTask.text, cell = CellKind.lstm, level = TextLevel.char, optimizer = OptimizerName.adam
    var windows = WindowOrder.random
    var data = "", validData: String? = nil, save: String? = nil
    var validFraction = 0.0, dropout = 0.0, lr = 0.0, clip = 0.0
    var bptt = 0, embedding = 0, hidden = 0, layers = 0, batch = 0, steps = 0, evalEvery = 0, sampleLength = 0
    var context: Int? = nil, threads: Int? = nil, vocabularySize = 0, minCount = 0
    var seed: UInt64 = 0
    var quiet = false

    /// Every option of `rnn train --task text`, in the order of its usage text.
    static var sections: [OptionSection<TextOptions>] {
        [
            OptionSection(title: "Text (--task text):", options: [
                .choice("--task", "text", \.task, default: .text, from: TextTask.allCases, "a language model on --data", json: "task"),
                .required("--data", "FILE", \.data, "UTF-8 text to train on (required)"),
                .string("--valid-data", "FILE", \.validData, "validation text (default: the last --valid-fraction of --data)"),
                .double("--valid-fraction", "F", \.validFraction, default: 0.1, "the share of --data held out for validation",
                        require: .init(test: { $0 > 0 && $0 < 1 }, message: "must be in (0, 1)")),
                .choice("--level", "char|word", \.level, default: .char, from: TextLevel.allCases,
                        "tokens: Unicode characters or whitespace-separated words", json: "level"),
                .int("--vocabulary-size", "N", \.vocabularySize, default: 10_000, "word level: the N − 1 most frequent words and <unk>",
                     require: .init(test: { $0 >= 2 }, message: "must be at least 2 (<unk> and one word)")),
                .int("--min-count", "N", \.minCount, default: 1, "word level: keep words seen at least N times"),
                .int("--bptt", "T", \.bptt, default: 128, "steps per training window", json: "bptt"),
                .choice("--windows", "W", \.windows, default: .random, from: WindowOrder.allCases,
                        "{choices}: windows at random offsets, or in order with the state carried", json: "windows"),
                .int("--embedding", "E", \.embedding, default: 64, "width of a token vector", json: "embedding"),
                .choice("--cell", "C", \.cell, default: .lstm, from: CellKind.allCases, "{choices}", json: "cell"),
                .int("--hidden", "N", \.hidden, default: 256, "hidden units per layer", json: "hidden"),
                .int("--context", "C", \.context, "SCRN context units (default hidden/10, at least 1)"),
                .int("--layers", "L", \.layers, default: 1, "stacked layers", json: "layers"),
                .double("--dropout", "P", \.dropout, default: 0, "dropout between layers and before the output layer",
                        require: .init(test: { (0..<1).contains($0) }, message: "must be in [0, 1)"), json: "dropout"),
                .int("--batch", "B", \.batch, default: 32, "windows per step (parallel streams)", json: "batch"),
                .choice("--optimizer", "O", \.optimizer, default: .adam, from: OptimizerName.allCases, "{choices}", json: "optimizer"),
                .double("--lr", "X", \.lr, default: 0.002, "learning rate", require: .positive, json: "lr"),
                .double("--clip", "C", \.clip, default: 1, "clip gradients to global norm C (0 disables)",
                        require: .init(test: { $0 >= 0 }, message: "must be zero (off) or positive"), json: "clip"),
                .int("--steps", "K", \.steps, default: 1000, "optimizer updates", json: "steps"),
                .int("--eval-every", "N", \.evalEvery, default: 100, "validate (and print a sample) every N steps"),
                .int("--sample-length", "N", \.sampleLength, default: 200, "tokens of the sample printed at each evaluation"),
                .uint64("--seed", "S", \.seed, default: 1, "seed of weights, windows, dropout and samples", json: "seed"),
                .string("--save", "FILE", \.save, "write the trained model with its vocabulary (for rnn generate)"),
                .int("--threads", "N", \.threads, "compute threads (default: the processors this process may use)", json: "threads"),
                .flag("--quiet", \.quiet, "no progress output (the JSON line still goes to stdout)"),
            ]),
        ]
    }

    /// The options of ``sections`` in order.
    static var table: [Option<TextOptions>] { sections.flatMap(\.options) }

    /// Parses and checks the options of ``table``.
    init(_ p: FlagParser.Parsed) throws {
        for option in TextOptions.table { try option.apply(&self, p) }
        if level == .char {
            for flag in ["--vocabulary-size", "--min-count"] where p.string(flag) != nil {
                throw UsageError("\(flag) applies to --level word")
            }
        }
        if validData != nil && p.string("--valid-fraction") != nil {
            throw UsageError("give --valid-data or --valid-fraction, not both")
        }
        if context != nil && cell != .scrn { throw UsageError("--context applies to --cell scrn") }
    }

    /// Whether `arguments` ask for `--task text` (then `rnn train` parses them with ``table``).
    static func isRequested(_ arguments: [String]) -> Bool {
        let options = arguments.prefix { $0 != "--" }
        return zip(options, options.dropFirst()).contains { $0 == "--task" && $1 == TextTask.text.rawValue }
            || options.contains("--task=text")
    }
}
