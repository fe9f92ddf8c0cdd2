/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "init.h"

struct nn_model
{
  nn_model_spec     spec;
  size_t            max_batch;

  size_t            n_ops;
  nn_op            *ops;
  size_t            n_segments;
  nn_param_segment *segments;

  size_t            n_params;
  float            *params;
  float            *grads;
  size_t            n_buffers;
  float            *buffers;

  /* Per op, sized for max_batch rows: output, output gradient, and for
   * dropout the mask (0 or 1/(1 − p)), for batch norm x̂ and per-feature
   * mean and 1/σ. NULL where an op does not need it. */
  float           **act;
  float           **dact;
  float           **mask;
  float           **xhat;
  float           **bn_mean;
  float           **bn_invstd;
  double           *scratch;     /* [2 × widest] per-feature sums */
  float            *dinput;      /* [max_batch × inputs] when input_grad */
  bool              input_grad;

  const float      *x;           /* input of the last forward */
  size_t            n;           /* rows of the last forward */
};

static size_t
add_op (nn_model *m,
        nn_op     op)
{
  m->ops[m->n_ops] = op;
  return m->n_ops++;
}

static void
add_segment (nn_model   *m,
             size_t      offset,
             size_t      count,
             size_t      op,
             bool        decay,
             const char *name)
{
  m->segments[m->n_segments++] = (nn_param_segment) {
    .offset = offset, .count = count, .op = op, .decay = decay, .name = name,
  };
}

/* The activation that decides a dense layer's initialiser: its own, or the
 * first activation layer after it before the next dense layer. */
static nn_activation
activation_after (const nn_model_spec *spec,
                  size_t               i)
{
  if (spec->layers[i].activation != NN_ACT_IDENTITY)
    return spec->layers[i].activation;
  for (size_t j = i + 1; j < spec->n_layers && spec->layers[j].kind != NN_LAYER_DENSE; j++)
    if (spec->layers[j].kind == NN_LAYER_ACTIVATION)
      return spec->layers[j].activation;
  return NN_ACT_IDENTITY;
}

/* Lays out the ops, parameter segments and buffers of @spec; counts only. */
static void
build_ops (nn_model *m)
{
  const nn_model_spec *spec = &m->spec;
  size_t width = spec->inputs;

  for (size_t i = 0; i < spec->n_layers; i++)
    {
      const nn_layer_spec *l = &spec->layers[i];
      nn_op op = { .layer = i, .in = width, .out = width, .act = l->activation };
      size_t idx;

      switch (l->kind)
        {
        case NN_LAYER_DENSE:
          op.kind = NN_OP_LINEAR;
          op.out = l->units;
          op.act = NN_ACT_IDENTITY;
          op.init = nn_init_resolve (l->init, activation_after (spec, i));
          op.param_offset = m->n_params;
          op.n_weights = width * l->units;
          op.n_params = op.n_weights + l->units;
          m->n_params += op.n_params;
          idx = add_op (m, op);
          add_segment (m, op.param_offset, op.n_weights, idx, true, "weight");
          add_segment (m, op.param_offset + op.n_weights, l->units, idx, false, "bias");
          width = l->units;
          if (l->activation != NN_ACT_IDENTITY)
            add_op (m, (nn_op) { .kind = NN_OP_ACTIVATION, .layer = i, .in = width,
                                 .out = width, .act = l->activation });
          break;
        case NN_LAYER_ACTIVATION:
          op.kind = NN_OP_ACTIVATION;
          add_op (m, op);
          break;
        case NN_LAYER_DROPOUT:
          op.kind = NN_OP_DROPOUT;
          op.act = NN_ACT_IDENTITY;
          op.rate = l->rate;
          add_op (m, op);
          break;
        case NN_LAYER_BATCHNORM:
        case NN_LAYER_COUNT:
          op.kind = NN_OP_BATCHNORM;
          op.act = NN_ACT_IDENTITY;
          op.param_offset = m->n_params;
          op.n_weights = width;
          op.n_params = 2 * width;
          op.buffer_offset = m->n_buffers;
          m->n_params += op.n_params;
          m->n_buffers += 2 * width;
          idx = add_op (m, op);
          add_segment (m, op.param_offset, width, idx, false, "weight");
          add_segment (m, op.param_offset + width, width, idx, false, "bias");
          break;
        }
    }
}

