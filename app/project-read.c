/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a project file's JSON: field access that names the field in
 * every error, "FILE: PATH: …". */
#include "project-private.h"

#include <math.h>
#include <string.h>

gboolean
bp_read_node_number (JsonNode *n,
                     double   *out)
{
  GType t = JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_INVALID;

  if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else if (t == G_TYPE_INT64)
    *out = (double) json_node_get_int (n);
  else
    return FALSE;
  return TRUE;
}

gboolean
bp_read_bad (BpReader   *r,
             const char *path,
             const char *fmt,
             ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (r->error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_FORMAT, "%s: %s: %s", r->file, path,
               msg);
  return FALSE;
}

static char *
member_path (const char *path,
             const char *key)
{
  return path[0] != '\0' ? g_strdup_printf ("%s.%s", path, key) : g_strdup (key);
}

/* The member @key of @o, which must be there unless @optional. */
static JsonNode *
member (BpReader   *r,
        JsonObject *o,
        const char *path,
        const char *key,
        gboolean    optional,
        gboolean   *failed)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n == NULL && !optional)
    {
      g_autofree char *p = member_path (path, key);

      *failed = !bp_read_bad (r, p, "missing");
    }
  return n;
}

JsonObject *
bp_read_object (BpReader   *r,
                JsonObject *o,
                const char *path,
                const char *key,
                gboolean    optional)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, optional, &failed);
  g_autofree char *p = member_path (path, key);

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      bp_read_bad (r, p, "expected an object");
      return NULL;
    }
  return json_node_get_object (n);
}

gboolean
bp_read_number (BpReader   *r,
                JsonObject *o,
                const char *path,
                const char *key,
                double      min,
                double      max,
                gboolean    null_is_nan,
                double     *out)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);
  double v;

  if (failed)
    return FALSE;
  if (null_is_nan && JSON_NODE_HOLDS_NULL (n))
    {
      *out = NAN;
      return TRUE;
    }
  if (!bp_read_node_number (n, &v))
    return bp_read_bad (r, p, "expected a number");
  if (!(v >= min && v <= max) && max >= G_MAXDOUBLE)
    return bp_read_bad (r, p, "expected a number ≥ %g, not %g", min, v);
  if (!(v >= min && v <= max))
    return bp_read_bad (r, p, "expected a number in [%g, %g], not %g", min, max, v);
  *out = v;
  return TRUE;
}

gboolean
bp_read_int (BpReader   *r,
             JsonObject *o,
             const char *path,
             const char *key,
             gint64      min,
             gint64      max,
             gint64     *out)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);
  gint64 v;

  if (failed)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return bp_read_bad (r, p, "expected a whole number");
  v = json_node_get_int (n);
  if (v < min || v > max)
    return bp_read_bad (r, p, "expected a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                        ", not %" G_GINT64_FORMAT, min, max, v);
  *out = v;
  return TRUE;
}

gboolean
bp_read_bool (BpReader   *r,
              JsonObject *o,
              const char *path,
              const char *key,
              bool       *out)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);

  if (failed)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return bp_read_bad (r, p, "expected true or false");
  *out = json_node_get_boolean (n);
  return TRUE;
}

const char *
bp_read_string (BpReader   *r,
                JsonObject *o,
                const char *path,
                const char *key)
{
  gboolean failed = FALSE;
  JsonNode *n = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);

  if (failed)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      bp_read_bad (r, p, "expected a string");
      return NULL;
    }
  return json_node_get_string (n);
}

/* A string that must be one of @names (NULL-terminated); its index. */
gboolean
bp_read_choice (BpReader          *r,
                JsonObject        *o,
                const char        *path,
                const char        *key,
                const char *const *names,
                int               *out)
{
  const char *v = bp_read_string (r, o, path, key);
  g_autofree char *p = member_path (path, key);
  g_autofree char *list = NULL;

  if (v == NULL)
    return FALSE;
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp (v, names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  list = g_strjoinv (", ", (char **) names);
  return bp_read_bad (r, p, "unknown value '%.64s'; expected one of %s", v, list);
}

/* An array of exactly @n numbers into floats. */
gboolean
bp_read_floats (BpReader   *r,
                JsonObject *o,
                const char *path,
                const char *key,
                size_t      n,
                float      *out)
{
  gboolean failed = FALSE;
  JsonNode *node = member (r, o, path, key, FALSE, &failed);
  g_autofree char *p = member_path (path, key);
  JsonArray *a;

  if (failed)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bp_read_bad (r, p, "expected an array of %zu numbers", n);
  a = json_node_get_array (node);
  if (json_array_get_length (a) != n)
    return bp_read_bad (r, p, "expected %zu numbers, found %u", n, json_array_get_length (a));
  for (size_t i = 0; i < n; i++)
    {
      double v;

      if (!bp_read_node_number (json_array_get_element (a, (guint) i), &v))
        return bp_read_bad (r, p, "element %zu is not a number", i);
      if (!isfinite ((float) v))
        return bp_read_bad (r, p, "element %zu is not a finite float", i);
      out[i] = (float) v;
    }
  return TRUE;
}
