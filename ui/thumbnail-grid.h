/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dataset.h"

G_BEGIN_DECLS

/* Rows of image data as small greyscale pictures in a flowing grid: each
 * image of side × side features scaled up by a whole factor to about 56
 * pixels (28 × 28 twice), pixel for pixel without blurring, all on one
 * grey ramp from the darkest to the brightest value shown, so they
 * compare. Each picture carries the same label as its tooltip and
 * accessible name ("true Shirt, predicted T-shirt/top"); the grid's
 * children take keyboard focus one by one. */
#define BP_TYPE_THUMBNAIL_GRID (bp_thumbnail_grid_get_type ())
G_DECLARE_FINAL_TYPE (BpThumbnailGrid, bp_thumbnail_grid, BP, THUMBNAIL_GRID, GtkWidget)

GtkWidget *bp_thumbnail_grid_new (void);

/* Shows rows @rows [n] of @part, whose d features are a square image of
 * @side (side² = d), labelled @label; @n 0 shows nothing. */
void bp_thumbnail_grid_set_images (BpThumbnailGrid  *self,
                                   const nn_dataset *part,
                                   const gsize      *rows,
                                   gsize             n,
                                   guint             side,
                                   const char       *label);

guint bp_thumbnail_grid_get_n_images (BpThumbnailGrid *self);

/* The picture (a GtkPicture of a GdkTexture) of image @i. */
GtkWidget *bp_thumbnail_grid_get_image (BpThumbnailGrid *self,
                                        guint            i);

G_END_DECLS
