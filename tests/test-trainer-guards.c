/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "test-trainer-private.h"

/* ---- Early stopping -------------------------------------------------------- */

/* Two training rows x = 1, t = 1 and ŷ = w + b from 0: each step of SGD at
 * 0.05 moves ŷ by 4·0.05·(1 − ŷ), so ŷₑ = 1 − 0.8ᵉ = 0.2, 0.36, 0.488,
 * 0.5904, 0.67232, 0.737856. Against the validation target ½ the loss
 * (ŷ − ½)² is 0.09, 0.0196, 0.000144, then rises: best at epoch 3, and with
 * patience 3 the run stops after epoch 6 with the weights of epoch 3. */
static void
test_early_stop (void)
{
  float x[2] = { 1, 1 }, target[2] = { 1, 1 }, vx[1] = { 1 }, vt[1] = { 0.5f };
  nn_dataset train = regression (x, target, 2, 1, 1), val = regression (vx, vt, 1, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 2);
  nn_trainer_params p = sgd (0.05, 2, 20);
  nn_trainer *t;
  recorder rec;

  p.early_stop = 3;
  t = trainer (m, &p, &train, &val);
  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_EARLY_STOPPED);
  g_assert_cmpint (nn_trainer_get_state (t), ==, NN_TRAIN_EARLY_STOPPED);
  g_assert_cmpint (nn_trainer_get_epoch (t), ==, 6);
  g_assert_cmpint (rec.last_epoch, ==, 6);
  g_assert_cmpint (nn_trainer_best_epoch (t), ==, 3);
  for (int e = 1; e <= 6; e++)
    {
      double y = 1.0 - pow (0.8, e);

      assert_close ("val loss", rec.epochs[e].val_loss, (y - 0.5) * (y - 0.5), 1e-6);
      g_assert_cmpint (rec.epochs[e].improved, ==, e <= 3);
      g_assert_true (isnan (rec.epochs[e].val_accuracy));
      g_assert_true (isnan (rec.epochs[e].train_accuracy));
    }
  assert_params (m, rec.best);
  assert_params (m, rec.after[3]);
  g_assert_cmpint (nn_trainer_step (t), ==, NN_TRAIN_EARLY_STOPPED);
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* ---- Divergence ------------------------------------------------------------ */

static void
assert_diverged (nn_trainer *t,
                 uint64_t    step,
                 int         epoch,
                 const char *what,
                 size_t      op,
                 const char *message)
{
  const nn_divergence *d = nn_trainer_get_divergence (t);

  g_assert_cmpint (nn_trainer_get_state (t), ==, NN_TRAIN_DIVERGED);
  g_assert_cmpuint (d->step, ==, step);
  g_assert_cmpint (d->epoch, ==, epoch);
  g_assert_cmpstr (d->what, ==, what);
  g_assert_cmpuint (d->op, ==, op);
  g_assert_cmpstr (d->message, ==, message);
  /* Diverged is final: more steps change nothing. */
  g_assert_cmpint (nn_trainer_step (t), ==, NN_TRAIN_DIVERGED);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_DIVERGED);
}

/* One row x = 1, t = 1, ŷ = w + b from 0, SGD at 10: a step moves ŷ by
 * 40·(1 − ŷ), so the error 1 − ŷ goes 1, −39, 1521 and the loss 1, 1521,
 * 2313441 — over 10⁴ times the first loss at step 3. That loss came from
 * step 2's update, which is undone: the weights are those after step 1,
 * w = b = 20. */
static void
test_diverge_loss (void)
{
  float x[1] = { 1 }, target[1] = { 1 };
  nn_dataset ds = regression (x, target, 1, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 1);
  nn_trainer_params p = sgd (10.0, 1, 10);
  nn_trainer *t = trainer (m, &p, &ds, NULL);
  const float w1[2] = { 20, 20 };
  recorder rec;

  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_DIVERGED);
  g_assert_cmpuint (rec.last_step, ==, 2);
  g_assert_cmpfloat (rec.steps[1].loss, ==, 1.0);
  g_assert_cmpfloat (rec.steps[2].loss, ==, 1521.0);
  g_assert_cmpfloat (nn_trainer_get_divergence (t)->last_loss, ==, 1521.0);
  assert_diverged (t, 3, 3, "loss", SIZE_MAX, "the loss grew to 2.31e+06, over 10000 times its "
                   "first value 1, at step 3 (epoch 3); the weights are rolled back to step 1");
  assert_params (m, rec.after[1]);
  g_assert_cmpmem (nn_model_params (m), sizeof w1, w1, sizeof w1);
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* The run of test_diverge_loss, recovered at SGD 0.1 from its rolled-back
 * state (w = b = 20, ŷ = 40 after step 1): each step now takes ŷ − 1 to
 * 0.6 (ŷ − 1), and steps 3 to 10 (the undone step 2 stays counted) leave
 * ŷ = 1 + 39 · 0.6⁸, w = b = ŷ / 2. Recovering needs a divergence and a
 * finite positive rate. */
