/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "layer-row.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _BpLayerRow
{
  GtkListBoxRow  parent_instance;

  GtkWidget     *handle;
  GtkWidget     *kind_label;
  GtkWidget     *params_label;
  GtkWidget     *summary_label;
  GtkWidget     *units_box;
  GtkWidget     *units_spin;
  GtkWidget     *activation_box;
  GtkWidget     *activation_drop;
  GtkWidget     *function_box;
  GtkWidget     *function_drop;
  GtkWidget     *rate_box;
  GtkWidget     *rate_spin;
  GtkWidget     *init_box;
  GtkWidget     *init_drop;
  GtkWidget     *fields;
  GtkWidget     *remove_stack;
  GtkWidget     *remove_button;

  nn_layer_spec  layer;     /* what the controls show */
  guint          index;     /* spec layer, 0-based */
  gboolean       output;
  guint          updating;  /* > 0 while code sets the controls: no "edited" */
  double         drag_x;    /* where a drag began, in the row */
  double         drag_y;
  int            drag_width; /* of the row's border box */
};

enum
{
  EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpLayerRow, bp_layer_row, GTK_TYPE_LIST_BOX_ROW)

static void
set_label (GtkWidget  *widget,
           const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static const char *
kind_name (const nn_layer_spec *layer)
{
  switch (layer->kind)
    {
    case NN_LAYER_DENSE: return _("Dense");
    case NN_LAYER_DROPOUT: return _("Dropout");
    case NN_LAYER_BATCHNORM: return _("BatchNorm");
    case NN_LAYER_ACTIVATION: return nn_activation_torch_name (layer->activation);
    case NN_LAYER_COUNT: break;
    }
  return _("Layer");
}

/* Shows @box's flow box child, or hides it from the flow altogether. */
static void
show_field (GtkWidget *box,
            gboolean   shown)
{
  gtk_widget_set_visible (gtk_widget_get_parent (box), shown);
}

/* Only the controls of @kind's settings are shown; the output row shows
 * its size and activation in words, and its initialiser. */
static void
show_fields (BpLayerRow    *self,
             nn_layer_kind  kind,
             gboolean       output)
{
  show_field (self->units_box, !output && kind == NN_LAYER_DENSE);
  show_field (self->activation_box, !output && kind == NN_LAYER_DENSE);
  show_field (self->init_box, kind == NN_LAYER_DENSE);
  show_field (self->rate_box, !output && kind == NN_LAYER_DROPOUT);
  show_field (self->function_box, !output && kind == NN_LAYER_ACTIVATION);
  gtk_widget_set_visible (self->fields, kind != NN_LAYER_BATCHNORM);
  gtk_widget_set_visible (self->summary_label, output);
  gtk_stack_set_visible_child_name (GTK_STACK (self->remove_stack), output ? "none" : "remove");
}

static const char *
kind_description (const nn_layer_spec *layer)
{
  switch (layer->kind)
    {
    case NN_LAYER_DENSE:
      return _("A fully connected layer (torch.nn.Linear), then its activation");
    case NN_LAYER_DROPOUT:
      return _("Zeroes each input with the given probability while training");
    case NN_LAYER_BATCHNORM:
      return _("Normalises each feature over the batch, with a learned scale and shift per "
               "feature");
    case NN_LAYER_ACTIVATION:
      return _("An activation function on its own");
    case NN_LAYER_COUNT: break;
    }
  return NULL;
}

static void
units_changed_cb (BpLayerRow *self)
{
  if (self->updating > 0)
    return;
  self->layer.units =
    (size_t) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->units_spin));
  g_signal_emit (self, signals[EDITED], 0, (int) BP_LAYER_ROW_FIELD_UNITS);
}

static void
activation_changed_cb (BpLayerRow *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->activation_drop));

  if (self->updating > 0 || selected >= NN_ACT_COUNT)
    return;
  /* Item 0 is "none", the others follow the enum. */
  self->layer.activation = (nn_activation) selected;
  g_signal_emit (self, signals[EDITED], 0, (int) BP_LAYER_ROW_FIELD_ACTIVATION);
}

