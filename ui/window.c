/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "window-private.h"

#include <glib/gi18n.h>
#include <math.h>

#include "gemm.h"
#include "loss.h"

G_DEFINE_FINAL_TYPE (BpWindow, bp_window, GTK_TYPE_APPLICATION_WINDOW)

static void update_actions (BpWindow *self);
static void update_status (BpWindow *self);
static void refresh (BpWindow *self);

/* ---- Settings and the model -------------------------------------------- */

static nn_loss
current_loss (BpWindow *self)
{
  nn_trainer_params params;
  nn_loss loss;
  int threads;

  bp_training_panel_get_params (self->training_panel, &params, &loss, &threads);
  return loss;
}

/* Tells the layer editor what the data and the loss ask of the output. */
static void
update_shape (BpWindow *self)
{
  BpData *data = bp_data_panel_get_data (self->data_panel);
  nn_loss loss = current_loss (self);

  if (data == NULL)
    {
      bp_layer_editor_set_shape (self->layer_editor, 0, loss, 0, nn_loss_output_name (loss));
      return;
    }
  bp_layer_editor_set_shape (self->layer_editor, bp_data_get_features (data), loss,
                             nn_loss_outputs (loss, bp_data_get_task (data),
                                              bp_data_get_k (data)),
                             nn_loss_output_name (loss));
}

/* Builds the session's model from the panels: fresh weights from the
 * seed, or the weights a project brought. Only while no run goes on. */
static void
rebuild (BpWindow *self)
{
  BpData *data = bp_data_panel_get_data (self->data_panel);
  g_autoptr (GError) error = NULL;
  nn_trainer_params params;
  nn_model_spec spec;
  nn_loss loss;
  int threads;

  if (bp_window_is_training (self))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;
  g_array_set_size (self->epochs, 0);
  if (data == NULL || bp_layer_editor_get_problem (self->layer_editor) != NULL)
    {
      bp_window_plots_reset (self);
      update_actions (self);
      update_status (self);
      return;
    }
  bp_layer_editor_get_spec (self->layer_editor, &spec);
  bp_training_panel_get_params (self->training_panel, &params, &loss, &threads);
  spec.loss = loss;
  nn_gemm_set_threads (threads);
  if (!bp_session_setup (self->session, data, &spec, &params, self->pending_weights,
                         self->pending_buffers, &error))
    bp_window_show_message (self, error->message, TRUE);
  g_clear_pointer (&self->pending_weights, g_free);
  g_clear_pointer (&self->pending_buffers, g_free);
  /* The plots and the diagnosis follow the new model's layers. */
  bp_window_plots_reset (self);
  g_clear_pointer (&self->history, nn_history_free);
  if (bp_session_get_model (self->session) != NULL)
    self->history = nn_history_new (nn_model_n_ops (bp_session_get_model (self->session)), NULL);
  self->last_diagnosed = 0;
  bp_window_diagnose (self);
  bp_window_evaluation_reset (self);
  update_actions (self);
  update_status (self);
}

static void
data_loaded_cb (BpWindow *self,
                BpData   *data)
{
  nn_model_spec spec;

  bp_training_panel_set_task (self->training_panel, bp_data_get_task (data));
  bp_window_evaluation_set_data (self, data);
  update_shape (self);
  bp_layer_editor_get_spec (self->layer_editor, &spec);
  bp_data_panel_set_model (self->data_panel, &spec);
  rebuild (self);
}

static void
model_changed_cb (BpWindow *self)
{
  nn_model_spec spec;

  bp_layer_editor_get_spec (self->layer_editor, &spec);
  if (bp_data_panel_get_data (self->data_panel) != NULL)
    bp_data_panel_set_model (self->data_panel, &spec);
  /* A project's weights fit only the layers they came with. */
  g_clear_pointer (&self->pending_weights, g_free);
  g_clear_pointer (&self->pending_buffers, g_free);
  rebuild (self);
}

static void
training_changed_cb (BpWindow *self)
{
  update_shape (self);
  rebuild (self);
}

static void
lr_changed_cb (BpWindow *self,
               double    lr)
{
  bp_session_set_lr (self->session, lr);
}

/* ---- The run ----------------------------------------------------------- */

gboolean
bp_window_is_training (BpWindow *self)
{
  BpSessionState state;

  g_return_val_if_fail (BP_IS_WINDOW (self), FALSE);
  state = bp_session_get_state (self->session);
  return state == BP_SESSION_RUNNING || state == BP_SESSION_PAUSED;
}

