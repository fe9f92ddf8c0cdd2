/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The training and data panels, under Xvfb: settings round trips, what is
 * shown for each optimizer and schedule, typed values checked inline,
 * loading in the background, the preview, the data checks and load
 * errors. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "data-panel.h"
#include "data-preview.h"
#include "training-panel.h"
#include "ui-test-private.h"

/* Helpers */

typedef struct
{
  GtkWidget *window;
  GtkWidget *panel;
} Fixture;

static void
fixture_show (Fixture   *f,
              GtkWidget *panel)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  f->window = gtk_window_new ();
  f->panel = panel;
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), panel);
  gtk_window_set_child (GTK_WINDOW (f->window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 420, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  bp_test_spin (50);
}

static void
training_setup (Fixture       *f,
                gconstpointer  data)
{
  fixture_show (f, bp_training_panel_new ());
}

static void
data_setup (Fixture       *f,
            gconstpointer  data)
{
  fixture_show (f, bp_data_panel_new ());
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  bp_test_spin (20);
}

static GtkWidget *
child (Fixture    *f,
       const char *name)
{
  GType type = BP_IS_TRAINING_PANEL (f->panel) ? BP_TYPE_TRAINING_PANEL : BP_TYPE_DATA_PANEL;
  GObject *object = gtk_widget_get_template_child (f->panel, type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_test_message ("“%s” does not contain “%s”", haystack, needle);
  g_assert_nonnull (strstr (haystack, needle));
}

/* Whether @w and every ancestor are visible: what a person sees. */
static gboolean
shown (GtkWidget *w)
{
  for (; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_visible (w))
      return FALSE;
  return TRUE;
}

/* Types @text into @editable as a person would: the whole text replaced. */
static void
type_text (GtkWidget  *editable,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  bp_test_spin (5);
}

/* Presses Enter in an entry or a spin button. */
static void
press_enter (GtkWidget *editable)
{
  if (GTK_IS_SPIN_BUTTON (editable))
    gtk_spin_button_update (GTK_SPIN_BUTTON (editable));
  else
    g_signal_emit_by_name (editable, "activate");
  bp_test_spin (5);
}

/* Appends the text of every label under @w (itself included). */
static void
collect_text (GtkWidget *w,
              GString   *text)
{
  if (GTK_IS_LABEL (w))
    g_string_append (text, gtk_label_get_text (GTK_LABEL (w)));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_text (c, text);
}

/* The first widget under @root whose name starts with @prefix and whose
 * labels contain @needle (NULL: any), or NULL. */
static GtkWidget *
find_named (GtkWidget  *root,
            const char *prefix,
            const char *needle)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *hit;

      if (g_str_has_prefix (gtk_widget_get_name (c), prefix))
        {
          g_autoptr (GString) text = g_string_new (NULL);

          collect_text (c, text);
          if (needle == NULL || strstr (text->str, needle) != NULL)
            return c;
        }
      hit = find_named (c, prefix, needle);
      if (hit != NULL)
        return hit;
    }
  return NULL;
}

/* Training panel */

static void
assert_params_equal (const nn_trainer_params *a,
                     const nn_trainer_params *b)
{
  g_assert_cmpint (a->opt.kind, ==, b->opt.kind);
  g_assert_cmpfloat (a->opt.lr, ==, b->opt.lr);
  g_assert_cmpfloat (a->opt.momentum, ==, b->opt.momentum);
  g_assert_cmpfloat (a->opt.dampening, ==, b->opt.dampening);
  g_assert_cmpint (a->opt.nesterov, ==, b->opt.nesterov);
  g_assert_cmpfloat (a->opt.beta1, ==, b->opt.beta1);
  g_assert_cmpfloat (a->opt.beta2, ==, b->opt.beta2);
  g_assert_cmpfloat (a->opt.eps, ==, b->opt.eps);
  g_assert_cmpfloat (a->opt.alpha, ==, b->opt.alpha);
  g_assert_cmpfloat (a->opt.weight_decay, ==, b->opt.weight_decay);
  g_assert_cmpfloat (a->opt.lr_decay, ==, b->opt.lr_decay);
  g_assert_cmpfloat (a->opt.initial_accumulator, ==, b->opt.initial_accumulator);
  g_assert_cmpint (a->schedule.kind, ==, b->schedule.kind);
  g_assert_cmpint (a->schedule.step_size, ==, b->schedule.step_size);
  g_assert_cmpfloat (a->schedule.gamma, ==, b->schedule.gamma);
  g_assert_cmpint (a->schedule.t_max, ==, b->schedule.t_max);
  g_assert_cmpfloat (a->schedule.min_lr, ==, b->schedule.min_lr);
  g_assert_cmpfloat (a->schedule.factor, ==, b->schedule.factor);
  g_assert_cmpint (a->schedule.patience, ==, b->schedule.patience);
  g_assert_cmpfloat (a->schedule.threshold, ==, b->schedule.threshold);
  g_assert_cmpint (a->schedule.cooldown, ==, b->schedule.cooldown);
  g_assert_cmpint (a->schedule.warmup, ==, b->schedule.warmup);
  g_assert_cmpuint (a->batch, ==, b->batch);
  g_assert_cmpint (a->epochs, ==, b->epochs);
  g_assert_cmpint (a->shuffle, ==, b->shuffle);
  g_assert_cmpuint (a->seed, ==, b->seed);
  g_assert_cmpfloat (a->l1, ==, b->l1);
  g_assert_cmpfloat (a->clip_norm, ==, b->clip_norm);
  g_assert_cmpfloat (a->clip_value, ==, b->clip_value);
  g_assert_cmpint (a->early_stop, ==, b->early_stop);
  g_assert_cmpint (a->stats, ==, b->stats);
  g_assert_cmpint (a->histogram_every, ==, b->histogram_every);
  g_assert_cmpuint (a->histogram_bins, ==, b->histogram_bins);
  g_assert_cmpfloat (a->divergence_factor, ==, b->divergence_factor);
}

