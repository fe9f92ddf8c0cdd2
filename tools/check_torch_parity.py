#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Does Backprop train like PyTorch?

    tools/check_torch_parity.py [BACKPROP]

For each optimizer (and a few penalties, clipping, batch norm and the three
losses), writes a small data set as CSV and one set of initial weights as
safetensors, trains 20 full-batch steps with `backprop train --init-weights`
and `--save`, loads the project file and weights into the same network built
in PyTorch, trains it from the same weights with torch.optim, and compares
the final weights: the largest difference, relative to the largest weight of
each tensor, must stay within 1e-4. Exit status 0 when every case agrees, 1
otherwise, 77 (skipped) when PyTorch is not installed.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:  # tools/setup installs both; say what is missing
    print("skipped: %s (install python3-torch and python3-numpy)" % e)
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-4
STEPS = 20
ROWS = 64

ACTIVATIONS = {
    "relu": torch.nn.ReLU, "leaky_relu": torch.nn.LeakyReLU, "elu": torch.nn.ELU,
    "gelu": torch.nn.GELU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
}

# name, layers, loss, task, backprop options, torch optimizer factory, l1, clip_norm
CASES = [
    ("gd", "dense:16:tanh,dense:3", "ce", "class", ["--optimizer", "gd", "--lr", "0.1"],
     lambda p: torch.optim.SGD(p, lr=0.1), 0.0, 0.0),
    ("sgd-l2", "dense:16:relu,dense:3", "ce", "class",
     ["--optimizer", "sgd", "--lr", "0.1", "--l2", "0.01"],
     lambda p: torch.optim.SGD(p, lr=0.1), 0.0, 0.0),
    ("momentum-l1", "dense:16:tanh,dense:3", "ce", "class",
     ["--optimizer", "momentum", "--lr", "0.05", "--l1", "0.001"],
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), 0.001, 0.0),
    ("nesterov-dampening", "dense:16:elu,dense:3", "ce", "class",
     ["--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.8", "--dampening", "0.1"],
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.1), 0.0, 0.0),
    ("nesterov", "dense:16:gelu,dense:3", "ce", "class",
     ["--optimizer", "nesterov", "--lr", "0.05"],
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True), 0.0, 0.0),
    ("adam", "dense:16:relu,dense:8:sigmoid,dense:3", "ce", "class",
     ["--optimizer", "adam", "--lr", "0.01"],
     lambda p: torch.optim.Adam(p, lr=0.01), 0.0, 0.0),
    ("adam-l2-clip", "dense:16:leaky_relu,dense:3", "ce", "class",
     ["--optimizer", "adam", "--lr", "0.01", "--l2", "0.001", "--beta1", "0.8",
      "--clip-norm", "0.5"],
     lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.999)), 0.0, 0.5),
    ("adamw", "dense:16:tanh,dense:3", "ce", "class",
     ["--optimizer", "adamw", "--lr", "0.01", "--l2", "0.05"],
     lambda p: torch.optim.AdamW(p, lr=0.01), 0.0, 0.0),
    ("rmsprop", "dense:16:relu,dense:3", "ce", "class",
     ["--optimizer", "rmsprop", "--lr", "0.001"],
     lambda p: torch.optim.RMSprop(p, lr=0.001), 0.0, 0.0),
    ("rmsprop-momentum", "dense:16:tanh,dense:3", "ce", "class",
     ["--optimizer", "rmsprop", "--lr", "0.001", "--momentum", "0.5", "--alpha", "0.9"],
     lambda p: torch.optim.RMSprop(p, lr=0.001, momentum=0.5, alpha=0.9), 0.0, 0.0),
    ("adagrad", "dense:16:relu,dense:3", "ce", "class",
     ["--optimizer", "adagrad", "--lr", "0.05"],
     lambda p: torch.optim.Adagrad(p, lr=0.05), 0.0, 0.0),
    # A bias before batch norm has a gradient of zero up to rounding noise,
    # which Adam would blow up to full steps in both programs alike but
    # differently; plain SGD leaves it at zero, so the comparison means
    # something.
    ("batchnorm", "dense:16,batchnorm,relu,dense:8:tanh,batchnorm,dense:3", "ce", "class",
     ["--optimizer", "sgd", "--lr", "0.1"],
     lambda p: torch.optim.SGD(p, lr=0.1), 0.0, 0.0),
    ("bce", "dense:16:tanh,dense:1", "bce", "binary",
     ["--optimizer", "adam", "--lr", "0.01", "--loss", "bce"],
     lambda p: torch.optim.Adam(p, lr=0.01), 0.0, 0.0),
    ("mse", "dense:16:tanh,dense:2", "mse", "regression",
     ["--optimizer", "sgd", "--lr", "0.05", "--loss", "mse"],
     lambda p: torch.optim.SGD(p, lr=0.05), 0.0, 0.0),
]


def parse_layers(text, inputs):
    """The nn.Sequential Backprop builds for a --layers list."""
    modules, width = [], inputs
    for item in text.split(","):
        f = item.split(":")
        if f[0] == "dense":
            units = int(f[1])
            modules.append(torch.nn.Linear(width, units))
            if len(f) > 2 and f[2] not in ("", "none"):
                modules.append(ACTIVATIONS[f[2]]())
            width = units
        elif f[0] == "batchnorm":
            modules.append(torch.nn.BatchNorm1d(width))
        elif f[0] == "dropout":
            modules.append(torch.nn.Dropout(float(f[1])))
        else:
            modules.append(ACTIVATIONS[f[0]]())
    return torch.nn.Sequential(*modules)


