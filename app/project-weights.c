/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A project's weights: the model's tensors under PyTorch's names in a
 * safetensors file beside the project. */
#include "project.h"

#include <string.h>

#include "safetensors.h"

typedef struct
{
  char    name[64];
  guint   rank;
  guint64 shape[2];
  float  *values;   /* where the tensor lives in the model */
} Slot;

/* The tensors of @model in PyTorch's naming: layers.{i}.weight [out, in]
 * and .bias for Linear; .weight, .bias, .running_mean, .running_var for
 * BatchNorm1d. */
static GArray *
model_slots (nn_model *m)
{
  GArray *slots = g_array_new (FALSE, TRUE, sizeof (Slot));

  for (size_t i = 0; i < nn_model_n_ops (m); i++)
    {
      const nn_op *op = nn_model_op (m, i);
      float *p = nn_model_params (m) + op->param_offset;
      Slot s = { 0 };

      if (op->kind == NN_OP_LINEAR)
        {
          g_snprintf (s.name, sizeof s.name, "layers.%zu.weight", i);
          s.rank = 2;
          s.shape[0] = op->out;
          s.shape[1] = op->in;
          s.values = p;
          g_array_append_val (slots, s);
          g_snprintf (s.name, sizeof s.name, "layers.%zu.bias", i);
          s.rank = 1;
          s.values = p + op->n_weights;
          g_array_append_val (slots, s);
        }
      else if (op->kind == NN_OP_BATCHNORM)
        {
          static const char *const names[] = { "weight", "bias", "running_mean", "running_var" };
          float *buffers = nn_model_buffers (m) + op->buffer_offset;

          for (int k = 0; k < 4; k++)
            {
              g_snprintf (s.name, sizeof s.name, "layers.%zu.%s", i, names[k]);
              s.rank = 1;
              s.shape[0] = op->out;
              s.values = k < 2 ? p + (size_t) k * op->out : buffers + (size_t) (k - 2) * op->out;
              g_array_append_val (slots, s);
            }
        }
    }
  return slots;
}

gboolean
bp_project_save_weights (const char  *path,
                         nn_model    *m,
                         guint64      steps,
                         GError     **error)
{
  g_autoptr (GArray) slots = model_slots (m);
  g_autoptr (GPtrArray) tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) bp_tensor_free);
  g_autoptr (GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 tracked = (gint64) MIN (steps, (guint64) G_MAXINT64);

  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);

      g_ptr_array_add (tensors, bp_tensor_new (s->name, BP_DTYPE_F32, s->rank, s->shape,
                                               s->values));
      /* torch's BatchNorm1d keeps a step count beside its statistics. */
      if (g_str_has_suffix (s->name, ".running_var"))
        {
          g_autofree char *name = g_strdup_printf ("%.*s.num_batches_tracked",
                                                   (int) (strlen (s->name) - 12), s->name);

          g_ptr_array_add (tensors, bp_tensor_new (name, BP_DTYPE_I64, 0, NULL, &tracked));
        }
    }
  g_hash_table_insert (meta, "format", "pt");
  g_hash_table_insert (meta, "producer", "backprop");
  return bp_safetensors_write (path, tensors, meta, error);
}

gboolean
bp_project_load_weights (const char  *path,
                         nn_model    *m,
                         GError     **error)
{
  g_autoptr (GPtrArray) tensors = bp_safetensors_read (path, error);
  g_autoptr (GArray) slots = NULL;
  guint matched = 0;

  if (tensors == NULL)
    return FALSE;
  slots = model_slots (m);
  /* Everything is checked before anything is copied. */
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);
      BpTensor *t = bp_safetensors_find (tensors, s->name);

      if (t == NULL)
        return g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_MISMATCH,
                            "%s: tensor '%s' is missing; the model needs it", path, s->name),
               FALSE;
      if (t->dtype != BP_DTYPE_F32 || t->rank != s->rank || t->shape[0] != s->shape[0]
          || (s->rank == 2 && t->shape[1] != s->shape[1]))
        {
          g_autofree char *want = s->rank == 2
                                  ? g_strdup_printf ("[%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
                                                     s->shape[0], s->shape[1])
                                  : g_strdup_printf ("[%" G_GUINT64_FORMAT "]", s->shape[0]);
          g_autoptr (GString) got = g_string_new ("[");

          for (guint r = 0; r < t->rank; r++)
            g_string_append_printf (got, "%s%" G_GUINT64_FORMAT, r ? ", " : "", t->shape[r]);
          g_string_append (got, "]");
          return g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_MISMATCH,
                              "%s: tensor '%s' has shape %s but the model needs %s", path,
                              s->name, got->str, want), FALSE;
        }
      matched++;
    }
  for (guint i = 0; i < tensors->len; i++)
    {
      BpTensor *t = g_ptr_array_index (tensors, i);
      gboolean known = FALSE;

      for (guint j = 0; j < slots->len && !known; j++)
        known = strcmp (g_array_index (slots, Slot, j).name, t->name) == 0;
      if (!known && g_str_has_suffix (t->name, ".num_batches_tracked"))
        {
          g_autofree char *var = g_strdup_printf ("%.*s.running_var",
                                                  (int) (strlen (t->name) - 20), t->name);

          known = bp_safetensors_find (tensors, var) != NULL && t->rank == 0;
        }
      if (!known)
        return g_set_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_MISMATCH,
                            "%s: tensor '%s' does not belong to the model (%u tensors expected, "
                            "starting with '%s')", path, t->name, slots->len,
                            slots->len > 0 ? g_array_index (slots, Slot, 0).name : "none"),
               FALSE;
    }
  g_assert (matched == slots->len);
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);
      BpTensor *t = bp_safetensors_find (tensors, s->name);

      memcpy (s->values, t->data, t->count * sizeof (float));
    }
  return TRUE;
}
