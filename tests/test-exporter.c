/* test-exporter.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "aud-exporter.h"
#include "aud-reader.h"
#include "aud-segment.h"

/* The workspace of most tests: eight customers with contact data chosen to
 * hit the normalisation, consent, merge and quoting rules. */
static const struct
{
  const char   *name;
  AudFieldType  type;
  AudFieldRole  role;
  guint         scale;
} fixture_fields[] = {
  { "email", AUD_FIELD_TEXT, AUD_ROLE_EMAIL, 0 },
  { "phone", AUD_FIELD_TEXT, AUD_ROLE_PHONE, 0 },
  { "first_name", AUD_FIELD_TEXT, AUD_ROLE_FIRST_NAME, 0 },
  { "last_name", AUD_FIELD_TEXT, AUD_ROLE_LAST_NAME, 0 },
  { "country", AUD_FIELD_TEXT, AUD_ROLE_COUNTRY, 0 },
  { "city", AUD_FIELD_TEXT, AUD_ROLE_CITY, 0 },
  { "zip", AUD_FIELD_TEXT, AUD_ROLE_POSTAL_CODE, 0 },
  { "birth_date", AUD_FIELD_DATE, AUD_ROLE_BIRTH_DATE, 0 },
  { "gender", AUD_FIELD_CATEGORY, AUD_ROLE_GENDER, 0 },
  { "consent_email", AUD_FIELD_BOOLEAN, AUD_ROLE_CONSENT_EMAIL, 0 },
  { "consent_ads", AUD_FIELD_BOOLEAN, AUD_ROLE_CONSENT_ADS, 0 },
  { "spend", AUD_FIELD_DECIMAL, AUD_ROLE_NONE, 2 },
  { "joined", AUD_FIELD_DATETIME, AUD_ROLE_NONE, 0 },
  { "visits", AUD_FIELD_INTEGER, AUD_ROLE_NONE, 0 },
  { "note", AUD_FIELD_TEXT, AUD_ROLE_NONE, 0 },
};

#define N_FIELDS G_N_ELEMENTS (fixture_fields)

/* Row ids are 1..8 in this order. Integers, decimals (scaled), date-times
 * and booleans are written as integers; NULL is a NULL. */
static const char *fixture_rows[][N_FIELDS + 1] = {
  { "C1", " Jane.Doe@Example.COM ", "+49 (0)30 1234567", "Zoë", "Müller", "Deutschland",
    "Berlin", "10115", "1985-03-07", "female", "1", "1", "1250", "1700000000", "3", "plain" },
  { "C2", "bob@example.com", "030 1234567", "Bob", "O'Brien", "DE", "Bad Homburg v.d.H.",
    "61348", NULL, "M", "1", "1", "-5", NULL, "0", "comma, \"quote\"\nnewline" },
  { "C3", "JANE.DOE@example.com", "(212) 555-0123", "Jane", "Doe", "US", "New York",
    "10001-1234", "1990-12-31", NULL, "1", "1", "0", "0", NULL, "cr\rhere" },
  { "C4", "not-an-email", "123", "Ann", "Lee", "GB", NULL, "SW1A 1AA", NULL, "f", "1", "1",
    NULL, NULL, NULL, "semi;colon" },
  { "C5", "tom@example.co.uk", "07700 900123", "Tom", "Smith", "United Kingdom", "London",
    NULL, NULL, NULL, "0", "0", NULL, NULL, NULL, NULL },
  { "C6", "jane.doe@gmail.com", "+1 416 555 0199", "Émile", "Zola-Dupont", "Canada",
    "Montréal", "H2X 1Y4", NULL, NULL, "1", "1", NULL, NULL, NULL, NULL },
  { "C7", "janedoe@gmail.com", NULL, "Jane", "Doe", "CA", NULL, NULL, NULL, NULL, "1", "1",
    NULL, NULL, NULL, NULL },
  { "C8", "c8@example.com", "n/a", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "1", "1",
    NULL, NULL, NULL, NULL },
};

#define N_ROWS G_N_ELEMENTS (fixture_rows)

/* A file in this test's own folder (G_TEST_OPTION_ISOLATE_DIRS gives each
 * test its own cache folder). */
static char *
temp_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0755), ==, 0);

  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

static AudStore *
create_store (const char *name)
{
  g_autofree char *path = temp_path (name);
  g_autoptr(GError) error = NULL;
  AudStore *store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  return store;
}

/* Adds the fixture fields (all, or those not named in @skip) and rows. */
static AudStore *
fixture_store_without (const char * const *skip)
{
  AudStore *store = create_store ("fixture.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_field_free);
  g_autoptr(GString) sql = g_string_new ("INSERT INTO customers (external_id");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) used = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint f = 0; f < N_FIELDS; f++)
    {
      AudField *field;

      if (skip != NULL && g_strv_contains (skip, fixture_fields[f].name))
        continue;

      field = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, fixture_fields[f].name,
                                   fixture_fields[f].type, fixture_fields[f].role,
                                   fixture_fields[f].scale, &error);
      g_assert_no_error (error);
      g_string_append_printf (sql, ", %s", field->column);
      g_ptr_array_add (fields, field);
      g_array_append_val (used, f);
    }

  g_string_append (sql, ") VALUES (?");
  for (guint i = 0; i < used->len; i++)
    g_string_append (sql, ", ?");
  g_string_append (sql, ")");

  stmt = aud_store_prepare (store, sql->str, &error);
  g_assert_no_error (error);

  for (guint r = 0; r < N_ROWS; r++)
    {
      sqlite3_bind_text (stmt, 1, fixture_rows[r][0], -1, SQLITE_STATIC);
      for (guint i = 0; i < used->len; i++)
        {
          guint f = g_array_index (used, guint, i);
          const char *value = fixture_rows[r][f + 1];
          AudFieldType type = fixture_fields[f].type;

          if (value == NULL)
            sqlite3_bind_null (stmt, i + 2);
          else if (type == AUD_FIELD_TEXT || type == AUD_FIELD_CATEGORY || type == AUD_FIELD_DATE)
            sqlite3_bind_text (stmt, i + 2, value, -1, SQLITE_STATIC);
          else
            sqlite3_bind_int64 (stmt, i + 2, g_ascii_strtoll (value, NULL, 10));
        }
      g_assert_true (aud_store_step_done (store, stmt, &error));
      g_assert_no_error (error);
    }

  return store;
}

static AudStore *
fixture_store (void)
{
  return fixture_store_without (NULL);
}

