/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum
{
  NN_TASK_CLASSIFICATION,
  NN_TASK_REGRESSION,
  NN_TASK_COUNT
} nn_task;

/* A data set: row-major float32 features plus class ids or float targets.
 * A dataset either owns its arrays or is a view of rows of another one
 * (nn_dataset_view); views share the parent's arrays and names and must not
 * outlive it. */
typedef struct
{
  nn_task  task;
  size_t   n;              /* rows */
  size_t   d;              /* features per row */
  size_t   k;              /* classes (classification) or target columns (regression) */
  float   *x;              /* [n × d] features */
  int32_t *y;              /* [n] class ids in [0, k); classification only, else NULL */
  float   *t;              /* [n × k] targets; regression only, else NULL */
  char   **class_names;    /* [k] or NULL; classification only */
  char   **feature_names;  /* [d] or NULL */
  bool     owned;          /* false for a view */
} nn_dataset;

/* The largest number of floats one dataset may hold (x plus targets): 2³¹,
 * 8 GiB. Anything larger is refused as NN_ERR_NOMEM before allocating. */
#define NN_DATASET_MAX_FLOATS ((size_t) 1 << 31)

/* Allocates an owned dataset of @n rows, @d features and @k classes or
 * targets, zero-filled, names unset. Free with nn_dataset_free. */
nn_dataset *nn_dataset_new (nn_task   task,
                            size_t    n,
                            size_t    d,
                            size_t    k,
                            nn_error *err);

/* Frees @ds (NULL allowed); a view frees only its own struct. */
void nn_dataset_free (nn_dataset *ds);

/* A view of rows [first, first + n) of @ds: shares its arrays, owns nothing. */
nn_dataset nn_dataset_view (const nn_dataset *ds,
                            size_t            first,
                            size_t            n);

/* Sets class name @i (copied) of an owned dataset; allocates the name table
 * on first use. */
nn_status nn_dataset_set_class_name (nn_dataset *ds,
                                     size_t      i,
                                     const char *name,
                                     nn_error   *err);

/* Sets feature name @j (copied) of an owned dataset. */
nn_status nn_dataset_set_feature_name (nn_dataset *ds,
                                       size_t      j,
                                       const char *name,
                                       nn_error   *err);

/* Counts rows per class into @counts[k]. Classification only. */
void nn_dataset_class_counts (const nn_dataset *ds,
                              size_t           *counts);

/* Reorders the rows of an owned dataset in place so that row i becomes row
 * @order[i]'s old content; @order is a permutation of [0, n). */
nn_status nn_dataset_permute (nn_dataset     *ds,
                              const uint32_t *order,
                              nn_error       *err);
