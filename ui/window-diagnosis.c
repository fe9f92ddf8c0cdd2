/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's Diagnosis tab: the run's history, the findings read from
 * it while the model trains (with the data checks), what selecting one
 * shows, the fixes the findings offer, recovering from divergence, and
 * the gradient check. */
#include "window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"

/* Steps between readings of the history while training (and every epoch
 * end): the diagnosis reads medians over windows, which move slowly. */
#define DIAGNOSE_EVERY 200

#define MAX_FINDINGS 32

/* ---- Rows --------------------------------------------------------------- */

static const char *
severity_icon (int severity)
{
  switch (severity)
    {
    case NN_FINDING_ERROR:
      return "dialog-error-symbolic";
    case NN_FINDING_WARNING:
      return "dialog-warning-symbolic";
    default:
      return "dialog-information-symbolic";
    }
}

static const char *
severity_class (int severity)
{
  return severity == NN_FINDING_ERROR ? "error" : severity == NN_FINDING_WARNING ? "warning"
         : NULL;
}

static void
fix_clicked_cb (GtkButton *button,
                BpWindow  *self)
{
  const nn_finding *f = g_object_get_data (G_OBJECT (button), "finding");
  nn_trainer_params params;
  nn_model_spec spec;
  g_autofree char *msg = NULL;
  nn_data_source source;

  bp_window_get_settings (self, &source, &spec, &params);
  if (f == NULL || !nn_fix_apply (f, &spec, &params))
    {
      bp_window_show_message (self, _("That change no longer applies to the model as it is "
                                      "now."), FALSE);
      return;
    }
  bp_window_apply_settings (self, &spec, &params);
  msg = g_strdup_printf (bp_window_is_training (self)
                         ? _("Done: %s. It applies to the next run (Stop, then Start).")
                         : _("Done: %s. It applies to the next run."), f->fix_label);
  bp_window_show_message (self, msg, FALSE);
}

static GtkWidget *
finding_row (BpWindow         *self,
             int               severity,
             const char       *message,
             const char       *advice,
             const nn_finding *finding)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (severity_icon (severity));
  GtkWidget *title = gtk_label_new (message);
  GtkWidget *hint = gtk_label_new (advice);
  g_autofree char *name = g_strdup_printf ("%s: %s", severity == NN_FINDING_ERROR ? _("Error")
                                           : severity == NN_FINDING_WARNING ? _("Warning")
                                           : _("Note"), message);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  if (severity_class (severity) != NULL)
    gtk_widget_add_css_class (icon, severity_class (severity));
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_selectable (GTK_LABEL (title), FALSE);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), title);
  if (advice != NULL && advice[0] != '\0')
    gtk_box_append (GTK_BOX (text), hint);
  else
    g_object_ref_sink (hint), g_object_unref (hint);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), text);
  if (finding != NULL && finding->fix != NN_FIX_NONE)
    {
      GtkWidget *fix = gtk_button_new_with_label (finding->fix_label);
      nn_finding *copy = g_memdup2 (finding, sizeof *finding);

      gtk_widget_set_valign (fix, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (fix), "finding", copy, g_free);
      g_signal_connect (fix, "clicked", G_CALLBACK (fix_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), fix);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (finding != NULL)
    g_object_set_data_full (G_OBJECT (row), "finding", g_memdup2 (finding, sizeof *finding),
                            g_free);
  return row;
}

/* ---- Reading the history ----------------------------------------------- */

/* A finding is the same one while its kind and place stay, whatever its
 * numbers: that keeps the selection across readings. */
static gboolean
same_place (const nn_finding *a,
            const nn_finding *b)
{
  return a->kind == b->kind && a->op == b->op && a->layer == b->layer;
}

