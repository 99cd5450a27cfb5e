/* test-importer.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "aud-demo.h"
#include "aud-engine-private.h"
#include "aud-importer.h"

/* A new workspace in the per-test data dir that G_TEST_OPTION_ISOLATE_DIRS
 * makes. */
static AudStore *
new_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  AudStore *store;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  path = g_build_filename (g_get_user_data_dir (), "test.audiences", NULL);
  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  return store;
}

/* Fixture @name, or @name itself when it is an absolute path. */
static char *
data_path (const char *name)
{
  if (g_path_is_absolute (name))
    return g_strdup (name);

  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/* The default mapping of fixture @name for @kind. */
static AudImportMapping *
mapping_for (const char    *name,
             AudImportKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudImportPreview) preview = NULL;
  g_autofree char *path = data_path (name);

  preview = aud_import_preview_new (path, NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);

  return aud_import_preview_dup_mapping (preview, kind);
}

/* @mapping with the customer_id, event and time columns of the event
 * fixtures. */
static AudImportMapping *
with_event_columns (AudImportMapping *mapping)
{
  mapping->id_column = (g_free (mapping->id_column), g_strdup ("customer_id"));
  mapping->event_column = (g_free (mapping->event_column), g_strdup ("event"));
  mapping->time_column = (g_free (mapping->time_column), g_strdup ("time"));
  return mapping;
}

/* Counts @json with a new engine (nothing in memory); *reads: the passes
 * over the customers it took. */
static gint64
fresh_count (AudStore   *store,
             const char *json,
             guint      *reads)
{
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  AudCount count = { -1, -1, -1 };

  segment = aud_segment_parse (json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (aud_engine_count (engine, store, segment, 0, &count, NULL, &error));
  g_assert_no_error (error);
  *reads = _aud_engine_get_customer_reads (engine);

  return count.count;
}

static AudImportSummary *
run_import (AudStore               *store,
            const char             *name,
            const AudImportMapping *mapping)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = data_path (name);
  AudImportSummary *summary;

  summary = aud_importer_run (store, path, mapping, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);

  return summary;
}

static void
set_type (AudImportMapping *mapping,
          const char       *column,
          AudFieldType      type,
          guint             scale)
{
  AudImportColumn *entry = aud_import_mapping_get_column (mapping, column);

  g_assert_nonnull (entry);
  entry->format = (AudColumnFormat) { type, AUD_NUMBER_FORMAT_PLAIN, AUD_DATE_ORDER_YMD, scale };
}

/* The first column of the first row of @sql (printf-formatted), as text;
 * "NULL" for a NULL, "(none)" without a row. */
G_GNUC_PRINTF (2, 3)
static char *
query (AudStore   *store,
       const char *format,
       ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);

  stmt = aud_store_prepare (store, sql, &error);
  g_assert_no_error (error);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return g_strdup ("(none)");
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return g_strdup ("NULL");

  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

static gint64
query_int (AudStore   *store,
           const char *sql)
{
  g_autofree char *text = query (store, "%s", sql);

  return g_ascii_strtoll (text, NULL, 10);
}

/* The stored value of customer field @field for customer @id, as
 * "typeof:text". */
static char *
customer_value (AudStore   *store,
                const char *field,
                const char *id)
{
  g_autoptr(AudField) f = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, field);

  g_assert_nonnull (f);
  return query (store, "SELECT typeof(%s) || ':' || coalesce(%s, '') FROM customers "
                "WHERE external_id = '%s'", f->column, f->column, id);
}

static gboolean
has_note (const AudImportSummary *summary,
          const char             *note)
{
  for (guint i = 0; i < summary->notes->len; i++)
    {
      if (g_str_equal (summary->notes->pdata[i], note))
        return TRUE;
    }

  return FALSE;
}

static void
test_importer_customers_upsert (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) first = NULL;
  g_autoptr(AudImportSummary) second = NULL;
  g_autoptr(AudField) spend = NULL;
  g_autofree char *text = NULL;
  gint64 version;

  mapping = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  g_assert_cmpstr (mapping->id_column, ==, "customer_id");
  set_type (mapping, "spend", AUD_FIELD_DECIMAL, 2);
  set_type (mapping, "age", AUD_FIELD_INTEGER, 0);

  version = aud_store_get_data_version (store);
  first = run_import (store, "imp-customers.csv", mapping);
  g_assert_cmpuint (first->rows_read, ==, 3);
  g_assert_cmpuint (first->rows_inserted, ==, 3);
  g_assert_cmpuint (first->rows_updated, ==, 0);
  g_assert_cmpuint (first->rows_rejected, ==, 0);
  g_assert_false (first->ids_from_row_numbers);
  g_assert_cmpint (first->data_version, ==, version + 1);
  g_assert_cmpint (aud_store_get_data_version (store), ==, version + 1);
  g_assert_cmpint (aud_store_count_customers (store), ==, 3);
  g_assert_true (has_note (first, "New customer fields: name, age, spend, country"));

  /* Dense row ids in file order. */
  text = query (store, "SELECT group_concat(id || '=' || external_id, ' ') FROM customers");
  g_assert_cmpstr (text, ==, "1=C001 2=C002 3=C003");
  g_clear_pointer (&text, g_free);

  spend = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, "spend");
  g_assert_cmpint (spend->type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpuint (spend->scale, ==, 2);
  text = customer_value (store, "spend", "C001");
  g_assert_cmpstr (text, ==, "integer:12050");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "name", "C003");
  g_assert_cmpstr (text, ==, "text:Chloé");
  g_clear_pointer (&text, g_free);

  /* The second file has no age column, updates C002 twice (the later row
   * wins) and blanks its country. */
  g_clear_pointer (&mapping, aud_import_mapping_free);
  mapping = mapping_for ("imp-customers-update.csv", AUD_IMPORT_CUSTOMERS);
  second = run_import (store, "imp-customers-update.csv", mapping);
  g_assert_cmpuint (second->rows_read, ==, 3);
  g_assert_cmpuint (second->rows_inserted, ==, 1);
  g_assert_cmpuint (second->rows_updated, ==, 2);
  g_assert_cmpuint (second->rows_rejected, ==, 0);
  g_assert_cmpint (aud_store_count_customers (store), ==, 4);
  g_assert_cmpint (aud_store_get_data_version (store), ==, version + 2);

  text = customer_value (store, "name", "C002");
  g_assert_cmpstr (text, ==, "text:Bobby");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "spend", "C002");
  g_assert_cmpstr (text, ==, "integer:9100");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "country", "C002");
  g_assert_cmpstr (text, ==, "null:");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "age", "C002");
  g_assert_cmpstr (text, ==, "integer:41");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "age", "C004");
  g_assert_cmpstr (text, ==, "null:");
  g_clear_pointer (&text, g_free);
  text = query (store, "SELECT id FROM customers WHERE external_id = 'C004'");
  g_assert_cmpstr (text, ==, "4");
  g_clear_pointer (&text, g_free);

  {
    g_autofree char *report = aud_import_summary_to_text (second);

    g_assert_true (g_str_has_prefix (report, "Imported 3 customers (1 new, 2 updated) from "
                                     "imp-customers-update.csv; 0 rows rejected\n"));
  }
}

