import Recurrent

/// The result of ``Loss/readoutCrossEntropy(features:readout:targets:readoutGradients:rowsPerChunk:)``
/// and of its loss-only form.
public struct TokenLossResult<Scalar: RecurrentScalar>: Sendable {
    /// Σ over the N rows of −log p(target), in nats (accumulated in `Double`).
    public var total: Double
    /// Number of rows N.
    public var count: Int
    /// Rows whose most likely token is the target.
    public var correct: Int
    /// ∂L/∂features, (N, D), for the mean loss L = total / N; nil when no gradient was asked for.
    public var featureGradient: Tensor<Scalar>?
    /// The mean loss in nats per token, total / N.
    public var mean: Double { total / Double(count) }
}

extension Loss {
    /// The output layer and softmax cross-entropy of a language model, fused: for N rows of features F (N, D)
    /// (one row per step and sequence, e.g. the top layer's outputs (T, B, H) seen as (T·B, H)),
    ///
    ///     z = F·Wᵀ + b                         (N, V), one product per chunk of rows
    ///     L = −(1/N) Σ_r log softmax(z_r)[y_r]
    ///     dz_r = (softmax(z_r) − onehot(y_r)) / N
    ///     dF = dz·W,   dW += dzᵀ·F,   db += Σ_r dz_r
    ///
    /// The rows are processed `rowsPerChunk` at a time, so at most `rowsPerChunk × V` logits exist at once
    /// (never the T·B·V probabilities of the whole window). Stable: each row's maximum is subtracted before
    /// `exp`; sums are accumulated in `Double`.
    ///
    /// - Parameters:
    ///   - features: F, (N, D) with D = the readout's input size.
    ///   - readout: W (V, D) and b (V).
    ///   - targets: N token ids in 0 ..< V.
    ///   - readoutGradients: `[dW (V, D), db (V)]`; this call's gradients are added (the `Linear` convention).
    ///   - rowsPerChunk: rows per product (default 256).
    /// - Returns: the summed loss, the count, the correct predictions and ∂L/∂F for the mean loss.
    /// - Throws: on shape mismatches, a target outside the vocabulary (naming its row) or non-finite features.
    public static func readoutCrossEntropy<S: RecurrentScalar>(
        features: Tensor<S>, readout: Linear<S>, targets: [Int32],
        readoutGradients: inout [Tensor<S>], rowsPerChunk: Int = 256
    ) throws -> TokenLossResult<S> {
        try withUnsafeMutablePointer(to: &readoutGradients) {
            try readoutCrossEntropy(features, readout, targets, $0, rowsPerChunk)
        }
    }

