/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Element-wise activations with PyTorch's definitions: LeakyReLU slope 0.01,
 * ELU α = 1, GELU exact (erf form, nn.GELU's default). IDENTITY is the
 * absence of one (a dense layer without activation). */
typedef enum
{
  NN_ACT_IDENTITY,
  NN_ACT_RELU,
  NN_ACT_LEAKY_RELU,
  NN_ACT_ELU,
  NN_ACT_GELU,
  NN_ACT_SIGMOID,
  NN_ACT_TANH,
  NN_ACT_COUNT
} nn_activation;

#define NN_LEAKY_RELU_SLOPE 0.01f
#define NN_ELU_ALPHA 1.0f

/* "relu", "tanh", …; "identity" for NN_ACT_IDENTITY. */
const char *nn_activation_name (nn_activation act);

/* Looks up one of the six names of DESIGN.md (not "identity"). */
bool nn_activation_from_name (const char    *name,
                              nn_activation *act);

/* The PyTorch class name ("ReLU", "LeakyReLU", …), for messages and export. */
const char *nn_activation_torch_name (nn_activation act);

/* True for the ReLU family, whose units can die (relu, leaky_relu, elu, gelu). */
bool nn_activation_can_die (nn_activation act);

/* True for sigmoid and tanh, whose units can saturate. */
bool nn_activation_can_saturate (nn_activation act);

/* y[i] = f(x[i]) for i < n; x and y may be the same array. */
void nn_activation_forward (nn_activation act,
                            const float  *x,
                            float        *y,
                            size_t        n);

/* dx[i] = f'(x[i]) · dy[i], from the input @x and output @y of the forward
 * pass (each activation reads whichever is cheaper); dx may alias dy. */
void nn_activation_backward (nn_activation act,
                             const float  *x,
                             const float  *y,
                             const float  *dy,
                             float        *dx,
                             size_t        n);
