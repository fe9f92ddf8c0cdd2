/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "histogram-plot.h"

#include <glib/gi18n.h>
#include <math.h>

#define DEFAULT_MAX_HISTORY 30

/* The share of the plot's height above the oldest baseline, where its
 * ridge rises; the baselines share the rest. */
#define RIDGE_SHARE 0.4
/* The highest ridge's height as a share of that room. */
#define RIDGE_FILL  0.95

typedef struct
{
  guint64  step;
  double   lo;
  double   hi;
  gsize    bins;
  guint64 *counts;
  guint64  total;
  double   peak;      /* the highest bin's density, count / (total · bin width) */
} Histogram;

struct _BpHistogramPlot
{
  BpPlot     parent_instance;

  GPtrArray *histograms;  /* Histogram *, oldest first */
  guint      max_history;
  guint      color;
};

enum
{
  PROP_0,
  PROP_MAX_HISTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpHistogramPlot, bp_histogram_plot, BP_TYPE_PLOT)

static void
histogram_free (Histogram *h)
{
  g_free (h->counts);
  g_free (h);
}

static Histogram *
get_histogram (BpHistogramPlot *self,
               guint            i)
{
  return g_ptr_array_index (self->histograms, i);
}

/* A histogram whose values were all equal has no width: it is drawn as a
 * spike of the highest height. */
static gboolean
is_spike (const Histogram *h)
{
  return !(h->hi > h->lo);
}

static double
bin_density (const Histogram *h,
             gsize            b)
{
  double width = (h->hi - h->lo) / (double) h->bins;

  return (double) h->counts[b] / ((double) h->total * width);
}

/* The kept histograms' smallest and largest step. */
static void
step_range (BpHistogramPlot *self,
            double          *s_min,
            double          *s_max)
{
  *s_min = INFINITY;
  *s_max = -INFINITY;
  for (guint i = 0; i < self->histograms->len; i++)
    {
      double s = (double) get_histogram (self, i)->step;

      *s_min = MIN (*s_min, s);
      *s_max = MAX (*s_max, s);
    }
}

static double
max_peak (BpHistogramPlot *self)
{
  double peak = 0;

  for (guint i = 0; i < self->histograms->len; i++)
    {
      Histogram *h = get_histogram (self, i);

      if (!is_spike (h))
        peak = MAX (peak, h->peak);
    }
  return peak;
}

/* The histogram whose ridge is under data height @y: the nearest baseline
 * at or below the pointer (the axis grows downwards, so a step ≥ y),
 * newest first among equal steps. */
static Histogram *
histogram_at (BpHistogramPlot *self,
              double           y)
{
  Histogram *best = NULL;

  for (guint i = self->histograms->len; i-- > 0;)
    {
      Histogram *h = get_histogram (self, i);
      double s = (double) h->step;

      if (s >= y && (best == NULL || s < (double) best->step))
        best = h;
    }
  if (best == NULL && self->histograms->len > 0)
    best = get_histogram (self, self->histograms->len - 1);
  return best;
}

/* The outline of @h standing on @baseline, in pixels: from the low end
 * on the baseline through the top of each bin's centre to the high end;
 * a spike is a narrow peak. Returns the number of points in @px, @py
 * (bins + 2 of them). */
static gsize
ridge_outline (const BpPlotArea *a,
               const Histogram  *h,
               double            baseline,
               double            scale,
               double            room,
               double           *px,
               double           *py)
{
  double left = a->x, right = a->x + a->width;

  if (is_spike (h))
    {
      double x = bp_axis_to_pixel (&a->x_axis, h->lo, left, right);

      px[0] = x - 1;
      px[1] = x;
      px[2] = x + 1;
      py[0] = py[2] = baseline;
      py[1] = baseline - room;
      return 3;
    }
  px[0] = bp_axis_to_pixel (&a->x_axis, h->lo, left, right);
  py[0] = baseline;
  for (gsize b = 0; b < h->bins; b++)
    {
      double centre = h->lo + ((double) b + 0.5) * (h->hi - h->lo) / (double) h->bins;

      px[b + 1] = bp_axis_to_pixel (&a->x_axis, centre, left, right);
      py[b + 1] = baseline - MIN (room, bin_density (h, b) * scale);
    }
  px[h->bins + 1] = bp_axis_to_pixel (&a->x_axis, h->hi, left, right);
  py[h->bins + 1] = baseline;
  return h->bins + 2;
}

