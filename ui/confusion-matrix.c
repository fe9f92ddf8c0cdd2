/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confusion-matrix.h"

#include <glib/gi18n.h>
#include <math.h>

/* Spacing in pixels, as the plots have it. */
#define PAD          12.0
#define LABEL_GAP     6.0   /* between the class names and the cells */
#define TITLE_GAP     6.0   /* between the class names and an axis title */
#define MAX_CELL     96.0   /* a few classes do not make huge cells */
#define MAX_NAME    150.0   /* class names longer than this are ellipsized */

struct _BpConfusionMatrix
{
  GtkWidget  parent_instance;

  gsize      k;
  guint64   *counts;    /* [k × k] */
  guint64   *row_sums;  /* [k] */
  guint64    total;
  guint64    correct;
  char     **names;     /* [k] */

  int        sel_row;   /* −1: none */
  int        sel_col;
  int        cursor_row;  /* where Enter selects again after Escape */
  int        cursor_col;
};

enum
{
  SIGNAL_SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpConfusionMatrix, bp_confusion_matrix, GTK_TYPE_WIDGET)

/* Where a draw at some size puts things. */
typedef struct
{
  double   x0;          /* the cells' top-left corner */
  double   y0;
  double   pitch;       /* a cell and its gap */
  double   gap;
  double   name_w;      /* room for the row names, left of the cells */
  double   name_h;      /* room for the column names, below the cells */
  gboolean upright;     /* column names turned to run upwards */
  double   title_h;     /* an axis title's line height */
} Geometry;

