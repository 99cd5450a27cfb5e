/* test-engine-property.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Random workspaces and random segments: every segment is evaluated by the
 * engine and by one plain SQL query written here, separately, as a naive
 * reading of SEGMENT-FORMAT.md (correlated subqueries, EXISTS, SQLite's
 * date functions, no bitmaps). The member sets must be equal.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "aud-engine-private.h"
#include "aud-segment.h"
#include "aud-store.h"

#define DAY 86400
#define N_CUSTOMERS 400
#define N_EVENTS 5000
#define N_SEGMENTS 400

/* Saturday 2024-06-15 12:00:00 UTC */
#define NOW G_GINT64_CONSTANT (1718452800)

static const char * const text_pool[] = {
  "München", "MÜNCHEN", "münchen", "Straße", "STRASSE", "strasse", "Caf\xc3\xa9", "Cafe\xcc\x81",
  "CAFÉ", "paris", "Paris", "PARIS", "new york", "São Paulo", "a_b%c", "x*y?z", "", "Ørsted",
  "İstanbul", "ǅemal",
};
static const char * const pattern_pool[] = {
  "^m", "n$", "ü", "[ae]", "^(paris|cafe)", "s{2}", "\\s", "^$", "é", "[%_*?]", "o.+o",
};
static const char * const category_pool[] = { "red", "Red", "RED", "blue", "green", "" };
static const char * const event_names[] = { "a", "b", "c" };

typedef enum
{
  PARAM_INT,
  PARAM_REAL,
  PARAM_TEXT,
} ParamType;

typedef struct
{
  ParamType  type;
  gint64     integer;
  double     real;
  char      *text;
} Param;

static void
param_free (gpointer data)
{
  Param *p = data;

  g_free (p->text);
  g_free (p);
}

/* A generated node: its JSON for the engine and its naive SQL predicate
 * (over `c`, a row of customers) with positional parameters. */
typedef struct
{
  GRand      *rand;
  GString    *sql;
  GPtrArray  *params;
  /* saved segments: names, predicates and their parameters */
  GPtrArray  *saved_names;
  GPtrArray  *saved_sql;
  GPtrArray  *saved_params;
  int         depth;
} Gen;

static void
add_int (Gen    *g,
         gint64  value)
{
  Param *p = g_new0 (Param, 1);

  p->type = PARAM_INT;
  p->integer = value;
  g_ptr_array_add (g->params, p);
  g_string_append (g->sql, "?");
}

static void
add_real (Gen    *g,
          double  value)
{
  Param *p = g_new0 (Param, 1);

  p->type = PARAM_REAL;
  p->real = value;
  g_ptr_array_add (g->params, p);
  g_string_append (g->sql, "?");
}

static void
add_text (Gen        *g,
          const char *value)
{
  Param *p = g_new0 (Param, 1);

  p->type = PARAM_TEXT;
  p->text = g_strdup (value);
  g_ptr_array_add (g->params, p);
  g_string_append (g->sql, "?");
}

static int
pick (Gen *g,
      int  n)
{
  return g_rand_int_range (g->rand, 0, n);
}

static gboolean
chance (Gen    *g,
        double  p)
{
  return g_rand_double (g->rand) < p;
}

/* --- SQL functions of the naive queries, written independently ---------- */

static void
test_fold_func (sqlite3_context *ctx,
                int              argc,
                sqlite3_value  **argv)
{
  g_autofree char *folded = NULL;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  folded = g_utf8_casefold ((const char *)sqlite3_value_text (argv[0]), -1);
  sqlite3_result_text (ctx, g_utf8_normalize (folded, -1, G_NORMALIZE_NFC), -1, g_free);
}

static void
test_affix_func (sqlite3_context *ctx,
                 int              argc,
                 sqlite3_value  **argv)
{
  const char *text = (const char *)sqlite3_value_text (argv[0]);
  const char *affix = (const char *)sqlite3_value_text (argv[1]);
  gboolean suffix = GPOINTER_TO_INT (sqlite3_user_data (ctx));

  if (text == NULL || affix == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  sqlite3_result_int (ctx, suffix ? g_str_has_suffix (text, affix) : g_str_has_prefix (text, affix));
}

static void
test_regex_func (sqlite3_context *ctx,
                 int              argc,
                 sqlite3_value  **argv)
{
  const char *pattern = (const char *)sqlite3_value_text (argv[0]);
  const char *text = (const char *)sqlite3_value_text (argv[1]);

  if (text == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  sqlite3_result_int (ctx, g_regex_match_simple (pattern, text,
                                                 sqlite3_value_int (argv[2]) ? G_REGEX_CASELESS : 0,
                                                 0));
}

static void
test_bucket_func (sqlite3_context *ctx,
                  int              argc,
                  sqlite3_value  **argv)
{
  g_autofree char *input = g_strdup_printf ("%s:%s", sqlite3_value_text (argv[0]),
                                            sqlite3_value_text (argv[1]));
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, input, -1);
  char head[9] = { 0 };

  memcpy (head, hex, 8);
  sqlite3_result_int (ctx, (int)(g_ascii_strtoull (head, NULL, 16) % 100));
}

/* Days from @today to the next anniversary of @date (both YYYY-MM-DD); a
 * 29 February falls on 1 March in common years. */
static void
test_birthday_func (sqlite3_context *ctx,
                    int              argc,
                    sqlite3_value  **argv)
{
  const char *date = (const char *)sqlite3_value_text (argv[0]);
  const char *today = (const char *)sqlite3_value_text (argv[1]);
  int ty, tm, td, m, d;

  if (date == NULL || strlen (date) != 10)
    {
      sqlite3_result_null (ctx);
      return;
    }

  sscanf (today, "%d-%d-%d", &ty, &tm, &td);
  sscanf (date + 5, "%d-%d", &m, &d);

  for (int year = ty; year <= ty + 1; year++)
    {
      GDate t, a;
      int am = m, ad = d;

      if (m == 2 && d == 29 && !g_date_is_leap_year (year))
        am = 3, ad = 1;

      g_date_clear (&t, 1);
      g_date_clear (&a, 1);
      g_date_set_dmy (&t, td, tm, ty);
      g_date_set_dmy (&a, ad, am, year);
      if (g_date_compare (&a, &t) >= 0)
        {
          sqlite3_result_int (ctx, g_date_days_between (&t, &a));
          return;
        }
    }

  sqlite3_result_null (ctx);
}

static void
register_test_functions (AudStore *store)
{
  sqlite3 *db = aud_store_get_db (store);

  sqlite3_create_function (db, "test_fold", 1, SQLITE_UTF8, NULL, test_fold_func, NULL, NULL);
  sqlite3_create_function (db, "test_prefix", 2, SQLITE_UTF8, GINT_TO_POINTER (0),
                           test_affix_func, NULL, NULL);
  sqlite3_create_function (db, "test_suffix", 2, SQLITE_UTF8, GINT_TO_POINTER (1),
                           test_affix_func, NULL, NULL);
  sqlite3_create_function (db, "test_regex", 3, SQLITE_UTF8, NULL, test_regex_func, NULL, NULL);
  sqlite3_create_function (db, "test_bucket", 2, SQLITE_UTF8, NULL, test_bucket_func, NULL, NULL);
  sqlite3_create_function (db, "test_birthday", 2, SQLITE_UTF8, NULL, test_birthday_func, NULL,
                           NULL);
}

/* --- the random workspace ------------------------------------------------ */

static char *
random_date (GRand *rand)
{
  int y = g_rand_int_range (rand, 1940, 2026);
  int m = g_rand_int_range (rand, 1, 13);
  int d = g_rand_int_range (rand, 1, 29);

  /* Plenty of leap days and days close to today. */
  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      return g_strdup_printf ("%04d-02-29", 4 * g_rand_int_range (rand, 485, 506));
    case 1:
      return g_strdup_printf ("%04d-06-%02d", y, g_rand_int_range (rand, 10, 21));
    case 2:
      return g_strdup_printf ("%04d-03-01", y);
    default:
      return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
    }
}

