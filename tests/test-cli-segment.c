/* test-cli-segment.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The segment commands of audiences-cli (path in $AUD_CLI), run as a user
 * would against a small workspace that each test imports from
 * tests/data/cliseg-customers.csv and cliseg-events.csv.
 *
 * The fixtures, as of now = 2024-06-01T00:00:00Z (the expected counts below
 * are worked out by hand from them):
 *
 *   C01 DE, born 1990-02-28, email opt-in, pro, Berlin, ios; purchases
 *       300.00 on 05-20 and 200.01 on 05-25 (sum 500.01), email_open 05-30
 *   C02 "de" (lower case), born 1984-02-29, free, Potsdam (27 km from
 *       Berlin), android; purchase 500.00 on 2024-01-10; features a, b, b
 *   C03 FR, born 2000-06-01, opt-in, basic; purchase exactly 90 days ago
 *       (2024-03-03T00:00:00Z); features a, b, c in the last 30 days
 *   C04 US, pro, no coordinates; email_click at 2024-05-31T23:59:59Z
 *   C05 every field blank but plan (free); page_view; a purchase without
 *       amount on 2024-05-01T12:00 (31.5 days ago)
 *   C06 DE, born 2006-06-01 (18 today), opt-in, pro, Hamburg, ios;
 *       purchase 499.99 in 2023; email_open 05-15
 *   C07 GB, born 1995-06-02 (28, 29 tomorrow), basic, London, android;
 *       an email_open one second after now
 *   C08 SE, opt-in, free; features a, b in the last 30 days, c before
 *   C99 not a customer: a purchase of 1000.00 and an email_open (never
 *       counted)
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "aud-store.h"
#include "cli-run.h"

#define NOW "2024-06-01T00:00:00Z"

/* Helpers ------------------------------------------------------------------ */

/* Runs audiences-cli with the arguments in @args (NULL-terminated), in the
 * test's cache folder. */
static void
cli_runv (CliRun             *run,
          const char * const *args)
{
  cli_run_argv (run, g_get_user_cache_dir (), NULL, args);
}

#define cli_run(run, ...) \
  cli_runv ((run), (const char * const[]) { __VA_ARGS__, NULL })

/* Runs the command and asserts exit 0, no error output, and @expected
 * on stdout. */
#define assert_output(expected, ...) \
  G_STMT_START { \
    g_auto(CliRun) run_ = { 0 }; \
    cli_run (&run_, __VA_ARGS__); \
    g_assert_cmpstr (run_.err, ==, ""); \
    g_assert_cmpint (run_.status, ==, 0); \
    g_assert_cmpstr (run_.out, ==, (expected)); \
  } G_STMT_END

/* One error line, `audiences-cli: <what>: <where>`, starting with @what
 * (when not NULL) and ending with @where. */
static void
assert_error_line (const CliRun *run,
                   int           status,
                   const char   *what,
                   const char   *where)
{
  g_autofree char *suffix = g_strdup_printf (": %s\n", where);

  g_assert_cmpint (run->status, ==, status);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "audiences-cli: "));
  if (what != NULL)
    g_assert_true (g_str_has_prefix (run->err + strlen ("audiences-cli: "), what));
  g_assert_true (g_str_has_suffix (run->err, suffix));
  g_assert_cmpint (strlen (run->err), >, strlen ("audiences-cli: ") + strlen (suffix));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
}

