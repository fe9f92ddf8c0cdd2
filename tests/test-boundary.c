/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decision-boundary view under Xvfb, checked on rendered pixels: the
 * plane around a training point must be coloured as the point's class once
 * the model has learnt the data, must change as the model does, must never
 * show a stale model's plane, and data that are not two features get a
 * note instead. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "boundary-view.h"
#include "eval-test-private.h"
#include "scatter-plot.h"

#define WIDTH 700
#define HEIGHT 560

/* The plane is sampled this far (pixels) from each training point, in
 * SAMPLE_DIRECTIONS directions: past the point's dot, inside its
 * neighbourhood. */
#define SAMPLE_RADIUS 9.0
#define SAMPLE_DIRECTIONS 12
/* A sampled pixel counts as the plane's (not a point's, a grid line's or a
 * label's) when it is this transparent at most — the plane is drawn at
 * most 60 % opaque over nothing — and this saturated. */
#define PLANE_MAX_ALPHA 0.63
#define PLANE_MIN_ALPHA 0.08
#define PLANE_MIN_SATURATION 0.25
/* Hue within this many degrees of a class's colour votes for that class. */
#define HUE_TOLERANCE 30.0

/* ---- Helpers ------------------------------------------------------------ */

static const char *
note_text (GtkWidget *view)
{
  GtkWidget *stack = bp_test_find_type (view, GTK_TYPE_STACK);

  return gtk_label_get_text (GTK_LABEL (gtk_stack_get_child_by_name (GTK_STACK (stack),
                                                                     "note")));
}

static double
test_accuracy (BpData   *data,
               nn_model *model)
{
  double loss, accuracy;
  nn_class_metrics *cm = bp_test_reference_classes (data, model, &loss);

  accuracy = cm->accuracy;
  nn_class_metrics_free (cm);
  return accuracy;
}

/* The view's plane as drawn now, with the plot area that maps data to it. */
typedef struct
{
  cairo_surface_t *surface;
  BpPlotArea       area;
  BpScatterPlot   *plot;
} Render;

static Render
render (GtkWidget *view)
{
  Render r = { 0 };
  int w, h;

  r.plot = BP_SCATTER_PLOT (bp_test_find_type (view, BP_TYPE_SCATTER_PLOT));
  g_assert_nonnull (r.plot);
  /* A page just shown is laid out at the next frame. */
  for (int i = 0; i < 300 && gtk_widget_get_width (GTK_WIDGET (r.plot)) == 0; i++)
    bp_test_spin (10);
  w = gtk_widget_get_width (GTK_WIDGET (r.plot));
  h = gtk_widget_get_height (GTK_WIDGET (r.plot));
  g_assert_cmpint (w, >, 100);
  g_assert_cmpint (h, >, 100);
  g_assert_true (bp_plot_get_area (BP_PLOT (r.plot), w, h, &r.area));
  r.surface = bp_test_render (GTK_WIDGET (r.plot), w, h);
  return r;
}

static void
hue_saturation (double  r,
                double  g,
                double  b,
                double *hue,
                double *saturation)
{
  double hi = MAX (r, MAX (g, b)), lo = MIN (r, MIN (g, b)), d = hi - lo;

  *saturation = hi > 0 ? d / hi : 0;
  if (d <= 0)
    *hue = 0;
  else if (hi == r)
    *hue = 60 * fmod ((g - b) / d + 6, 6);
  else if (hi == g)
    *hue = 60 * ((b - r) / d + 2);
  else
    *hue = 60 * ((r - g) / d + 4);
}

static double
hue_distance (double a,
              double b)
{
  double d = fabs (a - b);

  return MIN (d, 360 - d);
}

/* Whether the pixel shows the plane, and then the class whose colour's
 * hue it has (−1: none near enough). */
