/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "idx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Files are read through two fixed buffers (compressed input, inflated
 * output), so reading costs the same few hundred KiB whatever the size. */
#define IDX_BUFFER_SIZE ((size_t) 64 * 1024)

/* Labels are class ids; a larger one is far more likely a misread file than
 * a real class, and would make a class-name table of that size. */
#define IDX_MAX_LABEL 65535

/* Deflate emits at most 258 bytes per 2 bits (a length-258 match with one-bit
 * codes), so n compressed bytes never inflate to more than 1032 · n. A header
 * promising more than that is refused before anything is allocated. */
#define IDX_DEFLATE_MAX_RATIO 1032

/* Counting the extra bytes of an inflated stream stops here, so a gzip bomb
 * behind valid data cannot keep the loader busy for long. */
#define IDX_MAX_JUNK_COUNT ((uint64_t) 1 << 30)

enum
{
  IDX_U8 = 0x08,
  IDX_I8 = 0x09,
  IDX_I16 = 0x0B,
  IDX_I32 = 0x0C,
  IDX_F32 = 0x0D,
  IDX_F64 = 0x0E,
};

/* A byte stream from memory or a file descriptor, plain or gzip, handed out
 * as chunks of decoded bytes. */
typedef struct
{
  const char          *name;
  int                  fd;           /* -1 when reading memory */
  const unsigned char *raw;          /* memory input, or raw_buf for a file */
  size_t               raw_len;
  size_t               raw_pos;
  unsigned char       *raw_buf;      /* [IDX_BUFFER_SIZE], files only */
  bool                 raw_eof;
  bool                 size_known;
  uint64_t             raw_size;     /* bytes in the file or memory, when known */
  bool                 gzip;
  bool                 z_ready;
  bool                 member_end;   /* a gzip member ended; another may follow */
  z_stream             z;
  unsigned char       *out;          /* [IDX_BUFFER_SIZE] inflated bytes, gzip only */
  const unsigned char *chunk;        /* decoded bytes not yet consumed */
  size_t               chunk_len;
  bool                 at_end;
  uint64_t             decoded;      /* decoded bytes consumed */
  uint64_t             expected;     /* decoded bytes the header promises, 0 before it is read */
} idx_reader;

/* One IDX file: its reader and what its header says. */
typedef struct
{
  idx_reader r;
  unsigned   type;
  unsigned   ndims;
  uint32_t   dims[255];
  size_t     header_len;
  size_t     count;       /* items: the first dimension */
  size_t     item;        /* values per item: the product of the other dimensions */
  uint64_t   data_bytes;
} idx_file;

/* gzip_cut_off finds the header of a reader's file from the reader. */
_Static_assert (offsetof (idx_file, r) == 0, "the reader comes first in idx_file");

/* An image file and its label file. */
typedef struct
{
  idx_file images;
  idx_file labels;
  bool     open;
} idx_pair;

static const char *const fashion_mnist_classes[] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

static const char *const mnist_classes[] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
};

typedef struct
{
  const char        *name;
  const char        *title;
  const char        *dir;
  const char *const *classes;
  size_t             k;
} idx_named_set;

static const idx_named_set named_sets[] = {
  { "fashion-mnist", "Fashion-MNIST", NN_IDX_FASHION_MNIST_DIR, fashion_mnist_classes, 10 },
  { "mnist", "MNIST", NN_IDX_MNIST_DIR, mnist_classes, 10 },
};

