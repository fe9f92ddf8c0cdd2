/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plot widgets, drawn through GTK's own snapshot under Xvfb, checked
 * on pixels: where the axes say a value goes, the series colour must be,
 * and nowhere else. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "histogram-plot.h"
#include "line-plot.h"
#include "ui-test-private.h"

#define WIDTH 400
#define HEIGHT 300

/* A pixel "is" a colour when it is at least this opaque and each channel,
 * un-premultiplied, within this of the colour: antialiasing changes only
 * the alpha of a line drawn over nothing, and the grid (8 % of the text
 * colour) moves a channel by less. */
#define CHANNEL_TOL 0.12

/* As bp_test_pixel_at, for pixels that must lie on the surface. */
static BpTestPixel
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  g_assert_true (x >= 0 && y >= 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  return bp_test_pixel_at (surface, x, y);
}

static gboolean
is_color (BpTestPixel    p,
          const GdkRGBA *c,
          double         min_alpha)
{
  return p.a >= min_alpha
         && fabs (p.r - c->red) < CHANNEL_TOL
         && fabs (p.g - c->green) < CHANNEL_TOL
         && fabs (p.b - c->blue) < CHANNEL_TOL;
}

/* Whether a pixel of @c, at least @min_alpha opaque, lies within @r
 * pixels of (x, y). */
static gboolean
color_near (cairo_surface_t *surface,
            double           x,
            double           y,
            int              r,
            const GdkRGBA   *c,
            double           min_alpha)
{
  for (int dy = -r; dy <= r; dy++)
    for (int dx = -r; dx <= r; dx++)
      if (is_color (pixel_at (surface, (int) floor (x) + dx, (int) floor (y) + dy), c, min_alpha))
        return TRUE;
  return FALSE;
}

/* Shows @plot alone in an undecorated window of @width × @height. */
static GtkWidget *
present (BpPlot *plot,
         int     width,
         int     height)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *widget = GTK_WIDGET (plot);

  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < 300; i++)
    {
      if (gtk_widget_get_width (widget) == width && gtk_widget_get_height (widget) == height)
        break;
      bp_test_spin (10);
    }
  g_assert_cmpint (gtk_widget_get_width (widget), ==, width);
  g_assert_cmpint (gtk_widget_get_height (widget), ==, height);
  return window;
}

/* y = x from (0, 0) to (1, 1) in 101 points: the colour lies on the
 * diagonal between the predicted pixels and nowhere else in the area. */
