/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "spec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAYER_SYNTAX "dense:UNITS[:ACTIVATION[:INIT]], dropout:RATE, batchnorm, or one of " \
  "relu, leaky_relu, elu, gelu, sigmoid, tanh"
#define ACT_NAMES "relu, leaky_relu, elu, gelu, sigmoid, tanh or none"
#define INIT_NAMES "default, xavier_uniform, xavier_normal, he_uniform, he_normal, " \
  "lecun_normal, zeros"

void
nn_model_spec_init (nn_model_spec *spec)
{
  memset (spec, 0, sizeof *spec);
  spec->loss = NN_LOSS_CE;
}

/* Splits @item at ':' into at most @max fields, in place. */
static size_t
split_fields (char   *item,
              char  **fields,
              size_t  max)
{
  size_t n = 0;

  fields[n++] = item;
  for (char *p = item; *p != '\0'; p++)
    if (*p == ':')
      {
        *p = '\0';
        if (n == max)
          return max + 1;
        fields[n++] = p + 1;
      }
  return n;
}

static char *
trim (char *s)
{
  char *end;

  while (*s == ' ' || *s == '\t')
    s++;
  end = s + strlen (s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
    *--end = '\0';
  return s;
}

static nn_status
parse_item (char          *item,
            size_t         index,
            nn_layer_spec *layer,
            nn_error      *err)
{
  char *f[4];
  size_t n = split_fields (item, f, 4);
  nn_activation act;

  memset (layer, 0, sizeof *layer);
  for (size_t i = 0; i < n && i < 4; i++)
    f[i] = trim (f[i]);

  if (strcmp (f[0], "dense") == 0)
    {
      char *end;
      unsigned long long units;

      if (n < 2 || n > 4)
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: a dense layer is "
                             "dense:UNITS[:ACTIVATION[:INIT]]", index);
      errno = 0;
      units = strtoull (f[1], &end, 10);
      if (f[1][0] < '0' || f[1][0] > '9' || *end != '\0' || errno != 0 || units == 0
          || units > NN_SPEC_MAX_UNITS)
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: units '%s' must be a whole "
                             "number from 1 to %d", index, f[1], NN_SPEC_MAX_UNITS);
      layer->kind = NN_LAYER_DENSE;
      layer->units = (size_t) units;
      layer->activation = NN_ACT_IDENTITY;
      layer->init = NN_INIT_AUTO;
      if (n >= 3 && f[2][0] != '\0' && strcmp (f[2], "none") != 0
          && !nn_activation_from_name (f[2], &layer->activation))
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: unknown activation '%s'; use "
                             ACT_NAMES, index, f[2]);
      if (n == 4 && f[3][0] != '\0'
          && (!nn_init_from_name (f[3], &layer->init) || layer->init == NN_INIT_AUTO))
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: unknown initialiser '%s'; use "
                             INIT_NAMES, index, f[3]);
      return NN_OK;
    }
  if (strcmp (f[0], "dropout") == 0)
    {
      char *end;
      double rate;

      if (n != 2)
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: a dropout layer is dropout:RATE",
                             index);
      errno = 0;
      rate = strtod (f[1], &end);
      if (f[1][0] == '\0' || *end != '\0' || errno != 0 || !isfinite (rate) || rate < 0.0
          || rate >= 1.0)
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: dropout rate '%s' must be a number "
                             "in [0, 1)", index, f[1]);
      layer->kind = NN_LAYER_DROPOUT;
      layer->rate = (float) rate;
      return NN_OK;
    }
  if (strcmp (f[0], "batchnorm") == 0)
    {
      if (n != 1)
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: batchnorm takes no settings",
                             index);
      layer->kind = NN_LAYER_BATCHNORM;
      return NN_OK;
    }
  if (nn_activation_from_name (f[0], &act))
    {
      if (n != 1)
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: the %s layer takes no settings",
                             index, f[0]);
      layer->kind = NN_LAYER_ACTIVATION;
      layer->activation = act;
      return NN_OK;
    }
  if (f[0][0] == '\0')
    return nn_error_set (err, NN_ERR_INVALID, "layer %zu is empty; use " LAYER_SYNTAX, index);
  return nn_error_set (err, NN_ERR_INVALID, "layer %zu: unknown layer '%s'; use " LAYER_SYNTAX,
                       index, f[0]);
}

nn_status
nn_model_spec_parse_layers (nn_model_spec *spec,
                            const char    *text,
                            nn_error      *err)
{
  nn_layer_spec layers[NN_SPEC_MAX_LAYERS];
  size_t count = 0, index = 1;
  char *copy = strdup (text), *item, *next;
  nn_status st = NN_OK;

  if (copy == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "out of memory");
  if (trim (copy)[0] == '\0')
    {
      free (copy);
      return nn_error_set (err, NN_ERR_INVALID, "no layers given; use " LAYER_SYNTAX
                           ", separated by commas");
    }
  for (item = copy; item != NULL; item = next, index++)
    {
      next = strchr (item, ',');
      if (next != NULL)
        *next++ = '\0';
      if (count == NN_SPEC_MAX_LAYERS)
        {
          st = nn_error_set (err, NN_ERR_INVALID, "more than %d layers", NN_SPEC_MAX_LAYERS);
          break;
        }
      st = parse_item (item, index, &layers[count], err);
      if (st != NN_OK)
        break;
      count++;
    }
  free (copy);
  if (st != NN_OK)
    return st;
  memcpy (spec->layers, layers, count * sizeof layers[0]);
  spec->n_layers = count;
  return NN_OK;
}

