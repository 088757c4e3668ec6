#!/usr/bin/env bash
# GEMM correctness at every kernel level this CPU supports (portable C against AVX2+FMA / AVX-512F here)
# against a naive reference, over transposes, edge shapes, prepacked operands and 1/2/4 threads, on the
# objects of a release build. Exit status 1 on any mismatch. The same harness runs on arm64 under
# emulation in Scripts/arm64-check.sh.
# Usage: Scripts/gemm-check.sh [--quick]
exec "$(dirname "$0")/c-harness.sh" Scripts/gemm-check.c "$@"
