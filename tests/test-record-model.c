/* test-record-model.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The paged list model over customers and events: counts, formatting,
 * sorting, searching, subsets, paging, and its asynchronous refresh. Every
 * items-changed is recorded and checked exactly.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "aud-record-model.h"
#include "aud-store.h"

/* Customer columns of the fixture (0 is the customer id). */
enum {
  COL_ID,
  COL_NAME,
  COL_CITY,
  COL_PLAN,
  COL_LTV,
  COL_BIRTH,
  COL_SEEN,
  COL_OPT_IN,
  COL_POINTS,
};

/* Event columns of the fixture. */
enum {
  EV_CUSTOMER,
  EV_NAME,
  EV_TIME,
  EV_AMOUNT,
  EV_SKU,
};

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

/* Every items-changed and n-items notification of a model. */
typedef struct
{
  GArray *changes;
  guint   n_items_notifies;
} Recorder;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Recorder   *recorder)
{
  Change change = { position, removed, added };

  g_array_append_val (recorder->changes, change);
}

static void
on_n_items_notify_cb (GObject    *object,
                      GParamSpec *pspec,
                      Recorder   *recorder)
{
  recorder->n_items_notifies++;
}

static void
recorder_watch (Recorder       *recorder,
                AudRecordModel *model)
{
  recorder->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  recorder->n_items_notifies = 0;
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), recorder);
  g_signal_connect (model, "notify::n-items", G_CALLBACK (on_n_items_notify_cb), recorder);
}

static void
recorder_clear (Recorder *recorder)
{
  g_clear_pointer (&recorder->changes, g_array_unref);
}

/* Asserts that exactly one items-changed (0, @removed, @added) came since
 * the last check, and forgets it. */
static void
assert_one_change (Recorder *recorder,
                   guint     removed,
                   guint     added)
{
  Change *change;

  g_assert_cmpuint (recorder->changes->len, ==, 1);
  change = &g_array_index (recorder->changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
  g_array_set_size (recorder->changes, 0);
}

static char *
temp_workspace (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);

  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static AudField *
add_field (AudStore     *store,
           AudScope      scope,
           const char   *name,
           AudFieldType  type,
           guint         scale)
{
  g_autoptr(GError) error = NULL;
  AudField *field = aud_store_add_field (store, scope, name, type, AUD_ROLE_NONE, scale, &error);

  g_assert_no_error (error);

  return field;
}

static void
exec (AudStore   *store,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  aud_store_exec (store, sql, &error);
  g_assert_no_error (error);
}

/* Customers C1..C6 with a text name and city, a category plan, a decimal
 * lifetime value (scale 2), a birth date, a last-seen date-time, a boolean
 * and an integer; events of C1 and C2 and of an id that is no customer.
 * The workspace time zone is Europe/Paris. */
static char *
make_workspace (void)
{
  g_autofree char *path = temp_workspace ("shop.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  static const char *customers[] = {
    /* id, name, city, plan, ltv, birth, seen, opt_in, points */
    "'C1', 'Anna Müller', 'Berlin', 'gold', 123450, '1990-02-28', 1700000000, 1, 10",
    "'C2', 'bob smith', 'london', 'silver', -5, NULL, NULL, 0, NULL",
    "'C3', 'Zoë Ångström', NULL, 'gold', NULL, '1985-12-01', NULL, NULL, 3",
    "'C4', '50% Off Store', 'Paris', NULL, 0, NULL, 1600000000, 1, -7",
    "'C5', 'Bob_Jones 501', 'LONDON', 'bronze', 99, NULL, NULL, NULL, NULL",
    "'C6', 'Smithers', NULL, NULL, 99, NULL, NULL, NULL, NULL",
  };
  static const char *fields[] = {
    "name", "city", "plan", "ltv", "birth", "seen", "opt_in", "points",
  };
  static const AudFieldType types[] = {
    AUD_FIELD_TEXT, AUD_FIELD_TEXT, AUD_FIELD_CATEGORY, AUD_FIELD_DECIMAL, AUD_FIELD_DATE,
    AUD_FIELD_DATETIME, AUD_FIELD_BOOLEAN, AUD_FIELD_INTEGER,
  };
  g_autoptr(AudField) amount = NULL;
  g_autoptr(AudField) sku = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  aud_store_set_meta (store, "timezone", "Europe/Paris", &error);
  g_assert_no_error (error);

  g_string_append (sql, "INSERT INTO customers (external_id");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(AudField) field = add_field (store, AUD_SCOPE_CUSTOMER, fields[i], types[i],
                                             types[i] == AUD_FIELD_DECIMAL ? 2 : 0);

      g_string_append_printf (sql, ", %s", field->column);
    }
  g_string_append (sql, ") VALUES ");
  for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
    g_string_append_printf (sql, "%s(%s)", i > 0 ? ", " : "", customers[i]);
  exec (store, sql->str);

  amount = add_field (store, AUD_SCOPE_EVENT, "amount", AUD_FIELD_DECIMAL, 2);
  sku = add_field (store, AUD_SCOPE_EVENT, "sku", AUD_FIELD_TEXT, 0);
  g_assert_cmpint (aud_store_intern_event_name (store, "purchase", NULL), ==, 1);
  g_assert_cmpint (aud_store_intern_event_name (store, "login", NULL), ==, 2);
  g_assert_cmpint (aud_store_intern_event_name (store, "page view", NULL), ==, 3);

  g_string_truncate (sql, 0);
  g_string_append_printf (sql,
                          "INSERT INTO events (customer, customer_key, name, ts, %s, %s) VALUES "
                          "(1, NULL, 1, 1700000000, 1999, 'A-1'),"
                          "(2, NULL, 2, 1700000100, NULL, NULL),"
                          "(NULL, 'X9', 1, 1700000200, 500, 'B-2'),"
                          "(1, NULL, 2, 1700000300, NULL, NULL),"
                          "(1, NULL, 3, 1700000050, NULL, 'a-1b')",
                          amount->column, sku->column);
  exec (store, sql->str);

  return g_steal_pointer (&path);
}

