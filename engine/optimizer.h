/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model.h"

/* The optimizers, with torch.optim's update rules. GD is SGD over the whole
 * training set at once; MOMENTUM and NESTEROV are SGD with momentum 0.9 (and
 * nesterov=True) unless set otherwise. */
typedef enum
{
  NN_OPT_GD,
  NN_OPT_SGD,
  NN_OPT_MOMENTUM,
  NN_OPT_NESTEROV,
  NN_OPT_ADAM,
  NN_OPT_ADAMW,
  NN_OPT_RMSPROP,
  NN_OPT_ADAGRAD,
  NN_OPT_COUNT
} nn_optimizer;

typedef struct
{
  nn_optimizer kind;
  double       lr;
  double       momentum;      /* SGD family and RMSprop */
  double       dampening;     /* SGD family */
  bool         nesterov;      /* SGD family; needs momentum > 0 and dampening 0 */
  double       beta1;         /* Adam, AdamW */
  double       beta2;
  double       eps;           /* Adam, AdamW, RMSprop, Adagrad */
  double       alpha;         /* RMSprop smoothing */
  double       weight_decay;  /* L2, added to the gradient; decoupled for AdamW */
  double       lr_decay;      /* Adagrad */
  double       initial_accumulator;  /* Adagrad */
} nn_optimizer_params;

const char *nn_optimizer_name (nn_optimizer kind);
bool nn_optimizer_from_name (const char   *name,
                             nn_optimizer *kind);

/* torch.optim's defaults for @kind: lr 1e-3 (SGD family, Adam, AdamW) or
 * 1e-2 (RMSprop, Adagrad); momentum 0 (0.9 for MOMENTUM and NESTEROV);
 * betas (0.9, 0.999); eps 1e-8 (1e-10 for Adagrad); alpha 0.99; weight decay
 * 0 (1e-2 for AdamW). */
nn_optimizer_params nn_optimizer_params_default (nn_optimizer kind);

/* Checks every field against torch's own argument checks; the message names
 * the field and the allowed range. */
nn_status nn_optimizer_params_check (const nn_optimizer_params *params,
                                     nn_error                  *err);

/* How many floats of state per parameter @params keeps (0, 1 or 2). */
size_t nn_optimizer_state_slots (const nn_optimizer_params *params);

/* Per-segment sums an update produces: Σ g², Σ Δθ², Σ θ_new², in float
 * within blocks of 1024 values and in double across blocks (all non-finite
 * when any value was). */
typedef struct
{
  double grad_sq;
  double update_sq;
  double weight_sq;
} nn_segment_sums;

/* One update of every parameter: reads parameters @w_in, gradients @g and
 * state @s_in (slots × n floats, slot j at s_in + j·n), writes @w_out and
 * @s_out (never the inputs, so the previous state survives a step that goes
 * non-finite). @lr is this step's learning rate, @t the 1-based step count,
 * @segs the parameter tensors (weight decay applies where decay is set).
 * Fills @sums[n_segs] when not NULL. Allocates nothing. */
void nn_optimizer_step (const nn_optimizer_params *params,
                        double                     lr,
                        uint64_t                   t,
                        const nn_param_segment    *segs,
                        size_t                     n_segs,
                        size_t                     n,
                        const float               *w_in,
                        float                     *w_out,
                        const float               *g,
                        const float               *s_in,
                        float                     *s_out,
                        nn_segment_sums           *sums);

/* The state a fresh optimizer starts from (zeros, or Adagrad's initial
 * accumulator value) written into @s (slots × n). */
void nn_optimizer_state_init (const nn_optimizer_params *params,
                              size_t                     n,
                              float                     *s);
