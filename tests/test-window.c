/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window as a person uses it: it opens on the spiral, Start trains
 * while the main loop stays responsive and the loss comes down, and a run
 * under way is stopped and its worker joined before the window goes —
 * after asking. Saving a project from the window and opening it again
 * gives the same settings and weights. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "application.h"
#include "project.h"
#include "ui-test-private.h"
#include "window-private.h"

#define TIMEOUT_S 60.0

#if defined(__SANITIZE_ADDRESS__)
#define RESPONSIVE_US 1000000
#else
#define RESPONSIVE_US 250000
#endif

static gboolean
state_is (BpWindow       *window,
          BpSessionState  state)
{
  return bp_session_get_state (bp_window_get_session (window)) == state;
}

/* Iterates the main loop until the session reaches @state. */
static gboolean
wait_state (BpWindow       *window,
            BpSessionState  state)
{
  gint64 end = g_get_monotonic_time () + (gint64) (TIMEOUT_S * G_USEC_PER_SEC);

  while (!state_is (window, state) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return state_is (window, state);
}

static guint
count_workers (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, "bp-session"))
        n++;
    }
  return n;
}

static void
assert_no_worker (void)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

  while (count_workers () > 0 && g_get_monotonic_time () < end)
    g_usleep (1000);
  g_assert_cmpuint (count_workers (), ==, 0);
}

/* Records the longest gap between ticks of a 10 ms timeout: how long the
 * main loop was ever kept from running. */
typedef struct
{
  gint64 last;
  gint64 longest;
} Pulse;

static gboolean
pulse_cb (gpointer user_data)
{
  Pulse *p = user_data;
  gint64 now = g_get_monotonic_time ();

  if (p->last > 0)
    p->longest = MAX (p->longest, now - p->last);
  p->last = now;
  return G_SOURCE_CONTINUE;
}

static double
mean (const double *y,
      gsize         n)
{
  double s = 0.0;

  for (gsize i = 0; i < n; i++)
    s += y[i];
  return s / (double) n;
}

/* The scenario of the issue: open the window, start training on the
 * spiral, and after 2 seconds find loss points that go down and a main
 * loop that kept answering. */
static void
test_train_spiral (void)
{
  BpWindow *window = bp_window_new (NULL);
  Pulse pulse = { 0 };
  const double *x, *y;
  guint source;
  gsize n;

  gtk_window_present (GTK_WINDOW (window));
  /* The window opens on the spiral and builds the model once loaded. */
  g_assert_true (wait_state (window, BP_SESSION_READY));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL));

  source = g_timeout_add (10, pulse_cb, &pulse);
  bp_test_spin (2000);
  g_source_remove (source);

  n = bp_line_plot_get_points (window->loss_plot, 0, &x, &y);
  g_test_message ("%" G_GSIZE_FORMAT " loss points; longest main-loop gap %.1f ms", n,
                  (double) pulse.longest / 1000.0);
  g_assert_cmpuint (n, >=, 100);
  for (gsize i = 1; i < n; i++)
    g_assert_cmpfloat (x[i], >, x[i - 1]);
  /* The last tenth of the batch losses well under the first tenth. */
  g_assert_cmpfloat (mean (y + n - n / 10, n / 10), <, 0.7 * mean (y, n / 10));
  /* Responsive: never more than a quarter second without the main loop
   * (a second under the sanitizers, which slow every frame's drawing
   * several times over). */
  g_assert_cmpint (pulse.longest, <, RESPONSIVE_US);

  /* The gradient plot has one series per layer with parameters. */
  g_assert_cmpuint (bp_line_plot_get_n_series (window->grad_plot), ==, 3);
  g_assert_cmpuint (bp_line_plot_get_points (window->grad_plot, 0, &x, &y), >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  assert_no_worker ();
}