static void
outline_path (cairo_t      *cr,
              const double *px,
              const double *py,
              gsize         n)
{
  cairo_move_to (cr, px[0], py[0]);
  for (gsize i = 1; i < n; i++)
    cairo_line_to (cr, px[i], py[i]);
}

/* Lowers the skyline @sky (the highest outline so far, as a pixel y at
 * each whole pixel x from the area's left) to take in an outline. */
static void
skyline_add (double       *sky,
             gsize         columns,
             double        left,
             const double *px,
             const double *py,
             gsize         n)
{
  gsize k = 0;

  for (gsize c = 0; c <= columns; c++)
    {
      double x = left + (double) c, y;

      if (x < px[0] || x > px[n - 1])
        continue;
      while (k + 1 < n - 1 && px[k + 1] < x)
        k++;
      y = px[k + 1] > px[k]
          ? py[k] + (py[k + 1] - py[k]) * (x - px[k]) / (px[k + 1] - px[k])
          : MIN (py[k], py[k + 1]);
      sky[c] = MIN (sky[c], y);
    }
  /* An outline narrower than a pixel still hides what is behind its peak. */
  if (px[n - 1] - px[0] < 2)
    {
      double lo_y = py[0];

      for (gsize i = 1; i < n; i++)
        lo_y = MIN (lo_y, py[i]);
      for (gsize c = 0; c <= columns; c++)
        if (fabs (left + (double) c - (px[0] + px[n - 1]) / 2) <= 1)
          sky[c] = MIN (sky[c], lo_y);
    }
}

/* Clips to what lies above the skyline: the part of an older ridge that
 * the newer ones in front do not cover. */
static void
clip_above (cairo_t          *cr,
            const BpPlotArea *a,
            const double     *sky,
            gsize             columns)
{
  double bottom = a->y + a->height + 2;

  cairo_move_to (cr, a->x - 2, a->y - 2);
  cairo_line_to (cr, a->x + (double) columns + 2, a->y - 2);
  for (gsize c = columns + 1; c-- > 0;)
    cairo_line_to (cr, a->x + (double) c, MIN (sky[c], bottom));
  cairo_line_to (cr, a->x - 2, MIN (sky[0], bottom));
  cairo_close_path (cr);
  cairo_clip (cr);
}

static gboolean
bp_histogram_plot_get_bounds (BpPlot *plot,
                              double *x_lo,
                              double *x_hi,
                              double *y_lo,
                              double *y_hi)
{
  BpHistogramPlot *self = BP_HISTOGRAM_PLOT (plot);
  double lo = INFINITY, hi = -INFINITY, s_min, s_max;

  if (self->histograms->len == 0)
    return FALSE;
  for (guint i = 0; i < self->histograms->len; i++)
    {
      Histogram *h = get_histogram (self, i);

      lo = MIN (lo, h->lo);
      hi = MAX (hi, h->hi);
    }
  step_range (self, &s_min, &s_max);
  *x_lo = lo;
  *x_hi = hi;
  /* Reversed: the newest step at the bottom, and above the oldest
   * baseline room for its ridge, RIDGE_SHARE of the height. */
  *y_lo = s_max;
  if (s_max > s_min)
    *y_hi = s_min - (s_max - s_min) * RIDGE_SHARE / (1 - RIDGE_SHARE);
  else
    *y_hi = s_min - 1;
  return TRUE;
}

/* Draws the ridges from the newest, in front, to the oldest, each
 * clipped to the skyline of those before it, so that a ridge hides the
 * older ones behind it as an opaque one would while its own fill stays
 * translucent over the grid. */
