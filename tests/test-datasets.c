/* test-datasets.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * Imports of real public files (the folder in $AUD_DATASETS_DIR, described
 * by its README.md and each SOURCE.md) checked against the counts measured
 * on them. A missing folder or file skips its test.
 */

#include "config.h"

#include <string.h>

#include "aud-importer.h"

/* The data set file @name, or NULL after marking the test skipped. */
static char *
dataset_path (const char *name)
{
  const char *dir = g_getenv ("AUD_DATASETS_DIR");
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  if (dir == NULL || dir[0] == '\0')
    {
      g_test_skip ("data sets folder not found: AUD_DATASETS_DIR is not set");
      return NULL;
    }

  path = g_build_filename (dir, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      message = g_strdup_printf ("data set file not found: %s", path);
      g_test_skip (message);
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* A new workspace in the per-test folder of G_TEST_OPTION_ISOLATE_DIRS. */
static AudStore *
new_workspace (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".audiences", NULL);
  g_autofree char *path = NULL;
  AudStore *store;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  path = g_build_filename (g_get_user_data_dir (), file, NULL);
  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  return store;
}

/* The default mapping the preview of @path proposes for @kind. */
static AudImportMapping *
default_mapping (const char    *path,
                 AudImportKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudImportPreview) preview = NULL;

  preview = aud_import_preview_new (path, NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);

  return aud_import_preview_dup_mapping (preview, kind);
}

static AudImportSummary *
run_import (AudStore               *store,
            const char             *path,
            const AudImportMapping *mapping)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  AudImportSummary *summary;

  summary = aud_importer_run (store, path, mapping, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);

  report = aud_import_summary_to_text (summary);
  g_test_message ("%s(%" G_GINT64_FORMAT " ms)", report, summary->duration_ms);

  return summary;
}

static void
assert_counts (const AudImportSummary *summary,
               guint64                 read,
               guint64                 inserted,
               guint64                 updated,
               guint64                 rejected)
{
  g_assert_cmpuint (summary->rows_read, ==, read);
  g_assert_cmpuint (summary->rows_inserted, ==, inserted);
  g_assert_cmpuint (summary->rows_updated, ==, updated);
  g_assert_cmpuint (summary->rows_rejected, ==, rejected);
  g_assert_cmpuint (summary->rows_inserted + summary->rows_updated + summary->rows_rejected, ==,
                    summary->rows_read);
}

static gboolean
has_note_containing (const AudImportSummary *summary,
                     const char             *part)
{
  for (guint i = 0; i < summary->notes->len; i++)
    {
      if (strstr (summary->notes->pdata[i], part) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The SQL column of field @name, checked to have @type. */
static char *
field_column (AudStore     *store,
              AudScope      scope,
              const char   *name,
              AudFieldType  type)
{
  g_autoptr(AudField) field = aud_store_dup_field (store, scope, name);

  if (field == NULL)
    g_error ("no field “%s”", name);
  g_test_message ("field %s: %s (%s), scale %u", name, aud_field_type_to_string (field->type),
                  field->column, field->scale);
  g_assert_cmpstr (aud_field_type_to_string (field->type), ==, aud_field_type_to_string (type));

  return g_strdup (field->column);
}

static guint
field_scale (AudStore   *store,
             AudScope    scope,
             const char *name)
{
  g_autoptr(AudField) field = aud_store_dup_field (store, scope, name);

  g_assert_nonnull (field);
  return field->scale;
}

/* Runs @sql (its identifiers made by the store) with @param bound as ?1
 * when not NULL, and returns the first column of its first row as text:
 * "NULL" for a NULL, "(none)" without a row. */
static char *
query_text (AudStore   *store,
            const char *sql,
            const char *param)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = aud_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return g_strdup ("(none)");
  g_assert_cmpint (rc, ==, SQLITE_ROW);
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return g_strdup ("NULL");

  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

static gint64
query_int (AudStore   *store,
           const char *sql,
           const char *param)
{
  g_autofree char *text = query_text (store, sql, param);

  return g_ascii_strtoll (text, NULL, 10);
}

/* Like query_text() on a statement whose column names are from @column
 * ("%1$s" in @format). */
static char *
query_column_text (AudStore   *store,
                   const char *format,
                   const char *column,
                   const char *param)
{
  g_autofree char *sql = g_strdup_printf (format, column);

  return query_text (store, sql, param);
}

static gint64
query_column_int (AudStore   *store,
                  const char *format,
                  const char *column,
                  const char *param)
{
  g_autofree char *text = query_column_text (store, format, column, param);

  return g_ascii_strtoll (text, NULL, 10);
}

static void
assert_field_type (AudStore     *store,
                   AudScope      scope,
                   const char   *name,
                   AudFieldType  type)
{
  g_autofree char *column = field_column (store, scope, name, type);
}

/* How many customers (or events, by @scope) have field @name @condition:
 * "IS NULL", "= 0", "= ?1" with @value bound as text... */
static gint64
count_where (AudStore   *store,
             AudScope    scope,
             const char *name,
             const char *condition,
             const char *value)
{
  g_autoptr(AudField) field = aud_store_dup_field (store, scope, name);
  g_autofree char *sql = NULL;

  g_assert_nonnull (field);
  sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s %s",
                         scope == AUD_SCOPE_CUSTOMER ? "customers" : "events", field->column,
                         condition);

  return query_int (store, sql, value);
}

/* The stored value of customer field @name of customer @id, as
 * "typeof:text". */
static char *
customer_value (AudStore   *store,
                const char *name,
                const char *id)
{
  g_autoptr(AudField) field = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, name);
  g_autofree char *sql = NULL;

  g_assert_nonnull (field);
  sql = g_strdup_printf ("SELECT typeof(%s) || ':' || coalesce(%s, '') FROM customers "
                         "WHERE external_id = ?1", field->column, field->column);

  return query_text (store, sql, id);
}

static void
assert_customer_value (AudStore   *store,
                       const char *name,
                       const char *id,
                       const char *expected)
{
  g_autofree char *value = customer_value (store, name, id);

  g_assert_cmpstr (value, ==, expected);
}

static gint64
count_rejects (AudStore *store,
               gint64    import_id)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, import_id);

  return query_int (store, "SELECT count(*) FROM rejects WHERE import = ?1", id);
}

