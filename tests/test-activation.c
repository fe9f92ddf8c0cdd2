/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "activation.h"

/* Points away from 0, so that a central difference with step H never
 * straddles the kink of ReLU and LeakyReLU; 0 itself is tested apart. */
static const float points[] = {
  -5.0f, -2.5f, -1.0f, -0.3f, -0.01f, 0.01f, 0.3f, 1.0f, 2.5f, 5.0f,
};
#define N_POINTS G_N_ELEMENTS (points)

/* 2⁻⁸: a power of two, so x ± H is exact in float for every point above. */
#define H 0x1p-8

/* Forward against double: float keeps 24 bits, and erff/expf/tanhf are good
 * to a couple of ulps, so 1e-6 relative (absolute below 1) holds with room.
 * The absolute floor matters for GELU far left, where 1 + erf(x/√2) cancels:
 * gelu(−5) ≈ −1.4e-6 carries an absolute error of about 0.5·5·2⁻²⁴ ≈ 1.5e-7. */
#define FORWARD_TOL 1e-6

/* Backward against the analytic derivative in double: the same argument, the
 * derivatives being at most ~1.13 (GELU's maximum slope). */
#define BACKWARD_TOL 2e-6

/* Backward against (f(x + H) − f(x − H)) / 2H of the float forward: each f
 * is rounded by at most |f|·2⁻²⁴ ≤ 5·6e-8, so the quotient carries at most
 * 2·3e-7 / 7.8e-3 ≈ 8e-5 of rounding, and the truncation H²/6·|f'''| is
 * below 3e-6 for all six (|f'''| ≤ 1 for GELU, ≤ 4 for tanh near 0.66,
 * e^x ≤ 1 for ELU's negative side). */
#define DIFF_TOL 2e-4

/* The six functions and derivatives, written in double from their
 * definitions (PyTorch's: slope 0.01, α = 1, exact GELU). */
static double
ref_forward (nn_activation act,
             double        x)
{
  switch (act)
    {
    case NN_ACT_IDENTITY: return x;
    case NN_ACT_RELU: return x > 0 ? x : 0.0;
    case NN_ACT_LEAKY_RELU: return x > 0 ? x : 0.01 * x;
    case NN_ACT_ELU: return x > 0 ? x : expm1 (x);
    case NN_ACT_GELU: return 0.5 * x * (1.0 + erf (x / sqrt (2.0)));
    case NN_ACT_SIGMOID: return 1.0 / (1.0 + exp (-x));
    case NN_ACT_TANH: return tanh (x);
    case NN_ACT_COUNT: break;
    }
  g_assert_not_reached ();
}

/* PyTorch's convention at the kink: relu'(0) = 0, leaky_relu'(0) = 0.01,
 * elu'(0) = α·e⁰ = 1. */
static double
ref_derivative (nn_activation act,
                double        x)
{
  double s, t;

  switch (act)
    {
    case NN_ACT_IDENTITY: return 1.0;
    case NN_ACT_RELU: return x > 0 ? 1.0 : 0.0;
    case NN_ACT_LEAKY_RELU: return x > 0 ? 1.0 : 0.01;
    case NN_ACT_ELU: return x > 0 ? 1.0 : exp (x);
    case NN_ACT_GELU:
      /* Φ(x) + x·φ(x) */
      return 0.5 * (1.0 + erf (x / sqrt (2.0))) + x * exp (-0.5 * x * x) / sqrt (2.0 * G_PI);
    case NN_ACT_SIGMOID:
      s = 1.0 / (1.0 + exp (-x));
      return s * (1.0 - s);
    case NN_ACT_TANH:
      t = tanh (x);
      return 1.0 - t * t;
    case NN_ACT_COUNT: break;
    }
  g_assert_not_reached ();
}

static float
forward1 (nn_activation act,
          float         x)
{
  float y;

  nn_activation_forward (act, &x, &y, 1);
  return y;
}

static float
backward1 (nn_activation act,
           float         x,
           float         dy)
{
  float y = forward1 (act, x), dx;

  nn_activation_backward (act, &x, &y, &dy, &dx, 1);
  return dx;
}

