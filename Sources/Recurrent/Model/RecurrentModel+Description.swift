extension RecurrentModel: CustomStringConvertible {
    /// A summary table: one row per layer and direction (its cell, input, state and output widths and
    /// parameter count), the readout, and the total number of parameters; with an ``inputNormalization``, a last
    /// line with its first means and scales.
    ///
    ///     RecurrentModel: 2 layers, last step → 10, dropout 0.0
    ///     layer    cell             input  state  output  parameters
    ///     0        LSTMCell<Float>      3     40      20        2000
    ///     1        LSTMCell<Float>     20     40      20        3360
    ///     readout  Linear              20      –      10         210
    ///     total                                                 5570
    public var description: String {
        var rows: [[String]] = [["layer", "cell", "input", "state", "output", "parameters"]]
        func count(_ tensors: [Tensor<Scalar>]) -> Int { tensors.reduce(0) { $0 + $1.count } }
        for l in layers.indices {
            let level: [RecurrentLayer<Cell>] = isBidirectional ? [layers[l], reverseLayers[l]] : [layers[l]]
            for direction in level.indices {
                let cell = level[direction].cell
                var name = String(describing: type(of: cell))
                if let nonlinearity = cell.descriptor["nonlinearity"] { name += " (\(nonlinearity))" }
                rows.append([direction == 0 ? "\(l)" : "\(l) reverse", name, "\(cell.inputSize)", "\(cell.stateSize)",
                             "\(cell.outputSize)", "\(count(cell.parameters))"])
            }
        }
        rows.append(["readout", "Linear", "\(readout.inputSize)", "–", "\(readout.outputSize)", "\(count(readout.parameters))"])
        rows.append(["total", "", "", "", "", "\(count(parameters))"])
        // Text columns left-aligned, numbers right-aligned, two spaces between columns.
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            row.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                return column < 2 ? text + pad : pad + text
            }.joined(separator: "  ").replacingTrailingSpaces()
        }
        let mode = switch outputMode { case .lastStep: "last step"; case .everyStep: "every step"; case .meanOverTime: "mean over time" }
        let header = "RecurrentModel: \(layers.count) layer\(layers.count == 1 ? "" : "s")\(isBidirectional ? ", bidirectional" : ""), "
            + "\(mode) → \(readout.outputSize), dropout \(dropout)"
        var footer: [String] = []
        if let n = inputNormalization {
            func list(_ values: [Scalar]) -> String {
                "[" + values.prefix(4).map { "\($0)" }.joined(separator: ", ") + (values.count > 4 ? ", …" : "") + "]"
            }
            footer.append("input normalization: (x − mean) / scale per feature, mean \(list(n.mean)), scale \(list(n.scale))")
        }
        return ([header] + lines + footer).joined(separator: "\n")
    }
}

extension String {
    /// The string without trailing spaces.
    fileprivate func replacingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