static void
check_integrity (AudStore *store)
{
  g_autofree char *result = query_text (store, "PRAGMA integrity_check", NULL);

  g_assert_cmpstr (result, ==, "ok");
}

/* Imports @path as customers with the mapping its preview proposes, once
 * checked that the preview guessed @guessed_id as the id column (NULL:
 * none), but with @id_column as the id (NULL: customers numbered by row). */
static AudImportSummary *
import_customers (AudStore   *store,
                  const char *path,
                  const char *guessed_id,
                  const char *id_column)
{
  g_autoptr(AudImportMapping) mapping = default_mapping (path, AUD_IMPORT_CUSTOMERS);

  g_assert_cmpstr (mapping->id_column, ==, guessed_id);
  g_free (mapping->id_column);
  mapping->id_column = g_strdup (id_column);

  return run_import (store, path, mapping);
}

/* The mapping kept in the import log of @summary, which must read back to
 * the same JSON. */
static AudImportMapping *
logged_mapping (AudStore               *store,
                const AudImportSummary *summary)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, summary->import_id);
  g_autofree char *json = query_text (store, "SELECT mapping FROM imports WHERE id = ?1", id);
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;
  AudImportMapping *mapping;

  mapping = aud_import_mapping_new_from_json (json, &error);
  g_assert_no_error (error);
  again = aud_import_mapping_to_json (mapping);
  g_assert_cmpstr (again, ==, json);

  return mapping;
}

/* Telco churn --------------------------------------------------------- */

static void
test_datasets_telco (void)
{
  g_autofree char *path = dataset_path ("telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportSummary) first = NULL;
  g_autoptr(AudImportSummary) second = NULL;
  g_autoptr(GPtrArray) imports = NULL;
  g_autoptr(GError) error = NULL;
  AudImportSummary *logged;
  gint64 version;

  if (path == NULL)
    return;

  store = new_workspace ("telco");
  first = import_customers (store, path, "customerID", "customerID");
  assert_counts (first, 7043, 7043, 0, 0);
  g_assert_false (first->ids_from_row_numbers);
  g_assert_cmpint (aud_store_count_customers (store), ==, 7043);
  g_assert_cmpuint (first->size, ==, 977501);
  g_assert_cmpstr (first->sha256, ==,
                   "88be4b93fbe0cc83421af1c503794c97c342eca914c1576db7c276e61d61358a");

  /* TotalCharges: a decimal whose 11 single-space cells are blank, all
   * with tenure 0. */
  assert_field_type (store, AUD_SCOPE_CUSTOMER, "TotalCharges", AUD_FIELD_DECIMAL);
  g_assert_cmpuint (field_scale (store, AUD_SCOPE_CUSTOMER, "TotalCharges"), ==, 2);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "TotalCharges", "IS NULL",
                                NULL), ==, 11);
  assert_field_type (store, AUD_SCOPE_CUSTOMER, "tenure", AUD_FIELD_INTEGER);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "tenure", "= 0", NULL), ==, 11);
  assert_customer_value (store, "TotalCharges", "5575-GNVDE", "integer:188950");

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "MonthlyCharges", AUD_FIELD_DECIMAL);
  assert_customer_value (store, "MonthlyCharges", "7590-VHVEG", "integer:2985");

  /* Churn: Yes 1,869, No 5,174, stored as a boolean. */
  assert_field_type (store, AUD_SCOPE_CUSTOMER, "Churn", AUD_FIELD_BOOLEAN);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "Churn", "= 1", NULL), ==, 1869);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "Churn", "= 0", NULL), ==, 5174);
  assert_customer_value (store, "gender", "7590-VHVEG", "text:Female");

  /* The same file again: every row updates its customer. */
  version = aud_store_get_data_version (store);
  second = import_customers (store, path, "customerID", "customerID");
  assert_counts (second, 7043, 0, 7043, 0);
  g_assert_cmpint (aud_store_count_customers (store), ==, 7043);
  g_assert_cmpint (aud_store_get_data_version (store), ==, version + 1);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "Churn", "= 1", NULL), ==, 1869);

  /* The import log, newest first. */
  imports = aud_importer_list_imports (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imports->len, ==, 2);
  logged = imports->pdata[0];
  g_assert_cmpint (logged->import_id, ==, second->import_id);
  g_assert_cmpuint (logged->rows_read, ==, 7043);
  g_assert_cmpuint (logged->rows_updated, ==, 7043);
  g_assert_cmpstr (logged->sha256, ==, first->sha256);
  g_assert_cmpint (((AudImportSummary *)imports->pdata[1])->import_id, ==, first->import_id);
  check_integrity (store);
}