/* Pause stops the steps; Step takes exactly one; Stop joins the worker. */
static void
test_pause_step_stop (void)
{
  BpWindow *window = bp_window_new (NULL);
  BpSession *session = bp_window_get_session (window);
  guint64 before;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_state (window, BP_SESSION_READY));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  g_assert_true (wait_state (window, BP_SESSION_RUNNING));
  g_assert_true (bp_window_is_training (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  g_assert_true (wait_state (window, BP_SESSION_PAUSED));
  before = bp_session_get_step (session);
  bp_test_spin (200);
  g_assert_cmpuint (bp_session_get_step (session), ==, before);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL);
  bp_test_spin (300);
  g_assert_true (wait_state (window, BP_SESSION_PAUSED));
  g_assert_cmpuint (bp_session_get_step (session), ==, before + 1);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (state_is (window, BP_SESSION_READY));
  g_assert_false (bp_window_is_training (window));
  assert_no_worker ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing while a run goes on asks first; Cancel keeps it, accepting
 * stops and joins the worker and closes. */
static void
test_close_asks (void)
{
  BpWindow *window = bp_window_new (NULL);
  g_autoptr (GtkWindow) dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint before;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_state (window, BP_SESSION_READY));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  g_assert_true (wait_state (window, BP_SESSION_RUNNING));

  g_object_ref (window);
  before = g_list_model_get_n_items (toplevels);
  gtk_window_close (GTK_WINDOW (window));
  bp_test_spin (100);
  /* Still there, with a question beside it. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before + 1);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_MESSAGE_DIALOG (w))
        dialog = w;
      else
        g_object_unref (w);
    }
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  bp_test_spin (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  assert_no_worker ();
  /* The dialog names the window as its parent: let it go first. */
  g_clear_object (&dialog);
  g_object_unref (window);
}

/* Settings in, a project file out and back in: the same layers, training
 * settings and data source, and the weights trained. */
static void
test_save_and_open (void)
{
  g_autoptr (BpApplication) app = bp_application_new ();
  g_autofree char *dir = g_dir_make_tmp ("bp-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autofree char *weights_path = g_build_filename (dir, "run.safetensors", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (BpProject) project = NULL;
  nn_trainer_params params = nn_trainer_params_default ();
  nn_data_source source, shown_source;
  nn_model_spec spec, shown_spec;
  nn_trainer_params shown_params;
  g_autofree float *trained = NULL;
  BpWindow *window, *second;
  char a[256], b[256];
  gsize n_params;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = bp_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));

  nn_data_source_init (&source);
  g_assert_cmpint (nn_data_source_set (&source, "moons", NULL), ==, NN_OK);
  source.generate.samples = 300;
  nn_model_spec_init (&spec);
  spec.inputs = 2;
  nn_model_spec_parse_layers (&spec, "dense:16:tanh,dropout:0.1,dense:2", NULL);
  params.opt = nn_optimizer_params_default (NN_OPT_MOMENTUM);
  params.opt.lr = 0.05;
  params.epochs = 5;
  params.batch = 16;
  bp_window_load (window, &source, &spec, &params, NULL, 0, NULL, 0, "moons");
  g_assert_true (wait_state (window, BP_SESSION_READY));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  g_assert_true (wait_state (window, BP_SESSION_FINISHED));
  n_params = nn_model_n_params (bp_session_get_model (bp_window_get_session (window)));
  trained = g_memdup2 (nn_model_params (bp_session_get_model (bp_window_get_session (window))),
                       n_params * sizeof (float));

  g_assert_true (bp_application_save_project (app, GTK_WINDOW (window), file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (weights_path, G_FILE_TEST_EXISTS));
  project = bp_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (project->data.name, ==, "moons");
  g_assert_cmpuint (project->data.generate.samples, ==, 300);
  g_assert_cmpint (project->training.opt.kind, ==, NN_OPT_MOMENTUM);
  g_assert_cmpfloat (project->training.opt.lr, ==, 0.05);
  g_assert_cmpint (project->training.epochs, ==, 5);
  g_assert_cmpstr (project->run_state, ==, "finished");
  g_assert_cmpuint (project->history->len, ==, 5);
  g_assert_cmpfloat (project->test_accuracy, >, 0.5);
  nn_model_spec_format_layers (&project->spec, a, sizeof a);
  g_assert_cmpstr (a, ==, "dense:16:tanh,dropout:0.1,dense:2");

  /* Open it in a new window: the settings come back, and once the data
   * have loaded the model starts from the saved weights. */
  second = bp_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (second));
  bp_application_open_project (app, file, GTK_WINDOW (second));
  g_assert_true (wait_state (second, BP_SESSION_READY));
  bp_test_spin (400);
  g_assert_true (wait_state (second, BP_SESSION_READY));
  bp_window_get_settings (second, &shown_source, &shown_spec, &shown_params);
  g_assert_cmpstr (shown_source.name, ==, "moons");
  g_assert_cmpuint (shown_source.generate.samples, ==, 300);
  nn_model_spec_format_layers (&shown_spec, b, sizeof b);
  g_assert_cmpstr (b, ==, a);
  g_assert_cmpint (shown_params.opt.kind, ==, NN_OPT_MOMENTUM);
  g_assert_cmpfloat (shown_params.opt.lr, ==, 0.05);
  g_assert_cmpmem (nn_model_params (bp_session_get_model (bp_window_get_session (second))),
                   n_params * sizeof (float), trained, n_params * sizeof (float));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (second)), ==, "run — Backprop");

  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (window));
  assert_no_worker ();
  g_remove (path);
  g_remove (weights_path);
  g_rmdir (dir);
}

