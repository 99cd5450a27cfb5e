/* test-cli-import.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* audiences-cli import, info and rejects, run as a user would (the
 * program's path is $AUD_CLI). */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "cli-run.h"

/* Runs audiences-cli with @args (NULL-terminated), in the per-test data
 * folder. */
static void
run_cli (CliRun             *run,
         const char * const *args)
{
  cli_run_argv (run, g_get_user_data_dir (), NULL, args);
}

#define RUN(run, ...) run_cli (run, (const char * const[]) { __VA_ARGS__, NULL })

static char *
fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

static char *
workspace (void)
{
  return g_build_filename (g_get_user_data_dir (), "cli.audiences", NULL);
}

static void
test_cli_import_customers (void)
{
  g_auto(CliRun) run = { 0, };
  g_autofree char *ws = workspace ();
  g_autofree char *customers = fixture ("imp-customers.csv");
  g_autofree char *update = fixture ("imp-customers-update.csv");

  /* The workspace is created when missing. */
  g_assert_false (g_file_test (ws, G_FILE_TEST_EXISTS));
  RUN (&run, "import", ws, customers, "--as", "customers", "--id", "customer_id",
       "--type", "spend=decimal");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Imported 3 customers (3 new, 0 updated) from "
                                   "imp-customers.csv; 0 rows rejected\n"));
  g_assert_nonnull (strstr (run.out, "New customer fields: name, age, spend, country\n"));
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (g_file_test (ws, G_FILE_TEST_EXISTS));
  cli_run_clear (&run);

  /* The id column is guessed; JSON output. */
  RUN (&run, "import", ws, update, "--json");
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *summary;

    json_parser_load_from_data (parser, run.out, -1, &error);
    g_assert_no_error (error);
    summary = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (summary, "kind"), ==, "customers");
    g_assert_cmpint (json_object_get_int_member (summary, "id"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (summary, "rows_read"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (summary, "rows_inserted"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (summary, "rows_updated"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (summary, "data_version"), ==, 2);
    g_assert_cmpuint (strlen (json_object_get_string_member (summary, "sha256")), ==, 64);
  }
  cli_run_clear (&run);

  /* A profile file without ids: row numbers, said so. */
  {
    g_autofree char *survey = fixture ("imp-survey.csv");

    RUN (&run, "import", ws, survey, "--as", "customers", "--no-id");
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "The file has no customer id column: customers got "
                              "their row numbers as ids (1 to 3)."));
  }
}

/* An activity file imported without --as is taken as events: its column
 * "event" names what happened, "time" says when, and customers repeat. */
static void
test_cli_import_guesses_events (void)
{
  g_auto(CliRun) run = { 0, };
  g_autofree char *ws = workspace ();
  g_autofree char *customers = fixture ("imp-customers.csv");
  g_autofree char *events = fixture ("imp-events.csv");

  RUN (&run, "import", ws, customers);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);

  RUN (&run, "import", ws, events, "--json");
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *summary;

    json_parser_load_from_data (parser, run.out, -1, &error);
    g_assert_no_error (error);
    summary = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (summary, "kind"), ==, "events");
    g_assert_cmpint (json_object_get_int_member (summary, "rows_read"), ==, 6);
    g_assert_cmpint (json_object_get_int_member (summary, "rows_inserted"), ==, 6);
    g_assert_cmpint (json_object_get_int_member (summary, "rows_unknown_customer"), ==, 3);
  }
  cli_run_clear (&run);

  RUN (&run, "info", ws, "--json");
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *info;

    json_parser_load_from_data (parser, run.out, -1, &error);
    g_assert_no_error (error);
    info = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (info, "customers"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (info, "events"), ==, 6);
  }
}

