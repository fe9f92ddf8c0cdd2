#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the bad project and weights files of tests/data/bad/ (and the good
ones they are made from, in tests/data/project/). Run from this folder; the
outputs are committed, this script says how they were made.

The model throughout is 2 inputs → dense:4:relu → dense:3 (ce), whose
tensors are layers.0.weight [4, 2], layers.0.bias [4], layers.2.weight
[3, 4] and layers.2.bias [3]."""
import copy
import json
import struct

GOOD = {
    "backprop": 1,
    "data": {
        "source": "spiral", "kind": "builtin",
        "generate": {"samples": 300, "noise": 0.2, "classes": 3, "seed": 1},
        "split": {"validation": 0.2, "test": 0.2, "seed": 1, "stratify": True},
        "scale": "standard", "task": "classification", "features": 2,
        "classes": ["0", "1", "2"],
        "scaler": {"kind": "standard", "offset": [0.5, -0.25], "factor": [2, 4]},
    },
    "model": {
        "inputs": 2, "loss": "ce",
        "layers": [
            {"type": "dense", "units": 4, "activation": "relu", "init": "auto"},
            {"type": "dense", "units": 3, "activation": "none", "init": "auto"},
        ],
    },
    "training": {
        "optimizer": "adam", "lr": 0.001, "momentum": 0, "dampening": 0, "nesterov": False,
        "beta1": 0.9, "beta2": 0.999, "eps": 1e-08, "alpha": 0.99, "weight_decay": 0,
        "lr_decay": 0, "initial_accumulator": 0, "batch": 32, "epochs": 10, "shuffle": True,
        "seed": 1, "l1": 0, "clip_norm": 0, "clip_value": 0, "early_stop": 0,
        "schedule": {"kind": "constant", "step_size": 10, "gamma": 0.1, "t_max": 0,
                     "min_lr": 0, "factor": 0.1, "patience": 10, "threshold": 0.0001,
                     "cooldown": 0, "warmup": 0},
    },
    "weights": "good.safetensors",
}

TENSORS = [("layers.0.weight", [4, 2]), ("layers.0.bias", [4]),
           ("layers.2.weight", [3, 4]), ("layers.2.bias", [3])]


def safetensors(header, data):
    text = json.dumps(header).encode() if not isinstance(header, bytes) else header
    return struct.pack("<Q", len(text)) + text + data


def good_weights(dtype="F32", drop=None, extra=None, shapes=None):
    header, data = {}, b""
    for name, shape in TENSORS:
        if name == drop:
            continue
        shape = (shapes or {}).get(name, shape)
        count = 1
        for s in shape:
            count *= s
        blob = struct.pack("<%df" % count, *[0.125 * (i + 1) for i in range(count)])
        header[name] = {"dtype": dtype if name == "layers.0.bias" else "F32", "shape": shape,
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    if extra:
        header[extra] = {"dtype": "F32", "shape": [1], "data_offsets": [len(data), len(data) + 4]}
        data += struct.pack("<f", 1.0)
    return header, data


# A run of two epochs with the diagnosis's history: 3 ops (Linear, ReLU,
# Linear), so each step sample is 5 numbers and 7 statistics per op.
RUN = {"state": "finished", "epochs": 2, "steps": 2, "best_epoch": 2, "seconds": 0.5,
       "history": [{"epoch": e, "train_loss": 1.0 / e, "train_accuracy": 0.5,
                    "val_loss": 1.1 / e, "val_accuracy": 0.5, "lr": 0.001,
                    "samples_per_s": 1000, "seconds": 0.25} for e in (1, 2)]}
DIAGNOSIS = {"ops": 3, "stride": 1,
             "steps": [[s, s, 1.0 / s, 0.001, 0.5] + [0.25] * 21 for s in (1, 2)],
             "dead": [[None, 0, None], [None, 0.5, None]]}


def with_run(mutate=None):
    def change(p):
        p["run"] = copy.deepcopy(RUN)
        p["diagnosis"] = copy.deepcopy(DIAGNOSIS)
        if mutate:
            mutate(p)
    return change


def write(path, content):
    with open(path, "wb" if isinstance(content, bytes) else "w") as f:
        f.write(content)


def project(mutate):
    p = copy.deepcopy(GOOD)
    mutate(p)
    return json.dumps(p, indent=2) + "\n"


def main():
    write("project/good.json", json.dumps(GOOD, indent=2) + "\n")
    h, d = good_weights()
    write("project/good.safetensors", safetensors(h, d))

    write("bad/project-syntax.json", '{\n  "backprop": 1,\n  "data": {\n    "source": "spiral",,\n'
          '  }\n}\n')
    write("bad/project-not-object.json", "[1, 2, 3]\n")
    write("bad/project-missing-field.json", project(lambda p: p["model"].pop("loss")))
    write("bad/project-wrong-type.json",
          project(lambda p: p["model"]["layers"][0].update(units="4")))
    write("bad/project-unknown-layer.json",
          project(lambda p: p["model"]["layers"][0].update(type="conv2d")))
    write("bad/project-unknown-optimizer.json",
          project(lambda p: p["training"].update(optimizer="lion")))
    write("bad/project-out-of-range.json",
          project(lambda p: p["training"].update(lr=-0.5)))
    write("bad/project-newer.json", project(lambda p: p.update(backprop=99)))
    write("bad/project-output-mismatch.json",
          project(lambda p: p["model"]["layers"][1].update(units=5)))
    write("bad/project-scaler-length.json",
          project(lambda p: p["data"]["scaler"].update(offset=[0.5])))
    write("bad/project-weights-path.json",
          project(lambda p: p.update(weights="../../etc/passwd")))

    write("project/run.json", project(with_run()))
    write("bad/project-diagnosis-no-run.json",
          project(with_run(lambda p: p.pop("run"))))
    write("bad/project-diagnosis-ops.json",
          project(with_run(lambda p: p["diagnosis"].update(ops=5))))
    write("bad/project-diagnosis-step-length.json",
          project(with_run(lambda p: p["diagnosis"]["steps"][1].pop())))
    write("bad/project-diagnosis-step-order.json",
          project(with_run(lambda p: p["diagnosis"]["steps"].reverse())))
    write("bad/project-diagnosis-dead.json",
          project(with_run(lambda p: p["diagnosis"]["dead"].pop())))
    write("bad/project-diagnosis-divergence.json",
          project(with_run(lambda p: p["diagnosis"].update(divergence={"step": 2, "epoch": 1,
                                                                       "op": 7}))))

    write("bad/weights-short.safetensors", b"\x10\x00\x00")
    write("bad/weights-header-beyond-file.safetensors",
          struct.pack("<Q", 1 << 40) + b'{"a": 1}')
    write("bad/weights-bad-json.safetensors", safetensors(b'{"layers.0.weight": [', b""))
    h, d = good_weights()
    h["layers.0.bias"]["data_offsets"] = [16, 32]     # inside layers.0.weight [0, 32]
    write("bad/weights-overlap.safetensors", safetensors(h, d))
    h, d = good_weights()
    h["layers.2.bias"]["data_offsets"] = [len(d) - 4, len(d) + 8]   # 8 bytes past the end
    write("bad/weights-out-of-range.safetensors", safetensors(h, d))
    h, d = good_weights()
    write("bad/weights-hole.safetensors", safetensors(h, d + b"\0" * 8))
    h, d = good_weights(dtype="F16")
    write("bad/weights-dtype.safetensors", safetensors(h, d))
    h, d = good_weights(shapes={"layers.2.weight": [4, 3]})
    write("bad/weights-shape.safetensors", safetensors(h, d))
    h, d = good_weights(drop="layers.2.bias")
    write("bad/weights-missing.safetensors", safetensors(h, d))
    h, d = good_weights(extra="layers.5.weight")
    write("bad/weights-extra.safetensors", safetensors(h, d))
    h, d = good_weights()
    h["layers.0.weight"]["shape"] = [4, 3]           # 48 bytes claimed over 32
    write("bad/weights-size.safetensors", safetensors(h, d))


if __name__ == "__main__":
    main()
