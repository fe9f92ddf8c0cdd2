/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "diagnose-private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Thresholds ------------------------------------------------------------
 *
 * Step rules read medians over windows of step samples: the recent window
 * is the last quarter of the samples (at least WINDOW_MIN), the early
 * window the first quarter. A median over a quarter of the run ignores any
 * single noisy batch; a quarter, not a fixed count, because the samples
 * thin as a run grows (history.h), so a quarter always covers the same
 * share of the run. Epoch rules read the epoch losses, which are already
 * means over every batch of an epoch. */

/* Fewer step samples than this say nothing robust about a trend: a quarter
 * of them would be under 5. */
#define MIN_STEP_SAMPLES 20
#define WINDOW_MIN 5
/* Where a condition began is found from samples each replaced by the
 * median of itself and ONSET_HALF neighbours on each side, so one odd
 * batch neither starts nor interrupts it. */
#define ONSET_HALF 2

/* Vanishing. Between healthy layers gradient norms differ by a factor of
 * a few, and at most 10–100 across a deep ReLU net with He initialisation;
 * 10⁻³ is three orders of magnitude, where the early layer's updates under
 * SGD are a thousandth of the last layer's and it has in effect stopped
 * learning. 10⁻⁶ (a 10-layer sigmoid net: σ' ≤ ¼ per layer) is beyond
 * any optimiser's rescue in float32. */
#define VANISH_RATIO 1e-3
#define VANISH_SEVERE_RATIO 1e-6
/* Absolutely: a gradient norm under 10⁻⁷ moves float32 weights of order
 * 0.1 in their 7th digit at lr 1 — nothing — over at least 50 samples. */
#define VANISH_FLOOR 1e-7
#define VANISH_FLOOR_SAMPLES 50
/* …unless the loss itself is about 0: a perfect fit has no gradient left
 * anywhere, and that is no fault. */
#define VANISH_MIN_LOSS 1e-4

/* Exploding. Over a healthy run the global gradient norm wanders within a
 * factor of 10 or so (it usually falls); two orders of magnitude of growth
 * from the first quarter to the last is a run on its way to divergence. */
#define EXPLODE_GROWTH 100.0
#define EXPLODE_SEVERE_GROWTH 1e4
/* …with the batch loss not falling below half its early median: gradients
 * that grow while the loss falls fast are a network waking up (sigmoid or
 * tanh units leaving saturation, small initial weights growing), not one
 * blowing up. */
#define EXPLODE_LOSS_SHARE 0.5
/* A spike: a sample ≥ 100 times the median of the SPIKE_HALF samples on
 * each side of it — on both sides, so that a step up to a new level, where
 * the samples before are all lower, is not one — and ≥ 10 times the early
 * median too, so that a batch with a misfit point late in a run that fits
 * almost perfectly (gradients near 0, then one of the size they had at the
 * start) does not count. One spike can be one bad batch; SPIKE_MIN_COUNT
 * make a pattern. */
#define SPIKE_FACTOR 100.0
#define SPIKE_EARLY_FACTOR 10.0
#define SPIKE_HALF 8
#define SPIKE_MIN_COUNT 3

/* Dead units: a share of a ReLU layer's units that gave 0 for every row of
 * the last epoch. Half of a layer is capacity lost worth a warning; at 90 %
 * the layer barely passes anything on. Leaky ReLU, ELU and GELU units at or
 * below 0 for every row still pass a gradient (0.01, eˣ, Φ(x) + xφ(x)) and
 * can come back, so for them it is only a note. */
#define DEAD_WARNING 0.5
#define DEAD_ERROR 0.9

/* Saturated: the recent median share of a sigmoid/tanh op's outputs
 * within 1 % of its ends (stats.h), where σ' < 0.01. */
#define SATURATED_WARNING 0.5
#define SATURATED_ERROR 0.9

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

/* ---- Statistics ------------------------------------------------------------ */

/* Ascending, NaN last, so sorting is total and the same everywhere. */
static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  if (isnan (x) || isnan (y))
    return isnan (x) - isnan (y);
  return (x > y) - (x < y);
}

/* The median of @n values (the mean of the middle two for even n), NaN
 * left out; NaN when there are none. Sorts @v. */
