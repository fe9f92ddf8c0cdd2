/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "boundary-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "eval-runner.h"
#include "loss.h"
#include "scatter-plot.h"

/* The plane is evaluated at the centres of GRID_COLS × GRID_ROWS cells,
 * MAX_BATCH rows a forward pass. */
#define GRID_COLS 120
#define GRID_ROWS 90
#define GRID_CELLS (GRID_COLS * GRID_ROWS)
#define MAX_BATCH 1024
/* Room around the points, as a share of their span on each side. */
#define MARGIN 0.08
/* Points drawn per part (every n-th row beyond). */
#define MAX_POINTS 4000
/* Opacity of a cell whose class the model gives 1/k (a guess) and 1. */
#define ALPHA_UNSURE 0.15
#define ALPHA_SURE   0.6

/* What one evaluation of the plane needs, owned by its task. */
typedef struct
{
  BpModelSnapshot *snapshot;
  BpData          *data;
  double           x_lo, x_hi, y_lo, y_hi;
} Job;

/* The model's prediction at each cell, row 0 at the top. */
typedef struct
{
  gint32 *classes;  /* [GRID_CELLS] classification */
  float  *alpha;    /* [GRID_CELLS] */
  float  *values;   /* [GRID_CELLS] regression: the first output */
} Plane;

struct _BpBoundaryView
{
  GtkWidget      parent_instance;

  BpData        *data;
  gboolean       plane_ok;     /* the data have two features */
  double         x_lo, x_hi, y_lo, y_hi;

  BpEvalRunner  *runner;

  GtkWidget     *stack;
  GtkWidget     *note;
  BpScatterPlot *plot;
  GtkWidget     *caption;
  char          *caption_text; /* what the caption says while the plane is good */
};

G_DEFINE_FINAL_TYPE (BpBoundaryView, bp_boundary_view, GTK_TYPE_WIDGET)

static void
job_free (Job *job)
{
  bp_model_snapshot_unref (job->snapshot);
  g_clear_object (&job->data);
  g_free (job);
}

static void
plane_free (Plane *plane)
{
  if (plane == NULL)
    return;
  g_free (plane->classes);
  g_free (plane->alpha);
  g_free (plane->values);
  g_free (plane);
}

/* ---- The worker ---------------------------------------------------------- */

/* How sure the model is of class @c of a row of @k_out outputs, as a
 * share from 1/k (no idea) to 1: the softmax probability for
 * cross-entropy; the sigmoid's for one BCE output (k = 2); otherwise the
 * class's share of the outputs squashed into [0, 1] (sigmoids for BCE,
 * clamped values for MSE). */
static double
confidence (nn_loss      loss,
            const float *out,
            gsize        k_out,
            gint32       c)
{
  double sum = 0.0, mine = 0.0;

  if (loss == NN_LOSS_CE)
    {
      float top = out[0];

      for (gsize j = 1; j < k_out; j++)
        top = MAX (top, out[j]);
      for (gsize j = 0; j < k_out; j++)
        sum += exp ((double) out[j] - top);
      return 1.0 / sum;
    }
  if (loss == NN_LOSS_BCE && k_out == 1)
    {
      double p = 1.0 / (1.0 + exp (-(double) out[0]));

      return MAX (p, 1.0 - p);
    }
  for (gsize j = 0; j < k_out; j++)
    {
      double s = loss == NN_LOSS_BCE ? 1.0 / (1.0 + exp (-(double) out[j]))
                                     : CLAMP ((double) out[j], 0.0, 1.0);

      sum += s;
      if ((gint32) j == c)
        mine = s;
    }
  return sum > 0 ? mine / sum : 1.0 / (double) k_out;
}

