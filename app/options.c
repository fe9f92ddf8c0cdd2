/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "options.h"

#include <math.h>
#include <string.h>

#include "cli.h"
#include "gemm.h"

void
bp_options_clear (BpOptions *o)
{
  char **strings[] = {
    &o->data, &o->samples, &o->noise, &o->classes, &o->scale, &o->val_split, &o->test_split,
    &o->header, &o->delimiter, &o->label_column, &o->target_columns, &o->task, &o->missing,
    &o->layers, &o->loss, &o->init, &o->optimizer, &o->lr, &o->momentum, &o->dampening,
    &o->beta1, &o->beta2, &o->eps, &o->alpha, &o->batch, &o->epochs, &o->l1, &o->l2,
    &o->clip_norm, &o->clip_value, &o->schedule, &o->step_size, &o->gamma, &o->min_lr,
    &o->plateau_patience, &o->warmup, &o->early_stop, &o->seed, &o->threads, &o->project,
    &o->save, &o->init_weights, &o->metrics_csv, &o->rows, &o->tolerance,
  };

  for (size_t i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
}

#define STR(long_name, field, help, arg) \
  { long_name, 0, 0, G_OPTION_ARG_STRING, &o->field, help, arg }
#define FLAG(long_name, field, help) \
  { long_name, 0, 0, G_OPTION_ARG_NONE, &o->field, help, NULL }

void
bp_options_add_entries (GOptionContext *context,
                        BpOptions      *o,
                        BpOptionGroups  groups)
{
  const GOptionEntry data[] = {
    STR ("data", data, "Data: spiral moons circles xor gaussians sine plane, fashion-mnist, "
         "mnist, a CSV file or an IDX folder (default spiral)", "NAME|PATH"),
    STR ("samples", samples, "Rows to generate (built-in sets)", "N"),
    STR ("noise", noise, "Noise of the generated data", "X"),
    STR ("classes", classes, "Classes of spiral and gaussians (default 3)", "K"),
    STR ("header", header, "CSV: the first row is a header: yes no auto (default auto)",
         "WHEN"),
    STR ("delimiter", delimiter, "CSV: , ; tab or auto (default auto)", "CHAR"),
    STR ("label-column", label_column, "CSV: the label column, by name, 1-based index or "
         "negative index from the end (default the last)", "COLUMN"),
    STR ("target-columns", target_columns, "CSV, regression: comma list of target columns",
         "LIST"),
    STR ("task", task, "CSV: classification regression auto (default auto: string labels or "
         "few distinct integers are classes)", "TASK"),
    STR ("missing", missing, "CSV: what to do with missing cells: error drop mean (default "
         "error)", "HOW"),
    STR ("scale", scale, "Feature scaling fitted on the training part: none standard minmax "
         "(default standard)", "KIND"),
    STR ("val-split", val_split, "Validation fraction (default 0.2)", "F"),
    STR ("test-split", test_split, "Test fraction (default 0.2; IDX sets bring their own)",
         "F"),
    { NULL }
  };
  const GOptionEntry model[] = {
    STR ("layers", layers, "Layers, e.g. dense:64:relu,dropout:0.2,batchnorm,dense:3 "
         "(default two dense:32:relu and the output layer)", "LIST"),
    STR ("loss", loss, "Loss: ce bce mse (default ce, or mse for regression)", "NAME"),
    STR ("init", init, "Initialiser of dense layers without their own: default "
         "xavier_uniform xavier_normal he_uniform he_normal lecun_normal zeros", "NAME"),
    { NULL }
  };
  const GOptionEntry training[] = {
    STR ("optimizer", optimizer, "gd sgd momentum nesterov adam adamw rmsprop adagrad "
         "(default adam)", "NAME"),
    STR ("lr", lr, "Learning rate (default torch's: 1e-3, 1e-2 for rmsprop and adagrad)", "X"),
    STR ("momentum", momentum, "Momentum (sgd family, rmsprop)", "X"),
    STR ("dampening", dampening, "Momentum dampening (sgd family)", "X"),
    FLAG ("nesterov", nesterov, "Nesterov momentum (sgd family)"),
    STR ("beta1", beta1, "Adam β₁ (default 0.9)", "X"),
    STR ("beta2", beta2, "Adam β₂ (default 0.999)", "X"),
    STR ("eps", eps, "ε of adam, adamw, rmsprop, adagrad", "X"),
    STR ("alpha", alpha, "RMSprop smoothing α (default 0.99)", "X"),
    STR ("batch", batch, "Rows per step (default 32)", "N"),
    STR ("epochs", epochs, "Epochs (default 100)", "N"),
    STR ("l1", l1, "L1 penalty on weights", "X"),
    STR ("l2", l2, "L2 penalty on weights (torch's weight_decay; decoupled for adamw, "
         "default 0.01 there)", "X"),
    STR ("clip-norm", clip_norm, "Clip gradients to this global norm", "X"),
    STR ("clip-value", clip_value, "Clip each gradient to ±X", "X"),
    STR ("schedule", schedule, "Learning-rate schedule: constant step exp cosine plateau",
         "NAME"),
    STR ("step-size", step_size, "Epochs between step decays (default 10)", "N"),
    STR ("gamma", gamma, "Decay factor of step (0.1), exp (0.95) and plateau (0.1)", "X"),
    STR ("min-lr", min_lr, "Lowest rate of cosine and plateau", "X"),
    STR ("plateau-patience", plateau_patience, "Epochs without improvement before plateau "
         "cuts the rate (default 10)", "N"),
    STR ("warmup", warmup, "Linear warm-up over N steps", "N"),
    STR ("early-stop", early_stop, "Stop after N epochs without a better validation loss, "
         "keeping the best weights", "N"),
    FLAG ("no-shuffle", no_shuffle, "Keep the training rows in order"),
    FLAG ("no-stats", no_stats, "Skip activation statistics and histograms (for benchmarks)"),
    { NULL }
  };
  const GOptionEntry project[] = {
    STR ("project", project, "A project file to start from (options given here override it)",
         "NAME.json"),
    { NULL }
  };
  const GOptionEntry save[] = {
    STR ("save", save, "Save the project file and NAME.safetensors beside it", "NAME.json"),
    STR ("init-weights", init_weights, "Start from these weights", "FILE.safetensors"),
    STR ("metrics-csv", metrics_csv, "Write one row per epoch with every metric", "FILE"),
    { NULL }
  };
  const GOptionEntry gradcheck[] = {
    STR ("rows", rows, "Rows of the batch checked (default 16)", "N"),
    STR ("tolerance", tolerance, "Largest relative error that passes (default 0.01)", "X"),
    { NULL }
  };
  const GOptionEntry common[] = {
    STR ("seed", seed, "Seed of data, split, weights, shuffling and dropout (default 1)", "N"),
    STR ("threads", threads, "BLAS threads (default: all cores)", "N"),
    FLAG ("json", json, "One JSON object per line"),
    { NULL }
  };

  if (groups & BP_OPTIONS_PROJECT)
    g_option_context_add_main_entries (context, project, NULL);
  if (groups & BP_OPTIONS_DATA)
    g_option_context_add_main_entries (context, data, NULL);
  if (groups & BP_OPTIONS_MODEL)
    g_option_context_add_main_entries (context, model, NULL);
  if (groups & BP_OPTIONS_TRAINING)
    g_option_context_add_main_entries (context, training, NULL);
  if (groups & BP_OPTIONS_SAVE)
    g_option_context_add_main_entries (context, save, NULL);
  if (groups & BP_OPTIONS_GRADCHECK)
    g_option_context_add_main_entries (context, gradcheck, NULL);
  if (groups & BP_OPTIONS_COMMON)
    g_option_context_add_main_entries (context, common, NULL);
}

gboolean
bp_options_parse (GOptionContext *context,
                  const char     *name,
                  int            *argc,
                  char         ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_autofree char *msg = g_strdup_printf ("%s: %s (see backprop %s --help)", name,
                                              error->message, name);
      bp_cli_print_error (msg);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_autofree char *msg = g_strdup_printf ("%s: unexpected argument '%s' (options start "
                                              "with --)", name, (*argv)[1]);
      bp_cli_print_error (msg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
usage (GError    **error,
       const char *fmt,
       ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage (GError    **error,
       const char *fmt,
       ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, BP_CLI_ERROR, BP_CLI_ERROR_USAGE, msg);
  return FALSE;
}

typedef const char *(*name_fn) (int);

static gboolean
unknown_name (const char  *option,
              const char  *value,
              name_fn      name,
              int          count,
              int          first,
              GError     **error)
{
  g_autoptr (GString) list = g_string_new (NULL);

  for (int i = first; i < count; i++)
    g_string_append_printf (list, "%s%s", i > first ? ", " : "", name (i));
  return usage (error, "%s: unknown value '%s'; use one of %s", option, value, list->str);
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
choice (const char         *option,
        const char         *text,
        const char *const  *names,
        int                *out,
        GError            **error)
{
  g_autofree char *list = NULL;

  if (text == NULL)
    return TRUE;
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp (text, names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  list = g_strjoinv (", ", (char **) names);
  return usage (error, "%s: unknown value '%s'; use one of %s", option, text, list);
}

gboolean
bp_options_apply_data (const BpOptions *o,
                       nn_data_source  *src,
                       GError         **error)
{
  static const char *const headers[] = { "auto", "no", "yes", NULL };
  static const char *const tasks[] = { "auto", "classification", "regression", NULL };
  static const char *const missing[] = { "error", "drop", "mean", NULL };
  static const char *const delimiters[] = { "auto", ",", ";", "tab", NULL };
  gboolean builtin, csv;
  nn_error err = { 0 };
  gint64 i64;
  int pick;

  if (o->data != NULL && nn_data_source_set (src, o->data, &err) != NN_OK)
    return usage (error, "--data: %s", err.msg);
  builtin = src->kind == NN_SOURCE_BUILTIN;
  csv = src->kind == NN_SOURCE_CSV;
  if (!builtin && (o->samples || o->noise || o->classes))
    return usage (error, "--%s applies to the built-in data sets, not to %s",
                  o->samples ? "samples" : o->noise ? "noise" : "classes", src->name);
  if (!csv && (o->header || o->delimiter || o->label_column || o->target_columns || o->task
               || o->missing))
    return usage (error, "--%s applies to CSV files, not to %s",
                  o->header ? "header" : o->delimiter ? "delimiter" : o->label_column
                  ? "label-column" : o->target_columns ? "target-columns" : o->task ? "task"
                  : "missing", src->name);
  if (builtin)
    {
      nn_generator gen = src->generate.kind;

      if (!opt_int ("--samples", o->samples, 1, 10000000, &i64, error))
        return FALSE;
      if (o->samples != NULL)
        src->generate.samples = (size_t) i64;
      if (!opt_double ("--noise", o->noise, 0, 100, FALSE, FALSE, &src->generate.noise, error))
        return FALSE;
      if (o->classes != NULL && gen != NN_GEN_SPIRAL && gen != NN_GEN_GAUSSIANS)
        return usage (error, "--classes applies to the spiral and gaussians data sets, not to "
                      "%s", nn_generator_name (gen));
      if (!opt_int ("--classes", o->classes, 2, 64, &i64, error))
        return FALSE;
      if (o->classes != NULL)
        src->generate.classes = (size_t) i64;
      if (nn_generator_task (gen) == NN_TASK_CLASSIFICATION)
        {
          size_t k = gen == NN_GEN_SPIRAL || gen == NN_GEN_GAUSSIANS ? src->generate.classes : 2;

          if (src->generate.samples < k)
            return usage (error, "--samples: %s with %zu classes needs at least %zu rows, one "
                          "per class", nn_generator_name (gen), k, k);
        }
    }
  else if (o->data != NULL && o->data[0] != '/' && strchr (o->data, '/') == NULL
           && !g_file_test (o->data, G_FILE_TEST_EXISTS) && src->kind == NN_SOURCE_CSV)
    {
      g_autoptr (GString) list = g_string_new (NULL);

      for (int i = 0; i < NN_GEN_COUNT; i++)
        g_string_append_printf (list, "%s, ", generator_name_cb (i));
      return usage (error, "--data: '%s' is neither a file nor a data set; use %sfashion-mnist, "
                    "mnist, a CSV file or an IDX folder", o->data, list->str);
    }
  if (csv)
    {
      pick = src->csv.header + 1;
      if (!choice ("--header", o->header, headers, &pick, error))
        return FALSE;
      src->csv.header = pick - 1;
      pick = src->csv.task;
      if (!choice ("--task", o->task, tasks, &pick, error))
        return FALSE;
      src->csv.task = (nn_csv_task) pick;
      pick = src->csv.missing;
      if (!choice ("--missing", o->missing, missing, &pick, error))
        return FALSE;
      src->csv.missing = (nn_missing) pick;
      pick = 0;
      if (!choice ("--delimiter", o->delimiter, delimiters, &pick, error))
        return FALSE;
      if (o->delimiter != NULL)
        src->csv.delimiter = "\0,;\t"[pick];
      if (o->label_column != NULL || o->target_columns != NULL)
        nn_data_source_set_columns (src, o->label_column ? o->label_column : src->label_column,
                                    o->target_columns ? o->target_columns
                                    : src->target_columns);
      if (o->target_columns != NULL && src->csv.task == NN_CSV_TASK_CLASSIFICATION)
        return usage (error, "--target-columns names regression targets; it does not go with "
                      "--task classification");
      if (o->target_columns != NULL)
        src->csv.task = NN_CSV_TASK_REGRESSION;
    }
  if (o->scale != NULL && !nn_scale_kind_from_name (o->scale, &src->scale))
    return unknown_name ("--scale", o->scale, scale_name_cb, NN_SCALE_COUNT, 0, error);
  if (!opt_double ("--val-split", o->val_split, 0, 1, FALSE, TRUE, &src->split.val_fraction,
                   error)
      || !opt_double ("--test-split", o->test_split, 0, 1, FALSE, TRUE,
                      &src->split.test_fraction, error))
    return FALSE;
  if (src->split.val_fraction + src->split.test_fraction >= 1.0)
    return usage (error, "--val-split and --test-split together must leave rows for training "
                  "(%g + %g ≥ 1)", src->split.val_fraction, src->split.test_fraction);
  if (!opt_int ("--seed", o->seed, 0, G_MAXINT64, &i64, error))
    return FALSE;
  if (o->seed != NULL)
    {
      src->generate.seed = (uint64_t) i64;
      src->split.seed = (uint64_t) i64;
    }
  return TRUE;
}

gboolean
bp_options_apply_model (const BpOptions *o,
                        nn_model_spec   *spec,
                        GError         **error)
{
  nn_error err = { 0 };

  if (o->loss != NULL && !nn_loss_from_name (o->loss, &spec->loss))
    return unknown_name ("--loss", o->loss, loss_name_cb, NN_LOSS_COUNT, 0, error);
  if (o->layers != NULL && nn_model_spec_parse_layers (spec, o->layers, &err) != NN_OK)
    return usage (error, "--layers: %s", err.msg);
  if (o->init != NULL)
    {
      nn_init init;

      if (!nn_init_from_name (o->init, &init) || init == NN_INIT_AUTO)
        return unknown_name ("--init", o->init, init_name_cb, NN_INIT_COUNT, NN_INIT_DEFAULT,
                             error);
      nn_model_spec_set_default_init (spec, init);
    }
  return TRUE;
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
  return usage (error, "%s applies to %s, not to the %s optimizer", option, which,
                nn_optimizer_name (kind));
}

#define OPT_BIT(k) (1u << (k))
#define SGD_FAMILY (OPT_BIT (NN_OPT_SGD) | OPT_BIT (NN_OPT_MOMENTUM) | OPT_BIT (NN_OPT_NESTEROV))
#define ADAMS (OPT_BIT (NN_OPT_ADAM) | OPT_BIT (NN_OPT_ADAMW))

gboolean
bp_options_apply_training (const BpOptions   *o,
                           nn_trainer_params *tp,
                           GError           **error)
{
  nn_optimizer opt = tp->opt.kind;
  nn_schedule_kind sched = tp->schedule.kind;
  nn_error err = { 0 };
  gint64 i64;
  double v;

  if (o->optimizer != NULL && !nn_optimizer_from_name (o->optimizer, &opt))
    return unknown_name ("--optimizer", o->optimizer, optimizer_name_cb, NN_OPT_COUNT, 0, error);
  /* Another optimizer starts from its own defaults, the rate included. */
  if (opt != tp->opt.kind)
    tp->opt = nn_optimizer_params_default (opt);
  if (!only_for ("--momentum", o->momentum, opt, SGD_FAMILY | OPT_BIT (NN_OPT_RMSPROP),
                 "sgd, momentum, nesterov and rmsprop", error)
      || !only_for ("--dampening", o->dampening, opt, SGD_FAMILY, "sgd, momentum and nesterov",
                    error)
      || !only_for ("--nesterov", o->nesterov ? "" : NULL, opt, SGD_FAMILY,
                    "sgd, momentum and nesterov", error)
      || !only_for ("--beta1", o->beta1, opt, ADAMS, "adam and adamw", error)
      || !only_for ("--beta2", o->beta2, opt, ADAMS, "adam and adamw", error)
      || !only_for ("--eps", o->eps, opt, ADAMS | OPT_BIT (NN_OPT_RMSPROP)
                    | OPT_BIT (NN_OPT_ADAGRAD), "adam, adamw, rmsprop and adagrad", error)
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
    return usage (error, "--nesterov needs --momentum above 0 and no --dampening");
  if (opt == NN_OPT_GD && o->batch != NULL)
    return usage (error, "--batch does not apply to gd, which uses the whole training part in "
                  "every step; use sgd for mini-batches");
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
  if (o->no_shuffle)
    tp->shuffle = FALSE;
  if (o->no_stats)
    tp->stats = FALSE;

  if (o->schedule != NULL && !nn_schedule_from_name (o->schedule, &sched))
    return unknown_name ("--schedule", o->schedule, schedule_name_cb, NN_SCHEDULE_COUNT, 0,
                         error);
  if (sched != tp->schedule.kind)
    {
      int warmup = tp->schedule.warmup;

      tp->schedule = nn_schedule_params_default (sched);
      tp->schedule.warmup = warmup;
    }
  if ((o->step_size != NULL && sched != NN_SCHEDULE_STEP)
      || (o->gamma != NULL && sched != NN_SCHEDULE_STEP && sched != NN_SCHEDULE_EXP
          && sched != NN_SCHEDULE_PLATEAU)
      || (o->min_lr != NULL && sched != NN_SCHEDULE_COSINE && sched != NN_SCHEDULE_PLATEAU)
      || (o->plateau_patience != NULL && sched != NN_SCHEDULE_PLATEAU))
    return usage (error, "--step-size goes with --schedule step, --gamma with step, exp and "
                  "plateau, --min-lr with cosine and plateau, --plateau-patience with plateau");
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

  /* The engine's own checks back the ones above. */
  if (nn_trainer_params_check (tp, &err) != NN_OK)
    return usage (error, "%s", err.msg);
  return TRUE;
}

gboolean
bp_options_apply_threads (const BpOptions *o,
                          GError         **error)
{
  gint64 threads = g_get_num_processors ();

  if (!opt_int ("--threads", o->threads, 1, 1024, &threads, error))
    return FALSE;
  nn_gemm_set_threads ((int) threads);
  return TRUE;
}

void
bp_options_default_layers (nn_model_spec *spec,
                           nn_task        task,
                           size_t         k)
{
  g_autofree char *layers = g_strdup_printf ("dense:32:relu,dense:32:relu,dense:%zu",
                                             nn_loss_outputs (spec->loss, task, k));

  nn_model_spec_parse_layers (spec, layers, NULL);
}