/* A path in the test's own cache folder. */
static char *
cache_path (const char *name)
{
  g_assert_no_errno (g_mkdir_with_parents (g_get_user_cache_dir (), 0700));
  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

/* Writes @contents to the cache folder file @name; returns its path. */
static char *
write_file (const char *name,
            const char *contents)
{
  char *path = cache_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return path;
}

/* A segment file in the cache folder: `{"format": 1, "match": MATCH}`. */
static char *
write_segment (const char *name,
               const char *match)
{
  g_autofree char *file = g_strdup_printf ("%s.json", name);
  g_autofree char *contents = g_strdup_printf ("{\"format\": 1, \"match\": %s}\n", match);

  return write_file (file, contents);
}

/* A new workspace with the fixtures imported. */
static char *
make_workspace (void)
{
  g_autofree char *customers = g_test_build_filename (G_TEST_DIST, "data",
                                                      "cliseg-customers.csv", NULL);
  g_autofree char *events = g_test_build_filename (G_TEST_DIST, "data",
                                                   "cliseg-events.csv", NULL);
  char *ws = cache_path ("shop.audiences");
  g_auto(CliRun) a = { 0 };
  g_auto(CliRun) b = { 0 };

  cli_run (&a, "import", ws, customers, "--as", "customers", "--id", "customer_id");
  g_assert_cmpint (a.status, ==, 0);
  cli_run (&b, "import", ws, events, "--as", "events", "--customer", "customer_id",
           "--event", "event", "--time", "timestamp");
  g_assert_cmpint (b.status, ==, 0);

  return ws;
}

/* The segments of the tests, with their members at NOW. */
#define SEG_DE "{\"field\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}"
/* C02, C06 */
#define SEG_LAPSED "{\"all\": [" \
  "{\"event\": \"purchase\"}," \
  "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 90}, " \
  " \"count\": {\"op\": \"eq\", \"value\": 0}}]}"
/* C04, C06 */
#define SEG_ENGAGED "{\"all\": [" \
  "{\"event\": [\"email_open\", \"email_click\"], \"when\": {\"within_last_days\": 30}}," \
  "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 90}, " \
  " \"count\": {\"op\": \"eq\", \"value\": 0}}]}"
/* C01, C06 of DE; then C01 */
#define SEG_LAYERS "{\"all\": [" SEG_DE "," \
  "{\"field\": \"email_opt_in\", \"op\": \"is_true\"}," \
  "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 30}}]}"

/* count ------------------------------------------------------------------- */

static void
test_cli_segment_count_text (void)
{
  g_autofree char *ws = make_workspace ();
  const struct
  {
    const char *match;
    const char *out;
  } cases[] = {
    /* C01, C02 ("de": text ignores case), C06; not C05 (blank) */
    { SEG_DE, "3 of 8 customers (37.50%)\n" },
    /* not C03: its purchase is exactly 90 days ago, inside the window */
    { SEG_LAPSED, "2 of 8 customers (25.00%)\n" },
    /* C04 (one second before now); not C07 (one second after now) */
    { SEG_ENGAGED, "2 of 8 customers (25.00%)\n" },
    /* C01 500.01; not C02 at exactly 500.00, not C99 (no customer) */
    { "{\"event\": \"purchase\", \"aggregate\": {\"fn\": \"sum\", \"property\": \"amount\", "
      "\"op\": \"gt\", \"value\": 500.00}}", "1 of 8 customers (12.50%)\n" },
    /* C03; C02 has a, b, b; C08's third feature is older */
    { "{\"event\": \"feature_used\", \"distinct\": \"feature\", \"when\": "
      "{\"within_last_days\": 30}, \"count\": {\"op\": \"ge\", \"value\": 3}}",
      "1 of 8 customers (12.50%)\n" },
    /* C01 (Berlin), C02 (Potsdam); not C06 (Hamburg) */
    { "{\"all\": [{\"near\": {\"lat\": 52.52, \"lon\": 13.405, \"km\": 50}}, "
      "{\"field\": \"last_device\", \"op\": \"in\", \"value\": [\"ios\", \"android\"]}]}",
      "2 of 8 customers (25.00%)\n" },
    /* C03 (24), C06 (18 today), C07 (28, 29 tomorrow) */
    { "{\"field\": \"birth_date\", \"op\": \"age_between\", \"value\": [18, 28]}",
      "3 of 8 customers (37.50%)\n" },
    /* pro: C01, C04, C06; not DE or FR: C04, C05 (blank), C07, C08 */
    { "{\"any\": [{\"field\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}, "
      "{\"not\": {\"field\": \"country\", \"op\": \"in\", \"value\": [\"DE\", \"FR\"]}}]}",
      "6 of 8 customers (75.00%)\n" },
    { "{\"any\": []}", "0 of 8 customers (0.00%)\n" },
    { "{\"all\": []}", "8 of 8 customers (100.00%)\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *seg = write_segment ("seg", cases[i].match);

      g_test_message ("case %u: %s", i, cases[i].match);
      assert_output (cases[i].out, "count", ws, seg, "--now", NOW);
    }
}

static void
test_cli_segment_count_json (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *seg = write_segment ("de", SEG_DE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  cli_run (&run, "count", ws, seg, "--now", NOW, "--json");
  g_assert_cmpint (run.status, ==, 0);

  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  g_assert_cmpuint (g_list_length (members), ==, 4);
  g_assert_cmpstr (members->data, ==, "count");
  g_assert_cmpstr (members->next->data, ==, "total");
  g_assert_cmpint (json_object_get_int_member (object, "count"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 8);
  g_assert_cmpfloat (json_object_get_double_member (object, "share"), ==, 0.375);
  g_assert_cmpstr (json_object_get_string_member (object, "now"), ==, NOW);
  /* the share in its shortest form */
  g_assert_nonnull (strstr (run.out, "\"share\" : 0.375,\n"));
  g_assert_true (g_str_has_suffix (run.out, "}\n"));
}

static void
test_cli_segment_count_funnel (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *seg = write_segment ("layers", SEG_LAYERS);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) json = { 0 };
  JsonArray *funnel;
  const gint64 counts[][2] = { { 3, 3 }, { 4, 2 }, { 1, 1 } };

  assert_output ("1 of 8 customers (12.50%)\n"
                 "Funnel:\n"
                 "  1. country is \"DE\": 3 match, 3 remain (37.50%)\n"
                 "  2. email_opt_in is true: 4 match, 2 remain (25.00%)\n"
                 "  3. purchase events in the last 30 days ≥ 1: 1 match, 1 remain (12.50%)\n",
                 "count", ws, seg, "--now", NOW, "--funnel");

  cli_run (&json, "count", ws, seg, "--now", NOW, "--funnel", "--json");
  g_assert_cmpint (json.status, ==, 0);
  json_parser_load_from_data (parser, json.out, -1, &error);
  g_assert_no_error (error);
  funnel = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "funnel");
  g_assert_cmpuint (json_array_get_length (funnel), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *step = json_array_get_object_element (funnel, i);
      g_autofree char *path = g_strdup_printf ("match.all[%u]", i);

      g_assert_cmpuint (json_object_get_size (step), ==, 4);
      g_assert_cmpstr (json_object_get_string_member (step, "path"), ==, path);
      g_assert_nonnull (json_object_get_string_member (step, "label"));
      g_assert_cmpint (json_object_get_int_member (step, "count"), ==, counts[i][0]);
      g_assert_cmpint (json_object_get_int_member (step, "remaining"), ==, counts[i][1]);
    }
}

static void
test_cli_segment_count_now (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *recent = write_segment ("recent", "{\"event\": \"purchase\", \"when\": "
                                           "{\"within_last_days\": 30}}");
  g_autofree char *birthday = NULL;
  g_autofree char *birthday_today = NULL;

  /* No stored reference time: now is the current time, long after the
   * fixtures' events. */
  assert_output ("0 of 8 customers (0.00%)\n", "count", ws, recent);
  /* A date alone is midnight (in the workspace time zone, UTC here). */
  assert_output ("1 of 8 customers (12.50%)\n", "count", ws, recent, "--now", "2024-06-01");
  /* C05's purchase of 2024-05-01T12:00 is 30 days before this */
  assert_output ("2 of 8 customers (25.00%)\n", "count", ws, recent, "--now",
                 "2024-05-31T12:00:00Z");

  {
    g_autoptr(AudStore) store = aud_store_open (ws, AUD_STORE_OPEN_DEFAULT, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (store);
    aud_store_set_meta (store, "now", NOW, &error);
    g_assert_no_error (error);
  }
  assert_output ("1 of 8 customers (12.50%)\n", "count", ws, recent);

  /* Birthdays of 02-29 come on 03-01 in common years: C01 is born on
   * 02-28, C02 on 02-29. */
  birthday = write_segment ("birthday", "{\"field\": \"birth_date\", \"op\": "
                            "\"birthday_within_days\", \"value\": 1}");
  birthday_today = write_segment ("birthday-today", "{\"field\": \"birth_date\", \"op\": "
                                  "\"birthday_within_days\", \"value\": 0}");
  assert_output ("1 of 8 customers (12.50%)\n", "count", ws, birthday_today, "--now",
                 "2023-02-28T12:00:00Z");
  assert_output ("2 of 8 customers (25.00%)\n", "count", ws, birthday, "--now",
                 "2023-02-28T12:00:00Z");
  assert_output ("1 of 8 customers (12.50%)\n", "count", ws, birthday_today, "--now",
                 "2023-03-01");
  assert_output ("2 of 8 customers (25.00%)\n", "count", ws, birthday, "--now", "2024-02-28");
  assert_output ("0 of 8 customers (0.00%)\n", "count", ws, birthday_today, "--now",
                 "2024-03-01");
}

/* overlap ----------------------------------------------------------------- */

static void
test_cli_segment_overlap_text (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *de = write_segment ("de", SEG_DE);
  g_autofree char *lapsed = write_file ("lapsed.json", "{\"format\": 1, \"name\": "
                                        "\"Lapsed buyers\", \"match\": " SEG_LAPSED "}");

  assert_output ("A  de: 3 of 8 customers (37.50%)\n"
                 "B  Lapsed buyers: 2 of 8 customers (25.00%)\n"
                 "\n"
                 "Customers in both (row and column):\n"
                 "   A  B\n"
                 "A  3  2\n"
                 "B  2  2\n"
                 "\n"
                 "In any: 3 of 8 customers (37.50%)\n"
                 "\n"
                 "Regions:\n"
                 "  A only   1\n"
                 "  B only   0\n"
                 "  A and B  2\n"
                 "  in none  5\n",
                 "overlap", ws, de, lapsed, "--now", NOW);
}

static void
test_cli_segment_overlap_json (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *de = write_segment ("de", SEG_DE);
  g_autofree char *lapsed = write_segment ("lapsed", SEG_LAPSED);
  g_autofree char *engaged = write_segment ("engaged", SEG_ENGAGED);
  g_autofree char *all = write_segment ("all", "{\"all\": []}");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) four = { 0 };
  JsonObject *object;
  JsonArray *segments;
  JsonArray *matrix;
  JsonArray *regions;
  const gint64 expected_matrix[3][3] = { { 3, 2, 1 }, { 2, 2, 1 }, { 1, 1, 2 } };
  /* A only, B only, C only, A and B only, A and C only, B and C only, all
   * three, none */
  const char *region_labels[] = { "A", "B", "C", "AB", "AC", "BC", "ABC", "" };
  const gint64 region_counts[] = { 1, 0, 1, 1, 0, 0, 1, 4 };

  cli_run (&run, "overlap", ws, de, lapsed, engaged, "--now", NOW, "--json");
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (object, "union"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (object, "now"), ==, NOW);

  segments = json_object_get_array_member (object, "segments");
  g_assert_cmpuint (json_array_get_length (segments), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (segments, 2),
                                                  "name"), ==, "engaged");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (segments, 2),
                                                  "label"), ==, "C");

  matrix = json_object_get_array_member (object, "matrix");
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (matrix, i), j),
                       ==, expected_matrix[i][j]);

  regions = json_object_get_array_member (object, "regions");
  g_assert_cmpuint (json_array_get_length (regions), ==, 8);
  for (guint r = 0; r < 8; r++)
    {
      JsonObject *region = json_array_get_object_element (regions, r);
      JsonArray *in = json_object_get_array_member (region, "segments");
      g_autoptr(GString) labels = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (in); i++)
        g_string_append (labels, json_array_get_string_element (in, i));
      g_assert_cmpstr (labels->str, ==, region_labels[r]);
      g_assert_cmpint (json_object_get_int_member (region, "count"), ==, region_counts[r]);
    }

  /* Four segments: the matrix, no regions. */
  cli_run (&four, "overlap", ws, de, lapsed, engaged, all, "--now", NOW);
  g_assert_cmpint (four.status, ==, 0);
  g_assert_nonnull (strstr (four.out, "D  all: 8 of 8 customers (100.00%)\n"));
  g_assert_nonnull (strstr (four.out, "D  3  2  2  8\n"));
  g_assert_null (strstr (four.out, "Regions"));
}

