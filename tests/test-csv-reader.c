/* test-csv-reader.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "aud-csv-reader.h"

static AudReader *
open_fixture (const char           *name,
              const AudReadOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  AudReader *reader;

  reader = aud_reader_open (path, options, &error);
  g_assert_no_error (error);
  g_assert_true (AUD_IS_CSV_READER (reader));
  return reader;
}

static AudRow *
next_row (AudReader *reader)
{
  g_autoptr(GError) error = NULL;
  AudRow *row = NULL;

  if (!aud_reader_next (reader, &row, &error))
    g_error ("expected another row: %s", error != NULL ? error->message : "end of file");
  g_assert_nonnull (row);
  return row;
}

static void
assert_end (AudReader *reader)
{
  g_autoptr(GError) error = NULL;
  AudRow *row = NULL;

  g_assert_false (aud_reader_next (reader, &row, &error));
  g_assert_no_error (error);
  g_assert_null (row);
}

static void
assert_cells (AudRow *row,
              ...)
{
  va_list args;
  guint i = 0;
  const char *expected;

  va_start (args, row);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_cmpuint (i, <, row->n_cells);
      g_assert_cmpstr (row->cells[i], ==, expected);
      i++;
    }
  va_end (args);

  g_assert_cmpuint (row->n_cells, ==, i);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
  g_assert_null (row->problem_text);
}

static void
assert_columns (AudReader *reader,
                ...)
{
  va_list args;
  guint n_columns, i = 0;
  const char * const *columns = aud_reader_get_columns (reader, &n_columns);
  const char *expected;

  va_start (args, reader);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_cmpuint (i, <, n_columns);
      g_assert_cmpstr (columns[i], ==, expected);
      i++;
    }
  va_end (args);

  g_assert_cmpuint (n_columns, ==, i);
  g_assert_null (columns[i]);
}

static void
test_csv_reader_quoted_newlines (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-quoted.csv", NULL);
  AudRow *row;

  assert_columns (reader, "id", "note", "amount", NULL);

  row = next_row (reader);
  assert_cells (row, "1", "first line\nsecond line", "10", NULL);
  g_assert_cmpuint (row->line, ==, 2);
  g_assert_cmpuint (row->number, ==, 1);
  g_assert_cmpstr (row->raw, ==, "1,\"first line\nsecond line\",10");
  g_assert_cmpuint (row->raw_length, ==, strlen (row->raw));

  row = next_row (reader);
  assert_cells (row, "2", "say \"hi\"", "20", NULL);
  g_assert_cmpuint (row->line, ==, 4);

  /* A CRLF inside quotes is kept and counts as one line break */
  row = next_row (reader);
  assert_cells (row, "3", "crlf\r\ninside", "30", NULL);
  g_assert_cmpuint (row->line, ==, 5);

  /* The blank line 7 is skipped, not a row */
  row = next_row (reader);
  assert_cells (row, "4", "", "40", NULL);
  g_assert_cmpuint (row->line, ==, 8);
  g_assert_cmpuint (row->number, ==, 4);

  row = next_row (reader);
  assert_cells (row, "5", "a,b", "50", NULL);
  g_assert_cmpuint (row->line, ==, 9);

  assert_end (reader);
  /* The end stays the end */
  assert_end (reader);
}

static void
test_csv_reader_line_endings (void)
{
  g_autoptr(AudReader) cr = open_fixture ("r-cr.csv", NULL);
  g_autoptr(AudReader) bom = open_fixture ("r-bom-crlf.csv", NULL);
  AudRow *row;

  assert_columns (cr, "a", "b", NULL);
  row = next_row (cr);
  assert_cells (row, "1", "x", NULL);
  g_assert_cmpuint (row->line, ==, 2);
  row = next_row (cr);
  assert_cells (row, "2", "y", NULL);
  g_assert_cmpuint (row->line, ==, 3);
  assert_end (cr);

  /* BOM skipped, CRLF, no final newline */
  assert_columns (bom, "id", "name", "city", NULL);
  row = next_row (bom);
  assert_cells (row, "1", "Ana", "S\xc3\xa3o Paulo", NULL);
  row = next_row (bom);
  assert_cells (row, "2", "Bo", "Z\xc3\xbcrich", NULL);
  g_assert_cmpuint (row->line, ==, 3);
  assert_end (bom);
}

