/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "init.h"
#include "model.h"
#include "spec.h"

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
assert_rel (double got,
            double want,
            double tol)
{
  if (!(fabs (got - want) <= tol * fmax (1.0, fabs (want))))
    g_error ("got %.9g, want %.9g (tolerance %g)", got, want, tol);
}

/* ---- Expansion and layout ------------------------------------------------ */

/* Every spec layer becomes the modules nn.Sequential would hold: a dense
 * layer with an activation is Linear then that activation. The parameters
 * of op i are torch's layers.{i}.weight and .bias, laid end to end. */
static void
test_expand (void)
{
  static const struct
  {
    nn_op_kind kind;
    size_t layer, in, out, offset, n_weights, n_params;
    nn_activation act;
    nn_init init;
    const char *describe;
  } want[] = {
    { NN_OP_LINEAR, 0, 5, 8, 0, 40, 48, NN_ACT_IDENTITY, NN_INIT_HE_NORMAL, "Linear(5→8)" },
    { NN_OP_ACTIVATION, 0, 8, 8, 0, 0, 0, NN_ACT_RELU, 0, "ReLU" },
    { NN_OP_DROPOUT, 1, 8, 8, 0, 0, 0, NN_ACT_IDENTITY, 0, "Dropout(0.2)" },
    { NN_OP_LINEAR, 2, 8, 4, 48, 32, 36, NN_ACT_IDENTITY, NN_INIT_XAVIER_NORMAL, "Linear(8→4)" },
    { NN_OP_ACTIVATION, 2, 4, 4, 0, 0, 0, NN_ACT_TANH, 0, "Tanh" },
    { NN_OP_BATCHNORM, 3, 4, 4, 84, 4, 8, NN_ACT_IDENTITY, 0, "BatchNorm1d(4)" },
    { NN_OP_ACTIVATION, 4, 4, 4, 0, 0, 0, NN_ACT_SIGMOID, 0, "Sigmoid" },
    { NN_OP_LINEAR, 5, 4, 3, 92, 12, 15, NN_ACT_IDENTITY, NN_INIT_XAVIER_UNIFORM, "Linear(4→3)" },
  };
  nn_model *m = build ("dense:8:relu,dropout:0.2,dense:4:tanh:xavier_normal,batchnorm,sigmoid,"
                       "dense:3", 5, NN_LOSS_CE, 4);
  char buf[64];

  g_assert_cmpuint (nn_model_n_ops (m), ==, G_N_ELEMENTS (want));
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    {
      const nn_op *op = nn_model_op (m, i);

      g_assert_cmpint (op->kind, ==, want[i].kind);
      g_assert_cmpuint (op->layer, ==, want[i].layer);
      g_assert_cmpuint (op->in, ==, want[i].in);
      g_assert_cmpuint (op->out, ==, want[i].out);
      g_assert_cmpuint (op->n_params, ==, want[i].n_params);
      if (op->n_params > 0)
        {
          g_assert_cmpuint (op->param_offset, ==, want[i].offset);
          g_assert_cmpuint (op->n_weights, ==, want[i].n_weights);
        }
      if (op->kind == NN_OP_ACTIVATION)
        g_assert_cmpint (op->act, ==, want[i].act);
      if (op->kind == NN_OP_LINEAR)
        g_assert_cmpint (op->init, ==, want[i].init);
      nn_model_describe_op (m, i, buf, sizeof buf);
      g_assert_cmpstr (buf, ==, want[i].describe);
    }
  g_assert_cmpfloat (nn_model_op (m, 2)->rate, ==, 0.2f);
  g_assert_cmpuint (nn_model_op (m, 5)->buffer_offset, ==, 0);
  g_assert_null (nn_model_op (m, G_N_ELEMENTS (want)));
  g_assert_cmpuint (nn_model_inputs (m), ==, 5);
  g_assert_cmpuint (nn_model_outputs (m), ==, 3);
  g_assert_cmpuint (nn_model_n_params (m), ==, 107);
  g_assert_cmpuint (nn_model_spec_count_params (nn_model_get_spec (m)), ==, 107);
  /* Batch norm's running mean and variance are buffers, not parameters. */
  g_assert_cmpuint (nn_model_n_buffers (m), ==, 8);
  nn_model_free (m);
}

/* One segment per torch tensor, in order, covering the parameter array
 * without gaps; weight decay only on linear weights (torch users exclude
 * biases and norm parameters the same way). */
static void
test_segments (void)
{
  static const struct { size_t offset, count, op; bool decay; const char *name; } want[] = {
    { 0, 40, 0, true, "weight" },  { 40, 8, 0, false, "bias" },
    { 48, 32, 3, true, "weight" }, { 80, 4, 3, false, "bias" },
    { 84, 4, 5, false, "weight" }, { 88, 4, 5, false, "bias" },
    { 92, 12, 7, true, "weight" }, { 104, 3, 7, false, "bias" },
  };
  nn_model *m = build ("dense:8:relu,dropout:0.2,dense:4:tanh:xavier_normal,batchnorm,sigmoid,"
                       "dense:3", 5, NN_LOSS_CE, 4);
  const nn_param_segment *seg = nn_model_segments (m);
  const float *p, *running;

  g_assert_cmpuint (nn_model_n_segments (m), ==, G_N_ELEMENTS (want));
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_assert_cmpuint (seg[i].offset, ==, want[i].offset);
      g_assert_cmpuint (seg[i].count, ==, want[i].count);
      g_assert_cmpuint (seg[i].op, ==, want[i].op);
      g_assert_cmpint (seg[i].decay, ==, want[i].decay);
      g_assert_cmpstr (seg[i].name, ==, want[i].name);
    }
  g_assert_cmpuint (seg[7].offset + seg[7].count, ==, nn_model_n_params (m));

  /* Fresh batch norm: γ = 1, β = 0, running mean 0, variance 1 (torch's). */
  nn_model_init_params (m, 3);
  p = nn_model_params (m) + 84;
  running = nn_model_buffers (m);
  for (int j = 0; j < 4; j++)
    {
      g_assert_cmpfloat (p[j], ==, 1.0f);
      g_assert_cmpfloat (p[4 + j], ==, 0.0f);
      g_assert_cmpfloat (running[j], ==, 0.0f);
      g_assert_cmpfloat (running[4 + j], ==, 1.0f);
    }
  nn_model_free (m);
}