static gint64
random_time (GRand *rand)
{
  /* Exact day boundaries before now are common. */
  if (g_rand_int_range (rand, 0, 3) == 0)
    return NOW - (gint64)g_rand_int_range (rand, 0, 200) * DAY - g_rand_int_range (rand, -1, 2);

  return NOW + g_rand_int_range (rand, -200 * DAY, 10 * DAY);
}

static void
exec_sql (AudStore   *store,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  aud_store_exec (store, sql, &error);
  g_assert_no_error (error);
}

/* With @scan, property pc is free text, which the (name, ts) index does not
 * hold: criteria on it read the events' rows; and no value lists are saved,
 * so field values and coordinates are read from the customers table. */
static AudStore *
build_random_workspace (GRand    *rand,
                        gboolean  scan)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "random.audiences", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  AudStore *store;
  AudFieldType types[] = { AUD_FIELD_TEXT, AUD_FIELD_CATEGORY, AUD_FIELD_INTEGER,
                           AUD_FIELD_DECIMAL, AUD_FIELD_DATE, AUD_FIELD_DATETIME,
                           AUD_FIELD_BOOLEAN, AUD_FIELD_DECIMAL, AUD_FIELD_DECIMAL };
  const char *names[] = { "t", "cat", "n", "d", "bd", "dt", "b", "lat", "lon" };
  AudFieldRole roles[] = { AUD_ROLE_NONE, AUD_ROLE_NONE, AUD_ROLE_NONE, AUD_ROLE_NONE,
                           AUD_ROLE_BIRTH_DATE, AUD_ROLE_NONE, AUD_ROLE_NONE, AUD_ROLE_LATITUDE,
                           AUD_ROLE_LONGITUDE };
  guint scales[] = { 0, 0, 0, 2, 0, 0, 0, 6, 6 };

  g_unlink (path);
  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AudField) field = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, names[i],
                                                       types[i], roles[i], scales[i], &error);
      g_assert_no_error (error);
      /* The test's SQL names columns by field name through views below. */
    }

  for (guint i = 0; i < 3; i++)
    {
      const char *props[] = { "pa", "pc", "pi" };
      AudFieldType ptypes[] = { AUD_FIELD_DECIMAL,
                                scan ? AUD_FIELD_TEXT : AUD_FIELD_CATEGORY,
                                AUD_FIELD_INTEGER };
      g_autoptr(AudField) field = aud_store_add_field (store, AUD_SCOPE_EVENT, props[i],
                                                       ptypes[i], AUD_ROLE_NONE,
                                                       i == 0 ? 2 : 0, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (event_names); i++)
    {
      aud_store_intern_event_name (store, event_names[i], &error);
      g_assert_no_error (error);
    }

  g_assert_true (aud_store_begin (store, &error));

  /* Views naming the generated columns, for the naive queries. */
  {
    g_autoptr(GString) view = g_string_new ("CREATE TEMP VIEW cv AS SELECT id, external_id");
    g_autoptr(GString) eview = g_string_new ("CREATE TEMP VIEW ev AS SELECT id, customer, name, ts");
    g_autoptr(GPtrArray) fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
    g_autoptr(GPtrArray) props = aud_store_list_fields (store, AUD_SCOPE_EVENT);

    for (guint i = 0; i < fields->len; i++)
      {
        AudField *f = g_ptr_array_index (fields, i);
        g_string_append_printf (view, ", %s AS %s", f->column, f->name);
      }
    for (guint i = 0; i < props->len; i++)
      {
        AudField *f = g_ptr_array_index (props, i);
        g_string_append_printf (eview, ", %s AS %s", f->column, f->name);
      }
    g_string_append (view, " FROM customers");
    g_string_append (eview, " FROM events");
    exec_sql (store, view->str);
    exec_sql (store, eview->str);
  }

  /* Customers: id, external id, then the fields in catalog order. */
  {
    g_autoptr(GPtrArray) fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
    g_autoptr(GString) sql = g_string_new ("INSERT INTO customers (id, external_id");

    for (guint i = 0; i < fields->len; i++)
      g_string_append_printf (sql, ", %s", ((AudField *)g_ptr_array_index (fields, i))->column);
    g_string_append (sql, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    stmt = aud_store_prepare (store, sql->str, &error);
    g_assert_no_error (error);
  }
  for (int i = 1; i <= N_CUSTOMERS; i++)
    {
      g_autofree char *id = g_strdup_printf ("u%03d", i);
      g_autofree char *date = random_date (rand);

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      if (g_rand_int_range (rand, 0, 8) != 0)
        sqlite3_bind_text (stmt, 3, text_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (text_pool))],
                           -1, SQLITE_STATIC);
      if (g_rand_int_range (rand, 0, 8) != 0)
        sqlite3_bind_text (stmt, 4,
                           category_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (category_pool))],
                           -1, SQLITE_STATIC);
      if (g_rand_int_range (rand, 0, 8) != 0)
        sqlite3_bind_int (stmt, 5, g_rand_int_range (rand, -5, 21));
      if (g_rand_int_range (rand, 0, 8) != 0)
        sqlite3_bind_int (stmt, 6, g_rand_int_range (rand, -1000, 100001));
      if (g_rand_int_range (rand, 0, 8) != 0)
        sqlite3_bind_text (stmt, 7, date, -1, SQLITE_TRANSIENT);
      if (g_rand_int_range (rand, 0, 8) != 0)
        sqlite3_bind_int64 (stmt, 8, random_time (rand));
      if (g_rand_int_range (rand, 0, 4) != 0)
        sqlite3_bind_int (stmt, 9, g_rand_int_range (rand, 0, 2));
      if (g_rand_int_range (rand, 0, 6) != 0)
        {
          /* Around 48 N 10 E, a few degrees either way. */
          sqlite3_bind_int64 (stmt, 10, 48000000 + g_rand_int_range (rand, -3000000, 3000000));
          sqlite3_bind_int64 (stmt, 11, 10000000 + g_rand_int_range (rand, -4000000, 4000000));
        }
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  {
    g_autoptr(GPtrArray) props = aud_store_list_fields (store, AUD_SCOPE_EVENT);
    g_autofree char *sql = g_strdup_printf ("INSERT INTO events (customer, customer_key, name, ts, "
                                            "%s, %s, %s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                            ((AudField *)g_ptr_array_index (props, 0))->column,
                                            ((AudField *)g_ptr_array_index (props, 1))->column,
                                            ((AudField *)g_ptr_array_index (props, 2))->column);

    stmt = aud_store_prepare (store, sql, &error);
    g_assert_no_error (error);
  }
  for (int i = 0; i < N_EVENTS; i++)
    {
      int customer = g_rand_int_range (rand, 0, N_CUSTOMERS * 3 / 4);

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (g_rand_int_range (rand, 0, 12) == 0)
        sqlite3_bind_text (stmt, 2, "stranger", -1, SQLITE_STATIC);
      else
        sqlite3_bind_int (stmt, 1, customer + 1);
      sqlite3_bind_int (stmt, 3, g_rand_int_range (rand, 1, 4));
      sqlite3_bind_int64 (stmt, 4, random_time (rand));
      if (g_rand_int_range (rand, 0, 5) != 0)
        sqlite3_bind_int (stmt, 5, g_rand_int_range (rand, 0, 3) == 0 ? 10 :
                                   g_rand_int_range (rand, -500, 20001));
      if (g_rand_int_range (rand, 0, 5) != 0)
        sqlite3_bind_text (stmt, 6,
                           category_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (category_pool))],
                           -1, SQLITE_STATIC);
      if (g_rand_int_range (rand, 0, 5) != 0)
        sqlite3_bind_int (stmt, 7, g_rand_int_range (rand, 0, 6));
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    }

  /* As the importer leaves it: the properties in the (name, ts) index. */
  g_assert_true (aud_store_create_event_indexes (store, &error));
  g_assert_no_error (error);
  g_assert_true (aud_store_bump_data_version (store, &error));
  /* As an import leaves it: the value lists and coordinates saved (read
   * from the customers table instead in the scan variant). */
  if (!scan)
    g_assert_true (aud_engine_update_value_lists (store, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (aud_store_commit (store, &error));

  register_test_functions (store);

  return store;
}

/* --- random criteria: JSON and naive SQL side by side --------------------- */

static JsonNode *
json_string (const char *s)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, s);
  return node;
}