static void
function_changed_cb (BpLayerRow *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->function_drop));

  if (self->updating > 0 || selected + 1 >= NN_ACT_COUNT)
    return;
  self->layer.activation = (nn_activation) (selected + 1);
  gtk_label_set_label (GTK_LABEL (self->kind_label), kind_name (&self->layer));
  g_signal_emit (self, signals[EDITED], 0, (int) BP_LAYER_ROW_FIELD_FUNCTION);
}

static void
init_changed_cb (BpLayerRow *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->init_drop));

  if (self->updating > 0 || selected >= NN_INIT_COUNT)
    return;
  self->layer.init = (nn_init) selected;
  g_signal_emit (self, signals[EDITED], 0, (int) BP_LAYER_ROW_FIELD_INIT);
}

static void
rate_changed_cb (BpLayerRow *self)
{
  double value = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->rate_spin));

  if (self->updating > 0)
    return;
  /* The spin button shows two decimals; keep what it shows, so that 0.35
   * reached by steps of 0.05 is the float nearest 0.35. */
  self->layer.rate = (float) (round (value * 100.0) / 100.0);
  g_signal_emit (self, signals[EDITED], 0, (int) BP_LAYER_ROW_FIELD_RATE);
}

/* Drag and drop: the handle drags the row itself; a row takes a drop of
 * another row of the same list and asks the editor to move it here. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 BpLayerRow    *self)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (self));
  graphene_rect_t handle, row;

  if (self->output || list == NULL)
    return NULL;
  /* Where the pointer is on the row's border box (the copy that is the
   * drag icon is drawn from there), found through the list because a
   * widget's own coordinates start inside its padding. */
  self->drag_x = x;
  self->drag_y = y;
  if (gtk_widget_compute_bounds (self->handle, list, &handle)
      && gtk_widget_compute_bounds (GTK_WIDGET (self), list, &row))
    {
      self->drag_x += handle.origin.x - row.origin.x;
      self->drag_y += handle.origin.y - row.origin.y;
      self->drag_width = (int) row.size.width;
    }
  else
    self->drag_width = gtk_widget_get_width (GTK_WIDGET (self));
  return gdk_content_provider_new_typed (BP_TYPE_LAYER_ROW, self);
}

/* The drag icon is a copy of the row in a list of its own, so it has the
 * list's background and frame while it floats over the others. */
static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               BpLayerRow    *self)
{
  GtkWidget *list = gtk_list_box_new ();
  BpLayerRow *copy = BP_LAYER_ROW (bp_layer_row_new ());

  bp_layer_row_set_layer (copy, &self->layer, self->index);
  gtk_label_set_label (GTK_LABEL (copy->params_label),
                       gtk_label_get_label (GTK_LABEL (self->params_label)));
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_size_request (list, self->drag_width + 2, -1);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (copy));
  gtk_drag_icon_set_child (GTK_DRAG_ICON (gtk_drag_icon_get_for_drag (drag)), list);
  /* + 1: the frame of the copy's list. */
  gdk_drag_set_hotspot (drag, (int) self->drag_x + 1, (int) self->drag_y + 1);
  gtk_widget_add_css_class (GTK_WIDGET (self), "dragging");
}

static void
drag_end_cb (GtkDragSource *source,
             GdkDrag       *drag,
             gboolean       delete_data,
             BpLayerRow    *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dragging");
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         BpLayerRow    *self)
{
  BpLayerRow *source = g_value_get_object (value);

  if (source == NULL || source == self || source->output
      || gtk_widget_get_parent (GTK_WIDGET (source)) != gtk_widget_get_parent (GTK_WIDGET (self)))
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), "layers.move", "(ii)",
                                     (int) source->index, (int) self->index);
}

static void
bp_layer_row_class_init (BpLayerRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* BpLayerRow::edited: @field (a BpLayerRowField) was changed by hand. */
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/backprop/ui/layer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, handle);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, params_label);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, units_box);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, units_spin);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, activation_box);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, activation_drop);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, function_box);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, function_drop);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, rate_box);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, init_box);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, init_drop);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, fields);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, remove_stack);
  gtk_widget_class_bind_template_child (widget_class, BpLayerRow, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, units_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activation_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, function_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, init_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, rate_changed_cb);
}

