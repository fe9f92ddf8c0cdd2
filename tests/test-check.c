/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "dataset.h"
#include "generate.h"
#include "split.h"

/* Helpers */

/* A dataset of @n rows × @d features copied from @x, with class ids @y in
 * [0, k) (y NULL: regression with @k target columns from @t, or zero). */
static nn_dataset *
make_dataset (size_t         n,
              size_t         d,
              size_t         k,
              const float   *x,
              const int32_t *y,
              const float   *t)
{
  nn_error err = { 0 };
  nn_dataset *ds = nn_dataset_new (y != NULL ? NN_TASK_CLASSIFICATION : NN_TASK_REGRESSION,
                                   n, d, k, &err);

  g_assert_nonnull (ds);
  memcpy (ds->x, x, n * d * sizeof (float));
  if (y != NULL)
    memcpy (ds->y, y, n * sizeof (int32_t));
  else if (t != NULL)
    memcpy (ds->t, t, n * k * sizeof (float));
  return ds;
}

/* Settings that judge nothing but the data: the loss the task suggests,
 * outputs and parameters unknown, unscaled. */
static nn_check_params
plain_params (const nn_dataset *ds)
{
  return (nn_check_params) {
    .loss = ds->task == NN_TASK_REGRESSION ? NN_LOSS_MSE : NN_LOSS_CE,
  };
}

/* Runs the checks, which must not fail, into @out[16]. */
static size_t
run (const nn_dataset      *ds,
     const nn_split        *split,
     const nn_check_params *params,
     nn_check_finding      *out)
{
  nn_error err = { 0 };
  size_t n = nn_dataset_check (ds, split, params, out, 16, &err);

  g_assert_cmpint (err.status, ==, NN_OK);
  g_assert_cmpuint (n, <=, 16);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpuint (out[i].n_examples, <=, NN_CHECK_MAX_EXAMPLES);
      g_assert_cmpuint (out[i].n_examples, <=, out[i].count);
      g_assert_true (g_utf8_validate (out[i].message, -1, NULL));
      g_assert_true (g_utf8_validate (out[i].advice, -1, NULL));
      g_assert_cmpuint (strlen (out[i].advice), >, 0);
    }
  return n;
}

/* The one finding of @kind among @f[n]; fails when there is none or more. */
static const nn_check_finding *
find_kind (const nn_check_finding *f,
           size_t                  n,
           nn_check_kind           kind)
{
  const nn_check_finding *found = NULL;

  for (size_t i = 0; i < n; i++)
    if (f[i].kind == kind)
      {
        if (found != NULL)
          g_error ("more than one %s finding", nn_check_kind_name (kind));
        found = &f[i];
      }
  if (found == NULL)
    g_error ("no %s finding", nn_check_kind_name (kind));
  return found;
}

static gboolean
has_kind (const nn_check_finding *f,
          size_t                  n,
          nn_check_kind           kind)
{
  for (size_t i = 0; i < n; i++)
    if (f[i].kind == kind)
      return TRUE;
  return FALSE;
}

/* Asserts every field of @f; @examples has @n_examples entries. */
static void
assert_finding (const nn_check_finding *f,
                nn_check_kind           kind,
                nn_severity             severity,
                size_t                  count,
                const size_t           *examples,
                size_t                  n_examples,
                const char             *message)
{
  g_assert_cmpstr (nn_check_kind_name (f->kind), ==, nn_check_kind_name (kind));
  g_assert_cmpstr (nn_severity_name (f->severity), ==, nn_severity_name (severity));
  g_assert_cmpuint (f->count, ==, count);
  g_assert_cmpuint (f->n_examples, ==, n_examples);
  for (size_t e = 0; e < n_examples; e++)
    g_assert_cmpuint (f->examples[e], ==, examples[e]);
  g_assert_cmpstr (f->message, ==, message);
}

/* Row i of a set whose rows must all differ: (i + 1, 2·i + 1). */
static void
distinct_rows (float  *x,
               size_t  n)
{
  for (size_t i = 0; i < n; i++)
    {
      x[i * 2] = (float) i + 1.0f;
      x[i * 2 + 1] = 2.0f * (float) i + 1.0f;
    }
}

/* Names */

static void
test_check_names (void)
{
  static const char *const severities[] = { "info", "warning", "error" };
  static const char *const kinds[] = {
    "nonfinite", "constant-column", "duplicate-rows", "shared-rows", "imbalance", "labels",
    "scale", "too-few-rows",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (severities) == NN_SEVERITY_COUNT);
  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == NN_CHECK_COUNT);
  for (int i = 0; i < NN_SEVERITY_COUNT; i++)
    g_assert_cmpstr (nn_severity_name ((nn_severity) i), ==, severities[i]);
  for (int i = 0; i < NN_CHECK_COUNT; i++)
    g_assert_cmpstr (nn_check_kind_name ((nn_check_kind) i), ==, kinds[i]);
  g_assert_cmpstr (nn_severity_name (NN_SEVERITY_COUNT), ==, "unknown");
  g_assert_cmpstr (nn_check_kind_name (NN_CHECK_COUNT), ==, "unknown");
}

/* Clean data */

