// Single-thread rate of the prepacked-B GEMM on the per-step product shapes of the benchmark
// configurations (see BENCHMARKS.md). Built and run by Scripts/gemm-shapes.sh against the objects of
// a release build; not part of the package.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "CRecurrentKernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void) {
    rnn_set_thread_count(1);
    // (m, n, k): rows × columns × depth of h_{t−1}·W_hhᵀ (forward) and dGates·W_hh (backward) per thread.
    const int shapes[][3] = {{8, 400, 100},  {8, 100, 400},   {16, 512, 128},  {16, 128, 512},
                             {32, 2048, 512}, {32, 512, 2048}, {64, 4096, 1024}};
    printf("kernel level %d, 1 thread; FMA peak of one core: see `rnn bench --sgemm 2048 --threads 1`\n",
           rnn_kernel_level());
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *A = malloc(sizeof(float) * (size_t)m * k), *B = malloc(sizeof(float) * (size_t)k * n);
        float *C = malloc(sizeof(float) * (size_t)m * n);
        float *P = malloc(sizeof(float) * rnn_sgemm_packed_size(k, n));
        if (!A || !B || !C || !P) return 1;
        for (int i = 0; i < m * k; i++) A[i] = (float)(i % 7) * 0.1f;
        for (int i = 0; i < k * n; i++) B[i] = (float)(i % 5) * 0.1f;
        rnn_sgemm_pack(0, k, n, B, n, P);
        long repeats = (long)(2e9 / (2.0 * m * n * k));
        if (repeats < 5) repeats = 5;
        for (long r = 0; r < repeats / 10; r++) rnn_sgemm_packed(0, m, n, k, 1.0f, A, k, P, 0.0f, C, n);
        double t0 = now();
        for (long r = 0; r < repeats; r++) rnn_sgemm_packed(0, m, n, k, 1.0f, A, k, P, 0.0f, C, n);
        double t = now() - t0;
        printf("m %3d  n %5d  k %5d  %6.1f GFLOP/s\n", m, n, k, 2.0 * m * n * k * (double)repeats / t / 1e9);
        free(A), free(B), free(C), free(P);
    }
    return 0;
}
