/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the trainer's test programs: tiny models and data, a
 * recorder of step and epoch reports, and one SGD step worked out by hand. */
#pragma once

#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "evaluate.h"
#include "loss.h"
#include "metrics.h"
#include "model.h"
#include "spec.h"
#include "trainer.h"

/* ---- Helpers --------------------------------------------------------------- */

static inline nn_model *
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

static inline void
assert_close (const char *what,
              double      got,
              double      want,
              double      tol)
{
  if (!(fabs (got - want) <= tol * fmax (1.0, fabs (want))))
    g_error ("%s: got %.9g, want %.9g (tolerance %g)", what, got, want, tol);
}

static inline void
assert_contains (const char *msg,
                 const char *part)
{
  if (strstr (msg, part) == NULL)
    g_error ("message '%s' lacks '%s'", msg, part);
}

static inline nn_dataset
regression (float  *x,
            float  *t,
            size_t  n,
            size_t  d,
            size_t  k)
{
  return (nn_dataset) { .task = NN_TASK_REGRESSION, .n = n, .d = d, .k = k, .x = x, .t = t };
}

/* @n rows of @d features uniform in [−1, 1] from @seed, labelled by which
 * of @k equal angular sectors of (x₁, x₂) they fall in. */
static inline nn_dataset *
classes (size_t   n,
         size_t   d,
         size_t   k,
         uint64_t seed)
{
  nn_dataset *ds = nn_dataset_new (NN_TASK_CLASSIFICATION, n, d, k, NULL);
  nn_rng rng;

  nn_rng_seed (&rng, seed);
  for (size_t i = 0; i < n * d; i++)
    ds->x[i] = (float) (2.0 * nn_rng_uniform (&rng) - 1.0);
  for (size_t i = 0; i < n; i++)
    {
      double a = atan2 (ds->x[i * d + 1], ds->x[i * d]) + M_PI;

      ds->y[i] = (int32_t) fmin ((double) k - 1, floor (a / (2 * M_PI) * (double) k));
    }
  return ds;
}

/* Plain SGD at @lr, rows in order, no penalties: the steps can be worked out. */
static inline nn_trainer_params
sgd (double lr,
     size_t batch,
     int    epochs)
{
  nn_trainer_params p = nn_trainer_params_default ();

  p.opt = nn_optimizer_params_default (NN_OPT_SGD);
  p.opt.lr = lr;
  p.batch = batch;
  p.epochs = epochs;
  p.shuffle = false;
  return p;
}

static inline nn_trainer *
trainer (nn_model                *m,
         const nn_trainer_params *p,
         const nn_dataset        *train,
         const nn_dataset        *val)
{
  nn_error err = { 0 };
  nn_trainer *t = nn_trainer_new (m, p, train, val, &err);

  if (t == NULL)
    g_error ("nn_trainer_new: %s", err.msg);
  return t;
}

static inline float *
snapshot (nn_model *m)
{
  return g_memdup2 (nn_model_params (m), nn_model_n_params (m) * sizeof (float));
}

static inline void
assert_params (nn_model    *m,
               const float *want)
{
  g_assert_nonnull (want);
  g_assert_cmpmem (nn_model_params (m), nn_model_n_params (m) * sizeof (float), want,
                   nn_model_n_params (m) * sizeof (float));
}

/* A second model with @m's parameters and buffers. */
static inline nn_model *
clone (nn_model *m,
       size_t    max_batch)
{
  nn_error err = { 0 };
  nn_model *c = nn_model_new (nn_model_get_spec (m), max_batch, &err);

  g_assert_nonnull (c);
  memcpy (nn_model_params (c), nn_model_params (m), nn_model_n_params (m) * sizeof (float));
  memcpy (nn_model_buffers (c), nn_model_buffers (m), nn_model_n_buffers (m) * sizeof (float));
  return c;
}

/* One SGD step worked out beside the trainer: a forward and backward of a
 * clone on rows [first, first + rows) of @ds, then
 *   θ' = θ − lr·(∂L/∂θ + λ₁·sign(w) + λ₂·w),
 * the penalties on the weights of linear ops only. Returns θ' (g_free) and
 * the batch loss in @loss. */
static inline float *
expected_sgd (nn_model         *m,
              const nn_dataset *ds,
              size_t            first,
              size_t            rows,
              double            lr,
              double            l1,
              double            l2,
              double           *loss)
{
  nn_model *c = clone (m, rows);
  size_t k = nn_model_outputs (c);
  const float *w = nn_model_params (c), *g = nn_model_grads (c);
  const float *out = nn_model_forward (c, ds->x + first * ds->d, rows, NN_MODE_TRAIN, NULL);
  float *want = snapshot (c);

  *loss = nn_loss_compute (nn_model_get_spec (c)->loss, out, rows, k,
                           ds->y != NULL ? ds->y + first : NULL,
                           ds->t != NULL ? ds->t + first * k : NULL,
                           nn_model_output_grad (c), NULL);
  nn_model_backward (c);
  for (size_t i = 0; i < nn_model_n_ops (c); i++)
    {
      const nn_op *op = nn_model_op (c, i);

      for (size_t j = op->param_offset; j < op->param_offset + op->n_params; j++)
        {
          double d = g[j];

          if (op->kind == NN_OP_LINEAR && j < op->param_offset + op->n_weights)
            d += l1 * (w[j] > 0.0f ? 1.0 : w[j] < 0.0f ? -1.0 : 0.0) + l2 * w[j];
          want[j] = (float) (w[j] - lr * d);
        }
    }
  nn_model_free (c);
  return want;
}

/* ---- A recorder of reports ------------------------------------------------ */

enum { MAX_STEPS = 64, MAX_EPOCHS = 32, MAX_OPS = 8 };

