/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "csv.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* The largest file held in memory. */
#define CSV_MAX_BYTES ((uint64_t) 4 << 30)
/* Records read with each candidate delimiter to detect it. */
#define SNIFF_RECORDS 10
/* Bytes of an offending text quoted in a message. */
#define QUOTE_BYTES 40
/* Missing cells a message lists by position. */
#define MISSING_LISTED 5

#define STR(x) #x
#define XSTR(x) STR (x)

/* Column roles: a feature index (≥ 0), the label, or target t as -2 - t. */
#define ROLE_LABEL (-1)
#define ROLE_TARGET(t) (-2 - (int32_t) (t))

/* The reader: a cursor over the whole text, with the delimiter fixed. */
typedef struct
{
  const char *name;
  const char *end;
  const char *p;            /* next byte */
  size_t      line;         /* physical line of p, 1-based */
  char        delim;
  bool        stop[256];    /* bytes that end an unquoted run */
  bool        special[256]; /* the delimiter and every byte below 0x23 (controls, blank,
                             * '!', '"'): where read_field's fast scan stops */
  const char *record;       /* first byte of the current record's line */
  size_t      record_line;
  size_t      column;       /* fields of the current record read so far */
  char       *scratch;      /* [NN_CSV_MAX_CELL + 1]: quoted cells with doubled quotes */
  nn_error   *err;          /* NULL while sniffing */
  size_t      err_line;     /* where the last error was found */
  size_t      err_column;
} csv_reader;

typedef struct
{
  const char *text;    /* unquoted content; blanks trimmed unless quoted */
  size_t      len;
  size_t      line;    /* where the cell starts */
  size_t      column;  /* 1-based field number */
} csv_cell;

typedef enum
{
  NUM_OK,
  NUM_BAD,
  NUM_INFINITE,
  NUM_RANGE,
} num_status;

/* A number as written: ±mantissa × 10^exponent when exact. */
typedef struct
{
  const char *start;         /* trimmed text */
  const char *stop;
  bool        negative;
  bool        integer_form;  /* digits only, maybe signed */
  bool        exact;         /* no nonzero digit beyond the 19 the mantissa holds */
  uint64_t    mantissa;
  int64_t     exponent;
  int64_t     written_exp;   /* the e-part, clamped to ±10⁶ (beyond, a float is 0 or ∞) */
  size_t      fraction;      /* digits after the point */
} num_scan;

typedef enum
{
  LABEL_INT,       /* written as an integer */
  LABEL_WHOLE,     /* a whole number written otherwise: 1.0, 2e1 */
  LABEL_FRACTION,  /* any other number, infinities and out-of-range ones included */
  LABEL_NAME,      /* not a number */
} label_kind;

typedef struct
{
  char      *key;   /* the label, or its integer value in decimal */
  int64_t    value;
  label_kind kind;
  int32_t    id;
} label_entry;

/* The distinct labels: entries plus an open-addressing table of index + 1. */
typedef struct
{
  label_entry *entries;
  size_t       n;
  size_t       cap;
  uint32_t    *slots;
  size_t       n_slots;
  bool         any[LABEL_NAME + 1];
} label_set;

/* A problem found in the first pass, reported unless a cell error comes
 * earlier in the file. */
typedef struct
{
  size_t line;   /* 0: none */
  size_t column;
  char   msg[NN_ERROR_MSG_LEN];
} csv_problem;

typedef struct
{
  const nn_csv_options *opt;
  size_t       ncols;
  size_t       first_line;     /* line of the first record, which sets ncols */
  int32_t     *role;           /* [ncols] */
  size_t       d;
  size_t       k;              /* targets (regression) or classes */
  bool         collect;        /* one label column that may hold classes */
  bool         classification;
  size_t       rows;           /* data records */
  size_t       kept;           /* rows not dropped */
  size_t       missing;
  size_t       missing_at[MISSING_LISTED][2];
  csv_problem  missing_label;  /* NN_MISSING_MEAN */
  csv_problem  fraction;       /* first label that is a number but not whole */
  label_set    labels;
  char        *label_buf;      /* [NN_CSV_MAX_CELL + 1] the current row's label */
  char        *num_buf;        /* [NN_CSV_MAX_CELL + 64] numbers for strtof */
  float       *spare;          /* [d + k] the destination of rows not stored */
} csv_plan;

nn_csv_options
nn_csv_options_default (void)
{
  nn_csv_options o = {
    .header = -1,
    .delimiter = 0,
    .label_column = NULL,
    .target_columns = NULL,
    .task = NN_CSV_TASK_AUTO,
    .missing = NN_MISSING_ERROR,
  };

  return o;
}

/* Messages */

/* Writes @text for a message: at most QUOTE_BYTES bytes, cut before a
 * partial UTF-8 sequence, control bytes escaped so a terminal shows them
 * harmlessly, and "…" when shortened. @out holds 4 × QUOTE_BYTES + 4. */
static void
quote_text (char       *out,
            const char *text,
            size_t      len)
{
  size_t n = len, o = 0;

  if (n > QUOTE_BYTES)
    {
      n = QUOTE_BYTES;
      for (int back = 0; back < 3 && n > 0 && ((unsigned char) text[n] & 0xC0) == 0x80; back++)
        n--;
    }
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char) text[i];

      if (c >= 0x20 && c != 0x7F)
        out[o++] = (char) c;
      else if (c == '\n' || c == '\r' || c == '\t')
        {
          out[o++] = '\\';
          out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        }
      else
        o += (size_t) sprintf (out + o, "\\x%02x", c);
    }
  if (n < len)
    o += (size_t) sprintf (out + o, "…");
  out[o] = '\0';
}

#define QUOTED_SIZE (4 * QUOTE_BYTES + 4)

static void
format_cell_message (char       *out,
                     size_t      size,
                     const char *name,
                     size_t      line,
                     size_t      column,
                     const char *what,
                     const char *text,
                     size_t      len)
{
  char quoted[QUOTED_SIZE];

  quote_text (quoted, text, len);
  snprintf (out, size, "%s:%zu:%zu: %s: '%s'", name, line, column, what, quoted);
}

static nn_status
cell_error (csv_reader *r,
            size_t      line,
            size_t      column,
            const char *what,
            const char *text,
            size_t      len)
{
  r->err_line = line;
  r->err_column = column;
  if (r->err != NULL)
    {
      r->err->status = NN_ERR_FORMAT;
      format_cell_message (r->err->msg, sizeof r->err->msg, r->name, line, column, what,
                           text, len);
    }
  return NN_ERR_FORMAT;
}

static void
note_problem (csv_problem *pb,
              const char  *name,
              size_t       line,
              size_t       column,
              const char  *what,
              const char  *text,
              size_t       len)
{
  if (pb->line != 0)
    return;
  pb->line = line;
  pb->column = column;
  format_cell_message (pb->msg, sizeof pb->msg, name, line, column, what, text, len);
}

/* The tokenizer */

