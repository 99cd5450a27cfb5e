/* test-cli.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Runs the audiences-cli binary (path in $AUD_CLI) and checks exit codes,
 * output and the files it writes. One section per command; add new cases
 * to the section of their command and register them in main(). */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "aud-demo.h"
#include "aud-store.h"
#include "cli-run.h"

/* Helpers ------------------------------------------------------------------ */

static void
cli_run_va (CliRun     *run,
            char      **envp,
            const char *first_arg,
            va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  g_ptr_array_add (argv, NULL);

  cli_run_argv (run, g_get_user_cache_dir (), envp, (const char * const *)argv->pdata);
}

/* Runs audiences-cli with the NULL-terminated arguments, in the test's
 * temporary directory. */
static void
cli_run (CliRun     *run,
         const char *first_arg,
         ...)
{
  va_list args;

  va_start (args, first_arg);
  cli_run_va (run, NULL, first_arg, args);
  va_end (args);
}

/* The same in the locale @locale (LC_ALL). */
static void
cli_run_in_locale (CliRun     *run,
                   const char *locale,
                   const char *first_arg,
                   ...)
{
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "LC_ALL", locale, TRUE);
  va_list args;

  va_start (args, first_arg);
  cli_run_va (run, envp, first_arg, args);
  va_end (args);
}

/* One error line, `audiences-cli: <what>: <where>`, with this where. */
static void
assert_error_line (const CliRun *run,
                   const char   *where)
{
  g_autofree char *suffix = g_strdup_printf (": %s\n", where);

  g_assert_true (g_str_has_prefix (run->err, "audiences-cli: "));
  g_assert_true (g_str_has_suffix (run->err, suffix));
  g_assert_cmpint (strlen (run->err), >, strlen ("audiences-cli: ") + strlen (suffix));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
}

/* A path in the test's own cache folder (made if needed). */
static char *
cache_path (const char *name)
{
  g_assert_no_errno (g_mkdir_with_parents (g_get_user_cache_dir (), 0700));
  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (const char *p = contents; *p != '\0'; p++)
    if (*p == '\n')
      n++;

  return n;
}

/* The program ------------------------------------------------------------- */

