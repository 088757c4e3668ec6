import Recurrent
import RecurrentTraining

/// `rnn run`: runs a model stored under PyTorch's `state_dict` names over a NumPy input.
enum RunCommand: Command {
    static let name = "run"
    static let summary = "run a PyTorch-named RNN/LSTM/GRU from safetensors over a .npy input"

    static var usage: String {
        """
        usage: rnn run --cell lstm|gru|srnn|srnn-relu --weights W.safetensors --input X.npy --output Y.npy
                       [--layers L] [--bidirectional] [--dtype f32|f64]

        Runs a recurrent model whose weights use PyTorch's names (weight_ih_l{k}, weight_hh_l{k},
        bias_ih_l{k}, bias_hh_l{k}, with _reverse for the backward direction), as written by
        `safetensors.torch.save_file(model.state_dict(), path)`, over an input of shape (T, B, I),
        and writes the outputs (T, B, D·H) like PyTorch's `output` (zero initial state).
        The number of layers and the direction are read from the file; --layers and
        --bidirectional, when given, must agree with it.

        \(renderOptions(sections, helpLine: false))
        Example (PyTorch side):
          torch.save -> safetensors.torch.save_file(lstm.state_dict(), "w.safetensors")
          rnn run --cell lstm --weights w.safetensors --input x.npy --output y.npy
        """
    }

    /// The cells with a PyTorch layer of the same weights (`nn.LSTM`, `nn.GRU`, `nn.RNN`).
    static let cells: [CellKind] = [.lstm, .gru, .srnn, .srnnReLU]

    /// The settings of `rnn run`.
    struct Settings {
        var cell = CellKind.lstm, weights = "", input = "", output = "", layers: Int? = nil, bidirectional = false
        var dtype = DTypeName.f32
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Options:", options: [
            Option(name: "--cell", placeholder: "C", help: "lstm, gru (PyTorch's reset-after GRU), srnn (tanh) or srnn-relu",
                   apply: { settings, parsed in
                       guard let name = try parsed.choice("--cell", from: cells.map(\.rawValue)), let cell = CellKind(rawValue: name) else {
                           throw UsageError("missing required option --cell")
                       }
                       settings.cell = cell
                   }, json: nil),
            .required("--weights", "FILE", \.weights, "safetensors file"),
            .required("--input", "FILE", \.input, ".npy array (T, B, I), float32 or float64"),
            .required("--output", "FILE", \.output, ".npy written atomically"),
            .int("--layers", "L", \.layers, "layers (default: as many as the file holds; must agree with it)"),
            .flag("--bidirectional", \.bidirectional, "require the file's reverse direction (_reverse tensors)"),
            .choice("--dtype", "f32|f64", \.dtype, default: .f32, from: DTypeName.allCases,
                    "compute type (default {default}; f64 reproduces float64 PyTorch models)"),
        ])]
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let table = sections.flatMap(\.options)
        let parsed = try FlagParser(table).parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        var s = Settings()
        for option in table { try option.apply(&s, parsed) }
        try Preflight.checkOutputs([("--output", s.output)])
        let bidirectional = s.bidirectional ? true : nil
        if s.dtype == .f64 {
            try execute(Double.self, cell: s.cell, weights: s.weights, input: s.input, output: s.output, layers: s.layers, bidirectional: bidirectional)
        } else {
            try execute(Float.self, cell: s.cell, weights: s.weights, input: s.input, output: s.output, layers: s.layers, bidirectional: bidirectional)
        }
        return 0
    }

    static func execute<S: RecurrentScalar>(_: S.Type, cell: CellKind, weights: String, input: String, output: String,
                                            layers: Int?, bidirectional: Bool?) throws {
        let file = try SafeTensors.read(from: weights, as: S.self)
        try file.requireFinite()
        let x = try NPY.read(from: input, as: S.self)
        let result: Tensor<S>
        switch cell {
        case .lstm:
            result = try PyTorchStack.run(file, x, layers: layers, bidirectional: bidirectional) {
                try LSTMCell(weightIH: $0, biasIH: $1, weightHH: $2, biasHH: $3)
            }
        case .gru:
            result = try PyTorchStack.run(file, x, layers: layers, bidirectional: bidirectional) {
                try GRUCell(weightIH: $0, biasIH: $1, weightHH: $2, biasHH: $3)
            }
        default:
            let f: Nonlinearity = cell == .srnnReLU ? .relu : .tanh
            result = try PyTorchStack.run(file, x, layers: layers, bidirectional: bidirectional) {
                try SimpleRNNCell(nonlinearity: f, weightIH: $0, biasIH: $1, weightHH: $2, biasHH: $3)
            }
        }
        try NPY.write(result, to: output)
    }
}

/// A stack of recurrent layers described by a PyTorch `state_dict`, forward only.
enum PyTorchStack {
    static func run<S: RecurrentScalar, Cell: RecurrentCell>(
        _ file: SafeTensors.Contents<S>, _ x: Tensor<S>, layers: Int?, bidirectional: Bool?,
        makeCell: (Tensor<S>, Tensor<S>, Tensor<S>, Tensor<S>) throws -> Cell
    ) throws -> Tensor<S> where Cell.Scalar == S {
        let names = Set(file.tensors.map(\.name))
        var count = 0
        while names.contains("weight_ih_l\(count)") { count += 1 }
        guard count > 0 else {
            throw RecurrentError.invalidArgument(what: "\(file.source)", reason: "no tensor 'weight_ih_l0': not a PyTorch RNN/LSTM/GRU state_dict")
        }
        let reverse = names.contains("weight_ih_l0_reverse")
        if let layers, layers != count {
            throw UsageError("--layers \(layers) disagrees with \(file.source), which holds \(count) layer(s)")
        }
        if bidirectional == true && !reverse {
            throw UsageError("--bidirectional given but \(file.source) has no '_reverse' tensors")
        }
        var h = x
        for l in 0..<count {
            var directionOutputs: [Tensor<S>] = []
            for suffix in reverse ? ["", "_reverse"] : [""] {
                let t = { (kind: String) in try file.tensor("\(kind)_l\(l)\(suffix)") }
                let cell: Cell
                do {
                    cell = try makeCell(t("weight_ih"), t("bias_ih"), t("weight_hh"), t("bias_hh"))
                } catch {
                    throw RecurrentError.invalidArgument(what: "\(file.source): layer \(l)\(suffix)", reason: "\(error)")
                }
                guard h.rank == 3, h.shape[2] == cell.inputSize else {
                    throw RecurrentError.shapeMismatch(operation: "layer \(l)\(suffix) input (from \(file.source))",
                                                       expected: "(T, B, \(cell.inputSize))", got: "\(h.shape)")
                }
                let layer = RecurrentLayer(cell: cell)
                if suffix.isEmpty {
                    directionOutputs.append(try layer.forward(h).outputs)
                } else {
                    directionOutputs.append(try reverseTime(layer.forward(reverseTime(h, lengths: nil)).outputs, lengths: nil))
                }
            }
            h = directionOutputs.count == 1 ? directionOutputs[0] : try concatenateFeatures(directionOutputs[0], directionOutputs[1])
        }
        return h
    }
}
