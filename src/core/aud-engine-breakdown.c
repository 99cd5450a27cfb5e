/* aud-engine-breakdown.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's breakdown of a segment's members by one customer field,
 * against all customers (aud-engine.h). Built on aud_engine_evaluate():
 * one scan of the field's column counts every customer, and the members
 * among them.
 */

#define G_LOG_DOMAIN "aud-engine"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-engine.h"
#include "aud-value.h"

#define DEFAULT_MAX_VALUES 10
/* Rows between two looks at the cancellable. */
#define CHECK_ROWS 16384

typedef struct
{
  gint64 in_segment;
  gint64 in_base;
} Tally;

/* One customer's value of an ordered field: the number, the boolean, or
 * the year of a date. */
typedef struct
{
  gint64   key;
  gboolean member;
} Keyed;

static void
breakdown_row_free (gpointer data)
{
  AudBreakdownRow *row = data;

  g_free (row->label);
  g_free (row);
}

void
aud_breakdown_free (AudBreakdown *breakdown)
{
  if (breakdown == NULL)
    return;

  g_free (breakdown->field);
  g_clear_pointer (&breakdown->rows, g_ptr_array_unref);
  g_free (breakdown);
}

static AudBreakdownRow *
add_row (AudBreakdown     *breakdown,
         AudBreakdownKind  kind,
         char             *label,
         const Tally      *tally)
{
  AudBreakdownRow *row = g_new0 (AudBreakdownRow, 1);

  row->kind = kind;
  row->label = label;
  row->in_segment = tally->in_segment;
  row->in_base = tally->in_base;
  g_ptr_array_add (breakdown->rows, row);

  return row;
}

static gboolean
is_ordered (AudFieldType type)
{
  return type != AUD_FIELD_TEXT && type != AUD_FIELD_CATEGORY;
}

static gboolean
is_yearly (AudFieldType type)
{
  return type == AUD_FIELD_DATE || type == AUD_FIELD_DATETIME;
}

/* @key as the field shows it. */
static char *
format_key (const AudField *field,
            gint64          key)
{
  switch (field->type)
    {
    case AUD_FIELD_DECIMAL:
      return aud_value_format_decimal (key, field->scale);
    case AUD_FIELD_BOOLEAN:
      return g_strdup (key != 0 ? "true" : "false");
    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DATE:
    case AUD_FIELD_DATETIME:
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
    default:
      return g_strdup_printf ("%" G_GINT64_FORMAT, key);
    }
}

static char *
format_range (const AudField *field,
              gint64          lo,
              gint64          hi)
{
  g_autofree char *from = format_key (field, lo);
  g_autofree char *to = NULL;

  if (lo == hi)
    return g_steal_pointer (&from);

  to = format_key (field, hi);
  /* Translators: a range of values, both included: "100 – 249" */
  return g_strdup_printf (_("%s – %s"), from, to);
}

/* @value rounded down to two significant digits: 12345 -> 12000. */
static gint64
round_down_2_digits (gint64 value)
{
  guint64 magnitude = value < 0 ? -(guint64)value : (guint64)value;
  gint64 unit = 1;
  gint64 q;

  while (magnitude / (guint64)unit >= 100)
    unit *= 10;

  q = value / unit;
  if (value % unit != 0 && value < 0)
    q--;

  return q * unit;
}

/* The lower bounds of the ranges of @keyed (sorted, n > 0) into at most
 * @max ranges: about equally populated for numbers, runs of 1, 2, 5, 10...
 * years for dates. */
