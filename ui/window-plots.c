/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's plots: made here, fed from the session's records, and each
 * with a button that exports it. */
#include "window-private.h"

#include <glib/gi18n.h>
#include <math.h>

#define MAX_HISTOGRAM_SETS 30

/* Series of the loss and accuracy plots: by step (training batches and
 * the epoch ends) and by epoch; the x-axis mode shows one group. */
enum
{
  SERIES_STEP_TRAIN,
  SERIES_STEP_VAL,
  SERIES_EPOCH_TRAIN,
  SERIES_EPOCH_VAL,
};

enum
{
  HIST_WEIGHTS,
  HIST_GRADIENTS,
  HIST_ACTIVATIONS,
};

void
bp_histogram_set_free (BpHistogramSet *set)
{
  for (int k = 0; k < 3; k++)
    {
      for (guint i = 0; i < set->n_ops && set->hist[k] != NULL; i++)
        g_free (set->hist[k][i].counts);
      g_free (set->hist[k]);
    }
  g_free (set);
}

/* ---- Export ------------------------------------------------------------ */

static void
export_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     BpPlot          *plot)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  BpPlotFormat format;
  int width, height;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  path = g_file_get_path (file);
  if (!bp_plot_format_from_path (path, &format))
    {
      g_autofree char *with_png = g_strconcat (path, ".png", NULL);

      g_free (path);
      path = g_steal_pointer (&with_png);
      format = BP_PLOT_FORMAT_PNG;
    }
  /* The plot's own size; PNG at twice the pixels, sharp on paper and on
   * HiDPI screens, with the text scaled alike. */
  width = MAX (gtk_widget_get_width (GTK_WIDGET (plot)), 640);
  height = MAX (gtk_widget_get_height (GTK_WIDGET (plot)), 360);
  if (!bp_plot_export_scaled (plot, path, format, width, height,
                              format == BP_PLOT_FORMAT_PNG ? 2 : 1, &error))
    {
      GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (plot), BP_TYPE_WINDOW);

      if (window != NULL)
        bp_window_show_message (BP_WINDOW (window), error->message, TRUE);
    }

out:
  g_object_unref (dialog);
  g_object_unref (plot);
}

static void
export_clicked_cb (GtkButton *button,
                   BpPlot    *plot)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (plot));
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;
  g_autofree char *suggested = NULL;
  const char *title = bp_plot_get_title (plot);
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_native_new (_("Export Plot"), GTK_WINDOW (root),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  name = g_ascii_strdown (title != NULL ? title : "plot", -1);
  g_strdelimit (name, " /&", '-');
  suggested = g_strconcat (name, ".png", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PNG, SVG or PDF"));
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "svg");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (plot));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Puts @plot in @box with an export button over its top-right corner. */
static void
add_plot (GtkBox  *box,
          BpPlot  *plot,
          const char *title)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("document-save-as-symbolic");
  g_autofree char *label = g_strdup_printf (_("Export the %s plot"), title);

  bp_plot_set_title (plot, title);
  gtk_widget_set_vexpand (GTK_WIDGET (plot), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (plot), TRUE);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (plot));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "plot-export");
  gtk_widget_set_tooltip_text (button, _("Export as PNG, SVG or PDF"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_signal_connect (button, "clicked", G_CALLBACK (export_clicked_cb), plot);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), button);
  gtk_widget_set_vexpand (overlay, TRUE);
  gtk_box_append (box, overlay);
}