/* A generated, split set fed to a model that fits it has nothing wrong. */
static void
test_check_clean (void)
{
  static const nn_generator kinds[] = { NN_GEN_SPIRAL, NN_GEN_MOONS, NN_GEN_SINE, NN_GEN_PLANE };

  for (size_t g = 0; g < G_N_ELEMENTS (kinds); g++)
    {
      nn_generate_params gp = nn_generate_params_default (kinds[g]);
      nn_split_params sp = nn_split_params_default ();
      nn_dataset *ds = nn_generate (&gp, NULL);
      nn_check_finding f[16];
      nn_check_params p;
      nn_split split;

      g_assert_nonnull (ds);
      g_assert_cmpint (nn_dataset_split (ds, &sp, &split, NULL), ==, NN_OK);
      p = plain_params (ds);
      /* The default network: dense:32:relu twice, then the output layer
       * (1153 parameters for sine's 360 training rows). */
      p.outputs = ds->k;
      p.params = (ds->d * 32 + 32) + (32 * 32 + 32) + (32 * ds->k + ds->k);
      g_assert_cmpuint (run (ds, &split, &p, f), ==, 0);
      /* Nor as one training part, or without settings. */
      g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
      g_assert_cmpuint (run (ds, &split, NULL, f), ==, 0);
      nn_dataset_free (ds);
    }
}

/* Each check alone */

static void
test_check_nonfinite (void)
{
  float x[6 * 2];
  static const int32_t y[] = { 0, 1, 0, 1, 0, 1 };
  static const size_t rows[] = { 1, 3, 4 };
  nn_dataset *ds;
  nn_check_finding f[16];
  nn_check_params p;
  size_t n;

  distinct_rows (x, 6);
  x[1 * 2 + 0] = NAN;
  x[3 * 2 + 1] = INFINITY;
  x[4 * 2 + 1] = -INFINITY;
  ds = make_dataset (6, 2, 2, x, y, NULL);
  p = plain_params (ds);
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_NONFINITE, NN_SEVERITY_ERROR, 3, rows, 3,
                  "3 rows hold NaN or infinite values (rows 2, 4, 5)");
  g_assert_cmpstr (f[0].advice, ==, "drop or fill those rows: --missing drop, or --missing mean "
                   "to fill features with their training mean");
  nn_dataset_free (ds);

  /* A regression target counts too; one row reads in the singular. */
  {
    float xr[4 * 2];
    float t[] = { 1.0f, NAN, 3.0f, 4.0f };
    static const size_t one[] = { 1 };

    distinct_rows (xr, 4);
    ds = make_dataset (4, 2, 1, xr, NULL, t);
    p = plain_params (ds);
    n = run (ds, NULL, &p, f);
    g_assert_cmpuint (n, ==, 1);
    assert_finding (&f[0], NN_CHECK_NONFINITE, NN_SEVERITY_ERROR, 1, one, 1,
                    "1 row holds NaN or infinite values (row 2)");
    nn_dataset_free (ds);
  }

  /* More rows than examples: the first five and an ellipsis. */
  {
    float xm[8 * 2];
    static const size_t first[] = { 0, 1, 2, 3, 4 };

    distinct_rows (xm, 8);
    for (size_t i = 0; i < 7; i++)
      xm[i * 2] = NAN;
    ds = make_dataset (8, 2, 1, xm, NULL, NULL);
    p = plain_params (ds);
    n = run (ds, NULL, &p, f);
    assert_finding (find_kind (f, n, NN_CHECK_NONFINITE), NN_CHECK_NONFINITE,
                    NN_SEVERITY_ERROR, 7, first, 5,
                    "7 rows hold NaN or infinite values (rows 1, 2, 3, 4, 5, …)");
    nn_dataset_free (ds);
  }
}

/*        col 0   col 1   col 2
 * row 0    1       5      −2
 * row 1    2       5       0
 * row 2    3       5       2
 * row 3    4       5       8
 * Column 1 is constant. */
static const float constant_x[] = {
  1, 5, -2,
  2, 5, 0,
  3, 5, 2,
  4, 5, 8,
};