static bool
is_blank (const csv_reader *r,
          char              c)
{
  return c == ' ' || (c == '\t' && r->delim != '\t');
}

static void
reader_init (csv_reader *r,
             const char *name,
             const char *data,
             size_t      len,
             char        delim,
             char       *scratch,
             nn_error   *err)
{
  memset (r, 0, sizeof *r);
  r->name = name;
  r->p = data;
  r->end = data + len;
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r->p += 3;
  r->line = 1;
  r->delim = delim;
  r->stop[(unsigned char) delim] = true;
  r->stop['\n'] = true;
  r->stop['\r'] = true;
  r->stop['\0'] = true;
  for (int c = 0; c < 0x23; c++)
    r->special[c] = true;
  r->special[(unsigned char) delim] = true;
  r->scratch = scratch;
  r->err = err;
}

/* Moves to the next record, skipping blank lines; false at the end. */
static bool
next_record (csv_reader *r)
{
  const char *q = r->p;

  for (;;)
    {
      while (q < r->end && is_blank (r, *q))
        q++;
      if (q == r->end)
        {
          r->p = q;
          return false;
        }
      if (*q == '\n')
        {
          r->line++;
          r->p = ++q;
          continue;
        }
      if (*q == '\r' && (q + 1 == r->end || q[1] == '\n'))
        {
          q++;
          continue;
        }
      break;
    }
  r->record = r->p;
  r->record_line = r->line;
  r->column = 0;
  return true;
}

/* After a field: a delimiter (more fields follow), a line end or the end
 * of the text (the record is complete), or false for anything else. */
static bool
end_field (csv_reader  *r,
           const char **pq,
           bool        *last)
{
  const char *q = *pq;

  if (q == r->end)
    *last = true;
  else if (*q == r->delim)
    {
      *last = false;
      q++;
    }
  else if (*q == '\n' || (*q == '\r' && (q + 1 == r->end || q[1] == '\n')))
    {
      *last = true;
      if (*q == '\r')
        q++;
      if (q < r->end)
        {
          q++;
          r->line++;
        }
    }
  else
    return false;
  *pq = q;
  return true;
}

/* A quoted field from its opening quote at @open: a doubled quote stands
 * for one, delimiters and line ends are text (a newline still counts as a
 * line), and only blanks may follow the closing quote. Cells with doubled
 * quotes are copied to the scratch buffer; the others point into the text. */
static nn_status
read_quoted (csv_reader *r,
             csv_cell   *cell,
             const char *open,
             bool       *last)
{
  const char *content = open + 1, *q = content;
  size_t line = r->line, len;
  bool doubled = false;

  for (;;)
    {
      while (q < r->end && *q != '"' && *q != '\n' && *q != '\0')
        q++;
      if (q == r->end)
        return cell_error (r, cell->line, cell->column, "unterminated quote", open,
                           (size_t) (r->end - open));
      if (*q == '\n')
        line++;
      else if (*q == '\0')
        return cell_error (r, line, cell->column, "NUL byte (is this a binary file?)", open,
                           (size_t) (q - open + 1));
      else if (q + 1 < r->end && q[1] == '"')
        {
          doubled = true;
          q++;
        }
      else
        break;
      q++;
    }
  len = (size_t) (q - content);
  if (len > NN_CSV_MAX_CELL)
    return cell_error (r, cell->line, cell->column,
                       "cell longer than " XSTR (NN_CSV_MAX_CELL) " bytes", open, len);
  r->line = line;
  q++;
  while (q < r->end && is_blank (r, *q))
    q++;
  if (!end_field (r, &q, last))
    {
      const char *s = q;

      while (q < r->end && !r->stop[(unsigned char) *q])
        q++;
      return cell_error (r, line, cell->column, "text after a closing quote", s,
                         (size_t) (q - s));
    }
  if (doubled)
    {
      size_t o = 0;

      for (size_t i = 0; i < len; i++)
        {
          r->scratch[o++] = content[i];
          if (content[i] == '"')
            i++;
        }
      cell->text = r->scratch;
      cell->len = o;
    }
  else
    {
      cell->text = content;
      cell->len = len;
    }
  r->p = q;
  return NN_OK;
}

/* read_field beyond the common case: blanks, quotes, CRs, NULs, the end
 * of the text, overlong cells. Quotes open a quoted field only at its
 * start (after blanks); elsewhere they are text, as most writers and
 * readers treat them. */
static nn_status __attribute__ ((noinline))
read_field_slow (csv_reader *r,
                 csv_cell   *cell,
                 bool       *last)
{
  const char *s = r->p, *q = r->p, *e;

  while (q < r->end && is_blank (r, *q))
    q++;
  if (q < r->end && *q == '"')
    return read_quoted (r, cell, q, last);
  for (;;)
    {
      while (q < r->end && !r->stop[(unsigned char) *q])
        q++;
      /* A CR that ends no line is text. */
      if (q < r->end && *q == '\r' && q + 1 < r->end && q[1] != '\n')
        {
          q++;
          continue;
        }
      break;
    }
  if (q < r->end && *q == '\0')
    return cell_error (r, cell->line, cell->column, "NUL byte (is this a binary file?)", s,
                       (size_t) (q - s + 1));
  if ((size_t) (q - s) > NN_CSV_MAX_CELL)
    return cell_error (r, cell->line, cell->column,
                       "cell longer than " XSTR (NN_CSV_MAX_CELL) " bytes", s, (size_t) (q - s));
  e = q;
  while (s < e && is_blank (r, *s))
    s++;
  while (e > s && is_blank (r, e[-1]))
    e--;
  cell->text = s;
  cell->len = (size_t) (e - s);
  end_field (r, &q, last);
  r->p = q;
  return NN_OK;
}

/* The first special byte from @q on (or the end), eight bytes at a time:
 * a byte b is flagged by (b - k) & ~b & 0x80 when b < k, exactly for the
 * lowest flagged byte, which is all the search needs. */
static inline const char *
find_special (const csv_reader *r,
              const char       *q)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = UINT64_C (0x0101010101010101), highs = ones << 7;
  const uint64_t delims = ones * (unsigned char) r->delim;

  while (r->end - q >= 8)
    {
      uint64_t w, x, m;

      memcpy (&w, q, 8);
      x = w ^ delims;
      m = ((w - ones * 0x23) & ~w & highs) | ((x - ones) & ~x & highs);
      if (m != 0)
        return q + (__builtin_ctzll (m) >> 3);
      q += 8;
    }
#endif
  while (q < r->end && !r->special[(unsigned char) *q])
    q++;
  return q;
}

/* Reads the field at the cursor into @cell; @last tells whether it ended
 * the record. Inlined for the common cell — plain bytes up to a delimiter
 * or a line end — which is most of the time spent on a large file. */
