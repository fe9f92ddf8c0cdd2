/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A project's "diagnosis" section: the run's history, kept so that
 * `backprop diagnose` finds what the run found. */
#include "project-private.h"

#include <math.h>
#include <string.h>

/* The diagnosis's history: the stride, the step samples (step, epoch,
 * loss, lr, grad_norm, then per op the seven statistics of nn_op_stats),
 * the per-epoch dead fractions and the divergence, with every double in
 * the fewest digits that read back exactly, so `backprop diagnose` reads
 * the very numbers the run had. */
void
bp_project_build_diagnosis (BpJsonWriter     *b,
                            const nn_history *h)
{
  size_t n_ops = nn_history_n_ops (h);
  const nn_divergence *d = nn_history_divergence (h);

  bp_json_key (b, "diagnosis");
  bp_json_begin_object (b);
  bp_json_add_int (b, "ops", (gint64) n_ops);
  bp_json_add_int (b, "stride", (gint64) nn_history_stride (h));
  bp_json_key (b, "steps");
  bp_json_begin_array (b);
  for (size_t i = 0; i < nn_history_n_steps (h); i++)
    {
      const nn_step_sample *sample = nn_history_step (h, i);
      const nn_op_stats *ops = nn_history_step_ops (h, i);

      bp_json_begin_array (b);
      bp_json_int_value (b, (gint64) sample->step);
      bp_json_int_value (b, sample->epoch);
      bp_json_double_value (b, sample->loss);
      bp_json_double_value (b, sample->lr);
      bp_json_double_value (b, sample->grad_norm);
      for (size_t k = 0; k < n_ops; k++)
        {
          bp_json_double_value (b, ops[k].grad_norm);
          bp_json_double_value (b, ops[k].weight_norm);
          bp_json_double_value (b, ops[k].update_ratio);
          bp_json_double_value (b, ops[k].act_mean);
          bp_json_double_value (b, ops[k].act_std);
          bp_json_double_value (b, ops[k].dead_fraction);
          bp_json_double_value (b, ops[k].saturated_fraction);
        }
      bp_json_end_array (b);
    }
  bp_json_end_array (b);
  bp_json_key (b, "dead");
  bp_json_begin_array (b);
  for (size_t i = 0; i < nn_history_n_epochs (h); i++)
    {
      const double *dead = nn_history_epoch_dead (h, i);

      bp_json_begin_array (b);
      for (size_t k = 0; k < n_ops; k++)
        bp_json_double_value (b, dead[k]);
      bp_json_end_array (b);
    }
  bp_json_end_array (b);
  if (d != NULL)
    {
      bp_json_key (b, "divergence");
      bp_json_begin_object (b);
      bp_json_add_int (b, "step", (gint64) d->step);
      bp_json_add_int (b, "epoch", d->epoch);
      bp_json_key (b, "op");
      if (d->op == SIZE_MAX)
        bp_json_null_value (b);
      else
        bp_json_int_value (b, (gint64) d->op);
      bp_json_add_string (b, "what", d->what);
      bp_json_add_double (b, "last_loss", d->last_loss);
      bp_json_add_string (b, "message", d->message);
      bp_json_end_object (b);
    }
  bp_json_end_object (b);
}

/* A JSON number (null: NaN) of @a at @i into @out. */
static gboolean
array_number (JsonArray *a,
              guint      i,
              double    *out)
{
  JsonNode *e = json_array_get_element (a, i);

  if (JSON_NODE_HOLDS_NULL (e))
    {
      *out = NAN;
      return TRUE;
    }
  return bp_read_node_number (e, out);
}

