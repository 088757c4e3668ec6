// Portable level: plain C, blocked and packed like the vector levels, compiles on any
// target. With GCC/Clang the tile uses generic 128-bit vector extensions (no ISA
// intrinsics); other compilers get the same loops in scalar C.
#include "gemm_internal.h"

#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
// Generic 128-bit vectors (GCC/Clang vector extensions): SSE2 on x86-64, NEON on arm64,
// scalar code elsewhere. A tile row is NV vectors of W lanes.
typedef float rnn_v4f __attribute__((vector_size(16)));
typedef double rnn_v2d __attribute__((vector_size(16)));

#define P_KERNEL(NAME, T, VT, W, MR, NV)                                                   \
    static RNN_ALWAYS_INLINE void NAME(ptrdiff_t kc, const T *restrict a,                 \
                                       const T *restrict b, ptrdiff_t rsB,                \
                                       T *restrict c, ptrdiff_t ldc, T alpha, T beta,     \
                                       const T *pf) {                                     \
        (void)pf;                                                                          \
        VT acc[MR][NV];                                                                    \
        for (int r = 0; r < MR; r++)                                                       \
            for (int v = 0; v < NV; v++) acc[r][v] = (VT){0};                              \
        for (ptrdiff_t p = 0; p < kc; p++) {                                               \
            VT bv[NV];                                                                     \
            for (int v = 0; v < NV; v++) memcpy(&bv[v], b + v * W, sizeof(VT));            \
            for (int r = 0; r < MR; r++) {                                                 \
                T ar = a[r]; /* scalar × vector: a real broadcast (dup / by-element fmla) */  \
                for (int v = 0; v < NV; v++) acc[r][v] += ar * bv[v];                      \
            }                                                                              \
            a += MR;                                                                       \
            b += rsB;                                                                      \
        }                                                                                  \
        for (int r = 0; r < MR; r++)                                                       \
            for (int v = 0; v < NV; v++) {                                                 \
                VT cv = alpha * acc[r][v];                                                 \
                if (beta != 0) {                                                           \
                    VT old;                                                                \
                    memcpy(&old, c + r * ldc + v * W, sizeof(VT));                         \
                    cv += beta * old;                                                      \
                }                                                                          \
                memcpy(c + r * ldc + v * W, &cv, sizeof(VT));                              \
            }                                                                              \
    }

P_KERNEL(kernel_sp, float, rnn_v4f, 4, 4, 2)
P_KERNEL(kernel_dp, double, rnn_v2d, 2, 4, 2)

#else
// Plain scalar C for other compilers.
#define P_KERNEL(NAME, T, MR, NR)                                                          \
    static RNN_ALWAYS_INLINE void NAME(ptrdiff_t kc, const T *restrict a,                 \
                                       const T *restrict b, ptrdiff_t rsB,                \
                                       T *restrict c, ptrdiff_t ldc, T alpha, T beta,     \
                                       const T *pf) {                                     \
        (void)pf;                                                                          \
        T acc[MR][NR];                                                                     \
        for (int r = 0; r < MR; r++)                                                       \
            for (int j = 0; j < NR; j++) acc[r][j] = 0;                                    \
        for (ptrdiff_t p = 0; p < kc; p++) {                                               \
            for (int r = 0; r < MR; r++) {                                                 \
                T av = a[r];                                                               \
                for (int j = 0; j < NR; j++) acc[r][j] += av * b[j];                       \
            }                                                                              \
            a += MR;                                                                       \
            b += rsB;                                                                      \
        }                                                                                  \
        for (int r = 0; r < MR; r++) {                                                     \
            T *cr = c + r * ldc;                                                           \
            for (int j = 0; j < NR; j++) {                                                 \
                T cv = alpha * acc[r][j];                                                  \
                if (beta != 0) cv += beta * cr[j];                                         \
                cr[j] = cv;                                                                \
            }                                                                              \
        }                                                                                  \
    }

P_KERNEL(kernel_sp, float, 4, 8)
P_KERNEL(kernel_dp, double, 4, 4)
#endif

#define D_NAME rnn_sgemm_serial_portable
#define D_SFX sp
#define D_T float
#define D_MR 4
#define D_NR 8
#define D_KERNEL kernel_sp
#define D_KC 256
#define D_MC 128
#define D_NC 2048
#define D_DIRECT_B_MAX_M 32
#include "gemm_driver.h"

#define D_NAME rnn_dgemm_serial_portable
#define D_SFX dp
#define D_T double
#define D_MR 4
#define D_NR 4
#define D_KERNEL kernel_dp
#define D_KC 256
#define D_MC 128
#define D_NC 2048
#define D_DIRECT_B_MAX_M 32
#include "gemm_driver.h"

const rnn_gemm_level_impl rnn_gemm_portable_impl = {
    rnn_sgemm_serial_portable, rnn_dgemm_serial_portable, 4, 8, 4, 4,
    rnn_sgemm_serial_portable_pack, rnn_dgemm_serial_portable_pack,
    rnn_sgemm_serial_portable_packed, rnn_dgemm_serial_portable_packed};
