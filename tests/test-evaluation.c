/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Evaluation tab under Xvfb: what it shows must be what nn_evaluate
 * says of the same weights on the same rows; the heatmap must be drawn in
 * the accent colour, darker where the counts are; a cell's examples must
 * be the rows in that cell; updates must coalesce and stale results must
 * never show. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "confusion-matrix.h"
#include "eval-test-private.h"
#include "evaluation-view.h"
#include "scatter-plot.h"
#include "thumbnail-grid.h"

#define WIDTH 1000
#define HEIGHT 700

/* A 28 × 28 IDX set made by the tests: class c is a bright band across
 * rows 9c … 9c + 8, so a hand-made linear model classifies it exactly. */
#define SIDE 28
#define BAND 9
#define IDX_CLASSES 3
#define IDX_TRAIN 30
#define IDX_TEST 12

/* ---- Helpers ------------------------------------------------------------ */

static const char *
label_text (GtkWidget  *view,
            const char *name)
{
  GtkWidget *label = bp_test_find_name (view, name);

  g_assert_nonnull (label);
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static BpConfusionMatrix *
get_matrix (GtkWidget *view)
{
  GtkWidget *matrix = bp_test_find_type (view, BP_TYPE_CONFUSION_MATRIX);

  g_assert_nonnull (matrix);
  return BP_CONFUSION_MATRIX (matrix);
}

/* Channels of a pixel of a premultiplied ARGB32 surface drawn over white. */
static void
pixel_over_white (cairo_surface_t *surface,
                  int              x,
                  int              y,
                  double          *rgb)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 v = *(const guint32 *) (const void *) (data + (gsize) y
                                                 * cairo_image_surface_get_stride (surface)
                                                 + 4 * (gsize) x);
  double a = (v >> 24) / 255.0;

  rgb[0] = ((v >> 16) & 0xff) / 255.0 + 1 - a;
  rgb[1] = ((v >> 8) & 0xff) / 255.0 + 1 - a;
  rgb[2] = (v & 0xff) / 255.0 + 1 - a;
}

static double
luminance (const double *rgb)
{
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return GTK_EVENT_CONTROLLER (c);
    }
  g_assert_not_reached ();
  return NULL;
}

