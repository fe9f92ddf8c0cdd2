/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Classification metrics, accumulated over batches. Precision, recall and F1
 * follow scikit-learn: a class with no predictions (or no samples) scores 0
 * there; macro averages are unweighted means over all k classes. */
typedef struct
{
  size_t    k;
  size_t    n;               /* samples added */
  uint64_t *confusion;       /* [k × k], row = true class, column = predicted */
  size_t   *support;         /* [k] samples per true class */
  double   *precision;       /* [k] */
  double   *recall;          /* [k] */
  double   *f1;              /* [k] */
  double    accuracy;
  double    macro_precision;
  double    macro_recall;
  double    macro_f1;
} nn_class_metrics;

/* A zeroed accumulator for @k classes; free with nn_class_metrics_free. */
nn_class_metrics *nn_class_metrics_new (size_t k, nn_error *err);
void nn_class_metrics_free (nn_class_metrics *m);
void nn_class_metrics_reset (nn_class_metrics *m);

/* Adds @n (true, predicted) pairs; ids outside [0, k) are ignored. */
void nn_class_metrics_add (nn_class_metrics *m,
                           const int32_t    *truth,
                           const int32_t    *pred,
                           size_t            n);

/* Computes accuracy, per-class and macro figures from the counts. */
void nn_class_metrics_finish (nn_class_metrics *m);

/* Regression metrics over k target columns, accumulated over batches: MSE and
 * MAE averaged over all n × k values, R² per column averaged uniformly over
 * columns (scikit-learn's r2_score; a constant column scores 1 if predicted
 * exactly, else 0). */
typedef struct
{
  size_t  k;
  size_t  n;
  double *sum_sq_err;   /* [k] Σ (ŷ − y)² */
  double *sum_abs_err;  /* [k] Σ |ŷ − y| */
  double *mean;         /* [k] running mean of y (Welford) */
  double *m2;           /* [k] running Σ (y − ȳ)² (Welford) */
  double  mse;
  double  mae;
  double  r2;
} nn_regression_metrics;

nn_regression_metrics *nn_regression_metrics_new (size_t k, nn_error *err);
void nn_regression_metrics_free (nn_regression_metrics *m);
void nn_regression_metrics_reset (nn_regression_metrics *m);

/* Adds @n rows of predictions and targets, each [n × k]. */
void nn_regression_metrics_add (nn_regression_metrics *m,
                                const float           *pred,
                                const float           *target,
                                size_t                 n);

void nn_regression_metrics_finish (nn_regression_metrics *m);
