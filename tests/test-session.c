/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpData and BpSession: loading in a thread, the data checks, and the
 * training session's worker thread, its signals and states. Both are
 * plain GObjects, so these tests need no display: they iterate GLib's
 * default main context themselves. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "data.h"
#include "session.h"

/* Long enough for a sanitizer build on a loaded machine. */
#define TIMEOUT_S 60.0

/* Iterates the default main context for about @ms milliseconds. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

/* Iterates the default main context until @expr holds, failing the test
 * after TIMEOUT_S seconds. */
#define wait_until(expr)                                                     \
  G_STMT_START                                                               \
  {                                                                          \
    gint64 end_ = g_get_monotonic_time () + (gint64) (TIMEOUT_S * G_USEC_PER_SEC); \
    while (!(expr) && g_get_monotonic_time () < end_)                        \
      if (!g_main_context_iteration (NULL, FALSE))                           \
        g_usleep (500);                                                      \
    g_assert_true (expr);                                                    \
  }                                                                          \
  G_STMT_END

/* Threads of this process named as the session names its worker. */
static guint
count_workers (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, "bp-session"))
        n++;
    }
  return n;
}

/* A joined thread leaves /proc a moment after pthread_join returns. */
static void
assert_no_worker (void)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

  while (count_workers () > 0 && g_get_monotonic_time () < end)
    g_usleep (1000);
  g_assert_cmpuint (count_workers (), ==, 0);
}

/* ---- data ---- */

typedef struct
{
  BpData   *data;
  GError   *error;
  gboolean  done;
} LoadResult;

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  LoadResult *r = user_data;

  g_assert_null (source);
  r->data = bp_data_load_finish (result, &r->error);
  r->done = TRUE;
}

static BpData *
load_builtin (const char *name)
{
  nn_data_source src;
  g_autoptr (GError) error = NULL;
  BpData *data;

  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, name, NULL), ==, NN_OK);
  data = bp_data_load (&src, &error);
  g_assert_no_error (error);
  g_assert_true (BP_IS_DATA (data));
  return data;
}

static void
test_data_load_async (void)
{
  nn_data_source src;
  LoadResult r = { 0 };
  g_autofree char *text = NULL;
  nn_dataset train, val, test;

  nn_data_source_init (&src);
  bp_data_load_async (&src, NULL, load_cb, &r);
  /* The source was copied: changing ours does not change what loads. */
  src.generate.samples = 10;
  wait_until (r.done);
  g_assert_no_error (r.error);
  g_assert_true (BP_IS_DATA (r.data));

  g_assert_cmpint (bp_data_get_task (r.data), ==, NN_TASK_CLASSIFICATION);
  g_assert_cmpuint (bp_data_get_features (r.data), ==, 2);
  g_assert_cmpuint (bp_data_get_k (r.data), ==, 3);
  g_assert_cmpstr (bp_data_get_class_name (r.data, 2), ==, "2");
  g_assert_cmpstr (bp_data_get_source (r.data)->name, ==, "spiral");
  g_assert_cmpuint (bp_data_get_source (r.data)->generate.samples, ==, 1000);
  train = bp_data_get_train (r.data);
  val = bp_data_get_val (r.data);
  test = bp_data_get_test (r.data);
  g_assert_cmpuint (train.n, ==, 598);
  g_assert_cmpuint (val.n, ==, 201);
  g_assert_cmpuint (test.n, ==, 201);
  g_assert_false (train.owned);
  /* The parts follow each other in the one array. */
  g_assert_true (val.x == train.x + 598 * 2);
  g_assert_true (test.y == val.y + 201);
  g_assert_nonnull (bp_data_get_loaded (r.data)->scaler);
  g_assert_cmpint (bp_data_get_loaded (r.data)->scaler->kind, ==, NN_SCALE_STANDARD);
  /* Standardised on the training rows. */
  for (gsize j = 0; j < 2; j++)
    {
      double sum = 0.0, sq = 0.0;

      for (gsize i = 0; i < train.n; i++)
        {
          sum += train.x[i * 2 + j];
          sq += (double) train.x[i * 2 + j] * train.x[i * 2 + j];
        }
      g_assert_cmpfloat_with_epsilon (sum / (double) train.n, 0.0, 1e-5);
      g_assert_cmpfloat_with_epsilon (sq / (double) train.n, 1.0, 1e-4);
    }

  text = bp_data_describe (r.data);
  g_assert_cmpstr (text, ==, "spiral: 1000 rows (598 / 201 / 201), 2 features, 3 classes");
  g_object_unref (r.data);
}

