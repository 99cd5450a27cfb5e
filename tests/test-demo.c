/* test-demo.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "aud-demo.h"
#include "aud-value.h"

/* 2025-06-15T10:30:00Z: not midnight, to catch day arithmetic. */
#define TEST_NOW G_GINT64_CONSTANT (1749983400)
#define DAY      86400

static const char customers_header[] =
  "customer_id,email,first_name,last_name,phone,birth_date,gender,country,city,"
  "latitude,longitude,signup_date,plan,preferred_channel,last_device,lifetime_value,"
  "email_opt_in,sms_opt_in,ads_opt_in,loyalty_points";

static const char events_header[] =
  "customer_id,event,timestamp,category,amount,feature,device,campaign";

enum
{
  C_ID, C_EMAIL, C_FIRST, C_LAST, C_PHONE, C_BIRTH, C_GENDER, C_COUNTRY, C_CITY, C_LAT,
  C_LON, C_SIGNUP, C_PLAN, C_CHANNEL, C_DEVICE, C_LTV, C_EMAIL_OPT_IN, C_SMS_OPT_IN,
  C_ADS_OPT_IN, C_POINTS, N_CUSTOMER_COLUMNS
};

enum
{
  E_ID, E_EVENT, E_TIME, E_CATEGORY, E_AMOUNT, E_FEATURE, E_DEVICE, E_CAMPAIGN,
  N_EVENT_COLUMNS
};

static const char *const event_names[] = {
  "page_view", "product_view", "search", "add_to_cart", "checkout_started", "purchase",
  "email_open", "email_click", "app_open", "login", "feature_used", "support_ticket",
  "review_submitted", NULL,
};
static const char *const country_codes[] = {
  "DE", "US", "GB", "FR", "ES", "IT", "NL", "PL", "AT", "SE", NULL,
};
static const char *const category_names[] = {
  "clothing", "shoes", "accessories", "bags", "beauty", "home", "sports", "electronics",
  "books", "toys", NULL,
};
static const char *const feature_names[] = {
  "dashboards", "reports", "search", "sharing", "export", "api", "integrations",
  "automations", "sso", NULL,
};
static const char *const device_names[] = { "ios", "android", "web", "desktop", NULL };
static const char *const gender_names[] = { "female", "male", "other", "", NULL };
static const char *const plan_names[] = { "free", "basic", "pro", "enterprise", NULL };

typedef struct
{
  char *dir;
  char *customers_path;
  char *events_path;
} Files;

static void
files_init (Files      *files,
            const char *name)
{
  files->dir = g_build_filename (g_get_user_cache_dir (), name, NULL);
  g_assert_no_errno (g_mkdir_with_parents (files->dir, 0700));
  files->customers_path = g_build_filename (files->dir, "customers.csv", NULL);
  files->events_path = g_build_filename (files->dir, "events.csv", NULL);
}

static void
files_clear (Files *files)
{
  g_clear_pointer (&files->dir, g_free);
  g_clear_pointer (&files->customers_path, g_free);
  g_clear_pointer (&files->events_path, g_free);
}

static void
options_for_test (AudDemoOptions *options,
                  guint64         n_customers,
                  guint64         n_events,
                  guint64         seed)
{
  aud_demo_options_init (options);
  options->n_customers = n_customers;
  options->n_events = n_events;
  options->seed = seed;
  options->now = TEST_NOW;
}

static void
write_files (const AudDemoOptions *options,
             const Files          *files)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aud_demo_write_csv (options, files->customers_path, files->events_path,
                                     NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);

  return contents;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

/* The lines of a file that ends in "\n", without the line ends. */
static char **
read_lines (const char *path)
{
  g_autofree char *contents = read_file (path);
  gsize length = strlen (contents);

  g_assert_cmpuint (length, >, 0);
  g_assert_cmpint (contents[length - 1], ==, '\n');
  g_assert_null (strchr (contents, '\r'));
  contents[length - 1] = '\0';

  return g_strsplit (contents, "\n", -1);
}

