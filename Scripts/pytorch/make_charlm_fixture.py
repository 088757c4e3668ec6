#!/usr/bin/env python3
"""Writes the PyTorch fixture of the character language model test (Tests/RecurrentTrainingTests/LanguageModelParityTests.swift).

A small character model in float64 — nn.Embedding(V, E) → nn.LSTM(E, H, num_layers=2) → nn.Linear(H, V) —
trained the standard way on a token stream: the stream is cut into B parallel streams of L tokens
(stream b = tokens[b*L:(b+1)*L]); window k reads steps k*T ..< k*T + T of every stream and predicts the next
token; the loss is the mean softmax cross-entropy over the T*B predictions (nn.CrossEntropyLoss). Window 0
starts from zero state; window 1 starts from window 0's final (h, c), detached (truncated BPTT).

The fixture holds the state_dict (PyTorch names), the token stream, and for each window the loss, the final
(h, c) and the gradient of that window's loss with respect to every parameter. Floats are written with
Python's repr (round-trips float64 exactly).

Run:   PY=$(Scripts/pytorch/env.sh) && "$PY" Scripts/pytorch/make_charlm_fixture.py
"""
import json
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "RecurrentTrainingTests", "Fixtures", "charlm_lstm2.json")
V, E, H, LAYERS, T, B, SEED = 6, 4, 4, 2, 4, 3, 201


def tensor_json(t):
    t = t.detach().to(torch.float64).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}


def main():
    torch.manual_seed(SEED)
    embedding = torch.nn.Embedding(V, E).double()
    lstm = torch.nn.LSTM(E, H, num_layers=LAYERS).double()
    decoder = torch.nn.Linear(H, V).double()
    modules = {"encoder": embedding, "rnn": lstm, "decoder": decoder}
    length = 2 * T + 1
    tokens = torch.randint(0, V, (B * length,))
    streams = tokens.view(B, length).t().contiguous()          # (L, B): column b is stream b
    loss_function = torch.nn.CrossEntropyLoss()
    state = None
    windows = []
    for k in range(2):
        for module in modules.values():
            module.zero_grad()
        inputs = streams[k * T:(k + 1) * T]                   # (T, B)
        targets = streams[k * T + 1:(k + 1) * T + 1]          # (T, B)
        output, (h, c) = lstm(embedding(inputs), state)
        logits = decoder(output)                              # (T, B, V)
        loss = loss_function(logits.reshape(-1, V), targets.reshape(-1))
        loss.backward()
        gradients = {}
        for prefix, module in modules.items():
            for name, parameter in module.named_parameters():
                gradients[f"{prefix}.{name}"] = tensor_json(parameter.grad)
        windows.append({"loss": float(loss.item()), "h_n": tensor_json(h), "c_n": tensor_json(c), "gradients": gradients})
        state = (h.detach(), c.detach())
    weights = {}
    for prefix, module in modules.items():
        for name, parameter in module.state_dict().items():
            weights[f"{prefix}.{name}"] = tensor_json(parameter)
    doc = {"torch": torch.__version__, "V": V, "E": E, "H": H, "layers": LAYERS, "T": T, "B": B,
           "tokens": [int(v) for v in tokens.tolist()], "weights": weights, "windows": windows}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{OUT}: {os.path.getsize(OUT)} bytes, losses {[w['loss'] for w in windows]}")


if __name__ == "__main__":
    main()
