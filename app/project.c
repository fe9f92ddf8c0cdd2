/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "project-private.h"

#include <math.h>
#include <string.h>

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

/* ---- Writing the JSON --------------------------------------------------- */

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
  bp_json_add_string (b, "source", d->name);
  bp_json_add_string (b, "kind", kind_names[d->kind]);
  if (d->kind == NN_SOURCE_BUILTIN)
    {
      bp_json_key (b, "generate");
      bp_json_begin_object (b);
      bp_json_add_int (b, "samples", (gint64) d->generate.samples);
      bp_json_add_double (b, "noise", d->generate.noise);
      bp_json_add_int (b, "classes", (gint64) d->generate.classes);
      bp_json_add_int (b, "seed", (gint64) d->generate.seed);
      bp_json_end_object (b);
    }
  if (d->kind == NN_SOURCE_CSV)
    {
      bp_json_key (b, "csv");
      bp_json_begin_object (b);
      bp_json_add_string (b, "header", header_names[d->csv.header + 1]);
      bp_json_add_string (b, "delimiter", delimiter_name (d->csv.delimiter));
      bp_json_add_string (b, "label_column", d->label_column);
      bp_json_add_string (b, "target_columns", d->target_columns);
      bp_json_add_string (b, "task", csv_task_names[d->csv.task]);
      bp_json_add_string (b, "missing", missing_names[d->csv.missing]);
      bp_json_end_object (b);
    }
  bp_json_key (b, "split");
  bp_json_begin_object (b);
  bp_json_add_double (b, "validation", d->split.val_fraction);
  bp_json_add_double (b, "test", d->split.test_fraction);
  bp_json_add_int (b, "seed", (gint64) d->split.seed);
  bp_json_add_bool (b, "stratify", d->split.stratify);
  bp_json_end_object (b);
  bp_json_add_string (b, "scale", nn_scale_kind_name (d->scale));
  if (p->k > 0)
    {
      bp_json_add_string (b, "task", task_names[p->task]);
      bp_json_add_int (b, "features", (gint64) p->spec.inputs);
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          bp_json_key (b, "classes");
          bp_json_begin_array (b);
          for (size_t i = 0; i < p->k; i++)
            bp_json_string_value (b, p->class_names[i]);
          bp_json_end_array (b);
        }
      else
        bp_json_add_int (b, "targets", (gint64) p->k);
    }
  if (p->scaler != NULL)
    {
      bp_json_key (b, "scaler");
      bp_json_begin_object (b);
      bp_json_add_string (b, "kind", nn_scale_kind_name (p->scaler->kind));
      bp_json_add_floats (b, "offset", p->scaler->offset, p->scaler->d);
      bp_json_add_floats (b, "factor", p->scaler->factor, p->scaler->d);
      bp_json_end_object (b);
    }
  if (p->fill_means != NULL)
    bp_json_add_floats (b, "fill_means", p->fill_means, p->spec.inputs);
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
  bp_json_add_int (b, "inputs", (gint64) s->inputs);
  bp_json_add_string (b, "loss", nn_loss_name (s->loss));
  bp_json_key (b, "layers");
  bp_json_begin_array (b);
  for (size_t i = 0; i < s->n_layers; i++)
    {
      const nn_layer_spec *l = &s->layers[i];

      bp_json_begin_object (b);
      bp_json_add_string (b, "type", layer_names[l->kind]);
      switch (l->kind)
        {
        case NN_LAYER_DENSE:
          bp_json_add_int (b, "units", (gint64) l->units);
          bp_json_add_string (b, "activation", l->activation == NN_ACT_IDENTITY ? "none"
                              : nn_activation_name (l->activation));
          bp_json_add_string (b, "init", nn_init_name (l->init));
          break;
        case NN_LAYER_ACTIVATION:
          bp_json_add_string (b, "activation", nn_activation_name (l->activation));
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
      bp_json_add_int (b, "parameters", (gint64) nn_model_n_params (model));
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
  bp_json_add_string (b, "optimizer", nn_optimizer_name (t->opt.kind));
  bp_json_add_double (b, "lr", t->opt.lr);
  bp_json_add_double (b, "momentum", t->opt.momentum);
  bp_json_add_double (b, "dampening", t->opt.dampening);
  bp_json_add_bool (b, "nesterov", t->opt.nesterov);
  bp_json_add_double (b, "beta1", t->opt.beta1);
  bp_json_add_double (b, "beta2", t->opt.beta2);
  bp_json_add_double (b, "eps", t->opt.eps);
  bp_json_add_double (b, "alpha", t->opt.alpha);
  bp_json_add_double (b, "weight_decay", t->opt.weight_decay);
  bp_json_add_double (b, "lr_decay", t->opt.lr_decay);
  bp_json_add_double (b, "initial_accumulator", t->opt.initial_accumulator);
  bp_json_add_int (b, "batch", (gint64) t->batch);
  bp_json_add_int (b, "epochs", t->epochs);
  bp_json_add_bool (b, "shuffle", t->shuffle);
  bp_json_add_int (b, "seed", (gint64) t->seed);
  bp_json_add_double (b, "l1", t->l1);
  bp_json_add_double (b, "clip_norm", t->clip_norm);
  bp_json_add_double (b, "clip_value", t->clip_value);
  bp_json_add_int (b, "early_stop", t->early_stop);
  bp_json_key (b, "schedule");
  bp_json_begin_object (b);
  bp_json_add_string (b, "kind", nn_schedule_name (s->kind));
  bp_json_add_int (b, "step_size", s->step_size);
  bp_json_add_double (b, "gamma", s->gamma);
  bp_json_add_int (b, "t_max", s->t_max);
  bp_json_add_double (b, "min_lr", s->min_lr);
  bp_json_add_double (b, "factor", s->factor);
  bp_json_add_int (b, "patience", s->patience);
  bp_json_add_double (b, "threshold", s->threshold);
  bp_json_add_int (b, "cooldown", s->cooldown);
  bp_json_add_int (b, "warmup", s->warmup);
  bp_json_end_object (b);
  bp_json_end_object (b);
}

static void
build_run (BpJsonWriter    *b,
           const BpProject *p)
{
  bp_json_key (b, "run");
  bp_json_begin_object (b);
  bp_json_add_string (b, "state", p->run_state);
  bp_json_add_int (b, "epochs", p->run_epochs);
  bp_json_add_int (b, "steps", (gint64) p->run_steps);
  bp_json_add_int (b, "best_epoch", p->best_epoch);
  bp_json_add_double (b, "seconds", p->run_seconds);
  if (p->test_part != NULL)
    {
      bp_json_key (b, "test");
      bp_json_begin_object (b);
      bp_json_add_string (b, "part", p->test_part);
      bp_json_add_double (b, "loss", p->test_loss);
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          bp_json_add_double (b, "accuracy", p->test_accuracy);
          bp_json_add_double (b, "macro_f1", p->test_macro_f1);
        }
      else
        {
          bp_json_add_double (b, "mse", p->test_mse);
          bp_json_add_double (b, "mae", p->test_mae);
          bp_json_add_double (b, "r2", p->test_r2);
        }
      bp_json_end_object (b);
    }
  bp_json_key (b, "history");
  bp_json_begin_array (b);
  for (guint i = 0; i < p->history->len; i++)
    {
      const BpRunEpoch *r = &g_array_index (p->history, BpRunEpoch, i);

      bp_json_begin_object (b);
      bp_json_add_int (b, "epoch", r->epoch);
      bp_json_add_double (b, "train_loss", r->train_loss);
      bp_json_add_double (b, "train_accuracy", r->train_accuracy);
      bp_json_add_double (b, "val_loss", r->val_loss);
      bp_json_add_double (b, "val_accuracy", r->val_accuracy);
      bp_json_add_double (b, "lr", r->lr);
      bp_json_add_double (b, "samples_per_s", r->samples_per_s);
      bp_json_add_double (b, "seconds", r->seconds);
      bp_json_end_object (b);
    }
  bp_json_end_array (b);
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
  bp_json_add_int (b, "backprop", BP_PROJECT_VERSION);
  build_data (b, p);
  build_model (b, p, model);
  build_training (b, p);
  if (model != NULL)
    bp_json_add_string (b, "weights", weights_name);
  if (p->run_state != NULL)
    build_run (b, p);
  if (history != NULL && p->run_state != NULL)
    bp_project_build_diagnosis (b, history);
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
read_data (BpReader   *r,
           JsonObject *root,
           BpProject  *p)
{
  static const char *const delimiters[] = { "auto", ",", ";", "tab", NULL };
  g_autofree const char **generators = names_of (generator_name_cb, NN_GEN_COUNT, 0);
  g_autofree const char **scales = names_of (scale_name_cb, NN_SCALE_COUNT, 0);
  nn_data_source *d = &p->data;
  JsonObject *o = bp_read_object (r, root, "", "data", FALSE), *split, *scaler;
  const char *source;
  gint64 i64;
  int pick;

  if (o == NULL)
    return FALSE;
  if ((source = bp_read_string (r, o, "data", "source")) == NULL
      || !bp_read_choice (r, o, "data", "kind", (const char *const *) kind_names, &pick))
    return FALSE;
  if (source[0] == '\0' || strlen (source) >= sizeof d->name)
    return bp_read_bad (r, "data.source", "expected a data set name or a path of 1 to %zu bytes",
                        sizeof d->name - 1);
  d->kind = (nn_source_kind) pick;
  g_strlcpy (d->name, source, sizeof d->name);
  if (d->kind == NN_SOURCE_BUILTIN)
    {
      JsonObject *gen;
      double noise;

      if (!bp_read_choice (r, o, "data", "source", generators, &pick))
        return FALSE;
      d->generate = nn_generate_params_default ((nn_generator) pick);
      if ((gen = bp_read_object (r, o, "data", "generate", FALSE)) == NULL
          || !bp_read_int (r, gen, "data.generate", "samples", 1, 10000000, &i64))
        return FALSE;
      d->generate.samples = (size_t) i64;
      if (!bp_read_number (r, gen, "data.generate", "noise", 0, 100, FALSE, &noise))
        return FALSE;
      d->generate.noise = noise;
      if (!bp_read_int (r, gen, "data.generate", "classes", 0, 64, &i64))
        return FALSE;
      d->generate.classes = (size_t) i64;
      if (!bp_read_int (r, gen, "data.generate", "seed", 0, G_MAXINT64, &i64))
        return FALSE;
      d->generate.seed = (guint64) i64;
    }
  else if (d->kind == NN_SOURCE_NAMED && strcmp (source, "fashion-mnist") != 0
           && strcmp (source, "mnist") != 0)
    return bp_read_bad (r, "data.source", "'%.64s' is not an installed data set; expected "
                        "fashion-mnist or mnist", source);
  if (d->kind == NN_SOURCE_CSV)
    {
      JsonObject *csv = bp_read_object (r, o, "data", "csv", FALSE);
      const char *label, *targets;

      if (csv == NULL)
        return FALSE;
      if (!bp_read_choice (r, csv, "data.csv", "header", header_names, &pick))
        return FALSE;
      d->csv.header = pick - 1;
      if (!bp_read_choice (r, csv, "data.csv", "delimiter", delimiters, &pick))
        return FALSE;
      d->csv.delimiter = "\0,;\t"[pick];
      if ((label = bp_read_string (r, csv, "data.csv", "label_column")) == NULL
          || (targets = bp_read_string (r, csv, "data.csv", "target_columns")) == NULL)
        return FALSE;
      if (strlen (label) >= sizeof d->label_column || strlen (targets) >= sizeof d->target_columns)
        return bp_read_bad (r, "data.csv", "a column list is too long");
      nn_data_source_set_columns (d, label, targets);
      if (!bp_read_choice (r, csv, "data.csv", "task", csv_task_names, &pick))
        return FALSE;
      d->csv.task = (nn_csv_task) pick;
      if (!bp_read_choice (r, csv, "data.csv", "missing", missing_names, &pick))
        return FALSE;
      d->csv.missing = (nn_missing) pick;
    }
  if ((split = bp_read_object (r, o, "data", "split", FALSE)) == NULL
      || !bp_read_number (r, split, "data.split", "validation", 0, 0.999999, FALSE,
                          &d->split.val_fraction)
      || !bp_read_number (r, split, "data.split", "test", 0, 0.999999, FALSE,
                          &d->split.test_fraction)
      || !bp_read_int (r, split, "data.split", "seed", 0, G_MAXINT64, &i64))
    return FALSE;
  d->split.seed = (guint64) i64;
  if (!bp_read_bool (r, split, "data.split", "stratify", &d->split.stratify))
    return FALSE;
  if (d->split.val_fraction + d->split.test_fraction >= 1.0)
    return bp_read_bad (r, "data.split", "validation and test leave no rows for training");
  if (!bp_read_choice (r, o, "data", "scale", scales, &pick))
    return FALSE;
  d->scale = (nn_scale_kind) pick;

  /* What the data turned out to be, once they were seen. */
  if (json_object_has_member (o, "task"))
    {
      if (!bp_read_choice (r, o, "data", "task", task_names, &pick)
          || !bp_read_int (r, o, "data", "features", 1, NN_DATASET_MAX_FLOATS, &i64))
        return FALSE;
      p->task = (nn_task) pick;
      p->spec.inputs = (size_t) i64;
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          JsonNode *n = json_object_get_member (o, "classes");
          JsonArray *a;

          if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
            return bp_read_bad (r, "data.classes", "expected an array of class names");
          a = json_node_get_array (n);
          if (json_array_get_length (a) < 2 || json_array_get_length (a) > 65536)
            return bp_read_bad (r, "data.classes", "expected 2 to 65536 class names, found %u",
                                json_array_get_length (a));
          p->k = json_array_get_length (a);
          p->class_names = g_new0 (char *, p->k);
          for (guint i = 0; i < p->k; i++)
            {
              JsonNode *e = json_array_get_element (a, i);

              if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
                return bp_read_bad (r, "data.classes", "element %u is not a string", i);
              p->class_names[i] = g_strdup (json_node_get_string (e));
            }
        }
      else
        {
          if (!bp_read_int (r, o, "data", "targets", 1, 65536, &i64))
            return FALSE;
          p->k = (size_t) i64;
        }
    }
  if ((scaler = bp_read_object (r, o, "data", "scaler", TRUE)) != NULL)
    {
      g_autofree float *offset = NULL, *factor = NULL;

      if (p->k == 0)
        return bp_read_bad (r, "data.scaler", "a scaler needs data.task and data.features");
      if (!bp_read_choice (r, scaler, "data.scaler", "kind", scales, &pick))
        return FALSE;
      offset = g_new (float, p->spec.inputs);
      factor = g_new (float, p->spec.inputs);
      if (!bp_read_floats (r, scaler, "data.scaler", "offset", p->spec.inputs, offset)
          || !bp_read_floats (r, scaler, "data.scaler", "factor", p->spec.inputs, factor))
        return FALSE;
      p->scaler = nn_scaler_new_from ((nn_scale_kind) pick, p->spec.inputs, offset, factor, NULL);
      if (p->scaler == NULL)
        return bp_read_bad (r, "data.scaler", "the factors must be finite and not 0");
    }
  else if (*r->error != NULL)
    return FALSE;
  if (json_object_has_member (o, "fill_means"))
    {
      if (p->k == 0)
        return bp_read_bad (r, "data.fill_means", "fill means need data.task and data.features");
      p->fill_means = g_new (float, p->spec.inputs);
      if (!bp_read_floats (r, o, "data", "fill_means", p->spec.inputs, p->fill_means))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_layer (BpReader      *r,
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
    return bp_read_bad (r, path, "expected an object with a type");
  o = json_node_get_object (node);
  if (!bp_read_choice (r, o, path, "type", layer_names, &pick))
    return FALSE;
  l->kind = (nn_layer_kind) pick;
  switch (l->kind)
    {
    case NN_LAYER_DENSE:
      if (!bp_read_int (r, o, path, "units", 1, NN_SPEC_MAX_UNITS, &i64)
          || !bp_read_choice (r, o, path, "activation", acts, &pick))
        return FALSE;
      l->units = (size_t) i64;
      l->activation = (nn_activation) pick;
      if (!bp_read_choice (r, o, path, "init", inits, &pick))
        return FALSE;
      l->init = (nn_init) pick;
      break;
    case NN_LAYER_ACTIVATION:
      if (!bp_read_choice (r, o, path, "activation", acts, &pick))
        return FALSE;
      if (pick == NN_ACT_IDENTITY)
        return bp_read_bad (r, path, "an activation layer needs an activation, not none");
      l->activation = (nn_activation) pick;
      break;
    case NN_LAYER_DROPOUT:
      if (!bp_read_number (r, o, path, "rate", 0, 1, FALSE, &rate))
        return FALSE;
      if (rate >= 1.0)
        return bp_read_bad (r, path, "rate must be below 1");
      l->rate = (float) rate;
      break;
    case NN_LAYER_BATCHNORM:
    case NN_LAYER_COUNT:
      break;
    }
  return TRUE;
}

static gboolean
read_model (BpReader   *r,
            JsonObject *root,
            BpProject  *p)
{
  g_autofree const char **losses = names_of (loss_name_cb, NN_LOSS_COUNT, 0);
  JsonObject *o = bp_read_object (r, root, "", "model", FALSE);
  nn_error err = { 0 };
  JsonNode *n;
  JsonArray *a;
  gint64 i64;
  int pick;

  if (o == NULL)
    return FALSE;
  if (!bp_read_int (r, o, "model", "inputs", 1, NN_DATASET_MAX_FLOATS, &i64))
    return FALSE;
  if (p->k > 0 && (size_t) i64 != p->spec.inputs)
    return bp_read_bad (r, "model.inputs", "%" G_GINT64_FORMAT " but data.features is %zu", i64,
                        p->spec.inputs);
  p->spec.inputs = (size_t) i64;
  if (!bp_read_choice (r, o, "model", "loss", losses, &pick))
    return FALSE;
  p->spec.loss = (nn_loss) pick;
  n = json_object_get_member (o, "layers");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bp_read_bad (r, "model.layers", n == NULL ? "missing" : "expected an array of layers");
  a = json_node_get_array (n);
  if (json_array_get_length (a) < 1 || json_array_get_length (a) > NN_SPEC_MAX_LAYERS)
    return bp_read_bad (r, "model.layers", "expected 1 to %d layers, found %u", NN_SPEC_MAX_LAYERS,
                        json_array_get_length (a));
  p->spec.n_layers = json_array_get_length (a);
  for (guint i = 0; i < p->spec.n_layers; i++)
    if (!read_layer (r, json_array_get_element (a, i), i, &p->spec.layers[i]))
      return FALSE;
  if (p->k > 0 && nn_model_spec_check (&p->spec, p->task, p->k, &err) != NN_OK)
    return bp_read_bad (r, "model", "%s", err.msg);
  return TRUE;
}

static gboolean
read_training (BpReader   *r,
               JsonObject *root,
               BpProject  *p)
{
  g_autofree const char **optimizers = names_of (optimizer_name_cb, NN_OPT_COUNT, 0);
  g_autofree const char **schedules = names_of (schedule_name_cb, NN_SCHEDULE_COUNT, 0);
  JsonObject *o = bp_read_object (r, root, "", "training", FALSE), *s;
  nn_trainer_params *t = &p->training;
  nn_error err = { 0 };
  gint64 i64;
  int pick;

  if (o == NULL || !bp_read_choice (r, o, "training", "optimizer", optimizers, &pick))
    return FALSE;
  t->opt = nn_optimizer_params_default ((nn_optimizer) pick);
  if (!bp_read_number (r, o, "training", "lr", 0, G_MAXDOUBLE, FALSE, &t->opt.lr)
      || !bp_read_number (r, o, "training", "momentum", 0, 1, FALSE, &t->opt.momentum)
      || !bp_read_number (r, o, "training", "dampening", 0, 1, FALSE, &t->opt.dampening)
      || !bp_read_bool (r, o, "training", "nesterov", &t->opt.nesterov)
      || !bp_read_number (r, o, "training", "beta1", 0, 1, FALSE, &t->opt.beta1)
      || !bp_read_number (r, o, "training", "beta2", 0, 1, FALSE, &t->opt.beta2)
      || !bp_read_number (r, o, "training", "eps", 0, G_MAXDOUBLE, FALSE, &t->opt.eps)
      || !bp_read_number (r, o, "training", "alpha", 0, 1, FALSE, &t->opt.alpha)
      || !bp_read_number (r, o, "training", "weight_decay", 0, G_MAXDOUBLE, FALSE,
                          &t->opt.weight_decay)
      || !bp_read_number (r, o, "training", "lr_decay", 0, G_MAXDOUBLE, FALSE, &t->opt.lr_decay)
      || !bp_read_number (r, o, "training", "initial_accumulator", 0, G_MAXDOUBLE, FALSE,
                          &t->opt.initial_accumulator)
      || !bp_read_int (r, o, "training", "batch", 0, 1 << 24, &i64))
    return FALSE;
  t->batch = (size_t) i64;
  if (!bp_read_int (r, o, "training", "epochs", 1, 1000000, &i64))
    return FALSE;
  t->epochs = (int) i64;
  if (!bp_read_bool (r, o, "training", "shuffle", &t->shuffle)
      || !bp_read_int (r, o, "training", "seed", 0, G_MAXINT64, &i64))
    return FALSE;
  t->seed = (guint64) i64;
  if (!bp_read_number (r, o, "training", "l1", 0, G_MAXDOUBLE, FALSE, &t->l1)
      || !bp_read_number (r, o, "training", "clip_norm", 0, G_MAXDOUBLE, FALSE, &t->clip_norm)
      || !bp_read_number (r, o, "training", "clip_value", 0, G_MAXDOUBLE, FALSE, &t->clip_value)
      || !bp_read_int (r, o, "training", "early_stop", 0, 1000000, &i64))
    return FALSE;
  t->early_stop = (int) i64;

  s = bp_read_object (r, o, "training", "schedule", FALSE);
  if (s == NULL || !bp_read_choice (r, s, "training.schedule", "kind", schedules, &pick))
    return FALSE;
  t->schedule = nn_schedule_params_default ((nn_schedule_kind) pick);
  if (!bp_read_int (r, s, "training.schedule", "step_size", 1, 1000000, &i64))
    return FALSE;
  t->schedule.step_size = (int) i64;
  if (!bp_read_number (r, s, "training.schedule", "gamma", 0, 1, FALSE, &t->schedule.gamma)
      || !bp_read_int (r, s, "training.schedule", "t_max", 0, 1000000, &i64))
    return FALSE;
  t->schedule.t_max = (int) i64;
  if (!bp_read_number (r, s, "training.schedule", "min_lr", 0, G_MAXDOUBLE, FALSE,
                       &t->schedule.min_lr)
      || !bp_read_number (r, s, "training.schedule", "factor", 0, 1, FALSE, &t->schedule.factor)
      || !bp_read_int (r, s, "training.schedule", "patience", 0, 1000000, &i64))
    return FALSE;
  t->schedule.patience = (int) i64;
  if (!bp_read_number (r, s, "training.schedule", "threshold", 0, G_MAXDOUBLE, FALSE,
                       &t->schedule.threshold)
      || !bp_read_int (r, s, "training.schedule", "cooldown", 0, 1000000, &i64))
    return FALSE;
  t->schedule.cooldown = (int) i64;
  if (!bp_read_int (r, s, "training.schedule", "warmup", 0, G_MAXINT32, &i64))
    return FALSE;
  t->schedule.warmup = (int) i64;
  if (nn_trainer_params_check (t, &err) != NN_OK)
    return bp_read_bad (r, "training", "%s", err.msg);
  return TRUE;
}

static gboolean
read_run (BpReader   *r,
          JsonObject *root,
          BpProject  *p)
{
  JsonObject *o = bp_read_object (r, root, "", "run", TRUE), *test;
  const char *state;
  JsonNode *n;
  gint64 i64;

  if (o == NULL)
    return *r->error == NULL;
  if ((state = bp_read_string (r, o, "run", "state")) == NULL
      || !bp_read_int (r, o, "run", "epochs", 0, 1000000, &i64))
    return FALSE;
  p->run_state = g_strdup (state);
  p->run_epochs = (int) i64;
  if (!bp_read_int (r, o, "run", "steps", 0, G_MAXINT64, &i64))
    return FALSE;
  p->run_steps = (guint64) i64;
  if (!bp_read_int (r, o, "run", "best_epoch", 0, 1000000, &i64))
    return FALSE;
  p->best_epoch = (int) i64;
  if (!bp_read_number (r, o, "run", "seconds", 0, G_MAXDOUBLE, TRUE, &p->run_seconds))
    return FALSE;
  if ((test = bp_read_object (r, o, "run", "test", TRUE)) != NULL)
    {
      const char *part = bp_read_string (r, test, "run.test", "part");

      if (part == NULL || !bp_read_number (r, test, "run.test", "loss", -G_MAXDOUBLE, G_MAXDOUBLE,
                                           TRUE, &p->test_loss))
        return FALSE;
      p->test_part = g_strdup (part);
      if (p->task == NN_TASK_CLASSIFICATION)
        {
          if (!bp_read_number (r, test, "run.test", "accuracy", 0, 1, TRUE, &p->test_accuracy)
              || !bp_read_number (r, test, "run.test", "macro_f1", 0, 1, TRUE, &p->test_macro_f1))
            return FALSE;
        }
      else if (!bp_read_number (r, test, "run.test", "mse", 0, G_MAXDOUBLE, TRUE, &p->test_mse)
               || !bp_read_number (r, test, "run.test", "mae", 0, G_MAXDOUBLE, TRUE, &p->test_mae)
               || !bp_read_number (r, test, "run.test", "r2", -G_MAXDOUBLE, 1, TRUE, &p->test_r2))
        return FALSE;
    }
  else if (*r->error != NULL)
    return FALSE;
  n = json_object_get_member (o, "history");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bp_read_bad (r, "run.history", n == NULL ? "missing" : "expected an array of epochs");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (n)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (n), i);
      g_autofree char *path = g_strdup_printf ("run.history[%u]", i);
      BpRunEpoch rec;
      JsonObject *eo;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        return bp_read_bad (r, path, "expected an object");
      eo = json_node_get_object (e);
      if (!bp_read_int (r, eo, path, "epoch", 1, 1000000, &i64))
        return FALSE;
      rec.epoch = (int) i64;
      if (!bp_read_number (r, eo, path, "train_loss", -G_MAXDOUBLE, G_MAXDOUBLE, TRUE,
                           &rec.train_loss)
          || !bp_read_number (r, eo, path, "train_accuracy", 0, 1, TRUE, &rec.train_accuracy)
          || !bp_read_number (r, eo, path, "val_loss", -G_MAXDOUBLE, G_MAXDOUBLE, TRUE,
                              &rec.val_loss)
          || !bp_read_number (r, eo, path, "val_accuracy", 0, 1, TRUE, &rec.val_accuracy)
          || !bp_read_number (r, eo, path, "lr", 0, G_MAXDOUBLE, TRUE, &rec.lr)
          || !bp_read_number (r, eo, path, "samples_per_s", 0, G_MAXDOUBLE, TRUE,
                              &rec.samples_per_s)
          || !bp_read_number (r, eo, path, "seconds", 0, G_MAXDOUBLE, TRUE, &rec.seconds))
        return FALSE;
      g_array_append_val (p->history, rec);
    }
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
  BpReader r = { .file = json_path, .error = &inner };
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
  if (!bp_read_int (&r, root, "", "backprop", 1, G_MAXINT32, &version))
    goto fail;
  if (version > BP_PROJECT_VERSION)
    {
      bp_read_bad (&r, "backprop", "version %" G_GINT64_FORMAT " is newer than this program reads (%d)",
                   version, BP_PROJECT_VERSION);
      goto fail;
    }
  if (!read_data (&r, root, p) || !read_model (&r, root, p) || !read_training (&r, root, p)
      || !read_run (&r, root, p) || !bp_project_read_diagnosis (&r, root, p))
    goto fail;
  if (json_object_has_member (root, "weights"))
    {
      const char *weights = bp_read_string (&r, root, "", "weights");
      g_autofree char *dir = g_path_get_dirname (json_path);

      if (weights == NULL)
        goto fail;
      if (weights[0] == '\0' || strchr (weights, '/') != NULL)
        {
          bp_read_bad (&r, "weights", "expected the name of a file beside the project");
          goto fail;
        }
      p->weights = g_build_filename (dir, weights, NULL);
    }
  return g_steal_pointer (&p);

fail:
  g_propagate_error (error, inner);
  return NULL;
}