static JsonNode *
json_int (gint64 v)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, v);
  return node;
}

/* A number with up to three decimals, as a JSON string "12.345"; *milli is
 * its value times 1000. */
static JsonNode *
random_decimal (Gen    *g,
                gint64  low_cents,
                gint64  high_cents,
                gint64 *milli)
{
  gint64 cents = g_rand_int_range (g->rand, (gint32)low_cents, (gint32)high_cents + 1);
  g_autofree char *text = NULL;

  *milli = cents * 10;
  if (chance (g, 0.3))
    *milli += g_rand_int_range (g->rand, 1, 10);   /* a third decimal */

  text = g_strdup_printf ("%s%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT, *milli < 0 ? "-" : "",
                          ABS (*milli) / 1000, ABS (*milli) % 1000);
  return json_string (text);
}

static void
append_date_literal (Gen        *g,
                     const char *date)
{
  add_text (g, date);
}

/* Today, as the naive queries compute it. */
#define TODAY "date(" G_STRINGIFY (1718452800) ", 'unixepoch')"

/* A condition on @col (an SQL expression of type @type): sets the JSON
 * members "op" and "value" in @object and appends a 0/1 SQL expression. */
static void
gen_condition (Gen          *g,
               JsonObject   *object,
               const char   *col,
               AudFieldType  type,
               guint         scale)
{
  static const char * const text_ops[] = { "blank", "not_blank", "eq", "ne", "in", "not_in",
                                            "contains", "not_contains", "starts_with",
                                            "ends_with", "matches" };
  static const char * const number_ops[] = { "blank", "not_blank", "eq", "ne", "lt", "le", "gt",
                                              "ge", "between", "in", "not_in" };
  static const char * const date_ops[] = { "blank", "not_blank", "before", "after", "on",
                                            "between", "within_last_days", "more_than_days_ago",
                                            "within_next_days", "age_between",
                                            "birthday_within_days" };
  static const char * const bool_ops[] = { "blank", "not_blank", "is_true", "is_false" };
  gboolean text = type == AUD_FIELD_TEXT || type == AUD_FIELD_CATEGORY;
  gboolean textual_storage = text || type == AUD_FIELD_DATE;
  const char *op;
  g_autofree char *blank = textual_storage ?
                           g_strdup_printf ("(%s IS NULL OR %s = '')", col, col) :
                           g_strdup_printf ("(%s IS NULL)", col);

  switch (type)
    {
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
      op = text_ops[pick (g, G_N_ELEMENTS (text_ops))];
      break;
    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DECIMAL:
      op = number_ops[pick (g, G_N_ELEMENTS (number_ops))];
      break;
    case AUD_FIELD_DATE:
    case AUD_FIELD_DATETIME:
      op = date_ops[pick (g, G_N_ELEMENTS (date_ops))];
      break;
    case AUD_FIELD_BOOLEAN:
    default:
      op = bool_ops[pick (g, G_N_ELEMENTS (bool_ops))];
      break;
    }

  json_object_set_string_member (object, "op", op);

  if (g_str_equal (op, "blank"))
    {
      g_string_append_printf (g->sql, "(CASE WHEN %s THEN 1 ELSE 0 END)", blank);
      return;
    }
  if (g_str_equal (op, "not_blank"))
    {
      g_string_append_printf (g->sql, "(CASE WHEN %s THEN 0 ELSE 1 END)", blank);
      return;
    }

  /* Negative operators: the complement of the positive twin. */
  if (g_str_equal (op, "ne") || g_str_equal (op, "not_in") || g_str_equal (op, "not_contains"))
    g_string_append (g->sql, "(1 - ");

  g_string_append_printf (g->sql, "(CASE WHEN NOT %s AND (", blank);

  if (text)
    {
      gboolean sensitive = chance (g, 0.2);
      g_autofree char *subject = sensitive ? g_strdup (col) : g_strdup_printf ("test_fold(%s)", col);
      const char *fold = sensitive ? "" : "test_fold";

      if (sensitive)
        json_object_set_boolean_member (object, "case_sensitive", TRUE);

      if (g_str_equal (op, "in") || g_str_equal (op, "not_in"))
        {
          JsonArray *array = json_array_new ();
          int n = pick (g, 4);

          g_string_append (g->sql, "0");
          for (int i = 0; i < n; i++)
            {
              const char *v = type == AUD_FIELD_CATEGORY ?
                              category_pool[pick (g, G_N_ELEMENTS (category_pool))] :
                              text_pool[pick (g, G_N_ELEMENTS (text_pool))];

              json_array_add_string_element (array, v);
              g_string_append_printf (g->sql, " OR %s = %s(", subject, fold);
              add_text (g, v);
              g_string_append (g->sql, ")");
            }
          json_object_set_array_member (object, "value", array);
        }
      else if (g_str_equal (op, "matches"))
        {
          const char *pattern = pattern_pool[pick (g, G_N_ELEMENTS (pattern_pool))];

          json_object_set_string_member (object, "value", pattern);
          g_string_append (g->sql, "test_regex(");
          add_text (g, pattern);
          g_string_append_printf (g->sql, ", %s, %d)", col, !sensitive);
        }
      else
        {
          const char *v;

          if (chance (g, 0.5))
            v = type == AUD_FIELD_CATEGORY ?
                category_pool[pick (g, G_N_ELEMENTS (category_pool))] :
                text_pool[pick (g, G_N_ELEMENTS (text_pool))];
          else
            {
              static const char * const pieces[] = { "m", "ü", "ss", "ß", "é", "e\xcc\x81", "a",
                                                      "_", "%", "*", "R", "", "CH", "is" };
              v = pieces[pick (g, G_N_ELEMENTS (pieces))];
            }

          json_object_set_string_member (object, "value", v);
          if (g_str_equal (op, "eq") || g_str_equal (op, "ne"))
            g_string_append_printf (g->sql, "%s = %s(", subject, fold);
          else if (g_str_equal (op, "contains") || g_str_equal (op, "not_contains"))
            g_string_append_printf (g->sql, "instr(%s, %s(", subject, fold);
          else
            g_string_append_printf (g->sql, "%s(%s, %s(",
                                    g_str_equal (op, "starts_with") ? "test_prefix" : "test_suffix",
                                    subject, fold);
          add_text (g, v);
          g_string_append (g->sql, g_str_equal (op, "eq") || g_str_equal (op, "ne") ? ")" :
                                   g_str_equal (op, "contains") || g_str_equal (op, "not_contains") ?
                                   ")) > 0" : "))");
        }
    }
  else if (type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL)
    {
      g_autofree char *value = type == AUD_FIELD_DECIMAL ?
                               g_strdup_printf ("(%s / 100.0)", col) : g_strdup (col);
      int n = g_str_equal (op, "between") ? 2 : g_str_equal (op, "in") ||
              g_str_equal (op, "not_in") ? pick (g, 4) : 1;
      JsonArray *array = n != 1 || g_str_equal (op, "in") || g_str_equal (op, "not_in") ?
                         json_array_new () : NULL;
      const char *sql_op = g_str_equal (op, "lt") ? "<" : g_str_equal (op, "le") ? "<=" :
                           g_str_equal (op, "gt") ? ">" : g_str_equal (op, "ge") ? ">=" : "=";

      if (array != NULL && !g_str_equal (op, "between"))
        g_string_append (g->sql, "0");

      for (int i = 0; i < n; i++)
        {
          JsonNode *v;
          double real;

          if (type == AUD_FIELD_DECIMAL)
            {
              gint64 milli;

              v = random_decimal (g, -1000, 100000, &milli);
              real = milli / 1000.0;
            }
          else
            {
              gint64 k = g_rand_int_range (g->rand, -6, 22);

              v = json_int (k);
              real = k;
            }

          if (array != NULL)
            json_array_add_element (array, v);
          else
            json_object_set_member (object, "value", v);

          if (g_str_equal (op, "between"))
            g_string_append_printf (g->sql, i == 0 ? "%s >= " : " AND %s <= ", value);
          else if (array != NULL)
            g_string_append_printf (g->sql, " OR %s = ", value);
          else
            g_string_append_printf (g->sql, "%s %s ", value, sql_op);
          add_real (g, real);
        }

      if (array != NULL)
        {
          /* between with low > high is refused by the model: sort. */
          if (g_str_equal (op, "between"))
            {
              JsonNode *a = json_array_get_element (array, 0);
              JsonNode *b = json_array_get_element (array, 1);
              Param *pa = g_ptr_array_index (g->params, g->params->len - 2);
              Param *pb = g_ptr_array_index (g->params, g->params->len - 1);

              if (pa->real > pb->real)
                {
                  double t = pa->real;
                  JsonArray *swapped = json_array_new ();

                  pa->real = pb->real;
                  pb->real = t;
                  json_array_add_element (swapped, json_node_copy (b));
                  json_array_add_element (swapped, json_node_copy (a));
                  json_array_unref (array);
                  array = swapped;
                }
            }
          json_object_set_array_member (object, "value", array);
        }
    }
  else if (type == AUD_FIELD_DATE || type == AUD_FIELD_DATETIME)
    {
      /* Dates of a date-time are its UTC date (the workspace zone is UTC). */
      g_autofree char *date = type == AUD_FIELD_DATE ? g_strdup (col) :
                              g_strdup_printf ("date(%s, 'unixepoch')", col);
      gboolean days_op = g_str_equal (op, "within_last_days") ||
                         g_str_equal (op, "more_than_days_ago") ||
                         g_str_equal (op, "within_next_days") ||
                         g_str_equal (op, "birthday_within_days");

      if (days_op)
        {
          gint64 n = chance (g, 0.1) ? 0 : g_rand_int_range (g->rand, 0, 400);

          json_object_set_int_member (object, "value", n);

          if (g_str_equal (op, "birthday_within_days"))
            {
              g_string_append_printf (g->sql, "test_birthday(%s, %s) <= ", date, TODAY);
              add_int (g, n);
            }
          else if (type == AUD_FIELD_DATE)
            {
              if (g_str_equal (op, "within_last_days"))
                g_string_append_printf (g->sql, "%s <= %s AND %s >= date(%s, '-' || ", col, TODAY,
                                        col, TODAY);
              else if (g_str_equal (op, "more_than_days_ago"))
                g_string_append_printf (g->sql, "%s < date(%s, '-' || ", col, TODAY);
              else
                g_string_append_printf (g->sql, "%s >= %s AND %s <= date(%s, '+' || ", col, TODAY,
                                        col, TODAY);
              add_int (g, n);
              g_string_append (g->sql, " || ' days')");
            }
          else
            {
              if (g_str_equal (op, "within_last_days"))
                g_string_append_printf (g->sql, "%s <= %" G_GINT64_FORMAT " AND %s >= %"
                                        G_GINT64_FORMAT " - 86400 * ", col, NOW, col, NOW);
              else if (g_str_equal (op, "more_than_days_ago"))
                g_string_append_printf (g->sql, "%s < %" G_GINT64_FORMAT " - 86400 * ", col, NOW);
              else
                g_string_append_printf (g->sql, "%s >= %" G_GINT64_FORMAT " AND %s <= %"
                                        G_GINT64_FORMAT " + 86400 * ", col, NOW, col, NOW);
              add_int (g, n);
            }
        }
      else if (g_str_equal (op, "age_between"))
        {
          gint64 lo = g_rand_int_range (g->rand, 0, 90);
          gint64 hi = lo + g_rand_int_range (g->rand, 0, 20);
          JsonArray *array = json_array_new ();

          json_array_add_int_element (array, lo);
          json_array_add_int_element (array, hi);
          json_object_set_array_member (object, "value", array);
          g_string_append_printf (g->sql, "(CAST(strftime('%%Y', %s) AS INTEGER) - "
                                  "CAST(substr(%s, 1, 4) AS INTEGER) - "
                                  "(strftime('%%m-%%d', %s) < substr(%s, 6, 5))) BETWEEN ",
                                  TODAY, date, TODAY, date);
          add_int (g, lo);
          g_string_append (g->sql, " AND ");
          add_int (g, hi);
        }
      else
        {
          g_autofree char *a = random_date (g->rand);
          g_autofree char *b = random_date (g->rand);
          gint64 ts_a = 0;
          gboolean with_time = type == AUD_FIELD_DATETIME && chance (g, 0.4);

          if (with_time)
            {
              g_autoptr(GDateTime) dt = NULL;

              ts_a = random_time (g->rand);
              dt = g_date_time_new_from_unix_utc (ts_a);
              g_free (a);
              a = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
            }

          if (g_str_equal (op, "between"))
            {
              JsonArray *array = json_array_new ();

              if (with_time)
                {
                  g_autoptr(GDateTime) dt = NULL;
                  gint64 ts_b = ts_a + g_rand_int_range (g->rand, 0, 60 * DAY);

                  dt = g_date_time_new_from_unix_utc (ts_b);
                  g_free (b);
                  b = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
                  g_string_append_printf (g->sql, "%s >= ", col);
                  add_int (g, ts_a);
                  g_string_append_printf (g->sql, " AND %s <= ", col);
                  add_int (g, ts_b);
                }
              else
                {
                  if (strcmp (a, b) > 0)
                    {
                      char *t = a;
                      a = b;
                      b = t;
                    }
                  if (type == AUD_FIELD_DATE)
                    {
                      g_string_append_printf (g->sql, "%s >= ", col);
                      append_date_literal (g, a);
                      g_string_append_printf (g->sql, " AND %s <= ", col);
                      append_date_literal (g, b);
                    }
                  else
                    {
                      g_string_append_printf (g->sql, "%s >= CAST(strftime('%%s', ", col);
                      append_date_literal (g, a);
                      g_string_append_printf (g->sql, ") AS INTEGER) AND %s < "
                                              "CAST(strftime('%%s', ", col);
                      append_date_literal (g, b);
                      g_string_append (g->sql, ", '+1 day') AS INTEGER)");
                    }
                }
              json_array_add_string_element (array, a);
              json_array_add_string_element (array, b);
              json_object_set_array_member (object, "value", array);
            }
          else
            {
              const char *sql_op = g_str_equal (op, "before") ? "<" :
                                   g_str_equal (op, "after") ? ">" : "=";

              json_object_set_string_member (object, "value", a);
              if (type == AUD_FIELD_DATE)
                {
                  g_string_append_printf (g->sql, "%s %s ", col, sql_op);
                  append_date_literal (g, a);
                }
              else if (with_time && !g_str_equal (op, "on"))
                {
                  g_string_append_printf (g->sql, "%s %s ", col, sql_op);
                  add_int (g, ts_a);
                }
              else
                {
                  /* A date (or the date of a time, for "on"): whole days. */
                  g_string_append_printf (g->sql, "%s %s date(", date, sql_op);
                  append_date_literal (g, a);
                  g_string_append (g->sql, ")");
                }
            }
        }
    }
  else
    {
      json_object_set_null_member (object, "value");
      json_object_remove_member (object, "value");
      g_string_append_printf (g->sql, "%s = %d", col, g_str_equal (op, "is_true"));
    }

  g_string_append (g->sql, ") THEN 1 ELSE 0 END)");

  if (g_str_equal (op, "ne") || g_str_equal (op, "not_in") || g_str_equal (op, "not_contains"))
    g_string_append (g->sql, ")");
}