/* Loads the spiral into @window with @layers and SGD at @lr, batch 32,
 * for @epochs, and waits until the model is built. */
static void
load_spiral (BpWindow   *window,
             const char *layers,
             double      lr,
             guint       epochs)
{
  nn_trainer_params params = nn_trainer_params_default ();
  nn_data_source source;
  nn_model_spec spec;

  nn_data_source_init (&source);
  g_assert_cmpint (nn_data_source_set (&source, "spiral", NULL), ==, NN_OK);
  nn_model_spec_init (&spec);
  spec.inputs = 2;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, layers, NULL), ==, NN_OK);
  params.opt = nn_optimizer_params_default (NN_OPT_SGD);
  params.opt.lr = lr;
  params.epochs = epochs;
  params.batch = 32;
  bp_window_load (window, &source, &spec, &params, NULL, 0, NULL, 0, "spiral");
  g_assert_true (wait_state (window, BP_SESSION_READY));
}

/* The row of the findings list about @kind, or NULL. */
static GtkListBoxRow *
finding_row (BpWindow        *window,
             nn_finding_kind  kind)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (window->findings_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      const nn_finding *f = g_object_get_data (G_OBJECT (row), "finding");

      if (f != NULL && f->kind == kind)
        return GTK_LIST_BOX_ROW (row);
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *b = find_button (c);

      if (b != NULL)
        return b;
    }
  return NULL;
}

/* Nine Sigmoid layers at SGD 0.01: the Diagnosis tab reports vanishing
 * gradients at the first layer while the run goes on; selecting the
 * finding highlights that layer and marks the step it began on the plots;
 * its fix switches the layer to He initialisation. */
static void
test_diagnosis (void)
{
  BpWindow *window = bp_window_new (NULL);
  GtkListBoxRow *row;
  const nn_finding *f;
  nn_trainer_params params;
  nn_data_source source;
  nn_model_spec spec;
  GtkWidget *fix;

  gtk_window_present (GTK_WINDOW (window));
  load_spiral (window, "dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,"
               "dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,"
               "dense:16:sigmoid,dense:3", 0.01, 20);
  g_assert_null (finding_row (window, NN_FINDING_VANISHING));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  g_assert_true (wait_state (window, BP_SESSION_FINISHED));
  bp_test_spin (100);

  row = finding_row (window, NN_FINDING_VANISHING);
  g_assert_nonnull (row);
  f = g_object_get_data (G_OBJECT (row), "finding");
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpint (f->layer, ==, 0);
  g_assert_cmpint (f->fix, ==, NN_FIX_HE_INIT);
  g_assert_nonnull (strstr (gtk_label_get_text (window->diagnosis_summary), "warnings"));

  gtk_list_box_select_row (window->findings_list, row);
  g_assert_cmpint (bp_layer_editor_get_highlighted (window->layer_editor), ==, 0);
  g_assert_cmpfloat (bp_line_plot_get_marker (window->grad_plot), ==, (double) f->step);
  g_assert_cmpfloat (bp_line_plot_get_marker (window->loss_plot), ==, (double) f->step);

  fix = find_button (GTK_WIDGET (row));
  g_assert_nonnull (fix);
  g_signal_emit_by_name (fix, "clicked");
  bp_window_get_settings (window, &source, &spec, &params);
  g_assert_cmpint (spec.layers[0].init, ==, NN_INIT_HE_NORMAL);
  g_assert_cmpint (spec.layers[1].init, ==, NN_INIT_AUTO);
  g_assert_true (gtk_revealer_get_reveal_child (window->banner));
  g_assert_nonnull (strstr (gtk_label_get_text (window->banner_label), "Done:"));
  gtk_window_destroy (GTK_WINDOW (window));
  assert_no_worker ();
}

