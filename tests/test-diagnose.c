/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The diagnosis: each kind of finding provoked on purpose by a small,
 * deterministic training run (a history fed from the trainer's callbacks,
 * as the window and the command line feed theirs), the thresholds on
 * histories built sample by sample, and the fixes. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "diagnose.h"
#include "generate.h"
#include "history.h"
#include "split.h"

enum { MAX_FINDINGS = 32 };

/* ---- Runs ------------------------------------------------------------------ */

typedef struct
{
  nn_dataset        *data;
  nn_dataset         train;
  nn_dataset         val;
  nn_model          *model;
  nn_history        *history;
  nn_trainer_params  params;
  nn_train_state     state;
  nn_finding         findings[MAX_FINDINGS];
  size_t             n;
} run;

static nn_trainer_params
params_of (nn_optimizer kind,
           double       lr,
           size_t       batch,
           int          epochs)
{
  nn_trainer_params p = nn_trainer_params_default ();

  p.opt = nn_optimizer_params_default (kind);
  p.opt.lr = lr;
  p.batch = batch;
  p.epochs = epochs;
  return p;
}

/* A run of @layers on @samples rows of the built-in set @gen (its default
 * noise unless @noise ≥ 0), @val of them held out for validation, with
 * @params; the model is built and initialised from params.seed, not yet
 * trained. */
static void
run_init (run                     *r,
          nn_generator             gen,
          size_t                   samples,
          double                   noise,
          double                   val,
          const char              *layers,
          const nn_trainer_params *params)
{
  nn_generate_params gp = nn_generate_params_default (gen);
  nn_split_params sp = nn_split_params_default ();
  nn_model_spec spec;
  nn_error err = { 0 };
  nn_split split;

  memset (r, 0, sizeof *r);
  r->params = *params;
  gp.samples = samples;
  if (noise >= 0.0)
    gp.noise = noise;
  r->data = nn_generate (&gp, &err);
  g_assert_nonnull (r->data);
  sp.val_fraction = val;
  sp.test_fraction = 0.0;
  g_assert_cmpint (nn_dataset_split (r->data, &sp, &split, &err), ==, NN_OK);
  r->train = nn_dataset_view (r->data, 0, split.train);
  r->val = nn_dataset_view (r->data, split.train, split.val);

  nn_model_spec_init (&spec);
  spec.inputs = r->data->d;
  spec.loss = gen == NN_GEN_SINE || gen == NN_GEN_PLANE ? NN_LOSS_MSE : NN_LOSS_CE;
  if (nn_model_spec_parse_layers (&spec, layers, &err) != NN_OK)
    g_error ("'%s': %s", layers, err.msg);
  r->model = nn_model_new (&spec, MAX (params->batch, split.train), &err);
  if (r->model == NULL)
    g_error ("'%s': %s", layers, err.msg);
  nn_model_init_params (r->model, params->seed);
  r->history = nn_history_new (nn_model_n_ops (r->model), &err);
  g_assert_nonnull (r->history);
}

static bool
history_step_cb (const nn_step_report *report,
                 void                 *user)
{
  nn_history_add_step (user, report);
  return true;
}

static bool
history_epoch_cb (const nn_epoch_report *report,
                  void                  *user)
{
  nn_history_add_epoch (user, report);
  return true;
}

static void
dump (const run *r)
{
  for (size_t i = 0; i < MIN (r->n, (size_t) MAX_FINDINGS); i++)
    {
      const nn_finding *f = &r->findings[i];

      g_test_message ("%s %s layer %d op %zd step %llu epoch %d fix %s '%s': %s | %s",
                      nn_finding_severity_name (f->severity), nn_finding_kind_name (f->kind),
                      f->layer, f->op == SIZE_MAX ? (gssize) -1 : (gssize) f->op,
                      (unsigned long long) f->step, f->epoch, nn_fix_name (f->fix),
                      f->fix_label, f->message, f->advice);
    }
}

/* Trains to the end, feeding the history as the window and the command
 * line do, and diagnoses. */
static void
run_train (run *r)
{
  nn_error err = { 0 };
  nn_trainer *t = nn_trainer_new (r->model, &r->params, &r->train,
                                  r->val.n > 0 ? &r->val : NULL, &err);

  if (t == NULL)
    g_error ("nn_trainer_new: %s", err.msg);
  nn_trainer_set_callbacks (t, history_step_cb, history_epoch_cb, r->history);
  r->state = nn_trainer_run (t);
  if (r->state == NN_TRAIN_DIVERGED)
    nn_history_set_divergence (r->history, nn_trainer_get_divergence (t));
  nn_trainer_free (t);
  r->n = nn_diagnose (r->history, r->model, &r->params, r->findings, MAX_FINDINGS);
  dump (r);
}

static void
run_clear (run *r)
{
  nn_history_free (r->history);
  nn_model_free (r->model);
  nn_dataset_free (r->data);
}

/* Multiplies the weights (not the biases) of linear op @i, or of every
 * linear op when @i is SIZE_MAX, by @factor. */
static void
scale_weights (nn_model *m,
               size_t    i,
               float     factor)
{
  float *w = nn_model_params (m);

  for (size_t k = 0; k < nn_model_n_ops (m); k++)
    {
      const nn_op *op = nn_model_op (m, k);

      if (op->kind == NN_OP_LINEAR && (i == SIZE_MAX || i == k))
        for (size_t j = 0; j < op->n_weights; j++)
          w[op->param_offset + j] *= factor;
    }
}

/* Sets every bias of linear op @i to @value. */
static void
set_biases (nn_model *m,
            size_t    i,
            float     value)
{
  const nn_op *op = nn_model_op (m, i);

  for (size_t j = op->n_weights; j < op->n_params; j++)
    nn_model_params (m)[op->param_offset + j] = value;
}

/* The finding of @kind about op @op (SIZE_MAX: none), or NULL. */
static const nn_finding *
find (const run       *r,
      nn_finding_kind  kind,
      size_t           op)
{
  for (size_t i = 0; i < MIN (r->n, (size_t) MAX_FINDINGS); i++)
    if (r->findings[i].kind == kind && r->findings[i].op == op)
      return &r->findings[i];
  return NULL;
}

static bool
has_kind (const run       *r,
          nn_finding_kind  kind)
{
  for (size_t i = 0; i < MIN (r->n, (size_t) MAX_FINDINGS); i++)
    if (r->findings[i].kind == kind)
      return true;
  return false;
}

static void
assert_contains (const char *msg,
                 const char *part)
{
  if (strstr (msg, part) == NULL)
    g_error ("message '%s' lacks '%s'", msg, part);
}

static void
assert_prefix (const char *msg,
               const char *prefix)
{
  if (!g_str_has_prefix (msg, prefix))
    g_error ("message '%s' does not start with '%s'", msg, prefix);
}

/* Applies @f's fix to the run's own settings; returns what it did. */
static bool
apply (const run         *r,
       const nn_finding  *f,
       nn_model_spec     *spec,
       nn_trainer_params *params)
{
  *spec = *nn_model_get_spec (r->model);
  *params = r->params;
  return nn_fix_apply (f, spec, params);
}

/* ---- Natural runs ------------------------------------------------------------ */

#define SIGMOID_10 "dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid," \
  "dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:16:sigmoid,dense:3"

/* Adam at its default rate with a sensible ReLU network, 50 epochs with a
 * validation part: nothing to say at all, on moons or on spiral. */
static void
test_healthy (void)
{
  static const struct { nn_generator gen; size_t samples; const char *layers; } cases[] = {
    { NN_GEN_MOONS, 500, "dense:16:relu,dense:16:relu,dense:2" },
    { NN_GEN_SPIRAL, 600, "dense:32:relu,dense:32:relu,dense:3" },
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      nn_trainer_params p = params_of (NN_OPT_ADAM, 1e-3, 32, 50);
      run r;

      run_init (&r, cases[c].gen, cases[c].samples, -1, 0.2, cases[c].layers, &p);
      run_train (&r);
      g_assert_cmpint (r.state, ==, NN_TRAIN_FINISHED);
      for (size_t i = 0; i < r.n; i++)
        g_assert_cmpint (r.findings[i].severity, ==, NN_FINDING_INFO);
      g_assert_cmpuint (r.n, ==, 0);
      run_clear (&r);
    }
}

/* Ten sigmoid layers (Xavier, as AUTO gives them): σ' ≤ ¼ shrinks the
 * gradient at every layer, and the first layer gets about 10⁻⁶ of the last
 * one's from the first step on. With the initial weights halved it is
 * 10⁻⁸, an error. */
