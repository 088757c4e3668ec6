import Recurrent

/// Per-step losses that count real steps only, and the element-wise losses people expect besides MSE.
///
/// A sequence-to-sequence model (`OutputMode.everyStep`) gives (T·B, K) rows, row t·B + b for step t of case b.
/// In a padded batch the rows with t ≥ `lengths[b]` are padding: the masked losses give them zero gradient and
/// average over the N = Σ_b lengths[b] real steps only, so a padded batch scores exactly what its cases score
/// together unpadded. (A sequence-to-one model needs no mask: with `lengths` its readout reads each case's last
/// real step, and the plain losses apply.)
extension Loss {
    /// Whether row r = t·B + b of a (T·B, ·) output is a real step: `t < lengths[b]`.
    static func realRows(rows: Int, lengths: [Int], _ operation: String) throws -> [Bool] {
        let b = lengths.count
        guard b > 0, rows % b == 0 else {
            throw RecurrentError.shapeMismatch(operation: operation, expected: "(T·\(b), K) rows for \(b) lengths", got: "\(rows) rows")
        }
        let t = rows / b
        if let bad = lengths.firstIndex(where: { $0 < 1 || $0 > t }) {
            throw RecurrentError.invalidArgument(what: "\(operation) lengths[\(bad)]", reason: "must be in 1...\(t), got \(lengths[bad])")
        }
        return (0..<rows).map { r in r / b < lengths[r % b] }
    }

    /// Mean squared error over the real steps of a padded batch:
    /// `L = (1/(N·K)) Σ_{b, t < T_b} Σ_k (p_{tb,k} − y_{tb,k})²`, `∂L/∂p = 2(p − y)/(N·K)` on real rows, 0 on padding,
    /// with N = Σ_b T_b.
    /// - Parameters:
    ///   - prediction: (T·B, K), row t·B + b (an every-step model's output).
    ///   - target: as many values, in the same order (e.g. `SequenceBatch.stepTargets`, (T, B, K)).
    ///   - lengths: B lengths T_b in 1...T.
    /// - Returns: L (accumulated in `Double`) and ∂L/∂p.
    /// - Throws: `RecurrentError` for mismatched shapes, bad lengths or a non-finite prediction on a real step.
    ///
    /// ```swift
    /// let p = try Tensor<Double>(shape: [4, 1], scalars: [1, 2, 3, 9])   // T = 2, B = 2; row 3 is padding
    /// let y = try Tensor<Double>(shape: [2, 2, 1], scalars: [0, 2, 3, 0])
    /// let loss = try Loss.maskedMeanSquaredError(prediction: p, target: y, lengths: [2, 1])
    /// // loss.value == 1/3: (1 + 0 + 0) over the 3 real steps
    /// ```
    public static func maskedMeanSquaredError<S: RecurrentScalar>(prediction: Tensor<S>, target: Tensor<S>, lengths: [Int]) throws
        -> LossResult<S> {
        let name = "Loss.maskedMeanSquaredError"
        guard prediction.rank == 2, target.count == prediction.count else {
            throw RecurrentError.shapeMismatch(operation: name, expected: "(T·B, K) prediction and as many targets",
                                               got: "\(prediction.shape) and \(target.shape)")
        }
        let k = prediction.shape[1]
        let real = try realRows(rows: prediction.shape[0], lengths: lengths, name)
        let n = Double(lengths.reduce(0, +) * k)
        var sum = 0.0
        var gradient = [S](repeating: 0, count: prediction.count)
        for (r, isReal) in real.enumerated() where isReal {
            for j in r * k..<(r + 1) * k {
                let p = Double(prediction.scalars[j])
                guard p.isFinite else { throw RecurrentError.nonFinite(what: "\(name) prediction", index: j) }
                let d = p - Double(target.scalars[j])
                sum += d * d
                gradient[j] = S(2 * d / n)
            }
        }
        return LossResult(value: sum / n, gradient: try Tensor(shape: prediction.shape, scalars: gradient))
    }

