/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "optimizer.h"

/* The engine runs in float32; the references below are torch.optim's
 * single-tensor update rules (1.13 / 2.x) written out again in double. One
 * step rounds each value a few times at 2⁻²⁴ ≈ 6e-8, so after three steps a
 * state value stays well within this relative tolerance. A parameter is held
 * to it relative to the largest magnitude it has had: a θ that falls from 0.5
 * to 0.04 keeps the rounding error of 0.5. */
#define RTOL 1e-6

/* Six parameters in two tensors, as a Linear(2 → 2) without its second row
 * would have them: a "weight" that weight decay applies to, a "bias" it does
 * not (the engine's stand-in for torch's parameter groups). */
#define N 6
#define N_SEGS 2
#define N_STEPS 3

static const nn_param_segment segs[N_SEGS] = {
  { .offset = 0, .count = 4, .op = 0, .decay = true, .name = "weight" },
  { .offset = 4, .count = 2, .op = 0, .decay = false, .name = "bias" },
};

/* Binary fractions, so float and double start from the same numbers. */
static const float w0[N] = { 0.5f, -1.25f, 2.0f, 0.75f, -0.375f, 0.125f };

/* Each element keeps its sign over the three steps, so no running average
 * passes through zero where a relative tolerance would mean nothing. */
static const float grads[N_STEPS][N] = {
  { 0.3f, -0.7f, 1.1f, -0.6f, 0.45f, -0.05f },
  { 0.25f, -0.9f, 0.6f, -0.55f, 0.5f, -0.15f },
  { 0.4f, -0.5f, 0.8f, -0.5f, 0.2f, -0.08f },
};

/* torch's per-parameter state, in the engine's slot order: SGD
 * momentum_buffer; Adam exp_avg, exp_avg_sq; RMSprop square_avg,
 * momentum_buffer; Adagrad sum. */
typedef struct
{
  double w[N];
  double s[2][N];
} reference;

static void
reference_init (const nn_optimizer_params *p,
                reference                 *r)
{
  memset (r, 0, sizeof *r);
  for (size_t i = 0; i < N; i++)
    {
      r->w[i] = w0[i];
      if (p->kind == NN_OPT_ADAGRAD)
        r->s[0][i] = p->initial_accumulator;  /* initial_accumulator_value */
    }
}

static bool
decays (size_t i)
{
  for (size_t k = 0; k < N_SEGS; k++)
    if (i >= segs[k].offset && i < segs[k].offset + segs[k].count)
      return segs[k].decay;
  g_assert_not_reached ();
}

