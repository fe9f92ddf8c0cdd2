/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gradcheck.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"

nn_gradcheck_params
nn_gradcheck_params_default (void)
{
  return (nn_gradcheck_params) { .eps = 1e-3, .per_tensor = 64, .seed = 1, .skip_kinks = true };
}

typedef struct
{
  nn_model      *model;
  const int32_t *classes;
  const float   *targets;
  size_t         n;
  nn_loss        loss;
  double         eps;
  uint8_t       *signs;     /* [Σ rows × inputs of the kinked ops], or NULL: no kinks */
  double         resolution;
  size_t         checked;
  size_t         skipped;
  size_t         unresolved;
} check_ctx;

static bool
kinked (const nn_op *op)
{
  return op->kind == NN_OP_ACTIVATION && (op->act == NN_ACT_RELU || op->act == NN_ACT_LEAKY_RELU);
}

nn_gradcheck_verdict
nn_gradcheck_judge (const nn_gradcheck_op *r,
                    double                 tolerance)
{
  if (r->max_error > tolerance)
    return NN_GRADCHECK_FAIL;
  if (r->checked == 0)
    return NN_GRADCHECK_NONE;
  return r->unresolved == r->checked ? NN_GRADCHECK_UNRESOLVED : NN_GRADCHECK_PASS;
}

/* Records (@compare false) or compares with the record (@compare true) on
 * which side of 0 every input of every kinked op lies after a forward from
 * op @first fed @in; returns false when a side changed. */
static bool
kink_sides (check_ctx   *c,
            size_t       first,
            const float *in,
            bool         compare)
{
  uint8_t *s = c->signs;

  for (size_t j = 0; j < nn_model_n_ops (c->model); j++)
    {
      const nn_op *op = nn_model_op (c->model, j);
      const float *x;
      size_t count = c->n * op->in;

      if (!kinked (op))
        continue;
      x = j == first ? in : j > 0 ? nn_model_activation (c->model, j - 1) : in;
      for (size_t i = 0; i < count; i++, s++)
        {
          uint8_t side = x[i] > 0.0f;

          if (compare && *s != side)
            return false;
          *s = side;
        }
    }
  return true;
}

static double
loss_from (check_ctx   *c,
           size_t       first,
           const float *in)
{
  const float *out = nn_model_forward_from (c->model, first, in, c->n, NN_MODE_TRAIN);

  return nn_loss_compute (c->loss, out, c->n, nn_model_outputs (c->model), c->classes,
                          c->targets, NULL, NULL);
}

/* Checks entries of @values (which the forward from op @first reads) against
 * @analytic; returns the scaled error. */
static double
check_array (check_ctx   *c,
             float       *values,
             const float *analytic,
             size_t       count,
             size_t       first,
             const float *in,
             size_t       per_tensor,
             nn_rng      *rng)
{
  size_t checks = per_tensor == 0 || per_tensor > count ? count : per_tensor;
  size_t checked = 0;
  double worst = 0.0, scale = 0.0;

  for (size_t k = 0; k < checks; k++)
    {
      size_t i = checks == count ? k : (size_t) nn_rng_below (rng, count);
      float saved = values[i];
      double plus, minus, numeric;
      bool same_sides = true;

      values[i] = saved + (float) c->eps;
      plus = loss_from (c, first, in);
      if (c->signs != NULL)
        kink_sides (c, first, in, false);
      values[i] = saved - (float) c->eps;
      minus = loss_from (c, first, in);
      if (c->signs != NULL)
        same_sides = kink_sides (c, first, in, true);
      values[i] = saved;
      if (!same_sides)
        {
          c->skipped++;
          continue;
        }
      /* The step actually taken, after rounding to float. */
      numeric = (plus - minus) / ((double) (saved + (float) c->eps) - (saved - (float) c->eps));
      worst = fmax (worst, fabs (numeric - analytic[i]) - c->resolution);
      scale = fmax (scale, fmax (fabs (numeric), fabs (analytic[i])));
      if (fabs (numeric) <= c->resolution && fabs (analytic[i]) <= c->resolution)
        c->unresolved++;
      checked++;
    }
  c->checked += checked;
  if (checked == 0)
    return NAN;
  scale = fmax (scale, c->resolution);
  return scale > 0.0 ? worst / scale : 0.0;
}

/* The rounding noise of the loss at the point back-propagation saw, from
 * the activations and gradients it left, added to @sum, the output's share
 * (see nn_gradcheck_op). */
static double
loss_noise (nn_model *m,
            size_t    n,
            double    sum)
{
  size_t n_ops = nn_model_n_ops (m);

  for (size_t i = 1; i < n_ops; i++)
    {
      const float *a = nn_model_activation (m, i - 1), *g = nn_model_input_grad (m, i);

      if (g != NULL)
        for (size_t j = 0; j < n * nn_model_op (m, i)->in; j++)
          sum += ((double) a[j] * g[j]) * ((double) a[j] * g[j]);
    }
  return 4.0 * FLT_EPSILON * sqrt (sum);
}

