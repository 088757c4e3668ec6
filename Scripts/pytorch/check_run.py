#!/usr/bin/env python3
"""Both directions of PyTorch interop through files, end to end:

1. PyTorch -> us: random torch LSTM/GRU/RNN models (1 and 2 layers, uni- and bidirectional) are saved with
   safetensors.torch.save_file; `rnn run` computes their output on a random input; the maximum absolute
   difference from PyTorch's own output must be <= 1e-5 (float32).
2. us -> PyTorch: `rnn train --save` writes a trained model; torch.nn.LSTM/GRU/RNN load_state_dict(...,
   strict=False) accepts it with no missing key (the only unexpected keys are our readout), and PyTorch's
   output equals `rnn run`'s on the same file within 1e-5.

Usage:  PY=$(Scripts/pytorch/env.sh) && "$PY" Scripts/pytorch/check_run.py
Exit status 0 when every check passes.
"""
import os, subprocess, sys, tempfile

import numpy as np
import torch
from safetensors.torch import load_file, save_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOLERANCE = 1e-5


def rnn_binary():
    subprocess.run(["swift", "build", "-c", "release", "--product", "rnn"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "rnn")


def torch_model(cell, input_size, hidden, layers, bidirectional):
    if cell == "lstm":
        return torch.nn.LSTM(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
    if cell == "gru":
        return torch.nn.GRU(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
    return torch.nn.RNN(input_size, hidden, num_layers=layers, bidirectional=bidirectional,
                        nonlinearity="relu" if cell == "srnn-relu" else "tanh")


def run_ours(binary, cell, weights, x, work):
    xin, yout = os.path.join(work, "x.npy"), os.path.join(work, "y.npy")
    np.save(xin, x)
    subprocess.run([binary, "run", "--cell", cell, "--weights", weights, "--input", xin, "--output", yout], check=True)
    return np.load(yout)


def main():
    torch.manual_seed(0)
    binary = rnn_binary()
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for cell in ["lstm", "gru", "srnn", "srnn-relu"]:
            for layers, bidirectional in [(1, False), (2, True)]:
                model = torch_model(cell, 5, 12, layers, bidirectional)
                weights = os.path.join(work, "w.safetensors")
                save_file({k: v.contiguous() for k, v in model.state_dict().items()}, weights)
                x = np.random.default_rng(1).standard_normal((9, 3, 5)).astype(np.float32)
                with torch.no_grad():
                    expected = model(torch.from_numpy(x))[0].numpy()
                diff = float(np.abs(run_ours(binary, cell, weights, x, work) - expected).max())
                ok = diff <= TOLERANCE
                failures += not ok
                print(f"torch -> rnn run  {cell:9s} layers={layers} bidirectional={bidirectional!s:5s} max|diff| = {diff:.2e} {'ok' if ok else 'FAIL'}")

        for cell, torch_cell in [("lstm", "lstm"), ("gru", "gru"), ("srnn", "srnn"), ("nprnn", "srnn-relu")]:
            saved = os.path.join(work, f"{cell}.safetensors")
            subprocess.run([binary, "train", "--task", "addition", "--length", "12", "--cell", cell, "--hidden", "16",
                            "--steps", "20", "--eval-every", "20", "--quiet", "--save", saved],
                           check=True, stdout=subprocess.DEVNULL)
            state = load_file(saved)
            model = torch_model(torch_cell, 2, 16, 1, False)
            result = model.load_state_dict(state, strict=False)
            unexpected = sorted(result.unexpected_keys)
            ok = not result.missing_keys and unexpected == ["readout.bias", "readout.weight"]
            x = np.random.default_rng(2).random((12, 4, 2)).astype(np.float32)
            with torch.no_grad():
                expected = model(torch.from_numpy(x))[0].numpy()
            diff = float(np.abs(run_ours(binary, torch_cell, saved, x, work) - expected).max())
            ok = ok and diff <= TOLERANCE
            failures += not ok
            print(f"rnn train --save -> torch.nn  {cell:6s} missing={result.missing_keys} unexpected={unexpected} "
                  f"max|diff| = {diff:.2e} {'ok' if ok else 'FAIL'}")
    print("all checks passed" if failures == 0 else f"{failures} check(s) FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
