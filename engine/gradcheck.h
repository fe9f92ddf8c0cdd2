/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

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
} nn_gradcheck_params;

/* eps 1e-3, 64 entries per tensor, seed 1. */
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
