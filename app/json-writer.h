/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small JSON writer into a GString, pretty or on one line, that prints
 * numbers in the fewest digits that read back to the same value (0.2, not
 * json-glib's 0.20000000000000001), so project files stay readable and
 * round-trip exactly. */
typedef struct _BpJsonWriter BpJsonWriter;

BpJsonWriter *bp_json_writer_new (gboolean pretty);
void bp_json_writer_free (BpJsonWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpJsonWriter, bp_json_writer_free)

void bp_json_begin_object (BpJsonWriter *w);
void bp_json_end_object (BpJsonWriter *w);
void bp_json_begin_array (BpJsonWriter *w);
void bp_json_end_array (BpJsonWriter *w);

/* The name of the next member of the current object. */
void bp_json_key (BpJsonWriter *w,
                  const char   *name);

void bp_json_string_value (BpJsonWriter *w,
                           const char   *v);
void bp_json_int_value (BpJsonWriter *w,
                        gint64        v);
void bp_json_bool_value (BpJsonWriter *w,
                         gboolean      v);
/* A double, or null when not finite. */
void bp_json_double_value (BpJsonWriter *w,
                           double        v);
/* A float in the fewest digits that read back to the same float. */
void bp_json_float_value (BpJsonWriter *w,
                          float         v);
void bp_json_null_value (BpJsonWriter *w);

/* A member of the current object: bp_json_key, then the value. */
void bp_json_add_double (BpJsonWriter *w,
                         const char   *name,
                         double        v);
void bp_json_add_int (BpJsonWriter *w,
                      const char   *name,
                      gint64        v);
void bp_json_add_string (BpJsonWriter *w,
                         const char   *name,
                         const char   *v);
void bp_json_add_bool (BpJsonWriter *w,
                       const char   *name,
                       gboolean      v);
/* An array of floats. */
void bp_json_add_floats (BpJsonWriter *w,
                         const char   *name,
                         const float  *v,
                         gsize         n);

/* The text written so far (the writer keeps it). */
const char *bp_json_writer_text (BpJsonWriter *w);
gsize bp_json_writer_length (BpJsonWriter *w);

/* Shortest decimal forms, shared with other output. */
void bp_format_double (char   *buf,
                       gsize   len,
                       double  v);
void bp_format_float (char   *buf,
                      gsize   len,
                      float   v);

G_END_DECLS
