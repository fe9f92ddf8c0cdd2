/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "history.h"

enum { N_OPS = 3 };

/* ---- Helpers --------------------------------------------------------------- */

static nn_history *
history (size_t n_ops)
{
  nn_error err = { 0 };
  nn_history *h = nn_history_new (n_ops, &err);

  if (h == NULL)
    g_error ("nn_history_new: %s", err.msg);
  return h;
}

/* The statistics step @step reports for op @op: each field a different
 * function of both, so a sample moved with the wrong ops shows. */
static nn_op_stats
stats_of (uint64_t step,
          size_t   op)
{
  double s = (double) step, o = (double) op;

  return (nn_op_stats) {
    .grad_norm = s + o / 8, .weight_norm = 2 * s + o, .update_ratio = 1.0 / (s + o + 1),
    .act_mean = -s, .act_std = o, .dead_fraction = o / 4, .saturated_fraction = s / 1e6,
  };
}

static void
add_steps (nn_history *h,
           uint64_t    first,
           uint64_t    last)
{
  nn_op_stats ops[N_OPS];

  for (uint64_t s = first; s <= last; s++)
    {
      nn_step_report r = {
        .step = s, .epoch = (int) (s / 100 + 1), .loss = 1.0 / (double) s, .lr = 0.1,
        .grad_norm = 3.0 * (double) s, .n_ops = N_OPS, .ops = ops,
      };

      for (size_t k = 0; k < N_OPS; k++)
        ops[k] = stats_of (s, k);
      nn_history_add_step (h, &r);
    }
}

/* The least power of 2 S with ⌊n / S⌋ ≤ NN_HISTORY_MAX_STEPS. */
static uint64_t
expected_stride (uint64_t n)
{
  uint64_t s = 1;

  while (n / s > NN_HISTORY_MAX_STEPS)
    s *= 2;
  return s;
}

/* After steps 1 … n the samples are exactly the multiples of the stride up
 * to n, each with its own statistics. */
static void
assert_thinned (const nn_history *h,
                uint64_t          n)
{
  uint64_t stride = expected_stride (n);

  g_assert_cmpuint (nn_history_stride (h), ==, stride);
  g_assert_cmpuint (nn_history_n_steps (h), ==, n / stride);
  g_assert_cmpuint (nn_history_n_steps (h), <=, NN_HISTORY_MAX_STEPS);
  for (size_t i = 0; i < nn_history_n_steps (h); i++)
    {
      const nn_step_sample *s = nn_history_step (h, i);
      const nn_op_stats *ops = nn_history_step_ops (h, i);

      g_assert_cmpuint (s->step, ==, (i + 1) * stride);
      g_assert_cmpint (s->epoch, ==, (int) (s->step / 100 + 1));
      g_assert_cmpfloat (s->loss, ==, 1.0 / (double) s->step);
      g_assert_cmpfloat (s->grad_norm, ==, 3.0 * (double) s->step);
      for (size_t k = 0; k < N_OPS; k++)
        {
          nn_op_stats want = stats_of (s->step, k);

          g_assert_cmpmem (&ops[k], sizeof ops[k], &want, sizeof want);
        }
    }
  g_assert_null (nn_history_step (h, nn_history_n_steps (h)));
  g_assert_null (nn_history_step_ops (h, nn_history_n_steps (h)));
}

static void
add_epoch (nn_history   *h,
           int           epoch,
           const double *dead)
{
  nn_epoch_report r = {
    .epoch = epoch, .steps = (uint64_t) epoch * 10, .train_loss = 1.0 / epoch,
    .train_accuracy = 0.5, .has_val = true, .val_loss = 2.0 / epoch, .val_accuracy = 0.25,
    .lr = 0.01, .samples_per_s = 1000.0 + epoch, .seconds = 0.5, .n_ops = N_OPS,
    .dead_fraction = dead,
  };

  nn_history_add_epoch (h, &r);
}

/* ---- Tests ----------------------------------------------------------------- */

static void
test_new (void)
{
  nn_error err = { 0 };
  nn_history *h = nn_history_new (0, &err);

  g_assert_null (h);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "a history needs a model of at least one op");
  h = nn_history_new (SIZE_MAX / 2, &err);
  g_assert_null (h);
  g_assert_cmpint (err.status, ==, NN_ERR_NOMEM);

  h = history (N_OPS);
  g_assert_cmpuint (nn_history_n_ops (h), ==, N_OPS);
  g_assert_cmpuint (nn_history_n_steps (h), ==, 0);
  g_assert_cmpuint (nn_history_n_epochs (h), ==, 0);
  g_assert_cmpuint (nn_history_stride (h), ==, 1);
  g_assert_null (nn_history_divergence (h));
  g_assert_null (nn_history_step (h, 0));
  g_assert_null (nn_history_epoch (h, 0));
  g_assert_null (nn_history_epoch_dead (h, 0));
  nn_history_free (h);
  nn_history_free (NULL);
}

