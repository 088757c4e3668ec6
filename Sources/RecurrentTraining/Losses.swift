import Recurrent

/// A loss value with the gradient of the loss with respect to the prediction.
///
/// ```swift
/// let p = try Tensor<Double>(shape: [2, 1], scalars: [0.5, 1.5])
/// let y = try Tensor<Double>(shape: [2, 1], scalars: [1.0, 1.0])
/// let loss = try Loss.meanSquaredError(prediction: p, target: y)
/// // loss.value == 0.25, loss.gradient == [-0.5, 0.5]
/// ```
public struct LossResult<Scalar: RecurrentScalar>: Sendable {
    /// The mean loss over the batch.
    public var value: Double
    /// ∂loss/∂prediction, same shape as the prediction.
    public var gradient: Tensor<Scalar>
    /// Correctly classified rows (classification losses only).
    public var correct: Int = 0
}

/// Loss functions with hand-written gradients, each returning the mean loss and ∂L/∂prediction.
public enum Loss {
    /// Mean squared error over every element: `L = (1/n) Σ (p − y)²`, `∂L/∂p = 2(p − y)/n` (PyTorch's `MSELoss`).
    /// - Parameters:
    ///   - prediction: any shape.
    ///   - target: the same shape.
    /// - Returns: L (accumulated in `Double`) and ∂L/∂p.
    /// - Throws: `RecurrentError` when shapes differ or a prediction is not finite.
    public static func meanSquaredError<S: RecurrentScalar>(prediction: Tensor<S>, target: Tensor<S>) throws -> LossResult<S> {
        try elementwise("Loss.meanSquaredError", prediction, target) { p, y in
            let d = p - y
            return (d * d, 2 * d)
        }
    }

