/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "loss.h"

#include <math.h>
#include <string.h>

static const char *const names[NN_LOSS_COUNT] = {
  [NN_LOSS_CE] = "ce",
  [NN_LOSS_BCE] = "bce",
  [NN_LOSS_MSE] = "mse",
};

const char *
nn_loss_name (nn_loss loss)
{
  return loss < NN_LOSS_COUNT ? names[loss] : "unknown";
}

bool
nn_loss_from_name (const char *name,
                   nn_loss    *loss)
{
  for (int l = 0; l < NN_LOSS_COUNT; l++)
    if (strcmp (name, names[l]) == 0)
      {
        *loss = (nn_loss) l;
        return true;
      }
  return false;
}

const char *
nn_loss_output_name (nn_loss loss)
{
  switch (loss)
    {
    case NN_LOSS_CE: return "softmax";
    case NN_LOSS_BCE: return "sigmoid";
    case NN_LOSS_MSE: return "identity";
    case NN_LOSS_COUNT: break;
    }
  return "unknown";
}

size_t
nn_loss_outputs (nn_loss loss,
                 nn_task task,
                 size_t  k)
{
  if (loss == NN_LOSS_BCE && task == NN_TASK_CLASSIFICATION && k == 2)
    return 1;
  return k;
}

nn_status
nn_loss_check (nn_loss   loss,
               nn_task   task,
               size_t    k,
               size_t    units,
               nn_error *err)
{
  size_t want = nn_loss_outputs (loss, task, k);

  if (task == NN_TASK_REGRESSION)
    {
      if (loss == NN_LOSS_CE)
        return nn_error_set (err, NN_ERR_INVALID, "the ce loss needs class labels, but the data "
                             "are a regression task; use mse");
      if (units != k)
        return nn_error_set (err, NN_ERR_INVALID, "the last layer has %zu unit%s but the data "
                             "have %zu target column%s; make it dense:%zu", units,
                             units == 1 ? "" : "s", k, k == 1 ? "" : "s", k);
      return NN_OK;
    }
  if (k < 2)
    return nn_error_set (err, NN_ERR_INVALID, "classification needs at least 2 classes, "
                         "the data have %zu", k);
  if (loss == NN_LOSS_BCE && k == 2 && (units == 1 || units == 2))
    return NN_OK;
  if (units != want)
    return nn_error_set (err, NN_ERR_INVALID, "the last layer has %zu unit%s but the data "
                         "have %zu classes; make it dense:%zu", units, units == 1 ? "" : "s",
                         k, want);
  return NN_OK;
}

void
nn_loss_predict (const float *logits,
                 size_t       n,
                 size_t       k,
                 int32_t     *pred)
{
  for (size_t i = 0; i < n; i++)
    {
      const float *z = logits + i * k;
      size_t best = 0;

      if (k == 1)
        {
          pred[i] = z[0] > 0.0f;
          continue;
        }
      for (size_t j = 1; j < k; j++)
        if (z[j] > z[best])
          best = j;
      pred[i] = (int32_t) best;
    }
}

/* Softmax cross-entropy of one row: log Σ e^z − z_y, with the maximum
 * subtracted first; the gradient row is (softmax − onehot) · scale. */
static double
ce_row (const float *z,
        size_t       k,
        int32_t      y,
        float       *dz,
        double       scale)
{
  float max = z[0];
  double sum = 0.0, lse;

  for (size_t j = 1; j < k; j++)
    if (z[j] > max)
      max = z[j];
  for (size_t j = 0; j < k; j++)
    sum += exp ((double) z[j] - max);
  lse = log (sum) + max;
  if (dz != NULL)
    {
      for (size_t j = 0; j < k; j++)
        dz[j] = (float) (exp ((double) z[j] - lse) * scale);
      dz[y] -= (float) scale;
    }
  return lse - z[y];
}

/* Σ of the loss terms of @n rows added to @total; fills @dlogits (scaled
 * by @scale, the mean's 1/count) when given. */
static double
loss_sum (nn_loss        loss,
          const float   *logits,
          size_t         n,
          size_t         k,
          const int32_t *classes,
          const float   *targets,
          float         *dlogits,
          double         scale,
          double         total)
{
  for (size_t i = 0; i < n; i++)
    {
      const float *z = logits + i * k;
      float *dz = dlogits != NULL ? dlogits + i * k : NULL;

      if (loss == NN_LOSS_CE)
        {
          total += ce_row (z, k, classes[i], dz, scale);
          continue;
        }
      for (size_t j = 0; j < k; j++)
        {
          double t, x = z[j];

          if (classes != NULL)
            t = k == 1 ? (double) (classes[i] == 1) : (double) ((size_t) classes[i] == j);
          else
            t = targets[i * k + j];
          if (loss == NN_LOSS_BCE)
            {
              /* max(x, 0) − x·t + log(1 + e^−|x|), stable for any x */
              total += fmax (x, 0.0) - x * t + log1p (exp (-fabs (x)));
              if (dz != NULL)
                {
                  double s = x >= 0 ? 1.0 / (1.0 + exp (-x)) : exp (x) / (1.0 + exp (x));
                  dz[j] = (float) ((s - t) * scale);
                }
            }
          else
            {
              total += (x - t) * (x - t);
              if (dz != NULL)
                dz[j] = (float) (2.0 * (x - t) * scale);
            }
        }
    }
  return total;
}

double
nn_loss_compute (nn_loss        loss,
                 const float   *logits,
                 size_t         n,
                 size_t         k,
                 const int32_t *classes,
                 const float   *targets,
                 float         *dlogits,
                 int32_t       *pred)
{
  double scale = loss == NN_LOSS_CE ? 1.0 / (double) n : 1.0 / ((double) n * (double) k);

  if (n == 0)
    return 0.0;
  if (pred != NULL && classes != NULL)
    nn_loss_predict (logits, n, k, pred);
  return loss_sum (loss, logits, n, k, classes, targets, dlogits, scale, 0.0) * scale;
}

double
nn_loss_accumulate (nn_loss        loss,
                    const float   *logits,
                    size_t         n,
                    size_t         k,
                    const int32_t *classes,
                    const float   *targets,
                    int32_t       *pred,
                    double         total)
{
  if (pred != NULL && classes != NULL)
    nn_loss_predict (logits, n, k, pred);
  return loss_sum (loss, logits, n, k, classes, targets, NULL, 1.0, total);
}
