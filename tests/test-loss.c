/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "loss.h"
#include "rng.h"

/* Losses are summed in double from float logits, so a loss on exactly
 * representable logits is good to double rounding; gradients are stored as
 * float, good to 2⁻²⁴ relative. */
#define LOSS_TOL 1e-12
#define GRAD_TOL 1e-7

static void
assert_grads (const float  *got,
              const double *want,
              size_t        count)
{
  for (size_t i = 0; i < count; i++)
    if (!(fabs (got[i] - want[i]) <= GRAD_TOL * fmax (1.0, fabs (want[i]))))
      g_error ("dlogits[%zu] = %.9g, want %.9g", i, got[i], want[i]);
}

/* Two rows, three classes, worked by hand.
 * Row 0: z = (1, 2, 3), y = 2. log Σ eᶻ = 3 + log(e⁻² + e⁻¹ + 1)
 *   = 3 + log 1.5032147 = 3.4076060, loss = 3.4076060 − 3 = 0.4076059644443806;
 *   softmax = (0.0900306, 0.2447285, 0.6652410).
 * Row 1: z = (0, 0, 0), y = 0. loss = log 3 = 1.0986122886681098;
 *   softmax = (⅓, ⅓, ⅓).
 * Mean (torch's reduction over rows) = 0.7531091265562452.
 * ∂/∂z = (softmax − onehot(y)) / n:
 *   row 0 (0.0450153, 0.1223642, −0.1673795), row 1 (−⅓, ⅙, ⅙).
 * Predictions: row 0 → 2; row 1 ties → the first maximum, 0 (torch.argmax). */
static void
test_ce_worked (void)
{
  const float z[] = { 1, 2, 3, 0, 0, 0 };
  const int32_t y[] = { 2, 0 };
  const double s0[] = { 0.09003057317038043, 0.24472847105479759, 0.6652409557748217 };
  const double want[] = {
    s0[0] / 2, s0[1] / 2, (s0[2] - 1) / 2, (1.0 / 3 - 1) / 2, 1.0 / 6, 1.0 / 6,
  };
  float dz[6];
  int32_t pred[2] = { -1, -1 };
  double loss = nn_loss_compute (NN_LOSS_CE, z, 2, 3, y, NULL, dz, pred);

  g_assert_cmpfloat_with_epsilon (loss, 0.7531091265562452, LOSS_TOL);
  assert_grads (dz, want, 6);
  g_assert_cmpint (pred[0], ==, 2);
  g_assert_cmpint (pred[1], ==, 0);

  /* Without dlogits or pred the loss is the same and nothing is written. */
  g_assert_cmpfloat (nn_loss_compute (NN_LOSS_CE, z, 2, 3, y, NULL, NULL, NULL), ==, loss);
  g_assert_cmpfloat (nn_loss_compute (NN_LOSS_CE, z, 0, 3, y, NULL, dz, pred), ==, 0.0);
}

/* log Σ eᶻ with the maximum subtracted: logits of ±1000 would overflow e^z
 * in double (e^710 does). Row 0 is certain and right (loss e⁻¹⁰⁰⁰ ≈ 0),
 * row 1 certain and wrong (loss 2000), row 2 a tie at −1000 (loss log 2). */
static void
test_ce_stable (void)
{
  const float z[] = { 1000, 0, -1000, 1000, 0, -1000, -1000, -1000, -1e30f };
  const int32_t y[] = { 0, 2, 1 };
  const double want[] = { 0, 0, 0, 1.0 / 3, 0, -1.0 / 3, 1.0 / 6, -1.0 / 6, 0 };
  float dz[9];
  double loss = nn_loss_compute (NN_LOSS_CE, z, 3, 3, y, NULL, dz, NULL);

  g_assert_cmpfloat_with_epsilon (loss, (0.0 + 2000.0 + G_LN2) / 3, 1e-9);
  assert_grads (dz, want, 9);
}

/* −[t·log σ(x) + (1 − t)·log(1 − σ(x))], the textbook form, in double:
 * only for moderate x (the engine uses the stable form). */
static double
bce_textbook (double x,
              double t)
{
  double s = 1.0 / (1.0 + exp (-x));

  return -(t * log (s) + (1.0 - t) * log (1.0 - s));
}

