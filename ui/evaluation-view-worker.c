/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The evaluation view's worker: a model of its own, built from a copy of
 * the weights, run over the part of the data in batches, keeping each
 * row's prediction beside the metrics. */
#include "evaluation-view-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "loss.h"

/* Rows per forward pass. */
#define MAX_BATCH 1024

void
bp_evaluation_job_free (BpEvaluationJob *job)
{
  bp_model_snapshot_unref (job->snapshot);
  g_clear_object (&job->data);
  g_free (job);
}

void
bp_evaluation_result_free (BpEvaluationResult *result)
{
  if (result == NULL)
    return;
  nn_class_metrics_free (result->cm);
  nn_regression_metrics_free (result->rm);
  g_free (result->pred);
  g_free (result->out);
  g_clear_object (&result->data);
  g_free (result);
}

nn_dataset
bp_evaluation_pick_part (BpData      *data,
                         const char **name)
{
  nn_dataset part = bp_data_get_test (data);

  *name = N_("test");
  if (part.n == 0)
    {
      part = bp_data_get_val (data);
      *name = N_("validation");
    }
  if (part.n == 0)
    {
      part = bp_data_get_train (data);
      *name = N_("training");
    }
  return part;
}

void
bp_evaluation_worker (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  BpEvaluationJob *job = task_data;
  g_autoptr (GError) error = NULL;
  BpEvaluationResult *result = g_new0 (BpEvaluationResult, 1);
  nn_task kind = bp_data_get_task (job->data);
  gsize k = bp_data_get_k (job->data), outputs, n;
  nn_loss loss;
  nn_model *model;
  nn_error err = { 0 };
  double total = 0.0;

  result->data = g_object_ref (job->data);
  result->part = bp_evaluation_pick_part (job->data, &result->part_name);
  n = result->part.n;
  model = bp_model_snapshot_build (job->snapshot, kind, k, result->part.d,
                                   MIN (MAX_BATCH, MAX (n, 1)), &error);
  if (model == NULL)
    {
      bp_evaluation_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  outputs = nn_model_outputs (model);
  loss = nn_model_get_spec (model)->loss;
  if (kind == NN_TASK_CLASSIFICATION)
    {
      result->cm = nn_class_metrics_new (k, &err);
      result->pred = g_try_new (gint32, MAX (n, 1));
    }
  else
    {
      result->rm = nn_regression_metrics_new (k, &err);
      result->out = g_try_new (float, MAX (n * k, 1));
    }
  if ((result->cm == NULL && result->rm == NULL) || (result->pred == NULL && result->out == NULL))
    {
      nn_model_free (model);
      bp_evaluation_result_free (result);
      g_task_return_new_error (task, BP_MODEL_SNAPSHOT_ERROR, NN_ERR_NOMEM,
                               _("Out of memory for the predictions"));
      return;
    }

  /* As nn_evaluate does it, keeping each row's prediction as well. */
  for (gsize first = 0; first < n; first += MAX_BATCH)
    {
      gsize m = MIN (n - first, (gsize) MAX_BATCH);
      const float *out;
      const gint32 *y = result->part.y != NULL ? result->part.y + first : NULL;
      const float *t = result->part.t != NULL ? result->part.t + first * k : NULL;

      if (g_task_return_error_if_cancelled (task))
        {
          nn_model_free (model);
          bp_evaluation_result_free (result);
          return;
        }
      out = nn_model_forward (model, result->part.x + first * result->part.d, m, NN_MODE_EVAL,
                              NULL);
      total = nn_loss_accumulate (loss, out, m, outputs, y, t,
                                  result->pred != NULL ? result->pred + first : NULL, total);
      if (result->cm != NULL && y != NULL)
        nn_class_metrics_add (result->cm, y, result->pred + first, m);
      if (result->rm != NULL && t != NULL)
        {
          nn_regression_metrics_add (result->rm, out, t, m);
          memcpy (result->out + first * k, out, m * k * sizeof *out);
        }
    }
  nn_model_free (model);
  result->loss = n > 0 ? total / ((double) n * (loss == NN_LOSS_CE ? 1.0 : (double) outputs))
                 : 0.0;
  if (result->cm != NULL)
    nn_class_metrics_finish (result->cm);
  if (result->rm != NULL)
    nn_regression_metrics_finish (result->rm);
  g_task_return_pointer (task, result, (GDestroyNotify) bp_evaluation_result_free);
}
