/* test-gui-window.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window over real workspaces: what it shows for data, for an
 * empty workspace and for files it cannot open. Needs a display (the test
 * suite runs it under Xvfb).
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "aud-application.h"
#include "aud-format.h"
#include "aud-import-assistant.h"
#include "aud-store.h"
#include "aud-timeline-chart.h"
#include "aud-window.h"

/* Shared by all tests: windows need a registered application. */
static AudApplication *app;

/* A path in this test's own data folder. */
static char *
workspace_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);

  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static AudField *
add_field (AudStore     *store,
           AudScope      scope,
           const char   *name,
           AudFieldType  type,
           AudFieldRole  role)
{
  g_autoptr(GError) error = NULL;
  AudField *field = aud_store_add_field (store, scope, name, type, role, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (field);

  return field;
}

static void
exec_bound (AudStore   *store,
            const char *sql,
            const char *text1,
            gint64      int2,
            gint64      int3)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, text1, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, int2);
  sqlite3_bind_int64 (stmt, 3, int3);
  aud_store_step_done (store, stmt, &error);
  g_assert_no_error (error);
}

/* A workspace with 3 customers (fields email and plan), 5 events (3
 * "purchase", 2 "login"; one of a customer that does not exist) and one
 * import. */
static char *
make_shop_workspace (void)
{
  g_autofree char *path = workspace_path ("shop.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudField) email = NULL;
  g_autoptr(AudField) plan = NULL;
  g_autoptr(AudField) amount = NULL;
  g_autofree char *email_column = NULL;
  g_autofree char *insert = NULL;
  gint64 purchase, login;
  static const char *customers[] = { "C1", "C2", "C3" };

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  email = add_field (store, AUD_SCOPE_CUSTOMER, "email", AUD_FIELD_TEXT, AUD_ROLE_EMAIL);
  plan = add_field (store, AUD_SCOPE_CUSTOMER, "plan", AUD_FIELD_CATEGORY, AUD_ROLE_NONE);
  amount = add_field (store, AUD_SCOPE_EVENT, "amount", AUD_FIELD_INTEGER, AUD_ROLE_NONE);

  email_column = aud_sql_quote_identifier (email->column);
  insert = g_strdup_printf ("INSERT INTO customers (external_id, %s) VALUES (?1, ?2 || '@example.com')",
                            email_column);
  for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
    exec_bound (store, insert, customers[i], i, 0);

  purchase = aud_store_intern_event_name (store, "purchase", &error);
  g_assert_no_error (error);
  login = aud_store_intern_event_name (store, "login", &error);
  g_assert_no_error (error);

  exec_bound (store, "INSERT INTO events (customer, customer_key, name, ts) VALUES (1, ?1, ?2, ?3)",
              "C1", purchase, 1700000000);
  exec_bound (store, "INSERT INTO events (customer, customer_key, name, ts) VALUES (2, ?1, ?2, ?3)",
              "C2", purchase, 1700000100);
  exec_bound (store, "INSERT INTO events (customer, customer_key, name, ts) VALUES (NULL, ?1, ?2, ?3)",
              "C9", purchase, 1700000200);
  exec_bound (store, "INSERT INTO events (customer, customer_key, name, ts) VALUES (1, ?1, ?2, ?3)",
              "C1", login, 1700000300);
  exec_bound (store, "INSERT INTO events (customer, customer_key, name, ts) VALUES (3, ?1, ?2, ?3)",
              "C3", login, 1700000400);

  exec_bound (store,
              "INSERT INTO imports (file, kind, started, rows_read, rows_inserted, rows_rejected, "
              "rows_unknown_customer) VALUES (?1, 'events', ?2, 6, 5, 1, ?3)",
              "/home/someone/orders & logins.csv", 1700000500, 1);

  return g_steal_pointer (&path);
}

static AudWindow *
open_window (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AudWindow *window = aud_window_new (app);

  aud_window_open (window, file);
  g_assert_true (aud_window_get_busy (window));
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static void
wait_idle (AudWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (aud_window_get_busy (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  /* Let the dialogs and pages settle. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gpointer
child (AudWindow  *window,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), AUD_TYPE_WINDOW, name);

  g_assert_nonnull (object);

  return object;
}

static const char *
visible_page (AudWindow *window)
{
  return gtk_stack_get_visible_child_name (child (window, "stack"));
}

static void
collect_row_titles (GtkWidget *widget,
                    GPtrArray *titles)
{
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      if (ADW_IS_PREFERENCES_ROW (w))
        g_ptr_array_add (titles, (gpointer)adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)));
      else
        collect_row_titles (w, titles);
    }
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

/* The titles of the rows of an AdwPreferencesGroup, in order (not those
 * inside expander rows). */
static GPtrArray *
row_titles (AdwPreferencesGroup *group)
{
  GPtrArray *titles = g_ptr_array_new ();

  collect_row_titles (GTK_WIDGET (group), titles);

  return titles;
}

/* The window of @type shown for @window; NULL when there is none. */
static GtkWindow *
find_transient (AudWindow *window,
                GType      type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) &&
          gtk_window_get_transient_for (toplevel) == GTK_WINDOW (window))
        return toplevel;
    }

  return NULL;
}

/* The message dialog shown for @window; NULL when there is none. */
static AdwMessageDialog *
find_dialog (AudWindow *window)
{
  return (AdwMessageDialog *)find_transient (window, ADW_TYPE_MESSAGE_DIALOG);
}

static void
close_window (AudWindow *window)
{
  AdwMessageDialog *dialog;

  while ((dialog = find_dialog (window)) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_window_overview (void)
{
  g_autofree char *path = make_shop_workspace ();
  g_autofree char *subtitle = aud_format_counts (3, 5);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) properties = NULL;
  g_autoptr(GPtrArray) imports = NULL;
  AdwWindowTitle *title;
  AudTimelineChart *chart;
  GArray *buckets;
  AudWindow *window;

  window = open_window (path);
  g_assert_cmpstr (visible_page (window), ==, "loading");
  wait_idle (window);

  g_assert_cmpstr (visible_page (window), ==, "overview");
  g_assert_null (find_dialog (window));

  title = child (window, "window_title");
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "shop");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, subtitle);
  g_assert_cmpstr (subtitle, ==, "3 customers · 5 events");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "shop");

  g_assert_cmpstr (gtk_label_get_label (child (window, "customers_value_label")), ==, "3");
  g_assert_cmpstr (gtk_label_get_label (child (window, "events_value_label")), ==, "5");
  g_assert_cmpstr (gtk_label_get_label (child (window, "fields_value_label")), ==, "2");

  fields = row_titles (child (window, "fields_group"));
  g_assert_cmpuint (fields->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fields, 0), ==, "email");
  g_assert_cmpstr (g_ptr_array_index (fields, 1), ==, "plan");

  /* Largest first. */
  events = row_titles (child (window, "events_group"));
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "purchase");
  g_assert_cmpstr (g_ptr_array_index (events, 1), ==, "login");

  properties = row_titles (child (window, "properties_group"));
  g_assert_cmpuint (properties->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (properties, 0), ==, "amount");

  /* A file name with markup characters is shown as it is. */
  imports = row_titles (child (window, "imports_group"));
  g_assert_cmpuint (imports->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (imports, 0), ==, "orders & logins.csv");

  g_assert_true (gtk_widget_get_visible (child (window, "imports_group")));
  g_assert_true (gtk_widget_is_sensitive (child (window, "import_button")));

  /* Minutes apart: one week, from Monday 13 Nov 2023. */
  chart = child (window, "timeline_chart");
  g_assert_true (gtk_widget_get_visible (child (window, "timeline_group")));
  g_assert_true (aud_timeline_chart_get_weekly (chart));
  buckets = aud_timeline_chart_get_buckets (chart);
  g_assert_cmpuint (buckets->len, ==, 1);
  g_assert_cmpint (g_array_index (buckets, AudTimelineBucket, 0).start, ==, 1699833600);
  g_assert_cmpint (g_array_index (buckets, AudTimelineBucket, 0).count, ==, 5);

  close_window (window);
}

