/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The layer editor through its real widgets: what the spin buttons, drop
 * downs, menu, buttons and key actions do to the model spec, checked
 * against specs parsed from the command-line syntax. */
#include <string.h>

#include "layer-editor.h"
#include "layer-row.h"
#include "ui-test-private.h"

typedef struct
{
  GtkWidget     *window;
  BpLayerEditor *editor;
  guint          changed;
  guint          problem_notes;
} Fixture;

static void
changed_cb (Fixture *f)
{
  f->changed++;
}

static void
problem_notify_cb (Fixture *f)
{
  f->problem_notes++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  /* As in the window: in a scrolled side panel. */
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, GPOINTER_TO_INT (data));
  f->editor = BP_LAYER_EDITOR (bp_layer_editor_new ());
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (f->editor));
  gtk_window_set_child (GTK_WINDOW (f->window), scroller);
  g_signal_connect_swapped (f->editor, "changed", G_CALLBACK (changed_cb), f);
  g_signal_connect_swapped (f->editor, "notify::problem", G_CALLBACK (problem_notify_cb), f);
  gtk_window_present (GTK_WINDOW (f->window));
  bp_test_spin (20);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  bp_test_spin (10);
}

static nn_model_spec
parse (const char *text)
{
  nn_model_spec spec;
  nn_error err = { 0 };

  nn_model_spec_init (&spec);
  if (text[0] != '\0' && nn_model_spec_parse_layers (&spec, text, &err) != NN_OK)
    g_error ("'%s': %s", text, err.msg);
  return spec;
}

static char *
format (const nn_model_spec *spec)
{
  char buf[4096];

  nn_model_spec_format_layers (spec, buf, sizeof buf);
  return g_strdup (buf);
}

static void
set_layers (Fixture    *f,
            const char *text)
{
  nn_model_spec spec = parse (text);

  bp_layer_editor_set_spec (f->editor, &spec);
}

/* The editor's layers equal @expected (command-line syntax), compared in
 * the engine's own formatting so that 0.35 means the float 0.35. */
#define assert_layers(f, expected)                                       \
  G_STMT_START                                                           \
  {                                                                      \
    nn_model_spec got__, want__ = parse (expected);                      \
    g_autofree char *got_text__ = NULL, *want_text__ = NULL;             \
                                                                         \
    bp_layer_editor_get_spec ((f)->editor, &got__);                      \
    got_text__ = format (&got__);                                        \
    want_text__ = format (&want__);                                      \
    g_assert_cmpstr (got_text__, ==, want_text__);                       \
  }                                                                      \
  G_STMT_END

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
      found = find_descendant (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (c)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (c)), action) == 0)
        return c;
      found = find_action_button (c, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first descendant of @type with the style class @css_class. */
static GtkWidget *
find_styled (GtkWidget  *widget,
             GType       type,
             const char *css_class)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) && gtk_widget_has_css_class (c, css_class))
        return c;
      found = find_styled (c, type, css_class);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkListBox *
list_of (Fixture *f)
{
  return GTK_LIST_BOX (find_descendant (GTK_WIDGET (f->editor), GTK_TYPE_LIST_BOX));
}

static guint
n_rows (Fixture *f)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list_of (f), (int) n) != NULL)
    n++;
  return n;
}

static BpLayerRow *
row (Fixture *f,
     int      i)
{
  GtkListBoxRow *r = gtk_list_box_get_row_at_index (list_of (f), i);

  g_assert_nonnull (r);
  return BP_LAYER_ROW (r);
}

static GtkWidget *
field (Fixture         *f,
       int              i,
       BpLayerRowField  which)
{
  GtkWidget *w = bp_layer_row_get_field_widget (row (f, i), which);

  g_assert_nonnull (w);
  return w;
}

static const char *
label_text (GtkWidget *label)
{
  return gtk_label_get_label (GTK_LABEL (label));
}

static GtkWidget *
focus_widget (Fixture *f)
{
  return gtk_root_get_focus (GTK_ROOT (f->window));
}

/* Whether the keyboard focus lies in @widget. */
static gboolean
has_focus_in (Fixture   *f,
              GtkWidget *widget)
{
  GtkWidget *focus = focus_widget (f);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Activates @button as Enter or Space would; a GtkButton shows itself
 * pressed for a moment before it emits "clicked", so this waits for the
 * edit. */
static void
press (Fixture   *f,
       GtkWidget *button)
{
  guint before = f->changed;
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

  g_assert_true (gtk_widget_activate (button));
  while (f->changed == before && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->changed, >, before);
}

static void
set_spin (Fixture         *f,
          int              i,
          BpLayerRowField  which,
          double           value)
{
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (field (f, i, which)), value);
}

static void
set_drop (Fixture         *f,
          int              i,
          BpLayerRowField  which,
          guint            selected)
{
  gtk_drop_down_set_selected (GTK_DROP_DOWN (field (f, i, which)), selected);
}

static void
assert_label (GtkWidget  *widget,
              const char *expected)
{
  char *problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                      GTK_ACCESSIBLE_PROPERTY_LABEL, expected);

  if (problem != NULL)
    g_error ("accessible label '%s', expected '%s'", problem, expected);
}