/* Row ids 1..N_ROWS, or those listed (0-terminated). */
static roaring_bitmap_t *
members_of (guint first,
            ...)
{
  roaring_bitmap_t *members = roaring_bitmap_create ();
  va_list args;

  va_start (args, first);
  for (guint id = first; id != 0; id = va_arg (args, guint))
    roaring_bitmap_add (members, id);
  va_end (args);

  return members;
}

static roaring_bitmap_t *
all_members (void)
{
  return roaring_bitmap_from_range (1, N_ROWS + 1, 1);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static char *
sha (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* Exports @members with @options and returns the file's contents. */
static char *
export_text (AudStore               *store,
             const roaring_bitmap_t *members,
             const AudExportOptions *options,
             AudExportSummary      **summary_out)
{
  g_autofree char *path = temp_path ("out.txt");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExportSummary) summary = NULL;

  summary = aud_exporter_run (store, members, path, options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  g_assert_cmpstr (summary->file, ==, path);

  if (summary_out != NULL)
    *summary_out = g_steal_pointer (&summary);

  return read_file (path);
}

static char **
strv_of (const char *first,
         ...)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_strv_builder_add (builder, s);
  va_end (args);

  char **strv = g_strv_builder_end (builder);

  g_strv_builder_unref (builder);
  return strv;
}

static void
test_exporter_csv_canonical (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(AudExportSummary) summary = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = members_of (1, 2, 3, 0);
  g_autofree char *text = NULL;
  g_autofree char *path = temp_path ("out.txt");
  struct stat st;

  options.columns = strv_of ("customer_id", "spend", "joined", "visits", "consent_email",
                             "birth_date", "note", NULL);
  text = export_text (store, members, &options, &summary);

  g_assert_cmpstr (text, ==,
                   "customer_id,spend,joined,visits,consent_email,birth_date,note\n"
                   "C1,12.50,2023-11-14T22:13:20Z,3,true,1985-03-07,plain\n"
                   "C2,-0.05,,0,true,,\"comma, \"\"quote\"\"\nnewline\"\n"
                   "C3,0.00,1970-01-01T00:00:00Z,,true,1990-12-31,\"cr\rhere\"\n");
  g_assert_cmpuint (summary->n_members, ==, 3);
  g_assert_cmpuint (summary->n_written, ==, 3);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (summary->bytes, ==, st.st_size);
  g_assert_cmpuint (summary->warnings->len, ==, 0);

  roaring_bitmap_free (members);
}

static void
test_exporter_csv_options (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = members_of (2, 4, 0);
  g_autofree char *comma = NULL;
  g_autofree char *semicolon = NULL;
  g_autofree char *header = NULL;

  options.columns = strv_of ("Kunde=customer_id", "note", "Stadt; Ort=city", NULL);
  comma = export_text (store, members, &options, NULL);
  g_assert_cmpstr (comma, ==,
                   "Kunde,note,Stadt; Ort\n"
                   "C2,\"comma, \"\"quote\"\"\nnewline\",Bad Homburg v.d.H.\n"
                   "C4,semi;colon,\n");

  options.bom = TRUE;
  options.crlf = TRUE;
  options.delimiter = ';';
  semicolon = export_text (store, members, &options, NULL);
  g_assert_cmpstr (semicolon, ==,
                   "\xef\xbb\xbf" "Kunde;note;\"Stadt; Ort\"\r\n"
                   "C2;\"comma, \"\"quote\"\"\nnewline\";Bad Homburg v.d.H.\r\n"
                   "C4;\"semi;colon\";\r\n");

  /* The header alone when there is nobody to export. */
  roaring_bitmap_clear (members);
  options.bom = FALSE;
  options.delimiter = '\t';
  header = export_text (store, members, &options, NULL);
  g_assert_cmpstr (header, ==, "Kunde\tnote\tStadt; Ort\r\n");

  roaring_bitmap_free (members);
}

static void
test_exporter_csv_round_trip (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AudReader) reader = NULL;
  g_autoptr(GPtrArray) fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT external_id");
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = all_members ();
  g_autofree char *path = temp_path ("round-trip.csv");
  g_autofree char *text = NULL;
  const char * const *columns;
  guint n_columns;
  AudRow *row;
  guint n_rows = 0;

  options.bom = TRUE;
  options.crlf = TRUE;
  g_clear_pointer (&text, g_free);
  {
    g_autoptr(AudExportSummary) summary =
      aud_exporter_run (store, members, path, &options, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (summary->n_written, ==, N_ROWS);
  }

  /* The expected values come from the store's own SQL formatting. */
  for (guint i = 0; i < fields->len; i++)
    {
      AudField *field = g_ptr_array_index (fields, i);

      g_string_append_printf (sql, ", coalesce(aud_text_of(%s, '%s', %u), '')", field->column,
                              aud_field_type_to_string (field->type), field->scale);
    }
  g_string_append (sql, " FROM customers ORDER BY id");
  stmt = aud_store_prepare (store, sql->str, &error);
  g_assert_no_error (error);

  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  columns = aud_reader_get_columns (reader, &n_columns);
  g_assert_cmpuint (n_columns, ==, N_FIELDS + 1);
  g_assert_cmpstr (columns[0], ==, "customer_id");
  for (guint i = 0; i < N_FIELDS; i++)
    g_assert_cmpstr (columns[i + 1], ==, fixture_fields[i].name);

  while (aud_reader_next (reader, &row, &error))
    {
      g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpuint (row->n_cells, ==, N_FIELDS + 1);

      for (guint i = 0; i < row->n_cells; i++)
        g_assert_cmpstr (row->cells[i], ==, (const char *)sqlite3_column_text (stmt, i));
      n_rows++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, N_ROWS);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);

  roaring_bitmap_free (members);
}