static GArray *
range_bounds (const AudField *field,
              const Keyed    *keyed,
              guint           n,
              guint           max)
{
  GArray *bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 min = keyed[0].key;
  gint64 max_key = keyed[n - 1].key;

  if (is_yearly (field->type))
    {
      static const gint64 steps[] = { 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10000 };
      gint64 width = steps[G_N_ELEMENTS (steps) - 1];
      gint64 start;

      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        {
          start = min - ((min % steps[i]) + steps[i]) % steps[i];
          if ((max_key - start) / steps[i] + 1 <= max)
            {
              width = steps[i];
              break;
            }
        }

      start = min - ((min % width) + width) % width;
      for (gint64 b = start; b <= max_key; b += width)
        g_array_append_val (bounds, b);
    }
  else
    {
      gint64 first = round_down_2_digits (min);

      g_array_append_val (bounds, first);
      for (guint k = 1; k < max; k++)
        {
          gint64 b = round_down_2_digits (keyed[(guint64)k * n / max].key);

          if (b > g_array_index (bounds, gint64, bounds->len - 1))
            g_array_append_val (bounds, b);
        }
    }

  return bounds;
}

static int
compare_keyed (gconstpointer a,
               gconstpointer b)
{
  const Keyed *ka = a;
  const Keyed *kb = b;

  return (ka->key > kb->key) - (ka->key < kb->key);
}

/* Value rows of an ordered field: one per distinct key when there are at
 * most @max, else ranges. */
static void
add_ordered_rows (AudBreakdown   *breakdown,
                  const AudField *field,
                  GArray         *values,
                  guint           max)
{
  Keyed *keyed = (Keyed *)(gpointer)values->data;
  guint n = values->len;
  g_autoptr(GArray) bounds = NULL;
  guint n_distinct = 0;
  guint i = 0;

  if (n == 0)
    return;

  qsort (keyed, n, sizeof (Keyed), compare_keyed);
  for (guint k = 0; k < n && n_distinct <= max; k++)
    if (k == 0 || keyed[k].key != keyed[k - 1].key)
      n_distinct++;

  if (n_distinct <= max)
    {
      while (i < n)
        {
          Tally tally = { 0, };
          gint64 key = keyed[i].key;

          for (; i < n && keyed[i].key == key; i++)
            {
              tally.in_base++;
              tally.in_segment += keyed[i].member;
            }
          add_row (breakdown, AUD_BREAKDOWN_VALUE, format_key (field, key), &tally);
        }
      return;
    }

  breakdown->bucketed = TRUE;
  bounds = range_bounds (field, keyed, n, max);
  for (guint b = 0; b < bounds->len; b++)
    {
      gboolean last = b + 1 == bounds->len;
      gint64 lo = g_array_index (bounds, gint64, b);
      gint64 hi = last ? keyed[n - 1].key : g_array_index (bounds, gint64, b + 1) - 1;
      Tally tally = { 0, };

      for (; i < n && keyed[i].key <= hi; i++)
        {
          tally.in_base++;
          tally.in_segment += keyed[i].member;
        }

      if (tally.in_base > 0)
        add_row (breakdown, AUD_BREAKDOWN_VALUE, format_range (field, lo, hi), &tally);
    }
}

typedef struct
{
  const char *value;
  Tally      *tally;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  if (ea->tally->in_segment != eb->tally->in_segment)
    return ea->tally->in_segment > eb->tally->in_segment ? -1 : 1;
  if (ea->tally->in_base != eb->tally->in_base)
    return ea->tally->in_base > eb->tally->in_base ? -1 : 1;

  return strcmp (ea->value, eb->value);
}

/* Value rows of a text field: the @max most common among the members,
 * then the rest together. */
static void
add_text_rows (AudBreakdown *breakdown,
               GHashTable   *tallies,
               guint         max)
{
  guint n = g_hash_table_size (tallies);
  g_autofree Entry *entries = g_new (Entry, MAX (n, 1));
  GHashTableIter iter;
  gpointer key, value;
  Tally other = { 0, };
  guint i = 0;

  g_hash_table_iter_init (&iter, tallies);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      entries[i].value = key;
      entries[i].tally = value;
      i++;
    }

  qsort (entries, n, sizeof (Entry), compare_entries);

  for (i = 0; i < n; i++)
    {
      if (i < max)
        add_row (breakdown, AUD_BREAKDOWN_VALUE, g_strdup (entries[i].value), entries[i].tally);
      else
        {
          other.in_segment += entries[i].tally->in_segment;
          other.in_base += entries[i].tally->in_base;
        }
    }

  if (other.in_base > 0)
    add_row (breakdown, AUD_BREAKDOWN_OTHER, NULL, &other);
}

