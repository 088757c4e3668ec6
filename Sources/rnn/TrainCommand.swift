#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Recurrent
import RecurrentData
import RecurrentDiagnostics
import RecurrentInitializers
import RecurrentTraining

/// `rnn train`: trains one cell on one task and ends with one JSON line of results.
enum TrainCommand: Command {
    static let name = "train"
    static let summary = "train a cell on the addition/multiplication problem or (permuted) pixel MNIST"

    static let cells = ["srnn", "srnn-relu", "lstm", "gru", "gru-reset-before", "scrn", "irnn", "nprnn"]
    static let tasks = ["addition", "multiplication", "mnist", "pmnist"]

    static var usage: String {
        """
        usage: rnn train [--task TASK] [--cell CELL] [options]

        Trains a recurrent network (sequence to one) with BPTT, evaluates it on held-out data,
        shows progress on a terminal, and prints one JSON line with the results.

        Task and model:
          --task T          \(tasks.joined(separator: "|")) (default addition)
          --cell C          \(cells.joined(separator: "|")) (default nprnn)
          --length T        sequence length of addition/multiplication (default 150)
          --hidden N        hidden units per layer (default 100)
          --context C       SCRN context units (default hidden/10, at least 1)
          --input-gain A    np-RNN input gain α: W_ih ~ N(0, 1/N)·α (default Sussillo & Abbott's ≈ 1.43 for N = 100)
          --layers L        stacked layers (default 1)
          --bidirectional   add a reverse-direction layer at every level
          --dropout P       dropout between layers and before the readout (default 0)
          --dtype f32|f64   scalar type (default f32)
        Optimization:
          --steps K         optimizer updates (default 4000)
          --epochs E        instead of --steps: passes over the MNIST training set
          --batch B         batch size (default 32)
          --optimizer O     sgd|nesterov|rmsprop|adam|adamw (default adam); sgd and nesterov use momentum 0.9
          --lr X            learning rate (default 0.001)
          --rho R           RMSprop: decay of the mean square (default 0.99 as PyTorch's alpha; Keras uses 0.9)
          --weight-decay λ  L2 weight decay added to the gradient (adamw: decoupled, default 0.01; others: 0)
          --recurrent-lr-scale F  learning rate of the recurrent matrices (weight_hh) = F × the rate of
                            the other parameters (default 1), as a PyTorch parameter group with its own lr
          --max-recurrent-norm γ  after every update, clip the singular values of the recurrent matrices
                            (weight_hh) at γ, so that ‖W_hh‖₂ ≤ γ (default off)
          --norm-stabilizer β  add β·mean_t (‖h_t‖ − ‖h_{t−1}‖)² of the top layer's states to the loss
                            (Krueger & Memisevic 2016; default 0, off)
          --orthogonality-penalty λ  add λ‖WᵀW − I‖²_F of the recurrent matrices (weight_hh) to the loss,
                            pulling every singular value toward 1 (Vorontsov et al. 2017; default 0, off)
          --schedule S      step|cosine|piecewise (default step)
          --decay F         step: multiply the learning rate by F every --decay-every steps (default 0.5)
          --decay-every N   (default: a quarter of the run, so the rate halves three times)
          --warmup N        cosine: N steps of linear warm-up to --lr first (default 0)
          --min-lr X        cosine: the rate at the end of the run (default 0)
          --milestones LIST piecewise: STEP:RATE,… — --lr until the first STEP, then each RATE from its STEP on
                            (PyTorch's MultiStepLR with the rates written out); replays a run that was
                            resumed with a new --lr at those steps
          --clip C          clip gradients to global norm C (default 1; 0 disables)
          --clip-value V    clip every gradient element to [-V, V] (default off)
          --seed S          seed of weights, data and dropout (default 1)
        Data and output:
          --data DIR        MNIST directory (default $RNN_MNIST_DIR, then ../shared/data/mnist)
          --train-limit N   use only the first N MNIST training images
          --test-limit N    evaluate on only the first N test images (addition: test-set size, default 10000)
          --eval-every N    evaluate every N steps (default 200)
          --log FILE.csv    learning curve: step, seconds, train_loss, train_metric, test_metric, grad_norm, lr
          --save FILE       write the trained weights (safetensors, PyTorch names)
          --checkpoint FILE write a checkpoint at every evaluation (atomic)
          --gradient-flow F.svg  draw ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ against t (log scale) at the start and at every
                            evaluation, on the first 64 held-out sequences: vanishing or exploding gradients
          --resume FILE     continue from a checkpoint (bit-identical to an uninterrupted run)
          --weights FILE    start from the weights of a --save file or a checkpoint, with a fresh optimizer
                            and step 0 (fine-tuning, or changing optimizer mid-way); not with --resume
          --threads N       compute threads (default min(2, CPUs))
          --quiet           no progress output (the JSON line still goes to stdout)
          -h, --help        show this help

        Example:
          rnn train --task addition --cell nprnn --length 150 --steps 3000 --log addition.csv
        """
    }

