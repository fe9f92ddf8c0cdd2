/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "line-plot.h"

#include <glib/gi18n.h>
#include <math.h>

#define LINE_WIDTH     1.5
#define RAW_ALPHA      0.28   /* the raw curve behind a smoothed one */
#define MAX_SMOOTHING  0.999

typedef struct
{
  char     *name;
  guint     color;
  gboolean  dashed;
  gboolean  visible;

  double   *x;
  double   *y;
  gsize     n;
  gsize     capacity;

  /* Running extent of the finite y, so that bounds cost nothing. */
  double    y_min;
  double    y_max;
  double    y_min_positive;

  /* The debiased EMA of y at the plot's smoothing, for the first
   * n_smoothed points, and the recursion's state to extend it. */
  double   *smoothed;
  gsize     n_smoothed;
  double    ema_last;
  double    ema_wpow;
} Series;

struct _BpLinePlot
{
  BpPlot     parent_instance;

  GPtrArray *series;      /* Series *, in index order */
  double     smoothing;
  double     marker;

  /* Decimation scratch, grown to the widest draw so far. */
  double    *col_min;
  double    *col_max;
  bool      *present;
  double    *band;        /* 3 × n_columns: a band's x, upper and lower edge */
  gsize      n_columns;
};

enum
{
  PROP_0,
  PROP_SMOOTHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpLinePlot, bp_line_plot, BP_TYPE_PLOT)

static void
series_reset_smoothing (Series *s)
{
  s->n_smoothed = 0;
  s->ema_last = 0;
  s->ema_wpow = 1;
}

static void
series_clear_points (Series *s)
{
  g_clear_pointer (&s->x, g_free);
  g_clear_pointer (&s->y, g_free);
  g_clear_pointer (&s->smoothed, g_free);
  s->n = s->capacity = 0;
  s->y_min = s->y_min_positive = INFINITY;
  s->y_max = -INFINITY;
  series_reset_smoothing (s);
}

static void
series_free (Series *s)
{
  series_clear_points (s);
  g_free (s->name);
  g_free (s);
}

static Series *
get_series (BpLinePlot *self,
            guint       i)
{
  return g_ptr_array_index (self->series, i);
}

/* Brings the smoothed copy up to date by the recursion of bp_smooth_ema,
 * step for step, so that appending costs one step per point. */
static const double *
series_smoothed (Series *s,
                 double  weight)
{
  if (s->smoothed == NULL)
    {
      s->smoothed = g_new (double, MAX (s->capacity, 1));
      series_reset_smoothing (s);
    }
  for (gsize i = s->n_smoothed; i < s->n; i++)
    {
      double v = s->y[i];

      if (!isfinite (v))
        {
          s->smoothed[i] = v;
          continue;
        }
      s->ema_last = s->ema_last * weight + (1 - weight) * v;
      s->ema_wpow *= weight;
      s->smoothed[i] = s->ema_last / (1 - s->ema_wpow);
    }
  s->n_smoothed = s->n;
  return s->smoothed;
}

/* The series' values as drawn and read out: smoothed when smoothing is on. */
static const double *
series_values (BpLinePlot *self,
               Series     *s)
{
  return self->smoothing > 0 ? series_smoothed (s, self->smoothing) : s->y;
}

static gboolean
series_shown (Series *s)
{
  return s->visible && s->n > 0;
}

static gsize
first_index_at_or_above (const double *x,
                         gsize         n,
                         double        v)
{
  gsize a = 0, b = n;

  while (a < b)
    {
      gsize mid = a + (b - a) / 2;

      if (x[mid] >= v)
        b = mid;
      else
        a = mid + 1;
    }
  return a;
}

static void
ensure_columns (BpLinePlot *self,
                gsize       columns)
{
  if (columns <= self->n_columns)
    return;
  self->col_min = g_renew (double, self->col_min, columns);
  self->col_max = g_renew (double, self->col_max, columns);
  self->present = g_renew (bool, self->present, columns);
  self->band = g_renew (double, self->band, 3 * columns);
  self->n_columns = columns;
}