static double
median_sort (double *v,
             size_t  n)
{
  qsort (v, n, sizeof *v, cmp_double);
  while (n > 0 && isnan (v[n - 1]))
    n--;
  if (n == 0)
    return NAN;
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* ---- The diagnosis --------------------------------------------------------- */

typedef struct
{
  const nn_history    *h;
  const nn_model      *model;
  const nn_model_spec *spec;
  nn_trainer_params    params;
  size_t               n_ops;
  size_t               ns;        /* step samples */
  size_t               ne;        /* epochs */
  size_t               recent;    /* first sample of the recent window */
  size_t               early;     /* samples of the early window */
  double               v[NN_HISTORY_MAX_STEPS];    /* a series of the step samples */
  double               tmp[NN_HISTORY_MAX_STEPS];  /* scratch for medians */
  nn_finding          *out;
  size_t               max;
  size_t               count;
  bool                 found[NN_FINDING_COUNT];
  size_t               last_dead;  /* the last ReLU op found dead (SIZE_MAX: none) */
} diag;

/* The median of v[first, last). */
static double
range_median (diag   *g,
              size_t  first,
              size_t  last)
{
  memcpy (g->tmp, g->v + first, (last - first) * sizeof *g->tmp);
  return median_sort (g->tmp, last - first);
}

/* Sample i smoothed: the median of v over [i − ONSET_HALF, i + ONSET_HALF]. */
static double
smoothed (diag   *g,
          size_t  i)
{
  size_t first = i > ONSET_HALF ? i - ONSET_HALF : 0;
  size_t last = i + ONSET_HALF + 1 < g->ns ? i + ONSET_HALF + 1 : g->ns;

  return range_median (g, first, last);
}

static bool
holds (double x,
       double threshold,
       bool   below)
{
  return below ? x <= threshold : x >= threshold;
}

/* The first sample of the trailing run of samples whose smoothed value is
 * at most (or at least) @threshold; @fallback when the last one is not. */
static size_t
onset (diag   *g,
       double  threshold,
       bool    below,
       size_t  fallback)
{
  size_t i = g->ns;

  while (i > 0 && holds (smoothed (g, i - 1), threshold, below))
    i--;
  return i < g->ns ? i : fallback;
}

typedef enum
{
  SERIES_GRAD,
  SERIES_UPDATE,
  SERIES_SATURATED,
} series;

/* Fills g->v with one statistic of op @op over the step samples. */
static void
op_series (diag   *g,
           size_t  op,
           series  what)
{
  for (size_t i = 0; i < g->ns; i++)
    {
      const nn_op_stats *s = &nn_history_step_ops (g->h, i)[op];

      g->v[i] = what == SERIES_GRAD ? s->grad_norm
                : what == SERIES_UPDATE ? s->update_ratio : s->saturated_fraction;
    }
}

static uint64_t
step_at (diag   *g,
         size_t  i)
{
  return nn_history_step (g->h, i)->step;
}

static const nn_epoch_sample *
epoch_at (diag   *g,
          size_t  i)
{
  return nn_history_epoch (g->h, i);
}

/* "layers.0 (Linear(2→16))" */
static void
op_name (diag   *g,
         size_t  op,
         char   *buf,
         size_t  len)
{
  char desc[64];

  nn_model_describe_op (g->model, op, desc, sizeof desc);
  snprintf (buf, len, "layers.%zu (%s)", op, desc);
}

/* "10⁻⁶": the power of ten nearest @x (> 0), for people; the exponent
 * stays within ±300 (double's range). */
static void
power_of_ten (double  x,
              char   *buf,
              size_t  len)
{
  static const char *const sup[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
  double l = x > 0.0 ? log10 (x) : -300.0;
  int e = (int) lround (fmin (300.0, fmax (-300.0, l)));
  char digits[16];
  size_t used;

  used = (size_t) snprintf (buf, len, "10%s", e < 0 ? "⁻" : "");
  snprintf (digits, sizeof digits, "%d", abs (e));
  for (const char *c = digits; *c != '\0' && used < len; c++)
    used += (size_t) snprintf (buf + used, len - used, "%s", sup[*c - '0']);
}

/* Appends to the text in @buf, cutting it at @len bytes (a message is for
 * people: a cut one still says most of it). */
static void
append (char       *buf,
        size_t      len,
        const char *fmt,
        ...)
{
  size_t used = strlen (buf);
  va_list ap;

  if (used + 1 >= len)
    return;
  va_start (ap, fmt);
  vsnprintf (buf + used, len - used, fmt, ap);
  va_end (ap);
}

/* Finding @a goes before @b: more severe, then by kind, layer and op. */
static bool
before (const nn_finding *a,
        const nn_finding *b)
{
  if (a->severity != b->severity)
    return a->severity > b->severity;
  if (a->kind != b->kind)
    return a->kind < b->kind;
  if (a->layer != b->layer)
    return a->layer < b->layer;
  return a->op < b->op;
}

/* Whether @f's fix would change the settings. */
static bool
fix_applies (diag             *g,
             const nn_finding *f)
{
  nn_model_spec spec = *g->spec;
  nn_trainer_params params = g->params;

  return nn_fix_apply (f, &spec, &params);
}

/* Sets @f's fix to the first of @fixes (ending with NN_FIX_NONE) that
 * applies, with its label. */
static void
choose_fix (diag          *g,
            nn_finding    *f,
            const nn_fix  *fixes)
{
  int d;

  f->fix = NN_FIX_NONE;
  f->fix_label[0] = '\0';
  for (; *fixes != NN_FIX_NONE; fixes++)
    {
      f->fix = *fixes;
      if (fix_applies (g, f))
        break;
      f->fix = NN_FIX_NONE;
    }
  d = nn_fix_dense (g->spec, f) + 1;
  switch (f->fix)
    {
    case NN_FIX_HE_INIT:
      snprintf (f->fix_label, sizeof f->fix_label, "Use He initialisation for layer %d",
                f->layer + 1);
      break;
    case NN_FIX_ADD_BATCHNORM:
      snprintf (f->fix_label, sizeof f->fix_label, "Add batch normalisation to layer %d", d);
      break;
    case NN_FIX_LEAKY_RELU:
      snprintf (f->fix_label, sizeof f->fix_label, "Use leaky ReLU in layer %d", f->layer + 1);
      break;
    case NN_FIX_LOWER_LR:
      snprintf (f->fix_label, sizeof f->fix_label, "Divide the learning rate by 10");
      break;
    case NN_FIX_RAISE_LR:
      snprintf (f->fix_label, sizeof f->fix_label, "Multiply the learning rate by 10");
      break;
    case NN_FIX_CLIP_NORM:
      snprintf (f->fix_label, sizeof f->fix_label, "Clip gradients at norm 1");
      break;
    case NN_FIX_EARLY_STOP:
      snprintf (f->fix_label, sizeof f->fix_label, "Turn on early stopping");
      break;
    case NN_FIX_ADD_DROPOUT:
      snprintf (f->fix_label, sizeof f->fix_label, "Add dropout 0.2 after layer %d", d);
      break;
    case NN_FIX_PLATEAU_SCHEDULE:
      snprintf (f->fix_label, sizeof f->fix_label, "Lower the learning rate on plateaus");
      break;
    case NN_FIX_NONE:
    case NN_FIX_COUNT:
      break;
    }
}

/* A fresh finding of @kind about op @op (SIZE_MAX: none). */
static nn_finding
finding (diag                *g,
         nn_finding_kind      kind,
         nn_finding_severity  severity,
         size_t               op)
{
  nn_finding f = {
    .kind = kind,
    .severity = severity,
    .layer = op != SIZE_MAX ? (int) nn_model_op (g->model, op)->layer : -1,
    .op = op,
  };

  return f;
}

/* Counts @f and keeps it in order among the first g->max. */
static void
emit (diag             *g,
      const nn_finding *f)
{
  size_t n = g->count < g->max ? g->count : g->max, i = n;

  g->found[f->kind] = true;
  g->count++;
  while (i > 0 && before (f, &g->out[i - 1]))
    i--;
  if (i >= g->max)
    return;
  if (n == g->max)
    n--;
  memmove (&g->out[i + 1], &g->out[i], (n - i) * sizeof *g->out);
  g->out[i] = *f;
}

/* The activation that follows linear op @op, before the next linear op. */
static nn_activation
activation_after (diag   *g,
                  size_t  op)
{
  for (size_t i = op + 1; i < g->n_ops && nn_model_op (g->model, i)->kind != NN_OP_LINEAR; i++)
    if (nn_model_op (g->model, i)->kind == NN_OP_ACTIVATION)
      return nn_model_op (g->model, i)->act;
  return NN_ACT_IDENTITY;
}

/* ---- Gradients ------------------------------------------------------------- */

static void
check_vanishing (diag *g)
{
  size_t last = SIZE_MAX, floor_first;
  double g_last, loss;

  if (g->ns < MIN_STEP_SAMPLES)
    return;
  for (size_t i = 0; i < g->n_ops; i++)
    if (nn_model_op (g->model, i)->kind == NN_OP_LINEAR)
      last = i;
  if (last == SIZE_MAX)
    return;
  op_series (g, last, SERIES_GRAD);
  g_last = range_median (g, g->recent, g->ns);
  /* The floor is judged over the recent window, or the last
   * VANISH_FLOOR_SAMPLES samples when that is longer. */
  floor_first = g->ns - g->recent > VANISH_FLOOR_SAMPLES ? g->recent
                : g->ns > VANISH_FLOOR_SAMPLES ? g->ns - VANISH_FLOOR_SAMPLES : 0;
  for (size_t i = 0; i < g->ns; i++)
    g->v[i] = nn_history_step (g->h, i)->loss;
  loss = g->ns >= VANISH_FLOOR_SAMPLES ? range_median (g, floor_first, g->ns) : 0.0;

  for (size_t op = 0; op < last; op++)
    {
      const nn_op *o = nn_model_op (g->model, op);
      double gi, ratio, floor_median = INFINITY;
      size_t start;
      nn_activation act;
      nn_finding f;
      char name[96], pow[32];
      bool by_ratio;

      /* Dead ReLUs above it pass no gradient down: that finding says why. */
      if (o->kind != NN_OP_LINEAR || (g->last_dead != SIZE_MAX && g->last_dead > op))
        continue;
      op_series (g, op, SERIES_GRAD);
      gi = range_median (g, g->recent, g->ns);
      if (g->ns >= VANISH_FLOOR_SAMPLES && loss > VANISH_MIN_LOSS)
        floor_median = range_median (g, floor_first, g->ns);
      ratio = g_last > 0.0 ? gi / g_last : 1.0;
      by_ratio = ratio < VANISH_RATIO;
      if (!by_ratio && !(floor_median < VANISH_FLOOR))
        continue;

      if (by_ratio)
        {
          /* Sample by sample, the ratio to the last layer's gradient. */
          const nn_op_stats *s;

          for (size_t i = 0; i < g->ns; i++)
            {
              s = nn_history_step_ops (g->h, i);
              g->v[i] = s[last].grad_norm > 0.0 ? s[op].grad_norm / s[last].grad_norm : 1.0;
            }
          start = onset (g, VANISH_RATIO, true, g->recent);
        }
      else
        start = onset (g, VANISH_FLOOR, true, floor_first);

      f = finding (g, NN_FINDING_VANISHING,
                   !by_ratio || ratio < VANISH_SEVERE_RATIO ? NN_FINDING_ERROR
                   : NN_FINDING_WARNING, op);
      f.step = step_at (g, start);
      f.evidence[0] = gi;
      f.evidence[1] = ratio;
      f.evidence[2] = g_last;
      f.evidence[3] = (double) f.step;
      op_name (g, op, name, sizeof name);
      if (by_ratio && gi > 0.0)
        {
          power_of_ten (ratio, pow, sizeof pow);
          snprintf (f.message, sizeof f.message, "Gradients vanish toward the input: %s in "
                    "layer %d gets %.2g, about %s times the last layer's %.2g (since step %llu)",
                    name, f.layer + 1, gi, pow, g_last, (unsigned long long) f.step);
        }
      else if (by_ratio)
        snprintf (f.message, sizeof f.message, "Gradients vanish toward the input: %s in layer "
                  "%d gets no gradient at all, the last layer %.2g (since step %llu)", name,
                  f.layer + 1, g_last, (unsigned long long) f.step);
      else
        snprintf (f.message, sizeof f.message, "Gradients vanish: %s in layer %d gets %.2g, "
                  "below 10⁻⁷, so it has stopped learning (since step %llu)", name, f.layer + 1,
                  gi, (unsigned long long) f.step);
      act = activation_after (g, op);
      if (nn_activation_can_saturate (act))
        {
          static const nn_fix fixes[] = { NN_FIX_HE_INIT, NN_FIX_ADD_BATCHNORM, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "Use ReLU with He initialisation, or add batch "
                    "normalisation: %s squashes the gradient at every layer.",
                    nn_activation_torch_name (act));
          choose_fix (g, &f, fixes);
        }
      else if (o->init != NN_INIT_HE_NORMAL && o->init != NN_INIT_HE_UNIFORM)
        {
          static const nn_fix fixes[] = { NN_FIX_HE_INIT, NN_FIX_ADD_BATCHNORM, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "Use He initialisation, or add batch "
                    "normalisation.");
          choose_fix (g, &f, fixes);
        }
      else
        {
          static const nn_fix fixes[] = { NN_FIX_ADD_BATCHNORM, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "Add batch normalisation, or use fewer layers.");
          choose_fix (g, &f, fixes);
        }
      emit (g, &f);
      return;
    }
}

static void
check_exploding (diag *g)
{
  static const nn_fix fixes[] = { NN_FIX_CLIP_NORM, NN_FIX_LOWER_LR, NN_FIX_NONE };
  double early, recent, growth, top = 0.0, loss_early, loss_recent;
  size_t spikes = 0, first_spike = 0;
  nn_finding f;
  char pow[32];

  if (g->ns < MIN_STEP_SAMPLES)
    return;
  for (size_t i = 0; i < g->ns; i++)
    g->v[i] = nn_history_step (g->h, i)->loss;
  loss_early = range_median (g, 0, g->early);
  loss_recent = range_median (g, g->recent, g->ns);
  for (size_t i = 0; i < g->ns; i++)
    g->v[i] = nn_history_step (g->h, i)->grad_norm;
  early = range_median (g, 0, g->early);
  recent = range_median (g, g->recent, g->ns);
  if (!(early > 0.0))
    return;
  growth = recent / early;
  for (size_t i = SPIKE_HALF; i + SPIKE_HALF < g->ns; i++)
    {
      double around;

      memcpy (g->tmp, g->v + i - SPIKE_HALF, SPIKE_HALF * sizeof *g->tmp);
      memcpy (g->tmp + SPIKE_HALF, g->v + i + 1, SPIKE_HALF * sizeof *g->tmp);
      around = median_sort (g->tmp, 2 * SPIKE_HALF);

      if (g->v[i] >= SPIKE_FACTOR * around && g->v[i] >= SPIKE_EARLY_FACTOR * early)
        {
          if (spikes++ == 0)
            first_spike = i;
          top = fmax (top, g->v[i] / around);
        }
    }

  if (growth >= EXPLODE_GROWTH && !(loss_recent < EXPLODE_LOSS_SHARE * loss_early))
    {
      size_t start = g->recent;

      for (size_t i = 0; i < g->ns; i++)
        if (smoothed (g, i) >= EXPLODE_GROWTH * early)
          {
            start = i;
            break;
          }
      f = finding (g, NN_FINDING_EXPLODING, growth >= EXPLODE_SEVERE_GROWTH ? NN_FINDING_ERROR
                   : NN_FINDING_WARNING, SIZE_MAX);
      f.step = step_at (g, start);
      f.evidence[0] = growth;
      f.evidence[1] = early;
      f.evidence[2] = recent;
      f.evidence[3] = (double) spikes;
      power_of_ten (growth, pow, sizeof pow);
      snprintf (f.message, sizeof f.message, "Gradients explode: the gradient norm grew about "
                "%s-fold, from %.2g early in the run to %.2g (past 100 times since step %llu)",
                pow, early, recent, (unsigned long long) f.step);
    }
  else if (spikes >= SPIKE_MIN_COUNT)
    {
      f = finding (g, NN_FINDING_EXPLODING, NN_FINDING_WARNING, SIZE_MAX);
      f.step = step_at (g, first_spike);
      f.evidence[0] = top;
      f.evidence[1] = early;
      f.evidence[2] = recent;
      f.evidence[3] = (double) spikes;
      snprintf (f.message, sizeof f.message, "Gradients spike: %zu times the gradient norm jumped "
                "to 100 or more times the median around it, up to %.3g times (first at step %llu)",
                spikes, top, (unsigned long long) f.step);
    }
  else
    return;
  snprintf (f.advice, sizeof f.advice, "Clip gradients by their global norm, or lower the "
            "learning rate.");
  choose_fix (g, &f, fixes);
  emit (g, &f);
}

static void
check_diverged (diag *g)
{
  const nn_divergence *d = nn_history_divergence (g->h);
  nn_finding f;

  if (d == NULL)
    return;
  f = finding (g, NN_FINDING_DIVERGED, NN_FINDING_ERROR,
               d->op < g->n_ops ? d->op : SIZE_MAX);
  f.step = d->step;
  f.epoch = d->epoch;
  f.evidence[0] = (double) d->step;
  f.evidence[1] = d->last_loss;
  snprintf (f.message, sizeof f.message, "Training diverged: %s", d->message);
  if (strcmp (d->what, "input data") == 0)
    {
      static const nn_fix fixes[] = { NN_FIX_NONE };

      snprintf (f.advice, sizeof f.advice, "Check the data (backprop check-data): remove or "
                "fill the rows with missing or infinite values.");
      choose_fix (g, &f, fixes);
    }
  else
    {
      static const nn_fix fixes[] = { NN_FIX_LOWER_LR, NN_FIX_NONE };

      snprintf (f.advice, sizeof f.advice, "Lower the learning rate, or clip gradients by "
                "their global norm.");
      choose_fix (g, &f, fixes);
    }
  emit (g, &f);
}

/* ---- Units ----------------------------------------------------------------- */

static void
check_dead (diag *g)
{
  if (g->ne == 0)
    return;
  for (size_t op = 0; op < g->n_ops; op++)
    {
      const nn_op *o = nn_model_op (g->model, op);
      size_t last = g->ne, start;
      double dead = NAN;
      nn_finding f;
      char name[96];

      if (o->kind != NN_OP_ACTIVATION || !nn_activation_can_die (o->act))
        continue;
      /* The last epoch that measured it, and the run of epochs before it
       * that were past the threshold too. */
      while (last > 0 && isnan (dead = nn_history_epoch_dead (g->h, last - 1)[op]))
        last--;
      if (last == 0 || !(dead >= DEAD_WARNING))
        continue;
      start = last - 1;
      while (start > 0 && nn_history_epoch_dead (g->h, start - 1)[op] >= DEAD_WARNING)
        start--;

      f = finding (g, NN_FINDING_DEAD_UNITS, o->act != NN_ACT_RELU ? NN_FINDING_INFO
                   : dead >= DEAD_ERROR ? NN_FINDING_ERROR : NN_FINDING_WARNING, op);
      f.epoch = epoch_at (g, start)->epoch;
      f.evidence[0] = dead;
      f.evidence[1] = round (dead * (double) o->out);
      f.evidence[2] = (double) o->out;
      f.evidence[3] = (double) f.epoch;
      op_name (g, op, name, sizeof name);
      snprintf (f.message, sizeof f.message, "Dead units: %.0f of the %zu units of %s in layer "
                "%d (%.0f %%) output %s for every sample of epoch %d (since epoch %d)",
                f.evidence[1], o->out, name, f.layer + 1, 100.0 * dead,
                o->act == NN_ACT_RELU ? "0" : "0 or less", epoch_at (g, last - 1)->epoch,
                f.epoch);
      if (o->act == NN_ACT_RELU)
        {
          static const nn_fix fixes[] = { NN_FIX_LEAKY_RELU, NN_FIX_LOWER_LR, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "Use leaky ReLU, lower the learning rate, or "
                    "use He initialisation: a dead ReLU gets no gradient and never recovers.");
          choose_fix (g, &f, fixes);
          g->last_dead = op;
        }
      else
        {
          static const nn_fix fixes[] = { NN_FIX_LOWER_LR, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "They still pass a small gradient and may "
                    "recover; if they stay, lower the learning rate.");
          choose_fix (g, &f, fixes);
        }
      emit (g, &f);
    }
}

static void
check_saturated (diag *g)
{
  static const nn_fix fixes[] = { NN_FIX_ADD_BATCHNORM, NN_FIX_NONE };

  if (g->ns < MIN_STEP_SAMPLES)
    return;
  for (size_t op = 0; op < g->n_ops; op++)
    {
      const nn_op *o = nn_model_op (g->model, op);
      double share;
      nn_finding f;
      char name[96];

      if (o->kind != NN_OP_ACTIVATION || !nn_activation_can_saturate (o->act))
        continue;
      op_series (g, op, SERIES_SATURATED);
      share = range_median (g, g->recent, g->ns);
      if (!(share >= SATURATED_WARNING))
        continue;
      f = finding (g, NN_FINDING_SATURATED, share >= SATURATED_ERROR ? NN_FINDING_ERROR
                   : NN_FINDING_WARNING, op);
      f.step = step_at (g, onset (g, SATURATED_WARNING, false, g->recent));
      f.evidence[0] = share;
      f.evidence[3] = (double) f.step;
      op_name (g, op, name, sizeof name);
      snprintf (f.message, sizeof f.message, "Saturated units: %.0f %% of the outputs of %s in "
                "layer %d sit within 1 %% of its ends, where its gradient is almost 0 (since "
                "step %llu)",
                100.0 * share, name, f.layer + 1, (unsigned long long) f.step);
      snprintf (f.advice, sizeof f.advice, "Add batch normalisation before the %s, or use "
                "Xavier initialisation and a lower learning rate.",
                nn_activation_torch_name (o->act));
      choose_fix (g, &f, fixes);
      emit (g, &f);
    }
}

/* ---- Learning rate --------------------------------------------------------- */

/* The largest recent median update/weight ratio among the linear ops, and
 * which op has it; NAN without step samples or linear ops. */
static double
update_ratio (diag   *g,
              size_t *which)
{
  double top = NAN;

  *which = SIZE_MAX;
  if (g->ns < MIN_STEP_SAMPLES)
    return NAN;
  for (size_t op = 0; op < g->n_ops; op++)
    if (nn_model_op (g->model, op)->kind == NN_OP_LINEAR)
      {
        double r;

        op_series (g, op, SERIES_UPDATE);
        r = range_median (g, g->recent, g->ns);
        if (*which == SIZE_MAX || r > top)
          {
            top = r;
            *which = op;
          }
      }
  return top;
}

static double
train_loss (diag   *g,
            size_t  i)
{
  return epoch_at (g, i)->train_loss;
}

/* The learning rate the run ended with. */
static double
last_lr (diag *g)
{
  if (g->ne > 0)
    return epoch_at (g, g->ne - 1)->lr;
  if (g->ns > 0)
    return nn_history_step (g->h, g->ns - 1)->lr;
  return g->params.opt.lr;
}

static void
check_lr_high (diag *g)
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

  f = finding (g, NN_FINDING_LR_TOO_HIGH, NN_FINDING_WARNING, SIZE_MAX);
  f.evidence[0] = last_lr (g);
  f.evidence[1] = ratio;
  f.evidence[2] = rising ? recent / train_loss (g, best) : NAN;
  f.evidence[3] = (double) rises;
  snprintf (f.message, sizeof f.message, "The learning rate %.3g looks too high: ",
            f.evidence[0]);
  if (rising)
    {
      f.epoch = epoch_at (g, best + 1 < g->ne ? best + 1 : best)->epoch;
      append (f.message, sizeof f.message, "the training loss rose to %.3g over the last %d "
              "epochs, %.3g times its best, %.3g at epoch %d", recent, RISE_EPOCHS,
              recent / train_loss (g, best), train_loss (g, best), epoch_at (g, best)->epoch);
      sep = "; ";
    }
  if (oscillating)
    {
      if (f.epoch == 0)
        f.epoch = epoch_at (g, first_rise)->epoch;
      append (f.message, sizeof f.message, "%sthe training loss jumped up by 20 %% or more "
              "%zu times in the last %zu epochs", sep, rises, g->ne - first_window);
      sep = "; ";
    }
  if (by_ratio)
    {
      op_series (g, op, SERIES_UPDATE);
      if (f.epoch == 0)
        f.step = step_at (g, onset (g, RATIO_HIGH, false, g->recent));
      op_name (g, op, name, sizeof name);
      power_of_ten (ratio / RATIO_TYPICAL, pow, sizeof pow);
      append (f.message, sizeof f.message, "%seach step changes %s by %.2g of its weights, "
              "about %s times the usual 10⁻³", sep, name, ratio, pow);
    }
  snprintf (f.advice, sizeof f.advice, "Lower the learning rate (by 3 to 10 times), or use a "
            "schedule that lowers it as training goes on.");
  choose_fix (g, &f, fixes);
  emit (g, &f);
}

static void
check_lr_low (diag *g)
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
  op_series (g, op, SERIES_UPDATE);
  f = finding (g, NN_FINDING_LR_TOO_LOW, NN_FINDING_WARNING, SIZE_MAX);
  f.step = step_at (g, onset (g, RATIO_LOW, true, g->recent));
  f.evidence[0] = last_lr (g);
  f.evidence[1] = ratio;
  f.evidence[2] = improvement;
  op_name (g, op, name, sizeof name);
  power_of_ten (RATIO_TYPICAL / ratio, pow, sizeof pow);
  f.message[0] = '\0';
  if (ratio > 0.0)
    append (f.message, sizeof f.message, "The learning rate %.3g looks too low: each step "
            "changes the weights by at most %.2g of their size (%s), about %s times below the "
            "usual 10⁻³, ", f.evidence[0], ratio, name, pow);
  else
    append (f.message, sizeof f.message, "The learning rate %.3g looks too low: the steps leave "
            "the weights as they are, ", f.evidence[0]);
  append (f.message, sizeof f.message, "and the training loss improved %.2g %% over the last "
          "%d epochs", 100.0 * improvement, LOW_EPOCHS);
  snprintf (f.advice, sizeof f.advice, "Raise the learning rate (by 10 times, then adjust).");
  choose_fix (g, &f, fixes);
  emit (g, &f);
}

