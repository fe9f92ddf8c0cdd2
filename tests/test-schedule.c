/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "schedule.h"

/* The schedules keep the rate in double and step it by products and ratios,
 * a few roundings of 2⁻⁵³ per epoch; a relative 1e-12 leaves room for a few
 * hundred epochs of them while catching any error in a formula. */
#define RTOL 1e-12

static void
check_lr (const char *what,
          int         epoch,
          double      got,
          double      want,
          double      tol)
{
  if (!(fabs (got - want) <= tol))
    {
      g_test_message ("%s after epoch %d: got %.17g, want %.17g", what, epoch, got, want);
      g_assert_cmpfloat_with_epsilon (got, want, tol);
    }
}

static nn_schedule
start (const nn_schedule_params *p,
       double                    lr)
{
  nn_schedule s;
  nn_error err = { 0 };

  g_assert_cmpint (nn_schedule_params_check (p, &err), ==, NN_OK);
  nn_schedule_init (&s, p, lr);
  g_assert_cmpfloat (s.lr, ==, lr);
  return s;
}

static void
test_constant (void)
{
  nn_schedule_params p = nn_schedule_params_default (NN_SCHEDULE_CONSTANT);
  nn_schedule s = start (&p, 0.03);
  static const double metrics[] = { 1.0, 2.0, NAN, 3.0, 4.0, 5.0, 6.0 };

  for (size_t e = 0; e < G_N_ELEMENTS (metrics); e++)
    {
      g_assert_cmpfloat (nn_schedule_epoch_end (&s, metrics[e]), ==, 0.03);
      g_assert_cmpfloat (nn_schedule_lr_at_step (&s, 100 * (e + 1)), ==, 0.03);
    }
  g_assert_cmpint (s.epoch, ==, G_N_ELEMENTS (metrics));
}

/* StepLR: ηₜ = η₀ · γ^⌊t / step_size⌋ after t epochs. */
static void
test_step (void)
{
  nn_schedule_params p = nn_schedule_params_default (NN_SCHEDULE_STEP);
  nn_schedule s;

  p.step_size = 3;
  p.gamma = 0.5;
  s = start (&p, 0.1);
  for (int t = 1; t <= 12; t++)
    check_lr ("step", t, nn_schedule_epoch_end (&s, NAN), 0.1 * pow (0.5, t / 3), 0.0);

  /* the default: ×0.1 every 10 epochs */
  p = nn_schedule_params_default (NN_SCHEDULE_STEP);
  s = start (&p, 0.2);
  for (int t = 1; t <= 35; t++)
    {
      double want = 0.2 * pow (0.1, t / 10);

      check_lr ("step default", t, nn_schedule_epoch_end (&s, 1.0), want, RTOL * want);
    }
}

/* ExponentialLR: ηₜ = η₀ · γᵗ. */
static void
test_exp (void)
{
  nn_schedule_params p = nn_schedule_params_default (NN_SCHEDULE_EXP);
  nn_schedule s;

  p.gamma = 0.9;
  s = start (&p, 0.1);
  for (int t = 1; t <= 50; t++)
    {
      double want = 0.1 * pow (0.9, t);

      check_lr ("exp", t, nn_schedule_epoch_end (&s, NAN), want, RTOL * want);
    }

  /* gamma 1 keeps the rate */
  p.gamma = 1.0;
  s = start (&p, 0.1);
  for (int t = 1; t <= 5; t++)
    g_assert_cmpfloat (nn_schedule_epoch_end (&s, NAN), ==, 0.1);
}

/* CosineAnnealingLR's closed form,
 *   ηₜ = η_min + (η₀ − η_min)·(1 + cos(πt/T)) / 2,
 * which torch's recursive form follows for every t when nothing sets the
 * rate by hand: down to η_min at T, and beyond T (the restart term at
 * t = T + 1, 3T + 1, …) back up to η₀ at 2T, down again at 3T. */
static double
cosine (double eta0,
        double eta_min,
        int    T,
        int    t)
{
  return eta_min + (eta0 - eta_min) * (1.0 + cos (G_PI * t / T)) / 2.0;
}

