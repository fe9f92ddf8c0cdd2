/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "training-panel.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* The typed settings. Each has a label, a control (an entry, or a spin
 * button for whole numbers) and an error label in the template, named
 * KEY_label, KEY_control and KEY_error. */
typedef enum
{
  FIELD_LR,
  FIELD_MOMENTUM,
  FIELD_DAMPENING,
  FIELD_BETA1,
  FIELD_BETA2,
  FIELD_ALPHA,
  FIELD_EPS,
  FIELD_STEP_SIZE,
  FIELD_GAMMA,
  FIELD_T_MAX,
  FIELD_FACTOR,
  FIELD_PATIENCE,
  FIELD_THRESHOLD,
  FIELD_COOLDOWN,
  FIELD_MIN_LR,
  FIELD_WARMUP,
  FIELD_BATCH,
  FIELD_EPOCHS,
  FIELD_L1,
  FIELD_L2,
  FIELD_CLIP_NORM,
  FIELD_CLIP_VALUE,
  FIELD_EARLY_STOP,
  FIELD_SEED,
  FIELD_THREADS,
  FIELD_COUNT
} FieldId;

typedef enum
{
  VALUE_REAL,  /* an entry */
  VALUE_INT,   /* a spin button */
  VALUE_SEED,  /* an entry: 0 … 2⁶³ − 1, beyond what a spin button's double holds */
} ValueKind;

/* Where a field lives: a member of nn_trainer_params, or the thread count. */
typedef enum
{
  STORE_DOUBLE,
  STORE_INT,
  STORE_SIZE,
  STORE_U64,
  STORE_THREADS,
} StoreKind;

typedef struct
{
  const char *key;
  ValueKind   kind;
  StoreKind   store;
  gsize       offset;    /* in nn_trainer_params */
  double      min;
  double      max;
  gboolean    min_open;
  gboolean    max_open;
  gboolean    off_zero;  /* 0 shows as "off", and "off" reads as 0 */
} FieldInfo;

#define AT(member) offsetof (nn_trainer_params, member)
#define REAL(member, ...) VALUE_REAL, STORE_DOUBLE, AT (member), __VA_ARGS__
#define WHOLE(member, ...) VALUE_INT, STORE_INT, AT (member), __VA_ARGS__

/* The ranges are the command line's (app/options.c) and the engine's. */
static const FieldInfo field_info[FIELD_COUNT] = {
  [FIELD_LR] = { "lr", REAL (opt.lr, 0, INFINITY, TRUE, FALSE, FALSE) },
  [FIELD_MOMENTUM] = { "momentum", REAL (opt.momentum, 0, 1, FALSE, TRUE, FALSE) },
  [FIELD_DAMPENING] = { "dampening", REAL (opt.dampening, 0, 1, FALSE, FALSE, FALSE) },
  [FIELD_BETA1] = { "beta1", REAL (opt.beta1, 0, 1, FALSE, TRUE, FALSE) },
  [FIELD_BETA2] = { "beta2", REAL (opt.beta2, 0, 1, FALSE, TRUE, FALSE) },
  [FIELD_ALPHA] = { "alpha", REAL (opt.alpha, 0, 1, FALSE, FALSE, FALSE) },
  [FIELD_EPS] = { "eps", REAL (opt.eps, 0, INFINITY, FALSE, FALSE, FALSE) },
  [FIELD_STEP_SIZE] = { "step_size", WHOLE (schedule.step_size, 1, 1000000, FALSE, FALSE,
                                            FALSE) },
  [FIELD_GAMMA] = { "gamma", REAL (schedule.gamma, 0, 1, TRUE, FALSE, FALSE) },
  [FIELD_T_MAX] = { "t_max", WHOLE (schedule.t_max, 0, 1000000, FALSE, FALSE, FALSE) },
  [FIELD_FACTOR] = { "factor", REAL (schedule.factor, 0, 1, TRUE, TRUE, FALSE) },
  [FIELD_PATIENCE] = { "patience", WHOLE (schedule.patience, 0, 1000000, FALSE, FALSE, FALSE) },
  [FIELD_THRESHOLD] = { "threshold", REAL (schedule.threshold, 0, INFINITY, FALSE, FALSE,
                                           FALSE) },
  [FIELD_COOLDOWN] = { "cooldown", WHOLE (schedule.cooldown, 0, 1000000, FALSE, FALSE, FALSE) },
  [FIELD_MIN_LR] = { "min_lr", REAL (schedule.min_lr, 0, INFINITY, FALSE, FALSE, FALSE) },
  [FIELD_WARMUP] = { "warmup", WHOLE (schedule.warmup, 0, G_MAXINT32, FALSE, FALSE, TRUE) },
  [FIELD_BATCH] = { "batch", VALUE_INT, STORE_SIZE, AT (batch), 1, 1 << 24, FALSE, FALSE,
                    FALSE },
  [FIELD_EPOCHS] = { "epochs", WHOLE (epochs, 1, 1000000, FALSE, FALSE, FALSE) },
  [FIELD_L1] = { "l1", REAL (l1, 0, INFINITY, FALSE, FALSE, FALSE) },
  [FIELD_L2] = { "l2", REAL (opt.weight_decay, 0, INFINITY, FALSE, FALSE, FALSE) },
  [FIELD_CLIP_NORM] = { "clip_norm", REAL (clip_norm, 0, INFINITY, FALSE, FALSE, TRUE) },
  [FIELD_CLIP_VALUE] = { "clip_value", REAL (clip_value, 0, INFINITY, FALSE, FALSE, TRUE) },
  [FIELD_EARLY_STOP] = { "early_stop", WHOLE (early_stop, 0, 1000000, FALSE, FALSE, TRUE) },
  [FIELD_SEED] = { "seed", VALUE_SEED, STORE_U64, AT (seed), 0, (double) G_MAXINT64, FALSE,
                   FALSE, FALSE },
  [FIELD_THREADS] = { "threads", VALUE_INT, STORE_THREADS, 0, 1, 1024, FALSE, FALSE, FALSE },
};