/* Bank marketing -------------------------------------------------------- */

typedef struct
{
  const char *file;
  guint64     rows;
  guint       columns;
  gint64      yes;
  gint64      no;
  const char *first_job;
  const char *dotted[3];
} BankCase;

static void
test_datasets_bank (gconstpointer data)
{
  const BankCase *c = data;
  g_autofree char *path = dataset_path (c->file);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autofree char *y = NULL;
  g_autofree char *last = NULL;

  if (path == NULL)
    return;

  store = new_workspace ("bank");
  summary = import_customers (store, path, NULL, NULL);
  assert_counts (summary, c->rows, c->rows, 0, 0);
  g_assert_true (summary->ids_from_row_numbers);
  g_assert_true (has_note_containing (summary, "row numbers"));
  g_assert_cmpint (aud_store_count_customers (store), ==, c->rows);

  /* Row numbers as ids: 1 to the last data row. */
  last = g_strdup_printf ("%" G_GUINT64_FORMAT, c->rows);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM customers WHERE external_id = ?1",
                              last), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM customers WHERE external_id = '1'",
                              NULL), ==, 1);

  /* Every column but none is an id: all of them are fields, named as in
   * the header, dots included. */
  fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
  g_assert_cmpuint (fields->len, ==, c->columns);
  for (guint i = 0; i < G_N_ELEMENTS (c->dotted) && c->dotted[i] != NULL; i++)
    {
      g_autoptr(AudField) field = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, c->dotted[i]);

      g_assert_nonnull (field);
      g_assert_cmpint (field->type, ==, AUD_FIELD_DECIMAL);
    }

  y = field_column (store, AUD_SCOPE_CUSTOMER, "y", AUD_FIELD_BOOLEAN);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "y", "= 1", NULL), ==, c->yes);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "y", "= 0", NULL), ==, c->no);
  assert_customer_value (store, "job", "1", c->first_job);

  /* The import log keeps the mapping, delimiter included. */
  mapping = logged_mapping (store, summary);
  g_assert_cmpint (mapping->read.delimiter, ==, ';');
  g_assert_null (mapping->id_column);
  check_integrity (store);
}

static const BankCase bank_full = {
  "bank-marketing/bank-full.csv", 45211, 17, 5289, 39922, "text:management", { NULL },
};

static const BankCase bank_additional = {
  "bank-marketing/bank-additional-full.csv", 41188, 21, 4640, 36548, "text:housemaid",
  { "emp.var.rate", "cons.price.idx", "nr.employed" },
};

/* Customer personality --------------------------------------------------- */

static void
test_datasets_marketing_campaign (void)
{
  g_autofree char *path = dataset_path ("customer-personality/marketing_campaign.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autofree char *income = NULL;
  g_autofree char *since = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  if (path == NULL)
    return;

  store = new_workspace ("campaign");
  summary = import_customers (store, path, "ID", "ID");
  mapping = logged_mapping (store, summary);
  g_assert_cmpint (mapping->read.delimiter, ==, '\t');
  assert_counts (summary, 2240, 2240, 0, 0);

  /* dd-mm-yyyy, day first: 04-09-2012 is 4 September 2012. */
  since = field_column (store, AUD_SCOPE_CUSTOMER, "Dt_Customer", AUD_FIELD_DATE);
  assert_customer_value (store, "Dt_Customer", "5524", "text:2012-09-04");
  assert_customer_value (store, "Dt_Customer", "2174", "text:2014-03-08");
  first = query_column_text (store, "SELECT min(%s) FROM customers", since, NULL);
  g_assert_cmpstr (first, ==, "2012-07-30");
  last = query_column_text (store, "SELECT max(%s) FROM customers", since, NULL);
  g_assert_cmpstr (last, ==, "2014-06-29");

  /* Income: whole numbers with 24 blanks. */
  income = field_column (store, AUD_SCOPE_CUSTOMER, "Income", AUD_FIELD_INTEGER);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "Income", "IS NULL", NULL), ==, 24);
  g_assert_cmpint (query_column_int (store, "SELECT max(%s) FROM customers", income, NULL), ==,
                   666666);
  assert_customer_value (store, "Income", "5524", "integer:58138");

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "Marital_Status", AUD_FIELD_CATEGORY);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "Marital_Status", "= ?1",
                                "YOLO"), ==, 2);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "Marital_Status", "= ?1",
                                "Married"), ==, 864);
  check_integrity (store);
}

/* Mall customers ---------------------------------------------------------- */

