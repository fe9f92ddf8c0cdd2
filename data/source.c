/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "idx.h"

void
nn_data_source_init (nn_data_source *src)
{
  memset (src, 0, sizeof *src);
  src->kind = NN_SOURCE_BUILTIN;
  snprintf (src->name, sizeof src->name, "%s", nn_generator_name (NN_GEN_SPIRAL));
  src->generate = nn_generate_params_default (NN_GEN_SPIRAL);
  src->csv = nn_csv_options_default ();
  src->split = nn_split_params_default ();
  src->scale = NN_SCALE_STANDARD;
}

nn_status
nn_data_source_set (nn_data_source *src,
                    const char     *spec,
                    nn_error       *err)
{
  nn_source_kind kind = NN_SOURCE_BUILTIN;
  nn_generator gen;
  struct stat st;

  if (spec == NULL || spec[0] == '\0')
    return nn_error_set (err, NN_ERR_INVALID, "no data named; use a built-in set, "
                         "fashion-mnist, mnist, a CSV file or an IDX folder");
  if (strlen (spec) >= sizeof src->name)
    return nn_error_set (err, NN_ERR_INVALID, "the data path is longer than %zu bytes",
                         sizeof src->name - 1);
  if (nn_generator_from_name (spec, &gen))
    {
      /* A new generator starts from its own defaults (its noise level). */
      if (src->kind != NN_SOURCE_BUILTIN || src->generate.kind != gen)
        {
          uint64_t seed = src->generate.seed;

          src->generate = nn_generate_params_default (gen);
          src->generate.seed = seed;
        }
    }
  else if (nn_idx_is_named_set (spec))
    kind = NN_SOURCE_NAMED;
  else if (stat (spec, &st) == 0 && S_ISDIR (st.st_mode))
    kind = NN_SOURCE_IDX;
  else
    kind = NN_SOURCE_CSV;
  /* IDX pixels come scaled to [0, 1]: standardising them would blow up
   * the near-constant border pixels (a std of 10⁻⁴) on unseen images. */
  {
    bool images = kind == NN_SOURCE_NAMED || kind == NN_SOURCE_IDX;
    bool was_images = src->kind == NN_SOURCE_NAMED || src->kind == NN_SOURCE_IDX;

    if (images != was_images)
      src->scale = images ? NN_SCALE_NONE : NN_SCALE_STANDARD;
  }
  src->kind = kind;
  snprintf (src->name, sizeof src->name, "%s", spec);
  return NN_OK;
}

void
nn_data_source_set_columns (nn_data_source *src,
                            const char     *label,
                            const char     *targets)
{
  snprintf (src->label_column, sizeof src->label_column, "%s", label != NULL ? label : "");
  snprintf (src->target_columns, sizeof src->target_columns, "%s",
            targets != NULL ? targets : "");
}

nn_dataset *
nn_data_source_load_raw (const nn_data_source *src,
                         size_t               *n_test,
                         nn_error             *err)
{
  nn_csv_options csv = src->csv;

  *n_test = 0;
  switch (src->kind)
    {
    case NN_SOURCE_BUILTIN:
      return nn_generate (&src->generate, err);
    case NN_SOURCE_NAMED:
      return nn_idx_load_named (src->name, n_test, err);
    case NN_SOURCE_IDX:
      return nn_idx_load_dir (src->name, n_test, err);
    case NN_SOURCE_CSV:
    case NN_SOURCE_COUNT:
      break;
    }
  /* The option strings live in the source itself, so copies stay valid. */
  csv.label_column = src->label_column[0] != '\0' ? src->label_column : NULL;
  csv.target_columns = src->target_columns[0] != '\0' ? src->target_columns : NULL;
  return nn_csv_load (src->name, &csv, err);
}

static bool
has_missing (const nn_dataset *ds)
{
  for (size_t i = 0; i < ds->n * ds->d; i++)
    if (ds->x[i] != ds->x[i])
      return true;
  return false;
}

nn_status
nn_data_source_load (const nn_data_source *src,
                     nn_loaded_data       *out,
                     nn_error             *err)
{
  nn_split_params split = src->split;
  nn_dataset train;
  size_t n_test = 0;

  memset (out, 0, sizeof *out);
  out->data = nn_data_source_load_raw (src, &n_test, err);
  if (out->data == NULL)
    return err != NULL ? err->status : NN_ERR_INVALID;
  split.fixed_test = n_test;
  if (nn_dataset_split (out->data, &split, &out->split, err) != NN_OK)
    goto fail;
  train = nn_loaded_data_train (out);
  if (src->kind == NN_SOURCE_CSV && src->csv.missing == NN_MISSING_MEAN && has_missing (out->data))
    {
      out->fill_means = malloc (out->data->d * sizeof (float));
      if (out->fill_means == NULL)
        {
          nn_error_set (err, NN_ERR_NOMEM, "out of memory");
          goto fail;
        }
      nn_dataset_fill_missing (out->data, &train, out->fill_means);
    }
  out->scaler = nn_scaler_fit (src->scale, &train, err);
  if (out->scaler == NULL)
    goto fail;
  nn_scaler_apply (out->scaler, out->data);
  return NN_OK;

fail:
  nn_loaded_data_clear (out);
  return err != NULL ? err->status : NN_ERR_INVALID;
}

void
nn_loaded_data_clear (nn_loaded_data *loaded)
{
  nn_dataset_free (loaded->data);
  nn_scaler_free (loaded->scaler);
  free (loaded->fill_means);
  memset (loaded, 0, sizeof *loaded);
}

nn_dataset
nn_loaded_data_train (const nn_loaded_data *l)
{
  return nn_dataset_view (l->data, 0, l->split.train);
}

nn_dataset
nn_loaded_data_val (const nn_loaded_data *l)
{
  return nn_dataset_view (l->data, l->split.train, l->split.val);
}

nn_dataset
nn_loaded_data_test (const nn_loaded_data *l)
{
  return nn_dataset_view (l->data, l->split.train + l->split.val, l->split.test);
}
