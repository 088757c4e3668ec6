// GEMM entry points: runtime CPU dispatch, argument edge cases and the thread split.
#include "CRecurrentKernels.h"
#include "gemm_internal.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if RNN_X86_64
#include <cpuid.h>
#endif

// ---------------------------------------------------------------- CPU dispatch

#if RNN_X86_64
// True when the OS saves the register state in `mask` (XCR0), i.e. the registers are usable.
static int os_saves_state(uint64_t mask) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ecx & (1u << 27))) return 0;  // OSXSAVE: XGETBV available
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    uint64_t xcr0 = ((uint64_t)hi << 32) | lo;
    return (xcr0 & mask) == mask;
}
#endif

static int detect_level(void) {
#if RNN_X86_64
    __builtin_cpu_init();
    int level = 0;
    // XCR0 bits: 1 SSE, 2 AVX (ymm upper halves).
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && os_saves_state(0x6))
        level = 1;
    // 5 opmask, 6 zmm0-15 upper halves, 7 zmm16-31.
    if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        os_saves_state(0xE6))
        level = 2;
    return level;
#elif RNN_AARCH64
    return 1;  // NEON: part of every AArch64 processor
#else
    return 0;
#endif
}

static atomic_int supported_level = -2;  // -2: not yet detected
static atomic_int forced_level = -1;     // -1: automatic

int rnn_kernel_level_supported(void) {
    int level = atomic_load_explicit(&supported_level, memory_order_relaxed);
    if (level == -2) {
        level = detect_level();  // idempotent, so a benign race
        atomic_store_explicit(&supported_level, level, memory_order_relaxed);
    }
    return level;
}

int rnn_kernel_level(void) {
    int supported = rnn_kernel_level_supported();
    int forced = atomic_load_explicit(&forced_level, memory_order_relaxed);
    if (forced < 0) return supported;
    return forced < supported ? forced : supported;
}

void rnn_kernel_force_level(int level) {
    if (level < 0) level = -1;
    else {
        int supported = rnn_kernel_level_supported();
        if (level > supported) level = supported;
    }
    atomic_store_explicit(&forced_level, level, memory_order_relaxed);
}

const char *rnn_kernel_level_name(int level) {
    switch (level) {
    case 0: return "portable C";
#if RNN_X86_64
    case 1: return "AVX2+FMA";
    case 2: return "AVX-512F";
#elif RNN_AARCH64
    case 1: return "NEON";
#endif
    default: return "unknown";
    }
}

static const rnn_gemm_level_impl *impl_for_level(int level) {
#if RNN_X86_64
    if (level >= 2) return &rnn_gemm_avx512_impl;
    if (level == 1) return &rnn_gemm_avx2_impl;
#endif
#if RNN_AARCH64
    if (level >= 1) return &rnn_gemm_neon_impl;
#endif
    (void)level;
    return &rnn_gemm_portable_impl;
}

// ---------------------------------------------------------------- threading policy

// Products below this many flops (2·m·n·k) run on the calling thread: waking a worker
// and splitting the packing costs more than it saves.
#define RNN_PARALLEL_MIN_FLOPS 2.0e6

// A product of at most MR rows reads each element of B once and does two flops with it: a streaming step at
// batch 1 (h_{t−1}·W_hhᵀ) is bound by reading B, not by arithmetic, even from L2: one core of an AVX-512 Xeon
// read a packed B from its own L2 at about 73 GB/s (Scripts/gemm-row.c). From this many bytes of B on it is
// split over n even below RNN_PARALLEL_MIN_FLOPS, so that each core streams its share of B, and at the next step
// finds that share in its own cache: there, 256 KB (an LSTM step at hidden 128) took 3.6 µs on one core and
// 2.7 µs on two, 64 KB 0.9 µs either way (the hand-off costs about what the halved read saves).
#define RNN_PARALLEL_MIN_B_BYTES (128.0 * 1024)

// Splits [0, units) into `parts` contiguous ranges; returns the start of range `t`.
static ptrdiff_t split_point(ptrdiff_t units, int parts, int t) {
    return (ptrdiff_t)(((long long)units * t) / parts);
}

