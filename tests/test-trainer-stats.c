/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "loss.h"
#include "model.h"
#include "spec.h"
#include "trainer.h"

/* The statistics of the step and epoch reports, each worked out again from
 * a shadow model that holds the parameters before the step. */

static nn_model *
build (const char *layers,
       size_t      inputs,
       nn_loss     loss,
       size_t      max_batch)
{
  nn_model_spec spec;
  nn_error err = { 0 };
  nn_model *m;

  nn_model_spec_init (&spec);
  spec.inputs = inputs;
  spec.loss = loss;
  if (nn_model_spec_parse_layers (&spec, layers, &err) != NN_OK)
    g_error ("'%s': %s", layers, err.msg);
  m = nn_model_new (&spec, max_batch, &err);
  if (m == NULL)
    g_error ("'%s': %s", layers, err.msg);
  return m;
}

static void
assert_close (const char *what,
              double      got,
              double      want,
              double      tol)
{
  if (!(fabs (got - want) <= tol * fmax (1.0, fabs (want))))
    g_error ("%s: got %.9g, want %.9g (tolerance %g)", what, got, want, tol);
}

/* @n rows of two features uniform in [−1, 1] from @seed, labelled by the
 * sign of x₁·x₂. */
static nn_dataset *
xor_data (size_t   n,
          uint64_t seed)
{
  nn_dataset *ds = nn_dataset_new (NN_TASK_CLASSIFICATION, n, 2, 2, NULL);
  nn_rng rng;

  nn_rng_seed (&rng, seed);
  for (size_t i = 0; i < 2 * n; i++)
    ds->x[i] = (float) (2.0 * nn_rng_uniform (&rng) - 1.0);
  for (size_t i = 0; i < n; i++)
    ds->y[i] = ds->x[2 * i] * ds->x[2 * i + 1] > 0.0f;
  return ds;
}

static nn_trainer_params
params (nn_optimizer kind,
        double       lr,
        size_t       batch,
        int          epochs)
{
  nn_trainer_params p = nn_trainer_params_default ();

  p.opt = nn_optimizer_params_default (kind);
  p.opt.lr = lr;
  p.batch = batch;
  p.epochs = epochs;
  p.shuffle = false;
  return p;
}

static nn_trainer *
trainer (nn_model                *m,
         const nn_trainer_params *p,
         const nn_dataset        *train)
{
  nn_error err = { 0 };
  nn_trainer *t = nn_trainer_new (m, p, train, NULL, &err);

  if (t == NULL)
    g_error ("nn_trainer_new: %s", err.msg);
  return t;
}

static double
norm (const float *x,
      size_t       n)
{
  double s = 0.0;

  for (size_t i = 0; i < n; i++)
    s += (double) x[i] * x[i];
  return sqrt (s);
}

/* What a step callback checks against, and what it saw. */
typedef struct
{
  nn_model         *m;
  nn_model         *shadow;      /* parameters before the step */
  const nn_dataset *train;
  size_t            batch;
  size_t            bins;
  uint64_t          steps;
  uint64_t          hist_steps;  /* bit s: step s had histograms */
  double            dead[8][4];  /* [step][op] dead_fraction of the step reports */
  double            epoch_dead[4][4];
  double            saturated[8][4];
  bool              stats_off;
} shadow_check;

