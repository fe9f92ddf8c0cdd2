/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"
#include "dataset.h"
#include "generate.h"
#include "scale.h"
#include "split.h"

/* Where a run's data come from and how they are prepared: what the command
 * line's data options, the window's data panel and a project file describe.
 * Loading it gives the dataset with its rows ordered as training,
 * validation, test, the split, and the scaling fitted on the training rows. */
typedef enum
{
  NN_SOURCE_BUILTIN,  /* a generator: spiral, moons, … */
  NN_SOURCE_NAMED,    /* an installed IDX set: fashion-mnist, mnist */
  NN_SOURCE_CSV,      /* a CSV file (.csv or .csv.gz) */
  NN_SOURCE_IDX,      /* a folder of IDX files */
  NN_SOURCE_COUNT
} nn_source_kind;

#define NN_SOURCE_MAX_PATH 4096

typedef struct
{
  nn_source_kind     kind;
  char               name[NN_SOURCE_MAX_PATH];  /* generator or set name, or the path */
  nn_generate_params generate;                   /* BUILTIN */
  nn_csv_options     csv;                        /* CSV; its strings point into the fields below */
  char               label_column[256];
  char               target_columns[1024];
  nn_split_params    split;                      /* the test fraction is ignored when the source
                                                  * brings its own test rows (IDX t10k) */
  nn_scale_kind      scale;
} nn_data_source;

/* Spiral with its defaults, split 0.2/0.2, standard scaling. */
void nn_data_source_init (nn_data_source *src);

/* Points @src at @spec: a built-in generator name, "fashion-mnist" or
 * "mnist", a folder (IDX) or a file (CSV). Keeps the other settings, but
 * for the scaling default: IDX images (pixels already in [0, 1]) switch it
 * to none, other sources back to standard. NN_ERR_INVALID for an empty or
 * overlong spec. */
nn_status nn_data_source_set (nn_data_source *src,
                              const char     *spec,
                              nn_error       *err);

/* Copies @label and @targets (NULL for none) into @src's CSV options. */
void nn_data_source_set_columns (nn_data_source *src,
                                 const char     *label,
                                 const char     *targets);

/* A loaded source: rows ordered training, validation, test. */
typedef struct
{
  nn_dataset *data;
  nn_split    split;
  nn_scaler  *scaler;        /* fitted on the training rows, already applied */
  float      *fill_means;    /* [d] training means that filled missing cells, or NULL */
} nn_loaded_data;

/* Loads, splits (seeded), fills missing cells (NN_MISSING_MEAN) and scales
 * @src. The caller frees @out with nn_loaded_data_clear. Errors carry the
 * loader's message (file, line and column where that applies). */
nn_status nn_data_source_load (const nn_data_source *src,
                               nn_loaded_data       *out,
                               nn_error             *err);

/* Loads @src without splitting, filling or scaling: for evaluating a saved
 * model on new data, where the project's own scaler is applied instead. */
nn_dataset *nn_data_source_load_raw (const nn_data_source *src,
                                     size_t               *n_test,
                                     nn_error             *err);

void nn_loaded_data_clear (nn_loaded_data *loaded);

/* Views of the three parts of @loaded. */
nn_dataset nn_loaded_data_train (const nn_loaded_data *loaded);
nn_dataset nn_loaded_data_val (const nn_loaded_data *loaded);
nn_dataset nn_loaded_data_test (const nn_loaded_data *loaded);
