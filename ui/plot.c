/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Spacing in pixels (points in a PDF). */
#define PAD         12.0   /* around everything */
#define TITLE_GAP   10.0   /* below the title row */
#define LABEL_GAP    6.0   /* between tick labels and the plot area */
#define AXIS_GAP     4.0   /* between tick labels and an axis label */
#define LEGEND_SWATCH 16.0
#define LEGEND_GAP  14.0   /* between legend entries */
#define CORNER      40.0   /* kept clear at the title row's right end */
#define MAX_TICKS   16
#define MAX_EXPORT  16384

typedef struct
{
  char     *title;
  char     *x_label;
  char     *y_label;
  gboolean  log_y;

  /* The pointer, in widget coordinates, while it is over the widget. */
  gboolean  pointer_in;
  double    pointer_x;
  double    pointer_y;

  /* Valid during a draw, for the subclass's draw_data. */
  gboolean  drawing;
  gboolean  hover_valid;
  double    hover_x;
  double    hover_y;
  GdkRGBA   fg;
} BpPlotPrivate;

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_X_LABEL,
  PROP_Y_LABEL,
  PROP_LOG_Y,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (bp-plot-error-quark, bp_plot_error)
G_DEFINE_TYPE_WITH_PRIVATE (BpPlot, bp_plot, GTK_TYPE_WIDGET)

/* GNOME's palette (blue 3, orange 3, green 4, purple 3, red 3, yellow 5,
 * brown 3, teal): for themes that define no plot_series_N. Yellow is the
 * darker shade so that it reads on white. */
static const char *const fallback_palette[] = {
  "#3584e4", "#ff7800", "#2ec27e", "#9141ac", "#e01b24", "#e5a50a", "#986a44", "#2190a4",
};

typedef enum
{
  TEXT_NORMAL,
  TEXT_TITLE,
  TEXT_SMALL,
} TextStyle;

/* Everything a draw places, worked out before anything is drawn. */
typedef struct
{
  BpPlotArea   area;
  gboolean     has_bounds;    /* the subclass has data */
  gboolean     has_data;      /* … and the axes could be fitted to it */

  double       x_ticks[MAX_TICKS];
  double       y_ticks[MAX_TICKS];
  gsize        n_x_ticks;
  gsize        n_y_ticks;
  PangoLayout *x_tick_labels[MAX_TICKS];
  PangoLayout *y_tick_labels[MAX_TICKS];

  PangoLayout *title;
  PangoLayout *x_label;
  PangoLayout *y_label;
  double       title_y;
  double       x_label_y;
  double       y_label_x;

  GPtrArray   *legend;        /* PangoLayout per entry */
  GArray      *legend_pos;    /* graphene_point_t per entry: its swatch's left, text top */
} Layout;

/* One draw: where it goes and with what colours. */
typedef struct
{
  cairo_t      *cr;
  PangoContext *pango;
  double        width;
  double        height;
  GdkRGBA       fg;
  gboolean      hover;
} Draw;

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