    static let valueOptions: Set<String> = [
        "--task", "--cell", "--length", "--hidden", "--context", "--input-gain", "--rho", "--recurrent-lr-scale", "--max-recurrent-norm", "--norm-stabilizer", "--orthogonality-penalty", "--weight-decay", "--layers", "--dropout", "--dtype", "--steps", "--epochs",
        "--batch", "--optimizer", "--lr", "--schedule", "--decay", "--decay-every", "--warmup", "--min-lr", "--milestones", "--clip", "--clip-value", "--seed", "--data",
        "--train-limit", "--test-limit", "--eval-every", "--log", "--save", "--checkpoint", "--resume", "--weights", "--threads",
        "--gradient-flow",
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try FlagParser(valueOptions: valueOptions, flags: ["--quiet", "--bidirectional"]).parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        let options = try TrainOptions(parsed)
        if let threads = options.threads { KernelSettings.threadCount = threads }
        let result = options.dtype == "f64" ? try Experiment<Double>(options).run() : try Experiment<Float>(options).run()
        print(result.json)
        return 0
    }
}

/// The validated flags of `rnn train` (also used by `rnn compare`).
struct TrainOptions {
    var task = "addition", cell = "nprnn", dtype = "f32", optimizer = "adam"
    var length = 150, hidden = 100, context: Int? = nil, layers = 1, batch = 32, evalEvery = 200
    var steps: Int? = nil, epochs: Int? = nil, trainLimit: Int? = nil, testLimit: Int? = nil, threads: Int? = nil
    var dropout = 0.0, lr = 0.001, decay = 0.5, clip = 1.0
    var decayEvery: Int? = nil
    var schedule = "step", warmup: Int? = nil, minLR: Double? = nil
    var milestones: [(step: Int, rate: Double)] = []
    var clipValue: Double? = nil
    var inputGain: Double? = nil
    var rho: Double? = nil
    var recurrentLRScale: Double? = nil
    var weightDecay: Double? = nil
    var maxRecurrentNorm: Double? = nil
    var normStabilizer: Double? = nil
    var orthogonalityPenalty: Double? = nil
    var seed: UInt64 = 1
    var bidirectional = false, quiet = false
    var data: String? = nil, log: String? = nil, save: String? = nil, checkpoint: String? = nil, resume: String? = nil, weights: String? = nil
    var gradientFlow: String? = nil

    init() {}