static void
test_vanishing (void)
{
  for (int small = 0; small < 2; small++)
    {
      nn_trainer_params p = params_of (NN_OPT_SGD, 0.1, 32, 10);
      const nn_finding *f;
      nn_trainer_params fixed;
      nn_model_spec spec;
      run r;

      run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.0, SIGMOID_10, &p);
      if (small)
        scale_weights (r.model, SIZE_MAX, 0.5f);
      run_train (&r);
      f = find (&r, NN_FINDING_VANISHING, 0);
      g_assert_nonnull (f);
      g_assert_cmpint (f->severity, ==, small ? NN_FINDING_ERROR : NN_FINDING_WARNING);
      g_assert_cmpint (f->layer, ==, 0);
      g_assert_cmpuint (f->step, ==, 1);
      g_assert_cmpint (f->epoch, ==, 0);
      g_assert_cmpfloat (f->evidence[1], <, small ? 1e-6 : 1e-3);
      g_assert_cmpfloat (f->evidence[1], >=, small ? 1e-9 : 1e-6);
      g_assert_cmpfloat_with_epsilon (f->evidence[0], f->evidence[1] * f->evidence[2],
                                      1e-9 * f->evidence[0]);
      assert_prefix (f->message, "Gradients vanish toward the input: layers.0 (Linear(2→16)) "
                     "in layer 1 gets ");
      assert_contains (f->message, small ? "about 10⁻⁸ times the last layer's"
                       : "about 10⁻⁶ times the last layer's");
      assert_contains (f->message, "(since step 1)");
      g_assert_cmpstr (f->advice, ==, "Use ReLU with He initialisation, or add batch "
                       "normalisation: Sigmoid squashes the gradient at every layer.");
      g_assert_cmpint (f->fix, ==, NN_FIX_HE_INIT);
      g_assert_cmpstr (f->fix_label, ==, "Use He initialisation for layer 1");
      /* Only the earliest layer is named. */
      for (size_t i = 1; i < nn_model_n_ops (r.model); i++)
        g_assert_null (find (&r, NN_FINDING_VANISHING, i));
      g_assert_true (apply (&r, f, &spec, &fixed));
      g_assert_cmpint (spec.layers[0].init, ==, NN_INIT_HE_NORMAL);
      g_assert_cmpint (spec.layers[0].activation, ==, NN_ACT_SIGMOID);
      g_assert_cmpuint (spec.n_layers, ==, 10);
      run_clear (&r);
    }
}

/* Full-batch gradient descent on a linear regression a little above the
 * largest stable rate: every step overshoots further, and the gradient
 * norm grows geometrically. The trainer's divergence guard (a loss 10⁴
 * times the first) would stop the run when the gradient had grown some
 * 100-fold; with it off the run goes on, as one with a finite but
 * exploding loss does. */
static void
test_exploding (void)
{
  nn_trainer_params p = params_of (NN_OPT_GD, 1.05, 0, 100), fixed;
  const nn_finding *f;
  nn_model_spec spec;
  run r;

  p.divergence_factor = 0.0;
  run_init (&r, NN_GEN_PLANE, 200, -1, 0.0, "dense:1", &p);
  run_train (&r);
  g_assert_cmpint (r.state, ==, NN_TRAIN_FINISHED);
  f = find (&r, NN_FINDING_EXPLODING, SIZE_MAX);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpint (f->layer, ==, -1);
  g_assert_cmpuint (f->step, ==, 60);
  g_assert_cmpfloat (f->evidence[0], >=, 1e3);
  g_assert_cmpfloat (f->evidence[0], <, 1e4);
  assert_prefix (f->message, "Gradients explode: the gradient norm grew about 10³-fold, from ");
  assert_contains (f->message, "(past 100 times since step 60)");
  g_assert_cmpint (f->fix, ==, NN_FIX_CLIP_NORM);
  g_assert_cmpstr (f->fix_label, ==, "Clip gradients at norm 1");
  g_assert_true (apply (&r, f, &spec, &fixed));
  g_assert_cmpfloat (fixed.clip_norm, ==, 1.0);
  /* The loss rising with it is the rate's doing too. */
  g_assert_nonnull (find (&r, NN_FINDING_LR_TOO_HIGH, SIZE_MAX));
  run_clear (&r);
}

/* Adam at 10⁴: the loss explodes at step 2 (the guard), and plain SGD at
 * 0.3 on a deep linear net overflows float32 in layers.3 at step 6. */
static void
test_diverged (void)
{
  nn_trainer_params p = params_of (NN_OPT_ADAM, 1e4, 32, 5), fixed;
  const nn_finding *f;
  nn_model_spec spec;
  run r;

  run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.0, "dense:16:relu,dense:3", &p);
  run_train (&r);
  g_assert_cmpint (r.state, ==, NN_TRAIN_DIVERGED);
  f = find (&r, NN_FINDING_DIVERGED, SIZE_MAX);
  g_assert_nonnull (f);
  g_assert_true (f == &r.findings[0]);
  g_assert_cmpint (f->severity, ==, NN_FINDING_ERROR);
  g_assert_cmpint (f->layer, ==, -1);
  g_assert_cmpuint (f->step, ==, 2);
  g_assert_cmpint (f->epoch, ==, 1);
  assert_prefix (f->message, "Training diverged: the loss grew to ");
  assert_contains (f->message, " at step 2 (epoch 1); the weights are rolled back to step 0");
  g_assert_cmpint (f->fix, ==, NN_FIX_LOWER_LR);
  g_assert_cmpstr (f->fix_label, ==, "Divide the learning rate by 10");
  g_assert_true (apply (&r, f, &spec, &fixed));
  g_assert_cmpfloat (fixed.opt.lr, ==, 1e3);
  run_clear (&r);

  p = params_of (NN_OPT_SGD, 0.3, 20, 20);
  p.divergence_factor = 0.0;
  run_init (&r, NN_GEN_PLANE, 200, -1, 0.0, "dense:8,dense:8,dense:8,dense:8,dense:1", &p);
  run_train (&r);
  g_assert_cmpint (r.state, ==, NN_TRAIN_DIVERGED);
  f = find (&r, NN_FINDING_DIVERGED, 3);
  g_assert_nonnull (f);
  g_assert_cmpint (f->layer, ==, 3);
  g_assert_cmpuint (f->step, ==, 6);
  g_assert_cmpint (f->epoch, ==, 1);
  g_assert_cmpstr (f->message, ==, "Training diverged: the output of layers.3 (Linear(8→8)) went "
                   "non-finite at step 6 (epoch 1); the weights are rolled back to step 4");
  run_clear (&r);
}

/* First-layer biases of −10 switch every unit of layers.1 off for every
 * sample from the start, and those of layers.3 with them (their inputs are
 * all 0, their biases 0); no gradient reaches layers.0, which the dead
 * units explain, so it is not called vanishing. SGD at 0.8 on weights
 * twice their size kills nearly every unit of three layers within the first
 * few epochs. */
static void
test_dead_units (void)
{
  nn_trainer_params p = params_of (NN_OPT_ADAM, 1e-3, 32, 5), fixed;
  const nn_finding *f;
  nn_model_spec spec;
  run r;

  run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.0, "dense:32:relu,dense:32:relu,dense:3", &p);
  set_biases (r.model, 0, -10.0f);
  run_train (&r);
  f = find (&r, NN_FINDING_DEAD_UNITS, 1);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_ERROR);
  g_assert_cmpint (f->layer, ==, 0);
  g_assert_cmpint (f->epoch, ==, 1);
  g_assert_cmpuint (f->step, ==, 0);
  g_assert_cmpfloat (f->evidence[0], ==, 1.0);
  g_assert_cmpstr (f->message, ==, "Dead units: 32 of the 32 units of layers.1 (ReLU) in layer 1 "
                   "(100 %) output 0 for every sample of epoch 5 (since epoch 1)");
  g_assert_cmpint (f->fix, ==, NN_FIX_LEAKY_RELU);
  g_assert_cmpstr (f->fix_label, ==, "Use leaky ReLU in layer 1");
  g_assert_true (apply (&r, f, &spec, &fixed));
  g_assert_cmpint (spec.layers[0].activation, ==, NN_ACT_LEAKY_RELU);
  g_assert_cmpint (spec.layers[1].activation, ==, NN_ACT_RELU);
  f = find (&r, NN_FINDING_DEAD_UNITS, 3);
  g_assert_nonnull (f);
  g_assert_cmpint (f->layer, ==, 1);
  g_assert_false (has_kind (&r, NN_FINDING_VANISHING));
  run_clear (&r);

  p = params_of (NN_OPT_SGD, 0.8, 16, 30);
  run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.0, "dense:32:relu,dense:32:relu,dense:32:relu,dense:3",
            &p);
  scale_weights (r.model, SIZE_MAX, 2.0f);
  run_train (&r);
  /* A rate this high makes the run chaotic: which units die, and when,
   * may differ in the last bits of another BLAS, so only the outcome is
   * checked. */
  for (size_t op = 1; op <= 5; op += 2)
    {
      f = find (&r, NN_FINDING_DEAD_UNITS, op);
      g_assert_nonnull (f);
      g_assert_cmpint (f->severity, ==, NN_FINDING_ERROR);
      g_assert_cmpint (f->epoch, >=, 1);
      g_assert_cmpint (f->epoch, <=, 5);
      g_assert_cmpfloat (f->evidence[0], >=, 0.9);
      assert_contains (f->message, "output 0 for every sample of epoch 30 (since epoch ");
    }
  g_assert_false (has_kind (&r, NN_FINDING_VANISHING));
  run_clear (&r);
}

