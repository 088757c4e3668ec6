// Blocked, packed serial GEMM driver template, included once per (level, element type).
// Before including, define:
//   D_NAME     name of the generated (external) serial driver
//   D_SFX      suffix for the static helpers of this instantiation
//   D_T        element type
//   D_MR, D_NR register tile (rows × columns)
//   D_KERNEL   full-tile micro-kernel, signature as in gemm_kernel.h
//   D_KERNEL_HALF (optional) the same for the first NR/2 columns only, used for narrow
//              right-edge tiles (identical arithmetic per element)
//   D_KERNEL_QUARTER (optional) the same for the first NR/4 columns, for the narrowest edges
//   D_KERNEL_MASKED (optional) the same for the first nr < NR/2 columns of a full-height tile, computed
//              in place with masked loads and stores of C (extra last argument: nr)
//   D_KERNEL_ROWS (optional) int f(mr, kc, a, b, rsB, c, ldc, alpha, beta, pf): computes a full-width tile of
//              mr < MR rows in place with the kernel's arithmetic and returns 1, or returns 0 for a height it has
//              no kernel for
//   D_KC, D_MC, D_NC     cache blocking in k, m and n (D_MC multiple of D_MR, D_NC of D_NR)
//   D_DIRECT_B_MAX_M     op(B) = B (not transposed) is read in place when m <= this
//   D_TPACK_A, D_TPACK_B optional vectorized transposing packers (see gemm_transpose.h)
//
// Loop nest (BLIS order): jc over n in D_NC, pc over k in blocks of kcb, pack B(kc × nc),
// ic over m in D_MC, pack A(mc × kc), jr over NR columns, ir over MR rows, micro-kernel.
// kcb depends only on k, so each element of C sees the same operations whichever part
// of the output (thread split over m or n) it belongs to. Packing only moves data.

#include <string.h>

#define D_CAT2(a, b) a##_##b
#define D_CAT(a, b) D_CAT2(a, b)
#define D_FN(name) D_CAT(name, D_SFX)

