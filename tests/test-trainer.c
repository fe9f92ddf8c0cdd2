/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "test-trainer-private.h"

/* ---- One step by hand ---------------------------------------------------- */

/* θ' = θ − 0.1·g = (0.4, −0.7875, 0, 0.35). The op's statistics: ‖g‖, ‖θ'‖
 * and ‖Δθ‖/‖θ'‖ = 0.1·‖g‖/‖θ'‖. */
static void
test_sgd_step (void)
{
  nn_trainer_params p = sgd (0.1, 4, 1);
  const double want[] = { 0.4, -0.7875, 0.0, 0.35 };
  double wnorm = sqrt (0.16 + 0.7875 * 0.7875 + 0.35 * 0.35);
  nn_step_report r;
  nn_op_stats op;
  float *after = worked_step (&p, &r, &op);

  assert_theta (after, want);
  g_assert_cmpuint (r.step, ==, 1);
  g_assert_cmpint (r.epoch, ==, 1);
  g_assert_cmpuint (r.batch, ==, 1);
  g_assert_cmpuint (r.batches, ==, 1);
  g_assert_cmpuint (r.n_ops, ==, 1);
  assert_close ("grad_norm", r.grad_norm, WX_GRAD_NORM, 1e-6);
  assert_close ("op grad_norm", op.grad_norm, WX_GRAD_NORM, 1e-6);
  assert_close ("weight_norm", op.weight_norm, wnorm, 1e-6);
  assert_close ("update_ratio", op.update_ratio, 0.1 * WX_GRAD_NORM / wnorm, 1e-6);
  g_free (after);
}

/* A hidden layer: the trainer's step equals θ − lr·∂L/∂θ from a separate
 * forward and backward; GD takes the same step whatever the batch says. */
static void
test_sgd_step_backprop (void)
{
  nn_dataset *ds = classes (6, 2, 3, 11);

  for (int gd = 0; gd < 2; gd++)
    {
      nn_model *m = build ("dense:5:tanh,dense:3", 2, NN_LOSS_CE, 6);
      nn_trainer_params p = sgd (0.5, gd ? 2 : 6, 1);
      nn_trainer *t;
      recorder rec;
      float *want;
      double loss;

      if (gd)
        p.opt.kind = NN_OPT_GD;
      nn_model_init_params (m, 7);
      want = expected_sgd (m, ds, 0, 6, 0.5, 0.0, 0.0, &loss);
      t = trainer (m, &p, ds, NULL);
      record (&rec, t, m);
      g_assert_cmpint (nn_trainer_step (t), ==, NN_TRAIN_FINISHED);
      g_assert_cmpuint (rec.steps[1].rows, ==, 6);
      assert_close ("loss", rec.steps[1].loss, loss, 1e-12);
      for (size_t i = 0; i < nn_model_n_params (m); i++)
        assert_close ("θ", nn_model_params (m)[i], want[i], 1e-6);
      g_free (want);
      recorder_clear (&rec);
      nn_trainer_free (t);
      nn_model_free (m);
    }
  nn_dataset_free (ds);
}

/* GD trains on every training row at once, whatever params.batch says
 * (0 included): one step of 10 rows per epoch. */
static void
test_full_batch (void)
{
  static const size_t batches[] = { 0, 3, 10, 50 };
  nn_dataset *ds = classes (10, 2, 2, 3);

  for (size_t c = 0; c < G_N_ELEMENTS (batches); c++)
    {
      nn_model *m = build ("dense:3:relu,dense:2", 2, NN_LOSS_CE, 10);
      nn_trainer_params p = sgd (0.1, batches[c], 3);
      nn_trainer *t;
      recorder rec;

      p.opt.kind = NN_OPT_GD;
      p.shuffle = true;
      nn_model_init_params (m, 1);
      t = trainer (m, &p, ds, NULL);
      record (&rec, t, m);
      g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
      g_assert_cmpuint (nn_trainer_get_step (t), ==, 3);
      g_assert_cmpint (nn_trainer_get_epoch (t), ==, 3);
      for (int s = 1; s <= 3; s++)
        {
          g_assert_cmpuint (rec.steps[s].rows, ==, 10);
          g_assert_cmpuint (rec.steps[s].batches, ==, 1);
          g_assert_cmpint (rec.steps[s].epoch, ==, s);
          g_assert_cmpfloat (rec.epochs[s].train_loss, ==, rec.steps[s].loss);
        }
      recorder_clear (&rec);
      nn_trainer_free (t);
      nn_model_free (m);
    }
  nn_dataset_free (ds);
}