    /// Softmax cross-entropy over the real steps of a padded batch:
    /// `L = −(1/N) Σ_{b, t < T_b} log softmax(z_{tb})[y_{tb}]`, `∂L/∂z_{tb} = (softmax(z_{tb}) − onehot(y_{tb}))/N` on real
    /// rows, 0 on padding (whose labels are not read), N = Σ_b T_b. Stable: the row maximum is subtracted first.
    /// - Parameters:
    ///   - logits: (T·B, K), row t·B + b.
    ///   - labels: T·B class indices in 0..<K, same order (any value on padded rows).
    ///   - lengths: B lengths T_b in 1...T.
    /// - Returns: L, ∂L/∂z and the number of real rows whose largest logit is the label.
    /// - Throws: `RecurrentError` for mismatched shapes, bad lengths, a label out of range or non-finite logits on a real step.
    ///
    /// ```swift
    /// let z = try Tensor<Double>(shape: [2, 2], scalars: [0, 0, 5, -5])   // T = 2, B = 1, length 1
    /// let loss = try Loss.maskedSoftmaxCrossEntropy(logits: z, labels: [0, 1], lengths: [1])
    /// // loss.value == log 2; row 1 is padding
    /// ```
    public static func maskedSoftmaxCrossEntropy<S: RecurrentScalar>(logits: Tensor<S>, labels: [Int], lengths: [Int]) throws
        -> LossResult<S> {
        let name = "Loss.maskedSoftmaxCrossEntropy"
        guard logits.rank == 2, logits.shape[0] == labels.count else {
            throw RecurrentError.shapeMismatch(operation: name, expected: "(\(labels.count), K) logits", got: "\(logits.shape)")
        }
        let (rows, k) = (logits.shape[0], logits.shape[1])
        let real = try realRows(rows: rows, lengths: lengths, name)
        let n = Double(lengths.reduce(0, +))
        var total = 0.0, correct = 0
        var gradient = [S](repeating: 0, count: rows * k)
        for r in 0..<rows where real[r] {
            guard (0..<k).contains(labels[r]) else {
                throw RecurrentError.invalidArgument(what: "\(name) labels[\(r)]", reason: "must be in 0..<\(k), got \(labels[r])")
            }
            let row = logits.scalars[r * k..<(r + 1) * k].map(Double.init)
            if let bad = row.firstIndex(where: { !$0.isFinite }) { throw RecurrentError.nonFinite(what: "\(name) logits", index: r * k + bad) }
            let top = row.max()!
            let exps = row.map { Double.exp($0 - top) }
            let z = exps.reduce(0, +)
            total -= (row[labels[r]] - top) - Double.log(z)
            if row.firstIndex(of: top) == labels[r] { correct += 1 }
            for j in 0..<k { gradient[r * k + j] = S((exps[j] / z - (j == labels[r] ? 1 : 0)) / n) }
        }
        return LossResult(value: total / n, gradient: try Tensor(shape: [rows, k], scalars: gradient), correct: correct)
    }

    /// Applies an element-wise loss ℓ(p, y) with derivative ℓ′ as a mean over every element.
    static func elementwise<S: RecurrentScalar>(_ name: String, _ prediction: Tensor<S>, _ target: Tensor<S>,
                                                _ loss: (Double, Double) -> (value: Double, derivative: Double)) throws -> LossResult<S> {
        try target.requireShape(prediction.shape, "\(name) target")
        try prediction.requireFinite("\(name) prediction")
        let n = Double(prediction.count)
        var sum = 0.0
        var gradient = [S](repeating: 0, count: prediction.count)
        for (index, (p, y)) in zip(prediction.scalars, target.scalars).enumerated() {
            let (value, derivative) = loss(Double(p), Double(y))
            sum += value
            gradient[index] = S(derivative / n)
        }
        return LossResult(value: sum / n, gradient: try Tensor(shape: prediction.shape, scalars: gradient))
    }

