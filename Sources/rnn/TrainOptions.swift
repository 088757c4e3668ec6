import Recurrent
import RecurrentTraining

/// The tasks of `rnn train`.
enum TrainTask: String, CaseIterable {
    case addition, multiplication, mnist, pmnist
    /// Sequence classification on a pair of `.ts` files (`--train`, `--test`), see ``TimeSeriesTraining``.
    case ts
    var isMNIST: Bool { self == .mnist || self == .pmnist }
}

/// The optimizers of `rnn train` (``AnyOptimizer``'s names).
enum OptimizerName: String, CaseIterable {
    case sgd, nesterov, rmsprop, adam, adamw
    /// State tensors per parameter: momentum (SGD with momentum 0.9), the mean square (RMSprop), m and v (Adam).
    var buffersPerParameter: Int { self == .adam || self == .adamw ? 2 : 1 }
}

/// Learning-rate schedules of `rnn train`.
enum ScheduleName: String, CaseIterable { case step, cosine, piecewise }

/// Scalar types of `rnn train`.
enum DTypeName: String, CaseIterable { case f32, f64 }
/// What a time-series classifier's readout sees: the last real step, or the mean over the real steps.
enum ReadoutName: String, CaseIterable {
    case last, mean
    var outputMode: OutputMode { self == .last ? .lastStep : .meanOverTime }
}

/// The validated flags of `rnn train` (also used by `rnn compare`). Every flag, with its default, help text and
/// JSON key, is defined once in ``table``; the initial values here are placeholders that parsing replaces.
struct TrainOptions {
    var task = TrainTask.addition, cell = CellKind.nprnn, dtype = DTypeName.f32, optimizer = OptimizerName.adam
    var length = 0, hidden = 0, context: Int? = nil, layers = 0, batch = 0, evalEvery = 0
    var steps: Int? = nil, epochs: Int? = nil, trainLimit: Int? = nil, testLimit: Int? = nil, threads: Int? = nil
    var dropout = 0.0, lr = 0.0, decay = 0.0, clip = 0.0
    var decayEvery: Int? = nil
    var schedule = ScheduleName.step, warmup: Int? = nil, minLR: Double? = nil
    var milestones: [(step: Int, rate: Double)] = []
    var clipValue: Double? = nil
    var inputGain: Double? = nil
    var identityScale: Double? = nil
    var rho: Double? = nil
    var recurrentLRScale: Double? = nil
    var weightDecay: Double? = nil
    var maxRecurrentNorm: Double? = nil
    var normStabilizer: Double? = nil
    var orthogonalityPenalty: Double? = nil
    var seed: UInt64 = 0
    var bidirectional = false, quiet = false
    var data: String? = nil, log: String? = nil, save: String? = nil, checkpoint: String? = nil, resume: String? = nil, weights: String? = nil
    var gradientFlow: String? = nil
    var trainFile: String? = nil, testFile: String? = nil, validation: Double? = nil, patience: Int? = nil
    var readout: ReadoutName = .last
    var selection: EpochSelection = .accuracyThenLowerLoss

    var isMNIST: Bool { task.isMNIST }

    /// Optimizer updates when neither --steps nor --epochs is given.
    static let defaultSteps = 4000

    /// What makes a checkpoint this run's besides the architecture (which the model records itself): saved with
    /// every checkpoint, and compared by `--resume` where the checkpoint records it. The learning rate, its schedule
    /// and the number of steps may change when a run is resumed.
    var checkpointSettings: [String: String] {
        var settings = ["task": task.rawValue, "cell": cell.rawValue, "optimizer": optimizer.rawValue, "dtype": dtype.rawValue,
                        "seed": "\(seed)"]
        if !isMNIST { settings["length"] = "\(length)" }
        return settings
    }

