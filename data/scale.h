/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dataset.h"

typedef enum
{
  NN_SCALE_NONE,
  NN_SCALE_STANDARD,  /* (x − mean) / std, population std as scikit-learn's StandardScaler */
  NN_SCALE_MINMAX,    /* (x − min) / (max − min), into [0, 1] */
  NN_SCALE_COUNT
} nn_scale_kind;

/* Per-feature affine scaling x' = (x − offset[j]) · factor[j], fitted on the
 * training part only and applied to every part. A constant column gets
 * factor 1. */
typedef struct
{
  nn_scale_kind kind;
  size_t        d;
  float        *offset;  /* [d] */
  float        *factor;  /* [d] */
} nn_scaler;

const char *nn_scale_kind_name (nn_scale_kind kind);
bool nn_scale_kind_from_name (const char    *name,
                              nn_scale_kind *kind);

/* Fits a scaler of @kind on the rows of @train (sums in double). NONE gives
 * offset 0 and factor 1. NN_ERR_INVALID for an empty @train or a non-finite
 * feature value (except with NONE). Caller frees. */
nn_scaler *nn_scaler_fit (nn_scale_kind     kind,
                          const nn_dataset *train,
                          nn_error         *err);

/* A scaler from stored statistics (a project file); copies both arrays.
 * NN_ERR_INVALID unless d ≥ 1, every offset is finite and every factor
 * finite and non-zero. */
nn_scaler *nn_scaler_new_from (nn_scale_kind kind,
                               size_t        d,
                               const float  *offset,
                               const float  *factor,
                               nn_error     *err);

/* Scales the features of every row of @ds in place; @ds->d must equal d. */
void nn_scaler_apply (const nn_scaler *scaler,
                      nn_dataset      *ds);

void nn_scaler_free (nn_scaler *scaler);
