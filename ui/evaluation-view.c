/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "evaluation-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "confusion-matrix.h"
#include "eval-runner.h"
#include "evaluation-view-private.h"
#include "scatter-plot.h"
#include "thumbnail-grid.h"

/* Thumbnails shown for a cell at most. */
#define MAX_THUMBNAILS 48
/* Smallest side of a square feature count taken for images (as the data
 * preview has it). */
#define MIN_IMAGE_SIDE 8
/* Points drawn per regression plot (every n-th row beyond). */
#define MAX_POINTS 5000

struct _BpEvaluationView
{
  GtkWidget           parent_instance;

  BpData             *data;
  BpEvaluationResult *result;

  BpEvalRunner       *runner;

  GtkWidget          *stack;
  GtkWidget          *empty_label;

  /* Classification. */
  GtkWidget          *matrix;
  GtkWidget          *matrix_caption;
  GtkWidget          *accuracy_label;
  GtkWidget          *accuracy_caption;
  GtkWidget          *loss_label;
  GtkWidget          *table;
  gsize               table_k;
  GtkWidget          *examples;        /* the selected cell's section */
  GtkWidget          *examples_title;
  GtkWidget          *thumbnails;      /* BpThumbnailGrid */
  guint               image_side;      /* 0: not image data */

  /* Regression. */
  GtkWidget          *mse_label;
  GtkWidget          *mae_label;
  GtkWidget          *r2_label;
  GtkWidget          *regression_caption;
  BpScatterPlot      *fit_plot;
  BpScatterPlot      *residual_plot;
};

G_DEFINE_FINAL_TYPE (BpEvaluationView, bp_evaluation_view, GTK_TYPE_WIDGET)

enum
{
  TABLE_CLASS,
  TABLE_PRECISION,
  TABLE_RECALL,
  TABLE_F1,
  TABLE_SUPPORT,
  TABLE_COLUMNS
};

static guint
image_side (gsize d)
{
  guint side = (guint) lround (sqrt ((double) d));

  return side >= MIN_IMAGE_SIDE && (gsize) side * side == d ? side : 0;
}

static char *
class_name (BpData *data,
            gsize   i)
{
  const char *name = bp_data_get_class_name (data, i);

  return name != NULL ? g_strdup (name) : g_strdup_printf ("%" G_GSIZE_FORMAT, i);
}

/* ---- Showing results ---------------------------------------------------- */

static GtkWidget *
table_label (const char *text,
             gboolean    number,
             gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1.0f : 0.0f);
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
set_number (GtkWidget *label,
            double     v)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%.3f", v);
  gtk_label_set_text (GTK_LABEL (label), buf);
}

/* Builds the table's rows for @k classes: a header, a row per class, a
 * line, the macro averages. */
static void
build_table (BpEvaluationView *self,
             gsize             k)
{
  static const char *const headings[TABLE_COLUMNS] = {
    N_("Class"), N_("Precision"), N_("Recall"), N_("F1"), N_("Support"),
  };
  GtkGrid *grid = GTK_GRID (self->table);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->table)) != NULL)
    gtk_grid_remove (grid, child);
  for (int c = 0; c < TABLE_COLUMNS; c++)
    gtk_grid_attach (grid, table_label (_(headings[c]), c != TABLE_CLASS, TRUE), c, 0, 1, 1);
  for (gsize r = 0; r <= k; r++)
    {
      /* Row k + 1 is the line, k + 2 the averages. */
      int row = r < k ? (int) r + 1 : (int) k + 2;

      for (int c = 0; c < TABLE_COLUMNS; c++)
        {
          GtkWidget *label = table_label ("", c != TABLE_CLASS, FALSE);

          if (c == TABLE_CLASS)
            {
              gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
              gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
            }
          gtk_grid_attach (grid, label, c, row, 1, 1);
        }
    }
  gtk_grid_attach (grid, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL), 0, (int) k + 1,
                   TABLE_COLUMNS, 1);
  gtk_label_set_text (GTK_LABEL (gtk_grid_get_child_at (grid, TABLE_CLASS, (int) k + 2)),
                      _("Macro average"));
  self->table_k = k;
}