/* ---- Epochs ---------------------------------------------------------------- */

/* Works each step's loss and predictions out again from a shadow model that
 * holds the parameters before the step, and each epoch's figures from the
 * step reports and nn_evaluate on the validation part. */
typedef struct
{
  nn_model         *m;
  nn_model         *shadow;
  const nn_dataset *train;
  const nn_dataset *val;
  size_t            batch;
  uint64_t          steps;
  double            loss_rows;  /* Σ loss·rows of this epoch's step reports */
  size_t            rows;
  size_t            correct;
  double            best;
} epoch_check;

static bool
epoch_check_step_cb (const nn_step_report *r,
                     void                 *user)
{
  epoch_check *c = user;
  size_t first = (r->batch - 1) * c->batch, k = nn_model_outputs (c->m);
  size_t want_rows = MIN (c->batch, c->train->n - first);
  int32_t pred[16];
  const float *out;
  double loss;

  c->steps++;
  g_assert_cmpuint (r->step, ==, c->steps);
  g_assert_cmpint (r->epoch, ==, (int) ((c->steps - 1) / 3 + 1));
  g_assert_cmpuint (r->batch, ==, (c->steps - 1) % 3 + 1);
  g_assert_cmpuint (r->batches, ==, 3);
  g_assert_cmpuint (r->rows, ==, want_rows);
  out = nn_model_forward (c->shadow, c->train->x + first * c->train->d, r->rows, NN_MODE_EVAL,
                          NULL);
  loss = nn_loss_compute (NN_LOSS_CE, out, r->rows, k, c->train->y + first, NULL, NULL, pred);
  assert_close ("step loss", r->loss, loss, 1e-6);
  for (size_t i = 0; i < r->rows; i++)
    c->correct += pred[i] == c->train->y[first + i];
  c->loss_rows += r->loss * (double) r->rows;
  c->rows += r->rows;
  memcpy (nn_model_params (c->shadow), nn_model_params (c->m),
          nn_model_n_params (c->m) * sizeof (float));
  return true;
}

static bool
epoch_check_epoch_cb (const nn_epoch_report *r,
                      void                  *user)
{
  epoch_check *c = user;
  nn_class_metrics *cm = nn_class_metrics_new (c->val->k, NULL);
  double val_loss;

  g_assert_cmpint (r->epoch, ==, (int) (c->steps / 3));
  g_assert_cmpuint (r->steps, ==, c->steps);
  g_assert_cmpuint (c->rows, ==, c->train->n);
  assert_close ("train loss", r->train_loss, c->loss_rows / (double) c->rows, 1e-12);
  g_assert_cmpfloat (r->train_accuracy, ==, (double) c->correct / (double) c->rows);
  g_assert_true (r->has_val);
  g_assert_cmpint (nn_evaluate (c->shadow, c->val, &val_loss, cm, NULL, NULL), ==, NN_OK);
  nn_class_metrics_finish (cm);
  assert_close ("val loss", r->val_loss, val_loss, 1e-12);
  g_assert_cmpfloat (r->val_accuracy, ==, cm->accuracy);
  g_assert_cmpfloat (r->lr, ==, 0.5);
  g_assert_cmpfloat (r->samples_per_s, >, 0.0);
  g_assert_cmpfloat (r->seconds, >=, 0.0);
  g_assert_cmpuint (r->n_ops, ==, 3);
  g_assert_cmpint (r->improved, ==, val_loss < c->best);
  c->best = fmin (c->best, val_loss);
  c->loss_rows = 0.0;
  c->rows = c->correct = 0;
  nn_class_metrics_free (cm);
  return true;
}