static void
css_foreground (BpPlot  *self,
                GdkRGBA *color)
{
  /* Deprecated from GTK 4.10 (gtk_widget_get_color), current in 4.8. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static gboolean
css_named_color (BpPlot     *self,
                 const char *name,
                 GdkRGBA    *color)
{
  gboolean found;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                          name, color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return found;
}

/* Sets *@field to a copy of @value; returns whether it changed. */
static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
set_source_alpha (cairo_t       *cr,
                  const GdkRGBA *c,
                  double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* A Pango context for one draw with the widget's font, resolution and,
 * on screen, its font options; vector exports get unhinted metrics so
 * that text is laid out the same at any zoom. */
static PangoContext *
create_pango_context (BpPlot  *self,
                      cairo_t *cr,
                      gboolean vector)
{
  PangoContext *widget_ctx = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoContext *ctx = pango_font_map_create_context (pango_context_get_font_map (widget_ctx));

  pango_context_set_font_description (ctx, pango_context_get_font_description (widget_ctx));
  pango_context_set_language (ctx, pango_context_get_language (widget_ctx));
  pango_context_set_base_dir (ctx, pango_context_get_base_dir (widget_ctx));
  pango_cairo_context_set_resolution (ctx, pango_cairo_context_get_resolution (widget_ctx));
  if (vector)
    {
      cairo_font_options_t *options = cairo_font_options_create ();

      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (ctx, options);
      cairo_font_options_destroy (options);
    }
  else if (pango_cairo_context_get_font_options (widget_ctx) != NULL)
    pango_cairo_context_set_font_options (ctx, pango_cairo_context_get_font_options (widget_ctx));
  if (cr != NULL)
    pango_cairo_update_context (cr, ctx);
  return ctx;
}

static PangoLayout *
text_layout (PangoContext *pango,
             const char   *text,
             TextStyle     style)
{
  PangoLayout *layout = pango_layout_new (pango);
  PangoAttrList *attrs = pango_attr_list_new ();

  switch (style)
    {
    case TEXT_TITLE:
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      break;
    case TEXT_SMALL:
      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      /* Tabular figures keep tick labels from jittering as they change. */
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
      break;
    case TEXT_NORMAL:
    default:
      break;
    }
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *width,
             double      *height)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y)
{
  cairo_move_to (cr, round (x), round (y));
  pango_cairo_show_layout (cr, layout);
}

/* Sets @axis from bounds [lo, hi] (reversed when lo > hi), exactly or fitted. */
static gboolean
axis_from_bounds (bp_axis *axis,
                  double   lo,
                  double   hi,
                  gboolean fit)
{
  gboolean reversed = lo > hi;

  if (reversed)
    {
      double t = lo;

      lo = hi;
      hi = t;
    }
  if (!fit && isfinite (lo) && isfinite (hi) && lo < hi && (!axis->log || lo > 0))
    {
      axis->lo = lo;
      axis->hi = hi;
    }
  else if (!bp_axis_fit (axis, lo, hi))
    return FALSE;
  if (reversed)
    {
      double t = axis->lo;

      axis->lo = axis->hi;
      axis->hi = t;
    }
  return TRUE;
}

static double
tick_step (const double *ticks,
           gsize         n,
           const bp_axis *axis)
{
  if (n >= 2)
    return ticks[1] - ticks[0];
  return fabs (axis->hi - axis->lo);
}

static void
make_tick_labels (PangoContext  *pango,
                  const bp_axis *axis,
                  const double  *ticks,
                  gsize          n,
                  PangoLayout  **labels)
{
  double step = tick_step (ticks, n, axis);

  for (gsize i = 0; i < n; i++)
    {
      char buf[64];

      bp_axis_format (axis, ticks[i], step, buf, sizeof buf);
      labels[i] = text_layout (pango, buf, TEXT_SMALL);
    }
}

static void
clear_tick_labels (PangoLayout **labels,
                   gsize         n)
{
  for (gsize i = 0; i < n; i++)
    g_clear_object (&labels[i]);
}

static void
layout_clear (Layout *lay)
{
  clear_tick_labels (lay->x_tick_labels, lay->n_x_ticks);
  clear_tick_labels (lay->y_tick_labels, lay->n_y_ticks);
  g_clear_object (&lay->title);
  g_clear_object (&lay->x_label);
  g_clear_object (&lay->y_label);
  g_clear_pointer (&lay->legend, g_ptr_array_unref);
  g_clear_pointer (&lay->legend_pos, g_array_unref);
}

/* Places the legend entries, laid out already in @lay->legend, in rows
 * from @x0 to @x1 starting at @y. Returns the height used. */
static double
place_legend (Layout *lay,
              double  x0,
              double  x1,
              double  y)
{
  guint n = lay->legend->len, start = 0;
  double row_y = y;

  g_array_set_size (lay->legend_pos, n);
  while (start < n)
    {
      double row_w = 0, row_h = 0, x = x0;
      guint end = start;

      /* As many entries as fit in the row, at least one. */
      for (; end < n; end++)
        {
          double w, h, entry;

          layout_size (g_ptr_array_index (lay->legend, end), &w, &h);
          entry = LEGEND_SWATCH + 5 + w;
          if (end > start && row_w + LEGEND_GAP + entry > x1 - x0)
            break;
          row_w += (end > start ? LEGEND_GAP : 0) + entry;
          row_h = MAX (row_h, h);
        }
      for (guint i = start; i < end; i++)
        {
          graphene_point_t *p = &g_array_index (lay->legend_pos, graphene_point_t, i);
          double w, h;

          layout_size (g_ptr_array_index (lay->legend, i), &w, &h);
          p->x = x;
          p->y = row_y + (row_h - h) / 2;
          x += LEGEND_SWATCH + 5 + w + LEGEND_GAP;
        }
      row_y += row_h + 2;
      start = end;
    }
  return row_y - y - 2;
}

/* Works out the axes, the plot area and every piece of text for a draw of
 * @width × @height. */
static void
layout_compute (BpPlot       *self,
                PangoContext *pango,
                double        width,
                double        height,
                Layout       *lay)
{
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);
  BpPlotClass *klass = BP_PLOT_GET_CLASS (self);
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  double top = PAD, bottom, left, right, tick_h, y_label_w = 0, widest = 0;
  guint n_legend = klass->n_legend != NULL ? klass->n_legend (self) : 0;

  memset (lay, 0, sizeof *lay);
  lay->area.x_axis = (bp_axis) { .lo = 0, .hi = 1 };
  lay->area.y_axis = (bp_axis) { .lo = 0, .hi = 1, .log = priv->log_y };

  lay->has_bounds = klass->get_bounds != NULL
                    && klass->get_bounds (self, &x_lo, &x_hi, &y_lo, &y_hi);
  if (lay->has_bounds)
    lay->has_data = axis_from_bounds (&lay->area.x_axis, x_lo, x_hi, klass->fit_x)
                    && axis_from_bounds (&lay->area.y_axis, y_lo, y_hi, klass->fit_y);
  if (!lay->has_data)
    {
      lay->area.x_axis = (bp_axis) { .lo = 0, .hi = 1 };
      lay->area.y_axis = priv->log_y ? (bp_axis) { .lo = 1, .hi = 10, .log = TRUE }
                                     : (bp_axis) { .lo = 0, .hi = 1 };
    }

  /* The title row: the title, then the legend beside it when it fits
   * there, else in rows below the title. Both start on the left, and the
   * row keeps its right end clear: the window puts a button there. */
  lay->legend = g_ptr_array_new_with_free_func (g_object_unref);
  lay->legend_pos = g_array_new (FALSE, TRUE, sizeof (graphene_point_t));
  for (guint i = 0; i < n_legend; i++)
    {
      const char *name = NULL;
      GdkRGBA color;
      gboolean dashed = FALSE;

      klass->legend_entry (self, i, &name, &color, &dashed);
      g_ptr_array_add (lay->legend, text_layout (pango, name != NULL ? name : "", TEXT_SMALL));
    }
  if (priv->title != NULL && priv->title[0] != '\0')
    lay->title = text_layout (pango, priv->title, TEXT_TITLE);
  if (lay->title != NULL || n_legend > 0)
    {
      double title_w = 0, title_h = 0, legend_w = 0, row_h;

      if (lay->title != NULL)
        layout_size (lay->title, &title_w, &title_h);
      for (guint i = 0; i < n_legend; i++)
        {
          double w;

          layout_size (g_ptr_array_index (lay->legend, i), &w, NULL);
          legend_w += (i > 0 ? LEGEND_GAP : 0) + LEGEND_SWATCH + 5 + w;
        }
      lay->title_y = top;
      if (n_legend == 0)
        row_h = title_h;
      else if (title_w + 2 * LEGEND_GAP + legend_w <= width - 2 * PAD - CORNER)
        {
          double x0 = PAD + (title_w > 0 ? title_w + 2 * LEGEND_GAP : 0);
          double legend_h = place_legend (lay, x0, width - PAD - CORNER, top);

          row_h = MAX (title_h, legend_h);
          /* Centre the shorter of the two on the row. */
          lay->title_y = top + (row_h - title_h) / 2;
          for (guint i = 0; i < n_legend; i++)
            g_array_index (lay->legend_pos, graphene_point_t, i).y += (row_h - legend_h) / 2;
        }
      else
        {
          double below = top + (title_h > 0 ? title_h + 4 : 0);

          row_h = below - top + place_legend (lay, PAD, width - PAD, below);
        }
      top += row_h + TITLE_GAP;
    }

  /* Bottom: x tick labels, then the x label. */
  {
    PangoLayout *probe = text_layout (pango, "0", TEXT_SMALL);

    layout_size (probe, NULL, &tick_h);
    g_object_unref (probe);
  }
  bottom = PAD + tick_h + LABEL_GAP;
  if (priv->x_label != NULL && priv->x_label[0] != '\0')
    {
      double h;

      lay->x_label = text_layout (pango, priv->x_label, TEXT_SMALL);
      layout_size (lay->x_label, NULL, &h);
      bottom += h + AXIS_GAP;
    }
  lay->area.y = round (top);
  lay->area.height = MAX (1.0, floor (height - bottom - lay->area.y));

  /* Left: the y label turned on its side, then the y tick labels. */
  if (lay->has_data)
    {
      gsize max = (gsize) CLAMP (lay->area.height / (tick_h * 3.2), 2, 10);

      if (klass->y_ticks != NULL)
        lay->n_y_ticks = klass->y_ticks (self, &lay->area.y_axis, max, lay->y_ticks);
      else
        lay->n_y_ticks = bp_axis_ticks (&lay->area.y_axis, max, lay->y_ticks);
      lay->n_y_ticks = MIN (lay->n_y_ticks, MAX_TICKS);
      make_tick_labels (pango, &lay->area.y_axis, lay->y_ticks, lay->n_y_ticks,
                        lay->y_tick_labels);
      for (gsize i = 0; i < lay->n_y_ticks; i++)
        {
          double w;

          layout_size (lay->y_tick_labels[i], &w, NULL);
          widest = MAX (widest, w);
        }
    }
  left = PAD;
  if (priv->y_label != NULL && priv->y_label[0] != '\0')
    {
      lay->y_label = text_layout (pango, priv->y_label, TEXT_SMALL);
      layout_size (lay->y_label, NULL, &y_label_w);
      lay->y_label_x = left;
      left += y_label_w + AXIS_GAP;
    }
  left += (lay->has_data ? widest + LABEL_GAP : 0);
  right = PAD;
  lay->area.x = round (left);
  lay->area.width = MAX (1.0, floor (width - right - lay->area.x));

  /* x ticks: as many as fit with room between their labels. */
  if (lay->has_data)
    {
      gsize max = (gsize) CLAMP (lay->area.width / 100, 3, 10);

      for (int attempt = 0; attempt < 4; attempt++)
        {
          double slot = 0;   /* the widest label and a gap */

          clear_tick_labels (lay->x_tick_labels, lay->n_x_ticks);
          lay->n_x_ticks = MIN (bp_axis_ticks (&lay->area.x_axis, max, lay->x_ticks), MAX_TICKS);
          make_tick_labels (pango, &lay->area.x_axis, lay->x_ticks, lay->n_x_ticks,
                            lay->x_tick_labels);
          for (gsize i = 0; i < lay->n_x_ticks; i++)
            {
              double w;

              layout_size (lay->x_tick_labels[i], &w, NULL);
              slot = MAX (slot, w + 16);
            }
          if (slot * (double) lay->n_x_ticks <= lay->area.width || max <= 2)
            break;
          max = MAX (2, (gsize) (lay->area.width / slot));
        }
    }
  lay->x_label_y = lay->area.y + lay->area.height + LABEL_GAP + tick_h + AXIS_GAP;
}

