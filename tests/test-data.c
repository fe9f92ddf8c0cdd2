/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "dataset.h"
#include "generate.h"
#include "scale.h"
#include "split.h"

/* Helpers */

static nn_dataset *
generate (nn_generator kind,
          size_t       samples,
          double       noise,
          size_t       classes,
          uint64_t     seed)
{
  nn_generate_params p = nn_generate_params_default (kind);
  nn_error err = { 0 };
  nn_dataset *ds;

  p.samples = samples;
  p.noise = noise;
  p.classes = classes;
  p.seed = seed;
  ds = nn_generate (&p, &err);
  if (ds == NULL)
    g_error ("generating %s failed: %s", nn_generator_name (kind), err.msg);
  return ds;
}

static nn_dataset *
generate_default (nn_generator kind)
{
  nn_generate_params p = nn_generate_params_default (kind);
  nn_error err = { 0 };
  nn_dataset *ds = nn_generate (&p, &err);

  if (ds == NULL)
    g_error ("generating %s failed: %s", nn_generator_name (kind), err.msg);
  return ds;
}

/* A dataset with the given features and labels (y NULL: regression, t = x's
 * first column times 10). */
static nn_dataset *
make_dataset (size_t         n,
              size_t         d,
              size_t         k,
              const float   *x,
              const int32_t *y)
{
  nn_error err = { 0 };
  nn_dataset *ds = nn_dataset_new (y != NULL ? NN_TASK_CLASSIFICATION : NN_TASK_REGRESSION,
                                   n, d, k, &err);

  g_assert_nonnull (ds);
  memcpy (ds->x, x, n * d * sizeof (float));
  if (y != NULL)
    memcpy (ds->y, y, n * sizeof (int32_t));
  else
    for (size_t i = 0; i < n; i++)
      ds->t[i] = 10.0f * x[i * d];
  return ds;
}

/* A classification set whose row i has the single feature i, so a row's
 * identity survives any reordering; class c gets counts[c] rows, grouped. */
static nn_dataset *
make_id_dataset (const size_t *counts,
                 size_t        k)
{
  nn_error err = { 0 };
  size_t n = 0, row = 0;
  nn_dataset *ds;

  for (size_t c = 0; c < k; c++)
    n += counts[c];
  ds = nn_dataset_new (NN_TASK_CLASSIFICATION, n, 1, k, &err);
  g_assert_nonnull (ds);
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < counts[c]; i++, row++)
      {
        ds->x[row] = (float) row;
        ds->y[row] = (int32_t) c;
      }
  return ds;
}

static void
assert_counts (const nn_dataset *ds,
               size_t            first,
               size_t            n,
               const size_t     *expected)
{
  nn_dataset v = nn_dataset_view (ds, first, n);
  size_t counts[64];

  g_assert_cmpuint (ds->k, <=, G_N_ELEMENTS (counts));
  nn_dataset_class_counts (&v, counts);
  for (size_t c = 0; c < ds->k; c++)
    g_assert_cmpuint (counts[c], ==, expected[c]);
}

static void
expect_generate_error (const nn_generate_params *p,
                       const char               *substring)
{
  nn_error err = { 0 };
  nn_dataset *ds = nn_generate (p, &err);

  g_assert_null (ds);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  if (strstr (err.msg, substring) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", err.msg, substring);
  /* Without an error struct it must fail the same way, quietly. */
  g_assert_null (nn_generate (p, NULL));
}

static gboolean
same_data (const nn_dataset *a,
           const nn_dataset *b)
{
  if (a->n != b->n || a->d != b->d || a->k != b->k || a->task != b->task)
    return FALSE;
  if (memcmp (a->x, b->x, a->n * a->d * sizeof (float)) != 0)
    return FALSE;
  if (a->y != NULL && memcmp (a->y, b->y, a->n * sizeof (int32_t)) != 0)
    return FALSE;
  if (a->t != NULL && memcmp (a->t, b->t, a->n * a->k * sizeof (float)) != 0)
    return FALSE;
  return TRUE;
}

/* Generators */

static void
test_generate_names (void)
{
  static const char *const names[] = {
    "spiral", "moons", "circles", "xor", "gaussians", "sine", "plane",
  };
  nn_generator kind;

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == NN_GEN_COUNT);
  for (int i = 0; i < NN_GEN_COUNT; i++)
    {
      g_assert_cmpstr (nn_generator_name ((nn_generator) i), ==, names[i]);
      g_assert_true (nn_generator_from_name (names[i], &kind));
      g_assert_cmpint (kind, ==, i);
      g_assert_cmpint (nn_generator_task (kind), ==,
                       i >= NN_GEN_SINE ? NN_TASK_REGRESSION : NN_TASK_CLASSIFICATION);
    }
  g_assert_false (nn_generator_from_name ("Spiral", &kind));
  g_assert_false (nn_generator_from_name ("", &kind));
  g_assert_false (nn_generator_from_name (NULL, &kind));
  g_assert_cmpstr (nn_generator_name (NN_GEN_COUNT), ==, "unknown");
}

static void
test_generate_defaults (void)
{
  static const double noise[NN_GEN_COUNT] = { 0.2, 0.1, 0.05, 0.05, 0.5, 0.1, 0.1 };

  for (int i = 0; i < NN_GEN_COUNT; i++)
    {
      nn_generate_params p = nn_generate_params_default ((nn_generator) i);

      g_assert_cmpint (p.kind, ==, i);
      g_assert_cmpuint (p.samples, ==, i >= NN_GEN_SINE ? 600 : 1000);
      g_assert_cmpfloat (p.noise, ==, noise[i]);
      g_assert_cmpuint (p.seed, ==, 1);
    }
  g_assert_cmpuint (nn_generate_params_default (NN_GEN_SPIRAL).classes, ==, 3);
  g_assert_cmpuint (nn_generate_params_default (NN_GEN_GAUSSIANS).classes, ==, 3);
}

