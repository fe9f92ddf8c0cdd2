/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Epoch samples start with room for this many and double when full: a run
 * of 100 epochs reallocates once, and epochs end far apart. */
#define FIRST_EPOCH_CAPACITY 64

struct nn_history
{
  size_t           n_ops;
  uint64_t         stride;      /* steps between kept samples; a power of 2 while thinning */
  size_t           n_steps;
  nn_step_sample  *steps;       /* [NN_HISTORY_MAX_STEPS] */
  nn_op_stats     *step_ops;    /* [NN_HISTORY_MAX_STEPS × n_ops] */
  size_t           n_epochs;
  size_t           epoch_capacity;
  nn_epoch_sample *epochs;      /* [epoch_capacity] */
  double          *epoch_dead;  /* [epoch_capacity × n_ops] */
  bool             diverged;
  nn_divergence    divergence;
};

nn_history *
nn_history_new (size_t    n_ops,
                nn_error *err)
{
  nn_history *h;

  if (n_ops == 0)
    {
      nn_error_set (err, NN_ERR_INVALID, "a history needs a model of at least one op");
      return NULL;
    }
  if (n_ops > SIZE_MAX / NN_HISTORY_MAX_STEPS / sizeof (nn_op_stats)
      || n_ops > SIZE_MAX / FIRST_EPOCH_CAPACITY / sizeof (double))
    {
      nn_error_set (err, NN_ERR_NOMEM, "a history of %zu ops would not fit in memory", n_ops);
      return NULL;
    }
  h = calloc (1, sizeof *h);
  if (h == NULL)
    goto nomem;
  h->n_ops = n_ops;
  h->stride = 1;
  /* Every step sample is allocated here, so adding one on the training
   * thread never allocates. */
  h->steps = calloc (NN_HISTORY_MAX_STEPS, sizeof *h->steps);
  h->step_ops = calloc (NN_HISTORY_MAX_STEPS * n_ops, sizeof *h->step_ops);
  h->epoch_capacity = FIRST_EPOCH_CAPACITY;
  h->epochs = calloc (h->epoch_capacity, sizeof *h->epochs);
  h->epoch_dead = calloc (h->epoch_capacity * n_ops, sizeof *h->epoch_dead);
  if (!h->steps || !h->step_ops || !h->epochs || !h->epoch_dead)
    goto nomem;
  return h;

nomem:
  nn_history_free (h);
  nn_error_set (err, NN_ERR_NOMEM, "out of memory for the history of %zu ops", n_ops);
  return NULL;
}

void
nn_history_free (nn_history *h)
{
  if (h == NULL)
    return;
  free (h->steps);
  free (h->step_ops);
  free (h->epochs);
  free (h->epoch_dead);
  free (h);
}

void
nn_history_clear (nn_history *h)
{
  h->stride = 1;
  h->n_steps = 0;
  h->n_epochs = 0;
  h->diverged = false;
  memset (&h->divergence, 0, sizeof h->divergence);
}

size_t
nn_history_n_ops (const nn_history *h)
{
  return h->n_ops;
}

/* Doubles the stride and keeps the samples on it — every other one when
 * the steps came one stride apart — in place, oldest first. */
static void
thin (nn_history *h)
{
  size_t kept = 0;

  h->stride *= 2;
  for (size_t i = 0; i < h->n_steps; i++)
    if (h->steps[i].step % h->stride == 0)
      {
        if (kept != i)
          {
            h->steps[kept] = h->steps[i];
            memcpy (h->step_ops + kept * h->n_ops, h->step_ops + i * h->n_ops,
                    h->n_ops * sizeof *h->step_ops);
          }
        kept++;
      }
  h->n_steps = kept;
}

static void
append_step (nn_history           *h,
             const nn_step_sample *sample,
             const nn_op_stats    *ops,
             size_t                n_ops)
{
  nn_op_stats *dst = h->step_ops + h->n_steps * h->n_ops;
  size_t n = n_ops < h->n_ops ? n_ops : h->n_ops;

  h->steps[h->n_steps] = *sample;
  if (ops != NULL)
    memcpy (dst, ops, n * sizeof *dst);
  else
    n = 0;
  memset (dst + n, 0, (h->n_ops - n) * sizeof *dst);
  h->n_steps++;
}

/* The rule of history.h: kept when step % stride == 0, the stride doubling
 * when a step on it finds the samples full, so that after steps 1 … N the
 * samples are the multiples of S up to N whoever fed them and however the
 * run was paused. The step that finds them full is judged on the doubled
 * stride: of a run of 1-step increments, step 2049 is dropped, 2050 kept. */
void
nn_history_add_step (nn_history           *h,
                     const nn_step_report *report)
{
  nn_step_sample sample = {
    .step = report->step,
    .epoch = report->epoch,
    .loss = report->loss,
    .lr = report->lr,
    .grad_norm = report->grad_norm,
  };

  if (report->step % h->stride != 0)
    return;
  if (h->n_steps > 0 && report->step <= h->steps[h->n_steps - 1].step)
    return;
  if (h->n_steps == NN_HISTORY_MAX_STEPS)
    {
      thin (h);
      if (report->step % h->stride != 0)
        return;
    }
  append_step (h, &sample, report->ops, report->n_ops);
}