/* members ----------------------------------------------------------------- */

static void
test_cli_segment_members (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *de = write_segment ("de", SEG_DE);
  g_autofree char *none = write_segment ("none", "{\"any\": []}");
  g_auto(CliRun) a = { 0 };
  g_auto(CliRun) b = { 0 };
  g_auto(CliRun) c = { 0 };
  g_auto(GStrv) lines = NULL;

  assert_output ("C01\nC02\nC06\n", "members", ws, de, "--now", NOW);
  assert_output ("C01\nC02\n", "members", ws, de, "--limit", "2", "--now", NOW);
  assert_output ("", "members", ws, de, "--limit", "0", "--now", NOW);
  assert_output ("", "members", ws, none, "--now", NOW);

  /* A random sample: members, in import order, the same for the same seed. */
  cli_run (&a, "members", ws, de, "--limit", "2", "--random", "42", "--now", NOW);
  cli_run (&b, "members", ws, de, "--limit", "2", "--random", "42", "--now", NOW);
  g_assert_cmpint (a.status, ==, 0);
  g_assert_cmpstr (a.out, ==, b.out);
  lines = g_strsplit (a.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  g_assert_true (g_strv_contains ((const char * const[]) { "C01", "C02", "C06", NULL },
                                  lines[0]));
  g_assert_true (g_strv_contains ((const char * const[]) { "C01", "C02", "C06", NULL },
                                  lines[1]));
  g_assert_cmpstr (lines[0], <, lines[1]);

  cli_run (&c, "members", ws, de, "--limit", "-1");
  assert_error_line (&c, 2, "Invalid value “-1” for --limit", "members");
}

/* explain ----------------------------------------------------------------- */

static void
test_cli_segment_explain (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *seg = write_segment ("layers", SEG_LAYERS);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) json = { 0 };
  g_auto(CliRun) unknown = { 0 };
  g_auto(CliRun) missing = { 0 };
  JsonObject *object;
  JsonObject *root;
  JsonArray *children;

  assert_output ("C06 is not a member of layers\n"
                 "✗ all of these: 2 of 3 passed\n"
                 "  ✓ country is \"DE\": yes\n"
                 "  ✓ email_opt_in is true: yes (the value is true)\n"
                 "  ✗ purchase events in the last 30 days: 0, needs ≥ 1\n",
                 "explain", ws, seg, "--customer", "C06", "--now", NOW);

  cli_run (&json, "explain", ws, seg, "--customer", "C01", "--now", NOW, "--json");
  g_assert_cmpint (json.status, ==, 0);
  json_parser_load_from_data (parser, json.out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "customer"), ==, "C01");
  g_assert_true (json_object_get_boolean_member (object, "member"));
  root = json_object_get_object_member (object, "explanation");
  g_assert_cmpstr (json_object_get_string_member (root, "path"), ==, "match");
  g_assert_true (json_object_get_boolean_member (root, "passed"));
  children = json_object_get_array_member (root, "children");
  g_assert_cmpuint (json_array_get_length (children), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (children, 2),
                                                  "path"), ==, "match.all[2]");

  /* C99 has events but is not a customer. */
  cli_run (&unknown, "explain", ws, seg, "--customer", "C99", "--now", NOW);
  assert_error_line (&unknown, 1, "There is no customer with id “C99”", ws);

  cli_run (&missing, "explain", ws, seg);
  assert_error_line (&missing, 2, NULL, "explain");
}

