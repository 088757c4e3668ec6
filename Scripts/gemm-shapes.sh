#!/usr/bin/env bash
# Single-thread rate of our prepacked GEMM on the benchmark's per-step product shapes.
# Usage: Scripts/gemm-shapes.sh   (builds the package in release mode first)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rnn > /dev/null
objects="$(swift build -c release --show-bin-path)/CRecurrentKernels.build"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"${CC:-clang}" -O2 -I Sources/CRecurrentKernels/include Scripts/gemm-shapes.c "$objects"/*.o -lpthread -lm -o "$out/gemm-shapes"
"$out/gemm-shapes"