static void
test_generate_sizes (void)
{
  static const size_t spiral3[] = { 333, 333, 334 };
  static const size_t two[] = { 500, 500 };
  /* 10 rows in 4 classes: ⌊(j+1)·10/4⌋ − ⌊j·10/4⌋ = 2, 3, 2, 3. */
  static const size_t ten_in_four[] = { 2, 3, 2, 3 };
  /* make_moons puts the odd row in the second class. */
  static const size_t odd[] = { 500, 501 };
  nn_dataset *ds;

  for (int i = 0; i < NN_GEN_COUNT; i++)
    {
      ds = generate_default ((nn_generator) i);
      g_assert_true (ds->owned);
      if (i >= NN_GEN_SINE)
        {
          g_assert_cmpint (ds->task, ==, NN_TASK_REGRESSION);
          g_assert_cmpuint (ds->n, ==, 600);
          g_assert_cmpuint (ds->d, ==, i == NN_GEN_SINE ? 1 : 2);
          g_assert_cmpuint (ds->k, ==, 1);
          g_assert_null (ds->y);
          g_assert_nonnull (ds->t);
          g_assert_null (ds->class_names);
        }
      else
        {
          g_assert_cmpint (ds->task, ==, NN_TASK_CLASSIFICATION);
          g_assert_cmpuint (ds->n, ==, 1000);
          g_assert_cmpuint (ds->d, ==, 2);
          g_assert_cmpuint (ds->k, ==, i == NN_GEN_SPIRAL || i == NN_GEN_GAUSSIANS ? 3 : 2);
          g_assert_nonnull (ds->y);
          g_assert_null (ds->t);
          assert_counts (ds, 0, ds->n, ds->k == 3 ? spiral3 : two);
          /* Rows come grouped by class. */
          for (size_t r = 1; r < ds->n; r++)
            g_assert_cmpint (ds->y[r - 1], <=, ds->y[r]);
          g_assert_nonnull (ds->class_names);
          for (size_t c = 0; c < ds->k; c++)
            {
              g_autofree char *name = g_strdup_printf ("%zu", c);

              g_assert_cmpstr (ds->class_names[c], ==, name);
            }
        }
      g_assert_nonnull (ds->feature_names);
      if (ds->d == 1)
        g_assert_cmpstr (ds->feature_names[0], ==, "x");
      else
        {
          g_assert_cmpstr (ds->feature_names[0], ==, "x1");
          g_assert_cmpstr (ds->feature_names[1], ==, "x2");
        }
      for (size_t r = 0; r < ds->n * ds->d; r++)
        g_assert_true (isfinite (ds->x[r]));
      nn_dataset_free (ds);
    }

  ds = generate (NN_GEN_SPIRAL, 10, 0.2, 4, 1);
  assert_counts (ds, 0, ds->n, ten_in_four);
  nn_dataset_free (ds);
  ds = generate (NN_GEN_GAUSSIANS, 64, 0.5, 64, 1);
  for (size_t r = 0; r < 64; r++)
    g_assert_cmpint (ds->y[r], ==, (int32_t) r);
  nn_dataset_free (ds);
  ds = generate (NN_GEN_MOONS, 1001, 0.1, 0, 1);
  assert_counts (ds, 0, ds->n, odd);
  nn_dataset_free (ds);
  /* The smallest sets: one row per class, one row of regression. */
  ds = generate (NN_GEN_XOR, 2, 0.1, 0, 1);
  g_assert_cmpint (ds->y[0], ==, 0);
  g_assert_cmpint (ds->y[1], ==, 1);
  nn_dataset_free (ds);
  ds = generate (NN_GEN_SINE, 1, 0.1, 0, 1);
  g_assert_cmpuint (ds->n, ==, 1);
  nn_dataset_free (ds);
}

static void
test_generate_determinism (void)
{
  for (int i = 0; i < NN_GEN_COUNT; i++)
    {
      nn_generate_params p = nn_generate_params_default ((nn_generator) i);
      nn_dataset *a = generate (p.kind, 300, p.noise, p.classes, 42);
      nn_dataset *b = generate (p.kind, 300, p.noise, p.classes, 42);
      nn_dataset *c = generate (p.kind, 300, p.noise, p.classes, 43);

      g_assert_true (same_data (a, b));
      g_assert_false (same_data (a, c));
      nn_dataset_free (a);
      nn_dataset_free (b);
      nn_dataset_free (c);
    }
}

/* Generators draw the same random numbers at every noise level, so the
 * difference between a noisy set and the clean one of the same seed is the
 * noise itself: its mean should be 0 and its standard deviation the noise
 * level. With 2000+ draws the sample std is within ±0.05 relative of the truth
 * at far beyond 4 σ (its own std is about 1/√(2·2000) ≈ 0.016). */
static void
test_generate_noise (void)
{
  static const nn_generator kinds[] = {
    NN_GEN_MOONS, NN_GEN_CIRCLES, NN_GEN_XOR, NN_GEN_GAUSSIANS, NN_GEN_SINE, NN_GEN_PLANE,
  };
  const double noise = 0.3;

  for (size_t g = 0; g < G_N_ELEMENTS (kinds); g++)
    {
      nn_dataset *clean = generate (kinds[g], 2000, 0.0, 3, 7);
      nn_dataset *noisy = generate (kinds[g], 2000, noise, 3, 7);
      gboolean regression = clean->task == NN_TASK_REGRESSION;
      const float *a = regression ? clean->t : clean->x;
      const float *b = regression ? noisy->t : noisy->x;
      size_t m = regression ? clean->n : clean->n * clean->d;
      double sum = 0.0, sq = 0.0, mean, std;

      if (regression)
        g_assert_cmpmem (clean->x, clean->n * clean->d * sizeof (float),
                         noisy->x, noisy->n * noisy->d * sizeof (float));
      else
        g_assert_cmpmem (clean->y, clean->n * sizeof (int32_t),
                         noisy->y, noisy->n * sizeof (int32_t));
      for (size_t i = 0; i < m; i++)
        {
          double e = ((double) b[i] - (double) a[i]) / noise;

          sum += e;
          sq += e * e;
        }
      mean = sum / (double) m;
      std = sqrt (sq / (double) m - mean * mean);
      g_assert_cmpfloat (fabs (mean), <, 0.1);
      g_assert_cmpfloat (fabs (std - 1.0), <, 0.05);
      nn_dataset_free (clean);
      nn_dataset_free (noisy);
    }
}

