extension CellSpecification {
    /// What a saved file records: the keys of the built cell's `descriptor` (`cell`, sizes, nonlinearity, reset,
    /// SCRN α) plus `kind` (the registry name) and the initialization options of that kind.
    public var descriptor: [String: String] {
        var d = ["input_size": "\(inputSize)", "hidden_size": "\(hiddenSize)", "kind": kind.rawValue]
        switch kind {
        case .srnn, .srnnReLU, .irnn, .nprnn, .nptanh:
            d["cell"] = "srnn"
            d["nonlinearity"] = (kind == .srnn || kind == .nptanh ? Nonlinearity.tanh : .relu).rawValue
        case .lstm:
            d["cell"] = "lstm"
        case .gru, .gruResetBefore:
            d["cell"] = "gru"
            d["reset"] = (kind == .gru ? ResetPlacement.afterMatrix : .beforeMatrix).rawValue
        case .scrn:
            d["cell"] = "scrn"
            d["context_size"] = "\(resolvedContextSize)"
            d["alpha"] = "\(alpha)"
            d["trainable_alpha"] = "\(trainableAlpha)"
        }
        switch kind {
        case .lstm: d["forget_bias"] = forgetBias.map { "\($0)" } ?? "none"
        case .irnn: d["identity_scale"] = "\(identityScale)"
        case .nprnn, .nptanh: d["input_gain"] = inputGain.map { "\($0)" } ?? "default"
        default: break
        }
        d["seed"] = "\(seed)"
        return d
    }

    /// The specification a descriptor describes: either ``descriptor`` (which names its `kind`) or a cell's own
    /// `descriptor` (a saved model's metadata), which names the architecture only. Without `kind`, an Elman cell
    /// maps to `srnn` or `srnn-relu` by its nonlinearity and a GRU to `gru` or `gru-reset-before`: a cell built
    /// from the result has the same `descriptor`, shapes and parameter names, and an IRNN's or np-RNN's trained
    /// weights load into it unchanged (their initialization no longer matters once the weights are loaded).
    /// - Parameter descriptor: the key–value pairs.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the missing or malformed key, an unknown
    ///   cell, or a `kind` that contradicts the recorded architecture.
    public init(descriptor: [String: String]) throws {
        func value(_ key: String) throws -> String {
            guard let v = descriptor[key] else {
                throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "the key '\(key)' is missing")
            }
            return v
        }
        func integer(_ key: String) throws -> Int {
            guard let n = Int(try value(key)), n > 0 else {
                throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "'\(key)' must be a positive integer, got '\(try value(key))'")
            }
            return n
        }
        func real(_ key: String) throws -> Double? {
            guard let text = descriptor[key], text != "none", text != "default" else { return nil }
            guard let x = Double(text), x.isFinite else {
                throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "'\(key)' must be a finite number, got '\(text)'")
            }
            return x
        }
        let cell = try value("cell")
        let architecture: CellKind
        switch cell {
        case "srnn":
            switch try value("nonlinearity") {
            case Nonlinearity.tanh.rawValue: architecture = .srnn
            case Nonlinearity.relu.rawValue: architecture = .srnnReLU
            case let other: throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "unknown nonlinearity '\(other)'")
            }
        case "lstm": architecture = .lstm
        case "gru":
            switch try value("reset") {
            case ResetPlacement.afterMatrix.rawValue: architecture = .gru
            case ResetPlacement.beforeMatrix.rawValue: architecture = .gruResetBefore
            case let other: throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "unknown reset placement '\(other)'")
            }
        case "scrn": architecture = .scrn
        default:
            throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "unknown cell '\(cell)'; known: srnn, lstm, gru, scrn")
        }
        var kind = architecture
        if let name = descriptor["kind"] {
            kind = try CellKind(name: name)
            let recorded = CellSpecification(kind: kind, inputSize: 1, hiddenSize: 1).descriptor
            guard recorded["cell"] == cell, recorded["nonlinearity"] == descriptor["nonlinearity"],
                  recorded["reset"] == descriptor["reset"] else {
                throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "kind '\(name)' contradicts cell '\(cell)' and its options")
            }
        }
        self.init(kind: kind, inputSize: try integer("input_size"), hiddenSize: try integer("hidden_size"))
        if kind == .scrn {
            contextSize = try integer("context_size")
            alpha = try real("alpha") ?? alpha
            switch descriptor["trainable_alpha"] ?? "false" {
            case "true": trainableAlpha = true
            case "false": trainableAlpha = false
            case let other: throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "'trainable_alpha' must be true or false, got '\(other)'")
            }
        }
        if kind == .lstm, descriptor["forget_bias"] != nil { forgetBias = try real("forget_bias") }
        if kind == .irnn { identityScale = try real("identity_scale") ?? 1 }
        if kind == .nprnn || kind == .nptanh { inputGain = try real("input_gain") }
        if let text = descriptor["seed"] {
            guard let s = UInt64(text) else {
                throw RecurrentError.invalidArgument(what: "cell descriptor", reason: "'seed' must be an unsigned integer, got '\(text)'")
            }
            seed = s
        }
    }
}
