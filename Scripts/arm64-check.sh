#!/usr/bin/env bash
# The C kernels on arm64, checked on this (x86-64) machine: cross-compiles Sources/CRecurrentKernels and the
# C harnesses for aarch64 Linux and runs them under user-mode emulation (qemu-aarch64), failing on any
# mismatch:
#   1. Scripts/gemm-check.c: every kernel level (portable C, NEON) against a naive reference over transposes,
#      edge shapes, padded strides, alpha/beta cases, prepacked operands and 1/2/4 threads; built at -O2 (a
#      release build, every shape), and on the --quick subset at -O0 (what `swift build` in debug compiles)
#      and with GCC if it is installed.
#   2. Scripts/activation-accuracy.c: the float exp / sigmoid / tanh ulp bounds at every level, on every
#      STRIDE-th bit pattern (odd, so that the low mantissa bits vary).
#   3. Scripts/check-neon-disassembly.sh: the micro-kernels' inner loops (24 fmla by element per k step,
#      no stack access) and the FMA-peak probe's loop (24 vector fmla); the activation loops vectorized.
# Emulated timings say nothing about arm64 speed, so nothing here is timed.
# Usage: Scripts/arm64-check.sh [STRIDE]   (default 16411; 1 = all 2³² inputs, hours under emulation)
# Needs: qemu-user, an aarch64 C toolchain (clang with libc6-dev-arm64-cross and libgcc-12-dev-arm64-cross,
# i.e. `apt-get install qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross`) and an aarch64 objdump.
set -euo pipefail
cd "$(dirname "$0")/.."
stride="${1:-16411}"
sysroot="${ARM64_SYSROOT:-/usr/aarch64-linux-gnu}"
qemu=(qemu-aarch64 -L "$sysroot")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

clang_bin="${CLANG:-}"
if [ -z "$clang_bin" ]; then
    for candidate in clang /opt/swift/usr/bin/clang; do
        if command -v "$candidate" > /dev/null; then clang_bin="$candidate"; break; fi
    done
fi
compilers=()
if [ -n "$clang_bin" ] && echo 'int main(void){return 0;}' |
    "$clang_bin" --target=aarch64-linux-gnu -x c - -o "$out/probe" 2> /dev/null; then
    compilers+=("$clang_bin --target=aarch64-linux-gnu")
fi
if command -v aarch64-linux-gnu-gcc > /dev/null; then compilers+=("aarch64-linux-gnu-gcc -std=gnu11"); fi
[ ${#compilers[@]} -gt 0 ] || { echo "no aarch64 C compiler (clang --target=aarch64-linux-gnu or aarch64-linux-gnu-gcc)"; exit 1; }
primary="${compilers[0]}"
kernels=(Sources/CRecurrentKernels/*.c)

# Builds HARNESS.c with the kernels for aarch64: build NAME "COMPILER" OPT HARNESS
build() {
    # shellcheck disable=SC2086
    $2 "$3" -Wall -Wextra -Werror -I Sources/CRecurrentKernels/include "$4" "${kernels[@]}" -lpthread -lm -o "$out/$1"
}

echo "-- compilers: ${compilers[*]}"
echo "-- GEMM correctness under qemu-aarch64 (${primary%% *}, -O2, every shape)"
build gemm-O2 "$primary" -O2 Scripts/gemm-check.c
"${qemu[@]}" "$out/gemm-O2"
echo "-- GEMM correctness, -O0 (the code of a debug build), quick set of shapes"
build gemm-O0 "$primary" -O0 Scripts/gemm-check.c
"${qemu[@]}" "$out/gemm-O0" --quick
if [ ${#compilers[@]} -gt 1 ]; then
    echo "-- GEMM correctness, ${compilers[1]%% *} -O2, quick set of shapes"
    build gemm-gcc "${compilers[1]}" -O2 Scripts/gemm-check.c
    "${qemu[@]}" "$out/gemm-gcc" --quick
fi

echo "-- activation accuracy under qemu-aarch64 (every ${stride}-th bit pattern)"
build accuracy "$primary" -O2 Scripts/activation-accuracy.c
"${qemu[@]}" "$out/accuracy" "$stride"

echo "-- disassembly of the NEON micro-kernels (${primary%% *} -O2, as a release build)"
# shellcheck disable=SC2086
$primary -O2 -I Sources/CRecurrentKernels/include -c Sources/CRecurrentKernels/gemm_neon.c -o "$out/gemm_neon.o"
bash Scripts/check-neon-disassembly.sh "$out/gemm_neon.o"
# shellcheck disable=SC2086
$primary -O2 -I Sources/CRecurrentKernels/include -c Sources/CRecurrentKernels/peak.c -o "$out/peak.o"
bash Scripts/check-neon-disassembly.sh --probe "$out/peak.o"
# shellcheck disable=SC2086
$primary -O2 -I Sources/CRecurrentKernels/include -c Sources/CRecurrentKernels/activations_neon.c -o "$out/act.o"
objdump_bin=aarch64-linux-gnu-objdump
command -v "$objdump_bin" > /dev/null || objdump_bin=llvm-objdump
for fn in exp_s_neon sigmoid_s_neon tanh_s_neon lstm_forward_s_neon exp_d_neon tanh_d_neon; do
    lanes=4s; case "$fn" in *_d_neon) lanes=2d ;; esac
    count="$("$objdump_bin" -d --no-show-raw-insn "$out/act.o" | awk -v f="<$fn>:" '$2 == f {on = 1; next} on && /^$/ {on = 0} on' |
        grep -cE "^\s+[0-9a-f]+:\s+fmla\s+v[0-9]+\.$lanes" || true)"
    if [ "$count" -lt 5 ]; then echo "FAIL: $fn is not vectorized ($count fmla on .$lanes)"; exit 1; fi
    echo "$fn: $count vector fmla (.$lanes): vectorized"
done
# The portable level's tile broadcasts A for real (dup / fmla by element). A splat written `(VT){0} + a[r]`
# compiles to one scalar fadd of a zero register per row and k step (x + 0.0 cannot be folded because of
# −0.0); the portable GEMM has no other scalar fadd, so there must be none.
# shellcheck disable=SC2086
$primary -O2 -I Sources/CRecurrentKernels/include -c Sources/CRecurrentKernels/gemm_portable.c -o "$out/portable.o"
scalar_adds="$("$objdump_bin" -d --no-show-raw-insn "$out/portable.o" | grep -cE "\sfadd\s+[sd][0-9]+, " || true)"
if [ "$scalar_adds" -ne 0 ]; then echo "FAIL: the portable GEMM has $scalar_adds scalar fadd (a splat written as x + 0?)"; exit 1; fi
echo "portable GEMM: no scalar fadd (the broadcast of A is a real one)"
echo "arm64 checks passed (under emulation: correctness only, no speed measured)"