/* segment ----------------------------------------------------------------- */

static void
test_cli_segment_saved (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *file = write_file ("lapsed.json",
                                      "{\"format\": 1, \"name\": \"Lapsed buyers\",\n"
                                      " \"description\": \"bought, but not lately\",\n"
                                      " \"match\": " SEG_LAPSED "}\n");
  g_autofree char *shown_path = NULL;
  g_auto(CliRun) show = { 0 };
  g_auto(CliRun) again = { 0 };
  g_auto(CliRun) gone = { 0 };
  g_auto(CliRun) taken = { 0 };
  g_auto(CliRun) by_file = { 0 };
  g_auto(CliRun) by_name = { 0 };

  assert_output ("", "segment", "list", ws);
  assert_output ("Saved the segment “Lapsed buyers”\n", "segment", "save", ws, file);
  assert_output ("Saved the segment “lapsed”\n", "segment", "save", ws, file, "--name",
                 "lapsed");
  assert_output ("Lapsed buyers\nlapsed\n", "segment", "list", ws);

  cli_run (&again, "segment", "save", ws, file);
  assert_error_line (&again, 1, "there is already a saved segment named \"Lapsed buyers\"",
                     file);
  assert_output ("Saved the segment “Lapsed buyers”\n", "segment", "save", ws, file,
                 "--replace");

  /* show prints a segment file that counts the same as the original and
   * saves back unchanged. */
  cli_run (&show, "segment", "show", ws, "lapsed");
  g_assert_cmpint (show.status, ==, 0);
  g_assert_true (g_str_has_prefix (show.out, "{\n  \"format\": 1,\n  \"name\": \"lapsed\",\n"));
  g_assert_nonnull (strstr (show.out, "\"description\": \"bought, but not lately\""));
  shown_path = write_file ("shown.json", show.out);
  cli_run (&by_file, "count", ws, file, "--now", NOW);
  cli_run (&by_name, "count", ws, "lapsed", "--now", NOW);
  g_assert_cmpstr (by_file.out, ==, "2 of 8 customers (25.00%)\n");
  g_assert_cmpstr (by_name.out, ==, by_file.out);
  assert_output ("Saved the segment “lapsed”\n", "segment", "save", ws, shown_path, "--replace");
  assert_output (show.out, "segment", "show", ws, "lapsed");

  assert_output ("Renamed the segment “lapsed” to “old buyers”\n", "segment", "rename", ws,
                 "lapsed", "old buyers");
  assert_output ("2 of 8 customers (25.00%)\n", "count", ws, "old buyers", "--now", NOW);
  assert_output ("Deleted the segment “old buyers”\n", "segment", "delete", ws, "old buyers");
  assert_output ("Lapsed buyers\n", "segment", "list", ws);

  cli_run (&gone, "segment", "delete", ws, "old buyers");
  assert_error_line (&gone, 1, "there is no saved segment named \"old buyers\"", ws);
  cli_run (&taken, "count", ws, "old buyers", "--now", NOW);
  assert_error_line (&taken, 1, "No such file, and no saved segment of that name",
                     "old buyers");
}

