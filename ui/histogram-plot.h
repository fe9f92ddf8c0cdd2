/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "plot.h"
#include "stats.h"

G_BEGIN_DECLS

/* Histograms of one quantity (a layer's weights, gradients or activations)
 * over time, drawn as a stack of outlines offset upwards, newest in front
 * and darkest, as TensorBoard's "offset" view: the x axis is the value
 * (the union of the kept histograms' ranges), the y axis the step,
 * growing downwards, labelled at round steps between the oldest and the
 * newest. Each outline joins the bins' centres at their density, count /
 * (count of all · bin width), on one scale for all, filled with a
 * translucent colour and hiding the older ones behind it; older ones are
 * lighter. A histogram whose values were all equal is a spike. Keeps the
 * newest max-history histograms (default 30; property "max-history").
 * Steps are expected to grow; clear between runs. log-y does not apply. */
#define BP_TYPE_HISTOGRAM_PLOT (bp_histogram_plot_get_type ())
G_DECLARE_FINAL_TYPE (BpHistogramPlot, bp_histogram_plot, BP, HISTOGRAM_PLOT, BpPlot)

BpHistogramPlot *bp_histogram_plot_new (void);

/* Adds a histogram taken at @step (its counts are copied) as the newest,
 * dropping the oldest beyond max-history. Histograms without values (no
 * bins, all counts 0, a non-finite range) are ignored. */
void bp_histogram_plot_add (BpHistogramPlot    *self,
                            guint64             step,
                            const nn_histogram *histogram);

guint bp_histogram_plot_get_n_histograms (BpHistogramPlot *self);
void bp_histogram_plot_clear (BpHistogramPlot *self);

guint bp_histogram_plot_get_max_history (BpHistogramPlot *self);
void bp_histogram_plot_set_max_history (BpHistogramPlot *self,
                                        guint            max);

/* Draws in palette colour @color (default 0), e.g. one per quantity. */
void bp_histogram_plot_set_color (BpHistogramPlot *self,
                                  guint            color);

G_END_DECLS