static AudRecordModel *
open_model (const char *path,
            AudScope    scope)
{
  g_autoptr(GError) error = NULL;
  AudRecordModel *model = aud_record_model_new (path, scope, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);

  return model;
}

static void
refresh (AudRecordModel *model)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aud_record_model_refresh (model, NULL, &error));
  g_assert_no_error (error);
}

/* Value @column of every row, joined by "|" ("" for a blank). */
static char *
column_values (AudRecordModel *model,
               guint           column)
{
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr(GString) values = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(AudRecord) record = g_list_model_get_item (list, i);
      const char *value = aud_record_get_value (record, column);

      g_string_append_printf (values, "%s%s", i > 0 ? "|" : "", value != NULL ? value : "");
    }

  return g_string_free (g_steal_pointer (&values), FALSE);
}

#define assert_column(model, column, expected) \
  G_STMT_START { \
    g_autofree char *_values = column_values (model, column); \
    g_assert_cmpstr (_values, ==, expected); \
  } G_STMT_END

static void
test_record_model_customers (void)
{
  g_autofree char *path = make_workspace ();
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_CUSTOMER);
  g_autoptr(AudRecord) first = NULL;
  g_autoptr(AudRecord) second = NULL;
  Recorder recorder;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == AUD_TYPE_RECORD);
  g_assert_cmpuint (aud_record_model_get_n_columns (model), ==, 9);
  g_assert_cmpstr (aud_record_model_get_column_title (model, COL_ID), ==, "Customer ID");
  g_assert_cmpstr (aud_record_model_get_column_title (model, COL_LTV), ==, "ltv");
  g_assert_cmpint (aud_record_model_get_column_type (model, COL_SEEN), ==, AUD_FIELD_DATETIME);

  /* Empty until the first refresh. */
  recorder_watch (&recorder, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));

  refresh (model);
  assert_one_change (&recorder, 0, 6);
  g_assert_cmpuint (recorder.n_items_notifies, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 6);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 6));

  assert_column (model, COL_ID, "C1|C2|C3|C4|C5|C6");
  assert_column (model, COL_NAME, "Anna Müller|bob smith|Zoë Ångström|50% Off Store|"
                                  "Bob_Jones 501|Smithers");
  assert_column (model, COL_LTV, "1234.50|-0.05||0.00|0.99|0.99");
  assert_column (model, COL_BIRTH, "1990-02-28||1985-12-01|||");
  /* In the workspace time zone (CET in November, CEST in September). */
  assert_column (model, COL_SEEN, "2023-11-14 23:13:20|||2020-09-13 14:26:40||");
  assert_column (model, COL_OPT_IN, "Yes|No||Yes||");
  assert_column (model, COL_POINTS, "10||3|-7||");

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpint (aud_record_get_id (first), ==, 1);
  g_assert_cmpuint (aud_record_get_n_values (first), ==, 9);
  /* Items of a cached page are shared, not rebuilt. */
  second = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (first == second);

  /* Refreshing the same query replaces all rows in one change; the count
   * did not change, so n-items is not notified. */
  refresh (model);
  assert_one_change (&recorder, 6, 6);
  g_assert_cmpuint (recorder.n_items_notifies, ==, 1);

  recorder_clear (&recorder);
}