static void
test_cosine (void)
{
  nn_schedule_params p = nn_schedule_params_default (NN_SCHEDULE_COSINE);
  nn_schedule s;

  p.t_max = 10;
  p.min_lr = 0.001;
  s = start (&p, 0.1);
  for (int t = 1; t <= 3 * p.t_max + 5; t++)
    check_lr ("cosine", t, nn_schedule_epoch_end (&s, NAN), cosine (0.1, 0.001, 10, t),
              RTOL * 0.1);

  /* Values torch 1.13 gave for this schedule (CosineAnnealingLR(T_max=10,
   * eta_min=0.001) over SGD(lr=0.1)), as a check on the closed form: half
   * way, the bottom, the first epoch of the climb, the top again. */
  s = start (&p, 0.1);
  for (int t = 1; t <= 20; t++)
    {
      double lr = nn_schedule_epoch_end (&s, NAN);

      if (t == 5)
        check_lr ("cosine (torch)", t, lr, 0.0505, 1e-15);
      else if (t == 10)
        check_lr ("cosine (torch)", t, lr, 0.001, 1e-15);
      else if (t == 11)
        check_lr ("cosine (torch)", t, lr, 0.0034227024433899, 1e-15);
      else if (t == 20)
        check_lr ("cosine (torch)", t, lr, 0.1, 1e-15);
    }

  /* T = 1 alternates between η_min and η₀ */
  p.t_max = 1;
  s = start (&p, 0.1);
  for (int t = 1; t <= 6; t++)
    check_lr ("cosine T=1", t, nn_schedule_epoch_end (&s, NAN), t % 2 ? 0.001 : 0.1,
              RTOL * 0.1);

  /* η_min 0: the last epoch of the period reaches 0 */
  p.t_max = 7;
  p.min_lr = 0.0;
  s = start (&p, 0.5);
  for (int t = 1; t <= 7; t++)
    check_lr ("cosine to 0", t, nn_schedule_epoch_end (&s, NAN), cosine (0.5, 0.0, 7, t),
              RTOL * 0.5);
}

/* ReduceLROnPlateau(mode='min', factor=0.5, patience=2, threshold=0.1,
 * threshold_mode='rel', cooldown=1, min_lr=0.02) from 0.1. A metric counts
 * as better only below best·(1 − 0.1); a cut comes when the bad epochs
 * exceed the patience; the cooldown epoch after a cut counts no bad epochs.
 *
 *   epoch  metric  best  better?            bad  cooldown  lr
 *     1    1.00    1.00  yes (< ∞)           0             0.1
 *     2    0.95          no  (≥ 0.9)         1             0.1
 *     3    0.85    0.85  yes (< 0.9)         0             0.1
 *     4    0.80          no  (≥ 0.765)       1             0.1
 *     5    0.78          no                  2             0.1
 *     6    0.77          no                  3 → cut, 0    1  0.05
 *     7    0.90          no                  1 → 0         0  0.05
 *     8    0.90          no                  1             0.05
 *     9    0.90          no                  2             0.05
 *    10    0.90          no                  3 → cut, 0    1  0.025
 *    11    0.50    0.50  yes (< 0.765)       0             0  0.025
 *    12    0.46          no  (≥ 0.45)        1             0.025
 *    13    0.46          no                  2             0.025
 *    14    NaN           skipped (no validation loss)      0.025
 *    15    0.46          no                  3 → cut, 0    1  max(0.0125, 0.02) = 0.02
 *    16    0.46          no                  1 → 0         0  0.02
 *    17    0.46          no                  1             0.02
 *    18    0.46          no                  2             0.02
 *    19    0.46          no                  3 → cut, 0    1  0.02: the cut to the
 *                                                             floor is 0, below eps
 * torch 1.13 gives the same rates (with epoch 14's step left out). */
