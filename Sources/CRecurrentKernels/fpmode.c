// Subnormal numbers while the kernels run. On x86-64 an operation whose input or result is subnormal
// (|x| < 2⁻¹²⁶ in Float) takes a microcode assist of about a hundred cycles on many Intel cores, and
// backpropagation through a long sequence produces such values as the gradient of early steps decays:
// a 784-step LSTM training step ran 8× slower on one such machine. With flushing on (the default), the
// kernels run with MXCSR's flush-to-zero (FTZ: subnormal results become ±0) and denormals-are-zero (DAZ:
// subnormal inputs read as ±0), the mode TensorFlow's compute threads use; the caller's mode is restored on
// return. Elsewhere (AArch64, other architectures) nothing changes.
#include "CRecurrentKernels.h"
#include "gemm_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#if RNN_X86_64
#include <immintrin.h>
#endif

#define RNN_MXCSR_FTZ_DAZ 0x8040u  // bit 15 flush to zero, bit 6 denormals are zero
#define RNN_MXCSR_FLAGS 0x3Fu      // the sticky exception flags: never restored, so none raised is lost

static atomic_int flush_setting = -1;  // -1: not yet read from the environment

int rnn_flush_subnormals(void) {
    int value = atomic_load_explicit(&flush_setting, memory_order_relaxed);
    if (value < 0) {
        const char *env = getenv("RNN_FLUSH_SUBNORMALS");
        int wanted = !(env && env[0] == '0' && env[1] == '\0');
        int expected = -1;
        atomic_compare_exchange_strong(&flush_setting, &expected, wanted);
        value = atomic_load_explicit(&flush_setting, memory_order_relaxed);
    }
    return value;
}

void rnn_set_flush_subnormals(int on) { atomic_store(&flush_setting, on != 0); }

unsigned rnn_fp_enter(void) {
#if RNN_X86_64
    unsigned saved = _mm_getcsr();
    if (rnn_flush_subnormals() && (saved & RNN_MXCSR_FTZ_DAZ) != RNN_MXCSR_FTZ_DAZ) _mm_setcsr(saved | RNN_MXCSR_FTZ_DAZ);
    return saved;
#else
    return 0;
#endif
}

void rnn_fp_leave(unsigned saved) { rnn_fp_adopt(saved & ~RNN_MXCSR_FLAGS); }

unsigned rnn_fp_mode(void) {
#if RNN_X86_64
    return _mm_getcsr() & ~RNN_MXCSR_FLAGS;
#else
    return 0;
#endif
}

void rnn_fp_adopt(unsigned mode) {
#if RNN_X86_64
    unsigned now = _mm_getcsr();
    if ((now & ~RNN_MXCSR_FLAGS) != mode) _mm_setcsr(mode | (now & RNN_MXCSR_FLAGS));
#else
    (void)mode;
#endif
}