/* ---- Spec in, spec out ------------------------------------------------------- */

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  static const char *const specs[] = {
    "dense:32:relu,dropout:0.2,batchnorm,dense:3",
    "dense:64:tanh:xavier_normal,relu,dense:16,dropout:0.125,dense:10:none:he_uniform",
    "dense:128:gelu,batchnorm,sigmoid,dense:2:none:zeros",
    "dense:1",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      nn_model_spec spec = parse (specs[i]);

      set_layers (f, specs[i]);
      assert_layers (f, specs[i]);
      /* A row per layer, the output layer last. */
      g_assert_cmpuint (n_rows (f), ==, spec.n_layers);
      g_assert_true (bp_layer_row_is_output (row (f, (int) spec.n_layers - 1)));
      g_assert_false (bp_layer_editor_can_undo (f->editor));
      g_assert_false (bp_layer_editor_can_redo (f->editor));
    }
  /* Setting a spec is not an edit. */
  g_assert_cmpuint (f->changed, ==, 0);
}

static void
test_rows_show_spec (Fixture       *f,
                     gconstpointer  data)
{
  set_layers (f, "dense:32:relu:he_uniform,dropout:0.2,batchnorm,tanh,dense:3:none:xavier_normal");

  g_assert_cmpuint (n_rows (f), ==, 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (field (f, 0,
                   BP_LAYER_ROW_FIELD_UNITS))), ==, 32);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (field (f, 0,
                    BP_LAYER_ROW_FIELD_ACTIVATION))), ==, NN_ACT_RELU);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (field (f, 0,
                    BP_LAYER_ROW_FIELD_INIT))), ==, NN_INIT_HE_UNIFORM);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (field (f, 1,
                                  BP_LAYER_ROW_FIELD_RATE))), 0.2, 1e-6);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (field (f, 3,
                    BP_LAYER_ROW_FIELD_FUNCTION))), ==, NN_ACT_TANH - 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (field (f, 4,
                    BP_LAYER_ROW_FIELD_INIT))), ==, NN_INIT_XAVIER_NORMAL);

  /* Only the controls of each kind show. */
  g_assert_true (gtk_widget_get_mapped (field (f, 0, BP_LAYER_ROW_FIELD_UNITS)));
  g_assert_false (gtk_widget_get_mapped (field (f, 0, BP_LAYER_ROW_FIELD_RATE)));
  g_assert_true (gtk_widget_get_mapped (field (f, 1, BP_LAYER_ROW_FIELD_RATE)));
  g_assert_false (gtk_widget_get_mapped (field (f, 1, BP_LAYER_ROW_FIELD_UNITS)));
  g_assert_false (gtk_widget_get_mapped (field (f, 2, BP_LAYER_ROW_FIELD_UNITS)));
  g_assert_false (gtk_widget_get_mapped (field (f, 2, BP_LAYER_ROW_FIELD_RATE)));
  g_assert_true (gtk_widget_get_mapped (field (f, 3, BP_LAYER_ROW_FIELD_FUNCTION)));
  g_assert_false (gtk_widget_get_mapped (field (f, 3, BP_LAYER_ROW_FIELD_ACTIVATION)));

  /* The output row shows its size and activation, is not removable and
   * cannot be dragged. */
  g_assert_false (gtk_widget_get_mapped (field (f, 4, BP_LAYER_ROW_FIELD_UNITS)));
  g_assert_false (gtk_widget_get_mapped (field (f, 4, BP_LAYER_ROW_FIELD_ACTIVATION)));
  g_assert_true (gtk_widget_get_mapped (field (f, 4, BP_LAYER_ROW_FIELD_INIT)));
  g_assert_true (gtk_widget_get_mapped (field (f, 4, BP_LAYER_ROW_FIELD_SUMMARY)));
  g_assert_false (gtk_widget_get_mapped (field (f, 4, BP_LAYER_ROW_FIELD_REMOVE)));
  g_assert_cmpstr (label_text (field (f, 4, BP_LAYER_ROW_FIELD_SUMMARY)), ==,
                   "3 units · softmax");
  g_assert_false (gtk_widget_get_mapped (field (f, 0, BP_LAYER_ROW_FIELD_SUMMARY)));
  assert_label (GTK_WIDGET (row (f, 4)), "Output · 3 units · softmax");
  for (int i = 0; i < 4; i++)
    g_assert_true (gtk_widget_get_mapped (field (f, i, BP_LAYER_ROW_FIELD_REMOVE)));
}

/* A spec whose last layer is not a bare dense layer has no output layer
 * yet: every layer is hidden and the data bring the output. */
static void
test_output_from_data (Fixture       *f,
                       gconstpointer  data)
{
  set_layers (f, "dense:32:relu,dense:3:relu");
  assert_layers (f, "dense:32:relu,dense:3:relu");
  g_assert_cmpuint (n_rows (f), ==, 3);
  g_assert_cmpstr (label_text (field (f, 2, BP_LAYER_ROW_FIELD_SUMMARY)), ==,
                   "from data · softmax");

  bp_layer_editor_set_shape (f->editor, 2, NN_LOSS_MSE, 4, "identity");
  assert_layers (f, "dense:32:relu,dense:3:relu,dense:4");
  g_assert_null (bp_layer_editor_get_problem (f->editor));
  assert_label (GTK_WIDGET (row (f, 2)), "Output · 4 units · identity");

  /* The data decide the output size, whatever the spec said. */
  set_layers (f, "dense:8,dense:7");
  assert_layers (f, "dense:8,dense:4");
  g_assert_cmpuint (f->changed, ==, 0);
}

/* ---- Edits through the widgets --------------------------------------------- */