static void
test_exporter_json (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = all_members ();
  g_autofree char *text = NULL;
  JsonArray *array;
  JsonObject *c1, *c2;

  options.format = AUD_EXPORT_FORMAT_JSON;
  text = export_text (store, members, &options, NULL);

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, N_ROWS);

  c1 = json_array_get_object_element (array, 0);
  g_assert_cmpuint (json_object_get_size (c1), ==, N_FIELDS + 1);
  g_assert_cmpstr (json_object_get_string_member (c1, "customer_id"), ==, "C1");
  g_assert_cmpstr (json_object_get_string_member (c1, "email"), ==, " Jane.Doe@Example.COM ");
  g_assert_cmpstr (json_object_get_string_member (c1, "first_name"), ==, "Zoë");
  g_assert_cmpfloat (json_object_get_double_member (c1, "spend"), ==, 12.5);
  g_assert_cmpint (json_object_get_int_member (c1, "visits"), ==, 3);
  g_assert_true (json_object_get_boolean_member (c1, "consent_email"));
  g_assert_cmpstr (json_object_get_string_member (c1, "joined"), ==, "2023-11-14T22:13:20Z");
  g_assert_cmpstr (json_object_get_string_member (c1, "birth_date"), ==, "1985-03-07");

  c2 = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (c2, "note"), ==, "comma, \"quote\"\nnewline");
  g_assert_cmpfloat (json_object_get_double_member (c2, "spend"), ==, -0.05);
  g_assert_true (json_object_get_null_member (c2, "joined"));
  g_assert_true (json_object_get_null_member (c2, "birth_date"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 2),
                                                  "note"), ==, "cr\rhere");

  /* An empty export is an empty array. */
  g_clear_pointer (&text, g_free);
  roaring_bitmap_clear (members);
  text = export_text (store, members, &options, NULL);
  g_assert_cmpstr (text, ==, "[]\n");

  roaring_bitmap_free (members);
}

static void
test_exporter_jsonl (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = all_members ();
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  options.format = AUD_EXPORT_FORMAT_JSONL;
  options.preset = g_strdup ("braze");
  text = export_text (store, members, &options, NULL);
  g_assert_true (g_str_has_suffix (text, "}\n"));

  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 8); /* 7 consented + the empty last */

  for (guint i = 0; lines[i][0] != '\0'; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (object, "external_id"));
      g_assert_true (json_object_has_member (object, "email"));

      if (i == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (object, "external_id"), ==, "C1");
          g_assert_cmpstr (json_object_get_string_member (object, "email"), ==,
                           "jane.doe@example.com");
          g_assert_cmpstr (json_object_get_string_member (object, "phone"), ==, "+49301234567");
          g_assert_cmpstr (json_object_get_string_member (object, "country"), ==, "DE");
          g_assert_cmpstr (json_object_get_string_member (object, "dob"), ==, "1985-03-07");
        }
    }

  roaring_bitmap_free (members);
}

/* A workspace of @n customers "X<id>" with a 100-byte text field. */
static AudStore *
big_store (guint n)
{
  AudStore *store = create_store ("big.audiences");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudField) field = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  char filler[101];

  memset (filler, 'x', 100);
  filler[100] = '\0';

  field = aud_store_add_field (store, AUD_SCOPE_CUSTOMER, "filler", AUD_FIELD_TEXT,
                               AUD_ROLE_NONE, 0, &error);
  g_assert_no_error (error);

  g_assert_true (aud_store_begin (store, &error));
  sql = g_strdup_printf ("INSERT INTO customers (id, external_id, %s) VALUES (?1, ?2, ?3)",
                         field->column);
  stmt = aud_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  for (guint id = 1; id <= n; id++)
    {
      g_autofree char *external = g_strdup_printf ("X%u", id);

      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, external, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, filler, -1, SQLITE_STATIC);
      g_assert_true (aud_store_step_done (store, stmt, &error));
    }
  g_assert_true (aud_store_commit (store, &error));

  return store;
}

/* The row ids of the customers in the first column of a CSV file. */
static roaring_bitmap_t *
read_back_ids (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudReader) reader = aud_reader_open (path, NULL, &error);
  roaring_bitmap_t *ids = roaring_bitmap_create ();
  AudRow *row;

  g_assert_no_error (error);
  while (aud_reader_next (reader, &row, &error))
    {
      g_assert_true (row->cells[0][0] == 'X');
      roaring_bitmap_add (ids, g_ascii_strtoull (row->cells[0] + 1, NULL, 10));
    }
  g_assert_no_error (error);

  return ids;
}

static void
test_exporter_exact_ids (void)
{
  g_autoptr(AudStore) store = big_store (20000);
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  g_autofree char *path = temp_path ("ids.csv");
  roaring_bitmap_t *sets[4];

  /* Dense (scanned), sparse (looked up), one at each end, ranges. */
  sets[0] = roaring_bitmap_from_range (1, 20001, 2);
  sets[1] = roaring_bitmap_from_range (7, 20001, 97);
  sets[2] = members_of (1, 20000, 0);
  sets[3] = roaring_bitmap_from_range (5000, 15000, 1);
  roaring_bitmap_add_range (sets[3], 19990, 20001);

  options.columns = strv_of ("customer_id", NULL);
  options.no_log = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AudExportSummary) summary = NULL;
      roaring_bitmap_t *ids;

      summary = aud_exporter_run (store, sets[i], path, &options, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (summary->n_written, ==, roaring_bitmap_get_cardinality (sets[i]));

      ids = read_back_ids (path);
      g_assert_true (roaring_bitmap_equals (ids, sets[i]));
      roaring_bitmap_free (ids);
      roaring_bitmap_free (sets[i]);
    }
}

static void
test_exporter_missing_ids (void)
{
  g_autoptr(AudStore) store = big_store (100);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExportSummary) summary = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  g_autofree char *path = temp_path ("ids.csv");
  roaring_bitmap_t *members = members_of (3, 100, 101, 5000, 0);
  roaring_bitmap_t *ids;

  /* Ids that are no customer are not written. */
  options.columns = strv_of ("customer_id", NULL);
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n_members, ==, 4);
  g_assert_cmpuint (summary->n_written, ==, 2);

  roaring_bitmap_remove (members, 101);
  roaring_bitmap_remove (members, 5000);
  ids = read_back_ids (path);
  g_assert_true (roaring_bitmap_equals (ids, members));

  roaring_bitmap_free (ids);
  roaring_bitmap_free (members);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;

  return n;
}

static gint64
count_exports (AudStore *store)
{
  g_autoptr(GPtrArray) records = aud_exporter_list (store, NULL, NULL);

  g_assert_nonnull (records);
  return records->len;
}