static void
test_csv_reader_no_final_newline (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-no-final-newline.csv", NULL);
  AudRow *row;

  next_row (reader);
  row = next_row (reader);
  assert_cells (row, "0200", "Male", NULL);
  g_assert_cmpuint (row->line, ==, 3);
  g_assert_cmpstr (row->raw, ==, "0200,Male");
  assert_end (reader);
}

static void
test_csv_reader_ragged (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-ragged.csv", NULL);
  AudRow *row;

  assert_cells (next_row (reader), "1", "2", "3", NULL);

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_FIELD_COUNT);
  g_assert_cmpstr (row->problem_text, ==, "line 3 has 2 fields, expected 3");
  g_assert_cmpuint (row->n_cells, ==, 2);
  g_assert_cmpstr (row->raw, ==, "4,5");

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_FIELD_COUNT);
  g_assert_cmpstr (row->problem_text, ==, "line 4 has 4 fields, expected 3");
  g_assert_cmpuint (row->n_cells, ==, 4);
  g_assert_cmpstr (row->cells[3], ==, "9");

  row = next_row (reader);
  assert_cells (row, "10", "11", "12", NULL);
  g_assert_cmpuint (row->number, ==, 4);
  assert_end (reader);
}

static void
test_csv_reader_invalid_utf8 (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-invalid-utf8.csv", NULL);
  AudRow *row;

  assert_cells (next_row (reader), "1", "Ana", NULL);

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_INVALID_TEXT);
  g_assert_cmpstr (row->problem_text, ==, "invalid UTF-8 at byte 7 of the row");
  g_assert_cmpuint (row->line, ==, 3);
  g_assert_cmpuint (row->n_cells, ==, 0);
  g_assert_cmpmem (row->raw, row->raw_length, "2,Bad \xff\xfe byte", 13);

  /* The rest continues */
  row = next_row (reader);
  assert_cells (row, "3", "Caf\xc3\xa9", NULL);
  assert_end (reader);
}

static void
test_csv_reader_windows_1252 (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-cp1252.csv", NULL);

  g_assert_cmpint (aud_reader_get_sniff (reader)->encoding, ==, AUD_ENCODING_WINDOWS_1252);
  assert_cells (next_row (reader), "1", "Gift voucher \xc2\xa3" "10.00", "10", NULL);
  assert_cells (next_row (reader), "2",
                "Caf\xc3\xa9 cr\xc3\xa8me \xe2\x82\xac \xe2\x80\x9c dash", "2.5", NULL);
  assert_end (reader);
}

static void
test_csv_reader_utf16 (void)
{
  const char *names[] = { "r-utf16le.csv", "r-utf16be.csv" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AudReader) reader = open_fixture (names[i], NULL);
      AudRow *row;

      assert_columns (reader, "id", "name", "price", NULL);
      row = next_row (reader);
      assert_cells (row, "1", "Caf\xc3\xa9", "2,50", NULL);
      g_assert_cmpstr (row->raw, ==, "1;Caf\xc3\xa9;2,50");
      assert_cells (next_row (reader), "2", "\xc2\xa3 voucher", "10,00", NULL);
      assert_end (reader);
      g_assert_cmpuint (aud_reader_get_bytes_read (reader), ==, 96);
    }
}

static void
test_csv_reader_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "r-empty.csv", NULL);
  AudReader *reader;

  reader = aud_reader_open (path, NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "r-empty.csv"));
  g_assert_nonnull (strstr (error->message, "empty"));
}

static void
test_csv_reader_header_only (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-header-only.csv", NULL);

  assert_columns (reader, "id", "email", "signup", NULL);
  assert_end (reader);
}

static void
test_csv_reader_huge_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("id,blob,tail\n1,small,x\n2,\"");
  g_autoptr(AudReader) reader = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "r-huge.csv", NULL);
  AudRow *row;

  /* 17000 lines of 62 bytes (with a doubled quote): over 1 MiB */
  for (guint i = 0; i < 17000; i++)
    g_string_append (text, "0123456789abcdef0123456789abcdef0123456789abcdef012345678\"\"cde\n");
  g_string_append (text, "!\",y\n3,after,z\n");
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  g_assert_no_error (error);

  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);

  assert_cells (next_row (reader), "1", "small", "x", NULL);

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_FIELD_TOO_LONG);
  g_assert_cmpstr (row->problem_text, ==, "field 2 is longer than 1 MiB");
  g_assert_cmpuint (row->line, ==, 3);
  g_assert_null (row->cells[1]);
  g_assert_cmpstr (row->cells[2], ==, "y");
  g_assert_cmpuint (row->raw_length, <=, AUD_READER_MAX_RAW);
  g_assert_cmpuint (strlen (row->raw), ==, row->raw_length);
  g_assert_true (g_str_has_prefix (row->raw, "2,\"0123456789"));

  row = next_row (reader);
  assert_cells (row, "3", "after", "z", NULL);
  g_assert_cmpuint (row->line, ==, 3 + 17000 + 1);
  assert_end (reader);

  g_assert_cmpuint (aud_reader_get_bytes_read (reader), ==, text->len);
  g_assert_cmpuint (aud_reader_get_total_bytes (reader), ==, text->len);
}