/* The data's own checks are part of the diagnosis: a CSV file with a
 * column that never changes shows it among the findings, before any run. */
static void
test_data_findings (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bp-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "constant.csv", NULL);
  g_autoptr (GString) csv = g_string_new ("a,b,c,label\n");
  nn_trainer_params params = nn_trainer_params_default ();
  BpWindow *window = bp_window_new (NULL);
  nn_data_source source;
  nn_model_spec spec;

  for (int i = 0; i < 90; i++)
    g_string_append_printf (csv, "%d,%g,1,%s\n", i, (i * 37) % 11 / 3.0, i % 3 ? "yes" : "no");
  g_assert_true (g_file_set_contents (path, csv->str, -1, NULL));
  nn_data_source_init (&source);
  g_assert_cmpint (nn_data_source_set (&source, path, NULL), ==, NN_OK);
  nn_model_spec_init (&spec);
  spec.inputs = 3;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:8:relu,dense:2", NULL), ==, NN_OK);
  gtk_window_present (GTK_WINDOW (window));
  bp_window_load (window, &source, &spec, &params, NULL, 0, NULL, 0, "constant");
  g_assert_true (wait_state (window, BP_SESSION_READY));
  g_assert_true (bp_test_find_label (GTK_WIDGET (window->findings_list), "Data: "));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (window->diagnosis_summary),
                                   "0 errors, 1 warning, 0 notes."));
  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (path);
  g_rmdir (dir);
}

/* Every fix a finding offers reaches the panels as it names it, the way
 * its button applies it: the window's settings, the fix, the settings
 * shown again. */
static void
test_fixes (void)
{
  static const struct
  {
    nn_fix      fix;
    int         layer;
    const char *layers;  /* after the fix; NULL: unchanged */
  } cases[] = {
    { NN_FIX_HE_INIT, 1, "dense:16:relu,dense:8:sigmoid:he_normal,dense:3" },
    { NN_FIX_ADD_BATCHNORM, 1, "dense:16:relu,dense:8,batchnorm,sigmoid,dense:3" },
    { NN_FIX_LEAKY_RELU, 0, "dense:16:leaky_relu,dense:8:sigmoid,dense:3" },
    { NN_FIX_ADD_DROPOUT, -1, "dense:16:relu,dense:8:sigmoid,dropout:0.2,dense:3" },
    { NN_FIX_LOWER_LR, -1, NULL },
    { NN_FIX_RAISE_LR, -1, NULL },
    { NN_FIX_CLIP_NORM, -1, NULL },
    { NN_FIX_EARLY_STOP, -1, NULL },
    { NN_FIX_PLATEAU_SCHEDULE, -1, NULL },
  };
  BpWindow *window = bp_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_finding f = { .fix = cases[i].fix, .layer = cases[i].layer, .op = SIZE_MAX };
      nn_trainer_params params, shown_params;
      nn_data_source source;
      nn_model_spec spec, shown_spec;
      char layers[256];

      g_test_message ("%s", nn_fix_name (cases[i].fix));
      load_spiral (window, "dense:16:relu,dense:8:sigmoid,dense:3", 0.1, 20);
      bp_window_get_settings (window, &source, &spec, &params);
      g_assert_true (nn_fix_apply (&f, &spec, &params));
      bp_window_apply_settings (window, &spec, &params);
      bp_window_get_settings (window, &source, &shown_spec, &shown_params);
      nn_model_spec_format_layers (&shown_spec, layers, sizeof layers);
      g_assert_cmpstr (layers, ==, cases[i].layers != NULL ? cases[i].layers
                       : "dense:16:relu,dense:8:sigmoid,dense:3");
      g_assert_cmpfloat_with_epsilon (shown_params.opt.lr, cases[i].fix == NN_FIX_LOWER_LR ? 0.01
                                      : cases[i].fix == NN_FIX_RAISE_LR ? 1.0 : 0.1, 1e-12);
      g_assert_cmpfloat (shown_params.clip_norm, ==, cases[i].fix == NN_FIX_CLIP_NORM ? 1.0 : 0.0);
      g_assert_cmpint (shown_params.early_stop, ==, cases[i].fix == NN_FIX_EARLY_STOP ? 10 : 0);
      g_assert_cmpint (shown_params.schedule.kind, ==, cases[i].fix == NN_FIX_PLATEAU_SCHEDULE
                       ? NN_SCHEDULE_PLATEAU : NN_SCHEDULE_CONSTANT);
      /* And the model is built from them. */
      g_assert_true (wait_state (window, BP_SESSION_READY));
      g_assert_cmpuint (nn_model_n_ops (bp_session_get_model (bp_window_get_session (window))),
                        ==, nn_model_spec_count_ops (&shown_spec));
    }
  gtk_window_destroy (GTK_WINDOW (window));
  assert_no_worker ();
}