static void
test_generate_spiral (void)
{
  nn_dataset *ds = generate (NN_GEN_SPIRAL, 300, 0.0, 3, 1);
  nn_dataset *noisy;

  /* Without noise, point i of arm j (100 per arm) is r·(sin t, cos t) with
   * r = i/99 and t = 2πj/3 + 4r. */
  for (size_t j = 0; j < 3; j++)
    for (size_t i = 0; i < 100; i++)
      {
        size_t row = j * 100 + i;
        double r = (double) i / 99.0;
        double t = 2.0 * G_PI * (double) j / 3.0 + 4.0 * r;

        g_assert_cmpint (ds->y[row], ==, (int32_t) j);
        g_assert_cmpfloat_with_epsilon (ds->x[row * 2], r * sin (t), 1e-6);
        g_assert_cmpfloat_with_epsilon (ds->x[row * 2 + 1], r * cos (t), 1e-6);
      }
  /* The last point of arm 0 sits at radius 1, angle 4. */
  g_assert_cmpfloat_with_epsilon (ds->x[99 * 2], sin (4.0), 1e-6);
  nn_dataset_free (ds);

  /* The noise turns points about the origin but never moves them outward:
   * the radius stays i/(m − 1) ≤ 1. */
  noisy = generate (NN_GEN_SPIRAL, 3000, 0.2, 5, 3);
  for (size_t j = 0; j < 5; j++)
    for (size_t i = 0; i < 600; i++)
      {
        size_t row = j * 600 + i;
        double r = hypot (noisy->x[row * 2], noisy->x[row * 2 + 1]);

        g_assert_cmpfloat_with_epsilon (r, (double) i / 599.0, 1e-6);
        g_assert_cmpfloat (r, <=, 1.0 + 1e-6);
      }
  nn_dataset_free (noisy);
}

