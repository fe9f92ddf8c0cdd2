/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "data.h"

#include <string.h>

struct _BpData
{
  GObject         parent_instance;

  nn_data_source  source;
  nn_loaded_data  loaded;
  GArray         *findings;  /* of nn_check_finding: the checks without a model */
};

G_DEFINE_FINAL_TYPE (BpData, bp_data, G_TYPE_OBJECT)

G_DEFINE_QUARK (bp-data-error-quark, bp_data_error)

/* Room for the findings of a usual data set: each kind gives one or two. */
#define FINDINGS_GUESS (2 * NN_CHECK_COUNT)

/* Runs the data checks with @params; NULL with @error set only when memory
 * runs out. */
static GArray *
run_checks (BpData                *self,
            const nn_check_params *params,
            GError               **error)
{
  g_autoptr (GArray) found = g_array_sized_new (FALSE, TRUE, sizeof (nn_check_finding),
                                                FINDINGS_GUESS);
  nn_error err = { 0 };
  size_t total;

  g_array_set_size (found, FINDINGS_GUESS);
  total = nn_dataset_check (self->loaded.data, &self->loaded.split, params,
                            (nn_check_finding *) (void *) found->data, found->len, &err);
  if (total != SIZE_MAX && total > found->len)
    {
      /* More findings than guessed: run again with room for all. */
      g_array_set_size (found, total);
      total = nn_dataset_check (self->loaded.data, &self->loaded.split, params,
                                (nn_check_finding *) (void *) found->data, found->len, &err);
    }
  if (total == SIZE_MAX)
    {
      g_set_error (error, BP_DATA_ERROR, err.status, "%s", err.msg);
      return NULL;
    }
  g_array_set_size (found, MIN (total, found->len));
  return g_steal_pointer (&found);
}

/* The checks that need no model: the default loss of the task, outputs
 * and parameters unknown. */
static nn_check_params
data_check_params (BpData *self)
{
  return (nn_check_params) {
    .loss = self->loaded.data->task == NN_TASK_REGRESSION ? NN_LOSS_MSE : NN_LOSS_CE,
    .scaled = self->source.scale != NN_SCALE_NONE,
  };
}

/* Loads @src, blocking: what the worker thread of bp_data_load_async runs.
 *
 * The data checks look at the rows before scaling, as `backprop
 * check-data` does: standardising can round two rows that differ in their
 * last bits to the same floats (two spiral points do), which would show
 * as duplicates that are not in the data. So the source is loaded
 * unscaled (a NONE scaler leaves every bit), checked, and then scaled as
 * nn_data_source_load would: fitted on the training rows, applied to all. */
static BpData *
load_data (const nn_data_source  *src,
           GError               **error)
{
  g_autoptr (BpData) self = g_object_new (BP_TYPE_DATA, NULL);
  nn_data_source unscaled;
  nn_error err = { 0 };
  nn_check_params params;

  self->source = *src;
  /* The CSV option strings point into the source they belong to; point the
   * copy's at its own fields so that it outlives the caller's. */
  self->source.csv.label_column = self->source.label_column[0] != '\0'
                                  ? self->source.label_column : NULL;
  self->source.csv.target_columns = self->source.target_columns[0] != '\0'
                                    ? self->source.target_columns : NULL;
  unscaled = self->source;
  unscaled.scale = NN_SCALE_NONE;
  if (nn_data_source_load (&unscaled, &self->loaded, &err) != NN_OK)
    {
      g_set_error (error, BP_DATA_ERROR, err.status, "%s", err.msg);
      return NULL;
    }
  params = data_check_params (self);
  self->findings = run_checks (self, &params, error);
  if (self->findings == NULL)
    return NULL;
  if (self->source.scale != NN_SCALE_NONE)
    {
      nn_dataset train = nn_loaded_data_train (&self->loaded);
      nn_scaler *scaler = nn_scaler_fit (self->source.scale, &train, &err);

      if (scaler == NULL)
        {
          g_set_error (error, BP_DATA_ERROR, err.status, "%s", err.msg);
          return NULL;
        }
      nn_scaler_free (self->loaded.scaler);
      self->loaded.scaler = scaler;
      nn_scaler_apply (scaler, self->loaded.data);
    }
  return g_steal_pointer (&self);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const nn_data_source *src = task_data;
  GError *error = NULL;
  BpData *data;

  if (g_task_return_error_if_cancelled (task))
    return;
  data = load_data (src, &error);
  if (data == NULL)
    g_task_return_error (task, error);
  else if (g_cancellable_is_cancelled (cancellable))
    {
      g_object_unref (data);
      g_task_return_error_if_cancelled (task);
    }
  else
    g_task_return_pointer (task, data, g_object_unref);
}

static void
bp_data_finalize (GObject *object)
{
  BpData *self = BP_DATA (object);

  nn_loaded_data_clear (&self->loaded);
  g_clear_pointer (&self->findings, g_array_unref);

  G_OBJECT_CLASS (bp_data_parent_class)->finalize (object);
}

static void
bp_data_class_init (BpDataClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bp_data_finalize;
}

static void
bp_data_init (BpData *self)
{
}

