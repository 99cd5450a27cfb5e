/* test-engine.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "aud-engine-private.h"
#include "aud-segment.h"
#include "aud-store.h"
#include "aud-value.h"

#define DAY 86400

/* The reference time of the fixture: Saturday 2024-06-15 12:00:00 UTC. */
#define NOW G_GINT64_CONSTANT (1718452800)

/* Customer fields, in the order of the columns of customer_rows. */
static const struct
{
  const char   *name;
  AudFieldType  type;
  AudFieldRole  role;
  guint         scale;
} customer_fields[] = {
  { "country", AUD_FIELD_CATEGORY, AUD_ROLE_COUNTRY, 0 },
  { "city", AUD_FIELD_TEXT, AUD_ROLE_CITY, 0 },
  { "visits", AUD_FIELD_INTEGER, AUD_ROLE_NONE, 0 },
  { "spend", AUD_FIELD_DECIMAL, AUD_ROLE_NONE, 2 },
  { "birth", AUD_FIELD_DATE, AUD_ROLE_BIRTH_DATE, 0 },
  { "signup", AUD_FIELD_DATETIME, AUD_ROLE_NONE, 0 },
  { "vip", AUD_FIELD_BOOLEAN, AUD_ROLE_NONE, 0 },
  { "lat", AUD_FIELD_DECIMAL, AUD_ROLE_LATITUDE, 6 },
  { "lon", AUD_FIELD_DECIMAL, AUD_ROLE_LONGITUDE, 6 },
};

/* id, then the fields above; NULL is blank. Row ids follow the order. */
static const char *customer_rows[][10] = {
  { "c01", "DE", "München", "5", "500.00", "1990-06-15", "2024-05-16T12:00:00Z", "true",
    "52.520008", "13.404954" },
  { "c02", "de", "MÜNCHEN", "10", "500.01", "2000-02-29", "2024-05-16T11:59:59Z", "false",
    "53.551086", "9.993682" },
  { "c03", "FR", "Paris", NULL, NULL, NULL, NULL, NULL, "48.856613", "2.352222" },
  { "c04", NULL, NULL, "0", "-0.50", "2006-06-16", "2024-06-16T12:00:00Z", "true", NULL, NULL },
  { "c05", "ES", "Straße", "3", "0.10", "2006-06-15", "2024-06-14T23:59:59Z", "false",
    "40.416775", "-3.703790" },
  { "c06", "AT", "Wien", "7", "1234.56", "1984-02-29", "2024-06-15T00:00:00Z", NULL,
    "48.208176", "16.373819" },
  { "c07", "DE", "Berlin-Mitte", "12", "999999.99", "1960-12-31", "2023-01-01T00:00:00Z", "true",
    "52.520000", "13.405000" },
  { "c08", "US", "New York", "1", "10.00", "2024-06-15", "2024-06-15T12:00:00Z", "false",
    "40.712776", "-74.005974" },
  /* São Paulo in NFD: a + U+0303 COMBINING TILDE */
  { "c09", "BR", "Sa\xcc\x83o Paulo", "2", "0.01", "1999-03-01", NULL, NULL, "-23.550520",
    "-46.633308" },
  /* an empty country, stored as '' rather than NULL: still blank */
  { "c10", "", "ÉCOLE", "-3", "0.00", "2000-03-01", "2020-02-29T12:00:00Z", "false", NULL, NULL },
};

static const struct
{
  const char *customer;   /* NULL: an event of an id that is not a customer */
  const char *name;
  gint64      offset;     /* seconds from NOW */
  const char *amount;     /* decimal, scale 2 */
  const char *category;
  const char *items;      /* integer */
} event_rows[] = {
  { "c01", "purchase", -1 * DAY, "19.99", "shoes", "1" },
  { "c01", "purchase", -10 * DAY, "5.01", "books", "2" },
  { "c01", "view", -2 * DAY, NULL, "shoes", NULL },
  { "c01", "view", -3 * DAY, NULL, "Shoes", NULL },
  { "c01", "view", -4 * DAY, NULL, "hats", NULL },
  { "c01", "login", -40 * DAY, NULL, NULL, NULL },           /* Monday 2024-05-06 12:00 */
  { "c02", "purchase", -30 * DAY, "100.00", "books", "1" },  /* exactly 30 days ago */
  { "c02", "purchase", -31 * DAY, "0.10", "books", "1" },
  { "c02", "login", -100 * DAY, NULL, NULL, NULL },          /* Thursday 2024-03-07 12:00 */
  { "c03", "purchase", -5 * DAY + 0 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 1 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 2 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 3 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 4 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 5 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 6 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 7 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 8 * 3600, "0.10", "books", "1" },
  { "c03", "purchase", -5 * DAY + 9 * 3600, "0.10", "books", "1" },
  { "c04", "view", -1 * DAY, NULL, NULL, NULL },
  { "c04", "login", 1 * DAY, NULL, NULL, NULL },             /* in the future: Sunday 12:00 */
  { "c05", "login", -(5 * DAY + 12600), NULL, NULL, NULL },  /* Monday 2024-06-10 08:30 */
  { "c05", "login", -(5 * DAY + 46800), NULL, NULL, NULL },  /* Sunday 2024-06-09 23:00 */
  { "c06", "purchase", -60 * DAY, "1000.00", "tools", "5" },
  { "c06", "purchase", -20 * DAY, "1.00", "tools", "1" },
  { "c08", "purchase", 0, "500.00", "shoes", "1" },
  { NULL, "purchase", -1 * DAY, "1.00", "shoes", "1" },
  { NULL, "purchase", -1 * DAY, "1.00", "shoes", "1" },
  { NULL, "purchase", -1 * DAY, "1.00", "shoes", "1" },
  { "c09", "view", -1 * DAY, NULL, "books", "3" },
  { "c09", "view", -1 * DAY, NULL, "books", "4" },
};

typedef struct
{
  AudStore  *store;
  AudEngine *engine;
} Fixture;

/* Binds @text converted for a column of @type at @scale. */
static void
bind_value (sqlite3_stmt *stmt,
            int           index,
            const char   *text,
            AudFieldType  type,
            guint         scale)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 mantissa, value;
  guint value_scale;
  gboolean flag;

  if (text == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }

  switch (type)
    {
    case AUD_FIELD_INTEGER:
      g_assert_true (aud_value_parse_integer (text, &AUD_NUMBER_FORMAT_PLAIN, &value));
      sqlite3_bind_int64 (stmt, index, value);
      break;

    case AUD_FIELD_DECIMAL:
      g_assert_true (aud_value_parse_decimal (text, &AUD_NUMBER_FORMAT_PLAIN, &mantissa,
                                              &value_scale));
      g_assert_true (aud_value_rescale (mantissa, value_scale, scale, &value));
      sqlite3_bind_int64 (stmt, index, value);
      break;

    case AUD_FIELD_DATETIME:
      g_assert_true (aud_value_parse_datetime (text, AUD_DATE_ORDER_YMD, utc, &value));
      sqlite3_bind_int64 (stmt, index, value);
      break;

    case AUD_FIELD_BOOLEAN:
      g_assert_true (aud_value_parse_boolean (text, &flag));
      sqlite3_bind_int (stmt, index, flag);
      break;

    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
    case AUD_FIELD_DATE:
    default:
      sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      break;
    }
}

static AudStore *
create_store (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_autoptr(GError) error = NULL;
  AudStore *store;

  g_unlink (path);
  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  return store;
}

static void
exec_sql (AudStore   *store,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  aud_store_exec (store, sql, &error);
  g_assert_no_error (error);
}

static AudStore *
build_workspace (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("INSERT INTO customers (id, external_id");
  g_autoptr(AudField) amount = NULL;
  g_autoptr(AudField) category = NULL;
  g_autoptr(AudField) items = NULL;
  g_autofree char *event_sql = NULL;
  AudStore *store = create_store (name);
  AudField *fields[G_N_ELEMENTS (customer_fields)];
  gint64 names[3];

  for (guint i = 0; i < G_N_ELEMENTS (customer_fields); i++)
    {
      fields[i] = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, customer_fields[i].name,
                                       customer_fields[i].type, customer_fields[i].role,
                                       customer_fields[i].scale, &error);
      g_assert_no_error (error);
      g_string_append_printf (sql, ", %s", fields[i]->column);
    }
  g_string_append (sql, ") VALUES (?1, ?2");
  for (guint i = 0; i < G_N_ELEMENTS (customer_fields); i++)
    g_string_append_printf (sql, ", ?%u", i + 3);
  g_string_append (sql, ")");

  stmt = aud_store_prepare (store, sql->str, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (customer_rows); r++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, r + 1);
      sqlite3_bind_text (stmt, 2, customer_rows[r][0], -1, SQLITE_STATIC);
      for (guint i = 0; i < G_N_ELEMENTS (customer_fields); i++)
        bind_value (stmt, i + 3, customer_rows[r][i + 1], fields[i]->type, fields[i]->scale);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < G_N_ELEMENTS (customer_fields); i++)
    aud_field_free (fields[i]);

  amount = aud_store_add_field (store, AUD_SCOPE_EVENT, "amount", AUD_FIELD_DECIMAL,
                                AUD_ROLE_NONE, 2, &error);
  category = aud_store_add_field (store, AUD_SCOPE_EVENT, "category", AUD_FIELD_CATEGORY,
                                  AUD_ROLE_NONE, 0, &error);
  items = aud_store_add_field (store, AUD_SCOPE_EVENT, "items", AUD_FIELD_INTEGER,
                               AUD_ROLE_NONE, 0, &error);
  g_assert_no_error (error);

  names[0] = aud_store_intern_event_name (store, "purchase", &error);
  names[1] = aud_store_intern_event_name (store, "view", &error);
  names[2] = aud_store_intern_event_name (store, "login", &error);
  g_assert_no_error (error);

  event_sql = g_strdup_printf ("INSERT INTO events (customer, customer_key, name, ts, %s, %s, %s) "
                               "VALUES ((SELECT id FROM customers WHERE external_id = ?1), "
                               "CASE WHEN ?1 IS NULL THEN 'ghost' END, ?2, ?3, ?4, ?5, ?6)",
                               amount->column, category->column, items->column);
  stmt = aud_store_prepare (store, event_sql, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (event_rows); r++)
    {
      gint64 name = g_str_equal (event_rows[r].name, "purchase") ? names[0] :
                    g_str_equal (event_rows[r].name, "view") ? names[1] : names[2];

      sqlite3_reset (stmt);
      if (event_rows[r].customer != NULL)
        sqlite3_bind_text (stmt, 1, event_rows[r].customer, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 1);
      sqlite3_bind_int64 (stmt, 2, name);
      sqlite3_bind_int64 (stmt, 3, NOW + event_rows[r].offset);
      bind_value (stmt, 4, event_rows[r].amount, AUD_FIELD_DECIMAL, 2);
      bind_value (stmt, 5, event_rows[r].category, AUD_FIELD_CATEGORY, 0);
      bind_value (stmt, 6, event_rows[r].items, AUD_FIELD_INTEGER, 0);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    }

  aud_store_bump_data_version (store, &error);
  g_assert_no_error (error);

  return store;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->store = build_workspace ("engine.audiences");
  fixture->engine = aud_engine_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static AudSegment *
