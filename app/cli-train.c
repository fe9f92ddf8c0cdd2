/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <math.h>
#include <string.h>

#include "evaluate.h"
#include "gemm.h"
#include "generate.h"
#include "metrics.h"
#include "model.h"
#include "scale.h"
#include "spec.h"
#include "split.h"
#include "trainer.h"

/* The option values as given, before they are checked. */
typedef struct
{
  char    *data, *samples, *noise, *classes, *scale;
  char    *layers, *loss, *init;
  char    *optimizer, *lr, *momentum, *dampening, *beta1, *beta2, *eps, *alpha;
  gboolean nesterov;
  char    *batch, *epochs, *val_split, *test_split, *seed;
  char    *l1, *l2, *clip_norm, *clip_value;
  char    *schedule, *step_size, *gamma, *min_lr, *plateau_patience, *warmup, *early_stop;
  char    *threads;
  gboolean no_shuffle, no_stats, json;
} TrainOptions;

/* Everything a run needs, checked. */
typedef struct
{
  nn_generate_params gen;
  nn_split_params    split;
  nn_scale_kind      scale;
  nn_model_spec      spec;
  gboolean           default_layers;
  gboolean           loss_given;
  nn_trainer_params  trainer;
  int                threads;
  gboolean           json;
} TrainSettings;

static void
train_options_clear (TrainOptions *o)
{
  char **strings[] = {
    &o->data, &o->samples, &o->noise, &o->classes, &o->scale, &o->layers, &o->loss, &o->init,
    &o->optimizer, &o->lr, &o->momentum, &o->dampening, &o->beta1, &o->beta2, &o->eps,
    &o->alpha, &o->batch, &o->epochs, &o->val_split, &o->test_split, &o->seed, &o->l1, &o->l2,
    &o->clip_norm, &o->clip_value, &o->schedule, &o->step_size, &o->gamma, &o->min_lr,
    &o->plateau_patience, &o->warmup, &o->early_stop, &o->threads,
  };

  for (size_t i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TrainOptions, train_options_clear)

static const char *
names_list (const char *(*name) (int),
            int count,
            int first,
            GString *out)
{
  for (int i = first; i < count; i++)
    g_string_append_printf (out, "%s%s", i > first ? ", " : "", name (i));
  return out->str;
}

static const char *
generator_name_cb (int i)
{
  return nn_generator_name ((nn_generator) i);
}

static const char *
optimizer_name_cb (int i)
{
  return nn_optimizer_name ((nn_optimizer) i);
}

static const char *
schedule_name_cb (int i)
{
  return nn_schedule_name ((nn_schedule_kind) i);
}

static const char *
scale_name_cb (int i)
{
  return nn_scale_kind_name ((nn_scale_kind) i);
}

static const char *
init_name_cb (int i)
{
  return nn_init_name ((nn_init) i);
}

static const char *
loss_name_cb (int i)
{
  return nn_loss_name ((nn_loss) i);
}

static gboolean
unknown_name (const char  *option,
              const char  *value,
              const char *(*name) (int),
              int          count,
              int          first,
              GError     **error)
{
  g_autoptr (GString) list = g_string_new (NULL);

  g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: unknown value '%s'; use one of %s",
               option, value, names_list (name, count, first, list));
  return FALSE;
}

static gboolean
only_for (const char   *option,
          const char   *value,
          nn_optimizer  kind,
          unsigned      mask,
          const char   *which,
          GError      **error)
{
  if (value == NULL || (mask & (1u << kind)) != 0)
    return TRUE;
  g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s applies to %s, not to the %s "
               "optimizer", option, which, nn_optimizer_name (kind));
  return FALSE;
}

#define OPT_BIT(k) (1u << (k))
#define SGD_FAMILY (OPT_BIT (NN_OPT_SGD) | OPT_BIT (NN_OPT_MOMENTUM) | OPT_BIT (NN_OPT_NESTEROV))

