/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "thumbnail-grid.h"

#include <math.h>
#include <string.h>

/* The side a thumbnail is scaled up to about. */
#define THUMBNAIL_SIDE 56

struct _BpThumbnailGrid
{
  GtkWidget  parent_instance;

  GtkWidget *flow;
  guint      n_images;
};

G_DEFINE_FINAL_TYPE (BpThumbnailGrid, bp_thumbnail_grid, GTK_TYPE_WIDGET)

/* Image @row of @part on the grey ramp [lo, hi], each pixel repeated
 * @scale times across and down (scaling by the renderer would blur it). */
static GdkTexture *
make_texture (const nn_dataset *part,
              gsize             row,
              guint             side,
              guint             scale,
              float             lo,
              float             hi)
{
  guint w = side * scale;
  gsize stride = (gsize) w * 3;
  guchar *pixels = g_malloc (stride * w);
  const float *x = part->x + row * part->d;
  g_autoptr (GBytes) bytes = NULL;

  for (guint r = 0; r < side; r++)
    for (guint c = 0; c < side; c++)
      {
        float v = x[r * side + c];
        guchar g = isfinite (v) ? (guchar) lrintf (CLAMP (255.0f * (v - lo) / (hi - lo), 0, 255))
                   : 0;

        for (guint dy = 0; dy < scale; dy++)
          memset (pixels + (gsize) (r * scale + dy) * stride + (gsize) c * scale * 3, g,
                  (gsize) scale * 3);
      }
  bytes = g_bytes_new_take (pixels, stride * w);
  return gdk_memory_texture_new ((int) w, (int) w, GDK_MEMORY_R8G8B8, bytes, stride);
}

static void
bp_thumbnail_grid_dispose (GObject *object)
{
  BpThumbnailGrid *self = BP_THUMBNAIL_GRID (object);

  g_clear_pointer (&self->flow, gtk_widget_unparent);
  G_OBJECT_CLASS (bp_thumbnail_grid_parent_class)->dispose (object);
}

static void
bp_thumbnail_grid_class_init (BpThumbnailGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_thumbnail_grid_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "thumbnailgrid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bp_thumbnail_grid_init (BpThumbnailGrid *self)
{
  GtkFlowBox *flow;

  self->flow = gtk_flow_box_new ();
  flow = GTK_FLOW_BOX (self->flow);
  gtk_flow_box_set_selection_mode (flow, GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (flow, TRUE);
  gtk_flow_box_set_min_children_per_line (flow, 4);
  gtk_flow_box_set_max_children_per_line (flow, 24);
  gtk_flow_box_set_column_spacing (flow, 4);
  gtk_flow_box_set_row_spacing (flow, 4);
  gtk_widget_set_halign (self->flow, GTK_ALIGN_START);
  gtk_widget_set_parent (self->flow, GTK_WIDGET (self));
}

GtkWidget *
bp_thumbnail_grid_new (void)
{
  return g_object_new (BP_TYPE_THUMBNAIL_GRID, NULL);
}

void
bp_thumbnail_grid_set_images (BpThumbnailGrid  *self,
                              const nn_dataset *part,
                              const gsize      *rows,
                              gsize             n,
                              guint             side,
                              const char       *label)
{
  GtkWidget *child;
  float lo = INFINITY, hi = -INFINITY;
  guint scale;

  g_return_if_fail (BP_IS_THUMBNAIL_GRID (self));
  g_return_if_fail (n == 0 || (part != NULL && rows != NULL && side > 0));
  g_return_if_fail (n == 0 || (gsize) side * side == part->d);

  while ((child = gtk_widget_get_first_child (self->flow)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->flow), child);
  self->n_images = (guint) n;
  if (n == 0)
    return;

  for (gsize m = 0; m < n; m++)
    for (gsize j = 0; j < part->d; j++)
      {
        float v = part->x[rows[m] * part->d + j];

        if (isfinite (v))
          {
            lo = MIN (lo, v);
            hi = MAX (hi, v);
          }
      }
  if (!isfinite (lo))
    lo = 0.0f;
  if (!(hi > lo))
    hi = lo + 1.0f;
  scale = MAX (1, THUMBNAIL_SIDE / side);
  for (gsize m = 0; m < n; m++)
    {
      g_autoptr (GdkTexture) texture = make_texture (part, rows[m], side, scale, lo, hi);
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
      if (label != NULL)
        {
          gtk_widget_set_tooltip_text (picture, label);
          gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        }
      gtk_flow_box_append (GTK_FLOW_BOX (self->flow), picture);
    }
}

guint
bp_thumbnail_grid_get_n_images (BpThumbnailGrid *self)
{
  g_return_val_if_fail (BP_IS_THUMBNAIL_GRID (self), 0);
  return self->n_images;
}

GtkWidget *
bp_thumbnail_grid_get_image (BpThumbnailGrid *self,
                             guint            i)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (BP_IS_THUMBNAIL_GRID (self), NULL);
  g_return_val_if_fail (i < self->n_images, NULL);

  child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (self->flow), (int) i);
  return gtk_flow_box_child_get_child (child);
}
