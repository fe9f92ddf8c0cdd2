/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "activation.h"
#include "error.h"
#include "init.h"
#include "loss.h"

/* The layers a person builds, before they are expanded into modules: a dense
 * layer with an activation becomes torch's Linear followed by that
 * activation, exactly as nn.Sequential would hold them. */
typedef enum
{
  NN_LAYER_DENSE,
  NN_LAYER_ACTIVATION,
  NN_LAYER_DROPOUT,
  NN_LAYER_BATCHNORM,
  NN_LAYER_COUNT
} nn_layer_kind;

typedef struct
{
  nn_layer_kind kind;
  size_t        units;       /* dense: outputs */
  nn_activation activation;  /* dense (IDENTITY: none) or an activation layer */
  nn_init       init;        /* dense: AUTO unless chosen */
  float         rate;        /* dropout: probability of zeroing, [0, 1) */
} nn_layer_spec;

#define NN_SPEC_MAX_LAYERS 128
#define NN_SPEC_MAX_UNITS 65536

/* A whole network: what the layer editor edits, the command line parses and
 * a project file stores. */
typedef struct
{
  size_t        inputs;    /* features of the data */
  nn_loss       loss;
  size_t        n_layers;
  nn_layer_spec layers[NN_SPEC_MAX_LAYERS];
} nn_model_spec;

/* An empty spec: no layers, cross-entropy, 0 inputs. */
void nn_model_spec_init (nn_model_spec *spec);

/* Parses a layer list such as "dense:128:relu,dropout:0.2,batchnorm,dense:10"
 * (DESIGN.md: dense:UNITS[:ACTIVATION[:INIT]], dropout:RATE, batchnorm, or an
 * activation name; "none" as a dense activation means none) into @spec's
 * layers, replacing them. On error @spec is unchanged and the message names
 * the item and what is allowed. */
nn_status nn_model_spec_parse_layers (nn_model_spec *spec,
                                      const char    *text,
                                      nn_error      *err);

/* Writes @spec's layers in the syntax above into @buf (always terminated);
 * returns the length it needed, as snprintf. Initialisers other than AUTO and
 * rates round-trip exactly. */
size_t nn_model_spec_format_layers (const nn_model_spec *spec,
                                    char                *buf,
                                    size_t               len);

/* Sets the initialiser of every dense layer still on AUTO to @init. */
void nn_model_spec_set_default_init (nn_model_spec *spec,
                                     nn_init        init);

/* Checks that @spec can be built: inputs > 0, at least one layer, the last
 * layer dense and without an activation of its own (the loss supplies it),
 * and the last layer's units fit the loss for @task with @k classes or
 * targets. */
nn_status nn_model_spec_check (const nn_model_spec *spec,
                               nn_task              task,
                               size_t               k,
                               nn_error            *err);

/* The number of output units of @spec (its last dense layer), 0 if none. */
size_t nn_model_spec_outputs (const nn_model_spec *spec);

/* The number of trainable parameters @spec would have. */
size_t nn_model_spec_count_params (const nn_model_spec *spec);

/* The number of ops (PyTorch modules) @spec would have: a dense layer with
 * an activation is two. */
size_t nn_model_spec_count_ops (const nn_model_spec *spec);