/* Sigmoid units behind first-layer weights 20 times their Xavier size, on
 * Gaussian blobs 2 away from the origin: most outputs sit within 1 % of 0
 * or 1 from the first step. */
static void
test_saturated (void)
{
  nn_trainer_params p = params_of (NN_OPT_ADAM, 1e-3, 32, 10), fixed;
  const nn_finding *f;
  nn_model_spec spec;
  run r;

  run_init (&r, NN_GEN_GAUSSIANS, 300, -1, 0.0, "dense:32:sigmoid,dense:3", &p);
  scale_weights (r.model, 0, 20.0f);
  run_train (&r);
  f = find (&r, NN_FINDING_SATURATED, 1);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpint (f->layer, ==, 0);
  g_assert_cmpuint (f->step, ==, 1);
  g_assert_cmpfloat (f->evidence[0], >=, 0.5);
  g_assert_cmpfloat (f->evidence[0], <, 0.9);
  assert_prefix (f->message, "Saturated units: ");
  assert_contains (f->message, " % of the outputs of layers.1 (Sigmoid) in layer 1 sit within "
                   "1 % of its ends, where its gradient is almost 0 (since step 1)");
  g_assert_cmpint (f->fix, ==, NN_FIX_ADD_BATCHNORM);
  g_assert_cmpstr (f->fix_label, ==, "Add batch normalisation to layer 1");
  /* dense:32:sigmoid becomes dense:32, batchnorm, sigmoid. */
  g_assert_true (apply (&r, f, &spec, &fixed));
  g_assert_cmpuint (spec.n_layers, ==, 4);
  g_assert_cmpint (spec.layers[0].kind, ==, NN_LAYER_DENSE);
  g_assert_cmpint (spec.layers[0].activation, ==, NN_ACT_IDENTITY);
  g_assert_cmpint (spec.layers[1].kind, ==, NN_LAYER_BATCHNORM);
  g_assert_cmpint (spec.layers[2].kind, ==, NN_LAYER_ACTIVATION);
  g_assert_cmpint (spec.layers[2].activation, ==, NN_ACT_SIGMOID);
  g_assert_cmpint (spec.layers[3].units, ==, 3);
  run_clear (&r);
}

/* SGD at 2 in batches of 16: the epoch loss keeps falling overall but
 * jumps back up again and again. */
static void
test_lr_too_high (void)
{
  nn_trainer_params p = params_of (NN_OPT_SGD, 2.0, 16, 30), fixed;
  const nn_finding *f;
  nn_model_spec spec;
  run r;

  run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.0, "dense:32:relu,dense:3", &p);
  run_train (&r);
  g_assert_cmpint (r.state, ==, NN_TRAIN_FINISHED);
  f = find (&r, NN_FINDING_LR_TOO_HIGH, SIZE_MAX);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  /* Here (4 rises, the first at epoch 18) as in the message; at this rate
   * the run is chaotic enough for another BLAS to move a rise, so the
   * bounds are the rule's. */
  g_assert_cmpint (f->epoch, >=, 16);
  g_assert_cmpfloat (f->evidence[3], >=, 3);
  assert_prefix (f->message, "The learning rate 2 looks too high: the training loss jumped up "
                 "by 20 % or more ");
  assert_contains (f->message, " times in the last 15 epochs");
  g_assert_cmpint (f->fix, ==, NN_FIX_LOWER_LR);
  g_assert_true (apply (&r, f, &spec, &fixed));
  g_assert_cmpfloat (fixed.opt.lr, ==, 0.2);
  run_clear (&r);
}

/* Adam at 10⁻⁷: each step moves the weights by about 10⁻⁷ of their size and
 * the loss does not move; that it underfits goes without saying. */
static void
test_lr_too_low (void)
{
  nn_trainer_params p = params_of (NN_OPT_ADAM, 1e-7, 32, 10), fixed;
  const nn_finding *f;
  nn_model_spec spec;
  run r;

  run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.0, "dense:16:relu,dense:3", &p);
  run_train (&r);
  f = find (&r, NN_FINDING_LR_TOO_LOW, SIZE_MAX);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpuint (f->step, ==, 1);
  g_assert_cmpfloat (f->evidence[1], <, 1e-5);
  assert_prefix (f->message, "The learning rate 1e-07 looks too low: each step changes the "
                 "weights by at most ");
  assert_contains (f->message, " of their size (layers.2 (Linear(16→3))), about 10⁴ times below "
                   "the usual 10⁻³, and the training loss improved ");
  g_assert_cmpint (f->fix, ==, NN_FIX_RAISE_LR);
  g_assert_cmpstr (f->fix_label, ==, "Multiply the learning rate by 10");
  g_assert_true (apply (&r, f, &spec, &fixed));
  g_assert_cmpfloat (fixed.opt.lr, ==, 1e-6);
  g_assert_false (has_kind (&r, NN_FINDING_UNDERFITTING));
  g_assert_cmpuint (r.n, ==, 1);
  run_clear (&r);
}

/* Two layers of 128 ReLUs on 40 noisy moons: the validation loss is best
 * at epoch 6 and then climbs while the training loss keeps falling. With
 * early stopping on the run ends at epoch 16, and dropout is what is left
 * to offer. */
static void
test_overfitting (void)
{
  for (int stop = 0; stop < 2; stop++)
    {
      nn_trainer_params p = params_of (NN_OPT_ADAM, 1e-2, 16, 60), fixed;
      const nn_finding *f;
      nn_model_spec spec;
      run r;

      p.early_stop = stop ? 10 : 0;
      run_init (&r, NN_GEN_MOONS, 80, 0.3, 0.5, "dense:128:relu,dense:128:relu,dense:2", &p);
      run_train (&r);
      g_assert_cmpint (r.state, ==, stop ? NN_TRAIN_EARLY_STOPPED : NN_TRAIN_FINISHED);
      f = find (&r, NN_FINDING_OVERFITTING, SIZE_MAX);
      g_assert_nonnull (f);
      g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
      g_assert_cmpint (f->epoch, ==, 7);
      g_assert_cmpfloat (f->evidence[0], ==, 6);
      g_assert_cmpfloat (f->evidence[1], >, stop ? 0.5 : 2.0);
      g_assert_cmpfloat_with_epsilon (f->evidence[2], 0.54, 0.005);
      assert_prefix (f->message, "Overfitting since epoch 7: the validation loss rose from its "
                     "best, 0.54 at epoch 6, to ");
      assert_contains (f->message, " while the training loss fell from ");
      assert_contains (f->message, "; the gap is now ");
      g_assert_true (apply (&r, f, &spec, &fixed));
      if (!stop)
        {
          g_assert_cmpint (f->fix, ==, NN_FIX_EARLY_STOP);
          g_assert_cmpstr (f->fix_label, ==, "Turn on early stopping");
          g_assert_cmpint (fixed.early_stop, ==, 10);
        }
      else
        {
          g_assert_cmpint (f->fix, ==, NN_FIX_ADD_DROPOUT);
          g_assert_cmpstr (f->fix_label, ==, "Add dropout 0.2 after layer 2");
          g_assert_cmpuint (spec.n_layers, ==, 4);
          g_assert_cmpint (spec.layers[2].kind, ==, NN_LAYER_DROPOUT);
          g_assert_cmpfloat (spec.layers[2].rate, ==, 0.2f);
          g_assert_cmpuint (nn_history_n_epochs (r.history), ==, 16);
        }
      run_clear (&r);
    }
}

/* A linear model on three spiral arms: the loss settles at about two
 * thirds of where it started and stays there. */