/* A month by its first second, UTC. */
static gint64
month_start (int year,
             int month)
{
  g_autoptr(GDateTime) at = g_date_time_new_utc (year, month, 1, 0, 0, 0.0);

  return g_date_time_to_unix (at);
}

static void
test_window_timeline (void)
{
  g_autofree char *path = workspace_path ("timeline.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  AudTimelineChart *chart;
  GArray *buckets;
  AudWindow *window;
  gint64 visit, order;
  /* January to August 2024: months, the empty ones included; the first
   * and last second of a month count in it. */
  static const struct { const char *name; gint64 ts; } events[] = {
    { "visit", 1704067200 },      /* 1 Jan 2024 00:00:00 */
    { "order", 1706745599 },      /* 31 Jan 2024 23:59:59 */
    { "visit", 1706745600 },      /* 1 Feb 2024 00:00:00 */
    { "order", 1706745601 },
    { "visit", 1711929599 },      /* 31 Mar 2024 23:59:59 */
    { "order", 1723248000 },      /* 10 Aug 2024 */
  };
  static const gint64 expected[] = { 2, 2, 1, 0, 0, 0, 0, 1 };

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  visit = aud_store_intern_event_name (store, "visit", &error);
  g_assert_no_error (error);
  order = aud_store_intern_event_name (store, "order", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    exec_bound (store, "INSERT INTO events (customer_key, name, ts) VALUES (?1, ?2, ?3)",
                "C1", g_str_equal (events[i].name, "visit") ? visit : order, events[i].ts);
  g_clear_object (&store);

  window = open_window (path);
  wait_idle (window);
  g_assert_cmpstr (visible_page (window), ==, "overview");

  chart = child (window, "timeline_chart");
  g_assert_false (aud_timeline_chart_get_weekly (chart));
  buckets = aud_timeline_chart_get_buckets (chart);
  g_assert_cmpuint (buckets->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (g_array_index (buckets, AudTimelineBucket, i).start, ==,
                       month_start (2024, i + 1));
      g_assert_cmpint (g_array_index (buckets, AudTimelineBucket, i).count, ==, expected[i]);
    }

  close_window (window);
}

static void
test_window_reload (void)
{
  g_autofree char *path = make_shop_workspace ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GPtrArray) events = NULL;
  AudWindow *window;

  window = open_window (path);
  wait_idle (window);

  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  aud_store_exec (store, "DELETE FROM events WHERE ts > 1700000250", &error);
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  g_assert_true (aud_window_get_busy (window));
  wait_idle (window);

  g_assert_cmpstr (gtk_label_get_label (child (window, "events_value_label")), ==, "3");
  /* The rows are replaced, not added to. */
  events = row_titles (child (window, "events_group"));
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "purchase");

  close_window (window);
}