/* ---- Fit ------------------------------------------------------------------- */

static double
median3 (double a,
         double b,
         double c)
{
  return fmax (fmin (a, b), fmin (fmax (a, b), c));
}

static void
check_overfitting (diag *g)
{
  static const nn_fix fixes[] = { NN_FIX_EARLY_STOP, NN_FIX_ADD_DROPOUT, NN_FIX_NONE };
  size_t best = SIZE_MAX, after, n;
  double val[OVERFIT_RECENT], train[OVERFIT_RECENT], v, t, first = NAN;
  nn_finding f;

  for (size_t i = 0; i < g->ne; i++)
    {
      const nn_epoch_sample *e = epoch_at (g, i);

      if (!e->has_val || !isfinite (e->val_loss))
        continue;
      if (best == SIZE_MAX)
        first = e->val_loss;
      if (best == SIZE_MAX || e->val_loss < epoch_at (g, best)->val_loss)
        best = i;
    }
  if (best == SIZE_MAX || g->ne - 1 - best < OVERFIT_MIN_AFTER)
    return;
  after = g->ne - 1 - best;
  n = after < OVERFIT_RECENT ? after : OVERFIT_RECENT;
  for (size_t i = 0; i < n; i++)
    {
      val[i] = epoch_at (g, g->ne - n + i)->val_loss;
      train[i] = train_loss (g, g->ne - n + i);
    }
  /* n is 2 or 3: the median of 2 is their mean. */
  v = n == 3 ? median3 (val[0], val[1], val[2]) : 0.5 * (val[0] + val[1]);
  t = n == 3 ? median3 (train[0], train[1], train[2]) : 0.5 * (train[0] + train[1]);
  if (!(v >= OVERFIT_RISE * epoch_at (g, best)->val_loss
        && v - epoch_at (g, best)->val_loss >= OVERFIT_MIN_SHARE * first
        && t <= OVERFIT_TRAIN_FALL * train_loss (g, best) && v > t))
    return;

  f = finding (g, NN_FINDING_OVERFITTING, NN_FINDING_WARNING, SIZE_MAX);
  f.epoch = epoch_at (g, best + 1)->epoch;
  f.evidence[0] = epoch_at (g, best)->epoch;
  f.evidence[1] = v - t;
  f.evidence[2] = epoch_at (g, best)->val_loss;
  f.evidence[3] = v;
  snprintf (f.message, sizeof f.message, "Overfitting since epoch %d: the validation loss rose "
            "from its best, %.3g at epoch %d, to %.3g while the training loss fell from %.3g to "
            "%.3g; the gap is now %.3g", f.epoch, epoch_at (g, best)->val_loss,
            epoch_at (g, best)->epoch, v, train_loss (g, best), t, v - t);
  snprintf (f.advice, sizeof f.advice, "Stop at the best epoch (early stopping), add dropout "
            "or weight decay, get more data, or use a smaller model.");
  choose_fix (g, &f, fixes);
  emit (g, &f);
}

