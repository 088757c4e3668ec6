// AVX-512F level: float tile 8 × 32 (two zmm per row), double tile 8 × 16.
#include "gemm_internal.h"

#if RNN_X86_64
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,fma")
#endif

#include "gemm_transpose.h"

// 16×16 float transpose across 16 zmm registers: after the call r[e] holds element e of
// every input row (row i in lane i).
static RNN_ALWAYS_INLINE void tr16x16_ps(__m512 r[16]) {
    __m512 t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // u[4g + q], lane L: rows 4g..4g+3 at element 4L + q.
    for (int g = 0; g < 4; g++) {
        u[4 * g + 0] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
        u[4 * g + 1] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
        u[4 * g + 2] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
        u[4 * g + 3] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
    }
    // Transpose the 4×4 grid of 128-bit lanes for each q.
    for (int q = 0; q < 4; q++) {
        __m512 v0 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x44);
        __m512 v1 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xEE);
        __m512 v2 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x44);
        __m512 v3 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xEE);
        r[0 + q] = _mm512_shuffle_f32x4(v0, v2, 0x88);
        r[4 + q] = _mm512_shuffle_f32x4(v0, v2, 0xDD);
        r[8 + q] = _mm512_shuffle_f32x4(v1, v3, 0x88);
        r[12 + q] = _mm512_shuffle_f32x4(v1, v3, 0xDD);
    }
}

// 8×8 double transpose across 8 zmm registers (same scheme with 2-element lanes).
static RNN_ALWAYS_INLINE void tr8x8_pd(__m512d r[8]) {
    __m512d w[8];
    for (int i = 0; i < 4; i++) {  // w[2g + q], lane L: rows 2g, 2g+1 at element 2L + q
        w[2 * i] = _mm512_unpacklo_pd(r[2 * i], r[2 * i + 1]);
        w[2 * i + 1] = _mm512_unpackhi_pd(r[2 * i], r[2 * i + 1]);
    }
    for (int q = 0; q < 2; q++) {
        __m512d v0 = _mm512_shuffle_f64x2(w[q], w[2 + q], 0x44);
        __m512d v1 = _mm512_shuffle_f64x2(w[q], w[2 + q], 0xEE);
        __m512d v2 = _mm512_shuffle_f64x2(w[4 + q], w[6 + q], 0x44);
        __m512d v3 = _mm512_shuffle_f64x2(w[4 + q], w[6 + q], 0xEE);
        r[0 + q] = _mm512_shuffle_f64x2(v0, v2, 0x88);
        r[2 + q] = _mm512_shuffle_f64x2(v0, v2, 0xDD);
        r[4 + q] = _mm512_shuffle_f64x2(v1, v3, 0x88);
        r[6 + q] = _mm512_shuffle_f64x2(v1, v3, 0xDD);
    }
}

// Full 16 rows × 16 elements: lane L of x[j][c] gathers row 4L + j, elements 4c...4c+3
// straight from memory (128-bit broadcast loads merged under masks), so only the
// in-lane 4×4 transposes remain for the shuffle unit. Output e goes to d + e*R.
static RNN_ALWAYS_INLINE void tblock16_f32(const float *s, ptrdiff_t lds, float *d, int R) {
    for (int c = 0; c < 4; c++) {
        __m512 x[4];
        for (int j = 0; j < 4; j++) {
            __m512 v = _mm512_broadcast_f32x4(_mm_loadu_ps(s + j * lds + 4 * c));
            v = _mm512_mask_broadcast_f32x4(v, 0x00F0, _mm_loadu_ps(s + (4 + j) * lds + 4 * c));
            v = _mm512_mask_broadcast_f32x4(v, 0x0F00, _mm_loadu_ps(s + (8 + j) * lds + 4 * c));
            x[j] = _mm512_mask_broadcast_f32x4(v, 0xF000, _mm_loadu_ps(s + (12 + j) * lds + 4 * c));
        }
        __m512 t0 = _mm512_unpacklo_ps(x[0], x[1]), t1 = _mm512_unpackhi_ps(x[0], x[1]);
        __m512 t2 = _mm512_unpacklo_ps(x[2], x[3]), t3 = _mm512_unpackhi_ps(x[2], x[3]);
        _mm512_storeu_ps(d + (4 * c + 0) * R, _mm512_shuffle_ps(t0, t2, 0x44));
        _mm512_storeu_ps(d + (4 * c + 1) * R, _mm512_shuffle_ps(t0, t2, 0xEE));
        _mm512_storeu_ps(d + (4 * c + 2) * R, _mm512_shuffle_ps(t1, t3, 0x44));
        _mm512_storeu_ps(d + (4 * c + 3) * R, _mm512_shuffle_ps(t1, t3, 0xEE));
    }
}