static void
test_edit_controls (Fixture       *f,
                    gconstpointer  data)
{
  set_layers (f, "dense:32:relu,dropout:0.2,tanh,dense:3");

  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 48);
  assert_layers (f, "dense:48:relu,dropout:0.2,tanh,dense:3");
  g_assert_cmpuint (f->changed, ==, 1);

  set_drop (f, 0, BP_LAYER_ROW_FIELD_ACTIVATION, NN_ACT_LEAKY_RELU);
  assert_layers (f, "dense:48:leaky_relu,dropout:0.2,tanh,dense:3");
  set_drop (f, 0, BP_LAYER_ROW_FIELD_ACTIVATION, 0);
  assert_layers (f, "dense:48,dropout:0.2,tanh,dense:3");
  set_drop (f, 0, BP_LAYER_ROW_FIELD_INIT, NN_INIT_LECUN_NORMAL);
  assert_layers (f, "dense:48:none:lecun_normal,dropout:0.2,tanh,dense:3");

  set_spin (f, 1, BP_LAYER_ROW_FIELD_RATE, 0.35);
  assert_layers (f, "dense:48:none:lecun_normal,dropout:0.35,tanh,dense:3");
  set_spin (f, 1, BP_LAYER_ROW_FIELD_RATE, 5.0);  /* clamped to the spin button's 0.99 */
  assert_layers (f, "dense:48:none:lecun_normal,dropout:0.99,tanh,dense:3");

  set_drop (f, 2, BP_LAYER_ROW_FIELD_FUNCTION, NN_ACT_ELU - 1);
  assert_layers (f, "dense:48:none:lecun_normal,dropout:0.99,elu,dense:3");
  g_assert_cmpstr (label_text (find_styled (GTK_WIDGET (row (f, 2)), GTK_TYPE_LABEL, "kind")), ==,
                   "ELU");
  assert_label (GTK_WIDGET (row (f, 2)), "Layer 3: ELU");

  set_drop (f, 3, BP_LAYER_ROW_FIELD_INIT, NN_INIT_ZEROS);
  assert_layers (f, "dense:48:none:lecun_normal,dropout:0.99,elu,dense:3:none:zeros");

  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 1e9);  /* clamped to 65536 */
  assert_layers (f, "dense:65536:none:lecun_normal,dropout:0.99,elu,dense:3:none:zeros");
  g_assert_cmpuint (f->changed, ==, 9);

  /* Setting a control to what it shows is no edit. */
  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 65536);
  set_drop (f, 3, BP_LAYER_ROW_FIELD_INIT, NN_INIT_ZEROS);
  g_assert_cmpuint (f->changed, ==, 9);
}

/* Text typed into a spin button applies when the list changes under it. */
static void
test_typed_text_applies (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *units;

  set_layers (f, "dense:32:relu,dropout:0.2,dense:3");
  units = field (f, 0, BP_LAYER_ROW_FIELD_UNITS);
  gtk_widget_grab_focus (units);
  gtk_editable_set_text (GTK_EDITABLE (units), "20");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move-down", NULL));
  assert_layers (f, "dropout:0.2,dense:20:relu,dense:3");
  g_assert_true (has_focus_in (f, field (f, 1, BP_LAYER_ROW_FIELD_UNITS)));
}

static void
test_add_menu (Fixture       *f,
               gconstpointer  data)
{
  static const char *const labels[] = {
    "Dense", "Dropout", "BatchNorm", "ReLU", "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh",
  };
  static const char *const added[] = {
    "dense:32:relu", "dropout:0.2", "batchnorm", "relu", "leaky_relu", "elu", "gelu",
    "sigmoid", "tanh",
  };
  GtkWidget *button = find_descendant (GTK_WIDGET (f->editor), GTK_TYPE_MENU_BUTTON);
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  guint seen = 0;

  g_assert_nonnull (menu);
  for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
    {
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

      g_assert_nonnull (section);
      for (int i = 0; i < g_menu_model_get_n_items (section); i++)
        {
          g_autofree char *label = NULL;
          g_autofree char *action = NULL;
          g_autoptr (GVariant) target = NULL;
          g_autofree char *expected = NULL;

          g_assert_true (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_LABEL,
                                                          "s", &label));
          g_assert_true (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION,
                                                          "s", &action));
          target = g_menu_model_get_item_attribute_value (section, i, G_MENU_ATTRIBUTE_TARGET,
                                                          G_VARIANT_TYPE_STRING);
          g_assert_cmpuint (seen, <, G_N_ELEMENTS (labels));
          g_assert_cmpstr (label, ==, labels[seen]);

          /* Each item inserts its layer before the output layer. */
          set_layers (f, "dense:32:relu,dense:3");
          g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->editor), action,
                                                             target));
          expected = g_strdup_printf ("dense:32:relu,%s,dense:3", added[seen]);
          assert_layers (f, expected);
          seen++;
        }
    }
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (labels));
  g_assert_cmpuint (f->changed, ==, G_N_ELEMENTS (labels));
}

static void
test_add_position (Fixture       *f,
                   gconstpointer  data)
{
  set_layers (f, "dense:64:relu,dense:16:tanh,dense:3");

  /* Nothing focused yet: before the output layer, as wide as the dense
   * layer before it. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "dense");
  assert_layers (f, "dense:64:relu,dense:16:tanh,dense:16:relu,dense:3");
  /* The new row has the focus, on its units. */
  bp_test_spin (20);
  g_assert_true (has_focus_in (f, field (f, 2, BP_LAYER_ROW_FIELD_UNITS)));

  /* After the row that has (or last had) the focus. */
  gtk_widget_grab_focus (field (f, 0, BP_LAYER_ROW_FIELD_ACTIVATION));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "dropout");
  assert_layers (f, "dense:64:relu,dropout:0.2,dense:16:tanh,dense:16:relu,dense:3");
  bp_test_spin (20);
  g_assert_true (has_focus_in (f, field (f, 1, BP_LAYER_ROW_FIELD_RATE)));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "batchnorm");
  assert_layers (f, "dense:64:relu,dropout:0.2,batchnorm,dense:16:tanh,dense:16:relu,dense:3");
  bp_test_spin (20);

  /* The output row focused: before it. */
  gtk_widget_grab_focus (field (f, 5, BP_LAYER_ROW_FIELD_INIT));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "gelu");
  assert_layers (f, "dense:64:relu,dropout:0.2,batchnorm,dense:16:tanh,dense:16:relu,gelu,"
                    "dense:3");
  bp_test_spin (20);
  g_assert_cmpuint (f->changed, ==, 4);
}

