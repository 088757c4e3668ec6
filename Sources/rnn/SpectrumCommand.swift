import Recurrent
import RecurrentDiagnostics
import RecurrentInitializers

/// `rnn spectrum`: eigenvalues and singular values of an initial or trained recurrent matrix,
/// printed as a summary and drawn in the complex plane.
enum SpectrumCommand: Command {
    static let name = "spectrum"
    static let summary = "eigenvalues and singular values of a recurrent matrix, drawn in the complex plane (SVG)"

    static let kinds = ["identity", "nprnn", "orthogonal", "uniform", "glorot"]

    static var usage: String {
        """
        usage: rnn spectrum --init KIND --size N [--seed S] [--plot eig.svg] [--list]
               rnn spectrum --weights FILE.safetensors [--tensor NAME] [--gates G] [--plot eig.svg] [--list]

        Prints the spectrum of a square recurrent matrix W: size, spectral radius max|λ|, the range of
        Re λ, how many eigenvalues are real and how many form complex pairs, the largest and smallest
        singular values, the condition number σ₁/σₙ and how many singular values exceed 1; optionally
        draws the eigenvalues in the complex plane with the unit circle |λ| = 1.

        \(renderOptions(sections, column: 17))

        Examples:
          rnn spectrum --init nprnn --size 100 --seed 1 --plot nprnn.svg
          rnn spectrum --weights model.safetensors --plot trained.svg
        """
    }

