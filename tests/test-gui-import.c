/* test-gui-import.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The import assistant driven through its actions: a file into a new
 * workspace, a cancelled import, a mapping that cannot run and a file that
 * cannot be read. Needs a display (the test suite runs it under Xvfb).
 *
 * With AUD_TEST_SHOT_STEP=preview|mapping|progress|summary the assistant
 * stays on that step for AUD_TEST_SHOT_SECONDS (default 4) at 1400×900, so
 * a screenshot can be taken.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include <glib/gstdio.h>

#include "aud-application.h"
#include "aud-demo.h"
#include "aud-import-assistant.h"
#include "aud-rejects-view.h"
#include "aud-store.h"

static AudApplication *app;

static char *
data_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);

  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

/* A new, empty workspace. */
static char *
new_workspace (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static gint64
count_rows (const char *workspace,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = aud_store_open (workspace, AUD_STORE_OPEN_READ_ONLY, &error);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (aud_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
wait_idle (AudImportAssistant *assistant)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (aud_import_assistant_get_busy (assistant))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  settle ();
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Holds the window on @step for a screenshot when asked to. */
static void
maybe_hold (AudImportAssistant *assistant,
            const char         *step)
{
  const char *seconds = g_getenv ("AUD_TEST_SHOT_SECONDS");
  gint64 until;
  guint wake;

  if (g_strcmp0 (g_getenv ("AUD_TEST_SHOT_STEP"), step) != 0)
    return;

  until = g_get_monotonic_time () +
          (seconds != NULL ? atoi (seconds) : 4) * G_USEC_PER_SEC;
  /* A tick, so the blocking iteration wakes up to look at the time. */
  wake = g_timeout_add (100, tick_cb, NULL);
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static AudImportAssistant *
open_assistant (const char *workspace,
                const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AudImportAssistant *assistant = aud_import_assistant_new (NULL, workspace, file);

  if (g_getenv ("AUD_TEST_SHOT_STEP") != NULL)
    gtk_window_set_default_size (GTK_WINDOW (assistant), 1400, 900);
  gtk_window_present (GTK_WINDOW (assistant));
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "preview");
  g_assert_true (aud_import_assistant_get_busy (assistant));

  return assistant;
}

static gpointer
child (AudImportAssistant *assistant,
       const char         *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (assistant),
                                                   AUD_TYPE_IMPORT_ASSISTANT, name);

  g_assert_nonnull (object);

  return object;
}

/* The first AdwPreferencesRow titled @title below @widget, or NULL. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      if (ADW_IS_PREFERENCES_ROW (w) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
        return w;
      if ((found = find_row (w, title)) != NULL)
        return found;
    }

  return NULL;
}

/* The first widget of @type (with style class @css_class, unless NULL)
 * below @widget, depth first, or NULL. */
static GtkWidget *
find_child (GtkWidget  *widget,
            GType       type,
            const char *css_class)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) &&
          (css_class == NULL || gtk_widget_has_css_class (w, css_class)))
        return w;
      if ((found = find_child (w, type, css_class)) != NULL)
        return found;
    }

  return NULL;
}

/* The first window of @type transient for @parent, or NULL. */
static gpointer
find_transient (AudImportAssistant *parent,
                GType               type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_window_get_transient_for (window) == GTK_WINDOW (parent))
        return window;
    }

  return NULL;
}

static void
activate (AudImportAssistant *assistant,
          const char         *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), action, NULL));
}

