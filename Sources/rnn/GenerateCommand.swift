#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Recurrent

/// The validated flags of `rnn generate`.
struct GenerateOptions {
    var model = "", prime = ""
    var length = 0, topK: Int? = nil, threads: Int? = nil
    var temperature = 0.0
    var seed: UInt64 = 0
    var timing = false

    /// Every option of `rnn generate`.
    static var sections: [OptionSection<GenerateOptions>] {
        [OptionSection(title: "Options:", options: [
            .required("--model", "FILE", \.model, "a language model saved by 'rnn train --task text --save' (required)"),
            .required("--prime", "TEXT", \.prime, "the text the model reads first (required)"),
            .int("--length", "N", \.length, default: 500, "tokens to generate"),
            .double("--temperature", "X", \.temperature, default: 1,
                    "sample from softmax(z / X): below 1 sharper, above 1 flatter", require: .positive),
            .int("--top-k", "K", \.topK, "sample among the K most likely tokens only (default: all)"),
            .uint64("--seed", "S", \.seed, default: 1, "seed of the sampling (same seed, same text)"),
            .int("--threads", "N", \.threads, "compute threads (default: the processors this process may use)"),
            .flag("--timing", \.timing, "after the text, print one JSON line to standard error: tokens, seconds, tokens per second"),
        ])]
    }
}

/// `rnn generate`: rebuilds a saved language model from its file alone and writes text as it is sampled.
enum GenerateCommand: Command {
    static let name = "generate"
    static let summary = "write text with a language model saved by 'rnn train --task text'"

    static var usage: String {
        """
        usage: rnn generate --model FILE --prime TEXT [options]

        Reads the prime, then samples one token at a time and prints each as it comes (the prime first).
        The file holds the vocabulary, the cell and the sizes: any cell 'rnn train --task text' trains.

        \(renderOptions(GenerateOptions.sections))

        Example:
          rnn generate --model char.safetensors --prime "ROMEO:" --length 500 --temperature 0.8 --seed 3
        """
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let options = try OptionSection.parse(arguments, GenerateOptions.sections, into: GenerateOptions()).settings
        if let threads = options.threads { KernelSettings.threadCount = threads }
        let architecture: LanguageModelFile.Architecture
        let specification: CellSpecification
        do {
            architecture = try LanguageModelFile.architecture(of: options.model)
            specification = try CellSpecification(descriptor: architecture.cell)
        } catch {
            throw UsageError("--model: \(error)")
        }
        let primeIDs: [Int32]
        do { primeIDs = try architecture.vocabulary.encode(options.prime) } catch { throw UsageError("--prime: \(error)") }
        guard !primeIDs.isEmpty else { throw UsageError("--prime holds no word") }
        try specification.visit(Generator(options: options, architecture: architecture))
        return 0
    }

    /// Builds `LanguageModel<Cell>` for the file's cell, loads the weights and generates.
    struct Generator: CellVisitor {
        typealias Scalar = Float
        let options: GenerateOptions
        let architecture: LanguageModelFile.Architecture

        func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws where Cell.Scalar == Float {
            let model = try loadLanguageModel(options.model, architecture, makeCell)
            writeOut(options.prime)
            let start = monotonicSeconds()
            _ = try model.generate(prime: options.prime, length: options.length, temperature: options.temperature,
                                   topK: options.topK, seed: options.seed) { writeOut($0) }
            let seconds = monotonicSeconds() - start
            writeOut("\n")
            if options.timing {
                // The prime's tokens are read one step each, as the generated ones are: both count.
                let tokens = try architecture.vocabulary.encode(options.prime).count + options.length
                let line = "{\"prime_tokens\":\(tokens - options.length),\"generated\":\(options.length),"
                    + "\"seconds\":\(seconds),\"tokens_per_second\":\(Double(tokens) / Swift.max(seconds, 1e-9))}"
                printError(line)
            }
        }
    }
}

/// The language model saved at `path`, built from its file alone (`architecture`, read from the same file) with
/// the cells of the visited specification: what `rnn generate` samples from and `rnn info` describes.
func loadLanguageModel<Cell: RecurrentCell>(_ path: String, _ architecture: LanguageModelFile.Architecture,
                                            _ makeCell: (Int, Int, Int) throws -> Cell) throws -> LanguageModel<Cell> {
    var model = try LanguageModel(vocabulary: architecture.vocabulary, embeddingSize: architecture.embeddingSize,
                                  layers: architecture.layers, tieWeights: architecture.tiesWeights) { input, layer in
        try makeCell(input, layer, 0)
    }
    try model.loadWeights(from: path)
    return model
}

/// Writes to standard output at once (unbuffered), so generated text appears as it is sampled.
func writeOut(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { buffer in write(1, buffer.baseAddress! + offset, buffer.count - offset) }
        if written <= 0 {
            if written < 0 && errno == EINTR { continue }
            return
        }
        offset += written
    }
}
