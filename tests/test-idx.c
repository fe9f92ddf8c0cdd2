/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "dataset.h"
#include "idx.h"

/* Helpers */

/* Appends an IDX header: magic, @type, and the @ndims dimensions. */
static void
append_header (GByteArray     *out,
               guint8          type,
               guint           ndims,
               const guint32  *dims)
{
  guint8 head[4] = { 0, 0, type, (guint8) ndims };

  g_byte_array_append (out, head, 4);
  for (guint i = 0; i < ndims; i++)
    {
      guint32 be = GUINT32_TO_BE (dims[i]);

      g_byte_array_append (out, (const guint8 *) &be, 4);
    }
}

static void
append_be16 (GByteArray *out,
             guint16     v)
{
  guint16 be = GUINT16_TO_BE (v);

  g_byte_array_append (out, (const guint8 *) &be, 2);
}

static void
append_be32 (GByteArray *out,
             guint32     v)
{
  guint32 be = GUINT32_TO_BE (v);

  g_byte_array_append (out, (const guint8 *) &be, 4);
}

static void
append_be64 (GByteArray *out,
             guint64     v)
{
  guint64 be = GUINT64_TO_BE (v);

  g_byte_array_append (out, (const guint8 *) &be, 8);
}

static void
append_f32 (GByteArray *out,
            float       v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  append_be32 (out, bits);
}

static void
append_f64 (GByteArray *out,
            double      v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  append_be64 (out, bits);
}

/* A 1-D u8 label file holding @labels[@n]. */
static GByteArray *
make_labels (const guint8 *labels,
             guint32       n)
{
  GByteArray *out = g_byte_array_new ();

  append_header (out, 0x08, 1, &n);
  g_byte_array_append (out, labels, n);
  return out;
}

/* @n zero labels, for tests about the images. */
static GByteArray *
make_zero_labels (guint32 n)
{
  g_autofree guint8 *zeros = g_malloc0 (n);

  return make_labels (zeros, n);
}

/* @data gzip-compressed (a gzip header, as gzip(1) writes), as one member. */
static GByteArray *
gzip_bytes (const guint8 *data,
            gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  z_stream z = { 0 };
  guint8 buf[4096];
  int ret;

  /* 16 + MAX_WBITS: a gzip wrapper rather than zlib's. */
  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                   ==, Z_OK);
  z.next_in = (Bytef *) data;
  z.avail_in = (uInt) len;
  do
    {
      z.next_out = buf;
      z.avail_out = sizeof buf;
      ret = deflate (&z, Z_FINISH);
      g_assert_cmpint (ret, !=, Z_STREAM_ERROR);
      g_byte_array_append (out, buf, sizeof buf - z.avail_out);
    }
  while (ret != Z_STREAM_END);
  deflateEnd (&z);
  return out;
}

static nn_dataset *
parse (GByteArray *images,
       GByteArray *labels,
       nn_error   *err)
{
  return nn_idx_parse_pair ("images", images->data, images->len, "labels", labels->data,
                            labels->len, err);
}

static nn_dataset *
parse_ok (GByteArray *images,
          GByteArray *labels)
{
  nn_error err = { 0 };
  nn_dataset *ds = parse (images, labels, &err);

  if (ds == NULL)
    g_error ("parsing failed: %s", err.msg);
  g_assert_cmpint (ds->task, ==, NN_TASK_CLASSIFICATION);
  g_assert_true (ds->owned);
  return ds;
}

static void
expect_parse_error (GByteArray *images,
                    GByteArray *labels,
                    nn_status   status,
                    const char *message)
{
  nn_error err = { 0 };
  nn_dataset *ds = parse (images, labels, &err);

  g_assert_null (ds);
  g_assert_cmpint (err.status, ==, status);
  g_assert_cmpstr (err.msg, ==, message);
  /* Without an error struct it must fail the same way, quietly. */
  g_assert_null (parse (images, labels, NULL));
}

/* Floats compared bit for bit: -0 and NaN payloads included. */
static void
assert_same_float (float a,
                   float b)
{
  guint32 ba, bb;

  memcpy (&ba, &a, 4);
  memcpy (&bb, &b, 4);
  if (ba != bb)
    g_error ("%.9g (0x%08x) != %.9g (0x%08x)", a, ba, b, bb);
}

static void
assert_same_dataset (const nn_dataset *a,
                     const nn_dataset *b)
{
  g_assert_cmpuint (a->n, ==, b->n);
  g_assert_cmpuint (a->d, ==, b->d);
  g_assert_cmpuint (a->k, ==, b->k);
  g_assert_cmpmem (a->x, a->n * a->d * sizeof (float), b->x, b->n * b->d * sizeof (float));
  g_assert_cmpmem (a->y, a->n * sizeof (int32_t), b->y, b->n * sizeof (int32_t));
}

static char *
write_temp (const char *dir,
            const char *name,
            GByteArray *bytes)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  return path;
}

/* Removes the files of the flat folder @dir, then @dir. */
static void
remove_temp_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_dir_close (d);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Element types */

