/* aud-suggest.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-suggest"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-suggest.h"
#include "aud-value.h"

void
aud_value_count_free (AudValueCount *value_count)
{
  if (value_count == NULL)
    return;

  g_free (value_count->value);
  g_free (value_count);
}

void
aud_place_free (AudPlace *place)
{
  if (place == NULL)
    return;

  g_free (place->name);
  g_free (place->country);
  g_free (place);
}

/* @search as a LIKE pattern matching it anywhere, with `\` as the escape
 * character. */
static char *
like_pattern (const char *search)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = search; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

/* The value in column 0 of @stmt as the segment format writes values of
 * @field. */
static char *
column_text (sqlite3_stmt   *stmt,
             const AudField *field)
{
  if (field->type == AUD_FIELD_DECIMAL)
    return aud_value_format_decimal (sqlite3_column_int64 (stmt, 0), field->scale);

  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

static gboolean
has_value_list (AudFieldType type)
{
  return type == AUD_FIELD_TEXT || type == AUD_FIELD_CATEGORY || type == AUD_FIELD_INTEGER ||
         type == AUD_FIELD_DECIMAL || type == AUD_FIELD_DATE;
}

/**
 * aud_suggest_values:
 * @store: the workspace
 * @scope: a customer field or an event property
 * @name: its name
 * @event: (nullable): for a property, count only events of this name
 * @search: (nullable): keep the values containing it
 * @limit: at most this many values
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type AudValueCount): the values, most
 *   common first (ties by value), or %NULL with @error set
 */
GPtrArray *
aud_suggest_values (AudStore      *store,
                    AudScope       scope,
                    const char    *name,
                    const char    *event,
                    const char    *search,
                    guint          limit,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GPtrArray) values = NULL;
  g_autoptr(AudField) field = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *column = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *pattern = NULL;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  values = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_value_count_free);
  if ((field = aud_store_dup_field (store, scope, name)) == NULL)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_FOUND,
                   scope == AUD_SCOPE_CUSTOMER ? _("There is no customer field “%s”")
                                               : _("There is no event property “%s”"),
                   name);
      return NULL;
    }

  if (!has_value_list (field->type) || limit == 0)
    return g_steal_pointer (&values);

  column = aud_sql_quote_identifier (field->column);
  g_assert (column != NULL);

  /* ?1: the LIKE pattern or NULL, ?2: the event name or NULL, ?3: limit.
   * Only event names that exist narrow the events. */
  sql = g_strdup_printf ("SELECT %s, count(*) FROM %s "
                         "WHERE %s IS NOT NULL "
                         "AND (?1 IS NULL OR CAST(%s AS TEXT) LIKE ?1 ESCAPE '\\') %s "
                         "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?3",
                         column, scope == AUD_SCOPE_CUSTOMER ? "customers" : "events",
                         column, column,
                         scope == AUD_SCOPE_EVENT ?
                         "AND customer IS NOT NULL "
                         "AND (?2 IS NULL OR name = (SELECT id FROM event_names WHERE name = ?2))" :
                         "");
  if ((stmt = aud_store_prepare (store, sql, error)) == NULL)
    return NULL;

  if (search != NULL && search[0] != '\0')
    {
      pattern = like_pattern (search);
      sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
    }
  if (event != NULL && scope == AUD_SCOPE_EVENT)
    sqlite3_bind_text (stmt, 2, event, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, limit);

  aud_store_watch_cancellable (store, cancellable);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AudValueCount *value_count = g_new0 (AudValueCount, 1);

      value_count->value = column_text (stmt, field);
      value_count->count = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (values, value_count);
    }
  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      ok = FALSE;
    }
  aud_store_watch_cancellable (store, NULL);

  return ok ? g_steal_pointer (&values) : NULL;
}

/**
 * aud_suggest_places:
 * @store: the workspace
 * @limit: at most this many places
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type AudPlace): the places, or %NULL
 *   with @error set
 */