    /// Every option of `rnn train`, in the order of its usage text.
    static var sections: [OptionSection<TrainOptions>] {
        [
            OptionSection(title: "Task and model:", options: [
                .choice("--task", "T", \.task, default: .addition, from: TrainTask.allCases, "{choices}", json: "task"),
                .choice("--cell", "C", \.cell, default: .nprnn, from: CellKind.allCases, "{choices}", json: "cell"),
                .int("--length", "T", \.length, default: 150, "sequence length of addition/multiplication",
                     require: .init(test: { $0 >= 2 }, message: "must be at least 2 (one marker in each half)"),
                     json: "length", when: { !$0.isMNIST }),
                .int("--hidden", "N", \.hidden, default: 100, "hidden units per layer", json: "hidden"),
                .int("--context", "C", \.context, "SCRN context units (default hidden/10, at least 1)"),
                .double("--identity-scale", "F", \.identityScale, "IRNN: W_hh = F·I (default 1, as in Le et al. 2015)",
                        require: .positive, json: "identity_scale"),
                .double("--input-gain", "A", \.inputGain,
                        "np-RNN input gain α: W_ih ~ N(0, 1/N)·α (default Sussillo & Abbott's ≈ 1.43 for N = 100)",
                        require: .positive, json: "input_gain"),
                .int("--layers", "L", \.layers, default: 1, "stacked layers", json: "layers"),
                .flag("--bidirectional", \.bidirectional, "add a reverse-direction layer at every level"),
                .double("--dropout", "P", \.dropout, default: 0, "dropout between layers and before the readout",
                        require: .init(test: { (0..<1).contains($0) }, message: "must be in [0, 1)")),
                .choice("--dtype", "f32|f64", \.dtype, default: .f32, from: DTypeName.allCases, "scalar type", json: "dtype"),
            ]),
            OptionSection(title: "Optimization:", options: [
                .int("--steps", "K", \.steps, "optimizer updates (default \(TrainOptions.defaultSteps))", json: "steps"),
                .int("--epochs", "E", \.epochs, "instead of --steps: passes over the MNIST training set"),
                .int("--batch", "B", \.batch, default: 32, "batch size", json: "batch"),
                .choice("--optimizer", "O", \.optimizer, default: .adam, from: OptimizerName.allCases,
                        "{choices} (default {default}); sgd and nesterov use momentum 0.9", json: "optimizer"),
                .double("--lr", "X", \.lr, default: 0.001, "learning rate", require: .positive, json: "lr"),
                .double("--rho", "R", \.rho, "RMSprop: decay of the mean square (default 0.99 as PyTorch's alpha; Keras uses 0.9)",
                        require: .init(test: { $0 > 0 && $0 < 1 }, message: "must be in (0, 1)"), json: "rho"),
                .double("--weight-decay", "λ", \.weightDecay,
                        "L2 weight decay added to the gradient (adamw: decoupled, default 0.01; others: 0)",
                        require: .nonNegative, json: "weight_decay"),
                .double("--recurrent-lr-scale", "F", \.recurrentLRScale, """
                    learning rate of the recurrent matrices (weight_hh) = F × the rate of
                    the other parameters (default 1), as a PyTorch parameter group with its own lr
                    """, require: .positive, json: "recurrent_lr_scale"),
                .double("--max-recurrent-norm", "γ", \.maxRecurrentNorm, """
                    after every update, clip the singular values of the recurrent matrices
                    (weight_hh) at γ, so that ‖W_hh‖₂ ≤ γ (default off)
                    """, require: .positive, json: "max_recurrent_norm"),
                .double("--norm-stabilizer", "β", \.normStabilizer, """
                    add β·mean_t (‖h_t‖ − ‖h_{t−1}‖)² of the top layer's states to the loss
                    (Krueger & Memisevic 2016; default 0, off)
                    """, require: .nonNegative, json: "norm_stabilizer"),
                .double("--orthogonality-penalty", "λ", \.orthogonalityPenalty, """
                    add λ‖WᵀW − I‖²_F of the recurrent matrices (weight_hh) to the loss,
                    pulling every singular value toward 1 (Vorontsov et al. 2017; default 0, off)
                    """, require: .nonNegative, json: "orthogonality_penalty"),
                .choice("--schedule", "S", \.schedule, default: .step, from: ScheduleName.allCases, "{choices}",
                        json: "schedule", when: { $0.schedule != .step }),
                .double("--decay", "F", \.decay, default: 0.5, "step: multiply the learning rate by F every --decay-every steps",
                        require: .positive),
                .int("--decay-every", "N", \.decayEvery, "(default: a quarter of the run, so the rate halves three times)"),
                .int("--warmup", "N", \.warmup, "cosine: N steps of linear warm-up to --lr first (default 0)",
                     json: "warmup", echo: { $0.schedule == .cosine ? "\($0.warmup ?? 0)" : nil }),
                .double("--min-lr", "X", \.minLR, "cosine: the rate at the end of the run (default 0)",
                        json: "min_lr", echo: { $0.schedule == .cosine ? "\($0.minLR ?? 0)" : nil }),
                Option(name: "--milestones", placeholder: "LIST", help: """
                    piecewise: STEP:RATE,… — --lr until the first STEP, then each RATE from its STEP on
                    (PyTorch's MultiStepLR with the rates written out); replays a run that was
                    resumed with a new --lr at those steps
                    """, apply: { values, parsed in
                        values.milestones = try parsed.string("--milestones").map(parseMilestones) ?? []
                    }, json: ("milestones", { v in
                        v.schedule == .piecewise ? quoted(v.milestones.map { "\($0.step):\($0.rate)" }.joined(separator: ",")) : nil
                    })),
                .double("--clip", "C", \.clip, default: 1, "clip gradients to global norm C (default {default}; 0 disables)",
                        require: .init(test: { $0 >= 0 }, message: "must be zero (off) or positive")),
                .double("--clip-value", "V", \.clipValue, "clip every gradient element to [-V, V] (default off)", require: .positive),
                .uint64("--seed", "S", \.seed, default: 1, "seed of weights, data and dropout", json: "seed"),
            ]),
            OptionSection(title: "Time series (--task ts; unless given: GRU, --batch 16, --lr 3e-3, --readout mean, 300 epochs):", options: [
                .string("--train", "FILE.ts", \.trainFile, "training cases (.ts, UEA/UCR archive format); validation is split off them"),
                .string("--test", "FILE.ts", \.testFile, "test cases, evaluated once with the model chosen on validation"),
                .double("--validation", "F", \.validation, "share of --train held out to choose the epoch (default 0.2)",
                        require: .init(test: { $0 > 0 && $0 < 1 }, message: "must be in (0, 1)")),
                .int("--patience", "N", \.patience,
                     "stop after N epochs without a better validation score (default \(TimeSeriesTraining<Float>.defaultPatience))"),
                .choice("--readout", "last|mean", \.readout, default: .mean, from: ReadoutName.allCases,
                        "the classifier reads the last real step, or the mean of the top layer's outputs over the real steps"),
                .choice("--select", "RULE", \.selection, default: .accuracyThenLowerLoss, from: EpochSelection.allCases, """
                        the epoch kept: best validation accuracy, ties to the lower validation loss (accuracy-loss) or to \
                        the later epoch (accuracy-later), or the lowest validation loss (loss)
                        """),
            ]),
            OptionSection(title: "Data and output:", options: [
                .string("--data", "DIR", \.data, "MNIST directory (default $RNN_MNIST_DIR, then ../shared/data/mnist)"),
                .int("--train-limit", "N", \.trainLimit, "use only the first N MNIST training images"),
                .int("--test-limit", "N", \.testLimit,
                     "evaluate on only the first N test images (addition: test-set size, default 10000)"),
                .int("--eval-every", "N", \.evalEvery, default: 200, "evaluate every N steps"),
                .string("--log", "FILE.csv", \.log,
                        "learning curve: step, seconds, train_loss, train_metric, test_metric, grad_norm, lr"),
                .string("--save", "FILE", \.save, "write the trained weights (safetensors, PyTorch names)"),
                .string("--checkpoint", "FILE", \.checkpoint, "write a checkpoint at every evaluation (atomic)"),
                .string("--gradient-flow", "F.svg", \.gradientFlow, """
                    draw ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ against t (log scale) at the start and at every
                    evaluation, on the first 64 held-out sequences: vanishing or exploding gradients
                    """),
                .string("--resume", "FILE", \.resume, "continue from a checkpoint (bit-identical to an uninterrupted run)"),
                .string("--weights", "FILE", \.weights, """
                    start from the weights of a --save file or a checkpoint, with a fresh optimizer
                    and step 0 (fine-tuning, or changing optimizer mid-way); not with --resume
                    """),
                .int("--threads", "N", \.threads, "compute threads (default: the processors this process may use)", json: "threads"),
                .flag("--quiet", \.quiet, "no progress output (the JSON line still goes to stdout)"),
            ]),
        ]
    }

