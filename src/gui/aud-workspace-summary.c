/* aud-workspace-summary.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-workspace-summary"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-workspace-summary.h"

static void
aud_event_count_free (AudEventCount *count)
{
  g_free (count->name);
  g_free (count);
}

static void
aud_import_record_free (AudImportRecord *record)
{
  g_free (record->file);
  g_free (record->kind);
  g_free (record);
}

/**
 * aud_workspace_title_from_path:
 *
 * Returns: (transfer full): the file name of @path without its ".audiences"
 *   extension, for display
 */
char *
aud_workspace_title_from_path (const char *path)
{
  g_autofree char *basename = g_filename_display_basename (path);

  if (g_str_has_suffix (basename, ".audiences") &&
      strlen (basename) > strlen (".audiences"))
    basename[strlen (basename) - strlen (".audiences")] = '\0';

  return g_steal_pointer (&basename);
}

/* Appends one AudEventCount per event name, largest first. */
static gboolean
load_event_counts (AudStore   *store,
                   GPtrArray  *event_counts,
                   GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = aud_store_prepare (store,
                            "SELECT n.name, count(*) FROM events e "
                            "JOIN event_names n ON n.id = e.name "
                            "GROUP BY e.name ORDER BY 2 DESC, 1",
                            error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AudEventCount *count = g_new0 (AudEventCount, 1);

      count->name = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      count->count = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (event_counts, count);
    }

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* Appends the latest imports, newest first. */
static gboolean
load_imports (AudStore   *store,
              GPtrArray  *imports,
              GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = aud_store_prepare (store,
                            "SELECT file, kind, started, rows_read, rows_inserted, "
                            "rows_updated, rows_rejected, rows_unknown_customer "
                            "FROM imports ORDER BY started DESC, id DESC LIMIT ?1",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, AUD_WORKSPACE_SUMMARY_MAX_IMPORTS);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AudImportRecord *record = g_new0 (AudImportRecord, 1);

      record->file = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      record->kind = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      record->started = sqlite3_column_int64 (stmt, 2);
      record->rows_read = sqlite3_column_int64 (stmt, 3);
      record->rows_inserted = sqlite3_column_int64 (stmt, 4);
      record->rows_updated = sqlite3_column_int64 (stmt, 5);
      record->rows_rejected = sqlite3_column_int64 (stmt, 6);
      record->rows_unknown_customer = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (imports, record);
    }

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* Spans shorter than this are counted by week. */
#define WEEKLY_SPAN (183 * G_TIME_SPAN_DAY / G_TIME_SPAN_SECOND)

/* The first second of the period holding @ts (UTC): its month, or the
 * Monday of its week. */
static GDateTime *
period_start (gint64   ts,
              gboolean weekly)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (ts);
  g_autoptr(GDateTime) day = NULL;

  if (at == NULL)
    return NULL;

  if (!weekly)
    return g_date_time_new_utc (g_date_time_get_year (at), g_date_time_get_month (at), 1,
                                0, 0, 0.0);

  day = g_date_time_new_utc (g_date_time_get_year (at), g_date_time_get_month (at),
                             g_date_time_get_day_of_month (at), 0, 0, 0.0);
  return g_date_time_add_days (day, 1 - g_date_time_get_day_of_week (day));
}

/* Fills @timeline with the events of each period from the first event to
 * the last. Each period is a count over the (name, ts) index, one range per
 * event name: the index entries are walked once in all, with no sorting. */
