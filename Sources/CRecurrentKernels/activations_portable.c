// Portable level of the gate kernels: plain C for any target (vectorized for the baseline
// instruction set where the compiler can, e.g. SSE2 on x86-64).
#include "activations_internal.h"
#include "activations_math.h"

#define AK_T float
#define AK_SFX sp
#define AK_EXP rk_expf
#define AK_SIGMOID rk_sigmoidf
#define AK_TANH rk_tanhf
#include "activations_kernels.h"

#define AK_T double
#define AK_SFX dp
#define AK_EXP rk_exp
#define AK_SIGMOID rk_sigmoid
#define AK_TANH rk_tanh
#include "activations_kernels.h"

const rnn_act_level_impl rnn_act_portable_impl = {RNN_ACT_ENTRIES(sp), RNN_ACT_ENTRIES(dp)};
