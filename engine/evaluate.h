/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dataset.h"
#include "error.h"
#include "metrics.h"
#include "model.h"

/* Runs every row of @ds through @model in evaluation mode, in batches of the
 * model's max_batch, and returns the mean loss (as the model's loss defines
 * it) in @loss. Accumulates predictions into @cm (classification) or @rm
 * (regression) when given; the caller resets and finishes them. NN_ERR_NOMEM
 * if the scratch for predictions cannot be had. */
nn_status nn_evaluate (nn_model              *model,
                       const nn_dataset      *ds,
                       double                *loss,
                       nn_class_metrics      *cm,
                       nn_regression_metrics *rm,
                       nn_error              *err);
