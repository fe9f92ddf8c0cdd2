/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "data-panel.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "data-preview.h"
#include "idx.h"

/* How long the panel waits after an edit before it loads, so that typing
 * "2000" loads once rather than four times. */
#define RELOAD_DELAY_MS 300

/* The typed settings; each has KEY_label, KEY_control (a spin button or an
 * entry) and KEY_error in the template. */
typedef enum
{
  FIELD_SAMPLES,
  FIELD_NOISE,
  FIELD_CLASSES,
  FIELD_GEN_SEED,
  FIELD_LABEL_COLUMN,
  FIELD_TARGET_COLUMNS,
  FIELD_VAL,
  FIELD_TEST,
  FIELD_SPLIT_SEED,
  FIELD_COUNT
} FieldId;

typedef enum
{
  VALUE_INT,   /* spin button */
  VALUE_REAL,  /* spin button, rounded to its digits */
  VALUE_SEED,  /* entry: 0 … 2⁶³ − 1 */
  VALUE_TEXT,  /* entry: at most max bytes */
} ValueKind;

typedef struct
{
  const char *key;
  ValueKind   kind;
  double      min;
  double      max;
} FieldInfo;

/* The ranges are the command line's (app/options.c) and the loaders'. */
static const FieldInfo field_info[FIELD_COUNT] = {
  [FIELD_SAMPLES] = { "samples", VALUE_INT, 1, 10000000 },
  [FIELD_NOISE] = { "noise", VALUE_REAL, 0, 100 },
  [FIELD_CLASSES] = { "classes", VALUE_INT, 2, 64 },
  [FIELD_GEN_SEED] = { "gen_seed", VALUE_SEED, 0, (double) G_MAXINT64 },
  [FIELD_LABEL_COLUMN] = { "label_column", VALUE_TEXT, 0, 255 },
  [FIELD_TARGET_COLUMNS] = { "target_columns", VALUE_TEXT, 0, 1023 },
  [FIELD_VAL] = { "val", VALUE_REAL, 0, 0.9 },
  [FIELD_TEST] = { "test", VALUE_REAL, 0, 0.9 },
  [FIELD_SPLIT_SEED] = { "split_seed", VALUE_SEED, 0, (double) G_MAXINT64 },
};

typedef struct
{
  GtkWidget *label;
  GtkWidget *control;
  GtkWidget *error;
} FieldWidgets;

typedef struct
{
  double      v;
  guint64     seed;
  const char *text;
} FieldValue;

/* An entry of the data set menu. */
typedef struct
{
  nn_source_kind kind;
  const char    *name;   /* generator or installed set; NULL for CSV and IDX */
  const char    *title;
} SourceItem;

#define MAX_ITEMS (NN_GEN_COUNT + 4)

struct _BpDataPanel
{
  GtkWidget             parent_instance;

  GtkWidget            *content;
  GtkWidget            *source_control;
  GtkWidget            *file_label;
  GtkWidget            *file_control;
  GtkWidget            *file_button_label;
  GtkWidget            *folder_label;
  GtkWidget            *folder_control;
  GtkWidget            *folder_button_label;
  GtkWidget            *header_label;
  GtkWidget            *header_control;
  GtkWidget            *delimiter_label;
  GtkWidget            *delimiter_control;
  GtkWidget            *task_label;
  GtkWidget            *task_control;
  GtkWidget            *missing_label;
  GtkWidget            *missing_control;
  GtkWidget            *scale_control;
  GtkWidget            *preview;
  GtkWidget            *spinner;
  GtkWidget            *summary_label;
  GtkWidget            *error_box;
  GtkWidget            *error_label;
  GtkWidget            *checks_box;
  FieldWidgets          field[FIELD_COUNT];

  SourceItem            items[MAX_ITEMS];
  guint                 n_items;

  nn_data_source        source;      /* as the controls describe it */
  char                 *csv_path;    /* the last file and folder chosen */
  char                 *idx_path;
  BpData               *data;        /* the last data loaded without error */
  gboolean              have_model;
  nn_model_spec         model;

  GCancellable         *cancellable;
  guint                 generation;  /* of the latest load; older ones are stale */
  guint                 reload_id;
  gboolean              loading;
  GtkFileChooserNative *chooser;

  guint                 updating;    /* > 0 while the panel sets its own controls */
  gboolean              disposed;
};

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

enum
{
  SIGNAL_LOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpDataPanel, bp_data_panel, GTK_TYPE_WIDGET)

