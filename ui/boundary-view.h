/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "data.h"
#include "spec.h"

G_BEGIN_DECLS

/* The decision boundary, as TensorFlow Playground draws it: for data of
 * two features, the model's prediction over the input plane — each class
 * in its colour, paler where the model is less sure; for regression, the
 * predicted value as a diverging colour map — with the training points
 * (filled) and the test points (outlined) on top, in the plane of the
 * scaled features. Other data show a short note instead. The plane is
 * evaluated on a worker thread on a copy of the weights, so it follows a
 * run live.
 *
 * The plane is a grid of 120 × 90 cells over the points' range plus 8 %
 * on each side, evaluated at the cells' centres in one pass of 10 800 rows
 * (in batches of 1024) and drawn as one image, smoothed, in a
 * BpScatterPlot: a class's colour at an opacity from 0.15 (the model's
 * confidence — softmax, or sigmoid for one BCE output — at 1/k) to 0.6
 * (certain); for regression the first output as blue (low) through
 * nothing to orange (high) over the training targets' range. As with the
 * evaluation view, one evaluation runs at a time with only the newest
 * update waiting, results started before set_data or clear are dropped,
 * and dispose leaves a running one to finish on its own copy. Read-only
 * properties with notify: "busy" and "evaluations" (started, for tests). */
#define BP_TYPE_BOUNDARY_VIEW (bp_boundary_view_get_type ())
G_DECLARE_FINAL_TYPE (BpBoundaryView, bp_boundary_view, BP, BOUNDARY_VIEW, GtkWidget)

GtkWidget *bp_boundary_view_new (void);

/* The data whose points are drawn and whose plane is evaluated (kept);
 * NULL: none. */
void bp_boundary_view_set_data (BpBoundaryView *self,
                                BpData         *data);

/* Evaluates the plane for a model of @spec with these weights (copied);
 * cheap to call often, e.g. a few times a second during a run. Does
 * nothing without data of two features. */
void bp_boundary_view_update (BpBoundaryView      *self,
                              const nn_model_spec *spec,
                              const float         *params,
                              gsize                n_params,
                              const float         *buffers,
                              gsize                n_buffers);

/* Forgets the plane (a new model); the points stay. */
void bp_boundary_view_clear (BpBoundaryView *self);

/* Whether an evaluation is under way or waiting (for tests). */
gboolean bp_boundary_view_is_busy (BpBoundaryView *self);

G_END_DECLS