static void
assert_close (double got,
              double want,
              double tol)
{
  if (!(fabs (got - want) <= tol * fmax (1.0, fabs (want))))
    g_error ("got %.9g, want %.9g (tolerance %g)", got, want, tol);
}

/* Forward and backward of one activation over the points, as a batch: the
 * forward against the closed form, the backward (with an upstream gradient
 * that is not 1, to see the product) against the analytic derivative and
 * against a central difference of the engine's own forward. */
static void
test_function (gconstpointer data)
{
  nn_activation act = (nn_activation) GPOINTER_TO_INT (data);
  float y[N_POINTS], dy[N_POINTS], dx[N_POINTS];

  nn_activation_forward (act, points, y, N_POINTS);
  for (size_t i = 0; i < N_POINTS; i++)
    {
      assert_close (y[i], ref_forward (act, points[i]), FORWARD_TOL);
      dy[i] = 0.5f + 0.25f * (float) i;
    }
  nn_activation_backward (act, points, y, dy, dx, N_POINTS);
  for (size_t i = 0; i < N_POINTS; i++)
    {
      float x = points[i];
      double numeric = ((double) forward1 (act, x + (float) H)
                        - (double) forward1 (act, x - (float) H)) / (2.0 * H);

      assert_close (dx[i], ref_derivative (act, x) * dy[i], BACKWARD_TOL);
      assert_close (dx[i] / dy[i], numeric, DIFF_TOL);
    }
}

/* A few values worked out independently (to 16 digits, from the
 * definitions), so the references above are not the only witness. */
static void
test_worked_values (void)
{
  /* gelu(1) = Φ(1) = 0.8413447460685429; gelu(−1) = −Φ(−1) = −0.15865525393145707;
   * gelu'(1) = Φ(1) + φ(1) = 0.8413447 + 0.2419707 = 1.0833154705876864 */
  assert_close (forward1 (NN_ACT_GELU, 1.0f), 0.8413447460685429, FORWARD_TOL);
  assert_close (forward1 (NN_ACT_GELU, -1.0f), -0.15865525393145707, FORWARD_TOL);
  assert_close (backward1 (NN_ACT_GELU, 1.0f, 1.0f), 1.0833154705876864, BACKWARD_TOL);
  /* gelu'(−1) = Φ(−1) − φ(−1) = −0.08331547058768629: GELU dips below 0. */
  assert_close (backward1 (NN_ACT_GELU, -1.0f, 1.0f), -0.08331547058768629, BACKWARD_TOL);
  /* σ(2) = 1/(1 + e⁻²) = 0.8807970779778823, σ'(2) = σ(1 − σ) = 0.10499358540350662 */
  assert_close (forward1 (NN_ACT_SIGMOID, 2.0f), 0.8807970779778823, FORWARD_TOL);
  assert_close (backward1 (NN_ACT_SIGMOID, 2.0f, 1.0f), 0.10499358540350662, BACKWARD_TOL);
  /* elu(−1) = e⁻¹ − 1 = −0.6321205588285577, elu'(−1) = e⁻¹ = 0.36787944117144233 */
  assert_close (forward1 (NN_ACT_ELU, -1.0f), -0.6321205588285577, FORWARD_TOL);
  assert_close (backward1 (NN_ACT_ELU, -1.0f, 1.0f), 0.36787944117144233, BACKWARD_TOL);
  /* tanh(½) = 0.46211715726000974, 1 − tanh²(½) = 0.7864477329659274 */
  assert_close (forward1 (NN_ACT_TANH, 0.5f), 0.46211715726000974, FORWARD_TOL);
  assert_close (backward1 (NN_ACT_TANH, 0.5f, 1.0f), 0.7864477329659274, BACKWARD_TOL);
  /* The ReLU family at −2: 0, −0.02, e⁻² − 1 */
  g_assert_cmpfloat (forward1 (NN_ACT_RELU, -2.0f), ==, 0.0f);
  assert_close (forward1 (NN_ACT_LEAKY_RELU, -2.0f), -0.02, FORWARD_TOL);
  assert_close (forward1 (NN_ACT_ELU, -2.0f), -0.8646647167633873, FORWARD_TOL);
  g_assert_cmpfloat (forward1 (NN_ACT_RELU, 3.5f), ==, 3.5f);
  g_assert_cmpfloat (forward1 (NN_ACT_LEAKY_RELU, 3.5f), ==, 3.5f);
  g_assert_cmpfloat (forward1 (NN_ACT_ELU, 3.5f), ==, 3.5f);
}