void
bp_window_diagnose (BpWindow *self)
{
  BpSession *session = self->session;
  nn_model *model = bp_session_get_model (session);
  const nn_trainer_params *params = bp_session_get_params (session);
  BpData *data = bp_data_panel_get_data (self->data_panel);
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->findings_list);
  nn_finding findings[MAX_FINDINGS], keep = { 0 };
  g_autoptr (GArray) checks = NULL;
  gboolean had_selection = FALSE;
  GtkWidget *child;
  size_t n = 0;
  guint errors = 0, warnings = 0, rows = 0;

  if (selected != NULL && g_object_get_data (G_OBJECT (selected), "finding") != NULL)
    {
      keep = *(nn_finding *) g_object_get_data (G_OBJECT (selected), "finding");
      had_selection = TRUE;
    }
  if (self->history != NULL && model != NULL && params != NULL)
    n = MIN (nn_diagnose (self->history, model, params, findings, MAX_FINDINGS), MAX_FINDINGS);
  self->last_diagnosed = bp_session_get_step (session);

  self->refilling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list))) != NULL)
    gtk_list_box_remove (self->findings_list, child);
  for (size_t i = 0; i < n; i++)
    {
      GtkWidget *row = finding_row (self, findings[i].severity, findings[i].message,
                                    findings[i].advice, &findings[i]);

      gtk_list_box_append (self->findings_list, row);
      errors += findings[i].severity == NN_FINDING_ERROR;
      warnings += findings[i].severity == NN_FINDING_WARNING;
      rows++;
      if (had_selection && same_place (&keep, &findings[i]))
        gtk_list_box_select_row (self->findings_list, GTK_LIST_BOX_ROW (row));
    }
  /* The data's own checks (warnings and errors), below the run's. */
  if (data != NULL)
    {
      checks = bp_data_check (data, NULL);
      for (guint i = 0; i < checks->len; i++)
        {
          const nn_check_finding *c = &g_array_index (checks, nn_check_finding, i);
          int severity = c->severity == NN_SEVERITY_ERROR ? NN_FINDING_ERROR
                         : c->severity == NN_SEVERITY_WARNING ? NN_FINDING_WARNING
                         : NN_FINDING_INFO;
          g_autofree char *message = NULL;

          if (c->severity == NN_SEVERITY_INFO)
            continue;
          message = g_strdup_printf (_("Data: %s"), c->message);
          gtk_list_box_append (self->findings_list, finding_row (self, severity, message,
                                                                 c->advice, NULL));
          errors += severity == NN_FINDING_ERROR;
          warnings += severity == NN_FINDING_WARNING;
          rows++;
        }
    }
  self->refilling = FALSE;

  if (rows == 0)
    gtk_label_set_text (self->diagnosis_summary,
                        bp_session_get_step (session) > 0
                        ? _("No problems found so far.")
                        : _("Findings appear here as the model trains."));
  else
    {
      guint notes = rows - errors - warnings;
      g_autofree char *e = g_strdup_printf (ngettext ("%u error", "%u errors", errors), errors);
      g_autofree char *w = g_strdup_printf (ngettext ("%u warning", "%u warnings", warnings),
                                            warnings);
      g_autofree char *n = g_strdup_printf (ngettext ("%u note", "%u notes", notes), notes);
      /* TRANSLATORS: the counts of errors, warnings and notes. */
      g_autofree char *summary = g_strdup_printf (_("%s, %s, %s. Select one to see its layer "
                                                    "and where it began."), e, w, n);

      gtk_label_set_text (self->diagnosis_summary, summary);
    }
}

/* After each step: reads the history every DIAGNOSE_EVERY steps. */
void
bp_window_diagnosis_step (BpWindow *self)
{
  if (bp_session_get_step (self->session) >= self->last_diagnosed + DIAGNOSE_EVERY)
    self->diagnosis_due = TRUE;
}

static void
finding_selected_cb (BpWindow      *self,
                     GtkListBoxRow *row)
{
  const nn_finding *f = row != NULL ? g_object_get_data (G_OBJECT (row), "finding") : NULL;
  double marker = f != NULL && f->step > 0 ? (double) f->step : NAN;

  if (self->refilling)
    return;
  bp_layer_editor_highlight (self->layer_editor, f != NULL ? f->layer : -1);
  if (f != NULL && f->layer >= 0)
    gtk_stack_set_visible_child_name (self->side_stack, "model");
  bp_line_plot_set_marker (self->loss_plot, marker);
  bp_line_plot_set_marker (self->grad_plot, marker);
  bp_line_plot_set_marker (self->ratio_plot, marker);
}

/* ---- Divergence -------------------------------------------------------- */

void
bp_window_diverged (BpWindow *self)
{
  const nn_divergence *d = bp_session_get_divergence (self->session);
  g_autofree char *msg = NULL;

  if (self->history != NULL && d != NULL)
    nn_history_set_divergence (self->history, d);
  if (d != NULL && strcmp (d->what, "input data") == 0)
    msg = g_strdup_printf (_("Training stopped: %s. Fix or drop those rows (the Data tab's "
                             "check lists them), then start again."), d->message);
  else
    msg = g_strdup_printf (_("Training diverged: %s. The run is paused at the last good step; "
                             "go on from there with a learning rate ten times smaller, or "
                             "change the settings and start again."),
                           d != NULL ? d->message : _("a value went non-finite"));
  bp_window_show_message (self, msg, TRUE);
  /* Bad data stay bad at any rate: then only fixing them helps. */
  gtk_widget_set_visible (GTK_WIDGET (self->banner_action),
                          d == NULL || strcmp (d->what, "input data") != 0);
  bp_window_diagnose (self);
}