/* Floats the model needs in all, or SIZE_MAX when that overflows. */
static size_t
count_floats (const nn_model *m)
{
  size_t total = 2 * m->n_params + m->n_buffers + m->spec.inputs * m->max_batch;

  for (size_t i = 0; i < m->n_ops; i++)
    {
      const nn_op *op = &m->ops[i];
      size_t per = 2;

      if (op->kind == NN_OP_DROPOUT || op->kind == NN_OP_BATCHNORM)
        per = 3;
      if (op->out > SIZE_MAX / per / m->max_batch)
        return SIZE_MAX;
      total += per * op->out * m->max_batch;
    }
  return total;
}

nn_model *
nn_model_new (const nn_model_spec *spec,
              size_t               max_batch,
              nn_error            *err)
{
  nn_model *m;
  size_t widest, floats;

  if (spec->inputs == 0 || spec->inputs > NN_MODEL_MAX_FLOATS || spec->n_layers == 0
      || spec->n_layers > NN_SPEC_MAX_LAYERS)
    {
      nn_error_set (err, NN_ERR_INVALID, "the model needs inputs and 1 to %d layers",
                    NN_SPEC_MAX_LAYERS);
      return NULL;
    }
  if (max_batch == 0 || max_batch > NN_MODEL_MAX_FLOATS)
    {
      nn_error_set (err, NN_ERR_INVALID, "the batch size must be from 1 to %zu",
                    NN_MODEL_MAX_FLOATS);
      return NULL;
    }
  m = calloc (1, sizeof *m);
  if (m == NULL)
    goto nomem;
  m->spec = *spec;
  m->max_batch = max_batch;
  m->ops = calloc (2 * spec->n_layers, sizeof *m->ops);
  m->segments = calloc (2 * spec->n_layers, sizeof *m->segments);
  if (m->ops == NULL || m->segments == NULL)
    goto nomem;
  build_ops (m);

  floats = count_floats (m);
  if (floats > NN_MODEL_MAX_FLOATS)
    {
      nn_error_set (err, NN_ERR_NOMEM, "a model of %zu parameters with batches of %zu rows "
                    "needs more than the %zu GiB Backprop allows; use a smaller batch or "
                    "fewer units", m->n_params, max_batch, NN_MODEL_MAX_FLOATS * 4 >> 30);
      nn_model_free (m);
      return NULL;
    }

  m->params = calloc (m->n_params, sizeof (float));
  m->grads = calloc (m->n_params, sizeof (float));
  m->buffers = calloc (m->n_buffers + 1, sizeof (float));
  m->act = calloc (m->n_ops, sizeof (float *));
  m->dact = calloc (m->n_ops, sizeof (float *));
  m->mask = calloc (m->n_ops, sizeof (float *));
  m->xhat = calloc (m->n_ops, sizeof (float *));
  m->bn_mean = calloc (m->n_ops, sizeof (float *));
  m->bn_invstd = calloc (m->n_ops, sizeof (float *));
  if (!m->params || !m->grads || !m->buffers || !m->act || !m->dact || !m->mask || !m->xhat
      || !m->bn_mean || !m->bn_invstd)
    goto nomem;

  widest = spec->inputs;
  for (size_t i = 0; i < m->n_ops; i++)
    {
      const nn_op *op = &m->ops[i];
      size_t size = op->out * max_batch;

      if (op->out > widest)
        widest = op->out;
      m->act[i] = malloc (size * sizeof (float));
      m->dact[i] = malloc (size * sizeof (float));
      if (m->act[i] == NULL || m->dact[i] == NULL)
        goto nomem;
      if (op->kind == NN_OP_DROPOUT && (m->mask[i] = malloc (size * sizeof (float))) == NULL)
        goto nomem;
      if (op->kind == NN_OP_BATCHNORM
          && ((m->xhat[i] = malloc (size * sizeof (float))) == NULL
              || (m->bn_mean[i] = calloc (op->out, sizeof (float))) == NULL
              || (m->bn_invstd[i] = calloc (op->out, sizeof (float))) == NULL))
        goto nomem;
    }
  m->scratch = calloc (2 * widest, sizeof (double));
  if (m->scratch == NULL)
    goto nomem;
  return m;

nomem:
  nn_model_free (m);
  nn_error_set (err, NN_ERR_NOMEM, "out of memory for the model");
  return NULL;
}

