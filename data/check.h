/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dataset.h"
#include "loss.h"
#include "split.h"

/* Checks of a data set before training: what the window shows in its data
 * panel and `backprop check-data` prints.
 *
 * Numbering: a finding's examples are 0-based (rows, features or classes,
 * as the kind says). Its message is for people and counts as they do: rows
 * and features from 1 (as nn_dataset_split's and the scaler's messages, and
 * a file's lines, do), a feature by its name when it has one, a class by its
 * name or else its id (ids are labels, not positions). Rows are numbered as
 * @ds holds them when checked; after nn_dataset_split that is the shuffled
 * order. Names in messages are cut to 32 bytes. */
typedef enum
{
  NN_SEVERITY_INFO,
  NN_SEVERITY_WARNING,
  NN_SEVERITY_ERROR,   /* training on this would fail or mean nothing */
  NN_SEVERITY_COUNT
} nn_severity;

/* Each kind, its severity, and what its count and examples are. The column
 * statistics (constant, scale) are over the training rows whose values are
 * all finite; rows are compared bit for bit (so −0 and 0 differ). */
typedef enum
{
  NN_CHECK_NONFINITE,        /* error: rows with a NaN or ±Inf in their features or regression
                              * targets. Rows. */
  NN_CHECK_CONSTANT_COLUMN,  /* warning: features with one value in every training row (judged
                              * from 2 training rows up); error when every feature is, since
                              * the model can then learn nothing but the class shares. Features. */
  NN_CHECK_DUPLICATE_ROWS,   /* info (warning above 10 % of all rows): rows identical to an
                              * earlier row, features and label; the first copy is not counted.
                              * Rows. */
  NN_CHECK_SHARED_ROWS,      /* warning: validation or test rows whose features equal those of a
                              * training row (a leak, label aside); info when under 1 % of the
                              * validation and test rows, which can lift their accuracy by less
                              * than a percentage point. Rows (of those parts). */
  NN_CHECK_IMBALANCE,        /* warning when the largest/smallest training class ratio ≥ 3, info
                              * ≥ 1.5, counting the classes the largest outnumbers by that
                              * factor; error when classes have no training rows, counting
                              * those. Class ids outside [0, k) are left to LABELS. Classes. */
  NN_CHECK_LABELS,           /* error: labels that do not fit the loss or the output size: class
                              * ids outside [0, k) (rows); bce with regression targets outside
                              * [0, 1] (rows; targets inside it are soft labels, which torch's
                              * BCEWithLogitsLoss takes); bce on 1 output with more than 2
                              * classes; and whatever nn_loss_check refuses for the outputs —
                              * ce on regression targets, fewer than 2 classes, a wrong output
                              * size (when outputs is 0, for the size the loss would want, so
                              * only the loss is judged). Count 0 for those about settings. */
  NN_CHECK_SCALE,            /* warning while unscaled: features whose std and range are both
                              * ≥ 10³ times smaller than those of the widest feature (by std).
                              * Std alone would flag images: unscaled Fashion-MNIST pixels have
                              * stds from 0.0004 (a border pixel dark in all but a few images)
                              * to 0.41, a ratio of 1.06·10³, over ranges within 16× of each
                              * other, and standardising would blow those rare values up some
                              * 2500-fold. Pixels of one image format differ in range by at
                              * most 255×; dollars beside years differ by ≥ 10³ in both.
                              * Features. */
  NN_CHECK_TOO_FEW_ROWS,     /* warning: fewer training rows than parameters / 10 (params
                              * known); error when the training part is empty. Count: the
                              * training rows. */
  NN_CHECK_COUNT
} nn_check_kind;

#define NN_CHECK_MAX_EXAMPLES 5

typedef struct
{
  nn_check_kind kind;
  nn_severity   severity;
  size_t        count;                            /* rows, features or classes concerned (see
                                                   * the kind); 0 for a finding about settings */
  size_t        n_examples;
  size_t        examples[NN_CHECK_MAX_EXAMPLES];  /* the first of them: 0-based row, feature or
                                                   * class numbers, ascending */
  char          message[256];                     /* what was found, with the numbers (UTF-8) */
  char          advice[256];                      /* what to do about it */
} nn_check_finding;

typedef struct
{
  nn_loss   loss;
  size_t    outputs;     /* output units of the model (0: not known) */
  size_t    params;      /* trainable parameters (0: not known) */
  bool      scaled;      /* a scaler will be applied (no scale finding then) */
} nn_check_params;

/* "info", "warning", "error" ("unknown" for anything else). */
const char *nn_severity_name (nn_severity severity);

/* "nonfinite", "constant-column", "duplicate-rows", "shared-rows",
 * "imbalance", "labels", "scale", "too-few-rows" ("unknown" for anything
 * else): the names `check-data --json` and the window use. */
const char *nn_check_kind_name (nn_check_kind kind);

/* Runs every check on @ds whose rows are ordered by @split (training,
 * validation, test; NULL: all training) and writes up to @max findings to
 * @out (NULL when @max is 0), most severe first, then by kind, then in the
 * order found; returns how many there are in all. @params NULL: ce for
 * classification or mse for regression, outputs and parameters unknown,
 * unscaled. Rows are hashed (XXH64) into an open-addressing table to find
 * duplicates and confirmed with memcmp, so the cost is linear in the data —
 * two passes over the training features, one over the rest — and the extra
 * memory at most 25 bytes a row plus 24 a feature. NN_ERR_NOMEM is the only
 * failure (returned as SIZE_MAX with @err set). */
size_t nn_dataset_check (const nn_dataset       *ds,
                         const nn_split         *split,
                         const nn_check_params  *params,
                         nn_check_finding       *out,
                         size_t                  max,
                         nn_error               *err);