/* An unknown kind is a programmer's error: a warning, and no layer. */
static void
test_add_unknown (Fixture       *f,
                  gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
      set_layers (f, "dense:3");
      gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "conv2d");
      assert_layers (f, "dense:3");
      g_assert_cmpuint (f->changed, ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*unknown layer 'conv2d'*");
}

static void
test_add_limit (Fixture       *f,
                gconstpointer  data)
{
  GString *text = g_string_new (NULL);
  nn_model_spec spec;

  for (int i = 0; i < NN_SPEC_MAX_LAYERS - 2; i++)
    g_string_append (text, "relu,");
  g_string_append (text, "dense:3");
  set_layers (f, text->str);
  g_string_free (text, TRUE);

  /* One more fits; then the add action is off. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "tanh"));
  bp_layer_editor_get_spec (f->editor, &spec);
  g_assert_cmpuint (spec.n_layers, ==, NN_SPEC_MAX_LAYERS);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "tanh");
  bp_layer_editor_get_spec (f->editor, &spec);
  g_assert_cmpuint (spec.n_layers, ==, NN_SPEC_MAX_LAYERS);
  g_assert_cmpuint (f->changed, ==, 1);
  bp_test_spin (20);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *remove;

  set_layers (f, "dense:32:relu,dropout:0.2,batchnorm,dense:3");

  remove = field (f, 1, BP_LAYER_ROW_FIELD_REMOVE);
  assert_label (remove, "Remove layer 2");
  gtk_widget_grab_focus (remove);
  press (f, remove);
  assert_layers (f, "dense:32:relu,batchnorm,dense:3");
  g_assert_cmpuint (f->changed, ==, 1);
  /* The focus moves to the row that took its place, on its button. */
  g_assert_true (has_focus_in (f, field (f, 1, BP_LAYER_ROW_FIELD_REMOVE)));
  assert_label (field (f, 1, BP_LAYER_ROW_FIELD_REMOVE), "Remove layer 2");

  /* By the action; the output layer and nonsense indices stay. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.remove", "i", 0);
  assert_layers (f, "batchnorm,dense:3");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.remove", "i", 1);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.remove", "i", -1);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.remove", "i", 99);
  assert_layers (f, "batchnorm,dense:3");
  g_assert_cmpuint (f->changed, ==, 2);

  /* Delete on the focused row (the key runs "layers.remove-focused"). */
  gtk_widget_grab_focus (GTK_WIDGET (row (f, 0)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.remove-focused",
                                             NULL));
  assert_layers (f, "dense:3");
  g_assert_true (has_focus_in (f, GTK_WIDGET (row (f, 0))));
  g_assert_true (bp_layer_row_is_output (row (f, 0)));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.remove-focused", NULL);
  assert_layers (f, "dense:3");
  g_assert_cmpuint (f->changed, ==, 3);
}

static void
test_move (Fixture       *f,
           gconstpointer  data)
{
  set_layers (f, "dense:32:relu,dropout:0.2,batchnorm,tanh,dense:3");

  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 0, 2);
  assert_layers (f, "dropout:0.2,batchnorm,dense:32:relu,tanh,dense:3");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 3, 0);
  assert_layers (f, "tanh,dropout:0.2,batchnorm,dense:32:relu,dense:3");
  /* Nothing passes the output layer. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 0, 4);
  assert_layers (f, "dropout:0.2,batchnorm,dense:32:relu,tanh,dense:3");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 4, 0);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 1, 1);
  assert_layers (f, "dropout:0.2,batchnorm,dense:32:relu,tanh,dense:3");
  g_assert_cmpuint (f->changed, ==, 3);
}

/* Alt+Up and Alt+Down run "layers.move-up" and "layers.move-down" on the
 * focused row; the focus moves with it. */
