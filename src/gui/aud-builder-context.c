/* aud-builder-context.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-builder-context"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-builder-context.h"
#include "aud-compiler.h"
#include "aud-suggest.h"
#include "aud-value.h"

/* Places offered for "near", most customers first. */
#define MAX_PLACES 2000

struct _AudBuilderContext
{
  GObject        parent_instance;

  AudEngine     *engine;
  AudSegmentDoc *doc;
  char          *path;
  gint64         now;
  char          *today;
  gint64         n_customers;
  GPtrArray     *fields;      /* (element-type AudField) */
  GPtrArray     *properties;  /* (element-type AudField), then @hour and @weekday */
  GPtrArray     *events;      /* (element-type utf8) */
  GPtrArray     *segments;    /* (element-type utf8) */
  GPtrArray     *places;      /* (element-type AudPlace); NULL until read */
  GCancellable  *places_cancellable; /* while reading them */
  char          *focus_path;  /* to show once the builder is rebuilt */
};

G_DEFINE_FINAL_TYPE (AudBuilderContext, aud_builder_context, G_TYPE_OBJECT)

enum {
  LOADED,
  PLACES_LOADED,
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char      *path;
  gint64     now;
  char      *today;
  gint64     n_customers;
  GPtrArray *fields;
  GPtrArray *properties;
  GPtrArray *events;
  GPtrArray *segments;
} Catalog;

static void
catalog_free (Catalog *catalog)
{
  g_free (catalog->path);
  g_free (catalog->today);
  g_clear_pointer (&catalog->fields, g_ptr_array_unref);
  g_clear_pointer (&catalog->properties, g_ptr_array_unref);
  g_clear_pointer (&catalog->events, g_ptr_array_unref);
  g_clear_pointer (&catalog->segments, g_ptr_array_unref);
  g_free (catalog);
}

static AudField *
builtin_property (const char *name)
{
  AudField *field = g_new0 (AudField, 1);

  field->id = -1;
  field->scope = AUD_SCOPE_EVENT;
  field->name = g_strdup (name);
  field->type = AUD_FIELD_INTEGER;

  return field;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Catalog *catalog = task_data;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GTimeZone *tz;
  int year, month, day;

  if ((store = aud_store_open (catalog->path, AUD_STORE_OPEN_READ_ONLY, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  catalog->now = aud_engine_get_default_now (store);
  tz = aud_store_get_timezone (store);
  aud_date_of_time (tz, catalog->now, &year, &month, &day);
  catalog->today = aud_value_format_date (year, month, day);
  catalog->n_customers = aud_store_count_customers (store);
  catalog->fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
  catalog->properties = aud_store_list_fields (store, AUD_SCOPE_EVENT);
  g_ptr_array_add (catalog->properties, builtin_property ("@hour"));
  g_ptr_array_add (catalog->properties, builtin_property ("@weekday"));
  catalog->events = aud_store_list_event_names (store);
  if ((catalog->segments = aud_segment_list_names (store, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
aud_builder_context_dispose (GObject *object)
{
  AudBuilderContext *self = (AudBuilderContext *)object;

  g_cancellable_cancel (self->places_cancellable);
  g_clear_object (&self->places_cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->doc);

  G_OBJECT_CLASS (aud_builder_context_parent_class)->dispose (object);
}

static void
aud_builder_context_finalize (GObject *object)
{
  AudBuilderContext *self = (AudBuilderContext *)object;

  g_free (self->path);
  g_free (self->today);
  g_free (self->focus_path);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->properties, g_ptr_array_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->places, g_ptr_array_unref);

  G_OBJECT_CLASS (aud_builder_context_parent_class)->finalize (object);
}

static void
aud_builder_context_class_init (AudBuilderContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aud_builder_context_dispose;
  object_class->finalize = aud_builder_context_finalize;

  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PLACES_LOADED] =
    g_signal_new ("places-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
aud_builder_context_init (AudBuilderContext *self)
{
  self->today = g_strdup ("1970-01-01");
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_field_free);
  self->properties = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_field_free);
  self->events = g_ptr_array_new_with_free_func (g_free);
  self->segments = g_ptr_array_new_with_free_func (g_free);
}

AudBuilderContext *
aud_builder_context_new (AudEngine     *engine,
                         AudSegmentDoc *doc)
{
  AudBuilderContext *self;

  g_return_val_if_fail (AUD_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (doc), NULL);

  self = g_object_new (AUD_TYPE_BUILDER_CONTEXT, NULL);
  self->engine = g_object_ref (engine);
  self->doc = g_object_ref (doc);

  return self;
}

AudEngine *
aud_builder_context_get_engine (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->engine;
}

AudSegmentDoc *
aud_builder_context_get_doc (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->doc;
}

void
aud_builder_context_load_async (AudBuilderContext   *self,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Catalog *catalog;

  g_return_if_fail (AUD_IS_BUILDER_CONTEXT (self));
  g_return_if_fail (path != NULL);

  catalog = g_new0 (Catalog, 1);
  catalog->path = g_strdup (path);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aud_builder_context_load_async);
  g_task_set_task_data (task, catalog, (GDestroyNotify)catalog_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
aud_builder_context_load_finish (AudBuilderContext  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  Catalog *catalog;

  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  catalog = g_task_get_task_data (G_TASK (result));

  g_free (self->path);
  self->path = g_strdup (catalog->path);
  self->now = catalog->now;
  g_free (self->today);
  self->today = g_steal_pointer (&catalog->today);
  self->n_customers = catalog->n_customers;
  g_ptr_array_unref (self->fields);
  self->fields = g_steal_pointer (&catalog->fields);
  g_ptr_array_unref (self->properties);
  self->properties = g_steal_pointer (&catalog->properties);
  g_ptr_array_unref (self->events);
  self->events = g_steal_pointer (&catalog->events);
  g_ptr_array_unref (self->segments);
  self->segments = g_steal_pointer (&catalog->segments);

  g_cancellable_cancel (self->places_cancellable);
  g_clear_object (&self->places_cancellable);
  g_clear_pointer (&self->places, g_ptr_array_unref);

  g_signal_emit (self, signals[LOADED], 0);

  return TRUE;
}

const char *
aud_builder_context_get_path (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->path;
}

gint64
aud_builder_context_get_now (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), 0);

  return self->now;
}

const char *
aud_builder_context_get_today (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->today;
}

gint64
aud_builder_context_get_n_customers (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), 0);

  return self->n_customers;
}

GPtrArray *
aud_builder_context_get_fields (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->fields;
}

GPtrArray *
aud_builder_context_get_properties (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->properties;
}

GPtrArray *
aud_builder_context_get_events (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->events;
}

GPtrArray *
aud_builder_context_get_segments (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return self->segments;
}

void
aud_builder_context_set_segments (AudBuilderContext *self,
                                  GPtrArray         *names)
{
  g_return_if_fail (AUD_IS_BUILDER_CONTEXT (self));
  g_return_if_fail (names != NULL);

  g_ptr_array_set_size (self->segments, 0);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (self->segments, g_strdup (g_ptr_array_index (names, i)));
}

const AudField *
aud_builder_context_lookup_field (AudBuilderContext *self,
                                  AudScope           scope,
                                  const char        *name)
{
  GPtrArray *list;

  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  if (name == NULL)
    return NULL;

  list = scope == AUD_SCOPE_CUSTOMER ? self->fields : self->properties;
  for (guint i = 0; i < list->len; i++)
    {
      const AudField *field = g_ptr_array_index (list, i);

      if (g_strcmp0 (field->name, name) == 0)
        return field;
    }

  return NULL;
}

const AudField *
aud_builder_context_lookup_by_role (AudBuilderContext *self,
                                    AudFieldRole       role)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (self->fields, i);

      if (field->role == role)
        return field;
    }

  return NULL;
}

