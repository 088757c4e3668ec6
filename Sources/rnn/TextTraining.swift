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

/// The text of a language-model run as token ids, checked before any model is built: a bad file is a usage
/// error (exit status 2) and nothing is written.
struct TextData {
    var vocabulary: Vocabulary
    var train: [Int32], validation: [Int32]

    /// Reads `--data` (and `--valid-data`), splits, builds the vocabulary and encodes both parts.
    /// Character level: every character of both parts (a validation character unseen in training still has an
    /// id). Word level: the training text's most frequent words; other words become `<unk>`.
    /// - Parameters:
    ///   - options: the run's flags.
    ///   - given: the vocabulary of a model to start from (`--weights`, `--resume`) and the flag naming its file;
    ///     the data must then fit it (every character in it, at character level).
    init(_ options: TextOptions, vocabulary given: (Vocabulary, source: String)? = nil) throws {
        func load(_ flag: String, _ path: String) throws -> TextCorpus {
            do { return try TextCorpus.load(path: path) } catch { throw UsageError("\(flag): \(error)") }
        }
        let corpus = try load("--data", options.data)
        let trainText: String, validText: String
        if let path = options.validData {
            (trainText, validText) = (corpus.text, try load("--valid-data", path).text)
        } else {
            do { (trainText, validText) = try corpus.split(validationFraction: options.validFraction) } catch {
                throw UsageError("--data \(options.data): \(error)")
            }
        }
        if let (vocabulary, source) = given {
            guard vocabulary.level == options.level.vocabularyLevel else {
                throw UsageError("\(source): the model's vocabulary is \(vocabulary.level == .character ? "char" : "word") level, "
                                 + "but --level is \(options.level.rawValue)")
            }
            self.vocabulary = vocabulary
            do { train = try vocabulary.encode(trainText) } catch {
                throw UsageError("the model's vocabulary (\(source)) does not fit the data: --data \(options.data), training part: \(error)")
            }
            do { validation = try vocabulary.encode(validText) } catch {
                throw UsageError("the model's vocabulary (\(source)) does not fit the data: "
                                 + "\(options.validData.map { "--valid-data \($0)" } ?? "--data \(options.data), validation part"): \(error)")
            }
        } else {
            do {
                switch options.level {
                case .char: vocabulary = try Vocabulary.characters(of: trainText + validText)
                case .word: vocabulary = try Vocabulary.words(of: trainText, maximumSize: options.vocabularySize, minimumCount: options.minCount)
                }
                train = try vocabulary.encode(trainText)
                validation = try vocabulary.encode(validText)
            } catch {
                throw UsageError("--data \(options.data): \(error)")
            }
        }
        let unit = options.level == .char ? "characters" : "words"
        guard train.count >= options.batch * (options.bptt + 1) else {
            throw UsageError("--data \(options.data): the training text holds \(train.count) \(unit), fewer than one window "
                             + "for each of --batch \(options.batch) streams (\(options.batch) × (--bptt \(options.bptt) + 1))")
        }
        guard validation.count >= 2 else {
            throw UsageError("\(options.validData.map { "--valid-data \($0)" } ?? "--data \(options.data)"): the validation text "
                             + "holds \(validation.count) \(unit); at least 2 are needed")
        }
    }

    /// The training stream: B parallel streams, windows of T.
    func trainStream(_ options: TextOptions) throws -> TokenStream {
        try TokenStream(tokens: train, batch: options.batch, window: options.bptt)
    }

    /// The validation stream for ``LanguageModelTrainer/evaluate(_:)``: up to B parallel streams (fewer when the text
    /// is short), windows of up to T; the state is carried, so the window only sets the chunk size.
    func validationStream(_ options: TextOptions) throws -> TokenStream {
        let batch = max(1, min(options.batch, validation.count / (options.bptt + 1)))
        let window = min(options.bptt, validation.count / batch - 1)
        return try TokenStream(tokens: validation, batch: batch, window: window)
    }
}