// Chooses the split: over n (column blocks of NR) or over m (row blocks of MR), into
// parts claimed dynamically by the threads. Returns the number of parts (1 = run
// serially) and sets *threads and *overN. Splitting over n duplicates the packing of A
// in every part (cheap when m is small), over m the packing of B; n splits therefore
// use two parts per thread, which keeps the load balanced when a thread is delayed.
static int plan_split(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, int mr, int nr, size_t elementSize,
                      int *threads, int *overN) {
    int t = rnn_thread_count();
    *threads = 1;
    if (t <= 1) return 1;
    double flops = 2.0 * (double)m * (double)n * (double)k;
    ptrdiff_t unitsN = (n + nr - 1) / nr, unitsM = (m + mr - 1) / mr;
    if (flops < RNN_PARALLEL_MIN_FLOPS) {
        if (m > mr || (double)n * (double)k * (double)elementSize < RNN_PARALLEL_MIN_B_BYTES || unitsN < t) return 1;
        *overN = 1;  // few rows, a large B: one column range per thread
        *threads = t;
        return t;
    }
    int parts;
    if (unitsN >= t && (n >= m || unitsM < t)) {
        *overN = 1;
        parts = unitsN >= 2 * t && flops >= 4 * RNN_PARALLEL_MIN_FLOPS ? 2 * t : t;
    } else if (unitsM >= t) {
        *overN = 0;
        parts = t;
    } else {
        ptrdiff_t units = unitsN > unitsM ? unitsN : unitsM;
        if (units < 2) return 1;
        *overN = unitsN >= unitsM;
        parts = (int)units;
        if (t > parts) t = parts;
    }
    *threads = t;
    return parts;
}

// The range [*begin, *end) of part `part` when `extent` elements, in blocks of `block`, are cut into
// `parts` parts of whole blocks; returns 0 when the part is empty.
static int part_range(ptrdiff_t extent, ptrdiff_t block, int parts, int part, ptrdiff_t *begin,
                      ptrdiff_t *end) {
    ptrdiff_t units = (extent + block - 1) / block;
    *begin = split_point(units, parts, part) * block;
    *end = split_point(units, parts, part + 1) * block;
    if (*end > extent) *end = extent;
    return *end > *begin;
}

