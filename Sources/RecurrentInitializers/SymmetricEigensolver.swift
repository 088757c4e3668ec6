/// Eigenvalues and eigenvectors of real symmetric matrices.
///
/// For a symmetric A the solver computes A = V Λ Vᵀ with Λ = diag(λ₁ ≤ … ≤ λₙ) and
/// V orthogonal, in two phases:
///
/// 1. **Householder tridiagonalisation.** For k = 0 … n − 3 a reflector
///    Hₖ = I − βₖ vₖ vₖᵀ annihilates column k below the subdiagonal, so that
///    T = Qᵀ A Q is tridiagonal with Q = H₀ H₁ ⋯ Hₙ₋₃. Each step updates the trailing
///    block as B ← B − v wᵀ − w vᵀ with p = β B v, w = p − (β/2)(vᵀp) v: 2n³ flops in all.
/// 2. **Implicit QL with Wilkinson shifts.** Plane rotations chase the bulge of a
///    shifted QL step along T until every off-diagonal element satisfies
///    |eᵢ| ≤ ε (|dᵢ| + |dᵢ₊₁|) (ε = 2⁻⁵²). The shift is the eigenvalue of the leading 2 × 2
///    block nearer its first diagonal element, which gives cubic convergence in
///    practice; the iteration stops on convergence, not after a fixed count, and throws
///    ``InitializerError/notConverged(_:)`` if an eigenvalue needs more than 60 steps.
///
/// Both phases are backward stable: the computed eigenvalues are exact for a matrix
/// within a few ε · ‖A‖ of A, so |λ̂ − λ| ≲ n ε ‖A‖₂. The input is first scaled by a
/// power of two (exact) to bring its largest element near 1, which rules out overflow
/// and underflow in the reflectors. Eigenvalues alone cost O(n³) for phase 1 and O(n²)
/// for phase 2; eigenvectors add the accumulation of Q and of the rotations (≈ 9n³ flops).
///
/// The result depends only on the input bits: no threads, no platform `libm`
/// (`hypot` is computed with `squareRoot()`), no random restarts.
///
/// ```swift
/// let a = Matrix(rows: 2, columns: 2, values: [2, 1,
///                                              1, 2])
/// let values = try SymmetricEigensolver.eigenvalues(of: a)   // [1.0000000000000002, 3.0]
/// let (λ, v) = try SymmetricEigensolver.decompose(a)          // A·v[:, j] = λ[j]·v[:, j]
/// ```
public enum SymmetricEigensolver {
    /// Maximum number of QL steps spent on one eigenvalue before giving up.
    static let maxIterationsPerEigenvalue = 60

    /// The eigenvalues of a symmetric matrix, in ascending order.
    ///
    /// Householder tridiagonalisation followed by implicit QL iterations with Wilkinson
    /// shifts (see ``SymmetricEigensolver``); O(n³) time, O(n²) memory.
    ///
    /// - Parameters:
    ///   - matrix: an n × n symmetric matrix, n ≥ 1, with finite elements. Symmetry is
    ///     checked as |aᵢⱼ − aⱼᵢ| ≤ 10⁻¹² · maxₖₗ |aₖₗ|; the solver uses (A + Aᵀ)/2.
    /// - Returns: λ₁ ≤ λ₂ ≤ … ≤ λₙ.
    /// - Throws: ``InitializerError/invalidArgument(_:)`` for an empty, non-square,
    ///   non-symmetric or non-finite matrix; ``InitializerError/notConverged(_:)`` if the
    ///   QL iteration exceeds its cap (not observed in practice).
    ///
    /// ```swift
    /// let a = Matrix(rows: 3, columns: 3, values: [2, -1, 0,  -1, 2, -1,  0, -1, 2])
    /// let λ = try SymmetricEigensolver.eigenvalues(of: a)   // 2 − √2, 2, 2 + √2
    /// let λmax = λ.last!
    /// ```
    public static func eigenvalues(of matrix: Matrix) throws -> [Double] {
        try solve(matrix, wantVectors: false, function: "SymmetricEigensolver.eigenvalues(of:)").values
    }

