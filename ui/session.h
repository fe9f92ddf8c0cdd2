/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "data.h"
#include "model.h"
#include "trainer.h"

G_BEGIN_DECLS

/* A training run in the window: owns the model and the trainer and a
 * dedicated worker thread that steps it. The worker's report callback
 * copies each report into a mutex-protected queue and schedules at most
 * one idle, which drains the queue on the main thread and emits the
 * signals below; the worker never touches a widget. Pause, single steps,
 * stop and a new learning rate are flags and values the worker reads
 * between steps. Stopping, setting up anew and disposing join the worker;
 * after dispose no thread and no idle of the session remain.
 *
 * Use a session from the thread that runs the default main context (the
 * idle is added there). */
#define BP_TYPE_SESSION (bp_session_get_type ())
G_DECLARE_FINAL_TYPE (BpSession, bp_session, BP, SESSION, GObject)

/* The state changes on the main thread, in order with the signals: RUNNING
 * lasts until the worker has stopped touching the model, so PAUSED,
 * FINISHED and DIVERGED are notified after the last step record of the
 * run, and no step arrives while PAUSED. The model is the worker's while
 * RUNNING; in every other state the main thread may read it. */
typedef enum
{
  BP_SESSION_EMPTY,     /* no model yet */
  BP_SESSION_READY,     /* a model, not running: fresh, or stopped; no worker thread */
  BP_SESSION_RUNNING,   /* the worker steps (or is about to pause) */
  BP_SESSION_PAUSED,    /* the worker waits; start resumes, step takes one */
  BP_SESSION_FINISHED,  /* all epochs done, or stopped early; no worker thread */
  BP_SESSION_DIVERGED,  /* rolled back to the last good step; see get_divergence; no worker
                         * thread */
} BpSessionState;

#define BP_TYPE_SESSION_STATE (bp_session_state_get_type ())
GType bp_session_state_get_type (void);

/* A step report copied for the main thread. */
typedef struct
{
  guint64       step;
  int           epoch;
  gsize         batch;
  gsize         batches;
  double        loss;
  double        lr;
  double        grad_norm;
  guint         n_ops;
  nn_op_stats  *ops;             /* [n_ops] */
  gboolean      has_histograms;
  nn_histogram *weight_hist;     /* [n_ops] each, counts owned, when has_histograms */
  nn_histogram *grad_hist;
  nn_histogram *act_hist;
} BpStepRecord;

/* An epoch report copied for the main thread. */
typedef struct
{
  nn_epoch_report report;        /* its dead_fraction points at the array below */
  double         *dead_fraction; /* [report.n_ops] */
} BpEpochRecord;

/* Codes are nn_status values. */
#define BP_SESSION_ERROR (bp_session_error_quark ())
GQuark bp_session_error_quark (void);

BpSession *bp_session_new (void);

BpSessionState bp_session_get_state (BpSession *self);

/* Builds a model of @spec and a trainer with @params on @data (kept),
 * with fresh weights from params->seed, or @weights (n_params floats) and
 * @buffers (n_buffers floats) when given (both copied; buffers NULL: batch
 * norm's initial running statistics); stops and joins any run first (as
 * bp_session_stop). The model holds batches of params->batch rows, or the
 * whole training part for GD or a larger batch. The state becomes READY;
 * on error (BP_SESSION_ERROR: a spec that does not fit the data, bad
 * settings, no training rows, no memory) the previous setup stays, stopped. */
gboolean bp_session_setup (BpSession               *self,
                           BpData                  *data,
                           const nn_model_spec     *spec,
                           const nn_trainer_params *params,
                           const float             *weights,
                           const float             *buffers,
                           GError                 **error);

/* Runs: from PAUSED it resumes the run; from READY, FINISHED or DIVERGED
 * it starts a new run (see bp_session_stop) in a new worker thread. The
 * state becomes RUNNING at once. */
void bp_session_start (BpSession *self);
/* Lets the worker wait after its current step; the state becomes PAUSED
 * when it does (only while RUNNING; otherwise nothing). */
void bp_session_pause (BpSession *self);
/* Takes one mini-batch and pauses: from PAUSED in the run, from READY,
 * FINISHED or DIVERGED as the first step of a new run. The state is
 * RUNNING during the step and PAUSED after it (FINISHED if it was the
 * run's last). While RUNNING it pauses after the step under way. */
void bp_session_step (BpSession *self);
/* Ends the run and joins the worker (waiting for the step under way); the
 * records of the steps done that the idle has not delivered yet are
 * emitted before this returns, and none after. The model keeps its
 * weights and the state becomes READY. A later start begins a new run
 * from these weights: a new trainer with fresh optimizer state, schedule,
 * step and epoch counts, for params->epochs epochs (the counts of the
 * stopped run stay readable until then). From FINISHED or DIVERGED it
 * just goes back to READY. Signal handlers must not call start or step
 * during the emissions of stop. */
void bp_session_stop (BpSession *self);
/* Stops, and gives the model fresh weights from the seed (not the weights
 * given to setup) and a fresh trainer; counts go back to 0. */
void bp_session_reset (BpSession *self);

/* From DIVERGED: goes on from the last finite state the trainer rolled
 * back to (same epoch, optimizer state and schedule) at learning rate @lr,
 * running. Returns FALSE in any other state. */
gboolean bp_session_recover (BpSession *self,
                             double     lr);

/* Copies the weights for views that follow a run: while it runs, those of
 * the worker's last snapshot (taken at most every 200 ms); otherwise the
 * model's own. @params holds n_params floats and @buffers n_buffers.
 * Returns the step they belong to plus one (0: no model). */
guint64 bp_session_copy_weights (BpSession *self,
                                 float     *params,
                                 float     *buffers);

/* The learning rate from the next step on (while running, too; the
 * schedule carries on from it), and for the runs started later (it
 * becomes params->opt.lr). */
void bp_session_set_lr (BpSession *self,
                        double     lr);
/* The rate in effect: that of the last step record while running (the
 * schedule moves it), the trainer's for the next step once paused or
 * ended, or the one set by hand since either. */
double bp_session_get_lr (BpSession *self);

/* The model, the data and the settings of the last setup (NULL before;
 * the learning rate as last set); the model may only be read while the
 * state is not RUNNING. */
nn_model *bp_session_get_model (BpSession *self);
BpData *bp_session_get_data (BpSession *self);
const nn_trainer_params *bp_session_get_params (BpSession *self);
const nn_model_spec *bp_session_get_spec (BpSession *self);

/* Steps and epochs done in the current run, for the status line: those
 * of the last records delivered. */
guint64 bp_session_get_step (BpSession *self);
int bp_session_get_epoch (BpSession *self);

/* What went wrong, while the state is DIVERGED (else NULL). */
const nn_divergence *bp_session_get_divergence (BpSession *self);

/* Signals, on the main thread:
 *   "step"  (BpStepRecord *) for every step, in order;
 *   "epoch" (BpEpochRecord *) at each epoch's end, after its last step;
 * the records are valid during the emission only. The state is a
 * property ("state", BpSessionState, read-only) with notify. */

G_END_DECLS