static void
fill_table (BpEvaluationView         *self,
            const BpEvaluationResult *result)
{
  const nn_class_metrics *cm = result->cm;
  GtkGrid *grid = GTK_GRID (self->table);

  if (self->table_k != cm->k)
    build_table (self, cm->k);
  for (gsize r = 0; r < cm->k; r++)
    {
      g_autofree char *name = class_name (result->data, r);
      g_autofree char *support = g_strdup_printf ("%" G_GSIZE_FORMAT, cm->support[r]);
      GtkWidget *label = gtk_grid_get_child_at (grid, TABLE_CLASS, (int) r + 1);

      gtk_label_set_text (GTK_LABEL (label), name);
      gtk_widget_set_tooltip_text (label, name);
      set_number (gtk_grid_get_child_at (grid, TABLE_PRECISION, (int) r + 1), cm->precision[r]);
      set_number (gtk_grid_get_child_at (grid, TABLE_RECALL, (int) r + 1), cm->recall[r]);
      set_number (gtk_grid_get_child_at (grid, TABLE_F1, (int) r + 1), cm->f1[r]);
      gtk_label_set_text (GTK_LABEL (gtk_grid_get_child_at (grid, TABLE_SUPPORT, (int) r + 1)),
                          support);
    }
  {
    int row = (int) cm->k + 2;
    g_autofree char *support = g_strdup_printf ("%" G_GSIZE_FORMAT, cm->n);

    set_number (gtk_grid_get_child_at (grid, TABLE_PRECISION, row), cm->macro_precision);
    set_number (gtk_grid_get_child_at (grid, TABLE_RECALL, row), cm->macro_recall);
    set_number (gtk_grid_get_child_at (grid, TABLE_F1, row), cm->macro_f1);
    gtk_label_set_text (GTK_LABEL (gtk_grid_get_child_at (grid, TABLE_SUPPORT, row)), support);
  }
}

static void
show_examples (BpEvaluationView *self)
{
  const BpEvaluationResult *result = self->result;
  BpThumbnailGrid *grid = BP_THUMBNAIL_GRID (self->thumbnails);
  g_autofree char *true_name = NULL;
  g_autofree char *pred_name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *label = NULL;
  gsize rows[MAX_THUMBNAILS], n = 0, total = 0;
  int sel_row, sel_col;

  if (result == NULL || result->cm == NULL
      || !bp_confusion_matrix_get_selected (BP_CONFUSION_MATRIX (self->matrix), &sel_row,
                                            &sel_col))
    {
      /* Images invite a look at the examples; other rows have no picture. */
      bp_thumbnail_grid_set_images (grid, NULL, NULL, 0, 0, NULL);
      gtk_label_set_text (GTK_LABEL (self->examples_title),
                          _("Select a cell of the confusion matrix to see its examples"));
      gtk_widget_add_css_class (self->examples_title, "dim-label");
      gtk_widget_set_visible (self->thumbnails, FALSE);
      gtk_widget_set_visible (self->examples, result != NULL && self->image_side > 0);
      return;
    }

  for (gsize i = 0; i < result->part.n; i++)
    if (result->part.y[i] == sel_row && result->pred[i] == sel_col)
      {
        if (n < MAX_THUMBNAILS && self->image_side > 0)
          rows[n++] = i;
        total++;
      }
  true_name = class_name (result->data, (gsize) sel_row);
  pred_name = class_name (result->data, (gsize) sel_col);
  if (sel_row == sel_col)
    title = g_strdup_printf (ngettext ("Correctly classified as %s: %" G_GSIZE_FORMAT " row",
                                       "Correctly classified as %s: %" G_GSIZE_FORMAT " rows",
                                       total), true_name, total);
  else
    title = g_strdup_printf (ngettext ("True %s, predicted %s: %" G_GSIZE_FORMAT " row",
                                       "True %s, predicted %s: %" G_GSIZE_FORMAT " rows", total),
                             true_name, pred_name, total);
  if (total > n && self->image_side > 0)
    {
      g_autofree char *more = g_strdup_printf (_("%s (the first %" G_GSIZE_FORMAT " shown)"),
                                               title, n);

      g_free (title);
      title = g_steal_pointer (&more);
    }
  gtk_label_set_text (GTK_LABEL (self->examples_title), title);
  gtk_widget_remove_css_class (self->examples_title, "dim-label");
  label = g_strdup_printf (_("true %s, predicted %s"), true_name, pred_name);
  bp_thumbnail_grid_set_images (grid, &result->part, rows, n, self->image_side, label);
  gtk_widget_set_visible (self->thumbnails, n > 0);
  gtk_widget_set_visible (self->examples, TRUE);
}

