"""What limits a trained single-layer ReLU RNN (np-RNN or IRNN) on pixel MNIST? Three checks, in NumPy only:

1. its accuracy as saved (the readout it was trained with);
2. the accuracy of a softmax readout refitted to convergence on its final states (full-batch Adam on
   standardized features): if this is much higher, the readout lags; if not, the recurrent features limit;
3. the accuracy when the first or last k rows of every test image are blanked: which part of the image the
   network uses;
plus the largest eigenvalue moduli of its recurrent matrix.

    python3 Scripts/mnist-checkpoint-analysis.py results/mnist-nprnn.ckpt.safetensors --data ../shared/data/mnist

Reads a checkpoint (`model.` names) or a `--save` file (PyTorch names). Needs only numpy; about a minute on a
free core (the forward passes: 70,000 images, then 8 × 10,000 blanked ones).
"""
import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np


def load_safetensors(path):
    with open(path, "rb") as f:
        header_size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(header_size))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in ("F32", "F64"):
            sys.exit(f"{path}: tensor {name} has dtype {entry['dtype']}, expected F32 or F64")
        start, end = entry["data_offsets"]
        dtype = np.float32 if entry["dtype"] == "F32" else np.float64
        tensors[name.removeprefix("model.")] = np.frombuffer(data[start:end], dtype).reshape(entry["shape"]).astype(np.float32)
    return tensors


def read_idx(directory, stem):
    for name, opener in ((stem + ".gz", gzip.open), (stem, open)):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"MNIST: {stem}(.gz) not found in {directory}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weights")
    parser.add_argument("--data", default="../shared/data/mnist")
    args = parser.parse_args()

    w = load_safetensors(args.weights)
    for name in ("weight_ih_l0", "bias_ih_l0", "weight_hh_l0", "bias_hh_l0", "readout.weight", "readout.bias"):
        if name not in w:
            sys.exit(f"{args.weights}: no tensor {name} (a single-layer Elman/ReLU model is expected)")
    w_ih, w_hh = w["weight_ih_l0"][:, 0], w["weight_hh_l0"]
    bias = w["bias_ih_l0"] + w["bias_hh_l0"]
    readout, readout_bias = w["readout.weight"], w["readout.bias"]

    x_train = read_idx(args.data, "train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    y_train = read_idx(args.data, "train-labels-idx1-ubyte").astype(np.int64)
    x_test = read_idx(args.data, "t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    y_test = read_idx(args.data, "t10k-labels-idx1-ubyte").astype(np.int64)

    def final_states(x):                                       # (N, 784) → (N, H)
        h = np.zeros((x.shape[0], w_hh.shape[0]), np.float32)
        for t in range(x.shape[1]):
            h = np.maximum(h @ w_hh.T + x[:, t:t + 1] * w_ih + bias, 0)
        return h

    def accuracy(h, y, weight, b):
        return float(((h @ weight.T + b).argmax(1) == y).mean())

    h_train, h_test = final_states(x_train), final_states(x_test)
    print(f"as saved: train {accuracy(h_train, y_train, readout, readout_bias):.4f}, "
          f"test {accuracy(h_test, y_test, readout, readout_bias):.4f}")

    # Softmax regression on standardized final states, full batch, Adam 0.01 for 1500 iterations (converged:
    # the accuracy changes by < 0.001 over the last 500).
    mean, std = h_train.mean(0), h_train.std(0) + 1e-6
    a, b = (h_train - mean) / std, (h_test - mean) / std
    weight = np.zeros((10, a.shape[1]), np.float32)
    offset = np.zeros(10, np.float32)
    moments = [[np.zeros_like(weight), np.zeros_like(weight)], [np.zeros_like(offset), np.zeros_like(offset)]]
    onehot = np.eye(10, dtype=np.float32)[y_train]
    for step in range(1, 1501):
        z = a @ weight.T + offset
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        g = (p - onehot) / len(a)
        for (m, v), param, grad in zip(moments, (weight, offset), (g.T @ a, g.sum(0))):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= 0.01 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    print(f"readout refitted on the final states: train {accuracy(a, y_train, weight, offset):.4f}, "
          f"test {accuracy(b, y_test, weight, offset):.4f}")

    for rows in (4, 8, 14, 20):
        top = x_test.copy()
        top[:, :rows * 28] = 0
        bottom = x_test.copy()
        bottom[:, 784 - rows * 28:] = 0
        print(f"test accuracy with the first {rows} rows blanked: "
              f"{accuracy(final_states(top), y_test, readout, readout_bias):.4f}; "
              f"the last {rows}: {accuracy(final_states(bottom), y_test, readout, readout_bias):.4f}")
    moduli = np.sort(np.abs(np.linalg.eigvals(w_hh.astype(np.float64))))[::-1]
    print("largest eigenvalue moduli of W_hh:", " ".join(f"{m:.3f}" for m in moduli[:6]))


if __name__ == "__main__":
    main()
