/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plot-axis.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Relative slack when deciding on which side of a multiple a quotient
 * falls: 1.0 / 0.2 is 5 exactly, but 0.6 / 0.2 is 2.9999999999999996. */
#define EPS 1e-9

/* Semi-log ticks (1, 2, 5 in each decade) are tried up to this many
 * decades; beyond, they would be more than anyone asks for. */
#define MAX_SEMI_LOG_DECADES 12

#define ARRAY_LEN(a) (sizeof (a) / sizeof (a)[0])

/* Where a log axis puts values ≤ 0: this many axis lengths beyond p0. */
#define LOG_NONPOSITIVE 1000.0

static const double nice_mantissa[] = { 1, 2, 5 };
/* Tick steps may also be 2.5 × 10ⁿ, so that a narrow axis such as
 * [−0.45, 0.45] gets −0.25, 0, 0.25 rather than a lone 0. */
static const double tick_mantissa[] = { 1, 2, 2.5, 5 };

static double
pow10i (int e)
{
  double p = 1.0;

  /* Exact for |e| ≤ 22, where 10^e is a double; the rest is near enough. */
  if (e > 22 || e < -22)
    return pow (10.0, e);
  for (int i = 0; i < (e < 0 ? -e : e); i++)
    p *= 10.0;
  return e < 0 ? 1.0 / p : p;
}

/* j · 10^e with one rounding: for e < 0 a division by the exact 10^−e, so
 * 3 · 2 · 10⁻¹ comes out as the double nearest 0.6. */
static double
scaled (double j,
        int    e)
{
  if (e >= 0 || e < -22)
    return j * pow10i (e);
  return j / pow10i (-e);
}

/* The smallest @mantissa[i] × 10ⁿ step at or above @raw, as mantissa and
 * exponent. */
static void
nice_step_up (double        raw,
              const double *mantissa,
              size_t        n_mantissa,
              double       *m,
              int          *e)
{
  int ex = (int) floor (log10 (raw));

  for (;; ex++)
    for (size_t i = 0; i < n_mantissa; i++)
      if (mantissa[i] * pow10i (ex) >= raw * (1 - EPS))
        {
          *m = mantissa[i];
          *e = ex;
          return;
        }
}

static bool
fit_linear (bp_axis *axis,
            double   lo,
            double   hi)
{
  double span, unit_m, margin, a, b;
  int unit_e;

  if (lo == hi)
    {
      double d = lo != 0 ? fabs (lo) / 10 : 1.0;

      a = lo - d;
      b = hi + d;
      if (!isfinite (a) || !isfinite (b) || !(b > a))
        return false;
      axis->lo = a;
      axis->hi = b;
      return true;
    }
  span = hi - lo;
  if (!isfinite (span))
    {
      /* Beyond what one double spans: show the data as it is. */
      axis->lo = lo;
      axis->hi = hi;
      return true;
    }
  margin = 0.03 * span;
  nice_step_up (span / 20, nice_mantissa, 3, &unit_m, &unit_e);
  a = floor ((lo - margin) / scaled (unit_m, unit_e) + EPS);
  b = ceil ((hi + margin) / scaled (unit_m, unit_e) - EPS);
  a = scaled (a * unit_m, unit_e);
  b = scaled (b * unit_m, unit_e);
  if (lo >= 0 && a < 0)
    a = 0;
  if (!isfinite (a) || !isfinite (b) || !(b > a))
    {
      a = lo;
      b = hi;
    }
  axis->lo = a == 0 ? 0 : a;   /* no −0 */
  axis->hi = b == 0 ? 0 : b;
  return true;
}

static bool
fit_log (bp_axis *axis,
         double   lo,
         double   hi)
{
  int k0, k1;

  if (!(hi > 0) || !isfinite (hi))
    return false;
  if (!(lo > 0))
    lo = hi / 10;
  k0 = (int) floor (log10 (lo) + EPS);
  k1 = (int) ceil (log10 (hi) - EPS);
  if (k1 <= k0)
    {
      /* A power of ten alone, such as 1: the decades on either side. */
      k0--;
      k1 = k0 + 2;
    }
  k0 = k0 < -300 ? -300 : k0;
  k1 = k1 > 300 ? 300 : k1;
  axis->lo = pow10i (k0);
  axis->hi = pow10i (k1);
  return true;
}