static void
test_datasets_mall (void)
{
  g_autofree char *path = dataset_path ("mall-customers/Mall_Customers.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportSummary) summary = NULL;

  if (path == NULL)
    return;

  store = new_workspace ("mall");
  summary = import_customers (store, path, "CustomerID", "CustomerID");
  assert_counts (summary, 200, 200, 0, 0);

  /* Zero-padded ids stay as written. */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM customers WHERE external_id = ?1",
                              "0001"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM customers WHERE external_id = ?1",
                              "1"), ==, 0);

  /* The last line has no line break and is not lost. */
  assert_customer_value (store, "Genre", "0200", "text:Male");
  assert_customer_value (store, "Age", "0200", "integer:30");
  assert_customer_value (store, "Annual Income (k$)", "0200", "integer:137");
  assert_customer_value (store, "Spending Score (1-100)", "0200", "integer:83");

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "Genre", AUD_FIELD_CATEGORY);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "Genre", "= ?1", "Female"), ==, 112);
  check_integrity (store);
}

/* Olist ------------------------------------------------------------------- */

/* Every (id, value) of @column in @path equals what @store holds for
 * customer field @field: nothing changed on the way in. */
static void
assert_column_kept (AudStore   *store,
                    const char *path,
                    const char *id_column,
                    const char *column,
                    const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudReader) reader = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(AudField) f = aud_store_dup_field (store, AUD_SCOPE_CUSTOMER, field);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  const char * const *names;
  guint n_names, id_index = G_MAXUINT, index = G_MAXUINT;
  guint64 n_checked = 0;
  AudRow *row;

  g_assert_nonnull (f);
  sql = g_strdup_printf ("SELECT external_id, %s FROM customers", f->column);
  stmt = aud_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (stored, g_strdup ((const char *)sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *)sqlite3_column_text (stmt, 1)));

  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  names = aud_reader_get_columns (reader, &n_names);
  for (guint i = 0; i < n_names; i++)
    {
      if (g_str_equal (names[i], id_column))
        id_index = i;
      if (g_str_equal (names[i], column))
        index = i;
    }
  g_assert_cmpuint (id_index, <, n_names);
  g_assert_cmpuint (index, <, n_names);

  while (aud_reader_next (reader, &row, &error))
    {
      g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
      g_assert_cmpstr (g_hash_table_lookup (stored, row->cells[id_index]), ==,
                       row->cells[index]);
      n_checked++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_checked, ==, g_hash_table_size (stored));
}

static void
test_datasets_olist_customers (void)
{
  g_autofree char *path = dataset_path ("olist/olist_customers_dataset.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autofree char *unique = NULL;
  g_autofree char *zip = NULL;

  if (path == NULL)
    return;

  store = new_workspace ("olist-customers");
  /* One customer_id per order; the person is customer_unique_id. Import
   * by order customer here, and count people with SQL. */
  summary = import_customers (store, path, "customer_unique_id", "customer_id");
  assert_counts (summary, 99441, 99441, 0, 0);

  unique = field_column (store, AUD_SCOPE_CUSTOMER, "customer_unique_id", AUD_FIELD_TEXT);
  g_assert_cmpint (query_column_int (store, "SELECT count(DISTINCT %s) FROM customers", unique,
                                     NULL), ==, 96096);

  /* Zip prefixes are text, as written ("9790", not 09790 nor 9790.0). */
  zip = field_column (store, AUD_SCOPE_CUSTOMER, "customer_zip_code_prefix", AUD_FIELD_TEXT);
  g_assert_cmpint (query_column_int (store, "SELECT count(*) FROM customers "
                                     "WHERE length(%s) = 4", zip, NULL), ==, 23995);
  assert_column_kept (store, path, "customer_id", "customer_zip_code_prefix",
                      "customer_zip_code_prefix");

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "customer_state", AUD_FIELD_CATEGORY);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "customer_state", "= ?1",
                                "SP"), ==, 41746);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "customer_state", "= ?1",
                                "RJ"), ==, 12852);
  check_integrity (store);

  /* By person, as the preview proposes: a person seen again (2,997 of them,
   * up to 17 times) updates the customer, the later row winning. */
  g_clear_object (&store);
  g_clear_pointer (&summary, aud_import_summary_free);
  store = new_workspace ("olist-people");
  summary = import_customers (store, path, "customer_unique_id", "customer_unique_id");
  assert_counts (summary, 99441, 96096, 3345, 0);
  g_assert_cmpint (aud_store_count_customers (store), ==, 96096);
  /* Three rows in timbo, then the last one in pomerode. */
  assert_customer_value (store, "customer_city", "f34cd7fd85a1f8baff886edf09567be3",
                         "text:pomerode");
  assert_customer_value (store, "customer_zip_code_prefix", "f34cd7fd85a1f8baff886edf09567be3",
                         "text:89107");
}

static void
test_datasets_olist_payments (void)
{
  g_autofree char *path = dataset_path ("olist/olist_order_payments_dataset.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autofree char *value = NULL;
  g_autofree char *order = NULL;

  if (path == NULL)
    return;

  /* No time column, so not events: one profile per payment row, numbered
   * by row, which keeps every row. */
  store = new_workspace ("olist-payments");
  summary = import_customers (store, path, NULL, NULL);
  assert_counts (summary, 103886, 103886, 0, 0);
  g_assert_true (summary->ids_from_row_numbers);

  /* The exact total of payment_value: 16,008,872.12. */
  value = field_column (store, AUD_SCOPE_CUSTOMER, "payment_value", AUD_FIELD_DECIMAL);
  g_assert_cmpuint (field_scale (store, AUD_SCOPE_CUSTOMER, "payment_value"), ==, 2);
  g_assert_cmpint (query_column_int (store, "SELECT sum(%s) FROM customers", value, NULL), ==,
                   1600887212);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "payment_value", "= 0", NULL), ==, 9);

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "payment_type", AUD_FIELD_CATEGORY);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "payment_type", "= ?1",
                                "credit_card"), ==, 76795);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "payment_type", "= ?1",
                                "not_defined"), ==, 3);

  order = field_column (store, AUD_SCOPE_CUSTOMER, "order_id", AUD_FIELD_TEXT);
  g_assert_cmpint (query_column_int (store, "SELECT count(DISTINCT %s) FROM customers", order,
                                     NULL), ==, 99440);
  check_integrity (store);
}

