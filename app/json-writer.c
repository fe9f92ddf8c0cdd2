/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "json-writer.h"

#include <math.h>
#include <string.h>

struct _BpJsonWriter
{
  GString  *out;
  gboolean  pretty;
  guint     depth;
  gboolean  first;      /* no member or element yet at this depth */
  gboolean  after_key;  /* a key was written; the value follows on its line */
};

BpJsonWriter *
bp_json_writer_new (gboolean pretty)
{
  BpJsonWriter *w = g_new0 (BpJsonWriter, 1);

  w->out = g_string_new (NULL);
  w->pretty = pretty;
  w->first = TRUE;
  return w;
}

void
bp_json_writer_free (BpJsonWriter *w)
{
  if (w == NULL)
    return;
  g_string_free (w->out, TRUE);
  g_free (w);
}

const char *
bp_json_writer_text (BpJsonWriter *w)
{
  return w->out->str;
}

gsize
bp_json_writer_length (BpJsonWriter *w)
{
  return w->out->len;
}

static void
newline (BpJsonWriter *w)
{
  if (!w->pretty)
    return;
  g_string_append_c (w->out, '\n');
  for (guint i = 0; i < w->depth; i++)
    g_string_append (w->out, "  ");
}

/* Before a value or a key: the separating comma and, pretty, a new line. */
static void
separate (BpJsonWriter *w)
{
  if (w->after_key)
    {
      w->after_key = FALSE;
      return;
    }
  if (!w->first)
    g_string_append_c (w->out, ',');
  if (w->depth > 0)
    newline (w);
  w->first = FALSE;
}

static void
open_container (BpJsonWriter *w,
                char          c)
{
  separate (w);
  g_string_append_c (w->out, c);
  w->depth++;
  w->first = TRUE;
}

static void
close_container (BpJsonWriter *w,
                 char          c)
{
  gboolean empty = w->first;

  w->depth--;
  if (!empty)
    newline (w);
  g_string_append_c (w->out, c);
  w->first = FALSE;
}

void
bp_json_begin_object (BpJsonWriter *w)
{
  open_container (w, '{');
}

void
bp_json_end_object (BpJsonWriter *w)
{
  close_container (w, '}');
}

void
bp_json_begin_array (BpJsonWriter *w)
{
  open_container (w, '[');
}

void
bp_json_end_array (BpJsonWriter *w)
{
  close_container (w, ']');
}

static void
append_string (GString    *out,
               const char *v)
{
  g_string_append_c (out, '"');
  for (const char *p = v; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

void
bp_json_key (BpJsonWriter *w,
             const char   *name)
{
  separate (w);
  append_string (w->out, name);
  g_string_append (w->out, w->pretty ? ": " : ":");
  w->after_key = TRUE;
}

void
bp_json_string_value (BpJsonWriter *w,
                      const char   *v)
{
  separate (w);
  append_string (w->out, v != NULL ? v : "");
}

void
bp_json_int_value (BpJsonWriter *w,
                   gint64        v)
{
  separate (w);
  g_string_append_printf (w->out, "%" G_GINT64_FORMAT, v);
}

void
bp_json_bool_value (BpJsonWriter *w,
                    gboolean      v)
{
  separate (w);
  g_string_append (w->out, v ? "true" : "false");
}

void
bp_json_null_value (BpJsonWriter *w)
{
  separate (w);
  g_string_append (w->out, "null");
}

void
bp_format_double (char   *buf,
                  gsize   len,
                  double  v)
{
  for (int digits = 1; digits <= 17; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, (int) len, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        return;
    }
}

void
bp_format_float (char   *buf,
                 gsize   len,
                 float   v)
{
  for (int digits = 1; digits <= 9; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, (int) len, fmt, v);
      if ((float) g_ascii_strtod (buf, NULL) == v)
        return;
    }
}

void
bp_json_double_value (BpJsonWriter *w,
                      double        v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    {
      bp_json_null_value (w);
      return;
    }
  separate (w);
  bp_format_double (buf, sizeof buf, v);
  g_string_append (w->out, buf);
}

void
bp_json_float_value (BpJsonWriter *w,
                     float         v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    {
      bp_json_null_value (w);
      return;
    }
  separate (w);
  bp_format_float (buf, sizeof buf, v);
  g_string_append (w->out, buf);
}

/* ---- Members ------------------------------------------------------------ */

void
bp_json_add_double (BpJsonWriter *w,
                    const char   *name,
                    double        v)
{
  bp_json_key (w, name);
  bp_json_double_value (w, v);
}

void
bp_json_add_int (BpJsonWriter *w,
                 const char   *name,
                 gint64        v)
{
  bp_json_key (w, name);
  bp_json_int_value (w, v);
}

void
bp_json_add_string (BpJsonWriter *w,
                    const char   *name,
                    const char   *v)
{
  bp_json_key (w, name);
  bp_json_string_value (w, v);
}

void
bp_json_add_bool (BpJsonWriter *w,
                  const char   *name,
                  gboolean      v)
{
  bp_json_key (w, name);
  bp_json_bool_value (w, v);
}

void
bp_json_add_floats (BpJsonWriter *w,
                    const char   *name,
                    const float  *v,
                    gsize         n)
{
  bp_json_key (w, name);
  bp_json_begin_array (w);
  for (gsize i = 0; i < n; i++)
    bp_json_float_value (w, v[i]);
  bp_json_end_array (w);
}
