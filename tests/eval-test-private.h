/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the tests of the views that evaluate a model on a worker
 * thread, the Boundary and Evaluation tabs: data, models trained on them,
 * and driving a view until its evaluation is done. */
#pragma once

#include "boundary-view.h"
#include "evaluate.h"
#include "evaluation-view.h"
#include "trainer.h"
#include "ui-test-private.h"

/* Long enough for an evaluation under the sanitizers on a slow machine. */
#define BP_TEST_WAIT_SECONDS 60

/* The data of @spec (a built-in set's name or a folder, as the command
 * line takes it), loaded as the window loads them. Caller unrefs. */
static inline BpData *
bp_test_load (const char *spec)
{
  nn_data_source src;
  nn_error err = { 0 };
  g_autoptr (GError) error = NULL;
  BpData *data;

  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, spec, &err), ==, NN_OK);
  data = bp_data_load (&src, &error);
  g_assert_no_error (error);
  return data;
}

/* A model of @layers for @data, trained @epochs epochs (Adam, batches of
 * 32) on its training part; 0 epochs leaves the seeded initial weights.
 * Fills in @spec. Caller frees with nn_model_free. */
static inline nn_model *
bp_test_train (BpData        *data,
               const char    *layers,
               int            epochs,
               nn_model_spec *spec)
{
  nn_dataset part = bp_data_get_train (data);
  nn_trainer_params params = nn_trainer_params_default ();
  nn_error err = { 0 };
  nn_trainer *trainer;
  nn_model *model;

  nn_model_spec_init (spec);
  spec->inputs = bp_data_get_features (data);
  spec->loss = bp_data_get_task (data) == NN_TASK_REGRESSION ? NN_LOSS_MSE : NN_LOSS_CE;
  g_assert_cmpint (nn_model_spec_parse_layers (spec, layers, &err), ==, NN_OK);
  model = nn_model_new (spec, 1024, &err);
  g_assert_nonnull (model);
  nn_model_init_params (model, 1);
  if (epochs == 0)
    return model;
  params.epochs = epochs;
  params.batch = 32;
  params.opt.lr = 0.01;
  params.stats = false;
  trainer = nn_trainer_new (model, &params, &part, NULL, &err);
  g_assert_nonnull (trainer);
  nn_trainer_run (trainer);
  nn_trainer_free (trainer);
  return model;
}

/* nn_evaluate's figures for @model on the test part of @data, the
 * reference a view's must match. Caller frees with nn_class_metrics_free. */
static inline nn_class_metrics *
bp_test_reference_classes (BpData   *data,
                           nn_model *model,
                           double   *loss)
{
  nn_dataset test = bp_data_get_test (data);
  nn_error err = { 0 };
  nn_class_metrics *cm = nn_class_metrics_new (bp_data_get_k (data), &err);

  g_assert_nonnull (cm);
  g_assert_cmpint (nn_evaluate (model, &test, loss, cm, NULL, &err), ==, NN_OK);
  nn_class_metrics_finish (cm);
  return cm;
}

/* The evaluations @view, either view, has started. */
static inline guint
bp_test_evaluations (GtkWidget *view)
{
  guint n;

  g_object_get (view, "evaluations", &n, NULL);
  return n;
}

/* Sends @model's weights to @view, a BpBoundaryView or a BpEvaluationView. */
static inline void
bp_test_update (GtkWidget           *view,
                const nn_model_spec *spec,
                nn_model            *model)
{
  const float *params = nn_model_params (model), *buffers = nn_model_buffers (model);
  gsize n_params = nn_model_n_params (model), n_buffers = nn_model_n_buffers (model);

  if (BP_IS_BOUNDARY_VIEW (view))
    bp_boundary_view_update (BP_BOUNDARY_VIEW (view), spec, params, n_params, buffers, n_buffers);
  else
    bp_evaluation_view_update (BP_EVALUATION_VIEW (view), spec, params, n_params, buffers,
                               n_buffers);
}

/* The is_busy of @view, a BpBoundaryView or a BpEvaluationView. */
static inline gboolean
bp_test_is_busy (GtkWidget *view)
{
  if (BP_IS_BOUNDARY_VIEW (view))
    return bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view));
  return bp_evaluation_view_is_busy (BP_EVALUATION_VIEW (view));
}

/* Runs the main loop until @view is no longer busy, failing after
 * BP_TEST_WAIT_SECONDS, then a little longer for its widgets to settle. */
static inline void
bp_test_wait_idle (GtkWidget *view)
{
  gint64 end = g_get_monotonic_time () + BP_TEST_WAIT_SECONDS * G_USEC_PER_SEC;

  while (bp_test_is_busy (view) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (bp_test_is_busy (view));
  bp_test_spin (20);
}

/* Sends @view nine updates of @stale and then one of @newest, back to
 * back, and waits for it: one evaluation runs at a time and only the
 * newest update waits, so one or two run in all, the last the newest. */
static inline void
bp_test_coalesce (GtkWidget           *view,
                  const nn_model_spec *spec,
                  nn_model            *stale,
                  nn_model            *newest)
{
  guint before = bp_test_evaluations (view);

  for (int i = 0; i < 9; i++)
    bp_test_update (view, spec, stale);
  bp_test_update (view, spec, newest);
  bp_test_wait_idle (view);
  g_assert_cmpuint (bp_test_evaluations (view) - before, <=, 2);
  g_assert_cmpuint (bp_test_evaluations (view) - before, >=, 1);
}

/* Updates @view twice, so that one evaluation runs and one waits, then
 * destroys @window, which shows @view, and frees @model (taken): the task
 * must finish on its own copies and its callback, run in the main loop
 * after this, find the view gone. */
static inline void
bp_test_destroy_busy (GtkWidget           *window,
                      GtkWidget           *view,
                      const nn_model_spec *spec,
                      nn_model            *model)
{
  bp_test_update (view, spec, model);
  bp_test_update (view, spec, model);
  g_assert_true (bp_test_is_busy (view));
  gtk_window_destroy (GTK_WINDOW (window));
  nn_model_free (model);
  bp_test_spin (300);
}

/* Shows @view in an undecorated window of @width × @height and waits for
 * it to take the width. Caller destroys the window. */
static inline GtkWidget *
bp_test_present (GtkWidget *view,
                 int        width,
                 int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < 300 && gtk_widget_get_width (view) != width; i++)
    bp_test_spin (10);
  g_assert_cmpint (gtk_widget_get_width (view), ==, width);
  return window;
}

/* The name of the page @view's stack shows. */
static inline const char *
bp_test_visible_page (GtkWidget *view)
{
  GtkWidget *stack = bp_test_find_type (view, GTK_TYPE_STACK);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}
