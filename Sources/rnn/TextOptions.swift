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

/// Learning-rate schedules of `rnn train --task text`.
enum TextSchedule: String, CaseIterable { case constant, step, cosine }

/// The validated flags of `rnn train --task text` (a language model on a text file). Every flag, with its
/// default, help text and JSON key, is defined once in ``table``; the initial values are placeholders.
struct TextOptions {
    var task = TextTask.text, cell = CellKind.lstm, level = TextLevel.char, optimizer = OptimizerName.adam
    var windows = WindowOrder.random
    var data = "", validData: String? = nil, save: String? = nil
    var checkpoint: String? = nil, resume: String? = nil, weights: String? = nil, log: String? = nil
    var validFraction = 0.0, dropout = 0.0, recurrentDropout = 0.0, lr = 0.0, clip = 0.0
    var schedule = TextSchedule.constant, decay = 0.0, decayEvery: Int? = nil, warmup: Int? = nil, minLR: Double? = nil
    var tieWeights = false, keepBest = false
    var patience: Int? = nil
    var steps: Int? = nil, epochs: Int? = nil
    var bptt = 0, embedding = 0, hidden = 0, layers = 0, batch = 0, evalEvery = 0, sampleLength = 0
    var context: Int? = nil, threads: Int? = nil, vocabularySize = 0, minCount = 0
    var identityScale: Double? = nil
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
                .double("--identity-scale", "F", \.identityScale, "IRNN: W_hh = F·I (default 1, as in Le et al. 2015)",
                        require: .positive, json: "identity_scale"),
                .int("--layers", "L", \.layers, default: 1, "stacked layers", json: "layers"),
                .double("--dropout", "P", \.dropout, default: 0, "dropout between layers and before the output layer",
                        require: .init(test: { (0..<1).contains($0) }, message: "must be in [0, 1)"), json: "dropout"),
                .double("--recurrent-dropout", "P", \.recurrentDropout, default: 0, """
                    variational dropout on the recurrent state: one mask per sequence and
                    window (Gal & Ghahramani 2016; lstm and gru)
                    """, require: .init(test: { (0..<1).contains($0) }, message: "must be in [0, 1)"), json: "recurrent_dropout"),
                .flag("--tie-weights", \.tieWeights, "the output layer uses the embedding matrix (needs --embedding = --hidden)"),
                .int("--batch", "B", \.batch, default: 32, "windows per step (parallel streams)", json: "batch"),
                .choice("--optimizer", "O", \.optimizer, default: .adam, from: OptimizerName.allCases, "{choices}", json: "optimizer"),
                .double("--lr", "X", \.lr, default: 0.002, "learning rate", require: .positive, json: "lr"),
                .double("--clip", "C", \.clip, default: 1, "clip gradients to global norm C (0 disables)",
                        require: .init(test: { $0 >= 0 }, message: "must be zero (off) or positive"), json: "clip"),
                .int("--steps", "K", \.steps, "optimizer updates (default \(TextOptions.defaultSteps))", json: "steps",
                     echo: { "\($0.steps ?? TextOptions.defaultSteps)" }),
                .int("--epochs", "E", \.epochs, "instead of --steps: passes over the training text (B·T tokens a step)"),
                .choice("--schedule", "S", \.schedule, default: .constant, from: TextSchedule.allCases, "{choices} learning rate",
                        json: "schedule"),
                .double("--decay", "F", \.decay, default: 0.5, "step: multiply the learning rate by F every --decay-every steps",
                        require: .positive),
                .int("--decay-every", "N", \.decayEvery, "(default: a quarter of the run)"),
                .int("--warmup", "N", \.warmup, "cosine: N steps of linear warm-up to --lr first (default 0)"),
                .double("--min-lr", "X", \.minLR, "cosine: the rate at the end of the run (default 0)", require: .nonNegative),
                .int("--eval-every", "N", \.evalEvery, default: 100, "validate (and print a sample) every N steps"),
                .int("--patience", "N", \.patience, "stop after N evaluations without a lower validation loss (default: never)",
                     json: "patience"),
                .flag("--keep-best", \.keepBest, """
                    --save holds the model of the lowest validation loss so far (written each
                    time it improves), not the last one
                    """),
                .int("--sample-length", "N", \.sampleLength, default: 200, "tokens of the sample printed at each evaluation"),
                .uint64("--seed", "S", \.seed, default: 1, "seed of weights, windows, dropout and samples", json: "seed"),
                .string("--save", "FILE", \.save, "write the trained model with its vocabulary (for rnn generate)"),
                .string("--log", "FILE.csv", \.log, "validation curve: step, seconds, train_loss, val_loss, bpc or perplexity, lr"),
                .string("--checkpoint", "FILE", \.checkpoint, "write a checkpoint at every evaluation (atomic)"),
                .string("--resume", "FILE", \.resume, "continue from a --checkpoint file (bit-identical to an uninterrupted run)"),
                .string("--weights", "FILE", \.weights, "start from a --save file or checkpoint (its vocabulary), fresh optimizer, step 0"),
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
        if identityScale != nil && cell != .irnn { throw UsageError("--identity-scale applies to --cell irnn") }
        if steps != nil && epochs != nil { throw UsageError("give --steps or --epochs, not both") }
        if schedule != .step {
            for flag in ["--decay", "--decay-every"] where p.string(flag) != nil { throw UsageError("\(flag) applies to --schedule step") }
        }
        if schedule != .cosine && (warmup != nil || minLR != nil) { throw UsageError("--warmup and --min-lr apply to --schedule cosine") }
        if resume != nil && weights != nil { throw UsageError("--weights and --resume exclude each other: a checkpoint already holds the weights") }
        if tieWeights && embedding != hidden {
            throw UsageError("--tie-weights needs --embedding (\(embedding)) equal to --hidden (\(hidden)): the output layer reads the top layer")
        }
        if keepBest && save == nil { throw UsageError("--keep-best needs --save FILE (where the best model is written)") }
        if recurrentDropout > 0 && ![.lstm, .gru].contains(cell) {
            throw UsageError("--recurrent-dropout applies to --cell lstm or gru, not \(cell.rawValue)")
        }
    }

    /// Optimizer updates when neither --steps nor --epochs is given.
    static let defaultSteps = 1000

    /// What a checkpoint records of this run besides the model (which records its architecture and vocabulary),
    /// compared by --resume; the learning rate, its schedule and the number of steps may change.
    var checkpointSettings: [String: String] {
        ["task": "text", "cell": cell.rawValue, "optimizer": optimizer.rawValue, "seed": "\(seed)", "bptt": "\(bptt)",
         "batch": "\(batch)", "windows": windows.rawValue, "recurrent_dropout": "\(recurrentDropout)", "dropout": "\(dropout)"]
    }

    /// Whether `arguments` ask for `--task text` (then `rnn train` parses them with ``table``).
    static func isRequested(_ arguments: [String]) -> Bool {
        let options = arguments.prefix { $0 != "--" }
        return zip(options, options.dropFirst()).contains { $0 == "--task" && $1 == TextTask.text.rawValue }
            || options.contains("--task=text")
    }
}
