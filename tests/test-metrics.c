/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "metrics.h"

/* Three classes, ten samples, worked by hand:
 *   truth 0 0 0 0 1 1 1 2 2 2
 *   pred  0 0 1 2 1 1 0 2 2 1
 * confusion rows (truth) × columns (pred):
 *   0: 2 1 1     1: 1 2 0     2: 0 1 2
 * precision: 2/3, 2/4, 2/3; recall: 2/4, 2/3, 2/3
 * F1 = 2TP/(2TP+FP+FN): 4/7, 4/7, 2/3; accuracy 6/10. */
static void
test_class_worked (void)
{
  const int32_t truth[] = { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2 };
  const int32_t pred[] = { 0, 0, 1, 2, 1, 1, 0, 2, 2, 1 };
  const uint64_t confusion[] = { 2, 1, 1, 1, 2, 0, 0, 1, 2 };
  nn_class_metrics *m = nn_class_metrics_new (3, NULL);

  /* Added in two batches, as the evaluator does. */
  nn_class_metrics_add (m, truth, pred, 4);
  nn_class_metrics_add (m, truth + 4, pred + 4, 6);
  nn_class_metrics_finish (m);
  for (int i = 0; i < 9; i++)
    g_assert_cmpuint (m->confusion[i], ==, confusion[i]);
  g_assert_cmpuint (m->n, ==, 10);
  g_assert_cmpfloat_with_epsilon (m->accuracy, 0.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->precision[0], 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->precision[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->precision[2], 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[1], 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[2], 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[0], 4.0 / 7.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[1], 4.0 / 7.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[2], 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->macro_precision, (2.0 / 3.0 + 0.5 + 2.0 / 3.0) / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->macro_recall, (0.5 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->macro_f1, (4.0 / 7.0 + 4.0 / 7.0 + 2.0 / 3.0) / 3.0, 1e-12);
  g_assert_cmpuint (m->support[0], ==, 4);
  g_assert_cmpuint (m->support[1], ==, 3);
  g_assert_cmpuint (m->support[2], ==, 3);

  nn_class_metrics_reset (m);
  nn_class_metrics_finish (m);
  g_assert_cmpuint (m->n, ==, 0);
  g_assert_cmpfloat (m->accuracy, ==, 0.0);
  nn_class_metrics_free (m);
}

/* A class never predicted has precision 0 (scikit-learn's zero_division),
 * a class never present recall 0; ids out of range are ignored. */
static void
test_class_empty_classes (void)
{
  const int32_t truth[] = { 0, 0, 1, 1, 7, -1 };
  const int32_t pred[] = { 0, 0, 0, 0, 1, 1 };
  nn_class_metrics *m = nn_class_metrics_new (3, NULL);

  nn_class_metrics_add (m, truth, pred, 6);
  nn_class_metrics_finish (m);
  g_assert_cmpuint (m->n, ==, 4);
  g_assert_cmpfloat_with_epsilon (m->accuracy, 0.5, 1e-12);
  g_assert_cmpfloat (m->precision[1], ==, 0.0);
  g_assert_cmpfloat (m->recall[1], ==, 0.0);
  g_assert_cmpfloat (m->f1[1], ==, 0.0);
  g_assert_cmpfloat (m->precision[2], ==, 0.0);
  g_assert_cmpfloat (m->recall[2], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (m->precision[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[0], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[0], 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->macro_f1, (2.0 / 3.0) / 3.0, 1e-12);
  nn_class_metrics_free (m);
}

static void
test_class_bad_k (void)
{
  nn_error err = { 0 };

  g_assert_null (nn_class_metrics_new (0, &err));
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  g_assert_nonnull (strstr (err.msg, "between 1 and 65536 classes"));
}

/* Two target columns, four rows:
 *   y  = (1, 0) (2, 0) (3, 0) (4, 0)      ŷ = (1.5, 0) (2, 0) (2, 0) (4, 1)
 * column 1: errors .5 0 −1 0 → SSE 1.25, SAE 1.5, ȳ 2.5, SST 5, R² 0.75
 * column 2: constant 0, SSE 1 ≠ 0 → R² 0 (scikit-learn)
 * MSE = 2.25 / 8, MAE = 2.5 / 8, R² = (0.75 + 0) / 2. */
static void
test_regression_worked (void)
{
  const float y[] = { 1, 0, 2, 0, 3, 0, 4, 0 };
  const float p[] = { 1.5f, 0, 2, 0, 2, 0, 4, 1 };
  nn_regression_metrics *m = nn_regression_metrics_new (2, NULL);

  nn_regression_metrics_add (m, p, y, 1);
  nn_regression_metrics_add (m, p + 2, y + 2, 3);
  nn_regression_metrics_finish (m);
  g_assert_cmpuint (m->n, ==, 4);
  g_assert_cmpfloat_with_epsilon (m->mse, 2.25 / 8.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->mae, 2.5 / 8.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->r2, 0.375, 1e-12);

  /* A perfect prediction of a constant column scores 1. */
  {
    const float yc[] = { 3, 3, 3 };
    nn_regression_metrics *c = nn_regression_metrics_new (1, NULL);

    nn_regression_metrics_add (c, yc, yc, 3);
    nn_regression_metrics_finish (c);
    g_assert_cmpfloat (c->r2, ==, 1.0);
    g_assert_cmpfloat (c->mse, ==, 0.0);
    nn_regression_metrics_free (c);
  }
  nn_regression_metrics_reset (m);
  nn_regression_metrics_finish (m);
  g_assert_cmpfloat (m->mse, ==, 0.0);
  nn_regression_metrics_free (m);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/metrics/class-worked", test_class_worked);
  g_test_add_func ("/engine/metrics/class-empty-classes", test_class_empty_classes);
  g_test_add_func ("/engine/metrics/class-bad-k", test_class_bad_k);
  g_test_add_func ("/engine/metrics/regression-worked", test_regression_worked);
  return g_test_run ();
}
