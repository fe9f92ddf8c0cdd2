/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "spec.h"

G_BEGIN_DECLS

/* The parts of a layer row a person edits or focuses. */
typedef enum
{
  BP_LAYER_ROW_FIELD_NONE,
  BP_LAYER_ROW_FIELD_ROW,         /* the row itself */
  BP_LAYER_ROW_FIELD_UNITS,       /* dense: GtkSpinButton, 1 … 65536 */
  BP_LAYER_ROW_FIELD_ACTIVATION,  /* dense: GtkDropDown, none relu … tanh */
  BP_LAYER_ROW_FIELD_INIT,        /* dense and output: GtkDropDown, auto default … zeros */
  BP_LAYER_ROW_FIELD_RATE,        /* dropout: GtkSpinButton, 0 … 0.99 */
  BP_LAYER_ROW_FIELD_FUNCTION,    /* activation layer: GtkDropDown, relu … tanh */
  BP_LAYER_ROW_FIELD_REMOVE,      /* GtkButton with action layers.remove */
  BP_LAYER_ROW_FIELD_SUMMARY,     /* output: GtkLabel "3 units · softmax" */
  BP_LAYER_ROW_FIELD_PARAMS,      /* GtkLabel "1,056 params" */
} BpLayerRowField;

/* One row of the layer editor: a line with a drag handle, the layer's kind,
 * its parameter count and a remove button, and below it the controls of
 * its settings, each under a caption, wrapping when the panel is narrow.
 * In output mode it is the output layer: "Output  3 units · softmax" (its
 * accessible name "Output · 3 units · softmax"), with only its
 * initialiser to edit, and neither handle nor remove button. The row never changes the
 * list itself: the remove button activates "layers.remove" (int32 index)
 * and a drop of another row on this one "layers.move" ((ii) from, to),
 * which the editor around it installs. */
#define BP_TYPE_LAYER_ROW (bp_layer_row_get_type ())
G_DECLARE_FINAL_TYPE (BpLayerRow, bp_layer_row, BP, LAYER_ROW, GtkListBoxRow)

GtkWidget *bp_layer_row_new (void);

/* Shows @layer as spec layer @index (0-based; named "layer index+1"). Does
 * not emit "edited". */
void bp_layer_row_set_layer (BpLayerRow          *self,
                             const nn_layer_spec *layer,
                             guint                index);

/* Shows the output layer as spec layer @index: @units (0: not known yet),
 * @activation_name (the loss's, "softmax"…) and @init. Does not emit
 * "edited". */
void bp_layer_row_set_output (BpLayerRow *self,
                              guint       index,
                              gsize       units,
                              const char *activation_name,
                              nn_init     init);

/* The layer as the controls show it now (output mode: dense, identity, the
 * chosen initialiser, the units given). */
void bp_layer_row_get_layer (BpLayerRow    *self,
                             nn_layer_spec *layer);

guint bp_layer_row_get_index (BpLayerRow *self);
gboolean bp_layer_row_is_output (BpLayerRow *self);

/* Shows the layer's parameter count; -1: not known (no data yet). */
void bp_layer_row_set_params (BpLayerRow *self,
                              gssize      count);

/* The widget of @field (owned by the row), or NULL. */
GtkWidget *bp_layer_row_get_field_widget (BpLayerRow      *self,
                                          BpLayerRowField  field);

/* Which field @widget (the focus, say) is or lies in; NONE when outside. */
BpLayerRowField bp_layer_row_field_of (BpLayerRow *self,
                                       GtkWidget  *widget);

/* Gives the keyboard focus to @field, or to the row when that field is not
 * shown. */
void bp_layer_row_focus_field (BpLayerRow      *self,
                               BpLayerRowField  field);

/* "1,056": @n with a comma between groups of three digits, into @buf. */
void bp_layer_row_format_count (gsize  n,
                                char  *buf,
                                gsize  len);

/* Signal "edited" (BpLayerRowField as int): the person changed @field. */

G_END_DECLS
