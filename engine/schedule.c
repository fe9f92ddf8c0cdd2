/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "schedule.h"

#include <math.h>
#include <string.h>

static const char *const names[NN_SCHEDULE_COUNT] = {
  [NN_SCHEDULE_CONSTANT] = "constant",
  [NN_SCHEDULE_STEP] = "step",
  [NN_SCHEDULE_EXP] = "exp",
  [NN_SCHEDULE_COSINE] = "cosine",
  [NN_SCHEDULE_PLATEAU] = "plateau",
};

const char *
nn_schedule_name (nn_schedule_kind kind)
{
  return kind < NN_SCHEDULE_COUNT ? names[kind] : "unknown";
}

bool
nn_schedule_from_name (const char       *name,
                       nn_schedule_kind *kind)
{
  for (int k = 0; k < NN_SCHEDULE_COUNT; k++)
    if (strcmp (name, names[k]) == 0)
      {
        *kind = (nn_schedule_kind) k;
        return true;
      }
  return false;
}

nn_schedule_params
nn_schedule_params_default (nn_schedule_kind kind)
{
  return (nn_schedule_params) {
    .kind = kind,
    .step_size = 10,
    .gamma = kind == NN_SCHEDULE_EXP ? 0.95 : 0.1,
    .t_max = 0,
    .min_lr = 0.0,
    .factor = 0.1,
    .patience = 10,
    .threshold = 1e-4,
    .cooldown = 0,
    .warmup = 0,
  };
}

nn_status
nn_schedule_params_check (const nn_schedule_params *p,
                          nn_error                 *err)
{
  if (p->kind >= NN_SCHEDULE_COUNT)
    return nn_error_set (err, NN_ERR_INVALID, "unknown schedule");
  if (p->step_size < 1)
    return nn_error_set (err, NN_ERR_INVALID, "the step size must be at least 1 epoch, not %d",
                         p->step_size);
  if (!(p->gamma > 0.0 && p->gamma <= 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "gamma must be in (0, 1], not %g", p->gamma);
  if (p->t_max < 0)
    return nn_error_set (err, NN_ERR_INVALID, "the cosine period must be ≥ 1 epoch");
  if (!(isfinite (p->min_lr) && p->min_lr >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "the minimum learning rate must be ≥ 0, not %g",
                         p->min_lr);
  if (!(p->factor > 0.0 && p->factor < 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "the plateau factor must be in (0, 1), not %g",
                         p->factor);
  if (p->patience < 0 || p->cooldown < 0 || p->warmup < 0)
    return nn_error_set (err, NN_ERR_INVALID, "patience, cooldown and warm-up must be ≥ 0");
  if (!(isfinite (p->threshold) && p->threshold >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "the plateau threshold must be ≥ 0, not %g",
                         p->threshold);
  return NN_OK;
}

void
nn_schedule_init (nn_schedule              *s,
                  const nn_schedule_params *params,
                  double                    lr)
{
  memset (s, 0, sizeof *s);
  s->params = *params;
  s->lr = lr;
  s->base = lr;
  s->best = INFINITY;
}

void
nn_schedule_set_lr (nn_schedule *s,
                    double       lr)
{
  s->lr = lr;
  s->base = lr;
}

double
nn_schedule_epoch_end (nn_schedule *s,
                       double       metric)
{
  const nn_schedule_params *p = &s->params;
  int t = ++s->epoch;

  switch (p->kind)
    {
    case NN_SCHEDULE_CONSTANT:
      break;
    case NN_SCHEDULE_STEP:
      if (t % p->step_size == 0)
        s->lr *= p->gamma;
      break;
    case NN_SCHEDULE_EXP:
      s->lr *= p->gamma;
      break;
    case NN_SCHEDULE_COSINE:
      {
        /* torch's recursive form:
         * ηₜ = η_min + (ηₜ₋₁ − η_min)·(1 + cos(πt/T)) / (1 + cos(π(t−1)/T)),
         * and where the denominator is 0 (t = T + 1, 3T + 1, …) its restart:
         * ηₜ = ηₜ₋₁ + (η_base − η_min)·(1 − cos(π/T)) / 2. */
        double T = p->t_max > 0 ? p->t_max : 1;
        double den = 1.0 + cos (M_PI * (t - 1) / T);

        if (fmod (t - 1 - T, 2 * T) == 0.0 && t - 1 >= T)
          s->lr += (s->base - p->min_lr) * (1.0 - cos (M_PI / T)) / 2.0;
        else
          s->lr = p->min_lr + (s->lr - p->min_lr) * (1.0 + cos (M_PI * t / T)) / den;
      }
      break;
    case NN_SCHEDULE_PLATEAU:
      if (isnan (metric))
        break;
      if (metric < s->best * (1.0 - p->threshold))
        {
          s->best = metric;
          s->bad_epochs = 0;
        }
      else
        s->bad_epochs++;
      if (s->cooldown_left > 0)
        {
          s->cooldown_left--;
          s->bad_epochs = 0;
        }
      if (s->bad_epochs > p->patience)
        {
          double lr = fmax (s->lr * p->factor, p->min_lr);

          /* torch skips cuts smaller than eps = 1e-8 */
          if (s->lr - lr > 1e-8)
            s->lr = lr;
          s->cooldown_left = p->cooldown;
          s->bad_epochs = 0;
        }
      break;
    case NN_SCHEDULE_COUNT:
      break;
    }
  return s->lr;
}

double
nn_schedule_lr_at_step (const nn_schedule *s,
                        unsigned long      step)
{
  if (s->params.warmup > 0 && step < (unsigned long) s->params.warmup)
    return s->lr * (double) step / (double) s->params.warmup;
  return s->lr;
}
