#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the small IDX files tests/test-idx.c reads: a valid folder in
# tests/data/idx/ (train pair gzipped, t10k pair plain, so a folder mixes
# both), a folder with only the t10k pair, and one file per kind of bad
# input in tests/data/bad/idx-*. gzip -n leaves out the name and time, so
# running this again gives the same bytes. Run from anywhere:
#   python3 tests/data/make-idx.py
import os
import struct
import subprocess

here = os.path.dirname(os.path.abspath(__file__))
idx_dir = os.path.join(here, "idx")
bad_dir = os.path.join(here, "bad")

U8, I8, I16, I32, F32, F64 = 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E


def header(type_byte, dims):
    return bytes([0, 0, type_byte, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)


def images(n, rows=6, cols=6, seed=0):
    # Pixel (i, r, c) is a fixed function of its place, so a test can
    # recompute any value without reading the generator.
    data = bytes((37 * (i + seed) + 6 * r + 11 * c) % 256
                 for i in range(n) for r in range(rows) for c in range(cols))
    return header(U8, [n, rows, cols]) + data


def labels(values, type_byte=U8):
    fmt = {U8: "B", I8: "b", I16: ">h", I32: ">i", F32: ">f"}[type_byte]
    return header(type_byte, [len(values)]) + b"".join(struct.pack(fmt, v) for v in values)


def gzip(data):
    return subprocess.run(["gzip", "-n", "-9", "-c"], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# A valid folder: 12 training rows (labels 0, 1, 2, …), 4 test rows whose
# labels reach 3, so k comes from the test part.
train_images = images(12)
train_labels = labels([i % 3 for i in range(12)])
test_images = images(4, seed=100)
test_labels = labels([3, 0, 1, 2])
write(os.path.join(idx_dir, "train-images-idx3-ubyte.gz"), gzip(train_images))
write(os.path.join(idx_dir, "train-labels-idx1-ubyte.gz"), gzip(train_labels))
write(os.path.join(idx_dir, "t10k-images-idx3-ubyte"), test_images)
write(os.path.join(idx_dir, "t10k-labels-idx1-ubyte"), test_labels)
write(os.path.join(idx_dir, "t10k-only", "t10k-images-idx3-ubyte"), test_images)
write(os.path.join(idx_dir, "t10k-only", "t10k-labels-idx1-ubyte"), test_labels)

# Bad input, one file per kind. Image files are loaded with
# idx/t10k-labels-idx1-ubyte, label files with idx/t10k-images-idx3-ubyte
# (4 rows), so each file is the only thing wrong.
pixels = images(4)[16:]
big = bytes((i * 7919) % 251 for i in range(4 * 16 * 16))
bad = {
    "idx-empty": b"",
    "idx-bad-magic": b"\x01\x02" + images(4)[2:],
    "idx-unknown-type": header(0x0A, [4, 6, 6]) + pixels,
    "idx-no-dims": header(U8, []),
    "idx-short-header": header(U8, [4, 6, 6])[:10],
    "idx-zero-dim": header(U8, [4, 0, 6]),
    "idx-header-too-large": header(U8, [100000, 100000, 1000]) + pixels,
    "idx-dims-overflow": header(F64, [0xFFFFFFFF] * 4) + pixels,
    "idx-truncated": images(4)[:-44],
    "idx-trailing-junk": images(4) + b"junk!",
    "idx-short.gz": gzip(images(4)[:-44]),
    "idx-trailing-junk.gz": gzip(images(4) + b"1234567"),
    "idx-junk-after.gz": gzip(images(4)) + b"junk!!",
    "idx-header-too-large.gz": gzip(header(U8, [60000, 28, 28]) + pixels),
    "idx-labels-2d": header(U8, [4, 2]) + bytes(8),
    "idx-float-labels": labels([0.0, 1.0, 2.0, 1.0], F32),
    "idx-negative-label": labels([1, 0, -3, 2], I8),
    "idx-large-label": labels([1, 70000, 0, 2], I32),
    "idx-count-mismatch-images": images(5),
    "idx-count-mismatch-labels": labels([0, 1, 2]),
}
# A download cut short: the gzip stream stops in the middle of the data.
full = gzip(header(U8, [4, 16, 16]) + big)
bad["idx-truncated.gz"] = full[:len(full) // 2]
# Bits 1–2 of the first deflate byte (after gzip -n's 10-byte header) are
# the block type; 11 is reserved, which inflate must reject.
corrupt = bytearray(gzip(images(4)))
corrupt[10] |= 0x06
bad["idx-corrupt.gz"] = bytes(corrupt)

for name, data in bad.items():
    write(os.path.join(bad_dir, name), data)
