/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "layer-editor.h"

#include <glib/gi18n.h>
#include <string.h>

#include "layer-row.h"

/* The output layer takes the last of the spec's NN_SPEC_MAX_LAYERS slots. */
#define MAX_HIDDEN (NN_SPEC_MAX_LAYERS - 1)
/* Undo steps kept; older ones are dropped. */
#define MAX_HISTORY 200
/* Changes of one spin button less than this apart make one undo step, so
 * that holding "+" or stepping with the arrow keys is undone at once. */
#define COALESCE_USEC (500 * G_TIME_SPAN_MILLISECOND)

/* GTK 4.8 has no libadwaita, so its theme has no boxed list: this draws one
 * as libadwaita does, and the states of the rows, from the theme's named
 * colours so that dark and high-contrast themes follow. Loaded once per
 * display. */
static const char editor_css[] =
  "list.boxed-list {\n"
  "  background-color: @theme_base_color;\n"
  "  border: 1px solid alpha(@borders, 0.8);\n"
  "  border-radius: 12px;\n"
  "}\n"
  "list.boxed-list > row {\n"
  "  padding: 8px 12px;\n"
  "  border-bottom: 1px solid alpha(@borders, 0.55);\n"
  "}\n"
  "list.boxed-list > row:first-child {\n"
  "  border-top-left-radius: 11px;\n"
  "  border-top-right-radius: 11px;\n"
  "}\n"
  "list.boxed-list > row:last-child {\n"
  "  border-bottom-style: none;\n"
  "  border-bottom-left-radius: 11px;\n"
  "  border-bottom-right-radius: 11px;\n"
  "}\n"
  /* The layer a finding is about. */
  "list.boxed-list > row.highlighted {\n"
  "  background-color: alpha(@warning_color, 0.14);\n"
  "  box-shadow: inset 4px 0 @warning_color;\n"
  "}\n"
  /* Where a dragged row will land, and the row being dragged. */
  "list.boxed-list > row:drop(active) {\n"
  "  box-shadow: inset 0 0 0 2px @theme_selected_bg_color;\n"
  "}\n"
  "list.boxed-list > row.dragging {\n"
  "  opacity: 0.45;\n"
  "}\n"
  ".layer-row .handle {\n"
  "  opacity: 0.55;\n"
  "}\n"
  ".layer-row.output .handle {\n"
  "  opacity: 0.3;\n"
  "}\n"
  ".layer-row .params, .layer-row .summary, .layer-editor .total {\n"
  "  font-feature-settings: \"tnum\";\n"
  "}\n"
  ".layer-editor .problem image {\n"
  "  color: @error_color;\n"
  "}\n"
  ".layer-editor .total {\n"
  "  font-weight: bold;\n"
  "}\n";

/* The layers as edited: the hidden layers, and the output layer as the
 * spec brought it (the data's output size replaces its units when known). */
typedef struct
{
  guint         n_hidden;
  nn_layer_spec hidden[MAX_HIDDEN];
  gsize         out_units;  /* 0: the spec had no output layer */
  nn_init       out_init;
} LayerList;

struct _BpLayerEditor
{
  GtkWidget   parent_instance;

  GtkWidget  *box;           /* the template's child, unparented in dispose */
  GtkWidget  *list;
  GtkWidget  *add_button;
  GtkWidget  *total_label;
  GtkWidget  *problem_box;
  GtkWidget  *problem_label;

  GPtrArray  *rows;          /* BpLayerRow of each hidden layer, in order; the list owns them */
  GtkWidget  *output_row;

  LayerList   layers;
  gsize       inputs;        /* 0: no data yet */
  nn_loss     loss;
  gsize       outputs;       /* what the data ask; 0: not known */
  char       *output_name;
  char       *problem;

  GPtrArray  *undo;          /* LayerList *, oldest first */
  GPtrArray  *redo;          /* LayerList *, next redo last */
  gboolean    could_undo;    /* as last notified */
  gboolean    could_redo;
  int         edit_row;      /* the last edit, to coalesce with: row, field, time */
  int         edit_field;
  gint64      edit_time;

