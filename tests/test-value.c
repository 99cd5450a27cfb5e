/* test-value.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "aud-value.h"

static void
check_decimal (const char            *text,
               const AudNumberFormat *format,
               gint64                 mantissa,
               guint                  scale)
{
  gint64 m = -1;
  guint s = 99;

  if (!aud_value_parse_decimal (text, format, &m, &s))
    g_error ("'%s' did not parse as a decimal", text);
  g_assert_cmpint (m, ==, mantissa);
  g_assert_cmpuint (s, ==, scale);
}

static void
check_not_decimal (const char            *text,
                   const AudNumberFormat *format)
{
  gint64 m;
  guint s;

  if (aud_value_parse_decimal (text, format, &m, &s))
    g_error ("'%s' parsed as a decimal (%" G_GINT64_FORMAT ", %u)", text, m, s);
}

static void
test_value_blank (void)
{
  const char *markers[] = { "NA", "n/a", "null", NULL };

  g_assert_true (aud_value_is_blank (NULL, NULL));
  g_assert_true (aud_value_is_blank ("", NULL));
  g_assert_true (aud_value_is_blank (" ", NULL));
  g_assert_true (aud_value_is_blank ("\t \r\n", NULL));
  g_assert_true (aud_value_is_blank ("\xc2\xa0", NULL));
  g_assert_false (aud_value_is_blank ("NA", NULL));
  g_assert_false (aud_value_is_blank ("0", NULL));
  g_assert_false (aud_value_is_blank (" x ", NULL));
  g_assert_true (aud_value_is_blank ("na", markers));
  g_assert_true (aud_value_is_blank (" N/A ", markers));
  g_assert_true (aud_value_is_blank ("NULL", markers));
  g_assert_false (aud_value_is_blank ("NAN", markers));
  g_assert_false (aud_value_is_blank ("nul", markers));
}

static void
test_value_integer (void)
{
  AudNumberFormat plain = AUD_NUMBER_FORMAT_PLAIN;
  AudNumberFormat us = { '.', ',' };
  AudNumberFormat de = { ',', '.' };
  AudNumberFormat fr = { ',', (char)0xA0 };
  gint64 v = 0;

  g_assert_true (aud_value_parse_integer ("42", &plain, &v));
  g_assert_cmpint (v, ==, 42);
  g_assert_true (aud_value_parse_integer (" -17 ", &plain, &v));
  g_assert_cmpint (v, ==, -17);
  g_assert_true (aud_value_parse_integer ("+5", NULL, &v));
  g_assert_cmpint (v, ==, 5);
  g_assert_true (aud_value_parse_integer ("0001", &plain, &v));
  g_assert_cmpint (v, ==, 1);
  g_assert_true (aud_value_parse_integer ("9223372036854775807", &plain, &v));
  g_assert_cmpint (v, ==, G_MAXINT64);
  g_assert_true (aud_value_parse_integer ("-9223372036854775808", &plain, &v));
  g_assert_cmpint (v, ==, G_MININT64);
  g_assert_false (aud_value_parse_integer ("9223372036854775808", &plain, &v));
  g_assert_false (aud_value_parse_integer ("99999999999999999999999", &plain, &v));
  g_assert_false (aud_value_parse_integer ("1.5", &plain, &v));
  g_assert_false (aud_value_parse_integer ("1,234", &plain, &v));
  g_assert_false (aud_value_parse_integer ("", &plain, &v));
  g_assert_false (aud_value_parse_integer ("-", &plain, &v));
  g_assert_false (aud_value_parse_integer ("12a", &plain, &v));
  g_assert_false (aud_value_parse_integer ("1e5", &plain, &v));

  g_assert_true (aud_value_parse_integer ("1,234,567", &us, &v));
  g_assert_cmpint (v, ==, 1234567);
  g_assert_true (aud_value_parse_integer ("1234567", &us, &v));
  g_assert_cmpint (v, ==, 1234567);
  g_assert_false (aud_value_parse_integer ("1,23,456", &us, &v));
  g_assert_false (aud_value_parse_integer ("1234,567", &us, &v));
  g_assert_false (aud_value_parse_integer (",123", &us, &v));
  g_assert_false (aud_value_parse_integer ("123,", &us, &v));
  g_assert_true (aud_value_parse_integer ("1.234.567", &de, &v));
  g_assert_cmpint (v, ==, 1234567);
  g_assert_true (aud_value_parse_integer ("1\xc2\xa0" "234", &fr, &v));
  g_assert_cmpint (v, ==, 1234);
  g_assert_true (aud_value_parse_integer ("12\xe2\x80\xaf" "345", &fr, &v));
  g_assert_cmpint (v, ==, 12345);
}

static void
test_value_decimal (void)
{
  AudNumberFormat plain = AUD_NUMBER_FORMAT_PLAIN;
  AudNumberFormat us = { '.', ',' };
  AudNumberFormat de = { ',', '.' };
  AudNumberFormat ch = { '.', '\'' };
  AudNumberFormat comma = { ',', 0 };

  check_decimal ("29.85", &plain, 2985, 2);
  check_decimal ("42.3", &plain, 423, 1);
  check_decimal ("-11062.06", &plain, -1106206, 2);
  check_decimal ("0.001", &plain, 1, 3);
  check_decimal ("1.50", &plain, 150, 2);
  check_decimal ("7", &plain, 7, 0);
  check_decimal (".5", &plain, 5, 1);
  check_decimal ("-0.005", &plain, -5, 3);
  check_decimal ("-1,234.50", &us, -123450, 2);
  check_decimal ("1.234,5", &de, 12345, 1);
  check_decimal ("3,14", &comma, 314, 2);
  check_decimal ("1'234.5", &ch, 12345, 1);
  check_decimal ("0.123456789", &plain, 123456789, 9);
  check_decimal ("92233720368547758.07", &plain, G_MAXINT64, 2);

  check_not_decimal ("0.1234567891", &plain);     /* scale above 9 */
  check_not_decimal ("92233720368547758.08", &plain);
  check_not_decimal ("1.", &plain);
  check_not_decimal ("1.2.3", &plain);
  check_not_decimal ("1,5", &plain);
  check_not_decimal ("1.234,5", &us);
  check_not_decimal ("abc", &plain);
  check_not_decimal (" ", &plain);
  check_not_decimal ("1 000", &plain);
}