static const char *const file_names[4] = {
  "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

/* Element types */

static size_t
type_size (unsigned type)
{
  switch (type)
    {
    case IDX_U8:
    case IDX_I8:
      return 1;
    case IDX_I16:
      return 2;
    case IDX_I32:
    case IDX_F32:
      return 4;
    case IDX_F64:
      return 8;
    default:
      return 0;
    }
}

static const char *
type_name (unsigned type)
{
  switch (type)
    {
    case IDX_U8: return "u8";
    case IDX_I8: return "i8";
    case IDX_I16: return "i16";
    case IDX_I32: return "i32";
    case IDX_F32: return "f32";
    case IDX_F64: return "f64";
    default: return "unknown";
    }
}

static inline uint32_t
be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static inline uint64_t
be64 (const unsigned char *p)
{
  return (uint64_t) be32 (p) << 32 | be32 (p + 4);
}

/* Converts @n values of @type at @p to floats; u8 through @u8_table. */
static void
decode_floats (unsigned             type,
               const unsigned char *p,
               size_t               n,
               float               *dst,
               const float         *u8_table)
{
  switch (type)
    {
    case IDX_U8:
      for (size_t i = 0; i < n; i++)
        dst[i] = u8_table[p[i]];
      break;
    case IDX_I8:
      for (size_t i = 0; i < n; i++)
        dst[i] = (float) (int8_t) p[i];
      break;
    case IDX_I16:
      for (size_t i = 0; i < n; i++)
        dst[i] = (float) (int16_t) (uint16_t) (p[2 * i] << 8 | p[2 * i + 1]);
      break;
    case IDX_I32:
      for (size_t i = 0; i < n; i++)
        dst[i] = (float) (int32_t) be32 (p + 4 * i);
      break;
    case IDX_F32:
      for (size_t i = 0; i < n; i++)
        {
          uint32_t bits = be32 (p + 4 * i);
          float v;

          memcpy (&v, &bits, sizeof v);
          dst[i] = v;
        }
      break;
    case IDX_F64:
      for (size_t i = 0; i < n; i++)
        {
          uint64_t bits = be64 (p + 8 * i);
          double v;

          memcpy (&v, &bits, sizeof v);
          dst[i] = (float) v;
        }
      break;
    default:
      break;
    }
}

/* Converts @n integer labels of @type at @p to class ids; returns the index
 * (within the @n) of the first one outside [0, IDX_MAX_LABEL], or @n, and
 * raises *@max to the largest one seen. */
static size_t
decode_labels (unsigned             type,
               const unsigned char *p,
               size_t               n,
               int32_t             *dst,
               int64_t             *bad,
               int32_t             *max)
{
  for (size_t i = 0; i < n; i++)
    {
      int64_t v;

      switch (type)
        {
        case IDX_U8: v = p[i]; break;
        case IDX_I8: v = (int8_t) p[i]; break;
        case IDX_I16: v = (int16_t) (uint16_t) (p[2 * i] << 8 | p[2 * i + 1]); break;
        case IDX_I32: v = (int32_t) be32 (p + 4 * i); break;
        default: v = -1; break;
        }
      if (v < 0 || v > IDX_MAX_LABEL)
        {
          *bad = v;
          return i;
        }
      dst[i] = (int32_t) v;
      if (dst[i] > *max)
        *max = dst[i];
    }
  return n;
}

/* Reading */

static void
reader_init (idx_reader *r,
             const char *name)
{
  memset (r, 0, sizeof *r);
  r->name = name;
  r->fd = -1;
}

static void
reader_close (idx_reader *r)
{
  if (r->z_ready)
    inflateEnd (&r->z);
  if (r->fd >= 0)
    close (r->fd);
  free (r->raw_buf);
  free (r->out);
  reader_init (r, r->name);
}

static nn_status
nomem (nn_error   *err,
       const char *name)
{
  return nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory for the read buffers", name);
}

/* Reads more of a file into raw_buf, keeping its unread bytes; *@got says
 * how many came (0 at the end of the file, or for memory). */
static nn_status
raw_refill (idx_reader *r,
            size_t     *got,
            nn_error   *err)
{
  size_t keep = r->raw_len - r->raw_pos;

  *got = 0;
  if (r->fd < 0 || r->raw_eof)
    return NN_OK;
  memmove (r->raw_buf, r->raw_buf + r->raw_pos, keep);
  r->raw_len = keep;
  r->raw_pos = 0;
  for (;;)
    {
      ssize_t n = read (r->fd, r->raw_buf + r->raw_len, IDX_BUFFER_SIZE - r->raw_len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return nn_error_set (err, NN_ERR_IO, "%s: %s", r->name, strerror (errno));
      if (n == 0)
        r->raw_eof = true;
      r->raw_len += (size_t) n;
      *got = (size_t) n;
      return NN_OK;
    }
}

/* Makes at least @need raw bytes available when the input has them. */
static nn_status
raw_ensure (idx_reader *r,
            size_t      need,
            nn_error   *err)
{
  while (r->raw_len - r->raw_pos < need)
    {
      size_t got;
      nn_status st = raw_refill (r, &got, err);

      if (st != NN_OK)
        return st;
      if (got == 0)
        break;
    }
  return NN_OK;
}

/* Decides between plain and gzip by the first two bytes, as gzip(1) does:
 * a name ending in .gz says nothing about the content. */
static nn_status
reader_start (idx_reader *r,
              nn_error   *err)
{
  nn_status st = raw_ensure (r, 2, err);

  if (st != NN_OK)
    return st;
  if (r->raw_len - r->raw_pos >= 2 && r->raw[r->raw_pos] == 0x1f
      && r->raw[r->raw_pos + 1] == 0x8b)
    {
      r->gzip = true;
      r->out = malloc (IDX_BUFFER_SIZE);
      if (r->out == NULL)
        return nomem (err, r->name);
      /* 16 + MAX_WBITS: a gzip wrapper, whose CRC-32 and length inflate checks. */
      if (inflateInit2 (&r->z, 16 + MAX_WBITS) != Z_OK)
        return nomem (err, r->name);
      r->z_ready = true;
    }
  return NN_OK;
}

static nn_status
reader_open_mem (idx_reader          *r,
                 const char          *name,
                 const unsigned char *data,
                 size_t               len,
                 nn_error            *err)
{
  reader_init (r, name);
  r->raw = data;
  r->raw_len = len;
  r->raw_eof = true;
  r->size_known = true;
  r->raw_size = len;
  return reader_start (r, err);
}

static nn_status
reader_open_file (idx_reader *r,
                  const char *path,
                  nn_error   *err)
{
  struct stat sb;

  reader_init (r, path);
  r->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (r->fd < 0)
    return nn_error_set (err, NN_ERR_IO, "%s: %s", path, strerror (errno));
  if (fstat (r->fd, &sb) != 0)
    return nn_error_set (err, NN_ERR_IO, "%s: %s", path, strerror (errno));
  if (S_ISDIR (sb.st_mode))
    return nn_error_set (err, NN_ERR_IO, "%s: %s", path, strerror (EISDIR));
  /* Pipes and devices report no size; they are read without the early
   * size checks, and a short or long stream is still caught while reading. */
  if (S_ISREG (sb.st_mode))
    {
      r->size_known = true;
      r->raw_size = (uint64_t) sb.st_size;
    }
  r->raw_buf = malloc (IDX_BUFFER_SIZE);
  if (r->raw_buf == NULL)
    return nomem (err, path);
  r->raw = r->raw_buf;
  return reader_start (r, err);
}

/* Counts the raw bytes left in the input, reading a file to its end. */
static nn_status
raw_count_rest (idx_reader *r,
                uint64_t   *rest,
                nn_error   *err)
{
  *rest = r->raw_len - r->raw_pos;
  r->raw_pos = r->raw_len;
  for (;;)
    {
      size_t got;
      nn_status st = raw_refill (r, &got, err);

      if (st != NN_OK)
        return st;
      if (got == 0)
        return NN_OK;
      *rest += got;
      r->raw_pos = r->raw_len;
    }
}

static nn_status gzip_cut_off (idx_reader *r,
                               nn_error   *err);

/* Inflates the next chunk into r->out; at the end of the last member sets
 * r->at_end. */
static nn_status
gzip_fill (idx_reader *r,
           nn_error   *err)
{
  nn_status st;

  for (;;)
    {
      size_t in_before, produced;
      int ret;

      if (r->member_end)
        {
          size_t avail;

          /* gzip files may be concatenated members; anything else after the
           * stream is not ours to ignore. */
          st = raw_ensure (r, 2, err);
          if (st != NN_OK)
            return st;
          avail = r->raw_len - r->raw_pos;
          if (avail == 0)
            {
              r->at_end = true;
              return NN_OK;
            }
          if (avail >= 2 && r->raw[r->raw_pos] == 0x1f && r->raw[r->raw_pos + 1] == 0x8b)
            {
              inflateReset (&r->z);
              r->member_end = false;
            }
          else
            {
              uint64_t junk;

              st = raw_count_rest (r, &junk, err);
              if (st != NN_OK)
                return st;
              return nn_error_set (err, NN_ERR_FORMAT, "%s: %llu bytes of junk follow the gzip "
                                   "stream", r->name, (unsigned long long) junk);
            }
        }
      if (r->raw_pos == r->raw_len)
        {
          size_t got;

          st = raw_refill (r, &got, err);
          if (st != NN_OK)
            return st;
          if (got == 0)
            return gzip_cut_off (r, err);
        }
      in_before = r->raw_len - r->raw_pos;
      if (in_before > UINT_MAX)
        in_before = UINT_MAX;
      r->z.next_in = (unsigned char *) (r->raw + r->raw_pos);
      r->z.avail_in = (uInt) in_before;
      r->z.next_out = r->out;
      r->z.avail_out = (uInt) IDX_BUFFER_SIZE;
      ret = inflate (&r->z, Z_NO_FLUSH);
      r->raw_pos += in_before - r->z.avail_in;
      produced = IDX_BUFFER_SIZE - r->z.avail_out;
      switch (ret)
        {
        case Z_STREAM_END:
          r->member_end = true;
          break;
        case Z_OK:
          break;
        case Z_BUF_ERROR:
          /* No progress with input and room to spare cannot happen; refuse
           * rather than spin if it ever does. */
          if (in_before > 0)
            return nn_error_set (err, NN_ERR_FORMAT, "%s: the gzip stream is corrupt", r->name);
          break;
        case Z_MEM_ERROR:
          return nomem (err, r->name);
        default:
          return nn_error_set (err, NN_ERR_FORMAT, "%s: the gzip stream is corrupt (%s)", r->name,
                               r->z.msg != NULL ? r->z.msg : "zlib error");
        }
      if (produced > 0)
        {
          r->chunk = r->out;
          r->chunk_len = produced;
          return NN_OK;
        }
    }
}

static nn_status
plain_fill (idx_reader *r,
            nn_error   *err)
{
  if (r->raw_pos == r->raw_len)
    {
      size_t got;
      nn_status st = raw_refill (r, &got, err);

      if (st != NN_OK)
        return st;
      if (got == 0)
        {
          r->at_end = true;
          return NN_OK;
        }
    }
  /* Memory is handed out in place: parsing a buffer copies nothing. */
  r->chunk = r->raw + r->raw_pos;
  r->chunk_len = r->raw_len - r->raw_pos;
  r->raw_pos = r->raw_len;
  return NN_OK;
}

/* The decoded bytes not yet consumed: *@len is 0 at the end of the stream. */
static nn_status
reader_chunk (idx_reader           *r,
              const unsigned char **p,
              size_t               *len,
              nn_error             *err)
{
  if (r->chunk_len == 0 && !r->at_end)
    {
      nn_status st = r->gzip ? gzip_fill (r, err) : plain_fill (r, err);

      if (st != NN_OK)
        return st;
    }
  *p = r->chunk;
  *len = r->chunk_len;
  return NN_OK;
}

static void
reader_consume (idx_reader *r,
                size_t      n)
{
  r->chunk += n;
  r->chunk_len -= n;
  r->decoded += n;
}

/* Copies up to @n decoded bytes into @dst; *@got says how many there were. */
static nn_status
reader_read (idx_reader    *r,
             unsigned char *dst,
             size_t         n,
             size_t        *got,
             nn_error      *err)
{
  *got = 0;
  while (*got < n)
    {
      const unsigned char *p;
      size_t len;
      nn_status st = reader_chunk (r, &p, &len, err);

      if (st != NN_OK)
        return st;
      if (len == 0)
        break;
      if (len > n - *got)
        len = n - *got;
      memcpy (dst + *got, p, len);
      reader_consume (r, len);
      *got += len;
    }
  return NN_OK;
}

/* Headers */

/* "60000 × 28 × 28", shortened with "…" when it does not fit. */
static void
format_shape (const idx_file *f,
              char           *buf,
              size_t          len)
{
  size_t used = 0;

  buf[0] = '\0';
  for (unsigned i = 0; i < f->ndims; i++)
    {
      int n = snprintf (buf + used, len - used, "%s%lu", i > 0 ? " × " : "",
                        (unsigned long) f->dims[i]);

      if (n < 0 || (size_t) n >= len - used)
        {
          if (used + sizeof " × …" <= len)
            strcpy (buf + used, " × …");
          else
            buf[used] = '\0';
          return;
        }
      used += (size_t) n;
    }
}

/* What the header promises, in words: "60000 × 28 × 28 = 47040000 bytes",
 * "10 × 3 i16 values = 60 bytes", "100 bytes". */
static void
format_data_size (const idx_file *f,
                  char           *buf,
                  size_t          len)
{
  char shape[160];

  format_shape (f, shape, sizeof shape);
  if (type_size (f->type) > 1)
    snprintf (buf, len, "%s %s values = %llu bytes", shape, type_name (f->type),
              (unsigned long long) f->data_bytes);
  else if (f->ndims > 1)
    snprintf (buf, len, "%s = %llu bytes", shape, (unsigned long long) f->data_bytes);
  else
    snprintf (buf, len, "%llu bytes", (unsigned long long) f->data_bytes);
}

/* A gzip stream that stops before its end: a download cut short. Every
 * reader is the first member of an idx_file, whose header says how much
 * was due. */
static nn_status
gzip_cut_off (idx_reader *r,
              nn_error   *err)
{
  const idx_file *f = (const idx_file *) r;
  char size[256];

  if (f->r.expected == 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the gzip stream is cut off inside the IDX "
                         "header (the file is truncated)", r->name);
  if (r->decoded >= f->r.expected)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the gzip stream is cut off after the data "
                         "(the file is truncated)", r->name);
  format_data_size (f, size, sizeof size);
  return nn_error_set (err, NN_ERR_FORMAT, "%s: the gzip stream is cut off after %llu of the %s "
                       "of data the header promises (the file is truncated)", r->name,
                       (unsigned long long) (r->decoded - f->header_len), size);
}

static nn_status
short_data (const idx_file *f,
            uint64_t        have,
            nn_error       *err)
{
  char size[256];

  format_data_size (f, size, sizeof size);
  return nn_error_set (err, NN_ERR_FORMAT, "%s: the header promises %s of data but the file "
                       "holds %llu after the header", f->r.name, size,
                       (unsigned long long) have);
}

static nn_status
extra_data (const idx_file *f,
            uint64_t        extra,
            bool            more,
            nn_error       *err)
{
  char size[256];

  format_data_size (f, size, sizeof size);
  return nn_error_set (err, NN_ERR_FORMAT, "%s: the file holds %s%llu bytes more than the %s of "
                       "data the header promises", f->r.name, more ? "over " : "",
                       (unsigned long long) extra, size);
}

/* Reads and checks the header of @f, whose reader is open: everything that
 * can be known before allocating, so a lying header costs nothing. */
static nn_status
parse_header (idx_file *f,
              bool      labels,
              nn_error *err)
{
  const char *name = f->r.name;
  unsigned char head[4], dims[4 * 255];
  char shape[160];
  size_t got, esize;
  uint64_t total = 1;
  nn_status st;

  st = reader_read (&f->r, head, sizeof head, &got, err);
  if (st != NN_OK)
    return st;
  if (got == 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the file is empty", name);
  if (got >= 2 && (head[0] != 0 || head[1] != 0))
    return nn_error_set (err, NN_ERR_FORMAT, "%s: not an IDX file: it starts with 0x%02x 0x%02x "
                         "instead of two zero bytes", name, head[0], head[1]);
  if (got < sizeof head)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the file ends inside the IDX header, after "
                         "%zu bytes", name, got);
  f->type = head[2];
  f->ndims = head[3];
  esize = type_size (f->type);
  if (esize == 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: unknown IDX element type 0x%02x (known: 0x08 "
                         "u8, 0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32, 0x0e f64)", name, f->type);
  if (f->ndims == 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the header gives 0 dimensions", name);
  f->header_len = 4 + 4 * (size_t) f->ndims;
  st = reader_read (&f->r, dims, 4 * (size_t) f->ndims, &got, err);
  if (st != NN_OK)
    return st;
  if (got < 4 * (size_t) f->ndims)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the file ends inside the IDX header, after "
                         "%zu of its %zu bytes", name, 4 + got, f->header_len);
  for (unsigned i = 0; i < f->ndims; i++)
    f->dims[i] = be32 (dims + 4 * i);
  format_shape (f, shape, sizeof shape);

  if (labels && f->ndims != 1)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: labels must have one dimension, but the header "
                         "gives %u (%s)", name, f->ndims, shape);
  if (labels && (f->type == IDX_F32 || f->type == IDX_F64))
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the labels are %s values, but class ids must "
                         "be integers (u8, i8, i16 or i32)", name, type_name (f->type));

  for (unsigned i = 0; i < f->ndims; i++)
    if (f->dims[i] == 0)
      return nn_error_set (err, NN_ERR_FORMAT, "%s: the header gives a dimension of 0 (%s), so "
                           "there is nothing to load", name, shape);
  /* Each factor is checked against the limit before multiplying, so the
   * product never overflows whatever 255 dimensions say. */
  for (unsigned i = 0; i < f->ndims; i++)
    {
      if (f->dims[i] > NN_DATASET_MAX_FLOATS / total)
        return nn_error_set (err, NN_ERR_FORMAT, "%s: the header promises %s values, more than "
                             "the %zu Backprop holds in memory", name, shape,
                             NN_DATASET_MAX_FLOATS);
      total *= f->dims[i];
    }
  f->count = f->dims[0];
  f->item = (size_t) (total / f->dims[0]);
  f->data_bytes = total * esize;
  f->r.expected = f->header_len + f->data_bytes;

  /* (A file that grew since fstat can be smaller than what was read.) */
  if (f->r.size_known && !f->r.gzip && f->r.raw_size >= f->header_len)
    {
      uint64_t have = f->r.raw_size - f->header_len;

      if (have < f->data_bytes)
        return short_data (f, have, err);
      if (have > f->data_bytes)
        return extra_data (f, have - f->data_bytes, false, err);
    }
  if (f->r.size_known && f->r.gzip
      && f->r.expected / IDX_DEFLATE_MAX_RATIO >= f->r.raw_size)
    {
      char size[256];

      format_data_size (f, size, sizeof size);
      return nn_error_set (err, NN_ERR_FORMAT, "%s: the header promises %s of data, more than "
                           "the %llu compressed bytes of the file can hold", name, size,
                           (unsigned long long) f->r.raw_size);
    }
  return NN_OK;
}

