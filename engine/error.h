/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>

/* What an engine or data call returns. The message, when an nn_error is
 * given, says what was wrong in words a user can act on. */
typedef enum
{
  NN_OK = 0,
  NN_ERR_INVALID,  /* a bad argument, name, spec or option value */
  NN_ERR_NOMEM,    /* an allocation failed or would be unreasonably large */
  NN_ERR_IO,       /* a file could not be read or written */
  NN_ERR_FORMAT,   /* a file's content is malformed */
  NN_ERR_DIVERGED, /* a loss, gradient or parameter went non-finite */
  NN_STATUS_COUNT
} nn_status;

#define NN_ERROR_MSG_LEN 512

typedef struct
{
  nn_status status;
  char msg[NN_ERROR_MSG_LEN];
} nn_error;

/* The lowercase name of @status ("invalid", "nomem", …). */
const char *nn_status_name (nn_status status);

/* Fills @err (which may be NULL) with @status and a printf-style message;
 * returns @status so a caller can `return nn_error_set (…)`. */
nn_status nn_error_set (nn_error   *err,
                        nn_status   status,
                        const char *fmt,
                        ...) __attribute__ ((format (printf, 3, 4)));

/* Clears @err (which may be NULL) to NN_OK and an empty message. */
void nn_error_clear (nn_error *err);
