/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Thresholds; check.h says why each is where it is. */
#define DUPLICATE_WARN_FRACTION 0.10  /* duplicate rows: warning above this share of n */
#define SHARED_WARN_FRACTION    0.01  /* shared rows: warning from this share of val + test */
#define IMBALANCE_WARN          3.0   /* largest/smallest training class */
#define IMBALANCE_INFO          1.5
#define SCALE_RATIO             1e3   /* std and range of the widest over a narrow feature */
#define PARAMS_PER_ROW          10    /* warning below one training row per this many */

/* Each check adds at most one finding, labels at most three (out-of-range
 * ids, targets bce cannot fit, a loss or output size that does not fit). */
#define MAX_FINDINGS 16

/* Names in messages are cut to this many bytes (at a character boundary),
 * so that a long CSV header cannot crowd the numbers out of a message. */
#define MAX_NAME_BYTES 32

static const char *const severity_names[NN_SEVERITY_COUNT] = {
  [NN_SEVERITY_INFO] = "info",
  [NN_SEVERITY_WARNING] = "warning",
  [NN_SEVERITY_ERROR] = "error",
};

static const char *const kind_names[NN_CHECK_COUNT] = {
  [NN_CHECK_NONFINITE] = "nonfinite",
  [NN_CHECK_CONSTANT_COLUMN] = "constant-column",
  [NN_CHECK_DUPLICATE_ROWS] = "duplicate-rows",
  [NN_CHECK_SHARED_ROWS] = "shared-rows",
  [NN_CHECK_IMBALANCE] = "imbalance",
  [NN_CHECK_LABELS] = "labels",
  [NN_CHECK_SCALE] = "scale",
  [NN_CHECK_TOO_FEW_ROWS] = "too-few-rows",
};

const char *
nn_severity_name (nn_severity severity)
{
  if ((unsigned) severity >= NN_SEVERITY_COUNT)
    return "unknown";
  return severity_names[severity];
}

const char *
nn_check_kind_name (nn_check_kind kind)
{
  if ((unsigned) kind >= NN_CHECK_COUNT)
    return "unknown";
  return kind_names[kind];
}

/* Text */

/* Drops a UTF-8 sequence that a truncation left incomplete at the end of
 * @buf, so a cut message is still valid UTF-8 for GTK. */
static void
utf8_trim_tail (char *buf)
{
  size_t len = strlen (buf), lead, need;
  unsigned char c;

  if (len == 0)
    return;
  lead = len - 1;
  while (lead > 0 && ((unsigned char) buf[lead] & 0xC0) == 0x80)
    lead--;
  c = (unsigned char) buf[lead];
  need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (lead + need > len)
    buf[lead] = '\0';
}

/* Appends printf-style text to the NUL-terminated @buf of @size bytes,
 * cutting it (at a character boundary) when it does not fit. */
static void __attribute__ ((format (printf, 3, 4)))
append (char       *buf,
        size_t      size,
        const char *fmt,
        ...)
{
  size_t len = strlen (buf);
  va_list ap;
  int written;

  if (len + 1 >= size)
    return;
  va_start (ap, fmt);
  written = vsnprintf (buf + len, size - len, fmt, ap);
  va_end (ap);
  if (written >= 0 && (size_t) written >= size - len)
    utf8_trim_tail (buf);
}

/* Appends @name, cut to MAX_NAME_BYTES at a character boundary with "…". */
static void
append_name (char       *buf,
             size_t      size,
             const char *name)
{
  size_t len = strlen (name);

  if (len <= MAX_NAME_BYTES)
    {
      append (buf, size, "%s", name);
      return;
    }
  len = MAX_NAME_BYTES;
  while (len > 0 && ((unsigned char) name[len] & 0xC0) == 0x80)
    len--;
  append (buf, size, "%.*s…", (int) len, name);
}

typedef enum
{
  ITEM_ROW,      /* printed 1-based, as people and line-numbered files count */
  ITEM_FEATURE,  /* its name, or its 1-based number */
  ITEM_CLASS,    /* its name, or its class id (ids are labels, not positions) */
} item_kind;

static void
append_item (char             *buf,
             size_t            size,
             const nn_dataset *ds,
             item_kind         kind,
             size_t            i)
{
  switch (kind)
    {
    case ITEM_FEATURE:
      if (ds->feature_names != NULL && ds->feature_names[i] != NULL)
        append_name (buf, size, ds->feature_names[i]);
      else
        append (buf, size, "%zu", i + 1);
      break;
    case ITEM_CLASS:
      if (ds->class_names != NULL && ds->class_names[i] != NULL)
        append_name (buf, size, ds->class_names[i]);
      else
        append (buf, size, "%zu", i);
      break;
    case ITEM_ROW:
    default:
      append (buf, size, "%zu", i + 1);
      break;
    }
}