static void
test_datasets_olist_products (void)
{
  g_autofree char *path = dataset_path ("olist/olist_products_dataset.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportSummary) summary = NULL;

  if (path == NULL)
    return;

  store = new_workspace ("olist-products");
  summary = import_customers (store, path, NULL, "product_id");
  assert_counts (summary, 32951, 32951, 0, 0);

  /* Quoted or not, every id is its 32 hex digits. */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM customers "
                              "WHERE length(external_id) = 32 "
                              "AND external_id NOT GLOB '*[^0-9a-f]*'", NULL), ==, 32951);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM customers "
                              "WHERE external_id GLOB '[0-9]*'", NULL), ==, 20568);

  /* The header's spelling is kept. */
  assert_field_type (store, AUD_SCOPE_CUSTOMER, "product_name_lenght", AUD_FIELD_INTEGER);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "product_name_lenght", "IS NULL",
                                NULL), ==, 610);

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "product_category_name", AUD_FIELD_TEXT);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "product_category_name", "IS NULL",
                                NULL), ==, 610);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "product_category_name", "= ?1",
                                "cama_mesa_banho"), ==, 3029);

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "product_weight_g", AUD_FIELD_INTEGER);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "product_weight_g", "IS NULL",
                                NULL), ==, 2);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "product_weight_g", "= 0", NULL), ==, 4);
  check_integrity (store);
}

static void
test_datasets_olist_sellers (void)
{
  g_autofree char *path = dataset_path ("olist/olist_sellers_dataset.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportSummary) summary = NULL;

  if (path == NULL)
    return;

  store = new_workspace ("olist-sellers");
  summary = import_customers (store, path, NULL, "seller_id");
  assert_counts (summary, 3095, 3095, 0, 0);

  /* The decomposed "são paulo" (a + U+0303) keeps its bytes: it is not
   * made the same as the composed or the plain ASCII spelling. */
  assert_field_type (store, AUD_SCOPE_CUSTOMER, "seller_city", AUD_FIELD_TEXT);
  assert_customer_value (store, "seller_city", "a3fa18b3f688ec0fca3eb8bfcbd2d5b3",
                         "text:sa\xcc\x83o paulo");
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "seller_city", "= ?1",
                                "sa\xcc\x83o paulo"), ==, 1);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "seller_city", "= ?1",
                                "s\xc3\xa3o paulo"), ==, 0);
  /* U+00B4 as an apostrophe, and quoted commas. */
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "seller_city", "= ?1",
                                "santa barbara d\xc2\xb4oeste"), ==, 2);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "seller_city", "= ?1",
                                "novo hamburgo, rio grande do sul, brasil"), ==, 1);
  assert_column_kept (store, path, "seller_id", "seller_city", "seller_city");
  assert_column_kept (store, path, "seller_id", "seller_zip_code_prefix",
                      "seller_zip_code_prefix");

  assert_field_type (store, AUD_SCOPE_CUSTOMER, "seller_state", AUD_FIELD_CATEGORY);
  g_assert_cmpint (count_where (store, AUD_SCOPE_CUSTOMER, "seller_state", "= ?1", "SP"), ==, 1849);
  check_integrity (store);
}

static void
test_datasets_olist_categories (void)
{
  g_autofree char *path = dataset_path ("olist/product_category_name_translation.csv");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autofree char *last = NULL;

  if (path == NULL)
    return;

  /* BOM, CRLF and no final line break: the first header name is clean (the
   * mapping names it) and the last row is there. */
  store = new_workspace ("olist-categories");
  summary = import_customers (store, path, NULL, "product_category_name");
  assert_counts (summary, 71, 71, 0, 0);
  assert_customer_value (store, "product_category_name_english", "beleza_saude",
                         "text:health_beauty");
  last = query_text (store, "SELECT external_id FROM customers ORDER BY id DESC", NULL);
  g_assert_cmpstr (last, ==, "seguros_e_servicos");
  assert_customer_value (store, "product_category_name_english", "seguros_e_servicos",
                         "text:security_and_services");
}

/* Online Retail ------------------------------------------------------------ */

/* Unpacks @xz_path into the test's temporary folder; NULL (test skipped)
 * without xz. */
