#!/usr/bin/env python3
"""Writes the PyTorch parity fixtures of Tests/RecurrentTests/PyTorchParityTests.swift.

For every case: a small torch.nn.{RNN, LSTM, GRU} in float64 with a fixed seed, a random input x (T, B, I),
random h0 (and c0) of shape (L*D, B, H), one forward pass, and the fixed loss

    L = sum(output * W_out) + sum(h_n * W_h) (+ sum(c_n * W_c) for LSTM)

with random fixed weights W_*. Backward gives the gradient of every parameter, of x, h0 and c0.
One JSON file per case: Tests/RecurrentTests/Fixtures/pytorch/<case>.json. Every float is written with
Python's repr (shortest string that round-trips float64 exactly). Tensors are {"shape": [...], "data": [...]}
with data flattened row-major.

Run with the virtualenv from env.sh:   PY=$(Scripts/pytorch/env.sh) && "$PY" Scripts/pytorch/make_fixtures.py
"""
import json
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "RecurrentTests", "Fixtures", "pytorch")
MAX_FIXTURE_BYTES = 30_000

# name, torch mode, nonlinearity (RNN only), num_layers, bidirectional, T, B, I, H, seed[, lengths]
# With lengths, the batch is ragged: the input goes through pack_padded_sequence(enforce_sorted=False) and the
# output back through pad_packed_sequence(total_length=T), so padded outputs are 0 and h_n is each row's state
# after its last valid step (for the reverse direction: after x_0, having started at x_{length-1}).
CASES = [
    ("rnn_tanh", "RNN", "tanh", 1, False, 5, 3, 4, 6, 101),
    ("rnn_relu", "RNN", "relu", 1, False, 5, 3, 4, 6, 102),
    ("lstm", "LSTM", None, 1, False, 5, 3, 4, 6, 103),
    ("gru", "GRU", None, 1, False, 5, 3, 4, 6, 104),
    ("lstm_2layer", "LSTM", None, 2, False, 5, 3, 4, 4, 105),
    ("gru_2layer", "GRU", None, 2, False, 5, 3, 4, 4, 106),
    ("lstm_bidirectional", "LSTM", None, 1, True, 5, 3, 4, 4, 107),
    ("gru_bidirectional", "GRU", None, 1, True, 5, 3, 4, 4, 108),
    ("lstm_2layer_bidirectional", "LSTM", None, 2, True, 4, 2, 3, 3, 109),
    ("gru_2layer_bidirectional", "GRU", None, 2, True, 4, 2, 3, 3, 110),
    ("lstm_packed", "LSTM", None, 1, False, 5, 3, 4, 5, 111, [3, 5, 1]),
    ("gru_packed_bidirectional", "GRU", None, 1, True, 5, 3, 4, 4, 112, [2, 5, 4]),
    ("lstm_packed_2layer_bidirectional", "LSTM", None, 2, True, 4, 3, 2, 3, 113, [4, 1, 3]),
]

# A ReLU pre-activation this close to 0 could flip sign under float32 rounding (the kink is not differentiable).
RELU_MARGIN = 1e-3


def tensor_json(t):
    t = t.detach().to(torch.float64).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


def dumps(value):
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def write_fixture(path, doc):
    """Top-level keys on their own lines, each tensor on one line: small, and diffs stay readable."""
    lines = []
    for key, value in doc.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) and "data" in v for v in value.values()):
            inner = ",\n".join(f"  {dumps(k)}:{dumps(v)}" for k, v in value.items())
            lines.append(f" {dumps(key)}:{{\n{inner}\n }}")
        else:
            lines.append(f" {dumps(key)}:{dumps(value)}")
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    assert json.loads(text) == doc  # exact round trip of every float
    with open(path, "w") as f:
        f.write(text)
    return len(text.encode())


def min_relu_preactivation(model, x, h0):
    """Smallest |W_ih·x + b_ih + W_hh·h + b_hh| over all steps of a single-layer unidirectional ReLU RNN."""
    p = dict(model.named_parameters())
    h = h0[0]
    smallest = float("inf")
    with torch.no_grad():
        for t in range(x.shape[0]):
            a = x[t] @ p["weight_ih_l0"].T + p["bias_ih_l0"] + h @ p["weight_hh_l0"].T + p["bias_hh_l0"]
            smallest = min(smallest, a.abs().min().item())
            h = torch.relu(a)
    return smallest