static void
test_line_pixels (void)
{
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA color;
  double x0, y0, x1, y1;
  int hits = 0;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_plot_set_title (BP_PLOT (plot), "Diagonal");
  bp_line_plot_add_series (plot, "y = x", 0, FALSE);
  for (int i = 0; i <= 100; i++)
    bp_line_plot_append (plot, 0, i / 100.0, i / 100.0);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);

  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  /* x exactly the data, y fitted: [0, 1] → [0, 1.05]. */
  g_assert_cmpfloat (a.x_axis.lo, ==, 0);
  g_assert_cmpfloat (a.x_axis.hi, ==, 1);
  g_assert_cmpfloat (a.y_axis.lo, ==, 0);
  g_assert_cmpfloat (a.y_axis.hi, ==, 1.05);
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);

  /* Off the grid lines at 0, 0.2, 0.4…, the line is there. */
  for (double t = 0.1; t < 1; t += 0.2)
    g_assert_true (color_near (surface, bp_test_data_x (&a, t), bp_test_data_y (&a, t), 1, &color,
                               0.8));

  x0 = bp_test_data_x (&a, 0);
  y0 = bp_test_data_y (&a, 0);
  x1 = bp_test_data_x (&a, 1);
  y1 = bp_test_data_y (&a, 1);
  for (int y = (int) a.y + 2; y < (int) (a.y + a.height) - 2; y++)
    for (int x = (int) a.x + 2; x < (int) (a.x + a.width) - 2; x++)
      {
        /* Distance of the pixel's centre from the segment. */
        double px = x + 0.5, py = y + 0.5, dx = x1 - x0, dy = y1 - y0;
        double t = CLAMP (((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0, 1);
        double d = hypot (px - (x0 + t * dx), py - (y0 + t * dy));
        BpTestPixel p = pixel_at (surface, x, y);

        if (d > 2.5)
          g_assert_false (is_color (p, &color, 0.1));
        else if (is_color (p, &color, 0.5))
          hits++;
      }
  /* Along the whole diagonal, at least a pixel per column. */
  g_assert_cmpint (hits, >=, (int) (x1 - x0) - 4);

  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* On a log axis fitted to [0.01, 10], 1 is a third of the way down; on a
 * linear one near the bottom. Values ≤ 0 are skipped, not drawn. */
static void
test_line_log (void)
{
  static const double ys[] = { 0.01, 0.1, 1, 10, 0, -1, 1 };
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA color;
  double px, py;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_line_plot_add_series (plot, "decades", 0, FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (ys); i++)
    bp_line_plot_append (plot, 0, (double) i, ys[i]);
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);

  bp_plot_set_log_y (BP_PLOT (plot), TRUE);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  g_assert_cmpfloat (a.y_axis.lo, ==, 0.01);
  g_assert_cmpfloat (a.y_axis.hi, ==, 10);
  px = bp_test_data_x (&a, 2);
  py = bp_test_data_y (&a, 1);
  g_assert_cmpfloat (fabs (py - (a.y + a.height / 3)), <, 1e-9);
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  g_assert_true (color_near (surface, px, py, 1, &color, 0.8));
  /* The line from (3, 10) skips 0 and −1 and goes straight to (6, 1). */
  g_assert_true (color_near (surface, bp_test_data_x (&a, 4.5), bp_test_data_y (&a, sqrt (10)), 1,
                             &color, 0.8));
  g_assert_false (color_near (surface, bp_test_data_x (&a, 4.5), a.y + a.height - 3, 2, &color,
                              0.1));
  cairo_surface_destroy (surface);

  bp_plot_set_log_y (BP_PLOT (plot), FALSE);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  g_assert_false (color_near (surface, px, py, 1, &color, 0.1));
  g_assert_true (color_near (surface, bp_test_data_x (&a, 2), bp_test_data_y (&a, 1), 1, &color,
                             0.8));
  cairo_surface_destroy (surface);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* NaN and ±Inf are skipped and the line joins their neighbours; a series
 * of one point is a dot; only non-finite values is no data. */
static void
test_line_non_finite (void)
{
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA color;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_line_plot_add_series (plot, "holes", 0, FALSE);
  bp_line_plot_append (plot, 0, 0, 0);
  bp_line_plot_append (plot, 0, 1, NAN);
  bp_line_plot_append (plot, 0, 2, 1);
  bp_line_plot_append (plot, 0, 3, INFINITY);
  bp_line_plot_append (plot, 0, 4, 0);
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);

  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  g_assert_cmpfloat (a.y_axis.hi, ==, 1.05);
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  g_assert_true (color_near (surface, bp_test_data_x (&a, 1), bp_test_data_y (&a, 0.5), 1, &color,
                             0.8));
  g_assert_true (color_near (surface, bp_test_data_x (&a, 3), bp_test_data_y (&a, 0.5), 1, &color,
                             0.8));
  cairo_surface_destroy (surface);

  /* One point, in the middle of an area fitted around it. */
  bp_line_plot_clear (plot, FALSE);
  bp_line_plot_append (plot, 0, 5, 2);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  g_assert_cmpfloat (fabs (bp_test_data_x (&a, 5) - (a.x + a.width / 2)), <, 1e-9);
  g_assert_true (color_near (surface, bp_test_data_x (&a, 5), bp_test_data_y (&a, 2), 0, &color,
                             0.8));
  cairo_surface_destroy (surface);

  bp_line_plot_clear (plot, FALSE);
  bp_line_plot_append (plot, 0, 0, NAN);
  bp_line_plot_append (plot, 0, 1, -INFINITY);
  g_assert_false (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  cairo_surface_destroy (surface);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* An empty plot draws its frame and a message, and no series colour. */
static void
test_empty (void)
{
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA color;
  int drawn = 0;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_plot_set_title (BP_PLOT (plot), "Accuracy");
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);
  g_assert_false (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  g_assert_cmpfloat (a.width, >, WIDTH / 2);
  g_assert_cmpfloat (a.height, >, HEIGHT / 2);
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  /* The frame's left edge. */
  g_assert_cmpfloat (pixel_at (surface, (int) a.x, (int) (a.y + a.height / 2)).a, >, 0.1);
  /* The message, somewhere around the middle. */
  for (int y = (int) (a.y + a.height / 2) - 12; y < (int) (a.y + a.height / 2) + 12; y++)
    for (int x = (int) (a.x + a.width / 2) - 60; x < (int) (a.x + a.width / 2) + 60; x++)
      drawn += pixel_at (surface, x, y).a > 0.3;
  g_assert_cmpint (drawn, >, 20);
  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      g_assert_false (is_color (pixel_at (surface, x, y), &color, 0.3));
  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Alternating 0.2 and 1: raw, a full-strength zigzag reaching 0.2;
 * smoothed, a full-strength line near 0.6 with the zigzag faint behind. */
static void
test_line_smoothing (void)
{
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *raw, *smooth;
  BpPlotArea a;
  GdkRGBA color;
  double ys[200], ema[200], xm;
  g_autofree char *text = NULL, *want = NULL;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_line_plot_add_series (plot, "noisy", 0, FALSE);
  for (int i = 0; i < 200; i++)
    {
      ys[i] = i % 2 ? 1 : 0.2;
      bp_line_plot_append (plot, 0, i, ys[i]);
    }
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  /* The point at x = 120 (a 0.2), where the zigzag turns. */
  xm = bp_test_data_x (&a, 120);
  raw = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);

  bp_line_plot_set_smoothing (plot, 0.9);
  g_assert_cmpfloat (bp_line_plot_get_smoothing (plot), ==, 0.9);
  smooth = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  bp_smooth_ema (ys, 200, 0.9, ema);

  g_assert_true (color_near (raw, xm, bp_test_data_y (&a, 0.2), 1, &color, 0.8));
  g_assert_false (color_near (smooth, xm, bp_test_data_y (&a, 0.2), 1, &color, 0.5));
  g_assert_true (color_near (smooth, xm, bp_test_data_y (&a, 0.2), 1, &color, 0.15));
  g_assert_true (color_near (smooth, xm, bp_test_data_y (&a, ema[120]), 1, &color, 0.8));

  /* The readout gives the smoothed value and the raw one. */
  text = bp_plot_describe_point (BP_PLOT (plot), 120.2, 0);
  want = g_strdup_printf ("120\nnoisy %.4g (raw 0.2)", ema[120]);
  g_assert_cmpstr (text, ==, want);

  cairo_surface_destroy (raw);
  cairo_surface_destroy (smooth);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_line_describe (void)
{
  BpLinePlot *plot;
  char *text;

  BP_TEST_REQUIRE_GTK ();
  plot = g_object_ref_sink (bp_line_plot_new ());
  g_assert_null (bp_plot_describe_point (BP_PLOT (plot), 0, 0));
  bp_plot_set_labels (BP_PLOT (plot), "step", "loss");
  g_assert_cmpuint (bp_line_plot_add_series (plot, "loss", 0, FALSE), ==, 0);
  g_assert_cmpuint (bp_line_plot_add_series (plot, "val", 1, TRUE), ==, 1);
  g_assert_cmpuint (bp_line_plot_get_n_series (plot), ==, 2);
  bp_line_plot_append (plot, 0, 0, 1);
  bp_line_plot_append (plot, 0, 10, 0.5);
  bp_line_plot_append (plot, 0, 20, -0.25);
  bp_line_plot_append (plot, 1, 0, 1.2);
  bp_line_plot_append (plot, 1, 20, 0.4);

  text = bp_plot_describe_point (BP_PLOT (plot), 9, 0.3);
  g_assert_cmpstr (text, ==, "step 10\nloss 0.5\nval 1.2 at 0");
  g_free (text);
  text = bp_plot_describe_point (BP_PLOT (plot), 16, 0.3);
  g_assert_cmpstr (text, ==, "step 20\nloss −0.25\nval 0.4");
  g_free (text);
  bp_line_plot_set_series_visible (plot, 1, FALSE);
  text = bp_plot_describe_point (BP_PLOT (plot), 16, 0.3);
  g_assert_cmpstr (text, ==, "step 20\nloss −0.25");
  g_free (text);
  bp_line_plot_set_series_visible (plot, 0, FALSE);
  g_assert_null (bp_plot_describe_point (BP_PLOT (plot), 16, 0.3));

  g_object_unref (plot);
}

/* The pointer over the plot: a crosshair at the nearest point's x and the
 * readout; gone when it leaves. */
static void
test_line_hover (void)
{
  BpLinePlot *plot;
  GtkWidget *window;
  GtkEventController *motion = NULL;
  g_autoptr (GListModel) controllers = NULL;
  cairo_surface_t *before, *during, *after;
  BpPlotArea a;
  double cx;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_line_plot_add_series (plot, "loss", 0, FALSE);
  for (int i = 0; i <= 10; i++)
    bp_line_plot_append (plot, 0, i, 1.0 / (1 + i));
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (plot));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
        motion = GTK_EVENT_CONTROLLER (c);
    }
  g_assert_nonnull (motion);

  before = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  /* Just right of x = 3: the crosshair snaps to 3. */
  g_signal_emit_by_name (motion, "motion", bp_test_data_x (&a, 3.2), a.y + a.height - 10);
  during = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  g_signal_emit_by_name (motion, "leave");
  after = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);

  cx = floor (bp_test_data_x (&a, 3));
  g_assert_cmpfloat (pixel_at (before, (int) cx, (int) a.y + a.height - 4).a, ==, 0);
  g_assert_cmpfloat (pixel_at (during, (int) cx, (int) a.y + a.height - 4).a, >, 0.2);
  g_assert_cmpfloat (pixel_at (after, (int) cx, (int) a.y + a.height - 4).a, ==, 0);

  cairo_surface_destroy (before);
  cairo_surface_destroy (during);
  cairo_surface_destroy (after);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_line_marker (void)
{
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA red;
  int marked = 0;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_line_plot_add_series (plot, "flat", 0, FALSE);
  bp_line_plot_append (plot, 0, 0, 1);
  bp_line_plot_append (plot, 0, 10, 1);
  bp_line_plot_set_marker (plot, 7);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  gdk_rgba_parse (&red, "#e01b24");
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  for (int y = (int) a.y + 2; y < (int) (a.y + a.height) - 2; y++)
    marked += is_color (pixel_at (surface, (int) floor (bp_test_data_x (&a, 7)), y), &red, 0.5);
  /* Dashed: about 4 in 7 pixels down the column. */
  g_assert_cmpint (marked, >, a.height / 3);
  g_assert_cmpint (marked, <, a.height * 3 / 4);
  cairo_surface_destroy (surface);

  bp_line_plot_set_marker (plot, NAN);
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  for (int y = (int) a.y + 2; y < (int) (a.y + a.height) - 2; y++)
    g_assert_false (is_color (pixel_at (surface, (int) floor (bp_test_data_x (&a, 7)), y), &red,
                              0.3));
  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A million points go through decimation and draw the curve where the
 * axes put it. */
static void
test_line_million (void)
{
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA color;
  const double *xs, *ys;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_line_plot_add_series (plot, "million", 0, FALSE);
  for (int i = 0; i < 1000000; i++)
    bp_line_plot_append (plot, 0, i, i % 1000 == 7 ? NAN : 2.0 - i / 1e6);
  g_assert_cmpuint (bp_line_plot_get_points (plot, 0, &xs, &ys), ==, 1000000);
  g_assert_cmpfloat (xs[999999], ==, 999999);
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  for (double t = 0.1; t < 1; t += 0.2)
    g_assert_true (color_near (surface, bp_test_data_x (&a, t * 1e6), bp_test_data_y (&a, 2 - t),
                               1, &color, 0.8));
  g_assert_false (color_near (surface, bp_test_data_x (&a, 5e5), bp_test_data_y (&a, 1.9), 2,
                              &color, 0.1));
  cairo_surface_destroy (surface);

  bp_line_plot_set_smoothing (plot, 0.6);
  bp_plot_set_log_y (BP_PLOT (plot), TRUE);
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  g_assert_true (color_near (surface, bp_test_data_x (&a, 5e5), bp_test_data_y (&a, 1.5), 1,
                             &color, 0.8));
  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_css_colors (void)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  BpLinePlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA color, fallback, red = { 1, 0, 0, 1 };

  BP_TEST_REQUIRE_GTK ();
  plot = bp_line_plot_new ();
  bp_line_plot_add_series (plot, "red", 0, FALSE);
  bp_line_plot_append (plot, 0, 0, 0);
  bp_line_plot_append (plot, 0, 1, 1);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);

  /* Without the named colours, GNOME's palette; the index wraps at 8. */
  bp_plot_series_color (BP_PLOT (plot), 0, &fallback);
  gdk_rgba_parse (&color, "#3584e4");
  g_assert_true (gdk_rgba_equal (&fallback, &color));
  bp_plot_series_color (BP_PLOT (plot), 9, &fallback);
  gdk_rgba_parse (&color, "#ff7800");
  g_assert_true (gdk_rgba_equal (&fallback, &color));

  gtk_css_provider_load_from_data (css, "@define-color plot_series_0 #ff0000;", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  bp_test_spin (20);
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  g_assert_true (gdk_rgba_equal (&color, &red));
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);
  g_assert_true (color_near (surface, bp_test_data_x (&a, 0.5), bp_test_data_y (&a, 0.5), 1, &red,
                             0.8));
  cairo_surface_destroy (surface);

  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (css));
  gtk_window_destroy (GTK_WINDOW (window));
}

static nn_histogram
histogram (double    lo,
           double    hi,
           guint64  *counts,
           gsize     bins)
{
  nn_histogram h = { .lo = lo, .hi = hi, .bins = bins, .counts = (uint64_t *) counts };

  for (gsize b = 0; b < bins; b++)
    h.total += counts[b];
  return h;
}

/* Counts 5, 10, 10, 5 over [0, 4]: the outline joins the bins' centres,
 * so the fill stands full height from x = 1.5 to 2.5 and slopes to half
 * height at 0.5 and 3.5, on a baseline at the bottom of the area. */
static void
test_histogram_pixels (void)
{
  guint64 counts[] = { 5, 10, 10, 5 };
  nn_histogram h = histogram (0, 4, counts, 4);
  BpHistogramPlot *plot;
  GtkWidget *window;
  cairo_surface_t *surface;
  BpPlotArea a;
  GdkRGBA color;
  double bottom, room;

  BP_TEST_REQUIRE_GTK ();
  plot = bp_histogram_plot_new ();
  bp_histogram_plot_add (plot, 100, &h);
  g_assert_cmpuint (bp_histogram_plot_get_n_histograms (plot), ==, 1);
  bp_plot_series_color (BP_PLOT (plot), 0, &color);
  window = present (BP_PLOT (plot), WIDTH, HEIGHT);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  /* The value range with a margin, from 0 as the data start there. */
  g_assert_cmpfloat (a.x_axis.lo, ==, 0);
  g_assert_cmpfloat (a.x_axis.hi, ==, 4.2);
  /* The step at the bottom. */
  g_assert_cmpfloat (a.y_axis.lo, ==, 100);
  bottom = a.y + a.height;
  room = 0.95 * a.height;
  surface = bp_test_render (GTK_WIDGET (plot), WIDTH, HEIGHT);

  /* Filled (translucent) up to the outline in every column under it… */
  for (double v = 0.6; v <= 3.4; v += 0.1)
    {
      double top = v < 1.5 ? 0.5 + 0.5 * (v - 0.5) : v > 2.5 ? 0.5 + 0.5 * (3.5 - v) : 1.0;
      int x = (int) floor (bp_test_data_x (&a, v));

      g_assert_true (is_color (pixel_at (surface, x, (int) (bottom - 0.2 * room)), &color, 0.15));
      g_assert_true (is_color (pixel_at (surface, x, (int) (bottom - (top - 0.05) * room)),
                              &color, 0.15));
      g_assert_false (is_color (pixel_at (surface, x, (int) (bottom - (top + 0.05) * room)),
                               &color, 0.05));
    }
  /* … and outlined along the top at full strength. */
  g_assert_true (color_near (surface, bp_test_data_x (&a, 2), bottom - room, 1, &color, 0.8));
  /* Nothing right of the range. */
  for (int x = (int) bp_test_data_x (&a, 4) + 3; x < (int) (a.x + a.width) - 2; x++)
    for (int y = (int) a.y + 2; y < (int) bottom - 2; y++)
      g_assert_false (is_color (pixel_at (surface, x, y), &color, 0.05));
  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_histogram_history (void)
{
  guint64 counts[] = { 5, 10, 10, 5 }, none[] = { 0, 0, 0, 0 };
  nn_histogram h = histogram (0, 4, counts, 4), empty = histogram (0, 4, none, 4);
  BpHistogramPlot *plot;
  BpPlotArea a;
  char *text;

  BP_TEST_REQUIRE_GTK ();
  plot = g_object_ref_sink (bp_histogram_plot_new ());
  g_assert_cmpuint (bp_histogram_plot_get_max_history (plot), ==, 30);
  g_assert_false (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  bp_histogram_plot_add (plot, 1, &empty);
  g_assert_cmpuint (bp_histogram_plot_get_n_histograms (plot), ==, 0);
  for (guint s = 0; s < 40; s++)
    bp_histogram_plot_add (plot, 100 * s, &h);
  g_assert_cmpuint (bp_histogram_plot_get_n_histograms (plot), ==, 30);

  /* Steps 1000 … 3900 kept, the newest at the bottom, growing downwards. */
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), WIDTH, HEIGHT, &a));
  g_assert_cmpfloat (a.y_axis.lo, ==, 3900);
  g_assert_cmpfloat (a.y_axis.hi, <, 1000);

  /* The y ticks: round steps from the oldest kept to the newest. */
  {
    double ticks[16];
    gsize n = BP_PLOT_GET_CLASS (plot)->y_ticks (BP_PLOT (plot), &a.y_axis, 10, ticks);

    g_assert_cmpuint (n, >=, 2);
    for (gsize i = 0; i < n; i++)
      {
        g_assert_cmpfloat (ticks[i], >=, 1000);
        g_assert_cmpfloat (ticks[i], <=, 3900);
        g_assert_cmpfloat (fmod (ticks[i], 500), ==, 0);
      }
  }

  text = bp_plot_describe_point (BP_PLOT (plot), 2.2, 3850);
  g_assert_cmpstr (text, ==, "step 3900\n2 to 3: 10 of 30");
  g_free (text);
  text = bp_plot_describe_point (BP_PLOT (plot), 5, 1000);
  g_assert_cmpstr (text, ==, "step 1000\nvalues from 0 to 4");
  g_free (text);

  bp_histogram_plot_set_max_history (plot, 10);
  g_assert_cmpuint (bp_histogram_plot_get_n_histograms (plot), ==, 10);
  bp_histogram_plot_clear (plot);
  g_assert_cmpuint (bp_histogram_plot_get_n_histograms (plot), ==, 0);
  g_object_unref (plot);
}

