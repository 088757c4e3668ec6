// The C library is imported only so that clients link libm: in unoptimised builds the
// standard library implements `squareRoot()` and `rounded(_:)` with calls to `sqrt` and
// `rint`, which IEEE 754 specifies exactly (correctly rounded / exact). No transcendental
// function of the platform libm is used anywhere in this module.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Elementary functions computed with exact IEEE 754 operations only, so that
/// every platform returns bit-identical results.
///
/// The platform `libm` (`Glibc`, `Darwin`, `ucrt`) is free to round `log` and
/// `exp` differently from one system to the next. ``RandomGenerator/nextGaussian()``
/// and ``Initializers/npRNNInputGain(hiddenSize:)`` must not depend on that, so they
/// use these implementations, which are built from `+`, `−`, `×`, `÷`, comparisons
/// and bit-pattern manipulation, all of which IEEE 754 specifies exactly.
/// Swift does not contract `a * b + c` into a fused multiply-add, so the
/// expressions below round the same way on every target.
///
/// Both functions are accurate to about one unit in the last place (ulp); the
/// test suite checks them against the platform `libm` over wide sweeps.
///
/// ```swift
/// let y = DeterministicMath.log(10)   // 2.302585092994046
/// let z = DeterministicMath.exp(y)    // 10.000000000000002, the same on every platform
/// ```
public enum DeterministicMath {
    /// High part of ln 2: its low 21 significand bits are zero, so `k * ln2High`
    /// is exact for every exponent `k` a `Double` can have.
    @usableFromInline static let ln2High: Double = 0x1.62e42fee00000p-1
    /// ln 2 − `ln2High`, rounded to double.
    @usableFromInline static let ln2Low: Double = 0x1.a39ef35793c76p-33

    /// The natural logarithm ln x.
    ///
    /// The argument is split as x = 2ᵏ · m with m ∈ [√2/2, √2) by reading the
    /// exponent field of the bit pattern (subnormals are first scaled by 2⁵⁴).
    /// With f = m − 1 (exact) and s = f / (2 + f),
    ///
    ///     ln m = ln(1 + f) = 2 artanh s = 2s + s·R(s²),
    ///     R(z) = Σ_{j≥1} 2 zʲ / (2j + 1),   |s| ≤ 0.1716, z ≤ 0.0295,
    ///
    /// and because 2s = f − s·f = f − (h − s·h) with h = f²/2,
    ///
    ///     ln x = k·ln2ₕᵢ − ((h − (s·(h + R) + k·ln2ₗₒ)) − f).
    ///
    /// The large terms f and k·ln2ₕᵢ are exact, so the rounding errors only touch
    /// small corrections. Twelve terms of R leave a truncation error below 10⁻¹⁹ relative.
    ///
    /// Special values follow IEEE 754: ln 0 = −∞, ln(+∞) = +∞, ln x = NaN for x < 0 or NaN.
    ///
    /// - Parameters:
    ///   - x: the argument.
    /// - Returns: ln x, within about 1 ulp of the correctly rounded result.
    ///
    /// ```swift
    /// DeterministicMath.log(1)        // 0.0
    /// DeterministicMath.log(.ulpOfOne) // -36.04365338911715
    /// ```
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }

        var bits = x.bitPattern
        var k = 0
        if x < Double.leastNormalMagnitude {
            // Subnormal: scale by 2⁵⁴ (exact) so the exponent field is meaningful.
            bits = (x * 0x1p54).bitPattern
            k = -54
        }
        // Unbiased exponent and a significand in [1, 2).
        k += Int((bits >> 52) & 0x7ff) - 1023
        var m = Double(bitPattern: (bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000)
        if m > 0x1.6a09e667f3bcdp0 {  // √2 rounded to double
            m *= 0.5                  // exact
            k += 1
        }
        let f = m - 1  // exact (Sterbenz) because m ∈ [0.70, 1.42)
        let s = f / (2 + f)
        let z = s * s
        // R(z) = Σ 2 zʲ / (2j + 1), j = 1…12, by Horner's rule.
        var r = 2.0 / 25.0
        r = r * z + 2.0 / 23.0
        r = r * z + 2.0 / 21.0
        r = r * z + 2.0 / 19.0
        r = r * z + 2.0 / 17.0
        r = r * z + 2.0 / 15.0
        r = r * z + 2.0 / 13.0
        r = r * z + 2.0 / 11.0
        r = r * z + 2.0 / 9.0
        r = r * z + 2.0 / 7.0
        r = r * z + 2.0 / 5.0
        r = r * z + 2.0 / 3.0
        r *= z
        let h = 0.5 * f * f
        let dk = Double(k)
        return dk * ln2High - ((h - (s * (h + r) + dk * ln2Low)) - f)
    }

    /// The exponential function eˣ.
    ///
    /// The argument is reduced as x = k·ln 2 + r with k = round(x / ln 2) and
    /// r = (x − k·ln2ₕᵢ) − k·ln2ₗₒ, |r| ≤ ln2/2 + ε. Then
    ///
    ///     eʳ = 1 + (r + r²·P(r)),   P(r) = Σ_{j≥2} rʲ⁻² / j!   (degree 13 Taylor polynomial),
    ///
    /// and eˣ = 2ᵏ · eʳ is scaled exactly with `Double(sign:exponent:significand:)`.
    ///
    /// - Parameters:
    ///   - x: the argument.
    /// - Returns: eˣ, within about 1 ulp of the correctly rounded result
    ///   (+∞ above 709.78, 0 below −745.13, NaN for NaN).
    ///
    /// ```swift
    /// DeterministicMath.exp(0)   // 1.0
    /// DeterministicMath.exp(1)   // 2.7182818284590455 (e rounds to …045; this is within 1 ulp)
    /// ```
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        if x.magnitude < 0x1p-54 { return 1 + x }

        let k = (x * 0x1.71547652b82fep0).rounded(.toNearestOrEven)  // x / ln 2
        let hi = x - k * ln2High  // exact: k·ln2High is exact and close to x
        let lo = k * ln2Low
        let r = hi - lo
        // P(r) = 1/2! + r/3! + … + r¹¹/13!
        var p = 1.0 / 6_227_020_800.0            // 1/13!
        p = p * r + 1.0 / 479_001_600.0          // 1/12!
        p = p * r + 1.0 / 39_916_800.0           // 1/11!
        p = p * r + 1.0 / 3_628_800.0            // 1/10!
        p = p * r + 1.0 / 362_880.0              // 1/9!
        p = p * r + 1.0 / 40_320.0               // 1/8!
        p = p * r + 1.0 / 5_040.0                // 1/7!
        p = p * r + 1.0 / 720.0                  // 1/6!
        p = p * r + 1.0 / 120.0                  // 1/5!
        p = p * r + 1.0 / 24.0                   // 1/4!
        p = p * r + 1.0 / 6.0                    // 1/3!
        p = p * r + 0.5                          // 1/2!
        let y = 1 + (hi - (lo - r * r * p))
        let exponent = Int(k)
        if exponent < -1021 {
            // Scale in two steps so that only the final multiplication can round (subnormal result).
            return Double(sign: .plus, exponent: exponent + 64, significand: y) * 0x1p-64
        }
        return Double(sign: .plus, exponent: exponent, significand: y)
    }
}