/* Streams the @f->count × @f->item values into @x (images, converted to
 * floats) or @y (labels, checked class ids, largest into *@max_label),
 * then makes sure nothing follows them. */
static nn_status
read_data (idx_file *f,
           float    *x,
           int32_t  *y,
           int32_t  *max_label,
           nn_error *err)
{
  size_t esize = type_size (f->type);
  size_t total = f->count * f->item;
  size_t done = 0;
  unsigned char carry[8];
  size_t carry_len = 0;
  float u8_table[256];
  const unsigned char *p;
  size_t len;
  nn_status st;

  /* x/255 correctly rounded for every byte, at the cost of one table. */
  for (int v = 0; v < 256; v++)
    u8_table[v] = (float) v / 255.0f;

  while (done < total)
    {
      const unsigned char *vals;
      size_t m;

      st = reader_chunk (&f->r, &p, &len, err);
      if (st != NN_OK)
        return st;
      if (len == 0)
        return short_data (f, (uint64_t) done * esize + carry_len, err);
      if (carry_len > 0 || len < esize)
        {
          /* A value split between two chunks is put together in @carry. */
          m = esize - carry_len < len ? esize - carry_len : len;
          memcpy (carry + carry_len, p, m);
          reader_consume (&f->r, m);
          carry_len += m;
          if (carry_len < esize)
            continue;
          vals = carry;
          m = 1;
          carry_len = 0;
        }
      else
        {
          vals = p;
          m = len / esize;
          if (m > total - done)
            m = total - done;
          reader_consume (&f->r, m * esize);
        }
      if (x != NULL)
        decode_floats (f->type, vals, m, x + done, u8_table);
      else
        {
          int64_t bad = 0;
          size_t ok = decode_labels (f->type, vals, m, y + done, &bad, max_label);

          if (ok < m)
            return nn_error_set (err, NN_ERR_FORMAT, "%s: label %zu (counting from 0) is %lld; "
                                 "class ids must lie in [0, %d]", f->r.name, done + ok,
                                 (long long) bad, IDX_MAX_LABEL);
        }
      done += m;
    }

  /* Anything after the values is refused: a file with more than its header
   * says is not the file its header describes. */
  st = reader_chunk (&f->r, &p, &len, err);
  if (st != NN_OK)
    return st;
  if (len > 0)
    {
      uint64_t extra = 0;

      while (len > 0 && extra < IDX_MAX_JUNK_COUNT)
        {
          extra += len;
          reader_consume (&f->r, len);
          st = reader_chunk (&f->r, &p, &len, err);
          if (st != NN_OK)
            return st;
        }
      return extra_data (f, extra, len > 0, err);
    }
  return NN_OK;
}