static char *
read_all (const char *path,
          gsize      *len)
{
  char *contents = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, &error));
  g_assert_no_error (error);
  return contents;
}

static void
test_export (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-plots-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "loss.png", NULL);
  g_autofree char *png2 = g_build_filename (dir, "loss@2.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "loss.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "loss.pdf", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "loss.png", NULL);
  g_autofree char *contents = NULL;
  BpLinePlot *plot;
  cairo_surface_t *image;
  BpPlotFormat format;
  BpPlotArea a;
  gsize len;

  BP_TEST_REQUIRE_GTK ();
  g_assert_no_error (error);
  plot = g_object_ref_sink (bp_line_plot_new ());
  bp_plot_set_title (BP_PLOT (plot), "Loss");
  bp_plot_set_labels (BP_PLOT (plot), "step", "loss");
  bp_line_plot_add_series (plot, "training", 0, FALSE);
  bp_line_plot_add_series (plot, "validation", 1, TRUE);
  for (int i = 0; i < 500; i++)
    bp_line_plot_append (plot, 0, i, exp (-i / 100.0));
  bp_line_plot_append (plot, 1, 0, 1.1);
  bp_line_plot_append (plot, 1, 499, 0.2);

  g_assert_true (bp_plot_export (BP_PLOT (plot), png, BP_PLOT_FORMAT_PNG, 640, 360, &error));
  g_assert_no_error (error);
  contents = read_all (png, &len);
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
  g_clear_pointer (&contents, g_free);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 360);
  /* On white, opaque everywhere. */
  g_assert_cmpfloat (pixel_at (image, 0, 0).a, ==, 1);
  g_assert_cmpfloat (pixel_at (image, 0, 0).r, ==, 1);
  g_assert_cmpfloat (pixel_at (image, 639, 359).a, ==, 1);
  cairo_surface_destroy (image);

  /* Twice the pixels, the same drawing: the frame's corner moves with it. */
  g_assert_true (bp_plot_export_scaled (BP_PLOT (plot), png2, BP_PLOT_FORMAT_PNG, 320, 180, 2,
                                        &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (png2);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 360);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), 320, 180, &a));
  g_assert_cmpfloat (pixel_at (image, (int) (2 * a.x) + 1, (int) (2 * (a.y + a.height / 2))).r,
                     <, 0.95);
  g_assert_cmpfloat (pixel_at (image, (int) (2 * a.x) - 3, (int) (2 * (a.y + a.height / 2))).r,
                     ==, 1);
  cairo_surface_destroy (image);

  g_assert_true (bp_plot_export (BP_PLOT (plot), svg, BP_PLOT_FORMAT_SVG, 640, 360, &error));
  g_assert_no_error (error);
  contents = read_all (svg, &len);
  g_assert_true (g_str_has_prefix (contents, "<?xml"));
  g_assert_nonnull (strstr (contents, "<svg"));
  g_assert_nonnull (strstr (contents, "width=\"640px\""));
  g_clear_pointer (&contents, g_free);

  g_assert_true (bp_plot_export (BP_PLOT (plot), pdf, BP_PLOT_FORMAT_PDF, 640, 360, &error));
  g_assert_no_error (error);
  contents = read_all (pdf, &len);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_clear_pointer (&contents, g_free);

  /* Errors name the file and leave nothing behind. */
  g_assert_false (bp_plot_export (BP_PLOT (plot), missing, BP_PLOT_FORMAT_PNG, 640, 360, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (bp_plot_export (BP_PLOT (plot), png, BP_PLOT_FORMAT_PNG, 0, 360, &error));
  g_assert_error (error, BP_PLOT_ERROR, BP_PLOT_ERROR_SIZE);
  g_clear_error (&error);
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));

  g_assert_true (bp_plot_format_from_path ("a/b.PNG", &format));
  g_assert_cmpint (format, ==, BP_PLOT_FORMAT_PNG);
  g_assert_true (bp_plot_format_from_path ("plot.svg", &format));
  g_assert_cmpint (format, ==, BP_PLOT_FORMAT_SVG);
  g_assert_true (bp_plot_format_from_path ("plot.pdf", &format));
  g_assert_cmpint (format, ==, BP_PLOT_FORMAT_PDF);
  g_assert_false (bp_plot_format_from_path ("plot.txt", &format));
  g_assert_false (bp_plot_format_from_path ("dir.png/plot", &format));
  g_assert_false (bp_plot_format_from_path ("plot", &format));

  g_object_unref (plot);
  g_remove (png);
  g_remove (png2);
  g_remove (svg);
  g_remove (pdf);
  g_rmdir (dir);
}

