/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "diagnose.h"
#include "history.h"
#include "json-writer.h"
#include "model.h"
#include "options.h"
#include "project.h"
#include "report.h"
#include "source.h"
#include "trainer.h"

typedef struct
{
  const BpOptions   *o;
  BpProject         *project;
  gboolean           classification;
  FILE              *metrics_csv;
  nn_history        *history;
  nn_model          *model;
  GHashTable        *shown;   /* findings printed so far, by kind and place */
} RunContext;

#define MAX_FINDINGS 32

/* Prints the findings not printed yet (all of them for people, at the
 * end, but a divergence, which print_divergence has told; as they appear
 * with --json). */
static void
print_findings (RunContext *ctx,
                gboolean    at_end)
{
  nn_finding findings[MAX_FINDINGS];
  size_t n = MIN (nn_diagnose (ctx->history, ctx->model, &ctx->project->training, findings,
                               MAX_FINDINGS), MAX_FINDINGS);
  gboolean heading = FALSE;

  for (size_t i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%d:%d:%zu", findings[i].kind, findings[i].layer,
                                              findings[i].op);

      if (ctx->o->json && g_hash_table_contains (ctx->shown, key))
        continue;
      if (ctx->o->json)
        bp_finding_print (&findings[i], TRUE);
      else if (at_end && findings[i].kind != NN_FINDING_DIVERGED)
        {
          if (!heading)
            printf ("findings:\n");
          heading = TRUE;
          bp_finding_print (&findings[i], FALSE);
        }
      g_hash_table_add (ctx->shown, g_steal_pointer (&key));
    }
  fflush (stdout);
}

static bool
on_step_cb (const nn_step_report *r,
            void                 *user)
{
  RunContext *ctx = user;

  nn_history_add_step (ctx->history, r);
  return true;
}

static void
print_epoch (const RunContext      *ctx,
             const nn_epoch_report *r)
{
  if (ctx->o->json)
    {
      g_autoptr (BpJsonWriter) w = bp_json_writer_new (FALSE);

      bp_json_begin_object (w);
      bp_json_key (w, "epoch");
      bp_json_int_value (w, r->epoch);
#define FIELD(name, value) bp_json_key (w, name); bp_json_double_value (w, value)
      FIELD ("train_loss", r->train_loss);
      FIELD ("train_accuracy", r->train_accuracy);
      FIELD ("val_loss", r->val_loss);
      FIELD ("val_accuracy", r->val_accuracy);
      FIELD ("lr", r->lr);
      FIELD ("samples_per_s", r->samples_per_s);
      FIELD ("seconds", r->seconds);
#undef FIELD
      bp_json_end_object (w);
      printf ("%s\n", bp_json_writer_text (w));
    }
  else
    {
      char total[16];
      int epochs = ctx->project->training.epochs;
      int width = g_snprintf (total, sizeof total, "%d", epochs);
      g_autoptr (GString) line = g_string_new (NULL);

      g_string_append_printf (line, "epoch %*d/%d  loss %.4f", width, r->epoch, epochs,
                              r->train_loss);
      if (ctx->classification)
        g_string_append_printf (line, "  acc %6.2f%%", 100.0 * r->train_accuracy);
      if (r->has_val)
        {
          g_string_append_printf (line, "  val loss %.4f", r->val_loss);
          if (ctx->classification)
            g_string_append_printf (line, "  val acc %6.2f%%", 100.0 * r->val_accuracy);
        }
      g_string_append_printf (line, "  lr %.3g  %.0f samples/s", r->lr, r->samples_per_s);
      printf ("%s\n", line->str);
    }
  fflush (stdout);
}

static void
csv_number (FILE   *f,
            double  v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE] = "";

  if (isfinite (v))
    bp_format_double (buf, sizeof buf, v);
  fprintf (f, ",%s", buf);
}

static bool
on_epoch_cb (const nn_epoch_report *r,
             void                  *user)
{
  RunContext *ctx = user;
  BpRunEpoch rec = {
    .epoch = r->epoch, .train_loss = r->train_loss, .train_accuracy = r->train_accuracy,
    .val_loss = r->val_loss, .val_accuracy = r->val_accuracy, .lr = r->lr,
    .samples_per_s = r->samples_per_s, .seconds = r->seconds,
  };

  g_array_append_val (ctx->project->history, rec);
  nn_history_add_epoch (ctx->history, r);
  print_epoch (ctx, r);
  if (ctx->o->json)
    print_findings (ctx, FALSE);
  if (ctx->metrics_csv != NULL)
    {
      fprintf (ctx->metrics_csv, "%d", r->epoch);
      csv_number (ctx->metrics_csv, r->train_loss);
      csv_number (ctx->metrics_csv, r->train_accuracy);
      csv_number (ctx->metrics_csv, r->val_loss);
      csv_number (ctx->metrics_csv, r->val_accuracy);
      csv_number (ctx->metrics_csv, r->lr);
      csv_number (ctx->metrics_csv, r->samples_per_s);
      csv_number (ctx->metrics_csv, r->seconds);
      fputc ('\n', ctx->metrics_csv);
      fflush (ctx->metrics_csv);
    }
  return true;
}

