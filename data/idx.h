/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dataset.h"

/* The IDX format of MNIST: a big-endian header (two zero bytes, a type
 * byte — 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64 — and the
 * number of dimensions), the dimensions as big-endian u32, then the values.
 * Plain or gzip-compressed. */

/* The installed data sets Backprop knows by name, and the Debian package
 * that provides each. */
#define NN_IDX_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"
#define NN_IDX_MNIST_DIR "/usr/share/datasets/mnist"

/* Reads an image file and a label file into one owned classification
 * dataset: each image flattened to a row (u8 pixels scaled to [0, 1] as
 * x/255, other types as they are), the labels as class ids, k = largest
 * label + 1 (at least 2), class names "0", "1", …. Each file is plain or
 * gzip, told by its first two bytes (not its name); concatenated gzip
 * members are one stream. Wrong magic, an unknown type, no dimensions or a
 * dimension of 0, labels that are not 1-D or not integers, a count that
 * differs between the two files, a size in the header larger than the file
 * (or than NN_DATASET_MAX_FLOATS, or than the gzip data can inflate to), a
 * truncated file, bytes after the data or after the gzip stream, a corrupt
 * gzip stream, a label outside [0, 65535]: NULL with NN_ERR_FORMAT and
 * "FILE: what is wrong", with the numbers ("FILE: the header promises
 * 60000 × 28 × 28 = 47040000 bytes of data but the file holds 1234 after
 * the header"); NN_ERR_IO with the system's reason when a file cannot be
 * read. Every header is checked before anything is allocated; while
 * reading it holds no more than the float and label arrays and fixed
 * 64 KiB buffers. */
nn_dataset *nn_idx_load_pair (const char *images_path,
                              const char *labels_path,
                              nn_error   *err);

/* The same from memory (uncompressed or gzip bytes), for tests and fuzzing;
 * the names stand for the files in messages. */
nn_dataset *nn_idx_parse_pair (const char          *images_name,
                               const unsigned char *images,
                               size_t               images_len,
                               const char          *labels_name,
                               const unsigned char *labels,
                               size_t               labels_len,
                               nn_error            *err);

/* Reads a folder holding train-images-idx3-ubyte[.gz],
 * train-labels-idx1-ubyte[.gz] and, optionally, the t10k- pair, into one
 * dataset: the training rows first, then the t10k rows, whose count is
 * returned in @n_test (0 without a t10k pair; @n_test may be NULL). A plain
 * file is taken before a .gz of the same name. The two parts must agree in
 * features (NN_ERR_FORMAT); k is the larger of the two. NN_ERR_IO naming
 * what is missing when the training pair, or half of the t10k pair, is not
 * there, or with the system's reason when @dir cannot be read. */
nn_dataset *nn_idx_load_dir (const char *dir,
                             size_t     *n_test,
                             nn_error   *err);

/* "fashion-mnist" or "mnist": the installed folder of that name, read as
 * by nn_idx_load_dir, with k = 10 and the ten class names of the set
 * (Fashion-MNIST: "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
 * "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"; MNIST: "0" … "9"); a
 * label above 9 is NN_ERR_FORMAT. When the folder is absent, NN_ERR_IO
 * with a message that says which Debian package to install
 * (dataset-fashion-mnist, or for MNIST that Debian has none and where to
 * put the files). An unknown name is NN_ERR_INVALID.
 * nn_idx_is_named_set returns false for a name it does not know. */
bool nn_idx_is_named_set (const char *name);
nn_dataset *nn_idx_load_named (const char *name,
                               size_t     *n_test,
                               nn_error   *err);