/* Every field away from its default, with values that do not print
 * exactly in a few digits. */
static nn_trainer_params
unusual_params (nn_optimizer     kind,
                nn_schedule_kind sched)
{
  nn_trainer_params p = nn_trainer_params_default ();

  p.opt = nn_optimizer_params_default (kind);
  p.opt.lr = 0.0123456789;
  p.opt.beta1 = 0.85;
  p.opt.beta2 = 0.9876;
  p.opt.eps = 3.3e-9;
  p.opt.alpha = 0.95;
  p.opt.weight_decay = 1.0 / 3.0;
  if (kind == NN_OPT_SGD || kind == NN_OPT_MOMENTUM || kind == NN_OPT_RMSPROP)
    p.opt.momentum = 0.7;
  if (kind == NN_OPT_SGD)
    p.opt.dampening = 0.25;
  p.opt.lr_decay = 0.5;
  p.schedule = nn_schedule_params_default (sched);
  p.schedule.step_size = 7;
  p.schedule.gamma = 0.3;
  p.schedule.t_max = 40;
  p.schedule.min_lr = 1e-7;
  p.schedule.factor = 0.2;
  p.schedule.patience = 4;
  p.schedule.threshold = 2e-3;
  p.schedule.cooldown = 2;
  p.schedule.warmup = 250;
  p.batch = 77;
  p.epochs = 33;
  p.shuffle = false;
  p.seed = G_MAXINT64 - 5;
  p.l1 = 1e-5;
  p.clip_norm = 2.5;
  p.clip_value = 0.1;
  p.early_stop = 6;
  p.stats = false;
  p.histogram_every = 17;
  p.histogram_bins = 20;
  p.divergence_factor = 1e3;
  return p;
}

static void
test_training_round_trip_optimizers (Fixture       *f,
                                     gconstpointer  data)
{
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);

  for (int k = 0; k < NN_OPT_COUNT; k++)
    {
      nn_trainer_params in = unusual_params ((nn_optimizer) k, NN_SCHEDULE_PLATEAU);
      nn_trainer_params out;
      nn_loss loss = NN_LOSS_CE;
      int threads = 0;

      bp_training_panel_set_params (panel, &in, NN_LOSS_MSE, 3);
      bp_test_spin (5);
      bp_training_panel_get_params (panel, &out, &loss, &threads);
      assert_params_equal (&in, &out);
      g_assert_cmpint (loss, ==, NN_LOSS_MSE);
      g_assert_cmpint (threads, ==, 3);
      /* What is shown is what was set. */
      g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (child (f, "optimizer_control"))),
                        ==, (guint) k);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "lr_control"))), ==,
                       "0.0123456789");
    }
}

static void
test_training_round_trip_schedules (Fixture       *f,
                                    gconstpointer  data)
{
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);

  for (int s = 0; s < NN_SCHEDULE_COUNT; s++)
    {
      nn_trainer_params in = unusual_params (NN_OPT_ADAM, (nn_schedule_kind) s);
      nn_trainer_params out;

      bp_training_panel_set_params (panel, &in, NN_LOSS_BCE, 1);
      bp_test_spin (5);
      bp_training_panel_get_params (panel, &out, NULL, NULL);
      assert_params_equal (&in, &out);
      g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (child (f, "schedule_control"))),
                        ==, (guint) s);
    }
}

typedef struct
{
  const char *row;
  guint       shown_for;  /* bit mask over nn_optimizer */
} OptimizerRow;

#define BIT(k) (1u << (k))