/* One output on class ids 0/1 (the id is the target), mean over n·1:
 *   x = 2, t = 1: log(1 + e⁻²)   = 0.1269280110429727
 *   x = −1, t = 0: log(1 + e⁻¹)  = 0.31326168751822286
 *   x = ½, t = 0: log(1 + e^½)   = 0.9740769841801067
 *   x = 0, t = 1: log 2          = 0.6931471805599453
 * mean 0.5268534658253119; ∂/∂x = (σ(x) − t)/4:
 *   −0.02980073050552942, 0.06723535534249878, 0.15561483280046365, −0.125 */
static void
test_bce_binary (void)
{
  const float z[] = { 2, -1, 0.5f, 0 };
  const int32_t y[] = { 1, 0, 0, 1 };
  const double want[] = {
    -0.02980073050552942, 0.06723535534249878, 0.15561483280046365, -0.125,
  };
  float dz[4];
  int32_t pred[4];
  double loss = nn_loss_compute (NN_LOSS_BCE, z, 4, 1, y, NULL, dz, pred);

  g_assert_cmpfloat_with_epsilon (loss, 0.5268534658253119, LOSS_TOL);
  assert_grads (dz, want, 4);
  /* One output predicts class 1 when the logit is above 0 (σ > ½). */
  g_assert_cmpint (pred[0], ==, 1);
  g_assert_cmpint (pred[1], ==, 0);
  g_assert_cmpint (pred[2], ==, 1);
  g_assert_cmpint (pred[3], ==, 0);
}

/* k > 1 outputs on class ids: each row's target is one-hot, the mean runs
 * over all n·k entries (BCEWithLogitsLoss on a one-hot float tensor). */
static void
test_bce_one_hot (void)
{
  const float z[] = { 0.5f, -1.5f, 2, -0.25f, 1, 0.75f };
  const int32_t y[] = { 2, 0 };
  const double t[] = { 0, 0, 1, 1, 0, 0 };
  double want_loss = 0.0, want[6];
  float dz[6];
  int32_t pred[2];
  double loss;

  for (int i = 0; i < 6; i++)
    {
      want_loss += bce_textbook (z[i], t[i]) / 6;
      want[i] = (1.0 / (1.0 + exp (-(double) z[i])) - t[i]) / 6;
    }
  loss = nn_loss_compute (NN_LOSS_BCE, z, 2, 3, y, NULL, dz, pred);
  g_assert_cmpfloat_with_epsilon (loss, want_loss, LOSS_TOL);
  assert_grads (dz, want, 6);
  g_assert_cmpint (pred[0], ==, 2);
  g_assert_cmpint (pred[1], ==, 1);
}

/* Float targets in [0, 1] (soft labels, multi-label data) with NULL
 * classes; no predictions are written then. */
static void
test_bce_targets (void)
{
  const float z[] = { 0.3f, -2, 1.25f, 0, -0.5f, 4 };
  const float t[] = { 0.25f, 0, 1, 0.5f, 0.7f, 1 };
  double want_loss = 0.0, want[6];
  float dz[6];
  int32_t pred[3] = { -7, -7, -7 };
  double loss;

  for (int i = 0; i < 6; i++)
    {
      want_loss += bce_textbook (z[i], t[i]) / 6;
      want[i] = (1.0 / (1.0 + exp (-(double) z[i])) - t[i]) / 6;
    }
  loss = nn_loss_compute (NN_LOSS_BCE, z, 3, 2, NULL, t, dz, pred);
  g_assert_cmpfloat_with_epsilon (loss, want_loss, LOSS_TOL);
  assert_grads (dz, want, 6);
  g_assert_cmpint (pred[0], ==, -7);
  /* At x = 0, t = ½ the loss is log 2 and the gradient 0. */
  g_assert_cmpfloat (dz[3], ==, 0.0f);
}

/* log σ(x) and log(1 − σ(x)) written out lose everything at |x| = 100
 * (1 − σ(100) is 0 in double already at x ≈ 37): the stable form
 * max(x, 0) − x·t + log(1 + e^−|x|) must give the exact answers.
 *   x = 100, t = 1: log(1 + e⁻¹⁰⁰) ≈ 3.7e-44;  x = −100, t = 0: the same;
 *   x = 100, t = 0: 100 + 3.7e-44;            x = −100, t = 1: the same.
 * Mean (0 + 0 + 100 + 100)/4 = 50; ∂/∂x = (σ − t)/4 = (≈0, ≈0, ¼, −¼). */
