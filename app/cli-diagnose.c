/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include "diagnose.h"
#include "options.h"
#include "project.h"
#include "report.h"

#define MAX_FINDINGS 32

static int
run (const BpOptions *o,
     GError         **error)
{
  g_autoptr (BpProject) p = NULL;
  nn_finding findings[MAX_FINDINGS];
  nn_error err = { 0 };
  nn_model *model;
  size_t n;
  gboolean errors = FALSE;

  if (o->project == NULL)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--project is required: the "
                        "project file of a run"), BP_EXIT_USAGE;
  p = bp_project_load (o->project, error);
  if (p == NULL)
    return BP_EXIT_USAGE;
  if (p->run_history == NULL)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: the project holds no run "
                        "history (train it with backprop train --save, or save it from the "
                        "window after a run)", o->project), BP_EXIT_USAGE;
  /* The ops of the model the history belongs to (the project reader has
   * checked that they are as many); its weights do not matter. */
  model = nn_model_new (&p->spec, 1, &err);
  if (model == NULL)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: %s", o->project, err.msg),
           BP_EXIT_USAGE;
  n = MIN (nn_diagnose (p->run_history, model, &p->training, findings, MAX_FINDINGS),
           MAX_FINDINGS);
  for (size_t i = 0; i < n; i++)
    {
      bp_finding_print (&findings[i], o->json);
      errors |= findings[i].severity == NN_FINDING_ERROR;
    }
  if (!o->json && n == 0)
    printf ("no problems found in %d epochs\n", p->run_epochs);
  else if (!o->json)
    printf ("%zu finding%s in %d epochs\n", n, n == 1 ? "" : "s", p->run_epochs);
  fflush (stdout);
  nn_model_free (model);
  return errors ? BP_EXIT_FAILED : BP_EXIT_OK;
}

int
bp_cli_diagnose (int    argc,
                 char **argv)
{
  g_auto (BpOptions) o = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("- diagnose a saved run");
  g_autoptr (GError) error = NULL;
  int status;

  g_option_context_set_summary (context, "Reads the run history a project file keeps and prints "
                                "what went wrong and what to try, as the window showed it; "
                                "exit status 1 when a finding is an error.");
  bp_options_add_entries (context, &o, BP_OPTIONS_PROJECT | BP_OPTIONS_COMMON);
  if (!bp_options_parse (context, "diagnose", &argc, &argv))
    return BP_EXIT_USAGE;
  status = run (&o, &error);
  if (error != NULL)
    bp_cli_fail ("diagnose", error, status);
  return status;
}