static void
test_value_rescale (void)
{
  gint64 v;
  char *s;

  g_assert_true (aud_value_rescale (15, 1, 3, &v));
  g_assert_cmpint (v, ==, 1500);
  g_assert_true (aud_value_rescale (-15, 1, 1, &v));
  g_assert_cmpint (v, ==, -15);
  g_assert_false (aud_value_rescale (G_MAXINT64 / 10, 0, 2, &v));
  g_assert_false (aud_value_rescale (G_MININT64 / 10, 0, 2, &v));

  s = aud_value_format_decimal (123450, 2);
  g_assert_cmpstr (s, ==, "1234.50");
  g_free (s);
  s = aud_value_format_decimal (-5, 3);
  g_assert_cmpstr (s, ==, "-0.005");
  g_free (s);
  s = aud_value_format_decimal (42, 0);
  g_assert_cmpstr (s, ==, "42");
  g_free (s);
  s = aud_value_format_decimal (G_MININT64, 2);
  g_assert_cmpstr (s, ==, "-92233720368547758.08");
  g_free (s);
}

static void
check_date (const char   *text,
            AudDateOrder  order,
            const char   *expected)
{
  int y, m, d;
  char *s;

  if (expected == NULL)
    {
      if (aud_value_parse_date (text, order, &y, &m, &d))
        g_error ("'%s' parsed as %04d-%02d-%02d", text, y, m, d);
      return;
    }

  if (!aud_value_parse_date (text, order, &y, &m, &d))
    g_error ("'%s' did not parse as a date", text);
  s = aud_value_format_date (y, m, d);
  g_assert_cmpstr (s, ==, expected);
  g_free (s);
}