static void
test_underfitting (void)
{
  nn_trainer_params p = params_of (NN_OPT_ADAM, 1e-2, 32, 60);
  const nn_finding *f;
  run r;

  run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.2, "dense:3", &p);
  run_train (&r);
  f = find (&r, NN_FINDING_UNDERFITTING, SIZE_MAX);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpint (f->epoch, ==, 37);
  g_assert_cmpfloat (f->evidence[1], >=, 0.5);
  assert_prefix (f->message, "Underfitting: after 60 epochs the training loss is still ");
  assert_contains (f->message, "and has changed by under 1 % in 5 epochs (flat since epoch 37)");
  g_assert_cmpstr (f->advice, ==, "Try a bigger model (more units or layers), more epochs, or a "
                   "higher learning rate.");
  g_assert_cmpint (f->fix, ==, NN_FIX_NONE);
  g_assert_cmpstr (f->fix_label, ==, "");
  g_assert_false (has_kind (&r, NN_FINDING_PLATEAU));
  run_clear (&r);
}

/* Gradient descent on a linear regression reaches the noise floor by epoch
 * 17 and gains nothing after; with the plateau schedule already on there
 * is no fix to offer. */
static void
test_plateau (void)
{
  nn_trainer_params p = params_of (NN_OPT_GD, 0.5, 0, 40), fixed;
  const nn_finding *f;
  nn_model_spec spec;
  nn_finding again[MAX_FINDINGS];
  run r;

  run_init (&r, NN_GEN_PLANE, 200, -1, 0.0, "dense:1", &p);
  run_train (&r);
  g_assert_cmpuint (r.n, ==, 1);
  f = find (&r, NN_FINDING_PLATEAU, SIZE_MAX);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_INFO);
  g_assert_cmpint (f->epoch, ==, 18);
  g_assert_cmpfloat (f->evidence[0], ==, 23);
  g_assert_cmpfloat (f->evidence[2], ==, 17);
  assert_prefix (f->message, "Plateau: the training loss has not improved by 0.1 % for 23 "
                 "epochs; its best, ");
  assert_contains (f->message, ", was at epoch 17");
  g_assert_cmpint (f->fix, ==, NN_FIX_PLATEAU_SCHEDULE);
  g_assert_cmpstr (f->fix_label, ==, "Lower the learning rate on plateaus");
  g_assert_true (apply (&r, f, &spec, &fixed));
  g_assert_cmpint (fixed.schedule.kind, ==, NN_SCHEDULE_PLATEAU);

  g_assert_cmpuint (nn_diagnose (r.history, r.model, &fixed, again, MAX_FINDINGS), ==, 1);
  g_assert_cmpint (again[0].kind, ==, NN_FINDING_PLATEAU);
  g_assert_cmpint (again[0].fix, ==, NN_FIX_NONE);
  g_assert_cmpstr (again[0].fix_label, ==, "");
  run_clear (&r);
}

/* ---- Thresholds, on histories built sample by sample ------------------------ */

/* The model the built histories are of: layers.0 Linear(2→4), layers.1
 * ReLU, layers.2 Linear(4→4), layers.3 Sigmoid, layers.4 Linear(4→2). */
#define SYNTH_LAYERS "dense:4:relu,dense:4:sigmoid,dense:2"
enum { S_OPS = 5 };

typedef struct
{
  size_t steps;
  size_t change;                /* samples from this index on take the values [1] */
  double loss[2];
  double grad[2][S_OPS];        /* per op */
  double update[2][S_OPS];
  double saturated[2];          /* of op 3 */
  size_t spike_at[4];           /* samples whose global norm is × spike (0: none) */
  double spike;
} synth;

static synth
synth_default (size_t steps)
{
  synth s = { .steps = steps, .change = steps, .loss = { 1, 1 }, .spike = 1 };

  for (int k = 0; k < 2; k++)
    for (size_t op = 0; op < S_OPS; op += 2)
      {
        s.grad[k][op] = 1.0;
        s.update[k][op] = 1e-3;
      }
  return s;
}

static nn_model *
synth_model (const char *layers)
{
  nn_model_spec spec;
  nn_error err = { 0 };
  nn_model *m;

  nn_model_spec_init (&spec);
  spec.inputs = 2;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, layers, &err), ==, NN_OK);
  m = nn_model_new (&spec, 8, &err);
  g_assert_nonnull (m);
  return m;
}

/* Step samples 1, 2, … as @s says. */
static void
synth_steps (nn_history  *h,
             const synth *s)
{
  for (size_t i = 0; i < s->steps; i++)
    {
      int k = i >= s->change;
      nn_op_stats ops[S_OPS] = { { 0 } };
      nn_step_sample sample = { .step = i + 1, .epoch = 1, .loss = s->loss[k], .lr = 0.01 };
      double sq = 0.0;
      nn_error err = { 0 };

      for (size_t op = 0; op < S_OPS; op++)
        {
          ops[op].grad_norm = s->grad[k][op];
          ops[op].update_ratio = s->update[k][op];
          ops[op].weight_norm = op % 2 == 0 ? 1.0 : 0.0;
          sq += s->grad[k][op] * s->grad[k][op];
        }
      ops[3].saturated_fraction = s->saturated[k];
      sample.grad_norm = sqrt (sq);
      for (int j = 0; j < 4; j++)
        if (s->spike_at[j] == i && i > 0)
          sample.grad_norm *= s->spike;
      g_assert_cmpint (nn_history_restore_step (h, &sample, ops, &err), ==, NN_OK);
    }
}

/* Epochs 1 … n with these training and validation losses (@val NULL: none)
 * and dead fractions of op 1 (@dead NULL: not measured). */
static void
synth_epochs (nn_history   *h,
              size_t        n,
              const double *train,
              const double *val,
              const double *dead)
{
  for (size_t i = 0; i < n; i++)
    {
      nn_epoch_sample e = {
        .epoch = (int) i + 1, .train_loss = train[i], .train_accuracy = NAN,
        .has_val = val != NULL, .val_loss = val != NULL ? val[i] : NAN, .val_accuracy = NAN,
        .lr = 0.01,
      };
      double d[S_OPS] = { NAN, dead != NULL ? dead[i] : NAN, NAN, NAN, NAN };
      nn_error err = { 0 };

      g_assert_cmpint (nn_history_restore_epoch (h, &e, d, &err), ==, NN_OK);
    }
}

/* Diagnoses a history of the synthetic model built by @s (NULL: no steps)
 * and the epochs given, with default settings. */
static size_t
synth_diagnose (const char   *layers,
                const synth  *s,
                size_t        n_epochs,
                const double *train,
                const double *val,
                const double *dead,
                nn_finding   *out)
{
  nn_model *m = synth_model (layers);
  nn_history *h = nn_history_new (S_OPS, NULL);
  nn_trainer_params p = nn_trainer_params_default ();
  size_t n;

  if (s != NULL)
    synth_steps (h, s);
  synth_epochs (h, n_epochs, train, val, dead);
  n = nn_diagnose (h, m, &p, out, MAX_FINDINGS);
  nn_history_free (h);
  nn_model_free (m);
  return n;
}

static const nn_finding *
find_in (const nn_finding *f,
         size_t            n,
         nn_finding_kind   kind)
{
  for (size_t i = 0; i < MIN (n, (size_t) MAX_FINDINGS); i++)
    if (f[i].kind == kind)
      return &f[i];
  return NULL;
}

