#!/usr/bin/env bash
# Checks the np-RNN initializer end to end through NumPy:
#   rnn init nprnn --size 100 --seed 3 --out w.npy
# must give a float64 100×100 matrix that NumPy loads, exactly symmetric, with all
# eigenvalues positive and the largest equal to 1 (|λmax − 1| ≤ 1e-9).
# Also checks that the same seed reproduces the file byte for byte and that --dtype f32 loads.
#
# Usage: Scripts/check-init-npy.sh            (from anywhere; needs swift and python3 with numpy)
# Environment: SCRATCH_PATH (default .build-init), the build directory for `swift run`.
# Exit status: 0 when every check passes, non-zero otherwise.
set -euo pipefail

cd "$(dirname "$0")/.."
scratch="${SCRATCH_PATH:-.build-init}"

if ! python3 -c "import numpy" 2>/dev/null; then
    echo "check-init-npy: FAIL: python3 with numpy is required (pip install numpy)" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

swift build --scratch-path "$scratch" --product rnn
swift run --skip-build --scratch-path "$scratch" rnn init nprnn --size 100 --seed 3 --out "$tmp/w.npy"
swift run --skip-build --scratch-path "$scratch" rnn init nprnn --size 100 --seed 3 --out "$tmp/again.npy"
swift run --skip-build --scratch-path "$scratch" rnn init nprnn --size 100 --seed 3 --dtype f32 --out "$tmp/w32.npy"

if ! cmp -s "$tmp/w.npy" "$tmp/again.npy"; then
    echo "check-init-npy: FAIL: the same seed gave different files" >&2
    exit 1
fi

python3 - "$tmp/w.npy" "$tmp/w32.npy" <<'PY'
import sys
import numpy as np

w = np.load(sys.argv[1])
e = np.linalg.eigvalsh(w)
print(e.min(), e.max())
problems = []
if w.dtype != np.float64 or w.shape != (100, 100):
    problems.append(f"expected float64 (100, 100), got {w.dtype} {w.shape}")
if not np.array_equal(w, w.T):
    problems.append("not exactly symmetric")
if not e.min() > 0:
    problems.append(f"smallest eigenvalue {e.min()} is not positive")
if abs(e.max() - 1) > 1e-9:
    problems.append(f"largest eigenvalue {e.max()!r} is not 1 within 1e-9")
w32 = np.load(sys.argv[2])
if w32.dtype != np.float32 or w32.shape != (100, 100) or not np.array_equal(w32, w.astype(np.float32)):
    problems.append("the f32 file differs from the rounded f64 file")
if problems:
    print("check-init-npy: FAIL: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
print("check-init-npy: OK")
PY
