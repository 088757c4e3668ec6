import Recurrent
import RecurrentTraining

/// `rnn compare`: trains several cells on the same data and seed and draws their learning curves.
enum CompareCommand: Command {
    static let name = "compare"
    static let summary = "train several cells on the same task and plot their learning curves (SVG)"

    static var usage: String {
        """
        usage: rnn compare --cells C1,C2,... [--plot curves.svg] [--csv curves.csv] [train options]

        Trains each cell with the same task, data, seed and settings (every `rnn train` option
        applies, see `rnn train --help`), prints one JSON line per cell, and draws the held-out
        metric against training steps for all cells in one SVG chart (log scale for MSE, with
        the trivial baseline as a dashed line), like the figures of the np-RNN paper.

        Options:
          --cells LIST      comma-separated, from: \(TrainCommand.cells.joined(separator: ", "))
          --plot FILE.svg   the chart (default curves.svg)
          --csv FILE.csv    all curves in one file: cell, step, seconds, train_loss, test_metric
        Example:
          rnn compare --task addition --length 150 --cells irnn,nprnn,lstm,srnn --steps 3000 --plot addition.svg
        """
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let options = TrainCommand.valueOptions.subtracting(["--cell", "--log", "--save", "--checkpoint", "--resume"])
            .union(["--cells", "--plot", "--csv"])
        let parsed = try FlagParser(valueOptions: options, flags: ["--quiet", "--bidirectional"]).parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        let cells = try parsed.requiredString("--cells").split(separator: ",").map(String.init)
        for cell in cells where !TrainCommand.cells.contains(cell) {
            throw UsageError("unknown cell '\(cell)' in --cells; choose from \(TrainCommand.cells.joined(separator: ", "))")
        }
        let base = try TrainOptions(parsed)
        if let threads = base.threads { KernelSettings.threadCount = threads }
        var series: [SVGChart.Series] = []
        var csv = "cell,step,seconds,train_loss,test_metric\n"
        var baseline = 0.0
        var classification = false
        for cell in cells {
            var options = base
            options.cell = cell
            let result = options.dtype == "f64" ? try Experiment<Double>(options).run() : try Experiment<Float>(options).run()
            print(result.json)
            classification = result.isClassification
            baseline = result.baseline
            series.append(.init(name: cell, points: result.records.compactMap { r in r.testMetric.map { (Double(r.step), $0) } }))
            for r in result.records {
                csv += "\(cell),\(r.step),\(r.seconds),\(r.trainLoss),\(r.testMetric.map { "\($0)" } ?? "")\n"
            }
        }
        let metric = classification ? "test accuracy" : "test MSE"
        let title = "\(base.task)\(base.isMNIST ? "" : " (T = \(base.length))"): \(metric), hidden \(base.hidden)"
        let chart = SVGChart(title: title, xLabel: "training steps (batch \(base.batch))", yLabel: metric, logY: !classification,
                             series: series, references: [(baseline, classification ? "chance" : "baseline")])
        try FileIO.writeAtomically(Array(chart.render().utf8), to: parsed.string("--plot") ?? "curves.svg")
        if let path = parsed.string("--csv") { try FileIO.writeAtomically(Array(csv.utf8), to: path) }
        return 0
    }
}