static void
test_importer_events_name_column (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) customers = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(AudImportSummary) late = NULL;
  g_autoptr(AudField) amount = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *text = NULL;

  customers = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  g_clear_pointer (&summary, aud_import_summary_free);
  summary = run_import (store, "imp-customers.csv", customers);

  mapping = with_event_columns (mapping_for ("imp-events.csv", AUD_IMPORT_EVENTS));
  set_type (mapping, "amount", AUD_FIELD_DECIMAL, 1);

  g_clear_pointer (&summary, aud_import_summary_free);
  summary = run_import (store, "imp-events.csv", mapping);
  g_assert_cmpuint (summary->rows_read, ==, 6);
  g_assert_cmpuint (summary->rows_inserted, ==, 6);
  g_assert_cmpuint (summary->rows_rejected, ==, 0);
  g_assert_cmpuint (summary->rows_unknown_customer, ==, 3);
  g_assert_cmpuint (summary->unknown_customers, ==, 2);
  g_assert_cmpuint (summary->customers_created, ==, 0);
  g_assert_cmpint (aud_store_count_events (store), ==, 6);
  /* Unknown ids never count as customers. */
  g_assert_cmpint (aud_store_count_customers (store), ==, 3);

  names = aud_store_list_event_names (store);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (names->pdata[0], ==, "click");
  g_assert_cmpstr (names->pdata[1], ==, "open");
  g_assert_cmpstr (names->pdata[2], ==, "purchase");

  text = query (store, "SELECT group_concat(coalesce(customer, '-') || '/' || "
                "coalesce(customer_key, '-') || '/' || ts, ' ') FROM "
                "(SELECT * FROM events ORDER BY id)");
  g_assert_cmpstr (text, ==,
                   "1/-/1709287200 2/-/1709292600 1/-/1709370900 "
                   "-/C999/1709452800 -/C998/1709452800 -/C999/1709453100");
  g_clear_pointer (&text, g_free);

  text = query (store, "SELECT count(*) FROM events WHERE import = %" G_GINT64_FORMAT,
                summary->import_id);
  g_assert_cmpstr (text, ==, "6");
  g_clear_pointer (&text, g_free);

  /* 20.00 and 1.5 at scale 2 (rescaled from 1 by "20.00"). */
  amount = aud_store_dup_field (store, AUD_SCOPE_EVENT, "amount");
  g_assert_cmpuint (amount->scale, ==, 2);
  text = query (store, "SELECT group_concat(coalesce(%s, '-'), ' ') FROM "
                "(SELECT * FROM events ORDER BY id)", amount->column);
  g_assert_cmpstr (text, ==, "- 150 2000 - - -");
  g_clear_pointer (&text, g_free);

  /* The indexes dropped for the first load are back. */
  text = query (store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                "name IN ('events_by_name_time', 'events_by_customer')");
  g_assert_cmpstr (text, ==, "2");
  g_clear_pointer (&text, g_free);

  {
    g_autofree char *report = aud_import_summary_to_text (summary);

    g_assert_true (g_str_has_prefix (report, "Imported 6 events from imp-events.csv; "
                                     "0 rows rejected\n3 events have a customer id that is "
                                     "not a customer (2 distinct ids); they were kept without "
                                     "a customer\n"));
  }

  /* A customer import links the events that were waiting for C999. */
  g_clear_pointer (&customers, aud_import_mapping_free);
  customers = mapping_for ("imp-customers-late.csv", AUD_IMPORT_CUSTOMERS);
  late = run_import (store, "imp-customers-late.csv", customers);
  g_assert_cmpuint (late->rows_inserted, ==, 1);
  g_assert_cmpuint (late->events_linked, ==, 2);
  text = query (store, "SELECT group_concat(coalesce(customer, '-') || '/' || "
                "coalesce(customer_key, '-'), ' ') FROM (SELECT * FROM events ORDER BY id)");
  g_assert_cmpstr (text, ==, "1/- 2/- 1/- 4/- -/C998 4/-");
}

static void
test_importer_events_fixed_name (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) customers = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AudImportColumn *time;

  customers = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  summary = run_import (store, "imp-customers.csv", customers);

  mapping = mapping_for ("imp-orders.csv", AUD_IMPORT_EVENTS);
  mapping->id_column = (g_free (mapping->id_column), g_strdup ("customer"));
  mapping->time_column = (g_free (mapping->time_column), g_strdup ("ordered_at"));
  g_clear_pointer (&mapping->event_column, g_free);
  mapping->event_name = (g_free (mapping->event_name), NULL);

  g_assert_false (aud_import_mapping_check (mapping, NULL, &error));
  g_assert_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING);
  g_clear_error (&error);

  mapping->event_name = g_strdup ("purchase");
  time = aud_import_mapping_get_column (mapping, "ordered_at");
  time->format.date_order = AUD_DATE_ORDER_MDY;
  g_assert_true (aud_import_mapping_check (mapping, NULL, &error));
  g_assert_no_error (error);

  g_clear_pointer (&summary, aud_import_summary_free);
  summary = run_import (store, "imp-orders.csv", mapping);
  g_assert_cmpuint (summary->rows_inserted, ==, 5);
  g_assert_cmpuint (summary->rows_unknown_customer, ==, 3);
  g_assert_cmpuint (summary->unknown_customers, ==, 2);

  names = aud_store_list_event_names (store);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (names->pdata[0], ==, "purchase");

  /* 12/1/2010 8:26 UTC; the id " C888 " is trimmed. */
  text = query (store, "SELECT group_concat(coalesce(customer, customer_key) || '@' || ts, ' ') "
                "FROM (SELECT * FROM events ORDER BY id)");
  g_assert_cmpstr (text, ==, "1@1291191960 3@1291194060 C777@1291284000 C777@1291374000 "
                   "C888@1291377600");
  g_clear_pointer (&text, g_free);

  /* Every other column is a property; the time and id columns are not. */
  g_assert_null (aud_store_dup_field (store, AUD_SCOPE_EVENT, "ordered_at"));
  g_assert_null (aud_store_dup_field (store, AUD_SCOPE_EVENT, "customer"));
  {
    g_autoptr(AudField) order = aud_store_dup_field (store, AUD_SCOPE_EVENT, "order_id");
    g_autoptr(AudField) country = aud_store_dup_field (store, AUD_SCOPE_EVENT, "Country");

    g_assert_nonnull (order);
    g_assert_nonnull (country);
  }
}

