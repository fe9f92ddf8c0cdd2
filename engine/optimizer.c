/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "optimizer.h"

#include <math.h>
#include <string.h>

#include "simd-private.h"

static const char *const names[NN_OPT_COUNT] = {
  [NN_OPT_GD] = "gd",
  [NN_OPT_SGD] = "sgd",
  [NN_OPT_MOMENTUM] = "momentum",
  [NN_OPT_NESTEROV] = "nesterov",
  [NN_OPT_ADAM] = "adam",
  [NN_OPT_ADAMW] = "adamw",
  [NN_OPT_RMSPROP] = "rmsprop",
  [NN_OPT_ADAGRAD] = "adagrad",
};

const char *
nn_optimizer_name (nn_optimizer kind)
{
  return kind < NN_OPT_COUNT ? names[kind] : "unknown";
}

bool
nn_optimizer_from_name (const char   *name,
                        nn_optimizer *kind)
{
  for (int k = 0; k < NN_OPT_COUNT; k++)
    if (strcmp (name, names[k]) == 0)
      {
        *kind = (nn_optimizer) k;
        return true;
      }
  return false;
}

nn_optimizer_params
nn_optimizer_params_default (nn_optimizer kind)
{
  nn_optimizer_params p = {
    .kind = kind, .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .alpha = 0.99,
  };

  switch (kind)
    {
    case NN_OPT_MOMENTUM:
      p.momentum = 0.9;
      break;
    case NN_OPT_NESTEROV:
      p.momentum = 0.9;
      p.nesterov = true;
      break;
    case NN_OPT_ADAMW:
      p.weight_decay = 1e-2;
      break;
    case NN_OPT_RMSPROP:
      p.lr = 1e-2;
      break;
    case NN_OPT_ADAGRAD:
      p.lr = 1e-2;
      p.eps = 1e-10;
      break;
    case NN_OPT_GD:
    case NN_OPT_SGD:
    case NN_OPT_ADAM:
    case NN_OPT_COUNT:
      break;
    }
  return p;
}