static void
test_window_empty (void)
{
  g_autofree char *path = workspace_path ("empty.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  AudWindow *window;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  window = open_window (path);
  wait_idle (window);

  g_assert_cmpstr (visible_page (window), ==, "empty");
  g_assert_cmpstr (adw_window_title_get_subtitle (child (window, "window_title")), ==,
                   "0 customers · 0 events");
  g_assert_null (find_dialog (window));
  /* The way out of an empty workspace. */
  g_assert_true (gtk_widget_is_sensitive (child (window, "import_button")));

  close_window (window);
}

/* Opens @path, which must fail, and returns the heading of the dialog. */
static char *
open_failing (const char *path)
{
  AudWindow *window = open_window (path);
  AdwMessageDialog *dialog;
  char *heading;

  wait_idle (window);

  g_assert_cmpstr (visible_page (window), ==, "none");
  g_assert_null (aud_window_get_file (window));
  /* Nothing to import into. */
  g_assert_false (gtk_widget_is_sensitive (child (window, "import_button")));
  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "\n\n"));
  heading = g_strdup (adw_message_dialog_get_heading (dialog));

  close_window (window);

  return heading;
}

static void
test_window_not_a_workspace (void)
{
  g_autofree char *path = workspace_path ("customers.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;

  g_file_set_contents (path, "id,email\n1,a@example.com\n", -1, &error);
  g_assert_no_error (error);

  g_test_expect_message ("aud-window", G_LOG_LEVEL_WARNING, "*customers.csv*");
  heading = open_failing (path);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (heading, ==, "Not a Workspace");
}

static void
test_window_too_new (void)
{
  g_autofree char *path = workspace_path ("future.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autofree char *heading = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  aud_store_exec (store, "PRAGMA user_version = 999", &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_test_expect_message ("aud-window", G_LOG_LEVEL_WARNING, "*future.audiences*");
  heading = open_failing (path);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (heading, ==, "Workspace Too New");
}

static void
test_window_corrupt (void)
{
  g_autofree char *path = workspace_path ("damaged.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *heading = NULL;
  gsize length;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  aud_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Keep the SQLite header, scribble over the schema page. */
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 4096);
  memset (contents + 100, 0x5a, 4096 - 100);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  g_test_expect_message ("aud-window", G_LOG_LEVEL_WARNING, "*damaged.audiences*");
  heading = open_failing (path);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (heading, ==, "Workspace Damaged");
}

static void
test_window_missing (void)
{
  g_autofree char *path = workspace_path ("nowhere.audiences");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *heading = NULL;
  g_auto(GStrv) recent = NULL;

  /* Offered as recent until it turns out to be gone. */
  aud_application_add_recent (app, file);

  g_test_expect_message ("aud-window", G_LOG_LEVEL_WARNING, "*nowhere.audiences*");
  heading = open_failing (path);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (heading, ==, "Workspace Not Found");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  recent = g_settings_get_strv (aud_application_get_settings (app), "recent-workspaces");
  g_assert_false (g_strv_contains ((const char * const *)recent, path));
}

static void
test_window_not_local (void)
{
  g_autoptr(GFile) file = g_file_new_for_uri ("http://example.com/shop.audiences");
  AudWindow *window = aud_window_new (app);
  AdwMessageDialog *dialog;

  g_test_expect_message ("aud-window", G_LOG_LEVEL_WARNING, "*example.com*");
  aud_window_open (window, file);
  wait_idle (window);
  g_test_assert_expected_messages ();

  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open Workspace");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "not a local file"));
  g_assert_cmpstr (visible_page (window), ==, "none");
  close_window (window);
}

static void
test_window_create (void)
{
  g_autofree char *path = workspace_path ("new.audiences");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AudWindow *window = aud_window_new (app);
  AdwMessageDialog *dialog;

  aud_window_create (window, file, FALSE);
  wait_idle (window);
  g_assert_cmpstr (visible_page (window), ==, "empty");
  g_assert_true (g_file_equal (aud_window_get_file (window), file));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  close_window (window);

  /* Never over an existing file unless the user agreed to replace it. */
  window = aud_window_new (app);
  g_test_expect_message ("aud-window", G_LOG_LEVEL_WARNING, "*new.audiences*");
  aud_window_create (window, file, FALSE);
  wait_idle (window);
  g_test_assert_expected_messages ();
  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open Workspace");
  close_window (window);
}

static void
test_window_replace (void)
{
  g_autofree char *path = make_shop_workspace ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AudWindow *window = aud_window_new (app);

  aud_window_create (window, file, TRUE);
  wait_idle (window);
  g_assert_null (find_dialog (window));
  g_assert_cmpstr (visible_page (window), ==, "empty");
  g_assert_cmpstr (gtk_label_get_label (child (window, "customers_value_label")), ==, "0");
  close_window (window);
}

static void
test_window_demo (void)
{
  g_autofree char *path = aud_application_dup_demo_path ();
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  g_autoptr(GPtrArray) imports = NULL;
  AudWindow *window = aud_window_new (app);

  g_setenv ("AUD_DEMO_CUSTOMERS", "200", TRUE);
  g_setenv ("AUD_DEMO_EVENTS", "3000", TRUE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  aud_window_open_demo (window);
  g_assert_true (aud_window_get_busy (window));
  g_assert_cmpstr (visible_page (window), ==, "loading");
  g_assert_true (gtk_widget_get_visible (child (window, "loading_progress")));
  g_assert_true (gtk_widget_is_sensitive (child (window, "cancel_button")));
  wait_idle (window);

  g_assert_null (find_dialog (window));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (visible_page (window), ==, "overview");
  g_assert_cmpstr (adw_window_title_get_title (child (window, "window_title")), ==,
                   "Demo Workspace");
  g_assert_cmpstr (gtk_label_get_label (child (window, "customers_value_label")), ==, "200");
  g_assert_cmpstr (gtk_label_get_label (child (window, "events_value_label")), ==, "3,000");
  /* Both files of the demo are listed as imports. */
  imports = row_titles (child (window, "imports_group"));
  g_assert_cmpuint (imports->len, ==, 2);
  close_window (window);

  /* The second time it is only opened: no progress to show. */
  window = aud_window_new (app);
  aud_window_open_demo (window);
  g_assert_false (gtk_widget_get_visible (child (window, "loading_progress")));
  g_assert_false (gtk_widget_get_visible (child (window, "cancel_button")));
  wait_idle (window);
  g_assert_cmpstr (gtk_label_get_label (child (window, "customers_value_label")), ==, "200");
  close_window (window);
}

static void
test_window_demo_cancel (void)
{
  g_autofree char *path = aud_application_dup_demo_path ();
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  AudWindow *window = aud_window_new (app);

  g_setenv ("AUD_DEMO_CUSTOMERS", "50000", TRUE);
  g_setenv ("AUD_DEMO_EVENTS", "1000000", TRUE);

  aud_window_open_demo (window);
  g_usleep (G_USEC_PER_SEC / 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  wait_idle (window);

  /* Nothing left behind, nothing to tell. */
  g_assert_null (find_dialog (window));
  g_assert_cmpstr (visible_page (window), ==, "none");
  g_assert_null (aud_window_get_file (window));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  close_window (window);
}

static void
test_window_recent (void)
{
  g_autofree char *path = make_shop_workspace ();
  GSettings *settings = aud_application_get_settings (app);
  g_auto(GStrv) recent = NULL;
  g_autofree char *last = NULL;
  AudWindow *window;

  g_assert_nonnull (settings);

  window = open_window (path);
  wait_idle (window);
  close_window (window);

  recent = g_settings_get_strv (settings, "recent-workspaces");
  last = g_settings_get_string (settings, "last-workspace");
  g_assert_cmpstr (recent[0], ==, path);
  g_assert_cmpstr (last, ==, path);
}

static void
test_window_sidebar (void)
{
  g_autofree char *path = make_shop_workspace ();
  GtkListBox *sidebar_list;
  GtkWidget *customers_row = NULL;
  AudWindow *window;

  window = open_window (path);
  /* No pages to go to while loading. */
  g_assert_false (gtk_widget_get_visible (child (window, "sidebar")));
  wait_idle (window);

  g_assert_cmpstr (visible_page (window), ==, "overview");
  g_assert_true (gtk_widget_get_visible (child (window, "sidebar")));

  sidebar_list = child (window, "sidebar_list");
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (sidebar_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), "customers") == 0)
      customers_row = row;
  g_assert_nonnull (customers_row);

  g_signal_emit_by_name (sidebar_list, "row-activated", customers_row);
  g_assert_cmpstr (visible_page (window), ==, "customers");
  g_assert_true (gtk_list_box_get_selected_row (sidebar_list) == GTK_LIST_BOX_ROW (customers_row));

  /* A reload comes back to the same page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  wait_idle (window);
  g_assert_cmpstr (visible_page (window), ==, "customers");

  close_window (window);

  /* An empty workspace has nothing to browse. */
  window = aud_window_new (app);
  g_assert_false (gtk_widget_get_visible (child (window, "sidebar")));
  close_window (window);
}

static void
test_window_folded (void)
{
  g_autofree char *path = make_shop_workspace ();
  AdwLeaflet *leaflet;
  AudWindow *window;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* New windows take their size from the settings. */
  g_settings_set_int (aud_application_get_settings (app), "window-width", 360);
  g_settings_set_int (aud_application_get_settings (app), "window-height", 600);
  window = open_window (path);
  wait_idle (window);

  leaflet = child (window, "leaflet");
  while (!adw_leaflet_get_folded (leaflet))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  /* The page, with a way back to the list of pages. */
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (window, "content"));
  g_assert_true (gtk_widget_get_visible (child (window, "back_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (window, "sidebar"));

  close_window (window);
}

static void
test_window_recent_rows (void)
{
  g_autofree char *path = make_shop_workspace ();
  g_autoptr(GPtrArray) titles = NULL;
  AdwPreferencesGroup *recent_group;
  AudWindow *window;

  window = open_window (path);
  wait_idle (window);
  close_window (window);

  /* A new window offers it among the recent workspaces. */
  window = aud_window_new (app);
  g_assert_cmpstr (visible_page (window), ==, "none");
  recent_group = child (window, "recent_group");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (recent_group)));
  titles = row_titles (recent_group);
  g_assert_cmpuint (titles->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, "shop");

  /* Activating it opens it. */
  g_signal_emit_by_name (find_row (GTK_WIDGET (recent_group), "shop"), "activated");
  g_assert_true (aud_window_get_busy (window));
  wait_idle (window);
  g_assert_cmpstr (visible_page (window), ==, "overview");
  g_assert_cmpstr (adw_window_title_get_title (child (window, "window_title")), ==, "shop");
  close_window (window);
}

/* The windows of the application that show @file. */
static guint
count_windows_showing (GFile *file)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      GFile *shown = AUD_IS_WINDOW (l->data) ? aud_window_get_file (l->data) : NULL;

      n += shown != NULL && g_file_equal (shown, file);
    }

  return n;
}