static void
test_exporter_atomic_failure (void)
{
  g_autoptr(AudStore) store = big_store (20000);
  g_autofree char *dir = temp_path ("out");
  g_autofree char *path = g_build_filename (dir, "members.csv", NULL);
  g_autofree char *fresh = g_build_filename (dir, "fresh.csv", NULL);
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = roaring_bitmap_from_range (1, 20001, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExportSummary) summary = NULL;
  g_autofree char *contents = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "old contents\n", -1, NULL));

  /* Fails after 15000 rows: more than one 1 MiB block was written. */
  options.fail_after = 15000;
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_null (summary);
  g_assert_nonnull (strstr (error->message, "members.csv"));
  g_clear_error (&error);

  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "old contents\n");
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_assert_cmpint (count_exports (store), ==, 0);

  /* A new file is not created at all. */
  summary = aud_exporter_run (store, members, fresh, &options, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (dir), ==, 1);

  /* Without the failure, the file is replaced and the export logged. */
  options.fail_after = 0;
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n_written, ==, 20000);
  g_assert_cmpint (summary->export_id, >, 0);
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_assert_cmpint (count_exports (store), ==, 1);
  g_clear_pointer (&contents, g_free);
  contents = read_file (path);
  g_assert_true (g_str_has_prefix (contents, "customer_id,filler\nX1,xxx"));

  roaring_bitmap_free (members);
}

static void
test_exporter_atomic_cancel (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = temp_path ("cancelled.csv");
  roaring_bitmap_t *members = all_members ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExportSummary) summary = NULL;

  g_cancellable_cancel (cancellable);
  summary = aud_exporter_run (store, members, path, NULL, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_exports (store), ==, 0);

  roaring_bitmap_free (members);
}

static void
test_exporter_atomic_unwritable (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autofree char *missing = temp_path ("no-such-dir/out.csv");
  g_autofree char *dir = temp_path ("a-directory");
  g_autofree char *locked = temp_path ("locked");
  g_autofree char *in_locked = g_build_filename (locked, "out.csv", NULL);
  roaring_bitmap_t *members = all_members ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExportSummary) summary = NULL;

  summary = aud_exporter_run (store, members, missing, NULL, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-dir"));
  g_clear_error (&error);

  /* The target is a folder. */
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  summary = aud_exporter_run (store, members, dir, NULL, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (dir), ==, 0);

  /* A folder that can't be written: permissions (the superuser ignores
   * them, so then a read-only file system). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_mkdir (locked, 0555), ==, 0);
      summary = aud_exporter_run (store, members, in_locked, NULL, NULL, NULL, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_cmpuint (count_files (locked), ==, 0);
    }
  else
    {
      summary = aud_exporter_run (store, members, "/sys/aud-export-test.csv", NULL, NULL, NULL,
                                  &error);
      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR);
      g_assert_nonnull (strstr (error->message, "/sys"));
      g_assert_false (g_file_test ("/sys/aud-export-test.csv", G_FILE_TEST_EXISTS));
    }
  g_clear_error (&error);
  g_assert_cmpint (count_exports (store), ==, 0);

  roaring_bitmap_free (members);
}

static void
test_exporter_consent (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(AudExportSummary) summary = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = all_members ();
  g_autofree char *text = NULL;

  options.preset = g_strdup ("mailchimp");
  text = export_text (store, members, &options, &summary);

  /* C3 merges into C1; C4 has no valid address; C5 has no consent; C8's
   * phone is blanked. */
  g_assert_cmpstr (text, ==,
                   "Email Address,First Name,Last Name,Phone Number\n"
                   "jane.doe@example.com,Zoë,Müller,+49301234567\n"
                   "bob@example.com,Bob,O'Brien,+49301234567\n"
                   "jane.doe@gmail.com,Émile,Zola-Dupont,+14165550199\n"
                   "janedoe@gmail.com,Jane,Doe,\n"
                   "c8@example.com,,,\n");
  g_assert_cmpuint (summary->n_written, ==, 5);
  g_assert_cmpuint (summary->n_unconsented, ==, 1);
  g_assert_cmpuint (summary->n_no_identifier, ==, 1);
  g_assert_cmpuint (summary->n_merged, ==, 1);
  g_assert_cmpuint (summary->n_suppressed, ==, 0);
  g_assert_cmpuint (summary->n_bad_phones, ==, 1);
  g_assert_cmpuint (summary->warnings->len, ==, 0);

  /* Included on request, with a warning. */
  options.include_unconsented = TRUE;
  g_clear_pointer (&summary, aud_export_summary_free);
  g_clear_pointer (&text, g_free);
  text = export_text (store, members, &options, &summary);
  g_assert_nonnull (strstr (text, "tom@example.co.uk,Tom,Smith,+447700900123\n"));
  g_assert_cmpuint (summary->n_written, ==, 6);
  g_assert_cmpuint (summary->n_unconsented, ==, 1);
  g_assert_cmpuint (summary->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (summary->warnings, 0), "consent"));

  roaring_bitmap_free (members);
}

static void
test_exporter_consent_missing (void)
{
  static const char * const skip[] = { "consent_email", "consent_ads", NULL };
  g_autoptr(AudStore) store = fixture_store_without (skip);
  g_autoptr(AudExportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  g_autofree char *path = temp_path ("no-consent.csv");
  g_autofree char *text = NULL;
  roaring_bitmap_t *members = all_members ();

  options.preset = g_strdup ("meta");
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_NO_CONSENT_FIELD);
  g_assert_nonnull (strstr (error->message, "consent_ads"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  options.include_unconsented = TRUE;
  text = export_text (store, members, &options, &summary);
  g_assert_cmpuint (summary->n_unconsented, ==, 0);
  g_assert_cmpuint (summary->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (summary->warnings, 0), "consent_ads"));
  /* C3 merges into C1, C4 has no usable identifier; everyone else. */
  g_assert_cmpuint (summary->n_written, ==, 6);

  roaring_bitmap_free (members);
}

static void
test_exporter_meta (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(AudExportSummary) summary = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = all_members ();
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *h[12] = { NULL, };
  g_auto(GStrv) lines = NULL;

  options.preset = g_strdup ("meta");
  text = export_text (store, members, &options, &summary);
  lines = g_strsplit (text, "\n", -1);

  /* st and madid have no field with a role: left out. */
  g_assert_cmpstr (lines[0], ==, "email,phone,fn,ln,zip,ct,country,dob,doby,gen,extern_id");

  /* C1, normalised by hand as Meta documents it, then hashed. */
  h[0] = sha ("jane.doe@example.com");
  h[1] = sha ("49301234567");
  h[2] = sha ("zo\xc3\xab");
  h[3] = sha ("m\xc3\xbcller");
  h[4] = sha ("10115");
  h[5] = sha ("berlin");
  h[6] = sha ("de");
  h[7] = sha ("19850307");
  h[8] = sha ("1985");
  h[9] = sha ("f");
  expected = g_strjoin (",", h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], "C1",
                        NULL);
  g_assert_cmpstr (lines[1], ==, expected);

  /* C2: a national number with the country's code, punctuation gone from
   * names and the city, no birth date. */
  for (guint i = 0; i < G_N_ELEMENTS (h); i++)
    g_clear_pointer (&h[i], g_free);
  g_clear_pointer (&expected, g_free);
  h[0] = sha ("bob@example.com");
  h[1] = sha ("49301234567");
  h[2] = sha ("bob");
  h[3] = sha ("obrien");
  h[4] = sha ("61348");
  h[5] = sha ("badhomburgvdh");
  h[6] = sha ("de");
  h[9] = sha ("m");
  expected = g_strjoin (",", h[0], h[1], h[2], h[3], h[4], h[5], h[6], "", "", h[9], "C2", NULL);
  g_assert_cmpstr (lines[2], ==, expected);

  /* C3 merged into C1, C4 (no valid email or phone) and C5 (no consent)
   * left out: C6, C7, C8 follow. */
  g_assert_true (g_str_has_suffix (lines[3], ",C6"));
  g_assert_true (g_str_has_suffix (lines[4], ",C7"));
  g_assert_true (g_str_has_suffix (lines[5], ",C8"));
  g_assert_cmpstr (lines[6], ==, "");
  g_assert_null (lines[7]);

  g_assert_cmpuint (summary->n_written, ==, 5);
  g_assert_cmpuint (summary->n_merged, ==, 1);
  g_assert_cmpuint (summary->n_no_identifier, ==, 1);
  g_assert_cmpuint (summary->n_unconsented, ==, 1);
  g_assert_cmpuint (summary->n_bad_phones, ==, 1);

  roaring_bitmap_free (members);
}

