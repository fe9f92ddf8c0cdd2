/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "project.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "json-writer.h"
#include "safetensors.h"

G_DEFINE_QUARK (bp-project-error-quark, bp_project_error)

BpProject *
bp_project_new (void)
{
  BpProject *p = g_new0 (BpProject, 1);

  nn_data_source_init (&p->data);
  nn_model_spec_init (&p->spec);
  p->training = nn_trainer_params_default ();
  p->history = g_array_new (FALSE, TRUE, sizeof (BpRunEpoch));
  p->test_loss = p->test_accuracy = p->test_macro_f1 = NAN;
  p->test_mse = p->test_mae = p->test_r2 = NAN;
  return p;
}

static void
clear_data (BpProject *p)
{
  if (p->class_names != NULL)
    for (size_t i = 0; i < p->k; i++)
      g_free (p->class_names[i]);
  g_clear_pointer (&p->class_names, g_free);
  g_clear_pointer (&p->scaler, nn_scaler_free);
  g_clear_pointer (&p->fill_means, g_free);
  p->k = 0;
}

void
bp_project_free (BpProject *p)
{
  if (p == NULL)
    return;
  clear_data (p);
  g_free (p->run_state);
  g_free (p->test_part);
  g_free (p->weights);
  nn_history_free (p->run_history);
  g_array_unref (p->history);
  g_free (p);
}

void
bp_project_set_data (BpProject            *p,
                     const nn_loaded_data *loaded)
{
  const nn_dataset *ds = loaded->data;

  clear_data (p);
  p->task = ds->task;
  p->k = ds->k;
  p->spec.inputs = ds->d;
  if (ds->task == NN_TASK_CLASSIFICATION)
    {
      p->class_names = g_new0 (char *, ds->k);
      for (size_t i = 0; i < ds->k; i++)
        p->class_names[i] = ds->class_names != NULL && ds->class_names[i] != NULL
                            ? g_strdup (ds->class_names[i]) : g_strdup_printf ("%zu", i);
    }
  if (loaded->scaler != NULL)
    p->scaler = nn_scaler_new_from (loaded->scaler->kind, loaded->scaler->d,
                                    loaded->scaler->offset, loaded->scaler->factor, NULL);
  if (loaded->fill_means != NULL)
    p->fill_means = g_memdup2 (loaded->fill_means, ds->d * sizeof (float));
}

char *
bp_project_weights_path (const char *json_path)
{
  if (g_str_has_suffix (json_path, ".json"))
    return g_strdup_printf ("%.*s.safetensors", (int) (strlen (json_path) - 5), json_path);
  return g_strdup_printf ("%s.safetensors", json_path);
}

/* ---- Weights ------------------------------------------------------------ */

typedef struct
{
  char    name[64];
  guint   rank;
  guint64 shape[2];
  float  *values;   /* where the tensor lives in the model */
} Slot;

/* The tensors of @model in PyTorch's naming: layers.{i}.weight [out, in]
 * and .bias for Linear; .weight, .bias, .running_mean, .running_var for
 * BatchNorm1d. */
static GArray *
model_slots (nn_model *m)
{
  GArray *slots = g_array_new (FALSE, TRUE, sizeof (Slot));

  for (size_t i = 0; i < nn_model_n_ops (m); i++)
    {
      const nn_op *op = nn_model_op (m, i);
      float *p = nn_model_params (m) + op->param_offset;
      Slot s = { 0 };

      if (op->kind == NN_OP_LINEAR)
        {
          g_snprintf (s.name, sizeof s.name, "layers.%zu.weight", i);
          s.rank = 2;
          s.shape[0] = op->out;
          s.shape[1] = op->in;
          s.values = p;
          g_array_append_val (slots, s);
          g_snprintf (s.name, sizeof s.name, "layers.%zu.bias", i);
          s.rank = 1;
          s.values = p + op->n_weights;
          g_array_append_val (slots, s);
        }
      else if (op->kind == NN_OP_BATCHNORM)
        {
          static const char *const names[] = { "weight", "bias", "running_mean", "running_var" };
          float *buffers = nn_model_buffers (m) + op->buffer_offset;

          for (int k = 0; k < 4; k++)
            {
              g_snprintf (s.name, sizeof s.name, "layers.%zu.%s", i, names[k]);
              s.rank = 1;
              s.shape[0] = op->out;
              s.values = k < 2 ? p + (size_t) k * op->out : buffers + (size_t) (k - 2) * op->out;
              g_array_append_val (slots, s);
            }
        }
    }
  return slots;
}

gboolean
bp_project_save_weights (const char  *path,
                         nn_model    *m,
                         guint64      steps,
                         GError     **error)
{
  g_autoptr (GArray) slots = model_slots (m);
  g_autoptr (GPtrArray) tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) bp_tensor_free);
  g_autoptr (GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 tracked = (gint64) MIN (steps, (guint64) G_MAXINT64);

  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);

      g_ptr_array_add (tensors, bp_tensor_new (s->name, BP_DTYPE_F32, s->rank, s->shape,
                                               s->values));
      /* torch's BatchNorm1d keeps a step count beside its statistics. */
      if (g_str_has_suffix (s->name, ".running_var"))
        {
          g_autofree char *name = g_strdup_printf ("%.*s.num_batches_tracked",
                                                   (int) (strlen (s->name) - 12), s->name);

          g_ptr_array_add (tensors, bp_tensor_new (name, BP_DTYPE_I64, 0, NULL, &tracked));
        }
    }
  g_hash_table_insert (meta, "format", "pt");
  g_hash_table_insert (meta, "producer", "backprop");
  return bp_safetensors_write (path, tensors, meta, error);
}

gboolean
bp_project_load_weights (const char  *path,
                         nn_model    *m,
                         GError     **error)
{
  g_autoptr (GPtrArray) tensors = bp_safetensors_read (path, error);
  g_autoptr (GArray) slots = NULL;
  guint matched = 0;

  if (tensors == NULL)
    return FALSE;
  slots = model_slots (m);
  /* Everything is checked before anything is copied. */
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);
      BpTensor *t = bp_safetensors_find (tensors, s->name);

      if (t == NULL)
        return g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_MISMATCH,
                            "%s: tensor '%s' is missing; the model needs it", path, s->name),
               FALSE;
      if (t->dtype != BP_DTYPE_F32 || t->rank != s->rank || t->shape[0] != s->shape[0]
          || (s->rank == 2 && t->shape[1] != s->shape[1]))
        {
          g_autofree char *want = s->rank == 2
                                  ? g_strdup_printf ("[%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
                                                     s->shape[0], s->shape[1])
                                  : g_strdup_printf ("[%" G_GUINT64_FORMAT "]", s->shape[0]);
          g_autoptr (GString) got = g_string_new ("[");

          for (guint r = 0; r < t->rank; r++)
            g_string_append_printf (got, "%s%" G_GUINT64_FORMAT, r ? ", " : "", t->shape[r]);
          g_string_append (got, "]");
          return g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_MISMATCH,
                              "%s: tensor '%s' has shape %s but the model needs %s", path,
                              s->name, got->str, want), FALSE;
        }
      matched++;
    }
  for (guint i = 0; i < tensors->len; i++)
    {
      BpTensor *t = g_ptr_array_index (tensors, i);
      gboolean known = FALSE;

      for (guint j = 0; j < slots->len && !known; j++)
        known = strcmp (g_array_index (slots, Slot, j).name, t->name) == 0;
      if (!known && g_str_has_suffix (t->name, ".num_batches_tracked"))
        {
          g_autofree char *var = g_strdup_printf ("%.*s.running_var",
                                                  (int) (strlen (t->name) - 20), t->name);

          known = bp_safetensors_find (tensors, var) != NULL && t->rank == 0;
        }
      if (!known)
        return g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_MISMATCH,
                            "%s: tensor '%s' does not belong to the model (%u tensors expected, "
                            "starting with '%s')", path, t->name, slots->len,
                            slots->len > 0 ? g_array_index (slots, Slot, 0).name : "none"),
               FALSE;
    }
  g_assert (matched == slots->len);
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);
      BpTensor *t = bp_safetensors_find (tensors, s->name);

      memcpy (s->values, t->data, t->count * sizeof (float));
    }
  return TRUE;
}

