// FMA throughput probe for `rnn bench --peak`: independent chains of fused multiply-adds at the
// instruction-set level in use, on every kernel thread. It measures the ceiling that the GEMM and
// the recurrent steps are compared against; nothing in the library depends on it.
#include "gemm_internal.h"
#include "CRecurrentKernels.h"

#if RNN_X86_64
#include <immintrin.h>

// 16 chains (two FMA pipes × latency 4 needs 8; 16 leaves slack). acc ← acc·a + b converges to 1.
__attribute__((target("avx512f"))) static float chains_avx512(long iterations) {
    __m512 acc[16];
    for (int r = 0; r < 16; r++) acc[r] = _mm512_set1_ps(0.5f + 0.01f * (float)r);
    const __m512 a = _mm512_set1_ps(0.9999f), b = _mm512_set1_ps(1e-4f);
    for (long i = 0; i < iterations; i++)
        for (int r = 0; r < 16; r++) acc[r] = _mm512_fmadd_ps(acc[r], a, b);
    __m512 s = acc[0];
    for (int r = 1; r < 16; r++) s = _mm512_add_ps(s, acc[r]);
    return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"))) static float chains_avx2(long iterations) {
    __m256 acc[16];
    for (int r = 0; r < 16; r++) acc[r] = _mm256_set1_ps(0.5f + 0.01f * (float)r);
    const __m256 a = _mm256_set1_ps(0.9999f), b = _mm256_set1_ps(1e-4f);
    for (long i = 0; i < iterations; i++)
        for (int r = 0; r < 16; r++) acc[r] = _mm256_fmadd_ps(acc[r], a, b);
    __m256 s = acc[0];
    for (int r = 1; r < 16; r++) s = _mm256_add_ps(s, acc[r]);
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}
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
        s = chains_portable(job->iterations);
    job->sink[part] = s;
}

double rnn_fma_probe(long iterations, int parts) {
    if (parts < 1) parts = 1;
    if (parts > RNN_PEAK_MAX_PARTS) parts = RNN_PEAK_MAX_PARTS;
    peak_job job = {.iterations = iterations, .level = rnn_kernel_level()};
    rnn_parallel_for(parts, peak_part, &job);
    double lanes = job.level == 2 ? 16 : job.level == 1 ? 8 : 1;
    return 2.0 * 16.0 * lanes * (double)iterations * (double)parts;
}