static void
test_record_model_sort (void)
{
  g_autofree char *path = make_workspace ();
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_CUSTOMER);
  Recorder recorder;

  recorder_watch (&recorder, model);
  refresh (model);
  assert_one_change (&recorder, 0, 6);

  /* Case-insensitive. */
  aud_record_model_set_sort (model, COL_NAME, FALSE);
  g_assert_cmpint (aud_record_model_get_sort_column (model), ==, COL_NAME);
  /* The setter alone changes nothing. */
  g_assert_cmpuint (recorder.changes->len, ==, 0);
  assert_column (model, COL_ID, "C1|C2|C3|C4|C5|C6");
  refresh (model);
  assert_one_change (&recorder, 6, 6);
  assert_column (model, COL_ID, "C4|C1|C2|C5|C6|C3");

  /* Blanks last either way; ties by row id, in the same direction. */
  aud_record_model_set_sort (model, COL_CITY, FALSE);
  refresh (model);
  assert_one_change (&recorder, 6, 6);
  assert_column (model, COL_ID, "C1|C2|C5|C4|C3|C6");
  aud_record_model_set_sort (model, COL_CITY, TRUE);
  g_assert_true (aud_record_model_get_sort_descending (model));
  refresh (model);
  assert_one_change (&recorder, 6, 6);
  assert_column (model, COL_ID, "C4|C5|C2|C1|C6|C3");

  /* Decimals by value, not by text. */
  aud_record_model_set_sort (model, COL_LTV, TRUE);
  refresh (model);
  assert_one_change (&recorder, 6, 6);
  assert_column (model, COL_LTV, "1234.50|0.99|0.99|0.00|-0.05|");
  assert_column (model, COL_ID, "C1|C6|C5|C4|C2|C3");
  aud_record_model_set_sort (model, COL_POINTS, FALSE);
  refresh (model);
  assert_column (model, COL_POINTS, "-7|3|10|||");

  aud_record_model_set_sort (model, COL_SEEN, TRUE);
  refresh (model);
  assert_column (model, COL_ID, "C1|C4|C6|C5|C3|C2");

  /* The customer id uses its index; row id descending is import order
   * reversed. */
  aud_record_model_set_sort (model, COL_ID, TRUE);
  refresh (model);
  assert_column (model, COL_ID, "C6|C5|C4|C3|C2|C1");
  aud_record_model_set_sort (model, AUD_RECORD_MODEL_SORT_BY_ID, TRUE);
  refresh (model);
  assert_column (model, COL_ID, "C6|C5|C4|C3|C2|C1");
  aud_record_model_set_sort (model, AUD_RECORD_MODEL_SORT_BY_ID, FALSE);
  refresh (model);
  assert_column (model, COL_ID, "C1|C2|C3|C4|C5|C6");

  g_array_set_size (recorder.changes, 0);
  recorder_clear (&recorder);
}

