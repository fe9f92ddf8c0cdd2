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

/* The median of v[first, last). */
double
nn_diag_range_median (nn_diag *g,
                      size_t   first,
                      size_t   last)
{
  memcpy (g->tmp, g->v + first, (last - first) * sizeof *g->tmp);
  return median_sort (g->tmp, last - first);
}

/* Sample i smoothed: the median of v over [i − ONSET_HALF, i + ONSET_HALF]. */
static double
smoothed (nn_diag *g,
          size_t   i)
{
  size_t first = i > ONSET_HALF ? i - ONSET_HALF : 0;
  size_t last = i + ONSET_HALF + 1 < g->ns ? i + ONSET_HALF + 1 : g->ns;

  return nn_diag_range_median (g, first, last);
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
size_t
nn_diag_onset (nn_diag *g,
               double   threshold,
               bool     below,
               size_t   fallback)
{
  size_t i = g->ns;

  while (i > 0 && holds (smoothed (g, i - 1), threshold, below))
    i--;
  return i < g->ns ? i : fallback;
}

/* Fills g->v with one statistic of op @op over the step samples. */
void
nn_diag_op_series (nn_diag        *g,
                   size_t          op,
                   nn_diag_series  what)
{
  for (size_t i = 0; i < g->ns; i++)
    {
      const nn_op_stats *s = &nn_history_step_ops (g->h, i)[op];

      g->v[i] = what == SERIES_GRAD ? s->grad_norm
                : what == SERIES_UPDATE ? s->update_ratio : s->saturated_fraction;
    }
}

uint64_t
nn_diag_step_at (nn_diag *g,
                 size_t   i)
{
  return nn_history_step (g->h, i)->step;
}

const nn_epoch_sample *
nn_diag_epoch_at (nn_diag *g,
                  size_t   i)
{
  return nn_history_epoch (g->h, i);
}

/* "layers.0 (Linear(2→16))" */
void
nn_diag_op_name (nn_diag *g,
                 size_t   op,
                 char    *buf,
                 size_t   len)
{
  char desc[64];

  nn_model_describe_op (g->model, op, desc, sizeof desc);
  snprintf (buf, len, "layers.%zu (%s)", op, desc);
}

/* "10⁻⁶": the power of ten nearest @x (> 0), for people; the exponent
 * stays within ±300 (double's range). */
void
nn_diag_power_of_ten (double  x,
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
void
nn_diag_append (char       *buf,
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
fix_applies (nn_diag          *g,
             const nn_finding *f)
{
  nn_model_spec spec = *g->spec;
  nn_trainer_params params = g->params;

  return nn_fix_apply (f, &spec, &params);
}

/* Sets @f's fix to the first of @fixes (ending with NN_FIX_NONE) that
 * applies, with its label. */
void
nn_diag_choose_fix (nn_diag      *g,
                    nn_finding   *f,
                    const nn_fix *fixes)
{
  f->fix = NN_FIX_NONE;
  f->fix_label[0] = '\0';
  for (; *fixes != NN_FIX_NONE; fixes++)
    {
      f->fix = *fixes;
      if (fix_applies (g, f))
        break;
      f->fix = NN_FIX_NONE;
    }
  nn_fix_set_label (g->spec, f);
}

/* A fresh finding of @kind about op @op (SIZE_MAX: none). */
nn_finding
nn_diag_finding (nn_diag             *g,
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
void
nn_diag_emit (nn_diag          *g,
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
activation_after (nn_diag *g,
                  size_t   op)
{
  for (size_t i = op + 1; i < g->n_ops && nn_model_op (g->model, i)->kind != NN_OP_LINEAR; i++)
    if (nn_model_op (g->model, i)->kind == NN_OP_ACTIVATION)
      return nn_model_op (g->model, i)->act;
  return NN_ACT_IDENTITY;
}

/* ---- Gradients ------------------------------------------------------------- */

static void
check_vanishing (nn_diag *g)
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
  nn_diag_op_series (g, last, SERIES_GRAD);
  g_last = nn_diag_range_median (g, g->recent, g->ns);
  /* The floor is judged over the recent window, or the last
   * VANISH_FLOOR_SAMPLES samples when that is longer. */
  floor_first = g->ns - g->recent > VANISH_FLOOR_SAMPLES ? g->recent
                : g->ns > VANISH_FLOOR_SAMPLES ? g->ns - VANISH_FLOOR_SAMPLES : 0;
  for (size_t i = 0; i < g->ns; i++)
    g->v[i] = nn_history_step (g->h, i)->loss;
  loss = g->ns >= VANISH_FLOOR_SAMPLES ? nn_diag_range_median (g, floor_first, g->ns) : 0.0;

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
      nn_diag_op_series (g, op, SERIES_GRAD);
      gi = nn_diag_range_median (g, g->recent, g->ns);
      if (g->ns >= VANISH_FLOOR_SAMPLES && loss > VANISH_MIN_LOSS)
        floor_median = nn_diag_range_median (g, floor_first, g->ns);
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
          start = nn_diag_onset (g, VANISH_RATIO, true, g->recent);
        }
      else
        start = nn_diag_onset (g, VANISH_FLOOR, true, floor_first);

      f = nn_diag_finding (g, NN_FINDING_VANISHING,
                           !by_ratio || ratio < VANISH_SEVERE_RATIO ? NN_FINDING_ERROR
                           : NN_FINDING_WARNING, op);
      f.step = nn_diag_step_at (g, start);
      f.evidence[0] = gi;
      f.evidence[1] = ratio;
      f.evidence[2] = g_last;
      f.evidence[3] = (double) f.step;
      nn_diag_op_name (g, op, name, sizeof name);
      if (by_ratio && gi > 0.0)
        {
          nn_diag_power_of_ten (ratio, pow, sizeof pow);
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
          nn_diag_choose_fix (g, &f, fixes);
        }
      else if (o->init != NN_INIT_HE_NORMAL && o->init != NN_INIT_HE_UNIFORM)
        {
          static const nn_fix fixes[] = { NN_FIX_HE_INIT, NN_FIX_ADD_BATCHNORM, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "Use He initialisation, or add batch "
                    "normalisation.");
          nn_diag_choose_fix (g, &f, fixes);
        }
      else
        {
          static const nn_fix fixes[] = { NN_FIX_ADD_BATCHNORM, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "Add batch normalisation, or use fewer layers.");
          nn_diag_choose_fix (g, &f, fixes);
        }
      nn_diag_emit (g, &f);
      return;
    }
}

static void
check_exploding (nn_diag *g)
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
  loss_early = nn_diag_range_median (g, 0, g->early);
  loss_recent = nn_diag_range_median (g, g->recent, g->ns);
  for (size_t i = 0; i < g->ns; i++)
    g->v[i] = nn_history_step (g->h, i)->grad_norm;
  early = nn_diag_range_median (g, 0, g->early);
  recent = nn_diag_range_median (g, g->recent, g->ns);
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
      f = nn_diag_finding (g, NN_FINDING_EXPLODING, growth >= EXPLODE_SEVERE_GROWTH ? NN_FINDING_ERROR
                           : NN_FINDING_WARNING, SIZE_MAX);
      f.step = nn_diag_step_at (g, start);
      f.evidence[0] = growth;
      f.evidence[1] = early;
      f.evidence[2] = recent;
      f.evidence[3] = (double) spikes;
      nn_diag_power_of_ten (growth, pow, sizeof pow);
      snprintf (f.message, sizeof f.message, "Gradients explode: the gradient norm grew about "
                "%s-fold, from %.2g early in the run to %.2g (past 100 times since step %llu)",
                pow, early, recent, (unsigned long long) f.step);
    }
  else if (spikes >= SPIKE_MIN_COUNT)
    {
      f = nn_diag_finding (g, NN_FINDING_EXPLODING, NN_FINDING_WARNING, SIZE_MAX);
      f.step = nn_diag_step_at (g, first_spike);
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
  nn_diag_choose_fix (g, &f, fixes);
  nn_diag_emit (g, &f);
}

static void
check_diverged (nn_diag *g)
{
  const nn_divergence *d = nn_history_divergence (g->h);
  nn_finding f;

  if (d == NULL)
    return;
  f = nn_diag_finding (g, NN_FINDING_DIVERGED, NN_FINDING_ERROR,
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
      nn_diag_choose_fix (g, &f, fixes);
    }
  else
    {
      static const nn_fix fixes[] = { NN_FIX_LOWER_LR, NN_FIX_NONE };

      snprintf (f.advice, sizeof f.advice, "Lower the learning rate, or clip gradients by "
                "their global norm.");
      nn_diag_choose_fix (g, &f, fixes);
    }
  nn_diag_emit (g, &f);
}

/* ---- Units ----------------------------------------------------------------- */

static void
check_dead (nn_diag *g)
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

      f = nn_diag_finding (g, NN_FINDING_DEAD_UNITS, o->act != NN_ACT_RELU ? NN_FINDING_INFO
                           : dead >= DEAD_ERROR ? NN_FINDING_ERROR : NN_FINDING_WARNING, op);
      f.epoch = nn_diag_epoch_at (g, start)->epoch;
      f.evidence[0] = dead;
      f.evidence[1] = round (dead * (double) o->out);
      f.evidence[2] = (double) o->out;
      f.evidence[3] = (double) f.epoch;
      nn_diag_op_name (g, op, name, sizeof name);
      snprintf (f.message, sizeof f.message, "Dead units: %.0f of the %zu units of %s in layer "
                "%d (%.0f %%) output %s for every sample of epoch %d (since epoch %d)",
                f.evidence[1], o->out, name, f.layer + 1, 100.0 * dead,
                o->act == NN_ACT_RELU ? "0" : "0 or less", nn_diag_epoch_at (g, last - 1)->epoch,
                f.epoch);
      if (o->act == NN_ACT_RELU)
        {
          static const nn_fix fixes[] = { NN_FIX_LEAKY_RELU, NN_FIX_LOWER_LR, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "Use leaky ReLU, lower the learning rate, or "
                    "use He initialisation: a dead ReLU gets no gradient and never recovers.");
          nn_diag_choose_fix (g, &f, fixes);
          g->last_dead = op;
        }
      else
        {
          static const nn_fix fixes[] = { NN_FIX_LOWER_LR, NN_FIX_NONE };

          snprintf (f.advice, sizeof f.advice, "They still pass a small gradient and may "
                    "recover; if they stay, lower the learning rate.");
          nn_diag_choose_fix (g, &f, fixes);
        }
      nn_diag_emit (g, &f);
    }
}

