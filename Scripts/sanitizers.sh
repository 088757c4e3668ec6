#!/usr/bin/env bash
# The whole test suite under ThreadSanitizer, then under AddressSanitizer (with LeakSanitizer); fails on any
# report. Each sanitizer has its own scratch path (.build-tsan, .build-asan), so the ordinary build is untouched.
# Usage: Scripts/sanitizers.sh [thread|address]   (default: both)
#
# Suppressions: Scripts/sanitizers/*.supp, for reports whose every frame is in the Swift runtime, Foundation or
# XCTest themselves; never for a frame in Sources/ (each entry says why it is there).
set -euo pipefail
cd "$(dirname "$0")/.."
here="$PWD/Scripts/sanitizers"
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(thread address)

for kind in "${kinds[@]}"; do
    case "$kind" in
        thread) scratch=.build-tsan ;;
        address) scratch=.build-asan ;;
        *) echo "unknown sanitizer '$kind' (thread or address)"; exit 2 ;;
    esac
    log="$scratch/sanitizer-test.log"
    mkdir -p "$scratch"
    echo "== swift test --sanitize=$kind (scratch $scratch) =="
    start=$(date +%s)
    status=0
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$here/tsan.supp" \
    ASAN_OPTIONS="halt_on_error=1 detect_leaks=1 detect_stack_use_after_return=1" \
    LSAN_OPTIONS="suppressions=$here/lsan.supp" \
        swift test --sanitize="$kind" --scratch-path "$scratch" 2>&1 | tee "$log" || status=$?
    echo "== $kind: exit $status after $(( $(date +%s) - start )) s =="
    # A report from a child process (the command-line tests run `rnn`) may not change the exit status: look.
    if grep -E "^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (Address|Leak)Sanitizer|SUMMARY: (Thread|Address|Leak)Sanitizer)" "$log"; then
        echo "$kind sanitizer reported the problems above (full log: $log)"
        exit 1
    fi
    if [ "$status" -ne 0 ]; then echo "swift test --sanitize=$kind failed (log: $log)"; exit 1; fi
done
