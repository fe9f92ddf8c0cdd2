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
#include "evaluate.h"
#include "scatter-plot.h"
#include "trainer.h"
#include "ui-test-private.h"

#define WIDTH 700
#define HEIGHT 560
#define WAIT_SECONDS 60

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

static gboolean have_gtk;

#define REQUIRE_GTK()                                   \
  G_STMT_START                                          \
  {                                                     \
    if (!have_gtk)                                      \
      {                                                 \
        g_test_skip ("no display for GTK");             \
        return;                                         \
      }                                                 \
  }                                                     \
  G_STMT_END

/* ---- Helpers ------------------------------------------------------------ */

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
visible_page (GtkWidget *view)
{
  GtkWidget *stack = find_type (view, GTK_TYPE_STACK);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static const char *
note_text (GtkWidget *view)
{
  GtkWidget *stack = find_type (view, GTK_TYPE_STACK);

  return gtk_label_get_text (GTK_LABEL (gtk_stack_get_child_by_name (GTK_STACK (stack),
                                                                     "note")));
}

static guint
evaluations (GtkWidget *view)
{
  guint n;

  g_object_get (view, "evaluations", &n, NULL);
  return n;
}

static BpData *
load (const char *spec)
{
  nn_data_source src;
  nn_error err = { 0 };
  g_autoptr (GError) error = NULL;
  BpData *data;

  nn_data_source_init (&src);
  g_assert_cmpint (nn_data_source_set (&src, spec, &err), ==, NN_OK);
  data = bp_data_load (&src, &error);
  g_assert_no_error (error);
  return data;
}

/* A model of @layers for @data trained @epochs epochs (Adam, batches of 32)
 * on its training part; 0 epochs: the seeded initial weights. */
static nn_model *
train (BpData        *data,
       const char    *layers,
       int            epochs,
       nn_model_spec *spec)
{
  nn_dataset part = bp_data_get_train (data);
  nn_trainer_params params = nn_trainer_params_default ();
  nn_error err = { 0 };
  nn_trainer *trainer;
  nn_model *model;

  nn_model_spec_init (spec);
  spec->inputs = bp_data_get_features (data);
  spec->loss = bp_data_get_task (data) == NN_TASK_REGRESSION ? NN_LOSS_MSE : NN_LOSS_CE;
  g_assert_cmpint (nn_model_spec_parse_layers (spec, layers, &err), ==, NN_OK);
  model = nn_model_new (spec, 1024, &err);
  g_assert_nonnull (model);
  nn_model_init_params (model, 1);
  if (epochs == 0)
    return model;
  params.epochs = epochs;
  params.batch = 32;
  params.opt.lr = 0.01;
  params.stats = false;
  trainer = nn_trainer_new (model, &params, &part, NULL, &err);
  g_assert_nonnull (trainer);
  nn_trainer_run (trainer);
  nn_trainer_free (trainer);
  return model;
}

static double
test_accuracy (BpData   *data,
               nn_model *model)
{
  nn_dataset test = bp_data_get_test (data);
  nn_error err = { 0 };
  nn_class_metrics *cm = nn_class_metrics_new (bp_data_get_k (data), &err);
  double loss, accuracy;

  g_assert_cmpint (nn_evaluate (model, &test, &loss, cm, NULL, &err), ==, NN_OK);
  nn_class_metrics_finish (cm);
  accuracy = cm->accuracy;
  nn_class_metrics_free (cm);
  return accuracy;
}

static void
update (GtkWidget           *view,
        const nn_model_spec *spec,
        nn_model            *model)
{
  bp_boundary_view_update (BP_BOUNDARY_VIEW (view), spec, nn_model_params (model),
                           nn_model_n_params (model), nn_model_buffers (model),
                           nn_model_n_buffers (model));
}

static void
wait_idle (GtkWidget *view)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view)));
}

static GtkWidget *
present (GtkWidget *view)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < 300 && gtk_widget_get_width (view) != WIDTH; i++)
    bp_test_spin (10);
  g_assert_cmpint (gtk_widget_get_width (view), ==, WIDTH);
  return window;
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

  r.plot = BP_SCATTER_PLOT (find_type (view, BP_TYPE_SCATTER_PLOT));
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

typedef struct
{
  double r, g, b, a;
} Pixel;

