/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

G_BEGIN_DECLS

/* Exit statuses of DESIGN.md: success, a failed run, bad usage or input. */
#define BP_EXIT_OK 0
#define BP_EXIT_FAILED 1
#define BP_EXIT_USAGE 2

#define BP_CLI_ERROR (bp_cli_error_quark ())
GQuark bp_cli_error_quark (void);

typedef enum
{
  BP_CLI_ERROR_USAGE,
} BpCliError;

/* Each subcommand: parses its own arguments (argv[0] is the subcommand's
 * name) and returns the exit status. */
int bp_cli_train (int    argc,
                  char **argv);
int bp_cli_eval (int    argc,
                 char **argv);
int bp_cli_gradcheck (int    argc,
                      char **argv);
int bp_cli_check_data (int    argc,
                       char **argv);
int bp_cli_diagnose (int    argc,
                     char **argv);

/* Option value parsers: each takes the option's name for the message and
 * fails with BP_CLI_ERROR_USAGE saying what is allowed. */
gboolean bp_cli_parse_double (const char  *option,
                              const char  *text,
                              double       min,
                              double       max,
                              gboolean     min_open,
                              gboolean     max_open,
                              double      *out,
                              GError     **error);

gboolean bp_cli_parse_int (const char  *option,
                           const char  *text,
                           gint64       min,
                           gint64       max,
                           gint64      *out,
                           GError     **error);

/* Prints "backprop: MESSAGE" on stderr as one line. */
void bp_cli_print_error (const char *message);

/* Prints "backprop COMMAND: MESSAGE" for @error and returns @status. */
int bp_cli_fail (const char *command,
                 GError     *error,
                 int         status);

/* Appends a JSON number (%.9g, or null when not finite) to @s. */
void bp_json_number (GString *s,
                     double   v);

/* Appends a JSON string literal, escaped, to @s. */
void bp_json_string (GString    *s,
                     const char *v);

G_END_DECLS