gboolean
bp_project_read_diagnosis (BpReader   *r,
                           JsonObject *root,
                           BpProject  *p)
{
  JsonObject *o = bp_read_object (r, root, "", "diagnosis", TRUE), *div;
  JsonNode *n;
  JsonArray *steps, *dead;
  gint64 ops, stride;
  nn_error err = { 0 };
  g_autofree nn_op_stats *stats = NULL;
  g_autofree double *dead_row = NULL;

  if (o == NULL)
    return *r->error == NULL;
  if (p->run_state == NULL)
    return bp_read_bad (r, "diagnosis", "a run's history needs the run");
  if (!bp_read_int (r, o, "diagnosis", "ops", 1, 2 * NN_SPEC_MAX_LAYERS, &ops)
      || !bp_read_int (r, o, "diagnosis", "stride", 1, G_MAXINT64, &stride))
    return FALSE;
  if ((size_t) ops != nn_model_spec_count_ops (&p->spec))
    return bp_read_bad (r, "diagnosis.ops", "a history of %" G_GINT64_FORMAT " modules, but the model "
                        "has %zu", ops, nn_model_spec_count_ops (&p->spec));
  n = json_object_get_member (o, "steps");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bp_read_bad (r, "diagnosis.steps", "expected an array of step samples");
  steps = json_node_get_array (n);
  if (json_array_get_length (steps) > NN_HISTORY_MAX_STEPS)
    return bp_read_bad (r, "diagnosis.steps", "more than %d samples", NN_HISTORY_MAX_STEPS);
  n = json_object_get_member (o, "dead");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return bp_read_bad (r, "diagnosis.dead", "expected an array per epoch");
  dead = json_node_get_array (n);
  if (json_array_get_length (dead) != p->history->len)
    return bp_read_bad (r, "diagnosis.dead", "%u entries for %u epochs", json_array_get_length (dead),
                        p->history->len);

  p->run_history = nn_history_new ((size_t) ops, &err);
  if (p->run_history == NULL)
    return bp_read_bad (r, "diagnosis", "%s", err.msg);
  nn_history_restore_stride (p->run_history, (guint64) stride);
  stats = g_new0 (nn_op_stats, ops);
  dead_row = g_new0 (double, ops);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonNode *e = json_array_get_element (steps, i);
      g_autofree char *path = g_strdup_printf ("diagnosis.steps[%u]", i);
      nn_step_sample sample;
      JsonArray *a;
      double v[5];

      if (!JSON_NODE_HOLDS_ARRAY (e)
          || json_array_get_length (a = json_node_get_array (e)) != 5 + 7 * (guint) ops)
        return bp_read_bad (r, path, "expected %" G_GINT64_FORMAT " numbers", 5 + 7 * ops);
      for (guint k = 0; k < 5; k++)
        if (!array_number (a, k, &v[k]))
          return bp_read_bad (r, path, "element %u is not a number", k);
      if (!(v[0] >= 0 && v[0] < 9e18 && v[1] >= 0 && v[1] <= 1e6))
        return bp_read_bad (r, path, "the step and epoch must be whole numbers ≥ 0");
      sample = (nn_step_sample) { .step = (guint64) v[0], .epoch = (int) v[1], .loss = v[2],
                                  .lr = v[3], .grad_norm = v[4] };
      for (gint64 k = 0; k < ops; k++)
        {
          double x[7];

          for (guint j = 0; j < 7; j++)
            if (!array_number (a, 5 + 7 * (guint) k + j, &x[j]))
              return bp_read_bad (r, path, "element %u is not a number", 5 + 7 * (guint) k + j);
          stats[k] = (nn_op_stats) { x[0], x[1], x[2], x[3], x[4], x[5], x[6] };
        }
      if (nn_history_restore_step (p->run_history, &sample, stats, &err) != NN_OK)
        return bp_read_bad (r, path, "%s", err.msg);
    }
  for (guint i = 0; i < p->history->len; i++)
    {
      const BpRunEpoch *rec = &g_array_index (p->history, BpRunEpoch, i);
      JsonNode *e = json_array_get_element (dead, i);
      g_autofree char *path = g_strdup_printf ("diagnosis.dead[%u]", i);
      nn_epoch_sample sample = {
        .epoch = rec->epoch, .train_loss = rec->train_loss,
        .train_accuracy = rec->train_accuracy, .has_val = isfinite (rec->val_loss),
        .val_loss = rec->val_loss, .val_accuracy = rec->val_accuracy, .lr = rec->lr,
        .samples_per_s = rec->samples_per_s, .seconds = rec->seconds,
      };
      JsonArray *a;

      if (!JSON_NODE_HOLDS_ARRAY (e) || json_array_get_length (a = json_node_get_array (e))
          != (guint) ops)
        return bp_read_bad (r, path, "expected %" G_GINT64_FORMAT " numbers", ops);
      for (guint k = 0; k < (guint) ops; k++)
        if (!array_number (a, k, &dead_row[k]))
          return bp_read_bad (r, path, "element %u is not a number", k);
      if (nn_history_restore_epoch (p->run_history, &sample, dead_row, &err) != NN_OK)
        return bp_read_bad (r, path, "%s", err.msg);
    }
  if ((div = bp_read_object (r, o, "diagnosis", "divergence", TRUE)) != NULL)
    {
      nn_divergence d = { 0 };
      const char *what, *message;
      gint64 i64;
      JsonNode *op;

      if (!bp_read_int (r, div, "diagnosis.divergence", "step", 0, G_MAXINT64, &i64))
        return FALSE;
      d.step = (guint64) i64;
      if (!bp_read_int (r, div, "diagnosis.divergence", "epoch", 0, 1000000, &i64))
        return FALSE;
      d.epoch = (int) i64;
      op = json_object_get_member (div, "op");
      if (op == NULL || JSON_NODE_HOLDS_NULL (op))
        d.op = SIZE_MAX;
      else if (!bp_read_int (r, div, "diagnosis.divergence", "op", 0, ops - 1, &i64))
        return FALSE;
      else
        d.op = (size_t) i64;
      if ((what = bp_read_string (r, div, "diagnosis.divergence", "what")) == NULL
          || (message = bp_read_string (r, div, "diagnosis.divergence", "message")) == NULL
          || !bp_read_number (r, div, "diagnosis.divergence", "last_loss", -G_MAXDOUBLE,
                              G_MAXDOUBLE, TRUE, &d.last_loss))
        return FALSE;
      g_strlcpy (d.what, what, sizeof d.what);
      g_strlcpy (d.message, message, sizeof d.message);
      nn_history_set_divergence (p->run_history, &d);
    }
  else if (*r->error != NULL)
    return FALSE;
  return TRUE;
}
