/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <locale.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
  "Usage: backprop COMMAND [OPTIONS]\n"
  "\n"
  "Build, train and debug neural networks.\n"
  "\n"
  "Commands:\n"
  "  train       train a network headless and print its progress and test metrics\n"
  "  eval        score a trained project's model: accuracy, per-class figures, confusion\n"
  "  gradcheck   compare back-propagation with finite differences, layer by layer\n"
  "  check-data  look for problems in a data set before training\n"
  "\n"
  "Run 'backprop COMMAND --help' for the options of a command.\n";

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers are printed and parsed the same way in every locale. */
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    {
      fputs (usage, stderr);
      return BP_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      fputs (usage, stdout);
      return BP_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("backprop %s\n", BP_VERSION);
      return BP_EXIT_OK;
    }
  if (strcmp (argv[1], "train") == 0)
    return bp_cli_train (argc - 1, argv + 1);
  if (strcmp (argv[1], "eval") == 0)
    return bp_cli_eval (argc - 1, argv + 1);
  if (strcmp (argv[1], "gradcheck") == 0)
    return bp_cli_gradcheck (argc - 1, argv + 1);
  if (strcmp (argv[1], "check-data") == 0)
    return bp_cli_check_data (argc - 1, argv + 1);

  fprintf (stderr, "backprop: unknown command '%s'; use train, eval, gradcheck or check-data "
           "(see backprop --help)\n", argv[1]);
  return BP_EXIT_USAGE;
}
