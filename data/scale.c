/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "scale.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const scale_names[NN_SCALE_COUNT] = {
  [NN_SCALE_NONE] = "none",
  [NN_SCALE_STANDARD] = "standard",
  [NN_SCALE_MINMAX] = "minmax",
};

const char *
nn_scale_kind_name (nn_scale_kind kind)
{
  if ((unsigned) kind >= NN_SCALE_COUNT)
    return "unknown";
  return scale_names[kind];
}

bool
nn_scale_kind_from_name (const char    *name,
                         nn_scale_kind *kind)
{
  if (name == NULL)
    return false;
  for (int i = 0; i < NN_SCALE_COUNT; i++)
    if (strcmp (name, scale_names[i]) == 0)
      {
        if (kind != NULL)
          *kind = (nn_scale_kind) i;
        return true;
      }
  return false;
}

static nn_scaler *
scaler_alloc (nn_scale_kind kind,
              size_t        d,
              nn_error     *err)
{
  nn_scaler *sc = calloc (1, sizeof *sc);

  if (sc != NULL)
    {
      sc->kind = kind;
      sc->d = d;
      sc->offset = calloc (d, sizeof (float));
      sc->factor = calloc (d, sizeof (float));
    }
  if (sc == NULL || sc->offset == NULL || sc->factor == NULL)
    {
      nn_scaler_free (sc);
      nn_error_set (err, NN_ERR_NOMEM, "out of memory for a scaler of %zu features", d);
      return NULL;
    }
  return sc;
}

/* 1/spread as a float, or 1 for a constant column. A spread so small that
 * its reciprocal overflows float (denormal data) counts as constant too:
 * scaling it would turn the column into infinities. */
static float
reciprocal_or_one (double spread,
                   bool   constant)
{
  double f;

  if (constant || !(spread > 0.0))
    return 1.0f;
  f = 1.0 / spread;
  if (!isfinite ((float) f))
    return 1.0f;
  return (float) f;
}

/* Column j of @train: the mean and population standard deviation
 * sqrt(Σ (x − mean)² / n), in two passes so a large mean does not cancel the
 * variance away (the one-pass Σx² − n·mean² does). */
static void
fit_standard (const nn_dataset *train,
              size_t            j,
              nn_scaler        *sc)
{
  const size_t n = train->n, d = train->d;
  double sum = 0.0, sq = 0.0, mean;
  float lo = train->x[j], hi = train->x[j];

  for (size_t i = 0; i < n; i++)
    {
      float v = train->x[i * d + j];

      sum += v;
      lo = fminf (lo, v);
      hi = fmaxf (hi, v);
    }
  mean = sum / (double) n;
  for (size_t i = 0; i < n; i++)
    {
      double dv = (double) train->x[i * d + j] - mean;

      sq += dv * dv;
    }
  sc->offset[j] = (float) mean;
  sc->factor[j] = reciprocal_or_one (sqrt (sq / (double) n), lo == hi);
}

static void
fit_minmax (const nn_dataset *train,
            size_t            j,
            nn_scaler        *sc)
{
  const size_t n = train->n, d = train->d;
  float lo = train->x[j], hi = train->x[j];

  for (size_t i = 1; i < n; i++)
    {
      lo = fminf (lo, train->x[i * d + j]);
      hi = fmaxf (hi, train->x[i * d + j]);
    }
  sc->offset[j] = lo;
  /* max − min in double: for floats of opposite sign near FLT_MAX it would
   * overflow in float. */
  sc->factor[j] = reciprocal_or_one ((double) hi - (double) lo, lo == hi);
}