static void
test_training_optimizer_rows (Fixture       *f,
                              gconstpointer  data)
{
  static const OptimizerRow rows[] = {
    { "momentum", BIT (NN_OPT_SGD) | BIT (NN_OPT_MOMENTUM) | BIT (NN_OPT_NESTEROV)
                  | BIT (NN_OPT_RMSPROP) },
    { "dampening", BIT (NN_OPT_SGD) | BIT (NN_OPT_MOMENTUM) | BIT (NN_OPT_NESTEROV) },
    { "nesterov", BIT (NN_OPT_SGD) | BIT (NN_OPT_MOMENTUM) | BIT (NN_OPT_NESTEROV) },
    { "beta1", BIT (NN_OPT_ADAM) | BIT (NN_OPT_ADAMW) },
    { "beta2", BIT (NN_OPT_ADAM) | BIT (NN_OPT_ADAMW) },
    { "alpha", BIT (NN_OPT_RMSPROP) },
    { "eps", BIT (NN_OPT_ADAM) | BIT (NN_OPT_ADAMW) | BIT (NN_OPT_RMSPROP)
             | BIT (NN_OPT_ADAGRAD) },
  };
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);
  GtkDropDown *optimizer = GTK_DROP_DOWN (child (f, "optimizer_control"));
  int changed = 0;

  g_signal_connect_swapped (panel, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  for (int k = 0; k < NN_OPT_COUNT; k++)
    {
      nn_trainer_params p;
      nn_optimizer_params def = nn_optimizer_params_default ((nn_optimizer) k);

      /* Picked as a person picks it: the optimizer's own defaults follow. */
      gtk_drop_down_set_selected (optimizer, (guint) (k + 1) % NN_OPT_COUNT);
      gtk_drop_down_set_selected (optimizer, (guint) k);
      bp_test_spin (5);
      bp_training_panel_get_params (panel, &p, NULL, NULL);
      g_assert_cmpint (p.opt.kind, ==, k);
      g_assert_cmpfloat (p.opt.lr, ==, def.lr);
      g_assert_cmpfloat (p.opt.momentum, ==, def.momentum);
      g_assert_cmpfloat (p.opt.eps, ==, def.eps);
      g_assert_cmpint (p.opt.nesterov, ==, def.nesterov);
      g_assert_cmpfloat (p.opt.weight_decay, ==, def.weight_decay);
      for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
        {
          g_autofree char *label = g_strdup_printf ("%s_label", rows[r].row);
          g_autofree char *control = g_strdup_printf ("%s_control", rows[r].row);
          gboolean expected = (rows[r].shown_for & BIT (k)) != 0;

          g_assert_cmpint (shown (child (f, control)), ==, expected);
          g_assert_cmpint (shown (child (f, label)), ==, expected);
        }
      /* GD takes the whole training part in every step. */
      g_assert_cmpint (gtk_widget_get_sensitive (child (f, "batch_control")), ==,
                       k != NN_OPT_GD);
    }
  g_assert_cmpint (changed, >=, 2 * NN_OPT_COUNT - 1);
}

static void
test_training_schedule_rows (Fixture       *f,
                             gconstpointer  data)
{
  static const struct
  {
    const char *row;
    guint       shown_for;
  } rows[] = {
    { "step_size", BIT (NN_SCHEDULE_STEP) },
    { "gamma", BIT (NN_SCHEDULE_STEP) | BIT (NN_SCHEDULE_EXP) },
    { "t_max", BIT (NN_SCHEDULE_COSINE) },
    { "factor", BIT (NN_SCHEDULE_PLATEAU) },
    { "patience", BIT (NN_SCHEDULE_PLATEAU) },
    { "threshold", BIT (NN_SCHEDULE_PLATEAU) },
    { "cooldown", BIT (NN_SCHEDULE_PLATEAU) },
    { "min_lr", BIT (NN_SCHEDULE_COSINE) | BIT (NN_SCHEDULE_PLATEAU) },
    { "warmup", 0x1f },
  };
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);
  GtkDropDown *schedule = GTK_DROP_DOWN (child (f, "schedule_control"));

  type_text (child (f, "warmup_control"), "100");
  press_enter (child (f, "warmup_control"));
  for (int s = NN_SCHEDULE_COUNT - 1; s >= 0; s--)
    {
      nn_schedule_params def = nn_schedule_params_default ((nn_schedule_kind) s);
      nn_trainer_params p;

      gtk_drop_down_set_selected (schedule, (guint) s);
      bp_test_spin (5);
      bp_training_panel_get_params (panel, &p, NULL, NULL);
      g_assert_cmpint (p.schedule.kind, ==, s);
      g_assert_cmpfloat (p.schedule.gamma, ==, def.gamma);
      g_assert_cmpint (p.schedule.step_size, ==, def.step_size);
      /* The warm-up belongs to every schedule and stays. */
      g_assert_cmpint (p.schedule.warmup, ==, 100);
      for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
        {
          g_autofree char *control = g_strdup_printf ("%s_control", rows[r].row);

          g_assert_cmpint (shown (child (f, control)), ==, (rows[r].shown_for & BIT (s)) != 0);
        }
    }
}

static void
lr_changed_cb (BpTrainingPanel *panel,
               double           lr,
               double          *out)
{
  *out = lr;
}

static void
test_training_lr_entry (Fixture       *f,
                        gconstpointer  data)
{
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);
  GtkWidget *entry = child (f, "lr_control");
  GtkWidget *error = child (f, "lr_error");
  double emitted = 0.0;
  nn_trainer_params p;

  g_signal_connect (panel, "lr-changed", G_CALLBACK (lr_changed_cb), &emitted);

  type_text (entry, "3e-4");
  /* Not applied digit by digit: only on Enter (or when the focus leaves). */
  bp_training_panel_get_params (panel, &p, NULL, NULL);
  g_assert_cmpfloat (p.opt.lr, ==, 1e-3);
  press_enter (entry);
  bp_training_panel_get_params (panel, &p, NULL, NULL);
  g_assert_cmpfloat (p.opt.lr, ==, 3e-4);
  g_assert_cmpfloat (emitted, ==, 3e-4);
  g_assert_false (shown (error));
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (GTK_RANGE (child (f, "lr_scale"))),
                                  log10 (3e-4), 1e-12);

  emitted = 0.0;
  for (guint i = 0; i < 4; i++)
    {
      const char *bad = (const char *[]) { "abc", "-1", "0", "1e999" }[i];

      type_text (entry, bad);
      g_assert_true (shown (error));
      g_assert_true (gtk_widget_has_css_class (entry, "error"));
      assert_contains (gtk_label_get_text (GTK_LABEL (error)), "Expected a positive number");
      assert_contains (gtk_label_get_text (GTK_LABEL (error)), bad);
      press_enter (entry);
      bp_training_panel_get_params (panel, &p, NULL, NULL);
      g_assert_cmpfloat (p.opt.lr, ==, 3e-4);
      g_assert_true (shown (error));
    }
  g_assert_cmpfloat (emitted, ==, 0.0);

  /* Fixing the text clears the error. */
  type_text (entry, " 0.05 ");
  g_assert_false (shown (error));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  press_enter (entry);
  bp_training_panel_get_params (panel, &p, NULL, NULL);
  g_assert_cmpfloat (p.opt.lr, ==, 0.05);

  /* The slider works in powers of ten and shows two digits, exactly. */
  gtk_range_set_value (GTK_RANGE (child (f, "lr_scale")), -2.5);
  bp_test_spin (5);
  bp_training_panel_get_params (panel, &p, NULL, NULL);
  g_assert_cmpfloat (p.opt.lr, ==, 0.0032);
  g_assert_cmpfloat (emitted, ==, 0.0032);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "0.0032");
}