static void
test_move_keyboard (Fixture       *f,
                    gconstpointer  data)
{
  set_layers (f, "dense:32:relu,dropout:0.2,batchnorm,dense:3");

  gtk_widget_grab_focus (field (f, 1, BP_LAYER_ROW_FIELD_RATE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move-up", NULL));
  assert_layers (f, "dropout:0.2,dense:32:relu,batchnorm,dense:3");
  g_assert_true (has_focus_in (f, field (f, 0, BP_LAYER_ROW_FIELD_RATE)));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move-up", NULL);
  assert_layers (f, "dropout:0.2,dense:32:relu,batchnorm,dense:3");

  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move-down", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move-down", NULL);
  assert_layers (f, "dense:32:relu,batchnorm,dropout:0.2,dense:3");
  g_assert_true (has_focus_in (f, field (f, 2, BP_LAYER_ROW_FIELD_RATE)));
  /* Not past the output row. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move-down", NULL);
  assert_layers (f, "dense:32:relu,batchnorm,dropout:0.2,dense:3");

  /* The output row itself does not move. */
  gtk_widget_grab_focus (GTK_WIDGET (row (f, 3)));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move-up", NULL);
  assert_layers (f, "dense:32:relu,batchnorm,dropout:0.2,dense:3");
  g_assert_cmpuint (f->changed, ==, 3);
}

/* Drag and drop: the handle's drag source offers the row, a row's drop
 * target moves the dropped row to its place. */
static void
test_drag_and_drop (Fixture       *f,
                    gconstpointer  data)
{
  GdkContentProvider *content = NULL;
  GtkDragSource *source = NULL;
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  g_autoptr (GListModel) controllers = NULL;
  GtkWidget *handle;
  gboolean dropped = FALSE;

  set_layers (f, "dense:32:relu,dropout:0.2,batchnorm,dense:3");

  handle = find_descendant (GTK_WIDGET (row (f, 2)), GTK_TYPE_IMAGE);
  controllers = gtk_widget_observe_controllers (handle);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (c))
        source = GTK_DRAG_SOURCE (c);
    }
  g_assert_nonnull (source);
  g_signal_emit_by_name (source, "prepare", 4.0, 4.0, &content);
  g_assert_nonnull (content);
  g_value_init (&value, BP_TYPE_LAYER_ROW);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_true (g_value_get_object (&value) == row (f, 2));
  g_object_unref (content);

  g_clear_object (&controllers);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (row (f, 0)));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_assert_true (dropped);
  assert_layers (f, "batchnorm,dense:32:relu,dropout:0.2,dense:3");
  g_value_unset (&value);
  g_assert_cmpuint (f->changed, ==, 1);

  /* The output row offers nothing to drag. */
  g_clear_object (&controllers);
  handle = find_descendant (GTK_WIDGET (row (f, 3)), GTK_TYPE_IMAGE);
  controllers = gtk_widget_observe_controllers (handle);
  source = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (c))
        source = GTK_DRAG_SOURCE (c);
    }
  g_assert_nonnull (source);
  content = NULL;
  g_signal_emit_by_name (source, "prepare", 4.0, 4.0, &content);
  g_assert_null (content);
}

/* ---- Shape, counts and problems -------------------------------------------- */

static void
test_shape_and_counts (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *total = NULL;
  nn_model_spec spec;

  set_layers (f, "dense:32:relu,dropout:0.2,batchnorm,dense:3");
  total = find_styled (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, "total");
  g_assert_nonnull (total);
  g_assert_cmpstr (label_text (total), ==, "Total: needs data");
  g_assert_cmpstr (label_text (field (f, 0, BP_LAYER_ROW_FIELD_PARAMS)), ==, "? params");
  /* After a dense layer the width is known without data. */
  g_assert_cmpstr (label_text (field (f, 2, BP_LAYER_ROW_FIELD_PARAMS)), ==, "64 params");
  g_assert_cmpstr (label_text (field (f, 3, BP_LAYER_ROW_FIELD_PARAMS)), ==, "99 params");

  /* 31 features: (31 + 1)·32 + 2·32 + (32 + 1)·3 = 1024 + 64 + 99. */
  bp_layer_editor_set_shape (f->editor, 31, NN_LOSS_CE, 3, "softmax");
  g_assert_cmpstr (label_text (field (f, 0, BP_LAYER_ROW_FIELD_PARAMS)), ==, "1,024 params");
  g_assert_cmpstr (label_text (field (f, 1, BP_LAYER_ROW_FIELD_PARAMS)), ==, "no params");
  g_assert_cmpstr (label_text (field (f, 2, BP_LAYER_ROW_FIELD_PARAMS)), ==, "64 params");
  g_assert_cmpstr (label_text (field (f, 3, BP_LAYER_ROW_FIELD_PARAMS)), ==, "99 params");
  g_assert_cmpstr (label_text (total), ==, "Total: 1,187 parameters");
  bp_layer_editor_get_spec (f->editor, &spec);
  g_assert_cmpuint (spec.inputs, ==, 31);
  g_assert_cmpint (spec.loss, ==, NN_LOSS_CE);
  g_assert_cmpuint (nn_model_spec_count_params (&spec), ==, 1187);

  /* The output follows the data; not an edit. */
  bp_layer_editor_set_shape (f->editor, 31, NN_LOSS_BCE, 1, "sigmoid");
  assert_layers (f, "dense:32:relu,dropout:0.2,batchnorm,dense:1");
  g_assert_cmpstr (label_text (field (f, 3, BP_LAYER_ROW_FIELD_SUMMARY)), ==, "1 unit · sigmoid");
  assert_label (GTK_WIDGET (row (f, 3)), "Output · 1 unit · sigmoid");
  g_assert_cmpstr (label_text (total), ==, "Total: 1,121 parameters");
  g_assert_false (bp_layer_editor_can_undo (f->editor));
  g_assert_cmpuint (f->changed, ==, 0);

  /* Counts follow edits: 1,056 for 32 features into 32 units. */
  bp_layer_editor_set_shape (f->editor, 32, NN_LOSS_CE, 3, "softmax");
  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 64);
  g_assert_cmpstr (label_text (field (f, 0, BP_LAYER_ROW_FIELD_PARAMS)), ==, "2,112 params");
  g_assert_cmpstr (label_text (field (f, 2, BP_LAYER_ROW_FIELD_PARAMS)), ==, "128 params");
  g_assert_cmpstr (label_text (total), ==, "Total: 2,435 parameters");
  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 32);
  g_assert_cmpstr (label_text (field (f, 0, BP_LAYER_ROW_FIELD_PARAMS)), ==, "1,056 params");
}