static void
places_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AudBuilderContext) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) places = aud_suggest_places_finish (result, &error);

  if (places == NULL)
    {
      if (!aud_builder_is_cancelled (result, error))
        {
          g_warning ("Could not read the places of %s: %s", self->path, error->message);
          aud_builder_context_report_error (self, error);
        }
      return;
    }

  g_clear_object (&self->places_cancellable);
  g_clear_pointer (&self->places, g_ptr_array_unref);
  self->places = g_steal_pointer (&places);
  g_signal_emit (self, signals[PLACES_LOADED], 0);
}

GPtrArray *
aud_builder_context_get_places (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  if (self->places == NULL && self->places_cancellable == NULL && self->path != NULL)
    {
      self->places_cancellable = g_cancellable_new ();
      aud_suggest_places_async (self->path, MAX_PLACES, self->places_cancellable, places_cb,
                                g_object_ref (self));
    }

  return self->places;
}

void
aud_builder_context_report_error (AudBuilderContext *self,
                                  const GError      *error)
{
  g_return_if_fail (AUD_IS_BUILDER_CONTEXT (self));
  g_return_if_fail (error != NULL);

  g_signal_emit (self, signals[ERROR], 0, error);
}

void
aud_builder_context_request_focus (AudBuilderContext *self,
                                   const char        *path)
{
  g_return_if_fail (AUD_IS_BUILDER_CONTEXT (self));

  g_free (self->focus_path);
  self->focus_path = g_strdup (path);
}

char *
aud_builder_context_take_focus (AudBuilderContext *self)
{
  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (self), NULL);

  return g_steal_pointer (&self->focus_path);
}

gboolean
aud_builder_is_cancelled (GAsyncResult *result,
                          const GError *error)
{
  GCancellable *cancellable;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  cancellable = g_task_get_cancellable (G_TASK (result));

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         (cancellable != NULL && g_cancellable_is_cancelled (cancellable));
}