void
bp_data_load_async (const nn_data_source *src,
                    GCancellable         *cancellable,
                    GAsyncReadyCallback   callback,
                    gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (src != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_data_load_async);
  g_task_set_name (task, "[backprop] load data");
  g_task_set_task_data (task, g_memdup2 (src, sizeof *src), g_free);
  g_task_run_in_thread (task, load_thread);
}

BpData *
bp_data_load_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_data_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

BpData *
bp_data_load (const nn_data_source  *src,
              GError               **error)
{
  g_return_val_if_fail (src != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_data (src, error);
}

const nn_data_source *
bp_data_get_source (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), NULL);

  return &self->source;
}

const nn_loaded_data *
bp_data_get_loaded (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), NULL);

  return &self->loaded;
}

nn_task
bp_data_get_task (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), NN_TASK_CLASSIFICATION);

  return self->loaded.data->task;
}

gsize
bp_data_get_features (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), 0);

  return self->loaded.data->d;
}

gsize
bp_data_get_k (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), 0);

  return self->loaded.data->k;
}

const char *
bp_data_get_class_name (BpData *self,
                        gsize   i)
{
  const nn_dataset *ds;

  g_return_val_if_fail (BP_IS_DATA (self), NULL);
  ds = self->loaded.data;
  g_return_val_if_fail (ds->task == NN_TASK_CLASSIFICATION && i < ds->k, NULL);

  return ds->class_names != NULL ? ds->class_names[i] : NULL;
}

nn_dataset
bp_data_get_train (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), (nn_dataset) { 0 });

  return nn_loaded_data_train (&self->loaded);
}

nn_dataset
bp_data_get_val (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), (nn_dataset) { 0 });

  return nn_loaded_data_val (&self->loaded);
}

nn_dataset
bp_data_get_test (BpData *self)
{
  g_return_val_if_fail (BP_IS_DATA (self), (nn_dataset) { 0 });

  return nn_loaded_data_test (&self->loaded);
}

/* Most severe first, then by kind; g_array_sort is stable, so the order
 * within a kind stays the order found. */
static gint
compare_findings (gconstpointer a,
                  gconstpointer b)
{
  const nn_check_finding *x = a, *y = b;

  if (x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return (x->kind > y->kind) - (x->kind < y->kind);
}

/* Whether a finding of @kind depends on the model (its loss, outputs or
 * parameter count); the others depend on the data alone. */
static gboolean
depends_on_model (nn_check_kind kind)
{
  return kind == NN_CHECK_LABELS || kind == NN_CHECK_TOO_FEW_ROWS;
}

GArray *
bp_data_check (BpData              *self,
               const nn_model_spec *spec)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) with_model = NULL;
  nn_check_params params;
  GArray *found;

  g_return_val_if_fail (BP_IS_DATA (self), NULL);

  found = g_array_sized_new (FALSE, FALSE, sizeof (nn_check_finding), self->findings->len);
  if (spec == NULL)
    return g_array_append_vals (found, self->findings->data, self->findings->len);

  /* The data's own findings come from the unscaled rows at load time; only
   * those about the model are worked out again, which scaling does not
   * change (labels and counts). */
  params = data_check_params (self);
  params.loss = spec->loss;
  params.outputs = nn_model_spec_outputs (spec);
  params.params = nn_model_spec_count_params (spec);
  with_model = run_checks (self, &params, &error);
  if (with_model == NULL)
    {
      /* Out of memory for the row table: say so, and keep the data's
       * findings. */
      g_warning ("data checks: %s", error->message);
      with_model = g_array_new (FALSE, FALSE, sizeof (nn_check_finding));
    }
  for (guint i = 0; i < self->findings->len; i++)
    if (!depends_on_model (g_array_index (self->findings, nn_check_finding, i).kind))
      g_array_append_val (found, g_array_index (self->findings, nn_check_finding, i));
  for (guint i = 0; i < with_model->len; i++)
    if (depends_on_model (g_array_index (with_model, nn_check_finding, i).kind))
      g_array_append_val (found, g_array_index (with_model, nn_check_finding, i));
  g_array_sort (found, compare_findings);
  return found;
}

char *
bp_data_feature_name (const nn_dataset *ds,
                      gsize             j)
{
  if (ds->feature_names != NULL && ds->feature_names[j] != NULL)
    return g_strdup (ds->feature_names[j]);
  return g_strdup_printf ("x%" G_GSIZE_FORMAT, j + 1);
}

char *
bp_data_describe (BpData *self)
{
  const nn_dataset *ds;
  const nn_split *split;
  g_autofree char *name = NULL;
  gboolean classes;

  g_return_val_if_fail (BP_IS_DATA (self), NULL);

  ds = self->loaded.data;
  split = &self->loaded.split;
  classes = ds->task == NN_TASK_CLASSIFICATION;
  /* A file or folder by its last component: the full path is in the
   * data panel's chooser, and would crowd a status line. */
  if (self->source.kind == NN_SOURCE_CSV || self->source.kind == NN_SOURCE_IDX)
    name = g_path_get_basename (self->source.name);
  else
    name = g_strdup (self->source.name);
  return g_strdup_printf ("%s: %zu rows (%zu / %zu / %zu), %zu feature%s, %zu %s%s", name,
                          ds->n, split->train, split->val, split->test, ds->d,
                          ds->d == 1 ? "" : "s", ds->k, classes ? "class" : "target",
                          ds->k == 1 ? "" : (classes ? "es" : "s"));
}