static void
test_plateau (void)
{
  static const struct
  {
    double metric;
    double lr;
  } epochs[] = {
    { 1.00, 0.1 }, { 0.95, 0.1 }, { 0.85, 0.1 }, { 0.80, 0.1 }, { 0.78, 0.1 },
    { 0.77, 0.05 }, { 0.90, 0.05 }, { 0.90, 0.05 }, { 0.90, 0.05 },
    { 0.90, 0.025 }, { 0.50, 0.025 }, { 0.46, 0.025 }, { 0.46, 0.025 }, { NAN, 0.025 },
    { 0.46, 0.02 }, { 0.46, 0.02 }, { 0.46, 0.02 }, { 0.46, 0.02 }, { 0.46, 0.02 },
  };
  nn_schedule_params p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  nn_schedule s;

  p.factor = 0.5;
  p.patience = 2;
  p.threshold = 0.1;
  p.cooldown = 1;
  p.min_lr = 0.02;
  s = start (&p, 0.1);
  for (size_t e = 0; e < G_N_ELEMENTS (epochs); e++)
    check_lr ("plateau", (int) e + 1, nn_schedule_epoch_end (&s, epochs[e].metric),
              epochs[e].lr, RTOL * epochs[e].lr);
  g_assert_cmpfloat (s.best, ==, 0.5);

  /* The threshold is relative: from a best of 10, 9.5 is no improvement
   * (it needs < 9), though it is 0.5 better. With patience 0 each bad epoch
   * cuts: 10 best, 9.5 cut, 8 best (< 9), 7.5 cut (needs < 7.2). */
  {
    static const double metrics[] = { 10.0, 9.5, 8.0, 7.5 };
    static const double lrs[] = { 1.0, 0.5, 0.5, 0.25 };

    p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
    p.factor = 0.5;
    p.patience = 0;
    p.threshold = 0.1;
    s = start (&p, 1.0);
    for (size_t e = 0; e < G_N_ELEMENTS (metrics); e++)
      check_lr ("plateau relative", (int) e + 1, nn_schedule_epoch_end (&s, metrics[e]), lrs[e],
                RTOL);
  }

  /* torch leaves a rate alone when the cut would change it by no more than
   * eps = 1e-8: here the floor is 5e-9 below the rate. */
  p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p.patience = 0;
  p.min_lr = 0.02;
  s = start (&p, 1.0);
  nn_schedule_epoch_end (&s, 1.0);
  nn_schedule_set_lr (&s, 0.02 + 5e-9);
  g_assert_cmpfloat (nn_schedule_epoch_end (&s, 1.0), ==, 0.02 + 5e-9);
  nn_schedule_set_lr (&s, 0.02 + 5e-8);
  check_lr ("plateau eps", 3, nn_schedule_epoch_end (&s, 1.0), 0.02, 0.0);

  /* torch's defaults (patience 10, threshold 1e-4, no cooldown): a flat
   * metric cuts ×0.1 on epoch 12 (best set on 1, then 11 bad epochs), then
   * every 11 epochs. */
  p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  s = start (&p, 1.0);
  for (int t = 1; t <= 34; t++)
    {
      double want = pow (0.1, (t - 1) / 11);

      check_lr ("plateau default", t, nn_schedule_epoch_end (&s, 2.0), want, RTOL * want);
    }
}

/* Linear warm-up: the rate of step k is η · min(1, k / warmup). */
static void
test_warmup (void)
{
  nn_schedule_params p = nn_schedule_params_default (NN_SCHEDULE_CONSTANT);
  nn_schedule s;

  p.warmup = 4;
  s = start (&p, 0.2);
  for (unsigned long k = 1; k <= 8; k++)
    check_lr ("warm-up", (int) k, nn_schedule_lr_at_step (&s, k), 0.2 * fmin (1.0, k / 4.0),
              RTOL * 0.2);

  /* the warm-up scales whatever the schedule has reached */
  p = nn_schedule_params_default (NN_SCHEDULE_EXP);
  p.gamma = 0.5;
  p.warmup = 10;
  s = start (&p, 0.2);
  nn_schedule_epoch_end (&s, NAN);
  check_lr ("warm-up after an epoch", 1, nn_schedule_lr_at_step (&s, 5), 0.1 * 0.5, RTOL);
  check_lr ("warm-up after an epoch", 1, nn_schedule_lr_at_step (&s, 10), 0.1, RTOL);
  check_lr ("warm-up after an epoch", 1, nn_schedule_lr_at_step (&s, 11), 0.1, RTOL);

  /* without a warm-up every step has the full rate */
  p.warmup = 0;
  s = start (&p, 0.2);
  g_assert_cmpfloat (nn_schedule_lr_at_step (&s, 1), ==, 0.2);
  g_assert_cmpfloat (nn_schedule_lr_at_step (&s, 1000), ==, 0.2);
}