static JsonNode *gen_node (Gen *g);

static JsonNode *
gen_field (Gen *g)
{
  static const struct { const char *name; AudFieldType type; } fields[] = {
    { "t", AUD_FIELD_TEXT }, { "cat", AUD_FIELD_CATEGORY }, { "n", AUD_FIELD_INTEGER },
    { "d", AUD_FIELD_DECIMAL }, { "bd", AUD_FIELD_DATE }, { "dt", AUD_FIELD_DATETIME },
    { "b", AUD_FIELD_BOOLEAN },
  };
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  int f = pick (g, G_N_ELEMENTS (fields));
  g_autofree char *col = g_strdup_printf ("c.%s", fields[f].name);

  json_object_set_string_member (object, "field", fields[f].name);
  gen_condition (g, object, col, fields[f].type, fields[f].type == AUD_FIELD_DECIMAL ? 2 : 0);
  json_node_take_object (node, object);

  return node;
}

static void
gen_count_op (Gen        *g,
              JsonObject *object,
              const char *subquery)
{
  static const char * const ops[] = { "ge", "gt", "le", "lt", "eq", "between" };
  const char *op = ops[pick (g, G_N_ELEMENTS (ops))];
  JsonObject *count = json_object_new ();
  gint64 a = pick (g, 4);
  gint64 b = a + pick (g, 3);

  json_object_set_string_member (count, "op", op);
  if (g_str_equal (op, "between"))
    {
      JsonArray *array = json_array_new ();

      json_array_add_int_element (array, a);
      json_array_add_int_element (array, b);
      json_object_set_array_member (count, "value", array);
      g_string_append_printf (g->sql, "(CASE WHEN (%s) BETWEEN %" G_GINT64_FORMAT " AND %"
                              G_GINT64_FORMAT " THEN 1 ELSE 0 END)", subquery, a, b);
    }
  else
    {
      const char *sql_op = g_str_equal (op, "ge") ? ">=" : g_str_equal (op, "gt") ? ">" :
                           g_str_equal (op, "le") ? "<=" : g_str_equal (op, "lt") ? "<" : "=";

      json_object_set_int_member (count, "value", a);
      g_string_append_printf (g->sql, "(CASE WHEN (%s) %s %" G_GINT64_FORMAT
                              " THEN 1 ELSE 0 END)", subquery, sql_op, a);
    }

  json_object_set_object_member (object, "count", count);
}

