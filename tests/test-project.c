/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Project files and weights: what is saved reads back exactly, and every
 * kind of malformed or hostile file is refused with a message that names
 * the field or tensor, leaving nothing half-loaded. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "diagnose.h"
#include "history.h"
#include "project.h"
#include "safetensors.h"

static char *
data_path (const char *dir,
           const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", dir, name, NULL);
}

static nn_model *
small_model (void)
{
  nn_model_spec spec;
  nn_model *m;

  nn_model_spec_init (&spec);
  spec.inputs = 2;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:4:relu,dense:3", NULL), ==, NN_OK);
  m = nn_model_new (&spec, 8, NULL);
  nn_model_init_params (m, 3);
  return m;
}

/* Everything a project holds comes back exactly, floats included. */
static void
test_round_trip (void)
{
  g_autoptr (BpProject) p = bp_project_new ();
  g_autoptr (BpProject) q = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bp-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autofree char *weights = g_build_filename (dir, "run.safetensors", NULL);
  const float offset[] = { 0.1f, -3.25e-7f, 12345.678f }, factor[] = { 1.0f / 3, 2.5f, 7e-3f };
  const float means[] = { 0.3f, 1e-20f, -2.0f };
  BpRunEpoch rec = { 1, 0.9, 0.5, 1.1, NAN, 1e-3, 1234.5, 0.25 };
  nn_model *m, *m2;

  g_assert_cmpint (nn_data_source_set (&p->data, "/data/housing θ.csv", NULL), ==, NN_OK);
  g_assert_cmpint (p->data.kind, ==, NN_SOURCE_CSV);
  p->data.csv.header = 1;
  p->data.csv.delimiter = ';';
  p->data.csv.task = NN_CSV_TASK_CLASSIFICATION;
  p->data.csv.missing = NN_MISSING_MEAN;
  nn_data_source_set_columns (&p->data, "kind", "");
  p->data.split.val_fraction = 0.15;
  p->data.split.test_fraction = 0.1;
  p->data.split.seed = 99;
  p->data.scale = NN_SCALE_MINMAX;
  p->task = NN_TASK_CLASSIFICATION;
  p->k = 3;
  p->class_names = g_new0 (char *, 3);
  p->class_names[0] = g_strdup ("a \"quoted\" name");
  p->class_names[1] = g_strdup ("Ünïcode ✓");
  p->class_names[2] = g_strdup ("tab\there");
  p->spec.inputs = 3;
  p->spec.loss = NN_LOSS_CE;
  g_assert_cmpint (nn_model_spec_parse_layers (&p->spec, "dense:5:gelu:he_uniform,dropout:0.1,"
                                                "batchnorm,tanh,dense:3::lecun_normal", NULL),
                   ==, NN_OK);
  p->scaler = nn_scaler_new_from (NN_SCALE_MINMAX, 3, offset, factor, NULL);
  p->fill_means = g_memdup2 (means, sizeof means);
  p->training.opt = nn_optimizer_params_default (NN_OPT_RMSPROP);
  p->training.opt.lr = 0.0123;
  p->training.opt.momentum = 0.3;
  p->training.opt.alpha = 0.95;
  p->training.batch = 17;
  p->training.epochs = 7;
  p->training.shuffle = FALSE;
  p->training.seed = 12345678901234ULL;
  p->training.l1 = 1e-5;
  p->training.clip_norm = 2.5;
  p->training.early_stop = 4;
  p->training.schedule = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p->training.schedule.factor = 0.3;
  p->training.schedule.warmup = 10;
  p->run_state = g_strdup ("early-stopped");
  p->run_epochs = 9;
  p->run_steps = 90;
  p->best_epoch = 5;
  p->run_seconds = 1.5;
  p->test_part = g_strdup ("test");
  p->test_loss = 0.4;
  p->test_accuracy = 0.875;
  p->test_macro_f1 = 0.8;
  g_array_append_val (p->history, rec);

  m = nn_model_new (&p->spec, 4, NULL);
  g_assert_nonnull (m);
  nn_model_init_params (m, 5);
  g_assert_true (bp_project_save (p, path, m, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (weights, G_FILE_TEST_EXISTS));

  q = bp_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (q->data.kind, ==, NN_SOURCE_CSV);
  g_assert_cmpstr (q->data.name, ==, "/data/housing θ.csv");
  g_assert_cmpint (q->data.csv.header, ==, 1);
  g_assert_cmpint (q->data.csv.delimiter, ==, ';');
  g_assert_cmpint (q->data.csv.task, ==, NN_CSV_TASK_CLASSIFICATION);
  g_assert_cmpint (q->data.csv.missing, ==, NN_MISSING_MEAN);
  g_assert_cmpstr (q->data.label_column, ==, "kind");
  g_assert_cmpfloat (q->data.split.val_fraction, ==, 0.15);
  g_assert_cmpfloat (q->data.split.test_fraction, ==, 0.1);
  g_assert_cmpuint (q->data.split.seed, ==, 99);
  g_assert_cmpint (q->data.scale, ==, NN_SCALE_MINMAX);
  g_assert_cmpuint (q->k, ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpstr (q->class_names[i], ==, p->class_names[i]);
  g_assert_cmpmem (q->scaler->offset, sizeof offset, offset, sizeof offset);
  g_assert_cmpmem (q->scaler->factor, sizeof factor, factor, sizeof factor);
  g_assert_cmpmem (q->fill_means, sizeof means, means, sizeof means);
  g_assert_cmpmem (&q->spec, sizeof q->spec, &p->spec, sizeof p->spec);
  /* Field by field: the structs have padding. */
  g_assert_cmpint (q->training.opt.kind, ==, p->training.opt.kind);
  g_assert_cmpfloat (q->training.opt.lr, ==, p->training.opt.lr);
  g_assert_cmpfloat (q->training.opt.momentum, ==, p->training.opt.momentum);
  g_assert_cmpfloat (q->training.opt.dampening, ==, p->training.opt.dampening);
  g_assert_cmpint (q->training.opt.nesterov, ==, p->training.opt.nesterov);
  g_assert_cmpfloat (q->training.opt.beta1, ==, p->training.opt.beta1);
  g_assert_cmpfloat (q->training.opt.beta2, ==, p->training.opt.beta2);
  g_assert_cmpfloat (q->training.opt.eps, ==, p->training.opt.eps);
  g_assert_cmpfloat (q->training.opt.alpha, ==, p->training.opt.alpha);
  g_assert_cmpfloat (q->training.opt.weight_decay, ==, p->training.opt.weight_decay);
  g_assert_cmpfloat (q->training.opt.lr_decay, ==, p->training.opt.lr_decay);
  g_assert_cmpfloat (q->training.opt.initial_accumulator, ==,
                     p->training.opt.initial_accumulator);
  g_assert_cmpint (q->training.schedule.kind, ==, p->training.schedule.kind);
  g_assert_cmpint (q->training.schedule.step_size, ==, p->training.schedule.step_size);
  g_assert_cmpfloat (q->training.schedule.gamma, ==, p->training.schedule.gamma);
  g_assert_cmpint (q->training.schedule.t_max, ==, p->training.schedule.t_max);
  g_assert_cmpfloat (q->training.schedule.min_lr, ==, p->training.schedule.min_lr);
  g_assert_cmpfloat (q->training.schedule.factor, ==, p->training.schedule.factor);
  g_assert_cmpint (q->training.schedule.patience, ==, p->training.schedule.patience);
  g_assert_cmpfloat (q->training.schedule.threshold, ==, p->training.schedule.threshold);
  g_assert_cmpint (q->training.schedule.cooldown, ==, p->training.schedule.cooldown);
  g_assert_cmpint (q->training.schedule.warmup, ==, p->training.schedule.warmup);
  g_assert_cmpuint (q->training.batch, ==, 17);
  g_assert_cmpint (q->training.epochs, ==, 7);
  g_assert_false (q->training.shuffle);
  g_assert_cmpuint (q->training.seed, ==, 12345678901234ULL);
  g_assert_cmpfloat (q->training.l1, ==, 1e-5);
  g_assert_cmpfloat (q->training.clip_norm, ==, 2.5);
  g_assert_cmpint (q->training.early_stop, ==, 4);
  g_assert_cmpstr (q->run_state, ==, "early-stopped");
  g_assert_cmpint (q->best_epoch, ==, 5);
  g_assert_cmpfloat (q->test_accuracy, ==, 0.875);
  g_assert_cmpuint (q->history->len, ==, 1);
  g_assert_cmpfloat (g_array_index (q->history, BpRunEpoch, 0).train_loss, ==, 0.9);
  g_assert_true (isnan (g_array_index (q->history, BpRunEpoch, 0).val_accuracy));
  g_assert_cmpstr (q->weights, ==, weights);

  /* The weights, batch-norm statistics included, read back bit for bit. */
  m2 = nn_model_new (&q->spec, 4, NULL);
  g_assert_true (bp_project_load_weights (q->weights, m2, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (nn_model_params (m2), nn_model_n_params (m2) * sizeof (float),
                   nn_model_params (m), nn_model_n_params (m) * sizeof (float));
  g_assert_cmpmem (nn_model_buffers (m2), nn_model_n_buffers (m2) * sizeof (float),
                   nn_model_buffers (m), nn_model_n_buffers (m) * sizeof (float));
  nn_model_free (m);
  nn_model_free (m2);
  g_remove (path);
  g_remove (weights);
  g_rmdir (dir);
}

/* The names and shapes are PyTorch's, and batch norm carries its
 * num_batches_tracked as an int64 scalar. */
static void
assert_same (double a,
             double b)
{
  if (isnan (a))
    g_assert_true (isnan (b));
  else
    g_assert_cmpfloat (a, ==, b);
}

/* A run's history, thinned to stride 4 by 5000 steps, with a divergence:
 * every sample, statistic (NAN included), dead fraction and the
 * divergence come back exactly, so the findings read from the file are the
 * ones the run gave. */
static void
test_history_round_trip (void)
{
  g_autoptr (BpProject) p = bp_project_new ();
  g_autoptr (BpProject) q = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bp-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autofree char *weights = g_build_filename (dir, "run.safetensors", NULL);
  nn_model *m = small_model ();
  size_t n_ops = nn_model_n_ops (m);
  nn_history *h = nn_history_new (n_ops, NULL);
  nn_divergence d = { .step = 5000, .epoch = 2, .op = 1, .what = "gradient",
                      .last_loss = 0.1 + 1e-17, .message = "a gradient went \"NaN\"" };
  const nn_divergence *d2;

  p->spec = *nn_model_get_spec (m);
  for (uint64_t step = 1; step <= 5000; step++)
    {
      nn_op_stats stats[3];
      nn_step_report r = { .step = step, .epoch = step <= 2500 ? 1 : 2, .loss = 1.0 / step,
                           .lr = 1e-3 * (1 + step % 7), .grad_norm = sqrt ((double) step),
                           .n_ops = n_ops, .ops = stats };

      for (size_t k = 0; k < n_ops; k++)
        stats[k] = (nn_op_stats) { 0.1 * k + 1.0 / 3, step * 1e-9, k == 1 ? NAN : 1e-3 / step,
                                   -0.5, 2.0 / 7, k == 1 ? 0.25 : 0, 0 };
      nn_history_add_step (h, &r);
    }
  for (int e = 1; e <= 2; e++)
    {
      const double dead[3] = { NAN, 0.125 * e, NAN };
      nn_epoch_report r = { .epoch = e, .steps = 2500 * (uint64_t) e, .train_loss = 1.0 / e,
                            .train_accuracy = 0.5, .has_val = TRUE, .val_loss = 1.1 / e,
                            .val_accuracy = 0.45, .lr = 1e-3, .samples_per_s = 1e5,
                            .seconds = 0.5, .n_ops = n_ops, .dead_fraction = dead };
      BpRunEpoch rec = { e, r.train_loss, r.train_accuracy, r.val_loss, r.val_accuracy, r.lr,
                         r.samples_per_s, r.seconds };

      nn_history_add_epoch (h, &r);
      g_array_append_val (p->history, rec);
    }
  nn_history_set_divergence (h, &d);
  g_assert_cmpuint (nn_history_stride (h), ==, 4);
  p->run_state = g_strdup ("diverged");
  p->run_epochs = 2;
  p->run_steps = 5000;

  g_assert_true (bp_project_save (p, path, m, h, &error));
  g_assert_no_error (error);
  q = bp_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (q->run_history);
  g_assert_cmpuint (nn_history_n_ops (q->run_history), ==, n_ops);
  g_assert_cmpuint (nn_history_stride (q->run_history), ==, 4);
  g_assert_cmpuint (nn_history_n_steps (q->run_history), ==, nn_history_n_steps (h));
  for (size_t i = 0; i < nn_history_n_steps (h); i++)
    {
      const nn_step_sample *a = nn_history_step (h, i), *b = nn_history_step (q->run_history, i);
      const double *sa = (const double *) nn_history_step_ops (h, i);
      const double *sb = (const double *) nn_history_step_ops (q->run_history, i);

      g_assert_cmpuint (a->step, ==, b->step);
      g_assert_cmpint (a->epoch, ==, b->epoch);
      assert_same (a->loss, b->loss);
      assert_same (a->lr, b->lr);
      assert_same (a->grad_norm, b->grad_norm);
      for (size_t k = 0; k < n_ops * sizeof (nn_op_stats) / sizeof (double); k++)
        assert_same (sa[k], sb[k]);
    }
  g_assert_cmpuint (nn_history_n_epochs (q->run_history), ==, 2);
  for (size_t i = 0; i < 2; i++)
    {
      const nn_epoch_sample *a = nn_history_epoch (h, i), *b = nn_history_epoch (q->run_history, i);

      g_assert_cmpint (a->epoch, ==, b->epoch);
      assert_same (a->val_loss, b->val_loss);
      g_assert_cmpint (a->has_val, ==, b->has_val);
      for (size_t k = 0; k < n_ops; k++)
        assert_same (nn_history_epoch_dead (h, i)[k], nn_history_epoch_dead (q->run_history, i)[k]);
    }
  d2 = nn_history_divergence (q->run_history);
  g_assert_nonnull (d2);
  g_assert_cmpuint (d2->step, ==, d.step);
  g_assert_cmpint (d2->epoch, ==, d.epoch);
  g_assert_cmpuint (d2->op, ==, d.op);
  g_assert_cmpstr (d2->what, ==, d.what);
  g_assert_cmpstr (d2->message, ==, d.message);
  g_assert_cmpfloat (d2->last_loss, ==, d.last_loss);

  nn_history_free (h);
  nn_model_free (m);
  g_remove (path);
  g_remove (weights);
  g_rmdir (dir);
}

static void
test_weight_names (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tensors = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bp-weights-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "w.safetensors", NULL);
  static const char *const names[] = {
    "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
    "layers.1.running_mean", "layers.1.running_var", "layers.1.num_batches_tracked",
    "layers.4.weight", "layers.4.bias",
  };
  nn_model_spec spec;
  nn_model *m;
  BpTensor *t;

  nn_model_spec_init (&spec);
  spec.inputs = 3;
  nn_model_spec_parse_layers (&spec, "dense:5,batchnorm,relu,dropout:0.5,dense:2", NULL);
  m = nn_model_new (&spec, 4, NULL);
  nn_model_init_params (m, 1);
  g_assert_true (bp_project_save_weights (path, m, 42, &error));
  tensors = bp_safetensors_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tensors->len, ==, G_N_ELEMENTS (names));
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (bp_safetensors_find (tensors, names[i]));
  t = bp_safetensors_find (tensors, "layers.0.weight");
  g_assert_cmpuint (t->rank, ==, 2);
  g_assert_cmpuint (t->shape[0], ==, 5);
  g_assert_cmpuint (t->shape[1], ==, 3);
  t = bp_safetensors_find (tensors, "layers.1.num_batches_tracked");
  g_assert_cmpint (t->dtype, ==, BP_DTYPE_I64);
  g_assert_cmpuint (t->rank, ==, 0);
  g_assert_cmpint (*(gint64 *) t->data, ==, 42);
  t = bp_safetensors_find (tensors, "layers.1.running_var");
  g_assert_cmpfloat (((float *) t->data)[0], ==, 1.0f);
  nn_model_free (m);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_bad_projects (void)
{
  static const struct
  {
    const char *file;
    const char *message;
  } cases[] = {
    { "project-syntax.json", ":4:23: Parse error: unexpected character `,', expected string "
      "constant" },
    { "project-not-object.json", ": not a Backprop project (the top level is not a JSON "
      "object)" },
    { "project-missing-field.json", ": model.loss: missing" },
    { "project-wrong-type.json", ": model.layers[0].units: expected a whole number" },
    { "project-unknown-layer.json", ": model.layers[0].type: unknown value 'conv2d'; expected "
      "one of dense, activation, dropout, batchnorm" },
    { "project-unknown-optimizer.json", ": training.optimizer: unknown value 'lion'; expected "
      "one of gd, sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad" },
    { "project-out-of-range.json", ": training.lr: expected a number ≥ 0, not -0.5" },
    { "project-newer.json", ": backprop: version 99 is newer than this program reads (1)" },
    { "project-output-mismatch.json", ": model: the last layer has 5 units but the data have 3 "
      "classes; make it dense:3" },
    { "project-scaler-length.json", ": data.scaler.offset: expected 2 numbers, found 1" },
    { "project-weights-path.json", ": weights: expected the name of a file beside the project" },
    { "project-diagnosis-no-run.json", ": diagnosis: a run's history needs the run" },
    { "project-diagnosis-ops.json", ": diagnosis.ops: a history of 5 modules, but the model "
      "has 3" },
    { "project-diagnosis-step-length.json", ": diagnosis.steps[1]: expected 26 numbers" },
    { "project-diagnosis-step-order.json", ": diagnosis.steps[1]: step 1 comes after step 2; "
      "the steps of a history must increase" },
    { "project-diagnosis-dead.json", ": diagnosis.dead: 1 entries for 2 epochs" },
    { "project-diagnosis-divergence.json", ": diagnosis.divergence.op: expected a whole number "
      "from 0 to 2, not 7" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = data_path ("bad", cases[i].file);
      g_autofree char *want = g_strconcat (path, cases[i].message, NULL);
      g_autoptr (GError) error = NULL;
      BpProject *p = bp_project_load (path, &error);

      g_assert_null (p);
      g_assert_error (error, BP_PROJECT_ERROR, BP_PROJECT_ERROR_FORMAT);
      g_assert_cmpstr (error->message, ==, want);
    }
}

static void
test_bad_weights (void)
{
  static const struct
  {
    const char *file;
    const char *message;
  } cases[] = {
    { "weights-short.safetensors", ": too short for a safetensors file (3 bytes)" },
    { "weights-header-beyond-file.safetensors", ": the header is said to be 1099511627776 bytes "
      "long but only 8 bytes follow" },
    { "weights-bad-json.safetensors", ": the header is not valid JSON: 1:21: Parse error: "
      "unexpected end of file, expected character `]'" },
    { "weights-overlap.safetensors", ": tensors 'layers.0.weight' and 'layers.0.bias' overlap "
      "in the data" },
    { "weights-out-of-range.safetensors", ": tensor 'layers.2.bias': data_offsets [104, 116] "
      "lie outside the 108 bytes of data" },
    { "weights-hole.safetensors", ": bytes 108 to 116 of the data belong to no tensor" },
    { "weights-dtype.safetensors", ": tensor 'layers.0.bias': dtype F16 is not supported; "
      "Backprop's tensors are F32" },
    { "weights-size.safetensors", ": tensor 'layers.0.weight': its shape needs 48 bytes but "
      "data_offsets span 32" },
    { "weights-shape.safetensors", ": tensor 'layers.2.weight' has shape [4, 3] but the model "
      "needs [3, 4]" },
    { "weights-missing.safetensors", ": tensor 'layers.2.bias' is missing; the model needs it" },
    { "weights-extra.safetensors", ": tensor 'layers.5.weight' does not belong to the model "
      "(4 tensors expected, starting with 'layers.0.weight')" },
  };
  nn_model *m = small_model ();
  size_t bytes = nn_model_n_params (m) * sizeof (float);
  g_autofree float *before = g_memdup2 (nn_model_params (m), bytes);
  g_autofree char *good = data_path ("project", "good.safetensors");
  g_autoptr (GError) good_error = NULL;

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = data_path ("bad", cases[i].file);
      g_autofree char *want = g_strconcat (path, cases[i].message, NULL);
      g_autoptr (GError) error = NULL;

      g_assert_false (bp_project_load_weights (path, m, &error));
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, want);
      /* Nothing half-loaded. */
      g_assert_cmpmem (nn_model_params (m), bytes, before, bytes);
    }
  /* The good file they were made from loads: 0.125, 0.25, … in order. */
  g_assert_true (bp_project_load_weights (good, m, &good_error));
  g_assert_no_error (good_error);
  g_assert_cmpfloat (nn_model_params (m)[0], ==, 0.125f);
  g_assert_cmpfloat (nn_model_params (m)[7], ==, 1.0f);
  g_assert_cmpfloat (nn_model_params (m)[8], ==, 0.125f);
  nn_model_free (m);
}

/* Inputs the fuzzers found: an empty JSON text has no root at all. */
static void
test_empty_texts (void)
{
  static const guint8 empty_header[8] = { 0 };
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;

  g_assert_null (bp_safetensors_parse ("w.safetensors", empty_header, 8, &e1));
  g_assert_cmpstr (e1->message, ==, "w.safetensors: the header is not a JSON object");
  g_assert_null (bp_project_parse ("p.json", "", 0, &e2));
  g_assert_cmpstr (e2->message, ==, "p.json: not a Backprop project (the top level is not a "
                   "JSON object)");
}

/* The good project reads, and its weights file resolves beside it. */
static void
test_good_project (void)
{
  g_autofree char *path = data_path ("project", "good.json");
  g_autofree char *weights = data_path ("project", "good.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (BpProject) p = bp_project_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (p->data.name, ==, "spiral");
  g_assert_cmpuint (p->data.generate.samples, ==, 300);
  g_assert_cmpuint (p->spec.n_layers, ==, 2);
  g_assert_cmpfloat (p->scaler->factor[1], ==, 4.0f);
  g_assert_cmpstr (p->weights, ==, weights);
  g_assert_null (p->run_state);
  g_assert_null (p->run_history);
}

/* A project written by hand (make-bad-project.py) with a run and its
 * history: the samples as written, and a finding read from them. */
static void
test_run_project (void)
{
  g_autofree char *path = data_path ("project", "run.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (BpProject) p = bp_project_load (path, &error);
  nn_finding findings[8];
  nn_model *m;

  g_assert_no_error (error);
  g_assert_cmpstr (p->run_state, ==, "finished");
  g_assert_nonnull (p->run_history);
  g_assert_cmpuint (nn_history_n_steps (p->run_history), ==, 2);
  g_assert_cmpuint (nn_history_step (p->run_history, 1)->step, ==, 2);
  g_assert_cmpfloat (nn_history_step (p->run_history, 1)->loss, ==, 0.5);
  g_assert_cmpuint (nn_history_n_epochs (p->run_history), ==, 2);
  g_assert_cmpfloat (nn_history_epoch_dead (p->run_history, 1)[1], ==, 0.5);
  g_assert_true (isnan (nn_history_epoch_dead (p->run_history, 1)[0]));
  m = nn_model_new (&p->spec, 1, NULL);
  /* Half the ReLU's units dead in the last epoch. */
  g_assert_cmpuint (nn_diagnose (p->run_history, m, &p->training, findings, 8), ==, 1);
  g_assert_cmpint (findings[0].kind, ==, NN_FINDING_DEAD_UNITS);
  g_assert_cmpint (findings[0].op, ==, 1);
  nn_model_free (m);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/project/round-trip", test_round_trip);
  g_test_add_func ("/app/project/weight-names", test_weight_names);
  g_test_add_func ("/app/project/history", test_history_round_trip);
  g_test_add_func ("/app/project/good", test_good_project);
  g_test_add_func ("/app/project/run", test_run_project);
  g_test_add_func ("/app/project/bad", test_bad_projects);
  g_test_add_func ("/app/project/bad-weights", test_bad_weights);
  g_test_add_func ("/app/project/empty-texts", test_empty_texts);
  return g_test_run ();
}