static void
test_threshold_vanishing (void)
{
  nn_finding out[MAX_FINDINGS];
  const nn_finding *f;
  synth s = synth_default (100);
  size_t n;

  /* 9·10⁻⁴ of the last layer's from sample 40 (step 41) on. */
  s.change = 40;
  s.grad[1][0] = 9e-4;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  f = find_in (out, n, NN_FINDING_VANISHING);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpuint (f->op, ==, 0);
  g_assert_cmpuint (f->step, ==, 41);
  g_assert_cmpstr (f->message, ==, "Gradients vanish toward the input: layers.0 (Linear(2→4)) "
                   "in layer 1 gets 0.0009, about 10⁻³ times the last layer's 1 (since step 41)");
  /* A ReLU layer already on He initialisation: batch norm is what is left. */
  g_assert_cmpstr (f->advice, ==, "Add batch normalisation, or use fewer layers.");
  g_assert_cmpint (f->fix, ==, NN_FIX_ADD_BATCHNORM);
  g_assert_cmpstr (f->fix_label, ==, "Add batch normalisation to layer 1");

  s.grad[1][0] = 1.1e-3;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_VANISHING));
  s.grad[1][0] = 9e-7;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_cmpint (find_in (out, n, NN_FINDING_VANISHING)->severity, ==, NN_FINDING_ERROR);
  /* The earliest layer is named: layers.2 vanishing too changes nothing. */
  s.grad[1][2] = 1e-4;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_cmpuint (find_in (out, n, NN_FINDING_VANISHING)->op, ==, 0);
  /* Only layers.2 vanishing: named with its own layer number. */
  s.grad[1][0] = 1.0;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  f = find_in (out, n, NN_FINDING_VANISHING);
  g_assert_cmpuint (f->op, ==, 2);
  g_assert_cmpint (f->layer, ==, 1);
  g_assert_cmpstr (f->fix_label, ==, "Use He initialisation for layer 2");

  /* Absolutely tiny over at least 50 samples, though within 10³ of the
   * last layer's: an error; not over 49 samples, nor when the loss is
   * itself about 0. */
  s = synth_default (60);
  s.grad[0][0] = s.grad[1][0] = 5e-8;
  s.grad[0][2] = s.grad[1][2] = s.grad[0][4] = s.grad[1][4] = 1e-5;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  f = find_in (out, n, NN_FINDING_VANISHING);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_ERROR);
  g_assert_cmpuint (f->step, ==, 1);
  g_assert_cmpstr (f->message, ==, "Gradients vanish: layers.0 (Linear(2→4)) in layer 1 gets "
                   "5e-08, below 10⁻⁷, so it has stopped learning (since step 1)");
  s.steps = 49;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_VANISHING));
  s.steps = 60;
  s.loss[0] = s.loss[1] = 1e-5;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_VANISHING));
  /* Too few samples to say anything. */
  s = synth_default (19);
  s.grad[0][0] = s.grad[1][0] = 1e-9;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_threshold_exploding (void)
{
  nn_finding out[MAX_FINDINGS];
  const nn_finding *f;
  synth s = synth_default (100);
  size_t n;

  /* Every gradient 150 times larger from sample 50 on. */
  s.change = 50;
  for (size_t op = 0; op < S_OPS; op += 2)
    s.grad[1][op] = 150.0;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  f = find_in (out, n, NN_FINDING_EXPLODING);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpuint (f->op, ==, SIZE_MAX);
  g_assert_cmpuint (f->step, ==, 51);
  g_assert_cmpfloat_with_epsilon (f->evidence[0], 150.0, 1e-9);
  g_assert_cmpstr (f->message, ==, "Gradients explode: the gradient norm grew about 10²-fold, "
                   "from 1.7 early in the run to 2.6e+02 (past 100 times since step 51)");
  /* …but not while the loss falls to under half: a network waking up. */
  s.loss[1] = 0.4;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_EXPLODING));
  s.loss[1] = 1.0;
  for (size_t op = 0; op < S_OPS; op += 2)
    s.grad[1][op] = 90.0;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_EXPLODING));
  for (size_t op = 0; op < S_OPS; op += 2)
    s.grad[1][op] = 2e4;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_cmpint (find_in (out, n, NN_FINDING_EXPLODING)->severity, ==, NN_FINDING_ERROR);

  /* Three spikes of 200 times the median around them: a pattern; two are
   * not, nor are spikes of 90 times. */
  s = synth_default (100);
  s.spike = 200.0;
  s.spike_at[0] = 30;
  s.spike_at[1] = 50;
  s.spike_at[2] = 70;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  f = find_in (out, n, NN_FINDING_EXPLODING);
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpuint (f->step, ==, 31);
  g_assert_cmpfloat (f->evidence[3], ==, 3);
  g_assert_cmpstr (f->message, ==, "Gradients spike: 3 times the gradient norm jumped to 100 or "
                   "more times the median around it, up to 200 times (first at step 31)");
  g_assert_cmpint (f->fix, ==, NN_FIX_CLIP_NORM);
  s.spike_at[2] = 0;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_EXPLODING));
  s.spike_at[2] = 70;
  s.spike = 90.0;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_EXPLODING));
}

static void
test_threshold_dead (void)
{
  static const double half[] = { 0, 0.25, 0.5, 0.25, 0.5, 0.75 };
  static const double quarter[] = { 0, 0.25, 0.25, 0.25, 0.25, 0.25 };
  static const double all[] = { 0, 1, 1, 1, 1, NAN };
  static const double train[] = { 1, 0.9, 0.8, 0.7, 0.6, 0.5 };
  nn_finding out[MAX_FINDINGS];
  const nn_finding *f;
  size_t n;

  n = synth_diagnose (SYNTH_LAYERS, NULL, 6, train, NULL, half, out);
  g_assert_cmpuint (n, ==, 1);
  f = &out[0];
  g_assert_cmpint (f->kind, ==, NN_FINDING_DEAD_UNITS);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpuint (f->op, ==, 1);
  g_assert_cmpint (f->layer, ==, 0);
  g_assert_cmpint (f->epoch, ==, 5);
  g_assert_cmpstr (f->message, ==, "Dead units: 3 of the 4 units of layers.1 (ReLU) in layer 1 "
                   "(75 %) output 0 for every sample of epoch 6 (since epoch 5)");
  n = synth_diagnose (SYNTH_LAYERS, NULL, 6, train, NULL, quarter, out);
  g_assert_cmpuint (n, ==, 0);
  /* The last epoch that measured them counts. */
  n = synth_diagnose (SYNTH_LAYERS, NULL, 6, train, NULL, all, out);
  g_assert_cmpint (out[0].severity, ==, NN_FINDING_ERROR);
  g_assert_cmpint (out[0].epoch, ==, 2);
  assert_contains (out[0].message, "(100 %) output 0 for every sample of epoch 5 (since epoch 2)");
  /* Leaky ReLU units below 0 still learn: a note, and no leaky fix. */
  n = synth_diagnose ("dense:4:leaky_relu,dense:4:sigmoid,dense:2", NULL, 6, train, NULL, all,
                      out);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (out[0].severity, ==, NN_FINDING_INFO);
  g_assert_cmpstr (out[0].message, ==, "Dead units: 4 of the 4 units of layers.1 (LeakyReLU) in "
                   "layer 1 (100 %) output 0 or less for every sample of epoch 5 (since epoch 2)");
  g_assert_cmpint (out[0].fix, ==, NN_FIX_LOWER_LR);
}

static void
test_threshold_saturated (void)
{
  nn_finding out[MAX_FINDINGS];
  const nn_finding *f;
  synth s = synth_default (40);
  size_t n;

  s.saturated[0] = s.saturated[1] = 0.5;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_cmpuint (n, ==, 1);
  f = &out[0];
  g_assert_cmpint (f->kind, ==, NN_FINDING_SATURATED);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpuint (f->op, ==, 3);
  g_assert_cmpint (f->layer, ==, 1);
  g_assert_cmpuint (f->step, ==, 1);
  g_assert_cmpstr (f->message, ==, "Saturated units: 50 % of the outputs of layers.3 (Sigmoid) in "
                   "layer 2 sit within 1 % of its ends, where its gradient is almost 0 (since "
                   "step 1)");
  g_assert_cmpstr (f->advice, ==, "Add batch normalisation before the Sigmoid, or use Xavier "
                   "initialisation and a lower learning rate.");
  g_assert_cmpstr (f->fix_label, ==, "Add batch normalisation to layer 2");
  s.saturated[0] = s.saturated[1] = 0.49;
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out), ==, 0);
  s.saturated[1] = 0.95;
  s.change = 30;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_cmpint (out[0].severity, ==, NN_FINDING_ERROR);
  g_assert_cmpuint (out[0].step, ==, 31);
}

static void
test_threshold_lr (void)
{
  static const double rising[] = { 1, 0.5, 0.4, 0.7, 0.7, 0.7 };
  static const double rising_less[] = { 1, 0.5, 0.4, 0.59, 0.59, 0.59 };
  static const double flat[] = { 1, 1, 1, 1, 1 };
  static const double improving[] = { 1, 0.995, 0.99, 0.985, 0.98 };
  static const double low[] = { 1, 0.09, 0.09, 0.09, 0.09 };
  nn_finding out[MAX_FINDINGS];
  const nn_finding *f;
  synth s = synth_default (40);
  size_t n;

  /* Each step changes the weights by a tenth. */
  for (size_t op = 0; op < S_OPS; op += 2)
    s.update[0][op] = s.update[1][op] = 0.1;
  n = synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out);
  g_assert_cmpuint (n, ==, 1);
  f = &out[0];
  g_assert_cmpint (f->kind, ==, NN_FINDING_LR_TOO_HIGH);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpint (f->layer, ==, -1);
  g_assert_cmpuint (f->step, ==, 1);
  g_assert_cmpint (f->epoch, ==, 0);
  g_assert_cmpstr (f->message, ==, "The learning rate 0.01 looks too high: each step changes "
                   "layers.0 (Linear(2→4)) by 0.1 of its weights, about 10² times the usual 10⁻³");
  g_assert_cmpint (f->fix, ==, NN_FIX_LOWER_LR);
  for (size_t op = 0; op < S_OPS; op += 2)
    s.update[0][op] = s.update[1][op] = 0.099;
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, &s, 0, NULL, NULL, NULL, out), ==, 0);

  /* The loss back up to 1.75 times its best: from the epoch after it. */
  n = synth_diagnose (SYNTH_LAYERS, NULL, 6, rising, NULL, NULL, out);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (out[0].kind, ==, NN_FINDING_LR_TOO_HIGH);
  g_assert_cmpint (out[0].epoch, ==, 4);
  g_assert_cmpuint (out[0].step, ==, 0);
  g_assert_cmpstr (out[0].message, ==, "The learning rate 0.01 looks too high: the training loss "
                   "rose to 0.7 over the last 3 epochs, 1.75 times its best, 0.4 at epoch 3");
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 6, rising_less, NULL, NULL, out), ==, 0);

  /* 10⁻⁵ of the weights a step and a flat loss over 5 epochs: too low;
   * not with 4 epochs, a loss still improving by 2 %, or one already down
   * to a tenth. */
  s = synth_default (40);
  for (size_t op = 0; op < S_OPS; op += 2)
    s.update[0][op] = s.update[1][op] = 1e-5;
  n = synth_diagnose (SYNTH_LAYERS, &s, 5, flat, NULL, NULL, out);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (out[0].kind, ==, NN_FINDING_LR_TOO_LOW);
  g_assert_cmpuint (out[0].step, ==, 1);
  g_assert_cmpstr (out[0].message, ==, "The learning rate 0.01 looks too low: each step changes "
                   "the weights by at most 1e-05 of their size (layers.0 (Linear(2→4))), about "
                   "10² times below the usual 10⁻³, and the training loss improved 0 % over the "
                   "last 5 epochs");
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, &s, 4, flat, NULL, NULL, out), ==, 0);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, &s, 5, improving, NULL, NULL, out), ==, 0);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, &s, 5, low, NULL, NULL, out), ==, 0);
  s.update[0][4] = s.update[1][4] = 2e-5;
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, &s, 5, flat, NULL, NULL, out), ==, 0);
}