nn_status
nn_optimizer_params_check (const nn_optimizer_params *p,
                           nn_error                  *err)
{
  bool sgd = p->kind <= NN_OPT_NESTEROV;

  if (p->kind >= NN_OPT_COUNT)
    return nn_error_set (err, NN_ERR_INVALID, "unknown optimizer");
  if (!(isfinite (p->lr) && p->lr > 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "the learning rate must be a positive number, "
                         "not %g", p->lr);
  if (!(p->momentum >= 0.0 && p->momentum < 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "momentum must be in [0, 1), not %g", p->momentum);
  if (!(p->dampening >= 0.0 && p->dampening <= 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "dampening must be in [0, 1], not %g",
                         p->dampening);
  if (p->nesterov && (!sgd || p->momentum <= 0.0 || p->dampening != 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "Nesterov momentum needs an SGD optimizer with "
                         "momentum > 0 and no dampening");
  if (p->momentum > 0.0 && !sgd && p->kind != NN_OPT_RMSPROP)
    return nn_error_set (err, NN_ERR_INVALID, "momentum applies to sgd, momentum, nesterov "
                         "and rmsprop, not %s", names[p->kind]);
  if (p->kind == NN_OPT_GD && p->momentum > 0.0)
    return nn_error_set (err, NN_ERR_INVALID, "gd is plain full-batch gradient descent; "
                         "use momentum or nesterov for momentum");
  if (!(p->beta1 >= 0.0 && p->beta1 < 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "beta1 must be in [0, 1), not %g", p->beta1);
  if (!(p->beta2 >= 0.0 && p->beta2 < 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "beta2 must be in [0, 1), not %g", p->beta2);
  if (!(isfinite (p->eps) && p->eps >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "eps must be ≥ 0, not %g", p->eps);
  if (!(p->alpha >= 0.0 && p->alpha <= 1.0))
    return nn_error_set (err, NN_ERR_INVALID, "alpha must be in [0, 1], not %g", p->alpha);
  if (!(isfinite (p->weight_decay) && p->weight_decay >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "weight decay (L2) must be ≥ 0, not %g",
                         p->weight_decay);
  if (!(isfinite (p->lr_decay) && p->lr_decay >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "lr decay must be ≥ 0, not %g", p->lr_decay);
  if (!(isfinite (p->initial_accumulator) && p->initial_accumulator >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "the initial accumulator must be ≥ 0, not %g",
                         p->initial_accumulator);
  return NN_OK;
}

size_t
nn_optimizer_state_slots (const nn_optimizer_params *p)
{
  switch (p->kind)
    {
    case NN_OPT_GD:
    case NN_OPT_SGD:
    case NN_OPT_MOMENTUM:
    case NN_OPT_NESTEROV:
      return p->momentum > 0.0 ? 1 : 0;
    case NN_OPT_ADAM:
    case NN_OPT_ADAMW:
      return 2;
    case NN_OPT_RMSPROP:
      return p->momentum > 0.0 ? 2 : 1;
    case NN_OPT_ADAGRAD:
      return 1;
    case NN_OPT_COUNT:
      break;
    }
  return 0;
}

void
nn_optimizer_state_init (const nn_optimizer_params *p,
                         size_t                     n,
                         float                     *s)
{
  size_t slots = nn_optimizer_state_slots (p);

  memset (s, 0, slots * n * sizeof (float));
  if (p->kind == NN_OPT_ADAGRAD)
    for (size_t i = 0; i < n; i++)
      s[i] = (float) p->initial_accumulator;
}

/* The per-segment loops. Each reads w, g and its state, writes w' and the
 * new state, and sums g², (w' − w)² and w'²; adding s − s (0 for a finite s,
 * NaN otherwise) to the update sum makes a non-finite state show there too.
 * Sums run in float over blocks of NN_SUM_BLOCK and in double across them;
 * the omp simd reductions let the compiler vectorise them (-fopenmp-simd,
 * no OpenMP runtime). */

typedef struct
{
  const float *w;
  float       *wo;
  const float *g;
  const float *s0;   /* slot 0 in, out */
  float       *s0o;
  const float *s1;   /* slot 1 in, out */
  float       *s1o;
  size_t       n;
  float        wd;   /* weight decay for this segment (0 where it does not apply) */
} seg_arrays;

#define BLOCKS(a, body)                                                   \
  for (size_t blk_lo = 0; blk_lo < (a)->n; blk_lo += NN_SUM_BLOCK)        \
    {                                                                     \
      size_t blk_hi = (a)->n - blk_lo < NN_SUM_BLOCK                      \
                      ? (a)->n : blk_lo + NN_SUM_BLOCK;                   \
      float gsb = 0.0f, usb = 0.0f, wsb = 0.0f;                           \
      _Pragma ("omp simd reduction(+:gsb,usb,wsb)")                       \
      for (size_t i = blk_lo; i < blk_hi; i++)                            \
        {                                                                 \
          body                                                            \
        }                                                                 \
      sum->grad_sq += gsb;                                                \
      sum->update_sq += usb;                                              \
      sum->weight_sq += wsb;                                              \
    }

NN_HOT static void
step_sgd (const nn_optimizer_params *p,
          float                      lr,
          uint64_t                   t,
          const seg_arrays          *a,
          nn_segment_sums           *sum)
{
  const float *restrict w = a->w, *restrict g = a->g, *restrict b = a->s0;
  float *restrict wo = a->wo, *restrict bo = a->s0o;
  /* 1 − dampening, 1 − β and 1 − α are taken in double and rounded once, as
   * torch does (Python floats): 1.0f − (float) 0.999 would be off by 1.3e-5. */
  float wd = a->wd, mom = (float) p->momentum, damp = (float) (1.0 - p->dampening);

  if (p->momentum <= 0.0)
    {
      BLOCKS (a, {
        float d = g[i] + wd * w[i];
        float x = w[i] - lr * d;

        wo[i] = x;
        gsb += g[i] * g[i];
        usb += (x - w[i]) * (x - w[i]);
        wsb += x * x;
      })
    }
  else
    {
      /* torch: the buffer starts as the first gradient itself. */
      float keep = t == 1 ? 0.0f : mom, add = t == 1 ? 1.0f : damp;
      bool nesterov = p->nesterov;

      BLOCKS (a, {
        float d = g[i] + wd * w[i];
        float buf = keep * b[i] + add * d;
        /* Nesterov steps along d + μ·buf, plain momentum along buf. */
        float step = nesterov ? d + mom * buf : buf;
        float x = w[i] - lr * step;

        bo[i] = buf;
        wo[i] = x;
        gsb += g[i] * g[i];
        usb += (x - w[i]) * (x - w[i]) + (buf - buf);
        wsb += x * x;
      })
    }
}

NN_HOT static void
step_adam (const nn_optimizer_params *p,
           float                      lr,
           uint64_t                   t,
           bool                       decoupled,
           const seg_arrays          *a,
           nn_segment_sums           *sum)
{
  const float *restrict w = a->w, *restrict g = a->g, *restrict m = a->s0, *restrict v = a->s1;
  float *restrict wo = a->wo, *restrict mo = a->s0o, *restrict vo = a->s1o;
  float b1 = (float) p->beta1, b2 = (float) p->beta2, eps = (float) p->eps;
  float c1 = (float) (1.0 - p->beta1), c2 = (float) (1.0 - p->beta2);
  /* torch: step_size = lr / (1 − β₁ᵗ), denom = √v / √(1 − β₂ᵗ) + eps; the
   * division by the constant is a multiplication by its reciprocal here. */
  float step_size = (float) (lr / (1.0 - pow (p->beta1, (double) t)));
  float inv_bc2_sqrt = (float) (1.0 / sqrt (1.0 - pow (p->beta2, (double) t)));
  /* AdamW decays the weights before the update: θ ← θ·(1 − lr·λ). */
  float shrink = decoupled ? (float) (1.0 - (double) lr * a->wd) : 1.0f;
  float wd = decoupled ? 0.0f : a->wd;

  BLOCKS (a, {
    float d = g[i] + wd * w[i];
    float mi = b1 * m[i] + c1 * d;
    float vi = b2 * v[i] + c2 * d * d;
    float denom = sqrtf (vi) * inv_bc2_sqrt + eps;
    float x = w[i] * shrink - step_size * (mi / denom);

    mo[i] = mi;
    vo[i] = vi;
    wo[i] = x;
    gsb += g[i] * g[i];
    usb += (x - w[i]) * (x - w[i]) + (mi - mi) + (vi - vi);
    wsb += x * x;
  })
}

NN_HOT static void
step_rmsprop (const nn_optimizer_params *p,
              float                      lr,
              const seg_arrays          *a,
              nn_segment_sums           *sum)
{
  const float *restrict w = a->w, *restrict g = a->g, *restrict sq = a->s0, *restrict b = a->s1;
  float *restrict wo = a->wo, *restrict sqo = a->s0o, *restrict bo = a->s1o;
  float alpha = (float) p->alpha, eps = (float) p->eps, mom = (float) p->momentum, wd = a->wd;
  float c = (float) (1.0 - p->alpha);

  if (p->momentum > 0.0)
    {
      BLOCKS (a, {
        float d = g[i] + wd * w[i];
        float si = alpha * sq[i] + c * d * d;
        float buf = mom * b[i] + d / (sqrtf (si) + eps);
        float x = w[i] - lr * buf;

        sqo[i] = si;
        bo[i] = buf;
        wo[i] = x;
        gsb += g[i] * g[i];
        usb += (x - w[i]) * (x - w[i]) + (si - si) + (buf - buf);
        wsb += x * x;
      })
    }
  else
    {
      BLOCKS (a, {
        float d = g[i] + wd * w[i];
        float si = alpha * sq[i] + c * d * d;
        float x = w[i] - lr * (d / (sqrtf (si) + eps));

        sqo[i] = si;
        wo[i] = x;
        gsb += g[i] * g[i];
        usb += (x - w[i]) * (x - w[i]) + (si - si);
        wsb += x * x;
      })
    }
}

NN_HOT static void
step_adagrad (const nn_optimizer_params *p,
              float                      lr,
              uint64_t                   t,
              const seg_arrays          *a,
              nn_segment_sums           *sum)
{
  const float *restrict w = a->w, *restrict g = a->g, *restrict s = a->s0;
  float *restrict wo = a->wo, *restrict so = a->s0o;
  float eps = (float) p->eps, wd = a->wd;
  float clr = (float) (lr / (1.0 + (double) (t - 1) * p->lr_decay));

  BLOCKS (a, {
    float d = g[i] + wd * w[i];
    float si = s[i] + d * d;
    float x = w[i] - clr * (d / (sqrtf (si) + eps));

    so[i] = si;
    wo[i] = x;
    gsb += g[i] * g[i];
    usb += (x - w[i]) * (x - w[i]) + (si - si);
    wsb += x * x;
  })
}

void
nn_optimizer_step (const nn_optimizer_params *p,
                   double                     lr,
                   uint64_t                   t,
                   const nn_param_segment    *segs,
                   size_t                     n_segs,
                   size_t                     n,
                   const float               *w_in,
                   float                     *w_out,
                   const float               *g,
                   const float               *s_in,
                   float                     *s_out,
                   nn_segment_sums           *sums)
{
  size_t slots = nn_optimizer_state_slots (p);

  for (size_t k = 0; k < n_segs; k++)
    {
      size_t off = segs[k].offset;
      nn_segment_sums local = { 0 };
      seg_arrays a = {
        .w = w_in + off, .wo = w_out + off, .g = g + off, .n = segs[k].count,
        .wd = segs[k].decay ? (float) p->weight_decay : 0.0f,
      };

      if (slots >= 1)
        {
          a.s0 = s_in + off;
          a.s0o = s_out + off;
        }
      if (slots >= 2)
        {
          a.s1 = s_in + n + off;
          a.s1o = s_out + n + off;
        }
      switch (p->kind)
        {
        case NN_OPT_GD:
        case NN_OPT_SGD:
        case NN_OPT_MOMENTUM:
        case NN_OPT_NESTEROV:
          step_sgd (p, (float) lr, t, &a, &local);
          break;
        case NN_OPT_ADAM:
          step_adam (p, (float) lr, t, false, &a, &local);
          break;
        case NN_OPT_ADAMW:
          step_adam (p, (float) lr, t, true, &a, &local);
          break;
        case NN_OPT_RMSPROP:
          step_rmsprop (p, (float) lr, &a, &local);
          break;
        case NN_OPT_ADAGRAD:
        case NN_OPT_COUNT:
          step_adagrad (p, (float) lr, t, &a, &local);
          break;
        }
      if (sums != NULL)
        sums[k] = local;
    }
}