static void
check_saturated (nn_diag *g)
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
      nn_diag_op_series (g, op, SERIES_SATURATED);
      share = nn_diag_range_median (g, g->recent, g->ns);
      if (!(share >= SATURATED_WARNING))
        continue;
      f = nn_diag_finding (g, NN_FINDING_SATURATED, share >= SATURATED_ERROR ? NN_FINDING_ERROR
                           : NN_FINDING_WARNING, op);
      f.step = nn_diag_step_at (g, nn_diag_onset (g, SATURATED_WARNING, false, g->recent));
      f.evidence[0] = share;
      f.evidence[3] = (double) f.step;
      nn_diag_op_name (g, op, name, sizeof name);
      snprintf (f.message, sizeof f.message, "Saturated units: %.0f %% of the outputs of %s in "
                "layer %d sit within 1 %% of its ends, where its gradient is almost 0 (since "
                "step %llu)",
                100.0 * share, name, f.layer + 1, (unsigned long long) f.step);
      snprintf (f.advice, sizeof f.advice, "Add batch normalisation before the %s, or use "
                "Xavier initialisation and a lower learning rate.",
                nn_activation_torch_name (o->act));
      nn_diag_choose_fix (g, &f, fixes);
      nn_diag_emit (g, &f);
    }
}

size_t
nn_diagnose (const nn_history        *history,
             const nn_model          *model,
             const nn_trainer_params *params,
             nn_finding              *out,
             size_t                   max)
{
  nn_diag *g;
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
  nn_diag_check_lr_high (g);
  nn_diag_check_lr_low (g);
  nn_diag_check_overfitting (g);
  nn_diag_check_underfitting (g);
  nn_diag_check_plateau (g);
  count = g->count;
  free (g);
  return count;
}
