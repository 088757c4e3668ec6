#!/usr/bin/env bash
# Judges a recipe of `rnn train --task ts` on inner splits of TRAIN only (TEST is never read): for each set and
# each inner split seed S, makes .cache/uea-inner/S/NAME_INNER_{TRAIN,TEST}.ts with Scripts/uea-inner-split.py
# (25 % of each class held out) and runs the recipe with --seed S on that pair, appending one JSON line per run
# to OUT with "recipe" (the name given) and "inner_split" (S) added. Further arguments go to `rnn train`.
#
#   bash Scripts/uea-inner-runs.sh results/uea/exploration/inner-lr1e-3.jsonl lr1e-3 --lr 1e-3 --threads 1
#   python3 Scripts/uea-summary.py results/uea/exploration/inner-*.jsonl
#
# Environment: UEA_SETS (default "JapaneseVowels BasicMotions"), UEA_SPLITS (default "1 2 3"), RNN_UEA_DIR, RNN.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1"; recipe="$2"; shift 2
data="${RNN_UEA_DIR:-${RNN_SHARED_DIR:-../shared}/data/uea}"
sets="${UEA_SETS:-JapaneseVowels BasicMotions}"
splits="${UEA_SPLITS:-1 2 3}"
rnn="${RNN:-.build/release/rnn}"
[ -x "$rnn" ] || { echo "build first: swift build -c release --product rnn" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
for set in $sets; do
    for split in $splits; do
        read -r train test < <(python3 Scripts/uea-inner-split.py "$data/${set}_TRAIN.ts" --seed "$split")
        line=$("$rnn" train --task ts --train "$train" --test "$test" --seed "$split" --quiet "$@")
        python3 -c 'import json,sys; j=json.loads(sys.argv[1]); j["recipe"]=sys.argv[2]; j["inner_split"]=int(sys.argv[3]); print(json.dumps(j))' \
            "$line" "$recipe" "$split" >> "$out"
        tail -n 1 "$out" | python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); print(j["recipe"], j["train"].split("/")[-1], "split", j["inner_split"], "best epoch", j["best_epoch"], "of", j["epochs"], "validation", round(j["validation_accuracy"],3), "inner test", round(j["test_accuracy"],3), "s", j["seconds"])' >&2
    done
done
