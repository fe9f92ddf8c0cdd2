/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "dataset.h"

/* Helpers */

static nn_dataset *
parse_with (const char           *text,
            const nn_csv_options *opt)
{
  nn_error err = { 0 };
  nn_dataset *ds = nn_csv_parse ("t.csv", text, strlen (text), opt, &err);

  if (ds == NULL)
    g_error ("parsing failed: %s", err.msg);
  g_assert_cmpint (err.status, ==, NN_OK);
  g_assert_true (ds->owned);
  return ds;
}

static nn_dataset *
parse (const char *text)
{
  return parse_with (text, NULL);
}

/* Parses @len bytes of @text, expecting @status and exactly @message; and
 * again without an error struct, which must fail the same way, quietly. */
static void
expect_error_len (const char           *text,
                  size_t                len,
                  const nn_csv_options *opt,
                  nn_status             status,
                  const char           *message)
{
  nn_error err = { 0 };
  nn_dataset *ds = nn_csv_parse ("t.csv", text, len, opt, &err);

  g_assert_null (ds);
  g_assert_cmpstr (err.msg, ==, message);
  g_assert_cmpint (err.status, ==, status);
  g_assert_null (nn_csv_parse ("t.csv", text, len, opt, NULL));
}

static void
expect_error (const char           *text,
              const nn_csv_options *opt,
              const char           *message)
{
  expect_error_len (text, strlen (text), opt, NN_ERR_FORMAT, message);
}

static void
expect_invalid (const char           *text,
                const nn_csv_options *opt,
                const char           *message)
{
  expect_error_len (text, strlen (text), opt, NN_ERR_INVALID, message);
}

static void
assert_floats (const float *got,
               const float *expected,
               size_t       n)
{
  for (size_t i = 0; i < n; i++)
    if (memcmp (&got[i], &expected[i], sizeof (float)) != 0)
      g_error ("value %zu: got %.9g, expected %.9g", i, got[i], expected[i]);
}

static void
assert_names (char *const        *names,
              const char *const  *expected,
              size_t              n)
{
  g_assert_nonnull (names);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpstr (names[i], ==, expected[i]);
}

static void
assert_labels (const nn_dataset *ds,
               const int32_t    *expected)
{
  g_assert_cmpint (ds->task, ==, NN_TASK_CLASSIFICATION);
  g_assert_nonnull (ds->y);
  g_assert_null (ds->t);
  for (size_t i = 0; i < ds->n; i++)
    g_assert_cmpint (ds->y[i], ==, expected[i]);
}

static char *
bad_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "bad", name, NULL);
}

static char *
good_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "csv", name, NULL);
}

static nn_dataset *
load (const char           *path,
      const nn_csv_options *opt)
{
  nn_error err = { 0 };
  nn_dataset *ds = nn_csv_load (path, opt, &err);

  if (ds == NULL)
    g_error ("loading %s failed: %s", path, err.msg);
  return ds;
}

/* Options */

static void
test_csv_options_default (void)
{
  nn_csv_options o = nn_csv_options_default ();

  g_assert_cmpint (o.header, ==, -1);
  g_assert_cmpint (o.delimiter, ==, 0);
  g_assert_null (o.label_column);
  g_assert_null (o.target_columns);
  g_assert_cmpint (o.task, ==, NN_CSV_TASK_AUTO);
  g_assert_cmpint (o.missing, ==, NN_MISSING_ERROR);
}

/* Layout */

static void
test_csv_basic (void)
{
  static const float x[] = { 5.1f, 3.5f, 4.9f, 3.0f, 6.2f, 2.9f };
  static const int32_t y[] = { 0, 2, 1 };
  static const char *const features[] = { "sepal_length", "sepal_width" };
  static const char *const classes[] = { "setosa", "versicolor", "virginica" };
  nn_dataset *ds = parse ("sepal_length,sepal_width,species\n"
                          "5.1,3.5,setosa\n"
                          "4.9,3.0,virginica\n"
                          "6.2,2.9,versicolor\n");

  g_assert_cmpuint (ds->n, ==, 3);
  g_assert_cmpuint (ds->d, ==, 2);
  g_assert_cmpuint (ds->k, ==, 3);
  assert_floats (ds->x, x, 6);
  assert_labels (ds, y);
  assert_names (ds->feature_names, features, 2);
  assert_names (ds->class_names, classes, 3);
  nn_dataset_free (ds);
}

static void
test_csv_header (void)
{
  nn_csv_options o = nn_csv_options_default ();
  static const char *const numbered[] = { "x1", "x2" };
  static const char *const forced[] = { "10", "20" };
  static const char *const pandas[] = { "x1", "a" };
  nn_dataset *ds;

  /* All numbers: no header; features are called x1, x2, …. */
  ds = parse ("1,2,0\n3,4,1\n");
  g_assert_cmpuint (ds->n, ==, 2);
  assert_names (ds->feature_names, numbered, 2);
  nn_dataset_free (ds);

  /* String labels under numbers are no header either. */
  ds = parse ("5.1,3.5,setosa\n4.9,3.0,virginica\n");
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpfloat (ds->x[0], ==, 5.1f);
  assert_names (ds->feature_names, numbered, 2);
  nn_dataset_free (ds);

  /* An unnamed first column, as pandas writes its index. */
  ds = parse (",a,label\n0,1.5,x\n1,2.5,y\n");
  g_assert_cmpuint (ds->n, ==, 2);
  assert_names (ds->feature_names, pandas, 2);
  nn_dataset_free (ds);

  /* A single record is a header only when none of its cells is a number. */
  ds = parse ("1,2,3\n");
  g_assert_cmpuint (ds->n, ==, 1);
  nn_dataset_free (ds);
  ds = parse ("5.1,3.5,setosa\n");
  g_assert_cmpuint (ds->n, ==, 1);
  nn_dataset_free (ds);
  expect_error ("a,b,c\n", NULL, "t.csv: a header but no data rows");

  o.header = 1;
  ds = parse_with ("10,20,30\n1,2,3\n", &o);
  g_assert_cmpuint (ds->n, ==, 1);
  assert_names (ds->feature_names, forced, 2);
  nn_dataset_free (ds);
  expect_error ("1,2,3\n", &o, "t.csv: a header but no data rows");

  o.header = 0;
  expect_error ("a,b,c\n1,2,0\n", &o, "t.csv:1:1: not a number: 'a'");
}