static void
recover_action (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  BpWindow *self = BP_WINDOW (widget);
  double lr = bp_session_get_lr (self->session) / 10.0;

  gtk_widget_set_visible (GTK_WIDGET (self->banner_action), FALSE);
  gtk_revealer_set_reveal_child (self->banner, FALSE);
  if (bp_session_recover (self->session, lr))
    bp_training_panel_show_lr (self->training_panel, lr);
}

/* ---- The gradient check ------------------------------------------------ */

typedef struct
{
  nn_model_spec    spec;
  float           *params;
  float           *buffers;
  gsize            n_params;
  gsize            n_buffers;
  BpData          *data;
  nn_gradcheck_op *result;
  gsize            n_ops;
  char           **names;
  nn_error         err;
  gsize            rows;
} GradJob;

static void
grad_job_free (GradJob *job)
{
  g_free (job->params);
  g_free (job->buffers);
  g_clear_object (&job->data);
  g_free (job->result);
  g_strfreev (job->names);
  g_free (job);
}

static void
gradcheck_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GradJob *job = task_data;
  nn_dataset train = bp_data_get_train (job->data);
  nn_gradcheck_params gp = nn_gradcheck_params_default ();
  nn_model *model;

  job->rows = MIN (train.n, 16);
  model = nn_model_new (&job->spec, job->rows, &job->err);
  if (model == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  memcpy (nn_model_params (model), job->params, job->n_params * sizeof (float));
  memcpy (nn_model_buffers (model), job->buffers, job->n_buffers * sizeof (float));
  job->n_ops = nn_model_n_ops (model);
  job->result = g_new0 (nn_gradcheck_op, job->n_ops);
  job->names = g_new0 (char *, job->n_ops + 1);
  for (gsize i = 0; i < job->n_ops; i++)
    {
      char desc[64];

      nn_model_describe_op (model, i, desc, sizeof desc);
      job->names[i] = g_strdup_printf ("layers.%zu %s", i, desc);
    }
  if (nn_gradcheck (model, train.x, train.y, train.t, job->rows, &gp, job->result, &job->err)
      != NN_OK)
    {
      nn_model_free (model);
      g_task_return_boolean (task, FALSE);
      return;
    }
  nn_model_free (model);
  g_task_return_boolean (task, TRUE);
}

static GtkWidget *
cell (const char *text,
      gboolean    bold)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (bold)
    gtk_widget_add_css_class (label, "heading");
  return label;
}

#define GRADCHECK_TOLERANCE 1e-2

static const char *const verdict_names[] = {
  [NN_GRADCHECK_NONE] = N_("—"),
  [NN_GRADCHECK_PASS] = N_("pass"),
  [NN_GRADCHECK_FAIL] = N_("FAIL"),
  [NN_GRADCHECK_UNRESOLVED] = N_("too small"),
};

static const char *const verdict_tips[] = {
  [NN_GRADCHECK_NONE] = N_("Nothing to check: every entry sat at a ReLU kink"),
  [NN_GRADCHECK_PASS] = N_("Back-propagation matches finite differences"),
  [NN_GRADCHECK_FAIL] = N_("Back-propagation and finite differences disagree"),
  [NN_GRADCHECK_UNRESOLVED] = N_("Every gradient here is below what float32 finite differences "
                                 "can measure, so it cannot be checked"),
};