static void
test_bce_stable (void)
{
  const float z[] = { 100, -100, 100, -100 };
  const int32_t y[] = { 1, 0, 0, 1 };
  const double want[] = { 0, 0, 0.25, -0.25 };
  const float zz[] = { 1000, -1000, -1e30f, 1e30f };
  const float t[] = { 0.5f, 0.5f, 0, 1 };
  float dz[4];
  double loss = nn_loss_compute (NN_LOSS_BCE, z, 4, 1, y, NULL, dz, NULL);

  g_assert_cmpfloat_with_epsilon (loss, 50.0, 1e-12);
  assert_grads (dz, want, 4);

  /* Far beyond what e^x can hold, with soft targets: finite, and exact
   * (|x|·½ each for the first two, log(1 + e^−∞) = 0 for the last two). */
  loss = nn_loss_compute (NN_LOSS_BCE, zz, 2, 2, NULL, t, dz, NULL);
  g_assert_cmpfloat_with_epsilon (loss, (500.0 + 500.0) / 4, 1e-9);
  for (int i = 0; i < 4; i++)
    g_assert_true (isfinite (dz[i]));
  g_assert_cmpfloat (dz[0], ==, 0.125f);
  g_assert_cmpfloat (dz[1], ==, -0.125f);
  g_assert_cmpfloat (dz[2], ==, 0.0f);
  g_assert_cmpfloat (dz[3], ==, 0.0f);
}

/* MSE on class ids compares with one-hot rows, mean over n·k:
 *   z = (½, −1, 2 | 0, ¼, 1), y = (2, 0) → targets (0, 0, 1 | 1, 0, 0)
 *   errors (½, −1, 1 | −1, ¼, 1), squares .25 + 1 + 1 + 1 + .0625 + 1 = 4.3125
 *   loss 4.3125 / 6 = 0.71875; ∂/∂z = 2·error/6 = error/3. */
static void
test_mse_classes (void)
{
  const float z[] = { 0.5f, -1, 2, 0, 0.25f, 1 };
  const int32_t y[] = { 2, 0 };
  const double want[] = { 0.5 / 3, -1.0 / 3, 1.0 / 3, -1.0 / 3, 0.25 / 3, 1.0 / 3 };
  float dz[6];
  int32_t pred[2];
  double loss = nn_loss_compute (NN_LOSS_MSE, z, 2, 3, y, NULL, dz, pred);

  g_assert_cmpfloat_with_epsilon (loss, 0.71875, LOSS_TOL);
  assert_grads (dz, want, 6);
  g_assert_cmpint (pred[0], ==, 2);
  g_assert_cmpint (pred[1], ==, 2);
}

/* MSE on float targets, three rows of two:
 *   errors (1, −2 | 0.5, 0 | −0.25, 3), squares 1 + 4 + .25 + 0 + .0625 + 9
 *   = 14.3125, loss 14.3125 / 6; ∂/∂z = error/3. */
static void
test_mse_targets (void)
{
  const float z[] = { 2, -1, 0.5f, 7, 0, 3.5f };
  const float t[] = { 1, 1, 0, 7, 0.25f, 0.5f };
  const double want[] = { 1.0 / 3, -2.0 / 3, 0.5 / 3, 0, -0.25 / 3, 1.0 };
  float dz[6];
  double loss = nn_loss_compute (NN_LOSS_MSE, z, 3, 2, NULL, t, dz, NULL);

  g_assert_cmpfloat_with_epsilon (loss, 14.3125 / 6, LOSS_TOL);
  assert_grads (dz, want, 6);
}

typedef struct
{
  nn_loss loss;
  size_t  k;
  bool    classes;
} grad_case;

static const grad_case grad_cases[] = {
  { NN_LOSS_CE, 4, true },
  { NN_LOSS_BCE, 1, true },
  { NN_LOSS_BCE, 3, true },
  { NN_LOSS_BCE, 2, false },
  { NN_LOSS_MSE, 3, true },
  { NN_LOSS_MSE, 2, false },
};

/* dlogits against a central difference of nn_loss_compute itself, in
 * double, on random logits. The step is the float step actually taken,
 * (x + h) − (x − h) after rounding. With h = 2⁻¹⁰ the truncation is
 * h²/6·|L'''| ≤ 1.6e-7 · 0.1/n (MSE: exactly 0, the loss is quadratic), and
 * the double rounding of the loss contributes ~1e-16/2e-3: the float
 * rounding of dlogits (≤ 6e-8·|g|) dominates, so 1e-6 absolute holds with
 * a wide margin. */