/// `rnn train --task text`: a language model trained on windows of a text, validated with the carried state.
struct TextExperiment {
    var options: TextOptions

    /// Checks the options and the data, then trains with the cell of `--cell`; returns the JSON line.
    func run() throws -> String {
        try Preflight.checkOutputs([("--save", options.save), ("--checkpoint", options.checkpoint), ("--log", options.log)])
        // A model to start from brings its vocabulary: the data must fit it.
        var given: (Vocabulary, source: String)? = nil
        for case let (flag, path?) in [("--weights", options.weights), ("--resume", options.resume)] {
            do { given = (try LanguageModelFile.architecture(of: path).vocabulary, "\(flag) \(path)") } catch {
                throw UsageError("\(flag) \(path): \(error)")
            }
        }
        let data = try TextData(options, vocabulary: given)
        try Preflight.checkSize("--hidden \(options.hidden) with --layers \(options.layers) and \(data.vocabulary.count) tokens",
                                "the weights with their gradients and optimizer state",
                                shapes: [[4, options.layers, 4, options.hidden, options.embedding + 2 * options.hidden],
                                         [4, data.vocabulary.count, options.hidden + options.embedding]], elementSize: 4)
        let specification = CellSpecification(kind: options.cell, inputSize: options.embedding, hiddenSize: options.hidden,
                                              contextSize: options.context, identityScale: options.identityScale ?? 1, seed: options.seed)
        return try specification.visit(Runner(experiment: self, data: data))
    }

    /// Opens the concrete cell type of the specification.
    struct Runner: CellVisitor {
        typealias Scalar = Float
        let experiment: TextExperiment
        let data: TextData
        func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> String where Cell.Scalar == Float {
            try experiment.train(data) { input, layer in try makeCell(input, layer, 0) }
        }
    }

    /// The run's total steps: --steps, or --epochs passes of B·T tokens a step over the training text.
    func totalSteps(_ data: TextData) -> Int {
        if let epochs = options.epochs { return max(1, epochs * data.train.count / (options.batch * options.bptt)) }
        return options.steps ?? TextOptions.defaultSteps
    }

    /// The learning rate of every step, from --schedule.
    func schedule(steps: Int) throws -> any LearningRateSchedule {
        let o = options
        switch o.schedule {
        case .constant: return StepDecay(initial: o.lr)
        case .step: return StepDecay(initial: o.lr, factor: o.decay, interval: o.decayEvery ?? max(1, steps / 4))
        case .cosine:
            do { return try CosineDecay(peak: o.lr, minimum: o.minLR ?? 0, steps: steps, warmupSteps: o.warmup ?? 0) } catch {
                throw UsageError("--schedule cosine: \(error)")
            }
        }
    }