static void
selection_changed_cb (BpEvaluationView *self)
{
  show_examples (self);
}

static void
show_classification (BpEvaluationView *self)
{
  const BpEvaluationResult *result = self->result;
  const nn_class_metrics *cm = result->cm;
  g_autofree char *accuracy = g_strdup_printf ("%.1f %%", 100.0 * cm->accuracy);
  g_autofree char *caption = NULL;
  g_autofree char *loss = NULL;
  g_autofree char *description = NULL;
  g_autofree char **names = g_new0 (char *, cm->k + 1);
  char value[32];

  for (gsize i = 0; i < cm->k; i++)
    names[i] = class_name (result->data, i);
  bp_confusion_matrix_set_counts (BP_CONFUSION_MATRIX (self->matrix), cm->k, cm->confusion,
                                  (const char *const *) names);
  for (gsize i = 0; i < cm->k; i++)
    g_free (names[i]);

  gtk_label_set_text (GTK_LABEL (self->accuracy_label), accuracy);
  caption = g_strdup_printf (ngettext ("accuracy on the %" G_GSIZE_FORMAT " row of the %s part",
                                       "accuracy on the %" G_GSIZE_FORMAT " rows of the %s part",
                                       cm->n), cm->n, _(result->part_name));
  gtk_label_set_text (GTK_LABEL (self->accuracy_caption), caption);
  bp_format_value (result->loss, 4, value, sizeof value);
  loss = g_strdup_printf (_("loss %s"), value);
  gtk_label_set_text (GTK_LABEL (self->loss_label), loss);
  description = g_strdup_printf (_("Rows are the true classes, columns the predicted ones; "
                                   "the %s part, %" G_GSIZE_FORMAT " rows."),
                                 _(result->part_name), cm->n);
  gtk_label_set_text (GTK_LABEL (self->matrix_caption), description);
  fill_table (self, result);
  show_examples (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "classification");
}

static void
stat_text (GtkWidget *label,
           double     v)
{
  char buf[32];

  bp_format_value (v, 4, buf, sizeof buf);
  gtk_label_set_text (GTK_LABEL (label), buf);
}

static void
show_regression (BpEvaluationView *self)
{
  const BpEvaluationResult *result = self->result;
  const nn_regression_metrics *rm = result->rm;
  gsize n = result->part.n, k = rm->k;
  gsize every = MAX ((n + MAX_POINTS - 1) / MAX_POINTS, 1);
  g_autofree float *actual = g_new (float, MAX (n, 1));
  g_autofree float *pred = g_new (float, MAX (n, 1));
  g_autofree float *resid = g_new (float, MAX (n, 1));
  g_autofree char *caption = NULL;

  stat_text (self->mse_label, rm->mse);
  stat_text (self->mae_label, rm->mae);
  stat_text (self->r2_label, rm->r2);
  caption = g_strdup_printf (ngettext ("On the %" G_GSIZE_FORMAT " row of the %s part",
                                       "On the %" G_GSIZE_FORMAT " rows of the %s part", n), n,
                             _(result->part_name));
  gtk_label_set_text (GTK_LABEL (self->regression_caption), caption);

  bp_scatter_plot_clear (self->fit_plot);
  bp_scatter_plot_clear (self->residual_plot);
  bp_scatter_plot_add_line (self->fit_plot, _("predicted = actual"), 1, 0);
  bp_scatter_plot_add_line (self->residual_plot, _("no error"), 0, 0);
  for (gsize j = 0; j < k; j++)
    {
      g_autofree char *name = k > 1 ? g_strdup_printf (_("target %" G_GSIZE_FORMAT), j + 1)
                              : g_strdup (_("test row"));
      gsize m = 0;

      for (gsize i = 0; i < n; i += every)
        {
          actual[m] = result->part.t[i * k + j];
          pred[m] = result->out[i * k + j];
          resid[m] = pred[m] - actual[m];
          m++;
        }
      bp_scatter_plot_add_points (self->fit_plot, name, actual, pred, m, NULL, NULL, (guint) j,
                                  BP_SCATTER_DOT);
      bp_scatter_plot_add_points (self->residual_plot, name, actual, resid, m, NULL, NULL,
                                  (guint) j, BP_SCATTER_DOT);
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "regression");
}

