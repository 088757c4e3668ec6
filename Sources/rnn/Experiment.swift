#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Recurrent
import RecurrentData
import RecurrentInitializers
import RecurrentTraining

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
        case .addition: return AdditionTask(length: options.length, testSize: options.testLimit ?? 10_000, seed: options.seed)
        case .multiplication: return MultiplicationTask(length: options.length, testSize: options.testLimit ?? 10_000, seed: options.seed)
        case .mnist, .pmnist:
            guard let directory = options.data ?? MNIST.defaultDirectory() else {
                throw RecurrentError.invalidArgument(
                    what: "MNIST", reason: "no data directory found; pass --data DIR or set RNN_MNIST_DIR to a folder with the four *-ubyte(.gz) files")
            }
            let mnist = try MNIST.load(directory: directory)
            return PixelMNISTTask(mnist: mnist, permuted: options.task == .pmnist, seed: options.seed,
                                  trainLimit: options.trainLimit, testLimit: options.testLimit)
        case .ts:
            throw UsageError("--task ts is trained by TimeSeriesTraining, not as a SequenceTask")
        }
    }

    /// The cells of the run, from the library's registry.
    var cellSpecification: CellSpecification {
        CellSpecification(kind: options.cell, inputSize: 1, hiddenSize: options.hidden, contextSize: options.context,
                          inputGain: options.inputGain, identityScale: options.identityScale ?? 1, seed: options.seed)
    }

    func run() throws -> ExperimentResult {
        let task = try makeTask()
        return try cellSpecification.visit(CellRunner(experiment: self, task: task))
    }

    /// Runs the experiment with the concrete cell type of the specification's kind.
    struct CellRunner: CellVisitor {
        typealias Scalar = S
        let experiment: Experiment<S>
        let task: any SequenceTask

        func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> ExperimentResult where Cell.Scalar == S {
            try experiment.runOpened(task, makeCell: makeCell)
        }
    }

    func runOpened<Cell: RecurrentCell, Task: SequenceTask>(_ task: Task, makeCell: (Int, Int, Int) throws -> Cell) throws
        -> ExperimentResult where Cell.Scalar == S {
        var model = try RecurrentModel(inputSize: task.inputSize, outputSize: task.outputSize, layers: options.layers,
                                       bidirectional: options.bidirectional, dropout: options.dropout, seed: options.seed,
                                       makeCell: makeCell)
        if let weights = options.weights {
            try model.loadWeights(from: weights)
            // Non-finite starting weights would make the first step "diverge"; say what is wrong instead.
            for (name, tensor) in model.namedParameters { try tensor.requireFinite("\(weights): tensor '\(name)'") }
        }
        let recurrentBefore = firstRecurrentWeight(model)
        var optimizer = try AnyOptimizer<S>(name: options.optimizer.rawValue, learningRate: options.lr, weightDecay: options.weightDecay)
        if case var .rmsprop(rmsprop) = optimizer, let rho = options.rho {
            rmsprop.decay = rho
            optimizer = .rmsprop(rmsprop)
        }
        let isRecurrent = model.isRecurrentMatrix   // the W_hh of every layer
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
            steps = options.steps ?? TrainOptions.defaultSteps
        }
        var configuration = TrainingConfiguration(
            steps: steps, batchSize: options.batch, learningRate: options.lr, clipNorm: options.clip > 0 ? options.clip : nil,
            clipValue: options.clipValue, decayFactor: options.decay, decayInterval: options.decayEvery ?? max(1, steps / 4), seed: options.seed,
            evaluationInterval: options.evalEvery, periodicEvaluationSize: options.isMNIST ? 1000 : 2000)
        if options.schedule == .cosine {
            configuration.schedule = try CosineDecay(peak: options.lr, minimum: options.minLR ?? 0, steps: steps,
                                                     warmupSteps: options.warmup ?? 0)
        } else if options.schedule == .piecewise {
            configuration.schedule = try PiecewiseConstant(values: [options.lr] + options.milestones.map(\.rate),
                                                           boundaries: options.milestones.map(\.step))
        }
        var records: [TrainingRecord] = []
        var elapsed = 0.0
        if let resume = options.resume {
            try trainer.restoreCheckpoint(from: resume, expecting: options.checkpointSettings, maximumStep: steps,
                                          optimizerStateTensors: options.optimizer.buffersPerParameter * trainer.model.parameters.count)
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
            try writeGradientFlowChart(flows, to: path, title: "\(options.cell.rawValue) on \(options.task.rawValue): gradient flow through time")
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
                try trainer.saveCheckpoint(to: checkpoint, settings: options.checkpointSettings)
            }
        }
        progress.finish()
        if let save = options.save { try trainer.model.save(to: save) }
        // The last record of a run holds the full test metric. A run resumed from a checkpoint at its last step
        // trains no more (its log's last record may be a periodic, partial evaluation): it evaluates on the full set.
        let final = try (startStep < trainer.step ? records.last?.testMetric : nil) ?? trainer.evaluate(task)
        // The settings as run: the steps done and the threads used, then the run's results.
        var report = options
        report.steps = trainer.step
        report.threads = KernelSettings.threadCount
        let fields = jsonFields(TrainOptions.table, report) + [
            ("seconds", String(format3(elapsed))), (metricName, jsonNumber(final)), ("baseline", "\(task.baseline)"),
            ("final_train_loss", jsonNumber(records.last?.trainLoss)),
        ]
        let json = "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        return ExperimentResult(records: records, json: json, finalMetric: final, baseline: task.baseline,
                                isClassification: task.isClassification, recurrentBefore: recurrentBefore,
                                recurrentAfter: firstRecurrentWeight(trainer.model))
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// A JSON number, or `null` for a missing or non-finite value (JSON has no NaN).
func jsonNumber(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "null" } ?? "null" }
func format3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