static void
test_importer_create_customers (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) customers = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autofree char *text = NULL;

  customers = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  summary = run_import (store, "imp-customers.csv", customers);

  mapping = mapping_for ("imp-orders.csv", AUD_IMPORT_EVENTS);
  mapping->id_column = (g_free (mapping->id_column), g_strdup ("customer"));
  mapping->time_column = (g_free (mapping->time_column), g_strdup ("ordered_at"));
  mapping->event_name = (g_free (mapping->event_name), g_strdup ("purchase"));
  aud_import_mapping_get_column (mapping, "ordered_at")->format.date_order = AUD_DATE_ORDER_MDY;
  mapping->create_customers = TRUE;
  aud_import_mapping_get_column (mapping, "Country")->profile = TRUE;

  g_clear_pointer (&summary, aud_import_summary_free);
  summary = run_import (store, "imp-orders.csv", mapping);
  g_assert_cmpuint (summary->rows_inserted, ==, 5);
  g_assert_cmpuint (summary->rows_unknown_customer, ==, 0);
  g_assert_cmpuint (summary->customers_created, ==, 2);
  g_assert_cmpint (aud_store_count_customers (store), ==, 5);

  text = query (store, "SELECT count(*) FROM events WHERE customer IS NULL");
  g_assert_cmpstr (text, ==, "0");
  g_clear_pointer (&text, g_free);

  /* The profile field takes the first event's value; customers that were
   * there keep theirs (they had no Country field). */
  text = customer_value (store, "Country", "C777");
  g_assert_cmpstr (text, ==, "text:France");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "Country", "C888");
  g_assert_cmpstr (text, ==, "text:Germany");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "Country", "C001");
  g_assert_cmpstr (text, ==, "null:");
  g_clear_pointer (&text, g_free);

  {
    g_autofree char *report = aud_import_summary_to_text (summary);

    g_assert_nonnull (strstr (report, "Created 2 customers from the events\n"));
  }

  /* The customers it created, with their profile field, are in the value
   * lists the import saved. */
  {
    guint reads;

    g_assert_cmpint (fresh_count (store, "{\"format\": 1, \"match\": {\"field\": \"Country\", "
                                  "\"op\": \"in\", \"value\": [\"France\", \"Germany\"]}}",
                                  &reads), ==, 2);
    g_assert_cmpuint (reads, ==, 0);
  }
}

static void
test_importer_rejects (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  static const struct {
    gint64      line;
    const char *reason_prefix;
    const char *raw;
  } expected[] = {
    { 4, NULL, "C002,open,2024-01-05 11:00:00,ok,extra" },
    { 5, "customer_id is blank", ",open,2024-01-05 12:00:00,blank id" },
    { 6, "“not a time” in time is not a date and time", "C003,open,not a time,bad time" },
    { 7, NULL, "C001,open,2024-01-05 13:00:00,caf\xef\xbf\xbd" },
    { 8, "event is blank", "C002,,2024-01-05 14:00:00,blank name" },
    { 12, "“2024-13-45 10:00” in time is not a date and time", "C003,open,2024-13-45 10:00,bad date" },
  };
  AudReadOptions read = AUD_READ_OPTIONS_INIT;

  read.encoding = AUD_ENCODING_UTF8;
  {
    g_autofree char *path = data_path ("imp-rejects.csv");
    g_autoptr(AudImportPreview) preview = aud_import_preview_new (path, &read, NULL, 0, NULL,
                                                                  &error);

    g_assert_no_error (error);
    mapping = aud_import_preview_dup_mapping (preview, AUD_IMPORT_EVENTS);
  }
  g_assert_cmpint (mapping->read.encoding, ==, AUD_ENCODING_UTF8);
  with_event_columns (mapping);
  aud_import_mapping_get_column (mapping, "time")->format.date_order = AUD_DATE_ORDER_YMD;

  summary = run_import (store, "imp-rejects.csv", mapping);
  g_assert_cmpuint (summary->rows_read, ==, 8);
  g_assert_cmpuint (summary->rows_inserted, ==, 2);
  g_assert_cmpuint (summary->rows_rejected, ==, 6);
  g_assert_cmpint (aud_store_count_events (store), ==, 2);

  stmt = aud_store_prepare (store, "SELECT line, reason, raw, import FROM rejects ORDER BY line",
                            &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, expected[i].line);
      if (expected[i].reason_prefix != NULL)
        g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 1), ==,
                         expected[i].reason_prefix);
      else
        g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 1), !=, "");
      g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 2), ==, expected[i].raw);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 3), ==, summary->import_id);
    }
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);

  /* Grouped by kind, in order of first appearance. */
  g_assert_cmpuint (summary->reject_groups->len, ==, 5);
  {
    AudRejectGroup *count = summary->reject_groups->pdata[0];
    AudRejectGroup *blank = summary->reject_groups->pdata[1];
    AudRejectGroup *time = summary->reject_groups->pdata[2];

    g_assert_cmpstr (count->reason, ==, "Wrong number of fields");
    g_assert_cmpuint (count->count, ==, 1);
    g_assert_cmpuint (count->first_line, ==, 4);
    g_assert_cmpstr (blank->reason, ==, "customer_id is blank");
    g_assert_cmpstr (time->reason, ==, "time is not a date and time");
    g_assert_cmpuint (time->count, ==, 2);
    g_assert_cmpuint (time->first_line, ==, 6);
  }

  /* The rows around them are there, quoted line breaks included. */
  {
    g_autoptr(AudField) note = aud_store_dup_field (store, AUD_SCOPE_EVENT, "note");

    text = query (store, "SELECT group_concat(%s, '|') FROM (SELECT * FROM events ORDER BY id)",
                  note->column);
    g_assert_cmpstr (text, ==, "two\nlines|quoted, \"multi\"\nline\nnote");
  }

  {
    g_autofree char *report = aud_import_summary_to_text (summary);

    g_assert_nonnull (strstr (report, "Rejected 2 rows: time is not a date and time "
                              "(first at line 6)\n"));
    g_assert_nonnull (strstr (report, "Rejected 1 row: customer_id is blank (line 5)\n"));
  }
}

