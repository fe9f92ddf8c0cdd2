/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* A small, fast, seedable generator (xoshiro256**, seeded through
 * splitmix64). A value type: embed it, copy it to fork a stream. Every
 * consumer owns its own, so a run is reproducible from its seed. */
typedef struct
{
  uint64_t s[4];
  int      has_spare;
  double   spare;
} nn_rng;

/* Seeds @rng; the same seed gives the same stream on every machine. */
void nn_rng_seed (nn_rng *rng, uint64_t seed);

/* The next 64 random bits. */
uint64_t nn_rng_next (nn_rng *rng);

/* A double uniform in [0, 1) with 53 random bits. */
double nn_rng_uniform (nn_rng *rng);

/* A double from the standard normal distribution (Marsaglia's polar method). */
double nn_rng_normal (nn_rng *rng);

/* An integer uniform in [0, n), without modulo bias; n > 0. */
uint64_t nn_rng_below (nn_rng *rng, uint64_t n);

/* Fisher–Yates shuffle of @idx[0 .. n). */
void nn_rng_shuffle (nn_rng *rng, uint32_t *idx, size_t n);
