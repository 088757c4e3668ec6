// Rate of our Float GEMM on one and on two threads, on square products and on the products of one training
// step of the character language model (2-layer LSTM 512, batch 32, windows of 128; see results/charlm):
// the speed-up of the second thread per shape. Built and run by Scripts/gemm-threads.sh against the objects of
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

typedef struct {
    const char *what;
    int tA, tB, m, n, k, packed;
} shape;

// Best of 3 timings of `repeats` products, in GFLOP/s.
static double rate(const shape *s, int threads) {
    rnn_set_thread_count(threads);
    int m = s->m, n = s->n, k = s->k;
    float *A = malloc(sizeof(float) * (size_t)m * k), *B = malloc(sizeof(float) * (size_t)k * n);
    float *C = malloc(sizeof(float) * (size_t)m * n);
    float *P = malloc(sizeof(float) * rnn_sgemm_packed_size(k, n));
    if (!A || !B || !C || !P) exit(1);
    for (long i = 0; i < (long)m * k; i++) A[i] = (float)(i % 7) * 0.1f;
    for (long i = 0; i < (long)k * n; i++) B[i] = (float)(i % 5) * 0.1f;
    for (long i = 0; i < (long)m * n; i++) C[i] = 0;
    ptrdiff_t lda = s->tA ? m : k, ldb = s->tB ? k : n;
    rnn_sgemm_pack(s->tB, k, n, B, ldb, P);
    long repeats = (long)(1e9 / (2.0 * m * n * k));
    if (repeats < 3) repeats = 3;
    double best = 0;
    for (int round = 0; round < 4; round++) {
        double t0 = now();
        for (long r = 0; r < repeats; r++) {
            if (s->packed) rnn_sgemm_packed(s->tA, m, n, k, 1.0f, A, lda, P, 1.0f, C, n);
            else rnn_sgemm(s->tA, s->tB, m, n, k, 1.0f, A, lda, B, ldb, 1.0f, C, n);
        }
        double r = 2.0 * m * n * k * (double)repeats / (now() - t0) / 1e9;
        if (round > 0 && r > best) best = r;  // round 0 warms up
    }
    free(A), free(B), free(C), free(P);
    return best;
}

int main(void) {
    const shape shapes[] = {
        {"square", 0, 0, 512, 512, 512, 0},
        {"square", 0, 0, 1024, 1024, 1024, 0},
        {"square", 0, 0, 2048, 2048, 2048, 0},
        {"step: h·W_hhᵀ (packed)", 0, 1, 32, 2048, 512, 1},
        {"step: dG·W_hh (packed)", 0, 0, 32, 512, 2048, 1},
        {"projection x·W_ihᵀ, layer 2", 0, 1, 512, 2048, 512, 1},
        {"projection x·W_ihᵀ, layer 1", 0, 1, 512, 2048, 64, 1},
        {"dW += dGᵀ·h, 128 rows", 1, 0, 2048, 512, 128, 0},
        {"dW += dGᵀ·h, 512 rows", 1, 0, 2048, 512, 512, 0},
        {"dx = dG·W_ih, 128 rows", 0, 0, 128, 512, 2048, 0},
        {"readout x·Wᵀ, 4096 rows", 0, 1, 4096, 65, 512, 0},
    };
    printf("kernel level %d (%s)\n", rnn_kernel_level(), rnn_kernel_level_name(rnn_kernel_level()));
    printf("%-30s %6s %6s %6s %9s %9s %7s\n", "product", "m", "n", "k", "1 thread", "2 threads", "speed-up");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const shape *s = &shapes[i];
        double one = rate(s, 1), two = rate(s, 2);
        printf("%-30s %6d %6d %6d %9.1f %9.1f %7.2f\n", s->what, s->m, s->n, s->k, one, two, two / one);
    }
    return 0;
}
