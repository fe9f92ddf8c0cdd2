/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window costs training: trains 784-128-10 (ReLU, Adam, batch 64,
 * statistics on) on Fashion-MNIST (or, when it is not installed, on
 * 60 000 random MNIST-shaped rows) for EPOCHS epochs headless with
 * nn_trainer, and then in the real window — shown, its loss, accuracy,
 * gradient and histogram plots fed live — and prints the training
 * samples/s of each and their ratio, for tools/bench:
 *
 *   bench-window [ROUNDS [EPOCHS [THREADS [TAB]]]]   (under a display, e.g. xvfb-run)
 *
 * TAB is the plot tab in view during the run (default "curves"; e.g.
 * "evaluation", which evaluates the test part twice a second).
 * Rounds alternate the two; each side's rate is the median of its epochs
 * after the first (thread start, caches), best over the rounds, as other
 * load on the machine only ever slows an epoch down. */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

#include "gemm.h"
#include "trainer.h"
#include "window-private.h"

#define MAX_EPOCHS 32

typedef struct
{
  double rate[MAX_EPOCHS];
  int    epochs;
} Rates;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median_after_first (Rates *r)
{
  int n = r->epochs - 1;

  if (n < 1)
    return r->epochs == 1 ? r->rate[0] : 0.0;
  qsort (r->rate + 1, (size_t) n, sizeof (double), compare_double);
  return r->rate[1 + n / 2];
}

static bool
headless_epoch_cb (const nn_epoch_report *report,
                   void                  *user)
{
  Rates *r = user;

  if (r->epochs < MAX_EPOCHS)
    r->rate[r->epochs++] = report->samples_per_s;
  return true;
}

static double
run_headless (BpData                  *data,
              const nn_model_spec     *spec,
              const nn_trainer_params *params)
{
  nn_dataset train = bp_data_get_train (data), val = bp_data_get_val (data);
  nn_error err = { 0 };
  nn_model *model = nn_model_new (spec, params->batch, &err);
  nn_trainer *trainer;
  Rates rates = { 0 };

  if (model == NULL)
    g_error ("%s", err.msg);
  nn_model_init_params (model, params->seed);
  trainer = nn_trainer_new (model, params, &train, &val, &err);
  if (trainer == NULL)
    g_error ("%s", err.msg);
  nn_trainer_set_callbacks (trainer, NULL, headless_epoch_cb, &rates);
  nn_trainer_run (trainer);
  nn_trainer_free (trainer);
  nn_model_free (model);
  return median_after_first (&rates);
}

static void
window_epoch_cb (BpSession           *session,
                 const BpEpochRecord *record,
                 Rates               *r)
{
  if (r->epochs < MAX_EPOCHS)
    r->rate[r->epochs++] = record->report.samples_per_s;
}

static gboolean
wait_state (BpSession      *session,
            BpSessionState  state,
            double          seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (bp_session_get_state (session) != state && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  return bp_session_get_state (session) == state;
}

static double
run_window (const nn_data_source    *source,
            const nn_model_spec     *spec,
            const nn_trainer_params *params,
            int                      threads,
            const char              *tab)
{
  BpWindow *window = bp_window_new (NULL);
  BpSession *session = bp_window_get_session (window);
  Rates rates = { 0 };

  gtk_window_set_default_size (GTK_WINDOW (window), 1360, 860);
  gtk_window_present (GTK_WINDOW (window));
  bp_window_load (window, source, spec, params, NULL, 0, NULL, 0, "bench");
  /* The training panel's thread count is what the window trains with. */
  bp_training_panel_set_params (window->training_panel, params, spec->loss, threads);
  if (!wait_state (session, BP_SESSION_READY, 120.0))
    g_error ("the window did not build the model");
  gtk_stack_set_visible_child_name (window->plot_stack, tab);
  g_signal_connect (session, "epoch", G_CALLBACK (window_epoch_cb), &rates);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-pause", NULL);
  if (!wait_state (session, BP_SESSION_FINISHED, 3600.0))
    g_error ("the run did not finish");
  gtk_window_destroy (GTK_WINDOW (window));
  return median_after_first (&rates);
}

int
main (int    argc,
      char **argv)
{
  int rounds = argc > 1 ? atoi (argv[1]) : 2;
  int epochs = argc > 2 ? atoi (argv[2]) : 3;
  int threads = argc > 3 ? atoi (argv[3]) : (int) g_get_num_processors ();
  const char *tab = argc > 4 ? argv[4] : "curves";
  nn_trainer_params params = nn_trainer_params_default ();
  g_autoptr (GError) error = NULL;
  g_autoptr (BpData) data = NULL;
  nn_data_source source;
  nn_model_spec spec;
  double headless = 0.0, windowed = 0.0;

  gtk_init ();
  if (epochs < 2 || epochs > MAX_EPOCHS || rounds < 1)
    return fprintf (stderr, "usage: bench-window [ROUNDS [EPOCHS ≥ 2 [THREADS [TAB]]]]\n"), 2;
  nn_data_source_init (&source);
  if (nn_data_source_set (&source, "fashion-mnist", NULL) != NN_OK
      || (data = bp_data_load (&source, NULL)) == NULL)
    {
      /* Not installed: the generator will not do (2 features), so say so. */
      fprintf (stderr, "bench-window: needs Fashion-MNIST (dataset-fashion-mnist)\n");
      return 77;
    }
  nn_model_spec_init (&spec);
  spec.inputs = bp_data_get_features (data);
  nn_model_spec_parse_layers (&spec, "dense:128:relu,dense:10", NULL);
  params.batch = 64;
  params.epochs = epochs;

  for (int r = 0; r < rounds; r++)
    {
      nn_gemm_set_threads (threads);
      headless = MAX (headless, run_headless (data, &spec, &params));
      windowed = MAX (windowed, run_window (&source, &spec, &params, threads, tab));
    }
  printf ("%.0f %.0f\n", headless, windowed);
  return 0;
}
