/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

nn_class_metrics *
nn_class_metrics_new (size_t    k,
                      nn_error *err)
{
  nn_class_metrics *m;

  if (k == 0 || k > 65536)
    {
      nn_error_set (err, NN_ERR_INVALID, "metrics need between 1 and 65536 classes, not %zu", k);
      return NULL;
    }
  m = calloc (1, sizeof *m);
  if (m == NULL)
    goto nomem;
  m->k = k;
  m->confusion = calloc (k * k, sizeof *m->confusion);
  m->support = calloc (k, sizeof *m->support);
  m->precision = calloc (k, sizeof (double));
  m->recall = calloc (k, sizeof (double));
  m->f1 = calloc (k, sizeof (double));
  if (!m->confusion || !m->support || !m->precision || !m->recall || !m->f1)
    goto nomem;
  return m;

nomem:
  nn_class_metrics_free (m);
  nn_error_set (err, NN_ERR_NOMEM, "out of memory for metrics of %zu classes", k);
  return NULL;
}

void
nn_class_metrics_free (nn_class_metrics *m)
{
  if (m == NULL)
    return;
  free (m->confusion);
  free (m->support);
  free (m->precision);
  free (m->recall);
  free (m->f1);
  free (m);
}

void
nn_class_metrics_reset (nn_class_metrics *m)
{
  size_t k = m->k;

  memset (m->confusion, 0, k * k * sizeof *m->confusion);
  memset (m->support, 0, k * sizeof *m->support);
  memset (m->precision, 0, k * sizeof (double));
  memset (m->recall, 0, k * sizeof (double));
  memset (m->f1, 0, k * sizeof (double));
  m->n = 0;
  m->accuracy = m->macro_precision = m->macro_recall = m->macro_f1 = 0.0;
}

void
nn_class_metrics_add (nn_class_metrics *m,
                      const int32_t    *truth,
                      const int32_t    *pred,
                      size_t            n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (truth[i] < 0 || (size_t) truth[i] >= m->k || pred[i] < 0 || (size_t) pred[i] >= m->k)
        continue;
      m->confusion[(size_t) truth[i] * m->k + (size_t) pred[i]]++;
      m->n++;
    }
}

void
nn_class_metrics_finish (nn_class_metrics *m)
{
  size_t k = m->k;
  uint64_t correct = 0;

  m->macro_precision = m->macro_recall = m->macro_f1 = 0.0;
  for (size_t c = 0; c < k; c++)
    {
      uint64_t tp = m->confusion[c * k + c];
      uint64_t actual = 0, predicted = 0;

      for (size_t j = 0; j < k; j++)
        {
          actual += m->confusion[c * k + j];
          predicted += m->confusion[j * k + c];
        }
      correct += tp;
      m->support[c] = (size_t) actual;
      m->precision[c] = predicted > 0 ? (double) tp / (double) predicted : 0.0;
      m->recall[c] = actual > 0 ? (double) tp / (double) actual : 0.0;
      /* F1 = 2·TP / (2·TP + FP + FN), which is 0 when both are 0. */
      m->f1[c] = actual + predicted > 0 ? 2.0 * (double) tp / (double) (actual + predicted) : 0.0;
      m->macro_precision += m->precision[c];
      m->macro_recall += m->recall[c];
      m->macro_f1 += m->f1[c];
    }
  m->macro_precision /= (double) k;
  m->macro_recall /= (double) k;
  m->macro_f1 /= (double) k;
  m->accuracy = m->n > 0 ? (double) correct / (double) m->n : 0.0;
}

nn_regression_metrics *
nn_regression_metrics_new (size_t    k,
                           nn_error *err)
{
  nn_regression_metrics *m;

  if (k == 0 || k > 65536)
    {
      nn_error_set (err, NN_ERR_INVALID, "metrics need between 1 and 65536 targets, not %zu", k);
      return NULL;
    }
  m = calloc (1, sizeof *m);
  if (m == NULL)
    goto nomem;
  m->k = k;
  m->sum_sq_err = calloc (k, sizeof (double));
  m->sum_abs_err = calloc (k, sizeof (double));
  m->mean = calloc (k, sizeof (double));
  m->m2 = calloc (k, sizeof (double));
  if (!m->sum_sq_err || !m->sum_abs_err || !m->mean || !m->m2)
    goto nomem;
  return m;

nomem:
  nn_regression_metrics_free (m);
  nn_error_set (err, NN_ERR_NOMEM, "out of memory for metrics of %zu targets", k);
  return NULL;
}

void
nn_regression_metrics_free (nn_regression_metrics *m)
{
  if (m == NULL)
    return;
  free (m->sum_sq_err);
  free (m->sum_abs_err);
  free (m->mean);
  free (m->m2);
  free (m);
}

void
nn_regression_metrics_reset (nn_regression_metrics *m)
{
  size_t k = m->k;

  memset (m->sum_sq_err, 0, k * sizeof (double));
  memset (m->sum_abs_err, 0, k * sizeof (double));
  memset (m->mean, 0, k * sizeof (double));
  memset (m->m2, 0, k * sizeof (double));
  m->n = 0;
  m->mse = m->mae = m->r2 = 0.0;
}

void
nn_regression_metrics_add (nn_regression_metrics *m,
                           const float           *pred,
                           const float           *target,
                           size_t                 n)
{
  size_t k = m->k;

  for (size_t i = 0; i < n; i++)
    {
      double count = (double) (m->n + 1);

      for (size_t j = 0; j < k; j++)
        {
          double y = target[i * k + j];
          double e = (double) pred[i * k + j] - y;
          double delta = y - m->mean[j];

          m->sum_sq_err[j] += e * e;
          m->sum_abs_err[j] += fabs (e);
          m->mean[j] += delta / count;
          m->m2[j] += delta * (y - m->mean[j]);
        }
      m->n++;
    }
}

void
nn_regression_metrics_finish (nn_regression_metrics *m)
{
  double sq = 0.0, ab = 0.0, r2 = 0.0;

  for (size_t j = 0; j < m->k; j++)
    {
      sq += m->sum_sq_err[j];
      ab += m->sum_abs_err[j];
      if (m->m2[j] > 0.0)
        r2 += 1.0 - m->sum_sq_err[j] / m->m2[j];
      else
        r2 += m->sum_sq_err[j] == 0.0 ? 1.0 : 0.0;
    }
  if (m->n == 0)
    {
      m->mse = m->mae = m->r2 = 0.0;
      return;
    }
  m->mse = sq / ((double) m->n * (double) m->k);
  m->mae = ab / ((double) m->n * (double) m->k);
  m->r2 = r2 / (double) m->k;
}
