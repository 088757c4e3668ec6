#!/usr/bin/env python3
"""Reference accuracies of aeon on the UEA/UCR sets in ../shared/data/uea: 1-NN DTW and MiniRocket.

Usage (creates .venv-aeon/ with aeon 1.6.0 when absent; one thread, the machine is shared):
    PY=$(Scripts/reference/env.sh) && OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 "$PY" Scripts/reference/aeon_uea.py \
        [--data DIR] [--output results/uea-reference.json] [--seeds 5]

For each data set it reads NAME_TRAIN.ts and NAME_TEST.ts with aeon's own reader, fits on TRAIN and scores on
TEST (the archive's split; nothing is tuned):
- 1-NN DTW: KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw"), full warping window, on the raw
  series (unequal lengths as they are: DTW handles them).
- MiniRocket: MiniRocketClassifier (10 000 kernels, ridge classifier with cross-validated alpha), one fit per
  seed 0 … seeds-1, reported as mean and sample standard deviation. MiniRocket refuses unequal lengths and series
  shorter than 9 steps, so unequal-length sets are zero-padded at the end to the longest case of TRAIN and TEST
  together (recorded as "padded_to" in the output).
The output JSON carries the versions of aeon, numpy, numba, scikit-learn and Python, the date and the thread
settings. It is written atomically.
"""
import argparse, datetime, json, os, platform, statistics, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETS = ["GunPoint", "BasicMotions", "JapaneseVowels", "PickupGestureWiimoteZ"]


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


def run_set(name, directory, seeds):
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
    parser.add_argument("--data", default=default_data_dir(), help="directory with NAME_TRAIN.ts / NAME_TEST.ts")
    parser.add_argument("--output", default=os.path.join(ROOT, "results", "uea-reference.json"))
    parser.add_argument("--seeds", type=int, default=5, help="MiniRocket fits per set (seeds 0 … n-1)")
    parser.add_argument("--sets", nargs="*", default=SETS)
    args = parser.parse_args()
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
    for name in args.sets:
        row = run_set(name, args.data, args.seeds)
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
