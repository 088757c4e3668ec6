#!/usr/bin/env python3
"""Benchmarks our layers against PyTorch on this machine, in the same invocation.

Usage (installs PyTorch into .venv-torch/ when absent):
    PY=$(Scripts/pytorch/env.sh) && "$PY" Scripts/bench-pytorch.py [--threads 2] [--repeats 5] [--rounds 3] [--markdown BENCHMARKS-table.md]
    ... Scripts/bench-pytorch.py --streaming [--threads 2] [--repeats 7]   (batch 1, one step at a time)

For each configuration it times PyTorch (torch.set_num_threads = ours) and then runs
`rnn bench --only ID --json` in a fresh process (so its peak RSS belongs to that configuration),
and prints ours/PyTorch ratios. A training step is the forward pass over the whole sequence plus
the backward pass of the sum of the last step's output; inference is the forward pass alone.
"""
import argparse, json, os, platform, shlex, statistics, subprocess, sys, time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONFIGS = [
    ("lstm", 1, 100, 16, 784), ("lstm", 32, 128, 32, 100), ("lstm", 256, 512, 32, 100), ("lstm", 512, 1024, 64, 50),
    ("gru", 1, 100, 16, 784), ("gru", 32, 128, 32, 100), ("gru", 256, 512, 32, 100), ("gru", 512, 1024, 64, 50),
    ("srnn-relu", 1, 100, 16, 784), ("srnn-relu", 32, 128, 32, 100), ("srnn-relu", 256, 512, 32, 100),
    ("srnn-relu", 512, 1024, 64, 50),
    ("scrn", 1, 100, 16, 784), ("scrn", 256, 512, 32, 100),
]
GATES = {"lstm": 4, "gru": 3, "srnn-relu": 1, "scrn": 1}


def config_id(cell, i, h, b, t):
    return f"{cell}-i{i}-h{h}-b{b}-t{t}"


def torch_layer(cell, i, h):
    if cell == "lstm":
        return torch.nn.LSTM(i, h)
    if cell == "gru":
        return torch.nn.GRU(i, h)
    if cell == "srnn-relu":
        return torch.nn.RNN(i, h, nonlinearity="relu")
    return None  # PyTorch has no SCRN


def time_torch(cell, i, h, b, t, repeats):
    layer = torch_layer(cell, i, h)
    if layer is None:
        return None, None
    x = torch.rand(t, b, i)

    def train():
        layer.zero_grad(set_to_none=False)
        out, _ = layer(x)
        out[-1].sum().backward()

    def infer():
        with torch.no_grad():
            layer(x)

    results = []
    for fn in (train, infer):
        fn()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        results.append(statistics.median(times) * 1e3)
    return results


STREAM_INPUT, STREAM_READOUT, STREAM_STEPS = 32, 10, 2000
STREAM_CONFIGS = [(cell, STREAM_INPUT, h) for cell in ("lstm", "gru") for h in (64, 128, 256)]


def time_torch_streaming(cell, i, h, repeats, steps=STREAM_STEPS):
    """Median microseconds per step of an nn.LSTMCell / nn.GRUCell step loop at batch 1 under torch.no_grad(),
    the state carried from step to step; and of the same loop followed by an nn.Linear readout (h -> 10) per step,
    the work of our RecurrentModel.step."""
    layer = torch.nn.LSTMCell(i, h) if cell == "lstm" else torch.nn.GRUCell(i, h)
    readout = torch.nn.Linear(h, STREAM_READOUT)
    xs = [torch.rand(1, i) - 0.5 for _ in range(steps)]

    def cell_run():
        with torch.no_grad():
            state = None
            for x in xs:
                state = layer(x, state)

    def model_run():
        with torch.no_grad():
            state = None
            for x in xs:
                state = layer(x, state)
                readout(state[0] if cell == "lstm" else state)

    cell_run(); model_run()  # warm-up
    cell_times, model_times = [], []
    for _ in range(repeats):  # interleaved, as ours
        t0 = time.perf_counter(); cell_run(); cell_times.append((time.perf_counter() - t0) / steps)
        t0 = time.perf_counter(); model_run(); model_times.append((time.perf_counter() - t0) / steps)
    return statistics.median(cell_times) * 1e6, statistics.median(model_times) * 1e6


