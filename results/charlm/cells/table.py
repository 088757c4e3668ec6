#!/usr/bin/env python3
"""Prints the table of results/charlm/cells/README.md from the files run.sh wrote (markdown).

    python3 results/charlm/cells/table.py [DIRECTORY]     (default: this script's directory)
"""
import csv, json, math, os, sys

here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
cells = [("lstm", "LSTM"), ("gru", "GRU"), ("scrn", "SCRN"), ("irnn", "IRNN"), ("nprnn", "np-RNN"), ("srnn", "tanh SRNN")]
anchor = None


def number(x, digits=3):
    return f"{x:.{digits}f}" if isinstance(x, (int, float)) else "not finite"


print("| cell | hidden | parameters | vs LSTM | steps | seconds per step | final validation nats | final bpc | best bpc (step) |")
print("|---|---|---|---|---|---|---|---|---|")
for cell, name in cells:
    try:
        result = json.loads(open(os.path.join(here, f"{cell}.json")).read().strip().splitlines()[-1])
    except (OSError, IndexError, json.JSONDecodeError):
        print(f"| {name} | | | | | | no result (see {cell}.log) | | |")
        continue
    params = int(open(os.path.join(here, f"{cell}.params")).read().split()[0])
    anchor = anchor or params
    rows = list(csv.DictReader(open(os.path.join(here, f"{cell}.csv"))))
    finite = [r for r in rows if math.isfinite(float(r["val_bpc"]))]
    best = min(finite, key=lambda r: float(r["val_bpc"])) if finite else None
    hidden = f"{result['hidden']}" + (f" + {result['hidden'] // 10} context" if cell == "scrn" else "")
    print(f"| {name} | {hidden} | {params:,} | {100 * (params - anchor) / anchor:+.1f} % | {result['steps']} | "
          f"{number(result.get('seconds_per_step'))} | {number(result.get('val_loss'))} | {number(result.get('bpc'))} | "
          + (f"{float(best['val_bpc']):.3f} ({best['step']}) |" if best else "— |"))
