// Correctness harness for the C GEMM kernels (not part of the package): every kernel level the CPU
// supports (portable C, AVX2+FMA, AVX-512F on x86-64; portable C and NEON on aarch64) against a naive
// reference, over the four transpose combinations, edge shapes around every tile and cache block size,
// padded leading dimensions, alpha/beta special cases, prepacked B operands and 1, 2 and 4 threads.
// Built and run natively by Scripts/gemm-check.sh and, cross-compiled for aarch64 and run under qemu,
// by Scripts/arm64-check.sh. Exit status 1 on any mismatch. `--default-threads` prints the default thread
// count and exits (Scripts/check-thread-default.sh).
//
// Tolerance: the reference is a plain dot product in double. For a product of depth k the error of any
// summation order with (fused or unfused) multiply-adds is at most γ·(|α|·Σₚ|a||b| + |β|·|c|) with
// γ = (k + 2)·u (Higham, 2002, §3.1: γₖ = k·u / (1 − k·u), plus one rounding for α and one for β·c);
// u = 2⁻²⁴ for float (the double reference adds only ~2⁻⁵³ relative error) and, for double, u = 2⁻⁵³
// counted twice because the reference itself is rounded the same way. Errors are reported as a fraction
// of that bound; a fraction above 1 is a failure. Packed and unpacked products at one level, and every
// thread count, must agree bit for bit (see CRecurrentKernels.h).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CRecurrentKernels.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double uniform(void) {  // in [-1, 1)
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0 * 2 - 1;
}

static long cases, failures;
static double worst_fraction[2][3];  // [float, double][level]: largest error / bound seen
static double worst_abs[2][3];
static double worst_level_gap[2];    // largest |level L − portable| over all cases, in units of the bound

static void fail(const char *what, const char *type, int level, int tA, int tB, long m, long n, long k) {
    if (failures < 30)
        printf("FAIL %s: %s level %d (%s) tA %d tB %d m %ld n %ld k %ld\n", what, type, level,
               rnn_kernel_level_name(level), tA, tB, m, n, k);
    failures++;
}