static void
test_importer_text_fallback (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(AudField) income = NULL;
  static const char * const expected[][2] = {
    { "C1", "text:1234.50" },
    { "C2", "text:-3.10" },
    { "C3", "text:n/a" },
    { "C4", "text:7" },
  };

  mapping = mapping_for ("imp-income.csv", AUD_IMPORT_CUSTOMERS);
  set_type (mapping, "Income", AUD_FIELD_DECIMAL, 2);

  summary = run_import (store, "imp-income.csv", mapping);
  g_assert_cmpuint (summary->rows_inserted, ==, 4);
  g_assert_cmpuint (summary->rows_rejected, ==, 0);
  g_assert_true (has_note (summary,
                           "“Income” changed to text at line 4: “n/a” is not a decimal number"));

  income = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, "Income");
  g_assert_cmpint (income->type, ==, AUD_FIELD_TEXT);

  /* Exactly the canonical text of the values stored before, then as read. */
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *value = customer_value (store, "Income", expected[i][0]);

      g_assert_cmpstr (value, ==, expected[i][1]);
    }

  /* The note is in the import log too. */
  {
    g_autofree char *notes = query (store, "SELECT notes FROM imports WHERE id = %" G_GINT64_FORMAT,
                                    summary->import_id);

    g_assert_nonnull (strstr (notes, "“Income” changed to text at line 4"));
  }
}

static void
test_importer_decimal_rescale (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(AudField) price = NULL;
  g_autofree char *text = NULL;

  mapping = mapping_for ("imp-prices.csv", AUD_IMPORT_CUSTOMERS);
  set_type (mapping, "price", AUD_FIELD_DECIMAL, 1);

  summary = run_import (store, "imp-prices.csv", mapping);
  g_assert_true (has_note (summary, "“price” now keeps 2 decimals (line 3: “2.25”)"));
  g_assert_true (has_note (summary, "“price” now keeps 3 decimals (line 4: “3.125”)"));

  price = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, "price");
  g_assert_cmpint (price->type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpuint (price->scale, ==, 3);

  text = query (store, "SELECT group_concat(%s, ' ') FROM (SELECT * FROM customers ORDER BY id)",
                price->column);
  g_assert_cmpstr (text, ==, "1500 2250 3125");
  g_clear_pointer (&text, g_free);

  /* Sums stay exact. */
  text = query (store, "SELECT sum(%s) FROM customers", price->column);
  g_assert_cmpstr (text, ==, "6875");
}

static void
test_importer_row_number_ids (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autofree char *text = NULL;
  g_autofree char *report = NULL;

  mapping = mapping_for ("imp-survey.csv", AUD_IMPORT_CUSTOMERS);
  g_assert_null (mapping->id_column);

  summary = run_import (store, "imp-survey.csv", mapping);
  g_assert_true (summary->ids_from_row_numbers);
  g_assert_cmpuint (summary->rows_inserted, ==, 3);

  text = query (store, "SELECT group_concat(external_id, ' ') FROM customers");
  g_assert_cmpstr (text, ==, "1 2 3");
  g_clear_pointer (&text, g_free);
  text = customer_value (store, "answer", "2");
  g_assert_cmpstr (text, ==, "text:no");

  report = aud_import_summary_to_text (summary);
  g_assert_nonnull (strstr (report, "The file has no customer id column: customers got their "
                            "row numbers as ids (1 to 3)."));
}

static void
test_importer_json_late_column (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(AudField) utm = NULL;
  g_autofree char *text = NULL;

  mapping = with_event_columns (mapping_for ("imp-events.jsonl", AUD_IMPORT_EVENTS));
  /* As if the preview had not seen the nested key. */
  g_ptr_array_remove (mapping->columns, aud_import_mapping_get_column (mapping, "extra.utm"));

  summary = run_import (store, "imp-events.jsonl", mapping);
  g_assert_cmpuint (summary->rows_inserted, ==, 2);
  g_assert_true (has_note (summary, "Column “extra.utm” first appears at line 2 and is not in "
                           "the mapping; it was imported as text"));

  utm = aud_store_dup_field (store, AUD_SCOPE_EVENT, "extra.utm");
  g_assert_nonnull (utm);
  text = query (store, "SELECT group_concat(coalesce(%s, '-'), ' ') FROM "
                "(SELECT * FROM events ORDER BY id)", utm->column);
  g_assert_cmpstr (text, ==, "- mail");
}

/* The columns of the (name, ts) index, and what SQLite answers a property
 * query of one event name over a time window with. */
static char *
event_index_columns (AudStore *store)
{
  return query (store, "SELECT group_concat(name, ' ') FROM "
                "(SELECT name FROM pragma_index_info ('events_by_name_time') ORDER BY seqno)");
}

static char *
event_plan (AudStore   *store,
            const char *column)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  GString *plan = g_string_new (NULL);

  sql = g_strdup_printf ("EXPLAIN QUERY PLAN SELECT customer, %s FROM events WHERE name = 1 "
                         "AND ts BETWEEN 0 AND 2000000000 AND %s IS NOT NULL", column, column);
  stmt = aud_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s; ", (const char *)sqlite3_column_text (stmt, 3));

  return g_string_free (plan, FALSE);
}

