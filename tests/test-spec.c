/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "model.h"
#include "spec.h"

static void
assert_contains (const char *msg,
                 const char *part)
{
  if (strstr (msg, part) == NULL)
    g_error ("message '%s' lacks '%s'", msg, part);
}

static nn_model_spec
parse (const char *text)
{
  nn_model_spec spec;
  nn_error err = { 0 };

  nn_model_spec_init (&spec);
  if (nn_model_spec_parse_layers (&spec, text, &err) != NN_OK)
    g_error ("'%s': %s", text, err.msg);
  return spec;
}

static void
assert_layer (const nn_layer_spec *l,
              nn_layer_kind        kind,
              size_t               units,
              nn_activation        act,
              nn_init              init,
              float                rate)
{
  g_assert_cmpint (l->kind, ==, kind);
  g_assert_cmpuint (l->units, ==, units);
  g_assert_cmpint (l->activation, ==, act);
  g_assert_cmpint (l->init, ==, init);
  g_assert_cmpfloat (l->rate, ==, rate);
}

/* ---- Parsing ----------------------------------------------------------------- */

static void
test_init (void)
{
  nn_model_spec spec;

  memset (&spec, 0xff, sizeof spec);
  nn_model_spec_init (&spec);
  g_assert_cmpuint (spec.inputs, ==, 0);
  g_assert_cmpuint (spec.n_layers, ==, 0);
  g_assert_cmpint (spec.loss, ==, NN_LOSS_CE);
}

/* Every form of DESIGN.md: dense:UNITS[:ACTIVATION[:INIT]] ("none" for no
 * activation), dropout:RATE, batchnorm, and an activation on its own. */
static void
test_parse_forms (void)
{
  nn_model_spec s = parse ("dense:128:relu,dropout:0.2,dense:64:tanh:xavier_normal,batchnorm,"
                           "dense:10");

  g_assert_cmpuint (s.n_layers, ==, 5);
  assert_layer (&s.layers[0], NN_LAYER_DENSE, 128, NN_ACT_RELU, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[1], NN_LAYER_DROPOUT, 0, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.2f);
  assert_layer (&s.layers[2], NN_LAYER_DENSE, 64, NN_ACT_TANH, NN_INIT_XAVIER_NORMAL, 0.0f);
  assert_layer (&s.layers[3], NN_LAYER_BATCHNORM, 0, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[4], NN_LAYER_DENSE, 10, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);

  s = parse ("dense:8:none:he_uniform,dense:1:none,dense:65536,dropout:0,dropout:0.999");
  g_assert_cmpuint (s.n_layers, ==, 5);
  assert_layer (&s.layers[0], NN_LAYER_DENSE, 8, NN_ACT_IDENTITY, NN_INIT_HE_UNIFORM, 0.0f);
  assert_layer (&s.layers[1], NN_LAYER_DENSE, 1, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[2], NN_LAYER_DENSE, 65536, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[3], NN_LAYER_DROPOUT, 0, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[4], NN_LAYER_DROPOUT, 0, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.999f);

  /* An empty field means the default, wherever it stands. */
  s = parse ("dense:8:,dense:8::zeros,dense:8:relu:");
  g_assert_cmpuint (s.n_layers, ==, 3);
  assert_layer (&s.layers[0], NN_LAYER_DENSE, 8, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[1], NN_LAYER_DENSE, 8, NN_ACT_IDENTITY, NN_INIT_ZEROS, 0.0f);
  assert_layer (&s.layers[2], NN_LAYER_DENSE, 8, NN_ACT_RELU, NN_INIT_AUTO, 0.0f);

  /* The six activations, as layers and on a dense layer. */
  s = parse ("relu,leaky_relu,elu,gelu,sigmoid,tanh");
  g_assert_cmpuint (s.n_layers, ==, 6);
  for (size_t i = 0; i < 6; i++)
    assert_layer (&s.layers[i], NN_LAYER_ACTIVATION, 0, NN_ACT_RELU + (int) i, NN_INIT_AUTO, 0.0f);
  s = parse ("dense:1:relu,dense:2:leaky_relu,dense:3:elu,dense:4:gelu,dense:5:sigmoid,"
             "dense:6:tanh");
  for (size_t i = 0; i < 6; i++)
    assert_layer (&s.layers[i], NN_LAYER_DENSE, i + 1, NN_ACT_RELU + (int) i, NN_INIT_AUTO, 0.0f);

  /* The seven initialisers of DESIGN.md. */
  s = parse ("dense:1:relu:default,dense:2:relu:xavier_uniform,dense:3:relu:xavier_normal,"
             "dense:4:relu:he_uniform,dense:5:relu:he_normal,dense:6:relu:lecun_normal,"
             "dense:7:relu:zeros");
  g_assert_cmpuint (s.n_layers, ==, 7);
  for (size_t i = 0; i < 7; i++)
    assert_layer (&s.layers[i], NN_LAYER_DENSE, i + 1, NN_ACT_RELU, NN_INIT_DEFAULT + (int) i,
                  0.0f);
}