/* One torch step of element i at step t (1-based). */
static void
reference_step (const nn_optimizer_params *p,
                double                     lr,
                int                        t,
                const float               *grad,
                reference                 *r)
{
  for (size_t i = 0; i < N; i++)
    {
      double lambda = decays (i) ? p->weight_decay : 0.0;
      double *w = &r->w[i], *s0 = &r->s[0][i], *s1 = &r->s[1][i];
      /* L2 as torch adds it: grad = grad + λ·θ (all but AdamW) */
      double d = grad[i] + (p->kind == NN_OPT_ADAMW ? 0.0 : lambda * *w);

      switch (p->kind)
        {
        case NN_OPT_GD:
        case NN_OPT_SGD:
        case NN_OPT_MOMENTUM:
        case NN_OPT_NESTEROV:
          if (p->momentum != 0.0)
            {
              /* buf = g on the first step (torch.clone), then
               * buf = μ·buf + (1 − dampening)·g */
              *s0 = t == 1 ? d : p->momentum * *s0 + (1.0 - p->dampening) * d;
              /* Nesterov steps along g + μ·buf, plain momentum along buf */
              d = p->nesterov ? d + p->momentum * *s0 : *s0;
            }
          *w -= lr * d;
          break;

        case NN_OPT_ADAM:
        case NN_OPT_ADAMW:
          {
            double bc1 = 1.0 - pow (p->beta1, t), bc2 = 1.0 - pow (p->beta2, t);

            /* AdamW: θ ← θ·(1 − lr·λ) first, λ nowhere in the moments */
            if (p->kind == NN_OPT_ADAMW)
              *w *= 1.0 - lr * lambda;
            *s0 = p->beta1 * *s0 + (1.0 - p->beta1) * d;
            *s1 = p->beta2 * *s1 + (1.0 - p->beta2) * d * d;
            /* θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps): eps is
             * added after the second-moment correction */
            *w -= lr / bc1 * *s0 / (sqrt (*s1) / sqrt (bc2) + p->eps);
          }
          break;

        case NN_OPT_RMSPROP:
          {
            double avg;

            *s0 = p->alpha * *s0 + (1.0 - p->alpha) * d * d;
            avg = sqrt (*s0) + p->eps;
            /* with momentum the buffer (zeros at first) collects g / avg */
            if (p->momentum > 0.0)
              {
                *s1 = p->momentum * *s1 + d / avg;
                *w -= lr * *s1;
              }
            else
              *w -= lr * d / avg;
          }
          break;

        case NN_OPT_ADAGRAD:
          {
            /* clr = lr / (1 + (t − 1)·lr_decay); sum += g²;
             * θ ← θ − clr · g / (√sum + eps) */
            double clr = lr / (1.0 + (t - 1) * p->lr_decay);

            *s0 += d * d;
            *w -= clr * d / (sqrt (*s0) + p->eps);
          }
          break;

        case NN_OPT_COUNT:
          g_assert_not_reached ();
        }
    }
}

/* |got − want| ≤ rtol · max(|want|, scale) */
static void
check_scaled (const char *what,
              int         t,
              size_t      i,
              double      got,
              double      want,
              double      rtol,
              double      scale)
{
  double tol = rtol * fmax (fabs (want), scale);

  if (!(fabs (got - want) <= tol))
    {
      g_test_message ("%s[%zu] after step %d: got %.10g, want %.10g (error %.3g, allowed %.3g)",
                      what, i, t, got, want, fabs (got - want), tol);
      g_assert_cmpfloat_with_epsilon (got, want, tol);
    }
}

static void
check_close (const char *what,
             int         t,
             size_t      i,
             double      got,
             double      want,
             double      rtol)
{
  check_scaled (what, t, i, got, want, rtol, 0.0);
}

/* Runs three steps of @p at rate @lr from w0 with the gradients above and
 * checks, at every step, parameters and state against the double reference,
 * that nothing the step reads was written, that every output was, and the
 * per-segment sums against sums taken here over the arrays. */