static gboolean
plane_class (BpScatterPlot *plot,
             BpTestPixel    p,
             gsize          k,
             int           *cls)
{
  double hue, sat, best = HUE_TOLERANCE;

  if (p.a < PLANE_MIN_ALPHA || p.a > PLANE_MAX_ALPHA)
    return FALSE;
  hue_saturation (p.r, p.g, p.b, &hue, &sat);
  if (sat < PLANE_MIN_SATURATION)
    return FALSE;
  *cls = -1;
  for (gsize c = 0; c < k; c++)
    {
      GdkRGBA color;
      double ch, cs;

      bp_scatter_plot_class_color (plot, (gint32) c, &color);
      hue_saturation (color.red, color.green, color.blue, &ch, &cs);
      if (hue_distance (hue, ch) < best)
        {
          best = hue_distance (hue, ch);
          *cls = (int) c;
        }
    }
  return TRUE;
}

/* The share of the training points around which the plane's pixels are
 * mostly of the point's class: a vote of the pixels around each point. */
static double
agreement (const Render *r,
           BpData       *data)
{
  nn_dataset train = bp_data_get_train (data);
  gsize k = bp_data_get_k (data), voted = 0, agree = 0;

  for (gsize i = 0; i < train.n; i++)
    {
      double px = bp_test_data_x (&r->area, train.x[2 * i]);
      double py = bp_test_data_y (&r->area, train.x[2 * i + 1]);
      guint votes[64] = { 0 }, total = 0, others = 0;

      for (int d = 0; d < SAMPLE_DIRECTIONS; d++)
        {
          double angle = 2 * G_PI * d / SAMPLE_DIRECTIONS;
          int x = (int) floor (px + SAMPLE_RADIUS * cos (angle));
          int y = (int) floor (py + SAMPLE_RADIUS * sin (angle));
          int cls;

          if (plane_class (r->plot, bp_test_pixel_at (r->surface, x, y), k, &cls) && cls >= 0)
            {
              votes[cls]++;
              total++;
            }
        }
      if (total < 3)
        continue;
      voted++;
      for (gsize c = 0; c < k; c++)
        if ((gint32) c != train.y[i])
          others = MAX (others, votes[c]);
      if (votes[train.y[i]] > others)
        agree++;
    }
  /* Most points must have had a say, or the test proves nothing. */
  g_assert_cmpuint (voted, >=, train.n / 2);
  if (g_test_verbose ())
    g_test_message ("plane agrees with %zu of %zu points", agree, voted);
  return (double) agree / (double) voted;
}

/* Pixels of the plot area that show the plane. */
static double
plane_share (const Render *r,
             gsize         k)
{
  gsize plane = 0, all = 0;

  for (int y = (int) r->area.y + 2; y < (int) (r->area.y + r->area.height) - 2; y += 2)
    for (int x = (int) r->area.x + 2; x < (int) (r->area.x + r->area.width) - 2; x += 2)
      {
        int cls;

        all++;
        if (plane_class (r->plot, bp_test_pixel_at (r->surface, x, y), MAX (k, 2), &cls))
          plane++;
      }
  return (double) plane / (double) all;
}

static void
render_clear (Render *r)
{
  g_clear_pointer (&r->surface, cairo_surface_destroy);
}

/* A 28 × 28 IDX folder of blank images, for data of 784 features. */
static void
write_file (const char   *dir,
            const char   *name,
            const guint8 *header,
            gsize         header_len,
            gsize         body_len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree guint8 *bytes = g_malloc0 (header_len + body_len);
  g_autoptr (GError) error = NULL;

  memcpy (bytes, header, header_len);
  for (gsize i = 0; i < body_len && header[3] == 1; i++)
    bytes[header_len + i] = (guint8) (i % 2);
  g_assert_true (g_file_set_contents (path, (const char *) bytes, header_len + body_len, &error));
  g_assert_no_error (error);
}

static char *
make_image_set (void)
{
  static const guint8 images[16] = { 0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28 };
  static const guint8 labels[8] = { 0, 0, 8, 1, 0, 0, 0, 10 };
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("bp-boundary-XXXXXX", &error);

  g_assert_no_error (error);
  write_file (dir, "train-images-idx3-ubyte", images, sizeof images, 10 * 28 * 28);
  write_file (dir, "train-labels-idx1-ubyte", labels, sizeof labels, 10);
  return dir;
}

