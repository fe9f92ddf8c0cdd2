/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Training throughput of the engine on MNIST-shaped data, for tools/bench:
 *   bench-train HIDDEN BATCH EPOCHS THREADS STATS
 * e.g. "bench-train 512,256 64 5 2 1" trains 784-512-256-10 with Adam at
 * batch 64 on 60 000 random rows for 5 epochs with statistics on, and
 * prints one line: the median training samples/s over the epochs after the
 * first, and the mean step time in microseconds. */
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

static bool
epoch_cb (const nn_epoch_report *r,
          void                  *user)
{
  Rates *rates = user;

  if (rates->epochs < MAX_EPOCHS)
    rates->rate[rates->epochs++] = r->samples_per_s;
  return true;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
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
  nn_model *model;
  nn_trainer *trainer;
  Rates rates = { 0 };
  nn_rng rng;
  double median;
  int skip;

  if (argc != 6)
    {
      fprintf (stderr, "usage: bench-train HIDDEN BATCH EPOCHS THREADS STATS\n");
      return 2;
    }
  for (char *h = strtok (argv[1], ","); h != NULL; h = strtok (NULL, ","))
    snprintf (layers + strlen (layers), sizeof layers - strlen (layers), "dense:%s:relu,", h);
  snprintf (layers + strlen (layers), sizeof layers - strlen (layers), "dense:%d", CLASSES);
  p.batch = (size_t) atoi (argv[2]);
  p.epochs = atoi (argv[3]);
  p.stats = atoi (argv[5]) != 0;
  p.opt.lr = 1e-3;
  p.divergence_factor = 0.0;
  if (p.epochs < 2 || p.epochs > MAX_EPOCHS)
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
      || nn_model_spec_check (&spec, NN_TASK_CLASSIFICATION, CLASSES, &err) != NN_OK
      || (model = nn_model_new (&spec, p.batch, &err)) == NULL)
    return fprintf (stderr, "%s\n", err.msg), 1;
  nn_model_init_params (model, 1);
  trainer = nn_trainer_new (model, &p, ds, NULL, &err);
  if (trainer == NULL)
    return fprintf (stderr, "%s\n", err.msg), 1;
  nn_trainer_set_callbacks (trainer, NULL, epoch_cb, &rates);
  nn_trainer_run (trainer);

  /* The first epoch warms caches and the BLAS thread pool. */
  skip = rates.epochs > 1 ? 1 : 0;
  qsort (rates.rate + skip, (size_t) (rates.epochs - skip), sizeof (double), compare_double);
  median = rates.rate[skip + (rates.epochs - skip) / 2];
  printf ("%.0f %.1f\n", median, 1e6 * (double) p.batch / median);

  nn_trainer_free (trainer);
  nn_model_free (model);
  nn_dataset_free (ds);
  return 0;
}