static void
bp_layer_row_init (BpLayerRow *self)
{
  const char *activations[NN_ACT_COUNT + 1];
  const char *functions[NN_ACT_COUNT];
  const char *inits[NN_INIT_COUNT + 1];
  GtkDragSource *source;
  GtkDropTarget *target;

  self->updating++;
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The names are the engine's, as on the command line and in project
   * files; "none" stands for a dense layer without activation. */
  activations[0] = "none";
  for (int a = 1; a < NN_ACT_COUNT; a++)
    {
      activations[a] = nn_activation_name ((nn_activation) a);
      functions[a - 1] = activations[a];
    }
  activations[NN_ACT_COUNT] = NULL;
  functions[NN_ACT_COUNT - 1] = NULL;
  for (int i = 0; i < NN_INIT_COUNT; i++)
    inits[i] = nn_init_name ((nn_init) i);
  inits[NN_INIT_COUNT] = NULL;
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->activation_drop),
                           G_LIST_MODEL (gtk_string_list_new (activations)));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->function_drop),
                           G_LIST_MODEL (gtk_string_list_new (functions)));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->init_drop),
                           G_LIST_MODEL (gtk_string_list_new (inits)));
  g_object_unref (gtk_drop_down_get_model (GTK_DROP_DOWN (self->activation_drop)));
  g_object_unref (gtk_drop_down_get_model (GTK_DROP_DOWN (self->function_drop)));
  g_object_unref (gtk_drop_down_get_model (GTK_DROP_DOWN (self->init_drop)));

  /* Ctrl+Z in a spin button is the editor's undo, not the text's. */
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->units_spin), FALSE);
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->rate_spin), FALSE);

  gtk_widget_set_cursor_from_name (self->handle, "grab");

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (source, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (self->handle, GTK_EVENT_CONTROLLER (source));

  target = gtk_drop_target_new (BP_TYPE_LAYER_ROW, GDK_ACTION_MOVE);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  self->layer.kind = NN_LAYER_DENSE;
  self->layer.units = 32;
  self->updating--;
}

GtkWidget *
bp_layer_row_new (void)
{
  return g_object_new (BP_TYPE_LAYER_ROW, NULL);
}

void
bp_layer_row_set_layer (BpLayerRow          *self,
                        const nn_layer_spec *layer,
                        guint                index)
{
  g_autofree char *row_label = NULL;
  g_autofree char *units_label = NULL;
  g_autofree char *activation_label = NULL;
  g_autofree char *init_label = NULL;
  g_autofree char *rate_label = NULL;
  g_autofree char *function_label = NULL;
  g_autofree char *remove_label = NULL;
  g_autofree char *handle_label = NULL;
  guint n = index + 1;

  g_return_if_fail (BP_IS_LAYER_ROW (self));
  g_return_if_fail (layer != NULL && layer->kind < NN_LAYER_COUNT);

  self->updating++;
  self->layer = *layer;
  self->index = index;
  self->output = FALSE;
  gtk_widget_remove_css_class (GTK_WIDGET (self), "output");
  gtk_image_set_from_icon_name (GTK_IMAGE (self->handle), "list-drag-handle-symbolic");
  gtk_widget_set_tooltip_text (self->handle,
                               _("Drag to move the layer; Alt+↑ and Alt+↓ move it too"));
  gtk_widget_set_cursor_from_name (self->handle, "grab");
  gtk_label_set_label (GTK_LABEL (self->kind_label), kind_name (layer));
  gtk_widget_set_tooltip_text (self->kind_label, kind_description (layer));
  show_fields (self, layer->kind, FALSE);

  switch (layer->kind)
    {
    case NN_LAYER_DENSE:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->units_spin), (double) layer->units);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->activation_drop),
                                  layer->activation < NN_ACT_COUNT ? layer->activation : 0);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->init_drop),
                                  layer->init < NN_INIT_COUNT ? layer->init : 0);
      break;
    case NN_LAYER_DROPOUT:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->rate_spin), (double) layer->rate);
      break;
    case NN_LAYER_ACTIVATION:
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->function_drop),
                                  layer->activation > 0 && layer->activation < NN_ACT_COUNT
                                  ? layer->activation - 1 : 0);
      break;
    case NN_LAYER_BATCHNORM:
    case NN_LAYER_COUNT:
      break;
    }

  row_label = g_strdup_printf (_("Layer %u: %s"), n, kind_name (layer));
  units_label = g_strdup_printf (_("Units of layer %u"), n);
  activation_label = g_strdup_printf (_("Activation of layer %u"), n);
  init_label = g_strdup_printf (_("Initialiser of layer %u"), n);
  rate_label = g_strdup_printf (_("Dropout rate of layer %u"), n);
  function_label = g_strdup_printf (_("Function of layer %u"), n);
  remove_label = g_strdup_printf (_("Remove layer %u"), n);
  handle_label = g_strdup_printf (_("Move layer %u"), n);
  set_label (GTK_WIDGET (self), row_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Alt+Up and Alt+Down move the layer, Delete removes it"), -1);
  set_label (self->units_spin, units_label);
  set_label (self->activation_drop, activation_label);
  set_label (self->init_drop, init_label);
  set_label (self->rate_spin, rate_label);
  set_label (self->function_drop, function_label);
  set_label (self->remove_button, remove_label);
  set_label (self->handle, handle_label);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "i", (gint32) index);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->remove_button), "layers.remove");
  self->updating--;
}