static void
test_check_constant (void)
{
  static const int32_t y[] = { 0, 1, 0, 1 };
  static const size_t col1[] = { 1 };
  static const size_t all[] = { 0, 1, 2 };
  float x[G_N_ELEMENTS (constant_x) + 3];
  nn_dataset *ds = make_dataset (4, 3, 2, constant_x, y, NULL);
  nn_check_finding f[16];
  nn_check_params p = plain_params (ds);
  size_t n;

  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_CONSTANT_COLUMN, NN_SEVERITY_WARNING, 1, col1, 1,
                  "1 feature holds one value in every training row (feature 2)");
  g_assert_cmpstr (f[0].advice, ==, "a constant feature carries no information: check that it "
                   "was read as intended, or drop it");

  /* Named features are named; a long name is cut at a character boundary:
   * 31 ASCII bytes and a 2-byte "é" straddle the 32-byte limit. */
  g_assert_cmpint (nn_dataset_set_feature_name (ds, 1, "pressure", NULL), ==, NN_OK);
  n = run (ds, NULL, &p, f);
  g_assert_cmpstr (f[0].message, ==,
                   "1 feature holds one value in every training row (feature pressure)");
  g_assert_cmpint (nn_dataset_set_feature_name (ds, 1, "abcdefghijklmnopqrstuvwxyz01234é tail",
                                                NULL), ==, NN_OK);
  n = run (ds, NULL, &p, f);
  g_assert_cmpstr (f[0].message, ==, "1 feature holds one value in every training row "
                   "(feature abcdefghijklmnopqrstuvwxyz01234…)");

  /* Only the training rows count: with the last row held out, column 0 of
   * rows 0–2 varies, and so does column 2. */
  {
    nn_split split = { 3, 0, 1 };

    n = run (ds, &split, &p, f);
    g_assert_cmpuint (find_kind (f, n, NN_CHECK_CONSTANT_COLUMN)->count, ==, 1);
  }
  nn_dataset_free (ds);

  /* A NaN leaves its row out of the statistics instead of hiding the
   * constant column: row 4 repeats row 3 but for a NaN in column 1. */
  memcpy (x, constant_x, sizeof constant_x);
  x[12] = 9.0f;
  x[13] = NAN;
  x[14] = 1.0f;
  {
    ds = make_dataset (5, 3, 1, x, NULL, NULL);
    p = plain_params (ds);
    n = run (ds, NULL, &p, f);
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpint (f[0].kind, ==, NN_CHECK_NONFINITE);
    assert_finding (&f[1], NN_CHECK_CONSTANT_COLUMN, NN_SEVERITY_WARNING, 1, col1, 1,
                    "1 feature holds one value in every training row (feature 2)");
    nn_dataset_free (ds);
  }

  /* Every feature constant is an error: nothing tells the rows apart. */
  {
    static const float same[] = { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 };
    static const int32_t y4[] = { 0, 1, 0, 1 };
    static const size_t col0[] = { 0 };
    static const float one[] = { 7, 7, 7 };

    ds = make_dataset (4, 3, 2, same, y4, NULL);
    p = plain_params (ds);
    n = run (ds, NULL, &p, f);
    assert_finding (find_kind (f, n, NN_CHECK_CONSTANT_COLUMN), NN_CHECK_CONSTANT_COLUMN,
                    NN_SEVERITY_ERROR, 3, all, 3,
                    "all 3 features hold one value in every training row (features 1, 2, 3)");
    g_assert_cmpstr (find_kind (f, n, NN_CHECK_CONSTANT_COLUMN)->advice, ==,
                     "the model cannot tell the rows apart: check that the data were read as "
                     "intended");
    nn_dataset_free (ds);
    ds = make_dataset (3, 1, 1, one, NULL, NULL);
    p = plain_params (ds);
    n = run (ds, NULL, &p, f);
    assert_finding (find_kind (f, n, NN_CHECK_CONSTANT_COLUMN), NN_CHECK_CONSTANT_COLUMN,
                    NN_SEVERITY_ERROR, 1, col0, 1,
                    "the only feature holds one value in every training row (feature 1)");
    nn_dataset_free (ds);
  }

  /* One training row says nothing about constancy. */
  ds = make_dataset (4, 3, 2, constant_x, y, NULL);
  {
    nn_split split = { 1, 1, 2 };

    p = plain_params (ds);
    n = run (ds, &split, &p, f);
    g_assert_false (has_kind (f, n, NN_CHECK_CONSTANT_COLUMN));
  }
  nn_dataset_free (ds);
}

static void
test_check_duplicates (void)
{
  float x[10 * 2];
  int32_t y[10] = { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 };
  static const size_t rows[] = { 5, 7 };
  static const size_t one[] = { 5 };
  nn_dataset *ds;
  nn_check_finding f[16];
  nn_check_params p;
  size_t n;

  /* Rows 5 and 7 repeat row 1 (features and label); row 8 has the
   * features of row 3 but another label, which is no duplicate. */
  distinct_rows (x, 10);
  memcpy (&x[5 * 2], &x[1 * 2], 2 * sizeof (float));
  memcpy (&x[7 * 2], &x[1 * 2], 2 * sizeof (float));
  memcpy (&x[8 * 2], &x[3 * 2], 2 * sizeof (float));
  ds = make_dataset (10, 2, 2, x, y, NULL);
  p = plain_params (ds);
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  /* 2 of 10 is above the 10 % at which duplicates become a warning. */
  assert_finding (&f[0], NN_CHECK_DUPLICATE_ROWS, NN_SEVERITY_WARNING, 2, rows, 2,
                  "2 rows (20.0%) repeat an earlier row, features and label (rows 6, 8)");
  g_assert_cmpstr (f[0].advice, ==, "repeated rows weigh more in the loss: drop them unless "
                   "they are real repeated observations");
  nn_dataset_free (ds);

  /* 1 of 10 is not above 10 %: information. */
  distinct_rows (x, 10);
  memcpy (&x[5 * 2], &x[1 * 2], 2 * sizeof (float));
  ds = make_dataset (10, 2, 2, x, y, NULL);
  n = run (ds, NULL, &p, f);
  assert_finding (&f[0], NN_CHECK_DUPLICATE_ROWS, NN_SEVERITY_INFO, 1, one, 1,
                  "1 row (10.0%) repeats an earlier row, features and label (row 6)");

  /* Regression rows compare their targets as the label. */
  nn_dataset_free (ds);
  {
    float t[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };

    t[5] = t[1];
    ds = make_dataset (10, 2, 1, x, NULL, t);
    p = plain_params (ds);
    n = run (ds, NULL, &p, f);
    g_assert_cmpuint (find_kind (f, n, NN_CHECK_DUPLICATE_ROWS)->count, ==, 1);
    ds->t[5] = 5.0f;
    n = run (ds, NULL, &p, f);
    g_assert_false (has_kind (f, n, NN_CHECK_DUPLICATE_ROWS));
    /* −0 and 0 are different bits: rows compare as stored. */
    ds->t[5] = t[1];
    ds->x[5 * 2] = -0.0f;
    ds->x[1 * 2] = 0.0f;
    n = run (ds, NULL, &p, f);
    g_assert_false (has_kind (f, n, NN_CHECK_DUPLICATE_ROWS));
    nn_dataset_free (ds);
  }
}

