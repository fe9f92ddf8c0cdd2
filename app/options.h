/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "source.h"
#include "spec.h"
#include "trainer.h"

G_BEGIN_DECLS

/* The option values of every subcommand as given on the command line, NULL
 * (or FALSE) when not given, so that they can override a project file. */
typedef struct
{
  /* data */
  char    *data, *samples, *noise, *classes, *scale, *val_split, *test_split;
  char    *header, *delimiter, *label_column, *target_columns, *task, *missing;
  /* model */
  char    *layers, *loss, *init;
  /* training */
  char    *optimizer, *lr, *momentum, *dampening, *beta1, *beta2, *eps, *alpha;
  gboolean nesterov;
  char    *batch, *epochs, *l1, *l2, *clip_norm, *clip_value;
  char    *schedule, *step_size, *gamma, *min_lr, *plateau_patience, *warmup, *early_stop;
  gboolean no_shuffle, no_stats;
  /* everything */
  char    *seed, *threads;
  gboolean json;
  /* files */
  char    *project, *save, *init_weights, *metrics_csv;
  /* gradcheck */
  char    *rows, *tolerance;
} BpOptions;

void bp_options_clear (BpOptions *o);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BpOptions, bp_options_clear)

/* Groups of option entries, added to a subcommand's main group so that its
 * --help lists them all. */
typedef enum
{
  BP_OPTIONS_DATA = 1 << 0,
  BP_OPTIONS_MODEL = 1 << 1,
  BP_OPTIONS_TRAINING = 1 << 2,
  BP_OPTIONS_PROJECT = 1 << 3,   /* --project */
  BP_OPTIONS_SAVE = 1 << 4,      /* --save, --init-weights, --metrics-csv */
  BP_OPTIONS_GRADCHECK = 1 << 5, /* --rows, --tolerance */
  BP_OPTIONS_COMMON = 1 << 6,    /* --seed, --threads, --json */
} BpOptionGroups;

void bp_options_add_entries (GOptionContext *context,
                             BpOptions      *o,
                             BpOptionGroups  groups);

/* Parses @argv for a subcommand; on failure prints "backprop NAME: …" and
 * returns FALSE. */
gboolean bp_options_parse (GOptionContext *context,
                           const char     *name,
                           int            *argc,
                           char         ***argv);

/* Each applies the given options on top of what @src, @spec or @tp already
 * hold (defaults or a project's), checking every value; errors name the
 * option and what it allows. --seed sets the data, split and training
 * seeds. */
gboolean bp_options_apply_data (const BpOptions *o,
                                nn_data_source  *src,
                                GError         **error);
gboolean bp_options_apply_model (const BpOptions *o,
                                 nn_model_spec   *spec,
                                 GError         **error);
gboolean bp_options_apply_training (const BpOptions  *o,
                                    nn_trainer_params *tp,
                                    GError          **error);

/* The thread count of --threads (default: every core), set for BLAS. */
gboolean bp_options_apply_threads (const BpOptions *o,
                                   GError         **error);

/* Fills a spec without layers with the default hidden layers and an output
 * layer fitting @task and @k under the spec's loss. */
void bp_options_default_layers (nn_model_spec *spec,
                                nn_task        task,
                                size_t         k);

G_END_DECLS
