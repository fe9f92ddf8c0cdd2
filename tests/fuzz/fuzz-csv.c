/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sources: data/csv.c engine/dataset.c engine/error.c */
/* Fuzzes the CSV reader. The first byte chooses the options — header
 * (bits 0–1: detect, none, first row, detect), delimiter (bits 2–3: detect,
 * ',', ';', tab), task (bits 4–5: auto, classification, regression, auto)
 * and missing cells (bits 6–7: error, drop, mean, error) — the second the
 * label or target columns; the rest is the file. A dataset that comes back
 * must keep the promises its users rely on; with missing cells filled by
 * the mean, none may be left. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const struct
{
  const char *label;
  const char *targets;
} columns[] = {
  { NULL, NULL }, { "1", NULL }, { "-2", NULL }, { "a", NULL },
  { NULL, "1,2" }, { NULL, "b,-1" }, { "label", NULL }, { NULL, "y, 3" },
};

static void
check (const nn_dataset     *ds,
       const nn_csv_options *o)
{
  size_t *counts;

  if (ds->n == 0 || ds->d == 0 || ds->k == 0 || !ds->owned || ds->feature_names == NULL)
    __builtin_trap ();
  for (size_t j = 0; j < ds->d; j++)
    if (ds->feature_names[j] == NULL)
      __builtin_trap ();
  for (size_t i = 0; i < ds->n * ds->d; i++)
    if (isinf (ds->x[i]) || (isnan (ds->x[i]) && o->missing != NN_MISSING_MEAN))
      __builtin_trap ();
  if (ds->task == NN_TASK_REGRESSION)
    {
      if (ds->y != NULL || ds->t == NULL || ds->class_names != NULL)
        __builtin_trap ();
      for (size_t i = 0; i < ds->n * ds->k; i++)
        if (!isfinite (ds->t[i]))
          __builtin_trap ();
      return;
    }
  /* Every class a name, and at least one row. */
  if (ds->y == NULL || ds->t != NULL || ds->class_names == NULL)
    __builtin_trap ();
  counts = calloc (ds->k, sizeof *counts);
  if (counts == NULL)
    return;
  for (size_t i = 0; i < ds->n; i++)
    {
      if (ds->y[i] < 0 || (size_t) ds->y[i] >= ds->k)
        __builtin_trap ();
      counts[ds->y[i]]++;
    }
  for (size_t c = 0; c < ds->k; c++)
    if (counts[c] == 0 || ds->class_names[c] == NULL)
      __builtin_trap ();
  free (counts);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const int headers[] = { -1, 0, 1, -1 };
  static const char delimiters[] = { 0, ',', ';', '\t' };
  static const nn_csv_task tasks[] = {
    NN_CSV_TASK_AUTO, NN_CSV_TASK_CLASSIFICATION, NN_CSV_TASK_REGRESSION, NN_CSV_TASK_AUTO,
  };
  static const nn_missing missing[] = {
    NN_MISSING_ERROR, NN_MISSING_DROP, NN_MISSING_MEAN, NN_MISSING_ERROR,
  };
  nn_csv_options o = nn_csv_options_default ();
  nn_error err = { 0 };
  nn_dataset *ds;

  if (size < 2)
    return 0;
  o.header = headers[data[0] & 3];
  o.delimiter = delimiters[(data[0] >> 2) & 3];
  o.task = tasks[(data[0] >> 4) & 3];
  o.missing = missing[data[0] >> 6];
  o.label_column = columns[data[1] % 8].label;
  o.target_columns = columns[data[1] % 8].targets;
  ds = nn_csv_parse ("fuzz.csv", (const char *) data + 2, size - 2, &o, &err);
  if (ds == NULL)
    {
      if (err.status == NN_OK || err.msg[0] == '\0'
          || memchr (err.msg, '\0', sizeof err.msg) == NULL)
        __builtin_trap ();
      return 0;
    }
  check (ds, &o);
  if (o.missing == NN_MISSING_MEAN)
    {
      nn_dataset all = nn_dataset_view (ds, 0, ds->n);

      nn_dataset_fill_missing (ds, &all, NULL);
      for (size_t i = 0; i < ds->n * ds->d; i++)
        if (isnan (ds->x[i]))
          __builtin_trap ();
    }
  nn_dataset_free (ds);
  return 0;
}