static void
test_csv_delimiter (void)
{
  nn_csv_options o = nn_csv_options_default ();
  static const char *const quoted_classes[] = { "x;y", "z;w" };
  nn_dataset *ds;

  ds = parse ("a;b;c\n1.5;2;0\n3;4;1\n");
  g_assert_cmpuint (ds->d, ==, 2);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpfloat (ds->x[0], ==, 1.5f);
  nn_dataset_free (ds);

  ds = parse ("a\tb\tc\n 1 \t 2\t0\n");
  g_assert_cmpuint (ds->d, ==, 2);
  g_assert_cmpfloat (ds->x[0], ==, 1.0f);
  g_assert_cmpfloat (ds->x[1], ==, 2.0f);
  nn_dataset_free (ds);

  /* A ';' that splits every line wins over a decimal comma, which then is
   * no number. */
  expect_error ("a;b;c\n1,5;2;0\n", NULL, "t.csv:2:1: not a number: '1,5'");

  /* Delimiters inside quotes do not count; a ';' on one line only does not
   * split consistently. */
  o.label_column = "1";
  ds = parse_with ("\"x;y\",1,2\n\"z;w\",3,4\n", &o);
  g_assert_cmpuint (ds->d, ==, 2);
  assert_names (ds->class_names, quoted_classes, 2);
  nn_dataset_free (ds);
  ds = parse ("a,b,c\n1,2,x;y\n3,4,z\n");
  g_assert_cmpuint (ds->d, ==, 2);
  g_assert_cmpuint (ds->k, ==, 2);
  nn_dataset_free (ds);

  /* Nothing consistent: the one that splits the first record most. */
  expect_error ("a;b;c\n1;2\n", NULL,
                "t.csv:2:3: too few fields: expected 3 (as in line 1), found 2: '1;2'");
  /* Nothing splits: a comma, and a single column. */
  expect_error ("1\n2\n", NULL, "t.csv: no feature columns: the only column is the label");

  o = nn_csv_options_default ();
  o.delimiter = '|';
  ds = parse_with ("a|b|c\n1|2|0\n", &o);
  g_assert_cmpuint (ds->d, ==, 2);
  nn_dataset_free (ds);
  o.delimiter = ',';
  expect_error ("a;b;c\n1;2;0\n", &o, "t.csv: no feature columns: the only column is the label");
  o.delimiter = 'x';
  expect_invalid ("1x2\n", &o, "invalid CSV options (header -1, delimiter 0x78, task 0, "
                  "missing 0)");
}

static void
test_csv_quoting (void)
{
  nn_csv_options o = nn_csv_options_default ();
  static const char *const classes[] = { "a\"b", "plain", "say \"hi\"", "two\nlines", "x, y" };
  static const int32_t y[] = { 2, 4, 3, 1, 0 };
  static const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  nn_dataset *ds;

  ds = parse ("a,b,label\n"
              "1,2,\"say \"\"hi\"\"\"\n"
              "3,4,\"x, y\"\n"
              "5,6,\"two\nlines\"\n"
              "7,8,plain\n"
              "\"9\", \"10\" ,a\"b\n");
  g_assert_cmpuint (ds->n, ==, 5);
  assert_floats (ds->x, x, 10);
  assert_names (ds->class_names, classes, 5);
  assert_labels (ds, y);
  nn_dataset_free (ds);

  /* A quoted newline advances the line. */
  o.label_column = "1";
  expect_error ("label,a,b\n\"one\ntwo\",x,1\n", &o, "t.csv:3:2: not a number: 'x'");
  expect_error ("a,b,label\n1,2,\"multi\nline\"\n3,x,y\n", NULL, "t.csv:4:2: not a number: 'x'");

  expect_error ("a,b\n1,\"2\n", NULL, "t.csv:2:2: unterminated quote: '\"2\\n'");
  expect_error ("1,\"2\"3,0\n", NULL, "t.csv:1:2: text after a closing quote: '3'");
}

static void
test_csv_line_endings (void)
{
  static const char *const classes[] = { "x", "y" };
  static const char *const features[] = { "a", "b" };
  nn_dataset *ds;

  ds = parse ("a,b,c\r\n1,2,x\r\n3,4,y\r\n");
  g_assert_cmpuint (ds->n, ==, 2);
  assert_names (ds->class_names, classes, 2);
  nn_dataset_free (ds);

  ds = parse ("a,b,c\n1,2,x\n3,4,y");
  g_assert_cmpuint (ds->n, ==, 2);
  assert_names (ds->class_names, classes, 2);
  nn_dataset_free (ds);

  ds = parse ("a,b,c\r\n1,2,x\r");
  g_assert_cmpuint (ds->n, ==, 1);
  assert_names (ds->class_names, classes, 1);
  nn_dataset_free (ds);

  ds = parse ("\xEF\xBB\xBF" "a,b,c\n1,2,x\n");
  assert_names (ds->feature_names, features, 2);
  nn_dataset_free (ds);
  ds = parse ("\xEF\xBB\xBF" "1,2,3\n");
  g_assert_cmpuint (ds->n, ==, 1);
  g_assert_cmpfloat (ds->x[0], ==, 1.0f);
  nn_dataset_free (ds);

  /* Empty and blank lines are skipped; lines are still counted. */
  ds = parse ("\n\na,b,c\n\n1,2,x\n   \n\r\n3,4,y\n\n");
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpfloat (ds->x[2], ==, 3.0f);
  nn_dataset_free (ds);
  expect_error ("a,b,c\n\n1,2,0\n   \n\r\n3,x,1\n", NULL, "t.csv:6:2: not a number: 'x'");

  /* A CR that ends no line is text. */
  expect_error ("1,2\r3,0\n", NULL, "t.csv:1:2: not a number: '2\\r3'");
  expect_error (" \n\r\n\n", NULL, "t.csv: empty file");
}

/* Numbers */