static const char *const generator_titles[NN_GEN_COUNT] = {
  [NN_GEN_SPIRAL] = N_("Spiral"),
  [NN_GEN_MOONS] = N_("Moons"),
  [NN_GEN_CIRCLES] = N_("Circles"),
  [NN_GEN_XOR] = N_("XOR"),
  [NN_GEN_GAUSSIANS] = N_("Gaussian blobs"),
  [NN_GEN_SINE] = N_("Sine (regression)"),
  [NN_GEN_PLANE] = N_("Plane (regression)"),
};

/* The menus' entries, in the order of the template's string lists. */
static const int header_values[] = { -1, 1, 0 };
static const char delimiter_values[] = { 0, ',', ';', '\t', '|', ':' };

static const char targets_for_regression[] =
  N_("Target columns are for regression; set the task to Regression or Detect, or use the "
     "label column");

static void start_load (BpDataPanel *self);

static gsize
generator_classes (const nn_generate_params *g)
{
  if (nn_generator_task (g->kind) == NN_TASK_REGRESSION)
    return 1;
  return g->kind == NN_GEN_SPIRAL || g->kind == NN_GEN_GAUSSIANS ? g->classes : 2;
}

static char *
allowed_text (FieldId id)
{
  const FieldInfo *f = &field_info[id];

  switch (f->kind)
    {
    case VALUE_INT:
      return g_strdup_printf (_("Expected a whole number from %.0f to %.0f"), f->min, f->max);
    case VALUE_SEED:
      return g_strdup_printf (_("Expected a whole number from 0 to %" G_GINT64_FORMAT),
                              G_MAXINT64);
    case VALUE_REAL:
      return g_strdup_printf (_("Expected a number from %g to %g"), f->min, f->max);
    case VALUE_TEXT:
      return g_strdup_printf (_("At most %.0f bytes"), f->max);
    }
  g_return_val_if_reached (NULL);
}

/* Reads @text as field @id (as strictly as the command line); on failure
 * @message says what is allowed. @value->text points into @text. */
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

  memset (value, 0, sizeof *value);
  errno = 0;
  switch (f->kind)
    {
    case VALUE_INT:
      {
        gint64 v = g_ascii_strtoll (s, &end, 10);

        ok = s[0] != '\0' && *end == '\0' && errno == 0 && v >= (gint64) f->min
             && v <= (gint64) f->max;
        value->v = (double) v;
      }
      break;
    case VALUE_REAL:
      {
        double v = g_ascii_strtod (s, &end);

        ok = s[0] != '\0' && *end == '\0' && errno == 0 && isfinite (v) && v >= f->min
             && v <= f->max;
        value->v = v;
      }
      break;
    case VALUE_SEED:
      {
        guint64 v = g_ascii_strtoull (s, &end, 10);

        ok = g_ascii_isdigit (s[0]) && *end == '\0' && errno == 0 && v <= G_MAXINT64;
        value->seed = v;
      }
      break;
    case VALUE_TEXT:
      value->text = text;
      ok = strlen (text) <= (size_t) f->max;
      break;
    }
  if (!ok && message != NULL)
    {
      g_autofree char *allowed = allowed_text (id);

      *message = s[0] != '\0' && f->kind != VALUE_TEXT
                 ? g_strdup_printf (_("%s, not “%s”"), allowed, s) : g_strdup (allowed);
    }
  return ok;
}

static void
field_show_error (BpDataPanel *self,
                  FieldId      id,
                  const char  *message)
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

/* Whether the source can be loaded as it stands; if not, why not (or NULL
 * when there is simply no file chosen yet). */
static gboolean
source_ready (BpDataPanel  *self,
              char        **why)
{
  const nn_data_source *s = &self->source;

  *why = NULL;
  if ((s->kind == NN_SOURCE_CSV || s->kind == NN_SOURCE_IDX) && s->name[0] == '\0')
    return FALSE;
  if (s->kind == NN_SOURCE_CSV && s->target_columns[0] != '\0'
      && s->csv.task == NN_CSV_TASK_CLASSIFICATION)
    {
      *why = g_strdup (_(targets_for_regression));
      return FALSE;
    }
  return TRUE;
}

/* Stores a valid @value of @id in @s, unless it breaks a rule between
 * settings; returns whether @s changed, or FALSE with @message. */
