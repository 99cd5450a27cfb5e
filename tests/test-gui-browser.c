/* test-gui-browser.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The customers and events pages over a real workspace: the count, sorting
 * by a column header, searching, the empty and error states, and the
 * selected customer's profile and events. Needs a display (the test suite
 * runs it under Xvfb).
 */

#include "config.h"

#include <adwaita.h>

#include "aud-browser-page.h"
#include "aud-customer-pane.h"
#include "aud-store.h"

static char *
workspace_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);

  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static void
exec (AudStore   *store,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  aud_store_exec (store, sql, &error);
  g_assert_no_error (error);
}

static char *
add_field (AudStore     *store,
           AudScope      scope,
           const char   *name,
           AudFieldType  type,
           guint         scale)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudField) field = aud_store_add_field (store, scope, name, type, AUD_ROLE_NONE,
                                                   scale, &error);

  g_assert_no_error (error);

  return g_strdup (field->column);
}

/* Customers C1..C6 (name, city, ltv), events of C1 (three) and C2 (one),
 * and one of an id that is no customer. */
static char *
make_shop_workspace (void)
{
  g_autofree char *path = workspace_path ("shop.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autofree char *name = NULL;
  g_autofree char *city = NULL;
  g_autofree char *ltv = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *customers = NULL;
  g_autofree char *events = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  name = add_field (store, AUD_SCOPE_CUSTOMER, "name", AUD_FIELD_TEXT, 0);
  city = add_field (store, AUD_SCOPE_CUSTOMER, "city", AUD_FIELD_TEXT, 0);
  ltv = add_field (store, AUD_SCOPE_CUSTOMER, "lifetime value", AUD_FIELD_DECIMAL, 2);
  amount = add_field (store, AUD_SCOPE_EVENT, "amount", AUD_FIELD_DECIMAL, 2);

  customers = g_strdup_printf ("INSERT INTO customers (external_id, %s, %s, %s) VALUES "
                               "('C1', 'Anna Müller', 'Berlin', 123450),"
                               "('C2', 'bob smith', 'London', -5),"
                               "('C3', 'Zoë Ångström', NULL, NULL),"
                               "('C4', 'Carla Díaz', 'Madrid', 0),"
                               "('C5', 'Dan Brown', 'London', 99),"
                               "('C6', 'Smithers', NULL, 250)",
                               name, city, ltv);
  exec (store, customers);

  g_assert_cmpint (aud_store_intern_event_name (store, "purchase", NULL), ==, 1);
  g_assert_cmpint (aud_store_intern_event_name (store, "login", NULL), ==, 2);
  events = g_strdup_printf ("INSERT INTO events (customer, customer_key, name, ts, %s) VALUES "
                            "(1, NULL, 1, 1700000000, 1999),"
                            "(2, NULL, 2, 1700000100, NULL),"
                            "(1, NULL, 2, 1700000300, NULL),"
                            "(NULL, 'X9', 1, 1700000200, 500),"
                            "(1, NULL, 1, 1700000050, 250)",
                            amount);
  exec (store, events);

  return g_steal_pointer (&path);
}

static gpointer
page_child (AudBrowserPage *page,
            const char     *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), AUD_TYPE_BROWSER_PAGE, name);

  g_assert_nonnull (object);

  return object;
}

static gpointer
pane_child (AudCustomerPane *pane,
            const char      *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (pane), AUD_TYPE_CUSTOMER_PANE,
                                                   name);

  g_assert_nonnull (object);

  return object;
}

static const char *
visible_page (AudBrowserPage *page)
{
  return gtk_stack_get_visible_child_name (page_child (page, "stack"));
}

static const char *
count_text (AudBrowserPage *page)
{
  return gtk_label_get_label (page_child (page, "count_label"));
}

/* Runs the main loop until @page shows @stack_page with the count @count
 * (or until 30 seconds have passed, which fails). */