static void
plane_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr (GError) error = NULL;
  nn_task kind = bp_data_get_task (job->data);
  gsize k = bp_data_get_k (job->data), k_out;
  double dx = (job->x_hi - job->x_lo) / GRID_COLS, dy = (job->y_hi - job->y_lo) / GRID_ROWS;
  double classes_k;
  float *x = NULL;
  Plane *plane;
  nn_model *model;
  nn_loss loss;

  model = bp_model_snapshot_build (job->snapshot, kind, k, 2, MAX_BATCH, &error);
  if (model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  k_out = nn_model_outputs (model);
  loss = nn_model_get_spec (model)->loss;
  classes_k = loss == NN_LOSS_BCE && k_out == 1 ? 2.0 : (double) k_out;
  plane = g_new0 (Plane, 1);
  if (kind == NN_TASK_CLASSIFICATION)
    {
      plane->classes = g_new (gint32, GRID_CELLS);
      plane->alpha = g_new (float, GRID_CELLS);
    }
  else
    plane->values = g_new (float, GRID_CELLS);
  x = g_new (float, 2 * MAX_BATCH);

  for (gsize first = 0; first < GRID_CELLS; first += MAX_BATCH)
    {
      gsize n = MIN ((gsize) GRID_CELLS - first, (gsize) MAX_BATCH);
      const float *out;

      if (g_task_return_error_if_cancelled (task))
        {
          g_free (x);
          plane_free (plane);
          nn_model_free (model);
          return;
        }
      /* Cell centres, so that cairo's bilinear filter, which takes pixel
       * centres as the samples, puts each value where it was computed. */
      for (gsize i = 0; i < n; i++)
        {
          gsize cell = first + i, row = cell / GRID_COLS, col = cell % GRID_COLS;

          x[2 * i] = (float) (job->x_lo + (col + 0.5) * dx);
          x[2 * i + 1] = (float) (job->y_hi - (row + 0.5) * dy);
        }
      out = nn_model_forward (model, x, n, NN_MODE_EVAL, NULL);
      if (plane->classes != NULL)
        {
          nn_loss_predict (out, n, k_out, plane->classes + first);
          for (gsize i = 0; i < n; i++)
            {
              double p = confidence (loss, out + i * k_out, k_out, plane->classes[first + i]);
              double sure = classes_k > 1 ? (p - 1.0 / classes_k) / (1.0 - 1.0 / classes_k) : 1;

              plane->alpha[first + i] = isfinite (sure)
                                        ? (float) (ALPHA_UNSURE + (ALPHA_SURE - ALPHA_UNSURE)
                                                   * CLAMP (sure, 0.0, 1.0))
                                        : 0.0f;
            }
        }
      else
        for (gsize i = 0; i < n; i++)
          plane->values[first + i] = out[i * k_out];
    }
  g_free (x);
  nn_model_free (model);
  g_task_return_pointer (task, plane, (GDestroyNotify) plane_free);
}

/* ---- Running tasks ------------------------------------------------------ */

static gpointer
build_job (GObject         *owner,
           BpModelSnapshot *snapshot)
{
  BpBoundaryView *self = BP_BOUNDARY_VIEW (owner);
  Job *job = g_new0 (Job, 1);

  job->snapshot = snapshot;
  job->data = g_object_ref (self->data);
  job->x_lo = self->x_lo;
  job->x_hi = self->x_hi;
  job->y_lo = self->y_lo;
  job->y_hi = self->y_hi;
  return job;
}

static void
apply_plane (GObject      *owner,
             gpointer      job_data,
             gpointer      result,
             const GError *error)
{
  BpBoundaryView *self = BP_BOUNDARY_VIEW (owner);
  const Job *job = job_data;
  Plane *plane = result;

  if (plane == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not evaluate the model: %s"),
                                                  error->message);

      gtk_label_set_text (GTK_LABEL (self->caption), message);
      return;
    }
  bp_scatter_plot_set_raster (self->plot, GRID_COLS, GRID_ROWS, job->x_lo, job->x_hi, job->y_lo,
                              job->y_hi, plane->classes, plane->alpha, plane->values);
  /* An earlier evaluation may have failed and said so. */
  if (self->caption_text != NULL)
    gtk_label_set_text (GTK_LABEL (self->caption), self->caption_text);
  plane_free (plane);
}

static const BpEvalRunnerFuncs runner_funcs = {
  .name = "[backprop] decision boundary",
  .build = build_job,
  .job_free = (GDestroyNotify) job_free,
  .worker = plane_worker,
  .apply = apply_plane,
};

/* ---- The points ---------------------------------------------------------- */

static void
add_part (BpBoundaryView   *self,
          const nn_dataset *part,
          const char       *name,
          BpScatterStyle    style)
{
  gsize every = MAX ((part->n + MAX_POINTS - 1) / MAX_POINTS, 1), m = 0;
  g_autofree float *x = g_new (float, MIN (part->n, MAX_POINTS) + 1);
  g_autofree float *y = g_new (float, MIN (part->n, MAX_POINTS) + 1);
  g_autofree float *values = NULL;
  g_autofree gint32 *classes = NULL;

  if (part->y != NULL)
    classes = g_new (gint32, MIN (part->n, MAX_POINTS) + 1);
  else if (part->t != NULL)
    values = g_new (float, MIN (part->n, MAX_POINTS) + 1);
  for (gsize i = 0; i < part->n && m < MAX_POINTS; i += every, m++)
    {
      x[m] = part->x[i * part->d];
      y[m] = part->x[i * part->d + 1];
      if (classes != NULL)
        classes[m] = part->y[i];
      if (values != NULL)
        values[m] = part->t[i * part->k];
    }
  bp_scatter_plot_add_points (self->plot, name, x, y, m, classes, values, 0, style);
}