typedef struct
{
  GtkWidget *label;
  GtkWidget *control;
  GtkWidget *error;
} FieldWidgets;

typedef struct
{
  double  v;
  guint64 seed;
} FieldValue;

struct _BpTrainingPanel
{
  GtkWidget          parent_instance;

  GtkWidget         *content;
  GtkWidget         *note_box;
  GtkWidget         *loss_control;
  GtkWidget         *optimizer_control;
  GtkWidget         *schedule_control;
  GtkWidget         *nesterov_label;
  GtkWidget         *nesterov_control;
  GtkWidget         *shuffle_control;
  GtkWidget         *lr_scale;
  FieldWidgets       field[FIELD_COUNT];

  nn_trainer_params  params;
  nn_loss            loss;
  int                threads;
  nn_task            task;
  nn_loss            loss_items[NN_LOSS_COUNT];
  guint              n_loss_items;

  gboolean           running;
  nn_trainer_params  run_params;  /* as the run started */
  nn_loss            run_loss;
  int                run_threads;

  guint              updating;    /* > 0 while the panel sets its own controls */
  gboolean           disposed;
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_LR_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpTrainingPanel, bp_training_panel, GTK_TYPE_WIDGET)

/* The widest and narrowest rates the slider covers, as powers of ten. */
#define LR_LOG_MIN -6.0
#define LR_LOG_MAX 1.0

static const char *const loss_titles[NN_LOSS_COUNT] = {
  [NN_LOSS_CE] = N_("Cross-entropy"),
  [NN_LOSS_BCE] = N_("Binary cross-entropy"),
  [NN_LOSS_MSE] = N_("Mean squared error"),
};

/* Writes @v in the fewest significant digits that read back as the same
 * double, with a short exponent ("3e-4", "0.001", "0.999"). */
