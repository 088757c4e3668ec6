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
        try target.requireShape(prediction.shape, "Loss.meanSquaredError target")
        try prediction.requireFinite("Loss.meanSquaredError prediction")
        let n = Double(prediction.count)
        var sum = 0.0
        var gradient = [S](repeating: 0, count: prediction.count)
        for (index, (p, y)) in zip(prediction.scalars, target.scalars).enumerated() {
            let d = Double(p) - Double(y)
            sum += d * d
            gradient[index] = S(2 * d / n)
        }
        return LossResult(value: sum / n, gradient: try Tensor(shape: prediction.shape, scalars: gradient))
    }

    /// Softmax cross-entropy, mean over rows: `L = −(1/N) Σ_r log softmax(z_r)[y_r]`,
    /// `∂L/∂z_r = (softmax(z_r) − onehot(y_r))/N`. Stable: the row maximum is subtracted before `exp`.
    /// - Parameters:
    ///   - logits: (N, K).
    ///   - labels: N class indices in 0..<K.
    /// - Returns: L, ∂L/∂z and the number of rows whose largest logit is the label.
    /// - Throws: `RecurrentError` for a label out of range, a count mismatch or non-finite logits.
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
        var gradient = [S](repeating: 0, count: rows * k)
        for r in 0..<rows {
            let row = logits.scalars[r * k..<(r + 1) * k].map(Double.init)
            let top = row.max()!
            let exps = row.map { Double.exp($0 - top) }
            let z = exps.reduce(0, +)
            total -= (row[labels[r]] - top) - Double.log(z)
            if row.firstIndex(of: top) == labels[r] { correct += 1 }
            for j in 0..<k {
                gradient[r * k + j] = S((exps[j] / z - (j == labels[r] ? 1 : 0)) / Double(rows))
            }
        }
        return LossResult(value: total / Double(rows), gradient: try Tensor(shape: [rows, k], scalars: gradient), correct: correct)
    }
}