  int         current;       /* spec index of the row last focused; -1: none */
  int         highlighted;   /* spec index; -1: none */
  guint       scroll_tick;
  guint       focus_idle;    /* gives a new row the focus once the add menu has closed */
  int         focus_row;
  BpLayerRowField focus_field;
};

enum
{
  PROP_0,
  PROP_PROBLEM,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpLayerEditor, bp_layer_editor, GTK_TYPE_WIDGET)

static void
ensure_css (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GtkCssProvider *provider;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "bp-layer-editor-css") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, editor_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "bp-layer-editor-css", provider, g_object_unref);
}

static gboolean
layer_equal (const nn_layer_spec *a,
             const nn_layer_spec *b)
{
  return a->kind == b->kind && a->units == b->units && a->activation == b->activation
         && a->init == b->init && a->rate == b->rate;
}

/* Splits @spec's layers into hidden layers and the output layer: the last
 * layer when it is dense without an activation of its own. Otherwise every
 * layer is hidden and the output layer will come from the data. */
static void
load_layers (LayerList           *l,
             const nn_model_spec *spec)
{
  size_t n = MIN (spec->n_layers, (size_t) NN_SPEC_MAX_LAYERS);

  memset (l, 0, sizeof *l);
  l->out_init = NN_INIT_AUTO;
  if (n > 0 && spec->layers[n - 1].kind == NN_LAYER_DENSE
      && spec->layers[n - 1].activation == NN_ACT_IDENTITY)
    {
      l->out_units = spec->layers[n - 1].units;
      l->out_init = spec->layers[n - 1].init;
      n--;
    }
  l->n_hidden = (guint) MIN (n, (size_t) MAX_HIDDEN);
  memcpy (l->hidden, spec->layers, l->n_hidden * sizeof l->hidden[0]);
}

static gsize
output_units (BpLayerEditor *self)
{
  return self->outputs > 0 ? self->outputs : self->layers.out_units;
}

static void
build_spec (BpLayerEditor *self,
            nn_model_spec *spec)
{
  gsize units = output_units (self);

  nn_model_spec_init (spec);
  spec->inputs = self->inputs;
  spec->loss = self->loss;
  memcpy (spec->layers, self->layers.hidden, self->layers.n_hidden * sizeof spec->layers[0]);
  spec->n_layers = self->layers.n_hidden;
  if (units > 0)
    {
      nn_layer_spec *out = &spec->layers[spec->n_layers++];

      memset (out, 0, sizeof *out);
      out->kind = NN_LAYER_DENSE;
      out->units = units;
      out->activation = NN_ACT_IDENTITY;
      out->init = self->layers.out_init;
    }
}

/* The task and class (or target) count for which an output of @units fits
 * @loss: what set_shape's outputs imply, since the editor is not told the
 * task itself. */
static void
task_for (nn_loss  loss,
          gsize    units,
          nn_task *task,
          size_t  *k)
{
  *task = loss == NN_LOSS_MSE ? NN_TASK_REGRESSION : NN_TASK_CLASSIFICATION;
  *k = loss == NN_LOSS_BCE && units == 1 ? 2 : units;
}

static char *
capitalised (const char *msg)
{
  char *s = g_strdup (msg);

  if (s[0] >= 'a' && s[0] <= 'z')
    s[0] = (char) (s[0] - 'a' + 'A');
  return s;
}

/* Why the model cannot be built, or NULL. Without data only the layers
 * themselves are checked: the output layer, whatever it will be, is there. */
static char *
compute_problem (BpLayerEditor *self)
{
  nn_model_spec spec;
  nn_error err = { 0 };
  nn_task task;
  size_t k;

  build_spec (self, &spec);
  if (self->inputs == 0)
    {
      nn_layer_spec *out;

      if (output_units (self) == 0 && spec.n_layers < NN_SPEC_MAX_LAYERS)
        spec.n_layers++;
      out = &spec.layers[spec.n_layers - 1];
      memset (out, 0, sizeof *out);
      out->kind = NN_LAYER_DENSE;
      out->units = 2;
      spec.inputs = 1;
      task_for (spec.loss, 2, &task, &k);
      if (nn_model_spec_check (&spec, task, k, &err) != NN_OK)
        return capitalised (err.msg);
      return g_strdup (_("No data yet: load data to size the input and output layers"));
    }
  if (self->outputs == 0)
    return g_strdup_printf (_("The output does not fit the labels: the %s loss gives no "
                              "output size for these data"), nn_loss_name (self->loss));
  task_for (self->loss, self->outputs, &task, &k);
  if (nn_model_spec_check (&spec, task, k, &err) != NN_OK)
    return capitalised (err.msg);
  return NULL;
}