/* Splits one CSV record (RFC 4180 quoting, no line breaks in fields). */
static char **
split_record (const char *line)
{
  GPtrArray *fields = g_ptr_array_new ();
  GString *field = g_string_new (NULL);
  const char *p = line;

  while (TRUE)
    {
      g_string_truncate (field, 0);

      if (*p == '"')
        {
          for (p++; !(p[0] == '"' && p[1] != '"'); p++)
            {
              g_assert_cmpint (*p, !=, '\0');
              if (p[0] == '"')
                p++;
              g_string_append_c (field, *p);
            }
          p++;
          g_assert_true (*p == ',' || *p == '\0');
        }
      else
        {
          for (; *p != ',' && *p != '\0'; p++)
            {
              g_assert_cmpint (*p, !=, '"');
              g_string_append_c (field, *p);
            }
        }

      g_ptr_array_add (fields, g_strdup (field->str));
      if (*p == '\0')
        break;
      p++;
    }

  g_ptr_array_add (fields, NULL);
  g_string_free (field, TRUE);

  return (char **)g_ptr_array_free (fields, FALSE);
}

static gboolean
in_list (const char         *value,
         const char * const *list)
{
  return g_strv_contains (list, value);
}

static gboolean
matches (const char *pattern,
         const char *value)
{
  return g_regex_match_simple (pattern, value, 0, 0);
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 t = 0;

  g_assert_true (aud_value_parse_datetime (text, AUD_DATE_ORDER_YMD, utc, &t));
  return t;
}

/* Days since the epoch of a valid YYYY-MM-DD. */
static gint64
parse_day (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d;

  g_assert_true (aud_value_parse_date (text, AUD_DATE_ORDER_YMD, &y, &m, &d));
  g_assert_true (matches ("^\\d{4}-\\d\\d-\\d\\d$", text));
  dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
  g_assert_nonnull (dt);

  return g_date_time_to_unix (dt) / DAY;
}

static void
check_decimal (const char *text,
               guint       expected_scale,
               gint64     *mantissa)
{
  AudNumberFormat plain = AUD_NUMBER_FORMAT_PLAIN;
  guint scale = 0;

  if (!aud_value_parse_decimal (text, &plain, mantissa, &scale))
    g_error ("not a decimal: “%s”", text);
  g_assert_cmpuint (scale, ==, expected_scale);
}

static void
test_demo_determinism (void)
{
  Files a, b, c;
  AudDemoOptions options;
  g_autofree char *ca = NULL, *ea = NULL, *cb = NULL, *eb = NULL, *cc = NULL, *ec = NULL;

  files_init (&a, "a");
  files_init (&b, "b");
  files_init (&c, "c");

  options_for_test (&options, 300, 4000, 12345);
  write_files (&options, &a);
  write_files (&options, &b);
  options.seed = 12346;
  write_files (&options, &c);

  ca = file_sha256 (a.customers_path);
  ea = file_sha256 (a.events_path);
  cb = file_sha256 (b.customers_path);
  eb = file_sha256 (b.events_path);
  cc = file_sha256 (c.customers_path);
  ec = file_sha256 (c.events_path);

  g_assert_cmpstr (ca, ==, cb);
  g_assert_cmpstr (ea, ==, eb);
  g_assert_cmpstr (ca, !=, cc);
  g_assert_cmpstr (ea, !=, ec);

  /* Another reference time moves the dates. */
  options.seed = 12345;
  options.now = TEST_NOW + 7 * DAY;
  write_files (&options, &c);
  g_clear_pointer (&cc, g_free);
  cc = file_sha256 (c.customers_path);
  g_assert_cmpstr (ca, !=, cc);

  files_clear (&a);
  files_clear (&b);
  files_clear (&c);
}

static void
test_demo_counts (void)
{
  const guint64 sizes[][2] = { { 0, 0 }, { 1, 1 }, { 7, 0 }, { 250, 3001 }, { 0, 40 } };
  Files files;

  files_init (&files, "counts");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      AudDemoOptions options;
      g_auto(GStrv) customers = NULL;
      g_auto(GStrv) events = NULL;

      options_for_test (&options, sizes[i][0], sizes[i][1], i);
      write_files (&options, &files);

      customers = read_lines (files.customers_path);
      events = read_lines (files.events_path);
      g_assert_cmpuint (g_strv_length (customers), ==, sizes[i][0] + 1);
      g_assert_cmpuint (g_strv_length (events), ==, sizes[i][1] + 1);
      g_assert_cmpstr (customers[0], ==, customers_header);
      g_assert_cmpstr (events[0], ==, events_header);

      /* Without customers every event names an unknown one. */
      if (sizes[i][0] == 0 && sizes[i][1] > 0)
        g_assert_true (g_str_has_prefix (events[1], "C0000"));
    }

  files_clear (&files);
}

