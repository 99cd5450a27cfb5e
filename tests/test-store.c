/* test-store.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "aud-store.h"

/* A path in the per-test data dir that G_TEST_OPTION_ISOLATE_DIRS makes. */
static char *
temp_workspace (const char *name)
{
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static AudStore *
create_store (const char *name)
{
  g_autofree char *path = temp_workspace (name);
  g_autoptr(GError) error = NULL;
  AudStore *store;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

static void
test_store_create_and_reopen (void)
{
  g_autofree char *path = temp_workspace ("create.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudStore) again = NULL;
  g_autofree char *mode = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aud_store_get_data_version (store), ==, 0);
  g_assert_cmpint (aud_store_count_customers (store), ==, 0);
  g_assert_cmpint (aud_store_count_events (store), ==, 0);
  g_assert_cmpstr (g_time_zone_get_identifier (aud_store_get_timezone (store)), ==, "UTC");

  stmt = aud_store_prepare (store, "PRAGMA journal_mode", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = aud_store_prepare (store, "PRAGMA foreign_keys", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  g_clear_pointer (&stmt, sqlite3_finalize);

  g_assert_true (aud_store_bump_data_version (store, &error));
  g_assert_true (aud_store_set_meta (store, "now", "2024-06-01T00:00:00Z", &error));
  g_assert_no_error (error);

  again = aud_store_reopen (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aud_store_get_data_version (again), ==, 1);
  g_assert_cmpint (aud_store_get_reference_time (again), ==, 1717200000);
  mode = aud_store_dup_meta (again, "created");
  g_assert_nonnull (mode);
}

static void
test_store_open_missing (void)
{
  g_autofree char *path = temp_workspace ("missing.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (store);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_store_not_a_workspace (void)
{
  g_autofree char *text = temp_workspace ("text.audiences");
  g_autofree char *other = temp_workspace ("other.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_true (g_file_set_contents (text, "customer_id,email\n1,a@example.com\n", -1, NULL));
  store = aud_store_open (text, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_A_WORKSPACE);
  g_assert_null (store);
  g_clear_error (&error);

  /* Not overwritten even when creating is allowed. */
  store = aud_store_open (text, AUD_STORE_OPEN_CREATE, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_A_WORKSPACE);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = aud_store_open (other, AUD_STORE_OPEN_CREATE, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_A_WORKSPACE);
  g_assert_null (store);
}

static void
test_store_too_new (void)
{
  g_autofree char *path = temp_workspace ("new.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (aud_store_exec (store, "PRAGMA user_version = 99", &error));
  g_clear_object (&store);

  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
}

/* A workspace of the previous schema version opens with the tables the
 * current one adds, and keeps what it held. */
static void
test_store_migrate (void)
{
  g_autofree char *path = temp_workspace ("old.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (aud_store_exec (store, "INSERT INTO customers (external_id) VALUES ('kept');"
                                 "DROP TABLE value_lists; DROP TABLE coordinate_lists;"
                                 "PRAGMA user_version = 2", &error));
  g_clear_object (&store);

  /* Read as it is, without the upgrade. */
  store = aud_store_open (path, AUD_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  stmt = aud_store_prepare (store, "SELECT user_version FROM pragma_user_version", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_object (&store);

  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  stmt = aud_store_prepare (store, "SELECT (SELECT user_version FROM pragma_user_version), "
                            "(SELECT count(*) FROM sqlite_schema WHERE name IN "
                            "('value_lists', 'coordinate_lists')), "
                            "(SELECT group_concat(external_id) FROM customers)", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, AUD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 2);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 2), ==, "kept");
}

static void
test_store_fields (void)
{
  g_autoptr(AudStore) store = create_store ("fields.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudField) email = NULL;
  g_autoptr(AudField) spend = NULL;
  g_autoptr(AudField) dup = NULL;
  g_autoptr(AudField) by_role = NULL;
  g_autoptr(AudField) prop = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  email = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, "E-Mail \"primary\"", AUD_FIELD_TEXT,
                               AUD_ROLE_EMAIL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (email->name, ==, "E-Mail \"primary\"");
  g_assert_true (g_str_has_prefix (email->column, "c"));

  spend = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, "spend", AUD_FIELD_DECIMAL,
                               AUD_ROLE_NONE, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spend->scale, ==, 2);

  dup = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, "spend", AUD_FIELD_TEXT,
                             AUD_ROLE_NONE, 0, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_EXISTS);
  g_assert_null (dup);
  g_clear_error (&error);

  dup = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, "", AUD_FIELD_TEXT,
                             AUD_ROLE_NONE, 0, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* The same name may exist once as a field and once as a property. */
  prop = aud_store_add_field (store, AUD_SCOPE_EVENT, "spend", AUD_FIELD_DECIMAL,
                              AUD_ROLE_NONE, 2, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (prop->column, "p"));

  fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
  g_assert_cmpuint (fields->len, ==, 2);
  g_assert_cmpstr (((AudField *)fields->pdata[0])->name, ==, "E-Mail \"primary\"");
  g_assert_cmpstr (((AudField *)fields->pdata[1])->name, ==, "spend");

  by_role = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_EMAIL);
  g_assert_nonnull (by_role);
  g_assert_cmpint (by_role->id, ==, email->id);

  /* Rescale, then convert to text: the values stay exact. */
  g_assert_true (aud_store_exec (store,
                                 "INSERT INTO customers (external_id) VALUES ('a'), ('b'), ('c')",
                                 &error));
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE customers SET %s = CASE external_id "
                                            "WHEN 'a' THEN 50001 WHEN 'b' THEN -5 END",
                                            spend->column);
    g_assert_true (aud_store_exec (store, sql, &error));
  }
  g_assert_true (aud_store_rescale_field (store, spend, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (spend->scale, ==, 3);
  g_assert_true (aud_store_convert_field_to_text (store, spend, &error));
  g_assert_no_error (error);
  g_assert_cmpint (spend->type, ==, AUD_FIELD_TEXT);

  {
    g_autofree char *sql = g_strdup_printf ("SELECT %s FROM customers ORDER BY id", spend->column);
    stmt = aud_store_prepare (store, sql, &error);
  }
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "500.010");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "-0.050");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (stmt, 0), ==, SQLITE_NULL);
  g_clear_pointer (&stmt, sqlite3_finalize);

  g_clear_pointer (&by_role, aud_field_free);
  by_role = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, "spend");
  g_assert_cmpint (by_role->type, ==, AUD_FIELD_TEXT);
}

static void
test_store_event_names_and_linking (void)
{
  g_autoptr(AudStore) store = create_store ("events.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  gint64 purchase, view, again;

  purchase = aud_store_intern_event_name (store, "purchase", &error);
  view = aud_store_intern_event_name (store, "view", &error);
  again = aud_store_intern_event_name (store, "purchase", &error);
  g_assert_no_error (error);
  g_assert_cmpint (purchase, >, 0);
  g_assert_cmpint (purchase, !=, view);
  g_assert_cmpint (purchase, ==, again);
  g_assert_cmpint (aud_store_lookup_event_name (store, "nope"), ==, -1);
  g_assert_cmpint (aud_store_intern_event_name (store, "", &error), ==, -1);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  names = aud_store_list_event_names (store);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpstr (names->pdata[0], ==, "purchase");

  g_assert_true (aud_store_exec (store,
                                 "INSERT INTO events (customer, customer_key, name, ts) VALUES "
                                 "(NULL, 'late', 1, 10), (NULL, 'ghost', 1, 20)",
                                 &error));
  g_assert_true (aud_store_exec (store, "INSERT INTO customers (external_id) VALUES ('late')",
                                 &error));
  g_assert_cmpint (aud_store_link_events (store, &error), ==, 1);
  g_assert_no_error (error);

  g_assert_true (aud_store_drop_event_indexes (store, &error));
  g_assert_true (aud_store_create_event_indexes (store, &error));
  g_assert_no_error (error);
}

static void
test_store_cancel (void)
{
  g_autoptr(AudStore) store = create_store ("cancel.audiences");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  aud_store_watch_cancellable (store, cancellable);
  g_cancellable_cancel (cancellable);
  g_assert_false (aud_store_exec (store,
                                  "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r "
                                  "WHERE x < 100000000) SELECT count(*) FROM r",
                                  &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aud_store_watch_cancellable (store, NULL);
}

static void
test_store_quote_identifier (void)
{
  g_autofree char *plain = aud_sql_quote_identifier ("emp.var.rate");
  g_autofree char *quote = aud_sql_quote_identifier ("a\"b");

  g_assert_cmpstr (plain, ==, "\"emp.var.rate\"");
  g_assert_cmpstr (quote, ==, "\"a\"\"b\"");
  g_assert_null (aud_sql_quote_identifier (""));
  g_assert_null (aud_sql_quote_identifier ("a\nb"));
  g_assert_null (aud_sql_quote_identifier ("\xff"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/create-and-reopen", test_store_create_and_reopen);
  g_test_add_func ("/store/open-missing", test_store_open_missing);
  g_test_add_func ("/store/not-a-workspace", test_store_not_a_workspace);
  g_test_add_func ("/store/too-new", test_store_too_new);
  g_test_add_func ("/store/migrate", test_store_migrate);
  g_test_add_func ("/store/fields", test_store_fields);
  g_test_add_func ("/store/event-names-and-linking", test_store_event_names_and_linking);
  g_test_add_func ("/store/cancel", test_store_cancel);
  g_test_add_func ("/store/quote-identifier", test_store_quote_identifier);

  return g_test_run ();
}
