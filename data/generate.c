/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "generate.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"

#define MAX_SAMPLES ((size_t) 10000000)
#define MIN_CLASSES ((size_t) 2)
#define MAX_CLASSES ((size_t) 64)
#define MAX_NOISE   100.0

/* Points of the xor set keep this far from both axes, so the two classes are
 * separated by a margin of twice this before noise. */
#define XOR_MARGIN 0.1

/* π to double precision; M_PI is POSIX, not C11. */
#define PI 3.14159265358979323846

/* Gaussian blob centres sit on a circle of this radius. */
#define BLOB_RADIUS 2.0

static const char *const generator_names[NN_GEN_COUNT] = {
  [NN_GEN_SPIRAL] = "spiral",
  [NN_GEN_MOONS] = "moons",
  [NN_GEN_CIRCLES] = "circles",
  [NN_GEN_XOR] = "xor",
  [NN_GEN_GAUSSIANS] = "gaussians",
  [NN_GEN_SINE] = "sine",
  [NN_GEN_PLANE] = "plane",
};

const char *
nn_generator_name (nn_generator kind)
{
  if ((unsigned) kind >= NN_GEN_COUNT)
    return "unknown";
  return generator_names[kind];
}

bool
nn_generator_from_name (const char   *name,
                        nn_generator *kind)
{
  if (name == NULL)
    return false;
  for (int i = 0; i < NN_GEN_COUNT; i++)
    if (strcmp (name, generator_names[i]) == 0)
      {
        if (kind != NULL)
          *kind = (nn_generator) i;
        return true;
      }
  return false;
}

nn_task
nn_generator_task (nn_generator kind)
{
  switch (kind)
    {
    case NN_GEN_SINE:
    case NN_GEN_PLANE:
      return NN_TASK_REGRESSION;
    case NN_GEN_SPIRAL:
    case NN_GEN_MOONS:
    case NN_GEN_CIRCLES:
    case NN_GEN_XOR:
    case NN_GEN_GAUSSIANS:
    case NN_GEN_COUNT:
      break;
    }
  return NN_TASK_CLASSIFICATION;
}

/* Spiral and gaussians take a class count; the others fix it. */
static bool
has_class_param (nn_generator kind)
{
  return kind == NN_GEN_SPIRAL || kind == NN_GEN_GAUSSIANS;
}

nn_generate_params
nn_generate_params_default (nn_generator kind)
{
  nn_generate_params p = {
    .kind = kind,
    .samples = 1000,
    .noise = 0.1,
    .classes = 2,
    .seed = 1,
  };

  switch (kind)
    {
    case NN_GEN_SPIRAL:
      /* CS231n's spiral: noise on the angle, in radians. */
      p.noise = 0.2;
      p.classes = 3;
      break;
    case NN_GEN_MOONS:
      p.noise = 0.1;
      break;
    case NN_GEN_CIRCLES:
    case NN_GEN_XOR:
      p.noise = 0.05;
      break;
    case NN_GEN_GAUSSIANS:
      /* Neighbouring centres of 3 blobs are 2·2·sin(π/3) ≈ 3.5 apart: 7 σ. */
      p.noise = 0.5;
      p.classes = 3;
      break;
    case NN_GEN_SINE:
    case NN_GEN_PLANE:
      p.samples = 600;
      p.noise = 0.1;
      p.classes = 0;
      break;
    case NN_GEN_COUNT:
      break;
    }
  return p;
}

/* The class count the data set will have (1 target column for regression). */
static size_t
class_count (const nn_generate_params *p)
{
  if (nn_generator_task (p->kind) == NN_TASK_REGRESSION)
    return 1;
  if (has_class_param (p->kind))
    return p->classes;
  return 2;
}

static nn_status
validate (const nn_generate_params *p,
          nn_error                 *err)
{
  const char *name = nn_generator_name (p->kind);
  size_t k;

  if ((unsigned) p->kind >= NN_GEN_COUNT)
    return nn_error_set (err, NN_ERR_INVALID, "unknown built-in data set %d (there are %d)",
                         (int) p->kind, (int) NN_GEN_COUNT);
  if (has_class_param (p->kind) && (p->classes < MIN_CLASSES || p->classes > MAX_CLASSES))
    return nn_error_set (err, NN_ERR_INVALID, "%s: number of classes %zu is outside [%zu, %zu]",
                         name, p->classes, MIN_CLASSES, MAX_CLASSES);
  k = class_count (p);
  if (p->samples < k || p->samples > MAX_SAMPLES)
    {
      if (nn_generator_task (p->kind) == NN_TASK_CLASSIFICATION)
        return nn_error_set (err, NN_ERR_INVALID,
                             "%s: number of samples %zu is outside [%zu, %zu] "
                             "(at least one per class)",
                             name, p->samples, k, MAX_SAMPLES);
      return nn_error_set (err, NN_ERR_INVALID, "%s: number of samples %zu is outside [%zu, %zu]",
                           name, p->samples, k, MAX_SAMPLES);
    }
  if (!isfinite (p->noise))
    return nn_error_set (err, NN_ERR_INVALID, "%s: noise %g is not a finite number",
                         name, p->noise);
  if (p->noise < 0.0 || p->noise > MAX_NOISE)
    return nn_error_set (err, NN_ERR_INVALID, "%s: noise %g is outside [0, %g]",
                         name, p->noise, MAX_NOISE);
  return NN_OK;
}