static gboolean
press_key (BpConfusionMatrix *matrix,
           guint              keyval)
{
  GtkEventController *keys = find_controller (GTK_WIDGET (matrix), GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  return handled;
}

static void
click_cell (BpConfusionMatrix *matrix,
            int                row,
            int                col)
{
  GtkEventController *click = find_controller (GTK_WIDGET (matrix), GTK_TYPE_GESTURE_CLICK);
  graphene_rect_t r;

  g_assert_true (bp_confusion_matrix_get_cell_area (matrix, row, col, &r));
  g_signal_emit_by_name (click, "pressed", 1, (double) (r.origin.x + r.size.width / 2),
                         (double) (r.origin.y + r.size.height / 2));
}

/* ---- A small image set -------------------------------------------------- */

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  guint8 be[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  g_byte_array_append (out, be, 4);
}

/* Writes @n images and labels to @dir as the IDX pair @prefix; image i is
 * labelled i % 3 and shows the band of class @band (i). */
static void
write_idx (const char *dir,
           const char *prefix,
           guint       n,
           guint     (*band) (guint i))
{
  g_autoptr (GByteArray) images = g_byte_array_new ();
  g_autoptr (GByteArray) labels = g_byte_array_new ();
  g_autofree char *images_path = g_strdup_printf ("%s/%s-images-idx3-ubyte", dir, prefix);
  g_autofree char *labels_path = g_strdup_printf ("%s/%s-labels-idx1-ubyte", dir, prefix);
  g_autoptr (GError) error = NULL;
  const guint8 image_magic[4] = { 0, 0, 0x08, 3 }, label_magic[4] = { 0, 0, 0x08, 1 };

  g_byte_array_append (images, image_magic, 4);
  put_u32 (images, n);
  put_u32 (images, SIDE);
  put_u32 (images, SIDE);
  g_byte_array_append (labels, label_magic, 4);
  put_u32 (labels, n);
  for (guint i = 0; i < n; i++)
    {
      guint8 label = (guint8) (i % IDX_CLASSES);

      for (guint r = 0; r < SIDE; r++)
        for (guint c = 0; c < SIDE; c++)
          {
            guint8 v = r / BAND == band (i) ? 255 : 0;

            g_byte_array_append (images, &v, 1);
          }
      g_byte_array_append (labels, &label, 1);
    }
  g_assert_true (g_file_set_contents (images_path, (const char *) images->data, images->len,
                                      &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (labels_path, (const char *) labels->data, labels->len,
                                      &error));
  g_assert_no_error (error);
}

static guint
band_of_label (guint i)
{
  return i % IDX_CLASSES;
}

/* Test rows 0 and 3 (class 0) show class 1's band: two rows in the cell
 * (true 0, predicted 1). */
static guint
band_with_mistakes (guint i)
{
  return i == 0 || i == 3 ? 1 : i % IDX_CLASSES;
}

static char *
make_image_set (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("bp-evaluation-XXXXXX", &error);

  g_assert_no_error (error);
  write_idx (dir, "train", IDX_TRAIN, band_of_label);
  write_idx (dir, "t10k", IDX_TEST, band_with_mistakes);
  return dir;
}

static void
remove_image_set (char *dir)
{
  static const char *const names[] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
  g_free (dir);
}

/* A linear model that gives each class the sum of its band's pixels. */
static nn_model *
band_model (nn_model_spec *spec)
{
  nn_error err = { 0 };
  nn_model *model;
  float *w;

  nn_model_spec_init (spec);
  spec->inputs = SIDE * SIDE;
  spec->loss = NN_LOSS_CE;
  g_assert_cmpint (nn_model_spec_parse_layers (spec, "dense:3", &err), ==, NN_OK);
  model = nn_model_new (spec, 1024, &err);
  g_assert_nonnull (model);
  g_assert_cmpuint (nn_model_n_params (model), ==, IDX_CLASSES * SIDE * SIDE + IDX_CLASSES);
  w = nn_model_params (model);
  memset (w, 0, nn_model_n_params (model) * sizeof *w);
  /* Weights [out, in] as torch stores them, then the biases (0). */
  for (guint c = 0; c < IDX_CLASSES; c++)
    for (guint j = 0; j < SIDE * SIDE; j++)
      w[c * SIDE * SIDE + j] = (j / SIDE) / BAND == c ? 1.0f : 0.0f;
  return model;
}

/* ---- Tests -------------------------------------------------------------- */

/* No data, data without results, and data with results: the empty note,
 * then the matrix. */
static void
test_empty (void)
{
  GtkWidget *view, *window;
  g_autoptr (BpData) data = NULL;

  BP_TEST_REQUIRE_GTK ();
  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "empty");
  g_assert_cmpstr (label_text (view, "empty"), ==,
                   "Train the model to see how it does on the test part");
  g_assert_false (bp_evaluation_view_is_busy (BP_EVALUATION_VIEW (view)));

  data = bp_test_load ("spiral");
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "empty");
  g_assert_cmpuint (bp_confusion_matrix_get_k (get_matrix (view)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Spiral, trained briefly: the accuracy, loss and per-class figures are
 * nn_evaluate's on the test part; the heatmap is in the accent colour,
 * each diagonal cell darker than the others of its row. */
static void
test_spiral (void)
{
  g_autoptr (BpData) data = bp_test_load ("spiral");
  GtkWidget *view, *window;
  BpConfusionMatrix *matrix;
  nn_class_metrics *cm;
  nn_model_spec spec;
  nn_model *model;
  g_autofree char *accuracy = NULL;
  g_autofree char *f1 = NULL;
  g_autofree char *description = NULL;
  cairo_surface_t *surface;
  GdkRGBA accent;
  double loss;
  char loss_text[64];
  gsize k = bp_data_get_k (data);
  int w, h;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (data, "dense:32:relu,dense:32:relu,dense:3", 30, &spec);
  cm = bp_test_reference_classes (data, model, &loss);
  /* The run must have learnt something for the shading test to mean it. */
  g_assert_cmpfloat (cm->accuracy, >, 0.9);

  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_test_update (view, &spec, model);
  g_assert_true (bp_evaluation_view_is_busy (BP_EVALUATION_VIEW (view)));
  bp_test_wait_idle (view);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "classification");

  accuracy = g_strdup_printf ("%.1f %%", 100.0 * cm->accuracy);
  g_assert_cmpstr (label_text (view, "accuracy"), ==, accuracy);
  bp_format_value (loss, 4, loss_text, sizeof loss_text);
  {
    g_autofree char *expected = g_strdup_printf ("loss %s", loss_text);

    g_assert_cmpstr (label_text (view, "loss"), ==, expected);
  }
  /* The table: a row per class, the macro averages after a line. */
  {
    GtkGrid *table = GTK_GRID (bp_test_find_name (view, "class-metrics"));

    for (gsize c = 0; c < k; c++)
      {
        g_autofree char *recall = g_strdup_printf ("%.3f", cm->recall[c]);
        g_autofree char *support = g_strdup_printf ("%zu", cm->support[c]);

        g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (table, 2,
                                                                                (int) c + 1))),
                         ==, recall);
        g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (table, 4,
                                                                                (int) c + 1))),
                         ==, support);
      }
    f1 = g_strdup_printf ("%.3f", cm->macro_f1);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (table, 3,
                                                                            (int) k + 2))),
                     ==, f1);
  }

  matrix = get_matrix (view);
  g_assert_cmpuint (bp_confusion_matrix_get_k (matrix), ==, k);
  description = g_strdup_printf ("Confusion matrix: %zu classes, accuracy %.1f %%", k,
                                 100.0 * cm->accuracy);
  gtk_test_accessible_assert_property (matrix, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       description);

  /* Pixels: 5 px inside each cell's top-left corner (clear of the rounded
   * corner and of the centred count). */
  w = gtk_widget_get_width (GTK_WIDGET (matrix));
  h = gtk_widget_get_height (GTK_WIDGET (matrix));
  surface = bp_test_render (GTK_WIDGET (matrix), w, h);
  g_assert_true (gdk_rgba_parse (&accent, "#3584e4"));
  for (gsize r = 0; r < k; r++)
    {
      double diag[3];
      graphene_rect_t rect;

      g_assert_true (bp_confusion_matrix_get_cell_area (matrix, (int) r, (int) r, &rect));
      pixel_over_white (surface, (int) rect.origin.x + 5, (int) rect.origin.y + 5, diag);
      /* A recall above 0.9 fills the cell with the accent to within 10 %. */
      if (cm->recall[r] > 0.9)
        {
          g_assert_cmpfloat (fabs (diag[0] - accent.red), <, 0.12);
          g_assert_cmpfloat (fabs (diag[1] - accent.green), <, 0.12);
          g_assert_cmpfloat (fabs (diag[2] - accent.blue), <, 0.12);
        }
      for (gsize c = 0; c < k; c++)
        {
          double off[3];

          if (c == r)
            continue;
          g_assert_true (bp_confusion_matrix_get_cell_area (matrix, (int) r, (int) c, &rect));
          pixel_over_white (surface, (int) rect.origin.x + 5, (int) rect.origin.y + 5, off);
          g_assert_cmpfloat (luminance (diag), <, luminance (off) - 0.2);
        }
    }
  cairo_surface_destroy (surface);

  nn_class_metrics_free (cm);
  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Clicking a cell selects it; the arrow keys move the selection, Escape
 * clears it and Enter brings it back. */
