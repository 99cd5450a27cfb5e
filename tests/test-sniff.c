/* test-sniff.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "aud-sniff.h"

static AudSniff *
sniff_text (const char           *text,
            const AudReadOptions *options)
{
  g_autoptr(GError) error = NULL;
  AudSniff *sniff;

  sniff = aud_sniff_data ((const guint8 *)text, strlen (text), TRUE, options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sniff);
  return sniff;
}

static AudSniff *
sniff_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  AudSniff *sniff;

  sniff = aud_sniff_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sniff);
  return sniff;
}

static gboolean
has_warning (const AudSniff *sniff,
             const char     *part)
{
  for (guint i = 0; i < sniff->warnings->len; i++)
    if (strstr (g_ptr_array_index (sniff->warnings, i), part) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_sniff_bom (void)
{
  g_autoptr(AudSniff) sniff = sniff_fixture ("r-bom-crlf.csv");

  g_assert_cmpint (sniff->encoding, ==, AUD_ENCODING_UTF8);
  g_assert_cmpuint (sniff->bom_length, ==, 3);
  g_assert_cmpint (sniff->format, ==, AUD_FILE_FORMAT_CSV);
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_cmpint (sniff->line_ending, ==, AUD_LINE_ENDING_CRLF);
  g_assert_true (sniff->has_header);
  g_assert_cmpuint (sniff->warnings->len, ==, 0);
}

static void
test_sniff_utf16 (void)
{
  g_autoptr(AudSniff) le = sniff_fixture ("r-utf16le.csv");
  g_autoptr(AudSniff) be = sniff_fixture ("r-utf16be.csv");

  g_assert_cmpint (le->encoding, ==, AUD_ENCODING_UTF16LE);
  g_assert_cmpuint (le->bom_length, ==, 2);
  g_assert_cmpint (le->delimiter, ==, ';');
  g_assert_cmpint (le->line_ending, ==, AUD_LINE_ENDING_CRLF);
  g_assert_true (le->has_header);

  g_assert_cmpint (be->encoding, ==, AUD_ENCODING_UTF16BE);
  g_assert_cmpuint (be->bom_length, ==, 2);
  g_assert_cmpint (be->delimiter, ==, ';');
  g_assert_true (be->has_header);
}

static void
test_sniff_utf16_without_bom (void)
{
  const char text[] = "i\0d\0,\0n\0a\0m\0e\0\n\0" "1\0,\0A\0n\0a\0\n\0";
  g_autoptr(AudSniff) sniff = NULL;

  sniff = aud_sniff_data ((const guint8 *)text, sizeof text - 1, TRUE, NULL, NULL);
  g_assert_nonnull (sniff);
  g_assert_cmpint (sniff->encoding, ==, AUD_ENCODING_UTF16LE);
  g_assert_cmpuint (sniff->bom_length, ==, 0);
  g_assert_cmpint (sniff->delimiter, ==, ',');
}

static void
test_sniff_windows_1252 (void)
{
  g_autoptr(AudSniff) sniff = sniff_fixture ("r-cp1252.csv");
  g_autoptr(AudSniff) utf8 = NULL;

  g_assert_cmpint (sniff->encoding, ==, AUD_ENCODING_WINDOWS_1252);
  g_assert_cmpuint (sniff->bom_length, ==, 0);
  g_assert_true (has_warning (sniff, "Windows-1252"));

  /* A UTF-8 file with one bad byte stays UTF-8, with a warning. */
  utf8 = sniff_fixture ("r-invalid-utf8.csv");
  g_assert_cmpint (utf8->encoding, ==, AUD_ENCODING_UTF8);
  g_assert_true (has_warning (utf8, "not valid UTF-8"));
  g_assert_false (has_warning (utf8, "Windows-1252"));
}

static void
test_sniff_utf8_cut_sample (void)
{
  /* A multi-byte character cut by the end of the sample is not an error. */
  const char text[] = "id,name\n1,Caf\xc3\xa9\n2,Cr\xc3";
  g_autoptr(AudSniff) sniff = NULL;

  sniff = aud_sniff_data ((const guint8 *)text, sizeof text - 1, FALSE, NULL, NULL);
  g_assert_nonnull (sniff);
  g_assert_cmpint (sniff->encoding, ==, AUD_ENCODING_UTF8);
  g_assert_cmpuint (sniff->warnings->len, ==, 0);
}