void
bp_layer_row_set_output (BpLayerRow *self,
                         guint       index,
                         gsize       units,
                         const char *activation_name,
                         nn_init     init)
{
  g_autofree char *summary = NULL;
  g_autofree char *row_label = NULL;

  g_return_if_fail (BP_IS_LAYER_ROW (self));

  self->updating++;
  memset (&self->layer, 0, sizeof self->layer);
  self->layer.kind = NN_LAYER_DENSE;
  self->layer.units = units;
  self->layer.activation = NN_ACT_IDENTITY;
  self->layer.init = init < NN_INIT_COUNT ? init : NN_INIT_AUTO;
  self->index = index;
  self->output = TRUE;
  gtk_widget_add_css_class (GTK_WIDGET (self), "output");
  gtk_image_set_from_icon_name (GTK_IMAGE (self->handle), "changes-prevent-symbolic");
  gtk_widget_set_tooltip_text (self->handle, _("The output layer stays last: its size follows "
                                               "the data and its activation the loss"));
  gtk_widget_set_cursor (self->handle, NULL);
  gtk_label_set_label (GTK_LABEL (self->kind_label), _("Output"));
  gtk_widget_set_tooltip_text (self->kind_label, _("The output layer: dense, its size from the "
                                                   "data and its activation from the loss"));
  show_fields (self, NN_LAYER_DENSE, TRUE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->init_drop), self->layer.init);

  if (activation_name == NULL)
    activation_name = "identity";
  if (units > 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu unit · %s", "%zu units · %s",
                                            units),
                               (size_t) units, activation_name);
  else
    summary = g_strdup_printf (_("from data · %s"), activation_name);
  gtk_label_set_label (GTK_LABEL (self->summary_label), summary);
  row_label = g_strdup_printf (_("Output · %s"), summary);
  set_label (GTK_WIDGET (self), row_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The output layer stays last; its size follows the data "
                                    "and its activation the loss"), -1);
  set_label (self->init_drop, _("Initialiser of the output layer"));
  set_label (self->handle, _("Output layer, fixed in place"));
  self->updating--;
}

void
bp_layer_row_get_layer (BpLayerRow    *self,
                        nn_layer_spec *layer)
{
  g_return_if_fail (BP_IS_LAYER_ROW (self));
  g_return_if_fail (layer != NULL);

  *layer = self->layer;
}

guint
bp_layer_row_get_index (BpLayerRow *self)
{
  g_return_val_if_fail (BP_IS_LAYER_ROW (self), 0);

  return self->index;
}

gboolean
bp_layer_row_is_output (BpLayerRow *self)
{
  g_return_val_if_fail (BP_IS_LAYER_ROW (self), FALSE);

  return self->output;
}

