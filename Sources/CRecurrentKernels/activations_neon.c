// NEON level (aarch64: 4 floats / 2 doubles per vector) of the gate kernels: the same source as the
// portable level (activations_kernels.h with the branch-free functions of activations_math.h), whose
// loops the compiler vectorizes for Advanced SIMD, part of every AArch64 processor: no flags, no
// run-time check. Selected when rnn_kernel_level() is 1 on aarch64, the level of the NEON GEMM, so the
// cells' tests that run every level cover it; Scripts/arm64-check.sh runs the accuracy sweep on it under
// emulation and checks that the element loops are vectorized.
#include "activations_internal.h"

#if RNN_ACT_AARCH64

#include "activations_math.h"

#define AK_T float
#define AK_SFX s_neon
#define AK_EXP rk_expf
#define AK_SIGMOID rk_sigmoidf
#define AK_TANH rk_tanhf
#include "activations_kernels.h"

#define AK_T double
#define AK_SFX d_neon
#define AK_EXP rk_exp
#define AK_SIGMOID rk_sigmoid
#define AK_TANH rk_tanh
#include "activations_kernels.h"

const rnn_act_level_impl rnn_act_neon_impl = {RNN_ACT_ENTRIES(s_neon), RNN_ACT_ENTRIES(d_neon)};

#endif
