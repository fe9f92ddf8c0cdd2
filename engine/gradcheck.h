/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model.h"

typedef struct
{
  double   eps;             /* central-difference step (float32 maths: 1e-3 works best) */
  size_t   per_tensor;      /* entries checked per parameter tensor and op input, chosen at
                             * random; 0 checks every one */
  uint64_t seed;            /* dropout masks and the choice of entries */
  bool     skip_kinks;      /* leave out entries whose ±eps moves a ReLU or LeakyReLU input
                             * across 0, where the slope jumps and a central difference
                             * measures the average of two slopes, not the gradient */
} nn_gradcheck_params;

/* eps 1e-3, 64 entries per tensor, seed 1, kinks skipped. */
nn_gradcheck_params nn_gradcheck_params_default (void);

/* The result for one op. Errors are relative to the tensor's scale:
 * max |analytic − numeric| / max(max |analytic|, max |numeric|) over the
 * checked entries, so float32 rounding in tiny entries does not dominate;
 * NAN where the op has nothing of that kind to check. */
typedef struct
{
  double param_error;   /* over the op's weights and biases */
  double input_error;   /* over ∂loss/∂(op input) */
  double max_error;     /* the larger of the two */
  size_t checked;       /* entries compared */
  size_t skipped;       /* entries left out at a kink */
} nn_gradcheck_op;

/* Compares back-propagation with central finite differences of the loss on
 * one batch (@n ≤ max_batch rows of @x with labels @classes or targets
 * @targets), in training mode with the dropout masks held fixed. Fills
 * @result[n_ops]. Parameters and running statistics are left as they were.
 * Allocates its own scratch. */
nn_status nn_gradcheck (nn_model                  *model,
                        const float               *x,
                        const int32_t             *classes,
                        const float               *targets,
                        size_t                     n,
                        const nn_gradcheck_params *params,
                        nn_gradcheck_op           *result,
                        nn_error                  *err);