/* Pairs */

static void
pair_close (idx_pair *pair)
{
  if (!pair->open)
    return;
  reader_close (&pair->images.r);
  reader_close (&pair->labels.r);
  pair->open = false;
}

/* Opens both files (paths, or memory when @images_path is NULL) and checks
 * their headers against each other. */
static nn_status
pair_open (idx_pair            *pair,
           const char          *images_name,
           const char          *images_path,
           const unsigned char *images,
           size_t               images_len,
           const char          *labels_name,
           const char          *labels_path,
           const unsigned char *labels,
           size_t               labels_len,
           nn_error            *err)
{
  nn_status st;

  memset (pair, 0, sizeof *pair);
  reader_init (&pair->images.r, images_name);
  reader_init (&pair->labels.r, labels_name);
  pair->open = true;
  if (images_path != NULL)
    st = reader_open_file (&pair->images.r, images_path, err);
  else
    st = reader_open_mem (&pair->images.r, images_name, images, images_len, err);
  if (st == NN_OK)
    st = parse_header (&pair->images, false, err);
  if (st != NN_OK)
    return st;
  if (labels_path != NULL)
    st = reader_open_file (&pair->labels.r, labels_path, err);
  else
    st = reader_open_mem (&pair->labels.r, labels_name, labels, labels_len, err);
  if (st == NN_OK)
    st = parse_header (&pair->labels, true, err);
  if (st != NN_OK)
    return st;
  if (pair->labels.count != pair->images.count)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: %zu labels for the %zu items of %s",
                         labels_name, pair->labels.count, pair->images.count, images_name);
  return NN_OK;
}

