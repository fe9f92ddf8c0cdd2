/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "plot-axis.h"

G_BEGIN_DECLS

#define BP_PLOT_ERROR (bp_plot_error_quark ())
GQuark bp_plot_error_quark (void);

typedef enum
{
  BP_PLOT_ERROR_SIZE,     /* an export size out of range */
  BP_PLOT_ERROR_DRAW,     /* Cairo could not draw or encode the file */
} BpPlotError;

typedef enum
{
  BP_PLOT_FORMAT_PNG,
  BP_PLOT_FORMAT_SVG,
  BP_PLOT_FORMAT_PDF,
} BpPlotFormat;

/* Where a plot draws its data: the plot area in the widget (or export
 * surface) and the axes that map data to it. */
typedef struct
{
  double  x;        /* left */
  double  y;        /* top */
  double  width;
  double  height;
  bp_axis x_axis;
  bp_axis y_axis;
} BpPlotArea;

/* The base of every plot: a GtkWidget that draws, with Cairo in its
 * snapshot, a title, axes with ticks and labels, a legend and the data a
 * subclass draws; shows a readout of the point under the pointer; and
 * exports the same drawing to PNG, SVG or PDF. Colours come from the
 * widget's CSS: its color for text and axes, and the named colours
 * plot_series_0 … plot_series_7 (@define-color) for the series, with
 * GNOME's palette where the CSS defines none (blue, orange, green, purple,
 * red, yellow, brown, teal); plot_marker for a line plot's marker (else
 * red) and, for the hover label's background, view_bg_color or
 * theme_base_color when defined. The CSS node is "plot", with the style
 * class "line-plot" or "histogram-plot".
 *
 * Accessible as an image labelled with its title. Properties: "title",
 * "x-label", "y-label", "log-y" (bindable, e.g. to a toggle). */
#define BP_TYPE_PLOT (bp_plot_get_type ())
G_DECLARE_DERIVABLE_TYPE (BpPlot, bp_plot, BP, PLOT, GtkWidget)

struct _BpPlotClass
{
  GtkWidgetClass parent_class;

  /* The data's extent; FALSE when there is nothing to draw. With log-y
   * on, y_lo is the smallest positive value where there is one. y_lo
   * above y_hi asks for a y axis that grows downwards. */
  gboolean (*get_bounds)     (BpPlot *self,
                              double *x_lo,
                              double *x_hi,
                              double *y_lo,
                              double *y_hi);
  /* Draws the data into @area (clipped to it). */
  void     (*draw_data)      (BpPlot           *self,
                              cairo_t          *cr,
                              const BpPlotArea *area);
  /* The legend's entries: their number, and each one's name, colour and
   * whether its line is dashed. */
  guint    (*n_legend)       (BpPlot *self);
  void     (*legend_entry)   (BpPlot      *self,
                              guint        i,
                              const char **name,
                              GdkRGBA     *color,
                              gboolean    *dashed);
  /* A short description of the data nearest data coordinates (x, y),
   * one item a line ('\n' between lines), or NULL; shown while the
   * pointer hovers. */
  char    *(*describe_point) (BpPlot *self,
                              double  x,
                              double  y);
  /* Up to @max tick values for the y axis, in increasing order; by
   * default bp_axis_ticks. */
  gsize    (*y_ticks)        (BpPlot        *self,
                              const bp_axis *axis,
                              gsize          max,
                              double        *ticks);

  /* How the axes meet the bounds: fitted by bp_axis_fit (margins, round
   * ends) or exactly the bounds (a single value is still fitted). The
   * defaults: x exact (steps), y fitted. */
  gboolean fit_x;
  gboolean fit_y;
};

const char *bp_plot_get_title (BpPlot *self);
void bp_plot_set_title (BpPlot     *self,
                        const char *title);
void bp_plot_set_labels (BpPlot     *self,
                         const char *x_label,
                         const char *y_label);
gboolean bp_plot_get_log_y (BpPlot *self);
void bp_plot_set_log_y (BpPlot   *self,
                        gboolean  log_y);

/* Series colour @i (wrapping over the palette) as the CSS gives it. */
void bp_plot_series_color (BpPlot  *self,
                           guint    i,
                           GdkRGBA *color);

/* Tells the plot its data changed: recomputes the axes and redraws (at
 * the next frame, however often it is called). */
void bp_plot_data_changed (BpPlot *self);

/* Draws the whole plot, with axes and legend (not the hover readout),
 * into @cr at @width × @height, on a transparent background. */
void bp_plot_render (BpPlot  *self,
                     cairo_t *cr,
                     double   width,
                     double   height);

/* The plot area and axes that a render at @width × @height uses (for
 * tests and for placing things over the plot). FALSE when there is no
 * data to draw, with the area's rectangle still filled in. */
gboolean bp_plot_get_area (BpPlot     *self,
                           double      width,
                           double      height,
                           BpPlotArea *area);

/* The hover readout for data coordinates (x, y), or NULL: what the plot
 * shows while the pointer is there, lines separated by '\n'. Free with
 * g_free. */
char *bp_plot_describe_point (BpPlot *self,
                              double  x,
                              double  y);

/* For subclasses, inside draw_data: the pointer's data coordinates when
 * this draw shows the hover readout and the pointer is over the plot
 * area. Exports never show it. */
gboolean bp_plot_get_hover (BpPlot *self,
                            double *x,
                            double *y);

/* For subclasses, inside draw_data: the colour of text and axes in this
 * draw (an export onto white uses a dark one if the CSS colour is light). */
void bp_plot_get_foreground (BpPlot  *self,
                             GdkRGBA *color);

/* Writes the plot to @path as @format at @width × @height (pixels for PNG
 * and SVG, points for PDF), laid out as on screen at that size (the
 * widget's font), replacing the file atomically. PNG is drawn on white;
 * SVG and PDF on a transparent page, all with the colours the CSS gives
 * now, text and axes made dark if they would not read on white. Errors:
 * G_IO_ERROR from the file system, BP_PLOT_ERROR_SIZE (a side outside 1 …
 * 16384), BP_PLOT_ERROR_DRAW; the message names the file. */
gboolean bp_plot_export (BpPlot        *self,
                         const char    *path,
                         BpPlotFormat   format,
                         int            width,
                         int            height,
                         GError       **error);

/* bp_plot_export of the plot laid out at @width × @height and magnified
 * @scale times (the file is width·scale × height·scale, rounded): a PNG at
 * scale 2 is the on-screen plot, text included, at twice the pixels. */
gboolean bp_plot_export_scaled (BpPlot        *self,
                                const char    *path,
                                BpPlotFormat   format,
                                int            width,
                                int            height,
                                double         scale,
                                GError       **error);

/* The format a file name's extension asks for (.png, .svg, .pdf). */
gboolean bp_plot_format_from_path (const char   *path,
                                   BpPlotFormat *format);

G_END_DECLS
