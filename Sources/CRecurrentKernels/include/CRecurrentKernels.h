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

/// Prepacked B: a weight used by many products (a recurrent weight, at every time step) is laid
/// out once in the kernels' panel format instead of being packed inside every product.
/// rnn_sgemm_packed_size(k, n) is the number of elements to allocate for op(B) of shape (k, n) at
/// the current kernel level (a 64-byte header, then the panels); rnn_sgemm_pack fills it.
/// rnn_sgemm_packed computes C = alpha * op(A) * op(B) + beta * C like rnn_sgemm, with results
/// identical to rnn_sgemm's at the level the operand was packed at (which it uses even if the level
/// was forced since). It returns 0, computing nothing, if k, n or the element type do not match
/// the packed operand, and 1 otherwise. Thread splitting as in rnn_sgemm.
size_t rnn_sgemm_packed_size(ptrdiff_t k, ptrdiff_t n);
void rnn_sgemm_pack(int transB, ptrdiff_t k, ptrdiff_t n, const float *B, ptrdiff_t ldb, float *packed);
int rnn_sgemm_packed(int transA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *A,
                     ptrdiff_t lda, const float *packed, float beta, float *C, ptrdiff_t ldc);
size_t rnn_dgemm_packed_size(ptrdiff_t k, ptrdiff_t n);
void rnn_dgemm_pack(int transB, ptrdiff_t k, ptrdiff_t n, const double *B, ptrdiff_t ldb, double *packed);
int rnn_dgemm_packed(int transA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha, const double *A,
                     ptrdiff_t lda, const double *packed, double beta, double *C, ptrdiff_t ldc);
/// rnn_sgemm_packed_bias computes C = alpha * op(A) * op(B) + bias, the row vector `bias` (n values) added
/// to every row: bit for bit rnn_sgemm_packed with beta = 1 on a C whose rows were all set to `bias`
/// (an input projection x·W_ihᵀ + b_ih), without that separate pass over C. Returns as rnn_sgemm_packed.
int rnn_sgemm_packed_bias(int transA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *A,
                          ptrdiff_t lda, const float *packed, const float *bias, float *C, ptrdiff_t ldc);
int rnn_dgemm_packed_bias(int transA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha, const double *A,
                          ptrdiff_t lda, const double *packed, const double *bias, double *C, ptrdiff_t ldc);

/// Kernel levels: 0 portable C; 1 AVX2+FMA on x86-64, NEON on aarch64 (where it is always supported);
/// 2 AVX-512F (x86-64 only). rnn_kernel_level() reports the level in use (the best the CPU supports
/// unless forced); rnn_kernel_level_name() names a level on this architecture.
int rnn_kernel_level(void);
/// Best level this CPU (and operating system) supports.
int rnn_kernel_level_supported(void);
/// Forces a level (clamped to what the CPU supports); -1 restores automatic choice.
/// Process-wide and atomic: safe to call while other threads run GEMMs.
void rnn_kernel_force_level(int level);
/// A short name of `level` on the architecture the library was compiled for: "portable C",
/// "AVX2+FMA", "AVX-512F" or "NEON" (a static string; "unknown" for a level that does not exist here).
const char *rnn_kernel_level_name(int level);

/// Number of threads (the caller plus pool workers) a large GEMM may use.
/// Default: the processors this process may use (its affinity mask on Linux, the performance cores on
/// Darwin, the online processors elsewhere; at most 64), overridden by the environment variable
/// RNN_NUM_THREADS.
/// Small products always run on the calling thread only.
int rnn_thread_count(void);
/// Sets the thread count (clamped to 1...64); a value < 1 restores the default.
void rnn_set_thread_count(int count);

