/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "model-snapshot.h"

G_BEGIN_DECLS

/* The background evaluation that the Boundary and Evaluation tabs share:
 * copies of a model's weights evaluated one GTask at a time, so a view can
 * follow a run live. While a task runs, further updates keep only the
 * newest. Forgetting (new data, a new model) makes the running task stale:
 * its result is dropped. Stopping (the owner's dispose) lets a running task
 * finish on its own job and drops its result, whenever it comes. The
 * runner keeps its owner's read-only "busy" and "evaluations" properties
 * (see bp_eval_runner_install_properties). Main thread only. */
typedef struct _BpEvalRunner BpEvalRunner;

/* Makes the data of a task (the job its worker reads) for @snapshot, whose
 * reference it takes, from the owner as it is when the task starts. */
typedef gpointer (*BpEvalRunnerBuildFunc) (GObject         *owner,
                                           BpModelSnapshot *snapshot);

/* Shows what a task that is not stale gave: @result, which the callee
 * takes, or, when that is NULL, @error (never a cancellation). @job is the
 * task's data, still the task's. */
typedef void (*BpEvalRunnerApplyFunc) (GObject      *owner,
                                       gpointer      job,
                                       gpointer      result,
                                       const GError *error);

typedef struct
{
  const char            *name;      /* the tasks' name, for debuggers and profilers */
  BpEvalRunnerBuildFunc  build;
  GDestroyNotify         job_free;
  GTaskThreadFunc        worker;    /* a job to a result, with g_task_return_pointer */
  BpEvalRunnerApplyFunc  apply;
} BpEvalRunnerFuncs;

/* For the owner's class_init, after it sets get_property: installs
 * "busy" (a task runs or waits) and "evaluations" (tasks started, for
 * tests), read-only and notified when they change, as property ids
 * @first_prop and @first_prop + 1. Returns the number installed (2). */
guint bp_eval_runner_install_properties (GObjectClass *object_class,
                                         guint         first_prop);

/* For the owner's get_property: sets @value and returns TRUE when @pspec
 * is one of those properties. */
gboolean bp_eval_runner_get_property (BpEvalRunner *self,
                                      GParamSpec   *pspec,
                                      GValue       *value);

/* A runner for @owner (not kept: the owner keeps the runner), whose class
 * has the properties above; @funcs must outlive it. */
BpEvalRunner *bp_eval_runner_new (GObject                 *owner,
                                  const BpEvalRunnerFuncs *funcs);

/* For the owner's dispose: drops the waiting update and leaves a running
 * task to finish alone. Later updates are ignored. */
void bp_eval_runner_stop (BpEvalRunner *self);

/* Stops and frees the runner; NULL is allowed. */
void bp_eval_runner_free (BpEvalRunner *self);

/* Evaluates @snapshot (its reference taken): at once when nothing runs,
 * else after the running task, in place of any update already waiting. */
void bp_eval_runner_submit (BpEvalRunner    *self,
                            BpModelSnapshot *snapshot);

/* Drops the waiting update and makes the running task stale. */
void bp_eval_runner_forget (BpEvalRunner *self);

/* Whether a task runs or an update waits. */
gboolean bp_eval_runner_is_busy (BpEvalRunner *self);

G_END_DECLS