static const GdkRGBA fallback_accent = { 0.208f, 0.518f, 0.894f, 1.0f };  /* #3584e4 */

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
css_colors (BpConfusionMatrix *self,
            GdkRGBA           *fg,
            GdkRGBA           *accent)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (style, fg);
  if (!gtk_style_context_lookup_color (style, "plot_series_0", accent))
    *accent = fallback_accent;
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* WCAG's relative luminance and contrast ratio. */
static double
linear_channel (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
relative_luminance (const GdkRGBA *c)
{
  return 0.2126 * linear_channel (c->red) + 0.7152 * linear_channel (c->green)
         + 0.0722 * linear_channel (c->blue);
}

static double
contrast (const GdkRGBA *a,
          const GdkRGBA *b)
{
  double la = relative_luminance (a), lb = relative_luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static GdkRGBA
mix (const GdkRGBA *a,
     const GdkRGBA *b,
     double         t)
{
  return (GdkRGBA) {
    .red = (float) (a->red + t * (b->red - a->red)),
    .green = (float) (a->green + t * (b->green - a->green)),
    .blue = (float) (a->blue + t * (b->blue - a->blue)),
    .alpha = 1.0f,
  };
}

/* The accent's opacity in a cell holding @share of its row: a faint tint
 * for any count at all, so that a single confusion shows. */
static double
cell_strength (guint64 count,
               guint64 row_sum)
{
  if (count == 0 || row_sum == 0)
    return 0.0;
  return 0.08 + 0.92 * (double) count / (double) row_sum;
}

static PangoLayout *
small_layout (BpConfusionMatrix *self,
              const char        *text,
              double             scale,
              gboolean           bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_SEMIBOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static const char *
class_name (BpConfusionMatrix *self,
            gsize              i)
{
  return self->names[i];
}

static void
compute_geometry (BpConfusionMatrix *self,
                  double             width,
                  double             height,
                  Geometry          *g)
{
  double widest = 0, text_h = 0, cell, avail_w, avail_h, left, bottom;
  double k = (double) self->k;

  *g = (Geometry) { 0 };
  for (gsize i = 0; i < self->k; i++)
    {
      g_autoptr (PangoLayout) layout = small_layout (self, class_name (self, i),
                                                     PANGO_SCALE_SMALL, FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w);
      text_h = MAX (text_h, h);
    }
  g->title_h = text_h;
  g->name_w = MIN (widest, MIN (MAX_NAME, 0.3 * width));
  left = PAD + g->title_h + TITLE_GAP + g->name_w + LABEL_GAP;
  avail_w = width - left - PAD;

  /* Column names across first; upright when the widest does not fit a cell. */
  g->name_h = text_h;
  bottom = LABEL_GAP + g->name_h + TITLE_GAP + g->title_h + PAD;
  avail_h = height - PAD - bottom;
  cell = MIN (MIN (avail_w, avail_h) / k, MAX_CELL);
  if (widest > cell - 4)
    {
      g->upright = TRUE;
      g->name_h = MIN (widest, MIN (MAX_NAME, 0.3 * height));
      bottom = LABEL_GAP + g->name_h + TITLE_GAP + g->title_h + PAD;
      avail_h = height - PAD - bottom;
      cell = MIN (MIN (avail_w, avail_h) / k, MAX_CELL);
    }
  g->pitch = MAX (1.0, floor (cell));
  g->gap = g->pitch >= 24 ? 2.0 : g->pitch >= 10 ? 1.0 : 0.0;
  /* At the top left, under the heading, on whole pixels. */
  g->x0 = round (left);
  g->y0 = PAD;
}

static void
cell_rect (const Geometry  *g,
           int              row,
           int              col,
           graphene_rect_t *r)
{
  graphene_rect_init (r, (float) (g->x0 + col * g->pitch), (float) (g->y0 + row * g->pitch),
                      (float) (g->pitch - g->gap), (float) (g->pitch - g->gap));
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  if (r <= 0)
    {
      cairo_rectangle (cr, x, y, w, h);
      return;
    }
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_cells (BpConfusionMatrix *self,
            cairo_t           *cr,
            const Geometry    *g,
            const GdkRGBA     *fg,
            const GdkRGBA     *accent)
{
  /* The page behind, as far as the text colour tells: white under dark
   * text, Adwaita's dark view under light text. */
  GdkRGBA bg = relative_luminance (fg) < 0.3 ? (GdkRGBA) { 1, 1, 1, 1 }
                                             : (GdkRGBA) { 0.14f, 0.14f, 0.14f, 1 };
  GdkRGBA white = { 1, 1, 1, 1 };
  GdkRGBA dark = relative_luminance (fg) < 0.3 ? *fg : (GdkRGBA) { 0.12f, 0.12f, 0.12f, 1 };
  double size = g->pitch - g->gap;
  double radius = size >= 24 ? 3.0 : 0.0;
  double scale = size >= 56 ? 1.0 : size >= 30 ? PANGO_SCALE_SMALL : PANGO_SCALE_X_SMALL;

  dark.alpha = 1;
  for (gsize r = 0; r < self->k; r++)
    for (gsize c = 0; c < self->k; c++)
      {
        guint64 count = self->counts[r * self->k + c];
        double t = cell_strength (count, self->row_sums[r]);
        graphene_rect_t rect;
        GdkRGBA seen, ink;
        char text[32];
        g_autoptr (PangoLayout) layout = NULL;
        int tw, th;

        cell_rect (g, (int) r, (int) c, &rect);
        rounded_rect (cr, rect.origin.x, rect.origin.y, rect.size.width, rect.size.height,
                      radius);
        cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.05 * fg->alpha);
        cairo_fill_preserve (cr);
        cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, t * accent->alpha);
        cairo_fill (cr);

        if (size < 16)
          continue;
        g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, count);
        layout = small_layout (self, text, scale, r == c);
        pango_layout_get_pixel_size (layout, &tw, &th);
        if (tw > size - 4 || th > size)
          continue;
        seen = mix (&bg, accent, t);
        /* White a little favoured: it reads on the accent in light and dark
         * styles alike, where dark text would win by a hair. */
        ink = 1.25 * contrast (&white, &seen) >= contrast (&dark, &seen) ? white : dark;
        /* Empty cells quieter: their zero says less. */
        cairo_set_source_rgba (cr, ink.red, ink.green, ink.blue, count == 0 ? 0.45 : 1.0);
        cairo_move_to (cr, round (rect.origin.x + (size - tw) / 2),
                       round (rect.origin.y + (size - th) / 2));
        pango_cairo_show_layout (cr, layout);
      }
}

static void
draw_selection (BpConfusionMatrix *self,
                cairo_t           *cr,
                const Geometry    *g,
                const GdkRGBA     *fg,
                const GdkRGBA     *accent)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean focus = gtk_widget_has_visible_focus (widget) || gtk_widget_has_focus (widget);
  graphene_rect_t rect;

  if (self->sel_row < 0)
    {
      if (focus)
        {
          static const double dash[] = { 3, 3 };

          cairo_save (cr);
          cairo_set_dash (cr, dash, 2, 0);
          cairo_set_line_width (cr, 1);
          cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.9);
          cairo_rectangle (cr, g->x0 - 3.5, g->y0 - 3.5, g->pitch * self->k - g->gap + 7,
                           g->pitch * self->k - g->gap + 7);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
      return;
    }
  cell_rect (g, self->sel_row, self->sel_col, &rect);
  cairo_save (cr);
  cairo_set_line_width (cr, 2.5);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.9 * fg->alpha);
  rounded_rect (cr, rect.origin.x - 1.25, rect.origin.y - 1.25, rect.size.width + 2.5,
                rect.size.height + 2.5, rect.size.width >= 24 ? 4 : 0);
  cairo_stroke (cr);
  if (focus)
    {
      cairo_set_line_width (cr, 1.5);
      cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.9);
      rounded_rect (cr, rect.origin.x - 4, rect.origin.y - 4, rect.size.width + 8,
                    rect.size.height + 8, rect.size.width >= 24 ? 6 : 0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
draw_names (BpConfusionMatrix *self,
            cairo_t           *cr,
            const Geometry    *g,
            const GdkRGBA     *fg)
{
  double span = g->pitch * self->k - g->gap;
  double bottom = g->y0 + span;
  int tw, th;

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.85 * fg->alpha);
  for (gsize i = 0; i < self->k; i++)
    {
      double mid = (double) i * g->pitch + (g->pitch - g->gap) / 2;
      g_autoptr (PangoLayout) row = small_layout (self, class_name (self, i),
                                                  PANGO_SCALE_SMALL, FALSE);
      g_autoptr (PangoLayout) col = small_layout (self, class_name (self, i),
                                                  PANGO_SCALE_SMALL, FALSE);

      /* Rows: right-aligned against the cells. Names too long for the
       * room end in an ellipsis. Rows too thin for every name show some. */
      pango_layout_set_width (row, (int) (g->name_w * PANGO_SCALE));
      pango_layout_set_ellipsize (row, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (row, &tw, &th);
      if (th <= g->pitch + 1 || i % (gsize) ceil (th / g->pitch) == 0)
        {
          cairo_move_to (cr, round (g->x0 - LABEL_GAP - tw), round (g->y0 + mid - th / 2.0));
          pango_cairo_show_layout (cr, row);
        }

      if (!g->upright)
        {
          pango_layout_get_pixel_size (col, &tw, &th);
          cairo_move_to (cr, round (g->x0 + mid - tw / 2.0), round (bottom + LABEL_GAP));
          pango_cairo_show_layout (cr, col);
        }
      else
        {
          pango_layout_set_width (col, (int) (g->name_h * PANGO_SCALE));
          pango_layout_set_ellipsize (col, PANGO_ELLIPSIZE_END);
          pango_layout_get_pixel_size (col, &tw, &th);
          if (th > g->pitch + 1 && i % (gsize) ceil (th / g->pitch) != 0)
            continue;
          /* Reading upwards, ending at the cells. */
          cairo_save (cr);
          cairo_translate (cr, round (g->x0 + mid - th / 2.0), round (bottom + LABEL_GAP + tw));
          cairo_rotate (cr, -G_PI / 2);
          pango_cairo_update_layout (cr, col);
          cairo_move_to (cr, 0, 0);
          pango_cairo_show_layout (cr, col);
          cairo_restore (cr);
        }
    }
}

static void
draw_titles (BpConfusionMatrix *self,
             cairo_t           *cr,
             const Geometry    *g,
             const GdkRGBA     *fg)
{
  double span = g->pitch * self->k - g->gap;
  g_autoptr (PangoLayout) truth = small_layout (self, _("True class"), PANGO_SCALE_SMALL, TRUE);
  g_autoptr (PangoLayout) pred = small_layout (self, _("Predicted class"), PANGO_SCALE_SMALL,
                                               TRUE);
  int tw, th;

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7 * fg->alpha);
  pango_layout_get_pixel_size (pred, &tw, &th);
  cairo_move_to (cr, round (g->x0 + (span - tw) / 2),
                 round (g->y0 + span + LABEL_GAP + g->name_h + TITLE_GAP));
  pango_cairo_show_layout (cr, pred);

  pango_layout_get_pixel_size (truth, &tw, &th);
  cairo_save (cr);
  cairo_translate (cr, round (g->x0 - LABEL_GAP - g->name_w - TITLE_GAP - th),
                   round (g->y0 + (span + tw) / 2));
  cairo_rotate (cr, -G_PI / 2);
  pango_cairo_update_layout (cr, truth);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, truth);
  cairo_restore (cr);
}