static char *
unpack_xz (const char *xz_path,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) xz = NULL;
  g_autofree char *program = g_find_program_in_path ("xz");
  g_autofree char *out = NULL;

  if (program == NULL)
    {
      g_test_skip ("xz not found: it unpacks the Online Retail file");
      return NULL;
    }

  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);
  out = g_build_filename (g_get_user_cache_dir (), name, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  xz = g_subprocess_launcher_spawn (launcher, &error, program, "-dc", xz_path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (xz, NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&out);
}

typedef struct
{
  guint64     line;
  const char *reason;
  const char *raw;
} FirstReject;

static gboolean
first_reject_cb (const AudReject *reject,
                 gpointer         user_data)
{
  FirstReject *first = user_data;

  first->line = reject->line;
  first->reason = g_strdup (reject->reason);
  first->raw = g_strdup (reject->raw);

  return FALSE;
}

static void
test_datasets_online_retail (void)
{
  g_autofree char *xz_path = dataset_path ("online-retail/OnlineRetail.csv.xz");
  g_autofree char *path = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *price = NULL;
  g_autofree char *invoice = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *import_id = NULL;
  AudImportColumn *column;
  AudRejectGroup *group;
  FirstReject first = { 0, };
  gint64 started;

  if (xz_path == NULL)
    return;

  path = unpack_xz (xz_path, "OnlineRetail.csv");
  if (path == NULL)
    return;

  store = new_workspace ("online-retail");
  mapping = default_mapping (path, AUD_IMPORT_EVENTS);
  g_assert_cmpstr (mapping->id_column, ==, "CustomerID");
  g_assert_cmpstr (mapping->time_column, ==, "InvoiceDate");
  g_clear_pointer (&mapping->event_column, g_free);
  g_free (mapping->event_name);
  mapping->event_name = g_strdup ("purchase");
  mapping->create_customers = TRUE;

  /* M/D/YYYY H:MM, month first. */
  column = aud_import_mapping_get_column (mapping, "InvoiceDate");
  g_assert_nonnull (column);
  g_assert_cmpint (column->format.date_order, ==, AUD_DATE_ORDER_MDY);

  /* Country describes the customer, not the purchase. */
  column = aud_import_mapping_get_column (mapping, "Country");
  g_assert_nonnull (column);
  column->profile = TRUE;
  column->skip = TRUE;

  started = g_get_monotonic_time ();
  summary = run_import (store, path, mapping);
  g_test_message ("Online Retail imported in %.1f s",
                  (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);

  /* Rows without a customer are rejected, counted and kept. */
  assert_counts (summary, 541909, 406829, 0, 135080);
  g_assert_cmpuint (summary->customers_created, ==, 4372);
  g_assert_cmpuint (summary->rows_unknown_customer, ==, 0);
  g_assert_cmpuint (summary->reject_groups->len, ==, 1);
  group = summary->reject_groups->pdata[0];
  g_assert_cmpstr (group->reason, ==, "CustomerID is blank");
  g_assert_cmpuint (group->count, ==, 135080);
  g_assert_cmpuint (group->first_line, ==, 624);

  import_id = g_strdup_printf ("%" G_GINT64_FORMAT, summary->import_id);
  g_assert_cmpint (aud_store_count_events (store), ==, 406829);
  g_assert_cmpint (aud_store_count_customers (store), ==, 4372);
  g_assert_cmpint (count_rejects (store, summary->import_id), ==, 135080);
  g_assert_true (aud_importer_foreach_reject (store, summary->import_id, first_reject_cb, &first,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first.line, ==, 624);
  g_assert_cmpstr (first.reason, ==, "CustomerID is blank");
  g_assert_true (g_str_has_prefix (first.raw, "536414,22139,,56,12/1/2010 11:52,0,,"));
  g_free ((char *)first.reason);
  g_free ((char *)first.raw);

  names = aud_store_list_event_names (store);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (names->pdata[0], ==, "purchase");

  /* 12/1/2010 8:26 in UTC is 1291191960; 12/9/2011 12:50 the last. */
  g_assert_cmpint (query_int (store, "SELECT min(ts) FROM events", NULL), ==, 1291191960);
  g_assert_cmpint (query_int (store, "SELECT max(ts) FROM events", NULL), ==, 1323435000);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM events WHERE customer IS NULL", NULL),
                   ==, 0);

  /* Exact decimals: invoice 536365 costs 27.37 a unit; 550193 has a
   * three-decimal price (395.411); all prices add up to 1,407,819.964. */
  invoice = field_column (store, AUD_SCOPE_EVENT, "InvoiceNo", AUD_FIELD_TEXT);
  price = field_column (store, AUD_SCOPE_EVENT, "UnitPrice", AUD_FIELD_DECIMAL);
  g_assert_cmpuint (field_scale (store, AUD_SCOPE_EVENT, "UnitPrice"), ==, 3);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT sum(%s) FROM events WHERE %s = ?1",
                                            price, invoice);

    g_assert_cmpint (query_int (store, sql, "536365"), ==, 27370);
    g_assert_cmpint (query_int (store, sql, "550193"), ==, 395411);
    g_assert_cmpint (query_int (store, sql, "C536379"), ==, 27500);
  }
  g_assert_cmpint (query_column_int (store, "SELECT sum(%s) FROM events", price, NULL), ==,
                   1407819964);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT ts FROM events WHERE %s = ?1", invoice);

    g_assert_cmpint (query_int (store, sql, "536365"), ==, 1291191960);
  }

  /* Whole numbers, negative ones (cancellations) included. */
  quantity = field_column (store, AUD_SCOPE_EVENT, "Quantity", AUD_FIELD_INTEGER);
  g_assert_cmpint (query_column_int (store, "SELECT sum(%s) FROM events", quantity, NULL), ==,
                   4906888);

  /* A doubled quote inside a quoted field is one quote. */
  assert_field_type (store, AUD_SCOPE_EVENT, "Description", AUD_FIELD_TEXT);
  g_assert_cmpint (count_where (store, AUD_SCOPE_EVENT, "Description", "= ?1",
                                "RECORD FRAME 7\" SINGLE SIZE"), ==, 203);

  /* The 32 gift voucher rows (all without a customer) keep their "£" in
   * the reject table. */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM rejects WHERE import = ?1 "
                              "AND instr(raw, '£') > 0", import_id), ==, 32);

  /* Country became a profile field of the created customers. */
  assert_field_type (store, AUD_SCOPE_CUSTOMER, "Country", AUD_FIELD_CATEGORY);
  g_assert_null (aud_store_dup_field (store, AUD_SCOPE_EVENT, "Country"));
  assert_customer_value (store, "Country", "17850", "text:United Kingdom");
  assert_customer_value (store, "Country", "12583", "text:France");
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM customers WHERE external_id = ?1",
                              "17850"), ==, 1);

  g_assert_cmpint (query_int (store, "SELECT rows_rejected FROM imports WHERE id = ?1",
                              import_id), ==, 135080);
  check_integrity (store);
}