nn_status
nn_gradcheck (nn_model                  *m,
              const float               *x,
              const int32_t             *classes,
              const float               *targets,
              size_t                     n,
              const nn_gradcheck_params *p,
              nn_gradcheck_op           *result,
              nn_error                  *err)
{
  size_t n_ops = nn_model_n_ops (m), n_params = nn_model_n_params (m);
  size_t widest = nn_model_inputs (m), offset = 0, k = nn_model_outputs (m);
  check_ctx c = {
    .model = m, .classes = classes, .targets = targets, .n = n,
    .loss = nn_model_get_spec (m)->loss, .eps = p->eps,
  };
  float *grads = NULL, *in_grads = NULL, *input = NULL, *buffers = NULL;
  const float *output;
  double output_noise = 0.0;
  size_t *in_offset = NULL, kink_count = 0;
  bool have_input0;
  nn_rng rng;

  if (n == 0 || n > nn_model_max_batch (m))
    return nn_error_set (err, NN_ERR_INVALID, "the gradient check needs 1 to %zu rows",
                         nn_model_max_batch (m));
  if (!(p->eps > 0.0 && p->eps < 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "the finite-difference step must be in (0, 1)");
  for (size_t i = 0; i < n_ops; i++)
    if (nn_model_op (m, i)->in > widest)
      widest = nn_model_op (m, i)->in;

  grads = malloc (n_params * sizeof (float) + 1);
  in_offset = calloc (n_ops, sizeof *in_offset);
  for (size_t i = 0; i < n_ops; i++)
    {
      in_offset[i] = offset;
      offset += n * nn_model_op (m, i)->in;
    }
  in_grads = malloc (offset * sizeof (float) + 1);
  for (size_t i = 0; i < n_ops; i++)
    if (p->skip_kinks && kinked (nn_model_op (m, i)))
      kink_count += n * nn_model_op (m, i)->in;
  if (kink_count > 0 && (c.signs = malloc (kink_count)) == NULL)
    {
      free (grads);
      free (in_offset);
      free (in_grads);
      return nn_error_set (err, NN_ERR_NOMEM, "out of memory for the gradient check");
    }
  input = malloc (n * widest * sizeof (float));
  buffers = malloc (nn_model_n_buffers (m) * sizeof (float) + 1);
  if (!grads || !in_offset || !in_grads || !input || !buffers)
    {
      free (grads);
      free (in_offset);
      free (in_grads);
      free (input);
      free (buffers);
      return nn_error_set (err, NN_ERR_NOMEM, "out of memory for the gradient check");
    }
  memcpy (buffers, nn_model_buffers (m), nn_model_n_buffers (m) * sizeof (float));

  /* Back-propagation, keeping every gradient it produced. */
  nn_rng_seed (&rng, p->seed);
  nn_model_set_input_grad (m, true);
  output = nn_model_forward (m, x, n, NN_MODE_TRAIN, &rng);
  nn_loss_compute (c.loss, output, n, k, classes, targets, nn_model_output_grad (m), NULL);
  /* The output's share of the noise, before backward reuses its gradient. */
  for (size_t j = 0; j < n * k; j++)
    {
      double t = (double) output[j] * nn_model_output_grad (m)[j];

      output_noise += t * t;
    }
  nn_model_backward (m);
  c.resolution = loss_noise (m, n, output_noise) / p->eps;
  memcpy (grads, nn_model_grads (m), n_params * sizeof (float));
  for (size_t i = 0; i < n_ops; i++)
    {
      const float *g = nn_model_input_grad (m, i);

      if (g != NULL)
        memcpy (in_grads + in_offset[i], g, n * nn_model_op (m, i)->in * sizeof (float));
    }
  have_input0 = nn_model_input_grad (m, 0) != NULL;

  for (size_t i = 0; i < n_ops; i++)
    {
      const nn_op *op = nn_model_op (m, i);
      const float *op_in = i == 0 ? x : nn_model_activation (m, i - 1);
      size_t count = n * op->in;

      c.checked = c.skipped = c.unresolved = 0;
      result[i].param_error = NAN;
      if (op->n_params > 0)
        /* A parameter perturbation is seen by every op from 0, fed the data. */
        result[i].param_error = check_array (&c, nn_model_params (m) + op->param_offset,
                                             grads + op->param_offset, op->n_params, 0, x,
                                             p->per_tensor, &rng);
      /* Perturb a copy of the op's input and run from the op itself; the
       * ops before it, and so its input, stay as they are. */
      result[i].input_error = NAN;
      if (i > 0 || have_input0)
        {
          /* The checks before left the activations of their last perturbed
           * pass (op i − 1's input minus eps, unless op i's own parameter
           * check has since rerun ops 0 … i − 1 clean): recompute them, or
           * the numeric gradient is taken at another point than backprop's. */
          if (i > 0)
            nn_model_forward_from (m, 0, x, n, NN_MODE_TRAIN);
          memcpy (input, op_in, count * sizeof (float));
          result[i].input_error = check_array (&c, input, in_grads + in_offset[i], count, i,
                                               input, p->per_tensor, &rng);
        }
      /* fmax ignores a NAN operand, so this is whichever was checked. */
      result[i].max_error = fmax (result[i].param_error, result[i].input_error);
      result[i].resolution = c.resolution;
      result[i].checked = c.checked;
      result[i].skipped = c.skipped;
      result[i].unresolved = c.unresolved;
    }

  nn_model_set_input_grad (m, false);
  memcpy (nn_model_buffers (m), buffers, nn_model_n_buffers (m) * sizeof (float));
  memcpy (nn_model_grads (m), grads, n_params * sizeof (float));
  free (grads);
  free (in_offset);
  free (in_grads);
  free (input);
  free (buffers);
  free (c.signs);
  return NN_OK;
}
