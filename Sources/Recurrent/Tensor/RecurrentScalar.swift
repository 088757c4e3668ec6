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

extension Float: RecurrentScalar {
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        rnn_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
}

extension Double: RecurrentScalar {
    @inlinable public static func exp(_ x: Double) -> Double { Foundation_exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Foundation_log(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Foundation_tanh(x) }
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        rnn_dgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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
