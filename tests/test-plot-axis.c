/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "plot-axis.h"

/* Axis ends and ticks are built as k · m / 10ⁿ with one rounding, so they
 * equal the decimal literal they stand for; pixel round trips go through
 * log10 and pow and lose a few ulps. */
#define RTOL 1e-12

static void
assert_close (double got,
              double want)
{
  double tol = RTOL * fmax (1.0, fabs (want));

  if (!(fabs (got - want) <= tol))
    {
      g_test_message ("got %.17g, want %.17g", got, want);
      g_assert_cmpfloat_with_epsilon (got, want, tol);
    }
}

static void
assert_fit (bool   log,
            double data_lo,
            double data_hi,
            double want_lo,
            double want_hi)
{
  bp_axis a = { .log = log };

  g_assert_true (bp_axis_fit (&a, data_lo, data_hi));
  g_assert_cmpfloat (a.lo, ==, want_lo);
  g_assert_cmpfloat (a.hi, ==, want_hi);
}

/* Linear: 3 % of the span each side, then out to a multiple of the 1-2-5
 * unit at or above span / 20; [−1, 1]: unit 0.1, margin 0.06. */
static void
test_fit_margins (void)
{
  assert_fit (false, -1, 1, -1.1, 1.1);
  /* [3, 7]: unit 0.2, margin 0.12 → [2.88, 7.12] → [2.8, 7.2]. */
  assert_fit (false, 3, 7, 2.8, 7.2);
  /* Starting at or above 0, the range does not go below 0. */
  assert_fit (false, 0, 1, 0, 1.05);
  assert_fit (false, 0.1, 2.3, 0, 2.4);
  /* Large and negative: [−5000, −1000], unit 200, margin 120. */
  assert_fit (false, -5000, -1000, -5200, -800);
}

/* On random ranges: the data plus 3 % fit inside, the ends are multiples
 * of the unit, and no more than a unit is added past the margin. */
static void
test_fit_round_ends (void)
{
  GRand *rand = g_rand_new_with_seed (42);

  for (int i = 0; i < 2000; i++)
    {
      double scale = pow (10, g_rand_double_range (rand, -6, 6));
      double lo = g_rand_double_range (rand, -1, 1) * scale;
      double hi = lo + g_rand_double_range (rand, 0.001, 2) * scale;
      double span = hi - lo, unit = 1;
      bp_axis a = { 0 };

      g_assert_true (bp_axis_fit (&a, lo, hi));
      /* The unit the fit uses: the smallest 1-2-5 × 10ⁿ ≥ span / 20. */
      for (int e = (int) floor (log10 (span / 20)) - 1;; e++)
        {
          double m[] = { 1, 2, 5 }, u = 0;

          for (int k = 0; k < 3 && u == 0; k++)
            if (m[k] * pow (10, e) >= span / 20 * (1 - 1e-9))
              u = m[k] * pow (10, e);
          if (u != 0)
            {
              unit = u;
              break;
            }
        }
      if (lo >= 0)
        g_assert_cmpfloat (a.lo, >=, 0);
      g_assert_true (a.lo <= lo - 0.03 * span * (1 - 1e-9) || (lo >= 0 && a.lo == 0));
      g_assert_cmpfloat (a.hi, >=, hi + 0.03 * span * (1 - 1e-9));
      g_assert_cmpfloat (a.hi, <=, hi + 0.03 * span + unit * (1 + 1e-9));
      g_assert_cmpfloat (fabs (a.lo / unit - round (a.lo / unit)), <, 1e-6);
      g_assert_cmpfloat (fabs (a.hi / unit - round (a.hi / unit)), <, 1e-6);
    }
  g_rand_free (rand);
}

static void
test_fit_single (void)
{
  assert_fit (false, 0.5, 0.5, 0.45, 0.55);
  assert_fit (false, -3, -3, -3.3, -2.7);
  assert_fit (false, 0, 0, -1, 1);
  /* One finite end is a single value. */
  assert_fit (false, NAN, 4, 3.6, 4.4);
  assert_fit (false, 4, INFINITY, 3.6, 4.4);
}