static void
format_double (char   *buf,
               gsize   len,
               double  v)
{
  char format[8];
  char *e;

  for (int digits = 1; digits <= 17; digits++)
    {
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, len, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  /* "1e-08" → "1e-8", "1e+20" → "1e20". */
  e = strchr (buf, 'e');
  if (e != NULL)
    {
      char *src = e + 1;
      char *dst = e + 1;

      if (*src == '+')
        src++;
      else if (*src == '-')
        *dst++ = *src++;
      while (*src == '0' && src[1] != '\0')
        src++;
      memmove (dst, src, strlen (src) + 1);
    }
}

static double
field_get (BpTrainingPanel *self,
           FieldId          id)
{
  const FieldInfo *f = &field_info[id];
  const char *at = (const char *) &self->params + f->offset;

  switch (f->store)
    {
    case STORE_DOUBLE: return *(const double *) at;
    case STORE_INT: return *(const int *) at;
    case STORE_SIZE: return (double) *(const size_t *) at;
    case STORE_U64: return (double) *(const uint64_t *) at;
    case STORE_THREADS: return self->threads;
    }
  g_return_val_if_reached (0.0);
}

/* Stores @value into @p (or @threads); returns whether it differs. */
static gboolean
field_store (nn_trainer_params *p,
             int               *threads,
             FieldId            id,
             const FieldValue  *value)
{
  const FieldInfo *f = &field_info[id];
  char *at = (char *) p + f->offset;
  gboolean differs = FALSE;

#define STORE(type, v) \
  G_STMT_START { \
    differs = *(type *) at != (type) (v); \
    *(type *) at = (type) (v); \
  } G_STMT_END
  switch (f->store)
    {
    case STORE_DOUBLE: STORE (double, value->v); break;
    case STORE_INT: STORE (int, value->v); break;
    case STORE_SIZE: STORE (size_t, value->v); break;
    case STORE_U64: STORE (uint64_t, value->seed); break;
    case STORE_THREADS:
      differs = *threads != (int) value->v;
      *threads = (int) value->v;
      break;
    }
#undef STORE
  return differs;
}

static char *
allowed_text (FieldId id)
{
  const FieldInfo *f = &field_info[id];
  g_autofree char *range = NULL;

  if (f->kind == VALUE_SEED)
    range = g_strdup_printf (_("Expected a whole number from 0 to %" G_GINT64_FORMAT),
                             G_MAXINT64);
  else if (f->kind == VALUE_INT)
    range = g_strdup_printf (_("Expected a whole number from %.0f to %.0f"), f->min, f->max);
  else if (isinf (f->max) && f->min == 0.0 && f->min_open)
    range = g_strdup (_("Expected a positive number"));
  else if (isinf (f->max))
    range = g_strdup_printf (_("Expected a number %s %g"), f->min_open ? ">" : "≥", f->min);
  else
    range = g_strdup_printf (_("Expected a number in %s%g, %g%s"), f->min_open ? "(" : "[",
                             f->min, f->max, f->max_open ? ")" : "]");
  if (f->off_zero)
    return g_strdup_printf (_("%s, or “off”"), range);
  return g_steal_pointer (&range);
}

/* Reads @text as field @id, as strictly as the command line does; on
 * failure @message says what is allowed. */
static gboolean
field_parse (FieldId      id,
             const char  *text,
             FieldValue  *value,
             char       **message)
{
  const FieldInfo *f = &field_info[id];
  g_autofree char *s = g_strstrip (g_strdup (text));
  char *end = NULL;
  gboolean ok = FALSE;

  value->v = 0.0;
  value->seed = 0;
  if (f->off_zero && g_ascii_strcasecmp (s, "off") == 0)
    return TRUE;
  errno = 0;
  switch (f->kind)
    {
    case VALUE_REAL:
      {
        double v = g_ascii_strtod (s, &end);

        ok = s[0] != '\0' && *end == '\0' && errno == 0 && isfinite (v)
             && v >= f->min && v <= f->max && !(f->min_open && v == f->min)
             && !(f->max_open && v == f->max);
        value->v = v;
      }
      break;
    case VALUE_INT:
      {
        gint64 v = g_ascii_strtoll (s, &end, 10);

        ok = s[0] != '\0' && *end == '\0' && errno == 0 && v >= (gint64) f->min
             && v <= (gint64) f->max;
        value->v = (double) v;
      }
      break;
    case VALUE_SEED:
      {
        guint64 v = g_ascii_strtoull (s, &end, 10);

        ok = g_ascii_isdigit (s[0]) && *end == '\0' && errno == 0 && v <= G_MAXINT64;
        value->seed = v;
        value->v = (double) v;
      }
      break;
    }
  if (!ok && message != NULL)
    {
      g_autofree char *allowed = allowed_text (id);

      *message = s[0] != '\0' ? g_strdup_printf (_("%s, not “%s”"), allowed, s)
                              : g_strdup (allowed);
    }
  return ok;
}

static void
field_show_error (BpTrainingPanel *self,
                  FieldId          id,
                  const char      *message)
{
  FieldWidgets *w = &self->field[id];

  if (message != NULL)
    {
      gtk_label_set_text (GTK_LABEL (w->error), message);
      gtk_widget_add_css_class (w->control, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (w->control), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (w->control, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (w->control), GTK_ACCESSIBLE_STATE_INVALID);
    }
  gtk_widget_set_visible (w->error, message != NULL && gtk_widget_get_visible (w->control));
}

static void
field_show_value (BpTrainingPanel *self,
                  FieldId          id)
{
  FieldWidgets *w = &self->field[id];
  double v = field_get (self, id);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  self->updating++;
  switch (field_info[id].kind)
    {
    case VALUE_INT:
      /* Writes the text again even when the value is unchanged. */
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (w->control), v);
      break;
    case VALUE_SEED:
      g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, (guint64) self->params.seed);
      gtk_editable_set_text (GTK_EDITABLE (w->control), buf);
      break;
    case VALUE_REAL:
      if (field_info[id].off_zero && v == 0.0)
        g_strlcpy (buf, "off", sizeof buf);
      else
        format_double (buf, sizeof buf, v);
      gtk_editable_set_text (GTK_EDITABLE (w->control), buf);
      break;
    }
  field_show_error (self, id, NULL);
  self->updating--;
}

