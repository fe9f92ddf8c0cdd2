/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "evaluate.h"

#include <stdlib.h>

nn_status
nn_evaluate (nn_model              *model,
             const nn_dataset      *ds,
             double                *loss,
             nn_class_metrics      *cm,
             nn_regression_metrics *rm,
             nn_error              *err)
{
  const nn_model_spec *spec = nn_model_get_spec (model);
  size_t chunk = nn_model_max_batch (model), k = nn_model_outputs (model);
  int32_t *pred = NULL;
  double total = 0.0;

  if (ds->d != nn_model_inputs (model))
    return nn_error_set (err, NN_ERR_INVALID, "the data have %zu features but the model "
                         "takes %zu", ds->d, nn_model_inputs (model));
  if (ds->y != NULL && (pred = malloc (chunk * sizeof *pred)) == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "out of memory for predictions");
  for (size_t first = 0; first < ds->n; first += chunk)
    {
      size_t n = ds->n - first < chunk ? ds->n - first : chunk;
      const float *out = nn_model_forward (model, ds->x + first * ds->d, n, NN_MODE_EVAL, NULL);
      const int32_t *y = ds->y != NULL ? ds->y + first : NULL;
      const float *t = ds->t != NULL ? ds->t + first * k : NULL;

      total = nn_loss_accumulate (spec->loss, out, n, k, y, t, pred, total);
      if (cm != NULL && y != NULL)
        nn_class_metrics_add (cm, y, pred, n);
      if (rm != NULL && t != NULL)
        nn_regression_metrics_add (rm, out, t, n);
    }
  free (pred);
  /* The mean as the loss defines it: over rows (CE) or all outputs. */
  *loss = ds->n > 0 ? total / ((double) ds->n * (spec->loss == NN_LOSS_CE ? 1.0 : (double) k))
          : 0.0;
  return NN_OK;
}