/* Blanks and tabs around items and fields are ignored. */
static void
test_parse_whitespace (void)
{
  nn_model_spec s = parse ("  dense : 8 : relu : he_normal ,\tdropout: 0.5 , batchnorm\t, tanh ,"
                           " dense:2 ");

  g_assert_cmpuint (s.n_layers, ==, 5);
  assert_layer (&s.layers[0], NN_LAYER_DENSE, 8, NN_ACT_RELU, NN_INIT_HE_NORMAL, 0.0f);
  assert_layer (&s.layers[1], NN_LAYER_DROPOUT, 0, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.5f);
  assert_layer (&s.layers[2], NN_LAYER_BATCHNORM, 0, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[3], NN_LAYER_ACTIVATION, 0, NN_ACT_TANH, NN_INIT_AUTO, 0.0f);
  assert_layer (&s.layers[4], NN_LAYER_DENSE, 2, NN_ACT_IDENTITY, NN_INIT_AUTO, 0.0f);
}

#define SYNTAX "use dense:UNITS[:ACTIVATION[:INIT]], dropout:RATE, batchnorm, or one of relu, " \
  "leaky_relu, elu, gelu, sigmoid, tanh"

/* Every error, with the message that names the item and what is allowed;
 * a failed parse leaves the spec as it was. */