    /// The loss alone of ``readoutCrossEntropy(features:readout:targets:readoutGradients:rowsPerChunk:)`` (evaluation:
    /// no gradient work at all); `featureGradient` is nil.
    public static func readoutCrossEntropy<S: RecurrentScalar>(
        features: Tensor<S>, readout: Linear<S>, targets: [Int32], rowsPerChunk: Int = 256
    ) throws -> TokenLossResult<S> {
        try readoutCrossEntropy(features, readout, targets, nil, rowsPerChunk)
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func readoutCrossEntropy<S: RecurrentScalar>(
        _ features: Tensor<S>, _ readout: Linear<S>, _ targets: [Int32],
        _ readoutGradients: UnsafeMutablePointer<[Tensor<S>]>?, _ rowsPerChunk: Int
    ) throws -> TokenLossResult<S> {
        let (v, d) = (readout.outputSize, readout.inputSize)
        guard features.rank == 2, features.shape[1] == d, features.shape[0] == targets.count, !targets.isEmpty else {
            throw RecurrentError.shapeMismatch(operation: "Loss.readoutCrossEntropy features",
                                               expected: "(\(targets.count), \(d)) with at least one row", got: "\(features.shape)")
        }
        try requirePositiveChunk(rowsPerChunk)
        if let bad = targets.firstIndex(where: { $0 < 0 || Int($0) >= v }) {
            throw RecurrentError.invalidArgument(what: "Loss.readoutCrossEntropy targets[\(bad)]",
                                                 reason: "must be a token id in 0..<\(v), got \(targets[bad])")
        }
        try features.requireFinite("Loss.readoutCrossEntropy features")
        if let readoutGradients {
            guard readoutGradients.pointee.count == 2 else {
                throw RecurrentError.invalidArgument(what: "Loss.readoutCrossEntropy readoutGradients", reason: "expected [dW, db]")
            }
            try readoutGradients.pointee[0].requireShape([v, d], "Loss.readoutCrossEntropy dW")
            try readoutGradients.pointee[1].requireShape([v], "Loss.readoutCrossEntropy db")
        }
        let n = targets.count, chunk = Swift.min(rowsPerChunk, n)
        let scale = 1 / Double(n)
        var total = 0.0, correct = 0
        var logits = [S](repeating: 0, count: chunk * v)                        // (chunk, V), reused
        var dFeatures: [S] = readoutGradients == nil ? [] : [S](repeating: 0, count: n * d)   // (N, D)
        var dBias = [Double](repeating: 0, count: readoutGradients == nil ? 0 : v)
        try features.withUnsafeBufferPointer { f in
            try readout.weight.withUnsafeBufferPointer { w in
                for start in stride(from: 0, to: n, by: chunk) {
                    let rows = Swift.min(chunk, n - start)
                    let fc = f.baseAddress! + start * d
                    // z (rows, V) = F_chunk (rows, D) · Wᵀ (D, V) + b
                    try logits.withUnsafeMutableBufferPointer { zb in
                        let z = zb.baseAddress!
                        S.gemm(transposeA: false, transposeB: true, m: rows, n: v, k: d, alpha: 1, a: fc, lda: d,
                               b: w.baseAddress!, ldb: d, beta: 0, c: z, ldc: v)
                        try readout.bias.withUnsafeBufferPointer { bias in
                            for r in 0..<rows {
                                let y = Int(targets[start + r]), row = z + r * v
                                var top = -Double.infinity, argmax = 0
                                for j in 0..<v {
                                    let value = Double(row[j]) + Double(bias[j])
                                    row[j] = S(value)
                                    if value > top { top = value; argmax = j }
                                }
                                guard top.isFinite else {
                                    throw RecurrentError.nonFinite(what: "Loss.readoutCrossEntropy logits of row \(start + r)", index: argmax)
                                }
                                var sum = 0.0
                                for j in 0..<v { sum += Double.exp(Double(row[j]) - top) }
                                let logSum = Double.log(sum)
                                total -= Double(row[y]) - top - logSum
                                if argmax == y { correct += 1 }
                                guard readoutGradients != nil else { continue }
                                // dz_r = (softmax(z_r) − onehot(y)) / N, written over z_r
                                for j in 0..<v {
                                    let p = Double.exp(Double(row[j]) - top - logSum)
                                    let dz = (p - (j == y ? 1 : 0)) * scale
                                    row[j] = S(dz)
                                    dBias[j] += dz
                                }
                            }
                        }
                    }
                    guard let readoutGradients else { continue }
                    logits.withUnsafeBufferPointer { dz in
                        // dF_chunk (rows, D) = dz (rows, V) · W (V, D)
                        dFeatures.withUnsafeMutableBufferPointer { df in
                            S.gemm(transposeA: false, transposeB: false, m: rows, n: d, k: v, alpha: 1, a: dz.baseAddress!, lda: v,
                                   b: w.baseAddress!, ldb: d, beta: 0, c: df.baseAddress! + start * d, ldc: d)
                        }
                        // dW (V, D) += dzᵀ (V, rows) · F_chunk (rows, D)
                        readoutGradients.pointee[0].withUnsafeMutableBufferPointer { dw in
                            S.gemm(transposeA: true, transposeB: false, m: v, n: d, k: rows, alpha: 1, a: dz.baseAddress!, lda: v,
                                   b: fc, ldb: d, beta: 1, c: dw.baseAddress!, ldc: d)
                        }
                    }
                }
            }
        }
        var featureGradient: Tensor<S>?
        if let readoutGradients {
            readoutGradients.pointee[1].withUnsafeMutableBufferPointer { db in
                for j in 0..<v { db[j] += S(dBias[j]) }
            }
            featureGradient = try Tensor(shape: [n, d], scalars: dFeatures)
        }
        return TokenLossResult(total: total, count: n, correct: correct, featureGradient: featureGradient)
    }

    static func requirePositiveChunk(_ rows: Int) throws {
        guard rows > 0 else {
            throw RecurrentError.invalidSize(what: "Loss.readoutCrossEntropy rowsPerChunk", value: rows, requirement: "positive")
        }
    }
}
