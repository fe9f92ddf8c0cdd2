/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

G_DEFINE_QUARK (bp-cli-error-quark, bp_cli_error)

static const char *
bound_open (gboolean open,
            gboolean lower)
{
  if (lower)
    return open ? "(" : "[";
  return open ? ")" : "]";
}

gboolean
bp_cli_parse_double (const char  *option,
                     const char  *text,
                     double       min,
                     double       max,
                     gboolean     min_open,
                     gboolean     max_open,
                     double      *out,
                     GError     **error)
{
  char *end = NULL;
  double v;

  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (text[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite (v)
      || v < min || v > max || (min_open && v == min) || (max_open && v == max))
    {
      if (isinf (max) && min == 0.0 && min_open)
        g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE,
                     "%s: expected a positive number, not '%s'", option, text);
      else if (isinf (max))
        g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE,
                     "%s: expected a number %s %g, not '%s'", option, min_open ? ">" : "≥", min,
                     text);
      else
        g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE,
                     "%s: expected a number in %s%g, %g%s, not '%s'", option,
                     bound_open (min_open, TRUE), min, max, bound_open (max_open, FALSE), text);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
bp_cli_parse_int (const char  *option,
                  const char  *text,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  GError     **error)
{
  char *end = NULL;
  gint64 v;

  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (text[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || v < min || v > max)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE,
                   "%s: expected a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                   ", not '%s'", option, min, max, text);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

void
bp_cli_print_error (const char *message)
{
  fprintf (stderr, "backprop: %s\n", message);
}

int
bp_cli_fail (const char *command,
             GError     *error,
             int         status)
{
  fprintf (stderr, "backprop: %s: %s\n", command, error != NULL ? error->message : "failed");
  return status;
}

void
bp_json_number (GString *s,
                double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    {
      g_string_append (s, "null");
      return;
    }
  g_ascii_formatd (buf, sizeof buf, "%.9g", v);
  g_string_append (s, buf);
}

void
bp_json_string (GString    *s,
                const char *v)
{
  g_string_append_c (s, '"');
  for (const char *p = v; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", c);
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c < 0x20)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}