static void
print_divergence (const BpOptions     *o,
                  const nn_divergence *d,
                  double               lr)
{
  if (o->json)
    {
      g_autoptr (BpJsonWriter) w = bp_json_writer_new (FALSE);

      bp_json_begin_object (w);
      bp_json_key (w, "diverged");
      bp_json_bool_value (w, TRUE);
      bp_json_key (w, "step");
      bp_json_int_value (w, (gint64) d->step);
      bp_json_key (w, "epoch");
      bp_json_int_value (w, d->epoch);
      bp_json_key (w, "layer");
      if (d->op == SIZE_MAX)
        bp_json_null_value (w);
      else
        bp_json_int_value (w, (gint64) d->op);
      bp_json_key (w, "what");
      bp_json_string_value (w, d->what);
      bp_json_key (w, "lr");
      bp_json_double_value (w, lr);
      bp_json_key (w, "message");
      bp_json_string_value (w, d->message);
      bp_json_end_object (w);
      printf ("%s\n", bp_json_writer_text (w));
    }
  else if (strcmp (d->what, "input data") == 0)
    printf ("stopped: %s.\nCheck the data with backprop check-data.\n", d->message);
  else
    printf ("diverged: %s.\nThe learning rate was %g; try one 10 times smaller, or clip the "
            "gradients (--clip-norm 1).\n", d->message, lr);
  fflush (stdout);
}

static void
print_final (const BpOptions *o,
             const BpProject *p,
             const BpResults *r)
{
  if (o->json)
    {
      g_autoptr (BpJsonWriter) w = bp_json_writer_new (FALSE);

      bp_json_begin_object (w);
      bp_json_key (w, "state");
      bp_json_string_value (w, p->run_state);
      bp_json_key (w, "epochs");
      bp_json_int_value (w, p->run_epochs);
      bp_json_key (w, "best_epoch");
      bp_json_int_value (w, p->best_epoch);
      bp_results_json (r, w, FALSE);
      bp_json_end_object (w);
      printf ("%s\n", bp_json_writer_text (w));
      return;
    }
  if (strcmp (p->run_state, "early-stopped") == 0)
    printf ("stopped early after epoch %d: no better validation loss for %d epochs; restored "
            "the weights of epoch %d\n", p->run_epochs, p->training.early_stop, p->best_epoch);
  else
    printf ("trained %d epochs (%" G_GUINT64_FORMAT " steps) in %.1f s\n", p->run_epochs,
            p->run_steps, p->run_seconds);
  bp_results_print (r, FALSE);
}

/* Records the final results in the project's run summary. */
static void
record_results (BpProject       *p,
                const BpResults *r)
{
  g_free (p->test_part);
  p->test_part = g_strdup (r->part);
  p->test_loss = r->loss;
  if (r->cm != NULL)
    {
      p->test_accuracy = r->cm->accuracy;
      p->test_macro_f1 = r->cm->macro_f1;
    }
  else
    {
      p->test_mse = r->rm->mse;
      p->test_mae = r->rm->mae;
      p->test_r2 = r->rm->r2;
    }
}

static FILE *
open_metrics_csv (const char  *path,
                  GError     **error)
{
  FILE *f = fopen (path, "w");

  if (f == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--metrics-csv: %s: %s", path,
                   g_strerror (errno));
      return NULL;
    }
  fputs ("epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,samples_per_s,seconds\n", f);
  return f;
}

/* Sets up the project from the options: a project file's settings or the
 * defaults, with the given options on top; then the data. */
static BpProject *
prepare (const BpOptions *o,
         nn_loaded_data  *loaded,
         GError         **error)
{
  g_autoptr (BpProject) p = NULL;
  nn_error err = { 0 };

  if (o->project != NULL)
    {
      p = bp_project_load (o->project, error);
      if (p == NULL)
        return NULL;
    }
  else
    p = bp_project_new ();
  if (!bp_options_apply_data (o, &p->data, error) || !bp_options_apply_model (o, &p->spec, error)
      || !bp_options_apply_training (o, &p->training, error) || !bp_options_apply_threads (o, error))
    return NULL;
  if (p->training.early_stop > 0 && p->data.split.val_fraction == 0.0)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--early-stop watches the "
                        "validation loss; it needs --val-split above 0"), NULL;

  if (nn_data_source_load (&p->data, loaded, &err) != NN_OK)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg), NULL;
  bp_project_set_data (p, loaded);
  /* Regression data want MSE unless a loss was chosen. */
  if (o->loss == NULL && o->project == NULL && p->task == NN_TASK_REGRESSION)
    p->spec.loss = NN_LOSS_MSE;
  if (p->spec.n_layers == 0)
    bp_options_default_layers (&p->spec, p->task, p->k);
  if (nn_model_spec_check (&p->spec, p->task, p->k, &err) != NN_OK)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: %s",
                        o->layers != NULL ? "--layers" : o->loss != NULL ? "--loss"
                        : o->project != NULL ? o->project : "--data", err.msg), NULL;
  if (p->training.early_stop > 0 && loaded->split.val == 0)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--early-stop: the validation "
                        "part has no rows"), NULL;
  return g_steal_pointer (&p);
}

