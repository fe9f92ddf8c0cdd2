/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "data-preview.h"

#include <glib/gi18n.h>
#include <math.h>

#include "plot-axis.h"

/* At most this many training rows are drawn as points (every n-th row of a
 * larger set), and this many images. */
#define MAX_POINTS 3000
#define MAX_IMAGES 16
/* Smallest side of a square feature count taken for images: below it, a
 * square count (4, 9, 16 columns of a CSV file) is more likely a table. */
#define MIN_IMAGE_SIDE 8

typedef enum
{
  MODE_NONE,
  MODE_SCATTER,  /* two features, coloured by class or by the target */
  MODE_CURVE,    /* regression on one feature: the target against it */
  MODE_STRIP,    /* classification on one feature: the class against it */
  MODE_IMAGES,
} PreviewMode;

struct _BpDataPreview
{
  GtkWidget        parent_instance;

  BpData          *data;
  PreviewMode      mode;

  gsize            n_points;
  float           *px;                 /* [n_points] */
  float           *py;                 /* [n_points] */
  float           *value;              /* [n_points] regression target, or NULL */
  gint32          *cls;                /* [n_points] class ids, or NULL */
  gsize            k;
  double           x_lo, x_hi;
  double           y_lo, y_hi;
  double           v_lo, v_hi;
  char            *x_name;
  char            *y_name;

  guint            n_images;
  cairo_surface_t *images[MAX_IMAGES];
};

G_DEFINE_FINAL_TYPE (BpDataPreview, bp_data_preview, GTK_TYPE_WIDGET)

/* Used when the style defines no plot_series_N colours: Tableau 10's
 * first eight, told apart by most forms of colour blindness. */
static const GdkRGBA fallback_palette[8] = {
  { 0.306f, 0.475f, 0.655f, 1.0f },
  { 0.949f, 0.557f, 0.169f, 1.0f },
  { 0.349f, 0.631f, 0.310f, 1.0f },
  { 0.882f, 0.341f, 0.349f, 1.0f },
  { 0.463f, 0.718f, 0.698f, 1.0f },
  { 0.929f, 0.788f, 0.282f, 1.0f },
  { 0.690f, 0.478f, 0.631f, 1.0f },
  { 1.000f, 0.616f, 0.655f, 1.0f },
};

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
series_color (GtkWidget *widget,
              gsize      i,
              GdkRGBA   *color)
{
  char name[32];

  g_snprintf (name, sizeof name, "plot_series_%" G_GSIZE_FORMAT, i % 8);
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color))
    *color = fallback_palette[i % 8];
}

static void
text_color (GtkWidget *widget,
            GdkRGBA   *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
}
G_GNUC_END_IGNORE_DEPRECATIONS

static void
clear_cache (BpDataPreview *self)
{
  g_clear_pointer (&self->px, g_free);
  g_clear_pointer (&self->py, g_free);
  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->cls, g_free);
  g_clear_pointer (&self->x_name, g_free);
  g_clear_pointer (&self->y_name, g_free);
  for (guint i = 0; i < self->n_images; i++)
    g_clear_pointer (&self->images[i], cairo_surface_destroy);
  self->n_points = 0;
  self->n_images = 0;
  self->mode = MODE_NONE;
}

static guint
image_side (gsize d)
{
  guint side = (guint) lround (sqrt ((double) d));

  return side >= MIN_IMAGE_SIDE && (gsize) side * side == d ? side : 0;
}

static void
cache_images (BpDataPreview    *self,
              const nn_dataset *train,
              guint             side)
{
  gsize d = train->d;
  float lo = INFINITY, hi = -INFINITY;

  self->n_images = (guint) MIN (train->n, MAX_IMAGES);
  /* One grey ramp over all the images shown, so they compare. */
  for (gsize i = 0; i < self->n_images * d; i++)
    if (isfinite (train->x[i]))
      {
        lo = MIN (lo, train->x[i]);
        hi = MAX (hi, train->x[i]);
      }
  if (!(hi > lo))
    hi = lo + 1.0f;
  for (guint m = 0; m < self->n_images; m++)
    {
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) side,
                                                       (int) side);
      guchar *pixels = cairo_image_surface_get_data (s);
      int stride = cairo_image_surface_get_stride (s);
      const float *x = train->x + m * d;

      cairo_surface_flush (s);
      for (guint r = 0; r < side; r++)
        {
          guint32 *row = (guint32 *) (pixels + (gsize) r * (gsize) stride);

          for (guint c = 0; c < side; c++)
            {
              float v = x[r * side + c];
              guint32 g = isfinite (v) ? (guint32) lrintf (255.0f * (v - lo) / (hi - lo)) : 0;

              g = MIN (g, 255);
              row[c] = (g << 16) | (g << 8) | g;
            }
        }
      cairo_surface_mark_dirty (s);
      self->images[m] = s;
    }
  self->mode = MODE_IMAGES;
}