/* Fed one step at a time, the history holds after every step the multiples
 * of the least stride that keeps ≤ NN_HISTORY_MAX_STEPS of them: evenly
 * spaced over the whole run, the stride only ever doubling. */
static void
test_thinning (void)
{
  static const uint64_t checks[] = {
    1, 2, 100, NN_HISTORY_MAX_STEPS - 1, NN_HISTORY_MAX_STEPS, NN_HISTORY_MAX_STEPS + 1,
    NN_HISTORY_MAX_STEPS + 2, 2 * NN_HISTORY_MAX_STEPS, 2 * NN_HISTORY_MAX_STEPS + 1,
    2 * NN_HISTORY_MAX_STEPS + 2, 2 * NN_HISTORY_MAX_STEPS + 3, 2 * NN_HISTORY_MAX_STEPS + 4,
    10000, 20000,
  };
  nn_history *h = history (N_OPS);
  uint64_t done = 0, stride = 1;

  for (size_t c = 0; c < G_N_ELEMENTS (checks); c++)
    {
      for (; done < checks[c]; done++)
        {
          add_steps (h, done + 1, done + 1);
          g_assert_true (nn_history_stride (h) == stride || nn_history_stride (h) == 2 * stride);
          stride = nn_history_stride (h);
        }
      assert_thinned (h, checks[c]);
    }
  /* 20000 steps: 20000 / 8 = 2500 > 2048, 20000 / 16 = 1250. */
  g_assert_cmpuint (nn_history_stride (h), ==, 16);
  g_assert_cmpuint (nn_history_n_steps (h), ==, 1250);
  nn_history_free (h);
}

/* The samples depend on the step numbers alone: steps fed in pieces (a run
 * paused and resumed) or twice over (a report repeated) give the same
 * history; a cleared history starts again. */
static void
test_thinning_deterministic (void)
{
  nn_history *a = history (N_OPS), *b = history (N_OPS);

  add_steps (a, 1, 7000);
  add_steps (b, 1, 2500);
  add_steps (b, 2000, 4444);
  add_steps (b, 4445, 7000);
  add_steps (b, 6990, 7000);
  g_assert_cmpuint (nn_history_n_steps (a), ==, nn_history_n_steps (b));
  g_assert_cmpuint (nn_history_stride (a), ==, nn_history_stride (b));
  g_assert_cmpmem (nn_history_step (a, 0), nn_history_n_steps (a) * sizeof (nn_step_sample),
                   nn_history_step (b, 0), nn_history_n_steps (b) * sizeof (nn_step_sample));
  g_assert_cmpmem (nn_history_step_ops (a, 0),
                   nn_history_n_steps (a) * N_OPS * sizeof (nn_op_stats),
                   nn_history_step_ops (b, 0),
                   nn_history_n_steps (b) * N_OPS * sizeof (nn_op_stats));
  assert_thinned (a, 7000);

  nn_history_clear (b);
  g_assert_cmpuint (nn_history_n_steps (b), ==, 0);
  g_assert_cmpuint (nn_history_stride (b), ==, 1);
  add_steps (b, 1, 300);
  assert_thinned (b, 300);
  nn_history_free (a);
  nn_history_free (b);
}

/* A report with fewer ops than the history (or none) leaves the rest 0. */
static void
test_step_ops_missing (void)
{
  nn_history *h = history (N_OPS);
  nn_op_stats one = stats_of (5, 0), zero = { 0 };
  nn_step_report r = { .step = 1, .epoch = 1, .n_ops = 1, .ops = &one };

  nn_history_add_step (h, &r);
  r.step = 2;
  r.n_ops = 0;
  r.ops = NULL;
  nn_history_add_step (h, &r);
  g_assert_cmpuint (nn_history_n_steps (h), ==, 2);
  g_assert_cmpmem (&nn_history_step_ops (h, 0)[0], sizeof one, &one, sizeof one);
  for (size_t k = 1; k < N_OPS; k++)
    g_assert_cmpmem (&nn_history_step_ops (h, 0)[k], sizeof zero, &zero, sizeof zero);
  for (size_t k = 0; k < N_OPS; k++)
    g_assert_cmpmem (&nn_history_step_ops (h, 1)[k], sizeof zero, &zero, sizeof zero);
  nn_history_free (h);
}