/* Rows [first, first + count) of class j out of n rows in k classes: class
 * j gets ⌊(j+1)·n/k⌋ − ⌊j·n/k⌋ rows, so counts differ by at most one, the
 * later classes take the remainder (make_moons' split for k = 2) and the
 * total is exactly n. */
static void
class_rows (size_t  n,
            size_t  k,
            size_t  j,
            size_t *first,
            size_t *count)
{
  size_t lo = j * n / k;
  size_t hi = (j + 1) * n / k;

  *first = lo;
  *count = hi - lo;
}

/* numpy.linspace (0, 1, m)[i]: both ends included; a single point sits at 0. */
static double
linspace01 (size_t i,
            size_t m)
{
  return m > 1 ? (double) i / (double) (m - 1) : 0.0;
}

static void
put2 (nn_dataset *ds,
      size_t      row,
      double      x1,
      double      x2)
{
  ds->x[row * 2] = (float) x1;
  ds->x[row * 2 + 1] = (float) x2;
}

/* CS231n's spiral, with the arms spread evenly for any k: arm j starts at
 * angle 2πj/k and turns through 4 radians while the radius grows linearly
 * from 0 to 1; the noise perturbs only the angle, so every point keeps
 * |x| = r ≤ 1. */
static void
gen_spiral (nn_dataset *ds,
            double      noise,
            nn_rng     *rng)
{
  for (size_t j = 0; j < ds->k; j++)
    {
      size_t first, m;

      class_rows (ds->n, ds->k, j, &first, &m);
      for (size_t i = 0; i < m; i++)
        {
          double r = linspace01 (i, m);
          double t = 2.0 * PI * (double) j / (double) ds->k + 4.0 * r + noise * nn_rng_normal (rng);

          put2 (ds, first + i, r * sin (t), r * cos (t));
          ds->y[first + i] = (int32_t) j;
        }
    }
}

/* scikit-learn's make_moons: the upper unit half circle (class 0) and the
 * lower one shifted to centre (1, 0.5) (class 1), angles evenly spaced over
 * [0, π] ends included, then N(0, noise²) added to both coordinates. */
static void
gen_moons (nn_dataset *ds,
           double      noise,
           nn_rng     *rng)
{
  for (size_t j = 0; j < 2; j++)
    {
      size_t first, m;

      class_rows (ds->n, 2, j, &first, &m);
      for (size_t i = 0; i < m; i++)
        {
          double a = PI * linspace01 (i, m);
          double x1, x2;

          if (j == 0)
            {
              x1 = cos (a);
              x2 = sin (a);
            }
          else
            {
              x1 = 1.0 - cos (a);
              x2 = 1.0 - sin (a) - 0.5;
            }
          x1 += noise * nn_rng_normal (rng);
          x2 += noise * nn_rng_normal (rng);
          put2 (ds, first + i, x1, x2);
          ds->y[first + i] = (int32_t) j;
        }
    }
}

/* scikit-learn's make_circles with factor 0.5: the unit circle (class 0) and
 * one of radius 0.5 (class 1), angles 2π·i/m (end excluded), then noise. */
static void
gen_circles (nn_dataset *ds,
             double      noise,
             nn_rng     *rng)
{
  for (size_t j = 0; j < 2; j++)
    {
      size_t first, m;
      double radius = j == 0 ? 1.0 : 0.5;

      class_rows (ds->n, 2, j, &first, &m);
      for (size_t i = 0; i < m; i++)
        {
          double a = 2.0 * PI * (double) i / (double) m;
          double x1 = radius * cos (a) + noise * nn_rng_normal (rng);
          double x2 = radius * sin (a) + noise * nn_rng_normal (rng);

          put2 (ds, first + i, x1, x2);
          ds->y[first + i] = (int32_t) j;
        }
    }
}

/* Class 1 lies in the quadrants where x₁·x₂ > 0, class 0 in the other two;
 * each coordinate's magnitude is uniform in [margin, 1]. Points alternate
 * between their class's two quadrants so all four hold (nearly) equal
 * counts. The label is that of the clean point; noise comes after. */