static void
test_parse_errors (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "conv:3", "layer 1: unknown layer 'conv'; " SYNTAX },
    { "dense:8,Dense:4", "layer 2: unknown layer 'Dense'" },
    { "dense:8,softmax", "layer 2: unknown layer 'softmax'" },
    { "dense:8:swish", "layer 1: unknown activation 'swish'; use relu, leaky_relu, elu, gelu, "
      "sigmoid, tanh or none" },
    { "dense:8:identity", "layer 1: unknown activation 'identity'" },
    { "dense:8:RELU", "layer 1: unknown activation 'RELU'" },
    { "relu,dense:8:relu:glorot", "layer 2: unknown initialiser 'glorot'; use default, "
      "xavier_uniform, xavier_normal, he_uniform, he_normal, lecun_normal, zeros" },
    { "dense:8:relu:auto", "layer 1: unknown initialiser 'auto'" },
    { "dense:0", "layer 1: units '0' must be a whole number from 1 to 65536" },
    { "dense:65537", "layer 1: units '65537' must be a whole number from 1 to 65536" },
    { "dense:99999999999999999999999", "units '99999999999999999999999' must be a whole" },
    { "dense:abc", "layer 1: units 'abc' must be a whole number" },
    { "dense:8x", "units '8x' must be" },
    { "dense:1.5", "units '1.5' must be" },
    { "dense:-3", "units '-3' must be" },
    { "dense:+3", "units '+3' must be" },
    { "dense:", "units '' must be" },
    { "dense", "layer 1: a dense layer is dense:UNITS[:ACTIVATION[:INIT]]" },
    { "dense:8:relu:he_normal:x", "layer 1: a dense layer is dense:UNITS[:ACTIVATION[:INIT]]" },
    { "dropout:1", "layer 1: dropout rate '1' must be a number in [0, 1)" },
    { "dropout:1.0", "dropout rate '1.0' must be a number in [0, 1)" },
    { "dropout:-0.1", "dropout rate '-0.1' must be" },
    { "dropout:abc", "dropout rate 'abc' must be" },
    { "dropout:0.5x", "dropout rate '0.5x' must be" },
    { "dropout:", "dropout rate '' must be" },
    { "dropout:nan", "dropout rate 'nan' must be" },
    { "dropout:inf", "dropout rate 'inf' must be" },
    { "dropout:1e9", "dropout rate '1e9' must be" },
    { "dropout", "layer 1: a dropout layer is dropout:RATE" },
    { "dropout:0.1:0.2", "a dropout layer is dropout:RATE" },
    { "dense:8,,dense:2", "layer 2 is empty; " SYNTAX },
    { "dense:8,", "layer 2 is empty" },
    { ",dense:8", "layer 1 is empty" },
    { "dense:8, ,dense:2", "layer 2 is empty" },
    { "", "no layers given; " SYNTAX ", separated by commas" },
    { " \t ", "no layers given" },
    { "batchnorm:4", "layer 1: batchnorm takes no settings" },
    { "dense:4,batchnorm:momentum:0.1", "layer 2: batchnorm takes no settings" },
    { "relu:2", "layer 1: the relu layer takes no settings" },
    { "dense:4,tanh:", "layer 2: the tanh layer takes no settings" },
  };
  nn_model_spec spec = parse ("dense:16:gelu:lecun_normal,dropout:0.25,dense:3"), saved;
  nn_error err;

  spec.inputs = 7;
  spec.loss = NN_LOSS_BCE;
  memcpy (&saved, &spec, sizeof spec);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_error_clear (&err);
      if (nn_model_spec_parse_layers (&spec, cases[i].text, &err) != NN_ERR_INVALID)
        g_error ("'%s' was not refused", cases[i].text);
      g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
      assert_contains (err.msg, cases[i].message);
      g_assert_cmpmem (&spec, sizeof spec, &saved, sizeof saved);
    }
  /* A parse that succeeds replaces the layers and nothing else. */
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "relu", &err), ==, NN_OK);
  g_assert_cmpuint (spec.n_layers, ==, 1);
  g_assert_cmpuint (spec.inputs, ==, 7);
  g_assert_cmpint (spec.loss, ==, NN_LOSS_BCE);
  /* Without an error struct too. */
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "conv", NULL), ==, NN_ERR_INVALID);
  g_assert_cmpuint (spec.n_layers, ==, 1);
}

/* At most NN_SPEC_MAX_LAYERS (128) layers. */
static void
test_parse_too_many (void)
{
  GString *text = g_string_new ("dense:2");
  nn_model_spec spec;
  nn_error err = { 0 };

  for (int i = 1; i < NN_SPEC_MAX_LAYERS; i++)
    g_string_append (text, ",relu");
  spec = parse (text->str);
  g_assert_cmpuint (spec.n_layers, ==, NN_SPEC_MAX_LAYERS);

  g_string_append (text, ",relu");
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:4", &err), ==, NN_OK);
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, text->str, &err), ==, NN_ERR_INVALID);
  assert_contains (err.msg, "more than 128 layers");
  g_assert_cmpuint (spec.n_layers, ==, 1);
  g_assert_cmpuint (spec.layers[0].units, ==, 4);
  g_string_free (text, TRUE);
}

/* ---- Formatting ------------------------------------------------------------ */

