/* test-engine-breakdown.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * aud_engine_breakdown(): every row's counts are checked against a count
 * made here, customer by customer, from the generator of the workspace.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "aud-engine.h"
#include "aud-store.h"

#define N_CUSTOMERS 1000

/* 2024-06-15 12:00:00 UTC; counts here do not depend on it. */
#define NOW G_GINT64_CONSTANT (1718452800)

static const char * const countries[] = {
  "DE", "FR", "US", "ES", "IT", "NL", "PL", "SE", "AT", "BE", "CH", "DK",
};

/* The generator: customer i (0-based) has these values; NULL is blank. */

static const char *
country_of (guint i)
{
  if (i % 50 == 0)
    return NULL;
  if (i % 77 == 0)
    return "  ";
  /* Skewed, so the order of the values is clear. */
  return countries[(i % 7 + i % 6) % G_N_ELEMENTS (countries)];
}

static gint64
age_of (guint i)
{
  return (i * 37) % 80 + 18;
}

static gint64
kids_of (guint i)
{
  return i % 4;
}

static gint64
spend_of (guint i)
{
  return ((gint64)i * i * 13) % 500000;   /* cents */
}

static int
birth_year_of (guint i)
{
  return 1940 + (i * 11) % 60;
}

/* -1 for blank */
static int
vip_of (guint i)
{
  return i % 10 == 9 ? -1 : i % 3 == 0;
}

/* 2023-12-31T23:30:00Z, or an hour later */
static gint64
signup_of (guint i)
{
  return G_GINT64_CONSTANT (1704065400) + (i % 2) * 3600;
}

static gboolean
is_member (guint i)
{
  return vip_of (i) == 1;
}

static AudField *
add_field (AudStore     *store,
           const char   *name,
           AudFieldType  type,
           guint         scale)
{
  g_autoptr(GError) error = NULL;
  AudField *field = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, name, type, AUD_ROLE_NONE,
                                         scale, &error);

  g_assert_no_error (error);
  return field;
}

static char *
build_workspace (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "breakdown.audiences", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_field_free);
  g_autoptr(GString) sql = g_string_new ("INSERT INTO customers (id, external_id");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_unlink (path);
  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  g_ptr_array_add (fields, add_field (store, "country", AUD_FIELD_CATEGORY, 0));
  g_ptr_array_add (fields, add_field (store, "age", AUD_FIELD_INTEGER, 0));
  g_ptr_array_add (fields, add_field (store, "kids", AUD_FIELD_INTEGER, 0));
  g_ptr_array_add (fields, add_field (store, "spend", AUD_FIELD_DECIMAL, 2));
  g_ptr_array_add (fields, add_field (store, "birth", AUD_FIELD_DATE, 0));
  g_ptr_array_add (fields, add_field (store, "vip", AUD_FIELD_BOOLEAN, 0));
  g_ptr_array_add (fields, add_field (store, "signup", AUD_FIELD_DATETIME, 0));

  for (guint f = 0; f < fields->len; f++)
    {
      g_autofree char *quoted = aud_sql_quote_identifier (((AudField *)fields->pdata[f])->column);

      g_string_append_printf (sql, ", %s", quoted);
    }
  g_string_append (sql, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");

  g_assert_true (aud_store_begin (store, &error));
  stmt = aud_store_prepare (store, sql->str, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      g_autofree char *id = g_strdup_printf ("C%04u", i);
      g_autofree char *birth = g_strdup_printf ("%04d-06-15", birth_year_of (i));

      sqlite3_bind_int64 (stmt, 1, i + 1);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, country_of (i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, age_of (i));
      sqlite3_bind_int64 (stmt, 5, kids_of (i));
      sqlite3_bind_int64 (stmt, 6, spend_of (i));
      sqlite3_bind_text (stmt, 7, birth, -1, SQLITE_TRANSIENT);
      if (vip_of (i) < 0)
        sqlite3_bind_null (stmt, 8);
      else
        sqlite3_bind_int (stmt, 8, vip_of (i));
      sqlite3_bind_int64 (stmt, 9, signup_of (i));

      g_assert_true (aud_store_step_done (store, stmt, &error));
      g_assert_no_error (error);
      sqlite3_reset (stmt);
    }

  g_assert_true (aud_store_commit (store, &error));

  return g_steal_pointer (&path);
}