def streaming(binary, args):
    """Batch-1 streaming: PyTorch's cell step loop and ours (`rnn bench --streaming`), one configuration after the other."""
    header = (f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; PyTorch {torch.__version__}; "
              f"threads {args.threads}; batch 1, input {STREAM_INPUT}, {STREAM_STEPS} steps per repetition, median of "
              f"{args.repeats}" + (f", {args.rounds} alternated rounds (ratio: median of the rounds' ratios, range in brackets)" if args.rounds > 1 else "")
              + f"; {time.strftime('%Y-%m-%d %H:%M')}; load {os.getloadavg()[0]:.2f}\n")
    rows = ["| configuration | PyTorch cell µs/step | ours layer µs/step | ours/PyTorch | PyTorch cell + Linear µs/step "
            "| ours model.step µs/step | ours/PyTorch |", "|---|---|---|---|---|---|---|"]
    only = set(args.only.split(",")) if args.only else None
    for cell, i, h in STREAM_CONFIGS:
        cid = f"{cell}-i{i}-h{h}-stream"
        if only and cid not in only:
            continue
        torch_cell, torch_model, layer, model = [], [], [], []
        for _ in range(args.rounds):  # alternated rounds, as in the main table
            tc, tm = time_torch_streaming(cell, i, h, args.repeats)
            command = " ".join(shlex.quote(a) for a in [binary, "bench", "--streaming", "--only", cid, "--json",
                                                         "--repeats", str(args.repeats), "--threads", str(args.threads)])
            ours = json.loads(subprocess.run(["sh", "-c", command], check=True, capture_output=True, text=True)
                              .stdout.strip().splitlines()[-1])
            torch_cell.append(tc); torch_model.append(tm)
            layer.append(ours["layer_step_us"]); model.append(ours["model_step_us"])
        med = statistics.median
        rows.append(f"| {cid} | {med(torch_cell):.2f} | {med(layer):.2f} | {round_ratio(layer, torch_cell, 3)} | "
                    f"{med(torch_model):.2f} | {med(model):.2f} | {round_ratio(model, torch_model, 3)} |")
        print(rows[-1], flush=True)
    return header + "\n" + "\n".join(rows) + "\n"


def round_ratio(ours, theirs, digits):
    """The median of the per-round ratios ours[r] / theirs[r], with their range when there are several rounds."""
    ratios = sorted(a / b for a, b in zip(ours, theirs))
    spread = f" ({ratios[0]:.{digits}f}–{ratios[-1]:.{digits}f})" if len(ratios) > 1 else ""
    return f"{statistics.median(ratios):.{digits}f}{spread}"


