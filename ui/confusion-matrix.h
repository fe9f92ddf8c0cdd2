/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A confusion matrix as a heatmap, drawn with Cairo: rows are the true
 * classes, columns the predicted ones, each cell filled with the series
 * colour (CSS plot_series_0, else GNOME blue) in proportion to its share
 * of its row (the recall of the diagonal cell, the confusions elsewhere),
 * with its count printed in the cell where it fits, in white or the text
 * colour, whichever reads better. Class names run along both axes,
 * ellipsized, the column names turned upright when they do not fit.
 *
 * A cell is selected by clicking it, or from the keyboard: the widget
 * takes focus, the arrow keys move the selection (starting from the cell
 * last selected, at first the top-left one), Escape clears it, and Enter
 * or Space selects the cell last selected again. The selected cell is outlined; "selection-changed"
 * says it changed. Hovering a cell shows its count and row share as a
 * tooltip. Accessible as an image described as "Confusion matrix: 10
 * classes, accuracy 88.3 %" and the selected cell. CSS node
 * "confusionmatrix". */
#define BP_TYPE_CONFUSION_MATRIX (bp_confusion_matrix_get_type ())
G_DECLARE_FINAL_TYPE (BpConfusionMatrix, bp_confusion_matrix, BP, CONFUSION_MATRIX, GtkWidget)

GtkWidget *bp_confusion_matrix_new (void);

/* Shows @counts [k × k] (row = true class, column = predicted; copied)
 * with @names [k] (copied; NULL or NULL entries: the class numbers). The
 * selection stays when k does, else it is cleared. k = 0 shows nothing. */
void bp_confusion_matrix_set_counts (BpConfusionMatrix  *self,
                                     gsize               k,
                                     const guint64      *counts,
                                     const char *const  *names);

gsize bp_confusion_matrix_get_k (BpConfusionMatrix *self);

/* Selects cell (@row, @col), or nothing when either is −1. */
void bp_confusion_matrix_select (BpConfusionMatrix *self,
                                 int                row,
                                 int                col);

/* The selected cell; FALSE when none. */
gboolean bp_confusion_matrix_get_selected (BpConfusionMatrix *self,
                                           int               *row,
                                           int               *col);

/* The cell under widget point (@x, @y) at the widget's present size. */
gboolean bp_confusion_matrix_cell_at (BpConfusionMatrix *self,
                                      double             x,
                                      double             y,
                                      int               *row,
                                      int               *col);

/* The rectangle of cell (@row, @col) in widget coordinates at the
 * widget's present size (for tests and for placing things over it). */
gboolean bp_confusion_matrix_get_cell_area (BpConfusionMatrix *self,
                                            int                row,
                                            int                col,
                                            graphene_rect_t   *area);

G_END_DECLS