static void
test_check_shared (void)
{
  float x[10 * 2];
  int32_t y[10] = { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 };
  static const size_t rows[] = { 6, 9 };
  static const size_t row9[] = { 9 };
  nn_split split = { 6, 2, 2 };
  nn_dataset *ds;
  nn_check_finding f[16];
  nn_check_params p;
  size_t n;

  /* Validation row 6 has the features of training row 1 (its label
   * differs: still a leak), and so has test row 9, label and all. */
  distinct_rows (x, 10);
  memcpy (&x[6 * 2], &x[1 * 2], 2 * sizeof (float));
  memcpy (&x[9 * 2], &x[1 * 2], 2 * sizeof (float));
  ds = make_dataset (10, 2, 2, x, y, NULL);
  p = plain_params (ds);
  n = run (ds, &split, &p, f);
  /* Row 9 thus also repeats row 1 outright. */
  g_assert_cmpuint (n, ==, 2);
  assert_finding (&f[0], NN_CHECK_SHARED_ROWS, NN_SEVERITY_WARNING, 2, rows, 2,
                  "1 validation row and 1 test row repeat the features of a training row "
                  "(rows 7, 10)");
  g_assert_cmpstr (f[0].advice, ==, "scores on those rows measure memory rather than "
                   "generalisation: drop duplicate rows before splitting");
  assert_finding (&f[1], NN_CHECK_DUPLICATE_ROWS, NN_SEVERITY_INFO, 1, row9, 1,
                  "1 row (10.0%) repeats an earlier row, features and label (row 10)");

  /* Without a split, or with the rows in the training part, nothing
   * leaks. */
  n = run (ds, NULL, &p, f);
  g_assert_false (has_kind (f, n, NN_CHECK_SHARED_ROWS));
  split = (nn_split) { 10, 0, 0 };
  n = run (ds, &split, &p, f);
  g_assert_false (has_kind (f, n, NN_CHECK_SHARED_ROWS));

  /* One part alone is named alone; two rows of a part read in the plural. */
  split = (nn_split) { 8, 0, 2 };
  n = run (ds, &split, &p, f);
  assert_finding (find_kind (f, n, NN_CHECK_SHARED_ROWS), NN_CHECK_SHARED_ROWS,
                  NN_SEVERITY_WARNING, 1, row9, 1,
                  "1 test row repeats the features of a training row (row 10)");
  split = (nn_split) { 6, 4, 0 };
  n = run (ds, &split, &p, f);
  assert_finding (find_kind (f, n, NN_CHECK_SHARED_ROWS), NN_CHECK_SHARED_ROWS,
                  NN_SEVERITY_WARNING, 2, rows, 2,
                  "2 validation rows repeat the features of a training row (rows 7, 10)");
  nn_dataset_free (ds);

  /* Under 1 % of the held-out rows is information: 1 of 200. */
  {
    float xl[300 * 2];
    int32_t yl[300];
    static const size_t last[] = { 299 };

    distinct_rows (xl, 300);
    for (size_t i = 0; i < 300; i++)
      yl[i] = (int32_t) (i % 2);
    memcpy (&xl[299 * 2], &xl[2 * 2], 2 * sizeof (float));
    ds = make_dataset (300, 2, 2, xl, yl, NULL);
    split = (nn_split) { 100, 100, 100 };
    n = run (ds, &split, &p, f);
    assert_finding (find_kind (f, n, NN_CHECK_SHARED_ROWS), NN_CHECK_SHARED_ROWS,
                    NN_SEVERITY_INFO, 1, last, 1,
                    "1 test row repeats the features of a training row (row 300)");
    /* Two of 200 is 1 %: a warning. */
    memcpy (&xl[150 * 2], &xl[3 * 2], 2 * sizeof (float));
    memcpy (ds->x, xl, sizeof xl);
    n = run (ds, &split, &p, f);
    g_assert_cmpint (find_kind (f, n, NN_CHECK_SHARED_ROWS)->severity, ==, NN_SEVERITY_WARNING);
    nn_dataset_free (ds);
  }
}

/* A classification set with counts[c] rows of class c, all rows distinct. */
static nn_dataset *
make_classes (const size_t *counts,
              size_t        k)
{
  size_t n = 0, row = 0;
  nn_dataset *ds;

  for (size_t c = 0; c < k; c++)
    n += counts[c];
  ds = nn_dataset_new (NN_TASK_CLASSIFICATION, n, 2, k, NULL);
  g_assert_nonnull (ds);
  distinct_rows (ds->x, n);
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < counts[c]; i++)
      ds->y[row++] = (int32_t) c;
  return ds;
}