/* SGD at a learning rate of 100 on the spiral diverges: the run stops at
 * the last good step with a banner and a diagnosis; recovering goes on
 * from there at a tenth of the rate. */
static void
test_recover (void)
{
  BpWindow *window = bp_window_new (NULL);
  BpSession *session = bp_window_get_session (window);
  guint64 diverged_at;

  gtk_window_present (GTK_WINDOW (window));
  load_spiral (window, "dense:32:relu,dense:3", 100.0, 50);
  /* Nothing to recover from yet: the action is off and changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.recover", NULL);
  g_assert_cmpfloat (bp_session_get_lr (session), ==, 100.0);
  g_assert_true (state_is (window, BP_SESSION_READY));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  g_assert_true (wait_state (window, BP_SESSION_DIVERGED));
  bp_test_spin (100);
  g_assert_true (gtk_revealer_get_reveal_child (window->banner));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->banner_action)));
  g_assert_nonnull (finding_row (window, NN_FINDING_DIVERGED));
  for (gsize i = 0; i < nn_model_n_params (bp_session_get_model (session)); i++)
    g_assert_true (isfinite (nn_model_params (bp_session_get_model (session))[i]));

  diverged_at = bp_session_get_step (session);
  g_assert_cmpuint (diverged_at, >, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.recover", NULL));
  g_assert_cmpfloat (bp_session_get_lr (session), ==, 10.0);
  /* It goes on from there: the steps count on, the plots keep theirs. */
  bp_test_spin (200);
  g_assert_cmpuint (bp_session_get_step (session), >=, diverged_at);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->banner_action)));
  g_assert_true (state_is (window, BP_SESSION_RUNNING) || state_is (window, BP_SESSION_DIVERGED)
                 || state_is (window, BP_SESSION_FINISHED));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  assert_no_worker ();
}

/* Check Gradients compares back-propagation with finite differences on a
 * background thread and shows the table: every layer passes. */