/// Whether the kernels flush subnormal numbers to zero while they run (x86-64: MXCSR flush-to-zero and
/// denormals-are-zero, the caller's mode restored on return; no effect on other architectures). Default on,
/// or off when the environment variable RNN_FLUSH_SUBNORMALS is "0". Process-wide and atomic.
int rnn_flush_subnormals(void);
void rnn_set_flush_subnormals(int on);
/// Enters the kernels' floating-point mode on the calling thread (flush-to-zero and denormals-are-zero when
/// rnn_flush_subnormals() is on) and returns the mode to give rnn_fp_leave, which restores it (the exception
/// flags raised meanwhile stay raised). Nested pairs are allowed.
unsigned rnn_fp_enter(void);
void rnn_fp_leave(unsigned saved);
/// The calling thread's floating-point control mode, and setting it: a pool worker runs each part of a job
/// in the mode of the thread that started the job, so a part's result never depends on which thread ran it.
unsigned rnn_fp_mode(void);
void rnn_fp_adopt(unsigned mode);

/// Runs task(ctx, part) once for every part in 0..<parts, spread over up to rnn_thread_count()
/// threads (the caller and the GEMM's pool workers), and returns when all parts are done.
/// Parts must write disjoint memory. A GEMM called inside a part runs on that part's thread
/// (no nested splitting), so results are those of running the parts one after another.
/// If the pool is busy with another caller, the caller runs every part itself, in order.
void rnn_parallel_for(int parts, void (*task)(void *ctx, int part), void *ctx);

/// FMA throughput probe (for benchmarks): runs `parts` parts (on the kernel threads, as rnn_parallel_for)
/// of independent FMA chains (16; 24 at the NEON level) for `iterations` iterations at the kernel level in use, and returns the
/// floating-point operations performed (2 per lane per FMA); divide by the elapsed time for the peak.
#define RNN_PEAK_MAX_PARTS 64
double rnn_fma_probe(long iterations, int parts);

/// Peak resident set size of this process so far, in bytes (getrusage's ru_maxrss, whose unit differs
/// between Linux and Darwin, converted); 0 if unavailable. For benchmarks.
long long rnn_max_rss_bytes(void);

/// Asks the C library's allocator to keep large freed blocks for reuse instead of returning them to the
/// operating system: a training loop frees and allocates the same tens of megabytes at every step, and
/// fresh pages cost a fault and a zeroing each. With glibc: mallopt(M_MMAP_THRESHOLD, 256 MiB) and
/// mallopt(M_TRIM_THRESHOLD, 512 MiB), so such blocks come from the heap and stay there. Returns 1 when
/// applied, 0 where the allocator has no such setting (musl, Darwin). Process-wide: for programs (the `rnn`
/// tool calls it), never called by the library itself.
int rnn_keep_freed_memory(void);

/* ======================================================================================
 * Gate and activation kernels (activations*.c) — owned by the cells; the GEMM section
 * above is separate. Float (rnn_s_*) and double (rnn_d_*) versions with the same contract.
 *
 * Dispatch: the level is rnn_kernel_level() at each call (AVX-512F, AVX2+FMA, NEON or portable C,
 * the same level as the GEMM). All kernels are single-threaded and elementwise per row, so
 * results do not depend on the thread count; they may differ in the last bits between
 * levels (fused multiply-adds, vector exp/tanh) and from the cells' plain Swift loops,
 * which remain the reference implementation (RecurrentScalar.portable*).
 *
 * Pitches (ld*) are row strides in elements; `batch` rows are processed. Row segments of
 * one buffer that a kernel reads and writes are either the same or disjoint. In the fused
 * forward kernels `bias` must not be NULL; the "acc" inputs are the recurrent matrix
 * products computed with beta = 0, so pre-activation = acc + (projected + bias), exactly
 * what accumulating the product onto (projected + bias) with beta = 1 gives.
 *
 * Element functions (y = f(x), n elements; x == y allowed, no other overlap):
 *   measured max error against the exact value, float (all 2³² inputs): exp 1.01 ulp,
 *   sigmoid 2.40 ulp, tanh 1.51 ulp; double (6.5·10⁷ inputs): exp 0.99, sigmoid 2.33,
 *   tanh 1.50 ulp. Re-checked by Tests/RecurrentTests/ActivationKernelTests.swift.
 *   NaN in → NaN out; ±inf saturate; no undefined behaviour for any input.
 * ==================================================================================== */

