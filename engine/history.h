/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "stats.h"
#include "trainer.h"

/* What a run leaves behind for the diagnosis: every epoch report, and the
 * step reports thinned to at most NN_HISTORY_MAX_STEPS samples — every
 * stride-th step, the stride doubling (and every other sample dropped)
 * whenever the samples fill up, so a run of any length keeps an even
 * record of all of it. The thinning depends only on the step numbers, so
 * the window, the command line and a project file read back all hold the
 * same samples and give the same findings.
 *
 * Exactly: a step is kept when step % stride == 0, and a step on the
 * stride that finds the samples full first doubles the stride and keeps
 * only the samples on the new one. After steps 1 … N the samples are the
 * multiples of S up to N, S the least power of 2 with ⌊N / S⌋ ≤
 * NN_HISTORY_MAX_STEPS. Every step sample is allocated by nn_history_new
 * (NN_HISTORY_MAX_STEPS × n_ops op statistics), so adding one, on the
 * training thread, never allocates; epochs grow by doubling. */
#define NN_HISTORY_MAX_STEPS 2048

typedef struct
{
  uint64_t step;
  int      epoch;
  double   loss;
  double   lr;
  double   grad_norm;   /* global, before clipping */
} nn_step_sample;

typedef struct
{
  int      epoch;
  double   train_loss;
  double   train_accuracy;   /* NAN for regression */
  bool     has_val;
  double   val_loss;
  double   val_accuracy;
  double   lr;
  double   samples_per_s;
  double   seconds;
} nn_epoch_sample;

typedef struct nn_history nn_history;

/* A history for a model of @n_ops ops (≥ 1; NN_ERR_INVALID otherwise,
 * NN_ERR_NOMEM when its 2048 × n_ops step statistics do not fit). Caller
 * frees; free accepts NULL. */
nn_history *nn_history_new (size_t    n_ops,
                            nn_error *err);
void nn_history_free (nn_history *h);

/* Forgets everything (a new run): samples, epochs, divergence, stride 1. */
void nn_history_clear (nn_history *h);

size_t nn_history_n_ops (const nn_history *h);

/* Records a step report (the n_ops statistics of report->ops; ops the
 * report lacks are 0); kept when its step falls on the stride. A step at
 * or before the last one kept (a run restarted without a clear) is
 * ignored. Allocates nothing. */
void nn_history_add_step (nn_history           *h,
                          const nn_step_report *report);

/* Records an epoch report, with its per-op dead fractions (NAN where not
 * measured, and all NAN when dead_fraction is NULL). An epoch at or before
 * the last one is ignored, as is one that finds no memory to grow into
 * (the history then reads as a shorter run, never a wrong one). */
void nn_history_add_epoch (nn_history            *h,
                           const nn_epoch_report *report);

/* Records how the run diverged (a copy); NULL forgets it. */
void nn_history_set_divergence (nn_history          *h,
                                const nn_divergence *divergence);

/* The step samples kept, oldest first, and the ops' statistics of each:
 * nn_history_step_ops (h, i) is [n_ops]. Both NULL for i out of range; the
 * pointers are the history's, valid until it next changes. */
size_t nn_history_n_steps (const nn_history *h);
const nn_step_sample *nn_history_step (const nn_history *h,
                                       size_t            i);
const nn_op_stats *nn_history_step_ops (const nn_history *h,
                                        size_t            i);
/* The current thinning: one sample every stride steps. */
uint64_t nn_history_stride (const nn_history *h);

size_t nn_history_n_epochs (const nn_history *h);
const nn_epoch_sample *nn_history_epoch (const nn_history *h,
                                         size_t            i);
/* [n_ops] dead fractions of epoch i (NAN where not measured); NULL for i
 * out of range. */
const double *nn_history_epoch_dead (const nn_history *h,
                                     size_t            i);

/* The divergence, or NULL when the run did not diverge. */
const nn_divergence *nn_history_divergence (const nn_history *h);

/* For reading a history back from a file: appends a step sample with its
 * ops' statistics (@ops [n_ops], required), and an epoch sample with its
 * dead fractions (@dead [n_ops], NULL: all NAN), exactly as stored (no
 * thinning is applied); sets the stride (0 means 1), which later
 * nn_history_add_step calls go on from. NN_ERR_INVALID, with a message
 * naming the step or epoch, when steps or epochs do not increase, when
 * NN_HISTORY_MAX_STEPS samples are already held or @ops is NULL;
 * NN_ERR_NOMEM when an epoch finds no memory. */
nn_status nn_history_restore_step (nn_history           *h,
                                   const nn_step_sample *sample,
                                   const nn_op_stats    *ops,
                                   nn_error             *err);
nn_status nn_history_restore_epoch (nn_history            *h,
                                    const nn_epoch_sample *sample,
                                    const double          *dead,
                                    nn_error              *err);
void nn_history_restore_stride (nn_history *h,
                                uint64_t    stride);