def sgemm_rate(threads, n=2048, repeats=5):
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - t0)
    return 2 * n ** 3 / statistics.median(times) / 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", default=None, help="comma-separated ids")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate PyTorch and ours this many times per configuration; times are medians over "
                             "rounds, ratios the median (and range) of each round's ratio")
    parser.add_argument("--markdown", default=None, help="also write the table to this file")
    parser.add_argument("--streaming", action="store_true",
                        help="instead: batch-1 step loops (nn.LSTMCell / nn.GRUCell against rnn bench --streaming)")
    parser.add_argument("--flush-denormal", choices=["default", "both", "neither"], default="default",
                        help="subnormal floats: each side's default (ours flushes them to zero, PyTorch does not), "
                             "both flush (torch.set_flush_denormal(True)), or neither (RNN_FLUSH_SUBNORMALS=0)")
    args = parser.parse_args()
    if args.flush_denormal == "both":
        torch.set_flush_denormal(True)   # before any thread is made, so PyTorch's threads start in this mode
    if args.flush_denormal == "neither":
        os.environ["RNN_FLUSH_SUBNORMALS"] = "0"
    torch.set_num_threads(args.threads)

    subprocess.run(["swift", "build", "-c", "release", "--product", "rnn"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip() + "/rnn"

    if args.streaming:
        text = streaming(binary, args)
        print()
        print(text)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text)
        return

    rate = sgemm_rate(args.threads)
    ours = json.loads(subprocess.run(["sh", "-c", " ".join(shlex.quote(a) for a in [
        binary, "bench", "--sgemm", "2048", "--json", "--repeats", "5", "--threads", str(args.threads)])],
        check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    ours_rate, peak = ours["sgemm_gflops"], ours["fma_peak_gflops"]
    header = (f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; PyTorch {torch.__version__}; "
              f"threads {args.threads}; median of {args.repeats}" + (f", {args.rounds} alternated rounds (ratio: median of the rounds' ratios, range in brackets)" if args.rounds > 1 else "") + f"; {time.strftime('%Y-%m-%d')}; "
              f"subnormals flushed: {'ours only (each side' + chr(39) + 's default)' if args.flush_denormal == 'default' else args.flush_denormal}\n"
              f"PyTorch sgemm 2048³ on {args.threads} threads: {rate:.0f} GFLOP/s; ours (`rnn bench --sgemm 2048`): "
              f"{ours_rate:.0f} GFLOP/s; FMA peak (independent chains, `rnn bench --sgemm`): {peak:.0f} GFLOP/s\n")
    rows = ["| configuration | PyTorch train ms | ours train ms | ours/PyTorch | ours train GFLOP/s | PyTorch infer ms | ours infer ms | ours/PyTorch | BPTT cache MB | peak RSS MB | step's own peak MB | step / cache |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    only = set(args.only.split(",")) if args.only else None
    for cell, i, h, b, t in CONFIGS:
        cid = config_id(cell, i, h, b, t)
        if only and cid not in only:
            continue
        # Each round times PyTorch and then ours, back to back; the ratio of each round is taken before the
        # median over rounds, so a change of the machine's speed between rounds (other tenants of a shared
        # host) moves both sides of a ratio alike.
        torch_train, torch_infer, runs = [], [], []
        for _ in range(args.rounds):
            tt, ti = time_torch(cell, i, h, b, t, args.repeats)
            torch_train.append(tt)
            torch_infer.append(ti)
            # Started through sh: a process exec'd directly by this (large) Python process reports
            # Python's peak RSS as its own VmHWM on this kernel; one started by sh does not.
            command = " ".join(shlex.quote(a) for a in [binary, "bench", "--only", cid, "--json", "--repeats", str(args.repeats),
                                                         "--threads", str(args.threads)])
            out = subprocess.run(["sh", "-c", command], check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        ours = runs[-1]
        ours_train = [r["train_ms"] for r in runs]
        ours_infer = [r["infer_ms"] for r in runs]
        med = statistics.median

        ratio = lambda ours_ms, torch_ms: "n/a (no PyTorch layer)" if torch_ms[0] is None else round_ratio(ours_ms, torch_ms, 2)

        fmt = lambda v: "—" if v[0] is None else f"{med(v):.1f}"
        train_gflops = med([r["train_gflops"] for r in runs])
        rows.append(f"| {cid} | {fmt(torch_train)} | {med(ours_train):.1f} | {ratio(ours_train, torch_train)} | "
                    f"{train_gflops:.0f} | {fmt(torch_infer)} | {med(ours_infer):.1f} | {ratio(ours_infer, torch_infer)} | "
                    f"{ours['cache_bytes'] / 1e6:.1f} | {ours['peak_rss_bytes'] / 1e6:.0f} | "
                    + (f"{ours['step_peak_bytes'] / 1e6:.1f} | {ours['step_peak_bytes'] / ours['cache_bytes']:.2f} |"
                       if ours.get('step_peak_bytes') is not None else "n/a | n/a |"))
        print(rows[-1], flush=True)
    text = header + "\n" + "\n".join(rows) + "\n"
    print()
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
