/* test-normalize.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "aud-normalize.h"

typedef struct
{
  const char *input;
  const char *country;
  const char *expected;
} PhoneCase;

static void
test_normalize_phone_international (void)
{
  static const PhoneCase cases[] = {
    { "+49 (0)30 1234567", NULL, "+49301234567" },
    { "+49 (0) 30 / 123 45 67", "FR", "+49301234567" },
    { "+49301234567", NULL, "+49301234567" },
    { "0049 30 1234567", "DE", "+49301234567" },
    { "0049 (0)30 1234567", NULL, "+49301234567" },
    { "+44 (0)20 7946 0958", NULL, "+442079460958" },
    { "+44 020 7946 0958", NULL, "+442079460958" },
    { "+39 06 1234 5678", NULL, "+390612345678" },        /* Italy keeps its 0 */
    { "+1 (212) 555-0123", NULL, "+12125550123" },
    { "+1.212.555.0123 ext. 12", NULL, "+12125550123" },
    { "011 49 30 1234567", "US", "+49301234567" },        /* North American exit code */
    { "Tel.: +41 44 668 18 00", NULL, "+41446681800" },
    { "+52 1 55 1234 5678", NULL, "+525512345678" },      /* old Mexican mobile 1 */
    { "+7 (495) 123-45-67", NULL, "+74951234567" },
    { "+27 12 345 6789", NULL, "+27123456789" },
    { "+33\xc2\xa0" "1\xe2\x80\x91" "23 45 67 89", NULL, "+33123456789" },
    { "491701234567", NULL, "+491701234567" },            /* code without + and no country */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *phone = aud_normalize_phone (cases[i].input, cases[i].country);

      g_test_message ("%s (%s)", cases[i].input, cases[i].country);
      g_assert_cmpstr (phone, ==, cases[i].expected);
    }
}

