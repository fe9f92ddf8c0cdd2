/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "evaluate.h"

gboolean
bp_results_compute (BpResults        *r,
                    nn_model         *model,
                    const nn_dataset *ds,
                    const char       *part,
                    char            **class_names,
                    GError          **error)
{
  nn_error err = { 0 };

  memset (r, 0, sizeof *r);
  r->part = part;
  r->rows = ds->n;
  r->class_names = class_names;
  if (ds->task == NN_TASK_CLASSIFICATION)
    r->cm = nn_class_metrics_new (ds->k, &err);
  else
    r->rm = nn_regression_metrics_new (ds->k, &err);
  if ((r->cm == NULL && r->rm == NULL)
      || nn_evaluate (model, ds, &r->loss, r->cm, r->rm, &err) != NN_OK)
    {
      bp_results_clear (r);
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
      return FALSE;
    }
  if (r->cm != NULL)
    nn_class_metrics_finish (r->cm);
  else
    nn_regression_metrics_finish (r->rm);
  return TRUE;
}

void
bp_results_clear (BpResults *r)
{
  g_clear_pointer (&r->cm, nn_class_metrics_free);
  g_clear_pointer (&r->rm, nn_regression_metrics_free);
}

static void
member (BpJsonWriter *w,
        const char   *part,
        const char   *name,
        double        v)
{
  g_autofree char *key = g_strdup_printf ("%s_%s", part, name);

  bp_json_key (w, key);
  bp_json_double_value (w, v);
}

static const char *
class_name (const BpResults *r,
            size_t           c,
            char            *buf,
            size_t           len)
{
  if (r->class_names != NULL && r->class_names[c] != NULL)
    return r->class_names[c];
  g_snprintf (buf, len, "%zu", c);
  return buf;
}

void
bp_results_json (const BpResults *r,
                 BpJsonWriter    *w,
                 gboolean         detailed)
{
  member (w, r->part, "loss", r->loss);
  if (r->rm != NULL)
    {
      member (w, r->part, "mse", r->rm->mse);
      member (w, r->part, "mae", r->rm->mae);
      member (w, r->part, "r2", r->rm->r2);
      return;
    }
  member (w, r->part, "accuracy", r->cm->accuracy);
  member (w, r->part, "macro_precision", r->cm->macro_precision);
  member (w, r->part, "macro_recall", r->cm->macro_recall);
  member (w, r->part, "macro_f1", r->cm->macro_f1);
  if (!detailed)
    return;
  bp_json_key (w, "rows");
  bp_json_int_value (w, (gint64) r->rows);
  bp_json_key (w, "per_class");
  bp_json_begin_array (w);
  for (size_t c = 0; c < r->cm->k; c++)
    {
      char buf[32];

      bp_json_begin_object (w);
      bp_json_key (w, "class");
      bp_json_string_value (w, class_name (r, c, buf, sizeof buf));
      bp_json_key (w, "precision");
      bp_json_double_value (w, r->cm->precision[c]);
      bp_json_key (w, "recall");
      bp_json_double_value (w, r->cm->recall[c]);
      bp_json_key (w, "f1");
      bp_json_double_value (w, r->cm->f1[c]);
      bp_json_key (w, "support");
      bp_json_int_value (w, (gint64) r->cm->support[c]);
      bp_json_end_object (w);
    }
  bp_json_end_array (w);
  bp_json_key (w, "confusion");
  bp_json_begin_array (w);
  for (size_t t = 0; t < r->cm->k; t++)
    {
      bp_json_begin_array (w);
      for (size_t p = 0; p < r->cm->k; p++)
        bp_json_int_value (w, (gint64) r->cm->confusion[t * r->cm->k + p]);
      bp_json_end_array (w);
    }
  bp_json_end_array (w);
}

/* "3 Dress" for a named class, "3" where the name is the number itself. */
static void
row_label (const BpResults *r,
           size_t           c,
           char            *label,
           size_t           len)
{
  char buf[32], number[32];
  const char *name = class_name (r, c, buf, sizeof buf);

  g_snprintf (number, sizeof number, "%zu", c);
  if (strcmp (name, number) == 0)
    g_snprintf (label, len, "%s", number);
  else
    g_snprintf (label, len, "%zu %s", c, name);
}

/* Pads @s with spaces to @width display cells (UTF-8 aware, cut if longer). */
static void
print_padded (const char *s,
              int         width)
{
  glong cells = g_utf8_strlen (s, -1);

  if (cells > width)
    {
      const char *end = g_utf8_offset_to_pointer (s, width);

      printf ("%.*s", (int) (end - s), s);
      return;
    }
  printf ("%s%*s", s, (int) (width - cells), "");
}