/* At 0 every function is exact and the derivative follows PyTorch:
 * relu'(0) = 0 (threshold_backward), leaky_relu'(0) = 0.01, elu'(0) = 1,
 * gelu'(0) = Φ(0) = ½, σ'(0) = ¼, tanh'(0) = 1. */
static void
test_at_zero (void)
{
  static const struct { nn_activation act; float y, d; } cases[] = {
    { NN_ACT_IDENTITY, 0.0f, 1.0f },
    { NN_ACT_RELU, 0.0f, 0.0f },
    { NN_ACT_LEAKY_RELU, 0.0f, 0.01f },
    { NN_ACT_ELU, 0.0f, 1.0f },
    { NN_ACT_GELU, 0.0f, 0.5f },
    { NN_ACT_SIGMOID, 0.5f, 0.25f },
    { NN_ACT_TANH, 0.0f, 1.0f },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpfloat (forward1 (cases[i].act, 0.0f), ==, cases[i].y);
      g_assert_cmpfloat (backward1 (cases[i].act, 0.0f, 1.0f), ==, cases[i].d);
    }
}

/* σ written as 1/(1 + e⁻ˣ) overflows e⁻ˣ for x < −88 in float and gives
 * 1/∞ = 0 — harmless — but e/(1 + e) at large positive x gives ∞/∞ = NaN.
 * Both tails must come out finite, in [0, 1] and with the right limit; so
 * must tanh and the gradients there. */
static void
test_sigmoid_extremes (void)
{
  const float x[] = { -1000.0f, -100.0f, -30.0f, 30.0f, 100.0f, 1000.0f, -INFINITY, INFINITY };
  float y[G_N_ELEMENTS (x)], dy[G_N_ELEMENTS (x)], dx[G_N_ELEMENTS (x)];
  size_t n = G_N_ELEMENTS (x);

  nn_activation_forward (NN_ACT_SIGMOID, x, y, n);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_true (isfinite (y[i]));
      g_assert_cmpfloat (y[i], >=, 0.0f);
      g_assert_cmpfloat (y[i], <=, 1.0f);
      dy[i] = 1.0f;
    }
  g_assert_cmpfloat (y[0], ==, 0.0f);
  /* σ(−100) = 3.7e-44, a subnormal float: only its size can be asked for. */
  g_assert_cmpfloat (y[1], <, 1e-40f);
  /* σ(−30) = e⁻³⁰/(1 + e⁻³⁰) = 9.357622968839299e-14, still a normal float. */
  g_assert_cmpfloat_with_epsilon (y[2] / 9.357622968839299e-14, 1.0, 1e-6);
  g_assert_cmpfloat (y[3], ==, 1.0f);
  g_assert_cmpfloat (y[4], ==, 1.0f);
  g_assert_cmpfloat (y[5], ==, 1.0f);
  g_assert_cmpfloat (y[6], ==, 0.0f);
  g_assert_cmpfloat (y[7], ==, 1.0f);

  nn_activation_backward (NN_ACT_SIGMOID, x, y, dy, dx, n);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_true (isfinite (dx[i]));
      g_assert_cmpfloat (dx[i], >=, 0.0f);
      g_assert_cmpfloat (dx[i], <, 1e-13f);
    }

  nn_activation_forward (NN_ACT_TANH, x, y, n);
  nn_activation_backward (NN_ACT_TANH, x, y, dy, dx, n);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpfloat (y[i], ==, x[i] < 0 ? -1.0f : 1.0f);
      g_assert_cmpfloat (dx[i], ==, 0.0f);
    }
}

/* x == y in the forward and dx == dy in the backward give the same numbers
 * as separate arrays: the layer code runs activations in place. The
 * backward reads x and y, which must then be distinct from dx. */