static void
test_record_model_search (void)
{
  g_autofree char *path = make_workspace ();
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_CUSTOMER);
  Recorder recorder;

  recorder_watch (&recorder, model);
  refresh (model);
  assert_one_change (&recorder, 0, 6);
  g_assert_cmpuint (recorder.n_items_notifies, ==, 1);

  /* Any text field, any case; trimmed. */
  aud_record_model_set_search_text (model, "  SMITH ");
  g_assert_cmpstr (aud_record_model_get_search_text (model), ==, "SMITH");
  refresh (model);
  assert_one_change (&recorder, 6, 2);
  g_assert_cmpuint (recorder.n_items_notifies, ==, 2);
  assert_column (model, COL_ID, "C2|C6");

  /* Categories and the customer id are searched too. */
  aud_record_model_set_search_text (model, "silver");
  refresh (model);
  assert_one_change (&recorder, 2, 1);
  assert_column (model, COL_ID, "C2");
  aud_record_model_set_search_text (model, "c3");
  refresh (model);
  assert_one_change (&recorder, 1, 1);
  g_assert_cmpuint (recorder.n_items_notifies, ==, 3);
  assert_column (model, COL_ID, "C3");
  aud_record_model_set_search_text (model, "london");
  refresh (model);
  assert_column (model, COL_ID, "C2|C5");

  /* Wildcards are plain characters. */
  aud_record_model_set_search_text (model, "50%");
  refresh (model);
  assert_column (model, COL_ID, "C4");
  aud_record_model_set_search_text (model, "b_");
  refresh (model);
  assert_column (model, COL_ID, "C5");

  /* Beyond ASCII, case folding. */
  aud_record_model_set_search_text (model, "MÜLLER");
  refresh (model);
  assert_column (model, COL_ID, "C1");
  aud_record_model_set_search_text (model, "ångSTRÖM");
  refresh (model);
  assert_column (model, COL_ID, "C3");

  /* Only text is searched: no date, number or boolean matches. */
  aud_record_model_set_search_text (model, "1990");
  refresh (model);
  g_array_set_size (recorder.changes, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  /* Nothing found, then everything again: still one change each. */
  aud_record_model_set_search_text (model, "no such customer");
  refresh (model);
  g_assert_cmpuint (recorder.changes->len, ==, 0);
  aud_record_model_set_search_text (model, "");
  g_assert_null (aud_record_model_get_search_text (model));
  refresh (model);
  assert_one_change (&recorder, 0, 6);

  /* With a sort. */
  aud_record_model_set_search_text (model, "o");
  aud_record_model_set_sort (model, COL_NAME, TRUE);
  refresh (model);
  assert_one_change (&recorder, 6, 5);
  assert_column (model, COL_NAME, "Zoë Ångström|Bob_Jones 501|bob smith|Anna Müller|50% Off Store");

  recorder_clear (&recorder);
}

/* A search beyond ASCII looks for an ASCII part of it first: that must
 * never lose a match. */
static void
test_record_model_search_folded (void)
{
  g_autofree char *path = make_workspace ();
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_CUSTOMER);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudField) name = NULL;
  g_autofree char *sql = NULL;
  static const struct {
    const char *search;
    const char *ids;
  } cases[] = {
    /* A combining accent after the ASCII part changes its last letter. */
    { "cafe\xcc\x81", "C7" },
    { "CAFÉ", "C7" },
    { "olé", "C7" },
    /* ß folds to ss… */
    { "straße", "C8" },
    /* …but an ASCII text is compared ASCII case-insensitively only. */
    { "strasse", "" },
    { "ÅNGSTRÖM", "C3" },
    { "Zoë", "C3" },
    { "ö", "C3" },
    { "é", "C7|C9" },
    { "naïve", "" },
  };

  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  name = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, "name");
  sql = g_strdup_printf ("INSERT INTO customers (external_id, %s) VALUES "
                         "('C7', 'Café Olé'), ('C8', 'Straße 5'), ('C9', 'e\xcc\x81')",
                         name->column);
  exec (store, sql);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      aud_record_model_set_search_text (model, cases[i].search);
      refresh (model);
      g_test_message ("search %s", cases[i].search);
      assert_column (model, COL_ID, cases[i].ids);
    }
}

static void
test_record_model_subset (void)
{
  g_autofree char *path = make_workspace ();
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_CUSTOMER);
  roaring_bitmap_t *members = roaring_bitmap_of (4, 2, 4, 6, 99);
  Recorder recorder;

  recorder_watch (&recorder, model);
  aud_record_model_set_subset (model, members);
  roaring_bitmap_free (members);
  refresh (model);
  /* Row id 99 is no customer: it is not shown. */
  assert_one_change (&recorder, 0, 3);
  assert_column (model, COL_ID, "C2|C4|C6");

  aud_record_model_set_sort (model, COL_NAME, TRUE);
  refresh (model);
  assert_one_change (&recorder, 3, 3);
  assert_column (model, COL_ID, "C6|C2|C4");

  aud_record_model_set_search_text (model, "smith");
  refresh (model);
  assert_one_change (&recorder, 3, 2);
  assert_column (model, COL_ID, "C6|C2");

  aud_record_model_set_sort (model, AUD_RECORD_MODEL_SORT_BY_ID, TRUE);
  refresh (model);
  assert_one_change (&recorder, 2, 2);
  assert_column (model, COL_ID, "C6|C2");

  /* An empty subset, then all customers again. */
  members = roaring_bitmap_create ();
  aud_record_model_set_subset (model, members);
  roaring_bitmap_free (members);
  aud_record_model_set_search_text (model, NULL);
  refresh (model);
  assert_one_change (&recorder, 2, 0);
  aud_record_model_set_subset (model, NULL);
  refresh (model);
  assert_one_change (&recorder, 0, 6);
  assert_column (model, COL_ID, "C6|C5|C4|C3|C2|C1");

  recorder_clear (&recorder);
}

