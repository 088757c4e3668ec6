#!/usr/bin/env bash
# Max ulp error of the float exp / sigmoid / tanh kernels at every kernel level the CPU supports,
# against long double references.
# Usage: Scripts/activation-accuracy.sh [STRIDE]   (1 = all 2³² inputs, minutes per level; default 64)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rnn > /dev/null
objects="$(swift build -c release --show-bin-path)/CRecurrentKernels.build"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"${CC:-clang}" -O2 -I Sources/CRecurrentKernels/include Scripts/activation-accuracy.c "$objects"/*.o -lpthread -lm \
    -o "$out/activation-accuracy"
"$out/activation-accuracy" "${1:-64}"
