/* test-json-reader.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "aud-json-reader.h"

static AudReader *
open_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  AudReader *reader;

  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (AUD_IS_JSON_READER (reader));
  g_assert_true (aud_reader_columns_may_grow (reader));
  return reader;
}

static AudReader *
open_text (const char *name,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);
  AudReader *reader;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (AUD_IS_JSON_READER (reader));
  return reader;
}

static AudRow *
next_row (AudReader *reader)
{
  g_autoptr(GError) error = NULL;
  AudRow *row = NULL;

  if (!aud_reader_next (reader, &row, &error))
    g_error ("expected another row: %s", error != NULL ? error->message : "end of file");
  return row;
}

static void
assert_end (AudReader *reader)
{
  g_autoptr(GError) error = NULL;
  AudRow *row = NULL;

  g_assert_false (aud_reader_next (reader, &row, &error));
  g_assert_no_error (error);
}

/* Checks cell @name of @row (NULL: missing). */
static void
assert_cell (AudReader  *reader,
             AudRow     *row,
             const char *name,
             const char *expected)
{
  guint n_columns;
  const char * const *columns = aud_reader_get_columns (reader, &n_columns);

  for (guint i = 0; i < n_columns; i++)
    {
      if (strcmp (columns[i], name) == 0)
        {
          g_assert_cmpuint (i, <, row->n_cells);
          g_assert_cmpstr (row->cells[i], ==, expected);
          return;
        }
    }

  g_error ("no column %s", name);
}

static void
assert_columns (AudReader  *reader,
                const char *expected)
{
  const char * const *columns = aud_reader_get_columns (reader, NULL);
  g_autofree char *joined = g_strjoinv ("|", (char **)columns);

  g_assert_cmpstr (joined, ==, expected);
}

static void
test_json_reader_array (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-array.json");
  g_autoptr(GError) error = NULL;
  AudRow *row;

  g_assert_cmpint (aud_reader_get_sniff (reader)->format, ==, AUD_FILE_FORMAT_JSON_ARRAY);

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
  g_assert_cmpuint (row->line, ==, 2);
  g_assert_cmpuint (row->number, ==, 1);
  assert_columns (reader, "id|name|score|ok|style.Size:|style.Color:|style.deep.x|tags|gone");
  g_assert_cmpuint (row->n_cells, ==, 9);
  assert_cell (reader, row, "id", "1");
  assert_cell (reader, row, "name", "Ana");
  assert_cell (reader, row, "score", "5.0");
  assert_cell (reader, row, "ok", "true");
  assert_cell (reader, row, "style.Size:", " Big");
  assert_cell (reader, row, "style.Color:", " Blue");
  assert_cell (reader, row, "style.deep.x", "1");
  assert_cell (reader, row, "tags", "[\"a\",\"b\"]");
  assert_cell (reader, row, "gone", NULL);
  g_assert_true (g_str_has_prefix (row->raw, "{\"id\": 1, \"name\": \"Ana\""));
  g_assert_true (g_str_has_suffix (row->raw, "\"gone\": null}"));

  /* New keys append columns; absent keys are missing cells */
  row = next_row (reader);
  g_assert_cmpuint (row->line, ==, 5);
  assert_columns (reader, "id|name|score|ok|style.Size:|style.Color:|style.deep.x|tags|gone|extra|big");
  g_assert_cmpuint (row->n_cells, ==, 11);
  assert_cell (reader, row, "name", "Bo \"B\" \xc3\xa9");
  assert_cell (reader, row, "score", "0.1");
  assert_cell (reader, row, "ok", "false");
  assert_cell (reader, row, "style.Size:", NULL);
  assert_cell (reader, row, "extra", "new");
  assert_cell (reader, row, "big", "12345678901234");

  /* An empty object is missing; nested values inside arrays stay JSON */
  row = next_row (reader);
  g_assert_cmpuint (row->line, ==, 7);
  assert_cell (reader, row, "id", "3");
  assert_cell (reader, row, "style.Size:", NULL);
  assert_cell (reader, row, "nums", "[1,{\"k\":2}]");
  assert_end (reader);

  /* A second pass keeps all the columns from the start */
  g_assert_true (aud_reader_rewind (reader, &error));
  g_assert_no_error (error);
  row = next_row (reader);
  g_assert_cmpuint (row->n_cells, ==, 12);
  g_assert_cmpuint (row->number, ==, 1);
  g_assert_cmpuint (row->line, ==, 2);
  assert_cell (reader, row, "nums", NULL);
  assert_cell (reader, row, "id", "1");
}