static void
draw_frame_and_grid (Draw         *d,
                     const Layout *lay)
{
  const BpPlotArea *a = &lay->area;
  cairo_t *cr = d->cr;

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  set_source_alpha (cr, &d->fg, 0.08);
  for (gsize i = 0; i < lay->n_y_ticks; i++)
    {
      double y = bp_axis_to_pixel (&a->y_axis, lay->y_ticks[i], a->y + a->height, a->y);

      /* Whole pixels plus a half, so a 1-px line covers one row. */
      y = floor (y) + 0.5;
      if (y <= a->y + 1 || y >= a->y + a->height - 1)
        continue;
      cairo_move_to (cr, a->x, y);
      cairo_line_to (cr, a->x + a->width, y);
    }
  for (gsize i = 0; i < lay->n_x_ticks; i++)
    {
      double x = floor (bp_axis_to_pixel (&a->x_axis, lay->x_ticks[i], a->x, a->x + a->width)) + 0.5;

      if (x <= a->x + 1 || x >= a->x + a->width - 1)
        continue;
      cairo_move_to (cr, x, a->y);
      cairo_line_to (cr, x, a->y + a->height);
    }
  cairo_stroke (cr);

  set_source_alpha (cr, &d->fg, 0.22);
  cairo_rectangle (cr, a->x + 0.5, a->y + 0.5, a->width - 1, a->height - 1);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_labels (Draw         *d,
             const Layout *lay)
{
  const BpPlotArea *a = &lay->area;
  cairo_t *cr = d->cr;

  set_source_alpha (cr, &d->fg, 0.7);
  for (gsize i = 0; i < lay->n_y_ticks; i++)
    {
      double y = bp_axis_to_pixel (&a->y_axis, lay->y_ticks[i], a->y + a->height, a->y);
      double w, h;

      layout_size (lay->y_tick_labels[i], &w, &h);
      show_text (cr, lay->y_tick_labels[i], a->x - LABEL_GAP - w, y - h / 2);
    }
  for (gsize i = 0; i < lay->n_x_ticks; i++)
    {
      double x = bp_axis_to_pixel (&a->x_axis, lay->x_ticks[i], a->x, a->x + a->width);
      double w, lx;

      layout_size (lay->x_tick_labels[i], &w, NULL);
      /* Kept inside the drawing at either end. */
      lx = CLAMP (x - w / 2, 2, d->width - 2 - w);
      show_text (cr, lay->x_tick_labels[i], lx, a->y + a->height + LABEL_GAP);
    }
  if (lay->x_label != NULL)
    {
      double w;

      layout_size (lay->x_label, &w, NULL);
      show_text (cr, lay->x_label, a->x + (a->width - w) / 2, lay->x_label_y);
    }

  set_source_alpha (cr, &d->fg, 1.0);
  if (lay->title != NULL)
    show_text (cr, lay->title, PAD, lay->title_y);
}

static void
draw_legend (BpPlot       *self,
             Draw         *d,
             const Layout *lay)
{
  BpPlotClass *klass = BP_PLOT_GET_CLASS (self);
  cairo_t *cr = d->cr;

  for (guint i = 0; i < lay->legend->len; i++)
    {
      const graphene_point_t *p = &g_array_index (lay->legend_pos, graphene_point_t, i);
      PangoLayout *text = g_ptr_array_index (lay->legend, i);
      const char *name = NULL;
      GdkRGBA color = { 0, 0, 0, 1 };
      gboolean dashed = FALSE;
      double h, mid;

      klass->legend_entry (self, i, &name, &color, &dashed);
      layout_size (text, NULL, &h);
      mid = round (p->y + h / 2);
      cairo_save (cr);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, 2.5);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      if (dashed)
        {
          static const double dash[] = { 4, 4 };

          cairo_set_dash (cr, dash, 2, 0);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
        }
      cairo_move_to (cr, p->x + 1, mid);
      cairo_line_to (cr, p->x + LEGEND_SWATCH - 1, mid);
      cairo_stroke (cr);
      cairo_restore (cr);
      set_source_alpha (cr, &d->fg, 0.85);
      show_text (cr, text, p->x + LEGEND_SWATCH + 5, p->y);
    }
}

