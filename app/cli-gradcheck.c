/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "json-writer.h"
#include "options.h"
#include "project.h"

static int
run (const BpOptions *o,
     GError         **error)
{
  g_autoptr (BpProject) p = NULL;
  g_autofree nn_gradcheck_op *result = NULL;
  nn_loaded_data loaded = { 0 };
  nn_gradcheck_params gp = nn_gradcheck_params_default ();
  nn_model *model = NULL;
  nn_dataset train;
  nn_error err = { 0 };
  static const char *const verdict_names[] = {
    [NN_GRADCHECK_NONE] = "-", [NN_GRADCHECK_PASS] = "ok", [NN_GRADCHECK_FAIL] = "FAIL",
    [NN_GRADCHECK_UNRESOLVED] = "unresolved",
  };
  double tolerance = 1e-2, worst = 0.0, resolution = 0.0;
  gint64 rows = 16;
  size_t n, skipped = 0, checked = 0, unresolved = 0;
  int status = BP_EXIT_USAGE;

  if (o->rows != NULL && !bp_cli_parse_int ("--rows", o->rows, 1, 4096, &rows, error))
    return BP_EXIT_USAGE;
  if (o->tolerance != NULL
      && !bp_cli_parse_double ("--tolerance", o->tolerance, 0, 1, TRUE, FALSE, &tolerance, error))
    return BP_EXIT_USAGE;
  p = o->project != NULL ? bp_project_load (o->project, error) : bp_project_new ();
  if (p == NULL)
    return BP_EXIT_USAGE;
  if (!bp_options_apply_data (o, &p->data, error) || !bp_options_apply_model (o, &p->spec, error)
      || !bp_options_apply_threads (o, error))
    return BP_EXIT_USAGE;
  if (o->seed != NULL)
    p->training.seed = p->data.split.seed;
  if (nn_data_source_load (&p->data, &loaded, &err) != NN_OK)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
      goto out;
    }
  if (o->loss == NULL && o->project == NULL && loaded.data->task == NN_TASK_REGRESSION)
    p->spec.loss = NN_LOSS_MSE;
  bp_project_set_data (p, &loaded);
  if (p->spec.n_layers == 0)
    bp_options_default_layers (&p->spec, p->task, p->k);
  if (nn_model_spec_check (&p->spec, p->task, p->k, &err) != NN_OK)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--layers: %s", err.msg);
      goto out;
    }
  train = nn_loaded_data_train (&loaded);
  n = MIN ((size_t) rows, train.n);
  model = nn_model_new (&p->spec, n, &err);
  if (model == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--layers: %s", err.msg);
      goto out;
    }
  nn_model_init_params (model, p->training.seed);
  /* A trained project is checked at its trained weights. */
  if (o->project != NULL && o->layers == NULL && p->weights != NULL
      && !bp_project_load_weights (p->weights, model, error))
    goto out;

  result = g_new0 (nn_gradcheck_op, nn_model_n_ops (model));
  gp.seed = p->training.seed;
  if (nn_gradcheck (model, train.x, train.y, train.t, n, &gp, result, &err) != NN_OK)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
      goto out;
    }
  if (!o->json)
    printf ("%-12s %-22s %12s %12s  %s\n", "layer", "module", "parameters", "input", "result");
  for (size_t i = 0; i < nn_model_n_ops (model); i++)
    {
      const nn_gradcheck_op *r = &result[i];
      nn_gradcheck_verdict verdict = nn_gradcheck_judge (r, tolerance);
      char desc[64], name[32];

      nn_model_describe_op (model, i, desc, sizeof desc);
      g_snprintf (name, sizeof name, "layers.%zu", i);
      if (isfinite (r->max_error))
        worst = fmax (worst, r->max_error);
      skipped += r->skipped;
      checked += r->checked;
      unresolved += r->unresolved;
      resolution = r->resolution;
      if (o->json)
        {
          g_autoptr (BpJsonWriter) w = bp_json_writer_new (FALSE);

          bp_json_begin_object (w);
          bp_json_key (w, "layer");
          bp_json_int_value (w, (gint64) i);
          bp_json_key (w, "module");
          bp_json_string_value (w, desc);
          bp_json_key (w, "param_error");
          bp_json_double_value (w, r->param_error);
          bp_json_key (w, "input_error");
          bp_json_double_value (w, r->input_error);
          bp_json_key (w, "checked");
          bp_json_int_value (w, (gint64) r->checked);
          bp_json_key (w, "skipped");
          bp_json_int_value (w, (gint64) r->skipped);
          bp_json_key (w, "unresolved");
          bp_json_int_value (w, (gint64) r->unresolved);
          bp_json_key (w, "resolved");
          bp_json_bool_value (w, verdict != NN_GRADCHECK_UNRESOLVED);
          bp_json_key (w, "pass");
          bp_json_bool_value (w, verdict != NN_GRADCHECK_FAIL);
          bp_json_end_object (w);
          printf ("%s\n", bp_json_writer_text (w));
        }
      else
        {
          char pe[32] = "-", ie[32] = "-";

          if (isfinite (r->param_error))
            g_snprintf (pe, sizeof pe, "%.2e", r->param_error);
          if (isfinite (r->input_error))
            g_snprintf (ie, sizeof ie, "%.2e", r->input_error);
          printf ("%-12s %-22s %12s %12s  %s\n", name, desc, pe, ie, verdict_names[verdict]);
        }
    }
  status = worst > tolerance ? BP_EXIT_FAILED : BP_EXIT_OK;
  if (o->json)
    printf ("{\"pass\":%s,\"max_error\":%.3g,\"tolerance\":%g,\"rows\":%zu,\"skipped\":%zu,"
            "\"resolution\":%.3g,\"checked\":%zu,\"unresolved\":%zu}\n",
            status == BP_EXIT_OK ? "true" : "false", worst, tolerance, n, skipped, resolution,
            checked, unresolved);
  else
    {
      printf ("gradient check %s: largest relative error %.2e (tolerance %.0e) on %zu rows\n",
              status == BP_EXIT_OK ? "passed" : "FAILED", worst, tolerance, n);
      if (skipped > 0)
        printf ("%zu entries at a ReLU kink left out\n", skipped);
      printf ("differences within %.1e, what float32 finite differences resolve here, count as "
              "agreement", resolution);
      if (unresolved > 0)
        printf ("; %zu of %zu entries are that close to 0 and unresolved", unresolved, checked);
      printf ("\n");
    }

out:
  fflush (stdout);
  nn_model_free (model);
  nn_loaded_data_clear (&loaded);
  return status;
}

int
bp_cli_gradcheck (int    argc,
                  char **argv)
{
  g_auto (BpOptions) o = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("- check back-propagation");
  g_autoptr (GError) error = NULL;
  int status;

  g_option_context_set_summary (context, "Compares the gradients of back-propagation with "
                                "central finite differences on a batch of the data, layer by "
                                "layer; exit status 1 above the tolerance.");
  bp_options_add_entries (context, &o, BP_OPTIONS_PROJECT | BP_OPTIONS_DATA | BP_OPTIONS_MODEL
                          | BP_OPTIONS_GRADCHECK | BP_OPTIONS_COMMON);
  if (!bp_options_parse (context, "gradcheck", &argc, &argv))
    return BP_EXIT_USAGE;
  status = run (&o, &error);
  if (error != NULL)
    bp_cli_fail ("gradcheck", error, status);
  return status;
}
