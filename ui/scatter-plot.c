/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "scatter-plot.h"

#include <glib/gi18n.h>
#include <math.h>

/* Radii in pixels, and how far from a point the readout still names it. */
#define DOT_RADIUS       2.5
#define OUTLINED_RADIUS  3.6
#define RING_RADIUS      3.6
#define HOVER_RADIUS    10.0
#define MAX_LEGEND_CLASSES 12
/* The strongest opacity of a value raster, at either end of the range. */
#define VALUE_ALPHA      0.6

typedef struct
{
  char           *name;
  float          *x;
  float          *y;
  gsize           n;
  gint32         *classes;  /* [n] or NULL */
  float          *values;   /* [n] or NULL */
  guint           color;
  BpScatterStyle  style;
} PointSet;

typedef struct
{
  char   *name;
  double  slope;
  double  intercept;
} RefLine;

typedef struct
{
  guint            cols;
  guint            rows;
  double           x_lo, x_hi, y_lo, y_hi;
  gint32          *classes;  /* [cols × rows] or NULL */
  float           *alpha;    /* [cols × rows] with classes */
  float           *values;   /* [cols × rows] without */
  cairo_surface_t *surface;  /* the cells in this draw's colours, made when first drawn */
} Raster;

struct _BpScatterPlot
{
  BpPlot      parent_instance;

  GPtrArray  *sets;          /* PointSet * */
  GPtrArray  *lines;         /* RefLine * */
  Raster      raster;

  gboolean    fixed;
  double      x_lo, x_hi, y_lo, y_hi;
  gboolean    equal;
  double      v_lo, v_hi;

  gsize       k;
  char      **class_names;   /* [k] */

  /* The plot area of the last draw, for the readout's pixel distances. */
  gboolean    has_area;
  BpPlotArea  area;
};

G_DEFINE_FINAL_TYPE (BpScatterPlot, bp_scatter_plot, BP_TYPE_PLOT)

static void
point_set_free (PointSet *set)
{
  g_free (set->name);
  g_free (set->x);
  g_free (set->y);
  g_free (set->classes);
  g_free (set->values);
  g_free (set);
}

static void
ref_line_free (RefLine *line)
{
  g_free (line->name);
  g_free (line);
}

static void
raster_clear (Raster *r)
{
  g_clear_pointer (&r->classes, g_free);
  g_clear_pointer (&r->alpha, g_free);
  g_clear_pointer (&r->values, g_free);
  g_clear_pointer (&r->surface, cairo_surface_destroy);
  r->cols = r->rows = 0;
}

static void
class_names_free (BpScatterPlot *self)
{
  for (gsize i = 0; i < self->k && self->class_names != NULL; i++)
    g_free (self->class_names[i]);
  g_clear_pointer (&self->class_names, g_free);
  self->k = 0;
}

/* Where @v lies on the diverging map: −1 at v_lo, 0 in the middle, 1 at v_hi. */
static double
value_position (BpScatterPlot *self,
                double         v)
{
  double span = self->v_hi - self->v_lo;

  if (!isfinite (v) || !(span > 0))
    return 0.0;
  return CLAMP (2.0 * (v - self->v_lo) / span - 1.0, -1.0, 1.0);
}

static char *
class_label (BpScatterPlot *self,
             gint32         c)
{
  if (c >= 0 && (gsize) c < self->k)
    return g_strdup (self->class_names[c]);
  return g_strdup_printf ("%d", c);
}