static void
test_training_validation (Fixture       *f,
                          gconstpointer  data)
{
  static const struct
  {
    const char *field;
    const char *text;
    const char *message;
  } bad[] = {
    { "beta1", "1", "Expected a number in [0, 1), not “1”" },
    { "beta2", "0,9", "Expected a number in [0, 1)" },
    { "eps", "-1e-8", "Expected a number ≥ 0" },
    { "l2", "nan", "Expected a number ≥ 0" },
    { "l1", "", "Expected a number ≥ 0" },
    { "clip_norm", "-3", "Expected a number ≥ 0, or “off”" },
    { "batch", "12.5", "Expected a whole number from 1 to 16777216" },
    { "batch", "0", "Expected a whole number from 1 to 16777216" },
    { "epochs", "1e3", "Expected a whole number from 1 to 1000000" },
    { "threads", "9999", "Expected a whole number from 1 to 1024" },
    { "seed", "-1", "Expected a whole number from 0 to 9223372036854775807" },
    { "seed", "9223372036854775808", "Expected a whole number from 0" },
  };
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);
  nn_trainer_params before, after;
  int before_threads, after_threads;

  bp_training_panel_get_params (panel, &before, NULL, &before_threads);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *control_name = g_strdup_printf ("%s_control", bad[i].field);
      g_autofree char *error_name = g_strdup_printf ("%s_error", bad[i].field);
      GtkWidget *control = child (f, control_name);
      GtkWidget *error = child (f, error_name);

      type_text (control, bad[i].text);
      g_assert_true (shown (error));
      assert_contains (gtk_label_get_text (GTK_LABEL (error)), bad[i].message);
      g_assert_true (gtk_widget_has_css_class (control, "error"));
      press_enter (control);
      bp_training_panel_get_params (panel, &after, NULL, &after_threads);
      assert_params_equal (&before, &after);
      g_assert_cmpint (before_threads, ==, after_threads);
    }

  /* Valid values apply as typed; "off" turns clipping off. */
  type_text (child (f, "clip_norm_control"), "1.5");
  type_text (child (f, "batch_control"), "64");
  press_enter (child (f, "batch_control"));
  type_text (child (f, "seed_control"), "18446744");
  bp_training_panel_get_params (panel, &after, NULL, NULL);
  g_assert_cmpfloat (after.clip_norm, ==, 1.5);
  g_assert_cmpuint (after.batch, ==, 64);
  g_assert_cmpuint (after.seed, ==, 18446744);
  g_assert_false (shown (child (f, "batch_error")));
  type_text (child (f, "clip_norm_control"), "Off");
  bp_training_panel_get_params (panel, &after, NULL, NULL);
  g_assert_cmpfloat (after.clip_norm, ==, 0.0);

  /* Nesterov needs momentum and no dampening. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "optimizer_control")), NN_OPT_SGD);
  gtk_switch_set_active (GTK_SWITCH (child (f, "nesterov_control")), TRUE);
  bp_test_spin (5);
  bp_training_panel_get_params (panel, &after, NULL, NULL);
  g_assert_true (after.opt.nesterov);
  g_assert_cmpfloat (after.opt.momentum, ==, 0.9);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "momentum_control"))), ==,
                   "0.9");
  type_text (child (f, "dampening_control"), "0.5");
  g_assert_true (shown (child (f, "dampening_error")));
  assert_contains (gtk_label_get_text (GTK_LABEL (child (f, "dampening_error"))),
                   "Nesterov");
  bp_training_panel_get_params (panel, &after, NULL, NULL);
  g_assert_cmpfloat (after.opt.dampening, ==, 0.0);
  g_assert_true (nn_trainer_params_check (&after, NULL) == NN_OK);
}

static void
test_training_running (Fixture       *f,
                       gconstpointer  data)
{
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);
  GtkWidget *note = child (f, "note_box");
  double emitted = 0.0;
  nn_trainer_params p;

  g_signal_connect (panel, "lr-changed", G_CALLBACK (lr_changed_cb), &emitted);
  bp_training_panel_set_running (panel, TRUE);
  g_assert_false (shown (note));

  /* The rate applies to the run: no note. */
  type_text (child (f, "lr_control"), "0.02");
  press_enter (child (f, "lr_control"));
  g_assert_cmpfloat (emitted, ==, 0.02);
  g_assert_false (shown (note));

  /* A rate the schedule moved is shown, but is not a change by hand. */
  emitted = 0.0;
  bp_training_panel_show_lr (panel, 0.002);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "lr_control"))), ==, "0.002");
  g_assert_cmpfloat (emitted, ==, 0.0);
  bp_training_panel_get_params (panel, &p, NULL, NULL);
  g_assert_cmpfloat (p.opt.lr, ==, 0.02);

  /* Anything else waits for the next run, and the panel says so. */
  type_text (child (f, "epochs_control"), "5");
  g_assert_true (shown (note));
  {
    g_autoptr (GString) text = g_string_new (NULL);

    collect_text (note, text);
    assert_contains (text->str, "Changes other than the learning rate apply to the next run");
  }
  bp_training_panel_get_params (panel, &p, NULL, NULL);
  g_assert_cmpint (p.epochs, ==, 5);
  /* Changed back, nothing is held. */
  type_text (child (f, "epochs_control"), "100");
  g_assert_false (shown (note));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "schedule_control")), NN_SCHEDULE_COSINE);
  bp_test_spin (5);
  g_assert_true (shown (note));

  /* Stopped: no note, and the rate for the next run shows again. */
  bp_training_panel_set_running (panel, FALSE);
  g_assert_false (shown (note));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "lr_control"))), ==, "0.02");
}