static void
run_case (const nn_optimizer_params *p,
          double                     lr)
{
  size_t slots = nn_optimizer_state_slots (p);
  size_t ns = slots * N;
  float w[2][N], g[N], w_copy[N], g_copy[N];
  g_autofree float *s_a = g_new0 (float, ns + 1);
  g_autofree float *s_b = g_new0 (float, ns + 1);
  g_autofree float *s_copy = g_new0 (float, ns + 1);
  float *s[2] = { s_a, s_b };
  reference ref;
  double peak[N];
  nn_error err = { 0 };

  g_assert_cmpint (nn_optimizer_params_check (p, &err), ==, NN_OK);
  memcpy (w[0], w0, sizeof w0);
  nn_optimizer_state_init (p, N, s[0]);
  reference_init (p, &ref);
  for (size_t i = 0; i < N; i++)
    peak[i] = fabs (ref.w[i]);

  for (int t = 1; t <= N_STEPS; t++)
    {
      /* ping-pong between two buffers, as the trainer does */
      const float *wi = w[(t - 1) % 2], *si = s[(t - 1) % 2];
      float *wo = w[t % 2], *so = s[t % 2];
      nn_segment_sums sums[N_SEGS];

      memcpy (g, grads[t - 1], sizeof g);
      memcpy (w_copy, wi, sizeof w_copy);
      memcpy (g_copy, g, sizeof g_copy);
      memcpy (s_copy, si, ns * sizeof (float));
      /* NaN in every output: a value the step forgets to write shows */
      for (size_t i = 0; i < N; i++)
        wo[i] = NAN;
      for (size_t i = 0; i < ns; i++)
        so[i] = NAN;

      nn_optimizer_step (p, lr, (uint64_t) t, segs, N_SEGS, N, wi, wo, g, si, so, sums);
      reference_step (p, lr, t, g, &ref);

      g_assert_cmpmem (wi, sizeof w_copy, w_copy, sizeof w_copy);
      g_assert_cmpmem (g, sizeof g_copy, g_copy, sizeof g_copy);
      g_assert_cmpmem (si, ns * sizeof (float), s_copy, ns * sizeof (float));

      for (size_t i = 0; i < N; i++)
        {
          peak[i] = fmax (peak[i], fabs (ref.w[i]));
          check_scaled ("theta", t, i, wo[i], ref.w[i], RTOL, peak[i]);
        }
      for (size_t j = 0; j < slots; j++)
        for (size_t i = 0; i < N; i++)
          check_close (j == 0 ? "state slot 0" : "state slot 1", t, i, so[j * N + i],
                       ref.s[j][i], RTOL);

      for (size_t k = 0; k < N_SEGS; k++)
        {
          double gs = 0, us = 0, ws = 0;

          for (size_t i = segs[k].offset; i < segs[k].offset + segs[k].count; i++)
            {
              double du = (double) wo[i] - (double) wi[i];

              gs += (double) g[i] * g[i];
              us += du * du;
              ws += (double) wo[i] * wo[i];
            }
          /* The sums here are exact products added in double. The engine
           * may square and add in float within a block before adding the
           * blocks in double: over four terms that rounds a few times at
           * 2⁻²⁴, inside RTOL. */
          check_close ("sum g^2", t, k, sums[k].grad_sq, gs, RTOL);
          check_close ("sum dtheta^2", t, k, sums[k].update_sq, us, RTOL);
          check_close ("sum theta^2", t, k, sums[k].weight_sq, ws, RTOL);
        }
    }
}

static nn_optimizer_params
params_for (nn_optimizer kind)
{
  return nn_optimizer_params_default (kind);
}

static void
test_gd (void)
{
  nn_optimizer_params p = params_for (NN_OPT_GD);

  run_case (&p, 0.1);
}

/* Plain SGD with L2: the weight gets g + λθ, the bias g alone. */
static void
test_sgd (void)
{
  nn_optimizer_params p = params_for (NN_OPT_SGD);

  p.weight_decay = 0.05;
  run_case (&p, 0.1);

  /* The bias moves by lr·g alone; the weight does not. */
  {
    float wo[N];

    nn_optimizer_step (&p, 0.1, 1, segs, N_SEGS, N, w0, wo, grads[0], NULL, NULL, NULL);
    for (size_t i = 0; i < N; i++)
      {
        double plain = w0[i] - 0.1 * grads[0][i];

        if (decays (i))
          g_assert_cmpfloat (fabs (wo[i] - plain), >, 1e-4);
        else
          check_close ("bias", 1, i, wo[i], plain, RTOL);
      }
  }
}

static void
test_momentum (void)
{
  nn_optimizer_params p = params_for (NN_OPT_MOMENTUM);

  p.weight_decay = 0.01;
  run_case (&p, 0.1);
}

/* With dampening the first buffer is still g itself (torch clones the first
 * gradient; dampening only scales the later ones). */
static void
test_momentum_dampening (void)
{
  nn_optimizer_params p = params_for (NN_OPT_MOMENTUM);

  p.momentum = 0.8;
  p.dampening = 0.25;
  run_case (&p, 0.05);

  /* SGD with a momentum set is the same rule */
  p.kind = NN_OPT_SGD;
  run_case (&p, 0.05);
}