/* Makes room for one more epoch; false when memory runs out. */
static bool
grow_epochs (nn_history *h)
{
  size_t capacity = h->epoch_capacity * 2;
  nn_epoch_sample *epochs;
  double *dead;

  if (h->n_epochs < h->epoch_capacity)
    return true;
  if (capacity > SIZE_MAX / sizeof (double) / h->n_ops)
    return false;
  epochs = realloc (h->epochs, capacity * sizeof *epochs);
  if (epochs == NULL)
    return false;
  h->epochs = epochs;
  dead = realloc (h->epoch_dead, capacity * h->n_ops * sizeof *dead);
  if (dead == NULL)
    return false;
  h->epoch_dead = dead;
  h->epoch_capacity = capacity;
  return true;
}

static void
append_epoch (nn_history            *h,
              const nn_epoch_sample *sample,
              const double          *dead,
              size_t                 n_dead)
{
  double *dst = h->epoch_dead + h->n_epochs * h->n_ops;

  h->epochs[h->n_epochs] = *sample;
  for (size_t i = 0; i < h->n_ops; i++)
    dst[i] = dead != NULL && i < n_dead ? dead[i] : NAN;
  h->n_epochs++;
}

/* Epochs at or before the last one recorded are ignored, as steps are. An
 * epoch that finds no memory to grow into is not recorded (the history
 * then ends at the epoch before, which the diagnosis reads as a shorter
 * run rather than a wrong one). */
void
nn_history_add_epoch (nn_history            *h,
                      const nn_epoch_report *report)
{
  nn_epoch_sample sample = {
    .epoch = report->epoch,
    .train_loss = report->train_loss,
    .train_accuracy = report->train_accuracy,
    .has_val = report->has_val,
    .val_loss = report->val_loss,
    .val_accuracy = report->val_accuracy,
    .lr = report->lr,
    .samples_per_s = report->samples_per_s,
    .seconds = report->seconds,
  };

  if (h->n_epochs > 0 && report->epoch <= h->epochs[h->n_epochs - 1].epoch)
    return;
  if (!grow_epochs (h))
    return;
  append_epoch (h, &sample, report->dead_fraction, report->n_ops);
}

void
nn_history_set_divergence (nn_history          *h,
                           const nn_divergence *divergence)
{
  h->diverged = divergence != NULL;
  if (divergence != NULL)
    h->divergence = *divergence;
  else
    memset (&h->divergence, 0, sizeof h->divergence);
}

size_t
nn_history_n_steps (const nn_history *h)
{
  return h->n_steps;
}

const nn_step_sample *
nn_history_step (const nn_history *h,
                 size_t            i)
{
  return i < h->n_steps ? &h->steps[i] : NULL;
}

const nn_op_stats *
nn_history_step_ops (const nn_history *h,
                     size_t            i)
{
  return i < h->n_steps ? h->step_ops + i * h->n_ops : NULL;
}

uint64_t
nn_history_stride (const nn_history *h)
{
  return h->stride;
}

size_t
nn_history_n_epochs (const nn_history *h)
{
  return h->n_epochs;
}

const nn_epoch_sample *
nn_history_epoch (const nn_history *h,
                  size_t            i)
{
  return i < h->n_epochs ? &h->epochs[i] : NULL;
}

const double *
nn_history_epoch_dead (const nn_history *h,
                       size_t            i)
{
  return i < h->n_epochs ? h->epoch_dead + i * h->n_ops : NULL;
}

const nn_divergence *
nn_history_divergence (const nn_history *h)
{
  return h->diverged ? &h->divergence : NULL;
}

nn_status
nn_history_restore_step (nn_history           *h,
                         const nn_step_sample *sample,
                         const nn_op_stats    *ops,
                         nn_error             *err)
{
  if (ops == NULL)
    return nn_error_set (err, NN_ERR_INVALID, "step %llu has no statistics of its ops",
                         (unsigned long long) sample->step);
  if (h->n_steps == NN_HISTORY_MAX_STEPS)
    return nn_error_set (err, NN_ERR_INVALID, "a history holds at most %d step samples",
                         NN_HISTORY_MAX_STEPS);
  if (h->n_steps > 0 && sample->step <= h->steps[h->n_steps - 1].step)
    return nn_error_set (err, NN_ERR_INVALID, "step %llu comes after step %llu; the steps of "
                         "a history must increase", (unsigned long long) sample->step,
                         (unsigned long long) h->steps[h->n_steps - 1].step);
  append_step (h, sample, ops, h->n_ops);
  return NN_OK;
}

nn_status
nn_history_restore_epoch (nn_history            *h,
                          const nn_epoch_sample *sample,
                          const double          *dead,
                          nn_error              *err)
{
  if (h->n_epochs > 0 && sample->epoch <= h->epochs[h->n_epochs - 1].epoch)
    return nn_error_set (err, NN_ERR_INVALID, "epoch %d comes after epoch %d; the epochs of "
                         "a history must increase", sample->epoch,
                         h->epochs[h->n_epochs - 1].epoch);
  if (!grow_epochs (h))
    return nn_error_set (err, NN_ERR_NOMEM, "out of memory for %zu epochs of history",
                         h->n_epochs + 1);
  append_epoch (h, sample, dead, h->n_ops);
  return NN_OK;
}

void
nn_history_restore_stride (nn_history *h,
                           uint64_t    stride)
{
  h->stride = stride > 0 ? stride : 1;
}