class Net(torch.nn.Module):
    """Backprop's tensor names are those of an nn.Sequential held as `layers`."""

    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, x):
        return self.layers(x)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        array = np.frombuffer(data[base + begin:base + end], dtype=dtype).reshape(info["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        array = t.detach().cpu().numpy()
        blob = array.tobytes()
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[array.dtype]
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def make_data(task, rng):
    x = rng.normal(size=(ROWS, 4)).astype(np.float32)
    if task == "class":
        y = (np.argmax(x[:, :3] + 0.5 * rng.normal(size=(ROWS, 3)), axis=1)).astype(np.int64)
    elif task == "binary":
        y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    else:
        y = np.stack([np.sin(x[:, 0]), x[:, 1] * x[:, 2]], axis=1).astype(np.float32)
    return x, y


def write_csv(path, x, y, task):
    with open(path, "w") as f:
        targets = ["t1", "t2"] if task == "regression" else ["label"]
        f.write(",".join(["f%d" % i for i in range(x.shape[1])] + targets) + "\n")
        for i in range(x.shape[0]):
            cells = ["%.9g" % v for v in x[i]]
            if task == "regression":
                cells += ["%.9g" % v for v in y[i]]
            else:
                cells.append("c%d" % y[i])
            f.write(",".join(cells) + "\n")


def run_case(backprop, case, tmp, seed):
    name, layers, loss, task, options, make_opt, l1, clip = case
    rng = np.random.default_rng(seed)
    x, y = make_data(task, rng)
    csv = os.path.join(tmp, name + ".csv")
    write_csv(csv, x, y, task)
    torch.manual_seed(seed)
    net = Net(parse_layers(layers, x.shape[1]))
    init = os.path.join(tmp, name + "-init.safetensors")
    write_safetensors(init, net.state_dict())

    project = os.path.join(tmp, name + ".json")
    cmd = [backprop, "train", "--data", csv, "--layers", layers, "--val-split", "0",
           "--test-split", "0", "--scale", "none", "--no-shuffle", "--epochs", str(STEPS),
           "--init-weights", init, "--save", project, "--threads", "1"] + options
    if task == "regression":
        cmd += ["--target-columns", "t1,t2"]
    if "--optimizer" in options and options[options.index("--optimizer") + 1] != "gd":
        cmd += ["--batch", str(ROWS)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        return "backprop failed (%d): %s" % (run.returncode, run.stderr.strip())

    # The same rows as Backprop's training part: its classes are the sorted
    # label names, so c0, c1, c2 keep their numbers.
    with open(project) as f:
        meta = json.load(f)
    if meta["data"]["features"] != x.shape[1]:
        return "the project says %s features" % meta["data"]["features"]
    xs = torch.from_numpy(x)
    if task == "regression":
        target = torch.from_numpy(y)
        criterion = torch.nn.MSELoss()
    elif task == "binary":
        target = torch.from_numpy(y.astype(np.float32)).unsqueeze(1)
        criterion = torch.nn.BCEWithLogitsLoss()
    else:
        target = torch.from_numpy(y)
        criterion = torch.nn.CrossEntropyLoss()

    # L2 (weight_decay) and L1 reach the weights of Linear layers only.
    decay, no_decay = [], []
    for module in net.layers:
        if isinstance(module, torch.nn.Linear):
            decay.append(module.weight)
            no_decay.append(module.bias)
        else:
            no_decay.extend(module.parameters())
    optimizer = make_opt([{"params": decay}, {"params": no_decay}])
    wd = dict(zip(options[::2], options[1::2])).get("--l2")
    if wd is not None or isinstance(optimizer, torch.optim.AdamW):
        optimizer.param_groups[0]["weight_decay"] = float(wd) if wd is not None else 0.01
        optimizer.param_groups[1]["weight_decay"] = 0.0
    net.train()
    for _ in range(STEPS):
        optimizer.zero_grad()
        out = criterion(net(xs), target)
        if l1 > 0:
            out = out + l1 * sum(w.abs().sum() for w in decay)
        out.backward()
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
        optimizer.step()

    ours = read_safetensors(os.path.join(tmp, name + ".safetensors"))
    # Loading them into the torch module checks names and shapes as a user's
    # load_state_dict would.
    check = Net(parse_layers(layers, x.shape[1]))
    check.load_state_dict(ours, strict=True)
    worst, where = 0.0, ""
    for key, theirs in net.state_dict().items():
        if key.endswith("num_batches_tracked"):
            continue
        a, b = ours[key].double(), theirs.double()
        err = float((a - b).abs().max() / max(float(b.abs().max()), 1e-12))
        if err > worst:
            worst, where = err, key
    if worst > TOLERANCE:
        return "largest relative difference %.3g in %s" % (worst, where)
    return "ok (%.2g)" % worst


def main():
    backprop = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "release",
                                                                  "app", "backprop")
    torch.set_num_threads(1)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed, case in enumerate(CASES, start=1):
            result = run_case(backprop, case, tmp, seed)
            ok = result.startswith("ok")
            failed += not ok
            print("%-20s %s" % (case[0], result))
    print("parity with PyTorch: %s" % ("all %d cases agree" % len(CASES) if failed == 0
                                       else "%d of %d cases differ" % (failed, len(CASES))))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
