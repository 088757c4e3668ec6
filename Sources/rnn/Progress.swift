import RecurrentTraining

/// Live progress on standard error: a single updating line on a terminal.
final class Progress {
    let enabled: Bool, quiet: Bool, total: Int, start: Int
    let began = monotonicSeconds()
    var lastDraw = 0.0
    var recentLoss = 0.0

    init(enabled: Bool, quiet: Bool, total: Int, start: Int) {
        self.enabled = enabled
        self.quiet = quiet
        self.total = total
        self.start = start
    }

    func update(step: Int, loss: Double) {
        recentLoss = recentLoss == 0 ? loss : 0.95 * recentLoss + 0.05 * loss
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - lastDraw > 0.25 || step == total else { return }
        lastDraw = now
        let rate = Double(step - start) / max(now - began, 1e-9)
        let eta = Double(total - step) / max(rate, 1e-9)
        printError("\r\u{1B}[K  step \(step)/\(total)  loss \(short(recentLoss))  \(short(rate)) steps/s  ETA \(clockText(eta))", newline: false)
    }

    func record(_ r: TrainingRecord, metricName: String) {
        guard !quiet else { return }
        let line = "step \(r.step)  train_loss \(short(r.trainLoss))  \(metricName) \(short(r.testMetric ?? .nan))  grad_norm \(short(r.gradientNorm))  \(clockText(r.seconds))"
        printError((enabled ? "\r\u{1B}[K" : "") + line)
    }

    func finish() { if enabled { printError("\r\u{1B}[K", newline: false) } }

    func short(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x != 0 && abs(x) < 0.01 { return String(describing: (x * 1e6).rounded() / 1e6) }
        return String(describing: (x * 1000).rounded() / 1000)
    }

    func clockText(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds)
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