GPtrArray *
aud_suggest_places (AudStore      *store,
                    guint          limit,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_place_free);
  g_autoptr(AudField) city = NULL;
  g_autoptr(AudField) country = NULL;
  g_autoptr(AudField) lat = NULL;
  g_autoptr(AudField) lon = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *city_column = NULL;
  g_autofree char *country_column = NULL;
  g_autofree char *lat_column = NULL;
  g_autofree char *lon_column = NULL;
  g_autofree char *sql = NULL;
  double lat_unit, lon_unit;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);

  city = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_CITY);
  country = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_COUNTRY);
  lat = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_LATITUDE);
  lon = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_LONGITUDE);

  if (city == NULL || lat == NULL || lon == NULL || limit == 0)
    return g_steal_pointer (&places);

  city_column = aud_sql_quote_identifier (city->column);
  lat_column = aud_sql_quote_identifier (lat->column);
  lon_column = aud_sql_quote_identifier (lon->column);
  country_column = country != NULL ? aud_sql_quote_identifier (country->column) : g_strdup ("NULL");

  /* Decimal coordinates are scaled integers; others are as they are. */
  lat_unit = lat->type == AUD_FIELD_DECIMAL ? pow (10.0, lat->scale) : 1.0;
  lon_unit = lon->type == AUD_FIELD_DECIMAL ? pow (10.0, lon->scale) : 1.0;

  sql = g_strdup_printf ("SELECT %s, %s, avg(%s), avg(%s), count(*) FROM customers "
                         "WHERE %s IS NOT NULL AND %s IS NOT NULL AND %s IS NOT NULL "
                         "GROUP BY 1, 2 ORDER BY 5 DESC, 1 LIMIT ?1",
                         city_column, country_column, lat_column, lon_column,
                         city_column, lat_column, lon_column);
  if ((stmt = aud_store_prepare (store, sql, error)) == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit);

  aud_store_watch_cancellable (store, cancellable);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AudPlace *place = g_new0 (AudPlace, 1);

      place->name = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      place->country = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      place->lat = sqlite3_column_double (stmt, 2) / lat_unit;
      place->lon = sqlite3_column_double (stmt, 3) / lon_unit;
      place->count = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (places, place);
    }
  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      ok = FALSE;
    }
  aud_store_watch_cancellable (store, NULL);

  return ok ? g_steal_pointer (&places) : NULL;
}

/* Close enough for naming a point after a city: an equirectangular
 * distance. */
static double
approximate_km (double lat1,
                double lon1,
                double lat2,
                double lon2)
{
  double to_radians = G_PI / 180.0;
  double x = (lon2 - lon1) * to_radians * cos ((lat1 + lat2) / 2.0 * to_radians);
  double y = (lat2 - lat1) * to_radians;

  return 6371.0 * sqrt (x * x + y * y);
}

const AudPlace *
aud_suggest_nearest_place (GPtrArray *places,
                           double     lat,
                           double     lon,
                           double     max_km)
{
  const AudPlace *nearest = NULL;
  double best = max_km;

  g_return_val_if_fail (places != NULL, NULL);

  for (guint i = 0; i < places->len; i++)
    {
      const AudPlace *place = g_ptr_array_index (places, i);
      double km = approximate_km (lat, lon, place->lat, place->lon);

      if (km <= best)
        {
          best = km;
          nearest = place;
        }
    }

  return nearest;
}

/* Async ------------------------------------------------------------------- */

typedef struct
{
  char     *path;
  AudScope  scope;
  char     *name;
  char     *event;
  char     *search;
  guint     limit;
} SuggestData;

static void
suggest_data_free (SuggestData *data)
{
  g_free (data->path);
  g_free (data->name);
  g_free (data->event);
  g_free (data->search);
  g_free (data);
}

static void
suggest_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SuggestData *data = task_data;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *result;

  if ((store = aud_store_open (data->path, AUD_STORE_OPEN_READ_ONLY, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_get_source_tag (task) == aud_suggest_places_async)
    result = aud_suggest_places (store, data->limit, cancellable, &error);
  else
    result = aud_suggest_values (store, data->scope, data->name, data->event, data->search,
                                 data->limit, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify)g_ptr_array_unref);
}

static void
start_task (gpointer             source_tag,
            SuggestData         *data,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify)suggest_data_free);
  g_task_run_in_thread (task, suggest_thread);
}

void
aud_suggest_values_async (const char          *store_path,
                          AudScope             scope,
                          const char          *name,
                          const char          *event,
                          const char          *search,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  SuggestData *data;

  g_return_if_fail (store_path != NULL);
  g_return_if_fail (name != NULL);

  data = g_new0 (SuggestData, 1);
  data->path = g_strdup (store_path);
  data->scope = scope;
  data->name = g_strdup (name);
  data->event = g_strdup (event);
  data->search = g_strdup (search);
  data->limit = limit;
  start_task (aud_suggest_values_async, data, cancellable, callback, user_data);
}

GPtrArray *
aud_suggest_values_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aud_suggest_values_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
aud_suggest_places_async (const char          *store_path,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  SuggestData *data;

  g_return_if_fail (store_path != NULL);

  data = g_new0 (SuggestData, 1);
  data->path = g_strdup (store_path);
  data->limit = limit;
  start_task (aud_suggest_places_async, data, cancellable, callback, user_data);
}

GPtrArray *
aud_suggest_places_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aud_suggest_places_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