/* Writing the rate by hand (a param group's lr in torch): the chainable
 * schedules carry on from the new value. */
static void
test_set_lr (void)
{
  nn_schedule_params p = nn_schedule_params_default (NN_SCHEDULE_STEP);
  nn_schedule s;

  /* StepLR(step_size=2, gamma=0.5): 0.1 0.05, set 0.3, 0.3 0.15 0.15 0.075 */
  p.step_size = 2;
  p.gamma = 0.5;
  s = start (&p, 0.1);
  check_lr ("step", 1, nn_schedule_epoch_end (&s, NAN), 0.1, 0.0);
  check_lr ("step", 2, nn_schedule_epoch_end (&s, NAN), 0.05, 0.0);
  nn_schedule_set_lr (&s, 0.3);
  g_assert_cmpfloat (s.lr, ==, 0.3);
  g_assert_cmpfloat (nn_schedule_lr_at_step (&s, 1000), ==, 0.3);
  check_lr ("step", 3, nn_schedule_epoch_end (&s, NAN), 0.3, 0.0);
  check_lr ("step", 4, nn_schedule_epoch_end (&s, NAN), 0.15, 0.0);
  check_lr ("step", 5, nn_schedule_epoch_end (&s, NAN), 0.15, 0.0);
  check_lr ("step", 6, nn_schedule_epoch_end (&s, NAN), 0.075, 0.0);

  p = nn_schedule_params_default (NN_SCHEDULE_EXP);
  p.gamma = 0.9;
  s = start (&p, 0.1);
  for (int t = 1; t <= 3; t++)
    nn_schedule_epoch_end (&s, NAN);
  nn_schedule_set_lr (&s, 0.02);
  for (int t = 4; t <= 10; t++)
    {
      double want = 0.02 * pow (0.9, t - 3);

      check_lr ("exp", t, nn_schedule_epoch_end (&s, NAN), want, RTOL * want);
    }

  /* Cosine set to x after epoch k: the recursive form scales the rest of
   * the half period, ηₜ = η_min + (x − η_min)·(1 + cos(πt/T)) / (1 + cos(πk/T)),
   * still reaching η_min at T (torch 1.13 agrees to 1e-17). */
  p = nn_schedule_params_default (NN_SCHEDULE_COSINE);
  p.t_max = 10;
  p.min_lr = 0.001;
  s = start (&p, 0.1);
  for (int t = 1; t <= 3; t++)
    nn_schedule_epoch_end (&s, NAN);
  nn_schedule_set_lr (&s, 0.05);
  for (int t = 4; t <= 10; t++)
    {
      double want = 0.001 + (0.05 - 0.001) * (1.0 + cos (G_PI * t / 10.0))
                    / (1.0 + cos (G_PI * 3.0 / 10.0));

      check_lr ("cosine", t, nn_schedule_epoch_end (&s, NAN), want, RTOL * 0.05);
    }

  /* Plateau: the next cut is from the rate set by hand. */
  p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p.patience = 0;
  p.factor = 0.5;
  s = start (&p, 0.1);
  check_lr ("plateau", 1, nn_schedule_epoch_end (&s, 1.0), 0.1, 0.0);
  nn_schedule_set_lr (&s, 0.4);
  check_lr ("plateau", 2, nn_schedule_epoch_end (&s, 1.0), 0.2, RTOL);
  check_lr ("plateau", 3, nn_schedule_epoch_end (&s, 1.0), 0.1, RTOL);
}