static void
test_format_count (void)
{
  static const struct
  {
    gsize       n;
    const char *text;
  } cases[] = {
    { 0, "0" }, { 7, "7" }, { 999, "999" }, { 1000, "1,000" }, { 1056, "1,056" },
    { 65537, "65,537" }, { 1234567, "1,234,567" }, { 4295032832u, "4,295,032,832" },
  };
  char buf[32], small[4];

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      bp_layer_row_format_count (cases[i].n, buf, sizeof buf);
      g_assert_cmpstr (buf, ==, cases[i].text);
    }
  /* Truncated, never overrun. */
  bp_layer_row_format_count (1234567, small, sizeof small);
  g_assert_cmpstr (small, ==, "1,2");
}

static void
test_problem (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *label = find_styled (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, "error");

  /* No data yet. */
  set_layers (f, "dense:32:relu,dense:3");
  g_assert_nonnull (bp_layer_editor_get_problem (f->editor));
  g_assert_nonnull (strstr (bp_layer_editor_get_problem (f->editor), "No data"));
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_cmpstr (label_text (label), ==, bp_layer_editor_get_problem (f->editor));

  /* Data that fit: no problem, nothing shown. */
  bp_layer_editor_set_shape (f->editor, 2, NN_LOSS_CE, 3, "softmax");
  g_assert_null (bp_layer_editor_get_problem (f->editor));
  g_assert_false (gtk_widget_get_mapped (label));

  /* An output that does not fit the labels: cross-entropy on one output. */
  bp_layer_editor_set_shape (f->editor, 2, NN_LOSS_CE, 1, "softmax");
  g_assert_nonnull (bp_layer_editor_get_problem (f->editor));
  g_assert_nonnull (strstr (bp_layer_editor_get_problem (f->editor), "at least 2 classes"));
  g_assert_true (gtk_widget_get_mapped (label));

  /* A loss with no output size for the data. */
  bp_layer_editor_set_shape (f->editor, 2, NN_LOSS_CE, 0, "softmax");
  g_assert_nonnull (strstr (bp_layer_editor_get_problem (f->editor), "does not fit"));

  /* No layers at all: only the output layer, which is a linear model. */
  bp_layer_editor_set_shape (f->editor, 2, NN_LOSS_CE, 3, "softmax");
  set_layers (f, "");
  assert_layers (f, "dense:3");
  g_assert_null (bp_layer_editor_get_problem (f->editor));

  /* Without data and without an output, the problem says so. */
  bp_layer_editor_set_shape (f->editor, 0, NN_LOSS_CE, 0, NULL);
  g_assert_nonnull (bp_layer_editor_get_problem (f->editor));
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_cmpuint (f->problem_notes, >=, 5);
}

/* ---- Undo and redo -------------------------------------------------------- */

static void
test_undo_redo (Fixture       *f,
                gconstpointer  data)
{
  const char *steps[] = {
    "dense:32:relu,dropout:0.2,batchnorm,dense:3",
    "dense:48:relu,dropout:0.2,batchnorm,dense:3",
    "dense:48:tanh,dropout:0.2,batchnorm,dense:3",
    "dense:48:tanh,dropout:0.2,batchnorm,relu,dense:3",
    "dense:48:tanh,batchnorm,relu,dense:3",
    "batchnorm,dense:48:tanh,relu,dense:3",
    "batchnorm,dense:48:tanh,relu,dense:3:none:he_normal",
  };
  GtkWidget *undo_button = find_action_button (GTK_WIDGET (f->editor), "layers.undo");
  GtkWidget *redo_button = find_action_button (GTK_WIDGET (f->editor), "layers.redo");
  guint n = G_N_ELEMENTS (steps);

  g_assert_nonnull (undo_button);
  g_assert_nonnull (redo_button);
  set_layers (f, steps[0]);
  g_assert_false (gtk_widget_get_sensitive (undo_button));
  g_assert_false (gtk_widget_get_sensitive (redo_button));

  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 48);
  set_drop (f, 0, BP_LAYER_ROW_FIELD_ACTIVATION, NN_ACT_TANH);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.add", "s", "relu");
  press (f, field (f, 1, BP_LAYER_ROW_FIELD_REMOVE));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 1, 0);
  set_drop (f, 3, BP_LAYER_ROW_FIELD_INIT, NN_INIT_HE_NORMAL);
  assert_layers (f, steps[n - 1]);
  g_assert_cmpuint (f->changed, ==, n - 1);
  g_assert_true (bp_layer_editor_can_undo (f->editor));
  g_assert_false (bp_layer_editor_can_redo (f->editor));
  g_assert_true (gtk_widget_get_sensitive (undo_button));
  g_assert_false (gtk_widget_get_sensitive (redo_button));

  for (guint i = n - 1; i > 0; i--)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.undo", NULL));
      assert_layers (f, steps[i - 1]);
      g_assert_true (bp_layer_editor_can_redo (f->editor));
    }
  g_assert_false (bp_layer_editor_can_undo (f->editor));
  g_assert_false (gtk_widget_get_sensitive (undo_button));
  g_assert_true (gtk_widget_get_sensitive (redo_button));
  /* Nothing left to undo: nothing happens. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.undo", NULL);
  bp_layer_editor_undo (f->editor);
  assert_layers (f, steps[0]);
  g_assert_cmpuint (f->changed, ==, 2 * (n - 1));

  /* The rows show the restored layers. */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (field (f, 0,
                   BP_LAYER_ROW_FIELD_UNITS))), ==, 32);
  g_assert_cmpuint (n_rows (f), ==, 4);

  for (guint i = 1; i < n; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.redo", NULL));
      assert_layers (f, steps[i]);
    }
  g_assert_false (bp_layer_editor_can_redo (f->editor));
  g_assert_cmpuint (f->changed, ==, 3 * (n - 1));

  /* An edit after undoing drops what could be redone. */
  bp_layer_editor_undo (f->editor);
  bp_layer_editor_undo (f->editor);
  assert_layers (f, steps[n - 3]);
  set_drop (f, 1, BP_LAYER_ROW_FIELD_ACTIVATION, NN_ACT_SIGMOID);
  g_assert_false (bp_layer_editor_can_redo (f->editor));
  bp_layer_editor_undo (f->editor);
  assert_layers (f, steps[n - 3]);

  /* A new spec clears the history. */
  set_layers (f, "dense:3");
  g_assert_false (bp_layer_editor_can_undo (f->editor));
  g_assert_false (bp_layer_editor_can_redo (f->editor));
}