static void
test_generate_moons (void)
{
  nn_dataset *ds = generate (NN_GEN_MOONS, 200, 0.0, 0, 1);

  /* make_moons without noise: the first 100 rows on the upper unit half
   * circle from (1, 0) to (−1, 0), the rest on the unit circle about
   * (1, 0.5), lower half, from (0, 0.5) to (2, 0.5). */
  for (size_t i = 0; i < 200; i++)
    {
      double x = ds->x[i * 2], y = ds->x[i * 2 + 1];

      if (i < 100)
        {
          g_assert_cmpint (ds->y[i], ==, 0);
          g_assert_cmpfloat_with_epsilon (hypot (x, y), 1.0, 1e-6);
          g_assert_cmpfloat (y, >=, -1e-6);
        }
      else
        {
          g_assert_cmpint (ds->y[i], ==, 1);
          g_assert_cmpfloat_with_epsilon (hypot (x - 1.0, y - 0.5), 1.0, 1e-6);
          g_assert_cmpfloat (y, <=, 0.5 + 1e-6);
        }
    }
  g_assert_cmpfloat_with_epsilon (ds->x[0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (ds->x[1], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (ds->x[99 * 2], -1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (ds->x[100 * 2], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (ds->x[100 * 2 + 1], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (ds->x[199 * 2], 2.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (ds->x[199 * 2 + 1], 0.5, 1e-6);
  nn_dataset_free (ds);
}

static void
test_generate_circles (void)
{
  nn_dataset *ds = generate (NN_GEN_CIRCLES, 200, 0.0, 0, 1);

  /* make_circles (factor 0.5) without noise: radius 1 then 0.5, point i of
   * each circle at angle 2π·i/100. */
  for (size_t i = 0; i < 200; i++)
    {
      double radius = i < 100 ? 1.0 : 0.5;
      double a = 2.0 * G_PI * (double) (i % 100) / 100.0;

      g_assert_cmpint (ds->y[i], ==, i < 100 ? 0 : 1);
      g_assert_cmpfloat_with_epsilon (ds->x[i * 2], radius * cos (a), 1e-6);
      g_assert_cmpfloat_with_epsilon (ds->x[i * 2 + 1], radius * sin (a), 1e-6);
    }
  nn_dataset_free (ds);
}

static void
test_generate_xor (void)
{
  nn_dataset *ds = generate (NN_GEN_XOR, 1000, 0.0, 0, 5);
  size_t quadrant[4] = { 0 };

  for (size_t i = 0; i < ds->n; i++)
    {
      float x = ds->x[i * 2], y = ds->x[i * 2 + 1];

      g_assert_cmpfloat (fabsf (x), >=, 0.1f);
      g_assert_cmpfloat (fabsf (x), <=, 1.0f);
      g_assert_cmpfloat (fabsf (y), >=, 0.1f);
      g_assert_cmpfloat (fabsf (y), <=, 1.0f);
      g_assert_cmpint (ds->y[i], ==, x * y > 0 ? 1 : 0);
      quadrant[(x < 0) * 2 + (y < 0)]++;
    }
  for (size_t q = 0; q < 4; q++)
    g_assert_cmpuint (quadrant[q], ==, 250);
  nn_dataset_free (ds);
}

static void
test_generate_gaussians (void)
{
  nn_dataset *ds = generate (NN_GEN_GAUSSIANS, 8, 0.0, 4, 1);
  /* Centres at radius 2, angles 0, π/2, π, 3π/2. */
  static const float centre[4][2] = { { 2, 0 }, { 0, 2 }, { -2, 0 }, { 0, -2 } };

  for (size_t i = 0; i < 8; i++)
    {
      g_assert_cmpfloat_with_epsilon (ds->x[i * 2], centre[i / 2][0], 1e-6);
      g_assert_cmpfloat_with_epsilon (ds->x[i * 2 + 1], centre[i / 2][1], 1e-6);
    }
  nn_dataset_free (ds);

  /* With σ = 0.5 and 1000 points a blob's mean lies within 4·σ/√1000 ≈ 0.063
   * of its centre. */
  ds = generate (NN_GEN_GAUSSIANS, 4000, 0.5, 4, 9);
  for (size_t c = 0; c < 4; c++)
    {
      double m1 = 0.0, m2 = 0.0;

      for (size_t i = c * 1000; i < (c + 1) * 1000; i++)
        {
          m1 += ds->x[i * 2];
          m2 += ds->x[i * 2 + 1];
        }
      g_assert_cmpfloat_with_epsilon (m1 / 1000.0, centre[c][0], 0.063);
      g_assert_cmpfloat_with_epsilon (m2 / 1000.0, centre[c][1], 0.063);
    }
  nn_dataset_free (ds);
}

static void
test_generate_sine (void)
{
  nn_dataset *ds = generate (NN_GEN_SINE, 600, 0.0, 0, 1);
  float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;

  for (size_t i = 0; i < ds->n; i++)
    {
      g_assert_cmpfloat (ds->x[i], >=, (float) -G_PI);
      g_assert_cmpfloat (ds->x[i], <=, (float) G_PI);
      g_assert_cmpfloat (ds->t[i], ==, (float) sin ((double) ds->x[i]));
      lo = MIN (lo, ds->x[i]);
      hi = MAX (hi, ds->x[i]);
    }
  /* 600 uniform draws leave gaps of about 2π/600 at the ends. */
  g_assert_cmpfloat (lo, <, -3.0f);
  g_assert_cmpfloat (hi, >, 3.0f);
  nn_dataset_free (ds);
}

static void
test_generate_plane (void)
{
  nn_dataset *ds = generate (NN_GEN_PLANE, 600, 0.0, 0, 1);

  for (size_t i = 0; i < ds->n; i++)
    {
      double x1 = ds->x[i * 2], x2 = ds->x[i * 2 + 1];

      g_assert_cmpfloat (fabs (x1), <=, 1.0);
      g_assert_cmpfloat (fabs (x2), <=, 1.0);
      g_assert_cmpfloat_with_epsilon (ds->t[i], x1 - 2.0 * x2, 1e-6);
    }
  nn_dataset_free (ds);
}

static void
test_generate_errors (void)
{
  nn_generate_params p;
  nn_dataset *ds;

  p = nn_generate_params_default (NN_GEN_SPIRAL);
  p.classes = 1;
  expect_generate_error (&p, "spiral: number of classes 1 is outside [2, 64]");
  p.classes = 65;
  expect_generate_error (&p, "number of classes 65 is outside [2, 64]");
  p = nn_generate_params_default (NN_GEN_GAUSSIANS);
  p.classes = 0;
  expect_generate_error (&p, "gaussians: number of classes 0 is outside [2, 64]");

  p = nn_generate_params_default (NN_GEN_SPIRAL);
  p.classes = 5;
  p.samples = 4;
  expect_generate_error (&p, "number of samples 4 is outside [5, 10000000]");
  p.samples = 10000001;
  expect_generate_error (&p, "number of samples 10000001 is outside [5, 10000000]");
  p = nn_generate_params_default (NN_GEN_MOONS);
  p.samples = 1;
  expect_generate_error (&p, "moons: number of samples 1 is outside [2, 10000000]");
  p = nn_generate_params_default (NN_GEN_SINE);
  p.samples = 0;
  expect_generate_error (&p, "sine: number of samples 0 is outside [1, 10000000]");

  p = nn_generate_params_default (NN_GEN_CIRCLES);
  p.noise = -0.01;
  expect_generate_error (&p, "circles: noise -0.01 is outside [0, 100]");
  p.noise = 100.5;
  expect_generate_error (&p, "noise 100.5 is outside [0, 100]");
  p.noise = NAN;
  expect_generate_error (&p, "noise nan is not a finite number");
  p.noise = INFINITY;
  expect_generate_error (&p, "noise inf is not a finite number");

  p = nn_generate_params_default (NN_GEN_XOR);
  p.kind = NN_GEN_COUNT;
  expect_generate_error (&p, "unknown built-in data set");

  /* The class count is ignored where the set fixes it, and the extremes of
   * each range are accepted. */
  p = nn_generate_params_default (NN_GEN_MOONS);
  p.classes = 1000;
  p.noise = 100.0;
  ds = nn_generate (&p, NULL);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->k, ==, 2);
  nn_dataset_free (ds);
  p = nn_generate_params_default (NN_GEN_PLANE);
  p.classes = 99;
  p.noise = 0.0;
  ds = nn_generate (&p, NULL);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->k, ==, 1);
  nn_dataset_free (ds);
  p = nn_generate_params_default (NN_GEN_SPIRAL);
  p.classes = 64;
  p.samples = 64;
  ds = nn_generate (&p, NULL);
  g_assert_nonnull (ds);
  nn_dataset_free (ds);
}

/* Split */

static void
test_split_defaults (void)
{
  nn_split_params p = nn_split_params_default ();

  g_assert_cmpfloat (p.val_fraction, ==, 0.2);
  g_assert_cmpfloat (p.test_fraction, ==, 0.2);
  g_assert_cmpuint (p.seed, ==, 1);
  g_assert_true (p.stratify);
}

/* Sorted copy of the rows of @ds as (x…, label) tuples, to compare multisets. */
static int
cmp_rows (const void *a,
          const void *b,
          void       *user_data)
{
  size_t width = GPOINTER_TO_SIZE (user_data);

  for (size_t j = 0; j < width; j++)
    {
      float x = ((const float *) a)[j], y = ((const float *) b)[j];

      if (x != y)
        return x < y ? -1 : 1;
    }
  return 0;
}

static float *
sorted_rows (const nn_dataset *ds)
{
  size_t width = ds->d + 1;
  float *rows = g_new (float, ds->n * width);

  for (size_t i = 0; i < ds->n; i++)
    {
      memcpy (rows + i * width, ds->x + i * ds->d, ds->d * sizeof (float));
      rows[i * width + ds->d] = ds->y != NULL ? (float) ds->y[i] : ds->t[i];
    }
  g_qsort_with_data (rows, (gint) ds->n, width * sizeof (float), cmp_rows,
                     GSIZE_TO_POINTER (width));
  return rows;
}

static void
test_split_stratified (void)
{
  /* 100 rows in classes of 50, 30 and 20; validation 0.2, test 0.1:
   *   test  round(5) = 5, round(3) = 3, round(2) = 2   → 10
   *   val   round(10) = 10, round(6) = 6, round(4) = 4 → 20
   *   train 35, 21, 14                                 → 70 */
  static const size_t counts[] = { 50, 30, 20 };
  static const size_t train[] = { 35, 21, 14 };
  static const size_t val[] = { 10, 6, 4 };
  static const size_t test[] = { 5, 3, 2 };
  nn_dataset *ds = make_id_dataset (counts, 3);
  nn_split_params p = { .val_fraction = 0.2, .test_fraction = 0.1, .seed = 3, .stratify = true };
  nn_split s = { 0 };
  nn_error err = { 0 };

  g_assert_cmpint (nn_dataset_split (ds, &p, &s, &err), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 70);
  g_assert_cmpuint (s.val, ==, 20);
  g_assert_cmpuint (s.test, ==, 10);
  assert_counts (ds, 0, 70, train);
  assert_counts (ds, 70, 20, val);
  assert_counts (ds, 90, 10, test);
  nn_dataset_free (ds);
}

static void
test_split_unstratified (void)
{
  static const size_t counts[] = { 50, 30, 20 };
  nn_dataset *ds = make_id_dataset (counts, 3);
  nn_split_params p = { .val_fraction = 0.2, .test_fraction = 0.1, .seed = 3, .stratify = false };
  nn_split s = { 0 };
  nn_error err = { 0 };
  float x[10];

  g_assert_cmpint (nn_dataset_split (ds, &p, &s, &err), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 70);
  g_assert_cmpuint (s.val, ==, 20);
  g_assert_cmpuint (s.test, ==, 10);
  nn_dataset_free (ds);

  /* Regression ignores stratify: 10 rows at 0.25 each give round(2.5) = 3
   * (half away from zero) to validation and test, 4 to training. */
  for (size_t i = 0; i < 10; i++)
    x[i] = (float) i;
  ds = make_dataset (10, 1, 1, x, NULL);
  p = (nn_split_params) { .val_fraction = 0.25, .test_fraction = 0.25, .seed = 1,
                          .stratify = true };
  g_assert_cmpint (nn_dataset_split (ds, &p, &s, &err), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 4);
  g_assert_cmpuint (s.val, ==, 3);
  g_assert_cmpuint (s.test, ==, 3);
  /* Targets travel with their rows. */
  for (size_t i = 0; i < 10; i++)
    g_assert_cmpfloat (ds->t[i], ==, 10.0f * ds->x[i]);
  nn_dataset_free (ds);
}

static void
test_split_preserves_rows (void)
{
  static const size_t counts[] = { 37, 41, 22 };
  nn_dataset *ds = make_id_dataset (counts, 3);
  nn_split_params p = nn_split_params_default ();
  nn_split s;
  gboolean *seen = g_new0 (gboolean, 100);
  nn_dataset *spiral;
  float *before, *after;

  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  g_assert_cmpuint (s.train + s.val + s.test, ==, 100);
  /* Every id exactly once, so the three parts are disjoint and cover the set;
   * each row keeps its own label. */
  for (size_t i = 0; i < 100; i++)
    {
      size_t id = (size_t) ds->x[i];
      int32_t label = id < 37 ? 0 : id < 78 ? 1 : 2;

      g_assert_cmpuint (id, <, 100);
      g_assert_false (seen[id]);
      seen[id] = TRUE;
      g_assert_cmpint (ds->y[i], ==, label);
    }
  g_free (seen);
  nn_dataset_free (ds);

  /* The same on a generated set, as a multiset of (x1, x2, y) rows. */
  spiral = generate (NN_GEN_SPIRAL, 999, 0.2, 4, 2);
  before = sorted_rows (spiral);
  g_assert_cmpint (nn_dataset_split (spiral, &p, &s, NULL), ==, NN_OK);
  after = sorted_rows (spiral);
  g_assert_cmpmem (before, 999 * 3 * sizeof (float), after, 999 * 3 * sizeof (float));
  g_free (before);
  g_free (after);
  nn_dataset_free (spiral);
}

static void
test_split_stratification (void)
{
  /* 333, 333, 334 rows at 0.2 and 0.2: round(66.6) = round(66.8) = 67 of
   * each class to validation and to test. */
  static const size_t val3[] = { 67, 67, 67 };
  static const size_t train3[] = { 199, 199, 200 };
  /* 90 and 10 rows at 0.1 and 0.1: 9 and 1 to each part. */
  static const size_t counts[] = { 90, 10 };
  static const size_t train2[] = { 72, 8 };
  static const size_t part2[] = { 9, 1 };
  nn_dataset *ds = generate_default (NN_GEN_GAUSSIANS);
  nn_split_params p = nn_split_params_default ();
  nn_split s;
  size_t classes_in_first_ten = 0;
  gboolean present[3] = { FALSE, FALSE, FALSE };

  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 598);
  g_assert_cmpuint (s.val, ==, 201);
  g_assert_cmpuint (s.test, ==, 201);
  assert_counts (ds, 0, 598, train3);
  assert_counts (ds, 598, 201, val3);
  assert_counts (ds, 799, 201, val3);
  /* The generator's rows came grouped by class; the training part is mixed. */
  for (size_t i = 0; i < 10; i++)
    present[ds->y[i]] = TRUE;
  for (size_t c = 0; c < 3; c++)
    classes_in_first_ten += present[c];
  g_assert_cmpuint (classes_in_first_ten, >=, 2);
  nn_dataset_free (ds);

  ds = make_id_dataset (counts, 2);
  p = (nn_split_params) { .val_fraction = 0.1, .test_fraction = 0.1, .seed = 11,
                          .stratify = true };
  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  assert_counts (ds, 0, 80, train2);
  assert_counts (ds, 80, 10, part2);
  assert_counts (ds, 90, 10, part2);
  nn_dataset_free (ds);
}

static void
test_split_small (void)
{
  static const size_t five[] = { 5 };
  static const size_t two[] = { 2 };
  static const size_t one[] = { 1 };
  static const size_t pair[] = { 2, 8 };
  nn_split_params p = { .val_fraction = 0.05, .test_fraction = 0.05, .seed = 1,
                        .stratify = false };
  nn_split s;
  nn_dataset *ds;

  /* 5 rows at 0.05: round(0.25) = 0, raised to one row each. */
  ds = make_id_dataset (five, 1);
  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 3);
  g_assert_cmpuint (s.val, ==, 1);
  g_assert_cmpuint (s.test, ==, 1);
  nn_dataset_free (ds);

  /* 2 rows at 0.5 and 0.4: round(1) + round(0.8) would take both rows; the
   * test part gives one back and training keeps it. */
  ds = make_id_dataset (two, 1);
  p.val_fraction = 0.5;
  p.test_fraction = 0.4;
  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 1);
  g_assert_cmpuint (s.val, ==, 1);
  g_assert_cmpuint (s.test, ==, 0);
  nn_dataset_free (ds);

  /* A single row stays in training whatever the fractions. */
  ds = make_id_dataset (one, 1);
  p.val_fraction = 0.5;
  p.test_fraction = 0.49;
  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 1);
  g_assert_cmpuint (s.val + s.test, ==, 0);
  nn_dataset_free (ds);

  /* Stratified, classes of 2 and 8 at 0.3 and 0.3: class 0 would lose both
   * rows to round(0.6) + round(0.6) and gives its test row back; class 1
   * gives round(2.4) = 2 to each part. */
  ds = make_id_dataset (pair, 2);
  p = (nn_split_params) { .val_fraction = 0.3, .test_fraction = 0.3, .seed = 5,
                          .stratify = true };
  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 5);
  g_assert_cmpuint (s.val, ==, 3);
  g_assert_cmpuint (s.test, ==, 2);
  assert_counts (ds, 0, 5, (const size_t[]) { 1, 4 });
  assert_counts (ds, 5, 3, (const size_t[]) { 1, 2 });
  assert_counts (ds, 8, 2, (const size_t[]) { 0, 2 });
  nn_dataset_free (ds);

  /* Zero fractions keep everything for training. */
  ds = make_id_dataset (pair, 2);
  p.val_fraction = 0.0;
  p.test_fraction = 0.0;
  g_assert_cmpint (nn_dataset_split (ds, &p, &s, NULL), ==, NN_OK);
  g_assert_cmpuint (s.train, ==, 10);
  g_assert_cmpuint (s.val + s.test, ==, 0);
  nn_dataset_free (ds);
}