static void
remove_image_set (char *dir)
{
  g_autofree char *a = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
  g_autofree char *b = g_build_filename (dir, "train-labels-idx1-ubyte", NULL);

  g_unlink (a);
  g_unlink (b);
  g_rmdir (dir);
  g_free (dir);
}

/* ---- Tests -------------------------------------------------------------- */

/* Data of other than two features get a note, and updates do nothing. */
static void
test_note (void)
{
  char *dir = make_image_set ();
  g_autoptr (BpData) images = bp_test_load (dir);
  g_autoptr (BpData) sine = bp_test_load ("sine");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;

  BP_TEST_REQUIRE_GTK ();
  g_assert_cmpuint (bp_data_get_features (images), ==, 784);
  view = bp_boundary_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "note");
  g_assert_cmpstr (note_text (view), ==, "Load data with two features to see the decision "
                   "boundary");

  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), images);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "note");
  g_assert_cmpstr (note_text (view), ==, "The decision boundary needs data with two features; "
                   "these have 784.");
  model = bp_test_train (images, "dense:2", 0, &spec);
  bp_test_update (view, &spec, model);
  g_assert_false (bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view)));
  g_assert_cmpuint (bp_test_evaluations (view), ==, 0);
  nn_model_free (model);

  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), sine);
  g_assert_cmpstr (note_text (view), ==, "The decision boundary needs data with two features; "
                   "these have 1.");
  gtk_window_destroy (GTK_WINDOW (window));
  remove_image_set (dir);
}

/* Spiral: before a model only the points, spanning the axes with a
 * margin; with a trained model, around at least 85 % of the training
 * points the plane is mostly of the point's class (the model is right on
 * more than 90 % of the test rows, and pixels 9 px away can lie across a
 * boundary from a point near it). */
static void
test_spiral (void)
{
  g_autoptr (BpData) data = bp_test_load ("spiral");
  nn_dataset train_part = bp_data_get_train (data);
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;
  Render r;
  double share;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (data, "dense:32:relu,dense:32:relu,dense:3", 40, &spec);
  g_assert_cmpfloat (test_accuracy (data, model), >, 0.9);
  view = bp_boundary_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  g_assert_cmpstr (bp_test_visible_page (view), ==, "plane");
  bp_test_spin (20);

  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), <, 0.05);
  /* Every point inside, with 5–10 % of the span to spare on each side. */
  {
    double lo = INFINITY, hi = -INFINITY, span;

    for (gsize i = 0; i < train_part.n; i++)
      {
        lo = MIN (lo, train_part.x[2 * i]);
        hi = MAX (hi, train_part.x[2 * i]);
      }
    span = r.area.x_axis.hi - r.area.x_axis.lo;
    g_assert_cmpfloat (r.area.x_axis.lo, <, lo - 0.04 * span);
    g_assert_cmpfloat (r.area.x_axis.hi, >, hi + 0.04 * span);
    g_assert_cmpfloat (r.area.x_axis.lo, >, lo - 0.12 * span);
  }
  render_clear (&r);

  bp_test_update (view, &spec, model);
  g_assert_true (bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view)));
  bp_test_wait_idle (view);
  r = render (view);
  share = plane_share (&r, 3);
  g_assert_cmpfloat (share, >, 0.5);
  g_assert_cmpfloat (agreement (&r, data), >=, 0.85);
  /* Hovering a point names it, its class and the prediction there. */
  {
    g_autofree char *readout = bp_plot_describe_point (BP_PLOT (r.plot), train_part.x[0],
                                                       train_part.x[1]);

    g_assert_nonnull (readout);
    g_assert_nonnull (strstr (readout, " row\nx1 "));
    g_assert_nonnull (strstr (readout, "\nclass "));
    g_assert_nonnull (strstr (readout, "\npredicted here: "));
  }
  render_clear (&r);

  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Moons: the plane of an untrained model differs from a trained one's,
 * and only the trained one follows the classes. */