void
bp_window_plots_init (BpWindow *self)
{
  static const char *const hist_titles[3] = {
    N_("Weights"), N_("Gradients"), N_("Activations"),
  };
  GtkWidget *row;

  self->loss_plot = bp_line_plot_new ();
  self->accuracy_plot = bp_line_plot_new ();
  for (int p = 0; p < 2; p++)
    {
      BpLinePlot *plot = p == 0 ? self->loss_plot : self->accuracy_plot;

      bp_line_plot_add_series (plot, _("training"), 0, FALSE);
      bp_line_plot_add_series (plot, _("validation"), 1, TRUE);
      bp_line_plot_add_series (plot, _("training"), 0, FALSE);
      bp_line_plot_add_series (plot, _("validation"), 1, TRUE);
    }
  bp_plot_set_labels (BP_PLOT (self->loss_plot), _("step"), _("loss"));
  bp_plot_set_labels (BP_PLOT (self->accuracy_plot), _("step"), _("accuracy"));
  add_plot (self->curves_page, BP_PLOT (self->loss_plot), _("Loss"));
  add_plot (self->curves_page, BP_PLOT (self->accuracy_plot), _("Accuracy"));
  bp_line_plot_set_smoothing (self->loss_plot, gtk_range_get_value (GTK_RANGE (self->smoothing)));

  self->grad_plot = bp_line_plot_new ();
  self->ratio_plot = bp_line_plot_new ();
  bp_plot_set_log_y (BP_PLOT (self->grad_plot), TRUE);
  bp_plot_set_log_y (BP_PLOT (self->ratio_plot), TRUE);
  /* Per-batch norms scatter over a decade; the trend per layer is what
   * tells vanishing or exploding gradients apart. */
  bp_line_plot_set_smoothing (self->grad_plot, 0.9);
  bp_line_plot_set_smoothing (self->ratio_plot, 0.9);
  bp_plot_set_labels (BP_PLOT (self->grad_plot), _("step"), _("‖∂L/∂θ‖"));
  bp_plot_set_labels (BP_PLOT (self->ratio_plot), _("step"), _("‖Δθ‖ / ‖θ‖"));
  add_plot (self->gradients_page, BP_PLOT (self->grad_plot), _("Gradient norm per layer"));
  add_plot (self->gradients_page, BP_PLOT (self->ratio_plot), _("Update/weight ratio per layer"));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_vexpand (row, TRUE);
  gtk_box_set_homogeneous (GTK_BOX (row), TRUE);
  for (int k = 0; k < 3; k++)
    {
      GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      self->hist_plot[k] = bp_histogram_plot_new ();
      bp_histogram_plot_set_color (self->hist_plot[k], (guint) k);
      bp_plot_set_labels (BP_PLOT (self->hist_plot[k]), _("value"), _("step"));
      add_plot (GTK_BOX (column), BP_PLOT (self->hist_plot[k]), _(hist_titles[k]));
      gtk_box_append (GTK_BOX (row), column);
    }
  gtk_box_append (self->histograms_page, row);
  bp_window_plots_update_mode (self);
}

/* Starts every plot afresh for the session's model: one gradient series
 * per op with parameters, one layer choice per op. */
void
bp_window_plots_reset (BpWindow *self)
{
  nn_model *model = bp_session_get_model (self->session);
  guint n_ops = model != NULL ? (guint) nn_model_n_ops (model) : 0, choices = 0;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->hist_layers));

  bp_line_plot_clear (self->loss_plot, FALSE);
  bp_line_plot_clear (self->accuracy_plot, FALSE);
  bp_line_plot_clear (self->grad_plot, TRUE);
  bp_line_plot_clear (self->ratio_plot, TRUE);
  for (int k = 0; k < 3; k++)
    bp_histogram_plot_clear (self->hist_plot[k]);
  g_ptr_array_set_size (self->hist_sets, 0);
  g_clear_pointer (&self->grad_series, g_free);
  g_clear_pointer (&self->hist_ops, g_free);
  self->last_rate = 0.0;

  self->grad_series = g_new (guint, MAX (n_ops, 1));
  self->hist_ops = g_new (guint, MAX (n_ops, 1));
  self->n_grad_series = 0;
  gtk_string_list_splice (self->hist_layers, 0, n_items, NULL);
  for (guint i = 0; i < n_ops; i++)
    {
      const nn_op *op = nn_model_op (model, i);
      char desc[64], name[96];

      nn_model_describe_op (model, i, desc, sizeof desc);
      g_snprintf (name, sizeof name, "%u %s", i, desc);
      self->grad_series[i] = G_MAXUINT;
      if (op->n_params > 0)
        {
          guint color = self->n_grad_series++;

          self->grad_series[i] = bp_line_plot_add_series (self->grad_plot, name, color, FALSE);
          bp_line_plot_add_series (self->ratio_plot, name, color, FALSE);
        }
      self->hist_ops[choices++] = i;
      gtk_string_list_append (self->hist_layers, name);
    }
  for (int p = 0; p < 2; p++)
    bp_plot_data_changed (BP_PLOT (p == 0 ? self->loss_plot : self->accuracy_plot));
  bp_plot_data_changed (BP_PLOT (self->grad_plot));
  bp_plot_data_changed (BP_PLOT (self->ratio_plot));
}

/* Copies the histograms of a record (counts included). */
static BpHistogramSet *
copy_histograms (const BpStepRecord *r)
{
  BpHistogramSet *set = g_new0 (BpHistogramSet, 1);
  const nn_histogram *src[3] = { r->weight_hist, r->grad_hist, r->act_hist };

  set->step = r->step;
  set->n_ops = r->n_ops;
  for (int k = 0; k < 3; k++)
    {
      set->hist[k] = g_new0 (nn_histogram, r->n_ops);
      for (guint i = 0; i < r->n_ops; i++)
        {
          set->hist[k][i] = src[k][i];
          set->hist[k][i].counts = g_memdup2 (src[k][i].counts,
                                              src[k][i].bins * sizeof (guint64));
        }
    }
  return set;
}