static void
gradcheck_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  BpWindow *self = BP_WINDOW (source);
  GTask *task = G_TASK (result);
  GradJob *job = g_task_get_task_data (task);
  GtkWidget *dialog, *grid, *box, *summary, *scroller;
  GtkEventController *escape;
  double worst = 0.0, resolution = 0.0;
  gsize skipped = 0, checked = 0, unresolved = 0;
  GString *text = g_string_new (NULL);

  self->gradcheck_busy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-gradients",
                                 bp_session_get_model (self->session) != NULL);
  if (!g_task_propagate_boolean (task, NULL))
    {
      bp_window_show_message (self, job->err.msg, TRUE);
      return;
    }
  dialog = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (dialog), _("Gradient Check"));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_titlebar (GTK_WINDOW (dialog), gtk_header_bar_new ());
  escape = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (escape),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (dialog, escape);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_attach (GTK_GRID (grid), cell (_("Layer"), TRUE), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cell (_("Parameters"), TRUE), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cell (_("Input"), TRUE), 2, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cell (_("Result"), TRUE), 3, 0, 1, 1);
  for (gsize i = 0; i < job->n_ops; i++)
    {
      const nn_gradcheck_op *r = &job->result[i];
      nn_gradcheck_verdict v = nn_gradcheck_judge (r, GRADCHECK_TOLERANCE);
      char pe[32] = "—", ie[32] = "—";
      GtkWidget *verdict = cell (_(verdict_names[v]), FALSE);

      if (isfinite (r->param_error) && v != NN_GRADCHECK_UNRESOLVED)
        g_snprintf (pe, sizeof pe, "%.2e", r->param_error);
      if (isfinite (r->input_error) && v != NN_GRADCHECK_UNRESOLVED)
        g_snprintf (ie, sizeof ie, "%.2e", r->input_error);
      if (isfinite (r->max_error))
        worst = fmax (worst, r->max_error);
      skipped += r->skipped;
      checked += r->checked;
      unresolved += r->unresolved;
      resolution = r->resolution;
      if (v == NN_GRADCHECK_PASS || v == NN_GRADCHECK_FAIL)
        gtk_widget_add_css_class (verdict, v == NN_GRADCHECK_PASS ? "success" : "error");
      else
        gtk_widget_add_css_class (verdict, "dim-label");
      gtk_widget_set_tooltip_text (verdict, _(verdict_tips[v]));
      gtk_grid_attach (GTK_GRID (grid), cell (job->names[i], FALSE), 0, (int) i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (pe, FALSE), 1, (int) i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (ie, FALSE), 2, (int) i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), verdict, 3, (int) i + 1, 1, 1);
    }
  if (worst > GRADCHECK_TOLERANCE)
    g_string_printf (text, _("Back-propagation and finite differences disagree: the largest "
                             "relative error is %.2e, above %.0e."), worst, GRADCHECK_TOLERANCE);
  else
    g_string_printf (text, _("Back-propagation agrees with central finite differences on %zu "
                             "rows: the largest relative error is %.2e (tolerance %.0e)."),
                     job->rows, worst, GRADCHECK_TOLERANCE);
  g_string_append_printf (text, _(" Differences within %.1e, what float32 differences resolve "
                                  "here, count as agreement."), resolution);
  if (unresolved > 0)
    g_string_append_printf (text, _(" %zu of %zu entries are that close to 0: too small to "
                                    "check, as where gradients vanish."), unresolved, checked);
  if (skipped > 0)
    g_string_append_printf (text, _(" %zu entries at a ReLU kink were left out."), skipped);
  summary = gtk_label_new (text->str);
  g_string_free (text, TRUE);
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (summary), 60);
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_box_append (GTK_BOX (box), summary);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 480);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_window_set_child (GTK_WINDOW (dialog), box);
  gtk_window_present (GTK_WINDOW (dialog));
  /* Known while it is open (the tests read it), forgotten when closed. */
  if (self->gradcheck_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->gradcheck_dialog));
  g_set_weak_pointer (&self->gradcheck_dialog, dialog);
}

static void
check_gradients_action (GtkWidget  *widget,
                        const char *action,
                        GVariant   *param)
{
  BpWindow *self = BP_WINDOW (widget);
  nn_model *model = bp_session_get_model (self->session);
  g_autoptr (GTask) task = NULL;
  GradJob *job;

  if (model == NULL || bp_session_get_data (self->session) == NULL)
    return;
  job = g_new0 (GradJob, 1);
  job->spec = *bp_session_get_spec (self->session);
  job->n_params = nn_model_n_params (model);
  job->n_buffers = nn_model_n_buffers (model);
  job->params = g_new (float, job->n_params + 1);
  job->buffers = g_new (float, job->n_buffers + 1);
  bp_session_copy_weights (self->session, job->params, job->buffers);
  job->data = g_object_ref (bp_session_get_data (self->session));
  self->gradcheck_busy = TRUE;
  gtk_widget_action_set_enabled (widget, "win.check-gradients", FALSE);
  task = g_task_new (self, NULL, gradcheck_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) grad_job_free);
  g_task_run_in_thread (task, gradcheck_thread);
}

void
bp_window_diagnosis_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, finding_selected_cb);
  gtk_widget_class_install_action (widget_class, "win.recover", NULL, recover_action);
  gtk_widget_class_install_action (widget_class, "win.check-gradients", NULL,
                                   check_gradients_action);
}
