/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by diagnose.c (the machinery, and the rules about gradients and
 * units), diagnose-fit.c (the rules about the learning rate and the fit)
 * and diagnose-fix.c (names and fixes). */
#pragma once

#include <stdbool.h>

#include "diagnose.h"
#include "history.h"

/* Fewer step samples than this say nothing robust about a trend: a quarter
 * of them would be under 5. */
#define MIN_STEP_SAMPLES 20
#define WINDOW_MIN 5

/* One reading of a history: step rules read medians over the recent window
 * (the last quarter of the step samples, at least WINDOW_MIN) and the
 * early one (the first quarter). */
typedef struct
{
  const nn_history    *h;
  const nn_model      *model;
  const nn_model_spec *spec;
  nn_trainer_params    params;
  size_t               n_ops;
  size_t               ns;        /* step samples */
  size_t               ne;        /* epochs */
  size_t               recent;    /* first sample of the recent window */
  size_t               early;     /* samples of the early window */
  double               v[NN_HISTORY_MAX_STEPS];    /* a series of the step samples */
  double               tmp[NN_HISTORY_MAX_STEPS];  /* scratch for medians */
  nn_finding          *out;
  size_t               max;
  size_t               count;
  bool                 found[NN_FINDING_COUNT];
  size_t               last_dead;  /* the last ReLU op found dead (SIZE_MAX: none) */
} nn_diag;

typedef enum
{
  SERIES_GRAD,
  SERIES_UPDATE,
  SERIES_SATURATED,
} nn_diag_series;

/* diagnose.c */

/* The median of g->v[first, last). */
double nn_diag_range_median (nn_diag *g,
                             size_t   first,
                             size_t   last);
/* The first sample of the trailing run of samples whose smoothed value is
 * at most (or at least) @threshold; @fallback when the last one is not. */
size_t nn_diag_onset (nn_diag *g,
                      double   threshold,
                      bool     below,
                      size_t   fallback);
/* Fills g->v with one statistic of op @op over the step samples. */
void nn_diag_op_series (nn_diag        *g,
                        size_t          op,
                        nn_diag_series  what);
uint64_t nn_diag_step_at (nn_diag *g,
                          size_t   i);
const nn_epoch_sample *nn_diag_epoch_at (nn_diag *g,
                                         size_t   i);
/* "layers.0 (Linear(2→16))" */
void nn_diag_op_name (nn_diag *g,
                      size_t   op,
                      char    *buf,
                      size_t   len);
/* "10⁻⁶": the power of ten nearest @x (> 0). */
void nn_diag_power_of_ten (double  x,
                           char   *buf,
                           size_t  len);
/* Appends to the text in @buf, cutting it at @len bytes. */
void nn_diag_append (char       *buf,
                     size_t      len,
                     const char *fmt,
                     ...) __attribute__ ((format (printf, 3, 4)));
/* A fresh finding of @kind about op @op (SIZE_MAX: none). */
nn_finding nn_diag_finding (nn_diag             *g,
                            nn_finding_kind      kind,
                            nn_finding_severity  severity,
                            size_t               op);
/* Sets @f's fix to the first of @fixes (ending with NN_FIX_NONE) that
 * applies, with its label. */
void nn_diag_choose_fix (nn_diag      *g,
                         nn_finding   *f,
                         const nn_fix *fixes);
/* Counts @f and keeps it in order among the first g->max. */
void nn_diag_emit (nn_diag          *g,
                   const nn_finding *f);

/* diagnose-fit.c */
void nn_diag_check_lr_high (nn_diag *g);
void nn_diag_check_lr_low (nn_diag *g);
void nn_diag_check_overfitting (nn_diag *g);
void nn_diag_check_underfitting (nn_diag *g);
void nn_diag_check_plateau (nn_diag *g);

/* diagnose-fix.c: @f's fix label, as its button says it ("Use He
 * initialisation for layer 2"); empty without a fix. */
void nn_fix_set_label (const nn_model_spec *spec,
                       nn_finding          *f);