    init(_ p: FlagParser.Parsed) throws {
        task = try p.choice("--task", from: TrainCommand.tasks) ?? task
        cell = try p.choice("--cell", from: TrainCommand.cells) ?? cell
        dtype = try p.choice("--dtype", from: ["f32", "f64"]) ?? dtype
        optimizer = try p.choice("--optimizer", from: ["sgd", "nesterov", "rmsprop", "adam", "adamw"]) ?? optimizer
        length = try p.positiveInt("--length") ?? length
        if length < 2 { throw UsageError("--length must be at least 2 (one marker in each half)") }
        hidden = try p.positiveInt("--hidden") ?? hidden
        context = try p.positiveInt("--context")
        inputGain = try p.finiteDouble("--input-gain")
        rho = try p.finiteDouble("--rho")
        if let r = rho, !(r > 0 && r < 1) { throw UsageError("--rho must be in (0, 1), got \(r)") }
        if rho != nil && optimizer != "rmsprop" { throw UsageError("--rho applies to --optimizer rmsprop") }
        if let g = inputGain, g <= 0 { throw UsageError("--input-gain must be positive, got \(g)") }
        if inputGain != nil && cell != "nprnn" { throw UsageError("--input-gain applies to --cell nprnn") }
        recurrentLRScale = try p.finiteDouble("--recurrent-lr-scale")
        if let f = recurrentLRScale, f <= 0 { throw UsageError("--recurrent-lr-scale must be positive, got \(f)") }
        maxRecurrentNorm = try p.finiteDouble("--max-recurrent-norm")
        if let γ = maxRecurrentNorm, γ <= 0 { throw UsageError("--max-recurrent-norm must be positive, got \(γ)") }
        normStabilizer = try p.finiteDouble("--norm-stabilizer")
        if let β = normStabilizer, β < 0 { throw UsageError("--norm-stabilizer must be zero or positive, got \(β)") }
        orthogonalityPenalty = try p.finiteDouble("--orthogonality-penalty")
        if let λ = orthogonalityPenalty, λ < 0 { throw UsageError("--orthogonality-penalty must be zero or positive, got \(λ)") }
        weightDecay = try p.finiteDouble("--weight-decay")
        if let λ = weightDecay, λ < 0 { throw UsageError("--weight-decay must be zero or positive, got \(λ)") }
        layers = try p.positiveInt("--layers") ?? layers
        batch = try p.positiveInt("--batch") ?? batch
        evalEvery = try p.positiveInt("--eval-every") ?? evalEvery
        steps = try p.positiveInt("--steps")
        epochs = try p.positiveInt("--epochs")
        if steps != nil && epochs != nil { throw UsageError("give --steps or --epochs, not both") }
        trainLimit = try p.positiveInt("--train-limit")
        testLimit = try p.positiveInt("--test-limit")
        threads = try p.positiveInt("--threads")
        dropout = try p.finiteDouble("--dropout") ?? dropout
        if !(0..<1).contains(dropout) { throw UsageError("--dropout must be in [0, 1), got \(dropout)") }
        lr = try p.finiteDouble("--lr") ?? lr
        if lr <= 0 { throw UsageError("--lr must be positive, got \(lr)") }
        decay = try p.finiteDouble("--decay") ?? decay
        if decay <= 0 { throw UsageError("--decay must be positive, got \(decay)") }
        decayEvery = try p.positiveInt("--decay-every")
        schedule = try p.choice("--schedule", from: ["step", "cosine", "piecewise"]) ?? schedule
        warmup = try p.positiveInt("--warmup")
        minLR = try p.finiteDouble("--min-lr")
        if let m = minLR, !(0...lr).contains(m) { throw UsageError("--min-lr must be in [0, --lr = \(lr)], got \(m)") }
        if let list = p.string("--milestones") { milestones = try Self.parseMilestones(list) }
        if schedule != "step" {
            for flag in ["--decay", "--decay-every"] where p.string(flag) != nil {
                throw UsageError("\(flag) applies to --schedule step; \(schedule) sets its own rates")
            }
        }
        if schedule != "cosine" && (warmup != nil || minLR != nil) {
            throw UsageError("--warmup and --min-lr apply to --schedule cosine")
        }
        if (schedule == "piecewise") != !milestones.isEmpty {
            throw UsageError("--schedule piecewise and --milestones go together")
        }
        clip = try p.finiteDouble("--clip") ?? clip
        if clip < 0 { throw UsageError("--clip must be zero (off) or positive, got \(clip)") }
        clipValue = try p.finiteDouble("--clip-value")
        if let v = clipValue, v <= 0 { throw UsageError("--clip-value must be positive, got \(v)") }
        seed = try p.uint64("--seed") ?? seed
        bidirectional = p.flags.contains("--bidirectional")
        quiet = p.flags.contains("--quiet")
        data = p.string("--data")
        log = p.string("--log")
        save = p.string("--save")
        checkpoint = p.string("--checkpoint")
        resume = p.string("--resume")
        weights = p.string("--weights")
        if resume != nil && weights != nil { throw UsageError("--weights and --resume exclude each other: a checkpoint already holds the weights") }
        gradientFlow = p.string("--gradient-flow")
        if epochs != nil && !task.hasSuffix("mnist") { throw UsageError("--epochs applies to mnist and pmnist; use --steps") }
    }

