import RecurrentInitializers

/// Eigenvalues of a general real square matrix: balancing, Householder reduction to upper
/// Hessenberg form, and Francis double-shift QR iterations with deflation.
///
/// The three phases (see Golub & Van Loan, *Matrix Computations*, §7.4–7.5, and Parlett &
/// Reinsch 1969 for balancing):
///
/// 1. **Scaling and balancing.** A is first multiplied by a power of two so that its largest
///    element lies in [1, 2) (exact). Then a diagonal similarity D⁻¹AD with powers of two on
///    the diagonal (exact, so the eigenvalues do not change) makes each row norm and the
///    matching column norm comparable; this reduces ‖A‖ and with it the absolute error of
///    the later phases, which matters for companion-like matrices.
/// 2. **Hessenberg reduction.** Householder reflectors Pₖ = I − βₖvₖvₖᵀ annihilate column k
///    below the subdiagonal, H = Qᵀ(D⁻¹AD)Q with Q orthogonal; 10n³/3 flops.
/// 3. **Francis double-shift QR.** On the trailing unreduced block the two shifts are the
///    eigenvalues σ₁, σ₂ of its bottom 2 × 2 block (real or a conjugate pair), applied
///    implicitly: the first column of (H − σ₁)(H − σ₂) defines a 3 × 3 reflector, whose bulge is
///    chased down the diagonal by further 3 × 3 reflectors, so all arithmetic stays real. A
///    subdiagonal element is set to zero when |hₖ,ₖ₋₁| ≤ ε (|hₖ₋₁,ₖ₋₁| + |hₖₖ|); a 1 × 1 block
///    gives a real eigenvalue, a 2 × 2 block a real pair or a conjugate pair a ± ib. Every 10th
///    iteration without deflation uses an exceptional (ad hoc) shift to break cycles such as
///    those of permutation matrices. About 10n³ flops in all.
///
/// Backward stability: the computed eigenvalues are the exact eigenvalues of A + E with
/// ‖E‖ ≲ c·n·ε·‖A‖, so a simple eigenvalue λ with condition number κ(λ) = 1/|yᴴx| is accurate
/// to about κ(λ)·n·ε·‖A‖ (κ = 1 for normal matrices); a defective eigenvalue of a k × k Jordan
/// block moves by about (n ε ‖A‖)^(1/k).
enum GeneralEigensolver {
    /// Iterations allowed between two deflations before giving up (LAPACK's `dlahqr` allows 30 per row in all).
    static let defaultIterationCap = 300

    /// The eigenvalues, in the order they deflate (bottom of the matrix first).
    static func eigenvalues(_ matrix: Matrix, function: String, iterationCap: Int = defaultIterationCap) throws -> [Complex] {
        let n = matrix.rows
        var largest = 0.0
        for value in matrix.values { largest = max(largest, value.magnitude) }
        if largest == 0 { return [Complex](repeating: Complex(0), count: n) }
        if n == 1 { return [Complex(matrix.values[0])] }

        // Exact power-of-two scaling so that max |aᵢⱼ| ∈ [1, 2).
        let exponent = -Int(largest.exponent)
        var a = matrix.values.map { Double(sign: .plus, exponent: exponent, significand: $0) }
        balance(&a, n: n)
        reduceToHessenberg(&a, n: n)
        let values = try hessenbergEigenvalues(&a, n: n, function: function, iterationCap: iterationCap)
        return values.map {
            Complex(Double(sign: .plus, exponent: -exponent, significand: $0.re),
                    Double(sign: .plus, exponent: -exponent, significand: $0.im))
        }
    }

    // MARK: Balancing