static gboolean
source_apply (nn_data_source    *s,
              FieldId            id,
              const FieldValue  *value,
              char             **message)
{
  nn_data_source old = *s;
  char copy[1024];

  *message = NULL;
  switch (id)
    {
    case FIELD_SAMPLES:
      if (value->v < generator_classes (&s->generate))
        {
          *message = g_strdup_printf (_("%s with %zu classes needs at least %zu rows, one per "
                                        "class"), nn_generator_name (s->generate.kind),
                                      generator_classes (&s->generate),
                                      generator_classes (&s->generate));
          return FALSE;
        }
      s->generate.samples = (size_t) value->v;
      break;
    case FIELD_CLASSES:
      if (value->v > s->generate.samples)
        {
          *message = g_strdup_printf (_("%.0f classes need at least %.0f samples, one per "
                                        "class"), value->v, value->v);
          return FALSE;
        }
      s->generate.classes = (size_t) value->v;
      break;
    case FIELD_NOISE:
      s->generate.noise = value->v;
      break;
    case FIELD_GEN_SEED:
      s->generate.seed = value->seed;
      break;
    case FIELD_LABEL_COLUMN:
      {
        char label[sizeof s->label_column];

        g_strlcpy (label, value->text, sizeof label);
        g_strlcpy (copy, s->target_columns, sizeof copy);
        nn_data_source_set_columns (s, g_strstrip (label), copy);
      }
      break;
    case FIELD_TARGET_COLUMNS:
      if (value->text[strspn (value->text, " \t")] != '\0'
          && s->csv.task == NN_CSV_TASK_CLASSIFICATION)
        {
          *message = g_strdup (_(targets_for_regression));
          return FALSE;
        }
      g_strlcpy (copy, s->label_column, sizeof copy);
      nn_data_source_set_columns (s, copy, value->text);
      g_strstrip (s->target_columns);
      break;
    case FIELD_VAL:
    case FIELD_TEST:
      {
        double val = id == FIELD_VAL ? value->v : s->split.val_fraction;
        double test = id == FIELD_TEST ? value->v : s->split.test_fraction;

        if (val + test >= 1.0 - 1e-9)
          {
            *message = g_strdup_printf (_("Validation and test together must leave rows for "
                                          "training (%g + %g ≥ 1)"), val, test);
            return FALSE;
          }
        s->split.val_fraction = val;
        s->split.test_fraction = test;
      }
      break;
    case FIELD_SPLIT_SEED:
      s->split.seed = value->seed;
      break;
    case FIELD_COUNT:
      g_return_val_if_reached (FALSE);
    }
  return memcmp (&old, s, sizeof old) != 0;
}

static void
set_loading (BpDataPanel *self,
             gboolean     loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_widget_set_visible (self->spinner, loading);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  BpDataPanel *self = user_data;

  self->reload_id = 0;
  start_load (self);
  return G_SOURCE_REMOVE;
}

/* Loads after RELOAD_DELAY_MS, counted again from every edit. */
static void
queue_reload (BpDataPanel *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);
}

static FieldId
field_of (gpointer control)
{
  return (FieldId) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (control), "bp-field"));
}

static int
item_of_source (BpDataPanel *self)
{
  const nn_data_source *s = &self->source;

  for (guint i = 0; i < self->n_items; i++)
    {
      const SourceItem *item = &self->items[i];

      if (item->kind != s->kind)
        continue;
      if (s->kind == NN_SOURCE_CSV || s->kind == NN_SOURCE_IDX)
        return (int) i;
      if (s->kind == NN_SOURCE_BUILTIN && strcmp (item->name,
                                                 nn_generator_name (s->generate.kind)) == 0)
        return (int) i;
      if (s->kind == NN_SOURCE_NAMED && strcmp (item->name, s->name) == 0)
        return (int) i;
    }
  return -1;
}

static void
set_row_visible (GtkWidget *label,
                 GtkWidget *control,
                 gboolean   visible)
{
  gtk_widget_set_visible (label, visible);
  gtk_widget_set_visible (control, visible);
}

static void
update_rows (BpDataPanel *self)
{
  nn_source_kind kind = self->source.kind;
  gboolean builtin = kind == NN_SOURCE_BUILTIN;
  gboolean csv = kind == NN_SOURCE_CSV;
  nn_generator gen = self->source.generate.kind;

  for (FieldId id = 0; id < FIELD_COUNT; id++)
    {
      gboolean visible = TRUE;

      switch (id)
        {
        case FIELD_SAMPLES:
        case FIELD_NOISE:
        case FIELD_GEN_SEED:
          visible = builtin;
          break;
        case FIELD_CLASSES:
          visible = builtin && (gen == NN_GEN_SPIRAL || gen == NN_GEN_GAUSSIANS);
          break;
        case FIELD_LABEL_COLUMN:
        case FIELD_TARGET_COLUMNS:
          visible = csv;
          break;
        case FIELD_VAL:
        case FIELD_TEST:
        case FIELD_SPLIT_SEED:
        case FIELD_COUNT:
          break;
        }
      set_row_visible (self->field[id].label, self->field[id].control, visible);
      if (!visible)
        gtk_widget_set_visible (self->field[id].error, FALSE);
    }
  set_row_visible (self->file_label, self->file_control, csv);
  set_row_visible (self->folder_label, self->folder_control, kind == NN_SOURCE_IDX);
  set_row_visible (self->header_label, self->header_control, csv);
  set_row_visible (self->delimiter_label, self->delimiter_control, csv);
  set_row_visible (self->task_label, self->task_control, csv);
  set_row_visible (self->missing_label, self->missing_control, csv);
  /* An installed set brings its own test part (t10k). */
  gtk_widget_set_sensitive (self->field[FIELD_TEST].control, kind != NN_SOURCE_NAMED);
  gtk_widget_set_tooltip_text (self->field[FIELD_TEST].control,
                               kind == NN_SOURCE_NAMED ? _("This set brings its own test part")
                                                       : NULL);
}

