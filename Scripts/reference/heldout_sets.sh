#!/usr/bin/env bash
# Held-out UEA/UCR archive sets for checking that the default `rnn train --task ts` recipe, tuned on the four
# sets of ../shared/data/uea, also holds up on sets it was not tuned on. The files come from the aeon 1.6.0
# wheel on PyPI (aeon ships a few small archive sets under aeon/datasets/data/), installed into the private
# virtualenv of Scripts/reference/env.sh; they are copied into a cache directory outside git, checked against
# the sha256 sums below, and the directory is printed. Idempotent: files already there with the right sum stay.
#
#   DIR=$(bash Scripts/reference/heldout_sets.sh)                  # default DIR: .cache/uea-heldout
#   RNN_UEA_DIR=$DIR UEA_SETS="$(bash Scripts/reference/heldout_sets.sh --names)" bash Scripts/uea-runs.sh results/uea/heldout.jsonl
#   PY=$(Scripts/reference/env.sh) && OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 nice -n 10 "$PY" Scripts/reference/aeon_uea.py \
#       --heldout                                                  # writes results/uea-heldout-reference.json
#
# The sets (all univariate: the wheel's only multivariate classification sets, BasicMotions and JapaneseVowels,
# are tuning sets; CardanoSentiment and Covid3Month are regression sets):
#   ArrowHead         3 classes,  36 train / 175 test, length 251  (few training cases, shape outlines)
#   ItalyPowerDemand  2 classes,  67 train / 1029 test, length 24  (short daily power-demand curves)
#   Covid3Month_disc  3 classes, 140 train / 61 test, length 84    (aeon's discretised Covid3Month)
#   OSULeaf           6 classes, 200 train / 242 test, length 427  (long leaf outlines; hardest)
# Left out: ACSF1 (length 1460: a 300-epoch GRU run takes far longer than the others), UnitTest (a cut of
# ChinaTown with 20 training cases), the `_eq` variants of the tuning sets.
#
# Usage: heldout_sets.sh [DIR]      copy and verify, print DIR
#        heldout_sets.sh --names    print the set names (for UEA_SETS / aeon_uea.py --sets)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sets="ArrowHead ItalyPowerDemand Covid3Month_disc OSULeaf"
if [ "${1:-}" = "--names" ]; then echo "$sets"; exit 0; fi
dir="${1:-$root/.cache/uea-heldout}"

sums="\
a83c470aaf611a5f5284377cce27a5fc9f6292bc3d110257b0fd4905ced5ee72  ArrowHead_TRAIN.ts
5417dab42626d41df5e435bb22458c2df40dfad4bcd3b59559bbe72e20e84904  ArrowHead_TEST.ts
341269cb7e6cef96846b30e774580beec79addb93848ba360145219115a74b7c  ItalyPowerDemand_TRAIN.ts
26122451f87dd0387ef90b18bc8a86c041371b8a1c068004922b939971247144  ItalyPowerDemand_TEST.ts
95a30074d71d776136ce08426be662ba8b30d0372a517d1602c522a5bc329b8a  Covid3Month_disc_TRAIN.ts
dae04afcd3e4803312357cbc0de382dffa9daf52969140da9797d57cd83781ce  Covid3Month_disc_TEST.ts
86b9d6e860414ffd26cebc62fff84ffb37fa588ef3e5bf79e4094a437c36ddfc  OSULeaf_TRAIN.ts
6c549dd354f9e42d5985fa5fab75321ca9acefc7873457e71467fc8a31f107ce  OSULeaf_TEST.ts"

# The sum a file should have, empty for an unknown name.
expected() { printf '%s\n' "$sums" | awk -v f="$1" '$2 == f { print $1 }'; }
actual() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$dir"
missing=""
for set in $sets; do
    for part in TRAIN TEST; do
        f="${set}_${part}.ts"
        [ -f "$dir/$f" ] && [ "$(actual "$dir/$f")" = "$(expected "$f")" ] || missing="$missing $f"
    done
done

if [ -n "$missing" ]; then
    py="$(bash "$root/Scripts/reference/env.sh")"
    source_dir="$("$py" -c 'import os, aeon.datasets as d; print(os.path.join(os.path.dirname(d.__file__), "data"))')"
    for f in $missing; do
        set="${f%_*}"
        from="$source_dir/$set/$f"
        [ -f "$from" ] || { echo "heldout_sets.sh: $from not found in the aeon wheel" >&2; exit 1; }
        sum="$(actual "$from")"
        if [ "$sum" != "$(expected "$f")" ]; then
            echo "heldout_sets.sh: $from has sha256 $sum, expected $(expected "$f")" >&2
            exit 1
        fi
        # Atomic: a partial copy never carries the final name.
        cp "$from" "$dir/.$f.tmp-$$"
        mv "$dir/.$f.tmp-$$" "$dir/$f"
    done
fi

# Verify everything once more, from the cache itself.
(cd "$dir" && printf '%s\n' "$sums" | sha256sum --check --quiet --strict -) || {
    echo "heldout_sets.sh: checksum mismatch in $dir" >&2; exit 1; }
echo "$dir"