static inline nn_status
read_field (csv_reader *r,
            csv_cell   *cell,
            bool       *last)
{
  const char *s = r->p, *q = r->p;

  r->column++;
  cell->line = r->line;
  cell->column = r->column;
  q = find_special (r, q);
  if (q < r->end && (size_t) (q - s) <= NN_CSV_MAX_CELL)
    {
      bool crlf = *q == '\r' && q + 1 < r->end && q[1] == '\n';

      if (*q == r->delim || *q == '\n' || crlf)
        {
          cell->text = s;
          cell->len = (size_t) (q - s);
          *last = *q != r->delim;
          r->line += *last;
          r->p = q + 1 + crlf;
          return NN_OK;
        }
    }
  return read_field_slow (r, cell, last);
}

static inline bool
is_missing (const char *s,
            size_t      n)
{
  switch (n)
    {
    case 0:
      return true;
    case 1:
      return s[0] == '?';
    case 2:
      return (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'a';
    case 3:
      return (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'n';
    default:
      return false;
    }
}

/* Numbers */

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static bool
equals_lower (const char *s,
              size_t      n,
              const char *word)
{
  size_t i;

  for (i = 0; i < n && word[i] != '\0'; i++)
    if ((s[i] | 0x20) != word[i])
      return false;
  return i == n && word[i] == '\0';
}

/* Checks the syntax [blanks][±](digits[.digits]|.digits)[e[±]digits][blanks]
 * — no locale, no hex, no thousands separators, so "1,5" is not a number —
 * and keeps the first 19 significant digits. */
static num_status
scan_number (const char *s,
             size_t      len,
             num_scan   *n)
{
  const char *p = s, *e = s + len;
  bool digits = false;
  int kept = 0;

  while (p < e && (*p == ' ' || *p == '\t'))
    p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  memset (n, 0, sizeof *n);
  n->start = p;
  n->stop = e;
  n->exact = true;
  n->integer_form = true;
  if (p < e && (*p == '+' || *p == '-'))
    n->negative = *p++ == '-';
  if (p < e && ((*p | 0x20) == 'i' || (*p | 0x20) == 'n')
      && (equals_lower (p, (size_t) (e - p), "inf")
          || equals_lower (p, (size_t) (e - p), "infinity")
          || equals_lower (p, (size_t) (e - p), "nan")))
    return NUM_INFINITE;
  for (; p < e && is_digit (*p); p++)
    {
      digits = true;
      if (kept < 19 && (kept > 0 || *p != '0'))
        {
          n->mantissa = n->mantissa * 10 + (uint64_t) (*p - '0');
          kept++;
        }
      else if (kept == 19)
        {
          n->exponent++;
          n->exact &= *p == '0';
        }
    }
  if (p < e && *p == '.')
    {
      n->integer_form = false;
      for (p++; p < e && is_digit (*p); p++)
        {
          digits = true;
          n->fraction++;
          if (kept < 19 && (kept > 0 || *p != '0'))
            {
              n->mantissa = n->mantissa * 10 + (uint64_t) (*p - '0');
              kept++;
              n->exponent--;
            }
          else if (kept == 0)
            n->exponent--;
          else
            n->exact &= *p == '0';
        }
    }
  if (!digits)
    return NUM_BAD;
  if (p < e && (*p == 'e' || *p == 'E'))
    {
      bool negative = false;
      int64_t v = 0;

      n->integer_form = false;
      p++;
      if (p < e && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
      if (p == e || !is_digit (*p))
        return NUM_BAD;
      for (; p < e && is_digit (*p); p++)
        if (v < 1000000)
          v = v * 10 + (*p - '0');
      n->written_exp = negative ? -v : v;
      n->exponent += n->written_exp;
    }
  return p == e ? NUM_OK : NUM_BAD;
}

/* Converts a scanned number to the nearest float. When the mantissa and the
 * power of ten are both exact floats, one float multiplication or division
 * is correctly rounded (and the common case); otherwise strtof reads the
 * digits rewritten without a decimal point, the one thing its locale could
 * change. */
static num_status
scan_to_float (const num_scan *n,
               char           *buf,
               float          *out)
{
  static const float p10[] = { 1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f,
                               1e10f };
  const char *p = n->start;
  size_t o = 0;
  float v;

  if (n->mantissa == 0)
    {
      *out = n->negative ? -0.0f : 0.0f;
      return NUM_OK;
    }
#if FLT_EVAL_METHOD == 0
  if (n->exact && n->mantissa <= (1u << 24) && n->exponent >= -10 && n->exponent <= 10)
    {
      v = (float) n->mantissa;
      v = n->exponent < 0 ? v / p10[-n->exponent] : v * p10[n->exponent];
      *out = n->negative ? -v : v;
      return NUM_OK;
    }
#endif
  if (n->negative)
    buf[o++] = '-';
  for (; p < n->stop && *p != 'e' && *p != 'E'; p++)
    if (is_digit (*p))
      buf[o++] = *p;
  snprintf (buf + o, 32, "e%" PRId64, n->written_exp - (int64_t) n->fraction);
  v = strtof (buf, NULL);
  if (isinf (v))
    return NUM_RANGE;
  *out = v;
  return NUM_OK;
}

static num_status __attribute__ ((noinline))
parse_float_slow (const char *s,
                  size_t      len,
                  char       *buf,
                  float      *out)
{
  num_scan n;
  num_status st = scan_number (s, len, &n);

  return st == NUM_OK ? scan_to_float (&n, buf, out) : st;
}

static inline num_status
parse_float (const char *s,
             size_t      len,
             char       *buf,
             float      *out)
{
  const char *p = s, *e = s + len;
  uint32_t m = 0;
  int digits = 0, fraction = 0;

#if FLT_EVAL_METHOD == 0
  /* The common number, [-]digits[.digits] with a mantissa and a power of
   * ten that are exact floats, without the general scan. */
  if (p < e && *p == '-')
    p++;
  for (; p < e && is_digit (*p) && digits < 9; p++, digits++)
    m = 10 * m + (uint32_t) (*p - '0');
  if (p < e && *p == '.')
    for (p++; p < e && is_digit (*p) && digits < 9; p++, digits++, fraction++)
      m = 10 * m + (uint32_t) (*p - '0');
  if (p == e && digits > 0 && m <= (1u << 24) && fraction <= 10)
    {
      static const float p10[] = { 1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f,
                                   1e10f };
      float v = (float) m / p10[fraction];

      *out = *s == '-' ? -v : v;
      return NUM_OK;
    }
#endif
  return parse_float_slow (s, len, buf, out);
}

static nn_status
number_error (csv_reader *r,
              num_status  st,
              const csv_cell *cell,
              const char *bad_what)
{
  const char *what = st == NUM_INFINITE ? "infinite and NaN values are not accepted"
                     : st == NUM_RANGE ? "number out of the range of a float"
                     : bad_what;

  return cell_error (r, cell->line, cell->column, what, cell->text, cell->len);
}

/* Labels */

/* Classifies a label; integers, and whole numbers however written, get
 * their decimal value as key, so "07" and "7" are one class. */
static label_kind
label_key (const char  *text,
           size_t       len,
           char        *buf,
           const char **key,
           int64_t     *value)
{
  num_scan n;
  num_status st = scan_number (text, len, &n);
  uint64_t m = n.mantissa;
  int64_t e = n.exponent;

  *key = text;
  *value = 0;
  if (st == NUM_BAD)
    return LABEL_NAME;
  if (st != NUM_OK || !n.exact)
    return LABEL_FRACTION;
  while (m != 0 && e < 0 && m % 10 == 0)
    {
      m /= 10;
      e++;
    }
  if (m != 0 && e < 0)
    return LABEL_FRACTION;
  for (; m != 0 && e > 0; e--)
    {
      if (m > INT64_MAX / 10)
        return LABEL_FRACTION;
      m *= 10;
    }
  if (m > INT64_MAX)
    return LABEL_FRACTION;
  *value = n.negative ? -(int64_t) m : (int64_t) m;
  snprintf (buf, 32, "%" PRId64, *value);
  *key = buf;
  return n.integer_form ? LABEL_INT : LABEL_WHOLE;
}

static uint64_t
hash_key (const char *key)
{
  uint64_t h = 14695981039346656037u;

  for (; *key != '\0'; key++)
    h = (h ^ (unsigned char) *key) * 1099511628211u;
  return h;
}

/* The entry of @key, added when absent (NULL: out of memory). */
static label_entry *
label_set_add (label_set  *set,
               const char *key,
               label_kind  kind,
               int64_t     value)
{
  size_t mask, i;

  if (2 * (set->n + 1) > set->n_slots)
    {
      size_t n_slots = set->n_slots == 0 ? 64 : 2 * set->n_slots;
      uint32_t *slots = calloc (n_slots, sizeof *slots);

      if (slots == NULL || set->n >= UINT32_MAX - 1)
        {
          free (slots);
          return NULL;
        }
      for (size_t j = 0; j < set->n; j++)
        {
          for (i = hash_key (set->entries[j].key) & (n_slots - 1); slots[i] != 0;
               i = (i + 1) & (n_slots - 1))
            ;
          slots[i] = (uint32_t) j + 1;
        }
      free (set->slots);
      set->slots = slots;
      set->n_slots = n_slots;
    }
  mask = set->n_slots - 1;
  for (i = hash_key (key) & mask; set->slots[i] != 0; i = (i + 1) & mask)
    if (strcmp (set->entries[set->slots[i] - 1].key, key) == 0)
      return &set->entries[set->slots[i] - 1];
  if (set->n == set->cap)
    {
      size_t cap = set->cap == 0 ? 16 : 2 * set->cap;
      label_entry *entries = realloc (set->entries, cap * sizeof *entries);

      if (entries == NULL)
        return NULL;
      set->entries = entries;
      set->cap = cap;
    }
  set->entries[set->n].key = strdup (key);
  if (set->entries[set->n].key == NULL)
    return NULL;
  set->entries[set->n].kind = kind;
  set->entries[set->n].value = value;
  set->entries[set->n].id = 0;
  set->any[kind] = true;
  set->slots[i] = (uint32_t) ++set->n;
  return &set->entries[set->n - 1];
}

static label_entry *
label_set_find (const label_set *set,
                const char      *key)
{
  size_t mask = set->n_slots - 1;

  if (set->n_slots == 0)
    return NULL;
  for (size_t i = hash_key (key) & mask; set->slots[i] != 0; i = (i + 1) & mask)
    if (strcmp (set->entries[set->slots[i] - 1].key, key) == 0)
      return &set->entries[set->slots[i] - 1];
  return NULL;
}

static void
label_set_clear (label_set *set)
{
  for (size_t i = 0; i < set->n; i++)
    free (set->entries[i].key);
  free (set->entries);
  free (set->slots);
  memset (set, 0, sizeof *set);
}

static int
compare_by_key (const void *a,
                const void *b)
{
  return strcmp ((*(const label_entry *const *) a)->key, (*(const label_entry *const *) b)->key);
}

static int
compare_by_value (const void *a,
                  const void *b)
{
  int64_t x = (*(const label_entry *const *) a)->value;
  int64_t y = (*(const label_entry *const *) b)->value;

  return (x > y) - (x < y);
}

/* Structure: delimiter, header, columns */

/* The first of tab, ';' and ',' that splits the first records into the
 * same number (> 1) of fields. Tab and ';' come first because a ';' file
 * often has decimal commas, while a ',' file rarely has a ';' on every
 * line. Failing that, the one that splits the first record most; else ','. */
static char
sniff_delimiter (const char *data,
                 size_t      len,
                 char       *scratch)
{
  static const char candidates[] = { '\t', ';', ',' };
  char best = ',';
  size_t best_fields = 1;

  for (size_t c = 0; c < sizeof candidates; c++)
    {
      csv_reader r;
      csv_cell cell;
      size_t records = 0, first = 0;
      bool consistent = true;

      reader_init (&r, "", data, len, candidates[c], scratch, NULL);
      while (consistent && records < SNIFF_RECORDS && next_record (&r))
        {
          size_t fields = 0;
          bool last = false;

          while (consistent && !last)
            {
              consistent = read_field (&r, &cell, &last) == NN_OK
                           && ++fields <= NN_CSV_MAX_COLUMNS;
              if (records == 0)
                first = fields;
            }
          consistent &= records == 0 || fields == first;
          records++;
        }
      if (consistent && records > 0 && first > 1)
        return candidates[c];
      if (first > best_fields)
        {
          best = candidates[c];
          best_fields = first;
        }
    }
  return best;
}

typedef enum
{
  CELL_MISSING,
  CELL_NUMBER,
  CELL_TEXT,
} cell_kind;

static cell_kind
cell_kind_of (const csv_cell *cell)
{
  num_scan n;

  if (is_missing (cell->text, cell->len))
    return CELL_MISSING;
  return scan_number (cell->text, cell->len, &n) == NUM_OK ? CELL_NUMBER : CELL_TEXT;
}

/* Reads the first record: its width, its cells' kinds (then as many bytes
 * of room for detect_header) and texts. */
static nn_status
read_first_record (csv_reader     *r,
                   size_t         *ncols,
                   unsigned char **kinds,
                   char         ***texts)
{
  csv_reader start = *r;
  csv_cell cell;
  bool last = false;
  size_t n = 0;

  while (!last)
    {
      if (read_field (r, &cell, &last) != NN_OK)
        return NN_ERR_FORMAT;
      if (++n > NN_CSV_MAX_COLUMNS)
        return cell_error (r, cell.line, cell.column,
                           "more than " XSTR (NN_CSV_MAX_COLUMNS) " columns", r->record,
                           (size_t) (r->end - r->record));
    }
  *ncols = n;
  *kinds = calloc (n, 2);
  *texts = calloc (n, sizeof (char *));
  if (*kinds == NULL || *texts == NULL)
    return nn_error_set (r->err, NN_ERR_NOMEM, "%s: out of memory for %zu columns", r->name, n);
  *r = start;
  last = false;
  for (size_t c = 0; c < n; c++)
    {
      read_field (r, &cell, &last);
      (*kinds)[c] = (unsigned char) cell_kind_of (&cell);
      (*texts)[c] = strndup (cell.text, cell.len);
      if ((*texts)[c] == NULL)
        return nn_error_set (r->err, NN_ERR_NOMEM, "%s: out of memory for column names",
                             r->name);
    }
  return NN_OK;
}

/* A header when some column has text in the first record and a number in
 * the first of the next few records where it is not missing; with one
 * record only, when no cell is a number. @first holds the first record's
 * cell kinds, then @ncols bytes of room. */
static bool
detect_header (csv_reader    *r,
               unsigned char *first,
               size_t         ncols)
{
  csv_reader probe = *r;
  csv_cell cell;
  bool text = false;
  size_t open = 0;
  unsigned char *undecided = first + ncols;
  bool header = false;

  if (!next_record (&probe))
    {
      for (size_t c = 0; c < ncols; c++)
        {
          if (first[c] == CELL_NUMBER)
            return false;
          text |= first[c] == CELL_TEXT;
        }
      return text;
    }
  /* The columns still to look at: text in the first record, nothing but
   * missing cells below it so far. */
  for (size_t c = 0; c < ncols; c++)
    open += undecided[c] = first[c] == CELL_TEXT;
  for (size_t records = 0; !header && open > 0 && records < SNIFF_RECORDS; records++)
    {
      bool last = false;

      if (records > 0 && !next_record (&probe))
        break;
      for (size_t c = 0; c < ncols && !last && !header; c++)
        {
          cell_kind kind;

          if (read_field (&probe, &cell, &last) != NN_OK)
            {
              open = 0;
              break;
            }
          if (!undecided[c] || (kind = cell_kind_of (&cell)) == CELL_MISSING)
            continue;
          header = kind == CELL_NUMBER;
          undecided[c] = 0;
          open--;
        }
      while (!last && open > 0 && read_field (&probe, &cell, &last) == NN_OK)
        ;
    }
  return header;
}

/* "a, b, c, …" for a message. */
static void
list_columns (char        *out,
              size_t       size,
              char *const *names,
              size_t       ncols)
{
  size_t o = 0;

  out[0] = '\0';
  for (size_t c = 0; c < ncols; c++)
    {
      char quoted[QUOTED_SIZE];

      quote_text (quoted, names[c], strlen (names[c]));
      if (o + strlen (quoted) + 8 > size || o > 160)
        {
          snprintf (out + o, size - o, "…");
          return;
        }
      o += (size_t) snprintf (out + o, size - o, "%s%s", c > 0 ? ", " : "", quoted);
    }
}

/* Finds the column @spec names: a 1-based index, a negative one from the
 * end, or (with a header) a name. A number is always an index. */
static nn_status
find_column (const csv_reader *r,
             char *const      *names,
             size_t            ncols,
             const char       *what,
             const char       *spec,
             size_t            len,
             size_t           *col,
             nn_error         *err)
{
  char shown[QUOTED_SIZE], columns[256];
  size_t i = 0, found = ncols, index = 0;
  bool negative = false;

  while (len > 0 && spec[0] == ' ')
    spec++, len--;
  while (len > 0 && spec[len - 1] == ' ')
    len--;
  quote_text (shown, spec, len);
  if (len == 0)
    return nn_error_set (err, NN_ERR_INVALID, "an empty %s name", what);
  if (spec[0] == '-' || spec[0] == '+')
    negative = spec[i++] == '-';
  if (i < len && is_digit (spec[i]))
    {
      for (; i < len && is_digit (spec[i]); i++)
        index = index < 10 * (size_t) NN_CSV_MAX_COLUMNS ? 10 * index + (size_t) (spec[i] - '0')
                                                          : index;
      if (i == len)
        {
          if (index == 0 || index > ncols)
            return nn_error_set (err, NN_ERR_INVALID,
                                 "%s: no %s %s: the file has %zu column%s (1 to %zu, or -1 "
                                 "to -%zu from the end)", r->name, what, shown, ncols,
                                 ncols == 1 ? "" : "s", ncols, ncols);
          *col = negative ? ncols - index : index - 1;
          return NN_OK;
        }
    }
  if (names == NULL)
    return nn_error_set (err, NN_ERR_INVALID, "%s: no %s named '%s': the file has no header; "
                         "give a column number from 1 to %zu", r->name, what, shown, ncols);
  for (size_t c = 0; c < ncols; c++)
    if (strlen (names[c]) == len && memcmp (names[c], spec, len) == 0)
      {
        if (found < ncols)
          return nn_error_set (err, NN_ERR_INVALID, "%s: %s '%s' is ambiguous: columns %zu and "
                               "%zu have that name; give a column number", r->name, what,
                               shown, found + 1, c + 1);
        found = c;
      }
  if (found == ncols)
    {
      list_columns (columns, sizeof columns, names, ncols);
      return nn_error_set (err, NN_ERR_INVALID, "%s: no %s named '%s'; the columns are: %s",
                           r->name, what, shown, columns);
    }
  *col = found;
  return NN_OK;
}

/* Gives every column its role: the label (or targets) and the features. */
static nn_status
assign_roles (const csv_reader *r,
              csv_plan         *plan,
              char *const      *names,
              nn_error         *err)
{
  const nn_csv_options *opt = plan->opt;
  size_t ncols = plan->ncols, col, j = 0;
  nn_status status;

  /* 0 marks a column not yet given a role; features are numbered last. */
  plan->role = calloc (ncols, sizeof *plan->role);
  if (plan->role == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory for %zu columns", r->name, ncols);
  if (opt->target_columns != NULL && opt->target_columns[0] != '\0')
    {
      const char *s = opt->target_columns;

      for (;;)
        {
          const char *comma = strchr (s, ',');
          size_t len = comma != NULL ? (size_t) (comma - s) : strlen (s);

          status = find_column (r, names, ncols, "target column", s, len, &col, err);
          if (status != NN_OK)
            return status;
          if (plan->role[col] != 0)
            return nn_error_set (err, NN_ERR_INVALID, "%s: column %zu is given twice as a "
                                 "target", r->name, col + 1);
          plan->role[col] = ROLE_TARGET (plan->k);
          plan->k++;
          if (comma == NULL)
            break;
          s = comma + 1;
        }
    }
  else
    {
      col = ncols - 1;
      if (opt->label_column != NULL && opt->label_column[0] != '\0')
        {
          status = find_column (r, names, ncols, "label column", opt->label_column,
                                strlen (opt->label_column), &col, err);
          if (status != NN_OK)
            return status;
        }
      plan->collect = opt->task != NN_CSV_TASK_REGRESSION;
      plan->role[col] = plan->collect ? ROLE_LABEL : ROLE_TARGET (0);
      plan->k = 1;
    }
  for (size_t c = 0; c < ncols; c++)
    if (plan->role[c] == 0)
      plan->role[c] = (int32_t) j++;
  plan->d = j;
  if (j == 0)
    return ncols == 1
           ? nn_error_set (err, NN_ERR_FORMAT, "%s: no feature columns: the only column is the "
                           "label", r->name)
           : nn_error_set (err, NN_ERR_FORMAT, "%s: no feature columns: all %zu columns are "
                           "targets", r->name, ncols);
  return NN_OK;
}

/* The two passes */

/* A record of @found fields where the first had plan->ncols; with too
 * many, the cursor is after field ncols + 1 (at @line), and the rest are
 * counted. */
static nn_status
ragged_error (csv_reader     *r,
              const csv_plan *plan,
              size_t          found,
              bool            last,
              size_t          line)
{
  char what[160];
  const char *eol = memchr (r->record, '\n', (size_t) (r->end - r->record));
  size_t len = (size_t) ((eol != NULL ? eol : r->end) - r->record);

  if (len > 0 && r->record[len - 1] == '\r')
    len--;
  if (found > plan->ncols)
    {
      csv_cell cell;

      /* Count the rest, unless it is malformed too. */
      while (!last && found <= NN_CSV_MAX_COLUMNS)
        {
          if (read_field (r, &cell, &last) != NN_OK)
            {
              found = 0;
              break;
            }
          found++;
        }
      if (found > 0 && last)
        snprintf (what, sizeof what, "too many fields: expected %zu (as in line %zu), found %zu",
                  plan->ncols, plan->first_line, found);
      else if (found > 0)
        snprintf (what, sizeof what, "too many fields: expected %zu (as in line %zu), found "
                  "more than %zu", plan->ncols, plan->first_line, found - 1);
      else
        snprintf (what, sizeof what, "too many fields: expected %zu (as in line %zu)",
                  plan->ncols, plan->first_line);
      return cell_error (r, line, plan->ncols + 1, what, r->record, len);
    }
  snprintf (what, sizeof what, "too few fields: expected %zu (as in line %zu), found %zu",
            plan->ncols, plan->first_line, found);
  return cell_error (r, line, found + 1, what, r->record, len);
}

/* Pass 1: checks the structure, counts rows, finds missing cells and
 * collects the distinct labels. */
static nn_status
pass_count (csv_reader *r,
            csv_plan   *plan)
{
  nn_missing missing = plan->opt->missing;
  csv_cell cell, label = { 0 };
  char key_buf[32];

  while (next_record (r))
    {
      bool last = false, row_missing = false, have_label = false;
      size_t c = 0;

      while (!last)
        {
          if (read_field (r, &cell, &last) != NN_OK)
            return NN_ERR_FORMAT;
          if (c == plan->ncols)
            return ragged_error (r, plan, c + 1, last, cell.line);
          if (is_missing (cell.text, cell.len))
            {
              row_missing = true;
              if (missing == NN_MISSING_ERROR && plan->missing++ < MISSING_LISTED)
                {
                  plan->missing_at[plan->missing - 1][0] = cell.line;
                  plan->missing_at[plan->missing - 1][1] = cell.column;
                }
              else if (missing == NN_MISSING_MEAN && plan->role[c] < 0)
                note_problem (&plan->missing_label, r->name, cell.line, cell.column,
                              plan->role[c] == ROLE_LABEL
                              ? "a missing label cannot be filled with a mean"
                              : "a missing target cannot be filled with a mean",
                              cell.text, cell.len);
            }
          else if (plan->collect && plan->role[c] == ROLE_LABEL)
            {
              memcpy (plan->label_buf, cell.text, cell.len);
              plan->label_buf[cell.len] = '\0';
              label = cell;
              have_label = true;
            }
          c++;
        }
      if (c < plan->ncols)
        return ragged_error (r, plan, c, true, r->record_line);
      plan->rows++;
      if (row_missing && missing == NN_MISSING_DROP)
        continue;
      plan->kept++;
      if (have_label)
        {
          const char *key;
          int64_t value;
          label_kind kind = label_key (plan->label_buf, label.len, key_buf, &key, &value);

          if (label_set_add (&plan->labels, key, kind, value) == NULL)
            return nn_error_set (r->err, NN_ERR_NOMEM, "%s: out of memory for labels", r->name);
          if (kind == LABEL_FRACTION)
            note_problem (&plan->fraction, r->name, label.line, label.column,
                          "a class label must be a whole number or a name", plan->label_buf,
                          label.len);
        }
    }
  return NN_OK;
}

/* Pass 2: parses the numbers into @ds, or with @ds NULL only checks the
 * cells of the records starting up to line @stop_line. */
static nn_status
pass_fill (csv_reader *r,
           csv_plan   *plan,
           nn_dataset *ds,
           size_t      stop_line)
{
  size_t i = 0, d = plan->d, k = plan->k;
  csv_cell cell;
  char key_buf[32];

  while (next_record (r))
    {
      bool last = false, drop = false;
      bool store = ds != NULL && i < ds->n;
      float *x = store ? ds->x + i * d : plan->spare;
      float *t = store && ds->t != NULL ? ds->t + i * k : plan->spare + d;
      size_t c = 0;
      num_status st;

      if (ds == NULL && r->record_line > stop_line)
        break;
      plan->label_buf[0] = '\0';
      for (; !last && c < plan->ncols; c++)
        {
          int32_t role = plan->role[c];

          if (read_field (r, &cell, &last) != NN_OK)
            return NN_ERR_FORMAT;
          if (is_missing (cell.text, cell.len))
            {
              drop |= plan->opt->missing == NN_MISSING_DROP;
              if (role >= 0)
                x[role] = NAN;
            }
          else if (role >= 0)
            {
              st = parse_float (cell.text, cell.len, plan->num_buf, &x[role]);
              if (st != NUM_OK)
                return number_error (r, st, &cell, "not a number");
            }
          else if (plan->classification)
            {
              memcpy (plan->label_buf, cell.text, cell.len);
              plan->label_buf[cell.len] = '\0';
            }
          else
            {
              size_t target = role == ROLE_LABEL ? 0 : (size_t) (-2 - role);

              st = parse_float (cell.text, cell.len, plan->num_buf, &t[target]);
              if (st != NUM_OK)
                return number_error (r, st, &cell, "regression target is not a number");
            }
        }
      if (!last || c < plan->ncols)
        return nn_error_set (r->err, NN_ERR_FORMAT, "%s:%zu: inconsistent record (a bug)",
                             r->name, r->record_line);
      if (drop)
        continue;
      if (store && ds->y != NULL)
        {
          const char *key;
          int64_t value;
          label_entry *entry;

          label_key (plan->label_buf, strlen (plan->label_buf), key_buf, &key, &value);
          entry = label_set_find (&plan->labels, key);
          if (entry == NULL)
            return nn_error_set (r->err, NN_ERR_FORMAT, "%s:%zu: unknown label (a bug)",
                                 r->name, r->record_line);
          ds->y[i] = entry->id;
        }
      i++;
    }
  return NN_OK;
}

/* Classes or regression, from the labels pass 1 saw. */
static nn_status
decide_task (csv_plan *plan,
             nn_error *err)
{
  label_set *set = &plan->labels;
  label_entry **order;
  bool by_name = set->any[LABEL_NAME];

  if (!plan->collect)
    return NN_OK;
  if (!by_name && plan->opt->task == NN_CSV_TASK_AUTO
      && (set->any[LABEL_FRACTION] || set->any[LABEL_WHOLE] || set->n > NN_CSV_MAX_AUTO_CLASSES))
    return NN_OK;
  plan->classification = true;
  plan->k = set->n;
  if (by_name)
    plan->fraction.line = 0;
  order = malloc ((set->n > 0 ? set->n : 1) * sizeof *order);
  if (order == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "out of memory for %zu classes", set->n);
  for (size_t i = 0; i < set->n; i++)
    order[i] = &set->entries[i];
  qsort (order, set->n, sizeof *order, by_name ? compare_by_key : compare_by_value);
  for (size_t i = 0; i < set->n; i++)
    order[i]->id = (int32_t) i;
  free (order);
  return NN_OK;
}

static void
missing_message (const csv_plan *plan,
                 const char     *name,
                 char           *out,
                 size_t          size)
{
  size_t listed = plan->missing < MISSING_LISTED ? plan->missing : MISSING_LISTED;
  int o = snprintf (out, size, "%s: %zu missing cell%s, %s", name, plan->missing,
                    plan->missing == 1 ? "" : "s", plan->missing > listed ? "first at" : "at");

  for (size_t i = 0; i < listed && o > 0 && (size_t) o < size; i++)
    o += snprintf (out + o, size - (size_t) o, "%s %zu:%zu", i > 0 ? "," : "",
                   plan->missing_at[i][0], plan->missing_at[i][1]);
  if (o > 0 && (size_t) o < size)
    snprintf (out + o, size - (size_t) o, "%s; use --missing drop or --missing mean",
              plan->missing > listed ? ", …" : "");
}

static bool
before (size_t line_a,
        size_t column_a,
        size_t line_b,
        size_t column_b)
{
  return line_a < line_b || (line_a == line_b && column_a < column_b);
}

nn_dataset *
nn_csv_parse (const char           *name,
              const char           *data,
              size_t                len,
              const nn_csv_options *options,
              nn_error             *err)
{
  nn_csv_options defaults = nn_csv_options_default ();
  const nn_csv_options *opt = options != NULL ? options : &defaults;
  csv_plan plan = { .opt = opt };
  csv_reader r, start;
  csv_problem problem = { 0 };
  unsigned char *kinds = NULL;
  char **texts = NULL, *buffers = NULL;
  char delim = opt->delimiter;
  bool header;
  nn_dataset *ds = NULL;

  if (name == NULL)
    name = "(data)";
  if (data == NULL && len > 0)
    {
      nn_error_set (err, NN_ERR_INVALID, "%s: no data", name);
      return NULL;
    }
  if (opt->header < -1 || opt->header > 1 || (unsigned) opt->task > NN_CSV_TASK_REGRESSION
      || (unsigned) opt->missing > NN_MISSING_MEAN
      || (delim != 0 && strchr (",;\t|:", delim) == NULL))
    {
      nn_error_set (err, NN_ERR_INVALID, "invalid CSV options (header %d, delimiter 0x%02x, "
                    "task %d, missing %d)", opt->header, (unsigned char) delim, (int) opt->task,
                    (int) opt->missing);
      return NULL;
    }
  if (opt->task == NN_CSV_TASK_CLASSIFICATION && opt->target_columns != NULL
      && opt->target_columns[0] != '\0')
    {
      nn_error_set (err, NN_ERR_INVALID, "target columns are for regression; a classification "
                    "takes one label column");
      return NULL;
    }
  if (data == NULL)
    data = "";

  /* One block: the unescaped cell, the row's label, a number for strtof. */
  buffers = malloc (3 * (NN_CSV_MAX_CELL + 64));
  if (buffers == NULL)
    {
      nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory", name);
      return NULL;
    }
  plan.label_buf = buffers + NN_CSV_MAX_CELL + 64;
  plan.num_buf = buffers + 2 * (NN_CSV_MAX_CELL + 64);

  if (delim == 0)
    delim = sniff_delimiter (data, len, buffers);
  reader_init (&r, name, data, len, delim, buffers, err);
  if (!next_record (&r))
    {
      nn_error_set (err, NN_ERR_FORMAT, "%s: empty file", name);
      goto out;
    }
  start = r;
  plan.first_line = r.record_line;
  if (read_first_record (&r, &plan.ncols, &kinds, &texts) != NN_OK)
    goto out;
  header = opt->header == 1 || (opt->header == -1 && detect_header (&r, kinds, plan.ncols));
  if (!header)
    r = start;
  else
    {
      csv_reader probe = r;

      if (!next_record (&probe))
        {
          nn_error_set (err, NN_ERR_FORMAT, "%s: a header but no data rows", name);
          goto out;
        }
    }
  start = r;
  if (assign_roles (&r, &plan, header ? texts : NULL, err) != NN_OK)
    goto out;

  if (pass_count (&r, &plan) != NN_OK)
    goto out;
  if (plan.rows == 0)
    {
      nn_error_set (err, NN_ERR_FORMAT, "%s: a header but no data rows", name);
      goto out;
    }
  if (decide_task (&plan, err) != NN_OK)
    goto out;
  plan.spare = malloc ((plan.d + plan.k) * sizeof (float));
  if (plan.spare == NULL)
    {
      nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory", name);
      goto out;
    }

  /* Of the problems pass 1 noted, the first in the file; a bad cell before
   * it is reported instead, so messages follow the order of the file. */
  if (plan.kept == 0)
    {
      problem.line = SIZE_MAX;
      snprintf (problem.msg, sizeof problem.msg, "%s: every data row has a missing cell, so "
                "dropping them leaves none", name);
    }
  if (plan.missing > 0)
    {
      problem.line = plan.missing_at[0][0];
      problem.column = plan.missing_at[0][1];
      missing_message (&plan, name, problem.msg, sizeof problem.msg);
    }
  if (plan.missing_label.line != 0
      && (problem.line == 0 || before (plan.missing_label.line, plan.missing_label.column,
                                       problem.line, problem.column)))
    problem = plan.missing_label;
  if (plan.classification && plan.fraction.line != 0
      && (problem.line == 0 || before (plan.fraction.line, plan.fraction.column,
                                       problem.line, problem.column)))
    problem = plan.fraction;
  if (problem.line != 0)
    {
      r = start;
      if (pass_fill (&r, &plan, NULL, problem.line) == NN_OK
          || !before (r.err_line, r.err_column, problem.line, problem.column))
        nn_error_set (err, NN_ERR_FORMAT, "%s", problem.msg);
      goto out;
    }

  ds = nn_dataset_new (plan.classification ? NN_TASK_CLASSIFICATION : NN_TASK_REGRESSION,
                       plan.kept, plan.d, plan.k, err);
  if (ds == NULL)
    goto out;
  r = start;
  if (pass_fill (&r, &plan, ds, 0) != NN_OK)
    goto fail;
  for (size_t c = 0; c < plan.ncols; c++)
    if (plan.role[c] >= 0)
      {
        char fallback[32];
        const char *feature = header && texts[c][0] != '\0' ? texts[c] : fallback;

        snprintf (fallback, sizeof fallback, "x%" PRId32, plan.role[c] + 1);
        if (nn_dataset_set_feature_name (ds, (size_t) plan.role[c], feature, err) != NN_OK)
          goto fail;
      }
  for (size_t i = 0; plan.classification && i < plan.labels.n; i++)
    if (nn_dataset_set_class_name (ds, (size_t) plan.labels.entries[i].id,
                                   plan.labels.entries[i].key, err) != NN_OK)
      goto fail;
  goto out;

fail:
  nn_dataset_free (ds);
  ds = NULL;
out:
  for (size_t c = 0; texts != NULL && c < plan.ncols; c++)
    free (texts[c]);
  free (texts);
  free (kinds);
  free (plan.role);
  free (plan.spare);
  label_set_clear (&plan.labels);
  free (buffers);
  return ds;
}

/* Files */

/* Reads a whole file, through zlib so that gzip data is decompressed
 * whatever the name; plain files pass through unchanged. */
static nn_status
read_file (const char *path,
           char      **out,
           size_t     *out_len,
           nn_error   *err)
{
  const uint64_t limit = CSV_MAX_BYTES < SIZE_MAX - 1 ? CSV_MAX_BYTES : SIZE_MAX - 1;
  struct stat st;
  gzFile gz;
  char *buf = NULL;
  size_t cap, len = 0;
  int errnum;
  nn_status status = NN_OK;

  if (stat (path, &st) != 0)
    return nn_error_set (err, NN_ERR_IO, "%s: %s", path, strerror (errno));
  if (S_ISDIR (st.st_mode))
    return nn_error_set (err, NN_ERR_IO, "%s: a folder, not a CSV file", path);
  gz = gzopen (path, "rbe");
  if (gz == NULL)
    return nn_error_set (err, NN_ERR_IO, "%s: %s", path,
                         errno != 0 ? strerror (errno) : "cannot open");
  gzbuffer (gz, 1 << 17);
  if (gzdirect (gz) && (uint64_t) st.st_size > limit)
    {
      gzclose_r (gz);
      return nn_error_set (err, NN_ERR_NOMEM, "%s: larger than 4 GiB, the most Backprop reads",
                           path);
    }
  /* A plain file's size is known; a gzip stream grows its buffer. */
  cap = gzdirect (gz) ? (size_t) st.st_size + 1 : (size_t) 1 << 20;
  for (;;)
    {
      int n;

      if (buf == NULL || len == cap)
        {
          size_t next = buf == NULL ? cap : (uint64_t) cap * 2 > limit + 1 ? limit + 1 : cap * 2;
          char *grown;

          if (buf != NULL && cap == limit + 1)
            {
              status = nn_error_set (err, NN_ERR_NOMEM, "%s: larger than 4 GiB uncompressed, "
                                     "the most Backprop reads", path);
              break;
            }
          grown = realloc (buf, next);
          if (grown == NULL)
            {
              status = nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory reading %zu bytes",
                                     path, next);
              break;
            }
          buf = grown;
          cap = next;
        }
      n = gzread (gz, buf + len, (unsigned) (cap - len < (1u << 30) ? cap - len : 1u << 30));
      if (n < 0)
        {
          const char *what = gzerror (gz, &errnum);
          size_t path_len = strlen (path);

          /* zlib puts the path in front of its message; the message has it already. */
          if (strncmp (what, path, path_len) == 0 && strncmp (what + path_len, ": ", 2) == 0)
            what += path_len + 2;

          if (errnum == Z_ERRNO)
            status = nn_error_set (err, NN_ERR_IO, "%s: %s", path, strerror (errno));
          else if (errnum == Z_MEM_ERROR)
            status = nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory", path);
          else
            status = nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt gzip stream (%s)", path,
                                   what);
          break;
        }
      if (n == 0)
        break;
      len += (size_t) n;
    }
  if (status == NN_OK && len > limit)
    status = nn_error_set (err, NN_ERR_NOMEM, "%s: larger than 4 GiB uncompressed, the most "
                           "Backprop reads", path);
  errnum = gzclose_r (gz);
  if (status == NN_OK && errnum != Z_OK)
    status = nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt gzip stream (%s)", path,
                           errnum == Z_BUF_ERROR ? "it ends early" : "cannot be read");
  if (status != NN_OK)
    {
      free (buf);
      return status;
    }
  *out = buf;
  *out_len = len;
  return NN_OK;
}

nn_dataset *
nn_csv_load (const char           *path,
             const nn_csv_options *options,
             nn_error             *err)
{
  char *data = NULL;
  size_t len = 0;
  nn_dataset *ds;

  if (path == NULL)
    {
      nn_error_set (err, NN_ERR_INVALID, "no CSV file given");
      return NULL;
    }
  if (read_file (path, &data, &len, err) != NN_OK)
    return NULL;
  ds = nn_csv_parse (path, data, len, options, err);
  free (data);
  return ds;
}

/* Missing values */

void
nn_dataset_fill_missing (nn_dataset       *ds,
                         const nn_dataset *train,
                         float            *means)
{
  /* Columns in blocks, so both passes read rows contiguously without a
   * heap buffer (this function cannot report a failed allocation). */
  enum { BLOCK = 64 };
  size_t d;

  if (ds == NULL || train == NULL || train->d != ds->d)
    return;
  d = ds->d;
  for (size_t j0 = 0; j0 < d; j0 += BLOCK)
    {
      size_t w = d - j0 < BLOCK ? d - j0 : BLOCK;
      double sum[BLOCK] = { 0 };
      size_t count[BLOCK] = { 0 };
      float mean[BLOCK];

      for (size_t i = 0; i < train->n; i++)
        {
          const float *row = train->x + i * d + j0;

          for (size_t j = 0; j < w; j++)
            if (!isnan (row[j]))
              {
                sum[j] += row[j];
                count[j]++;
              }
        }
      for (size_t j = 0; j < w; j++)
        {
          mean[j] = count[j] > 0 ? (float) (sum[j] / (double) count[j]) : 0.0f;
          if (means != NULL)
            means[j0 + j] = mean[j];
        }
      for (size_t i = 0; i < ds->n; i++)
        {
          float *row = ds->x + i * d + j0;

          for (size_t j = 0; j < w; j++)
            if (isnan (row[j]))
              row[j] = mean[j];
        }
    }
}