/* Every column of every row parses, with the values it promises. */
static void
test_demo_columns (void)
{
  const guint64 n_customers = 3000;
  const guint64 n_events = 40000;
  AudDemoOptions options;
  Files files;
  g_auto(GStrv) customers = NULL;
  g_auto(GStrv) events = NULL;
  g_autoptr(GHashTable) emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) signups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 now_day = TEST_NOW / DAY;
  guint n_shouting = 0, n_padded = 0, n_non_ascii = 0, n_e164 = 0, n_trunk = 0;
  guint n_no_phone = 0, n_no_birth = 0, n_no_city = 0, n_feb29 = 0, n_unknown = 0;

  files_init (&files, "columns");
  options_for_test (&options, n_customers, n_events, 7);
  write_files (&options, &files);

  customers = read_lines (files.customers_path);
  g_assert_cmpuint (g_strv_length (customers), ==, n_customers + 1);

  for (guint64 row = 1; row <= n_customers; row++)
    {
      g_auto(GStrv) f = split_record (customers[row]);
      g_autofree char *id = g_strdup_printf ("C%06" G_GUINT64_FORMAT, row);
      g_autofree char *email = NULL;
      AudNumberFormat plain = AUD_NUMBER_FORMAT_PLAIN;
      gint64 mantissa, points, signup_day;
      gboolean b;

      g_assert_cmpuint (g_strv_length (f), ==, N_CUSTOMER_COLUMNS);
      g_assert_cmpstr (f[C_ID], ==, id);

      /* Emails: unique once trimmed and folded, and some need both. */
      email = g_ascii_strdown (g_strstrip (g_strdup (f[C_EMAIL])), -1);
      g_assert_true (matches ("^[a-z][a-z._]*[0-9]+@[a-z0-9-]+(\\.[a-z]+)+$", email));
      g_assert_true (g_hash_table_add (emails, g_steal_pointer (&email)));
      if (matches ("[A-Z]", f[C_EMAIL]))
        n_shouting++;
      if (g_ascii_isspace (f[C_EMAIL][0]) || g_str_has_suffix (f[C_EMAIL], " "))
        n_padded++;

      for (guint c = C_FIRST; c <= C_LAST; c++)
        {
          g_assert_true (g_utf8_validate (f[c], -1, NULL));
          g_assert_cmpstr (f[c], !=, "");
          if (!g_str_is_ascii (f[c]))
            n_non_ascii++;
        }

      if (f[C_PHONE][0] == '\0')
        n_no_phone++;
      else if (f[C_PHONE][0] == '+')
        {
          g_assert_true (matches ("^\\+\\d{1,3}( \\d{1,3} )?\\d{6,10}$", f[C_PHONE]));
          n_e164++;
        }
      else if (f[C_PHONE][0] == '0')
        {
          g_assert_true (matches ("^0\\d{1,3} \\d{6,9}$", f[C_PHONE]));
          n_trunk++;
        }
      else
        g_assert_true (matches ("^(\\d{2,3} \\d{6,8}|\\(\\d{3}\\) \\d{3}-\\d{4})$", f[C_PHONE]));

      if (f[C_BIRTH][0] == '\0')
        n_no_birth++;
      else
        {
          gint64 born = parse_day (f[C_BIRTH]);

          g_assert_cmpint (now_day - born, >=, 17 * 365);
          g_assert_cmpint (now_day - born, <=, 90 * 366);
          if (g_str_has_suffix (f[C_BIRTH], "-02-29"))
            n_feb29++;
        }

      g_assert_true (in_list (f[C_GENDER], gender_names));
      g_assert_true (in_list (f[C_COUNTRY], country_codes));

      if (f[C_CITY][0] == '\0')
        {
          g_assert_cmpstr (f[C_LAT], ==, "");
          g_assert_cmpstr (f[C_LON], ==, "");
          n_no_city++;
        }
      else
        {
          check_decimal (f[C_LAT], 6, &mantissa);
          g_assert_cmpint (mantissa, >, 20000000);
          g_assert_cmpint (mantissa, <, 70000000);
          check_decimal (f[C_LON], 6, &mantissa);
          g_assert_cmpint (mantissa, >, -130000000);
          g_assert_cmpint (mantissa, <, 30000000);
        }

      signup_day = parse_day (f[C_SIGNUP]);
      g_assert_cmpint (signup_day, <, now_day);
      g_assert_cmpint (signup_day, >=, now_day - 4 * 366);
      g_hash_table_insert (signups, g_strdup (f[C_ID]), GINT_TO_POINTER ((int)signup_day));

      g_assert_true (in_list (f[C_PLAN], plan_names));
      g_assert_true (in_list (f[C_CHANNEL], (const char *[]) { "email", "sms", "push", NULL }));
      g_assert_true (in_list (f[C_DEVICE], device_names));

      check_decimal (f[C_LTV], 2, &mantissa);
      g_assert_cmpint (mantissa, >=, 0);

      for (guint c = C_EMAIL_OPT_IN; c <= C_ADS_OPT_IN; c++)
        {
          g_assert_true (in_list (f[c], (const char *[]) { "true", "false", NULL }));
          g_assert_true (aud_value_parse_boolean (f[c], &b));
        }
      /* No SMS consent without a phone number. */
      if (f[C_PHONE][0] == '\0')
        g_assert_cmpstr (f[C_SMS_OPT_IN], ==, "false");

      g_assert_true (aud_value_parse_integer (f[C_POINTS], &plain, &points));
      g_assert_cmpint (points, >=, 0);
    }

  g_assert_cmpuint (g_hash_table_size (emails), ==, n_customers);
  g_assert_cmpuint (n_shouting, >, 0);
  g_assert_cmpuint (n_padded, >, 0);
  g_assert_cmpuint (n_non_ascii, >, n_customers / 20);
  g_assert_cmpuint (n_e164, >, n_customers / 5);
  g_assert_cmpuint (n_trunk, >, n_customers / 10);
  g_assert_cmpuint (n_no_phone, >, n_customers / 20);
  g_assert_cmpuint (n_no_birth, >, n_customers / 50);
  g_assert_cmpuint (n_no_city, >, n_customers / 100);
  g_assert_cmpuint (n_feb29, >, 0);

  events = read_lines (files.events_path);
  g_assert_cmpuint (g_strv_length (events), ==, n_events + 1);

  for (guint64 row = 1; row <= n_events; row++)
    {
      g_auto(GStrv) f = split_record (events[row]);
      gpointer signup_day;
      gint64 ts, amount;
      gboolean purchase, email_event;

      g_assert_cmpuint (g_strv_length (f), ==, N_EVENT_COLUMNS);
      g_assert_true (matches ("^C\\d{6}$", f[E_ID]));
      g_assert_true (in_list (f[E_EVENT], event_names));

      g_assert_true (matches ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", f[E_TIME]));
      ts = parse_time (f[E_TIME]);
      g_assert_cmpint (ts, <=, TEST_NOW);
      g_assert_cmpint (ts, >=, TEST_NOW - 730 * DAY);

      if (g_hash_table_lookup_extended (signups, f[E_ID], NULL, &signup_day))
        g_assert_cmpint (ts / DAY, >=, GPOINTER_TO_INT (signup_day));
      else
        n_unknown++;

      purchase = strcmp (f[E_EVENT], "purchase") == 0;
      email_event = g_str_has_prefix (f[E_EVENT], "email_");

      if (f[E_CATEGORY][0] != '\0')
        g_assert_true (in_list (f[E_CATEGORY], category_names));
      if (purchase || strcmp (f[E_EVENT], "product_view") == 0)
        g_assert_cmpstr (f[E_CATEGORY], !=, "");
      if (email_event || strcmp (f[E_EVENT], "login") == 0)
        g_assert_cmpstr (f[E_CATEGORY], ==, "");

      if (purchase)
        {
          check_decimal (f[E_AMOUNT], 2, &amount);
          g_assert_cmpint (amount, >, 0);
        }
      else
        g_assert_cmpstr (f[E_AMOUNT], ==, "");

      if (strcmp (f[E_EVENT], "feature_used") == 0)
        g_assert_true (in_list (f[E_FEATURE], feature_names));
      else
        g_assert_cmpstr (f[E_FEATURE], ==, "");

      if (email_event)
        g_assert_cmpstr (f[E_DEVICE], ==, "");
      else
        g_assert_true (in_list (f[E_DEVICE], device_names));
      if (strcmp (f[E_EVENT], "app_open") == 0)
        g_assert_true (in_list (f[E_DEVICE], (const char *[]) { "ios", "android", NULL }));

      if (email_event)
        g_assert_true (matches ("^[a-z_]+$", f[E_CAMPAIGN]));
      else if (!purchase)
        g_assert_cmpstr (f[E_CAMPAIGN], ==, "");
    }

  /* About one in a thousand events names no customer. */
  g_assert_cmpuint (n_unknown, >, 0);
  g_assert_cmpuint (n_unknown, <, n_events / 200);

  files_clear (&files);
}