/* ---- Writing the JSON --------------------------------------------------- */

static void
add_double (BpJsonWriter *w,
            const char   *name,
            double        v)
{
  bp_json_key (w, name);
  bp_json_double_value (w, v);
}

static void
add_int (BpJsonWriter *w,
         const char   *name,
         gint64        v)
{
  bp_json_key (w, name);
  bp_json_int_value (w, v);
}

static void
add_string (BpJsonWriter *w,
            const char   *name,
            const char   *v)
{
  bp_json_key (w, name);
  bp_json_string_value (w, v);
}

static void
add_bool (BpJsonWriter *w,
          const char   *name,
          gboolean      v)
{
  bp_json_key (w, name);
  bp_json_bool_value (w, v);
}

static void
add_floats (BpJsonWriter *w,
            const char   *name,
            const float  *v,
            size_t        n)
{
  bp_json_key (w, name);
  bp_json_begin_array (w);
  for (size_t i = 0; i < n; i++)
    bp_json_float_value (w, v[i]);
  bp_json_end_array (w);
}

static const char *const kind_names[] = { "builtin", "named", "csv", "idx", NULL };
static const char *const header_names[] = { "auto", "no", "yes", NULL };
static const char *const csv_task_names[] = { "auto", "classification", "regression", NULL };
static const char *const missing_names[] = { "error", "drop", "mean", NULL };
static const char *const task_names[] = { "classification", "regression", NULL };
static const char *const layer_names[] = { "dense", "activation", "dropout", "batchnorm", NULL };

static const char *
delimiter_name (char d)
{
  switch (d)
    {
    case ',': return ",";
    case ';': return ";";
    case '\t': return "tab";
    default: return "auto";
    }
}

static void
build_data (BpJsonWriter    *b,
            const BpProject *p)
{
  const nn_data_source *d = &p->data;

  bp_json_key (b, "data");
  bp_json_begin_object (b);
  add_string (b, "source", d->name);
  add_string (b, "kind", kind_names[d->kind]);
  if (d->kind == NN_SOURCE_BUILTIN)
    {
      bp_json_key (b, "generate");
      bp_json_begin_object (b);
      add_int (b, "samples", (gint64) d->generate.samples);
      add_double (b, "noise", d->generate.noise);
      add_int (b, "classes", (gint64) d->generate.classes);
      add_int (b, "seed", (gint64) d->generate.seed);
      bp_json_end_object (b);
    }
  if (d->kind == NN_SOURCE_CSV)
    {
      bp_json_key (b, "csv");
      bp_json_begin_object (b);
      add_string (b, "header", header_names[d->csv.header + 1]);
      add_string (b, "delimiter", delimiter_name (d->csv.delimiter));
      add_string (b, "label_column", d->label_column);
      add_string (b, "target_columns", d->target_columns);
      add_string (b, "task", csv_task_names[d->csv.task]);
      add_string (b, "missing", missing_names[d->csv.missing]);
      bp_json_end_object (b);
    }
  bp_json_key (b, "split");
  bp_json_begin_object (b);
  add_double (b, "validation", d->split.val_fraction);
  add_double (b, "test", d->split.test_fraction);
  add_int (b, "seed", (gint64) d->split.seed);
  add_bool (b, "stratify", d->split.stratify);
  bp_json_end_object (b);
  add_string (b, "scale", nn_scale_kind_name (d->scale));
  if (p->k > 0)
    {
      add_string (b, "task", task_names[p->task]);
      add_int (b, "features", (gint64) p->spec.inputs);
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          bp_json_key (b, "classes");
          bp_json_begin_array (b);
          for (size_t i = 0; i < p->k; i++)
            bp_json_string_value (b, p->class_names[i]);
          bp_json_end_array (b);
        }
      else
        add_int (b, "targets", (gint64) p->k);
    }
  if (p->scaler != NULL)
    {
      bp_json_key (b, "scaler");
      bp_json_begin_object (b);
      add_string (b, "kind", nn_scale_kind_name (p->scaler->kind));
      add_floats (b, "offset", p->scaler->offset, p->scaler->d);
      add_floats (b, "factor", p->scaler->factor, p->scaler->d);
      bp_json_end_object (b);
    }
  if (p->fill_means != NULL)
    add_floats (b, "fill_means", p->fill_means, p->spec.inputs);
  bp_json_end_object (b);
}

static void
build_model (BpJsonWriter    *b,
             const BpProject *p,
             nn_model        *model)
{
  const nn_model_spec *s = &p->spec;

  bp_json_key (b, "model");
  bp_json_begin_object (b);
  add_int (b, "inputs", (gint64) s->inputs);
  add_string (b, "loss", nn_loss_name (s->loss));
  bp_json_key (b, "layers");
  bp_json_begin_array (b);
  for (size_t i = 0; i < s->n_layers; i++)
    {
      const nn_layer_spec *l = &s->layers[i];

      bp_json_begin_object (b);
      add_string (b, "type", layer_names[l->kind]);
      switch (l->kind)
        {
        case NN_LAYER_DENSE:
          add_int (b, "units", (gint64) l->units);
          add_string (b, "activation", l->activation == NN_ACT_IDENTITY ? "none"
                      : nn_activation_name (l->activation));
          add_string (b, "init", nn_init_name (l->init));
          break;
        case NN_LAYER_ACTIVATION:
          add_string (b, "activation", nn_activation_name (l->activation));
          break;
        case NN_LAYER_DROPOUT:
          bp_json_key (b, "rate");
          bp_json_float_value (b, l->rate);
          break;
        case NN_LAYER_BATCHNORM:
        case NN_LAYER_COUNT:
          break;
        }
      bp_json_end_object (b);
    }
  bp_json_end_array (b);
  if (model != NULL)
    {
      /* For people reading the file: the modules as PyTorch prints them. */
      bp_json_key (b, "torch");
      bp_json_begin_array (b);
      for (size_t i = 0; i < nn_model_n_ops (model); i++)
        {
          char desc[64];

          nn_model_describe_op (model, i, desc, sizeof desc);
          bp_json_string_value (b, desc);
        }
      bp_json_end_array (b);
      add_int (b, "parameters", (gint64) nn_model_n_params (model));
    }
  bp_json_end_object (b);
}

