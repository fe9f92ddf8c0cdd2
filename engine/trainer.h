/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "error.h"
#include "model.h"
#include "optimizer.h"
#include "schedule.h"
#include "stats.h"

typedef struct
{
  nn_optimizer_params opt;              /* L2 is opt.weight_decay */
  nn_schedule_params  schedule;
  size_t              batch;            /* rows per step; GD uses the whole training part */
  int                 epochs;           /* ≥ 1 */
  bool                shuffle;          /* reshuffle the training rows every epoch */
  uint64_t            seed;             /* shuffling and dropout */
  double              l1;               /* λ₁: adds λ₁·sign(w) to weight gradients */
  double              clip_norm;        /* > 0: scale gradients to this global norm at most */
  double              clip_value;       /* > 0: clamp each gradient to ±this */
  int                 early_stop;       /* > 0: stop after this many epochs without a better
                                         * validation loss, and restore the best weights */
  bool                stats;            /* activation statistics in every step report, and
                                         * histograms */
  int                 histogram_every;  /* steps between histograms (0: only at epoch ends) */
  size_t              histogram_bins;   /* at most; a tensor of n values gets n/8 (≥ 10) */
  double              divergence_factor;  /* a batch loss above this × the first step's
                                           * loss counts as divergence (0: only a
                                           * non-finite one) */
} nn_trainer_params;

/* Adam with its defaults, batch 32, 100 epochs, shuffled, seed 1, constant
 * rate, no penalties, clipping or early stopping, statistics on, histograms
 * of 64 bins every 100 steps, divergence at 10⁴ times the first loss. */
nn_trainer_params nn_trainer_params_default (void);

nn_status nn_trainer_params_check (const nn_trainer_params *params,
                                   nn_error                *err);

/* A step's report; arrays are the trainer's and valid during the callback. */
typedef struct
{
  uint64_t            step;             /* 1-based over the run */
  int                 epoch;            /* 1-based */
  size_t              batch;            /* 1-based within the epoch */
  size_t              batches;          /* batches in this epoch */
  size_t              rows;
  double              loss;             /* mean data loss of the batch, without penalties */
  double              lr;               /* the rate this step used */
  double              grad_norm;        /* global, before clipping; the L1 term is part of
                                         * the gradient (as in torch, where it is part of
                                         * the loss), L2 is not (it is the optimizer's) */
  size_t              n_ops;
  const nn_op_stats  *ops;              /* [n_ops]; activation fields 0 when stats are off */
  bool                has_histograms;   /* only with stats on */
  const nn_histogram *weight_hist;      /* [n_ops]: of each op's weight tensor (linear W,
                                         * batch-norm γ; bins 0 without parameters) */
  const nn_histogram *grad_hist;        /* [n_ops]: of the gradient of that tensor */
  const nn_histogram *act_hist;         /* [n_ops]: of each op's outputs */
} nn_step_report;

typedef struct
{
  int           epoch;                  /* 1-based */
  uint64_t      steps;                  /* steps so far */
  double        train_loss;             /* mean of the epoch's batch losses, by rows */
  double        train_accuracy;         /* of the batches as trained; NAN for regression */
  bool          has_val;
  double        val_loss;               /* evaluation mode */
  double        val_accuracy;           /* NAN for regression or without validation */
  double        lr;                     /* the rate the epoch's steps used, warm-up aside
                                         * (the schedule steps after this report's epoch) */
  double        samples_per_s;          /* training rows / training time */
  double        seconds;                /* the whole epoch, validation included */
  size_t        n_ops;
  const double *dead_fraction;          /* [n_ops] ReLU-family ops: units ≤ 0 for every row of
                                         * the epoch; NAN elsewhere or when stats are off */
  bool          improved;               /* best validation loss so far */
} nn_epoch_report;

typedef enum
{
  NN_TRAIN_RUNNING,        /* more steps to go */
  NN_TRAIN_FINISHED,       /* all epochs done */
  NN_TRAIN_STOPPED,        /* a callback returned false */
  NN_TRAIN_EARLY_STOPPED,  /* no validation improvement for early_stop epochs */
  NN_TRAIN_DIVERGED,       /* a non-finite loss, gradient or parameter, or a loss beyond
                            * divergence_factor; rolled back */
  NN_TRAIN_STATE_COUNT
} nn_train_state;

const char *nn_train_state_name (nn_train_state state);

typedef struct
{
  uint64_t step;           /* the step that diverged */
  int      epoch;
  size_t   op;             /* the first op found non-finite (SIZE_MAX: none found) */
  char     what[32];       /* "loss", "output", "gradient", "parameters", "input data" */
  double   last_loss;      /* the last finite batch loss (NAN if none) */
  char     message[256];   /* one sentence for people */
} nn_divergence;

typedef bool (*nn_step_cb) (const nn_step_report *report,
                            void                 *user);
typedef bool (*nn_epoch_cb) (const nn_epoch_report *report,
                             void                  *user);

typedef struct nn_trainer nn_trainer;

/* A trainer of @model (whose max_batch must hold the batch, or the whole
 * training part for GD) on @train, validating on @val (NULL or empty for
 * none). Both data sets must outlive the trainer. Optimizer state starts
 * fresh; the model's parameters are used as they are. Caller frees. */
nn_trainer *nn_trainer_new (nn_model                *model,
                            const nn_trainer_params *params,
                            const nn_dataset        *train,
                            const nn_dataset        *val,
                            nn_error                *err);

void nn_trainer_free (nn_trainer *trainer);

/* Callbacks after every step and every epoch; returning false stops the run
 * (nn_trainer_run returns NN_TRAIN_STOPPED). Either may be NULL. */
void nn_trainer_set_callbacks (nn_trainer  *trainer,
                               nn_step_cb   on_step,
                               nn_epoch_cb  on_epoch,
                               void        *user);

/* One mini-batch: forward, loss, backward, penalties, clipping, update, and
 * at an epoch's last batch the epoch's end (validation, schedule, early
 * stopping). Returns the state after it. */
nn_train_state nn_trainer_step (nn_trainer *trainer);

/* Steps until the run ends or a callback stops it. */
nn_train_state nn_trainer_run (nn_trainer *trainer);

/* The rate the schedule is at now (warm-up aside); setting it takes effect
 * on the next step and the schedule carries on from it. */
double nn_trainer_get_lr (const nn_trainer *trainer);
void nn_trainer_set_lr (nn_trainer *trainer,
                        double      lr);

nn_train_state nn_trainer_get_state (const nn_trainer *trainer);
uint64_t nn_trainer_get_step (const nn_trainer *trainer);
int nn_trainer_get_epoch (const nn_trainer *trainer);    /* epochs completed */
int nn_trainer_best_epoch (const nn_trainer *trainer);   /* 0 when none */

/* What went non-finite, after NN_TRAIN_DIVERGED. */
const nn_divergence *nn_trainer_get_divergence (const nn_trainer *trainer);

/* After NN_TRAIN_DIVERGED, goes on from the last finite state the trainer
 * rolled back to — the same epoch, step, optimizer state and schedule —
 * at learning rate @lr; returns false in any other state. */
bool nn_trainer_recover (nn_trainer *trainer,
                         double      lr);