static void
draw_message (Draw         *d,
              const Layout *lay,
              const char   *message)
{
  g_autoptr (PangoLayout) text = text_layout (d->pango, message, TEXT_NORMAL);
  const BpPlotArea *a = &lay->area;
  double w, h;

  layout_size (text, &w, &h);
  set_source_alpha (d->cr, &d->fg, 0.55);
  show_text (d->cr, text, a->x + (a->width - w) / 2, a->y + (a->height - h) / 2);
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   w,
                   double   h,
                   double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* The readout next to the pointer: above and to the right of it, moved
 * to the other side where it would leave the plot area. */
static void
draw_readout (BpPlot       *self,
              Draw         *d,
              const Layout *lay)
{
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);
  g_autofree char *text = bp_plot_describe_point (self, priv->hover_x, priv->hover_y);
  g_autoptr (PangoLayout) layout = NULL;
  const BpPlotArea *a = &lay->area;
  GdkRGBA bg;
  double w, h, bx, by, bw, bh;

  if (text == NULL || text[0] == '\0')
    return;
  layout = text_layout (d->pango, text, TEXT_SMALL);
  layout_size (layout, &w, &h);
  bw = w + 12;
  bh = h + 8;
  bx = priv->pointer_x + 14;
  by = priv->pointer_y - 14 - bh;
  if (bx + bw > a->x + a->width)
    bx = priv->pointer_x - 14 - bw;
  if (by < a->y)
    by = priv->pointer_y + 14;
  bx = round (CLAMP (bx, 1, d->width - bw - 1));
  by = round (CLAMP (by, 1, d->height - bh - 1));

  if (!css_named_color (self, "view_bg_color", &bg)
      && !css_named_color (self, "theme_base_color", &bg))
    bg = luminance (&d->fg) > 0.5 ? (GdkRGBA) { 0.19, 0.19, 0.19, 1 }
                                  : (GdkRGBA) { 1, 1, 1, 1 };
  cairo_save (d->cr);
  rounded_rectangle (d->cr, bx + 0.5, by + 0.5, bw - 1, bh - 1, 5);
  set_source_alpha (d->cr, &bg, 0.94);
  cairo_fill_preserve (d->cr);
  set_source_alpha (d->cr, &d->fg, 0.18);
  cairo_set_line_width (d->cr, 1);
  cairo_stroke (d->cr);
  cairo_restore (d->cr);
  set_source_alpha (d->cr, &d->fg, 1.0);
  show_text (d->cr, layout, bx + 6, by + 4);
}