/* Every epoch is kept (past the first allocation, too) with its dead
 * fractions, NAN where the report has none; repeated epochs are ignored. */
static void
test_epochs (void)
{
  nn_history *h = history (N_OPS);
  double dead[N_OPS] = { NAN, 0.25, 1.0 };

  for (int e = 1; e <= 300; e++)
    {
      dead[1] = e / 1000.0;
      add_epoch (h, e, e % 3 == 0 ? NULL : dead);
    }
  add_epoch (h, 300, dead);
  add_epoch (h, 12, dead);
  g_assert_cmpuint (nn_history_n_epochs (h), ==, 300);
  for (int e = 1; e <= 300; e++)
    {
      const nn_epoch_sample *s = nn_history_epoch (h, (size_t) e - 1);
      const double *d = nn_history_epoch_dead (h, (size_t) e - 1);

      g_assert_cmpint (s->epoch, ==, e);
      g_assert_cmpfloat (s->train_loss, ==, 1.0 / e);
      g_assert_cmpfloat (s->train_accuracy, ==, 0.5);
      g_assert_true (s->has_val);
      g_assert_cmpfloat (s->val_loss, ==, 2.0 / e);
      g_assert_cmpfloat (s->val_accuracy, ==, 0.25);
      g_assert_cmpfloat (s->lr, ==, 0.01);
      g_assert_cmpfloat (s->samples_per_s, ==, 1000.0 + e);
      g_assert_cmpfloat (s->seconds, ==, 0.5);
      g_assert_true (isnan (d[0]));
      if (e % 3 == 0)
        {
          g_assert_true (isnan (d[1]));
          g_assert_true (isnan (d[2]));
        }
      else
        {
          g_assert_cmpfloat (d[1], ==, e / 1000.0);
          g_assert_cmpfloat (d[2], ==, 1.0);
        }
    }
  nn_history_clear (h);
  g_assert_cmpuint (nn_history_n_epochs (h), ==, 0);
  add_epoch (h, 1, NULL);
  g_assert_cmpuint (nn_history_n_epochs (h), ==, 1);
  nn_history_free (h);
}

/* The history keeps its own copy of the divergence; NULL or a clear
 * forgets it. */
static void
test_divergence (void)
{
  nn_history *h = history (N_OPS);
  nn_divergence d = { .step = 77, .epoch = 3, .op = 2, .last_loss = 0.5 };
  const nn_divergence *got;

  g_strlcpy (d.what, "gradient", sizeof d.what);
  g_strlcpy (d.message, "the gradient of layers.2 went non-finite", sizeof d.message);
  nn_history_set_divergence (h, &d);
  memset (&d, 0, sizeof d);
  got = nn_history_divergence (h);
  g_assert_nonnull (got);
  g_assert_cmpuint (got->step, ==, 77);
  g_assert_cmpint (got->epoch, ==, 3);
  g_assert_cmpuint (got->op, ==, 2);
  g_assert_cmpfloat (got->last_loss, ==, 0.5);
  g_assert_cmpstr (got->what, ==, "gradient");
  g_assert_cmpstr (got->message, ==, "the gradient of layers.2 went non-finite");
  nn_history_set_divergence (h, NULL);
  g_assert_null (nn_history_divergence (h));
  d.step = 5;
  nn_history_set_divergence (h, &d);
  g_assert_nonnull (nn_history_divergence (h));
  nn_history_clear (h);
  g_assert_null (nn_history_divergence (h));
  nn_history_free (h);
}

/* Read back sample by sample, as from a file, a history is the same to the
 * bit, and goes on thinning the same way. */
