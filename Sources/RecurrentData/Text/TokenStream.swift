import Recurrent
import RecurrentInitializers

/// A token stream cut into the batches a language model trains on (truncated BPTT, Zaremba et al. 2014).
///
/// The stream of N tokens is split into B parallel streams of L = ⌊N / B⌋ consecutive tokens each
/// (stream b holds tokens b·L ..< (b + 1)·L; the last N − B·L tokens are dropped). Window k holds, for every
/// stream, inputs at positions k·T ..< k·T + T′ and targets one position later, with T′ = min(T, L − 1 − k·T)
/// (only the last window may be shorter). Window k + 1 starts exactly where window k stopped, so the state a
/// model reaches at the end of one window is the right initial state of the next: carry it (and cut the
/// gradient there) to train on the whole stream. ``randomWindow(using:)`` draws B windows at independent
/// random offsets instead (no state carried).
///
/// ```swift
/// let stream = try TokenStream(tokens: Array(0..<11), batch: 2, window: 2)   // L = 5 per stream
/// print(stream.windowCount)                                                // prints 2
/// let (inputs, targets) = stream.window(0)
/// print(inputs.ids, targets.ids)                                           // prints [0, 5, 1, 6] [1, 6, 2, 7]
/// ```
public struct TokenStream: Sendable {
    /// The whole token stream.
    public let tokens: [Int32]
    /// Number of parallel streams B.
    public let batch: Int
    /// Steps per window T.
    public let window: Int
    /// Tokens per parallel stream, L = ⌊N / B⌋.
    public var streamLength: Int { tokens.count / batch }
    /// Number of windows that cover each stream once: ⌈(L − 1) / T⌉.
    public var windowCount: Int { (streamLength - 1 + window - 1) / window }
    /// Number of (input, target) predictions in one pass over all windows: B·(L − 1).
    public var predictionCount: Int { batch * (streamLength - 1) }

    /// - Parameters:
    ///   - tokens: the stream; every id ≥ 0.
    ///   - batch: B ≥ 1 parallel streams.
    ///   - window: T ≥ 1 steps per window.
    /// - Throws: when a stream would be shorter than one window plus its target (N < B·(T + 1)), naming
    ///   the counts, or for a negative id (naming its position).
    public init(tokens: [Int32], batch: Int, window: Int) throws {
        guard batch >= 1 else { throw RecurrentError.invalidSize(what: "TokenStream batch", value: batch, requirement: "at least 1") }
        guard window >= 1 else { throw RecurrentError.invalidSize(what: "TokenStream window", value: window, requirement: "at least 1") }
        let (needed, overflow) = batch.multipliedReportingOverflow(by: window &+ 1)
        guard !overflow, window < Int.max, tokens.count >= needed else {
            throw RecurrentError.invalidArgument(
                what: "TokenStream", reason: "\(tokens.count) tokens are too few for \(batch) streams of one window of \(window) steps "
                    + "plus the next token (\(overflow ? "more than Int.max" : String(needed)) needed): use a longer text, a smaller batch or a shorter window")
        }
        if let bad = tokens.firstIndex(where: { $0 < 0 }) {
            throw RecurrentError.invalidArgument(what: "TokenStream token at position \(bad)", reason: "ids must be ≥ 0, got \(tokens[bad])")
        }
        self.tokens = tokens
        self.batch = batch
        self.window = window
    }

    /// A stream of plain integers (convenience for tests and examples).
    public init(tokens: [Int], batch: Int, window: Int) throws {
        guard let bad = tokens.firstIndex(where: { $0 < 0 || $0 > Int(Int32.max) }) else {
            try self.init(tokens: tokens.map { Int32($0) }, batch: batch, window: window)
            return
        }
        throw RecurrentError.invalidArgument(what: "TokenStream token at position \(bad)", reason: "ids must be in 0...Int32.max, got \(tokens[bad])")
    }

    /// Window `k` (0 ≤ k < ``windowCount``): inputs (T′, B) and targets (T′, B), targets one token later.
    public func window(_ k: Int) -> (inputs: TokenIDs, targets: TokenIDs) {
        precondition(k >= 0 && k < windowCount, "window \(k) outside 0..<\(windowCount)")
        let length = streamLength, start = k * window
        let steps = Swift.min(window, length - 1 - start)
        var inputs = [Int32](repeating: 0, count: steps * batch), targets = inputs
        for t in 0..<steps {
            for b in 0..<batch {
                let position = b * length + start + t
                inputs[t * batch + b] = tokens[position]
                targets[t * batch + b] = tokens[position + 1]
            }
        }
        // Shapes and ids were checked at init: these cannot throw.
        return (try! TokenIDs(steps: steps, batch: batch, ids: inputs), try! TokenIDs(steps: steps, batch: batch, ids: targets))
    }

    /// B windows of T steps at independent uniformly random offsets in the whole stream (inputs and the
    /// targets one token later), for training without a carried state.
    public func randomWindow(using generator: inout RandomGenerator) -> (inputs: TokenIDs, targets: TokenIDs) {
        let starts = (0..<batch).map { _ in generator.nextInt(below: tokens.count - window) }
        var inputs = [Int32](repeating: 0, count: window * batch), targets = inputs
        for (b, start) in starts.enumerated() {
            for t in 0..<window {
                inputs[t * batch + b] = tokens[start + t]
                targets[t * batch + b] = tokens[start + t + 1]
            }
        }
        return (try! TokenIDs(steps: window, batch: batch, ids: inputs), try! TokenIDs(steps: window, batch: batch, ids: targets))
    }
}

/// Cross-entropy in the units people quote.
public enum LanguageModelMetrics {
    /// Bits per token (per character at character level): nats / ln 2.
    public static func bits(fromNats nats: Double) -> Double { nats / 0.693_147_180_559_945_3 }
    /// Perplexity: e^nats (the library's portable exp, so the figure is the same on every platform).
    public static func perplexity(fromNats nats: Double) -> Double { DeterministicMath.exp(nats) }
}