static void
test_idx_u8 (void)
{
  guint32 dims[] = { 2, 3 };
  guint8 pixels[] = { 0, 1, 127, 128, 254, 255 };
  guint8 labels[] = { 1, 0 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_labels (labels, 2);
  nn_dataset *ds;

  append_header (img, 0x08, 2, dims);
  g_byte_array_append (img, pixels, sizeof pixels);
  ds = parse_ok (img, lab);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpuint (ds->d, ==, 3);
  /* x/255, correctly rounded: the float nearest each quotient. */
  for (guint i = 0; i < G_N_ELEMENTS (pixels); i++)
    assert_same_float (ds->x[i], (float) pixels[i] / 255.0f);
  assert_same_float (ds->x[0], 0.0f);
  assert_same_float (ds->x[5], 1.0f);
  g_assert_cmpint (ds->y[0], ==, 1);
  g_assert_cmpint (ds->y[1], ==, 0);
  nn_dataset_free (ds);
}

static void
test_idx_i8 (void)
{
  guint32 n = 4;
  guint8 values[] = { 0x80, 0xff, 0x00, 0x7f };
  const float expected[] = { -128.0f, -1.0f, 0.0f, 127.0f };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_zero_labels (n);
  nn_dataset *ds;

  append_header (img, 0x09, 1, &n);
  g_byte_array_append (img, values, sizeof values);
  ds = parse_ok (img, lab);
  g_assert_cmpuint (ds->d, ==, 1);
  for (guint i = 0; i < n; i++)
    assert_same_float (ds->x[i], expected[i]);
  nn_dataset_free (ds);
}

static void
test_idx_i16 (void)
{
  guint32 dims[] = { 1, 5 };
  const gint16 values[] = { -32768, -2, 258, 32767, 0 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_zero_labels (1);
  nn_dataset *ds;

  append_header (img, 0x0B, 2, dims);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    append_be16 (img, (guint16) values[i]);
  /* 258 is 0x01 0x02: read little-endian it would be 513. */
  g_assert_cmpuint (img->data[12 + 4], ==, 0x01);
  ds = parse_ok (img, lab);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    assert_same_float (ds->x[i], (float) values[i]);
  nn_dataset_free (ds);
}

static void
test_idx_i32 (void)
{
  guint32 dims[] = { 1, 4 };
  /* All exactly representable as floats, so the comparison is exact. */
  const gint32 values[] = { G_MININT32, -1, 0x01020304, 16777216 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_zero_labels (1);
  nn_dataset *ds;

  append_header (img, 0x0C, 2, dims);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    append_be32 (img, (guint32) values[i]);
  ds = parse_ok (img, lab);
  assert_same_float (ds->x[0], -2147483648.0f);
  assert_same_float (ds->x[1], -1.0f);
  assert_same_float (ds->x[2], 16909060.0f);
  assert_same_float (ds->x[3], 16777216.0f);
  nn_dataset_free (ds);
}

static void
test_idx_f32 (void)
{
  guint32 dims[] = { 1, 6 };
  const float values[] = { 1.5f, -0.0f, 3.4e38f, 1e-45f, INFINITY, -2.75f };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_zero_labels (1);
  nn_dataset *ds;

  append_header (img, 0x0D, 2, dims);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    append_f32 (img, values[i]);
  ds = parse_ok (img, lab);
  /* Other types than u8 are taken as they are, denormals and infinities
   * included; the data checks, not the loader, judge them. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    assert_same_float (ds->x[i], values[i]);
  nn_dataset_free (ds);
}

static void
test_idx_f64 (void)
{
  guint32 dims[] = { 1, 5 };
  const double values[] = { 0.1, -2.5, 1e300, -1e-300, 123456789.0 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_zero_labels (1);
  nn_dataset *ds;

  append_header (img, 0x0E, 2, dims);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    append_f64 (img, values[i]);
  ds = parse_ok (img, lab);
  /* Rounded to the nearest float; beyond float's range, infinity. */
  assert_same_float (ds->x[0], 0.1f);
  assert_same_float (ds->x[1], -2.5f);
  assert_same_float (ds->x[2], INFINITY);
  assert_same_float (ds->x[3], -0.0f);
  assert_same_float (ds->x[4], 123456792.0f);
  nn_dataset_free (ds);
}

/* Every integer label type gives the same class ids and k = max + 1. */
static void
test_idx_label_types (void)
{
  guint32 n = 5;
  const gint32 labels[] = { 3, 0, 7, 1, 7 };
  const guint8 types[] = { 0x08, 0x09, 0x0B, 0x0C };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  guint32 one[] = { 5, 1 };

  append_header (img, 0x08, 2, one);
  for (guint i = 0; i < n; i++)
    g_byte_array_append (img, (const guint8 *) "\x10", 1);
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr (GByteArray) lab = g_byte_array_new ();
      nn_dataset *ds;

      append_header (lab, types[t], 1, &n);
      for (guint i = 0; i < n; i++)
        {
          if (types[t] == 0x0B)
            append_be16 (lab, (guint16) labels[i]);
          else if (types[t] == 0x0C)
            append_be32 (lab, (guint32) labels[i]);
          else
            g_byte_array_append (lab, (const guint8 *) &(guint8) { (guint8) labels[i] }, 1);
        }
      ds = parse_ok (img, lab);
      g_assert_cmpuint (ds->k, ==, 8);
      g_assert_cmpmem (ds->y, n * sizeof (int32_t), labels, sizeof labels);
      nn_dataset_free (ds);
    }
}

/* 65535 is the largest label taken, k then 65536; 65536 is refused. */
static void
test_idx_label_range (void)
{
  guint32 n = 2;
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = g_byte_array_new ();
  guint32 dims[] = { 2, 1 };
  nn_dataset *ds;

  append_header (img, 0x08, 2, dims);
  g_byte_array_append (img, (const guint8 *) "\x01\x02", 2);
  append_header (lab, 0x0C, 1, &n);
  append_be32 (lab, 65535);
  append_be32 (lab, 0);
  ds = parse_ok (img, lab);
  g_assert_cmpuint (ds->k, ==, 65536);
  g_assert_cmpstr (ds->class_names[65535], ==, "65535");
  nn_dataset_free (ds);

  g_byte_array_set_size (lab, 8);
  append_be32 (lab, 65536);
  append_be32 (lab, 0);
  expect_parse_error (img, lab, NN_ERR_FORMAT,
                      "labels: label 0 (counting from 0) is 65536; class ids must lie in "
                      "[0, 65535]");
}

/* k is the largest label + 1 but at least 2; classes are named "0", "1", …. */
static void
test_idx_classes (void)
{
  guint32 dims[] = { 3, 1 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  nn_dataset *ds;

  append_header (img, 0x08, 2, dims);
  g_byte_array_append (img, (const guint8 *) "\x01\x02\x03", 3);
  {
    g_autoptr (GByteArray) lab = make_labels ((const guint8 *) "\x00\x00\x00", 3);

    ds = parse_ok (img, lab);
    g_assert_cmpuint (ds->k, ==, 2);
    g_assert_cmpstr (ds->class_names[0], ==, "0");
    g_assert_cmpstr (ds->class_names[1], ==, "1");
    nn_dataset_free (ds);
  }
  {
    g_autoptr (GByteArray) lab = make_labels ((const guint8 *) "\x0b\x00\x04", 3);

    ds = parse_ok (img, lab);
    g_assert_cmpuint (ds->k, ==, 12);
    for (size_t c = 0; c < ds->k; c++)
      {
        g_autofree char *name = g_strdup_printf ("%zu", c);

        g_assert_cmpstr (ds->class_names[c], ==, name);
      }
    g_assert_null (ds->feature_names);
    g_assert_null (ds->t);
    nn_dataset_free (ds);
  }
}

/* Shapes: 1-D items are one feature; N-D items are flattened row-major. */
static void
test_idx_shapes (void)
{
  const guint32 shapes[][5] = {
    { 1, 7 },              /* ndims, dims… */
    { 2, 3, 5 },
    { 3, 2, 3, 4 },
    { 4, 2, 3, 2, 2 },
  };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      guint ndims = shapes[s][0];
      const guint32 *dims = shapes[s] + 1;
      gsize n = dims[0], d = 1;
      g_autoptr (GByteArray) img = g_byte_array_new ();
      g_autoptr (GByteArray) lab = NULL;
      nn_dataset *ds;

      for (guint i = 1; i < ndims; i++)
        d *= dims[i];
      append_header (img, 0x0B, ndims, dims);
      /* Value = its flat index, so row r, feature j must be r·d + j. */
      for (gsize i = 0; i < n * d; i++)
        append_be16 (img, (guint16) i);
      lab = make_zero_labels ((guint32) n);
      ds = parse_ok (img, lab);
      g_assert_cmpuint (ds->n, ==, n);
      g_assert_cmpuint (ds->d, ==, d);
      for (gsize r = 0; r < n; r++)
        for (gsize j = 0; j < d; j++)
          assert_same_float (ds->x[r * d + j], (float) (r * d + j));
      nn_dataset_free (ds);
    }
}

/* gzip */

/* The same bytes gzipped (either file, or both) give the same dataset: the
 * content is recognised by its magic bytes, since memory has no name. */
static void
test_idx_gzip (void)
{
  guint32 dims[] = { 6, 4, 4 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_labels ((const guint8 *) "\x00\x01\x02\x01\x00\x02", 6);
  g_autoptr (GByteArray) img_gz = NULL;
  g_autoptr (GByteArray) lab_gz = NULL;
  nn_dataset *plain, *ds;

  append_header (img, 0x08, 3, dims);
  for (guint i = 0; i < 6 * 16; i++)
    g_byte_array_append (img, &(guint8) { (guint8) (i * 13) }, 1);
  img_gz = gzip_bytes (img->data, img->len);
  lab_gz = gzip_bytes (lab->data, lab->len);
  g_assert_cmpuint (img_gz->data[0], ==, 0x1f);
  g_assert_cmpuint (img_gz->data[1], ==, 0x8b);

  plain = parse_ok (img, lab);
  ds = parse_ok (img_gz, lab);
  assert_same_dataset (ds, plain);
  nn_dataset_free (ds);
  ds = parse_ok (img, lab_gz);
  assert_same_dataset (ds, plain);
  nn_dataset_free (ds);
  ds = parse_ok (img_gz, lab_gz);
  assert_same_dataset (ds, plain);
  nn_dataset_free (ds);
  nn_dataset_free (plain);
}

/* Concatenated gzip members are one stream, as gzip -d reads them; here
 * the split falls inside the header. */
static void
test_idx_gzip_members (void)
{
  guint32 dims[] = { 3, 2, 2 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_labels ((const guint8 *) "\x00\x01\x02", 3);
  g_autoptr (GByteArray) joined = NULL;
  g_autoptr (GByteArray) second = NULL;
  nn_dataset *plain, *ds;

  append_header (img, 0x08, 3, dims);
  g_byte_array_append (img, (const guint8 *) "abcdefghijkl", 12);
  joined = gzip_bytes (img->data, 7);
  second = gzip_bytes (img->data + 7, img->len - 7);
  g_byte_array_append (joined, second->data, second->len);
  plain = parse_ok (img, lab);
  ds = parse_ok (joined, lab);
  assert_same_dataset (ds, plain);
  nn_dataset_free (ds);
  nn_dataset_free (plain);
}

/* f64 values behind a 12-byte header straddle every 64 KiB boundary of the
 * read buffers: from a plain file, from a gzip file, and inflated from
 * memory, each must decode them as whole values. */
static void
test_idx_chunks (void)
{
  guint32 dims[] = { 20000, 1 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = g_byte_array_new ();
  g_autoptr (GByteArray) img_gz = NULL;
  g_autoptr (GByteArray) lab_gz = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-idx-XXXXXX", &error);
  g_autofree char *img_path = NULL, *lab_path = NULL, *img_gz_path = NULL, *lab_gz_path = NULL;
  nn_error err = { 0 };
  nn_dataset *ds;

  g_assert_no_error (error);
  append_header (img, 0x0E, 2, dims);
  append_header (lab, 0x0B, 1, dims);
  for (guint i = 0; i < dims[0]; i++)
    {
      append_f64 (img, i * 0.25 - 1000.0);
      append_be16 (lab, (guint16) (i % 5));
    }
  img_gz = gzip_bytes (img->data, img->len);
  lab_gz = gzip_bytes (lab->data, lab->len);
  img_path = write_temp (dir, "images", img);
  lab_path = write_temp (dir, "labels", lab);
  img_gz_path = write_temp (dir, "images.gz", img_gz);
  lab_gz_path = write_temp (dir, "labels.gz", lab_gz);

  for (guint variant = 0; variant < 4; variant++)
    {
      switch (variant)
        {
        case 0: ds = parse_ok (img, lab); break;
        case 1: ds = parse_ok (img_gz, lab_gz); break;
        case 2: ds = nn_idx_load_pair (img_path, lab_path, &err); break;
        default: ds = nn_idx_load_pair (img_gz_path, lab_gz_path, &err); break;
        }
      if (ds == NULL)
        g_error ("variant %u: %s", variant, err.msg);
      g_assert_cmpuint (ds->n, ==, dims[0]);
      g_assert_cmpuint (ds->d, ==, 1);
      g_assert_cmpuint (ds->k, ==, 5);
      for (guint i = 0; i < dims[0]; i++)
        {
          assert_same_float (ds->x[i], (float) (i * 0.25 - 1000.0));
          g_assert_cmpint (ds->y[i], ==, (int32_t) (i % 5));
        }
      nn_dataset_free (ds);
    }
  remove_temp_dir (dir);
}

/* Bad input from memory: the same checks as files, named as given. */
static void
test_idx_parse_errors (void)
{
  guint32 dims[] = { 2, 2 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_zero_labels (2);
  g_autoptr (GByteArray) empty = g_byte_array_new ();
  g_autoptr (GByteArray) bomb = g_byte_array_new ();
  g_autoptr (GByteArray) bomb_gz = NULL;
  guint32 huge[] = { 2, 1000000 };

  append_header (img, 0x08, 2, dims);
  g_byte_array_append (img, (const guint8 *) "\x01\x02\x03\x04", 4);
  expect_parse_error (empty, lab, NN_ERR_FORMAT, "images: the file is empty");
  expect_parse_error (img, empty, NN_ERR_FORMAT, "labels: the file is empty");
  /* An image file where labels belong: its dimensions give it away. */
  expect_parse_error (img, img, NN_ERR_FORMAT,
                      "labels: labels must have one dimension, but the header gives 2 (2 × 2)");

  /* Short files: the size in words names the element type when it is not
   * one byte, and a 1-D file needs no product. */
  {
    g_autoptr (GByteArray) wide = g_byte_array_new ();
    g_autoptr (GByteArray) short_lab = make_zero_labels (2);
    guint32 wide_dims[] = { 2, 3 };

    append_header (wide, 0x0B, 2, wide_dims);
    g_byte_array_set_size (wide, wide->len + 10);
    expect_parse_error (wide, lab, NN_ERR_FORMAT,
                        "images: the header promises 2 × 3 i16 values = 12 bytes of data but "
                        "the file holds 10 after the header");
    g_byte_array_set_size (short_lab, short_lab->len - 1);
    expect_parse_error (img, short_lab, NN_ERR_FORMAT,
                        "labels: the header promises 2 bytes of data but the file holds 1 after "
                        "the header");
    g_byte_array_set_size (wide, 3);
    expect_parse_error (wide, lab, NN_ERR_FORMAT,
                        "images: the file ends inside the IDX header, after 3 bytes");
  }

  /* gzip streams cut short: in the header, and after the data but before
   * the CRC that would vouch for it. */
  {
    g_autoptr (GByteArray) gz = gzip_bytes (img->data, img->len);
    g_autoptr (GByteArray) head_gz = gzip_bytes (img->data, 6);

    g_byte_array_set_size (gz, gz->len - 8);
    expect_parse_error (gz, lab, NN_ERR_FORMAT,
                        "images: the gzip stream is cut off after the data (the file is "
                        "truncated)");
    g_byte_array_set_size (gz, 10);
    expect_parse_error (gz, lab, NN_ERR_FORMAT,
                        "images: the gzip stream is cut off inside the IDX header (the file is "
                        "truncated)");
    expect_parse_error (head_gz, lab, NN_ERR_FORMAT,
                        "images: the file ends inside the IDX header, after 6 of its 12 bytes");
  }

  /* Compressed, a short file is only found short while inflating: after
   * the allocation, which the header check before it kept honest. */
  append_header (bomb, 0x08, 2, huge);
  g_byte_array_set_size (bomb, bomb->len + 2000000);
  memset (bomb->data + 12, 0, 2000000);
  bomb_gz = gzip_bytes (bomb->data, bomb->len - 1);
  expect_parse_error (bomb_gz, lab, NN_ERR_FORMAT,
                      "images: the header promises 2 × 1000000 = 2000000 bytes of data but the "
                      "file holds 1999999 after the header");
  g_byte_array_set_size (bomb, 12 + 2000000);
  g_clear_pointer (&bomb_gz, g_byte_array_unref);
  /* A header promising far more than its compressed bytes can inflate to
   * is refused before allocating. */
  bomb_gz = gzip_bytes (bomb->data, 12 + 100);
  {
    g_autofree char *msg = g_strdup_printf ("images: the header promises 2 × 1000000 = 2000000 "
                                            "bytes of data, more than the %u compressed bytes "
                                            "of the file can hold", bomb_gz->len);

    expect_parse_error (bomb_gz, lab, NN_ERR_FORMAT, msg);
  }
}

/* Files */

typedef struct
{
  const char *images;   /* in tests/data/bad, or NULL for the good idx/t10k images */
  const char *labels;   /* in tests/data/bad, or NULL for the good idx/t10k labels */
  const char *message;  /* after "FILE: ", FILE the bad one */
} bad_case;

static const bad_case bad_cases[] = {
  { "idx-empty", NULL, "the file is empty" },
  { "idx-bad-magic", NULL, "not an IDX file: it starts with 0x01 0x02 instead of two zero bytes" },
  { "idx-unknown-type", NULL, "unknown IDX element type 0x0a (known: 0x08 u8, 0x09 i8, 0x0b i16, "
    "0x0c i32, 0x0d f32, 0x0e f64)" },
  { "idx-no-dims", NULL, "the header gives 0 dimensions" },
  { "idx-short-header", NULL, "the file ends inside the IDX header, after 10 of its 16 bytes" },
  { "idx-zero-dim", NULL, "the header gives a dimension of 0 (4 × 0 × 6), so there is nothing "
    "to load" },
  { "idx-header-too-large", NULL, "the header promises 100000 × 100000 × 1000 values, more than "
    "the 2147483648 Backprop holds in memory" },
  { "idx-dims-overflow", NULL, "the header promises 4294967295 × 4294967295 × 4294967295 × "
    "4294967295 values, more than the 2147483648 Backprop holds in memory" },
  { "idx-header-too-large.gz", NULL, "the header promises 60000 × 28 × 28 = 47040000 bytes of "
    "data, more than the 180 compressed bytes of the file can hold" },
  { "idx-truncated", NULL, "the header promises 4 × 6 × 6 = 144 bytes of data but the file "
    "holds 100 after the header" },
  { "idx-short.gz", NULL, "the header promises 4 × 6 × 6 = 144 bytes of data but the file holds "
    "100 after the header" },
  { "idx-truncated.gz", NULL, "the gzip stream is cut off after 122 of the 4 × 16 × 16 = 1024 "
    "bytes of data the header promises (the file is truncated)" },
  { "idx-trailing-junk", NULL, "the file holds 5 bytes more than the 4 × 6 × 6 = 144 bytes of "
    "data the header promises" },
  { "idx-trailing-junk.gz", NULL, "the file holds 7 bytes more than the 4 × 6 × 6 = 144 bytes "
    "of data the header promises" },
  { "idx-junk-after.gz", NULL, "6 bytes of junk follow the gzip stream" },
  { "idx-corrupt.gz", NULL, "the gzip stream is corrupt (invalid block type)" },
  { NULL, "idx-labels-2d", "labels must have one dimension, but the header gives 2 (4 × 2)" },
  { NULL, "idx-float-labels", "the labels are f32 values, but class ids must be integers (u8, "
    "i8, i16 or i32)" },
  { NULL, "idx-negative-label", "label 2 (counting from 0) is -3; class ids must lie in "
    "[0, 65535]" },
  { NULL, "idx-large-label", "label 1 (counting from 0) is 70000; class ids must lie in "
    "[0, 65535]" },
};

/* Each kind of bad input in its own file, as a user would meet it. */
static void
test_idx_bad_files (void)
{
  g_autofree char *good_images = g_test_build_filename (G_TEST_DIST, "data", "idx",
                                                        "t10k-images-idx3-ubyte", NULL);
  g_autofree char *good_labels = g_test_build_filename (G_TEST_DIST, "data", "idx",
                                                        "t10k-labels-idx1-ubyte", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const bad_case *c = &bad_cases[i];
      g_autofree char *images = c->images != NULL
        ? g_test_build_filename (G_TEST_DIST, "data", "bad", c->images, NULL)
        : g_strdup (good_images);
      g_autofree char *labels = c->labels != NULL
        ? g_test_build_filename (G_TEST_DIST, "data", "bad", c->labels, NULL)
        : g_strdup (good_labels);
      g_autofree char *expected = NULL;
      nn_error err = { 0 };
      nn_dataset *ds;

      g_test_message ("%s %s", c->images ? c->images : "-", c->labels ? c->labels : "-");
      g_assert_true (g_file_test (images, G_FILE_TEST_EXISTS));
      g_assert_true (g_file_test (labels, G_FILE_TEST_EXISTS));
      ds = nn_idx_load_pair (images, labels, &err);
      g_assert_null (ds);
      g_assert_cmpint (err.status, ==, NN_ERR_FORMAT);
      expected = g_strdup_printf ("%s: %s", c->labels != NULL ? labels : images, c->message);
      g_assert_cmpstr (err.msg, ==, expected);
    }
}

/* Two files that are each fine but disagree: the labels name the images. */
static void
test_idx_count_mismatch (void)
{
  g_autofree char *images = g_test_build_filename (G_TEST_DIST, "data", "bad",
                                                   "idx-count-mismatch-images", NULL);
  g_autofree char *labels = g_test_build_filename (G_TEST_DIST, "data", "bad",
                                                   "idx-count-mismatch-labels", NULL);
  g_autofree char *expected = g_strdup_printf ("%s: 3 labels for the 5 items of %s", labels,
                                               images);
  nn_error err = { 0 };

  g_assert_null (nn_idx_load_pair (images, labels, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_FORMAT);
  g_assert_cmpstr (err.msg, ==, expected);
}

/* Files that cannot be read: the system's reason. */
static void
test_idx_io_errors (void)
{
  g_autofree char *labels = g_test_build_filename (G_TEST_DIST, "data", "idx",
                                                   "t10k-labels-idx1-ubyte", NULL);
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "idx", NULL);
  g_autofree char *missing = g_test_build_filename (G_TEST_DIST, "data", "idx", "no-such-file",
                                                    NULL);
  g_autofree char *expected = NULL;
  nn_error err = { 0 };

  g_assert_null (nn_idx_load_pair (missing, labels, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  expected = g_strdup_printf ("%s: %s", missing, g_strerror (ENOENT));
  g_assert_cmpstr (err.msg, ==, expected);
  g_clear_pointer (&expected, g_free);

  g_assert_null (nn_idx_load_pair (dir, labels, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  expected = g_strdup_printf ("%s: %s", dir, g_strerror (EISDIR));
  g_assert_cmpstr (err.msg, ==, expected);
  g_assert_null (nn_idx_load_pair (missing, labels, NULL));
}

/* Folders */

static void
test_idx_dir (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "idx", NULL);
  nn_error err = { 0 };
  size_t n_test = 99;
  nn_dataset *ds = nn_idx_load_dir (dir, &n_test, &err);

  if (ds == NULL)
    g_error ("%s", err.msg);
  /* make-idx.py: 12 gzipped training rows labelled i % 3, then 4 plain
   * t10k rows labelled 3, 0, 1, 2; pixel (i, r, c) = (37·(i + seed) + 6r +
   * 11c) mod 256, seed 0 for training and 100 for t10k. */
  g_assert_cmpuint (ds->n, ==, 16);
  g_assert_cmpuint (n_test, ==, 4);
  g_assert_cmpuint (ds->d, ==, 36);
  g_assert_cmpuint (ds->k, ==, 4);
  for (guint i = 0; i < 16; i++)
    {
      guint seed = i < 12 ? i : i - 12 + 100;
      const int32_t test_labels[] = { 3, 0, 1, 2 };

      g_assert_cmpint (ds->y[i], ==, i < 12 ? (int32_t) (i % 3) : test_labels[i - 12]);
      for (guint r = 0; r < 6; r++)
        for (guint c = 0; c < 6; c++)
          assert_same_float (ds->x[i * 36 + r * 6 + c],
                             (float) ((37 * seed + 6 * r + 11 * c) % 256) / 255.0f);
    }
  g_assert_cmpstr (ds->class_names[3], ==, "3");
  nn_dataset_free (ds);

  /* A trailing slash and a NULL n_test are fine. */
  {
    g_autofree char *slash = g_strconcat (dir, "/", NULL);

    ds = nn_idx_load_dir (slash, NULL, &err);
    g_assert_nonnull (ds);
    g_assert_cmpuint (ds->n, ==, 16);
    nn_dataset_free (ds);
  }
}

static void
test_idx_dir_missing (void)
{
  g_autofree char *t10k_only = g_test_build_filename (G_TEST_DIST, "data", "idx", "t10k-only",
                                                      NULL);
  g_autofree char *nowhere = g_test_build_filename (G_TEST_DIST, "data", "idx", "nowhere", NULL);
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "idx",
                                                 "t10k-images-idx3-ubyte", NULL);
  g_autofree char *expected = NULL;
  nn_error err = { 0 };
  size_t n_test = 99;

  g_assert_null (nn_idx_load_dir (t10k_only, &n_test, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  expected = g_strdup_printf ("%s: the folder holds neither train-images-idx3-ubyte[.gz] nor "
                              "train-labels-idx1-ubyte[.gz], the training pair of an IDX folder",
                              t10k_only);
  g_assert_cmpstr (err.msg, ==, expected);
  g_assert_cmpuint (n_test, ==, 0);
  g_clear_pointer (&expected, g_free);

  g_assert_null (nn_idx_load_dir (nowhere, &n_test, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  expected = g_strdup_printf ("%s: %s", nowhere, g_strerror (ENOENT));
  g_assert_cmpstr (err.msg, ==, expected);
  g_clear_pointer (&expected, g_free);

  g_assert_null (nn_idx_load_dir (file, &n_test, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  expected = g_strdup_printf ("%s: %s", file, g_strerror (ENOTDIR));
  g_assert_cmpstr (err.msg, ==, expected);
}

/* Folders made on the spot: half a pair, parts that disagree, and a file
 * both plain and gzipped. */
static void
test_idx_dir_parts (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-idx-XXXXXX", &error);
  guint32 dims[] = { 2, 2, 2 }, other[] = { 1, 3, 1 };
  g_autoptr (GByteArray) img = g_byte_array_new ();
  g_autoptr (GByteArray) img3 = g_byte_array_new ();
  g_autoptr (GByteArray) lab = make_labels ((const guint8 *) "\x01\x00", 2);
  g_autoptr (GByteArray) lab1 = make_labels ((const guint8 *) "\x05", 1);
  g_autoptr (GByteArray) img_gz = NULL;
  g_autofree char *expected = NULL;
  nn_error err = { 0 };
  size_t n_test = 99;
  nn_dataset *ds;

  g_assert_no_error (error);
  append_header (img, 0x08, 3, dims);
  g_byte_array_append (img, (const guint8 *) "\x00\x33\x66\x99\xcc\xff\x00\x33", 8);
  append_header (img3, 0x08, 3, other);
  g_byte_array_append (img3, (const guint8 *) "\x01\x02\x03", 3);

  /* Only the training images, gzipped: the message names what is there. */
  img_gz = gzip_bytes (img->data, img->len);
  g_free (write_temp (dir, "train-images-idx3-ubyte.gz", img_gz));
  g_assert_null (nn_idx_load_dir (dir, &n_test, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  expected = g_strdup_printf ("%s: the folder has train-images-idx3-ubyte.gz but not "
                              "train-labels-idx1-ubyte[.gz]", dir);
  g_assert_cmpstr (err.msg, ==, expected);
  g_clear_pointer (&expected, g_free);

  /* The training pair alone: no test rows. */
  g_free (write_temp (dir, "train-labels-idx1-ubyte", lab));
  ds = nn_idx_load_dir (dir, &n_test, &err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpuint (n_test, ==, 0);
  g_assert_cmpuint (ds->k, ==, 2);
  assert_same_float (ds->x[1], 0.2f);
  nn_dataset_free (ds);

  /* Half a t10k pair is a mistake, not an absent test part. */
  g_free (write_temp (dir, "t10k-labels-idx1-ubyte.gz", lab1));
  g_assert_null (nn_idx_load_dir (dir, &n_test, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  expected = g_strdup_printf ("%s: the folder has t10k-labels-idx1-ubyte.gz but not "
                              "t10k-images-idx3-ubyte[.gz]", dir);
  g_assert_cmpstr (err.msg, ==, expected);
  g_clear_pointer (&expected, g_free);

  /* Test items of another size than the training items. */
  g_free (write_temp (dir, "t10k-images-idx3-ubyte", img3));
  g_assert_null (nn_idx_load_dir (dir, &n_test, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_FORMAT);
  expected = g_strdup_printf ("%s/t10k-images-idx3-ubyte: its items have 3 values but the "
                              "training items have 4", dir);
  g_assert_cmpstr (err.msg, ==, expected);
  g_clear_pointer (&expected, g_free);

  /* Matching sizes: the test rows follow, and k comes from their label 5. */
  expected = g_build_filename (dir, "t10k-images-idx3-ubyte", NULL);
  g_assert_cmpint (g_remove (expected), ==, 0);
  g_clear_pointer (&expected, g_free);
  {
    g_autoptr (GByteArray) t = g_byte_array_new ();
    guint32 one[] = { 1, 2, 2 };

    append_header (t, 0x08, 3, one);
    g_byte_array_append (t, (const guint8 *) "\xff\xff\xff\xff", 4);
    g_free (write_temp (dir, "t10k-images-idx3-ubyte.gz", t));
  }
  /* Beside the .gz, a plain file of the same name is preferred. */
  g_free (write_temp (dir, "train-images-idx3-ubyte", img));
  ds = nn_idx_load_dir (dir, &n_test, &err);
  if (ds == NULL)
    g_error ("%s", err.msg);
  g_assert_cmpuint (ds->n, ==, 3);
  g_assert_cmpuint (n_test, ==, 1);
  g_assert_cmpuint (ds->k, ==, 6);
  g_assert_cmpint (ds->y[2], ==, 5);
  assert_same_float (ds->x[8], 1.0f);
  nn_dataset_free (ds);

  remove_temp_dir (dir);
}

/* Named sets */

static void
test_idx_named (void)
{
  nn_error err = { 0 };

  g_assert_true (nn_idx_is_named_set ("fashion-mnist"));
  g_assert_true (nn_idx_is_named_set ("mnist"));
  g_assert_false (nn_idx_is_named_set ("spiral"));
  g_assert_false (nn_idx_is_named_set ("MNIST"));
  g_assert_false (nn_idx_is_named_set (NULL));
  g_assert_null (nn_idx_load_named ("kmnist", NULL, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, "unknown data set 'kmnist' (known: fashion-mnist, mnist)");
}

/* The first @n decoded bytes of gzip file @path, read with zlib alone. */
static guint8 *
read_raw_gz (const char *path,
             gsize       n)
{
  gzFile f = gzopen (path, "rb");
  guint8 *buf = g_malloc (n);

  g_assert_nonnull (f);
  g_assert_cmpint (gzread (f, buf, (unsigned) n), ==, (int) n);
  gzclose (f);
  return buf;
}

static void
test_idx_fashion_mnist (void)
{
  static const char *const names[] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  };
  g_autofree char *train_images = g_build_filename (NN_IDX_FASHION_MNIST_DIR,
                                                    "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *train_labels = g_build_filename (NN_IDX_FASHION_MNIST_DIR,
                                                    "train-labels-idx1-ubyte.gz", NULL);
  g_autofree char *test_labels = g_build_filename (NN_IDX_FASHION_MNIST_DIR,
                                                   "t10k-labels-idx1-ubyte.gz", NULL);
  g_autofree guint8 *raw_images = NULL, *raw_labels = NULL, *raw_test = NULL;
  nn_error err = { 0 };
  size_t n_test = 0, counts[10];
  float lo = INFINITY, hi = -INFINITY;
  nn_dataset *ds;

  if (!g_file_test (NN_IDX_FASHION_MNIST_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("Fashion-MNIST is not installed (" NN_IDX_FASHION_MNIST_DIR "); "
                   "apt install dataset-fashion-mnist");
      return;
    }
  ds = nn_idx_load_named ("fashion-mnist", &n_test, &err);
  if (ds == NULL)
    g_error ("%s", err.msg);
  g_assert_cmpuint (ds->n, ==, 70000);
  g_assert_cmpuint (n_test, ==, 10000);
  g_assert_cmpuint (ds->d, ==, 784);
  g_assert_cmpuint (ds->k, ==, 10);
  for (guint c = 0; c < 10; c++)
    g_assert_cmpstr (ds->class_names[c], ==, names[c]);

  /* Against the raw bytes: the first training image and label (past the
   * 16- and 8-byte headers), and the first t10k label at row 60000. */
  raw_images = read_raw_gz (train_images, 16 + 784);
  raw_labels = read_raw_gz (train_labels, 8 + 1);
  raw_test = read_raw_gz (test_labels, 8 + 1);
  g_assert_cmpint (ds->y[0], ==, raw_labels[8]);
  g_assert_cmpint (ds->y[0], ==, 9);  /* an ankle boot, as every MNIST viewer shows */
  g_assert_cmpint (ds->y[60000], ==, raw_test[8]);
  for (guint j = 0; j < 784; j++)
    assert_same_float (ds->x[j], (float) raw_images[16 + j] / 255.0f);

  for (size_t i = 0; i < ds->n * ds->d; i++)
    {
      lo = MIN (lo, ds->x[i]);
      hi = MAX (hi, ds->x[i]);
    }
  g_assert_cmpfloat (lo, ==, 0.0f);
  g_assert_cmpfloat (hi, ==, 1.0f);
  /* Fashion-MNIST is balanced: 6000 + 1000 of each class. */
  nn_dataset_class_counts (ds, counts);
  for (guint c = 0; c < 10; c++)
    g_assert_cmpuint (counts[c], ==, 7000);
  nn_dataset_free (ds);
}

static void
test_idx_mnist_missing (void)
{
  nn_error err = { 0 };
  size_t n_test = 99;
  nn_dataset *ds;

  if (g_file_test (NN_IDX_MNIST_DIR, G_FILE_TEST_IS_DIR))
    {
      /* Installed by hand: then it loads, with its digits as class names. */
      ds = nn_idx_load_named ("mnist", &n_test, &err);
      if (ds == NULL)
        g_error ("%s", err.msg);
      g_assert_cmpuint (ds->d, ==, 784);
      g_assert_cmpuint (ds->k, ==, 10);
      g_assert_cmpstr (ds->class_names[9], ==, "9");
      nn_dataset_free (ds);
      return;
    }
  g_assert_null (nn_idx_load_named ("mnist", &n_test, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  g_assert_cmpuint (n_test, ==, 0);
  g_assert_cmpstr (err.msg, ==, "MNIST is not installed (/usr/share/datasets/mnist is missing) "
                   "and Debian has no package for it: put train-images-idx3-ubyte.gz, "
                   "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                   "t10k-labels-idx1-ubyte.gz in /usr/share/datasets/mnist, or give the folder "
                   "holding them as the data path");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data/idx/type/u8", test_idx_u8);
  g_test_add_func ("/data/idx/type/i8", test_idx_i8);
  g_test_add_func ("/data/idx/type/i16", test_idx_i16);
  g_test_add_func ("/data/idx/type/i32", test_idx_i32);
  g_test_add_func ("/data/idx/type/f32", test_idx_f32);
  g_test_add_func ("/data/idx/type/f64", test_idx_f64);
  g_test_add_func ("/data/idx/labels/types", test_idx_label_types);
  g_test_add_func ("/data/idx/labels/range", test_idx_label_range);
  g_test_add_func ("/data/idx/labels/classes", test_idx_classes);
  g_test_add_func ("/data/idx/shapes", test_idx_shapes);
  g_test_add_func ("/data/idx/gzip/plain-or-gzip", test_idx_gzip);
  g_test_add_func ("/data/idx/gzip/members", test_idx_gzip_members);
  g_test_add_func ("/data/idx/chunks", test_idx_chunks);
  g_test_add_func ("/data/idx/errors/parse", test_idx_parse_errors);
  g_test_add_func ("/data/idx/errors/files", test_idx_bad_files);
  g_test_add_func ("/data/idx/errors/count-mismatch", test_idx_count_mismatch);
  g_test_add_func ("/data/idx/errors/io", test_idx_io_errors);
  g_test_add_func ("/data/idx/dir/load", test_idx_dir);
  g_test_add_func ("/data/idx/dir/missing", test_idx_dir_missing);
  g_test_add_func ("/data/idx/dir/parts", test_idx_dir_parts);
  g_test_add_func ("/data/idx/named/names", test_idx_named);
  g_test_add_func ("/data/idx/named/fashion-mnist", test_idx_fashion_mnist);
  g_test_add_func ("/data/idx/named/mnist", test_idx_mnist_missing);

  return g_test_run ();
}
