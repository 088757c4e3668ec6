import Recurrent

/// `rnn train`: trains one cell on one task and ends with one JSON line of results.
enum TrainCommand: Command {
    static let name = "train"
    static let summary = "train a cell on a built-in task, (permuted) pixel MNIST, a UEA/UCR .ts pair or a text file"

    static var usage: String {
        """
        usage: rnn train [--task TASK] [--cell CELL] [options]

        Trains a recurrent network (sequence to one) with BPTT, evaluates it on held-out data,
        shows progress on a terminal, and prints one JSON line with the results.

        \(renderOptions(TrainOptions.sections))

        \(renderOptions(TextOptions.sections, helpLine: false))

        Example:
          rnn train --task addition --cell nprnn --length 150 --steps 3000 --log addition.csv
          rnn train --task text --data input.txt --layers 2 --hidden 512 --dropout 0.2 --save char.safetensors
        """
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        if TextOptions.isRequested(arguments) { return try runText(arguments) }
        let parsed = try FlagParser(TrainOptions.table).parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        let options = try TrainOptions(parsed)
        try Preflight.checkOutputs(options.outputs)
        try options.checkSizes()
        if let threads = options.threads { KernelSettings.threadCount = threads }
        if options.task == .ts {
            let given = TimeSeriesOptionsGiven(cell: parsed.string("--cell") != nil, batch: parsed.string("--batch") != nil,
                                               lr: parsed.string("--lr") != nil, readout: parsed.string("--readout") != nil)
            print(options.dtype == .f64
                  ? try TimeSeriesTraining<Double>(options: options, given: given).run()
                  : try TimeSeriesTraining<Float>(options: options, given: given).run())
            return 0
        }
        let result = options.dtype == .f64 ? try Experiment<Double>(options).run() : try Experiment<Float>(options).run()
        print(result.json)
        return 0
    }

    /// `--task text`: a language model, with the options of ``TextOptions``.
    static func runText(_ arguments: [String]) throws -> Int32 {
        let parsed = try FlagParser(TextOptions.table).parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        let options = try TextOptions(parsed)
        if let threads = options.threads { KernelSettings.threadCount = threads }
        print(try TextExperiment(options: options).run())
        return 0
    }
}