static void
test_recover (void)
{
  float x[1] = { 1 }, target[1] = { 1 };
  nn_dataset ds = regression (x, target, 1, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 1);
  nn_trainer_params p = sgd (10.0, 1, 10);
  nn_trainer *t = trainer (m, &p, &ds, NULL);
  double yhat = 1 + 39 * pow (0.6, 8);

  g_assert_false (nn_trainer_recover (t, 0.1));
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_DIVERGED);
  g_assert_false (nn_trainer_recover (t, 0.0));
  g_assert_false (nn_trainer_recover (t, NAN));
  g_assert_cmpint (nn_trainer_get_state (t), ==, NN_TRAIN_DIVERGED);
  g_assert_true (nn_trainer_recover (t, 0.1));
  g_assert_cmpfloat (nn_trainer_get_lr (t), ==, 0.1);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
  g_assert_cmpuint (nn_trainer_get_step (t), ==, 10);
  g_assert_cmpint (nn_trainer_get_epoch (t), ==, 10);
  g_assert_cmpfloat_with_epsilon (nn_model_params (m)[0], yhat / 2, 1e-5);
  g_assert_cmpfloat_with_epsilon (nn_model_params (m)[1], yhat / 2, 1e-5);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* A NaN in the third row: step 3's loss is NaN, but the data are at fault,
 * not the last update, which is kept. */
static void
test_diverge_input (void)
{
  float x[8] = { 1, 0, 0, 1, NAN, 1, 1, 1 }, target[4] = { 1, 1, 1, 1 };
  nn_dataset ds = regression (x, target, 4, 2, 1);
  nn_model *m = build ("dense:1", 2, NN_LOSS_MSE, 1);
  nn_trainer_params p = sgd (0.1, 1, 1);
  nn_trainer *t = trainer (m, &p, &ds, NULL);
  recorder rec;

  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_DIVERGED);
  g_assert_cmpuint (rec.last_step, ==, 2);
  g_assert_cmpfloat (nn_trainer_get_divergence (t)->last_loss, ==, rec.steps[2].loss);
  assert_diverged (t, 3, 1, "input data", SIZE_MAX, "the input data of step 3 (epoch 1) hold "
                   "NaN or infinite values; the weights are kept as of step 2");
  assert_params (m, rec.after[2]);
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* Finite data, but w = 10³⁰ and x = 10¹⁰: the first Linear's output
 * overflows to ∞ at step 1, so the first op is named; there is no earlier
 * update to undo. */
static void
test_diverge_output (void)
{
  float x[2] = { 1e10f, 1e10f }, target[2] = { 1, 1 };
  nn_dataset ds = regression (x, target, 2, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 2);
  nn_trainer_params p = sgd (0.1, 2, 1);
  nn_trainer *t;
  float *w = nn_model_params (m), before[2];

  w[0] = 1e30f;
  w[1] = 0.0f;
  memcpy (before, w, sizeof before);
  t = trainer (m, &p, &ds, NULL);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_DIVERGED);
  assert_diverged (t, 1, 1, "output", 0, "the output of layers.0 (Linear(1→1)) went non-finite "
                   "at step 1 (epoch 1); the weights are rolled back to step 0");
  g_assert_cmpmem (nn_model_params (m), sizeof before, before, sizeof before);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* x = 10²⁰, w = 0.1: the output 10¹⁹ and the loss 10³⁸ are finite, but
 * ∂L/∂w = 2·10¹⁹·10²⁰ overflows float. Found with clipping (before the
 * update) and without (in the update's sums); the update is never applied. */
static void
test_diverge_gradient (void)
{
  for (int clip = 0; clip < 2; clip++)
    {
      float x[1] = { 1e20f }, target[1] = { 0 };
      nn_dataset ds = regression (x, target, 1, 1, 1);
      nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 1);
      nn_trainer_params p = sgd (0.1, 1, 1);
      const float w0[2] = { 0.1f, 0.0f };
      nn_trainer *t;
      recorder rec;

      p.clip_norm = clip ? 1.0 : 0.0;
      memcpy (nn_model_params (m), w0, sizeof w0);
      t = trainer (m, &p, &ds, NULL);
      record (&rec, t, m);
      g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_DIVERGED);
      g_assert_cmpuint (rec.last_step, ==, 0);
      assert_diverged (t, 1, 1, "gradient", 0, "the gradient of layers.0 (Linear(1→1)) went "
                       "non-finite at step 1 (epoch 1); the weights are rolled back to step 0");
      g_assert_true (isnan (nn_trainer_get_divergence (t)->last_loss));
      assert_params (m, w0);
      recorder_clear (&rec);
      nn_trainer_free (t);
      nn_model_free (m);
    }
}