static void
test_fit_empty (void)
{
  bp_axis a = { .lo = 7, .hi = 8 };

  g_assert_false (bp_axis_fit (&a, NAN, NAN));
  g_assert_false (bp_axis_fit (&a, INFINITY, -INFINITY));
  g_assert_false (bp_axis_fit (&a, 2, 1));
  /* Left as it was. */
  g_assert_cmpfloat (a.lo, ==, 7);
  g_assert_cmpfloat (a.hi, ==, 8);
}

static void
test_fit_log (void)
{
  assert_fit (true, 0.05, 2.3, 0.01, 10);
  assert_fit (true, 1e-3, 1, 1e-3, 1);
  assert_fit (true, 3e-7, 4e5, 1e-7, 1e6);
  /* A value inside a decade gets that decade; a power of ten alone the
   * decades on either side. */
  assert_fit (true, 5, 5, 1, 10);
  assert_fit (true, 1, 1, 0.1, 10);
}

static void
test_fit_log_nonpositive (void)
{
  bp_axis a = { .log = true };

  /* data_lo ≤ 0 counts as a decade below data_hi: 50 → [5, 50] → [1, 100]. */
  assert_fit (true, 0, 50, 1, 100);
  assert_fit (true, -3, 50, 1, 100);
  g_assert_false (bp_axis_fit (&a, -1, -0.5));
  g_assert_false (bp_axis_fit (&a, 0, 0));
}

static void
test_pixels (void)
{
  bp_axis lin = { .lo = -1.1, .hi = 1.1 };
  bp_axis lg = { .lo = 0.01, .hi = 10, .log = true };
  bp_axis rev = { .lo = 500, .hi = 100 };

  /* y axes run from the bottom (p0) to the top (p1). */
  assert_close (bp_axis_to_pixel (&lin, -1.1, 400, 10), 400);
  assert_close (bp_axis_to_pixel (&lin, 1.1, 400, 10), 10);
  assert_close (bp_axis_to_pixel (&lin, 0, 400, 10), 205);
  /* Three decades over 300 px: 100 px each. */
  assert_close (bp_axis_to_pixel (&lg, 0.1, 300, 0), 200);
  assert_close (bp_axis_to_pixel (&lg, 1, 300, 0), 100);
  assert_close (bp_axis_to_pixel (&lg, sqrt (10), 300, 0), 50);
  assert_close (bp_axis_from_pixel (&lg, 200, 300, 0), 0.1);
  /* Values ≤ 0 on a log axis land far beyond p0, but finite. */
  g_assert_cmpfloat (bp_axis_to_pixel (&lg, 0, 300, 0), >, 300 + 1000);
  g_assert_true (isfinite (bp_axis_to_pixel (&lg, -5, 300, 0)));
  g_assert_true (isnan (bp_axis_to_pixel (&lg, NAN, 300, 0)));
  /* A reversed axis: lo still at p0. */
  assert_close (bp_axis_to_pixel (&rev, 500, 300, 0), 300);
  assert_close (bp_axis_to_pixel (&rev, 200, 300, 0), 75);

  for (int i = 0; i <= 100; i++)
    {
      double p = 400 - 3.9 * i;

      assert_close (bp_axis_to_pixel (&lin, bp_axis_from_pixel (&lin, p, 400, 10), 400, 10), p);
      assert_close (bp_axis_to_pixel (&lg, bp_axis_from_pixel (&lg, p, 400, 10), 400, 10), p);
      assert_close (bp_axis_to_pixel (&rev, bp_axis_from_pixel (&rev, p, 400, 10), 400, 10), p);
    }
}

static void
assert_ticks (const bp_axis *a,
              size_t         max,
              const double  *want,
              size_t         n_want)
{
  double ticks[64];
  size_t n = bp_axis_ticks (a, max, ticks);

  g_assert_cmpuint (n, ==, n_want);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (ticks[i], ==, want[i]);
}