static void
test_import_customers (void)
{
  g_autofree char *workspace = new_workspace ("customers.audiences");
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "gui-import-customers.csv",
                                                NULL);
  g_autofree char *saved_path = data_path ("rejected.csv");
  g_autofree char *saved = NULL;
  g_autoptr(GFile) saved_file = g_file_new_for_path (saved_path);
  g_autoptr(GError) error = NULL;
  AudImportAssistant *assistant = open_assistant (workspace, csv);
  const AudImportMapping *mapping;
  const AudImportSummary *summary;
  AudRejectsView *rejects;
  GtkWidget *age, *age_type, *age_warning;
  gint64 deadline;
  guint n_imported = 0;

  g_signal_connect_swapped (assistant, "imported", G_CALLBACK (g_atomic_int_inc), &n_imported);

  wait_idle (assistant);
  maybe_hold (assistant, "preview");
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_nonnull (mapping);
  g_assert_cmpint (mapping->kind, ==, AUD_IMPORT_CUSTOMERS);
  g_assert_cmpstr (mapping->id_column, ==, "customer_id");
  g_assert_cmpint (mapping->read.delimiter, ==, ',');

  activate (assistant, "import.next");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "mapping");

  /* "29x" is not an integer: choosing that type warns. */
  age = find_row (child (assistant, "columns_group"), "age");
  g_assert_nonnull (age);
  age_type = find_child (age, GTK_TYPE_DROP_DOWN, NULL);
  age_warning = find_child (age, GTK_TYPE_LABEL, "warning");
  g_assert_false (gtk_widget_get_visible (age_warning));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (age_type), AUD_FIELD_INTEGER);
  g_assert_cmpint (aud_import_mapping_get_column (mapping, "age")->format.type, ==,
                   AUD_FIELD_INTEGER);
  g_assert_true (gtk_widget_get_visible (age_warning));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (age_warning)), ==, "1 value does not fit");
  maybe_hold (assistant, "mapping");

  activate (assistant, "import.start");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "progress");
  wait_idle (assistant);
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "summary");
  g_assert_cmpuint (n_imported, ==, 1);
  maybe_hold (assistant, "summary");

  summary = aud_import_assistant_get_summary (assistant);
  g_assert_nonnull (summary);
  g_assert_cmpuint (summary->rows_read, ==, 6);
  g_assert_cmpuint (summary->rows_inserted, ==, 4);
  g_assert_cmpuint (summary->rows_rejected, ==, 2);

  /* The workspace holds the rows. */
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM customers"), ==, 4);
  g_assert_cmpint (count_rows (workspace,
                               "SELECT count(*) FROM customers WHERE external_id = 'C5'"), ==, 1);
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM imports"), ==, 1);

  /* The rejected rows, in a table and saved as CSV. */
  activate (assistant, "import.view-rejects");
  rejects = find_transient (assistant, AUD_TYPE_REJECTS_VIEW);
  g_assert_nonnull (rejects);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (aud_rejects_view_get_loading (rejects))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (g_list_model_get_n_items (aud_rejects_view_get_model (rejects)), ==, 2);
  maybe_hold (assistant, "rejects");

  g_assert_true (aud_rejects_view_save (rejects, saved_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (saved_path, &saved, NULL, &error));
  g_assert_true (g_str_has_prefix (saved, "line,reason,raw\r\n5,"));
  g_assert_nonnull (strstr (saved, "\",Nobody,50,2024-04-01\"\r\n"));
  g_assert_nonnull (strstr (saved, "\r\n6,"));

  gtk_window_destroy (GTK_WINDOW (rejects));
  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

static void
test_import_cancel (void)
{
  g_autofree char *workspace = new_workspace ("cancel.audiences");
  g_autofree char *customers = data_path ("big-customers.csv");
  g_autofree char *events = data_path ("big-events.csv");
  g_autoptr(GError) error = NULL;
  AudDemoOptions options;
  AudImportAssistant *assistant;
  gint64 deadline;

  aud_demo_options_init (&options);
  options.n_customers = g_getenv ("AUD_TEST_SHOT_STEP") != NULL ? 2000000 : 200000;
  options.n_events = 10;
  g_assert_true (aud_demo_write_csv (&options, customers, events, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  assistant = open_assistant (workspace, customers);
  wait_idle (assistant);
  activate (assistant, "import.next");
  activate (assistant, "import.start");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "progress");
  g_assert_true (aud_import_assistant_get_busy (assistant));
  /* The main window stays usable meanwhile. */
  g_assert_false (gtk_window_get_modal (GTK_WINDOW (assistant)));
  maybe_hold (assistant, "progress");

  activate (assistant, "import.cancel");
  wait_idle (assistant);
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "mapping");
  g_assert_null (aud_import_assistant_get_summary (assistant));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (assistant)));

  /* Rolled back: nothing was kept. */
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM customers"), ==, 0);
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM imports"), ==, 0);

  /* Closing the window while the import runs cancels it too. */
  activate (assistant, "import.start");
  g_assert_true (aud_import_assistant_get_busy (assistant));
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *)&assistant);
  gtk_window_close (GTK_WINDOW (assistant));
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (assistant != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM customers"), ==, 0);
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM imports"), ==, 0);
}