static void
test_check_gradients (void)
{
  BpWindow *window = bp_window_new (NULL);
  gint64 end;

  gtk_window_present (GTK_WINDOW (window));
  load_spiral (window, "dense:16:tanh,dense:3", 0.1, 1);
  g_assert_null (window->gradcheck_dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.check-gradients", NULL));
  end = g_get_monotonic_time () + (gint64) (TIMEOUT_S * G_USEC_PER_SEC);
  while (window->gradcheck_dialog == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (window->gradcheck_dialog);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window->gradcheck_dialog)), ==,
                   "Gradient Check");
  g_assert_true (bp_test_find_label (window->gradcheck_dialog, "Back-propagation agrees"));
  g_assert_true (bp_test_find_label (window->gradcheck_dialog, "layers.2 Linear(16→3)"));
  g_assert_false (bp_test_find_label (window->gradcheck_dialog, "FAIL"));
  /* Closed, it is forgotten. */
  gtk_window_destroy (GTK_WINDOW (window->gradcheck_dialog));
  g_assert_null (window->gradcheck_dialog);
  gtk_window_destroy (GTK_WINDOW (window));
  assert_no_worker ();
}

static guint
evaluations (gpointer view)
{
  guint n = 0;

  g_object_get (view, "evaluations", &n, NULL);
  return n;
}

static gboolean
views_busy (BpWindow *window)
{
  return bp_boundary_view_is_busy (window->boundary_view)
         || bp_evaluation_view_is_busy (window->evaluation_view);
}

/* The Boundary and Evaluation tabs follow the model: only the tab in view
 * evaluates while a run goes on, a tab coming into view catches up at
 * once, and the end of a run reaches the tab in view; a new model starts
 * them again. */
static void
test_evaluation_tabs (void)
{
  BpWindow *window = bp_window_new (NULL);
  guint boundary_before, evaluation_before;
  gint64 end;

  gtk_window_present (GTK_WINDOW (window));
  /* Long enough to be stopped. */
  load_spiral (window, "dense:32:relu,dense:3", 0.1, 100000);
  gtk_stack_set_visible_child_name (window->plot_stack, "boundary");
  /* The fresh model's boundary, at once. */
  g_assert_cmpuint (evaluations (window->boundary_view), >=, 1);
  evaluation_before = evaluations (window->evaluation_view);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  g_assert_true (wait_state (window, BP_SESSION_RUNNING));
  bp_test_spin (1500);
  /* Twice a second at most, and only the boundary. */
  g_assert_cmpuint (evaluations (window->boundary_view), >=, 2);
  g_assert_cmpuint (evaluations (window->evaluation_view), ==, evaluation_before);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (state_is (window, BP_SESSION_READY));

  boundary_before = evaluations (window->boundary_view);
  gtk_stack_set_visible_child_name (window->plot_stack, "evaluation");
  g_assert_cmpuint (evaluations (window->evaluation_view), ==, evaluation_before + 1);
  g_assert_cmpuint (evaluations (window->boundary_view), ==, boundary_before);
  end = g_get_monotonic_time () + (gint64) (TIMEOUT_S * G_USEC_PER_SEC);
  while (views_busy (window) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (views_busy (window));
  g_assert_true (bp_test_find_label (GTK_WIDGET (window->evaluation_view),
                                     "accuracy on the 201 rows of the test part"));
  /* Back to a tab that has seen these weights: nothing to do. */
  gtk_stack_set_visible_child_name (window->plot_stack, "boundary");
  gtk_stack_set_visible_child_name (window->plot_stack, "evaluation");
  g_assert_cmpuint (evaluations (window->evaluation_view), ==, evaluation_before + 1);
  gtk_window_destroy (GTK_WINDOW (window));
  assert_no_worker ();
}

int
main (int    argc,
      char **argv)
{
  if (!bp_test_init_gtk (&argc, &argv))
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  g_test_add_func ("/ui/window/train-spiral", test_train_spiral);
  g_test_add_func ("/ui/window/pause-step-stop", test_pause_step_stop);
  g_test_add_func ("/ui/window/close-asks", test_close_asks);
  g_test_add_func ("/ui/window/save-and-open", test_save_and_open);
  g_test_add_func ("/ui/window/diagnosis", test_diagnosis);
  g_test_add_func ("/ui/window/data-findings", test_data_findings);
  g_test_add_func ("/ui/window/fixes", test_fixes);
  g_test_add_func ("/ui/window/recover", test_recover);
  g_test_add_func ("/ui/window/check-gradients", test_check_gradients);
  g_test_add_func ("/ui/window/evaluation-tabs", test_evaluation_tabs);
  return g_test_run ();
}
