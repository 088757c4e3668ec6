#!/usr/bin/env bash
# Creates (once) a private virtualenv with CPU PyTorch, numpy and safetensors for the parity fixtures,
# then prints the path of its python. Idempotent: installs only what is missing.
#
#   PY=$(Scripts/pytorch/env.sh) && "$PY" Scripts/pytorch/make_fixtures.py
#
# Only PyPI is assumed reachable; PyPI's Linux x86_64 torch wheel works on CPU.
# Set TORCH_INDEX_URL to install torch from another index (for example PyTorch's CPU-only wheels).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv-torch"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" >&2
fi
py="$venv/bin/python"

missing=()
for module in torch numpy safetensors; do
    "$py" -c "import $module" >/dev/null 2>&1 || missing+=("$module")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing into $venv: ${missing[*]}" >&2
    "$py" -m pip install --quiet --upgrade pip >&2
    for module in "${missing[@]}"; do
        if [ "$module" = torch ] && [ -n "${TORCH_INDEX_URL:-}" ]; then
            "$py" -m pip install --quiet torch --index-url "$TORCH_INDEX_URL" >&2
        else
            "$py" -m pip install --quiet "$module" >&2
        fi
    done
fi
echo "$py"