bool
bp_axis_fit (bp_axis *axis,
             double   data_lo,
             double   data_hi)
{
  bool lo_ok = isfinite (data_lo), hi_ok = isfinite (data_hi);

  if (!lo_ok && !hi_ok)
    return false;
  if (!lo_ok)
    data_lo = data_hi;
  if (!hi_ok)
    data_hi = data_lo;
  if (data_lo > data_hi)
    return false;
  if (axis->log)
    return fit_log (axis, data_lo, data_hi);
  return fit_linear (axis, data_lo, data_hi);
}

/* The position of @v along the axis, 0 at lo and 1 at hi. */
static double
axis_fraction (const bp_axis *axis,
               double         v)
{
  if (axis->log)
    {
      if (!(v > 0))
        return isnan (v) ? v : -LOG_NONPOSITIVE;
      return (log10 (v) - log10 (axis->lo)) / (log10 (axis->hi) - log10 (axis->lo));
    }
  return (v - axis->lo) / (axis->hi - axis->lo);
}

double
bp_axis_to_pixel (const bp_axis *axis,
                  double         v,
                  double         p0,
                  double         p1)
{
  return p0 + axis_fraction (axis, v) * (p1 - p0);
}

double
bp_axis_from_pixel (const bp_axis *axis,
                    double         p,
                    double         p0,
                    double         p1)
{
  double t = (p - p0) / (p1 - p0);

  if (axis->log)
    {
      double l0 = log10 (axis->lo), l1 = log10 (axis->hi);

      return pow (10.0, l0 + t * (l1 - l0));
    }
  return axis->lo + t * (axis->hi - axis->lo);
}

static size_t
linear_ticks (double  lo,
              double  hi,
              size_t  max,
              double *ticks)
{
  double m;
  int e;

  size_t i;

  /* Below span / (max + 1) a step always gives more than max ticks. */
  nice_step_up ((hi - lo) / (double) (max + 1), tick_mantissa, 4, &m, &e);
  for (i = 0; tick_mantissa[i] != m; i++)
    ;
  for (int guard = 0; guard < 64; guard++)
    {
      double step = scaled (m, e);
      double k0 = ceil (lo / step - EPS), k1 = floor (hi / step + EPS);

      if (k1 - k0 + 1 <= (double) max)
        {
          size_t n = 0;

          for (double k = k0; k <= k1; k++)
            {
              double v = scaled (k * m, e);

              ticks[n++] = fabs (v) < step * EPS ? 0.0 : v;
            }
          return n;
        }
      /* The next step: 1, 2, 2.5, 5, 10… */
      if (++i == 4)
        {
          i = 0;
          e++;
        }
      m = tick_mantissa[i];
    }
  return 0;
}

size_t
bp_axis_ticks (const bp_axis *axis,
               size_t         max,
               double        *ticks)
{
  double lo = fmin (axis->lo, axis->hi), hi = fmax (axis->lo, axis->hi);

  if (max == 0 || !isfinite (lo) || !isfinite (hi))
    return 0;
  if (lo == hi)
    {
      ticks[0] = lo;
      return 1;
    }
  if (axis->log && lo > 0)
    {
      int k0 = (int) ceil (log10 (lo) - EPS), k1 = (int) floor (log10 (hi) + EPS);

      if (k1 >= k0 && k1 - k0 < (int) max && k1 - k0 + 2 <= MAX_SEMI_LOG_DECADES)
        {
          double cand[3 * MAX_SEMI_LOG_DECADES];
          size_t n = 0;

          /* Few decades: 1, 2 and 5 in each, as on semi-log paper, when
           * all of them fit. */
          for (int k = k0 - 1; k <= k1 && n + 3 <= ARRAY_LEN (cand); k++)
            for (size_t i = 0; i < 3; i++)
              {
                double v = scaled (nice_mantissa[i], k);

                if (v >= lo * (1 - EPS) && v <= hi * (1 + EPS))
                  cand[n++] = v;
              }
          if (n <= max)
            {
              memcpy (ticks, cand, n * sizeof *ticks);
              return n;
            }
        }
      if (k1 >= k0)
        {
          int count = k1 - k0 + 1;
          int every = (int) ((count + (int) max - 1) / (int) max);
          size_t n = 0;
          int k = k0;

          /* Thinned decades are multiples of @every (10⁰, 10³, 10⁶…), so
           * they stay put while the range grows. */
          while (((k % every) + every) % every != 0)
            k++;
          for (; k <= k1 && n < max; k += every)
            ticks[n++] = pow10i (k);
          if (n > 0)
            return n;
        }
    }
  return linear_ticks (lo, hi, max, ticks);
}