static void
test_cli_help (void)
{
  g_auto(CliRun) run = { 0 };

  cli_run (&run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (g_str_has_prefix (run.out, "Usage:\n  audiences-cli COMMAND"));
  /* Name and summary, aligned in columns. */
  g_assert_true (g_regex_match_simple ("\n  create +Create a new, empty workspace\n", run.out, 0, 0));
  g_assert_true (g_regex_match_simple ("\n  demo +Write demo customers and events", run.out, 0, 0));
}

static void
test_cli_help_command (void)
{
  const char *names[] = { "create", "demo" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto(CliRun) run = { 0 };
      g_auto(CliRun) help = { 0 };
      g_autofree char *usage = g_strdup_printf ("Usage:\n  audiences-cli %s [OPTION…]", names[i]);

      cli_run (&run, names[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_str_has_prefix (run.out, usage));

      /* "help CMD" is "CMD --help" */
      cli_run (&help, "help", names[i], NULL);
      g_assert_cmpint (help.status, ==, 0);
      g_assert_cmpstr (help.out, ==, run.out);
    }
}

static void
test_cli_version (void)
{
  g_auto(CliRun) run = { 0 };

  cli_run (&run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "audiences-cli " PACKAGE_VERSION "\n");
}

static void
test_cli_usage_errors (void)
{
  g_auto(CliRun) none = { 0 };
  g_auto(CliRun) unknown = { 0 };
  g_auto(CliRun) option = { 0 };
  g_auto(CliRun) help_unknown = { 0 };

  cli_run (&none, NULL);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_cmpstr (none.out, ==, "");
  g_assert_true (g_str_has_prefix (none.err, "audiences-cli: "));

  cli_run (&unknown, "frobnicate", "x", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_cmpstr (unknown.err, ==, "audiences-cli: Unknown command: frobnicate\n");

  cli_run (&option, "--frobnicate", NULL);
  g_assert_cmpint (option.status, ==, 2);
  g_assert_cmpstr (option.err, ==, "audiences-cli: Unknown option: --frobnicate\n");

  cli_run (&help_unknown, "help", "frobnicate", NULL);
  g_assert_cmpint (help_unknown.status, ==, 2);
  assert_error_line (&help_unknown, "frobnicate");
}

/* create ------------------------------------------------------------------ */

static void
test_cli_create (void)
{
  g_autofree char *path = cache_path ("shop.audiences");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) again = { 0 };

  cli_run (&run, "create", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, path));

  store = aud_store_open (path, AUD_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aud_store_count_customers (store), ==, 0);
  g_assert_cmpint (aud_store_count_events (store), ==, 0);
  g_clear_object (&store);

  /* Never over an existing file. */
  before = file_sha256 (path);
  cli_run (&again, "create", path, NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_cmpstr (again.out, ==, "");
  assert_error_line (&again, path);
  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_cli_create_errors (void)
{
  g_autofree char *path = cache_path ("no/such/folder/x.audiences");
  g_auto(CliRun) missing = { 0 };
  g_auto(CliRun) extra = { 0 };
  g_auto(CliRun) bogus = { 0 };
  g_auto(CliRun) unwritable = { 0 };

  cli_run (&missing, "create", NULL);
  g_assert_cmpint (missing.status, ==, 2);
  assert_error_line (&missing, "create");

  cli_run (&extra, "create", "a.audiences", "b.audiences", NULL);
  g_assert_cmpint (extra.status, ==, 2);
  assert_error_line (&extra, "create");

  cli_run (&bogus, "create", "--bogus", "a.audiences", NULL);
  g_assert_cmpint (bogus.status, ==, 2);
  g_assert_cmpstr (bogus.err, ==, "audiences-cli: Unknown option --bogus: create\n");

  cli_run (&unwritable, "create", path, NULL);
  g_assert_cmpint (unwritable.status, ==, 1);
  assert_error_line (&unwritable, path);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* demo -------------------------------------------------------------------- */

static void
test_cli_demo (void)
{
  g_autofree char *dir = cache_path ("demo");
  g_autofree char *customers = g_build_filename (dir, "customers.csv", NULL);
  g_autofree char *events = g_build_filename (dir, "events.csv", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *customers_sha = NULL;
  g_autofree char *events_sha = NULL;
  g_autofree char *direct_customers = cache_path ("direct-customers.csv");
  g_autofree char *direct_events = cache_path ("direct-events.csv");
  g_autofree char *sha = NULL;
  g_autoptr(GError) error = NULL;
  AudDemoOptions options;
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) again = { 0 };

  cli_run (&run, "demo", dir, "--customers", "200", "--events", "1000", "--seed", "5",
           "--now", "2025-01-01", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  expected = g_strdup_printf ("Wrote 200 customers to %s\nWrote 1,000 events to %s\n",
                              customers, events);
  g_assert_cmpstr (run.out, ==, expected);
  g_assert_cmpuint (count_lines (customers), ==, 201);
  g_assert_cmpuint (count_lines (events), ==, 1001);

  /* The same as the library writes with the same options, every time. */
  customers_sha = file_sha256 (customers);
  events_sha = file_sha256 (events);

  aud_demo_options_init (&options);
  options.n_customers = 200;
  options.n_events = 1000;
  options.seed = 5;
  options.now = 1735689600;
  g_assert_true (aud_demo_write_csv (&options, direct_customers, direct_events,
                                     NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  sha = file_sha256 (direct_customers);
  g_assert_cmpstr (sha, ==, customers_sha);
  g_clear_pointer (&sha, g_free);
  sha = file_sha256 (direct_events);
  g_assert_cmpstr (sha, ==, events_sha);

  cli_run (&again, "demo", dir, "-c", "200", "-e", "1000", "-s", "5",
           "--now", "2025-01-01T00:00:00Z", NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_clear_pointer (&sha, g_free);
  sha = file_sha256 (customers);
  g_assert_cmpstr (sha, ==, customers_sha);
  g_clear_pointer (&sha, g_free);
  sha = file_sha256 (events);
  g_assert_cmpstr (sha, ==, events_sha);
}

static void
test_cli_demo_json (void)
{
  g_autofree char *dir = cache_path ("demo-json");
  g_autofree char *events = g_build_filename (dir, "events.csv", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonObject *part;
  g_auto(CliRun) run = { 0 };

  cli_run (&run, "demo", dir, "--customers", "10", "--events", "25", "--seed", "9",
           "--now", "2024-02-29T12:00:00+01:00", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);

  g_assert_true (json_parser_load_from_data (parser, run.out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  part = json_object_get_object_member (root, "customers");
  g_assert_cmpint (json_object_get_int_member (part, "rows"), ==, 10);
  part = json_object_get_object_member (root, "events");
  g_assert_cmpint (json_object_get_int_member (part, "rows"), ==, 25);
  g_assert_cmpstr (json_object_get_string_member (part, "file"), ==, events);
  g_assert_cmpint (json_object_get_int_member (root, "seed"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (root, "now"), ==, "2024-02-29T11:00:00Z");
}

/* Counts use digit grouping, also in C.UTF-8, which has none. */
static void
test_cli_demo_grouping (void)
{
  g_autofree char *dir = cache_path ("demo-grouping");
  g_auto(CliRun) run = { 0 };

  cli_run (&run, "demo", dir, "--customers", "100000", "--events", "1", "--now", "2025-01-01",
           NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Wrote 100,000 customers to "));
  g_assert_nonnull (strstr (run.out, "\nWrote 1 event to "));
}

/* The locale's own grouping where it has one. */
static void
test_cli_demo_grouping_de (void)
{
  g_autofree char *dir = cache_path ("demo-grouping-de");
  locale_t german = newlocale (LC_ALL_MASK, "de_DE.UTF-8", (locale_t)0);
  g_auto(CliRun) run = { 0 };

  if (german == (locale_t)0)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed");
      return;
    }
  freelocale (german);

  cli_run_in_locale (&run, "de_DE.UTF-8", "demo", dir, "--customers", "1234567", "--events", "0",
                     "--now", "2025-01-01", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Wrote 1.234.567 customers to "));
}

static void
test_cli_demo_usage (void)
{
  const char *cases[][4] = {
    { "--customers", "-1", NULL },
    { "--customers", "12abc", NULL },
    { "--events", "1e6", NULL },
    { "--seed", "", NULL },
    { "--now", "yesterday", NULL },
    { "--now", "2025-02-30", NULL },
    { "--frobnicate", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = cache_path ("demo-usage");
      g_auto(CliRun) run = { 0 };

      cli_run (&run, "demo", dir, cases[i][0], cases[i][1], NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      assert_error_line (&run, "demo");
      if (cases[i][1] != NULL && cases[i][1][0] != '\0')
        g_assert_nonnull (strstr (run.err, cases[i][1]));
      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }

  {
    g_auto(CliRun) no_dir = { 0 };

    cli_run (&no_dir, "demo", "--customers", "5", NULL);
    g_assert_cmpint (no_dir.status, ==, 2);
    assert_error_line (&no_dir, "demo");
  }
}

static void
test_cli_demo_unwritable (void)
{
  g_autofree char *file = cache_path ("a-file");
  g_autofree char *dir = g_build_filename (file, "demo", NULL);
  g_auto(CliRun) run = { 0 };

  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  cli_run (&run, "demo", dir, "--customers", "5", "--events", "5", NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_error_line (&run, dir);
}

/* --workspace: a new workspace with both files imported, as of --now. */
static void
test_cli_demo_workspace (void)
{
  g_autofree char *dir = cache_path ("demo-ws");
  g_autofree char *path = cache_path ("demo.audiences");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudField) email = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *moved = NULL;
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) again = { 0 };

  cli_run (&run, "demo", dir, "--customers", "300", "--events", "4000", "--seed", "2",
           "--now", "2025-01-01", "--workspace", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Imported 300 customers"));
  g_assert_nonnull (strstr (run.out, "Imported 4,000 events"));

  store = aud_store_open (path, AUD_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aud_store_count_customers (store), ==, 300);
  g_assert_cmpint (aud_store_count_events (store), ==, 4000);
  g_assert_cmpint (aud_store_get_reference_time (store), ==, 1735689600);
  email = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_EMAIL);
  g_assert_nonnull (email);
  g_assert_cmpstr (email->name, ==, "email");
  g_assert_cmpint (aud_store_lookup_event_name (store, "purchase"), >, 0);
  g_clear_object (&store);

  /* Never into an existing workspace, and then nothing is written. */
  before = file_sha256 (path);
  moved = cache_path ("demo-ws-moved");
  g_assert_no_errno (g_rename (dir, moved));
  cli_run (&again, "demo", dir, "--workspace", path, NULL);
  g_assert_cmpint (again.status, ==, 1);
  assert_error_line (&again, path);
  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/help", test_cli_help);
  g_test_add_func ("/cli/help-command", test_cli_help_command);
  g_test_add_func ("/cli/version", test_cli_version);
  g_test_add_func ("/cli/usage-errors", test_cli_usage_errors);

  g_test_add_func ("/cli/create/new", test_cli_create);
  g_test_add_func ("/cli/create/errors", test_cli_create_errors);

  g_test_add_func ("/cli/demo/files", test_cli_demo);
  g_test_add_func ("/cli/demo/json", test_cli_demo_json);
  g_test_add_func ("/cli/demo/grouping", test_cli_demo_grouping);
  g_test_add_func ("/cli/demo/grouping-de", test_cli_demo_grouping_de);
  g_test_add_func ("/cli/demo/usage", test_cli_demo_usage);
  g_test_add_func ("/cli/demo/unwritable", test_cli_demo_unwritable);
  g_test_add_func ("/cli/demo/workspace", test_cli_demo_workspace);

  return g_test_run ();
}