/* Spin-button changes in quick succession are one undo step. */
static void
test_undo_coalesces (Fixture       *f,
                     gconstpointer  data)
{
  set_layers (f, "dense:32:relu,dropout:0.2,dense:3");

  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 33);
  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 34);
  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 35);
  g_assert_cmpuint (f->changed, ==, 3);
  /* Another field is another step. */
  set_spin (f, 1, BP_LAYER_ROW_FIELD_RATE, 0.3);
  bp_layer_editor_undo (f->editor);
  assert_layers (f, "dense:35:relu,dropout:0.2,dense:3");
  bp_layer_editor_undo (f->editor);
  assert_layers (f, "dense:32:relu,dropout:0.2,dense:3");
  g_assert_false (bp_layer_editor_can_undo (f->editor));

  /* After a pause, a new step. */
  bp_layer_editor_redo (f->editor);
  set_layers (f, "dense:32:relu,dropout:0.2,dense:3");
  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 40);
  bp_test_spin (600);
  set_spin (f, 0, BP_LAYER_ROW_FIELD_UNITS, 50);
  bp_layer_editor_undo (f->editor);
  assert_layers (f, "dense:40:relu,dropout:0.2,dense:3");
  bp_layer_editor_undo (f->editor);
  assert_layers (f, "dense:32:relu,dropout:0.2,dense:3");
}

/* ---- Highlight, accessibility, keyboard ------------------------------------ */

static void
test_highlight (Fixture       *f,
                gconstpointer  data)
{
  GString *text = g_string_new (NULL);
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (f->editor), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj;

  for (int i = 0; i < 15; i++)
    g_string_append (text, "dense:8:relu,");
  g_string_append (text, "dense:3");
  set_layers (f, text->str);
  g_string_free (text, TRUE);
  bp_test_spin (100);

  bp_layer_editor_highlight (f->editor, 1);
  for (int i = 0; i < 16; i++)
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row (f, i)), "highlighted") == (i == 1));

  /* Scrolled to a row far down. */
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
  bp_layer_editor_highlight (f->editor, 15);
  bp_test_spin (200);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row (f, 15)), "highlighted"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row (f, 1)), "highlighted"));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
  {
    GtkWidget *content = gtk_viewport_get_child (GTK_VIEWPORT (
      gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller))));
    graphene_rect_t bounds;

    /* The whole row in view. */
    g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (row (f, 15)), content, &bounds));
    g_assert_cmpfloat (bounds.origin.y, >=, gtk_adjustment_get_value (adj));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                       gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj));
  }

  /* The highlight follows its layer when rows move. */
  bp_layer_editor_highlight (f->editor, 2);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 2, 0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row (f, 0)), "highlighted"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row (f, 2)), "highlighted"));

  bp_layer_editor_highlight (f->editor, -1);
  bp_layer_editor_highlight (f->editor, 99);
  for (int i = 0; i < 16; i++)
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row (f, i)), "highlighted"));
}

static void
test_accessible_names (Fixture       *f,
                       gconstpointer  data)
{
  set_layers (f, "dense:32:relu,dropout:0.2,sigmoid,dense:3");
  bp_layer_editor_set_shape (f->editor, 4, NN_LOSS_CE, 3, "softmax");

  assert_label (field (f, 0, BP_LAYER_ROW_FIELD_UNITS), "Units of layer 1");
  assert_label (field (f, 0, BP_LAYER_ROW_FIELD_ACTIVATION), "Activation of layer 1");
  assert_label (field (f, 0, BP_LAYER_ROW_FIELD_INIT), "Initialiser of layer 1");
  assert_label (field (f, 0, BP_LAYER_ROW_FIELD_REMOVE), "Remove layer 1");
  assert_label (field (f, 1, BP_LAYER_ROW_FIELD_RATE), "Dropout rate of layer 2");
  assert_label (field (f, 2, BP_LAYER_ROW_FIELD_FUNCTION), "Function of layer 3");
  assert_label (field (f, 3, BP_LAYER_ROW_FIELD_INIT), "Initialiser of the output layer");
  assert_label (GTK_WIDGET (row (f, 1)), "Layer 2: Dropout");
  assert_label (GTK_WIDGET (row (f, 3)), "Output · 3 units · softmax");

  /* Names follow the rows when they move. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "layers.move", "(ii)", 0, 2);
  assert_label (field (f, 2, BP_LAYER_ROW_FIELD_UNITS), "Units of layer 3");
  assert_label (field (f, 0, BP_LAYER_ROW_FIELD_RATE), "Dropout rate of layer 1");

  /* Every control of the editor has a name. */
  {
    GPtrArray *stack = g_ptr_array_new ();
    guint checked = 0;

    g_ptr_array_add (stack, f->editor);
    while (stack->len > 0)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (!gtk_widget_get_mapped (w))
          continue;
        if (GTK_IS_SPIN_BUTTON (w) || GTK_IS_DROP_DOWN (w) || GTK_IS_MENU_BUTTON (w)
            || GTK_IS_BUTTON (w) || GTK_IS_LIST_BOX_ROW (w))
          {
            if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (w),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL))
              g_error ("a %s (%s) has no accessible name", G_OBJECT_TYPE_NAME (w),
                       gtk_widget_get_tooltip_text (w));
            checked++;
            if (!GTK_IS_LIST_BOX_ROW (w))
              continue;  /* their inner parts are theirs */
          }
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
             c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
    g_assert_cmpuint (checked, ==, 3 + 5 + 3 + 3 + 2);
  }
}