static void
test_ticks (void)
{
  bp_axis unit = { .lo = 0, .hi = 1 };
  bp_axis sym = { .lo = -1.1, .hi = 1.1 };
  bp_axis rev = { .lo = 1, .hi = 0 };
  static const double fifths[] = { 0, 0.2, 0.4, 0.6, 0.8, 1 };
  static const double tenths[] = { 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1 };
  static const double quarters_01[] = { 0, 0.25, 0.5, 0.75, 1 };
  static const double halves[] = { 0, 0.5, 1 };
  static const double sym_want[] = { -1, -0.5, 0, 0.5, 1 };
  bp_axis narrow = { .lo = -0.45, .hi = 0.45 };
  static const double quarters[] = { -0.25, 0, 0.25 };
  GRand *rand = g_rand_new_with_seed (7);

  assert_ticks (&unit, 6, fifths, 6);
  assert_ticks (&unit, 11, tenths, 11);
  assert_ticks (&unit, 5, quarters_01, 5);
  assert_ticks (&unit, 4, halves, 3);
  assert_ticks (&sym, 6, sym_want, 5);
  assert_ticks (&rev, 6, fifths, 6);
  g_assert_cmpuint (bp_axis_ticks (&unit, 0, NULL), ==, 0);

  /* A narrow range: 2.5 × 10ⁿ rather than a lone 0. */
  assert_ticks (&narrow, 3, quarters, 3);

  /* On random ranges: at most max, inside, evenly spaced by a 1-2-2.5-5 step. */
  for (int i = 0; i < 2000; i++)
    {
      double scale = pow (10, g_rand_double_range (rand, -5, 5));
      bp_axis a = { .lo = g_rand_double_range (rand, -1, 1) * scale };
      size_t max = (size_t) g_rand_int_range (rand, 2, 12);
      double ticks[16];
      size_t n;

      a.hi = a.lo + g_rand_double_range (rand, 0.01, 3) * scale;
      n = bp_axis_ticks (&a, max, ticks);
      g_assert_cmpuint (n, <=, max);
      g_assert_cmpuint (n, >=, 1);
      for (size_t k = 0; k < n; k++)
        {
          g_assert_cmpfloat (ticks[k], >=, a.lo - 1e-9 * scale);
          g_assert_cmpfloat (ticks[k], <=, a.hi + 1e-9 * scale);
        }
      if (n >= 2)
        {
          double step = ticks[1] - ticks[0];
          double m = step / pow (10, floor (log10 (step) + 1e-9));

          g_assert_true (fabs (m - 1) < 1e-6 || fabs (m - 2) < 1e-6 || fabs (m - 2.5) < 1e-6
                         || fabs (m - 5) < 1e-6);
          for (size_t k = 1; k < n; k++)
            g_assert_cmpfloat (fabs (ticks[k] - ticks[k - 1] - step), <, 1e-6 * step);
        }
    }
  g_rand_free (rand);
}

static void
test_ticks_log (void)
{
  bp_axis a = { .lo = 0.01, .hi = 10, .log = true };
  bp_axis wide = { .lo = 1e-6, .hi = 1e6, .log = true };
  bp_axis inside = { .lo = 2, .hi = 8, .log = true };
  bp_axis semi = { .lo = 0.1, .hi = 10, .log = true };
  static const double decades[] = { 0.01, 0.1, 1, 10 };
  static const double decades_125[] = { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10 };
  static const double one_two_five[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10 };
  static const double thinned[] = { 1e-6, 1e-3, 1, 1e3, 1e6 };
  static const double linear[] = { 2, 4, 6, 8 };
  double ticks[8];

  /* 1, 2, 5 in each decade when all fit, else the decades. */
  assert_ticks (&a, 10, decades_125, 10);
  assert_ticks (&a, 9, decades, 4);
  assert_ticks (&semi, 10, one_two_five, 7);
  /* 13 decades into 5: every third, on multiples of three. */
  assert_ticks (&wide, 5, thinned, 5);
  /* No power of ten inside: linear ticks. */
  assert_ticks (&inside, 6, linear, 4);
  g_assert_cmpuint (bp_axis_ticks (&a, 2, ticks), <=, 2);
}

static void
assert_label (bool        log,
              double      v,
              double      step,
              const char *want)
{
  bp_axis a = { .lo = 1, .hi = 10, .log = log };
  char buf[32];

  bp_axis_format (&a, v, step, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, want);
}

