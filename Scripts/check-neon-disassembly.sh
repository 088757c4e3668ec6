#!/usr/bin/env bash
# Checks the inner loops of the NEON GEMM micro-kernels (Sources/CRecurrentKernels/gemm_neon.c) in the
# aarch64 disassembly: every innermost loop of the float and double drivers that multiplies by vector lane
# must do exactly 24 `fmla` by element per k step (the 8 × 12 float / 8 × 6 double tile, unrolling is
# disabled in the source so one iteration is one k step) and must not touch the stack (no load or store
# addressed by sp or x29: the 24 accumulators, 3 B vectors and the A vectors all stay in registers).
# With --probe, checks instead the FMA-peak probe (peak.c): its loop must be 24 independent vector fmla
# (24 chains of 4 lanes) with no stack access.
# Usage: Scripts/check-neon-disassembly.sh [--probe] OBJECT.o   (compiled for aarch64 at -O2)
set -euo pipefail
mode=kernels
if [ "${1:-}" = "--probe" ]; then mode=probe; shift; fi
object="$1"
objdump_bin="${OBJDUMP:-}"
if [ -z "$objdump_bin" ]; then
    for candidate in aarch64-linux-gnu-objdump llvm-objdump /opt/swift/usr/bin/llvm-objdump; do
        if command -v "$candidate" > /dev/null; then objdump_bin="$candidate"; break; fi
    done
fi
[ -n "$objdump_bin" ] || { echo "no aarch64-capable objdump found"; exit 1; }

"$objdump_bin" -d --no-show-raw-insn "$object" | awk -v mode="$mode" '
function hex(s,   i, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
function flush(   i, j, t, lo, hi, nested, fmla, spill, loads, kind, expect, key) {
    for (i = 1; i <= n; i++) {
        if (!(ins[i] ~ /^(b\.[a-z]+|cbn?z|tbn?z|b)[ \t]/)) continue
        t = ins[i]; sub(/ <.*$/, "", t); sub(/^.*[ \t,]/, "", t)
        t = hex(t)
        if (t >= addr[i]) continue
        lo = 0
        for (j = 1; j <= i; j++) if (addr[j] == t) { lo = j; break }
        if (lo == 0) continue
        nested = 0; fmla = 0; spill = ""; loads = 0; kind = ""
        for (j = lo; j < i; j++) {
            if (ins[j] ~ /^(b\.[a-z]+|cbn?z|tbn?z)[ \t]/) nested = 1
            if (mode == "kernels" && ins[j] ~ /^fmla[ \t]+v[0-9]+\.4s, v[0-9]+\.4s, v[0-9]+\.s\[[0-3]\]/) { fmla++; kind = "float" }
            if (mode == "kernels" && ins[j] ~ /^fmla[ \t]+v[0-9]+\.2d, v[0-9]+\.2d, v[0-9]+\.d\[[01]\]/) { fmla++; kind = "double" }
            if (mode == "probe" && ins[j] ~ /^fmla[ \t]+v[0-9]+\.4s, v[0-9]+\.4s, v[0-9]+\.4s$/) { fmla++; kind = "probe" }
            if (ins[j] ~ /^(ld|st)[a-z0-9]*[ \t].*\[(sp|x29)[],]/) spill = spill " [" ins[j] "]"
            if (ins[j] ~ /^ld[a-z0-9]*[ \t]+q[0-9]/ || ins[j] ~ /^ld1[ \t]/) loads++
        }
        if (fmla == 0 || nested) continue
        expect = 24
        key = fn ":" kind
        found[key]++
        printf "%s: %s loop %x..%x: %d fmla %s, %d vector load instructions%s\n", fn, kind, t, addr[i], fmla, mode == "probe" ? "per iteration" : "by element per k step", loads, spill == "" ? ", no stack access" : ", STACK ACCESS:" spill
        if (fmla != expect) { printf "FAIL: %s %s loop: %d fmla per k step, expected %d\n", fn, kind, fmla, expect; bad = 1 }
        if (spill != "") { printf "FAIL: %s %s loop spills to the stack\n", fn, kind; bad = 1 }
    }
    n = 0
}
/^[0-9a-f]+ <[^>]+>:$/ { flush(); fn = $2; gsub(/[<>:]/, "", fn); next }
/^[ \t]+[0-9a-f]+:\t/ {
    line = $0; sub(/^[ \t]+/, "", line)
    a = line; sub(/:.*$/, "", a)
    rest = line; sub(/^[0-9a-f]+:\t/, "", rest)
    n++; addr[n] = hex(a); ins[n] = rest
}
END {
    flush()
    if (mode == "probe") split("peak_part:probe", need, " ")
    else split("rnn_sgemm_serial_neon:float rnn_sgemm_serial_neon_packed:float rnn_dgemm_serial_neon:double rnn_dgemm_serial_neon_packed:double", need, " ")
    for (k in need) if (!(need[k] in found)) { printf "FAIL: no %s loop found in %s\n", mode == "probe" ? "FMA chain" : "micro-kernel", need[k]; bad = 1 }
    if (bad) exit 1
    if (mode == "probe") print "neon disassembly: the FMA probe loop is 24 independent vector fmla with no stack access"
    else print "neon disassembly: every micro-kernel inner loop has 24 fmla by element per k step and no stack access"
}'
