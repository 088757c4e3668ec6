#ifndef C_RECURRENT_KERNELS_H
#define C_RECURRENT_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Row-major GEMM: C = alpha * op(A) * op(B) + beta * C, with op(X) = X or Xᵀ.
/// op(A) is (m, k), op(B) is (k, n), C is (m, n). Leading dimensions are row strides.
/// beta == 0 overwrites C without reading it (NaN in C does not propagate).
void rnn_sgemm(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
               float alpha, const float *A, ptrdiff_t lda,
               const float *B, ptrdiff_t ldb,
               float beta, float *C, ptrdiff_t ldc);
void rnn_dgemm(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
               double alpha, const double *A, ptrdiff_t lda,
               const double *B, ptrdiff_t ldb,
               double beta, double *C, ptrdiff_t ldc);

/// Kernel levels: 0 portable C, 1 AVX2+FMA, 2 AVX-512F.
/// rnn_kernel_level() reports the level in use (the best the CPU supports unless forced).
int rnn_kernel_level(void);
/// Best level this CPU supports.
int rnn_kernel_level_supported(void);
/// Forces a level (clamped to what the CPU supports); -1 restores automatic choice.
void rnn_kernel_force_level(int level);

#ifdef __cplusplus
}
#endif
#endif