/* The per-op norms, activation moments and histograms of one step. */
static bool
shadow_step_cb (const nn_step_report *r,
                void                 *user)
{
  shadow_check *c = user;
  nn_model *s = c->shadow;
  size_t first = (r->batch - 1) * c->batch, k = nn_model_outputs (s);
  const float *now = nn_model_params (c->m), *before = nn_model_params (s);
  const float *g = nn_model_grads (s);
  const float *out;
  double total = 0.0;

  c->steps++;
  g_assert_cmpuint (r->step, ==, c->steps);
  g_assert_cmpuint (r->n_ops, ==, nn_model_n_ops (c->m));

  /* The step again on the shadow: its gradient, and every op's output. */
  out = nn_model_forward (s, c->train->x + first * 2, r->rows, NN_MODE_TRAIN, NULL);
  nn_loss_compute (nn_model_get_spec (s)->loss, out, r->rows, k, c->train->y + first, NULL,
                   nn_model_output_grad (s), NULL);
  nn_model_backward (s);

  for (size_t i = 0; i < r->n_ops; i++)
    {
      const nn_op *op = nn_model_op (s, i);
      const nn_op_stats *o = &r->ops[i];
      const float *y = nn_model_activation (s, i);
      size_t count = r->rows * op->out, off = op->param_offset, np = op->n_params;
      double mean = 0.0, var = 0.0;

      if (np > 0)
        {
          double gn = norm (g + off, np), wn = norm (now + off, np), dn = 0.0;

          for (size_t j = off; j < off + np; j++)
            dn += ((double) now[j] - before[j]) * ((double) now[j] - before[j]);
          /* The trainer sums in float within blocks: 1e-5 relative. */
          assert_close ("grad_norm", o->grad_norm, gn, 1e-5);
          assert_close ("weight_norm", o->weight_norm, wn, 1e-5);
          assert_close ("update_ratio", o->update_ratio, sqrt (dn) / wn, 1e-5);
          total += gn * gn;
        }
      else
        {
          g_assert_cmpfloat (o->grad_norm, ==, 0.0);
          g_assert_cmpfloat (o->weight_norm, ==, 0.0);
          g_assert_cmpfloat (o->update_ratio, ==, 0.0);
        }

      /* Mean and (population) standard deviation of the op's output. */
      for (size_t j = 0; j < count; j++)
        mean += y[j];
      mean /= (double) count;
      for (size_t j = 0; j < count; j++)
        var += (y[j] - mean) * (y[j] - mean);
      if (c->stats_off)
        {
          g_assert_cmpfloat (o->act_mean, ==, 0.0);
          g_assert_cmpfloat (o->act_std, ==, 0.0);
          g_assert_cmpfloat (o->dead_fraction, ==, 0.0);
          g_assert_cmpfloat (o->saturated_fraction, ==, 0.0);
        }
      else
        {
          assert_close ("act_mean", o->act_mean, mean, 1e-6);
          assert_close ("act_std", o->act_std, sqrt (var / (double) count), 1e-6);
        }
      if (r->step < 8 && i < 4)
        {
          c->dead[r->step][i] = o->dead_fraction;
          c->saturated[r->step][i] = o->saturated_fraction;
        }
    }
  assert_close ("grad_norm", r->grad_norm, sqrt (total), 1e-5);

  if (r->has_histograms)
    {
      c->hist_steps |= (uint64_t) 1 << r->step;
      for (size_t i = 0; i < r->n_ops; i++)
        {
          const nn_op *op = nn_model_op (s, i);
          const nn_histogram *h[3] = { &r->weight_hist[i], &r->grad_hist[i], &r->act_hist[i] };
          /* Weights and gradients of the op's weight tensor (torch's
           * layers.{i}.weight), and the op's output. */
          const float *v[3] = { now + op->param_offset, g + op->param_offset,
                                nn_model_activation (s, i) };
          size_t n[3] = { op->n_weights, op->n_weights, r->rows * op->out };

          for (int kind = 0; kind < 3; kind++)
            {
              uint64_t sum = 0, must[64] = { 0 }, may[64] = { 0 };
              float lo = INFINITY, hi = -INFINITY;

              /* A tensor of n values gets n/8 bins, at least 10, at most
               * the trainer's bins. */
              size_t bins = MIN (c->bins, MAX (10, n[kind] / 8));

              g_assert_cmpuint (c->bins, <=, G_N_ELEMENTS (must));
              g_assert_cmpuint (h[kind]->total, ==, n[kind]);
              g_assert_cmpuint (h[kind]->nonfinite, ==, 0);
              if (n[kind] == 0)
                continue;
              g_assert_cmpuint (h[kind]->bins, ==, bins);
              for (size_t j = 0; j < n[kind]; j++)
                {
                  lo = fminf (lo, v[kind][j]);
                  hi = fmaxf (hi, v[kind][j]);
                }
              assert_close ("histogram lo", h[kind]->lo, lo, 1e-6);
              assert_close ("histogram hi", h[kind]->hi, hi, 1e-6);
              /* Equal bins over [lo, hi], the maximum in the last, all in the
               * first when every value is the same. A value within rounding
               * (10⁻⁴ of a bin) of an edge may fall on either side. */
              for (size_t j = 0; j < n[kind]; j++)
                {
                  double pos = hi > lo ? ((double) v[kind][j] - lo) * (double) bins
                                         / ((double) hi - lo) : 0.0;
                  size_t b0 = MIN (bins - 1, (size_t) fmax (0.0, floor (pos - 1e-4)));
                  size_t b1 = MIN (bins - 1, (size_t) fmax (0.0, floor (pos + 1e-4)));

                  must[b0] += b0 == b1;
                  may[b0]++;
                  may[b1] += b0 != b1;
                }
              for (size_t b = 0; b < bins; b++)
                {
                  g_assert_cmpuint (h[kind]->counts[b], >=, must[b]);
                  g_assert_cmpuint (h[kind]->counts[b], <=, may[b]);
                  sum += h[kind]->counts[b];
                }
              g_assert_cmpuint (sum, ==, n[kind]);
            }
        }
    }
  else
    {
      g_assert_null (r->weight_hist);
      g_assert_null (r->grad_hist);
      g_assert_null (r->act_hist);
    }

  memcpy (nn_model_params (s), now, nn_model_n_params (s) * sizeof (float));
  return true;
}