static void
test_cli_segment_combine (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *de = write_segment ("de", SEG_DE);
  g_autofree char *lapsed = write_segment ("lapsed", SEG_LAPSED);
  g_autofree char *engaged = write_segment ("engaged", SEG_ENGAGED);
  g_auto(CliRun) bad_op = { 0 };
  g_auto(CliRun) no_name = { 0 };
  g_auto(CliRun) unknown = { 0 };
  g_auto(CliRun) refer = { 0 };

  assert_output ("Saved the segment “de”\n", "segment", "save", ws, de, "--name", "de");
  assert_output ("Saved the segment “lapsed”\n", "segment", "save", ws, lapsed, "--name",
                 "lapsed");
  assert_output ("Saved the segment “engaged”\n", "segment", "save", ws, engaged, "--name",
                 "engaged");

  /* de = C01 C02 C06, lapsed = C02 C06, engaged = C04 C06 */
  assert_output ("Saved the segment “u”\n", "segment", "combine", ws, "union", "de", "engaged",
                 "--name", "u");
  assert_output ("4 of 8 customers (50.00%)\n", "count", ws, "u", "--now", NOW);
  assert_output ("Saved the segment “i”\n", "segment", "combine", ws, "intersect", "de",
                 "lapsed", "engaged", "--name", "i");
  assert_output ("1 of 8 customers (12.50%)\n", "count", ws, "i", "--now", NOW);
  assert_output ("Saved the segment “s”\n", "segment", "combine", ws, "subtract", "de",
                 "lapsed", "--name", "s");
  assert_output ("1 of 8 customers (12.50%)\n", "count", ws, "s", "--now", NOW);
  assert_output ("C01\n", "members", ws, "s", "--now", NOW);
  /* It refers to the saved segments: a change to them carries over. */
  assert_output ("Saved the segment “lapsed”\n", "segment", "save", ws, engaged, "--name",
                 "lapsed", "--replace");
  assert_output ("C01\nC02\n", "members", ws, "s", "--now", NOW);

  cli_run (&bad_op, "segment", "combine", ws, "xor", "de", "lapsed", "--name", "x");
  assert_error_line (&bad_op, 2, "Unknown operation “xor”", "segment combine");
  cli_run (&no_name, "segment", "combine", ws, "union", "de", "lapsed");
  assert_error_line (&no_name, 2, NULL, "segment combine");
  cli_run (&unknown, "segment", "combine", ws, "union", "de", "nope", "--name", "x");
  assert_error_line (&unknown, 1, "There is no saved segment named “nope”", ws);

  /* A saved segment that names a deleted one. */
  assert_output ("Deleted the segment “de”\n", "segment", "delete", ws, "de");
  cli_run (&refer, "count", ws, "u", "--now", NOW);
  assert_error_line (&refer, 1, "match.any[0].segment: unknown segment \"de\"", ws);
}