static void
test_nesterov (void)
{
  nn_optimizer_params p = params_for (NN_OPT_NESTEROV);

  p.weight_decay = 0.01;
  run_case (&p, 0.1);

  p.momentum = 0.5;
  run_case (&p, 0.2);
}

static void
test_adam (void)
{
  nn_optimizer_params p = params_for (NN_OPT_ADAM);

  run_case (&p, 0.1);

  p.beta1 = 0.8;
  p.beta2 = 0.95;
  run_case (&p, 0.01);
}

/* A large eps makes its placement matter: at t = 1, √(1 − β₂) ≈ 0.03, so
 * adding eps before the correction would weigh it thirty times more. With L2
 * in Adam, λθ goes into the gradient and so into both moments. */
static void
test_adam_eps_l2 (void)
{
  nn_optimizer_params p = params_for (NN_OPT_ADAM);

  p.eps = 0.05;
  p.weight_decay = 0.1;
  run_case (&p, 0.1);
}

static void
test_adamw (void)
{
  nn_optimizer_params p = params_for (NN_OPT_ADAMW);

  run_case (&p, 1e-3);

  /* a decay large enough to see: θ·(1 − 0.1·0.2) each step */
  p.weight_decay = 0.2;
  run_case (&p, 0.1);
}

static void
test_rmsprop (void)
{
  nn_optimizer_params p = params_for (NN_OPT_RMSPROP);

  p.weight_decay = 0.05;
  run_case (&p, 0.01);

  p.alpha = 0.9;
  p.eps = 0.01;
  run_case (&p, 0.05);
}

static void
test_rmsprop_momentum (void)
{
  nn_optimizer_params p = params_for (NN_OPT_RMSPROP);

  p.momentum = 0.5;
  run_case (&p, 0.01);

  p.weight_decay = 0.1;
  p.momentum = 0.9;
  run_case (&p, 0.01);
}

static void
test_adagrad (void)
{
  nn_optimizer_params p = params_for (NN_OPT_ADAGRAD);

  run_case (&p, 0.1);

  p.lr_decay = 0.5;
  p.initial_accumulator = 0.2;
  p.weight_decay = 0.1;
  run_case (&p, 0.1);
}

/* A gradient of NaN or ±Inf in one tensor makes all three of its sums
 * non-finite, for every optimizer; the other tensor's stay finite. A
 * non-finite state makes the update sum non-finite. */