static void
test_exporter_meta_plain (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = members_of (1, 3, 6, 0);
  g_autofree char *text = NULL;
  g_autofree char *state = NULL;

  /* C3 alone is no duplicate. The state column is filled from the city
   * field, as the options ask. */
  roaring_bitmap_remove (members, 1);
  options.preset = g_strdup ("meta-plain");
  options.columns = strv_of ("st=city", "visits", NULL);
  text = export_text (store, members, &options, NULL);
  g_assert_cmpstr (text, ==,
                   "email,phone,fn,ln,zip,ct,st,country,dob,doby,gen,extern_id,visits\n"
                   "jane.doe@example.com,12125550123,jane,doe,10001,newyork,newyork,us,"
                   "19901231,1990,,C3,\n"
                   "jane.doe@gmail.com,14165550199,émile,zoladupont,h2x1y4,montréal,montréal,ca,"
                   ",,,C6,\n");

  /* Hashed, the state is hashed too; extra columns never are. */
  g_clear_pointer (&text, g_free);
  g_free (options.preset);
  options.preset = g_strdup ("meta");
  text = export_text (store, members, &options, NULL);
  state = sha ("newyork");
  g_assert_nonnull (strstr (text, state));
  g_assert_true (g_str_has_suffix (text, ",C6,\n"));
  g_assert_null (strstr (text, "newyork"));

  roaring_bitmap_free (members);
}

static void
test_exporter_google (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(AudExportSummary) summary = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = all_members ();
  g_autofree char *text = NULL;
  g_autofree char *c1 = NULL;
  g_autofree char *c6 = NULL;
  g_autofree char *e1 = sha ("jane.doe@example.com");
  g_autofree char *p1 = sha ("+49301234567");
  g_autofree char *f1 = sha ("zo\xc3\xab");
  g_autofree char *l1 = sha ("m\xc3\xbcller");
  g_autofree char *e6 = sha ("janedoe@gmail.com");
  g_autofree char *p6 = sha ("+14165550199");
  g_autofree char *f6 = sha ("\xc3\xa9mile");
  g_autofree char *l6 = sha ("zola-dupont");
  g_auto(GStrv) lines = NULL;

  options.preset = g_strdup ("google");
  text = export_text (store, members, &options, &summary);
  lines = g_strsplit (text, "\n", -1);

  c1 = g_strjoin (",", e1, p1, f1, l1, "DE", "10115", NULL);
  c6 = g_strjoin (",", e6, p6, f6, l6, "CA", "H2X 1Y4", NULL);
  g_assert_cmpstr (lines[0], ==, "Email,Phone,First Name,Last Name,Country,Zip");
  g_assert_cmpstr (lines[1], ==, c1);
  g_assert_cmpstr (lines[3], ==, c6);

  /* The Gmail dot rule merges C7 into C6 as well as C3 into C1. */
  g_assert_cmpuint (summary->n_written, ==, 4);
  g_assert_cmpuint (summary->n_merged, ==, 2);
  g_assert_cmpstr (lines[5], ==, "");

  /* Unhashed. */
  g_clear_pointer (&text, g_free);
  g_free (options.preset);
  options.preset = g_strdup ("google-plain");
  text = export_text (store, members, &options, NULL);
  g_assert_true (g_str_has_prefix (text,
                                   "Email,Phone,First Name,Last Name,Country,Zip\n"
                                   "jane.doe@example.com,+49301234567,zoë,müller,DE,10115\n"
                                   "bob@example.com,+49301234567,bob,o'brien,DE,61348\n"
                                   "janedoe@gmail.com,+14165550199,émile,zola-dupont,CA,H2X 1Y4\n"));

  roaring_bitmap_free (members);
}

static void
test_exporter_email_tools (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = members_of (1, 2, 0);
  g_autofree char *klaviyo = NULL;
  g_autofree char *braze = NULL;
  g_autofree char *extra = NULL;

  options.preset = g_strdup ("klaviyo");
  klaviyo = export_text (store, members, &options, NULL);
  g_assert_cmpstr (klaviyo, ==,
                   "Email,First Name,Last Name,Phone Number,External ID\n"
                   "jane.doe@example.com,Zoë,Müller,+49301234567,C1\n"
                   "bob@example.com,Bob,O'Brien,+49301234567,C2\n");

  g_free (options.preset);
  options.preset = g_strdup ("BRAZE");
  braze = export_text (store, members, &options, NULL);
  g_assert_cmpstr (braze, ==,
                   "external_id,email,first_name,last_name,phone,country,home_city,dob\n"
                   "C1,jane.doe@example.com,Zoë,Müller,+49301234567,DE,Berlin,1985-03-07\n"
                   "C2,bob@example.com,Bob,O'Brien,+49301234567,DE,Bad Homburg v.d.H.,\n");

  /* Extra fields after the preset's own. */
  g_free (options.preset);
  options.preset = g_strdup ("mailchimp");
  options.columns = strv_of ("visits", "Spend=spend", NULL);
  extra = export_text (store, members, &options, NULL);
  g_assert_cmpstr (extra, ==,
                   "Email Address,First Name,Last Name,Phone Number,visits,Spend\n"
                   "jane.doe@example.com,Zoë,Müller,+49301234567,3,12.50\n"
                   "bob@example.com,Bob,O'Brien,+49301234567,0,-0.05\n");

  roaring_bitmap_free (members);
}