/* Streams both files of @pair into rows [first, first + count) of @ds. */
static nn_status
pair_read (idx_pair   *pair,
           nn_dataset *ds,
           size_t      first,
           int32_t    *max_label,
           nn_error   *err)
{
  nn_status st = read_data (&pair->images, ds->x + first * ds->d, NULL, NULL, err);

  if (st == NN_OK)
    st = read_data (&pair->labels, NULL, ds->y + first, max_label, err);
  return st;
}

/* Allocates the dataset for @n pairs, reads them one after another, and
 * names the classes (@names[@k_named] of a known set, else "0", "1", …). */
static nn_dataset *
read_pairs (idx_pair           *pairs,
            size_t              n,
            const char *const  *names,
            size_t              k_named,
            nn_error           *err)
{
  size_t rows = 0, first = 0;
  int32_t max_label = 0;
  nn_dataset *ds;

  for (size_t i = 0; i < n; i++)
    rows += pairs[i].images.count;
  /* k is only known after the labels are read; the class-name table, the
   * one thing it sizes, is made after that. */
  ds = nn_dataset_new (NN_TASK_CLASSIFICATION, rows, pairs[0].images.item, 2, err);
  if (ds == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      if (pair_read (&pairs[i], ds, first, &max_label, err) != NN_OK)
        goto fail;
      if (names != NULL && (size_t) max_label >= k_named)
        {
          nn_error_set (err, NN_ERR_FORMAT, "%s: a label of %d is outside the %zu classes of "
                        "the set", pairs[i].labels.r.name, max_label, k_named);
          goto fail;
        }
      first += pairs[i].images.count;
    }
  ds->k = names != NULL ? k_named : (size_t) max_label + 1 < 2 ? 2 : (size_t) max_label + 1;
  for (size_t c = 0; c < ds->k; c++)
    {
      char num[24];

      if (names == NULL)
        snprintf (num, sizeof num, "%zu", c);
      if (nn_dataset_set_class_name (ds, c, names != NULL ? names[c] : num, err) != NN_OK)
        goto fail;
    }
  return ds;

fail:
  nn_dataset_free (ds);
  return NULL;
}

