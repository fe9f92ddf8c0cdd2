/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sources: data/idx.c engine/dataset.c engine/error.c */
/* Fuzzes the IDX reader (plain and gzip) with an image file and a label
 * file cut from one input: the first two bytes, little-endian, say how many
 * of the following bytes are the images; the rest are the labels. A split
 * past the end gives all bytes to the images and none to the labels. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "idx.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  nn_error err = { 0 };
  nn_dataset *ds;
  size_t split;

  if (size < 2)
    return 0;
  split = (size_t) data[0] | (size_t) data[1] << 8;
  data += 2;
  size -= 2;
  if (split > size)
    split = size;
  ds = nn_idx_parse_pair ("images", data, split, "labels", data + split, size - split, &err);
  if (ds != NULL)
    {
      /* What a loaded set promises its users: every label a class id. */
      for (size_t i = 0; i < ds->n; i++)
        if (ds->y[i] < 0 || (size_t) ds->y[i] >= ds->k)
          __builtin_trap ();
      if (ds->k < 2 || ds->class_names == NULL)
        __builtin_trap ();
    }
  else if (err.status == NN_OK || err.msg[0] == '\0' || memchr (err.msg, '\0', sizeof err.msg)
           == NULL)
    __builtin_trap ();
  nn_dataset_free (ds);
  return 0;
}
