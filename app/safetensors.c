/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "safetensors.h"

#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (bp-safetensors-error-quark, bp_safetensors_error)

/* safetensors' own limit on the JSON header. */
#define MAX_HEADER ((guint64) 100 << 20)
/* The largest file read: a model of 2³¹ floats and its header. */
#define MAX_FILE (((guint64) 8 << 30) + MAX_HEADER + 8)

static gsize
dtype_size (BpDtype dtype)
{
  return dtype == BP_DTYPE_I64 ? 8 : 4;
}

static const char *
dtype_name (BpDtype dtype)
{
  return dtype == BP_DTYPE_I64 ? "I64" : "F32";
}

BpTensor *
bp_tensor_new (const char    *name,
               BpDtype        dtype,
               guint          rank,
               const guint64 *shape,
               gconstpointer  data)
{
  BpTensor *t = g_new0 (BpTensor, 1);

  g_return_val_if_fail (rank <= BP_TENSOR_MAX_RANK, NULL);
  t->name = g_strdup (name);
  t->dtype = dtype;
  t->rank = rank;
  t->count = 1;
  for (guint i = 0; i < rank; i++)
    {
      t->shape[i] = shape[i];
      t->count *= shape[i];
    }
  t->data = g_malloc0 (MAX (t->count * dtype_size (dtype), 1));
  if (data != NULL)
    memcpy (t->data, data, t->count * dtype_size (dtype));
  return t;
}