static void
range_of (const nn_dataset *part,
          double           *x_lo,
          double           *x_hi,
          double           *y_lo,
          double           *y_hi)
{
  for (gsize i = 0; i < part->n; i++)
    {
      float x = part->x[i * part->d], y = part->x[i * part->d + 1];

      if (isfinite (x))
        {
          *x_lo = MIN (*x_lo, x);
          *x_hi = MAX (*x_hi, x);
        }
      if (isfinite (y))
        {
          *y_lo = MIN (*y_lo, y);
          *y_hi = MAX (*y_hi, y);
        }
    }
}

static void
show_points (BpBoundaryView *self)
{
  nn_dataset train = bp_data_get_train (self->data);
  nn_dataset test = bp_data_get_test (self->data);
  gboolean classes = bp_data_get_task (self->data) == NN_TASK_CLASSIFICATION;
  g_autofree char *x_name = bp_data_feature_name (&train, 0);
  g_autofree char *y_name = bp_data_feature_name (&train, 1);
  g_autofree char *description = NULL;
  g_autofree char *caption = NULL;

  self->x_lo = self->y_lo = INFINITY;
  self->x_hi = self->y_hi = -INFINITY;
  range_of (&train, &self->x_lo, &self->x_hi, &self->y_lo, &self->y_hi);
  range_of (&test, &self->x_lo, &self->x_hi, &self->y_lo, &self->y_hi);
  bp_pad_range (&self->x_lo, &self->x_hi, MARGIN);
  bp_pad_range (&self->y_lo, &self->y_hi, MARGIN);

  bp_scatter_plot_clear (self->plot);
  bp_scatter_plot_set_bounds (self->plot, self->x_lo, self->x_hi, self->y_lo, self->y_hi);
  bp_plot_set_labels (BP_PLOT (self->plot), x_name, y_name);
  if (classes)
    {
      gsize k = bp_data_get_k (self->data);
      g_autofree const char **names = g_new0 (const char *, k + 1);

      for (gsize i = 0; i < k; i++)
        names[i] = bp_data_get_class_name (self->data, i);
      bp_scatter_plot_set_classes (self->plot, k, names);
      bp_plot_set_title (BP_PLOT (self->plot), _("Decision boundary"));
      caption = g_strdup (_("Each class in its colour, paler where the model is less sure. "
                            "Dots: training rows; rings: test rows."));
    }
  else
    {
      double lo = INFINITY, hi = -INFINITY;
      char lo_text[32], hi_text[32];

      for (gsize i = 0; i < train.n; i++)
        if (isfinite (train.t[i * train.k]))
          {
            lo = MIN (lo, train.t[i * train.k]);
            hi = MAX (hi, train.t[i * train.k]);
          }
      if (!(lo < hi))
        {
          lo = isfinite (lo) ? lo - 0.5 : 0;
          hi = lo + 1;
        }
      bp_scatter_plot_set_classes (self->plot, 0, NULL);
      bp_scatter_plot_set_value_range (self->plot, lo, hi);
      bp_plot_set_title (BP_PLOT (self->plot), _("Predicted value"));
      bp_format_value (lo, 3, lo_text, sizeof lo_text);
      bp_format_value (hi, 3, hi_text, sizeof hi_text);
      caption = g_strdup_printf (_("Blue for low values (%s), orange for high ones (%s). "
                                   "Dots: training rows; rings: test rows."), lo_text, hi_text);
    }
  add_part (self, &train, _("training row"), BP_SCATTER_OUTLINED);
  add_part (self, &test, _("test row"), BP_SCATTER_RING);
  gtk_label_set_text (GTK_LABEL (self->caption), caption);
  g_free (self->caption_text);
  self->caption_text = g_steal_pointer (&caption);

  description = g_strdup_printf (_("The model's %s over the plane of %s and %s, with %"
                                   G_GSIZE_FORMAT " training and %" G_GSIZE_FORMAT
                                   " test points"),
                                 classes ? _("predicted class") : _("predicted value"), x_name,
                                 y_name, train.n, test.n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->plot),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

/* ---- GObject ------------------------------------------------------------ */

static void
bp_boundary_view_dispose (GObject *object)
{
  BpBoundaryView *self = BP_BOUNDARY_VIEW (object);

  bp_eval_runner_stop (self->runner);
  g_clear_object (&self->data);
  self->plane_ok = FALSE;
  g_clear_pointer (&self->stack, gtk_widget_unparent);
  G_OBJECT_CLASS (bp_boundary_view_parent_class)->dispose (object);
}

static void
bp_boundary_view_finalize (GObject *object)
{
  BpBoundaryView *self = BP_BOUNDARY_VIEW (object);

  bp_eval_runner_free (self->runner);
  g_free (self->caption_text);
  G_OBJECT_CLASS (bp_boundary_view_parent_class)->finalize (object);
}

static void
bp_boundary_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BpBoundaryView *self = BP_BOUNDARY_VIEW (object);

  if (!bp_eval_runner_get_property (self->runner, pspec, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bp_boundary_view_class_init (BpBoundaryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_boundary_view_dispose;
  object_class->finalize = bp_boundary_view_finalize;
  object_class->get_property = bp_boundary_view_get_property;
  /* "busy" and "evaluations", its only properties. */
  bp_eval_runner_install_properties (object_class, 1);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "boundaryview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bp_boundary_view_init (BpBoundaryView *self)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->runner = bp_eval_runner_new (G_OBJECT (self), &runner_funcs);

  self->stack = gtk_stack_new ();
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  self->note = gtk_label_new (_("Load data with two features to see the decision boundary"));
  gtk_widget_set_name (self->note, "note");
  gtk_label_set_wrap (GTK_LABEL (self->note), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->note), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->note, "dim-label");
  gtk_widget_set_margin_start (self->note, 24);
  gtk_widget_set_margin_end (self->note, 24);
  gtk_stack_add_named (GTK_STACK (self->stack), self->note, "note");

  self->plot = bp_scatter_plot_new ();
  gtk_widget_set_vexpand (GTK_WIDGET (self->plot), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->plot), TRUE);
  self->caption = gtk_label_new ("");
  gtk_label_set_wrap (GTK_LABEL (self->caption), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->caption), 0);
  gtk_widget_add_css_class (self->caption, "caption");
  gtk_widget_add_css_class (self->caption, "dim-label");
  gtk_widget_set_margin_start (self->caption, 12);
  gtk_widget_set_margin_end (self->caption, 12);
  gtk_widget_set_margin_bottom (self->caption, 8);
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->plot));
  gtk_box_append (GTK_BOX (page), self->caption);
  gtk_stack_add_named (GTK_STACK (self->stack), page, "plane");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "note");

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Decision boundary"), -1);
}