static void
field_set_visible (BpTrainingPanel *self,
                   FieldId          id,
                   gboolean         visible)
{
  FieldWidgets *w = &self->field[id];

  if (gtk_widget_get_visible (w->control) == visible)
    return;
  gtk_widget_set_visible (w->label, visible);
  gtk_widget_set_visible (w->control, visible);
  /* A hidden row forgets what was typed into it. */
  field_show_value (self, id);
}

static gboolean
params_equal (const nn_trainer_params *a,
              const nn_trainer_params *b,
              gboolean                 with_lr)
{
  const nn_optimizer_params *o = &a->opt, *p = &b->opt;
  const nn_schedule_params *s = &a->schedule, *t = &b->schedule;

  return o->kind == p->kind && (!with_lr || o->lr == p->lr) && o->momentum == p->momentum
         && o->dampening == p->dampening && o->nesterov == p->nesterov && o->beta1 == p->beta1
         && o->beta2 == p->beta2 && o->eps == p->eps && o->alpha == p->alpha
         && o->weight_decay == p->weight_decay && o->lr_decay == p->lr_decay
         && o->initial_accumulator == p->initial_accumulator
         && s->kind == t->kind && s->step_size == t->step_size && s->gamma == t->gamma
         && s->t_max == t->t_max && s->min_lr == t->min_lr && s->factor == t->factor
         && s->patience == t->patience && s->threshold == t->threshold
         && s->cooldown == t->cooldown && s->warmup == t->warmup
         && a->batch == b->batch && a->epochs == b->epochs && a->shuffle == b->shuffle
         && a->seed == b->seed && a->l1 == b->l1 && a->clip_norm == b->clip_norm
         && a->clip_value == b->clip_value && a->early_stop == b->early_stop
         && a->stats == b->stats && a->histogram_every == b->histogram_every
         && a->histogram_bins == b->histogram_bins
         && a->divergence_factor == b->divergence_factor;
}

static void
update_note (BpTrainingPanel *self)
{
  gboolean held = self->running
                  && (!params_equal (&self->params, &self->run_params, FALSE)
                      || self->loss != self->run_loss || self->threads != self->run_threads);

  gtk_widget_set_visible (self->note_box, held);
}