static void
test_importer_event_index_properties (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) first = NULL;
  g_autoptr(AudImportSummary) second = NULL;
  g_autoptr(AudField) amount = NULL;
  g_autoptr(AudField) device = NULL;
  g_autoptr(AudField) utm = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  mapping = with_event_columns (mapping_for ("imp-events.csv", AUD_IMPORT_EVENTS));
  aud_import_mapping_get_column (mapping, "device")->format.type = AUD_FIELD_TEXT;
  first = run_import (store, "imp-events.csv", mapping);
  g_assert_cmpuint (first->rows_inserted, ==, 6);

  /* The decimal is in the index, the free text is not. */
  amount = aud_store_dup_field (store, AUD_SCOPE_EVENT, "amount");
  device = aud_store_dup_field (store, AUD_SCOPE_EVENT, "device");
  g_assert_cmpint (device->type, ==, AUD_FIELD_TEXT);
  g_assert_true (aud_store_field_in_event_index (amount));
  g_assert_false (aud_store_field_in_event_index (device));
  expected = g_strdup_printf ("name ts customer %s", amount->column);
  text = event_index_columns (store);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  /* A window over one event name reads the amount from the index alone;
   * the text needs the rows. */
  text = event_plan (store, amount->column);
  g_assert_nonnull (strstr (text, "USING COVERING INDEX events_by_name_time"));
  g_clear_pointer (&text, g_free);
  text = event_plan (store, device->column);
  g_assert_null (strstr (text, "COVERING"));
  g_assert_nonnull (strstr (text, "USING INDEX events_by_name_time"));
  g_clear_pointer (&text, g_free);

  /* A later file with a new property: the index is built again with it. */
  g_clear_pointer (&mapping, aud_import_mapping_free);
  mapping = with_event_columns (mapping_for ("imp-events.jsonl", AUD_IMPORT_EVENTS));
  aud_import_mapping_get_column (mapping, "extra.utm")->format.type = AUD_FIELD_CATEGORY;
  second = run_import (store, "imp-events.jsonl", mapping);
  g_assert_cmpuint (second->rows_inserted, ==, 2);

  utm = aud_store_dup_field (store, AUD_SCOPE_EVENT, "extra.utm");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("name ts customer %s %s", amount->column, utm->column);
  text = event_index_columns (store);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);
  text = event_plan (store, utm->column);
  g_assert_nonnull (strstr (text, "USING COVERING INDEX events_by_name_time"));
  g_clear_pointer (&text, g_free);

  text = query (store, "PRAGMA integrity_check");
  g_assert_cmpstr (text, ==, "ok");
}

static void
test_importer_value_lists (void)
{
  static const char *segment =
    "{\"format\": 1, \"match\": {\"all\": ["
    "{\"field\": \"country\", \"op\": \"in\", \"value\": [\"uk\", \"Spain\", \"Italy\"]},"
    "{\"field\": \"spend\", \"op\": \"lt\", \"value\": \"100.00\"}]}}";
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(AudField) country = NULL;
  guint reads;

  mapping = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  summary = run_import (store, "imp-customers.csv", mapping);

  /* One list per customer column, as of the data version the import left. */
  text = query (store, "SELECT count(*) || ' ' || sum(data_version = "
                "(SELECT value FROM meta WHERE key = 'data_version')) || ' ' || "
                "group_concat(column_name, ' ') FROM value_lists");
  expected = query (store, "SELECT count(*) || ' ' || count(*) || ' ' || "
                    "group_concat(column_name, ' ') FROM (SELECT column_name FROM fields "
                    "WHERE scope = 0 ORDER BY column_name)");
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  /* A first count reads them, not the customers: Chloé (Spain, 0.99). */
  g_assert_cmpint (fresh_count (store, segment, &reads), ==, 1);
  g_assert_cmpuint (reads, ==, 0);

  /* An import of events leaves the customers as they were: the lists stay
   * current. */
  g_clear_pointer (&mapping, aud_import_mapping_free);
  g_clear_pointer (&summary, aud_import_summary_free);
  mapping = with_event_columns (mapping_for ("imp-events.csv", AUD_IMPORT_EVENTS));
  summary = run_import (store, "imp-events.csv", mapping);
  g_assert_cmpint (fresh_count (store, segment, &reads), ==, 1);
  g_assert_cmpuint (reads, ==, 0);

  /* Customers updated and added: the lists follow (Dan, Italy, 15.00). */
  g_clear_pointer (&mapping, aud_import_mapping_free);
  g_clear_pointer (&summary, aud_import_summary_free);
  mapping = mapping_for ("imp-customers-update.csv", AUD_IMPORT_CUSTOMERS);
  summary = run_import (store, "imp-customers-update.csv", mapping);
  g_assert_cmpint (fresh_count (store, segment, &reads), ==, 2);
  g_assert_cmpuint (reads, ==, 0);

  /* Lists of another data version are not used: Dan moved to France
   * behind the importer's back. */
  country = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, "country");
  sql = g_strdup_printf ("UPDATE customers SET %s = 'France' WHERE external_id = 'C004'",
                         country->column);
  g_assert_true (aud_store_exec (store, sql, NULL));
  g_assert_true (aud_store_bump_data_version (store, NULL));
  g_assert_cmpint (fresh_count (store, segment, &reads), ==, 1);
  g_assert_cmpuint (reads, ==, 1);
}

/* Everything a workspace holds, as text: schema and every table's rows. */
static char *
dump_workspace (AudStore *store)
{
  static const char * const tables[] = {
    "meta", "fields", "customers", "event_names", "events", "imports", "rejects", "segments",
  };
  GString *dump = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tables) + 1; i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = NULL;

      if (i == G_N_ELEMENTS (tables))
        sql = g_strdup ("SELECT type, name, sql FROM sqlite_schema ORDER BY name");
      else
        sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1", tables[i]);

      stmt = aud_store_prepare (store, sql, &error);
      g_assert_no_error (error);
      g_string_append_printf (dump, "[%s]\n", sql);

      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (dump, "%s%s:%s", c > 0 ? "|" : "",
                                    sqlite3_column_decltype (stmt, c) ?: "",
                                    sqlite3_column_type (stmt, c) == SQLITE_NULL ? "NULL" :
                                    (const char *)sqlite3_column_text (stmt, c));
          g_string_append_c (dump, '\n');
        }
    }

  return g_string_free (dump, FALSE);
}

