// AVX2 + FMA level: float tile 6 × 16 (two ymm per row), double tile 6 × 8.
#include "gemm_internal.h"

#if RNN_X86_64
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#include "gemm_transpose.h"

#define K_NAME kernel_s256
#define K_T float
#define K_MR 6
#define K_NV 2
#define K_W 8
#define K_VEC __m256
#define K_ZERO() _mm256_setzero_ps()
#define K_LOAD(p) _mm256_loadu_ps(p)
#define K_STORE(p, v) _mm256_storeu_ps((p), (v))
#define K_SET1(x) _mm256_set1_ps(x)
#define K_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_ps((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_s256_half
#define K_T float
#define K_MR 6
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

#define K_NAME kernel_d256
#define K_T double
#define K_MR 6
#define K_NV 2
#define K_W 4
#define K_VEC __m256d
#define K_ZERO() _mm256_setzero_pd()
#define K_LOAD(p) _mm256_loadu_pd(p)
#define K_STORE(p, v) _mm256_storeu_pd((p), (v))
#define K_SET1(x) _mm256_set1_pd(x)
#define K_FMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_pd((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_d256_half
#define K_T double
#define K_MR 6
#define K_NV 1
#define K_W 4
#define K_VEC __m256d
#define K_ZERO() _mm256_setzero_pd()
#define K_LOAD(p) _mm256_loadu_pd(p)
#define K_STORE(p, v) _mm256_storeu_pd((p), (v))
#define K_SET1(x) _mm256_set1_pd(x)
#define K_FMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_pd((a), (b))
#include "gemm_kernel.h"

// Full-width tiles of the last 2–5 rows (m not a multiple of 6: batches of 16, 32, 64 rows), computed in place
// with the arithmetic of the 6-row kernel instead of six rows' work on a local copy.
#define K_NAME kernel_s256_r2
#define K_T float
#define K_MR 2
#define K_AS 6
#define K_NV 2
#define K_W 8
#define K_VEC __m256
#define K_ZERO() _mm256_setzero_ps()
#define K_LOAD(p) _mm256_loadu_ps(p)
#define K_STORE(p, v) _mm256_storeu_ps((p), (v))
#define K_SET1(x) _mm256_set1_ps(x)
#define K_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_ps((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_s256_r3
#define K_T float
#define K_MR 3
#define K_AS 6
#define K_NV 2
#define K_W 8
#define K_VEC __m256
#define K_ZERO() _mm256_setzero_ps()
#define K_LOAD(p) _mm256_loadu_ps(p)
#define K_STORE(p, v) _mm256_storeu_ps((p), (v))
#define K_SET1(x) _mm256_set1_ps(x)
#define K_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_ps((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_s256_r4
#define K_T float
#define K_MR 4
#define K_AS 6
#define K_NV 2
#define K_W 8
#define K_VEC __m256
#define K_ZERO() _mm256_setzero_ps()
#define K_LOAD(p) _mm256_loadu_ps(p)
#define K_STORE(p, v) _mm256_storeu_ps((p), (v))
#define K_SET1(x) _mm256_set1_ps(x)
#define K_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_ps((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_s256_r5
#define K_T float
#define K_MR 5
#define K_AS 6
#define K_NV 2
#define K_W 8
#define K_VEC __m256
#define K_ZERO() _mm256_setzero_ps()
#define K_LOAD(p) _mm256_loadu_ps(p)
#define K_STORE(p, v) _mm256_storeu_ps((p), (v))
#define K_SET1(x) _mm256_set1_ps(x)
#define K_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_ps((a), (b))
#include "gemm_kernel.h"