static void
test_gradient (gconstpointer data)
{
  const grad_case *c = data;
  enum { N = 5 };
  const double h = 0x1p-10;
  size_t count = N * c->k;
  float z[N * 4], t[N * 4], dz[N * 4];
  int32_t y[N];
  nn_rng rng;
  double worst = 0.0;

  nn_rng_seed (&rng, 42);
  for (size_t i = 0; i < count; i++)
    {
      z[i] = (float) (2.0 * nn_rng_normal (&rng));
      t[i] = (float) nn_rng_uniform (&rng);
    }
  for (size_t r = 0; r < N; r++)
    y[r] = (int32_t) nn_rng_below (&rng, c->k == 1 ? 2 : c->k);

  nn_loss_compute (c->loss, z, N, c->k, c->classes ? y : NULL, t, dz, NULL);
  for (size_t i = 0; i < count; i++)
    {
      float saved = z[i], up = (float) (saved + h), down = (float) (saved - h);
      double plus, minus, numeric;

      z[i] = up;
      plus = nn_loss_compute (c->loss, z, N, c->k, c->classes ? y : NULL, t, NULL, NULL);
      z[i] = down;
      minus = nn_loss_compute (c->loss, z, N, c->k, c->classes ? y : NULL, t, NULL, NULL);
      z[i] = saved;
      numeric = (plus - minus) / ((double) up - (double) down);
      worst = fmax (worst, fabs (numeric - dz[i]));
    }
  g_test_message ("%s, k = %zu: max |analytic - numeric| = %.3g", nn_loss_name (c->loss), c->k,
                  worst);
  g_assert_cmpfloat (worst, <, 1e-6);
}

/* Argmax per row (the first maximum on ties); one output is class 1 when its
 * logit is strictly above 0, as σ(x) > ½. */
static void
test_predict (void)
{
  const float z3[] = { 0.1f, 0.7f, 0.2f, -1, -1, -2, 5, 5, 5, -3, -2, -1 };
  const float z1[] = { 0, 1e-30f, -1e-30f, 12, -INFINITY };
  int32_t pred[5];

  nn_loss_predict (z3, 4, 3, pred);
  g_assert_cmpint (pred[0], ==, 1);
  g_assert_cmpint (pred[1], ==, 0);
  g_assert_cmpint (pred[2], ==, 0);
  g_assert_cmpint (pred[3], ==, 2);

  nn_loss_predict (z1, 5, 1, pred);
  g_assert_cmpint (pred[0], ==, 0);
  g_assert_cmpint (pred[1], ==, 1);
  g_assert_cmpint (pred[2], ==, 0);
  g_assert_cmpint (pred[3], ==, 1);
  g_assert_cmpint (pred[4], ==, 0);
}

static void
assert_check (nn_loss     loss,
              nn_task     task,
              size_t      k,
              size_t      units,
              const char *want)
{
  nn_error err = { .status = NN_ERR_IO, .msg = "stale" };
  nn_status st = nn_loss_check (loss, task, k, units, &err);

  if (want == NULL)
    {
      g_assert_cmpint (st, ==, NN_OK);
      return;
    }
  g_assert_cmpint (st, ==, NN_ERR_INVALID);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  if (strstr (err.msg, want) == NULL)
    g_error ("message '%s' lacks '%s'", err.msg, want);
  /* A NULL error is allowed and changes nothing else. */
  g_assert_cmpint (nn_loss_check (loss, task, k, units, NULL), ==, NN_ERR_INVALID);
}

