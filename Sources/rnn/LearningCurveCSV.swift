import Recurrent
import RecurrentTraining

/// Writes the learning curve as CSV (atomically, so a crash never leaves half a file).
func writeCurve(_ records: [TrainingRecord], to path: String) throws {
    var text = "step,seconds,train_loss,train_metric,test_metric,grad_norm,lr\n"
    for r in records {
        text += "\(r.step),\(format3(r.seconds)),\(r.trainLoss),\(r.trainMetric),\(r.testMetric.map { "\($0)" } ?? ""),\(r.gradientNorm),\(r.learningRate)\n"
    }
    try FileIO.writeAtomically(Array(text.utf8), to: path)
}

/// Reads a curve written by ``writeCurve(_:to:)`` (used when resuming).
func readCurve(_ path: String) throws -> [TrainingRecord] {
    let text = String(decoding: try FileIO.readAll(path), as: UTF8.self)
    let lines: [Substring] = text.split(separator: "\n")
    return lines.dropFirst().compactMap { (line: Substring) -> TrainingRecord? in
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 7, let step = Int(f[0]), let seconds = Double(f[1]), let loss = Double(f[2]), let metric = Double(f[3]),
              let norm = Double(f[5]), let lr = Double(f[6]) else { return nil }
        return TrainingRecord(step: step, trainLoss: loss, trainMetric: metric, testMetric: Double(f[4]), gradientNorm: norm,
                              learningRate: lr, seconds: seconds)
    }
}