static void
emit_changed (BpTrainingPanel *self)
{
  update_note (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
show_lr_on_scale (BpTrainingPanel *self,
                  double           lr)
{
  self->updating++;
  if (lr > 0.0 && isfinite (lr))
    gtk_range_set_value (GTK_RANGE (self->lr_scale),
                         CLAMP (log10 (lr), LR_LOG_MIN, LR_LOG_MAX));
  self->updating--;
}

static gboolean
is_sgd_family (nn_optimizer kind)
{
  return kind == NN_OPT_SGD || kind == NN_OPT_MOMENTUM || kind == NN_OPT_NESTEROV;
}

/* Shows only the rows the optimizer and the schedule take. */
static void
update_rows (BpTrainingPanel *self)
{
  nn_optimizer opt = self->params.opt.kind;
  nn_schedule_kind sched = self->params.schedule.kind;
  gboolean sgd = is_sgd_family (opt);
  gboolean adam = opt == NN_OPT_ADAM || opt == NN_OPT_ADAMW;

  field_set_visible (self, FIELD_MOMENTUM, sgd || opt == NN_OPT_RMSPROP);
  field_set_visible (self, FIELD_DAMPENING, sgd);
  gtk_widget_set_visible (self->nesterov_label, sgd);
  gtk_widget_set_visible (self->nesterov_control, sgd);
  field_set_visible (self, FIELD_BETA1, adam);
  field_set_visible (self, FIELD_BETA2, adam);
  field_set_visible (self, FIELD_ALPHA, opt == NN_OPT_RMSPROP);
  field_set_visible (self, FIELD_EPS, adam || opt == NN_OPT_RMSPROP || opt == NN_OPT_ADAGRAD);

  field_set_visible (self, FIELD_STEP_SIZE, sched == NN_SCHEDULE_STEP);
  field_set_visible (self, FIELD_GAMMA, sched == NN_SCHEDULE_STEP || sched == NN_SCHEDULE_EXP);
  field_set_visible (self, FIELD_T_MAX, sched == NN_SCHEDULE_COSINE);
  field_set_visible (self, FIELD_FACTOR, sched == NN_SCHEDULE_PLATEAU);
  field_set_visible (self, FIELD_PATIENCE, sched == NN_SCHEDULE_PLATEAU);
  field_set_visible (self, FIELD_THRESHOLD, sched == NN_SCHEDULE_PLATEAU);
  field_set_visible (self, FIELD_COOLDOWN, sched == NN_SCHEDULE_PLATEAU);
  field_set_visible (self, FIELD_MIN_LR, sched == NN_SCHEDULE_COSINE
                     || sched == NN_SCHEDULE_PLATEAU);

  /* GD takes the whole training part in every step. */
  gtk_widget_set_sensitive (self->field[FIELD_BATCH].control, opt != NN_OPT_GD);
  gtk_widget_set_sensitive (self->field[FIELD_BATCH].label, opt != NN_OPT_GD);
  gtk_widget_set_tooltip_text (self->field[FIELD_BATCH].control,
                               opt == NN_OPT_GD ? _("Gradient descent uses the whole training "
                                                    "part in every step") : NULL);
  /* AdamW decays the weights apart from the gradient (torch's AdamW). */
  gtk_label_set_text (GTK_LABEL (self->field[FIELD_L2].label),
                      opt == NN_OPT_ADAMW ? _("Weight decay") : _("L2 (weight decay)"));
  gtk_widget_set_tooltip_text (self->field[FIELD_L2].label,
                               opt == NN_OPT_ADAMW
                               ? _("AdamW's decoupled weight decay: shrinks every weight (not "
                                   "biases) by lr·λ each step, ≥ 0")
                               : _("PyTorch's weight_decay: adds λ₂·w to the gradient of every "
                                   "weight (not biases), ≥ 0"));
}

static void
rebuild_losses (BpTrainingPanel *self)
{
  static const nn_loss classification[] = { NN_LOSS_CE, NN_LOSS_BCE, NN_LOSS_MSE };
  static const nn_loss regression[] = { NN_LOSS_MSE, NN_LOSS_BCE };
  const nn_loss *allowed = self->task == NN_TASK_REGRESSION ? regression : classification;
  guint n = self->task == NN_TASK_REGRESSION ? G_N_ELEMENTS (regression)
                                             : G_N_ELEMENTS (classification);
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  guint selected = 0;

  self->n_loss_items = 0;
  for (guint i = 0; i < n; i++)
    self->loss_items[self->n_loss_items++] = allowed[i];
  /* A loss set from outside that does not fit the task stays on offer (the
   * data checks say why it does not fit) rather than being changed. */
  for (guint i = 0; i < self->n_loss_items; i++)
    if (self->loss_items[i] == self->loss)
      goto listed;
  self->loss_items[self->n_loss_items++] = self->loss;
listed:
  for (guint i = 0; i < self->n_loss_items; i++)
    {
      gtk_string_list_append (model, _(loss_titles[self->loss_items[i]]));
      if (self->loss_items[i] == self->loss)
        selected = i;
    }
  self->updating++;
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->loss_control), G_LIST_MODEL (model));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->loss_control), selected);
  self->updating--;
}

/* Shows every setting from the panel's state. */
static void
show_all_values (BpTrainingPanel *self)
{
  self->updating++;
  rebuild_losses (self);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->optimizer_control), self->params.opt.kind);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->schedule_control),
                              self->params.schedule.kind);
  gtk_switch_set_active (GTK_SWITCH (self->nesterov_control), self->params.opt.nesterov);
  gtk_switch_set_active (GTK_SWITCH (self->shuffle_control), self->params.shuffle);
  update_rows (self);
  for (FieldId id = 0; id < FIELD_COUNT; id++)
    field_show_value (self, id);
  show_lr_on_scale (self, self->params.opt.lr);
  self->updating--;
}

/* Applies a valid typed @value of field @id, unless it breaks a rule
 * between fields (Nesterov momentum), which is shown as the field's error. */
