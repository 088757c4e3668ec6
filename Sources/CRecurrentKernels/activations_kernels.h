// Fused per-step gate kernels, included once per (level, element type) after the level's
// target pragma and activations_math.h. Not a public header. Before including, define:
//   AK_T        element type (float or double)
//   AK_SFX      suffix of the generated static functions
//   AK_EXP, AK_SIGMOID, AK_TANH   the element functions of activations_math.h for AK_T
//
// Each kernel is the element-for-element transcription of the cell's plain Swift loop (the
// portable reference in Sources/Recurrent/Cells), with the same expression order; rows are
// independent and each element depends only on its own column, so every inner loop is
// vectorized unconditionally (`assume_safety`: the row segments a loop reads and writes are
// either identical or disjoint, never partially overlapping). The contracts (pointers,
// pitches, what is read and written) are documented on the public declarations in
// include/CRecurrentKernels.h.

#define AK_CAT2(a, b) a##_##b
#define AK_CAT(a, b) AK_CAT2(a, b)
#define AK_FN(name) AK_CAT(name, AK_SFX)

#if defined(__clang__)
#define AK_VECTORIZE _Pragma("clang loop vectorize(assume_safety)")
#else
#define AK_VECTORIZE _Pragma("GCC ivdep")
#endif

typedef AK_T AK_FN(t);
#define T AK_FN(t)

static void AK_FN(exp)(ptrdiff_t n, const T *x, T *y) {
    AK_VECTORIZE
    for (ptrdiff_t i = 0; i < n; i++) y[i] = AK_EXP(x[i]);
}

static void AK_FN(sigmoid)(ptrdiff_t n, const T *x, T *y) {
    AK_VECTORIZE
    for (ptrdiff_t i = 0; i < n; i++) y[i] = AK_SIGMOID(x[i]);
}

static void AK_FN(tanh)(ptrdiff_t n, const T *x, T *y) {
    AK_VECTORIZE
    for (ptrdiff_t i = 0; i < n; i++) y[i] = AK_TANH(x[i]);
}

static void AK_FN(srnn_forward)(int relu, ptrdiff_t batch, ptrdiff_t h, const T *proj, ptrdiff_t ldp,
                                const T *bias, T *next, ptrdiff_t ldn) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *p = proj + b * ldp;
        T *y = next + b * ldn;
        if (relu) {
            AK_VECTORIZE
            for (ptrdiff_t j = 0; j < h; j++) {
                T a = y[j] + (p[j] + bias[j]);
                y[j] = (T)0 >= a ? (T)0 : a;  // Swift.max(a, 0)
            }
        } else {
            AK_VECTORIZE
            for (ptrdiff_t j = 0; j < h; j++) y[j] = AK_TANH(y[j] + (p[j] + bias[j]));
        }
    }
}

static void AK_FN(srnn_backward)(int relu, ptrdiff_t batch, ptrdiff_t h, const T *dnext, ptrdiff_t lddn,
                                 const T *next, ptrdiff_t ldn, T *dproj, ptrdiff_t lddp) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *dy = dnext + b * lddn, *y = next + b * ldn;
        T *dp = dproj + b * lddp;
        if (relu) {
            AK_VECTORIZE
            for (ptrdiff_t j = 0; j < h; j++) dp[j] = y[j] > 0 ? dy[j] : (T)0;
        } else {
            AK_VECTORIZE
            for (ptrdiff_t j = 0; j < h; j++) dp[j] = dy[j] * (1 - y[j] * y[j]);
        }
    }
}

static void AK_FN(lstm_forward)(ptrdiff_t batch, ptrdiff_t h, const T *proj, ptrdiff_t ldp, const T *bias,
                                T *gates, ptrdiff_t ldg, const T *prev, ptrdiff_t ldprev, T *next,
                                ptrdiff_t ldn) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        T *g = gates + b * ldg;
        const T *p = proj + b * ldp, *cp = prev + b * ldprev + h;
        T *hn = next + b * ldn, *cn = hn + h;
        // Two passes over the row, with the same operations per element as one: the four gate activations
        // are independent of each other, but tanh(c_t) waits for three of them, and in a single loop that
        // chain (two exp and two divisions deep) limits how many units the processor overlaps.
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            g[j] = AK_SIGMOID(g[j] + (p[j] + bias[j]));
            g[h + j] = AK_SIGMOID(g[h + j] + (p[h + j] + bias[h + j]));
            g[2 * h + j] = AK_TANH(g[2 * h + j] + (p[2 * h + j] + bias[2 * h + j]));
            g[3 * h + j] = AK_SIGMOID(g[3 * h + j] + (p[3 * h + j] + bias[3 * h + j]));
        }
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T c = g[h + j] * cp[j] + g[j] * g[2 * h + j];
            T tc = AK_TANH(c);
            g[4 * h + j] = tc;
            cn[j] = c;
            hn[j] = g[3 * h + j] * tc;
        }
    }
}