/* With a light text colour (a dark style), an export onto white draws
 * its axes dark so that they read. */
static void
test_export_dark_style (void)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-plots-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "dark.png", NULL);
  BpLinePlot *plot;
  cairo_surface_t *image;
  BpPlotArea a;
  BpTestPixel frame;

  BP_TEST_REQUIRE_GTK ();
  plot = g_object_ref_sink (bp_line_plot_new ());
  bp_line_plot_add_series (plot, "x", 0, FALSE);
  bp_line_plot_append (plot, 0, 0, 0);
  bp_line_plot_append (plot, 0, 1, 1);
  gtk_css_provider_load_from_data (css, ".line-plot { color: white; }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  g_assert_true (bp_plot_export (BP_PLOT (plot), png, BP_PLOT_FORMAT_PNG, 400, 300, &error));
  g_assert_no_error (error);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), 400, 300, &a));
  image = cairo_image_surface_create_from_png (png);
  frame = pixel_at (image, (int) a.x, (int) (a.y + a.height / 2));
  g_assert_cmpfloat (frame.r, <, 0.9);
  cairo_surface_destroy (image);
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (css));
  g_object_unref (plot);
  g_remove (png);
  g_rmdir (dir);
}

static void
test_accessible (void)
{
  BpLinePlot *line;
  BpHistogramPlot *hist;

  BP_TEST_REQUIRE_GTK ();
  line = g_object_ref_sink (bp_line_plot_new ());
  hist = g_object_ref_sink (bp_histogram_plot_new ());
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (line)), ==,
                   GTK_ACCESSIBLE_ROLE_IMG);
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (hist)), ==,
                   GTK_ACCESSIBLE_ROLE_IMG);
  bp_plot_set_title (BP_PLOT (line), "Loss");
  g_assert_cmpstr (bp_plot_get_title (BP_PLOT (line)), ==, "Loss");
  gtk_test_accessible_assert_property (line, GTK_ACCESSIBLE_PROPERTY_LABEL, "Loss");
  bp_plot_set_labels (BP_PLOT (line), "step", "loss");
  gtk_test_accessible_assert_property (line, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "loss by step");
  g_object_unref (line);
  g_object_unref (hist);
}

int
main (int   argc,
      char *argv[])
{
  bp_test_init_gtk (&argc, &argv);

  g_test_add_func ("/ui/plot/line/pixels", test_line_pixels);
  g_test_add_func ("/ui/plot/line/log-y", test_line_log);
  g_test_add_func ("/ui/plot/line/non-finite", test_line_non_finite);
  g_test_add_func ("/ui/plot/line/smoothing", test_line_smoothing);
  g_test_add_func ("/ui/plot/line/describe", test_line_describe);
  g_test_add_func ("/ui/plot/line/hover", test_line_hover);
  g_test_add_func ("/ui/plot/line/marker", test_line_marker);
  g_test_add_func ("/ui/plot/line/million", test_line_million);
  g_test_add_func ("/ui/plot/empty", test_empty);
  g_test_add_func ("/ui/plot/css-colors", test_css_colors);
  g_test_add_func ("/ui/plot/histogram/pixels", test_histogram_pixels);
  g_test_add_func ("/ui/plot/histogram/history", test_histogram_history);
  g_test_add_func ("/ui/plot/export", test_export);
  g_test_add_func ("/ui/plot/export/dark-style", test_export_dark_style);
  g_test_add_func ("/ui/plot/accessible", test_accessible);

  return g_test_run ();
}