static void
test_check_imbalance (void)
{
  static const size_t warn[] = { 9, 3, 3 };
  static const size_t info[] = { 6, 4 };
  static const size_t even[] = { 5, 4 };
  static const size_t none[] = { 5, 0, 5 };
  static const size_t minority[] = { 1, 2 };
  static const size_t one[] = { 1 };
  nn_dataset *ds;
  nn_check_finding f[16];
  nn_check_params p;
  size_t n;

  /* 9 : 3 reaches the warning ratio of 3, for both small classes. */
  ds = make_classes (warn, 3);
  p = plain_params (ds);
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_IMBALANCE, NN_SEVERITY_WARNING, 2, minority, 2,
                  "training classes range from 9 rows (class 0) down to 3 (class 1), a ratio "
                  "of 3.0");
  g_assert_cmpstr (f[0].advice, ==, "accuracy will favour the large classes: weigh or resample "
                   "the classes, and judge the model by per-class recall");
  /* Class names stand for the ids. */
  g_assert_cmpint (nn_dataset_set_class_name (ds, 0, "cat", NULL), ==, NN_OK);
  g_assert_cmpint (nn_dataset_set_class_name (ds, 1, "dog", NULL), ==, NN_OK);
  n = run (ds, NULL, &p, f);
  g_assert_cmpstr (f[0].message, ==, "training classes range from 9 rows (class cat) down to 3 "
                   "(class dog), a ratio of 3.0");
  /* Only training rows count: the last 6 rows (classes 1 and 2) held out
   * leave class 1 with 3 rows and class 2 with none. */
  {
    nn_split split = { 12, 0, 3 };
    static const size_t two[] = { 2 };

    n = run (ds, &split, &p, f);
    assert_finding (find_kind (f, n, NN_CHECK_IMBALANCE), NN_CHECK_IMBALANCE,
                    NN_SEVERITY_ERROR, 1, two, 1, "1 class has no training rows (class 2)");
  }
  nn_dataset_free (ds);

  /* 6 : 4 reaches 1.5: information, for the one class it outnumbers. */
  ds = make_classes (info, 2);
  n = run (ds, NULL, &p, f);
  assert_finding (&f[0], NN_CHECK_IMBALANCE, NN_SEVERITY_INFO, 1, one, 1,
                  "training classes range from 6 rows (class 0) down to 4 (class 1), a ratio "
                  "of 1.5");
  g_assert_cmpstr (f[0].advice, ==, "judge the model by per-class recall as well as accuracy");
  nn_dataset_free (ds);

  ds = make_classes (even, 2);
  g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
  nn_dataset_free (ds);

  /* A class without training rows is an error. */
  ds = make_classes (none, 3);
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_IMBALANCE, NN_SEVERITY_ERROR, 1, one, 1,
                  "1 class has no training rows (class 1)");
  g_assert_cmpstr (f[0].advice, ==, "the model cannot learn a class it never sees: split with "
                   "stratification, or add rows of that class");
  nn_dataset_free (ds);
}

static void
test_check_labels (void)
{
  float x[6 * 2];
  int32_t y[6] = { 0, 1, 2, 0, 1, 2 };
  static const size_t bad[] = { 1, 4 };
  static const size_t row2[] = { 2 };
  nn_dataset *ds;
  nn_check_finding f[16];
  nn_check_params p;
  size_t n;

  distinct_rows (x, 6);

  /* Class ids outside [0, k); the other rows still balance. */
  y[1] = 3;
  y[4] = -1;
  ds = make_dataset (6, 2, 3, x, y, NULL);
  p = plain_params (ds);
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 2);
  /* Class 1 lost both its rows to the bad ids; imbalance comes first by
   * kind among errors. */
  assert_finding (&f[0], NN_CHECK_IMBALANCE, NN_SEVERITY_ERROR, 1, (size_t[]) { 1 }, 1,
                  "1 class has no training rows (class 1)");
  assert_finding (&f[1], NN_CHECK_LABELS, NN_SEVERITY_ERROR, 2, bad, 2,
                  "2 rows have a class id outside [0, 3) (rows 2, 5)");
  g_assert_cmpstr (f[1].advice, ==, "class ids run from 0 to 2: check the label column and the "
                   "number of classes");
  nn_dataset_free (ds);

  /* Output size and loss, judged through nn_loss_check. */
  y[1] = 1;
  y[4] = 1;
  ds = make_dataset (6, 2, 3, x, y, NULL);
  p = plain_params (ds);
  p.outputs = 5;
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_LABELS, NN_SEVERITY_ERROR, 0, NULL, 0,
                  "the last layer has 5 units but the data have 3 classes");
  g_assert_cmpstr (f[0].advice, ==, "make it dense:3");
  p.outputs = 3;
  g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);

  /* bce on one output tells two classes apart, not three. */
  p.loss = NN_LOSS_BCE;
  p.outputs = 1;
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_LABELS, NN_SEVERITY_ERROR, 0, NULL, 0,
                  "bce on 1 output tells 2 classes apart, but the data have 3");
  g_assert_cmpstr (f[0].advice, ==, "use ce with a last layer of dense:3");
  /* With three outputs bce takes one-hot rows, and mse too. */
  p.outputs = 3;
  g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
  p.loss = NN_LOSS_MSE;
  p.outputs = 0;
  g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
  nn_dataset_free (ds);

  /* Two classes: bce on 1 or 2 outputs. */
  {
    static const int32_t y2[] = { 0, 1, 0, 1, 0, 1 };

    ds = make_dataset (6, 2, 2, x, y2, NULL);
    p = (nn_check_params) { .loss = NN_LOSS_BCE, .outputs = 1 };
    g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
    p.outputs = 2;
    g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
    nn_dataset_free (ds);
  }

  /* One class cannot be classified, whatever the output size. */
  {
    static const int32_t y1[] = { 0, 0, 0, 0, 0, 0 };

    ds = make_dataset (6, 2, 1, x, y1, NULL);
    p = plain_params (ds);
    n = run (ds, NULL, &p, f);
    g_assert_cmpuint (n, ==, 1);
    assert_finding (&f[0], NN_CHECK_LABELS, NN_SEVERITY_ERROR, 0, NULL, 0,
                    "classification needs at least 2 classes, the data have 1");
    g_assert_cmpstr (f[0].advice, ==, "choose a loss and a last layer that fit the data");
    nn_dataset_free (ds);
  }

  /* Regression: ce needs classes; bce needs targets in [0, 1]. */
  {
    float t[] = { 0.0f, 0.25f, 1.5f, 1.0f, 0.5f, 0.75f };

    ds = make_dataset (6, 2, 1, x, NULL, t);
    p = (nn_check_params) { .loss = NN_LOSS_CE };
    n = run (ds, NULL, &p, f);
    g_assert_cmpuint (n, ==, 1);
    assert_finding (&f[0], NN_CHECK_LABELS, NN_SEVERITY_ERROR, 0, NULL, 0,
                    "the ce loss needs class labels, but the data are a regression task");
    g_assert_cmpstr (f[0].advice, ==, "use mse");
    p.loss = NN_LOSS_BCE;
    n = run (ds, NULL, &p, f);
    g_assert_cmpuint (n, ==, 1);
    assert_finding (&f[0], NN_CHECK_LABELS, NN_SEVERITY_ERROR, 1, row2, 1,
                    "1 row has targets outside [0, 1], which the bce loss's sigmoid cannot "
                    "reach (row 3)");
    g_assert_cmpstr (f[0].advice, ==, "use mse for regression, or scale the targets into "
                     "[0, 1]");
    /* Soft targets inside [0, 1] are what BCEWithLogitsLoss takes. */
    ds->t[2] = 0.125f;
    g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
    /* A wrong output size is named with the target count. */
    p.loss = NN_LOSS_MSE;
    p.outputs = 2;
    n = run (ds, NULL, &p, f);
    assert_finding (&f[0], NN_CHECK_LABELS, NN_SEVERITY_ERROR, 0, NULL, 0,
                    "the last layer has 2 units but the data have 1 target column");
    g_assert_cmpstr (f[0].advice, ==, "make it dense:1");
    nn_dataset_free (ds);
  }
}