static void
test_sniff_delimiters (void)
{
  struct {
    const char *text;
    char delimiter;
  } cases[] = {
    { "a,b,c\n1,2,3\n4,5,6\n", ',' },
    { "a;b;c\n1;2;3\n4;5;6\n", ';' },
    { "a\tb\tc\n1\t2\t3\n", '\t' },
    { "a|b|c\n1|2|3\n", '|' },
    /* Decimal commas inside a semicolon file */
    { "name;price;weight\nx;1,5;2,25\ny;2,75;3,5\n", ';' },
    /* Commas inside quotes do not count */
    { "id;note\n1;\"a, b, c\"\n2;\"d, e\"\n", ';' },
    /* Semicolons in free text of a comma file */
    { "id,text,n\n1,hello; world,3\n2,plain,4\n3,a;b;c,5\n", ',' },
    /* Decimal commas without a header */
    { "1,5;2,25\n3,5;4,75\n", ';' },
    /* One column */
    { "email\na@example.com\nb@example.com\n", ',' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AudSniff) sniff = sniff_text (cases[i].text, NULL);

      g_test_message ("case %u", i);
      g_assert_cmpint (sniff->format, ==, AUD_FILE_FORMAT_CSV);
      g_assert_cmpint (sniff->delimiter, ==, cases[i].delimiter);
    }
}

static void
test_sniff_fixture_delimiters (void)
{
  g_autoptr(AudSniff) semicolon = sniff_fixture ("r-semicolon.csv");
  g_autoptr(AudSniff) tab = sniff_fixture ("r-tab.tsv");
  g_autoptr(AudSniff) pipe = sniff_fixture ("r-pipe.csv");

  g_assert_cmpint (semicolon->delimiter, ==, ';');
  g_assert_cmpint (tab->delimiter, ==, '\t');
  g_assert_cmpint (pipe->delimiter, ==, '|');
}

static void
test_sniff_quote (void)
{
  g_autoptr(AudSniff) dq = sniff_text ("id,name\n1,\"Ana, B\"\n", NULL);
  g_autoptr(AudSniff) sq = sniff_text ("id,name\n1,'Ana, B'\n2,'Bo'\n", NULL);
  g_autoptr(AudSniff) apostrophe = sniff_text ("id,name\n1,O'Brien\n2,D'Arcy\n", NULL);

  g_assert_cmpint (dq->quote, ==, '"');
  g_assert_cmpint (sq->quote, ==, '\'');
  g_assert_cmpint (apostrophe->quote, ==, '"');
}

static void
test_sniff_line_endings (void)
{
  g_autoptr(AudSniff) lf = sniff_text ("a,b\n1,2\n", NULL);
  g_autoptr(AudSniff) crlf = sniff_text ("a,b\r\n1,2\r\n", NULL);
  g_autoptr(AudSniff) cr = sniff_text ("a,b\r1,2\r", NULL);
  g_autoptr(AudSniff) none = sniff_text ("a,b", NULL);

  g_assert_cmpint (lf->line_ending, ==, AUD_LINE_ENDING_LF);
  g_assert_cmpint (crlf->line_ending, ==, AUD_LINE_ENDING_CRLF);
  g_assert_cmpint (cr->line_ending, ==, AUD_LINE_ENDING_CR);
  g_assert_cmpint (none->line_ending, ==, AUD_LINE_ENDING_NONE);
}

static void
test_sniff_header (void)
{
  struct {
    const char *text;
    gboolean has_header;
  } cases[] = {
    { "id,name,joined\n1,Ana,2024-03-05\n2,Bo,2024-03-06\n", TRUE },
    { "1,Ana,2024-03-05\n2,Bo,2024-03-06\n", FALSE },
    { "CustomerID,Genre,Age\r\n0001,Male,19\r\n0002,Male,21\r\n", TRUE },
    /* All text, but the first row's values repeat below: data */
    { "Yes,Male,Paris\nNo,Female,Paris\nYes,Male,Lyon\n", FALSE },
    /* All text, distinct names never seen below: a header */
    { "first_name,last_name\nAna,Silva\nBo,Berg\n", TRUE },
    /* Header only */
    { "id,email,signup\n", TRUE },
    /* A single data row */
    { "17,42.5\n", FALSE },
    /* Duplicate and empty names are still a header */
    { "Name,Name,,email\nA,B,C,D\n", TRUE },
    /* Decimal commas are numbers too */
    { "price;weight\n1,5;2,25\n", TRUE },
    { "1,5;2,25\n3,5;4,75\n", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AudSniff) sniff = sniff_text (cases[i].text, NULL);

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_cmpint (sniff->has_header, ==, cases[i].has_header);
      g_assert_cmpint (has_warning (sniff, "Column 1"), ==, !cases[i].has_header);
    }
}

static void
test_sniff_json (void)
{
  g_autoptr(AudSniff) array = sniff_text ("\n  [\n {\"a\": 1}\n]\n", NULL);
  g_autoptr(AudSniff) empty_array = sniff_text ("[]", NULL);
  g_autoptr(AudSniff) lines = sniff_text ("{\"a\": 1}\n{\"a\": 2}\n", NULL);
  g_autoptr(AudSniff) csv = sniff_text ("[tag],name\nx,y\n", NULL);
  g_autoptr(GError) error = NULL;
  const char *object = "{\n  \"data\": [1, 2]\n}\n";

  g_assert_cmpint (array->format, ==, AUD_FILE_FORMAT_JSON_ARRAY);
  g_assert_false (array->has_header);
  g_assert_cmpint (empty_array->format, ==, AUD_FILE_FORMAT_JSON_ARRAY);
  g_assert_cmpint (lines->format, ==, AUD_FILE_FORMAT_JSON_LINES);
  g_assert_cmpint (csv->format, ==, AUD_FILE_FORMAT_CSV);

  g_assert_null (aud_sniff_data ((const guint8 *)object, strlen (object), TRUE, NULL, &error));
  g_assert_error (error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_UNKNOWN_FORMAT);
}

