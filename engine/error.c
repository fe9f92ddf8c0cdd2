/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

const char *
nn_status_name (nn_status status)
{
  switch (status)
    {
    case NN_OK: return "ok";
    case NN_ERR_INVALID: return "invalid";
    case NN_ERR_NOMEM: return "nomem";
    case NN_ERR_IO: return "io";
    case NN_ERR_FORMAT: return "format";
    case NN_ERR_DIVERGED: return "diverged";
    case NN_STATUS_COUNT: break;
    }
  return "unknown";
}

nn_status
nn_error_set (nn_error   *err,
              nn_status   status,
              const char *fmt,
              ...)
{
  if (err != NULL)
    {
      va_list ap;

      err->status = status;
      va_start (ap, fmt);
      vsnprintf (err->msg, sizeof err->msg, fmt, ap);
      va_end (ap);
    }
  return status;
}

void
nn_error_clear (nn_error *err)
{
  if (err != NULL)
    {
      err->status = NN_OK;
      err->msg[0] = '\0';
    }
}
