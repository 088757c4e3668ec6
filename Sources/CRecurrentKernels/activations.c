// Public entry points of the gate kernels: dispatch on rnn_kernel_level(), the level the
// GEMM uses too (CPU detection lives in gemm.c only).
#include "CRecurrentKernels.h"
#include "activations_internal.h"

static const rnn_act_level_impl *act_impl(void) {
#if RNN_ACT_X86_64
    int level = rnn_kernel_level();
    if (level >= 2) return &rnn_act_avx512_impl;
    if (level == 1) return &rnn_act_avx2_impl;
#endif
#if RNN_ACT_AARCH64
    if (rnn_kernel_level() >= 1) return &rnn_act_neon_impl;
#endif
    return &rnn_act_portable_impl;
}

// Runs a kernel call in the kernels' floating-point mode (see fpmode.c).
#define RNN_ACT_IN_MODE(call)                                                                      \
    do {                                                                                           \
        unsigned mode_ = rnn_fp_enter();                                                           \
        call;                                                                                      \
        rnn_fp_leave(mode_);                                                                       \
    } while (0)

#define RNN_ACT_DEFINE(P, T)                                                                       \
    void rnn_##P##_exp(ptrdiff_t n, const T *x, T *y) {                                            \
        if (n > 0) RNN_ACT_IN_MODE(act_impl()->P.exp(n, x, y));                                    \
    }                                                                                              \
    void rnn_##P##_sigmoid(ptrdiff_t n, const T *x, T *y) {                                        \
        if (n > 0) RNN_ACT_IN_MODE(act_impl()->P.sigmoid(n, x, y));                                \
    }                                                                                              \
    void rnn_##P##_tanh(ptrdiff_t n, const T *x, T *y) {                                           \
        if (n > 0) RNN_ACT_IN_MODE(act_impl()->P.tanh(n, x, y));                                   \
    }                                                                                              \
    void rnn_##P##_srnn_forward(int relu, ptrdiff_t batch, ptrdiff_t hidden, const T *proj,        \
                                ptrdiff_t ldp, const T *bias, T *next, ptrdiff_t ldn) {            \
        RNN_ACT_IN_MODE(act_impl()->P.srnn_forward(relu, batch, hidden, proj, ldp, bias, next, ldn)); \
    }                                                                                              \
    void rnn_##P##_srnn_backward(int relu, ptrdiff_t batch, ptrdiff_t hidden, const T *dnext,      \
                                 ptrdiff_t lddn, const T *next, ptrdiff_t ldn, T *dproj,           \
                                 ptrdiff_t lddp) {                                                 \
        RNN_ACT_IN_MODE(act_impl()->P.srnn_backward(relu, batch, hidden, dnext, lddn, next, ldn, dproj, lddp)); \
    }                                                                                              \
    void rnn_##P##_lstm_forward(ptrdiff_t batch, ptrdiff_t hidden, const T *proj, ptrdiff_t ldp,   \
                                const T *bias, T *gates, ptrdiff_t ldg, const T *prev,             \
                                ptrdiff_t ldprev, T *next, ptrdiff_t ldn) {                        \
        RNN_ACT_IN_MODE(act_impl()->P.lstm_forward(batch, hidden, proj, ldp, bias, gates, ldg, prev, ldprev, next, \
                                   ldn));                                                          \
    }                                                                                              \
    void rnn_##P##_lstm_backward(ptrdiff_t batch, ptrdiff_t hidden, const T *gates, ptrdiff_t ldg, \
                                 const T *prev, ptrdiff_t ldprev, const T *dnext, ptrdiff_t lddn,  \
                                 T *dgates, ptrdiff_t lddg, T *dprev, ptrdiff_t lddprev) {         \
        RNN_ACT_IN_MODE(act_impl()->P.lstm_backward(batch, hidden, gates, ldg, prev, ldprev, dnext, lddn, dgates, \
                                    lddg, dprev, lddprev));                                        \
    }                                                                                              \
    void rnn_##P##_gru_forward_after(ptrdiff_t batch, ptrdiff_t hidden, const T *proj,             \
                                     ptrdiff_t ldp, const T *hid, ptrdiff_t ldh, const T *bias,    \
                                     const T *prev, ptrdiff_t ldprev, T *cache, ptrdiff_t ldc,     \
                                     T *next, ptrdiff_t ldn) {                                     \
        RNN_ACT_IN_MODE(act_impl()->P.gru_forward_after(batch, hidden, proj, ldp, hid, ldh, bias, prev, ldprev, \
                                        cache, ldc, next, ldn));                                   \
    }                                                                                              \
    void rnn_##P##_gru_backward_after(ptrdiff_t batch, ptrdiff_t hidden, const T *cache,           \
                                      ptrdiff_t ldc, const T *prev, ptrdiff_t ldprev,              \
                                      const T *dnext, ptrdiff_t lddn, T *dproj, ptrdiff_t lddp,    \
                                      T *drec, ptrdiff_t lddr, T *dprev, ptrdiff_t lddprev) {      \
        RNN_ACT_IN_MODE(act_impl()->P.gru_backward_after(batch, hidden, cache, ldc, prev, ldprev, dnext, lddn, \
                                         dproj, lddp, drec, lddr, dprev, lddprev));                \
    }                                                                                              \
    void rnn_##P##_gru_forward_before_gates(ptrdiff_t batch, ptrdiff_t hidden, const T *proj,      \
                                            ptrdiff_t ldp, const T *hid, ptrdiff_t ldh,            \
                                            const T *bias, const T *prev, ptrdiff_t ldprev,        \
                                            T *cache, ptrdiff_t ldc) {                             \
        RNN_ACT_IN_MODE(act_impl()->P.gru_forward_before_gates(batch, hidden, proj, ldp, hid, ldh, bias, prev, \
                                               ldprev, cache, ldc));                               \
    }                                                                                              \
    void rnn_##P##_gru_forward_before_state(ptrdiff_t batch, ptrdiff_t hidden, const T *proj,      \
                                            ptrdiff_t ldp, const T *hid, ptrdiff_t ldh,            \
                                            const T *bias, const T *prev, ptrdiff_t ldprev,        \
                                            T *cache, ptrdiff_t ldc, T *next, ptrdiff_t ldn) {     \
        RNN_ACT_IN_MODE(act_impl()->P.gru_forward_before_state(batch, hidden, proj, ldp, hid, ldh, bias, prev, \
                                               ldprev, cache, ldc, next, ldn));                    \
    }                                                                                              \
    void rnn_##P##_gru_backward_before_state(ptrdiff_t batch, ptrdiff_t hidden, const T *cache,    \
                                             ptrdiff_t ldc, const T *prev, ptrdiff_t ldprev,       \
                                             const T *dnext, ptrdiff_t lddn, T *dproj,             \
                                             ptrdiff_t lddp, T *drec, ptrdiff_t lddr) {            \
        RNN_ACT_IN_MODE(act_impl()->P.gru_backward_before_state(batch, hidden, cache, ldc, prev, ldprev, dnext, \
                                                lddn, dproj, lddp, drec, lddr));                   \
    }                                                                                              \
    void rnn_##P##_gru_backward_before_gates(                                                      \
        ptrdiff_t batch, ptrdiff_t hidden, const T *cache, ptrdiff_t ldc, const T *prev,           \
        ptrdiff_t ldprev, const T *dnext, ptrdiff_t lddn, const T *dreset, ptrdiff_t lddreset,     \
        T *dproj, ptrdiff_t lddp, T *drec, ptrdiff_t lddr, T *dprev, ptrdiff_t lddprev) {          \
        RNN_ACT_IN_MODE(act_impl()->P.gru_backward_before_gates(batch, hidden, cache, ldc, prev, ldprev, dnext, \
                                                lddn, dreset, lddreset, dproj, lddp, drec, lddr,   \
                                                dprev, lddprev));                                  \
    }                                                                                              \
    void rnn_##P##_scrn_forward_context(ptrdiff_t batch, ptrdiff_t hidden, ptrdiff_t context,      \
                                        T alpha, const T *proj, ptrdiff_t ldp, const T *prev,      \
                                        ptrdiff_t ldprev, T *next, ptrdiff_t ldn, T *cache,        \
                                        ptrdiff_t ldc) {                                           \
        RNN_ACT_IN_MODE(act_impl()->P.scrn_forward_context(batch, hidden, context, alpha, proj, ldp, prev, ldprev, \
                                           next, ldn, cache, ldc));                                \
    }                                                                                              \
    void rnn_##P##_scrn_backward_hidden(ptrdiff_t batch, ptrdiff_t hidden, ptrdiff_t context,      \
                                        const T *dnext, ptrdiff_t lddn, const T *next,             \
                                        ptrdiff_t ldn, T *drec, ptrdiff_t lddr) {                  \
        RNN_ACT_IN_MODE(act_impl()->P.scrn_backward_hidden(batch, hidden, context, dnext, lddn, next, ldn, drec, \
                                           lddr));                                                 \
    }                                                                                              \
    void rnn_##P##_scrn_backward_context(ptrdiff_t batch, ptrdiff_t hidden, ptrdiff_t context,     \
                                         T alpha, const T *drec, ptrdiff_t lddr, T *dproj,         \
                                         ptrdiff_t lddp, T *dprev, ptrdiff_t lddprev) {            \
        RNN_ACT_IN_MODE(act_impl()->P.scrn_backward_context(batch, hidden, context, alpha, drec, lddr, dproj, \
                                            lddp, dprev, lddprev));                                \
    }                                                                                              \
    void rnn_##P##_add_column_sums(ptrdiff_t rows, ptrdiff_t width, const T *m, ptrdiff_t ld,      \
                                   T *sums) {                                                      \
        if (rows > 0 && width > 0) RNN_ACT_IN_MODE(act_impl()->P.column_sums(rows, width, m, ld, sums)); \
    }

RNN_ACT_DEFINE(s, float)
RNN_ACT_DEFINE(d, double)