static void
show_path (GtkWidget  *button,
           GtkWidget  *label,
           const char *path,
           const char *none)
{
  g_autofree char *base = path != NULL && path[0] != '\0' ? g_path_get_basename (path) : NULL;

  gtk_label_set_text (GTK_LABEL (label), base != NULL ? base : none);
  gtk_widget_set_tooltip_text (button, base != NULL ? path : NULL);
}

static void
field_show_value (BpDataPanel *self,
                  FieldId      id)
{
  const nn_data_source *s = &self->source;
  GtkWidget *control = self->field[id].control;
  char buf[64];

  self->updating++;
  switch (id)
    {
    case FIELD_SAMPLES:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), (double) s->generate.samples);
      break;
    case FIELD_NOISE:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), s->generate.noise);
      break;
    case FIELD_CLASSES:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), (double) s->generate.classes);
      break;
    case FIELD_VAL:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), s->split.val_fraction);
      break;
    case FIELD_TEST:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), s->split.test_fraction);
      break;
    case FIELD_GEN_SEED:
    case FIELD_SPLIT_SEED:
      g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT,
                  (guint64) (id == FIELD_GEN_SEED ? s->generate.seed : s->split.seed));
      gtk_editable_set_text (GTK_EDITABLE (control), buf);
      break;
    case FIELD_LABEL_COLUMN:
      gtk_editable_set_text (GTK_EDITABLE (control), s->label_column);
      break;
    case FIELD_TARGET_COLUMNS:
      gtk_editable_set_text (GTK_EDITABLE (control), s->target_columns);
      break;
    case FIELD_COUNT:
      break;
    }
  field_show_error (self, id, NULL);
  self->updating--;
}

static guint
index_of_char (const char *values,
               gsize       n,
               char        c)
{
  for (gsize i = 0; i < n; i++)
    if (values[i] == c)
      return (guint) i;
  return 0;
}

/* Shows every setting of the source. */
static void
show_source (BpDataPanel *self)
{
  const nn_data_source *s = &self->source;
  int item = item_of_source (self);
  guint header = 0;

  self->updating++;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->source_control),
                              item >= 0 ? (guint) item : GTK_INVALID_LIST_POSITION);
  for (FieldId id = 0; id < FIELD_COUNT; id++)
    field_show_value (self, id);
  for (guint i = 0; i < G_N_ELEMENTS (header_values); i++)
    if (header_values[i] == s->csv.header)
      header = i;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->header_control), header);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->delimiter_control),
                              index_of_char (delimiter_values, G_N_ELEMENTS (delimiter_values),
                                             s->csv.delimiter));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->task_control), s->csv.task);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->missing_control), s->csv.missing);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->scale_control), s->scale);
  show_path (self->file_control, self->file_button_label,
             s->kind == NN_SOURCE_CSV ? s->name : NULL, _("Choose File…"));
  show_path (self->folder_control, self->folder_button_label,
             s->kind == NN_SOURCE_IDX ? s->name : NULL, _("Choose Folder…"));
  update_rows (self);
  self->updating--;
}

/* Points the source at a file, a folder or nothing yet ("" for CSV or
 * IDX), switching the scaling default between images and other data as
 * nn_data_source_set does. */
static void
set_source_path (BpDataPanel    *self,
                 nn_source_kind  kind,
                 const char     *path)
{
  nn_data_source *s = &self->source;
  gboolean images = kind == NN_SOURCE_NAMED || kind == NN_SOURCE_IDX;
  gboolean was_images = s->kind == NN_SOURCE_NAMED || s->kind == NN_SOURCE_IDX;

  if (images != was_images)
    s->scale = images ? NN_SCALE_NONE : NN_SCALE_STANDARD;
  s->kind = kind;
  g_strlcpy (s->name, path != NULL ? path : "", sizeof s->name);
}