static void
test_non_finite (void)
{
  static const float bad[] = { NAN, INFINITY, -INFINITY };

  for (int kind = 0; kind < NN_OPT_COUNT; kind++)
    for (int with_momentum = 0; with_momentum < 2; with_momentum++)
      for (size_t b = 0; b < G_N_ELEMENTS (bad); b++)
        for (size_t k = 0; k < N_SEGS; k++)
          {
            nn_optimizer_params p = params_for ((nn_optimizer) kind);
            float g[N], wo[N], s[2 * N], so[2 * N];
            nn_segment_sums sums[N_SEGS];
            size_t other = 1 - k;

            if (with_momentum && (kind == NN_OPT_SGD || kind == NN_OPT_RMSPROP))
              p.momentum = 0.9;
            else if (with_momentum)
              continue;
            g_assert_cmpint (nn_optimizer_params_check (&p, NULL), ==, NN_OK);
            memcpy (g, grads[0], sizeof g);
            g[segs[k].offset + 1] = bad[b];
            nn_optimizer_state_init (&p, N, s);
            /* step 2, so momentum buffers are read */
            nn_optimizer_step (&p, 0.1, 2, segs, N_SEGS, N, w0, wo, g, s, so, sums);
            g_assert_false (isfinite (sums[k].grad_sq));
            g_assert_false (isfinite (sums[k].update_sq));
            g_assert_false (isfinite (sums[k].weight_sq));
            g_assert_true (isfinite (sums[other].grad_sq));
            g_assert_true (isfinite (sums[other].update_sq));
            g_assert_true (isfinite (sums[other].weight_sq));
          }

  for (int kind = 0; kind < NN_OPT_COUNT; kind++)
    {
      nn_optimizer_params p = params_for ((nn_optimizer) kind);
      float wo[N], s[2 * N], so[2 * N];
      nn_segment_sums sums[N_SEGS];

      if (kind == NN_OPT_SGD || kind == NN_OPT_RMSPROP)
        p.momentum = 0.9;
      if (nn_optimizer_state_slots (&p) == 0)
        continue;
      /* Inf in the last slot: for Adam's v or Adagrad's sum it only makes
       * the step 0, so θ stays finite and the state alone must show. */
      nn_optimizer_state_init (&p, N, s);
      s[(nn_optimizer_state_slots (&p) - 1) * N + 1] = INFINITY;
      nn_optimizer_step (&p, 0.1, 2, segs, N_SEGS, N, w0, wo, grads[0], s, so, sums);
      g_assert_false (isfinite (sums[0].update_sq));
      g_assert_true (isfinite (sums[1].update_sq));
    }
}

static void
test_state_slots (void)
{
  static const struct
  {
    nn_optimizer kind;
    double       momentum;
    size_t       slots;
  } cases[] = {
    { NN_OPT_GD, 0.0, 0 },
    { NN_OPT_SGD, 0.0, 0 },
    { NN_OPT_SGD, 0.9, 1 },
    { NN_OPT_MOMENTUM, 0.9, 1 },
    { NN_OPT_MOMENTUM, 0.0, 0 },
    { NN_OPT_NESTEROV, 0.9, 1 },
    { NN_OPT_ADAM, 0.0, 2 },
    { NN_OPT_ADAMW, 0.0, 2 },
    { NN_OPT_RMSPROP, 0.0, 1 },
    { NN_OPT_RMSPROP, 0.5, 2 },
    { NN_OPT_ADAGRAD, 0.0, 1 },
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      nn_optimizer_params p = params_for (cases[c].kind);

      p.momentum = cases[c].momentum;
      g_assert_cmpuint (nn_optimizer_state_slots (&p), ==, cases[c].slots);
    }

  /* A fresh state is zeros, or Adagrad's initial accumulator. */
  {
    nn_optimizer_params p = params_for (NN_OPT_ADAGRAD);
    float s[N];

    p.initial_accumulator = 0.25;
    nn_optimizer_state_init (&p, N, s);
    for (size_t i = 0; i < N; i++)
      g_assert_cmpfloat (s[i], ==, 0.25f);

    p = params_for (NN_OPT_ADAM);
    {
      float s2[2 * N];

      for (size_t i = 0; i < 2 * N; i++)
        s2[i] = 1.0f;
      nn_optimizer_state_init (&p, N, s2);
      for (size_t i = 0; i < 2 * N; i++)
        g_assert_cmpfloat (s2[i], ==, 0.0f);
    }
  }
}

/* torch.optim's defaults: SGD lr 1e-3 (2.x; 1.13 has none), momentum 0,
 * dampening 0; Adam(W) lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0
 * (AdamW 1e-2); RMSprop lr 1e-2, alpha 0.99, eps 1e-8; Adagrad lr 1e-2,
 * eps 1e-10, lr_decay 0, initial_accumulator_value 0. */
