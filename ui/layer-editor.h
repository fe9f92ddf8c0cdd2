/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "spec.h"

G_BEGIN_DECLS

/* The model panel: the list of layers a person builds. Each row edits its
 * own layer (units, activation and initialiser of a dense layer, the rate
 * of a dropout layer, the function of an activation layer) and shows its
 * parameter count; rows are added from a menu (Dense, Dropout, BatchNorm,
 * the activations), removed, and reordered by drag and drop and by
 * keyboard (Alt+Up / Alt+Down on a row). The output layer is the last row,
 * always dense, its units following the data and its activation the loss;
 * it cannot be removed or moved. The total parameter count, and a message
 * when the model cannot be built, show below the list. Every edit can be
 * undone (Ctrl+Z) and redone (Ctrl+Shift+Z): actions "layers.undo" and
 * "layers.redo".
 *
 * Actions (group "layers"): undo, redo; add (s: "dense", "dropout",
 * "batchnorm" or an activation name; inserted after the row that last had
 * the focus, else before the output layer); remove (i: spec index); move
 * ((ii): from, to; nothing passes the output layer); move-up, move-down,
 * remove-focused (on the focused row; Alt+Up, Alt+Down, Delete).
 * Properties "problem" (string), "can-undo", "can-redo", with notify.
 *
 * Its look: the list has the style class "boxed-list", each row
 * "layer-row" (the output row also "output"), a highlighted row
 * "highlighted", the total label "total", the message a label with
 * "error". GTK 4.8's theme draws no boxed list, so the editor adds a small
 * style sheet of its own for these to the display at the application's
 * priority. It scrolls in whatever scrolled window holds it. */
#define BP_TYPE_LAYER_EDITOR (bp_layer_editor_get_type ())
G_DECLARE_FINAL_TYPE (BpLayerEditor, bp_layer_editor, BP, LAYER_EDITOR, GtkWidget)

GtkWidget *bp_layer_editor_new (void);

/* Shows @spec's layers and clears the undo history. The last layer is the
 * output layer when it is dense without an activation; otherwise all are
 * hidden layers and the output layer comes from set_shape. Not an edit:
 * no "changed". */
void bp_layer_editor_set_spec (BpLayerEditor       *self,
                               const nn_model_spec *spec);

/* The layers as edited, with the editor's inputs, loss and output units. */
void bp_layer_editor_get_spec (BpLayerEditor *self,
                               nn_model_spec *spec);

/* What the data and the loss ask of the model: @inputs features, and an
 * output layer of @outputs units whose activation is named @output_name
 * ("softmax", "sigmoid", "identity"); 0 inputs: no data yet. Updates the
 * output row, every parameter count and the problem. Not an undoable
 * edit, and no "changed". */
void bp_layer_editor_set_shape (BpLayerEditor *self,
                                gsize          inputs,
                                nn_loss        loss,
                                gsize          outputs,
                                const char    *output_name);

/* NULL when the model can be built, else why not (owned by the editor). */
const char *bp_layer_editor_get_problem (BpLayerEditor *self);

/* Marks layer @index (a spec layer; -1: none) as the one a finding is
 * about, and scrolls to it. */
void bp_layer_editor_highlight (BpLayerEditor *self,
                                int            index);
int bp_layer_editor_get_highlighted (BpLayerEditor *self);

gboolean bp_layer_editor_can_undo (BpLayerEditor *self);
gboolean bp_layer_editor_can_redo (BpLayerEditor *self);
void bp_layer_editor_undo (BpLayerEditor *self);
void bp_layer_editor_redo (BpLayerEditor *self);

/* Signal "changed": emitted after every edit, undo and redo (not after
 * set_spec or set_shape). */

G_END_DECLS
