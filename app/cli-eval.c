/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <math.h>
#include <string.h>

#include "json-writer.h"
#include "options.h"
#include "project.h"
#include "report.h"

/* True when @a and @b name the same data, generated the same way. */
static gboolean
same_source (const nn_data_source *a,
             const nn_data_source *b)
{
  if (a->kind != b->kind || strcmp (a->name, b->name) != 0)
    return FALSE;
  if (a->kind == NN_SOURCE_BUILTIN)
    return a->generate.kind == b->generate.kind && a->generate.samples == b->generate.samples
           && a->generate.noise == b->generate.noise && a->generate.classes == b->generate.classes
           && a->generate.seed == b->generate.seed;
  return TRUE;
}

/* Renumbers the classes of @ds to the model's by their names, so that a
 * file whose labels are a subset or in another order is scored right. */
static gboolean
match_classes (nn_dataset      *ds,
               const BpProject *p,
               const char      *source,
               GError         **error)
{
  g_autofree int32_t *map = g_new (int32_t, ds->k);

  for (size_t j = 0; j < ds->k; j++)
    {
      const char *name = ds->class_names != NULL ? ds->class_names[j] : NULL;
      char fallback[32];

      if (name == NULL)
        {
          g_snprintf (fallback, sizeof fallback, "%zu", j);
          name = fallback;
        }
      map[j] = -1;
      for (size_t c = 0; c < p->k; c++)
        if (strcmp (name, p->class_names[c]) == 0)
          map[j] = (int32_t) c;
      if (map[j] < 0)
        return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: class '%.64s' is not "
                            "one the model was trained on (%zu classes, from '%.64s')", source,
                            name, p->k, p->class_names[0]), FALSE;
    }
  for (size_t i = 0; i < ds->n; i++)
    ds->y[i] = map[ds->y[i]];
  /* The set now speaks the model's classes. */
  for (size_t j = 0; j < ds->k; j++)
    g_free (ds->class_names != NULL ? ds->class_names[j] : NULL);
  g_free (ds->class_names);
  ds->class_names = NULL;
  ds->k = p->k;
  for (size_t c = 0; c < p->k; c++)
    nn_dataset_set_class_name (ds, c, p->class_names[c], NULL);
  return TRUE;
}

static int
run (const BpOptions *o,
     GError         **error)
{
  g_autoptr (BpProject) p = NULL;
  g_autofree char *weights = NULL;
  nn_data_source src;
  nn_dataset *raw = NULL, part;
  nn_model *model = NULL;
  BpResults results = { 0 };
  nn_error err = { 0 };
  const char *part_name;
  size_t n_test = 0;
  int status = BP_EXIT_USAGE;

  if (o->project == NULL)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--project is required: the "
                        "project file of a trained model"), BP_EXIT_USAGE;
  p = bp_project_load (o->project, error);
  if (p == NULL)
    return BP_EXIT_USAGE;
  if (p->k == 0 || p->scaler == NULL)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: the project has not been "
                        "trained yet (no data were seen)", o->project), BP_EXIT_USAGE;
  if (!bp_options_apply_threads (o, error))
    return BP_EXIT_USAGE;

  weights = p->weights != NULL ? g_strdup (p->weights) : bp_project_weights_path (o->project);
  model = nn_model_new (&p->spec, 1024, &err);
  if (model == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: %s", o->project, err.msg);
      goto out;
    }
  if (!bp_project_load_weights (weights, model, error))
    goto out;

  src = p->data;
  if (!bp_options_apply_data (o, &src, error))
    goto out;
  raw = nn_data_source_load_raw (&src, &n_test, &err);
  if (raw == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
      goto out;
    }
  if (raw->d != p->spec.inputs)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: %zu features, but the model "
                   "takes %zu", src.name, raw->d, p->spec.inputs);
      goto out;
    }
  if (raw->task != p->task || (p->task == NN_TASK_REGRESSION && raw->k != p->k))
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: %s data with %zu %s, but the "
                   "model was trained for %s with %zu", src.name,
                   raw->task == NN_TASK_CLASSIFICATION ? "classification" : "regression", raw->k,
                   raw->task == NN_TASK_CLASSIFICATION ? "classes" : "targets",
                   p->task == NN_TASK_CLASSIFICATION ? "classification" : "regression", p->k);
      goto out;
    }
  if (p->task == NN_TASK_CLASSIFICATION && !match_classes (raw, p, src.name, error))
    goto out;

  /* The project's own data give the same test rows as in training (the
   * split is seeded); other data are scored on their own test rows when
   * they bring some (IDX t10k), else on every row. */
  if (same_source (&src, &p->data))
    {
      nn_split_params split = p->data.split;
      nn_split parts;

      split.fixed_test = n_test;
      if (nn_dataset_split (raw, &split, &parts, &err) != NN_OK)
        {
          g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
          goto out;
        }
      part_name = parts.test > 0 ? "test" : parts.val > 0 ? "val" : "train";
      part = parts.test > 0 ? nn_dataset_view (raw, parts.train + parts.val, parts.test)
             : parts.val > 0 ? nn_dataset_view (raw, parts.train, parts.val)
             : nn_dataset_view (raw, 0, parts.train);
    }
  else if (n_test > 0)
    {
      part_name = "test";
      part = nn_dataset_view (raw, raw->n - n_test, n_test);
    }
  else
    {
      part_name = "all";
      part = nn_dataset_view (raw, 0, raw->n);
    }

  /* The training part's fill means and scaling, as the project stores them. */
  for (size_t i = 0; i < part.n * part.d; i++)
    if (isnan (part.x[i]))
      {
        if (p->fill_means == NULL)
          {
            g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: row %zu has missing "
                         "cells and the project has no means to fill them", src.name,
                         i / part.d + 1);
            goto out;
          }
        part.x[i] = p->fill_means[i % part.d];
      }
  nn_scaler_apply (p->scaler, &part);

  if (!bp_results_compute (&results, model, &part, part_name, p->class_names, error))
    goto out;
  if (o->json)
    {
      g_autoptr (BpJsonWriter) w = bp_json_writer_new (FALSE);

      bp_json_begin_object (w);
      bp_json_key (w, "part");
      bp_json_string_value (w, part_name);
      bp_results_json (&results, w, TRUE);
      bp_json_end_object (w);
      printf ("%s\n", bp_json_writer_text (w));
    }
  else
    bp_results_print (&results, TRUE);
  status = BP_EXIT_OK;

out:
  fflush (stdout);
  bp_results_clear (&results);
  nn_model_free (model);
  nn_dataset_free (raw);
  return status;
}

int
bp_cli_eval (int    argc,
             char **argv)
{
  g_auto (BpOptions) o = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("- evaluate a trained model");
  g_autoptr (GError) error = NULL;
  int status;

  g_option_context_set_summary (context, "Scores the model of a project file on its test rows, "
                                "or on other data: accuracy, per-class precision, recall and "
                                "F1 and the confusion matrix, or MSE, MAE and R².");
  bp_options_add_entries (context, &o, BP_OPTIONS_PROJECT | BP_OPTIONS_DATA | BP_OPTIONS_COMMON);
  if (!bp_options_parse (context, "eval", &argc, &argv))
    return BP_EXIT_USAGE;
  status = run (&o, &error);
  if (error != NULL)
    bp_cli_fail ("eval", error, status);
  return status;
}