/* Writes @s to @buf with every '-' as U+2212 (the minus sign). */
static void
copy_with_minus (const char *s,
                 char       *buf,
                 size_t      len)
{
  size_t o = 0;

  if (len == 0)
    return;
  for (; *s != '\0'; s++)
    {
      if (*s == '-')
        {
          if (o + 3 >= len)
            break;
          memcpy (buf + o, "\xe2\x88\x92", 3);
          o += 3;
        }
      else
        {
          if (o + 1 >= len)
            break;
          buf[o++] = *s;
        }
    }
  buf[o] = '\0';
}

/* Drops trailing zeros after a decimal point ("1.50" → "1.5", "2.0" → "2"). */
static void
trim_zeros (char *s)
{
  char *dot = strchr (s, '.'), *end;

  if (dot == NULL)
    return;
  end = dot + strlen (dot);
  while (end > dot + 1 && end[-1] == '0')
    end--;
  if (end == dot + 1)
    end = dot;
  *end = '\0';
}

/* "%.*e" tidied: "1.50e-04" → "1.5e-4". */
static void
format_scientific (double v,
                   int    decimals,
                   char  *out,
                   size_t len)
{
  char tmp[32], *e;
  int ex;

  /* decimals ≤ 6: at most "-d.dddddde-308", well inside tmp. */
  snprintf (tmp, sizeof tmp, "%.*e", decimals, v);
  e = strchr (tmp, 'e');
  if (e == NULL)
    {
      snprintf (out, len, "%s", tmp);
      return;
    }
  ex = atoi (e + 1);
  *e = '\0';
  trim_zeros (tmp);
  snprintf (out, len, "%se%d", tmp, ex);
}

/* The decimals that write multiples of @step exactly: 1 for 0.5, 2 for
 * 0.25, 0 for 250. */
static int
decimals_for (double step)
{
  int d;

  if (!(step > 0) || !isfinite (step))
    return 0;
  d = (int) -floor (log10 (step) + EPS);
  for (d = d < 0 ? 0 : d; d < 15; d++)
    {
      double scaled_step = step * pow10i (d);

      if (fabs (scaled_step - round (scaled_step)) < 1e-6 * scaled_step)
        break;
    }
  return d;
}

static void
format_linear (double v,
               double step,
               char  *out,
               size_t len)
{
  static const char *const prefixes[] = { "k", "M", "G", "T" };
  double a = fabs (v);

  if (v == 0 || (step > 0 && a < step * EPS))
    {
      snprintf (out, len, "0");
      return;
    }
  if (a >= 1e4 || (step >= 1000 && a >= 1000))
    {
      int p = (int) floor (log10 (a) / 3 + EPS);
      int d;

      if (p > 4)
        {
          format_scientific (v, 2, out, len);
          return;
        }
      p = p < 1 ? 1 : p;
      d = step > 0 ? decimals_for (step / pow10i (3 * p)) : 1;
      d = d > 6 ? 6 : d;
      snprintf (out, len, "%.*f", d, v / pow10i (3 * p));
      trim_zeros (out);
      strncat (out, prefixes[p - 1], len - strlen (out) - 1);
      return;
    }
  if (a < 1e-3)
    {
      int d = step > 0 ? (int) floor (log10 (a) + EPS) + decimals_for (step) : 2;

      format_scientific (v, d < 0 ? 0 : d > 6 ? 6 : d, out, len);
      return;
    }
  snprintf (out, len, "%.*f", decimals_for (step), v);
  trim_zeros (out);
}