/* Every visible control takes the keyboard focus, and Tab and the arrow
 * keys reach each one from the list. */
static void
test_keyboard_reach (Fixture       *f,
                     gconstpointer  data)
{
  static const BpLayerRowField fields[] = {
    BP_LAYER_ROW_FIELD_UNITS, BP_LAYER_ROW_FIELD_ACTIVATION, BP_LAYER_ROW_FIELD_INIT,
    BP_LAYER_ROW_FIELD_RATE, BP_LAYER_ROW_FIELD_FUNCTION, BP_LAYER_ROW_FIELD_REMOVE,
  };
  g_autoptr (GHashTable) reached = g_hash_table_new (NULL, NULL);
  guint wanted = 0;

  set_layers (f, "dense:32:relu,dropout:0.2,tanh,dense:3");
  bp_layer_editor_set_shape (f->editor, 4, NN_LOSS_CE, 3, "softmax");
  bp_test_spin (50);

  /* Walk the way a keyboard user does: Tab through a row's controls, then
   * Down to the next row, from the first row on. */
  gtk_widget_grab_focus (GTK_WIDGET (row (f, 0)));
  for (int step = 0; step < 200; step++)
    {
      GtkWidget *focus = focus_widget (f);
      GtkWidget *r = focus != NULL ? gtk_widget_get_ancestor (focus, BP_TYPE_LAYER_ROW) : NULL;

      if (r != NULL)
        {
          BpLayerRowField which = bp_layer_row_field_of (BP_LAYER_ROW (r), focus);

          g_hash_table_add (reached, bp_layer_row_get_field_widget (BP_LAYER_ROW (r), which));
        }
      if (r == NULL || !gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD)
          || gtk_widget_get_ancestor (focus_widget (f), BP_TYPE_LAYER_ROW) != r)
        {
          /* Left the row: the next one, by the arrow key from the row. */
          int next = r != NULL ? (int) bp_layer_row_get_index (BP_LAYER_ROW (r)) + 1 : 99;

          if (next >= (int) n_rows (f))
            break;
          gtk_widget_grab_focus (r);
          /* What the Down key is bound to. */
          g_signal_emit_by_name (list_of (f), "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE,
                                 FALSE);
          g_assert_true (has_focus_in (f, GTK_WIDGET (row (f, next))));
        }
    }

  for (int i = 0; i < (int) n_rows (f); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (fields); j++)
      {
        GtkWidget *w = field (f, i, fields[j]);

        if (!gtk_widget_get_mapped (w))
          continue;
        wanted++;
        if (!g_hash_table_contains (reached, w))
          g_error ("row %d: field %d not reached by the keyboard", i, (int) fields[j]);
      }
  g_assert_cmpuint (wanted, ==, 4 + 2 + 2 + 1);
}

static void
test_no_display (void)
{
  g_test_skip ("no display: run the widget tests under xvfb-run");
}

int
main (int    argc,
      char **argv)
{
  if (!bp_test_init_gtk (&argc, &argv))
    {
      g_test_add_func ("/ui/layer-editor/no-display", test_no_display);
      return g_test_run ();
    }

  /* The window's height: a tall one, and a short one that scrolls. */
#define ADD(path, fn) g_test_add ("/ui/layer-editor/" path, Fixture, GINT_TO_POINTER (900), \
                                  fixture_setup, fn, fixture_teardown)
#define ADD_SHORT(path, fn) g_test_add ("/ui/layer-editor/" path, Fixture, GINT_TO_POINTER (300), \
                                        fixture_setup, fn, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  ADD ("rows-show-spec", test_rows_show_spec);
  ADD ("output-from-data", test_output_from_data);
  ADD ("edit-controls", test_edit_controls);
  ADD ("typed-text-applies", test_typed_text_applies);
  ADD ("add-menu", test_add_menu);
  ADD ("add-position", test_add_position);
  ADD ("add-unknown", test_add_unknown);
  ADD ("add-limit", test_add_limit);
  ADD ("remove", test_remove);
  ADD ("move", test_move);
  ADD ("move-keyboard", test_move_keyboard);
  ADD ("drag-and-drop", test_drag_and_drop);
  ADD ("shape-and-counts", test_shape_and_counts);
  ADD ("problem", test_problem);
  ADD ("undo-redo", test_undo_redo);
  ADD ("undo-coalesces", test_undo_coalesces);
  ADD_SHORT ("highlight", test_highlight);
  ADD ("accessible-names", test_accessible_names);
  ADD ("keyboard-reach", test_keyboard_reach);
#undef ADD
#undef ADD_SHORT
  g_test_add_func ("/ui/layer-editor/format-count", test_format_count);
  return g_test_run ();
}