static void
update_accessible (BpConfusionMatrix *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (self->k == 0)
    g_string_append (text, _("Confusion matrix: no results yet"));
  else
    g_string_append_printf (text, _("Confusion matrix: %" G_GSIZE_FORMAT " classes, "
                                    "accuracy %.1f %%"), self->k,
                            self->total > 0 ? 100.0 * (double) self->correct
                                              / (double) self->total : 0.0);
  if (self->sel_row >= 0)
    g_string_append_printf (text, _("; selected: true %s, predicted %s, %" G_GUINT64_FORMAT
                                    " rows"), class_name (self, (gsize) self->sel_row),
                            class_name (self, (gsize) self->sel_col),
                            self->counts[(gsize) self->sel_row * self->k
                                         + (gsize) self->sel_col]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text->str, -1);
}

static void
set_selection (BpConfusionMatrix *self,
               int                row,
               int                col)
{
  if (row < 0 || col < 0 || self->k == 0)
    row = col = -1;
  row = MIN (row, (int) self->k - 1);
  col = MIN (col, (int) self->k - 1);
  if (row == self->sel_row && col == self->sel_col)
    return;
  self->sel_row = row;
  self->sel_col = col;
  if (row >= 0)
    {
      self->cursor_row = row;
      self->cursor_col = col;
    }
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

static void
pressed_cb (GtkGestureClick   *gesture,
            int                n_press,
            double             x,
            double             y,
            BpConfusionMatrix *self)
{
  int row, col;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (bp_confusion_matrix_cell_at (self, x, y, &row, &col))
    set_selection (self, row, col);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                BpConfusionMatrix     *self)
{
  int dr = 0, dc = 0;

  if (self->k == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dc = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dc = 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dr = -1;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dr = 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      set_selection (self, self->cursor_row, self->cursor_col);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->sel_row < 0)
        return FALSE;
      set_selection (self, -1, -1);
      return TRUE;
    default:
      return FALSE;
    }
  if (self->sel_row < 0)
    set_selection (self, self->cursor_row, self->cursor_col);
  else
    set_selection (self, CLAMP (self->sel_row + dr, 0, (int) self->k - 1),
                   CLAMP (self->sel_col + dc, 0, (int) self->k - 1));
  return TRUE;
}