/* Whether the training loss changed by under UNDERFIT_CHANGE, up or down,
 * over the UNDERFIT_EPOCHS epochs ending at epoch index @i. */
static bool
flat_until (diag   *g,
            size_t  i)
{
  double old = train_loss (g, i + 1 - UNDERFIT_EPOCHS), now = train_loss (g, i);

  return fabs (old - now) < UNDERFIT_CHANGE * old;
}

static void
check_underfitting (diag *g)
{
  static const nn_fix raise[] = { NN_FIX_RAISE_LR, NN_FIX_NONE };
  static const nn_fix none[] = { NN_FIX_NONE };
  const nn_epoch_sample *last;
  double first, now, ratio;
  size_t start, op;
  nn_finding f;

  if (g->ne < UNDERFIT_MIN_EPOCHS || g->found[NN_FINDING_LR_TOO_LOW])
    return;
  last = epoch_at (g, g->ne - 1);
  first = train_loss (g, 0);
  now = last->train_loss;
  if (!flat_until (g, g->ne - 1) || !(now >= UNDERFIT_SHARE * first))
    return;
  if (last->has_val && isfinite (last->val_loss) && last->val_loss < UNDERFIT_VAL_SHARE * now)
    return;
  start = g->ne - 1;
  while (start >= UNDERFIT_EPOCHS && flat_until (g, start - 1))
    start--;

  f = finding (g, NN_FINDING_UNDERFITTING, NN_FINDING_WARNING, SIZE_MAX);
  f.epoch = epoch_at (g, start + 1 - UNDERFIT_EPOCHS)->epoch;
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
  choose_fix (g, &f, ratio < RATIO_RAISE ? raise : none);
  emit (g, &f);
}