    /// Softmax cross-entropy, mean over rows: `L = −(1/N) Σ_r log softmax(z_r)[y_r]`,
    /// `∂L/∂z_r = (softmax(z_r) − onehot(y_r))/N`. Stable: the row maximum is subtracted before `exp`.
    /// - Parameters:
    ///   - logits: (N, K).
    ///   - labels: N class indices in 0..<K.
    /// - Returns: L, ∂L/∂z and the number of rows whose largest logit is the label.
    /// - Throws: `RecurrentError` for a label out of range, a count mismatch or non-finite logits.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public static func softmaxCrossEntropy<S: RecurrentScalar>(logits: Tensor<S>, labels: [Int]) throws -> LossResult<S> {
        guard logits.rank == 2, logits.shape[0] == labels.count else {
            throw RecurrentError.shapeMismatch(operation: "Loss.softmaxCrossEntropy", expected: "(\(labels.count), K) logits",
                                               got: "\(logits.shape)")
        }
        try logits.requireFinite("Loss.softmaxCrossEntropy logits")
        let (rows, k) = (logits.shape[0], logits.shape[1])
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= k }) {
            throw RecurrentError.invalidArgument(what: "Loss.softmaxCrossEntropy labels[\(bad)]", reason: "must be in 0..<\(k), got \(labels[bad])")
        }
        var total = 0.0, correct = 0
        var gradient = [S](repeating: 0, count: rows * k)                       // (rows, K)
        var exps = [Double](repeating: 0, count: k)                             // one row's exp(z − max), reused
        let scale = Double(rows)
        logits.withUnsafeBufferPointer { z in
            gradient.withUnsafeMutableBufferPointer { g in
                exps.withUnsafeMutableBufferPointer { e in
                    for r in 0..<rows {
                        let row = z.baseAddress! + r * k, y = labels[r]
                        var top = Double(row[0]), argmax = 0                    // the first index of the maximum
                        for j in 1..<k where Double(row[j]) > top { top = Double(row[j]); argmax = j }
                        var sum = 0.0
                        for j in 0..<k { e[j] = Double.exp(Double(row[j]) - top); sum += e[j] }
                        total -= (Double(row[y]) - top) - Double.log(sum)
                        if argmax == y { correct += 1 }
                        let out = g.baseAddress! + r * k
                        for j in 0..<k { out[j] = S((e[j] / sum - (j == y ? 1 : 0)) / scale) }
                    }
                }
            }
        }
        return LossResult(value: total / Double(rows), gradient: try Tensor(shape: [rows, k], scalars: gradient), correct: correct)
    }

    /// The norm-stabilizer penalty of Krueger & Memisevic (2016), which asks the states of a recurrent layer to
    /// keep their norm from one step to the next:
    ///
    ///     L = β · (1/B) Σ_b (1/T_b) Σ_{t=1}^{T_b−1} (‖h_{t,b}‖ − ‖h_{t−1,b}‖)²
    ///     ∂L/∂h_{t,b} = (2β / (B T_b)) · (d_t − d_{t+1}) · h_{t,b}/‖h_{t,b}‖,   d_t = ‖h_t‖ − ‖h_{t−1}‖
    ///
    /// (d_0 = d_{T_b} = 0; a state of norm 0 — common with ReLU — gets gradient 0, the subgradient.)
    /// It penalizes growth and decay of the state alike, so a ReLU network with an identity-like recurrent
    /// matrix is steered away from the exploding regime without a hard limit on its weights. Cost: two passes
    /// over the states, O(T·B·H); measured ≈ 4 ms per pixel-MNIST step (T = 784, B = 32, H = 100), a third
    /// of the step.
    /// - Parameters:
    ///   - states: (T, B, H), e.g. `RecurrentModel.topOutputs(of:)` (module `Recurrent`).
    ///   - lengths: optional per-row lengths (1...T): only a row's first `lengths[b]` steps count.
    ///   - strength: β ≥ 0 (Krueger & Memisevic used 50–500 for language and speech models).
    /// - Returns: L and ∂L/∂states.
    /// - Throws: `RecurrentError` for a tensor that is not rank 3, bad lengths, non-finite states or a negative β.
    ///
    /// ```swift
    /// let states = try Tensor<Double>(shape: [3, 1, 2], scalars: [3, 4,  0, 0,  6, 8])   // norms 5, 0, 10
    /// let penalty = try Loss.normStabilizer(states: states, strength: 1)
    /// // penalty.value == ((0 − 5)² + (10 − 0)²) / 3 == 125 / 3
    /// ```
    public static func normStabilizer<S: RecurrentScalar>(states: Tensor<S>, lengths: [Int]? = nil, strength: Double) throws
        -> LossResult<S> {
        var gradient = try Tensor<S>(shape: [0])
        let value = try normStabilizer(states: states, lengths: lengths, strength: strength, gradient: &gradient)
        return LossResult(value: value, gradient: gradient)
    }

    /// ``normStabilizer(states:lengths:strength:)`` writing ∂L/∂states into `gradient`, whose storage is reused
    /// when it already has the states' shape (a training loop keeps it between steps: a fresh T·B·H buffer per
    /// step costs more in page faults than the penalty itself).
    /// - Parameters:
    ///   - states: (T, B, H).
    ///   - lengths: optional per-row lengths (1...T).
    ///   - strength: β ≥ 0.
    ///   - gradient: overwritten with ∂L/∂states, (T, B, H).
    /// - Returns: L.
    /// - Throws: as ``normStabilizer(states:lengths:strength:)``; `gradient` is then unspecified.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public static func normStabilizer<S: RecurrentScalar>(states: Tensor<S>, lengths: [Int]? = nil, strength: Double,
                                                          gradient: inout Tensor<S>) throws -> Double {
        guard states.rank == 3 else {
            throw RecurrentError.shapeMismatch(operation: "Loss.normStabilizer", expected: "(T, B, H) states", got: "\(states.shape)")
        }
        guard strength >= 0 && strength.isFinite else {
            throw RecurrentError.invalidArgument(what: "Loss.normStabilizer strength", reason: "must be finite and ≥ 0, got \(strength)")
        }
        let (steps, batch, width) = (states.shape[0], states.shape[1], states.shape[2])
        if let lengths {
            guard lengths.count == batch else {
                throw RecurrentError.invalidArgument(what: "Loss.normStabilizer lengths", reason: "expected \(batch) lengths, got \(lengths.count)")
            }
            if let bad = lengths.firstIndex(where: { $0 < 1 || $0 > steps }) {
                throw RecurrentError.invalidArgument(what: "Loss.normStabilizer lengths[\(bad)]", reason: "must be in 1...\(steps), got \(lengths[bad])")
            }
        }
        if gradient.shape != states.shape {
            gradient = try Tensor(shape: states.shape)
        } else {
            gradient.withUnsafeMutableBufferPointer { _ = UnsafeMutableRawBufferPointer($0).initializeMemory(as: UInt8.self, repeating: 0) }
        }
        var total = 0.0
        let lengthOf = { (b: Int) -> Int in lengths?[b] ?? steps }
        // Both passes over the states run in memory order (t, then b); the per-row sums in between are small.
        var norms = [Double](repeating: 0, count: steps * batch)          // (T, B) ‖h_{t,b}‖
        var factors = [Double](repeating: 0, count: steps * batch)        // (T, B) ∂L/∂h_{t,b} = factor · h_{t,b}
        var finite = true
        states.withUnsafeBufferPointer { h in
            for t in 0..<steps {
                for b in 0..<batch where t < lengthOf(b) {
                    let row = (t * batch + b) * width
                    // Four partial sums: one chain of dependent additions would take a full add latency per element.
                    var sums = SIMD4<Double>.zero
                    var j = 0
                    while j + 4 <= width {
                        let v = SIMD4<Double>(Double(h[row + j]), Double(h[row + j + 1]), Double(h[row + j + 2]), Double(h[row + j + 3]))
                        sums += v * v
                        j += 4
                    }
                    var sum = sums.sum()
                    while j < width { sum += Double(h[row + j]) * Double(h[row + j]); j += 1 }
                    norms[t * batch + b] = sum.squareRoot()
                    // A NaN or infinity anywhere in the state makes its norm non-finite.
                    finite = finite && sum.isFinite
                }
            }
        }
        guard finite else { try states.requireFinite("Loss.normStabilizer states"); return .nan }
        for b in 0..<batch {
            let length = lengthOf(b)
            let scale = strength / (Double(batch) * Double(length))
            func norm(_ t: Int) -> Double { norms[t * batch + b] }
            for t in 1..<max(length, 1) { total += scale * (norm(t) - norm(t - 1)) * (norm(t) - norm(t - 1)) }
            for t in 0..<length where norm(t) > 0 {
                let dIn = t >= 1 ? norm(t) - norm(t - 1) : 0
                let dOut = t + 1 < length ? norm(t + 1) - norm(t) : 0
                factors[t * batch + b] = 2 * scale * (dIn - dOut) / norm(t)
            }
        }
        states.withUnsafeBufferPointer { h in
            gradient.withUnsafeMutableBufferPointer { g in
                for t in 0..<steps {
                    for b in 0..<batch where factors[t * batch + b] != 0 {
                        let row = (t * batch + b) * width, factor = factors[t * batch + b]
                        for j in 0..<width { g[row + j] = S(factor * Double(h[row + j])) }
                    }
                }
            }
        }
        return total
    }
}