static void
test_training_task (Fixture       *f,
                    gconstpointer  data)
{
  BpTrainingPanel *panel = BP_TRAINING_PANEL (f->panel);
  GtkDropDown *loss = GTK_DROP_DOWN (child (f, "loss_control"));
  nn_loss l;

  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (loss)), ==, 3);
  bp_training_panel_set_task (panel, NN_TASK_REGRESSION);
  bp_training_panel_get_params (panel, NULL, &l, NULL);
  g_assert_cmpint (l, ==, NN_LOSS_MSE);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (loss)), ==, 2);
  gtk_drop_down_set_selected (loss, 1);
  bp_training_panel_get_params (panel, NULL, &l, NULL);
  g_assert_cmpint (l, ==, NN_LOSS_BCE);
  bp_training_panel_set_task (panel, NN_TASK_CLASSIFICATION);
  bp_training_panel_get_params (panel, NULL, &l, NULL);
  g_assert_cmpint (l, ==, NN_LOSS_BCE);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (loss)), ==, 3);
}

/* Every control a person can reach is named by its label. */
static void
assert_controls_labelled (GtkWidget *root,
                          guint     *count)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_ENTRY (c) || GTK_IS_SPIN_BUTTON (c) || GTK_IS_DROP_DOWN (c)
          || GTK_IS_SWITCH (c) || GTK_IS_SCALE (c) || GTK_IS_BUTTON (c))
        {
          g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (c),
                                                           GTK_ACCESSIBLE_RELATION_LABELLED_BY)
                         || gtk_test_accessible_has_property (GTK_ACCESSIBLE (c),
                                                              GTK_ACCESSIBLE_PROPERTY_LABEL));
          g_assert_true (gtk_widget_get_focusable (c) || GTK_IS_DROP_DOWN (c)
                         || GTK_IS_SPIN_BUTTON (c) || GTK_IS_ENTRY (c));
          (*count)++;
          continue;
        }
      assert_controls_labelled (c, count);
    }
}

static void
test_training_accessible (Fixture       *f,
                          gconstpointer  data)
{
  guint count = 0;

  assert_controls_labelled (f->panel, &count);
  g_assert_cmpuint (count, >=, 30);
}

/* Data panel */

static void
loaded_cb (BpDataPanel *panel,
           BpData      *data,
           int         *count)
{
  g_assert_true (BP_IS_DATA (data));
  g_assert_true (bp_data_panel_get_data (panel) == data);
  (*count)++;
}

/* Waits for the @n-th "loaded" counted in @count, or for the load to end. */
static gboolean
wait_loaded (BpDataPanel *panel,
             int         *count,
             int          n)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*count < n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return *count >= n;
}

static void
wait_idle (BpDataPanel *panel)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* Past the reload delay, then until nothing loads. */
  bp_test_spin (400);
  while (bp_data_panel_is_loading (panel) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  bp_test_spin (20);
}

static void
set_builtin (BpDataPanel *panel,
             const char  *name)
{
  nn_data_source src;

  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, name, NULL), ==, NN_OK);
  bp_data_panel_set_source (panel, &src);
}

static guint64
count_painted (GtkWidget *widget)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_surface_t *surface;
  const guchar *pixels;
  int stride;
  guint64 painted = 0;

  g_assert_cmpint (w, >, 50);
  g_assert_cmpint (h, >, 50);
  surface = bp_test_render (widget, w, h);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (pixels[y * stride + 4 * x + 3] != 0)
        painted++;
  cairo_surface_destroy (surface);
  return painted;
}