static void
test_check_scale (void)
{
  /* Alternating signs give means of 0 and population stds equal to the
   * magnitudes: 10⁴, 5 and 1, ranges twice those. Both narrow columns are
   * ≥ 10³ below the first in std and range; the narrowest is column 2. */
  static const float x[] = {
    1e4f, 5, 1,
    -1e4f, -5, -1,
    1e4f, -5, -1,
    -1e4f, 5, 1,
  };
  static const size_t narrow[] = { 1, 2 };
  nn_dataset *ds = make_dataset (4, 3, 1, x, NULL, NULL);
  nn_check_finding f[16];
  nn_check_params p = plain_params (ds);
  size_t n;

  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_SCALE, NN_SEVERITY_WARNING, 2, narrow, 2,
                  "feature spreads differ by a factor of 1e+04: std 1e+04 for feature 1, 1 for "
                  "feature 3; 2 features are 1000 or more times narrower (features 2, 3)");
  g_assert_cmpstr (f[0].advice, ==, "scale the features: --scale standard");
  g_assert_cmpint (nn_dataset_set_feature_name (ds, 0, "income", NULL), ==, NN_OK);
  g_assert_cmpint (nn_dataset_set_feature_name (ds, 2, "age", NULL), ==, NN_OK);
  n = run (ds, NULL, &p, f);
  g_assert_cmpstr (f[0].message, ==, "feature spreads differ by a factor of 1e+04: std 1e+04 "
                   "for feature income, 1 for feature age; 2 features are 1000 or more times "
                   "narrower (features 2, age)");
  /* A scaler will take care of it. */
  p.scaled = true;
  g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
  p.scaled = false;
  /* Column 2 widened 100-fold (std 500) is no longer narrow, and a single
   * narrow column is named without a list. */
  for (size_t i = 0; i < 4; i++)
    ds->x[i * 3 + 1] *= 100.0f;
  n = run (ds, NULL, &p, f);
  assert_finding (&f[0], NN_CHECK_SCALE, NN_SEVERITY_WARNING, 1, (size_t[]) { 2 }, 1,
                  "feature spreads differ by a factor of 1e+04: std 1e+04 for feature income, "
                  "1 for feature age");
  nn_dataset_free (ds);

  /* A sparse column — an image border pixel, 0 but in one row of 1000 —
   * has a std 10³ below a busy pixel's, yet the same kind of range: not a
   * scale problem. Its std is 0.01/√1000 ≈ 3.2·10⁻⁴ against 0.5. */
  {
    nn_dataset *img = nn_dataset_new (NN_TASK_CLASSIFICATION, 1000, 2, 2, NULL);

    for (size_t i = 0; i < 1000; i++)
      {
        img->x[i * 2] = (float) (i % 2);
        img->x[i * 2 + 1] = i == 500 ? 0.01f : 0.0f;
        img->y[i] = (int32_t) (i % 2);
      }
    p = plain_params (img);
    n = run (img, NULL, &p, f);
    g_assert_false (has_kind (f, n, NN_CHECK_SCALE));
    /* Narrow its range 100-fold too and it is one. */
    img->x[500 * 2 + 1] = 1e-4f;
    n = run (img, NULL, &p, f);
    g_assert_cmpuint (find_kind (f, n, NN_CHECK_SCALE)->count, ==, 1);
    nn_dataset_free (img);
  }
}