static BpLayerRow *
row_at (BpLayerEditor *self,
        int            index)
{
  if (index >= 0 && (guint) index < self->rows->len)
    return g_ptr_array_index (self->rows, index);
  if (index == (int) self->layers.n_hidden)
    return BP_LAYER_ROW (self->output_row);
  return NULL;
}

/* The row and field that hold the keyboard focus, when it is in a row. */
static gboolean
get_focus_spot (BpLayerEditor   *self,
                int             *row,
                BpLayerRowField *field)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *r;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, self->list))
    return FALSE;
  r = gtk_widget_get_ancestor (focus, BP_TYPE_LAYER_ROW);
  if (r == NULL)
    return FALSE;
  *row = (int) bp_layer_row_get_index (BP_LAYER_ROW (r));
  *field = bp_layer_row_field_of (BP_LAYER_ROW (r), focus);
  return TRUE;
}

static void
set_focus_spot (BpLayerEditor   *self,
                int              row,
                BpLayerRowField  field)
{
  BpLayerRow *r = row_at (self, CLAMP (row, 0, (int) self->layers.n_hidden));

  bp_layer_row_focus_field (r, field);
}

/* A value typed into a spin button but not yet applied (no Enter, no focus
 * change) is applied before the list changes under it. */
static void
commit_pending (BpLayerEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *spin;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, self->list))
    return;
  spin = gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON);
  if (spin != NULL)
    gtk_spin_button_update (GTK_SPIN_BUTTON (spin));
}

static void
update_actions (BpLayerEditor *self)
{
  gboolean can_undo = self->undo->len > 0;
  gboolean can_redo = self->redo->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "layers.undo", can_undo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "layers.redo", can_redo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "layers.add",
                                 self->layers.n_hidden < MAX_HIDDEN);
  if (can_undo != self->could_undo)
    {
      self->could_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->could_redo)
    {
      self->could_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
}

/* Parameter counts, total, problem, highlight and actions, from the
 * layers; the rows' controls are left as they are. */
static void
refresh (BpLayerEditor *self)
{
  gsize width = self->inputs, total = 0, units = output_units (self);
  gboolean known = self->inputs > 0;
  g_autofree char *problem = NULL;
  char num[32];

  for (guint i = 0; i < self->layers.n_hidden; i++)
    {
      const nn_layer_spec *l = &self->layers.hidden[i];
      gssize count = 0;

      if (l->kind == NN_LAYER_DENSE)
        {
          /* (in + 1) · out: the weights and the bias. */
          count = known ? (gssize) ((width + 1) * l->units) : -1;
          width = l->units;
          known = TRUE;
        }
      else if (l->kind == NN_LAYER_BATCHNORM)
        count = known ? (gssize) (2 * width) : -1;  /* a scale and a shift per feature */
      if (count > 0)
        total += (gsize) count;
      bp_layer_row_set_params (g_ptr_array_index (self->rows, i), count);
    }
  if (units > 0 && known)
    {
      total += (width + 1) * units;
      bp_layer_row_set_params (BP_LAYER_ROW (self->output_row), (gssize) ((width + 1) * units));
    }
  else
    bp_layer_row_set_params (BP_LAYER_ROW (self->output_row), -1);

  if (self->inputs > 0 && units > 0)
    {
      g_autofree char *text = NULL;

      bp_layer_row_format_count (total, num, sizeof num);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Total: %s parameter",
                                           "Total: %s parameters", total), num);
      gtk_label_set_label (GTK_LABEL (self->total_label), text);
    }
  else
    gtk_label_set_label (GTK_LABEL (self->total_label), _("Total: needs data"));

  for (guint i = 0; i <= self->layers.n_hidden; i++)
    {
      BpLayerRow *row = row_at (self, (int) i);

      if ((int) i == self->highlighted)
        gtk_widget_add_css_class (GTK_WIDGET (row), "highlighted");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (row), "highlighted");
    }

  problem = compute_problem (self);
  if (g_strcmp0 (problem, self->problem) != 0)
    {
      g_free (self->problem);
      self->problem = g_steal_pointer (&problem);
      gtk_label_set_label (GTK_LABEL (self->problem_label),
                           self->problem != NULL ? self->problem : "");
      gtk_widget_set_visible (self->problem_box, self->problem != NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }
  update_actions (self);
}