static void
show_empty (BpEvaluationView *self,
            const char       *message)
{
  g_autofree char *text = NULL;

  if (message == NULL)
    {
      const char *part_name = "test";

      if (self->data != NULL)
        bp_evaluation_pick_part (self->data, &part_name);
      text = g_strdup_printf (_("Train the model to see how it does on the %s part"),
                              _(part_name));
      message = text;
    }
  gtk_label_set_text (GTK_LABEL (self->empty_label), message);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

static void
show_result (BpEvaluationView   *self,
             BpEvaluationResult *result)
{
  bp_evaluation_result_free (self->result);
  self->result = result;
  if (result->cm != NULL)
    show_classification (self);
  else
    show_regression (self);
}

/* ---- Running tasks ------------------------------------------------------ */

static gpointer
build_job (GObject         *owner,
           BpModelSnapshot *snapshot)
{
  BpEvaluationView *self = BP_EVALUATION_VIEW (owner);
  BpEvaluationJob *job = g_new0 (BpEvaluationJob, 1);

  job->snapshot = snapshot;
  job->data = g_object_ref (self->data);
  return job;
}

static void
apply_result (GObject      *owner,
              gpointer      job,
              gpointer      result,
              const GError *error)
{
  BpEvaluationView *self = BP_EVALUATION_VIEW (owner);
  g_autofree char *message = NULL;

  if (result != NULL)
    {
      show_result (self, result);
      return;
    }
  message = g_strdup_printf (_("Could not evaluate the model: %s"), error->message);
  show_empty (self, message);
}

static const BpEvalRunnerFuncs runner_funcs = {
  .name = "[backprop] evaluate",
  .build = build_job,
  .job_free = (GDestroyNotify) bp_evaluation_job_free,
  .worker = bp_evaluation_worker,
  .apply = apply_result,
};

/* ---- Building the view -------------------------------------------------- */

static GtkWidget *
stat_block (GtkWidget  **value,
            const char  *caption,
            const char  *name,
            const char  *value_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (caption);

  *value = gtk_label_new ("");
  gtk_widget_set_name (*value, name);
  gtk_label_set_xalign (GTK_LABEL (*value), 0);
  gtk_widget_add_css_class (*value, value_class);
  gtk_widget_add_css_class (*value, "numeric");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), *value);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *sw = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (sw), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (sw), child);
  gtk_widget_set_margin_top (child, 18);
  gtk_widget_set_margin_bottom (child, 18);
  gtk_widget_set_margin_start (child, 18);
  gtk_widget_set_margin_end (child, 18);
  return sw;
}