static void
test_check_too_few_rows (void)
{
  float x[10 * 2];
  static const int32_t y[] = { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 };
  nn_dataset *ds;
  nn_check_finding f[16];
  nn_check_params p;
  size_t n;

  distinct_rows (x, 10);
  ds = make_dataset (10, 2, 2, x, y, NULL);
  p = plain_params (ds);
  p.params = 1000;
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  assert_finding (&f[0], NN_CHECK_TOO_FEW_ROWS, NN_SEVERITY_WARNING, 10, NULL, 0,
                  "10 training rows for 1000 parameters, fewer than one row per 10 parameters");
  g_assert_cmpstr (f[0].advice, ==, "a model this large can learn the rows by heart: watch the "
                   "validation loss, and try a smaller model, more rows, --l2 or dropout");
  /* One row per 10 parameters is enough, a tenth of a row short is not;
   * unknown parameters judge nothing. */
  p.params = 100;
  g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);
  p.params = 101;
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (f[0].message, ==, "10 training rows for 101 parameters, fewer than one row "
                   "per 10 parameters");
  p.params = 0;
  g_assert_cmpuint (run (ds, NULL, &p, f), ==, 0);

  /* An empty training part is an error, and leaves every class unseen. */
  {
    nn_split split = { 0, 5, 5 };

    n = run (ds, &split, &p, f);
    g_assert_cmpuint (n, ==, 2);
    assert_finding (&f[0], NN_CHECK_IMBALANCE, NN_SEVERITY_ERROR, 2, (size_t[]) { 0, 1 }, 2,
                    "2 classes have no training rows (classes 0, 1)");
    g_assert_cmpstr (f[0].advice, ==, "the model cannot learn a class it never sees: split "
                     "with stratification, or add rows of those classes");
    assert_finding (&f[1], NN_CHECK_TOO_FEW_ROWS, NN_SEVERITY_ERROR, 0, NULL, 0,
                    "the training part has no rows");
  }
  nn_dataset_free (ds);
}

/* Order and counting */

static void
test_check_order (void)
{
  float x[12 * 2];
  int32_t y[12];
  nn_dataset *ds;
  nn_check_finding f[16];
  nn_check_params p;
  static const nn_check_kind kinds[] = {
    NN_CHECK_NONFINITE, NN_CHECK_LABELS, NN_CHECK_LABELS, NN_CHECK_IMBALANCE,
    NN_CHECK_TOO_FEW_ROWS, NN_CHECK_DUPLICATE_ROWS,
  };
  static const nn_severity severities[] = {
    NN_SEVERITY_ERROR, NN_SEVERITY_ERROR, NN_SEVERITY_ERROR, NN_SEVERITY_WARNING,
    NN_SEVERITY_WARNING, NN_SEVERITY_INFO,
  };
  size_t n;

  /* Found in kind order: a NaN (error), a duplicate (info), 9 : 2 classes
   * (warning), a bad class id and a wrong output size (two errors, in that
   * order), too few rows (warning). */
  distinct_rows (x, 12);
  for (size_t i = 0; i < 12; i++)
    y[i] = i < 9 ? 0 : 1;
  x[3 * 2] = NAN;
  memcpy (&x[6 * 2], &x[5 * 2], 2 * sizeof (float));
  y[11] = 7;
  ds = make_dataset (12, 2, 2, x, y, NULL);
  p = (nn_check_params) { .loss = NN_LOSS_CE, .outputs = 3, .params = 1000 };
  n = run (ds, NULL, &p, f);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (kinds));
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpstr (nn_check_kind_name (f[i].kind), ==, nn_check_kind_name (kinds[i]));
      g_assert_cmpint (f[i].severity, ==, severities[i]);
    }
  /* Within a kind, the order found: the class ids before the output size. */
  g_assert_cmpuint (f[1].count, ==, 1);
  g_assert_cmpstr (f[1].message, ==, "1 row has a class id outside [0, 2) (row 12)");
  g_assert_cmpstr (f[2].message, ==, "the last layer has 3 units but the data have 2 classes");
  nn_dataset_free (ds);
}

static void
test_check_max (void)
{
  float x[12 * 2];
  int32_t y[12];
  nn_dataset *ds;
  nn_check_finding all[16], some[3];
  nn_check_params p = { .loss = NN_LOSS_CE, .outputs = 3, .params = 1000 };
  nn_error err = { 0 };

  distinct_rows (x, 12);
  for (size_t i = 0; i < 12; i++)
    y[i] = i < 9 ? 0 : 1;
  x[3 * 2] = NAN;
  ds = make_dataset (12, 2, 2, x, y, NULL);
  g_assert_cmpuint (run (ds, NULL, &p, all), ==, 4);

  /* Two slots: the two most severe, and the total; the third slot untouched. */
  memset (some, 0xAB, sizeof some);
  g_assert_cmpuint (nn_dataset_check (ds, NULL, &p, some, 2, &err), ==, 4);
  g_assert_cmpint (err.status, ==, NN_OK);
  g_assert_cmpmem (some, 2 * sizeof some[0], all, 2 * sizeof all[0]);
  for (size_t b = 0; b < sizeof some[2]; b++)
    g_assert_cmpuint (((const guint8 *) &some[2])[b], ==, 0xAB);
  /* No slots at all: just the count. */
  g_assert_cmpuint (nn_dataset_check (ds, NULL, &p, NULL, 0, NULL), ==, 4);
  nn_dataset_free (ds);
}

/* Hashing at scale */

/* 100 000 rows × 32 features in five kinds: rows 5m and 5m + 1 are
 * distinct; 5m + 2 has the features of 5m + 1 but another label; 5m + 3 is
 * 5m + 2 with the signs of features 0 and 2 flipped (bits that a weak hash
 * lets cancel); 5m + 4 copies row ⌊i/2⌋ outright. Exactly the 20 000 rows
 * 5m + 4 repeat an earlier row. A quadratic search would compare 5·10⁹ row
 * pairs; the table touches about one slot a row. */