// d[p*R + c] = s[c*lds + p] (c < rows, p < kc), zero for rows <= c < R; R multiple of 16.
static void tpack16_f32(const float *s, ptrdiff_t lds, ptrdiff_t rows, int R, ptrdiff_t kc,
                        float *restrict d) {
    for (int g = 0; g < R; g += 16) {
        ptrdiff_t live = rows - g < 0 ? 0 : (rows - g > 16 ? 16 : rows - g);
        ptrdiff_t p = 0;
        if (live == 16)
            for (; p + 16 <= kc; p += 16) tblock16_f32(s + g * lds + p, lds, d + p * R + g, R);
        for (; p < kc; p += 16) {
            ptrdiff_t rem = kc - p < 16 ? kc - p : 16;
            __mmask16 mask = (__mmask16)((1u << rem) - 1u);
            __m512 r[16];
            for (int i = 0; i < 16; i++)
                r[i] = i < live ? _mm512_maskz_loadu_ps(mask, s + (g + i) * lds + p) : _mm512_setzero_ps();
            tr16x16_ps(r);
            for (int e = 0; e < rem; e++) _mm512_storeu_ps(d + (p + e) * R + g, r[e]);
        }
    }
}

// Same for doubles with 8-row groups; R multiple of 8.
static void tpack8_f64(const double *s, ptrdiff_t lds, ptrdiff_t rows, int R, ptrdiff_t kc,
                       double *restrict d) {
    for (int g = 0; g < R; g += 8) {
        ptrdiff_t live = rows - g < 0 ? 0 : (rows - g > 8 ? 8 : rows - g);
        for (ptrdiff_t p = 0; p < kc; p += 8) {
            ptrdiff_t rem = kc - p < 8 ? kc - p : 8;
            __mmask8 mask = (__mmask8)((1u << rem) - 1u);
            __m512d r[8];
            for (int i = 0; i < 8; i++)
                r[i] = i < live ? _mm512_maskz_loadu_pd(mask, s + (g + i) * lds + p) : _mm512_setzero_pd();
            tr8x8_pd(r);
            for (int e = 0; e < rem; e++) _mm512_storeu_pd(d + (p + e) * R + g, r[e]);
        }
    }
}

#define K_NAME kernel_s512
#define K_T float
#define K_MR 8
#define K_NV 2
#define K_W 16
#define K_VEC __m512
#define K_ZERO() _mm512_setzero_ps()
#define K_LOAD(p) _mm512_loadu_ps(p)
#define K_STORE(p, v) _mm512_storeu_ps((p), (v))
#define K_SET1(x) _mm512_set1_ps(x)
#define K_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm512_mul_ps((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_s512_half
#define K_T float
#define K_MR 8
#define K_NV 1
#define K_W 16
#define K_VEC __m512
#define K_ZERO() _mm512_setzero_ps()
#define K_LOAD(p) _mm512_loadu_ps(p)
#define K_STORE(p, v) _mm512_storeu_ps((p), (v))
#define K_SET1(x) _mm512_set1_ps(x)
#define K_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm512_mul_ps((a), (b))
#include "gemm_kernel.h"

// Eight columns (one ymm per row) for the narrowest right-edge tiles, e.g. the last 4 of 100 columns.
#define K_NAME kernel_s512_quarter
#define K_T float
#define K_MR 8
#define K_NV 1
#define K_W 8
#define K_VEC __m256
#define K_ZERO() _mm256_setzero_ps()
#define K_LOAD(p) _mm256_loadu_ps(p)
#define K_STORE(p, v) _mm256_storeu_ps((p), (v))
#define K_SET1(x) _mm256_set1_ps(x)
#define K_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_ps((a), (b))
#include "gemm_kernel.h"