static void
test_threshold_oscillating (void)
{
  /* Rises of 20 % or more, each ≥ 2 % of the first loss, three times in
   * the last 10 epochs. */
  static const double three[] = { 1, 0.5, 0.4, 0.3, 0.37, 0.3, 0.37, 0.3, 0.37, 0.3, 0.3 };
  static const double two[] = { 1, 0.5, 0.4, 0.3, 0.37, 0.3, 0.37, 0.3, 0.35, 0.3, 0.3 };
  static const double small[] = { 1, 0.5, 0.1, 0.05, 0.065, 0.05, 0.065, 0.05, 0.065, 0.05, 0.05 };
  nn_finding out[MAX_FINDINGS];

  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 11, three, NULL, NULL, out), ==, 1);
  g_assert_cmpint (out[0].kind, ==, NN_FINDING_LR_TOO_HIGH);
  g_assert_cmpint (out[0].epoch, ==, 5);
  g_assert_cmpfloat (out[0].evidence[3], ==, 3);
  g_assert_cmpstr (out[0].message, ==, "The learning rate 0.01 looks too high: the training loss "
                   "jumped up by 20 % or more 3 times in the last 10 epochs");
  g_assert_null (find_in (out, synth_diagnose (SYNTH_LAYERS, NULL, 11, two, NULL, NULL, out),
                          NN_FINDING_LR_TOO_HIGH));
  /* 30 % up, but by 0.015 of a first loss of 1: noise near the bottom. */
  g_assert_null (find_in (out, synth_diagnose (SYNTH_LAYERS, NULL, 11, small, NULL, NULL, out),
                          NN_FINDING_LR_TOO_HIGH));
}

static void
test_threshold_overfitting (void)
{
  static const double train[] = { 1.0, 0.8, 0.6, 0.5, 0.45, 0.4 };
  static const double val[] = { 1.0, 0.8, 0.6, 0.62, 0.67, 0.68 };
  static const double val_less[] = { 1.0, 0.8, 0.6, 0.62, 0.65, 0.68 };
  static const double train_flat[] = { 1.0, 0.8, 0.6, 0.58, 0.56, 0.55 };
  static const double val_late[] = { 1.0, 0.8, 0.7, 0.7, 0.6, 0.9 };
  static const double train_low[] = { 1.0, 0.1, 0.01, 0.008, 0.007, 0.006 };
  static const double val_low[] = { 1.0, 0.1, 0.01, 0.0105, 0.0112, 0.0115 };
  nn_finding out[MAX_FINDINGS];
  const nn_finding *f;
  size_t n;

  n = synth_diagnose (SYNTH_LAYERS, NULL, 6, train, val, NULL, out);
  g_assert_cmpuint (n, ==, 1);
  f = &out[0];
  g_assert_cmpint (f->kind, ==, NN_FINDING_OVERFITTING);
  g_assert_cmpint (f->severity, ==, NN_FINDING_WARNING);
  g_assert_cmpint (f->epoch, ==, 4);
  g_assert_cmpfloat (f->evidence[0], ==, 3);
  g_assert_cmpfloat_with_epsilon (f->evidence[1], 0.67 - 0.45, 1e-12);
  g_assert_cmpstr (f->message, ==, "Overfitting since epoch 4: the validation loss rose from its "
                   "best, 0.6 at epoch 3, to 0.67 while the training loss fell from 0.6 to 0.45; "
                   "the gap is now 0.22");
  g_assert_cmpint (f->fix, ==, NN_FIX_EARLY_STOP);
  /* Under 10 % up (as a median), the training loss down by under 10 %, the
   * best only one epoch back, or a rise of 12 % but of 0.1 % of where the
   * validation loss started: no. */
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 6, train, val_less, NULL, out), ==, 0);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 6, train_flat, val, NULL, out), ==, 0);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 6, train, val_late, NULL, out), ==, 0);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 6, train_low, val_low, NULL, out), ==, 0);
}

static void
test_threshold_underfitting (void)
{
  static const double train[] = { 1, 0.9, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6 };
  static const double low[] = { 1, 0.9, 0.8, 0.7, 0.6, 0.49, 0.49, 0.49, 0.49, 0.49 };
  static const double falling[] = { 1, 0.9, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.59 };
  static const double val_low[] = { 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5, 0.5, 0.47 };
  nn_finding out[MAX_FINDINGS];
  synth s = synth_default (40);
  size_t n;

  n = synth_diagnose (SYNTH_LAYERS, NULL, 10, train, NULL, NULL, out);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (out[0].kind, ==, NN_FINDING_UNDERFITTING);
  g_assert_cmpint (out[0].epoch, ==, 5);
  g_assert_cmpstr (out[0].message, ==, "Underfitting: after 10 epochs the training loss is still "
                   "0.6, 60 % of the first epoch's 1, and has changed by under 1 % in 5 epochs "
                   "(flat since epoch 5)");
  g_assert_cmpint (out[0].fix, ==, NN_FIX_NONE);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 9, train, NULL, NULL, out), ==, 0);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 10, low, NULL, NULL, out), ==, 0);
  n = synth_diagnose (SYNTH_LAYERS, NULL, 10, falling, NULL, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_UNDERFITTING));
  n = synth_diagnose (SYNTH_LAYERS, NULL, 10, train, val_low, NULL, out);
  g_assert_null (find_in (out, n, NN_FINDING_UNDERFITTING));
  /* Steps ten times smaller than usual: a higher rate is worth a try. */
  for (size_t op = 0; op < S_OPS; op += 2)
    s.update[0][op] = s.update[1][op] = 5e-5;
  n = synth_diagnose (SYNTH_LAYERS, &s, 10, train, NULL, NULL, out);
  g_assert_cmpint (find_in (out, n, NN_FINDING_UNDERFITTING)->fix, ==, NN_FIX_RAISE_LR);
}

static void
test_threshold_plateau (void)
{
  double train[16], val[16];
  nn_finding out[MAX_FINDINGS];
  size_t n;

  /* The validation loss stops at epoch 5; the training loss falls on. */
  for (int i = 0; i < 16; i++)
    {
      train[i] = 1.0 / (i + 1);
      val[i] = i < 5 ? 1.0 - 0.1 * i : 0.6;
    }
  n = synth_diagnose (SYNTH_LAYERS, NULL, 15, train, val, NULL, out);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (out[0].kind, ==, NN_FINDING_PLATEAU);
  g_assert_cmpint (out[0].severity, ==, NN_FINDING_INFO);
  g_assert_cmpint (out[0].epoch, ==, 6);
  g_assert_cmpstr (out[0].message, ==, "Plateau: the validation loss has not improved by 0.1 % "
                   "for 10 epochs; its best, 0.6, was at epoch 5");
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 14, train, val, NULL, out), ==, 0);
  /* A creep of 0.06 % an epoch adds up to more than 0.1 % every second
   * epoch, which counts. */
  for (int i = 5; i < 16; i++)
    val[i] = val[i - 1] * (1.0 - 6e-4);
  g_assert_cmpuint (synth_diagnose (SYNTH_LAYERS, NULL, 16, train, val, NULL, out), ==, 0);
}