static void
draw_plot (BpPlot *self,
           Draw   *d)
{
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);
  BpPlotClass *klass = BP_PLOT_GET_CLASS (self);
  Layout lay;
  const BpPlotArea *a;

  layout_compute (self, d->pango, d->width, d->height, &lay);
  a = &lay.area;

  priv->drawing = TRUE;
  priv->fg = d->fg;
  priv->hover_valid = d->hover && priv->pointer_in && lay.has_data
                      && priv->pointer_x >= a->x && priv->pointer_x <= a->x + a->width
                      && priv->pointer_y >= a->y && priv->pointer_y <= a->y + a->height;
  if (priv->hover_valid)
    {
      priv->hover_x = bp_axis_from_pixel (&a->x_axis, priv->pointer_x, a->x, a->x + a->width);
      priv->hover_y = bp_axis_from_pixel (&a->y_axis, priv->pointer_y, a->y + a->height, a->y);
    }

  cairo_save (d->cr);
  draw_frame_and_grid (d, &lay);
  draw_labels (d, &lay);
  draw_legend (self, d, &lay);

  if (lay.has_data && klass->draw_data != NULL)
    {
      cairo_save (d->cr);
      cairo_rectangle (d->cr, a->x, a->y, a->width, a->height);
      cairo_clip (d->cr);
      klass->draw_data (self, d->cr, a);
      cairo_restore (d->cr);
    }
  else if (lay.has_bounds && priv->log_y)
    draw_message (d, &lay, _("Nothing above 0 to show on a log scale"));
  else
    draw_message (d, &lay, _("No data yet"));

  if (priv->hover_valid)
    draw_readout (self, d, &lay);

  /* Last, as turning the text changes the Pango context's matrix. */
  if (lay.y_label != NULL)
    {
      double w, h;

      layout_size (lay.y_label, &w, &h);
      set_source_alpha (d->cr, &d->fg, 0.7);
      cairo_save (d->cr);
      cairo_translate (d->cr, round (lay.y_label_x), round (a->y + (a->height + w) / 2));
      cairo_rotate (d->cr, -G_PI / 2);
      pango_cairo_update_layout (d->cr, lay.y_label);
      cairo_move_to (d->cr, 0, 0);
      pango_cairo_show_layout (d->cr, lay.y_label);
      cairo_restore (d->cr);
    }
  cairo_restore (d->cr);

  priv->drawing = FALSE;
  priv->hover_valid = FALSE;
  layout_clear (&lay);
}

