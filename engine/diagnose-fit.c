/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The diagnosis's rules about the learning rate and the fit, read from
 * the epoch losses and the update ratios (diagnose.c has the others and
 * the machinery). */
#include "diagnose-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- Thresholds ------------------------------------------------------------ */

/* Learning rate. The rule of thumb (Karpathy's CS231n notes): each step
 * should change the weights by about 10⁻³ of their norm. 100 times that
 * either way is far off: at 10⁻¹ a layer is rewritten in ten steps, at
 * 10⁻⁵ it would take 10⁵ steps to move by its own size. */
#define RATIO_TYPICAL 1e-3
#define RATIO_HIGH 1e-1
#define RATIO_LOW 1e-5
/* Rising: the mean training loss of the last RISE_EPOCHS epochs 50 % above
 * the best epoch's, and the rise undoing at least a tenth of what had been
 * learned (so that 0.010 → 0.016 at the bottom of a good run is noise). */
#define RISE_EPOCHS 3
#define RISE_FACTOR 1.5
#define RISE_MIN_UNDONE 0.1
/* Oscillating: among the epoch-to-epoch changes of the last half of the
 * run (at least the last OSC_EPOCHS), OSC_MIN_RISES rises of 20 % or more,
 * each also at least 2 % of the first epoch's loss: near a floor of a few
 * hundredths (circles, xor) the epoch losses of a good run wander by 20 %
 * of themselves, but that is far less than 2 % of where they started.
 * Descent at a good rate lowers the epoch loss nearly every epoch; one
 * rise can be a hard stretch of data, three are a rate that overshoots. */
#define OSC_EPOCHS 10
#define OSC_RISE 0.2
#define OSC_MIN_RISES 3
#define OSC_MIN_SHARE 0.02
/* Too low: besides the ratio, the training loss improving under 1 % over
 * the last LOW_EPOCHS epochs while still above a tenth of the first
 * epoch's — a converged run also takes tiny steps, and is no fault. */
#define LOW_EPOCHS 5
#define LOW_IMPROVEMENT 0.01
#define LOW_MIN_SHARE 0.1
/* A rate 10 times below the rule of thumb: raising it is worth trying when
 * a model underfits. */
#define RATIO_RAISE 1e-4

/* Overfitting: the validation loss, as a median of the (up to)
 * OVERFIT_RECENT last epochs, 10 % above its best, at least 2 epochs after
 * it, while the training loss, as a median of the same epochs, fell 10 %
 * below its value at that best epoch and the validation loss is now above
 * it. Validation losses wander by a few per cent from epoch to epoch, and
 * the best of them is their luckiest; a wandering validation loss beside a
 * flat training loss, or one still below it, is no gap opening. */
#define OVERFIT_RISE 1.1
#define OVERFIT_TRAIN_FALL 0.9
/* …and the rise at least 1 % of the first epoch's validation loss: a model
 * right on nearly every row (Gaussian blobs at 99.5 %) whose validation
 * loss creeps from 0.0035 to 0.0041 as it grows more confident has not
 * begun to overfit in any way that matters. */
#define OVERFIT_MIN_SHARE 0.01
#define OVERFIT_MIN_AFTER 2
#define OVERFIT_RECENT 3

/* Underfitting: after at least 10 epochs, the training loss changing by
 * under 1 %, up or down (a rising loss is the rate's fault), over the last
 * 5, and still at least half of the first epoch's (a model that can learn
 * the data halves its first-epoch loss quickly), with the validation loss
 * not below 0.8 times it (when it is, dropout or a penalty holds the
 * training loss up, not the model's size). */
#define UNDERFIT_MIN_EPOCHS 10
#define UNDERFIT_EPOCHS 5
#define UNDERFIT_CHANGE 0.01
#define UNDERFIT_SHARE 0.5
#define UNDERFIT_VAL_SHARE 0.8