    /// Binary cross-entropy on logits, mean over every element (PyTorch's `BCEWithLogitsLoss`):
    /// `ℓ(z, y) = max(z, 0) − z·y + log(1 + e^{−|z|})` (stable for any z), `∂ℓ/∂z = σ(z) − y`.
    /// - Parameters:
    ///   - logits: any shape.
    ///   - targets: the same shape, values in [0, 1] (probabilities or 0/1 labels).
    /// - Returns: the mean L and ∂L/∂z = (σ(z) − y)/n.
    /// - Throws: `RecurrentError` when shapes differ or a logit is not finite.
    ///
    /// ```swift
    /// let z = try Tensor<Double>(shape: [2], scalars: [0, 0])
    /// let y = try Tensor<Double>(shape: [2], scalars: [1, 0])
    /// let loss = try Loss.binaryCrossEntropyWithLogits(logits: z, targets: y)   // value log 2
    /// ```
    public static func binaryCrossEntropyWithLogits<S: RecurrentScalar>(logits: Tensor<S>, targets: Tensor<S>) throws -> LossResult<S> {
        try elementwise("Loss.binaryCrossEntropyWithLogits", logits, targets) { z, y in
            let sigmoid = z >= 0 ? 1 / (1 + Double.exp(-z)) : Double.exp(z) / (1 + Double.exp(z))
            return (Swift.max(z, 0) - z * y + Double.log(1 + Double.exp(-Swift.abs(z))), sigmoid - y)
        }
    }

    /// Huber loss, mean over every element (PyTorch's `HuberLoss`): with d = p − y,
    /// `ℓ = d²/2` for |d| ≤ δ and `δ(|d| − δ/2)` beyond; `∂ℓ/∂p = d` inside, `δ·sign(d)` beyond.
    /// - Parameters:
    ///   - prediction: any shape.
    ///   - target: the same shape.
    ///   - delta: δ > 0, where the loss turns from quadratic to linear (default 1).
    /// - Returns: the mean L and ∂L/∂p.
    /// - Throws: `RecurrentError` when shapes differ, δ ≤ 0 or a prediction is not finite.
    ///
    /// ```swift
    /// let p = try Tensor<Double>(shape: [2], scalars: [0.5, 3])
    /// let y = try Tensor<Double>(shape: [2], scalars: [0, 0])
    /// let loss = try Loss.huber(prediction: p, target: y)   // (0.125 + 2.5) / 2
    /// ```
    public static func huber<S: RecurrentScalar>(prediction: Tensor<S>, target: Tensor<S>, delta: Double = 1) throws -> LossResult<S> {
        guard delta > 0, delta.isFinite else {
            throw RecurrentError.invalidArgument(what: "Loss.huber delta", reason: "must be positive and finite, got \(delta)")
        }
        return try elementwise("Loss.huber", prediction, target) { p, y in
            let d = p - y
            return Swift.abs(d) <= delta ? (0.5 * d * d, d) : (delta * (Swift.abs(d) - 0.5 * delta), d > 0 ? delta : -delta)
        }
    }

    /// Mean absolute error over every element (PyTorch's `L1Loss`): `L = (1/n) Σ |p − y|`,
    /// `∂L/∂p = sign(p − y)/n` (0 where p = y, the subgradient PyTorch uses).
    /// - Parameters:
    ///   - prediction: any shape.
    ///   - target: the same shape.
    /// - Returns: the mean L and ∂L/∂p.
    /// - Throws: `RecurrentError` when shapes differ or a prediction is not finite.
    ///
    /// ```swift
    /// let p = try Tensor<Double>(shape: [2], scalars: [1, -2])
    /// let y = try Tensor<Double>(shape: [2], scalars: [0, 0])
    /// let loss = try Loss.meanAbsoluteError(prediction: p, target: y)   // 1.5
    /// ```
    public static func meanAbsoluteError<S: RecurrentScalar>(prediction: Tensor<S>, target: Tensor<S>) throws -> LossResult<S> {
        try elementwise("Loss.meanAbsoluteError", prediction, target) { p, y in
            let d = p - y
            return (Swift.abs(d), d > 0 ? 1 : (d < 0 ? -1 : 0))
        }
    }
}