parse_match (const char *match)
{
  g_autofree char *json = g_strdup_printf ("{\"format\": 1, \"name\": \"test\", \"match\": %s}",
                                           match);
  g_autoptr(GError) error = NULL;
  AudSegment *segment = aud_segment_parse (json, -1, &error);

  g_assert_no_error (error);
  return segment;
}

/* The external ids of the members of @match as of @now, sorted, joined
 * by commas. */
static char *
members_at (Fixture    *fixture,
            const char *match,
            gint64      now)
{
  g_autoptr(AudSegment) segment = parse_match (match);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  roaring_bitmap_t *bitmap;
  roaring_uint32_iterator_t it;

  bitmap = aud_engine_evaluate (fixture->engine, fixture->store, segment, now, NULL, &error);
  g_assert_no_error (error);

  stmt = aud_store_prepare (fixture->store, "SELECT external_id FROM customers WHERE id = ?1",
                            &error);
  g_assert_no_error (error);

  roaring_init_iterator (bitmap, &it);
  for (; it.has_value; roaring_advance_uint32_iterator (&it))
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, it.current_value);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_ptr_array_add (ids, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
    }
  roaring_bitmap_free (bitmap);

  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);

  return g_strjoinv (",", (char **)ids->pdata);
}

#define assert_members_at(fixture, match, now, expected) \
  G_STMT_START { \
    g_autofree char *__members = members_at ((fixture), (match), (now)); \
    if (g_strcmp0 (__members, (expected)) != 0) \
      g_error ("%s: members of %s are “%s”, expected “%s”", G_STRLOC, (match), __members, \
               (expected)); \
  } G_STMT_END

#define assert_members(fixture, match, expected) \
  assert_members_at ((fixture), (match), NOW, (expected))

static gint64
count_of (Fixture    *fixture,
          const char *match)
{
  g_autoptr(AudSegment) segment = parse_match (match);
  g_autoptr(GError) error = NULL;
  AudCount count = { -1, -1, -1 };

  g_assert_true (aud_engine_count (fixture->engine, fixture->store, segment, NOW, &count, NULL,
                                   &error));
  g_assert_no_error (error);

  return count.count;
}

static void
test_engine_text (Fixture       *fixture,
                  gconstpointer  user_data)
{
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}",
                  "c01,c02,c07");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\", "
                  "\"case_sensitive\": true}", "c01,c07");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"ne\", \"value\": \"DE\"}",
                  "c03,c04,c05,c06,c08,c09,c10");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"in\", \"value\": [\"fr\", \"es\"]}",
                  "c03,c05");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"not_in\", "
                  "\"value\": [\"fr\", \"es\"]}", "c01,c02,c04,c06,c07,c08,c09,c10");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"in\", \"value\": []}", "");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"\"}", "");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"blank\"}", "c04,c10");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"not_blank\"}",
                  "c01,c02,c03,c05,c06,c07,c08,c09");

  /* Unicode case folding: ü/Ü, ß = ss, NFD stored text against NFC input. */
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"contains\", \"value\": \"mün\"}",
                  "c01,c02");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"eq\", \"value\": \"STRASSE\"}", "c05");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"eq\", \"value\": \"São Paulo\"}",
                  "c09");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"starts_with\", \"value\": \"sÃo\"}",
                  "c09");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"starts_with\", \"value\": \"ber\"}",
                  "c07");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"ends_with\", \"value\": \"MITTE\"}",
                  "c07");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"ends_with\", \"value\": \"Mitte\", "
                  "\"case_sensitive\": true}", "c07");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"ends_with\", \"value\": \"MITTE\", "
                  "\"case_sensitive\": true}", "");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"contains\", \"value\": \"\"}",
                  "c01,c02,c03,c05,c06,c07,c08,c09,c10");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"not_contains\", \"value\": \"e\"}",
                  "c03,c04,c09");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"contains\", \"value\": \"é\"}", "c10");

  /* Regular expressions: case-insensitive unless case_sensitive. */
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"matches\", \"value\": \"^m.nchen$\"}",
                  "c01,c02");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"matches\", \"value\": \"^MÜ\", "
                  "\"case_sensitive\": true}", "c02");
  assert_members (fixture, "{\"field\": \"city\", \"op\": \"matches\", "
                  "\"value\": \"[[:space:]-]\"}", "c07,c08,c09");
  assert_members (fixture, "{\"field\": \"country\", \"op\": \"matches\", \"value\": \"\"}",
                  "c01,c02,c03,c05,c06,c07,c08,c09");
}

static void
test_engine_numbers (Fixture       *fixture,
                     gconstpointer  user_data)
{
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"gt\", \"value\": 5}", "c02,c06,c07");
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"le\", \"value\": 0}", "c04,c10");
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"between\", \"value\": [1, 5]}",
                  "c01,c05,c08,c09");
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"eq\", \"value\": 5.0}", "c01");
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"in\", \"value\": [1, 2, \"-3\"]}",
                  "c08,c09,c10");
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"not_in\", \"value\": [1, 2, 3]}",
                  "c01,c02,c03,c04,c06,c07,c10");
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"ne\", \"value\": 5}",
                  "c02,c03,c04,c05,c06,c07,c08,c09,c10");
  /* The largest values a column holds. */
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"gt\", "
                  "\"value\": 9223372036854775807}", "");
  assert_members (fixture, "{\"field\": \"visits\", \"op\": \"gt\", "
                  "\"value\": -9223372036854775808}", "c01,c02,c04,c05,c06,c07,c08,c09,c10");

  /* Decimals compare exactly as written. */
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"gt\", \"value\": 500.00}",
                  "c02,c06,c07");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"gt\", \"value\": \"500.00\"}",
                  "c02,c06,c07");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"ge\", \"value\": 500}",
                  "c01,c02,c06,c07");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"eq\", \"value\": 500}", "c01");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"eq\", \"value\": \"500.010\"}", "c02");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"eq\", \"value\": 500.01}", "c02");
  /* More decimals than the field has. */
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"gt\", \"value\": \"500.001\"}",
                  "c02,c06,c07");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"ge\", \"value\": \"500.001\"}",
                  "c02,c06,c07");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"lt\", \"value\": \"500.001\"}",
                  "c01,c04,c05,c08,c09,c10");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"le\", \"value\": 500.009}",
                  "c01,c04,c05,c08,c09,c10");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"eq\", \"value\": 500.001}", "");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"eq\", \"value\": 0.1}", "c05");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"lt\", \"value\": \"-0.499\"}", "c04");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"lt\", \"value\": \"-0.5\"}", "");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"le\", \"value\": \"-0.5\"}", "c04");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"between\", "
                  "\"value\": [\"0.01\", 0.1]}", "c05,c09");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"in\", \"value\": [0, 10, 0.005]}",
                  "c08,c10");
  assert_members (fixture, "{\"field\": \"spend\", \"op\": \"eq\", \"value\": 1e-2}", "c09");
}

static void
test_engine_dates (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* Date-only field; today is 2024-06-15. */
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"before\", \"value\": \"2000-01-01\"}",
                  "c01,c06,c07,c09");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"after\", \"value\": \"2000-02-29\"}",
                  "c04,c05,c08,c10");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"on\", \"value\": \"2000-02-29\"}",
                  "c02");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"between\", "
                  "\"value\": [\"2000-02-29\", \"2000-03-01\"]}", "c02,c10");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"within_last_days\", \"value\": 0}",
                  "c08");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"within_next_days\", \"value\": 1}",
                  "c08");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"more_than_days_ago\", "
                  "\"value\": 6575}", "c01,c02,c06,c07,c09,c10");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"within_last_days\", "
                  "\"value\": 6575}", "c04,c05,c08");

  /* Date-time field: exactly N days ago is inside "within the last N
   * days" and not "more than N days ago". */
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"within_last_days\", \"value\": 30}",
                  "c01,c05,c06,c08");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"more_than_days_ago\", "
                  "\"value\": 30}", "c02,c07,c10");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"within_next_days\", \"value\": 1}",
                  "c04,c08");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"on\", \"value\": \"2024-06-15\"}",
                  "c06,c08");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"before\", \"value\": \"2024-06-15\"}",
                  "c01,c02,c05,c07,c10");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"after\", \"value\": \"2024-06-14\"}",
                  "c04,c06,c08");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"after\", "
                  "\"value\": \"2024-06-15T12:00:00Z\"}", "c04");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"before\", "
                  "\"value\": \"2024-05-16T12:00:00Z\"}", "c02,c07,c10");
  /* A date-only upper bound means the end of that day. */
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"between\", "
                  "\"value\": [\"2024-06-14\", \"2024-06-14\"]}", "c05");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"between\", "
                  "\"value\": [\"2024-05-16T12:00:00Z\", \"2024-06-14\"]}", "c01,c05");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"between\", "
                  "\"value\": [\"2024-05-16T12:00:00+02:00\", \"2024-05-16T12:00:00Z\"]}", "c01,c02");
}