static void
test_check (void)
{
  const nn_task C = NN_TASK_CLASSIFICATION, R = NN_TASK_REGRESSION;

  assert_check (NN_LOSS_CE, C, 3, 3, NULL);
  assert_check (NN_LOSS_CE, C, 3, 2, "the last layer has 2 units but the data have 3 classes; "
                "make it dense:3");
  assert_check (NN_LOSS_CE, C, 3, 1, "the last layer has 1 unit but the data have 3 classes");
  assert_check (NN_LOSS_CE, C, 2, 1, "make it dense:2");
  assert_check (NN_LOSS_MSE, C, 4, 4, NULL);
  assert_check (NN_LOSS_MSE, C, 4, 10, "has 10 units but the data have 4 classes; make it "
                "dense:4");
  /* BCE on two classes takes one logit, or two one-hot outputs. */
  assert_check (NN_LOSS_BCE, C, 2, 1, NULL);
  assert_check (NN_LOSS_BCE, C, 2, 2, NULL);
  assert_check (NN_LOSS_BCE, C, 2, 3, "has 3 units but the data have 2 classes; make it "
                "dense:1");
  assert_check (NN_LOSS_BCE, C, 5, 5, NULL);
  assert_check (NN_LOSS_BCE, C, 5, 1, "make it dense:5");
  assert_check (NN_LOSS_CE, C, 1, 1, "classification needs at least 2 classes, the data have 1");
  assert_check (NN_LOSS_BCE, C, 0, 1, "the data have 0");

  assert_check (NN_LOSS_MSE, R, 1, 1, NULL);
  assert_check (NN_LOSS_MSE, R, 3, 3, NULL);
  assert_check (NN_LOSS_BCE, R, 2, 2, NULL);
  assert_check (NN_LOSS_CE, R, 1, 1, "the ce loss needs class labels, but the data are a "
                "regression task; use mse");
  assert_check (NN_LOSS_MSE, R, 2, 1, "the last layer has 1 unit but the data have 2 target "
                "columns; make it dense:2");
  assert_check (NN_LOSS_MSE, R, 1, 4, "the last layer has 4 units but the data have 1 target "
                "column; make it dense:1");
}

static void
test_outputs (void)
{
  const nn_task C = NN_TASK_CLASSIFICATION, R = NN_TASK_REGRESSION;

  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_CE, C, 2), ==, 2);
  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_CE, C, 10), ==, 10);
  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_MSE, C, 2), ==, 2);
  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_BCE, C, 2), ==, 1);
  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_BCE, C, 3), ==, 3);
  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_MSE, R, 1), ==, 1);
  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_MSE, R, 2), ==, 2);
  g_assert_cmpuint (nn_loss_outputs (NN_LOSS_BCE, R, 2), ==, 2);
}

static void
test_names (void)
{
  static const char *const names[] = { "ce", "bce", "mse" };
  static const char *const outputs[] = { "softmax", "sigmoid", "identity" };
  nn_loss loss = NN_LOSS_COUNT;

  for (int l = 0; l < NN_LOSS_COUNT; l++)
    {
      g_assert_cmpstr (nn_loss_name ((nn_loss) l), ==, names[l]);
      g_assert_cmpstr (nn_loss_output_name ((nn_loss) l), ==, outputs[l]);
      g_assert_true (nn_loss_from_name (names[l], &loss));
      g_assert_cmpint (loss, ==, l);
    }
  loss = NN_LOSS_COUNT;
  g_assert_false (nn_loss_from_name ("CE", &loss));
  g_assert_false (nn_loss_from_name ("cross_entropy", &loss));
  g_assert_false (nn_loss_from_name ("", &loss));
  g_assert_cmpint (loss, ==, NN_LOSS_COUNT);
  g_assert_cmpstr (nn_loss_name (NN_LOSS_COUNT), ==, "unknown");
  g_assert_cmpstr (nn_loss_output_name (NN_LOSS_COUNT), ==, "unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/loss/ce/worked", test_ce_worked);
  g_test_add_func ("/engine/loss/ce/stable", test_ce_stable);
  g_test_add_func ("/engine/loss/bce/binary", test_bce_binary);
  g_test_add_func ("/engine/loss/bce/one-hot", test_bce_one_hot);
  g_test_add_func ("/engine/loss/bce/targets", test_bce_targets);
  g_test_add_func ("/engine/loss/bce/stable", test_bce_stable);
  g_test_add_func ("/engine/loss/mse/classes", test_mse_classes);
  g_test_add_func ("/engine/loss/mse/targets", test_mse_targets);
  for (size_t i = 0; i < G_N_ELEMENTS (grad_cases); i++)
    {
      const grad_case *c = &grad_cases[i];
      g_autofree char *path = g_strdup_printf ("/engine/loss/gradient/%s-%s-k%zu",
                                               nn_loss_name (c->loss),
                                               c->classes ? "classes" : "targets", c->k);

      g_test_add_data_func (path, c, test_gradient);
    }
  g_test_add_func ("/engine/loss/predict", test_predict);
  g_test_add_func ("/engine/loss/check", test_check);
  g_test_add_func ("/engine/loss/outputs", test_outputs);
  g_test_add_func ("/engine/loss/names", test_names);
  return g_test_run ();
}
