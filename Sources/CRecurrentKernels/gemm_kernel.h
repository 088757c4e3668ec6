// Register-blocked micro-kernel template, included once per (level, element type).
// Before including, define:
//   K_NAME           name of the generated static function
//   K_T              element type
//   K_MR, K_NV, K_W  rows of the tile, vectors per row, lanes per vector (NR = K_NV * K_W)
//   K_AS             (optional) the stride of the packed A panel, default K_MR: a kernel of fewer rows
//                    than the panel's MR (an edge tile of the last rows) reads the first K_MR of them
//   K_VEC            vector type; K_ZERO(), K_LOAD(p), K_STORE(p, v), K_SET1(x),
//                    K_FMA(a, b, c) (= a*b + c, fused), K_MUL(a, b)
//
// The generated kernel computes the full K_MR × NR tile
//     C = alpha * Σ_p a(r, p) b(p, :) + beta * C        (C not read when beta == 0)
// where a(r, p) = a[p*K_AS + r] (a packed A panel) and row p of b starts at b + p*rsB
// with NR contiguous elements (a packed B panel, rsB = NR, or B itself, rsB = ldb).
// Row p of the next B panel (pf + p*rsB) is prefetched towards L2 on the way.
// Every output element is accumulated in the same order (p ascending, one fused
// multiply-add per p) whichever tile position, thread or stride it is computed with.

#ifndef K_AS
#define K_AS K_MR
#endif

static RNN_ALWAYS_INLINE void K_NAME(ptrdiff_t kc, const K_T *restrict a,
                                     const K_T *restrict b, ptrdiff_t rsB,
                                     K_T *restrict c, ptrdiff_t ldc, K_T alpha, K_T beta,
                                     const K_T *pf) {
    K_VEC acc[K_MR][K_NV];
    for (int r = 0; r < K_MR; r++)
        for (int v = 0; v < K_NV; v++) acc[r][v] = K_ZERO();
    // The C tile is read (beta != 0) or written at the end: fetch its lines into L1 now, for writing, so that the
    // k loop hides the misses of a C too large for the caches (an input projection: T·B rows of gates).
    for (int r = 0; r < K_MR; r++)
        for (int l = 0; l < (int)(K_NV * K_W * sizeof(K_T)); l += 64) __builtin_prefetch((const char *)(c + r * ldc) + l, 1, 3);

    for (ptrdiff_t p = 0; p < kc; p++) {
        K_VEC bv[K_NV];
        for (int v = 0; v < K_NV; v++) bv[v] = K_LOAD(b + v * K_W);
        __builtin_prefetch(pf, 0, 2);
        __builtin_prefetch(pf + K_NV * K_W - 1, 0, 2);
        pf += rsB;
        for (int r = 0; r < K_MR; r++) {
            K_VEC av = K_SET1(a[r]);
            for (int v = 0; v < K_NV; v++) acc[r][v] = K_FMA(av, bv[v], acc[r][v]);
        }
        a += K_AS;
        b += rsB;
    }

    K_VEC va = K_SET1(alpha);
    if (beta == 0) {
        for (int r = 0; r < K_MR; r++)
            for (int v = 0; v < K_NV; v++) K_STORE(c + r * ldc + v * K_W, K_MUL(va, acc[r][v]));
    } else if (beta == 1) {
        for (int r = 0; r < K_MR; r++)
            for (int v = 0; v < K_NV; v++) {
                K_T *cp = c + r * ldc + v * K_W;
                K_STORE(cp, K_FMA(va, acc[r][v], K_LOAD(cp)));
            }
    } else {
        K_VEC vb = K_SET1(beta);
        for (int r = 0; r < K_MR; r++)
            for (int v = 0; v < K_NV; v++) {
                K_T *cp = c + r * ldc + v * K_W;
                K_STORE(cp, K_FMA(va, acc[r][v], K_MUL(vb, K_LOAD(cp))));
            }
    }
}

#undef K_NAME
#undef K_T
#undef K_MR
#undef K_AS
#undef K_NV
#undef K_W
#undef K_VEC
#undef K_ZERO
#undef K_LOAD
#undef K_STORE
#undef K_SET1
#undef K_FMA
#undef K_MUL