static inline ptrdiff_t D_FN(min)(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

// Packs rows [0, mc) × columns [0, kc) of op(A), A pointing at op(A)(0, 0), into
// ceil(mc / MR) panels of kc × MR (row r of the panel at offset p*MR + r), zero-padded.
static void D_FN(pack_a)(int tA, const D_T *A, ptrdiff_t lda, ptrdiff_t mc, ptrdiff_t kc,
                         D_T *restrict dst) {
    for (ptrdiff_t ir = 0; ir < mc; ir += D_MR) {
        ptrdiff_t mr = D_FN(min)(D_MR, mc - ir);
        D_T *restrict d = dst + ir * kc;
        if (tA) {  // op(A)(i, p) = A[p*lda + i]: MR contiguous values per p
            const D_T *s = A + ir;
            if (mr == D_MR) {
                for (ptrdiff_t p = 0; p < kc; p++)
                    for (int r = 0; r < D_MR; r++) d[p * D_MR + r] = s[p * lda + r];
            } else {
                RNN_NO_VECTORIZE
                for (ptrdiff_t p = 0; p < kc; p++)
                    for (int r = 0; r < D_MR; r++) d[p * D_MR + r] = r < mr ? s[p * lda + r] : 0;
            }
        } else {  // op(A)(i, p) = A[i*lda + p]: transpose MR rows
            const D_T *s = A + ir * lda;
#ifdef D_TPACK_A
            D_TPACK_A(s, lda, mr, D_MR, kc, d);
            continue;
#endif
            if (mr == D_MR) {
                for (ptrdiff_t p = 0; p < kc; p++)
                    for (int r = 0; r < D_MR; r++) d[p * D_MR + r] = s[r * lda + p];
            } else {
                for (ptrdiff_t p = 0; p < kc; p++)
                    for (int r = 0; r < D_MR; r++) d[p * D_MR + r] = r < mr ? s[r * lda + p] : 0;
            }
        }
    }
}

// Packs rows [0, kc) × columns [0, nc) of op(B), B pointing at op(B)(0, 0), into
// ceil(nc / NR) panels of kc × NR (row p of the panel at offset p*NR), zero-padded.
static void D_FN(pack_b)(int tB, const D_T *B, ptrdiff_t ldb, ptrdiff_t kc, ptrdiff_t nc,
                         D_T *restrict dst) {
    for (ptrdiff_t jr = 0; jr < nc; jr += D_NR) {
        ptrdiff_t nr = D_FN(min)(D_NR, nc - jr);
        D_T *restrict d = dst + jr * kc;
        if (!tB) {  // op(B)(p, j) = B[p*ldb + j]: copy row segments
            const D_T *s = B + jr;
            if (nr == D_NR) {
                for (ptrdiff_t p = 0; p < kc; p++)
                    for (int c = 0; c < D_NR; c++) d[p * D_NR + c] = s[p * ldb + c];
            } else {
                for (ptrdiff_t p = 0; p < kc; p++)
                    for (int c = 0; c < D_NR; c++) d[p * D_NR + c] = c < nr ? s[p * ldb + c] : 0;
            }
        } else {  // op(B)(p, j) = B[j*ldb + p]: transpose NR rows of B
            const D_T *s = B + jr * ldb;
#ifdef D_TPACK_B
            D_TPACK_B(s, ldb, nr, D_NR, kc, d);
            continue;
#endif
            ptrdiff_t c = 0;
            for (; c < nr; c++) {
                const D_T *row = s + c * ldb;
                for (ptrdiff_t p = 0; p < kc; p++) d[p * D_NR + c] = row[p];
            }
            for (; c < D_NR; c++)
                for (ptrdiff_t p = 0; p < kc; p++) d[p * D_NR + c] = 0;
        }
    }
}

#ifdef D_ROW_FMA
// One row of C (m = 1: a streaming step at batch 1) from packed B panels, without packing A. Each element gets
// exactly the micro-kernel's arithmetic: an accumulator from 0, one D_ROW_FMA per p in ascending order, then the
// same epilogue (alpha·acc; fma(alpha, acc, c); fma(alpha, acc, beta·c)). Up to D_ROW_PANELS panels are done
// at once, so that enough independent chains are in flight; the MR-row kernel on a one-row edge tile would do
// MR times the work. np panels of kc rows at bp, bp + panelStride, …, row p of each at p·rsB; a(p) = a[p·as];
// w ≤ np·NR columns of C are written.
#define D_ROW_PANELS 4
static void D_FN(row)(ptrdiff_t kc, const D_T *a, ptrdiff_t as, const D_T *bp, ptrdiff_t rsB, ptrdiff_t panelStride,
                      int np, D_T *c, ptrdiff_t w, D_T alpha, D_T beta) {
    D_T acc[D_ROW_PANELS * D_NR] __attribute__((aligned(64)));
    for (int i = 0; i < D_ROW_PANELS * D_NR; i++) acc[i] = 0;
    if (np == D_ROW_PANELS) {
        for (ptrdiff_t p = 0; p < kc; p++) {
            D_T ap = a[p * as];
            for (int g = 0; g < D_ROW_PANELS; g++)
                for (int j = 0; j < D_NR; j++)
                    acc[g * D_NR + j] = D_ROW_FMA(ap, bp[g * panelStride + p * rsB + j], acc[g * D_NR + j]);
        }
    } else {
        for (int g = 0; g < np; g++)
            for (ptrdiff_t p = 0; p < kc; p++) {
                D_T ap = a[p * as];
                for (int j = 0; j < D_NR; j++)
                    acc[g * D_NR + j] = D_ROW_FMA(ap, bp[g * panelStride + p * rsB + j], acc[g * D_NR + j]);
            }
    }
    if (beta == 0) {
        for (ptrdiff_t j = 0; j < w; j++) c[j] = alpha * acc[j];
    } else if (beta == 1) {
        for (ptrdiff_t j = 0; j < w; j++) c[j] = D_ROW_FMA(alpha, acc[j], c[j]);
    } else {
        for (ptrdiff_t j = 0; j < w; j++) c[j] = D_ROW_FMA(alpha, acc[j], beta * c[j]);
    }
}
#endif

// Edge tile (mr < MR or nr < NR): run the full-tile kernel on a local copy of C so the
// arithmetic is exactly that of interior tiles.
static void D_FN(edge)(ptrdiff_t kc, const D_T *a, const D_T *b, ptrdiff_t rsB, D_T *c, ptrdiff_t ldc, ptrdiff_t mr,
                       ptrdiff_t nr, D_T alpha, D_T beta) {
    D_T tmp[D_MR * D_NR] __attribute__((aligned(64)));
    for (int i = 0; i < D_MR * D_NR; i++) tmp[i] = 0;
    if (beta != 0)
        for (ptrdiff_t r = 0; r < mr; r++)
            for (ptrdiff_t j = 0; j < nr; j++) tmp[r * D_NR + j] = c[r * ldc + j];
#ifdef D_KERNEL_QUARTER
    if (nr <= D_NR / 4)
        D_KERNEL_QUARTER(kc, a, b, rsB, tmp, D_NR, alpha, beta, b);
    else
#endif
#ifdef D_KERNEL_HALF
    if (nr <= D_NR / 2)
        D_KERNEL_HALF(kc, a, b, rsB, tmp, D_NR, alpha, beta, b);
    else
#endif
        D_KERNEL(kc, a, b, rsB, tmp, D_NR, alpha, beta, b);
    for (ptrdiff_t r = 0; r < mr; r++)
        for (ptrdiff_t j = 0; j < nr; j++) c[r * ldc + j] = tmp[r * D_NR + j];
}

// One MR × nr tile of C (nr ≤ NR, mr ≤ MR). Full-height tiles that a narrower kernel covers exactly (or, with
// D_KERNEL_MASKED, any nr ≤ NR/2) are computed in place; the others through the local copy of `edge`. The
// arithmetic per element is the same in every case.
static RNN_ALWAYS_INLINE void D_FN(tile)(ptrdiff_t kc, const D_T *a, const D_T *b, ptrdiff_t rsB, D_T *c, ptrdiff_t ldc,
                                         ptrdiff_t mr, ptrdiff_t nr, D_T alpha, D_T beta, const D_T *pf) {
#ifdef D_ROW_FMA
    if (mr == 1) {  // a one-row tile (m = 1, or the last row of m): the row kernel instead of MR rows of work
        D_FN(row)(kc, a, D_MR, b, rsB, 0, 1, c, nr, alpha, beta);
        return;
    }
#endif
#ifdef D_KERNEL_ROWS
    if (mr < D_MR && nr == D_NR && D_KERNEL_ROWS(mr, kc, a, b, rsB, c, ldc, alpha, beta, pf)) return;
#endif
    if (mr == D_MR) {
        if (nr == D_NR) {
            D_KERNEL(kc, a, b, rsB, c, ldc, alpha, beta, pf);
            return;
        }
#ifdef D_KERNEL_HALF
        if (nr == D_NR / 2) {
            D_KERNEL_HALF(kc, a, b, rsB, c, ldc, alpha, beta, pf);
            return;
        }
#endif
#ifdef D_KERNEL_MASKED
        if (nr < D_NR / 2) {
            D_KERNEL_MASKED(kc, a, b, rsB, c, ldc, alpha, beta, (int)nr);
            return;
        }
#endif
    }
    D_FN(edge)(kc, a, b, rsB, c, ldc, mr, nr, alpha, beta);
}


// Serial GEMM; requires m, n, k > 0 and alpha != 0 (the dispatcher handles the rest).
void D_NAME(int tA, int tB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, D_T alpha, const D_T *A,
            ptrdiff_t lda, const D_T *B, ptrdiff_t ldb, D_T beta, D_T *C, ptrdiff_t ldc) {
    // k blocks of (nearly) equal size: a function of k alone.
    ptrdiff_t nkb = (k + D_KC - 1) / D_KC;
    ptrdiff_t kcb = (k + nkb - 1) / nkb;

    // op(A) is always packed (MR-row panels); op(B) = B is read in place for few rows.
    int directB = !tB && m <= D_DIRECT_B_MAX_M;
    // With a single block of rows, each B panel is used right after packing: pack it
    // panel by panel into an L1-sized buffer instead of packing all of nc at once.
    int lazyB = !directB && m <= D_MC;
    ptrdiff_t ncMax = D_FN(min)(D_NC, n);
    ptrdiff_t mcMax = D_FN(min)(D_MC, m);

    size_t bElems = directB || lazyB ? (size_t)D_NR * kcb
                            : (size_t)((ncMax + D_NR - 1) / D_NR) * D_NR * kcb;
    size_t aElems = (size_t)((mcMax + D_MR - 1) / D_MR) * D_MR * kcb;
    D_T *bbuf = (D_T *)rnn_scratch(1, bElems * sizeof(D_T));
    D_T *abuf = (D_T *)rnn_scratch(0, aElems * sizeof(D_T));
    if (!bbuf || !abuf) {  // out of memory: unblocked fallback, same contract (not bit-identical)
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) {
                D_T s = 0;
                for (ptrdiff_t p = 0; p < k; p++)
                    s += (tA ? A[p * lda + i] : A[i * lda + p]) * (tB ? B[j * ldb + p] : B[p * ldb + j]);
                C[i * ldc + j] = beta == 0 ? alpha * s : alpha * s + beta * C[i * ldc + j];
            }
        return;
    }

    for (ptrdiff_t jc = 0; jc < n; jc += D_NC) {
        ptrdiff_t nc = D_FN(min)(D_NC, n - jc);
        ptrdiff_t ncFull = nc - nc % D_NR;
        for (ptrdiff_t pc = 0; pc < k; pc += kcb) {
            ptrdiff_t kc = D_FN(min)(kcb, k - pc);
            D_T betaE = pc == 0 ? beta : (D_T)1;
            const D_T *Bs = tB ? B + jc * ldb + pc : B + pc * ldb + jc;  // op(B)(pc, jc)
            if (!directB && !lazyB) D_FN(pack_b)(tB, Bs, ldb, kc, nc, bbuf);
            else if (directB && ncFull < nc)  // the narrow last panel cannot be read in place
                D_FN(pack_b)(tB, Bs + ncFull, ldb, kc, nc - ncFull, bbuf);

            for (ptrdiff_t ic = 0; ic < m; ic += D_MC) {
                ptrdiff_t mc = D_FN(min)(D_MC, m - ic);
                const D_T *As = tA ? A + pc * lda + ic : A + ic * lda + pc;  // op(A)(ic, pc)
                D_FN(pack_a)(tA, As, lda, mc, kc, abuf);

                for (ptrdiff_t jr = 0; jr < nc; jr += D_NR) {
                    ptrdiff_t nr = D_FN(min)(D_NR, nc - jr);
                    const D_T *bp;
                    ptrdiff_t rsB;
                    if (lazyB) {
                        D_FN(pack_b)(tB, tB ? Bs + jr * ldb : Bs + jr, ldb, kc, nr, bbuf);
                        bp = bbuf;
                        rsB = D_NR;
                    } else if (!directB) { bp = bbuf + jr * kc; rsB = D_NR; }
                    else if (nr == D_NR) { bp = Bs + jr; rsB = ldb; }
                    else { bp = bbuf; rsB = D_NR; }
                    D_T *Cc = C + ic * ldc + jc + jr;
                    // Next B panel to prefetch (the current one when there is none to read in place).
                    const D_T *pf = bp;
                    if (jr + 2 * D_NR <= nc && (directB || !lazyB))
                        pf = directB ? Bs + jr + D_NR : bbuf + (jr + D_NR) * kc;
                    for (ptrdiff_t ir = 0; ir < mc; ir += D_MR) {
                        ptrdiff_t mr = D_FN(min)(D_MR, mc - ir);
                        const D_T *ap = abuf + ir * kc;
                        D_FN(tile)(kc, ap, bp, rsB, Cc + ir * ldc, ldc, mr, nr, alpha, betaE, pf);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- prepacked B
// A weight used by many products (a recurrent weight, at every time step) is packed once:
// for each k block (the same kcb rule as above) all ceil(n / NR) panels of kc × NR, zero-padded,
// so panel j of the block starting at row pc sits at (pc * panels + j * kc) * NR.

// Packs op(B) (k × n) into dst (k * ceil(n / NR) * NR elements).
void D_CAT(D_NAME, pack)(int tB, ptrdiff_t k, ptrdiff_t n, const D_T *B, ptrdiff_t ldb, D_T *dst) {
    ptrdiff_t nkb = (k + D_KC - 1) / D_KC;
    ptrdiff_t kcb = (k + nkb - 1) / nkb;
    ptrdiff_t panels = (n + D_NR - 1) / D_NR;
    for (ptrdiff_t pc = 0; pc < k; pc += kcb) {
        ptrdiff_t kc = D_FN(min)(kcb, k - pc);
        D_FN(pack_b)(tB, tB ? B + pc : B + pc * ldb, ldb, kc, n, dst + pc * panels * D_NR);
    }
}

// Sets rows [0, mr) of the C tile at c (pitch ldc) to bias[0 ..< nr]: the tile's first k block then adds its
// product to it (beta = 1) while the tile is in L1, with the arithmetic of a C filled with bias rows beforehand.
static RNN_ALWAYS_INLINE void D_FN(fill_bias)(D_T *c, ptrdiff_t ldc, ptrdiff_t mr, ptrdiff_t nr, const D_T *bias) {
    if (nr == D_NR) {  // a constant size: a few vector moves instead of a call per row
        for (ptrdiff_t r = 0; r < mr; r++) memcpy(c + r * ldc, bias, D_NR * sizeof(D_T));
    } else {
        for (ptrdiff_t r = 0; r < mr; r++) memcpy(c + r * ldc, bias, (size_t)nr * sizeof(D_T));
    }
}

// C (m × n) = alpha * op(A) * op(B)[:, j0 ..< j0 + n] + beta * C from B packed by the function
// above with `panels` panels in all; j0 is a multiple of NR. Same arithmetic per element as the
// unpacked driver (same k blocks, same kernel), so the results are identical. With a `bias` (n values),
// beta * C is replaced by the bias row: the result of filling every row of C with it and taking beta = 1,
// bit for bit, without a separate pass over C.
void D_CAT(D_NAME, packed)(int tA, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, D_T alpha, const D_T *A,
                           ptrdiff_t lda, const D_T *P, ptrdiff_t panels, ptrdiff_t j0, D_T beta,
                           const D_T *bias, D_T *C, ptrdiff_t ldc) {
    if (bias) beta = 1;
    ptrdiff_t nkb = (k + D_KC - 1) / D_KC;
    ptrdiff_t kcb = (k + nkb - 1) / nkb;
    ptrdiff_t mcMax = D_FN(min)(D_MC, m);
    size_t aElems = (size_t)((mcMax + D_MR - 1) / D_MR) * D_MR * kcb;
    D_T *abuf = (D_T *)rnn_scratch(0, aElems * sizeof(D_T));
    if (!abuf) {  // out of memory: unblocked fallback from the packed panels (not bit-identical)
        if (bias)
            for (ptrdiff_t i = 0; i < m; i++) D_FN(fill_bias)(C + i * ldc, ldc, 1, n, bias);
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) {
                D_T s = 0;
                for (ptrdiff_t pc = 0; pc < k; pc += kcb) {
                    ptrdiff_t kc = D_FN(min)(kcb, k - pc), col = j0 + j;
                    const D_T *panel = P + (pc * panels + (col / D_NR) * kc) * D_NR + col % D_NR;
                    for (ptrdiff_t p = 0; p < kc; p++)
                        s += (tA ? A[(pc + p) * lda + i] : A[i * lda + pc + p]) * panel[p * D_NR];
                }
                C[i * ldc + j] = beta == 0 ? alpha * s : alpha * s + beta * C[i * ldc + j];
            }
        return;
    }
    for (ptrdiff_t pc = 0; pc < k; pc += kcb) {
        ptrdiff_t kc = D_FN(min)(kcb, k - pc);
        D_T betaE = pc == 0 ? beta : (D_T)1;
        const D_T *Pb = P + pc * panels * D_NR;
#ifdef D_ROW_FMA
        if (m == 1) {  // one row: straight from A and the panels
            const D_T *a = tA ? A + pc * lda : A + pc;
            for (ptrdiff_t jr = 0; jr < n; jr += D_ROW_PANELS * D_NR) {
                ptrdiff_t w = D_FN(min)(D_ROW_PANELS * D_NR, n - jr);
                if (bias && pc == 0) D_FN(fill_bias)(C + jr, ldc, 1, w, bias + jr);
                D_FN(row)(kc, a, tA ? lda : 1, Pb + ((j0 + jr) / D_NR) * kc * D_NR, D_NR, kc * D_NR,
                          (int)((w + D_NR - 1) / D_NR), C + jr, w, alpha, betaE);
            }
            continue;
        }
#endif
        for (ptrdiff_t ic = 0; ic < m; ic += D_MC) {
            ptrdiff_t mc = D_FN(min)(D_MC, m - ic);
            const D_T *As = tA ? A + pc * lda + ic : A + ic * lda + pc;
            D_FN(pack_a)(tA, As, lda, mc, kc, abuf);
            for (ptrdiff_t jr = 0; jr < n; jr += D_NR) {
                ptrdiff_t nr = D_FN(min)(D_NR, n - jr);
                const D_T *bp = Pb + ((j0 + jr) / D_NR) * kc * D_NR;
                const D_T *pf = jr + D_NR < n ? bp + kc * D_NR : bp;
                D_T *Cc = C + ic * ldc + jr;
                for (ptrdiff_t ir = 0; ir < mc; ir += D_MR) {
                    ptrdiff_t mr = D_FN(min)(D_MR, mc - ir);
                    const D_T *ap = abuf + ir * kc;
                    if (bias && pc == 0) D_FN(fill_bias)(Cc + ir * ldc, ldc, mr, nr, bias + jr);
                    D_FN(tile)(kc, ap, bp, D_NR, Cc + ir * ldc, ldc, mr, nr, alpha, betaE, pf);
                }
            }
        }
    }
}

#undef D_CAT2
#undef D_CAT
#undef D_FN
#undef D_NAME
#undef D_SFX
#undef D_T
#undef D_MR
#undef D_NR
#undef D_KERNEL
#undef D_KERNEL_HALF
#undef D_KERNEL_QUARTER
#undef D_KERNEL_MASKED
#undef D_KERNEL_ROWS
#undef D_KC
#undef D_MC
#undef D_NC
#undef D_DIRECT_B_MAX_M
#undef D_TPACK_A
#undef D_TPACK_B
#undef D_ROW_FMA
#undef D_ROW_PANELS
