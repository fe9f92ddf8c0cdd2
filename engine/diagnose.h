/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"
#include "model.h"
#include "spec.h"
#include "trainer.h"

/* The diagnosis: reads a run's history and says what is going wrong, where
 * and since when, with the numbers, and what to try. Pure and
 * deterministic: the same history gives the same findings, in the same
 * order, wherever it is read (the window while it trains, `backprop
 * train` at the end, `backprop diagnose` from a project file). */
typedef enum
{
  NN_FINDING_VANISHING,     /* gradient norms falling by orders of magnitude toward the input,
                             * or below a floor for many steps */
  NN_FINDING_EXPLODING,     /* the global gradient norm growing by orders of magnitude, spikes */
  NN_FINDING_DIVERGED,      /* a loss, gradient or weight went non-finite or exploded */
  NN_FINDING_DEAD_UNITS,    /* ReLU-family units that output 0 for every sample of an epoch */
  NN_FINDING_SATURATED,     /* sigmoid/tanh units stuck at their ends */
  NN_FINDING_LR_TOO_HIGH,   /* the loss rising or oscillating, updates far above 10⁻³ of the
                             * weights */
  NN_FINDING_LR_TOO_LOW,    /* updates far below 10⁻³ of the weights and the loss flat */
  NN_FINDING_OVERFITTING,   /* the validation loss rising while the training loss falls */
  NN_FINDING_UNDERFITTING,  /* training and validation loss both high and flat */
  NN_FINDING_PLATEAU,       /* no improvement for many epochs */
  NN_FINDING_COUNT
} nn_finding_kind;

typedef enum
{
  NN_FINDING_INFO,
  NN_FINDING_WARNING,
  NN_FINDING_ERROR,
} nn_finding_severity;

/* A change to the settings that a finding offers, for the next run. */
typedef enum
{
  NN_FIX_NONE,
  NN_FIX_HE_INIT,          /* the finding's dense layer: He normal initialisation */
  NN_FIX_ADD_BATCHNORM,    /* a batch-norm layer after the finding's dense layer */
  NN_FIX_LEAKY_RELU,       /* the finding's ReLU: leaky ReLU */
  NN_FIX_LOWER_LR,         /* the learning rate ÷ 10 */
  NN_FIX_RAISE_LR,         /* the learning rate × 10 */
  NN_FIX_CLIP_NORM,        /* clipping by global norm at 1 */
  NN_FIX_EARLY_STOP,       /* early stopping with patience 10 */
  NN_FIX_ADD_DROPOUT,      /* dropout 0.2 after the finding's (or the last hidden) dense layer */
  NN_FIX_PLATEAU_SCHEDULE, /* the plateau schedule */
  NN_FIX_COUNT
} nn_fix;

/* Where a finding is: layer is the 0-based index into spec->layers (the
 * messages and fix labels count layers from 1, as people and the command
 * line do: "layer 1" is layer 0); op is the module, "layers.{op}".
 * Vanishing names the earliest linear op, dead and saturated units their
 * activation op, divergence the op that went non-finite when there is
 * one; the other kinds are about the whole run (layer −1, op SIZE_MAX).
 *
 * When it began: step rules (vanishing, exploding, saturated, the update
 * ratio) give the step; epoch rules (dead units, the loss rising or
 * oscillating, overfitting — the epoch after the best validation loss —,
 * underfitting, plateau — the epoch after the last improvement) the
 * epoch; divergence both. */
typedef struct
{
  nn_finding_kind     kind;
  nn_finding_severity severity;
  int                 layer;        /* the spec layer concerned (0-based), or -1 */
  size_t              op;           /* the op concerned, or SIZE_MAX */
  uint64_t            step;         /* the step it began at (0: not tied to a step) */
  int                 epoch;        /* the epoch it began at (0: not tied to an epoch) */
  double              evidence[4];  /* the numbers behind it; the message names them */
  char                message[320]; /* what is wrong, with the numbers, for people */
  char                advice[256];  /* what to try */
  nn_fix              fix;          /* a change the window can make, or NN_FIX_NONE */
  char                fix_label[96];/* the fix as a button says it */
} nn_finding;

const char *nn_finding_kind_name (nn_finding_kind kind);
const char *nn_finding_severity_name (nn_finding_severity severity);
const char *nn_fix_name (nn_fix fix);

/* Reads @history of a model built from @spec (whose ops are @model's: pass
 * the model, or one built from the spec) trained with @params, and writes
 * up to @max findings to @out, most severe first, then by kind, then by
 * layer; returns how many there are in all. At most one finding of a kind
 * per layer. @params (NULL: the defaults) decides only which fixes still
 * apply; @out may be NULL when @max is 0. Returns 0 for a history of
 * another number of ops (or NULL), and when its 32 KiB of scratch cannot
 * be allocated. The rules and their thresholds are at the top of
 * diagnose.c (gradients and units) and diagnose-fit.c (the learning rate
 * and the fit). */
size_t nn_diagnose (const nn_history        *history,
                    const nn_model          *model,
                    const nn_trainer_params *params,
                    nn_finding              *out,
                    size_t                   max);

/* Applies @fix of @finding to @spec and @params (the next run's settings);
 * returns false, changing nothing, when it no longer applies: the layer is
 * gone or no longer what the fix works on (a dense layer; a ReLU), the
 * change is already made (He normal already, batch norm or dropout already
 * there, clipping at ≤ 1, early stopping or the plateau schedule already
 * on), or NN_SPEC_MAX_LAYERS leaves no room. Batch norm goes right after
 * the Linear, before its activation: a dense layer with an activation of
 * its own becomes dense, batchnorm, activation. Dropout goes after the
 * dense layer's activation and batch-norm layers. */
bool nn_fix_apply (const nn_finding  *finding,
                   nn_model_spec     *spec,
                   nn_trainer_params *params);
