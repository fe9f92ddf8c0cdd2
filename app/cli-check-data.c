/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <string.h>

#include "check.h"
#include "json-writer.h"
#include "options.h"
#include "source.h"

#define MAX_FINDINGS 64

static void
print_finding (const nn_check_finding *f,
               gboolean                json)
{
  if (json)
    {
      g_autoptr (BpJsonWriter) w = bp_json_writer_new (FALSE);

      bp_json_begin_object (w);
      bp_json_key (w, "severity");
      bp_json_string_value (w, nn_severity_name (f->severity));
      bp_json_key (w, "kind");
      bp_json_string_value (w, nn_check_kind_name (f->kind));
      bp_json_key (w, "count");
      bp_json_int_value (w, (gint64) f->count);
      bp_json_key (w, "examples");
      bp_json_begin_array (w);
      for (size_t i = 0; i < f->n_examples; i++)
        bp_json_int_value (w, (gint64) f->examples[i]);
      bp_json_end_array (w);
      bp_json_key (w, "message");
      bp_json_string_value (w, f->message);
      bp_json_key (w, "advice");
      bp_json_string_value (w, f->advice);
      bp_json_end_object (w);
      printf ("%s\n", bp_json_writer_text (w));
    }
  else
    printf ("%-8s %-16s %s\n%26s%s\n", nn_severity_name (f->severity),
            nn_check_kind_name (f->kind), f->message, "", f->advice);
}

static int
run (const BpOptions *o,
     GError         **error)
{
  nn_data_source src;
  nn_model_spec spec;
  nn_check_params cp = { 0 };
  nn_check_finding findings[MAX_FINDINGS];
  nn_dataset *raw;
  nn_split_params split_params;
  nn_split split;
  nn_error err = { 0 };
  size_t n_test = 0, total, counts[NN_SEVERITY_COUNT] = { 0 };

  nn_data_source_init (&src);
  nn_model_spec_init (&spec);
  if (!bp_options_apply_data (o, &src, error) || !bp_options_apply_model (o, &spec, error))
    return BP_EXIT_USAGE;
  raw = nn_data_source_load_raw (&src, &n_test, &err);
  if (raw == NULL)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg), BP_EXIT_USAGE;
  split_params = src.split;
  split_params.fixed_test = n_test;
  if (nn_dataset_split (raw, &split_params, &split, &err) != NN_OK)
    {
      nn_dataset_free (raw);
      return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg), BP_EXIT_USAGE;
    }

  /* The labels are checked against the model given, or the default one. */
  if (o->loss == NULL && raw->task == NN_TASK_REGRESSION)
    spec.loss = NN_LOSS_MSE;
  spec.inputs = raw->d;
  if (spec.n_layers == 0)
    bp_options_default_layers (&spec, raw->task, raw->k);
  cp.loss = spec.loss;
  cp.outputs = nn_model_spec_outputs (&spec);
  cp.params = nn_model_spec_count_params (&spec);
  cp.scaled = src.scale != NN_SCALE_NONE;
  total = nn_dataset_check (raw, &split, &cp, findings, MAX_FINDINGS, &err);
  if (total == SIZE_MAX)
    {
      nn_dataset_free (raw);
      return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg), BP_EXIT_USAGE;
    }
  if (!o->json)
    printf ("%s: %zu rows (%zu training, %zu validation, %zu test), %zu features, %zu %s\n",
            src.name, raw->n, split.train, split.val, split.test, raw->d, raw->k,
            raw->task == NN_TASK_CLASSIFICATION ? "classes" : "targets");
  for (size_t i = 0; i < MIN (total, MAX_FINDINGS); i++)
    {
      print_finding (&findings[i], o->json);
      counts[findings[i].severity]++;
    }
  if (o->json)
    printf ("{\"errors\":%zu,\"warnings\":%zu,\"notes\":%zu}\n", counts[NN_SEVERITY_ERROR],
            counts[NN_SEVERITY_WARNING], counts[NN_SEVERITY_INFO]);
  else if (total == 0)
    printf ("no problems found\n");
  else
    printf ("%zu error%s, %zu warning%s, %zu note%s\n", counts[NN_SEVERITY_ERROR],
            counts[NN_SEVERITY_ERROR] == 1 ? "" : "s", counts[NN_SEVERITY_WARNING],
            counts[NN_SEVERITY_WARNING] == 1 ? "" : "s", counts[NN_SEVERITY_INFO],
            counts[NN_SEVERITY_INFO] == 1 ? "" : "s");
  fflush (stdout);
  nn_dataset_free (raw);
  return counts[NN_SEVERITY_ERROR] > 0 ? BP_EXIT_FAILED : BP_EXIT_OK;
}

int
bp_cli_check_data (int    argc,
                   char **argv)
{
  g_auto (BpOptions) o = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("- check a data set");
  g_autoptr (GError) error = NULL;
  int status;

  g_option_context_set_summary (context, "Looks for what would spoil training: NaN or infinite "
                                "values, constant columns, duplicate rows, rows shared between "
                                "training and test, class imbalance, labels that do not fit "
                                "the loss, unscaled features and too few rows; exit status 1 "
                                "when an error is found.");
  bp_options_add_entries (context, &o, BP_OPTIONS_DATA | BP_OPTIONS_MODEL | BP_OPTIONS_COMMON);
  if (!bp_options_parse (context, "check-data", &argc, &argv))
    return BP_EXIT_USAGE;
  status = run (&o, &error);
  if (error != NULL)
    bp_cli_fail ("check-data", error, status);
  return status;
}
