import Recurrent
import RecurrentData
import RecurrentInitializers
import RecurrentTraining

/// The options whose default differs for `--task ts`; those not given take the recipe's value.
struct TimeSeriesOptionsGiven {
    var cell = false, batch = false, lr = false, readout = false
}

/// `rnn train --task ts`: a classifier (or regressor) on a pair of `.ts` files of the UEA/UCR archive.
///
/// The recipe: the validation part is split off TRAIN (stratified by class), the per-feature standardization is
/// fitted on the rest of TRAIN only and becomes the model's input normalization (so the model reads raw values
/// in training, evaluation and `rnn run --model` alike, and the saved file carries it), the model is trained
/// epoch by epoch with padded, length-bucketed batches, and the epoch kept is the best on the validation part
/// (early stopping with `--patience`). TEST is read once, at the end, by the model so chosen: it never takes
/// part in any choice.
struct TimeSeriesTraining<S: RecurrentScalar> {
    var options: TrainOptions
    /// Which of the options that have a recipe default of their own were given.
    var given: TimeSeriesOptionsGiven

    /// The recipe's cell, batch size, learning rate and readout (chosen on validation splits of TRAIN).
    static var defaultCell: CellKind { .gru }
    static var defaultBatch: Int { 16 }
    static var defaultLearningRate: Double { 3e-3 }
    static var defaultReadout: ReadoutName { .mean }
    /// Epochs when `--epochs` is not given.
    static var defaultEpochs: Int { 300 }
    /// Patience when `--patience` is not given.
    static var defaultPatience: Int { 100 }

    var cell: CellKind { given.cell ? options.cell : Self.defaultCell }
    var batch: Int { given.batch ? options.batch : Self.defaultBatch }
    var learningRate: Double { given.lr ? options.lr : Self.defaultLearningRate }
    var readout: ReadoutName { given.readout ? options.readout : Self.defaultReadout }

    /// The three parts, raw, and the standardization fitted on the training part (in the model's scalar type).
    typealias Data = (train: SequenceDataset<S>, validation: SequenceDataset<S>, test: SequenceDataset<S>,
                      normalization: InputNormalization<S>)

    /// Loads both files and the split, or says in one line which file is wrong and where.
    func loadData() throws -> Data {
        guard let trainPath = options.trainFile, let testPath = options.testFile else {
            throw UsageError("--task ts needs --train NAME_TRAIN.ts and --test NAME_TEST.ts")
        }
        do {
            let (trainFile, testFile) = try TimeSeriesFile.loadPair(train: trainPath, test: testPath)
            let all = try SequenceDataset<S>(trainFile)
            let test = try SequenceDataset<S>(testFile)
            let (train, validation) = try all.split(validationFraction: options.validation ?? 0.2, seed: options.seed)
            // Standardization fitted on the training part only; the model applies it to every part.
            let normalization: InputNormalization<S>
            do {
                normalization = try FeatureStandardization(fitting: train).inputNormalization(as: S.self)
            } catch {
                throw UsageError("\(trainPath): the standardization of its features does not fit \(S.self): \(error)")
            }
            return (train, validation, test, normalization)
        } catch let error as TimeSeriesFileError {
            throw UsageError(error.description)
        } catch let error as SequenceDatasetError {
            throw UsageError("\(trainPath): \(error.description)")
        }
    }

    func run() throws -> String {
        let data = try loadData()
        let specification = CellSpecification(kind: cell, inputSize: data.train.featureCount, hiddenSize: options.hidden,
                                              contextSize: options.context, inputGain: options.inputGain,
                                              identityScale: options.identityScale ?? 1, seed: options.seed)
        return try specification.visit(Runner(run: self, data: data, cell: cell))
    }

    /// Trains with the concrete cell type of the chosen kind.
    struct Runner: CellVisitor {
        typealias Scalar = S
        let run: TimeSeriesTraining<S>
        let data: Data
        let cell: CellKind

        func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> String where Cell.Scalar == S {
            try run.train(data, cell: cell, makeCell: makeCell)
        }
    }

    func train<Cell: RecurrentCell>(_ data: Data, cell: CellKind, makeCell: (Int, Int, Int) throws -> Cell) throws -> String where Cell.Scalar == S {
        let outputs = data.train.classCount ?? {
            if case let .sequenceTargets(_, width) = data.train.targets { return width }
            return 1
        }()
        var model = try RecurrentModel(inputSize: data.train.featureCount, outputSize: outputs, layers: options.layers,
                                       bidirectional: options.bidirectional, dropout: options.dropout,
                                       outputMode: readout.outputMode, seed: options.seed, makeCell: makeCell)
        model.inputNormalization = data.normalization
        let optimizer = try AnyOptimizer<S>(name: options.optimizer.rawValue, learningRate: learningRate, weightDecay: options.weightDecay)
        var trainer = Trainer(model: model, optimizer: optimizer, seed: options.seed &+ 0xDA7A)
        let epochs = options.epochs ?? Self.defaultEpochs
        var settings = DatasetTrainingSettings(epochs: epochs, batchSize: batch, learningRate: learningRate,
                                               clipNorm: options.clip > 0 ? options.clip : nil,
                                               patience: options.patience ?? Self.defaultPatience,
                                               bucketing: LengthBucketing(batchesPerChunk: 8), seed: options.seed)
        settings.selection = options.selection
        let start = monotonicSeconds()
        let result = try trainer.fit(data.train, validation: data.validation, settings: settings) { record in
            guard !options.quiet else { return }
            printError("epoch \(record.epoch): train loss \(format3(record.trainLoss)), validation "
                       + "\(format3(record.validationMetric ?? .nan))\(record.isBest ? " *" : "")")
        }
        let seconds = monotonicSeconds() - start
        if let save = options.save { try trainer.model.save(to: save) }
        let test = try trainer.evaluate(data.test)
        let best = result.epochs[result.bestEpoch - 1]
        let classification = data.train.labels != nil
        let metric = classification ? "accuracy" : "mse"
        let fields: [(String, String)] = [
            ("task", quoted("ts")), ("train", quoted(jsonEscaped(options.trainFile ?? ""))),
            ("test", quoted(jsonEscaped(options.testFile ?? ""))), ("cell", quoted(cell.rawValue)),
            ("hidden", "\(options.hidden)"), ("layers", "\(options.layers)"), ("bidirectional", "\(options.bidirectional)"),
            ("readout", quoted(readout.rawValue)),
            ("dtype", quoted(options.dtype.rawValue)), ("batch", "\(batch)"), ("lr", "\(learningRate)"), ("seed", "\(options.seed)"),
            ("validation_fraction", "\(options.validation ?? 0.2)"), ("select", quoted(options.selection.rawValue)),
            ("train_cases", "\(data.train.count)"),
            ("validation_cases", "\(data.validation.count)"), ("test_cases", "\(data.test.count)"),
            ("epochs", "\(result.epochs.count)"), ("best_epoch", "\(result.bestEpoch)"),
            ("stopped_early", "\(result.stoppedEarly)"), ("seconds", "\(format3(seconds))"),
            ("validation_\(metric)", jsonNumber(best.validationMetric)), ("test_\(metric)", jsonNumber(test.metric)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}

/// `text` with `\` and `"` escaped for a JSON string.
func jsonEscaped(_ text: String) -> String {
    text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
}
