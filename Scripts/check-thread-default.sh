#!/usr/bin/env bash
# The kernels' default thread count is the number of processors the process may use: checked against
# `nproc` (which reads the affinity mask), under `taskset -c 0` (one processor: 1 thread) and with the
# RNN_NUM_THREADS override. Builds Scripts/gemm-check.c against the kernel sources with ${CC:-clang}.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"${CC:-clang}" -O1 -I Sources/CRecurrentKernels/include Scripts/gemm-check.c Sources/CRecurrentKernels/*.c \
    -lpthread -lm -o "$out/gemm-check"
expect() {  # expect VALUE DESCRIPTION COMMAND...
    local want="$1" what="$2"; shift 2
    local got; got="$("$@")"
    if [ "$got" != "$want" ]; then echo "FAIL: default thread count $what: $got, expected $want"; exit 1; fi
    echo "default thread count $what: $got"
}
cpus="$(nproc)"; [ "$cpus" -gt 64 ] && cpus=64
expect "$cpus" "(nproc: $(nproc))" "$out/gemm-check" --default-threads
if command -v taskset > /dev/null; then
    expect 1 "under taskset -c 0" taskset -c 0 "$out/gemm-check" --default-threads
else
    echo "taskset not found: the affinity case is not checked"
fi
expect 3 "with RNN_NUM_THREADS=3" env RNN_NUM_THREADS=3 "$out/gemm-check" --default-threads
