/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Learning-rate schedules, stepped once per epoch as torch.optim.lr_scheduler
 * is, in their recursive ("chainable") form: each works on the current rate,
 * so a rate changed by hand mid-run carries on from where it was set. */
typedef enum
{
  NN_SCHEDULE_CONSTANT,
  NN_SCHEDULE_STEP,     /* StepLR: × gamma every step_size epochs */
  NN_SCHEDULE_EXP,      /* ExponentialLR: × gamma every epoch */
  NN_SCHEDULE_COSINE,   /* CosineAnnealingLR over t_max epochs down to min_lr */
  NN_SCHEDULE_PLATEAU,  /* ReduceLROnPlateau on the validation loss */
  NN_SCHEDULE_COUNT
} nn_schedule_kind;

typedef struct
{
  nn_schedule_kind kind;
  int              step_size;  /* STEP: epochs between decays, ≥ 1 */
  double           gamma;      /* STEP, EXP: factor in (0, 1] */
  int              t_max;      /* COSINE: epochs of the half cosine, ≥ 1 */
  double           min_lr;     /* COSINE: eta_min; PLATEAU: lower bound */
  double           factor;     /* PLATEAU: factor in (0, 1) */
  int              patience;   /* PLATEAU: epochs without improvement before a cut */
  double           threshold;  /* PLATEAU: relative improvement that counts (mode 'rel') */
  int              cooldown;   /* PLATEAU: epochs to wait after a cut */
  int              warmup;     /* linear warm-up over this many steps (0: none) */
} nn_schedule_params;

const char *nn_schedule_name (nn_schedule_kind kind);
bool nn_schedule_from_name (const char       *name,
                            nn_schedule_kind *kind);

/* Constant; torch's defaults for the others: StepLR step 10 (torch has none)
 * and gamma 0.1, ExponentialLR gamma 0.95 (torch has none), cosine t_max 0
 * (meaning the number of epochs) and eta_min 0, plateau factor 0.1,
 * patience 10, threshold 1e-4, cooldown 0, min_lr 0; no warm-up. */
nn_schedule_params nn_schedule_params_default (nn_schedule_kind kind);

nn_status nn_schedule_params_check (const nn_schedule_params *params,
                                    nn_error                 *err);

/* The running state of a schedule. */
typedef struct
{
  nn_schedule_params params;
  double             lr;            /* the current rate (before warm-up) */
  double             base;          /* the rate given at the start or last set by hand */
  int                epoch;         /* epochs completed */
  double             best;          /* PLATEAU: best metric so far */
  int                bad_epochs;
  int                cooldown_left;
} nn_schedule;

/* Starts @s at @lr. */
void nn_schedule_init (nn_schedule              *s,
                       const nn_schedule_params *params,
                       double                    lr);

/* Sets the current rate by hand (as writing a param group's lr in torch);
 * it also becomes the base a cosine schedule restarts from. */
void nn_schedule_set_lr (nn_schedule *s,
                         double       lr);

/* Ends an epoch: advances the schedule with @metric (the validation loss,
 * used by PLATEAU; NAN skips it) and returns the new rate. */
double nn_schedule_epoch_end (nn_schedule *s,
                              double       metric);

/* The rate for optimizer step @step (1-based, counted over the whole run):
 * the current rate times the warm-up factor min(1, step / warmup). */
double nn_schedule_lr_at_step (const nn_schedule *s,
                               unsigned long      step);