static int
run (const BpOptions *o,
     GError         **error)
{
  g_autoptr (BpProject) p = NULL;
  nn_loaded_data loaded = { 0 };
  nn_model *model = NULL;
  nn_trainer *trainer = NULL;
  nn_dataset train, val, test;
  nn_train_state state;
  RunContext ctx = { .o = o };
  BpResults results = { 0 };
  nn_error err = { 0 };
  int status = BP_EXIT_USAGE;
  size_t max_batch;
  gint64 started;

  p = prepare (o, &loaded, error);
  if (p == NULL)
    goto out;
  train = nn_loaded_data_train (&loaded);
  val = nn_loaded_data_val (&loaded);
  test = nn_loaded_data_test (&loaded);
  ctx.project = p;
  ctx.classification = p->task == NN_TASK_CLASSIFICATION;

  max_batch = p->training.opt.kind == NN_OPT_GD || p->training.batch > train.n
              ? train.n : p->training.batch;
  model = nn_model_new (&p->spec, max_batch, &err);
  if (model == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--layers: %s", err.msg);
      goto out;
    }
  nn_model_init_params (model, p->training.seed);
  if (o->init_weights != NULL && !bp_project_load_weights (o->init_weights, model, error))
    {
      g_prefix_error (error, "--init-weights: ");
      goto out;
    }
  trainer = nn_trainer_new (model, &p->training, &train, &val, &err);
  if (trainer == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
      goto out;
    }
  if (o->metrics_csv != NULL && (ctx.metrics_csv = open_metrics_csv (o->metrics_csv, error)) == NULL)
    goto out;
  ctx.model = model;
  ctx.history = nn_history_new (nn_model_n_ops (model), &err);
  ctx.shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (ctx.history == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
      goto out;
    }
  nn_trainer_set_callbacks (trainer, on_step_cb, on_epoch_cb, &ctx);

  g_array_set_size (p->history, 0);
  started = g_get_monotonic_time ();
  state = nn_trainer_run (trainer);
  g_free (p->run_state);
  p->run_state = g_strdup (nn_train_state_name (state));
  p->run_epochs = nn_trainer_get_epoch (trainer);
  p->run_steps = nn_trainer_get_step (trainer);
  p->best_epoch = nn_trainer_best_epoch (trainer);
  p->run_seconds = (double) (g_get_monotonic_time () - started) / 1e6;
  if (state == NN_TRAIN_DIVERGED)
    {
      nn_history_set_divergence (ctx.history, nn_trainer_get_divergence (trainer));
      print_divergence (o, nn_trainer_get_divergence (trainer), nn_trainer_get_lr (trainer));
      print_findings (&ctx, TRUE);
      /* Kept all the same, at the last good step, to diagnose or go on from. */
      if (o->save != NULL && !bp_project_save (p, o->save, model, ctx.history, error))
        {
          g_prefix_error (error, "--save: ");
          goto out;
        }
      status = BP_EXIT_FAILED;
      goto out;
    }
  print_findings (&ctx, TRUE);
  if (!bp_results_compute (&results, model, test.n > 0 ? &test : val.n > 0 ? &val : &train,
                           test.n > 0 ? "test" : val.n > 0 ? "val" : "train", p->class_names,
                           error))
    goto out;
  record_results (p, &results);
  print_final (o, p, &results);
  if (o->save != NULL && !bp_project_save (p, o->save, model, ctx.history, error))
    {
      g_prefix_error (error, "--save: ");
      goto out;
    }
  status = BP_EXIT_OK;

out:
  fflush (stdout);
  if (ctx.metrics_csv != NULL)
    fclose (ctx.metrics_csv);
  nn_history_free (ctx.history);
  g_clear_pointer (&ctx.shown, g_hash_table_unref);
  bp_results_clear (&results);
  nn_trainer_free (trainer);
  nn_model_free (model);
  nn_loaded_data_clear (&loaded);
  return status;
}

int
bp_cli_train (int    argc,
              char **argv)
{
  g_auto (BpOptions) o = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("- train a network headless");
  g_autoptr (GError) error = NULL;
  int status;

  g_option_context_set_summary (context, "Trains a network on a data set and prints one line "
                                "per epoch and the test metrics.");
  bp_options_add_entries (context, &o, BP_OPTIONS_PROJECT | BP_OPTIONS_DATA | BP_OPTIONS_MODEL
                          | BP_OPTIONS_TRAINING | BP_OPTIONS_SAVE | BP_OPTIONS_COMMON);
  if (!bp_options_parse (context, "train", &argc, &argv))
    return BP_EXIT_USAGE;
  status = run (&o, &error);
  if (error != NULL)
    bp_cli_fail ("train", error, status);
  return status;
}
