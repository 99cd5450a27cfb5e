/* test-infer.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "aud-infer.h"

/* Infers one column named @name from NULL-terminated @values. */
static AudColumnGuess *
infer_column (const char         *name,
              const char * const *values,
              const char * const *blank_markers)
{
  g_autoptr(AudInfer) infer = aud_infer_new (blank_markers);
  g_autoptr(GPtrArray) guesses = NULL;
  const char *names[] = { name };

  aud_infer_set_columns (infer, names, 1);
  for (guint i = 0; values[i] != NULL; i++)
    aud_infer_add_row (infer, &values[i], 1);
  g_assert_cmpuint (aud_infer_get_n_rows (infer), ==, g_strv_length ((char **)values));

  guesses = aud_infer_finish (infer);
  g_assert_cmpuint (guesses->len, ==, 1);
  return g_ptr_array_steal_index (guesses, 0);
}

static gboolean
has_note (const AudColumnGuess *guess,
          const char           *part)
{
  for (guint i = 0; i < guess->notes->len; i++)
    if (strstr (g_ptr_array_index (guess->notes, i), part) != NULL)
      return TRUE;
  return FALSE;
}

#define V(...) ((const char * const []) { __VA_ARGS__, NULL })

static void
test_infer_numbers (void)
{
  g_autoptr(AudColumnGuess) integer = infer_column ("n", V ("1", "-20", "300", " 4 "), NULL);
  g_autoptr(AudColumnGuess) decimal = infer_column ("price", V ("2.5", "10", "0.125", "-3.10"), NULL);
  g_autoptr(AudColumnGuess) comma = infer_column ("preis", V ("2,5", "10", "0,125"), NULL);
  g_autoptr(AudColumnGuess) german = infer_column ("umsatz", V ("1.234,5", "12,75", "3"), NULL);
  g_autoptr(AudColumnGuess) thousands = infer_column ("amount", V ("1,234", "12,500", "999"), NULL);
  g_autoptr(AudColumnGuess) us = infer_column ("revenue", V ("1,234.50", "12.5", "7"), NULL);
  g_autoptr(AudColumnGuess) dots = infer_column ("ratio", V ("1.234", "5.678"), NULL);

  g_assert_cmpint (integer->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpuint (integer->n_values, ==, 4);

  g_assert_cmpint (decimal->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpuint (decimal->format.scale, ==, 3);
  g_assert_cmpint (decimal->format.number.decimal_mark, ==, '.');

  g_assert_cmpint (comma->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpint (comma->format.number.decimal_mark, ==, ',');
  g_assert_cmpuint (comma->format.scale, ==, 3);
  g_assert_true (has_note (comma, "decimal mark"));

  g_assert_cmpint (german->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpint (german->format.number.decimal_mark, ==, ',');
  g_assert_cmpint (german->format.number.group_mark, ==, '.');
  g_assert_cmpuint (german->format.scale, ==, 2);

  /* Every comma followed by three digits: thousands, with a note */
  g_assert_cmpint (thousands->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpint (thousands->format.number.group_mark, ==, ',');
  g_assert_true (has_note (thousands, "thousands"));

  g_assert_cmpint (us->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpint (us->format.number.decimal_mark, ==, '.');
  g_assert_cmpint (us->format.number.group_mark, ==, ',');
  g_assert_cmpuint (us->format.scale, ==, 2);

  /* A dot with three digits is a decimal point by default */
  g_assert_cmpint (dots->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpuint (dots->format.scale, ==, 3);
}

static void
test_infer_stays_text (void)
{
  g_autoptr(AudColumnGuess) zeros = infer_column ("code", V ("0001", "0002", "0150"), NULL);
  g_autoptr(AudColumnGuess) long_digits = infer_column ("card", V ("1234567890123456", "42"), NULL);
  g_autoptr(AudColumnGuess) zip = infer_column ("zip", V ("14409", "9790", "1151"), NULL);
  g_autoptr(AudColumnGuess) plz = infer_column ("PLZ", V ("10115", "80331"), NULL);
  g_autoptr(AudColumnGuess) mixed = infer_column ("invoice", V ("536365", "536366", "C536379",
                                                                "536367", "536368", "536369",
                                                                "536370", "536371", "536372",
                                                                "536373"), NULL);
  g_autoptr(AudColumnGuess) zero = infer_column ("n", V ("0", "0.5", "10"), NULL);

  g_assert_cmpint (zeros->format.type, ==, AUD_FIELD_TEXT);
  g_assert_true (has_note (zeros, "leading zeros"));
  g_assert_cmpint (long_digits->format.type, ==, AUD_FIELD_TEXT);
  g_assert_true (has_note (long_digits, "15 digits"));
  g_assert_cmpint (zip->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpint (zip->role, ==, AUD_ROLE_POSTAL_CODE);
  g_assert_cmpint (plz->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpint (plz->role, ==, AUD_ROLE_POSTAL_CODE);
  g_assert_cmpint (mixed->format.type, ==, AUD_FIELD_TEXT);
  g_assert_true (has_note (mixed, "C536379"));
  /* "0" and "0.5" have no leading zeros */
  g_assert_cmpint (zero->format.type, ==, AUD_FIELD_DECIMAL);
}

static void
test_infer_dates (void)
{
  g_autoptr(AudColumnGuess) iso = infer_column ("d", V ("2024-03-05", "2023-12-31"), NULL);
  g_autoptr(AudColumnGuess) dmy = infer_column ("d", V ("04-09-2012", "21-08-2013"), NULL);
  g_autoptr(AudColumnGuess) mdy = infer_column ("d", V ("03/05/2024", "12/31/2023"), NULL);
  g_autoptr(AudColumnGuess) dotted = infer_column ("d", V ("05.03.2024", "1.2.2024"), NULL);
  g_autoptr(AudColumnGuess) mixed_iso = infer_column ("d", V ("2024-03-05", "25/12/2023"), NULL);
  g_autoptr(AudColumnGuess) invalid = infer_column ("d", V ("2024-02-30", "2024-03-01"), NULL);
  g_autoptr(AudColumnGuess) ambiguous = infer_column ("d", V ("01/02/2024", "02/01/2024"), NULL);
  g_autoptr(AudColumnGuess) first_varies = infer_column ("d", V ("01/03/2024", "02/03/2024",
                                                                 "05/03/2024"), NULL);
  g_autoptr(AudColumnGuess) second_varies = infer_column ("d", V ("3/1/2024", "3/2/2024",
                                                                  "3/5/2024"), NULL);

  g_assert_cmpint (iso->format.type, ==, AUD_FIELD_DATE);
  g_assert_cmpint (iso->format.date_order, ==, AUD_DATE_ORDER_YMD);
  g_assert_cmpuint (iso->notes->len, ==, 0);

  /* A day above 12 settles the order without a note */
  g_assert_cmpint (dmy->format.type, ==, AUD_FIELD_DATE);
  g_assert_cmpint (dmy->format.date_order, ==, AUD_DATE_ORDER_DMY);
  g_assert_cmpuint (dmy->notes->len, ==, 0);
  g_assert_cmpint (mdy->format.date_order, ==, AUD_DATE_ORDER_MDY);
  g_assert_cmpuint (mdy->notes->len, ==, 0);

  g_assert_cmpint (dotted->format.type, ==, AUD_FIELD_DATE);
  g_assert_cmpint (mixed_iso->format.type, ==, AUD_FIELD_DATE);
  g_assert_cmpint (mixed_iso->format.date_order, ==, AUD_DATE_ORDER_DMY);

  /* February 30th is not a date */
  g_assert_cmpint (invalid->format.type, !=, AUD_FIELD_DATE);

  g_assert_cmpint (ambiguous->format.type, ==, AUD_FIELD_DATE);
  g_assert_cmpint (ambiguous->format.date_order, ==, AUD_DATE_ORDER_DMY);
  g_assert_true (has_note (ambiguous, "ambiguous"));
  g_assert_true (has_note (ambiguous, "assumed day first"));

  g_assert_cmpint (first_varies->format.date_order, ==, AUD_DATE_ORDER_DMY);
  g_assert_true (has_note (first_varies, "ambiguous"));
  g_assert_cmpint (second_varies->format.date_order, ==, AUD_DATE_ORDER_MDY);
  g_assert_true (has_note (second_varies, "month first"));
}

static void
test_infer_datetimes (void)
{
  g_autoptr(AudColumnGuess) iso = infer_column ("t", V ("2024-03-05T10:20:30Z",
                                                        "2024-03-05T10:20:30+02:00",
                                                        "2024-03-06"), NULL);
  g_autoptr(AudColumnGuess) space = infer_column ("t", V ("2024-03-05 10:20:30", "2024-03-06 08:00:00"), NULL);
  g_autoptr(AudColumnGuess) retail = infer_column ("InvoiceDate", V ("12/1/2010 8:26", "12/13/2010 9:41"), NULL);
  g_autoptr(AudColumnGuess) epoch = infer_column ("unixReviewTime", V ("1441324800", "1338940800"), NULL);
  g_autoptr(AudColumnGuess) created = infer_column ("created_timestamp", V ("1441324800"), NULL);
  g_autoptr(AudColumnGuess) not_epoch = infer_column ("amount", V ("1441324800", "1338940800"), NULL);

  g_assert_cmpint (iso->format.type, ==, AUD_FIELD_DATETIME);
  g_assert_cmpint (space->format.type, ==, AUD_FIELD_DATETIME);
  g_assert_cmpint (retail->format.type, ==, AUD_FIELD_DATETIME);
  g_assert_cmpint (retail->format.date_order, ==, AUD_DATE_ORDER_MDY);

  g_assert_cmpint (epoch->format.type, ==, AUD_FIELD_DATETIME);
  g_assert_true (epoch->format.epoch);
  g_assert_true (has_note (epoch, "UNIX"));
  g_assert_cmpint (created->format.type, ==, AUD_FIELD_DATETIME);
  g_assert_true (created->format.epoch);
  /* Epoch seconds only when the name says so */
  g_assert_cmpint (not_epoch->format.type, ==, AUD_FIELD_INTEGER);
}

static void
test_infer_booleans (void)
{
  g_autoptr(AudColumnGuess) words = infer_column ("Partner", V ("Yes", "No", "yes"), NULL);
  g_autoptr(AudColumnGuess) tf = infer_column ("verified", V ("true", "false"), NULL);
  g_autoptr(AudColumnGuess) yn = infer_column ("x", V ("Y", "N", "N"), NULL);
  g_autoptr(AudColumnGuess) digits = infer_column ("SeniorCitizen", V ("0", "1", "0", "0"), NULL);
  g_autoptr(AudColumnGuess) flag = infer_column ("is_active", V ("0", "1", "0", "0"), NULL);
  g_autoptr(AudColumnGuess) opt_in = infer_column ("email_opt_in", V ("1", "0", "1", "1"), NULL);
  g_autoptr(AudColumnGuess) third = infer_column ("MultipleLines",
                                                  V ("Yes", "No", "No internet service", "No", "Yes", "No"),
                                                  NULL);

  g_assert_cmpint (words->format.type, ==, AUD_FIELD_BOOLEAN);
  g_assert_cmpint (tf->format.type, ==, AUD_FIELD_BOOLEAN);
  g_assert_cmpint (yn->format.type, ==, AUD_FIELD_BOOLEAN);
  /* 0/1 are numbers unless the name says flag */
  g_assert_cmpint (digits->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpint (flag->format.type, ==, AUD_FIELD_BOOLEAN);
  g_assert_cmpint (opt_in->format.type, ==, AUD_FIELD_BOOLEAN);
  g_assert_cmpint (opt_in->role, ==, AUD_ROLE_CONSENT_EMAIL);
  /* Yes/No with a third value is a category */
  g_assert_cmpint (third->format.type, ==, AUD_FIELD_CATEGORY);
}

static void
test_infer_categories (void)
{
  g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) unique = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AudColumnGuess) few = infer_column ("plan", V ("gold", "silver", "gold", "bronze",
                                                           "gold", "silver"), NULL);
  g_autoptr(AudColumnGuess) spread = NULL;
  g_autoptr(AudColumnGuess) names = NULL;
  g_autoptr(AudColumnGuess) blank = infer_column ("nothing", V ("", " ", "\t"), NULL);

  /* 60 distinct values in 600 rows: more than 50, so text */
  for (guint i = 0; i < 600; i++)
    g_ptr_array_add (many, g_strdup_printf ("v%u", i % 60));
  g_ptr_array_add (many, NULL);
  spread = infer_column ("many", (const char * const *)many->pdata, NULL);

  /* 10 distinct in 12: too many relative to the values, so text */
  for (guint i = 0; i < 12; i++)
    g_ptr_array_add (unique, g_strdup_printf ("name %u", i % 10));
  g_ptr_array_add (unique, NULL);
  names = infer_column ("label", (const char * const *)unique->pdata, NULL);

  g_assert_cmpint (few->format.type, ==, AUD_FIELD_CATEGORY);
  g_assert_cmpuint (few->n_distinct, ==, 3);
  g_assert_cmpint (spread->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpuint (spread->n_distinct, ==, AUD_INFER_MAX_CATEGORIES + 1);
  g_assert_cmpint (names->format.type, ==, AUD_FIELD_TEXT);

  g_assert_cmpint (blank->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpuint (blank->n_blank, ==, 3);
  g_assert_cmpuint (blank->n_values, ==, 0);
  g_assert_true (has_note (blank, "blank"));
}

static void
test_infer_blank_markers (void)
{
  const char *markers[] = { "NA", "N/A", "null", NULL };
  g_autoptr(AudColumnGuess) with = infer_column ("income", V ("58138", "NA", "n/a", "46344", " "), markers);
  g_autoptr(AudColumnGuess) without = infer_column ("income", V ("58138", "NA", "46344", "1", "2",
                                                                 "3", "4", "5", "6", "7"), NULL);

  g_assert_cmpint (with->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpuint (with->n_blank, ==, 3);
  g_assert_cmpuint (with->n_values, ==, 2);
  g_assert_cmpint (without->format.type, ==, AUD_FIELD_TEXT);
  g_assert_true (has_note (without, "“NA”"));
}

static void
test_infer_role_names (void)
{
  struct {
    const char *name;
    AudFieldRole role;
  } cases[] = {
    { "email", AUD_ROLE_EMAIL },
    { "E-Mail", AUD_ROLE_EMAIL },
    { "EmailAddress", AUD_ROLE_EMAIL },
    { "courriel", AUD_ROLE_EMAIL },
    { "correo", AUD_ROLE_EMAIL },
    { "customer_email", AUD_ROLE_EMAIL },
    { "Vorname", AUD_ROLE_FIRST_NAME },
    { "prénom", AUD_ROLE_FIRST_NAME },
    { "nombre", AUD_ROLE_FIRST_NAME },
    { "first_name", AUD_ROLE_FIRST_NAME },
    { "FirstName", AUD_ROLE_FIRST_NAME },
    { "apellido", AUD_ROLE_LAST_NAME },
    { "Nachname", AUD_ROLE_LAST_NAME },
    { "last name", AUD_ROLE_LAST_NAME },
    { "surname", AUD_ROLE_LAST_NAME },
    { "reviewerName", AUD_ROLE_FULL_NAME },
    { "Geburtsdatum", AUD_ROLE_BIRTH_DATE },
    { "date de naissance", AUD_ROLE_BIRTH_DATE },
    { "date_of_birth", AUD_ROLE_BIRTH_DATE },
    { "DOB", AUD_ROLE_BIRTH_DATE },
    { "pays", AUD_ROLE_COUNTRY },
    { "Land", AUD_ROLE_COUNTRY },
    { "país", AUD_ROLE_COUNTRY },
    { "Country", AUD_ROLE_COUNTRY },
    { "ciudad", AUD_ROLE_CITY },
    { "Stadt", AUD_ROLE_CITY },
    { "customer_city", AUD_ROLE_CITY },
    { "PLZ", AUD_ROLE_POSTAL_CODE },
    { "cep", AUD_ROLE_POSTAL_CODE },
    { "zip_code", AUD_ROLE_POSTAL_CODE },
    { "customer_zip_code_prefix", AUD_ROLE_POSTAL_CODE },
    { "telefone", AUD_ROLE_PHONE },
    { "Handy", AUD_ROLE_PHONE },
    { "phone_number", AUD_ROLE_PHONE },
    { "lat", AUD_ROLE_LATITUDE },
    { "Latitude", AUD_ROLE_LATITUDE },
    { "lng", AUD_ROLE_LONGITUDE },
    { "longitude", AUD_ROLE_LONGITUDE },
    { "customer_id", AUD_ROLE_CUSTOMER_ID },
    { "CustomerID", AUD_ROLE_CUSTOMER_ID },
    { "customerID", AUD_ROLE_CUSTOMER_ID },
    { "customer_unique_id", AUD_ROLE_CUSTOMER_ID },
    { "reviewerID", AUD_ROLE_CUSTOMER_ID },
    { "client", AUD_ROLE_CUSTOMER_ID },
    { "Kundennummer", AUD_ROLE_CUSTOMER_ID },
    { "email_opt_in", AUD_ROLE_CONSENT_EMAIL },
    { "newsletter", AUD_ROLE_CONSENT_EMAIL },
    { "marketing_consent", AUD_ROLE_CONSENT_EMAIL },
    { "sms_consent", AUD_ROLE_CONSENT_SMS },
    { "ads_consent", AUD_ROLE_CONSENT_ADS },
    { "gender", AUD_ROLE_GENDER },
    { "Genre", AUD_ROLE_GENDER },
    { "Geschlecht", AUD_ROLE_GENDER },
    { "device_type", AUD_ROLE_DEVICE },
    /* Not roles */
    { "DeviceProtection", AUD_ROLE_NONE },
    { "product_category_name", AUD_ROLE_NONE },
    { "seller_id", AUD_ROLE_NONE },
    { "order_id", AUD_ROLE_NONE },
    { "Dt_Customer", AUD_ROLE_NONE },
    { "MonthlyCharges", AUD_ROLE_NONE },
    { "", AUD_ROLE_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AudFieldRole role = aud_role_from_name (cases[i].name);

      if (role != cases[i].role)
        g_error ("“%s” gave role %s, expected %s", cases[i].name,
                 aud_field_role_to_string (role), aud_field_role_to_string (cases[i].role));
    }
}

static void
test_infer_role_values (void)
{
  g_autoptr(AudColumnGuess) email = infer_column ("contact", V ("ana@example.com", "bo@example.org", ""), NULL);
  g_autoptr(AudColumnGuess) not_email = infer_column ("email", V ("yes", "no", "yes"), NULL);
  g_autoptr(AudColumnGuess) phone = infer_column ("reach", V ("+49 30 1234567", "(555) 123-4567", "+1 555 123 4567"), NULL);
  g_autoptr(AudColumnGuess) lat = infer_column ("lat", V ("52.52", "-33.86", "48.8566"), NULL);
  g_autoptr(AudColumnGuess) bad_lat = infer_column ("lat", V ("152.52", "-33.86"), NULL);
  g_autoptr(AudColumnGuess) lng = infer_column ("lng", V ("13.405", "151.2093", "-122.4194"), NULL);
  g_autoptr(AudColumnGuess) year_birth = infer_column ("Year_Birth", V ("1957", "1954"), NULL);
  g_autoptr(AudColumnGuess) birth = infer_column ("Geburtsdatum", V ("24.12.1980", "01.02.1975"), NULL);

  g_assert_cmpint (email->role, ==, AUD_ROLE_EMAIL);
  g_assert_cmpint (not_email->role, ==, AUD_ROLE_NONE);
  g_assert_cmpint (phone->role, ==, AUD_ROLE_PHONE);
  g_assert_cmpint (phone->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpint (lat->role, ==, AUD_ROLE_LATITUDE);
  g_assert_cmpint (bad_lat->role, ==, AUD_ROLE_NONE);
  g_assert_cmpint (lng->role, ==, AUD_ROLE_LONGITUDE);
  g_assert_cmpint (year_birth->role, ==, AUD_ROLE_NONE);
  g_assert_cmpint (year_birth->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpint (birth->role, ==, AUD_ROLE_BIRTH_DATE);
  g_assert_cmpint (birth->format.type, ==, AUD_FIELD_DATE);
}

/* Infers a table of @n_columns columns from rows of NULL-separated cells. */
static GPtrArray *
infer_table (const char * const *names,
             guint               n_columns,
             const char * const *cells,
             guint               n_rows)
{
  g_autoptr(AudInfer) infer = aud_infer_new (NULL);

  aud_infer_set_columns (infer, names, n_columns);
  for (guint i = 0; i < n_rows; i++)
    aud_infer_add_row (infer, &cells[i * n_columns], n_columns);
  return aud_infer_finish (infer);
}

static AudColumnGuess *
guess_at (GPtrArray *guesses,
          guint      i)
{
  return g_ptr_array_index (guesses, i);
}

static void
test_infer_customer_id (void)
{
  const char *names[] = { "ID", "customer_id", "name" };
  const char *unique_rows[] = {
    "1", "c1", "Ana",
    "2", "c2", "Bo",
    "3", "c1", "Cy",
  };
  const char *generic_names[] = { "ID", "order" };
  const char *generic_rows[] = { "1", "x", "2", "y", "3", "z" };
  const char *repeated_rows[] = { "1", "x", "1", "y", "3", "z" };
  g_autoptr(GPtrArray) named = infer_table (names, 3, unique_rows, 3);
  g_autoptr(GPtrArray) generic = infer_table (generic_names, 2, generic_rows, 3);
  g_autoptr(GPtrArray) repeated = infer_table (generic_names, 2, repeated_rows, 3);

  /* A customer-named id wins over a generic unique ID, even repeated
   * (event files repeat customers) */
  g_assert_cmpint (guess_at (named, 0)->role, ==, AUD_ROLE_NONE);
  g_assert_cmpint (guess_at (named, 1)->role, ==, AUD_ROLE_CUSTOMER_ID);
  g_assert_true (guess_at (named, 0)->unique);
  g_assert_false (guess_at (named, 1)->unique);
  g_assert_cmpint (guess_at (named, 2)->role, ==, AUD_ROLE_FULL_NAME);

  /* A generic ID only when unique */
  g_assert_cmpint (guess_at (generic, 0)->role, ==, AUD_ROLE_CUSTOMER_ID);
  g_assert_cmpint (guess_at (repeated, 0)->role, ==, AUD_ROLE_NONE);
}

static void
test_infer_columns_grow (void)
{
  g_autoptr(AudInfer) infer = aud_infer_new (NULL);
  g_autoptr(GPtrArray) guesses = NULL;
  const char *names[] = { "a", "b" };
  const char *row1[] = { "1" };
  const char *row2[] = { "2", "x" };

  aud_infer_set_columns (infer, names, 1);
  aud_infer_add_row (infer, row1, 1);
  aud_infer_set_columns (infer, names, 2);
  aud_infer_add_row (infer, row2, 2);
  guesses = aud_infer_finish (infer);

  g_assert_cmpuint (guesses->len, ==, 2);
  g_assert_cmpstr (guess_at (guesses, 1)->name, ==, "b");
  g_assert_cmpuint (guess_at (guesses, 1)->n_blank, ==, 1);
  g_assert_cmpuint (guess_at (guesses, 1)->n_values, ==, 1);
  g_assert_cmpint (guess_at (guesses, 0)->format.type, ==, AUD_FIELD_INTEGER);
}

static GPtrArray *
sample_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(AudReader) reader = aud_reader_open (path, NULL, &error);
  GPtrArray *guesses;

  g_assert_no_error (error);
  guesses = aud_infer_sample (reader, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (guesses);
  return guesses;
}

static AudColumnGuess *
find_guess (GPtrArray  *guesses,
            const char *name)
{
  for (guint i = 0; i < guesses->len; i++)
    if (strcmp (guess_at (guesses, i)->name, name) == 0)
      return guess_at (guesses, i);
  g_error ("no column %s", name);
  return NULL;
}

static void
test_infer_fixtures (void)
{
  g_autoptr(GPtrArray) telco = sample_fixture ("r-telco.csv");
  g_autoptr(GPtrArray) campaign = sample_fixture ("r-campaign.tsv");
  g_autoptr(GPtrArray) retail = sample_fixture ("r-retail.csv");
  g_autoptr(GPtrArray) mall = sample_fixture ("r-mall.csv");
  g_autoptr(GPtrArray) olist = sample_fixture ("r-olist-customers.csv");
  AudColumnGuess *g;

  /* Telco: TotalCharges " " is blank, the rest decimals */
  g = find_guess (telco, "TotalCharges");
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpuint (g->format.scale, ==, 2);
  g_assert_cmpuint (g->n_blank, ==, 2);
  g_assert_cmpint (find_guess (telco, "customerID")->role, ==, AUD_ROLE_CUSTOMER_ID);
  g_assert_cmpint (find_guess (telco, "customerID")->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpint (find_guess (telco, "SeniorCitizen")->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpint (find_guess (telco, "Partner")->format.type, ==, AUD_FIELD_BOOLEAN);
  g_assert_cmpint (find_guess (telco, "MultipleLines")->format.type, ==, AUD_FIELD_CATEGORY);
  g_assert_cmpint (find_guess (telco, "gender")->role, ==, AUD_ROLE_GENDER);
  g_assert_cmpint (find_guess (telco, "MonthlyCharges")->format.type, ==, AUD_FIELD_DECIMAL);

  /* Customer personality: dd-mm-yyyy, blank Income */
  g = find_guess (campaign, "Dt_Customer");
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_DATE);
  g_assert_cmpint (g->format.date_order, ==, AUD_DATE_ORDER_DMY);
  g = find_guess (campaign, "Income");
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpuint (g->n_blank, ==, 1);
  g_assert_cmpint (find_guess (campaign, "ID")->role, ==, AUD_ROLE_CUSTOMER_ID);

  /* Online Retail: M/D/YYYY H:MM, text invoice numbers, decimals */
  g = find_guess (retail, "InvoiceDate");
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_DATETIME);
  g_assert_cmpint (g->format.date_order, ==, AUD_DATE_ORDER_MDY);
  g_assert_cmpint (find_guess (retail, "InvoiceNo")->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpint (find_guess (retail, "StockCode")->format.type, ==, AUD_FIELD_TEXT);
  g = find_guess (retail, "UnitPrice");
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpuint (g->format.scale, ==, 3);
  g = find_guess (retail, "CustomerID");
  g_assert_cmpint (g->role, ==, AUD_ROLE_CUSTOMER_ID);
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpuint (g->n_blank, ==, 1);
  g_assert_cmpint (find_guess (retail, "Quantity")->format.type, ==, AUD_FIELD_INTEGER);

  /* Mall: zero-padded ids stay text */
  g = find_guess (mall, "CustomerID");
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpint (g->role, ==, AUD_ROLE_CUSTOMER_ID);
  g_assert_cmpint (find_guess (mall, "Genre")->role, ==, AUD_ROLE_GENDER);
  g_assert_cmpint (find_guess (mall, "Age")->format.type, ==, AUD_FIELD_INTEGER);

  /* Olist: zip prefixes stay text; the person id is the customer id */
  g = find_guess (olist, "customer_zip_code_prefix");
  g_assert_cmpint (g->format.type, ==, AUD_FIELD_TEXT);
  g_assert_cmpint (g->role, ==, AUD_ROLE_POSTAL_CODE);
  g_assert_cmpint (find_guess (olist, "customer_unique_id")->role, ==, AUD_ROLE_CUSTOMER_ID);
  g_assert_cmpint (find_guess (olist, "customer_id")->role, ==, AUD_ROLE_NONE);
  g_assert_cmpint (find_guess (olist, "customer_city")->role, ==, AUD_ROLE_CITY);
}

static void
test_infer_convert (void)
{
  AudColumnFormat format = { 0, };
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  const char *markers[] = { "NA", NULL };
  AudValue v;

  /* Text keeps the text as is; blanks are blank */
  format.type = AUD_FIELD_TEXT;
  g_assert_cmpint (aud_column_format_convert (&format, " x ", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpstr (v.text, ==, " x ");
  g_assert_cmpint (aud_column_format_convert (&format, " ", NULL, NULL, &v), ==, AUD_CONVERT_BLANK);
  g_assert_cmpint (aud_column_format_convert (&format, NULL, NULL, NULL, &v), ==, AUD_CONVERT_BLANK);
  g_assert_cmpint (aud_column_format_convert (&format, "NA", NULL, markers, &v), ==, AUD_CONVERT_BLANK);
  g_assert_cmpint (aud_column_format_convert (&format, "NA", NULL, NULL, &v), ==, AUD_CONVERT_OK);

  format.type = AUD_FIELD_INTEGER;
  format.number = (AudNumberFormat) { '.', ',' };
  g_assert_cmpint (aud_column_format_convert (&format, "1,234", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 1234);
  g_assert_cmpint (v.type, ==, AUD_FIELD_INTEGER);
  g_assert_cmpint (aud_column_format_convert (&format, "1.5", NULL, NULL, &v), ==, AUD_CONVERT_MISMATCH);
  g_assert_cmpint (aud_column_format_convert (&format, "abc", NULL, NULL, &v), ==, AUD_CONVERT_MISMATCH);

  format.type = AUD_FIELD_DECIMAL;
  format.number = (AudNumberFormat) { ',', '.' };
  format.scale = 2;
  g_assert_cmpint (aud_column_format_convert (&format, "1.234,5", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 123450);
  g_assert_cmpuint (v.scale, ==, 2);
  g_assert_cmpint (aud_column_format_convert (&format, "-7", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, -700);
  g_assert_cmpint (aud_column_format_convert (&format, "0,125", NULL, NULL, &v), ==, AUD_CONVERT_NEEDS_SCALE);
  g_assert_cmpint (v.integer, ==, 125);
  g_assert_cmpuint (v.scale, ==, 3);
  g_assert_cmpint (aud_column_format_convert (&format, "92233720368547759", NULL, NULL, &v), ==, AUD_CONVERT_MISMATCH);

  /* A zero-initialised number format reads a dot */
  format.number = (AudNumberFormat) { 0, 0 };
  g_assert_cmpint (aud_column_format_convert (&format, "2.5", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 250);

  format.type = AUD_FIELD_DATE;
  format.date_order = AUD_DATE_ORDER_DMY;
  g_assert_cmpint (aud_column_format_convert (&format, "04-09-2012", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpstr (v.text, ==, "2012-09-04");
  g_assert_cmpint (aud_column_format_convert (&format, "2024-02-29", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpstr (v.text, ==, "2024-02-29");
  g_assert_cmpint (aud_column_format_convert (&format, "31-02-2012", NULL, NULL, &v), ==, AUD_CONVERT_MISMATCH);

  format.type = AUD_FIELD_DATETIME;
  format.date_order = AUD_DATE_ORDER_MDY;
  g_assert_cmpint (aud_column_format_convert (&format, "12/1/2010 8:26", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 1291191960);
  g_assert_cmpint (aud_column_format_convert (&format, "12/1/2010 8:26", paris, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 1291191960 - 3600);
  g_assert_cmpint (aud_column_format_convert (&format, "2010-12-01T08:26:00Z", paris, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 1291191960);

  format.epoch = TRUE;
  g_assert_cmpint (aud_column_format_convert (&format, "1441324800", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 1441324800);
  g_assert_cmpint (aud_column_format_convert (&format, "09 4, 2015", NULL, NULL, &v), ==, AUD_CONVERT_MISMATCH);

  format.type = AUD_FIELD_BOOLEAN;
  g_assert_cmpint (aud_column_format_convert (&format, "Yes", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 1);
  g_assert_cmpint (aud_column_format_convert (&format, "false", NULL, NULL, &v), ==, AUD_CONVERT_OK);
  g_assert_cmpint (v.integer, ==, 0);
  g_assert_cmpint (aud_column_format_convert (&format, "No internet service", NULL, NULL, &v), ==, AUD_CONVERT_MISMATCH);
}

typedef struct
{
  const char    *path;
  AudFileFormat  format;
  char           delimiter;
  guint          bom_length;
  guint64        n_rows;
  guint          n_columns;
  struct {
    const char   *column;
    AudFieldType  type;
    AudFieldRole  role;
    AudDateOrder  order;    /* checked for dates and date-times */
  } checks[6];
} DatasetCase;

static const DatasetCase dataset_cases[] = {
  { "telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv", AUD_FILE_FORMAT_CSV, ',', 0, 7043, 21,
    { { "customerID", AUD_FIELD_TEXT, AUD_ROLE_CUSTOMER_ID },
      { "TotalCharges", AUD_FIELD_DECIMAL, AUD_ROLE_NONE },
      { "MultipleLines", AUD_FIELD_CATEGORY, AUD_ROLE_NONE },
      { "Churn", AUD_FIELD_BOOLEAN, AUD_ROLE_NONE },
      { "gender", AUD_FIELD_CATEGORY, AUD_ROLE_GENDER } } },
  { "bank-marketing/bank-full.csv", AUD_FILE_FORMAT_CSV, ';', 0, 45211, 17,
    { { "balance", AUD_FIELD_INTEGER, AUD_ROLE_NONE },
      { "job", AUD_FIELD_CATEGORY, AUD_ROLE_NONE },
      { "y", AUD_FIELD_BOOLEAN, AUD_ROLE_NONE } } },
  { "bank-marketing/bank-additional-full.csv", AUD_FILE_FORMAT_CSV, ';', 0, 41188, 21,
    { { "emp.var.rate", AUD_FIELD_DECIMAL, AUD_ROLE_NONE },
      { "nr.employed", AUD_FIELD_DECIMAL, AUD_ROLE_NONE } } },
  { "customer-personality/marketing_campaign.csv", AUD_FILE_FORMAT_CSV, '\t', 0, 2240, 29,
    { { "Dt_Customer", AUD_FIELD_DATE, AUD_ROLE_NONE, AUD_DATE_ORDER_DMY },
      { "Income", AUD_FIELD_INTEGER, AUD_ROLE_NONE },
      { "ID", AUD_FIELD_INTEGER, AUD_ROLE_CUSTOMER_ID },
      { "Marital_Status", AUD_FIELD_CATEGORY, AUD_ROLE_NONE } } },
  { "mall-customers/Mall_Customers.csv", AUD_FILE_FORMAT_CSV, ',', 0, 200, 5,
    { { "CustomerID", AUD_FIELD_TEXT, AUD_ROLE_CUSTOMER_ID },
      { "Genre", AUD_FIELD_CATEGORY, AUD_ROLE_GENDER },
      { "Age", AUD_FIELD_INTEGER, AUD_ROLE_NONE } } },
  { "olist/olist_customers_dataset.csv", AUD_FILE_FORMAT_CSV, ',', 0, 99441, 5,
    { { "customer_unique_id", AUD_FIELD_TEXT, AUD_ROLE_CUSTOMER_ID },
      { "customer_zip_code_prefix", AUD_FIELD_TEXT, AUD_ROLE_POSTAL_CODE },
      { "customer_city", AUD_FIELD_TEXT, AUD_ROLE_CITY },
      { "customer_state", AUD_FIELD_CATEGORY, AUD_ROLE_NONE } } },
  { "olist/olist_order_payments_dataset.csv", AUD_FILE_FORMAT_CSV, ',', 0, 103886, 5,
    { { "payment_value", AUD_FIELD_DECIMAL, AUD_ROLE_NONE },
      { "payment_type", AUD_FIELD_CATEGORY, AUD_ROLE_NONE } } },
  { "olist/olist_products_dataset.csv", AUD_FILE_FORMAT_CSV, ',', 0, 32951, 9,
    { { "product_id", AUD_FIELD_TEXT, AUD_ROLE_NONE },
      { "product_weight_g", AUD_FIELD_INTEGER, AUD_ROLE_NONE } } },
  { "olist/olist_sellers_dataset.csv", AUD_FILE_FORMAT_CSV, ',', 0, 3095, 4,
    { { "seller_zip_code_prefix", AUD_FIELD_TEXT, AUD_ROLE_POSTAL_CODE } } },
  { "olist/product_category_name_translation.csv", AUD_FILE_FORMAT_CSV, ',', 3, 71, 2,
    { { "product_category_name", AUD_FIELD_TEXT, AUD_ROLE_NONE } } },
  { "amazon-fashion-reviews/AMAZON_FASHION_5.json", AUD_FILE_FORMAT_JSON_LINES, ',', 0, 3176, 15,
    { { "overall", AUD_FIELD_DECIMAL, AUD_ROLE_NONE },
      { "verified", AUD_FIELD_BOOLEAN, AUD_ROLE_NONE },
      { "unixReviewTime", AUD_FIELD_DATETIME, AUD_ROLE_EVENT_TIME },
      { "reviewerID", AUD_FIELD_TEXT, AUD_ROLE_CUSTOMER_ID },
      { "style.Size:", AUD_FIELD_TEXT, AUD_ROLE_NONE },
      { "image", AUD_FIELD_CATEGORY, AUD_ROLE_NONE } } },
  { "online-retail/OnlineRetail.csv", AUD_FILE_FORMAT_CSV, ',', 0, 541909, 8,
    { { "InvoiceNo", AUD_FIELD_TEXT, AUD_ROLE_NONE },
      { "InvoiceDate", AUD_FIELD_DATETIME, AUD_ROLE_EVENT_TIME, AUD_DATE_ORDER_MDY },
      { "UnitPrice", AUD_FIELD_DECIMAL, AUD_ROLE_NONE },
      { "CustomerID", AUD_FIELD_INTEGER, AUD_ROLE_CUSTOMER_ID },
      { "Country", AUD_FIELD_CATEGORY, AUD_ROLE_COUNTRY } } },
};

/* The Online Retail file is stored compressed: unpack it with xz. */
static char *
dataset_path (const char *dir,
              const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *xz_path = g_strconcat (path, ".xz", NULL);
  g_autofree char *out = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);
  if (!g_file_test (xz_path, G_FILE_TEST_EXISTS) || g_find_program_in_path ("xz") == NULL)
    return NULL;

  out = g_build_filename (g_get_tmp_dir (), "dataset.csv", NULL);
  command = g_strdup_printf ("sh -c 'xz -dc \"$0\" > \"$1\"' '%s' '%s'", xz_path, out);
  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("could not unpack %s: %s", xz_path, error->message);
      return NULL;
    }
  return g_steal_pointer (&out);
}

static void
test_infer_datasets (void)
{
  const char *dir = g_getenv ("AUD_DATASETS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("data sets not found (set AUD_DATASETS_DIR)");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (dataset_cases); i++)
    {
      const DatasetCase *c = &dataset_cases[i];
      g_autofree char *path = dataset_path (dir, c->path);
      g_autoptr(AudReader) reader = NULL;
      g_autoptr(GPtrArray) guesses = NULL;
      g_autoptr(GError) error = NULL;
      const AudSniff *sniff;
      AudRow *row;
      guint64 n_rows = 0, n_flagged = 0;
      guint n_columns;

      if (path == NULL)
        {
          g_test_message ("%s not found, skipped", c->path);
          continue;
        }
      g_test_message ("%s", c->path);

      reader = aud_reader_open (path, NULL, &error);
      g_assert_no_error (error);
      sniff = aud_reader_get_sniff (reader);
      g_assert_cmpint (sniff->format, ==, c->format);
      g_assert_cmpint (sniff->encoding, ==, AUD_ENCODING_UTF8);
      g_assert_cmpuint (sniff->bom_length, ==, c->bom_length);
      if (c->format == AUD_FILE_FORMAT_CSV)
        {
          g_assert_cmpint (sniff->delimiter, ==, c->delimiter);
          g_assert_true (sniff->has_header);
        }
      g_assert_cmpuint (sniff->warnings->len, ==, 0);

      guesses = aud_infer_sample (reader, 0, NULL, &error);
      g_assert_no_error (error);

      for (guint j = 0; j < G_N_ELEMENTS (c->checks) && c->checks[j].column != NULL; j++)
        {
          AudColumnGuess *g = find_guess (guesses, c->checks[j].column);

          g_test_message ("  %s: %s, %s", g->name, aud_field_type_to_string (g->format.type),
                          aud_field_role_to_string (g->role));
          g_assert_cmpint (g->format.type, ==, c->checks[j].type);
          g_assert_cmpint (g->role, ==, c->checks[j].role);
          if ((g->format.type == AUD_FIELD_DATE || g->format.type == AUD_FIELD_DATETIME) &&
              !g->format.epoch)
            g_assert_cmpint (g->format.date_order, ==, c->checks[j].order);
        }

      /* The whole file reads without a flagged row */
      g_assert_true (aud_reader_rewind (reader, &error));
      while (aud_reader_next (reader, &row, &error))
        {
          n_rows++;
          if (row->problem != AUD_ROW_PROBLEM_NONE)
            {
              g_test_message ("line %" G_GUINT64_FORMAT ": %s", row->line, row->problem_text);
              n_flagged++;
            }
        }
      g_assert_no_error (error);
      g_assert_cmpuint (n_rows, ==, c->n_rows);
      g_assert_cmpuint (n_flagged, ==, 0);
      aud_reader_get_columns (reader, &n_columns);
      g_assert_cmpuint (n_columns, ==, c->n_columns);
      g_assert_cmpuint (aud_reader_get_bytes_read (reader), ==, aud_reader_get_total_bytes (reader));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/infer/numbers", test_infer_numbers);
  g_test_add_func ("/infer/stays-text", test_infer_stays_text);
  g_test_add_func ("/infer/dates", test_infer_dates);
  g_test_add_func ("/infer/datetimes", test_infer_datetimes);
  g_test_add_func ("/infer/booleans", test_infer_booleans);
  g_test_add_func ("/infer/categories", test_infer_categories);
  g_test_add_func ("/infer/blank-markers", test_infer_blank_markers);
  g_test_add_func ("/infer/role-names", test_infer_role_names);
  g_test_add_func ("/infer/role-values", test_infer_role_values);
  g_test_add_func ("/infer/customer-id", test_infer_customer_id);
  g_test_add_func ("/infer/columns-grow", test_infer_columns_grow);
  g_test_add_func ("/infer/fixtures", test_infer_fixtures);
  g_test_add_func ("/infer/convert", test_infer_convert);
  g_test_add_func ("/infer/datasets", test_infer_datasets);

  return g_test_run ();
}