static void
test_data_describe (void)
{
  g_autoptr (BpData) sine = load_builtin ("sine");
  g_autoptr (BpData) iris = NULL;
  g_autofree char *sine_text = bp_data_describe (sine);
  g_autofree char *iris_text = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "csv", "iris.csv", NULL);
  g_autoptr (GError) error = NULL;
  nn_data_source src;

  g_assert_cmpstr (sine_text, ==, "sine: 600 rows (360 / 120 / 120), 1 feature, 1 target");

  /* A file by its base name, with its class names. */
  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, path, NULL), ==, NN_OK);
  nn_data_source_set_columns (&src, "species", NULL);
  iris = bp_data_load (&src, &error);
  g_assert_no_error (error);
  iris_text = bp_data_describe (iris);
  g_assert_cmpstr (iris_text, ==, "iris.csv: 12 rows (6 / 3 / 3), 4 features, 3 classes");
  g_assert_cmpstr (bp_data_get_class_name (iris, 0), ==, "setosa");
  g_assert_cmpstr (bp_data_get_class_name (iris, 2), ==, "virginica");
  /* The copy's column options point at its own fields. */
  g_assert_true (bp_data_get_source (iris)->csv.label_column
                 == bp_data_get_source (iris)->label_column);
  g_assert_cmpstr (bp_data_get_source (iris)->csv.label_column, ==, "species");
}

static void
test_data_load_error (void)
{
  const char *path = "/nonexistent/backprop-test/missing.csv";
  nn_data_source src;
  LoadResult r = { 0 };
  g_autoptr (GError) error = NULL;

  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, path, NULL), ==, NN_OK);
  g_assert_cmpint (src.kind, ==, NN_SOURCE_CSV);

  bp_data_load_async (&src, NULL, load_cb, &r);
  wait_until (r.done);
  g_assert_null (r.data);
  g_assert_error (r.error, BP_DATA_ERROR, NN_ERR_IO);
  g_assert_nonnull (strstr (r.error->message, path));
  g_clear_error (&r.error);

  g_assert_null (bp_data_load (&src, &error));
  g_assert_error (error, BP_DATA_ERROR, NN_ERR_IO);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_data_load_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  nn_data_source src;
  LoadResult r = { 0 };

  nn_data_source_init (&src);
  g_cancellable_cancel (cancellable);
  bp_data_load_async (&src, cancellable, load_cb, &r);
  wait_until (r.done);
  g_assert_null (r.data);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
}

static const nn_check_finding *
find_kind (GArray        *findings,
           nn_check_kind  kind)
{
  for (guint i = 0; i < findings->len; i++)
    if (g_array_index (findings, nn_check_finding, i).kind == kind)
      return &g_array_index (findings, nn_check_finding, i);
  return NULL;
}

static void
test_data_check (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  g_autoptr (GArray) plain = bp_data_check (data, NULL);
  g_autoptr (GArray) again = bp_data_check (data, NULL);
  g_autoptr (GArray) wrong = NULL;
  g_autoptr (GArray) big = NULL;
  g_autoptr (GArray) fine = NULL;
  const nn_check_finding *f;
  nn_model_spec spec;

  /* Spiral is balanced, finite, scaled and without duplicates (two of its
   * rows become equal after standardising; the checks see them before). */
  g_assert_cmpuint (g_array_get_element_size (plain), ==, sizeof (nn_check_finding));
  g_assert_cmpuint (plain->len, ==, 0);
  g_assert_true (plain != again);

  /* Two outputs for three classes under cross-entropy. */
  nn_model_spec_init (&spec);
  spec.inputs = 2;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:8:relu,dense:2", NULL), ==, NN_OK);
  wrong = bp_data_check (data, &spec);
  f = find_kind (wrong, NN_CHECK_LABELS);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_SEVERITY_ERROR);
  /* Most severe first. */
  g_assert_cmpint (g_array_index (wrong, nn_check_finding, 0).severity, ==, NN_SEVERITY_ERROR);

  /* 598 training rows for some 265 000 parameters. */
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:512:relu,dense:512:relu,dense:3",
                                               NULL), ==, NN_OK);
  big = bp_data_check (data, &spec);
  f = find_kind (big, NN_CHECK_TOO_FEW_ROWS);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_SEVERITY_WARNING);
  g_assert_cmpuint (f->count, ==, 598);
  g_assert_null (find_kind (big, NN_CHECK_LABELS));

  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:8:relu,dense:3", NULL), ==, NN_OK);
  fine = bp_data_check (data, &spec);
  g_assert_cmpuint (fine->len, ==, 0);
}

static void
test_data_check_unscaled (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-session-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GString) text = g_string_new ("price,ratio,label\n");
  g_autoptr (BpData) scaled = NULL;
  g_autoptr (BpData) unscaled = NULL;
  g_autoptr (GArray) a = NULL;
  g_autoptr (GArray) b = NULL;
  nn_data_source src;

  /* Prices in the hundred thousands beside ratios in thousandths. */
  g_assert_no_error (error);
  path = g_build_filename (dir, "prices.csv", NULL);
  for (int i = 0; i < 200; i++)
    g_string_append_printf (text, "%d,0.00%d,%d\n", 100000 + 997 * i, i % 10, i % 2);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, &error));

  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, path, NULL), ==, NN_OK);
  scaled = bp_data_load (&src, &error);
  g_assert_no_error (error);
  src.scale = NN_SCALE_NONE;
  unscaled = bp_data_load (&src, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  a = bp_data_check (scaled, NULL);
  b = bp_data_check (unscaled, NULL);
  g_assert_null (find_kind (a, NN_CHECK_SCALE));
  g_assert_nonnull (find_kind (b, NN_CHECK_SCALE));
  g_assert_cmpint (find_kind (b, NN_CHECK_SCALE)->severity, ==, NN_SEVERITY_WARNING);
}

/* ---- session ---- */