static void
test_exporter_errors (void)
{
  static const char * const no_email[] = { "email", NULL };
  g_autoptr(AudStore) store = fixture_store_without (no_email);
  g_autoptr(AudExportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  g_autofree char *path = temp_path ("error.csv");
  roaring_bitmap_t *members = all_members ();

  options.preset = g_strdup ("hubspot");
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_UNKNOWN_PRESET);
  g_assert_nonnull (strstr (error->message, "mailchimp"));
  g_clear_error (&error);

  g_free (options.preset);
  options.preset = g_strdup ("mailchimp");
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_MISSING_FIELD);
  g_clear_error (&error);

  g_clear_pointer (&options.preset, g_free);
  options.columns = strv_of ("customer_id", "shoe_size", NULL);
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_UNKNOWN_COLUMN);
  g_assert_nonnull (strstr (error->message, "shoe_size"));
  g_assert_nonnull (strstr (error->message, "first_name"));
  g_clear_error (&error);

  g_clear_pointer (&options.columns, g_strfreev);
  options.changes = AUD_EXPORT_CHANGES_ADDED;
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_INVALID);
  g_clear_error (&error);

  options.changes = AUD_EXPORT_CHANGES_ALL;
  options.delimiter = '"';
  summary = aud_exporter_run (store, members, path, &options, NULL, NULL, &error);
  g_assert_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_INVALID);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  roaring_bitmap_free (members);
}

static void
test_exporter_suppression (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(AudExportSummary) summary = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = all_members ();
  g_autofree char *text = NULL;

  /* One per line: an email in other case, C6's phone written differently,
   * C7's id, an unusable number, a blank line, an address of nobody. */
  options.columns = strv_of ("customer_id", NULL);
  options.suppress = g_test_build_filename (G_TEST_DIST, "data", "exp-suppress.txt", NULL);
  text = export_text (store, members, &options, &summary);
  g_assert_cmpstr (text, ==, "customer_id\nC1\nC3\nC4\nC5\nC8\n");
  g_assert_cmpuint (summary->n_suppressed, ==, 3);
  g_assert_cmpuint (summary->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (summary->warnings, 0), "1 value"));

  /* A CSV with a header naming the columns; other columns are ignored. */
  g_free (options.suppress);
  g_clear_pointer (&summary, aud_export_summary_free);
  g_clear_pointer (&text, g_free);
  options.suppress = g_test_build_filename (G_TEST_DIST, "data", "exp-suppress.csv", NULL);
  text = export_text (store, members, &options, &summary);
  g_assert_cmpstr (text, ==, "customer_id\nC1\nC3\nC4\nC6\nC7\nC8\n");
  g_assert_cmpuint (summary->n_suppressed, ==, 2);
  g_assert_cmpuint (summary->warnings->len, ==, 0);

  /* With a preset, consent comes first: C5 counts as unconsented. */
  g_free (options.preset);
  g_clear_pointer (&summary, aud_export_summary_free);
  g_clear_pointer (&text, g_free);
  options.preset = g_strdup ("klaviyo");
  g_clear_pointer (&options.columns, g_strfreev);
  text = export_text (store, members, &options, &summary);
  g_assert_null (strstr (text, "bob@"));
  g_assert_cmpuint (summary->n_suppressed, ==, 1);
  g_assert_cmpuint (summary->n_unconsented, ==, 1);

  roaring_bitmap_free (members);
}

static void
set_value (AudStore   *store,
           const char *field_name,
           const char *external_id,
           gint64      value)
{
  g_autoptr(AudField) field = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, field_name);
  g_autofree char *sql = g_strdup_printf ("UPDATE customers SET %s = ?1 WHERE external_id = ?2",
                                          field->column);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = aud_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, value);
  sqlite3_bind_text (stmt, 2, external_id, -1, SQLITE_STATIC);
  g_assert_true (aud_store_step_done (store, stmt, &error));
}

static char *
export_changes (AudStore               *store,
                const roaring_bitmap_t *members,
                AudExportChanges        changes,
                AudExportSummary      **summary)
{
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;

  options.preset = g_strdup ("meta-plain");
  options.columns = strv_of ("extern_id=customer_id", NULL);
  options.segment_name = g_strdup ("vip");
  options.definition = g_strdup ("{\"match\":{\"all\":[]}}");
  options.now = 1717200000;
  options.changes = changes;

  return export_text (store, members, &options, summary);
}

static gboolean
ends_with_ids (const char *text,
               const char *ids)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) found = g_string_new (NULL);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *comma = strrchr (lines[i], ',');

      g_string_append_printf (found, "%s%s", found->len > 0 ? " " : "", comma + 1);
    }

  if (!g_str_equal (found->str, ids))
    g_test_message ("ids: %s, expected %s", found->str, ids);

  return g_str_equal (found->str, ids);
}