static void
test_in_place (void)
{
  for (int a = NN_ACT_IDENTITY; a < NN_ACT_COUNT; a++)
    {
      nn_activation act = (nn_activation) a;
      float y[N_POINTS], dy[N_POINTS], dx[N_POINTS], buf[N_POINTS], g[N_POINTS];

      nn_activation_forward (act, points, y, N_POINTS);
      memcpy (buf, points, sizeof points);
      nn_activation_forward (act, buf, buf, N_POINTS);
      g_assert_cmpmem (buf, sizeof buf, y, sizeof y);

      for (size_t i = 0; i < N_POINTS; i++)
        dy[i] = g[i] = 1.0f - 0.125f * (float) i;
      nn_activation_backward (act, points, y, dy, dx, N_POINTS);
      nn_activation_backward (act, points, y, g, g, N_POINTS);
      g_assert_cmpmem (g, sizeof g, dx, sizeof dx);
    }
}

static void
test_names (void)
{
  static const char *const torch[NN_ACT_COUNT] = {
    "Identity", "ReLU", "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh",
  };
  static const char *const names[NN_ACT_COUNT] = {
    "identity", "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh",
  };
  nn_activation act = NN_ACT_COUNT;

  for (int a = NN_ACT_IDENTITY; a < NN_ACT_COUNT; a++)
    {
      g_assert_cmpstr (nn_activation_name ((nn_activation) a), ==, names[a]);
      g_assert_cmpstr (nn_activation_torch_name ((nn_activation) a), ==, torch[a]);
      if (a == NN_ACT_IDENTITY)
        continue;
      g_assert_true (nn_activation_from_name (names[a], &act));
      g_assert_cmpint (act, ==, a);
    }
  /* "identity" is no name a person types (DESIGN.md lists six); case and
   * torch's class names are not accepted either. */
  act = NN_ACT_COUNT;
  g_assert_false (nn_activation_from_name ("identity", &act));
  g_assert_false (nn_activation_from_name ("ReLU", &act));
  g_assert_false (nn_activation_from_name ("relu6", &act));
  g_assert_false (nn_activation_from_name ("", &act));
  g_assert_cmpint (act, ==, NN_ACT_COUNT);
  g_assert_cmpstr (nn_activation_name (NN_ACT_COUNT), ==, "unknown");
  g_assert_cmpstr (nn_activation_torch_name (NN_ACT_COUNT), ==, "unknown");
}

/* Dead units are a ReLU-family diagnosis, saturation a sigmoid/tanh one;
 * the identity (a dense layer without activation) is neither. */
static void
test_properties (void)
{
  static const struct { nn_activation act; bool die, saturate; } cases[] = {
    { NN_ACT_IDENTITY, false, false },
    { NN_ACT_RELU, true, false },
    { NN_ACT_LEAKY_RELU, true, false },
    { NN_ACT_ELU, true, false },
    { NN_ACT_GELU, true, false },
    { NN_ACT_SIGMOID, false, true },
    { NN_ACT_TANH, false, true },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (nn_activation_can_die (cases[i].act), ==, cases[i].die);
      g_assert_cmpint (nn_activation_can_saturate (cases[i].act), ==, cases[i].saturate);
    }
  g_assert_cmpfloat (NN_LEAKY_RELU_SLOPE, ==, 0.01f);
  g_assert_cmpfloat (NN_ELU_ALPHA, ==, 1.0f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (int a = NN_ACT_IDENTITY; a < NN_ACT_COUNT; a++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/activation/%s",
                                               nn_activation_name ((nn_activation) a));

      g_test_add_data_func (path, GINT_TO_POINTER (a), test_function);
    }
  g_test_add_func ("/engine/activation/worked-values", test_worked_values);
  g_test_add_func ("/engine/activation/at-zero", test_at_zero);
  g_test_add_func ("/engine/activation/sigmoid-extremes", test_sigmoid_extremes);
  g_test_add_func ("/engine/activation/in-place", test_in_place);
  g_test_add_func ("/engine/activation/names", test_names);
  g_test_add_func ("/engine/activation/properties", test_properties);
  return g_test_run ();
}