static void
check_plateau (diag *g)
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
  val = epoch_at (g, g->ne - 1)->has_val;
  /* Only a gain of more than PLATEAU_IMPROVEMENT over the best that counted
   * counts, so that a slow creep adds up until it does. */
  best = val ? epoch_at (g, 0)->val_loss : train_loss (g, 0);
  for (size_t i = 1; i < g->ne; i++)
    {
      double m = val ? epoch_at (g, i)->val_loss : train_loss (g, i);

      if (m < best * (1.0 - PLATEAU_IMPROVEMENT) || !isfinite (best))
        {
          best = m;
          improved = i;
        }
    }
  since = g->ne - 1 - improved;
  if (since < PLATEAU_EPOCHS)
    return;

  f = finding (g, NN_FINDING_PLATEAU, NN_FINDING_INFO, SIZE_MAX);
  f.epoch = epoch_at (g, improved + 1)->epoch;
  f.evidence[0] = (double) since;
  f.evidence[1] = best;
  f.evidence[2] = epoch_at (g, improved)->epoch;
  snprintf (f.message, sizeof f.message, "Plateau: the %s loss has not improved by 0.1 %% for "
            "%zu epochs; its best, %.3g, was at epoch %d", val ? "validation" : "training",
            since, best, epoch_at (g, improved)->epoch);
  snprintf (f.advice, sizeof f.advice, "Stop here, or lower the learning rate when progress "
            "stalls (the plateau schedule) to settle further.");
  choose_fix (g, &f, fixes);
  emit (g, &f);
}