// Any nr < 16 columns of a full-height float tile, in place: one zmm per row with C read and written under
// a mask (B panels are zero-padded to NR columns, so whole vectors of B are read). Same per-element
// operations as the kernels above.
static RNN_ALWAYS_INLINE void kernel_s512_masked(ptrdiff_t kc, const float *restrict a, const float *restrict b,
                                                 ptrdiff_t rsB, float *restrict c, ptrdiff_t ldc, float alpha,
                                                 float beta, int nr) {
    const __mmask16 m = (__mmask16)((1u << nr) - 1u);
    __m512 acc[8];
    for (int r = 0; r < 8; r++) acc[r] = _mm512_setzero_ps();
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m512 bv = _mm512_maskz_loadu_ps(m, b);
        for (int r = 0; r < 8; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r]), bv, acc[r]);
        a += 8;
        b += rsB;
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int r = 0; r < 8; r++) {
        float *cp = c + r * ldc;
        __m512 out;
        if (beta == 0) out = _mm512_mul_ps(va, acc[r]);
        else if (beta == 1) out = _mm512_fmadd_ps(va, acc[r], _mm512_maskz_loadu_ps(m, cp));
        else out = _mm512_fmadd_ps(va, acc[r], _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m, cp)));
        _mm512_mask_storeu_ps(cp, m, out);
    }
}

#define K_NAME kernel_d512
#define K_T double
#define K_MR 8
#define K_NV 2
#define K_W 8
#define K_VEC __m512d
#define K_ZERO() _mm512_setzero_pd()
#define K_LOAD(p) _mm512_loadu_pd(p)
#define K_STORE(p, v) _mm512_storeu_pd((p), (v))
#define K_SET1(x) _mm512_set1_pd(x)
#define K_FMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm512_mul_pd((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_d512_half
#define K_T double
#define K_MR 8
#define K_NV 1
#define K_W 8
#define K_VEC __m512d
#define K_ZERO() _mm512_setzero_pd()
#define K_LOAD(p) _mm512_loadu_pd(p)
#define K_STORE(p, v) _mm512_storeu_pd((p), (v))
#define K_SET1(x) _mm512_set1_pd(x)
#define K_FMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm512_mul_pd((a), (b))
#include "gemm_kernel.h"

#define D_NAME rnn_sgemm_serial_avx512
#define D_ROW_FMA(a, b, c) __builtin_fmaf((a), (b), (c))  // the kernels' fused multiply-add, one lane
#define D_TPACK_A tpack_f32
#define D_TPACK_B tpack16_f32
#define D_SFX s512
#define D_T float
#define D_MR 8
#define D_NR 32
#define D_KERNEL kernel_s512
#define D_KERNEL_HALF kernel_s512_half
#define D_KERNEL_QUARTER kernel_s512_quarter
#define D_KERNEL_MASKED kernel_s512_masked
// k blocks of at most 256: a B micro-panel (kc × 32 floats) then takes at most 32 KB and stays in the 48 KB L1
// beside the A micro-panel while every row tile uses it. With 384, a depth of 1024 was cut into three blocks of 342
// (44 KB panels): the 64-row product of an LSTM step at hidden 1024 ran 8–9 % slower on a Xeon (model 207), on one
// and on two threads, interleaved in one process; depths whose blocks were already ≤ 256 ran the same.
#define D_KC 256
#define D_MC 192
#define D_NC 4096
#define D_DIRECT_B_MAX_M 64
#include "gemm_driver.h"

#define D_NAME rnn_dgemm_serial_avx512
#define D_ROW_FMA(a, b, c) __builtin_fma((a), (b), (c))  // the kernels' fused multiply-add, one lane
#define D_TPACK_A tpack8_f64
#define D_TPACK_B tpack8_f64
#define D_SFX d512
#define D_T double
#define D_MR 8
#define D_NR 16
#define D_KERNEL kernel_d512
#define D_KERNEL_HALF kernel_d512_half
#define D_KC 256
#define D_MC 128
#define D_NC 2048
#define D_DIRECT_B_MAX_M 64
#include "gemm_driver.h"

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif

const rnn_gemm_level_impl rnn_gemm_avx512_impl = {
    rnn_sgemm_serial_avx512, rnn_dgemm_serial_avx512, 8, 32, 8, 16,
    rnn_sgemm_serial_avx512_pack, rnn_dgemm_serial_avx512_pack,
    rnn_sgemm_serial_avx512_packed, rnn_dgemm_serial_avx512_packed};

#endif
