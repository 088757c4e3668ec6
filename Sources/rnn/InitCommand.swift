import Recurrent
import RecurrentInitializers

/// `rnn init KIND --size N [--inputs M] [--seed S] [--gain G] [--dtype f32|f64] --out FILE.npy`:
/// writes one initial weight matrix as a NumPy `.npy` file.
enum InitCommand: Command {
    static let name = "init"
    static let summary = "write an initial weight matrix (identity, np-RNN, orthogonal, ...) to a .npy file"

    /// The kinds, with the shape and distribution each produces.
    static let kinds: [(name: String, help: String)] = [
        ("identity", "N×N  G·I, the IRNN recurrent weight (G default 1)"),
        ("nprnn", "N×N  np-RNN recurrent weight (A + I)/λmax(A + I), A = RᵀR/N (no --gain)"),
        ("nprnn-input", "N×M  np-RNN input weight, G·N(0, 1/N); G defaults to √2·exp(1.2/(max(N,6) − 2.4))"),
        ("orthogonal", "N×M  G·Q, Q with orthonormal columns (rows if N < M); G default 1"),
        ("uniform", "N×M  PyTorch default U(±G/√N), G default 1"),
        ("glorot", "N×M  Glorot uniform G·U(±√(6/(N + M)))"),
        ("gaussian", "N×M  N(0, G²), G default 0.001 (IRNN input weights)"),
    ]

