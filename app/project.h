/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "history.h"
#include "metrics.h"
#include "model.h"
#include "source.h"
#include "spec.h"
#include "trainer.h"

G_BEGIN_DECLS

#define BP_PROJECT_ERROR (bp_project_error_quark ())
GQuark bp_project_error_quark (void);

typedef enum
{
  BP_PROJECT_ERROR_IO,
  BP_PROJECT_ERROR_FORMAT,    /* malformed JSON, a missing or mistyped field */
  BP_PROJECT_ERROR_MISMATCH,  /* weights or data that do not fit the project's model */
} BpProjectError;

/* The version of the project format this program writes and reads. */
#define BP_PROJECT_VERSION 1

/* One epoch of a run's history, as the epoch report gave it. */
typedef struct
{
  int    epoch;
  double train_loss;
  double train_accuracy;
  double val_loss;
  double val_accuracy;
  double lr;
  double samples_per_s;
  double seconds;
} BpRunEpoch;

/* What a project file holds: how to get the data and prepare them, the
 * model, the training settings, what the data turned out to be (classes,
 * features, fitted scaling) and a summary of the last run. */
typedef struct
{
  nn_data_source    data;
  nn_model_spec     spec;
  nn_trainer_params training;

  /* Known after loading the data. */
  nn_task           task;
  size_t            k;              /* classes or targets; 0 before data were seen */
  char            **class_names;    /* [k], classification */
  nn_scaler        *scaler;         /* fitted on the training rows, or NULL */
  float            *fill_means;     /* [spec.inputs], or NULL */

  /* The last run; state NULL before any. */
  char             *run_state;      /* "finished", "early-stopped", … */
  int               run_epochs;
  guint64           run_steps;
  int               best_epoch;
  double            run_seconds;
  char             *test_part;      /* "test", "val" or "train": where the metrics come from */
  double            test_loss;
  double            test_accuracy;  /* classification */
  double            test_macro_f1;
  double            test_mse;       /* regression */
  double            test_mae;
  double            test_r2;
  GArray           *history;        /* of BpRunEpoch */

  char             *weights;        /* the weights file a loaded project names, or NULL */
  nn_history       *run_history;    /* a loaded project's run history, or NULL */
} BpProject;

/* Defaults: spiral, no layers, cross-entropy, Adam and the trainer's
 * defaults; no data seen, no run. */
BpProject *bp_project_new (void);
void bp_project_free (BpProject *project);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpProject, bp_project_free)

/* Records what a loaded data set turned out to be: its task, classes or
 * targets and names, and takes the fitted scaler and fill means (copies). */
void bp_project_set_data (BpProject            *project,
                          const nn_loaded_data *loaded);

/* NAME.safetensors for NAME.json (or PATH.safetensors for any other PATH). */
char *bp_project_weights_path (const char *json_path);

/* Writes @model's parameters and buffers to the weights file of
 * @json_path, then the project to @json_path, each atomically; with
 * @history, the run's thinned step history, per-epoch dead fractions and
 * divergence go in too, for `backprop diagnose`. */
gboolean bp_project_save (BpProject         *project,
                          const char        *json_path,
                          nn_model          *model,
                          const nn_history  *history,
                          GError           **error);

/* Reads and checks a project file; errors name the file and the field
 * ("fm.json: model.layers[2].units: expected a whole number from 1 to
 * 65536"), and a JSON syntax error its line and column. */
BpProject *bp_project_load (const char  *json_path,
                            GError     **error);

/* The same from memory; @json_path names the file in messages and is where
 * a relative weights file is looked for. */
BpProject *bp_project_parse (const char  *json_path,
                             const char  *text,
                             gsize        len,
                             GError     **error);

/* Checks the tensors of @path against @model (every parameter and buffer
 * present, with PyTorch's names and shapes, nothing else) and only then
 * copies them in: a failure leaves @model as it was. */
gboolean bp_project_load_weights (const char  *path,
                                  nn_model    *model,
                                  GError     **error);

/* Writes @model's parameters and buffers as PyTorch's state dict of the
 * same nn.Sequential held as `layers` would name them; batch norm's
 * num_batches_tracked is @steps (the training steps taken). */
gboolean bp_project_save_weights (const char  *path,
                                  nn_model    *model,
                                  guint64      steps,
                                  GError     **error);

G_END_DECLS