/* ---- The diagnosis as a whole ------------------------------------------------ */

/* A history that raises four findings of three severities and kinds. */
static nn_history *
several (nn_model **model)
{
  static const double train[] = { 1, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8 };
  static const double dead[] = { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  nn_history *h = nn_history_new (S_OPS, NULL);
  synth s = synth_default (200);

  s.saturated[0] = s.saturated[1] = 0.6;
  for (size_t op = 0; op < S_OPS; op += 2)
    s.update[0][op] = s.update[1][op] = 0.2;
  synth_steps (h, &s);
  synth_epochs (h, 10, train, NULL, dead);
  *model = synth_model (SYNTH_LAYERS);
  return h;
}

/* Most severe first, then by kind; at most @max written, all counted; the
 * same with fewer slots, and nothing written with none. */
static void
test_order_and_max (void)
{
  static const nn_finding_kind want[] = {
    NN_FINDING_DEAD_UNITS, NN_FINDING_SATURATED, NN_FINDING_LR_TOO_HIGH, NN_FINDING_UNDERFITTING,
  };
  nn_model *m;
  nn_history *h = several (&m);
  nn_finding all[MAX_FINDINGS], some[MAX_FINDINGS];

  g_assert_cmpuint (nn_diagnose (h, m, NULL, all, MAX_FINDINGS), ==, G_N_ELEMENTS (want));
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpint (all[i].kind, ==, want[i]);
  g_assert_cmpint (all[0].severity, ==, NN_FINDING_ERROR);
  for (size_t i = 1; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpint (all[i].severity, ==, NN_FINDING_WARNING);
  for (size_t max = 0; max <= G_N_ELEMENTS (want); max++)
    {
      memset (some, 0xab, sizeof some);
      g_assert_cmpuint (nn_diagnose (h, m, NULL, some, max), ==, G_N_ELEMENTS (want));
      g_assert_cmpmem (some, max * sizeof *some, all, max * sizeof *all);
      /* Nothing past max is touched. */
      g_assert_cmpint (((unsigned char *) &some[max])[0], ==, 0xab);
    }
  g_assert_cmpuint (nn_diagnose (h, m, NULL, NULL, 0), ==, G_N_ELEMENTS (want));
  nn_history_free (h);
  nn_model_free (m);
}

/* Two readings of one history, and a reading of the history written out
 * and read back sample by sample (a project file), give the same findings
 * to the byte. */
static void
test_deterministic (void)
{
  nn_trainer_params p = params_of (NN_OPT_SGD, 0.8, 16, 30);
  nn_finding again[MAX_FINDINGS], restored[MAX_FINDINGS];
  nn_history *copy;
  run r;

  run_init (&r, NN_GEN_SPIRAL, 300, -1, 0.0, "dense:32:relu,dense:32:relu,dense:32:relu,dense:3",
            &p);
  scale_weights (r.model, SIZE_MAX, 2.0f);
  run_train (&r);
  g_assert_cmpuint (r.n, >=, 3);
  memset (again, 0, sizeof again);
  g_assert_cmpuint (nn_diagnose (r.history, r.model, &r.params, again, MAX_FINDINGS), ==, r.n);
  g_assert_cmpmem (again, r.n * sizeof *again, r.findings, r.n * sizeof *r.findings);

  copy = nn_history_new (nn_history_n_ops (r.history), NULL);
  nn_history_restore_stride (copy, nn_history_stride (r.history));
  for (size_t i = 0; i < nn_history_n_steps (r.history); i++)
    g_assert_cmpint (nn_history_restore_step (copy, nn_history_step (r.history, i),
                                              nn_history_step_ops (r.history, i), NULL), ==, NN_OK);
  for (size_t i = 0; i < nn_history_n_epochs (r.history); i++)
    g_assert_cmpint (nn_history_restore_epoch (copy, nn_history_epoch (r.history, i),
                                               nn_history_epoch_dead (r.history, i), NULL), ==,
                     NN_OK);
  memset (restored, 0, sizeof restored);
  g_assert_cmpuint (nn_diagnose (copy, r.model, &r.params, restored, MAX_FINDINGS), ==, r.n);
  g_assert_cmpmem (restored, r.n * sizeof *restored, r.findings, r.n * sizeof *r.findings);
  nn_history_free (copy);
  run_clear (&r);
}

/* A history of another model, or none: nothing to say. An empty history:
 * nothing either. */
static void
test_mismatch (void)
{
  nn_model *m = synth_model (SYNTH_LAYERS);
  nn_history *h = nn_history_new (3, NULL), *empty = nn_history_new (S_OPS, NULL);
  nn_finding out[MAX_FINDINGS];

  g_assert_cmpuint (nn_diagnose (h, m, NULL, out, MAX_FINDINGS), ==, 0);
  g_assert_cmpuint (nn_diagnose (NULL, m, NULL, out, MAX_FINDINGS), ==, 0);
  g_assert_cmpuint (nn_diagnose (empty, m, NULL, out, MAX_FINDINGS), ==, 0);
  nn_history_free (h);
  nn_history_free (empty);
  nn_model_free (m);
}

static void
test_names (void)
{
  static const char *const kinds[] = {
    "vanishing_gradients", "exploding_gradients", "diverged", "dead_units", "saturated_units",
    "lr_too_high", "lr_too_low", "overfitting", "underfitting", "plateau",
  };
  static const char *const fixes[] = {
    "none", "he_init", "add_batchnorm", "leaky_relu", "lower_lr", "raise_lr", "clip_norm",
    "early_stop", "add_dropout", "plateau_schedule",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == NN_FINDING_COUNT);
  G_STATIC_ASSERT (G_N_ELEMENTS (fixes) == NN_FIX_COUNT);
  for (int i = 0; i < NN_FINDING_COUNT; i++)
    g_assert_cmpstr (nn_finding_kind_name ((nn_finding_kind) i), ==, kinds[i]);
  for (int i = 0; i < NN_FIX_COUNT; i++)
    g_assert_cmpstr (nn_fix_name ((nn_fix) i), ==, fixes[i]);
  g_assert_cmpstr (nn_finding_kind_name (NN_FINDING_COUNT), ==, "unknown");
  g_assert_cmpstr (nn_fix_name (NN_FIX_COUNT), ==, "unknown");
  g_assert_cmpstr (nn_finding_severity_name (NN_FINDING_INFO), ==, "info");
  g_assert_cmpstr (nn_finding_severity_name (NN_FINDING_WARNING), ==, "warning");
  g_assert_cmpstr (nn_finding_severity_name (NN_FINDING_ERROR), ==, "error");
}

/* ---- Fixes ----------------------------------------------------------------- */

static nn_model_spec
spec_of (const char *layers)
{
  nn_model_spec spec;

  nn_model_spec_init (&spec);
  spec.inputs = 2;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, layers, NULL), ==, NN_OK);
  return spec;
}

/* Applies @fix about spec layer @layer to @layers and default settings;
 * checks what it returns and, when it applies, the layers after. */
static void
check_fix (nn_fix      fix,
           int         layer,
           const char *layers,
           const char *want)
{
  nn_finding f = { .fix = fix, .layer = layer, .op = SIZE_MAX };
  nn_model_spec spec = spec_of (layers), before = spec;
  nn_trainer_params p = nn_trainer_params_default ();
  char got[512];
  bool applied = nn_fix_apply (&f, &spec, &p);

  if (want == NULL)
    {
      g_assert_false (applied);
      g_assert_cmpmem (&spec, sizeof spec, &before, sizeof before);
      return;
    }
  g_assert_true (applied);
  nn_model_spec_format_layers (&spec, got, sizeof got);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpint (nn_model_spec_check (&spec, NN_TASK_CLASSIFICATION, 2, NULL), ==, NN_OK);
}