static void
update_actions (BpWindow *self)
{
  BpSessionState state = bp_session_get_state (self->session);
  gboolean buildable = bp_data_panel_get_data (self->data_panel) != NULL
                       && bp_layer_editor_get_problem (self->layer_editor) == NULL;
  gboolean running = state == BP_SESSION_RUNNING;
  gboolean training = running || state == BP_SESSION_PAUSED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-pause",
                                 buildable && state != BP_SESSION_EMPTY);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step",
                                 buildable && (state == BP_SESSION_READY
                                               || state == BP_SESSION_PAUSED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset",
                                 buildable && state != BP_SESSION_EMPTY);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.recover",
                                 state == BP_SESSION_DIVERGED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-gradients",
                                 buildable && state != BP_SESSION_EMPTY && !self->gradcheck_busy);
  gtk_button_set_icon_name (self->start_button, running ? "media-playback-pause-symbolic"
                            : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button),
                               running ? _("Pause training (Space)")
                               : _("Start training (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->start_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  running ? _("Pause") : _("Start"), -1);
  bp_training_panel_set_running (self->training_panel, training);
}

/* Before a run starts (or takes a step) from READY, FINISHED or DIVERGED:
 * a finished or diverged run, or settings changed since, start over with
 * a new model; after Stop, a new run counts its steps from 1 again, so its
 * curves and history start afresh too. Returns FALSE without a model. */
static gboolean
prepare_run (BpWindow *self)
{
  BpSessionState state = bp_session_get_state (self->session);

  if (state == BP_SESSION_FINISHED || state == BP_SESSION_DIVERGED || self->stale)
    {
      self->stale = TRUE;
      rebuild (self);
    }
  else if (state == BP_SESSION_READY && bp_session_get_step (self->session) > 0)
    {
      bp_window_plots_reset (self);
      g_array_set_size (self->epochs, 0);
      if (self->history != NULL)
        nn_history_clear (self->history);
    }
  if (bp_session_get_state (self->session) == BP_SESSION_EMPTY)
    return FALSE;
  if (self->run_started == 0)
    {
      self->run_started = g_get_monotonic_time ();
      self->run_first_step = bp_session_get_step (self->session);
    }
  return TRUE;
}

static void
start_pause_action (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  BpWindow *self = BP_WINDOW (widget);
  BpSessionState state = bp_session_get_state (self->session);

  if (state == BP_SESSION_RUNNING)
    {
      bp_session_pause (self->session);
      return;
    }
  if (state != BP_SESSION_PAUSED && !prepare_run (self))
    return;
  bp_session_start (self->session);
}

static void
step_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  BpWindow *self = BP_WINDOW (widget);

  if (bp_session_get_state (self->session) != BP_SESSION_PAUSED && !prepare_run (self))
    return;
  bp_session_step (self->session);
}

static void
stop_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  BpWindow *self = BP_WINDOW (widget);

  bp_session_stop (self->session);
  self->run_started = 0;
  /* Changes held during the run apply now. */
  if (self->stale)
    rebuild (self);
  update_actions (self);
  update_status (self);
}

static void
reset_action (GtkWidget  *widget,
              const char *action,
              GVariant   *param)
{
  BpWindow *self = BP_WINDOW (widget);

  bp_session_stop (self->session);
  self->run_started = 0;
  self->stale = TRUE;
  rebuild (self);
}

static void
state_changed_cb (BpWindow *self)
{
  BpSessionState state = bp_session_get_state (self->session);

  if (state != BP_SESSION_RUNNING && state != BP_SESSION_PAUSED)
    self->run_started = 0;
  /* Whatever arrived shows now, not at the next tick. */
  if (self->dirty)
    refresh (self);
  if (state == BP_SESSION_DIVERGED)
    bp_window_diverged (self);
  else if (state == BP_SESSION_FINISHED || state == BP_SESSION_PAUSED)
    bp_window_diagnose (self);
  if (state == BP_SESSION_RUNNING)
    gtk_widget_set_visible (GTK_WIDGET (self->banner_action), FALSE);
  else
    bp_window_evaluation_refresh (self, TRUE);
  update_actions (self);
  update_status (self);
}

/* Ten times a second at most, the plots, the status line and the rate
 * shown catch up with the records that arrived: redrawing after every
 * one of thousands of steps a second would take the cores the worker
 * trains on. */
#define REFRESH_MS 100

