/* aud-progress.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-progress"

#include "config.h"

#include "aud-progress.h"

struct _AudProgress
{
  GObject       parent_instance;

  GMutex        mutex;
  GMainContext *context;     /* the creating thread's, owned */
  guint         notify_source; /* under mutex: an idle is queued */

  /* under mutex */
  double        fraction;
  gint64        n_processed;
  char         *message;
};

G_DEFINE_FINAL_TYPE (AudProgress, aud_progress, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_N_PROCESSED,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
notify_idle_cb (gpointer user_data)
{
  AudProgress *self = user_data;

  g_mutex_lock (&self->mutex);
  self->notify_source = 0;
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROCESSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);

  return G_SOURCE_REMOVE;
}

static void
aud_progress_finalize (GObject *object)
{
  AudProgress *self = (AudProgress *)object;

  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (aud_progress_parent_class)->finalize (object);
}

static void
aud_progress_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AudProgress *self = AUD_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, aud_progress_get_fraction (self));
      break;

    case PROP_N_PROCESSED:
      g_value_set_int64 (value, aud_progress_get_n_processed (self));
      break;

    case PROP_MESSAGE:
      g_value_take_string (value, aud_progress_dup_message (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_progress_class_init (AudProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_progress_finalize;
  object_class->get_property = aud_progress_get_property;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PROCESSED] =
    g_param_spec_int64 ("n-processed", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aud_progress_init (AudProgress *self)
{
  g_mutex_init (&self->mutex);
  self->context = g_main_context_ref_thread_default ();
}

AudProgress *
aud_progress_new (void)
{
  return g_object_new (AUD_TYPE_PROGRESS, NULL);
}

/**
 * aud_progress_update:
 * @fraction: 0.0 to 1.0, or a negative value to keep the current one
 * @n_processed: rows (or items) done so far, or -1 to keep
 * @message: (nullable): a new message, or %NULL to keep
 *
 * Any thread.
 */
void
aud_progress_update (AudProgress *self,
                     double       fraction,
                     gint64       n_processed,
                     const char  *message)
{
  g_return_if_fail (AUD_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);

  if (fraction >= 0.0)
    self->fraction = CLAMP (fraction, 0.0, 1.0);
  if (n_processed >= 0)
    self->n_processed = n_processed;
  if (message != NULL && g_strcmp0 (message, self->message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
    }

  if (self->notify_source == 0)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_LOW);
      g_source_set_callback (source, notify_idle_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[aud-progress] notify");
      self->notify_source = g_source_attach (source, self->context);
      g_source_unref (source);
    }

  g_mutex_unlock (&self->mutex);
}

double
aud_progress_get_fraction (AudProgress *self)
{
  double fraction;

  g_return_val_if_fail (AUD_IS_PROGRESS (self), 0.0);

  g_mutex_lock (&self->mutex);
  fraction = self->fraction;
  g_mutex_unlock (&self->mutex);

  return fraction;
}

gint64
aud_progress_get_n_processed (AudProgress *self)
{
  gint64 n;

  g_return_val_if_fail (AUD_IS_PROGRESS (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->n_processed;
  g_mutex_unlock (&self->mutex);

  return n;
}

char *
aud_progress_dup_message (AudProgress *self)
{
  char *message;

  g_return_val_if_fail (AUD_IS_PROGRESS (self), NULL);

  g_mutex_lock (&self->mutex);
  message = g_strdup (self->message);
  g_mutex_unlock (&self->mutex);

  return message;
}
