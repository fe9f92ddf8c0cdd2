/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "init.h"

#include <math.h>
#include <string.h>

static const char *const names[NN_INIT_COUNT] = {
  [NN_INIT_AUTO] = "auto",
  [NN_INIT_DEFAULT] = "default",
  [NN_INIT_XAVIER_UNIFORM] = "xavier_uniform",
  [NN_INIT_XAVIER_NORMAL] = "xavier_normal",
  [NN_INIT_HE_UNIFORM] = "he_uniform",
  [NN_INIT_HE_NORMAL] = "he_normal",
  [NN_INIT_LECUN_NORMAL] = "lecun_normal",
  [NN_INIT_ZEROS] = "zeros",
};

const char *
nn_init_name (nn_init init)
{
  return init < NN_INIT_COUNT ? names[init] : "unknown";
}

bool
nn_init_from_name (const char *name,
                   nn_init    *init)
{
  for (int i = 0; i < NN_INIT_COUNT; i++)
    if (strcmp (name, names[i]) == 0)
      {
        *init = (nn_init) i;
        return true;
      }
  return false;
}

nn_init
nn_init_resolve (nn_init       init,
                 nn_activation act)
{
  if (init != NN_INIT_AUTO)
    return init;
  return nn_activation_can_die (act) ? NN_INIT_HE_NORMAL : NN_INIT_XAVIER_UNIFORM;
}

double
nn_init_gain (nn_activation act)
{
  switch (act)
    {
    case NN_ACT_RELU:
    case NN_ACT_ELU:
    case NN_ACT_GELU:
      return M_SQRT2;
    case NN_ACT_LEAKY_RELU:
      return sqrt (2.0 / (1.0 + (double) NN_LEAKY_RELU_SLOPE * NN_LEAKY_RELU_SLOPE));
    case NN_ACT_TANH:
      return 5.0 / 3.0;
    case NN_ACT_IDENTITY:
    case NN_ACT_SIGMOID:
    case NN_ACT_COUNT:
      break;
    }
  return 1.0;
}

static void
fill_uniform (float  *a,
              size_t  n,
              double  bound,
              nn_rng *rng)
{
  for (size_t i = 0; i < n; i++)
    a[i] = (float) ((2.0 * nn_rng_uniform (rng) - 1.0) * bound);
}

static void
fill_normal (float  *a,
             size_t  n,
             double  std,
             nn_rng *rng)
{
  for (size_t i = 0; i < n; i++)
    a[i] = (float) (nn_rng_normal (rng) * std);
}

void
nn_init_dense (nn_init       init,
               nn_activation act,
               size_t        in,
               size_t        out,
               float        *w,
               float        *b,
               nn_rng       *rng)
{
  double fan_in = (double) in, fan_out = (double) out;
  size_t n = in * out;

  memset (b, 0, out * sizeof *b);
  switch (init)
    {
    case NN_INIT_AUTO:
      nn_init_dense (nn_init_resolve (init, act), act, in, out, w, b, rng);
      break;
    case NN_INIT_DEFAULT:
      fill_uniform (w, n, 1.0 / sqrt (fan_in), rng);
      fill_uniform (b, out, 1.0 / sqrt (fan_in), rng);
      break;
    case NN_INIT_XAVIER_UNIFORM:
      fill_uniform (w, n, sqrt (6.0 / (fan_in + fan_out)), rng);
      break;
    case NN_INIT_XAVIER_NORMAL:
      fill_normal (w, n, sqrt (2.0 / (fan_in + fan_out)), rng);
      break;
    case NN_INIT_HE_UNIFORM:
      fill_uniform (w, n, nn_init_gain (act) * sqrt (3.0 / fan_in), rng);
      break;
    case NN_INIT_HE_NORMAL:
      fill_normal (w, n, nn_init_gain (act) / sqrt (fan_in), rng);
      break;
    case NN_INIT_LECUN_NORMAL:
      fill_normal (w, n, 1.0 / sqrt (fan_in), rng);
      break;
    case NN_INIT_ZEROS:
    case NN_INIT_COUNT:
      memset (w, 0, n * sizeof *w);
      break;
    }
}
