import Recurrent
import RecurrentTraining

/// `rnn run`: runs a saved model (``ModelFile``), or a stack stored under PyTorch's `state_dict` names, over a
/// NumPy input. Both paths run one model type, `RecurrentModel`.
enum RunCommand: Command {
    static let name = "run"
    static let summary = "run a saved model, or a PyTorch-named RNN/LSTM/GRU from safetensors, over a .npy input"

    static var usage: String {
        """
        usage: rnn run --model MODEL.safetensors --input X.npy --output Y.npy [--hidden-states] [--dtype f32|f64]
               rnn run --cell lstm|gru|srnn|srnn-relu --weights W.safetensors --input X.npy --output Y.npy
                       [--layers L] [--bidirectional] [--dtype f32|f64]

        With --model: applies a model saved by `rnn train --save` (or the model of a --checkpoint file), readout
        included, to a raw input of shape (T, B, I); the file alone says which cell, sizes and layers, and the
        input standardization it stores (`rnn train --task ts` saves the one fitted on TRAIN) is applied first. The output is
        (B, K) for a sequence-to-one model, (T·B, K) for a sequence-to-sequence one; with --hidden-states, the top
        layer's states (T, B, D·H) instead.

        With --cell and --weights: runs a recurrent model whose weights use PyTorch's names (weight_ih_l{k},
        weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, with _reverse for the backward direction), as written by
        `safetensors.torch.save_file(model.state_dict(), path)`, and writes the outputs (T, B, D·H) like
        PyTorch's `output` (zero initial state). The number of layers and the direction are read from the
        file; --layers and --bidirectional, when given, must agree with it.

        On success, one line: the input and output shapes and the time taken.

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
        var model: String? = nil, cell: CellKind? = nil, weights: String? = nil, input = "", output = ""
        var layers: Int? = nil, bidirectional = false, hiddenStates = false
        var dtype = DTypeName.f32
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Options:", options: [
            .string("--model", "FILE", \.model, "a model saved by `rnn train --save` or a --checkpoint file"),
            .required("--input", "FILE", \.input, ".npy array (T, B, I), float32 or float64"),
            .required("--output", "FILE", \.output, ".npy written atomically"),
            .flag("--hidden-states", \.hiddenStates, "with --model: write the top layer's states (T, B, D·H), not the readout"),
            Option(name: "--cell", placeholder: "C", help: "lstm, gru (PyTorch's reset-after GRU), srnn (tanh) or srnn-relu",
                   apply: { settings, parsed in
                       settings.cell = try parsed.choice("--cell", from: cells.map(\.rawValue)).flatMap(CellKind.init(rawValue:))
                   }, json: nil),
            .string("--weights", "FILE", \.weights, "PyTorch state_dict as safetensors (with --cell)"),
            .int("--layers", "L", \.layers, "layers (default: as many as the file holds; must agree with it)"),
            .flag("--bidirectional", \.bidirectional, "require the file's reverse direction (_reverse tensors)"),
            .choice("--dtype", "f32|f64", \.dtype, default: .f32, from: DTypeName.allCases,
                    "compute type (default {default}; f64 reproduces float64 PyTorch models)"),
        ])]
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let s = try OptionSection.parse(arguments, sections, into: Settings()).settings
        if s.model != nil {
            for (flag, given) in [("--cell", s.cell != nil), ("--weights", s.weights != nil), ("--layers", s.layers != nil),
                                  ("--bidirectional", s.bidirectional)] where given {
                throw UsageError("\(flag) applies to a PyTorch state_dict (--weights), not to --model, whose file records the architecture")
            }
        } else {
            guard s.cell != nil else {
                throw UsageError("missing required option --model (a saved model), or --cell with --weights (a PyTorch state_dict)")
            }
            guard s.weights != nil else { throw UsageError("missing required option --weights") }
        }
        try Preflight.checkOutputs([("--output", s.output)])
        let line = s.dtype == .f64 ? try execute(Double.self, s) : try execute(Float.self, s)
        print(line)
        return 0
    }

    /// Runs the model the settings name and writes its output; returns the line to print.
    static func execute<S: RecurrentScalar>(_: S.Type, _ s: Settings) throws -> String {
        let clock = ContinuousClock(), start = clock.now
        let x: Tensor<S>, result: Tensor<S>
        if let path = s.model {
            let model = try ModelFile.load(from: path, as: S.self)
            x = try NPY.read(from: s.input, as: S.self)
            result = try s.hiddenStates ? model.hiddenStates(x, lengths: nil) : model.predict(x, lengths: nil)
        } else if let cell = s.cell, let weights = s.weights {
            let file = try SafeTensors.read(from: weights, as: S.self)
            try file.requireFinite()
            x = try NPY.read(from: s.input, as: S.self)
            let bidirectional = s.bidirectional ? true : nil
            let model: any SequenceModel<S>
            switch cell {
            case .lstm:
                model = try PyTorchStack.model(file, inputSize: x, layers: s.layers, bidirectional: bidirectional) {
                    try LSTMCell(weightIH: $0, biasIH: $1, weightHH: $2, biasHH: $3)
                }
            case .gru:
                model = try PyTorchStack.model(file, inputSize: x, layers: s.layers, bidirectional: bidirectional) {
                    try GRUCell(weightIH: $0, biasIH: $1, weightHH: $2, biasHH: $3)
                }
            default:
                let f: Nonlinearity = cell == .srnnReLU ? .relu : .tanh
                model = try PyTorchStack.model(file, inputSize: x, layers: s.layers, bidirectional: bidirectional) {
                    try SimpleRNNCell(nonlinearity: f, weightIH: $0, biasIH: $1, weightHH: $2, biasHH: $3)
                }
            }
            result = try model.hiddenStates(x, lengths: nil)
        } else {
            throw UsageError("missing required option --model")
        }
        try NPY.write(result, to: s.output)
        let elapsed = start.duration(to: clock.now).components
        let milliseconds = (Double(elapsed.seconds) * 1e3 + Double(elapsed.attoseconds) * 1e-15).rounded()
        func shape(_ t: Tensor<S>) -> String { "(" + t.shape.map(String.init).joined(separator: ", ") + ")" }
        return "rnn run: \(s.input) \(shape(x)) -> \(s.output) \(shape(result)) in \(Int(milliseconds)) ms"
    }
}

/// A stack of recurrent layers described by a PyTorch `state_dict`, built as a `RecurrentModel` (its readout,
/// which the file does not hold, is left unused: `rnn run` writes the top layer's states).
enum PyTorchStack {
    /// The model of a `state_dict`: its layer count and direction read from the tensor names.
    /// - Parameters:
    ///   - file: the state_dict.
    ///   - input: the input (T, B, I), whose width the first layer must read.
    ///   - layers: when given, must equal the file's layer count.
    ///   - bidirectional: when `true`, the file must hold `_reverse` tensors.
    ///   - makeCell: a cell from `(weight_ih, bias_ih, weight_hh, bias_hh)`.
    static func model<S: RecurrentScalar, Cell: RecurrentCell>(
        _ file: SafeTensors.Contents<S>, inputSize input: Tensor<S>, layers: Int?, bidirectional: Bool?,
        makeCell: (Tensor<S>, Tensor<S>, Tensor<S>, Tensor<S>) throws -> Cell
    ) throws -> RecurrentModel<Cell> where Cell.Scalar == S {
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
        guard input.rank == 3 else {
            throw RecurrentError.shapeMismatch(operation: "layer 0 input (from \(file.source))", expected: "(T, B, I)", got: "\(input.shape)")
        }
        return try RecurrentModel(inputSize: input.shape[2], outputSize: 1, layers: count, bidirectional: reverse) { width, l, direction in
            let suffix = direction == 0 ? "" : "_reverse"
            let t = { (kind: String) in try file.tensor("\(kind)_l\(l)\(suffix)") }
            let cell: Cell
            do {
                cell = try makeCell(t("weight_ih"), t("bias_ih"), t("weight_hh"), t("bias_hh"))
            } catch {
                throw RecurrentError.invalidArgument(what: "\(file.source): layer \(l)\(suffix)", reason: "\(error)")
            }
            guard cell.inputSize == width else {
                throw RecurrentError.shapeMismatch(operation: "layer \(l)\(suffix) input (from \(file.source))",
                                                   expected: "(T, B, \(cell.inputSize))", got: "(T, B, \(width))")
            }
            return cell
        }
    }
}