static void
test_defaults (void)
{
  for (int kind = 0; kind < NN_OPT_COUNT; kind++)
    {
      nn_optimizer_params p = nn_optimizer_params_default ((nn_optimizer) kind);
      bool sgd_momentum = kind == NN_OPT_MOMENTUM || kind == NN_OPT_NESTEROV;
      bool lr_1e2 = kind == NN_OPT_RMSPROP || kind == NN_OPT_ADAGRAD;

      g_assert_cmpint (p.kind, ==, kind);
      g_assert_cmpfloat (p.lr, ==, lr_1e2 ? 1e-2 : 1e-3);
      g_assert_cmpfloat (p.momentum, ==, sgd_momentum ? 0.9 : 0.0);
      g_assert_cmpfloat (p.dampening, ==, 0.0);
      g_assert_true (p.nesterov == (kind == NN_OPT_NESTEROV));
      g_assert_cmpfloat (p.beta1, ==, 0.9);
      g_assert_cmpfloat (p.beta2, ==, 0.999);
      g_assert_cmpfloat (p.eps, ==, kind == NN_OPT_ADAGRAD ? 1e-10 : 1e-8);
      g_assert_cmpfloat (p.alpha, ==, 0.99);
      g_assert_cmpfloat (p.weight_decay, ==, kind == NN_OPT_ADAMW ? 1e-2 : 0.0);
      g_assert_cmpfloat (p.lr_decay, ==, 0.0);
      g_assert_cmpfloat (p.initial_accumulator, ==, 0.0);
      g_assert_cmpint (nn_optimizer_params_check (&p, NULL), ==, NN_OK);
    }
}