static void
test_split_determinism (void)
{
  nn_dataset *a = generate_default (NN_GEN_MOONS);
  nn_dataset *b = generate_default (NN_GEN_MOONS);
  nn_dataset *c = generate_default (NN_GEN_MOONS);
  nn_split_params p = nn_split_params_default ();

  g_assert_cmpint (nn_dataset_split (a, &p, NULL, NULL), ==, NN_OK);
  g_assert_cmpint (nn_dataset_split (b, &p, NULL, NULL), ==, NN_OK);
  p.seed = 2;
  g_assert_cmpint (nn_dataset_split (c, &p, NULL, NULL), ==, NN_OK);
  g_assert_true (same_data (a, b));
  g_assert_false (same_data (a, c));
  nn_dataset_free (a);
  nn_dataset_free (b);
  nn_dataset_free (c);
}

static void
expect_split_error (nn_dataset *ds,
                    double      val,
                    double      test,
                    const char *substring)
{
  nn_split_params p = { .val_fraction = val, .test_fraction = test, .seed = 1, .stratify = true };
  nn_split s = { 7, 7, 7 };
  nn_error err = { 0 };
  float *before = g_memdup2 (ds->x, ds->n * ds->d * sizeof (float));

  g_assert_cmpint (nn_dataset_split (ds, &p, &s, &err), ==, NN_ERR_INVALID);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  if (strstr (err.msg, substring) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", err.msg, substring);
  /* A refused split leaves the rows and the counts alone. */
  g_assert_cmpmem (before, ds->n * ds->d * sizeof (float), ds->x, ds->n * ds->d * sizeof (float));
  g_assert_cmpuint (s.train, ==, 7);
  g_assert_cmpint (nn_dataset_split (ds, &p, NULL, NULL), ==, NN_ERR_INVALID);
  g_free (before);
}

static void
test_split_errors (void)
{
  static const size_t counts[] = { 5, 5 };
  nn_dataset *ds = make_id_dataset (counts, 2);
  nn_dataset empty = nn_dataset_view (ds, 10, 0);

  expect_split_error (ds, 1.2, 0.1, "validation fraction 1.2 is outside [0, 1)");
  expect_split_error (ds, -0.1, 0.1, "validation fraction -0.1 is outside [0, 1)");
  expect_split_error (ds, 0.1, 1.0, "test fraction 1 is outside [0, 1)");
  expect_split_error (ds, NAN, 0.1, "validation fraction nan is not a finite number");
  expect_split_error (ds, 0.1, -INFINITY, "test fraction -inf is not a finite number");
  expect_split_error (ds, 0.5, 0.5, "(their sum must be below 1)");
  expect_split_error (ds, 0.7, 0.6, "validation fraction 0.7 and test fraction 0.6 leave no rows");
  expect_split_error (&empty, 0.2, 0.2, "cannot split an empty data set");
  ds->y[2] = 7;
  expect_split_error (ds, 0.2, 0.2, "row 3 has class 7, outside [0, 2)");
  ds->y[2] = -1;
  expect_split_error (ds, 0.2, 0.2, "row 3 has class -1");
  nn_dataset_free (ds);
}

/* Scale */

/*        col 0   col 1   col 2
 * row 0    1       5      −2
 * row 1    2       5       0
 * row 2    3       5       2
 * row 3    4       5       8
 * means 2.5, 5, 2; population variances 5/4 and 56/4 = 14; column 1 is
 * constant; minima 1, 5, −2 and ranges 3, 0, 10. */
static const float scale_x[] = {
  1, 5, -2,
  2, 5, 0,
  3, 5, 2,
  4, 5, 8,
};

static void
test_scale_names (void)
{
  static const char *const names[] = { "none", "standard", "minmax" };
  nn_scale_kind kind;

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == NN_SCALE_COUNT);
  for (int i = 0; i < NN_SCALE_COUNT; i++)
    {
      g_assert_cmpstr (nn_scale_kind_name ((nn_scale_kind) i), ==, names[i]);
      g_assert_true (nn_scale_kind_from_name (names[i], &kind));
      g_assert_cmpint (kind, ==, i);
    }
  g_assert_false (nn_scale_kind_from_name ("min-max", &kind));
  g_assert_false (nn_scale_kind_from_name (NULL, &kind));
  g_assert_cmpstr (nn_scale_kind_name (NN_SCALE_COUNT), ==, "unknown");
}