static void
refresh (BpWindow *self)
{
  self->dirty = FALSE;
  bp_window_plots_refresh (self);
  if (self->diagnosis_due)
    {
      self->diagnosis_due = FALSE;
      bp_window_diagnose (self);
    }
  bp_window_evaluation_refresh (self, FALSE);
  bp_training_panel_show_lr (self->training_panel, self->shown_lr);
  update_status (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  BpWindow *self = user_data;

  if (!self->dirty)
    {
      self->refresh_id = 0;
      return G_SOURCE_REMOVE;
    }
  refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
mark_dirty (BpWindow *self)
{
  self->dirty = TRUE;
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_MS, refresh_cb, self);
}

static void
step_cb (BpWindow           *self,
         const BpStepRecord *record)
{
  if (self->history != NULL)
    {
      nn_step_report r = {
        .step = record->step, .epoch = record->epoch, .batch = record->batch,
        .batches = record->batches, .loss = record->loss, .lr = record->lr,
        .grad_norm = record->grad_norm, .n_ops = record->n_ops, .ops = record->ops,
      };

      nn_history_add_step (self->history, &r);
      bp_window_diagnosis_step (self);
    }
  bp_window_plots_add_step (self, record);
  self->shown_lr = record->lr;
  mark_dirty (self);
}

static void
epoch_cb (BpWindow            *self,
          const BpEpochRecord *record)
{
  nn_epoch_report r = record->report;

  r.dead_fraction = NULL;
  g_array_append_val (self->epochs, r);
  self->last_rate = r.samples_per_s;
  if (self->history != NULL)
    nn_history_add_epoch (self->history, &record->report);
  self->diagnosis_due = TRUE;
  bp_window_plots_add_epoch (self, &record->report, bp_session_get_step (self->session));
  mark_dirty (self);
}

/* ---- The status line --------------------------------------------------- */

static void
update_status (BpWindow *self)
{
  BpSessionState state = bp_session_get_state (self->session);
  const nn_trainer_params *params = bp_session_get_params (self->session);
  BpData *data = bp_session_get_data (self->session);
  guint64 step = bp_session_get_step (self->session);
  int epoch = bp_session_get_epoch (self->session);
  g_autofree char *status = NULL;
  guint64 per_epoch = 0, total = 0;

  if (state == BP_SESSION_EMPTY || params == NULL || data == NULL)
    {
      gtk_label_set_text (self->status_label,
                          bp_layer_editor_get_problem (self->layer_editor) != NULL
                          ? bp_layer_editor_get_problem (self->layer_editor)
                          : _("Load data to build the model"));
      gtk_progress_bar_set_fraction (self->progress, 0.0);
      gtk_label_set_text (self->speed_label, "");
      gtk_label_set_text (self->eta_label, "");
      return;
    }
  {
    nn_dataset train = bp_data_get_train (data);
    gsize batch = params->opt.kind == NN_OPT_GD || params->batch > train.n ? train.n
                  : params->batch;

    per_epoch = (train.n + batch - 1) / batch;
    total = per_epoch * (guint64) params->epochs;
  }
  status = g_strdup_printf (_("Epoch %d of %d · step %" G_GUINT64_FORMAT " · %s"),
                            MIN (epoch + 1, params->epochs), params->epochs, step,
                            state == BP_SESSION_RUNNING ? _("training")
                            : state == BP_SESSION_PAUSED ? _("paused")
                            : state == BP_SESSION_FINISHED ? _("finished")
                            : state == BP_SESSION_DIVERGED ? _("diverged")
                            : step > 0 ? _("stopped") : _("ready"));
  gtk_label_set_text (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress, total > 0 ? MIN (1.0, (double) step
                                                                  / (double) total) : 0.0);

  /* Speed: the last epoch's, or measured since the run started. */
  {
    double rate = self->last_rate, left;
    gint64 now = g_get_monotonic_time ();
    char text[64] = "";

    if (self->run_started > 0 && step > self->run_first_step && now > self->run_started)
      {
        double seconds = (double) (now - self->run_started) / G_USEC_PER_SEC;
        double steps_per_s = (double) (step - self->run_first_step) / seconds;

        if (rate <= 0.0)
          rate = steps_per_s * (double) params->batch;
        left = steps_per_s > 0.0 ? (double) (total - MIN (step, total)) / steps_per_s : 0.0;
        if (state == BP_SESSION_RUNNING && left >= 1.0)
          {
            if (left < 90.0)
              g_snprintf (text, sizeof text, _("%.0f s left"), left);
            else if (left < 5400.0)
              g_snprintf (text, sizeof text, _("%.0f min left"), left / 60.0);
            else
              g_snprintf (text, sizeof text, _("%.1f h left"), left / 3600.0);
          }
      }
    gtk_label_set_text (self->eta_label, text);
    if (rate > 0.0)
      g_snprintf (text, sizeof text, _("%.0f samples/s"), rate);
    else
      text[0] = '\0';
    gtk_label_set_text (self->speed_label, text);
  }
}

/* ---- Messages and the title -------------------------------------------- */

void
bp_window_show_message (BpWindow   *self,
                        const char *message,
                        gboolean    error)
{
  g_return_if_fail (BP_IS_WINDOW (self));

  gtk_label_set_text (self->banner_label, message);
  if (error)
    gtk_widget_add_css_class (self->banner_box, "error");
  else
    gtk_widget_remove_css_class (self->banner_box, "error");
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static void
banner_close_cb (BpWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

void
bp_window_set_title_name (BpWindow   *self,
                          const char *name)
{
  g_autofree char *title = NULL;

  g_return_if_fail (BP_IS_WINDOW (self));
  gtk_label_set_text (self->subtitle_label, name != NULL ? name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), name != NULL);
  title = name != NULL ? g_strdup_printf ("%s — Backprop", name) : g_strdup ("Backprop");
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* ---- Plot controls ----------------------------------------------------- */

static void
x_mode_cb (BpWindow *self)
{
  bp_window_plots_update_mode (self);
}

static void
log_y_cb (BpWindow *self)
{
  gboolean on = gtk_toggle_button_get_active (self->log_y);

  bp_plot_set_log_y (BP_PLOT (self->loss_plot), on);
}

static void
smoothing_cb (BpWindow *self)
{
  bp_line_plot_set_smoothing (self->loss_plot, gtk_range_get_value (GTK_RANGE (self->smoothing)));
}

static void
hist_layer_cb (BpWindow *self)
{
  bp_window_plots_show_layer (self);
}

/* ---- Closing ----------------------------------------------------------- */

static void
close_response_cb (GtkDialog *dialog,
                   int        response,
                   BpWindow  *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  bp_session_stop (self->session);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Asks before a run is thrown away; the worker is stopped and joined
 * either way (here, or in dispose). */
static gboolean
close_request_cb (GtkWindow *window)
{
  BpWindow *self = BP_WINDOW (window);
  GtkWidget *dialog;

  if (!bp_window_is_training (self))
    return FALSE;
  dialog = gtk_message_dialog_new (window, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Stop training and close?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("The run under way will be lost unless the "
                                              "project is saved first."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Stop and Close"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                GTK_RESPONSE_ACCEPT),
                            "destructive-action");
  g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- Life cycle -------------------------------------------------------- */

static void
bp_window_dispose (GObject *object)
{
  BpWindow *self = BP_WINDOW (object);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      bp_session_stop (self->session);
    }
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_weak_pointer (&self->gradcheck_dialog);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_WINDOW);
  G_OBJECT_CLASS (bp_window_parent_class)->dispose (object);
}

static void
bp_window_finalize (GObject *object)
{
  BpWindow *self = BP_WINDOW (object);

  g_array_unref (self->epochs);
  g_clear_pointer (&self->history, nn_history_free);
  g_ptr_array_unref (self->hist_sets);
  g_free (self->grad_series);
  g_free (self->hist_ops);
  g_free (self->pending_weights);
  g_free (self->pending_buffers);
  bp_window_evaluation_free (self);
  G_OBJECT_CLASS (bp_window_parent_class)->finalize (object);
}

static void
bp_window_class_init (BpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bp_window_dispose;
  object_class->finalize = bp_window_finalize;
  window_class->close_request = close_request_cb;

  g_type_ensure (BP_TYPE_DATA_PANEL);
  g_type_ensure (BP_TYPE_LAYER_EDITOR);
  g_type_ensure (BP_TYPE_TRAINING_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/backprop/ui/window.ui");
  gtk_widget_class_bind_template_child (widget_class, BpWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, banner_box);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, plot_stack);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, data_panel);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, layer_editor);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, training_panel);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, curves_page);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, gradients_page);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, histograms_page);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, x_mode);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, log_y);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, smoothing);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, hist_layer);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, hist_layers);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, speed_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, eta_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, findings_list);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, diagnosis_summary);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, banner_action);
  gtk_widget_class_bind_template_callback (widget_class, banner_close_cb);
  gtk_widget_class_bind_template_callback (widget_class, data_loaded_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, training_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, lr_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, x_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, log_y_cb);
  gtk_widget_class_bind_template_callback (widget_class, smoothing_cb);
  gtk_widget_class_bind_template_callback (widget_class, hist_layer_cb);

  gtk_widget_class_install_action (widget_class, "win.start-pause", NULL, start_pause_action);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, reset_action);
  bp_window_diagnosis_class_init (widget_class);
  bp_window_evaluation_class_init (widget_class);
  /* Space starts and pauses, unless a focused control takes it first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "win.start-pause", NULL);
}

static void
bp_window_init (BpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->epochs = g_array_new (FALSE, TRUE, sizeof (nn_epoch_report));
  self->hist_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) bp_histogram_set_free);
  self->session = bp_session_new ();
  g_signal_connect_swapped (self->session, "notify::state", G_CALLBACK (state_changed_cb), self);
  g_signal_connect_swapped (self->session, "step", G_CALLBACK (step_cb), self);
  g_signal_connect_swapped (self->session, "epoch", G_CALLBACK (epoch_cb), self);
  bp_window_plots_init (self);

  /* A new window starts where a first-time user would: two hidden ReLU
   * layers on the spiral, Adam, ready to press Start. */
  {
    nn_trainer_params params = nn_trainer_params_default ();
    nn_data_source source;
    nn_model_spec spec;

    nn_model_spec_init (&spec);
    spec.inputs = 2;
    nn_model_spec_parse_layers (&spec, "dense:32:relu,dense:32:relu,dense:3", NULL);
    bp_training_panel_set_params (self->training_panel, &params, NN_LOSS_CE,
                                  (int) g_get_num_processors ());
    bp_layer_editor_set_spec (self->layer_editor, &spec);
    nn_data_source_init (&source);
    bp_data_panel_set_source (self->data_panel, &source);
  }
  update_shape (self);
  update_actions (self);
  update_status (self);
}

