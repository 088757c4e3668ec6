import Recurrent
import RecurrentDiagnostics
import RecurrentInitializers
import RecurrentTraining

/// `rnn compare`: trains several cells on the same data and seed and draws their learning curves,
/// with a panel per cell showing the recurrent matrix's eigenvalues before and after training.
enum CompareCommand: Command {
    static let name = "compare"
    static let summary = "train several cells on the same task and plot their learning curves (SVG)"

    static var usage: String {
        """
        usage: rnn compare --cells C1,C2,... [--plot curves.svg] [--csv curves.csv] [--no-spectra] [train options]

        Trains each cell with the same task, data, seed and settings (every `rnn train` option
        applies, see `rnn train --help`), prints one JSON line per cell, and draws the held-out
        metric against training steps for all cells in one SVG chart (log scale for MSE, with
        the trivial baseline as a dashed line), like the figures of the np-RNN paper.

        Below the curves, one panel per cell shows the eigenvalues of its first layer's recurrent
        matrix in the complex plane before (open grey circles) and after training (filled), with
        the unit circle. The matrix is W_hh for srnn, srnn-relu, irnn and nprnn, R for scrn, and the
        candidate block for gated cells: W_hg (rows 2H..<3H of weight_hh, the g gate) for lstm and
        W_hn (the n gate) for gru, the block through which the state feeds its own update. The
        spectral radius before and after is also reported on standard error.

        \(renderOptions(sections, helpLine: false))
        Example:
          rnn compare --task addition --length 150 --cells irnn,nprnn,lstm,srnn --steps 3000 --plot addition.svg
        """
    }