/* Amazon reviews (JSON Lines) --------------------------------------------- */

static void
test_datasets_amazon (void)
{
  g_autofree char *path = dataset_path ("amazon-fashion-reviews/AMAZON_FASHION_5.json");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(AudImportSummary) again = NULL;
  g_autoptr(AudField) vote = NULL;
  g_autofree char *size = NULL;
  g_autofree char *image = NULL;
  g_autofree char *asin = NULL;
  g_autofree char *value = NULL;

  if (path == NULL)
    return;

  store = new_workspace ("amazon");
  mapping = default_mapping (path, AUD_IMPORT_EVENTS);
  g_assert_cmpint (mapping->read.format, ==, AUD_FILE_FORMAT_JSON_LINES);
  g_assert_cmpstr (mapping->id_column, ==, "reviewerID");
  g_free (mapping->time_column);
  mapping->time_column = g_strdup ("unixReviewTime");
  g_clear_pointer (&mapping->event_column, g_free);
  g_free (mapping->event_name);
  mapping->event_name = g_strdup ("review");
  mapping->create_customers = TRUE;

  summary = run_import (store, path, mapping);
  assert_counts (summary, 3176, 3176, 0, 0);
  g_assert_cmpuint (summary->customers_created, ==, 406);
  g_assert_cmpint (aud_store_count_customers (store), ==, 406);
  g_assert_cmpint (aud_store_count_events (store), ==, 3176);

  /* Epoch seconds, midnight UTC: 2009-12-25 to 2018-07-05. */
  g_assert_cmpint (query_int (store, "SELECT min(ts) FROM events", NULL), ==, 1261699200);
  g_assert_cmpint (query_int (store, "SELECT max(ts) FROM events", NULL), ==, 1530748800);

  /* 5.0 is 50 at scale 1. */
  assert_field_type (store, AUD_SCOPE_EVENT, "overall", AUD_FIELD_DECIMAL);
  g_assert_cmpuint (field_scale (store, AUD_SCOPE_EVENT, "overall"), ==, 1);
  g_assert_cmpint (count_where (store, AUD_SCOPE_EVENT, "overall", "= 50", NULL), ==, 2158);
  g_assert_cmpint (count_where (store, AUD_SCOPE_EVENT, "overall", "= 20", NULL), ==, 93);

  /* Line breaks inside JSON strings stay in the text. */
  g_assert_cmpint (count_where (store, AUD_SCOPE_EVENT, "reviewText", "LIKE '%' || char(10) || '%'",
                                NULL), ==, 137);

  assert_field_type (store, AUD_SCOPE_EVENT, "verified", AUD_FIELD_BOOLEAN);
  g_assert_cmpint (count_where (store, AUD_SCOPE_EVENT, "verified", "= 1", NULL), ==, 3079);

  /* Nested keys flattened to dotted names, as written (colon included). */
  size = field_column (store, AUD_SCOPE_EVENT, "style.Size:", AUD_FIELD_TEXT);
  assert_field_type (store, AUD_SCOPE_EVENT, "style.Color:", AUD_FIELD_TEXT);
  asin = field_column (store, AUD_SCOPE_EVENT, "asin", AUD_FIELD_CATEGORY);
  {
    g_autofree char *q = g_strdup_printf ("SELECT %s FROM events WHERE %s = ?1 ORDER BY id",
                                          size, asin);

    value = query_text (store, q, "B000K2PJ4K");
    g_assert_cmpstr (value, ==, " Big Boys");
  }

  /* The image array is kept as JSON text. */
  image = field_column (store, AUD_SCOPE_EVENT, "image", AUD_FIELD_CATEGORY);
  g_assert_cmpint (count_where (store, AUD_SCOPE_EVENT, "image", "IS NOT NULL", NULL), ==, 106);
  g_assert_cmpint (query_column_int (store, "SELECT count(*) FROM events "
                                     "WHERE json_valid(%1$s) AND json_type(%1$s) = 'array'",
                                     image, NULL), ==, 106);

  /* vote: 297 strings of digits, as text or as whole numbers, never lost:
   * they add up to 1,740. */
  vote = aud_store_dup_field (store, AUD_SCOPE_EVENT, "vote");
  g_assert_nonnull (vote);
  g_test_message ("field vote: %s", aud_field_type_to_string (vote->type));
  g_assert_true (vote->type == AUD_FIELD_TEXT || vote->type == AUD_FIELD_INTEGER ||
                 vote->type == AUD_FIELD_CATEGORY);
  g_assert_cmpint (count_where (store, AUD_SCOPE_EVENT, "vote", "IS NOT NULL", NULL), ==, 297);
  g_assert_cmpint (query_column_int (store, "SELECT sum(CAST(%s AS INTEGER)) FROM events",
                                     vote->column, NULL), ==, 1740);

  /* The same file again: events are added, never merged, and every
   * reviewer is known now. The file is large next to the events stored,
   * so the indexes are built again after the load: they are all there. */
  again = run_import (store, path, mapping);
  assert_counts (again, 3176, 3176, 0, 0);
  g_assert_cmpuint (again->customers_created, ==, 0);
  g_assert_cmpint (aud_store_count_events (store), ==, 6352);
  g_assert_cmpint (aud_store_count_customers (store), ==, 406);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
                              "AND name IN ('events_unlinked', 'events_by_name_time', "
                              "'events_by_customer')", NULL), ==, 3);
  check_integrity (store);
}