static void
test_select (void)
{
  g_autoptr (BpData) data = bp_test_load ("spiral");
  GtkWidget *view, *window;
  BpConfusionMatrix *matrix;
  nn_model_spec spec;
  nn_model *model;
  int row, col;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (data, "dense:8:relu,dense:3", 0, &spec);
  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  matrix = get_matrix (view);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (matrix)));
  g_assert_false (bp_confusion_matrix_get_selected (matrix, NULL, NULL));

  click_cell (matrix, 1, 2);
  g_assert_true (bp_confusion_matrix_get_selected (matrix, &row, &col));
  g_assert_cmpint (row, ==, 1);
  g_assert_cmpint (col, ==, 2);
  /* Not images: the cell's count in words, no thumbnails. */
  {
    GtkWidget *flow = bp_test_find_name (view, "thumbnails");
    GtkWidget *title = gtk_widget_get_prev_sibling (flow);
    nn_class_metrics *cm;
    double loss;
    g_autofree char *expected = NULL;

    cm = bp_test_reference_classes (data, model, &loss);
    expected = g_strdup_printf ("True 1, predicted 2: %" G_GUINT64_FORMAT " row%s",
                                cm->confusion[1 * 3 + 2], cm->confusion[1 * 3 + 2] == 1 ? "" : "s");
    g_assert_true (gtk_widget_is_visible (title));
    g_assert_false (gtk_widget_get_visible (flow));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==, expected);
    nn_class_metrics_free (cm);
  }

  g_assert_true (press_key (matrix, GDK_KEY_Left));
  g_assert_true (press_key (matrix, GDK_KEY_Down));
  g_assert_true (press_key (matrix, GDK_KEY_Down));  /* stops at the edge */
  g_assert_true (bp_confusion_matrix_get_selected (matrix, &row, &col));
  g_assert_cmpint (row, ==, 2);
  g_assert_cmpint (col, ==, 1);

  g_assert_true (press_key (matrix, GDK_KEY_Escape));
  g_assert_false (bp_confusion_matrix_get_selected (matrix, NULL, NULL));
  g_assert_false (press_key (matrix, GDK_KEY_a));
  g_assert_true (press_key (matrix, GDK_KEY_Return));
  g_assert_true (bp_confusion_matrix_get_selected (matrix, &row, &col));
  g_assert_cmpint (row, ==, 2);
  g_assert_cmpint (col, ==, 1);

  /* A new result of the same classes keeps the selection. */
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  g_assert_true (bp_confusion_matrix_get_selected (matrix, &row, &col));
  g_assert_cmpint (row, ==, 2);

  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
