/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "rng.h"

#include <math.h>

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
nn_rng_seed (nn_rng  *rng,
             uint64_t seed)
{
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&seed);
  rng->has_spare = 0;
  rng->spare = 0.0;
}

uint64_t
nn_rng_next (nn_rng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
nn_rng_uniform (nn_rng *rng)
{
  return (double) (nn_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
nn_rng_normal (nn_rng *rng)
{
  double u, v, s;

  if (rng->has_spare)
    {
      rng->has_spare = 0;
      return rng->spare;
    }
  do
    {
      u = 2.0 * nn_rng_uniform (rng) - 1.0;
      v = 2.0 * nn_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);
  s = sqrt (-2.0 * log (s) / s);
  rng->spare = v * s;
  rng->has_spare = 1;
  return u * s;
}

uint64_t
nn_rng_below (nn_rng  *rng,
              uint64_t n)
{
  /* Rejection from the top of the range keeps every value equally likely. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;

  do
    x = nn_rng_next (rng);
  while (x >= limit);
  return x % n;
}

void
nn_rng_shuffle (nn_rng   *rng,
                uint32_t *idx,
                size_t    n)
{
  for (size_t i = n; i > 1; i--)
    {
      size_t j = (size_t) nn_rng_below (rng, i);
      uint32_t tmp = idx[i - 1];

      idx[i - 1] = idx[j];
      idx[j] = tmp;
    }
}