/* Events need a time column: this file has none, so nothing starts. */
static void
test_import_invalid_mapping (void)
{
  g_autofree char *workspace = new_workspace ("invalid.audiences");
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "gui-import-customers.csv",
                                                NULL);
  AudImportAssistant *assistant = open_assistant (workspace, csv);
  const AudImportMapping *mapping;

  wait_idle (assistant);
  activate (assistant, "import.next");
  aud_import_assistant_set_kind (assistant, AUD_IMPORT_EVENTS);
  settle ();

  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpint (mapping->kind, ==, AUD_IMPORT_EVENTS);
  /* The date column was taken as the time; choose none. */
  g_assert_cmpstr (mapping->time_column, ==, "signup");
  adw_combo_row_set_selected (child (assistant, "time_row"), 0);
  settle ();
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_null (mapping->time_column);
  g_assert_false (aud_import_mapping_check (mapping, NULL, NULL));
  /* The check's sentence is shown. */
  g_assert_true (gtk_widget_get_visible (child (assistant, "check_box")));
  g_assert_cmpstr (gtk_label_get_text (child (assistant, "check_label")), !=, "");
  maybe_hold (assistant, "events");

  activate (assistant, "import.start");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "mapping");
  g_assert_false (aud_import_assistant_get_busy (assistant));

  /* Back to customers: valid again, and it runs. */
  aud_import_assistant_set_kind (assistant, AUD_IMPORT_CUSTOMERS);
  settle ();
  activate (assistant, "import.start");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "progress");
  wait_idle (assistant);
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "summary");

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

/* An empty file: the preview fails, with a message, and nothing goes on. */
static void
test_import_unreadable (void)
{
  g_autofree char *workspace = new_workspace ("unreadable.audiences");
  g_autofree char *empty = data_path ("empty.csv");
  g_autoptr(GError) error = NULL;
  AudImportAssistant *assistant;
  GtkWindow *dialog;

  g_assert_true (g_file_set_contents (empty, "", 0, &error));
  g_test_expect_message ("aud-import-assistant", G_LOG_LEVEL_WARNING,
                         "Could Not Read the File:*empty*");
  assistant = open_assistant (workspace, empty);
  wait_idle (assistant);
  g_test_assert_expected_messages ();

  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "preview");
  g_assert_null (aud_import_assistant_get_mapping (assistant));
  activate (assistant, "import.next");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "preview");

  dialog = find_transient (assistant, ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  gtk_window_destroy (dialog);

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

/* Another delimiter reads the preview again at once: with semicolons the
 * file has one column; back to commas, four. */
static void
test_import_reparse (void)
{
  g_autofree char *workspace = new_workspace ("reparse.audiences");
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "gui-import-customers.csv",
                                                NULL);
  AudImportAssistant *assistant = open_assistant (workspace, csv);
  const AudImportMapping *mapping;

  wait_idle (assistant);
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpuint (mapping->columns->len, ==, 4);

  /* The delimiters offered: comma, semicolon, tab, pipe. */
  adw_combo_row_set_selected (child (assistant, "delimiter_row"), 1);
  g_assert_true (aud_import_assistant_get_busy (assistant));
  wait_idle (assistant);
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpint (mapping->read.delimiter, ==, ';');
  g_assert_cmpuint (mapping->columns->len, ==, 1);

  /* No header: the columns are numbered, the header row is data. */
  adw_combo_row_set_selected (child (assistant, "delimiter_row"), 0);
  gtk_switch_set_active (child (assistant, "header_switch"), FALSE);
  wait_idle (assistant);
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpint (mapping->read.delimiter, ==, ',');
  g_assert_cmpint (mapping->read.header, ==, AUD_HEADER_NO);
  g_assert_cmpuint (mapping->columns->len, ==, 4);
  g_assert_nonnull (aud_import_mapping_get_column (mapping, "Column 1"));

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

/* What the user sets for a column and the id survives reading the file
 * again with other settings, wherever the column is still there. */
static void
test_import_choices_kept (void)
{
  g_autofree char *workspace = new_workspace ("kept.audiences");
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "gui-import-customers.csv",
                                                NULL);
  AudImportAssistant *assistant = open_assistant (workspace, csv);
  const AudImportMapping *mapping;
  GtkWidget *row;

  wait_idle (assistant);
  activate (assistant, "import.next");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "mapping");

  row = find_row (child (assistant, "columns_group"), "age");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_child (row, GTK_TYPE_DROP_DOWN, NULL)),
                              AUD_FIELD_INTEGER);
  row = find_row (child (assistant, "columns_group"), "signup");
  gtk_switch_set_active (GTK_SWITCH (find_child (row, GTK_TYPE_SWITCH, NULL)), FALSE);
  adw_combo_row_set_selected (child (assistant, "id_row"), 0);   /* no id: row numbers */
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_null (mapping->id_column);

  /* Read as one column with semicolons, then as four with commas again. */
  activate (assistant, "import.back");
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "preview");
  adw_combo_row_set_selected (child (assistant, "delimiter_row"), 1);
  wait_idle (assistant);
  g_assert_cmpuint (aud_import_assistant_get_mapping (assistant)->columns->len, ==, 1);
  adw_combo_row_set_selected (child (assistant, "delimiter_row"), 0);
  wait_idle (assistant);

  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpuint (mapping->columns->len, ==, 4);
  g_assert_cmpint (aud_import_mapping_get_column (mapping, "age")->format.type, ==,
                   AUD_FIELD_INTEGER);
  g_assert_true (aud_import_mapping_get_column (mapping, "signup")->skip);
  g_assert_false (aud_import_mapping_get_column (mapping, "name")->skip);
  g_assert_null (mapping->id_column);

  /* And the mapping step shows it. */
  activate (assistant, "import.next");
  row = find_row (child (assistant, "columns_group"), "age");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find_child (row, GTK_TYPE_DROP_DOWN,
                                                                            NULL))),
                    ==, AUD_FIELD_INTEGER);
  row = find_row (child (assistant, "columns_group"), "signup");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find_child (row, GTK_TYPE_SWITCH, NULL))));
  g_assert_cmpuint (adw_combo_row_get_selected (child (assistant, "id_row")), ==, 0);

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