/* 10 rows in batches of 4: ⌈10/4⌉ = 3 steps of 4, 4 and 2 rows per epoch. */
static void
test_epochs (void)
{
  nn_dataset *train = classes (10, 2, 3, 5), *val = classes (7, 2, 3, 6);
  nn_model *m = build ("dense:4:tanh,dense:3", 2, NN_LOSS_CE, 4);
  nn_trainer_params p = sgd (0.5, 4, 3);
  epoch_check c = { .m = m, .train = train, .val = val, .batch = 4, .best = INFINITY };
  nn_trainer *t;

  nn_model_init_params (m, 2);
  c.shadow = clone (m, 4);
  t = trainer (m, &p, train, val);
  nn_trainer_set_callbacks (t, epoch_check_step_cb, epoch_check_epoch_cb, &c);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
  g_assert_cmpuint (c.steps, ==, 9);
  g_assert_cmpuint (nn_trainer_get_step (t), ==, 9);
  g_assert_cmpint (nn_trainer_get_epoch (t), ==, 3);
  g_assert_cmpint (nn_trainer_get_state (t), ==, NN_TRAIN_FINISHED);
  /* A finished run takes no more steps. */
  g_assert_cmpint (nn_trainer_step (t), ==, NN_TRAIN_FINISHED);
  g_assert_cmpuint (nn_trainer_get_step (t), ==, 9);
  nn_trainer_free (t);
  nn_model_free (c.shadow);
  nn_model_free (m);
  nn_dataset_free (train);
  nn_dataset_free (val);
}

/* Batch norm cannot normalise one row: with n % batch == 1 the last batch is
 * left out (9 rows in 4s: 4 + 4, not 4 + 4 + 1), and the epoch's loss is
 * the mean over the 8 rows trained. Without batch norm, or when the rest is
 * not 1, every row is used. */
static void
test_batchnorm_last_row (void)
{
  static const struct { const char *layers; size_t batch, batches, last; } cases[] = {
    { "dense:3,batchnorm,relu,dense:2", 4, 2, 4 },
    { "dense:3,relu,dense:2", 4, 3, 1 },
    { "dense:3,batchnorm,relu,dense:2", 2, 4, 2 },
    { "dense:3,batchnorm,relu,dense:2", 3, 3, 3 },
    { "batchnorm,dense:2", 8, 1, 8 },
  };
  nn_dataset *ds = classes (9, 2, 2, 8);

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_model *m = build (cases[i].layers, 2, NN_LOSS_CE, 8);
      nn_trainer_params p = sgd (0.1, cases[i].batch, 2);
      size_t b = cases[i].batches;
      double sum = 0.0;
      size_t rows = 0;
      nn_trainer *t;
      recorder rec;

      p.shuffle = true;
      nn_model_init_params (m, 4);
      t = trainer (m, &p, ds, NULL);
      record (&rec, t, m);
      g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
      g_assert_cmpuint (rec.last_step, ==, 2 * b);
      for (size_t s = 1; s <= b; s++)
        {
          g_assert_cmpuint (rec.steps[s].batches, ==, b);
          g_assert_cmpuint (rec.steps[s].rows, ==, s < b ? cases[i].batch : cases[i].last);
          sum += rec.steps[s].loss * (double) rec.steps[s].rows;
          rows += rec.steps[s].rows;
        }
      assert_close ("train loss", rec.epochs[1].train_loss, sum / (double) rows, 1e-12);
      g_assert_cmpuint (rec.steps[2 * b].rows, ==, cases[i].last);
      recorder_clear (&rec);
      nn_trainer_free (t);
      nn_model_free (m);
    }
  nn_dataset_free (ds);
}

/* ---- Shuffling ------------------------------------------------------------- */

/* Rows that name themselves: x = 0 and target i + 1 in row i, with a rate so
 * small (1e-30) that the bias stays ≈ 0; a batch of one row then reports the
 * loss (i + 1)², and √loss − 1 is the row trained. */