nth_thumbnail (GtkWidget *grid,
               guint      i)
{
  return bp_thumbnail_grid_get_image (BP_THUMBNAIL_GRID (grid), i);
}

static guint
count_thumbnails (GtkWidget *grid)
{
  return bp_thumbnail_grid_get_n_images (BP_THUMBNAIL_GRID (grid));
}

/* Image data: a cell's examples are the test rows in that cell, drawn
 * 56 px wide from their 28 pixels, each labelled with its classes. */
static void
test_thumbnails (void)
{
  char *dir = make_image_set ();
  g_autoptr (BpData) data = bp_test_load (dir);
  GtkWidget *view, *window, *flow;
  BpConfusionMatrix *matrix;
  nn_class_metrics *cm;
  nn_model_spec spec;
  nn_model *model;
  double loss;

  BP_TEST_REQUIRE_GTK ();
  g_assert_cmpuint (bp_data_get_features (data), ==, SIDE * SIDE);
  g_assert_cmpuint (bp_data_get_test (data).n, ==, IDX_TEST);
  model = band_model (&spec);
  cm = bp_test_reference_classes (data, model, &loss);
  g_assert_cmpuint (cm->confusion[0 * IDX_CLASSES + 1], ==, 2);
  g_assert_cmpuint (cm->confusion[1 * IDX_CLASSES + 1], ==, IDX_TEST / IDX_CLASSES);

  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  flow = bp_test_find_name (view, "thumbnails");
  g_assert_nonnull (flow);
  g_assert_cmpuint (count_thumbnails (flow), ==, 0);

  matrix = get_matrix (view);
  click_cell (matrix, 0, 1);
  g_assert_cmpuint (count_thumbnails (flow), ==, 2);
  g_assert_true (gtk_widget_get_visible (flow));
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *picture = nth_thumbnail (flow, i);
      GdkPaintable *paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
      guchar *pixels = g_malloc (56 * 56 * 4);

      g_assert_cmpstr (gtk_widget_get_tooltip_text (picture), ==, "true 0, predicted 1");
      gtk_test_accessible_assert_property (picture, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                           "true 0, predicted 1");
      g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 56);
      g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 56);
      /* Class 1's band (image rows 9 … 17, thumbnail rows 18 … 35) is white,
       * the rest black. */
      gdk_texture_download (GDK_TEXTURE (paintable), pixels, 56 * 4);
      g_assert_cmpuint (pixels[(26 * 56 + 30) * 4 + 1], ==, 255);
      g_assert_cmpuint (pixels[(4 * 56 + 30) * 4 + 1], ==, 0);
      g_assert_cmpuint (pixels[(50 * 56 + 30) * 4 + 1], ==, 0);
      g_free (pixels);
    }
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_prev_sibling (flow))), ==,
                   "True 0, predicted 1: 2 rows");

  /* The diagonal: the rows classified right. */
  g_assert_true (press_key (matrix, GDK_KEY_Down));
  g_assert_cmpuint (count_thumbnails (flow), ==, IDX_TEST / IDX_CLASSES);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (nth_thumbnail (flow, 0)), ==,
                   "true 1, predicted 1");

  /* An empty cell shows none; no selection, none. */
  bp_confusion_matrix_select (matrix, 2, 0);
  g_assert_cmpuint (count_thumbnails (flow), ==, 0);
  bp_confusion_matrix_select (matrix, -1, -1);
  g_assert_cmpuint (count_thumbnails (flow), ==, 0);

  nn_class_metrics_free (cm);
  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
  remove_image_set (dir);
}