static void
test_labels (void)
{
  assert_label (false, 0, 0.2, "0");
  assert_label (false, 0.2, 0.2, "0.2");
  assert_label (false, 0.6000000000000001, 0.2, "0.6");
  assert_label (false, 1, 0.2, "1");
  assert_label (false, 0.25, 0.05, "0.25");
  assert_label (false, 0.5, 0.25, "0.5");
  assert_label (false, 0.75, 0.25, "0.75");
  assert_label (false, 7500, 2500, "7.5k");
  assert_label (false, 1.25e-4, 2.5e-5, "1.25e−4");
  assert_label (false, -0.5, 0.5, "−0.5");
  assert_label (false, 2500, 500, "2500");
  assert_label (false, 3000, 1000, "3k");
  assert_label (false, 20000, 5000, "20k");
  assert_label (false, 1.5e6, 5e5, "1.5M");
  assert_label (false, 1e6, 2e5, "1M");
  assert_label (false, 800000, 2e5, "800k");
  assert_label (false, 0.001, 0.001, "0.001");
  assert_label (false, 1e-4, 1e-4, "1e−4");
  assert_label (false, 1.5e-4, 5e-5, "1.5e−4");
  assert_label (false, -2e-5, 1e-5, "−2e−5");
  assert_label (false, 0.9995, 0.0005, "0.9995");
  /* A tick that should be 0 but came out as a rounding residue. */
  assert_label (false, 5.551115123125783e-17, 0.1, "0");

  assert_label (true, 0.01, 0, "0.01");
  assert_label (true, 1, 0, "1");
  assert_label (true, 1000, 0, "1000");
  assert_label (true, 1e4, 0, "10k");
  assert_label (true, 1e6, 0, "1M");
  assert_label (true, 1e-3, 0, "0.001");
  assert_label (true, 1e-4, 0, "1e−4");
  assert_label (true, 1e12, 0, "1e12");
  assert_label (true, 3, 1, "3");
  assert_label (true, 0.2, 0, "0.2");
  assert_label (true, 5e-5, 0, "5e−5");
  assert_label (true, 20000, 0, "20k");
  assert_label (true, 2.5, 0, "2.5");
}

static void
assert_value (double      v,
              int         digits,
              const char *want)
{
  char buf[32];

  bp_format_value (v, digits, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, want);
}

static void
test_format_value (void)
{
  assert_value (1200, 4, "1200");
  assert_value (-3, 4, "−3");
  assert_value (-0.0, 4, "0");
  assert_value (0.123456, 4, "0.1235");
  assert_value (-0.0203125, 3, "−0.0203");
  assert_value (1.5e-7, 4, "1.5e−7");
  assert_value (1e20, 4, "1e20");
  assert_value (NAN, 4, "NaN");
  assert_value (-INFINITY, 4, "−∞");
}

/* The EMA by its definition: Σ w^(i−j) yⱼ / Σ w^(i−j) over the finite yⱼ,
 * which is the debiased recursion written out. */
static void
test_ema (void)
{
  static const double y[] = { 1, 2, NAN, 4 };
  double out[4], direct[64], ys[64], in_place[64];
  GRand *rand = g_rand_new_with_seed (3);

  /* By hand, w = 0.5: 1; (0.5·1 + 2) / 1.5; NaN; (0.25·1 + 0.5·2 + 4) / 1.75. */
  bp_smooth_ema (y, 4, 0.5, out);
  assert_close (out[0], 1);
  assert_close (out[1], 2.5 / 1.5);
  g_assert_true (isnan (out[2]));
  assert_close (out[3], 3);

  bp_smooth_ema (y, 4, 0, out);
  g_assert_cmpfloat (out[1], ==, 2);
  g_assert_cmpfloat (out[3], ==, 4);

  for (int r = 0; r < 20; r++)
    {
      double w = g_rand_double_range (rand, 0, 0.99);

      for (int i = 0; i < 64; i++)
        ys[i] = in_place[i] = g_rand_int_range (rand, 0, 10) == 0
                              ? INFINITY : g_rand_double_range (rand, -3, 3);
      for (int i = 0; i < 64; i++)
        {
          double num = 0, den = 0, wk = 1;

          if (!isfinite (ys[i]))
            {
              direct[i] = ys[i];
              continue;
            }
          for (int j = i; j >= 0; j--)
            if (isfinite (ys[j]))
              {
                num += wk * ys[j];
                den += wk;
                wk *= w;
              }
          direct[i] = num / den;
        }
      bp_smooth_ema (in_place, 64, w, in_place);
      for (int i = 0; i < 64; i++)
        {
          if (!isfinite (direct[i]))
            g_assert_cmpfloat (in_place[i], ==, direct[i]);
          else
            g_assert_cmpfloat (fabs (in_place[i] - direct[i]), <, 1e-12);
        }
    }
  g_rand_free (rand);
}

/* Ten points over [0, 10) in five columns of width 2, with points outside
 * the span at both ends and non-finite values inside. */