static void
field_commit (BpTrainingPanel  *self,
              FieldId           id,
              const FieldValue *value,
              gboolean          from_scale)
{
  nn_trainer_params candidate = self->params;
  int threads = self->threads;

  if (!field_store (&candidate, &threads, id, value))
    {
      field_show_error (self, id, NULL);
      return;
    }
  if (candidate.opt.nesterov && (candidate.opt.momentum <= 0.0 || candidate.opt.dampening != 0.0))
    {
      field_show_error (self, id, _("Nesterov momentum needs a momentum above 0 and no "
                                    "dampening; turn Nesterov off first"));
      return;
    }
  field_show_error (self, id, NULL);
  self->params = candidate;
  self->threads = threads;
  if (id == FIELD_LR)
    {
      if (!from_scale)
        show_lr_on_scale (self, candidate.opt.lr);
      g_signal_emit (self, signals[SIGNAL_LR_CHANGED], 0, candidate.opt.lr);
    }
  emit_changed (self);
}

static FieldId
field_of (gpointer control)
{
  return (FieldId) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (control), "bp-field"));
}

/* Entries and spin buttons: every edit is checked as it is typed and a
 * valid value applies at once, except the learning rate, which applies on
 * Enter or when the focus leaves: a rate typed digit by digit ("3", "3e",
 * "3e-4") must not reach a running trainer. */
static void
entry_changed_cb (GtkEditable     *editable,
                  BpTrainingPanel *self)
{
  FieldId id = field_of (editable);
  g_autofree char *message = NULL;
  FieldValue value;

  if (self->updating > 0 || self->disposed)
    return;
  if (!field_parse (id, gtk_editable_get_text (editable), &value, &message))
    {
      field_show_error (self, id, message);
      return;
    }
  if (id == FIELD_LR)
    field_show_error (self, id, NULL);
  else
    field_commit (self, id, &value, FALSE);
}

static void
lr_commit (BpTrainingPanel *self)
{
  GtkEditable *entry = GTK_EDITABLE (self->field[FIELD_LR].control);
  g_autofree char *message = NULL;
  FieldValue value;

  if (self->disposed)
    return;
  if (!field_parse (FIELD_LR, gtk_editable_get_text (entry), &value, &message))
    {
      field_show_error (self, FIELD_LR, message);
      return;
    }
  field_commit (self, FIELD_LR, &value, FALSE);
}

static void
lr_activate_cb (GtkEntry        *entry,
                BpTrainingPanel *self)
{
  lr_commit (self);
}

static void
lr_focus_leave_cb (GtkEventControllerFocus *controller,
                   BpTrainingPanel         *self)
{
  lr_commit (self);
}

static void
lr_scale_changed_cb (GtkRange        *range,
                     BpTrainingPanel *self)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  FieldValue value = { 0 };

  if (self->updating > 0 || self->disposed)
    return;
  /* Two significant digits: the rate shown is exactly the rate applied. */
  g_ascii_formatd (buf, sizeof buf, "%.1e", pow (10.0, gtk_range_get_value (range)));
  value.v = g_ascii_strtod (buf, NULL);
  field_commit (self, FIELD_LR, &value, TRUE);
  field_show_value (self, FIELD_LR);
}

/* Spin buttons read their text through field_parse, so "12.5", "1e3" or
 * "abc" are refused rather than rounded or taken as 0. */
static int
spin_input_cb (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  FieldValue value;

  if (!field_parse (field_of (spin), gtk_editable_get_text (GTK_EDITABLE (spin)), &value, NULL))
    return GTK_INPUT_ERROR;
  *new_value = value.v;
  return TRUE;
}

static gboolean
spin_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  if (!field_info[field_of (spin)].off_zero || gtk_spin_button_get_value (spin) != 0.0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), "off");
  return TRUE;
}

static void
spin_value_changed_cb (GtkSpinButton   *spin,
                       BpTrainingPanel *self)
{
  FieldValue value = { .v = round (gtk_spin_button_get_value (spin)) };

  if (self->updating > 0 || self->disposed)
    return;
  field_commit (self, field_of (spin), &value, FALSE);
}

static void
loss_selected_cb (GtkDropDown     *dropdown,
                  GParamSpec      *pspec,
                  BpTrainingPanel *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->updating > 0 || self->disposed || i >= self->n_loss_items
      || self->loss_items[i] == self->loss)
    return;
  self->loss = self->loss_items[i];
  emit_changed (self);
}