static int
compare_desc (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *)a;
  guint y = *(const guint *)b;

  return x < y ? 1 : x > y ? -1 : 0;
}

/* The activity looks like real activity: skewed per customer, by event,
 * by hour, by weekday and towards the present. */
static void
test_demo_skew (void)
{
  const guint n_customers = 5000;
  const guint n_events = 100000;
  AudDemoOptions options;
  Files files;
  g_auto(GStrv) events = NULL;
  g_autofree guint *per_customer = g_new0 (guint, n_customers);
  g_autoptr(GHashTable) per_event = g_hash_table_new (g_str_hash, g_str_equal);
  guint per_hour[24] = { 0 };
  guint per_weekday[7] = { 0 };
  guint recent = 0, year_before = 0, n_known = 0, n_zero = 0, top = 0;

  files_init (&files, "skew");
  options_for_test (&options, n_customers, n_events, 99);
  write_files (&options, &files);
  events = read_lines (files.events_path);

  for (guint row = 1; events[row] != NULL; row++)
    {
      g_auto(GStrv) f = split_record (events[row]);
      g_autoptr(GDateTime) dt = NULL;
      guint64 id = g_ascii_strtoull (f[E_ID] + 1, NULL, 10);
      gint64 ts = parse_time (f[E_TIME]);
      gint64 age_days = (TEST_NOW - ts) / DAY;
      guint n;

      if (id >= 1 && id <= n_customers)
        {
          per_customer[id - 1]++;
          n_known++;
        }

      n = GPOINTER_TO_UINT (g_hash_table_lookup (per_event, f[E_EVENT]));
      g_hash_table_insert (per_event, (gpointer)g_intern_string (f[E_EVENT]),
                           GUINT_TO_POINTER (n + 1));

      dt = g_date_time_new_from_unix_utc (ts);
      per_hour[g_date_time_get_hour (dt)]++;
      per_weekday[g_date_time_get_day_of_week (dt) - 1]++;

      if (age_days < 182)
        recent++;
      else if (age_days >= 365 && age_days < 365 + 182)
        year_before++;
    }

  /* Many customers do nothing, a few do most. */
  qsort (per_customer, n_customers, sizeof (guint), compare_desc);
  for (guint i = 0; i < n_customers; i++)
    if (per_customer[i] == 0)
      n_zero++;
  for (guint i = 0; i < n_customers / 10; i++)
    top += per_customer[i];

  g_test_message ("no events: %u of %u; top 10%% do %u of %u; busiest: %u",
                  n_zero, n_customers, top, n_known, per_customer[0]);
  g_assert_cmpuint (n_zero, >, n_customers / 5);
  g_assert_cmpuint (n_zero, <, n_customers / 2);
  g_assert_cmpuint (top, >, n_known / 2);
  g_assert_cmpuint (per_customer[0], <, n_known / 50);
  g_assert_cmpuint (per_customer[n_customers / 2], <, n_events / n_customers);

  /* Views far outnumber purchases. */
#define COUNT(name) GPOINTER_TO_UINT (g_hash_table_lookup (per_event, name))
  g_assert_cmpuint (COUNT ("page_view"), >, COUNT ("product_view"));
  g_assert_cmpuint (COUNT ("product_view"), >, COUNT ("add_to_cart"));
  g_assert_cmpuint (COUNT ("add_to_cart"), >, COUNT ("purchase"));
  g_assert_cmpuint (COUNT ("purchase"), >, 0);
  g_assert_cmpuint (COUNT ("purchase"), <, n_events / 25);
  g_assert_cmpuint (COUNT ("email_open"), >, COUNT ("email_click"));
  for (guint i = 0; event_names[i] != NULL; i++)
    g_assert_cmpuint (COUNT (event_names[i]), >, 0);
#undef COUNT

  /* Evenings are busy, nights quiet; weekends quieter than weekdays. */
  g_assert_cmpuint (per_hour[19] + per_hour[20], >, 5 * (per_hour[2] + per_hour[3]));
  g_assert_cmpuint ((per_weekday[0] + per_weekday[1] + per_weekday[2]) / 3, >,
                    (per_weekday[5] + per_weekday[6]) / 2);

  /* More recent than a year ago. */
  g_assert_cmpuint (recent, >, year_before * 5 / 4);

  files_clear (&files);
}