/* A file of @n customers with new columns and a ragged row near the top. */
static char *
write_big_customers (guint n)
{
  g_autoptr(GString) contents = g_string_new ("customer_id,name,spend,joined\n");
  g_autoptr(GError) error = NULL;
  char *path;

  for (guint i = 1; i <= n; i++)
    {
      if (i == 3)
        g_string_append (contents, "ragged,row\n");
      g_string_append_printf (contents, "B%06u,Name %u,%u.%02u,2020-01-%02u\n",
                              i, i, i, i % 100, 1 + i % 28);
    }

  path = g_build_filename (g_get_user_data_dir (), "big.csv", NULL);
  g_file_set_contents (path, contents->str, contents->len, &error);
  g_assert_no_error (error);

  return path;
}

static void
test_importer_cancel (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) customers = NULL;
  g_autoptr(AudImportMapping) events = NULL;
  g_autoptr(AudImportMapping) big_mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(AudImportSummary) none = NULL;
  g_autoptr(AudImportPreview) preview = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *big = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *check = NULL;

  /* Some data first, so there is something to keep. */
  customers = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  summary = run_import (store, "imp-customers.csv", customers);
  g_clear_pointer (&summary, aud_import_summary_free);
  events = mapping_for ("imp-events.csv", AUD_IMPORT_EVENTS);
  events->id_column = (g_free (events->id_column), g_strdup ("customer_id"));
  events->event_column = (g_free (events->event_column), g_strdup ("event"));
  events->time_column = (g_free (events->time_column), g_strdup ("time"));
  summary = run_import (store, "imp-events.csv", events);

  before = dump_workspace (store);

  /* Cancelled from the start: the importer notices at its first check,
   * after rows, fields and a reject went into the transaction. */
  big = write_big_customers (5000);
  preview = aud_import_preview_new (big, NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  big_mapping = aud_import_preview_dup_mapping (preview, AUD_IMPORT_CUSTOMERS);
  g_cancellable_cancel (cancellable);
  none = aud_importer_run (store, big, big_mapping, cancellable, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (none);
  g_clear_error (&error);

  after = dump_workspace (store);
  g_assert_cmpstr (after, ==, before);
  check = query (store, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");

  /* The same file imports fine afterwards, on the same connection. */
  g_clear_pointer (&summary, aud_import_summary_free);
  summary = run_import (store, big, big_mapping);
  g_assert_cmpuint (summary->rows_inserted, ==, 5000);
  g_assert_cmpuint (summary->rows_rejected, ==, 1);
}

static void
test_importer_error_rolls_back (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *path = data_path ("imp-customers.csv");

  before = dump_workspace (store);

  /* Two columns into one field: refused before anything is written. */
  mapping = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  aud_import_mapping_get_column (mapping, "age")->field = g_strdup ("name");
  summary = aud_importer_run (store, path, mapping, NULL, NULL, &error);
  g_assert_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING);
  g_assert_null (summary);
  g_clear_error (&error);

  /* A missing id column. */
  g_clear_pointer (&mapping, aud_import_mapping_free);
  mapping = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  mapping->id_column = (g_free (mapping->id_column), g_strdup ("nope"));
  summary = aud_importer_run (store, path, mapping, NULL, NULL, &error);
  g_assert_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING);
  g_clear_error (&error);

  /* A field name the store refuses, found after the transaction began. */
  g_clear_pointer (&mapping, aud_import_mapping_free);
  mapping = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  aud_import_mapping_get_column (mapping, "country")->field = g_strnfill (300, 'x');
  summary = aud_importer_run (store, path, mapping, NULL, NULL, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID);
  g_assert_null (summary);

  after = dump_workspace (store);
  g_assert_cmpstr (after, ==, before);
}

static void
test_importer_log (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportMapping) stored = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = data_path ("imp-customers.csv");
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *json = NULL;
  gsize length;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);

  mapping = mapping_for ("imp-customers.csv", AUD_IMPORT_CUSTOMERS);
  summary = run_import (store, "imp-customers.csv", mapping);
  g_assert_cmpstr (summary->sha256, ==, sha256);
  g_assert_cmpuint (summary->size, ==, length);
  g_assert_cmpstr (summary->file, ==, absolute);
  g_assert_cmpint (summary->duration_ms, >=, 0);

  stmt = aud_store_prepare (store,
                            "SELECT file, size, sha256, kind, mapping, started, duration_ms, "
                            "rows_read, rows_inserted, rows_updated, rows_rejected, "
                            "rows_unknown_customer, notes FROM imports WHERE id = ?1",
                            &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, summary->import_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, absolute);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, length);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 2), ==, sha256);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 3), ==, "customers");
  g_assert_cmpint (sqlite3_column_int64 (stmt, 5), >=, before);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 5), <=, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (sqlite3_column_type (stmt, 6), ==, SQLITE_INTEGER);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 7), ==, 3);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 8), ==, 3);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 9), ==, 0);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 10), ==, 0);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 11), ==, 0);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 12), ==,
                   "[\"New customer fields: name, age, spend, country\"]");

  /* The mapping reads back as it was. */
  stored = aud_import_mapping_new_from_json ((const char *)sqlite3_column_text (stmt, 4), &error);
  g_assert_no_error (error);
  json = aud_import_mapping_to_json (mapping);
  {
    g_autofree char *again = aud_import_mapping_to_json (stored);

    g_assert_cmpstr (again, ==, json);
  }
}

