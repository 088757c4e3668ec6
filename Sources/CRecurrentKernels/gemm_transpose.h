// Transposing pack helpers built on 8×8 (float) and 4×4 (double) AVX register
// transposes. Included inside a region compiled for AVX2 or AVX-512.
//
// tpack_*(s, lds, rows, R, kc, d): d[p*R + c] = s[c*lds + p] for c < rows, p < kc, and
// d[p*R + c] = 0 for rows <= c < R. R must be a multiple of the block (8 or 4).

static RNN_ALWAYS_INLINE void tr8x8_ps(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

static RNN_ALWAYS_INLINE void tr4x4_pd(__m256d r[4]) {
    __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
    __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
    r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

static inline void tpack_f32(const float *s, ptrdiff_t lds, ptrdiff_t rows, int R, ptrdiff_t kc,
                      float *restrict d) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int g = 0; g < R; g += 8) {
        ptrdiff_t live = rows - g < 0 ? 0 : (rows - g > 8 ? 8 : rows - g);
        for (ptrdiff_t p = 0; p < kc; p += 8) {
            ptrdiff_t rem = kc - p < 8 ? kc - p : 8;
            __m256 r[8];
            if (rem == 8) {
                for (int i = 0; i < 8; i++)
                    r[i] = i < live ? _mm256_loadu_ps(s + (g + i) * lds + p) : _mm256_setzero_ps();
            } else {  // masked loads never touch memory past the end of a row
                __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)rem), lane);
                for (int i = 0; i < 8; i++)
                    r[i] = i < live ? _mm256_maskload_ps(s + (g + i) * lds + p, mask) : _mm256_setzero_ps();
            }
            tr8x8_ps(r);
            for (int q = 0; q < rem; q++) _mm256_storeu_ps(d + (p + q) * R + g, r[q]);
        }
    }
}

static inline void tpack_f64(const double *s, ptrdiff_t lds, ptrdiff_t rows, int R, ptrdiff_t kc,
                      double *restrict d) {
    const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
    for (int g = 0; g < R; g += 4) {
        ptrdiff_t live = rows - g < 0 ? 0 : (rows - g > 4 ? 4 : rows - g);
        for (ptrdiff_t p = 0; p < kc; p += 4) {
            ptrdiff_t rem = kc - p < 4 ? kc - p : 4;
            __m256d r[4];
            if (rem == 4) {
                for (int i = 0; i < 4; i++)
                    r[i] = i < live ? _mm256_loadu_pd(s + (g + i) * lds + p) : _mm256_setzero_pd();
            } else {
                __m256i mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)rem), lane);
                for (int i = 0; i < 4; i++)
                    r[i] = i < live ? _mm256_maskload_pd(s + (g + i) * lds + p, mask) : _mm256_setzero_pd();
            }
            tr4x4_pd(r);
            for (int q = 0; q < rem; q++) _mm256_storeu_pd(d + (p + q) * R + g, r[q]);
        }
    }
}