void
bp_tensor_free (BpTensor *t)
{
  if (t == NULL)
    return;
  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

BpTensor *
bp_safetensors_find (GPtrArray  *tensors,
                     const char *name)
{
  for (guint i = 0; i < tensors->len; i++)
    {
      BpTensor *t = g_ptr_array_index (tensors, i);

      if (strcmp (t->name, name) == 0)
        return t;
    }
  return NULL;
}

gboolean
bp_safetensors_write (const char  *path,
                      GPtrArray   *tensors,
                      GHashTable  *metadata,
                      GError     **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *header = NULL;
  g_autofree guint8 *buf = NULL;
  gsize header_len, padded, total, offset = 0;
  guint64 data_len = 0;

  json_builder_begin_object (b);
  if (metadata != NULL && g_hash_table_size (metadata) > 0)
    {
      GHashTableIter iter;
      gpointer k, v;

      json_builder_set_member_name (b, "__metadata__");
      json_builder_begin_object (b);
      g_hash_table_iter_init (&iter, metadata);
      while (g_hash_table_iter_next (&iter, &k, &v))
        {
          json_builder_set_member_name (b, k);
          json_builder_add_string_value (b, v);
        }
      json_builder_end_object (b);
    }
  for (guint i = 0; i < tensors->len; i++)
    {
      BpTensor *t = g_ptr_array_index (tensors, i);
      guint64 bytes = t->count * dtype_size (t->dtype);

      json_builder_set_member_name (b, t->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dtype");
      json_builder_add_string_value (b, dtype_name (t->dtype));
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (guint r = 0; r < t->rank; r++)
        json_builder_add_int_value (b, (gint64) t->shape[r]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "data_offsets");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, (gint64) data_len);
      json_builder_add_int_value (b, (gint64) (data_len + bytes));
      json_builder_end_array (b);
      json_builder_end_object (b);
      data_len += bytes;
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  header = json_generator_to_data (gen, &header_len);

  /* The data start 8-byte aligned: pad the header with spaces. */
  padded = (header_len + 7) / 8 * 8;
  total = 8 + padded + data_len;
  buf = g_malloc (total);
  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) ((guint64) padded >> (8 * i));
  memcpy (buf + 8, header, header_len);
  memset (buf + 8 + header_len, ' ', padded - header_len);
  offset = 8 + padded;
  for (guint i = 0; i < tensors->len; i++)
    {
      BpTensor *t = g_ptr_array_index (tensors, i);
      gsize bytes = t->count * dtype_size (t->dtype);

      memcpy (buf + offset, t->data, bytes);
      offset += bytes;
    }
  if (!g_file_set_contents_full (path, (const char *) buf, (gssize) total,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  BpTensor *tensor;
  guint64   begin;
  guint64   end;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = a, *y = b;

  return (x->begin > y->begin) - (x->begin < y->begin);
}

static gboolean
fail (GError    **error,
      const char *name,
      const char *fmt,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError    **error,
      const char *name,
      const char *fmt,
      ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, BP_SAFETENSORS_ERROR, BP_SAFETENSORS_ERROR_FORMAT, "%s: %s", name, msg);
  return FALSE;
}

/* A JSON integer ≥ 0, refusing floats, strings and negative numbers. */
static gboolean
get_count (JsonNode *node,
           guint64  *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    return FALSE;
  *out = (guint64) json_node_get_int (node);
  return TRUE;
}

static gboolean
parse_entry (const char  *file,
             const char  *key,
             JsonNode    *node,
             guint64      data_len,
             Entry       *entry,
             GError     **error)
{
  JsonObject *o;
  JsonArray *shape, *offsets;
  const char *dtype;
  guint64 shape_v[BP_TENSOR_MAX_RANK], bytes, count = 1;
  BpDtype type;
  guint rank;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, file, "tensor '%s': expected an object with dtype, shape and "
                 "data_offsets", key);
  o = json_node_get_object (node);
  if (!json_object_has_member (o, "dtype")
      || !JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "dtype"))
      || json_node_get_value_type (json_object_get_member (o, "dtype")) != G_TYPE_STRING)
    return fail (error, file, "tensor '%s': dtype is missing or not a string", key);
  dtype = json_object_get_string_member (o, "dtype");
  if (strcmp (dtype, "F32") == 0)
    type = BP_DTYPE_F32;
  else if (strcmp (dtype, "I64") == 0 && g_str_has_suffix (key, ".num_batches_tracked"))
    type = BP_DTYPE_I64;
  else
    return fail (error, file, "tensor '%s': dtype %.16s is not supported; Backprop's tensors are "
                 "F32", key, dtype);
  if (!json_object_has_member (o, "shape")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "shape")))
    return fail (error, file, "tensor '%s': shape is missing or not an array", key);
  shape = json_object_get_array_member (o, "shape");
  rank = json_array_get_length (shape);
  if (rank > BP_TENSOR_MAX_RANK)
    return fail (error, file, "tensor '%s': %u dimensions, more than %d", key, rank,
                 BP_TENSOR_MAX_RANK);
  for (guint i = 0; i < rank; i++)
    {
      if (!get_count (json_array_get_element (shape, i), &shape_v[i]))
        return fail (error, file, "tensor '%s': shape[%u] is not a whole number ≥ 0", key, i);
      if (shape_v[i] != 0 && count > G_MAXUINT64 / 8 / shape_v[i])
        return fail (error, file, "tensor '%s': its shape holds more values than any file",
                     key);
      count *= shape_v[i];
    }
  bytes = count * dtype_size (type);
  if (!json_object_has_member (o, "data_offsets")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "data_offsets")))
    return fail (error, file, "tensor '%s': data_offsets is missing or not an array", key);
  offsets = json_object_get_array_member (o, "data_offsets");
  if (json_array_get_length (offsets) != 2
      || !get_count (json_array_get_element (offsets, 0), &entry->begin)
      || !get_count (json_array_get_element (offsets, 1), &entry->end))
    return fail (error, file, "tensor '%s': data_offsets must be two whole numbers [begin, end]",
                 key);
  if (entry->begin > entry->end || entry->end > data_len)
    return fail (error, file, "tensor '%s': data_offsets [%" G_GUINT64_FORMAT ", %"
                 G_GUINT64_FORMAT "] lie outside the %" G_GUINT64_FORMAT " bytes of data", key,
                 entry->begin, entry->end, data_len);
  if (entry->end - entry->begin != bytes)
    return fail (error, file, "tensor '%s': its shape needs %" G_GUINT64_FORMAT " bytes but "
                 "data_offsets span %" G_GUINT64_FORMAT, key, bytes, entry->end - entry->begin);
  entry->tensor = bp_tensor_new (key, type, rank, shape_v, NULL);
  return TRUE;
}