typedef struct
{
  GArray   *steps;        /* guint64: step numbers as delivered */
  GArray   *losses;       /* double */
  GArray   *lrs;          /* double */
  GArray   *epochs;       /* nn_epoch_report, dead_fraction cleared */
  GArray   *states;       /* BpSessionState, as notified */
  guint     histograms;   /* step records with histograms */
  guint     runs;         /* step records numbered 1 */
} Recorder;

static void
on_step (BpSession    *session,
         BpStepRecord *r,
         Recorder     *rec)
{
  guint64 last = rec->steps->len > 0 ? g_array_index (rec->steps, guint64, rec->steps->len - 1) : 0;

  /* In order: the next step of the run, or the first of a new one. */
  if (r->step != 1)
    g_assert_cmpuint (r->step, ==, last + 1);
  else
    rec->runs++;
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_RUNNING);
  g_assert_cmpuint (bp_session_get_step (session), ==, r->step);
  g_assert_cmpuint (r->batch, >=, 1);
  g_assert_cmpuint (r->batch, <=, r->batches);
  g_assert_cmpuint (r->n_ops, ==, nn_model_n_ops (bp_session_get_model (session)));
  g_assert_nonnull (r->ops);
  g_assert_true (isfinite (r->loss) && isfinite (r->grad_norm));
  /* The first op is Linear: it has parameters, so norms. */
  g_assert_cmpfloat (r->ops[0].weight_norm, >, 0.0);
  if (r->has_histograms)
    {
      rec->histograms++;
      for (guint i = 0; i < r->n_ops; i++)
        {
          const nn_histogram *hs[3] = { &r->weight_hist[i], &r->grad_hist[i], &r->act_hist[i] };

          for (int h = 0; h < 3; h++)
            {
              guint64 sum = 0;

              for (gsize b = 0; b < hs[h]->bins; b++)
                sum += hs[h]->counts[b];
              g_assert_cmpuint (sum, ==, hs[h]->total);
            }
          /* Activations always; weights only where there are some. */
          g_assert_cmpuint (r->act_hist[i].bins, >, 0);
          g_assert_cmpuint (r->weight_hist[i].bins > 0, ==,
                            nn_model_op (bp_session_get_model (session), i)->n_weights > 0);
        }
    }
  g_array_append_val (rec->steps, r->step);
  g_array_append_val (rec->losses, r->loss);
  g_array_append_val (rec->lrs, r->lr);
}

static void
on_epoch (BpSession     *session,
          BpEpochRecord *r,
          Recorder      *rec)
{
  nn_epoch_report copy = r->report;
  guint64 last = rec->steps->len > 0 ? g_array_index (rec->steps, guint64, rec->steps->len - 1) : 0;

  /* After the epoch's last step, before the next. */
  g_assert_cmpuint (r->report.steps, ==, last);
  g_assert_cmpint (bp_session_get_epoch (session), ==, r->report.epoch);
  g_assert_true (r->report.dead_fraction == r->dead_fraction);
  for (gsize i = 0; i < r->report.n_ops; i++)
    {
      const nn_op *op = nn_model_op (bp_session_get_model (session), i);

      if (op->kind == NN_OP_ACTIVATION && op->act == NN_ACT_RELU)
        g_assert_true (r->dead_fraction[i] >= 0.0 && r->dead_fraction[i] <= 1.0);
      else
        g_assert_true (isnan (r->dead_fraction[i]));
    }
  copy.dead_fraction = NULL;
  g_array_append_val (rec->epochs, copy);
}

static void
on_state (BpSession  *session,
          GParamSpec *pspec,
          Recorder   *rec)
{
  BpSessionState state = bp_session_get_state (session);

  g_array_append_val (rec->states, state);
}

static void
recorder_init (Recorder  *rec,
               BpSession *session)
{
  memset (rec, 0, sizeof *rec);
  rec->steps = g_array_new (FALSE, FALSE, sizeof (guint64));
  rec->losses = g_array_new (FALSE, FALSE, sizeof (double));
  rec->lrs = g_array_new (FALSE, FALSE, sizeof (double));
  rec->epochs = g_array_new (FALSE, FALSE, sizeof (nn_epoch_report));
  rec->states = g_array_new (FALSE, FALSE, sizeof (BpSessionState));
  g_signal_connect (session, "step", G_CALLBACK (on_step), rec);
  g_signal_connect (session, "epoch", G_CALLBACK (on_epoch), rec);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_state), rec);
}

static void
recorder_clear (Recorder *rec)
{
  g_array_unref (rec->steps);
  g_array_unref (rec->losses);
  g_array_unref (rec->lrs);
  g_array_unref (rec->epochs);
  g_array_unref (rec->states);
}

static guint64
last_step (const Recorder *rec)
{
  return rec->steps->len > 0 ? g_array_index (rec->steps, guint64, rec->steps->len - 1) : 0;
}

static BpSessionState
last_state (const Recorder *rec)
{
  return rec->states->len > 0
         ? g_array_index (rec->states, BpSessionState, rec->states->len - 1) : BP_SESSION_EMPTY;
}

