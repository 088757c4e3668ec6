#ifndef C_RECURRENT_KERNELS_H
#define C_RECURRENT_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Row-major GEMM: C = alpha * op(A) * op(B) + beta * C, with op(X) = X or Xᵀ.
/// op(A) is (m, k), op(B) is (k, n), C is (m, n). Leading dimensions are row strides.
/// beta == 0 overwrites C without reading it (NaN in C does not propagate).
/// alpha == 0 or k == 0 reduces to C = beta * C without reading A or B (BLAS convention).
/// Results are bit-identical whatever the thread count (work is split only across
/// output blocks, never across k); they may differ in the last bits between kernel levels.
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
/// Best level this CPU (and operating system) supports.
int rnn_kernel_level_supported(void);
/// Forces a level (clamped to what the CPU supports); -1 restores automatic choice.
/// Process-wide and atomic: safe to call while other threads run GEMMs.
void rnn_kernel_force_level(int level);

/// Number of threads (the caller plus pool workers) a large GEMM may use.
/// Default: min(2, online CPUs), overridden by the environment variable RNN_NUM_THREADS.
/// Small products always run on the calling thread only.
int rnn_thread_count(void);
/// Sets the thread count (clamped to 1...64); a value < 1 restores the default.
void rnn_set_thread_count(int count);

#ifdef __cplusplus
}
#endif
#endif