static Pixel
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 v;
  Pixel p = { 0 };

  if (x < 0 || y < 0 || x >= cairo_image_surface_get_width (surface)
      || y >= cairo_image_surface_get_height (surface))
    return p;
  v = *(const guint32 *) (const void *) (data + (gsize) y * cairo_image_surface_get_stride (surface)
                                         + 4 * (gsize) x);
  p.a = (v >> 24) / 255.0;
  if (p.a > 0)
    {
      /* Premultiplied. */
      p.r = ((v >> 16) & 0xff) / 255.0 / p.a;
      p.g = ((v >> 8) & 0xff) / 255.0 / p.a;
      p.b = (v & 0xff) / 255.0 / p.a;
    }
  return p;
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
             Pixel          p,
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

static double
to_x (const BpPlotArea *a,
      double            v)
{
  return bp_axis_to_pixel (&a->x_axis, v, a->x, a->x + a->width);
}

static double
to_y (const BpPlotArea *a,
      double            v)
{
  return bp_axis_to_pixel (&a->y_axis, v, a->y + a->height, a->y);
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
      double px = to_x (&r->area, train.x[2 * i]), py = to_y (&r->area, train.x[2 * i + 1]);
      guint votes[64] = { 0 }, total = 0, others = 0;

      for (int d = 0; d < SAMPLE_DIRECTIONS; d++)
        {
          double angle = 2 * G_PI * d / SAMPLE_DIRECTIONS;
          int x = (int) floor (px + SAMPLE_RADIUS * cos (angle));
          int y = (int) floor (py + SAMPLE_RADIUS * sin (angle));
          int cls;

          if (plane_class (r->plot, pixel_at (r->surface, x, y), k, &cls) && cls >= 0)
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
        if (plane_class (r->plot, pixel_at (r->surface, x, y), MAX (k, 2), &cls))
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
  g_autoptr (BpData) images = load (dir);
  g_autoptr (BpData) sine = load ("sine");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;

  REQUIRE_GTK ();
  g_assert_cmpuint (bp_data_get_features (images), ==, 784);
  view = bp_boundary_view_new ();
  window = present (view);
  g_assert_cmpstr (visible_page (view), ==, "note");
  g_assert_cmpstr (note_text (view), ==, "Load data with two features to see the decision "
                   "boundary");

  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), images);
  g_assert_cmpstr (visible_page (view), ==, "note");
  g_assert_cmpstr (note_text (view), ==, "The decision boundary needs data with two features; "
                   "these have 784.");
  model = train (images, "dense:2", 0, &spec);
  update (view, &spec, model);
  g_assert_false (bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view)));
  g_assert_cmpuint (evaluations (view), ==, 0);
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
  g_autoptr (BpData) data = load ("spiral");
  nn_dataset train_part = bp_data_get_train (data);
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;
  Render r;
  double share;

  REQUIRE_GTK ();
  model = train (data, "dense:32:relu,dense:32:relu,dense:3", 40, &spec);
  g_assert_cmpfloat (test_accuracy (data, model), >, 0.9);
  view = bp_boundary_view_new ();
  window = present (view);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  g_assert_cmpstr (visible_page (view), ==, "plane");
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

  update (view, &spec, model);
  g_assert_true (bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view)));
  wait_idle (view);
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
  g_autoptr (BpData) data = load ("moons");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *fresh, *trained;
  Render a, b;
  gsize differ = 0, all = 0;
  double fresh_agreement, trained_agreement;

  REQUIRE_GTK ();
  fresh = train (data, "dense:16:tanh,dense:16:tanh,dense:2", 0, &spec);
  trained = train (data, "dense:16:tanh,dense:16:tanh,dense:2", 30, &spec);
  g_assert_cmpfloat (test_accuracy (data, trained), >, 0.9);
  view = bp_boundary_view_new ();
  window = present (view);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);

  update (view, &spec, fresh);
  wait_idle (view);
  a = render (view);
  fresh_agreement = agreement (&a, data);
  update (view, &spec, trained);
  wait_idle (view);
  b = render (view);
  trained_agreement = agreement (&b, data);

  for (int y = (int) a.area.y + 1; y < (int) (a.area.y + a.area.height) - 1; y++)
    for (int x = (int) a.area.x + 1; x < (int) (a.area.x + a.area.width) - 1; x++)
      {
        Pixel p = pixel_at (a.surface, x, y), q = pixel_at (b.surface, x, y);

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
  g_autoptr (BpData) data = load ("spiral");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *trained, *zero;
  guint before;
  Render r;

  REQUIRE_GTK ();
  trained = train (data, "dense:32:relu,dense:32:relu,dense:3", 40, &spec);
  zero = train (data, "dense:32:relu,dense:32:relu,dense:3", 0, &spec);
  memset (nn_model_params (zero), 0, nn_model_n_params (zero) * sizeof (float));
  view = bp_boundary_view_new ();
  window = present (view);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  before = evaluations (view);
  for (int i = 0; i < 9; i++)
    update (view, &spec, zero);
  update (view, &spec, trained);
  wait_idle (view);
  g_assert_cmpuint (evaluations (view) - before, <=, 2);
  g_assert_cmpuint (evaluations (view) - before, >=, 1);
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
  g_autoptr (BpData) spiral = load ("spiral");
  g_autoptr (BpData) moons = load ("moons");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;
  Render r;

  REQUIRE_GTK ();
  model = train (spiral, "dense:16:relu,dense:3", 0, &spec);
  view = bp_boundary_view_new ();
  window = present (view);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), spiral);
  update (view, &spec, model);
  wait_idle (view);
  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), >, 0.5);
  render_clear (&r);

  bp_boundary_view_clear (BP_BOUNDARY_VIEW (view));
  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), <, 0.05);
  render_clear (&r);

  update (view, &spec, model);
  bp_boundary_view_clear (BP_BOUNDARY_VIEW (view));
  wait_idle (view);
  r = render (view);
  g_assert_cmpfloat (plane_share (&r, 3), <, 0.05);
  render_clear (&r);

  update (view, &spec, model);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), moons);
  wait_idle (view);
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
  g_autoptr (BpData) data = load ("plane");
  nn_dataset part = bp_data_get_train (data);
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;
  GdkRGBA blue, orange;
  double blue_hue, orange_hue, s;
  gsize right = 0, counted = 0;
  double lo = INFINITY, hi = -INFINITY;
  Render r;

  REQUIRE_GTK ();
  model = train (data, "dense:16:tanh,dense:1", 30, &spec);
  view = bp_boundary_view_new ();
  window = present (view);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  g_assert_cmpstr (bp_plot_get_title (BP_PLOT (find_type (view, BP_TYPE_SCATTER_PLOT))), ==,
                   "Predicted value");
  update (view, &spec, model);
  wait_idle (view);
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
      double px = to_x (&r.area, part.x[2 * i]), py = to_y (&r.area, part.x[2 * i + 1]);
      guint votes_blue = 0, votes_orange = 0;

      if (!high && !low)
        continue;
      for (int d = 0; d < SAMPLE_DIRECTIONS; d++)
        {
          double angle = 2 * G_PI * d / SAMPLE_DIRECTIONS, hue, sat;
          Pixel p = pixel_at (r.surface, (int) floor (px + SAMPLE_RADIUS * cos (angle)),
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
  g_autoptr (BpData) data = load ("moons");
  GtkWidget *view, *window;
  nn_model_spec spec;
  nn_model *model;

  REQUIRE_GTK ();
  model = train (data, "dense:16:relu,dense:2", 0, &spec);
  view = bp_boundary_view_new ();
  window = present (view);
  bp_boundary_view_set_data (BP_BOUNDARY_VIEW (view), data);
  update (view, &spec, model);
  update (view, &spec, model);
  g_assert_true (bp_boundary_view_is_busy (BP_BOUNDARY_VIEW (view)));
  gtk_window_destroy (GTK_WINDOW (window));
  nn_model_free (model);
  bp_test_spin (300);
}

int
main (int   argc,
      char *argv[])
{
  have_gtk = bp_test_init_gtk (&argc, &argv);

  g_test_add_func ("/ui/boundary/note", test_note);
  g_test_add_func ("/ui/boundary/spiral", test_spiral);
  g_test_add_func ("/ui/boundary/moons", test_moons);
  g_test_add_func ("/ui/boundary/coalesce", test_coalesce);
  g_test_add_func ("/ui/boundary/clear", test_clear);
  g_test_add_func ("/ui/boundary/regression", test_regression);
  g_test_add_func ("/ui/boundary/dispose-busy", test_dispose_busy);
  return g_test_run ();
}