/* The year of a date ("YYYY-MM-DD") or a date-time (UTC seconds, read in
 * @tz) in the current row; FALSE for a blank or an unreadable value. */
static gboolean
row_year (sqlite3_stmt *stmt,
          AudFieldType  type,
          GTimeZone    *tz,
          gint64       *year)
{
  if (type == AUD_FIELD_DATE)
    {
      const char *text = (const char *)sqlite3_column_text (stmt, 1);
      char *end = NULL;

      if (text == NULL)
        return FALSE;
      *year = g_ascii_strtoll (text, &end, 10);
      return end != text;
    }
  else
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 1));
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;

      if (local == NULL)
        return FALSE;
      *year = g_date_time_get_year (local);
      return TRUE;
    }
}

/* Scans the field's column over all customers into @tallies (text) or
 * @values (ordered), counting blanks in @blank and all in @base_count. */
static gboolean
scan_field (AudStore               *store,
            const AudField         *field,
            const roaring_bitmap_t *members,
            GHashTable             *tallies,
            GArray                 *values,
            Tally                  *blank,
            gint64                 *base_count,
            GCancellable           *cancellable,
            GError                **error)
{
  g_autofree char *column = aud_sql_quote_identifier (field->column);
  g_autofree char *sql = g_strdup_printf ("SELECT id, %s FROM customers", column);
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, error);
  GTimeZone *tz = aud_store_get_timezone (store);
  gint64 n = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean member = roaring_bitmap_contains (members, (guint32)sqlite3_column_int64 (stmt, 0));
      Keyed keyed = { 0, member };
      gboolean present;

      if (++n % CHECK_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!is_ordered (field->type))
        {
          const char *text = (const char *)sqlite3_column_text (stmt, 1);
          Tally *tally;

          present = !aud_value_is_blank (text, NULL);
          if (present)
            {
              tally = g_hash_table_lookup (tallies, text);
              if (tally == NULL)
                {
                  tally = g_new0 (Tally, 1);
                  g_hash_table_insert (tallies, g_strdup (text), tally);
                }
              tally->in_base++;
              tally->in_segment += member;
            }
        }
      else if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
        present = FALSE;
      else if (is_yearly (field->type))
        present = row_year (stmt, field->type, tz, &keyed.key);
      else
        {
          keyed.key = sqlite3_column_int64 (stmt, 1);
          present = TRUE;
        }

      if (present && is_ordered (field->type))
        g_array_append_val (values, keyed);
      else if (!present)
        {
          blank->in_base++;
          blank->in_segment += member;
        }
    }

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return FALSE;
    }

  *base_count = n;
  return TRUE;
}

/**
 * aud_engine_breakdown:
 * @self: the engine
 * @store: the workspace, used on the calling thread
 * @segment: a parsed definition
 * @field: the name of a customer field
 * @max_values: the most value rows; 0 for 10
 * @now: the reference time, UTC seconds
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * See aud-engine.h.
 *
 * Returns: (transfer full): the breakdown, or %NULL with @error set
 */