static void
test_importer_mapping_json (void)
{
  g_autoptr(AudImportMapping) mapping = aud_import_mapping_new (AUD_IMPORT_EVENTS);
  g_autoptr(AudImportMapping) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  AudColumnFormat price = { AUD_FIELD_DECIMAL, { ',', (char)0xA0 }, AUD_DATE_ORDER_DMY, 2, FALSE };
  AudImportColumn *column;
  static const char * const bad[] = {
    "[]",
    "{\"kind\": \"people\"}",
    "{\"kind\": \"events\", \"columns\": [{\"name\": \"a\", \"type\": \"money\"}]}",
    "{\"kind\": \"events\", \"columns\": [{\"name\": \"a\", \"scale\": 12}]}",
    "{\"kind\": \"events\", \"columns\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}",
    "{\"kind\": \"events\", \"read\": {\"delimiter\": \"ab\"}}",
    "{\"kind\": \"events\", \"id_column\": 3}",
    "{\"kind\": \"events\",",
  };

  mapping->read.format = AUD_FILE_FORMAT_CSV;
  mapping->read.encoding = AUD_ENCODING_WINDOWS_1252;
  mapping->read.delimiter = '\t';
  mapping->read.quote = '\'';
  mapping->read.header = AUD_HEADER_NO;
  mapping->blank_markers = g_strsplit ("n/a,NULL", ",", -1);
  mapping->id_column = g_strdup ("Column 1");
  mapping->event_name = g_strdup ("purchase “online”");
  mapping->time_column = g_strdup ("Column 2");
  mapping->create_customers = TRUE;
  column = aud_import_mapping_add_column (mapping, "Column 3", &price, AUD_ROLE_NONE);
  column->field = g_strdup ("Preis");
  column->profile = TRUE;
  column = aud_import_mapping_add_column (mapping, "Column 4", NULL, AUD_ROLE_EMAIL);
  column->skip = TRUE;
  g_assert_true (aud_import_mapping_add_column (mapping, "Column 4", NULL, AUD_ROLE_NONE) == column);

  json = aud_import_mapping_to_json (mapping);
  back = aud_import_mapping_new_from_json (json, &error);
  g_assert_no_error (error);
  again = aud_import_mapping_to_json (back);
  g_assert_cmpstr (again, ==, json);

  g_assert_cmpint (back->kind, ==, AUD_IMPORT_EVENTS);
  g_assert_cmpint (back->read.delimiter, ==, '\t');
  g_assert_cmpint (back->read.header, ==, AUD_HEADER_NO);
  g_assert_cmpint (back->read.encoding, ==, AUD_ENCODING_WINDOWS_1252);
  g_assert_cmpstr (back->blank_markers[1], ==, "NULL");
  g_assert_cmpstr (back->event_name, ==, "purchase “online”");
  g_assert_null (back->event_column);
  column = aud_import_mapping_get_column (back, "Column 3");
  g_assert_cmpint (column->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpint (column->format.number.decimal_mark, ==, ',');
  g_assert_cmpint (column->format.number.group_mark, ==, (char)0xA0);
  g_assert_cmpint (column->format.date_order, ==, AUD_DATE_ORDER_DMY);
  g_assert_cmpuint (column->format.scale, ==, 2);
  g_assert_cmpstr (column->field, ==, "Preis");
  g_assert_true (column->profile);
  column = aud_import_mapping_get_column (back, "Column 4");
  g_assert_true (column->skip);
  g_assert_cmpint (column->role, ==, AUD_ROLE_EMAIL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(AudImportMapping) none = aud_import_mapping_new_from_json (bad[i], &error);

      g_assert_null (none);
      g_assert_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING);
      g_clear_error (&error);
    }
}

static void
test_importer_preview (void)
{
  g_autoptr(AudImportPreview) preview = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = data_path ("imp-rejects.csv");
  AudImportPreviewRow *row;
  AudReadOptions read = AUD_READ_OPTIONS_INIT;

  read.encoding = AUD_ENCODING_UTF8;
  preview = aud_import_preview_new (path, &read, NULL, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (preview->n_columns, ==, 4);
  g_assert_cmpstr (preview->columns[2], ==, "time");
  g_assert_cmpuint (preview->rows->len, ==, 3);
  g_assert_cmpuint (preview->guesses->len, ==, 4);
  g_assert_true (preview->complete);
  /* Flagged rows are shown but not sampled. */
  g_assert_cmpuint (preview->n_sampled, ==, 6);

  row = preview->rows->pdata[0];
  g_assert_cmpuint (row->line, ==, 2);
  g_assert_cmpuint (row->n_cells, ==, 4);
  g_assert_cmpstr (row->cells[3], ==, "two\nlines");
  row = preview->rows->pdata[1];
  g_assert_cmpuint (row->line, ==, 4);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_FIELD_COUNT);
  g_assert_nonnull (row->problem_text);

  mapping = aud_import_preview_dup_mapping (preview, AUD_IMPORT_EVENTS);
  g_assert_cmpint (mapping->kind, ==, AUD_IMPORT_EVENTS);
  g_assert_cmpint (mapping->read.format, ==, AUD_FILE_FORMAT_CSV);
  g_assert_cmpint (mapping->read.delimiter, ==, ',');
  g_assert_cmpint (mapping->read.header, ==, AUD_HEADER_YES);
  g_assert_cmpuint (mapping->columns->len, ==, 4);
  g_assert_nonnull (aud_import_mapping_get_column (mapping, "note"));
  /* No event-name column chosen: the file's base name is the event name. */
  if (mapping->event_column == NULL)
    g_assert_cmpstr (mapping->event_name, ==, "imp-rejects");

  /* A missing file. */
  g_clear_pointer (&preview, aud_import_preview_free);
  preview = aud_import_preview_new ("/nonexistent/file.csv", NULL, NULL, 0, NULL, &error);
  g_assert_null (preview);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

typedef struct
{
  GMainLoop        *loop;
  AudImportSummary *summary;
  AudImportPreview *preview;
  GError           *error;
} AsyncResult;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  AsyncResult *out = user_data;

  out->summary = aud_importer_run_finish (AUD_STORE (object), result, &out->error);
  g_main_loop_quit (out->loop);
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncResult *out = user_data;

  g_assert_null (object);
  out->preview = aud_import_preview_new_finish (result, &out->error);
  g_main_loop_quit (out->loop);
}