static void
test_json_reader_lines (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-lines.jsonl");
  AudRow *row;

  g_assert_cmpint (aud_reader_get_sniff (reader)->format, ==, AUD_FILE_FORMAT_JSON_LINES);

  row = next_row (reader);
  g_assert_cmpuint (row->line, ==, 1);
  g_assert_cmpstr (row->raw, ==, "{\"id\": \"a1\", \"n\": 1}");
  assert_cell (reader, row, "id", "a1");

  /* The blank line 2 is skipped */
  row = next_row (reader);
  g_assert_cmpuint (row->line, ==, 3);
  assert_cell (reader, row, "m.k", "v");

  /* A syntax error flags the line; reading goes on */
  row = next_row (reader);
  g_assert_cmpuint (row->line, ==, 4);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_SYNTAX);
  g_assert_true (g_str_has_prefix (row->problem_text, "line 4, column 12: "));
  g_assert_cmpuint (row->n_cells, ==, 0);

  row = next_row (reader);
  g_assert_cmpuint (row->line, ==, 5);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NOT_AN_OBJECT);

  /* The last line has no line break */
  row = next_row (reader);
  g_assert_cmpuint (row->line, ==, 6);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
  assert_cell (reader, row, "n", "4");
  assert_cell (reader, row, "m.k", NULL);
  g_assert_cmpuint (row->number, ==, 5);
  assert_end (reader);
}

static void
test_json_reader_bad_element (void)
{
  g_autoptr(AudReader) reader = open_fixture ("r-array-bad-element.json");
  AudRow *row;

  assert_cell (reader, next_row (reader), "id", "1");

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_SYNTAX);
  g_assert_cmpuint (row->line, ==, 3);
  g_assert_true (g_str_has_prefix (row->problem_text, "line 3, column 12: "));
  g_assert_cmpstr (row->raw, ==, "{\"id\": tru}");

  assert_cell (reader, next_row (reader), "id", "3");
  assert_end (reader);
}

static void
test_json_reader_syntax_error (void)
{
  g_autoptr(AudReader) broken = open_fixture ("r-array-broken.json");
  g_autoptr(AudReader) unclosed = open_fixture ("r-array-unclosed.json");
  g_autoptr(AudReader) trailing = NULL;
  g_autoptr(GError) error = NULL;
  AudRow *row = NULL;

  next_row (broken);
  next_row (broken);
  g_assert_false (aud_reader_next (broken, &row, &error));
  g_assert_error (error, AUD_READER_ERROR, AUD_READER_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "r-array-broken.json"));
  g_assert_nonnull (strstr (error->message, "line 4, column 3"));
  g_clear_error (&error);
  /* It stays failed */
  g_assert_false (aud_reader_next (broken, &row, &error));
  g_assert_no_error (error);

  next_row (unclosed);
  g_assert_false (aud_reader_next (unclosed, &row, &error));
  g_assert_error (error, AUD_READER_ERROR, AUD_READER_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "line 3, column 3"));
  g_assert_nonnull (strstr (error->message, "not closed"));
  g_clear_error (&error);

  trailing = open_text ("r-trailing.json", "[{\"a\": 1}]\n,x");
  next_row (trailing);
  g_assert_false (aud_reader_next (trailing, &row, &error));
  g_assert_error (error, AUD_READER_ERROR, AUD_READER_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "line 2, column 1"));
}

static void
test_json_reader_values (void)
{
  g_autoptr(AudReader) reader = NULL;
  AudRow *row;

  reader = open_text ("r-values.json",
                      "[{\"i\": -42, \"d\": 2.5, \"w\": 3.0, \"e\": 1e300, \"s\": \"\", "
                      "\"t\": \"tab\\there\", \"a\": [], \"o\": {\"p\": {\"q\": null}}, "
                      "\"u\": \"\\u00e9\\ud83d\\ude00\"}, {}]");

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
  assert_cell (reader, row, "i", "-42");
  assert_cell (reader, row, "d", "2.5");
  assert_cell (reader, row, "w", "3.0");
  assert_cell (reader, row, "e", "1e+300");
  assert_cell (reader, row, "s", "");
  assert_cell (reader, row, "t", "tab\there");
  assert_cell (reader, row, "a", "[]");
  assert_cell (reader, row, "o.p.q", NULL);
  assert_cell (reader, row, "u", "\xc3\xa9\xf0\x9f\x98\x80");

  /* An empty object is a row of missing cells */
  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
  for (guint i = 0; i < row->n_cells; i++)
    g_assert_null (row->cells[i]);
  assert_end (reader);
}