static void
test_check_hash (void)
{
  const size_t n = 100000, d = 32;
  nn_dataset *ds = nn_dataset_new (NN_TASK_CLASSIFICATION, n, d, 3, NULL);
  static const size_t first[] = { 4, 9, 14, 19, 24 };
  nn_check_finding f[16];
  nn_check_params p;
  gint64 start, elapsed;
  size_t count;

  g_assert_nonnull (ds);
  for (size_t i = 0; i < n; i++)
    {
      float *row = ds->x + i * d;

      switch (i % 5)
        {
        case 0:
        case 1:
          for (size_t j = 0; j < d; j++)
            row[j] = (float) ((i * d + j) % 1000003) + 1.0f;
          ds->y[i] = (int32_t) (i % 3);
          break;
        case 2:
          memcpy (row, row - d, d * sizeof (float));
          ds->y[i] = (ds->y[i - 1] + 1) % 3;
          break;
        case 3:
          memcpy (row, row - d, d * sizeof (float));
          row[0] = -row[0];
          row[2] = -row[2];
          ds->y[i] = ds->y[i - 1];
          break;
        default:
          memcpy (row, ds->x + (i / 2) * d, d * sizeof (float));
          ds->y[i] = ds->y[i / 2];
          break;
        }
    }
  p = plain_params (ds);
  start = g_get_monotonic_time ();
  count = run (ds, NULL, &p, f);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("checked %zu x %zu in %.1f ms", n, d, (double) elapsed / 1000.0);
  g_assert_cmpuint (count, ==, 1);
  assert_finding (&f[0], NN_CHECK_DUPLICATE_ROWS, NN_SEVERITY_WARNING, 20000, first, 5,
                  "20000 rows (20.0%) repeat an earlier row, features and label "
                  "(rows 5, 10, 15, 20, 25, …)");
  /* Generous even for a sanitizer build at -O0 (tens of milliseconds). */
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);

  /* Split 60 000 / 20 000 / 20 000: every held-out row 5m + 4 copies a
   * row below 60 000, a training row; the other held-out rows have
   * features first seen at or after 60 000. */
  {
    nn_split split = { 60000, 20000, 20000 };

    count = run (ds, &split, &p, f);
    g_assert_cmpuint (find_kind (f, count, NN_CHECK_SHARED_ROWS)->count, ==, 40000 / 5);
    g_assert_cmpuint (find_kind (f, count, NN_CHECK_SHARED_ROWS)->examples[0], ==, 60004);
  }

  /* One row a hundred thousand times: no probe chain grows. */
  for (size_t i = 1; i < n; i++)
    {
      memcpy (ds->x + i * d, ds->x, d * sizeof (float));
      ds->y[i] = ds->y[0];
    }
  start = g_get_monotonic_time ();
  count = run (ds, NULL, &p, f);
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (find_kind (f, count, NN_CHECK_DUPLICATE_ROWS)->count, ==, n - 1);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  nn_dataset_free (ds);
}

/* Fashion-MNIST's size, 70 000 × 784 in [0, 1] steps of 1/255, split 48 000 /
 * 12 000 / 10 000; only with -m perf, as it takes 220 MB. */
static void
test_check_perf (void)
{
  const size_t n = 70000, d = 784;
  nn_dataset *ds = nn_dataset_new (NN_TASK_CLASSIFICATION, n, d, 10, NULL);
  nn_split split = { 48000, 12000, 10000 };
  nn_check_params p = { .loss = NN_LOSS_CE, .outputs = 10, .params = 101770 };
  nn_check_finding f[16];
  guint32 state = 1;
  gint64 start, best = G_MAXINT64;

  g_assert_nonnull (ds);
  for (size_t i = 0; i < n * d; i++)
    {
      state = state * 1664525u + 1013904223u;
      ds->x[i] = (float) (state >> 24) / 255.0f;
    }
  for (size_t i = 0; i < n; i++)
    ds->y[i] = (int32_t) (i % 10);
  for (int r = 0; r < 3; r++)
    {
      start = g_get_monotonic_time ();
      g_assert_cmpuint (run (ds, &split, &p, f), ==, 0);
      best = MIN (best, g_get_monotonic_time () - start);
    }
  g_test_minimized_result ((double) best / G_USEC_PER_SEC, "checked %zu x %zu in %.1f ms",
                           n, d, (double) best / 1000.0);
  nn_dataset_free (ds);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data/check/names", test_check_names);
  g_test_add_func ("/data/check/clean", test_check_clean);
  g_test_add_func ("/data/check/nonfinite", test_check_nonfinite);
  g_test_add_func ("/data/check/constant", test_check_constant);
  g_test_add_func ("/data/check/duplicates", test_check_duplicates);
  g_test_add_func ("/data/check/shared", test_check_shared);
  g_test_add_func ("/data/check/imbalance", test_check_imbalance);
  g_test_add_func ("/data/check/labels", test_check_labels);
  g_test_add_func ("/data/check/scale", test_check_scale);
  g_test_add_func ("/data/check/too-few-rows", test_check_too_few_rows);
  g_test_add_func ("/data/check/order", test_check_order);
  g_test_add_func ("/data/check/max", test_check_max);
  g_test_add_func ("/data/check/hash", test_check_hash);
  if (g_test_perf ())
    g_test_add_func ("/data/check/perf", test_check_perf);

  return g_test_run ();
}