def make_case(name, mode, nonlinearity, layers, bidirectional, T, B, I, H, seed, lengths=None):
    torch.manual_seed(seed)
    kwargs = dict(input_size=I, hidden_size=H, num_layers=layers, bidirectional=bidirectional, dtype=torch.float64)
    if mode == "RNN":
        model = torch.nn.RNN(nonlinearity=nonlinearity, **kwargs)
    elif mode == "LSTM":
        model = torch.nn.LSTM(**kwargs)
    else:
        model = torch.nn.GRU(**kwargs)
    D = 2 if bidirectional else 1
    x = torch.randn(T, B, I, dtype=torch.float64, requires_grad=True)
    h0 = (0.5 * torch.randn(layers * D, B, H, dtype=torch.float64)).requires_grad_()
    c0 = (0.5 * torch.randn(layers * D, B, H, dtype=torch.float64)).requires_grad_() if mode == "LSTM" else None
    w_out = torch.randn(T, B, D * H, dtype=torch.float64)
    w_h = torch.randn(layers * D, B, H, dtype=torch.float64)
    w_c = torch.randn(layers * D, B, H, dtype=torch.float64) if mode == "LSTM" else None

    source = x
    if lengths is not None:
        assert len(lengths) == B and max(lengths) == T and min(lengths) >= 1
        source = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
    if mode == "LSTM":
        output, (h_n, c_n) = model(source, (h0, c0))
    else:
        output, h_n = model(source, h0)
        c_n = None
    if lengths is not None:
        output, _ = torch.nn.utils.rnn.pad_packed_sequence(output, total_length=T)
    loss = (output * w_out).sum() + (h_n * w_h).sum()
    if c_n is not None:
        loss = loss + (c_n * w_c).sum()
    model.zero_grad()
    loss.backward()

    doc = {
        "case": name,
        "mode": mode if mode != "RNN" else f"RNN_{nonlinearity.upper()}",
        "num_layers": layers,
        "bidirectional": bidirectional,
        "steps": T,
        "batch": B,
        "input_size": I,
        "hidden_size": H,
        "seed": seed,
        "lengths": lengths,
        "torch_version": torch.__version__,
        "loss_formula": "sum(output*output_weight) + sum(h_n*h_n_weight)" + (" + sum(c_n*c_n_weight)" if c_n is not None else ""),
        "loss": float(loss.item()),
    }
    if mode == "RNN" and nonlinearity == "relu":
        margin = min_relu_preactivation(model, x, h0)
        assert margin > RELU_MARGIN, f"{name}: a ReLU pre-activation is {margin}, too close to the kink; change the seed"
        doc["min_abs_relu_preactivation"] = margin
    doc["parameters"] = {k: tensor_json(v) for k, v in model.state_dict().items()}
    doc["inputs"] = {"input": tensor_json(x), "h0": tensor_json(h0)}
    if c0 is not None:
        doc["inputs"]["c0"] = tensor_json(c0)
    doc["outputs"] = {"output": tensor_json(output), "h_n": tensor_json(h_n)}
    if c_n is not None:
        doc["outputs"]["c_n"] = tensor_json(c_n)
    doc["loss_weights"] = {"output": tensor_json(w_out), "h_n": tensor_json(w_h)}
    if w_c is not None:
        doc["loss_weights"]["c_n"] = tensor_json(w_c)
    grads = {k: tensor_json(p.grad) for k, p in model.named_parameters()}
    grads["input"] = tensor_json(x.grad)
    grads["h0"] = tensor_json(h0.grad)
    if c0 is not None:
        grads["c0"] = tensor_json(c0.grad)
    doc["gradients"] = grads
    return doc


def main():
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    total = 0
    for case in CASES:
        doc = make_case(*case)
        path = os.path.join(OUT, f"{case[0]}.json")
        size = write_fixture(path, doc)
        assert size < MAX_FIXTURE_BYTES, f"{path} is {size} bytes (limit {MAX_FIXTURE_BYTES}); shrink the case"
        total += size
        print(f"{os.path.relpath(path, ROOT)}: {size} bytes")
    print(f"{len(CASES)} fixtures, {total} bytes in total (torch {torch.__version__})")


if __name__ == "__main__":
    sys.exit(main())
