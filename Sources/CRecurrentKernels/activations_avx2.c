// AVX2 + FMA level (8 floats / 4 doubles per vector) of the gate kernels: the same source as the portable
// level (activations_kernels.h), compiled for this instruction set with a target attribute,
// so a plain build needs no compiler flags. Selected at run time by rnn_kernel_level().
#include "activations_internal.h"

#if RNN_ACT_X86_64

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#include "activations_math.h"

#define AK_T float
#define AK_SFX s_avx2
#define AK_EXP rk_expf
#define AK_SIGMOID rk_sigmoidf
#define AK_TANH rk_tanhf
#include "activations_kernels.h"

#define AK_T double
#define AK_SFX d_avx2
#define AK_EXP rk_exp
#define AK_SIGMOID rk_sigmoid
#define AK_TANH rk_tanh
#include "activations_kernels.h"

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif

const rnn_act_level_impl rnn_act_avx2_impl = {RNN_ACT_ENTRIES(s_avx2), RNN_ACT_ENTRIES(d_avx2)};

#endif