static void
cache_points (BpDataPreview    *self,
              const nn_dataset *train)
{
  gsize every = (train->n + MAX_POINTS - 1) / MAX_POINTS;
  gboolean classes = train->task == NN_TASK_CLASSIFICATION && train->y != NULL;
  gboolean regression = train->task == NN_TASK_REGRESSION && train->t != NULL;

  if (train->d >= 2)
    self->mode = MODE_SCATTER;
  else if (regression)
    self->mode = MODE_CURVE;
  else
    self->mode = MODE_STRIP;
  every = MAX (every, 1);
  self->px = g_new (float, MAX_POINTS);
  self->py = g_new (float, MAX_POINTS);
  if (classes)
    self->cls = g_new (gint32, MAX_POINTS);
  if (regression && self->mode == MODE_SCATTER)
    self->value = g_new (float, MAX_POINTS);
  self->k = train->k;
  self->x_lo = self->y_lo = self->v_lo = INFINITY;
  self->x_hi = self->y_hi = self->v_hi = -INFINITY;
  for (gsize i = 0; i < train->n && self->n_points < MAX_POINTS; i += every)
    {
      const float *row = train->x + i * train->d;
      gsize p = self->n_points;
      float x = row[0];
      float y;

      switch (self->mode)
        {
        case MODE_SCATTER:
          y = row[1];
          break;
        case MODE_CURVE:
          y = train->t[i * train->k];
          break;
        case MODE_STRIP:
        case MODE_NONE:
        case MODE_IMAGES:
        default:
          /* Spread each class's band a little (by row, so it repeats). */
          y = (float) (classes ? train->y[i] : 0)
              + 0.3f * ((float) ((i * 2654435761u) % 1000u) / 1000.0f - 0.5f);
          break;
        }
      if (!isfinite (x) || !isfinite (y))
        continue;
      self->px[p] = x;
      self->py[p] = y;
      self->x_lo = MIN (self->x_lo, x);
      self->x_hi = MAX (self->x_hi, x);
      self->y_lo = MIN (self->y_lo, y);
      self->y_hi = MAX (self->y_hi, y);
      if (self->cls != NULL)
        self->cls[p] = train->y[i];
      if (self->value != NULL)
        {
          float v = train->t[i * train->k];

          self->value[p] = v;
          if (isfinite (v))
            {
              self->v_lo = MIN (self->v_lo, v);
              self->v_hi = MAX (self->v_hi, v);
            }
        }
      self->n_points++;
    }
  bp_pad_range (&self->x_lo, &self->x_hi, 0.05);
  bp_pad_range (&self->y_lo, &self->y_hi, 0.05);
  self->x_name = bp_data_feature_name (train, 0);
  if (self->mode == MODE_SCATTER)
    self->y_name = bp_data_feature_name (train, 1);
  else if (self->mode == MODE_CURVE)
    self->y_name = g_strdup (_("target"));
  else
    self->y_name = g_strdup (_("class"));
}

static void
update_description (BpDataPreview *self)
{
  g_autofree char *text = NULL;

  switch (self->mode)
    {
    case MODE_IMAGES:
      text = g_strdup_printf (_("The first %u training images"), self->n_images);
      break;
    case MODE_SCATTER:
      text = g_strdup_printf (_("%s against %s for %" G_GSIZE_FORMAT " training rows, "
                                "coloured by %s"), self->y_name, self->x_name, self->n_points,
                              self->cls != NULL ? _("class") : _("target"));
      break;
    case MODE_CURVE:
    case MODE_STRIP:
      text = g_strdup_printf (_("%s against %s for %" G_GSIZE_FORMAT " training rows"),
                              self->y_name, self->x_name, self->n_points);
      break;
    case MODE_NONE:
      text = g_strdup (_("No data"));
      break;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text, -1);
}

