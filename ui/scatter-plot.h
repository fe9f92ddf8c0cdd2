/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "plot.h"

G_BEGIN_DECLS

/* How a set of points is drawn. */
typedef enum
{
  BP_SCATTER_DOT,       /* a small filled dot, a little transparent (many points) */
  BP_SCATTER_OUTLINED,  /* a filled dot with a thin dark outline (over a coloured plane) */
  BP_SCATTER_RING,      /* a ring (held-out points) */
} BpScatterStyle;

/* Points in the plane — predicted against actual, residuals, a data set's
 * two features — drawn as dots or rings coloured by class (the series
 * palette), by value (a diverging map from series colour 0, blue, through
 * white to series colour 1, orange) or in one series colour, over an
 * optional raster of cells (a model's prediction over the plane: each cell
 * in its class's colour at its own opacity, or a value as the diverging
 * map's hue at an opacity growing from the middle of the range), with
 * dashed reference lines y = a·x + b. The axes fit the points with round
 * ends (optionally the same range on both), or take fixed bounds exactly.
 * Hovering reads out the nearest point and the raster cell under the
 * pointer. The CSS style class is "scatter-plot". */
#define BP_TYPE_SCATTER_PLOT (bp_scatter_plot_get_type ())
G_DECLARE_FINAL_TYPE (BpScatterPlot, bp_scatter_plot, BP, SCATTER_PLOT, BpPlot)

BpScatterPlot *bp_scatter_plot_new (void);

/* Removes the points, lines and raster (not the classes, bounds or value
 * range); redraws. */
void bp_scatter_plot_clear (BpScatterPlot *self);

/* Adds @n points (x[i], y[i]), copied, named @name in the readout and
 * drawn in @style: in palette colour classes[i] when @classes is given,
 * else by values[i] through the diverging map when @values is given, else
 * in palette colour @color. Non-finite points are skipped. */
void bp_scatter_plot_add_points (BpScatterPlot  *self,
                                 const char     *name,
                                 const float    *x,
                                 const float    *y,
                                 gsize           n,
                                 const gint32   *classes,
                                 const float    *values,
                                 guint           color,
                                 BpScatterStyle  style);

/* A dashed line y = @slope · x + @intercept across the plot, in the text
 * colour, listed in the legend as @name. */
void bp_scatter_plot_add_line (BpScatterPlot *self,
                               const char    *name,
                               double         slope,
                               double         intercept);

/* Axes of exactly [x_lo, x_hi] × [y_lo, y_hi]; x_lo ≥ x_hi goes back to
 * fitting the points. */
void bp_scatter_plot_set_bounds (BpScatterPlot *self,
                                 double         x_lo,
                                 double         x_hi,
                                 double         y_lo,
                                 double         y_hi);

/* Fitted axes spanning the same range (predicted against actual, so that
 * y = x is the diagonal). */
void bp_scatter_plot_set_equal_axes (BpScatterPlot *self,
                                     gboolean       equal);

/* The values the diverging map spans: @lo blue, the middle white, @hi
 * orange (values outside are clamped). */
void bp_scatter_plot_set_value_range (BpScatterPlot *self,
                                      double         lo,
                                      double         hi);

/* Names the classes 0 … k − 1 (copied; NULL entries or @names NULL: the
 * numbers) for the readout, and lists them in the legend (up to 12). */
void bp_scatter_plot_set_classes (BpScatterPlot     *self,
                                  gsize              k,
                                  const char *const *names);

/* A raster of @cols × @rows cells over [x_lo, x_hi] × [y_lo, y_hi], row 0
 * at the top (y_hi), drawn under the points with bilinear smoothing: cell
 * i in palette colour classes[i] at opacity alpha[i] ∈ [0, 1], or, with
 * @classes NULL, values[i] through the diverging map. Copied. @cols or
 * @rows 0 removes it. */
void bp_scatter_plot_set_raster (BpScatterPlot *self,
                                 guint          cols,
                                 guint          rows,
                                 double         x_lo,
                                 double         x_hi,
                                 double         y_lo,
                                 double         y_hi,
                                 const gint32  *classes,
                                 const float   *alpha,
                                 const float   *values);

/* The colour the plot gives class @c (the palette, wrapping) and value
 * @v (the diverging map, opaque, as points are drawn). */
void bp_scatter_plot_class_color (BpScatterPlot *self,
                                  gint32         c,
                                  GdkRGBA       *color);
void bp_scatter_plot_value_color (BpScatterPlot *self,
                                  double         v,
                                  GdkRGBA       *color);

G_END_DECLS