static void
gen_xor (nn_dataset *ds,
         double      noise,
         nn_rng     *rng)
{
  for (size_t j = 0; j < 2; j++)
    {
      size_t first, m;

      class_rows (ds->n, 2, j, &first, &m);
      for (size_t i = 0; i < m; i++)
        {
          double s = i % 2 == 0 ? 1.0 : -1.0;
          double a = XOR_MARGIN + (1.0 - XOR_MARGIN) * nn_rng_uniform (rng);
          double b = XOR_MARGIN + (1.0 - XOR_MARGIN) * nn_rng_uniform (rng);
          double x1 = s * a;
          double x2 = (j == 1 ? s : -s) * b;

          x1 += noise * nn_rng_normal (rng);
          x2 += noise * nn_rng_normal (rng);
          put2 (ds, first + i, x1, x2);
          ds->y[first + i] = (int32_t) j;
        }
    }
}

/* Blob j is N(c_j, noise²·I) with c_j = 2·(cos 2πj/k, sin 2πj/k). */
static void
gen_gaussians (nn_dataset *ds,
               double      noise,
               nn_rng     *rng)
{
  for (size_t j = 0; j < ds->k; j++)
    {
      size_t first, m;
      double a = 2.0 * PI * (double) j / (double) ds->k;
      double c1 = BLOB_RADIUS * cos (a);
      double c2 = BLOB_RADIUS * sin (a);

      class_rows (ds->n, ds->k, j, &first, &m);
      for (size_t i = 0; i < m; i++)
        {
          double x1 = c1 + noise * nn_rng_normal (rng);
          double x2 = c2 + noise * nn_rng_normal (rng);

          put2 (ds, first + i, x1, x2);
          ds->y[first + i] = (int32_t) j;
        }
    }
}

/* y = sin x + noise, x uniform in [−π, π]. The target is computed from the
 * stored (float) x so that with zero noise it is sin of exactly that input. */
static void
gen_sine (nn_dataset *ds,
          double      noise,
          nn_rng     *rng)
{
  for (size_t i = 0; i < ds->n; i++)
    {
      float x = (float) (PI * (2.0 * nn_rng_uniform (rng) - 1.0));

      ds->x[i] = x;
      ds->t[i] = (float) (sin ((double) x) + noise * nn_rng_normal (rng));
    }
}

/* y = x₁ − 2·x₂ + noise, x uniform in [−1, 1]². */
static void
gen_plane (nn_dataset *ds,
           double      noise,
           nn_rng     *rng)
{
  for (size_t i = 0; i < ds->n; i++)
    {
      float x1 = (float) (2.0 * nn_rng_uniform (rng) - 1.0);
      float x2 = (float) (2.0 * nn_rng_uniform (rng) - 1.0);

      ds->x[i * 2] = x1;
      ds->x[i * 2 + 1] = x2;
      ds->t[i] = (float) ((double) x1 - 2.0 * (double) x2 + noise * nn_rng_normal (rng));
    }
}

static nn_status
set_names (nn_dataset *ds,
           nn_error   *err)
{
  static const char *const features[] = { "x1", "x2" };
  nn_status st;

  for (size_t j = 0; j < ds->d; j++)
    {
      st = nn_dataset_set_feature_name (ds, j, ds->d == 1 ? "x" : features[j], err);
      if (st != NN_OK)
        return st;
    }
  if (ds->task != NN_TASK_CLASSIFICATION)
    return NN_OK;
  for (size_t c = 0; c < ds->k; c++)
    {
      char name[24];

      snprintf (name, sizeof name, "%zu", c);
      st = nn_dataset_set_class_name (ds, c, name, err);
      if (st != NN_OK)
        return st;
    }
  return NN_OK;
}

nn_dataset *
nn_generate (const nn_generate_params *params,
             nn_error                 *err)
{
  nn_dataset *ds;
  nn_rng rng;
  size_t d;

  assert (params != NULL);
  if (validate (params, err) != NN_OK)
    return NULL;
  d = params->kind == NN_GEN_SINE ? 1 : 2;
  ds = nn_dataset_new (nn_generator_task (params->kind), params->samples, d,
                       class_count (params), err);
  if (ds == NULL)
    return NULL;

  nn_rng_seed (&rng, params->seed);
  /* Every generator draws its noise even when noise is 0, so for one seed
   * the clean points stay the same at every noise level. */
  switch (params->kind)
    {
    case NN_GEN_SPIRAL:
      gen_spiral (ds, params->noise, &rng);
      break;
    case NN_GEN_MOONS:
      gen_moons (ds, params->noise, &rng);
      break;
    case NN_GEN_CIRCLES:
      gen_circles (ds, params->noise, &rng);
      break;
    case NN_GEN_XOR:
      gen_xor (ds, params->noise, &rng);
      break;
    case NN_GEN_GAUSSIANS:
      gen_gaussians (ds, params->noise, &rng);
      break;
    case NN_GEN_SINE:
      gen_sine (ds, params->noise, &rng);
      break;
    case NN_GEN_PLANE:
      gen_plane (ds, params->noise, &rng);
      break;
    case NN_GEN_COUNT:
      break;
    }

  if (set_names (ds, err) != NN_OK)
    {
      nn_dataset_free (ds);
      return NULL;
    }
  return ds;
}