nn_dataset *
nn_idx_load_pair (const char *images_path,
                  const char *labels_path,
                  nn_error   *err)
{
  idx_pair pair;
  nn_dataset *ds = NULL;

  if (pair_open (&pair, images_path, images_path, NULL, 0, labels_path, labels_path, NULL, 0,
                 err) == NN_OK)
    ds = read_pairs (&pair, 1, NULL, 0, err);
  pair_close (&pair);
  return ds;
}

nn_dataset *
nn_idx_parse_pair (const char          *images_name,
                   const unsigned char *images,
                   size_t               images_len,
                   const char          *labels_name,
                   const unsigned char *labels,
                   size_t               labels_len,
                   nn_error            *err)
{
  idx_pair pair;
  nn_dataset *ds = NULL;

  if (pair_open (&pair, images_name, NULL, images, images_len, labels_name, NULL, labels,
                 labels_len, err) == NN_OK)
    ds = read_pairs (&pair, 1, NULL, 0, err);
  pair_close (&pair);
  return ds;
}

/* Folders */

/* @dir/@base, or @dir/@base.gz when only that exists; false when neither. */
static bool
find_file (const char *dir,
           const char *base,
           char       *path,
           size_t      len)
{
  size_t dir_len = strlen (dir);
  const char *sep = dir_len > 0 && dir[dir_len - 1] == '/' ? "" : "/";
  struct stat sb;

  snprintf (path, len, "%s%s%s", dir, sep, base);
  if (stat (path, &sb) == 0 && !S_ISDIR (sb.st_mode))
    return true;
  snprintf (path, len, "%s%s%s.gz", dir, sep, base);
  return stat (path, &sb) == 0 && !S_ISDIR (sb.st_mode);
}