static void
test_window_application_open (void)
{
  g_autofree char *path = make_shop_workspace ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  guint n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));
  AudWindow *window;

  g_application_open (G_APPLICATION (app), &file, 1, "");
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                    n_windows + 1);
  window = AUD_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  g_assert_true (g_file_equal (aud_window_get_file (window), file));
  wait_idle (window);

  /* Opened again, the window that shows it comes forward. */
  g_application_open (G_APPLICATION (app), &file, 1, "");
  g_assert_cmpuint (count_windows_showing (file), ==, 1);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                    n_windows + 1);
  g_assert_false (aud_window_get_busy (window));

  close_window (window);
}

static void
test_window_drop (void)
{
  g_autofree char *path = make_shop_workspace ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GListModel) controllers = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *csv_path = g_test_build_filename (G_TEST_DIST, "data", "gui-import-customers.csv",
                                                     NULL);
  GtkDropTarget *target = NULL;
  GtkWindow *assistant;
  AudWindow *window = aud_window_new (app);
  gboolean accepted = FALSE;

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  /* A workspace dropped on a window that shows none opens there. */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, g_slist_prepend (NULL, g_object_ref (file)));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  g_assert_true (aud_window_get_file (window) != NULL &&
                 g_file_equal (aud_window_get_file (window), file));
  wait_idle (window);
  g_assert_cmpstr (visible_page (window), ==, "overview");

  /* A data file dropped on a workspace goes to the import assistant. */
  g_value_unset (&value);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, g_slist_prepend (NULL, g_file_new_for_path (csv_path)));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  assistant = find_transient (window, AUD_TYPE_IMPORT_ASSISTANT);
  g_assert_nonnull (assistant);
  g_assert_true (aud_window_get_file (window) != NULL &&
                 g_file_equal (aud_window_get_file (window), file));

  /* After an import the window reads the workspace again. */
  g_signal_emit_by_name (assistant, "imported", NULL);
  g_assert_true (aud_window_get_busy (window));
  wait_idle (window);
  g_assert_cmpstr (visible_page (window), ==, "overview");
  gtk_window_destroy (assistant);

  close_window (window);
}

