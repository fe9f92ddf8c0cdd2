/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "rng.h"
#include "spec.h"

/* The modules of a built network, in nn.Sequential order: op i is torch's
 * "layers.{i}". */
typedef enum
{
  NN_OP_LINEAR,
  NN_OP_ACTIVATION,
  NN_OP_DROPOUT,
  NN_OP_BATCHNORM,
  NN_OP_COUNT
} nn_op_kind;

typedef struct
{
  nn_op_kind    kind;
  size_t        layer;          /* the spec layer it was built from */
  size_t        in;             /* input features */
  size_t        out;            /* output features */
  nn_activation act;            /* activation op: which */
  float         rate;           /* dropout op: probability of zeroing */
  nn_init       init;           /* linear op: resolved initialiser */
  size_t        param_offset;   /* first parameter: weights, then bias */
  size_t        n_weights;      /* linear: out × in, stored [out, in] as torch; batchnorm: γ [out] */
  size_t        n_params;       /* weights + bias (0 without parameters) */
  size_t        buffer_offset;  /* batchnorm: running mean [out], then running var [out] */
} nn_op;

/* One parameter tensor, as the optimizer and the statistics see it. */
typedef struct
{
  size_t      offset;
  size_t      count;
  size_t      op;
  bool        decay;   /* L1/L2 apply: weights of linear ops only */
  const char *name;    /* "weight" or "bias" (torch's names) */
} nn_param_segment;

typedef enum
{
  NN_MODE_EVAL,   /* dropout off, batch norm from running statistics */
  NN_MODE_TRAIN,  /* dropout on, batch norm from batch statistics, running ones updated */
} nn_mode;

/* Batch norm as torch.nn.BatchNorm1d. */
#define NN_BATCHNORM_MOMENTUM 0.1f
#define NN_BATCHNORM_EPS 1e-5f

/* The most floats a model may hold in parameters, gradients and buffers for
 * its largest batch: 2³¹ (8 GiB). */
#define NN_MODEL_MAX_FLOATS ((size_t) 1 << 31)

typedef struct nn_model nn_model;

/* Builds the network of @spec (checked with nn_model_spec_check first) with
 * buffers for batches of up to @max_batch rows; parameters are zero until
 * nn_model_init_params. Nothing is allocated after this. Caller frees. */
nn_model *nn_model_new (const nn_model_spec *spec,
                        size_t               max_batch,
                        nn_error            *err);

void nn_model_free (nn_model *model);

/* Fresh parameters from @seed: each linear op by its initialiser (AUTO
 * resolved from the activation that follows it), batch norm γ = 1, β = 0,
 * running mean 0 and variance 1. */
void nn_model_init_params (nn_model *model,
                           uint64_t  seed);

const nn_model_spec *nn_model_get_spec (const nn_model *model);
size_t nn_model_max_batch (const nn_model *model);
size_t nn_model_inputs (const nn_model *model);
size_t nn_model_outputs (const nn_model *model);

size_t nn_model_n_ops (const nn_model *model);
const nn_op *nn_model_op (const nn_model *model,
                          size_t          i);

size_t nn_model_n_segments (const nn_model *model);
const nn_param_segment *nn_model_segments (const nn_model *model);

/* Parameters, their gradients (same layout) and the non-trainable buffers
 * (batch-norm running statistics). The arrays are the model's. */
size_t nn_model_n_params (const nn_model *model);
float *nn_model_params (nn_model *model);
float *nn_model_grads (nn_model *model);
size_t nn_model_n_buffers (const nn_model *model);
float *nn_model_buffers (nn_model *model);

/* Puts @params (n_params floats, malloc'd) in place of the parameter array
 * and returns the previous one, which the caller now owns: the trainer keeps
 * the last good parameters this way without copying. */
float *nn_model_swap_params (nn_model *model,
                             float    *params);

/* Runs @n ≤ max_batch rows of @x [n × inputs] through the network and
 * returns the outputs [n × outputs], valid until the next forward. @x must
 * stay unchanged until nn_model_backward. @rng draws the dropout masks in
 * training mode (may be NULL in evaluation mode). */
const float *nn_model_forward (nn_model    *model,
                               const float *x,
                               size_t       n,
                               nn_mode      mode,
                               nn_rng      *rng);

/* Where the caller writes ∂loss/∂outputs [n × outputs] before backward. */
float *nn_model_output_grad (nn_model *model);

/* Back-propagates the output gradient of the last training-mode forward;
 * overwrites every parameter gradient. */
void nn_model_backward (nn_model *model);

/* Called during back-propagation as soon as op @op (one with parameters) is
 * done — its parameter gradients complete and its input gradient computed —
 * and before the ops below it run: an optimizer can update that op while
 * its gradient is still in cache. */
typedef void (*nn_grads_ready_cb) (size_t  op,
                                   void   *user);

/* nn_model_backward, calling @ready after each op with parameters. */
void nn_model_backward_hooked (nn_model          *model,
                               nn_grads_ready_cb  ready,
                               void              *user);

/* The output [n × out] of op @i in the last forward pass. */
const float *nn_model_activation (const nn_model *model,
                                  size_t          i);

/* ∂loss/∂(input of op i) [n × in] after backward: the previous op's output
 * gradient, or for op 0 the gradient with respect to the data, which is
 * computed only after nn_model_set_input_grad (model, true). */
const float *nn_model_input_grad (const nn_model *model,
                                  size_t          i);

void nn_model_set_input_grad (nn_model *model,
                              bool      enabled);

/* Writes a short description of op @i into @buf: "Linear(784→128)",
 * "ReLU", "Dropout(0.2)", "BatchNorm1d(128)". */
void nn_model_describe_op (const nn_model *model,
                           size_t          i,
                           char           *buf,
                           size_t          len);

/* Runs a forward from op @first with @in as that op's input (the output of
 * op first − 1, [n × in]); used by the gradient check to perturb hidden
 * activations. Returns the outputs. Training mode reuses the dropout masks
 * of the last forward. */
const float *nn_model_forward_from (nn_model    *model,
                                    size_t       first,
                                    const float *in,
                                    size_t       n,
                                    nn_mode      mode);