    /// The settings of `rnn spectrum`.
    struct Settings {
        var kind: String? = nil, size: Int? = nil, seed: UInt64? = nil, weights: String? = nil, tensor: String? = nil
        var gates: Int? = nil, plot: String? = nil, list = false
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Matrix (one of):", options: [
            Option(name: "--init", placeholder: "KIND", help: """
                an initial recurrent matrix, generated exactly as `rnn init KIND` does:
                  identity    I (IRNN)
                  nprnn       (RᵀR/N + I)/λmax (np-RNN): real eigenvalues in (0, 1]
                  orthogonal  Haar-random orthogonal: all |λ| = 1
                  uniform     U(±1/√N), PyTorch's default (tanh SRNN): a disc of radius ≈ 1/√3
                  glorot      Glorot uniform U(±√(6/2N)): a disc of radius ≈ 1
                """, apply: { settings, parsed in settings.kind = try parsed.choice("--init", from: kinds) }, json: nil),
            .int("--size", "N", \.size, "hidden size (with --init)"),
            Option(name: "--seed", placeholder: "S", help: "random seed (with --init, default 0)",
                   apply: { settings, parsed in settings.seed = try parsed.uint64("--seed") }, json: nil),
            .string("--weights", "FILE", \.weights, "a safetensors file, e.g. from `rnn train --save`"),
            .string("--tensor", "NAME", \.tensor, """
                the tensor in FILE (default weight_hh_l0; model.weight_hh_l0 in a --checkpoint
                file); shape (G·H, H)
                """),
            .int("--gates", "G", \.gates, """
                gate blocks stacked in the tensor (default: rows / columns, so 4 for LSTM,
                3 for GRU, 1 for SRNN); each H × H block is analysed and drawn in its own colour
                (LSTM blocks i, f, g, o; GRU blocks r, z, n)
                """),
        ]), OptionSection(title: "Output:", options: [
            .string("--plot", "FILE.svg", \.plot, "draw the eigenvalues in the complex plane"),
            .flag("--list", \.list, "also print every eigenvalue, one per line"),
        ])]
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let settings = try OptionSection.parse(arguments, sections, into: Settings()).settings
        let kind = settings.kind
        let weights = settings.weights
        if let plot = settings.plot, !plot.isEmpty { try Preflight.checkOutputs([("--plot", plot)]) }
        var blocks: [(name: String, matrix: Matrix)] = []
        var title: String
        switch (kind, weights) {
        case (nil, nil):
            throw UsageError("give --init KIND --size N or --weights FILE.safetensors")
        case (.some, .some):
            throw UsageError("give --init or --weights, not both")
        case let (.some(kind), nil):
            for (flag, given) in [("--tensor", settings.tensor != nil), ("--gates", settings.gates != nil)] where given {
                throw UsageError("\(flag) applies to --weights only")
            }
            guard let size = settings.size else { throw UsageError("--init needs --size N") }
            guard size <= 4096 else { throw UsageError("--size must be at most 4096 (O(N³) work), got \(size)") }
            let seed = settings.seed ?? 0
            blocks = [("W", try initialMatrix(kind: kind, size: size, seed: seed))]
            let labels = ["identity": "IRNN (identity)", "nprnn": "np-RNN", "orthogonal": "orthogonal",
                          "uniform": "tanh SRNN (PyTorch U(±1/√N))", "glorot": "Glorot uniform"]
            title = "\(labels[kind] ?? kind) init, N = \(size)" + (kind == "identity" ? "" : ", seed \(seed)")
        case let (nil, .some(path)):
            for (flag, given) in [("--size", settings.size != nil), ("--seed", settings.seed != nil)] where given {
                throw UsageError("\(flag) applies to --init only")
            }
            let contents = try SafeTensors.read(from: path, as: Double.self)
            // A training checkpoint stores the model's tensors under `model.`.
            let isCheckpoint = contents.metadata["format"]?.hasPrefix("swift-recurrent checkpoint") == true
            let name = settings.tensor ?? (isCheckpoint ? "model.weight_hh_l0" : "weight_hh_l0")
            let tensor = try contents.tensor(name)
            let matrix = try Matrix(tensor)
            guard matrix.columns > 0, matrix.rows % matrix.columns == 0 else {
                throw RecurrentError.invalidArgument(
                    what: "\(path): \(name)", reason: "expected a (G·H, H) recurrent matrix, got \(matrix.rows) × \(matrix.columns)")
            }
            let ratio = matrix.rows / matrix.columns
            guard let gates = settings.gates ?? ([1, 3, 4].contains(ratio) ? ratio : nil) else {
                throw RecurrentError.invalidArgument(
                    what: "\(path): \(name)",
                    reason: "\(matrix.rows) × \(matrix.columns) is not a recurrent matrix (H, H), (3H, H) or (4H, H); "
                        + "pass --gates G to split it into G square blocks anyway")
            }
            let parts = try Spectrum.gateBlocks(of: matrix, gates: gates)
            let names = gateNames(gates: gates, cell: (try? CellSpecification(descriptor: contents.metadata))?.kind)
            blocks = zip(names, parts).map { ($0, $1) }
            title = "\(path.split(separator: "/").last.map(String.init) ?? path): \(name)"
        }

        print(title)
        var sets: [Spectrum.PlotSet] = []
        for block in blocks {
            let summary = try Spectrum.summary(of: block.matrix)
            if blocks.count > 1 { print("\n[\(block.name)]") }
            for line in summary.lines { print(line) }
            if settings.list {
                print("eigenvalues:")
                for λ in summary.eigenvalues { print("  \(λ)") }
            }
            sets.append(.init(name: block.name, eigenvalues: summary.eigenvalues))
        }
        if let plot = settings.plot {
            guard !plot.isEmpty else { throw UsageError("--plot needs a file name") }
            let chartTitle = blocks.count > 1 ? "Eigenvalues of " + title : "Eigenvalues of W: " + title
            let chart = Spectrum.chart(title: chartTitle, sets: sets)
            try FileIO.writeAtomically(Array(chart.render().utf8), to: plot)
            print("plot                 \(plot)")
        }
        return 0
    }

    /// The recurrent matrix of `rnn init KIND` with the same seed (bit-identical).
    static func initialMatrix(kind: String, size: Int, seed: UInt64) throws -> Matrix {
        var generator = RandomGenerator(seed: seed)
        switch kind {
        case "identity": return try Initializers.identity(size: size)
        case "nprnn": return try Initializers.normalizedPositiveDefinite(size: size, using: &generator)
        case "orthogonal": return try Initializers.orthogonal(rows: size, columns: size, using: &generator)
        case "uniform": return try Initializers.pytorchDefault(rows: size, columns: size, hiddenSize: size, using: &generator)
        default: return try Initializers.glorotUniform(rows: size, columns: size, using: &generator)
        }
    }

    /// Names of the G gate blocks: PyTorch's gate order for LSTM (i, f, g, o) and GRU (r, z, n).
    static func gateNames(gates: Int, cell: CellKind?) -> [String] {
        switch gates {
        case 1: return ["W_hh"]
        case 3 where cell == nil || cell == .gru || cell == .gruResetBefore: return ["W_hr (reset)", "W_hz (update)", "W_hn (candidate)"]
        case 4 where cell == nil || cell == .lstm: return ["W_hi (input)", "W_hf (forget)", "W_hg (cell)", "W_ho (output)"]
        default: return (0..<gates).map { "gate \($0)" }
        }
    }
}
