/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "stats.h"

#include <math.h>
#include <string.h>

#include "simd-private.h"

NN_HOT void
nn_histogram_fill (nn_histogram *h,
                   const float  *x,
                   size_t        n)
{
  float lo = INFINITY, hi = -INFINITY, scale;
  size_t nonfinite = 0;

  memset (h->counts, 0, h->bins * sizeof *h->counts);
  /* v − v is 0 for a finite v and NaN otherwise; NaN compares false. */
#pragma omp simd reduction(min:lo) reduction(max:hi) reduction(+:nonfinite)
  for (size_t i = 0; i < n; i++)
    {
      float v = x[i];
      bool finite = v - v == 0.0f;

      lo = finite && v < lo ? v : lo;
      hi = finite && v > hi ? v : hi;
      nonfinite += !finite;
    }
  h->nonfinite = nonfinite;
  h->total = n - nonfinite;
  if (nonfinite == n)
    {
      h->lo = h->hi = 0.0;
      return;
    }
  h->lo = lo;
  h->hi = hi;
  scale = hi > lo ? (float) h->bins / (hi - lo) : 0.0f;
  for (size_t i = 0; i < n; i++)
    {
      float v = x[i];
      size_t b;

      if (!(v - v == 0.0f))
        continue;
      b = (size_t) ((v - lo) * scale);
      h->counts[b < h->bins ? b : h->bins - 1]++;
    }
}

NN_HOT void
nn_stats_activations (const float   *y,
                      size_t         rows,
                      size_t         units,
                      nn_activation  act,
                      nn_op_stats   *s,
                      uint8_t       *alive,
                      uint8_t       *scratch)
{
  size_t count = rows * units;
  double sum = 0.0, sq = 0.0, mean;
  float m;

  /* Mean, then Σ(y − ȳ)², each in float per block and double across. */
  for (size_t lo = 0; lo < count; lo += NN_SUM_BLOCK)
    {
      size_t hi = count - lo < NN_SUM_BLOCK ? count : lo + NN_SUM_BLOCK;
      float b = 0.0f;

#pragma omp simd reduction(+:b)
      for (size_t i = lo; i < hi; i++)
        b += y[i];
      sum += b;
    }
  mean = count > 0 ? sum / (double) count : 0.0;
  m = (float) mean;
  for (size_t lo = 0; lo < count; lo += NN_SUM_BLOCK)
    {
      size_t hi = count - lo < NN_SUM_BLOCK ? count : lo + NN_SUM_BLOCK;
      float b = 0.0f;

#pragma omp simd reduction(+:b)
      for (size_t i = lo; i < hi; i++)
        b += (y[i] - m) * (y[i] - m);
      sq += b;
    }
  s->act_mean = mean;
  s->act_std = count > 0 ? sqrt (sq / (double) count) : 0.0;
  s->dead_fraction = 0.0;
  s->saturated_fraction = 0.0;
  if (count == 0)
    return;

  if (nn_activation_can_die (act))
    {
      size_t dead = 0;

      /* Row by row, so the reads stay sequential: a unit is on in this
       * batch when any row has it above 0. */
      memset (scratch, 0, units);
      for (size_t r = 0; r < rows; r++)
        {
          const float *row = y + r * units;

#pragma omp simd
          for (size_t j = 0; j < units; j++)
            scratch[j] |= row[j] > 0.0f;
        }
      for (size_t j = 0; j < units; j++)
        {
          dead += !scratch[j];
          if (alive != NULL)
            alive[j] |= scratch[j];
        }
      s->dead_fraction = (double) dead / (double) units;
    }
  else if (nn_activation_can_saturate (act))
    {
      /* sigmoid: y < m or y > 1 − m; tanh: |y| > 1 − 2m */
      float low = act == NN_ACT_SIGMOID ? (float) NN_SATURATION_MARGIN
                  : (float) (-1.0 + 2.0 * NN_SATURATION_MARGIN);
      float high = act == NN_ACT_SIGMOID ? (float) (1.0 - NN_SATURATION_MARGIN)
                   : (float) (1.0 - 2.0 * NN_SATURATION_MARGIN);
      size_t saturated = 0;

#pragma omp simd reduction(+:saturated)
      for (size_t i = 0; i < count; i++)
        saturated += (y[i] < low) | (y[i] > high);
      s->saturated_fraction = (double) saturated / (double) count;
    }
}
