#!/usr/bin/env bash
# Creates (once) a private virtualenv with aeon 1.6.0 (and the numpy/numba it pins) for the UEA reference
# numbers, then prints the path of its python. Idempotent: installs only when aeon 1.6.0 is missing.
#
#   PY=$(Scripts/reference/env.sh) && OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 "$PY" Scripts/reference/aeon_uea.py
#
# Only PyPI is assumed reachable. Set PYTHON to choose the interpreter that creates the virtualenv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv-aeon"
python="${PYTHON:-python3}"
version="1.6.0"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" >&2
fi
py="$venv/bin/python"

if ! "$py" -c "import aeon, sys; sys.exit(aeon.__version__ != '$version')" >/dev/null 2>&1; then
    echo "installing into $venv: aeon==$version" >&2
    "$py" -m pip install --quiet --upgrade pip >&2
    "$py" -m pip install --quiet "aeon==$version" >&2
fi
echo "$py"
