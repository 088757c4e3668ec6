#!/usr/bin/env python3
"""Splits an archive TRAIN file into an inner pair, so recipes are compared without ever reading TEST.

    python3 Scripts/uea-inner-split.py ../shared/data/uea/JapaneseVowels_TRAIN.ts --seed 1 [--held-out 0.25] \
        [--out .cache/uea-inner]

writes OUT/SEED/NAME_INNER_TRAIN.ts and OUT/SEED/NAME_INNER_TEST.ts (NAME from the file name, before _TRAIN)
and prints both paths. The split is stratified by class label (the text after the last ':' of each case):
within every class, round(held_out * n) cases (at least one when the class has two or more) are drawn by a
`random.Random(seed)` shuffle of the class's cases in file order, classes in the order of first appearance.
Both files keep every line before the first case verbatim (comments, `@` headers, `@data`), then their cases
in the original order, so a recipe is judged by

    rnn train --task ts --train OUT/SEED/NAME_INNER_TRAIN.ts --test OUT/SEED/NAME_INNER_TEST.ts

(that run still takes its own validation split from INNER_TRAIN). Comment lines ('#', '%') and blank lines
after @data are dropped. Standard library only; files are written atomically.
"""
import argparse
import os
import random
import sys
import tempfile


def read_cases(path):
    """The header lines (through @data, verbatim) and the case lines after it."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header, cases, in_data = [], [], False
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not in_data:
            header.append(line)
            if text.lower() == "@data":
                in_data = True
            continue
        if not text or text[0] in "#%":
            continue
        if ":" not in text:
            sys.exit(f"{path}:{number}: expected a case ending in ':LABEL', found no ':'")
        cases.append(line)
    if not in_data:
        sys.exit(f"{path}: no '@data' line")
    if not cases:
        sys.exit(f"{path}: no cases after @data")
    return header, cases


def stratified_split(cases, held_out, seed):
    """Indices of the inner training and inner test cases, each in file order."""
    by_class = {}
    for index, line in enumerate(cases):
        by_class.setdefault(line.strip().rsplit(":", 1)[1].strip(), []).append(index)
    rng = random.Random(seed)
    test = set()
    for indices in by_class.values():
        shuffled = list(indices)
        rng.shuffle(shuffled)
        count = round(held_out * len(shuffled))
        if len(shuffled) >= 2:
            count = min(max(count, 1), len(shuffled) - 1)
        else:
            count = 0
        test.update(shuffled[:count])
    train = [i for i in range(len(cases)) if i not in test]
    return train, sorted(test)


def write_atomically(path, lines):
    directory = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".inner-", suffix=".ts")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train", help="NAME_TRAIN.ts of the archive")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--held-out", type=float, default=0.25, help="fraction of each class held out (default 0.25)")
    parser.add_argument("--out", default=".cache/uea-inner", help="cache directory (default .cache/uea-inner)")
    args = parser.parse_args()
    if not 0 < args.held_out < 1:
        sys.exit(f"--held-out must be in (0, 1), got {args.held_out}")
    base = os.path.basename(args.train)
    if not base.endswith("_TRAIN.ts"):
        sys.exit(f"{args.train}: expected a file named NAME_TRAIN.ts")
    name = base[: -len("_TRAIN.ts")]
    header, cases = read_cases(args.train)
    train, test = stratified_split(cases, args.held_out, args.seed)
    directory = os.path.join(args.out, str(args.seed))
    os.makedirs(directory, exist_ok=True)
    paths = []
    for part, indices in (("INNER_TRAIN", train), ("INNER_TEST", test)):
        path = os.path.join(directory, f"{name}_{part}.ts")
        write_atomically(path, header + [cases[i] for i in indices])
        paths.append(path)
    print(" ".join(paths))


if __name__ == "__main__":
    main()
