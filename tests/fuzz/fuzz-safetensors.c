/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sources: app/safetensors.c */
/* libFuzzer target for the safetensors reader (tools/fuzz). */
#include <stddef.h>
#include <stdint.h>

#include "safetensors.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  GPtrArray *tensors = bp_safetensors_parse ("fuzz", data, size, &error);

  if (tensors != NULL)
    g_ptr_array_unref (tensors);
  g_clear_error (&error);
  return 0;
}