static void
test_record_model_events (void)
{
  g_autofree char *path = make_workspace ();
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_EVENT);
  Recorder recorder;

  g_assert_cmpint (aud_record_model_get_scope (model), ==, AUD_SCOPE_EVENT);
  g_assert_cmpuint (aud_record_model_get_n_columns (model), ==, 5);
  g_assert_cmpstr (aud_record_model_get_column_title (model, EV_CUSTOMER), ==, "Customer");
  g_assert_cmpstr (aud_record_model_get_column_title (model, EV_NAME), ==, "Event");
  g_assert_cmpstr (aud_record_model_get_column_title (model, EV_TIME), ==, "Time");
  g_assert_cmpstr (aud_record_model_get_column_title (model, EV_AMOUNT), ==, "amount");

  recorder_watch (&recorder, model);
  refresh (model);
  assert_one_change (&recorder, 0, 5);
  /* An event of an id that is no customer shows that id. */
  assert_column (model, EV_CUSTOMER, "C1|C2|X9|C1|C1");
  assert_column (model, EV_NAME, "purchase|login|purchase|login|page view");
  assert_column (model, EV_TIME, "2023-11-14 23:13:20|2023-11-14 23:15:00|2023-11-14 23:16:40|"
                                 "2023-11-14 23:18:20|2023-11-14 23:14:10");
  assert_column (model, EV_AMOUNT, "19.99||5.00||");

  /* One customer's timeline, newest first. */
  aud_record_model_set_customer (model, 1);
  g_assert_cmpint (aud_record_model_get_customer (model), ==, 1);
  aud_record_model_set_sort (model, EV_TIME, TRUE);
  refresh (model);
  assert_one_change (&recorder, 5, 3);
  assert_column (model, EV_NAME, "login|page view|purchase");

  /* The search looks at the customer id, the event name and text
   * properties. */
  aud_record_model_set_search_text (model, "A-1");
  refresh (model);
  assert_one_change (&recorder, 3, 2);
  assert_column (model, EV_SKU, "a-1b|A-1");

  aud_record_model_set_customer (model, 0);
  aud_record_model_set_sort (model, AUD_RECORD_MODEL_SORT_BY_ID, FALSE);
  aud_record_model_set_search_text (model, "x9");
  refresh (model);
  assert_column (model, EV_NAME, "purchase");
  aud_record_model_set_search_text (model, "c2");
  refresh (model);
  assert_column (model, EV_NAME, "login");
  aud_record_model_set_search_text (model, "LOGIN");
  refresh (model);
  assert_column (model, EV_CUSTOMER, "C2|C1");

  /* By event name, by customer. */
  aud_record_model_set_search_text (model, NULL);
  aud_record_model_set_sort (model, EV_NAME, FALSE);
  refresh (model);
  assert_column (model, EV_NAME, "login|login|page view|purchase|purchase");
  aud_record_model_set_sort (model, EV_CUSTOMER, TRUE);
  refresh (model);
  assert_column (model, EV_CUSTOMER, "X9|C2|C1|C1|C1");

  g_array_set_size (recorder.changes, 0);
  recorder_clear (&recorder);
}

/* @n customers K0001… with a text field. */
static char *
make_big_workspace (guint n)
{
  g_autofree char *path = temp_workspace ("big.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudField) label = NULL;
  g_autofree char *sql = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  label = add_field (store, AUD_SCOPE_CUSTOMER, "label", AUD_FIELD_TEXT, 0);
  sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < %u) "
                         "INSERT INTO customers (external_id, %s) "
                         "SELECT printf('K%%04d', i), printf('row %%d', i %% 7) FROM n",
                         n, label->column);
  exec (store, sql);

  return g_steal_pointer (&path);
}