static void
test_data_load_preview (Fixture       *f,
                        gconstpointer  data)
{
  BpDataPanel *panel = BP_DATA_PANEL (f->panel);
  GtkWidget *preview = child (f, "preview");
  nn_data_source src;
  int loaded = 0;
  BpData *d;
  guint64 painted;

  g_signal_connect (panel, "loaded", G_CALLBACK (loaded_cb), &loaded);
  g_assert_null (bp_data_panel_get_data (panel));
  set_builtin (panel, "spiral");
  g_assert_true (bp_data_panel_is_loading (panel));
  g_assert_true (shown (child (f, "spinner")));
  g_assert_true (wait_loaded (panel, &loaded, 1));
  g_assert_false (bp_data_panel_is_loading (panel));
  g_assert_false (shown (child (f, "spinner")));
  d = bp_data_panel_get_data (panel);
  g_assert_nonnull (d);
  g_assert_cmpuint (bp_data_get_features (d), ==, 2);
  g_assert_cmpuint (bp_data_get_k (d), ==, 3);
  assert_contains (gtk_label_get_text (GTK_LABEL (child (f, "summary_label"))),
                   "1000 rows");
  bp_data_panel_get_source (panel, &src);
  g_assert_cmpint (src.kind, ==, NN_SOURCE_BUILTIN);
  g_assert_cmpstr (src.name, ==, "spiral");

  /* The preview: a scatter of the training rows, in pixels. */
  bp_test_spin (100);
  g_assert_true (bp_data_preview_get_data (BP_DATA_PREVIEW (preview)) == d);
  g_assert_false (bp_data_preview_shows_images (BP_DATA_PREVIEW (preview)));
  painted = count_painted (preview);
  g_assert_cmpuint (painted, >, 2000);
  /* A clean data set says so. */
  g_assert_nonnull (find_named (child (f, "checks_box"), "check-none", "No problems found"));
  g_assert_false (shown (child (f, "error_box")));

  /* Rows shown per source: the built-in set's settings only. */
  g_assert_true (shown (child (f, "classes_control")));
  g_assert_false (shown (child (f, "file_control")));
  set_builtin (panel, "moons");
  g_assert_false (shown (child (f, "classes_control")));
  g_assert_true (wait_loaded (panel, &loaded, 2));
  g_assert_cmpuint (bp_data_get_k (bp_data_panel_get_data (panel)), ==, 2);
}

static void
test_data_noise_reloads (Fixture       *f,
                         gconstpointer  data)
{
  BpDataPanel *panel = BP_DATA_PANEL (f->panel);
  GtkWidget *noise = child (f, "noise_control");
  nn_data_source src;
  int loaded = 0;
  BpData *first;

  g_signal_connect (panel, "loaded", G_CALLBACK (loaded_cb), &loaded);
  set_builtin (panel, "spiral");
  g_assert_true (wait_loaded (panel, &loaded, 1));
  first = bp_data_panel_get_data (panel);

  type_text (noise, "0.35");
  press_enter (noise);
  /* Not at once: after a short pause, so typing loads once. */
  g_assert_false (bp_data_panel_is_loading (panel));
  g_assert_true (wait_loaded (panel, &loaded, 2));
  g_assert_true (bp_data_panel_get_data (panel) != first);
  g_assert_cmpfloat (bp_data_get_source (bp_data_panel_get_data (panel))->generate.noise, ==,
                     0.35);
  bp_data_panel_get_source (panel, &src);
  g_assert_cmpfloat (src.generate.noise, ==, 0.35);

  /* Edits in quick succession load once, with the last value. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (noise), 0.4);
  bp_test_spin (50);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (noise), 0.45);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "samples_control")), 500);
  wait_idle (panel);
  g_assert_cmpint (loaded, ==, 3);
  g_assert_cmpfloat (bp_data_get_source (bp_data_panel_get_data (panel))->generate.noise, ==,
                     0.45);
  g_assert_cmpuint (bp_data_get_source (bp_data_panel_get_data (panel))->generate.samples, ==,
                    500);

  /* A load overtaken by another is dropped. */
  set_builtin (panel, "xor");
  set_builtin (panel, "circles");
  wait_idle (panel);
  g_assert_cmpint (loaded, ==, 4);
  g_assert_cmpstr (bp_data_get_source (bp_data_panel_get_data (panel))->name, ==, "circles");
}

