#!/usr/bin/env bash
# Builds a C harness (a benchmark or check, not part of the package) against the C kernels of a release
# build and runs it. Usage: Scripts/c-harness.sh SOURCE.c [ARGUMENTS...]
set -euo pipefail
cd "$(dirname "$0")/.."
source_file="$1"; shift
swift build -c release --product rnn > /dev/null
objects="$(swift build -c release --show-bin-path)/CRecurrentKernels.build"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"${CC:-clang}" -O2 -I Sources/CRecurrentKernels/include "$source_file" "$objects"/*.o -lpthread -lm -o "$out/harness"
"$out/harness" "$@"