static GtkWidget *
build_classification (BpEvaluationView *self)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 30);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *matrix_heading = heading (_("Confusion matrix"));
  GtkWidget *table_heading = heading (_("Per class"));

  /* The matrix with its heading, on the left, taking the room. */
  self->matrix = bp_confusion_matrix_new ();
  gtk_widget_set_hexpand (self->matrix, TRUE);
  g_signal_connect_swapped (self->matrix, "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);
  self->matrix_caption = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->matrix_caption), 0);
  gtk_label_set_wrap (GTK_LABEL (self->matrix_caption), TRUE);
  gtk_widget_add_css_class (self->matrix_caption, "dim-label");
  gtk_widget_add_css_class (self->matrix_caption, "caption");
  gtk_box_append (GTK_BOX (left), matrix_heading);
  gtk_box_append (GTK_BOX (left), self->matrix_caption);
  gtk_box_append (GTK_BOX (left), self->matrix);

  /* The accuracy, large, then the table. */
  self->accuracy_label = gtk_label_new ("");
  gtk_widget_set_name (self->accuracy_label, "accuracy");
  gtk_label_set_xalign (GTK_LABEL (self->accuracy_label), 0);
  gtk_widget_add_css_class (self->accuracy_label, "title-1");
  gtk_widget_add_css_class (self->accuracy_label, "numeric");
  self->accuracy_caption = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->accuracy_caption), 0);
  gtk_widget_add_css_class (self->accuracy_caption, "dim-label");
  self->loss_label = gtk_label_new ("");
  gtk_widget_set_name (self->loss_label, "loss");
  gtk_label_set_xalign (GTK_LABEL (self->loss_label), 0);
  gtk_widget_add_css_class (self->loss_label, "dim-label");
  gtk_widget_add_css_class (self->loss_label, "numeric");
  gtk_widget_set_margin_bottom (self->loss_label, 18);
  self->table = gtk_grid_new ();
  gtk_widget_set_name (self->table, "class-metrics");
  gtk_grid_set_column_spacing (GTK_GRID (self->table), 18);
  gtk_grid_set_row_spacing (GTK_GRID (self->table), 4);
  gtk_widget_set_margin_top (table_heading, 6);
  gtk_widget_set_margin_bottom (table_heading, 6);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->table),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, table_heading, NULL, -1);
  gtk_box_append (GTK_BOX (right), self->accuracy_label);
  gtk_box_append (GTK_BOX (right), self->accuracy_caption);
  gtk_box_append (GTK_BOX (right), self->loss_label);
  gtk_box_append (GTK_BOX (right), table_heading);
  gtk_box_append (GTK_BOX (right), self->table);

  gtk_box_append (GTK_BOX (top), left);
  gtk_box_append (GTK_BOX (top), right);

  /* The selected cell: its count, and for image data its examples. */
  self->examples = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  self->examples_title = heading ("");
  gtk_label_set_wrap (GTK_LABEL (self->examples_title), TRUE);
  self->thumbnails = bp_thumbnail_grid_new ();
  gtk_widget_set_name (self->thumbnails, "thumbnails");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->thumbnails),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->examples_title,
                                  NULL, -1);
  gtk_box_append (GTK_BOX (self->examples), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (self->examples), self->examples_title);
  gtk_box_append (GTK_BOX (self->examples), self->thumbnails);
  gtk_widget_set_visible (self->examples, FALSE);

  gtk_box_append (GTK_BOX (page), top);
  gtk_box_append (GTK_BOX (page), self->examples);
  return scrolled (page);
}

static GtkWidget *
build_regression (BpEvaluationView *self)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *stats = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 42);
  GtkWidget *plots = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_box_append (GTK_BOX (stats), stat_block (&self->mse_label, _("mean squared error (MSE)"),
                                               "mse", "title-1"));
  gtk_box_append (GTK_BOX (stats), stat_block (&self->mae_label, _("mean absolute error (MAE)"),
                                               "mae", "title-1"));
  gtk_box_append (GTK_BOX (stats), stat_block (&self->r2_label, _("R², 1 for a perfect fit"),
                                               "r2", "title-1"));
  self->regression_caption = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->regression_caption), 0);
  gtk_widget_add_css_class (self->regression_caption, "dim-label");

  self->fit_plot = bp_scatter_plot_new ();
  bp_plot_set_title (BP_PLOT (self->fit_plot), _("Predicted against actual"));
  bp_plot_set_labels (BP_PLOT (self->fit_plot), _("actual"), _("predicted"));
  bp_scatter_plot_set_equal_axes (self->fit_plot, TRUE);
  self->residual_plot = bp_scatter_plot_new ();
  bp_plot_set_title (BP_PLOT (self->residual_plot), _("Residuals"));
  bp_plot_set_labels (BP_PLOT (self->residual_plot), _("actual"), _("predicted − actual"));
  gtk_box_set_homogeneous (GTK_BOX (plots), TRUE);
  gtk_widget_set_vexpand (plots, TRUE);
  gtk_widget_set_size_request (plots, -1, 320);
  gtk_box_append (GTK_BOX (plots), GTK_WIDGET (self->fit_plot));
  gtk_box_append (GTK_BOX (plots), GTK_WIDGET (self->residual_plot));

  gtk_box_append (GTK_BOX (page), stats);
  gtk_box_append (GTK_BOX (page), self->regression_caption);
  gtk_box_append (GTK_BOX (page), plots);
  return scrolled (page);
}

/* ---- GObject ------------------------------------------------------------ */

static void
bp_evaluation_view_dispose (GObject *object)
{
  BpEvaluationView *self = BP_EVALUATION_VIEW (object);

  bp_eval_runner_stop (self->runner);
  g_clear_pointer (&self->result, bp_evaluation_result_free);
  g_clear_object (&self->data);
  g_clear_pointer (&self->stack, gtk_widget_unparent);
  G_OBJECT_CLASS (bp_evaluation_view_parent_class)->dispose (object);
}

