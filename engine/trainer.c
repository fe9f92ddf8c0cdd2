/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evaluate.h"
#include "loss.h"

enum { HIST_WEIGHT, HIST_GRAD, HIST_ACT, HIST_KINDS };

struct nn_trainer
{
  nn_model         *model;
  nn_trainer_params p;
  nn_dataset        train;
  nn_dataset        val;
  bool              has_val;
  size_t            outputs;
  size_t            batch;
  size_t            batches;        /* per epoch */

  nn_rng            rng;
  nn_schedule       sched;
  uint32_t         *order;          /* [train.n] row order of this epoch */
  float            *xb;             /* [batch × d] gathered rows */
  int32_t          *yb;             /* [batch] */
  float            *tb;             /* [batch × k] */
  int32_t          *pred;           /* [batch] */

  float            *spare_params;   /* where the next update is written */
  size_t            slots;
  float            *opt_state[2];   /* optimizer state, current and next */
  int               cur;
  float            *buffers_before; /* batch-norm running statistics before this step */
  float            *buffers_prev;   /* … and before the previous step */
  bool              can_undo;       /* spare_params and the other optimizer state hold the
                                     * state before the last update */
  float            *best_params;
  float            *best_buffers;

  nn_segment_sums  *sums;           /* [segments] */
  double           *grad_sq;        /* [segments] before clipping */
  nn_op_stats      *ops;            /* [ops] */
  nn_histogram     *hist[HIST_KINDS];  /* [ops] each */
  uint64_t         *hist_counts;
  uint8_t          *alive;          /* [Σ units of ReLU-family ops] for the epoch's dead count */
  uint8_t          *unit_scratch;   /* [widest op] */
  size_t           *alive_offset;   /* [ops] */
  double           *dead;           /* [ops] */

  nn_train_state    state;
  uint64_t          step;
  int               epoch;          /* completed */
  size_t            next_batch;     /* 0-based within the epoch */
  double            epoch_loss;
  uint64_t          epoch_correct;
  size_t            epoch_rows;
  double            epoch_train_seconds;
  double            epoch_started;
  double            best_val;
  int               best_epoch;
  int               bad_epochs;
  double            last_loss;
  double            first_loss;
  double            baseline_loss;  /* the loss of a constant, uninformed prediction */
  double            step_lr;        /* the rate of the step under way */
  size_t           *seg_first;      /* [ops] first parameter segment of each op */
  size_t           *seg_count;      /* [ops] its number of segments */
  nn_divergence     divergence;

  nn_step_cb        on_step;
  nn_epoch_cb       on_epoch;
  void             *user;
};

static const char *const state_names[NN_TRAIN_STATE_COUNT] = {
  [NN_TRAIN_RUNNING] = "running",
  [NN_TRAIN_FINISHED] = "finished",
  [NN_TRAIN_STOPPED] = "stopped",
  [NN_TRAIN_EARLY_STOPPED] = "early-stopped",
  [NN_TRAIN_DIVERGED] = "diverged",
};

const char *
nn_train_state_name (nn_train_state state)
{
  return state < NN_TRAIN_STATE_COUNT ? state_names[state] : "unknown";
}

nn_trainer_params
nn_trainer_params_default (void)
{
  return (nn_trainer_params) {
    .opt = nn_optimizer_params_default (NN_OPT_ADAM),
    .schedule = nn_schedule_params_default (NN_SCHEDULE_CONSTANT),
    .batch = 32,
    .epochs = 100,
    .shuffle = true,
    .seed = 1,
    .stats = true,
    .histogram_every = 100,
    .histogram_bins = 64,
    .divergence_factor = 1e4,
  };
}

