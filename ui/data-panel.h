/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "data.h"
#include "source.h"

G_BEGIN_DECLS

/* The data panel: a choice of the built-in sets (with their size, noise
 * and classes), Fashion-MNIST and MNIST when installed, and a file: a CSV
 * file or an IDX folder from a file chooser, with the CSV loader's options
 * (header, delimiter, label column, target columns, task, missing cells);
 * the split and the scaling. It loads in a worker thread and then shows a
 * small preview — a scatter of the first two features coloured by class,
 * or the first images of image data — and the data checks. A load error
 * shows in the panel with its file, line and column, and the previous data
 * stay.
 *
 * Editing a control reloads 300 ms after the last edit (a typed number
 * on Enter or when the focus leaves; text and seeds as typed); a load
 * still under way is cancelled and its result ignored. Typed values are
 * checked as they are typed, with the command line's ranges, and a value
 * that does not fit (or breaks a rule between settings: classes ≤
 * samples, validation + test < 1, target columns only for regression) is
 * shown with the reason under its field and not applied. Each data check
 * is a row named "check-SEVERITY-KIND" (nn_severity_name,
 * nn_check_kind_name), or "check-none" when nothing was found. */
#define BP_TYPE_DATA_PANEL (bp_data_panel_get_type ())
G_DECLARE_FINAL_TYPE (BpDataPanel, bp_data_panel, BP, DATA_PANEL, GtkWidget)

GtkWidget *bp_data_panel_new (void);

/* Shows @src's settings and loads it at once. A CSV or IDX source with
 * an empty name waits for a file or folder to be chosen. */
void bp_data_panel_set_source (BpDataPanel          *self,
                               const nn_data_source *src);
/* The source as the controls describe it (@src's CSV option strings point
 * into @src's own label and target fields). */
void bp_data_panel_get_source (BpDataPanel    *self,
                               nn_data_source *src);

/* The data last loaded without error, or NULL (owned by the panel). */
BpData *bp_data_panel_get_data (BpDataPanel *self);

/* Loads the source as the controls describe it now (what editing a
 * control does after a short delay). */
void bp_data_panel_reload (BpDataPanel *self);

/* Whether a load is under way. */
gboolean bp_data_panel_is_loading (BpDataPanel *self);

/* Shows the model checks for @spec (copied; NULL: none) beside the data's
 * own (labels that do not fit the loss, too few rows for the parameters),
 * now and after every later load. */
void bp_data_panel_set_model (BpDataPanel         *self,
                              const nn_model_spec *spec);

/* Signal "loaded" (BpData *) after each successful load; "notify::loading". */

G_END_DECLS