static void
test_demo_invalid (void)
{
  AudDemoOptions options;
  Files files;
  g_autoptr(GError) error = NULL;

  files_init (&files, "invalid");

  options_for_test (&options, 10, 10, 1);
  options.now = 0;
  g_assert_false (aud_demo_write_csv (&options, files.customers_path, files.events_path,
                                      NULL, NULL, NULL, &error));
  g_assert_error (error, AUD_DEMO_ERROR, AUD_DEMO_ERROR_INVALID);
  g_clear_error (&error);

  options_for_test (&options, AUD_DEMO_MAX_CUSTOMERS + 1, 10, 1);
  g_assert_false (aud_demo_write_csv (&options, files.customers_path, files.events_path,
                                      NULL, NULL, NULL, &error));
  g_assert_error (error, AUD_DEMO_ERROR, AUD_DEMO_ERROR_INVALID);
  g_clear_error (&error);

  options_for_test (&options, 10, 10, 1);
  g_assert_false (aud_demo_write_csv (&options, files.customers_path, files.customers_path,
                                      NULL, NULL, NULL, &error));
  g_assert_error (error, AUD_DEMO_ERROR, AUD_DEMO_ERROR_INVALID);

  g_assert_false (g_file_test (files.customers_path, G_FILE_TEST_EXISTS));

  files_clear (&files);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;

  return n;
}