static void
test_fix_layers (void)
{
  /* He initialisation on the finding's dense layer; its activation stays. */
  check_fix (NN_FIX_HE_INIT, 0, "dense:8:sigmoid,dense:2", "dense:8:sigmoid:he_normal,dense:2");
  check_fix (NN_FIX_HE_INIT, 0, "dense:8:sigmoid:he_normal,dense:2", NULL);
  check_fix (NN_FIX_HE_INIT, 1, "dense:8,sigmoid,dense:2", NULL);
  check_fix (NN_FIX_HE_INIT, 3, "dense:8,sigmoid,dense:2", NULL);
  check_fix (NN_FIX_HE_INIT, -1, "dense:8,sigmoid,dense:2", NULL);

  /* Batch norm straight after the Linear, before its activation: a dense
   * layer with its own is split; after an activation layer's dense layer;
   * never twice, never after the output. */
  check_fix (NN_FIX_ADD_BATCHNORM, 0, "dense:8:tanh,dense:2", "dense:8,batchnorm,tanh,dense:2");
  check_fix (NN_FIX_ADD_BATCHNORM, 0, "dense:8,batchnorm,tanh,dense:2", NULL);
  check_fix (NN_FIX_ADD_BATCHNORM, 1, "dense:8,sigmoid,dense:2",
             "dense:8,batchnorm,sigmoid,dense:2");
  check_fix (NN_FIX_ADD_BATCHNORM, 1, "dense:8:relu,dense:2", NULL);
  check_fix (NN_FIX_ADD_BATCHNORM, -1, "dense:8:relu,dense:2", NULL);

  /* ReLU → leaky ReLU, in a dense layer or an activation layer. */
  check_fix (NN_FIX_LEAKY_RELU, 0, "dense:8:relu,dense:2", "dense:8:leaky_relu,dense:2");
  check_fix (NN_FIX_LEAKY_RELU, 1, "dense:8,relu,dense:2", "dense:8,leaky_relu,dense:2");
  check_fix (NN_FIX_LEAKY_RELU, 0, "dense:8:leaky_relu,dense:2", NULL);
  check_fix (NN_FIX_LEAKY_RELU, 0, "dense:8:tanh,dense:2", NULL);
  check_fix (NN_FIX_LEAKY_RELU, 2, "dense:8:relu,dense:2", NULL);

  /* Dropout 0.2 after the finding's dense layer (past its activation and
   * batch norm), or after the last hidden one; never twice. */
  check_fix (NN_FIX_ADD_DROPOUT, -1, "dense:16:relu,dense:8,relu,batchnorm,dense:2",
             "dense:16:relu,dense:8,relu,batchnorm,dropout:0.2,dense:2");
  check_fix (NN_FIX_ADD_DROPOUT, 0, "dense:16:relu,dense:8,relu,batchnorm,dense:2",
             "dense:16:relu,dropout:0.2,dense:8,relu,batchnorm,dense:2");
  check_fix (NN_FIX_ADD_DROPOUT, -1, "dense:16:relu,dropout:0.5,dense:2", NULL);
  check_fix (NN_FIX_ADD_DROPOUT, -1, "dense:2", NULL);
  check_fix (NN_FIX_ADD_DROPOUT, 1, "dense:8:relu,dense:2", NULL);

  check_fix (NN_FIX_NONE, 0, "dense:8:relu,dense:2", NULL);
}

/* A spec full to NN_SPEC_MAX_LAYERS takes no more layers. */
static void
test_fix_full (void)
{
  nn_model_spec spec = spec_of ("dense:4:relu,dense:2");
  nn_trainer_params p = nn_trainer_params_default ();
  nn_finding f = { .fix = NN_FIX_ADD_BATCHNORM, .layer = 0, .op = SIZE_MAX };

  memmove (&spec.layers[NN_SPEC_MAX_LAYERS - 2], &spec.layers[0], 2 * sizeof spec.layers[0]);
  for (size_t i = 0; i < NN_SPEC_MAX_LAYERS - 2; i++)
    spec.layers[i] = (nn_layer_spec) { .kind = NN_LAYER_DENSE, .units = 4 };
  spec.n_layers = NN_SPEC_MAX_LAYERS;
  f.layer = NN_SPEC_MAX_LAYERS - 2;
  g_assert_false (nn_fix_apply (&f, &spec, &p));
  f.fix = NN_FIX_ADD_DROPOUT;
  g_assert_false (nn_fix_apply (&f, &spec, &p));
  /* One short: a plain dense layer takes its batch norm, one with an
   * activation (which needs two more) does not. */
  spec.n_layers--;
  spec.layers[NN_SPEC_MAX_LAYERS - 3] = spec.layers[NN_SPEC_MAX_LAYERS - 2];
  spec.layers[NN_SPEC_MAX_LAYERS - 2] = spec.layers[NN_SPEC_MAX_LAYERS - 1];
  f.fix = NN_FIX_ADD_BATCHNORM;
  f.layer = NN_SPEC_MAX_LAYERS - 3;
  g_assert_false (nn_fix_apply (&f, &spec, &p));
  f.layer = NN_SPEC_MAX_LAYERS - 4;
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpuint (spec.n_layers, ==, NN_SPEC_MAX_LAYERS);
  g_assert_cmpint (spec.layers[NN_SPEC_MAX_LAYERS - 3].kind, ==, NN_LAYER_BATCHNORM);
}

static void
test_fix_settings (void)
{
  nn_model_spec spec = spec_of ("dense:8:relu,dense:2"), before = spec;
  nn_trainer_params p = nn_trainer_params_default ();
  nn_finding f = { .layer = -1, .op = SIZE_MAX };

  p.opt.lr = 0.5;
  f.fix = NN_FIX_LOWER_LR;
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpfloat (p.opt.lr, ==, 0.05);
  f.fix = NN_FIX_RAISE_LR;
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpfloat_with_epsilon (p.opt.lr, 5.0, 1e-12);

  /* Clipping at 1: from none or a looser norm, not over a tighter one. */
  f.fix = NN_FIX_CLIP_NORM;
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpfloat (p.clip_norm, ==, 1.0);
  g_assert_false (nn_fix_apply (&f, &spec, &p));
  p.clip_norm = 5.0;
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpfloat (p.clip_norm, ==, 1.0);
  p.clip_norm = 0.5;
  g_assert_false (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpfloat (p.clip_norm, ==, 0.5);

  f.fix = NN_FIX_EARLY_STOP;
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpint (p.early_stop, ==, 10);
  p.early_stop = 3;
  g_assert_false (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpint (p.early_stop, ==, 3);

  /* The plateau schedule with torch's defaults; the warm-up stays. */
  p.schedule = nn_schedule_params_default (NN_SCHEDULE_COSINE);
  p.schedule.warmup = 50;
  f.fix = NN_FIX_PLATEAU_SCHEDULE;
  g_assert_true (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpint (p.schedule.kind, ==, NN_SCHEDULE_PLATEAU);
  g_assert_cmpint (p.schedule.patience, ==, 10);
  g_assert_cmpfloat (p.schedule.factor, ==, 0.1);
  g_assert_cmpint (p.schedule.warmup, ==, 50);
  g_assert_cmpint (nn_schedule_params_check (&p.schedule, NULL), ==, NN_OK);
  g_assert_false (nn_fix_apply (&f, &spec, &p));
  g_assert_cmpmem (&spec, sizeof spec, &before, sizeof before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/diagnose/healthy", test_healthy);
  g_test_add_func ("/engine/diagnose/vanishing", test_vanishing);
  g_test_add_func ("/engine/diagnose/exploding", test_exploding);
  g_test_add_func ("/engine/diagnose/diverged", test_diverged);
  g_test_add_func ("/engine/diagnose/dead-units", test_dead_units);
  g_test_add_func ("/engine/diagnose/saturated", test_saturated);
  g_test_add_func ("/engine/diagnose/lr-too-high", test_lr_too_high);
  g_test_add_func ("/engine/diagnose/lr-too-low", test_lr_too_low);
  g_test_add_func ("/engine/diagnose/overfitting", test_overfitting);
  g_test_add_func ("/engine/diagnose/underfitting", test_underfitting);
  g_test_add_func ("/engine/diagnose/plateau", test_plateau);
  g_test_add_func ("/engine/diagnose/threshold/vanishing", test_threshold_vanishing);
  g_test_add_func ("/engine/diagnose/threshold/exploding", test_threshold_exploding);
  g_test_add_func ("/engine/diagnose/threshold/dead-units", test_threshold_dead);
  g_test_add_func ("/engine/diagnose/threshold/saturated", test_threshold_saturated);
  g_test_add_func ("/engine/diagnose/threshold/lr", test_threshold_lr);
  g_test_add_func ("/engine/diagnose/threshold/oscillating", test_threshold_oscillating);
  g_test_add_func ("/engine/diagnose/threshold/overfitting", test_threshold_overfitting);
  g_test_add_func ("/engine/diagnose/threshold/underfitting", test_threshold_underfitting);
  g_test_add_func ("/engine/diagnose/threshold/plateau", test_threshold_plateau);
  g_test_add_func ("/engine/diagnose/order-and-max", test_order_and_max);
  g_test_add_func ("/engine/diagnose/deterministic", test_deterministic);
  g_test_add_func ("/engine/diagnose/mismatch", test_mismatch);
  g_test_add_func ("/engine/diagnose/names", test_names);
  g_test_add_func ("/engine/diagnose/fix/layers", test_fix_layers);
  g_test_add_func ("/engine/diagnose/fix/full", test_fix_full);
  g_test_add_func ("/engine/diagnose/fix/settings", test_fix_settings);
  return g_test_run ();
}