size_t
nn_diagnose (const nn_history        *history,
             const nn_model          *model,
             const nn_trainer_params *params,
             nn_finding              *out,
             size_t                   max)
{
  diag *g;
  size_t count, quarter;

  if (history == NULL || model == NULL
      || nn_history_n_ops (history) != nn_model_n_ops (model))
    return 0;
  /* 32 KiB of series: on the heap, to spare the caller's stack. */
  g = calloc (1, sizeof *g);
  if (g == NULL)
    return 0;
  g->h = history;
  g->model = model;
  g->spec = nn_model_get_spec (model);
  g->params = params != NULL ? *params : nn_trainer_params_default ();
  g->n_ops = nn_model_n_ops (model);
  g->ns = nn_history_n_steps (history);
  g->ne = nn_history_n_epochs (history);
  quarter = g->ns / 4 > WINDOW_MIN ? g->ns / 4 : WINDOW_MIN;
  g->early = quarter < g->ns ? quarter : g->ns;
  g->recent = g->ns - g->early;
  g->out = out;
  g->max = out != NULL ? max : 0;
  g->last_dead = SIZE_MAX;

  /* The order matters only where a finding explains another away: dead
   * units explain vanishing gradients below them, the learning rate too
   * low explains underfitting, and both, overfitting and a rate too high
   * explain a plateau. */
  check_diverged (g);
  check_dead (g);
  check_vanishing (g);
  check_exploding (g);
  check_saturated (g);
  check_lr_high (g);
  check_lr_low (g);
  check_overfitting (g);
  check_underfitting (g);
  check_plateau (g);
  count = g->count;
  free (g);
  return count;
}
