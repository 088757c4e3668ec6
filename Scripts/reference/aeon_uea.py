#!/usr/bin/env python3
"""Reference accuracies of aeon on the UEA/UCR sets in ../shared/data/uea: 1-NN DTW and MiniRocket.

Usage (creates .venv-aeon/ with aeon 1.6.0 when absent; one thread, the machine is shared):
    PY=$(Scripts/reference/env.sh) && OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 "$PY" Scripts/reference/aeon_uea.py \
        [--data DIR] [--output results/uea-reference.json] [--seeds 5] [--sets A,B,C]

Held-out sets (sets the `rnn train --task ts` recipe was not tuned on; Scripts/reference/heldout_sets.sh copies
them from the aeon 1.6.0 wheel into .cache/uea-heldout and checks their sha256 sums):
    bash Scripts/reference/heldout_sets.sh && OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 nice -n 10 "$PY" \
        Scripts/reference/aeon_uea.py --heldout      # = --sets <its names> --data .cache/uea-heldout
                                                     #   --output results/uea-heldout-reference.json

For each data set it reads NAME_TRAIN.ts and NAME_TEST.ts with aeon's own reader, fits on TRAIN and scores on
TEST (the archive's split; nothing is tuned):
- 1-NN DTW: KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw"), full warping window, on the raw
  series (unequal lengths as they are: DTW handles them).
- MiniRocket: MiniRocketClassifier (10 000 kernels, ridge classifier with cross-validated alpha), one fit per
  seed 0 … seeds-1, reported as mean and sample standard deviation. MiniRocket refuses unequal lengths and series
  shorter than 9 steps, so unequal-length sets are zero-padded at the end to the longest case of TRAIN and TEST
  together (recorded as "padded_to" in the output).
With --minirocket-budget S, no further MiniRocket seed starts once a set's MiniRocket fits have taken S seconds.
With --jobs N, N sets run at once in separate single-threaded processes (largest sets first); the accuracies do
not depend on it, the recorded seconds do (the processes share the machine).
The seeds actually run are recorded ("minirocket_seeds", with a note) when fewer than --seeds.
The output JSON carries the versions of aeon, numpy, numba, scikit-learn and Python, the date and the thread
settings. It is written atomically.
"""
import argparse, datetime, json, os, platform, statistics, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETS = ["GunPoint", "BasicMotions", "JapaneseVowels", "PickupGestureWiimoteZ"]
HELDOUT_DIR = os.path.join(ROOT, ".cache", "uea-heldout")
HELDOUT_OUTPUT = os.path.join(ROOT, "results", "uea-heldout-reference.json")


def heldout_sets():
    """The set names Scripts/reference/heldout_sets.sh provides (it is the one list)."""
    import subprocess
    script = os.path.join(ROOT, "Scripts", "reference", "heldout_sets.sh")
    return subprocess.run(["bash", script, "--names"], check=True, capture_output=True, text=True).stdout.split()


def default_data_dir():
    shared = os.environ.get("RNN_SHARED_DIR")
    if shared:
        return os.path.join(shared, "data", "uea")
    return os.path.join(os.path.dirname(ROOT), "shared", "data", "uea")


def as_list(X):
    """Cases as a list of (channels, length) float arrays, whatever aeon returned."""
    import numpy as np
    return [np.asarray(x, dtype=np.float64) for x in X]


def padded(cases, length):
    import numpy as np
    out = np.zeros((len(cases), cases[0].shape[0], length))
    for i, x in enumerate(cases):
        out[i, :, : x.shape[1]] = x
    return out


def accuracy(predicted, truth):
    return float(sum(1 for p, t in zip(predicted, truth) if p == t)) / len(truth)