static void
test_restore_round_trip (void)
{
  nn_history *a = history (N_OPS), *b = history (N_OPS);
  nn_divergence d = { .step = 5001, .epoch = 51, .op = SIZE_MAX, .last_loss = NAN };
  double dead[N_OPS] = { 0.5, NAN, 0.0 };
  nn_error err = { 0 };

  g_strlcpy (d.what, "loss", sizeof d.what);
  add_steps (a, 1, 5000);
  for (int e = 1; e <= 50; e++)
    add_epoch (a, e, e % 2 ? dead : NULL);
  nn_history_set_divergence (a, &d);

  nn_history_restore_stride (b, nn_history_stride (a));
  for (size_t i = 0; i < nn_history_n_steps (a); i++)
    g_assert_cmpint (nn_history_restore_step (b, nn_history_step (a, i),
                                              nn_history_step_ops (a, i), &err), ==, NN_OK);
  for (size_t i = 0; i < nn_history_n_epochs (a); i++)
    g_assert_cmpint (nn_history_restore_epoch (b, nn_history_epoch (a, i),
                                               nn_history_epoch_dead (a, i), &err), ==, NN_OK);
  nn_history_set_divergence (b, nn_history_divergence (a));

  for (int pass = 0; pass < 2; pass++)
    {
      g_assert_cmpuint (nn_history_stride (b), ==, nn_history_stride (a));
      g_assert_cmpuint (nn_history_n_steps (b), ==, nn_history_n_steps (a));
      g_assert_cmpmem (nn_history_step (a, 0), nn_history_n_steps (a) * sizeof (nn_step_sample),
                       nn_history_step (b, 0), nn_history_n_steps (b) * sizeof (nn_step_sample));
      g_assert_cmpmem (nn_history_step_ops (a, 0),
                       nn_history_n_steps (a) * N_OPS * sizeof (nn_op_stats),
                       nn_history_step_ops (b, 0),
                       nn_history_n_steps (b) * N_OPS * sizeof (nn_op_stats));
      g_assert_cmpuint (nn_history_n_epochs (b), ==, nn_history_n_epochs (a));
      g_assert_cmpmem (nn_history_epoch (a, 0), 50 * sizeof (nn_epoch_sample),
                       nn_history_epoch (b, 0), 50 * sizeof (nn_epoch_sample));
      g_assert_cmpmem (nn_history_epoch_dead (a, 0), 50 * N_OPS * sizeof (double),
                       nn_history_epoch_dead (b, 0), 50 * N_OPS * sizeof (double));
      g_assert_cmpmem (nn_history_divergence (a), sizeof d, nn_history_divergence (b), sizeof d);
      /* Both go on alike. */
      add_steps (a, 5001, 9000);
      add_steps (b, 5001, 9000);
    }
  assert_thinned (b, 9000);
  nn_history_free (a);
  nn_history_free (b);
}

/* What a file may not hold: steps or epochs out of order, more samples
 * than a history keeps, a sample without its ops. */
static void
test_restore_errors (void)
{
  nn_history *h = history (N_OPS);
  nn_op_stats ops[N_OPS] = { { 0 } };
  nn_step_sample s = { .step = 10 };
  nn_epoch_sample e = { .epoch = 4 };
  nn_error err = { 0 };

  g_assert_cmpint (nn_history_restore_step (h, &s, NULL, &err), ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "step 10 has no statistics of its ops");
  g_assert_cmpint (nn_history_restore_step (h, &s, ops, &err), ==, NN_OK);
  g_assert_cmpint (nn_history_restore_step (h, &s, ops, &err), ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "step 10 comes after step 10; the steps of a history must "
                   "increase");
  s.step = 3;
  g_assert_cmpint (nn_history_restore_step (h, &s, ops, &err), ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "step 3 comes after step 10; the steps of a history must "
                   "increase");
  for (s.step = 11; nn_history_n_steps (h) < NN_HISTORY_MAX_STEPS; s.step++)
    g_assert_cmpint (nn_history_restore_step (h, &s, ops, NULL), ==, NN_OK);
  g_assert_cmpint (nn_history_restore_step (h, &s, ops, &err), ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "a history holds at most 2048 step samples");
  g_assert_cmpuint (nn_history_n_steps (h), ==, NN_HISTORY_MAX_STEPS);

  g_assert_cmpint (nn_history_restore_epoch (h, &e, NULL, &err), ==, NN_OK);
  g_assert_true (isnan (nn_history_epoch_dead (h, 0)[0]));
  g_assert_cmpint (nn_history_restore_epoch (h, &e, NULL, &err), ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "epoch 4 comes after epoch 4; the epochs of a history must "
                   "increase");
  g_assert_cmpuint (nn_history_n_epochs (h), ==, 1);

  /* A stride of 0 means 1. */
  nn_history_restore_stride (h, 0);
  g_assert_cmpuint (nn_history_stride (h), ==, 1);
  nn_history_free (h);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/history/new", test_new);
  g_test_add_func ("/engine/history/thinning", test_thinning);
  g_test_add_func ("/engine/history/thinning-deterministic", test_thinning_deterministic);
  g_test_add_func ("/engine/history/step-ops-missing", test_step_ops_missing);
  g_test_add_func ("/engine/history/epochs", test_epochs);
  g_test_add_func ("/engine/history/divergence", test_divergence);
  g_test_add_func ("/engine/history/restore-round-trip", test_restore_round_trip);
  g_test_add_func ("/engine/history/restore-errors", test_restore_errors);
  return g_test_run ();
}