static guint
selected_op (BpWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->hist_layer);

  if (self->hist_ops == NULL
      || selected >= g_list_model_get_n_items (G_LIST_MODEL (self->hist_layers)))
    return G_MAXUINT;
  return self->hist_ops[selected];
}

void
bp_window_plots_show_layer (BpWindow *self)
{
  guint op = selected_op (self);

  for (int k = 0; k < 3; k++)
    bp_histogram_plot_clear (self->hist_plot[k]);
  if (op == G_MAXUINT)
    return;
  for (guint s = 0; s < self->hist_sets->len; s++)
    {
      BpHistogramSet *set = g_ptr_array_index (self->hist_sets, s);

      for (int k = 0; k < 3; k++)
        if (op < set->n_ops)
          bp_histogram_plot_add (self->hist_plot[k], set->step, &set->hist[k][op]);
    }
}

void
bp_window_plots_add_step (BpWindow           *self,
                          const BpStepRecord *r)
{
  double x = (double) r->step;

  bp_line_plot_append (self->loss_plot, SERIES_STEP_TRAIN, x, r->loss);
  for (guint i = 0; i < r->n_ops && self->grad_series != NULL; i++)
    if (self->grad_series[i] != G_MAXUINT)
      {
        bp_line_plot_append (self->grad_plot, self->grad_series[i], x, r->ops[i].grad_norm);
        bp_line_plot_append (self->ratio_plot, self->grad_series[i], x, r->ops[i].update_ratio);
      }
  if (r->has_histograms)
    {
      BpHistogramSet *set = copy_histograms (r);
      guint op = selected_op (self);

      if (self->hist_sets->len == MAX_HISTOGRAM_SETS)
        g_ptr_array_remove_index (self->hist_sets, 0);
      g_ptr_array_add (self->hist_sets, set);
      if (op != G_MAXUINT && op < set->n_ops)
        for (int k = 0; k < 3; k++)
          bp_histogram_plot_add (self->hist_plot[k], set->step, &set->hist[k][op]);
    }
}

void
bp_window_plots_add_epoch (BpWindow              *self,
                           const nn_epoch_report *r,
                           guint64                step)
{
  double s = (double) step, e = (double) r->epoch;

  bp_line_plot_append (self->loss_plot, SERIES_EPOCH_TRAIN, e, r->train_loss);
  bp_line_plot_append (self->accuracy_plot, SERIES_STEP_TRAIN, s, r->train_accuracy);
  bp_line_plot_append (self->accuracy_plot, SERIES_EPOCH_TRAIN, e, r->train_accuracy);
  if (r->has_val)
    {
      bp_line_plot_append (self->loss_plot, SERIES_STEP_VAL, s, r->val_loss);
      bp_line_plot_append (self->loss_plot, SERIES_EPOCH_VAL, e, r->val_loss);
      bp_line_plot_append (self->accuracy_plot, SERIES_STEP_VAL, s, r->val_accuracy);
      bp_line_plot_append (self->accuracy_plot, SERIES_EPOCH_VAL, e, r->val_accuracy);
    }
}

/* Redraws the curves with whatever arrived; the window calls this a few
 * times a second while training rather than after every step, so drawing
 * never takes the cores the worker trains on. */
void
bp_window_plots_refresh (BpWindow *self)
{
  bp_plot_data_changed (BP_PLOT (self->loss_plot));
  bp_plot_data_changed (BP_PLOT (self->accuracy_plot));
  bp_plot_data_changed (BP_PLOT (self->grad_plot));
  bp_plot_data_changed (BP_PLOT (self->ratio_plot));
}

void
bp_window_plots_update_mode (BpWindow *self)
{
  gboolean by_epoch = gtk_drop_down_get_selected (self->x_mode) == 1;
  const char *x_label = by_epoch ? _("epoch") : _("step");

  for (int p = 0; p < 2; p++)
    {
      BpLinePlot *plot = p == 0 ? self->loss_plot : self->accuracy_plot;

      bp_line_plot_set_series_visible (plot, SERIES_STEP_TRAIN, !by_epoch);
      bp_line_plot_set_series_visible (plot, SERIES_STEP_VAL, !by_epoch);
      bp_line_plot_set_series_visible (plot, SERIES_EPOCH_TRAIN, by_epoch);
      bp_line_plot_set_series_visible (plot, SERIES_EPOCH_VAL, by_epoch);
      bp_plot_set_labels (BP_PLOT (plot), x_label, p == 0 ? _("loss") : _("accuracy"));
      bp_plot_data_changed (BP_PLOT (plot));
    }
}