    /// The eigendecomposition A = V Λ Vᵀ of a symmetric matrix.
    ///
    /// - Parameters:
    ///   - matrix: an n × n symmetric matrix, n ≥ 1, with finite elements (same checks as
    ///     ``eigenvalues(of:)``).
    /// - Returns: `values`, the eigenvalues in ascending order, and `vectors`, an n × n
    ///   orthogonal matrix whose column j is a unit eigenvector for `values[j]`
    ///   (the sign of each column is not normalised).
    /// - Throws: as ``eigenvalues(of:)``.
    ///
    /// ```swift
    /// let a = Matrix(rows: 2, columns: 2, values: [2, 1, 1, 2])
    /// let (values, vectors) = try SymmetricEigensolver.decompose(a)
    /// // values ≈ [1, 3]; column 1 of vectors is ±(1, 1)/√2
    /// ```
    public static func decompose(_ matrix: Matrix) throws -> (values: [Double], vectors: Matrix) {
        let result = try solve(matrix, wantVectors: true, function: "SymmetricEigensolver.decompose(_:)")
        return (result.values, result.vectors!)
    }

    // MARK: - Implementation

    /// √(x² + y²) without overflow or underflow, using only IEEE-exact operations.
    @inline(__always)
    static func hypotenuse(_ x: Double, _ y: Double) -> Double {
        var a = x.magnitude
        var b = y.magnitude
        if a < b { swap(&a, &b) }
        if a == 0 { return 0 }
        let ratio = b / a
        return a * (1 + ratio * ratio).squareRoot()
    }