static void row_edited_cb (BpLayerRow    *row,
                           int            field,
                           BpLayerEditor *self);

static void
row_focus_enter_cb (GtkEventController *controller,
                    BpLayerEditor      *self)
{
  BpLayerRow *row = BP_LAYER_ROW (gtk_event_controller_get_widget (controller));
  int index = (int) bp_layer_row_get_index (row);

  if (row_at (self, index) == row)
    self->current = index;
}

static GtkWidget *
new_row (BpLayerEditor *self)
{
  GtkWidget *row = bp_layer_row_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect_object (row, "edited", G_CALLBACK (row_edited_cb), self, 0);
  g_signal_connect_object (focus, "enter", G_CALLBACK (row_focus_enter_cb), self, 0);
  gtk_widget_add_controller (row, focus);
  return row;
}

/* Makes the rows show the layers. The rows are slots: row i shows hidden
 * layer i whatever its kind, so that an edit that keeps the number of
 * layers keeps the widgets, and the focus with them. */
static void
sync_rows (BpLayerEditor *self)
{
  guint n = self->layers.n_hidden;

  while (self->rows->len < n)
    {
      GtkWidget *row = new_row (self);

      gtk_list_box_insert (GTK_LIST_BOX (self->list), row, (int) self->rows->len);
      g_ptr_array_add (self->rows, row);
    }
  while (self->rows->len > n)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->rows, self->rows->len - 1);

      g_signal_handlers_disconnect_by_data (row, self);
      gtk_list_box_remove (GTK_LIST_BOX (self->list), row);
    }
  for (guint i = 0; i < n; i++)
    bp_layer_row_set_layer (g_ptr_array_index (self->rows, i), &self->layers.hidden[i], i);
  bp_layer_row_set_output (BP_LAYER_ROW (self->output_row), n, output_units (self),
                           self->output_name != NULL ? self->output_name
                                                     : nn_loss_output_name (self->loss),
                           self->layers.out_init);
  refresh (self);
}

static void
push_state (GPtrArray       *stack,
            const LayerList *l)
{
  g_ptr_array_add (stack, g_memdup2 (l, sizeof *l));
  if (stack->len > MAX_HISTORY)
    g_ptr_array_remove_index (stack, 0);
}

/* Records the layers before an edit of @field of row @row (-1: a change of
 * the list), unless it continues the last edit of the same spin button. */
static void
begin_edit (BpLayerEditor *self,
            int            row,
            int            field)
{
  gint64 now = g_get_monotonic_time ();
  gboolean spin = field == BP_LAYER_ROW_FIELD_UNITS || field == BP_LAYER_ROW_FIELD_RATE;

  if (!(spin && row == self->edit_row && field == self->edit_field
        && now - self->edit_time < COALESCE_USEC))
    push_state (self->undo, &self->layers);
  g_ptr_array_set_size (self->redo, 0);
  self->edit_row = row;
  self->edit_field = field;
  self->edit_time = now;
}

static void
forget_edit (BpLayerEditor *self)
{
  self->edit_row = -1;
  self->edit_field = BP_LAYER_ROW_FIELD_NONE;
}

