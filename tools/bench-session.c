/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window costs the training worker: trains 784-128-10 (ReLU,
 * Adam, batch 64, statistics on) on 60 000 random MNIST-shaped rows for 3
 * epochs headless with nn_trainer, then the same run through a BpSession
 * with a GMainLoop running and a "step" handler doing what a plot does
 * with each record (append the loss to a series), and prints both
 * training rates and their ratio.
 *
 *   bench-session [ROUNDS [THREADS]]
 *
 * Each round runs both, one after the other, from the same weights. Rates
 * are wall-clock training rows per second of one epoch, timed at each
 * epoch's end: in the trainer's callback headless, and where the window
 * sees it — in the "epoch" handler on the main thread — for the session.
 * The first epoch of a run (thread start, caches, the BLAS threads waking)
 * is left out; of the others, the best over all rounds counts for each
 * side, as other load on the machine only ever slows an epoch down; the
 * median of the rounds' own ratios is printed beside it, being less
 * swayed by one lucky epoch. Each round also prints both sides' whole
 * runs, and how busy the session kept the main thread.
 *
 * Built by Meson as build/…/tools/bench-session. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "data.h"
#include "gemm.h"
#include "rng.h"
#include "session.h"

#define ROWS 60000
#define SIDE 28
#define CLASSES 10
#define EPOCHS 3

typedef struct
{
  gint64  started;             /* µs, monotonic */
  gint64  epoch_end[EPOCHS];   /* µs, monotonic */
  int     epochs;
  gint64  finished;
  double  main_cpu;            /* session: CPU seconds of the main thread during the run */
} Timing;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Training rows per second: of the best epoch after the first, and over
 * the whole run. */
static void
rates (const Timing *t,
       double       *best_epoch,
       double       *whole)
{
  *best_epoch = 0.0;
  for (int e = 1; e < EPOCHS; e++)
    *best_epoch = MAX (*best_epoch,
                       ROWS / ((double) (t->epoch_end[e] - t->epoch_end[e - 1]) * 1e-6));
  *whole = (double) EPOCHS * ROWS / ((double) (t->finished - t->started) * 1e-6);
}

static void
put_be32 (FILE     *f,
          guint32   v)
{
  guint32 be = GUINT32_TO_BE (v);

  fwrite (&be, 4, 1, f);
}

/* Writes a folder of random IDX training files (pixels uniform in 0 …
 * 255, labels uniform in 0 … 9) and returns its path. */
static char *
write_random_idx (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("bench-session-XXXXXX", &error);
  g_autofree char *images = NULL, *labels = NULL;
  g_autofree guint8 *pixels = g_malloc ((gsize) ROWS * SIDE * SIDE);
  g_autofree guint8 *ids = g_malloc (ROWS);
  nn_rng rng;
  FILE *f;

  if (dir == NULL)
    g_error ("%s", error->message);
  nn_rng_seed (&rng, 7);
  for (gsize i = 0; i < (gsize) ROWS * SIDE * SIDE; i++)
    pixels[i] = (guint8) nn_rng_below (&rng, 256);
  for (gsize i = 0; i < ROWS; i++)
    ids[i] = (guint8) nn_rng_below (&rng, CLASSES);

  images = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
  f = fopen (images, "wb");
  g_assert (f != NULL);
  fwrite ("\0\0\x08\x03", 1, 4, f);
  put_be32 (f, ROWS);
  put_be32 (f, SIDE);
  put_be32 (f, SIDE);
  fwrite (pixels, 1, (gsize) ROWS * SIDE * SIDE, f);
  g_assert (fclose (f) == 0);

  labels = g_build_filename (dir, "train-labels-idx1-ubyte", NULL);
  f = fopen (labels, "wb");
  g_assert (f != NULL);
  fwrite ("\0\0\x08\x01", 1, 4, f);
  put_be32 (f, ROWS);
  fwrite (ids, 1, ROWS, f);
  g_assert (fclose (f) == 0);
  return dir;
}

