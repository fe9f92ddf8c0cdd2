# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch reference for tools/bench: the same workloads as bench-train.

    bench_torch.py HIDDEN BATCH EPOCHS THREADS

Trains 784-HIDDEN-10 (ReLU, Adam lr 1e-3, cross-entropy) on 60 000 random
MNIST-shaped rows and prints the median training samples/s over the epochs
after the first, and the mean step time in microseconds, as bench-train does.
"""
import statistics
import sys
import time

import torch


def main():
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