#define DEFINE_GEMM(NAME, T, FIELD, MRF, NRF)                                                  \
    typedef struct {                                                                           \
        rnn_##FIELD##_serial_fn fn;                                                            \
        int tA, tB, overN, parts, mr, nr;                                                      \
        ptrdiff_t m, n, k, lda, ldb, ldc;                                                      \
        T alpha, beta;                                                                         \
        const T *A, *B;                                                                        \
        T *C;                                                                                  \
    } NAME##_job;                                                                              \
                                                                                               \
    static void NAME##_part(void *ctx, int part) {                                             \
        const NAME##_job *j = (const NAME##_job *)ctx;                                         \
        ptrdiff_t j0, j1, i0, i1;                                                              \
        if (j->overN) {                                                                        \
            if (!part_range(j->n, j->nr, j->parts, part, &j0, &j1)) return;                    \
            const T *B = j->tB ? j->B + j0 * j->ldb : j->B + j0;                               \
            j->fn(j->tA, j->tB, j->m, j1 - j0, j->k, j->alpha, j->A, j->lda, B, j->ldb,        \
                  j->beta, j->C + j0, j->ldc);                                                 \
        } else {                                                                               \
            if (!part_range(j->m, j->mr, j->parts, part, &i0, &i1)) return;                    \
            const T *A = j->tA ? j->A + i0 : j->A + i0 * j->lda;                               \
            j->fn(j->tA, j->tB, i1 - i0, j->n, j->k, j->alpha, A, j->lda, j->B, j->ldb,        \
                  j->beta, j->C + i0 * j->ldc, j->ldc);                                        \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    static void NAME##_run(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,      \
                           T alpha, const T *A, ptrdiff_t lda, const T *B, ptrdiff_t ldb,      \
                           T beta, T *C, ptrdiff_t ldc) {                                      \
        if (m <= 0 || n <= 0) return;                                                          \
        if (k <= 0 || alpha == 0) { /* C = beta * C, A and B unread */                         \
            for (ptrdiff_t i = 0; i < m; i++) {                                                \
                T *c = C + i * ldc;                                                            \
                if (beta == 0)                                                                 \
                    for (ptrdiff_t j = 0; j < n; j++) c[j] = 0;                                \
                else if (beta != 1)                                                            \
                    for (ptrdiff_t j = 0; j < n; j++) c[j] *= beta;                            \
            }                                                                                  \
            return;                                                                            \
        }                                                                                      \
        const rnn_gemm_level_impl *impl = impl_for_level(rnn_kernel_level());                  \
        int tA = transA != 0, tB = transB != 0;                                                \
        int overN = 0, threads = 1;                                                            \
        int parts = plan_split(m, n, k, impl->MRF, impl->NRF, sizeof(T), &threads, &overN);    \
        if (parts > 1) {                                                                       \
            NAME##_job job = {impl->FIELD, tA, tB, overN, parts, impl->MRF, impl->NRF,         \
                              m, n, k, lda, ldb, ldc, alpha, beta, A, B, C};                   \
            if (rnn_parallel_run(NAME##_part, &job, parts, threads)) return;                   \
        }                                                                                      \
        impl->FIELD(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);                     \
    }                                                                                          \
                                                                                               \
    void NAME(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,          \
              const T *A, ptrdiff_t lda, const T *B, ptrdiff_t ldb, T beta, T *C,              \
              ptrdiff_t ldc) {                                                                 \
        unsigned mode = rnn_fp_enter();                                                        \
        NAME##_run(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);              \
        rnn_fp_leave(mode);                                                                    \
    }

DEFINE_GEMM(rnn_sgemm, float, sgemm, smr, snr)
DEFINE_GEMM(rnn_dgemm, double, dgemm, dmr, dnr)

// ---------------------------------------------------------------- prepacked B

// A packed operand starts with a 64-byte header recording the level and sizes it was packed for,
// so a product always uses the kernels (and panel width) the packing was made for, even if the
// level is forced in between.
typedef struct {
    int32_t level;
    int32_t elementSize;
    int64_t k, n;
} rnn_packed_header;

#define DEFINE_PACKED(P, T, FIELD, PACKF, PACKEDF, MRF, NRF)                                     \
    size_t rnn_##P##gemm_packed_size(ptrdiff_t k, ptrdiff_t n) {                                 \
        if (k <= 0 || n <= 0) return 64 / sizeof(T);                                             \
        const rnn_gemm_level_impl *impl = impl_for_level(rnn_kernel_level());                    \
        ptrdiff_t panels = (n + impl->NRF - 1) / impl->NRF;                                      \
        return 64 / sizeof(T) + (size_t)k * (size_t)panels * (size_t)impl->NRF;                 \
    }                                                                                            \
                                                                                                 \
    void rnn_##P##gemm_pack(int transB, ptrdiff_t k, ptrdiff_t n, const T *B, ptrdiff_t ldb,     \
                            T *packed) {                                                         \
        int level = rnn_kernel_level();                                                          \
        rnn_packed_header header = {level, (int32_t)sizeof(T), k, n};                            \
        memcpy(packed, &header, sizeof header);                                                  \
        if (k <= 0 || n <= 0) return;                                                            \
        impl_for_level(level)->PACKF(transB != 0, k, n, B, ldb, packed + 64 / sizeof(T));        \
    }                                                                                            \
                                                                                                 \
    typedef struct {                                                                             \
        const rnn_gemm_level_impl *impl;                                                         \
        int tA, overN, parts;                                                                    \
        ptrdiff_t m, n, k, lda, ldc, panels;                                                     \
        T alpha, beta;                                                                           \
        const T *A, *P, *bias;                                                                   \
        T *C;                                                                                    \
    } P##packed_job;                                                                             \
                                                                                                 \
    static void P##packed_part(void *ctx, int part) {                                            \
        const P##packed_job *j = (const P##packed_job *)ctx;                                     \
        ptrdiff_t j0, j1, i0, i1;                                                                \
        if (j->overN) {                                                                          \
            if (!part_range(j->n, j->impl->NRF, j->parts, part, &j0, &j1)) return;               \
            j->impl->PACKEDF(j->tA, j->m, j1 - j0, j->k, j->alpha, j->A, j->lda, j->P,           \
                             j->panels, j0, j->beta, j->bias ? j->bias + j0 : NULL, j->C + j0,   \
                             j->ldc);                                                            \
        } else {                                                                                 \
            if (!part_range(j->m, j->impl->MRF, j->parts, part, &i0, &i1)) return;               \
            const T *A = j->tA ? j->A + i0 : j->A + i0 * j->lda;                                 \
            j->impl->PACKEDF(j->tA, i1 - i0, j->n, j->k, j->alpha, A, j->lda, j->P, j->panels,   \
                             0, j->beta, j->bias, j->C + i0 * j->ldc, j->ldc);                   \
        }                                                                                        \
    }                                                                                            \
                                                                                                 \
    static int P##gemm_packed_run(int transA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,    \
                                  const T *A, ptrdiff_t lda, const T *packed, T beta,            \
                                  const T *bias, T *C, ptrdiff_t ldc) {                          \
        rnn_packed_header header;                                                                \
        memcpy(&header, packed, sizeof header);                                                  \
        if (header.elementSize != (int32_t)sizeof(T) || header.k != k || header.n != n ||        \
            header.level < 0 || header.level > 2)                                                \
            return 0;                                                                            \
        if (m <= 0 || n <= 0) return 1;                                                          \
        if (bias) {                                                                              \
            if (k <= 0 || alpha == 0) { /* C = the bias rows */                                  \
                for (ptrdiff_t i = 0; i < m; i++) memcpy(C + i * ldc, bias, sizeof(T) * (size_t)n); \
                return 1;                                                                        \
            }                                                                                    \
            beta = 1;                                                                            \
        }                                                                                        \
        if (k <= 0 || alpha == 0) {                                                              \
            rnn_##P##gemm(0, 0, m, n, 0, alpha, A, lda, NULL, n, beta, C, ldc);                  \
            return 1;                                                                            \
        }                                                                                        \
        const rnn_gemm_level_impl *impl = impl_for_level(header.level);                          \
        const T *P = packed + 64 / sizeof(T);                                                    \
        ptrdiff_t panels = (n + impl->NRF - 1) / impl->NRF;                                      \
        int tA = transA != 0, overN = 0, threads = 1;                                            \
        int parts = plan_split(m, n, k, impl->MRF, impl->NRF, sizeof(T), &threads, &overN);      \
        if (parts > 1) {                                                                         \
            P##packed_job job = {impl, tA, overN, parts, m, n, k, lda, ldc, panels,              \
                                 alpha, beta, A, P, bias, C};                                    \
            if (rnn_parallel_run(P##packed_part, &job, parts, threads)) return 1;                \
        }                                                                                        \
        impl->PACKEDF(tA, m, n, k, alpha, A, lda, P, panels, 0, beta, bias, C, ldc);             \
        return 1;                                                                                \
    }                                                                                            \
                                                                                                 \
    int rnn_##P##gemm_packed(int transA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,         \
                             const T *A, ptrdiff_t lda, const T *packed, T beta, T *C,           \
                             ptrdiff_t ldc) {                                                    \
        unsigned mode = rnn_fp_enter();                                                          \
        int done = P##gemm_packed_run(transA, m, n, k, alpha, A, lda, packed, beta, NULL, C,     \
                                      ldc);                                                      \
        rnn_fp_leave(mode);                                                                      \
        return done;                                                                             \
    }                                                                                            \
                                                                                                 \
    int rnn_##P##gemm_packed_bias(int transA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,    \
                                  const T *A, ptrdiff_t lda, const T *packed, const T *bias,     \
                                  T *C, ptrdiff_t ldc) {                                         \
        unsigned mode = rnn_fp_enter();                                                          \
        int done = P##gemm_packed_run(transA, m, n, k, alpha, A, lda, packed, 1, bias, C, ldc);  \
        rnn_fp_leave(mode);                                                                      \
        return done;                                                                             \
    }

DEFINE_PACKED(s, float, sgemm, spack, sgemm_packed, smr, snr)
DEFINE_PACKED(d, double, dgemm, dpack, dgemm_packed, dmr, dnr)