nn_status
nn_trainer_params_check (const nn_trainer_params *p,
                         nn_error                *err)
{
  nn_status st = nn_optimizer_params_check (&p->opt, err);

  if (st == NN_OK)
    st = nn_schedule_params_check (&p->schedule, err);
  if (st != NN_OK)
    return st;
  if (p->batch == 0 && p->opt.kind != NN_OPT_GD)
    return nn_error_set (err, NN_ERR_INVALID, "the batch size must be at least 1");
  if (p->epochs < 1)
    return nn_error_set (err, NN_ERR_INVALID, "train for at least 1 epoch");
  if (!(isfinite (p->l1) && p->l1 >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "L1 must be ≥ 0, not %g", p->l1);
  if (!(isfinite (p->clip_norm) && p->clip_norm >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "the clipping norm must be ≥ 0 (0: off), not %g",
                         p->clip_norm);
  if (!(isfinite (p->clip_value) && p->clip_value >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "the clipping value must be ≥ 0 (0: off), not %g",
                         p->clip_value);
  if (p->early_stop < 0)
    return nn_error_set (err, NN_ERR_INVALID, "early-stopping patience must be ≥ 0 (0: off)");
  if (!(isfinite (p->divergence_factor) && p->divergence_factor >= 0.0))
    return nn_error_set (err, NN_ERR_INVALID, "the divergence factor must be ≥ 0 (0: off)");
  if (p->histogram_every < 0 || p->histogram_bins < 1 || p->histogram_bins > 4096)
    return nn_error_set (err, NN_ERR_INVALID, "histograms need 1 to 4096 bins and a period ≥ 0");
  return NN_OK;
}

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static bool
has_batchnorm (const nn_model *m)
{
  for (size_t i = 0; i < nn_model_n_ops (m); i++)
    if (nn_model_op (m, i)->kind == NN_OP_BATCHNORM)
      return true;
  return false;
}

void
nn_trainer_free (nn_trainer *t)
{
  if (t == NULL)
    return;
  free (t->order);
  free (t->xb);
  free (t->yb);
  free (t->tb);
  free (t->pred);
  free (t->spare_params);
  free (t->opt_state[0]);
  free (t->opt_state[1]);
  free (t->buffers_before);
  free (t->buffers_prev);
  free (t->best_params);
  free (t->best_buffers);
  free (t->sums);
  free (t->grad_sq);
  free (t->ops);
  for (int h = 0; h < HIST_KINDS; h++)
    free (t->hist[h]);
  free (t->hist_counts);
  free (t->alive);
  free (t->unit_scratch);
  free (t->alive_offset);
  free (t->dead);
  free (t->seg_first);
  free (t->seg_count);
  free (t);
}

/* The loss of predicting without looking at the input — uniform class
 * probabilities (CE: ln k; BCE: ln 2; MSE on one-hot rows: (k − 1)/k²) or
 * the mean target (MSE: the targets' variance) — so that divergence is
 * judged on the scale of the problem, not only of a first batch that may
 * happen to fit well. */
static double
baseline_loss (nn_loss           loss,
               const nn_dataset *train,
               size_t            k)
{
  double total = 0.0;

  switch (loss)
    {
    case NN_LOSS_CE:
      return log ((double) k);
    case NN_LOSS_BCE:
      return log (2.0);
    case NN_LOSS_MSE:
    case NN_LOSS_COUNT:
      if (train->t == NULL)
        return (double) (k - 1) / ((double) k * (double) k);
      for (size_t j = 0; j < train->k; j++)
        {
          double mean = 0.0, m2 = 0.0;

          /* Welford's running variance */
          for (size_t i = 0; i < train->n; i++)
            {
              double v = train->t[i * train->k + j], delta = v - mean;

              mean += delta / (double) (i + 1);
              m2 += delta * (v - mean);
            }
          total += m2 / (double) train->n;
        }
      break;
    }
  return isfinite (total) ? total / (double) train->k : 0.0;
}

nn_trainer *
nn_trainer_new (nn_model                *model,
                const nn_trainer_params *params,
                const nn_dataset        *train,
                const nn_dataset        *val,
                nn_error                *err)
{
  nn_trainer *t;
  size_t n_params = nn_model_n_params (model), n_buffers = nn_model_n_buffers (model);
  size_t n_ops = nn_model_n_ops (model), n_segs = nn_model_n_segments (model);
  size_t d = nn_model_inputs (model), k = nn_model_outputs (model);
  size_t bins = params->histogram_bins, units = 0, hist_total = 0, widest = 0;

  if (nn_trainer_params_check (params, err) != NN_OK)
    return NULL;
  if (train == NULL || train->n == 0)
    {
      nn_error_set (err, NN_ERR_INVALID, "there are no training rows");
      return NULL;
    }
  if (train->d != d)
    {
      nn_error_set (err, NN_ERR_INVALID, "the data have %zu features but the model takes %zu",
                    train->d, d);
      return NULL;
    }
  if (val != NULL && val->n > 0 && val->d != d)
    {
      nn_error_set (err, NN_ERR_INVALID, "the validation data have %zu features but the model "
                    "takes %zu", val->d, d);
      return NULL;
    }
  if ((train->y == NULL) == (train->t == NULL)
      || nn_loss_check (nn_model_get_spec (model)->loss, train->task, train->k, k, err) != NN_OK)
    {
      if ((train->y == NULL) == (train->t == NULL))
        nn_error_set (err, NN_ERR_INVALID, "the training data need either class ids or targets");
      return NULL;
    }
  if (val != NULL && val->n > 0
      && (val->task != train->task || val->k != train->k || (val->y == NULL) != (train->y == NULL)
          || (val->t == NULL) != (train->t == NULL)))
    {
      nn_error_set (err, NN_ERR_INVALID, "the validation data have other labels than the "
                    "training data (%zu %s against %zu)", val->k,
                    val->task == NN_TASK_CLASSIFICATION ? "classes" : "targets", train->k);
      return NULL;
    }
  if (params->early_stop > 0 && (val == NULL || val->n == 0))
    {
      nn_error_set (err, NN_ERR_INVALID, "early stopping watches the validation loss; give a "
                    "validation split above 0");
      return NULL;
    }

  t = calloc (1, sizeof *t);
  if (t == NULL)
    goto nomem;
  t->model = model;
  t->p = *params;
  t->train = *train;
  t->train.owned = false;
  t->has_val = val != NULL && val->n > 0;
  if (t->has_val)
    {
      t->val = *val;
      t->val.owned = false;
    }
  t->outputs = k;
  t->batch = params->opt.kind == NN_OPT_GD || params->batch > train->n ? train->n : params->batch;
  if (t->batch > nn_model_max_batch (model))
    {
      nn_error_set (err, NN_ERR_INVALID, "batches of %zu rows do not fit a model built for %zu",
                    t->batch, nn_model_max_batch (model));
      nn_trainer_free (t);
      return NULL;
    }
  t->batches = (train->n + t->batch - 1) / t->batch;
  /* Batch norm cannot normalise a batch of one row (torch refuses it): a
   * last batch of one is left out of the epoch. */
  if (has_batchnorm (model) && train->n % t->batch == 1 && t->batches > 1)
    t->batches--;
  if (t->p.schedule.kind == NN_SCHEDULE_COSINE && t->p.schedule.t_max == 0)
    t->p.schedule.t_max = params->epochs;

  nn_rng_seed (&t->rng, params->seed);
  nn_schedule_init (&t->sched, &t->p.schedule, params->opt.lr);
  t->slots = nn_optimizer_state_slots (&params->opt);

  t->order = malloc (train->n * sizeof *t->order);
  t->xb = malloc (t->batch * d * sizeof *t->xb);
  t->pred = malloc (t->batch * sizeof *t->pred);
  if (train->y != NULL)
    t->yb = malloc (t->batch * sizeof *t->yb);
  else
    t->tb = malloc (t->batch * k * sizeof *t->tb);
  t->spare_params = malloc (n_params * sizeof (float));
  t->opt_state[0] = malloc ((t->slots * n_params + 1) * sizeof (float));
  t->opt_state[1] = malloc ((t->slots * n_params + 1) * sizeof (float));
  t->buffers_before = malloc ((n_buffers + 1) * sizeof (float));
  t->buffers_prev = malloc ((n_buffers + 1) * sizeof (float));
  t->sums = calloc (n_segs, sizeof *t->sums);
  t->grad_sq = calloc (n_segs, sizeof *t->grad_sq);
  t->ops = calloc (n_ops, sizeof *t->ops);
  t->alive_offset = calloc (n_ops, sizeof *t->alive_offset);
  t->dead = calloc (n_ops, sizeof *t->dead);
  t->seg_first = calloc (n_ops, sizeof *t->seg_first);
  t->seg_count = calloc (n_ops, sizeof *t->seg_count);
  if (!t->order || !t->xb || !t->pred || (!t->yb && !t->tb) || !t->spare_params || !t->opt_state[0]
      || !t->opt_state[1] || !t->buffers_before || !t->buffers_prev || !t->sums || !t->grad_sq || !t->ops
      || !t->alive_offset || !t->dead || !t->seg_first || !t->seg_count)
    goto nomem;
  if (params->early_stop > 0)
    {
      t->best_params = malloc (n_params * sizeof (float));
      t->best_buffers = malloc ((n_buffers + 1) * sizeof (float));
      if (!t->best_params || !t->best_buffers)
        goto nomem;
    }

  for (size_t i = 0; i < n_ops; i++)
    {
      const nn_op *op = nn_model_op (model, i);

      t->alive_offset[i] = units;
      if (op->out > widest)
        widest = op->out;
      if (op->kind == NN_OP_ACTIVATION && nn_activation_can_die (op->act))
        units += op->out;
      hist_total += 3 * bins;
    }
  t->alive = calloc (units + 1, 1);
  t->unit_scratch = calloc (widest + 1, 1);
  t->hist_counts = calloc (hist_total, sizeof *t->hist_counts);
  if (!t->alive || !t->unit_scratch || !t->hist_counts)
    goto nomem;
  for (int h = 0; h < HIST_KINDS; h++)
    {
      t->hist[h] = calloc (n_ops, sizeof (nn_histogram));
      if (t->hist[h] == NULL)
        goto nomem;
      for (size_t i = 0; i < n_ops; i++)
        {
          /* Ops without parameters have no weight or gradient histogram. */
          t->hist[h][i].bins = h != HIST_ACT && nn_model_op (model, i)->n_params == 0 ? 0 : bins;
          t->hist[h][i].counts = t->hist_counts + ((size_t) h * n_ops + i) * bins;
        }
    }

  /* Segments come op by op, so each op's are contiguous. */
  for (size_t s = n_segs; s-- > 0;)
    {
      t->seg_first[nn_model_segments (model)[s].op] = s;
      t->seg_count[nn_model_segments (model)[s].op]++;
    }
  nn_optimizer_state_init (&params->opt, n_params, t->opt_state[0]);
  t->baseline_loss = baseline_loss (nn_model_get_spec (model)->loss, train, k);
  t->best_val = INFINITY;
  t->last_loss = NAN;
  t->first_loss = NAN;
  t->state = NN_TRAIN_RUNNING;
  return t;

nomem:
  nn_trainer_free (t);
  nn_error_set (err, NN_ERR_NOMEM, "out of memory for the trainer");
  return NULL;
}

void
nn_trainer_set_callbacks (nn_trainer  *t,
                          nn_step_cb   on_step,
                          nn_epoch_cb  on_epoch,
                          void        *user)
{
  t->on_step = on_step;
  t->on_epoch = on_epoch;
  t->user = user;
}

double
nn_trainer_get_lr (const nn_trainer *t)
{
  return t->sched.lr;
}

void
nn_trainer_set_lr (nn_trainer *t,
                   double      lr)
{
  if (isfinite (lr) && lr > 0.0)
    nn_schedule_set_lr (&t->sched, lr);
}

nn_train_state
nn_trainer_get_state (const nn_trainer *t)
{
  return t->state;
}

uint64_t
nn_trainer_get_step (const nn_trainer *t)
{
  return t->step;
}

int
nn_trainer_get_epoch (const nn_trainer *t)
{
  return t->epoch;
}

int
nn_trainer_best_epoch (const nn_trainer *t)
{
  return t->best_epoch;
}

const nn_divergence *
nn_trainer_get_divergence (const nn_trainer *t)
{
  return &t->divergence;
}

static void
start_epoch (nn_trainer *t)
{
  size_t n = t->train.n;

  for (size_t i = 0; i < n; i++)
    t->order[i] = (uint32_t) i;
  if (t->p.shuffle)
    nn_rng_shuffle (&t->rng, t->order, n);
  t->epoch_loss = 0.0;
  t->epoch_correct = 0;
  t->epoch_rows = 0;
  t->epoch_train_seconds = 0.0;
  t->epoch_started = now_seconds ();
  for (size_t i = 0; i < nn_model_n_ops (t->model); i++)
    {
      const nn_op *op = nn_model_op (t->model, i);

      if (op->kind == NN_OP_ACTIVATION && nn_activation_can_die (op->act))
        memset (t->alive + t->alive_offset[i], 0, op->out);
    }
}

/* Copies the rows of batch @b into the batch buffers; returns its size. */
static size_t
gather_batch (nn_trainer *t,
              size_t      b)
{
  const nn_dataset *ds = &t->train;
  size_t first = b * t->batch;
  size_t rows = ds->n - first < t->batch ? ds->n - first : t->batch;

  for (size_t r = 0; r < rows; r++)
    {
      size_t src = t->order[first + r];

      memcpy (t->xb + r * ds->d, ds->x + src * ds->d, ds->d * sizeof (float));
      if (t->yb != NULL)
        t->yb[r] = ds->y[src];
      else
        memcpy (t->tb + r * ds->k, ds->t + src * ds->k, ds->k * sizeof (float));
    }
  return rows;
}

static bool
all_finite (const float *x,
            size_t       n)
{
  float acc = 0.0f;

#pragma omp simd reduction(+:acc)
  for (size_t i = 0; i < n; i++)
    acc += x[i] - x[i];
  return acc == 0.0f;
}

/* Stops the run as diverged. A bad gradient or update is never applied, so
 * the parameters stay those of the step before; a bad loss was produced by
 * the last update itself, so when @undo_last is set that update is taken
 * back too (its inputs are still in the spare arrays). */
static nn_train_state
diverge (nn_trainer *t,
         const char *what,
         size_t      op,
         double      loss,
         bool        undo_last)
{
  nn_model *m = t->model;
  nn_divergence *d = &t->divergence;
  size_t n_buffers = nn_model_n_buffers (m);
  uint64_t kept = t->step - 1;
  char desc[64] = "", where[96] = "", value[96] = "";

  if (undo_last && t->can_undo)
    {
      t->spare_params = nn_model_swap_params (m, t->spare_params);
      t->cur ^= 1;
      t->can_undo = false;
      kept--;
      memcpy (nn_model_buffers (m), t->buffers_prev, n_buffers * sizeof (float));
    }
  else
    memcpy (nn_model_buffers (m), t->buffers_before, n_buffers * sizeof (float));

  d->step = t->step;
  d->epoch = t->epoch + 1;
  d->op = op;
  snprintf (d->what, sizeof d->what, "%s", what);
  d->last_loss = t->last_loss;
  if (op != SIZE_MAX)
    {
      nn_model_describe_op (m, op, desc, sizeof desc);
      snprintf (where, sizeof where, " of layers.%zu (%s)", op, desc);
    }
  if (isfinite (loss) && t->first_loss >= t->baseline_loss)
    snprintf (value, sizeof value, " grew to %.3g, over %.0f times its first value %.3g,",
              loss, t->p.divergence_factor, t->first_loss);
  else if (isfinite (loss))
    snprintf (value, sizeof value, " grew to %.3g, over %.0f times that of a constant "
              "prediction (%.3g),", loss, t->p.divergence_factor, t->baseline_loss);
  else
    snprintf (value, sizeof value, " went non-finite");
  if (strcmp (what, "input data") == 0)
    snprintf (d->message, sizeof d->message, "the input data of step %llu (epoch %d) hold "
              "NaN or infinite values; the weights are kept as of step %llu",
              (unsigned long long) d->step, d->epoch, (unsigned long long) kept);
  else
    snprintf (d->message, sizeof d->message, "the %s%s%s at step %llu (epoch %d); the weights "
              "are rolled back to step %llu", what, where, value, (unsigned long long) d->step,
              d->epoch, (unsigned long long) kept);
  t->state = NN_TRAIN_DIVERGED;
  return t->state;
}

/* The first op, from the input, whose output holds a non-finite value. */
static size_t
first_nonfinite_output (nn_trainer *t,
                        size_t      rows)
{
  for (size_t i = 0; i < nn_model_n_ops (t->model); i++)
    if (!all_finite (nn_model_activation (t->model, i), rows * nn_model_op (t->model, i)->out))
      return i;
  return SIZE_MAX;
}

/* The L1 penalty (part of the loss, so of the gradient) on the weight
 * segments in [first, first + count), then clip_grad_value_, in torch's
 * order. With clipping on, t->grad_sq of those segments gets Σg² before
 * clipping (without, the optimizer's own sums give it). */
static void
prepare_segments (nn_trainer *t,
                  size_t      first,
                  size_t      count)
{
  nn_model *m = t->model;
  const nn_param_segment *segs = nn_model_segments (m);
  float *g = nn_model_grads (m);
  const float *w = nn_model_params (m);

  for (size_t s = first; s < first + count; s++)
    {
      float *gs = g + segs[s].offset;
      const float *ws = w + segs[s].offset;
      size_t n = segs[s].count;

      if (t->p.l1 > 0.0 && segs[s].decay)
        {
          float l1 = (float) t->p.l1;

#pragma omp simd
          for (size_t i = 0; i < n; i++)
            gs[i] += ws[i] > 0.0f ? l1 : ws[i] < 0.0f ? -l1 : 0.0f;
        }
      if (t->p.clip_norm > 0.0 || t->p.clip_value > 0.0)
        {
          double sq = 0.0;

#pragma omp simd reduction(+:sq)
          for (size_t i = 0; i < n; i++)
            sq += (double) gs[i] * gs[i];
          t->grad_sq[s] = sq;
        }
      if (t->p.clip_value > 0.0)
        {
          float v = (float) t->p.clip_value;

#pragma omp simd
          for (size_t i = 0; i < n; i++)
            gs[i] = gs[i] > v ? v : gs[i] < -v ? -v : gs[i];
        }
    }
}

/* clip_grad_norm_ over every gradient, after value clipping when both are
 * on: coef = max_norm / (total_norm + 1e-6), applied when below 1. */
static void
clip_global_norm (nn_trainer *t)
{
  nn_model *m = t->model;
  size_t n = nn_model_n_params (m), n_segs = nn_model_n_segments (m);
  float *g = nn_model_grads (m);
  double total = 0.0, coef;

  if (t->p.clip_value > 0.0)
    {
#pragma omp simd reduction(+:total)
      for (size_t i = 0; i < n; i++)
        total += (double) g[i] * g[i];
    }
  else
    for (size_t s = 0; s < n_segs; s++)
      total += t->grad_sq[s];
  coef = t->p.clip_norm / (sqrt (total) + 1e-6);
  if (coef < 1.0)
    for (size_t i = 0; i < n; i++)
      g[i] = (float) ((double) g[i] * coef);
}

/* Updates the segments [first, first + count) into the spare arrays. */
static void
update_segments (nn_trainer *t,
                 size_t      first,
                 size_t      count)
{
  nn_model *m = t->model;

  nn_optimizer_step (&t->p.opt, t->step_lr, t->step, nn_model_segments (m) + first, count,
                     nn_model_n_params (m), nn_model_params (m), t->spare_params,
                     nn_model_grads (m), t->opt_state[t->cur], t->opt_state[t->cur ^ 1],
                     t->sums + first);
}

/* Without global-norm clipping each op is penalised, clipped and updated as
 * soon as back-propagation is done with it, while its gradient is still in
 * cache; the update goes to the spare arrays, so a later op going
 * non-finite still leaves the current parameters whole. */
static void
update_op_cb (size_t  op,
              void   *user)
{
  nn_trainer *t = user;

  prepare_segments (t, t->seg_first[op], t->seg_count[op]);
  update_segments (t, t->seg_first[op], t->seg_count[op]);
}

/* Fewer bins for few values, so 64 weights do not make 64 spikes: at
 * least 8 values a bin on average, at least 10 bins, at most the bins
 * asked for. */
static void
fill_one (nn_histogram *h,
          size_t        max_bins,
          const float  *x,
          size_t        n)
{
  size_t bins = n / 8 > 10 ? n / 8 : 10;

  h->bins = bins < max_bins ? bins : max_bins;
  nn_histogram_fill (h, x, n);
}

static void
fill_histograms (nn_trainer *t,
                 size_t      rows)
{
  nn_model *m = t->model;
  size_t bins = t->p.histogram_bins;

  for (size_t i = 0; i < nn_model_n_ops (m); i++)
    {
      const nn_op *op = nn_model_op (m, i);

      if (op->n_weights > 0)
        {
          fill_one (&t->hist[HIST_WEIGHT][i], bins, nn_model_params (m) + op->param_offset,
                    op->n_weights);
          fill_one (&t->hist[HIST_GRAD][i], bins, nn_model_grads (m) + op->param_offset,
                    op->n_weights);
        }
      fill_one (&t->hist[HIST_ACT][i], bins, nn_model_activation (m, i), rows * op->out);
    }
}

static void
end_epoch (nn_trainer *t,
           double      lr_used)
{
  nn_model *m = t->model;
  nn_epoch_report r = { 0 };
  size_t n_ops = nn_model_n_ops (m);
  double metric;

  t->epoch++;
  r.epoch = t->epoch;
  r.steps = t->step;
  r.train_loss = t->epoch_loss / (double) t->epoch_rows;
  r.train_accuracy = t->yb != NULL ? (double) t->epoch_correct / (double) t->epoch_rows : NAN;
  r.val_loss = NAN;
  r.val_accuracy = NAN;
  r.has_val = t->has_val;
  if (t->has_val)
    {
      nn_class_metrics *cm = NULL;

      if (t->val.y != NULL)
        cm = nn_class_metrics_new (t->val.k, NULL);
      if (nn_evaluate (m, &t->val, &r.val_loss, cm, NULL, NULL) == NN_OK && cm != NULL)
        {
          nn_class_metrics_finish (cm);
          r.val_accuracy = cm->accuracy;
        }
      nn_class_metrics_free (cm);
    }
  r.lr = lr_used;
  r.samples_per_s = t->epoch_train_seconds > 0.0
                    ? (double) t->epoch_rows / t->epoch_train_seconds : 0.0;
  r.n_ops = n_ops;
  for (size_t i = 0; i < n_ops; i++)
    {
      const nn_op *op = nn_model_op (m, i);

      t->dead[i] = NAN;
      if (t->p.stats && op->kind == NN_OP_ACTIVATION && nn_activation_can_die (op->act))
        {
          size_t dead = 0;

          for (size_t j = 0; j < op->out; j++)
            dead += !t->alive[t->alive_offset[i] + j];
          t->dead[i] = (double) dead / (double) op->out;
        }
    }
  r.dead_fraction = t->dead;

  if (t->has_val && r.val_loss < t->best_val)
    {
      t->best_val = r.val_loss;
      t->best_epoch = t->epoch;
      t->bad_epochs = 0;
      r.improved = true;
      if (t->best_params != NULL)
        {
          memcpy (t->best_params, nn_model_params (m), nn_model_n_params (m) * sizeof (float));
          memcpy (t->best_buffers, nn_model_buffers (m), nn_model_n_buffers (m) * sizeof (float));
        }
    }
  else if (t->has_val)
    t->bad_epochs++;

  metric = t->has_val ? r.val_loss : r.train_loss;
  nn_schedule_epoch_end (&t->sched, metric);
  r.seconds = now_seconds () - t->epoch_started;

  if (t->p.early_stop > 0 && t->bad_epochs >= t->p.early_stop)
    t->state = NN_TRAIN_EARLY_STOPPED;
  else if (t->epoch >= t->p.epochs)
    t->state = NN_TRAIN_FINISHED;
  if (t->state != NN_TRAIN_RUNNING && t->best_params != NULL && t->best_epoch > 0
      && t->best_epoch != t->epoch)
    {
      memcpy (nn_model_params (m), t->best_params, nn_model_n_params (m) * sizeof (float));
      memcpy (nn_model_buffers (m), t->best_buffers, nn_model_n_buffers (m) * sizeof (float));
    }
  if (t->on_epoch != NULL && !t->on_epoch (&r, t->user) && t->state == NN_TRAIN_RUNNING)
    t->state = NN_TRAIN_STOPPED;
}

nn_train_state
nn_trainer_step (nn_trainer *t)
{
  nn_model *m = t->model;
  const nn_model_spec *spec = nn_model_get_spec (m);
  size_t n_ops = nn_model_n_ops (m), n_segs = nn_model_n_segments (m);
  const nn_param_segment *segs = nn_model_segments (m);
  nn_step_report r = { 0 };
  size_t rows, b;
  double started, loss, lr, total_sq = 0.0;
  bool clipped = t->p.clip_norm > 0.0 || t->p.clip_value > 0.0;
  const float *out;
  float *old;

  if (t->state != NN_TRAIN_RUNNING && t->state != NN_TRAIN_STOPPED)
    return t->state;
  t->state = NN_TRAIN_RUNNING;
  if (t->next_batch == 0)
    start_epoch (t);
  started = now_seconds ();
  b = t->next_batch;
  rows = gather_batch (t, b);
  t->step++;
  lr = nn_schedule_lr_at_step (&t->sched, (unsigned long) t->step);
  {
    float *tmp = t->buffers_prev;

    t->buffers_prev = t->buffers_before;
    t->buffers_before = tmp;
    memcpy (t->buffers_before, nn_model_buffers (m), nn_model_n_buffers (m) * sizeof (float));
  }

  out = nn_model_forward (m, t->xb, rows, NN_MODE_TRAIN, &t->rng);
  loss = nn_loss_compute (spec->loss, out, rows, t->outputs, t->yb, t->tb,
                          nn_model_output_grad (m), t->pred);
  if (!isfinite (loss))
    {
      size_t op = first_nonfinite_output (t, rows);

      /* Bad data are no fault of the last update: keep it. */
      if (op == 0 && !all_finite (t->xb, rows * nn_model_inputs (m)))
        return diverge (t, "input data", SIZE_MAX, loss, false);
      return diverge (t, op == SIZE_MAX ? "loss" : "output", op, loss, true);
    }
  if (isnan (t->first_loss))
    t->first_loss = loss;
  if (t->p.divergence_factor > 0.0 && fmax (t->first_loss, t->baseline_loss) > 0.0
      && loss > t->p.divergence_factor * fmax (t->first_loss, t->baseline_loss))
    return diverge (t, "loss", SIZE_MAX, loss, true);
  t->step_lr = lr;
  if (t->p.clip_norm > 0.0)
    {
      /* The global norm needs every gradient before any update. */
      double total = 0.0;

      nn_model_backward (m);
      prepare_segments (t, 0, n_segs);
      for (size_t s = 0; s < n_segs; s++)
        total += t->grad_sq[s];
      if (!isfinite (total))
        {
          size_t op = SIZE_MAX;

          for (size_t s = 0; s < n_segs; s++)
            if (!isfinite (t->grad_sq[s]))
              op = segs[s].op;
          return diverge (t, "gradient", op, NAN, false);
        }
      clip_global_norm (t);
      update_segments (t, 0, n_segs);
    }
  else
    nn_model_backward_hooked (m, update_op_cb, t);
  if (!clipped)
    for (size_t s = 0; s < n_segs; s++)
      t->grad_sq[s] = t->sums[s].grad_sq;
  {
    size_t op = SIZE_MAX;

    /* Back-propagation runs from the output: the last op with a non-finite
     * gradient is where it first went bad. */
    for (size_t s = 0; s < n_segs; s++)
      if (!isfinite (t->grad_sq[s]))
        op = segs[s].op;
    if (op != SIZE_MAX)
      return diverge (t, "gradient", op, NAN, false);
  }
  for (size_t s = 0; s < n_segs; s++)
    if (!isfinite (t->sums[s].weight_sq) || !isfinite (t->sums[s].update_sq))
      return diverge (t, "parameters", segs[s].op, NAN, false);

  old = nn_model_swap_params (m, t->spare_params);
  t->spare_params = old;
  t->cur ^= 1;
  t->can_undo = true;
  t->last_loss = loss;

  /* The step's statistics. */
  memset (t->ops, 0, n_ops * sizeof *t->ops);
  for (size_t s = 0; s < n_segs; s++)
    {
      nn_op_stats *o = &t->ops[segs[s].op];

      o->grad_norm += t->grad_sq[s];
      o->weight_norm += t->sums[s].weight_sq;
      o->update_ratio += t->sums[s].update_sq;
      total_sq += t->grad_sq[s];
    }
  for (size_t i = 0; i < n_ops; i++)
    {
      nn_op_stats *o = &t->ops[i];

      o->grad_norm = sqrt (o->grad_norm);
      o->weight_norm = sqrt (o->weight_norm);
      o->update_ratio = o->weight_norm > 0.0 ? sqrt (o->update_ratio) / o->weight_norm : 0.0;
      if (t->p.stats)
        {
          const nn_op *op = nn_model_op (m, i);
          bool dies = op->kind == NN_OP_ACTIVATION && nn_activation_can_die (op->act);

          nn_stats_activations (nn_model_activation (m, i), rows, op->out,
                                op->kind == NN_OP_ACTIVATION ? op->act : NN_ACT_IDENTITY, o,
                                dies ? t->alive + t->alive_offset[i] : NULL,
                                t->unit_scratch);
        }
    }

  t->epoch_loss += loss * (double) rows;
  t->epoch_rows += rows;
  if (t->yb != NULL)
    for (size_t r2 = 0; r2 < rows; r2++)
      t->epoch_correct += t->pred[r2] == t->yb[r2];
  t->next_batch = b + 1 < t->batches ? b + 1 : 0;

  r.step = t->step;
  r.epoch = t->epoch + 1;
  r.batch = b + 1;
  r.batches = t->batches;
  r.rows = rows;
  r.loss = loss;
  r.lr = lr;
  r.grad_norm = sqrt (total_sq);
  r.n_ops = n_ops;
  r.ops = t->ops;
  if (t->p.stats && ((t->p.histogram_every > 0 && t->step % (uint64_t) t->p.histogram_every == 0)
                     || t->next_batch == 0))
    {
      fill_histograms (t, rows);
      r.has_histograms = true;
      r.weight_hist = t->hist[HIST_WEIGHT];
      r.grad_hist = t->hist[HIST_GRAD];
      r.act_hist = t->hist[HIST_ACT];
    }
  t->epoch_train_seconds += now_seconds () - started;

  if (t->on_step != NULL && !t->on_step (&r, t->user))
    t->state = NN_TRAIN_STOPPED;
  if (t->next_batch == 0)
    {
      nn_train_state before = t->state;

      t->state = NN_TRAIN_RUNNING;
      end_epoch (t, t->sched.lr);
      if (before == NN_TRAIN_STOPPED && t->state == NN_TRAIN_RUNNING)
        t->state = NN_TRAIN_STOPPED;
    }
  return t->state;
}

bool
nn_trainer_recover (nn_trainer *t,
                    double      lr)
{
  if (t->state != NN_TRAIN_DIVERGED || !(isfinite (lr) && lr > 0.0))
    return false;
  /* The step that diverged is taken again, from the rolled-back state. */
  t->step = t->divergence.step - 1;
  nn_schedule_set_lr (&t->sched, lr);
  t->state = NN_TRAIN_RUNNING;
  return true;
}

nn_train_state
nn_trainer_run (nn_trainer *t)
{
  nn_train_state st;

  if (t->state == NN_TRAIN_STOPPED)
    t->state = NN_TRAIN_RUNNING;
  do
    st = nn_trainer_step (t);
  while (st == NN_TRAIN_RUNNING);
  return st;
}