void
bp_axis_format (const bp_axis *axis,
                double         v,
                double         step,
                char          *buf,
                size_t         len)
{
  char tmp[64];

  if (len == 0)
    return;
  if (!isfinite (v))
    snprintf (tmp, sizeof tmp, "%s", isnan (v) ? "NaN" : v > 0 ? "∞" : "-∞");
  else if (axis->log && v > 0 && fabs (log10 (v) - round (log10 (v))) < 1e-9)
    {
      static const char *const big[] = { "10k", "100k", "1M", "10M", "100M", "1G", "10G", "100G" };
      int k = (int) round (log10 (v));

      if (k >= -3 && k <= 3)
        snprintf (tmp, sizeof tmp, "%.*f", k < 0 ? -k : 0, pow10i (k));
      else if (k >= 4 && k <= 11)
        snprintf (tmp, sizeof tmp, "%s", big[k - 4]);
      else
        snprintf (tmp, sizeof tmp, "1e%d", k);
    }
  else if (axis->log)
    {
      /* 2 and 5 × 10ⁿ, or linear ticks inside one decade: as many digits
       * as the value has, up to three. */
      double mag = v > 0 ? pow10i ((int) floor (log10 (v) + EPS)) : 1;

      format_linear (v, fabs (v - round (v / mag) * mag) < mag * 1e-6 ? mag : mag / 100, tmp,
                     sizeof tmp);
    }
  else
    format_linear (v, step, tmp, sizeof tmp);
  copy_with_minus (tmp, buf, len);
}

void
bp_pad_range (double *lo,
              double *hi,
              double  fraction)
{
  double span = *hi - *lo;

  if (!(span > 0.0) || !isfinite (span))
    {
      double mid = isfinite (*lo) ? *lo : 0.0;

      *lo = mid - 0.5;
      *hi = mid + 0.5;
      return;
    }
  *lo -= fraction * span;
  *hi += fraction * span;
}

void
bp_format_value (double  v,
                 int     digits,
                 char   *buf,
                 size_t  len)
{
  char tmp[64];

  if (isnan (v))
    snprintf (tmp, sizeof tmp, "NaN");
  else if (isinf (v))
    snprintf (tmp, sizeof tmp, "%s∞", v < 0 ? "-" : "");
  else if (v == floor (v) && fabs (v) < 1e15)
    snprintf (tmp, sizeof tmp, "%.0f", v == 0 ? 0.0 : v);
  else
    {
      char *e;

      snprintf (tmp, sizeof tmp, "%.*g", digits < 1 ? 1 : digits > 17 ? 17 : digits, v);
      /* "1.5e-07" → "1.5e-7", "1e+20" → "1e20". */
      e = strchr (tmp, 'e');
      if (e != NULL)
        snprintf (e + 1, sizeof tmp - (size_t) (e + 1 - tmp), "%d", atoi (e + 1));
    }
  copy_with_minus (tmp, buf, len);
}

void
bp_smooth_ema (const double *y,
               size_t        n,
               double        weight,
               double       *out)
{
  double last = 0, wpow = 1;

  for (size_t i = 0; i < n; i++)
    {
      double v = y[i];

      if (!isfinite (v) || !(weight > 0 && weight < 1))
        {
          out[i] = v;
          continue;
        }
      /* last = Σⱼ (1 − w) w^(i−j) yⱼ has total weight 1 − wⁱ⁺¹; dividing
       * by it makes the first output y₀ and every output a weighted mean. */
      last = last * weight + (1 - weight) * v;
      wpow *= weight;
      out[i] = last / (1 - wpow);
    }
}