    var isMNIST: Bool { task.hasSuffix("mnist") }

    /// `STEP:RATE,…` with increasing positive steps and finite rates ≥ 0.
    static func parseMilestones(_ list: String) throws -> [(step: Int, rate: Double)] {
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
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The outcome of one training run.
struct ExperimentResult {
    var records: [TrainingRecord]
    var json: String
    var finalMetric: Double
    var baseline: Double
    var isClassification: Bool
    /// Layer 0's `weight_hh` before and after training, for the spectra panel of `rnn compare`.
    var recurrentBefore: Tensor<Double>? = nil, recurrentAfter: Tensor<Double>? = nil
}

/// One training run in scalar type S, from options to JSON.
struct Experiment<S: RecurrentScalar> {
    var options: TrainOptions

    init(_ options: TrainOptions) { self.options = options }

    func makeTask() throws -> any SequenceTask {
        switch options.task {
        case "addition": return AdditionTask(length: options.length, testSize: options.testLimit ?? 10_000, seed: options.seed)
        case "multiplication": return MultiplicationTask(length: options.length, testSize: options.testLimit ?? 10_000, seed: options.seed)
        default:
            guard let directory = options.data ?? MNIST.defaultDirectory() else {
                throw RecurrentError.invalidArgument(
                    what: "MNIST", reason: "no data directory found; pass --data DIR or set RNN_MNIST_DIR to a folder with the four *-ubyte(.gz) files")
            }
            let mnist = try MNIST.load(directory: directory)
            return PixelMNISTTask(mnist: mnist, permuted: options.task == "pmnist", seed: options.seed,
                                  trainLimit: options.trainLimit, testLimit: options.testLimit)
        }
    }

    func run() throws -> ExperimentResult {
        let task = try makeTask()
        switch options.cell {
        case "lstm":
            return try run(task) { i, l, d in try LSTMCell<S>(inputSize: i, hiddenSize: options.hidden, forgetBias: 1, seed: cellSeed(l, d)) }
        case "gru":
            return try run(task) { i, l, d in try GRUCell<S>(inputSize: i, hiddenSize: options.hidden, seed: cellSeed(l, d)) }
        case "gru-reset-before":
            return try run(task) { i, l, d in try GRUCell<S>(inputSize: i, hiddenSize: options.hidden, reset: .beforeMatrix, seed: cellSeed(l, d)) }
        case "scrn":
            let context = options.context ?? max(1, options.hidden / 10)
            return try run(task) { i, l, d in try SCRNCell<S>(inputSize: i, hiddenSize: options.hidden, contextSize: context, seed: cellSeed(l, d)) }
        case "irnn":
            return try run(task) { i, l, d in try SimpleRNNCell<S>.irnn(inputSize: i, hiddenSize: options.hidden, seed: cellSeed(l, d)) }
        case "nprnn":
            return try run(task) { i, l, d in try SimpleRNNCell<S>.npRNN(inputSize: i, hiddenSize: options.hidden, inputGain: options.inputGain, seed: cellSeed(l, d)) }
        case "srnn-relu":
            return try run(task) { i, l, d in try SimpleRNNCell<S>(inputSize: i, hiddenSize: options.hidden, nonlinearity: .relu, seed: cellSeed(l, d)) }
        default:
            return try run(task) { i, l, d in try SimpleRNNCell<S>(inputSize: i, hiddenSize: options.hidden, nonlinearity: .tanh, seed: cellSeed(l, d)) }
        }
    }

    func cellSeed(_ layer: Int, _ direction: Int) -> UInt64 { options.seed &* 1000 &+ UInt64(10 * layer + direction) }

    func run<Cell: RecurrentCell>(_ task: any SequenceTask, makeCell: (Int, Int, Int) throws -> Cell) throws -> ExperimentResult
    where Cell.Scalar == S {
        try runOpened(task, makeCell: makeCell)
    }

    func runOpened<Cell: RecurrentCell, Task: SequenceTask>(_ task: Task, makeCell: (Int, Int, Int) throws -> Cell) throws
        -> ExperimentResult where Cell.Scalar == S {
        var model = try RecurrentModel(inputSize: task.inputSize, outputSize: task.outputSize, layers: options.layers,
                                       bidirectional: options.bidirectional, dropout: options.dropout, seed: options.seed,
                                       makeCell: makeCell)
        if let weights = options.weights { try model.loadWeights(from: weights) }
        let recurrentBefore = firstRecurrentWeight(model)
        var optimizer = try AnyOptimizer<S>(name: options.optimizer, learningRate: options.lr, weightDecay: options.weightDecay)
        if case var .rmsprop(rmsprop) = optimizer, let rho = options.rho {
            rmsprop.decay = rho
            optimizer = .rmsprop(rmsprop)
        }
        let isRecurrent = model.parameterNames.map { $0.hasPrefix("weight_hh_") }   // the W_hh of every layer
        let recurrentIndices = isRecurrent.indices.filter { isRecurrent[$0] }
        if let scale = options.recurrentLRScale {
            optimizer.learningRateScales = isRecurrent.map { $0 ? scale : 1 }
        }
        var trainer = Trainer(model: model, optimizer: optimizer,
                              seed: options.seed &+ 0xDA7A)
        if let γ = options.maxRecurrentNorm {
            trainer.spectralNormLimit = try SpectralNormLimit(maxNorm: γ, parameterIndices: recurrentIndices)
        }
        trainer.normStabilizer = options.normStabilizer ?? 0
        if let λ = options.orthogonalityPenalty, λ > 0 {
            trainer.orthogonalityPenalty = try OrthogonalityPenalty(strength: λ, parameterIndices: recurrentIndices)
        }
        let steps: Int
        if let epochs = options.epochs, let pixel = task as? PixelMNISTTask {
            steps = max(1, epochs * pixel.epochSize / options.batch)
        } else {
            steps = options.steps ?? 4000
        }
        var configuration = TrainingConfiguration(
            steps: steps, batchSize: options.batch, learningRate: options.lr, clipNorm: options.clip > 0 ? options.clip : nil,
            clipValue: options.clipValue, decayFactor: options.decay, decayInterval: options.decayEvery ?? max(1, steps / 4), seed: options.seed,
            evaluationInterval: options.evalEvery, periodicEvaluationSize: options.isMNIST ? 1000 : 2000)
        if options.schedule == "cosine" {
            configuration.schedule = try CosineDecay(peak: options.lr, minimum: options.minLR ?? 0, steps: steps,
                                                     warmupSteps: options.warmup ?? 0)
        } else if options.schedule == "piecewise" {
            configuration.schedule = try PiecewiseConstant(values: [options.lr] + options.milestones.map(\.rate),
                                                           boundaries: options.milestones.map(\.step))
        }
        var records: [TrainingRecord] = []
        var elapsed = 0.0
        if let resume = options.resume {
            try trainer.restoreCheckpoint(from: resume)
            if let log = options.log, let previous = try? readCurve(log) {
                records = previous.filter { $0.step <= trainer.step }
                elapsed = records.last?.seconds ?? 0
            }
        }
        let startStep = trainer.step
        let progress = Progress(enabled: !options.quiet && isatty(2) == 1, quiet: options.quiet, total: steps, start: trainer.step)
        let metricName = task.isClassification ? "test_accuracy" : "test_mse"
        // Gradient flow through time at the start and at every evaluation point (only when asked: it costs a pass).
        var flows: [(step: Int, norms: [Double])] = []
        func recordFlow() throws {
            guard let path = options.gradientFlow else { return }
            flows.append((trainer.step, try trainer.gradientFlow(task)))
            try writeGradientFlowChart(flows, to: path, title: "\(options.cell) on \(options.task): gradient flow through time")
        }
        if trainer.step == 0 { try recordFlow() }
        while trainer.step < steps {
            var record = try trainer.trainUntilNextRecord(task, configuration: configuration, clock: monotonicSeconds) { step, loss in
                progress.update(step: step, loss: loss)
            }
            elapsed += record.seconds
            record.seconds = elapsed
            records.append(record)
            progress.record(record, metricName: metricName)
            if let log = options.log { try writeCurve(records, to: log) }
            try recordFlow()
            if let checkpoint = options.checkpoint {
                try trainer.saveCheckpoint(to: checkpoint, settings: ["task": options.task, "cell": options.cell])
            }
        }
        progress.finish()
        if let save = options.save { try trainer.model.save(to: save) }
        // The last record of a run holds the full test metric. A run resumed from a checkpoint at its last step
        // trains no more (its log's last record may be a periodic, partial evaluation): it evaluates on the full set.
        let final = try (startStep < trainer.step ? records.last?.testMetric : nil) ?? trainer.evaluate(task)
        var fields: [(String, String)] = [
            ("task", quoted(options.task)), ("cell", quoted(options.cell)), ("hidden", "\(options.hidden)"),
            ("layers", "\(options.layers)"), ("steps", "\(trainer.step)"), ("batch", "\(options.batch)"),
            ("optimizer", quoted(options.optimizer)), ("lr", "\(options.lr)"), ("seed", "\(options.seed)"),
            ("seconds", String(format3(elapsed))), (metricName, jsonNumber(final)), ("baseline", "\(task.baseline)"),
            ("final_train_loss", jsonNumber(records.last?.trainLoss)), ("dtype", quoted(options.dtype)),
            ("threads", "\(KernelSettings.threadCount)"),
        ]
        if !options.isMNIST { fields.insert(("length", "\(options.length)"), at: 2) }
        if let gain = options.inputGain { fields.insert(("input_gain", "\(gain)"), at: 3) }
        // Optimization settings given on the command line follow the learning rate, in the order of the flags' help.
        var optimizerSettings = [("rho", options.rho), ("weight_decay", options.weightDecay),
                                 ("recurrent_lr_scale", options.recurrentLRScale), ("max_recurrent_norm", options.maxRecurrentNorm),
                                 ("norm_stabilizer", options.normStabilizer), ("orthogonality_penalty", options.orthogonalityPenalty)].compactMap { key, value in
            value.map { (key, "\($0)") }
        }
        if options.schedule == "cosine" {
            optimizerSettings += [("schedule", quoted("cosine")), ("warmup", "\(options.warmup ?? 0)"), ("min_lr", "\(options.minLR ?? 0)")]
        } else if options.schedule == "piecewise" {
            optimizerSettings += [("schedule", quoted("piecewise")),
                                  ("milestones", quoted(options.milestones.map { "\($0.step):\($0.rate)" }.joined(separator: ",")))]
        }
        fields.insert(contentsOf: optimizerSettings, at: fields.firstIndex { $0.0 == "lr" }! + 1)
        let json = "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        return ExperimentResult(records: records, json: json, finalMetric: final, baseline: task.baseline,
                                isClassification: task.isClassification, recurrentBefore: recurrentBefore,
                                recurrentAfter: firstRecurrentWeight(trainer.model))
    }
}

func quoted(_ text: String) -> String { "\"" + text + "\"" }
/// A JSON number, or `null` for a missing or non-finite value (JSON has no NaN).
func jsonNumber(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "null" } ?? "null" }
func format3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

