/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "application.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "evaluate.h"
#include "project.h"
#include "window.h"

struct _BpApplication
{
  GtkApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (BpApplication, bp_application, GTK_TYPE_APPLICATION)

#define FILE_KEY "bp-project-file"

static BpWindow *
active_window (BpApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return window != NULL && BP_IS_WINDOW (window) ? BP_WINDOW (window) : NULL;
}

static BpWindow *
new_window (BpApplication *self)
{
  BpWindow *window = bp_window_new (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* ---- Opening ----------------------------------------------------------- */

/* The weights a project names, read into a model of its spec; NULL (no
 * error) when the project has none. */
static nn_model *
read_weights (BpProject  *p,
              GError    **error)
{
  nn_error err = { 0 };
  nn_model *model;

  if (p->weights == NULL || p->spec.inputs == 0)
    return NULL;
  model = nn_model_new (&p->spec, 1, &err);
  if (model == NULL)
    {
      g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_MISMATCH, "%s", err.msg);
      return NULL;
    }
  if (!bp_project_load_weights (p->weights, model, error))
    {
      nn_model_free (model);
      return NULL;
    }
  return model;
}

static void
open_in_window (BpApplication *self,
                GFile         *file,
                BpWindow      *window)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (GError) error = NULL;
  g_autoptr (BpProject) p = NULL;
  nn_model *model = NULL;

  if (path == NULL || (p = bp_project_load (path, &error)) == NULL)
    {
      bp_window_show_message (window, error != NULL ? error->message
                              : _("Only local files can be opened"), TRUE);
      return;
    }
  model = read_weights (p, &error);
  if (error != NULL)
    {
      bp_window_show_message (window, error->message, TRUE);
      return;
    }
  if (g_str_has_suffix (name, ".json"))
    name[strlen (name) - 5] = '\0';
  bp_window_load (window, &p->data, &p->spec, &p->training,
                  model != NULL ? nn_model_params (model) : NULL,
                  model != NULL ? nn_model_n_params (model) : 0,
                  model != NULL ? nn_model_buffers (model) : NULL,
                  model != NULL ? nn_model_n_buffers (model) : 0, name);
  g_object_set_data_full (G_OBJECT (window), FILE_KEY, g_object_ref (file), g_object_unref);
  nn_model_free (model);
}

typedef struct
{
  BpApplication *app;
  GFile         *file;
  BpWindow      *window;
} OpenRequest;

static void
open_request_free (OpenRequest *r)
{
  g_object_unref (r->file);
  g_object_unref (r->window);
  g_free (r);
}

static void
confirm_open_cb (GtkDialog   *dialog,
                 int          response,
                 OpenRequest *r)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      bp_session_stop (bp_window_get_session (r->window));
      open_in_window (r->app, r->file, r->window);
    }
  open_request_free (r);
}