size_t
nn_model_spec_format_layers (const nn_model_spec *spec,
                             char                *buf,
                             size_t               len)
{
  size_t used = 0;

  if (len > 0)
    buf[0] = '\0';
  for (size_t i = 0; i < spec->n_layers; i++)
    {
      const nn_layer_spec *l = &spec->layers[i];
      char item[96];

      switch (l->kind)
        {
        case NN_LAYER_DENSE:
          if (l->init != NN_INIT_AUTO)
            snprintf (item, sizeof item, "dense:%zu:%s:%s", l->units,
                      l->activation == NN_ACT_IDENTITY ? "none"
                      : nn_activation_name (l->activation), nn_init_name (l->init));
          else if (l->activation != NN_ACT_IDENTITY)
            snprintf (item, sizeof item, "dense:%zu:%s", l->units,
                      nn_activation_name (l->activation));
          else
            snprintf (item, sizeof item, "dense:%zu", l->units);
          break;
        case NN_LAYER_ACTIVATION:
          snprintf (item, sizeof item, "%s", nn_activation_name (l->activation));
          break;
        case NN_LAYER_DROPOUT:
          /* The fewest digits that read back to the same float (0.1, not
           * 0.100000001); 9 always do. */
          for (int digits = 1; digits <= 9; digits++)
            {
              snprintf (item, sizeof item, "dropout:%.*g", digits, (double) l->rate);
              if ((float) strtod (item + 8, NULL) == l->rate)
                break;
            }
          break;
        case NN_LAYER_BATCHNORM:
        case NN_LAYER_COUNT:
          snprintf (item, sizeof item, "batchnorm");
          break;
        }
      used += (size_t) snprintf (len > used ? buf + used : NULL, len > used ? len - used : 0,
                                 "%s%s", i > 0 ? "," : "", item);
    }
  return used;
}

void
nn_model_spec_set_default_init (nn_model_spec *spec,
                                nn_init        init)
{
  for (size_t i = 0; i < spec->n_layers; i++)
    if (spec->layers[i].kind == NN_LAYER_DENSE && spec->layers[i].init == NN_INIT_AUTO)
      spec->layers[i].init = init;
}

size_t
nn_model_spec_outputs (const nn_model_spec *spec)
{
  for (size_t i = spec->n_layers; i > 0; i--)
    if (spec->layers[i - 1].kind == NN_LAYER_DENSE)
      return spec->layers[i - 1].units;
  return 0;
}

size_t
nn_model_spec_count_params (const nn_model_spec *spec)
{
  size_t width = spec->inputs, total = 0;

  for (size_t i = 0; i < spec->n_layers; i++)
    {
      const nn_layer_spec *l = &spec->layers[i];

      if (l->kind == NN_LAYER_DENSE)
        {
          total += (width + 1) * l->units;
          width = l->units;
        }
      else if (l->kind == NN_LAYER_BATCHNORM)
        total += 2 * width;
    }
  return total;
}

size_t
nn_model_spec_count_ops (const nn_model_spec *spec)
{
  size_t n = 0;

  for (size_t i = 0; i < spec->n_layers; i++)
    n += spec->layers[i].kind == NN_LAYER_DENSE && spec->layers[i].activation != NN_ACT_IDENTITY
         ? 2 : 1;
  return n;
}

nn_status
nn_model_spec_check (const nn_model_spec *spec,
                     nn_task              task,
                     size_t               k,
                     nn_error            *err)
{
  const nn_layer_spec *last;

  if (spec->inputs == 0)
    return nn_error_set (err, NN_ERR_INVALID, "the data have no features");
  if (spec->n_layers == 0)
    return nn_error_set (err, NN_ERR_INVALID, "the model has no layers; add at least one "
                         "dense layer");
  if (spec->n_layers > NN_SPEC_MAX_LAYERS)
    return nn_error_set (err, NN_ERR_INVALID, "more than %d layers", NN_SPEC_MAX_LAYERS);
  last = &spec->layers[spec->n_layers - 1];
  if (last->kind != NN_LAYER_DENSE)
    return nn_error_set (err, NN_ERR_INVALID, "the last layer must be dense (it gives the "
                         "outputs); add dense:%zu at the end",
                         nn_loss_outputs (spec->loss, task, k));
  if (last->activation != NN_ACT_IDENTITY)
    return nn_error_set (err, NN_ERR_INVALID, "the last dense layer takes its activation from "
                         "the loss (%s → %s); remove ':%s'", nn_loss_name (spec->loss),
                         nn_loss_output_name (spec->loss), nn_activation_name (last->activation));
  for (size_t i = 0; i < spec->n_layers; i++)
    {
      const nn_layer_spec *l = &spec->layers[i];

      if (l->kind >= NN_LAYER_COUNT || l->activation >= NN_ACT_COUNT || l->init >= NN_INIT_COUNT)
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu is not a known kind", i + 1);
      if (l->kind == NN_LAYER_DENSE && (l->units == 0 || l->units > NN_SPEC_MAX_UNITS))
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: units must be from 1 to %d",
                             i + 1, NN_SPEC_MAX_UNITS);
      if (l->kind == NN_LAYER_DROPOUT && !(l->rate >= 0.0f && l->rate < 1.0f))
        return nn_error_set (err, NN_ERR_INVALID, "layer %zu: dropout rate must be in [0, 1)",
                             i + 1);
    }
  return nn_loss_check (spec->loss, task, k, last->units, err);
}