void
bp_layer_row_format_count (gsize  n,
                           char  *buf,
                           gsize  len)
{
  char digits[32];
  gsize nd, j = 0;

  g_return_if_fail (buf != NULL && len > 0);

  nd = (gsize) g_snprintf (digits, sizeof digits, "%" G_GSIZE_FORMAT, n);
  for (gsize i = 0; i < nd && j + 1 < len; i++)
    {
      if (i > 0 && (nd - i) % 3 == 0)
        {
          buf[j++] = ',';
          if (j + 1 >= len)
            break;
        }
      buf[j++] = digits[i];
    }
  buf[j] = '\0';
}

void
bp_layer_row_set_params (BpLayerRow *self,
                         gssize      count)
{
  char num[32];
  g_autofree char *text = NULL;

  g_return_if_fail (BP_IS_LAYER_ROW (self));

  if (count < 0)
    text = g_strdup (_("? params"));
  else if (count == 0)
    text = g_strdup (_("no params"));
  else
    {
      bp_layer_row_format_count ((gsize) count, num, sizeof num);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s param", "%s params",
                                           (gulong) count), num);
    }
  gtk_label_set_label (GTK_LABEL (self->params_label), text);
}

GtkWidget *
bp_layer_row_get_field_widget (BpLayerRow      *self,
                               BpLayerRowField  field)
{
  g_return_val_if_fail (BP_IS_LAYER_ROW (self), NULL);

  switch (field)
    {
    case BP_LAYER_ROW_FIELD_ROW: return GTK_WIDGET (self);
    case BP_LAYER_ROW_FIELD_UNITS: return self->units_spin;
    case BP_LAYER_ROW_FIELD_ACTIVATION: return self->activation_drop;
    case BP_LAYER_ROW_FIELD_INIT: return self->init_drop;
    case BP_LAYER_ROW_FIELD_RATE: return self->rate_spin;
    case BP_LAYER_ROW_FIELD_FUNCTION: return self->function_drop;
    case BP_LAYER_ROW_FIELD_REMOVE: return self->remove_button;
    case BP_LAYER_ROW_FIELD_SUMMARY: return self->summary_label;
    case BP_LAYER_ROW_FIELD_PARAMS: return self->params_label;
    case BP_LAYER_ROW_FIELD_NONE: break;
    }
  return NULL;
}

BpLayerRowField
bp_layer_row_field_of (BpLayerRow *self,
                       GtkWidget  *widget)
{
  static const BpLayerRowField fields[] = {
    BP_LAYER_ROW_FIELD_UNITS, BP_LAYER_ROW_FIELD_ACTIVATION, BP_LAYER_ROW_FIELD_INIT,
    BP_LAYER_ROW_FIELD_RATE, BP_LAYER_ROW_FIELD_FUNCTION, BP_LAYER_ROW_FIELD_REMOVE,
  };

  g_return_val_if_fail (BP_IS_LAYER_ROW (self), BP_LAYER_ROW_FIELD_NONE);

  if (widget == NULL)
    return BP_LAYER_ROW_FIELD_NONE;
  if (widget == GTK_WIDGET (self))
    return BP_LAYER_ROW_FIELD_ROW;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *w = bp_layer_row_get_field_widget (self, fields[i]);

      if (widget == w || gtk_widget_is_ancestor (widget, w))
        return fields[i];
    }
  return gtk_widget_is_ancestor (widget, GTK_WIDGET (self)) ? BP_LAYER_ROW_FIELD_ROW
                                                             : BP_LAYER_ROW_FIELD_NONE;
}

/* Whether @w shows when the row does: neither it nor a box or stack page
 * around it is hidden for this row's kind. */
static gboolean
shown_in_row (BpLayerRow *self,
              GtkWidget  *w)
{
  for (; w != NULL && w != GTK_WIDGET (self); w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_visible (w) || !gtk_widget_get_child_visible (w))
      return FALSE;
  return w != NULL;
}

void
bp_layer_row_focus_field (BpLayerRow      *self,
                          BpLayerRowField  field)
{
  GtkWidget *w;

  g_return_if_fail (BP_IS_LAYER_ROW (self));

  w = bp_layer_row_get_field_widget (self, field);
  if (w != NULL && w != GTK_WIDGET (self) && shown_in_row (self, w) && gtk_widget_grab_focus (w))
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}
