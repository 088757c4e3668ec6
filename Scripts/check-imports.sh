#!/usr/bin/env bash
# Platform hygiene lint for the Swift sources: the package must build with glibc (Linux), musl (the static
# Linux SDK) and Darwin. Fails (exit 1, naming file:line) when a .swift file under Sources/, Tests/ or
# Examples/
#   - imports one of the C library modules Glibc, Musl, Darwin without the other two, each as
#     `import M` directly under `#if canImport(M)` / `#elseif canImport(M)`;
#   - qualifies a call by one of those modules (`Glibc.exp(x)` does not exist on Darwin or musl:
#     call `exp(x)` unqualified);
#   - names a glibc-internal type such as `__rusage_who_t`.
# Usage: Scripts/check-imports.sh [FILE_OR_DIRECTORY...]   (default: Sources Tests Examples)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- Sources Tests Examples; fi
files=()
for target in "$@"; do
    [ -e "$target" ] || continue
    while IFS= read -r f; do files+=("$f"); done < <(find "$target" -name '*.swift' -type f | sort)
done
[ ${#files[@]} -gt 0 ] || { echo "check-imports: no Swift files found"; exit 1; }

awk '
function flush(   m, missing, line) {
    if (fname == "") return
    if (first_import != "") {
        missing = ""
        for (m in need) if (!(m in ok)) missing = missing " " m
        if (missing != "") {
            printf "%s: imports a C library module without the guarded branch for:%s (use #if canImport(Glibc) import Glibc #elseif canImport(Musl) import Musl #elseif canImport(Darwin) import Darwin #endif)\n", first_import, missing
            bad = 1
        }
    }
}
BEGIN { need["Glibc"]; need["Musl"]; need["Darwin"]; bad = 0 }
FNR == 1 { flush(); fname = FILENAME; first_import = ""; delete ok; prev = ""; in_block = 0 }
{
    line = $0
    # Strip block comments (single-line and multi-line) and line comments before looking at code.
    code = ""
    rest = line
    while (rest != "") {
        if (in_block) {
            e = index(rest, "*/")
            if (e == 0) { rest = ""; break }
            rest = substr(rest, e + 2); in_block = 0
        } else {
            s = index(rest, "/*"); c = index(rest, "//")
            if (c > 0 && (s == 0 || c < s)) { code = code substr(rest, 1, c - 1); rest = ""; break }
            if (s > 0) { code = code substr(rest, 1, s - 1); rest = substr(rest, s + 2); in_block = 1 }
            else { code = code rest; rest = "" }
        }
    }
    if (match(code, /^[ \t]*(@[A-Za-z_]+[ \t]+)*import[ \t]+(Glibc|Musl|Darwin)([ \t]|$)/)) {
        mod = code
        sub(/^[ \t]*(@[A-Za-z_]+[ \t]+)*import[ \t]+/, "", mod); sub(/[ \t].*$/, "", mod)
        if (first_import == "") first_import = FILENAME ":" FNR
        guard = prev
        if (guard ~ "^[ \t]*#(if|elseif)[ \t]+canImport\\(" mod "\\)[ \t]*$") ok[mod] = 1
        else { printf "%s:%d: `import %s` is not directly under `#if canImport(%s)` / `#elseif canImport(%s)`\n", FILENAME, FNR, mod, mod, mod; bad = 1 }
    }
    if (match(code, /(^|[^A-Za-z0-9_.])(Glibc|Musl|Darwin)\.[A-Za-z_]/)) {
        tok = substr(code, RSTART); sub(/^[^A-Za-z]/, "", tok); sub(/[^A-Za-z0-9_.].*$/, "", tok)
        printf "%s:%d: call qualified by a C library module (%s): call it unqualified, it exists on every platform under the same name\n", FILENAME, FNR, tok
        bad = 1
    }
    if (match(code, /(^|[^A-Za-z0-9_])__[a-z][a-z0-9_]*_t([^A-Za-z0-9_]|$)/)) {
        tok = substr(code, RSTART); sub(/^[^_]*/, "", tok); sub(/[^A-Za-z0-9_].*$/, "", tok)
        printf "%s:%d: glibc-internal type (%s) does not exist on musl or Darwin\n", FILENAME, FNR, tok
        bad = 1
    }
    if (code ~ /[^ \t]/) prev = code
}
END { flush(); if (bad) exit 1 }
' "${files[@]}" && echo "check-imports: ${#files[@]} Swift files, every C library import has its Glibc/Musl/Darwin branches"