static void
test_scale_standard (void)
{
  nn_dataset *ds = make_dataset (4, 3, 1, scale_x, NULL);
  nn_error err = { 0 };
  nn_scaler *sc = nn_scaler_fit (NN_SCALE_STANDARD, ds, &err);

  g_assert_nonnull (sc);
  g_assert_cmpint (sc->kind, ==, NN_SCALE_STANDARD);
  g_assert_cmpuint (sc->d, ==, 3);
  g_assert_cmpfloat_with_epsilon (sc->offset[0], 2.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (sc->factor[0], 1.0 / sqrt (1.25), 1e-6);
  g_assert_cmpfloat (sc->offset[1], ==, 5.0f);
  g_assert_cmpfloat (sc->factor[1], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (sc->offset[2], 2.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (sc->factor[2], 1.0 / sqrt (14.0), 1e-6);

  /* (1 − 2.5)/√1.25 = −1.3416408; (8 − 2)/√14 = 1.6035675; the constant
   * column becomes 0. */
  nn_scaler_apply (sc, ds);
  g_assert_cmpfloat_with_epsilon (ds->x[0], -1.3416408, 1e-6);
  g_assert_cmpfloat_with_epsilon (ds->x[11], 1.6035675, 1e-6);
  for (size_t j = 0; j < 3; j++)
    {
      double sum = 0.0, sq = 0.0;

      for (size_t i = 0; i < 4; i++)
        {
          sum += ds->x[i * 3 + j];
          sq += (double) ds->x[i * 3 + j] * ds->x[i * 3 + j];
        }
      g_assert_cmpfloat_with_epsilon (sum / 4.0, 0.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (sq / 4.0, j == 1 ? 0.0 : 1.0, 1e-6);
    }
  nn_scaler_free (sc);
  nn_dataset_free (ds);
}

static void
test_scale_minmax (void)
{
  nn_dataset *ds = make_dataset (4, 3, 1, scale_x, NULL);
  nn_scaler *sc = nn_scaler_fit (NN_SCALE_MINMAX, ds, NULL);
  static const float expected[] = {
    0.0f, 0.0f, 0.0f,
    1.0f / 3, 0.0f, 0.2f,
    2.0f / 3, 0.0f, 0.4f,
    1.0f, 0.0f, 1.0f,
  };

  g_assert_nonnull (sc);
  g_assert_cmpfloat (sc->offset[0], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (sc->factor[0], 1.0 / 3.0, 1e-7);
  g_assert_cmpfloat (sc->offset[1], ==, 5.0f);
  g_assert_cmpfloat (sc->factor[1], ==, 1.0f);
  g_assert_cmpfloat (sc->offset[2], ==, -2.0f);
  g_assert_cmpfloat_with_epsilon (sc->factor[2], 0.1, 1e-7);
  nn_scaler_apply (sc, ds);
  for (size_t i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpfloat_with_epsilon (ds->x[i], expected[i], 1e-6);
  nn_scaler_free (sc);
  nn_dataset_free (ds);
}

static void
test_scale_none (void)
{
  nn_dataset *ds = make_dataset (4, 3, 1, scale_x, NULL);
  nn_scaler *sc = nn_scaler_fit (NN_SCALE_NONE, ds, NULL);

  g_assert_nonnull (sc);
  for (size_t j = 0; j < 3; j++)
    {
      g_assert_cmpfloat (sc->offset[j], ==, 0.0f);
      g_assert_cmpfloat (sc->factor[j], ==, 1.0f);
    }
  nn_scaler_apply (sc, ds);
  g_assert_cmpmem (ds->x, sizeof scale_x, scale_x, sizeof scale_x);
  nn_scaler_free (sc);
  nn_dataset_free (ds);
}

/* Fitted on the training part only, the statistics then apply unchanged to
 * the other rows. */
static void
test_scale_train_only (void)
{
  nn_dataset *ds = make_dataset (4, 3, 1, scale_x, NULL);
  nn_dataset train = nn_dataset_view (ds, 0, 2);
  nn_dataset rest = nn_dataset_view (ds, 2, 2);
  nn_scaler *sc = nn_scaler_fit (NN_SCALE_STANDARD, &train, NULL);

  /* Rows 0–1: means 1.5, 5, −1; population stds 0.5, 0, 1. */
  g_assert_nonnull (sc);
  g_assert_cmpfloat (sc->offset[0], ==, 1.5f);
  g_assert_cmpfloat (sc->factor[0], ==, 2.0f);
  g_assert_cmpfloat (sc->factor[1], ==, 1.0f);
  g_assert_cmpfloat (sc->offset[2], ==, -1.0f);
  g_assert_cmpfloat (sc->factor[2], ==, 1.0f);
  nn_scaler_apply (sc, &rest);
  /* Row 3: (4 − 1.5)·2 = 5, 0, (8 + 1)·1 = 9; the training rows untouched. */
  g_assert_cmpfloat (ds->x[9], ==, 5.0f);
  g_assert_cmpfloat (ds->x[10], ==, 0.0f);
  g_assert_cmpfloat (ds->x[11], ==, 9.0f);
  g_assert_cmpmem (ds->x, 6 * sizeof (float), scale_x, 6 * sizeof (float));
  nn_scaler_free (sc);
  nn_dataset_free (ds);
}

/* A large mean must not swamp a small spread (the two-pass variance). */
static void
test_scale_precision (void)
{
  static const float x[] = { 1e4f + 1.0f, 1e4f - 1.0f, 1e4f + 1.0f, 1e4f - 1.0f };
  nn_dataset *ds = make_dataset (4, 1, 1, x, NULL);
  nn_scaler *sc = nn_scaler_fit (NN_SCALE_STANDARD, ds, NULL);

  g_assert_cmpfloat (sc->offset[0], ==, 1e4f);
  g_assert_cmpfloat (sc->factor[0], ==, 1.0f);
  nn_scaler_apply (sc, ds);
  g_assert_cmpfloat (ds->x[0], ==, 1.0f);
  g_assert_cmpfloat (ds->x[1], ==, -1.0f);
  nn_scaler_free (sc);
  nn_dataset_free (ds);
}

static void
test_scale_new_from (void)
{
  float offset[] = { 1.0f, -2.0f };
  float factor[] = { 0.5f, 4.0f };
  static const float x[] = { 3.0f, -1.0f, 1.0f, -2.5f };
  nn_dataset *ds = make_dataset (2, 2, 1, x, NULL);
  nn_error err = { 0 };
  nn_scaler *sc = nn_scaler_new_from (NN_SCALE_MINMAX, 2, offset, factor, &err);

  g_assert_nonnull (sc);
  g_assert_cmpint (sc->kind, ==, NN_SCALE_MINMAX);
  g_assert_cmpuint (sc->d, ==, 2);
  /* The scaler keeps its own copies. */
  g_assert_true (sc->offset != offset);
  offset[0] = 100.0f;
  factor[1] = 100.0f;
  g_assert_cmpfloat (sc->offset[0], ==, 1.0f);
  g_assert_cmpfloat (sc->factor[1], ==, 4.0f);
  /* (3 − 1)·0.5 = 1, (−1 + 2)·4 = 4, (1 − 1)·0.5 = 0, (−2.5 + 2)·4 = −2. */
  nn_scaler_apply (sc, ds);
  g_assert_cmpfloat (ds->x[0], ==, 1.0f);
  g_assert_cmpfloat (ds->x[1], ==, 4.0f);
  g_assert_cmpfloat (ds->x[2], ==, 0.0f);
  g_assert_cmpfloat (ds->x[3], ==, -2.0f);
  nn_scaler_free (sc);
  nn_dataset_free (ds);
  nn_scaler_free (NULL);
}

static void
expect_scale_error (nn_scaler  *sc,
                    nn_error   *err,
                    const char *substring)
{
  g_assert_null (sc);
  g_assert_cmpint (err->status, ==, NN_ERR_INVALID);
  if (strstr (err->msg, substring) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", err->msg, substring);
  nn_error_clear (err);
}

static void
test_scale_errors (void)
{
  const float good[] = { 1.0f, 2.0f };
  const float nan_offset[] = { 0.0f, NAN };
  const float zero[] = { 1.0f, 0.0f };
  const float inf[] = { INFINITY, 1.0f };
  float x[] = { 1.0f, 2.0f, 3.0f, 4.0f };
  nn_dataset *ds = make_dataset (2, 2, 1, x, NULL);
  nn_dataset empty = nn_dataset_view (ds, 2, 0);
  nn_error err = { 0 };
  nn_scaler *sc;

  expect_scale_error (nn_scaler_fit (NN_SCALE_STANDARD, &empty, &err), &err,
                      "cannot fit standard scaling on an empty training part");
  expect_scale_error (nn_scaler_fit (NN_SCALE_COUNT, ds, &err), &err, "unknown scaling");
  ds->x[3] = NAN;
  expect_scale_error (nn_scaler_fit (NN_SCALE_MINMAX, ds, &err), &err,
                      "cannot fit minmax scaling: feature 2 of training row 2 is nan");
  g_assert_cmpint (nn_dataset_set_feature_name (ds, 0, "height", NULL), ==, NN_OK);
  ds->x[3] = 4.0f;
  ds->x[0] = -INFINITY;
  expect_scale_error (nn_scaler_fit (NN_SCALE_STANDARD, ds, &err), &err,
                      "feature height of training row 1 is -inf");
  /* NONE looks at no value. */
  sc = nn_scaler_fit (NN_SCALE_NONE, ds, &err);
  g_assert_nonnull (sc);
  nn_scaler_free (sc);

  expect_scale_error (nn_scaler_new_from (NN_SCALE_COUNT, 2, good, good, &err), &err,
                      "unknown scaling");
  expect_scale_error (nn_scaler_new_from (NN_SCALE_STANDARD, 0, good, good, &err), &err,
                      "at least one feature (got 0)");
  expect_scale_error (nn_scaler_new_from (NN_SCALE_STANDARD, 2, nan_offset, good, &err), &err,
                      "scaling offset nan of feature 2 is not a finite number");
  expect_scale_error (nn_scaler_new_from (NN_SCALE_STANDARD, 2, inf, good, &err), &err,
                      "scaling offset inf of feature 1");
  expect_scale_error (nn_scaler_new_from (NN_SCALE_MINMAX, 2, good, zero, &err), &err,
                      "scaling factor 0 of feature 2 is not a finite, non-zero number");
  expect_scale_error (nn_scaler_new_from (NN_SCALE_MINMAX, 2, good, inf, &err), &err,
                      "scaling factor inf of feature 1");
  g_assert_null (nn_scaler_new_from (NN_SCALE_MINMAX, 2, good, zero, NULL));
  nn_dataset_free (ds);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data/generate/names", test_generate_names);
  g_test_add_func ("/data/generate/defaults", test_generate_defaults);
  g_test_add_func ("/data/generate/sizes", test_generate_sizes);
  g_test_add_func ("/data/generate/determinism", test_generate_determinism);
  g_test_add_func ("/data/generate/noise", test_generate_noise);
  g_test_add_func ("/data/generate/spiral", test_generate_spiral);
  g_test_add_func ("/data/generate/moons", test_generate_moons);
  g_test_add_func ("/data/generate/circles", test_generate_circles);
  g_test_add_func ("/data/generate/xor", test_generate_xor);
  g_test_add_func ("/data/generate/gaussians", test_generate_gaussians);
  g_test_add_func ("/data/generate/sine", test_generate_sine);
  g_test_add_func ("/data/generate/plane", test_generate_plane);
  g_test_add_func ("/data/generate/errors", test_generate_errors);

  g_test_add_func ("/data/split/defaults", test_split_defaults);
  g_test_add_func ("/data/split/stratified", test_split_stratified);
  g_test_add_func ("/data/split/unstratified", test_split_unstratified);
  g_test_add_func ("/data/split/preserves-rows", test_split_preserves_rows);
  g_test_add_func ("/data/split/stratification", test_split_stratification);
  g_test_add_func ("/data/split/small", test_split_small);
  g_test_add_func ("/data/split/determinism", test_split_determinism);
  g_test_add_func ("/data/split/errors", test_split_errors);

  g_test_add_func ("/data/scale/names", test_scale_names);
  g_test_add_func ("/data/scale/standard", test_scale_standard);
  g_test_add_func ("/data/scale/minmax", test_scale_minmax);
  g_test_add_func ("/data/scale/none", test_scale_none);
  g_test_add_func ("/data/scale/train-only", test_scale_train_only);
  g_test_add_func ("/data/scale/precision", test_scale_precision);
  g_test_add_func ("/data/scale/new-from", test_scale_new_from);
  g_test_add_func ("/data/scale/errors", test_scale_errors);

  return g_test_run ();
}
