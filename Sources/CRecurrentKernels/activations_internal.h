// Internal declarations of the gate kernels: one table of function pointers per kernel level
// and element type. Not a public header.
#ifndef RNN_ACTIVATIONS_INTERNAL_H
#define RNN_ACTIVATIONS_INTERNAL_H

#include <stddef.h>

#if defined(__x86_64__) || defined(_M_X64)
#define RNN_ACT_X86_64 1
#endif
#if defined(__aarch64__)
#define RNN_ACT_AARCH64 1
#endif

#define RNN_ACT_TABLE(T)                                                                           \
    struct {                                                                                       \
        void (*exp)(ptrdiff_t, const T *, T *);                                                    \
        void (*sigmoid)(ptrdiff_t, const T *, T *);                                                \
        void (*tanh)(ptrdiff_t, const T *, T *);                                                   \
        void (*srnn_forward)(int, ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *, T *,      \
                             ptrdiff_t);                                                           \
        void (*srnn_backward)(int, ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *,          \
                              ptrdiff_t, T *, ptrdiff_t);                                          \
        void (*lstm_forward)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *, T *,           \
                             ptrdiff_t, const T *, ptrdiff_t, T *, ptrdiff_t);                     \
        void (*lstm_backward)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *, ptrdiff_t,    \
                              const T *, ptrdiff_t, T *, ptrdiff_t, T *, ptrdiff_t);               \
        void (*gru_forward_after)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *,           \
                                  ptrdiff_t, const T *, const T *, ptrdiff_t, T *, ptrdiff_t,      \
                                  T *, ptrdiff_t);                                                 \
        void (*gru_backward_after)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *,          \
                                   ptrdiff_t, const T *, ptrdiff_t, T *, ptrdiff_t, T *,           \
                                   ptrdiff_t, T *, ptrdiff_t);                                     \
        void (*gru_forward_before_gates)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *,    \
                                         ptrdiff_t, const T *, const T *, ptrdiff_t, T *,          \
                                         ptrdiff_t);                                               \
        void (*gru_forward_before_state)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *,    \
                                         ptrdiff_t, const T *, const T *, ptrdiff_t, T *,          \
                                         ptrdiff_t, T *, ptrdiff_t);                               \
        void (*gru_backward_before_state)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *,   \
                                          ptrdiff_t, const T *, ptrdiff_t, T *, ptrdiff_t, T *,    \
                                          ptrdiff_t);                                              \
        void (*gru_backward_before_gates)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, const T *,   \
                                          ptrdiff_t, const T *, ptrdiff_t, const T *, ptrdiff_t,   \
                                          T *, ptrdiff_t, T *, ptrdiff_t, T *, ptrdiff_t);         \
        void (*scrn_forward_context)(ptrdiff_t, ptrdiff_t, ptrdiff_t, T, const T *, ptrdiff_t,     \
                                     const T *, ptrdiff_t, T *, ptrdiff_t, T *, ptrdiff_t);        \
        void (*scrn_backward_hidden)(ptrdiff_t, ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t,        \
                                     const T *, ptrdiff_t, T *, ptrdiff_t);                        \
        void (*scrn_backward_context)(ptrdiff_t, ptrdiff_t, ptrdiff_t, T, const T *, ptrdiff_t,    \
                                      T *, ptrdiff_t, T *, ptrdiff_t);                             \
        void (*column_sums)(ptrdiff_t, ptrdiff_t, const T *, ptrdiff_t, T *);                      \
    }

typedef RNN_ACT_TABLE(float) rnn_act_s_table;
typedef RNN_ACT_TABLE(double) rnn_act_d_table;

typedef struct {
    rnn_act_s_table s;
    rnn_act_d_table d;
} rnn_act_level_impl;

// Fills a table from the kernels of activations_kernels.h instantiated with suffix SFX.
#define RNN_ACT_ENTRIES(SFX)                                                                        \
    {                                                                                              \
        exp_##SFX, sigmoid_##SFX, tanh_##SFX, srnn_forward_##SFX, srnn_backward_##SFX,             \
            lstm_forward_##SFX, lstm_backward_##SFX, gru_forward_after_##SFX,                      \
            gru_backward_after_##SFX, gru_forward_before_gates_##SFX,                              \
            gru_forward_before_state_##SFX, gru_backward_before_state_##SFX,                       \
            gru_backward_before_gates_##SFX, scrn_forward_context_##SFX,                           \
            scrn_backward_hidden_##SFX, scrn_backward_context_##SFX, column_sums_##SFX             \
    }

extern const rnn_act_level_impl rnn_act_portable_impl;
#if RNN_ACT_X86_64
extern const rnn_act_level_impl rnn_act_avx2_impl;
extern const rnn_act_level_impl rnn_act_avx512_impl;
#endif
#if RNN_ACT_AARCH64
extern const rnn_act_level_impl rnn_act_neon_impl;
#endif

#endif