static void
test_engine_age_and_birthdays (Fixture       *fixture,
                               gconstpointer  user_data)
{
  /* 2024-06-15: c04 turns 18 tomorrow, c05 today; c08 was born today. */
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", \"value\": [18, 200]}",
                  "c01,c02,c05,c06,c07,c09,c10");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", \"value\": [0, 17]}",
                  "c04,c08");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", \"value\": [24, 24]}",
                  "c02,c10");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", \"value\": 0}",
                  "c01,c05,c08");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", \"value\": 1}",
                  "c01,c04,c05,c08");
  assert_members (fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", "
                  "\"value\": 365}", "c01,c02,c04,c05,c06,c07,c08,c09,c10");
  /* Age and birthdays of a date-time, by its date in the workspace zone. */
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"birthday_within_days\", "
                  "\"value\": 0}", "c06,c08");
  assert_members (fixture, "{\"field\": \"signup\", \"op\": \"age_between\", \"value\": [4, 4]}",
                  "c10");

  /* Leap days. 2025-02-28 (common year): a 02-29 birthday has not come yet
   * (it comes on 03-01), so 2000-02-29 is 24 and 1999-03-01 is 25. */
  {
    gint64 feb28 = 1740744000;   /* 2025-02-28T12:00:00Z */
    gint64 mar1 = feb28 + DAY;   /* 2025-03-01T12:00:00Z */
    gint64 leap = 1709208000;    /* 2024-02-29T12:00:00Z */

    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", "
                       "\"value\": [25, 25]}", feb28, "c09");
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", "
                       "\"value\": [24, 24]}", feb28, "c02,c10");
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", "
                       "\"value\": 0}", feb28, "");
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", "
                       "\"value\": 1}", feb28, "c02,c06,c09,c10");
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", "
                       "\"value\": [25, 25]}", mar1, "c02,c10");
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", "
                       "\"value\": 0}", mar1, "c02,c06,c09,c10");
    /* In a leap year 02-29 is its own day. */
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", "
                       "\"value\": 0}", leap, "c02,c06");
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", "
                       "\"value\": [24, 24]}", leap, "c02,c09");
    assert_members_at (fixture, "{\"field\": \"birth\", \"op\": \"age_between\", "
                       "\"value\": [40, 40]}", leap, "c06");
  }
}

static void
test_engine_booleans (Fixture       *fixture,
                      gconstpointer  user_data)
{
  assert_members (fixture, "{\"field\": \"vip\", \"op\": \"is_true\"}", "c01,c04,c07");
  assert_members (fixture, "{\"field\": \"vip\", \"op\": \"is_false\"}", "c02,c05,c08,c10");
  assert_members (fixture, "{\"field\": \"vip\", \"op\": \"blank\"}", "c03,c06,c09");
  assert_members (fixture, "{\"not\": {\"field\": \"vip\", \"op\": \"is_true\"}}",
                  "c02,c03,c05,c06,c08,c09,c10");
}

/* count(X) + count(not X) = total, and each negative operator equals the
 * `not` of its positive twin. */
static void
test_engine_complements (Fixture       *fixture,
                         gconstpointer  user_data)
{
  static const char * const criteria[] = {
    "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}",
    "{\"field\": \"country\", \"op\": \"in\", \"value\": [\"DE\", \"fr\"]}",
    "{\"field\": \"city\", \"op\": \"contains\", \"value\": \"e\"}",
    "{\"field\": \"city\", \"op\": \"matches\", \"value\": \"^[a-m]\"}",
    "{\"field\": \"visits\", \"op\": \"ge\", \"value\": 3}",
    "{\"field\": \"visits\", \"op\": \"eq\", \"value\": 3}",
    "{\"field\": \"spend\", \"op\": \"between\", \"value\": [0, 600]}",
    "{\"field\": \"birth\", \"op\": \"age_between\", \"value\": [18, 30]}",
    "{\"field\": \"signup\", \"op\": \"within_last_days\", \"value\": 30}",
    "{\"field\": \"vip\", \"op\": \"is_false\"}",
    "{\"field\": \"vip\", \"op\": \"blank\"}",
    "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 30}}",
    "{\"event\": \"purchase\", \"count\": {\"op\": \"le\", \"value\": 1}}",
    "{\"event\": \"view\", \"where\": [{\"property\": \"category\", \"op\": \"ne\", "
    "\"value\": \"shoes\"}]}",
    "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"sum\", \"property\": \"amount\", "
    "\"op\": \"ge\", \"value\": 100}}",
    "{\"near\": {\"lat\": 52.52, \"lon\": 13.405, \"km\": 300}}",
    "{\"bucket\": {\"from\": 0, \"to\": 49, \"salt\": \"s\"}}",
    "{\"any\": []}",
    "{\"all\": []}",
  };
  static const char * const twins[][2] = {
    { "{\"field\": \"country\", \"op\": \"ne\", \"value\": \"de\"}",
      "{\"not\": {\"field\": \"country\", \"op\": \"eq\", \"value\": \"de\"}}" },
    { "{\"field\": \"country\", \"op\": \"not_in\", \"value\": [\"de\", \"FR\"]}",
      "{\"not\": {\"field\": \"country\", \"op\": \"in\", \"value\": [\"de\", \"FR\"]}}" },
    { "{\"field\": \"city\", \"op\": \"not_contains\", \"value\": \"ü\"}",
      "{\"not\": {\"field\": \"city\", \"op\": \"contains\", \"value\": \"ü\"}}" },
    { "{\"field\": \"spend\", \"op\": \"ne\", \"value\": 500}",
      "{\"not\": {\"field\": \"spend\", \"op\": \"eq\", \"value\": 500}}" },
    { "{\"field\": \"visits\", \"op\": \"not_in\", \"value\": [0, 5]}",
      "{\"not\": {\"field\": \"visits\", \"op\": \"in\", \"value\": [0, 5]}}" },
    { "{\"field\": \"vip\", \"op\": \"not_blank\"}",
      "{\"not\": {\"field\": \"vip\", \"op\": \"blank\"}}" },
  };
  gint64 total = G_N_ELEMENTS (customer_rows);

  for (guint i = 0; i < G_N_ELEMENTS (criteria); i++)
    {
      g_autofree char *negated = g_strdup_printf ("{\"not\": %s}", criteria[i]);

      g_assert_cmpint (count_of (fixture, criteria[i]) + count_of (fixture, negated), ==, total);
    }

  for (guint i = 0; i < G_N_ELEMENTS (twins); i++)
    {
      g_autofree char *a = members_at (fixture, twins[i][0], NOW);
      g_autofree char *b = members_at (fixture, twins[i][1], NOW);

      g_assert_cmpstr (a, ==, b);
    }
}