static void
assert_same_layers (const nn_model_spec *a,
                    const nn_model_spec *b)
{
  g_assert_cmpuint (a->n_layers, ==, b->n_layers);
  for (size_t i = 0; i < a->n_layers; i++)
    assert_layer (&b->layers[i], a->layers[i].kind, a->layers[i].units, a->layers[i].activation,
                  a->layers[i].init, a->layers[i].rate);
}

/* Parse → format → parse gives the same layers; written in the canonical
 * form the format is itself ("none" only where an initialiser follows). */
static void
test_format_round_trip (void)
{
  static const struct { const char *text; const char *canonical; } cases[] = {
    { "dense:128:relu,dense:64:tanh:xavier_normal,batchnorm,dense:10", NULL },
    { "dense:8:none:he_uniform,gelu,leaky_relu,elu,sigmoid,tanh,relu,dense:3", NULL },
    { "dense:8:none,dense:1:relu:default,dense:2:sigmoid:zeros", "dense:8,dense:1:relu:default,"
      "dense:2:sigmoid:zeros" },
    { " dense : 5 : elu , batchnorm ", "dense:5:elu,batchnorm" },
    { "dropout:0.5,dropout:0,dropout:0.25", "dropout:0.5,dropout:0,dropout:0.25" },
    { "dropout:0.1,dropout:0.2,dropout:0.3,dropout:0.05,dropout:0.999,dropout:1e-7,"
      "dropout:0.123456789,dropout:0.7", NULL },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_model_spec a = parse (cases[i].text), b;
      char buf[512];
      size_t len = nn_model_spec_format_layers (&a, buf, sizeof buf);

      g_assert_cmpuint (len, ==, strlen (buf));
      if (cases[i].canonical != NULL || strstr (cases[i].text, "dropout") == NULL)
        g_assert_cmpstr (buf, ==, cases[i].canonical ? cases[i].canonical : cases[i].text);
      b = parse (buf);
      assert_same_layers (&a, &b);
    }
}

/* Rates are floats: 0.1 prints with enough digits to read back the same
 * float exactly, for every rate a spec can hold. */
static void
test_format_rates (void)
{
  nn_model_spec a, b;
  char buf[64];

  nn_model_spec_init (&a);
  a.n_layers = 1;
  a.layers[0].kind = NN_LAYER_DROPOUT;
  for (float r = 1e-6f; r < 1.0f; r = r * 1.37f + 1e-7f)
    {
      a.layers[0].rate = r;
      nn_model_spec_format_layers (&a, buf, sizeof buf);
      b = parse (buf);
      g_assert_cmpfloat (b.layers[0].rate, ==, r);
    }
}

/* The length needed comes back as snprintf's does; the text is cut short
 * but always terminated. */
static void
test_format_truncated (void)
{
  nn_model_spec s = parse ("dense:128:relu,dropout:0.5,dense:10");
  const char *full = "dense:128:relu,dropout:0.5,dense:10";
  char buf[10];

  memset (buf, 'x', sizeof buf);
  g_assert_cmpuint (nn_model_spec_format_layers (&s, buf, sizeof buf), ==, strlen (full));
  g_assert_cmpstr (buf, ==, "dense:128");
  g_assert_cmpuint (nn_model_spec_format_layers (&s, NULL, 0), ==, strlen (full));
  memset (buf, 'x', sizeof buf);
  g_assert_cmpuint (nn_model_spec_format_layers (&s, buf, 1), ==, strlen (full));
  g_assert_cmpint (buf[0], ==, '\0');
  g_assert_cmpint (buf[1], ==, 'x');

  nn_model_spec_init (&s);
  buf[0] = 'x';
  g_assert_cmpuint (nn_model_spec_format_layers (&s, buf, sizeof buf), ==, 0);
  g_assert_cmpstr (buf, ==, "");
}

/* ---- Defaults, checks and counts ------------------------------------------ */

