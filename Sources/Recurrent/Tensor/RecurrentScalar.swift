#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import CRecurrentKernels

/// A floating-point type the library computes in: `Float` or `Double`.
///
/// The requirements are the elementary functions the cells need and a matrix
/// product. `Float` and `Double` route ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// to the dispatched C kernels; ``portableGEMM(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// is the reference path that the tests compare them against.
public protocol RecurrentScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// eˣ
    static func exp(_ x: Self) -> Self
    /// Natural logarithm.
    static func log(_ x: Self) -> Self
    /// Hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
    /// Row-major C = α·op(A)·op(B) + β·C. With β = 0, C is overwritten without being read.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    // MARK: Prepacked weights
    //
    // A weight multiplied at every time step is laid out once per pass in the matrix kernels' own
    // format, so the per-step products do not repack it. The defaults store op(B) as a plain
    // row-major (k, n) matrix and call `gemm`; `Float` and `Double` use the C kernels' panel layout,
    // with results identical to `gemm`'s.

    /// Scalars needed to hold op(B) of shape (k, n) packed by ``packWeight(transpose:k:n:b:ldb:into:)``.
    static func packedWeightCount(k: Int, n: Int) -> Int
    /// Packs op(B) (k, n) — B itself (`transpose == false`, row pitch `ldb`) or Bᵀ for B of shape (n, k) —
    /// into `packed` (``packedWeightCount(k:n:)`` scalars).
    static func packWeight(transpose: Bool, k: Int, n: Int, b: UnsafePointer<Self>, ldb: Int,
                           into packed: UnsafeMutablePointer<Self>)
    /// Row-major C = α·op(A)·op(B) + β·C with op(B) packed by ``packWeight(transpose:k:n:b:ldb:into:)`` for the
    /// same k and n; the same results as ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    static func gemmPacked(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, packed: UnsafePointer<Self>,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// Row-major C = α·op(A)·op(B) + bias, the row vector `bias` (n scalars) added to every row, with op(B)
    /// packed as for ``gemmPacked(transposeA:m:n:k:alpha:a:lda:packed:beta:c:ldc:)``: bit for bit that product
    /// with β = 1 on a C whose rows were set to `bias`, which is what the default does; `Float` and `Double`
    /// set each tile of C to the bias inside the product, without a separate pass over C.
    static func gemmPackedAddingBias(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, packed: UnsafePointer<Self>,
        bias: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>, ldc: Int)

    // MARK: Vector element functions
    //
    // The elementwise work every cell may use. Each requirement has a default implementation in plain
    // Swift (the `portable…` function of the same name, the reference that the tests compare against);
    // `Float` and `Double` route them to the dispatched C kernels of CRecurrentKernels (AVX-512 / AVX2+FMA /
    // portable C); see RecurrentScalar+Kernels.swift. A scalar type of your own gets working (slow) defaults.
    // Each cell's fused gate kernels are not requirements: they live beside the cell (Cells/<Name>/).

    /// `y[i] = eˣ⁽ⁱ⁾` for `count` elements; `x == y` is allowed, no other overlap.
    static func vectorExp(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
    /// `y[i] = σ(x[i])`; `x == y` is allowed.
    static func vectorSigmoid(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
    /// `y[i] = tanh(x[i])`; `x == y` is allowed.
    static func vectorTanh(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
    /// `sums[j] += Σ_r m[r, j]`, rows in order, see ``portableAddColumnSums(_:ld:rows:width:into:)``.
    static func addColumnSums(_ m: UnsafePointer<Self>, ld: Int, rows: Int, width: Int, into sums: UnsafeMutablePointer<Self>)
}

extension RecurrentScalar {
    /// Logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ), evaluated without overflow for large |x|.
    @inlinable
    public static func sigmoid(_ x: Self) -> Self {
        if x >= 0 {
            return 1 / (1 + exp(-x))
        }
        let e = exp(x)
        return e / (1 + e)
    }
}

extension RecurrentScalar {
    /// k·n: op(B) as a plain row-major matrix.
    @inlinable
    public static func packedWeightCount(k: Int, n: Int) -> Int { Swift.max(k, 0) * Swift.max(n, 0) }

    /// Copies op(B) into a row-major (k, n) matrix.
    @inlinable
    public static func packWeight(transpose: Bool, k: Int, n: Int, b: UnsafePointer<Self>, ldb: Int,
                                  into packed: UnsafeMutablePointer<Self>) {
        for p in 0..<Swift.max(k, 0) {
            for j in 0..<Swift.max(n, 0) { packed[p * n + j] = transpose ? b[j * ldb + p] : b[p * ldb + j] }
        }
    }

    /// ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` on the row-major copy.
    @inlinable
    public static func gemmPacked(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, packed: UnsafePointer<Self>,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        gemm(transposeA: transposeA, transposeB: false, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
             b: packed, ldb: Swift.max(n, 1), beta: beta, c: c, ldc: ldc)
    }

    /// Sets every row of C to `bias`, then ``gemmPacked(transposeA:m:n:k:alpha:a:lda:packed:beta:c:ldc:)`` with β = 1.
    @inlinable
    public static func gemmPackedAddingBias(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, packed: UnsafePointer<Self>,
        bias: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        for r in 0..<Swift.max(m, 0) { (c + r * ldc).update(from: bias, count: Swift.max(n, 0)) }
        gemmPacked(transposeA: transposeA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, packed: packed, beta: 1,
                   c: c, ldc: ldc)
    }
}

extension Float: RecurrentScalar {
    /// eˣ with glibc's `expf` (the scalar reference; the cells' kernels use the vectorized C version).
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    /// Natural logarithm with `logf`.
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    /// tanh with glibc's `tanhf` (the scalar reference).
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    /// Row-major C = α·op(A)·op(B) + β·C with the dispatched C kernel `rnn_sgemm`.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        rnn_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    /// Scalars of op(B) (k, n) in the C kernels' panel layout at the current kernel level (`rnn_sgemm_packed_size`).
    @inlinable
    public static func packedWeightCount(k: Int, n: Int) -> Int { rnn_sgemm_packed_size(k, n) }
    /// Packs op(B) into the C kernels' panel layout (`rnn_sgemm_pack`).
    @inlinable
    public static func packWeight(transpose: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int,
                                  into packed: UnsafeMutablePointer<Float>) {
        rnn_sgemm_pack(transpose ? 1 : 0, k, n, b, ldb, packed)
    }
    /// C = α·op(A)·op(B) + β·C from a packed op(B) (`rnn_sgemm_packed`); results identical to ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    @inlinable
    public static func gemmPacked(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, packed: UnsafePointer<Float>,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let done = rnn_sgemm_packed(transposeA ? 1 : 0, m, n, k, alpha, a, lda, packed, beta, c, ldc)
        precondition(done != 0, "gemmPacked: the packed operand was packed for other sizes than (k: \(k), n: \(n))")
    }
    /// C = α·op(A)·op(B) + bias from a packed op(B) (`rnn_sgemm_packed_bias`): each tile of C is set to the bias
    /// inside the product; bit for bit the default's bias rows and β = 1.
    @inlinable
    public static func gemmPackedAddingBias(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, packed: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let done = rnn_sgemm_packed_bias(transposeA ? 1 : 0, m, n, k, alpha, a, lda, packed, bias, c, ldc)
        precondition(done != 0, "gemmPackedAddingBias: the packed operand was packed for other sizes than (k: \(k), n: \(n))")
    }
}

extension Double: RecurrentScalar {
    /// eˣ with glibc's `exp` (the scalar reference; the cells' kernels use the vectorized C version).
    @inlinable public static func exp(_ x: Double) -> Double { Foundation_exp(x) }
    /// Natural logarithm with `log`.
    @inlinable public static func log(_ x: Double) -> Double { Foundation_log(x) }
    /// tanh with glibc's `tanh` (the scalar reference).
    @inlinable public static func tanh(_ x: Double) -> Double { Foundation_tanh(x) }
    /// Row-major C = α·op(A)·op(B) + β·C with the dispatched C kernel `rnn_dgemm`.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        rnn_dgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    /// Scalars of op(B) (k, n) in the C kernels' panel layout at the current kernel level (`rnn_dgemm_packed_size`).
    @inlinable
    public static func packedWeightCount(k: Int, n: Int) -> Int { rnn_dgemm_packed_size(k, n) }
    /// Packs op(B) into the C kernels' panel layout (`rnn_dgemm_pack`).
    @inlinable
    public static func packWeight(transpose: Bool, k: Int, n: Int, b: UnsafePointer<Double>, ldb: Int,
                                  into packed: UnsafeMutablePointer<Double>) {
        rnn_dgemm_pack(transpose ? 1 : 0, k, n, b, ldb, packed)
    }
    /// C = α·op(A)·op(B) + β·C from a packed op(B) (`rnn_dgemm_packed`); results identical to ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    @inlinable
    public static func gemmPacked(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, packed: UnsafePointer<Double>,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let done = rnn_dgemm_packed(transposeA ? 1 : 0, m, n, k, alpha, a, lda, packed, beta, c, ldc)
        precondition(done != 0, "gemmPacked: the packed operand was packed for other sizes than (k: \(k), n: \(n))")
    }
    /// C = α·op(A)·op(B) + bias from a packed op(B) (`rnn_dgemm_packed_bias`): each tile of C is set to the bias
    /// inside the product; bit for bit the default's bias rows and β = 1.
    @inlinable
    public static func gemmPackedAddingBias(
        transposeA: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, packed: UnsafePointer<Double>,
        bias: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let done = rnn_dgemm_packed_bias(transposeA ? 1 : 0, m, n, k, alpha, a, lda, packed, bias, c, ldc)
        precondition(done != 0, "gemmPackedAddingBias: the packed operand was packed for other sizes than (k: \(k), n: \(n))")
    }
}

// The libm names `exp`, `log` and `tanh` are shadowed inside the extension by the
// protocol requirements; these wrappers reach the C functions unambiguously.
@usableFromInline func Foundation_exp(_ x: Double) -> Double { exp(x) }
@usableFromInline func Foundation_log(_ x: Double) -> Double { log(x) }
@usableFromInline func Foundation_tanh(_ x: Double) -> Double { tanh(x) }

extension RecurrentScalar {
    /// Reference GEMM in plain Swift (row-major, same contract as `gemm`).
    /// Slow and simple on purpose: the fast kernels are tested against it.
    public static func portableGEMM(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n {
                var sum: Self = 0
                for p in 0..<k {
                    let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += aValue * bValue
                }
                row[j] = beta == 0 ? alpha * sum : alpha * sum + beta * row[j]
            }
        }
    }
}