    func train<Cell: RecurrentCell>(_ data: TextData, makeCell: (Int, Int) throws -> Cell) throws -> String where Cell.Scalar == Float {
        let o = options, steps = totalSteps(data)
        var model = try LanguageModel(vocabulary: data.vocabulary, embeddingSize: o.embedding, layers: o.layers,
                                      dropout: o.dropout, tieWeights: o.tieWeights, seed: o.seed, makeCell: makeCell)
        if let weights = o.weights {
            do { try model.loadWeights(from: weights) } catch { throw UsageError("--weights \(weights): \(error)") }
        }
        var trainer = try LanguageModelTrainer(model: model, optimizer: AnyOptimizer<Float>(name: o.optimizer.rawValue, learningRate: o.lr),
                                               schedule: try schedule(steps: steps), clipNorm: o.clip > 0 ? o.clip : nil,
                                               recurrentDropout: o.recurrentDropout, seed: o.seed &+ 0xD70)
        let stream = try data.trainStream(o), validation = try data.validationStream(o)
        var windows = RandomGenerator(seed: o.seed &+ 0xDA7A)
        var carried: [[Tensor<Float>]]? = nil
        var nextWindow = 0
        var rows: [TextCurveRow] = []
        // The lowest validation loss so far and its step; evaluations since then (--patience); the model of that
        // loss when --keep-best (also written to --save at once).
        var best = (loss: Double.infinity, step: 0), sinceBest = 0, stoppedEarly = false
        var bestModel: LanguageModel<Cell>? = nil
        if let resume = o.resume {
            do {
                let restored = try trainer.restoreCheckpoint(from: resume, expecting: o.checkpointSettings, maximumStep: steps)
                let words = (restored.extra["windows_generator"] ?? "").split(separator: ",").compactMap { UInt64($0) }
                windows = try RandomGenerator(state: words)
                nextWindow = restored.extra["next_window"].flatMap(Int.init) ?? 0
                carried = restored.carriedStates
                if let loss = restored.extra["best_val_loss"].flatMap(Double.init), let step = restored.extra["best_step"].flatMap(Int.init) {
                    best = (loss, step)
                }
                sinceBest = restored.extra["evaluations_since_best"].flatMap(Int.init) ?? 0
            } catch {
                throw UsageError("--resume \(resume): \(error)")
            }
            if let log = o.log, let previous = try? readTextCurve(log) { rows = previous.filter { $0.step <= trainer.step } }
            if best.loss == .infinity, let earlier = rows.filter({ $0.validLoss.isFinite }).min(by: { $0.validLoss < $1.validLoss }) {
                best = (earlier.validLoss, earlier.step)   // a checkpoint from before best_val_loss was recorded
            }
        }
        var trainSeconds = rows.last?.seconds ?? 0, trainedTokens = 0, sessionSeconds = 0.0, sessionSteps = 0
        var intervalLoss = 0.0, intervalSteps = 0, recentLoss = 0.0, validLoss = rows.last?.validLoss ?? .nan
        let isChar = o.level == .char
        let progress = Progress(enabled: !o.quiet && isatty(2) == 1, quiet: o.quiet, total: steps, start: trainer.step)
        while trainer.step < steps {
            let (inputs, targets): (TokenIDs, TokenIDs)
            switch o.windows {
            case .random:
                (inputs, targets) = stream.randomWindow(using: &windows)
            case .sequential:
                if nextWindow == stream.windowCount { nextWindow = 0; carried = nil }   // a new pass starts from zeros
                (inputs, targets) = stream.window(nextWindow)
                nextWindow += 1
            }
            let began = monotonicSeconds()
            let result = try trainer.trainStep(inputs: inputs, targets: targets, initialStates: carried)
            let seconds = monotonicSeconds() - began
            (trainSeconds, sessionSeconds, sessionSteps) = (trainSeconds + seconds, sessionSeconds + seconds, sessionSteps + 1)
            trainedTokens += inputs.steps * inputs.batch
            if o.windows == .sequential { carried = result.finalStates }
            (intervalLoss, intervalSteps) = (intervalLoss + result.loss, intervalSteps + 1)
            recentLoss = recentLoss == 0 ? result.loss : 0.9 * recentLoss + 0.1 * result.loss
            progress.update(step: trainer.step, loss: result.loss)
            if trainer.step % o.evalEvery == 0 || trainer.step == steps {
                validLoss = try trainer.evaluate(validation)
                rows.append(TextCurveRow(step: trainer.step, seconds: trainSeconds, trainLoss: intervalLoss / Double(intervalSteps),
                                         validLoss: validLoss, learningRate: trainer.optimizer.learningRate))
                (intervalLoss, intervalSteps) = (0, 0)
                if validLoss < best.loss {
                    (best, sinceBest) = ((validLoss, trainer.step), 0)
                    if o.keepBest, let save = o.save {
                        bestModel = trainer.model
                        try trainer.model.save(to: save)
                    }
                } else {
                    sinceBest += 1
                }
                if let log = o.log { try writeTextCurve(rows, characterLevel: isChar, to: log) }
                if let checkpoint = o.checkpoint {
                    try trainer.saveCheckpoint(to: checkpoint, settings: o.checkpointSettings,
                                               extra: ["windows_generator": windows.state.map { String($0) }.joined(separator: ","),
                                                       "next_window": "\(nextWindow)", "best_val_loss": "\(best.loss)",
                                                       "best_step": "\(best.step)", "evaluations_since_best": "\(sinceBest)"],
                                               carriedStates: o.windows == .sequential ? carried : nil)
                }
                if !o.quiet {
                    let metric = isChar ? "bpc \(progress.short(LanguageModelMetrics.bits(fromNats: validLoss)))"
                        : "perplexity \(progress.short(LanguageModelMetrics.perplexity(fromNats: validLoss)))"
                    progress.finish()
                    printError("step \(trainer.step)  train_loss \(progress.short(recentLoss))  val_loss \(progress.short(validLoss))  "
                               + "\(metric)  \(progress.short(sessionSeconds / Double(max(sessionSteps, 1)))) s/step")
                    printError("  sample: " + (try sample(trainer.model, seed: o.seed &+ UInt64(trainer.step))))
                }
                if let patience = o.patience, sinceBest >= patience, trainer.step < steps {
                    if !o.quiet { printError("stopped: \(patience) evaluations without a lower validation loss (best at step \(best.step))") }
                    stoppedEarly = true
                    break
                }
            }
        }
        progress.finish()
        if validLoss.isNaN { validLoss = try trainer.evaluate(validation) }   // resumed at the last step: evaluate once
        // --keep-best wrote the best model when it improved. A resumed run that never improved on the earlier part's
        // best keeps the file that part wrote; if there is none, the last model is saved (and "saved" says so).
        var saved = "last"
        if let save = o.save {
            if o.keepBest && (bestModel != nil || access(save, F_OK) == 0) {
                saved = "best"
            } else {
                try trainer.model.save(to: save)
            }
        }
        var report = o
        report.steps = steps
        report.threads = KernelSettings.threadCount
        let tokensPerSecond = Double(trainedTokens) / max(sessionSeconds, 1e-9)
        var fields = jsonFields(TextOptions.table, report) + [
            ("tie_weights", "\(o.tieWeights)"), ("keep_best", "\(o.keepBest)"),
            ("vocabulary_size", "\(data.vocabulary.count)"), ("train_tokens", "\(data.train.count)"),
            ("valid_tokens", "\(data.validation.count)"), ("val_loss", jsonNumber(validLoss)),
        ]
        fields.append(isChar ? ("bpc", jsonNumber(LanguageModelMetrics.bits(fromNats: validLoss)))
                             : ("perplexity", jsonNumber(LanguageModelMetrics.perplexity(fromNats: validLoss))))
        fields += [("best_val_loss", jsonNumber(best.loss.isFinite ? best.loss : nil)), ("best_step", "\(best.step)"),
                   ("stopped_early", "\(stoppedEarly)"), ("steps_done", "\(trainer.step)")]
        if o.save != nil { fields.append(("saved", "\"\(saved)\"")) }
        fields += [("tokens_per_second", jsonNumber(sessionSteps > 0 ? tokensPerSecond.rounded() : nil)),
                   ("seconds_per_step", jsonNumber(sessionSteps > 0 ? format3(sessionSeconds / Double(sessionSteps)) : nil)),
                   ("seconds", jsonNumber(format3(trainSeconds)))]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A short sample for the progress output, on one line (newlines shown as ⏎): primed with a newline at
    /// character level (or the first character), with the most frequent word at word level.
    func sample<Cell: RecurrentCell>(_ model: LanguageModel<Cell>, seed: UInt64) throws -> String {
        let vocabulary = model.vocabulary
        let prime = vocabulary.level == .character ? (vocabulary.id(of: "\n") != nil ? "\n" : vocabulary.tokens[0])
            : (vocabulary.tokens.count > 1 ? vocabulary.tokens[1] : vocabulary.tokens[0])
        let text = try model.generate(prime: prime, length: options.sampleLength, temperature: 0.8, seed: seed)
        return String(text.map { $0 == "\n" ? "⏎" : $0 }.dropFirst(vocabulary.level == .character ? prime.count : 0))
    }
}
