#!/usr/bin/env bash
# Trains `rnn train --task ts` on the four UEA/UCR sets of ../shared/data/uea, five seeds each, and appends
# one JSON line per run to OUT (default results/uea/runs.jsonl). Any further arguments go to `rnn train`
# (for example `--cell lstm --bidirectional`), so a recipe is written once and run on every set.
# The model of each run is chosen on a validation split of TRAIN (`--validation`, default 0.2); TEST is
# read once, for the reported accuracy. Summarize with: python3 Scripts/uea-summary.py OUT
#
#   swift build -c release --product rnn
#   bash Scripts/uea-runs.sh results/uea/default.jsonl
#   bash Scripts/uea-runs.sh results/uea/bigru.jsonl --bidirectional
#
# Environment: RNN_UEA_DIR (directory of NAME_TRAIN.ts / NAME_TEST.ts), UEA_SETS (space-separated names),
# UEA_SEEDS (default "1 2 3 4 5"), RNN (the binary, default .build/release/rnn).
# Held-out sets (not used for tuning; copied from the aeon 1.6.0 wheel and sha256-checked, references in
# results/uea-heldout-reference.json):
#   RNN_UEA_DIR=$(bash Scripts/reference/heldout_sets.sh) UEA_SETS="$(bash Scripts/reference/heldout_sets.sh --names)" \
#       bash Scripts/uea-runs.sh results/uea/heldout-default.jsonl
#   python3 Scripts/uea-summary.py results/uea/heldout-default.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-results/uea/runs.jsonl}"; shift || true
data="${RNN_UEA_DIR:-${RNN_SHARED_DIR:-../shared}/data/uea}"
sets="${UEA_SETS:-GunPoint BasicMotions JapaneseVowels PickupGestureWiimoteZ}"
seeds="${UEA_SEEDS:-1 2 3 4 5}"
rnn="${RNN:-.build/release/rnn}"
[ -x "$rnn" ] || { echo "build first: swift build -c release --product rnn" >&2; exit 1; }
for set in $sets; do
    for part in TRAIN TEST; do
        [ -f "$data/${set}_${part}.ts" ] || { echo "uea-runs.sh: $data/${set}_${part}.ts not found (RNN_UEA_DIR, UEA_SETS)" >&2; exit 1; }
    done
done
mkdir -p "$(dirname "$out")"
for set in $sets; do
    for seed in $seeds; do
        "$rnn" train --task ts --train "$data/${set}_TRAIN.ts" --test "$data/${set}_TEST.ts" \
            --seed "$seed" --quiet "$@" >> "$out"
        tail -n 1 "$out" | python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); print(j["train"].split("/")[-1], "seed", j["seed"], "best epoch", j["best_epoch"], "validation", round(j["validation_accuracy"],3))' >&2
    done
done
