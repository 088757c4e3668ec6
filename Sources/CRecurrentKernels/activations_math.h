// Vectorizable exp, logistic sigmoid and tanh for float and double. Not a public header.
//
// Every function is branch-free straight-line code (selects, integer bit operations and
// arithmetic only), so a loop that applies it element by element vectorizes for whatever
// instruction set the including translation unit targets (see activations_kernels.h).
// There is no float-to-integer conversion (the exponent of 2^n comes from the bits of a
// "magic number" sum), so NaN and infinite inputs cause no undefined behaviour; NaN in
// gives NaN out. Infinities saturate: exp(+inf) = +inf, exp(-inf) = 0, σ(±inf) = 1 or 0,
// tanh(±inf) = ±1.
//
// Accuracy: max error in ulps of the result against the exact value, measured exhaustively
// over all 2³² floats and on 6.5·10⁷ random and dense doubles (AVX-512 level; the other
// levels agree within 0.05 ulp; the float sweep is Scripts/activation-accuracy.sh 1, rerun on 2026-11-27:
// exp 1.010, sigmoid 2.402, tanh 1.509 ulp at the AVX2 and AVX-512 levels, exp 0.990 at the portable one),
// and re-checked on a dense subset by Tests/RecurrentTests/ActivationKernelTests.swift:
//   float  exp 1.01 ulp (within 1 ulp of glibc's expf), sigmoid 2.40 ulp, tanh 1.51 ulp;
//   double exp 0.99 ulp, sigmoid 2.33 ulp, tanh 1.50 ulp (within 1, 2, 3 ulp of glibc).
// Subnormal results are rounded once (2^n is applied as two exact power-of-two factors).
#ifndef RNN_ACTIVATIONS_MATH_H
#define RNN_ACTIVATIONS_MATH_H

#include <stdint.h>
#include <string.h>

#define RK_INLINE static inline __attribute__((always_inline))

RK_INLINE uint32_t rk_bits_f(float x) { uint32_t u; memcpy(&u, &x, sizeof u); return u; }
RK_INLINE float rk_float(uint32_t u) { float x; memcpy(&x, &u, sizeof x); return x; }
RK_INLINE uint64_t rk_bits_d(double x) { uint64_t u; memcpy(&u, &x, sizeof u); return u; }
RK_INLINE double rk_double(uint64_t u) { double x; memcpy(&x, &u, sizeof x); return x; }

// ------------------------------------------------------------------------- float

/// eˣ. Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, Cephes' degree-6 polynomial for
/// eʳ, then scaling by 2^⌊n/2⌋·2^(n−⌊n/2⌋) so that overflow (x > 88.72) gives +inf and
/// gradual underflow rounds once.
RK_INLINE float rk_expf(float x) {
    x = x < -104.0f ? -104.0f : x;  // NaN passes both selects unchanged
    x = x > 89.0f ? 89.0f : x;
    const float magic = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer
    float t = x * 1.44269504088896341f + magic;
    float n = t - magic;
    int32_t ni = (int32_t)(rk_bits_f(t) - rk_bits_f(magic));  // n as an integer, |n| ≤ 150
    float r = x - n * 0.693359375f;  // ln2 high part: n·hi is exact
    r = r - n * -2.12194440e-4f;     // ln2 low part
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * (r * r) + r + 1.0f;
    int32_t n1 = ni >> 1, n2 = ni - n1;  // each in [-75, 64]: normal powers of two
    float s1 = rk_float((uint32_t)(n1 + 127) << 23);
    float s2 = rk_float((uint32_t)(n2 + 127) << 23);
    return (y * s1) * s2;
}

/// σ(x) = 1 / (1 + e⁻ˣ) for x ≥ 0 and eˣ / (1 + eˣ) for x < 0 (the same two branches as the
/// Swift reference), as one division with a selected numerator: no overflow for any x.
RK_INLINE float rk_sigmoidf(float x) {
    float ax = rk_float(rk_bits_f(x) & 0x7fffffffu);
    float e = rk_expf(-ax);
    float num = x >= 0.0f ? 1.0f : e;
    return num / (1.0f + e);
}

/// tanh x: Cephes' odd polynomial for |x| < 0.625, (1 − e)/(1 + e) with e = e^(−2|x|) above,
/// with the sign of x restored.
RK_INLINE float rk_tanhf(float x) {
    uint32_t sign = rk_bits_f(x) & 0x80000000u;
    float ax = rk_float(rk_bits_f(x) & 0x7fffffffu);
    float z = x * x;
    float ps = -5.70498872745e-3f;
    ps = ps * z + 2.06390887954e-2f;
    ps = ps * z - 5.37397155531e-2f;
    ps = ps * z + 1.33314422036e-1f;
    ps = ps * z - 3.33332819422e-1f;
    float small = (ps * z) * x + x;
    float e = rk_expf(-2.0f * ax);
    float large = rk_float(rk_bits_f((1.0f - e) / (1.0f + e)) | sign);
    return ax < 0.625f ? small : large;
}

// ------------------------------------------------------------------------ double

/// eˣ. Cody–Waite reduction with Cephes' split of ln2, |r| ≤ ln2/2, then the degree-13
/// Taylor polynomial of eʳ (truncation error < 5·10⁻¹⁸) and two-factor scaling as above.
RK_INLINE double rk_exp(double x) {
    x = x < -746.0 ? -746.0 : x;
    x = x > 710.0 ? 710.0 : x;
    const double magic = 6755399441055744.0;  // 1.5·2⁵²
    double t = x * 1.4426950408889634074 + magic;
    double n = t - magic;
    int64_t ni = (int64_t)(rk_bits_d(t) - rk_bits_d(magic));  // |n| ≤ 1077
    double r = x - n * 6.93145751953125e-1;
    r = r - n * 1.42860682030941723212e-6;
    double p = 1.0 / 6227020800.0;  // 1/13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    double y = p * (r * r) + r + 1.0;
    int64_t n1 = ni >> 1, n2 = ni - n1;  // each in [-539, 513]
    double s1 = rk_double((uint64_t)(n1 + 1023) << 52);
    double s2 = rk_double((uint64_t)(n2 + 1023) << 52);
    return (y * s1) * s2;
}

RK_INLINE double rk_sigmoid(double x) {
    double ax = rk_double(rk_bits_d(x) & 0x7fffffffffffffffull);
    double e = rk_exp(-ax);
    double num = x >= 0.0 ? 1.0 : e;
    return num / (1.0 + e);
}

/// tanh x: Cephes' rational approximation x + x³·P(x²)/Q(x²) for |x| < 0.625,
/// (1 − e)/(1 + e) with e = e^(−2|x|) above.
RK_INLINE double rk_tanh(double x) {
    uint64_t sign = rk_bits_d(x) & 0x8000000000000000ull;
    double ax = rk_double(rk_bits_d(x) & 0x7fffffffffffffffull);
    double z = x * x;
    double pn = -9.64399179425052238628e-1;
    pn = pn * z - 9.92877231001918586564e1;
    pn = pn * z - 1.61468768441708447952e3;
    double qd = z + 1.12811678491632931402e2;
    qd = qd * z + 2.23548839060100448583e3;
    qd = qd * z + 4.84406305325125486048e3;
    double small = x + x * (z * (pn / qd));
    double e = rk_exp(-2.0 * ax);
    double large = rk_double(rk_bits_d((1.0 - e) / (1.0 + e)) | sign);
    return ax < 0.625 ? small : large;
}

#endif
