// NEON level (aarch64, where Advanced SIMD is part of the base instruction set: selected at compile
// time, no flags, no run-time check). Float tile 8 × 12: 24 accumulators of 4 lanes; double tile 8 × 6:
// 24 accumulators of 2 lanes. Each k step loads the 8 values of the packed A panel into 2 (float) or
// 4 (double) registers and multiplies the 3 B vectors by each lane (fmla by element), so a step is 24
// fused multiply-adds from 29 (float) or 31 (double) of the 32 vector registers, with no broadcasts.
// Packing and blocking are those of gemm_driver.h; every output element is accumulated as in
// gemm_kernel.h (p ascending, one fused multiply-add per p), so packed and unpacked products and every
// thread count give identical results. Scripts/arm64-check.sh checks the inner loops in the disassembly.
#include "gemm_internal.h"

#if RNN_AARCH64
#include <arm_neon.h>

#if defined(__clang__)
#define RNN_NO_UNROLL _Pragma("clang loop unroll(disable)")
#else
#define RNN_NO_UNROLL
#endif

// C row (3 vectors) = alpha * acc + beta * C, C unread when beta == 0 (as gemm_kernel.h).
#define NEON_STORE_ROW(VT, LD, ST, DUP, MUL, FMA, W, cp, x0, x1, x2, alpha, beta)                  \
    do {                                                                                          \
        VT va_ = DUP(alpha);                                                                      \
        if ((beta) == 0) {                                                                        \
            ST((cp), MUL(va_, x0));                                                               \
            ST((cp) + (W), MUL(va_, x1));                                                         \
            ST((cp) + 2 * (W), MUL(va_, x2));                                                     \
        } else if ((beta) == 1) {                                                                 \
            ST((cp), FMA(LD(cp), va_, x0));                                                       \
            ST((cp) + (W), FMA(LD((cp) + (W)), va_, x1));                                         \
            ST((cp) + 2 * (W), FMA(LD((cp) + 2 * (W)), va_, x2));                                 \
        } else {                                                                                  \
            VT vb_ = DUP(beta);                                                                   \
            ST((cp), FMA(MUL(vb_, LD(cp)), va_, x0));                                             \
            ST((cp) + (W), FMA(MUL(vb_, LD((cp) + (W))), va_, x1));                               \
            ST((cp) + 2 * (W), FMA(MUL(vb_, LD((cp) + 2 * (W))), va_, x2));                       \
        }                                                                                         \
    } while (0)

// ---------------------------------------------------------------- float, 8 × 12

#define S_DECL(r) float32x4_t c##r##0 = vdupq_n_f32(0.0f), c##r##1 = c##r##0, c##r##2 = c##r##0;
#define S_ROW(r, av, lane)                                    \
    c##r##0 = vfmaq_laneq_f32(c##r##0, b0, av, lane);        \
    c##r##1 = vfmaq_laneq_f32(c##r##1, b1, av, lane);        \
    c##r##2 = vfmaq_laneq_f32(c##r##2, b2, av, lane);