static void
test_sniff_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "r-empty.csv", NULL);
  const guint8 bom_only[] = { 0xEF, 0xBB, 0xBF, '\r', '\n', ' ' };

  g_assert_null (aud_sniff_file (path, NULL, &error));
  g_assert_error (error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "r-empty.csv"));
  g_clear_error (&error);

  g_assert_null (aud_sniff_data (bom_only, sizeof bom_only, TRUE, NULL, &error));
  g_assert_error (error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_null (aud_sniff_file ("/nonexistent/file.csv", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/file.csv"));
}

static void
test_sniff_options (void)
{
  AudReadOptions options = AUD_READ_OPTIONS_INIT;
  g_autoptr(AudSniff) sniff = NULL;
  g_autoptr(AudSniff) latin = NULL;
  g_autoptr(AudSniff) copy = NULL;
  const char *text = "a;b,c\n1;2,3\n4;5,6\n";

  options.delimiter = ';';
  options.header = AUD_HEADER_NO;
  options.quote = '\'';
  sniff = sniff_text (text, &options);
  g_assert_cmpint (sniff->delimiter, ==, ';');
  g_assert_cmpint (sniff->quote, ==, '\'');
  g_assert_false (sniff->has_header);
  /* No warning for what the user chose */
  g_assert_cmpuint (sniff->warnings->len, ==, 0);

  options = AUD_READ_OPTIONS_INIT;
  options.encoding = AUD_ENCODING_WINDOWS_1252;
  options.format = AUD_FILE_FORMAT_CSV;
  latin = sniff_text ("\xef\xbb\xbf" "a,b\n", &options);
  g_assert_cmpint (latin->encoding, ==, AUD_ENCODING_WINDOWS_1252);
  g_assert_cmpuint (latin->bom_length, ==, 0);
  g_assert_cmpint (latin->format, ==, AUD_FILE_FORMAT_CSV);

  copy = aud_sniff_copy (latin);
  g_assert_cmpint (copy->encoding, ==, latin->encoding);
  g_assert_true (copy->warnings != latin->warnings);
}

static void
test_sniff_names (void)
{
  AudEncoding encoding;
  AudFileFormat format;

  g_assert_true (aud_encoding_from_string ("latin1", &encoding));
  g_assert_cmpint (encoding, ==, AUD_ENCODING_WINDOWS_1252);
  g_assert_true (aud_encoding_from_string ("UTF-16LE", &encoding));
  g_assert_cmpint (encoding, ==, AUD_ENCODING_UTF16LE);
  g_assert_false (aud_encoding_from_string ("ebcdic", &encoding));
  g_assert_cmpstr (aud_encoding_to_string (AUD_ENCODING_UTF8), ==, "utf-8");

  g_assert_true (aud_file_format_from_string ("ndjson", &format));
  g_assert_cmpint (format, ==, AUD_FILE_FORMAT_JSON_LINES);
  g_assert_true (aud_file_format_from_string ("tsv", &format));
  g_assert_cmpint (format, ==, AUD_FILE_FORMAT_CSV);
  g_assert_cmpstr (aud_file_format_to_string (AUD_FILE_FORMAT_JSON_ARRAY), ==, "json");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sniff/bom", test_sniff_bom);
  g_test_add_func ("/sniff/utf16", test_sniff_utf16);
  g_test_add_func ("/sniff/utf16-without-bom", test_sniff_utf16_without_bom);
  g_test_add_func ("/sniff/windows-1252", test_sniff_windows_1252);
  g_test_add_func ("/sniff/utf8-cut-sample", test_sniff_utf8_cut_sample);
  g_test_add_func ("/sniff/delimiters", test_sniff_delimiters);
  g_test_add_func ("/sniff/fixture-delimiters", test_sniff_fixture_delimiters);
  g_test_add_func ("/sniff/quote", test_sniff_quote);
  g_test_add_func ("/sniff/line-endings", test_sniff_line_endings);
  g_test_add_func ("/sniff/header", test_sniff_header);
  g_test_add_func ("/sniff/json", test_sniff_json);
  g_test_add_func ("/sniff/empty", test_sniff_empty);
  g_test_add_func ("/sniff/options", test_sniff_options);
  g_test_add_func ("/sniff/names", test_sniff_names);

  return g_test_run ();
}
