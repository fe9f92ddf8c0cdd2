/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "activation.h"
#include "rng.h"

/* Weight initialisers of a dense layer, as torch.nn.init defines them, with
 * fan_in = inputs and fan_out = outputs of the layer. */
typedef enum
{
  NN_INIT_AUTO,            /* chosen from the activation: see nn_init_resolve */
  NN_INIT_DEFAULT,         /* torch.nn.Linear's reset_parameters: W, b ~ U(±1/√fan_in) */
  NN_INIT_XAVIER_UNIFORM,  /* U(±√(6 / (fan_in + fan_out))), gain 1 */
  NN_INIT_XAVIER_NORMAL,   /* N(0, 2 / (fan_in + fan_out)), gain 1 */
  NN_INIT_HE_UNIFORM,      /* U(±gain·√(3 / fan_in)), gain of the activation */
  NN_INIT_HE_NORMAL,       /* N(0, gain² / fan_in), gain of the activation */
  NN_INIT_LECUN_NORMAL,    /* N(0, 1 / fan_in) */
  NN_INIT_ZEROS,
  NN_INIT_COUNT
} nn_init;

const char *nn_init_name (nn_init init);
bool nn_init_from_name (const char *name,
                        nn_init    *init);

/* What AUTO means for a dense layer followed by @act: He normal for the ReLU
 * family, Xavier uniform for sigmoid, tanh and none. Other values pass through. */
nn_init nn_init_resolve (nn_init       init,
                         nn_activation act);

/* torch.nn.init.calculate_gain for the He initialisers: √2 for ReLU (and for
 * ELU and GELU, which it does not name), √(2 / (1 + 0.01²)) for LeakyReLU,
 * 5/3 for tanh, 1 otherwise. */
double nn_init_gain (nn_activation act);

/* Fills the dense layer's weights @w [out × in] and bias @b [out]. Biases
 * are zero except for NN_INIT_DEFAULT. @init must be resolved (not AUTO). */
void nn_init_dense (nn_init       init,
                    nn_activation act,
                    size_t        in,
                    size_t        out,
                    float        *w,
                    float        *b,
                    nn_rng       *rng);