static void
test_importer_async (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudProgress) progress = aud_progress_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *path = data_path ("imp-customers.csv");
  AsyncResult out = { loop, };

  aud_import_preview_new_async (path, NULL, NULL, 0, NULL, preview_cb, &out);
  g_main_loop_run (loop);
  g_assert_no_error (out.error);
  g_assert_nonnull (out.preview);
  mapping = aud_import_preview_dup_mapping (out.preview, AUD_IMPORT_CUSTOMERS);
  g_clear_pointer (&out.preview, aud_import_preview_free);

  aud_importer_run_async (store, path, mapping, NULL, progress, run_cb, &out);
  g_main_loop_run (loop);
  g_assert_no_error (out.error);
  g_assert_nonnull (out.summary);
  g_assert_cmpuint (out.summary->rows_inserted, ==, 3);
  g_clear_pointer (&out.summary, aud_import_summary_free);

  /* Written on the worker's connection, seen on this one. */
  g_assert_cmpint (aud_store_count_customers (store), ==, 3);

  /* Let the progress notification arrive: the final report says it all. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (aud_progress_get_n_processed (progress), ==, 3);
  g_assert_cmpfloat (aud_progress_get_fraction (progress), ==, 1.0);
  {
    g_autofree char *message = aud_progress_dup_message (progress);

    g_assert_cmpstr (message, ==, "Imported 3 rows");
  }

  /* Cancelled: nothing changes. */
  g_cancellable_cancel (cancellable);
  aud_importer_run_async (store, path, mapping, cancellable, NULL, run_cb, &out);
  g_main_loop_run (loop);
  g_assert_error (out.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (out.summary);
  g_clear_error (&out.error);
  g_assert_cmpint (aud_store_count_customers (store), ==, 3);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 1);
}

/* A demo file imported on a thread of its own, with progress. */
typedef struct
{
  char             *workspace;
  char             *file;
  AudImportKind     kind;
  AudProgress      *progress;
  GCancellable     *cancellable;
  AudImportSummary *summary;
  GError           *error;
  gint              done;
} StageRun;

static gpointer
stage_run_thread (gpointer data)
{
  StageRun *run = data;
  g_autoptr(AudStore) store = aud_store_open (run->workspace, AUD_STORE_OPEN_DEFAULT, &run->error);

  if (store != NULL)
    run->summary = aud_demo_import_file (store, run->file, run->kind, run->progress,
                                         run->cancellable, &run->error);
  g_atomic_int_set (&run->done, TRUE);
  g_main_context_wakeup (NULL);

  return NULL;
}

/* Runs @run, noting each message its progress shows; cancels it when it
 * shows @cancel_at. Returns the messages seen, in order. */
static GPtrArray *
stage_run (StageRun   *run,
           const char *cancel_at)
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  GThread *thread = g_thread_new ("stage-run", stage_run_thread, run);
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!g_atomic_int_get (&run->done))
    {
      g_autofree char *message = NULL;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
      message = aud_progress_dup_message (run->progress);
      if (message == NULL ||
          (seen->len > 0 && g_str_equal (message, seen->pdata[seen->len - 1])))
        continue;
      if (cancel_at != NULL && g_str_equal (message, cancel_at))
        g_cancellable_cancel (run->cancellable);
      g_ptr_array_add (seen, g_steal_pointer (&message));
    }
  g_thread_join (thread);
  g_ptr_array_add (seen, aud_progress_dup_message (run->progress));

  return seen;
}

static gboolean
saw (GPtrArray  *seen,
     const char *message)
{
  return g_ptr_array_find_with_equal_func (seen, message, g_str_equal, NULL);
}

/* After the rows, the progress says what the import does (indexing the
 * events, listing the values of the customer fields); a cancel while the
 * events are indexed leaves the workspace as it was. */
static void
test_importer_stages (void)
{
  g_autoptr(AudStore) store = new_workspace ();
  g_autofree char *customers = g_build_filename (g_get_user_data_dir (), "stages-customers.csv",
                                                 NULL);
  g_autofree char *events = g_build_filename (g_get_user_data_dir (), "stages-events.csv", NULL);
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *check = NULL;
  AudDemoOptions options;
  StageRun run = { 0 };

  aud_demo_options_init (&options);
  options.n_customers = 40000;
  options.n_events = 400000;
  g_assert_true (aud_demo_write_csv (&options, customers, events, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  run.workspace = (char *)aud_store_get_path (store);
  run.file = customers;
  run.kind = AUD_IMPORT_CUSTOMERS;
  run.progress = aud_progress_new ();
  run.cancellable = g_cancellable_new ();
  seen = stage_run (&run, NULL);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.summary->rows_inserted, ==, 40000);
  g_assert_true (saw (seen, "Listing the values of the customer fields…"));
  g_assert_false (saw (seen, "Indexing the events…"));
  g_assert_cmpstr (seen->pdata[seen->len - 1], ==, "Imported 40,000 rows");
  g_clear_pointer (&run.summary, aud_import_summary_free);
  g_clear_pointer (&seen, g_ptr_array_unref);
  g_clear_object (&run.progress);

  /* The events: cancelled while they are indexed. */
  run.file = events;
  run.kind = AUD_IMPORT_EVENTS;
  run.done = FALSE;
  run.progress = aud_progress_new ();
  seen = stage_run (&run, "Indexing the events…");
  g_assert_true (saw (seen, "Indexing the events…"));
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.summary);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM events"), ==, 0);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM imports"), ==, 1);
  check = query (store, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");

  g_clear_error (&run.error);
  g_clear_object (&run.progress);
  g_clear_object (&run.cancellable);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/importer/customers-upsert", test_importer_customers_upsert);
  g_test_add_func ("/importer/events-name-column", test_importer_events_name_column);
  g_test_add_func ("/importer/events-fixed-name", test_importer_events_fixed_name);
  g_test_add_func ("/importer/create-customers", test_importer_create_customers);
  g_test_add_func ("/importer/rejects", test_importer_rejects);
  g_test_add_func ("/importer/text-fallback", test_importer_text_fallback);
  g_test_add_func ("/importer/decimal-rescale", test_importer_decimal_rescale);
  g_test_add_func ("/importer/row-number-ids", test_importer_row_number_ids);
  g_test_add_func ("/importer/json-late-column", test_importer_json_late_column);
  g_test_add_func ("/importer/event-index-properties", test_importer_event_index_properties);
  g_test_add_func ("/importer/value-lists", test_importer_value_lists);
  g_test_add_func ("/importer/cancel", test_importer_cancel);
  g_test_add_func ("/importer/error-rolls-back", test_importer_error_rolls_back);
  g_test_add_func ("/importer/log", test_importer_log);
  g_test_add_func ("/importer/mapping-json", test_importer_mapping_json);
  g_test_add_func ("/importer/preview", test_importer_preview);
  g_test_add_func ("/importer/async", test_importer_async);
  g_test_add_func ("/importer/stages", test_importer_stages);

  return g_test_run ();
}