static bool
shadow_epoch_cb (const nn_epoch_report *r,
                 void                  *user)
{
  shadow_check *c = user;

  g_assert_cmpuint (r->n_ops, ==, nn_model_n_ops (c->m));
  for (size_t i = 0; i < r->n_ops && i < 4 && r->epoch < 4; i++)
    c->epoch_dead[r->epoch][i] = r->dead_fraction[i];
  return true;
}

/* Trains @m on @ds for @epochs in batches of @batch with the checks above. */
static void
run_checked (nn_model          *m,
             nn_trainer_params *p,
             const nn_dataset  *ds,
             shadow_check      *c)
{
  nn_error err = { 0 };
  nn_trainer *t = trainer (m, p, ds);
  bool off = c->stats_off;

  memset (c, 0, sizeof *c);
  c->stats_off = off;
  c->m = m;
  c->train = ds;
  c->batch = p->batch;
  c->bins = p->histogram_bins;
  c->shadow = nn_model_new (nn_model_get_spec (m), p->batch, &err);
  g_assert_nonnull (c->shadow);
  memcpy (nn_model_params (c->shadow), nn_model_params (m), nn_model_n_params (m) * sizeof (float));
  nn_trainer_set_callbacks (t, shadow_step_cb, shadow_epoch_cb, c);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
  nn_model_free (c->shadow);
  nn_trainer_free (t);
}

/* Adam on a tanh network: every per-op figure of every step. */
static void
test_norms (void)
{
  nn_dataset *ds = xor_data (6, 1);
  nn_model *m = build ("dense:3:tanh,dense:2", 2, NN_LOSS_CE, 3);
  nn_trainer_params p = params (NN_OPT_ADAM, 0.05, 3, 2);
  shadow_check c = { 0 };

  nn_model_init_params (m, 3);
  run_checked (m, &p, ds, &c);
  g_assert_cmpuint (c.steps, ==, 4);
  nn_model_free (m);
  nn_dataset_free (ds);
}

/* Four ReLU units on rows whose x₁ is −0.5, −0.6, −0.7 (batch 1) then 0.5,
 * 0.6, 0.7 (batch 2):
 *   unit 0, bias −100: dead in every row;
 *   unit 1, bias +100: alive in every row;
 *   unit 2, w = (100, 0): alive only where x₁ > 0, so dead in batch 1;
 *   unit 3, w = (−100, 0): alive only where x₁ < 0, so dead in batch 2.
 * Each step reports 2 of 4 dead; over the epoch only unit 0 never fired: ¼.
 * A rate of 10⁻³ cannot move a pre-activation of ±50 across 0. */