/* The polyline through every point of x[i0..i1), skipping non-finite
 * values (and values ≤ 0 on a log axis): the line joins the points on
 * either side. A curve of one point is a dot. */
static void
draw_polyline (cairo_t          *cr,
               const BpPlotArea *a,
               const double     *x,
               const double     *y,
               gsize             i0,
               gsize             i1)
{
  const bp_axis *xa = &a->x_axis, *ya = &a->y_axis;
  double left = a->x, right = a->x + a->width, bottom = a->y + a->height, top = a->y;
  double px = 0, py = 0;
  gsize vertices = 0;

  for (gsize i = i0; i < i1; i++)
    {
      if (!isfinite (y[i]) || (ya->log && !(y[i] > 0)))
        continue;
      px = bp_axis_to_pixel (xa, x[i], left, right);
      py = bp_axis_to_pixel (ya, y[i], bottom, top);
      if (vertices++ == 0)
        cairo_move_to (cr, px, py);
      else
        cairo_line_to (cr, px, py);
    }
  if (vertices == 1)
    {
      cairo_new_path (cr);
      cairo_arc (cr, px, py, 2.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  else if (vertices > 1)
    cairo_stroke (cr);
}

/* A dense solid curve as one filled band, from the decimated columns:
 * each column spans its min to max, stretched half-way to the next
 * column's range where the two do not overlap (where the polyline
 * crosses between them), and widened by the line width; the band joins
 * the columns' centres. That covers what stroking every point would,
 * and one fill of 4 × width edges costs a fraction of stroking a zigzag
 * of 2 × width segments. */
static void
fill_band (BpLinePlot       *self,
           cairo_t          *cr,
           const BpPlotArea *a,
           gsize             columns)
{
  double col_w = a->width / (double) columns, half = LINE_WIDTH / 2;
  double *cx = self->band, *hi = self->band + columns, *lo = self->band + 2 * columns;
  gsize m = 0;

  for (gsize c = 0; c < columns; c++)
    {
      if (!self->present[c])
        continue;
      cx[m] = a->x + ((double) c + 0.5) * col_w;
      /* Pixels grow downwards: the max is the upper edge. */
      hi[m] = bp_axis_to_pixel (&a->y_axis, self->col_max[c], a->y + a->height, a->y);
      lo[m] = bp_axis_to_pixel (&a->y_axis, self->col_min[c], a->y + a->height, a->y);
      if (m > 0 && hi[m] > lo[m - 1])
        {
          double mid = (lo[m - 1] + hi[m]) / 2;

          lo[m - 1] = mid;
          hi[m] = mid;
        }
      else if (m > 0 && lo[m] < hi[m - 1])
        {
          double mid = (hi[m - 1] + lo[m]) / 2;

          hi[m - 1] = mid;
          lo[m] = mid;
        }
      m++;
    }
  if (m == 0)
    return;
  cairo_move_to (cr, cx[0] - col_w / 2, hi[0] - half);
  for (gsize k = 0; k < m; k++)
    cairo_line_to (cr, cx[k], hi[k] - half);
  cairo_line_to (cr, cx[m - 1] + col_w / 2, hi[m - 1] - half);
  cairo_line_to (cr, cx[m - 1] + col_w / 2, lo[m - 1] + half);
  for (gsize k = m; k-- > 0;)
    cairo_line_to (cr, cx[k], lo[k] + half);
  cairo_line_to (cr, cx[0] - col_w / 2, lo[0] + half);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* A dense dashed curve: one vertical segment per column, visited from the
 * end nearer the pen, so that the dashes run along the curve. */
static void
stroke_columns (BpLinePlot       *self,
                cairo_t          *cr,
                const BpPlotArea *a,
                gsize             columns)
{
  double col_w = a->width / (double) columns, pen = NAN;
  gsize vertices = 0;

  for (gsize c = 0; c < columns; c++)
    {
      double cx, lo, hi, first, second;

      if (!self->present[c])
        continue;
      cx = a->x + ((double) c + 0.5) * col_w;
      lo = bp_axis_to_pixel (&a->y_axis, self->col_min[c], a->y + a->height, a->y);
      hi = bp_axis_to_pixel (&a->y_axis, self->col_max[c], a->y + a->height, a->y);
      first = !isnan (pen) && fabs (pen - hi) < fabs (pen - lo) ? hi : lo;
      second = first == hi ? lo : hi;
      if (vertices++ == 0)
        cairo_move_to (cr, cx, first);
      else
        cairo_line_to (cr, cx, first);
      if (second != first)
        cairo_line_to (cr, cx, second);
      pen = second;
    }
  /* Bevels: round joins would cost an arc at each of 2 × width corners. */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_stroke (cr);
}

/* Draws one curve in the current source. Up to two points per pixel
 * column, the polyline through every point; beyond, the columns of
 * bp_decimate, so that the cost of drawing is O(width) whatever the
 * number of points. */
static void
draw_curve (BpLinePlot       *self,
            cairo_t          *cr,
            const BpPlotArea *a,
            const double     *x,
            const double     *y,
            gsize             n,
            gboolean          dashed)
{
  const bp_axis *xa = &a->x_axis;
  gsize columns = (gsize) MAX (1.0, ceil (a->width));
  gsize i0 = first_index_at_or_above (x, n, xa->lo);
  gsize i1 = first_index_at_or_above (x, n, nextafter (xa->hi, INFINITY));
  double span_hi = nextafter (xa->hi, INFINITY);

  /* One point beyond each end, so the line runs out of the plot area. */
  i0 = i0 > 0 ? i0 - 1 : 0;
  i1 = i1 < n ? i1 + 1 : n;
  if (i1 - i0 <= 2 * columns)
    {
      draw_polyline (cr, a, x, y, i0, i1);
      return;
    }

  ensure_columns (self, columns);
  if (a->y_axis.log)
    bp_decimate_positive (x, y, n, xa->lo, span_hi, columns,
                          self->col_min, self->col_max, self->present);
  else
    bp_decimate (x, y, n, xa->lo, span_hi, columns,
                 self->col_min, self->col_max, self->present);
  if (dashed)
    stroke_columns (self, cr, a, columns);
  else
    fill_band (self, cr, a, columns);
}

static void
set_series_style (cairo_t *cr,
                  gboolean dashed)
{
  static const double dash[] = { 6, 4 };

  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, dashed ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
}

/* The x of the point nearest to x = @v among the shown series; FALSE
 * when nothing is shown. */
static gboolean
nearest_point (BpLinePlot *self,
               double      v,
               double     *best_x)
{
  double best = INFINITY;
  gboolean found = FALSE;

  for (guint k = 0; k < self->series->len; k++)
    {
      Series *s = get_series (self, k);
      gsize i;

      if (!series_shown (s))
        continue;
      i = bp_nearest (s->x, s->n, v);
      if (!found || fabs (s->x[i] - v) < best)
        {
          best = fabs (s->x[i] - v);
          *best_x = s->x[i];
          found = TRUE;
        }
    }
  return found;
}

static void
draw_hover (BpLinePlot       *self,
            cairo_t          *cr,
            const BpPlotArea *a)
{
  BpPlot *plot = BP_PLOT (self);
  double hx, hy, best_x, px;
  GdkRGBA fg;

  if (!bp_plot_get_hover (plot, &hx, &hy) || !nearest_point (self, hx, &best_x))
    return;
  bp_plot_get_foreground (plot, &fg);

  /* The crosshair at the nearest point's x, then a dot on each curve. */
  px = floor (bp_axis_to_pixel (&a->x_axis, best_x, a->x, a->x + a->width)) + 0.5;
  cairo_save (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.35);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, px, a->y);
  cairo_line_to (cr, px, a->y + a->height);
  cairo_stroke (cr);
  for (guint k = 0; k < self->series->len; k++)
    {
      Series *s = get_series (self, k);
      const double *values;
      GdkRGBA color;
      gsize i;
      double v;

      if (!series_shown (s))
        continue;
      values = series_values (self, s);
      i = bp_nearest (s->x, s->n, hx);
      v = values[i];
      if (!isfinite (v) || (a->y_axis.log && !(v > 0)))
        continue;
      bp_plot_series_color (plot, s->color, &color);
      cairo_arc (cr,
                 bp_axis_to_pixel (&a->x_axis, s->x[i], a->x, a->x + a->width),
                 bp_axis_to_pixel (&a->y_axis, v, a->y + a->height, a->y),
                 4, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.6);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
draw_marker (BpLinePlot       *self,
             cairo_t          *cr,
             const BpPlotArea *a)
{
  static const double dash[] = { 4, 3 };
  GdkRGBA color;
  double px;

  if (!isfinite (self->marker))
    return;
  px = bp_axis_to_pixel (&a->x_axis, self->marker, a->x, a->x + a->width);
  if (px < a->x || px > a->x + a->width)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                       "plot_marker", &color))
    gdk_rgba_parse (&color, "#e01b24");
  G_GNUC_END_IGNORE_DEPRECATIONS
  px = floor (px) + 0.5;
  cairo_save (cr);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.85);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, px, a->y);
  cairo_line_to (cr, px, a->y + a->height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static gboolean
bp_line_plot_get_bounds (BpPlot *plot,
                         double *x_lo,
                         double *x_hi,
                         double *y_lo,
                         double *y_hi)
{
  BpLinePlot *self = BP_LINE_PLOT (plot);
  gboolean log_y = bp_plot_get_log_y (plot);
  double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY, yl_pos = INFINITY;

  for (guint k = 0; k < self->series->len; k++)
    {
      Series *s = get_series (self, k);

      if (!series_shown (s) || !(s->y_min <= s->y_max))
        continue;
      /* Smoothed values are weighted means of the raw ones, so the raw
       * extent holds them too. */
      xl = MIN (xl, s->x[0]);
      xh = MAX (xh, s->x[s->n - 1]);
      yl = MIN (yl, s->y_min);
      yh = MAX (yh, s->y_max);
      yl_pos = MIN (yl_pos, s->y_min_positive);
    }
  if (!(xl <= xh))
    return FALSE;
  *x_lo = xl;
  *x_hi = xh;
  *y_lo = log_y && isfinite (yl_pos) ? yl_pos : yl;
  *y_hi = yh;
  return TRUE;
}

static void
bp_line_plot_draw_data (BpPlot           *plot,
                        cairo_t          *cr,
                        const BpPlotArea *area)
{
  BpLinePlot *self = BP_LINE_PLOT (plot);

  draw_marker (self, cr, area);
  for (guint k = 0; k < self->series->len; k++)
    {
      Series *s = get_series (self, k);
      GdkRGBA color;

      if (!series_shown (s))
        continue;
      bp_plot_series_color (plot, s->color, &color);
      cairo_save (cr);
      set_series_style (cr, s->dashed);
      if (self->smoothing > 0)
        {
          const double *smoothed = series_smoothed (s, self->smoothing);

          cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * RAW_ALPHA);
          draw_curve (self, cr, area, s->x, s->y, s->n, s->dashed);
          gdk_cairo_set_source_rgba (cr, &color);
          draw_curve (self, cr, area, s->x, smoothed, s->n, s->dashed);
        }
      else
        {
          gdk_cairo_set_source_rgba (cr, &color);
          draw_curve (self, cr, area, s->x, s->y, s->n, s->dashed);
        }
      cairo_restore (cr);
    }
  draw_hover (self, cr, area);
}

static guint
bp_line_plot_n_legend (BpPlot *plot)
{
  BpLinePlot *self = BP_LINE_PLOT (plot);
  guint n = 0;

  for (guint k = 0; k < self->series->len; k++)
    n += get_series (self, k)->visible;
  return n;
}

static void
bp_line_plot_legend_entry (BpPlot      *plot,
                           guint        i,
                           const char **name,
                           GdkRGBA     *color,
                           gboolean    *dashed)
{
  BpLinePlot *self = BP_LINE_PLOT (plot);

  for (guint k = 0; k < self->series->len; k++)
    {
      Series *s = get_series (self, k);

      if (!s->visible || i-- > 0)
        continue;
      *name = s->name;
      *dashed = s->dashed;
      bp_plot_series_color (plot, s->color, color);
      return;
    }
}

static void
append_number (GString *out,
               double   v)
{
  char buf[64];

  bp_format_value (v, 4, buf, sizeof buf);
  g_string_append (out, buf);
}

static char *
bp_line_plot_describe_point (BpPlot *plot,
                             double  x,
                             double  y)
{
  BpLinePlot *self = BP_LINE_PLOT (plot);
  g_autoptr (GString) out = NULL;
  g_autofree char *x_label = NULL;
  char buf[32];
  double best_x;

  if (!nearest_point (self, x, &best_x))
    return NULL;
  g_object_get (plot, "x-label", &x_label, NULL);
  out = g_string_new (NULL);
  if (x_label != NULL && x_label[0] != '\0')
    g_string_append_printf (out, "%s ", x_label);
  append_number (out, best_x);
  for (guint k = 0; k < self->series->len; k++)
    {
      Series *s = get_series (self, k);
      gsize i;

      if (!series_shown (s))
        continue;
      i = bp_nearest (s->x, s->n, x);
      g_string_append_printf (out, "\n%s ", s->name != NULL ? s->name : "");
      append_number (out, series_values (self, s)[i]);
      if (self->smoothing > 0)
        {
          bp_format_value (s->y[i], 4, buf, sizeof buf);
          g_string_append_printf (out, _(" (raw %s)"), buf);
        }
      if (s->x[i] != best_x)
        {
          /* The nearest point of a sparser series, at another x. */
          bp_format_value (s->x[i], 4, buf, sizeof buf);
          g_string_append_printf (out, _(" at %s"), buf);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
bp_line_plot_finalize (GObject *object)
{
  BpLinePlot *self = BP_LINE_PLOT (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_free (self->col_min);
  g_free (self->col_max);
  g_free (self->present);
  g_free (self->band);
  G_OBJECT_CLASS (bp_line_plot_parent_class)->finalize (object);
}

static void
bp_line_plot_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  BpLinePlot *self = BP_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_line_plot_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  BpLinePlot *self = BP_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING:
      bp_line_plot_set_smoothing (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_line_plot_class_init (BpLinePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BpPlotClass *plot_class = BP_PLOT_CLASS (klass);

  object_class->finalize = bp_line_plot_finalize;
  object_class->get_property = bp_line_plot_get_property;
  object_class->set_property = bp_line_plot_set_property;

  plot_class->get_bounds = bp_line_plot_get_bounds;
  plot_class->draw_data = bp_line_plot_draw_data;
  plot_class->n_legend = bp_line_plot_n_legend;
  plot_class->legend_entry = bp_line_plot_legend_entry;
  plot_class->describe_point = bp_line_plot_describe_point;

  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0, MAX_SMOOTHING, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_line_plot_init (BpLinePlot *self)
{
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  self->marker = NAN;
  gtk_widget_add_css_class (GTK_WIDGET (self), "line-plot");
}

BpLinePlot *
bp_line_plot_new (void)
{
  return g_object_new (BP_TYPE_LINE_PLOT, NULL);
}

guint
bp_line_plot_add_series (BpLinePlot *self,
                         const char *name,
                         guint       color,
                         gboolean    dashed)
{
  Series *s;

  g_return_val_if_fail (BP_IS_LINE_PLOT (self), 0);
  s = g_new0 (Series, 1);
  s->name = g_strdup (name);
  s->color = color;
  s->dashed = !!dashed;
  s->visible = TRUE;
  series_clear_points (s);
  g_ptr_array_add (self->series, s);
  bp_plot_data_changed (BP_PLOT (self));
  return self->series->len - 1;
}

guint
bp_line_plot_get_n_series (BpLinePlot *self)
{
  g_return_val_if_fail (BP_IS_LINE_PLOT (self), 0);
  return self->series->len;
}

void
bp_line_plot_append (BpLinePlot *self,
                     guint       series,
                     double      x,
                     double      y)
{
  Series *s;

  g_return_if_fail (BP_IS_LINE_PLOT (self));
  g_return_if_fail (series < self->series->len);
  g_return_if_fail (isfinite (x));
  s = get_series (self, series);
  g_return_if_fail (s->n == 0 || x >= s->x[s->n - 1]);

  if (s->n == s->capacity)
    {
      s->capacity = MAX (256, s->capacity * 2);
      s->x = g_renew (double, s->x, s->capacity);
      s->y = g_renew (double, s->y, s->capacity);
      if (s->smoothed != NULL)
        s->smoothed = g_renew (double, s->smoothed, s->capacity);
    }
  s->x[s->n] = x;
  s->y[s->n] = y;
  s->n++;
  if (isfinite (y))
    {
      s->y_min = MIN (s->y_min, y);
      s->y_max = MAX (s->y_max, y);
      if (y > 0)
        s->y_min_positive = MIN (s->y_min_positive, y);
    }
}

gsize
bp_line_plot_get_points (BpLinePlot    *self,
                         guint          series,
                         const double **x,
                         const double **y)
{
  Series *s;

  g_return_val_if_fail (BP_IS_LINE_PLOT (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);
  s = get_series (self, series);
  if (x != NULL)
    *x = s->x;
  if (y != NULL)
    *y = s->y;
  return s->n;
}

void
bp_line_plot_clear (BpLinePlot *self,
                    gboolean    series_too)
{
  g_return_if_fail (BP_IS_LINE_PLOT (self));
  if (series_too)
    g_ptr_array_set_size (self->series, 0);
  else
    for (guint k = 0; k < self->series->len; k++)
      series_clear_points (get_series (self, k));
  bp_plot_data_changed (BP_PLOT (self));
}

void
bp_line_plot_set_series_visible (BpLinePlot *self,
                                 guint       series,
                                 gboolean    visible)
{
  Series *s;

  g_return_if_fail (BP_IS_LINE_PLOT (self));
  g_return_if_fail (series < self->series->len);
  s = get_series (self, series);
  if (s->visible == !!visible)
    return;
  s->visible = !!visible;
  bp_plot_data_changed (BP_PLOT (self));
}

double
bp_line_plot_get_smoothing (BpLinePlot *self)
{
  g_return_val_if_fail (BP_IS_LINE_PLOT (self), 0);
  return self->smoothing;
}

void
bp_line_plot_set_smoothing (BpLinePlot *self,
                            double      weight)
{
  g_return_if_fail (BP_IS_LINE_PLOT (self));
  if (!(weight > 0))
    weight = 0;
  weight = MIN (weight, MAX_SMOOTHING);
  if (weight == self->smoothing)
    return;
  self->smoothing = weight;
  for (guint k = 0; k < self->series->len; k++)
    series_reset_smoothing (get_series (self, k));
  bp_plot_data_changed (BP_PLOT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

double
bp_line_plot_get_marker (BpLinePlot *self)
{
  g_return_val_if_fail (BP_IS_LINE_PLOT (self), NAN);
  return self->marker;
}

void
bp_line_plot_set_marker (BpLinePlot *self,
                         double      x)
{
  g_return_if_fail (BP_IS_LINE_PLOT (self));
  if (x == self->marker || (isnan (x) && isnan (self->marker)))
    return;
  self->marker = x;
  bp_plot_data_changed (BP_PLOT (self));
}
