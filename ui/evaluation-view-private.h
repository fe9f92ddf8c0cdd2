/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "data.h"
#include "metrics.h"
#include "model-snapshot.h"

G_BEGIN_DECLS

/* The evaluation view's work off the main thread (evaluation-view-worker.c). */

/* What one evaluation needs, owned by its task: the worker never sees the
 * widget. */
typedef struct
{
  BpModelSnapshot *snapshot;
  BpData          *data;
} BpEvaluationJob;

/* What it gives back. */
typedef struct
{
  BpData                *data;       /* kept: @part's arrays are its */
  nn_dataset             part;       /* the rows evaluated */
  const char            *part_name;  /* "test", "validation" or "training" (untranslated) */
  double                 loss;       /* as nn_evaluate gives it */
  nn_class_metrics      *cm;         /* classification, finished */
  gint32                *pred;       /* [n] predicted classes */
  nn_regression_metrics *rm;         /* regression, finished */
  float                 *out;        /* [n × k] predicted values */
} BpEvaluationResult;

void bp_evaluation_job_free (BpEvaluationJob *job);
void bp_evaluation_result_free (BpEvaluationResult *result);

/* The part evaluated: the test part, else the validation part, else the
 * training part; @name gets its name. */
nn_dataset bp_evaluation_pick_part (BpData      *data,
                                    const char **name);

/* The GTask thread function: evaluates the BpEvaluationJob task data and
 * returns a BpEvaluationResult, or the error of a spec or weights that do
 * not fit the data, or G_IO_ERROR_CANCELLED. */
void bp_evaluation_worker (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable);

G_END_DECLS