#define S_STORE(r)                                                                                 \
    NEON_STORE_ROW(float32x4_t, vld1q_f32, vst1q_f32, vdupq_n_f32, vmulq_f32, vfmaq_f32, 4,        \
                   c + r * ldc, c##r##0, c##r##1, c##r##2, alpha, beta)

static RNN_ALWAYS_INLINE void kernel_s_neon(ptrdiff_t kc, const float *restrict a,
                                            const float *restrict b, ptrdiff_t rsB,
                                            float *restrict c, ptrdiff_t ldc, float alpha,
                                            float beta, const float *pf) {
    S_DECL(0) S_DECL(1) S_DECL(2) S_DECL(3) S_DECL(4) S_DECL(5) S_DECL(6) S_DECL(7)
    RNN_NO_UNROLL
    for (ptrdiff_t p = 0; p < kc; p++) {
        float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
        __builtin_prefetch(pf, 0, 2);
        __builtin_prefetch(pf + 11, 0, 2);
        pf += rsB;
        S_ROW(0, a0, 0) S_ROW(1, a0, 1) S_ROW(2, a0, 2) S_ROW(3, a0, 3)
        S_ROW(4, a1, 0) S_ROW(5, a1, 1) S_ROW(6, a1, 2) S_ROW(7, a1, 3)
        a += 8;
        b += rsB;
    }
    S_STORE(0); S_STORE(1); S_STORE(2); S_STORE(3);
    S_STORE(4); S_STORE(5); S_STORE(6); S_STORE(7);
}

// ---------------------------------------------------------------- double, 8 × 6

#define D_DECL(r) float64x2_t c##r##0 = vdupq_n_f64(0.0), c##r##1 = c##r##0, c##r##2 = c##r##0;
#define D_ROW(r, av, lane)                                    \
    c##r##0 = vfmaq_laneq_f64(c##r##0, b0, av, lane);        \
    c##r##1 = vfmaq_laneq_f64(c##r##1, b1, av, lane);        \
    c##r##2 = vfmaq_laneq_f64(c##r##2, b2, av, lane);
#define D_STORE(r)                                                                                 \
    NEON_STORE_ROW(float64x2_t, vld1q_f64, vst1q_f64, vdupq_n_f64, vmulq_f64, vfmaq_f64, 2,        \
                   c + r * ldc, c##r##0, c##r##1, c##r##2, alpha, beta)

static RNN_ALWAYS_INLINE void kernel_d_neon(ptrdiff_t kc, const double *restrict a,
                                            const double *restrict b, ptrdiff_t rsB,
                                            double *restrict c, ptrdiff_t ldc, double alpha,
                                            double beta, const double *pf) {
    D_DECL(0) D_DECL(1) D_DECL(2) D_DECL(3) D_DECL(4) D_DECL(5) D_DECL(6) D_DECL(7)
    RNN_NO_UNROLL
    for (ptrdiff_t p = 0; p < kc; p++) {
        float64x2_t b0 = vld1q_f64(b), b1 = vld1q_f64(b + 2), b2 = vld1q_f64(b + 4);
        float64x2_t a0 = vld1q_f64(a), a1 = vld1q_f64(a + 2), a2 = vld1q_f64(a + 4),
                    a3 = vld1q_f64(a + 6);
        __builtin_prefetch(pf, 0, 2);
        __builtin_prefetch(pf + 5, 0, 2);
        pf += rsB;
        D_ROW(0, a0, 0) D_ROW(1, a0, 1) D_ROW(2, a1, 0) D_ROW(3, a1, 1)
        D_ROW(4, a2, 0) D_ROW(5, a2, 1) D_ROW(6, a3, 0) D_ROW(7, a3, 1)
        a += 8;
        b += rsB;
    }
    D_STORE(0); D_STORE(1); D_STORE(2); D_STORE(3);
    D_STORE(4); D_STORE(5); D_STORE(6); D_STORE(7);
}

// Narrow right edges (n not a multiple of 12 or 6) go through the driver's local copy with the
// full-tile kernel: the same arithmetic per element.
#define D_NAME rnn_sgemm_serial_neon
#define D_SFX sneon
#define D_T float
#define D_MR 8
#define D_NR 12
#define D_KERNEL kernel_s_neon
#define D_KC 256
#define D_MC 128
#define D_NC 4092
#define D_DIRECT_B_MAX_M 48
#include "gemm_driver.h"

#define D_NAME rnn_dgemm_serial_neon
#define D_SFX dneon
#define D_T double
#define D_MR 8
#define D_NR 6
#define D_KERNEL kernel_d_neon
#define D_KC 256
#define D_MC 96
#define D_NC 2046
#define D_DIRECT_B_MAX_M 48
#include "gemm_driver.h"

const rnn_gemm_level_impl rnn_gemm_neon_impl = {
    rnn_sgemm_serial_neon, rnn_dgemm_serial_neon, 8, 12, 8, 6,
    rnn_sgemm_serial_neon_pack, rnn_dgemm_serial_neon_pack,
    rnn_sgemm_serial_neon_packed, rnn_dgemm_serial_neon_packed};

#endif