// Instantiated for float and double: one case = one shape, transposes, alpha, beta and padding, run at
// every level against the reference; at each level also packed, and (for large products) at 2 and 4 threads.
#define DEFINE_CHECK(P, T, TI, U)                                                                       \
    static void check_##P(int tA, int tB, long m, long n, long k, T alpha, T beta, int pad,           \
                          int nanC) {                                                                 \
        long ra = tA ? k : m, ca = tA ? m : k, rb = tB ? n : k, cb = tB ? k : n;                      \
        long lda = ca + pad, ldb = cb + 2 * pad, ldc = n + 3 * pad;                                   \
        T *A = malloc(sizeof(T) * (size_t)(ra * lda + 1)), *B = malloc(sizeof(T) * (size_t)(rb * ldb + 1)); \
        T *C0 = malloc(sizeof(T) * (size_t)(m * ldc + 1)), *C = malloc(sizeof(T) * (size_t)(m * ldc + 1)); \
        T *C1 = malloc(sizeof(T) * (size_t)(m * ldc + 1)), *Cl0 = malloc(sizeof(T) * (size_t)(m * ldc + 1)); \
        double *ref = malloc(sizeof(double) * (size_t)(m * n + 1)), *mag = malloc(sizeof(double) * (size_t)(m * n + 1)); \
        if (!A || !B || !C0 || !C || !C1 || !Cl0 || !ref || !mag) { printf("out of memory\n"); exit(2); } \
        for (long i = 0; i < ra * lda; i++) A[i] = (T)uniform();                                      \
        for (long i = 0; i < rb * ldb; i++) B[i] = (T)uniform();                                      \
        for (long i = 0; i < m * ldc; i++) C0[i] = nanC ? (T)NAN : (T)uniform();                      \
        for (long i = 0; i < m; i++)                                                                  \
            for (long j = 0; j < n; j++) {                                                            \
                double s = 0, a = 0;                                                                  \
                for (long p = 0; p < k; p++) {                                                        \
                    double x = tA ? A[p * lda + i] : A[i * lda + p];                                  \
                    double y = tB ? B[j * ldb + p] : B[p * ldb + j];                                  \
                    s += x * y;                                                                       \
                    a += fabs(x * y);                                                                 \
                }                                                                                     \
                double c = beta == 0 ? 0 : (double)C0[i * ldc + j];                                   \
                ref[i * n + j] = (double)alpha * s + (double)beta * c;                                \
                mag[i * n + j] = fabs((double)alpha) * a + fabs((double)beta) * fabs(c);              \
            }                                                                                         \
        double gamma = (double)(k + 2) * (U);                                                         \
        int top = rnn_kernel_level_supported();                                                       \
        for (int level = 0; level <= top; level++) {                                                  \
            rnn_kernel_force_level(level);                                                            \
            rnn_set_thread_count(1);                                                                  \
            memcpy(C, C0, sizeof(T) * (size_t)(m * ldc));                                             \
            rnn_##P##gemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);                      \
            cases++;                                                                                  \
            int bad = 0;                                                                              \
            for (long i = 0; i < m && !bad; i++)                                                      \
                for (long j = 0; j < n; j++) {                                                        \
                    double err = fabs((double)C[i * ldc + j] - ref[i * n + j]);                       \
                    double bound = gamma * mag[i * n + j] + 1e-300;                                   \
                    if (!(err <= bound)) { bad = 1; break; }                                          \
                    if (err / bound > worst_fraction[TI][level]) worst_fraction[TI][level] = err / bound; \
                    if (err > worst_abs[TI][level]) worst_abs[TI][level] = err;                       \
                    if (level > 0) {                                                                  \
                        double gap = fabs((double)C[i * ldc + j] - (double)Cl0[i * ldc + j]) / bound; \
                        if (gap > worst_level_gap[TI]) worst_level_gap[TI] = gap;                     \
                    }                                                                                 \
                }                                                                                     \
            for (long i = 0; i < m && !bad; i++) /* padding columns untouched */                      \
                for (long j = n; j < ldc; j++)                                                        \
                    if (memcmp(&C[i * ldc + j], &C0[i * ldc + j], sizeof(T))) { bad = 1; break; }     \
            if (bad) fail("result outside the error bound", #T, level, tA, tB, m, n, k);              \
            if (level == 0) memcpy(Cl0, C, sizeof(T) * (size_t)(m * ldc));                            \
            /* prepacked B: identical to the unpacked product at this level */                        \
            size_t psize = rnn_##P##gemm_packed_size(k, n);                                           \
            T *Pk = malloc(sizeof(T) * psize);                                                        \
            if (!Pk) { printf("out of memory\n"); exit(2); }                                          \
            rnn_##P##gemm_pack(tB, k, n, B, ldb, Pk);                                                 \
            memcpy(C1, C0, sizeof(T) * (size_t)(m * ldc));                                            \
            cases++;                                                                                  \
            if (!rnn_##P##gemm_packed(tA, m, n, k, alpha, A, lda, Pk, beta, C1, ldc) ||               \
                memcmp(C, C1, sizeof(T) * (size_t)(m * ldc)))                                         \
                fail("packed product differs from the unpacked one", #T, level, tA, tB, m, n, k);     \
            cases++;                                                                                  \
            if (rnn_##P##gemm_packed(tA, m, n, k + 1, alpha, A, lda, Pk, beta, C1, ldc))              \
                fail("packed product accepted a wrong k", #T, level, tA, tB, m, n, k);                \
            /* with a bias row: identical to C's rows set to it and beta = 1, old C unread */         \
            T *bias = malloc(sizeof(T) * (size_t)(n + 1)), *Cb = malloc(sizeof(T) * (size_t)(m * ldc + 1)); \
            if (!bias || !Cb) { printf("out of memory\n"); exit(2); }                                \
            for (long j = 0; j < n; j++) bias[j] = (T)uniform();                                      \
            memcpy(Cb, C0, sizeof(T) * (size_t)(m * ldc));                                            \
            for (long i = 0; i < m; i++) memcpy(Cb + i * ldc, bias, sizeof(T) * (size_t)n);          \
            rnn_##P##gemm_packed(tA, m, n, k, alpha, A, lda, Pk, 1, Cb, ldc);                         \
            for (int t = 1; t <= 4; t *= 2) {                                                         \
                if (t > 1 && 2.0 * m * n * k < 2.0e6) break;                                          \
                rnn_set_thread_count(t);                                                              \
                memcpy(C1, C0, sizeof(T) * (size_t)(m * ldc));                                        \
                cases++;                                                                              \
                if (!rnn_##P##gemm_packed_bias(tA, m, n, k, alpha, A, lda, Pk, bias, C1, ldc) ||      \
                    memcmp(Cb, C1, sizeof(T) * (size_t)(m * ldc)))                                    \
                    fail("packed product with a bias differs from bias rows and beta = 1", #T, level, tA, tB, m, n, k); \
            }                                                                                         \
            rnn_set_thread_count(1);                                                                  \
            free(bias), free(Cb);                                                                     \
            /* threads: bit-identical to one thread, unpacked and packed */                           \
            if (2.0 * m * n * k >= 2.0e6)                                                             \
                for (int t = 2; t <= 4; t *= 2) {                                                     \
                    rnn_set_thread_count(t);                                                          \
                    memcpy(C1, C0, sizeof(T) * (size_t)(m * ldc));                                    \
                    rnn_##P##gemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C1, ldc);             \
                    cases++;                                                                          \
                    if (memcmp(C, C1, sizeof(T) * (size_t)(m * ldc)))                                 \
                        fail("threaded product differs from one thread", #T, level, tA, tB, m, n, k); \
                    memcpy(C1, C0, sizeof(T) * (size_t)(m * ldc));                                    \
                    rnn_##P##gemm_packed(tA, m, n, k, alpha, A, lda, Pk, beta, C1, ldc);              \
                    cases++;                                                                          \
                    if (memcmp(C, C1, sizeof(T) * (size_t)(m * ldc)))                                 \
                        fail("threaded packed product differs from one thread", #T, level, tA, tB, m, n, k); \
                    rnn_set_thread_count(1);                                                          \
                }                                                                                     \
            free(Pk);                                                                                 \
        }                                                                                             \
        rnn_kernel_force_level(-1);                                                                   \
        free(A), free(B), free(C0), free(C), free(C1), free(Cl0), free(ref), free(mag);               \
    }

DEFINE_CHECK(s, float, 0, 5.9604644775390625e-08)
DEFINE_CHECK(d, double, 1, 2 * 1.1102230246251565e-16)

// C = beta * C without reading A or B when k == 0 or alpha == 0; nothing at all when m or n is 0.
static void check_degenerate(void) {
    float C[6] = {1, 2, 3, 4, 5, 6};
    rnn_sgemm(0, 0, 2, 3, 0, 1.0f, NULL, 1, NULL, 3, 2.0f, C, 3);
    rnn_sgemm(0, 0, 2, 3, 5, 0.0f, NULL, 5, NULL, 3, 0.5f, C, 3);
    rnn_sgemm(0, 0, 0, 3, 5, 1.0f, NULL, 5, NULL, 3, 0.0f, C, 3);
    rnn_sgemm(0, 0, 2, 0, 5, 1.0f, NULL, 5, NULL, 3, 0.0f, C, 3);
    cases += 4;
    for (int i = 0; i < 6; i++)
        if (C[i] != (float)(i + 1)) { printf("FAIL degenerate shapes: C[%d] = %g\n", i, C[i]); failures++; }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--default-threads") == 0) {  // the default thread count, for scripts
        printf("%d\n", rnn_thread_count());
        return 0;
    }
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;  // fewer shapes (for slow emulation)
    printf("gemm-check: levels 0...%d (", rnn_kernel_level_supported());
    for (int l = 0; l <= rnn_kernel_level_supported(); l++) printf("%s%s", l ? ", " : "", rnn_kernel_level_name(l));
    printf(")%s\n", quick ? ", quick" : "");
    check_degenerate();
    // Edge shapes around every tile (MR 4/6/8/14, NR 4/6/8/12/16/32) and k block (256) size.
    const long ms_full[] = {1, 2, 3, 5, 6, 7, 8, 9, 13, 15, 17, 24, 33};
    const long ns_full[] = {1, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 17, 25, 31, 33, 37, 48};
    const long ks_full[] = {1, 2, 7, 64, 255, 256, 257, 300};
    const long ms_quick[] = {1, 2, 7, 8, 9, 13, 17};
    const long ns_quick[] = {1, 4, 5, 6, 7, 11, 12, 13, 16, 17, 33};
    const long ks_quick[] = {1, 7, 256, 257};
    const long *ms = quick ? ms_quick : ms_full, *ns = quick ? ns_quick : ns_full, *ks = quick ? ks_quick : ks_full;
    int nm = quick ? 7 : 13, nn = quick ? 11 : 17, nk = quick ? 4 : 8;
    const float alphas[] = {1.0f, -0.75f, 2.0f}, betas[] = {0.0f, 1.0f, -0.5f};
    long variant = 0;
    for (int a = 0; a < nm; a++)
        for (int b = 0; b < nn; b++)
            for (int c = 0; c < nk; c++)
                for (int t = 0; t < 4; t++, variant++) {
                    float alpha = alphas[variant % 3], beta = betas[(variant / 3) % 3];
                    int pad = (int)(variant % 5 == 0), nanC = beta == 0 && variant % 2 == 0;
                    check_s(t & 1, t >> 1, ms[a], ns[b], ks[c], alpha, beta, pad, nanC);
                    check_d(t & 1, t >> 1, ms[a], ns[b], ks[c], alpha, beta, pad, nanC);
                }
    // Cache blocks (MC, NC, several k blocks) and products large enough to run on 2 and 4 threads
    // (split over n, with two parts per thread, and over m).
    const long big[][3] = {{133, 20, 40}, {2, 4100, 3}, {3, 2100, 5}, {10, 30, 600},
                           {96, 160, 300}, {200, 24, 300}, {13, 515, 260}, {64, 100, 129},
                           // one row (a batch-1 step): the packed driver's row path, whole and partial groups
                           // of panels, two k blocks, and (2100 · 600) a split over n on several threads
                           {1, 100, 300}, {1, 257, 64}, {1, 2100, 600}};
    for (size_t s = 0; s < sizeof big / sizeof big[0]; s++)
        for (int t = 0; t < 4; t++) {
            if (quick && t != (int)(s % 4)) continue;
            check_s(t & 1, t >> 1, big[s][0], big[s][1], big[s][2], 1.0f, s % 2 ? 1.0f : 0.0f, 1, 0);
            check_d(t & 1, t >> 1, big[s][0], big[s][1], big[s][2], -1.5, s % 2 ? 0.0 : 0.25, 0, 0);
        }
    const char *types[2] = {"float", "double"};
    for (int ti = 0; ti < 2; ti++) {
        for (int l = 0; l <= rnn_kernel_level_supported(); l++)
            printf("  %-6s level %d %-10s max error %.3g of the bound (max abs %.3g)\n", types[ti], l,
                   rnn_kernel_level_name(l), worst_fraction[ti][l], worst_abs[ti][l]);
        if (rnn_kernel_level_supported() > 0)
            printf("  %-6s largest difference vector level vs portable: %.3g of the bound\n", types[ti],
                   worst_level_gap[ti]);
    }
    printf("gemm-check: %ld checks, %ld failures\n", cases, failures);
    return failures ? 1 : 0;
}