static void
add_check_row (BpDataPanel *self,
               const char  *icon,
               const char  *severity,
               const char  *name,
               const char  *message,
               const char  *advice)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *image = gtk_image_new_from_icon_name (icon);
  GtkWidget *label = gtk_label_new (message);

  gtk_widget_set_name (row, name);
  gtk_widget_set_valign (image, GTK_ALIGN_START);
  gtk_widget_set_margin_top (image, 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  severity, -1);
  if (g_str_has_prefix (name, "check-error"))
    gtk_widget_add_css_class (image, "error");
  else if (g_str_has_prefix (name, "check-warning"))
    gtk_widget_add_css_class (image, "warning");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (text), label);
  if (advice != NULL && advice[0] != '\0')
    {
      GtkWidget *hint = gtk_label_new (advice);

      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (hint), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (hint), 0.0f);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_widget_add_css_class (hint, "caption");
      gtk_box_append (GTK_BOX (text), hint);
    }
  gtk_box_append (GTK_BOX (row), image);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (self->checks_box), row);
}

/* Lists the data checks (and the model's, when one was given). */
static void
show_checks (BpDataPanel *self)
{
  static const char *const icons[NN_SEVERITY_COUNT] = {
    [NN_SEVERITY_INFO] = "dialog-information-symbolic",
    [NN_SEVERITY_WARNING] = "dialog-warning-symbolic",
    [NN_SEVERITY_ERROR] = "dialog-error-symbolic",
  };
  static const char *const severities[NN_SEVERITY_COUNT] = {
    [NN_SEVERITY_INFO] = N_("Information"),
    [NN_SEVERITY_WARNING] = N_("Warning"),
    [NN_SEVERITY_ERROR] = N_("Error"),
  };
  g_autoptr (GArray) findings = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->checks_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->checks_box), child);
  if (self->data == NULL)
    return;
  findings = bp_data_check (self->data, self->have_model ? &self->model : NULL);
  if (findings == NULL || findings->len == 0)
    {
      add_check_row (self, "emblem-ok-symbolic", _("Passed"), "check-none",
                     _("No problems found"), NULL);
      return;
    }
  for (guint i = 0; i < findings->len; i++)
    {
      const nn_check_finding *f = &g_array_index (findings, nn_check_finding, i);
      nn_severity sev = f->severity < NN_SEVERITY_COUNT ? f->severity : NN_SEVERITY_ERROR;
      g_autofree char *name = g_strdup_printf ("check-%s-%s", nn_severity_name (sev),
                                               nn_check_kind_name (f->kind));

      add_check_row (self, icons[sev], _(severities[sev]), name, f->message, f->advice);
    }
}

static void
show_error (BpDataPanel *self,
            const char  *message)
{
  g_autofree char *text = NULL;

  if (message == NULL)
    {
      gtk_widget_set_visible (self->error_box, FALSE);
      return;
    }
  text = self->data != NULL
         ? g_strdup_printf (_("%s\nThe data loaded before stay in use."), message)
         : g_strdup (message);
  gtk_label_set_text (GTK_LABEL (self->error_label), text);
  gtk_widget_set_visible (self->error_box, TRUE);
}

/* Describes the data in use, followed by @hint (NULL: none). */
static void
show_summary (BpDataPanel *self,
              const char  *hint)
{
  g_autofree char *summary = self->data != NULL ? bp_data_describe (self->data) : NULL;
  g_autofree char *text = g_strjoin ("\n", summary != NULL ? summary : hint,
                                     summary != NULL ? hint : NULL, NULL);

  gtk_label_set_text (GTK_LABEL (self->summary_label), text != NULL ? text : "");
}

typedef struct
{
  BpDataPanel *panel;
  guint        generation;
} Load;

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Load *load = user_data;
  g_autoptr (BpDataPanel) self = load->panel;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpData) data = bp_data_load_finish (result, &error);
  gboolean stale = load->generation != self->generation;

  g_free (load);
  /* A newer load was started (and this one cancelled), or the panel went. */
  if (stale || self->disposed)
    return;
  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  if (data == NULL)
    {
      show_error (self, error != NULL ? error->message : _("The data could not be loaded"));
      return;
    }
  g_set_object (&self->data, data);
  show_error (self, NULL);
  show_summary (self, NULL);
  bp_data_preview_set_data (BP_DATA_PREVIEW (self->preview), data);
  show_checks (self);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0, data);
}

static void
start_load (BpDataPanel *self)
{
  g_autofree char *why = NULL;
  Load *load;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* Whatever is under way is stale from here on. */
  self->generation++;
  if (!source_ready (self, &why))
    {
      set_loading (self, FALSE);
      if (why != NULL)
        field_show_error (self, FIELD_TARGET_COLUMNS, why);
      else
        {
          show_error (self, NULL);
          show_summary (self, self->source.kind == NN_SOURCE_IDX
                              ? _("Choose a folder of IDX files to load it.")
                              : _("Choose a CSV file to load it."));
        }
      return;
    }
  self->cancellable = g_cancellable_new ();
  load = g_new0 (Load, 1);
  load->panel = g_object_ref (self);
  load->generation = self->generation;
  set_loading (self, TRUE);
  bp_data_load_async (&self->source, self->cancellable, load_done_cb, load);
}