static void
test_json_reader_not_objects (void)
{
  g_autoptr(AudReader) reader = open_text ("r-scalars.json", "[\n{\"a\": \"x\"},\n 17,\n \"s\", [1]\n]");
  AudRow *row;

  assert_cell (reader, next_row (reader), "a", "x");
  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NOT_AN_OBJECT);
  g_assert_cmpuint (row->line, ==, 3);
  g_assert_cmpstr (row->raw, ==, "17");
  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NOT_AN_OBJECT);
  g_assert_cmpstr (row->raw, ==, "\"s\"");
  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NOT_AN_OBJECT);
  g_assert_cmpstr (row->raw, ==, "[1]");
  assert_end (reader);
}

static void
test_json_reader_strings_with_brackets (void)
{
  /* Brackets, commas and escaped quotes inside strings do not split */
  g_autoptr(AudReader) reader = open_text ("r-brackets.json",
                                           "[{\"a\": \"]}, {\\\"x\\\": [\"},{\"a\": \"\\\\\"}]");

  assert_cell (reader, next_row (reader), "a", "]}, {\"x\": [");
  assert_cell (reader, next_row (reader), "a", "\\");
  assert_end (reader);
}

static void
test_json_reader_empty_array (void)
{
  g_autoptr(AudReader) reader = open_text ("r-empty-array.json", "  [ ]  \n");
  guint n_columns = 99;

  assert_end (reader);
  aud_reader_get_columns (reader, &n_columns);
  g_assert_cmpuint (n_columns, ==, 0);
}

static void
test_json_reader_huge_field (void)
{
  g_autoptr(GString) text = g_string_new ("{\"id\": 1, \"blob\": \"");
  g_autoptr(AudReader) reader = NULL;
  AudRow *row;

  for (guint i = 0; i < 1024 * 1024 / 8 + 1; i++)
    g_string_append (text, "abcdefgh");
  g_string_append (text, "\"}\n{\"id\": 2, \"blob\": \"small\"}\n");
  reader = open_text ("r-huge.jsonl", text->str);

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_FIELD_TOO_LONG);
  g_assert_cmpstr (row->problem_text, ==, "field “blob” is longer than 1 MiB");
  g_assert_cmpuint (row->raw_length, ==, AUD_READER_MAX_RAW);

  row = next_row (reader);
  g_assert_cmpint (row->problem, ==, AUD_ROW_PROBLEM_NONE);
  assert_cell (reader, row, "blob", "small");
  assert_end (reader);
}

static void
test_json_reader_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "r-utf16.jsonl", NULL);
  const char text[] = "\xff\xfe{\0\"\0a\0\"\0:\0\"\0\xe9\0\"\0}\0\n\0";
  g_autoptr(AudReader) reader = NULL;

  g_assert_true (g_file_set_contents (path, text, sizeof text - 1, &error));
  reader = aud_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aud_reader_get_sniff (reader)->encoding, ==, AUD_ENCODING_UTF16LE);
  assert_cell (reader, next_row (reader), "a", "\xc3\xa9");
  assert_end (reader);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json-reader/array", test_json_reader_array);
  g_test_add_func ("/json-reader/lines", test_json_reader_lines);
  g_test_add_func ("/json-reader/bad-element", test_json_reader_bad_element);
  g_test_add_func ("/json-reader/syntax-error", test_json_reader_syntax_error);
  g_test_add_func ("/json-reader/values", test_json_reader_values);
  g_test_add_func ("/json-reader/not-objects", test_json_reader_not_objects);
  g_test_add_func ("/json-reader/strings-with-brackets", test_json_reader_strings_with_brackets);
  g_test_add_func ("/json-reader/empty-array", test_json_reader_empty_array);
  g_test_add_func ("/json-reader/huge-field", test_json_reader_huge_field);
  g_test_add_func ("/json-reader/utf16", test_json_reader_utf16);

  return g_test_run ();
}