/* Appends " (rows 5, 18, 91)" for the examples of @f, with ", …" when
 * there are more than the examples show. */
static void
append_examples (char                   *buf,
                 size_t                  size,
                 const nn_check_finding *f,
                 const nn_dataset       *ds,
                 item_kind               kind)
{
  static const char *const words[][2] = {
    [ITEM_ROW] = { "row", "rows" },
    [ITEM_FEATURE] = { "feature", "features" },
    [ITEM_CLASS] = { "class", "classes" },
  };

  if (f->n_examples == 0)
    return;
  append (buf, size, " (%s ", words[kind][f->n_examples > 1 || f->count > 1]);
  for (size_t e = 0; e < f->n_examples; e++)
    {
      if (e > 0)
        append (buf, size, ", ");
      append_item (buf, size, ds, kind, f->examples[e]);
    }
  append (buf, size, f->count > f->n_examples ? ", …)" : ")");
}

static const char *
plural (size_t      count,
        const char *one,
        const char *many)
{
  return count == 1 ? one : many;
}

/* Findings */

/* A count and its first few examples, gathered before the finding is made. */
typedef struct
{
  size_t count;
  size_t n;
  size_t at[NN_CHECK_MAX_EXAMPLES];
} tally;

static void
tally_add (tally  *t,
           size_t  i)
{
  if (t->n < NN_CHECK_MAX_EXAMPLES)
    t->at[t->n++] = i;
  t->count++;
}

typedef struct
{
  const nn_dataset      *ds;
  const nn_check_params *params;
  size_t                 n_train;
  size_t                 n_val;
  size_t                 n_test;
  nn_check_finding       found[MAX_FINDINGS];
  size_t                 n_found;
} checker;

static nn_check_finding *
add_finding (checker       *ck,
             nn_check_kind  kind,
             nn_severity    severity,
             const tally   *t)
{
  nn_check_finding *f;

  assert (ck->n_found < MAX_FINDINGS);
  f = &ck->found[ck->n_found++];
  memset (f, 0, sizeof *f);
  f->kind = kind;
  f->severity = severity;
  if (t != NULL)
    {
      f->count = t->count;
      f->n_examples = t->n;
      memcpy (f->examples, t->at, t->n * sizeof t->at[0]);
    }
  return f;
}

/* Row hashing */

/* XXH64 (Collet's xxHash, 64-bit), over the bytes of one row as they lie
 * in memory: four independent lanes over 32-byte stripes keep the
 * multipliers busy, so hashing runs near memory speed, and the final
 * avalanche spreads every input bit over the low bits that index the
 * table. The hash only picks candidates; rows are compared with memcmp
 * before anything is reported, so a collision costs time, never a false
 * finding. */
#define XXH_P1 UINT64_C (0x9E3779B185EBCA87)
#define XXH_P2 UINT64_C (0xC2B2AE3D27D4EB4F)
#define XXH_P3 UINT64_C (0x165667B19E3779F9)
#define XXH_P4 UINT64_C (0x85EBCA77C2B2AE63)
#define XXH_P5 UINT64_C (0x27D4EB2F165667C5)

static inline uint64_t
rotl64 (uint64_t x,
        int      r)
{
  return (x << r) | (x >> (64 - r));
}

