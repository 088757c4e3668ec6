#!/usr/bin/env python3
"""PyTorch's side of the tinyshakespeare character-model recipe, for comparison with `rnn train --task text`.

The recipe (both sides):
  - text: ../shared/data/text/tinyshakespeare.txt (or --data), character level; the vocabulary is every
    character of the text; the first 90 % trains, the last 10 % validates (split on characters).
  - model: nn.Embedding(V, E=64) -> 2-layer nn.LSTM(64, 512, dropout=0.2) -> nn.Dropout(0.2) -> nn.Linear(512, V),
    float32. Dropout 0.2 between the layers and before the output layer (what `rnn train --dropout 0.2` does).
    LSTM forget-gate bias 1 at initialization (b_ih + b_hh = 1 in the forget block, 0 elsewhere), as
    `rnn train` initializes an LSTM (pass --forget-bias none for PyTorch's uniform biases); the output layer
    Glorot-normal N(0, 2/(H + V)) with zero bias, as `rnn train`'s; the rest PyTorch's defaults (embedding N(0, 1),
    LSTM weights U(±1/√H)), which are also `rnn train`'s.
  - training: batch 32 windows of 128 characters, each at a uniformly random offset in the training text,
    zero initial state; mean cross-entropy over the 128·32 predictions; Adam lr 2e-3; gradients clipped to
    global norm 1.
  - validation: nats per character on the whole validation text with the state carried: the text is cut into
    B = 32 contiguous streams of L = N // 32 characters, read in windows of 128 with the state carried from
    window to window (dropout off); the mean over the 32·(L − 1) predictions. Exactly `rnn train`'s evaluation.

Prints one JSON line per evaluation: {"step", "val_loss", "bpc", "seconds_per_step", "seconds"}; seconds
count training steps only (not evaluations).

Run (the same recipe in Swift: see the equivalent command printed by --help):
    PY=$(Scripts/pytorch/env.sh) && "$PY" Scripts/pytorch/charlm_tinyshakespeare.py --steps 2100 --eval-every 300 --threads 2

The matching Swift run:
    rnn train --task text --data ../shared/data/text/tinyshakespeare.txt --valid-fraction 0.1 --level char \
        --cell lstm --layers 2 --hidden 512 --embedding 64 --dropout 0.2 --batch 32 --bptt 128 --windows random \
        --optimizer adam --lr 0.002 --clip 1 --steps 2100 --eval-every 300 --threads 2
"""
import argparse
import json
import math
import os
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DATA = os.path.join(os.path.dirname(ROOT), "shared", "data", "text", "tinyshakespeare.txt")


class CharModel(torch.nn.Module):
    def __init__(self, vocabulary, embedding, hidden, layers, dropout):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, embedding)
        self.rnn = torch.nn.LSTM(embedding, hidden, num_layers=layers, dropout=dropout)
        self.drop = torch.nn.Dropout(dropout)
        self.readout = torch.nn.Linear(hidden, vocabulary)

    def forward(self, ids, state=None):          # ids (T, B)
        out, state = self.rnn(self.embedding(ids), state)
        return self.readout(self.drop(out)), state   # (T, B, V)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=2100)
    parser.add_argument("--eval-every", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=512)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--bptt", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--forget-bias", default="1", help="forget-gate bias at initialization, or 'none' (PyTorch's uniform)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(args.data, encoding="utf-8") as f:
        text = f.read()
    cut = math.floor(len(text) * 0.9 + 0.5)   # rounded as TextCorpus.split rounds
    train_text, valid_text = text[:cut], text[cut:]
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    train = torch.tensor([index[c] for c in train_text], dtype=torch.long)
    valid = torch.tensor([index[c] for c in valid_text], dtype=torch.long)
    T, B = args.bptt, args.batch

    model = CharModel(len(chars), args.embedding, args.hidden, args.layers, args.dropout)
    if args.forget_bias != "none":
        h = args.hidden
        with torch.no_grad():
            for name, p in model.rnn.named_parameters():
                if name.startswith("bias_ih"):
                    p.zero_()
                    p[h:2 * h] = float(args.forget_bias)
                elif name.startswith("bias_hh"):
                    p.zero_()
    with torch.no_grad():   # the output layer as `rnn train` initializes it: Glorot-normal weights, zero bias
        fan = model.readout.in_features + model.readout.out_features
        model.readout.weight.normal_(0, math.sqrt(2 / fan))
        model.readout.bias.zero_()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_function = torch.nn.CrossEntropyLoss()

    # Validation streams as `rnn train` builds them.
    vb = max(1, min(B, len(valid) // (T + 1)))
    length = len(valid) // vb
    vw = min(T, length - 1)
    streams = valid[: vb * length].view(vb, length).t().contiguous()   # (L, vb): column b is stream b

    def evaluate():
        model.eval()
        total, count, state = 0.0, 0, None
        with torch.no_grad():
            for start in range(0, length - 1, vw):
                steps = min(vw, length - 1 - start)
                x, y = streams[start:start + steps], streams[start + 1:start + 1 + steps]
                logits, state = model(x, state)
                total += torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                                           reduction="sum").item()
                count += y.numel()
        model.train()
        return total / count

    generator = torch.Generator().manual_seed(args.seed + 1)
    offsets = torch.arange(T)
    seconds = 0.0
    for step in range(1, args.steps + 1):
        began = time.perf_counter()
        starts = torch.randint(0, len(train) - T, (B,), generator=generator)
        positions = starts[None, :] + offsets[:, None]          # (T, B)
        x, y = train[positions], train[positions + 1]
        logits, _ = model(x)
        loss = loss_function(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        seconds += time.perf_counter() - began
        if step % args.eval_every == 0 or step == args.steps:
            val = evaluate()
            print(json.dumps({"step": step, "train_loss": round(loss.item(), 4), "val_loss": round(val, 4),
                              "bpc": round(val / math.log(2), 4), "seconds_per_step": round(seconds / step, 4),
                              "seconds": round(seconds, 2), "threads": args.threads, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
