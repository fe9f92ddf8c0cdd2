/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "split.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"

nn_split_params
nn_split_params_default (void)
{
  return (nn_split_params) {
    .val_fraction = 0.2,
    .test_fraction = 0.2,
    .seed = 1,
    .stratify = true,
  };
}

static nn_status
check_fraction (const char *what,
                double      f,
                nn_error   *err)
{
  if (!isfinite (f))
    return nn_error_set (err, NN_ERR_INVALID, "%s fraction %g is not a finite number", what, f);
  if (f < 0.0 || f >= 1.0)
    return nn_error_set (err, NN_ERR_INVALID, "%s fraction %g is outside [0, 1)", what, f);
  return NN_OK;
}

/* Per stratum (a class, or the whole set): its rows and how many go to each
 * part, plus a running count while rows are dealt out. */
typedef struct
{
  size_t rows;
  size_t val;
  size_t test;
  size_t seen;
} stratum;

static size_t
stratum_train (const stratum *s)
{
  return s->rows - s->val - s->test;
}

/* Gives a part with a positive fraction but no rows one row, taken from the
 * stratum with the most training rows as long as that stratum keeps one. */
static void
ensure_one_row (stratum *st,
                size_t   n_strata,
                double   fraction,
                bool     is_test)
{
  size_t total = 0;
  size_t best = n_strata;

  if (fraction <= 0.0)
    return;
  for (size_t s = 0; s < n_strata; s++)
    total += is_test ? st[s].test : st[s].val;
  if (total > 0)
    return;
  for (size_t s = 0; s < n_strata; s++)
    if (stratum_train (&st[s]) >= 2
        && (best == n_strata || stratum_train (&st[s]) > stratum_train (&st[best])))
      best = s;
  if (best == n_strata)
    return;
  if (is_test)
    st[best].test++;
  else
    st[best].val++;
}

nn_status
nn_dataset_split (nn_dataset            *ds,
                  const nn_split_params *params,
                  nn_split              *out,
                  nn_error              *err)
{
  double fv = params->val_fraction;
  double ft = params->test_fraction;
  bool stratify;
  size_t n_strata;
  stratum *st = NULL;
  uint32_t *idx = NULL;
  uint32_t *order = NULL;
  size_t n_train = 0, n_val = 0, n_test = 0;
  size_t pos_train, pos_val, pos_test;
  nn_rng rng;
  nn_status status;

  assert (ds != NULL && params != NULL);
  if (params->fixed_test > 0)
    {
      /* Split only the rows before the given test rows, which stay last. */
      nn_dataset head = *ds;
      nn_split_params p = *params;

      if (params->fixed_test >= ds->n)
        return nn_error_set (err, NN_ERR_INVALID, "the %zu given test rows leave no rows for "
                             "training", params->fixed_test);
      head.n = ds->n - params->fixed_test;
      p.fixed_test = 0;
      p.test_fraction = 0.0;
      status = nn_dataset_split (&head, &p, out, err);
      if (status == NN_OK && out != NULL)
        out->test = params->fixed_test;
      return status;
    }
  if (check_fraction ("validation", fv, err) != NN_OK
      || check_fraction ("test", ft, err) != NN_OK)
    return NN_ERR_INVALID;
  if (fv + ft >= 1.0)
    return nn_error_set (err, NN_ERR_INVALID,
                         "validation fraction %g and test fraction %g leave no rows for training "
                         "(their sum must be below 1)", fv, ft);
  if (ds->n == 0)
    return nn_error_set (err, NN_ERR_INVALID,
                         "cannot split an empty data set: the training part needs a row");
  /* nn_dataset_new caps a set at 2³¹ floats, so row indices fit 32 bits. */
  assert (ds->n <= UINT32_MAX);

  stratify = params->stratify && ds->task == NN_TASK_CLASSIFICATION && ds->y != NULL;
  n_strata = stratify ? ds->k : 1;
  if (stratify)
    for (size_t i = 0; i < ds->n; i++)
      if (ds->y[i] < 0 || (size_t) ds->y[i] >= ds->k)
        return nn_error_set (err, NN_ERR_INVALID,
                             "row %zu has class %d, outside [0, %zu): cannot stratify",
                             i + 1, (int) ds->y[i], ds->k);

  st = calloc (n_strata, sizeof *st);
  idx = malloc (ds->n * sizeof *idx);
  order = malloc (ds->n * sizeof *order);
  if (st == NULL || idx == NULL || order == NULL)
    {
      status = nn_error_set (err, NN_ERR_NOMEM, "out of memory splitting %zu rows", ds->n);
      goto done;
    }

  for (size_t i = 0; i < ds->n; i++)
    st[stratify ? (size_t) ds->y[i] : 0].rows++;

  /* round() of each part separately: the two rounded parts can take every
   * row of a small stratum (2 rows at 0.3 + 0.3), in which case the larger
   * part gives one back so each class keeps a training row. */
  for (size_t s = 0; s < n_strata; s++)
    {
      double rows = (double) st[s].rows;

      st[s].val = (size_t) round (rows * fv);
      st[s].test = (size_t) round (rows * ft);
      if (st[s].rows > 0 && st[s].val + st[s].test >= st[s].rows)
        {
          if (st[s].test >= st[s].val)
            st[s].test--;
          else
            st[s].val--;
        }
    }
  ensure_one_row (st, n_strata, fv, false);
  ensure_one_row (st, n_strata, ft, true);

  for (size_t s = 0; s < n_strata; s++)
    {
      n_train += stratum_train (&st[s]);
      n_val += st[s].val;
      n_test += st[s].test;
    }

  /* Deal the shuffled rows out in order: the first rows of each class to be
   * drawn go to training, the next to validation, the rest to test, so every
   * part is itself in random order. */
  for (size_t i = 0; i < ds->n; i++)
    idx[i] = (uint32_t) i;
  nn_rng_seed (&rng, params->seed);
  nn_rng_shuffle (&rng, idx, ds->n);
  pos_train = 0;
  pos_val = n_train;
  pos_test = n_train + n_val;
  for (size_t i = 0; i < ds->n; i++)
    {
      stratum *s = &st[stratify ? (size_t) ds->y[idx[i]] : 0];
      size_t rank = s->seen++;

      if (rank < stratum_train (s))
        order[pos_train++] = idx[i];
      else if (rank < stratum_train (s) + s->val)
        order[pos_val++] = idx[i];
      else
        order[pos_test++] = idx[i];
    }
  assert (pos_train == n_train && pos_val == n_train + n_val && pos_test == ds->n);

  status = nn_dataset_permute (ds, order, err);
  if (status == NN_OK && out != NULL)
    {
      out->train = n_train;
      out->val = n_val;
      out->test = n_test;
    }

done:
  free (st);
  free (idx);
  free (order);
  return status;
}
