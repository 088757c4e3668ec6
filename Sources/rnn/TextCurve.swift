import Recurrent
import RecurrentData

/// One evaluation of `rnn train --task text`: a row of the `--log` CSV.
struct TextCurveRow: Equatable {
    var step: Int
    /// Training seconds so far (evaluations not counted).
    var seconds: Double
    /// Mean training loss (nats per token) over the steps since the previous row.
    var trainLoss: Double
    /// Validation loss, nats per token, on the whole validation text with the carried state.
    var validLoss: Double
    /// The learning rate of the last step.
    var learningRate: Double
}

/// Writes the validation curve as CSV (atomically): bits per character at character level, perplexity at word level.
func writeTextCurve(_ rows: [TextCurveRow], characterLevel: Bool, to path: String) throws {
    var text = "step,seconds,train_loss,val_loss,\(characterLevel ? "val_bpc" : "val_perplexity"),lr\n"
    for r in rows {
        let metric = characterLevel ? LanguageModelMetrics.bits(fromNats: r.validLoss) : LanguageModelMetrics.perplexity(fromNats: r.validLoss)
        text += "\(r.step),\(format3(r.seconds)),\(r.trainLoss),\(r.validLoss),\(metric),\(r.learningRate)\n"
    }
    try FileIO.writeAtomically(Array(text.utf8), to: path)
}

/// Reads a curve written by ``writeTextCurve(_:characterLevel:to:)`` (used when resuming); unreadable rows are skipped.
func readTextCurve(_ path: String) throws -> [TextCurveRow] {
    let text = String(decoding: try FileIO.readAll(path), as: UTF8.self)
    return text.split(separator: "\n").dropFirst().compactMap { line in
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 6, let step = Int(f[0]), let seconds = Double(f[1]), let train = Double(f[2]), let valid = Double(f[3]),
              let lr = Double(f[5]) else { return nil }
        return TextCurveRow(step: step, seconds: seconds, trainLoss: train, validLoss: valid, learningRate: lr)
    }
}