/* A finite gradient (−20, −20) times a rate of 10³⁸ overflows the update. */
static void
test_diverge_parameters (void)
{
  float x[1] = { 1 }, target[1] = { 10 };
  nn_dataset ds = regression (x, target, 1, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 1);
  nn_trainer_params p = sgd (1e38, 1, 1);
  const float zero[2] = { 0, 0 };
  nn_trainer *t = trainer (m, &p, &ds, NULL);

  g_assert_cmpint (nn_trainer_step (t), ==, NN_TRAIN_DIVERGED);
  assert_diverged (t, 1, 1, "parameters", 0, "the parameters of layers.0 (Linear(1→1)) went "
                   "non-finite at step 1 (epoch 1); the weights are rolled back to step 0");
  assert_params (m, zero);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* A healthy run whose first batch happens to fit well: batch 1, ŷ = 0 at
 * the start, and a first target of 0.005 give a first loss of 2.5·10⁻⁵;
 * the next row's loss, 1, is then "over 10⁴ times the first loss" although
 * nothing went wrong, and SGD at 0.01 on these rows converges. */
static void
test_diverge_first_loss_small (void)
{
  float x[4] = { 1, 1, 1, 1 }, target[4] = { 0.005f, 1, 0.5f, 1 };
  nn_dataset ds = regression (x, target, 4, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 1);
  nn_trainer_params p = sgd (0.01, 1, 3);
  nn_trainer *t = trainer (m, &p, &ds, NULL);
  nn_train_state st = nn_trainer_run (t);

  if (st != NN_TRAIN_FINISHED)
    g_error ("a converging run ended %s: %s", nn_train_state_name (st),
             nn_trainer_get_divergence (t)->message);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* With batch norm the running statistics roll back with the weights: both
 * equal what they were after the step the message names. */
static void
test_diverge_batchnorm (void)
{
  float x[4] = { 0, 1, 2, -1 }, target[2] = { 1, 1 };
  nn_dataset ds = regression (x, target, 2, 2, 1);
  nn_model *m = build ("batchnorm,dense:1", 2, NN_LOSS_MSE, 2);
  nn_trainer_params p = sgd (10.0, 2, 50);
  const nn_divergence *d;
  nn_trainer *t;
  recorder rec;
  char want[64];

  nn_model_init_params (m, 1);
  t = trainer (m, &p, &ds, NULL);
  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_DIVERGED);
  d = nn_trainer_get_divergence (t);
  g_test_message ("%s", d->message);
  g_assert_cmpstr (d->what, ==, "loss");
  g_assert_cmpuint (d->step, ==, rec.last_step + 1);
  g_assert_cmpuint (d->step, >=, 3);
  g_snprintf (want, sizeof want, "rolled back to step %" G_GUINT64_FORMAT, d->step - 2);
  assert_contains (d->message, want);
  assert_params (m, rec.after[d->step - 2]);
  g_assert_cmpmem (nn_model_buffers (m), 4 * sizeof (float), rec.buffers[d->step - 2],
                   4 * sizeof (float));
  /* The step before differs, so the comparison above says something. */
  g_assert_true (memcmp (rec.buffers[d->step - 2], rec.buffers[d->step - 1], 4 * sizeof (float)));
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* ---- Clipping and penalties, on the worked example ------------------------ */

static void
test_clip (void)
{
  nn_trainer_params p = sgd (0.1, 4, 1);
  double g = WX_GRAD_NORM, want[4], s;
  nn_step_report r;
  nn_op_stats op;
  float *after;

  /* clip_norm 1: torch scales by 1/(‖g‖ + 1e-6), so ‖Δθ‖ = 0.1·‖g‖/(‖g‖ + 1e-6). */
  p.clip_norm = 1.0;
  after = worked_step (&p, &r, &op);
  s = 0.0;
  for (int i = 0; i < 4; i++)
    {
      want[i] = wx_theta[i] - 0.1 * wx_grad[i] / (g + 1e-6);
      s += (after[i] - wx_theta[i]) * (after[i] - wx_theta[i]);
    }
  assert_theta (after, want);
  assert_close ("‖Δθ‖", sqrt (s), 0.1, 1e-6);
  /* grad_norm is the norm before clipping. */
  assert_close ("grad_norm", r.grad_norm, g, 1e-6);
  assert_close ("op grad_norm", op.grad_norm, g, 1e-6);
  g_free (after);

  /* A bound above ‖g‖ changes nothing. */
  p.clip_norm = 10.0;
  after = worked_step (&p, &r, &op);
  for (int i = 0; i < 4; i++)
    want[i] = wx_theta[i] - 0.1 * wx_grad[i];
  assert_theta (after, want);
  g_free (after);

  /* clip_value 1.5 clamps −17/8 only: g = (1, −1.5, 0, −1). */
  p.clip_norm = 0.0;
  p.clip_value = 1.5;
  after = worked_step (&p, &r, &op);
  want[1] = -1.0 + 0.1 * 1.5;
  assert_theta (after, want);
  assert_close ("grad_norm", r.grad_norm, g, 1e-6);
  g_free (after);

  /* Both: clamp first, then scale to norm 1: ‖(1, −1.5, 0, −1)‖ = √4.25. */
  p.clip_norm = 1.0;
  after = worked_step (&p, &r, &op);
  for (int i = 0; i < 4; i++)
    want[i] = wx_theta[i] - 0.1 * fmax (-1.5, wx_grad[i]) / (sqrt (4.25) + 1e-6);
  assert_theta (after, want);
  assert_close ("grad_norm", r.grad_norm, g, 1e-6);
  g_free (after);
}

/* L1 λ = ½ adds ½·sign(w) = (½, −½, 0) to the weight gradient, nothing to the
 * bias: θ' = (0.5 − 0.15, −1 + 0.2625, 0, 0.35); it is part of the gradient
 * (grad_norm includes it), not of the reported loss. L2 ½ (weight decay) adds
 * ½·w = (¼, −½, 0): θ' = (0.375, −0.7375, 0, 0.35). */
static void
test_penalties (void)
{
  nn_trainer_params p = sgd (0.1, 4, 1);
  const double want_l1[] = { 0.35, -0.7375, 0.0, 0.35 };
  const double want_l2[] = { 0.375, -0.7375, 0.0, 0.35 };
  nn_step_report r;
  nn_op_stats op;
  float *after;

  p.l1 = 0.5;
  after = worked_step (&p, &r, &op);
  assert_theta (after, want_l1);
  assert_close ("grad_norm", r.grad_norm, sqrt (1.5 * 1.5 + 2.625 * 2.625 + 1.0), 1e-6);
  g_free (after);

  p.l1 = 0.0;
  p.opt.weight_decay = 0.5;
  after = worked_step (&p, &r, &op);
  assert_theta (after, want_l2);
  g_free (after);
}

/* Batch norm's γ and β and the biases take neither penalty; every linear
 * weight takes both. */
static void
test_penalties_batchnorm (void)
{
  nn_dataset *ds = classes (6, 3, 2, 13);
  nn_model *m = build ("batchnorm,dense:4:tanh,dense:2", 3, NN_LOSS_CE, 6);
  nn_trainer_params p = sgd (0.2, 6, 1);
  nn_trainer *t;
  float *want, *gamma;
  double loss;

  nn_model_init_params (m, 5);
  /* γ and β away from 1 and 0, so that a penalty on them would show. */
  gamma = nn_model_params (m);
  for (int j = 0; j < 6; j++)
    gamma[j] = j < 3 ? 1.5f - 0.5f * j : 0.25f * (j - 4);
  p.l1 = 0.05;
  p.opt.weight_decay = 0.1;
  want = expected_sgd (m, ds, 0, 6, 0.2, 0.05, 0.1, &loss);
  t = trainer (m, &p, ds, NULL);
  g_assert_cmpint (nn_trainer_step (t), ==, NN_TRAIN_FINISHED);
  for (size_t i = 0; i < nn_model_n_params (m); i++)
    assert_close ("θ", nn_model_params (m)[i], want[i], 1e-6);
  g_free (want);
  nn_trainer_free (t);
  nn_model_free (m);
  nn_dataset_free (ds);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/trainer/early-stop", test_early_stop);
  g_test_add_func ("/engine/trainer/diverge-loss", test_diverge_loss);
  g_test_add_func ("/engine/trainer/diverge-input", test_diverge_input);
  g_test_add_func ("/engine/trainer/recover", test_recover);
  g_test_add_func ("/engine/trainer/diverge-output", test_diverge_output);
  g_test_add_func ("/engine/trainer/diverge-gradient", test_diverge_gradient);
  g_test_add_func ("/engine/trainer/diverge-parameters", test_diverge_parameters);
  g_test_add_func ("/engine/trainer/diverge-batchnorm", test_diverge_batchnorm);
  g_test_add_func ("/engine/trainer/diverge-first-loss-small", test_diverge_first_loss_small);
  g_test_add_func ("/engine/trainer/clip", test_clip);
  g_test_add_func ("/engine/trainer/penalties", test_penalties);
  g_test_add_func ("/engine/trainer/penalties-batchnorm", test_penalties_batchnorm);
  return g_test_run ();
}