/* reviewTime ("09 4, 2015": month, unpadded day, comma) is not a date form
 * the importer reads: as the time column, every row is rejected with the
 * reason, and nothing is stored half right. */
typedef struct
{
  guint       n;
  char       *reason;
} RejectCount;

static gboolean
count_reject_cb (const AudReject *reject,
                 gpointer         user_data)
{
  RejectCount *count = user_data;

  if (count->n++ == 0)
    count->reason = g_strdup (reject->reason);

  return TRUE;
}

static void
test_datasets_amazon_review_time (void)
{
  g_autofree char *path = dataset_path ("amazon-fashion-reviews/AMAZON_FASHION_5.json");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  RejectCount count = { 0, };
  AudRejectGroup *group;

  if (path == NULL)
    return;

  store = new_workspace ("amazon-review-time");
  mapping = default_mapping (path, AUD_IMPORT_EVENTS);
  g_free (mapping->time_column);
  mapping->time_column = g_strdup ("reviewTime");
  g_clear_pointer (&mapping->event_column, g_free);
  g_free (mapping->event_name);
  mapping->event_name = g_strdup ("review");

  summary = run_import (store, path, mapping);
  assert_counts (summary, 3176, 0, 0, 3176);
  g_assert_cmpuint (summary->reject_groups->len, ==, 1);
  group = summary->reject_groups->pdata[0];
  g_assert_cmpstr (group->reason, ==, "reviewTime is not a date and time");
  g_assert_cmpuint (group->first_line, ==, 1);
  g_assert_cmpint (aud_store_count_events (store), ==, 0);

  g_assert_true (aud_importer_foreach_reject (store, summary->import_id, count_reject_cb, &count,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count.n, ==, 3176);
  g_assert_cmpstr (count.reason, ==, "“09 4, 2015” in reviewTime is not a date and time");
  g_free (count.reason);
}

/* A file of reviews, each with its reviewer and time, is activity: the
 * preview should propose events, and for events the epoch time column. */
static void
test_datasets_amazon_preview_kind (void)
{
  g_autofree char *path = dataset_path ("amazon-fashion-reviews/AMAZON_FASHION_5.json");
  g_autoptr(AudImportPreview) preview = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;

  preview = aud_import_preview_new (path, NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  mapping = aud_import_preview_dup_mapping (preview, AUD_IMPORT_EVENTS);
  g_assert_cmpstr (mapping->id_column, ==, "reviewerID");
  g_assert_cmpstr (mapping->time_column, ==, "unixReviewTime");

  /* Reviewers repeat and each record has a time: an activity file. */
  g_assert_cmpint (preview->kind, ==, AUD_IMPORT_EVENTS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/datasets/telco", test_datasets_telco);
  g_test_add_data_func ("/datasets/bank-full", &bank_full, test_datasets_bank);
  g_test_add_data_func ("/datasets/bank-additional", &bank_additional, test_datasets_bank);
  g_test_add_func ("/datasets/marketing-campaign", test_datasets_marketing_campaign);
  g_test_add_func ("/datasets/mall", test_datasets_mall);
  g_test_add_func ("/datasets/olist-customers", test_datasets_olist_customers);
  g_test_add_func ("/datasets/olist-payments", test_datasets_olist_payments);
  g_test_add_func ("/datasets/olist-products", test_datasets_olist_products);
  g_test_add_func ("/datasets/olist-sellers", test_datasets_olist_sellers);
  g_test_add_func ("/datasets/olist-categories", test_datasets_olist_categories);
  g_test_add_func ("/datasets/online-retail", test_datasets_online_retail);
  g_test_add_func ("/datasets/amazon", test_datasets_amazon);
  g_test_add_func ("/datasets/amazon-review-time", test_datasets_amazon_review_time);
  g_test_add_func ("/datasets/amazon-preview-kind", test_datasets_amazon_preview_kind);

  return g_test_run ();
}