void
nn_model_free (nn_model *m)
{
  if (m == NULL)
    return;
  for (size_t i = 0; i < m->n_ops; i++)
    {
      if (m->act != NULL)
        free (m->act[i]);
      if (m->dact != NULL)
        free (m->dact[i]);
      if (m->mask != NULL)
        free (m->mask[i]);
      if (m->xhat != NULL)
        free (m->xhat[i]);
      if (m->bn_mean != NULL)
        free (m->bn_mean[i]);
      if (m->bn_invstd != NULL)
        free (m->bn_invstd[i]);
    }
  free (m->act);
  free (m->dact);
  free (m->mask);
  free (m->xhat);
  free (m->bn_mean);
  free (m->bn_invstd);
  free (m->scratch);
  free (m->dinput);
  free (m->params);
  free (m->grads);
  free (m->buffers);
  free (m->ops);
  free (m->segments);
  free (m);
}

void
nn_model_init_params (nn_model *m,
                      uint64_t  seed)
{
  nn_rng rng;

  nn_rng_seed (&rng, seed);
  for (size_t i = 0; i < m->n_ops; i++)
    {
      const nn_op *op = &m->ops[i];
      float *p = m->params + op->param_offset;

      if (op->kind == NN_OP_LINEAR)
        nn_init_dense (op->init, activation_after (&m->spec, op->layer), op->in, op->out, p,
                       p + op->n_weights, &rng);
      else if (op->kind == NN_OP_BATCHNORM)
        {
          float *running = m->buffers + op->buffer_offset;

          for (size_t j = 0; j < op->out; j++)
            {
              p[j] = 1.0f;
              p[op->out + j] = 0.0f;
              running[j] = 0.0f;
              running[op->out + j] = 1.0f;
            }
        }
    }
  memset (m->grads, 0, m->n_params * sizeof (float));
}

const nn_model_spec *
nn_model_get_spec (const nn_model *m)
{
  return &m->spec;
}

size_t
nn_model_max_batch (const nn_model *m)
{
  return m->max_batch;
}

size_t
nn_model_inputs (const nn_model *m)
{
  return m->spec.inputs;
}

size_t
nn_model_outputs (const nn_model *m)
{
  return m->ops[m->n_ops - 1].out;
}

size_t
nn_model_n_ops (const nn_model *m)
{
  return m->n_ops;
}

const nn_op *
nn_model_op (const nn_model *m,
             size_t          i)
{
  return i < m->n_ops ? &m->ops[i] : NULL;
}

size_t
nn_model_n_segments (const nn_model *m)
{
  return m->n_segments;
}

const nn_param_segment *
nn_model_segments (const nn_model *m)
{
  return m->segments;
}

size_t
nn_model_n_params (const nn_model *m)
{
  return m->n_params;
}

float *
nn_model_params (nn_model *m)
{
  return m->params;
}

float *
nn_model_grads (nn_model *m)
{
  return m->grads;
}

size_t
nn_model_n_buffers (const nn_model *m)
{
  return m->n_buffers;
}

float *
nn_model_buffers (nn_model *m)
{
  return m->buffers;
}

float *
nn_model_swap_params (nn_model *m,
                      float    *params)
{
  float *old = m->params;

  m->params = params;
  return old;
}

float *
nn_model_output_grad (nn_model *m)
{
  return m->dact[m->n_ops - 1];
}

const float *
nn_model_activation (const nn_model *m,
                     size_t          i)
{
  return m->act[i];
}

const float *
nn_model_input_grad (const nn_model *m,
                     size_t          i)
{
  if (i > 0)
    return m->dact[i - 1];
  return m->input_grad ? m->dinput : NULL;
}

void
nn_model_set_input_grad (nn_model *m,
                         bool      enabled)
{
  if (enabled && m->dinput == NULL)
    {
      m->dinput = malloc (m->max_batch * m->spec.inputs * sizeof (float));
      if (m->dinput == NULL)
        return;
    }
  m->input_grad = enabled;
}

void
nn_model_describe_op (const nn_model *m,
                      size_t          i,
                      char           *buf,
                      size_t          len)
{
  const nn_op *op = &m->ops[i];

  switch (op->kind)
    {
    case NN_OP_LINEAR:
      snprintf (buf, len, "Linear(%zu→%zu)", op->in, op->out);
      break;
    case NN_OP_ACTIVATION:
      snprintf (buf, len, "%s", nn_activation_torch_name (op->act));
      break;
    case NN_OP_DROPOUT:
      snprintf (buf, len, "Dropout(%g)", (double) op->rate);
      break;
    case NN_OP_BATCHNORM:
    case NN_OP_COUNT:
      snprintf (buf, len, "BatchNorm1d(%zu)", op->out);
      break;
    }
}