static gboolean
query_tooltip_cb (GtkWidget         *widget,
                  int                x,
                  int                y,
                  gboolean           keyboard,
                  GtkTooltip        *tooltip,
                  BpConfusionMatrix *self)
{
  g_autofree char *text = NULL;
  guint64 count, row_sum;
  int row, col;

  if (keyboard && self->sel_row >= 0)
    {
      row = self->sel_row;
      col = self->sel_col;
    }
  else if (keyboard || !bp_confusion_matrix_cell_at (self, x, y, &row, &col))
    return FALSE;
  count = self->counts[(gsize) row * self->k + (gsize) col];
  row_sum = self->row_sums[row];
  text = g_strdup_printf (_("True %s, predicted %s: %" G_GUINT64_FORMAT " (%.1f %% of %s)"),
                          class_name (self, (gsize) row), class_name (self, (gsize) col), count,
                          row_sum > 0 ? 100.0 * (double) count / (double) row_sum : 0.0,
                          class_name (self, (gsize) row));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
bp_confusion_matrix_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  BpConfusionMatrix *self = BP_CONFUSION_MATRIX (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA fg, accent;
  Geometry g;
  cairo_t *cr;

  if (self->k == 0 || width < 1 || height < 1)
    return;
  css_colors (self, &fg, &accent);
  compute_geometry (self, width, height, &g);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_cells (self, cr, &g, &fg, &accent);
  draw_selection (self, cr, &g, &fg, &accent);
  draw_names (self, cr, &g, &fg);
  draw_titles (self, cr, &g, &fg);
  cairo_destroy (cr);
}

static void
bp_confusion_matrix_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  BpConfusionMatrix *self = BP_CONFUSION_MATRIX (widget);
  Geometry g;

  *minimum = 200;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 460 : 420;
  if (orientation == GTK_ORIENTATION_VERTICAL && self->k > 0)
    {
      /* As tall as the cells that this width allows, with their names,
       * and no less: squeezed by what is below it (the examples of a
       * cell), it would shrink its cells past their counts; the page
       * scrolls instead. With no width given, as tall as any width
       * makes it (the cells stop growing at MAX_CELL). */
      compute_geometry (self, for_size > 0 ? for_size : 1 << 20, 1 << 20, &g);
      *natural = (int) ceil (g.y0 + g.pitch * self->k + LABEL_GAP + g.name_h + TITLE_GAP
                             + g.title_h + PAD);
      *minimum = *natural;
    }
}