static void
test_normalize_phone_national (void)
{
  static const PhoneCase cases[] = {
    { "030 1234567", "DE", "+49301234567" },
    { "030-123 45 67", "Deutschland", "+49301234567" },
    { "(030) 1234567", "germany", "+49301234567" },
    { "301234567", "DE", "+49301234567" },                /* trunk zero left out */
    { "49301234567", "DE", "+49301234567" },              /* code without + */
    { "(212) 555-0123", "US", "+12125550123" },
    { "212.555.0123", "United States", "+12125550123" },
    { "1-212-555-0123", "CA", "+12125550123" },
    { "416 555 0199", "Canada", "+14165550199" },
    { "020 7946 0958", "GB", "+442079460958" },
    { "020 7946 0958", "UK", "+442079460958" },
    { "07700 900123", "GB", "+447700900123" },
    { "01 23 45 67 89", "FR", "+33123456789" },
    { "06 12 34 56 78", "France", "+33612345678" },
    { "06 1234 5678", "IT", "+390612345678" },
    { "612 345 678", "ES", "+34612345678" },
    { "0412 345 678", "AU", "+61412345678" },
    { "(11) 98765-4321", "Brasil", "+5511987654321" },
    { "0 21 11 98765 4321", "BR", "+5511987654321" },     /* carrier code */
    { "98765 43210", "IN", "+919876543210" },
    { "090-1234-5678", "JP", "+819012345678" },
    { "138 0013 8000", "CN", "+8613800138000" },
    { "55 1234 5678", "MX", "+525512345678" },
    { "044 55 1234 5678", "MX", "+525512345678" },
    { "044 668 18 00", "CH", "+41446681800" },
    { "412 34 567", "NO", "+4741234567" },
    { "070-123 45 67", "SE", "+46701234567" },
    { "0532 123 45 67", "TR", "+905321234567" },
    { "8 (495) 123-45-67", "RU", "+74951234567" },
    { "012 345 6789", "ZA", "+27123456789" },
    { "06 1 234 5678", "HU", "+3612345678" },             /* trunk prefix 06 */
    { "8 612 34567", "LT", "+37061234567" },
    { "0664 1234567", "AT", "+436641234567" },
    { "0470 12 34 56", "BE", "+32470123456" },
    { "06 12345678", "NL", "+31612345678" },
    { "512 345 678", "PL", "+48512345678" },
    { "20 12 34 56", "DK", "+4520123456" },
    { "087 123 4567", "IE", "+353871234567" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *phone = aud_normalize_phone (cases[i].input, cases[i].country);

      g_test_message ("%s (%s)", cases[i].input, cases[i].country);
      g_assert_cmpstr (phone, ==, cases[i].expected);
    }
}

static void
test_normalize_phone_invalid (void)
{
  static const PhoneCase cases[] = {
    { "", "DE", NULL },
    { "   ", "DE", NULL },
    { "n/a", "DE", NULL },
    { "123", "DE", NULL },                     /* too short */
    { "030 1234567", NULL, NULL },             /* national, country unknown */
    { "030 1234567", "Atlantis", NULL },
    { "555-0123", "US", NULL },                /* seven digits */
    { "+49 30 1234567890123456", NULL, NULL }, /* longer than E.164 */
    { "1-800-FLOWERS", "US", NULL },
    { "+1 212 555 01234", NULL, NULL },        /* 11 digits after +1 */
    { "0049", "DE", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *phone = aud_normalize_phone (cases[i].input, cases[i].country);

      g_test_message ("%s (%s)", cases[i].input, cases[i].country);
      g_assert_null (phone);
    }

  g_assert_null (aud_normalize_phone (NULL, "DE"));
  g_assert_null (aud_normalize_phone ("030 \xff 1234567", "DE"));
}

static void
test_normalize_email (void)
{
  static const struct
  {
    const char *input;
    AudEmailFlags flags;
    const char *expected;
  } cases[] = {
    { "  Jane.Doe@Example.COM ", AUD_EMAIL_DEFAULT, "jane.doe@example.com" },
    { "\tJANE@EXAMPLE.ORG\n", AUD_EMAIL_DEFAULT, "jane@example.org" },
    { "Zoë.Müller@Example.de", AUD_EMAIL_DEFAULT, "zoë.müller@example.de" },
    { "jane.doe+news@gmail.com", AUD_EMAIL_DEFAULT, "jane.doe+news@gmail.com" },
    { "Jane.Doe+News@GMail.com", AUD_EMAIL_GMAIL_DOTS, "janedoe+news@gmail.com" },
    { "j.a.n.e@googlemail.com", AUD_EMAIL_GMAIL_DOTS, "jane@googlemail.com" },
    { "jane.doe@example.com", AUD_EMAIL_GMAIL_DOTS, "jane.doe@example.com" },
    { "jane.doe@gmail.co.uk", AUD_EMAIL_GMAIL_DOTS, "jane.doe@gmail.co.uk" },
    { "jane", AUD_EMAIL_DEFAULT, NULL },
    { "jane@localhost", AUD_EMAIL_DEFAULT, NULL },
    { "@example.com", AUD_EMAIL_DEFAULT, NULL },
    { "jane@@example.com", AUD_EMAIL_DEFAULT, NULL },
    { "jane@exa@mple.com", AUD_EMAIL_DEFAULT, NULL },
    { "jane doe@example.com", AUD_EMAIL_DEFAULT, NULL },
    { "jane@example..com", AUD_EMAIL_DEFAULT, NULL },
    { "jane@example.", AUD_EMAIL_DEFAULT, NULL },
    { "a@b.com, c@d.com", AUD_EMAIL_DEFAULT, NULL },
    { "...@gmail.com", AUD_EMAIL_GMAIL_DOTS, NULL },
    { "", AUD_EMAIL_DEFAULT, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *email = aud_normalize_email (cases[i].input, cases[i].flags);

      g_test_message ("%s", cases[i].input);
      g_assert_cmpstr (email, ==, cases[i].expected);
    }
}

static void
test_normalize_name (void)
{
  /* "Zoë" composed and decomposed (e + U+0308) normalise alike. */
  g_autofree char *composed = aud_normalize_name ("Zo\xc3\xab", AUD_NAME_DEFAULT);
  g_autofree char *decomposed = aud_normalize_name ("Zoe\xcc\x88", AUD_NAME_DEFAULT);
  g_autofree char *letters = aud_normalize_name (" O'Brien-Smith Jr. 2nd ", AUD_NAME_LETTERS_ONLY);
  g_autofree char *spaced = aud_normalize_name ("  Mary \t Ann  ", AUD_NAME_DEFAULT);
  g_autofree char *joined = aud_normalize_name ("  Mary \t Ann  ", AUD_NAME_LETTERS_ONLY);
  g_autofree char *mueller = aud_normalize_name ("MÜLLER", AUD_NAME_LETTERS_ONLY);
  g_autofree char *greek = aud_normalize_name ("ΟΔΥΣΣΕΥΣ", AUD_NAME_DEFAULT);
  g_autofree char *nbsp = aud_normalize_name ("\xc2\xa0" "José\xc2\xa0", AUD_NAME_DEFAULT);

  g_assert_cmpstr (composed, ==, "zo\xc3\xab");
  g_assert_cmpstr (decomposed, ==, "zo\xc3\xab");
  g_assert_cmpstr (letters, ==, "obriensmithjrnd");
  g_assert_cmpstr (spaced, ==, "mary ann");
  g_assert_cmpstr (joined, ==, "maryann");
  g_assert_cmpstr (mueller, ==, "müller");
  g_assert_cmpstr (greek, ==, "οδυσσευς"); /* final sigma */
  g_assert_cmpstr (nbsp, ==, "josé");
  g_assert_null (aud_normalize_name ("  ", AUD_NAME_DEFAULT));
  g_assert_null (aud_normalize_name ("--", AUD_NAME_LETTERS_ONLY));
  g_assert_null (aud_normalize_name ("\xff", AUD_NAME_DEFAULT));
}

static void
test_normalize_country (void)
{
  static const struct
  {
    const char *input;
    const char *expected;
  } cases[] = {
    { "DE", "DE" }, { "de", "DE" }, { " De ", "DE" }, { "DEU", "DE" },
    { "Germany", "DE" }, { "GERMANY", "DE" }, { "Deutschland", "DE" },
    { "Österreich", "AT" }, { "Osterreich", "AT" }, { "Schweiz", "CH" },
    { "United States", "US" }, { "USA", "US" }, { "U.S.A.", "US" },
    { "United Kingdom", "GB" }, { "UK", "GB" }, { "Great Britain", "GB" }, { "England", "GB" },
    { "the Netherlands", "NL" }, { "Holland", "NL" }, { "España", "ES" },
    { "Türkiye", "TR" }, { "Turkey", "TR" }, { "Russian Federation", "RU" },
    { "South Africa", "ZA" }, { "Brasil", "BR" }, { "México", "MX" }, { "Japan", "JP" },
    { "Korea, Republic of", "KR" }, { "South Korea", "KR" }, { "Côte d'Ivoire", "CI" },
    { "XX", NULL }, { "Atlantis", NULL }, { "", NULL }, { "Germ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].input);
      g_assert_cmpstr (aud_normalize_country (cases[i].input), ==, cases[i].expected);
    }

  g_assert_null (aud_normalize_country (NULL));
  g_assert_cmpstr (aud_normalize_calling_code ("DE"), ==, "49");
  g_assert_cmpstr (aud_normalize_calling_code ("Canada"), ==, "1");
  g_assert_null (aud_normalize_calling_code ("AQ"));
}

static void
test_normalize_country_plans (void)
{
  /* Every country the exports promise a numbering plan for. */
  static const char * const required[] = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    "GB", "US", "CA", "AU", "BR", "IN", "JP", "CN", "MX", "CH", "NO", "TR", "RU", "ZA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_test_message ("%s", required[i]);
      g_assert_nonnull (aud_normalize_calling_code (required[i]));
    }
}

static void
test_normalize_postal_code (void)
{
  g_autofree char *uk = aud_normalize_postal_code (" SW1A 1AA ", "GB");
  g_autofree char *us = aud_normalize_postal_code ("94043-1351", "US");
  g_autofree char *us_name = aud_normalize_postal_code ("94043 1351", "United States");
  g_autofree char *pl = aud_normalize_postal_code ("00-950", "PL");
  g_autofree char *de = aud_normalize_postal_code ("10115", NULL);

  g_assert_cmpstr (uk, ==, "sw1a1aa");
  g_assert_cmpstr (us, ==, "94043");
  g_assert_cmpstr (us_name, ==, "94043");
  g_assert_cmpstr (pl, ==, "00-950");
  g_assert_cmpstr (de, ==, "10115");
  g_assert_null (aud_normalize_postal_code (" ", "DE"));
}

static void
test_normalize_gender (void)
{
  g_assert_cmpstr (aud_normalize_gender ("M"), ==, "m");
  g_assert_cmpstr (aud_normalize_gender (" male "), ==, "m");
  g_assert_cmpstr (aud_normalize_gender ("Herr"), ==, "m");
  g_assert_cmpstr (aud_normalize_gender ("F"), ==, "f");
  g_assert_cmpstr (aud_normalize_gender ("Female"), ==, "f");
  g_assert_cmpstr (aud_normalize_gender ("w"), ==, "f");
  g_assert_cmpstr (aud_normalize_gender ("Frau"), ==, "f");
  g_assert_cmpstr (aud_normalize_gender ("Mrs."), ==, "f");
  g_assert_null (aud_normalize_gender ("x"));
  g_assert_null (aud_normalize_gender ("diverse"));
  g_assert_null (aud_normalize_gender (""));
  g_assert_null (aud_normalize_gender (NULL));
}

static void
test_normalize_sha256 (void)
{
  g_autofree char *abc = aud_normalize_sha256 ("abc");
  g_autofree char *email = aud_normalize_sha256 ("jane.doe@example.com");
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                             "jane.doe@example.com", -1);

  /* FIPS 180-2 test vector */
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (email, ==, expected);
  g_assert_cmpuint (strlen (email), ==, 64);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/normalize/phone/international", test_normalize_phone_international);
  g_test_add_func ("/normalize/phone/national", test_normalize_phone_national);
  g_test_add_func ("/normalize/phone/invalid", test_normalize_phone_invalid);
  g_test_add_func ("/normalize/email", test_normalize_email);
  g_test_add_func ("/normalize/name", test_normalize_name);
  g_test_add_func ("/normalize/country", test_normalize_country);
  g_test_add_func ("/normalize/country/plans", test_normalize_country_plans);
  g_test_add_func ("/normalize/postal-code", test_normalize_postal_code);
  g_test_add_func ("/normalize/gender", test_normalize_gender);
  g_test_add_func ("/normalize/sha256", test_normalize_sha256);

  return g_test_run ();
}