static void
build_training (BpJsonWriter    *b,
                const BpProject *p)
{
  const nn_trainer_params *t = &p->training;
  const nn_schedule_params *s = &t->schedule;

  bp_json_key (b, "training");
  bp_json_begin_object (b);
  add_string (b, "optimizer", nn_optimizer_name (t->opt.kind));
  add_double (b, "lr", t->opt.lr);
  add_double (b, "momentum", t->opt.momentum);
  add_double (b, "dampening", t->opt.dampening);
  add_bool (b, "nesterov", t->opt.nesterov);
  add_double (b, "beta1", t->opt.beta1);
  add_double (b, "beta2", t->opt.beta2);
  add_double (b, "eps", t->opt.eps);
  add_double (b, "alpha", t->opt.alpha);
  add_double (b, "weight_decay", t->opt.weight_decay);
  add_double (b, "lr_decay", t->opt.lr_decay);
  add_double (b, "initial_accumulator", t->opt.initial_accumulator);
  add_int (b, "batch", (gint64) t->batch);
  add_int (b, "epochs", t->epochs);
  add_bool (b, "shuffle", t->shuffle);
  add_int (b, "seed", (gint64) t->seed);
  add_double (b, "l1", t->l1);
  add_double (b, "clip_norm", t->clip_norm);
  add_double (b, "clip_value", t->clip_value);
  add_int (b, "early_stop", t->early_stop);
  bp_json_key (b, "schedule");
  bp_json_begin_object (b);
  add_string (b, "kind", nn_schedule_name (s->kind));
  add_int (b, "step_size", s->step_size);
  add_double (b, "gamma", s->gamma);
  add_int (b, "t_max", s->t_max);
  add_double (b, "min_lr", s->min_lr);
  add_double (b, "factor", s->factor);
  add_int (b, "patience", s->patience);
  add_double (b, "threshold", s->threshold);
  add_int (b, "cooldown", s->cooldown);
  add_int (b, "warmup", s->warmup);
  bp_json_end_object (b);
  bp_json_end_object (b);
}

static void
build_run (BpJsonWriter    *b,
           const BpProject *p)
{
  bp_json_key (b, "run");
  bp_json_begin_object (b);
  add_string (b, "state", p->run_state);
  add_int (b, "epochs", p->run_epochs);
  add_int (b, "steps", (gint64) p->run_steps);
  add_int (b, "best_epoch", p->best_epoch);
  add_double (b, "seconds", p->run_seconds);
  if (p->test_part != NULL)
    {
      bp_json_key (b, "test");
      bp_json_begin_object (b);
      add_string (b, "part", p->test_part);
      add_double (b, "loss", p->test_loss);
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          add_double (b, "accuracy", p->test_accuracy);
          add_double (b, "macro_f1", p->test_macro_f1);
        }
      else
        {
          add_double (b, "mse", p->test_mse);
          add_double (b, "mae", p->test_mae);
          add_double (b, "r2", p->test_r2);
        }
      bp_json_end_object (b);
    }
  bp_json_key (b, "history");
  bp_json_begin_array (b);
  for (guint i = 0; i < p->history->len; i++)
    {
      const BpRunEpoch *r = &g_array_index (p->history, BpRunEpoch, i);

      bp_json_begin_object (b);
      add_int (b, "epoch", r->epoch);
      add_double (b, "train_loss", r->train_loss);
      add_double (b, "train_accuracy", r->train_accuracy);
      add_double (b, "val_loss", r->val_loss);
      add_double (b, "val_accuracy", r->val_accuracy);
      add_double (b, "lr", r->lr);
      add_double (b, "samples_per_s", r->samples_per_s);
      add_double (b, "seconds", r->seconds);
      bp_json_end_object (b);
    }
  bp_json_end_array (b);
  bp_json_end_object (b);
}

/* The diagnosis's history: the stride, the step samples (step, epoch,
 * loss, lr, grad_norm, then per op the seven statistics of nn_op_stats),
 * the per-epoch dead fractions and the divergence, with every double in
 * the fewest digits that read back exactly, so `backprop diagnose` reads
 * the very numbers the run had. */
static void
build_diagnosis (BpJsonWriter     *b,
                 const nn_history *h)
{
  size_t n_ops = nn_history_n_ops (h);
  const nn_divergence *d = nn_history_divergence (h);

  bp_json_key (b, "diagnosis");
  bp_json_begin_object (b);
  add_int (b, "ops", (gint64) n_ops);
  add_int (b, "stride", (gint64) nn_history_stride (h));
  bp_json_key (b, "steps");
  bp_json_begin_array (b);
  for (size_t i = 0; i < nn_history_n_steps (h); i++)
    {
      const nn_step_sample *sample = nn_history_step (h, i);
      const nn_op_stats *ops = nn_history_step_ops (h, i);

      bp_json_begin_array (b);
      bp_json_int_value (b, (gint64) sample->step);
      bp_json_int_value (b, sample->epoch);
      bp_json_double_value (b, sample->loss);
      bp_json_double_value (b, sample->lr);
      bp_json_double_value (b, sample->grad_norm);
      for (size_t k = 0; k < n_ops; k++)
        {
          bp_json_double_value (b, ops[k].grad_norm);
          bp_json_double_value (b, ops[k].weight_norm);
          bp_json_double_value (b, ops[k].update_ratio);
          bp_json_double_value (b, ops[k].act_mean);
          bp_json_double_value (b, ops[k].act_std);
          bp_json_double_value (b, ops[k].dead_fraction);
          bp_json_double_value (b, ops[k].saturated_fraction);
        }
      bp_json_end_array (b);
    }
  bp_json_end_array (b);
  bp_json_key (b, "dead");
  bp_json_begin_array (b);
  for (size_t i = 0; i < nn_history_n_epochs (h); i++)
    {
      const double *dead = nn_history_epoch_dead (h, i);

      bp_json_begin_array (b);
      for (size_t k = 0; k < n_ops; k++)
        bp_json_double_value (b, dead[k]);
      bp_json_end_array (b);
    }
  bp_json_end_array (b);
  if (d != NULL)
    {
      bp_json_key (b, "divergence");
      bp_json_begin_object (b);
      add_int (b, "step", (gint64) d->step);
      add_int (b, "epoch", d->epoch);
      bp_json_key (b, "op");
      if (d->op == SIZE_MAX)
        bp_json_null_value (b);
      else
        bp_json_int_value (b, (gint64) d->op);
      add_string (b, "what", d->what);
      add_double (b, "last_loss", d->last_loss);
      add_string (b, "message", d->message);
      bp_json_end_object (b);
    }
  bp_json_end_object (b);
}