/* Plateau: no epoch improving the best loss by more than 0.1 % (torch's
 * ReduceLROnPlateau counts 10⁻⁴) for 10 epochs, the patience of both
 * ReduceLROnPlateau and our early stopping. */
#define PLATEAU_EPOCHS 10
#define PLATEAU_IMPROVEMENT 1e-3

/* ---- Learning rate --------------------------------------------------------- */

/* The largest recent median update/weight ratio among the linear ops, and
 * which op has it; NAN without step samples or linear ops. */
static double
update_ratio (nn_diag *g,
              size_t  *which)
{
  double top = NAN;

  *which = SIZE_MAX;
  if (g->ns < MIN_STEP_SAMPLES)
    return NAN;
  for (size_t op = 0; op < g->n_ops; op++)
    if (nn_model_op (g->model, op)->kind == NN_OP_LINEAR)
      {
        double r;

        nn_diag_op_series (g, op, SERIES_UPDATE);
        r = nn_diag_range_median (g, g->recent, g->ns);
        if (*which == SIZE_MAX || r > top)
          {
            top = r;
            *which = op;
          }
      }
  return top;
}

static double
train_loss (nn_diag *g,
            size_t   i)
{
  return nn_diag_epoch_at (g, i)->train_loss;
}

/* The learning rate the run ended with. */
static double
last_lr (nn_diag *g)
{
  if (g->ne > 0)
    return nn_diag_epoch_at (g, g->ne - 1)->lr;
  if (g->ns > 0)
    return nn_history_step (g->h, g->ns - 1)->lr;
  return g->params.opt.lr;
}

void
nn_diag_check_lr_high (nn_diag *g)
{
  static const nn_fix fixes[] = { NN_FIX_LOWER_LR, NN_FIX_NONE };
  size_t op, best = 0, rises = 0, first_rise = 0, first_window = 0;
  double ratio = update_ratio (g, &op), first = NAN, recent = NAN;
  bool by_ratio = ratio >= RATIO_HIGH, rising = false, oscillating = false;
  char name[96], pow[32];
  const char *sep = "";
  nn_finding f;

  if (g->ne > RISE_EPOCHS)
    {
      first = train_loss (g, 0);
      for (size_t i = 1; i < g->ne; i++)
        if (train_loss (g, i) < train_loss (g, best))
          best = i;
      recent = 0.0;
      for (size_t i = g->ne - RISE_EPOCHS; i < g->ne; i++)
        recent += train_loss (g, i) / RISE_EPOCHS;
      rising = recent >= RISE_FACTOR * train_loss (g, best)
               && recent - train_loss (g, best) >= RISE_MIN_UNDONE * (first - train_loss (g, best));
    }
  if (g->ne > OSC_EPOCHS / 2)
    {
      size_t span = g->ne / 2 > OSC_EPOCHS ? g->ne / 2 : OSC_EPOCHS;
      size_t from = g->ne > span ? g->ne - span : 1;

      first_window = from;
      for (size_t i = from; i < g->ne; i++)
        {
          double a = train_loss (g, i - 1), b = train_loss (g, i);

          if (b >= (1.0 + OSC_RISE) * a && b - a >= OSC_MIN_SHARE * train_loss (g, 0))
            {
              if (rises++ == 0)
                first_rise = i;
            }
        }
      oscillating = rises >= OSC_MIN_RISES;
    }
  if (!by_ratio && !rising && !oscillating)
    return;

  f = nn_diag_finding (g, NN_FINDING_LR_TOO_HIGH, NN_FINDING_WARNING, SIZE_MAX);
  f.evidence[0] = last_lr (g);
  f.evidence[1] = ratio;
  f.evidence[2] = rising ? recent / train_loss (g, best) : NAN;
  f.evidence[3] = (double) rises;
  snprintf (f.message, sizeof f.message, "The learning rate %.3g looks too high: ",
            f.evidence[0]);
  if (rising)
    {
      f.epoch = nn_diag_epoch_at (g, best + 1 < g->ne ? best + 1 : best)->epoch;
      nn_diag_append (f.message, sizeof f.message, "the training loss rose to %.3g over the last %d "
                      "epochs, %.3g times its best, %.3g at epoch %d", recent, RISE_EPOCHS,
                      recent / train_loss (g, best), train_loss (g, best), nn_diag_epoch_at (g, best)->epoch);
      sep = "; ";
    }
  if (oscillating)
    {
      if (f.epoch == 0)
        f.epoch = nn_diag_epoch_at (g, first_rise)->epoch;
      nn_diag_append (f.message, sizeof f.message, "%sthe training loss jumped up by 20 %% or more "
                      "%zu times in the last %zu epochs", sep, rises, g->ne - first_window);
      sep = "; ";
    }
  if (by_ratio)
    {
      nn_diag_op_series (g, op, SERIES_UPDATE);
      if (f.epoch == 0)
        f.step = nn_diag_step_at (g, nn_diag_onset (g, RATIO_HIGH, false, g->recent));
      nn_diag_op_name (g, op, name, sizeof name);
      nn_diag_power_of_ten (ratio / RATIO_TYPICAL, pow, sizeof pow);
      nn_diag_append (f.message, sizeof f.message, "%seach step changes %s by %.2g of its weights, "
                      "about %s times the usual 10⁻³", sep, name, ratio, pow);
    }
  snprintf (f.advice, sizeof f.advice, "Lower the learning rate (by 3 to 10 times), or use a "
            "schedule that lowers it as training goes on.");
  nn_diag_choose_fix (g, &f, fixes);
  nn_diag_emit (g, &f);
}