static void
test_exporter_changes (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_autoptr(AudExportSummary) summary = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  roaring_bitmap_t *members = members_of (1, 2, 3, 6, 0);
  roaring_bitmap_t *state;
  roaring_bitmap_t *expected;
  g_autofree char *text = NULL;
  AudExportRecord *record;

  /* Before any export, everyone counts as added. */
  text = export_changes (store, members, AUD_EXPORT_CHANGES_ADDED, &summary);
  g_assert_true (ends_with_ids (text, "C1 C2 C6"));
  g_assert_cmpuint (summary->n_previous, ==, 0);
  g_assert_cmpuint (summary->warnings->len, ==, 1);

  /* C2 withdraws consent; C7 and C8 join the segment. */
  set_value (store, "consent_ads", "C2", 0);
  roaring_bitmap_add_many (members, 2, (uint32_t[]) { 7, 8 });

  g_clear_pointer (&summary, aud_export_summary_free);
  g_clear_pointer (&text, g_free);
  text = export_changes (store, members, AUD_EXPORT_CHANGES_ADDED, &summary);
  g_assert_true (ends_with_ids (text, "C7 C8"));
  g_assert_cmpuint (summary->n_previous, ==, 3);
  g_assert_cmpuint (summary->n_written, ==, 2);
  g_assert_cmpuint (summary->n_unconsented, ==, 1);

  /* Removed: C2, whose consent is gone, so that the platform drops it. */
  g_clear_pointer (&summary, aud_export_summary_free);
  g_clear_pointer (&text, g_free);
  text = export_changes (store, members, AUD_EXPORT_CHANGES_REMOVED, &summary);
  g_assert_true (ends_with_ids (text, "C2"));
  g_assert_nonnull (strstr (text, "bob@example.com"));
  g_assert_cmpuint (summary->n_previous, ==, 5);

  /* C1 leaves the segment: C3, whose address C1 shares, is no longer a
   * duplicate and is added; C1 is removed. */
  roaring_bitmap_remove (members, 1);
  g_clear_pointer (&summary, aud_export_summary_free);
  g_clear_pointer (&text, g_free);
  text = export_changes (store, members, AUD_EXPORT_CHANGES_ADDED, &summary);
  g_assert_true (ends_with_ids (text, "C3"));
  g_clear_pointer (&summary, aud_export_summary_free);
  g_clear_pointer (&text, g_free);
  text = export_changes (store, members, AUD_EXPORT_CHANGES_REMOVED, &summary);
  g_assert_true (ends_with_ids (text, "C1"));

  /* The log, newest first. The target now holds C3, C6, C7, C8. */
  records = aud_exporter_list (store, "vip", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 5);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpstr (record->changes, ==, "removed");
  g_assert_cmpstr (record->preset, ==, "meta-plain");
  g_assert_cmpstr (record->format, ==, "csv");
  g_assert_cmpstr (record->segment_name, ==, "vip");
  g_assert_cmpstr (record->definition, ==, "{\"match\":{\"all\":[]}}");
  g_assert_cmpint (record->now, ==, 1717200000);
  g_assert_cmpint (record->count, ==, 1);
  g_assert_true (g_path_is_absolute (record->file));
  g_assert_cmpstr (((AudExportRecord *)g_ptr_array_index (records, 4))->changes, ==, "added");

  state = aud_exporter_dup_members (store, record->id, &error);
  g_assert_no_error (error);
  expected = members_of (3, 6, 7, 8, 0);
  g_assert_true (roaring_bitmap_equals (state, expected));

  /* Another segment's log is separate. */
  g_clear_pointer (&records, g_ptr_array_unref);
  records = aud_exporter_list (store, "other", &error);
  g_assert_cmpuint (records->len, ==, 0);

  roaring_bitmap_free (state);
  roaring_bitmap_free (expected);
  roaring_bitmap_free (members);
}

typedef struct
{
  AudExportSummary *summary;
  GError           *error;
  gboolean          done;
} AsyncResult;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->summary = aud_exporter_run_finish (AUD_STORE (object), result, &r->error);
  r->done = TRUE;
}

static void
test_exporter_async (void)
{
  g_autoptr(AudStore) store = big_store (5000);
  g_autoptr(AudProgress) progress = aud_progress_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = temp_path ("async.jsonl");
  g_autofree char *contents = NULL;
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  roaring_bitmap_t *members = roaring_bitmap_from_range (1, 5001, 1);
  AsyncResult r = { 0, };

  options.format = AUD_EXPORT_FORMAT_JSONL;
  aud_exporter_run_async (store, members, path, &options, progress, NULL, run_cb, &r);
  roaring_bitmap_free (members);   /* copied */
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (r.error);
  g_assert_cmpuint (r.summary->n_written, ==, 5000);
  g_assert_cmpfloat (aud_progress_get_fraction (progress), ==, 1.0);
  contents = read_file (path);
  g_assert_true (g_str_has_prefix (contents, "{\"customer_id\":\"X1\",\"filler\":\"xxx"));
  g_assert_cmpint (count_exports (store), ==, 1);
  aud_export_summary_free (r.summary);

  /* Cancelled: an error, no file, no log. */
  memset (&r, 0, sizeof r);
  g_unlink (path);
  members = roaring_bitmap_from_range (1, 5001, 1);
  g_cancellable_cancel (cancellable);
  aud_exporter_run_async (store, members, path, &options, NULL, cancellable, run_cb, &r);
  roaring_bitmap_free (members);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (r.summary);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_exports (store), ==, 1);
  g_clear_error (&r.error);
}