    static func solve(_ matrix: Matrix, wantVectors: Bool, function: String) throws -> (values: [Double], vectors: Matrix?) {
        let n = matrix.rows
        guard n >= 1, matrix.columns == n else {
            throw InitializerError.invalidArgument(
                "\(function): matrix must be square and non-empty, got \(matrix.rows) × \(matrix.columns)")
        }
        guard matrix.values.count == n * n else {
            throw InitializerError.invalidArgument(
                "\(function): matrix has \(matrix.values.count) values for \(n) × \(n)")
        }
        var largest = 0.0
        for (index, value) in matrix.values.enumerated() {
            guard value.isFinite else {
                throw InitializerError.invalidArgument(
                    "\(function): matrix element (\(index / n), \(index % n)) is not finite (\(value))")
            }
            largest = max(largest, value.magnitude)
        }
        let tolerance = 1e-12 * largest
        for i in 0..<n {
            for j in (i + 1)..<n where (matrix.values[i * n + j] - matrix.values[j * n + i]).magnitude > tolerance {
                throw InitializerError.invalidArgument(
                    "\(function): matrix is not symmetric: a[\(i), \(j)] = \(matrix.values[i * n + j]) but "
                        + "a[\(j), \(i)] = \(matrix.values[j * n + i]) (tolerance 1e-12 · max|a| = \(tolerance))")
            }
        }
        if largest == 0 {
            var identity = Matrix(rows: n, columns: n)
            for i in 0..<n { identity.values[i * n + i] = 1 }
            return ([Double](repeating: 0, count: n), wantVectors ? identity : nil)
        }

        // Scale by a power of two (exact) so that max |aᵢⱼ| ∈ [1, 2), and symmetrise.
        let scaleExponent = -Int(largest.exponent)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let mean = 0.5 * (matrix.values[i * n + j] + matrix.values[j * n + i])
                a[i * n + j] = Double(sign: .plus, exponent: scaleExponent, significand: mean)
            }
        }

        var diagonal = [Double](repeating: 0, count: n)
        var offDiagonal = [Double](repeating: 0, count: n)
        var betas = [Double](repeating: 0, count: n)
        tridiagonalize(&a, n: n, diagonal: &diagonal, offDiagonal: &offDiagonal, betas: &betas)

        // zᵀ: row i of `basis` is column i of the accumulated orthogonal transformation.
        var basis: [Double] = []
        if wantVectors {
            basis = accumulateReflectors(a, n: n, betas: betas)
        }
        try diagonalizeTridiagonal(diagonal: &diagonal, offDiagonal: &offDiagonal,
                                   basis: &basis, n: n, wantVectors: wantVectors, function: function)

        // Sort ascending (stable on ties, so the order is deterministic) and undo the scaling.
        let order = (0..<n).sorted { diagonal[$0] < diagonal[$1] || (diagonal[$0] == diagonal[$1] && $0 < $1) }
        // `Double(sign:exponent:significand:)` scales by 2ᵉ in steps, so extreme exponents
        // (subnormal inputs need 2¹⁰⁶⁹) neither overflow nor lose bits prematurely.
        let values = order.map { Double(sign: .plus, exponent: -scaleExponent, significand: diagonal[$0]) }
        guard wantVectors else { return (values, nil) }
        var vectors = [Double](repeating: 0, count: n * n)
        for (column, source) in order.enumerated() {
            for row in 0..<n {
                vectors[row * n + column] = basis[source * n + row]
            }
        }
        return (values, Matrix(rows: n, columns: n, values: vectors))
    }

    /// Reduces the symmetric matrix `a` (row-major, n × n) to tridiagonal form in place.
    ///
    /// On return `diagonal[i]` and `offDiagonal[i]` (coupling i and i + 1) hold T, and
    /// row k of `a`, columns k + 1 ..< n, holds the Householder vector vₖ with `betas[k]`
    /// (βₖ = 0 means Hₖ = I).
    static func tridiagonalize(_ a: inout [Double], n: Int, diagonal: inout [Double],
                               offDiagonal: inout [Double], betas: inout [Double]) {
        var p = [Double](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { a in
            p.withUnsafeMutableBufferPointer { p in
                var k = 0
                while k + 2 < n {
                    let first = k + 1  // first row/column of the trailing block
                    let m = n - first  // its order
                    let v = a.baseAddress! + k * n + first  // row k, columns first…n−1 (= column k by symmetry)
                    diagonal[k] = a[k * n + k]
                    var tail = 0.0
                    for j in 1..<m { tail += v[j] * v[j] }
                    let x0 = v[0]
                    if tail == 0 {
                        // Column already reduced: Hₖ = I.
                        offDiagonal[k] = x0
                        betas[k] = 0
                        k += 1
                        continue
                    }
                    let norm = (x0 * x0 + tail).squareRoot()
                    let alpha = x0 >= 0 ? -norm : norm  // opposite sign to x0: no cancellation in v0
                    v[0] = x0 - alpha
                    let beta = 2 / (v[0] * v[0] + tail)
                    betas[k] = beta
                    offDiagonal[k] = alpha

                    // p = β B v, as Σᵢ vᵢ · (row i of B) using B's symmetry (contiguous rows).
                    for j in 0..<m { p[j] = 0 }
                    for i in 0..<m {
                        let row = a.baseAddress! + (first + i) * n + first
                        let vi = beta * v[i]
                        for j in 0..<m { p[j] += vi * row[j] }
                    }
                    // w = p − (β/2)(vᵀp) v, stored in p.
                    var vp = 0.0
                    for j in 0..<m { vp += v[j] * p[j] }
                    let half = 0.5 * beta * vp
                    for j in 0..<m { p[j] -= half * v[j] }
                    // B ← B − v wᵀ − w vᵀ.
                    for i in 0..<m {
                        let row = a.baseAddress! + (first + i) * n + first
                        let vi = v[i]
                        let wi = p[i]
                        for j in 0..<m { row[j] -= vi * p[j] + wi * v[j] }
                    }
                    k += 1
                }
            }
        }
        if n >= 2 {
            diagonal[n - 2] = a[(n - 2) * n + (n - 2)]
            offDiagonal[n - 2] = a[(n - 2) * n + (n - 1)]
        }
        diagonal[n - 1] = a[(n - 1) * n + (n - 1)]
        offDiagonal[n - 1] = 0
    }

    /// Forms Qᵀ = Hₙ₋₃ ⋯ H₁ H₀ (row-major) from the reflectors stored by ``tridiagonalize``.
    ///
    /// Backward accumulation: starting from I, Qᵀ ← Qᵀ Hₖ for k = n − 3 down to 0; at step k
    /// only rows and columns ≥ k + 1 are non-trivial.
    static func accumulateReflectors(_ a: [Double], n: Int, betas: [Double]) -> [Double] {
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { q[i * n + i] = 1 }
        guard n >= 3 else { return q }
        q.withUnsafeMutableBufferPointer { q in
            a.withUnsafeBufferPointer { a in
                for k in stride(from: n - 3, through: 0, by: -1) {
                    let beta = betas[k]
                    if beta == 0 { continue }
                    let first = k + 1
                    let m = n - first
                    let v = a.baseAddress! + k * n + first
                    for r in first..<n {
                        let row = q.baseAddress! + r * n + first
                        // s = row · v, with four partial sums for speed (fixed order: deterministic).
                        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                        var j = 0
                        while j + 4 <= m {
                            s0 += row[j] * v[j]
                            s1 += row[j + 1] * v[j + 1]
                            s2 += row[j + 2] * v[j + 2]
                            s3 += row[j + 3] * v[j + 3]
                            j += 4
                        }
                        while j < m {
                            s0 += row[j] * v[j]
                            j += 1
                        }
                        let s = beta * ((s0 + s1) + (s2 + s3))
                        if s == 0 { continue }
                        for j in 0..<m { row[j] -= s * v[j] }
                    }
                }
            }
        }
        return q
    }

    /// Diagonalises the symmetric tridiagonal matrix (diagonal d, off-diagonal e with
    /// eᵢ coupling i and i + 1) by implicit QL steps with Wilkinson shifts.
    ///
    /// On return `diagonal` holds the eigenvalues (unsorted). With `wantVectors`, every
    /// rotation acting on indices (i, i + 1) is also applied to rows i and i + 1 of
    /// `basis` (n × n, row-major), which therefore ends as Vᵀ.
    static func diagonalizeTridiagonal(diagonal d: inout [Double], offDiagonal e: inout [Double],
                                       basis: inout [Double], n: Int, wantVectors: Bool,
                                       function: String) throws {
        let epsilon = Double.ulpOfOne
        try basis.withUnsafeMutableBufferPointer { z in
            for l in 0..<n {
                var iterations = 0
                while true {
                    // Find the first negligible off-diagonal element at or after l.
                    var m = l
                    while m < n - 1 {
                        if e[m].magnitude <= epsilon * (d[m].magnitude + d[m + 1].magnitude) { break }
                        m += 1
                    }
                    if m == l { break }  // d[l] is an eigenvalue
                    iterations += 1
                    if iterations > maxIterationsPerEigenvalue {
                        throw InitializerError.notConverged(
                            "\(function): implicit QL did not converge for eigenvalue \(l) of \(n) "
                                + "after \(maxIterationsPerEigenvalue) iterations (off-diagonal \(e[l]))")
                    }

                    // Wilkinson shift μ from the leading 2 × 2 block of the unreduced part;
                    // g starts as d[m] − μ.
                    var g = (d[l + 1] - d[l]) / (2 * e[l])
                    var r = hypotenuse(g, 1)
                    g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))

                    var sine = 1.0
                    var cosine = 1.0
                    var shiftCorrection = 0.0
                    var i = m - 1
                    var deflatedEarly = false
                    while i >= l {
                        let f = sine * e[i]
                        let b = cosine * e[i]
                        r = hypotenuse(f, g)
                        e[i + 1] = r
                        if r == 0 {
                            // Underflow: the bulge vanished; deflate and restart this eigenvalue.
                            d[i + 1] -= shiftCorrection
                            e[m] = 0
                            deflatedEarly = true
                            break
                        }
                        sine = f / r
                        cosine = g / r
                        g = d[i + 1] - shiftCorrection
                        r = (d[i] - g) * sine + 2 * cosine * b
                        shiftCorrection = sine * r
                        d[i + 1] = g + shiftCorrection
                        g = cosine * r - b
                        if wantVectors {
                            let upper = z.baseAddress! + i * n
                            let lower = upper + n
                            for k in 0..<n {
                                let zl = lower[k]
                                let zu = upper[k]
                                lower[k] = sine * zu + cosine * zl
                                upper[k] = cosine * zu - sine * zl
                            }
                        }
                        i -= 1
                    }
                    if deflatedEarly { continue }
                    d[l] -= shiftCorrection
                    e[l] = g
                    e[m] = 0
                }
            }
        }
    }
}
