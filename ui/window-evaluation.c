/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's Boundary and Evaluation tabs: they evaluate copies of the
 * weights on threads of their own, so the window only says when there are
 * new weights worth showing. While a run goes on that is twice a second
 * at most, and only for the tab in view (an evaluation of a 10 000-row
 * test part takes cores from the training); when a run pauses or ends,
 * and when a tab comes into view, it is at once. Each tab is sent a step's
 * weights once. */
#include "window-private.h"

/* While training, the newest weights go to the tab in view at most this
 * often: the session snapshots them every 200 ms, and an evaluation of a
 * large test part takes about that long. */
#define EVAL_EVERY_US 500000

static gboolean
shown (BpWindow   *self,
       const char *page)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->plot_stack), page) == 0;
}

void
bp_window_evaluation_refresh (BpWindow *self,
                              gboolean  now)
{
  nn_model *model = bp_session_get_model (self->session);
  gboolean boundary = shown (self, "boundary"), evaluation = shown (self, "evaluation");
  gint64 time = g_get_monotonic_time ();
  const nn_model_spec *spec;
  guint64 step;

  if (model == NULL || self->eval_params == NULL || !(boundary || evaluation))
    return;
  if (!now && time - self->eval_sent < EVAL_EVERY_US)
    return;
  self->eval_sent = time;
  step = bp_session_copy_weights (self->session, self->eval_params, self->eval_buffers);
  spec = bp_session_get_spec (self->session);
  if (boundary && step != self->boundary_step)
    bp_boundary_view_update (self->boundary_view, spec, self->eval_params,
                             nn_model_n_params (model), self->eval_buffers,
                             nn_model_n_buffers (model));
  if (evaluation && step != self->evaluation_step)
    bp_evaluation_view_update (self->evaluation_view, spec, self->eval_params,
                               nn_model_n_params (model), self->eval_buffers,
                               nn_model_n_buffers (model));
  if (boundary)
    self->boundary_step = step;
  if (evaluation)
    self->evaluation_step = step;
}

void
bp_window_evaluation_set_data (BpWindow *self,
                               BpData   *data)
{
  bp_boundary_view_set_data (self->boundary_view, data);
  bp_evaluation_view_set_data (self->evaluation_view, data);
}

void
bp_window_evaluation_reset (BpWindow *self)
{
  nn_model *model = bp_session_get_model (self->session);

  bp_boundary_view_clear (self->boundary_view);
  bp_evaluation_view_clear (self->evaluation_view);
  g_clear_pointer (&self->eval_params, g_free);
  g_clear_pointer (&self->eval_buffers, g_free);
  self->boundary_step = self->evaluation_step = 0;
  self->eval_sent = 0;
  if (model == NULL)
    return;
  self->eval_params = g_new (float, nn_model_n_params (model) + 1);
  self->eval_buffers = g_new (float, nn_model_n_buffers (model) + 1);
  /* A fresh model is worth seeing too: where it starts. */
  bp_window_evaluation_refresh (self, TRUE);
}

void
bp_window_evaluation_free (BpWindow *self)
{
  g_clear_pointer (&self->eval_params, g_free);
  g_clear_pointer (&self->eval_buffers, g_free);
}

static void
page_changed_cb (BpWindow *self)
{
  bp_window_evaluation_refresh (self, TRUE);
}

void
bp_window_evaluation_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (BP_TYPE_BOUNDARY_VIEW);
  g_type_ensure (BP_TYPE_EVALUATION_VIEW);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, boundary_view);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, evaluation_view);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
}