static void
bp_histogram_plot_draw_data (BpPlot           *plot,
                             cairo_t          *cr,
                             const BpPlotArea *area)
{
  BpHistogramPlot *self = BP_HISTOGRAM_PLOT (plot);
  double bottom = area->y + area->height, s_min, s_max, room, peak, scale, hx, hy;
  guint n = self->histograms->len;
  gsize columns = (gsize) ceil (area->width), max_points = 3;
  g_autofree double *sky = NULL, *px = NULL, *py = NULL;
  Histogram *hovered = NULL;
  GdkRGBA color, fg;

  step_range (self, &s_min, &s_max);
  room = RIDGE_FILL * (bp_axis_to_pixel (&area->y_axis, s_min, bottom, area->y) - area->y);
  peak = max_peak (self);
  scale = peak > 0 ? room / peak : 0;
  bp_plot_series_color (plot, self->color, &color);
  bp_plot_get_foreground (plot, &fg);
  if (bp_plot_get_hover (plot, &hx, &hy))
    hovered = histogram_at (self, hy);

  for (guint i = 0; i < n; i++)
    max_points = MAX (max_points, get_histogram (self, i)->bins + 2);
  px = g_new (double, max_points);
  py = g_new (double, max_points);
  sky = g_new (double, columns + 1);
  for (gsize c = 0; c <= columns; c++)
    sky[c] = INFINITY;

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = n; i-- > 0;)
    {
      Histogram *h = get_histogram (self, i);
      double t = n > 1 ? (double) i / (double) (n - 1) : 1.0;   /* 1: newest */
      double baseline = bp_axis_to_pixel (&area->y_axis, (double) h->step, bottom, area->y);
      gsize points = ridge_outline (area, h, baseline, scale, room, px, py);

      cairo_save (cr);
      if (i + 1 < n)
        clip_above (cr, area, sky, columns);
      outline_path (cr, px, py, points);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue,
                             color.alpha * (0.06 + 0.22 * t));
      cairo_fill (cr);
      outline_path (cr, px, py, points);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue,
                             color.alpha * (0.3 + 0.7 * t));
      cairo_set_line_width (cr, h == hovered ? 2.5 : 1.25);
      cairo_stroke (cr);
      cairo_restore (cr);
      skyline_add (sky, columns, area->x, px, py, points);
    }
  if (hovered != NULL)
    {
      double x = floor (bp_axis_to_pixel (&area->x_axis, hx, area->x,
                                          area->x + area->width)) + 0.5;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.35);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, x, area->y);
      cairo_line_to (cr, x, bottom);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static char *
bp_histogram_plot_describe_point (BpPlot *plot,
                                  double  x,
                                  double  y)
{
  BpHistogramPlot *self = BP_HISTOGRAM_PLOT (plot);
  Histogram *h = histogram_at (self, y);
  char step[32], lo[32], hi[32], count[32], total[32];
  double width;
  gsize b;

  if (h == NULL)
    return NULL;
  bp_format_value ((double) h->step, 4, step, sizeof step);
  bp_format_value ((double) h->total, 4, total, sizeof total);
  if (is_spike (h))
    {
      bp_format_value (h->lo, 4, lo, sizeof lo);
      return g_strdup_printf (_("step %s\nall %s values %s"), step, total, lo);
    }
  if (!(x >= h->lo && x <= h->hi))
    {
      bp_format_value (h->lo, 3, lo, sizeof lo);
      bp_format_value (h->hi, 3, hi, sizeof hi);
      return g_strdup_printf (_("step %s\nvalues from %s to %s"), step, lo, hi);
    }
  width = (h->hi - h->lo) / (double) h->bins;
  b = MIN ((gsize) ((x - h->lo) / width), h->bins - 1);
  bp_format_value (h->lo + (double) b * width, 3, lo, sizeof lo);
  bp_format_value (h->lo + (double) (b + 1) * width, 3, hi, sizeof hi);
  bp_format_value ((double) h->counts[b], 4, count, sizeof count);
  return g_strdup_printf (_("step %s\n%s to %s: %s of %s"), step, lo, hi, count, total);
}

/* Ticks at round steps between the oldest and the newest kept, as many
 * as fit beside the baselines, which have 1 − RIDGE_SHARE of the height;
 * steps are whole numbers, so no tick between them. */
static gsize
bp_histogram_plot_y_ticks (BpPlot        *plot,
                           const bp_axis *axis,
                           gsize          max,
                           double        *ticks)
{
  BpHistogramPlot *self = BP_HISTOGRAM_PLOT (plot);
  gsize fit = MAX (2, (gsize) ((double) max * (1 - RIDGE_SHARE) + 0.5)), n, kept = 0;
  bp_axis steps = { 0 };

  if (self->histograms->len == 0 || max == 0)
    return 0;
  step_range (self, &steps.lo, &steps.hi);
  if (steps.lo == steps.hi)
    {
      ticks[0] = steps.lo;
      return 1;
    }
  n = bp_axis_ticks (&steps, MIN (fit, max), ticks);
  for (gsize i = 0; i < n; i++)
    if (ticks[i] == floor (ticks[i]))
      ticks[kept++] = ticks[i];
  return kept;
}

static void
bp_histogram_plot_finalize (GObject *object)
{
  BpHistogramPlot *self = BP_HISTOGRAM_PLOT (object);

  g_clear_pointer (&self->histograms, g_ptr_array_unref);
  G_OBJECT_CLASS (bp_histogram_plot_parent_class)->finalize (object);
}