    /// The options of ``sections`` in order.
    static var table: [Option<TrainOptions>] { sections.flatMap(\.options) }

    /// Parses and checks the options of `table` (by default every `rnn train` option; `rnn compare` leaves some out).
    init(_ p: FlagParser.Parsed, table: [Option<TrainOptions>] = TrainOptions.table) throws {
        for option in table { try option.apply(&self, p) }
        try checkCombinations(p)
    }

    /// The checks that involve more than one option.
    private func checkCombinations(_ p: FlagParser.Parsed) throws {
        if rho != nil && optimizer != .rmsprop { throw UsageError("--rho applies to --optimizer rmsprop") }
        if inputGain != nil && cell != .nprnn && cell != .nptanh { throw UsageError("--input-gain applies to --cell nprnn and nptanh") }
        if identityScale != nil && cell != .irnn { throw UsageError("--identity-scale applies to --cell irnn") }
        if steps != nil && epochs != nil { throw UsageError("give --steps or --epochs, not both") }
        if let m = minLR, !(0...lr).contains(m) { throw UsageError("--min-lr must be in [0, --lr = \(lr)], got \(m)") }
        if schedule != .step {
            for flag in ["--decay", "--decay-every"] where p.string(flag) != nil {
                throw UsageError("\(flag) applies to --schedule step; \(schedule.rawValue) sets its own rates")
            }
        }
        if schedule != .cosine && (warmup != nil || minLR != nil) {
            throw UsageError("--warmup and --min-lr apply to --schedule cosine")
        }
        if (schedule == .piecewise) != !milestones.isEmpty {
            throw UsageError("--schedule piecewise and --milestones go together")
        }
        if resume != nil && weights != nil { throw UsageError("--weights and --resume exclude each other: a checkpoint already holds the weights") }
        if task == .ts && steps != nil { throw UsageError("--task ts trains by --epochs, not --steps") }
        if task != .ts && [trainFile, testFile].contains(where: { $0 != nil }) { throw UsageError("--train and --test apply to --task ts") }
        if epochs != nil && !isMNIST && task != .ts { throw UsageError("--epochs applies to mnist and pmnist; use --steps") }
    }
}

/// `STEP:RATE,…` with increasing positive steps and finite rates ≥ 0.
func parseMilestones(_ list: String) throws -> [(step: Int, rate: Double)] {
    let items = try list.split(separator: ",", omittingEmptySubsequences: false).map { item in
        let parts = item.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let step = Int(parts[0]), step > 0, let rate = Double(parts[1]), rate.isFinite, rate >= 0 else {
            throw UsageError("--milestones expects STEP:RATE,… with positive steps and rates ≥ 0, got '\(item)'")
        }
        return (step: step, rate: rate)
    }
    guard zip(items, items.dropFirst()).allSatisfy({ $0.step < $1.step }) else {
        throw UsageError("--milestones: the steps must increase, got \(items.map(\.step))")
    }
    return items
}