/* Optional numeric options: each parses only when given. */
static gboolean
opt_double (const char  *option,
            const char  *text,
            double       min,
            double       max,
            gboolean     min_open,
            gboolean     max_open,
            double      *out,
            GError     **error)
{
  return text == NULL || bp_cli_parse_double (option, text, min, max, min_open, max_open, out,
                                              error);
}

static gboolean
opt_int (const char  *option,
         const char  *text,
         gint64       min,
         gint64       max,
         gint64      *out,
         GError     **error)
{
  return text == NULL || bp_cli_parse_int (option, text, min, max, out, error);
}

static gboolean
settings_from_options (const TrainOptions *o,
                       TrainSettings      *s,
                       GError            **error)
{
  nn_generator gen = NN_GEN_SPIRAL;
  nn_optimizer opt = NN_OPT_ADAM;
  nn_schedule_kind sched = NN_SCHEDULE_CONSTANT;
  nn_trainer_params *tp = &s->trainer;
  gint64 i64;
  double v;
  nn_error err = { 0 };

  memset (s, 0, sizeof *s);
  if (o->data != NULL && !nn_generator_from_name (o->data, &gen))
    return unknown_name ("--data", o->data, generator_name_cb, NN_GEN_COUNT, 0, error);
  s->gen = nn_generate_params_default (gen);
  if (!opt_int ("--samples", o->samples, 1, 10000000, &i64, error))
    return FALSE;
  if (o->samples != NULL)
    s->gen.samples = (size_t) i64;
  if (!opt_double ("--noise", o->noise, 0, 100, FALSE, FALSE, &s->gen.noise, error))
    return FALSE;
  if (o->classes != NULL && gen != NN_GEN_SPIRAL && gen != NN_GEN_GAUSSIANS)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--classes applies to the "
                        "spiral and gaussians data sets, not to %s", nn_generator_name (gen)),
           FALSE;
  if (!opt_int ("--classes", o->classes, 2, 64, &i64, error))
    return FALSE;
  if (o->classes != NULL)
    s->gen.classes = (size_t) i64;

  s->scale = NN_SCALE_STANDARD;
  if (o->scale != NULL && !nn_scale_kind_from_name (o->scale, &s->scale))
    return unknown_name ("--scale", o->scale, scale_name_cb, NN_SCALE_COUNT, 0, error);

  s->split = nn_split_params_default ();
  if (!opt_double ("--val-split", o->val_split, 0, 1, FALSE, TRUE, &s->split.val_fraction,
                   error)
      || !opt_double ("--test-split", o->test_split, 0, 1, FALSE, TRUE,
                      &s->split.test_fraction, error))
    return FALSE;
  if (s->split.val_fraction + s->split.test_fraction >= 1.0)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--val-split and --test-split "
                        "together must leave rows for training (%g + %g ≥ 1)",
                        s->split.val_fraction, s->split.test_fraction), FALSE;

  nn_model_spec_init (&s->spec);
  s->spec.loss = nn_generator_task (gen) == NN_TASK_REGRESSION ? NN_LOSS_MSE : NN_LOSS_CE;
  if (o->loss != NULL && !nn_loss_from_name (o->loss, &s->spec.loss))
    return unknown_name ("--loss", o->loss, loss_name_cb, NN_LOSS_COUNT, 0, error);
  s->loss_given = o->loss != NULL;
  s->default_layers = o->layers == NULL;
  if (o->layers != NULL && nn_model_spec_parse_layers (&s->spec, o->layers, &err) != NN_OK)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--layers: %s", err.msg), FALSE;
  if (o->init != NULL)
    {
      nn_init init;

      if (!nn_init_from_name (o->init, &init) || init == NN_INIT_AUTO)
        return unknown_name ("--init", o->init, init_name_cb, NN_INIT_COUNT, NN_INIT_DEFAULT,
                             error);
      nn_model_spec_set_default_init (&s->spec, init);
    }

  if (o->optimizer != NULL && !nn_optimizer_from_name (o->optimizer, &opt))
    return unknown_name ("--optimizer", o->optimizer, optimizer_name_cb, NN_OPT_COUNT, 0, error);
  *tp = nn_trainer_params_default ();
  tp->opt = nn_optimizer_params_default (opt);
  if (!only_for ("--momentum", o->momentum, opt, SGD_FAMILY | OPT_BIT (NN_OPT_RMSPROP),
                 "sgd, momentum, nesterov and rmsprop", error)
      || !only_for ("--dampening", o->dampening, opt, SGD_FAMILY, "sgd, momentum and nesterov",
                    error)
      || !only_for ("--nesterov", o->nesterov ? "" : NULL, opt, SGD_FAMILY,
                    "sgd, momentum and nesterov", error)
      || !only_for ("--beta1", o->beta1, opt, OPT_BIT (NN_OPT_ADAM) | OPT_BIT (NN_OPT_ADAMW),
                    "adam and adamw", error)
      || !only_for ("--beta2", o->beta2, opt, OPT_BIT (NN_OPT_ADAM) | OPT_BIT (NN_OPT_ADAMW),
                    "adam and adamw", error)
      || !only_for ("--eps", o->eps, opt, OPT_BIT (NN_OPT_ADAM) | OPT_BIT (NN_OPT_ADAMW)
                    | OPT_BIT (NN_OPT_RMSPROP) | OPT_BIT (NN_OPT_ADAGRAD),
                    "adam, adamw, rmsprop and adagrad", error)
      || !only_for ("--alpha", o->alpha, opt, OPT_BIT (NN_OPT_RMSPROP), "rmsprop", error))
    return FALSE;
  if (!opt_double ("--lr", o->lr, 0, INFINITY, TRUE, FALSE, &tp->opt.lr, error)
      || !opt_double ("--momentum", o->momentum, 0, 1, FALSE, TRUE, &tp->opt.momentum, error)
      || !opt_double ("--dampening", o->dampening, 0, 1, FALSE, FALSE, &tp->opt.dampening, error)
      || !opt_double ("--beta1", o->beta1, 0, 1, FALSE, TRUE, &tp->opt.beta1, error)
      || !opt_double ("--beta2", o->beta2, 0, 1, FALSE, TRUE, &tp->opt.beta2, error)
      || !opt_double ("--eps", o->eps, 0, INFINITY, FALSE, FALSE, &tp->opt.eps, error)
      || !opt_double ("--alpha", o->alpha, 0, 1, FALSE, FALSE, &tp->opt.alpha, error)
      || !opt_double ("--l2", o->l2, 0, INFINITY, FALSE, FALSE, &tp->opt.weight_decay, error)
      || !opt_double ("--l1", o->l1, 0, INFINITY, FALSE, FALSE, &tp->l1, error)
      || !opt_double ("--clip-norm", o->clip_norm, 0, INFINITY, TRUE, FALSE, &tp->clip_norm,
                      error)
      || !opt_double ("--clip-value", o->clip_value, 0, INFINITY, TRUE, FALSE, &tp->clip_value,
                      error))
    return FALSE;
  if (o->nesterov)
    {
      tp->opt.nesterov = TRUE;
      if (o->momentum == NULL && tp->opt.momentum == 0.0)
        tp->opt.momentum = 0.9;
    }
  if (tp->opt.nesterov && (tp->opt.momentum <= 0.0 || tp->opt.dampening != 0.0))
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--nesterov needs --momentum "
                        "above 0 and no --dampening"), FALSE;
  if (opt == NN_OPT_GD && o->batch != NULL)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--batch does not apply to gd, "
                        "which uses the whole training part in every step; use sgd for "
                        "mini-batches"), FALSE;
  if (!opt_int ("--batch", o->batch, 1, 1 << 24, &i64, error))
    return FALSE;
  if (o->batch != NULL)
    tp->batch = (size_t) i64;
  if (!opt_int ("--epochs", o->epochs, 1, 1000000, &i64, error))
    return FALSE;
  if (o->epochs != NULL)
    tp->epochs = (int) i64;
  if (!opt_int ("--seed", o->seed, 0, G_MAXINT64, &i64, error))
    return FALSE;
  if (o->seed != NULL)
    tp->seed = (uint64_t) i64;
  s->gen.seed = tp->seed;
  s->split.seed = tp->seed;
  tp->shuffle = !o->no_shuffle;
  tp->stats = !o->no_stats;

  if (o->schedule != NULL && !nn_schedule_from_name (o->schedule, &sched))
    return unknown_name ("--schedule", o->schedule, schedule_name_cb, NN_SCHEDULE_COUNT, 0, error);
  tp->schedule = nn_schedule_params_default (sched);
  if ((o->step_size != NULL && sched != NN_SCHEDULE_STEP)
      || (o->gamma != NULL && sched != NN_SCHEDULE_STEP && sched != NN_SCHEDULE_EXP
          && sched != NN_SCHEDULE_PLATEAU)
      || (o->min_lr != NULL && sched != NN_SCHEDULE_COSINE && sched != NN_SCHEDULE_PLATEAU)
      || (o->plateau_patience != NULL && sched != NN_SCHEDULE_PLATEAU))
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--step-size goes with "
                        "--schedule step, --gamma with step, exp and plateau, --min-lr with "
                        "cosine and plateau, --plateau-patience with plateau"), FALSE;
  if (!opt_int ("--step-size", o->step_size, 1, 1000000, &i64, error))
    return FALSE;
  if (o->step_size != NULL)
    tp->schedule.step_size = (int) i64;
  if (!opt_double ("--gamma", o->gamma, 0, 1, TRUE, sched == NN_SCHEDULE_PLATEAU, &v, error))
    return FALSE;
  if (o->gamma != NULL && sched == NN_SCHEDULE_PLATEAU)
    tp->schedule.factor = v;
  else if (o->gamma != NULL)
    tp->schedule.gamma = v;
  if (!opt_double ("--min-lr", o->min_lr, 0, INFINITY, FALSE, FALSE, &tp->schedule.min_lr,
                   error))
    return FALSE;
  if (!opt_int ("--plateau-patience", o->plateau_patience, 0, 1000000, &i64, error))
    return FALSE;
  if (o->plateau_patience != NULL)
    tp->schedule.patience = (int) i64;
  if (!opt_int ("--warmup", o->warmup, 0, G_MAXINT32, &i64, error))
    return FALSE;
  if (o->warmup != NULL)
    tp->schedule.warmup = (int) i64;
  if (!opt_int ("--early-stop", o->early_stop, 1, 1000000, &i64, error))
    return FALSE;
  if (o->early_stop != NULL)
    tp->early_stop = (int) i64;
  if (tp->early_stop > 0 && s->split.val_fraction == 0.0)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--early-stop watches the "
                        "validation loss; it needs --val-split above 0"), FALSE;

  s->threads = (int) g_get_num_processors ();
  if (!opt_int ("--threads", o->threads, 1, 1024, &i64, error))
    return FALSE;
  if (o->threads != NULL)
    s->threads = (int) i64;
  s->json = o->json;

  /* The engine's own checks back the ones above. */
  if (nn_trainer_params_check (tp, &err) != NN_OK)
    return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg), FALSE;
  return TRUE;
}