#define RNN_ACT_DECLARE(P, T)                                                                 \
    /** y[i] = eˣ⁽ⁱ⁾ */                                                                       \
    void rnn_##P##_exp(ptrdiff_t n, const T *x, T *y);                                        \
    /** y[i] = σ(x[i]) = 1 / (1 + e^(−x[i])) */                                               \
    void rnn_##P##_sigmoid(ptrdiff_t n, const T *x, T *y);                                    \
    /** y[i] = tanh(x[i]) */                                                                  \
    void rnn_##P##_tanh(ptrdiff_t n, const T *x, T *y);                                       \
    /** SRNN: next(B, H) = f(acc + (proj + bias)); next holds acc = h_{t−1}·W_hhᵀ on entry. */ \
    void rnn_##P##_srnn_forward(int relu, ptrdiff_t batch, ptrdiff_t hidden, const T *proj,   \
                                ptrdiff_t ldp, const T *bias, T *next, ptrdiff_t ldn);        \
    /** SRNN: dproj = dnext ⊙ f'(·), from next = f(·): 1 − next² (tanh) or [next > 0]. */     \
    void rnn_##P##_srnn_backward(int relu, ptrdiff_t batch, ptrdiff_t hidden, const T *dnext, \
                                 ptrdiff_t lddn, const T *next, ptrdiff_t ldn, T *dproj,      \
                                 ptrdiff_t lddp);                                             \
    /** LSTM: gates rows (pitch ldg ≥ 5H) hold acc (4H, gate order i f g o) on entry; on     \
        exit i, f, g, o, tanh(c_t). prev/next rows are [h, c] (2H). */                        \
    void rnn_##P##_lstm_forward(ptrdiff_t batch, ptrdiff_t hidden, const T *proj,             \
                                ptrdiff_t ldp, const T *bias, T *gates, ptrdiff_t ldg,        \
                                const T *prev, ptrdiff_t ldprev, T *next, ptrdiff_t ldn);     \
    /** LSTM: dgates (B, 4H) = ∂L/∂pre-activations; writes dprev[:, H..<2H] (∂L/∂c_{t−1})   \
        only. dnext rows are [dh, dc]. */                                                     \
    void rnn_##P##_lstm_backward(ptrdiff_t batch, ptrdiff_t hidden, const T *gates,           \
                                 ptrdiff_t ldg, const T *prev, ptrdiff_t ldprev,              \
                                 const T *dnext, ptrdiff_t lddn, T *dgates, ptrdiff_t lddg,   \
                                 T *dprev, ptrdiff_t lddprev);                                \
    /** GRU, reset after: hid (B, 3H) = acc of h_{t−1}·W_hhᵀ; bias = b_hh (3H); cache rows   \
        get r, z, n, W_hn·h + b_hn (4H). */                                                   \
    void rnn_##P##_gru_forward_after(ptrdiff_t batch, ptrdiff_t hidden, const T *proj,        \
                                     ptrdiff_t ldp, const T *hid, ptrdiff_t ldh,              \
                                     const T *bias, const T *prev, ptrdiff_t ldprev,          \
                                     T *cache, ptrdiff_t ldc, T *next, ptrdiff_t ldn);        \
    /** GRU, reset after: dproj (3H), drec (3H: dr, dz, dn ⊙ r), dprev = dh ⊙ z (the matrix   \
        part is added by the caller). */                                                      \
    void rnn_##P##_gru_backward_after(ptrdiff_t batch, ptrdiff_t hidden, const T *cache,      \
                                      ptrdiff_t ldc, const T *prev, ptrdiff_t ldprev,         \
                                      const T *dnext, ptrdiff_t lddn, T *dproj,               \
                                      ptrdiff_t lddp, T *drec, ptrdiff_t lddr, T *dprev,      \
                                      ptrdiff_t lddprev);                                     \
    /** GRU, reset before, first half: r, z from hid[:, 0..<2H] (acc); cache gets r, z and   \
        r ⊙ h_{t−1} (at 3H). */                                                               \
    void rnn_##P##_gru_forward_before_gates(ptrdiff_t batch, ptrdiff_t hidden, const T *proj, \
                                            ptrdiff_t ldp, const T *hid, ptrdiff_t ldh,       \
                                            const T *bias, const T *prev, ptrdiff_t ldprev,   \
                                            T *cache, ptrdiff_t ldc);                         \
    /** GRU, reset before, second half: n from hid[:, 2H..<3H] (acc of (r⊙h)·W_hnᵀ); cache  \
        gets n (at 2H); next = (1 − z) ⊙ n + z ⊙ h_{t−1}. */                                  \
    void rnn_##P##_gru_forward_before_state(ptrdiff_t batch, ptrdiff_t hidden, const T *proj, \
                                            ptrdiff_t ldp, const T *hid, ptrdiff_t ldh,       \
                                            const T *bias, const T *prev, ptrdiff_t ldprev,   \
                                            T *cache, ptrdiff_t ldc, T *next, ptrdiff_t ldn); \
    /** GRU, reset before: dz and dn pre-activation gradients into dproj and drec. */         \
    void rnn_##P##_gru_backward_before_state(ptrdiff_t batch, ptrdiff_t hidden,               \
                                             const T *cache, ptrdiff_t ldc, const T *prev,    \
                                             ptrdiff_t ldprev, const T *dnext,                \
                                             ptrdiff_t lddn, T *dproj, ptrdiff_t lddp,        \
                                             T *drec, ptrdiff_t lddr);                        \
    /** GRU, reset before: dr from dreset = ∂L/∂(r ⊙ h_{t−1}); dprev = dh ⊙ z + dreset ⊙ r. */ \
    void rnn_##P##_gru_backward_before_gates(                                                 \
        ptrdiff_t batch, ptrdiff_t hidden, const T *cache, ptrdiff_t ldc, const T *prev,      \
        ptrdiff_t ldprev, const T *dnext, ptrdiff_t lddn, const T *dreset,                    \
        ptrdiff_t lddreset, T *dproj, ptrdiff_t lddp, T *drec, ptrdiff_t lddr, T *dprev,      \
        ptrdiff_t lddprev);                                                                   \
    /** SCRN: next[:, H..] = (1 − α)·proj_s + α·s_{t−1}; cache = s_{t−1} − proj_s (C);        \
        next[:, 0..<H] = proj_h. */                                                           \
    void rnn_##P##_scrn_forward_context(ptrdiff_t batch, ptrdiff_t hidden, ptrdiff_t context, \
                                        T alpha, const T *proj, ptrdiff_t ldp, const T *prev, \
                                        ptrdiff_t ldprev, T *next, ptrdiff_t ldn, T *cache,   \
                                        ptrdiff_t ldc);                                       \
    /** SCRN: drec[:, 0..<H] = dh ⊙ h(1 − h), drec[:, H..] = ds. */                           \
    void rnn_##P##_scrn_backward_hidden(ptrdiff_t batch, ptrdiff_t hidden, ptrdiff_t context, \
                                        const T *dnext, ptrdiff_t lddn, const T *next,        \
                                        ptrdiff_t ldn, T *drec, ptrdiff_t lddr);              \
    /** SCRN: dproj = [dA, (1 − α)·ds]; dprev[:, H..] = α·ds. */                              \
    void rnn_##P##_scrn_backward_context(ptrdiff_t batch, ptrdiff_t hidden,                   \
                                         ptrdiff_t context, T alpha, const T *drec,           \
                                         ptrdiff_t lddr, T *dproj, ptrdiff_t lddp, T *dprev,  \
                                         ptrdiff_t lddprev);                                  \
    /** sums[j] += Σ_r m[r, j] for r = 0, 1, … in order (a bias gradient over rows). */       \
    void rnn_##P##_add_column_sums(ptrdiff_t rows, ptrdiff_t width, const T *m, ptrdiff_t ld, \
                                   T *sums);

RNN_ACT_DECLARE(s, float)
RNN_ACT_DECLARE(d, double)
#undef RNN_ACT_DECLARE

/* ============================ end of the gate kernels section ========================= */

#ifdef __cplusplus
}
#endif
#endif