static void
test_csv_numbers_syntax (void)
{
  static const struct
  {
    const char *text;
    float       value;
  } good[] = {
    { "1e-3", 1e-3f },
    { "  1e-3  ", 1e-3f },
    { "\" 2.5 \"", 2.5f },
    { "+.5", 0.5f },
    { "5.", 5.0f },
    { "1E+2", 100.0f },
    { "007", 7.0f },
    { "-1.25e1", -12.5f },
    { "0.000001", 1e-6f },
    { "123456789", 123456789.0f },
    { "3.4028234e38", 3.4028234e38f },
    { "1e-50", 0.0f },
    { "0.1", 0.1f },
    { "0e999999999999", 0.0f },
  };
  static const char *const bad[] = {
    "0x10", "1e", "e3", ".", "-", "1.2.3", "1 2", "1e+", "--1", "1_000", "N/A", "nana",
    "\xD9\xA1",
  };
  static const char *const infinite[] = { "inf", "-Infinity", "+nan", "INF", "-nan" };
  static const char *const range[] = { "1e39", "-3.5e38", "1e999999999999" };
  nn_csv_options o = nn_csv_options_default ();
  nn_dataset *ds;

  o.header = 1;
  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *text = g_strdup_printf ("v,label\n%s,0\n", good[i].text);

      ds = parse_with (text, &o);
      g_assert_cmpfloat (ds->x[0], ==, good[i].value);
      nn_dataset_free (ds);
    }
  ds = parse_with ("v,label\n-0,0\n", &o);
  g_assert_true (ds->x[0] == 0.0f && signbit (ds->x[0]));
  nn_dataset_free (ds);
  ds = parse_with ("v,label\n1.4e-45,0\n", &o);
  g_assert_cmpfloat (ds->x[0], ==, 1.4e-45f);
  nn_dataset_free (ds);

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("v,label\n%s,0\n", bad[i]);
      g_autofree char *message = g_strdup_printf ("t.csv:2:1: not a number: '%s'", bad[i]);

      expect_error (text, &o, message);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (infinite); i++)
    {
      g_autofree char *text = g_strdup_printf ("v,label\n%s,0\n", infinite[i]);
      g_autofree char *message = g_strdup_printf ("t.csv:2:1: infinite and NaN values are "
                                                  "not accepted: '%s'", infinite[i]);

      expect_error (text, &o, message);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (range); i++)
    {
      g_autofree char *text = g_strdup_printf ("v,label\n%s,0\n", range[i]);
      g_autofree char *message = g_strdup_printf ("t.csv:2:1: number out of the range of a "
                                                  "float: '%s'", range[i]);

      expect_error (text, &o, message);
    }
  /* A decimal comma is no number, whatever the delimiter. */
  expect_error ("v;label\n1,5;0\n", &o, "t.csv:2:1: not a number: '1,5'");
}

/* Appends a random decimal number: 1 to 25 significant digits, a point
 * anywhere, an exponent from -50 to 40, and keeps it within a float's
 * range. */
static void
append_random_decimal (GString *out,
                       GRand   *rng)
{
  int digits = g_rand_int_range (rng, 1, 26);
  int point = g_rand_int_range (rng, 0, digits + 1);
  int exponent = g_rand_int_range (rng, -50, 41 - digits);

  if (g_rand_boolean (rng))
    g_string_append_c (out, '-');
  for (int i = 0; i < digits; i++)
    {
      if (i == point && i > 0)
        g_string_append_c (out, '.');
      g_string_append_c (out, (char) ('0' + g_rand_int_range (rng, i == 0 ? 1 : 0, 10)));
    }
  if (exponent != 0)
    g_string_append_printf (out, "e%d", exponent);
}

/* Every value equals the correctly rounded float that strtof gives for the
 * same text: shortest round-trip floats, long decimals, subnormals. */
static void
test_csv_numbers_exact (void)
{
  enum { N = 20000 };
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) csv = g_string_new ("v,label\n");
  nn_csv_options o = nn_csv_options_default ();
  nn_dataset *ds;

  for (int i = 0; i < N; i++)
    {
      GString *s = g_string_new (NULL);

      switch (i % 4)
        {
        case 0:
          {
            guint32 bits = g_rand_int (rng);
            float f;

            memcpy (&f, &bits, sizeof f);
            if (!isfinite (f))
              f = (float) i;
            g_string_printf (s, "%.9g", f);
            break;
          }
        case 1:
          g_string_printf (s, "%.6f", g_rand_double_range (rng, -100.0, 100.0));
          break;
        case 2:
          g_string_printf (s, "%.17g", g_rand_double_range (rng, -1e6, 1e6));
          break;
        default:
          append_random_decimal (s, rng);
          break;
        }
      if (isinf (strtof (s->str, NULL)))
        g_string_assign (s, "1");
      g_string_append_printf (csv, "%s,0\n", s->str);
      g_ptr_array_add (texts, g_string_free (s, FALSE));
    }
  o.header = 1;
  ds = parse_with (csv->str, &o);
  g_assert_cmpuint (ds->n, ==, N);
  for (int i = 0; i < N; i++)
    {
      float expected = strtof (texts->pdata[i], NULL);

      if (memcmp (&ds->x[i], &expected, sizeof expected) != 0)
        g_error ("'%s' read as %.9g, expected %.9g", (char *) texts->pdata[i], ds->x[i],
                 expected);
    }
  nn_dataset_free (ds);
}

/* Under a locale whose decimal point is a comma, numbers still read with
 * a point. */
static void
test_csv_numbers_locale (void)
{
  static const char *const locales[] = {
    "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8", "ru_RU.UTF-8",
  };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  const char *found = NULL;
  nn_dataset *ds;

  for (size_t i = 0; i < G_N_ELEMENTS (locales) && found == NULL; i++)
    if (setlocale (LC_NUMERIC, locales[i]) != NULL)
      {
        if (strcmp (localeconv ()->decimal_point, ",") == 0)
          found = locales[i];
        else
          setlocale (LC_NUMERIC, saved);
      }
  if (found == NULL)
    {
      g_test_skip ("no locale with a decimal comma is installed");
      return;
    }
  ds = parse ("a,b,label\n1.5,0.123456789012,0\n2.25,1e-3,1\n");
  g_assert_cmpfloat (ds->x[0], ==, 1.5f);
  g_assert_cmpfloat (ds->x[1], ==, 0.123456789012f);
  g_assert_cmpfloat (ds->x[3], ==, 1e-3f);
  nn_dataset_free (ds);
  setlocale (LC_NUMERIC, saved);
}

/* Labels and targets */