/* The workspace is gone when the import starts: a message, and the
 * mapping step stays. */
static void
test_import_missing_workspace (void)
{
  g_autofree char *workspace = new_workspace ("gone.audiences");
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "gui-import-customers.csv",
                                                NULL);
  AudImportAssistant *assistant = open_assistant (workspace, csv);

  wait_idle (assistant);
  activate (assistant, "import.next");
  g_assert_cmpint (g_unlink (workspace), ==, 0);

  g_test_expect_message ("aud-import-assistant", G_LOG_LEVEL_WARNING, "Import Failed:*");
  activate (assistant, "import.start");
  g_test_assert_expected_messages ();
  wait_idle (assistant);
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "mapping");
  g_assert_null (aud_import_assistant_get_summary (assistant));
  g_assert_false (g_file_test (workspace, G_FILE_TEST_EXISTS));
  g_assert_nonnull (find_transient (assistant, ADW_TYPE_MESSAGE_DIALOG));

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

/* JSON Lines events into a new workspace: the event columns found, the
 * CSV-only read options off; unknown customers are counted. */
static void
test_import_events_json (void)
{
  g_autofree char *workspace = new_workspace ("events.audiences");
  g_autofree char *json = g_test_build_filename (G_TEST_DIST, "data", "imp-events.jsonl", NULL);
  AudImportAssistant *assistant = open_assistant (workspace, json);
  const AudImportMapping *mapping;
  const AudImportSummary *summary;

  wait_idle (assistant);
  aud_import_assistant_set_kind (assistant, AUD_IMPORT_EVENTS);
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpint (mapping->kind, ==, AUD_IMPORT_EVENTS);
  g_assert_cmpint (mapping->read.format, ==, AUD_FILE_FORMAT_JSON_LINES);
  g_assert_cmpstr (mapping->id_column, ==, "customer_id");
  /* Two rows are too few to tell an event name: choose it (the first
   * item is "none", then the columns in file order). */
  adw_combo_row_set_selected (child (assistant, "event_row"), 2);
  adw_combo_row_set_selected (child (assistant, "time_row"), 3);
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpstr (mapping->event_column, ==, "event");
  g_assert_null (mapping->event_name);
  g_assert_cmpstr (mapping->time_column, ==, "time");
  g_assert_false (gtk_widget_get_sensitive (child (assistant, "delimiter_row")));
  g_assert_false (gtk_widget_get_sensitive (child (assistant, "header_row")));

  activate (assistant, "import.next");
  activate (assistant, "import.start");
  wait_idle (assistant);
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "summary");

  summary = aud_import_assistant_get_summary (assistant);
  g_assert_cmpint (summary->kind, ==, AUD_IMPORT_EVENTS);
  g_assert_cmpuint (summary->rows_inserted, ==, 2);
  g_assert_cmpuint (summary->rows_unknown_customer, ==, 2);
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM events"), ==, 2);
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM customers"), ==, 0);

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