static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');

  return slash != NULL ? slash + 1 : path;
}

static nn_dataset *
load_dir (const char         *dir,
          const char *const  *names,
          size_t              k_named,
          size_t             *n_test,
          nn_error           *err)
{
  char paths[4][4096];
  bool found[4];
  idx_pair pairs[2];
  size_t n_pairs = 0;
  nn_dataset *ds = NULL;
  struct stat sb;

  if (n_test != NULL)
    *n_test = 0;
  if (stat (dir, &sb) != 0)
    {
      nn_error_set (err, NN_ERR_IO, "%s: %s", dir, strerror (errno));
      return NULL;
    }
  if (!S_ISDIR (sb.st_mode))
    {
      nn_error_set (err, NN_ERR_IO, "%s: %s", dir, strerror (ENOTDIR));
      return NULL;
    }
  for (int i = 0; i < 4; i++)
    found[i] = find_file (dir, file_names[i], paths[i], sizeof paths[i]);
  if (!found[0] || !found[1])
    {
      if (!found[0] && !found[1])
        nn_error_set (err, NN_ERR_IO, "%s: the folder holds neither %s[.gz] nor %s[.gz], the "
                      "training pair of an IDX folder", dir, file_names[0], file_names[1]);
      else
        nn_error_set (err, NN_ERR_IO, "%s: the folder has %s but not %s[.gz]", dir,
                      base_name (found[0] ? paths[0] : paths[1]),
                      found[0] ? file_names[1] : file_names[0]);
      return NULL;
    }
  if (found[2] != found[3])
    {
      nn_error_set (err, NN_ERR_IO, "%s: the folder has %s but not %s[.gz]", dir,
                    base_name (found[2] ? paths[2] : paths[3]),
                    found[2] ? file_names[3] : file_names[2]);
      return NULL;
    }

  /* Every header is read before the one allocation for all rows, so the
   * training and test parts land in place with no copy. */
  for (int i = 0; i < (found[2] ? 4 : 2); i += 2)
    {
      if (pair_open (&pairs[n_pairs++], paths[i], paths[i], NULL, 0, paths[i + 1],
                     paths[i + 1], NULL, 0, err) != NN_OK)
        goto out;
    }
  if (n_pairs == 2 && pairs[1].images.item != pairs[0].images.item)
    {
      nn_error_set (err, NN_ERR_FORMAT, "%s: its items have %zu values but the training items "
                    "have %zu", paths[2], pairs[1].images.item, pairs[0].images.item);
      goto out;
    }
  ds = read_pairs (pairs, n_pairs, names, k_named, err);
  if (ds != NULL && n_test != NULL && n_pairs == 2)
    *n_test = pairs[1].images.count;

out:
  for (size_t i = 0; i < n_pairs; i++)
    pair_close (&pairs[i]);
  return ds;
}