static void
wait_for (AudBrowserPage *page,
          const char     *stack_page,
          const char     *count)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_strcmp0 (visible_page (page), stack_page) != 0 ||
         (count != NULL && g_strcmp0 (count_text (page), count) != 0) ||
         aud_record_model_get_loading (aud_browser_page_get_model (page)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Types @text into the search entry and waits until the page searched for
 * it (the entry waits for typing to pause first). */
static void
search (AudBrowserPage *page,
        const char     *text)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  const char *expected = text[0] != '\0' ? text : NULL;

  gtk_editable_set_text (page_child (page, "search_entry"), text);
  while (g_strcmp0 (aud_record_model_get_search_text (aud_browser_page_get_model (page)),
                    expected) != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Runs the main loop until @model has refreshed to @n rows. */
static void
wait_for_rows (AudRecordModel *model,
               guint           n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (aud_record_model_get_loading (model) ||
         g_list_model_get_n_items (G_LIST_MODEL (model)) != n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static GtkWindow *
show_page (AudBrowserPage *page)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1000, 700);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);

  return window;
}

static void
close_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Value @column of every row the table shows, joined by "|". */
static char *
shown_column (AudBrowserPage *page,
              guint           column)
{
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (page_child (page, "column_view")));
  g_autoptr(GString) values = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(AudRecord) record = g_list_model_get_item (rows, i);
      const char *value = aud_record_get_value (record, column);

      g_string_append_printf (values, "%s%s", i > 0 ? "|" : "", value != NULL ? value : "");
    }

  return g_string_free (g_steal_pointer (&values), FALSE);
}

#define assert_shown(page, column, expected) \
  G_STMT_START { \
    g_autofree char *_shown = shown_column (page, column); \
    g_assert_cmpstr (_shown, ==, expected); \
  } G_STMT_END

static GtkColumnViewColumn *
column_titled (AudBrowserPage *page,
               const char     *title)
{
  GListModel *columns = gtk_column_view_get_columns (page_child (page, "column_view"));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }

  g_assert_not_reached ();
}

static void
test_browser_customers (void)
{
  g_autofree char *path = make_shop_workspace ();
  AudBrowserPage *page = aud_browser_page_new (AUD_SCOPE_CUSTOMER);
  GtkWindow *window = show_page (page);
  GListModel *columns;

  g_assert_cmpint (aud_browser_page_get_scope (page), ==, AUD_SCOPE_CUSTOMER);
  g_assert_cmpstr (visible_page (page), ==, "none");

  aud_browser_page_set_workspace (page, path);
  g_assert_cmpstr (aud_browser_page_get_workspace (page), ==, path);
  /* Read in the background: nothing is shown before. */
  g_assert_true (aud_record_model_get_loading (aud_browser_page_get_model (page)));
  g_assert_cmpstr (visible_page (page), ==, "loading");
  wait_for (page, "table", "6 customers");

  /* One column per field after the id, titled by the catalog. */
  columns = gtk_column_view_get_columns (page_child (page, "column_view"));
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 4);
  g_assert_nonnull (column_titled (page, "Customer ID"));
  g_assert_nonnull (column_titled (page, "lifetime value"));
  assert_shown (page, 0, "C1|C2|C3|C4|C5|C6");
  assert_shown (page, 3, "1234.50|-0.05||0.00|0.99|2.50");

  close_window (window);
}

static void
test_browser_sort (void)
{
  g_autofree char *path = make_shop_workspace ();
  AudBrowserPage *page = aud_browser_page_new (AUD_SCOPE_CUSTOMER);
  GtkWindow *window = show_page (page);
  GtkColumnView *view;

  aud_browser_page_set_workspace (page, path);
  wait_for (page, "table", "6 customers");
  view = page_child (page, "column_view");

  /* What clicking the header does. */
  gtk_column_view_sort_by_column (view, column_titled (page, "name"), GTK_SORT_ASCENDING);
  g_assert_true (aud_record_model_get_loading (aud_browser_page_get_model (page)));
  wait_for (page, "table", "6 customers");
  assert_shown (page, 1, "Anna Müller|bob smith|Carla Díaz|Dan Brown|Smithers|Zoë Ångström");

  /* Clicking again reverses it. */
  gtk_column_view_sort_by_column (view, column_titled (page, "name"), GTK_SORT_DESCENDING);
  wait_for (page, "table", "6 customers");
  assert_shown (page, 0, "C3|C6|C5|C4|C2|C1");

  /* Numbers by value, blanks last. */
  gtk_column_view_sort_by_column (view, column_titled (page, "lifetime value"),
                                  GTK_SORT_DESCENDING);
  wait_for (page, "table", "6 customers");
  assert_shown (page, 0, "C1|C6|C5|C4|C2|C3");

  /* No sort column: import order. */
  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  wait_for (page, "table", "6 customers");
  assert_shown (page, 0, "C1|C2|C3|C4|C5|C6");

  close_window (window);
}