static GtkSizeRequestMode
bp_confusion_matrix_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
bp_confusion_matrix_state_flags_changed (GtkWidget     *widget,
                                         GtkStateFlags  previous)
{
  GTK_WIDGET_CLASS (bp_confusion_matrix_parent_class)->state_flags_changed (widget, previous);
  /* The focus ring follows :focus-visible. */
  if ((previous ^ gtk_widget_get_state_flags (widget))
      & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);
}

static void
bp_confusion_matrix_css_changed (GtkWidget         *widget,
                                 GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bp_confusion_matrix_parent_class)->css_changed (widget, change);
  /* Named colours may have changed without the widget's own. */
  gtk_widget_queue_draw (widget);
}

static void
clear_counts (BpConfusionMatrix *self)
{
  for (gsize i = 0; i < self->k && self->names != NULL; i++)
    g_free (self->names[i]);
  g_clear_pointer (&self->names, g_free);
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->row_sums, g_free);
  self->k = 0;
  self->total = self->correct = 0;
}

static void
bp_confusion_matrix_finalize (GObject *object)
{
  clear_counts (BP_CONFUSION_MATRIX (object));
  G_OBJECT_CLASS (bp_confusion_matrix_parent_class)->finalize (object);
}

static void
bp_confusion_matrix_class_init (BpConfusionMatrixClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bp_confusion_matrix_finalize;
  widget_class->snapshot = bp_confusion_matrix_snapshot;
  widget_class->measure = bp_confusion_matrix_measure;
  widget_class->get_request_mode = bp_confusion_matrix_get_request_mode;
  widget_class->state_flags_changed = bp_confusion_matrix_state_flags_changed;
  widget_class->css_changed = bp_confusion_matrix_css_changed;

  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "confusionmatrix");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bp_confusion_matrix_init (BpConfusionMatrix *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->sel_row = self->sel_col = -1;
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (widget, keys);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Confusion matrix"), -1);
  update_accessible (self);
}