static void
test_dead (void)
{
  float x[12] = { -0.5f, 0.3f, -0.6f, -0.9f, -0.7f, 0.1f, 0.5f, 0.2f, 0.6f, -0.4f, 0.7f, 0.8f };
  int32_t y[6] = { 0, 1, 0, 1, 0, 1 };
  nn_dataset ds = {
    .task = NN_TASK_CLASSIFICATION, .n = 6, .d = 2, .k = 2, .x = x, .y = y,
  };
  const float w1[12] = { 0, 0, 0, 0, 100, 0, -100, 0, -100, 100, 0, 0 };
  nn_model *m = build ("dense:4:relu,dense:2", 2, NN_LOSS_CE, 3);
  nn_trainer_params p = params (NN_OPT_SGD, 1e-3, 3, 2);
  shadow_check c = { 0 };

  nn_model_init_params (m, 1);
  memcpy (nn_model_params (m), w1, sizeof w1);
  run_checked (m, &p, &ds, &c);
  for (int s = 1; s <= 4; s++)
    {
      g_assert_cmpfloat (c.dead[s][1], ==, 0.5);
      /* Linear ops are never dead. */
      g_assert_cmpfloat (c.dead[s][0], ==, 0.0);
      g_assert_cmpfloat (c.dead[s][2], ==, 0.0);
    }
  for (int e = 1; e <= 2; e++)
    {
      g_assert_cmpfloat (c.epoch_dead[e][1], ==, 0.25);
      /* NAN for ops that are not of the ReLU family. */
      g_assert_true (isnan (c.epoch_dead[e][0]));
      g_assert_true (isnan (c.epoch_dead[e][2]));
    }

  /* Every bias −100: the whole layer is dead, in each step and the epoch;
   * no gradient reaches it, so it stays dead. */
  nn_model_init_params (m, 1);
  for (int j = 8; j < 12; j++)
    nn_model_params (m)[j] = -100.0f;
  run_checked (m, &p, &ds, &c);
  for (int s = 1; s <= 4; s++)
    g_assert_cmpfloat (c.dead[s][1], ==, 1.0);
  for (int e = 1; e <= 2; e++)
    g_assert_cmpfloat (c.epoch_dead[e][1], ==, 1.0);
  nn_model_free (m);
}

/* Sigmoid and tanh after W = [[100, 0], [0, 100], [0, 0]], b = 0, on inputs
 * with |x| ≥ 0.2: units 0 and 1 sit at ±20 or beyond (sigmoid within 2e-9 of
 * 0 or 1, tanh at ±1), unit 2 at 0 (½ and 0): 2 of 3 outputs saturated. */
static void
test_saturated (void)
{
  static const char *const layers[] = { "dense:3:sigmoid,dense:2", "dense:3:tanh,dense:2" };
  float x[8] = { 0.2f, -0.5f, -0.3f, 0.9f, 1.0f, 1.0f, -0.7f, -0.25f };
  int32_t y[4] = { 0, 1, 1, 0 };
  nn_dataset ds = {
    .task = NN_TASK_CLASSIFICATION, .n = 4, .d = 2, .k = 2, .x = x, .y = y,
  };
  const float w1[9] = { 100, 0, 0, 100, 0, 0, 0, 0, 0 };

  for (size_t l = 0; l < G_N_ELEMENTS (layers); l++)
    {
      nn_model *m = build (layers[l], 2, NN_LOSS_CE, 4);
      nn_trainer_params p = params (NN_OPT_SGD, 1e-3, 4, 1);
      shadow_check c = { 0 };

      nn_model_init_params (m, 1);
      memcpy (nn_model_params (m), w1, sizeof w1);
      run_checked (m, &p, &ds, &c);
      assert_close ("saturated", c.saturated[1][1], 2.0 / 3.0, 1e-15);
      g_assert_cmpfloat (c.saturated[1][0], ==, 0.0);
      g_assert_cmpfloat (c.saturated[1][2], ==, 0.0);
      g_assert_cmpfloat (c.dead[1][1], ==, 0.0);
      nn_model_free (m);
    }
}

/* Histograms every 2 steps and at each epoch's end: 3 steps an epoch over
 * 2 epochs gives steps 2, 3, 4 and 6; with a period of 0 only 3 and 6. */