/* Runs audiences-cli with @argv (NULL-terminated, without the program);
 * returns its exit status and output. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list args;

  g_ptr_array_add (argv, (char *)g_getenv ("AUD_CLI"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &status, &error);
  g_assert_no_error (error);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_exporter_cli (void)
{
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *workspace = NULL;
  g_autofree char *definition = temp_path ("everyone.json");
  g_autofree char *output = temp_path ("mailchimp.csv");
  g_autofree char *contents = NULL;
  char *out = NULL, *err = NULL;
  JsonArray *log;

  if (g_getenv ("AUD_CLI") == NULL)
    {
      g_test_skip ("AUD_CLI is not set");
      return;
    }

  store = fixture_store ();
  workspace = g_strdup (aud_store_get_path (store));
  g_assert_true (g_file_set_contents (definition,
                                      "{\"format\": 1, \"name\": \"everyone\", "
                                      "\"match\": {\"all\": []}}", -1, NULL));
  segment = aud_segment_parse ("{\"format\": 1, \"name\": \"vip\", \"match\": "
                               "{\"field\": \"visits\", \"op\": \"ge\", \"value\": 0}}",
                               -1, &error);
  g_assert_no_error (error);
  g_assert_true (aud_segment_save (store, segment, FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* A definition file, a preset: the summary line counts who was left out. */
  g_assert_cmpint (run_cli (&out, &err, "export", workspace, definition, "-o", output,
                            "--preset", "mailchimp", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Wrote 5 of 8 members to "));
  g_assert_nonnull (strstr (out, "1 without consent, 1 merged as duplicates, 0 suppressed, "
                                 "1 without an identifier"));
  g_assert_nonnull (strstr (out, "1 phone number could not be normalised"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  contents = read_file (output);
  g_assert_true (g_str_has_prefix (contents, "Email Address,First Name,Last Name,Phone Number\n"
                                             "jane.doe@example.com,Zoë,Müller,+49301234567\n"));

  /* A saved segment by name (C1 and C2 have a visit count), JSON Lines,
   * changes. */
  g_clear_pointer (&contents, g_free);
  g_assert_cmpint (run_cli (&out, &err, "export", workspace, "vip", "-o", output, "--format",
                            "jsonl", "--columns", "customer_id, visits", "--changes", "added",
                            "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                               "written"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  contents = read_file (output);
  g_assert_cmpstr (contents, ==,
                   "{\"customer_id\":\"C1\",\"visits\":3}\n{\"customer_id\":\"C2\",\"visits\":0}\n");

  /* The log. */
  g_assert_cmpint (run_cli (&out, &err, "exports", workspace, "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  log = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (log), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (log, 0),
                                                  "segment"), ==, "vip");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (log, 0),
                                                  "changes"), ==, "added");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (log, 1),
                                                  "segment"), ==, "everyone");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (log, 1),
                                                  "preset"), ==, "mailchimp");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors exit 2; failures 1 with the reason. */
  g_assert_cmpint (run_cli (&out, &err, "export", workspace, "vip", "-o", output, "--preset",
                            "myspace", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "myspace"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "export", workspace, "vip", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "export", workspace, "no-such-segment", "-o", output,
                            NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "export", workspace, "vip", "-o", "/nonexistent/x.csv",
                            NULL), ==, 1);
  g_assert_nonnull (strstr (err, "/nonexistent"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
}

/* Plans, then runs, @options over @members: the plan counts what the run
 * writes and leaves out, and itself writes and records nothing. */
static void
assert_plan_matches_run (AudStore               *store,
                         const roaring_bitmap_t *members,
                         const AudExportOptions *options)
{
  g_autofree char *path = temp_path ("planned.txt");
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExportSummary) plan = NULL;
  g_autoptr(AudExportSummary) run = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  g_unlink (path);
  before = aud_exporter_list (store, NULL, &error);
  g_assert_no_error (error);

  plan = aud_exporter_plan (store, members, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (plan->file);
  g_assert_cmpuint (plan->bytes, ==, 0);
  g_assert_cmpint (plan->export_id, ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  after = aud_exporter_list (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);

  run = aud_exporter_run (store, members, path, options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->n_members, ==, run->n_members);
  g_assert_cmpuint (plan->n_written, ==, run->n_written);
  g_assert_cmpuint (plan->n_unconsented, ==, run->n_unconsented);
  g_assert_cmpuint (plan->n_suppressed, ==, run->n_suppressed);
  g_assert_cmpuint (plan->n_no_identifier, ==, run->n_no_identifier);
  g_assert_cmpuint (plan->n_merged, ==, run->n_merged);
  g_assert_cmpuint (plan->n_previous, ==, run->n_previous);
  g_assert_cmpuint (plan->warnings->len, ==, run->warnings->len);
}

static void
test_exporter_plan (void)
{
  g_autoptr(AudStore) store = fixture_store ();
  g_auto(AudExportOptions) options = AUD_EXPORT_OPTIONS_INIT;
  g_autoptr(AudExportSummary) plan = NULL;
  g_autoptr(GError) error = NULL;
  roaring_bitmap_t *members = all_members ();

  /* Everyone. */
  assert_plan_matches_run (store, members, &options);

  /* Consent, missing and merged addresses. */
  options.preset = g_strdup ("klaviyo");
  plan = aud_exporter_plan (store, members, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->n_written, <, N_ROWS);
  g_assert_cmpuint (plan->n_unconsented + plan->n_no_identifier + plan->n_merged, >, 0);
  assert_plan_matches_run (store, members, &options);
  options.include_unconsented = TRUE;
  assert_plan_matches_run (store, members, &options);

  /* A suppression list, in JSON Lines. */
  g_free (options.preset);
  options.preset = g_strdup ("meta");
  options.format = AUD_EXPORT_FORMAT_JSONL;
  options.include_unconsented = FALSE;
  options.suppress = g_test_build_filename (G_TEST_DIST, "data", "exp-suppress.txt", NULL);
  assert_plan_matches_run (store, members, &options);

  /* Changes: everyone is added the first time, no one the second. */
  g_clear_pointer (&options.suppress, g_free);
  options.segment_name = g_strdup ("planned");
  options.changes = AUD_EXPORT_CHANGES_ADDED;
  assert_plan_matches_run (store, members, &options);
  g_clear_pointer (&plan, aud_export_summary_free);
  plan = aud_exporter_plan (store, members, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->n_written, ==, 0);
  g_assert_cmpuint (plan->n_previous, >, 0);
  roaring_bitmap_remove (members, 1);
  options.changes = AUD_EXPORT_CHANGES_REMOVED;
  assert_plan_matches_run (store, members, &options);

  /* The same errors as a run. */
  g_free (options.preset);
  options.preset = g_strdup ("nowhere");
  g_clear_pointer (&plan, aud_export_summary_free);
  plan = aud_exporter_plan (store, members, &options, NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_UNKNOWN_PRESET);

  roaring_bitmap_free (members);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/exporter/csv/canonical", test_exporter_csv_canonical);
  g_test_add_func ("/exporter/csv/options", test_exporter_csv_options);
  g_test_add_func ("/exporter/csv/round-trip", test_exporter_csv_round_trip);
  g_test_add_func ("/exporter/json", test_exporter_json);
  g_test_add_func ("/exporter/jsonl", test_exporter_jsonl);
  g_test_add_func ("/exporter/ids/exact", test_exporter_exact_ids);
  g_test_add_func ("/exporter/ids/missing", test_exporter_missing_ids);
  g_test_add_func ("/exporter/atomic/failure", test_exporter_atomic_failure);
  g_test_add_func ("/exporter/atomic/cancel", test_exporter_atomic_cancel);
  g_test_add_func ("/exporter/atomic/unwritable", test_exporter_atomic_unwritable);
  g_test_add_func ("/exporter/consent", test_exporter_consent);
  g_test_add_func ("/exporter/consent/missing", test_exporter_consent_missing);
  g_test_add_func ("/exporter/preset/meta", test_exporter_meta);
  g_test_add_func ("/exporter/preset/meta-plain", test_exporter_meta_plain);
  g_test_add_func ("/exporter/preset/google", test_exporter_google);
  g_test_add_func ("/exporter/preset/email-tools", test_exporter_email_tools);
  g_test_add_func ("/exporter/errors", test_exporter_errors);
  g_test_add_func ("/exporter/suppression", test_exporter_suppression);
  g_test_add_func ("/exporter/changes", test_exporter_changes);
  g_test_add_func ("/exporter/async", test_exporter_async);
  g_test_add_func ("/exporter/plan", test_exporter_plan);
  g_test_add_func ("/exporter/cli", test_exporter_cli);

  return g_test_run ();
}