static void
row_order (bool     shuffle,
           uint64_t seed,
           int      order[2][6])
{
  float x[6] = { 0 }, target[6] = { 1, 2, 3, 4, 5, 6 };
  nn_dataset ds = regression (x, target, 6, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 1);
  nn_trainer_params p = sgd (1e-30, 1, 2);
  nn_trainer *t;
  recorder rec;

  p.shuffle = shuffle;
  p.seed = seed;
  t = trainer (m, &p, &ds, NULL);
  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
  for (int e = 0; e < 2; e++)
    for (int b = 0; b < 6; b++)
      {
        double root = sqrt (rec.steps[6 * e + b + 1].loss);

        order[e][b] = (int) lround (root) - 1;
        assert_close ("√loss", root, order[e][b] + 1, 1e-6);
      }
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

static void
test_shuffle_order (void)
{
  int order[2][6], again[2][6], other[2][6];

  /* shuffle = false: rows in order, every epoch. */
  row_order (false, 1, order);
  for (int e = 0; e < 2; e++)
    for (int b = 0; b < 6; b++)
      g_assert_cmpint (order[e][b], ==, b);

  /* shuffle = true: each epoch a permutation of the rows, reshuffled between
   * epochs; the same seed gives the same orders, another seed others. */
  row_order (true, 3, order);
  for (int e = 0; e < 2; e++)
    {
      bool seen[6] = { 0 };

      for (int b = 0; b < 6; b++)
        {
          g_assert_false (seen[order[e][b]]);
          seen[order[e][b]] = true;
        }
    }
  g_assert_true (memcmp (order[0], order[1], sizeof order[0]) != 0);
  row_order (true, 3, again);
  g_assert_cmpmem (order, sizeof order, again, sizeof again);
  row_order (true, 4, other);
  g_assert_true (memcmp (order, other, sizeof order) != 0);
}

/* With dropout (which draws from the trainer's generator too): same seed,
 * the same losses bit for bit; another seed, other losses. */
static void
test_shuffle_seed (void)
{
  nn_dataset *ds = classes (12, 2, 3, 9);
  double losses[3][8];

  for (int run = 0; run < 3; run++)
    {
      nn_model *m = build ("dense:8:relu,dropout:0.5,dense:3", 2, NN_LOSS_CE, 3);
      nn_trainer_params p = nn_trainer_params_default ();
      nn_trainer *t;
      recorder rec;

      p.batch = 3;
      p.epochs = 2;
      p.seed = run == 2 ? 99 : 42;
      nn_model_init_params (m, 1);
      t = trainer (m, &p, ds, NULL);
      record (&rec, t, m);
      g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
      g_assert_cmpuint (rec.last_step, ==, 8);
      for (int s = 0; s < 8; s++)
        losses[run][s] = rec.steps[s + 1].loss;
      recorder_clear (&rec);
      nn_trainer_free (t);
      nn_model_free (m);
    }
  g_assert_cmpmem (losses[0], sizeof losses[0], losses[1], sizeof losses[1]);
  g_assert_true (memcmp (losses[0], losses[2], sizeof losses[0]) != 0);
  nn_dataset_free (ds);
}

/* ---- Stopping and resuming ---------------------------------------------- */

/* A callback returning false stops the run; nn_trainer_run then resumes it
 * where it stopped, and the run ends exactly as one never stopped. */
static void
test_stop_resume (void)
{
  nn_dataset *ds = classes (10, 2, 3, 12);
  float *reference = NULL;
  double ref_losses[10];

  for (int mode = 0; mode < 4; mode++)
    {
      nn_model *m = build ("dense:4:tanh,dense:3", 2, NN_LOSS_CE, 4);
      nn_trainer_params p = sgd (0.3, 4, 3);
      nn_trainer *t;
      recorder rec;

      p.shuffle = true;
      p.seed = 5;
      nn_model_init_params (m, 3);
      t = trainer (m, &p, ds, NULL);
      record (&rec, t, m);
      if (mode == 1)
        rec.stop_step = 4;    /* mid-epoch */
      else if (mode == 2)
        rec.stop_epoch = 1;
      else if (mode == 3)
        rec.stop_step = 6;    /* an epoch's last step: the epoch still ends */
      if (mode > 0)
        {
          g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_STOPPED);
          g_assert_cmpint (nn_trainer_get_state (t), ==, NN_TRAIN_STOPPED);
          g_assert_cmpuint (nn_trainer_get_step (t), ==, mode == 1 ? 4 : mode == 2 ? 3 : 6);
          g_assert_cmpint (nn_trainer_get_epoch (t), ==, mode == 1 ? 1 : mode == 2 ? 1 : 2);
          g_assert_cmpint (rec.last_epoch, ==, nn_trainer_get_epoch (t));
        }
      g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
      g_assert_cmpuint (rec.last_step, ==, 9);
      g_assert_cmpint (rec.last_epoch, ==, 3);
      if (mode == 0)
        {
          reference = snapshot (m);
          for (int s = 1; s <= 9; s++)
            ref_losses[s] = rec.steps[s].loss;
        }
      else
        {
          assert_params (m, reference);
          for (int s = 1; s <= 9; s++)
            g_assert_cmpfloat (rec.steps[s].loss, ==, ref_losses[s]);
        }
      recorder_clear (&rec);
      nn_trainer_free (t);
      nn_model_free (m);
    }
  g_free (reference);
  nn_dataset_free (ds);
}