static void
test_csv_label_column (void)
{
  static const struct
  {
    const char *spec;
    size_t      label;   /* 0-based column */
  } cases[] = {
    { NULL, 3 }, { "", 3 }, { "b", 1 }, { " c ", 2 }, { "1", 0 }, { "+2", 1 }, { "-1", 3 },
    { "-4", 0 },
  };
  static const char *const names[] = { "a", "b", "c", "d" };
  const char *text = "a,b,c,d\n1,2,3,4\n5,6,7,8\n";
  nn_csv_options o = nn_csv_options_default ();
  g_autoptr (GString) wide = g_string_new (NULL);
  nn_error err = { 0 };
  nn_dataset *ds;

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      size_t j = 0;

      o.label_column = cases[i].spec;
      ds = parse_with (text, &o);
      g_assert_cmpuint (ds->d, ==, 3);
      g_assert_cmpuint (ds->k, ==, 2);
      for (size_t c = 0; c < 4; c++)
        if (c != cases[i].label)
          {
            g_assert_cmpstr (ds->feature_names[j], ==, names[c]);
            g_assert_cmpfloat (ds->x[j], ==, (float) (c + 1));
            g_assert_cmpfloat (ds->x[3 + j], ==, (float) (c + 5));
            j++;
          }
      g_assert_cmpint (atoi (ds->class_names[0]), ==, (int) cases[i].label + 1);
      nn_dataset_free (ds);
    }

  o.label_column = "e";
  expect_invalid (text, &o, "t.csv: no label column named 'e'; the columns are: a, b, c, d");
  o.label_column = "5";
  expect_invalid (text, &o, "t.csv: no label column 5: the file has 4 columns (1 to 4, or -1 "
                  "to -4 from the end)");
  o.label_column = "0";
  expect_invalid (text, &o, "t.csv: no label column 0: the file has 4 columns (1 to 4, or -1 "
                  "to -4 from the end)");
  o.label_column = "-5";
  expect_invalid (text, &o, "t.csv: no label column -5: the file has 4 columns (1 to 4, or -1 "
                  "to -4 from the end)");
  o.label_column = "c";
  expect_invalid ("1,2,3\n4,5,6\n", &o, "t.csv: no label column named 'c': the file has no "
                  "header; give a column number from 1 to 3");
  o.label_column = "a";
  expect_invalid ("a,b,a\n1,2,3\n", &o, "t.csv: label column 'a' is ambiguous: columns 1 and 3 "
                  "have that name; give a column number");

  /* A long list of columns is shortened. */
  for (int c = 1; c <= 60; c++)
    g_string_append_printf (wide, "%scolumn_number_%02d", c > 1 ? "," : "", c);
  g_string_append (wide, "\n");
  for (int c = 1; c <= 60; c++)
    g_string_append_printf (wide, "%s%d", c > 1 ? "," : "", c);
  o.label_column = "color";
  g_assert_null (nn_csv_parse ("t.csv", wide->str, wide->len, &o, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  g_assert_true (g_str_has_prefix (err.msg, "t.csv: no label column named 'color'; the columns "
                                   "are: column_number_01, column_number_02, "));
  g_assert_true (g_str_has_suffix (err.msg, "…"));
  g_assert_cmpuint (strlen (err.msg), <, 260);
}

static void
test_csv_string_labels (void)
{
  /* Sorted by strcmp: bytes, so digits before capitals before small
   * letters before UTF-8. */
  static const char *const classes[] = { "10", "9", "B", "a", "b", "z", "\xC3\xA9" };
  static const int32_t y[] = { 4, 2, 3, 0, 1, 4, 6, 5 };
  nn_dataset *ds = parse ("x,label\n1,b\n2,B\n3,a\n4,10\n5,9\n6,b\n7,\xC3\xA9\n8,z\n");

  g_assert_cmpuint (ds->k, ==, 7);
  assert_names (ds->class_names, classes, 7);
  assert_labels (ds, y);
  nn_dataset_free (ds);
}

static void
test_csv_integer_labels (void)
{
  static const char *const classes[] = { "-1", "0", "3", "7", "10" };
  static const int32_t y[] = { 3, 1, 4, 2, 3, 0 };
  static const char *const whole[] = { "1", "2" };
  static const int32_t whole_y[] = { 0, 1, 1 };
  static const char *const mixed[] = { "1", "2", "x" };
  static const char *const named[] = { "2.5", "cat" };
  nn_csv_options o = nn_csv_options_default ();
  nn_dataset *ds;

  /* Sorted by value; "07" is 7. */
  ds = parse ("x,label\n1,7\n2,0\n3,10\n4,3\n5,07\n6,-1\n");
  assert_names (ds->class_names, classes, 5);
  assert_labels (ds, y);
  nn_dataset_free (ds);

  /* Up to NN_CSV_MAX_AUTO_CLASSES distinct integers are classes. */
  for (int distinct = NN_CSV_MAX_AUTO_CLASSES; distinct <= NN_CSV_MAX_AUTO_CLASSES + 1; distinct++)
    {
      g_autoptr (GString) text = g_string_new ("x,label\n");

      for (int i = 0; i < 2 * distinct; i++)
        g_string_append_printf (text, "%d,%d\n", i, i % distinct);
      ds = parse (text->str);
      if (distinct <= NN_CSV_MAX_AUTO_CLASSES)
        {
          g_assert_cmpint (ds->task, ==, NN_TASK_CLASSIFICATION);
          g_assert_cmpuint (ds->k, ==, (guint) distinct);
        }
      else
        {
          g_assert_cmpint (ds->task, ==, NN_TASK_REGRESSION);
          g_assert_cmpuint (ds->k, ==, 1);
          g_assert_cmpfloat (ds->t[distinct + 1], ==, 1.0f);
        }
      nn_dataset_free (ds);
      o.task = NN_CSV_TASK_CLASSIFICATION;
      ds = parse_with (text->str, &o);
      g_assert_cmpuint (ds->k, ==, (guint) distinct);
      nn_dataset_free (ds);
      o.task = NN_CSV_TASK_AUTO;
    }

  /* Integers as regression targets. */
  o.task = NN_CSV_TASK_REGRESSION;
  ds = parse_with ("x,label\n1,2\n3,4\n", &o);
  g_assert_cmpint (ds->task, ==, NN_TASK_REGRESSION);
  g_assert_null (ds->y);
  g_assert_null (ds->class_names);
  g_assert_cmpuint (ds->k, ==, 1);
  g_assert_cmpfloat (ds->t[0], ==, 2.0f);
  g_assert_cmpfloat (ds->t[1], ==, 4.0f);
  nn_dataset_free (ds);

  /* Whole numbers written otherwise: classes when asked, else regression. */
  o.task = NN_CSV_TASK_CLASSIFICATION;
  ds = parse_with ("x,label\n1,1.0\n2,2\n3,2e0\n", &o);
  assert_names (ds->class_names, whole, 2);
  assert_labels (ds, whole_y);
  nn_dataset_free (ds);
  expect_error ("x,label\n1,1\n2,2.5\n3,3\n", &o,
                "t.csv:3:2: a class label must be a whole number or a name: '2.5'");
  ds = parse_with ("x,label\n1,cat\n2,2.5\n", &o);
  assert_names (ds->class_names, named, 2);
  nn_dataset_free (ds);
  o.task = NN_CSV_TASK_AUTO;
  ds = parse ("x,label\n1,1.0\n2,2\n");
  g_assert_cmpint (ds->task, ==, NN_TASK_REGRESSION);
  nn_dataset_free (ds);

  /* Numbers among names: all names. */
  ds = parse ("x,label\n1,2\n2,x\n3,1\n");
  assert_names (ds->class_names, mixed, 3);
  nn_dataset_free (ds);
}

static void
test_csv_regression (void)
{
  static const float x[] = { 1, 2, 5, 6 };
  static const float t[] = { 3, 4, 7, 8 };
  static const float swapped[] = { 4, 3, 8, 7 };
  const char *text = "x1,x2,y1,y2\n1,2,3,4\n5,6,7,8\n";
  nn_csv_options o = nn_csv_options_default ();
  nn_dataset *ds;

  ds = parse ("x,y\n1,0.5\n2,1.5\n");
  g_assert_cmpint (ds->task, ==, NN_TASK_REGRESSION);
  g_assert_null (ds->y);
  g_assert_cmpfloat (ds->t[0], ==, 0.5f);
  g_assert_cmpfloat (ds->t[1], ==, 1.5f);
  nn_dataset_free (ds);

  o.target_columns = "y1,y2";
  o.label_column = "x1";  /* ignored beside target columns */
  ds = parse_with (text, &o);
  g_assert_cmpint (ds->task, ==, NN_TASK_REGRESSION);
  g_assert_cmpuint (ds->d, ==, 2);
  g_assert_cmpuint (ds->k, ==, 2);
  assert_floats (ds->x, x, 4);
  assert_floats (ds->t, t, 4);
  g_assert_cmpstr (ds->feature_names[1], ==, "x2");
  nn_dataset_free (ds);

  o.label_column = NULL;
  o.target_columns = " y2 , 3";
  o.task = NN_CSV_TASK_REGRESSION;
  ds = parse_with (text, &o);
  assert_floats (ds->x, x, 4);
  assert_floats (ds->t, swapped, 4);
  nn_dataset_free (ds);

  o.target_columns = "y1,3";
  expect_invalid (text, &o, "t.csv: column 3 is given twice as a target");
  o.target_columns = "z";
  expect_invalid (text, &o, "t.csv: no target column named 'z'; the columns are: x1, x2, y1, y2");
  o.target_columns = "y1,,y2";
  expect_invalid (text, &o, "an empty target column name");
  o.target_columns = "x1,x2,y1,y2";
  expect_error (text, &o, "t.csv: no feature columns: all 4 columns are targets");
  o.target_columns = "y1";
  o.task = NN_CSV_TASK_CLASSIFICATION;
  expect_invalid (text, &o, "target columns are for regression; a classification takes one "
                  "label column");

  o = nn_csv_options_default ();
  o.task = NN_CSV_TASK_REGRESSION;
  expect_error ("x,label\n1,cat\n", &o, "t.csv:2:2: regression target is not a number: 'cat'");
  expect_error ("x,label\n1,inf\n", NULL,
                "t.csv:2:2: infinite and NaN values are not accepted: 'inf'");
}

/* Missing cells */

static void
test_csv_missing_error (void)
{
  expect_error ("a,b,label\n1,,x\n", NULL,
                "t.csv: 1 missing cell, at 2:2; use --missing drop or --missing mean");
  expect_error ("a,b,label\n1,,x\n?,2,y\n", NULL,
                "t.csv: 2 missing cells, at 2:2, 3:1; use --missing drop or --missing mean");
  /* Every marker, the label's too; the first five are listed. */
  expect_error ("a,b,label\nNA,na,x\nNaN,nAn,y\n?,\"\",x\n  ,2,y\n1,\"NA\",?\n", NULL,
                "t.csv: 9 missing cells, first at 2:1, 2:2, 3:1, 3:2, 4:1, …; use --missing "
                "drop or --missing mean");
  /* Whichever comes first in the file is reported. */
  expect_error ("a,b,label\n1,x,y\n1,,y\n", NULL, "t.csv:2:2: not a number: 'x'");
  expect_error ("a,b,label\n1,2,y\nx,,y\n", NULL, "t.csv:3:1: not a number: 'x'");
  expect_error ("a,b,label\n1,,y\n1,x,y\n", NULL,
                "t.csv: 1 missing cell, at 2:2; use --missing drop or --missing mean");
}

static void
test_csv_missing_drop (void)
{
  static const float x[] = { 1, 2, 7, 8 };
  static const char *const classes[] = { "w", "x" };
  static const int32_t y[] = { 1, 0 };
  nn_csv_options o = nn_csv_options_default ();
  nn_dataset *ds;

  o.missing = NN_MISSING_DROP;
  /* The classes of dropped rows are not classes. */
  ds = parse_with ("a,b,label\n1,2,x\n,3,y\n4,NA,z\n5,6,?\n7,8,w\n", &o);
  g_assert_cmpuint (ds->n, ==, 2);
  assert_floats (ds->x, x, 4);
  assert_names (ds->class_names, classes, 2);
  assert_labels (ds, y);
  nn_dataset_free (ds);

  o.target_columns = "y1,y2";
  ds = parse_with ("x,y1,y2\n1,2,3\n4,,6\n7,8,9\n", &o);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpfloat (ds->t[2], ==, 8.0f);
  g_assert_cmpfloat (ds->t[3], ==, 9.0f);
  nn_dataset_free (ds);
  o.target_columns = NULL;

  expect_error ("a,b,label\n1,,x\n?,2,y\n", &o,
                "t.csv: every data row has a missing cell, so dropping them leaves none");
  /* A bad cell is bad in a dropped row too. */
  expect_error ("a,b,label\n1,x,\n", &o, "t.csv:2:2: not a number: 'x'");
}

static void
test_csv_missing_mean (void)
{
  nn_csv_options o = nn_csv_options_default ();
  nn_dataset *ds, train;
  float means[2];

  o.missing = NN_MISSING_MEAN;
  ds = parse_with ("a,b,label\n1,,x\nNA,4,y\n3,6,x\n", &o);
  g_assert_cmpuint (ds->n, ==, 3);
  g_assert_true (isnan (ds->x[1]));
  g_assert_true (isnan (ds->x[2]));
  g_assert_cmpfloat (ds->x[4], ==, 3.0f);
  train = nn_dataset_view (ds, 0, 3);
  nn_dataset_fill_missing (ds, &train, means);
  g_assert_cmpfloat (means[0], ==, 2.0f);
  g_assert_cmpfloat (means[1], ==, 5.0f);
  g_assert_cmpfloat (ds->x[1], ==, 5.0f);
  g_assert_cmpfloat (ds->x[2], ==, 2.0f);
  nn_dataset_free (ds);

  expect_error ("a,b,label\n1,2,x\n3,4,NA\n", &o,
                "t.csv:3:3: a missing label cannot be filled with a mean: 'NA'");
  expect_error ("a,b,label\n1,2,\n1,x,y\n", &o,
                "t.csv:2:3: a missing label cannot be filled with a mean: ''");
  expect_error ("a,b,label\n1,x,y\n1,2,\n", &o, "t.csv:2:2: not a number: 'x'");
  o.target_columns = "y1,y2";
  expect_error ("x,y1,y2\n1,2,3\n4,?,6\n", &o,
                "t.csv:3:2: a missing target cannot be filled with a mean: '?'");
}

static void
test_csv_fill_missing (void)
{
  enum { D = 70 };  /* more than one block of columns */
  nn_dataset *ds = nn_dataset_new (NN_TASK_CLASSIFICATION, 4, D, 2, NULL);
  nn_dataset train;
  float means[D];

  g_assert_nonnull (ds);
  for (size_t i = 0; i < 4 * D; i++)
    ds->x[i] = (float) i;
  /* Column 0: training values 0.1 and 0.2, the rows after missing. */
  ds->x[0] = 0.1f;
  ds->x[D] = 0.2f;
  ds->x[2 * D] = NAN;
  ds->x[3 * D] = NAN;
  /* Column 65: nothing in the training rows. */
  ds->x[65] = NAN;
  ds->x[D + 65] = NAN;
  ds->x[3 * D + 65] = NAN;
  /* Column 69: one training value. */
  ds->x[D + 69] = NAN;
  ds->x[2 * D + 69] = NAN;

  train = nn_dataset_view (ds, 0, 2);
  nn_dataset_fill_missing (ds, &train, means);
  g_assert_cmpfloat (means[0], ==, (float) (((double) 0.1f + (double) 0.2f) / 2));
  g_assert_cmpfloat (ds->x[2 * D], ==, means[0]);
  g_assert_cmpfloat (ds->x[3 * D], ==, means[0]);
  g_assert_cmpfloat (means[65], ==, 0.0f);
  g_assert_cmpfloat (ds->x[65], ==, 0.0f);
  g_assert_cmpfloat (ds->x[3 * D + 65], ==, 0.0f);
  g_assert_cmpfloat (ds->x[2 * D + 65], ==, (float) (2 * D + 65));
  g_assert_cmpfloat (means[69], ==, 69.0f);
  g_assert_cmpfloat (ds->x[D + 69], ==, 69.0f);
  g_assert_cmpfloat (ds->x[2 * D + 69], ==, 69.0f);
  g_assert_cmpfloat (means[1], ==, (float) ((1.0 + D + 1) / 2));
  for (size_t i = 0; i < 4 * D; i++)
    g_assert_false (isnan (ds->x[i]));

  /* Without means, and with nothing to fill. */
  nn_dataset_fill_missing (ds, &train, NULL);
  g_assert_cmpfloat (ds->x[2 * D], ==, means[0]);
  nn_dataset_free (ds);
}

/* Bad content */

static void
test_csv_errors (void)
{
  nn_csv_options o = nn_csv_options_default ();
  nn_error err = { 0 };

  expect_error ("", NULL, "t.csv: empty file");
  g_assert_null (nn_csv_parse (NULL, NULL, 0, NULL, &err));
  g_assert_cmpstr (err.msg, ==, "(data): empty file");
  expect_error ("a,b,c\n", NULL, "t.csv: a header but no data rows");

  expect_error ("a,b,label\n1,2,x\n3,4\n", NULL,
                "t.csv:3:3: too few fields: expected 3 (as in line 1), found 2: '3,4'");
  expect_error ("\n\na,b,label\n1,2,x\n3,4,y,5,6\n", NULL,
                "t.csv:5:4: too many fields: expected 3 (as in line 3), found 5: '3,4,y,5,6'");
  expect_error ("a,b,label\n1,2,x\n3,4,\"y\n\",5\n", NULL,
                "t.csv:4:4: too many fields: expected 3 (as in line 1), found 4: '3,4,\"y'");

  expect_error_len ("a,b\n1\0002,3\n", 11, NULL, NN_ERR_FORMAT,
                    "t.csv:2:1: NUL byte (is this a binary file?): '1\\x00'");
  expect_error_len ("a,b\n\"1\0\",2\n", 11, NULL, NN_ERR_FORMAT,
                    "t.csv:2:1: NUL byte (is this a binary file?): '\"1\\x00'");
  expect_error_len ("a\0,b\n1,2\n", 9, NULL, NN_ERR_FORMAT,
                    "t.csv:1:1: NUL byte (is this a binary file?): 'a\\x00'");

  o.header = 2;
  expect_invalid ("1,2\n", &o, "invalid CSV options (header 2, delimiter 0x00, task 0, "
                  "missing 0)");
  o.header = -1;
  o.task = (nn_csv_task) 7;
  expect_invalid ("1,2\n", &o, "invalid CSV options (header -1, delimiter 0x00, task 7, "
                  "missing 0)");
  o.task = NN_CSV_TASK_AUTO;
  o.missing = (nn_missing) 9;
  expect_invalid ("1,2\n", &o, "invalid CSV options (header -1, delimiter 0x00, task 0, "
                  "missing 9)");
}

static void
test_csv_limits (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *expected = NULL;
  nn_dataset *ds;

  /* The longest cell, as a class name; one byte more, refused. */
  g_string_append (text, "1,");
  for (int i = 0; i < NN_CSV_MAX_CELL; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "\n");
  ds = parse (text->str);
  g_assert_cmpuint (strlen (ds->class_names[0]), ==, NN_CSV_MAX_CELL);
  nn_dataset_free (ds);
  g_string_insert_c (text, 2, 'a');
  expect_error (text->str, NULL, "t.csv:1:2: cell longer than 65536 bytes: "
                "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…'");
  g_string_insert_c (text, 2, '"');
  g_string_insert_c (text, text->len - 1, '"');
  expect_error (text->str, NULL, "t.csv:1:2: cell longer than 65536 bytes: "
                "'\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…'");

  /* A number of 65536 characters. */
  g_string_assign (text, "0.");
  for (int i = 0; i < NN_CSV_MAX_CELL - 3; i++)
    g_string_append_c (text, '0');
  g_string_append (text, "1,0\n");
  ds = parse (text->str);
  g_assert_cmpfloat (ds->x[0], ==, 0.0f);
  nn_dataset_free (ds);

  /* The most columns; one more, refused. */
  g_string_truncate (text, 0);
  for (int c = 0; c < NN_CSV_MAX_COLUMNS; c++)
    g_string_append (text, c > 0 ? ",0" : "0");
  g_string_append (text, "\n");
  ds = parse (text->str);
  g_assert_cmpuint (ds->d, ==, NN_CSV_MAX_COLUMNS - 1);
  nn_dataset_free (ds);
  g_string_insert (text, 0, "0,");
  expected = g_strdup_printf ("t.csv:1:%d: more than 100000 columns: "
                              "'0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,…'",
                              NN_CSV_MAX_COLUMNS + 1);
  expect_error (text->str, NULL, expected);

  /* A later row far too long. */
  g_string_insert (text, 0, "1,2\n");
  expect_error (text->str, NULL, "t.csv:2:3: too many fields: expected 2 (as in line 1), found "
                "100001: '0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,…'");
  g_string_insert (text, 4, "0,");
  expect_error (text->str, NULL, "t.csv:2:3: too many fields: expected 2 (as in line 1), found "
                "more than 100000: '0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,…'");
}

/* The offending text in a message: 40 bytes, whole UTF-8 characters,
 * control bytes escaped. */
static void
test_csv_message_text (void)
{
  g_autoptr (GString) text = g_string_new ("v,label\nx");

  expect_error ("v,label\nabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij,0\n", NULL,
                "t.csv:2:1: not a number: 'abcdefghijabcdefghijabcdefghijabcdefghij…'");
  for (int i = 0; i < 30; i++)
    g_string_append (text, "\xC3\xA9");
  g_string_append (text, ",0\n");
  expect_error (text->str, NULL, "t.csv:2:1: not a number: 'x\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9…'");
  expect_error ("v,label\na\tb,0\n", NULL, "t.csv:2:1: not a number: 'a\\tb'");
  expect_error ("v,label\n\x01\x7f,0\n", NULL, "t.csv:2:1: not a number: '\\x01\\x7f'");
}

/* Files */

static void
test_csv_files (void)
{
  static const char *const iris_features[] = {
    "sepal_length", "sepal_width", "petal_length", "petal_width",
  };
  static const char *const iris_classes[] = { "setosa", "versicolor", "virginica" };
  static const int32_t iris_y[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2 };
  static const float iris_first[] = { 5.1f, 3.5f, 1.4f, 0.2f };
  static const float iris_last[] = { 6.3f, 2.9f, 5.6f, 1.8f };
  static const char *const semicolon_features[] = { "temperature", "pressure", "humidity" };
  static const float semicolon_x[] = { 21.5f, 1013.25f, 0.45f, -3.75f, 998, 0.8f, 18, 1020.5f,
                                       0.1f };
  static const int32_t semicolon_y[] = { 0, 2, 1 };
  static const char *const quoted_classes[] = {
    "comma, inside", "plain", "two\nlines", "with \"quotes\"",
  };
  static const int32_t quoted_y[] = { 1, 3, 2, 0, 1 };
  static const float quoted_x[] = { 1.5f, 2.5f, 3, 4, 5, 6, 7, 8, 9, 10 };
  static const float regression_x[] = { 4.5f, 5, 2 };
  static const float regression_t[] = { 51.25f, -5 };
  g_autofree char *iris_path = good_file ("iris.csv");
  g_autofree char *gz_path = good_file ("iris.csv.gz");
  g_autofree char *semicolon_path = good_file ("semicolon.csv");
  g_autofree char *quoted_path = good_file ("quoted.csv");
  g_autofree char *regression_path = good_file ("regression.csv");
  nn_csv_options o = nn_csv_options_default ();
  nn_dataset *ds, *gz;

  ds = load (iris_path, NULL);
  g_assert_cmpuint (ds->n, ==, 12);
  g_assert_cmpuint (ds->d, ==, 4);
  g_assert_cmpuint (ds->k, ==, 3);
  assert_names (ds->feature_names, iris_features, 4);
  assert_names (ds->class_names, iris_classes, 3);
  assert_labels (ds, iris_y);
  assert_floats (ds->x, iris_first, 4);
  assert_floats (ds->x + 11 * 4, iris_last, 4);

  /* The same file compressed (gzip -n) reads the same. */
  gz = load (gz_path, NULL);
  g_assert_cmpuint (gz->n, ==, ds->n);
  g_assert_cmpuint (gz->d, ==, ds->d);
  g_assert_cmpmem (gz->x, gz->n * gz->d * sizeof (float), ds->x, ds->n * ds->d * sizeof (float));
  g_assert_cmpmem (gz->y, gz->n * sizeof (int32_t), ds->y, ds->n * sizeof (int32_t));
  assert_names (gz->class_names, iris_classes, 3);
  nn_dataset_free (gz);
  nn_dataset_free (ds);

  /* BOM, ';', CRLF, an empty line. */
  ds = load (semicolon_path, NULL);
  g_assert_cmpuint (ds->n, ==, 3);
  assert_names (ds->feature_names, semicolon_features, 3);
  assert_floats (ds->x, semicolon_x, 9);
  assert_labels (ds, semicolon_y);
  nn_dataset_free (ds);

  ds = load (quoted_path, NULL);
  g_assert_cmpuint (ds->n, ==, 5);
  g_assert_cmpstr (ds->feature_names[0], ==, "x");
  g_assert_cmpstr (ds->feature_names[1], ==, "y");
  assert_floats (ds->x, quoted_x, 10);
  assert_names (ds->class_names, quoted_classes, 4);
  assert_labels (ds, quoted_y);
  nn_dataset_free (ds);

  o.target_columns = "y1,y2";
  ds = load (regression_path, &o);
  g_assert_cmpint (ds->task, ==, NN_TASK_REGRESSION);
  g_assert_cmpuint (ds->n, ==, 6);
  g_assert_cmpuint (ds->d, ==, 3);
  g_assert_cmpuint (ds->k, ==, 2);
  assert_floats (ds->x + 4 * 3, regression_x, 3);
  assert_floats (ds->t + 4 * 2, regression_t, 2);
  nn_dataset_free (ds);
  /* Without target columns, the last column's six integers are classes. */
  ds = load (regression_path, NULL);
  g_assert_cmpint (ds->task, ==, NN_TASK_CLASSIFICATION);
  g_assert_cmpuint (ds->k, ==, 6);
  g_assert_cmpstr (ds->class_names[0], ==, "-6");
  nn_dataset_free (ds);
}

typedef struct
{
  const char *file;
  int         task;     /* nn_csv_task */
  const char *label;    /* label column option, or NULL */
  nn_status   status;
  const char *message;  /* after "PATH" */
} bad_case;

static const bad_case bad_cases[] = {
  { "csv-ragged.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":3:3: too few fields: expected 3 (as in line 1), found 2: '3,4'" },
  { "csv-too-many-fields.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":3:4: too many fields: expected 3 (as in line 1), found 5: '3,4,y,5,6'" },
  { "csv-nonnumeric.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":3:2: not a number: 'four'" },
  { "csv-empty.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT, ": empty file" },
  { "csv-header-only.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ": a header but no data rows" },
  { "csv-unterminated-quote.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":2:3: unterminated quote: '\"open\\n3,4,y\\n'" },
  { "csv-missing.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ": 6 missing cells, first at 2:2, 3:1, 3:3, 5:1, 5:2, …; use --missing drop or --missing "
    "mean" },
  { "csv-nul.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":2:2: NUL byte (is this a binary file?): '2\\x00'" },
  { "csv-text-after-quote.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":2:3: text after a closing quote: 'y'" },
  { "csv-infinite.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":2:2: infinite and NaN values are not accepted: '-inf'" },
  { "csv-out-of-range.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ":2:2: number out of the range of a float: '1e40'" },
  { "csv-fraction-label.csv", NN_CSV_TASK_CLASSIFICATION, NULL, NN_ERR_FORMAT,
    ":3:2: a class label must be a whole number or a name: '2.5'" },
  { "csv-no-features.csv", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ": no feature columns: the only column is the label" },
  { "csv-corrupt.csv.gz", NN_CSV_TASK_AUTO, NULL, NN_ERR_FORMAT,
    ": corrupt gzip stream (invalid literal/lengths set)" },
};

/* Each kind of bad input in its own file, as a user would meet it. */
static void
test_csv_bad_files (void)
{
  g_autofree char *iris = good_file ("iris.csv");
  g_autofree char *label_message = NULL;
  nn_csv_options o = nn_csv_options_default ();
  nn_error err = { 0 };

  for (size_t i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const bad_case *c = &bad_cases[i];
      g_autofree char *path = bad_file (c->file);
      g_autofree char *message = g_strconcat (path, c->message, NULL);

      o.task = (nn_csv_task) c->task;
      o.label_column = c->label;
      nn_error_clear (&err);
      g_assert_null (nn_csv_load (path, &o, &err));
      g_assert_cmpstr (err.msg, ==, message);
      g_assert_cmpint (err.status, ==, c->status);
      g_assert_null (nn_csv_load (path, &o, NULL));
    }

  /* A label column the file does not have: a bad option, not bad content. */
  o = nn_csv_options_default ();
  o.label_column = "color";
  label_message = g_strconcat (iris, ": no label column named 'color'; the columns are: "
                               "sepal_length, sepal_width, petal_length, petal_width, species",
                               NULL);
  g_assert_null (nn_csv_load (iris, &o, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  g_assert_cmpstr (err.msg, ==, label_message);
}

static void
test_csv_gzip (void)
{
  g_autofree char *gz_path = good_file ("iris.csv.gz");
  g_autofree char *plain_path = good_file ("iris.csv");
  g_autofree char *compressed = NULL, *plain = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-csv-XXXXXX", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.csv.gz", NULL);
  g_autofree char *unnamed = g_build_filename (dir, "compressed.csv", NULL);
  g_autofree char *misnamed = g_build_filename (dir, "plain.csv.gz", NULL);
  g_autofree char *message = NULL;
  gsize compressed_len, plain_len;
  nn_error err = { 0 };
  nn_dataset *ds;

  g_assert_nonnull (dir);
  g_assert_true (g_file_get_contents (gz_path, &compressed, &compressed_len, NULL));
  g_assert_true (g_file_get_contents (plain_path, &plain, &plain_len, NULL));

  /* Cut short: the stream ends before its end. */
  g_assert_true (g_file_set_contents (truncated, compressed, (gssize) compressed_len / 2, NULL));
  g_assert_null (nn_csv_load (truncated, NULL, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_FORMAT);
  message = g_strconcat (truncated, ": corrupt gzip stream (it ends early)", NULL);
  g_assert_cmpstr (err.msg, ==, message);

  /* Compression is known by the content, not the name. */
  g_assert_true (g_file_set_contents (unnamed, compressed, (gssize) compressed_len, NULL));
  ds = load (unnamed, NULL);
  g_assert_cmpuint (ds->n, ==, 12);
  nn_dataset_free (ds);
  g_assert_true (g_file_set_contents (misnamed, plain, (gssize) plain_len, NULL));
  ds = load (misnamed, NULL);
  g_assert_cmpuint (ds->n, ==, 12);
  nn_dataset_free (ds);

  g_assert_cmpint (g_remove (truncated), ==, 0);
  g_assert_cmpint (g_remove (unnamed), ==, 0);
  g_assert_cmpint (g_remove (misnamed), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_csv_io (void)
{
  g_autofree char *missing = good_file ("no-such-file.csv");
  g_autofree char *folder = g_test_build_filename (G_TEST_DIST, "data", "csv", NULL);
  g_autofree char *missing_message = g_strconcat (missing, ": No such file or directory", NULL);
  g_autofree char *folder_message = g_strconcat (folder, ": a folder, not a CSV file", NULL);
  nn_error err = { 0 };

  g_assert_null (nn_csv_load (missing, NULL, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  g_assert_cmpstr (err.msg, ==, missing_message);
  g_assert_null (nn_csv_load (folder, NULL, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_IO);
  g_assert_cmpstr (err.msg, ==, folder_message);
  g_assert_null (nn_csv_load (NULL, NULL, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data/csv/options", test_csv_options_default);
  g_test_add_func ("/data/csv/basic", test_csv_basic);
  g_test_add_func ("/data/csv/header", test_csv_header);
  g_test_add_func ("/data/csv/delimiter", test_csv_delimiter);
  g_test_add_func ("/data/csv/quoting", test_csv_quoting);
  g_test_add_func ("/data/csv/line-endings", test_csv_line_endings);
  g_test_add_func ("/data/csv/numbers/syntax", test_csv_numbers_syntax);
  g_test_add_func ("/data/csv/numbers/exact", test_csv_numbers_exact);
  g_test_add_func ("/data/csv/numbers/locale", test_csv_numbers_locale);
  g_test_add_func ("/data/csv/labels/column", test_csv_label_column);
  g_test_add_func ("/data/csv/labels/strings", test_csv_string_labels);
  g_test_add_func ("/data/csv/labels/integers", test_csv_integer_labels);
  g_test_add_func ("/data/csv/labels/regression", test_csv_regression);
  g_test_add_func ("/data/csv/missing/error", test_csv_missing_error);
  g_test_add_func ("/data/csv/missing/drop", test_csv_missing_drop);
  g_test_add_func ("/data/csv/missing/mean", test_csv_missing_mean);
  g_test_add_func ("/data/csv/missing/fill", test_csv_fill_missing);
  g_test_add_func ("/data/csv/errors/content", test_csv_errors);
  g_test_add_func ("/data/csv/errors/limits", test_csv_limits);
  g_test_add_func ("/data/csv/errors/message-text", test_csv_message_text);
  g_test_add_func ("/data/csv/errors/files", test_csv_bad_files);
  g_test_add_func ("/data/csv/errors/io", test_csv_io);
  g_test_add_func ("/data/csv/files", test_csv_files);
  g_test_add_func ("/data/csv/gzip", test_csv_gzip);

  return g_test_run ();
}