/* Y = X·Wᵀ + b, with W [out × in] as torch stores it. */
static void
linear_forward (const nn_op *op,
                const float *w,
                const float *x,
                float       *y,
                size_t       n)
{
  const float *b = w + op->n_weights;

  for (size_t r = 0; r < n; r++)
    memcpy (y + r * op->out, b, op->out * sizeof (float));
  /* Y += X·Wᵀ */
  nn_gemm (false, true, n, op->out, op->in, 1.0f, x, op->in, w, op->in, 1.0f, y, op->out);
}

static void
linear_backward (const nn_op *op,
                 const float *w,
                 float       *dw,
                 const float *x,
                 const float *dy,
                 float       *dx,
                 size_t       n)
{
  float *db = dw + op->n_weights;

  /* dW = dYᵀ·X */
  nn_gemm (true, false, op->out, op->in, n, 1.0f, dy, op->out, x, op->in, 0.0f, dw, op->in);
  /* db = Σ_rows dY, in float like the gemm it sits beside */
  memcpy (db, dy, op->out * sizeof (float));
  for (size_t r = 1; r < n; r++)
    {
      const float *row = dy + r * op->out;

      for (size_t j = 0; j < op->out; j++)
        db[j] += row[j];
    }
  /* dX = dY·W */
  if (dx != NULL)
    nn_gemm (false, false, n, op->in, op->out, 1.0f, dy, op->out, w, op->in, 0.0f, dx, op->in);
}

/* Inverted dropout: keep with probability 1 − p and scale by 1/(1 − p), so
 * evaluation is the identity. */
static void
dropout_forward (const nn_op *op,
                 float       *mask,
                 const float *x,
                 float       *y,
                 size_t       count,
                 bool         draw,
                 nn_rng      *rng)
{
  float keep = 1.0f / (1.0f - op->rate);

  if (draw)
    for (size_t i = 0; i < count; i++)
      {
        /* 24 random bits make a float uniform in [0, 1) exactly. */
        float u = (float) (nn_rng_next (rng) >> 40) * 0x1p-24f;
        mask[i] = u < op->rate ? 0.0f : keep;
      }
  for (size_t i = 0; i < count; i++)
    y[i] = x[i] * mask[i];
}

static void
batchnorm_forward (nn_model    *m,
                   size_t       i,
                   const float *x,
                   float       *y,
                   size_t       n,
                   nn_mode      mode)
{
  const nn_op *op = &m->ops[i];
  size_t f = op->out;
  const float *gamma = m->params + op->param_offset, *beta = gamma + f;
  float *run_mean = m->buffers + op->buffer_offset, *run_var = run_mean + f;
  float *mean = m->bn_mean[i], *invstd = m->bn_invstd[i], *xhat = m->xhat[i];
  double *sum = m->scratch, *sq = m->scratch + f;

  if (mode == NN_MODE_TRAIN)
    {
      /* Batch mean, then the biased variance Σ(x − μ)²/n for normalising and
       * the unbiased one n/(n − 1) times that for the running estimate. */
      memset (sum, 0, f * sizeof (double));
      memset (sq, 0, f * sizeof (double));
      for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < f; j++)
          sum[j] += x[r * f + j];
      for (size_t j = 0; j < f; j++)
        mean[j] = (float) (sum[j] / (double) n);
      for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < f; j++)
          {
            double d = (double) x[r * f + j] - mean[j];
            sq[j] += d * d;
          }
      for (size_t j = 0; j < f; j++)
        {
          double var = sq[j] / (double) n;

          invstd[j] = (float) (1.0 / sqrt (var + NN_BATCHNORM_EPS));
          run_mean[j] = (1.0f - NN_BATCHNORM_MOMENTUM) * run_mean[j]
                        + NN_BATCHNORM_MOMENTUM * mean[j];
          if (n > 1)
            run_var[j] = (1.0f - NN_BATCHNORM_MOMENTUM) * run_var[j]
                         + NN_BATCHNORM_MOMENTUM * (float) (sq[j] / (double) (n - 1));
        }
    }
  else
    for (size_t j = 0; j < f; j++)
      {
        mean[j] = run_mean[j];
        invstd[j] = (float) (1.0 / sqrt ((double) run_var[j] + NN_BATCHNORM_EPS));
      }
  for (size_t r = 0; r < n; r++)
    for (size_t j = 0; j < f; j++)
      {
        float h = (x[r * f + j] - mean[j]) * invstd[j];

        xhat[r * f + j] = h;
        y[r * f + j] = gamma[j] * h + beta[j];
      }
}

/* With x̂ = (x − μ)/σ over the batch:
 * dγ = Σ dy·x̂, dβ = Σ dy, dx = γ/(nσ) · (n·dy − dβ − x̂·dγ). */