static JsonNode *
gen_event (Gen *g)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GString) filter = g_string_new ("e.customer = c.id");
  g_autoptr(GString) window = g_string_new (NULL);
  g_autoptr(GString) saved_sql = NULL;
  g_autoptr(GPtrArray) saved_params = NULL;
  g_autoptr(GPtrArray) filter_params = g_ptr_array_new_with_free_func (param_free);
  int names = pick (g, 4);
  int mode = pick (g, 5);      /* 0 exists, 1 count, 2 distinct, 3 aggregate, 4 occurrence */
  int when = pick (g, 4);      /* 0 always, 1 within_last_days, 2 more_than_days_ago, 3 between */
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;

  if (mode == 4 && when == 0)
    when = 1 + pick (g, 3);

  /* The filter is built in its own buffer: it is used in several places. */
  saved_sql = g_steal_pointer (&g->sql);
  saved_params = g_steal_pointer (&g->params);
  g->sql = g_string_new (NULL);
  g->params = g_ptr_array_new_with_free_func (param_free);

  if (names == 0)
    json_object_set_string_member (object, "event", "*");
  else if (names == 1)
    {
      const char *name = event_names[pick (g, 3)];

      json_object_set_string_member (object, "event", name);
      g_string_append (g->sql, " AND e.name = (SELECT id FROM event_names WHERE name = ");
      add_text (g, name);
      g_string_append (g->sql, ")");
    }
  else
    {
      JsonArray *array = json_array_new ();
      int first = pick (g, 3);

      g_string_append (g->sql, " AND e.name IN (SELECT id FROM event_names WHERE name IN (");
      for (int i = 0; i < names; i++)
        {
          const char *name = event_names[(first + i) % 3];

          json_array_add_string_element (array, name);
          if (i > 0)
            g_string_append (g->sql, ", ");
          add_text (g, name);
        }
      g_string_append (g->sql, "))");
      json_object_set_array_member (object, "event", array);
    }

  if (chance (g, 0.5))
    {
      static const struct { const char *name; AudFieldType type; const char *expr; } props[] = {
        { "pa", AUD_FIELD_DECIMAL, "e.pa" }, { "pc", AUD_FIELD_CATEGORY, "e.pc" },
        { "pi", AUD_FIELD_INTEGER, "e.pi" },
        { "@hour", AUD_FIELD_INTEGER, "CAST(strftime('%H', e.ts, 'unixepoch') AS INTEGER)" },
        { "@weekday", AUD_FIELD_INTEGER,
          "((CAST(strftime('%w', e.ts, 'unixepoch') AS INTEGER) + 6) % 7 + 1)" },
      };
      JsonArray *where = json_array_new ();
      int n = 1 + pick (g, 2);

      for (int i = 0; i < n; i++)
        {
          JsonObject *cond = json_object_new ();
          int p = pick (g, G_N_ELEMENTS (props));

          json_object_set_string_member (cond, "property", props[p].name);
          g_string_append (g->sql, " AND ");
          gen_condition (g, cond, props[p].expr, props[p].type, props[p].type == AUD_FIELD_DECIMAL ? 2 : 0);
          g_string_append (g->sql, " = 1");
          json_array_add_object_element (where, cond);
        }
      json_object_set_array_member (object, "where", where);
    }

  g_string_append (filter, g->sql->str);
  g_ptr_array_extend_and_steal (filter_params, g_steal_pointer (&g->params));
  g_string_free (g->sql, TRUE);

  /* The window as bounds (SQL expressions of literal numbers and dates),
   * inclusive. */
  if (when != 0)
    {
      JsonObject *w = json_object_new ();
      gint64 n = pick (g, 3) == 0 ? 0 : g_rand_int_range (g->rand, 0, 120);

      if (when == 1)
        {
          json_object_set_int_member (w, "within_last_days", n);
          low = g_strdup_printf ("%" G_GINT64_FORMAT, NOW - n * DAY);
          high = g_strdup_printf ("%" G_GINT64_FORMAT, NOW);
        }
      else if (when == 2)
        {
          json_object_set_int_member (w, "more_than_days_ago", n);
          low = g_strdup_printf ("%" G_GINT64_FORMAT, G_MININT64);
          high = g_strdup_printf ("%" G_GINT64_FORMAT " - 1", NOW - n * DAY);
        }
      else
        {
          JsonArray *array = json_array_new ();
          g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (NOW - n * DAY);
          g_autoptr(GDateTime) end = g_date_time_add_days (start, pick (g, 40));
          g_autofree char *a = g_date_time_format (start, "%Y-%m-%d");
          g_autofree char *b = g_date_time_format (end, "%Y-%m-%d");

          json_array_add_string_element (array, a);
          json_array_add_string_element (array, b);
          json_object_set_array_member (w, "between", array);
          low = g_strdup_printf ("CAST(strftime('%%s', '%s') AS INTEGER)", a);
          high = g_strdup_printf ("(CAST(strftime('%%s', '%s', '+1 day') AS INTEGER) - 1)", b);
        }
      g_string_printf (window, " AND e.ts >= %s AND e.ts <= %s", low, high);
      json_object_set_object_member (object, "when", w);
    }

  g->sql = g_steal_pointer (&saved_sql);
  g->params = g_steal_pointer (&saved_params);

  /* Appends the filter (and its parameters again) to the SQL. */
