#!/usr/bin/env bash
# Fuzzes the safetensors and .npy readers with libFuzzer (the toolchain's -sanitize=fuzzer).
# Usage: Scripts/fuzz.sh [SECONDS]   (default 300)
# Seeds come from Fuzz/corpus; new interesting inputs are added there; crashes land in Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
swift build -c release --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -DFUZZING --product safetensors-fuzz
mkdir -p Fuzz/crashes Fuzz/corpus-new
.build-fuzz/release/safetensors-fuzz -max_total_time="$seconds" -max_len=4096 -artifact_prefix=Fuzz/crashes/ \
    Fuzz/corpus-new Fuzz/corpus