/* ---- Public ------------------------------------------------------------- */

GtkWidget *
bp_boundary_view_new (void)
{
  return g_object_new (BP_TYPE_BOUNDARY_VIEW, NULL);
}

void
bp_boundary_view_set_data (BpBoundaryView *self,
                           BpData         *data)
{
  g_return_if_fail (BP_IS_BOUNDARY_VIEW (self));
  g_return_if_fail (data == NULL || BP_IS_DATA (data));

  if (data == self->data)
    return;
  bp_eval_runner_forget (self->runner);
  g_set_object (&self->data, data);
  self->plane_ok = data != NULL && bp_data_get_features (data) == 2;
  bp_scatter_plot_clear (self->plot);
  if (self->plane_ok)
    {
      show_points (self);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "plane");
    }
  else
    {
      g_autofree char *note = NULL;

      if (data == NULL)
        note = g_strdup (_("Load data with two features to see the decision boundary"));
      else
        note = g_strdup_printf (ngettext ("The decision boundary needs data with two features; "
                                          "these have %" G_GSIZE_FORMAT ".",
                                          "The decision boundary needs data with two features; "
                                          "these have %" G_GSIZE_FORMAT ".",
                                          bp_data_get_features (data)),
                                bp_data_get_features (data));
      gtk_label_set_text (GTK_LABEL (self->note), note);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "note");
    }
}

void
bp_boundary_view_update (BpBoundaryView      *self,
                         const nn_model_spec *spec,
                         const float         *params,
                         gsize                n_params,
                         const float         *buffers,
                         gsize                n_buffers)
{
  g_return_if_fail (BP_IS_BOUNDARY_VIEW (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (params != NULL || n_params == 0);
  g_return_if_fail (buffers != NULL || n_buffers == 0);

  if (!self->plane_ok)
    return;
  bp_eval_runner_submit (self->runner,
                         bp_model_snapshot_new (spec, params, n_params, buffers, n_buffers));
}

void
bp_boundary_view_clear (BpBoundaryView *self)
{
  g_return_if_fail (BP_IS_BOUNDARY_VIEW (self));

  bp_eval_runner_forget (self->runner);
  bp_scatter_plot_set_raster (self->plot, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  if (self->plane_ok)
    show_points (self);
}

gboolean
bp_boundary_view_is_busy (BpBoundaryView *self)
{
  g_return_val_if_fail (BP_IS_BOUNDARY_VIEW (self), FALSE);

  return bp_eval_runner_is_busy (self->runner);
}
