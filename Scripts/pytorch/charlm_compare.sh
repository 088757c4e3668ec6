#!/usr/bin/env bash
# The tinyshakespeare character-model recipe on both sides in one run: PyTorch's (charlm_tinyshakespeare.py),
# then ours (`rnn train --task text` with the same recipe), one after the other on the same threads, so that
# validation losses at equal steps and seconds per step compare on the same machine and day.
#
#   swift build -c release --product rnn
#   bash Scripts/pytorch/charlm_compare.sh OUT_DIR [STEPS] [EVAL_EVERY] [THREADS]
#
# With SIDE_BY_SIDE=1 the two sides run at the same time instead, each on THREADS threads (use 1 on a
# 2-core machine): half the wall time for a long comparison, and both see the same machine state.
#
# Writes OUT_DIR/pytorch.jsonl (one line per evaluation) and OUT_DIR/swift.json + OUT_DIR/swift-curve.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?usage: charlm_compare.sh OUT_DIR [STEPS] [EVAL_EVERY] [THREADS]}"
steps="${2:-300}"; every="${3:-150}"; threads="${4:-2}"
data="${RNN_SHARED_DIR:-../shared}/data/text/tinyshakespeare.txt"
mkdir -p "$out"
py="$(Scripts/pytorch/env.sh)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/machine.txt"
pytorch() {
    "$py" Scripts/pytorch/charlm_tinyshakespeare.py --data "$data" --steps "$steps" --eval-every "$every" --threads "$threads" \
        > "$out/pytorch.jsonl"
}
ours() {
    .build/release/rnn train --task text --data "$data" --valid-fraction 0.1 --level char \
        --cell lstm --layers 2 --hidden 512 --embedding 64 --dropout 0.2 --batch 32 --bptt 128 --windows random \
        --optimizer adam --lr 0.002 --clip 1 --steps "$steps" --eval-every "$every" --threads "$threads" \
        --log "$out/swift-curve.csv" --quiet > "$out/swift.json"
}
if [ "${SIDE_BY_SIDE:-0}" = 1 ]; then
    pytorch & pid=$!
    ours
    wait "$pid"
else
    pytorch
    ours
fi
cat "$out/pytorch.jsonl" "$out/swift.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
