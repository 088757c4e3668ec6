#!/usr/bin/env bash
# Word-level language model on tinyshakespeare (results/charlm/word/README.md). Reproduces the run exactly:
#   swift build -c release --product rnn
#   bash results/charlm/word/run.sh [STEPS] [EVAL_EVERY] [OUT_DIR]   (defaults 120, 60, results/charlm/word)
# Writes curve.csv (validation perplexity at each evaluation), result.json (the JSON line), train.log (progress
# and samples), machine.txt, and coverage.txt (the share of <unk> in both parts, from coverage.py).
set -euo pipefail
cd "$(dirname "$0")/../../.."
steps="${1:-120}" every="${2:-60}" out="${3:-results/charlm/word}"
mkdir -p "$out"
data="${RNN_SHARED_DIR:-../shared}/data/text/tinyshakespeare.txt"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); date: $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)" \
    | tee "$out/machine.txt"
python3 results/charlm/word/coverage.py "$data" 10000 | tee "$out/coverage.txt"
start=$(date +%s.%N)
.build/release/rnn train --task text --data "$data" --valid-fraction 0.1 --level word --vocabulary-size 10000 \
    --cell lstm --layers 1 --embedding 256 --hidden 256 --tie-weights --dropout 0.5 --batch 20 --bptt 35 \
    --windows sequential --optimizer adam --lr 0.002 --clip 1 --steps "$steps" --eval-every "$every" --sample-length 40 \
    --seed 1 --threads 2 --log "$out/curve.csv" > "$out/result.json" 2> "$out/train.log"
end=$(date +%s.%N)
cat "$out/result.json"
echo "wall seconds: $(echo "$end - $start" | bc); load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
