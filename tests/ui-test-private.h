/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the widget tests: GTK under Xvfb (run by meson through
 * xvfb-run), with GTK_A11Y=test and GSK_RENDERER=cairo set by the test
 * environment. */
#pragma once

#include <gtk/gtk.h>
#include <stdlib.h>

#include "plot.h"

/* Whether bp_test_init_gtk found a display. */
static gboolean bp_test_have_gtk;

/* Initialises the test framework and GTK. Without a display the tests are
 * skipped, saying so, unless CI is set, where that is a failure. Returns
 * whether GTK is usable. */
static inline gboolean
bp_test_init_gtk (int    *argc,
                  char ***argv)
{
  g_test_init (argc, argv, NULL);
  bp_test_have_gtk = gtk_init_check ();
  if (bp_test_have_gtk)
    return TRUE;
  if (g_getenv ("CI") != NULL)
    g_error ("no display for the widget tests (CI is set, so this fails)");
  return FALSE;
}

/* At the top of a test: skips it, saying why, without a display. */
#define BP_TEST_REQUIRE_GTK()                           \
  G_STMT_START                                          \
  {                                                     \
    if (!bp_test_have_gtk)                              \
      {                                                 \
        g_test_skip ("no display for GTK");             \
        return;                                         \
      }                                                 \
  }                                                     \
  G_STMT_END

/* Runs the main loop until @done is set or @seconds pass; returns @done. */
static inline gboolean
bp_test_wait (const gboolean *done,
              double          seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!*done && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return *done;
}

/* Iterates the main loop for about @ms milliseconds. */
static inline void
bp_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Renders @widget (shown in a window of @width × @height) to a Cairo image
 * through GTK's own snapshot, for tests on pixels. Caller destroys. */
static inline cairo_surface_t *
bp_test_render (GtkWidget *widget,
                int        width,
                int        height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  cairo_surface_t *surface;
  cairo_t *cr;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (node != NULL)
    {
      gsk_render_node_draw (node, cr);
      gsk_render_node_unref (node);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* A pixel of a rendering with the alpha taken out: each channel in [0, 1]. */
typedef struct
{
  double r, g, b, a;
} BpTestPixel;

/* The pixel at (@x, @y) of an ARGB32 @surface, which cairo keeps
 * premultiplied; transparent black outside the surface. */
static inline BpTestPixel
bp_test_pixel_at (cairo_surface_t *surface,
                  int              x,
                  int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 v;
  BpTestPixel p = { 0 };

  if (x < 0 || y < 0 || x >= cairo_image_surface_get_width (surface)
      || y >= cairo_image_surface_get_height (surface))
    return p;
  v = *(const guint32 *) (const void *) (data + (gsize) y * cairo_image_surface_get_stride (surface)
                                         + 4 * (gsize) x);
  p.a = (v >> 24) / 255.0;
  if (p.a > 0)
    {
      p.r = ((v >> 16) & 0xff) / 255.0 / p.a;
      p.g = ((v >> 8) & 0xff) / 255.0 / p.a;
      p.b = (v & 0xff) / 255.0 / p.a;
    }
  return p;
}

/* The pixel column of value @v in plot area @a. */
static inline double
bp_test_data_x (const BpPlotArea *a,
                double            v)
{
  return bp_axis_to_pixel (&a->x_axis, v, a->x, a->x + a->width);
}

/* The pixel row of value @v in plot area @a (up is larger). */
static inline double
bp_test_data_y (const BpPlotArea *a,
                double            v)
{
  return bp_axis_to_pixel (&a->y_axis, v, a->y + a->height, a->y);
}

/* Whether @widget is what @what describes (a type, a name, …). */
typedef gboolean (*BpTestMatchFunc) (GtkWidget    *widget,
                                     gconstpointer what);

/* The first widget at or under @root, depth first, that @match says is
 * @what; NULL if none. */
static inline GtkWidget *
bp_test_find (GtkWidget       *root,
              BpTestMatchFunc  match,
              gconstpointer    what)
{
  if (match (root, what))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = bp_test_find (c, match, what);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
bp_test_is_type (GtkWidget    *widget,
                 gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, (GType) GPOINTER_TO_SIZE (type));
}

/* The first widget of @type at or under @root; NULL if none. */
static inline GtkWidget *
bp_test_find_type (GtkWidget *root,
                   GType      type)
{
  return bp_test_find (root, bp_test_is_type, GSIZE_TO_POINTER (type));
}

static inline gboolean
bp_test_is_named (GtkWidget    *widget,
                  gconstpointer name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

/* The first widget named @name (gtk_widget_set_name) at or under @root;
 * NULL if none. */
static inline GtkWidget *
bp_test_find_name (GtkWidget  *root,
                   const char *name)
{
  return bp_test_find (root, bp_test_is_named, name);
}

static inline gboolean
bp_test_is_label_with_prefix (GtkWidget    *widget,
                              gconstpointer prefix)
{
  return GTK_IS_LABEL (widget)
         && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

/* Whether a label under @widget shows text starting with @prefix. */
static inline gboolean
bp_test_find_label (GtkWidget  *widget,
                    const char *prefix)
{
  return bp_test_find (widget, bp_test_is_label_with_prefix, prefix) != NULL;
}
