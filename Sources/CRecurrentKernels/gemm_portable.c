// Portable level: plain C, blocked and packed like the vector levels, compiles on any
// target. The tile loops are written so compilers can vectorize them for the baseline ISA.
#include "gemm_internal.h"

#define P_KERNEL(NAME, T, MR, NR)                                                          \
    static RNN_ALWAYS_INLINE void NAME(ptrdiff_t kc, const T *restrict a, ptrdiff_t rsA,  \
                                       ptrdiff_t csA, const T *restrict b, ptrdiff_t rsB, \
                                       T *restrict c, ptrdiff_t ldc, T alpha, T beta,     \
                                       const T *pf) {                                     \
        (void)pf;                                                                          \
        T acc[MR][NR];                                                                     \
        for (int r = 0; r < MR; r++)                                                       \
            for (int j = 0; j < NR; j++) acc[r][j] = 0;                                    \
        for (ptrdiff_t p = 0; p < kc; p++) {                                               \
            for (int r = 0; r < MR; r++) {                                                 \
                T av = a[r * rsA];                                                         \
                for (int j = 0; j < NR; j++) acc[r][j] += av * b[j];                       \
            }                                                                              \
            a += csA;                                                                      \
            b += rsB;                                                                      \
        }                                                                                  \
        for (int r = 0; r < MR; r++) {                                                     \
            T *cr = c + r * ldc;                                                           \
            if (beta == 0)                                                                 \
                for (int j = 0; j < NR; j++) cr[j] = alpha * acc[r][j];                    \
            else                                                                           \
                for (int j = 0; j < NR; j++) cr[j] = alpha * acc[r][j] + beta * cr[j];     \
        }                                                                                  \
    }

P_KERNEL(kernel_sp, float, 4, 8)
P_KERNEL(kernel_dp, double, 4, 4)

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
#define D_PACK_A_MIN_N 9
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
#define D_PACK_A_MIN_N 5
#include "gemm_driver.h"

const rnn_gemm_level_impl rnn_gemm_portable_impl = {
    rnn_sgemm_serial_portable, rnn_dgemm_serial_portable, 4, 8, 4, 4};