/* Min and max of the counted y[a..b); returns whether any counted. */
static inline bool
column_range (const double *y,
              size_t        a,
              size_t        b,
              bool          positive,
              double       *lo,
              double       *hi)
{
  double mn = INFINITY, mx = -INFINITY;

  /* Written without branches so that it vectorises: v − v is 0 for a
   * finite v and NaN (comparing false) otherwise, and a value that does
   * not count enters as +∞ to the min and −∞ to the max. */
  if (positive)
    for (size_t i = a; i < b; i++)
      {
        double v = y[i];
        bool ok = v - v == 0 && v > 0;
        double for_min = ok ? v : INFINITY, for_max = ok ? v : -INFINITY;

        mn = for_min < mn ? for_min : mn;
        mx = for_max > mx ? for_max : mx;
      }
  else
    for (size_t i = a; i < b; i++)
      {
        double v = y[i];
        bool ok = v - v == 0;
        double for_min = ok ? v : INFINITY, for_max = ok ? v : -INFINITY;

        mn = for_min < mn ? for_min : mn;
        mx = for_max > mx ? for_max : mx;
      }
  *lo = mn;
  *hi = mx;
  return mn <= mx;
}

/* The first index in [a, b) whose x lies at or beyond @t columns from
 * x_lo, by the same arithmetic that puts points in columns. */
static size_t
column_start (const double *x,
              size_t        a,
              size_t        b,
              double        x_lo,
              double        scale,
              double        t)
{
  while (a < b)
    {
      size_t mid = a + (b - a) / 2;

      if ((x[mid] - x_lo) * scale >= t)
        b = mid;
      else
        a = mid + 1;
    }
  return a;
}

static size_t
decimate (const double *x,
          const double *y,
          size_t        n,
          double        x_lo,
          double        x_hi,
          size_t        columns,
          double       *col_min,
          double       *col_max,
          bool         *present,
          bool          positive)
{
  double scale;
  size_t start, end, filled = 0;

  for (size_t c = 0; c < columns; c++)
    {
      col_min[c] = col_max[c] = NAN;
      present[c] = false;
    }
  if (columns == 0 || n == 0 || !(x_hi > x_lo))
    return 0;
  scale = (double) columns / (x_hi - x_lo);
  if (!isfinite (scale))
    return 0;

  /* The span is [x_lo, x_hi): bisect for its first and one-past-last point. */
  start = 0;
  end = n;
  {
    size_t a = 0, b = n;

    while (a < b)
      {
        size_t mid = a + (b - a) / 2;

        if (x[mid] >= x_lo)
          b = mid;
        else
          a = mid + 1;
      }
    start = a;
    a = start;
    b = n;
    while (a < b)
      {
        size_t mid = a + (b - a) / 2;

        if (x[mid] >= x_hi)
          b = mid;
        else
          a = mid + 1;
      }
    end = a;
  }

  for (size_t c = 0; c < columns && start < end; c++)
    {
      size_t stop = c + 1 < columns
                    ? column_start (x, start, end, x_lo, scale, (double) (c + 1))
                    : end;

      if (stop > start
          && column_range (y, start, stop, positive, &col_min[c], &col_max[c]))
        {
          present[c] = true;
          filled++;
        }
      else
        col_min[c] = col_max[c] = NAN;
      start = stop;
    }
  return filled;
}

size_t
bp_decimate (const double *x,
             const double *y,
             size_t        n,
             double        x_lo,
             double        x_hi,
             size_t        columns,
             double       *col_min,
             double       *col_max,
             bool         *present)
{
  return decimate (x, y, n, x_lo, x_hi, columns, col_min, col_max, present, false);
}

size_t
bp_decimate_positive (const double *x,
                      const double *y,
                      size_t        n,
                      double        x_lo,
                      double        x_hi,
                      size_t        columns,
                      double       *col_min,
                      double       *col_max,
                      bool         *present)
{
  return decimate (x, y, n, x_lo, x_hi, columns, col_min, col_max, present, true);
}

size_t
bp_nearest (const double *x,
            size_t        n,
            double        v)
{
  size_t a = 0, b = n;

  if (n == 0 || isnan (v))
    return 0;
  while (a < b)
    {
      size_t mid = a + (b - a) / 2;

      if (x[mid] >= v)
        b = mid;
      else
        a = mid + 1;
    }
  if (a == n)
    return n - 1;
  if (a > 0 && v - x[a - 1] <= x[a] - v)
    {
      /* Among equal x the first, so a tie picks the earlier point. */
      size_t i = a - 1;

      while (i > 0 && x[i - 1] == x[i])
        i--;
      return i;
    }
  return a;
}