static void
test_engine_events (Fixture       *fixture,
                    gconstpointer  user_data)
{
  /* Events of ids that are not customers never count. */
  assert_members (fixture, "{\"event\": \"purchase\"}", "c01,c02,c03,c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 30}}",
                  "c01,c02,c03,c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 29}}",
                  "c01,c03,c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"when\": {\"more_than_days_ago\": 30}}",
                  "c02,c06");
  assert_members (fixture, "{\"event\": \"purchase\", \"when\": {\"between\": "
                  "[\"2024-05-16\", \"2024-06-05\"]}}", "c01,c02,c06");
  assert_members (fixture, "{\"event\": \"purchase\", \"when\": {\"between\": "
                  "[\"2024-05-16T12:00:01Z\", \"2024-06-10T11:00:00Z\"]}}", "c01,c06");

  /* Counts: no event is a count of 0. */
  assert_members (fixture, "{\"event\": \"purchase\", \"count\": {\"op\": \"eq\", \"value\": 0}}",
                  "c04,c05,c07,c09,c10");
  assert_members (fixture, "{\"event\": \"purchase\", \"count\": {\"op\": \"le\", \"value\": 1}}",
                  "c04,c05,c07,c08,c09,c10");
  assert_members (fixture, "{\"event\": \"purchase\", \"count\": {\"op\": \"ge\", \"value\": 2}}",
                  "c01,c02,c03,c06");
  assert_members (fixture, "{\"event\": \"purchase\", \"count\": {\"op\": \"between\", "
                  "\"value\": [2, 5]}}", "c01,c02,c06");
  assert_members (fixture, "{\"event\": \"purchase\", \"count\": {\"op\": \"eq\", \"value\": 10}}",
                  "c03");
  assert_members (fixture, "{\"event\": \"purchase\", \"count\": {\"op\": \"gt\", \"value\": 0}}",
                  "c01,c02,c03,c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 30}, "
                  "\"count\": {\"op\": \"lt\", \"value\": 2}}", "c02,c04,c05,c06,c07,c08,c09,c10");

  /* Names: any, a list. */
  assert_members (fixture, "{\"event\": \"*\", \"when\": {\"within_last_days\": 1}}",
                  "c01,c04,c08,c09");
  assert_members (fixture, "{\"event\": \"*\"}", "c01,c02,c03,c04,c05,c06,c08,c09");
  assert_members (fixture, "{\"event\": [\"view\", \"login\"]}", "c01,c02,c04,c05,c09");
  assert_members (fixture, "{\"event\": \"*\", \"count\": {\"op\": \"eq\", \"value\": 0}}",
                  "c07,c10");

  /* Property conditions; ne includes blank properties. */
  assert_members (fixture, "{\"event\": \"view\", \"where\": [{\"property\": \"category\", "
                  "\"op\": \"eq\", \"value\": \"SHOES\"}]}", "c01");
  assert_members (fixture, "{\"event\": \"view\", \"where\": [{\"property\": \"category\", "
                  "\"op\": \"ne\", \"value\": \"shoes\"}]}", "c01,c04,c09");
  assert_members (fixture, "{\"event\": \"view\", \"where\": [{\"property\": \"category\", "
                  "\"op\": \"blank\"}]}", "c04");
  assert_members (fixture, "{\"event\": \"purchase\", \"where\": [{\"property\": \"amount\", "
                  "\"op\": \"gt\", \"value\": 19.98}]}", "c01,c02,c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"where\": [{\"property\": \"amount\", "
                  "\"op\": \"gt\", \"value\": 19.98}, {\"property\": \"category\", \"op\": \"in\", "
                  "\"value\": [\"shoes\", \"tools\"]}]}", "c01,c06,c08");

  /* Built-in properties in the workspace zone (UTC here). */
  assert_members (fixture, "{\"event\": \"login\", \"where\": [{\"property\": \"@weekday\", "
                  "\"op\": \"eq\", \"value\": 1}]}", "c01,c05");
  assert_members (fixture, "{\"event\": \"login\", \"where\": [{\"property\": \"@weekday\", "
                  "\"op\": \"eq\", \"value\": 7}]}", "c04,c05");
  assert_members (fixture, "{\"event\": \"login\", \"where\": [{\"property\": \"@weekday\", "
                  "\"op\": \"eq\", \"value\": 4}]}", "c02");
  assert_members (fixture, "{\"event\": \"login\", \"where\": [{\"property\": \"@hour\", "
                  "\"op\": \"eq\", \"value\": 12}]}", "c01,c02,c04");
  assert_members (fixture, "{\"event\": \"login\", \"where\": [{\"property\": \"@hour\", "
                  "\"op\": \"between\", \"value\": [0, 9]}]}", "c05");
  assert_members (fixture, "{\"event\": \"login\", \"where\": [{\"property\": \"@hour\", "
                  "\"op\": \"eq\", \"value\": 23}]}", "c05");

  /* Distinct non-blank values, exactly as stored. */
  assert_members (fixture, "{\"event\": \"view\", \"distinct\": \"category\", "
                  "\"count\": {\"op\": \"ge\", \"value\": 3}}", "c01");
  assert_members (fixture, "{\"event\": \"view\", \"distinct\": \"category\", "
                  "\"count\": {\"op\": \"eq\", \"value\": 1}}", "c09");
  assert_members (fixture, "{\"event\": \"view\", \"distinct\": \"category\", "
                  "\"count\": {\"op\": \"eq\", \"value\": 0}}", "c02,c03,c04,c05,c06,c07,c08,c10");

  /* Aggregates: exact sums and averages; blanks skipped; no value, no
   * match. */
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"sum\", "
                  "\"property\": \"amount\", \"op\": \"eq\", \"value\": 1.0}}", "c03");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"sum\", "
                  "\"property\": \"amount\", \"op\": \"ge\", \"value\": 100.10}}", "c02,c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"avg\", "
                  "\"property\": \"amount\", \"op\": \"eq\", \"value\": 0.1}}", "c03");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"avg\", "
                  "\"property\": \"amount\", \"op\": \"eq\", \"value\": 12.5}}", "c01");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"avg\", "
                  "\"property\": \"amount\", \"op\": \"gt\", \"value\": 12.5}}", "c02,c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"avg\", "
                  "\"property\": \"amount\", \"op\": \"lt\", \"value\": \"50.0500001\"}}",
                  "c01,c02,c03");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"min\", "
                  "\"property\": \"amount\", \"op\": \"lt\", \"value\": 1}}", "c02,c03");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"max\", "
                  "\"property\": \"amount\", \"op\": \"ge\", \"value\": 500}}", "c06,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"max\", "
                  "\"property\": \"amount\", \"op\": \"between\", \"value\": [19.99, 100]}}",
                  "c01,c02");
  assert_members (fixture, "{\"event\": \"view\", \"aggregate\": {\"fn\": \"sum\", "
                  "\"property\": \"items\", \"op\": \"lt\", \"value\": 100}}", "c09");
  assert_members (fixture, "{\"event\": \"view\", \"aggregate\": {\"fn\": \"sum\", "
                  "\"property\": \"items\", \"op\": \"ne\", \"value\": 100}}", "c09");
  assert_members (fixture, "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 10}, "
                  "\"aggregate\": {\"fn\": \"sum\", \"property\": \"amount\", \"op\": \"eq\", "
                  "\"value\": 25}}", "c01");

  /* First and last occurrence. */
  assert_members (fixture, "{\"event\": \"purchase\", \"occurrence\": \"first\", "
                  "\"when\": {\"within_last_days\": 30}}", "c01,c03,c08");
  assert_members (fixture, "{\"event\": \"purchase\", \"occurrence\": \"last\", "
                  "\"when\": {\"within_last_days\": 25}}", "c01,c03,c06,c08");
  assert_members (fixture, "{\"event\": \"login\", \"occurrence\": \"last\", "
                  "\"when\": {\"more_than_days_ago\": 60}}", "c02");
  assert_members (fixture, "{\"event\": \"purchase\", \"occurrence\": \"first\", "
                  "\"where\": [{\"property\": \"category\", \"op\": \"eq\", \"value\": \"books\"}], "
                  "\"when\": {\"within_last_days\": 30}}", "c01,c03");
}

static void
test_engine_near (Fixture       *fixture,
                  gconstpointer  user_data)
{
  assert_members (fixture, "{\"near\": {\"lat\": 52.52, \"lon\": 13.405, \"km\": 1}}", "c01,c07");
  assert_members (fixture, "{\"near\": {\"lat\": 52.52, \"lon\": 13.405, \"km\": 0}}", "c07");
  /* Hamburg is about 255 km from Berlin. */
  assert_members (fixture, "{\"near\": {\"lat\": 52.52, \"lon\": 13.405, \"km\": 250}}",
                  "c01,c07");
  assert_members (fixture, "{\"near\": {\"lat\": 52.52, \"lon\": 13.405, \"km\": 260}}",
                  "c01,c02,c07");
  assert_members (fixture, "{\"near\": {\"lat\": 0, \"lon\": 0, \"km\": 20100}}",
                  "c01,c02,c03,c05,c06,c07,c08,c09");
  assert_members (fixture, "{\"near\": {\"lat\": 40.7, \"lon\": -74.0, \"km\": 5}}", "c08");
  assert_members (fixture, "{\"near\": {\"lat\": -23.55, \"lon\": -46.63, \"km\": 1}}", "c09");
  assert_members (fixture, "{\"near\": {\"lat\": 89.9, \"lon\": 179.9, \"km\": 100}}", "");
}

static void
test_engine_near_without_coordinates (void)
{
  g_autoptr(AudStore) store = create_store ("no-coordinates.audiences");
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(AudSegment) segment = parse_match ("{\"near\": {\"lat\": 0, \"lon\": 0, "
                                               "\"km\": 20100}}");
  g_autoptr(GError) error = NULL;
  AudCount count;

  /* Row ids with a gap: all customers are read one by one. */
  exec_sql (store, "INSERT INTO customers (id, external_id) VALUES (1, 'a'), (5, 'b')");

  g_assert_true (aud_engine_count (engine, store, segment, NOW, &count, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count.count, ==, 0);
  g_assert_cmpint (count.total, ==, 2);

  {
    g_autoptr(AudSegment) nobody_near = parse_match ("{\"not\": {\"near\": {\"lat\": 0, "
                                                     "\"lon\": 0, \"km\": 20100}}}");
    roaring_bitmap_t *members = aud_engine_evaluate (engine, store, nobody_near, NOW, NULL,
                                                     &error);

    g_assert_no_error (error);
    g_assert_cmpuint (roaring_bitmap_get_cardinality (members), ==, 2);
    g_assert_true (roaring_bitmap_contains (members, 1));
    g_assert_true (roaring_bitmap_contains (members, 5));
    roaring_bitmap_free (members);
  }
}

/* The bucket computed here independently: SHA-256 of "salt:id", first four
 * bytes big-endian, modulo 100. */
static guint
expected_bucket (const char *salt,
                 const char *id)
{
  g_autofree char *input = g_strconcat (salt, ":", id, NULL);
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, input, -1);
  char head[9];

  memcpy (head, hex, 8);
  head[8] = '\0';

  return (guint)(g_ascii_strtoull (head, NULL, 16) % 100);
}

static void
test_engine_bucket (Fixture       *fixture,
                    gconstpointer  user_data)
{
  static const struct { const char *salt; int from, to; } cases[] = {
    { "spring-test", 0, 49 },
    { "spring-test", 50, 99 },
    { "x", 10, 19 },
    { "", 0, 99 },
    { "ünï", 33, 33 },
  };

  /* Known values, from any SHA-256 tool: sha256("a:c01") starts d0836da6,
   * sha256("spring-test:c05") f73b07e4, sha256("x:c10") 78b03407. */
  g_assert_cmpuint (expected_bucket ("a", "c01"), ==, 0xd0836da6u % 100);
  g_assert_cmpuint (expected_bucket ("spring-test", "c05"), ==, 0xf73b07e4u % 100);
  g_assert_cmpuint (expected_bucket ("x", "c10"), ==, 0x78b03407u % 100);
  assert_members (fixture, "{\"bucket\": {\"from\": 96, \"to\": 96, "
                  "\"salt\": \"spring-test\"}}", "c05");

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GPtrArray) expected = g_ptr_array_new ();
      g_autofree char *match = NULL;
      g_autofree char *wanted = NULL;

      for (guint r = 0; r < G_N_ELEMENTS (customer_rows); r++)
        {
          guint bucket = expected_bucket (cases[c].salt, customer_rows[r][0]);

          if ((int)bucket >= cases[c].from && (int)bucket <= cases[c].to)
            g_ptr_array_add (expected, (char *)customer_rows[r][0]);
        }
      g_ptr_array_add (expected, NULL);
      wanted = g_strjoinv (",", (char **)expected->pdata);

      match = g_strdup_printf ("{\"bucket\": {\"from\": %d, \"to\": %d, \"salt\": \"%s\"}}",
                               cases[c].from, cases[c].to, cases[c].salt);
      assert_members (fixture, match, wanted);
    }

  /* The two halves split everyone. */
  g_assert_cmpint (count_of (fixture, "{\"bucket\": {\"from\": 0, \"to\": 49, \"salt\": \"k\"}}") +
                   count_of (fixture, "{\"bucket\": {\"from\": 50, \"to\": 99, \"salt\": \"k\"}}"),
                   ==, G_N_ELEMENTS (customer_rows));
}