gboolean
bp_project_save (BpProject         *p,
                 const char        *json_path,
                 nn_model          *model,
                 const nn_history  *history,
                 GError           **error)
{
  g_autoptr (BpJsonWriter) b = bp_json_writer_new (TRUE);
  g_autofree char *weights = bp_project_weights_path (json_path);
  g_autofree char *weights_name = g_path_get_basename (weights);
  g_autofree char *text = NULL;

  /* The weights first: a project file never names weights not yet there. */
  if (model != NULL && !bp_project_save_weights (weights, model, p->run_steps, error))
    return FALSE;

  bp_json_begin_object (b);
  add_int (b, "backprop", BP_PROJECT_VERSION);
  build_data (b, p);
  build_model (b, p, model);
  build_training (b, p);
  if (model != NULL)
    add_string (b, "weights", weights_name);
  if (p->run_state != NULL)
    build_run (b, p);
  if (history != NULL && p->run_state != NULL)
    build_diagnosis (b, history);
  bp_json_end_object (b);
  text = g_strconcat (bp_json_writer_text (b), "\n", NULL);
  if (!g_file_set_contents_full (json_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 error))
    {
      g_prefix_error (error, "%s: ", json_path);
      return FALSE;
    }
  return TRUE;
}

/* ---- Reading the JSON --------------------------------------------------- */

/* Field access that names the field in every error: "FILE: PATH: …". */
typedef struct
{
  const char *file;
  GError    **error;
} Reader;

static gboolean
bad (Reader     *r,
     const char *path,
     const char *fmt,
     ...) G_GNUC_PRINTF (3, 4);

static gboolean
bad (Reader     *r,
     const char *path,
     const char *fmt,
     ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (r->error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_FORMAT, "%s: %s: %s", r->file, path,
               msg);
  return FALSE;
}

static char *
member_path (const char *path,
             const char *key)
{
  return path[0] != '\0' ? g_strdup_printf ("%s.%s", path, key) : g_strdup (key);
}

/* The member @key of @o, which must be there unless @optional. */
static JsonNode *
member (Reader     *r,
        JsonObject *o,
        const char *path,
        const char *key,
        gboolean    optional,
        gboolean   *failed)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n == NULL && !optional)
    {
      g_autofree char *p = member_path (path, key);

      *failed = !bad (r, p, "missing");
    }
  return n;
}

static JsonObject *
get_object (Reader     *r,
            JsonObject *o,
            const char *path,
            const char *key,
            gboolean    optional)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, optional, &failed);
  g_autofree char *p = member_path (path, key);

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      bad (r, p, "expected an object");
      return NULL;
    }
  return json_node_get_object (n);
}

static gboolean
get_number (Reader     *r,
            JsonObject *o,
            const char *path,
            const char *key,
            double      min,
            double      max,
            gboolean    null_is_nan,
            double     *out)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);
  GType t;
  double v;

  if (failed)
    return FALSE;
  if (null_is_nan && JSON_NODE_HOLDS_NULL (n))
    {
      *out = NAN;
      return TRUE;
    }
  t = JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_INVALID;
  if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
    return bad (r, p, "expected a number");
  v = t == G_TYPE_DOUBLE ? json_node_get_double (n) : (double) json_node_get_int (n);
  if (!(v >= min && v <= max) && max >= G_MAXDOUBLE)
    return bad (r, p, "expected a number ≥ %g, not %g", min, v);
  if (!(v >= min && v <= max))
    return bad (r, p, "expected a number in [%g, %g], not %g", min, max, v);
  *out = v;
  return TRUE;
}

static gboolean
get_int (Reader     *r,
         JsonObject *o,
         const char *path,
         const char *key,
         gint64      min,
         gint64      max,
         gint64     *out)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);
  gint64 v;

  if (failed)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return bad (r, p, "expected a whole number");
  v = json_node_get_int (n);
  if (v < min || v > max)
    return bad (r, p, "expected a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                ", not %" G_GINT64_FORMAT, min, max, v);
  *out = v;
  return TRUE;
}

static gboolean
get_bool (Reader     *r,
          JsonObject *o,
          const char *path,
          const char *key,
          bool       *out)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);

  if (failed)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return bad (r, p, "expected true or false");
  *out = json_node_get_boolean (n);
  return TRUE;
}

static const char *
get_string (Reader     *r,
            JsonObject *o,
            const char *path,
            const char *key)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);

  if (failed)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      bad (r, p, "expected a string");
      return NULL;
    }
  return json_node_get_string (n);
}

/* A string that must be one of @names (NULL-terminated); its index. */
static gboolean
get_choice (Reader            *r,
            JsonObject        *o,
            const char        *path,
            const char        *key,
            const char *const *names,
            int               *out)
{
  const char *v = get_string (r, o, path, key);
  g_autofree char *p = member_path (path, key);
  g_autofree char *list = NULL;

  if (v == NULL)
    return FALSE;
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp (v, names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  list = g_strjoinv (", ", (char **) names);
  return bad (r, p, "unknown value '%.64s'; expected one of %s", v, list);
}

/* An array of exactly @n numbers into floats. */
static gboolean
get_floats (Reader     *r,
            JsonObject *o,
            const char *path,
            const char *key,
            size_t      n,
            float      *out)
{
  gboolean failed = FALSE;
  JsonNode *node = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);
  JsonArray *a;

  if (failed)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad (r, p, "expected an array of %zu numbers", n);
  a = json_node_get_array (node);
  if (json_array_get_length (a) != n)
    return bad (r, p, "expected %zu numbers, found %u", n, json_array_get_length (a));
  for (size_t i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, (guint) i);
      GType t = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_value_type (e) : G_TYPE_INVALID;
      double v;

      if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
        return bad (r, p, "element %zu is not a number", i);
      v = t == G_TYPE_DOUBLE ? json_node_get_double (e) : (double) json_node_get_int (e);
      if (!isfinite ((float) v))
        return bad (r, p, "element %zu is not a finite float", i);
      out[i] = (float) v;
    }
  return TRUE;
}

static const char *
generator_name_cb (int i)
{
  return nn_generator_name ((nn_generator) i);
}

/* Lists names through @fn into a NULL-terminated array (freed with g_free
 * only: the strings are static). */
static const char **
names_of (const char *(*fn) (int),
          int          count,
          int          first)
{
  const char **names = g_new0 (const char *, count - first + 1);

  for (int i = first; i < count; i++)
    names[i - first] = fn (i);
  return names;
}

static const char *
scale_name_cb (int i)
{
  return nn_scale_kind_name ((nn_scale_kind) i);
}

static const char *
loss_name_cb (int i)
{
  return nn_loss_name ((nn_loss) i);
}

static const char *
optimizer_name_cb (int i)
{
  return nn_optimizer_name ((nn_optimizer) i);
}

static const char *
schedule_name_cb (int i)
{
  return nn_schedule_name ((nn_schedule_kind) i);
}

static const char *
activation_name_cb (int i)
{
  return i == NN_ACT_IDENTITY ? "none" : nn_activation_name ((nn_activation) i);
}

static const char *
init_name_cb (int i)
{
  return nn_init_name ((nn_init) i);
}

