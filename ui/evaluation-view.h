/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "data.h"
#include "spec.h"

G_BEGIN_DECLS

/* The Evaluation tab: how the model does on the test part (or, without
 * one, the validation part) of the data. For classification, the
 * confusion matrix as a heatmap with the counts in its cells, per-class
 * precision, recall and F1 with their macro averages, and the accuracy;
 * for image data, clicking a cell shows the examples of that cell (true
 * class, predicted class) as thumbnails, the misclassified ones when the
 * cell is off the diagonal. For regression, predicted against actual and
 * the residuals, with MSE, MAE and R². It evaluates on a worker thread
 * (GTask), on a copy of the weights, so it can follow a run live; while
 * one evaluation runs, further updates keep only the newest. Results of an
 * evaluation started before set_data or clear are dropped; disposing lets
 * a running evaluation finish on its own copy and drops its result.
 *
 * The heatmap is a BpConfusionMatrix; the regression plots are
 * BpScatterPlots. Read-only properties, with notify: "busy" (as
 * bp_evaluation_view_is_busy) and "evaluations" (evaluations started so
 * far, for tests). Without results it shows a dim note ("Train the model
 * to see how it does on the test part"), or why an evaluation failed. */
#define BP_TYPE_EVALUATION_VIEW (bp_evaluation_view_get_type ())
G_DECLARE_FINAL_TYPE (BpEvaluationView, bp_evaluation_view, BP, EVALUATION_VIEW, GtkWidget)

GtkWidget *bp_evaluation_view_new (void);

/* The data to evaluate on (kept); NULL clears the view. */
void bp_evaluation_view_set_data (BpEvaluationView *self,
                                  BpData           *data);

/* Evaluates a model of @spec with these weights (copied; n_params and
 * n_buffers as nn_model_new (spec) gives) and shows the result when done.
 * Cheap to call often (at each epoch's end, and when a run pauses or
 * ends): it copies the weights and returns; one evaluation runs at a
 * time, the newest update waiting. Without data it does nothing. */
void bp_evaluation_view_update (BpEvaluationView    *self,
                                const nn_model_spec *spec,
                                const float         *params,
                                gsize                n_params,
                                const float         *buffers,
                                gsize                n_buffers);

/* Forgets the results (a new model). */
void bp_evaluation_view_clear (BpEvaluationView *self);

/* Whether an evaluation is under way (for tests). */
gboolean bp_evaluation_view_is_busy (BpEvaluationView *self);

G_END_DECLS