static void
bp_evaluation_view_finalize (GObject *object)
{
  BpEvaluationView *self = BP_EVALUATION_VIEW (object);

  bp_eval_runner_free (self->runner);
  G_OBJECT_CLASS (bp_evaluation_view_parent_class)->finalize (object);
}

static void
bp_evaluation_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BpEvaluationView *self = BP_EVALUATION_VIEW (object);

  if (!bp_eval_runner_get_property (self->runner, pspec, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bp_evaluation_view_class_init (BpEvaluationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_evaluation_view_dispose;
  object_class->finalize = bp_evaluation_view_finalize;
  object_class->get_property = bp_evaluation_view_get_property;
  /* "busy" and "evaluations", its only properties. */
  bp_eval_runner_install_properties (object_class, 1);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "evaluationview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bp_evaluation_view_init (BpEvaluationView *self)
{
  self->runner = bp_eval_runner_new (G_OBJECT (self), &runner_funcs);

  self->stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  self->empty_label = gtk_label_new ("");
  gtk_widget_set_name (self->empty_label, "empty");
  gtk_label_set_wrap (GTK_LABEL (self->empty_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->empty_label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->empty_label, "dim-label");
  gtk_widget_set_margin_start (self->empty_label, 24);
  gtk_widget_set_margin_end (self->empty_label, 24);
  gtk_stack_add_named (GTK_STACK (self->stack), self->empty_label, "empty");
  gtk_stack_add_named (GTK_STACK (self->stack), build_classification (self), "classification");
  gtk_stack_add_named (GTK_STACK (self->stack), build_regression (self), "regression");
  show_empty (self, NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Evaluation"), -1);
}

/* ---- Public ------------------------------------------------------------- */

GtkWidget *
bp_evaluation_view_new (void)
{
  return g_object_new (BP_TYPE_EVALUATION_VIEW, NULL);
}

void
bp_evaluation_view_set_data (BpEvaluationView *self,
                             BpData           *data)
{
  g_return_if_fail (BP_IS_EVALUATION_VIEW (self));
  g_return_if_fail (data == NULL || BP_IS_DATA (data));

  if (data == self->data)
    return;
  bp_eval_runner_forget (self->runner);
  g_set_object (&self->data, data);
  self->image_side = 0;
  if (data != NULL && bp_data_get_task (data) == NN_TASK_CLASSIFICATION)
    self->image_side = image_side (bp_data_get_features (data));
  g_clear_pointer (&self->result, bp_evaluation_result_free);
  bp_confusion_matrix_set_counts (BP_CONFUSION_MATRIX (self->matrix), 0, NULL, NULL);
  bp_scatter_plot_clear (self->fit_plot);
  bp_scatter_plot_clear (self->residual_plot);
  show_empty (self, NULL);
}

void
bp_evaluation_view_update (BpEvaluationView    *self,
                           const nn_model_spec *spec,
                           const float         *params,
                           gsize                n_params,
                           const float         *buffers,
                           gsize                n_buffers)
{
  g_return_if_fail (BP_IS_EVALUATION_VIEW (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (params != NULL || n_params == 0);
  g_return_if_fail (buffers != NULL || n_buffers == 0);

  if (self->data == NULL)
    return;
  bp_eval_runner_submit (self->runner,
                         bp_model_snapshot_new (spec, params, n_params, buffers, n_buffers));
}

void
bp_evaluation_view_clear (BpEvaluationView *self)
{
  g_return_if_fail (BP_IS_EVALUATION_VIEW (self));

  bp_eval_runner_forget (self->runner);
  g_clear_pointer (&self->result, bp_evaluation_result_free);
  bp_confusion_matrix_set_counts (BP_CONFUSION_MATRIX (self->matrix), 0, NULL, NULL);
  bp_scatter_plot_clear (self->fit_plot);
  bp_scatter_plot_clear (self->residual_plot);
  show_empty (self, NULL);
}

gboolean
bp_evaluation_view_is_busy (BpEvaluationView *self)
{
  g_return_val_if_fail (BP_IS_EVALUATION_VIEW (self), FALSE);

  return bp_eval_runner_is_busy (self->runner);
}