typedef struct
{
  const TrainSettings *s;
  gboolean             classification;
  double               started;
} RunContext;

static bool
on_epoch_cb (const nn_epoch_report *r,
             void                  *user)
{
  RunContext *ctx = user;

  if (ctx->s->json)
    {
      g_autoptr (GString) line = g_string_new ("{\"epoch\":");

      g_string_append_printf (line, "%d,\"train_loss\":", r->epoch);
      bp_json_number (line, r->train_loss);
      g_string_append (line, ",\"train_accuracy\":");
      bp_json_number (line, r->train_accuracy);
      g_string_append (line, ",\"val_loss\":");
      bp_json_number (line, r->val_loss);
      g_string_append (line, ",\"val_accuracy\":");
      bp_json_number (line, r->val_accuracy);
      g_string_append (line, ",\"lr\":");
      bp_json_number (line, r->lr);
      g_string_append (line, ",\"samples_per_s\":");
      bp_json_number (line, r->samples_per_s);
      g_string_append (line, ",\"seconds\":");
      bp_json_number (line, r->seconds);
      g_string_append (line, "}");
      printf ("%s\n", line->str);
    }
  else
    {
      char total[16];
      int width = snprintf (total, sizeof total, "%d", ctx->s->trainer.epochs);
      g_autoptr (GString) line = g_string_new (NULL);

      g_string_append_printf (line, "epoch %*d/%d  loss %.4f", width, r->epoch,
                              ctx->s->trainer.epochs, r->train_loss);
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
  return TRUE;
}

static void
print_divergence (const TrainSettings *s,
                  const nn_divergence *d,
                  double               lr)
{
  if (s->json)
    {
      g_autoptr (GString) line = g_string_new ("{\"diverged\":true,\"step\":");

      g_string_append_printf (line, "%" G_GUINT64_FORMAT ",\"epoch\":%d,\"layer\":", d->step,
                              d->epoch);
      if (d->op == SIZE_MAX)
        g_string_append (line, "null");
      else
        g_string_append_printf (line, "%zu", d->op);
      g_string_append (line, ",\"what\":");
      bp_json_string (line, d->what);
      g_string_append (line, ",\"lr\":");
      bp_json_number (line, lr);
      g_string_append (line, ",\"message\":");
      bp_json_string (line, d->message);
      g_string_append (line, "}");
      printf ("%s\n", line->str);
    }
  else
    printf ("diverged: %s.\nThe learning rate was %g; try one 10 times smaller, or clip the "
            "gradients (--clip-norm 1).\n", d->message, lr);
  fflush (stdout);
}

static void
print_class_results (const TrainSettings    *s,
                     const char             *part,
                     double                  loss,
                     const nn_class_metrics *cm,
                     const char             *state,
                     int                     epochs,
                     int                     best_epoch)
{
  if (s->json)
    {
      g_autoptr (GString) line = g_string_new ("{\"state\":");

      bp_json_string (line, state);
      g_string_append_printf (line, ",\"epochs\":%d,\"best_epoch\":%d,\"%s_loss\":", epochs,
                              best_epoch, part);
      bp_json_number (line, loss);
      g_string_append_printf (line, ",\"%s_accuracy\":", part);
      bp_json_number (line, cm->accuracy);
      g_string_append_printf (line, ",\"%s_macro_precision\":", part);
      bp_json_number (line, cm->macro_precision);
      g_string_append_printf (line, ",\"%s_macro_recall\":", part);
      bp_json_number (line, cm->macro_recall);
      g_string_append_printf (line, ",\"%s_macro_f1\":", part);
      bp_json_number (line, cm->macro_f1);
      g_string_append (line, "}");
      printf ("%s\n", line->str);
    }
  else
    {
      printf ("%s loss %.4f  macro precision %.4f  recall %.4f  F1 %.4f\n", part, loss,
              cm->macro_precision, cm->macro_recall, cm->macro_f1);
      printf ("%s accuracy %.2f%%\n", part, 100.0 * cm->accuracy);
    }
}

static void
print_regression_results (const TrainSettings         *s,
                          const char                  *part,
                          double                       loss,
                          const nn_regression_metrics *rm,
                          const char                  *state,
                          int                          epochs,
                          int                          best_epoch)
{
  if (s->json)
    {
      g_autoptr (GString) line = g_string_new ("{\"state\":");

      bp_json_string (line, state);
      g_string_append_printf (line, ",\"epochs\":%d,\"best_epoch\":%d,\"%s_loss\":", epochs,
                              best_epoch, part);
      bp_json_number (line, loss);
      g_string_append_printf (line, ",\"%s_mse\":", part);
      bp_json_number (line, rm->mse);
      g_string_append_printf (line, ",\"%s_mae\":", part);
      bp_json_number (line, rm->mae);
      g_string_append_printf (line, ",\"%s_r2\":", part);
      bp_json_number (line, rm->r2);
      g_string_append (line, "}");
      printf ("%s\n", line->str);
    }
  else
    {
      printf ("%s loss %.4f  MSE %.4g  MAE %.4g\n", part, loss, rm->mse, rm->mae);
      printf ("%s R² %.4f\n", part, rm->r2);
    }
}

/* Evaluates on @ds and prints the final results; returns FALSE (with the
 * message in @error) only when memory runs out. */
static gboolean
report_results (const TrainSettings *s,
                nn_model            *model,
                const nn_dataset    *ds,
                const char          *part,
                const char          *state,
                int                  epochs,
                int                  best_epoch,
                GError             **error)
{
  nn_error err = { 0 };
  double loss;

  if (ds->task == NN_TASK_CLASSIFICATION)
    {
      nn_class_metrics *cm = nn_class_metrics_new (ds->k, &err);

      if (cm == NULL || nn_evaluate (model, ds, &loss, cm, NULL, &err) != NN_OK)
        {
          nn_class_metrics_free (cm);
          return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg), FALSE;
        }
      nn_class_metrics_finish (cm);
      print_class_results (s, part, loss, cm, state, epochs, best_epoch);
      nn_class_metrics_free (cm);
    }
  else
    {
      nn_regression_metrics *rm = nn_regression_metrics_new (ds->k, &err);

      if (rm == NULL || nn_evaluate (model, ds, &loss, NULL, rm, &err) != NN_OK)
        {
          nn_regression_metrics_free (rm);
          return g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg), FALSE;
        }
      nn_regression_metrics_finish (rm);
      print_regression_results (s, part, loss, rm, state, epochs, best_epoch);
      nn_regression_metrics_free (rm);
    }
  return TRUE;
}