/// Writes the learning curve as CSV (atomically, so a crash never leaves half a file).
func writeCurve(_ records: [TrainingRecord], to path: String) throws {
    var text = "step,seconds,train_loss,train_metric,test_metric,grad_norm,lr\n"
    for r in records {
        text += "\(r.step),\(format3(r.seconds)),\(r.trainLoss),\(r.trainMetric),\(r.testMetric.map { "\($0)" } ?? ""),\(r.gradientNorm),\(r.learningRate)\n"
    }
    try FileIO.writeAtomically(Array(text.utf8), to: path)
}

/// Reads a curve written by ``writeCurve(_:to:)`` (used when resuming).
func readCurve(_ path: String) throws -> [TrainingRecord] {
    let text = String(decoding: try FileIO.readAll(path), as: UTF8.self)
    let lines: [Substring] = text.split(separator: "\n")
    return lines.dropFirst().compactMap { (line: Substring) -> TrainingRecord? in
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 7, let step = Int(f[0]), let seconds = Double(f[1]), let loss = Double(f[2]), let metric = Double(f[3]),
              let norm = Double(f[5]), let lr = Double(f[6]) else { return nil }
        return TrainingRecord(step: step, trainLoss: loss, trainMetric: metric, testMetric: Double(f[4]), gradientNorm: norm,
                              learningRate: lr, seconds: seconds)
    }
}

