/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "data.h"
#include "history.h"
#include "session.h"
#include "source.h"
#include "spec.h"
#include "trainer.h"

G_BEGIN_DECLS

/* The main window: a header bar with Start/Pause, Step, Stop, Reset, Open,
 * Save and the primary menu; the data, model and training panels in a
 * sidebar; the live plots; and a status line. It owns a BpSession that
 * trains on a worker thread. Opening and saving project files is the
 * application's (app/), which reads and writes the window's state through
 * the functions below. */
#define BP_TYPE_WINDOW (bp_window_get_type ())
G_DECLARE_FINAL_TYPE (BpWindow, bp_window, BP, WINDOW, GtkApplicationWindow)

BpWindow *bp_window_new (GtkApplication *app);

/* Shows a project: its data source (loaded anew), layers and training
 * settings; when @weights is given (n_params floats for that spec, and
 * @buffers its n_buffers batch-norm statistics) the model starts from them
 * once the data are loaded. Stops any run first. @title names the project
 * in the title bar (NULL: untitled). */
void bp_window_load (BpWindow                *self,
                     const nn_data_source    *source,
                     const nn_model_spec     *spec,
                     const nn_trainer_params *params,
                     const float             *weights,
                     gsize                    n_weights,
                     const float             *buffers,
                     gsize                    n_buffers,
                     const char              *title);

/* The settings as the panels show them now. */
void bp_window_get_settings (BpWindow          *self,
                             nn_data_source    *source,
                             nn_model_spec     *spec,
                             nn_trainer_params *params);

/* The data loaded, the session (its model and run), the epochs of the
 * current run (an array of nn_epoch_report whose dead_fraction is NULL),
 * and the run's history as the diagnosis reads it (NULL without a model). */
BpData *bp_window_get_data (BpWindow *self);
BpSession *bp_window_get_session (BpWindow *self);
GArray *bp_window_get_history (BpWindow *self);
const nn_history *bp_window_get_run_history (BpWindow *self);

/* Whether a run is under way (running or paused). */
gboolean bp_window_is_training (BpWindow *self);

/* Shows a message in the window's banner (an error when @error). */
void bp_window_show_message (BpWindow   *self,
                             const char *message,
                             gboolean    error);

/* Sets the project name shown in the title. */
void bp_window_set_title_name (BpWindow   *self,
                               const char *name);

G_END_DECLS