/* (in + 1)·out per Linear, 2·features per BatchNorm1d, nothing for the rest,
 * as sum(p.numel() for p in model.parameters()) counts them. */
static void
test_count_params (void)
{
  static const struct { size_t inputs; const char *layers; size_t count; } cases[] = {
    /* 785·128 + 129·64 + 2·64 + 65·10 */
    { 784, "dense:128:relu,dropout:0.2,dense:64:tanh:xavier_normal,batchnorm,dense:10", 109514 },
    { 2, "dense:1", 3 },
    /* 3·4 + 2·4 + 5·2 */
    { 2, "dense:4,batchnorm,relu,dropout:0.5,dense:2", 30 },
    /* batch norm on the data: 2·3 + 4·2 */
    { 3, "batchnorm,tanh,dense:2", 14 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_model *m = build (cases[i].layers, cases[i].inputs, NN_LOSS_CE, 1);

      g_assert_cmpuint (nn_model_spec_count_params (nn_model_get_spec (m)), ==, cases[i].count);
      g_assert_cmpuint (nn_model_n_params (m), ==, cases[i].count);
      nn_model_free (m);
    }
}

/* ---- Forward passes by hand ---------------------------------------------- */

/* W = [[1, 2, 3], [−1, 0, ½]] stored [out, in] as torch, b = (½, −1);
 * X = [[1, 1, 1], [2, −1, 0]]:
 *   Y = X·Wᵀ + b = [[6 + ½, −½ − 1], [0 + ½, −2 − 1]] = [[6.5, −1.5], [0.5, −3]].
 * Backward with dY = I: dW = dYᵀ·X = X, db = (1, 1), dX = dY·W = W. */
static void
test_linear (void)
{
  const float w[] = { 1, 2, 3, -1, 0, 0.5f, 0.5f, -1 };
  const float x[] = { 1, 1, 1, 2, -1, 0 };
  const float y_want[] = { 6.5f, -1.5f, 0.5f, -3 };
  const float dy[] = { 1, 0, 0, 1 };
  const float db_want[] = { 1, 1 };
  nn_model *m = build ("dense:2", 3, NN_LOSS_MSE, 2);
  const float *y;

  memcpy (nn_model_params (m), w, sizeof w);
  y = nn_model_forward (m, x, 2, NN_MODE_EVAL, NULL);
  g_assert_cmpmem (y, sizeof y_want, y_want, sizeof y_want);
  /* A batch of one row reads only that row. */
  y = nn_model_forward (m, x + 3, 1, NN_MODE_EVAL, NULL);
  g_assert_cmpmem (y, 2 * sizeof (float), y_want + 2, 2 * sizeof (float));

  nn_model_set_input_grad (m, true);
  nn_model_forward (m, x, 2, NN_MODE_TRAIN, NULL);
  memcpy (nn_model_output_grad (m), dy, sizeof dy);
  nn_model_backward (m);
  g_assert_cmpmem (nn_model_grads (m), sizeof x, x, sizeof x);
  g_assert_cmpmem (nn_model_grads (m) + 6, sizeof db_want, db_want, sizeof db_want);
  g_assert_cmpmem (nn_model_input_grad (m, 0), 6 * sizeof (float), w, 6 * sizeof (float));
  nn_model_free (m);
}

/* BatchNorm1d(2) in training mode on four rows, γ = (2, ½), β = (0.1, −0.3):
 *   feature 0: x = (1, 2, 3, 4),  μ = 2.5, biased σ² = (2.25 + .25 + .25 + 2.25)/4 = 1.25,
 *              unbiased 5/4 · 4/3 = 5/3;
 *   feature 1: x = (−1, 0, 0, 5), μ = 1,   biased σ² = (4 + 1 + 1 + 16)/4 = 5.5,
 *              unbiased 22/3.
 * y = γ·(x − μ)/√(σ² + 1e-5) + β, normalised with the biased variance:
 *   feature 0: (−2.58327084, −0.79442361, 0.99442361, 2.78327084)
 *   feature 1: (−0.72640105, −0.51320052, −0.51320052, 0.55280209)
 * Running statistics move by momentum 0.1 towards μ and the UNBIASED σ²:
 *   mean 0.9·0 + 0.1·(2.5, 1) = (0.25, 0.1),
 *   var  0.9·1 + 0.1·(5/3, 22/3) = (1.0666667, 1.6333333);
 * and after the same batch again (0.475, 0.19), (1.1266667, 2.2033333). */
static void
test_batchnorm_train (void)
{
  const float x[] = { 1, -1, 2, 0, 3, 0, 4, 5 };
  const double y_want[] = {
    -2.5832708399378537, -0.7264010450740834, -0.794423613312618, -0.5132005225370417,
    0.994423613312618, -0.5132005225370417, 2.783270839937854, 0.5528020901481667,
  };
  const double run1[] = { 0.25, 0.1, 0.9 + 0.1 * 5 / 3.0, 0.9 + 0.1 * 22 / 3.0 };
  const double run2[] = {
    0.475, 0.19, 0.9 * run1[2] + 0.1 * 5 / 3.0, 0.9 * run1[3] + 0.1 * 22 / 3.0,
  };
  nn_model *m = build ("batchnorm,dense:2", 2, NN_LOSS_CE, 4);
  float *p = nn_model_params (m), *running = nn_model_buffers (m);
  const float *y;
  nn_rng rng;

  nn_model_init_params (m, 1);
  p[0] = 2.0f;
  p[1] = 0.5f;
  p[2] = 0.1f;
  p[3] = -0.3f;
  nn_rng_seed (&rng, 1);
  nn_model_forward (m, x, 4, NN_MODE_TRAIN, &rng);
  y = nn_model_activation (m, 0);
  /* float arithmetic on values near 1: 1e-6 relative. */
  for (int i = 0; i < 8; i++)
    assert_rel (y[i], y_want[i], 1e-6);
  for (int j = 0; j < 4; j++)
    assert_rel (running[j], run1[j], 1e-6);
  nn_model_forward (m, x, 4, NN_MODE_TRAIN, &rng);
  for (int j = 0; j < 4; j++)
    assert_rel (running[j], run2[j], 1e-6);
  nn_model_free (m);
}

/* In evaluation mode batch norm uses the running statistics, here set to
 * mean (½, −1) and variance (4, ¼), and leaves them alone:
 *   row (1, −1): 2·(½)/√(4 + 1e-5) + 0.1 = 0.59999938, ½·0 − 0.3 = −0.3
 *   row (3, 0):  2·(2.5)/√(4 + 1e-5) + 0.1 = 2.59999688,
 *                ½·1/√(0.25 + 1e-5) − 0.3 = 0.69998000 */
static void
test_batchnorm_eval (void)
{
  const float x[] = { 1, -1, 3, 0 };
  const float stats[] = { 0.5f, -1, 4, 0.25f };
  nn_model *m = build ("batchnorm,dense:2", 2, NN_LOSS_CE, 4);
  float *p = nn_model_params (m), *running = nn_model_buffers (m);
  const float *y;

  nn_model_init_params (m, 1);
  p[0] = 2.0f;
  p[1] = 0.5f;
  p[2] = 0.1f;
  p[3] = -0.3f;
  memcpy (running, stats, sizeof stats);
  nn_model_forward (m, x, 2, NN_MODE_EVAL, NULL);
  y = nn_model_activation (m, 0);
  assert_rel (y[0], 1.0 / sqrt (4.00001) + 0.1, 1e-6);
  assert_rel (y[1], -0.3, 1e-6);
  assert_rel (y[2], 5.0 / sqrt (4.00001) + 0.1, 1e-6);
  assert_rel (y[3], 0.5 / sqrt (0.25001) - 0.3, 1e-6);
  g_assert_cmpmem (running, sizeof stats, stats, sizeof stats);
  nn_model_free (m);
}

/* ---- Dropout --------------------------------------------------------------- */

enum { DROP_IN = 250, DROP_ROWS = 80, DROP_COUNT = DROP_IN * DROP_ROWS };
#define DROP_BYTES (DROP_COUNT * sizeof (float))

static float *
dropout_input (void)
{
  float *x = g_new (float, DROP_COUNT);

  for (size_t i = 0; i < DROP_COUNT; i++)
    x[i] = 1.0f + (float) (i % 7);
  return x;
}

/* Inverted dropout in training: each entry is zeroed with probability p or
 * scaled by 1/(1 − p), so E[y] = x. Over 20000 entries the kept fraction
 * has standard error √(0.7·0.3/20000) = 0.0032, and the mean of y/x (per
 * entry variance 1/0.7 − 1 = 0.43) 0.0046: tolerances 0.016 and 0.025 are
 * five standard errors. The backward multiplies by the same mask. */
static void
test_dropout_train (void)
{
  nn_model *m = build ("dropout:0.3,dense:2", DROP_IN, NN_LOSS_CE, DROP_ROWS);
  float *x = dropout_input ();
  float keep = 1.0f / (1.0f - 0.3f);
  float *first;
  size_t kept = 0;
  double ratio = 0.0;
  const float *y, *dy, *dx;
  nn_rng rng;

  nn_model_init_params (m, 1);
  nn_model_set_input_grad (m, true);
  nn_rng_seed (&rng, 7);
  nn_model_forward (m, x, DROP_ROWS, NN_MODE_TRAIN, &rng);
  y = nn_model_activation (m, 0);
  for (size_t i = 0; i < DROP_COUNT; i++)
    {
      if (y[i] != 0.0f)
        {
          g_assert_cmpfloat (y[i], ==, x[i] * keep);
          kept++;
        }
      ratio += y[i] / x[i];
    }
  g_test_message ("kept %.4f, mean y/x %.4f", (double) kept / DROP_COUNT, ratio / DROP_COUNT);
  g_assert_cmpfloat (fabs ((double) kept / DROP_COUNT - 0.7), <, 0.016);
  g_assert_cmpfloat (fabs (ratio / DROP_COUNT - 1.0), <, 0.025);

  for (size_t i = 0; i < 2 * DROP_ROWS; i++)
    nn_model_output_grad (m)[i] = (float) i / 32.0f - 1.0f;
  nn_model_backward (m);
  dy = nn_model_input_grad (m, 1);
  dx = nn_model_input_grad (m, 0);
  for (size_t i = 0; i < DROP_COUNT; i++)
    g_assert_cmpfloat (dx[i], ==, y[i] == 0.0f ? 0.0f : dy[i] * keep);

  /* The masks come from the generator: the same seed draws the same ones, a
   * new draw others. */
  first = g_memdup2 (y, DROP_BYTES);
  nn_rng_seed (&rng, 7);
  nn_model_forward (m, x, DROP_ROWS, NN_MODE_TRAIN, &rng);
  g_assert_cmpmem (nn_model_activation (m, 0), DROP_BYTES, first, DROP_BYTES);
  nn_model_forward (m, x, DROP_ROWS, NN_MODE_TRAIN, &rng);
  g_assert_true (memcmp (nn_model_activation (m, 0), first, DROP_BYTES) != 0);
  g_free (first);
  g_free (x);
  nn_model_free (m);
}

/* Evaluation is the identity, and so is p = 0 in training, both ways. */
static void
test_dropout_identity (void)
{
  float *x = dropout_input ();
  nn_model *m = build ("dropout:0.5,dense:2", DROP_IN, NN_LOSS_CE, DROP_ROWS);
  nn_model *z = build ("dropout:0,dense:2", DROP_IN, NN_LOSS_CE, DROP_ROWS);
  nn_rng rng;

  nn_model_init_params (m, 1);
  nn_model_forward (m, x, DROP_ROWS, NN_MODE_EVAL, NULL);
  g_assert_cmpmem (nn_model_activation (m, 0), DROP_BYTES, x, DROP_BYTES);

  nn_model_init_params (z, 1);
  nn_model_set_input_grad (z, true);
  nn_rng_seed (&rng, 7);
  nn_model_forward (z, x, DROP_ROWS, NN_MODE_TRAIN, &rng);
  g_assert_cmpmem (nn_model_activation (z, 0), DROP_BYTES, x, DROP_BYTES);
  for (size_t i = 0; i < 2 * DROP_ROWS; i++)
    nn_model_output_grad (z)[i] = 1.0f - (float) i / 64.0f;
  nn_model_backward (z);
  g_assert_cmpmem (nn_model_input_grad (z, 0), DROP_BYTES, nn_model_input_grad (z, 1), DROP_BYTES);
  g_free (x);
  nn_model_free (m);
  nn_model_free (z);
}

/* ---- Initialisers ---------------------------------------------------------- */

/* A layer of 400 inputs and 500 outputs: 200000 weights. The standard error
 * of their mean is σ/447, of their standard deviation σ·0.0016 (normal) or
 * σ·0.0010 (uniform), of a fraction 0.0011. The tolerances below — mean
 * within 0.01σ, standard deviation within 1 %, fractions within 0.01 — are
 * 4.5 to 10 standard errors. The 500 biases of the default initialiser get
 * 10 % on their standard deviation (5 standard errors of 0.02). */
enum { INIT_IN = 400, INIT_OUT = 500, INIT_N = INIT_IN * INIT_OUT };

typedef struct
{
  const char   *name;
  nn_init       init;
  nn_activation act;
  bool          uniform;
  double        scale;   /* the bound (uniform) or standard deviation (normal) */
} init_case;

static const init_case init_cases[] = {
  /* torch.nn.Linear: kaiming_uniform_(a = √5) = U(±1/√fan_in), bias U(±1/√fan_in) */
  { "default", NN_INIT_DEFAULT, NN_ACT_RELU, true, 0.05 },
  /* √(6 / (400 + 500)) */
  { "xavier_uniform", NN_INIT_XAVIER_UNIFORM, NN_ACT_TANH, true, 0.08164965809277261 },
  /* √(2 / 900) */
  { "xavier_normal", NN_INIT_XAVIER_NORMAL, NN_ACT_TANH, false, 0.04714045207910317 },
  /* gain √2: √2·√(3/400) = √(6/400) */
  { "he_uniform", NN_INIT_HE_UNIFORM, NN_ACT_RELU, true, 0.12247448713915890 },
  /* √2/√400 */
  { "he_normal", NN_INIT_HE_NORMAL, NN_ACT_RELU, false, 0.07071067811865475 },
  /* gain √(2/(1 + 0.01²)): √(2/1.0001/400) */
  { "he_normal-leaky_relu", NN_INIT_HE_NORMAL, NN_ACT_LEAKY_RELU, false, 0.07070714284989177 },
  /* gain 5/3 for tanh: 5/3·√(3/400) */
  { "he_uniform-tanh", NN_INIT_HE_UNIFORM, NN_ACT_TANH, true, 0.14433756729740643 },
  /* 1/√400 */
  { "lecun_normal", NN_INIT_LECUN_NORMAL, NN_ACT_SIGMOID, false, 0.05 },
  { "zeros", NN_INIT_ZEROS, NN_ACT_RELU, true, 0.0 },
};

/* Checks @count draws of U(±scale) or N(0, scale²). */
static void
assert_distribution (const float *a,
                     size_t       count,
                     bool         uniform,
                     double       scale,
                     double       std_tol)
{
  double sum = 0.0, sq = 0.0, maxabs = 0.0, mean, sd, sigma;
  size_t inner = 0;

  sigma = uniform ? scale / sqrt (3.0) : scale;
  for (size_t i = 0; i < count; i++)
    {
      sum += a[i];
      sq += (double) a[i] * a[i];
      maxabs = fmax (maxabs, fabs (a[i]));
      /* |w| < b/2 for U(±b) (½ of the mass) or |w| < σ for normal (0.6827) */
      inner += fabs (a[i]) < (uniform ? scale / 2 : scale);
    }
  mean = sum / (double) count;
  sd = sqrt (sq / (double) count - mean * mean);
  g_test_message ("mean %.3g σ, sd/σ %.5f, max/scale %.4f, inner %.4f", mean / sigma,
                  sd / sigma, maxabs / scale, (double) inner / (double) count);
  g_assert_cmpfloat (fabs (mean), <, 0.01 * sigma * sqrt (INIT_N / (double) count));
  g_assert_cmpfloat (fabs (sd / sigma - 1.0), <, std_tol);
  if (uniform)
    {
      g_assert_cmpfloat (maxabs, <=, scale);
      /* P(all of 500 below 0.95·b) = 0.95⁵⁰⁰ ≈ 7e-12 */
      g_assert_cmpfloat (maxabs, >, 0.95 * scale);
    }
  else
    g_assert_cmpfloat (maxabs, <, 6.5 * scale);
  if (count == INIT_N)
    g_assert_cmpfloat (fabs ((double) inner / count - (uniform ? 0.5 : 0.6826894921370859)), <,
                       0.01);
}

static void
test_init (gconstpointer data)
{
  const init_case *c = data;
  float *w = g_new (float, INIT_N), b[INIT_OUT];
  nn_rng rng;

  nn_rng_seed (&rng, 2024);
  nn_init_dense (c->init, c->act, INIT_IN, INIT_OUT, w, b, &rng);
  if (c->init == NN_INIT_ZEROS)
    {
      for (size_t i = 0; i < INIT_N; i++)
        g_assert_cmpfloat (w[i], ==, 0.0f);
    }
  else
    assert_distribution (w, INIT_N, c->uniform, c->scale, 0.01);
  if (c->init == NN_INIT_DEFAULT)
    assert_distribution (b, INIT_OUT, true, c->scale, 0.1);
  else
    for (size_t j = 0; j < INIT_OUT; j++)
      g_assert_cmpfloat (b[j], ==, 0.0f);
  g_free (w);
}

/* AUTO is He normal before the ReLU family and Xavier uniform before
 * sigmoid, tanh or nothing; a dense layer without activation takes the
 * activation layer that follows it. Through a model, the first two layers'
 * weights carry the resolved distributions. */
static void
test_init_auto (void)
{
  static const nn_init want[] = {
    NN_INIT_HE_NORMAL, NN_INIT_XAVIER_UNIFORM, NN_INIT_XAVIER_UNIFORM, NN_INIT_HE_NORMAL,
    NN_INIT_XAVIER_UNIFORM, NN_INIT_DEFAULT,
  };
  nn_model *m = build ("dense:500:relu,dense:500:tanh,dense:30,dense:20,gelu,dense:20:sigmoid,"
                       "dense:10:elu:default,dense:3", INIT_IN, NN_LOSS_CE, 1);
  size_t lin = 0;

  g_assert_cmpint (nn_init_resolve (NN_INIT_AUTO, NN_ACT_RELU), ==, NN_INIT_HE_NORMAL);
  g_assert_cmpint (nn_init_resolve (NN_INIT_AUTO, NN_ACT_LEAKY_RELU), ==, NN_INIT_HE_NORMAL);
  g_assert_cmpint (nn_init_resolve (NN_INIT_AUTO, NN_ACT_ELU), ==, NN_INIT_HE_NORMAL);
  g_assert_cmpint (nn_init_resolve (NN_INIT_AUTO, NN_ACT_GELU), ==, NN_INIT_HE_NORMAL);
  g_assert_cmpint (nn_init_resolve (NN_INIT_AUTO, NN_ACT_SIGMOID), ==, NN_INIT_XAVIER_UNIFORM);
  g_assert_cmpint (nn_init_resolve (NN_INIT_AUTO, NN_ACT_TANH), ==, NN_INIT_XAVIER_UNIFORM);
  g_assert_cmpint (nn_init_resolve (NN_INIT_AUTO, NN_ACT_IDENTITY), ==, NN_INIT_XAVIER_UNIFORM);
  g_assert_cmpint (nn_init_resolve (NN_INIT_LECUN_NORMAL, NN_ACT_RELU), ==, NN_INIT_LECUN_NORMAL);
  g_assert_cmpint (nn_init_resolve (NN_INIT_ZEROS, NN_ACT_TANH), ==, NN_INIT_ZEROS);

  for (size_t i = 0; i < nn_model_n_ops (m); i++)
    if (nn_model_op (m, i)->kind == NN_OP_LINEAR && lin < G_N_ELEMENTS (want))
      g_assert_cmpint (nn_model_op (m, i)->init, ==, want[lin++]);
  g_assert_cmpint (nn_model_op (m, nn_model_n_ops (m) - 1)->init, ==, NN_INIT_XAVIER_UNIFORM);

  nn_model_init_params (m, 11);
  /* Linear(400→500) before ReLU: N(0, 2/400); Linear(500→500) before tanh:
   * U(±√(6/1000)); biases zero. */
  assert_distribution (nn_model_params (m), INIT_N, false, sqrt (2.0 / 400), 0.01);
  assert_distribution (nn_model_params (m) + INIT_N + 500, 250000, true, sqrt (6.0 / 1000), 0.01);
  for (size_t j = 0; j < 500; j++)
    g_assert_cmpfloat (nn_model_params (m)[INIT_N + j], ==, 0.0f);
  nn_model_free (m);
}

static void
test_init_names (void)
{
  static const char *const names[] = {
    "auto", "default", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
    "lecun_normal", "zeros",
  };
  /* identity relu leaky_relu elu gelu sigmoid tanh */
  const double gains[NN_ACT_COUNT] = {
    1, G_SQRT2, sqrt (2 / 1.0001), G_SQRT2, G_SQRT2, 1, 5 / 3.0,
  };
  nn_init init = NN_INIT_COUNT;

  for (int i = 0; i < NN_INIT_COUNT; i++)
    {
      g_assert_cmpstr (nn_init_name ((nn_init) i), ==, names[i]);
      g_assert_true (nn_init_from_name (names[i], &init));
      g_assert_cmpint (init, ==, i);
    }
  g_assert_false (nn_init_from_name ("kaiming_normal", &init));
  g_assert_cmpstr (nn_init_name (NN_INIT_COUNT), ==, "unknown");

  /* torch.nn.init.calculate_gain; the float slope 0.01f is 0.01 to 2e-10. */
  for (int a = NN_ACT_IDENTITY; a < NN_ACT_COUNT; a++)
    g_assert_cmpfloat_with_epsilon (nn_init_gain ((nn_activation) a), gains[a], 1e-9);
}

/* ---- Gradient checks ------------------------------------------------------- */

/* eps = 1e-3 in float32: the loss (~1, summed in double from float
 * outputs) carries ~1e-7 of float rounding per forward, which over 2·eps
 * is ~5e-5 absolute in a numeric gradient whose largest entries are ~1e-2
 * to 1e-1 — a relative error of 1e-3 at worst; the truncation eps²/6·f''' is
 * far below. 1e-2 leaves a margin of about ten over that estimate, while a
 * wrong derivative (a missing factor, a wrong sign, a wrong variance) gives
 * errors of order 1. */
#define GRADCHECK_TOL 1e-2

/* ReLU and LeakyReLU have a kink at 0, where a central difference that
 * straddles it sees half the slope change (error ~0.5). The checks move a
 * pre-activation by at most eps times a weight, an input or batch norm's
 * 1/σ — well under 0.02 here — so data are redrawn until every input of
 * those two lies at least that far from 0. ELU (C¹ at 0 with α = 1) and the
 * rest are smooth enough for a central difference everywhere. */
#define KINK_MARGIN 0.02

enum { GC_ROWS = 6, GC_INPUTS = 4 };

typedef struct
{
  const char *name;
  const char *layers;
  nn_loss     loss;
  bool        targets;  /* float targets instead of class ids */
} gc_case;

static bool
clear_of_kinks (nn_model                  *m,
                const float               *x,
                const nn_gradcheck_params *gp)
{
  nn_rng rng;

  /* The same training forward (and dropout masks) as the check's. */
  nn_rng_seed (&rng, gp->seed);
  nn_model_forward (m, x, GC_ROWS, NN_MODE_TRAIN, &rng);
  for (size_t i = 0; i < nn_model_n_ops (m); i++)
    {
      const nn_op *op = nn_model_op (m, i);
      const float *in = i == 0 ? x : nn_model_activation (m, i - 1);

      if (op->kind != NN_OP_ACTIVATION
          || (op->act != NN_ACT_RELU && op->act != NN_ACT_LEAKY_RELU))
        continue;
      for (size_t j = 0; j < GC_ROWS * op->in; j++)
        if (fabs (in[j]) < KINK_MARGIN)
          return false;
    }
  return true;
}

static void
test_gradcheck (gconstpointer data)
{
  const gc_case *c = data;
  nn_model *m = build (c->layers, GC_INPUTS, c->loss, GC_ROWS);
  nn_gradcheck_params gp = nn_gradcheck_params_default ();
  size_t k = nn_model_outputs (m), n_ops = nn_model_n_ops (m);
  /* BCE with one output learns two classes. */
  size_t classes = k == 1 ? 2 : k;
  float x[GC_ROWS * GC_INPUTS], t[GC_ROWS * 8];
  int32_t y[GC_ROWS];
  nn_gradcheck_op result[16];
  nn_error err = { 0 };
  nn_rng rng;
  int tries = 0;

  g_assert_cmpuint (n_ops, <=, G_N_ELEMENTS (result));
  gp.per_tensor = 0;  /* every entry: the networks are small */
  nn_model_init_params (m, 5);
  nn_rng_seed (&rng, 99);
  do
    {
      g_assert_cmpint (++tries, <, 100);
      for (size_t i = 0; i < G_N_ELEMENTS (x); i++)
        x[i] = (float) nn_rng_normal (&rng);
    }
  while (!clear_of_kinks (m, x, &gp));
  for (size_t r = 0; r < GC_ROWS; r++)
    y[r] = (int32_t) (r % classes);
  for (size_t i = 0; i < GC_ROWS * k; i++)
    t[i] = c->loss == NN_LOSS_BCE ? (float) nn_rng_uniform (&rng) : (float) nn_rng_normal (&rng);

  g_assert_cmpint (nn_gradcheck (m, x, c->targets ? NULL : y, c->targets ? t : NULL, GC_ROWS,
                                 &gp, result, &err), ==, NN_OK);
  for (size_t i = 0; i < n_ops; i++)
    {
      const nn_op *op = nn_model_op (m, i);
      char desc[64];

      nn_model_describe_op (m, i, desc, sizeof desc);
      g_test_message ("layers.%zu %s: params %.3g, input %.3g", i, desc, result[i].param_error,
                      result[i].input_error);
      /* Parameters are checked where there are some; every op's input,
       * the data included, since the check asks for the input gradient. */
      g_assert_cmpint (isnan (result[i].param_error), ==, op->n_params == 0);
      g_assert_false (isnan (result[i].input_error));
      if (!(result[i].max_error < GRADCHECK_TOL))
        g_error ("%s: layers.%zu %s has relative error %.3g", c->name, i, desc,
                 result[i].max_error);
      /* Differences within the resolution count as agreement: here it is
       * far below the gradients, so a wrong one would still show. */
      g_assert_cmpint (nn_gradcheck_judge (&result[i], GRADCHECK_TOL), ==, NN_GRADCHECK_PASS);
      g_assert_cmpfloat (result[i].resolution, <, 1e-3);
    }
  g_test_message ("%s: data drawn %d times", c->name, tries);
  nn_model_free (m);
}

static const gc_case gc_cases[] = {
  { "relu", "dense:6:relu,dense:3", NN_LOSS_CE, false },
  { "leaky_relu", "dense:6:leaky_relu,dense:3", NN_LOSS_CE, false },
  { "elu", "dense:6:elu,dense:3", NN_LOSS_CE, false },
  { "gelu", "dense:6:gelu,dense:3", NN_LOSS_CE, false },
  { "sigmoid", "dense:6:sigmoid,dense:3", NN_LOSS_CE, false },
  { "tanh", "dense:6:tanh,dense:3", NN_LOSS_CE, false },
  { "linear-ce", "dense:3", NN_LOSS_CE, false },
  { "bce-one-output", "dense:5:tanh,dense:1", NN_LOSS_BCE, false },
  { "bce-two-outputs", "dense:5:relu,dense:2", NN_LOSS_BCE, false },
  { "bce-multi-output", "dense:5:gelu,dense:3", NN_LOSS_BCE, false },
  { "bce-targets", "dense:5:sigmoid,dense:2", NN_LOSS_BCE, true },
  { "mse-classes", "dense:5:leaky_relu,dense:3", NN_LOSS_MSE, false },
  { "mse-targets", "dense:5:tanh,dense:2", NN_LOSS_MSE, true },
  { "linear-mse", "dense:2", NN_LOSS_MSE, true },
  { "dropout", "dense:8:relu,dropout:0.3,dense:3", NN_LOSS_CE, false },
  { "dropout-first", "dropout:0.5,dense:6:tanh,dense:3", NN_LOSS_CE, false },
  { "batchnorm", "dense:8,batchnorm,relu,dense:3", NN_LOSS_CE, false },
  { "batchnorm-first", "batchnorm,dense:6:elu,dense:2", NN_LOSS_MSE, true },
  { "activation-layers", "sigmoid,dense:6,leaky_relu,dense:3", NN_LOSS_CE, false },
  { "deep", "dense:8:gelu,dropout:0.2,batchnorm,dense:6:relu,batchnorm,tanh,dense:5:elu,"
    "dense:3", NN_LOSS_CE, false },
};

/* Linear(1→1) with weight @w and bias @b fed x = 1, then ReLU, then
 * Linear(1→2) with weights (1, −1), so that the loss depends on the ReLU's
 * output; checked on that one row, every entry. */
static void
check_kink_model (float            w,
                  float            b,
                  gboolean         skip_kinks,
                  nn_gradcheck_op *r)
{
  nn_model *m = build ("dense:1,relu,dense:2", 1, NN_LOSS_CE, 1);
  nn_gradcheck_params gp = nn_gradcheck_params_default ();
  const float params[] = { w, b, 1, -1, 0, 0 };
  const float x = 1.0f;
  const int32_t y = 0;

  memcpy (nn_model_params (m), params, sizeof params);
  gp.per_tensor = 0;
  gp.skip_kinks = skip_kinks;
  g_assert_cmpint (nn_gradcheck (m, &x, &y, NULL, 1, &gp, r, NULL), ==, NN_OK);
  g_test_message ("Linear %.3g / %.3g, ReLU %.3g, Linear %.3g", r[0].param_error,
                  r[0].input_error, r[1].max_error, r[2].max_error);
  nn_model_free (m);
}

/* The check can fail. At a ReLU input of exactly 0 (w = 1, b = −1), backprop
 * takes the subgradient 0 (as torch does) while the central difference sees
 * (relu(eps) − relu(−eps))/2eps = ½: the relative error is 1, for the ReLU's
 * input and for the Linear's parameters behind it. By default such entries,
 * whose ±eps straddles the kink, are left out and counted instead. */
static void
test_gradcheck_detects_kink (void)
{
  nn_gradcheck_op r[3];

  check_kink_model (1.0f, -1.0f, FALSE, r);
  g_assert_cmpfloat (r[0].param_error, >, 0.9);
  g_assert_cmpfloat (r[1].input_error, >, 0.9);
  g_assert_cmpfloat (r[2].max_error, <, GRADCHECK_TOL);
  g_assert_cmpuint (r[0].skipped, ==, 0);

  check_kink_model (1.0f, -1.0f, TRUE, r);
  /* w, b and the Linear's input x all straddle it; nothing else does. */
  g_assert_true (isnan (r[0].param_error));
  g_assert_true (isnan (r[0].input_error));
  g_assert_cmpuint (r[0].skipped, ==, 3);
  g_assert_cmpuint (r[0].checked, ==, 0);
  g_assert_true (isnan (r[1].input_error));
  g_assert_cmpuint (r[1].skipped, ==, 1);
  g_assert_cmpfloat (r[2].max_error, <, GRADCHECK_TOL);
  g_assert_cmpuint (r[2].skipped, ==, 0);
  g_assert_cmpuint (r[2].checked, ==, 5);
}

/* The resolution in closed form: one Linear(1→1) fed x = 1 with squared
 * error against t, so the output is o = w + b, ∂loss/∂o = 2(o − t), and the
 * output is the only tensor the forward computes: resolution =
 * 4 · 2⁻²³ · |o · 2(o − t)| / eps. */
static void
test_gradcheck_resolution (void)
{
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 1);
  nn_gradcheck_params gp = nn_gradcheck_params_default ();
  const float params[] = { 1.5f, 0.25f }, x = 1.0f, t = -0.5f;
  double o = 1.75, want = 4.0 * FLT_EPSILON * fabs (o * 2.0 * (o - t)) / gp.eps;
  nn_gradcheck_op r[1];

  memcpy (nn_model_params (m), params, sizeof params);
  gp.per_tensor = 0;
  g_assert_cmpint (nn_gradcheck (m, &x, NULL, &t, 1, &gp, r, NULL), ==, NN_OK);
  assert_rel (r[0].resolution, want, 1e-6);
  g_assert_cmpuint (r[0].checked, ==, 3);
  g_assert_cmpuint (r[0].unresolved, ==, 0);
  g_assert_cmpint (nn_gradcheck_judge (&r[0], GRADCHECK_TOL), ==, NN_GRADCHECK_PASS);
  /* Halving the step doubles it. */
  gp.eps /= 2;
  g_assert_cmpint (nn_gradcheck (m, &x, NULL, &t, 1, &gp, r, NULL), ==, NN_OK);
  assert_rel (r[0].resolution, 2 * want, 1e-6);
  nn_model_free (m);
}

