/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BP_SAFETENSORS_ERROR (bp_safetensors_error_quark ())
GQuark bp_safetensors_error_quark (void);

typedef enum
{
  BP_SAFETENSORS_ERROR_IO,
  BP_SAFETENSORS_ERROR_FORMAT,
} BpSafetensorsError;

/* Element types Backprop reads and writes: float32 for every parameter and
 * statistic, int64 for batch norm's num_batches_tracked, which PyTorch
 * keeps in its state dict. */
typedef enum
{
  BP_DTYPE_F32,
  BP_DTYPE_I64,
} BpDtype;

#define BP_TENSOR_MAX_RANK 8

/* One tensor: name, type, shape and its values (little-endian in memory on
 * the machines Backprop runs on; the reader refuses big-endian hosts). */
typedef struct
{
  char    *name;
  BpDtype  dtype;
  guint    rank;
  guint64  shape[BP_TENSOR_MAX_RANK];
  guint64  count;   /* the product of the shape; 1 for a scalar (rank 0) */
  gpointer data;    /* count floats or gint64s */
} BpTensor;

/* A new tensor owning a copy of @count values of @data (may be NULL for
 * zeros). */
BpTensor *bp_tensor_new (const char    *name,
                         BpDtype        dtype,
                         guint          rank,
                         const guint64 *shape,
                         gconstpointer  data);
void bp_tensor_free (BpTensor *tensor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpTensor, bp_tensor_free)

/* Writes @tensors (in order, data contiguous) and @metadata (string pairs,
 * may be NULL) to @path in the safetensors format, atomically (a temporary
 * file renamed over @path). */
gboolean bp_safetensors_write (const char  *path,
                               GPtrArray   *tensors,
                               GHashTable  *metadata,
                               GError     **error);

/* Reads a safetensors file, checking everything a hostile file could get
 * wrong: the header length against the file, the JSON, every field's type,
 * dtypes (F32, and I64 only for names ending in ".num_batches_tracked"),
 * shapes, data offsets inside the data and neither overlapping nor leaving
 * holes, and sizes that agree with the shapes. Messages name the file and
 * the tensor. Returns the tensors in file order (a GPtrArray of BpTensor,
 * freeing them). */
GPtrArray *bp_safetensors_read (const char  *path,
                                GError     **error);

/* The same from memory; @name stands for the file in messages. */
GPtrArray *bp_safetensors_parse (const char    *name,
                                 const guint8  *bytes,
                                 gsize          len,
                                 GError       **error);

/* The tensor called @name in @tensors, or NULL. */
BpTensor *bp_safetensors_find (GPtrArray  *tensors,
                               const char *name);

G_END_DECLS
