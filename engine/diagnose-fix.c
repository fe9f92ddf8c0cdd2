/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The diagnosis's names and the changes its findings offer. */
#include "diagnose-private.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* What the fixes set. */
#define FIX_LR_FACTOR 10.0
#define FIX_CLIP_NORM 1.0
#define FIX_EARLY_STOP 10
#define FIX_DROPOUT 0.2f

/* ---- Names ----------------------------------------------------------------- */

static const char *const kind_names[NN_FINDING_COUNT] = {
  [NN_FINDING_VANISHING] = "vanishing_gradients",
  [NN_FINDING_EXPLODING] = "exploding_gradients",
  [NN_FINDING_DIVERGED] = "diverged",
  [NN_FINDING_DEAD_UNITS] = "dead_units",
  [NN_FINDING_SATURATED] = "saturated_units",
  [NN_FINDING_LR_TOO_HIGH] = "lr_too_high",
  [NN_FINDING_LR_TOO_LOW] = "lr_too_low",
  [NN_FINDING_OVERFITTING] = "overfitting",
  [NN_FINDING_UNDERFITTING] = "underfitting",
  [NN_FINDING_PLATEAU] = "plateau",
};

static const char *const fix_names[NN_FIX_COUNT] = {
  [NN_FIX_NONE] = "none",
  [NN_FIX_HE_INIT] = "he_init",
  [NN_FIX_ADD_BATCHNORM] = "add_batchnorm",
  [NN_FIX_LEAKY_RELU] = "leaky_relu",
  [NN_FIX_LOWER_LR] = "lower_lr",
  [NN_FIX_RAISE_LR] = "raise_lr",
  [NN_FIX_CLIP_NORM] = "clip_norm",
  [NN_FIX_EARLY_STOP] = "early_stop",
  [NN_FIX_ADD_DROPOUT] = "add_dropout",
  [NN_FIX_PLATEAU_SCHEDULE] = "plateau_schedule",
};

const char *
nn_finding_kind_name (nn_finding_kind kind)
{
  return (unsigned) kind < NN_FINDING_COUNT ? kind_names[kind] : "unknown";
}

const char *
nn_finding_severity_name (nn_finding_severity severity)
{
  switch (severity)
    {
    case NN_FINDING_INFO: return "info";
    case NN_FINDING_WARNING: return "warning";
    case NN_FINDING_ERROR: return "error";
    }
  return "unknown";
}

const char *
nn_fix_name (nn_fix fix)
{
  return (unsigned) fix < NN_FIX_COUNT ? fix_names[fix] : "unknown";
}

/* ---- Fixes ----------------------------------------------------------------- */

/* The last dense layer of @spec (the output), or −1. */
static int
last_dense (const nn_model_spec *spec)
{
  for (size_t i = spec->n_layers; i > 0; i--)
    if (spec->layers[i - 1].kind == NN_LAYER_DENSE)
      return (int) i - 1;
  return -1;
}

/* The dense layer at or before @layer, or −1: the one whose outputs an
 * activation, batch-norm or dropout layer works on. */
static int
dense_at_or_before (const nn_model_spec *spec,
                    int                  layer)
{
  if (layer < 0 || (size_t) layer >= spec->n_layers)
    return -1;
  for (int i = layer; i >= 0; i--)
    if (spec->layers[i].kind == NN_LAYER_DENSE)
      return i;
  return -1;
}

/* The last hidden dense layer (the last dense one before the output), or −1. */
static int
last_hidden_dense (const nn_model_spec *spec)
{
  int out = last_dense (spec);

  return out > 0 ? dense_at_or_before (spec, out - 1) : -1;
}

/* The dense layer a fix that adds a layer works after: the finding's (or
 * the one feeding the finding's activation layer), never the output. */
static int
fix_dense (const nn_model_spec *spec,
           const nn_finding    *f)
{
  int d = f->fix == NN_FIX_ADD_DROPOUT && f->layer < 0 ? last_hidden_dense (spec)
          : dense_at_or_before (spec, f->layer);

  return d >= 0 && d != last_dense (spec) ? d : -1;
}

/* The first position after dense layer @d past the activation and
 * batch-norm layers that go with it: where a dropout layer belongs. */
static size_t
after_block (const nn_model_spec *spec,
             int                  d)
{
  size_t i = (size_t) d + 1;

  while (i < spec->n_layers && (spec->layers[i].kind == NN_LAYER_ACTIVATION
                                || spec->layers[i].kind == NN_LAYER_BATCHNORM))
    i++;
  return i;
}

static bool
insert_layer (nn_model_spec       *spec,
              size_t               at,
              const nn_layer_spec *layer)
{
  if (spec->n_layers >= NN_SPEC_MAX_LAYERS || at > spec->n_layers)
    return false;
  memmove (&spec->layers[at + 1], &spec->layers[at],
           (spec->n_layers - at) * sizeof spec->layers[0]);
  spec->layers[at] = *layer;
  spec->n_layers++;
  return true;
}

/* Batch norm goes straight after the dense layer's Linear, before its
 * activation (Ioffe and Szegedy's place for it, where it keeps sigmoid and
 * tanh inputs in their working range): a dense layer with an activation of
 * its own is split into dense, batchnorm, activation. */
