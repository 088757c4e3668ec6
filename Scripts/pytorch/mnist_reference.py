"""Trains PyTorch's own nn.RNN on pixel MNIST from the same initial weights and with the same recipe as
`rnn train`, so the learning curves can be compared: a much faster PyTorch curve would point at a bug in our
training stack (our gradients, optimizers and forward pass are each checked against PyTorch elsewhere; this
checks the whole loop).

    swift run -c release rnn train --task mnist --cell nprnn --lr 1e-30 --steps 1 --save init.safetensors
    PY=$(Scripts/pytorch/env.sh)
    "$PY" Scripts/pytorch/mnist_reference.py init.safetensors --data ../shared/data/mnist --epochs 10 \
        --optimizer rmsprop --lr 1e-4 --recurrent-lr-scale 1 --log torch.csv

(`--lr 1e-30` makes the one saved step a no-op in Float, so the file holds the initial weights.)
The CSV has the columns of `rnn train --log` that apply: step, seconds, train_loss, train_metric, test_metric
(on the first 1,000 test images), grad_norm, lr. Batches are drawn by PyTorch's own shuffling, so the curves
agree statistically, not bit for bit.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from safetensors.torch import load_file


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[2] != 8:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    sys.exit(f"MNIST: {stem}(.gz) not found in {directory}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weights", help="initial weights saved by `rnn train --save` (PyTorch names)")
    parser.add_argument("--data", default="../shared/data/mnist")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--optimizer", choices=["rmsprop", "adam"], default="rmsprop")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--recurrent-lr-scale", type=float, default=1.0)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train = torch.from_numpy(read_idx(find(args.data, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255)
    y_train = torch.from_numpy(read_idx(find(args.data, "train-labels-idx1-ubyte")).astype(np.int64))
    x_test = torch.from_numpy(read_idx(find(args.data, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255)[:1000]
    y_test = torch.from_numpy(read_idx(find(args.data, "t10k-labels-idx1-ubyte")).astype(np.int64))[:1000]

    weights = load_file(args.weights)
    hidden = weights["weight_hh_l0"].shape[0]
    rnn = torch.nn.RNN(1, hidden, nonlinearity="relu")
    readout = torch.nn.Linear(hidden, 10)
    with torch.no_grad():
        for name in ("weight_ih_l0", "bias_ih_l0", "weight_hh_l0", "bias_hh_l0"):
            getattr(rnn, name).copy_(weights[name])
        readout.weight.copy_(weights["readout.weight"])
        readout.bias.copy_(weights["readout.bias"])

    recurrent = [rnn.weight_hh_l0]
    others = [rnn.weight_ih_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, readout.weight, readout.bias]
    groups = [{"params": others, "lr": args.lr}, {"params": recurrent, "lr": args.lr * args.recurrent_lr_scale}]
    if args.optimizer == "rmsprop":
        optimizer = torch.optim.RMSprop(groups, lr=args.lr, alpha=0.99, eps=1e-8)
    else:
        optimizer = torch.optim.Adam(groups, lr=args.lr)
    parameters = list(rnn.parameters()) + list(readout.parameters())

    def logits(x):
        out, _ = rnn(x.t().unsqueeze(-1))          # (784, B, 1) → (784, B, H)
        return readout(out[-1])

    start = time.time()
    rows = ["step,seconds,train_loss,train_metric,test_metric,grad_norm,lr"]
    step = 0
    for epoch in range(args.epochs):
        order = torch.randperm(len(x_train))
        loss_sum, correct, seen, norm = 0.0, 0, 0, 0.0
        for b in range(len(x_train) // args.batch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            out = logits(x_train[idx])
            loss = torch.nn.functional.cross_entropy(out, y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            norm = float(torch.nn.utils.clip_grad_norm_(parameters, args.clip if args.clip > 0 else float("inf")))
            if not np.isfinite(norm):
                sys.exit(f"non-finite gradient at step {step + 1}")
            optimizer.step()
            step += 1
            loss_sum += loss.item() * len(idx)
            correct += int((out.argmax(1) == y_train[idx]).sum())
            seen += len(idx)
        with torch.no_grad():
            test = float((logits(x_test).argmax(1) == y_test).float().mean())
        rows.append(f"{step},{time.time() - start:.3f},{loss_sum / seen},{correct / seen},{test},{norm},{args.lr}")
        with open(args.log + ".tmp", "w") as f:
            f.write("\n".join(rows) + "\n")
        os.replace(args.log + ".tmp", args.log)
        print(f"epoch {epoch + 1}: train loss {loss_sum / seen:.4f} accuracy {correct / seen:.4f} test {test:.3f}",
              flush=True)


if __name__ == "__main__":
    main()