/* ---- Public functions -------------------------------------------------- */

BpWindow *
bp_window_new (GtkApplication *app)
{
  return g_object_new (BP_TYPE_WINDOW, "application", app, NULL);
}

void
bp_window_load (BpWindow                *self,
                const nn_data_source    *source,
                const nn_model_spec     *spec,
                const nn_trainer_params *params,
                const float             *weights,
                gsize                    n_weights,
                const float             *buffers,
                gsize                    n_buffers,
                const char              *title)
{
  nn_trainer_params shown;
  nn_loss loss;
  int threads;

  g_return_if_fail (BP_IS_WINDOW (self));

  bp_session_stop (self->session);
  self->run_started = 0;
  bp_training_panel_get_params (self->training_panel, &shown, &loss, &threads);
  bp_training_panel_set_params (self->training_panel, params, spec->loss, threads);
  bp_layer_editor_set_spec (self->layer_editor, spec);
  /* Set after the editor's "changed", which drops pending weights. */
  g_clear_pointer (&self->pending_weights, g_free);
  g_clear_pointer (&self->pending_buffers, g_free);
  if (weights != NULL)
    {
      self->pending_weights = g_memdup2 (weights, n_weights * sizeof (float));
      self->n_pending_weights = n_weights;
      self->pending_buffers = n_buffers > 0 ? g_memdup2 (buffers, n_buffers * sizeof (float))
                              : NULL;
      self->n_pending_buffers = n_buffers;
    }
  bp_window_set_title_name (self, title);
  /* The model is built when the data have loaded (data_loaded_cb). */
  bp_data_panel_set_source (self->data_panel, source);
}