static void
test_decimate_example (void)
{
  static const double x[] = { -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  static const double y[] = { 100, 1, 3, NAN, 2, NAN, NAN, 5, -4, INFINITY, 7, -100 };
  double lo[5], hi[5];
  bool present[5];

  g_assert_cmpuint (bp_decimate (x, y, 12, 0, 10, 5, lo, hi, present), ==, 4);
  g_assert_true (present[0]);
  g_assert_cmpfloat (lo[0], ==, 1);
  g_assert_cmpfloat (hi[0], ==, 3);
  g_assert_true (present[1]);
  g_assert_cmpfloat (lo[1], ==, 2);
  g_assert_cmpfloat (hi[1], ==, 2);
  g_assert_false (present[2]);    /* only NaN there */
  g_assert_true (present[3]);
  g_assert_cmpfloat (lo[3], ==, -4);
  g_assert_cmpfloat (hi[3], ==, 5);
  g_assert_true (present[4]);      /* Inf skipped; x = 10 is outside [0, 10) */
  g_assert_cmpfloat (lo[4], ==, 7);
  g_assert_cmpfloat (hi[4], ==, 7);

  /* For a log axis the −4 does not count either. */
  g_assert_cmpuint (bp_decimate_positive (x, y, 12, 0, 10, 5, lo, hi, present), ==, 4);
  g_assert_cmpfloat (lo[3], ==, 5);

  /* Column boundaries: over [0, 1) in 4 columns, 0.25 starts column 1 and
   * 0.2499 is still in column 0. */
  {
    static const double bx[] = { 0, 0.2499, 0.25, 0.5, 0.75, 0.9999 };
    static const double by[] = { 1, 2, 3, 4, 5, 6 };

    g_assert_cmpuint (bp_decimate (bx, by, 6, 0, 1, 4, lo, hi, present), ==, 4);
    g_assert_cmpfloat (lo[0], ==, 1);
    g_assert_cmpfloat (hi[0], ==, 2);
    g_assert_cmpfloat (lo[1], ==, 3);
    g_assert_cmpfloat (hi[1], ==, 3);
    g_assert_cmpfloat (lo[3], ==, 5);
    g_assert_cmpfloat (hi[3], ==, 6);
  }

  /* Nothing to do. */
  g_assert_cmpuint (bp_decimate (x, y, 0, 0, 10, 5, lo, hi, present), ==, 0);
  g_assert_cmpuint (bp_decimate (x, y, 12, 5, 5, 5, lo, hi, present), ==, 0);
  g_assert_false (present[0]);
}

/* Each column's min and max are those of the points a brute-force loop
 * puts there with the formula the header states. */
static void
test_decimate_random (void)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (int r = 0; r < 50; r++)
    {
      size_t n = (size_t) g_rand_int_range (rand, 1, 5000);
      size_t columns = (size_t) g_rand_int_range (rand, 1, 400);
      double x_lo = g_rand_double_range (rand, -10, 10);
      double x_hi = x_lo + g_rand_double_range (rand, 0.1, 20);
      g_autofree double *x = g_new (double, n), *y = g_new (double, n);
      g_autofree double *lo = g_new (double, columns), *hi = g_new (double, columns);
      g_autofree double *blo = g_new (double, columns), *bhi = g_new (double, columns);
      g_autofree bool *present = g_new (bool, columns);
      size_t filled = 0;
      double xv = x_lo - 2;

      for (size_t i = 0; i < n; i++)
        {
          int kind = g_rand_int_range (rand, 0, 40);

          /* Sorted x with repeats; some points exactly on column edges. */
          if (kind == 0)
            xv = x_lo + (x_hi - x_lo) * g_rand_int_range (rand, 0, (int) columns) / (double) columns;
          else if (kind > 5)
            xv += g_rand_double_range (rand, 0, 2.5 * (x_hi - x_lo) / (double) n);
          x[i] = i > 0 && xv < x[i - 1] ? x[i - 1] : xv;
          y[i] = kind == 1 ? NAN : kind == 2 ? -INFINITY : g_rand_double_range (rand, -1, 1);
        }
      for (size_t c = 0; c < columns; c++)
        {
          blo[c] = INFINITY;
          bhi[c] = -INFINITY;
        }
      for (size_t i = 0; i < n; i++)
        {
          double t;
          size_t c;

          if (x[i] < x_lo || x[i] >= x_hi || !isfinite (y[i]))
            continue;
          t = floor ((x[i] - x_lo) * ((double) columns / (x_hi - x_lo)));
          c = t >= (double) columns ? columns - 1 : (size_t) t;
          blo[c] = fmin (blo[c], y[i]);
          bhi[c] = fmax (bhi[c], y[i]);
        }
      for (size_t c = 0; c < columns; c++)
        filled += blo[c] <= bhi[c];

      g_assert_cmpuint (bp_decimate (x, y, n, x_lo, x_hi, columns, lo, hi, present), ==, filled);
      for (size_t c = 0; c < columns; c++)
        {
          g_assert_cmpint (present[c], ==, blo[c] <= bhi[c]);
          if (present[c])
            {
              g_assert_cmpfloat (lo[c], ==, blo[c]);
              g_assert_cmpfloat (hi[c], ==, bhi[c]);
            }
        }
    }
  g_rand_free (rand);
}

