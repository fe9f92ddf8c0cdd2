/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the widget tests: GTK under Xvfb (run by meson through
 * xvfb-run), with GTK_A11Y=test and GSK_RENDERER=cairo set by the test
 * environment. */
#pragma once

#include <gtk/gtk.h>
#include <stdlib.h>

/* Initialises the test framework and GTK. Without a display the tests are
 * skipped, saying so, unless CI is set, where that is a failure. Returns
 * whether GTK is usable. */
static inline gboolean
bp_test_init_gtk (int    *argc,
                  char ***argv)
{
  g_test_init (argc, argv, NULL);
  if (gtk_init_check ())
    return TRUE;
  if (g_getenv ("CI") != NULL)
    g_error ("no display for the widget tests (CI is set, so this fails)");
  return FALSE;
}

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

/* Whether a label under @widget shows text starting with @prefix. */
static inline gboolean
bp_test_find_label (GtkWidget  *widget,
                    const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (bp_test_find_label (c, prefix))
      return TRUE;
  return FALSE;
}