static void
remove_idx (const char *dir)
{
  g_autofree char *images = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
  g_autofree char *labels = g_build_filename (dir, "train-labels-idx1-ubyte", NULL);

  g_unlink (images);
  g_unlink (labels);
  g_rmdir (dir);
}

static bool
headless_epoch_cb (const nn_epoch_report *r,
                   void                  *user_data)
{
  Timing *t = user_data;

  if (t->epochs < EPOCHS)
    t->epoch_end[t->epochs++] = g_get_monotonic_time ();
  return true;
}

static Timing
run_headless (BpData                  *data,
              const nn_model_spec     *spec,
              const nn_trainer_params *params)
{
  nn_dataset train = bp_data_get_train (data);
  nn_error err = { 0 };
  nn_model *model = nn_model_new (spec, params->batch, &err);
  nn_trainer *trainer;
  Timing t = { 0 };

  if (model == NULL)
    g_error ("%s", err.msg);
  nn_model_init_params (model, params->seed);
  trainer = nn_trainer_new (model, params, &train, NULL, &err);
  if (trainer == NULL)
    g_error ("%s", err.msg);
  nn_trainer_set_callbacks (trainer, NULL, headless_epoch_cb, &t);
  t.started = g_get_monotonic_time ();
  if (nn_trainer_run (trainer) != NN_TRAIN_FINISHED)
    g_error ("the headless run did not finish");
  t.finished = g_get_monotonic_time ();
  nn_trainer_free (trainer);
  nn_model_free (model);
  return t;
}

typedef struct
{
  Timing     t;
  GArray    *loss;      /* the series a loss plot would hold */
  double     max_grad;  /* …and what a gradient-norm plot would scale to */
  GMainLoop *loop;
} SessionRun;

static void
on_step (BpSession    *session,
         BpStepRecord *r,
         SessionRun   *run)
{
  g_array_append_val (run->loss, r->loss);
  for (guint i = 0; i < r->n_ops; i++)
    run->max_grad = MAX (run->max_grad, r->ops[i].grad_norm);
}

static void
on_epoch (BpSession     *session,
          BpEpochRecord *r,
          SessionRun    *run)
{
  if (run->t.epochs < EPOCHS)
    run->t.epoch_end[run->t.epochs++] = g_get_monotonic_time ();
}

static void
on_state (BpSession  *session,
          GParamSpec *pspec,
          SessionRun *run)
{
  BpSessionState state = bp_session_get_state (session);

  if (state == BP_SESSION_FINISHED || state == BP_SESSION_DIVERGED)
    {
      run->t.finished = g_get_monotonic_time ();
      g_main_loop_quit (run->loop);
    }
}

static Timing
run_session (BpData                  *data,
             const nn_model_spec     *spec,
             const nn_trainer_params *params)
{
  g_autoptr (BpSession) session = bp_session_new ();
  g_autoptr (GError) error = NULL;
  SessionRun run = { 0 };

  run.loss = g_array_new (FALSE, FALSE, sizeof (double));
  run.loop = g_main_loop_new (NULL, FALSE);
  if (!bp_session_setup (session, data, spec, params, NULL, NULL, &error))
    g_error ("%s", error->message);
  g_signal_connect (session, "step", G_CALLBACK (on_step), &run);
  g_signal_connect (session, "epoch", G_CALLBACK (on_epoch), &run);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_state), &run);
  run.t.started = g_get_monotonic_time ();
  run.t.main_cpu = thread_cpu_seconds ();
  bp_session_start (session);
  g_main_loop_run (run.loop);
  run.t.main_cpu = thread_cpu_seconds () - run.t.main_cpu;
  if (bp_session_get_state (session) != BP_SESSION_FINISHED)
    g_error ("the session did not finish");
  if (run.loss->len != (guint) (EPOCHS * ((ROWS + params->batch - 1) / params->batch)))
    g_error ("the session delivered %u step records", run.loss->len);
  g_array_unref (run.loss);
  g_main_loop_unref (run.loop);
  return run.t;
}