static void
expect_invalid (const nn_optimizer_params *p,
                const char                *substring)
{
  nn_error err = { 0 };

  g_assert_cmpint (nn_optimizer_params_check (p, &err), ==, NN_ERR_INVALID);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  if (strstr (err.msg, substring) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", err.msg, substring);
  /* a NULL error is allowed */
  g_assert_cmpint (nn_optimizer_params_check (p, NULL), ==, NN_ERR_INVALID);
}

static void
test_check (void)
{
  nn_optimizer_params p;

  p = params_for (NN_OPT_SGD);
  p.lr = -0.1;
  expect_invalid (&p, "learning rate must be a positive number");
  p.lr = NAN;
  expect_invalid (&p, "learning rate");
  p.lr = INFINITY;
  expect_invalid (&p, "learning rate");

  p = params_for (NN_OPT_MOMENTUM);
  p.momentum = 1.0;
  expect_invalid (&p, "momentum must be in [0, 1)");
  p.momentum = 1.5;
  expect_invalid (&p, "momentum must be in [0, 1), not 1.5");
  p.momentum = -0.1;
  expect_invalid (&p, "momentum must be in [0, 1)");

  p = params_for (NN_OPT_MOMENTUM);
  p.dampening = 1.5;
  expect_invalid (&p, "dampening must be in [0, 1]");

  /* torch: "Nesterov momentum requires a momentum and zero dampening" */
  p = params_for (NN_OPT_NESTEROV);
  p.momentum = 0.0;
  expect_invalid (&p, "Nesterov momentum needs");
  p = params_for (NN_OPT_NESTEROV);
  p.dampening = 0.1;
  expect_invalid (&p, "no dampening");
  p = params_for (NN_OPT_ADAM);
  p.nesterov = true;
  expect_invalid (&p, "Nesterov momentum needs an SGD optimizer");

  p = params_for (NN_OPT_ADAM);
  p.beta1 = 1.0;
  expect_invalid (&p, "beta1 must be in [0, 1)");
  p = params_for (NN_OPT_ADAMW);
  p.beta1 = -0.5;
  expect_invalid (&p, "beta1 must be in [0, 1)");
  p = params_for (NN_OPT_ADAM);
  p.beta2 = 1.0;
  expect_invalid (&p, "beta2 must be in [0, 1)");
  p.beta2 = NAN;
  expect_invalid (&p, "beta2");

  p = params_for (NN_OPT_ADAM);
  p.momentum = 0.9;
  expect_invalid (&p, "momentum applies to sgd, momentum, nesterov and rmsprop, not adam");
  p = params_for (NN_OPT_ADAGRAD);
  p.momentum = 0.5;
  expect_invalid (&p, "not adagrad");
  p = params_for (NN_OPT_GD);
  p.momentum = 0.5;
  expect_invalid (&p, "gd is plain full-batch gradient descent");

  p = params_for (NN_OPT_ADAM);
  p.eps = -1e-8;
  expect_invalid (&p, "eps must be");
  p = params_for (NN_OPT_RMSPROP);
  p.alpha = 1.5;
  expect_invalid (&p, "alpha must be in [0, 1]");
  p = params_for (NN_OPT_SGD);
  p.weight_decay = -1e-4;
  expect_invalid (&p, "weight decay (L2) must be");
  p = params_for (NN_OPT_ADAGRAD);
  p.lr_decay = -0.1;
  expect_invalid (&p, "lr decay must be");
  p = params_for (NN_OPT_ADAGRAD);
  p.initial_accumulator = -1.0;
  expect_invalid (&p, "initial accumulator must be");

  p = params_for (NN_OPT_SGD);
  p.kind = NN_OPT_COUNT;
  expect_invalid (&p, "unknown optimizer");

  /* the edges torch accepts */
  p = params_for (NN_OPT_MOMENTUM);
  p.dampening = 1.0;
  g_assert_cmpint (nn_optimizer_params_check (&p, NULL), ==, NN_OK);
  p = params_for (NN_OPT_ADAM);
  p.beta1 = 0.0;
  p.beta2 = 0.0;
  p.eps = 0.0;
  g_assert_cmpint (nn_optimizer_params_check (&p, NULL), ==, NN_OK);
}

static void
test_names (void)
{
  static const char *const expected[NN_OPT_COUNT] = {
    "gd", "sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad",
  };
  nn_optimizer kind = NN_OPT_COUNT;

  for (int k = 0; k < NN_OPT_COUNT; k++)
    {
      g_assert_cmpstr (nn_optimizer_name ((nn_optimizer) k), ==, expected[k]);
      g_assert_true (nn_optimizer_from_name (expected[k], &kind));
      g_assert_cmpint (kind, ==, k);
    }
  kind = NN_OPT_SGD;
  g_assert_false (nn_optimizer_from_name ("Adam", &kind));
  g_assert_false (nn_optimizer_from_name ("", &kind));
  g_assert_false (nn_optimizer_from_name ("adam ", &kind));
  g_assert_cmpint (kind, ==, NN_OPT_SGD);
  g_assert_cmpstr (nn_optimizer_name (NN_OPT_COUNT), ==, "unknown");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/optimizer/gd", test_gd);
  g_test_add_func ("/engine/optimizer/sgd", test_sgd);
  g_test_add_func ("/engine/optimizer/momentum", test_momentum);
  g_test_add_func ("/engine/optimizer/momentum-dampening", test_momentum_dampening);
  g_test_add_func ("/engine/optimizer/nesterov", test_nesterov);
  g_test_add_func ("/engine/optimizer/adam", test_adam);
  g_test_add_func ("/engine/optimizer/adam-eps-l2", test_adam_eps_l2);
  g_test_add_func ("/engine/optimizer/adamw", test_adamw);
  g_test_add_func ("/engine/optimizer/rmsprop", test_rmsprop);
  g_test_add_func ("/engine/optimizer/rmsprop-momentum", test_rmsprop_momentum);
  g_test_add_func ("/engine/optimizer/adagrad", test_adagrad);
  g_test_add_func ("/engine/optimizer/non-finite", test_non_finite);
  g_test_add_func ("/engine/optimizer/state-slots", test_state_slots);
  g_test_add_func ("/engine/optimizer/defaults", test_defaults);
  g_test_add_func ("/engine/optimizer/check", test_check);
  g_test_add_func ("/engine/optimizer/names", test_names);
  return g_test_run ();
}
