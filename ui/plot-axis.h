/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The maths behind the plots, free of GTK so that it is tested without a
 * display: data ranges to pixels, tick positions and labels, smoothing and
 * per-pixel-column decimation. */

/* A value range drawn along one axis; log axes need lo > 0. lo may be
 * above hi: the axis then runs the other way (lo is still drawn at p0). */
typedef struct
{
  double lo;
  double hi;
  bool   log;
} bp_axis;

/* Widens [lo, hi] (a data range, possibly empty or a single value) to a
 * range with a little margin whose ends are round numbers; on a log axis
 * (axis->log, set by the caller) to whole decades, ignoring values ≤ 0.
 *
 * Linear: a margin of 3 % of the span on each side, then the ends rounded
 * outwards to a multiple of a 1-2-5 unit near span / 20 (data [−1, 1] gives
 * [−1.1, 1.1]); a range that starts at or above 0 does not go below 0
 * (data [0, 1] gives [0, 1.05]).
 * A single value v gets [v − |v|/10, v + |v|/10] ([−1, 1] for 0). Log: lo
 * and hi widened to the decades around them; a data_lo ≤ 0 counts as one
 * decade below data_hi, so the caller passes the smallest positive value
 * when it has one. Only one finite end counts as a single value. Returns
 * false when there is nothing to show (lo > hi, no finite value, or
 * data_hi ≤ 0 on a log axis); the axis is then left as it was. */
bool bp_axis_fit (bp_axis *axis,
                  double   data_lo,
                  double   data_hi);

/* The pixel of value @v on @axis drawn from @p0 (at lo) to @p1 (at hi);
 * values ≤ 0 on a log axis map below p0's side by a large finite amount. */
double bp_axis_to_pixel (const bp_axis *axis,
                         double         v,
                         double         p0,
                         double         p1);

/* The value at pixel @p: the inverse of bp_axis_to_pixel. */
double bp_axis_from_pixel (const bp_axis *axis,
                           double         p,
                           double         p0,
                           double         p1);

/* Up to @max "nice" tick values inside the axis (1, 2, 2.5, 5 × 10ⁿ steps; on a
 * log axis 1, 2 and 5 × 10ⁿ when three a decade fit, else powers of ten,
 * thinned to every 2nd, 3rd… decade to fit, or linear ticks when no power
 * of ten lies inside) into @ticks, in
 * increasing order; returns how many. The step of linear ticks is the
 * smallest such step that gives at most @max: [0, 1] with 6 gives 0, 0.2,
 * 0.4, 0.6, 0.8, 1 (each the double nearest to k/5, so 0.6 is 0.6). */
size_t bp_axis_ticks (const bp_axis *axis,
                      size_t         max,
                      double        *ticks);

/* A short label for tick @v among ticks spaced @step apart (linear) or on
 * a log axis ("0.5", "1e−3", "10k"…): as many decimals as @step needs,
 * trailing zeros dropped, SI suffixes k M G from 10⁴ up (or from a step of
 * 1000), scientific below 10⁻³, and a real minus sign (U+2212). Powers of
 * ten on a log axis: 0.001 … 1000 written out, then 10k … 100G, else 1eN;
 * other values on a log axis with up to three significant digits. */
void bp_axis_format (const bp_axis *axis,
                     double         v,
                     double         step,
                     char          *buf,
                     size_t         len);

/* @v for a readout: whole numbers (steps, epochs, counts) in full below
 * 10¹⁵, else @digits significant digits ("%.*g"); a real minus sign
 * (U+2212), "NaN", "∞". */
void bp_format_value (double  v,
                      int     digits,
                      char   *buf,
                      size_t  len);

/* Widens [@lo, @hi] by @fraction of its span on each side, or, when it
 * is empty or not finite, to ±0.5 around @lo (0 when that is not finite
 * either): a data range made into a plot's. */
void bp_pad_range (double *lo,
                   double *hi,
                   double  fraction);

/* TensorBoard's debiased exponential moving average: out[i] is the
 * average of y[0..i] with weights @weight^(i−j), divided by
 * 1 − weight^(i+1), so the curve starts on the data. @weight in [0, 1);
 * 0 (or anything outside) copies. Non-finite values are passed through and
 * skipped (i counts the finite ones). @out may be @y. */
void bp_smooth_ema (const double *y,
                    size_t        n,
                    double        weight,
                    double       *out);

/* Per-pixel-column min/max decimation of a series sorted by x: for each of
 * @columns columns spanning [x_lo, x_hi), the min and max of the finite y
 * whose x falls in it, and whether any did; points outside the span are
 * skipped. A point belongs to column ⌊(x − x_lo) · columns / (x_hi − x_lo)⌋
 * (the last column when rounding says @columns). Drawing a vertical
 * segment per column draws what drawing every point would, with O(columns)
 * path elements instead of O(n); the pass itself finds column boundaries
 * by bisection and is a branch-free min/max over each column's points.
 * Returns the number of columns with points. */
size_t bp_decimate (const double *x,
                    const double *y,
                    size_t        n,
                    double        x_lo,
                    double        x_hi,
                    size_t        columns,
                    double       *col_min,
                    double       *col_max,
                    bool         *present);

/* bp_decimate for a log y axis: only finite y > 0 count. */
size_t bp_decimate_positive (const double *x,
                             const double *y,
                             size_t        n,
                             double        x_lo,
                             double        x_hi,
                             size_t        columns,
                             double       *col_min,
                             double       *col_max,
                             bool         *present);

/* The index of the point of a sorted @x nearest to @v (for hover readouts);
 * n > 0. */
size_t bp_nearest (const double *x,
                   size_t        n,
                   double        v);
