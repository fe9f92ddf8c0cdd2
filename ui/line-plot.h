/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "plot.h"

G_BEGIN_DECLS

/* Curves of (x, y) points — loss and accuracy by step or epoch, gradient
 * norms per layer — with a log-y option, EMA smoothing drawn over the raw
 * curve drawn faint, and per-pixel-column decimation, so a million points
 * redraw in a few milliseconds. Points are appended in increasing x.
 *
 * The x axis spans the shown series' points exactly; the y axis is fitted
 * with margins and round ends (whole decades with log-y). NaN and ±Inf
 * (and values ≤ 0 with log-y) are skipped, the line joining their
 * neighbours. The legend lists the visible series. Hovering shows a
 * crosshair at the nearest point's x, a dot on each curve and a readout:
 * the x label and x, then a line per visible series, "NAME VALUE" (the
 * smoothed value and "(raw V)" while smoothing; "at X" when that series'
 * nearest point lies at another x). Property "smoothing" (bindable).
 * Appending does not redraw: call bp_plot_data_changed after a batch. */
#define BP_TYPE_LINE_PLOT (bp_line_plot_get_type ())
G_DECLARE_FINAL_TYPE (BpLinePlot, bp_line_plot, BP, LINE_PLOT, BpPlot)

BpLinePlot *bp_line_plot_new (void);

/* Adds a visible, empty series (drawn in palette colour @color, i.e. CSS
 * plot_series_<color % 8>, dashed or not, e.g. validation curves) and
 * returns its index, counting from 0 in the order added. */
guint bp_line_plot_add_series (BpLinePlot *self,
                               const char *name,
                               guint       color,
                               gboolean    dashed);
guint bp_line_plot_get_n_series (BpLinePlot *self);

/* Appends a point to series @series (x not below the last one's). */
void bp_line_plot_append (BpLinePlot *self,
                          guint       series,
                          double      x,
                          double      y);

/* The points of a series (owned by the plot). */
gsize bp_line_plot_get_points (BpLinePlot    *self,
                               guint          series,
                               const double **x,
                               const double **y);

/* Removes every point (and with @series_too every series); redraws. */
void bp_line_plot_clear (BpLinePlot *self,
                         gboolean    series_too);

/* Hides or shows a series: hidden ones leave the axes, legend and readout. */
void bp_line_plot_set_series_visible (BpLinePlot *self,
                                      guint       series,
                                      gboolean    visible);

/* EMA weight in [0, 0.999] (bp_smooth_ema, TensorBoard's debiased
 * smoothing); 0 draws the raw curves only. Applies to every series. */
double bp_line_plot_get_smoothing (BpLinePlot *self);
void bp_line_plot_set_smoothing (BpLinePlot *self,
                                 double      weight);

/* A vertical marker at x (NAN: none), e.g. the step a finding began. */
double bp_line_plot_get_marker (BpLinePlot *self);
void bp_line_plot_set_marker (BpLinePlot *self,
                              double      x);

G_END_DECLS