static void
assert_id_at (AudRecordModel *model,
              guint           position,
              const char     *expected)
{
  g_autoptr(AudRecord) record = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (record);
  g_assert_cmpstr (aud_record_get_value (record, 0), ==, expected);
}

static void
test_record_model_paging (void)
{
  g_autofree char *path = make_big_workspace (3000);
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_CUSTOMER);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AudRecord *weak = NULL;
  Recorder recorder;

  recorder_watch (&recorder, model);
  refresh (model);
  assert_one_change (&recorder, 0, 3000);

  /* Across page boundaries, forwards and backwards. */
  assert_id_at (model, 2999, "K3000");
  assert_id_at (model, 256, "K0257");
  assert_id_at (model, 255, "K0256");
  assert_id_at (model, 257, "K0258");
  assert_id_at (model, 0, "K0001");
  assert_id_at (model, 512, "K0513");
  assert_id_at (model, 511, "K0512");
  for (guint i = 0; i < 3000; i += 97)
    {
      g_autofree char *expected = g_strdup_printf ("K%04u", i + 1);

      assert_id_at (model, i, expected);
    }

  /* Only a few pages are kept: once others were read, an item nobody holds
   * is freed. */
  weak = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *)&weak);
  g_object_unref (weak);
  g_assert_nonnull (weak);
  for (guint i = 256; i < 3000; i += 256)
    {
      g_autofree char *expected = g_strdup_printf ("K%04u", i + 1);

      assert_id_at (model, i, expected);
    }
  g_assert_null (weak);
  /* …and read again when needed. */
  assert_id_at (model, 1, "K0002");

  aud_record_model_set_sort (model, 0, TRUE);
  refresh (model);
  assert_one_change (&recorder, 3000, 3000);
  assert_id_at (model, 0, "K3000");
  assert_id_at (model, 256, "K2744");
  assert_id_at (model, 2999, "K0001");

  aud_record_model_set_sort (model, 1, FALSE);
  aud_record_model_set_search_text (model, "row 3");
  refresh (model);
  assert_one_change (&recorder, 3000, 429);
  assert_id_at (model, 0, "K0003");
  assert_id_at (model, 428, "K2999");

  /* Row ids with holes. */
  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  exec (store, "DELETE FROM customers WHERE external_id IN ('K0005', 'K2000')");
  aud_record_model_set_sort (model, AUD_RECORD_MODEL_SORT_BY_ID, FALSE);
  aud_record_model_set_search_text (model, NULL);
  refresh (model);
  assert_one_change (&recorder, 429, 2998);
  assert_id_at (model, 3, "K0004");
  assert_id_at (model, 4, "K0006");
  assert_id_at (model, 2997, "K3000");
  aud_record_model_set_sort (model, AUD_RECORD_MODEL_SORT_BY_ID, TRUE);
  refresh (model);
  assert_id_at (model, 0, "K3000");
  assert_id_at (model, 1000, "K1999");
  assert_id_at (model, 2997, "K0001");

  g_array_set_size (recorder.changes, 0);
  recorder_clear (&recorder);
}

/* The row ids of @model's rows in order, joined by ",". */
static char *
model_ids (AudRecordModel *model)
{
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(AudRecord) record = g_list_model_get_item (list, i);

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                              aud_record_get_id (record));
    }

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

/* The row ids @sql selects, joined by ",". */
static char *
query_ids (AudStore   *store,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, &error);
  g_autoptr(GString) ids = g_string_new (NULL);

  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, ids->len > 0 ? "," : "",
                            (gint64)sqlite3_column_int64 (stmt, 0));

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

/* All events by time merge the event names' index ranges: the order must
 * be exactly that of sorting by time, then row id, ties included. */