GPtrArray *
bp_safetensors_parse (const char    *name,
                      const guint8  *bytes,
                      gsize          len,
                      GError       **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_autoptr (GError) json_error = NULL;
  GPtrArray *result = NULL;
  JsonObject *root;
  guint64 header_len = 0, data_len, expect = 0;
  const guint8 *data;
  g_autoptr (GList) members = NULL;

  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    return fail (error, name, "safetensors data are little-endian; this machine is not"), NULL;
  if (len < 8)
    return fail (error, name, "too short for a safetensors file (%" G_GSIZE_FORMAT " bytes)",
                 len), NULL;
  for (int i = 0; i < 8; i++)
    header_len |= (guint64) bytes[i] << (8 * i);
  if (header_len > len - 8)
    return fail (error, name, "the header is said to be %" G_GUINT64_FORMAT " bytes long but "
                 "only %" G_GSIZE_FORMAT " bytes follow", header_len, len - 8), NULL;
  if (header_len > MAX_HEADER)
    return fail (error, name, "the header is %" G_GUINT64_FORMAT " bytes long, more than the "
                 "100 MiB safetensors allows", header_len), NULL;
  if (!g_utf8_validate ((const char *) bytes + 8, (gssize) header_len, NULL))
    return fail (error, name, "the header is not valid UTF-8"), NULL;
  if (!json_parser_load_from_data (parser, (const char *) bytes + 8, (gssize) header_len,
                                   &json_error))
    {
      const char *msg = json_error->message;

      /* json-glib says "<data>:LINE:COLUMN: …" of the header text. */
      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      return fail (error, name, "the header is not valid JSON: %s", msg), NULL;
    }
  /* An empty text parses to no root at all. */
  if (json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return fail (error, name, "the header is not a JSON object"), NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  data = bytes + 8 + header_len;
  data_len = len - 8 - header_len;

  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (root, key);
      Entry entry = { 0 };

      /* A name with an escaped NUL reaches us cut short and finds nothing. */
      if (node == NULL)
        {
          fail (error, name, "a tensor name holds a NUL character");
          goto out;
        }
      if (strcmp (key, "__metadata__") == 0)
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              fail (error, name, "__metadata__ is not an object");
              goto out;
            }
          continue;
        }
      if (!parse_entry (name, key, node, data_len, &entry, error))
        goto out;
      g_array_append_val (entries, entry);
    }

  /* Sorted by offset, each tensor must start where the last ended and the
   * last end where the data do: no overlap, no hole. */
  g_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);

      if (e->begin < expect)
        {
          fail (error, name, "tensors '%s' and '%s' overlap in the data",
                g_array_index (entries, Entry, i - 1).tensor->name, e->tensor->name);
          goto out;
        }
      if (e->begin > expect)
        {
          fail (error, name, "bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " of the data "
                "belong to no tensor", expect, e->begin);
          goto out;
        }
      expect = e->end;
    }
  if (expect != data_len)
    {
      fail (error, name, "bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " of the data "
            "belong to no tensor", expect, data_len);
      goto out;
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) bp_tensor_free);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);

      memcpy (e->tensor->data, data + e->begin, e->end - e->begin);
      g_ptr_array_add (result, g_steal_pointer (&e->tensor));
    }

out:
  for (guint i = 0; i < entries->len; i++)
    bp_tensor_free (g_array_index (entries, Entry, i).tensor);
  return result;
}

GPtrArray *
bp_safetensors_read (const char  *path,
                     GError     **error)
{
  g_autoptr (GMappedFile) map = NULL;
  g_autoptr (GError) local = NULL;

  map = g_mapped_file_new (path, FALSE, &local);
  if (map == NULL)
    {
      g_set_error (error, BP_SAFETENSORS_ERROR, BP_SAFETENSORS_ERROR_IO, "%s: %s", path,
                   local->message);
      return NULL;
    }
  if (g_mapped_file_get_length (map) > MAX_FILE)
    return fail (error, path, "%" G_GSIZE_FORMAT " bytes is larger than any model Backprop "
                 "can hold", g_mapped_file_get_length (map)), NULL;
  return bp_safetensors_parse (path, (const guint8 *) g_mapped_file_get_contents (map),
                               g_mapped_file_get_length (map), error);
}