static void
test_value_date (void)
{
  check_date ("2024-03-05", AUD_DATE_ORDER_YMD, "2024-03-05");
  check_date ("2024/3/5", AUD_DATE_ORDER_YMD, "2024-03-05");
  check_date ("2024-03-05", AUD_DATE_ORDER_DMY, "2024-03-05");
  check_date ("04-09-2012", AUD_DATE_ORDER_DMY, "2012-09-04");
  check_date ("04-09-2012", AUD_DATE_ORDER_MDY, "2012-04-09");
  check_date ("05.03.2024", AUD_DATE_ORDER_DMY, "2024-03-05");
  check_date ("12/1/2010", AUD_DATE_ORDER_MDY, "2010-12-01");
  check_date (" 1/2/2003 ", AUD_DATE_ORDER_DMY, "2003-02-01");

  /* Leap days */
  check_date ("2024-02-29", AUD_DATE_ORDER_YMD, "2024-02-29");
  check_date ("2000-02-29", AUD_DATE_ORDER_YMD, "2000-02-29");
  check_date ("29/02/2024", AUD_DATE_ORDER_DMY, "2024-02-29");
  check_date ("2023-02-29", AUD_DATE_ORDER_YMD, NULL);
  check_date ("1900-02-29", AUD_DATE_ORDER_YMD, NULL);
  check_date ("02/29/2100", AUD_DATE_ORDER_MDY, NULL);

  /* Invalid dates and shapes */
  check_date ("2024-04-31", AUD_DATE_ORDER_YMD, NULL);
  check_date ("2024-13-01", AUD_DATE_ORDER_YMD, NULL);
  check_date ("2024-00-10", AUD_DATE_ORDER_YMD, NULL);
  check_date ("13/13/2020", AUD_DATE_ORDER_DMY, NULL);
  check_date ("25/12/2020", AUD_DATE_ORDER_MDY, NULL);
  check_date ("2024-03-05x", AUD_DATE_ORDER_YMD, NULL);
  check_date ("2024-03/05", AUD_DATE_ORDER_YMD, NULL);
  check_date ("05/03/24", AUD_DATE_ORDER_DMY, NULL);
  check_date ("05-03-2024", AUD_DATE_ORDER_YMD, NULL);
  check_date ("123-45-6789", AUD_DATE_ORDER_MDY, NULL);
  check_date ("2024-03-05 10:00", AUD_DATE_ORDER_YMD, NULL);
  check_date ("", AUD_DATE_ORDER_YMD, NULL);
}

static void
check_datetime (const char   *text,
                AudDateOrder  order,
                GTimeZone    *tz,
                const char   *expected)
{
  gint64 t = 0;
  char *s;

  if (expected == NULL)
    {
      if (aud_value_parse_datetime (text, order, tz, &t))
        g_error ("'%s' parsed as %" G_GINT64_FORMAT, text, t);
      return;
    }

  if (!aud_value_parse_datetime (text, order, tz, &t))
    g_error ("'%s' did not parse as a date-time", text);
  s = aud_value_format_datetime (t);
  g_assert_cmpstr (s, ==, expected);
  g_free (s);
}

