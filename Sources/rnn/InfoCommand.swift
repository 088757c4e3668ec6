import Recurrent

/// `rnn info FILE`: the summary of a saved model or checkpoint (layers, cell, sizes, parameter counts).
enum InfoCommand: Command {
    static let name = "info"
    static let summary = "show the layers and parameter counts of a saved model or checkpoint"

    static var usage: String {
        """
        usage: rnn info FILE

        Prints the summary of a model saved by `rnn train --save` (or the model of a --checkpoint file), built
        from the file alone: one row per layer and direction (cell, input, state and output widths, parameter
        count), the readout, the total number of parameters, and the input standardization the file stores, if
        any; for a language model (`--task text`) also its vocabulary and embedding. A file that is not a saved
        model is one line on standard error and exit status 2.

        Example:
          rnn info results/mnist-nprnn.ckpt.safetensors
        """
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try FlagParser(valueOptions: [], flags: []).parse(arguments)
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError(parsed.positionals.isEmpty ? "missing FILE (a saved model)" : "expects one FILE, got \(parsed.positionals.count)")
        }
        let contents: SafeTensors.Contents<Float>
        let model: any SequenceModel<Float>
        do {
            contents = try SafeTensors.read(from: path, as: Float.self)
            let format = contents.metadata["format"]
            if format == LanguageModelFile.format || format == LanguageModelFile.checkpointFormat {
                let architecture = try LanguageModelFile.architecture(of: path)
                let specification = try CellSpecification(descriptor: architecture.cell)
                let kind = format == LanguageModelFile.checkpointFormat ? "language-model training checkpoint" : "saved language model"
                print("\(path): \(kind), cell \(architecture.cell["cell"] ?? "?")")
                print(try specification.visit(LanguageModelSummary(path: path, architecture: architecture)))
                return 0
            }
            model = try ModelFile.load(contents)
        } catch {
            printError("rnn info: error: \(error)")
            return 2
        }
        var kind = contents.isCheckpoint ? "training checkpoint" : "saved model"
        if let step = contents.metadata["step"], contents.isCheckpoint { kind += " at step \(step)" }
        if let setting = contents.metadata["setting.cell"] ?? contents.metadata["kind"] { kind += ", cell \(setting)" }
        print("\(path): \(kind)")
        print(model.description)
        return 0
    }
}

/// Builds a saved language model from its file (any cell `rnn train --task text` trains) and returns its summary.
struct LanguageModelSummary: CellVisitor {
    typealias Scalar = Float
    typealias Result = String
    let path: String
    let architecture: LanguageModelFile.Architecture

    func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> String where Cell.Scalar == Float {
        try loadLanguageModel(path, architecture, makeCell).description
    }
}
