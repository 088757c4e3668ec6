/// Householder QR of a tall matrix, used by ``Initializers/orthogonal(rows:columns:gain:using:)``.
enum Orthogonalization {
    /// The thin Q factor of A = QR for an m × n matrix with m ≥ n (row-major),
    /// normalised so that R has a non-negative diagonal (each column of Q is
    /// multiplied by sign(Rⱼⱼ), with sign(0) = +1).
    ///
    /// With that normalisation Q is unique for a full-rank A, independent of the
    /// sign conventions of the reflectors; this is the convention of PyTorch's
    /// `orthogonal_` and makes Q Haar-distributed when A is Gaussian.
    static func thinQ(_ input: [Double], rows m: Int, columns n: Int) -> [Double] {
        precondition(m >= n && n >= 1 && input.count == m * n)
        var a = input
        var betas = [Double](repeating: 0, count: n)
        var diagonalOfR = [Double](repeating: 0, count: n)
        // Reflector vectors are stored in place below (and on) the diagonal of `a`.
        a.withUnsafeMutableBufferPointer { a in
            var w = [Double](repeating: 0, count: n)
            for k in 0..<n {
                var tail = 0.0
                for i in (k + 1)..<m { tail += a[i * n + k] * a[i * n + k] }
                let x0 = a[k * n + k]
                if tail == 0 {
                    betas[k] = 0
                    diagonalOfR[k] = x0
                    a[k * n + k] = 1  // v = e₁ (unused since β = 0)
                    continue
                }
                let norm = (x0 * x0 + tail).squareRoot()
                let alpha = x0 >= 0 ? -norm : norm
                let v0 = x0 - alpha
                a[k * n + k] = v0
                let beta = 2 / (v0 * v0 + tail)
                betas[k] = beta
                diagonalOfR[k] = alpha
                // Apply Hₖ to the remaining columns: A[k…, j] −= β v (vᵀ A[k…, j]).
                if k + 1 < n {
                    for j in (k + 1)..<n { w[j] = 0 }
                    for i in k..<m {
                        let vi = a[i * n + k]
                        for j in (k + 1)..<n { w[j] += vi * a[i * n + j] }
                    }
                    for i in k..<m {
                        let vi = beta * a[i * n + k]
                        for j in (k + 1)..<n { a[i * n + j] -= vi * w[j] }
                    }
                }
            }
        }
        // Q = H₀ H₁ ⋯ Hₙ₋₁ · [I; 0], accumulated backwards.
        var q = [Double](repeating: 0, count: m * n)
        for j in 0..<n { q[j * n + j] = 1 }
        q.withUnsafeMutableBufferPointer { q in
            a.withUnsafeBufferPointer { a in
                var w = [Double](repeating: 0, count: n)
                for k in stride(from: n - 1, through: 0, by: -1) {
                    let beta = betas[k]
                    if beta == 0 { continue }
                    for j in k..<n { w[j] = 0 }
                    for i in k..<m {
                        let vi = a[i * n + k]
                        for j in k..<n { w[j] += vi * q[i * n + j] }
                    }
                    for i in k..<m {
                        let vi = beta * a[i * n + k]
                        for j in k..<n { q[i * n + j] -= vi * w[j] }
                    }
                }
            }
        }
        for j in 0..<n where diagonalOfR[j] < 0 {
            for i in 0..<m { q[i * n + j] = -q[i * n + j] }
        }
        return q
    }
}