static void
make_spec (nn_model_spec *spec,
           BpData        *data,
           const char    *layers)
{
  nn_model_spec_init (spec);
  spec->inputs = bp_data_get_features (data);
  g_assert_cmpint (nn_model_spec_parse_layers (spec, layers, NULL), ==, NN_OK);
}

/* Adam at 0.01, batches of 32 (19 to an epoch of 598 rows). */
static nn_trainer_params
make_params (int epochs)
{
  nn_trainer_params p = nn_trainer_params_default ();

  p.epochs = epochs;
  p.opt.lr = 0.01;
  p.batch = 32;
  p.seed = 3;
  p.histogram_every = 10;
  return p;
}

/* A session set up on spiral, with a recorder. */
static BpSession *
new_session (BpData                  *data,
             const char              *layers,
             const nn_trainer_params *params,
             Recorder                *rec)
{
  BpSession *session = bp_session_new ();
  nn_model_spec spec;
  g_autoptr (GError) error = NULL;

  recorder_init (rec, session);
  make_spec (&spec, data, layers);
  g_assert_true (bp_session_setup (session, data, &spec, params, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  return session;
}

static gboolean
all_finite (const float *x,
            gsize        n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

static void
test_session_setup (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  g_autoptr (BpSession) session = bp_session_new ();
  g_autoptr (GError) error = NULL;
  nn_trainer_params params = make_params (5);
  nn_model_spec spec;
  nn_model *model;

  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_EMPTY);
  g_assert_null (bp_session_get_model (session));
  g_assert_null (bp_session_get_data (session));
  g_assert_null (bp_session_get_params (session));
  g_assert_null (bp_session_get_spec (session));
  g_assert_null (bp_session_get_divergence (session));

  /* A spec for other data. */
  make_spec (&spec, data, "dense:8:relu,dense:3");
  spec.inputs = 5;
  g_assert_false (bp_session_setup (session, data, &spec, &params, NULL, NULL, &error));
  g_assert_error (error, BP_SESSION_ERROR, NN_ERR_INVALID);
  g_assert_nonnull (strstr (error->message, "5 inputs"));
  g_clear_error (&error);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_EMPTY);

  make_spec (&spec, data, "dense:8:relu,dense:3");
  g_assert_true (bp_session_setup (session, data, &spec, &params, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  model = bp_session_get_model (session);
  g_assert_nonnull (model);
  g_assert_true (bp_session_get_data (session) == data);
  g_assert_cmpuint (bp_session_get_params (session)->batch, ==, 32);
  g_assert_cmpuint (bp_session_get_spec (session)->n_layers, ==, 2);
  g_assert_cmpuint (nn_model_max_batch (model), ==, 32);
  g_assert_cmpfloat (bp_session_get_lr (session), ==, 0.01);
  g_assert_cmpuint (bp_session_get_step (session), ==, 0);
  g_assert_cmpint (bp_session_get_epoch (session), ==, 0);

  /* Two outputs for three classes: refused, and the last setup stays. */
  make_spec (&spec, data, "dense:8:relu,dense:2");
  g_assert_false (bp_session_setup (session, data, &spec, &params, NULL, NULL, &error));
  g_assert_error (error, BP_SESSION_ERROR, NN_ERR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  g_assert_true (bp_session_get_model (session) == model);

  /* Bad settings. */
  make_spec (&spec, data, "dense:8:relu,dense:3");
  params.epochs = 0;
  g_assert_false (bp_session_setup (session, data, &spec, &params, NULL, NULL, &error));
  g_assert_error (error, BP_SESSION_ERROR, NN_ERR_INVALID);
  g_clear_error (&error);

  /* GD, and a batch beyond the training rows, take them all at once. */
  params = make_params (5);
  params.batch = 5000;
  g_assert_true (bp_session_setup (session, data, &spec, &params, NULL, NULL, &error));
  g_assert_cmpuint (nn_model_max_batch (bp_session_get_model (session)), ==, 598);
  params = make_params (5);
  params.opt = nn_optimizer_params_default (NN_OPT_GD);
  g_assert_true (bp_session_setup (session, data, &spec, &params, NULL, NULL, &error));
  g_assert_cmpuint (nn_model_max_batch (bp_session_get_model (session)), ==, 598);
}

static void
test_session_run (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (40);
  Recorder rec;
  BpSession *session = new_session (data, "dense:32:relu,dense:32:relu,dense:3", &params, &rec);
  const nn_epoch_report *first, *last;

  bp_session_start (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_RUNNING);
  wait_until (bp_session_get_state (session) == BP_SESSION_FINISHED);

  /* 19 batches an epoch, every step once, in order. */
  g_assert_cmpuint (rec.steps->len, ==, 40 * 19);
  g_assert_cmpuint (rec.runs, ==, 1);
  g_assert_cmpuint (last_step (&rec), ==, 40 * 19);
  g_assert_cmpuint (bp_session_get_step (session), ==, 40 * 19);
  g_assert_cmpint (bp_session_get_epoch (session), ==, 40);
  /* Histograms every 10 steps and at the end of each epoch. */
  g_assert_cmpuint (rec.histograms, >=, 40 * 19 / 10);

  /* An epoch record at each epoch's end. */
  g_assert_cmpuint (rec.epochs->len, ==, 40);
  for (guint i = 0; i < rec.epochs->len; i++)
    {
      const nn_epoch_report *e = &g_array_index (rec.epochs, nn_epoch_report, i);

      g_assert_cmpint (e->epoch, ==, (int) i + 1);
      g_assert_cmpuint (e->steps, ==, (i + 1) * 19);
      g_assert_true (e->has_val);
    }
  /* Spiral is learnt. */
  first = &g_array_index (rec.epochs, nn_epoch_report, 0);
  last = &g_array_index (rec.epochs, nn_epoch_report, 39);
  g_assert_cmpfloat (last->train_loss, <, 0.5 * first->train_loss);
  g_assert_cmpfloat (last->val_loss, <, 0.5 * first->val_loss);
  g_assert_cmpfloat (last->val_accuracy, >, 0.8);

  /* READY → RUNNING → FINISHED, and no thread left. */
  g_assert_cmpuint (rec.states->len, ==, 3);
  g_assert_cmpint (g_array_index (rec.states, BpSessionState, 0), ==, BP_SESSION_READY);
  g_assert_cmpint (g_array_index (rec.states, BpSessionState, 1), ==, BP_SESSION_RUNNING);
  g_assert_cmpint (g_array_index (rec.states, BpSessionState, 2), ==, BP_SESSION_FINISHED);
  assert_no_worker ();
  g_assert_null (bp_session_get_divergence (session));
  g_assert_true (all_finite (nn_model_params (bp_session_get_model (session)),
                             nn_model_n_params (bp_session_get_model (session))));

  /* From FINISHED, start trains on in a new run. */
  bp_session_start (session);
  wait_until (rec.steps->len >= 40 * 19 + 5);
  g_assert_cmpuint (rec.runs, ==, 2);
  bp_session_stop (session);

  g_object_unref (session);
  recorder_clear (&rec);
}

static void
test_session_pause (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100000);
  Recorder rec;
  BpSession *session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  guint n;

  /* Pausing a session that does not run does nothing. */
  bp_session_pause (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);

  bp_session_start (session);
  wait_until (rec.steps->len >= 20);
  bp_session_pause (session);
  bp_session_pause (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  n = rec.steps->len;
  g_assert_cmpuint (bp_session_get_step (session), ==, last_step (&rec));
  /* Readable while paused. */
  g_assert_true (all_finite (nn_model_params (bp_session_get_model (session)),
                             nn_model_n_params (bp_session_get_model (session))));
  spin (300);
  g_assert_cmpuint (rec.steps->len, ==, n);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_PAUSED);

  /* Start resumes the same run. */
  bp_session_start (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_RUNNING);
  wait_until (rec.steps->len >= n + 20);
  g_assert_cmpuint (rec.runs, ==, 1);

  /* A pause overtaken by a start leaves the session running. */
  bp_session_pause (session);
  bp_session_start (session);
  n = rec.steps->len;
  wait_until (rec.steps->len >= n + 50);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_RUNNING);

  bp_session_stop (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  g_object_unref (session);
  recorder_clear (&rec);
}

static void
test_session_single_step (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (1000);
  Recorder rec;
  BpSession *session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  guint n;

  /* From READY: one step, then PAUSED. */
  bp_session_step (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_RUNNING);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  g_assert_cmpuint (rec.steps->len, ==, 1);
  g_assert_cmpuint (last_step (&rec), ==, 1);
  spin (100);
  g_assert_cmpuint (rec.steps->len, ==, 1);

  /* From PAUSED: one more. */
  bp_session_step (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_RUNNING);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  g_assert_cmpuint (rec.steps->len, ==, 2);
  g_assert_cmpuint (last_step (&rec), ==, 2);
  spin (100);
  g_assert_cmpuint (rec.steps->len, ==, 2);

  /* While running, step pauses after the step under way. */
  bp_session_start (session);
  wait_until (rec.steps->len >= 30);
  bp_session_step (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  n = rec.steps->len;
  spin (100);
  g_assert_cmpuint (rec.steps->len, ==, n);
  g_object_unref (session);
  recorder_clear (&rec);

  /* The last step of a run finishes it: one epoch of 3 batches. */
  params = make_params (1);
  params.batch = 200;
  session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  for (int i = 1; i <= 3; i++)
    {
      bp_session_step (session);
      wait_until (bp_session_get_state (session) != BP_SESSION_RUNNING);
      g_assert_cmpuint (rec.steps->len, ==, (guint) i);
      g_assert_cmpint (bp_session_get_state (session), ==,
                       i < 3 ? BP_SESSION_PAUSED : BP_SESSION_FINISHED);
    }
  g_assert_cmpuint (rec.epochs->len, ==, 1);
  assert_no_worker ();
  g_object_unref (session);
  recorder_clear (&rec);
}

static gboolean
lr_is (const Recorder *rec,
       guint           i,
       double          lr)
{
  return g_array_index (rec->lrs, double, i) == lr;
}

static void
test_session_lr (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100000);
  Recorder rec;
  BpSession *session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  guint first_new;

  bp_session_start (session);
  wait_until (rec.steps->len >= 10);
  g_assert_cmpfloat (bp_session_get_lr (session), ==, 0.01);
  bp_session_set_lr (session, 0.00123);
  /* At once for the window, and in the records from some step on. */
  g_assert_cmpfloat (bp_session_get_lr (session), ==, 0.00123);
  wait_until (lr_is (&rec, rec.steps->len - 1, 0.00123));
  for (first_new = 0; !lr_is (&rec, first_new, 0.00123); first_new++)
    g_assert_true (lr_is (&rec, first_new, 0.01));
  g_assert_cmpuint (first_new, >=, 10);
  wait_until (rec.steps->len >= first_new + 30);
  for (guint i = first_new; i < rec.steps->len; i++)
    g_assert_true (lr_is (&rec, i, 0.00123));
  g_assert_cmpfloat (bp_session_get_lr (session), ==, 0.00123);

  /* While paused: the next step uses it. */
  bp_session_pause (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  bp_session_set_lr (session, 0.02);
  bp_session_step (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  g_assert_true (lr_is (&rec, rec.steps->len - 1, 0.02));
  g_assert_cmpfloat (bp_session_get_lr (session), ==, 0.02);

  /* Later runs start from it. */
  bp_session_stop (session);
  g_assert_cmpfloat (bp_session_get_params (session)->opt.lr, ==, 0.02);
  bp_session_step (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  g_assert_cmpuint (last_step (&rec), ==, 1);
  g_assert_true (lr_is (&rec, rec.steps->len - 1, 0.02));

  /* A schedule moves the rate the session reports. */
  bp_session_stop (session);
  params = make_params (100000);
  params.schedule = nn_schedule_params_default (NN_SCHEDULE_EXP);
  params.schedule.gamma = 0.5;
  {
    nn_model_spec spec;

    make_spec (&spec, data, "dense:16:relu,dense:3");
    g_assert_true (bp_session_setup (session, data, &spec, &params, NULL, NULL, NULL));
  }
  bp_session_start (session);
  wait_until (bp_session_get_epoch (session) >= 2 && rec.steps->len > 0
              && last_step (&rec) > 2 * 19);
  bp_session_pause (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  /* Paused, the rate is the one for the next step: halved at every epoch
   * end so far, the last one included. */
  g_assert_cmpfloat (bp_session_get_lr (session), ==,
                     0.01 * pow (0.5, bp_session_get_epoch (session)));
  g_assert_cmpfloat (g_array_index (rec.lrs, double, rec.lrs->len - 1), ==,
                     0.01 * pow (0.5, (last_step (&rec) - 1) / 19));

  /* Paused right after an epoch's last step, it is already the next
   * epoch's. */
  while (last_step (&rec) % 19 != 0)
    {
      bp_session_step (session);
      wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
    }
  g_assert_cmpint (bp_session_get_epoch (session), ==, (int) (last_step (&rec) / 19));
  g_assert_cmpfloat (bp_session_get_lr (session), ==,
                     0.5 * g_array_index (rec.lrs, double, rec.lrs->len - 1));

  g_object_unref (session);
  recorder_clear (&rec);
}

static void
test_session_stop (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100000);
  Recorder rec;
  BpSession *session = new_session (data, "dense:32:relu,dense:32:relu,dense:3", &params, &rec);
  guint n, states;
  double first_loss;
  float *weights;
  gsize n_params;

  bp_session_start (session);
  wait_until (rec.steps->len >= 300);
  first_loss = g_array_index (rec.losses, double, 0);
  bp_session_stop (session);
  /* Joined, READY, and every step record delivered. */
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  g_assert_cmpint (last_state (&rec), ==, BP_SESSION_READY);
  assert_no_worker ();
  n = rec.steps->len;
  states = rec.states->len;
  g_assert_cmpuint (bp_session_get_step (session), ==, last_step (&rec));
  spin (300);
  g_assert_cmpuint (rec.steps->len, ==, n);
  g_assert_cmpuint (rec.states->len, ==, states);

  /* A later start trains on from these weights, in a new run. */
  n_params = nn_model_n_params (bp_session_get_model (session));
  weights = g_memdup2 (nn_model_params (bp_session_get_model (session)),
                       n_params * sizeof (float));
  bp_session_stop (session);
  g_assert_cmpint (memcmp (weights, nn_model_params (bp_session_get_model (session)),
                           n_params * sizeof (float)), ==, 0);
  bp_session_step (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  g_assert_cmpuint (rec.runs, ==, 2);
  g_assert_cmpuint (last_step (&rec), ==, 1);
  g_assert_cmpuint (bp_session_get_step (session), ==, 1);
  g_assert_cmpint (bp_session_get_epoch (session), ==, 0);
  g_assert_cmpfloat (g_array_index (rec.losses, double, rec.losses->len - 1), <,
                     0.8 * first_loss);
  g_free (weights);

  /* Stop from PAUSED joins the waiting worker. */
  bp_session_stop (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  assert_no_worker ();

  /* Stop right after start: nothing left behind either. */
  bp_session_start (session);
  bp_session_stop (session);
  assert_no_worker ();
  n = rec.steps->len;
  spin (100);
  g_assert_cmpuint (rec.steps->len, ==, n);

  g_object_unref (session);
  recorder_clear (&rec);
}

static void
stop_in_handler (BpSession    *session,
                 BpStepRecord *r,
                 gpointer      user_data)
{
  if (r->step == 5)
    bp_session_stop (session);
}

static void
test_session_stop_in_handler (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100000);
  Recorder rec;
  BpSession *session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  guint n;

  /* The handler stops at step 5; the records queued after it are still
   * delivered in order (the recorder checks), and nothing comes later. */
  g_signal_connect (session, "step", G_CALLBACK (stop_in_handler), NULL);
  bp_session_start (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_READY);
  n = rec.steps->len;
  g_assert_cmpuint (n, >=, 5);
  spin (200);
  g_assert_cmpuint (rec.steps->len, ==, n);
  assert_no_worker ();
  g_object_unref (session);
  recorder_clear (&rec);
}

typedef struct
{
  BpData   *data;
  gboolean  done;
} SetupAgain;

static void
setup_in_handler (BpSession    *session,
                  BpStepRecord *r,
                  SetupAgain   *again)
{
  nn_trainer_params params = make_params (100000);
  nn_model_spec spec;

  if (again->done || r->step != 5)
    return;
  again->done = TRUE;
  make_spec (&spec, again->data, "dense:16:relu,dense:16:tanh,dropout:0.1,dense:3");
  g_assert_true (bp_session_setup (session, again->data, &spec, &params, NULL, NULL, NULL));
  bp_session_start (session);
}

static void
test_session_setup_in_handler (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100000);
  Recorder rec;
  BpSession *session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  SetupAgain again = { data, FALSE };
  guint n;

  /* A handler sets up a larger model and starts it while records of the
   * first one are being delivered: those still arrive (the recorder checks
   * each against the model it has then, op count included), and the new
   * run's records are of the new model's size. */
  g_signal_connect (session, "step", G_CALLBACK (setup_in_handler), &again);
  bp_session_start (session);
  wait_until (rec.runs == 2);
  n = rec.steps->len;
  wait_until (rec.steps->len >= n + 300);
  g_assert_cmpuint (nn_model_n_ops (bp_session_get_model (session)), ==, 6);
  bp_session_stop (session);
  g_object_unref (session);
  recorder_clear (&rec);
}

static void
test_session_reset (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  const char *layers = "dense:16:relu,batchnorm,dense:3";
  nn_trainer_params params = make_params (100000);
  g_autoptr (BpSession) session = bp_session_new ();
  nn_model_spec spec;
  nn_model *fresh, *model;
  float *given, *given_buffers;
  gsize n_params, n_buffers;
  Recorder rec;

  params.seed = 5;
  recorder_init (&rec, session);
  make_spec (&spec, data, layers);
  fresh = nn_model_new (&spec, 32, NULL);
  g_assert_nonnull (fresh);
  nn_model_init_params (fresh, 5);
  n_params = nn_model_n_params (fresh);
  n_buffers = nn_model_n_buffers (fresh);
  g_assert_cmpuint (n_buffers, ==, 32);

  /* Given weights and buffers are used as they are. */
  given = g_new (float, n_params);
  given_buffers = g_new (float, n_buffers);
  for (gsize i = 0; i < n_params; i++)
    given[i] = 0.001f * (float) (i % 97) - 0.03f;
  for (gsize i = 0; i < n_buffers; i++)
    given_buffers[i] = 0.5f + 0.01f * (float) i;
  g_assert_true (bp_session_setup (session, data, &spec, &params, given, given_buffers, NULL));
  model = bp_session_get_model (session);
  g_assert_cmpint (memcmp (nn_model_params (model), given, n_params * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (nn_model_buffers (model), given_buffers, n_buffers * sizeof (float)),
                   ==, 0);

  /* Reset from RUNNING: the seed's weights, not the given ones. */
  bp_session_start (session);
  wait_until (rec.steps->len >= 50);
  bp_session_reset (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  assert_no_worker ();
  g_assert_cmpint (memcmp (nn_model_params (model), nn_model_params (fresh),
                           n_params * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (nn_model_buffers (model), nn_model_buffers (fresh),
                           n_buffers * sizeof (float)), ==, 0);
  g_assert_cmpuint (bp_session_get_step (session), ==, 0);
  g_assert_cmpint (bp_session_get_epoch (session), ==, 0);

  /* Setting up without weights gives the seed's too, and reset after a
   * while paused again. */
  g_assert_true (bp_session_setup (session, data, &spec, &params, NULL, NULL, NULL));
  model = bp_session_get_model (session);
  g_assert_cmpint (memcmp (nn_model_params (model), nn_model_params (fresh),
                           n_params * sizeof (float)), ==, 0);
  {
    guint before = rec.steps->len;

    bp_session_start (session);
    wait_until (rec.steps->len >= before + 50);
  }
  bp_session_pause (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  g_assert_cmpint (memcmp (nn_model_params (model), nn_model_params (fresh),
                           n_params * sizeof (float)), !=, 0);
  bp_session_reset (session);
  g_assert_cmpint (memcmp (nn_model_params (model), nn_model_params (fresh),
                           n_params * sizeof (float)), ==, 0);

  /* A run after a reset is the run after setup: same first losses. */
  {
    guint from = rec.steps->len;
    double a, b;

    bp_session_step (session);
    wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
    a = g_array_index (rec.losses, double, from);
    bp_session_reset (session);
    bp_session_step (session);
    wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
    b = g_array_index (rec.losses, double, from + 1);
    g_assert_cmpfloat (a, ==, b);
  }

  g_free (given);
  g_free (given_buffers);
  nn_model_free (fresh);
  g_clear_object (&session);
  recorder_clear (&rec);
}

static void
test_session_diverge (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100);
  Recorder rec;
  BpSession *session = new_session (data, "dense:32:relu,dense:32:relu,dense:3", &params, &rec);
  const nn_divergence *d;
  nn_model *model = bp_session_get_model (session);
  guint n;

  /* As `backprop train --lr 1e4`. */
  bp_session_set_lr (session, 1e4);
  bp_session_start (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_DIVERGED);
  g_assert_cmpint (last_state (&rec), ==, BP_SESSION_DIVERGED);
  d = bp_session_get_divergence (session);
  g_assert_nonnull (d);
  g_assert_cmpuint (d->step, >=, 1);
  g_assert_cmpuint (d->step, ==, last_step (&rec) + 1);
  g_assert_cmpint (d->epoch, >=, 1);
  g_assert_cmpstr (d->what, !=, "");
  g_assert_nonnull (strstr (d->message, "rolled back"));
  g_assert_true (all_finite (nn_model_params (model), nn_model_n_params (model)));
  assert_no_worker ();
  n = rec.steps->len;
  spin (100);
  g_assert_cmpuint (rec.steps->len, ==, n);

  bp_session_stop (session);
  g_assert_cmpint (bp_session_get_state (session), ==, BP_SESSION_READY);
  g_assert_null (bp_session_get_divergence (session));
  g_object_unref (session);
  recorder_clear (&rec);
}

static void
test_session_dispose (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100000);
  BpSession *session;
  Recorder rec;

  /* While running, with records queued and an idle pending: the main
   * loop has not run since the worker started. */
  session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  bp_session_start (session);
  g_usleep (50 * 1000);
  g_object_unref (session);
  g_assert_null (session);
  assert_no_worker ();
  spin (100);
  g_assert_cmpuint (rec.steps->len, ==, 0);
  recorder_clear (&rec);

  /* While running and delivering. */
  session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  bp_session_start (session);
  wait_until (rec.steps->len >= 20);
  g_object_unref (session);
  g_assert_null (session);
  assert_no_worker ();
  spin (100);
  recorder_clear (&rec);

  /* Right after start, before any step. */
  session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  bp_session_start (session);
  g_object_unref (session);
  g_assert_null (session);
  assert_no_worker ();
  spin (50);
  recorder_clear (&rec);

  /* While paused. */
  session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  bp_session_step (session);
  wait_until (bp_session_get_state (session) == BP_SESSION_PAUSED);
  g_object_unref (session);
  g_assert_null (session);
  assert_no_worker ();
  spin (50);
  recorder_clear (&rec);

  /* The data outlive the session only through our reference. */
  g_assert_cmpuint (G_OBJECT (data)->ref_count, ==, 1);
}

static void
unref_in_handler (BpSession    *session,
                  BpStepRecord *r,
                  gpointer      user_data)
{
  BpSession **owner = user_data;

  if (r->step == 3 && *owner != NULL)
    g_clear_object (owner);
}

static void
test_session_dispose_in_handler (void)
{
  g_autoptr (BpData) data = load_builtin ("spiral");
  nn_trainer_params params = make_params (100000);
  Recorder rec;
  BpSession *session = new_session (data, "dense:16:relu,dense:3", &params, &rec);
  BpSession *watch = session;

  /* A handler drops the last reference: the session goes once the
   * emission is over, joining its worker. */
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &watch);
  g_signal_connect (session, "step", G_CALLBACK (unref_in_handler), &session);
  bp_session_start (session);
  wait_until (watch == NULL);
  assert_no_worker ();
  spin (100);
  recorder_clear (&rec);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/data/load-async", test_data_load_async);
  g_test_add_func ("/ui/data/load-error", test_data_load_error);
  g_test_add_func ("/ui/data/load-cancelled", test_data_load_cancelled);
  g_test_add_func ("/ui/data/describe", test_data_describe);
  g_test_add_func ("/ui/data/check", test_data_check);
  g_test_add_func ("/ui/data/check-unscaled", test_data_check_unscaled);
  g_test_add_func ("/ui/session/setup", test_session_setup);
  g_test_add_func ("/ui/session/run", test_session_run);
  g_test_add_func ("/ui/session/pause", test_session_pause);
  g_test_add_func ("/ui/session/single-step", test_session_single_step);
  g_test_add_func ("/ui/session/lr", test_session_lr);
  g_test_add_func ("/ui/session/stop", test_session_stop);
  g_test_add_func ("/ui/session/stop-in-handler", test_session_stop_in_handler);
  g_test_add_func ("/ui/session/setup-in-handler", test_session_setup_in_handler);
  g_test_add_func ("/ui/session/reset", test_session_reset);
  g_test_add_func ("/ui/session/diverge", test_session_diverge);
  g_test_add_func ("/ui/session/dispose", test_session_dispose);
  g_test_add_func ("/ui/session/dispose-in-handler", test_session_dispose_in_handler);

  return g_test_run ();
}