static void
save_segment (Fixture    *fixture,
              const char *name,
              const char *match)
{
  g_autoptr(AudSegment) segment = parse_match (match);
  g_autoptr(GError) error = NULL;

  g_free (segment->name);
  segment->name = g_strdup (name);
  g_assert_true (aud_segment_save (fixture->store, segment, TRUE, &error));
  g_assert_no_error (error);
}

static void
test_engine_segments (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(AudSegment) missing = parse_match ("{\"all\": [{\"segment\": \"nope\"}]}");
  g_autoptr(AudSegment) cyclic = parse_match ("{\"segment\": \"a\"}");
  g_autoptr(GError) error = NULL;
  AudCount count;

  save_segment (fixture, "germans", "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}");
  save_segment (fixture, "recent buyers", "{\"event\": \"purchase\", "
                "\"when\": {\"within_last_days\": 7}}");
  save_segment (fixture, "german recent buyers", "{\"all\": [{\"segment\": \"germans\"}, "
                "{\"segment\": \"recent buyers\"}]}");

  assert_members (fixture, "{\"segment\": \"germans\"}", "c01,c02,c07");
  assert_members (fixture, "{\"not\": {\"segment\": \"germans\"}}",
                  "c03,c04,c05,c06,c08,c09,c10");
  assert_members (fixture, "{\"segment\": \"german recent buyers\"}", "c01");
  /* The same now applies inside: the 7 days before 2024-06-20 hold c01's
   * purchase of 06-14 and c08's of 06-15. */
  assert_members_at (fixture, "{\"segment\": \"recent buyers\"}", NOW + 5 * DAY, "c01,c08");

  g_assert_false (aud_engine_count (fixture->engine, fixture->store, missing, NOW, &count, NULL,
                                    &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);

  /* A cycle written behind the model's back still fails cleanly. */
  exec_sql (fixture->store,
            "INSERT INTO segments (name, definition, created, modified) VALUES "
            "('a', '{\"format\": 1, \"name\": \"a\", \"match\": {\"segment\": \"b\"}}', 0, 0), "
            "('b', '{\"format\": 1, \"name\": \"b\", \"match\": {\"segment\": \"a\"}}', 0, 0)");
  g_assert_false (aud_engine_count (fixture->engine, fixture->store, cyclic, NOW, &count, NULL,
                                    &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_CYCLE);
  g_clear_error (&error);
}

static void
test_engine_disabled (Fixture       *fixture,
                      gconstpointer  user_data)
{
  assert_members (fixture, "{\"all\": [{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}, "
                  "{\"field\": \"vip\", \"op\": \"is_true\", \"disabled\": true}]}", "c01,c02,c07");
  assert_members (fixture, "{\"any\": [{\"field\": \"vip\", \"op\": \"is_true\", "
                  "\"disabled\": true}]}", "");
  assert_members (fixture, "{\"not\": {\"field\": \"vip\", \"op\": \"is_true\", "
                  "\"disabled\": true}}", "c01,c02,c03,c04,c05,c06,c07,c08,c09,c10");
  assert_members (fixture, "{\"all\": [{\"field\": \"vip\", \"op\": \"is_true\"}, "
                  "{\"not\": {\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}, "
                  "\"disabled\": true}]}", "c01,c04,c07");
  /* A disabled node is not even resolved: unknown names in it are fine. */
  assert_members (fixture, "{\"all\": [{\"field\": \"vip\", \"op\": \"is_true\"}, "
                  "{\"field\": \"nothing\", \"op\": \"blank\", \"disabled\": true}]}",
                  "c01,c04,c07");
}

static void
test_engine_funnel (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "eng-funnel.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = aud_segment_load (path, &error);
  g_autoptr(GPtrArray) steps = NULL;
  static const struct { const char *path; const char *label; gint64 count, remaining; } want[] = {
    { "match.all[0]", "country is \"DE\"", 3, 3 },
    { "match.all[1]", "visits > 5", 3, 2 },
    { "match.all[3]", "purchase events in the last 30 days ≥ 1", 5, 1 },
    { "match.all[4]", "vip is true", 3, 0 },
  };

  g_assert_no_error (error);

  steps = aud_engine_funnel (fixture->engine, fixture->store, segment, NOW, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, G_N_ELEMENTS (want));

  for (guint i = 0; i < steps->len; i++)
    {
      AudFunnelStep *step = g_ptr_array_index (steps, i);

      g_assert_cmpstr (step->path, ==, want[i].path);
      g_assert_cmpstr (step->label, ==, want[i].label);
      g_assert_cmpint (step->count, ==, want[i].count);
      g_assert_cmpint (step->remaining, ==, want[i].remaining);
    }

  /* The last remaining count is the segment's count. */
  g_assert_cmpint (count_of (fixture, "{\"all\": [{\"field\": \"country\", \"op\": \"eq\", "
                             "\"value\": \"DE\"}, {\"field\": \"visits\", \"op\": \"gt\", "
                             "\"value\": 5}, {\"event\": \"purchase\", "
                             "\"when\": {\"within_last_days\": 30}}]}"), ==, 1);
}

static void
test_engine_overlap (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(AudSegment) a = parse_match ("{\"field\": \"country\", \"op\": \"eq\", "
                                         "\"value\": \"DE\"}");
  g_autoptr(AudSegment) b = parse_match ("{\"field\": \"vip\", \"op\": \"is_true\"}");
  g_autoptr(AudSegment) c = parse_match ("{\"event\": \"purchase\"}");
  AudSegment *three[] = { a, b, c };
  g_autoptr(AudOverlap) overlap = NULL;
  g_autoptr(AudOverlap) pair = NULL;
  g_autoptr(GError) error = NULL;
  static const gint64 matrix[] = { 3, 2, 2, 2, 3, 1, 2, 1, 5 };
  static const gint64 regions[] = { 3, 0, 1, 1, 3, 1, 0, 1 };

  overlap = aud_engine_overlap (fixture->engine, fixture->store, three, 3, NOW, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (overlap->n, ==, 3);
  g_assert_cmpint (overlap->total, ==, 10);
  g_assert_cmpint (overlap->union_count, ==, 7);
  g_assert_true (overlap->has_regions);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpint (overlap->matrix[i], ==, matrix[i]);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpint (overlap->regions[i], ==, regions[i]);
  g_assert_cmpint (overlap->sizes[2], ==, 5);

  /* Two sets: A only, B only, both. */
  pair = aud_engine_overlap (fixture->engine, fixture->store, three, 2, NOW, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pair->regions[1], ==, 1);
  g_assert_cmpint (pair->regions[2], ==, 1);
  g_assert_cmpint (pair->regions[3], ==, 2);
  g_assert_cmpint (pair->regions[0], ==, 6);
}

static void
test_engine_combine (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const struct { AudSetOperation op; const char *members; } cases[] = {
    { AUD_SET_UNION, "c01,c02,c04,c07" },
    { AUD_SET_INTERSECTION, "c01,c07" },
    { AUD_SET_DIFFERENCE, "c02" },
  };
  const char *names[] = { "germans", "vips", "buyers" };
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) bad = NULL;
  g_autoptr(AudSegment) three = NULL;

  save_segment (fixture, "germans", "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}");
  save_segment (fixture, "vips", "{\"field\": \"vip\", \"op\": \"is_true\"}");
  save_segment (fixture, "buyers", "{\"event\": \"purchase\"}");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AudSegment) combined = NULL;
      g_autoptr(AudSegment) reloaded = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = NULL;
      g_autofree char *match = NULL;

      combined = aud_engine_combine_segments (fixture->store, cases[i].op, names, 2, "combined",
                                              &error);
      g_assert_no_error (error);
      g_assert_cmpstr (combined->name, ==, "combined");

      /* It is an ordinary definition: it saves and reads back. */
      json = aud_segment_to_json (combined, FALSE);
      reloaded = aud_segment_parse (json, -1, &error);
      g_assert_no_error (error);
      node = aud_segment_node_to_json (reloaded->root);
      match = json_to_string (node, FALSE);
      assert_members (fixture, match, cases[i].members);
    }

  /* Difference from several: germans minus (vips or buyers). */
  three = aud_engine_combine_segments (fixture->store, AUD_SET_DIFFERENCE,
                                       (const char *[]) { "germans", "vips", "buyers" }, 3,
                                       "rest", &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) node = aud_segment_node_to_json (three->root);
    g_autofree char *match = json_to_string (node, FALSE);

    g_assert_cmpstr (match, ==, "{\"all\":[{\"segment\":\"germans\"},{\"not\":{\"any\":"
                     "[{\"segment\":\"vips\"},{\"segment\":\"buyers\"}]}}]}");
    assert_members (fixture, match, "");
  }

  bad = aud_engine_combine_segments (fixture->store, AUD_SET_UNION,
                                     (const char *[]) { "germans", "unknown" }, 2, "x", &error);
  g_assert_null (bad);
  g_assert_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  bad = aud_engine_combine_segments (fixture->store, AUD_SET_UNION, names, 1, "x", &error);
  g_assert_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_INVALID);
}

