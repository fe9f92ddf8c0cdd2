/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "session.h"

#include <math.h>
#include <string.h>

/* How the worker and the main thread talk.
 *
 * The main thread owns the session; the worker owns the trainer (and the
 * model) while it runs, and shares with the main thread only the fields
 * under `mutex`: the commands (mode, quit, a new rate) and the queue of
 * items it has produced. Commands set `commands`, an atomic flag the worker
 * reads between steps, so a step costs one lock: the one in the report
 * callback that appends to the queue.
 *
 * Every item carries what the main thread needs to act on it in order:
 * step and epoch records, "paused" acknowledging a command (by its
 * sequence number, so that an acknowledgement overtaken by a later start
 * is ignored), and "done" with how the run ended. The state follows those
 * acknowledgements, so RUNNING lasts until the worker has really stopped
 * touching the model, and once PAUSED is notified no step arrives until
 * the next start or step.
 *
 * At most one idle is pending: the callback adds one only when idle_id is
 * 0, and the idle clears it when it takes the queue. Deliveries are at
 * least DELIVERY_INTERVAL_US apart: a small network takes thousands of
 * steps a second, and waking the main thread for each one cost the worker
 * about 10 % of its rate in tools/bench-session on a busy two-core machine
 * (the woken main thread preempts it), for records a window can only show at frame rate. So when
 * the last delivery is recent, the pending source is a timeout (at idle
 * priority) for the rest of the interval instead of an idle. Step items
 * are recycled through a free list, so a step allocates nothing. */

typedef enum
{
  ITEM_STEP,
  ITEM_EPOCH,
  ITEM_PAUSED,  /* the worker waits; seq: the command it obeys */
  ITEM_DONE,    /* the run ended (the worker returns); end: how */
} ItemKind;

typedef struct _Item Item;

struct _Item
{
  GList           link;       /* in a queue; link.data is the item */
  Item           *next_free;
  gsize           capacity;   /* STEP: room in ops[] */
  ItemKind        kind;
  guint           seq;        /* PAUSED: the command it obeys */
  guint           lr_seq;     /* the rate change by hand in effect */
  double          lr;         /* PAUSED, DONE: the trainer's rate, for the next step */
  nn_train_state  end;        /* DONE */
  BpStepRecord    step;
  BpEpochRecord   epoch;
  nn_op_stats     ops[];      /* STEP: [n_ops] */
};

typedef enum
{
  MODE_RUN,
  MODE_PAUSE,
  MODE_STEP,  /* one step, then MODE_PAUSE */
} RunMode;

/* Recycled step items kept at most; more are freed (after a burst that the
 * main thread could not keep up with). */
#define MAX_FREE_ITEMS 256

/* The least time between two deliveries: 100 a second, more than a
 * window's frame rate needs, while a single step's record still arrives
 * at once. */
#define DELIVERY_INTERVAL_US 10000

struct _BpSession
{
  GObject            parent_instance;

  /* The main thread's. */
  BpSessionState     state;
  BpData            *data;
  nn_model_spec      spec;
  nn_trainer_params  params;
  nn_model          *model;
  nn_trainer        *trainer;       /* the worker's while it runs */
  nn_dataset         train;
  nn_dataset         val;
  gsize              n_ops;         /* op stats in a step item */
  gboolean           fresh;         /* the trainer has not run: a run may start with it */
  GThread           *worker;
  GQueue             delivering;    /* items taken from the queue, not yet handled */
  Item              *handled;       /* step items to give back to the free list */
  Item              *handled_tail;
  guint              n_handled;
  guint64            step;          /* of the last step record */
  int                epoch;         /* of the last epoch record */
  double             lr;
  guint              lr_seq;        /* rate changes by hand */
  nn_divergence      divergence;
  gboolean           stopping;      /* stop is handing over the last records */
  gboolean           disposed;

  /* The worker's. */
  Item              *spare;         /* the next step item to fill */
  guint              worker_lr_seq; /* the rate change the worker applied last */