def run_set(name, directory, seeds, budget=None):
    import numpy as np
    from aeon.datasets import load_from_ts_file
    from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier
    from aeon.classification.convolution_based import MiniRocketClassifier

    X_train, y_train = load_from_ts_file(os.path.join(directory, f"{name}_TRAIN.ts"))
    X_test, y_test = load_from_ts_file(os.path.join(directory, f"{name}_TEST.ts"))
    train, test = as_list(X_train), as_list(X_test)
    lengths = [x.shape[1] for x in train + test]
    equal = min(lengths) == max(lengths)
    row = {
        "train_cases": len(train), "test_cases": len(test), "dimensions": int(train[0].shape[0]),
        "min_length": min(lengths), "max_length": max(lengths), "classes": sorted(set(map(str, y_train))),
    }

    start = time.time()
    knn = KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw", n_jobs=1)
    knn.fit(X_train, y_train)
    row["dtw_1nn_accuracy"] = accuracy(knn.predict(X_test), y_test)
    row["dtw_1nn_seconds"] = round(time.time() - start, 2)

    length = max(lengths)
    mr_train = padded(train, length)
    mr_test = padded(test, length)
    row["padded_to"] = None if equal else length
    scores = []
    start = time.time()
    for seed in range(seeds):
        if budget is not None and scores and time.time() - start > budget:
            row["minirocket_seeds"] = seed
            row["minirocket_note"] = (f"only seeds 0..{seed - 1}: the MiniRocket fits took more than the "
                                      f"{budget:g} s budget (--minirocket-budget)")
            break
        model = MiniRocketClassifier(random_state=seed, n_jobs=1)
        model.fit(mr_train, y_train)
        scores.append(accuracy(model.predict(mr_test), y_test))
    row["minirocket_accuracy_by_seed"] = scores
    row["minirocket_accuracy_mean"] = statistics.fmean(scores)
    row["minirocket_accuracy_sd"] = statistics.stdev(scores) if len(scores) > 1 else 0.0
    row["minirocket_seconds"] = round(time.time() - start, 2)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None,
                        help="directory with NAME_TRAIN.ts / NAME_TEST.ts (default ../shared/data/uea; "
                             "with --heldout .cache/uea-heldout)")
    parser.add_argument("--output", default=None,
                        help="default results/uea-reference.json; with --heldout results/uea-heldout-reference.json")
    parser.add_argument("--seeds", type=int, default=5, help="MiniRocket fits per set (seeds 0 … n-1)")
    parser.add_argument("--sets", nargs="*", default=None,
                        help="set names, space- or comma-separated (default the four tuning sets; with --heldout "
                             "those of Scripts/reference/heldout_sets.sh)")
    parser.add_argument("--heldout", action="store_true",
                        help="the held-out sets of Scripts/reference/heldout_sets.sh, from .cache/uea-heldout")
    parser.add_argument("--minirocket-budget", type=float, default=None, metavar="SECONDS",
                        help="start no further MiniRocket seed on a set once its fits took this long")
    parser.add_argument("--jobs", type=int, default=1, help="sets run at once, one process (one thread) each")
    args = parser.parse_args()
    if args.sets is not None:
        args.sets = [name for item in args.sets for name in item.split(",") if name]
    else:
        args.sets = heldout_sets() if args.heldout else SETS
    if args.data is None:
        args.data = HELDOUT_DIR if args.heldout else default_data_dir()
    if args.output is None:
        args.output = HELDOUT_OUTPUT if args.heldout else os.path.join(ROOT, "results", "uea-reference.json")
    if not os.path.isdir(args.data):
        sys.exit(f"data directory {args.data} not found: pass --data DIR or set RNN_SHARED_DIR")

    import aeon, numba, numpy, sklearn
    result = {
        "what": "test accuracy of aeon's 1-NN DTW and MiniRocket on the archive's TRAIN/TEST split",
        "script": "Scripts/reference/aeon_uea.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": {"aeon": aeon.__version__, "numpy": numpy.__version__, "numba": numba.__version__,
                     "scikit-learn": sklearn.__version__, "python": platform.python_version()},
        "machine": platform.machine(),
        "threads": {name: os.environ.get(name) for name in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")},
        "settings": {"dtw": "KNeighborsTimeSeriesClassifier(n_neighbors=1, distance='dtw'), full window",
                     "minirocket": f"MiniRocketClassifier(random_state=seed) for seed in 0..{args.seeds - 1}, "
                                   "unequal lengths zero-padded at the end to the longest case of TRAIN and TEST"},
        "sets": {},
    }
    if args.jobs > 1:
        result["jobs"] = args.jobs
    if args.heldout:
        result["what"] += (" — held-out sets: archive sets the rnn train --task ts recipe was not tuned on, from "
                           "the aeon 1.6.0 wheel (Scripts/reference/heldout_sets.sh, sha256-checked)")
    if args.minirocket_budget is not None:
        result["settings"]["minirocket_budget_seconds"] = args.minirocket_budget
    for name in args.sets:
        for part in ("TRAIN", "TEST"):
            if not os.path.isfile(os.path.join(args.data, f"{name}_{part}.ts")):
                sys.exit(f"{os.path.join(args.data, f'{name}_{part}.ts')} not found")
    rows = {}
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor
        size = lambda n: os.path.getsize(os.path.join(args.data, f"{n}_TRAIN.ts")) + \
            os.path.getsize(os.path.join(args.data, f"{n}_TEST.ts"))
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = {name: pool.submit(run_set, name, args.data, args.seeds, args.minirocket_budget)
                       for name in sorted(args.sets, key=size, reverse=True)}
            rows = {name: future.result() for name, future in futures.items()}
    for name in args.sets:
        row = rows[name] if name in rows else run_set(name, args.data, args.seeds, args.minirocket_budget)
        result["sets"][name] = row
        print(f"{name:24s} 1-NN DTW {row['dtw_1nn_accuracy']:.3f}   MiniRocket {row['minirocket_accuracy_mean']:.3f}"
              f" ± {row['minirocket_accuracy_sd']:.3f}   ({row['dtw_1nn_seconds']} s, {row['minirocket_seconds']} s)",
              flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    temporary = f"{args.output}.tmp-{os.getpid()}"
    with open(temporary, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    os.replace(temporary, args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