static void
test_histograms (void)
{
  nn_dataset *ds = xor_data (6, 2);

  for (int every = 0; every <= 2; every += 2)
    {
      nn_model *m = build ("dense:3:tanh,dense:2", 2, NN_LOSS_CE, 2);
      nn_trainer_params p = params (NN_OPT_SGD, 0.5, 2, 2);
      shadow_check c = { 0 };
      uint64_t want = every ? (1 << 2 | 1 << 3 | 1 << 4 | 1 << 6) : (1 << 3 | 1 << 6);

      p.histogram_every = every;
      p.histogram_bins = 8;
      nn_model_init_params (m, 5);
      run_checked (m, &p, ds, &c);
      g_assert_cmphex (c.hist_steps, ==, want);
      nn_model_free (m);
    }
  nn_dataset_free (ds);
}

static bool
no_params_hist_cb (const nn_step_report *r,
                   void                 *user)
{
  int *seen = user;

  if (!r->has_histograms)
    return true;
  (*seen)++;
  /* Op 1 is the Tanh: no parameters, so no weight or gradient histogram. */
  g_assert_cmpuint (r->weight_hist[1].total, ==, 0);
  g_assert_cmpuint (r->grad_hist[1].total, ==, 0);
  g_assert_cmpuint (r->weight_hist[1].bins, ==, 0);
  g_assert_cmpuint (r->grad_hist[1].bins, ==, 0);
  /* Its output has one. */
  g_assert_cmpuint (r->act_hist[1].bins, ==, 8);
  return true;
}

/* trainer.h: weight_hist is "of each op's parameters (bins 0 without)". */
static void
test_histogram_no_params (void)
{
  nn_dataset *ds = xor_data (4, 3);
  nn_model *m = build ("dense:3:tanh,dense:2", 2, NN_LOSS_CE, 4);
  nn_trainer_params p = params (NN_OPT_SGD, 0.1, 4, 1);
  nn_trainer *t;
  int seen = 0;

  p.histogram_bins = 8;
  nn_model_init_params (m, 1);
  t = trainer (m, &p, ds);
  nn_trainer_set_callbacks (t, no_params_hist_cb, NULL, &seen);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
  g_assert_cmpint (seen, ==, 1);
  nn_trainer_free (t);
  nn_model_free (m);
  nn_dataset_free (ds);
}

/* stats = false: the norms (free from the update) stay, the activation
 * figures are 0, no histograms even at an epoch's end, and the epoch's dead
 * fractions are NAN. */
static void
test_stats_off (void)
{
  nn_dataset *ds = xor_data (6, 4);
  nn_model *m = build ("dense:4:relu,dense:2", 2, NN_LOSS_CE, 3);
  nn_trainer_params p = params (NN_OPT_SGD, 0.1, 3, 2);
  shadow_check c = { .stats_off = true };

  p.stats = false;
  p.histogram_every = 1;
  nn_model_init_params (m, 1);
  for (int j = 8; j < 12; j++)
    nn_model_params (m)[j] = -100.0f;
  run_checked (m, &p, ds, &c);
  g_assert_cmpuint (c.steps, ==, 4);
  g_assert_cmphex (c.hist_steps, ==, 0);
  for (int s = 1; s <= 4; s++)
    g_assert_cmpfloat (c.dead[s][1], ==, 0.0);
  for (int e = 1; e <= 2; e++)
    for (int i = 0; i < 3; i++)
      g_assert_true (isnan (c.epoch_dead[e][i]));
  nn_model_free (m);
  nn_dataset_free (ds);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/trainer/stats/norms", test_norms);
  g_test_add_func ("/engine/trainer/stats/dead", test_dead);
  g_test_add_func ("/engine/trainer/stats/saturated", test_saturated);
  g_test_add_func ("/engine/trainer/stats/histograms", test_histograms);
  g_test_add_func ("/engine/trainer/stats/histogram-no-params", test_histogram_no_params);
  g_test_add_func ("/engine/trainer/stats/off", test_stats_off);
  return g_test_run ();
}