static void
field_changed (BpDataPanel *self,
               FieldId      id,
               const char  *text,
               gboolean     apply)
{
  g_autofree char *message = NULL;
  FieldValue value;

  if (!field_parse (id, text, &value, &message))
    {
      field_show_error (self, id, message);
      return;
    }
  if (apply)
    {
      if (source_apply (&self->source, id, &value, &message))
        queue_reload (self);
    }
  else
    {
      /* Checked against the other settings too, without applying. */
      nn_data_source trial = self->source;

      source_apply (&trial, id, &value, &message);
    }
  field_show_error (self, id, message);
}

/* Entries apply what is typed as it is typed (the load waits for a pause);
 * spin buttons check it as it is typed and apply it on Enter, when the
 * focus leaves or from their arrows. */
static void
entry_changed_cb (GtkEditable *editable,
                  BpDataPanel *self)
{
  FieldId id = field_of (editable);

  if (self->updating > 0 || self->disposed)
    return;
  field_changed (self, id, gtk_editable_get_text (editable),
                 field_info[id].kind == VALUE_SEED || field_info[id].kind == VALUE_TEXT);
}

static int
spin_input_cb (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  double scale = pow (10.0, gtk_spin_button_get_digits (spin));
  FieldValue value;

  if (!field_parse (field_of (spin), gtk_editable_get_text (GTK_EDITABLE (spin)), &value, NULL))
    return GTK_INPUT_ERROR;
  /* What the spin button shows is what applies. */
  *new_value = round (value.v * scale) / scale;
  return TRUE;
}

/* Fractions and noise without trailing zeros ("0.2", not "0.200"). */
static gboolean
spin_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  char format[8];
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  if (field_info[field_of (spin)].kind != VALUE_REAL)
    return FALSE;
  g_snprintf (format, sizeof format, "%%.%uf", gtk_spin_button_get_digits (spin));
  g_ascii_formatd (buf, sizeof buf, format, gtk_spin_button_get_value (spin));
  if (strchr (buf, '.') != NULL)
    {
      end = buf + strlen (buf) - 1;
      while (*end == '0')
        *end-- = '\0';
      if (*end == '.')
        *end = '\0';
    }
  if (strcmp (buf, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), buf);
  return TRUE;
}

static void
spin_value_changed_cb (GtkSpinButton *spin,
                       BpDataPanel   *self)
{
  FieldId id = field_of (spin);
  g_autofree char *message = NULL;
  FieldValue value = { .v = gtk_spin_button_get_value (spin) };

  if (self->updating > 0 || self->disposed)
    return;
  if (field_info[id].kind == VALUE_INT)
    value.v = round (value.v);
  /* A value refused for the other settings stays shown with the reason,
   * as a typed value that does not parse does. */
  if (source_apply (&self->source, id, &value, &message))
    queue_reload (self);
  field_show_error (self, id, message);
}

static void
source_selected_cb (GtkDropDown *dropdown,
                    GParamSpec  *pspec,
                    BpDataPanel *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  const SourceItem *item;

  if (self->updating > 0 || self->disposed || i >= self->n_items)
    return;
  item = &self->items[i];
  switch (item->kind)
    {
    case NN_SOURCE_BUILTIN:
      /* A new generator starts from its own defaults (noise, classes). */
      nn_data_source_set (&self->source, item->name, NULL);
      break;
    case NN_SOURCE_NAMED:
      set_source_path (self, NN_SOURCE_NAMED, item->name);
      break;
    case NN_SOURCE_CSV:
      set_source_path (self, NN_SOURCE_CSV, self->csv_path);
      break;
    case NN_SOURCE_IDX:
      set_source_path (self, NN_SOURCE_IDX, self->idx_path);
      break;
    case NN_SOURCE_COUNT:
      return;
    }
  show_source (self);
  queue_reload (self);
}

