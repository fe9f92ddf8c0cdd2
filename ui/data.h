/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "check.h"
#include "source.h"
#include "spec.h"

G_BEGIN_DECLS

/* A loaded data source, immutable once loaded, so the window and the
 * training worker can share it: the rows (training, validation, test),
 * the fitted scaling and the data checks that do not depend on a model
 * (run once, in the loading thread). Only its reference count changes, so
 * it may be used from any thread. */
#define BP_TYPE_DATA (bp_data_get_type ())
G_DECLARE_FINAL_TYPE (BpData, bp_data, BP, DATA, GObject)

/* Loads @src (copied) in a worker thread (g_task_run_in_thread), and runs
 * the data checks there too; the callback, in the caller's thread-default
 * main context, gets a new BpData with bp_data_load_finish, or the loader's
 * error (file, line and column where that applies) in domain BP_DATA_ERROR
 * with the loader's nn_status (NN_ERR_IO, NN_ERR_FORMAT, …) as its code,
 * or G_IO_ERROR_CANCELLED. */
void bp_data_load_async (const nn_data_source *src,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data);
BpData *bp_data_load_finish (GAsyncResult  *result,
                             GError       **error);

/* The same, blocking (for tests and the command line). */
BpData *bp_data_load (const nn_data_source  *src,
                      GError               **error);

/* Codes are nn_status values. */
#define BP_DATA_ERROR (bp_data_error_quark ())
GQuark bp_data_error_quark (void);

const nn_data_source *bp_data_get_source (BpData *self);
const nn_loaded_data *bp_data_get_loaded (BpData *self);
nn_task bp_data_get_task (BpData *self);
gsize bp_data_get_features (BpData *self);
/* Classes (classification) or target columns (regression). */
gsize bp_data_get_k (BpData *self);
/* The name of class @i < k (classification), or NULL when the data name no
 * classes; owned by @self. */
const char *bp_data_get_class_name (BpData *self,
                                    gsize   i);

/* Views of the three parts, valid while @self lives. */
nn_dataset bp_data_get_train (BpData *self);
nn_dataset bp_data_get_val (BpData *self);
nn_dataset bp_data_get_test (BpData *self);

/* The data checks for a model of @spec (its loss, outputs and parameter
 * count), most severe first, in a new array of nn_check_finding. The
 * findings about the data alone come from the load, which checks the rows
 * before scaling, as `backprop check-data` does (standardising can round
 * nearly equal rows to equal ones), with the scale finding only when the
 * source does not scale. @spec NULL: those of the load as they are (the
 * task's default loss, ce or mse, outputs and parameters unknown). With a
 * spec the checks run again on the calling thread (a pass linear in the
 * data) for the labels and the row count. */
GArray *bp_data_check (BpData              *self,
                       const nn_model_spec *spec);

/* A one-line description: "spiral: 1000 rows (598 / 201 / 201), 2
 * features, 3 classes" (training / validation / test rows; "targets" for
 * regression; a file or folder by its base name). Caller frees. */
char *bp_data_describe (BpData *self);

/* The name of feature @j of @ds: its column's name, else "x1", "x2", …
 * Caller frees. */
char *bp_data_feature_name (const nn_dataset *ds,
                            gsize             j);

G_END_DECLS
