/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_APPLICATION_ID "io.github.backprop.Backprop"

/* The GtkApplication: its windows, the app actions (open, save, save as,
 * about, quit) with their accelerators, and project files, which it reads
 * into a window and writes from one. */
#define BP_TYPE_APPLICATION (bp_application_get_type ())
G_DECLARE_FINAL_TYPE (BpApplication, bp_application, BP, APPLICATION, GtkApplication)

BpApplication *bp_application_new (void);

/* Opens the project file @file in @window (or a new window when NULL),
 * asking first when a run would be lost; errors show in the window. */
void bp_application_open_project (BpApplication *self,
                                  GFile         *file,
                                  GtkWindow     *window);

/* Saves @window's project to @file: NAME.json and NAME.safetensors. */
gboolean bp_application_save_project (BpApplication  *self,
                                      GtkWindow      *window,
                                      GFile          *file,
                                      GError        **error);

G_END_DECLS