static void
test_csv_reader_raw_cut (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("id,name\n1,");
  g_autoptr(AudReader) reader = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "r-long-row.csv", NULL);
  AudRow *row;

  /* 3000 two-byte characters: the cut must not split one */
  g_string_append (text, "x");
  for (guint i = 0; i < 3000; i++)
    g_string_append (text, "\xc3\xa9");
  g_string_append (text, "\n");
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));

  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
  g_assert_cmpuint (strlen (row->cells[1]), ==, 6001);
  g_assert_cmpuint (row->raw_length, ==, AUD_READER_MAX_RAW - 1);
  g_assert_true (g_utf8_validate (row->raw, -1, NULL));
}

static void
test_csv_reader_mixed_quoting (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-mixed-quoting.csv", NULL);

  assert_columns (reader, "product_id", "product_category_name", "product_weight_g", NULL);
  assert_cells (next_row (reader), "1e9e8ef04dbcff4541ed26657ea517e5", "perfumaria", "225", NULL);
  assert_cells (next_row (reader), "a3aa071139cb16b67ca9e5dea641aaa2", "artes", "1000", NULL);
  assert_cells (next_row (reader), "96bd76ec8810374ed1b65e291975717f", "", "", NULL);
  assert_end (reader);
}

static void
test_csv_reader_bad_quoting (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-bad-quoting.csv", NULL);
  AudRow *row;

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_QUOTING);
  g_assert_cmpuint (row->line, ==, 2);
  g_assert_nonnull (strstr (row->problem_text, "line 2"));

  /* A quote inside an unquoted field is text */
  assert_cells (next_row (reader), "2", "5\" screen", NULL);
  assert_cells (next_row (reader), "3", "ok", NULL);

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_QUOTING);
  g_assert_cmpuint (row->line, ==, 5);
  g_assert_nonnull (strstr (row->problem_text, "not closed"));
  assert_end (reader);
}

static void
test_csv_reader_header_names (void)
{
  AudReadOptions options = AUD_READ_OPTIONS_INIT;
  g_autoptr(AudReader) reader = NULL;
  const AudSniff *sniff;

  options.header = AUD_HEADER_YES;
  reader = open_fixture ("r-dup-header.csv", &options);
  assert_columns (reader, "Name", "Name (2)", "Column 3", "email", "Name (3)", NULL);

  sniff = aud_reader_get_sniff (reader);
  g_assert_cmpuint (sniff->warnings->len, ==, 3);
  g_assert_nonnull (strstr (g_ptr_array_index (sniff->warnings, 0), "Name (2)"));
  g_assert_nonnull (strstr (g_ptr_array_index (sniff->warnings, 1), "Column 3"));

  assert_cells (next_row (reader), "A", "B", "C", "D", "E", NULL);
  assert_end (reader);
}

static void
test_csv_reader_no_header (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudReader) reader = open_fixture ("r-noheader.csv", NULL);
  AudRow *row;

  g_assert_false (aud_reader_get_sniff (reader)->has_header);
  assert_columns (reader, "Column 1", "Column 2", "Column 3", "Column 4", NULL);

  row = next_row (reader);
  assert_cells (row, "1", "Ana", "2024-03-05", "12.5", NULL);
  g_assert_cmpuint (row->line, ==, 1);
  g_assert_cmpuint (row->number, ==, 1);
  row = next_row (reader);
  g_assert_cmpuint (row->number, ==, 2);
  next_row (reader);
  assert_end (reader);

  /* A second pass starts at the first row again */
  g_assert_true (aud_reader_rewind (reader, &error));
  g_assert_no_error (error);
  row = next_row (reader);
  assert_cells (row, "1", "Ana", "2024-03-05", "12.5", NULL);
  g_assert_cmpuint (row->line, ==, 1);
  g_assert_cmpuint (row->number, ==, 1);
}