/* Fashion-MNIST, where installed: thumbnails are named by class name. */
static void
test_fashion_mnist (void)
{
  g_autoptr (BpData) data = NULL;
  GtkWidget *view, *window, *flow;
  nn_model_spec spec;
  nn_model *model;
  nn_class_metrics *cm;
  double loss;
  guint64 count;

  BP_TEST_REQUIRE_GTK ();
  if (!g_file_test ("/usr/share/datasets/fashion-mnist", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)");
      return;
    }
  data = bp_test_load ("fashion-mnist");
  model = bp_test_train (data, "dense:10", 1, &spec);
  cm = bp_test_reference_classes (data, model, &loss);
  count = cm->confusion[6 * 10 + 0];

  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  {
    g_autofree char *accuracy = g_strdup_printf ("%.1f %%", 100.0 * cm->accuracy);

    g_assert_cmpstr (label_text (view, "accuracy"), ==, accuracy);
  }
  flow = bp_test_find_name (view, "thumbnails");
  bp_confusion_matrix_select (get_matrix (view), 6, 0);
  g_assert_cmpuint (count_thumbnails (flow), ==, MIN (count, 48));
  if (count > 0)
    g_assert_cmpstr (gtk_widget_get_tooltip_text (nth_thumbnail (flow, 0)), ==,
                     "true Shirt, predicted T-shirt/top");

  nn_class_metrics_free (cm);
  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Sine: MSE, MAE and R² are nn_evaluate's; both plots have points. */
static void
test_regression (void)
{
  g_autoptr (BpData) data = bp_test_load ("sine");
  nn_dataset test = bp_data_get_test (data);
  GtkWidget *view, *window;
  nn_regression_metrics *rm;
  nn_model_spec spec;
  nn_model *model;
  nn_error err = { 0 };
  GtkWidget *plot;
  BpPlotArea area;
  double loss;
  char text[64];

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (data, "dense:16:tanh,dense:16:tanh,dense:1", 20, &spec);
  rm = nn_regression_metrics_new (1, &err);
  g_assert_nonnull (rm);
  g_assert_cmpint (nn_evaluate (model, &test, &loss, NULL, rm, &err), ==, NN_OK);
  nn_regression_metrics_finish (rm);

  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "regression");
  bp_format_value (rm->mse, 4, text, sizeof text);
  g_assert_cmpstr (label_text (view, "mse"), ==, text);
  bp_format_value (rm->mae, 4, text, sizeof text);
  g_assert_cmpstr (label_text (view, "mae"), ==, text);
  bp_format_value (rm->r2, 4, text, sizeof text);
  g_assert_cmpstr (label_text (view, "r2"), ==, text);
  g_assert_cmpfloat (rm->r2, >, 0.5);

  plot = bp_test_find_type (view, BP_TYPE_SCATTER_PLOT);
  g_assert_nonnull (plot);
  g_assert_true (bp_plot_get_area (BP_PLOT (plot), 400, 300, &area));
  /* Predicted against actual: the same range on both axes. */
  g_assert_cmpfloat (area.x_axis.lo, ==, area.y_axis.lo);
  g_assert_cmpfloat (area.x_axis.hi, ==, area.y_axis.hi);

  nn_regression_metrics_free (rm);
  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Clearing forgets the results; a result computed before a clear or a
 * new data set never shows; without data, updates do nothing. */
static void
test_clear (void)
{
  g_autoptr (BpData) spiral = bp_test_load ("spiral");
  g_autoptr (BpData) moons = bp_test_load ("moons");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (spiral, "dense:8:relu,dense:3", 0, &spec);
  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), spiral);
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "classification");

  bp_evaluation_view_clear (BP_EVALUATION_VIEW (view));
  g_assert_cmpstr (bp_test_visible_page (view), ==, "empty");
  g_assert_cmpuint (bp_confusion_matrix_get_k (get_matrix (view)), ==, 0);

  /* Stale: cleared while it ran. */
  bp_test_update (view, &spec, model);
  bp_evaluation_view_clear (BP_EVALUATION_VIEW (view));
  bp_test_wait_idle (view);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "empty");

  /* Stale: other data set while it ran (the spiral model does not even fit
   * the moons' two classes). */
  bp_test_update (view, &spec, model);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), moons);
  bp_test_wait_idle (view);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "empty");
  g_assert_cmpstr (label_text (view, "empty"), ==,
                   "Train the model to see how it does on the test part");

  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), NULL);
  bp_test_update (view, &spec, model);
  g_assert_false (bp_evaluation_view_is_busy (BP_EVALUATION_VIEW (view)));
  g_assert_cmpstr (bp_test_visible_page (view), ==, "empty");

  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Ten updates in a row run at most two evaluations, the first and the
 * newest, and the newest is what shows. */