static bool
apply_batchnorm (nn_model_spec *spec,
                 int            d)
{
  nn_layer_spec bn = { .kind = NN_LAYER_BATCHNORM };
  nn_layer_spec *l = &spec->layers[d];

  if (l->activation != NN_ACT_IDENTITY)
    {
      nn_layer_spec act = { .kind = NN_LAYER_ACTIVATION, .activation = l->activation };

      if (spec->n_layers + 2 > NN_SPEC_MAX_LAYERS)
        return false;
      l->activation = NN_ACT_IDENTITY;
      insert_layer (spec, (size_t) d + 1, &act);
      return insert_layer (spec, (size_t) d + 1, &bn);
    }
  if ((size_t) d + 1 < spec->n_layers && spec->layers[d + 1].kind == NN_LAYER_BATCHNORM)
    return false;
  return insert_layer (spec, (size_t) d + 1, &bn);
}

bool
nn_fix_apply (const nn_finding  *f,
              nn_model_spec     *spec,
              nn_trainer_params *params)
{
  nn_layer_spec *l = f->layer >= 0 && (size_t) f->layer < spec->n_layers
                     ? &spec->layers[f->layer] : NULL;
  int d;

  switch (f->fix)
    {
    case NN_FIX_HE_INIT:
      if (l == NULL || l->kind != NN_LAYER_DENSE || l->init == NN_INIT_HE_NORMAL)
        return false;
      l->init = NN_INIT_HE_NORMAL;
      return true;
    case NN_FIX_ADD_BATCHNORM:
      d = fix_dense (spec, f);
      return d >= 0 && apply_batchnorm (spec, d);
    case NN_FIX_LEAKY_RELU:
      if (l == NULL || (l->kind != NN_LAYER_DENSE && l->kind != NN_LAYER_ACTIVATION)
          || l->activation != NN_ACT_RELU)
        return false;
      l->activation = NN_ACT_LEAKY_RELU;
      return true;
    case NN_FIX_LOWER_LR:
      params->opt.lr /= FIX_LR_FACTOR;
      return true;
    case NN_FIX_RAISE_LR:
      params->opt.lr *= FIX_LR_FACTOR;
      return true;
    case NN_FIX_CLIP_NORM:
      if (params->clip_norm > 0.0 && params->clip_norm <= FIX_CLIP_NORM)
        return false;
      params->clip_norm = FIX_CLIP_NORM;
      return true;
    case NN_FIX_EARLY_STOP:
      if (params->early_stop > 0)
        return false;
      params->early_stop = FIX_EARLY_STOP;
      return true;
    case NN_FIX_ADD_DROPOUT:
      {
        nn_layer_spec drop = { .kind = NN_LAYER_DROPOUT, .rate = FIX_DROPOUT };
        size_t at;

        d = fix_dense (spec, f);
        if (d < 0)
          return false;
        at = after_block (spec, d);
        if (at < spec->n_layers && spec->layers[at].kind == NN_LAYER_DROPOUT)
          return false;
        return insert_layer (spec, at, &drop);
      }
    case NN_FIX_PLATEAU_SCHEDULE:
      {
        int warmup = params->schedule.warmup;

        if (params->schedule.kind == NN_SCHEDULE_PLATEAU)
          return false;
        params->schedule = nn_schedule_params_default (NN_SCHEDULE_PLATEAU);
        params->schedule.warmup = warmup;
        return true;
      }
    case NN_FIX_NONE:
    case NN_FIX_COUNT:
      break;
    }
  return false;
}

void
nn_fix_set_label (const nn_model_spec *spec,
                  nn_finding          *f)
{
  /* Layers counted from 1, as people and the command line do. */
  int d = fix_dense (spec, f) + 1;

  f->fix_label[0] = '\0';
  switch (f->fix)
    {
    case NN_FIX_HE_INIT:
      snprintf (f->fix_label, sizeof f->fix_label, "Use He initialisation for layer %d",
                f->layer + 1);
      break;
    case NN_FIX_ADD_BATCHNORM:
      snprintf (f->fix_label, sizeof f->fix_label, "Add batch normalisation to layer %d", d);
      break;
    case NN_FIX_LEAKY_RELU:
      snprintf (f->fix_label, sizeof f->fix_label, "Use leaky ReLU in layer %d", f->layer + 1);
      break;
    case NN_FIX_LOWER_LR:
      snprintf (f->fix_label, sizeof f->fix_label, "Divide the learning rate by 10");
      break;
    case NN_FIX_RAISE_LR:
      snprintf (f->fix_label, sizeof f->fix_label, "Multiply the learning rate by 10");
      break;
    case NN_FIX_CLIP_NORM:
      snprintf (f->fix_label, sizeof f->fix_label, "Clip gradients at norm 1");
      break;
    case NN_FIX_EARLY_STOP:
      snprintf (f->fix_label, sizeof f->fix_label, "Turn on early stopping");
      break;
    case NN_FIX_ADD_DROPOUT:
      snprintf (f->fix_label, sizeof f->fix_label, "Add dropout 0.2 after layer %d", d);
      break;
    case NN_FIX_PLATEAU_SCHEDULE:
      snprintf (f->fix_label, sizeof f->fix_label, "Lower the learning rate on plateaus");
      break;
    case NN_FIX_NONE:
    case NN_FIX_COUNT:
      break;
    }
}