GtkWidget *
bp_confusion_matrix_new (void)
{
  return g_object_new (BP_TYPE_CONFUSION_MATRIX, NULL);
}

void
bp_confusion_matrix_set_counts (BpConfusionMatrix  *self,
                                gsize               k,
                                const guint64      *counts,
                                const char *const  *names)
{
  gboolean same_k;

  g_return_if_fail (BP_IS_CONFUSION_MATRIX (self));
  g_return_if_fail (k == 0 || counts != NULL);
  g_return_if_fail (k <= 4096);

  same_k = k == self->k;
  clear_counts (self);
  if (k > 0)
    {
      self->k = k;
      self->counts = g_memdup2 (counts, k * k * sizeof *counts);
      self->row_sums = g_new0 (guint64, k);
      self->names = g_new0 (char *, k);
      for (gsize r = 0; r < k; r++)
        {
          for (gsize c = 0; c < k; c++)
            self->row_sums[r] += counts[r * k + c];
          self->total += self->row_sums[r];
          self->correct += counts[r * k + r];
          self->names[r] = names != NULL && names[r] != NULL
                           ? g_strdup (names[r]) : g_strdup_printf ("%" G_GSIZE_FORMAT, r);
        }
    }
  if (!same_k)
    {
      self->cursor_row = self->cursor_col = 0;
      if (self->sel_row >= 0)
        {
          self->sel_row = self->sel_col = -1;
          g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
        }
    }
  update_accessible (self);
  /* Its height follows the classes and their names. */
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gsize
bp_confusion_matrix_get_k (BpConfusionMatrix *self)
{
  g_return_val_if_fail (BP_IS_CONFUSION_MATRIX (self), 0);
  return self->k;
}

void
bp_confusion_matrix_select (BpConfusionMatrix *self,
                            int                row,
                            int                col)
{
  g_return_if_fail (BP_IS_CONFUSION_MATRIX (self));
  set_selection (self, row, col);
}

gboolean
bp_confusion_matrix_get_selected (BpConfusionMatrix *self,
                                  int               *row,
                                  int               *col)
{
  g_return_val_if_fail (BP_IS_CONFUSION_MATRIX (self), FALSE);

  if (row != NULL)
    *row = self->sel_row;
  if (col != NULL)
    *col = self->sel_col;
  return self->sel_row >= 0;
}

gboolean
bp_confusion_matrix_cell_at (BpConfusionMatrix *self,
                             double             x,
                             double             y,
                             int               *row,
                             int               *col)
{
  Geometry g;
  double fx, fy;

  g_return_val_if_fail (BP_IS_CONFUSION_MATRIX (self), FALSE);

  if (self->k == 0)
    return FALSE;
  compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                    gtk_widget_get_height (GTK_WIDGET (self)), &g);
  fx = (x - g.x0) / g.pitch;
  fy = (y - g.y0) / g.pitch;
  if (fx < 0 || fy < 0 || fx >= (double) self->k || fy >= (double) self->k)
    return FALSE;
  if (row != NULL)
    *row = (int) fy;
  if (col != NULL)
    *col = (int) fx;
  return TRUE;
}

gboolean
bp_confusion_matrix_get_cell_area (BpConfusionMatrix *self,
                                   int                row,
                                   int                col,
                                   graphene_rect_t   *area)
{
  Geometry g;

  g_return_val_if_fail (BP_IS_CONFUSION_MATRIX (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  if (row < 0 || col < 0 || (gsize) row >= self->k || (gsize) col >= self->k)
    return FALSE;
  compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                    gtk_widget_get_height (GTK_WIDGET (self)), &g);
  cell_rect (&g, row, col, area);
  return TRUE;
}