static void AK_FN(lstm_backward)(ptrdiff_t batch, ptrdiff_t h, const T *gates, ptrdiff_t ldg, const T *prev,
                                 ptrdiff_t ldprev, const T *dnext, ptrdiff_t lddn, T *dgates,
                                 ptrdiff_t lddg, T *dprev, ptrdiff_t lddprev) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *g = gates + b * ldg, *cp = prev + b * ldprev + h;
        const T *dh = dnext + b * lddn, *dcin = dh + h;
        T *dg = dgates + b * lddg, *dcp = dprev + b * lddprev + h;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T i = g[j], f = g[h + j], gg = g[2 * h + j], o = g[3 * h + j], tc = g[4 * h + j];
            T dc = dcin[j] + dh[j] * o * (1 - tc * tc);
            dg[j] = dc * gg * i * (1 - i);
            dg[h + j] = dc * cp[j] * f * (1 - f);
            dg[2 * h + j] = dc * i * (1 - gg * gg);
            dg[3 * h + j] = dh[j] * tc * o * (1 - o);
            dcp[j] = dc * f;
        }
    }
}

static void AK_FN(gru_forward_after)(ptrdiff_t batch, ptrdiff_t h, const T *proj, ptrdiff_t ldp,
                                     const T *hid, ptrdiff_t ldh, const T *bias, const T *prev,
                                     ptrdiff_t ldprev, T *cache, ptrdiff_t ldc, T *next, ptrdiff_t ldn) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *p = proj + b * ldp, *q = hid + b * ldh, *hp = prev + b * ldprev;
        T *c = cache + b * ldc, *hn = next + b * ldn;
        // Two passes with the same operations per element as one (n waits for r: see lstm_forward).
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            c[j] = AK_SIGMOID(p[j] + (q[j] + bias[j]));
            c[h + j] = AK_SIGMOID(p[h + j] + (q[h + j] + bias[h + j]));
            c[3 * h + j] = q[2 * h + j] + bias[2 * h + j];
        }
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T z = c[h + j];
            T n = AK_TANH(p[2 * h + j] + c[j] * c[3 * h + j]);
            c[2 * h + j] = n;
            hn[j] = (1 - z) * n + z * hp[j];
        }
    }
}

static void AK_FN(gru_backward_after)(ptrdiff_t batch, ptrdiff_t h, const T *cache, ptrdiff_t ldc,
                                      const T *prev, ptrdiff_t ldprev, const T *dnext, ptrdiff_t lddn,
                                      T *dproj, ptrdiff_t lddp, T *drec, ptrdiff_t lddr, T *dprev,
                                      ptrdiff_t lddprev) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *c = cache + b * ldc, *hp = prev + b * ldprev, *dh = dnext + b * lddn;
        T *dp = dproj + b * lddp, *dq = drec + b * lddr, *dhp = dprev + b * lddprev;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T r = c[j], z = c[h + j], n = c[2 * h + j], hn = c[3 * h + j];
            T dnPre = dh[j] * (1 - z) * (1 - n * n);
            T dzPre = dh[j] * (hp[j] - n) * z * (1 - z);
            T drPre = dnPre * hn * r * (1 - r);
            dp[j] = drPre;
            dp[h + j] = dzPre;
            dp[2 * h + j] = dnPre;
            dq[j] = drPre;
            dq[h + j] = dzPre;
            dq[2 * h + j] = dnPre * r;
            dhp[j] = dh[j] * z;
        }
    }
}

static void AK_FN(gru_forward_before_gates)(ptrdiff_t batch, ptrdiff_t h, const T *proj, ptrdiff_t ldp,
                                            const T *hid, ptrdiff_t ldh, const T *bias, const T *prev,
                                            ptrdiff_t ldprev, T *cache, ptrdiff_t ldc) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *p = proj + b * ldp, *q = hid + b * ldh, *hp = prev + b * ldprev;
        T *c = cache + b * ldc;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T r = AK_SIGMOID(p[j] + (q[j] + bias[j]));
            c[j] = r;
            c[h + j] = AK_SIGMOID(p[h + j] + (q[h + j] + bias[h + j]));
            c[3 * h + j] = r * hp[j];
        }
    }
}

static void AK_FN(gru_forward_before_state)(ptrdiff_t batch, ptrdiff_t h, const T *proj, ptrdiff_t ldp,
                                            const T *hid, ptrdiff_t ldh, const T *bias, const T *prev,
                                            ptrdiff_t ldprev, T *cache, ptrdiff_t ldc, T *next,
                                            ptrdiff_t ldn) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *p = proj + b * ldp, *q = hid + b * ldh, *hp = prev + b * ldprev;
        T *c = cache + b * ldc, *hn = next + b * ldn;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T z = c[h + j];
            T n = AK_TANH(p[2 * h + j] + (q[2 * h + j] + bias[2 * h + j]));
            c[2 * h + j] = n;
            hn[j] = (1 - z) * n + z * hp[j];
        }
    }
}