    /// The options of `rnn compare` besides those of `rnn train`.
    struct Settings {
        var cells: [CellKind] = [], plot: String? = nil, csv: String? = nil, noSpectra = false
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Options:", options: [
            Option(name: "--cells", placeholder: "LIST", help: "comma-separated, from: \(CellKind.allCases.map(\.rawValue).joined(separator: ", "))",
                   apply: { settings, parsed in
                       settings.cells = try parsed.requiredString("--cells").split(separator: ",").map { name in
                           guard let cell = CellKind(rawValue: String(name)) else {
                               throw UsageError("unknown cell '\(name)' in --cells; choose from \(CellKind.allCases.map(\.rawValue).joined(separator: ", "))")
                           }
                           return cell
                       }
                   }, json: nil),
            .string("--plot", "FILE.svg", \.plot, "the chart (default curves.svg)"),
            .string("--csv", "FILE.csv", \.csv, "all curves in one file: cell, step, seconds, train_loss, test_metric"),
            .flag("--no-spectra", \.noSpectra, "only the learning curves, without the spectra panels"),
        ])]
    }

    /// The `rnn train` options that apply to a comparison (each cell writes no weights, log or checkpoint of its own).
    static var trainTable: [Option<TrainOptions>] {
        TrainOptions.table.filter { !["--cell", "--log", "--save", "--checkpoint", "--resume"].contains($0.name) }
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let own = sections.flatMap(\.options), train = FlagParser(trainTable), mine = FlagParser(own)
        let parsed = try FlagParser(valueOptions: train.valueOptions.union(mine.valueOptions), flags: train.flags.union(mine.flags))
            .parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        var settings = Settings()
        for option in own { try option.apply(&settings, parsed) }
        let cells = settings.cells
        let base = try TrainOptions(parsed, table: trainTable)
        try Preflight.checkOutputs([("--plot", settings.plot ?? "curves.svg"), ("--csv", settings.csv), ("--gradient-flow", base.gradientFlow)])
        for cell in cells {
            var options = base
            options.cell = cell
            try options.checkSizes()
        }
        if let threads = base.threads { KernelSettings.threadCount = threads }
        var series: [SVGChart.Series] = []
        var csv = "cell,step,seconds,train_loss,test_metric\n"
        var baseline = 0.0
        var classification = false
        var spectra: [SVGChart] = []
        for cell in cells {
            var options = base
            options.cell = cell
            let result = options.dtype == .f64 ? try Experiment<Double>(options).run() : try Experiment<Float>(options).run()
            print(result.json)
            classification = result.isClassification
            baseline = result.baseline
            series.append(.init(name: cell.rawValue, points: result.records.compactMap { r in r.testMetric.map { (Double(r.step), $0) } }))
            if !settings.noSpectra {
                // A diagnostic must never cost the user a finished training run: report and go on.
                do {
                    spectra.append(try spectrumPanel(cell: cell, before: result.recurrentBefore, after: result.recurrentAfter,
                                                     quiet: base.quiet))
                } catch {
                    printError("rnn compare: warning: no spectrum panel for \(cell.rawValue): \(error)")
                }
            }
            for r in result.records {
                csv += "\(cell.rawValue),\(r.step),\(r.seconds),\(r.trainLoss),\(r.testMetric.map { "\($0)" } ?? "")\n"
            }
            // Written after every cell, so an interrupted comparison keeps the curves already measured.
            if let path = settings.csv { try FileIO.writeAtomically(Array(csv.utf8), to: path) }
        }
        let metric = classification ? "test accuracy" : "test MSE"
        let title = "\(base.task.rawValue)\(base.isMNIST ? "" : " (T = \(base.length))"): \(metric), hidden \(base.hidden)"
        let chart = SVGChart(title: title, xLabel: "training steps (batch \(base.batch))", yLabel: metric, logY: !classification,
                             series: series, references: [(baseline, classification ? "chance" : "baseline")])
        let svg = spectra.isEmpty
            ? chart.render()
            : SVGFigure(rows: [[chart]] + SVGFigure(panels: spectra, columns: spectra.count > 4 ? 3 : 2).rows).render()
        try FileIO.writeAtomically(Array(svg.utf8), to: settings.plot ?? "curves.svg")
        if let path = settings.csv { try FileIO.writeAtomically(Array(csv.utf8), to: path) }
        return 0
    }

    /// The recurrent block whose spectrum the panel shows: W_hh (or SCRN's R) for single-matrix
    /// cells, the candidate block (rows 2H..<3H: LSTM's g gate, GRU's n gate) for gated cells.
    static func recurrentBlock(cell: CellKind, _ weight: Tensor<Double>) throws -> (name: String, matrix: Matrix) {
        let matrix = try Matrix(weight)
        let gates = matrix.columns > 0 ? matrix.rows / matrix.columns : 1
        switch cell {
        case .lstm: return ("W_hg", try Spectrum.gateBlocks(of: matrix, gates: gates)[2])
        case .gru, .gruResetBefore: return ("W_hn", try Spectrum.gateBlocks(of: matrix, gates: gates)[2])
        case .scrn: return ("R", matrix)
        case .srnn, .srnnReLU, .irnn, .nprnn, .nptanh: return ("W_hh", matrix)
        }
    }

    /// One panel: the block's eigenvalues before (open grey) and after training (filled).
    static func spectrumPanel(cell: CellKind, before: Tensor<Double>?, after: Tensor<Double>?, quiet: Bool) throws -> SVGChart {
        var sets: [Spectrum.PlotSet] = []
        var name = "W_hh"
        var radii: [String] = []
        for (label, weight, style, color) in [("before", before, SVGChart.Style.openMarkers, "#888888"),
                                              ("after", after, SVGChart.Style.markers, "#1f77b4")] {
            guard let weight else { continue }
            let block = try recurrentBlock(cell: cell, weight)
            name = block.name
            let values = try Spectrum.eigenvalues(of: block.matrix)
            let radius = Spectrum.spectralRadius(values)
            radii.append("\(label) \((radius * 1000).rounded() / 1000)")
            sets.append(.init(name: "\(label) (ρ = \((radius * 1000).rounded() / 1000))", eigenvalues: values, style: style, color: color))
        }
        if !quiet { printError("\(cell.rawValue): spectral radius of \(name): \(radii.joined(separator: ", "))") }
        var chart = Spectrum.chart(title: "\(cell.rawValue): eigenvalues of \(name)", sets: sets, width: 360, height: 360)
        chart.legend = .insideTopLeft
        return chart
    }
}

/// Layer 0's recurrent matrix `weight_hh_l0` as Doubles, or `nil` if the model has none.
func firstRecurrentWeight<Cell: RecurrentCell>(_ model: RecurrentModel<Cell>) -> Tensor<Double>? {
    zip(model.parameterNames, model.parameters).first { $0.0 == "weight_hh_l0" }.map { $0.1.converted(to: Double.self) }
}