static void
test_data_validation (Fixture       *f,
                      gconstpointer  data)
{
  BpDataPanel *panel = BP_DATA_PANEL (f->panel);
  nn_data_source before, after;
  int loaded = 0;

  g_signal_connect (panel, "loaded", G_CALLBACK (loaded_cb), &loaded);
  set_builtin (panel, "gaussians");
  g_assert_true (wait_loaded (panel, &loaded, 1));
  bp_data_panel_get_source (panel, &before);

  type_text (child (f, "samples_control"), "abc");
  g_assert_true (shown (child (f, "samples_error")));
  assert_contains (gtk_label_get_text (GTK_LABEL (child (f, "samples_error"))),
                   "Expected a whole number from 1 to 10000000, not “abc”");
  press_enter (child (f, "samples_control"));
  type_text (child (f, "noise_control"), "-0.1");
  g_assert_true (shown (child (f, "noise_error")));
  press_enter (child (f, "noise_control"));
  type_text (child (f, "gen_seed_control"), "x1");
  g_assert_true (shown (child (f, "gen_seed_error")));
  /* More classes than rows. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "samples_control")), 10);
  bp_test_spin (5);
  type_text (child (f, "classes_control"), "12");
  press_enter (child (f, "classes_control"));
  g_assert_true (shown (child (f, "classes_error")));
  assert_contains (gtk_label_get_text (GTK_LABEL (child (f, "classes_error"))),
                   "at least 12 samples");
  /* Validation and test must leave rows for training. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "val_control")), 0.6);
  bp_test_spin (5);
  type_text (child (f, "test_control"), "0.5");
  press_enter (child (f, "test_control"));
  g_assert_true (shown (child (f, "test_error")));
  assert_contains (gtk_label_get_text (GTK_LABEL (child (f, "test_error"))),
                   "leave rows for training");

  bp_data_panel_get_source (panel, &after);
  g_assert_cmpuint (after.generate.samples, ==, 10);
  g_assert_cmpuint (after.generate.classes, ==, before.generate.classes);
  g_assert_cmpfloat (after.generate.noise, ==, before.generate.noise);
  g_assert_cmpuint (after.generate.seed, ==, before.generate.seed);
  g_assert_cmpfloat (after.split.val_fraction, ==, 0.6);
  g_assert_cmpfloat (after.split.test_fraction, ==, before.split.test_fraction);
  wait_idle (panel);
  g_assert_cmpuint (bp_data_get_source (bp_data_panel_get_data (panel))->generate.samples, ==,
                    10);
}

static void
test_data_bad_csv (Fixture       *f,
                   gconstpointer  data)
{
  BpDataPanel *panel = BP_DATA_PANEL (f->panel);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "bad", "csv-ragged.csv",
                                                 NULL);
  GtkWidget *error = child (f, "error_label");
  nn_data_source src;
  int loaded = 0;
  BpData *before;

  g_signal_connect (panel, "loaded", G_CALLBACK (loaded_cb), &loaded);
  set_builtin (panel, "spiral");
  g_assert_true (wait_loaded (panel, &loaded, 1));
  before = bp_data_panel_get_data (panel);

  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, path, NULL), ==, NN_OK);
  g_assert_cmpint (src.kind, ==, NN_SOURCE_CSV);
  bp_data_panel_set_source (panel, &src);
  g_assert_true (shown (child (f, "file_control")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "file_button_label"))), ==,
                   "csv-ragged.csv");
  wait_idle (panel);
  g_assert_cmpint (loaded, ==, 1);
  g_assert_true (shown (error));
  g_assert_true (gtk_widget_has_css_class (error, "error"));
  assert_contains (gtk_label_get_text (GTK_LABEL (error)), "csv-ragged.csv:");
  /* The previous data stay, preview and all. */
  g_assert_true (bp_data_panel_get_data (panel) == before);
  g_assert_true (bp_data_preview_get_data (BP_DATA_PREVIEW (child (f, "preview"))) == before);
  g_assert_cmpint (nn_data_source_set (&src, "moons", NULL), ==, NN_OK);
  bp_data_panel_set_source (panel, &src);
  g_assert_true (wait_loaded (panel, &loaded, 2));
  g_assert_false (shown (error));
}

static void
test_data_csv_checks (Fixture       *f,
                      gconstpointer  data)
{
  BpDataPanel *panel = BP_DATA_PANEL (f->panel);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-panels-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GString) csv = g_string_new ("width;height;kind\n");
  nn_data_source src, back;
  int loaded = 0;

  g_assert_no_error (error);
  /* 40 "big" rows, 5 of them the same, and 4 "small" ones: a 10:1 class
   * ratio and duplicated rows. */
  for (int i = 0; i < 40; i++)
    g_string_append_printf (csv, "%d;%d;big\n", i < 5 ? 7 : 10 + i, i < 5 ? 7 : 3 * i);
  for (int i = 0; i < 4; i++)
    g_string_append_printf (csv, "%d;%d;small\n", i, -i);
  path = g_build_filename (dir, "shapes.csv", NULL);
  g_assert_true (g_file_set_contents (path, csv->str, -1, &error));

  g_signal_connect (panel, "loaded", G_CALLBACK (loaded_cb), &loaded);
  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, path, NULL), ==, NN_OK);
  src.split.val_fraction = 0.25;
  src.split.test_fraction = 0.0;
  src.csv.delimiter = ';';
  src.csv.missing = NN_MISSING_DROP;
  nn_data_source_set_columns (&src, "kind", NULL);
  bp_data_panel_set_source (panel, &src);
  g_assert_true (wait_loaded (panel, &loaded, 1));
  g_assert_cmpuint (bp_data_get_k (bp_data_panel_get_data (panel)), ==, 2);

  /* What was set is what is shown and what comes back. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "label_column_control"))), ==,
                   "kind");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (child (f, "delimiter_control"))),
                    ==, 2);
  bp_data_panel_get_source (panel, &back);
  g_assert_cmpint (back.kind, ==, NN_SOURCE_CSV);
  g_assert_cmpstr (back.name, ==, path);
  g_assert_cmpstr (back.csv.label_column, ==, "kind");
  g_assert_null (back.csv.target_columns);
  g_assert_cmpint (back.csv.delimiter, ==, ';');
  g_assert_cmpint (back.csv.missing, ==, NN_MISSING_DROP);
  g_assert_cmpfloat (back.split.val_fraction, ==, 0.25);
  g_assert_cmpfloat (back.split.test_fraction, ==, 0.0);

  g_assert_nonnull (find_named (child (f, "checks_box"), "check-warning-imbalance", NULL));
  g_assert_nonnull (find_named (child (f, "checks_box"), "check-", "duplicate"));
  g_assert_null (find_named (child (f, "checks_box"), "check-none", NULL));

  /* Target columns are for regression: refused with the task set to
   * classification, and nothing loads. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "task_control")),
                              NN_CSV_TASK_CLASSIFICATION);
  type_text (child (f, "target_columns_control"), "height");
  g_assert_true (shown (child (f, "target_columns_error")));
  wait_idle (panel);
  bp_data_panel_get_source (panel, &back);
  g_assert_cmpstr (back.target_columns, ==, "");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "task_control")), NN_CSV_TASK_AUTO);
  bp_test_spin (5);
  g_assert_false (shown (child (f, "target_columns_error")));
  bp_data_panel_get_source (panel, &back);
  g_assert_cmpstr (back.target_columns, ==, "height");

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_data_model_checks (Fixture       *f,
                        gconstpointer  data)
{
  BpDataPanel *panel = BP_DATA_PANEL (f->panel);
  GtkWidget *checks = child (f, "checks_box");
  nn_model_spec spec;
  int loaded = 0;

  g_signal_connect (panel, "loaded", G_CALLBACK (loaded_cb), &loaded);
  set_builtin (panel, "spiral");
  g_assert_true (wait_loaded (panel, &loaded, 1));
  g_assert_null (find_named (checks, "check-error", NULL));

  /* BCE on one output cannot tell 3 classes apart. */
  nn_model_spec_init (&spec);
  spec.inputs = 2;
  spec.loss = NN_LOSS_BCE;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:8:relu,dense:1", NULL), ==, NN_OK);
  bp_data_panel_set_model (panel, &spec);
  g_assert_nonnull (find_named (checks, "check-error-labels", NULL));
  g_assert_true (shown (find_named (checks, "check-error-labels", NULL)));

  /* A model that fits clears it. */
  spec.loss = NN_LOSS_CE;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:8:relu,dense:3", NULL), ==, NN_OK);
  bp_data_panel_set_model (panel, &spec);
  g_assert_null (find_named (checks, "check-error", NULL));
  bp_data_panel_set_model (panel, NULL);
  g_assert_nonnull (find_named (checks, "check-none", NULL));
}