    /// Replaces `a` by D⁻¹AD, D = diag(2^kᵢ), making row i's and column i's off-diagonal
    /// 1-norms agree within a factor of about 4. Exact in binary arithmetic; |kᵢ| ≤ 200 so that
    /// no element can overflow or become subnormal.
    static func balance(_ a: inout [Double], n: Int) {
        var logScale = [Int](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { a in
            var changed = true
            var sweeps = 0
            while changed && sweeps < 100 {
                changed = false
                sweeps += 1
                for i in 0..<n {
                    var column = 0.0, row = 0.0
                    for j in 0..<n where j != i {
                        column += a[j * n + i].magnitude
                        row += a[i * n + j].magnitude
                    }
                    if column == 0 || row == 0 { continue }
                    // Scaling column i by f = 2^k and row i by 1/f turns (column, row) into
                    // (f·column, row/f); choose k so that the two are within a factor of 4.
                    var k = 0
                    var c = column, r = row
                    while c < r / 4 && logScale[i] + k < 200 { c *= 2; r /= 2; k += 1 }
                    while c > r * 4 && logScale[i] + k > -200 { c /= 2; r *= 2; k -= 1 }
                    if k == 0 || c + r >= 0.95 * (column + row) { continue }
                    logScale[i] += k
                    changed = true
                    for j in 0..<n {
                        a[j * n + i] = Double(sign: .plus, exponent: k, significand: a[j * n + i])
                        a[i * n + j] = Double(sign: .plus, exponent: -k, significand: a[i * n + j])
                    }
                }
            }
        }
    }

    // MARK: Hessenberg reduction

    /// A Householder reflector P = I − β v vᵀ with P x = α e₁, or `nil` when x = 0.
    ///
    /// The vector is computed from x / max|xᵢ| (no overflow or underflow in the norm);
    /// α = −sign(x₀)‖x‖, v = x − α e₁ (no cancellation), β = 2 / vᵀv = −1 / (α v₀).
    @inline(__always)
    static func reflector(_ x: UnsafeMutableBufferPointer<Double>) -> (beta: Double, alpha: Double)? {
        var scale = 0.0
        for value in x { scale = max(scale, value.magnitude) }
        if scale == 0 { return nil }
        var squares = 0.0
        for i in x.indices {
            x[i] /= scale
            squares += x[i] * x[i]
        }
        let norm = squares.squareRoot()
        let alpha = x[0] >= 0 ? -norm : norm
        x[0] -= alpha
        return (-1 / (alpha * x[0]), alpha * scale)
    }

    /// Reduces `a` (row-major n × n) to upper Hessenberg form by Householder similarities.
    static func reduceToHessenberg(_ a: inout [Double], n: Int) {
        guard n >= 3 else { return }
        var v = [Double](repeating: 0, count: n)
        var p = [Double](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { a in
            v.withUnsafeMutableBufferPointer { vAll in
                p.withUnsafeMutableBufferPointer { p in
                    for k in 0..<(n - 2) {
                        let first = k + 1
                        let m = n - first
                        let v = UnsafeMutableBufferPointer(rebasing: vAll[0..<m])
                        var tailIsZero = true
                        for i in 0..<m {
                            v[i] = a[(first + i) * n + k]
                            if i > 0 && v[i] != 0 { tailIsZero = false }
                        }
                        if tailIsZero { continue }
                        guard let (beta, alpha) = reflector(v) else { continue }
                        // Left: rows first..<n, columns k..<n: A ← A − v (β vᵀA).
                        for j in k..<n { p[j] = 0 }
                        for i in 0..<m {
                            let row = (first + i) * n
                            let vi = v[i]
                            for j in (k + 1)..<n { p[j] += vi * a[row + j] }
                        }
                        for i in 0..<m {
                            let row = (first + i) * n
                            let vi = beta * v[i]
                            for j in (k + 1)..<n { a[row + j] -= vi * p[j] }
                        }
                        a[first * n + k] = alpha
                        for i in 1..<m { a[(first + i) * n + k] = 0 }
                        // Right: all rows, columns first..<n: A ← A − (β A v) vᵀ.
                        for i in 0..<n {
                            let row = i * n + first
                            var s = 0.0
                            for j in 0..<m { s += a[row + j] * v[j] }
                            s *= beta
                            if s == 0 { continue }
                            for j in 0..<m { a[row + j] -= s * v[j] }
                        }
                    }
                }
            }
        }
    }

    // MARK: Francis double-shift QR

    /// The eigenvalues of the 2 × 2 matrix [[a, b], [c, d]]: a real pair or a conjugate pair
    /// (re, ±im), computed from the matrix divided by its largest element (no overflow) and
    /// with the stable quadratic formula (no cancellation between the two real roots).
    static func eigenvalues2x2(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> (Complex, Complex) {
        let scale = max(max(a.magnitude, b.magnitude), max(c.magnitude, d.magnitude))
        if scale == 0 { return (Complex(0), Complex(0)) }
        let (a, b, c, d) = (a / scale, b / scale, c / scale, d / scale)
        // λ = d + p ± √(p² + bc), p = (a − d)/2.
        let p = 0.5 * (a - d)
        let discriminant = p * p + b * c
        if discriminant >= 0 {
            let root = discriminant.squareRoot()
            let z = p >= 0 ? p + root : p - root
            if z == 0 { return (Complex(d * scale), Complex(d * scale)) }
            let first = d + z
            let second = d - (b / z) * c
            return (Complex(first * scale), Complex(second * scale))
        }
        let re = (d + p) * scale
        let im = (-discriminant).squareRoot() * scale
        return (Complex(re, im), Complex(re, -im))
    }

    /// Eigenvalues of the upper Hessenberg matrix `h` (row-major n × n, destroyed).
    static func hessenbergEigenvalues(_ h: inout [Double], n: Int, function: String, iterationCap: Int) throws -> [Complex] {
        var result: [Complex] = []
        result.reserveCapacity(n)
        var norm = 0.0
        for value in h { norm = max(norm, value.magnitude) }
        let epsilon = Double.ulpOfOne
        let tiny = Double.leastNormalMagnitude * Double(n) / epsilon
        try h.withUnsafeMutableBufferPointer { h in
            @inline(__always) func at(_ i: Int, _ j: Int) -> Double { h[i * n + j] }
            var hi = n - 1
            var iterations = 0
            while hi >= 0 {
                // The unreduced block l…hi: the lowest l whose subdiagonal entries l+1…hi are all non-negligible.
                var l = hi
                while l > 0 {
                    let sub = at(l, l - 1).magnitude
                    var reference = at(l - 1, l - 1).magnitude + at(l, l).magnitude
                    if reference == 0 { reference = norm }
                    // Deflate when negligible next to its diagonal neighbours (relative accuracy) or next to
                    // the whole matrix (normwise backward stable); the second test matters for clusters of
                    // tiny eigenvalues, where the local reference shrinks as fast as the subdiagonal.
                    if sub <= epsilon * reference || sub <= epsilon * norm || sub <= tiny {
                        h[l * n + l - 1] = 0
                        break
                    }
                    l -= 1
                }
                if l == hi {
                    result.append(Complex(at(hi, hi)))
                    hi -= 1
                    iterations = 0
                    continue
                }
                if l == hi - 1 {
                    let (first, second) = eigenvalues2x2(at(hi - 1, hi - 1), at(hi - 1, hi), at(hi, hi - 1), at(hi, hi))
                    result.append(first)
                    result.append(second)
                    hi -= 2
                    iterations = 0
                    continue
                }
                iterations += 1
                if iterations > iterationCap {
                    // Stalled, which happens on clusters of nearly defective eigenvalues (a trained IRNN has them
                    // near 1): split the block at its smallest subdiagonal entry if that is below √ε·‖H‖. This is a
                    // backward error of √ε·‖H‖, and such a cluster's eigenvalues are only determined to about √ε
                    // anyway; otherwise give up with the error below.
                    var smallest = l + 1
                    for k in (l + 1)...hi where at(k, k - 1).magnitude < at(smallest, smallest - 1).magnitude { smallest = k }
                    if at(smallest, smallest - 1).magnitude <= epsilon.squareRoot() * norm {
                        h[smallest * n + smallest - 1] = 0
                        iterations = 0
                        continue
                    }
                    throw DiagnosticsError.notConverged(
                        "\(function): Francis QR did not converge: \(iterationCap) iterations without deflation on rows "
                            + "\(l)…\(hi) of a \(n) × \(n) matrix (\(result.count) eigenvalues found; last subdiagonal "
                            + "element \(at(hi, hi - 1)))")
                }
                // Shifts: σ₁ + σ₂ = s and σ₁σ₂ = t.
                var s: Double, t: Double
                if iterations % 10 == 0 {
                    // Exceptional shift (Wilkinson's ad hoc choice, as in EISPACK): breaks cycles.
                    let w = at(hi, hi - 1).magnitude + at(hi - 1, hi - 2).magnitude
                    let h11 = 0.75 * w + at(hi, hi)
                    s = 2 * h11
                    t = h11 * h11 + 0.4375 * w * w
                } else {
                    s = at(hi - 1, hi - 1) + at(hi, hi)
                    t = at(hi - 1, hi - 1) * at(hi, hi) - at(hi - 1, hi) * at(hi, hi - 1)
                    // When the trailing 2 × 2 block has real eigenvalues, use the one closer to h[hi, hi] as a
                    // double shift (as LAPACK's dlahqr does): two different real shifts can stall on clusters of
                    // nearly equal real eigenvalues, which a trained IRNN's recurrent matrix has around 1.
                    let half = (at(hi - 1, hi - 1) - at(hi, hi)) / 2
                    let discriminant = half * half + at(hi - 1, hi) * at(hi, hi - 1)
                    if discriminant >= 0 {
                        let root = discriminant.squareRoot()
                        let mean = (at(hi - 1, hi - 1) + at(hi, hi)) / 2
                        let (r1, r2) = (mean + root, mean - root)
                        let r = abs(r1 - at(hi, hi)) <= abs(r2 - at(hi, hi)) ? r1 : r2
                        s = 2 * r
                        t = r * r
                    }
                }
                francisStep(h, n: n, l: l, hi: hi, s: s, t: t)
            }
        }
        return result
    }

    /// One implicit double-shift step on the unreduced block l…hi (hi − l ≥ 2), updating only
    /// that block (enough for eigenvalues).
    @inline(__always)
    static func francisStep(_ h: UnsafeMutableBufferPointer<Double>, n: Int, l: Int, hi: Int, s: Double, t: Double) {
        // First column of (H − σ₁I)(H − σ₂I) = H² − sH + tI, rows l, l+1, l+2.
        let h00 = h[l * n + l], h01 = h[l * n + l + 1]
        let h10 = h[(l + 1) * n + l], h11 = h[(l + 1) * n + l + 1], h21 = h[(l + 2) * n + l + 1]
        var x = h00 * h00 + h01 * h10 - s * h00 + t
        var y = h10 * (h00 + h11 - s)
        var z = h10 * h21
        var storage = (0.0, 0.0, 0.0)
        withUnsafeMutableBytes(of: &storage) { raw in
            let v = raw.bindMemory(to: Double.self)
            for k in l...(hi - 1) {
                let size = k < hi - 1 ? 3 : 2
                v[0] = x
                v[1] = y
                v[2] = size == 3 ? z : 0
                let vector = UnsafeMutableBufferPointer(rebasing: v[0..<size])
                if let (beta, alpha) = reflector(vector) {
                    let v0 = v[0], v1 = v[1], v2 = v[2]
                    let firstColumn = max(l, k - 1)
                    // Left: rows k…k+size−1, columns firstColumn…hi.
                    for j in firstColumn...hi {
                        var sum = v0 * h[k * n + j] + v1 * h[(k + 1) * n + j]
                        if size == 3 { sum += v2 * h[(k + 2) * n + j] }
                        sum *= beta
                        h[k * n + j] -= sum * v0
                        h[(k + 1) * n + j] -= sum * v1
                        if size == 3 { h[(k + 2) * n + j] -= sum * v2 }
                    }
                    if k > l {
                        // The bulge column k−1 is now (α, 0, 0).
                        h[k * n + k - 1] = alpha
                        h[(k + 1) * n + k - 1] = 0
                        if size == 3 { h[(k + 2) * n + k - 1] = 0 }
                    }
                    // Right: columns k…k+size−1, rows l…min(k+3, hi).
                    for i in l...min(k + 3, hi) {
                        let row = i * n + k
                        var sum = h[row] * v0 + h[row + 1] * v1
                        if size == 3 { sum += h[row + 2] * v2 }
                        sum *= beta
                        h[row] -= sum * v0
                        h[row + 1] -= sum * v1
                        if size == 3 { h[row + 2] -= sum * v2 }
                    }
                }
                if k < hi - 1 {
                    x = h[(k + 1) * n + k]
                    y = h[(k + 2) * n + k]
                    if k < hi - 2 { z = h[(k + 3) * n + k] }
                }
            }
        }
    }
}
