/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "loss.h"
#include "trainer.h"

G_BEGIN_DECLS

/* The training panel: loss, optimizer and the parameters that optimizer
 * takes (only those shown), learning rate (a log-scale slider and an
 * exact entry), schedule and its settings, batch size, epochs, L1, L2,
 * clipping by norm and by value, early stopping, seed and threads. Every
 * field checks what is typed and says inline what is allowed; a bad value
 * is never applied.
 *
 * While a run goes on (set_running), the learning rate takes effect at
 * once ("lr-changed"); other changes are kept for the next run and the
 * panel says so.
 *
 * Typed values are checked as they are typed, with the command line's
 * ranges and wording ("Expected a positive number, not “abc”") under the
 * field; a valid value applies at once, except the learning rate, which
 * applies on Enter or when the focus leaves its entry (and from its
 * slider, over 10⁻⁶ … 10 in two significant digits). Picking another
 * optimizer starts from its torch defaults, the rate included (an L2 set
 * by hand carries over); another schedule from its defaults, keeping the
 * warm-up. Clipping, warm-up and early stopping show 0 as "off". */
#define BP_TYPE_TRAINING_PANEL (bp_training_panel_get_type ())
G_DECLARE_FINAL_TYPE (BpTrainingPanel, bp_training_panel, BP, TRAINING_PANEL, GtkWidget)

GtkWidget *bp_training_panel_new (void);

/* Shows @params (copied whole: fields the panel does not show, such as
 * stats and histograms, come back unchanged from get_params), @loss and
 * @threads (≤ 0: the number of processors); emits nothing. */
void bp_training_panel_set_params (BpTrainingPanel         *self,
                                   const nn_trainer_params *params,
                                   nn_loss                  loss,
                                   int                      threads);

/* The settings as edited; each out argument may be NULL. */
void bp_training_panel_get_params (BpTrainingPanel   *self,
                                   nn_trainer_params *params,
                                   nn_loss           *loss,
                                   int               *threads);

/* Whether a run is going on (shows the "applies to the next run" note for
 * changes other than the learning rate). */
void bp_training_panel_set_running (BpTrainingPanel *self,
                                    gboolean         running);

/* The task of the data, which narrows the losses offered (regression: mse,
 * bce for targets in [0, 1]; classification: ce, bce, mse). */
void bp_training_panel_set_task (BpTrainingPanel *self,
                                 nn_task          task);

/* Shows @lr (a run's schedule moved it) without emitting "lr-changed" and
 * without changing the rate get_params returns (the next run starts from
 * the rate set by hand; set_running (FALSE) shows it again). Leaves the
 * entry alone while it has the focus. */
void bp_training_panel_show_lr (BpTrainingPanel *self,
                                double           lr);

/* Signals: "changed" after any valid edit; "lr-changed" (double) when the
 * learning rate was changed by hand (running or not, before "changed"). */

G_END_DECLS
