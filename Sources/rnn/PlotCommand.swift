import Recurrent
import RecurrentDiagnostics

/// `rnn plot`: draws learning curves saved by `rnn train --log` or `rnn compare --csv` in one SVG chart,
/// so runs made separately (different settings, resumed runs, other days) can be compared after the fact.
enum PlotCommand: Command {
    static let name = "plot"
    static let summary = "draw learning curves saved by `rnn train --log` or `rnn compare --csv` (SVG)"

    static let columns = ["test", "train", "loss"]

    static var usage: String {
        """
        usage: rnn plot CURVE.csv[=LABEL] ... [--y test|train|loss] [--epoch-steps N] [--log-y]
                        [--baseline V] [--title TEXT] [--plot FILE.svg]

        Reads learning curves and draws them in one chart against training steps (or epochs).
        A file from `rnn train --log` (step, seconds, train_loss, train_metric, test_metric, …) is
        one curve, named LABEL or after the file; a file from `rnn compare --csv` (cell, step, …)
        gives one curve per cell.

        \(renderOptions(sections, helpLine: false))

        Example:
          rnn plot results/mnist-nprnn.csv=np-RNN --epoch-steps 1875 --baseline 0.1 --plot mnist.svg
        """
    }

    /// The settings of `rnn plot`.
    struct Settings {
        var column = "test", epochSteps: Int? = nil, logY = false, baseline: Double? = nil, title: String? = nil, plot: String? = nil
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Options:", options: [
            Option(name: "--y", placeholder: "WHAT", help: """
                test: the held-out metric (default); train: the training metric
                (`rnn train --log` files only); loss: the training loss
                """, apply: { settings, parsed in settings.column = try parsed.choice("--y", from: columns) ?? "test" }, json: nil),
            .int("--epoch-steps", "N", \.epochSteps, """
                divide steps by N and label the axis in epochs (e.g. 1875 for MNIST
                with batch 32)
                """),
            .flag("--log-y", \.logY, "logarithmic y axis (the default for loss)"),
            .double("--baseline", "V", \.baseline, "a dashed reference line at V (e.g. 0.1 for chance on MNIST)"),
            .string("--title", "TEXT", \.title, "the chart's title (default: the files' names)"),
            .string("--plot", "FILE.svg", \.plot, "output (default curves.svg)"),
        ])]
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let (settings, files) = try OptionSection.parse(arguments, sections, into: Settings(), positionals: true)
        guard !files.isEmpty else { throw UsageError("give at least one CURVE.csv to draw") }
        let column = settings.column, epochSteps = settings.epochSteps, baseline = settings.baseline
        try Preflight.checkOutputs([("--plot", settings.plot ?? "curves.svg")])
        var series: [SVGChart.Series] = []
        for argument in files {
            let (path, label) = split(argument)
            for curve in try readCurves(path, label: label, column: column) {
                let scale = Double(epochSteps ?? 1)
                series.append(.init(name: curve.name, points: curve.points.map { (Double($0.step) / scale, $0.value) }))
            }
        }
        let logY = settings.logY || column == "loss"
        if logY, let bad = series.first(where: { $0.points.contains { $0.y <= 0 } }) {
            throw UsageError("--log-y needs positive values; '\(bad.name)' has a value ≤ 0")
        }
        let yLabel = ["test": "held-out metric", "train": "training metric", "loss": "training loss"][column]!
        let title = settings.title ?? files.map { split($0).path }.joined(separator: ", ")
        let chart = SVGChart(title: title, xLabel: epochSteps == nil ? "training steps" : "epochs", yLabel: yLabel,
                             logY: logY, series: series, references: baseline.map { [($0, "baseline")] } ?? [])
        let output = settings.plot ?? "curves.svg"
        try FileIO.writeAtomically(Array(chart.render().utf8), to: output)
        print("wrote \(output): \(series.count) curve(s), \(series.reduce(0) { $0 + $1.points.count }) points")
        return 0
    }

    /// `FILE=LABEL` → (FILE, LABEL); a plain path has no label.
    static func split(_ argument: String) -> (path: String, label: String?) {
        guard let equals = argument.lastIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    struct Curve {
        var name: String
        var points: [(step: Int, value: Double)]
    }

    /// The curves of one file: one for a `rnn train --log` file, one per cell for a `rnn compare --csv` file.
    /// - Throws: an error naming the file (and line) when the file is neither format or a value is malformed.
    static func readCurves(_ path: String, label: String?, column: String) throws -> [Curve] {
        let text = String(decoding: try FileIO.readAll(path, limit: 1 << 30), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else {
            throw RecurrentError.invalidArgument(what: path, reason: "empty file, expected a CSV from `rnn train --log` or `rnn compare --csv`")
        }
        let name = label ?? String(path.split(separator: "/").last ?? Substring(path))
        let fieldNames = ["test": "test_metric", "train": "train_metric", "loss": "train_loss"]
        guard let stepIndex = header.firstIndex(of: "step") else {
            throw RecurrentError.invalidArgument(what: path, reason: "no 'step' column in the header '\(header.joined(separator: ","))'")
        }
        guard let valueIndex = header.firstIndex(of: fieldNames[column]!) else {
            throw RecurrentError.invalidArgument(
                what: path, reason: "no '\(fieldNames[column]!)' column for --y \(column) (columns: \(header.joined(separator: ", ")))")
        }
        let cellIndex = header.firstIndex(of: "cell")
        var curves: [Curve] = []
        for (number, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count, let step = Int(fields[stepIndex]) else {
                throw RecurrentError.invalidArgument(what: "\(path):\(number + 1)",
                                                     reason: "expected \(header.count) fields with an integer step, got '\(line)'")
            }
            let field = fields[valueIndex]
            if field.isEmpty { continue }  // no evaluation at this step
            guard let value = Double(field), value.isFinite else {
                throw RecurrentError.invalidArgument(what: "\(path):\(number + 1)", reason: "'\(field)' is not a finite number")
            }
            var curveName = name
            if let cellIndex { curveName = label.map { "\($0) \(fields[cellIndex])" } ?? fields[cellIndex] }
            if let index = curves.firstIndex(where: { $0.name == curveName }) {
                curves[index].points.append((step, value))
            } else {
                curves.append(Curve(name: curveName, points: [(step, value)]))
            }
        }
        guard !curves.isEmpty else {
            throw RecurrentError.invalidArgument(what: path, reason: "no values in column '\(fieldNames[column]!)'")
        }
        return curves
    }

}
