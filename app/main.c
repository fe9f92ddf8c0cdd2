/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <locale.h>
#include <string.h>

#include "application.h"
#include "cli.h"

static const char usage[] =
  "Usage: backprop [PROJECT.json]\n"
  "       backprop COMMAND [OPTIONS]\n"
  "\n"
  "Build, train and debug neural networks. Without a command, opens the window\n"
  "(and the project file given).\n"
  "\n"
  "Commands:\n"
  "  train       train a network headless and print its progress and test metrics\n"
  "  eval        score a trained project's model: accuracy, per-class figures, confusion\n"
  "  gradcheck   compare back-propagation with finite differences, layer by layer\n"
  "  check-data  look for problems in a data set before training\n"
  "  diagnose    say what went wrong in a saved run, and what to try\n"
  "\n"
  "Run 'backprop COMMAND --help' for the options of a command.\n";

static const char *const commands[] = { "train", "eval", "gradcheck", "check-data", "diagnose",
                                        NULL };

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers are printed and parsed the same way in every locale. */
  setlocale (LC_NUMERIC, "C");

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
                    || strcmp (argv[1], "help") == 0))
    {
      fputs (usage, stdout);
      return BP_EXIT_OK;
    }
  if (argc >= 2 && strcmp (argv[1], "--version") == 0)
    {
      printf ("backprop %s\n", BP_VERSION);
      return BP_EXIT_OK;
    }
  if (argc >= 2 && strcmp (argv[1], "train") == 0)
    return bp_cli_train (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "eval") == 0)
    return bp_cli_eval (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "gradcheck") == 0)
    return bp_cli_gradcheck (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "check-data") == 0)
    return bp_cli_check_data (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "diagnose") == 0)
    return bp_cli_diagnose (argc - 1, argv + 1);

  /* Anything else that is not a project file to open is a typo of a
   * command, not a window to open. */
  if (argc >= 2 && argv[1][0] != '-' && !g_str_has_suffix (argv[1], ".json"))
    {
      g_autoptr (GString) list = g_string_new (NULL);

      for (int i = 0; commands[i] != NULL; i++)
        g_string_append_printf (list, "%s%s", i == 0 ? "" : commands[i + 1] == NULL ? " or "
                                : ", ", commands[i]);
      fprintf (stderr, "backprop: unknown command '%s'; use %s (see backprop --help), or "
               "give a project file (NAME.json) to open\n", argv[1], list->str);
      return BP_EXIT_USAGE;
    }
  /* The window (GTK keeps LC_NUMERIC as set above). */
  gtk_disable_setlocale ();
  {
    g_autoptr (BpApplication) app = bp_application_new ();

    return g_application_run (G_APPLICATION (app), argc, argv);
  }
}