static void
bp_histogram_plot_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BpHistogramPlot *self = BP_HISTOGRAM_PLOT (object);

  switch (prop_id)
    {
    case PROP_MAX_HISTORY:
      g_value_set_uint (value, self->max_history);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_histogram_plot_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BpHistogramPlot *self = BP_HISTOGRAM_PLOT (object);

  switch (prop_id)
    {
    case PROP_MAX_HISTORY:
      bp_histogram_plot_set_max_history (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_histogram_plot_class_init (BpHistogramPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BpPlotClass *plot_class = BP_PLOT_CLASS (klass);

  object_class->finalize = bp_histogram_plot_finalize;
  object_class->get_property = bp_histogram_plot_get_property;
  object_class->set_property = bp_histogram_plot_set_property;

  plot_class->get_bounds = bp_histogram_plot_get_bounds;
  plot_class->draw_data = bp_histogram_plot_draw_data;
  plot_class->describe_point = bp_histogram_plot_describe_point;
  plot_class->y_ticks = bp_histogram_plot_y_ticks;
  /* Values fitted with a margin; steps exactly, the axis given over to
   * the stack. */
  plot_class->fit_x = TRUE;
  plot_class->fit_y = FALSE;

  properties[PROP_MAX_HISTORY] =
    g_param_spec_uint ("max-history", NULL, NULL, 1, G_MAXUINT, DEFAULT_MAX_HISTORY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_histogram_plot_init (BpHistogramPlot *self)
{
  self->histograms = g_ptr_array_new_with_free_func ((GDestroyNotify) histogram_free);
  self->max_history = DEFAULT_MAX_HISTORY;
  gtk_widget_add_css_class (GTK_WIDGET (self), "histogram-plot");
}

BpHistogramPlot *
bp_histogram_plot_new (void)
{
  return g_object_new (BP_TYPE_HISTOGRAM_PLOT, NULL);
}

void
bp_histogram_plot_add (BpHistogramPlot    *self,
                       guint64             step,
                       const nn_histogram *histogram)
{
  Histogram *h;
  guint64 total = 0;

  g_return_if_fail (BP_IS_HISTOGRAM_PLOT (self));
  g_return_if_fail (histogram != NULL);
  if (histogram->bins == 0 || histogram->counts == NULL
      || !isfinite (histogram->lo) || !isfinite (histogram->hi) || histogram->hi < histogram->lo)
    return;
  for (gsize b = 0; b < histogram->bins; b++)
    total += histogram->counts[b];
  if (total == 0)
    return;

  h = g_new0 (Histogram, 1);
  h->step = step;
  h->lo = histogram->lo;
  h->hi = histogram->hi;
  h->bins = histogram->bins;
  h->counts = g_memdup2 (histogram->counts, histogram->bins * sizeof *h->counts);
  /* The bins' own sum: counts outside the range are not in them. */
  h->total = total;
  if (!is_spike (h))
    for (gsize b = 0; b < h->bins; b++)
      h->peak = MAX (h->peak, bin_density (h, b));
  g_ptr_array_add (self->histograms, h);
  if (self->histograms->len > self->max_history)
    g_ptr_array_remove_range (self->histograms, 0, self->histograms->len - self->max_history);
  bp_plot_data_changed (BP_PLOT (self));
}

guint
bp_histogram_plot_get_n_histograms (BpHistogramPlot *self)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_PLOT (self), 0);
  return self->histograms->len;
}

void
bp_histogram_plot_clear (BpHistogramPlot *self)
{
  g_return_if_fail (BP_IS_HISTOGRAM_PLOT (self));
  g_ptr_array_set_size (self->histograms, 0);
  bp_plot_data_changed (BP_PLOT (self));
}

guint
bp_histogram_plot_get_max_history (BpHistogramPlot *self)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_PLOT (self), 0);
  return self->max_history;
}

void
bp_histogram_plot_set_max_history (BpHistogramPlot *self,
                                   guint            max)
{
  g_return_if_fail (BP_IS_HISTOGRAM_PLOT (self));
  g_return_if_fail (max >= 1);
  if (self->max_history == max)
    return;
  self->max_history = max;
  if (self->histograms->len > max)
    {
      g_ptr_array_remove_range (self->histograms, 0, self->histograms->len - max);
      bp_plot_data_changed (BP_PLOT (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_HISTORY]);
}

void
bp_histogram_plot_set_color (BpHistogramPlot *self,
                             guint            color)
{
  g_return_if_fail (BP_IS_HISTOGRAM_PLOT (self));
  if (self->color == color)
    return;
  self->color = color;
  bp_plot_data_changed (BP_PLOT (self));
}