/* The raster's cells as a premultiplied ARGB image, one pixel a cell. */
static cairo_surface_t *
make_raster_surface (BpScatterPlot *self)
{
  Raster *r = &self->raster;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) r->cols,
                                                         (int) r->rows);
  guchar *pixels;
  int stride;
  GdkRGBA palette[8], lo, hi;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
    bp_plot_series_color (BP_PLOT (self), i, &palette[i]);
  lo = palette[0];
  hi = palette[1];
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint row = 0; row < r->rows; row++)
    {
      guint32 *out = (guint32 *) (void *) (pixels + (gsize) row * (gsize) stride);

      for (guint col = 0; col < r->cols; col++)
        {
          gsize i = (gsize) row * r->cols + col;
          const GdkRGBA *c;
          double a;

          if (r->classes != NULL)
            {
              gint32 cls = r->classes[i];

              if (cls < 0)
                {
                  out[col] = 0;
                  continue;
                }
              c = &palette[cls % 8];
              a = isfinite (r->alpha[i]) ? CLAMP (r->alpha[i], 0.0, 1.0) : 0.0;
            }
          else
            {
              double s = value_position (self, r->values[i]);

              c = s < 0 ? &lo : &hi;
              a = VALUE_ALPHA * fabs (s);
            }
          a *= c->alpha;
          out[col] = ((guint32) lround (255 * a) << 24)
                     | ((guint32) lround (255 * a * c->red) << 16)
                     | ((guint32) lround (255 * a * c->green) << 8)
                     | (guint32) lround (255 * a * c->blue);
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
point_color (BpScatterPlot  *self,
             const PointSet *set,
             gsize           i,
             GdkRGBA        *color)
{
  if (set->classes != NULL)
    bp_scatter_plot_class_color (self, set->classes[i], color);
  else if (set->values != NULL)
    bp_scatter_plot_value_color (self, set->values[i], color);
  else
    bp_plot_series_color (BP_PLOT (self), set->color, color);
}

static void
draw_raster (BpScatterPlot    *self,
             cairo_t          *cr,
             const BpPlotArea *a)
{
  Raster *r = &self->raster;
  double x0, x1, y0, y1;
  cairo_pattern_t *pattern;

  if (r->cols == 0 || r->rows == 0)
    return;
  if (r->surface == NULL)
    r->surface = make_raster_surface (self);
  x0 = bp_axis_to_pixel (&a->x_axis, r->x_lo, a->x, a->x + a->width);
  x1 = bp_axis_to_pixel (&a->x_axis, r->x_hi, a->x, a->x + a->width);
  y0 = bp_axis_to_pixel (&a->y_axis, r->y_hi, a->y + a->height, a->y);
  y1 = bp_axis_to_pixel (&a->y_axis, r->y_lo, a->y + a->height, a->y);
  if (!(x1 > x0 && y1 > y0))
    return;
  cairo_save (cr);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_clip (cr);
  cairo_translate (cr, x0, y0);
  cairo_scale (cr, (x1 - x0) / r->cols, (y1 - y0) / r->rows);
  cairo_set_source_surface (cr, r->surface, 0, 0);
  pattern = cairo_get_source (cr);
  /* Bilinear between cell centres (where the model was evaluated), and the
   * edge cells carried out to the rim rather than fading. */
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
}

static void
draw_lines (BpScatterPlot    *self,
            cairo_t          *cr,
            const BpPlotArea *a)
{
  static const double dash[] = { 5, 4 };
  GdkRGBA fg;

  bp_plot_get_foreground (BP_PLOT (self), &fg);
  cairo_save (cr);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_set_line_width (cr, 1.2);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55 * fg.alpha);
  for (guint i = 0; i < self->lines->len; i++)
    {
      const RefLine *line = g_ptr_array_index (self->lines, i);
      double xa = a->x_axis.lo, xb = a->x_axis.hi;

      cairo_move_to (cr, a->x, bp_axis_to_pixel (&a->y_axis, line->slope * xa + line->intercept,
                                                 a->y + a->height, a->y));
      cairo_line_to (cr, a->x + a->width,
                     bp_axis_to_pixel (&a->y_axis, line->slope * xb + line->intercept,
                                       a->y + a->height, a->y));
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
draw_points (BpScatterPlot    *self,
             cairo_t          *cr,
             const BpPlotArea *a)
{
  cairo_save (cr);
  for (guint s = 0; s < self->sets->len; s++)
    {
      const PointSet *set = g_ptr_array_index (self->sets, s);

      for (gsize i = 0; i < set->n; i++)
        {
          double px = bp_axis_to_pixel (&a->x_axis, set->x[i], a->x, a->x + a->width);
          double py = bp_axis_to_pixel (&a->y_axis, set->y[i], a->y + a->height, a->y);
          GdkRGBA c;

          point_color (self, set, i, &c);
          cairo_new_path (cr);
          switch (set->style)
            {
            case BP_SCATTER_OUTLINED:
              cairo_arc (cr, px, py, OUTLINED_RADIUS, 0, 2 * G_PI);
              cairo_set_source_rgba (cr, c.red, c.green, c.blue, c.alpha);
              cairo_fill_preserve (cr);
              cairo_set_line_width (cr, 1.0);
              cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.7);
              cairo_stroke (cr);
              break;
            case BP_SCATTER_RING:
              /* A dark rim under the coloured ring keeps it apart from a
               * plane of the same colour, and a pale core from the dots. */
              cairo_arc (cr, px, py, RING_RADIUS, 0, 2 * G_PI);
              cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
              cairo_fill_preserve (cr);
              cairo_set_line_width (cr, 3.2);
              cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.7);
              cairo_stroke_preserve (cr);
              cairo_set_line_width (cr, 1.8);
              cairo_set_source_rgba (cr, c.red, c.green, c.blue, c.alpha);
              cairo_stroke (cr);
              break;
            case BP_SCATTER_DOT:
            default:
              cairo_arc (cr, px, py, DOT_RADIUS, 0, 2 * G_PI);
              cairo_set_source_rgba (cr, c.red, c.green, c.blue, 0.6 * c.alpha);
              cairo_fill (cr);
              break;
            }
        }
    }
  cairo_restore (cr);
}

static gboolean
bp_scatter_plot_get_bounds (BpPlot *plot,
                            double *x_lo,
                            double *x_hi,
                            double *y_lo,
                            double *y_hi)
{
  BpScatterPlot *self = BP_SCATTER_PLOT (plot);
  double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
  bp_axis xa = { 0 }, ya = { 0 };

  if (self->fixed)
    {
      *x_lo = self->x_lo;
      *x_hi = self->x_hi;
      *y_lo = self->y_lo;
      *y_hi = self->y_hi;
      return TRUE;
    }
  for (guint s = 0; s < self->sets->len; s++)
    {
      const PointSet *set = g_ptr_array_index (self->sets, s);

      for (gsize i = 0; i < set->n; i++)
        {
          xl = MIN (xl, set->x[i]);
          xh = MAX (xh, set->x[i]);
          yl = MIN (yl, set->y[i]);
          yh = MAX (yh, set->y[i]);
        }
    }
  if (self->raster.cols > 0)
    {
      xl = MIN (xl, self->raster.x_lo);
      xh = MAX (xh, self->raster.x_hi);
      yl = MIN (yl, self->raster.y_lo);
      yh = MAX (yh, self->raster.y_hi);
    }
  if (!(xl <= xh && yl <= yh))
    return FALSE;
  if (self->equal)
    {
      xl = yl = MIN (xl, yl);
      xh = yh = MAX (xh, yh);
    }
  /* Fitted here rather than by the base class, so that fixed bounds can
   * be exact with the same class flags. */
  if (!bp_axis_fit (&xa, xl, xh) || !bp_axis_fit (&ya, yl, yh))
    return FALSE;
  *x_lo = xa.lo;
  *x_hi = xa.hi;
  *y_lo = ya.lo;
  *y_hi = ya.hi;
  return TRUE;
}

static void
bp_scatter_plot_draw_data (BpPlot           *plot,
                           cairo_t          *cr,
                           const BpPlotArea *area)
{
  BpScatterPlot *self = BP_SCATTER_PLOT (plot);

  self->area = *area;
  self->has_area = TRUE;
  draw_raster (self, cr, area);
  draw_lines (self, cr, area);
  draw_points (self, cr, area);
}

static guint
legend_classes (BpScatterPlot *self)
{
  return self->k <= MAX_LEGEND_CLASSES ? (guint) self->k : 0;
}

static guint
bp_scatter_plot_n_legend (BpPlot *plot)
{
  BpScatterPlot *self = BP_SCATTER_PLOT (plot);

  return legend_classes (self) + self->lines->len;
}

static void
bp_scatter_plot_legend_entry (BpPlot      *plot,
                              guint        i,
                              const char **name,
                              GdkRGBA     *color,
                              gboolean    *dashed)
{
  BpScatterPlot *self = BP_SCATTER_PLOT (plot);
  guint n_classes = legend_classes (self);

  if (i < n_classes)
    {
      *name = self->class_names[i];
      bp_scatter_plot_class_color (self, (gint32) i, color);
      *dashed = FALSE;
    }
  else
    {
      const RefLine *line = g_ptr_array_index (self->lines, i - n_classes);

      *name = line->name;
      bp_plot_get_foreground (plot, color);
      color->alpha *= 0.55f;
      *dashed = TRUE;
    }
}

static char *
bp_scatter_plot_describe_point (BpPlot *plot,
                                double  x,
                                double  y)
{
  BpScatterPlot *self = BP_SCATTER_PLOT (plot);
  const BpPlotArea *a = &self->area;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *x_label = NULL;
  g_autofree char *y_label = NULL;
  const PointSet *best_set = NULL;
  gsize best = 0;
  double best_d = HOVER_RADIUS, px, py;
  const Raster *r = &self->raster;
  char xs[64], ys[64];

  if (!self->has_area)
    return NULL;
  g_object_get (self, "x-label", &x_label, "y-label", &y_label, NULL);
  px = bp_axis_to_pixel (&a->x_axis, x, a->x, a->x + a->width);
  py = bp_axis_to_pixel (&a->y_axis, y, a->y + a->height, a->y);
  for (guint s = 0; s < self->sets->len; s++)
    {
      const PointSet *set = g_ptr_array_index (self->sets, s);

      for (gsize i = 0; i < set->n; i++)
        {
          double d = hypot (bp_axis_to_pixel (&a->x_axis, set->x[i], a->x, a->x + a->width) - px,
                            bp_axis_to_pixel (&a->y_axis, set->y[i], a->y + a->height, a->y)
                            - py);

          if (d <= best_d)
            {
              best_d = d;
              best_set = set;
              best = i;
            }
        }
    }
  if (best_set != NULL)
    {
      bp_format_value (best_set->x[best], 3, xs, sizeof xs);
      bp_format_value (best_set->y[best], 3, ys, sizeof ys);
      if (best_set->name != NULL)
        g_string_append_printf (text, "%s\n", best_set->name);
      g_string_append_printf (text, "%s %s, %s %s", x_label != NULL ? x_label : "x", xs,
                              y_label != NULL ? y_label : "y", ys);
      if (best_set->classes != NULL)
        {
          g_autofree char *name = class_label (self, best_set->classes[best]);

          g_string_append_printf (text, _("\nclass %s"), name);
        }
      else if (best_set->values != NULL)
        {
          bp_format_value (best_set->values[best], 3, xs, sizeof xs);
          g_string_append_printf (text, _("\nvalue %s"), xs);
        }
    }
  if (r->cols > 0 && x >= r->x_lo && x <= r->x_hi && y >= r->y_lo && y <= r->y_hi)
    {
      guint col = MIN ((guint) ((x - r->x_lo) / (r->x_hi - r->x_lo) * r->cols), r->cols - 1);
      guint row = MIN ((guint) ((r->y_hi - y) / (r->y_hi - r->y_lo) * r->rows), r->rows - 1);
      gsize i = (gsize) row * r->cols + col;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (r->classes != NULL)
        {
          g_autofree char *name = class_label (self, r->classes[i]);

          g_string_append_printf (text, _("predicted here: %s"), name);
        }
      else
        {
          bp_format_value (r->values[i], 3, xs, sizeof xs);
          g_string_append_printf (text, _("predicted here: %s"), xs);
        }
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
bp_scatter_plot_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  BpScatterPlot *self = BP_SCATTER_PLOT (widget);

  GTK_WIDGET_CLASS (bp_scatter_plot_parent_class)->css_changed (widget, change);
  /* The palette may have changed: the raster is coloured anew. */
  g_clear_pointer (&self->raster.surface, cairo_surface_destroy);
}

static void
bp_scatter_plot_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 380 : 340;
}

static void
bp_scatter_plot_finalize (GObject *object)
{
  BpScatterPlot *self = BP_SCATTER_PLOT (object);

  g_clear_pointer (&self->sets, g_ptr_array_unref);
  g_clear_pointer (&self->lines, g_ptr_array_unref);
  raster_clear (&self->raster);
  class_names_free (self);
  G_OBJECT_CLASS (bp_scatter_plot_parent_class)->finalize (object);
}

static void
bp_scatter_plot_class_init (BpScatterPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  BpPlotClass *plot_class = BP_PLOT_CLASS (klass);

  object_class->finalize = bp_scatter_plot_finalize;
  widget_class->css_changed = bp_scatter_plot_css_changed;
  widget_class->measure = bp_scatter_plot_measure;
  plot_class->get_bounds = bp_scatter_plot_get_bounds;
  plot_class->draw_data = bp_scatter_plot_draw_data;
  plot_class->n_legend = bp_scatter_plot_n_legend;
  plot_class->legend_entry = bp_scatter_plot_legend_entry;
  plot_class->describe_point = bp_scatter_plot_describe_point;
  plot_class->fit_x = FALSE;
  plot_class->fit_y = FALSE;
}

static void
bp_scatter_plot_init (BpScatterPlot *self)
{
  self->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) point_set_free);
  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_line_free);
  self->v_lo = 0;
  self->v_hi = 1;
  gtk_widget_add_css_class (GTK_WIDGET (self), "scatter-plot");
}