static gboolean
load_timeline (AudStore      *store,
               GArray        *timeline,
               gboolean      *weekly,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) span = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(GDateTime) start = NULL;
  gint64 first, last;
  int rc;

  /* min() and max() per name are single index seeks. */
  span = aud_store_prepare (store,
                            "SELECT min((SELECT min(ts) FROM events WHERE name = n.id)), "
                            "max((SELECT max(ts) FROM events WHERE name = n.id)) "
                            "FROM event_names n",
                            error);
  if (span == NULL)
    return FALSE;

  rc = sqlite3_step (span);
  if (rc != SQLITE_ROW)
    {
      aud_store_set_error (store, rc, error);
      return FALSE;
    }
  if (sqlite3_column_type (span, 0) == SQLITE_NULL)
    return TRUE;

  first = sqlite3_column_int64 (span, 0);
  last = sqlite3_column_int64 (span, 1);
  *weekly = last - first < WEEKLY_SPAN;

  count = aud_store_prepare (store,
                             "SELECT count(*) FROM events "
                             "WHERE name IN (SELECT id FROM event_names) "
                             "AND ts >= ?1 AND ts < ?2",
                             error);
  if (count == NULL)
    return FALSE;

  start = period_start (first, *weekly);
  while (start != NULL && g_date_time_to_unix (start) <= last)
    {
      g_autoptr(GDateTime) end = *weekly ? g_date_time_add_weeks (start, 1)
                                         : g_date_time_add_months (start, 1);
      AudTimelineBucket bucket = { g_date_time_to_unix (start), 0 };

      if (end == NULL || g_cancellable_is_cancelled (cancellable))
        break;

      sqlite3_reset (count);
      sqlite3_bind_int64 (count, 1, bucket.start);
      sqlite3_bind_int64 (count, 2, g_date_time_to_unix (end));
      rc = sqlite3_step (count);
      if (rc != SQLITE_ROW)
        {
          aud_store_set_error (store, rc, error);
          return FALSE;
        }
      bucket.count = sqlite3_column_int64 (count, 0);
      g_array_append_val (timeline, bucket);

      g_date_time_unref (start);
      start = g_steal_pointer (&end);
    }

  return TRUE;
}

void
aud_workspace_summary_free (AudWorkspaceSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->path);
  g_free (summary->title);
  g_clear_pointer (&summary->fields, g_ptr_array_unref);
  g_clear_pointer (&summary->properties, g_ptr_array_unref);
  g_clear_pointer (&summary->event_counts, g_ptr_array_unref);
  g_clear_pointer (&summary->imports, g_ptr_array_unref);
  g_clear_pointer (&summary->timeline, g_array_unref);
  g_free (summary);
}

/**
 * aud_workspace_summary_is_empty:
 *
 * Returns: %TRUE when the workspace holds neither customers nor events
 */
gboolean
aud_workspace_summary_is_empty (const AudWorkspaceSummary *summary)
{
  g_return_val_if_fail (summary != NULL, TRUE);

  return summary->n_customers == 0 && summary->n_events == 0;
}

/**
 * aud_workspace_summary_load:
 * @path: the workspace file
 * @flags: how to open it (%AUD_STORE_OPEN_CREATE makes a new, empty one)
 * @cancellable: (nullable): stops the queries
 * @error: return location for an error
 *
 * Opens @path on a connection of its own and reads the summary. Any thread.
 *
 * Returns: (transfer full): the summary, or %NULL with @error set (an
 *   #AudStoreError, %G_IO_ERROR_NOT_FOUND or %G_IO_ERROR_CANCELLED)
 */
AudWorkspaceSummary *
aud_workspace_summary_load (const char         *path,
                            AudStoreOpenFlags   flags,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autoptr(AudWorkspaceSummary) summary = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  store = aud_store_open (path, flags, error);
  if (store == NULL)
    return NULL;

  aud_store_watch_cancellable (store, cancellable);

  summary = g_new0 (AudWorkspaceSummary, 1);
  summary->path = g_strdup (path);
  summary->event_counts = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_event_count_free);
  summary->imports = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_import_record_free);
  summary->timeline = g_array_new (FALSE, FALSE, sizeof (AudTimelineBucket));

  name = aud_store_dup_meta (store, "name");
  if (name != NULL && *name != '\0')
    summary->title = g_steal_pointer (&name);
  else
    summary->title = aud_workspace_title_from_path (path);

  summary->n_customers = aud_store_count_customers (store);
  summary->n_events = aud_store_count_events (store);
  summary->fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
  summary->properties = aud_store_list_fields (store, AUD_SCOPE_EVENT);

  if (!load_event_counts (store, summary->event_counts, error) ||
      !load_imports (store, summary->imports, error) ||
      !load_timeline (store, summary->timeline, &summary->timeline_weekly,
                      cancellable, error))
    return NULL;

  /* The counts above return -1 rather than fail; a cancelled read must not
   * look like an empty workspace. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (summary->n_customers < 0 || summary->n_events < 0 ||
      summary->fields == NULL || summary->properties == NULL)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_CORRUPT,
                   _("Could not read the contents of %s"), path);
      return NULL;
    }

  return g_steal_pointer (&summary);
}