void
bp_application_open_project (BpApplication *self,
                             GFile         *file,
                             GtkWindow     *window)
{
  OpenRequest *r;
  GtkWidget *dialog;

  g_return_if_fail (BP_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  if (window == NULL || !BP_IS_WINDOW (window))
    window = GTK_WINDOW (new_window (self));
  if (!bp_window_is_training (BP_WINDOW (window)))
    {
      open_in_window (self, file, BP_WINDOW (window));
      return;
    }
  /* A run would be lost: ask first. */
  r = g_new0 (OpenRequest, 1);
  r->app = self;
  r->file = g_object_ref (file);
  r->window = g_object_ref (BP_WINDOW (window));
  dialog = gtk_message_dialog_new (window, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Stop training and open another project?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("The run under way will be lost unless it is "
                                              "saved first."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Stop and Open"), GTK_RESPONSE_ACCEPT, NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_open_cb), r);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkFileFilter *
project_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Backprop projects"));
  gtk_file_filter_add_suffix (filter, "json");
  return filter;
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  BpApplication   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      bp_application_open_project (self, file, GTK_WINDOW (active_window (self)));
    }
  g_object_unref (dialog);
}

static void
open_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  BpApplication *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) filter = project_filter ();

  dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (active_window (self)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- Saving ------------------------------------------------------------ */

static gboolean
same_layers (const nn_model_spec *a,
             const nn_model_spec *b)
{
  char fa[4096], fb[4096];

  nn_model_spec_format_layers (a, fa, sizeof fa);
  nn_model_spec_format_layers (b, fb, sizeof fb);
  return a->loss == b->loss && strcmp (fa, fb) == 0;
}

/* The run's summary: its epochs, the best one, and the test metrics of
 * the model as it is now. */
static void
record_run (BpProject *p,
            BpWindow  *window,
            nn_model  *model)
{
  BpSession *session = bp_window_get_session (window);
  GArray *history = bp_window_get_history (window);
  BpData *data = bp_window_get_data (window);
  double best = INFINITY;
  nn_dataset part;

  if (history->len == 0)
    return;
  switch (bp_session_get_state (session))
    {
    case BP_SESSION_FINISHED:
      p->run_state = g_strdup ("finished");
      break;
    case BP_SESSION_DIVERGED:
      p->run_state = g_strdup ("diverged");
      break;
    case BP_SESSION_EMPTY:
    case BP_SESSION_READY:
    case BP_SESSION_RUNNING:
    case BP_SESSION_PAUSED:
    default:
      p->run_state = g_strdup ("stopped");
      break;
    }
  p->run_epochs = bp_session_get_epoch (session);
  p->run_steps = bp_session_get_step (session);
  for (guint i = 0; i < history->len; i++)
    {
      const nn_epoch_report *r = &g_array_index (history, nn_epoch_report, i);
      BpRunEpoch rec = {
        .epoch = r->epoch, .train_loss = r->train_loss, .train_accuracy = r->train_accuracy,
        .val_loss = r->val_loss, .val_accuracy = r->val_accuracy, .lr = r->lr,
        .samples_per_s = r->samples_per_s, .seconds = r->seconds,
      };

      g_array_append_val (p->history, rec);
      p->run_seconds += r->seconds;
      if (r->has_val && r->val_loss < best)
        {
          best = r->val_loss;
          p->best_epoch = r->epoch;
        }
    }
  if (model == NULL || data == NULL)
    return;
  part = bp_data_get_test (data);
  p->test_part = g_strdup ("test");
  if (part.n == 0)
    {
      part = bp_data_get_val (data);
      g_free (p->test_part);
      p->test_part = g_strdup ("val");
    }
  if (part.n == 0)
    return;
  if (part.task == NN_TASK_CLASSIFICATION)
    {
      nn_class_metrics *cm = nn_class_metrics_new (part.k, NULL);

      if (cm != NULL && nn_evaluate (model, &part, &p->test_loss, cm, NULL, NULL) == NN_OK)
        {
          nn_class_metrics_finish (cm);
          p->test_accuracy = cm->accuracy;
          p->test_macro_f1 = cm->macro_f1;
        }
      nn_class_metrics_free (cm);
    }
  else
    {
      nn_regression_metrics *rm = nn_regression_metrics_new (part.k, NULL);

      if (rm != NULL && nn_evaluate (model, &part, &p->test_loss, NULL, rm, NULL) == NN_OK)
        {
          nn_regression_metrics_finish (rm);
          p->test_mse = rm->mse;
          p->test_mae = rm->mae;
          p->test_r2 = rm->r2;
        }
      nn_regression_metrics_free (rm);
    }
}

gboolean
bp_application_save_project (BpApplication  *self,
                             GtkWindow      *window,
                             GFile          *file,
                             GError        **error)
{
  BpWindow *win = BP_WINDOW (window);
  BpSession *session = bp_window_get_session (win);
  g_autoptr (BpProject) p = bp_project_new ();
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  nn_model *model = NULL;
  BpData *data;

  g_return_val_if_fail (BP_IS_APPLICATION (self), FALSE);
  if (path == NULL)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        _("Projects can only be saved to local files")), FALSE;
  /* The model can only be read between steps. */
  if (bp_session_get_state (session) == BP_SESSION_RUNNING)
    bp_session_pause (session);
  bp_window_get_settings (win, &p->data, &p->spec, &p->training);
  data = bp_window_get_data (win);
  if (data != NULL)
    bp_project_set_data (p, bp_data_get_loaded (data));
  if (bp_session_get_state (session) != BP_SESSION_EMPTY
      && bp_session_get_state (session) != BP_SESSION_RUNNING
      && bp_session_get_spec (session) != NULL && same_layers (bp_session_get_spec (session),
                                                               &p->spec))
    model = bp_session_get_model (session);
  record_run (p, win, model);
  if (!bp_project_save (p, path, model, bp_window_get_run_history (win), error))
    return FALSE;
  g_object_set_data_full (G_OBJECT (window), FILE_KEY, g_object_ref (file), g_object_unref);
  if (g_str_has_suffix (name, ".json"))
    name[strlen (name) - 5] = '\0';
  bp_window_set_title_name (win, name);
  return TRUE;
}

static void
save_to (BpApplication *self,
         BpWindow      *window,
         GFile         *file)
{
  g_autoptr (GError) error = NULL;

  if (!bp_application_save_project (self, GTK_WINDOW (window), file, &error))
    bp_window_show_message (window, error->message, TRUE);
}

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  BpApplication   *self)
{
  BpWindow *window = active_window (self);

  if (response == GTK_RESPONSE_ACCEPT && window != NULL)
    {
      g_autoptr (GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *base = g_file_get_basename (chosen);
      g_autoptr (GFile) file = NULL;

      /* Projects are NAME.json beside NAME.safetensors. */
      if (g_str_has_suffix (base, ".json"))
        file = g_object_ref (chosen);
      else
        {
          g_autoptr (GFile) parent = g_file_get_parent (chosen);
          g_autofree char *json = g_strconcat (base, ".json", NULL);

          file = g_file_get_child (parent, json);
        }
      save_to (self, window, file);
    }
  g_object_unref (dialog);
}

static void
save_as_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  BpApplication *self = user_data;
  BpWindow *window = active_window (self);
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) filter = project_filter ();

  if (window == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Save Project"), GTK_WINDOW (window),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "project.json");
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  BpApplication *self = user_data;
  BpWindow *window = active_window (self);
  GFile *file = window != NULL ? g_object_get_data (G_OBJECT (window), FILE_KEY) : NULL;

  if (file == NULL)
    save_as_action (action, param, user_data);
  else
    save_to (self, window, file);
}