static void
test_csv_reader_rewind (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudReader) reader = open_fixture ("r-quoted.csv", NULL);
  AudRow *row;
  guint n = 0;

  next_row (reader);
  next_row (reader);
  g_assert_true (aud_reader_rewind (reader, &error));
  g_assert_no_error (error);

  row = next_row (reader);
  assert_cells (row, "1", "first line\nsecond line", "10", NULL);
  g_assert_cmpuint (row->line, ==, 2);
  g_assert_cmpuint (row->number, ==, 1);

  while (aud_reader_next (reader, &row, &error))
    n++;
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (row == NULL, ==, TRUE);
}

static void
test_csv_reader_delimiters (void)
{
  g_autoptr(AudReader) semicolon = open_fixture ("r-semicolon.csv", NULL);
  g_autoptr(AudReader) tab = open_fixture ("r-tab.tsv", NULL);
  g_autoptr(AudReader) pipe = open_fixture ("r-pipe.csv", NULL);

  assert_cells (next_row (semicolon), "x", "1,5", "2,25", NULL);
  assert_cells (next_row (tab), "1", "Ana", "Lisboa", NULL);
  assert_cells (next_row (pipe), "1", "Ana", "Lisboa, PT", NULL);
}

static void
test_csv_reader_spaces_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudReader) reader = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "r-spaces.csv", NULL);
  const char *text = "a,b,c\n x , ,\"  q  \"\n";

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  assert_cells (next_row (reader), " x ", " ", "  q  ", NULL);
}

/* Records without quotes are split without libcsv: both ways must agree */
static void
test_csv_reader_empty_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudReader) reader = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "r-empty-fields.csv", NULL);
  const char *text = "a,b,c\n1,2,\n\"1\",2,\n,,\n\"\",,\n,x,\n,\"x\",\n";

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  assert_cells (next_row (reader), "1", "2", "", NULL);
  assert_cells (next_row (reader), "1", "2", "", NULL);
  assert_cells (next_row (reader), "", "", "", NULL);
  assert_cells (next_row (reader), "", "", "", NULL);
  assert_cells (next_row (reader), "", "x", "", NULL);
  assert_cells (next_row (reader), "", "x", "", NULL);
  assert_end (reader);
}

static void
test_csv_reader_missing_file (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (aud_reader_open ("/nonexistent/r.csv", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/csv-reader/quoted-newlines", test_csv_reader_quoted_newlines);
  g_test_add_func ("/csv-reader/line-endings", test_csv_reader_line_endings);
  g_test_add_func ("/csv-reader/no-final-newline", test_csv_reader_no_final_newline);
  g_test_add_func ("/csv-reader/ragged", test_csv_reader_ragged);
  g_test_add_func ("/csv-reader/invalid-utf8", test_csv_reader_invalid_utf8);
  g_test_add_func ("/csv-reader/windows-1252", test_csv_reader_windows_1252);
  g_test_add_func ("/csv-reader/utf16", test_csv_reader_utf16);
  g_test_add_func ("/csv-reader/empty", test_csv_reader_empty);
  g_test_add_func ("/csv-reader/header-only", test_csv_reader_header_only);
  g_test_add_func ("/csv-reader/huge-field", test_csv_reader_huge_field);
  g_test_add_func ("/csv-reader/raw-cut", test_csv_reader_raw_cut);
  g_test_add_func ("/csv-reader/mixed-quoting", test_csv_reader_mixed_quoting);
  g_test_add_func ("/csv-reader/bad-quoting", test_csv_reader_bad_quoting);
  g_test_add_func ("/csv-reader/header-names", test_csv_reader_header_names);
  g_test_add_func ("/csv-reader/no-header", test_csv_reader_no_header);
  g_test_add_func ("/csv-reader/rewind", test_csv_reader_rewind);
  g_test_add_func ("/csv-reader/delimiters", test_csv_reader_delimiters);
  g_test_add_func ("/csv-reader/spaces-kept", test_csv_reader_spaces_kept);
  g_test_add_func ("/csv-reader/empty-fields", test_csv_reader_empty_fields);
  g_test_add_func ("/csv-reader/missing-file", test_csv_reader_missing_file);

  return g_test_run ();
}
