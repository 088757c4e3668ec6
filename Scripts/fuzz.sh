#!/usr/bin/env bash
# Fuzzes the safetensors and .npy readers with libFuzzer (the toolchain's -sanitize=fuzzer).
# Usage: Scripts/fuzz.sh [SECONDS] [--asan]   (default 300 seconds)
#   --asan  also AddressSanitizer: a debug build (in release the combined sanitizers lost libFuzzer's
#           coverage feedback on this toolchain; in debug both work: "cov:" grows and out-of-bounds
#           accesses abort with a report).
# Seeds come from Fuzz/corpus; new interesting inputs are added to Fuzz/corpus-new; crashes land in Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
if [ "${2:-}" = "--asan" ]; then
    # The coverage kinds are spelled out: with --sanitize=address, the Swift modules were at times compiled
    # without libFuzzer's counters (only the C target had them: "no interesting inputs ... instrumented for
    # coverage?"); with them explicit every module is instrumented.
    swift build --scratch-path .build-fuzz-asan --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING \
        -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table --product safetensors-fuzz
    binary=.build-fuzz-asan/debug/safetensors-fuzz
else
    swift build -c release --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -DFUZZING --product safetensors-fuzz
    binary=.build-fuzz/release/safetensors-fuzz
fi
mkdir -p Fuzz/crashes Fuzz/corpus-new
log=Fuzz/crashes/last-run.log
"$binary" -max_total_time="$seconds" -max_len=4096 -artifact_prefix=Fuzz/crashes/ Fuzz/corpus-new Fuzz/corpus 2>&1 | tee "$log"
# Coverage feedback must be on: without it libFuzzer only replays random bytes.
if grep -q "no interesting inputs were found" "$log"; then echo "fuzz.sh: the build has no coverage instrumentation"; exit 1; fi
