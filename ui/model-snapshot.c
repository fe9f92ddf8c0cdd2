/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "model-snapshot.h"

#include <string.h>

struct _BpModelSnapshot
{
  nn_model_spec  spec;
  float         *params;
  gsize          n_params;
  float         *buffers;
  gsize          n_buffers;
};

G_DEFINE_QUARK (bp-model-snapshot-error-quark, bp_model_snapshot_error)

static void
snapshot_clear (BpModelSnapshot *self)
{
  g_free (self->params);
  g_free (self->buffers);
}

BpModelSnapshot *
bp_model_snapshot_new (const nn_model_spec *spec,
                       const float         *params,
                       gsize                n_params,
                       const float         *buffers,
                       gsize                n_buffers)
{
  BpModelSnapshot *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (params != NULL || n_params == 0, NULL);
  g_return_val_if_fail (buffers != NULL || n_buffers == 0, NULL);

  self = g_atomic_rc_box_new0 (BpModelSnapshot);
  self->spec = *spec;
  self->params = g_memdup2 (params, n_params * sizeof *params);
  self->n_params = n_params;
  self->buffers = g_memdup2 (buffers, n_buffers * sizeof *buffers);
  self->n_buffers = n_buffers;
  return self;
}

BpModelSnapshot *
bp_model_snapshot_ref (BpModelSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
bp_model_snapshot_unref (BpModelSnapshot *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) snapshot_clear);
}

const nn_model_spec *
bp_model_snapshot_get_spec (BpModelSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->spec;
}

nn_model *
bp_model_snapshot_build (BpModelSnapshot  *self,
                         nn_task           task,
                         gsize             k,
                         gsize             features,
                         gsize             max_batch,
                         GError          **error)
{
  nn_error err = { 0 };
  nn_model *model;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->spec.inputs != features)
    {
      g_set_error (error, BP_MODEL_SNAPSHOT_ERROR, NN_ERR_INVALID,
                   "the data have %" G_GSIZE_FORMAT " features but the model takes %"
                   G_GSIZE_FORMAT, features, self->spec.inputs);
      return NULL;
    }
  if (nn_model_spec_check (&self->spec, task, k, &err) != NN_OK
      || (model = nn_model_new (&self->spec, MAX (max_batch, 1), &err)) == NULL)
    {
      g_set_error (error, BP_MODEL_SNAPSHOT_ERROR, err.status, "%s", err.msg);
      return NULL;
    }
  if (nn_model_n_params (model) != self->n_params
      || nn_model_n_buffers (model) != self->n_buffers)
    {
      g_set_error (error, BP_MODEL_SNAPSHOT_ERROR, NN_ERR_INVALID,
                   "the model has %zu parameters and %zu buffers but %" G_GSIZE_FORMAT
                   " and %" G_GSIZE_FORMAT " were given", nn_model_n_params (model),
                   nn_model_n_buffers (model), self->n_params, self->n_buffers);
      nn_model_free (model);
      return NULL;
    }
  if (self->n_params > 0)
    memcpy (nn_model_params (model), self->params, self->n_params * sizeof (float));
  if (self->n_buffers > 0)
    memcpy (nn_model_buffers (model), self->buffers, self->n_buffers * sizeof (float));
  return model;
}