static void
batchnorm_backward (nn_model    *m,
                    size_t       i,
                    const float *dy,
                    float       *dx,
                    size_t       n)
{
  const nn_op *op = &m->ops[i];
  size_t f = op->out;
  const float *gamma = m->params + op->param_offset;
  float *dgamma = m->grads + op->param_offset, *dbeta = dgamma + f;
  const float *xhat = m->xhat[i], *invstd = m->bn_invstd[i];
  double *sg = m->scratch, *sb = m->scratch + f;

  memset (sg, 0, f * sizeof (double));
  memset (sb, 0, f * sizeof (double));
  for (size_t r = 0; r < n; r++)
    for (size_t j = 0; j < f; j++)
      {
        sg[j] += (double) dy[r * f + j] * xhat[r * f + j];
        sb[j] += dy[r * f + j];
      }
  for (size_t j = 0; j < f; j++)
    {
      dgamma[j] = (float) sg[j];
      dbeta[j] = (float) sb[j];
    }
  if (dx == NULL)
    return;
  for (size_t r = 0; r < n; r++)
    for (size_t j = 0; j < f; j++)
      {
        double g = (double) dy[r * f + j] * (double) n - sb[j] - xhat[r * f + j] * sg[j];

        dx[r * f + j] = (float) (gamma[j] * invstd[j] * g / (double) n);
      }
}

static const float *
forward_range (nn_model    *m,
               size_t       first,
               const float *in,
               size_t       n,
               nn_mode      mode,
               nn_rng      *rng)
{
  for (size_t i = first; i < m->n_ops; i++)
    {
      const nn_op *op = &m->ops[i];
      float *out = m->act[i];

      switch (op->kind)
        {
        case NN_OP_LINEAR:
          linear_forward (op, m->params + op->param_offset, in, out, n);
          break;
        case NN_OP_ACTIVATION:
          nn_activation_forward (op->act, in, out, n * op->out);
          break;
        case NN_OP_DROPOUT:
          if (mode == NN_MODE_TRAIN && op->rate > 0.0f)
            dropout_forward (op, m->mask[i], in, out, n * op->out, rng != NULL, rng);
          else
            memcpy (out, in, n * op->out * sizeof (float));
          break;
        case NN_OP_BATCHNORM:
        case NN_OP_COUNT:
          batchnorm_forward (m, i, in, out, n, mode);
          break;
        }
      in = out;
    }
  m->n = n;
  return m->act[m->n_ops - 1];
}

const float *
nn_model_forward (nn_model    *m,
                  const float *x,
                  size_t       n,
                  nn_mode      mode,
                  nn_rng      *rng)
{
  if (n > m->max_batch)
    n = m->max_batch;
  m->x = x;
  return forward_range (m, 0, x, n, mode, rng);
}

const float *
nn_model_forward_from (nn_model    *m,
                       size_t       first,
                       const float *in,
                       size_t       n,
                       nn_mode      mode)
{
  if (n > m->max_batch)
    n = m->max_batch;
  if (first == 0)
    m->x = in;
  return forward_range (m, first, in, n, mode, NULL);
}

void
nn_model_backward (nn_model *m)
{
  nn_model_backward_hooked (m, NULL, NULL);
}

void
nn_model_backward_hooked (nn_model          *m,
                          nn_grads_ready_cb  ready,
                          void              *user)
{
  size_t n = m->n;

  for (size_t i = m->n_ops; i-- > 0;)
    {
      const nn_op *op = &m->ops[i];
      const float *dy = m->dact[i];
      const float *in = i > 0 ? m->act[i - 1] : m->x;
      float *dx = i > 0 ? m->dact[i - 1] : (m->input_grad ? m->dinput : NULL);
      size_t count = n * op->in;

      switch (op->kind)
        {
        case NN_OP_LINEAR:
          linear_backward (op, m->params + op->param_offset, m->grads + op->param_offset, in, dy,
                           dx, n);
          break;
        case NN_OP_ACTIVATION:
          if (dx != NULL)
            nn_activation_backward (op->act, in, m->act[i], dy, dx, count);
          break;
        case NN_OP_DROPOUT:
          if (dx != NULL && op->rate > 0.0f)
            for (size_t j = 0; j < count; j++)
              dx[j] = dy[j] * m->mask[i][j];
          else if (dx != NULL)
            memcpy (dx, dy, count * sizeof (float));
          break;
        case NN_OP_BATCHNORM:
        case NN_OP_COUNT:
          batchnorm_backward (m, i, dy, dx, n);
          break;
        }
      if (ready != NULL && op->n_params > 0)
        ready (i, user);
    }
}