static void
print_ending (const TrainSettings *s,
              const nn_trainer    *trainer,
              nn_train_state       state,
              double               seconds)
{
  if (s->json)
    return;
  if (state == NN_TRAIN_EARLY_STOPPED)
    printf ("stopped early after epoch %d: no better validation loss for %d epochs; "
            "restored the weights of epoch %d\n", nn_trainer_get_epoch (trainer),
            s->trainer.early_stop, nn_trainer_best_epoch (trainer));
  else
    printf ("trained %d epochs (%" G_GUINT64_FORMAT " steps) in %.1f s\n",
            nn_trainer_get_epoch (trainer), nn_trainer_get_step (trainer), seconds);
}

static int
run_training (TrainSettings *s,
              GError       **error)
{
  nn_error err = { 0 };
  nn_dataset *data = NULL;
  nn_scaler *scaler = NULL;
  nn_model *model = NULL;
  nn_trainer *trainer = NULL;
  nn_split parts;
  nn_dataset train, val, test;
  nn_train_state state;
  RunContext ctx = { .s = s };
  int status = BP_EXIT_USAGE;
  size_t max_batch;
  gint64 started;

  nn_gemm_set_threads (s->threads);
  data = nn_generate (&s->gen, &err);
  if (data == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--data %s: %s",
                   nn_generator_name (s->gen.kind), err.msg);
      goto out;
    }
  if (nn_dataset_split (data, &s->split, &parts, &err) != NN_OK)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--val-split/--test-split: %s",
                   err.msg);
      goto out;
    }
  train = nn_dataset_view (data, 0, parts.train);
  val = nn_dataset_view (data, parts.train, parts.val);
  test = nn_dataset_view (data, parts.train + parts.val, parts.test);
  scaler = nn_scaler_fit (s->scale, &train, &err);
  if (scaler == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--scale: %s", err.msg);
      goto out;
    }
  nn_scaler_apply (scaler, data);

  s->spec.inputs = data->d;
  if (s->default_layers)
    {
      g_autofree char *layers = g_strdup_printf ("dense:32:relu,dense:32:relu,dense:%zu",
                                                 nn_loss_outputs (s->spec.loss, data->task,
                                                                  data->k));

      nn_model_spec_parse_layers (&s->spec, layers, NULL);
    }
  if (nn_model_spec_check (&s->spec, data->task, data->k, &err) != NN_OK)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s: %s",
                   s->default_layers ? "--loss" : "--layers", err.msg);
      goto out;
    }
  ctx.classification = data->task == NN_TASK_CLASSIFICATION;

  max_batch = s->trainer.opt.kind == NN_OPT_GD || s->trainer.batch > train.n
              ? train.n : s->trainer.batch;
  model = nn_model_new (&s->spec, max_batch, &err);
  if (model == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "--layers: %s", err.msg);
      goto out;
    }
  nn_model_init_params (model, s->trainer.seed);
  trainer = nn_trainer_new (model, &s->trainer, &train, &val, &err);
  if (trainer == NULL)
    {
      g_set_error (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, "%s", err.msg);
      goto out;
    }
  nn_trainer_set_callbacks (trainer, NULL, on_epoch_cb, &ctx);

  started = g_get_monotonic_time ();
  state = nn_trainer_run (trainer);
  if (state == NN_TRAIN_DIVERGED)
    {
      print_divergence (s, nn_trainer_get_divergence (trainer), nn_trainer_get_lr (trainer));
      status = BP_EXIT_FAILED;
      goto out;
    }
  print_ending (s, trainer, state, (double) (g_get_monotonic_time () - started) / 1e6);
  if (!report_results (s, model, test.n > 0 ? &test : val.n > 0 ? &val : &train,
                       test.n > 0 ? "test" : val.n > 0 ? "val" : "train",
                       nn_train_state_name (state), nn_trainer_get_epoch (trainer),
                       nn_trainer_best_epoch (trainer), error))
    goto out;
  status = BP_EXIT_OK;