nn_scaler *
nn_scaler_fit (nn_scale_kind     kind,
               const nn_dataset *train,
               nn_error         *err)
{
  nn_scaler *sc;

  assert (train != NULL);
  if ((unsigned) kind >= NN_SCALE_COUNT)
    {
      nn_error_set (err, NN_ERR_INVALID, "unknown scaling %d (use none, standard or minmax)",
                    (int) kind);
      return NULL;
    }
  if (train->d == 0)
    {
      nn_error_set (err, NN_ERR_INVALID, "cannot fit a scaler on a data set without features");
      return NULL;
    }
  if (kind != NN_SCALE_NONE && train->n == 0)
    {
      nn_error_set (err, NN_ERR_INVALID, "cannot fit %s scaling on an empty training part",
                    scale_names[kind]);
      return NULL;
    }
  /* A NaN or infinity would silently turn the statistics of its whole column
   * into NaN, and every scaled value with them. */
  if (kind != NN_SCALE_NONE)
    for (size_t i = 0; i < train->n * train->d; i++)
      if (!isfinite (train->x[i]))
        {
          size_t j = i % train->d;

          if (train->feature_names != NULL && train->feature_names[j] != NULL)
            nn_error_set (err, NN_ERR_INVALID,
                          "cannot fit %s scaling: feature %s of training row %zu is %g",
                          scale_names[kind], train->feature_names[j], i / train->d + 1,
                          (double) train->x[i]);
          else
            nn_error_set (err, NN_ERR_INVALID,
                          "cannot fit %s scaling: feature %zu of training row %zu is %g",
                          scale_names[kind], j + 1, i / train->d + 1, (double) train->x[i]);
          return NULL;
        }

  sc = scaler_alloc (kind, train->d, err);
  if (sc == NULL)
    return NULL;
  for (size_t j = 0; j < train->d; j++)
    switch (kind)
      {
      case NN_SCALE_STANDARD:
        fit_standard (train, j, sc);
        break;
      case NN_SCALE_MINMAX:
        fit_minmax (train, j, sc);
        break;
      case NN_SCALE_NONE:
      case NN_SCALE_COUNT:
        sc->offset[j] = 0.0f;
        sc->factor[j] = 1.0f;
        break;
      }
  return sc;
}

nn_scaler *
nn_scaler_new_from (nn_scale_kind kind,
                    size_t        d,
                    const float  *offset,
                    const float  *factor,
                    nn_error     *err)
{
  nn_scaler *sc;

  if ((unsigned) kind >= NN_SCALE_COUNT)
    {
      nn_error_set (err, NN_ERR_INVALID, "unknown scaling %d (use none, standard or minmax)",
                    (int) kind);
      return NULL;
    }
  if (d == 0 || offset == NULL || factor == NULL)
    {
      nn_error_set (err, NN_ERR_INVALID, "scaling statistics need an offset and a factor for "
                    "each of at least one feature (got %zu)", d);
      return NULL;
    }
  /* Stored statistics come from a file: refuse values no fit could give. */
  for (size_t j = 0; j < d; j++)
    {
      if (!isfinite (offset[j]))
        {
          nn_error_set (err, NN_ERR_INVALID, "scaling offset %g of feature %zu is not a finite "
                        "number", (double) offset[j], j + 1);
          return NULL;
        }
      if (!isfinite (factor[j]) || factor[j] == 0.0f)
        {
          nn_error_set (err, NN_ERR_INVALID, "scaling factor %g of feature %zu is not a finite, "
                        "non-zero number", (double) factor[j], j + 1);
          return NULL;
        }
    }
  sc = scaler_alloc (kind, d, err);
  if (sc == NULL)
    return NULL;
  memcpy (sc->offset, offset, d * sizeof (float));
  memcpy (sc->factor, factor, d * sizeof (float));
  return sc;
}

void
nn_scaler_apply (const nn_scaler *scaler,
                 nn_dataset      *ds)
{
  const size_t d = scaler->d;

  assert (ds != NULL && ds->d == d);
  for (size_t i = 0; i < ds->n; i++)
    {
      float *row = ds->x + i * d;

      /* In double, so the result is rounded to float once, not once after
       * the subtraction and again after the product. */
      for (size_t j = 0; j < d; j++)
        row[j] = (float) (((double) row[j] - (double) scaler->offset[j])
                          * (double) scaler->factor[j]);
    }
}

void
nn_scaler_free (nn_scaler *scaler)
{
  if (scaler == NULL)
    return;
  free (scaler->offset);
  free (scaler->factor);
  free (scaler);
}