static void
test_set_default_init (void)
{
  nn_model_spec s = parse ("dense:8:relu,dropout:0.5,dense:4:tanh:xavier_normal,relu,dense:2");

  nn_model_spec_set_default_init (&s, NN_INIT_HE_UNIFORM);
  g_assert_cmpint (s.layers[0].init, ==, NN_INIT_HE_UNIFORM);
  g_assert_cmpint (s.layers[1].init, ==, NN_INIT_AUTO);
  g_assert_cmpint (s.layers[2].init, ==, NN_INIT_XAVIER_NORMAL);
  g_assert_cmpint (s.layers[3].init, ==, NN_INIT_AUTO);
  g_assert_cmpint (s.layers[4].init, ==, NN_INIT_HE_UNIFORM);
  /* Only AUTO layers change: a second default leaves the first in place. */
  nn_model_spec_set_default_init (&s, NN_INIT_ZEROS);
  g_assert_cmpint (s.layers[0].init, ==, NN_INIT_HE_UNIFORM);
  g_assert_cmpint (s.layers[4].init, ==, NN_INIT_HE_UNIFORM);
}

static void
expect_check (const char *layers,
              size_t      inputs,
              nn_loss     loss,
              nn_task     task,
              size_t      k,
              const char *message)
{
  nn_model_spec s;
  nn_error err = { 0 };
  nn_status st;

  nn_model_spec_init (&s);
  if (layers[0] != '\0')
    s = parse (layers);
  s.inputs = inputs;
  s.loss = loss;
  st = nn_model_spec_check (&s, task, k, &err);
  if (message == NULL)
    {
      if (st != NN_OK)
        g_error ("'%s' (%s, k %zu): %s", layers, nn_loss_name (loss), k, err.msg);
      return;
    }
  if (st != NN_ERR_INVALID)
    g_error ("'%s' (%s, k %zu) was not refused", layers, nn_loss_name (loss), k);
  g_assert_cmpint (err.status, ==, NN_ERR_INVALID);
  assert_contains (err.msg, message);
}

static void
test_check (void)
{
  const nn_task C = NN_TASK_CLASSIFICATION, R = NN_TASK_REGRESSION;

  expect_check ("dense:8:relu,dropout:0.2,batchnorm,dense:3", 2, NN_LOSS_CE, C, 3, NULL);
  expect_check ("dense:3", 2, NN_LOSS_CE, C, 3, NULL);
  expect_check ("dense:1", 5, NN_LOSS_MSE, R, 1, NULL);
  expect_check ("dense:2", 5, NN_LOSS_MSE, R, 2, NULL);
  /* BCE: one logit for two classes (or two), else one per class. */
  expect_check ("dense:1", 2, NN_LOSS_BCE, C, 2, NULL);
  expect_check ("dense:2", 2, NN_LOSS_BCE, C, 2, NULL);
  expect_check ("dense:4", 2, NN_LOSS_BCE, C, 4, NULL);
  expect_check ("dense:3", 2, NN_LOSS_MSE, C, 3, NULL);

  expect_check ("dense:3", 0, NN_LOSS_CE, C, 3, "the data have no features");
  expect_check ("", 2, NN_LOSS_CE, C, 3, "the model has no layers; add at least one dense layer");
  expect_check ("dense:8,relu", 2, NN_LOSS_CE, C, 3,
                "the last layer must be dense (it gives the outputs); add dense:3 at the end");
  expect_check ("dense:8,dropout:0.5", 2, NN_LOSS_BCE, C, 2, "add dense:1 at the end");
  expect_check ("dense:8,batchnorm", 2, NN_LOSS_MSE, R, 2, "add dense:2 at the end");
  expect_check ("dense:8:relu,dense:3:tanh", 2, NN_LOSS_CE, C, 3,
                "the last dense layer takes its activation from the loss (ce → softmax); "
                "remove ':tanh'");
  expect_check ("dense:1:sigmoid", 2, NN_LOSS_BCE, C, 2, "(bce → sigmoid); remove ':sigmoid'");
  expect_check ("dense:1:relu", 2, NN_LOSS_MSE, R, 1, "(mse → identity); remove ':relu'");
  expect_check ("dense:2", 2, NN_LOSS_CE, C, 3,
                "the last layer has 2 units but the data have 3 classes; make it dense:3");
  expect_check ("dense:1", 2, NN_LOSS_CE, C, 2,
                "the last layer has 1 unit but the data have 2 classes; make it dense:2");
  expect_check ("dense:3", 2, NN_LOSS_BCE, C, 2, "has 3 units but the data have 2 classes; "
                "make it dense:1");
  expect_check ("dense:1", 2, NN_LOSS_BCE, C, 4, "make it dense:4");
  expect_check ("dense:2", 2, NN_LOSS_MSE, C, 3, "make it dense:3");
  expect_check ("dense:1", 2, NN_LOSS_CE, C, 1, "classification needs at least 2 classes, the "
                "data have 1");
  expect_check ("dense:1", 2, NN_LOSS_MSE, R, 2,
                "the last layer has 1 unit but the data have 2 target columns; make it dense:2");
  expect_check ("dense:3", 2, NN_LOSS_MSE, R, 1,
                "the last layer has 3 units but the data have 1 target column; make it dense:1");
  expect_check ("dense:1", 2, NN_LOSS_CE, R, 1, "the ce loss needs class labels, but the data "
                "are a regression task; use mse");
}

