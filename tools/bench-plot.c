/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Redraw time of a line plot of a million points, the budget being a
 * frame of a 120 Hz display (8 ms):
 *   bench-plot [POINTS [REPEATS]]
 * draws a BpLinePlot of one series of POINTS (default 1 000 000) noisy,
 * decaying loss values at 800 × 400 with bp_plot_render into a Cairo image
 * surface — title, axes, labels, legend and curve, as on screen — REPEATS
 * times (default 60) after two warm-up draws, and prints the median and
 * the fastest and slowest time: raw, with smoothing 0.6 (the raw curve
 * faint behind the smoothed one), and on a log y axis. Needs a display
 * (GTK styles the widget): run it under xvfb-run. Built by Meson as
 * build/…/tools/bench-plot; tools/bench runs it. */
#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "line-plot.h"

#define WIDTH 800
#define HEIGHT 400

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Draws @repeats times and prints the median, fastest and slowest. */
static void
bench (BpLinePlot *plot,
       const char *what,
       int         repeats)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  double *ms = g_new (double, repeats);

  for (int r = -2; r < repeats; r++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 t0;

      /* Cleared outside the timing, as GTK hands the plot a fresh node. */
      cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
      cairo_paint (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
      t0 = g_get_monotonic_time ();
      bp_plot_render (BP_PLOT (plot), cr, WIDTH, HEIGHT);
      cairo_surface_flush (surface);
      if (r >= 0)
        ms[r] = (double) (g_get_monotonic_time () - t0) / 1000.0;
      cairo_destroy (cr);
    }
  qsort (ms, (size_t) repeats, sizeof *ms, compare_doubles);
  printf ("%-24s median %6.2f ms   (fastest %.2f, slowest %.2f; %d draws)\n",
          what, ms[repeats / 2], ms[0], ms[repeats - 1], repeats);
  g_free (ms);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  long points = argc > 1 ? atol (argv[1]) : 1000000;
  int repeats = argc > 2 ? atoi (argv[2]) : 60;
  BpLinePlot *plot;
  GRand *rand;
  double walk = 0;

  if (points < 1 || repeats < 1)
    {
      fprintf (stderr, "usage: bench-plot [POINTS [REPEATS]]\n");
      return 2;
    }
  if (!gtk_init_check ())
    {
      fprintf (stderr, "bench-plot: no display (run it under xvfb-run)\n");
      return 1;
    }

  plot = g_object_ref_sink (bp_line_plot_new ());
  bp_plot_set_title (BP_PLOT (plot), "Loss");
  bp_plot_set_labels (BP_PLOT (plot), "step", "loss");
  bp_line_plot_add_series (plot, "training", 0, FALSE);
  rand = g_rand_new_with_seed (1);
  for (long i = 0; i < points; i++)
    {
      double t = (double) i / (double) points;

      /* A decaying loss with a slow random walk and per-step noise. */
      walk += g_rand_double_range (rand, -1, 1) * 1e-3;
      bp_line_plot_append (plot, 0, (double) i,
                           2.3 * exp (-4 * t) + 0.1 + 0.05 * fabs (walk)
                           + 0.15 * g_rand_double (rand));
    }
  g_rand_free (rand);

  printf ("%ld points at %d × %d\n", points, WIDTH, HEIGHT);
  bench (plot, "raw", repeats);
  bp_line_plot_set_smoothing (plot, 0.6);
  bench (plot, "smoothing 0.6", repeats);
  bp_plot_set_log_y (BP_PLOT (plot), TRUE);
  bench (plot, "smoothing 0.6, log y", repeats);
  bp_line_plot_set_smoothing (plot, 0);
  bench (plot, "raw, log y", repeats);

  g_object_unref (plot);
  return 0;
}