#define APPEND_FILTER(with_window) \
  G_STMT_START { \
    g_string_append (g->sql, filter->str); \
    for (guint i_ = 0; i_ < filter_params->len; i_++) \
      { \
        Param *p_ = g_ptr_array_index (filter_params, i_); \
        Param *copy_ = g_new0 (Param, 1); \
        *copy_ = *p_; \
        copy_->text = g_strdup (p_->text); \
        g_ptr_array_add (g->params, copy_); \
      } \
    if (with_window) \
      g_string_append (g->sql, window->str); \
  } G_STMT_END

  switch (mode)
    {
    case 0:
      g_string_append (g->sql, "(CASE WHEN EXISTS (SELECT 1 FROM ev AS e WHERE ");
      APPEND_FILTER (TRUE);
      g_string_append (g->sql, ") THEN 1 ELSE 0 END)");
      break;

    case 1:
    case 2:
      {
        g_autoptr(GString) sub = g_string_new (NULL);
        GString *outer = g->sql;

        if (mode == 2)
          {
            const char *prop = chance (g, 0.5) ? "pc" : "pi";

            json_object_set_string_member (object, "distinct", prop);
            g_string_printf (sub, "SELECT count(DISTINCT e.%s) FROM ev AS e WHERE "
                             "e.%s IS NOT NULL AND e.%s <> '' AND ", prop, prop, prop);
          }
        else
          g_string_assign (sub, "SELECT count(*) FROM ev AS e WHERE ");

        /* The subquery's parameters come first in the text: build it in
         * place. */
        g->sql = sub;
        APPEND_FILTER (TRUE);
        g->sql = outer;

        if (chance (g, 0.2))
          g_string_append_printf (g->sql, "(CASE WHEN (%s) >= 1 THEN 1 ELSE 0 END)", sub->str);
        else
          gen_count_op (g, object, sub->str);
      }
      break;

    case 3:
      {
        static const char * const fns[] = { "sum", "avg", "min", "max" };
        static const char * const ops[] = { "eq", "ne", "lt", "le", "gt", "ge", "between" };
        const char *fn = fns[pick (g, 4)];
        const char *op = ops[pick (g, G_N_ELEMENTS (ops))];
        gboolean decimal = chance (g, 0.7);
        const char *prop = decimal ? "pa" : "pi";
        JsonObject *agg = json_object_new ();
        g_autoptr(GString) sub = g_string_new (NULL);
        g_autoptr(GString) value = g_string_new (NULL);
        GString *outer = g->sql;
        gint64 milli[2];
        JsonNode *v[2];
        int n = g_str_equal (op, "between") ? 2 : 1;
        const char *sql_op = g_str_equal (op, "eq") ? "=" : g_str_equal (op, "ne") ? "<>" :
                             g_str_equal (op, "lt") ? "<" : g_str_equal (op, "le") ? "<=" :
                             g_str_equal (op, "gt") ? ">" : ">=";

        for (int i = 0; i < n; i++)
          {
            if (decimal)
              v[i] = random_decimal (g, -500, 4000, &milli[i]);
            else
              {
                milli[i] = g_rand_int_range (g->rand, 0, 12) * 1000;
                v[i] = json_int (milli[i] / 1000);
              }
          }
        if (n == 2 && milli[0] > milli[1])
          {
            gint64 t = milli[0];
            JsonNode *tn = v[0];

            milli[0] = milli[1], milli[1] = t;
            v[0] = v[1], v[1] = tn;
          }

        json_object_set_string_member (agg, "fn", fn);
        json_object_set_string_member (agg, "property", prop);
        json_object_set_string_member (agg, "op", op);
        if (n == 2)
          {
            JsonArray *array = json_array_new ();

            json_array_add_element (array, v[0]);
            json_array_add_element (array, v[1]);
            json_object_set_array_member (agg, "value", array);
          }
        else
          json_object_set_member (agg, "value", v[0]);
        json_object_set_object_member (object, "aggregate", agg);

        /* Exactly, in integers: stored values are in cents (pa) or units
         * (pi), the value in thousandths. avg: sum * k OP value * count. */
        g_string_assign (sub, "SELECT ");
        if (g_str_equal (fn, "avg"))
          g_string_append_printf (sub, "sum(e.%s) * %d AS v, count(e.%s) AS n", prop,
                                  decimal ? 10 : 1000, prop);
        else
          g_string_append_printf (sub, "%s(e.%s) * %d AS v, count(e.%s) AS n", fn, prop,
                                  decimal ? 10 : 1000, prop);
        g_string_append (sub, " FROM ev AS e WHERE ");
        g->sql = sub;
        APPEND_FILTER (TRUE);
        g->sql = outer;

        for (int i = 0; i < n; i++)
          {
            const char *this_op = n == 2 ? (i == 0 ? ">=" : "<=") : sql_op;

            if (g_str_equal (fn, "avg"))
              g_string_append_printf (value, "%sx.v %s %" G_GINT64_FORMAT " * x.n",
                                      i > 0 ? " AND " : "", this_op, milli[i]);
            else
              g_string_append_printf (value, "%sx.v %s %" G_GINT64_FORMAT, i > 0 ? " AND " : "",
                                      this_op, milli[i]);
          }

        g_string_append_printf (g->sql, "(SELECT CASE WHEN x.n > 0 AND (%s) THEN 1 ELSE 0 END "
                                "FROM (%s) AS x)", value->str, sub->str);
      }
      break;

    case 4:
    default:
      {
        gboolean first = chance (g, 0.5);

        json_object_set_string_member (object, "occurrence", first ? "first" : "last");
        g_string_append_printf (g->sql, "(CASE WHEN (SELECT %s(e.ts) FROM ev AS e WHERE ",
                                first ? "min" : "max");
        APPEND_FILTER (FALSE);
        /* The window applies to that one time. */
        g_string_append_printf (g->sql, ") BETWEEN %s AND %s THEN 1 ELSE 0 END)", low, high);
      }
      break;
    }

