#!/usr/bin/env bash
# Max ulp error of the float exp / sigmoid / tanh kernels at every kernel level the CPU supports,
# against long double references; fails above the bounds stated in activations_math.h.
# Usage: Scripts/activation-accuracy.sh [STRIDE]   (1 = all 2³² inputs, minutes per level; default 64)
exec "$(dirname "$0")/c-harness.sh" Scripts/activation-accuracy.c "${1:-64}"