/* errors ------------------------------------------------------------------ */

static void
test_cli_segment_errors (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *de = write_segment ("de", SEG_DE);
  g_autofree char *typo = write_segment ("typo", "{\"all\": [" SEG_DE ", {\"field\": "
                                         "\"contry\", \"op\": \"eq\", \"value\": \"FR\"}]}");
  g_autofree char *bad_op = write_segment ("bad-op", "{\"field\": \"country\", \"op\": "
                                           "\"gte\", \"value\": \"DE\"}");
  g_autofree char *broken = write_file ("broken.json",
                                        "{\"format\": 1,\n \"match\": {\"all\": [\n");
  g_autofree char *unknown_event = write_segment ("unknown-event", "{\"event\": \"purchse\"}");
  g_autofree char *missing_ws = cache_path ("missing.audiences");
  const struct
  {
    const char *args[8];
    int         status;
    const char *what;   /* start of the message, or NULL */
    const char *where;
  } cases[] = {
    { { "count", ws, typo }, 1,
      "match.all[1].field: unknown field \"contry\"; did you mean \"country\"?", typo },
    { { "count", ws, bad_op }, 1, "match.op: unknown operator \"gte\"", bad_op },
    { { "count", ws, broken }, 1, "line 3, column ", broken },
    { { "count", ws, unknown_event }, 1, "match.event: unknown event \"purchse\"",
      unknown_event },
    { { "overlap", ws, de, typo }, 1, "match.all[1].field: unknown field", typo },
    { { "members", ws, bad_op }, 1, "match.op: unknown operator", bad_op },
    { { "count", missing_ws, de }, 1, NULL, missing_ws },
    { { "count", ws, "no such segment" }, 1, "No such file, and no saved segment of that name",
      "no such segment" },
    { { "count", ws }, 2, "Expected two arguments", "count" },
    { { "count", ws, de, "extra" }, 2, "Expected two arguments", "count" },
    { { "count", ws, de, "--now", "soon" }, 2, "Invalid time “soon” for --now", "count" },
    { { "count", ws, de, "--frobnicate" }, 2, NULL, "count" },
    { { "overlap", ws, de }, 2, "Expected the workspace and at least two segments",
      "overlap" },
    { { "explain", ws, de }, 2, "Give the customer with --customer ID", "explain" },
    { { "segment" }, 2, "Expected a subcommand", "segment" },
    { { "segment", "frobnicate", ws }, 2, "Unknown subcommand “frobnicate”", "segment" },
    { { "segment", "save", ws, de }, 2, "The segment has no name", "segment save" },
    { { "segment", "show", ws }, 2, "Expected two arguments", "segment show" },
    { { "segment", "show", ws, "nope" }, 1, "there is no saved segment named \"nope\"", ws },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(CliRun) run = { 0 };

      g_test_message ("case %u: %s", i, cases[i].args[0]);
      cli_runv (&run, cases[i].args);
      assert_error_line (&run, cases[i].status, cases[i].what, cases[i].where);
    }

  /* A failed save leaves the workspace as it was. */
  assert_output ("", "segment", "list", ws);
}