static char *
sample_ids (GArray *members)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < members->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "," : "",
                            g_array_index (members, AudMember, i).external_id);

  return g_string_free (s, FALSE);
}

static void
test_engine_sample (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(AudSegment) segment = parse_match ("{\"field\": \"country\", \"op\": \"not_blank\"}");
  g_autoptr(AudSegment) everyone = parse_match ("{\"all\": []}");
  g_autoptr(AudStore) store = create_store ("sample.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) r1 = NULL;
  g_autoptr(GArray) r2 = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) by_row = NULL;
  g_autoptr(GArray) by_id = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *s = NULL;

  first = aud_engine_sample (fixture->engine, fixture->store, segment, NOW, AUD_SAMPLE_BY_ROW_ID,
                             3, 0, NULL, &error);
  g_assert_no_error (error);
  s = sample_ids (first);
  g_assert_cmpstr (s, ==, "c01,c02,c03");

  r1 = aud_engine_sample (fixture->engine, fixture->store, segment, NOW, AUD_SAMPLE_RANDOM, 4, 42,
                          NULL, &error);
  r2 = aud_engine_sample (fixture->engine, fixture->store, segment, NOW, AUD_SAMPLE_RANDOM, 4, 42,
                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r1->len, ==, 4);
  a = sample_ids (r1);
  b = sample_ids (r2);
  g_assert_cmpstr (a, ==, b);
  for (guint i = 0; i < r1->len; i++)
    {
      AudMember *m = &g_array_index (r1, AudMember, i);

      g_assert_true (m->row_id != 4 && m->row_id != 10);  /* blank country */
      if (i > 0)
        g_assert_cmpint (g_array_index (r1, AudMember, i - 1).row_id, <, m->row_id);
    }

  all = aud_engine_sample (fixture->engine, fixture->store, segment, NOW, AUD_SAMPLE_RANDOM, 100,
                           7, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 8);

  /* Order by external id differs from row order here. */
  exec_sql (store, "INSERT INTO customers (id, external_id) VALUES (1, 'z'), (2, 'a'), (3, 'm')");
  by_row = aud_engine_sample (fixture->engine, store, everyone, NOW, AUD_SAMPLE_BY_ROW_ID, 10, 0,
                              NULL, &error);
  by_id = aud_engine_sample (fixture->engine, store, everyone, NOW, AUD_SAMPLE_BY_EXTERNAL_ID, 2,
                             0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&s, g_free);
  s = sample_ids (by_row);
  g_assert_cmpstr (s, ==, "z,a,m");
  g_clear_pointer (&s, g_free);
  s = sample_ids (by_id);
  g_assert_cmpstr (s, ==, "a,m");
}

static char *
explain_text (Fixture          *fixture,
              const AudSegment *segment,
              const char       *id,
              gboolean         *passed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExplanation) explanation = NULL;

  explanation = aud_engine_explain (fixture->engine, fixture->store, segment, id, NOW, NULL,
                                    &error);
  g_assert_no_error (error);
  *passed = explanation->passed;

  return aud_explanation_to_text (explanation);
}

static void
test_engine_explain (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "eng-explain.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = aud_segment_load (path, &error);
  g_autoptr(AudExplanation) missing = NULL;
  roaring_bitmap_t *members;
  g_autofree char *c02 = NULL;
  g_autofree char *c05 = NULL;
  gboolean passed;

  g_assert_no_error (error);
  save_segment (fixture, "germans", "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}");

  c02 = explain_text (fixture, segment, "c02", &passed);
  g_assert_true (passed);
  g_assert_cmpstr (c02, ==,
                   "✓ all of these: 5 of 5 passed\n"
                   "  ✓ country is \"DE\": yes (the value is \"de\")\n"
                   "  ✓ purchase events in the last 30 days: 1, needs ≥ 1\n"
                   "  ✓ not: the part below failed\n"
                   "    ✗ vip is true: no (the value is false)\n"
                   "  ✓ any of these: 1 of 2 passed\n"
                   "    ✗ sum of amount over purchase events: 100.10, needs > 1000\n"
                   "    ✓ spend ≥ 500: yes (the value is 500.01)\n"
                   "  ✓ in segment “germans”: yes\n"
                   "    ✓ country is \"DE\": yes (the value is \"de\")\n"
                   "  – login events ≥ 1 (off)\n");

  c05 = explain_text (fixture, segment, "c05", &passed);
  g_assert_false (passed);
  g_assert_cmpstr (c05, ==,
                   "✗ all of these: 1 of 5 passed\n"
                   "  ✗ country is \"DE\": no (the value is \"ES\")\n"
                   "  ✗ purchase events in the last 30 days: 0, needs ≥ 1\n"
                   "  ✓ not: the part below failed\n"
                   "    ✗ vip is true: no (the value is false)\n"
                   "  ✗ any of these: 0 of 2 passed\n"
                   "    ✗ sum of amount over purchase events: no values, needs > 1000\n"
                   "    ✗ spend ≥ 500: no (the value is 0.10)\n"
                   "  ✗ in segment “germans”: no\n"
                   "    ✗ country is \"DE\": no (the value is \"ES\")\n"
                   "  – login events ≥ 1 (off)\n");

  /* Explain agrees with evaluation for every customer. */
  members = aud_engine_evaluate (fixture->engine, fixture->store, segment, NOW, NULL, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (customer_rows); r++)
    {
      g_autofree char *text = explain_text (fixture, segment, customer_rows[r][0], &passed);

      g_assert_cmpint (passed, ==, roaring_bitmap_contains (members, r + 1));
    }
  roaring_bitmap_free (members);

  missing = aud_engine_explain (fixture->engine, fixture->store, segment, "nobody", NOW, NULL,
                                &error);
  g_assert_null (missing);
  g_assert_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_NOT_FOUND);
}