static void
print_class_details (const BpResults *r)
{
  const nn_class_metrics *cm = r->cm;
  size_t k = cm->k;
  guint64 largest = 0;
  char digits[32];
  int cell;

  /* Columns wide enough for the largest count. */
  for (size_t i = 0; i < k * k; i++)
    largest = MAX (largest, cm->confusion[i]);
  cell = MAX (5, g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, largest));

  printf ("\n%-20s %9s %7s %7s %8s\n", "class", "precision", "recall", "F1", "support");
  for (size_t c = 0; c < k; c++)
    {
      char label[64];

      row_label (r, c, label, sizeof label);
      print_padded (label, 20);
      printf (" %9.4f %7.4f %7.4f %8zu\n", cm->precision[c], cm->recall[c], cm->f1[c],
              cm->support[c]);
    }
  print_padded ("macro average", 20);
  printf (" %9.4f %7.4f %7.4f %8zu\n", cm->macro_precision, cm->macro_recall, cm->macro_f1,
          (size_t) cm->n);

  printf ("\nconfusion matrix (rows: true class, columns: predicted)\n");
  print_padded ("", 20);
  for (size_t p = 0; p < k; p++)
    printf (" %*zu", cell, p);
  printf ("\n");
  for (size_t t = 0; t < k; t++)
    {
      char label[64];

      row_label (r, t, label, sizeof label);
      print_padded (label, 20);
      for (size_t p = 0; p < k; p++)
        printf (" %*" G_GUINT64_FORMAT, cell, cm->confusion[t * k + p]);
      printf ("\n");
    }
  printf ("\n");
}

void
bp_results_print (const BpResults *r,
                  gboolean         detailed)
{
  if (r->rm != NULL)
    {
      printf ("%s loss %.4f  MSE %.4g  MAE %.4g  (%zu rows)\n", r->part, r->loss, r->rm->mse,
              r->rm->mae, r->rows);
      printf ("%s R² %.4f\n", r->part, r->rm->r2);
      return;
    }
  if (detailed)
    print_class_details (r);
  printf ("%s loss %.4f  macro precision %.4f  recall %.4f  F1 %.4f  (%zu rows)\n", r->part,
          r->loss, r->cm->macro_precision, r->cm->macro_recall, r->cm->macro_f1, r->rows);
  printf ("%s accuracy %.2f%%\n", r->part, 100.0 * r->cm->accuracy);
}

void
bp_finding_print (const nn_finding *f,
                  gboolean          json)
{
  if (json)
    {
      g_autoptr (BpJsonWriter) w = bp_json_writer_new (FALSE);

      bp_json_begin_object (w);
      bp_json_key (w, "finding");
      bp_json_begin_object (w);
      bp_json_key (w, "kind");
      bp_json_string_value (w, nn_finding_kind_name (f->kind));
      bp_json_key (w, "severity");
      bp_json_string_value (w, nn_finding_severity_name (f->severity));
      bp_json_key (w, "layer");
      if (f->layer < 0)
        bp_json_null_value (w);
      else
        bp_json_int_value (w, f->layer);
      bp_json_key (w, "op");
      if (f->op == SIZE_MAX)
        bp_json_null_value (w);
      else
        bp_json_int_value (w, (gint64) f->op);
      /* 0: not tied to a step, or to an epoch (diagnose.h). */
      bp_json_key (w, "step");
      if (f->step == 0)
        bp_json_null_value (w);
      else
        bp_json_int_value (w, (gint64) f->step);
      bp_json_key (w, "epoch");
      if (f->epoch == 0)
        bp_json_null_value (w);
      else
        bp_json_int_value (w, f->epoch);
      bp_json_key (w, "message");
      bp_json_string_value (w, f->message);
      bp_json_key (w, "advice");
      bp_json_string_value (w, f->advice);
      bp_json_key (w, "fix");
      if (f->fix == NN_FIX_NONE)
        bp_json_null_value (w);
      else
        bp_json_string_value (w, nn_fix_name (f->fix));
      bp_json_end_object (w);
      bp_json_end_object (w);
      printf ("%s\n", bp_json_writer_text (w));
    }
  else
    printf ("%-8s %-19s %s\n%29s%s\n", nn_finding_severity_name (f->severity),
            nn_finding_kind_name (f->kind), f->message, "", f->advice);
}
