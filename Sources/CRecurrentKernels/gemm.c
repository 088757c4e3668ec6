#include "CRecurrentKernels.h"

// Placeholder portable implementation; replaced by blocked, dispatched kernels.
static int forced_level = -1;

int rnn_kernel_level_supported(void) { return 0; }
int rnn_kernel_level(void) { return forced_level >= 0 ? forced_level : rnn_kernel_level_supported(); }
void rnn_kernel_force_level(int level) { forced_level = level; }

#define DEFINE_GEMM(NAME, T)                                                            \
void NAME(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,      \
          const T *A, ptrdiff_t lda, const T *B, ptrdiff_t ldb, T beta, T *C,           \
          ptrdiff_t ldc) {                                                              \
    for (ptrdiff_t i = 0; i < m; i++) {                                                 \
        T *c = C + i * ldc;                                                             \
        if (beta == 0) { for (ptrdiff_t j = 0; j < n; j++) c[j] = 0; }                  \
        else if (beta != 1) { for (ptrdiff_t j = 0; j < n; j++) c[j] *= beta; }         \
        for (ptrdiff_t p = 0; p < k; p++) {                                             \
            T a = alpha * (transA ? A[p * lda + i] : A[i * lda + p]);                   \
            if (transB) { for (ptrdiff_t j = 0; j < n; j++) c[j] += a * B[j * ldb + p]; } \
            else { const T *b = B + p * ldb; for (ptrdiff_t j = 0; j < n; j++) c[j] += a * b[j]; } \
        }                                                                               \
    }                                                                                   \
}
DEFINE_GEMM(rnn_sgemm, float)
DEFINE_GEMM(rnn_dgemm, double)
