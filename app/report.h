/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "diagnose.h"
#include "json-writer.h"
#include "metrics.h"
#include "model.h"

G_BEGIN_DECLS

/* A model's results on one part of the data, as train and eval print them. */
typedef struct
{
  const char            *part;         /* "test", "val", "train" or "all" */
  size_t                 rows;
  double                 loss;
  nn_class_metrics      *cm;           /* classification, else NULL */
  nn_regression_metrics *rm;           /* regression, else NULL */
  char                 **class_names;  /* [cm->k] or NULL: not owned */
} BpResults;

/* Evaluates @model on every row of @ds. */
gboolean bp_results_compute (BpResults        *r,
                             nn_model         *model,
                             const nn_dataset *ds,
                             const char       *part,
                             char            **class_names,
                             GError          **error);
void bp_results_clear (BpResults *r);

/* The results as members of a JSON object under way: PART_loss,
 * PART_accuracy, PART_macro_precision, PART_macro_recall, PART_macro_f1 (or
 * PART_mse, PART_mae, PART_r2), and with @detailed the classes, per-class
 * figures and the confusion matrix. */
void bp_results_json (const BpResults *r,
                      BpJsonWriter    *w,
                      gboolean         detailed);

/* The results for people; with @detailed a per-class table and the
 * confusion matrix. The last line is "PART accuracy 88.31%" (or
 * "PART R² 0.9812"). */
void bp_results_print (const BpResults *r,
                       gboolean         detailed);

/* A finding of the diagnosis: for people, "warning  overfitting  MESSAGE"
 * with the advice on the next line; as JSON, {"finding": {kind, severity,
 * layer, op, step, epoch, evidence, message, advice, fix}}. */
void bp_finding_print (const nn_finding *finding,
                       gboolean          json);

G_END_DECLS
