/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"

/* The built-in data sets: five 2-D classification problems and two
 * regression problems, generated from a seed. */
typedef enum
{
  NN_GEN_SPIRAL,     /* k interleaved spiral arms, 2 features */
  NN_GEN_MOONS,      /* two interleaving half circles, 2 features */
  NN_GEN_CIRCLES,    /* a small circle inside a large one, 2 features */
  NN_GEN_XOR,        /* quadrants labelled by the sign of x·y, 2 features */
  NN_GEN_GAUSSIANS,  /* k Gaussian blobs on a circle, 2 features */
  NN_GEN_SINE,       /* regression: y = sin(x) + noise, 1 feature */
  NN_GEN_PLANE,      /* regression: y = x₁ − 2·x₂ + noise, 2 features */
  NN_GEN_COUNT
} nn_generator;

typedef struct
{
  nn_generator kind;
  size_t       samples;  /* rows in all, ≥ 1 per class */
  double       noise;    /* standard deviation of the added Gaussian noise, ≥ 0 */
  size_t       classes;  /* spiral and gaussians only (2 … 64); the others have 2 or are regression */
  uint64_t     seed;
} nn_generate_params;

/* The name used on the command line and in project files ("spiral", …). */
const char *nn_generator_name (nn_generator kind);

/* Looks up @name; returns false when it is not a built-in set. */
bool nn_generator_from_name (const char   *name,
                             nn_generator *kind);

/* Classification or regression. */
nn_task nn_generator_task (nn_generator kind);

/* Defaults for @kind: 1000 samples (600 for the regression sets), a noise
 * level at which a small network can reach ≥ 95 % test accuracy, 3 classes
 * for spiral and gaussians, seed 1. */
nn_generate_params nn_generate_params_default (nn_generator kind);

/* Generates a data set; rows come grouped by class (split shuffles them),
 * class j of k getting ⌊(j+1)·n/k⌋ − ⌊j·n/k⌋ of the n rows. Class names are
 * "0", "1", …; feature names "x1", "x2" ("x" for sine). The same seed gives
 * the same bytes. Returns NULL with NN_ERR_INVALID for out-of-range
 * parameters (samples outside [classes, 10 000 000], noise outside [0, 100],
 * classes outside [2, 64]). Caller frees. */
nn_dataset *nn_generate (const nn_generate_params *params,
                         nn_error                 *err);