static void
test_moons (void)
{
  g_autoptr (BpData) data = bp_test_load ("moons");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *fresh, *trained;
  Render a, b;
  gsize differ = 0, all = 0;
  double fresh_agreement, trained_agreement;

  BP_TEST_REQUIRE_GTK ();
  fresh = bp_test_train (data, "dense:16:tanh,dense:16:tanh,dense:2", 0, &spec);
  trained = bp_test_train (data, "dense:16:tanh,dense:16:tanh,dense:2", 30, &spec);
  g_assert_cmpfloat (test_accuracy (data, trained), >, 0.9);
  view = bp_boundary_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);

  bp_test_update (view, &spec, fresh);
  bp_test_wait_idle (view);
  a = render (view);
  fresh_agreement = agreement (&a, data);
  bp_test_update (view, &spec, trained);
  bp_test_wait_idle (view);
  b = render (view);
  trained_agreement = agreement (&b, data);

  for (int y = (int) a.area.y + 1; y < (int) (a.area.y + a.area.height) - 1; y++)
    for (int x = (int) a.area.x + 1; x < (int) (a.area.x + a.area.width) - 1; x++)
      {
        BpTestPixel p = bp_test_pixel_at (a.surface, x, y), q = bp_test_pixel_at (b.surface, x, y);

        all++;
        if (fabs (p.a - q.a) > 0.1 || fabs (p.r - q.r) > 0.1 || fabs (p.b - q.b) > 0.1)
          differ++;
      }
  g_assert_cmpfloat ((double) differ / (double) all, >, 0.2);
  g_assert_cmpfloat (trained_agreement, >=, 0.9);
  g_assert_cmpfloat (trained_agreement, >, fresh_agreement + 0.1);
  render_clear (&a);
  render_clear (&b);

  nn_model_free (fresh);
  nn_model_free (trained);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Ten updates in a row run at most two evaluations, and the plane shown
 * is the newest model's. */
static void
test_coalesce (void)
{
  g_autoptr (BpData) data = bp_test_load ("spiral");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *trained, *zero;
  Render r;

  BP_TEST_REQUIRE_GTK ();
  trained = bp_test_train (data, "dense:32:relu,dense:32:relu,dense:3", 40, &spec);
  zero = bp_test_train (data, "dense:32:relu,dense:32:relu,dense:3", 0, &spec);
  memset (nn_model_params (zero), 0, nn_model_n_params (zero) * sizeof (float));
  view = bp_boundary_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  bp_test_coalesce (view, &spec, zero, trained);
  r = render (view);
  /* All zeros would say class 0 everywhere: a third of the points. */
  g_assert_cmpfloat (agreement (&r, data), >=, 0.85);
  render_clear (&r);

  nn_model_free (trained);
  nn_model_free (zero);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Clearing removes the plane; a plane computed before a clear or for
 * other data never shows. */
static void
test_clear (void)
{
  g_autoptr (BpData) spiral = bp_test_load ("spiral");
  g_autoptr (BpData) moons = bp_test_load ("moons");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;
  Render r;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (spiral, "dense:16:relu,dense:3", 0, &spec);
  view = bp_boundary_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), spiral);
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), >, 0.5);
  render_clear (&r);

  bp_boundary_view_clear (BP_BOUNDARY_VIEW (view));
  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), <, 0.05);
  render_clear (&r);

  bp_test_update (view, &spec, model);
  bp_boundary_view_clear (BP_BOUNDARY_VIEW (view));
  bp_test_wait_idle (view);
  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), <, 0.05);
  render_clear (&r);

  bp_test_update (view, &spec, model);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), moons);
  bp_test_wait_idle (view);
  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), <, 0.05);
  render_clear (&r);

  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Plane regression: high predictions orange, low ones blue, around the
 * training points with the highest and lowest targets. */