/* Latin-1 text is not UTF-8: the preview says how it was read, and the
 * encoding can be set. */
static void
test_import_encoding (void)
{
  g_autofree char *workspace = new_workspace ("latin1.audiences");
  g_autofree char *csv = data_path ("latin1.csv");
  g_autoptr(GError) error = NULL;
  AudImportAssistant *assistant;
  const AudImportMapping *mapping;
  static const char latin1[] = "id;name;city\r\n1;Ren\xe9;K\xf6ln\r\n2;Zo\xeb;M\xe1laga\r\n";

  g_assert_true (g_file_set_contents (csv, latin1, sizeof latin1 - 1, &error));
  assistant = open_assistant (workspace, csv);
  wait_idle (assistant);
  maybe_hold (assistant, "encoding");

  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpint (mapping->read.encoding, ==, AUD_ENCODING_WINDOWS_1252);
  g_assert_cmpint (mapping->read.delimiter, ==, ';');
  g_assert_true (gtk_widget_get_visible (child (assistant, "warning_box")));
  g_assert_cmpstr (gtk_label_get_text (child (assistant, "warning_label")), !=, "");

  /* Read as UTF-8 instead, as the user asks. */
  adw_combo_row_set_selected (child (assistant, "encoding_row"), 0);
  wait_idle (assistant);
  mapping = aud_import_assistant_get_mapping (assistant);
  g_assert_cmpint (mapping->read.encoding, ==, AUD_ENCODING_UTF8);

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

/* Another program writes to the workspace: the import waits, then fails
 * with a message saying so, and the mapping step stays. */
static void
test_import_locked (void)
{
  g_autofree char *workspace = new_workspace ("locked.audiences");
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "gui-import-customers.csv",
                                                NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) other = aud_store_open (workspace, AUD_STORE_OPEN_DEFAULT, &error);
  AudImportAssistant *assistant;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (aud_store_get_db (other), "BEGIN IMMEDIATE", NULL, NULL, NULL),
                   ==, SQLITE_OK);

  assistant = open_assistant (workspace, csv);
  wait_idle (assistant);
  activate (assistant, "import.next");

  g_test_expect_message ("aud-import-assistant", G_LOG_LEVEL_WARNING, "Import Failed:*");
  activate (assistant, "import.start");
  wait_idle (assistant);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (aud_import_assistant_get_step (assistant), ==, "mapping");
  g_assert_null (aud_import_assistant_get_summary (assistant));
  g_assert_nonnull (find_transient (assistant, ADW_TYPE_MESSAGE_DIALOG));
  maybe_hold (assistant, "locked");

  g_assert_cmpint (sqlite3_exec (aud_store_get_db (other), "ROLLBACK", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (count_rows (workspace, "SELECT count(*) FROM customers"), ==, 0);

  gtk_window_destroy (GTK_WINDOW (assistant));
  settle ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char * const *system_data_dirs;
  g_auto(GStrv) mime_dirs = NULL;

  /* Taken before the data folders are isolated: icons are recognised by
   * their MIME type. */
  system_data_dirs = g_get_system_data_dirs ();
  mime_dirs = g_new0 (char *, g_strv_length ((GStrv)system_data_dirs) + 1);
  for (guint i = 0; system_data_dirs[i] != NULL; i++)
    mime_dirs[i] = g_build_filename (system_data_dirs[i], "mime", NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *)mime_dirs);

  app = aud_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/gui-import/customers", test_import_customers);
  g_test_add_func ("/gui-import/cancel", test_import_cancel);
  g_test_add_func ("/gui-import/invalid-mapping", test_import_invalid_mapping);
  g_test_add_func ("/gui-import/unreadable", test_import_unreadable);
  g_test_add_func ("/gui-import/events-json", test_import_events_json);
  g_test_add_func ("/gui-import/reparse", test_import_reparse);
  g_test_add_func ("/gui-import/choices-kept", test_import_choices_kept);
  g_test_add_func ("/gui-import/encoding", test_import_encoding);
  g_test_add_func ("/gui-import/missing-workspace", test_import_missing_workspace);
  g_test_add_func ("/gui-import/locked", test_import_locked);

  return g_test_run ();
}
