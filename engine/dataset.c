/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "dataset.h"

#include <stdlib.h>
#include <string.h>

nn_dataset *
nn_dataset_new (nn_task   task,
                size_t    n,
                size_t    d,
                size_t    k,
                nn_error *err)
{
  nn_dataset *ds;
  size_t targets = task == NN_TASK_REGRESSION ? k : 0;

  if (n == 0 || d == 0 || k == 0)
    {
      nn_error_set (err, NN_ERR_INVALID, "a data set needs at least one row, one feature "
                    "and one class or target (got %zu × %zu, %zu)", n, d, k);
      return NULL;
    }
  if (d > NN_DATASET_MAX_FLOATS / n || targets > NN_DATASET_MAX_FLOATS / n
      || n * d + n * targets > NN_DATASET_MAX_FLOATS)
    {
      nn_error_set (err, NN_ERR_NOMEM, "a data set of %zu rows × %zu columns is larger than "
                    "the %zu values Backprop holds in memory", n, d + targets,
                    NN_DATASET_MAX_FLOATS);
      return NULL;
    }
  ds = calloc (1, sizeof *ds);
  if (ds == NULL)
    goto nomem;
  ds->task = task;
  ds->n = n;
  ds->d = d;
  ds->k = k;
  ds->owned = true;
  ds->x = calloc (n * d, sizeof (float));
  if (ds->x == NULL)
    goto nomem;
  if (task == NN_TASK_CLASSIFICATION)
    ds->y = calloc (n, sizeof (int32_t));
  else
    ds->t = calloc (n * k, sizeof (float));
  if (ds->y == NULL && ds->t == NULL)
    goto nomem;
  return ds;

nomem:
  nn_dataset_free (ds);
  nn_error_set (err, NN_ERR_NOMEM, "out of memory for a data set of %zu × %zu", n, d);
  return NULL;
}

static void
free_names (char  **names,
            size_t  n)
{
  if (names == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free (names[i]);
  free (names);
}

void
nn_dataset_free (nn_dataset *ds)
{
  if (ds == NULL)
    return;
  if (ds->owned)
    {
      free (ds->x);
      free (ds->y);
      free (ds->t);
      free_names (ds->class_names, ds->k);
      free_names (ds->feature_names, ds->d);
    }
  free (ds);
}

nn_dataset
nn_dataset_view (const nn_dataset *ds,
                 size_t            first,
                 size_t            n)
{
  nn_dataset v = *ds;

  if (first > ds->n)
    first = ds->n;
  if (n > ds->n - first)
    n = ds->n - first;
  v.n = n;
  v.x = ds->x + first * ds->d;
  if (ds->y != NULL)
    v.y = ds->y + first;
  if (ds->t != NULL)
    v.t = ds->t + first * ds->k;
  v.owned = false;
  return v;
}

static nn_status
set_name (char      ***table,
          size_t       count,
          size_t       i,
          const char  *name,
          nn_error    *err)
{
  char *copy;

  if (i >= count)
    return nn_error_set (err, NN_ERR_INVALID, "name index %zu out of range (%zu)", i, count);
  if (*table == NULL)
    {
      *table = calloc (count, sizeof (char *));
      if (*table == NULL)
        return nn_error_set (err, NN_ERR_NOMEM, "out of memory for names");
    }
  copy = strdup (name);
  if (copy == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "out of memory for names");
  free ((*table)[i]);
  (*table)[i] = copy;
  return NN_OK;
}

nn_status
nn_dataset_set_class_name (nn_dataset *ds,
                           size_t      i,
                           const char *name,
                           nn_error   *err)
{
  if (!ds->owned || ds->task != NN_TASK_CLASSIFICATION)
    return nn_error_set (err, NN_ERR_INVALID, "class names belong to an owned classification set");
  return set_name (&ds->class_names, ds->k, i, name, err);
}

nn_status
nn_dataset_set_feature_name (nn_dataset *ds,
                             size_t      j,
                             const char *name,
                             nn_error   *err)
{
  if (!ds->owned)
    return nn_error_set (err, NN_ERR_INVALID, "feature names belong to an owned data set");
  return set_name (&ds->feature_names, ds->d, j, name, err);
}

void
nn_dataset_class_counts (const nn_dataset *ds,
                         size_t           *counts)
{
  memset (counts, 0, ds->k * sizeof *counts);
  if (ds->y == NULL)
    return;
  for (size_t i = 0; i < ds->n; i++)
    if (ds->y[i] >= 0 && (size_t) ds->y[i] < ds->k)
      counts[ds->y[i]]++;
}

/* Applies the permutation in place by following its cycles, with one row of
 * scratch and one bit per row, so reordering a large set costs no copy. */
static nn_status
permute_rows (void           *base,
              size_t          n,
              size_t          row_bytes,
              const uint32_t *order,
              nn_error       *err)
{
  unsigned char *rows = base;
  unsigned char *tmp = malloc (row_bytes);
  uint8_t *done = calloc ((n + 7) / 8, 1);

  if (tmp == NULL || done == NULL)
    {
      free (tmp);
      free (done);
      return nn_error_set (err, NN_ERR_NOMEM, "out of memory while reordering rows");
    }
  for (size_t start = 0; start < n; start++)
    {
      size_t i = start;

      if (done[start / 8] & (1u << (start % 8)))
        continue;
      /* Row i receives old row order[i]: walk i → order[i] → … back to start. */
      memcpy (tmp, rows + start * row_bytes, row_bytes);
      for (;;)
        {
          size_t from = order[i];

          done[i / 8] |= (uint8_t) (1u << (i % 8));
          if (from == start)
            {
              memcpy (rows + i * row_bytes, tmp, row_bytes);
              break;
            }
          memcpy (rows + i * row_bytes, rows + from * row_bytes, row_bytes);
          i = from;
        }
    }
  free (tmp);
  free (done);
  return NN_OK;
}

nn_status
nn_dataset_permute (nn_dataset     *ds,
                    const uint32_t *order,
                    nn_error       *err)
{
  nn_status st;

  st = permute_rows (ds->x, ds->n, ds->d * sizeof (float), order, err);
  if (st == NN_OK && ds->y != NULL)
    st = permute_rows (ds->y, ds->n, sizeof (int32_t), order, err);
  if (st == NN_OK && ds->t != NULL)
    st = permute_rows (ds->t, ds->n, ds->k * sizeof (float), order, err);
  return st;
}