nn_dataset *
nn_idx_load_dir (const char *dir,
                 size_t     *n_test,
                 nn_error   *err)
{
  return load_dir (dir, NULL, 0, n_test, err);
}

static const idx_named_set *
find_named_set (const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < sizeof named_sets / sizeof named_sets[0]; i++)
    if (strcmp (name, named_sets[i].name) == 0)
      return &named_sets[i];
  return NULL;
}

bool
nn_idx_is_named_set (const char *name)
{
  return find_named_set (name) != NULL;
}

nn_dataset *
nn_idx_load_named (const char *name,
                   size_t     *n_test,
                   nn_error   *err)
{
  const idx_named_set *set = find_named_set (name);
  struct stat sb;

  if (n_test != NULL)
    *n_test = 0;
  if (set == NULL)
    {
      nn_error_set (err, NN_ERR_INVALID, "unknown data set '%s' (known: fashion-mnist, mnist)",
                    name != NULL ? name : "(null)");
      return NULL;
    }
  if (stat (set->dir, &sb) != 0 || !S_ISDIR (sb.st_mode))
    {
      if (strcmp (set->name, "fashion-mnist") == 0)
        nn_error_set (err, NN_ERR_IO, "%s is not installed (%s is missing): install Debian's "
                      "package dataset-fashion-mnist (apt install dataset-fashion-mnist)",
                      set->title, set->dir);
      else
        nn_error_set (err, NN_ERR_IO, "%s is not installed (%s is missing) and Debian has no "
                      "package for it: put train-images-idx3-ubyte.gz, "
                      "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                      "t10k-labels-idx1-ubyte.gz in %s, or give the folder holding them as the "
                      "data path", set->title, set->dir, set->dir);
      return NULL;
    }
  return load_dir (set->dir, set->classes, set->k, n_test, err);
}