typedef struct
{
  char      *path;
  AudStore  *store;
  AudEngine *engine;
  AudSegment *vip;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->path = build_workspace ();
  fixture->store = aud_store_open (fixture->path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  fixture->engine = aud_engine_new ();
  fixture->vip = aud_segment_parse ("{\"match\": {\"field\": \"vip\", \"op\": \"is_true\"}}", -1,
                                    &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->vip, aud_segment_free);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  g_unlink (fixture->path);
  g_free (fixture->path);
}

static AudBreakdown *
breakdown (Fixture    *fixture,
           const char *field,
           guint       max_values)
{
  g_autoptr(GError) error = NULL;
  AudBreakdown *result = aud_engine_breakdown (fixture->engine, fixture->store, fixture->vip,
                                               field, max_values, NOW, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static AudBreakdownRow *
row_at (AudBreakdown *b,
        guint         i)
{
  g_assert_cmpuint (i, <, b->rows->len);
  return g_ptr_array_index (b->rows, i);
}

static gint64
count_members (void)
{
  gint64 n = 0;

  for (guint i = 0; i < N_CUSTOMERS; i++)
    n += is_member (i);

  return n;
}

/* What every breakdown must satisfy: totals, the rows adding up to them,
 * and the shares and lifts following from the counts. */
static void
check_totals (AudBreakdown *b)
{
  gint64 members = count_members ();
  gint64 in_segment = 0, in_base = 0;

  g_assert_cmpint (b->segment_count, ==, members);
  g_assert_cmpint (b->base_count, ==, N_CUSTOMERS);

  for (guint r = 0; r < b->rows->len; r++)
    {
      AudBreakdownRow *row = row_at (b, r);
      double share_segment = (double)row->in_segment / members;
      double share_base = (double)row->in_base / N_CUSTOMERS;

      g_assert_cmpint (row->in_base, >, 0);
      g_assert_cmpint (row->in_segment, <=, row->in_base);
      g_assert_cmpfloat_with_epsilon (row->share_segment, share_segment, 1e-12);
      g_assert_cmpfloat_with_epsilon (row->share_base, share_base, 1e-12);
      g_assert_cmpfloat_with_epsilon (row->lift, share_segment / share_base, 1e-9);
      g_assert_true ((row->kind == AUD_BREAKDOWN_VALUE) == (row->label != NULL));
      in_segment += row->in_segment;
      in_base += row->in_base;
    }

  g_assert_cmpint (in_segment, ==, members);
  g_assert_cmpint (in_base, ==, N_CUSTOMERS);
}

/* Checks a ranged or single-valued row of an integer-keyed field against
 * @key_of, with bounds read from the label. */
static void
check_numeric_row (AudBreakdownRow *row,
                   gint64         (*key_of) (guint),
                   double           unit)
{
  double lo, hi;
  gint64 in_segment = 0, in_base = 0;

  if (sscanf (row->label, "%lf – %lf", &lo, &hi) != 2)
    {
      g_assert_cmpint (sscanf (row->label, "%lf", &lo), ==, 1);
      hi = lo;
    }
  g_assert_cmpfloat (lo, <=, hi);

  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      double value = key_of (i) * unit;

      if (value >= lo - unit / 2 && value <= hi + unit / 2)
        {
          in_base++;
          in_segment += is_member (i);
        }
    }

  g_test_message ("%s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT, row->label,
                  row->in_segment, row->in_base);
  g_assert_cmpint (row->in_base, ==, in_base);
  g_assert_cmpint (row->in_segment, ==, in_segment);
}

static void
test_breakdown_category (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(AudBreakdown) b = breakdown (fixture, "country", 5);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 blank_base = 0, blank_segment = 0;
  AudBreakdownRow *row;

  g_assert_cmpstr (b->field, ==, "country");
  g_assert_cmpint (b->type, ==, AUD_FIELD_CATEGORY);
  g_assert_false (b->bucketed);
  check_totals (b);

  /* Five values, the rest, the blanks ("  " is blank too). */
  g_assert_cmpuint (b->rows->len, ==, 7);
  for (guint r = 0; r < 5; r++)
    {
      gint64 in_segment = 0, in_base = 0;

      row = row_at (b, r);
      g_assert_cmpint (row->kind, ==, AUD_BREAKDOWN_VALUE);
      for (guint i = 0; i < N_CUSTOMERS; i++)
        if (g_strcmp0 (country_of (i), row->label) == 0)
          {
            in_base++;
            in_segment += is_member (i);
          }
      g_assert_cmpint (row->in_base, ==, in_base);
      g_assert_cmpint (row->in_segment, ==, in_segment);
      g_hash_table_add (seen, row->label);

      /* Most common among the members first. */
      if (r > 0)
        g_assert_cmpint (row_at (b, r - 1)->in_segment, >=, row->in_segment);
    }

  /* No value left out is more common among the members than the last
   * one kept. */
  for (guint c = 0; c < G_N_ELEMENTS (countries); c++)
    {
      gint64 in_segment = 0;

      if (g_hash_table_contains (seen, countries[c]))
        continue;
      for (guint i = 0; i < N_CUSTOMERS; i++)
        in_segment += is_member (i) && g_strcmp0 (country_of (i), countries[c]) == 0;
      g_assert_cmpint (in_segment, <=, row_at (b, 4)->in_segment);
    }

  g_assert_cmpint (row_at (b, 5)->kind, ==, AUD_BREAKDOWN_OTHER);
  row = row_at (b, 6);
  g_assert_cmpint (row->kind, ==, AUD_BREAKDOWN_BLANK);
  for (guint i = 0; i < N_CUSTOMERS; i++)
    if (country_of (i) == NULL || strcmp (country_of (i), "  ") == 0)
      {
        blank_base++;
        blank_segment += is_member (i);
      }
  g_assert_cmpint (row->in_base, ==, blank_base);
  g_assert_cmpint (row->in_segment, ==, blank_segment);

  /* With room for every value there is no other row. */
  {
    g_autoptr(AudBreakdown) all = breakdown (fixture, "country", 50);

    check_totals (all);
    g_assert_cmpuint (all->rows->len, ==, G_N_ELEMENTS (countries) + 1);
  }
}

static void
test_breakdown_few_values (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(AudBreakdown) kids = breakdown (fixture, "kids", 0);
  g_autoptr(AudBreakdown) vip = breakdown (fixture, "vip", 0);

  check_totals (kids);
  g_assert_false (kids->bucketed);
  g_assert_cmpuint (kids->rows->len, ==, 4);
  for (guint r = 0; r < 4; r++)
    {
      g_autofree char *label = g_strdup_printf ("%u", r);

      g_assert_cmpstr (row_at (kids, r)->label, ==, label);
      check_numeric_row (row_at (kids, r), kids_of, 1);
    }

  /* The members are the vips: all of them in "true", lift 1 / share. */
  check_totals (vip);
  g_assert_cmpuint (vip->rows->len, ==, 3);
  g_assert_cmpstr (row_at (vip, 0)->label, ==, "false");
  g_assert_cmpint (row_at (vip, 0)->in_segment, ==, 0);
  g_assert_cmpfloat (row_at (vip, 0)->lift, ==, 0.0);
  g_assert_cmpstr (row_at (vip, 1)->label, ==, "true");
  g_assert_cmpint (row_at (vip, 1)->in_segment, ==, vip->segment_count);
  g_assert_cmpfloat_with_epsilon (row_at (vip, 1)->lift,
                                  (double)N_CUSTOMERS / vip->segment_count, 1e-9);
  g_assert_cmpint (row_at (vip, 2)->kind, ==, AUD_BREAKDOWN_BLANK);
  g_assert_cmpint (row_at (vip, 2)->in_base, ==, N_CUSTOMERS / 10);
}

/* Ranges: ascending, disjoint, within @max rows, and each one's counts
 * right. */
static void
check_ranges (AudBreakdown  *b,
              guint          max,
              gint64       (*key_of) (guint),
              double         unit)
{
  double last_hi = -G_MAXDOUBLE;

  check_totals (b);
  g_assert_true (b->bucketed);
  g_assert_cmpuint (b->rows->len, >=, 3);
  g_assert_cmpuint (b->rows->len, <=, max);

  for (guint r = 0; r < b->rows->len; r++)
    {
      AudBreakdownRow *row = row_at (b, r);
      double lo, hi;

      g_assert_cmpint (row->kind, ==, AUD_BREAKDOWN_VALUE);
      g_assert_cmpint (sscanf (row->label, "%lf – %lf", &lo, &hi), ==, 2);
      g_assert_cmpfloat (lo, >, last_hi);
      last_hi = hi;
      check_numeric_row (row, key_of, unit);
    }
}

static void
test_breakdown_integer_ranges (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(AudBreakdown) b = breakdown (fixture, "age", 0);

  /* 80 distinct ages from 18 to 97 */
  check_ranges (b, 10, age_of, 1);
  g_assert_cmpstr (row_at (b, 0)->label, ==, "18 – 24");
  g_assert_true (g_str_has_suffix (row_at (b, b->rows->len - 1)->label, " – 97"));
}

static void
test_breakdown_decimal_ranges (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(AudBreakdown) b = breakdown (fixture, "spend", 6);

  check_ranges (b, 6, spend_of, 0.01);
  /* Bounds rounded to two digits, the upper ones a cent below the next. */
  g_assert_true (g_str_has_prefix (row_at (b, 0)->label, "0.00 – "));
  g_assert_true (g_str_has_suffix (row_at (b, 0)->label, "9.99"));
}

static gint64
birth_key_of (guint i)
{
  return birth_year_of (i);
}

static void
test_breakdown_date_years (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(AudBreakdown) b = breakdown (fixture, "birth", 0);

  /* 1940 to 1999: six decades */
  check_ranges (b, 10, birth_key_of, 1);
  g_assert_cmpuint (b->rows->len, ==, 6);
  g_assert_cmpstr (row_at (b, 0)->label, ==, "1940 – 1949");
  g_assert_cmpstr (row_at (b, 5)->label, ==, "1990 – 1999");
}

static void
test_breakdown_datetime_zone (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) berlin = NULL;
  g_autoptr(AudBreakdown) utc = breakdown (fixture, "signup", 0);
  g_autoptr(AudBreakdown) local = NULL;

  /* 23:30 and 00:30 UTC on new year's eve. */
  check_totals (utc);
  g_assert_cmpuint (utc->rows->len, ==, 2);
  g_assert_cmpstr (row_at (utc, 0)->label, ==, "2023");
  g_assert_cmpint (row_at (utc, 0)->in_base, ==, N_CUSTOMERS / 2);
  g_assert_cmpstr (row_at (utc, 1)->label, ==, "2024");

  /* Both already in 2024 in Berlin. */
  g_assert_true (aud_store_set_meta (fixture->store, "timezone", "Europe/Berlin", &error));
  berlin = aud_store_reopen (fixture->store, &error);
  g_assert_no_error (error);
  local = aud_engine_breakdown (fixture->engine, berlin, fixture->vip, "signup", 0, NOW, NULL,
                                &error);
  g_assert_no_error (error);
  check_totals (local);
  g_assert_cmpuint (local->rows->len, ==, 1);
  g_assert_cmpstr (row_at (local, 0)->label, ==, "2024");
}

static void
test_breakdown_empty_segment (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) none = aud_segment_parse ("{\"match\": {\"any\": []}}", -1, &error);
  g_autoptr(AudBreakdown) b = NULL;

  g_assert_no_error (error);
  b = aud_engine_breakdown (fixture->engine, fixture->store, none, "kids", 0, NOW, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (b->segment_count, ==, 0);
  g_assert_cmpuint (b->rows->len, ==, 4);
  for (guint r = 0; r < b->rows->len; r++)
    {
      g_assert_cmpint (row_at (b, r)->in_base, ==, N_CUSTOMERS / 4);
      g_assert_cmpfloat (row_at (b, r)->share_segment, ==, 0.0);
      g_assert_cmpfloat (row_at (b, r)->lift, ==, 0.0);
    }
}

static void
test_breakdown_unknown_field (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AudBreakdown *b = aud_engine_breakdown (fixture->engine, fixture->store, fixture->vip,
                                          "shoe_size", 0, NOW, NULL, &error);

  g_assert_null (b);
  g_assert_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "shoe_size"));
}