#undef APPEND_FILTER

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
gen_near (Gen *g)
{
  JsonObject *object = json_object_new ();
  JsonObject *near = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  double lat = 48.0 + g_rand_double_range (g->rand, -3, 3);
  double lon = 10.0 + g_rand_double_range (g->rand, -4, 4);
  double km = g_rand_double_range (g->rand, 0, 400);

  json_object_set_double_member (near, "lat", lat);
  json_object_set_double_member (near, "lon", lon);
  json_object_set_double_member (near, "km", km);
  json_object_set_object_member (object, "near", near);
  json_node_take_object (node, object);

  g_string_append (g->sql, "(CASE WHEN c.lat IS NOT NULL AND c.lon IS NOT NULL AND "
                   "2 * 6371.0 * asin(min(1.0, sqrt("
                   "pow(sin(radians(c.lat / 1000000.0 - ");
  add_real (g, lat);
  g_string_append (g->sql, ") / 2), 2) + cos(radians(");
  add_real (g, lat);
  g_string_append (g->sql, ")) * cos(radians(c.lat / 1000000.0)) * "
                   "pow(sin(radians(c.lon / 1000000.0 - ");
  add_real (g, lon);
  g_string_append (g->sql, ") / 2), 2)))) <= ");
  add_real (g, km);
  g_string_append (g->sql, " THEN 1 ELSE 0 END)");

  return node;
}

static JsonNode *
gen_bucket (Gen *g)
{
  static const char * const salts[] = { "", "a", "holdout-2024", "ü" };
  JsonObject *object = json_object_new ();
  JsonObject *bucket = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  const char *salt = salts[pick (g, G_N_ELEMENTS (salts))];
  int from = pick (g, 100);
  int to = from + pick (g, 100 - from);

  json_object_set_int_member (bucket, "from", from);
  json_object_set_int_member (bucket, "to", to);
  json_object_set_string_member (bucket, "salt", salt);
  json_object_set_object_member (object, "bucket", bucket);
  json_node_take_object (node, object);

  g_string_append (g->sql, "(CASE WHEN test_bucket(");
  add_text (g, salt);
  g_string_append_printf (g->sql, ", c.external_id) BETWEEN %d AND %d THEN 1 ELSE 0 END)",
                          from, to);
  return node;
}

static JsonNode *
gen_membership (Gen *g)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  int i = pick (g, g->saved_names->len);
  GPtrArray *params = g_ptr_array_index (g->saved_params, i);

  json_object_set_string_member (object, "segment", g_ptr_array_index (g->saved_names, i));
  json_node_take_object (node, object);

  g_string_append (g->sql, g_ptr_array_index (g->saved_sql, i));
  for (guint k = 0; k < params->len; k++)
    {
      Param *p = g_ptr_array_index (params, k);
      Param *copy = g_new0 (Param, 1);

      *copy = *p;
      copy->text = g_strdup (p->text);
      g_ptr_array_add (g->params, copy);
    }

  return node;
}

static JsonNode *
gen_group (Gen *g)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  int kind = pick (g, 3);

  g->depth++;

  if (kind == 2)
    {
      g_string_append (g->sql, "(1 - ");
      json_object_set_member (object, "not", gen_node (g));
      g_string_append (g->sql, ")");
    }
  else
    {
      JsonArray *array = json_array_new ();
      int n = pick (g, 4);

      g_string_append (g->sql, kind == 0 ? "(1" : "(0");
      for (int i = 0; i < n; i++)
        {
          g_string_append (g->sql, kind == 0 ? " AND " : " OR ");
          json_array_add_element (array, gen_node (g));
        }
      g_string_append (g->sql, ")");
      json_object_set_array_member (object, kind == 0 ? "all" : "any", array);
    }

  g->depth--;
  json_node_take_object (node, object);
  return node;
}

static JsonNode *
gen_node (Gen *g)
{
  int r = pick (g, 100);

  if (g->depth < 3 && r < 30)
    return gen_group (g);
  if (r < 58)
    return gen_field (g);
  if (r < 88)
    return gen_event (g);
  if (r < 93)
    return gen_near (g);
  if (r < 97 || g->saved_names->len == 0)
    return gen_bucket (g);
  return gen_membership (g);
}

/* --- the comparison -------------------------------------------------------- */