/* Gradients that vanish below what float32 differences resolve. In a
 * stack of nine Sigmoid layers the first layers' gradients are about 10⁻⁶
 * while a forward pass rounds the loss by about 10⁻⁷, so a central
 * difference over 2·10⁻³ cannot see them: compared as they are, every
 * early layer fails by a relative error near 1. They are reported
 * unresolved instead, and the late layers, well above the resolution, are
 * checked and pass. */
static void
test_gradcheck_vanishing (void)
{
  nn_model *m = build ("dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,"
                       "dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,"
                       "dense:16:sigmoid,dense:3", 2, NN_LOSS_CE, 16);
  nn_gradcheck_params gp = nn_gradcheck_params_default ();
  size_t n_ops = nn_model_n_ops (m);
  nn_gradcheck_op r[19];
  float x[32];
  int32_t y[16];
  nn_rng rng;

  g_assert_cmpuint (n_ops, ==, G_N_ELEMENTS (r));
  nn_model_init_params (m, 1);
  nn_rng_seed (&rng, 3);
  for (size_t i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) nn_rng_normal (&rng);
  for (size_t i = 0; i < G_N_ELEMENTS (y); i++)
    y[i] = (int32_t) (i % 3);
  g_assert_cmpint (nn_gradcheck (m, x, y, NULL, 16, &gp, r, NULL), ==, NN_OK);
  for (size_t i = 0; i < n_ops; i++)
    {
      g_test_message ("layers.%zu: error %.3g, %zu of %zu unresolved", i, r[i].max_error,
                      r[i].unresolved, r[i].checked);
      g_assert_cmpint (nn_gradcheck_judge (&r[i], GRADCHECK_TOL), !=, NN_GRADCHECK_FAIL);
    }
  g_assert_cmpfloat (r[0].resolution, >, 0);
  g_assert_cmpint (nn_gradcheck_judge (&r[0], GRADCHECK_TOL), ==, NN_GRADCHECK_UNRESOLVED);
  g_assert_cmpint (nn_gradcheck_judge (&r[n_ops - 1], GRADCHECK_TOL), ==, NN_GRADCHECK_PASS);
  g_assert_cmpuint (r[n_ops - 1].unresolved, ==, 0);
  nn_model_free (m);
}