/* Draws into @cr: on screen with the hover readout, or for an export. */
static void
render (BpPlot  *self,
        cairo_t *cr,
        double   width,
        double   height,
        gboolean hover,
        gboolean export,
        gboolean vector)
{
  Draw d = {
    .cr = cr,
    .width = width,
    .height = height,
    .hover = hover,
  };

  css_foreground (self, &d.fg);
  if (export && luminance (&d.fg) > 0.5)
    d.fg = (GdkRGBA) { 0, 0, 0, 0.8 };
  d.pango = create_pango_context (self, cr, vector);
  draw_plot (self, &d);
  g_object_unref (d.pango);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           BpPlot                   *self)
{
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);

  priv->pointer_in = TRUE;
  priv->pointer_x = x;
  priv->pointer_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          BpPlot                   *self)
{
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);

  priv->pointer_in = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_accessible (BpPlot *self)
{
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);
  g_autofree char *description = NULL;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  priv->title != NULL ? priv->title : "",
                                  -1);
  if (priv->y_label != NULL && priv->x_label != NULL)
    description = g_strdup_printf (_("%s by %s"), priv->y_label, priv->x_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "",
                                  -1);
}

static gsize
bp_plot_real_y_ticks (BpPlot        *self,
                      const bp_axis *axis,
                      gsize          max,
                      double        *ticks)
{
  return bp_axis_ticks (axis, max, ticks);
}

static void
bp_plot_snapshot (GtkWidget   *widget,
                  GtkSnapshot *snapshot)
{
  BpPlot *self = BP_PLOT (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  render (self, cr, width, height, TRUE, FALSE, FALSE);
  cairo_destroy (cr);
}

static void
bp_plot_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 400;
    }
  else
    {
      *minimum = 120;
      *natural = 240;
    }
}

static void
bp_plot_css_changed (GtkWidget         *widget,
                     GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bp_plot_parent_class)->css_changed (widget, change);
  /* Named colours may have changed (a dark style) without the widget's own. */
  gtk_widget_queue_draw (widget);
}

static void
bp_plot_finalize (GObject *object)
{
  BpPlotPrivate *priv = bp_plot_get_instance_private (BP_PLOT (object));

  g_free (priv->title);
  g_free (priv->x_label);
  g_free (priv->y_label);
  G_OBJECT_CLASS (bp_plot_parent_class)->finalize (object);
}

