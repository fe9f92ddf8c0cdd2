/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "data.h"

G_BEGIN_DECLS

/* A small picture of a data set's training rows, drawn with Cairo: image
 * data (a square number of features, at least 8 × 8, such as 784 → 28 × 28)
 * as a grid of its first images in greyscale; one feature of regression
 * data as the target against it; otherwise a scatter of the first two
 * (scaled) features coloured by class (the named colours plot_series_0 …
 * plot_series_7 of the widget's CSS, or a built-in palette) or, for
 * regression, by the target. */
#define BP_TYPE_DATA_PREVIEW (bp_data_preview_get_type ())
G_DECLARE_FINAL_TYPE (BpDataPreview, bp_data_preview, BP, DATA_PREVIEW, GtkWidget)

GtkWidget *bp_data_preview_new (void);

/* Shows @data (kept; NULL: nothing). */
void bp_data_preview_set_data (BpDataPreview *self,
                               BpData        *data);
BpData *bp_data_preview_get_data (BpDataPreview *self);

/* Whether the preview shows images (rather than points). */
gboolean bp_data_preview_shows_images (BpDataPreview *self);

G_END_DECLS