    static var usage: String {
        let width = kinds.map(\.name.count).max()!
        let kindLines = kinds.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count + 2) + $0.help }
        return """
            usage: rnn init KIND --size N [--inputs M] [--seed S] [--gain G] [--dtype f32|f64] --out FILE.npy

            Writes one initial weight matrix, rows = N (hidden units), columns = M (inputs),
            as a NumPy .npy file (atomically). The same seed gives bit-identical files on every
            platform.

            Kinds:
            \(kindLines.joined(separator: "\n"))

            \(renderOptions(sections, column: 17))

            Example:
              rnn init nprnn --size 100 --seed 3 --out w_hh.npy
              python3 -c "import numpy as np; print(np.linalg.eigvalsh(np.load('w_hh.npy'))[-1])"   # 1.0
            """
    }

    /// The settings of `rnn init` besides its KIND.
    struct Settings {
        var size = 0, inputs: Int? = nil, seed: UInt64 = 0, gain: Double? = nil, dtype = DTypeName.f64, out = ""
    }

    static var sections: [OptionSection<Settings>] {
        [OptionSection(title: "Options:", options: [
            Option(name: "--size", placeholder: "N", help: "hidden size N, the number of rows (required)", apply: { settings, parsed in
                guard let size = try parsed.positiveInt("--size") else { throw UsageError("missing required option --size") }
                settings.size = size
            }, json: nil),
            .int("--inputs", "M", \.inputs, """
                number of columns M (required for nprnn-input; default N;
                not allowed for identity and nprnn, which are square)
                """),
            .uint64("--seed", "S", \.seed, default: 0, "random seed, decimal or 0x-hexadecimal"),
            .double("--gain", "G", \.gain, "scale factor, see the kinds above"),
            .choice("--dtype", "f32|f64", \.dtype, default: .f64, from: DTypeName.allCases, "element type of the file"),
            .required("--out", "FILE.npy", \.out, "output path (required)"),
        ])]
    }

    /// Largest matrix the command will build (2²⁷ elements = 1 GiB of Doubles).
    static let maxElements = 1 << 27

    static func run(_ arguments: [String]) throws -> Int32 {
        let table = sections.flatMap(\.options)
        let parsed = try FlagParser(table).parse(arguments)
        guard parsed.positionals.count == 1 else {
            throw UsageError(parsed.positionals.isEmpty
                ? "missing KIND (one of \(kinds.map(\.name).joined(separator: ", ")))"
                : "expected one KIND, got \(parsed.positionals.count) words: \(parsed.positionals.joined(separator: " "))")
        }
        let kind = parsed.positionals[0]
        guard kinds.contains(where: { $0.name == kind }) else {
            throw UsageError("unknown KIND '\(kind)' (one of \(kinds.map(\.name).joined(separator: ", ")))")
        }
        var settings = Settings()
        for option in table { try option.apply(&settings, parsed) }
        let (size, inputs, seed, gain, dtype, out) = (settings.size, settings.inputs, settings.seed, settings.gain,
                                                      settings.dtype.rawValue, settings.out)

        let square = kind == "identity" || kind == "nprnn"
        if square, let inputs {
            throw UsageError("--inputs does not apply to \(kind), which is square (N×N); got --inputs \(inputs)")
        }
        if kind == "nprnn", gain != nil {
            throw UsageError("--gain does not apply to nprnn (its largest eigenvalue is 1 by construction)")
        }
        if kind == "nprnn-input" && inputs == nil {
            throw UsageError("nprnn-input needs --inputs M (the number of input features)")
        }
        let columns = square ? size : (inputs ?? size)
        let (elements, overflow) = size.multipliedReportingOverflow(by: columns)
        guard !overflow, elements <= maxElements else {
            throw UsageError("\(size)×\(columns) is too large (limit \(maxElements) elements)")
        }
        // Orthogonalizing keeps two working copies beside the result and the file's bytes: at most the peak memory
        // of the largest matrix of the other kinds (result and file, 2 × 8 × maxElements bytes).
        if kind == "orthogonal" && elements > maxElements / 2 {
            throw UsageError("orthogonal \(size)×\(columns) needs 4 copies of \(8 * elements) bytes while orthogonalizing, "
                             + "more than \(16 * maxElements) bytes (limit \(maxElements / 2) elements for orthogonal)")
        }
        try Preflight.checkOutputs([("--out", out)])

        // Initializer errors come from the command's numbers (size, gain): usage errors, like the checks above.
        let matrix: Matrix
        do {
            matrix = try makeMatrix(kind: kind, size: size, columns: columns, seed: seed, gain: gain)
        } catch let error as InitializerError {
            throw UsageError("\(error)")
        }
        let shape = [matrix.rows, matrix.columns]
        // A gain can push entries past the largest finite value of the file's type (1e300 as a Float): refuse
        // rather than write ±inf.
        let setting = "--gain \(gain.map { "\($0)" } ?? "default") with --dtype \(dtype)"
        do {
            if dtype == "f32" {
                try NPY.write(try Tensor<Float>(shape: shape, scalars: matrix.finiteScalars(as: Float.self, setting: setting)), to: out)
            } else {
                if let index = matrix.values.firstIndex(where: { !$0.isFinite }) {
                    throw UsageError("\(setting): entry (\(index / matrix.columns), \(index % matrix.columns)) is \(matrix.values[index])")
                }
                try NPY.write(try Tensor<Double>(shape: shape, scalars: matrix.values), to: out)
            }
        } catch let error as InitializerError {
            throw UsageError("\(error)")
        }
        print("wrote \(kind) \(matrix.rows)×\(matrix.columns) \(dtype) (seed \(seed)) to \(out)")
        return 0
    }

    /// The matrix of `kind`, scaled by the gain where the kind takes one.
    static func makeMatrix(kind: String, size: Int, columns: Int, seed: UInt64, gain: Double?) throws -> Matrix {
        var generator = RandomGenerator(seed: seed)
        var matrix: Matrix
        switch kind {
        case "identity":
            matrix = try Initializers.identity(size: size, scale: gain ?? 1)
        case "nprnn":
            matrix = try Initializers.normalizedPositiveDefinite(size: size, using: &generator)
        case "nprnn-input":
            matrix = try Initializers.npRNNInput(hiddenSize: size, inputSize: columns, gain: gain, using: &generator)
        case "orthogonal":
            matrix = try Initializers.orthogonal(rows: size, columns: columns, gain: gain ?? 1, using: &generator)
        case "uniform":
            matrix = try Initializers.pytorchDefault(rows: size, columns: columns, hiddenSize: size, using: &generator)
            if let gain { matrix.values = matrix.values.map { gain * $0 } }
        case "glorot":
            matrix = try Initializers.glorotUniform(rows: size, columns: columns, using: &generator)
            if let gain { matrix.values = matrix.values.map { gain * $0 } }
        case "gaussian":
            matrix = try Initializers.gaussian(rows: size, columns: columns, standardDeviation: (gain ?? 0.001).magnitude,
                                               using: &generator)
        default:
            throw UsageError("unknown KIND '\(kind)'")
        }
        return matrix
    }
}