static void
test_regression (void)
{
  g_autoptr (BpData) data = bp_test_load ("plane");
  nn_dataset part = bp_data_get_train (data);
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;
  GdkRGBA blue, orange;
  double blue_hue, orange_hue, s;
  gsize right = 0, counted = 0;
  double lo = INFINITY, hi = -INFINITY;
  Render r;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (data, "dense:16:tanh,dense:1", 30, &spec);
  view = bp_boundary_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  g_assert_cmpstr (bp_plot_get_title (BP_PLOT (bp_test_find_type (view, BP_TYPE_SCATTER_PLOT))), ==,
                   "Predicted value");
  bp_test_update (view, &spec, model);
  bp_test_wait_idle (view);
  r = render (view);
  bp_plot_series_color (BP_PLOT (r.plot), 0, &blue);
  bp_plot_series_color (BP_PLOT (r.plot), 1, &orange);
  hue_saturation (blue.red, blue.green, blue.blue, &blue_hue, &s);
  hue_saturation (orange.red, orange.green, orange.blue, &orange_hue, &s);
  for (gsize i = 0; i < part.n; i++)
    {
      lo = MIN (lo, part.t[i]);
      hi = MAX (hi, part.t[i]);
    }
  /* The points in the top and bottom fifth of the targets' range. */
  for (gsize i = 0; i < part.n; i++)
    {
      gboolean high = part.t[i] > hi - 0.2 * (hi - lo), low = part.t[i] < lo + 0.2 * (hi - lo);
      double px = bp_test_data_x (&r.area, part.x[2 * i]);
      double py = bp_test_data_y (&r.area, part.x[2 * i + 1]);
      guint votes_blue = 0, votes_orange = 0;

      if (!high && !low)
        continue;
      for (int d = 0; d < SAMPLE_DIRECTIONS; d++)
        {
          double angle = 2 * G_PI * d / SAMPLE_DIRECTIONS, hue, sat;
          BpTestPixel p = bp_test_pixel_at (r.surface,
                                            (int) floor (px + SAMPLE_RADIUS * cos (angle)),
                                            (int) floor (py + SAMPLE_RADIUS * sin (angle)));

          if (p.a < PLANE_MIN_ALPHA || p.a > PLANE_MAX_ALPHA)
            continue;
          hue_saturation (p.r, p.g, p.b, &hue, &sat);
          if (hue_distance (hue, blue_hue) < HUE_TOLERANCE)
            votes_blue++;
          else if (hue_distance (hue, orange_hue) < HUE_TOLERANCE)
            votes_orange++;
        }
      if (votes_blue + votes_orange < 3)
        continue;
      counted++;
      if (high ? votes_orange > votes_blue : votes_blue > votes_orange)
        right++;
    }
  g_assert_cmpuint (counted, >, 20);
  g_assert_cmpfloat ((double) right / (double) counted, >=, 0.9);
  render_clear (&r);

  nn_model_free (model);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Destroyed while evaluating: the task finishes on its own data. */
static void
test_dispose_busy (void)
{
  g_autoptr (BpData) data = bp_test_load ("moons");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;

  BP_TEST_REQUIRE_GTK ();
  model = bp_test_train (data, "dense:16:relu,dense:2", 0, &spec);
  view = bp_boundary_view_new ();
  window = bp_test_present (view, WIDTH, HEIGHT);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  bp_test_destroy_busy (window, view, &spec, model);
}

int
main (int   argc,
      char *argv[])
{
  bp_test_init_gtk (&argc, &argv);

  g_test_add_func ("/ui/boundary/note", test_note);
  g_test_add_func ("/ui/boundary/spiral", test_spiral);
  g_test_add_func ("/ui/boundary/moons", test_moons);
  g_test_add_func ("/ui/boundary/coalesce", test_coalesce);
  g_test_add_func ("/ui/boundary/clear", test_clear);
  g_test_add_func ("/ui/boundary/regression", test_regression);
  g_test_add_func ("/ui/boundary/dispose-busy", test_dispose_busy);
  return g_test_run ();
}