  /* Shared, under mutex (the main thread writes them only under it). */
  GMutex             mutex;
  GCond              cond;
  gint               commands;      /* atomic: something below changed for the worker */
  RunMode            mode;
  gboolean           quit;
  guint              seq;           /* bumped by every command */
  guint              acked;         /* the last command the worker paused for */
  gboolean           lr_pending;
  double             new_lr;
  guint              new_lr_seq;
  GQueue             queue;
  Item              *free_items;
  guint              n_free;
  guint              idle_id;       /* the pending idle or timeout */
  gint64             delivered_at;  /* µs, monotonic: when the last idle took the queue */
  float             *snap_params;   /* the worker's copy of the weights for views */
  float             *snap_buffers;
  guint64            snap_step;     /* step + 1 of the copy; 0: none yet */
  gint64             snap_at;       /* µs, monotonic; the worker's */
};

/* How often the worker copies the weights for the views that follow a run:
 * a copy of the parameters every 200 ms costs nothing next to training. */
#define SNAPSHOT_US 200000

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum
{
  SIGNAL_STEP,
  SIGNAL_EPOCH,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpSession, bp_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (BpSessionState, bp_session_state,
  G_DEFINE_ENUM_VALUE (BP_SESSION_EMPTY, "empty"),
  G_DEFINE_ENUM_VALUE (BP_SESSION_READY, "ready"),
  G_DEFINE_ENUM_VALUE (BP_SESSION_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (BP_SESSION_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (BP_SESSION_FINISHED, "finished"),
  G_DEFINE_ENUM_VALUE (BP_SESSION_DIVERGED, "diverged"))

G_DEFINE_QUARK (bp-session-error-quark, bp_session_error)

static gboolean bp_session_in_idle (gpointer user_data);

static Item *
item_new (ItemKind kind,
          gsize    n_ops)
{
  Item *item = g_malloc0 (sizeof (Item) + (kind == ITEM_STEP ? n_ops * sizeof (nn_op_stats) : 0));

  item->kind = kind;
  item->capacity = kind == ITEM_STEP ? n_ops : 0;
  item->link.data = item;
  return item;
}

static void
item_free (Item *item)
{
  if (item == NULL)
    return;
  /* One block holds the three histogram arrays and their counts. */
  g_free (item->step.weight_hist);
  g_free (item->epoch.dead_fraction);
  g_free (item);
}

static void
free_item_list (Item *item)
{
  while (item != NULL)
    {
      Item *next = item->next_free;

      item_free (item);
      item = next;
    }
}

/* Appends all of @from to @to, leaving @from empty. */
static void
queue_move (GQueue *from,
            GQueue *to)
{
  if (from->head == NULL)
    return;
  if (to->tail == NULL)
    *to = *from;
  else
    {
      to->tail->next = from->head;
      from->head->prev = to->tail;
      to->tail = from->tail;
      to->length += from->length;
    }
  g_queue_init (from);
}

/* Under the mutex: queues @item for the main thread and makes sure an idle
 * will take it. */
static void
push_locked (BpSession *self,
             Item      *item)
{
  item->link.prev = NULL;
  item->link.next = NULL;
  g_queue_push_tail_link (&self->queue, &item->link);
  if (self->idle_id == 0)
    {
      gint64 wait = self->delivered_at + DELIVERY_INTERVAL_US - g_get_monotonic_time ();

      if (wait <= 0)
        self->idle_id = g_idle_add (bp_session_in_idle, self);
      else
        self->idle_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, (guint) ((wait + 999) / 1000),
                                            bp_session_in_idle, self, NULL);
    }
}

/* Copies the three histogram arrays of @r, with their counts, into one
 * block: weights at [0, n), gradients at [n, 2n), activations at [2n, 3n). */
static nn_histogram *
copy_histograms (const nn_step_report *r)
{
  const nn_histogram *from[3] = { r->weight_hist, r->grad_hist, r->act_hist };
  gsize n = r->n_ops, bins = 0;
  nn_histogram *block;
  guint64 *counts;

  for (int h = 0; h < 3; h++)
    for (gsize i = 0; i < n; i++)
      bins += from[h][i].bins;
  block = g_malloc (3 * n * sizeof (nn_histogram) + bins * sizeof (guint64));
  counts = (guint64 *) (void *) (block + 3 * n);
  for (int h = 0; h < 3; h++)
    for (gsize i = 0; i < n; i++)
      {
        nn_histogram *to = &block[h * n + i];

        *to = from[h][i];
        to->counts = counts;
        if (to->bins > 0)
          memcpy (counts, from[h][i].counts, to->bins * sizeof (guint64));
        counts += to->bins;
      }
  return block;
}

/* The trainer's step callback, on the worker: a copy of the report, one
 * lock. */
static bool
step_cb (const nn_step_report *r,
         void                 *user_data)
{
  BpSession *self = user_data;
  Item *item = self->spare;

  if (item == NULL)
    item = item_new (ITEM_STEP, self->n_ops);
  item->lr_seq = self->worker_lr_seq;
  item->step = (BpStepRecord) {
    .step = r->step,
    .epoch = r->epoch,
    .batch = r->batch,
    .batches = r->batches,
    .loss = r->loss,
    .lr = r->lr,
    .grad_norm = r->grad_norm,
    .n_ops = (guint) r->n_ops,
    .ops = item->ops,
    .has_histograms = r->has_histograms,
  };
  memcpy (item->ops, r->ops, r->n_ops * sizeof (nn_op_stats));
  if (r->step == 1 || self->snap_step == 0
      || g_get_monotonic_time () - self->snap_at >= SNAPSHOT_US)
    {
      /* The worker owns the model: copying here, between steps, is safe;
       * the lock keeps a reader from seeing half a copy. */
      self->snap_at = g_get_monotonic_time ();
      g_mutex_lock (&self->mutex);
      memcpy (self->snap_params, nn_model_params (self->model),
              nn_model_n_params (self->model) * sizeof (float));
      memcpy (self->snap_buffers, nn_model_buffers (self->model),
              nn_model_n_buffers (self->model) * sizeof (float));
      self->snap_step = r->step + 1;
      g_mutex_unlock (&self->mutex);
    }
  if (r->has_histograms)
    {
      item->step.weight_hist = copy_histograms (r);
      item->step.grad_hist = item->step.weight_hist + r->n_ops;
      item->step.act_hist = item->step.weight_hist + 2 * r->n_ops;
    }

  g_mutex_lock (&self->mutex);
  push_locked (self, item);
  self->spare = self->free_items;
  if (self->spare != NULL)
    {
      self->free_items = self->spare->next_free;
      self->n_free--;
    }
  g_mutex_unlock (&self->mutex);
  return true;
}

static bool
epoch_cb (const nn_epoch_report *r,
          void                  *user_data)
{
  BpSession *self = user_data;
  Item *item = item_new (ITEM_EPOCH, 0);

  item->epoch.report = *r;
  item->epoch.dead_fraction = g_memdup2 (r->dead_fraction, r->n_ops * sizeof (double));
  item->epoch.report.dead_fraction = item->epoch.dead_fraction;

  g_mutex_lock (&self->mutex);
  push_locked (self, item);
  g_mutex_unlock (&self->mutex);
  return true;
}

/* On the worker, when `commands` is set: applies a new rate, and waits
 * while paused (saying so once per command). Returns FALSE to quit. */
static gboolean
obey_commands (BpSession *self)
{
  gboolean go;

  g_mutex_lock (&self->mutex);
  for (;;)
    {
      g_atomic_int_set (&self->commands, 0);
      if (self->quit)
        break;
      if (self->lr_pending)
        {
          nn_trainer_set_lr (self->trainer, self->new_lr);
          self->worker_lr_seq = self->new_lr_seq;
          self->lr_pending = FALSE;
        }
      if (self->mode == MODE_RUN)
        break;
      if (self->mode == MODE_STEP)
        {
          /* This step, then pause: look again after it. */
          self->mode = MODE_PAUSE;
          g_atomic_int_set (&self->commands, 1);
          break;
        }
      if (self->acked != self->seq)
        {
          Item *item = item_new (ITEM_PAUSED, 0);

          self->acked = self->seq;
          item->seq = self->seq;
          item->lr_seq = self->worker_lr_seq;
          item->lr = nn_trainer_get_lr (self->trainer);
          push_locked (self, item);
        }
      g_cond_wait (&self->cond, &self->mutex);
    }
  go = !self->quit;
  g_mutex_unlock (&self->mutex);
  return go;
}

/* The worker thread: steps until the run ends or the main thread says
 * quit. It touches the trainer, the model and the fields marked as its
 * own, and everything else only under the mutex. */
static gpointer
bp_session_worker (gpointer user_data)
{
  BpSession *self = user_data;
  nn_train_state end;
  Item *done;

  do
    {
      if (g_atomic_int_get (&self->commands) && !obey_commands (self))
        return NULL;
      end = nn_trainer_step (self->trainer);
    }
  while (end == NN_TRAIN_RUNNING);

  done = item_new (ITEM_DONE, 0);
  done->end = end;
  done->lr_seq = self->worker_lr_seq;
  done->lr = nn_trainer_get_lr (self->trainer);
  g_mutex_lock (&self->mutex);
  push_locked (self, done);
  g_mutex_unlock (&self->mutex);
  return NULL;
}

static void
set_state (BpSession      *self,
           BpSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Under the mutex: tells the worker to run, pause or take one step. */
static void
command_locked (BpSession *self,
                RunMode    mode)
{
  self->mode = mode;
  self->seq++;
  g_atomic_int_set (&self->commands, 1);
  g_cond_signal (&self->cond);
}

/* Makes the worker quit after its current step and joins it. */
static void
join_worker (BpSession *self)
{
  if (self->worker == NULL)
    return;
  g_mutex_lock (&self->mutex);
  self->quit = TRUE;
  g_atomic_int_set (&self->commands, 1);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_thread_join (g_steal_pointer (&self->worker));

  g_mutex_lock (&self->mutex);
  self->quit = FALSE;
  g_mutex_unlock (&self->mutex);
}

/* Keeps a handled step item for the worker to fill again: one of the
 * current model's size (a handler may have set up another model while the
 * item was being delivered). */
static void
recycle_item (BpSession *self,
              Item      *item)
{
  if (item->kind != ITEM_STEP || item->capacity != self->n_ops
      || self->n_handled >= MAX_FREE_ITEMS)
    {
      item_free (item);
      return;
    }
  g_clear_pointer (&item->step.weight_hist, g_free);
  item->next_free = self->handled;
  if (self->handled == NULL)
    self->handled_tail = item;
  self->handled = item;
  self->n_handled++;
}

/* Under the mutex: gives the handled step items to the free list. */
static void
return_items_locked (BpSession *self)
{
  if (self->handled == NULL)
    return;
  if (self->n_free >= MAX_FREE_ITEMS)
    free_item_list (self->handled);
  else
    {
      self->handled_tail->next_free = self->free_items;
      self->free_items = self->handled;
      self->n_free += self->n_handled;
    }
  self->handled = NULL;
  self->handled_tail = NULL;
  self->n_handled = 0;
}

/* Frees every item and the recycled ones (no worker may be running). */
static void
drop_items (BpSession *self)
{
  GList *link;

  g_mutex_lock (&self->mutex);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  queue_move (&self->queue, &self->delivering);
  return_items_locked (self);
  free_item_list (g_steal_pointer (&self->free_items));
  self->n_free = 0;
  g_mutex_unlock (&self->mutex);

  while ((link = g_queue_pop_head_link (&self->delivering)) != NULL)
    item_free (link->data);
  g_clear_pointer (&self->spare, item_free);
}

static void
handle_item (BpSession *self,
             Item      *item,
             gboolean   apply_state)
{
  switch (item->kind)
    {
    case ITEM_STEP:
      self->step = item->step.step;
      /* Records stepped before a rate set by hand would move it back. */
      if (item->lr_seq == self->lr_seq)
        self->lr = item->step.lr;
      g_signal_emit (self, signals[SIGNAL_STEP], 0, &item->step);
      break;

    case ITEM_EPOCH:
      self->epoch = item->epoch.report.epoch;
      g_signal_emit (self, signals[SIGNAL_EPOCH], 0, &item->epoch);
      break;

    case ITEM_PAUSED:
      /* Stopped between steps, the rate in effect is the trainer's: an
       * epoch's end may have moved it since the last step. */
      if (item->lr_seq == self->lr_seq)
        self->lr = item->lr;
      if (apply_state && item->seq == self->seq && self->state == BP_SESSION_RUNNING)
        set_state (self, BP_SESSION_PAUSED);
      break;

    case ITEM_DONE:
      /* The worker returns right after queuing this. */
      if (self->worker != NULL)
        g_thread_join (g_steal_pointer (&self->worker));
      if (item->lr_seq == self->lr_seq)
        self->lr = item->lr;
      if (item->end == NN_TRAIN_DIVERGED)
        self->divergence = *nn_trainer_get_divergence (self->trainer);
      if (apply_state)
        set_state (self, item->end == NN_TRAIN_DIVERGED ? BP_SESSION_DIVERGED
                                                        : BP_SESSION_FINISHED);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Handles the queued items in order, emitting the signals. A handler may
 * stop the session or set it up anew, which delivers the rest from inside
 * (so the order holds) and leaves nothing for this loop. */
static void
deliver (BpSession *self,
         gboolean   apply_state)
{
  GList *link;

  g_object_ref (self);
  while (!self->disposed && (link = g_queue_pop_head_link (&self->delivering)) != NULL)
    {
      Item *item = link->data;

      handle_item (self, item, apply_state);
      recycle_item (self, item);
    }
  g_object_unref (self);
}

static gboolean
bp_session_in_idle (gpointer user_data)
{
  BpSession *self = user_data;

  /* dispose removes this source before the session goes away, and both
   * run on the main thread, so self is alive here. */
  g_mutex_lock (&self->mutex);
  self->idle_id = 0;
  self->delivered_at = g_get_monotonic_time ();
  queue_move (&self->queue, &self->delivering);
  return_items_locked (self);
  g_mutex_unlock (&self->mutex);

  deliver (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* Joins the worker and hands over what it left, without state changes
 * (the caller sets the state). */
static void
end_run (BpSession *self)
{
  join_worker (self);
  g_mutex_lock (&self->mutex);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  queue_move (&self->queue, &self->delivering);
  g_mutex_unlock (&self->mutex);

  self->stopping = TRUE;
  deliver (self, FALSE);
  self->stopping = FALSE;
}

/* Makes @trainer (built on the session's model) the session's, for a new
 * run: counters from 0, the rate it starts at. */
static void
take_trainer (BpSession  *self,
              nn_trainer *trainer)
{
  nn_trainer_set_callbacks (trainer, step_cb, epoch_cb, self);
  g_clear_pointer (&self->trainer, nn_trainer_free);
  self->trainer = trainer;
  self->fresh = TRUE;
  self->step = 0;
  self->epoch = 0;
  self->lr = nn_trainer_get_lr (trainer);
  memset (&self->divergence, 0, sizeof self->divergence);
}

/* A new trainer on the current weights: fresh optimizer state, schedule
 * and counters, params.epochs to go. */
static gboolean
new_trainer (BpSession  *self,
             GError    **error)
{
  nn_error err = { 0 };
  nn_trainer *trainer = nn_trainer_new (self->model, &self->params, &self->train, &self->val,
                                        &err);

  if (trainer == NULL)
    {
      g_set_error (error, BP_SESSION_ERROR, err.status, "%s", err.msg);
      return FALSE;
    }
  take_trainer (self, trainer);
  return TRUE;
}

/* Starts a worker on a fresh trainer, from READY, FINISHED or DIVERGED. */
static void
begin_run (BpSession *self,
           RunMode    mode)
{
  g_autoptr (GError) error = NULL;

  g_assert (self->worker == NULL);
  if (!self->fresh && !new_trainer (self, &error))
    {
      g_warning ("cannot start training: %s", error->message);
      return;
    }
  self->fresh = FALSE;
  self->worker_lr_seq = self->lr_seq;
  g_mutex_lock (&self->mutex);
  self->lr_pending = FALSE;
  command_locked (self, mode);
  g_mutex_unlock (&self->mutex);

  self->worker = g_thread_try_new ("bp-session", bp_session_worker, self, &error);
  if (self->worker == NULL)
    {
      g_warning ("cannot start training: %s", error->message);
      return;
    }
  set_state (self, BP_SESSION_RUNNING);
}

static void
bp_session_dispose (GObject *object)
{
  BpSession *self = BP_SESSION (object);

  /* No thread and no idle outlive this: the worker is joined first, so no
   * new idle can be added, then the pending one is removed. */
  join_worker (self);
  drop_items (self);
  self->disposed = TRUE;
  g_clear_pointer (&self->trainer, nn_trainer_free);
  g_clear_pointer (&self->model, nn_model_free);
  g_clear_pointer (&self->snap_params, g_free);
  g_clear_pointer (&self->snap_buffers, g_free);
  g_clear_object (&self->data);
  self->state = BP_SESSION_EMPTY;

  G_OBJECT_CLASS (bp_session_parent_class)->dispose (object);
}

static void
bp_session_finalize (GObject *object)
{
  BpSession *self = BP_SESSION (object);

  /* An item a handler was given while it disposed the session. */
  drop_items (self);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (bp_session_parent_class)->finalize (object);
}

static void
bp_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BpSession *self = BP_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_session_class_init (BpSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bp_session_dispose;
  object_class->finalize = bp_session_finalize;
  object_class->get_property = bp_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, BP_TYPE_SESSION_STATE, BP_SESSION_EMPTY,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STEP] =
    g_signal_new ("step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__POINTER, G_TYPE_NONE, 1, G_TYPE_POINTER);
  g_signal_set_va_marshaller (signals[SIGNAL_STEP], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__POINTERv);
  signals[SIGNAL_EPOCH] =
    g_signal_new ("epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__POINTER, G_TYPE_NONE, 1, G_TYPE_POINTER);
  g_signal_set_va_marshaller (signals[SIGNAL_EPOCH], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__POINTERv);
}

static void
bp_session_init (BpSession *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  g_queue_init (&self->delivering);
  nn_model_spec_init (&self->spec);
  self->params = nn_trainer_params_default ();
  self->mode = MODE_PAUSE;
}

BpSession *
bp_session_new (void)
{
  return g_object_new (BP_TYPE_SESSION, NULL);
}

BpSessionState
bp_session_get_state (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), BP_SESSION_EMPTY);

  return self->state;
}

gboolean
bp_session_setup (BpSession               *self,
                  BpData                  *data,
                  const nn_model_spec     *spec,
                  const nn_trainer_params *params,
                  const float             *weights,
                  const float             *buffers,
                  GError                 **error)
{
  nn_error err = { 0 };
  nn_dataset train, val;
  nn_model *model;
  nn_trainer *trainer;
  gsize max_batch;

  g_return_val_if_fail (BP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (BP_IS_DATA (data), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != BP_SESSION_EMPTY)
    bp_session_stop (self);

  train = bp_data_get_train (data);
  val = bp_data_get_val (data);
  if (train.n == 0)
    {
      g_set_error_literal (error, BP_SESSION_ERROR, NN_ERR_INVALID, "there are no training rows");
      return FALSE;
    }
  if (spec->inputs != train.d)
    {
      g_set_error (error, BP_SESSION_ERROR, NN_ERR_INVALID,
                   "the model takes %zu inputs but the data have %zu features", spec->inputs,
                   train.d);
      return FALSE;
    }
  if (nn_model_spec_check (spec, train.task, train.k, &err) != NN_OK
      || nn_trainer_params_check (params, &err) != NN_OK)
    {
      g_set_error (error, BP_SESSION_ERROR, err.status, "%s", err.msg);
      return FALSE;
    }

  /* GD takes the whole training part in one batch; so does a batch larger
   * than it. */
  max_batch = params->opt.kind == NN_OPT_GD || params->batch > train.n ? train.n : params->batch;
  model = nn_model_new (spec, max_batch, &err);
  if (model == NULL)
    {
      g_set_error (error, BP_SESSION_ERROR, err.status, "%s", err.msg);
      return FALSE;
    }
  /* Given weights without buffers still need batch norm's initial running
   * statistics, which come with fresh parameters. */
  nn_model_init_params (model, params->seed);
  if (weights != NULL)
    memcpy (nn_model_params (model), weights, nn_model_n_params (model) * sizeof (float));
  if (buffers != NULL)
    memcpy (nn_model_buffers (model), buffers, nn_model_n_buffers (model) * sizeof (float));
  trainer = nn_trainer_new (model, params, &train, &val, &err);
  if (trainer == NULL)
    {
      nn_model_free (model);
      g_set_error (error, BP_SESSION_ERROR, err.status, "%s", err.msg);
      return FALSE;
    }

  /* The step items of the last model have another size. */
  drop_items (self);
  g_clear_pointer (&self->trainer, nn_trainer_free);
  g_clear_pointer (&self->model, nn_model_free);
  g_set_object (&self->data, data);
  self->spec = *spec;
  self->params = *params;
  self->model = model;
  self->train = train;
  self->val = val;
  self->n_ops = nn_model_n_ops (model);
  g_free (self->snap_params);
  g_free (self->snap_buffers);
  self->snap_params = g_new0 (float, nn_model_n_params (model) + 1);
  self->snap_buffers = g_new0 (float, nn_model_n_buffers (model) + 1);
  self->snap_step = 0;
  self->snap_at = 0;
  take_trainer (self, trainer);
  set_state (self, BP_SESSION_READY);
  return TRUE;
}

void
bp_session_start (BpSession *self)
{
  g_return_if_fail (BP_IS_SESSION (self));
  g_return_if_fail (self->state != BP_SESSION_EMPTY);
  g_return_if_fail (!self->stopping);

  switch (self->state)
    {
    case BP_SESSION_RUNNING:
      /* Cancels a pause or single step the worker has not reached yet. */
      g_mutex_lock (&self->mutex);
      if (self->mode != MODE_RUN)
        command_locked (self, MODE_RUN);
      g_mutex_unlock (&self->mutex);
      break;

    case BP_SESSION_PAUSED:
      g_mutex_lock (&self->mutex);
      command_locked (self, MODE_RUN);
      g_mutex_unlock (&self->mutex);
      set_state (self, BP_SESSION_RUNNING);
      break;

    case BP_SESSION_READY:
    case BP_SESSION_FINISHED:
    case BP_SESSION_DIVERGED:
      begin_run (self, MODE_RUN);
      break;

    case BP_SESSION_EMPTY:
    default:
      g_assert_not_reached ();
    }
}

void
bp_session_pause (BpSession *self)
{
  g_return_if_fail (BP_IS_SESSION (self));

  if (self->state != BP_SESSION_RUNNING)
    return;
  g_mutex_lock (&self->mutex);
  if (self->mode != MODE_PAUSE)
    command_locked (self, MODE_PAUSE);
  g_mutex_unlock (&self->mutex);
}

void
bp_session_step (BpSession *self)
{
  g_return_if_fail (BP_IS_SESSION (self));
  g_return_if_fail (self->state != BP_SESSION_EMPTY);
  g_return_if_fail (!self->stopping);

  switch (self->state)
    {
    case BP_SESSION_RUNNING:
      /* Running on: pause after the step under way. */
      bp_session_pause (self);
      break;

    case BP_SESSION_PAUSED:
      g_mutex_lock (&self->mutex);
      command_locked (self, MODE_STEP);
      g_mutex_unlock (&self->mutex);
      set_state (self, BP_SESSION_RUNNING);
      break;

    case BP_SESSION_READY:
    case BP_SESSION_FINISHED:
    case BP_SESSION_DIVERGED:
      begin_run (self, MODE_STEP);
      break;

    case BP_SESSION_EMPTY:
    default:
      g_assert_not_reached ();
    }
}

void
bp_session_stop (BpSession *self)
{
  g_return_if_fail (BP_IS_SESSION (self));

  if (self->state == BP_SESSION_EMPTY)
    return;
  end_run (self);
  set_state (self, BP_SESSION_READY);
}

void
bp_session_reset (BpSession *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (BP_IS_SESSION (self));

  if (self->state == BP_SESSION_EMPTY)
    return;
  end_run (self);
  nn_model_init_params (self->model, self->params.seed);
  if (!new_trainer (self, &error))
    {
      /* The old trainer stays, marked used: the next start tries again. */
      g_warning ("cannot reset training: %s", error->message);
      self->fresh = FALSE;
    }
  set_state (self, BP_SESSION_READY);
}

gboolean
bp_session_recover (BpSession *self,
                    double     lr)
{
  g_return_val_if_fail (BP_IS_SESSION (self), FALSE);

  if (self->state != BP_SESSION_DIVERGED || self->trainer == NULL
      || !nn_trainer_recover (self->trainer, lr))
    return FALSE;
  /* The same trainer runs on, rolled back, at the new rate. */
  memset (&self->divergence, 0, sizeof self->divergence);
  self->params.opt.lr = lr;
  self->lr = lr;
  self->lr_seq++;
  self->fresh = TRUE;
  begin_run (self, MODE_RUN);
  return TRUE;
}

guint64
bp_session_copy_weights (BpSession *self,
                         float     *params,
                         float     *buffers)
{
  guint64 step;

  g_return_val_if_fail (BP_IS_SESSION (self), 0);

  if (self->model == NULL)
    return 0;
  if (self->state != BP_SESSION_RUNNING)
    {
      /* No worker writes the model now. */
      memcpy (params, nn_model_params (self->model),
              nn_model_n_params (self->model) * sizeof (float));
      memcpy (buffers, nn_model_buffers (self->model),
              nn_model_n_buffers (self->model) * sizeof (float));
      return self->step + 1;
    }
  g_mutex_lock (&self->mutex);
  memcpy (params, self->snap_params, nn_model_n_params (self->model) * sizeof (float));
  memcpy (buffers, self->snap_buffers, nn_model_n_buffers (self->model) * sizeof (float));
  step = self->snap_step;
  g_mutex_unlock (&self->mutex);
  return step;
}

void
bp_session_set_lr (BpSession *self,
                   double     lr)
{
  g_return_if_fail (BP_IS_SESSION (self));
  g_return_if_fail (isfinite (lr) && lr > 0.0);

  /* Runs started later begin at this rate too. */
  self->params.opt.lr = lr;
  self->lr = lr;
  self->lr_seq++;
  if (self->worker != NULL)
    {
      g_mutex_lock (&self->mutex);
      self->new_lr = lr;
      self->new_lr_seq = self->lr_seq;
      self->lr_pending = TRUE;
      g_atomic_int_set (&self->commands, 1);
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->mutex);
    }
  else if (self->trainer != NULL)
    nn_trainer_set_lr (self->trainer, lr);
}

double
bp_session_get_lr (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), 0.0);

  return self->state == BP_SESSION_EMPTY ? self->params.opt.lr : self->lr;
}

nn_model *
bp_session_get_model (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), NULL);

  return self->model;
}

BpData *
bp_session_get_data (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), NULL);

  return self->data;
}

const nn_trainer_params *
bp_session_get_params (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), NULL);

  return self->model != NULL ? &self->params : NULL;
}

const nn_model_spec *
bp_session_get_spec (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), NULL);

  return self->model != NULL ? &self->spec : NULL;
}

guint64
bp_session_get_step (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), 0);

  return self->step;
}

int
bp_session_get_epoch (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), 0);

  return self->epoch;
}

const nn_divergence *
bp_session_get_divergence (BpSession *self)
{
  g_return_val_if_fail (BP_IS_SESSION (self), NULL);

  return self->state == BP_SESSION_DIVERGED ? &self->divergence : NULL;
}