static gboolean
read_data (Reader     *r,
           JsonObject *root,
           BpProject  *p)
{
  static const char *const delimiters[] = { "auto", ",", ";", "tab", NULL };
  g_autofree const char **generators = names_of (generator_name_cb, NN_GEN_COUNT, 0);
  g_autofree const char **scales = names_of (scale_name_cb, NN_SCALE_COUNT, 0);
  nn_data_source *d = &p->data;
  JsonObject *o = get_object (r, root, "", "data", FALSE), *split, *scaler;
  const char *source;
  gint64 i64;
  int pick;

  if (o == NULL)
    return FALSE;
  if ((source = get_string (r, o, "data", "source")) == NULL
      || !get_choice (r, o, "data", "kind", (const char *const *) kind_names, &pick))
    return FALSE;
  if (source[0] == '\0' || strlen (source) >= sizeof d->name)
    return bad (r, "data.source", "expected a data set name or a path of 1 to %zu bytes",
                sizeof d->name - 1);
  d->kind = (nn_source_kind) pick;
  g_strlcpy (d->name, source, sizeof d->name);
  if (d->kind == NN_SOURCE_BUILTIN)
    {
      JsonObject *gen;
      double noise;

      if (!get_choice (r, o, "data", "source", generators, &pick))
        return FALSE;
      d->generate = nn_generate_params_default ((nn_generator) pick);
      if ((gen = get_object (r, o, "data", "generate", FALSE)) == NULL
          || !get_int (r, gen, "data.generate", "samples", 1, 10000000, &i64))
        return FALSE;
      d->generate.samples = (size_t) i64;
      if (!get_number (r, gen, "data.generate", "noise", 0, 100, FALSE, &noise))
        return FALSE;
      d->generate.noise = noise;
      if (!get_int (r, gen, "data.generate", "classes", 0, 64, &i64))
        return FALSE;
      d->generate.classes = (size_t) i64;
      if (!get_int (r, gen, "data.generate", "seed", 0, G_MAXINT64, &i64))
        return FALSE;
      d->generate.seed = (guint64) i64;
    }
  else if (d->kind == NN_SOURCE_NAMED && strcmp (source, "fashion-mnist") != 0
           && strcmp (source, "mnist") != 0)
    return bad (r, "data.source", "'%.64s' is not an installed data set; expected "
                "fashion-mnist or mnist", source);
  if (d->kind == NN_SOURCE_CSV)
    {
      JsonObject *csv = get_object (r, o, "data", "csv", FALSE);
      const char *label, *targets;

      if (csv == NULL)
        return FALSE;
      if (!get_choice (r, csv, "data.csv", "header", header_names, &pick))
        return FALSE;
      d->csv.header = pick - 1;
      if (!get_choice (r, csv, "data.csv", "delimiter", delimiters, &pick))
        return FALSE;
      d->csv.delimiter = "\0,;\t"[pick];
      if ((label = get_string (r, csv, "data.csv", "label_column")) == NULL
          || (targets = get_string (r, csv, "data.csv", "target_columns")) == NULL)
        return FALSE;
      if (strlen (label) >= sizeof d->label_column || strlen (targets) >= sizeof d->target_columns)
        return bad (r, "data.csv", "a column list is too long");
      nn_data_source_set_columns (d, label, targets);
      if (!get_choice (r, csv, "data.csv", "task", csv_task_names, &pick))
        return FALSE;
      d->csv.task = (nn_csv_task) pick;
      if (!get_choice (r, csv, "data.csv", "missing", missing_names, &pick))
        return FALSE;
      d->csv.missing = (nn_missing) pick;
    }
  if ((split = get_object (r, o, "data", "split", FALSE)) == NULL
      || !get_number (r, split, "data.split", "validation", 0, 0.999999, FALSE,
                      &d->split.val_fraction)
      || !get_number (r, split, "data.split", "test", 0, 0.999999, FALSE,
                      &d->split.test_fraction)
      || !get_int (r, split, "data.split", "seed", 0, G_MAXINT64, &i64))
    return FALSE;
  d->split.seed = (guint64) i64;
  if (!get_bool (r, split, "data.split", "stratify", &d->split.stratify))
    return FALSE;
  if (d->split.val_fraction + d->split.test_fraction >= 1.0)
    return bad (r, "data.split", "validation and test leave no rows for training");
  if (!get_choice (r, o, "data", "scale", scales, &pick))
    return FALSE;
  d->scale = (nn_scale_kind) pick;

  /* What the data turned out to be, once they were seen. */
  if (json_object_has_member (o, "task"))
    {
      if (!get_choice (r, o, "data", "task", task_names, &pick)
          || !get_int (r, o, "data", "features", 1, NN_DATASET_MAX_FLOATS, &i64))
        return FALSE;
      p->task = (nn_task) pick;
      p->spec.inputs = (size_t) i64;
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          JsonNode *n = json_object_get_member (o, "classes");
          JsonArray *a;

          if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
            return bad (r, "data.classes", "expected an array of class names");
          a = json_node_get_array (n);
          if (json_array_get_length (a) < 2 || json_array_get_length (a) > 65536)
            return bad (r, "data.classes", "expected 2 to 65536 class names, found %u",
                        json_array_get_length (a));
          p->k = json_array_get_length (a);
          p->class_names = g_new0 (char *, p->k);
          for (guint i = 0; i < p->k; i++)
            {
              JsonNode *e = json_array_get_element (a, i);

              if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
                return bad (r, "data.classes", "element %u is not a string", i);
              p->class_names[i] = g_strdup (json_node_get_string (e));
            }
        }
      else
        {
          if (!get_int (r, o, "data", "targets", 1, 65536, &i64))
            return FALSE;
          p->k = (size_t) i64;
        }
    }
  if ((scaler = get_object (r, o, "data", "scaler", TRUE)) != NULL)
    {
      g_autofree float *offset = NULL, *factor = NULL;

      if (p->k == 0)
        return bad (r, "data.scaler", "a scaler needs data.task and data.features");
      if (!get_choice (r, scaler, "data.scaler", "kind", scales, &pick))
        return FALSE;
      offset = g_new (float, p->spec.inputs);
      factor = g_new (float, p->spec.inputs);
      if (!get_floats (r, scaler, "data.scaler", "offset", p->spec.inputs, offset)
          || !get_floats (r, scaler, "data.scaler", "factor", p->spec.inputs, factor))
        return FALSE;
      p->scaler = nn_scaler_new_from ((nn_scale_kind) pick, p->spec.inputs, offset, factor, NULL);
      if (p->scaler == NULL)
        return bad (r, "data.scaler", "the factors must be finite and not 0");
    }
  else if (*r->error != NULL)
    return FALSE;
  if (json_object_has_member (o, "fill_means"))
    {
      if (p->k == 0)
        return bad (r, "data.fill_means", "fill means need data.task and data.features");
      p->fill_means = g_new (float, p->spec.inputs);
      if (!get_floats (r, o, "data", "fill_means", p->spec.inputs, p->fill_means))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_layer (Reader        *r,
            JsonNode      *node,
            guint          i,
            nn_layer_spec *l)
{
  g_autofree const char **acts = names_of (activation_name_cb, NN_ACT_COUNT, 0);
  g_autofree const char **inits = names_of (init_name_cb, NN_INIT_COUNT, 0);
  g_autofree char *path = g_strdup_printf ("model.layers[%u]", i);
  JsonObject *o;
  gint64 i64;
  double rate;
  int pick;

  memset (l, 0, sizeof *l);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad (r, path, "expected an object with a type");
  o = json_node_get_object (node);
  if (!get_choice (r, o, path, "type", layer_names, &pick))
    return FALSE;
  l->kind = (nn_layer_kind) pick;
  switch (l->kind)
    {
    case NN_LAYER_DENSE:
      if (!get_int (r, o, path, "units", 1, NN_SPEC_MAX_UNITS, &i64)
          || !get_choice (r, o, path, "activation", acts, &pick))
        return FALSE;
      l->units = (size_t) i64;
      l->activation = (nn_activation) pick;
      if (!get_choice (r, o, path, "init", inits, &pick))
        return FALSE;
      l->init = (nn_init) pick;
      break;
    case NN_LAYER_ACTIVATION:
      if (!get_choice (r, o, path, "activation", acts, &pick))
        return FALSE;
      if (pick == NN_ACT_IDENTITY)
        return bad (r, path, "an activation layer needs an activation, not none");
      l->activation = (nn_activation) pick;
      break;
    case NN_LAYER_DROPOUT:
      if (!get_number (r, o, path, "rate", 0, 1, FALSE, &rate))
        return FALSE;
      if (rate >= 1.0)
        return bad (r, path, "rate must be below 1");
      l->rate = (float) rate;
      break;
    case NN_LAYER_BATCHNORM:
    case NN_LAYER_COUNT:
      break;
    }
  return TRUE;
}

static gboolean
read_model (Reader     *r,
            JsonObject *root,
            BpProject  *p)
{
  g_autofree const char **losses = names_of (loss_name_cb, NN_LOSS_COUNT, 0);
  JsonObject *o = get_object (r, root, "", "model", FALSE);
  nn_error err = { 0 };
  JsonNode *n;
  JsonArray *a;
  gint64 i64;
  int pick;

  if (o == NULL)
    return FALSE;
  if (!get_int (r, o, "model", "inputs", 1, NN_DATASET_MAX_FLOATS, &i64))
    return FALSE;
  if (p->k > 0 && (size_t) i64 != p->spec.inputs)
    return bad (r, "model.inputs", "%" G_GINT64_FORMAT " but data.features is %zu", i64,
                p->spec.inputs);
  p->spec.inputs = (size_t) i64;
  if (!get_choice (r, o, "model", "loss", losses, &pick))
    return FALSE;
  p->spec.loss = (nn_loss) pick;
  n = json_object_get_member (o, "layers");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bad (r, "model.layers", n == NULL ? "missing" : "expected an array of layers");
  a = json_node_get_array (n);
  if (json_array_get_length (a) < 1 || json_array_get_length (a) > NN_SPEC_MAX_LAYERS)
    return bad (r, "model.layers", "expected 1 to %d layers, found %u", NN_SPEC_MAX_LAYERS,
                json_array_get_length (a));
  p->spec.n_layers = json_array_get_length (a);
  for (guint i = 0; i < p->spec.n_layers; i++)
    if (!read_layer (r, json_array_get_element (a, i), i, &p->spec.layers[i]))
      return FALSE;
  if (p->k > 0 && nn_model_spec_check (&p->spec, p->task, p->k, &err) != NN_OK)
    return bad (r, "model", "%s", err.msg);
  return TRUE;
}

static gboolean
read_training (Reader     *r,
               JsonObject *root,
               BpProject  *p)
{
  g_autofree const char **optimizers = names_of (optimizer_name_cb, NN_OPT_COUNT, 0);
  g_autofree const char **schedules = names_of (schedule_name_cb, NN_SCHEDULE_COUNT, 0);
  JsonObject *o = get_object (r, root, "", "training", FALSE), *s;
  nn_trainer_params *t = &p->training;
  nn_error err = { 0 };
  gint64 i64;
  int pick;

  if (o == NULL || !get_choice (r, o, "training", "optimizer", optimizers, &pick))
    return FALSE;
  t->opt = nn_optimizer_params_default ((nn_optimizer) pick);
  if (!get_number (r, o, "training", "lr", 0, G_MAXDOUBLE, FALSE, &t->opt.lr)
      || !get_number (r, o, "training", "momentum", 0, 1, FALSE, &t->opt.momentum)
      || !get_number (r, o, "training", "dampening", 0, 1, FALSE, &t->opt.dampening)
      || !get_bool (r, o, "training", "nesterov", &t->opt.nesterov)
      || !get_number (r, o, "training", "beta1", 0, 1, FALSE, &t->opt.beta1)
      || !get_number (r, o, "training", "beta2", 0, 1, FALSE, &t->opt.beta2)
      || !get_number (r, o, "training", "eps", 0, G_MAXDOUBLE, FALSE, &t->opt.eps)
      || !get_number (r, o, "training", "alpha", 0, 1, FALSE, &t->opt.alpha)
      || !get_number (r, o, "training", "weight_decay", 0, G_MAXDOUBLE, FALSE,
                      &t->opt.weight_decay)
      || !get_number (r, o, "training", "lr_decay", 0, G_MAXDOUBLE, FALSE, &t->opt.lr_decay)
      || !get_number (r, o, "training", "initial_accumulator", 0, G_MAXDOUBLE, FALSE,
                      &t->opt.initial_accumulator)
      || !get_int (r, o, "training", "batch", 0, 1 << 24, &i64))
    return FALSE;
  t->batch = (size_t) i64;
  if (!get_int (r, o, "training", "epochs", 1, 1000000, &i64))
    return FALSE;
  t->epochs = (int) i64;
  if (!get_bool (r, o, "training", "shuffle", &t->shuffle)
      || !get_int (r, o, "training", "seed", 0, G_MAXINT64, &i64))
    return FALSE;
  t->seed = (guint64) i64;
  if (!get_number (r, o, "training", "l1", 0, G_MAXDOUBLE, FALSE, &t->l1)
      || !get_number (r, o, "training", "clip_norm", 0, G_MAXDOUBLE, FALSE, &t->clip_norm)
      || !get_number (r, o, "training", "clip_value", 0, G_MAXDOUBLE, FALSE, &t->clip_value)
      || !get_int (r, o, "training", "early_stop", 0, 1000000, &i64))
    return FALSE;
  t->early_stop = (int) i64;

  s = get_object (r, o, "training", "schedule", FALSE);
  if (s == NULL || !get_choice (r, s, "training.schedule", "kind", schedules, &pick))
    return FALSE;
  t->schedule = nn_schedule_params_default ((nn_schedule_kind) pick);
  if (!get_int (r, s, "training.schedule", "step_size", 1, 1000000, &i64))
    return FALSE;
  t->schedule.step_size = (int) i64;
  if (!get_number (r, s, "training.schedule", "gamma", 0, 1, FALSE, &t->schedule.gamma)
      || !get_int (r, s, "training.schedule", "t_max", 0, 1000000, &i64))
    return FALSE;
  t->schedule.t_max = (int) i64;
  if (!get_number (r, s, "training.schedule", "min_lr", 0, G_MAXDOUBLE, FALSE,
                   &t->schedule.min_lr)
      || !get_number (r, s, "training.schedule", "factor", 0, 1, FALSE, &t->schedule.factor)
      || !get_int (r, s, "training.schedule", "patience", 0, 1000000, &i64))
    return FALSE;
  t->schedule.patience = (int) i64;
  if (!get_number (r, s, "training.schedule", "threshold", 0, G_MAXDOUBLE, FALSE,
                   &t->schedule.threshold)
      || !get_int (r, s, "training.schedule", "cooldown", 0, 1000000, &i64))
    return FALSE;
  t->schedule.cooldown = (int) i64;
  if (!get_int (r, s, "training.schedule", "warmup", 0, G_MAXINT32, &i64))
    return FALSE;
  t->schedule.warmup = (int) i64;
  if (nn_trainer_params_check (t, &err) != NN_OK)
    return bad (r, "training", "%s", err.msg);
  return TRUE;
}

static gboolean
read_run (Reader     *r,
          JsonObject *root,
          BpProject  *p)
{
  JsonObject *o = get_object (r, root, "", "run", TRUE), *test;
  const char *state;
  JsonNode *n;
  gint64 i64;

  if (o == NULL)
    return *r->error == NULL;
  if ((state = get_string (r, o, "run", "state")) == NULL
      || !get_int (r, o, "run", "epochs", 0, 1000000, &i64))
    return FALSE;
  p->run_state = g_strdup (state);
  p->run_epochs = (int) i64;
  if (!get_int (r, o, "run", "steps", 0, G_MAXINT64, &i64))
    return FALSE;
  p->run_steps = (guint64) i64;
  if (!get_int (r, o, "run", "best_epoch", 0, 1000000, &i64))
    return FALSE;
  p->best_epoch = (int) i64;
  if (!get_number (r, o, "run", "seconds", 0, G_MAXDOUBLE, TRUE, &p->run_seconds))
    return FALSE;
  if ((test = get_object (r, o, "run", "test", TRUE)) != NULL)
    {
      const char *part = get_string (r, test, "run.test", "part");

      if (part == NULL || !get_number (r, test, "run.test", "loss", -G_MAXDOUBLE, G_MAXDOUBLE,
                                       TRUE, &p->test_loss))
        return FALSE;
      p->test_part = g_strdup (part);
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          if (!get_number (r, test, "run.test", "accuracy", 0, 1, TRUE, &p->test_accuracy)
              || !get_number (r, test, "run.test", "macro_f1", 0, 1, TRUE, &p->test_macro_f1))
            return FALSE;
        }
      else if (!get_number (r, test, "run.test", "mse", 0, G_MAXDOUBLE, TRUE, &p->test_mse)
               || !get_number (r, test, "run.test", "mae", 0, G_MAXDOUBLE, TRUE, &p->test_mae)
               || !get_number (r, test, "run.test", "r2", -G_MAXDOUBLE, 1, TRUE, &p->test_r2))
        return FALSE;
    }
  else if (*r->error != NULL)
    return FALSE;
  n = json_object_get_member (o, "history");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bad (r, "run.history", n == NULL ? "missing" : "expected an array of epochs");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (n)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (n), i);
      g_autofree char *path = g_strdup_printf ("run.history[%u]", i);
      BpRunEpoch rec;
      JsonObject *eo;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        return bad (r, path, "expected an object");
      eo = json_node_get_object (e);
      if (!get_int (r, eo, path, "epoch", 1, 1000000, &i64))
        return FALSE;
      rec.epoch = (int) i64;
      if (!get_number (r, eo, path, "train_loss", -G_MAXDOUBLE, G_MAXDOUBLE, TRUE,
                       &rec.train_loss)
          || !get_number (r, eo, path, "train_accuracy", 0, 1, TRUE, &rec.train_accuracy)
          || !get_number (r, eo, path, "val_loss", -G_MAXDOUBLE, G_MAXDOUBLE, TRUE,
                          &rec.val_loss)
          || !get_number (r, eo, path, "val_accuracy", 0, 1, TRUE, &rec.val_accuracy)
          || !get_number (r, eo, path, "lr", 0, G_MAXDOUBLE, TRUE, &rec.lr)
          || !get_number (r, eo, path, "samples_per_s", 0, G_MAXDOUBLE, TRUE,
                          &rec.samples_per_s)
          || !get_number (r, eo, path, "seconds", 0, G_MAXDOUBLE, TRUE, &rec.seconds))
        return FALSE;
      g_array_append_val (p->history, rec);
    }
  return TRUE;
}