/* ---- Learning rates -------------------------------------------------------- */

static void
run_lrs (nn_trainer_params *p,
         int                steps_per_epoch,
         double            *lrs,
         double            *epoch_lrs)
{
  nn_model *m = build ("dense:1", 3, NN_LOSS_MSE, 4);
  nn_dataset ds = regression (wx_x, wx_t, 4, 3, 1);
  nn_trainer *t;
  recorder rec;

  p->batch = 4 / (size_t) steps_per_epoch;
  memcpy (nn_model_params (m), wx_theta, sizeof wx_theta);
  t = trainer (m, p, &ds, NULL);
  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
  for (int s = 1; s <= p->epochs * steps_per_epoch; s++)
    lrs[s] = rec.steps[s].lr;
  for (int e = 1; e <= p->epochs; e++)
    epoch_lrs[e] = rec.epochs[e].lr;
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* nn_trainer_set_lr between steps: the next step uses it, and the schedule
 * (here halving every epoch) carries on from it. Rates ≤ 0 or non-finite
 * are ignored. */
static void
test_set_lr (void)
{
  nn_model *m = build ("dense:1", 3, NN_LOSS_MSE, 4);
  nn_dataset ds = regression (wx_x, wx_t, 4, 3, 1);
  nn_trainer_params p = sgd (0.1, 2, 3);
  nn_trainer *t;
  recorder rec;

  p.schedule = nn_schedule_params_default (NN_SCHEDULE_STEP);
  p.schedule.step_size = 1;
  p.schedule.gamma = 0.5;
  memcpy (nn_model_params (m), wx_theta, sizeof wx_theta);
  t = trainer (m, &p, &ds, NULL);
  record (&rec, t, m);
  g_assert_cmpfloat (nn_trainer_get_lr (t), ==, 0.1);
  nn_trainer_step (t);
  g_assert_cmpfloat (rec.steps[1].lr, ==, 0.1);
  nn_trainer_set_lr (t, 0.3);
  g_assert_cmpfloat (nn_trainer_get_lr (t), ==, 0.3);
  nn_trainer_step (t);
  g_assert_cmpfloat (rec.steps[2].lr, ==, 0.3);
  g_assert_cmpfloat (nn_trainer_get_lr (t), ==, 0.15);
  nn_trainer_set_lr (t, 0.0);
  nn_trainer_set_lr (t, -1.0);
  nn_trainer_set_lr (t, NAN);
  nn_trainer_set_lr (t, INFINITY);
  g_assert_cmpfloat (nn_trainer_get_lr (t), ==, 0.15);
  nn_trainer_step (t);
  g_assert_cmpfloat (rec.steps[3].lr, ==, 0.15);
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

static void
test_schedules (void)
{
  nn_trainer_params p = sgd (0.1, 0, 5);
  double lrs[16], epoch_lrs[8];

  /* StepLR, step 2, γ ½, two steps an epoch: 0.1 in epochs 1–2, 0.05 in 3–4,
   * 0.025 in 5; an epoch's report gives the rate its steps used. */
  p.schedule = nn_schedule_params_default (NN_SCHEDULE_STEP);
  p.schedule.step_size = 2;
  p.schedule.gamma = 0.5;
  run_lrs (&p, 2, lrs, epoch_lrs);
  for (int s = 1; s <= 10; s++)
    assert_close ("step lr", lrs[s], 0.1 * pow (0.5, (s - 1) / 4), 1e-15);
  for (int e = 1; e <= 5; e++)
    assert_close ("epoch lr", epoch_lrs[e], lrs[2 * e], 1e-15);

  /* Linear warm-up over 5 steps: 0.1·s/5 for s < 5, then 0.1. */
  p = sgd (0.1, 0, 3);
  p.schedule.warmup = 5;
  run_lrs (&p, 2, lrs, epoch_lrs);
  for (int s = 1; s <= 6; s++)
    assert_close ("warm-up lr", lrs[s], 0.1 * fmin (1.0, s / 5.0), 1e-15);

  /* Cosine with t_max 0 anneals over the run's 4 epochs:
   * η = 0.1·(1 + cos(π(e − 1)/4))/2 in epoch e. */
  p = sgd (0.1, 0, 4);
  p.schedule = nn_schedule_params_default (NN_SCHEDULE_COSINE);
  run_lrs (&p, 1, lrs, epoch_lrs);
  for (int e = 1; e <= 4; e++)
    assert_close ("cosine lr", lrs[e], 0.05 * (1.0 + cos (M_PI * (e - 1) / 4.0)), 1e-12);
}

/* ReduceLROnPlateau watches the validation loss. Training pulls ŷ = w + b
 * from 0 towards 1 while the validation target is −1: the training loss
 * falls every epoch, the validation loss (ŷ + 1)² rises from epoch 2. With
 * patience 0 and factor ½ the rate halves after epochs 2 and 3. */
static void
test_plateau_val (void)
{
  float x[2] = { 1, 1 }, target[2] = { 1, 1 }, vx[1] = { 1 }, vt[1] = { -1 };
  nn_dataset train = regression (x, target, 2, 1, 1), val = regression (vx, vt, 1, 1, 1);
  nn_model *m = build ("dense:1", 1, NN_LOSS_MSE, 2);
  nn_trainer_params p = sgd (0.05, 2, 4);
  const double want[] = { 0, 0.05, 0.05, 0.025, 0.0125 };
  nn_trainer *t;
  recorder rec;

  p.schedule = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
  p.schedule.patience = 0;
  p.schedule.factor = 0.5;
  p.schedule.threshold = 0.0;
  t = trainer (m, &p, &train, &val);
  record (&rec, t, m);
  g_assert_cmpint (nn_trainer_run (t), ==, NN_TRAIN_FINISHED);
  for (int e = 1; e <= 4; e++)
    {
      assert_close ("plateau lr", rec.steps[e].lr, want[e], 1e-15);
      if (e > 1)
        {
          g_assert_cmpfloat (rec.epochs[e].train_loss, <, rec.epochs[e - 1].train_loss);
          g_assert_cmpfloat (rec.epochs[e].val_loss, >, rec.epochs[e - 1].val_loss);
        }
    }
  recorder_clear (&rec);
  nn_trainer_free (t);
  nn_model_free (m);
}

/* ---- Errors ------------------------------------------------------------------ */

static void
test_params_check (void)
{
  static const struct { const char *field; double value; const char *message; } cases[] = {
    { "batch", 0, "the batch size must be at least 1" },
    { "epochs", 0, "train for at least 1 epoch" },
    { "l1", -0.1, "L1 must be ≥ 0, not -0.1" },
    { "l1", NAN, "L1 must be ≥ 0" },
    { "clip_norm", -1, "the clipping norm must be ≥ 0" },
    { "clip_value", INFINITY, "the clipping value must be ≥ 0" },
    { "early_stop", -1, "early-stopping patience must be ≥ 0" },
    { "divergence_factor", -1, "the divergence factor must be ≥ 0" },
    { "histogram_bins", 0, "histograms need 1 to 4096 bins" },
    { "histogram_bins", 4097, "histograms need 1 to 4096 bins" },
    { "histogram_every", -1, "a period ≥ 0" },
    { "lr", 0, "the learning rate must be a positive number" },
    { "step_size", 0, "the step size must be at least 1 epoch" },
  };
  nn_trainer_params ok = nn_trainer_params_default ();
  nn_error err = { 0 };

  g_assert_cmpint (nn_trainer_params_check (&ok, &err), ==, NN_OK);
  /* GD ignores the batch size, 0 included. */
  ok.opt = nn_optimizer_params_default (NN_OPT_GD);
  ok.batch = 0;
  g_assert_cmpint (nn_trainer_params_check (&ok, &err), ==, NN_OK);

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_trainer_params p = nn_trainer_params_default ();
      const char *f = cases[i].field;
      double v = cases[i].value;

      if (strcmp (f, "batch") == 0)
        p.batch = (size_t) v;
      else if (strcmp (f, "epochs") == 0)
        p.epochs = (int) v;
      else if (strcmp (f, "l1") == 0)
        p.l1 = v;
      else if (strcmp (f, "clip_norm") == 0)
        p.clip_norm = v;
      else if (strcmp (f, "clip_value") == 0)
        p.clip_value = v;
      else if (strcmp (f, "early_stop") == 0)
        p.early_stop = (int) v;
      else if (strcmp (f, "divergence_factor") == 0)
        p.divergence_factor = v;
      else if (strcmp (f, "histogram_bins") == 0)
        p.histogram_bins = (size_t) v;
      else if (strcmp (f, "histogram_every") == 0)
        p.histogram_every = (int) v;
      else if (strcmp (f, "lr") == 0)
        p.opt.lr = v;
      else if (strcmp (f, "step_size") == 0)
        p.schedule.step_size = (int) v;
      nn_error_clear (&err);
      g_assert_cmpint (nn_trainer_params_check (&p, &err), ==, NN_ERR_INVALID);
      g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
      assert_contains (err.msg, cases[i].message);
    }
}

static void
expect_new_error (nn_model                *m,
                  const nn_trainer_params *p,
                  const nn_dataset        *train,
                  const nn_dataset        *val,
                  const char              *message)
{
  nn_error err = { 0 };
  nn_trainer *t = nn_trainer_new (m, p, train, val, &err);

  if (t != NULL)
    g_error ("nn_trainer_new accepted what should fail with '%s'", message);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  assert_contains (err.msg, message);
}

static void
test_new_errors (void)
{
  float x[30] = { 0 }, target[20] = { 0 };
  nn_dataset ds = regression (x, target, 10, 2, 1), wide = regression (x, target, 10, 3, 1);
  nn_dataset empty = regression (x, target, 0, 2, 1), two = regression (x, target, 10, 2, 2);
  nn_model *m = build ("dense:3:relu,dense:1", 2, NN_LOSS_MSE, 4);
  nn_trainer_params p = sgd (0.1, 4, 1), bad = p;

  bad.epochs = 0;
  expect_new_error (m, &bad, &ds, NULL, "train for at least 1 epoch");
  bad = p;
  bad.batch = 0;
  expect_new_error (m, &bad, &ds, NULL, "the batch size must be at least 1");
  bad = p;
  bad.l1 = -1;
  expect_new_error (m, &bad, &ds, NULL, "L1 must be ≥ 0");
  expect_new_error (m, &p, NULL, NULL, "there are no training rows");
  expect_new_error (m, &p, &empty, NULL, "there are no training rows");
  expect_new_error (m, &p, &wide, NULL, "the data have 3 features but the model takes 2");
  expect_new_error (m, &p, &two, NULL, "the last layer has 1 unit but the data have 2 target columns");
  bad = p;
  bad.early_stop = 2;
  expect_new_error (m, &bad, &ds, NULL, "early stopping watches the validation loss");
  expect_new_error (m, &bad, &ds, &empty, "early stopping watches the validation loss");
  /* Batches larger than the model was built for; GD's batch is every row. */
  bad = p;
  bad.batch = 8;
  expect_new_error (m, &bad, &ds, NULL, "batches of 8 rows do not fit a model built for 4");
  bad.opt.kind = NN_OPT_GD;
  expect_new_error (m, &bad, &ds, NULL, "batches of 10 rows do not fit a model built for 4");
  /* A batch above the row count is the row count, which fits. */
  {
    nn_dataset three = regression (x, target, 3, 2, 1);
    nn_trainer *t;

    bad = p;
    bad.batch = 8;
    t = trainer (m, &bad, &three, NULL);
    g_assert_cmpint (nn_trainer_step (t), ==, NN_TRAIN_FINISHED);
    nn_trainer_free (t);
  }
  nn_model_free (m);
}

/* The validation part's own feature count is checked, and the message says
 * which part is wrong: "the data have 2 features but the model takes 2"
 * would tell a person nothing. */
static void
test_new_errors_val_features (void)
{
  float x[30] = { 0 }, target[10] = { 0 };
  nn_dataset ds = regression (x, target, 10, 2, 1), wide = regression (x, target, 10, 3, 1);
  nn_model *m = build ("dense:1", 2, NN_LOSS_MSE, 4);
  nn_trainer_params p = sgd (0.1, 4, 1);

  expect_new_error (m, &p, &ds, &wide, "3 features but the model takes 2");
  nn_model_free (m);
}

/* The labels must fit the model's loss and outputs: 3 classes cannot train
 * a two-output cross-entropy model (the loss would read a third logit that
 * is not there), validation labels must be of the training kind, and
 * cross-entropy takes class ids, not targets. */
static void
test_new_errors_labels (void)
{
  nn_dataset *three = classes (6, 2, 3, 1), *two = classes (6, 2, 2, 1);
  float target[12] = { 0 };
  nn_dataset reg = regression (two->x, target, 6, 2, 1);
  nn_dataset reg2 = regression (two->x, target, 6, 2, 2);
  nn_model *m = build ("dense:2", 2, NN_LOSS_CE, 6);
  nn_trainer_params p = sgd (0.1, 6, 1);
  nn_error err = { 0 };
  nn_trainer *t;

  t = nn_trainer_new (m, &p, three, NULL, &err);
  if (t != NULL)
    g_error ("a 2-output model accepted 3-class data");
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  nn_error_clear (&err);
  t = nn_trainer_new (m, &p, two, &reg, &err);
  if (t != NULL)
    g_error ("class-id training data accepted regression validation data");
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  /* Cross-entropy needs class ids: targets of the right width do not do. */
  nn_error_clear (&err);
  t = nn_trainer_new (m, &p, &reg2, NULL, &err);
  if (t != NULL)
    g_error ("a cross-entropy model accepted regression targets");
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  nn_model_free (m);
  nn_dataset_free (three);
  nn_dataset_free (two);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/trainer/sgd-step", test_sgd_step);
  g_test_add_func ("/engine/trainer/sgd-step-backprop", test_sgd_step_backprop);
  g_test_add_func ("/engine/trainer/full-batch", test_full_batch);
  g_test_add_func ("/engine/trainer/epochs", test_epochs);
  g_test_add_func ("/engine/trainer/batchnorm-last-row", test_batchnorm_last_row);
  g_test_add_func ("/engine/trainer/shuffle-order", test_shuffle_order);
  g_test_add_func ("/engine/trainer/shuffle-seed", test_shuffle_seed);
  g_test_add_func ("/engine/trainer/stop-resume", test_stop_resume);
  g_test_add_func ("/engine/trainer/set-lr", test_set_lr);
  g_test_add_func ("/engine/trainer/schedules", test_schedules);
  g_test_add_func ("/engine/trainer/plateau-val", test_plateau_val);
  g_test_add_func ("/engine/trainer/params-check", test_params_check);
  g_test_add_func ("/engine/trainer/new-errors", test_new_errors);
  g_test_add_func ("/engine/trainer/new-errors-val-features", test_new_errors_val_features);
  g_test_add_func ("/engine/trainer/new-errors-labels", test_new_errors_labels);
  return g_test_run ();
}