/* The accelerators of @action, space-separated; valid until the next call. */
static const char *
accels_for (const char *action)
{
  static char *text;
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);

  g_free (text);
  text = g_strjoinv (" ", accels);

  return text;
}

static void
test_window_shortcuts (void)
{
  AudWindow *window = aud_window_new (app);
  GtkShortcutsWindow *shortcuts = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  GListModel *toplevels = gtk_window_get_toplevels ();
  gboolean shown = FALSE;

  /* The keyboard shortcuts window comes from the resources. */
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      shown |= toplevel == GTK_WINDOW (shortcuts) && gtk_widget_get_visible (GTK_WIDGET (toplevel));
    }
  g_assert_true (shown);
  gtk_window_close (GTK_WINDOW (shortcuts));

  /* The accelerators it lists. */
  g_assert_cmpstr (accels_for ("app.open"), ==, "<Control>o");
  g_assert_cmpstr (accels_for ("app.new"), ==, "<Control>n");
  g_assert_cmpstr (accels_for ("app.quit"), ==, "<Control>q");
  g_assert_cmpstr (accels_for ("win.show-help-overlay"), ==, "<Control>question");
  g_assert_cmpstr (accels_for ("window.close"), ==, "<Control>w");

  close_window (window);
}

static void
test_window_size_remembered (void)
{
  GSettings *settings = aud_application_get_settings (app);
  AudWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 777);
  g_settings_set_int (settings, "window-height", 555);

  window = aud_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 777);
  g_assert_cmpint (height, ==, 555);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 650);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char * const *system_data_dirs;
  g_auto(GStrv) mime_dirs = NULL;
  int ret;

  /* Taken before the data folders are isolated: icons are recognised by
   * their MIME type. */
  system_data_dirs = g_get_system_data_dirs ();
  mime_dirs = g_new0 (char *, g_strv_length ((GStrv)system_data_dirs) + 1);
  for (guint i = 0; system_data_dirs[i] != NULL; i++)
    mime_dirs[i] = g_build_filename (system_data_dirs[i], "mime", NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *)mime_dirs);

  app = aud_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/gui-window/overview", test_window_overview);
  g_test_add_func ("/gui-window/timeline", test_window_timeline);
  g_test_add_func ("/gui-window/reload", test_window_reload);
  g_test_add_func ("/gui-window/empty", test_window_empty);
  g_test_add_func ("/gui-window/not-a-workspace", test_window_not_a_workspace);
  g_test_add_func ("/gui-window/too-new", test_window_too_new);
  g_test_add_func ("/gui-window/corrupt", test_window_corrupt);
  g_test_add_func ("/gui-window/missing", test_window_missing);
  g_test_add_func ("/gui-window/not-local", test_window_not_local);
  g_test_add_func ("/gui-window/create", test_window_create);
  g_test_add_func ("/gui-window/replace", test_window_replace);
  g_test_add_func ("/gui-window/demo", test_window_demo);
  g_test_add_func ("/gui-window/demo-cancel", test_window_demo_cancel);
  g_test_add_func ("/gui-window/recent", test_window_recent);
  g_test_add_func ("/gui-window/sidebar", test_window_sidebar);
  g_test_add_func ("/gui-window/recent-rows", test_window_recent_rows);
  g_test_add_func ("/gui-window/folded", test_window_folded);
  g_test_add_func ("/gui-window/application-open", test_window_application_open);
  g_test_add_func ("/gui-window/drop", test_window_drop);
  g_test_add_func ("/gui-window/shortcuts", test_window_shortcuts);
  g_test_add_func ("/gui-window/size-remembered", test_window_size_remembered);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
