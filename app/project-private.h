/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the files of the project format: project.c (the file as a
 * whole), project-read.c (reading fields) and project-diagnosis.c (the
 * run's history). */
#pragma once

#include <json-glib/json-glib.h>

#include "json-writer.h"
#include "project.h"

G_BEGIN_DECLS

/* Field access that names the field in every error: "FILE: PATH: …",
 * PATH as "model.layers[2].units" (@path the object's, "" at the top,
 * and @key the member's). Each returns FALSE (or NULL) with *error set. */
typedef struct
{
  const char *file;
  GError    **error;
} BpReader;

gboolean bp_read_bad (BpReader   *r,
                      const char *path,
                      const char *fmt,
                      ...) G_GNUC_PRINTF (3, 4);

/* A JSON number (integer or not) into @out; FALSE for anything else. */
gboolean bp_read_node_number (JsonNode *n,
                              double   *out);

/* NULL without an error when @optional and missing. */
JsonObject *bp_read_object (BpReader   *r,
                            JsonObject *o,
                            const char *path,
                            const char *key,
                            gboolean    optional);
/* A number in [@min, @max]; null reads as NaN when @null_is_nan. */
gboolean bp_read_number (BpReader   *r,
                         JsonObject *o,
                         const char *path,
                         const char *key,
                         double      min,
                         double      max,
                         gboolean    null_is_nan,
                         double     *out);
gboolean bp_read_int (BpReader   *r,
                      JsonObject *o,
                      const char *path,
                      const char *key,
                      gint64      min,
                      gint64      max,
                      gint64     *out);
gboolean bp_read_bool (BpReader   *r,
                       JsonObject *o,
                       const char *path,
                       const char *key,
                       bool       *out);
const char *bp_read_string (BpReader   *r,
                            JsonObject *o,
                            const char *path,
                            const char *key);
/* A string that must be one of @names (NULL-terminated); its index. */
gboolean bp_read_choice (BpReader          *r,
                         JsonObject        *o,
                         const char        *path,
                         const char        *key,
                         const char *const *names,
                         int               *out);
/* An array of exactly @n finite numbers into floats. */
gboolean bp_read_floats (BpReader   *r,
                         JsonObject *o,
                         const char *path,
                         const char *key,
                         size_t      n,
                         float      *out);

/* project-diagnosis.c: the "diagnosis" member, written from @history, and
 * read into p->run_history (after the run it belongs to). */
void bp_project_build_diagnosis (BpJsonWriter     *b,
                                 const nn_history *history);
gboolean bp_project_read_diagnosis (BpReader   *r,
                                    JsonObject *root,
                                    BpProject  *p);

G_END_DECLS
