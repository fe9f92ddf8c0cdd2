/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "activation.h"

/* What one training step says about one op (one nn.Sequential module). */
typedef struct
{
  double grad_norm;           /* ‖∂L/∂θ‖ of the op's parameters before clipping; 0 without */
  double weight_norm;         /* ‖θ‖ after the step; 0 without parameters */
  double update_ratio;        /* ‖Δθ‖ / ‖θ‖ with θ after the step; 0 without parameters */
  double act_mean;            /* mean of the op's output over the batch */
  double act_std;             /* its standard deviation */
  double dead_fraction;       /* ReLU-family ops: share of units ≤ 0 for every row; else 0 */
  double saturated_fraction;  /* sigmoid/tanh ops: share of outputs saturated; else 0 */
} nn_op_stats;

/* Outputs within this share of the output range from either end count as
 * saturated: sigmoid below 0.01 or above 0.99, tanh beyond ±0.98. */
#define NN_SATURATION_MARGIN 0.01

/* A histogram of @bins equal bins over [lo, hi]; values outside (never the
 * case when filled from the data's own range) and non-finite ones are
 * counted apart. */
typedef struct
{
  double    lo;
  double    hi;
  size_t    bins;
  uint64_t *counts;     /* [bins], owned by whoever filled it */
  uint64_t  total;      /* finite values counted */
  uint64_t  nonfinite;  /* NaN and ±Inf values seen */
} nn_histogram;

/* Fills @h (its counts array already sized for h->bins) from @n values of
 * @x, with the range set to the finite minimum and maximum. */
void nn_histogram_fill (nn_histogram *h,
                        const float  *x,
                        size_t        n);

/* Mean, standard deviation and, by @act, the dead or saturated share of an
 * op output @y [rows × units]. When @alive is given, alive[j] is set to 1
 * for every unit j that is > 0 in some row (for the epoch's dead count).
 * @scratch holds @units bytes. */
void nn_stats_activations (const float   *y,
                           size_t         rows,
                           size_t         units,
                           nn_activation  act,
                           nn_op_stats   *stats,
                           uint8_t       *alive,
                           uint8_t       *scratch);