static void
test_record_model_events_by_time (void)
{
  g_autofree char *path = temp_workspace ("times.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudRecordModel) model = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *ids = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("event %u", i);

      aud_store_intern_event_name (store, name, &error);
      g_assert_no_error (error);
    }
  /* 3000 events of three names (one name has none) over 300 seconds. */
  exec (store, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
               "INSERT INTO events (customer_key, name, ts) "
               "SELECT 'K', 1 + (i * 7) % 3, 1700000000 + (i * 7919) % 300 FROM n");

  model = open_model (path, AUD_SCOPE_EVENT);
  aud_record_model_set_sort (model, EV_TIME, FALSE);
  refresh (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3000);
  expected = query_ids (store, "SELECT id FROM events ORDER BY ts, id");
  ids = model_ids (model);
  g_assert_cmpstr (ids, ==, expected);

  g_free (expected);
  g_free (ids);
  aud_record_model_set_sort (model, EV_TIME, TRUE);
  refresh (model);
  expected = query_ids (store, "SELECT id FROM events ORDER BY ts DESC, id DESC");
  ids = model_ids (model);
  g_assert_cmpstr (ids, ==, expected);

  /* No events at all. */
  exec (store, "DELETE FROM events");
  refresh (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Result;

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->ok = aud_record_model_refresh_finish (AUD_RECORD_MODEL (object), result, &r->error);
  r->done = TRUE;
}

static void
wait_for (Result *result)
{
  while (!result->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_record_model_async (void)
{
  g_autofree char *path = make_workspace ();
  g_autoptr(AudRecordModel) model = open_model (path, AUD_SCOPE_CUSTOMER);
  g_autoptr(GCancellable) cancellable = NULL;
  Result first = { 0 };
  Result second = { 0 };
  Result third = { 0 };
  Recorder recorder;

  recorder_watch (&recorder, model);
  aud_record_model_refresh_async (model, NULL, refresh_cb, &first);
  g_assert_true (aud_record_model_get_loading (model));
  g_assert_cmpuint (recorder.changes->len, ==, 0);
  wait_for (&first);
  g_assert_no_error (first.error);
  g_assert_true (first.ok);
  g_assert_false (aud_record_model_get_loading (model));
  assert_one_change (&recorder, 0, 6);
  assert_column (model, COL_ID, "C1|C2|C3|C4|C5|C6");

  /* A second refresh cancels the first: only the second is shown. */
  memset (&first, 0, sizeof first);
  aud_record_model_set_search_text (model, "smith");
  aud_record_model_refresh_async (model, NULL, refresh_cb, &first);
  aud_record_model_set_search_text (model, "gold");
  aud_record_model_refresh_async (model, NULL, refresh_cb, &second);
  wait_for (&first);
  g_assert_false (first.ok);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (second.done || aud_record_model_get_loading (model));
  wait_for (&second);
  g_assert_no_error (second.error);
  g_assert_false (aud_record_model_get_loading (model));
  assert_one_change (&recorder, 6, 2);
  assert_column (model, COL_ID, "C1|C3");

  /* Cancelled by the caller: the rows stay. */
  cancellable = g_cancellable_new ();
  aud_record_model_set_search_text (model, NULL);
  aud_record_model_refresh_async (model, cancellable, refresh_cb, &third);
  g_cancellable_cancel (cancellable);
  wait_for (&third);
  g_assert_error (third.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (aud_record_model_get_loading (model));
  g_assert_cmpuint (recorder.changes->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);

  /* A synchronous refresh supersedes an asynchronous one. */
  g_clear_error (&third.error);
  memset (&third, 0, sizeof third);
  aud_record_model_refresh_async (model, NULL, refresh_cb, &third);
  refresh (model);
  assert_one_change (&recorder, 2, 6);
  wait_for (&third);
  g_assert_error (third.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (recorder.changes->len, ==, 0);

  g_clear_error (&first.error);
  g_clear_error (&third.error);
  recorder_clear (&recorder);
}

static void
test_record_model_errors (void)
{
  g_autofree char *path = temp_workspace ("missing.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudRecordModel) model = NULL;

  model = aud_record_model_new (path, AUD_SCOPE_CUSTOMER, &error);
  g_assert_null (model);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/record-model/customers", test_record_model_customers);
  g_test_add_func ("/record-model/sort", test_record_model_sort);
  g_test_add_func ("/record-model/search", test_record_model_search);
  g_test_add_func ("/record-model/search-folded", test_record_model_search_folded);
  g_test_add_func ("/record-model/subset", test_record_model_subset);
  g_test_add_func ("/record-model/events", test_record_model_events);
  g_test_add_func ("/record-model/events-by-time", test_record_model_events_by_time);
  g_test_add_func ("/record-model/paging", test_record_model_paging);
  g_test_add_func ("/record-model/async", test_record_model_async);
  g_test_add_func ("/record-model/errors", test_record_model_errors);

  return g_test_run ();
}