static void
test_coalesce (void)
{
  g_autoptr (BpData) data = bp_test_load ("spiral");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *trained, *zero;
  nn_class_metrics *cm;
  g_autofree char *accuracy = NULL;
  double loss;

  BP_TEST_REQUIRE_GTK ();
  trained = bp_test_train (data, "dense:32:relu,dense:32:relu,dense:3", 30, &spec);
  zero = bp_test_train (data, "dense:32:relu,dense:32:relu,dense:3", 0, &spec);
  memset (nn_model_params (zero), 0, nn_model_n_params (zero) * sizeof (float));
  cm = bp_test_reference_classes (data, trained, &loss);
  accuracy = g_strdup_printf ("%.1f %%", 100.0 * cm->accuracy);

  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_test_coalesce (view, &spec, zero, trained);
  g_assert_cmpstr (label_text (view, "accuracy"), ==, accuracy);

  nn_class_metrics_free (cm);
  nn_model_free (trained);
  nn_model_free (zero);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A spec that does not fit the data says why. */
static void
test_error (void)
{
  g_autoptr (BpData) data = bp_test_load ("spiral");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_error err = { 0 };
  float params[3 * 3 + 3] = { 0 };

  BP_TEST_REQUIRE_GTK ();
  nn_model_spec_init (&spec);
  spec.inputs = 3;
  g_assert_cmpint (nn_model_spec_parse_layers (&spec, "dense:3", &err), ==, NN_OK);
  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_evaluation_view_update (BP_EVALUATION_VIEW (view), &spec, params, G_N_ELEMENTS (params),
                             NULL, 0);
  bp_test_wait_idle (view);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "empty");
  g_assert_cmpstr (label_text (view, "empty"), ==, "Could not evaluate the model: the data have "
                   "2 features but the model takes 3");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Destroyed while evaluating: the task finishes on its own data and finds
 * the view gone. */
static void
test_dispose_busy (void)
{
  g_autoptr (BpData) data = bp_test_load ("spiral");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (data, "dense:32:relu,dense:3", 0, &spec);
  view = bp_evaluation_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_evaluation_view_set_data (BP_EVALUATION_VIEW (view), data);
  bp_test_destroy_busy (window, view, &spec, model);
}

int
main (int   argc,
      char *argv[])
{
  bp_test_init_gtk (&argc, &argv);

  g_test_add_func ("/ui/evaluation/empty", test_empty);
  g_test_add_func ("/ui/evaluation/spiral", test_spiral);
  g_test_add_func ("/ui/evaluation/select", test_select);
  g_test_add_func ("/ui/evaluation/thumbnails", test_thumbnails);
  g_test_add_func ("/ui/evaluation/fashion-mnist", test_fashion_mnist);
  g_test_add_func ("/ui/evaluation/regression", test_regression);
  g_test_add_func ("/ui/evaluation/clear", test_clear);
  g_test_add_func ("/ui/evaluation/coalesce", test_coalesce);
  g_test_add_func ("/ui/evaluation/error", test_error);
  g_test_add_func ("/ui/evaluation/dispose-busy", test_dispose_busy);
  return g_test_run ();
}