static void
test_data_images (Fixture       *f,
                  gconstpointer  data)
{
  BpDataPanel *panel = BP_DATA_PANEL (f->panel);
  GtkWidget *preview = child (f, "preview");
  nn_data_source src;
  int loaded = 0;

  if (!g_file_test ("/usr/share/datasets/fashion-mnist", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)");
      return;
    }
  g_signal_connect (panel, "loaded", G_CALLBACK (loaded_cb), &loaded);
  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, "fashion-mnist", NULL), ==, NN_OK);
  bp_data_panel_set_source (panel, &src);
  /* The installed set brings its own test part. */
  g_assert_false (gtk_widget_get_sensitive (child (f, "test_control")));
  g_assert_true (wait_loaded (panel, &loaded, 1));
  g_assert_cmpuint (bp_data_get_features (bp_data_panel_get_data (panel)), ==, 784);
  bp_test_spin (100);
  g_assert_true (bp_data_preview_shows_images (BP_DATA_PREVIEW (preview)));
  g_assert_cmpuint (count_painted (preview), >, 5000);
}

static void
test_data_accessible (Fixture       *f,
                      gconstpointer  data)
{
  nn_data_source src;
  guint count = 0;

  assert_controls_labelled (f->panel, &count);
  g_assert_cmpuint (count, >=, 10);
  /* The CSV rows too. */
  nn_data_source_init (&src);
  src.kind = NN_SOURCE_CSV;
  src.name[0] = '\0';
  bp_data_panel_set_source (BP_DATA_PANEL (f->panel), &src);
  g_assert_true (shown (child (f, "file_control")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "file_button_label"))), ==,
                   "Choose File…");
  g_assert_false (bp_data_panel_is_loading (BP_DATA_PANEL (f->panel)));
  count = 0;
  assert_controls_labelled (f->panel, &count);
  g_assert_cmpuint (count, >=, 14);
}

int
main (int    argc,
      char **argv)
{
  if (!bp_test_init_gtk (&argc, &argv))
    {
      g_test_skip ("no display for the widget tests");
      return g_test_run ();
    }

#define TRAINING(path, fn) \
  g_test_add ("/ui/training-panel/" path, Fixture, NULL, training_setup, fn, fixture_teardown)
#define DATA(path, fn) \
  g_test_add ("/ui/data-panel/" path, Fixture, NULL, data_setup, fn, fixture_teardown)

  TRAINING ("round-trip/optimizers", test_training_round_trip_optimizers);
  TRAINING ("round-trip/schedules", test_training_round_trip_schedules);
  TRAINING ("rows/optimizers", test_training_optimizer_rows);
  TRAINING ("rows/schedules", test_training_schedule_rows);
  TRAINING ("lr-entry", test_training_lr_entry);
  TRAINING ("validation", test_training_validation);
  TRAINING ("running", test_training_running);
  TRAINING ("task", test_training_task);
  TRAINING ("accessible", test_training_accessible);
  DATA ("load-preview", test_data_load_preview);
  DATA ("noise-reloads", test_data_noise_reloads);
  DATA ("validation", test_data_validation);
  DATA ("bad-csv", test_data_bad_csv);
  DATA ("csv-checks", test_data_csv_checks);
  DATA ("model-checks", test_data_model_checks);
  DATA ("images", test_data_images);
  DATA ("accessible", test_data_accessible);

  return g_test_run ();
}