static void
choice_selected_cb (GtkDropDown *dropdown,
                    GParamSpec  *pspec,
                    BpDataPanel *self)
{
  nn_data_source *s = &self->source;
  guint i = gtk_drop_down_get_selected (dropdown);
  GtkWidget *w = GTK_WIDGET (dropdown);

  if (self->updating > 0 || self->disposed || i == GTK_INVALID_LIST_POSITION)
    return;
  if (w == self->header_control && i < G_N_ELEMENTS (header_values))
    s->csv.header = header_values[i];
  else if (w == self->delimiter_control && i < G_N_ELEMENTS (delimiter_values))
    s->csv.delimiter = delimiter_values[i];
  else if (w == self->task_control && i <= NN_CSV_TASK_REGRESSION)
    s->csv.task = (nn_csv_task) i;
  else if (w == self->missing_control && i <= NN_MISSING_MEAN)
    s->csv.missing = (nn_missing) i;
  else if (w == self->scale_control && i < NN_SCALE_COUNT)
    s->scale = (nn_scale_kind) i;
  else
    return;
  /* The task decides whether target columns are allowed. */
  if (w == self->task_control)
    {
      GtkEditable *targets = GTK_EDITABLE (self->field[FIELD_TARGET_COLUMNS].control);

      field_changed (self, FIELD_TARGET_COLUMNS, gtk_editable_get_text (targets), TRUE);
    }
  queue_reload (self);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     BpDataPanel     *self)
{
  gboolean folder = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog))
                    == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;

  if (response == GTK_RESPONSE_ACCEPT && !self->disposed)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path == NULL || strlen (path) >= NN_SOURCE_MAX_PATH)
        show_error (self, path == NULL ? _("Only local files can be opened")
                                       : _("The path is too long"));
      else
        {
          g_free (folder ? self->idx_path : self->csv_path);
          if (folder)
            self->idx_path = g_strdup (path);
          else
            self->csv_path = g_strdup (path);
          set_source_path (self, folder ? NN_SOURCE_IDX : NN_SOURCE_CSV, path);
          show_source (self);
          start_load (self);
        }
    }
  gtk_native_dialog_destroy (dialog);
  if (self->chooser == GTK_FILE_CHOOSER_NATIVE (dialog))
    g_clear_object (&self->chooser);
}

static void
choose_clicked_cb (GtkButton   *button,
                   BpDataPanel *self)
{
  gboolean folder = GTK_WIDGET (button) == self->folder_control;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *current = folder ? self->idx_path : self->csv_path;
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  chooser = gtk_file_chooser_native_new (folder ? _("Open IDX Folder") : _("Open CSV File"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (!folder)
    {
      g_autoptr (GtkFileFilter) csv = gtk_file_filter_new ();
      g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (csv, _("CSV files (.csv, .csv.gz)"));
      gtk_file_filter_add_pattern (csv, "*.csv");
      gtk_file_filter_add_pattern (csv, "*.CSV");
      gtk_file_filter_add_pattern (csv, "*.csv.gz");
      gtk_file_filter_add_pattern (csv, "*.CSV.GZ");
      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
      gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), csv);
    }
  if (current != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (current);
      g_autoptr (GFile) parent = g_file_get_parent (file);

      if (folder && parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
      else
        gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  self->chooser = chooser;
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
bp_data_panel_dispose (GObject *object)
{
  BpDataPanel *self = BP_DATA_PANEL (object);

  self->disposed = TRUE;
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->generation++;
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  g_clear_object (&self->data);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_DATA_PANEL);
  G_OBJECT_CLASS (bp_data_panel_parent_class)->dispose (object);
}

static void
bp_data_panel_finalize (GObject *object)
{
  BpDataPanel *self = BP_DATA_PANEL (object);

  g_free (self->csv_path);
  g_free (self->idx_path);
  G_OBJECT_CLASS (bp_data_panel_parent_class)->finalize (object);
}

static void
bp_data_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BpDataPanel *self = BP_DATA_PANEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_data_panel_class_init (BpDataPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_data_panel_dispose;
  object_class->finalize = bp_data_panel_finalize;
  object_class->get_property = bp_data_panel_get_property;

  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* "loaded" (BpData *data): after each load that succeeded. */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, BP_TYPE_DATA);

  g_type_ensure (BP_TYPE_DATA_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/app/backprop/ui/data-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, content);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, source_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, file_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, file_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, file_button_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, folder_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, folder_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, folder_button_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, header_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, header_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, delimiter_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, delimiter_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, task_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, task_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, missing_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, missing_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, scale_control);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, preview);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, error_box);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, checks_box);
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
                                                     G_STRUCT_OFFSET (BpDataPanel, field)
                                                     + (gssize) (id * sizeof (FieldWidgets))
                                                     + offsets[j]);
        }
    }
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "datapanel");
}