/* Explain agrees with evaluation on every kind of criterion. */
static void
test_engine_explain_agrees (Fixture       *fixture,
                            gconstpointer  user_data)
{
  static const char * const criteria[] = {
    "{\"field\": \"country\", \"op\": \"ne\", \"value\": \"DE\"}",
    "{\"field\": \"city\", \"op\": \"matches\", \"value\": \"e\"}",
    "{\"field\": \"birth\", \"op\": \"birthday_within_days\", \"value\": 1}",
    "{\"field\": \"signup\", \"op\": \"within_last_days\", \"value\": 30}",
    "{\"field\": \"vip\", \"op\": \"blank\"}",
    "{\"event\": \"purchase\", \"count\": {\"op\": \"le\", \"value\": 1}}",
    "{\"event\": \"view\", \"distinct\": \"category\", \"count\": {\"op\": \"eq\", \"value\": 0}}",
    "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"avg\", \"property\": \"amount\", "
    "\"op\": \"gt\", \"value\": 12.5}}",
    "{\"event\": \"purchase\", \"occurrence\": \"last\", \"when\": {\"within_last_days\": 25}}",
    "{\"near\": {\"lat\": 52.52, \"lon\": 13.405, \"km\": 260}}",
    "{\"bucket\": {\"from\": 0, \"to\": 49, \"salt\": \"s\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (criteria); i++)
    {
      g_autoptr(AudSegment) segment = parse_match (criteria[i]);
      g_autoptr(GError) error = NULL;
      roaring_bitmap_t *members;

      members = aud_engine_evaluate (fixture->engine, fixture->store, segment, NOW, NULL, &error);
      g_assert_no_error (error);

      for (guint r = 0; r < G_N_ELEMENTS (customer_rows); r++)
        {
          g_autoptr(AudExplanation) e = NULL;

          e = aud_engine_explain (fixture->engine, fixture->store, segment, customer_rows[r][0],
                                  NOW, NULL, &error);
          g_assert_no_error (error);
          if (e->passed != roaring_bitmap_contains (members, r + 1))
            g_error ("%s for %s: explain says %d: %s", criteria[i], customer_rows[r][0],
                     e->passed, e->text);
        }
      roaring_bitmap_free (members);
    }
}

/* Criteria that differ only in their window: the engine reads only the
 * part of a window the rows it keeps lack, and the members are those a new
 * engine finds. */
static void
test_engine_window_edits (Fixture       *fixture,
                          gconstpointer  user_data)
{
  static const char *criteria[] = {
    "\"where\": [{\"property\": \"category\", \"op\": \"ne\", \"value\": \"tools\"}]",
    "\"distinct\": \"category\", \"count\": {\"op\": \"ge\", \"value\": 2}",
    "\"aggregate\": {\"fn\": \"sum\", \"property\": \"amount\", \"op\": \"ge\", \"value\": 10}",
  };
  static const struct
  {
    const char *when;
    guint       queries;   /* SQL queries the edit runs */
  } edits[] = {
    { "{\"within_last_days\": 7}", 1 },
    { "{\"within_last_days\": 30}", 1 },     /* 23 more days */
    { "{\"within_last_days\": 3}", 0 },      /* inside what was read */
    { "{\"within_last_days\": 60}", 1 },
    { "{\"between\": [\"2024-06-01\", \"2024-06-10\"]}", 0 },
    { "{\"between\": [\"2023-01-01\", \"2023-06-01\"]}", 1 },  /* apart: read afresh */
    { "{\"between\": [\"2023-01-01\", \"2024-07-01\"]}", 1 },  /* later days only */
    { "{\"more_than_days_ago\": 10}", 1 },   /* all that came before */
    { "{\"within_last_days\": 45}", 0 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (criteria); c++)
    for (guint e = 0; e < G_N_ELEMENTS (edits); e++)
      {
        g_autofree char *match = g_strdup_printf ("{\"event\": \"purchase\", %s, \"when\": %s}",
                                                  criteria[c], edits[e].when);
        Fixture fresh = { fixture->store, aud_engine_new () };
        guint queries = _aud_engine_get_event_queries (fixture->engine, NULL);
        g_autofree char *members = members_at (fixture, match, NOW);
        g_autofree char *expected = members_at (&fresh, match, NOW);

        g_object_unref (fresh.engine);
        if (g_strcmp0 (members, expected) != 0)
          g_error ("%s: “%s” after the edits before it, “%s” from a new engine",
                   match, members, expected);
        g_assert_cmpuint (_aud_engine_get_event_queries (fixture->engine, NULL) - queries, ==,
                          edits[e].queries);
      }

  /* A cancelled read leaves what was kept: the next edit reads the same. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(AudSegment) segment = parse_match ("{\"event\": \"purchase\", "
                                                 "\"when\": {\"within_last_days\": 1}}");
    g_autoptr(AudSegment) wider = parse_match ("{\"event\": \"purchase\", "
                                               "\"when\": {\"within_last_days\": 400}}");
    g_autoptr(GError) error = NULL;
    g_autofree char *members = NULL;
    AudCount count;
    guint queries;

    g_assert_true (aud_engine_count (fixture->engine, fixture->store, segment, NOW, &count,
                                     NULL, &error));
    g_cancellable_cancel (cancellable);
    g_assert_false (aud_engine_count (fixture->engine, fixture->store, wider, NOW, &count,
                                      cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    queries = _aud_engine_get_event_queries (fixture->engine, NULL);
    members = members_at (fixture, "{\"event\": \"purchase\", "
                          "\"when\": {\"within_last_days\": 400}}", NOW);
    g_assert_cmpstr (members, ==, "c01,c02,c03,c06,c08");
    g_assert_cmpuint (_aud_engine_get_event_queries (fixture->engine, NULL) - queries, ==, 1);
  }
}

static void
test_engine_cache (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char *s1 = "{\"all\": [{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}, "
                   "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 30}}, "
                   "{\"field\": \"vip\", \"op\": \"is_true\"}]}";
  const char *s2 = "{\"all\": [{\"field\": \"country\", \"op\": \"eq\", \"value\": \"FR\"}, "
                   "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 30}}, "
                   "{\"field\": \"vip\", \"op\": \"is_true\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = parse_match (s1);
  g_autoptr(GPtrArray) steps = NULL;
  guint runs;

  g_assert_cmpint (count_of (fixture, s1), ==, 1);
  runs = aud_engine_get_leaf_runs (fixture->engine);
  g_assert_cmpuint (runs, ==, 3);

  /* Again: all from the cache. */
  g_assert_cmpint (count_of (fixture, s1), ==, 1);
  g_assert_cmpuint (aud_engine_get_leaf_runs (fixture->engine), ==, runs);

  /* One criterion edited: one leaf runs. */
  g_assert_cmpint (count_of (fixture, s2), ==, 0);
  g_assert_cmpuint (aud_engine_get_leaf_runs (fixture->engine), ==, runs + 1);

  /* The funnel is bitmap algebra over cached leaves. */
  steps = aud_engine_funnel (fixture->engine, fixture->store, segment, NOW, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aud_engine_get_leaf_runs (fixture->engine), ==, runs + 1);

  /* A criterion that does not depend on now stays cached across now; one
   * that does runs again. */
  {
    g_autoptr(AudSegment) later = parse_match (s1);
    AudCount count;

    g_assert_true (aud_engine_count (fixture->engine, fixture->store, later, NOW + 60, &count,
                                     NULL, &error));
    g_assert_cmpuint (aud_engine_get_leaf_runs (fixture->engine), ==, runs + 2);
  }

  /* New data: everything runs again. */
  {
    g_autoptr(AudField) country = aud_store_dup_field (fixture->store, AUD_SCOPE_CUSTOMER,
                                                       "country");
    g_autofree char *update = g_strdup_printf ("UPDATE customers SET %s = 'DE' WHERE id = 3",
                                               country->column);

    exec_sql (fixture->store, update);
  }
  g_assert_true (aud_store_bump_data_version (fixture->store, &error));
  g_assert_cmpint (count_of (fixture, "{\"field\": \"country\", \"op\": \"eq\", "
                             "\"value\": \"DE\"}"), ==, 4);

  /* Editing a count, an aggregate or the window of a first/last
   * occurrence reuses the per-customer figures of the events: no query. */
  {
    static const char * const edits[][3] = {
      { "{\"event\": \"purchase\", \"count\": {\"op\": \"ge\", \"value\": 2}}",
        "{\"event\": \"purchase\", \"count\": {\"op\": \"eq\", \"value\": 0}}",
        "{\"event\": \"purchase\"}" },
      { "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"sum\", \"property\": "
        "\"amount\", \"op\": \"gt\", \"value\": 20}}",
        "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"avg\", \"property\": "
        "\"amount\", \"op\": \"le\", \"value\": 20}}",
        "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"max\", \"property\": "
        "\"amount\", \"op\": \"between\", \"value\": [1, 20]}}" },
      { "{\"event\": \"purchase\", \"occurrence\": \"first\", \"when\": "
        "{\"within_last_days\": 30}}",
        "{\"event\": \"purchase\", \"occurrence\": \"last\", \"when\": "
        "{\"within_last_days\": 7}}",
        "{\"event\": \"purchase\", \"occurrence\": \"first\", \"when\": "
        "{\"more_than_days_ago\": 30}}" },
    };
    static const gint64 counts[][3] = { { 4, 5, 5 }, { 4, 2, 1 }, { 3, 3, 2 } };

    for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
      {
        guint queries = _aud_engine_get_event_queries (fixture->engine, NULL);

        for (guint j = 0; j < 3; j++)
          g_assert_cmpint (count_of (fixture, edits[i][j]), ==, counts[i][j]);
        g_assert_cmpuint (_aud_engine_get_event_queries (fixture->engine, NULL), ==, queries + 1);
      }
  }

  /* A bounded cache: beyond the limit, the least recently used go. */
  g_assert_cmpuint (aud_engine_get_cache_size (fixture->engine), >, 0);
  aud_engine_set_cache_limit (fixture->engine, 1);
  g_assert_cmpuint (aud_engine_get_cache_size (fixture->engine), ==, 0);
  runs = aud_engine_get_leaf_runs (fixture->engine);
  g_assert_cmpint (count_of (fixture, s1), ==, 1);
  g_assert_cmpint (count_of (fixture, s1), ==, 1);
  g_assert_cmpuint (aud_engine_get_leaf_runs (fixture->engine), ==, runs + 6);
  g_assert_cmpuint (aud_engine_get_cache_size (fixture->engine), ==, 0);

  /* A field rescaled (its stored values multiplied) within the same data
   * version gives no stale result. */
  aud_engine_set_cache_limit (fixture->engine, 64 * 1024 * 1024);
  {
    g_autoptr(AudField) spend = aud_store_dup_field (fixture->store, AUD_SCOPE_CUSTOMER, "spend");
    g_autoptr(AudField) amount = aud_store_dup_field (fixture->store, AUD_SCOPE_EVENT, "amount");
    const char *sum = "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"sum\", "
                      "\"property\": \"amount\", \"op\": \"eq\", \"value\": 1}}";
    const char *gt = "{\"field\": \"spend\", \"op\": \"gt\", \"value\": 500}";

    g_assert_cmpint (count_of (fixture, gt), ==, 3);
    g_assert_cmpint (count_of (fixture, sum), ==, 1);
    g_assert_true (aud_store_rescale_field (fixture->store, spend, 5, &error));
    g_assert_true (aud_store_rescale_field (fixture->store, amount, 4, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count_of (fixture, gt), ==, 3);
    g_assert_cmpint (count_of (fixture, "{\"field\": \"spend\", \"op\": \"eq\", "
                               "\"value\": 500.01}"), ==, 1);
    g_assert_cmpint (count_of (fixture, sum), ==, 1);
  }
}

static void
test_engine_invalid_values (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(AudSegment) segment = parse_match ("{\"all\": [{\"field\": \"visits\", \"op\": \"gt\", "
                                               "\"value\": \"many\"}]}");
  g_autoptr(GError) error = NULL;
  AudCount count;

  g_assert_false (aud_engine_count (fixture->engine, fixture->store, segment, NOW, &count, NULL,
                                    &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "match.all[0]"));
}

/* Values without a zone, `today`, @hour and @weekday follow the workspace
 * time zone, not the process's (UTC here). */
static void
test_engine_time_zone (void)
{
  g_autoptr(AudStore) store = create_store ("time-zone.audiences");
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AudField) birth = NULL;
  g_autoptr(AudField) signup = NULL;
  g_autofree char *sql = NULL;
  Fixture fixture = { store, engine };
  /* 2024-06-15T02:00:00Z is Friday 2024-06-14 22:00 in New York (EDT). */
  gint64 now = NOW - 10 * 3600;
  gint64 login;

  if (!g_file_test ("/usr/share/zoneinfo/America/New_York", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no time zone data");
      return;
    }

  g_assert_true (aud_store_set_meta (store, "timezone", "America/New_York", &error));
  birth = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, "birth", AUD_FIELD_DATE,
                               AUD_ROLE_BIRTH_DATE, 0, &error);
  signup = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, "signup", AUD_FIELD_DATETIME,
                                AUD_ROLE_NONE, 0, &error);
  login = aud_store_intern_event_name (store, "login", &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("INSERT INTO customers (id, external_id, %s, %s) VALUES "
                         "(1, 'ny1', '2000-06-14', %" G_GINT64_FORMAT "), "
                         "(2, 'ny2', '2000-06-15', %" G_GINT64_FORMAT "), "
                         "(3, 'ny3', '2006-06-15', %" G_GINT64_FORMAT ")",
                         birth->column, signup->column,
                         now,                /* 06-14 22:00 local */
                         now - 23 * 3600,    /* 06-13 23:00 local */
                         now + 2 * 3600);    /* 06-15 00:00 local */
  exec_sql (store, sql);
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO events (customer, name, ts) VALUES (1, %" G_GINT64_FORMAT
                         ", %" G_GINT64_FORMAT "), (2, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                         login, now, login, now + 2 * 3600);
  exec_sql (store, sql);
  g_assert_true (aud_store_bump_data_version (store, &error));

  /* Today is 2024-06-14 there. */
  assert_members_at (&fixture, "{\"field\": \"birth\", \"op\": \"birthday_within_days\", "
                     "\"value\": 0}", now, "ny1");
  assert_members_at (&fixture, "{\"field\": \"birth\", \"op\": \"age_between\", "
                     "\"value\": [18, 99]}", now, "ny1,ny2");
  assert_members_at (&fixture, "{\"field\": \"signup\", \"op\": \"on\", "
                     "\"value\": \"2024-06-14\"}", now, "ny1");
  assert_members_at (&fixture, "{\"field\": \"signup\", \"op\": \"after\", "
                     "\"value\": \"2024-06-14\"}", now, "ny3");
  /* A value without a zone is read in the workspace zone. */
  assert_members_at (&fixture, "{\"field\": \"signup\", \"op\": \"before\", "
                     "\"value\": \"2024-06-14T22:00:00\"}", now, "ny2");
  assert_members_at (&fixture, "{\"event\": \"login\", \"where\": [{\"property\": \"@hour\", "
                     "\"op\": \"eq\", \"value\": 22}]}", now, "ny1");
  assert_members_at (&fixture, "{\"event\": \"login\", \"where\": [{\"property\": "
                     "\"@weekday\", \"op\": \"eq\", \"value\": 5}]}", now, "ny1");
  assert_members_at (&fixture, "{\"event\": \"login\", \"where\": [{\"property\": "
                     "\"@weekday\", \"op\": \"eq\", \"value\": 6}]}", now, "ny2");
  assert_members_at (&fixture, "{\"event\": \"login\", \"when\": {\"between\": "
                     "[\"2024-06-14\", \"2024-06-14\"]}}", now, "ny1");
}

/* --- cancellation ---------------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  guint         delay_ms;
  gint64        cancelled_at;
} Canceller;

static gpointer
cancel_later (gpointer data)
{
  Canceller *c = data;

  g_usleep (c->delay_ms * 1000);
  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);

  return NULL;
}

/* A workspace where a holdout bucket (SHA-256 of every id) takes seconds. */
static AudStore *
build_big_workspace (void)
{
  AudStore *store = create_store ("big.audiences");

  exec_sql (store,
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 600000) "
            "INSERT INTO customers (id, external_id) SELECT x, 'customer-' || x FROM n");
  return store;
}

static void
test_engine_cancel (void)
{
  g_autoptr(AudStore) store = build_big_workspace ();
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AudSegment) segment = parse_match ("{\"all\": [{\"bucket\": {\"from\": 0, \"to\": 9, "
                                               "\"salt\": \"slow\"}}]}");
  g_autoptr(GError) error = NULL;
  Canceller canceller = { cancellable, 30, 0 };
  GThread *thread;
  AudCount count;
  gint64 returned_at;
  gint64 start;

  /* Warm up: the list of all customers is read and cached first. */
  {
    g_autoptr(AudSegment) everyone = parse_match ("{\"all\": []}");

    g_assert_true (aud_engine_count (engine, store, everyone, NOW, &count, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count.count, ==, 600000);
  }

  thread = g_thread_new ("canceller", cancel_later, &canceller);
  start = g_get_monotonic_time ();
  g_assert_false (aud_engine_count (engine, store, segment, NOW, &count, cancellable, &error));
  returned_at = g_get_monotonic_time ();
  g_thread_join (thread);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (canceller.cancelled_at, >, 0);
  g_test_message ("returned %" G_GINT64_FORMAT " ms after the cancel, %" G_GINT64_FORMAT
                  " ms after the start", (returned_at - canceller.cancelled_at) / 1000,
                  (returned_at - start) / 1000);
  g_assert_cmpint (returned_at - canceller.cancelled_at, <, 100 * 1000);
  g_clear_error (&error);

  /* Nothing of the cancelled leaf was cached; the store works again. */
  g_assert_cmpuint (aud_engine_get_leaf_runs (engine), ==, 1);
  start = g_get_monotonic_time ();
  g_assert_true (aud_engine_count (engine, store, segment, NOW, &count, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("the whole count takes %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (aud_engine_get_leaf_runs (engine), ==, 2);
  g_assert_cmpint (count.total, ==, 600000);
  g_assert_cmpint (count.count, >, 50000);
  g_assert_cmpint (count.count, <, 70000);
}

typedef struct
{
  GMainLoop *loop;
  AudCount   count;
  GError    *error;
  gint64     finished_at;
} AsyncResult;

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncResult *r = user_data;

  aud_engine_count_finish (AUD_ENGINE (object), result, &r->count, &r->error);
  r->finished_at = g_get_monotonic_time ();
  g_main_loop_quit (r->loop);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_engine_async (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(AudSegment) segment = parse_match ("{\"any\": [{\"field\": \"country\", \"op\": \"eq\", "
                                               "\"value\": \"DE\"}, {\"event\": \"view\"}]}");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncResult r = { loop, { 0 }, NULL, 0 };

  aud_engine_count_async (fixture->engine, aud_store_get_path (fixture->store), segment, NOW,
                          NULL, count_cb, &r);
  g_main_loop_run (loop);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.count.count, ==, 5);
  g_assert_cmpint (r.count.total, ==, 10);
  g_assert_cmpfloat_with_epsilon (r.count.share, 0.5, 1e-12);
}

/* A worker connection kept for reuse follows a change of the workspace
 * time zone made on another connection. */
static void
test_engine_async_time_zone (void)
{
  g_autoptr(AudStore) store = create_store ("async-zone.audiences");
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(AudSegment) segment = parse_match ("{\"event\": \"login\", \"where\": "
                                               "[{\"property\": \"@hour\", \"op\": \"eq\", "
                                               "\"value\": 22}]}");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  AsyncResult r = { loop, { 0 }, NULL, 0 };
  gint64 login;

  if (!g_file_test ("/usr/share/zoneinfo/America/New_York", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no time zone data");
      return;
    }

  g_assert_true (aud_store_set_meta (store, "timezone", "America/New_York", &error));
  login = aud_store_intern_event_name (store, "login", &error);
  g_assert_no_error (error);
  exec_sql (store, "INSERT INTO customers (id, external_id) VALUES (1, 'a')");
  /* 02:00 UTC is 22:00 the day before in New York. */
  sql = g_strdup_printf ("INSERT INTO events (customer, name, ts) VALUES (1, %" G_GINT64_FORMAT
                         ", %" G_GINT64_FORMAT ")", login, NOW - 10 * 3600);
  exec_sql (store, sql);

  aud_engine_count_async (engine, aud_store_get_path (store), segment, NOW, NULL, count_cb, &r);
  g_main_loop_run (loop);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.count.count, ==, 1);

  g_assert_true (aud_store_set_meta (store, "timezone", "UTC", &error));
  aud_engine_count_async (engine, aud_store_get_path (store), segment, NOW, NULL, count_cb, &r);
  g_main_loop_run (loop);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.count.count, ==, 0);
}

static void
test_engine_async_cancel (void)
{
  g_autoptr(AudStore) store = build_big_workspace ();
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AudSegment) segment = parse_match ("{\"bucket\": {\"from\": 0, \"to\": 9, "
                                               "\"salt\": \"slow\"}}");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncResult r = { loop, { 0 }, NULL, 0 };
  gint64 cancelled_at;

  aud_engine_count_async (engine, aud_store_get_path (store), segment, NOW, cancellable,
                          count_cb, &r);
  g_timeout_add (50, cancel_cb, cancellable);
  g_main_loop_run (loop);
  cancelled_at = r.finished_at;

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancelled_at, >, 0);
  g_clear_error (&r.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)

  ADD ("/engine/text", test_engine_text);
  ADD ("/engine/numbers", test_engine_numbers);
  ADD ("/engine/dates", test_engine_dates);
  ADD ("/engine/age-and-birthdays", test_engine_age_and_birthdays);
  ADD ("/engine/booleans", test_engine_booleans);
  ADD ("/engine/complements", test_engine_complements);
  ADD ("/engine/events", test_engine_events);
  ADD ("/engine/near", test_engine_near);
  g_test_add_func ("/engine/near-without-coordinates", test_engine_near_without_coordinates);
  g_test_add_func ("/engine/time-zone", test_engine_time_zone);
  ADD ("/engine/bucket", test_engine_bucket);
  ADD ("/engine/segments", test_engine_segments);
  ADD ("/engine/disabled", test_engine_disabled);
  ADD ("/engine/funnel", test_engine_funnel);
  ADD ("/engine/overlap", test_engine_overlap);
  ADD ("/engine/combine", test_engine_combine);
  ADD ("/engine/sample", test_engine_sample);
  ADD ("/engine/explain", test_engine_explain);
  ADD ("/engine/explain-agrees", test_engine_explain_agrees);
  ADD ("/engine/cache", test_engine_cache);
  ADD ("/engine/window-edits", test_engine_window_edits);
  ADD ("/engine/invalid-values", test_engine_invalid_values);
  ADD ("/engine/async", test_engine_async);
  g_test_add_func ("/engine/async-time-zone", test_engine_async_time_zone);
  g_test_add_func ("/engine/cancel", test_engine_cancel);
  g_test_add_func ("/engine/async-cancel", test_engine_async_cancel);

#undef ADD

  return g_test_run ();
}