/* Specs built in code rather than parsed: each bad field is named. */
static void
test_check_fields (void)
{
  nn_model_spec s = parse ("dense:4,dropout:0.5,dense:2");
  nn_error err = { 0 };

  s.inputs = 3;
  g_assert_cmpint (nn_model_spec_check (&s, NN_TASK_CLASSIFICATION, 2, &err), ==, NN_OK);
  s.layers[0].units = 0;
  g_assert_cmpint (nn_model_spec_check (&s, NN_TASK_CLASSIFICATION, 2, &err), ==, NN_ERR_INVALID);
  assert_contains (err.msg, "layer 1: units must be from 1 to 65536");
  s.layers[0].units = NN_SPEC_MAX_UNITS + 1;
  g_assert_cmpint (nn_model_spec_check (&s, NN_TASK_CLASSIFICATION, 2, &err), ==, NN_ERR_INVALID);
  assert_contains (err.msg, "layer 1: units must be from 1 to 65536");
  s.layers[0].units = 4;
  s.layers[1].rate = 1.0f;
  g_assert_cmpint (nn_model_spec_check (&s, NN_TASK_CLASSIFICATION, 2, &err), ==, NN_ERR_INVALID);
  assert_contains (err.msg, "layer 2: dropout rate must be in [0, 1)");
  s.layers[1].rate = NAN;
  g_assert_cmpint (nn_model_spec_check (&s, NN_TASK_CLASSIFICATION, 2, &err), ==, NN_ERR_INVALID);
  s.layers[1].rate = 0.5f;
  s.layers[1].kind = NN_LAYER_COUNT;
  g_assert_cmpint (nn_model_spec_check (&s, NN_TASK_CLASSIFICATION, 2, &err), ==, NN_ERR_INVALID);
  assert_contains (err.msg, "layer 2 is not a known kind");
  s.layers[1].kind = NN_LAYER_DROPOUT;
  s.n_layers = NN_SPEC_MAX_LAYERS + 1;
  g_assert_cmpint (nn_model_spec_check (&s, NN_TASK_CLASSIFICATION, 2, &err), ==, NN_ERR_INVALID);
  assert_contains (err.msg, "more than 128 layers");
}

