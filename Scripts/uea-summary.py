#!/usr/bin/env python3
"""Summarizes runs written by Scripts/uea-runs.sh: test accuracy mean ± sample sd per data set and recipe,
beside the 1-NN DTW and MiniRocket references measured by Scripts/reference/aeon_uea.py: those of the four
tuning sets (results/uea-reference.json) and of the held-out sets (results/uea-heldout-reference.json, made by
aeon_uea.py --heldout), whichever has the set. A held-out set is marked with * after its name.

    python3 Scripts/uea-summary.py results/uea/default.jsonl [more.jsonl ...] [--markdown]

With --inner (runs of Scripts/uea-inner-runs.sh): inner-test accuracy per set and recipe, each inner split's
value, no references (the inner test part is a share of TRAIN, not the archive's TEST).

With --inner --choose: the recipe chosen for each set by a fixed rule, TEST never read: among the recipes run on
at least 3 inner splits of that set, the highest mean inner-test accuracy; ties go to the recipe with more
splits, then to the lower standard deviation, then to the name.
"""
import json, os, statistics, sys

files = [a for a in sys.argv[1:] if not a.startswith("--")]
# --validation-only: hide test accuracy (for choosing a recipe without looking at TEST).
validation_only = "--validation-only" in sys.argv
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
reference, heldout = {}, set()
for filename, held in (("uea-reference.json", False), ("uea-heldout-reference.json", True)):
    path = os.path.join(root, "results", filename)
    if os.path.exists(path):
        sets = json.load(open(path))["sets"]
        reference.update(sets)
        if held: heldout.update(sets)

def name(path):
    return os.path.basename(path).split("_INNER_TRAIN")[0].split("_TRAIN")[0]

if "--inner" in sys.argv:
    groups = {}
    for f in files:
        for line in open(f):
            if line.strip():
                r = json.loads(line)
                groups.setdefault((name(r["train"]), r.get("recipe", os.path.basename(f))), []).append(r)
    if "--choose" in sys.argv:
        print("| data set | chosen recipe | inner splits | inner-test accuracy | runner-up |")
        print("|---|---|---|---|---|")
        for s in sorted({k[0] for k in groups}):
            scored = []
            for (t, recipe), rs in groups.items():
                acc = [r["test_accuracy"] for r in rs]
                if t == s and len(acc) >= 3:
                    scored.append((-statistics.mean(acc), -len(acc), statistics.stdev(acc), recipe))
            scored.sort()
            if not scored:
                print(f"| {s} | (no recipe with 3 splits) | | | |")
                continue
            fmt = lambda e: f"{e[3]} ({-e[0]:.3f}, {-e[1]} splits)"
            print(f"| {s} | {scored[0][3]} | {-scored[0][1]} | {-scored[0][0]:.3f} ± {scored[0][2]:.3f} "
                  f"| {fmt(scored[1]) if len(scored) > 1 else '—'} |")
        sys.exit(0)
    print("| data set | recipe | runs | inner-test accuracy (mean ± sd) | per inner split | validation | best epochs |")
    print("|---|---|---|---|---|---|---|")
    for (s, recipe), rs in sorted(groups.items()):
        rs.sort(key=lambda r: r.get("inner_split", 0))
        acc = [r["test_accuracy"] for r in rs]
        sd = statistics.stdev(acc) if len(acc) > 1 else float("nan")
        print(f"| {s} | {recipe} | {len(rs)} | {statistics.mean(acc):.3f} ± {sd:.3f} | {', '.join(f'{a:.3f}' for a in acc)} "
              f"| {statistics.mean(r['validation_accuracy'] for r in rs):.3f} | {','.join(str(r['best_epoch']) for r in rs)} |")
    sys.exit(0)

print(f"| data set | recipe | runs | {'validation' if validation_only else 'test'} accuracy (mean ± sd) | validation | best epochs | 1-NN DTW | MiniRocket |")
print("|---|---|---|---|---|---|---|---|")
for f in files:
    runs = [json.loads(line) for line in open(f) if line.strip()]
    recipe = os.path.splitext(os.path.basename(f))[0]
    by_set = {}
    for r in runs:
        by_set.setdefault(name(r["train"]), []).append(r)
    for s, rs in by_set.items():
        acc = [r["validation_accuracy" if validation_only else "test_accuracy"] for r in rs]
        val = [r["validation_accuracy"] for r in rs]
        sd = statistics.stdev(acc) if len(acc) > 1 else float("nan")
        ref = reference.get(s, {})
        dtw, mr = ref.get("dtw_1nn_accuracy"), ref.get("minirocket_accuracy_mean")
        if validation_only: dtw = mr = None
        fmt = lambda x: f"{x:.3f}" if isinstance(x, (int, float)) else "?"
        print(f"| {s}{' *' if s in heldout else ''} | {recipe} | {len(rs)} | {statistics.mean(acc):.3f} ± {sd:.3f} | {statistics.mean(val):.3f} "
              f"| {','.join(str(r['best_epoch']) for r in rs)} | {fmt(dtw)} | {fmt(mr)} |")
