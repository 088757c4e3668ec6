// Max error, in ulps of the exact result, of the library's vectorized float exp, sigmoid and tanh
// (rnn_s_exp / rnn_s_sigmoid / rnn_s_tanh at a chosen kernel level) over every float input, or every
// `stride`-th bit pattern, against long double references. Reproduces the bounds stated in
// Sources/CRecurrentKernels/activations_math.h. Built and run by Scripts/activation-accuracy.sh.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CRecurrentKernels.h"

static double ulp_of(long double r) {  // spacing of float at the exact result (normal spacing below)
    float a = fabsf((float)r);
    if (!isfinite(a)) a = 3.4028235e38f;
    if (a < 1.17549435e-38f) a = 1.17549435e-38f;
    return (double)(nextafterf(a, INFINITY) - a);
}

// The bounds stated in activations_math.h (measured over all 2³² floats), plus 0.01 for their rounding:
// a sweep that exceeds one fails.
static const double bounds[3] = {1.02, 2.41, 1.52};

static int sweep(int level, uint64_t stride) {
    rnn_kernel_force_level(level);
    enum { N = 1 << 16 };
    static float x[N], y[3][N];
    double worst[3] = {0, 0, 0};
    float where[3] = {0, 0, 0};
    uint64_t count = 0;
    for (uint64_t base = 0; base < (1ull << 32); base += (uint64_t)N * stride) {
        int n = 0;
        for (uint64_t i = 0; i < N && base + i * stride < (1ull << 32); i++) {
            uint32_t bits = (uint32_t)(base + i * stride);
            float v;
            memcpy(&v, &bits, 4);
            if (isnan(v)) continue;
            x[n++] = v;
        }
        rnn_s_exp(n, x, y[0]);
        rnn_s_sigmoid(n, x, y[1]);
        rnn_s_tanh(n, x, y[2]);
        for (int i = 0; i < n; i++) {
            long double v = x[i], e = expl(v);
            long double ref[3] = {e, v >= 0 ? 1.0L / (1.0L + expl(-v)) : e / (1.0L + e), tanhl(v)};
            for (int f = 0; f < 3; f++) {
                long double r = ref[f];
                if (isinf((float)r) && isinf(y[f][i]) && (r > 0) == (y[f][i] > 0)) continue;  // overflow to ±inf
                double err = (double)fabsl((long double)y[f][i] - r) / ulp_of(r);
                if (err > worst[f]) { worst[f] = err; where[f] = x[i]; }
            }
        }
        count += (uint64_t)n;
    }
    printf("level %d, %llu inputs (every %llu-th bit pattern): exp %.3f ulp (at %.9g), sigmoid %.3f ulp (at %.9g), "
           "tanh %.3f ulp (at %.9g)\n", level, (unsigned long long)count, (unsigned long long)stride,
           worst[0], where[0], worst[1], where[1], worst[2], where[2]);
    fflush(stdout);
    int ok = 1;
    const char *names[3] = {"exp", "sigmoid", "tanh"};
    for (int f = 0; f < 3; f++)
        if (worst[f] > bounds[f]) {
            printf("FAIL: %s at level %d: %.3f ulp exceeds the stated %.2f\n", names[f], level, worst[f], bounds[f]);
            ok = 0;
        }
    return ok;
}

// Usage: activation-accuracy [STRIDE]: every level the CPU supports (0 portable, 1 AVX2, 2 AVX-512).
int main(int argc, char **argv) {
    uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    if (stride < 1) stride = 1;
    int ok = 1;
    // The functions' accuracy over the whole range, subnormal inputs and results included: the kernels'
    // flushing of subnormals to zero (on by default on x86-64) is turned off for the sweep.
    rnn_set_flush_subnormals(0);
    for (int level = 0; level <= rnn_kernel_level_supported(); level++) ok &= sweep(level, stride);
    return ok ? 0 : 1;
}
