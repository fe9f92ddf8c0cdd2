/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "model.h"
#include "spec.h"

G_BEGIN_DECLS

/* A model's spec and a copy of its weights, immutable and reference
 * counted (atomically), so that a view can hand it to a worker thread and
 * forget it: the thread builds its own nn_model from it. */
typedef struct _BpModelSnapshot BpModelSnapshot;

/* Codes are nn_status values. */
#define BP_MODEL_SNAPSHOT_ERROR (bp_model_snapshot_error_quark ())
GQuark bp_model_snapshot_error_quark (void);

/* Copies @spec, @n_params floats of @params and @n_buffers floats of
 * @buffers (NULL when n_buffers is 0). */
BpModelSnapshot *bp_model_snapshot_new (const nn_model_spec *spec,
                                        const float         *params,
                                        gsize                n_params,
                                        const float         *buffers,
                                        gsize                n_buffers);

BpModelSnapshot *bp_model_snapshot_ref (BpModelSnapshot *self);
void bp_model_snapshot_unref (BpModelSnapshot *self);

const nn_model_spec *bp_model_snapshot_get_spec (BpModelSnapshot *self);

/* Builds a model of the spec for batches of up to @max_batch rows and puts
 * the weights in it, after checking that the spec fits data of @task with
 * @k classes or targets and @features columns, and that the weight counts
 * are the model's. Any thread. Caller frees with nn_model_free. */
nn_model *bp_model_snapshot_build (BpModelSnapshot  *self,
                                   nn_task           task,
                                   gsize             k,
                                   gsize             features,
                                   gsize             max_batch,
                                   GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpModelSnapshot, bp_model_snapshot_unref)

G_END_DECLS
