/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "stats.h"

#include <math.h>
#include <string.h>

void
nn_histogram_fill (nn_histogram *h,
                   const float  *x,
                   size_t        n)
{
  float lo = INFINITY, hi = -INFINITY;
  double scale;

  memset (h->counts, 0, h->bins * sizeof *h->counts);
  h->total = 0;
  h->nonfinite = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (x[i]))
        {
          h->nonfinite++;
          continue;
        }
      lo = fminf (lo, x[i]);
      hi = fmaxf (hi, x[i]);
    }
  if (h->nonfinite == n)
    {
      h->lo = h->hi = 0.0;
      return;
    }
  h->lo = lo;
  h->hi = hi;
  scale = hi > lo ? (double) h->bins / ((double) hi - lo) : 0.0;
  for (size_t i = 0; i < n; i++)
    {
      size_t b;

      if (!isfinite (x[i]))
        continue;
      b = (size_t) (((double) x[i] - lo) * scale);
      if (b >= h->bins)
        b = h->bins - 1;
      h->counts[b]++;
      h->total++;
    }
}

void
nn_stats_activations (const float   *y,
                      size_t         rows,
                      size_t         units,
                      nn_activation  act,
                      nn_op_stats   *s,
                      uint8_t       *alive)
{
  size_t count = rows * units;
  double sum = 0.0, sq = 0.0, mean;
  size_t saturated = 0;

#pragma omp simd reduction(+:sum)
  for (size_t i = 0; i < count; i++)
    sum += y[i];
  mean = count > 0 ? sum / (double) count : 0.0;
#pragma omp simd reduction(+:sq)
  for (size_t i = 0; i < count; i++)
    sq += ((double) y[i] - mean) * ((double) y[i] - mean);
  s->act_mean = mean;
  s->act_std = count > 0 ? sqrt (sq / (double) count) : 0.0;
  s->dead_fraction = 0.0;
  s->saturated_fraction = 0.0;

  if (nn_activation_can_die (act) && units > 0)
    {
      size_t dead = 0;

      for (size_t j = 0; j < units; j++)
        {
          bool on = false;

          for (size_t r = 0; r < rows && !on; r++)
            on = y[r * units + j] > 0.0f;
          dead += !on;
          if (on && alive != NULL)
            alive[j] = 1;
        }
      s->dead_fraction = (double) dead / (double) units;
    }
  else if (act == NN_ACT_SIGMOID)
    {
      for (size_t i = 0; i < count; i++)
        saturated += y[i] < NN_SATURATION_MARGIN || y[i] > 1.0 - NN_SATURATION_MARGIN;
    }
  else if (act == NN_ACT_TANH)
    {
      for (size_t i = 0; i < count; i++)
        saturated += fabsf (y[i]) > 1.0 - 2.0 * NN_SATURATION_MARGIN;
    }
  if (count > 0 && nn_activation_can_saturate (act))
    s->saturated_fraction = (double) saturated / (double) count;
}