/* A JSON number (null: NaN) of @a at @i into @out. */
static gboolean
array_number (JsonArray *a,
              guint      i,
              double    *out)
{
  JsonNode *e = json_array_get_element (a, i);
  GType t;

  if (JSON_NODE_HOLDS_NULL (e))
    {
      *out = NAN;
      return TRUE;
    }
  t = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_value_type (e) : G_TYPE_INVALID;
  if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (e);
  else if (t == G_TYPE_INT64)
    *out = (double) json_node_get_int (e);
  else
    return FALSE;
  return TRUE;
}

static gboolean
read_diagnosis (Reader     *r,
                JsonObject *root,
                BpProject  *p)
{
  JsonObject *o = get_object (r, root, "", "diagnosis", TRUE), *div;
  JsonNode *n;
  JsonArray *steps, *dead;
  gint64 ops, stride;
  nn_error err = { 0 };
  g_autofree nn_op_stats *stats = NULL;
  g_autofree double *dead_row = NULL;

  if (o == NULL)
    return *r->error == NULL;
  if (p->run_state == NULL)
    return bad (r, "diagnosis", "a run's history needs the run");
  if (!get_int (r, o, "diagnosis", "ops", 1, 2 * NN_SPEC_MAX_LAYERS, &ops)
      || !get_int (r, o, "diagnosis", "stride", 1, G_MAXINT64, &stride))
    return FALSE;
  if ((size_t) ops != nn_model_spec_count_ops (&p->spec))
    return bad (r, "diagnosis.ops", "a history of %" G_GINT64_FORMAT " modules, but the model "
                "has %zu", ops, nn_model_spec_count_ops (&p->spec));
  n = json_object_get_member (o, "steps");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bad (r, "diagnosis.steps", "expected an array of step samples");
  steps = json_node_get_array (n);
  if (json_array_get_length (steps) > NN_HISTORY_MAX_STEPS)
    return bad (r, "diagnosis.steps", "more than %d samples", NN_HISTORY_MAX_STEPS);
  n = json_object_get_member (o, "dead");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bad (r, "diagnosis.dead", "expected an array per epoch");
  dead = json_node_get_array (n);
  if (json_array_get_length (dead) != p->history->len)
    return bad (r, "diagnosis.dead", "%u entries for %u epochs", json_array_get_length (dead),
                p->history->len);

  p->run_history = nn_history_new ((size_t) ops, &err);
  if (p->run_history == NULL)
    return bad (r, "diagnosis", "%s", err.msg);
  nn_history_restore_stride (p->run_history, (guint64) stride);
  stats = g_new0 (nn_op_stats, ops);
  dead_row = g_new0 (double, ops);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonNode *e = json_array_get_element (steps, i);
      g_autofree char *path = g_strdup_printf ("diagnosis.steps[%u]", i);
      nn_step_sample sample;
      JsonArray *a;
      double v[5];

      if (!JSON_NODE_HOLDS_ARRAY (e)
          || json_array_get_length (a = json_node_get_array (e)) != 5 + 7 * (guint) ops)
        return bad (r, path, "expected %" G_GINT64_FORMAT " numbers", 5 + 7 * ops);
      for (guint k = 0; k < 5; k++)
        if (!array_number (a, k, &v[k]))
          return bad (r, path, "element %u is not a number", k);
      if (!(v[0] >= 0 && v[0] < 9e18 && v[1] >= 0 && v[1] <= 1e6))
        return bad (r, path, "the step and epoch must be whole numbers ≥ 0");
      sample = (nn_step_sample) { .step = (guint64) v[0], .epoch = (int) v[1], .loss = v[2],
                                  .lr = v[3], .grad_norm = v[4] };
      for (gint64 k = 0; k < ops; k++)
        {
          double x[7];

          for (guint j = 0; j < 7; j++)
            if (!array_number (a, 5 + 7 * (guint) k + j, &x[j]))
              return bad (r, path, "element %u is not a number", 5 + 7 * (guint) k + j);
          stats[k] = (nn_op_stats) { x[0], x[1], x[2], x[3], x[4], x[5], x[6] };
        }
      if (nn_history_restore_step (p->run_history, &sample, stats, &err) != NN_OK)
        return bad (r, path, "%s", err.msg);
    }
  for (guint i = 0; i < p->history->len; i++)
    {
      const BpRunEpoch *rec = &g_array_index (p->history, BpRunEpoch, i);
      JsonNode *e = json_array_get_element (dead, i);
      g_autofree char *path = g_strdup_printf ("diagnosis.dead[%u]", i);
      nn_epoch_sample sample = {
        .epoch = rec->epoch, .train_loss = rec->train_loss,
        .train_accuracy = rec->train_accuracy, .has_val = isfinite (rec->val_loss),
        .val_loss = rec->val_loss, .val_accuracy = rec->val_accuracy, .lr = rec->lr,
        .samples_per_s = rec->samples_per_s, .seconds = rec->seconds,
      };
      JsonArray *a;

      if (!JSON_NODE_HOLDS_ARRAY (e) || json_array_get_length (a = json_node_get_array (e))
          != (guint) ops)
        return bad (r, path, "expected %" G_GINT64_FORMAT " numbers", ops);
      for (guint k = 0; k < (guint) ops; k++)
        if (!array_number (a, k, &dead_row[k]))
          return bad (r, path, "element %u is not a number", k);
      if (nn_history_restore_epoch (p->run_history, &sample, dead_row, &err) != NN_OK)
        return bad (r, path, "%s", err.msg);
    }
  if ((div = get_object (r, o, "diagnosis", "divergence", TRUE)) != NULL)
    {
      nn_divergence d = { 0 };
      const char *what, *message;
      gint64 i64;
      JsonNode *op;

      if (!get_int (r, div, "diagnosis.divergence", "step", 0, G_MAXINT64, &i64))
        return FALSE;
      d.step = (guint64) i64;
      if (!get_int (r, div, "diagnosis.divergence", "epoch", 0, 1000000, &i64))
        return FALSE;
      d.epoch = (int) i64;
      op = json_object_get_member (div, "op");
      if (op == NULL || JSON_NODE_HOLDS_NULL (op))
        d.op = SIZE_MAX;
      else if (!get_int (r, div, "diagnosis.divergence", "op", 0, ops - 1, &i64))
        return FALSE;
      else
        d.op = (size_t) i64;
      if ((what = get_string (r, div, "diagnosis.divergence", "what")) == NULL
          || (message = get_string (r, div, "diagnosis.divergence", "message")) == NULL
          || !get_number (r, div, "diagnosis.divergence", "last_loss", -G_MAXDOUBLE,
                          G_MAXDOUBLE, TRUE, &d.last_loss))
        return FALSE;
      g_strlcpy (d.what, what, sizeof d.what);
      g_strlcpy (d.message, message, sizeof d.message);
      nn_history_set_divergence (p->run_history, &d);
    }
  else if (*r->error != NULL)
    return FALSE;
  return TRUE;
}

