/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "error.h"

/* Losses over the last layer's raw outputs (logits), each fused with its
 * output activation and averaged as PyTorch's default reduction='mean':
 *  CE   nn.CrossEntropyLoss on class ids: mean over the n rows;
 *  BCE  nn.BCEWithLogitsLoss: mean over all n × k outputs;
 *  MSE  nn.MSELoss: mean over all n × k outputs.
 * With class ids, BCE and MSE compare against one-hot rows, except that BCE
 * with a single output takes the class id (0 or 1) itself as the target. */
typedef enum
{
  NN_LOSS_CE,
  NN_LOSS_BCE,
  NN_LOSS_MSE,
  NN_LOSS_COUNT
} nn_loss;

/* "ce", "bce", "mse". */
const char *nn_loss_name (nn_loss loss);
bool nn_loss_from_name (const char *name,
                        nn_loss    *loss);

/* The activation the loss applies to the logits, in words ("softmax",
 * "sigmoid", "identity"). */
const char *nn_loss_output_name (nn_loss loss);

/* Checks that a last layer of @units outputs fits @loss on data with @task
 * and @k classes or targets; the message says what would fit. */
nn_status nn_loss_check (nn_loss   loss,
                         nn_task   task,
                         size_t    k,
                         size_t    units,
                         nn_error *err);

/* The output units @loss needs for @task with @k classes or targets:
 * k, except BCE on two classes, which takes 1. */
size_t nn_loss_outputs (nn_loss loss,
                        nn_task task,
                        size_t  k);

/* Mean loss of @n rows of @logits [n × k] against @classes [n] (class ids)
 * or, when @classes is NULL, @targets [n × k]. When @dlogits is given it
 * receives ∂loss/∂logits [n × k]; when @pred is given and @classes is set,
 * it receives the predicted class of every row. Sums run in double. */
double nn_loss_compute (nn_loss        loss,
                        const float   *logits,
                        size_t         n,
                        size_t         k,
                        const int32_t *classes,
                        const float   *targets,
                        float         *dlogits,
                        int32_t       *pred);

/* The sum behind nn_loss_compute's mean, added to @total row after row:
 * Σ over rows (CE) or over all n × k outputs (BCE, MSE) of the loss terms.
 * Summing a data set chunk by chunk this way gives the same bits whatever
 * the chunk size. @pred as for nn_loss_compute. */
double nn_loss_accumulate (nn_loss        loss,
                           const float   *logits,
                           size_t         n,
                           size_t         k,
                           const int32_t *classes,
                           const float   *targets,
                           int32_t       *pred,
                           double         total);

/* The predicted class of each of @n rows of @logits [n × k] (argmax, or
 * logit > 0 with one output). */
void nn_loss_predict (const float *logits,
                      size_t       n,
                      size_t       k,
                      int32_t     *pred);