BpScatterPlot *
bp_scatter_plot_new (void)
{
  return g_object_new (BP_TYPE_SCATTER_PLOT, NULL);
}

void
bp_scatter_plot_clear (BpScatterPlot *self)
{
  g_return_if_fail (BP_IS_SCATTER_PLOT (self));

  g_ptr_array_set_size (self->sets, 0);
  g_ptr_array_set_size (self->lines, 0);
  raster_clear (&self->raster);
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_add_points (BpScatterPlot  *self,
                            const char     *name,
                            const float    *x,
                            const float    *y,
                            gsize           n,
                            const gint32   *classes,
                            const float    *values,
                            guint           color,
                            BpScatterStyle  style)
{
  PointSet *set;
  gsize m = 0;

  g_return_if_fail (BP_IS_SCATTER_PLOT (self));
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  set = g_new0 (PointSet, 1);
  set->name = g_strdup (name);
  set->x = g_new (float, MAX (n, 1));
  set->y = g_new (float, MAX (n, 1));
  if (classes != NULL)
    set->classes = g_new (gint32, MAX (n, 1));
  else if (values != NULL)
    set->values = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      set->x[m] = x[i];
      set->y[m] = y[i];
      if (set->classes != NULL)
        set->classes[m] = classes[i];
      if (set->values != NULL)
        set->values[m] = values[i];
      m++;
    }
  set->n = m;
  set->color = color;
  set->style = style;
  g_ptr_array_add (self->sets, set);
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_add_line (BpScatterPlot *self,
                          const char    *name,
                          double         slope,
                          double         intercept)
{
  RefLine *line;

  g_return_if_fail (BP_IS_SCATTER_PLOT (self));

  line = g_new0 (RefLine, 1);
  line->name = g_strdup (name != NULL ? name : "");
  line->slope = slope;
  line->intercept = intercept;
  g_ptr_array_add (self->lines, line);
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_set_bounds (BpScatterPlot *self,
                            double         x_lo,
                            double         x_hi,
                            double         y_lo,
                            double         y_hi)
{
  g_return_if_fail (BP_IS_SCATTER_PLOT (self));

  self->fixed = x_lo < x_hi && y_lo < y_hi;
  self->x_lo = x_lo;
  self->x_hi = x_hi;
  self->y_lo = y_lo;
  self->y_hi = y_hi;
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_set_equal_axes (BpScatterPlot *self,
                                gboolean       equal)
{
  g_return_if_fail (BP_IS_SCATTER_PLOT (self));

  self->equal = !!equal;
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_set_value_range (BpScatterPlot *self,
                                 double         lo,
                                 double         hi)
{
  g_return_if_fail (BP_IS_SCATTER_PLOT (self));

  self->v_lo = lo;
  self->v_hi = hi;
  g_clear_pointer (&self->raster.surface, cairo_surface_destroy);
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_set_classes (BpScatterPlot     *self,
                             gsize              k,
                             const char *const *names)
{
  g_return_if_fail (BP_IS_SCATTER_PLOT (self));

  class_names_free (self);
  self->k = k;
  self->class_names = g_new0 (char *, MAX (k, 1));
  for (gsize i = 0; i < k; i++)
    self->class_names[i] = names != NULL && names[i] != NULL
                           ? g_strdup (names[i]) : g_strdup_printf ("%" G_GSIZE_FORMAT, i);
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_set_raster (BpScatterPlot *self,
                            guint          cols,
                            guint          rows,
                            double         x_lo,
                            double         x_hi,
                            double         y_lo,
                            double         y_hi,
                            const gint32  *classes,
                            const float   *alpha,
                            const float   *values)
{
  Raster *r;
  gsize n = (gsize) cols * rows;

  g_return_if_fail (BP_IS_SCATTER_PLOT (self));
  g_return_if_fail (n == 0 || (classes != NULL && alpha != NULL) || values != NULL);

  r = &self->raster;
  raster_clear (r);
  if (n > 0 && x_lo < x_hi && y_lo < y_hi)
    {
      r->cols = cols;
      r->rows = rows;
      r->x_lo = x_lo;
      r->x_hi = x_hi;
      r->y_lo = y_lo;
      r->y_hi = y_hi;
      if (classes != NULL)
        {
          r->classes = g_memdup2 (classes, n * sizeof *classes);
          r->alpha = g_memdup2 (alpha, n * sizeof *alpha);
        }
      else
        r->values = g_memdup2 (values, n * sizeof *values);
    }
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_scatter_plot_class_color (BpScatterPlot *self,
                             gint32         c,
                             GdkRGBA       *color)
{
  g_return_if_fail (BP_IS_SCATTER_PLOT (self));
  g_return_if_fail (color != NULL);

  bp_plot_series_color (BP_PLOT (self), (guint) MAX (c, 0), color);
}

void
bp_scatter_plot_value_color (BpScatterPlot *self,
                             double         v,
                             GdkRGBA       *color)
{
  double s;
  GdkRGBA end;

  g_return_if_fail (BP_IS_SCATTER_PLOT (self));
  g_return_if_fail (color != NULL);

  s = value_position (self, v);
  bp_plot_series_color (BP_PLOT (self), s < 0 ? 0 : 1, &end);
  s = fabs (s);
  /* White to the end's colour: opaque, for points drawn over the raster. */
  color->red = (float) (1.0 - s + s * end.red);
  color->green = (float) (1.0 - s + s * end.green);
  color->blue = (float) (1.0 - s + s * end.blue);
  color->alpha = 1.0f;
}