typedef struct
{
  nn_model       *m;
  uint64_t        last_step;
  nn_step_report  steps[MAX_STEPS];     /* by step; the arrays are gone after the callback */
  nn_op_stats     ops[MAX_STEPS][MAX_OPS];
  float          *after[MAX_STEPS];     /* parameters after step s; [0] before the run */
  float          *buffers[MAX_STEPS];   /* batch-norm running statistics after step s */
  int             last_epoch;
  nn_epoch_report epochs[MAX_EPOCHS];   /* by epoch */
  float          *best;                 /* parameters at the last improved epoch */
  uint64_t        stop_step;            /* the step callback returns false there (0: never) */
  int             stop_epoch;
} recorder;

static inline bool
record_step_cb (const nn_step_report *r,
                void                 *user)
{
  recorder *rec = user;
  size_t nb = nn_model_n_buffers (rec->m);

  g_assert_cmpuint (r->step, <, MAX_STEPS);
  g_assert_cmpuint (r->n_ops, <=, MAX_OPS);
  rec->last_step = r->step;
  rec->steps[r->step] = *r;
  memcpy (rec->ops[r->step], r->ops, r->n_ops * sizeof *r->ops);
  rec->steps[r->step].ops = NULL;
  g_free (rec->after[r->step]);
  rec->after[r->step] = snapshot (rec->m);
  g_free (rec->buffers[r->step]);
  rec->buffers[r->step] = g_memdup2 (nn_model_buffers (rec->m), (nb + 1) * sizeof (float));
  return r->step != rec->stop_step;
}

static inline bool
record_epoch_cb (const nn_epoch_report *r,
                 void                  *user)
{
  recorder *rec = user;

  g_assert_cmpint (r->epoch, <, MAX_EPOCHS);
  rec->last_epoch = r->epoch;
  rec->epochs[r->epoch] = *r;
  rec->epochs[r->epoch].dead_fraction = NULL;
  if (r->improved)
    {
      g_free (rec->best);
      rec->best = snapshot (rec->m);
    }
  return r->epoch != rec->stop_epoch;
}

static inline void
record (recorder   *rec,
        nn_trainer *t,
        nn_model   *m)
{
  memset (rec, 0, sizeof *rec);
  rec->m = m;
  rec->after[0] = snapshot (m);
  rec->buffers[0] = g_memdup2 (nn_model_buffers (m), (nn_model_n_buffers (m) + 1) * sizeof (float));
  nn_trainer_set_callbacks (t, record_step_cb, record_epoch_cb, rec);
}

static inline void
recorder_clear (recorder *rec)
{
  for (int s = 0; s < MAX_STEPS; s++)
    {
      g_free (rec->after[s]);
      g_free (rec->buffers[s]);
    }
  g_free (rec->best);
}

/* ---- The worked example ------------------------------------------------------ */

/* The worked example: y = w·x + b on four rows, MSE.
 *   X = [[1, 0, 0], [0, 1, 0], [1, 1, 0], [2, −1, 0]], t = (1, 2, 0, 1),
 *   w = (½, −1, 0), b = ¼:
 *   ŷ = (¾, −¾, −¼, 9/4), r = ŷ − t = (−¼, −11/4, −¼, 5/4),
 *   L = Σr²/4 = (1 + 121 + 1 + 25)/64 = 37/16 = 2.3125,
 *   ∂L/∂w = (2/4)·Xᵀr = (1, −17/8, 0), ∂L/∂b = (2/4)·Σr = −1,
 *   ‖∂L/∂θ‖² = 1 + 289/64 + 1 = 417/64.
 * The third feature is 0 in every row, so its weight has no gradient: it
 * shows sign(0) = 0 for L1. */
static float wx_x[] = { 1, 0, 0, 0, 1, 0, 1, 1, 0, 2, -1, 0 };
static float wx_t[] = { 1, 2, 0, 1 };
static const float wx_theta[] = { 0.5f, -1.0f, 0.0f, 0.25f };
static const double wx_grad[] = { 1.0, -2.125, 0.0, -1.0 };
#define WX_LOSS 2.3125
#define WX_GRAD_NORM sqrt (417.0 / 64.0)

/* Runs one step of @p on the worked example and checks what it reports
 * that does not depend on @p's penalties or clipping; returns θ'. */
static inline float *
worked_step (const nn_trainer_params *p,
             nn_step_report          *report,
             nn_op_stats             *op0)
{
  nn_model *m = build ("dense:1", 3, NN_LOSS_MSE, 4);
  nn_dataset ds = regression (wx_x, wx_t, 4, 3, 1);
  nn_trainer *t;
  recorder rec;
  float *after;

  memcpy (nn_model_params (m), wx_theta, sizeof wx_theta);
  t = trainer (m, p, &ds, NULL);
  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_step (t), ==, p->epochs == 1 ? NN_TRAIN_FINISHED : NN_TRAIN_RUNNING);
  g_assert_cmpuint (rec.last_step, ==, 1);
  *report = rec.steps[1];
  *op0 = rec.ops[1][0];
  /* The data loss, without penalties, of the parameters before the step. */
  assert_close ("loss", report->loss, WX_LOSS, 1e-7);
  g_assert_cmpfloat (report->lr, ==, p->opt.lr);
  g_assert_cmpuint (report->rows, ==, 4);
  after = snapshot (m);
  assert_params (m, rec.after[1]);
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
  return after;
}

static inline void
assert_theta (const float  *got,
              const double *want)
{
  char what[16];

  for (int i = 0; i < 4; i++)
    {
      g_snprintf (what, sizeof what, "θ[%d]", i);
      assert_close (what, got[i], want[i], 1e-6);
    }
}