out:
  fflush (stdout);
  nn_trainer_free (trainer);
  nn_model_free (model);
  nn_scaler_free (scaler);
  nn_dataset_free (data);
  return status;
}

int
bp_cli_train (int    argc,
              char **argv)
{
  g_auto (TrainOptions) o = { 0 };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  TrainSettings settings;
  int status;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_STRING, &o.data, "Data set: spiral moons circles xor "
      "gaussians sine plane (default spiral)", "NAME" },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &o.samples, "Rows to generate", "N" },
    { "noise", 0, 0, G_OPTION_ARG_STRING, &o.noise, "Noise of the generated data", "X" },
    { "classes", 0, 0, G_OPTION_ARG_STRING, &o.classes, "Classes of spiral and gaussians "
      "(default 3)", "K" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &o.scale, "Feature scaling fitted on the training "
      "part: none standard minmax (default standard)", "KIND" },
    { "val-split", 0, 0, G_OPTION_ARG_STRING, &o.val_split, "Validation fraction (default 0.2)",
      "F" },
    { "test-split", 0, 0, G_OPTION_ARG_STRING, &o.test_split, "Test fraction (default 0.2)",
      "F" },
    { "layers", 0, 0, G_OPTION_ARG_STRING, &o.layers, "Layers, e.g. "
      "dense:64:relu,dropout:0.2,batchnorm,dense:3 (default two dense:32:relu)", "LIST" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &o.loss, "Loss: ce bce mse (default ce, or mse for "
      "regression)", "NAME" },
    { "init", 0, 0, G_OPTION_ARG_STRING, &o.init, "Initialiser of dense layers without their "
      "own: default xavier_uniform xavier_normal he_uniform he_normal lecun_normal zeros",
      "NAME" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &o.optimizer, "gd sgd momentum nesterov adam "
      "adamw rmsprop adagrad (default adam)", "NAME" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &o.lr, "Learning rate (default torch's: 1e-3, 1e-2 for "
      "rmsprop and adagrad)", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_STRING, &o.momentum, "Momentum (sgd family, rmsprop)",
      "X" },
    { "dampening", 0, 0, G_OPTION_ARG_STRING, &o.dampening, "Momentum dampening (sgd family)",
      "X" },
    { "nesterov", 0, 0, G_OPTION_ARG_NONE, &o.nesterov, "Nesterov momentum (sgd family)", NULL },
    { "beta1", 0, 0, G_OPTION_ARG_STRING, &o.beta1, "Adam β₁ (default 0.9)", "X" },
    { "beta2", 0, 0, G_OPTION_ARG_STRING, &o.beta2, "Adam β₂ (default 0.999)", "X" },
    { "eps", 0, 0, G_OPTION_ARG_STRING, &o.eps, "ε of adam, adamw, rmsprop, adagrad", "X" },
    { "alpha", 0, 0, G_OPTION_ARG_STRING, &o.alpha, "RMSprop smoothing α (default 0.99)", "X" },
    { "batch", 0, 0, G_OPTION_ARG_STRING, &o.batch, "Rows per step (default 32)", "N" },
    { "epochs", 0, 0, G_OPTION_ARG_STRING, &o.epochs, "Epochs (default 100)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed, "Seed of data, split, weights, shuffling and "
      "dropout (default 1)", "N" },
    { "l1", 0, 0, G_OPTION_ARG_STRING, &o.l1, "L1 penalty on weights", "X" },
    { "l2", 0, 0, G_OPTION_ARG_STRING, &o.l2, "L2 penalty on weights (torch's weight_decay; "
      "decoupled for adamw, default 0.01 there)", "X" },
    { "clip-norm", 0, 0, G_OPTION_ARG_STRING, &o.clip_norm, "Clip gradients to this global "
      "norm", "X" },
    { "clip-value", 0, 0, G_OPTION_ARG_STRING, &o.clip_value, "Clip each gradient to ±X", "X" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &o.schedule, "Learning-rate schedule: constant "
      "step exp cosine plateau", "NAME" },
    { "step-size", 0, 0, G_OPTION_ARG_STRING, &o.step_size, "Epochs between step decays "
      "(default 10)", "N" },
    { "gamma", 0, 0, G_OPTION_ARG_STRING, &o.gamma, "Decay factor of step (0.1), exp (0.95) "
      "and plateau (0.1)", "X" },
    { "min-lr", 0, 0, G_OPTION_ARG_STRING, &o.min_lr, "Lowest rate of cosine and plateau", "X" },
    { "plateau-patience", 0, 0, G_OPTION_ARG_STRING, &o.plateau_patience, "Epochs without "
      "improvement before plateau cuts the rate (default 10)", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_STRING, &o.warmup, "Linear warm-up over N steps", "N" },
    { "early-stop", 0, 0, G_OPTION_ARG_STRING, &o.early_stop, "Stop after N epochs without a "
      "better validation loss, keeping the best weights", "N" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &o.threads, "BLAS threads (default: all cores)",
      "N" },
    { "no-shuffle", 0, 0, G_OPTION_ARG_NONE, &o.no_shuffle, "Keep the training rows in order",
      NULL },
    { "no-stats", 0, 0, G_OPTION_ARG_NONE, &o.no_stats, "Skip activation statistics and "
      "histograms (for benchmarks)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "One JSON object per line", NULL },
    { NULL }
  };

  context = g_option_context_new ("- train a network headless");
  g_option_context_set_summary (context, "Trains a network on a data set and prints one line "
                                "per epoch and the test metrics.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_autofree char *msg = g_strdup_printf ("train: %s (see backprop train --help)",
                                              error->message);
      bp_cli_print_error (msg);
      return BP_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_autofree char *msg = g_strdup_printf ("train: unexpected argument '%s' (options start "
                                              "with --)", argv[1]);
      bp_cli_print_error (msg);
      return BP_EXIT_USAGE;
    }
  if (!settings_from_options (&o, &settings, &error))
    {
      g_autofree char *msg = g_strdup_printf ("train: %s", error->message);
      bp_cli_print_error (msg);
      return BP_EXIT_USAGE;
    }
  status = run_training (&settings, &error);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_printf ("train: %s", error->message);
      bp_cli_print_error (msg);
    }
  return status;
}