static void
row_edited_cb (BpLayerRow    *row,
               int            field,
               BpLayerEditor *self)
{
  guint index = bp_layer_row_get_index (row);
  nn_layer_spec layer;

  /* A row on its way out (its spin button applying its text as it loses
   * the focus) no longer speaks for a layer. */
  if (row_at (self, (int) index) != row)
    return;
  bp_layer_row_get_layer (row, &layer);
  if (bp_layer_row_is_output (row))
    {
      if (layer.init == self->layers.out_init)
        return;
      begin_edit (self, (int) index, field);
      self->layers.out_init = layer.init;
    }
  else
    {
      if (index >= self->layers.n_hidden || layer_equal (&layer, &self->layers.hidden[index]))
        return;
      begin_edit (self, (int) index, field);
      self->layers.hidden[index] = layer;
      if (field == BP_LAYER_ROW_FIELD_FUNCTION)
        bp_layer_row_set_layer (row, &layer, index);  /* its name changed */
    }
  refresh (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Where row @i of the list before a move from @from to @to is after it. */
static int
moved_index (int i,
             int from,
             int to)
{
  if (i == from)
    return to;
  if (from < to && i > from && i <= to)
    return i - 1;
  if (from > to && i >= to && i < from)
    return i + 1;
  return i;
}

static gboolean
focus_in_idle (gpointer data)
{
  BpLayerEditor *self = data;

  self->focus_idle = 0;
  set_focus_spot (self, self->focus_row, self->focus_field);
  return G_SOURCE_REMOVE;
}

static void
insert_layer (BpLayerEditor       *self,
              guint                position,
              const nn_layer_spec *layer)
{
  LayerList *l = &self->layers;
  BpLayerRowField field;

  if (l->n_hidden >= MAX_HIDDEN || position > l->n_hidden)
    return;
  commit_pending (self);
  begin_edit (self, -1, BP_LAYER_ROW_FIELD_NONE);
  forget_edit (self);
  memmove (&l->hidden[position + 1], &l->hidden[position],
           (l->n_hidden - position) * sizeof l->hidden[0]);
  l->hidden[position] = *layer;
  l->n_hidden++;
  if (self->highlighted >= (int) position)
    self->highlighted++;
  sync_rows (self);

  switch (layer->kind)
    {
    case NN_LAYER_DENSE: field = BP_LAYER_ROW_FIELD_UNITS; break;
    case NN_LAYER_DROPOUT: field = BP_LAYER_ROW_FIELD_RATE; break;
    case NN_LAYER_ACTIVATION: field = BP_LAYER_ROW_FIELD_FUNCTION; break;
    case NN_LAYER_BATCHNORM:
    case NN_LAYER_COUNT:
    default: field = BP_LAYER_ROW_FIELD_ROW; break;
    }
  set_focus_spot (self, (int) position, field);
  self->current = (int) position;
  /* Closing the add menu gives the focus back to its button afterwards. */
  self->focus_row = (int) position;
  self->focus_field = field;
  if (self->focus_idle == 0)
    self->focus_idle = g_idle_add (focus_in_idle, self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_layer (BpLayerEditor *self,
              int            index)
{
  LayerList *l = &self->layers;
  BpLayerRowField field = BP_LAYER_ROW_FIELD_NONE;
  gboolean had_focus;
  int focus_row = -1;

  if (index < 0 || index >= (int) l->n_hidden)
    return;
  commit_pending (self);
  had_focus = get_focus_spot (self, &focus_row, &field);
  begin_edit (self, -1, BP_LAYER_ROW_FIELD_NONE);
  forget_edit (self);
  memmove (&l->hidden[index], &l->hidden[index + 1],
           (l->n_hidden - (guint) index - 1) * sizeof l->hidden[0]);
  l->n_hidden--;
  if (self->highlighted == index)
    self->highlighted = -1;
  else if (self->highlighted > index)
    self->highlighted--;
  if (self->current > index)
    self->current--;
  sync_rows (self);

  /* The focus goes to the row that took the removed one's place (the next
   * one, or the output row), on the same control when it has one. */
  if (had_focus)
    set_focus_spot (self, focus_row > index ? focus_row - 1 : focus_row, field);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
move_layer (BpLayerEditor *self,
            int            from,
            int            to)
{
  LayerList *l = &self->layers;
  BpLayerRowField field = BP_LAYER_ROW_FIELD_NONE;
  nn_layer_spec moved;
  gboolean had_focus;
  int focus_row = -1;

  if (from < 0 || from >= (int) l->n_hidden)
    return;
  /* Nothing passes the output layer. */
  to = CLAMP (to, 0, (int) l->n_hidden - 1);
  if (from == to)
    return;
  commit_pending (self);
  had_focus = get_focus_spot (self, &focus_row, &field);
  begin_edit (self, -1, BP_LAYER_ROW_FIELD_NONE);
  forget_edit (self);
  moved = l->hidden[from];
  if (from < to)
    memmove (&l->hidden[from], &l->hidden[from + 1], (size_t) (to - from) * sizeof moved);
  else
    memmove (&l->hidden[to + 1], &l->hidden[to], (size_t) (from - to) * sizeof moved);
  l->hidden[to] = moved;
  if (self->highlighted >= 0 && self->highlighted < (int) l->n_hidden)
    self->highlighted = moved_index (self->highlighted, from, to);
  if (self->current >= 0 && self->current < (int) l->n_hidden)
    self->current = moved_index (self->current, from, to);
  sync_rows (self);

  if (had_focus && focus_row < (int) l->n_hidden)
    set_focus_spot (self, moved_index (focus_row, from, to), field);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Undo and redo: swap the layers with the top of one stack, pushing them
 * onto the other. The focus stays on the same row and control. */
static void
restore (BpLayerEditor *self,
         GPtrArray     *from,
         GPtrArray     *to)
{
  g_autofree LayerList *state = NULL;
  BpLayerRowField field = BP_LAYER_ROW_FIELD_NONE;
  gboolean had_focus;
  int focus_row = -1;

  commit_pending (self);
  if (from->len == 0)
    return;
  had_focus = get_focus_spot (self, &focus_row, &field);
  state = g_ptr_array_steal_index (from, from->len - 1);
  push_state (to, &self->layers);
  self->layers = *state;
  forget_edit (self);
  if (self->highlighted > (int) self->layers.n_hidden)
    self->highlighted = -1;
  sync_rows (self);
  if (had_focus)
    set_focus_spot (self, focus_row, field);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
undo_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  bp_layer_editor_undo (BP_LAYER_EDITOR (widget));
}

static void
redo_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  bp_layer_editor_redo (BP_LAYER_EDITOR (widget));
}

/* "layers.add" ("dense", "dropout", "batchnorm" or an activation name):
 * inserts after the row last focused, or before the output layer. */
static void
add_action (GtkWidget  *widget,
            const char *name,
            GVariant   *param)
{
  BpLayerEditor *self = BP_LAYER_EDITOR (widget);
  const char *what = g_variant_get_string (param, NULL);
  guint position = self->layers.n_hidden;
  nn_layer_spec layer = { 0 };
  nn_activation act;

  if (self->current >= 0 && self->current < (int) self->layers.n_hidden)
    position = (guint) self->current + 1;
  if (strcmp (what, "dense") == 0)
    {
      layer.kind = NN_LAYER_DENSE;
      layer.units = 32;
      layer.activation = NN_ACT_RELU;
      layer.init = NN_INIT_AUTO;
      /* As wide as the dense layer before it, the usual next step. */
      for (guint i = position; i > 0; i--)
        if (self->layers.hidden[i - 1].kind == NN_LAYER_DENSE)
          {
            layer.units = self->layers.hidden[i - 1].units;
            break;
          }
    }
  else if (strcmp (what, "dropout") == 0)
    {
      layer.kind = NN_LAYER_DROPOUT;
      layer.rate = 0.2f;
    }
  else if (strcmp (what, "batchnorm") == 0)
    layer.kind = NN_LAYER_BATCHNORM;
  else if (nn_activation_from_name (what, &act))
    {
      layer.kind = NN_LAYER_ACTIVATION;
      layer.activation = act;
    }
  else
    {
      g_warning ("layers.add: unknown layer '%s'", what);
      return;
    }
  insert_layer (self, position, &layer);
}

/* "layers.remove" (int32 spec index). */
static void
remove_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  remove_layer (BP_LAYER_EDITOR (widget), g_variant_get_int32 (param));
}

/* "layers.move" ((ii) from, to: spec indices; a target past the hidden
 * layers means just before the output layer). */
static void
move_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  gint32 from, to;

  g_variant_get (param, "(ii)", &from, &to);
  move_layer (BP_LAYER_EDITOR (widget), from, to);
}

/* "layers.move-up", "layers.move-down", "layers.remove-focused": on the
 * row that holds the keyboard focus (Alt+Up, Alt+Down, Delete). */
static void
focused_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  BpLayerEditor *self = BP_LAYER_EDITOR (widget);
  BpLayerRowField field;
  int row;

  if (!get_focus_spot (self, &row, &field) || row >= (int) self->layers.n_hidden)
    return;
  if (strcmp (name, "layers.move-up") == 0)
    move_layer (self, row, row - 1);
  else if (strcmp (name, "layers.move-down") == 0)
    move_layer (self, row, row + 1);
  else
    remove_layer (self, row);
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  BpLayerEditor *self = BP_LAYER_EDITOR (widget);
  BpLayerRow *row = row_at (self, self->highlighted);

  if (row == NULL)
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  /* A row added just now has no size until the next layout. */
  if (gtk_widget_get_height (GTK_WIDGET (row)) == 0)
    return G_SOURCE_CONTINUE;
  /* Every scrolled window around the row, the window's own too. */
  for (GtkWidget *w = gtk_widget_get_parent (GTK_WIDGET (row)); w != NULL;
       w = gtk_widget_get_parent (w))
    {
      GtkWidget *content;
      graphene_rect_t bounds;

      if (!GTK_IS_SCROLLED_WINDOW (w))
        continue;
      content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (w));
      if (GTK_IS_VIEWPORT (content))
        content = gtk_viewport_get_child (GTK_VIEWPORT (content));
      if (content != NULL && gtk_widget_compute_bounds (GTK_WIDGET (row), content, &bounds))
        gtk_adjustment_clamp_page (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (w)),
                                   bounds.origin.y, bounds.origin.y + bounds.size.height);
    }
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
bp_layer_editor_dispose (GObject *object)
{
  BpLayerEditor *self = BP_LAYER_EDITOR (object);

  if (self->scroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
      self->scroll_tick = 0;
    }
  g_clear_handle_id (&self->focus_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_LAYER_EDITOR);
  self->output_row = NULL;
  g_ptr_array_set_size (self->rows, 0);

  G_OBJECT_CLASS (bp_layer_editor_parent_class)->dispose (object);
}

static void
bp_layer_editor_finalize (GObject *object)
{
  BpLayerEditor *self = BP_LAYER_EDITOR (object);

  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_free (self->output_name);
  g_free (self->problem);

  G_OBJECT_CLASS (bp_layer_editor_parent_class)->finalize (object);
}

static void
bp_layer_editor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BpLayerEditor *self = BP_LAYER_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, bp_layer_editor_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, bp_layer_editor_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_layer_editor_class_init (BpLayerEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_layer_editor_dispose;
  object_class->finalize = bp_layer_editor_finalize;
  object_class->get_property = bp_layer_editor_get_property;

  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (BP_TYPE_LAYER_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/app/backprop/ui/layer-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BpLayerEditor, box);
  gtk_widget_class_bind_template_child (widget_class, BpLayerEditor, list);
  gtk_widget_class_bind_template_child (widget_class, BpLayerEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, BpLayerEditor, total_label);
  gtk_widget_class_bind_template_child (widget_class, BpLayerEditor, problem_box);
  gtk_widget_class_bind_template_child (widget_class, BpLayerEditor, problem_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "layereditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_class_install_action (widget_class, "layers.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "layers.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "layers.add", "s", add_action);
  gtk_widget_class_install_action (widget_class, "layers.remove", "i", remove_action);
  gtk_widget_class_install_action (widget_class, "layers.move", "(ii)", move_action);
  gtk_widget_class_install_action (widget_class, "layers.move-up", NULL, focused_action);
  gtk_widget_class_install_action (widget_class, "layers.move-down", NULL, focused_action);
  gtk_widget_class_install_action (widget_class, "layers.remove-focused", NULL, focused_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "layers.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "layers.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "layers.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK,
                                       "layers.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "layers.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK,
                                       "layers.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "layers.remove-focused", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0,
                                       "layers.remove-focused", NULL);
}

static void
bp_layer_editor_init (BpLayerEditor *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_css (GTK_WIDGET (self));

  /* The text of a spin button takes Ctrl+Z for its own undo even with
   * that turned off, so the editor's undo keys are also caught on the way
   * down, before the text sees them. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_z, GDK_CONTROL_MASK),
                      gtk_named_action_new ("layers.undo")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                      gtk_named_action_new ("layers.redo")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->rows = g_ptr_array_new ();
  self->undo = g_ptr_array_new_with_free_func (g_free);
  self->redo = g_ptr_array_new_with_free_func (g_free);
  self->loss = NN_LOSS_CE;
  self->layers.out_init = NN_INIT_AUTO;
  self->current = -1;
  self->highlighted = -1;
  forget_edit (self);

  self->output_row = new_row (self);
  gtk_list_box_append (GTK_LIST_BOX (self->list), self->output_row);
  sync_rows (self);
}

GtkWidget *
bp_layer_editor_new (void)
{
  return g_object_new (BP_TYPE_LAYER_EDITOR, NULL);
}

void
bp_layer_editor_set_spec (BpLayerEditor       *self,
                          const nn_model_spec *spec)
{
  g_return_if_fail (BP_IS_LAYER_EDITOR (self));
  g_return_if_fail (spec != NULL);

  load_layers (&self->layers, spec);
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  forget_edit (self);
  self->current = -1;
  self->highlighted = -1;
  sync_rows (self);
}

void
bp_layer_editor_get_spec (BpLayerEditor *self,
                          nn_model_spec *spec)
{
  g_return_if_fail (BP_IS_LAYER_EDITOR (self));
  g_return_if_fail (spec != NULL);

  build_spec (self, spec);
}

void
bp_layer_editor_set_shape (BpLayerEditor *self,
                           gsize          inputs,
                           nn_loss        loss,
                           gsize          outputs,
                           const char    *output_name)
{
  g_return_if_fail (BP_IS_LAYER_EDITOR (self));
  g_return_if_fail (loss < NN_LOSS_COUNT);

  self->inputs = inputs;
  self->loss = loss;
  self->outputs = inputs > 0 ? outputs : 0;
  g_free (self->output_name);
  self->output_name = g_strdup (output_name);
  sync_rows (self);
}

const char *
bp_layer_editor_get_problem (BpLayerEditor *self)
{
  g_return_val_if_fail (BP_IS_LAYER_EDITOR (self), NULL);

  return self->problem;
}

int
bp_layer_editor_get_highlighted (BpLayerEditor *self)
{
  g_return_val_if_fail (BP_IS_LAYER_EDITOR (self), -1);
  return self->highlighted;
}

void
bp_layer_editor_highlight (BpLayerEditor *self,
                           int            index)
{
  g_return_if_fail (BP_IS_LAYER_EDITOR (self));

  self->highlighted = row_at (self, index) != NULL ? index : -1;
  refresh (self);
  if (self->highlighted >= 0 && self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, NULL,
                                                      NULL);
}

gboolean
bp_layer_editor_can_undo (BpLayerEditor *self)
{
  g_return_val_if_fail (BP_IS_LAYER_EDITOR (self), FALSE);

  return self->undo->len > 0;
}

gboolean
bp_layer_editor_can_redo (BpLayerEditor *self)
{
  g_return_val_if_fail (BP_IS_LAYER_EDITOR (self), FALSE);

  return self->redo->len > 0;
}

void
bp_layer_editor_undo (BpLayerEditor *self)
{
  g_return_if_fail (BP_IS_LAYER_EDITOR (self));

  restore (self, self->undo, self->redo);
}

void
bp_layer_editor_redo (BpLayerEditor *self)
{
  g_return_if_fail (BP_IS_LAYER_EDITOR (self));

  restore (self, self->redo, self->undo);
}