/* A cancel or a failure leaves the files as they were, and no litter. */
static void
test_demo_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *missing = NULL;
  AudDemoOptions options;
  Files files;

  files_init (&files, "cancel");
  g_assert_true (g_file_set_contents (files.customers_path, "old\n", -1, NULL));

  options_for_test (&options, 20000, 20000, 1);
  g_cancellable_cancel (cancellable);
  g_assert_false (aud_demo_write_csv (&options, files.customers_path, files.events_path,
                                      cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  contents = read_file (files.customers_path);
  g_assert_cmpstr (contents, ==, "old\n");
  g_assert_false (g_file_test (files.events_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (files.dir), ==, 1);

  /* The events file cannot be made: the customers file stays. */
  missing = g_build_filename (files.dir, "missing", "events.csv", NULL);
  g_assert_false (aud_demo_write_csv (&options, files.customers_path, missing,
                                      NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_pointer (&contents, g_free);
  contents = read_file (files.customers_path);
  g_assert_cmpstr (contents, ==, "old\n");
  g_assert_cmpuint (count_entries (files.dir), ==, 1);

  files_clear (&files);
}

typedef struct
{
  guint   calls;
  guint64 last_done;
  guint64 total;
} Progress;

static void
progress_cb (guint64  n_done,
             guint64  n_total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpuint (n_done, >=, progress->last_done);
  g_assert_cmpuint (n_done, <=, n_total);
  progress->calls++;
  progress->last_done = n_done;
  progress->total = n_total;
}

static void
test_demo_progress (void)
{
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  AudDemoOptions options;
  Files files;

  files_init (&files, "progress");
  options_for_test (&options, 70000, 100000, 3);
  g_assert_true (aud_demo_write_csv (&options, files.customers_path, files.events_path,
                                     NULL, progress_cb, &progress, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (progress.calls, >=, 3);
  g_assert_cmpuint (progress.total, ==, 170000);
  g_assert_cmpuint (progress.last_done, ==, 170000);

  files_clear (&files);
}

/* The size the product is designed for, in well under a minute. */
static void
test_demo_large (void)
{
  AudDemoOptions options;
  Files files;
  gint64 start;
  double seconds;

  if (!g_test_slow ())
    {
      g_test_skip ("1M customers and 20M events: run with -m slow");
      return;
    }

  files_init (&files, "large");
  options_for_test (&options, 1000000, 20000000, 1);
  start = g_get_monotonic_time ();
  write_files (&options, &files);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  g_test_message ("1M customers and 20M events in %.1f s", seconds);
  g_assert_cmpfloat (seconds, <, 45.0);

  g_unlink (files.customers_path);
  g_unlink (files.events_path);
  files_clear (&files);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/demo/determinism", test_demo_determinism);
  g_test_add_func ("/demo/counts", test_demo_counts);
  g_test_add_func ("/demo/columns", test_demo_columns);
  g_test_add_func ("/demo/skew", test_demo_skew);
  g_test_add_func ("/demo/invalid", test_demo_invalid);
  g_test_add_func ("/demo/cancel", test_demo_cancel);
  g_test_add_func ("/demo/progress", test_demo_progress);
  g_test_add_func ("/demo/large", test_demo_large);

  return g_test_run ();
}