/* Each op is checked at the point backprop used. Here the ReLU input is
 * z = 4x − 3.998 = 0.002 (2·eps clear of the kink) but the Linear's own
 * input check moves it by ±4·eps and so straddles the kink (a real, large
 * error for that op). The ReLU's check must then start again from the clean
 * z, not from the last perturbed pass (z − 4·eps = −0.002, where the slope
 * is 0): its error must be small. */
static void
test_gradcheck_clean_inputs (void)
{
  nn_gradcheck_op r[3];

  check_kink_model (4.0f, -3.998f, FALSE, r);
  g_assert_cmpfloat (r[0].input_error, >, 0.1);
  g_assert_cmpfloat (r[0].param_error, <, GRADCHECK_TOL);
  g_assert_cmpfloat (r[1].max_error, <, GRADCHECK_TOL);
  g_assert_cmpfloat (r[2].max_error, <, GRADCHECK_TOL);
}

/* The check leaves parameters, gradients (those of its backprop pass) and
 * running statistics as a caller would expect, and refuses bad arguments. */
static void
test_gradcheck_state (void)
{
  nn_model *m = build ("dense:5,batchnorm,tanh,dense:3", 3, NN_LOSS_CE, 4);
  nn_gradcheck_params gp = nn_gradcheck_params_default ();
  const float x[] = { 0.5f, -1, 2, 1, 0, -0.5f, -2, 1.5f, 0.25f, 0.75f, -0.25f, 1 };
  const int32_t y[] = { 0, 1, 2, 1 };
  size_t np = nn_model_n_params (m), nb = nn_model_n_buffers (m);
  float *params, *buffers, *grads;
  nn_gradcheck_op r[4];
  nn_error err = { 0 };
  nn_rng rng;

  nn_model_init_params (m, 8);
  params = g_memdup2 (nn_model_params (m), np * sizeof (float));
  buffers = g_memdup2 (nn_model_buffers (m), nb * sizeof (float));
  g_assert_cmpint (nn_gradcheck (m, x, y, NULL, 4, &gp, r, &err), ==, NN_OK);
  g_assert_cmpmem (nn_model_params (m), np * sizeof (float), params, np * sizeof (float));
  g_assert_cmpmem (nn_model_buffers (m), nb * sizeof (float), buffers, nb * sizeof (float));

  /* The gradients left behind are backprop's for this batch. */
  grads = g_memdup2 (nn_model_grads (m), np * sizeof (float));
  nn_rng_seed (&rng, gp.seed);
  nn_loss_compute (NN_LOSS_CE, nn_model_forward (m, x, 4, NN_MODE_TRAIN, &rng), 4, 3, y, NULL,
                   nn_model_output_grad (m), NULL);
  nn_model_backward (m);
  g_assert_cmpmem (nn_model_grads (m), np * sizeof (float), grads, np * sizeof (float));

  g_assert_cmpint (nn_gradcheck (m, x, y, NULL, 0, &gp, r, &err), ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "the gradient check needs 1 to 4 rows");
  g_assert_cmpint (nn_gradcheck (m, x, y, NULL, 5, &gp, r, &err), ==, NN_ERR_INVALID);
  gp.eps = 0.0;
  g_assert_cmpint (nn_gradcheck (m, x, y, NULL, 4, &gp, r, &err), ==, NN_ERR_INVALID);
  g_assert_nonnull (strstr (err.msg, "finite-difference step must be in (0, 1)"));
  g_free (params);
  g_free (buffers);
  g_free (grads);
  nn_model_free (m);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/layers/expand", test_expand);
  g_test_add_func ("/engine/layers/segments", test_segments);
  g_test_add_func ("/engine/layers/count-params", test_count_params);
  g_test_add_func ("/engine/layers/linear", test_linear);
  g_test_add_func ("/engine/layers/batchnorm/train", test_batchnorm_train);
  g_test_add_func ("/engine/layers/batchnorm/eval", test_batchnorm_eval);
  g_test_add_func ("/engine/layers/dropout/train", test_dropout_train);
  g_test_add_func ("/engine/layers/dropout/identity", test_dropout_identity);
  for (size_t i = 0; i < G_N_ELEMENTS (init_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/layers/init/%s", init_cases[i].name);

      g_test_add_data_func (path, &init_cases[i], test_init);
    }
  g_test_add_func ("/engine/layers/init/auto", test_init_auto);
  g_test_add_func ("/engine/layers/init/names", test_init_names);
  for (size_t i = 0; i < G_N_ELEMENTS (gc_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/layers/gradcheck/%s", gc_cases[i].name);

      g_test_add_data_func (path, &gc_cases[i], test_gradcheck);
    }
  g_test_add_func ("/engine/layers/gradcheck/detects-kink", test_gradcheck_detects_kink);
  g_test_add_func ("/engine/layers/gradcheck/resolution", test_gradcheck_resolution);
  g_test_add_func ("/engine/layers/gradcheck/vanishing", test_gradcheck_vanishing);
  g_test_add_func ("/engine/layers/gradcheck/clean-inputs", test_gradcheck_clean_inputs);
  g_test_add_func ("/engine/layers/gradcheck/state", test_gradcheck_state);
  return g_test_run ();
}
