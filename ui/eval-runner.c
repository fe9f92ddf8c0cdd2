/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "eval-runner.h"

/* Ties finished tasks to the runner: stopping clears @runner, and a task
 * finishing later finds NULL. Main thread only. */
typedef struct
{
  BpEvalRunner *runner;
} Link;

struct _BpEvalRunner
{
  GObject                 *owner;
  const BpEvalRunnerFuncs *funcs;
  GParamSpec              *busy_pspec;
  GParamSpec              *evaluations_pspec;

  Link                    *link;             /* NULL once stopped */
  GCancellable            *cancellable;
  gboolean                 running;
  BpModelSnapshot         *pending;          /* the newest update, set only while a task runs */
  guint                    generation;       /* advanced by forget: older tasks are stale */
  guint                    task_generation;  /* the running task's */
  guint                    evaluations;      /* tasks started */
};

static Link *
link_ref (Link *link)
{
  return g_rc_box_acquire (link);
}

static void
link_unref (Link *link)
{
  g_rc_box_release (link);
}

static void
notify_busy (BpEvalRunner *self,
             gboolean      was_busy)
{
  if (was_busy != bp_eval_runner_is_busy (self))
    g_object_notify_by_pspec (self->owner, self->busy_pspec);
}

static void start (BpEvalRunner    *self,
                   BpModelSnapshot *snapshot);

static void
task_done_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Link *link = user_data;
  BpEvalRunner *self = link->runner;
  GTask *task = G_TASK (res);

  /* Stopped or stale, the result is left unpropagated: GTask frees it with
   * the destroy notify the worker returned it with, and the job with it. */
  link_unref (link);
  if (self == NULL)
    return;
  self->running = FALSE;
  if (self->task_generation == self->generation)
    {
      g_autoptr (GError) error = NULL;
      gpointer result = g_task_propagate_pointer (task, &error);

      if (result != NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        self->funcs->apply (self->owner, g_task_get_task_data (task), result, error);
    }
  if (self->pending != NULL)
    start (self, g_steal_pointer (&self->pending));
  notify_busy (self, TRUE);
}

static void
start (BpEvalRunner    *self,
       BpModelSnapshot *snapshot)
{
  g_autoptr (GTask) task = g_task_new (NULL, self->cancellable, task_done_cb,
                                       link_ref (self->link));

  g_task_set_source_tag (task, start);
  g_task_set_name (task, self->funcs->name);
  g_task_set_task_data (task, self->funcs->build (self->owner, snapshot), self->funcs->job_free);
  self->running = TRUE;
  self->task_generation = self->generation;
  self->evaluations++;
  g_object_notify_by_pspec (self->owner, self->evaluations_pspec);
  g_task_run_in_thread (task, self->funcs->worker);
}

guint
bp_eval_runner_install_properties (GObjectClass *object_class,
                                   guint         first_prop)
{
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  g_return_val_if_fail (G_IS_OBJECT_CLASS (object_class), 0);
  g_return_val_if_fail (first_prop > 0, 0);

  g_object_class_install_property (object_class, first_prop,
                                   g_param_spec_boolean ("busy", NULL, NULL, FALSE, flags));
  g_object_class_install_property (object_class, first_prop + 1,
                                   g_param_spec_uint ("evaluations", NULL, NULL, 0, G_MAXUINT, 0,
                                                      flags));
  return 2;
}

gboolean
bp_eval_runner_get_property (BpEvalRunner *self,
                             GParamSpec   *pspec,
                             GValue       *value)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (pspec == self->busy_pspec)
    g_value_set_boolean (value, bp_eval_runner_is_busy (self));
  else if (pspec == self->evaluations_pspec)
    g_value_set_uint (value, self->evaluations);
  else
    return FALSE;
  return TRUE;
}

BpEvalRunner *
bp_eval_runner_new (GObject                 *owner,
                    const BpEvalRunnerFuncs *funcs)
{
  GParamSpec *busy, *evaluations;
  BpEvalRunner *self;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  g_return_val_if_fail (funcs != NULL, NULL);
  busy = g_object_class_find_property (G_OBJECT_GET_CLASS (owner), "busy");
  evaluations = g_object_class_find_property (G_OBJECT_GET_CLASS (owner), "evaluations");
  g_return_val_if_fail (busy != NULL && evaluations != NULL, NULL);

  self = g_new0 (BpEvalRunner, 1);
  self->owner = owner;
  self->funcs = funcs;
  self->busy_pspec = busy;
  self->evaluations_pspec = evaluations;
  self->link = g_rc_box_new0 (Link);
  self->link->runner = self;
  self->cancellable = g_cancellable_new ();
  return self;
}

void
bp_eval_runner_stop (BpEvalRunner *self)
{
  g_return_if_fail (self != NULL);

  if (self->link == NULL)
    return;
  /* A task still running keeps its own job (weights and data) and finds
   * the link empty when it finishes. */
  self->link->runner = NULL;
  g_clear_pointer (&self->link, link_unref);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, bp_model_snapshot_unref);
  self->running = FALSE;
}

void
bp_eval_runner_free (BpEvalRunner *self)
{
  if (self == NULL)
    return;
  bp_eval_runner_stop (self);
  g_free (self);
}

void
bp_eval_runner_submit (BpEvalRunner    *self,
                       BpModelSnapshot *snapshot)
{
  gboolean was_busy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (snapshot != NULL);

  if (self->link == NULL)
    {
      bp_model_snapshot_unref (snapshot);
      return;
    }
  was_busy = bp_eval_runner_is_busy (self);
  if (self->running)
    {
      /* Only the newest waits; the one it replaces would be stale anyway. */
      g_clear_pointer (&self->pending, bp_model_snapshot_unref);
      self->pending = snapshot;
    }
  else
    start (self, snapshot);
  notify_busy (self, was_busy);
}

void
bp_eval_runner_forget (BpEvalRunner *self)
{
  gboolean was_busy;

  g_return_if_fail (self != NULL);

  if (self->link == NULL)
    return;
  was_busy = bp_eval_runner_is_busy (self);
  self->generation++;
  g_clear_pointer (&self->pending, bp_model_snapshot_unref);
  /* The stale task can stop early; what comes next gets a cancellable of
   * its own. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  notify_busy (self, was_busy);
}

gboolean
bp_eval_runner_is_busy (BpEvalRunner *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->running || self->pending != NULL;
}