/* ---- The rest ---------------------------------------------------------- */

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  BpApplication *self = user_data;
  static const char *authors[] = { "The Backprop developers", NULL };

  gtk_show_about_dialog (GTK_WINDOW (active_window (self)),
                         "program-name", "Backprop",
                         "logo-icon-name", BP_APPLICATION_ID,
                         "version", BP_VERSION,
                         "comments", _("Build, train and debug neural networks"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  /* Each window asks first if it is training. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "open", open_action, NULL, NULL, NULL, { 0 } },
  { "save", save_action, NULL, NULL, NULL, { 0 } },
  { "save-as", save_as_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
bp_application_startup (GApplication *app)
{
  static const char *const open_accels[] = { "<Control>o", NULL };
  static const char *const save_accels[] = { "<Control>s", NULL };
  static const char *const save_as_accels[] = { "<Control><Shift>s", NULL };
  static const char *const quit_accels[] = { "<Control>q", NULL };
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (bp_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.save", save_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.save-as", save_as_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_css_provider_load_from_resource (css, "/app/backprop/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (BP_APPLICATION_ID);
}

static void
bp_application_activate (GApplication *app)
{
  new_window (BP_APPLICATION (app));
}

static void
bp_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    bp_application_open_project (BP_APPLICATION (app), files[i], NULL);
}

static void
bp_application_class_init (BpApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = bp_application_startup;
  app_class->activate = bp_application_activate;
  app_class->open = bp_application_open;
}

static void
bp_application_init (BpApplication *self)
{
}

BpApplication *
bp_application_new (void)
{
  return g_object_new (BP_TYPE_APPLICATION,
                       "application-id", BP_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/app/backprop",
                       NULL);
}