void
nn_diag_check_lr_low (nn_diag *g)
{
  static const nn_fix fixes[] = { NN_FIX_RAISE_LR, NN_FIX_NONE };
  size_t op;
  double ratio = update_ratio (g, &op), old, now, improvement;
  nn_finding f;
  char name[96], pow[32];

  if (!(ratio <= RATIO_LOW) || g->ne < LOW_EPOCHS)
    return;
  old = train_loss (g, g->ne - LOW_EPOCHS);
  now = train_loss (g, g->ne - 1);
  improvement = (old - now) / old;
  if (!(improvement < LOW_IMPROVEMENT) || !(now >= LOW_MIN_SHARE * train_loss (g, 0)))
    return;
  nn_diag_op_series (g, op, SERIES_UPDATE);
  f = nn_diag_finding (g, NN_FINDING_LR_TOO_LOW, NN_FINDING_WARNING, SIZE_MAX);
  f.step = nn_diag_step_at (g, nn_diag_onset (g, RATIO_LOW, true, g->recent));
  f.evidence[0] = last_lr (g);
  f.evidence[1] = ratio;
  f.evidence[2] = improvement;
  nn_diag_op_name (g, op, name, sizeof name);
  nn_diag_power_of_ten (RATIO_TYPICAL / ratio, pow, sizeof pow);
  f.message[0] = '\0';
  if (ratio > 0.0)
    nn_diag_append (f.message, sizeof f.message, "The learning rate %.3g looks too low: each step "
                    "changes the weights by at most %.2g of their size (%s), about %s times below the "
                    "usual 10⁻³, ", f.evidence[0], ratio, name, pow);
  else
    nn_diag_append (f.message, sizeof f.message, "The learning rate %.3g looks too low: the steps leave "
                    "the weights as they are, ", f.evidence[0]);
  nn_diag_append (f.message, sizeof f.message, "and the training loss improved %.2g %% over the last "
                  "%d epochs", 100.0 * improvement, LOW_EPOCHS);
  snprintf (f.advice, sizeof f.advice, "Raise the learning rate (by 10 times, then adjust).");
  nn_diag_choose_fix (g, &f, fixes);
  nn_diag_emit (g, &f);
}

/* ---- Fit ------------------------------------------------------------------- */

