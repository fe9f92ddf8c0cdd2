# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch reference for tools/bench: the same workloads as bench-train.

    bench_torch.py HIDDEN BATCH EPOCHS THREADS
    bench_torch.py fashion-mnist EPOCHS THREADS

The first trains 784-HIDDEN-10 (ReLU, Adam lr 1e-3, cross-entropy) on
60 000 random MNIST-shaped rows and prints the median training samples/s
over the epochs after the first, and the mean step time in microseconds, as
bench-train does. The second trains 784-128-10 the same way at batch 64 on
48 000 of the Fashion-MNIST training images (Backprop holds 20 % out for
validation) and prints the test accuracy on the 10 000 t10k images and the
median samples/s.
"""
import gzip
import statistics
import sys
import time

import numpy as np
import torch

FASHION = "/usr/share/datasets/fashion-mnist/"


def idx(name, offset):
    with gzip.open(FASHION + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def fashion_mnist(epochs, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255
    y = idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64)
    xt = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255
    yt = idx("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64)
    keep = np.random.default_rng(1).permutation(len(x))[:48000]
    x, y = torch.from_numpy(x[keep]), torch.from_numpy(y[keep])
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(len(x))
        for first in range(0, len(x), 64):
            rows = perm[first:first + 64]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[rows]), y[rows]).backward()
            opt.step()
        rates.append(len(x) / (time.perf_counter() - start))
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(xt)).argmax(1) == torch.from_numpy(yt)).float().mean()
    print("%.6f %.0f" % (float(accuracy), statistics.median(rates)))


def main():
    if sys.argv[1] == "fashion-mnist":
        fashion_mnist(int(sys.argv[2]), int(sys.argv[3]))
        return
    hidden = [int(h) for h in sys.argv[1].split(",")]
    batch, epochs, threads = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    rows, features, classes = 60000, 784, 10
    x = torch.rand(rows, features)
    y = torch.randint(0, classes, (rows,))
    sizes = [features] + hidden + [classes]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(rows)
        xs, ys = x[perm], y[perm]
        for first in range(0, rows, batch):
            xb, yb = xs[first:first + batch], ys[first:first + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        rates.append(rows / (time.perf_counter() - start))
    median = statistics.median(rates[1:] if len(rates) > 1 else rates)
    print("%.0f %.1f" % (median, 1e6 * batch / median))


if __name__ == "__main__":
    main()
