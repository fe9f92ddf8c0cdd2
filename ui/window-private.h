/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "boundary-view.h"
#include "data-panel.h"
#include "diagnose.h"
#include "evaluation-view.h"
#include "history.h"
#include "histogram-plot.h"
#include "layer-editor.h"
#include "line-plot.h"
#include "training-panel.h"
#include "window.h"

G_BEGIN_DECLS

/* The newest histograms of every op, kept so the layer selector can show
 * any layer's history. */
typedef struct
{
  guint64       step;
  guint         n_ops;
  nn_histogram *hist[3];   /* weights, gradients, activations: [n_ops] each */
} BpHistogramSet;

struct _BpWindow
{
  GtkApplicationWindow parent_instance;

  /* Template children. */
  GtkLabel          *title_label;
  GtkLabel          *subtitle_label;
  GtkButton         *start_button;
  GtkRevealer       *banner;
  GtkWidget         *banner_box;
  GtkLabel          *banner_label;
  GtkStack          *side_stack;
  GtkStack          *plot_stack;
  BpDataPanel       *data_panel;
  BpLayerEditor     *layer_editor;
  BpTrainingPanel   *training_panel;
  GtkBox            *curves_page;
  GtkBox            *gradients_page;
  GtkBox            *histograms_page;
  GtkDropDown       *x_mode;
  GtkToggleButton   *log_y;
  GtkScale          *smoothing;
  GtkDropDown       *hist_layer;
  GtkStringList     *hist_layers;
  GtkLabel          *status_label;
  GtkProgressBar    *progress;
  GtkLabel          *speed_label;
  GtkLabel          *eta_label;
  GtkListBox        *findings_list;
  GtkLabel          *diagnosis_summary;
  GtkButton         *banner_action;
  BpBoundaryView    *boundary_view;
  BpEvaluationView  *evaluation_view;

  /* Plots, made in code. */
  BpLinePlot        *loss_plot;
  BpLinePlot        *accuracy_plot;
  BpLinePlot        *grad_plot;
  BpLinePlot        *ratio_plot;
  BpHistogramPlot   *hist_plot[3];
  guint             *grad_series;     /* [n_ops]: series of each op with parameters, or G_MAXUINT */
  guint              n_grad_series;
  guint             *hist_ops;        /* the op of each entry of the layer selector */

  BpSession         *session;
  nn_history        *history;         /* of the current run, for the diagnosis */
  guint64            last_diagnosed;  /* the step of the last reading */
  gboolean           diagnosis_due;
  gboolean           refilling;       /* the findings list is being rebuilt */
  GtkWidget         *gradcheck_dialog;
  gboolean           gradcheck_busy;  /* a gradient check runs */
  GArray            *epochs;          /* nn_epoch_report of this run */
  GPtrArray         *hist_sets;       /* BpHistogramSet, oldest first */
  gboolean           stale;           /* settings changed since the model was built */
  float             *pending_weights; /* from a project, for the next model */
  gsize              n_pending_weights;
  float             *pending_buffers;
  gsize              n_pending_buffers;
  guint              refresh_id;      /* the 10 Hz refresh of plots and status while training */
  gboolean           dirty;           /* records arrived since the last refresh */
  double             shown_lr;
  gint64             run_started;     /* monotonic µs of the first step of this run */
  guint64            run_first_step;
  double             last_rate;       /* samples/s of the last epoch */
  float             *eval_params;     /* the weights the views were last sent */
  float             *eval_buffers;
  guint64            boundary_step;   /* the step + 1 of the weights each tab was sent */
  guint64            evaluation_step;
  gint64             eval_sent;       /* monotonic µs of the last sending */
};

/* window-plots.c */
void bp_window_plots_init (BpWindow *self);
void bp_window_plots_reset (BpWindow *self);
void bp_window_plots_add_step (BpWindow           *self,
                               const BpStepRecord *record);
void bp_window_plots_add_epoch (BpWindow              *self,
                                const nn_epoch_report *report,
                                guint64                step);
void bp_window_plots_update_mode (BpWindow *self);
void bp_window_plots_refresh (BpWindow *self);
void bp_window_plots_show_layer (BpWindow *self);
void bp_histogram_set_free (BpHistogramSet *set);

/* window-diagnosis.c */
void bp_window_diagnosis_class_init (GtkWidgetClass *widget_class);
void bp_window_diagnose (BpWindow *self);
void bp_window_diagnosis_step (BpWindow *self);
void bp_window_diverged (BpWindow *self);

/* window-evaluation.c: the Boundary and Evaluation tabs */
void bp_window_evaluation_class_init (GtkWidgetClass *widget_class);
void bp_window_evaluation_set_data (BpWindow *self,
                                    BpData   *data);
void bp_window_evaluation_reset (BpWindow *self);
void bp_window_evaluation_refresh (BpWindow *self,
                                   gboolean  now);
void bp_window_evaluation_free (BpWindow *self);

/* window.c: shows @spec and @params in the panels, as the next run's. */
void bp_window_apply_settings (BpWindow                *self,
                               const nn_model_spec     *spec,
                               const nn_trainer_params *params);

G_END_DECLS