static double
median3 (double a,
         double b,
         double c)
{
  return fmax (fmin (a, b), fmin (fmax (a, b), c));
}

void
nn_diag_check_overfitting (nn_diag *g)
{
  static const nn_fix fixes[] = { NN_FIX_EARLY_STOP, NN_FIX_ADD_DROPOUT, NN_FIX_NONE };
  size_t best = SIZE_MAX, after, n;
  double val[OVERFIT_RECENT], train[OVERFIT_RECENT], v, t, first = NAN;
  nn_finding f;

  for (size_t i = 0; i < g->ne; i++)
    {
      const nn_epoch_sample *e = nn_diag_epoch_at (g, i);

      if (!e->has_val || !isfinite (e->val_loss))
        continue;
      if (best == SIZE_MAX)
        first = e->val_loss;
      if (best == SIZE_MAX || e->val_loss < nn_diag_epoch_at (g, best)->val_loss)
        best = i;
    }
  if (best == SIZE_MAX || g->ne - 1 - best < OVERFIT_MIN_AFTER)
    return;
  after = g->ne - 1 - best;
  n = after < OVERFIT_RECENT ? after : OVERFIT_RECENT;
  for (size_t i = 0; i < n; i++)
    {
      val[i] = nn_diag_epoch_at (g, g->ne - n + i)->val_loss;
      train[i] = train_loss (g, g->ne - n + i);
    }
  /* n is 2 or 3: the median of 2 is their mean. */
  v = n == 3 ? median3 (val[0], val[1], val[2]) : 0.5 * (val[0] + val[1]);
  t = n == 3 ? median3 (train[0], train[1], train[2]) : 0.5 * (train[0] + train[1]);
  if (!(v >= OVERFIT_RISE * nn_diag_epoch_at (g, best)->val_loss
        && v - nn_diag_epoch_at (g, best)->val_loss >= OVERFIT_MIN_SHARE * first
        && t <= OVERFIT_TRAIN_FALL * train_loss (g, best) && v > t))
    return;

  f = nn_diag_finding (g, NN_FINDING_OVERFITTING, NN_FINDING_WARNING, SIZE_MAX);
  f.epoch = nn_diag_epoch_at (g, best + 1)->epoch;
  f.evidence[0] = nn_diag_epoch_at (g, best)->epoch;
  f.evidence[1] = v - t;
  f.evidence[2] = nn_diag_epoch_at (g, best)->val_loss;
  f.evidence[3] = v;
  snprintf (f.message, sizeof f.message, "Overfitting since epoch %d: the validation loss rose "
            "from its best, %.3g at epoch %d, to %.3g while the training loss fell from %.3g to "
            "%.3g; the gap is now %.3g", f.epoch, nn_diag_epoch_at (g, best)->val_loss,
            nn_diag_epoch_at (g, best)->epoch, v, train_loss (g, best), t, v - t);
  snprintf (f.advice, sizeof f.advice, "Stop at the best epoch (early stopping), add dropout "
            "or weight decay, get more data, or use a smaller model.");
  nn_diag_choose_fix (g, &f, fixes);
  nn_diag_emit (g, &f);
}

/* Whether the training loss changed by under UNDERFIT_CHANGE, up or down,
 * over the UNDERFIT_EPOCHS epochs ending at epoch index @i. */
static bool
flat_until (nn_diag *g,
            size_t   i)
{
  double old = train_loss (g, i + 1 - UNDERFIT_EPOCHS), now = train_loss (g, i);

  return fabs (old - now) < UNDERFIT_CHANGE * old;
}

