// One-row products from a packed weight, the streaming step's h_{t−1}·W_hhᵀ at batch 1, on one and on two
// threads: microseconds per product and the rate at which B (the packed weight) is read. Such a product does
// two flops per element of B, so it is bound by how fast a core reads B from its cache; this shows where
// splitting it over two cores starts to pay (RNN_PARALLEL_MIN_B_BYTES in gemm.c). Built and run by
// Scripts/gemm-row.sh against the objects of a release build; not part of the package.
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
    // (k, n): W_hhᵀ of an LSTM (n = 4k) and a GRU (n = 3k) at hidden 64, 128, 256.
    const int shapes[][2] = {{64, 256}, {64, 192}, {128, 512}, {128, 384}, {256, 1024}, {256, 768}};
    printf("%6s %6s %8s %12s %12s %12s %12s\n", "k", "n", "B KB", "1 thread µs", "GB/s", "2 threads µs", "GB/s");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int k = shapes[s][0], n = shapes[s][1];
        float *A = malloc(sizeof(float) * (size_t)k), *B = malloc(sizeof(float) * (size_t)k * n);
        float *C = malloc(sizeof(float) * (size_t)n), *P = malloc(sizeof(float) * rnn_sgemm_packed_size(k, n));
        if (!A || !B || !C || !P) return 1;
        for (int i = 0; i < k; i++) A[i] = 0.01f * (float)i;
        for (long i = 0; i < (long)k * n; i++) B[i] = 0.001f * (float)(i % 7);
        rnn_sgemm_pack(1, k, n, B, k, P);
        double best[2] = {1e9, 1e9};
        for (int round = 0; round < 20; round++)  // alternated, best of 20 rounds of 2000 products
            for (int t = 1; t <= 2; t++) {
                rnn_set_thread_count(t);
                double t0 = now();
                for (int i = 0; i < 2000; i++) rnn_sgemm_packed(0, 1, n, k, 1.0f, A, k, P, 0.0f, C, n);
                double each = (now() - t0) / 2000;
                if (each < best[t - 1]) best[t - 1] = each;
            }
        double bytes = 4.0 * k * n;
        printf("%6d %6d %8.0f %12.2f %12.1f %12.2f %12.1f\n", k, n, bytes / 1024, best[0] * 1e6, bytes / best[0] / 1e9,
               best[1] * 1e6, bytes / best[1] / 1e9);
        free(A), free(B), free(C), free(P);
    }
    return 0;
}
