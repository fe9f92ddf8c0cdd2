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

/* The result for one op. A float32 forward pass resolves a change of the
 * loss only down to its rounding noise δ, so a central difference knows a
 * gradient only to within resolution = δ / eps. Each entry a of every
 * tensor the forward computes is rounded by about 2⁻²⁴ · |a|, which moves
 * the loss by that times ∂loss/∂a; taken as independent, δ is estimated as
 * 4 · 2⁻²³ · √Σ (a · ∂loss/∂a)², the 4 for the rounding inside sums (on
 * the networks in the tests it is 3 to 15 times the differences seen).
 * Errors are relative to the tensor's scale:
 * max(0, max |analytic − numeric| − resolution) / max(max |analytic|,
 * max |numeric|, resolution) over the checked entries, so rounding in tiny
 * entries does not dominate; NAN where the op has nothing of that kind to
 * check. An entry whose analytic and numeric values are both within the
 * resolution of 0 is unresolved: finite differences cannot tell it from 0,
 * as in the first layers of a network whose gradients vanish. */
typedef struct
{
  double param_error;   /* over the op's weights and biases */
  double input_error;   /* over ∂loss/∂(op input) */
  double max_error;     /* the larger of the two */
  double resolution;    /* the smallest gradient the differences resolve */
  size_t checked;       /* entries compared */
  size_t skipped;       /* entries left out at a kink */
  size_t unresolved;    /* of those checked, entries within resolution of 0 */
} nn_gradcheck_op;

typedef enum
{
  NN_GRADCHECK_NONE,        /* nothing to check */
  NN_GRADCHECK_PASS,
  NN_GRADCHECK_FAIL,        /* error above the tolerance */
  NN_GRADCHECK_UNRESOLVED,  /* every checked entry within resolution of 0 */
} nn_gradcheck_verdict;

nn_gradcheck_verdict nn_gradcheck_judge (const nn_gradcheck_op *result,
                                         double                 tolerance);

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