void
bp_window_get_settings (BpWindow          *self,
                        nn_data_source    *source,
                        nn_model_spec     *spec,
                        nn_trainer_params *params)
{
  nn_loss loss;
  int threads;

  g_return_if_fail (BP_IS_WINDOW (self));
  bp_data_panel_get_source (self->data_panel, source);
  bp_layer_editor_get_spec (self->layer_editor, spec);
  bp_training_panel_get_params (self->training_panel, params, &loss, &threads);
  spec->loss = loss;
}

BpData *
bp_window_get_data (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return bp_data_panel_get_data (self->data_panel);
}

BpSession *
bp_window_get_session (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return self->session;
}

GArray *
bp_window_get_history (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return self->epochs;
}

const nn_history *
bp_window_get_run_history (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return self->history;
}

void
bp_window_apply_settings (BpWindow                *self,
                          const nn_model_spec     *spec,
                          const nn_trainer_params *params)
{
  nn_trainer_params shown;
  nn_loss loss;
  int threads;

  g_return_if_fail (BP_IS_WINDOW (self));
  bp_training_panel_get_params (self->training_panel, &shown, &loss, &threads);
  bp_training_panel_set_params (self->training_panel, params, spec->loss, threads);
  bp_layer_editor_set_spec (self->layer_editor, spec);
  /* Neither setter says "changed": the model is rebuilt here (or when the
   * run under way stops). */
  update_shape (self);
  rebuild (self);
}