static void
test_value_datetime (void)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GTimeZone) fixed = g_time_zone_new_identifier ("-05:00");
  gint64 t;

  g_assert_nonnull (paris);
  g_assert_nonnull (fixed);

  check_datetime ("2024-03-05T10:20:30Z", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T10:20:30Z");
  check_datetime ("2024-03-05T10:20:30", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T10:20:30Z");
  check_datetime ("2024-03-05T10:20:30.123456Z", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T10:20:30Z");
  check_datetime ("2024-03-05T10:20:30+02:00", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T08:20:30Z");
  check_datetime ("2024-03-05T01:00:00-0130", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T02:30:00Z");
  check_datetime ("2024-03-05T23:00:00-05", AUD_DATE_ORDER_YMD, NULL, "2024-03-06T04:00:00Z");
  check_datetime ("2024-03-05 10:20:30", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T10:20:30Z");
  check_datetime ("2024-03-05 10:20", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T10:20:00Z");
  check_datetime ("2024-03-05 10:20:30 UTC", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T10:20:30Z");
  check_datetime ("2024-03-05", AUD_DATE_ORDER_YMD, NULL, "2024-03-05T00:00:00Z");
  check_datetime ("12/1/2010 8:26", AUD_DATE_ORDER_MDY, NULL, "2010-12-01T08:26:00Z");
  check_datetime ("12/9/2011 12:50", AUD_DATE_ORDER_MDY, NULL, "2011-12-09T12:50:00Z");
  check_datetime ("12/1/2010 8:26 PM", AUD_DATE_ORDER_MDY, NULL, "2010-12-01T20:26:00Z");
  check_datetime ("12/1/2010 12:05 am", AUD_DATE_ORDER_MDY, NULL, "2010-12-01T00:05:00Z");
  check_datetime ("1970-01-01T00:00:00Z", AUD_DATE_ORDER_YMD, NULL, "1970-01-01T00:00:00Z");
  check_datetime ("1969-12-31T23:59:59Z", AUD_DATE_ORDER_YMD, NULL, "1969-12-31T23:59:59Z");
  check_datetime ("2024-02-29T12:00:00Z", AUD_DATE_ORDER_YMD, NULL, "2024-02-29T12:00:00Z");

  /* Zones for values written without one */
  check_datetime ("2024-07-01 12:00", AUD_DATE_ORDER_YMD, paris, "2024-07-01T10:00:00Z");
  check_datetime ("2024-01-15 12:00", AUD_DATE_ORDER_YMD, paris, "2024-01-15T11:00:00Z");
  check_datetime ("2024-01-15 12:00", AUD_DATE_ORDER_YMD, fixed, "2024-01-15T17:00:00Z");
  check_datetime ("2024-01-15 12:00Z", AUD_DATE_ORDER_YMD, paris, "2024-01-15T12:00:00Z");

  g_assert_true (aud_value_parse_datetime ("1970-01-02", AUD_DATE_ORDER_YMD, NULL, &t));
  g_assert_cmpint (t, ==, 86400);

  /* Invalid */
  check_datetime ("2024-03-05T24:00:00", AUD_DATE_ORDER_YMD, NULL, NULL);
  check_datetime ("2024-03-05T10:60", AUD_DATE_ORDER_YMD, NULL, NULL);
  check_datetime ("2024-03-05T10:20:30+25:00", AUD_DATE_ORDER_YMD, NULL, NULL);
  check_datetime ("2024-03-05T10", AUD_DATE_ORDER_YMD, NULL, NULL);
  check_datetime ("2023-02-29 10:00", AUD_DATE_ORDER_YMD, NULL, NULL);
  check_datetime ("13/1/2010 8:26", AUD_DATE_ORDER_MDY, NULL, NULL);
  check_datetime ("12/1/2010 13:26 PM", AUD_DATE_ORDER_MDY, NULL, NULL);
  check_datetime ("2024-03-05 10:20 tomorrow", AUD_DATE_ORDER_YMD, NULL, NULL);
  check_datetime ("1338940800", AUD_DATE_ORDER_YMD, NULL, NULL);
}

static void
test_value_boolean (void)
{
  const char *yes[] = { "true", "TRUE", "Yes", "y", "T", "1", " yes " };
  const char *no[] = { "false", "No", "N", "f", "0" };
  const char *neither[] = { "", "maybe", "2", "No internet service", "yess" };
  gboolean b;

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      b = FALSE;
      g_assert_true (aud_value_parse_boolean (yes[i], &b));
      g_assert_true (b);
    }
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    {
      b = TRUE;
      g_assert_true (aud_value_parse_boolean (no[i], &b));
      g_assert_false (b);
    }
  for (guint i = 0; i < G_N_ELEMENTS (neither); i++)
    g_assert_false (aud_value_parse_boolean (neither[i], &b));
}

static void
test_value_json_string (void)
{
  g_autoptr(GString) out = g_string_new ("x=");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char text[] = "Zo\xc3\xab \"q\" a\\b\n\t\x01\x7f end";

  aud_value_append_json_string (out, text, -1);
  g_assert_cmpstr (out->str, ==,
                   "x=\"Zo\xc3\xab \\\"q\\\" a\\\\b\\n\\t\\u0001\\u007f end\"");

  /* It parses back to the same text; a length stops at embedded bytes. */
  g_assert_true (json_parser_load_from_data (parser, out->str + 2, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (json_parser_get_root (parser)), ==, text);

  g_string_truncate (out, 0);
  aud_value_append_json_string (out, "abc", 2);
  g_assert_cmpstr (out->str, ==, "\"ab\"");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/value/blank", test_value_blank);
  g_test_add_func ("/value/integer", test_value_integer);
  g_test_add_func ("/value/decimal", test_value_decimal);
  g_test_add_func ("/value/rescale", test_value_rescale);
  g_test_add_func ("/value/date", test_value_date);
  g_test_add_func ("/value/datetime", test_value_datetime);
  g_test_add_func ("/value/boolean", test_value_boolean);
  g_test_add_func ("/value/json-string", test_value_json_string);

  return g_test_run ();
}