static void
bp_data_panel_init (BpDataPanel *self)
{
  g_autoptr (GtkStringList) titles = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (int g = 0; g < NN_GEN_COUNT; g++)
    self->items[self->n_items++] = (SourceItem) {
      NN_SOURCE_BUILTIN, nn_generator_name ((nn_generator) g), _(generator_titles[g])
    };
  /* The installed sets are offered only when their package is there. */
  if (g_file_test (NN_IDX_FASHION_MNIST_DIR, G_FILE_TEST_IS_DIR))
    self->items[self->n_items++] = (SourceItem) {
      NN_SOURCE_NAMED, "fashion-mnist", _("Fashion-MNIST")
    };
  if (g_file_test (NN_IDX_MNIST_DIR, G_FILE_TEST_IS_DIR))
    self->items[self->n_items++] = (SourceItem) { NN_SOURCE_NAMED, "mnist", _("MNIST") };
  self->items[self->n_items++] = (SourceItem) { NN_SOURCE_CSV, NULL, _("CSV file…") };
  self->items[self->n_items++] = (SourceItem) { NN_SOURCE_IDX, NULL, _("IDX folder…") };
  for (guint i = 0; i < self->n_items; i++)
    gtk_string_list_append (titles, self->items[i].title);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->source_control), G_LIST_MODEL (titles));

  for (FieldId id = 0; id < FIELD_COUNT; id++)
    {
      GtkWidget *control = self->field[id].control;

      g_object_set_data (G_OBJECT (control), "bp-field", GINT_TO_POINTER (id));
      if (GTK_IS_SPIN_BUTTON (control))
        {
          g_signal_connect (control, "input", G_CALLBACK (spin_input_cb), NULL);
          g_signal_connect (control, "output", G_CALLBACK (spin_output_cb), NULL);
          g_signal_connect (control, "value-changed", G_CALLBACK (spin_value_changed_cb), self);
        }
      g_signal_connect (control, "changed", G_CALLBACK (entry_changed_cb), self);
    }
  g_signal_connect (self->source_control, "notify::selected", G_CALLBACK (source_selected_cb),
                    self);
  g_signal_connect (self->header_control, "notify::selected", G_CALLBACK (choice_selected_cb),
                    self);
  g_signal_connect (self->delimiter_control, "notify::selected",
                    G_CALLBACK (choice_selected_cb), self);
  g_signal_connect (self->task_control, "notify::selected", G_CALLBACK (choice_selected_cb),
                    self);
  g_signal_connect (self->missing_control, "notify::selected", G_CALLBACK (choice_selected_cb),
                    self);
  g_signal_connect (self->scale_control, "notify::selected", G_CALLBACK (choice_selected_cb),
                    self);

  nn_data_source_init (&self->source);
  show_source (self);
}

GtkWidget *
bp_data_panel_new (void)
{
  return g_object_new (BP_TYPE_DATA_PANEL, NULL);
}

void
bp_data_panel_set_source (BpDataPanel          *self,
                          const nn_data_source *src)
{
  g_return_if_fail (BP_IS_DATA_PANEL (self));
  g_return_if_fail (src != NULL);

  self->source = *src;
  /* The CSV option strings of a copy would point into @src. */
  self->source.csv.label_column = NULL;
  self->source.csv.target_columns = NULL;
  self->source.name[sizeof self->source.name - 1] = '\0';
  self->source.label_column[sizeof self->source.label_column - 1] = '\0';
  self->source.target_columns[sizeof self->source.target_columns - 1] = '\0';
  if (src->kind == NN_SOURCE_CSV && src->name[0] != '\0')
    {
      g_free (self->csv_path);
      self->csv_path = g_strdup (self->source.name);
    }
  else if (src->kind == NN_SOURCE_IDX && src->name[0] != '\0')
    {
      g_free (self->idx_path);
      self->idx_path = g_strdup (self->source.name);
    }
  show_source (self);
  start_load (self);
}

void
bp_data_panel_get_source (BpDataPanel    *self,
                          nn_data_source *src)
{
  g_return_if_fail (BP_IS_DATA_PANEL (self));
  g_return_if_fail (src != NULL);

  *src = self->source;
  src->csv.label_column = src->label_column[0] != '\0' ? src->label_column : NULL;
  src->csv.target_columns = src->target_columns[0] != '\0' ? src->target_columns : NULL;
}

BpData *
bp_data_panel_get_data (BpDataPanel *self)
{
  g_return_val_if_fail (BP_IS_DATA_PANEL (self), NULL);

  return self->data;
}

void
bp_data_panel_reload (BpDataPanel *self)
{
  g_return_if_fail (BP_IS_DATA_PANEL (self));

  start_load (self);
}

gboolean
bp_data_panel_is_loading (BpDataPanel *self)
{
  g_return_val_if_fail (BP_IS_DATA_PANEL (self), FALSE);

  return self->loading;
}

void
bp_data_panel_set_model (BpDataPanel         *self,
                         const nn_model_spec *spec)
{
  g_return_if_fail (BP_IS_DATA_PANEL (self));

  self->have_model = spec != NULL;
  if (spec != NULL)
    self->model = *spec;
  show_checks (self);
}
