/* SPDX-License-Identifier: GPL-3.0-or-later */
// sources: app/project*.c app/safetensors.c app/json-writer.c data/*.c engine/*.c
/* libFuzzer target for the project-file reader (tools/fuzz). */
#include <stddef.h>
#include <stdint.h>

#include "project.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  BpProject *p = bp_project_parse ("fuzz.json", (const char *) data, size, &error);

  bp_project_free (p);
  g_clear_error (&error);
  return 0;
}