static RNN_ALWAYS_INLINE int rows_s256(ptrdiff_t mr, ptrdiff_t kc, const float *a, const float *b, ptrdiff_t rsB,
                                       float *c, ptrdiff_t ldc, float alpha, float beta, const float *pf) {
    switch (mr) {
    case 2: kernel_s256_r2(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    case 3: kernel_s256_r3(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    case 4: kernel_s256_r4(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    case 5: kernel_s256_r5(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    default: return 0;
    }
}

#define K_NAME kernel_d256_r2
#define K_T double
#define K_MR 2
#define K_AS 6
#define K_NV 2
#define K_W 4
#define K_VEC __m256d
#define K_ZERO() _mm256_setzero_pd()
#define K_LOAD(p) _mm256_loadu_pd(p)
#define K_STORE(p, v) _mm256_storeu_pd((p), (v))
#define K_SET1(x) _mm256_set1_pd(x)
#define K_FMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_pd((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_d256_r3
#define K_T double
#define K_MR 3
#define K_AS 6
#define K_NV 2
#define K_W 4
#define K_VEC __m256d
#define K_ZERO() _mm256_setzero_pd()
#define K_LOAD(p) _mm256_loadu_pd(p)
#define K_STORE(p, v) _mm256_storeu_pd((p), (v))
#define K_SET1(x) _mm256_set1_pd(x)
#define K_FMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_pd((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_d256_r4
#define K_T double
#define K_MR 4
#define K_AS 6
#define K_NV 2
#define K_W 4
#define K_VEC __m256d
#define K_ZERO() _mm256_setzero_pd()
#define K_LOAD(p) _mm256_loadu_pd(p)
#define K_STORE(p, v) _mm256_storeu_pd((p), (v))
#define K_SET1(x) _mm256_set1_pd(x)
#define K_FMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_pd((a), (b))
#include "gemm_kernel.h"

#define K_NAME kernel_d256_r5
#define K_T double
#define K_MR 5
#define K_AS 6
#define K_NV 2
#define K_W 4
#define K_VEC __m256d
#define K_ZERO() _mm256_setzero_pd()
#define K_LOAD(p) _mm256_loadu_pd(p)
#define K_STORE(p, v) _mm256_storeu_pd((p), (v))
#define K_SET1(x) _mm256_set1_pd(x)
#define K_FMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define K_MUL(a, b) _mm256_mul_pd((a), (b))
#include "gemm_kernel.h"

static RNN_ALWAYS_INLINE int rows_d256(ptrdiff_t mr, ptrdiff_t kc, const double *a, const double *b, ptrdiff_t rsB,
                                       double *c, ptrdiff_t ldc, double alpha, double beta, const double *pf) {
    switch (mr) {
    case 2: kernel_d256_r2(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    case 3: kernel_d256_r3(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    case 4: kernel_d256_r4(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    case 5: kernel_d256_r5(kc, a, b, rsB, c, ldc, alpha, beta, pf); return 1;
    default: return 0;
    }
}

#define D_NAME rnn_sgemm_serial_avx2
#define D_ROW_FMA(a, b, c) __builtin_fmaf((a), (b), (c))  // the kernels' fused multiply-add, one lane
#define D_TPACK_B tpack_f32
#define D_SFX s256
#define D_T float
#define D_MR 6
#define D_NR 16
#define D_KERNEL kernel_s256
#define D_KERNEL_HALF kernel_s256_half
#define D_KERNEL_ROWS rows_s256
#define D_KC 256
#define D_MC 144
#define D_NC 4096
#define D_DIRECT_B_MAX_M 48
#include "gemm_driver.h"

#define D_NAME rnn_dgemm_serial_avx2
#define D_ROW_FMA(a, b, c) __builtin_fma((a), (b), (c))  // the kernels' fused multiply-add, one lane
#define D_TPACK_B tpack_f64
#define D_SFX d256
#define D_T double
#define D_MR 6
#define D_NR 8
#define D_KERNEL kernel_d256
#define D_KERNEL_HALF kernel_d256_half
#define D_KERNEL_ROWS rows_d256
#define D_KC 256
#define D_MC 96
#define D_NC 2048
#define D_DIRECT_B_MAX_M 48
#include "gemm_driver.h"

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif

const rnn_gemm_level_impl rnn_gemm_avx2_impl = {
    rnn_sgemm_serial_avx2, rnn_dgemm_serial_avx2, 6, 16, 6, 8,
    rnn_sgemm_serial_avx2_pack, rnn_dgemm_serial_avx2_pack,
    rnn_sgemm_serial_avx2_packed, rnn_dgemm_serial_avx2_packed};

#endif