static void
expect_invalid (const nn_schedule_params *p,
                const char               *substring)
{
  nn_error err = { 0 };

  g_assert_cmpint (nn_schedule_params_check (p, &err), ==, NN_ERR_INVALID);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  if (strstr (err.msg, substring) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", err.msg, substring);
  g_assert_cmpint (nn_schedule_params_check (p, NULL), ==, NN_ERR_INVALID);
}

static void
test_check (void)
{
  nn_schedule_params p;

  p = nn_schedule_params_default (NN_SCHEDULE_STEP);
  p.step_size = 0;
  expect_invalid (&p, "step size must be at least 1 epoch, not 0");

  p = nn_schedule_params_default (NN_SCHEDULE_STEP);
  p.gamma = 0.0;
  expect_invalid (&p, "gamma must be in (0, 1]");
  p.gamma = 1.5;
  expect_invalid (&p, "gamma must be in (0, 1], not 1.5");
  p.gamma = NAN;
  expect_invalid (&p, "gamma");

  p = nn_schedule_params_default (NN_SCHEDULE_COSINE);
  p.t_max = -1;
  expect_invalid (&p, "cosine period");

  p = nn_schedule_params_default (NN_SCHEDULE_COSINE);
  p.min_lr = -1e-3;
  expect_invalid (&p, "minimum learning rate must be ≥ 0");
  p.min_lr = INFINITY;
  expect_invalid (&p, "minimum learning rate");

  p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p.factor = 1.0;
  expect_invalid (&p, "plateau factor must be in (0, 1)");
  p.factor = 0.0;
  expect_invalid (&p, "plateau factor");

  p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p.patience = -1;
  expect_invalid (&p, "patience, cooldown and warm-up must be ≥ 0");
  p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p.cooldown = -2;
  expect_invalid (&p, "patience, cooldown and warm-up");
  p = nn_schedule_params_default (NN_SCHEDULE_CONSTANT);
  p.warmup = -10;
  expect_invalid (&p, "patience, cooldown and warm-up");

  p = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p.threshold = -1e-4;
  expect_invalid (&p, "plateau threshold must be ≥ 0");

  p = nn_schedule_params_default (NN_SCHEDULE_CONSTANT);
  p.kind = NN_SCHEDULE_COUNT;
  expect_invalid (&p, "unknown schedule");
}

static void
test_defaults (void)
{
  for (int k = 0; k < NN_SCHEDULE_COUNT; k++)
    {
      nn_schedule_params p = nn_schedule_params_default ((nn_schedule_kind) k);

      g_assert_cmpint (p.kind, ==, k);
      g_assert_cmpint (p.step_size, ==, 10);
      g_assert_cmpfloat (p.gamma, ==, k == NN_SCHEDULE_EXP ? 0.95 : 0.1);
      g_assert_cmpint (p.t_max, ==, 0);
      g_assert_cmpfloat (p.min_lr, ==, 0.0);
      g_assert_cmpfloat (p.factor, ==, 0.1);
      g_assert_cmpint (p.patience, ==, 10);
      g_assert_cmpfloat (p.threshold, ==, 1e-4);
      g_assert_cmpint (p.cooldown, ==, 0);
      g_assert_cmpint (p.warmup, ==, 0);
      g_assert_cmpint (nn_schedule_params_check (&p, NULL), ==, NN_OK);
    }
}

static void
test_names (void)
{
  static const char *const expected[NN_SCHEDULE_COUNT] = {
    "constant", "step", "exp", "cosine", "plateau",
  };
  nn_schedule_kind kind = NN_SCHEDULE_COUNT;

  for (int k = 0; k < NN_SCHEDULE_COUNT; k++)
    {
      g_assert_cmpstr (nn_schedule_name ((nn_schedule_kind) k), ==, expected[k]);
      g_assert_true (nn_schedule_from_name (expected[k], &kind));
      g_assert_cmpint (kind, ==, k);
    }
  kind = NN_SCHEDULE_STEP;
  g_assert_false (nn_schedule_from_name ("Cosine", &kind));
  g_assert_false (nn_schedule_from_name ("", &kind));
  g_assert_false (nn_schedule_from_name ("exponential", &kind));
  g_assert_cmpint (kind, ==, NN_SCHEDULE_STEP);
  g_assert_cmpstr (nn_schedule_name (NN_SCHEDULE_COUNT), ==, "unknown");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/schedule/constant", test_constant);
  g_test_add_func ("/engine/schedule/step", test_step);
  g_test_add_func ("/engine/schedule/exp", test_exp);
  g_test_add_func ("/engine/schedule/cosine", test_cosine);
  g_test_add_func ("/engine/schedule/plateau", test_plateau);
  g_test_add_func ("/engine/schedule/warmup", test_warmup);
  g_test_add_func ("/engine/schedule/set-lr", test_set_lr);
  g_test_add_func ("/engine/schedule/check", test_check);
  g_test_add_func ("/engine/schedule/defaults", test_defaults);
  g_test_add_func ("/engine/schedule/names", test_names);
  return g_test_run ();
}