static void
test_cli_import_events_and_rejects (void)
{
  g_auto(CliRun) run = { 0, };
  g_autofree char *ws = workspace ();
  g_autofree char *customers = fixture ("imp-customers.csv");
  g_autofree char *rejects = fixture ("imp-rejects.csv");

  RUN (&run, "import", ws, customers);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);

  RUN (&run, "import", ws, rejects, "--customer", "customer_id", "--event", "event",
       "--time", "time", "--encoding", "utf-8", "--blank", "n/a");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Imported 2 events from imp-rejects.csv; "
                                   "6 rows rejected\n"));
  g_assert_nonnull (strstr (run.out, "Rejected 2 rows: time is not a date and time "
                            "(first at line 6)\n"));
  g_assert_nonnull (strstr (run.out, "Rejected 1 row: customer_id is blank (line 5)\n"));
  cli_run_clear (&run);

  RUN (&run, "rejects", ws, "--csv");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "import,line,reason,raw\r\n2,4,"));
  g_assert_nonnull (strstr (run.out, "\r\n2,5,customer_id is blank,"
                            "\",open,2024-01-05 12:00:00,blank id\"\r\n"));
  g_assert_nonnull (strstr (run.out, "\r\n2,6,“not a time” in time is not a date and time,"
                            "\"C003,open,not a time,bad time\"\r\n"));
  g_assert_nonnull (strstr (run.out, "\r\n2,12,"));
  cli_run_clear (&run);

  RUN (&run, "rejects", ws, "--import", "2");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Line 5: customer_id is blank\n"
                            "    ,open,2024-01-05 12:00:00,blank id\n"));
  cli_run_clear (&run);

  RUN (&run, "rejects", ws, "--import", "1");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "No rows were rejected\n");
  cli_run_clear (&run);

  RUN (&run, "rejects", ws, "--import", "99");
  g_assert_cmpint (run.status, ==, 1);
  {
    g_autofree char *expected = g_strdup_printf ("audiences-cli: There is no import 99: %s\n", ws);

    g_assert_cmpstr (run.err, ==, expected);
  }
  cli_run_clear (&run);

  RUN (&run, "info", ws, "--json");
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *info;
    JsonArray *names;
    JsonArray *imports;

    json_parser_load_from_data (parser, run.out, -1, &error);
    g_assert_no_error (error);
    info = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (info, "customers"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (info, "events"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (info, "events_without_customer"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (info, "data_version"), ==, 2);
    names = json_object_get_array_member (info, "event_names");
    g_assert_cmpuint (json_array_get_length (names), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (names, 0),
                                                    "name"), ==, "click");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (names, 1),
                                                 "events"), ==, 1);
    imports = json_object_get_array_member (info, "imports");
    g_assert_cmpuint (json_array_get_length (imports), ==, 2);
    /* Newest first. */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (imports, 0),
                                                    "kind"), ==, "events");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (imports, 0),
                                                 "rows_rejected"), ==, 6);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (info, "fields")),
                      ==, 4);
  }
  cli_run_clear (&run);

  RUN (&run, "info", ws);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Customers: 3\nEvents: 2\nData version: 2\n"));
  g_assert_nonnull (strstr (run.out, "\nEvent names\n  click  1\n  open  1\n"));
  g_assert_nonnull (strstr (run.out, " events imp-rejects.csv: 8 rows read, 2 imported "
                            "(0 of unknown customers), 6 rejected\n"));
}

static void
test_cli_import_create_customers (void)
{
  g_auto(CliRun) run = { 0, };
  g_autofree char *ws = workspace ();
  g_autofree char *orders = fixture ("imp-orders.csv");

  RUN (&run, "import", ws, orders, "--customer", "customer", "--event-name", "purchase",
       "--time", "ordered_at", "--create-customers", "--customer-fields", "Country",
       "--skip", "order_id");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Imported 5 events from imp-orders.csv; "
                                   "0 rows rejected\nCreated 4 customers from the events\n"));
  g_assert_nonnull (strstr (run.out, "New customer field: Country\n"));
  g_assert_nonnull (strstr (run.out, "New event properties: total, Country\n"));
  cli_run_clear (&run);

  RUN (&run, "info", ws);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Customers: 4\nEvents: 5\n"));
  g_assert_nonnull (strstr (run.out, "\nEvent names\n  purchase  5\n"));
}

static void
test_cli_import_errors (void)
{
  g_auto(CliRun) run = { 0, };
  g_autofree char *ws = workspace ();
  g_autofree char *customers = fixture ("imp-customers.csv");
  g_autofree char *expected = NULL;

  /* A missing file: nothing is created. */
  RUN (&run, "import", ws, "/nonexistent/file.csv");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "audiences-cli: "));
  g_assert_true (g_str_has_suffix (run.err, ": /nonexistent/file.csv\n"));
  g_assert_false (g_file_test (ws, G_FILE_TEST_EXISTS));
  cli_run_clear (&run);

  RUN (&run, "import", ws, customers, "--id", "nope");
  g_assert_cmpint (run.status, ==, 1);
  expected = g_strdup_printf ("audiences-cli: The file has no column “nope”: %s\n", customers);
  g_assert_cmpstr (run.err, ==, expected);
  g_assert_false (g_file_test (ws, G_FILE_TEST_EXISTS));
  cli_run_clear (&run);

  /* Events without a time column. */
  RUN (&run, "import", ws, customers, "--as", "events", "--customer", "customer_id",
       "--event-name", "x");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "time"));
  cli_run_clear (&run);

  /* Usage errors exit 2. */
  RUN (&run, "import", ws, customers, "--as", "people");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.err, ==, "audiences-cli: --as must be customers or events: import\n");
  cli_run_clear (&run);

  RUN (&run, "import", ws, customers, "--type", "age=money");
  g_assert_cmpint (run.status, ==, 2);
  cli_run_clear (&run);

  RUN (&run, "import", ws);
  g_assert_cmpint (run.status, ==, 2);
  cli_run_clear (&run);

  RUN (&run, "info", ws);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_suffix (run.err, ws) || strstr (run.err, ws) != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli-import/customers", test_cli_import_customers);
  g_test_add_func ("/cli-import/guesses-events", test_cli_import_guesses_events);
  g_test_add_func ("/cli-import/events-and-rejects", test_cli_import_events_and_rejects);
  g_test_add_func ("/cli-import/create-customers", test_cli_import_create_customers);
  g_test_add_func ("/cli-import/errors", test_cli_import_errors);

  return g_test_run ();
}