void
nn_diag_check_underfitting (nn_diag *g)
{
  static const nn_fix raise[] = { NN_FIX_RAISE_LR, NN_FIX_NONE };
  static const nn_fix none[] = { NN_FIX_NONE };
  const nn_epoch_sample *last;
  double first, now, ratio;
  size_t start, op;
  nn_finding f;

  if (g->ne < UNDERFIT_MIN_EPOCHS || g->found[NN_FINDING_LR_TOO_LOW])
    return;
  last = nn_diag_epoch_at (g, g->ne - 1);
  first = train_loss (g, 0);
  now = last->train_loss;
  if (!flat_until (g, g->ne - 1) || !(now >= UNDERFIT_SHARE * first))
    return;
  if (last->has_val && isfinite (last->val_loss) && last->val_loss < UNDERFIT_VAL_SHARE * now)
    return;
  start = g->ne - 1;
  while (start >= UNDERFIT_EPOCHS && flat_until (g, start - 1))
    start--;

  f = nn_diag_finding (g, NN_FINDING_UNDERFITTING, NN_FINDING_WARNING, SIZE_MAX);
  f.epoch = nn_diag_epoch_at (g, start + 1 - UNDERFIT_EPOCHS)->epoch;
  f.evidence[0] = now;
  f.evidence[1] = now / first;
  f.evidence[2] = last->has_val ? last->val_loss : NAN;
  snprintf (f.message, sizeof f.message, "Underfitting: after %d epochs the training loss is "
            "still %.3g, %.0f %% of the first epoch's %.3g, and has changed by under 1 %% "
            "in %d epochs (flat since epoch %d)", last->epoch, now, 100.0 * now / first, first,
            UNDERFIT_EPOCHS, f.epoch);
  snprintf (f.advice, sizeof f.advice, "Try a bigger model (more units or layers), more epochs, "
            "or a higher learning rate.");
  ratio = update_ratio (g, &op);
  nn_diag_choose_fix (g, &f, ratio < RATIO_RAISE ? raise : none);
  nn_diag_emit (g, &f);
}

void
nn_diag_check_plateau (nn_diag *g)
{
  static const nn_fix fixes[] = { NN_FIX_PLATEAU_SCHEDULE, NN_FIX_NONE };
  size_t improved = 0, since;
  double best;
  bool val;
  nn_finding f;

  if (g->ne <= PLATEAU_EPOCHS || g->found[NN_FINDING_OVERFITTING]
      || g->found[NN_FINDING_UNDERFITTING] || g->found[NN_FINDING_LR_TOO_HIGH]
      || g->found[NN_FINDING_LR_TOO_LOW])
    return;
  val = nn_diag_epoch_at (g, g->ne - 1)->has_val;
  /* Only a gain of more than PLATEAU_IMPROVEMENT over the best that counted
   * counts, so that a slow creep adds up until it does. */
  best = val ? nn_diag_epoch_at (g, 0)->val_loss : train_loss (g, 0);
  for (size_t i = 1; i < g->ne; i++)
    {
      double m = val ? nn_diag_epoch_at (g, i)->val_loss : train_loss (g, i);

      if (m < best * (1.0 - PLATEAU_IMPROVEMENT) || !isfinite (best))
        {
          best = m;
          improved = i;
        }
    }
  since = g->ne - 1 - improved;
  if (since < PLATEAU_EPOCHS)
    return;

  f = nn_diag_finding (g, NN_FINDING_PLATEAU, NN_FINDING_INFO, SIZE_MAX);
  f.epoch = nn_diag_epoch_at (g, improved + 1)->epoch;
  f.evidence[0] = (double) since;
  f.evidence[1] = best;
  f.evidence[2] = nn_diag_epoch_at (g, improved)->epoch;
  snprintf (f.message, sizeof f.message, "Plateau: the %s loss has not improved by 0.1 %% for "
            "%zu epochs; its best, %.3g, was at epoch %d", val ? "validation" : "training",
            since, best, nn_diag_epoch_at (g, improved)->epoch);
  snprintf (f.advice, sizeof f.advice, "Stop here, or lower the learning rate when progress "
            "stalls (the plateau schedule) to settle further.");
  nn_diag_choose_fix (g, &f, fixes);
  nn_diag_emit (g, &f);
}