int
main (int    argc,
      char **argv)
{
  int rounds = argc > 1 ? atoi (argv[1]) : 1;
  g_autofree char *dir = NULL;
  g_autoptr (BpData) data = NULL;
  g_autoptr (GError) error = NULL;
  nn_trainer_params params = nn_trainer_params_default ();
  nn_data_source src;
  nn_model_spec spec;
  nn_error err = { 0 };
  double best_headless = 0.0, best_session = 0.0, best_headless_whole = 0.0;
  double best_session_whole = 0.0, main_share = 0.0;
  g_autofree double *ratios = NULL;

  if (rounds < 1 || argc > 3)
    {
      fprintf (stderr, "usage: bench-session [ROUNDS [THREADS]]\n");
      return 2;
    }
  if (argc > 2)
    nn_gemm_set_threads (atoi (argv[2]));

  ratios = g_new (double, rounds);
  dir = write_random_idx ();
  nn_data_source_init (&src);
  if (nn_data_source_set (&src, dir, &err) != NN_OK)
    g_error ("%s", err.msg);
  src.split.val_fraction = 0.0;
  src.split.test_fraction = 0.0;
  data = bp_data_load (&src, &error);
  remove_idx (dir);
  if (data == NULL)
    g_error ("%s", error->message);
  g_assert (bp_data_get_train (data).n == ROWS);

  nn_model_spec_init (&spec);
  spec.inputs = SIDE * SIDE;
  if (nn_model_spec_parse_layers (&spec, "dense:128:relu,dense:10", &err) != NN_OK)
    g_error ("%s", err.msg);
  params.batch = 64;
  params.epochs = EPOCHS;
  params.opt.lr = 1e-3;
  params.stats = true;
  params.divergence_factor = 0.0;

  printf ("784-128-10, Adam, batch 64, %d rows, %d epochs, statistics on, %d BLAS threads\n",
          ROWS, EPOCHS, nn_gemm_get_threads ());
  printf ("%-9s %14s %14s   (rows/s of the best epoch after the first)\n", "round",
          "headless/s", "session/s");
  for (int r = 0; r < rounds; r++)
    {
      Timing h = run_headless (data, &spec, &params);
      Timing s = run_session (data, &spec, &params);
      double hs, hw, ss, sw;

      rates (&h, &hs, &hw);
      rates (&s, &ss, &sw);
      printf ("%-9d %14.0f %14.0f   (whole runs %.0f and %.0f; main thread busy %.1f %%)\n",
              r + 1, hs, ss, hw, sw,
              100.0 * s.main_cpu / ((double) (s.finished - s.started) * 1e-6));
      main_share = MAX (main_share, s.main_cpu / ((double) (s.finished - s.started) * 1e-6));
      ratios[r] = ss / hs;
      best_headless = MAX (best_headless, hs);
      best_session = MAX (best_session, ss);
      best_headless_whole = MAX (best_headless_whole, hw);
      best_session_whole = MAX (best_session_whole, sw);
    }
  qsort (ratios, (size_t) rounds, sizeof (double), compare_double);
  printf ("best      %14.0f %14.0f   ratio %.3f (whole runs: %.3f; median of the rounds' "
          "ratios: %.3f)\n", best_headless, best_session, best_session / best_headless,
          best_session_whole / best_headless_whole,
          rounds % 2 ? ratios[rounds / 2] : 0.5 * (ratios[rounds / 2 - 1] + ratios[rounds / 2]));
  printf ("the main thread was busy at most %.1f %% of the session's run (handing over and "
          "handling %d step records)\n", 100.0 * main_share,
          EPOCHS * ((ROWS + (int) params.batch - 1) / (int) params.batch));
  return 0;
}