AudBreakdown *
aud_engine_breakdown (AudEngine         *self,
                      AudStore          *store,
                      const AudSegment  *segment,
                      const char        *field,
                      guint              max_values,
                      gint64             now,
                      GCancellable      *cancellable,
                      GError           **error)
{
  g_autoptr(AudField) catalog_field = NULL;
  g_autoptr(GHashTable) tallies = NULL;
  g_autoptr(GArray) values = NULL;
  AudBreakdown *breakdown;
  roaring_bitmap_t *members;
  Tally blank = { 0, };
  gboolean ok;

  g_return_val_if_fail (AUD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (segment != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  if (max_values == 0)
    max_values = DEFAULT_MAX_VALUES;

  catalog_field = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, field);
  if (catalog_field == NULL)
    {
      g_set_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_NOT_FOUND,
                   _("There is no customer field named “%s”"), field);
      return NULL;
    }

  members = aud_engine_evaluate (self, store, segment, now, cancellable, error);
  if (members == NULL)
    return NULL;

  breakdown = g_new0 (AudBreakdown, 1);
  breakdown->field = g_strdup (catalog_field->name);
  breakdown->type = catalog_field->type;
  breakdown->segment_count = (gint64)roaring_bitmap_get_cardinality (members);
  breakdown->rows = g_ptr_array_new_with_free_func (breakdown_row_free);

  tallies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  values = g_array_new (FALSE, FALSE, sizeof (Keyed));

  aud_store_watch_cancellable (store, cancellable);
  ok = scan_field (store, catalog_field, members, tallies, values, &blank,
                   &breakdown->base_count, cancellable, error);
  aud_store_watch_cancellable (store, NULL);
  roaring_bitmap_free (members);

  if (!ok)
    {
      aud_breakdown_free (breakdown);
      return NULL;
    }

  if (is_ordered (catalog_field->type))
    add_ordered_rows (breakdown, catalog_field, values, max_values);
  else
    add_text_rows (breakdown, tallies, max_values);

  if (blank.in_base > 0)
    add_row (breakdown, AUD_BREAKDOWN_BLANK, NULL, &blank);

  for (guint i = 0; i < breakdown->rows->len; i++)
    {
      AudBreakdownRow *row = g_ptr_array_index (breakdown->rows, i);

      if (breakdown->segment_count > 0)
        row->share_segment = (double)row->in_segment / (double)breakdown->segment_count;
      if (breakdown->base_count > 0)
        row->share_base = (double)row->in_base / (double)breakdown->base_count;
      if (row->share_base > 0.0)
        row->lift = row->share_segment / row->share_base;
    }

  return breakdown;
}

typedef struct
{
  char       *path;
  AudSegment *segment;
  char       *field;
  guint       max_values;
  gint64      now;
} BreakdownData;

static void
breakdown_data_free (gpointer data)
{
  BreakdownData *bd = data;

  g_free (bd->path);
  aud_segment_free (bd->segment);
  g_free (bd->field);
  g_free (bd);
}

static void
breakdown_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  BreakdownData *bd = task_data;
  g_autoptr(AudStore) store = NULL;
  GError *error = NULL;
  AudBreakdown *breakdown;

  store = aud_store_open (bd->path, AUD_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  breakdown = aud_engine_breakdown (source_object, store, bd->segment, bd->field,
                                    bd->max_values, bd->now, cancellable, &error);
  if (breakdown == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, breakdown, (GDestroyNotify)aud_breakdown_free);
}

void
aud_engine_breakdown_async (AudEngine           *self,
                            const char          *store_path,
                            const AudSegment    *segment,
                            const char          *field,
                            guint                max_values,
                            gint64               now,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BreakdownData *bd;

  g_return_if_fail (AUD_IS_ENGINE (self));
  g_return_if_fail (store_path != NULL);
  g_return_if_fail (segment != NULL);
  g_return_if_fail (field != NULL);

  bd = g_new0 (BreakdownData, 1);
  bd->path = g_strdup (store_path);
  bd->segment = aud_segment_copy (segment);
  bd->field = g_strdup (field);
  bd->max_values = max_values;
  bd->now = now;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aud_engine_breakdown_async);
  g_task_set_task_data (task, bd, breakdown_data_free);
  g_task_run_in_thread (task, breakdown_thread);
}

AudBreakdown *
aud_engine_breakdown_finish (AudEngine     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (AUD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aud_engine_breakdown_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