static void
test_browser_search (void)
{
  g_autofree char *path = make_shop_workspace ();
  AudBrowserPage *page = aud_browser_page_new (AUD_SCOPE_CUSTOMER);
  GtkWindow *window = show_page (page);
  AdwStatusPage *empty;

  aud_browser_page_set_workspace (page, path);
  wait_for (page, "table", "6 customers");

  search (page, "SMITH");
  wait_for (page, "table", "2 matching");
  assert_shown (page, 0, "C2|C6");

  search (page, "london");
  wait_for (page, "table", "2 matching");
  assert_shown (page, 0, "C2|C5");

  search (page, "müller");
  wait_for (page, "table", "1 matching");
  assert_shown (page, 0, "C1");

  /* Nothing found: a status page says so, with the text. */
  search (page, "nobody");
  wait_for (page, "empty", "0 matching");
  empty = page_child (page, "empty_page");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No Results");
  g_assert_cmpstr (adw_status_page_get_description (empty), ==, "No customer matches “nobody”");

  /* Search and sort together. */
  search (page, "o");
  gtk_column_view_sort_by_column (page_child (page, "column_view"),
                                  column_titled (page, "city"), GTK_SORT_ASCENDING);
  wait_for (page, "table", "3 matching");
  assert_shown (page, 0, "C2|C5|C3");

  search (page, "");
  wait_for (page, "table", "6 customers");

  close_window (window);
}

static void
test_browser_select_customer (void)
{
  g_autofree char *path = make_shop_workspace ();
  AudBrowserPage *page = aud_browser_page_new (AUD_SCOPE_CUSTOMER);
  GtkWindow *window = show_page (page);
  GtkSelectionModel *selection;
  AudCustomerPane *pane;
  AudRecordModel *events;

  aud_browser_page_set_workspace (page, path);
  wait_for (page, "table", "6 customers");

  /* The pane takes room only once a customer is selected. */
  pane = AUD_CUSTOMER_PANE (gtk_paned_get_end_child (page_child (page, "paned")));
  g_assert_nonnull (pane);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (pane)));

  selection = gtk_column_view_get_model (page_child (page, "column_view"));
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pane)));
  g_assert_cmpint (aud_customer_pane_get_customer (pane), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (pane_child (pane, "stack")), ==, "customer");
  g_assert_cmpstr (gtk_label_get_label (pane_child (pane, "title_label")), ==, "C1");

  /* Their events, newest first. */
  events = aud_customer_pane_get_events (pane);
  wait_for_rows (events, 3);
  g_assert_cmpstr (gtk_label_get_label (pane_child (pane, "subtitle_label")), ==, "3 events");
  g_assert_cmpstr (gtk_stack_page_get_title (pane_child (pane, "events_stack_page")), ==,
                   "Activity (3)");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (pane_child (pane, "events_stack")), ==, "list");
  {
    g_autoptr(AudRecord) newest = g_list_model_get_item (G_LIST_MODEL (events), 0);
    g_autoptr(AudRecord) oldest = g_list_model_get_item (G_LIST_MODEL (events), 2);

    g_assert_cmpstr (aud_record_get_value (newest, 1), ==, "login");
    g_assert_cmpstr (aud_record_get_value (newest, 2), ==, "2023-11-14 22:18:20");
    g_assert_cmpstr (aud_record_get_value (oldest, 1), ==, "purchase");
    g_assert_cmpstr (aud_record_get_value (oldest, 3), ==, "19.99");
  }

  /* Another customer replaces them. */
  gtk_selection_model_select_item (selection, 1, TRUE);
  g_assert_cmpint (aud_customer_pane_get_customer (pane), ==, 2);
  g_assert_cmpstr (gtk_label_get_label (pane_child (pane, "title_label")), ==, "C2");
  wait_for_rows (events, 1);
  g_assert_cmpstr (gtk_label_get_label (pane_child (pane, "subtitle_label")), ==, "1 event");

  /* A customer without events. */
  gtk_selection_model_select_item (selection, 2, TRUE);
  wait_for_rows (events, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (pane_child (pane, "events_stack")), ==,
                   "empty");

  /* Closing the pane unselects the customer. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "pane.close", NULL));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (pane)));
  g_assert_cmpint (aud_customer_pane_get_customer (pane), ==, 0);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)), ==,
                    GTK_INVALID_LIST_POSITION);

  close_window (window);
}

static void
test_browser_events (void)
{
  g_autofree char *path = make_shop_workspace ();
  AudBrowserPage *page = aud_browser_page_new (AUD_SCOPE_EVENT);
  GtkWindow *window = show_page (page);

  aud_browser_page_set_workspace (page, path);
  wait_for (page, "table", "5 events");
  /* Events have no customer pane. */
  g_assert_null (gtk_paned_get_end_child (page_child (page, "paned")));
  assert_shown (page, 0, "C1|C2|C1|X9|C1");
  assert_shown (page, 1, "purchase|login|login|purchase|purchase");

  gtk_column_view_sort_by_column (page_child (page, "column_view"), column_titled (page, "Time"),
                                  GTK_SORT_DESCENDING);
  wait_for (page, "table", "5 events");
  assert_shown (page, 2, "2023-11-14 22:18:20|2023-11-14 22:16:40|2023-11-14 22:15:00|"
                         "2023-11-14 22:14:10|2023-11-14 22:13:20");

  search (page, "login");
  wait_for (page, "table", "2 matching");

  close_window (window);
}