static inline uint64_t
read64 (const unsigned char *p)
{
  uint64_t v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline uint32_t
read32 (const unsigned char *p)
{
  uint32_t v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline uint64_t
xxh_round (uint64_t acc,
           uint64_t input)
{
  acc += input * XXH_P2;
  acc = rotl64 (acc, 31);
  return acc * XXH_P1;
}

static inline uint64_t
xxh_merge (uint64_t acc,
           uint64_t val)
{
  acc ^= xxh_round (0, val);
  return acc * XXH_P1 + XXH_P4;
}

static uint64_t
hash_bytes (const void *data,
            size_t      len,
            uint64_t    seed)
{
  const unsigned char *p = data;
  const unsigned char *end = p + len;
  uint64_t h;

  if (len >= 32)
    {
      uint64_t v1 = seed + XXH_P1 + XXH_P2;
      uint64_t v2 = seed + XXH_P2;
      uint64_t v3 = seed;
      uint64_t v4 = seed - XXH_P1;

      do
        {
          v1 = xxh_round (v1, read64 (p));
          v2 = xxh_round (v2, read64 (p + 8));
          v3 = xxh_round (v3, read64 (p + 16));
          v4 = xxh_round (v4, read64 (p + 24));
          p += 32;
        }
      while (p + 32 <= end);
      h = rotl64 (v1, 1) + rotl64 (v2, 7) + rotl64 (v3, 12) + rotl64 (v4, 18);
      h = xxh_merge (h, v1);
      h = xxh_merge (h, v2);
      h = xxh_merge (h, v3);
      h = xxh_merge (h, v4);
    }
  else
    h = seed + XXH_P5;
  h += (uint64_t) len;
  for (; p + 8 <= end; p += 8)
    {
      h ^= xxh_round (0, read64 (p));
      h = rotl64 (h, 27) * XXH_P1 + XXH_P4;
    }
  if (p + 4 <= end)
    {
      h ^= (uint64_t) read32 (p) * XXH_P1;
      h = rotl64 (h, 23) * XXH_P2 + XXH_P3;
      p += 4;
    }
  for (; p < end; p++)
    {
      h ^= (uint64_t) *p * XXH_P5;
      h = rotl64 (h, 11) * XXH_P1;
    }
  h ^= h >> 33;
  h *= XXH_P2;
  h ^= h >> 29;
  h *= XXH_P3;
  h ^= h >> 32;
  return h;
}

/* An open-addressing table of row numbers with linear probing, sized from
 * n to stay at most half full, so a probe looks at 1.5 slots on average
 * when it finds its row and 2.5 when it does not. Equal rows are never
 * stored twice, so a set made of one row repeated a million times still
 * probes one slot per row. */
#define EMPTY_SLOT UINT32_MAX

typedef struct
{
  uint32_t *slot;
  size_t    mask;
} row_table;

static bool
row_table_init (row_table *t,
                size_t     rows)
{
  size_t cap = 16;

  while (cap < 2 * rows)
    cap <<= 1;
  t->slot = malloc (cap * sizeof *t->slot);
  if (t->slot == NULL)
    return false;
  memset (t->slot, 0xff, cap * sizeof *t->slot);
  t->mask = cap - 1;
  return true;
}

static void
row_table_clear (row_table *t)
{
  memset (t->slot, 0xff, (t->mask + 1) * sizeof *t->slot);
}

/* The hash of row @i: of its features (@hx), or with @with_label of its
 * features and label, the label hashed with the features' hash as seed. */
static uint64_t
row_key (const nn_dataset *ds,
         const uint64_t   *hx,
         size_t            i,
         bool              with_label)
{
  if (!with_label)
    return hx[i];
  if (ds->y != NULL)
    return hash_bytes (&ds->y[i], sizeof ds->y[i], hx[i]);
  if (ds->t != NULL)
    return hash_bytes (ds->t + i * ds->k, ds->k * sizeof (float), hx[i]);
  return hx[i];
}

static bool
rows_equal (const nn_dataset *ds,
            size_t            a,
            size_t            b,
            bool              with_label)
{
  if (memcmp (ds->x + a * ds->d, ds->x + b * ds->d, ds->d * sizeof (float)) != 0)
    return false;
  if (!with_label)
    return true;
  if (ds->y != NULL)
    return ds->y[a] == ds->y[b];
  if (ds->t != NULL)
    return memcmp (ds->t + a * ds->k, ds->t + b * ds->k, ds->k * sizeof (float)) == 0;
  return true;
}

/* Looks for a row equal to row @i in @t; returns it, or EMPTY_SLOT after
 * storing @i (when @insert) in the empty slot where the search ended. */
static uint32_t
row_table_find (row_table        *t,
                const nn_dataset *ds,
                const uint64_t   *hx,
                size_t            i,
                bool              with_label,
                bool              insert)
{
  uint64_t key = row_key (ds, hx, i, with_label);
  size_t s = (size_t) key & t->mask;

  for (;;)
    {
      uint32_t r = t->slot[s];

      if (r == EMPTY_SLOT)
        {
          if (insert)
            t->slot[s] = (uint32_t) i;
          return EMPTY_SLOT;
        }
      /* The keys of stored rows are recomputed rather than kept: with
       * hx at hand that is one short hash, and it saves 8 bytes a row. */
      if ((!with_label || hx[r] == hx[i]) && row_key (ds, hx, r, with_label) == key
          && rows_equal (ds, r, i, with_label))
        return r;
      s = (s + 1) & t->mask;
    }
}

/* Per-feature statistics over the training rows whose values are all
 * finite (a row with a NaN is reported and would poison every sum). */
typedef struct
{
  double *mean;  /* Σx in the first pass, then the mean */
  double *std;   /* Σ(x − mean)² in the second pass, then the population std */
  float  *lo;
  float  *hi;
  size_t  rows;
} column_stats;

/* The hot loops below work in blocks of LANES columns with a fixed inner
 * count, which GCC turns into vector instructions at -O2 (its cheap
 * vectoriser takes fixed-count blocks but not loops that need a scalar
 * epilogue); the last d mod LANES columns run one by one. */
#define LANES 8

static bool
values_finite (const float *v,
               size_t       m)
{
  /* Exponent bits all ones is ±Inf or NaN. OR-ing flags over the row
   * rather than returning at the first keeps the loop branch-free. */
  uint32_t bad[LANES] = { 0 };
  uint32_t any = 0;
  size_t j = 0;

  for (; j + LANES <= m; j += LANES)
    for (size_t l = 0; l < LANES; l++)
      {
        uint32_t b;

        memcpy (&b, &v[j + l], sizeof b);
        bad[l] |= (b & 0x7F800000u) == 0x7F800000u;
      }
  for (; j < m; j++)
    {
      uint32_t b;

      memcpy (&b, &v[j], sizeof b);
      any |= (b & 0x7F800000u) == 0x7F800000u;
    }
  for (size_t l = 0; l < LANES; l++)
    any |= bad[l];
  return any == 0;
}

static void
columns_add_row (column_stats *cs,
                 const float  *row,
                 size_t        d)
{
  /* restrict: the arrays never overlap, which lets the blocks vectorise. */
  double *restrict sum = cs->mean;
  float *restrict lo = cs->lo;
  float *restrict hi = cs->hi;
  size_t j = 0;

  if (cs->rows == 0)
    for (size_t c = 0; c < d; c++)
      {
        lo[c] = row[c];
        hi[c] = row[c];
      }
  for (; j + LANES <= d; j += LANES)
    for (size_t l = 0; l < LANES; l++)
      {
        float v = row[j + l];

        sum[j + l] += v;
        lo[j + l] = v < lo[j + l] ? v : lo[j + l];
        hi[j + l] = v > hi[j + l] ? v : hi[j + l];
      }
  for (; j < d; j++)
    {
      sum[j] += row[j];
      lo[j] = row[j] < lo[j] ? row[j] : lo[j];
      hi[j] = row[j] > hi[j] ? row[j] : hi[j];
    }
  cs->rows++;
}

/* Σ (x − mean)² in a second pass over the same rows, @mean holding the
 * column means: the one-pass Σx² − n·mean² cancels to nothing when the
 * mean is large beside the spread (a column of 10⁴ ± 1). */
static void
columns_add_deviations (column_stats *cs,
                        const double *mean,
                        const float  *row,
                        size_t        d)
{
  double *restrict sq = cs->std;
  size_t j = 0;

  for (; j + LANES <= d; j += LANES)
    for (size_t l = 0; l < LANES; l++)
      {
        double dv = (double) row[j + l] - mean[j + l];

        sq[j + l] += dv * dv;
      }
  for (; j < d; j++)
    {
      double dv = (double) row[j] - mean[j];

      sq[j] += dv * dv;
    }
}

/* The checks */

static void
check_nonfinite (checker     *ck,
                 const tally *t)
{
  nn_check_finding *f;

  if (t->count == 0)
    return;
  f = add_finding (ck, NN_CHECK_NONFINITE, NN_SEVERITY_ERROR, t);
  snprintf (f->message, sizeof f->message, "%zu %s NaN or infinite values", t->count,
            plural (t->count, "row holds", "rows hold"));
  append_examples (f->message, sizeof f->message, f, ck->ds, ITEM_ROW);
  snprintf (f->advice, sizeof f->advice, "drop or fill those rows: --missing drop, or "
            "--missing mean to fill features with their training mean");
}

static void
check_constant (checker            *ck,
                const column_stats *cs)
{
  const nn_dataset *ds = ck->ds;
  tally constant = { 0 };
  nn_check_finding *f;
  bool all;

  /* With one row every feature is trivially constant. */
  if (cs->rows < 2)
    return;
  for (size_t j = 0; j < ds->d; j++)
    if (cs->lo[j] == cs->hi[j])
      tally_add (&constant, j);
  if (constant.count == 0)
    return;
  all = constant.count == ds->d;
  f = add_finding (ck, NN_CHECK_CONSTANT_COLUMN, all ? NN_SEVERITY_ERROR : NN_SEVERITY_WARNING,
                   &constant);
  if (all && ds->d == 1)
    snprintf (f->message, sizeof f->message, "the only feature holds one value in every "
              "training row");
  else if (all)
    snprintf (f->message, sizeof f->message, "all %zu features hold one value in every "
              "training row", ds->d);
  else
    snprintf (f->message, sizeof f->message, "%zu %s one value in every training row",
              constant.count, plural (constant.count, "feature holds", "features hold"));
  append_examples (f->message, sizeof f->message, f, ds, ITEM_FEATURE);
  snprintf (f->advice, sizeof f->advice, "%s",
            all ? "the model cannot tell the rows apart: check that the data were read as "
                  "intended"
                : "a constant feature carries no information: check that it was read as "
                  "intended, or drop it");
}

static void
check_scale (checker            *ck,
             const column_stats *cs)
{
  const nn_dataset *ds = ck->ds;
  tally narrow = { 0 };
  size_t wide = 0, narrowest = 0;
  double wide_std = 0.0, wide_range = 0.0;
  nn_check_finding *f;

  if (ck->params->scaled || cs->rows < 2)
    return;
  /* The widest feature by std; then the features narrower than it by
   * SCALE_RATIO in std and in range alike (check.h says why both). */
  for (size_t j = 0; j < ds->d; j++)
    if (cs->lo[j] < cs->hi[j] && cs->std[j] > wide_std)
      {
        wide = j;
        wide_std = cs->std[j];
        wide_range = (double) cs->hi[j] - (double) cs->lo[j];
      }
  if (!(wide_std > 0.0))
    return;
  for (size_t j = 0; j < ds->d; j++)
    {
      double range = (double) cs->hi[j] - (double) cs->lo[j];

      if (cs->lo[j] < cs->hi[j] && cs->std[j] * SCALE_RATIO <= wide_std
          && range * SCALE_RATIO <= wide_range)
        {
          if (narrow.count == 0 || cs->std[j] < cs->std[narrowest])
            narrowest = j;
          tally_add (&narrow, j);
        }
    }
  if (narrow.count == 0)
    return;
  f = add_finding (ck, NN_CHECK_SCALE, NN_SEVERITY_WARNING, &narrow);
  snprintf (f->message, sizeof f->message, "feature spreads differ by a factor of %.3g: std "
            "%.3g for feature ", wide_std / cs->std[narrowest], wide_std);
  append_item (f->message, sizeof f->message, ds, ITEM_FEATURE, wide);
  append (f->message, sizeof f->message, ", %.3g for feature ", cs->std[narrowest]);
  append_item (f->message, sizeof f->message, ds, ITEM_FEATURE, narrowest);
  if (narrow.count > 1)
    {
      append (f->message, sizeof f->message, "; %zu features are %g or more times narrower",
              narrow.count, SCALE_RATIO);
      append_examples (f->message, sizeof f->message, f, ds, ITEM_FEATURE);
    }
  snprintf (f->advice, sizeof f->advice, "scale the features: --scale standard");
}

static void
check_duplicates (checker        *ck,
                  row_table      *table,
                  const uint64_t *hx)
{
  const nn_dataset *ds = ck->ds;
  tally dup = { 0 };
  nn_check_finding *f;
  double share;

  for (size_t i = 0; i < ds->n; i++)
    if (row_table_find (table, ds, hx, i, true, true) != EMPTY_SLOT)
      tally_add (&dup, i);
  if (dup.count == 0)
    return;
  share = (double) dup.count / (double) ds->n;
  f = add_finding (ck, NN_CHECK_DUPLICATE_ROWS,
                   share > DUPLICATE_WARN_FRACTION ? NN_SEVERITY_WARNING : NN_SEVERITY_INFO,
                   &dup);
  snprintf (f->message, sizeof f->message, "%zu %s (%.1f%%) %s an earlier row, features and "
            "label", dup.count, plural (dup.count, "row", "rows"), 100.0 * share,
            plural (dup.count, "repeats", "repeat"));
  append_examples (f->message, sizeof f->message, f, ds, ITEM_ROW);
  snprintf (f->advice, sizeof f->advice, "repeated rows weigh more in the loss: drop them "
            "unless they are real repeated observations");
}

static void
check_shared (checker        *ck,
              row_table      *table,
              const uint64_t *hx)
{
  const nn_dataset *ds = ck->ds;
  size_t eval = ck->n_val + ck->n_test;
  size_t in_val = 0, in_test = 0;
  tally shared = { 0 };
  nn_check_finding *f;

  if (ck->n_train == 0 || eval == 0)
    return;
  for (size_t i = 0; i < ck->n_train; i++)
    row_table_find (table, ds, hx, i, false, true);
  for (size_t i = ck->n_train; i < ds->n; i++)
    if (row_table_find (table, ds, hx, i, false, false) != EMPTY_SLOT)
      {
        tally_add (&shared, i);
        if (i < ck->n_train + ck->n_val)
          in_val++;
        else
          in_test++;
      }
  if (shared.count == 0)
    return;
  f = add_finding (ck, NN_CHECK_SHARED_ROWS,
                   (double) shared.count >= SHARED_WARN_FRACTION * (double) eval
                   ? NN_SEVERITY_WARNING : NN_SEVERITY_INFO, &shared);
  if (in_val > 0 && in_test > 0)
    snprintf (f->message, sizeof f->message, "%zu validation %s and %zu test %s repeat the "
              "features of a training row", in_val, plural (in_val, "row", "rows"), in_test,
              plural (in_test, "row", "rows"));
  else
    snprintf (f->message, sizeof f->message, "%zu %s %s %s the features of a training row",
              shared.count, in_val > 0 ? "validation" : "test",
              plural (shared.count, "row", "rows"), plural (shared.count, "repeats", "repeat"));
  append_examples (f->message, sizeof f->message, f, ds, ITEM_ROW);
  snprintf (f->advice, sizeof f->advice, "scores on those rows measure memory rather than "
            "generalisation: drop duplicate rows before splitting");
}

static void
check_imbalance (checker      *ck,
                 const size_t *counts)
{
  const nn_dataset *ds = ck->ds;
  tally empty = { 0 };
  tally minority = { 0 };
  size_t big = 0, small = 0;
  double ratio, threshold;
  nn_severity severity;
  nn_check_finding *f;

  if (ds->task != NN_TASK_CLASSIFICATION || ds->y == NULL || ds->k < 2)
    return;
  for (size_t c = 0; c < ds->k; c++)
    if (counts[c] == 0)
      tally_add (&empty, c);
  if (empty.count > 0)
    {
      f = add_finding (ck, NN_CHECK_IMBALANCE, NN_SEVERITY_ERROR, &empty);
      snprintf (f->message, sizeof f->message, "%zu %s no training rows", empty.count,
                plural (empty.count, "class has", "classes have"));
      append_examples (f->message, sizeof f->message, f, ds, ITEM_CLASS);
      snprintf (f->advice, sizeof f->advice, "the model cannot learn a class it never sees: "
                "split with stratification, or add rows of %s",
                plural (empty.count, "that class", "those classes"));
      return;
    }
  for (size_t c = 1; c < ds->k; c++)
    {
      if (counts[c] > counts[big])
        big = c;
      if (counts[c] < counts[small])
        small = c;
    }
  ratio = (double) counts[big] / (double) counts[small];
  if (ratio >= IMBALANCE_WARN)
    {
      severity = NN_SEVERITY_WARNING;
      threshold = IMBALANCE_WARN;
    }
  else if (ratio >= IMBALANCE_INFO)
    {
      severity = NN_SEVERITY_INFO;
      threshold = IMBALANCE_INFO;
    }
  else
    return;
  /* The classes concerned: those the largest outnumbers by the threshold. */
  for (size_t c = 0; c < ds->k; c++)
    if ((double) counts[c] * threshold <= (double) counts[big])
      tally_add (&minority, c);
  f = add_finding (ck, NN_CHECK_IMBALANCE, severity, &minority);
  snprintf (f->message, sizeof f->message, "training classes range from %zu rows (class ",
            counts[big]);
  append_item (f->message, sizeof f->message, ds, ITEM_CLASS, big);
  append (f->message, sizeof f->message, ") down to %zu (class ", counts[small]);
  append_item (f->message, sizeof f->message, ds, ITEM_CLASS, small);
  append (f->message, sizeof f->message, "), a ratio of %.1f", ratio);
  snprintf (f->advice, sizeof f->advice, "%s",
            severity == NN_SEVERITY_WARNING
            ? "accuracy will favour the large classes: weigh or resample the classes, and "
              "judge the model by per-class recall"
            : "judge the model by per-class recall as well as accuracy");
}

static void
check_labels (checker     *ck,
              const tally *bad_ids,
              const tally *bad_targets)
{
  const nn_dataset *ds = ck->ds;
  const nn_check_params *p = ck->params;
  nn_check_finding *f;
  nn_error e = { 0 };
  size_t units;

  if (bad_ids->count > 0)
    {
      f = add_finding (ck, NN_CHECK_LABELS, NN_SEVERITY_ERROR, bad_ids);
      snprintf (f->message, sizeof f->message, "%zu %s a class id outside [0, %zu)",
                bad_ids->count, plural (bad_ids->count, "row has", "rows have"), ds->k);
      append_examples (f->message, sizeof f->message, f, ds, ITEM_ROW);
      snprintf (f->advice, sizeof f->advice, "class ids run from 0 to %zu: check the label "
                "column and the number of classes", ds->k - 1);
    }
  if (bad_targets->count > 0)
    {
      f = add_finding (ck, NN_CHECK_LABELS, NN_SEVERITY_ERROR, bad_targets);
      snprintf (f->message, sizeof f->message, "%zu %s targets outside [0, 1], which the bce "
                "loss's sigmoid cannot reach", bad_targets->count,
                plural (bad_targets->count, "row has", "rows have"));
      append_examples (f->message, sizeof f->message, f, ds, ITEM_ROW);
      snprintf (f->advice, sizeof f->advice, "use mse for regression, or scale the targets "
                "into [0, 1]");
    }

  /* A bce model of one output tells two classes apart; nn_loss_check would
   * only ask for more units, but the likelier mistake is the loss. */
  if (p->loss == NN_LOSS_BCE && p->outputs == 1 && ds->task == NN_TASK_CLASSIFICATION
      && ds->k > 2)
    {
      f = add_finding (ck, NN_CHECK_LABELS, NN_SEVERITY_ERROR, NULL);
      snprintf (f->message, sizeof f->message, "bce on 1 output tells 2 classes apart, but the "
                "data have %zu", ds->k);
      snprintf (f->advice, sizeof f->advice, "use ce with a last layer of dense:%zu", ds->k);
      return;
    }
  /* Without a known output size, ask for the size the loss would want, so
   * that only the loss and the task are judged. */
  units = p->outputs > 0 ? p->outputs : nn_loss_outputs (p->loss, ds->task, ds->k);
  if (nn_loss_check (p->loss, ds->task, ds->k, units, &e) != NN_OK)
    {
      /* nn_loss_check says "what is wrong; what would fit": the first half
       * is the message, the second the advice. */
      const char *cut = strstr (e.msg, "; ");

      f = add_finding (ck, NN_CHECK_LABELS, NN_SEVERITY_ERROR, NULL);
      append (f->message, sizeof f->message, "%.*s",
              (int) (cut != NULL ? (size_t) (cut - e.msg) : strlen (e.msg)), e.msg);
      append (f->advice, sizeof f->advice, "%s",
              cut != NULL ? cut + 2 : "choose a loss and a last layer that fit the data");
    }
}

static void
check_rows (checker *ck)
{
  const nn_check_params *p = ck->params;
  nn_check_finding *f;

  if (ck->n_train == 0)
    {
      f = add_finding (ck, NN_CHECK_TOO_FEW_ROWS, NN_SEVERITY_ERROR, NULL);
      snprintf (f->message, sizeof f->message, "the training part has no rows");
      snprintf (f->advice, sizeof f->advice, "lower the validation and test fractions: "
                "--val-split, --test-split");
      return;
    }
  if (p->params == 0 || ck->n_train * PARAMS_PER_ROW >= p->params)
    return;
  f = add_finding (ck, NN_CHECK_TOO_FEW_ROWS, NN_SEVERITY_WARNING, NULL);
  f->count = ck->n_train;
  snprintf (f->message, sizeof f->message, "%zu training %s for %zu parameters, fewer than one "
            "row per %d parameters", ck->n_train, plural (ck->n_train, "row", "rows"),
            p->params, PARAMS_PER_ROW);
  snprintf (f->advice, sizeof f->advice, "a model this large can learn the rows by heart: "
            "watch the validation loss, and try a smaller model, more rows, --l2 or dropout");
}

/* Most severe first; equal severities by kind, and in the order they were
 * found within a kind (an insertion sort is stable, and there are few). */
static void
sort_findings (nn_check_finding *f,
               size_t            n)
{
  for (size_t i = 1; i < n; i++)
    {
      nn_check_finding tmp = f[i];
      size_t j = i;

      while (j > 0 && (f[j - 1].severity < tmp.severity
                       || (f[j - 1].severity == tmp.severity && f[j - 1].kind > tmp.kind)))
        {
          f[j] = f[j - 1];
          j--;
        }
      f[j] = tmp;
    }
}

size_t
nn_dataset_check (const nn_dataset       *ds,
                  const nn_split         *split,
                  const nn_check_params  *params,
                  nn_check_finding       *out,
                  size_t                  max,
                  nn_error               *err)
{
  nn_check_params defaults = { 0 };
  checker *ck = NULL;
  column_stats cs = { 0 };
  uint64_t *hx = NULL;
  uint8_t *skip = NULL;
  size_t *counts = NULL;
  row_table table = { 0 };
  tally nonfinite = { 0 }, bad_ids = { 0 }, bad_targets = { 0 };
  bool bce_targets;
  size_t total = SIZE_MAX;

  assert (ds != NULL && (out != NULL || max == 0));
  if (params == NULL)
    {
      defaults.loss = ds->task == NN_TASK_REGRESSION ? NN_LOSS_MSE : NN_LOSS_CE;
      params = &defaults;
    }
  /* nn_dataset_new caps a set at 2³¹ floats, so row numbers fit the
   * table's 32-bit slots (with UINT32_MAX to spare for an empty one). */
  assert (ds->n < UINT32_MAX);

  ck = calloc (1, sizeof *ck);
  if (ck == NULL)
    goto nomem;
  ck->ds = ds;
  ck->params = params;
  if (split != NULL)
    {
      assert (split->train + split->val + split->test == ds->n);
      ck->n_train = split->train < ds->n ? split->train : ds->n;
      ck->n_val = split->val < ds->n - ck->n_train ? split->val : ds->n - ck->n_train;
      ck->n_test = ds->n - ck->n_train - ck->n_val;
    }
  else
    ck->n_train = ds->n;

  cs.mean = calloc (ds->d, sizeof *cs.mean);
  cs.std = calloc (ds->d, sizeof *cs.std);
  cs.lo = calloc (ds->d, sizeof *cs.lo);
  cs.hi = calloc (ds->d, sizeof *cs.hi);
  hx = malloc (ds->n * sizeof *hx);
  skip = calloc (ds->n, 1);
  counts = calloc (ds->k, sizeof *counts);
  if ((ds->d > 0 && (cs.mean == NULL || cs.std == NULL || cs.lo == NULL || cs.hi == NULL))
      || (ds->n > 0 && (hx == NULL || skip == NULL))
      || (ds->k > 0 && counts == NULL)
      || !row_table_init (&table, ds->n))
    goto nomem;

  /* One pass over every row while it is in cache: finiteness, its hash,
   * its label, and (training rows) the column sums and extremes. */
  bce_targets = params->loss == NN_LOSS_BCE && ds->task == NN_TASK_REGRESSION && ds->t != NULL;
  for (size_t i = 0; i < ds->n; i++)
    {
      const float *row = ds->x + i * ds->d;
      const float *t = ds->t != NULL ? ds->t + i * ds->k : NULL;
      bool finite = values_finite (row, ds->d) && (t == NULL || values_finite (t, ds->k));

      if (!finite)
        {
          tally_add (&nonfinite, i);
          skip[i] = 1;
        }
      hx[i] = hash_bytes (row, ds->d * sizeof (float), 0);
      if (i < ck->n_train && finite)
        columns_add_row (&cs, row, ds->d);
      if (ds->task == NN_TASK_CLASSIFICATION && ds->y != NULL)
        {
          if (ds->y[i] < 0 || (size_t) ds->y[i] >= ds->k)
            tally_add (&bad_ids, i);
          else if (i < ck->n_train)
            counts[ds->y[i]]++;
        }
      if (bce_targets && finite)
        for (size_t c = 0; c < ds->k; c++)
          if (!(t[c] >= 0.0f && t[c] <= 1.0f))
            {
              tally_add (&bad_targets, i);
              break;
            }
    }
  /* Turn the sums into means, then the squared deviations from them into
   * population stds (as the standard scaler computes them). */
  if (cs.rows > 0)
    {
      for (size_t j = 0; j < ds->d; j++)
        cs.mean[j] /= (double) cs.rows;
      for (size_t i = 0; i < ck->n_train; i++)
        if (!skip[i])
          columns_add_deviations (&cs, cs.mean, ds->x + i * ds->d, ds->d);
      for (size_t j = 0; j < ds->d; j++)
        cs.std[j] = sqrt (cs.std[j] / (double) cs.rows);
    }

  check_nonfinite (ck, &nonfinite);
  check_constant (ck, &cs);
  check_scale (ck, &cs);
  check_duplicates (ck, &table, hx);
  row_table_clear (&table);
  check_shared (ck, &table, hx);
  check_imbalance (ck, counts);
  check_labels (ck, &bad_ids, &bad_targets);
  check_rows (ck);

  sort_findings (ck->found, ck->n_found);
  total = ck->n_found;
  if (out != NULL)
    memcpy (out, ck->found, (total < max ? total : max) * sizeof *out);
  goto done;

nomem:
  nn_error_set (err, NN_ERR_NOMEM, "out of memory checking a data set of %zu rows", ds->n);
done:
  free (ck);
  free (cs.mean);
  free (cs.std);
  free (cs.lo);
  free (cs.hi);
  free (hx);
  free (skip);
  free (counts);
  free (table.slot);
  return total;
}