/// Live progress on standard error: a single updating line on a terminal.
final class Progress {
    let enabled: Bool, quiet: Bool, total: Int, start: Int
    let began = monotonicSeconds()
    var lastDraw = 0.0
    var recentLoss = 0.0

    init(enabled: Bool, quiet: Bool, total: Int, start: Int) {
        self.enabled = enabled
        self.quiet = quiet
        self.total = total
        self.start = start
    }

    func update(step: Int, loss: Double) {
        recentLoss = recentLoss == 0 ? loss : 0.95 * recentLoss + 0.05 * loss
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - lastDraw > 0.25 || step == total else { return }
        lastDraw = now
        let rate = Double(step - start) / max(now - began, 1e-9)
        let eta = Double(total - step) / max(rate, 1e-9)
        printError("\r\u{1B}[K  step \(step)/\(total)  loss \(short(recentLoss))  \(short(rate)) steps/s  ETA \(clockText(eta))", newline: false)
    }

    func record(_ r: TrainingRecord, metricName: String) {
        guard !quiet else { return }
        let line = "step \(r.step)  train_loss \(short(r.trainLoss))  \(metricName) \(short(r.testMetric ?? .nan))  grad_norm \(short(r.gradientNorm))  \(clockText(r.seconds))"
        printError((enabled ? "\r\u{1B}[K" : "") + line)
    }

    func finish() { if enabled { printError("\r\u{1B}[K", newline: false) } }

    func short(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x != 0 && abs(x) < 0.01 { return String(describing: (x * 1e6).rounded() / 1e6) }
        return String(describing: (x * 1000).rounded() / 1000)
    }

    func clockText(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds)
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}

/// Draws recorded gradient flows: one line per training step at which it was measured, each normalized by its
/// value at the last time step, on a log scale.
func writeGradientFlowChart(_ flows: [(step: Int, norms: [Double])], to path: String, title: String) throws {
    let series = flows.map { flow -> SVGChart.Series in
        let last = flow.norms.last ?? 1
        let points = flow.norms.enumerated().map { (x: Double($0.offset), y: last > 0 ? $0.element / last : .nan) }
        return SVGChart.Series(name: "step \(flow.step)", points: points)
    }
    let chart = SVGChart(title: title, xLabel: "time step t", yLabel: "‖∂L/∂h_t‖ / ‖∂L/∂h_T‖", logY: true,
                         series: series, references: [(1, "last step")])
    try FileIO.writeAtomically(Array(chart.render().utf8), to: path)
}