static void
draw_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      xalign,
           double      yalign)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int w, h;

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - yalign * h);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_images (BpDataPreview *self,
             cairo_t       *cr,
             double         width,
             double         height)
{
  const double gap = 4.0;
  guint least = MIN (self->n_images, 8);
  guint best_cols = 0, best_rows = 0;
  double cell = 0.0;
  double x0, y0;

  /* Full rows only (no ragged end), at least 8 images, as large as they
   * fit; of two equal sizes, the grid with more images. */
  for (guint cols = 1; cols <= self->n_images; cols++)
    {
      guint rows = self->n_images / cols;
      double c = MIN ((width - gap * (cols + 1)) / cols, (height - gap * (rows + 1)) / rows);

      if (rows * cols < least)
        continue;
      c = floor (c);
      if (c > cell || (c == cell && rows * cols > best_rows * best_cols))
        {
          cell = c;
          best_cols = cols;
          best_rows = rows;
        }
    }
  if (cell < 1.0)
    return;
  x0 = floor ((width - best_cols * cell - (best_cols - 1) * gap) / 2.0);
  y0 = floor ((height - best_rows * cell - (best_rows - 1) * gap) / 2.0);
  for (guint m = 0; m < best_rows * best_cols; m++)
    {
      int side = cairo_image_surface_get_width (self->images[m]);
      double x = x0 + (m % best_cols) * (cell + gap);
      double y = y0 + (m / best_cols) * (cell + gap);

      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_scale (cr, cell / side, cell / side);
      cairo_set_source_surface (cr, self->images[m], 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_rectangle (cr, 0, 0, side, side);
      cairo_fill (cr);
      cairo_restore (cr);
    }
}

static void
draw_points (BpDataPreview *self,
             cairo_t       *cr,
             double         width,
             double         height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const double pad = 10.0;
  double left = pad, top = pad, w = width - 2 * pad, h = height - 2 * pad;
  double r = CLAMP (MIN (width, height) / 110.0, 1.5, 3.0);
  GdkRGBA fg, c0;

  if (w < 4.0 || h < 4.0)
    return;
  text_color (widget, &fg);
  series_color (widget, 0, &c0);

  /* The zero lines, when in view, as faint guides. */
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15 * fg.alpha);
  if (self->x_lo < 0.0 && self->x_hi > 0.0)
    {
      double x = left + w * (0.0 - self->x_lo) / (self->x_hi - self->x_lo);

      cairo_move_to (cr, round (x) + 0.5, top);
      cairo_line_to (cr, round (x) + 0.5, top + h);
    }
  if (self->mode != MODE_STRIP && self->y_lo < 0.0 && self->y_hi > 0.0)
    {
      double y = top + h * (self->y_hi - 0.0) / (self->y_hi - self->y_lo);

      cairo_move_to (cr, left, round (y) + 0.5);
      cairo_line_to (cr, left + w, round (y) + 0.5);
    }
  cairo_stroke (cr);

  for (gsize i = 0; i < self->n_points; i++)
    {
      double x = left + w * (self->px[i] - self->x_lo) / (self->x_hi - self->x_lo);
      double y = top + h * (self->y_hi - self->py[i]) / (self->y_hi - self->y_lo);
      GdkRGBA c;

      if (self->cls != NULL)
        series_color (widget, (gsize) MAX (self->cls[i], 0), &c);
      else if (self->value != NULL && self->v_hi > self->v_lo && isfinite (self->value[i]))
        {
          /* Regression in two features: the target as the strength of one
           * colour, a ramp that reads on light and dark backgrounds alike
           * (a blend of two hues would pass through grey). */
          double t = (self->value[i] - self->v_lo) / (self->v_hi - self->v_lo);

          c = c0;
          c.alpha = (float) (0.12 + 0.88 * t) / 0.8f;
        }
      else
        c = c0;
      cairo_set_source_rgba (cr, c.red, c.green, c.blue, 0.8 * c.alpha);
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  /* Axis names in the corners, and the classes. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6 * fg.alpha);
  draw_text (widget, cr, self->x_name, width - 4, height - 2, 1.0, 1.0);
  draw_text (widget, cr, self->y_name, 4, 2, 0.0, 0.0);
  if (self->value != NULL && self->v_hi > self->v_lo)
    {
      cairo_pattern_t *ramp = cairo_pattern_create_linear (width - 54, 0, width - 8, 0);
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("target"));
      PangoAttrList *attrs = pango_attr_list_new ();
      int tw, th;

      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_pattern_add_color_stop_rgba (ramp, 0, c0.red, c0.green, c0.blue, 0.12 * c0.alpha);
      cairo_pattern_add_color_stop_rgba (ramp, 1, c0.red, c0.green, c0.blue, c0.alpha);
      cairo_set_source (cr, ramp);
      cairo_rectangle (cr, width - 54, 4 + th / 2.0 - 3, 46, 6);
      cairo_fill (cr);
      cairo_pattern_destroy (ramp);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6 * fg.alpha);
      cairo_move_to (cr, width - 60 - tw, 4);
      pango_cairo_show_layout (cr, layout);
    }
  if (self->cls != NULL && self->data != NULL && self->k <= 8)
    {
      double y = 4;

      for (gsize c = 0; c < self->k; c++)
        {
          const char *name = bp_data_get_class_name (self->data, c);
          g_autofree char *id = g_strdup_printf ("%" G_GSIZE_FORMAT, c);
          g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget,
                                                                            name ? name : id);
          PangoAttrList *attrs = pango_attr_list_new ();
          GdkRGBA sc;
          int tw, th;

          pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
          pango_layout_get_pixel_size (layout, &tw, &th);
          series_color (widget, c, &sc);
          cairo_set_source_rgba (cr, sc.red, sc.green, sc.blue, sc.alpha);
          cairo_new_sub_path (cr);
          cairo_arc (cr, width - 8 - tw - 8, y + th / 2.0, 3.5, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8 * fg.alpha);
          cairo_move_to (cr, width - 6 - tw, y);
          pango_cairo_show_layout (cr, layout);
          y += th;
        }
    }
}

static void
bp_data_preview_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  BpDataPreview *self = BP_DATA_PREVIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width < 1 || height < 1)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  switch (self->mode)
    {
    case MODE_IMAGES:
      draw_images (self, cr, width, height);
      break;
    case MODE_SCATTER:
    case MODE_CURVE:
    case MODE_STRIP:
      draw_points (self, cr, width, height);
      break;
    case MODE_NONE:
      {
        GdkRGBA fg;

        text_color (widget, &fg);
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55 * fg.alpha);
        draw_text (widget, cr, _("No data loaded"), width / 2, height / 2, 0.5, 0.5);
      }
      break;
    }
  cairo_destroy (cr);
}

static void
bp_data_preview_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 220;
}

static void
bp_data_preview_dispose (GObject *object)
{
  BpDataPreview *self = BP_DATA_PREVIEW (object);

  clear_cache (self);
  g_clear_object (&self->data);
  G_OBJECT_CLASS (bp_data_preview_parent_class)->dispose (object);
}

static void
bp_data_preview_class_init (BpDataPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_data_preview_dispose;
  widget_class->snapshot = bp_data_preview_snapshot;
  widget_class->measure = bp_data_preview_measure;
  gtk_widget_class_set_css_name (widget_class, "datapreview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bp_data_preview_init (BpDataPreview *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
  gtk_widget_add_css_class (GTK_WIDGET (self), "frame");
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Preview of the data"), -1);
  update_description (self);
}

GtkWidget *
bp_data_preview_new (void)
{
  return g_object_new (BP_TYPE_DATA_PREVIEW, NULL);
}

void
bp_data_preview_set_data (BpDataPreview *self,
                          BpData        *data)
{
  g_return_if_fail (BP_IS_DATA_PREVIEW (self));
  g_return_if_fail (data == NULL || BP_IS_DATA (data));

  if (data == self->data)
    return;
  clear_cache (self);
  g_set_object (&self->data, data);
  if (data != NULL)
    {
      nn_dataset train = bp_data_get_train (data);
      guint side = image_side (train.d);

      if (train.n > 0 && side > 0)
        cache_images (self, &train, side);
      else if (train.n > 0 && train.d > 0)
        cache_points (self, &train);
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

BpData *
bp_data_preview_get_data (BpDataPreview *self)
{
  g_return_val_if_fail (BP_IS_DATA_PREVIEW (self), NULL);

  return self->data;
}

gboolean
bp_data_preview_shows_images (BpDataPreview *self)
{
  g_return_val_if_fail (BP_IS_DATA_PREVIEW (self), FALSE);

  return self->mode == MODE_IMAGES;
}