static void
optimizer_selected_cb (GtkDropDown     *dropdown,
                       GParamSpec      *pspec,
                       BpTrainingPanel *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  nn_optimizer_params old = self->params.opt;
  nn_optimizer_params opt;

  if (self->updating > 0 || self->disposed || i >= NN_OPT_COUNT || i == old.kind)
    return;
  /* Another optimizer starts from its own (torch's) defaults, the rate
   * included, as on the command line; an L2 set by hand carries over. */
  opt = nn_optimizer_params_default ((nn_optimizer) i);
  if (old.weight_decay != nn_optimizer_params_default (old.kind).weight_decay)
    opt.weight_decay = old.weight_decay;
  self->params.opt = opt;
  show_all_values (self);
  emit_changed (self);
}

static void
schedule_selected_cb (GtkDropDown     *dropdown,
                      GParamSpec      *pspec,
                      BpTrainingPanel *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  int warmup = self->params.schedule.warmup;

  if (self->updating > 0 || self->disposed || i >= NN_SCHEDULE_COUNT
      || i == self->params.schedule.kind)
    return;
  self->params.schedule = nn_schedule_params_default ((nn_schedule_kind) i);
  self->params.schedule.warmup = warmup;
  show_all_values (self);
  emit_changed (self);
}

static void
nesterov_active_cb (GtkSwitch       *sw,
                    GParamSpec      *pspec,
                    BpTrainingPanel *self)
{
  gboolean on = gtk_switch_get_active (sw);

  if (self->updating > 0 || self->disposed || on == self->params.opt.nesterov)
    return;
  self->params.opt.nesterov = on;
  /* Nesterov needs momentum and no dampening; turning it on sets them as
   * the command line's --nesterov does. */
  if (on && self->params.opt.momentum <= 0.0)
    self->params.opt.momentum = 0.9;
  if (on)
    self->params.opt.dampening = 0.0;
  field_show_value (self, FIELD_MOMENTUM);
  field_show_value (self, FIELD_DAMPENING);
  emit_changed (self);
}

static void
shuffle_active_cb (GtkSwitch       *sw,
                   GParamSpec      *pspec,
                   BpTrainingPanel *self)
{
  gboolean on = gtk_switch_get_active (sw);

  if (self->updating > 0 || self->disposed || on == self->params.shuffle)
    return;
  self->params.shuffle = on;
  emit_changed (self);
}

static void
bp_training_panel_dispose (GObject *object)
{
  BpTrainingPanel *self = BP_TRAINING_PANEL (object);

  self->disposed = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_TRAINING_PANEL);
  G_OBJECT_CLASS (bp_training_panel_parent_class)->dispose (object);
}

static void
bp_training_panel_class_init (BpTrainingPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_training_panel_dispose;

  /* "changed": after any valid edit. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  /* "lr-changed" (double lr): the learning rate was changed by hand. */
  signals[SIGNAL_LR_CHANGED] = g_signal_new ("lr-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/backprop/ui/training-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, content);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, note_box);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, loss_control);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, optimizer_control);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, schedule_control);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, nesterov_label);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, nesterov_control);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, shuffle_control);
  gtk_widget_class_bind_template_child (widget_class, BpTrainingPanel, lr_scale);
  for (FieldId id = 0; id < FIELD_COUNT; id++)
    {
      static const char *const parts[] = { "label", "control", "error" };
      static const gssize offsets[] = {
        G_STRUCT_OFFSET (FieldWidgets, label),
        G_STRUCT_OFFSET (FieldWidgets, control),
        G_STRUCT_OFFSET (FieldWidgets, error),
      };

      for (guint j = 0; j < G_N_ELEMENTS (parts); j++)
        {
          g_autofree char *name = g_strdup_printf ("%s_%s", field_info[id].key, parts[j]);

          gtk_widget_class_bind_template_child_full (widget_class, name, FALSE,
                                                     G_STRUCT_OFFSET (BpTrainingPanel, field)
                                                     + (gssize) (id * sizeof (FieldWidgets))
                                                     + offsets[j]);
        }
    }
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "trainingpanel");
}

