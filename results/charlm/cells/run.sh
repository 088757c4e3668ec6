#!/usr/bin/env bash
# The cells compared on tinyshakespeare at about equal parameter counts (results/charlm/cells/README.md).
# Reproduces the runs exactly, one after the other on 2 threads:
#   swift build -c release --product rnn
#   bash results/charlm/cells/run.sh [STEPS] [EVAL_EVERY] [LR]
# SEED (default 1), THREADS (default 2) and OUT (default results/charlm/cells) in the environment choose the
# seed, the GEMM threads and the directory written (results/charlm/cells/seed2: SEED=2 THREADS=1).
# Writes <cell>.csv (validation curve), <cell>.json (the JSON line), <cell>.log (progress, samples) and
# <cell>.params (the trained model's parameter count, summed from the shapes in its safetensors header) in
# results/charlm/cells/, then the chart.
set -euo pipefail
cd "$(dirname "$0")/../../.."
steps="${1:-500}" every="${2:-100}" lr="${3:-0.002}"
out="${OUT:-results/charlm/cells}" seed="${SEED:-1}" threads="${THREADS:-2}"
mkdir -p "$out"
data="${RNN_SHARED_DIR:-../shared}/data/text/tinyshakespeare.txt"
rnn="${RNN:-.build/release/rnn}"
models="$(mktemp -d)"
trap 'rm -rf "$models"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); date: $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)" \
    | tee "$out/machine.txt"
# cell hidden: LSTM 256 is the anchor; the others are sized to within 1 % of its parameters (README).
for spec in lstm:256 gru:300 scrn:500 irnn:528 nprnn:528 srnn:528; do
    cell="${spec%%:*}" hidden="${spec##*:}"
    start=$(date +%s.%N)
    "$rnn" train --task text --data "$data" --valid-fraction 0.1 --level char \
        --cell "$cell" --layers 1 --hidden "$hidden" --embedding 64 --batch 32 --bptt 128 --windows random \
        --optimizer adam --lr "$lr" --clip 1 --steps "$steps" --eval-every "$every" --seed "$seed" --threads "$threads" \
        --log "$out/$cell.csv" --save "$models/$cell.rnn" > "$out/$cell.json" 2> "$out/$cell.log" || echo "$cell: exit status $?" | tee -a "$out/$cell.log"
    end=$(date +%s.%N)
    echo "$cell wall seconds: $(echo "$end - $start" | bc)" | tee -a "$out/machine.txt"
    cat "$out/$cell.json"
    [ -f "$models/$cell.rnn" ] && python3 -c 'import json, math, struct, sys
f = open(sys.argv[1], "rb"); n = struct.unpack("<Q", f.read(8))[0]; h = json.loads(f.read(n)); h.pop("__metadata__", None)
print(sum(math.prod(t["shape"]) for t in h.values()), " ".join(k + str(t["shape"]).replace(" ", "") for k, t in sorted(h.items())))' \
        "$models/$cell.rnn" | tee "$out/$cell.params"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
python3 Scripts/plot-curves.py "$out/curves.svg" "$out/lstm.csv=LSTM 256" "$out/gru.csv=GRU 300" "$out/scrn.csv=SCRN 500+50" \
    "$out/irnn.csv=IRNN 528" "$out/nprnn.csv=np-RNN 528" "$out/srnn.csv=tanh SRNN 528" \
    --title "tinyshakespeare, 1 layer, ~350k parameters, $steps steps, seed $seed"