static void
test_nearest (void)
{
  static const double x[] = { 0, 1, 2, 4, 8 };
  static const double dup[] = { 0, 1, 1, 1, 3 };

  g_assert_cmpuint (bp_nearest (x, 5, -5), ==, 0);
  g_assert_cmpuint (bp_nearest (x, 5, 0), ==, 0);
  g_assert_cmpuint (bp_nearest (x, 5, 2.9), ==, 2);
  g_assert_cmpuint (bp_nearest (x, 5, 3), ==, 2);     /* a tie: the earlier */
  g_assert_cmpuint (bp_nearest (x, 5, 3.1), ==, 3);
  g_assert_cmpuint (bp_nearest (x, 5, 100), ==, 4);
  g_assert_cmpuint (bp_nearest (x, 1, 100), ==, 0);
  g_assert_cmpuint (bp_nearest (dup, 5, 1.2), ==, 1);
  g_assert_cmpuint (bp_nearest (dup, 5, 0.9), ==, 1);
  g_assert_cmpuint (bp_nearest (dup, 5, 2.5), ==, 4);
}

/* A data range made into a plot's: widened by a share of its span on each
 * side, or to ±0.5 around a single value, or around 0 when not finite. */
static void
test_pad_range (void)
{
  double lo = -1.0, hi = 3.0;

  bp_pad_range (&lo, &hi, 0.05);
  g_assert_cmpfloat (lo, ==, -1.2);
  g_assert_cmpfloat (hi, ==, 3.2);
  lo = hi = 7.0;
  bp_pad_range (&lo, &hi, 0.08);
  g_assert_cmpfloat (lo, ==, 6.5);
  g_assert_cmpfloat (hi, ==, 7.5);
  lo = INFINITY;
  hi = -INFINITY;
  bp_pad_range (&lo, &hi, 0.08);
  g_assert_cmpfloat (lo, ==, -0.5);
  g_assert_cmpfloat (hi, ==, 0.5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/plot-axis/fit/margins", test_fit_margins);
  g_test_add_func ("/ui/plot-axis/pad-range", test_pad_range);
  g_test_add_func ("/ui/plot-axis/fit/round-ends", test_fit_round_ends);
  g_test_add_func ("/ui/plot-axis/fit/single", test_fit_single);
  g_test_add_func ("/ui/plot-axis/fit/empty", test_fit_empty);
  g_test_add_func ("/ui/plot-axis/fit/log", test_fit_log);
  g_test_add_func ("/ui/plot-axis/fit/log-nonpositive", test_fit_log_nonpositive);
  g_test_add_func ("/ui/plot-axis/pixels", test_pixels);
  g_test_add_func ("/ui/plot-axis/ticks", test_ticks);
  g_test_add_func ("/ui/plot-axis/ticks/log", test_ticks_log);
  g_test_add_func ("/ui/plot-axis/labels", test_labels);
  g_test_add_func ("/ui/plot-axis/format-value", test_format_value);
  g_test_add_func ("/ui/plot-axis/ema", test_ema);
  g_test_add_func ("/ui/plot-axis/decimate/example", test_decimate_example);
  g_test_add_func ("/ui/plot-axis/decimate/random", test_decimate_random);
  g_test_add_func ("/ui/plot-axis/nearest", test_nearest);

  return g_test_run ();
}
