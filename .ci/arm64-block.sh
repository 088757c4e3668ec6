#!/usr/bin/env bash
# CI block for "everywhere Swift runs" (called at the end of .ci/run, after the release build):
# platform hygiene of the Swift sources, GEMM correctness of every kernel level of this CPU, and the
# C kernels cross-compiled for aarch64 and checked under qemu-aarch64 (installed here with apt-get when
# missing; if that is impossible the arm64 part says why and is skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== platform hygiene: every C library import has its Glibc/Musl/Darwin branches =="
bash Scripts/check-imports.sh

echo "== GEMM correctness: every kernel level of this CPU (portable C included) against a reference =="
if command -v "${CC:-clang}" > /dev/null; then bash Scripts/gemm-check.sh; else echo "no C compiler: skipped"; fi

echo "== default thread count: the processors the process may use (affinity mask), overridable =="
if command -v "${CC:-clang}" > /dev/null; then bash Scripts/check-thread-default.sh; else echo "no C compiler: skipped"; fi

echo "== arm64: the C kernels cross-compiled for aarch64 and checked under qemu-aarch64 =="
arm64_tools_present() {
    command -v qemu-aarch64 > /dev/null && command -v aarch64-linux-gnu-gcc > /dev/null &&
        command -v aarch64-linux-gnu-objdump > /dev/null && [ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ]
}
skip_reason=""
if ! arm64_tools_present; then
    packages=(qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu)
    if ! command -v apt-get > /dev/null; then
        skip_reason="qemu-aarch64 or the aarch64 cross toolchain is missing and there is no apt-get to install ${packages[*]}"
    else
        as_root=()
        if [ "$(id -u)" -ne 0 ]; then
            if command -v sudo > /dev/null && sudo -n true 2> /dev/null; then as_root=(sudo -n); else
                skip_reason="installing ${packages[*]} needs root (no passwordless sudo)"
            fi
        fi
        if [ -z "$skip_reason" ]; then
            echo "installing ${packages[*]}"
            if ! { "${as_root[@]}" apt-get update -qq &&
                   DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${packages[@]}"; } > /tmp/rnn-arm64-apt.log 2>&1; then
                skip_reason="apt-get install ${packages[*]} failed (log: /tmp/rnn-arm64-apt.log)"
            elif ! arm64_tools_present; then
                skip_reason="installed ${packages[*]}, but qemu-aarch64 / the cross toolchain is still not usable"
            fi
        fi
    fi
fi
if [ -n "$skip_reason" ]; then
    echo "arm64 checks skipped: $skip_reason"
else
    bash Scripts/arm64-check.sh
fi
