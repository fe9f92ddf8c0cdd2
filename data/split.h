/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"

typedef struct
{
  double   val_fraction;   /* [0, 1) */
  double   test_fraction;  /* [0, 1); val + test < 1 */
  uint64_t seed;
  bool     stratify;       /* classification: keep class proportions in every part */
  size_t   fixed_test;     /* > 0: the last fixed_test rows are the test part as given (an IDX
                            * t10k set); only the rows before them are split, into training
                            * and validation, and test_fraction is ignored */
} nn_split_params;

/* Row counts of the three parts after nn_dataset_split: training rows are
 * [0, train), validation [train, train + val), test the rest. */
typedef struct
{
  size_t train;
  size_t val;
  size_t test;
} nn_split;

/* Validation 0.2, test 0.2, seed 1, stratified. */
nn_split_params nn_split_params_default (void);

/* Shuffles the rows of the owned @ds (seeded) and orders them as training,
 * validation, test. With stratify, each class c of n_c rows gives
 * round(n_c · test) rows to test and round(n_c · val) to validation; without,
 * the same rounding applies to n. When the two rounded parts would take every
 * row of a class (or of n), the larger gives one back, so each class keeps a
 * training row. A fraction > 0 then gives its part at least one row when some
 * class has a training row to spare. NN_ERR_INVALID for a bad fraction, an
 * empty set, or (stratified) a class id outside [0, k). @out may be NULL. */
nn_status nn_dataset_split (nn_dataset            *ds,
                            const nn_split_params *params,
                            nn_split              *out,
                            nn_error              *err);