static void
bp_training_panel_init (BpTrainingPanel *self)
{
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->params = nn_trainer_params_default ();
  self->loss = NN_LOSS_CE;
  self->threads = (int) MIN (g_get_num_processors (), 1024);
  self->task = NN_TASK_CLASSIFICATION;

  for (FieldId id = 0; id < FIELD_COUNT; id++)
    {
      GtkWidget *control = self->field[id].control;

      g_object_set_data (G_OBJECT (control), "bp-field", GINT_TO_POINTER (id));
      if (field_info[id].kind == VALUE_INT)
        {
          g_signal_connect (control, "input", G_CALLBACK (spin_input_cb), NULL);
          g_signal_connect (control, "output", G_CALLBACK (spin_output_cb), NULL);
          g_signal_connect (control, "value-changed", G_CALLBACK (spin_value_changed_cb), self);
        }
      g_signal_connect (control, "changed", G_CALLBACK (entry_changed_cb), self);
    }

  g_signal_connect (self->field[FIELD_LR].control, "activate", G_CALLBACK (lr_activate_cb), self);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (lr_focus_leave_cb), self);
  gtk_widget_add_controller (self->field[FIELD_LR].control, focus);
  for (int decade = (int) LR_LOG_MIN; decade <= (int) LR_LOG_MAX; decade++)
    gtk_scale_add_mark (GTK_SCALE (self->lr_scale), decade, GTK_POS_BOTTOM, NULL);
  g_signal_connect (self->lr_scale, "value-changed", G_CALLBACK (lr_scale_changed_cb), self);

  g_signal_connect (self->loss_control, "notify::selected", G_CALLBACK (loss_selected_cb), self);
  g_signal_connect (self->optimizer_control, "notify::selected",
                    G_CALLBACK (optimizer_selected_cb), self);
  g_signal_connect (self->schedule_control, "notify::selected",
                    G_CALLBACK (schedule_selected_cb), self);
  g_signal_connect (self->nesterov_control, "notify::active", G_CALLBACK (nesterov_active_cb),
                    self);
  g_signal_connect (self->shuffle_control, "notify::active", G_CALLBACK (shuffle_active_cb),
                    self);

  show_all_values (self);
}

GtkWidget *
bp_training_panel_new (void)
{
  return g_object_new (BP_TYPE_TRAINING_PANEL, NULL);
}

void
bp_training_panel_set_params (BpTrainingPanel         *self,
                              const nn_trainer_params *params,
                              nn_loss                  loss,
                              int                      threads)
{
  g_return_if_fail (BP_IS_TRAINING_PANEL (self));
  g_return_if_fail (params != NULL);
  g_return_if_fail (loss < NN_LOSS_COUNT);

  self->params = *params;
  self->loss = loss;
  self->threads = threads > 0 ? MIN (threads, 1024) : (int) MIN (g_get_num_processors (), 1024);
  show_all_values (self);
  update_note (self);
}

void
bp_training_panel_get_params (BpTrainingPanel   *self,
                              nn_trainer_params *params,
                              nn_loss           *loss,
                              int               *threads)
{
  g_return_if_fail (BP_IS_TRAINING_PANEL (self));

  if (params != NULL)
    *params = self->params;
  if (loss != NULL)
    *loss = self->loss;
  if (threads != NULL)
    *threads = self->threads;
}

void
bp_training_panel_set_running (BpTrainingPanel *self,
                               gboolean         running)
{
  g_return_if_fail (BP_IS_TRAINING_PANEL (self));

  running = !!running;
  if (running && !self->running)
    {
      self->run_params = self->params;
      self->run_loss = self->loss;
      self->run_threads = self->threads;
    }
  self->running = running;
  /* A run's schedule may have moved the rate shown; the next run starts
   * from the rate set here. */
  if (!running)
    {
      field_show_value (self, FIELD_LR);
      show_lr_on_scale (self, self->params.opt.lr);
    }
  update_note (self);
}

void
bp_training_panel_set_task (BpTrainingPanel *self,
                            nn_task          task)
{
  gboolean fits;

  g_return_if_fail (BP_IS_TRAINING_PANEL (self));
  g_return_if_fail (task < NN_TASK_COUNT);

  self->task = task;
  fits = task == NN_TASK_CLASSIFICATION || self->loss != NN_LOSS_CE;
  if (!fits)
    self->loss = NN_LOSS_MSE;
  rebuild_losses (self);
  if (!fits)
    emit_changed (self);
}

void
bp_training_panel_show_lr (BpTrainingPanel *self,
                           double           lr)
{
  GtkWidget *entry;
  GtkRoot *root;
  GtkWidget *focus;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (BP_IS_TRAINING_PANEL (self));

  if (!(lr > 0.0 && isfinite (lr)))
    return;
  entry = self->field[FIELD_LR].control;
  root = gtk_widget_get_root (entry);
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  /* Never overwrite what someone is typing. */
  if (focus == NULL || (focus != entry && !gtk_widget_is_ancestor (focus, entry)))
    {
      format_double (buf, sizeof buf, lr);
      self->updating++;
      gtk_editable_set_text (GTK_EDITABLE (entry), buf);
      field_show_error (self, FIELD_LR, NULL);
      self->updating--;
    }
  show_lr_on_scale (self, lr);
}