static roaring_bitmap_t *
naive_members (AudStore  *store,
               Gen       *g)
{
  g_autofree char *sql = g_strdup_printf ("SELECT c.id FROM cv AS c WHERE %s = 1", g->sql->str);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, &error);
  roaring_bitmap_t *members = roaring_bitmap_create ();
  int rc;

  if (error != NULL)
    g_error ("naive query does not prepare: %s\n%s", error->message, sql);

  for (guint i = 0; i < g->params->len; i++)
    {
      Param *p = g_ptr_array_index (g->params, i);

      if (p->type == PARAM_INT)
        sqlite3_bind_int64 (stmt, i + 1, p->integer);
      else if (p->type == PARAM_REAL)
        sqlite3_bind_double (stmt, i + 1, p->real);
      else
        sqlite3_bind_text (stmt, i + 1, p->text, -1, SQLITE_STATIC);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    roaring_bitmap_add (members, sqlite3_column_int (stmt, 0));
  if (rc != SQLITE_DONE)
    g_error ("naive query failed: %s\n%s", sqlite3_errmsg (aud_store_get_db (store)), sql);

  return members;
}

static char *
describe_difference (const roaring_bitmap_t *a,
                     const roaring_bitmap_t *b)
{
  roaring_bitmap_t *only_a = roaring_bitmap_andnot (a, b);
  roaring_bitmap_t *only_b = roaring_bitmap_andnot (b, a);
  GString *s = g_string_new ("engine only:");
  roaring_uint32_iterator_t it;

  roaring_init_iterator (only_a, &it);
  for (; it.has_value; roaring_advance_uint32_iterator (&it))
    g_string_append_printf (s, " u%03u", it.current_value);
  g_string_append (s, "; naive only:");
  roaring_init_iterator (only_b, &it);
  for (; it.has_value; roaring_advance_uint32_iterator (&it))
    g_string_append_printf (s, " u%03u", it.current_value);

  roaring_bitmap_free (only_a);
  roaring_bitmap_free (only_b);
  return g_string_free (s, FALSE);
}

static void
gen_init (Gen   *g,
          GRand *rand)
{
  memset (g, 0, sizeof *g);
  g->rand = rand;
  g->sql = g_string_new (NULL);
  g->params = g_ptr_array_new_with_free_func (param_free);
  g->saved_names = g_ptr_array_new_with_free_func (g_free);
  g->saved_sql = g_ptr_array_new_with_free_func (g_free);
  g->saved_params = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
}

static void
gen_reset (Gen *g)
{
  g_string_truncate (g->sql, 0);
  g_ptr_array_set_size (g->params, 0);
}

static void
gen_clear (Gen *g)
{
  g_string_free (g->sql, TRUE);
  g_ptr_array_unref (g->params);
  g_ptr_array_unref (g->saved_names);
  g_ptr_array_unref (g->saved_sql);
  g_ptr_array_unref (g->saved_params);
}

static AudSegment *
segment_of (JsonNode   *match,
            const char *name)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  AudSegment *segment;

  json_object_set_int_member (object, "format", 1);
  json_object_set_string_member (object, "name", name);
  json_object_set_member (object, "match", match);
  json_node_set_object (root, object);

  segment = aud_segment_parse_node (root, &error);
  if (segment == NULL)
    {
      g_autofree char *json = json_to_string (root, FALSE);

      g_error ("the model refuses a generated segment: %s\n%s", error->message, json);
    }

  return segment;
}

/* @scan: let event queries that read properties run as full scans of the
 * table, as on a large workspace, and evaluate field criteria by a query
 * over all customers rather than over the distinct values of the field. */
static void
run_workspace (guint32  seed,
               gboolean scan)
{
  GRand *rand = g_rand_new_with_seed (seed);
  g_autoptr(AudStore) store = build_random_workspace (rand, scan);
  g_autoptr(AudEngine) engine = aud_engine_new ();
  guint n_queries;
  guint n_scans = 0;
  guint n_nonempty = 0;
  Gen g;

  g_test_message ("workspace seed %u%s", seed, scan ? ", full scans allowed" : "");
  if (scan)
    {
      _aud_engine_set_scan_minimum (engine, 0);
      _aud_engine_set_dict_max_values (engine, 0);
    }
  gen_init (&g, rand);

  /* Saved segments to refer to. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("saved %u", i);
      g_autoptr(AudSegment) segment = NULL;
      g_autoptr(GError) error = NULL;

      g.depth = 1;
      segment = segment_of (gen_node (&g), name);
      g_assert_true (aud_segment_save (store, segment, TRUE, &error));
      g_assert_no_error (error);

      g_ptr_array_add (g.saved_names, g_steal_pointer (&name));
      g_ptr_array_add (g.saved_sql, g_strdup (g.sql->str));
      g_ptr_array_add (g.saved_params, g_steal_pointer (&g.params));
      g.params = g_ptr_array_new_with_free_func (param_free);
      gen_reset (&g);
    }

  for (guint i = 0; i < N_SEGMENTS; i++)
    {
      g_autoptr(AudSegment) segment = NULL;
      g_autoptr(GError) error = NULL;
      roaring_bitmap_t *engine_members;
      roaring_bitmap_t *naive;
      JsonNode *match;

      gen_reset (&g);
      g.depth = 0;
      match = gen_node (&g);
      segment = segment_of (match, "random");

      engine_members = aud_engine_evaluate (engine, store, segment, NOW, NULL, &error);
      if (engine_members == NULL)
        {
          g_autofree char *json = aud_segment_to_json (segment, FALSE);

          g_error ("segment %u fails: %s\n%s", i, error->message, json);
        }

      naive = naive_members (store, &g);
      if (!roaring_bitmap_equals (engine_members, naive))
        {
          g_autofree char *json = aud_segment_to_json (segment, FALSE);
          g_autofree char *diff = describe_difference (engine_members, naive);

          g_error ("segment %u of seed %u: the engine and the naive query disagree (%s)\n%s\n%s",
                   i, seed, diff, json, g.sql->str);
        }

      if (!roaring_bitmap_is_empty (engine_members) &&
          roaring_bitmap_get_cardinality (engine_members) < N_CUSTOMERS)
        n_nonempty++;

      roaring_bitmap_free (engine_members);
      roaring_bitmap_free (naive);
    }

  /* The generator is not degenerate: most segments split the base. */
  g_test_message ("%u of %u segments neither empty nor everyone", n_nonempty, N_SEGMENTS);
  g_assert_cmpuint (n_nonempty, >, N_SEGMENTS / 3);

  /* Both ways of reading events were taken. */
  n_queries = _aud_engine_get_event_queries (engine, &n_scans);
  g_test_message ("%u event queries, %u of them full scans", n_queries, n_scans);
  if (scan)
    g_assert_cmpuint (n_scans, >, 10);
  else
    g_assert_cmpuint (n_scans, ==, 0);

  /* Field values came from the saved value lists, or from the customers. */
  if (scan)
    g_assert_cmpuint (_aud_engine_get_customer_reads (engine), >, 0);
  else
    g_assert_cmpuint (_aud_engine_get_customer_reads (engine), ==, 0);

  gen_clear (&g);
  g_rand_free (rand);
}

static void
test_engine_property_random (void)
{
  const char *env = g_getenv ("AUD_ENGINE_SEEDS");
  guint n = env != NULL ? (guint)g_ascii_strtoull (env, NULL, 10) : 4;

  for (guint i = 0; i < n; i++)
    run_workspace (20240615 + i, i % 2 == 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine-property/random", test_engine_property_random);

  return g_test_run ();
}
