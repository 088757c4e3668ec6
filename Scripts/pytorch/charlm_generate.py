#!/usr/bin/env python3
"""Text generation, PyTorch against `rnn generate`, on the same saved language model in the same run.

Reads a model written by `rnn train --task text --save FILE` (LSTM or GRU: the cells PyTorch has), builds
nn.Embedding -> nn.LSTM / nn.GRU -> nn.Linear with the file's weights (the file uses PyTorch's names), then:

  1. greedy check: both sides continue the prime with the most likely token at every step (ours:
     `rnn generate --temperature 1e-6`, whose sampling is then the argmax); the two texts must agree. A
     near-tie between two logits may legitimately flip one choice (the two sides round differently), so the
     script reports the length of the common prefix and fails only if it is shorter than --min-agreement.
  2. speed: both sample --length tokens at temperature 1 from the same prime, batch 1, one token at a time
     with the state carried (PyTorch: torch.no_grad(), softmax + torch.multinomial per token; ours:
     `rnn generate --timing`). Tokens per second count the prime's tokens (each read by one step) and the
     generated ones, on both sides. Best of --repeats runs each, alternating.

Prints one JSON line: {"model", "threads", "tokens", "pytorch_tokens_per_second", "ours_tokens_per_second",
"ours_over_pytorch_time", "greedy_common_prefix", "greedy_length"}.

Run:
    swift build -c release --product rnn
    PY=$(Scripts/pytorch/env.sh) && "$PY" Scripts/pytorch/charlm_generate.py --model char.safetensors --threads 2
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_safetensors(path):
    """(metadata dict, {name: float32 array}) of a safetensors file (F32 tensors only, as `rnn train` writes)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            sys.exit(f"{path}: tensor {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype=np.float32).reshape(entry["shape"]).copy()
    return metadata, tensors


class LanguageModel(torch.nn.Module):
    def __init__(self, metadata, tensors):
        super().__init__()
        cell = metadata["cell"]
        if cell not in ("lstm", "gru"):
            sys.exit(f"cell '{cell}': PyTorch has LSTM and GRU layers only")
        if metadata.get("bidirectional", "false") != "false":
            sys.exit("a bidirectional model does not generate")
        vocabulary = json.loads(metadata["vocabulary"])
        self.tokens = vocabulary["tokens"]
        self.word_level = vocabulary["level"] == "word"
        embedding = int(metadata["embedding_size"])
        hidden, layers = int(metadata["hidden_size"]), int(metadata["num_layers"])
        self.embedding = torch.nn.Embedding(len(self.tokens), embedding)
        kind = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
        self.rnn = kind(embedding, hidden, num_layers=layers)
        self.readout = torch.nn.Linear(hidden, len(self.tokens))
        state = {"embedding.weight": tensors["embedding.weight"],
                 "readout.weight": tensors.get("readout.weight", tensors["embedding.weight"]),
                 "readout.bias": tensors["readout.bias"]}
        for name in self.rnn.state_dict():
            state["rnn." + name] = tensors[name]
        self.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        self.eval()

    def encode(self, text):
        if self.word_level:
            return [self.tokens.index(w) if w in self.tokens else self.tokens.index("<unk>") for w in text.split()]
        return [self.tokens.index(c) for c in text]

    @torch.no_grad()
    def generate(self, prime, length, greedy, seed):
        generator = torch.Generator().manual_seed(seed)
        state, logits, out = None, None, []
        for token in self.encode(prime):
            logits, state = self.advance(token, state)
        for _ in range(length):
            if greedy:
                token = int(torch.argmax(logits))
            else:
                token = int(torch.multinomial(torch.softmax(logits, dim=0), 1, generator=generator))
            out.append(token)
            logits, state = self.advance(token, state)
        return out

    def advance(self, token, state):
        x = self.embedding(torch.tensor([[token]]))             # (1, 1, E)
        y, state = self.rnn(x, state)                            # (1, 1, H)
        return self.readout(y[0, 0]), state                      # (V,)


def ours(binary, model, prime, length, temperature, threads):
    run = subprocess.run([binary, "generate", "--model", model, "--prime", prime, "--length", str(length),
                          "--temperature", str(temperature), "--seed", "1", "--threads", str(threads), "--timing"],
                         capture_output=True, text=True, check=True)
    timing = json.loads(run.stderr.strip().splitlines()[-1])
    return run.stdout, timing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="a model saved by rnn train --task text --save")
    parser.add_argument("--prime", default="ROMEO:")
    parser.add_argument("--length", type=int, default=2000, help="tokens to sample for the timing")
    parser.add_argument("--greedy-length", type=int, default=300, help="tokens to compare in the greedy check")
    parser.add_argument("--min-agreement", type=int, default=100, help="fail if the greedy texts agree on fewer tokens")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rnn", default=os.path.join(ROOT, ".build", "release", "rnn"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    metadata, tensors = read_safetensors(args.model)
    model = LanguageModel(metadata, tensors)

    # 1. Greedy: the same text on both sides.
    theirs = model.generate(args.prime, args.greedy_length, greedy=True, seed=1)
    text, _ = ours(args.rnn, args.model, args.prime, args.greedy_length, 1e-6, args.threads)
    separator = " " if model.word_level else ""
    expected = args.prime + "".join(separator + model.tokens[t] for t in theirs)
    got = text.rstrip("\n")
    common = 0
    while common < min(len(got), len(expected)) and got[common] == expected[common]:
        common += 1
    common_tokens = len(model.encode(expected[:common])) - len(model.encode(args.prime))
    if got != expected and common_tokens < args.min_agreement:
        sys.exit(f"greedy texts differ after {common_tokens} tokens:\n--- PyTorch\n{expected}\n--- ours\n{got}")

    # 2. Speed: best of the repeats, alternating the two sides.
    tokens = len(model.encode(args.prime)) + args.length
    best_theirs, best_ours = float("inf"), float("inf")
    model.generate(args.prime, 50, greedy=False, seed=1)  # warm-up
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.generate(args.prime, args.length, greedy=False, seed=1)
        best_theirs = min(best_theirs, time.perf_counter() - start)
        _, timing = ours(args.rnn, args.model, args.prime, args.length, 1.0, args.threads)
        best_ours = min(best_ours, timing["seconds"])
    print(json.dumps({"model": os.path.basename(args.model), "cell": metadata["cell"],
                      "hidden": int(metadata["hidden_size"]), "layers": int(metadata["num_layers"]),
                      "vocabulary": len(model.tokens), "threads": args.threads, "tokens": tokens,
                      "pytorch_tokens_per_second": round(tokens / best_theirs, 1),
                      "ours_tokens_per_second": round(tokens / best_ours, 1),
                      "ours_over_pytorch_time": round(best_ours / best_theirs, 3),
                      "greedy_common_prefix": common_tokens, "greedy_length": args.greedy_length}))


if __name__ == "__main__":
    main()
