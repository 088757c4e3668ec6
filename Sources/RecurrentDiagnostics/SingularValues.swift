import RecurrentInitializers

/// Singular values by the one-sided Jacobi method (Hestenes 1958; Demmel & Veselić 1992).
///
/// Plane rotations are applied to pairs of columns (i, j) of A (m × n, m ≥ n after an optional
/// transpose) until every pair is orthogonal to working precision:
///
///     |aᵢ·aⱼ| ≤ m·ε·‖aᵢ‖‖aⱼ‖.
///
/// The rotation angle makes the new pair exactly orthogonal: with α = ‖aᵢ‖², β = ‖aⱼ‖²,
/// γ = aᵢ·aⱼ, ζ = (β − α)/(2γ) and t = sign(ζ)/(|ζ| + √(1 + ζ²)), c = 1/√(1 + t²), s = c·t,
/// (aᵢ, aⱼ) ← (c aᵢ − s aⱼ, s aᵢ + c aⱼ). The singular values are then the column norms.
/// Convergence is quadratic once the columns are nearly orthogonal; 6–10 sweeps of n(n−1)/2
/// rotations each are typical for n ≤ 1000, ≈ 3mn² flops per sweep.
enum JacobiSVD {
    /// Sweeps allowed before giving up.
    static let maxSweeps = 60

    /// The singular values σ₁ ≥ σ₂ ≥ … ≥ σ_min(m, n) ≥ 0.
    static func singularValues(_ matrix: Matrix, function: String) throws -> [Double] {
        let wide = matrix.rows < matrix.columns
        let m = wide ? matrix.columns : matrix.rows  // column length
        let n = wide ? matrix.rows : matrix.columns  // number of columns
        var largest = 0.0
        for value in matrix.values { largest = max(largest, value.magnitude) }
        if largest == 0 { return [Double](repeating: 0, count: n) }
        let exponent = -Int(largest.exponent)
        // Columns stored contiguously: column j is columns[j*m ..< (j+1)*m].
        var columns = [Double](repeating: 0, count: m * n)
        for r in 0..<matrix.rows {
            for c in 0..<matrix.columns {
                let value = Double(sign: .plus, exponent: exponent, significand: matrix.values[r * matrix.columns + c])
                if wide { columns[r * m + c] = value } else { columns[c * m + r] = value }
            }
        }
        let tolerance = Double(m) * Double.ulpOfOne
        var converged = false
        var sweeps = 0
        columns.withUnsafeMutableBufferPointer { a in
            while !converged && sweeps < maxSweeps {
                sweeps += 1
                converged = true
                for i in 0..<max(n - 1, 0) {
                    let ai = a.baseAddress! + i * m
                    for j in (i + 1)..<n {
                        let aj = a.baseAddress! + j * m
                        var alpha = 0.0, beta = 0.0, gamma = 0.0
                        for k in 0..<m {
                            let x = ai[k], y = aj[k]
                            alpha += x * x
                            beta += y * y
                            gamma += x * y
                        }
                        if alpha == 0 || beta == 0 { continue }
                        if gamma.magnitude <= tolerance * (alpha.squareRoot() * beta.squareRoot()) { continue }
                        converged = false
                        let zeta = (beta - alpha) / (2 * gamma)
                        let t: Double
                        if zeta.magnitude > 1e150 {
                            t = 1 / (2 * zeta)
                        } else {
                            t = (zeta >= 0 ? 1.0 : -1.0) / (zeta.magnitude + (1 + zeta * zeta).squareRoot())
                        }
                        let c = 1 / (1 + t * t).squareRoot()
                        let s = c * t
                        for k in 0..<m {
                            let x = ai[k], y = aj[k]
                            ai[k] = c * x - s * y
                            aj[k] = s * x + c * y
                        }
                    }
                }
            }
        }
        guard converged else {
            throw DiagnosticsError.notConverged(
                "\(function): one-sided Jacobi did not converge in \(maxSweeps) sweeps on a \(matrix.rows) × \(matrix.columns) matrix")
        }
        var values = [Double](repeating: 0, count: n)
        columns.withUnsafeBufferPointer { a in
            for j in 0..<n {
                // Norm with rescaling, so that large columns cannot overflow.
                var scale = 0.0
                for k in 0..<m { scale = max(scale, a[j * m + k].magnitude) }
                if scale == 0 { continue }
                var sum = 0.0
                for k in 0..<m {
                    let x = a[j * m + k] / scale
                    sum += x * x
                }
                values[j] = Double(sign: .plus, exponent: -exponent, significand: scale * sum.squareRoot())
            }
        }
        return values.sorted(by: >)
    }
}