static void
test_browser_empty_and_reload (void)
{
  g_autofree char *path = workspace_path ("empty.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  AudBrowserPage *page = aud_browser_page_new (AUD_SCOPE_CUSTOMER);
  GtkWindow *window = show_page (page);
  AdwStatusPage *empty;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  aud_browser_page_set_workspace (page, path);
  wait_for (page, "empty", "0 customers");
  empty = page_child (page, "empty_page");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No Customers");

  /* An import adds a field and customers: a reload shows both. */
  g_free (add_field (store, AUD_SCOPE_CUSTOMER, "email", AUD_FIELD_TEXT, 0));
  exec (store, "INSERT INTO customers (external_id) VALUES ('A'), ('B')");
  aud_browser_page_reload (page);
  wait_for (page, "table", "2 customers");
  g_assert_nonnull (column_titled (page, "email"));

  /* Setting the same workspace again reads it again too. */
  exec (store, "INSERT INTO customers (external_id) VALUES ('C')");
  aud_browser_page_set_workspace (page, path);
  wait_for (page, "table", "3 customers");

  aud_browser_page_set_workspace (page, NULL);
  g_assert_cmpstr (visible_page (page), ==, "none");
  g_assert_null (aud_browser_page_get_model (page));

  close_window (window);
}

static void
test_browser_error (void)
{
  g_autofree char *path = workspace_path ("missing.audiences");
  AudBrowserPage *page = aud_browser_page_new (AUD_SCOPE_EVENT);
  GtkWindow *window = show_page (page);
  g_autoptr(AudRecordModel) model = NULL;
  g_autoptr(GError) error = NULL;
  AdwStatusPage *error_page;

  g_test_expect_message ("aud-browser-page", G_LOG_LEVEL_WARNING, "*missing.audiences*");
  aud_browser_page_set_workspace (page, path);
  g_test_assert_expected_messages ();

  g_assert_cmpstr (visible_page (page), ==, "error");
  error_page = page_child (page, "error_page");
  /* It says why, in the store's words. */
  model = aud_record_model_new (path, AUD_SCOPE_EVENT, &error);
  g_assert_null (model);
  g_assert_nonnull (error);
  g_assert_cmpstr (adw_status_page_get_description (error_page), ==, error->message);

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
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
  adw_init ();

  g_test_add_func ("/gui-browser/customers", test_browser_customers);
  g_test_add_func ("/gui-browser/sort", test_browser_sort);
  g_test_add_func ("/gui-browser/search", test_browser_search);
  g_test_add_func ("/gui-browser/select-customer", test_browser_select_customer);
  g_test_add_func ("/gui-browser/events", test_browser_events);
  g_test_add_func ("/gui-browser/empty-and-reload", test_browser_empty_and_reload);
  g_test_add_func ("/gui-browser/error", test_browser_error);

  return g_test_run ();
}