static void
bp_plot_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  BpPlot *self = BP_PLOT (object);
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, priv->x_label);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, priv->y_label);
      break;
    case PROP_LOG_Y:
      g_value_set_boolean (value, priv->log_y);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_plot_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  BpPlot *self = BP_PLOT (object);
  BpPlotPrivate *priv = bp_plot_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_TITLE:
      bp_plot_set_title (self, g_value_get_string (value));
      break;
    case PROP_X_LABEL:
      bp_plot_set_labels (self, g_value_get_string (value), priv->y_label);
      break;
    case PROP_Y_LABEL:
      bp_plot_set_labels (self, priv->x_label, g_value_get_string (value));
      break;
    case PROP_LOG_Y:
      bp_plot_set_log_y (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_plot_class_init (BpPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bp_plot_finalize;
  object_class->get_property = bp_plot_get_property;
  object_class->set_property = bp_plot_set_property;

  widget_class->snapshot = bp_plot_snapshot;
  widget_class->measure = bp_plot_measure;
  widget_class->css_changed = bp_plot_css_changed;

  klass->y_ticks = bp_plot_real_y_ticks;
  klass->fit_x = FALSE;
  klass->fit_y = TRUE;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X_LABEL] =
    g_param_spec_string ("x-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y_LABEL] =
    g_param_spec_string ("y-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_Y] =
    g_param_spec_boolean ("log-y", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bp_plot_init (BpPlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  update_accessible (self);
}

const char *
bp_plot_get_title (BpPlot *self)
{
  BpPlotPrivate *priv;

  g_return_val_if_fail (BP_IS_PLOT (self), NULL);
  priv = bp_plot_get_instance_private (self);
  return priv->title;
}

void
bp_plot_set_title (BpPlot     *self,
                   const char *title)
{
  BpPlotPrivate *priv;

  g_return_if_fail (BP_IS_PLOT (self));
  priv = bp_plot_get_instance_private (self);
  if (!set_string (&priv->title, title))
    return;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
bp_plot_set_labels (BpPlot     *self,
                    const char *x_label,
                    const char *y_label)
{
  BpPlotPrivate *priv;
  gboolean x_changed, y_changed;

  g_return_if_fail (BP_IS_PLOT (self));
  priv = bp_plot_get_instance_private (self);
  x_changed = set_string (&priv->x_label, x_label);
  y_changed = set_string (&priv->y_label, y_label);
  if (!x_changed && !y_changed)
    return;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (x_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X_LABEL]);
  if (y_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y_LABEL]);
}

gboolean
bp_plot_get_log_y (BpPlot *self)
{
  BpPlotPrivate *priv;

  g_return_val_if_fail (BP_IS_PLOT (self), FALSE);
  priv = bp_plot_get_instance_private (self);
  return priv->log_y;
}

void
bp_plot_set_log_y (BpPlot   *self,
                   gboolean  log_y)
{
  BpPlotPrivate *priv;

  g_return_if_fail (BP_IS_PLOT (self));
  priv = bp_plot_get_instance_private (self);
  log_y = !!log_y;
  if (priv->log_y == log_y)
    return;
  priv->log_y = log_y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_Y]);
}

void
bp_plot_series_color (BpPlot  *self,
                      guint    i,
                      GdkRGBA *color)
{
  char name[32];

  g_return_if_fail (BP_IS_PLOT (self));
  g_return_if_fail (color != NULL);
  i %= G_N_ELEMENTS (fallback_palette);
  g_snprintf (name, sizeof name, "plot_series_%u", i);
  if (!css_named_color (self, name, color))
    gdk_rgba_parse (color, fallback_palette[i]);
}

void
bp_plot_data_changed (BpPlot *self)
{
  g_return_if_fail (BP_IS_PLOT (self));
  /* The axes are worked out at each draw from the subclass's bounds, and
   * GTK draws at most once a frame however often this is called. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bp_plot_render (BpPlot  *self,
                cairo_t *cr,
                double   width,
                double   height)
{
  cairo_surface_type_t type;

  g_return_if_fail (BP_IS_PLOT (self));
  g_return_if_fail (cr != NULL);
  if (!(width > 0 && height > 0))
    return;
  type = cairo_surface_get_type (cairo_get_target (cr));
  render (self, cr, width, height, FALSE, FALSE,
          type == CAIRO_SURFACE_TYPE_SVG || type == CAIRO_SURFACE_TYPE_PDF);
}

gboolean
bp_plot_get_area (BpPlot     *self,
                  double      width,
                  double      height,
                  BpPlotArea *area)
{
  PangoContext *pango;
  Layout lay;
  gboolean has_data;

  g_return_val_if_fail (BP_IS_PLOT (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);
  pango = create_pango_context (self, NULL, FALSE);
  layout_compute (self, pango, width, height, &lay);
  *area = lay.area;
  has_data = lay.has_data;
  layout_clear (&lay);
  g_object_unref (pango);
  return has_data;
}

char *
bp_plot_describe_point (BpPlot *self,
                        double  x,
                        double  y)
{
  BpPlotClass *klass;

  g_return_val_if_fail (BP_IS_PLOT (self), NULL);
  klass = BP_PLOT_GET_CLASS (self);
  if (klass->describe_point == NULL)
    return NULL;
  return klass->describe_point (self, x, y);
}

gboolean
bp_plot_get_hover (BpPlot *self,
                   double *x,
                   double *y)
{
  BpPlotPrivate *priv;

  g_return_val_if_fail (BP_IS_PLOT (self), FALSE);
  priv = bp_plot_get_instance_private (self);
  if (!priv->drawing || !priv->hover_valid)
    return FALSE;
  if (x != NULL)
    *x = priv->hover_x;
  if (y != NULL)
    *y = priv->hover_y;
  return TRUE;
}

void
bp_plot_get_foreground (BpPlot  *self,
                        GdkRGBA *color)
{
  BpPlotPrivate *priv;

  g_return_if_fail (BP_IS_PLOT (self));
  g_return_if_fail (color != NULL);
  priv = bp_plot_get_instance_private (self);
  if (priv->drawing)
    *color = priv->fg;
  else
    css_foreground (self, color);
}

typedef struct
{
  GOutputStream *out;
  GError        *error;
} Writer;

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  Writer *w = closure;

  if (w->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (w->out, data, length, NULL, NULL, &w->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
bp_plot_export (BpPlot        *self,
                const char    *path,
                BpPlotFormat   format,
                int            width,
                int            height,
                GError       **error)
{
  return bp_plot_export_scaled (self, path, format, width, height, 1.0, error);
}

gboolean
bp_plot_export_scaled (BpPlot        *self,
                       const char    *path,
                       BpPlotFormat   format,
                       int            width,
                       int            height,
                       double         scale,
                       GError       **error)
{
  BpPlotPrivate *priv;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GCancellable) cancellable = NULL;
  g_autoptr (GFileOutputStream) out = NULL;
  Writer w = { 0 };
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  cairo_t *cr;
  int file_w, file_h;

  g_return_val_if_fail (BP_IS_PLOT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (format <= BP_PLOT_FORMAT_PDF, FALSE);
  g_return_val_if_fail (scale > 0 && scale <= 16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  priv = bp_plot_get_instance_private (self);

  file_w = (int) round (width * scale);
  file_h = (int) round (height * scale);
  if (width < 1 || height < 1 || file_w < 1 || file_h < 1
      || file_w > MAX_EXPORT || file_h > MAX_EXPORT)
    {
      g_set_error (error, BP_PLOT_ERROR, BP_PLOT_ERROR_SIZE,
                   _("Cannot export “%s” at %d × %d: each side must be 1 to %d"),
                   path, file_w, file_h, MAX_EXPORT);
      return FALSE;
    }

  /* Written to a temporary file that replaces @path only when complete. */
  file = g_file_new_for_path (path);
  cancellable = g_cancellable_new ();
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, error);
  if (out == NULL)
    return FALSE;
  w.out = G_OUTPUT_STREAM (out);

  switch (format)
    {
    case BP_PLOT_FORMAT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, file_w, file_h);
      break;
    case BP_PLOT_FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (write_cb, &w, file_w, file_h);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;
    case BP_PLOT_FORMAT_PDF:
    default:
      surface = cairo_pdf_surface_create_for_stream (write_cb, &w, file_w, file_h);
      if (priv->title != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, priv->title);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Backprop");
      break;
    }

  cr = cairo_create (surface);
  if (format == BP_PLOT_FORMAT_PNG)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
    }
  cairo_scale (cr, (double) file_w / width, (double) file_h / height);
  render (self, cr, width, height, FALSE, TRUE, format != BP_PLOT_FORMAT_PNG);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == BP_PLOT_FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_cb, &w);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (w.error != NULL || status != CAIRO_STATUS_SUCCESS)
    {
      /* Cancelled, the stream drops its temporary file and leaves @path be. */
      g_cancellable_cancel (cancellable);
      g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, NULL);
      if (w.error != NULL)
        g_propagate_prefixed_error (error, w.error, _("Could not write “%s”: "), path);
      else
        g_set_error (error, BP_PLOT_ERROR, BP_PLOT_ERROR_DRAW, _("Could not write “%s”: %s"),
                     path, cairo_status_to_string (status));
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

gboolean
bp_plot_format_from_path (const char   *path,
                          BpPlotFormat *format)
{
  static const struct
  {
    const char  *ext;
    BpPlotFormat format;
  } known[] = {
    { ".png", BP_PLOT_FORMAT_PNG },
    { ".svg", BP_PLOT_FORMAT_SVG },
    { ".pdf", BP_PLOT_FORMAT_PDF },
  };
  const char *dot;

  g_return_val_if_fail (path != NULL, FALSE);
  dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_ascii_strcasecmp (dot, known[i].ext) == 0)
      {
        if (format != NULL)
          *format = known[i].format;
        return TRUE;
      }
  return FALSE;
}
