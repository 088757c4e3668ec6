// Internal declarations shared by the GEMM translation units. Not a public header.
#ifndef RNN_GEMM_INTERNAL_H
#define RNN_GEMM_INTERNAL_H

#include <stddef.h>

#if defined(__x86_64__) || defined(_M_X64)
#define RNN_X86_64 1
#endif
#if defined(__aarch64__)
#define RNN_AARCH64 1  // Advanced SIMD (NEON) is baseline: the NEON level needs no flags or detection
#endif

#define RNN_ALWAYS_INLINE inline __attribute__((always_inline))

// Keeps the compiler from turning short strided edge loops into scatters/gathers.
#if defined(__clang__)
#define RNN_NO_VECTORIZE _Pragma("clang loop vectorize(disable)")
#else
#define RNN_NO_VECTORIZE
#endif

/// A serial GEMM on one block of the output. The k partition (and hence every output
/// element's sequence of operations) depends only on k, so splitting m or n between
/// threads cannot change results.
typedef void (*rnn_sgemm_serial_fn)(int tA, int tB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                                    float alpha, const float *A, ptrdiff_t lda,
                                    const float *B, ptrdiff_t ldb,
                                    float beta, float *C, ptrdiff_t ldc);
typedef void (*rnn_dgemm_serial_fn)(int tA, int tB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                                    double alpha, const double *A, ptrdiff_t lda,
                                    const double *B, ptrdiff_t ldb,
                                    double beta, double *C, ptrdiff_t ldc);

/// Packs op(B) (k × n) once for many products (see gemm_driver.h for the layout).
typedef void (*rnn_spack_fn)(int tB, ptrdiff_t k, ptrdiff_t n, const float *B, ptrdiff_t ldb, float *dst);
typedef void (*rnn_dpack_fn)(int tB, ptrdiff_t k, ptrdiff_t n, const double *B, ptrdiff_t ldb, double *dst);
/// A serial GEMM on columns j0 ..< j0 + n of a packed B with `panels` panels in all. With a `bias` (n values,
/// for these columns) every row of C is first set to it and beta is taken as 1.
typedef void (*rnn_sgemm_packed_fn)(int tA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                                    const float *A, ptrdiff_t lda, const float *P, ptrdiff_t panels,
                                    ptrdiff_t j0, float beta, const float *bias, float *C, ptrdiff_t ldc);
typedef void (*rnn_dgemm_packed_fn)(int tA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
                                    const double *A, ptrdiff_t lda, const double *P, ptrdiff_t panels,
                                    ptrdiff_t j0, double beta, const double *bias, double *C, ptrdiff_t ldc);

/// The serial drivers of a level and its register-block shape (rows × columns of the micro-tile).
typedef struct {
    rnn_sgemm_serial_fn sgemm;
    rnn_dgemm_serial_fn dgemm;
    int smr, snr, dmr, dnr;
    rnn_spack_fn spack;
    rnn_dpack_fn dpack;
    rnn_sgemm_packed_fn sgemm_packed;
    rnn_dgemm_packed_fn dgemm_packed;
} rnn_gemm_level_impl;

extern const rnn_gemm_level_impl rnn_gemm_portable_impl;
#if RNN_X86_64
extern const rnn_gemm_level_impl rnn_gemm_avx2_impl;
extern const rnn_gemm_level_impl rnn_gemm_avx512_impl;
#endif
#if RNN_AARCH64
extern const rnn_gemm_level_impl rnn_gemm_neon_impl;
#endif

/// Thread-local, 64-byte aligned scratch that grows as needed and is reused across
/// calls (slot 0: packed A, slot 1: packed B). Returns NULL only if allocation fails.
void *rnn_scratch(int slot, size_t bytes);

/// Runs task(ctx, part) for every part in 0..<parts on the calling thread and up to
/// threads - 1 pool workers; parts are claimed dynamically. Returns 0 (having run
/// nothing) if the pool is unavailable (busy with another caller, or no worker could be
/// started); the caller then runs serially.
typedef void (*rnn_task_fn)(void *ctx, int part);
int rnn_parallel_run(rnn_task_fn task, void *ctx, int parts, int threads);

#endif
