#!/usr/bin/env bash
# Seconds per training step of the tinyshakespeare character-model recipe (results/charlm/README.md), PyTorch
# and ours alternately in the same run, on 1 and on 2 threads: the speed part of charlm_compare.sh without
# its long evaluations (both sides train on the first 300 KB of the text, so the final validation pass over
# its last 10 % is short; the time per step does not depend on the text's length).
#
#   swift build -c release --product rnn
#   bash Scripts/pytorch/charlm_speed.sh [STEPS] [ROUNDS]     (defaults 20 and 2)
#
# Prints one line per pair of runs: threads, each side's seconds per step (both: the training steps only, the first
# one included; ours is the JSON line's `seconds_per_step`, which times `trainStep` and leaves out the evaluations),
# their ratio, and the FMA peak on as many threads measured right after, with each side's share of it and the
# share that 0.7× PyTorch's time would take.
set -euo pipefail
cd "$(dirname "$0")/../.."
steps="${1:-20}"; rounds="${2:-2}"
# Floating-point work of one step, in GFLOP (2 per multiply-add; T·B = 4096 rows, embedding 64, hidden 512, 65
# characters): layer 1 (input 64) 2·4096·2048·(64 + 512) forward and 2·4096·2048·(512 + 512 + 64 + 64) backward
# (dh, dW_hh, dW_ih, dX), layer 2 six products of 2·4096·2048·512, the output layer 3·2·4096·65·512.
flops=81.35
data="${RNN_SHARED_DIR:-../shared}/data/text/tinyshakespeare.txt"
py="$(Scripts/pytorch/env.sh)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
head -c 300000 "$data" > "$work/text.txt"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
    for threads in 1 2; do
        pt=$("$py" Scripts/pytorch/charlm_tinyshakespeare.py --data "$work/text.txt" --steps "$steps" --eval-every "$steps" \
             --threads "$threads" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_step"])')
        ours=$(.build/release/rnn train --task text --data "$work/text.txt" --valid-fraction 0.1 --level char \
               --cell lstm --layers 2 --hidden 512 --embedding 64 --dropout 0.2 --batch 32 --bptt 128 --windows random \
               --optimizer adam --lr 0.002 --clip 1 --steps "$steps" --eval-every "$steps" --sample-length 1 \
               --threads "$threads" --quiet | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_step"])')
        # The FMA peak on as many threads, right after (independent fused multiply-add chains: `rnn bench --sgemm`),
        # and each side's rate against it: a step is 81.35 GFLOP (see the comment at the top).
        peak=$(.build/release/rnn bench --sgemm 256 --threads "$threads" | sed -n 's/.*FMA peak (independent chains): \([0-9.]*\) GFLOP.*/\1/p')
        echo "round $round threads $threads: PyTorch $pt s/step, ours $ours s/step, ours/PyTorch $(python3 -c "print(round($ours / $pt, 3))"); FMA peak $peak GFLOP/s: PyTorch $(python3 -c "print(round(100 * $flops / $pt / $peak))") %, ours $(python3 -c "print(round(100 * $flops / $ours / $peak))") %, 0.7x PyTorch's time needs $(python3 -c "print(round(100 * $flops / (0.7 * $pt) / $peak))") %; load $(cut -d' ' -f1 /proc/loadavg)"
    done
done
