/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "activation.h"

#include <math.h>
#include <string.h>

static const char *const names[NN_ACT_COUNT] = {
  [NN_ACT_IDENTITY] = "identity",
  [NN_ACT_RELU] = "relu",
  [NN_ACT_LEAKY_RELU] = "leaky_relu",
  [NN_ACT_ELU] = "elu",
  [NN_ACT_GELU] = "gelu",
  [NN_ACT_SIGMOID] = "sigmoid",
  [NN_ACT_TANH] = "tanh",
};

static const char *const torch_names[NN_ACT_COUNT] = {
  [NN_ACT_IDENTITY] = "Identity",
  [NN_ACT_RELU] = "ReLU",
  [NN_ACT_LEAKY_RELU] = "LeakyReLU",
  [NN_ACT_ELU] = "ELU",
  [NN_ACT_GELU] = "GELU",
  [NN_ACT_SIGMOID] = "Sigmoid",
  [NN_ACT_TANH] = "Tanh",
};

const char *
nn_activation_name (nn_activation act)
{
  return act < NN_ACT_COUNT ? names[act] : "unknown";
}

const char *
nn_activation_torch_name (nn_activation act)
{
  return act < NN_ACT_COUNT ? torch_names[act] : "unknown";
}

bool
nn_activation_from_name (const char    *name,
                         nn_activation *act)
{
  for (int a = NN_ACT_RELU; a < NN_ACT_COUNT; a++)
    if (strcmp (name, names[a]) == 0)
      {
        *act = (nn_activation) a;
        return true;
      }
  return false;
}

bool
nn_activation_can_die (nn_activation act)
{
  return act == NN_ACT_RELU || act == NN_ACT_LEAKY_RELU || act == NN_ACT_ELU
         || act == NN_ACT_GELU;
}

bool
nn_activation_can_saturate (nn_activation act)
{
  return act == NN_ACT_SIGMOID || act == NN_ACT_TANH;
}

/* σ(x) without overflow: for x < 0 use eˣ / (1 + eˣ). */
static inline float
sigmoidf (float x)
{
  if (x >= 0.0f)
    return 1.0f / (1.0f + expf (-x));
  else
    {
      float e = expf (x);
      return e / (1.0f + e);
    }
}

void
nn_activation_forward (nn_activation act,
                       const float  *x,
                       float        *y,
                       size_t        n)
{
  switch (act)
    {
    case NN_ACT_IDENTITY:
      if (x != y)
        memcpy (y, x, n * sizeof *y);
      break;
    case NN_ACT_RELU:
      for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    case NN_ACT_LEAKY_RELU:
      for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : NN_LEAKY_RELU_SLOPE * x[i];
      break;
    case NN_ACT_ELU:
      for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : NN_ELU_ALPHA * expm1f (x[i]);
      break;
    case NN_ACT_GELU:
      /* GELU(x) = x · Φ(x) = x · ½ (1 + erf(x / √2)) */
      for (size_t i = 0; i < n; i++)
        y[i] = 0.5f * x[i] * (1.0f + erff (x[i] * (float) M_SQRT1_2));
      break;
    case NN_ACT_SIGMOID:
      for (size_t i = 0; i < n; i++)
        y[i] = sigmoidf (x[i]);
      break;
    case NN_ACT_TANH:
      for (size_t i = 0; i < n; i++)
        y[i] = tanhf (x[i]);
      break;
    case NN_ACT_COUNT:
      break;
    }
}

void
nn_activation_backward (nn_activation act,
                        const float  *x,
                        const float  *y,
                        const float  *dy,
                        float        *dx,
                        size_t        n)
{
  switch (act)
    {
    case NN_ACT_IDENTITY:
      if (dx != dy)
        memcpy (dx, dy, n * sizeof *dx);
      break;
    case NN_ACT_RELU:
      /* PyTorch takes the derivative at 0 as 0. */
      for (size_t i = 0; i < n; i++)
        dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
      break;
    case NN_ACT_LEAKY_RELU:
      for (size_t i = 0; i < n; i++)
        dx[i] = x[i] > 0.0f ? dy[i] : NN_LEAKY_RELU_SLOPE * dy[i];
      break;
    case NN_ACT_ELU:
      /* For x ≤ 0: d/dx α(eˣ − 1) = αeˣ = y + α. */
      for (size_t i = 0; i < n; i++)
        dx[i] = x[i] > 0.0f ? dy[i] : (y[i] + NN_ELU_ALPHA) * dy[i];
      break;
    case NN_ACT_GELU:
      /* d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2) / √(2π) */
      for (size_t i = 0; i < n; i++)
        {
          float cdf = 0.5f * (1.0f + erff (x[i] * (float) M_SQRT1_2));
          float pdf = expf (-0.5f * x[i] * x[i]) * (float) (0.5 * M_2_SQRTPI * M_SQRT1_2);
          dx[i] = (cdf + x[i] * pdf) * dy[i];
        }
      break;
    case NN_ACT_SIGMOID:
      for (size_t i = 0; i < n; i++)
        dx[i] = y[i] * (1.0f - y[i]) * dy[i];
      break;
    case NN_ACT_TANH:
      for (size_t i = 0; i < n; i++)
        dx[i] = (1.0f - y[i] * y[i]) * dy[i];
      break;
    case NN_ACT_COUNT:
      break;
    }
}