static void AK_FN(gru_backward_before_state)(ptrdiff_t batch, ptrdiff_t h, const T *cache, ptrdiff_t ldc,
                                             const T *prev, ptrdiff_t ldprev, const T *dnext,
                                             ptrdiff_t lddn, T *dproj, ptrdiff_t lddp, T *drec,
                                             ptrdiff_t lddr) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *c = cache + b * ldc, *hp = prev + b * ldprev, *dh = dnext + b * lddn;
        T *dp = dproj + b * lddp, *dq = drec + b * lddr;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T z = c[h + j], n = c[2 * h + j];
            T dnPre = dh[j] * (1 - z) * (1 - n * n);
            dp[2 * h + j] = dnPre;
            dq[2 * h + j] = dnPre;
            T dzPre = dh[j] * (hp[j] - n) * z * (1 - z);
            dp[h + j] = dzPre;
            dq[h + j] = dzPre;
        }
    }
}

static void AK_FN(gru_backward_before_gates)(ptrdiff_t batch, ptrdiff_t h, const T *cache, ptrdiff_t ldc,
                                             const T *prev, ptrdiff_t ldprev, const T *dnext,
                                             ptrdiff_t lddn, const T *dreset, ptrdiff_t lddreset,
                                             T *dproj, ptrdiff_t lddp, T *drec, ptrdiff_t lddr,
                                             T *dprev, ptrdiff_t lddprev) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *c = cache + b * ldc, *hp = prev + b * ldprev, *dh = dnext + b * lddn;
        const T *drh = dreset + b * lddreset;
        T *dp = dproj + b * lddp, *dq = drec + b * lddr, *dhp = dprev + b * lddprev;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) {
            T r = c[j], z = c[h + j];
            T drPre = drh[j] * hp[j] * r * (1 - r);
            dp[j] = drPre;
            dq[j] = drPre;
            dhp[j] = dh[j] * z + drh[j] * r;
        }
    }
}

static void AK_FN(scrn_forward_context)(ptrdiff_t batch, ptrdiff_t h, ptrdiff_t cw, T alpha, const T *proj,
                                        ptrdiff_t ldp, const T *prev, ptrdiff_t ldprev, T *next,
                                        ptrdiff_t ldn, T *cache, ptrdiff_t ldc) {
    T keep = 1 - alpha;
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *p = proj + b * ldp, *sp = prev + b * ldprev + h;
        T *nx = next + b * ldn, *cached = cache + b * ldc;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < cw; j++) {
            T ps = p[h + j], s = sp[j];
            nx[h + j] = keep * ps + alpha * s;
            cached[j] = s - ps;
        }
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) nx[j] = p[j];
    }
}

static void AK_FN(scrn_backward_hidden)(ptrdiff_t batch, ptrdiff_t h, ptrdiff_t cw, const T *dnext,
                                        ptrdiff_t lddn, const T *next, ptrdiff_t ldn, T *drec,
                                        ptrdiff_t lddr) {
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *dn = dnext + b * lddn, *y = next + b * ldn;
        T *dq = drec + b * lddr;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) dq[j] = dn[j] * y[j] * (1 - y[j]);
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < cw; j++) dq[h + j] = dn[h + j];
    }
}

static void AK_FN(scrn_backward_context)(ptrdiff_t batch, ptrdiff_t h, ptrdiff_t cw, T alpha, const T *drec,
                                         ptrdiff_t lddr, T *dproj, ptrdiff_t lddp, T *dprev,
                                         ptrdiff_t lddprev) {
    T keep = 1 - alpha;
    for (ptrdiff_t b = 0; b < batch; b++) {
        const T *dq = drec + b * lddr;
        T *dp = dproj + b * lddp, *dsp = dprev + b * lddprev + h;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < h; j++) dp[j] = dq[j];
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < cw; j++) {
            dp[h + j] = keep * dq[h + j];
            dsp[j] = alpha * dq[h + j];
        }
    }
}

static void AK_FN(column_sums)(ptrdiff_t rows, ptrdiff_t width, const T *m, ptrdiff_t ld, T *sums) {
    // Row by row, so each sum sees its terms in the same order as the Swift reference loop.
    for (ptrdiff_t r = 0; r < rows; r++) {
        const T *row = m + r * ld;
        AK_VECTORIZE
        for (ptrdiff_t j = 0; j < width; j++) sums[j] += row[j];
    }
}

#undef T
#undef AK_CAT2
#undef AK_CAT
#undef AK_FN
#undef AK_VECTORIZE
#undef AK_T
#undef AK_SFX
#undef AK_EXP
#undef AK_SIGMOID
#undef AK_TANH