static void
test_cli_segment_help (void)
{
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) sub = { 0 };
  g_auto(CliRun) help = { 0 };

  cli_run (&run, "--help");
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      const char *names[] = { "count", "overlap", "members", "explain", "segment" };
      g_autofree char *line = g_strdup_printf ("\n  %s ", names[i]);

      g_assert_nonnull (strstr (run.out, line));
    }

  cli_run (&sub, "segment", "--help");
  g_assert_cmpint (sub.status, ==, 0);
  g_assert_true (g_str_has_prefix (sub.out, "Usage:\n  audiences-cli segment [OPTION…]"));
  g_assert_nonnull (strstr (sub.out, "\n  combine  "));

  cli_run (&help, "segment", "combine", "--help");
  g_assert_cmpint (help.status, ==, 0);
  g_assert_true (g_str_has_prefix (help.out, "Usage:\n  audiences-cli segment combine "
                                   "[OPTION…] WORKSPACE OPERATION"));
}

/* bench ------------------------------------------------------------------- */

static void
test_cli_segment_bench (void)
{
  g_autofree char *ws = make_workspace ();
  g_autofree char *de = write_segment ("de", SEG_DE);
  g_autofree char *lapsed = write_segment ("lapsed", SEG_LAPSED);
  g_autofree char *lapsed_edit = write_segment ("lapsed-edit", "{\"all\": ["
    "{\"event\": \"purchase\"},"
    "{\"event\": \"purchase\", \"when\": {\"within_last_days\": 89}, "
    " \"count\": {\"op\": \"eq\", \"value\": 0}}]}");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) run = { 0 };
  JsonObject *object;
  JsonArray *segments;
  JsonObject *first;
  JsonObject *second;

  cli_run (&run, "bench", ws, lapsed, de, "--edit", lapsed_edit, "--rounds", "2", "--now", NOW);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "customers"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (object, "events"), ==, 22);
  g_assert_cmpint (json_object_get_int_member (object, "rounds"), ==, 2);

  segments = json_object_get_array_member (object, "segments");
  g_assert_cmpuint (json_array_get_length (segments), ==, 2);
  first = json_array_get_object_element (segments, 0);
  second = json_array_get_object_element (segments, 1);
  g_assert_cmpint (json_object_get_int_member (first, "count"), ==, 2);
  /* C03's purchase of 90 days ago is not within 89 days */
  g_assert_cmpint (json_object_get_int_member (first, "edited_count"), ==, 3);
  /* the edit re-ran the one changed criterion */
  g_assert_cmpint (json_object_get_int_member (first, "warm_leaf_runs"), ==, 1);
  g_assert_true (json_object_has_member (first, "cold_ms"));
  g_assert_true (json_object_has_member (first, "warm_ms"));
  g_assert_cmpint (json_object_get_int_member (second, "count"), ==, 3);
  g_assert_false (json_object_has_member (second, "warm_ms"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (second,
                                                                                   "cold_ms"),
                                                    "median"), >=, 0.0);
  g_assert_true (json_object_has_member (object, "overlap_ms"));
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (
                     json_object_get_array_member (object, "overlap"), 0), 1), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli-segment/count/text", test_cli_segment_count_text);
  g_test_add_func ("/cli-segment/count/json", test_cli_segment_count_json);
  g_test_add_func ("/cli-segment/count/funnel", test_cli_segment_count_funnel);
  g_test_add_func ("/cli-segment/count/now", test_cli_segment_count_now);
  g_test_add_func ("/cli-segment/overlap/text", test_cli_segment_overlap_text);
  g_test_add_func ("/cli-segment/overlap/json", test_cli_segment_overlap_json);
  g_test_add_func ("/cli-segment/members", test_cli_segment_members);
  g_test_add_func ("/cli-segment/explain", test_cli_segment_explain);
  g_test_add_func ("/cli-segment/segment/saved", test_cli_segment_saved);
  g_test_add_func ("/cli-segment/segment/combine", test_cli_segment_combine);
  g_test_add_func ("/cli-segment/errors", test_cli_segment_errors);
  g_test_add_func ("/cli-segment/help", test_cli_segment_help);
  g_test_add_func ("/cli-segment/bench", test_cli_segment_bench);

  return g_test_run ();
}