static void
breakdown_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static AudBreakdown *
run_async (Fixture       *fixture,
           GCancellable  *cancellable,
           GError       **error)
{
  GAsyncResult *result = NULL;
  AudBreakdown *b;

  aud_engine_breakdown_async (fixture->engine, fixture->path, fixture->vip, "age", 0, NOW,
                              cancellable, breakdown_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  b = aud_engine_breakdown_finish (fixture->engine, result, error);
  g_object_unref (result);

  return b;
}

static void
test_breakdown_async (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudBreakdown) sync = breakdown (fixture, "age", 0);
  g_autoptr(AudBreakdown) async = run_async (fixture, NULL, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AudBreakdown *cancelled;

  g_assert_no_error (error);
  g_assert_cmpuint (async->rows->len, ==, sync->rows->len);
  for (guint r = 0; r < sync->rows->len; r++)
    {
      g_assert_cmpstr (row_at (async, r)->label, ==, row_at (sync, r)->label);
      g_assert_cmpint (row_at (async, r)->in_segment, ==, row_at (sync, r)->in_segment);
      g_assert_cmpint (row_at (async, r)->in_base, ==, row_at (sync, r)->in_base);
    }

  g_cancellable_cancel (cancellable);
  cancelled = run_async (fixture, cancellable, &error);
  g_assert_null (cancelled);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/engine-breakdown/category", test_breakdown_category);
  ADD ("/engine-breakdown/few-values", test_breakdown_few_values);
  ADD ("/engine-breakdown/integer-ranges", test_breakdown_integer_ranges);
  ADD ("/engine-breakdown/decimal-ranges", test_breakdown_decimal_ranges);
  ADD ("/engine-breakdown/date-years", test_breakdown_date_years);
  ADD ("/engine-breakdown/datetime-zone", test_breakdown_datetime_zone);
  ADD ("/engine-breakdown/empty-segment", test_breakdown_empty_segment);
  ADD ("/engine-breakdown/unknown-field", test_breakdown_unknown_field);
  ADD ("/engine-breakdown/async", test_breakdown_async);

#undef ADD

  return g_test_run ();
}
