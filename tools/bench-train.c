/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Training throughput of the engine on MNIST-shaped data, for tools/bench:
 *   bench-train HIDDEN BATCH EPOCHS THREADS
 * e.g. "bench-train 512,256 64 5 2" trains 784-512-256-10 with Adam at
 * batch 64 on 60 000 random rows, EPOCHS epochs with statistics on and as
 * many with them off, alternating epoch by epoch so that both see the same
 * machine, and prints one line: the median training samples/s of each
 * (statistics on, then off) over their epochs after the first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "gemm.h"
#include "model.h"
#include "trainer.h"

#define ROWS 60000
#define FEATURES 784
#define CLASSES 10
#define MAX_EPOCHS 64

typedef struct
{
  double rate[MAX_EPOCHS];
  int    epochs;
} Rates;

/* Records the epoch's rate and hands over to the other trainer. */
static bool
epoch_cb (const nn_epoch_report *r,
          void                  *user)
{
  Rates *rates = user;

  if (rates->epochs < MAX_EPOCHS)
    rates->rate[rates->epochs++] = r->samples_per_s;
  return false;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median rate over the epochs after the first, which warms caches and
 * the BLAS thread pool. */
static double
median_rate (Rates *r)
{
  int skip = r->epochs > 1 ? 1 : 0;

  qsort (r->rate + skip, (size_t) (r->epochs - skip), sizeof (double), compare_double);
  return r->rate[skip + (r->epochs - skip) / 2];
}

int
main (int    argc,
      char **argv)
{
  nn_model_spec spec;
  nn_trainer_params p = nn_trainer_params_default ();
  char layers[256] = "";
  nn_error err = { 0 };
  nn_dataset *ds;
  nn_model *model[2];
  nn_trainer *trainer[2];
  Rates rates[2] = { 0 };
  nn_rng rng;

  if (argc != 5)
    {
      fprintf (stderr, "usage: bench-train HIDDEN BATCH EPOCHS THREADS\n");
      return 2;
    }
  for (char *h = strtok (argv[1], ","); h != NULL; h = strtok (NULL, ","))
    snprintf (layers + strlen (layers), sizeof layers - strlen (layers), "dense:%s:relu,", h);
  snprintf (layers + strlen (layers), sizeof layers - strlen (layers), "dense:%d", CLASSES);
  p.batch = (size_t) atoi (argv[2]);
  p.epochs = atoi (argv[3]);
  p.opt.lr = 1e-3;
  p.divergence_factor = 0.0;
  if (p.epochs < 2 || p.epochs > MAX_EPOCHS || p.batch < 1)
    return 2;
  nn_gemm_set_threads (atoi (argv[4]));

  /* Pixel-like features in [0, 1) and random labels: what the timing
   * depends on is the shape, not the content. */
  ds = nn_dataset_new (NN_TASK_CLASSIFICATION, ROWS, FEATURES, CLASSES, &err);
  if (ds == NULL)
    return fprintf (stderr, "%s\n", err.msg), 1;
  nn_rng_seed (&rng, 7);
  for (size_t i = 0; i < (size_t) ROWS * FEATURES; i++)
    ds->x[i] = (float) nn_rng_uniform (&rng);
  for (size_t i = 0; i < ROWS; i++)
    ds->y[i] = (int32_t) nn_rng_below (&rng, CLASSES);

  nn_model_spec_init (&spec);
  spec.inputs = FEATURES;
  if (nn_model_spec_parse_layers (&spec, layers, &err) != NN_OK
      || nn_model_spec_check (&spec, NN_TASK_CLASSIFICATION, CLASSES, &err) != NN_OK)
    return fprintf (stderr, "%s\n", err.msg), 1;
  /* Trainer 0 collects statistics, trainer 1 does not. */
  for (int k = 0; k < 2; k++)
    {
      p.stats = k == 0;
      model[k] = nn_model_new (&spec, p.batch, &err);
      if (model[k] == NULL)
        return fprintf (stderr, "%s\n", err.msg), 1;
      nn_model_init_params (model[k], 1);
      trainer[k] = nn_trainer_new (model[k], &p, ds, NULL, &err);
      if (trainer[k] == NULL)
        return fprintf (stderr, "%s\n", err.msg), 1;
      nn_trainer_set_callbacks (trainer[k], NULL, epoch_cb, &rates[k]);
    }
  for (int e = 0; e < p.epochs; e++)
    for (int k = 0; k < 2; k++)
      nn_trainer_run (trainer[k]);
  printf ("%.0f %.0f\n", median_rate (&rates[0]), median_rate (&rates[1]));

  for (int k = 0; k < 2; k++)
    {
      nn_trainer_free (trainer[k]);
      nn_model_free (model[k]);
    }
  nn_dataset_free (ds);
  return 0;
}
