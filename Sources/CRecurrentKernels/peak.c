// FMA throughput probe for `rnn bench --sgemm`: independent chains of fused multiply-adds at the
// instruction-set level in use, on every kernel thread. It measures the ceiling that the GEMM and
// the recurrent steps are compared against; nothing in the library depends on it.
#include "gemm_internal.h"
#include "CRecurrentKernels.h"

// One function per instruction set: CHAINS independent chains (x86: two FMA pipes × latency 4–5 need 8–10;
// arm64: up to four pipes × latency 4 need 16, 24 leave slack) of acc ← acc·a + b, which converges to 1;
// the lanes are summed so the work cannot be dropped. The chains and the multiplier must fit in the vector
// registers, or the loop spills and measures memory latency instead: AVX2 has 16 (12 chains), AVX-512 32 (16).
#define RNN_FMA_CHAINS(NAME, ATTRIBUTES, VEC, SET1, FMADD, STOREU, LANES, CHAINS)            \
    ATTRIBUTES static float NAME(long iterations) {                                         \
        VEC acc[CHAINS];                                                                     \
        for (int r = 0; r < CHAINS; r++) acc[r] = SET1(0.5f + 0.01f * (float)r);             \
        const VEC a = SET1(0.9999f), b = SET1(1e-4f);                                        \
        for (long i = 0; i < iterations; i++)                                                \
            for (int r = 0; r < CHAINS; r++) acc[r] = FMADD(acc[r], a, b);                   \
        float lanes[LANES], s = 0;                                                           \
        for (int r = 0; r < CHAINS; r++) {                                                   \
            STOREU(lanes, acc[r]);                                                           \
            for (int l = 0; l < LANES; l++) s += lanes[l];                                   \
        }                                                                                    \
        return s;                                                                            \
    }

#if RNN_X86_64
#include <immintrin.h>
RNN_FMA_CHAINS(chains_avx512, __attribute__((target("avx512f"))), __m512, _mm512_set1_ps, _mm512_fmadd_ps,
               _mm512_storeu_ps, 16, 16)
RNN_FMA_CHAINS(chains_avx2, __attribute__((target("avx2,fma"))), __m256, _mm256_set1_ps, _mm256_fmadd_ps,
               _mm256_storeu_ps, 8, 12)
#endif

#if RNN_AARCH64
// NEON is baseline on aarch64 (no target attribute). fmla accumulates into its destination, so here the
// chain runs through the addend: acc ← acc + a·b (fused; it grows by 10⁻⁴ a step, never near overflow or
// subnormals), which keeps every chain in one register with no copies.
#include <arm_neon.h>
#define RNN_NEON_FMADD(acc, a, b) vfmaq_f32((acc), (a), (b))
RNN_FMA_CHAINS(chains_neon, , float32x4_t, vdupq_n_f32, RNN_NEON_FMADD, vst1q_f32, 4, 24)
#endif

static float chains_portable(long iterations) {
    float acc[16];
    for (int r = 0; r < 16; r++) acc[r] = 0.5f + 0.01f * (float)r;
    for (long i = 0; i < iterations; i++)
        for (int r = 0; r < 16; r++) acc[r] = acc[r] * 0.9999f + 1e-4f;
    float s = 0;
    for (int r = 0; r < 16; r++) s += acc[r];
    return s;
}

typedef struct {
    long iterations;
    int level;
    volatile float sink[RNN_PEAK_MAX_PARTS];
} peak_job;

static void peak_part(void *ctx, int part) {
    peak_job *job = (peak_job *)ctx;
    float s;
#if RNN_X86_64
    if (job->level == 2) s = chains_avx512(job->iterations);
    else if (job->level == 1) s = chains_avx2(job->iterations);
    else
#endif
#if RNN_AARCH64
    if (job->level >= 1) s = chains_neon(job->iterations);
    else
#endif
        s = chains_portable(job->iterations);
    job->sink[part] = s;
}

double rnn_fma_probe(long iterations, int parts) {
    if (parts < 1) parts = 1;
    if (parts > RNN_PEAK_MAX_PARTS) parts = RNN_PEAK_MAX_PARTS;
    peak_job job = {.iterations = iterations, .level = rnn_kernel_level()};
    rnn_parallel_for(parts, peak_part, &job);
#if RNN_AARCH64
    double lanes = job.level >= 1 ? 4 : 1, chains = job.level >= 1 ? 24 : 16;
#else
    double lanes = job.level == 2 ? 16 : job.level == 1 ? 8 : 1, chains = job.level == 1 ? 12 : 16;
#endif
    return 2.0 * chains * lanes * (double)iterations * (double)parts;
}