BpProject *
bp_project_load (const char  *json_path,
                 GError     **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *text = NULL;
  gsize len;

  if (!g_file_get_contents (json_path, &text, &len, &local))
    {
      g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_IO, "%s", local->message);
      return NULL;
    }
  return bp_project_parse (json_path, text, len, error);
}

BpProject *
bp_project_parse (const char  *json_path,
                  const char  *text,
                  gsize        len,
                  GError     **error)
{
  g_autoptr (BpProject) p = bp_project_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  GError *inner = NULL;
  Reader r = { .file = json_path, .error = &inner };
  JsonObject *root;
  gint64 version;

  if (!g_utf8_validate (text, (gssize) len, NULL))
    {
      g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_FORMAT, "%s: not UTF-8 text",
                   json_path);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local))
    {
      /* json-glib says "<data>:LINE:COLUMN: Parse error: …"; name the file. */
      const char *msg = local->message;

      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_FORMAT, "%s:%s", json_path, msg);
      return NULL;
    }
  /* An empty text parses to no root at all. */
  if (json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_FORMAT, "%s: not a Backprop "
                   "project (the top level is not a JSON object)", json_path);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (!get_int (&r, root, "", "backprop", 1, G_MAXINT32, &version))
    goto fail;
  if (version > BP_PROJECT_VERSION)
    {
      bad (&r, "backprop", "version %" G_GINT64_FORMAT " is newer than this program reads (%d)",
           version, BP_PROJECT_VERSION);
      goto fail;
    }
  if (!read_data (&r, root, p) || !read_model (&r, root, p) || !read_training (&r, root, p)
      || !read_run (&r, root, p) || !read_diagnosis (&r, root, p))
    goto fail;
  if (json_object_has_member (root, "weights"))
    {
      const char *weights = get_string (&r, root, "", "weights");
      g_autofree char *dir = g_path_get_dirname (json_path);

      if (weights == NULL)
        goto fail;
      if (weights[0] == '\0' || strchr (weights, '/') != NULL)
        {
          bad (&r, "weights", "expected the name of a file beside the project");
          goto fail;
        }
      p->weights = g_build_filename (dir, weights, NULL);
    }
  return g_steal_pointer (&p);

fail:
  g_propagate_error (error, inner);
  return NULL;
}