static void
test_outputs (void)
{
  nn_model_spec s;

  s = parse ("dense:8:relu,dropout:0.5,dense:3");
  g_assert_cmpuint (nn_model_spec_outputs (&s), ==, 3);
  /* The last dense layer, whatever follows it. */
  s = parse ("dense:8,relu,batchnorm,dropout:0.1");
  g_assert_cmpuint (nn_model_spec_outputs (&s), ==, 8);
  s = parse ("relu,batchnorm");
  g_assert_cmpuint (nn_model_spec_outputs (&s), ==, 0);
  nn_model_spec_init (&s);
  g_assert_cmpuint (nn_model_spec_outputs (&s), ==, 0);
}

/* (in + 1)·out per dense layer and 2·width per batch norm, as torch's
 * sum(p.numel() for p in model.parameters()) counts them. */
static void
test_count_params (void)
{
  static const struct { size_t inputs; const char *layers; size_t count; } cases[] = {
    /* 5·8 + 2·8 + 9·3 */
    { 4, "dense:8:relu,batchnorm,dropout:0.1,dense:3", 83 },
    /* batch norm on the data: 2·5 + 6·1 */
    { 5, "batchnorm,dense:1", 16 },
    { 784, "dense:10", 7850 },
    /* 785·128 + 129·64 + 2·64 + 65·10 */
    { 784, "dense:128:relu,dropout:0.2,dense:64:tanh:xavier_normal,batchnorm,dense:10", 109514 },
    { 3, "relu,tanh,dropout:0.5", 0 },
    /* 65537·65536 = 2³² + 2¹⁶: past 32 bits */
    { 65536, "dense:65536", 4295032832u },
  };
  nn_model_spec s;

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      s = parse (cases[i].layers);
      s.inputs = cases[i].inputs;
      g_assert_cmpuint (nn_model_spec_count_params (&s), ==, cases[i].count);
    }
  nn_model_spec_init (&s);
  s.inputs = 4;
  g_assert_cmpuint (nn_model_spec_count_params (&s), ==, 0);
}

/* The ops a model builds: a dense layer with an activation is two. */
static void
test_count_ops (void)
{
  static const struct { const char *layers; size_t ops; } cases[] = {
    { "dense:8:relu,batchnorm,dropout:0.1,dense:3", 5 },
    { "dense:3", 1 },
    { "relu,tanh,dropout:0.5", 3 },
    { "batchnorm,dense:6:elu,dense:4:none,sigmoid,dense:2", 6 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nn_model_spec s = parse (cases[i].layers);
      nn_model *m;

      s.inputs = 3;
      g_assert_cmpuint (nn_model_spec_count_ops (&s), ==, cases[i].ops);
      m = nn_model_new (&s, 1, NULL);
      g_assert_nonnull (m);
      g_assert_cmpuint (nn_model_n_ops (m), ==, cases[i].ops);
      nn_model_free (m);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/spec/init", test_init);
  g_test_add_func ("/engine/spec/parse-forms", test_parse_forms);
  g_test_add_func ("/engine/spec/parse-whitespace", test_parse_whitespace);
  g_test_add_func ("/engine/spec/parse-errors", test_parse_errors);
  g_test_add_func ("/engine/spec/parse-too-many", test_parse_too_many);
  g_test_add_func ("/engine/spec/format-round-trip", test_format_round_trip);
  g_test_add_func ("/engine/spec/format-rates", test_format_rates);
  g_test_add_func ("/engine/spec/format-truncated", test_format_truncated);
  g_test_add_func ("/engine/spec/set-default-init", test_set_default_init);
  g_test_add_func ("/engine/spec/check", test_check);
  g_test_add_func ("/engine/spec/check-fields", test_check_fields);
  g_test_add_func ("/engine/spec/outputs", test_outputs);
  g_test_add_func ("/engine/spec/count-params", test_count_params);
  g_test_add_func ("/engine/spec/count-ops", test_count_ops);
  return g_test_run ();
}
