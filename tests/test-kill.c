/* test-kill.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * A killed import leaves the workspace exactly as it was: `audiences-cli
 * import` ($AUD_CLI) of a large generated file is stopped with SIGKILL in
 * the middle, then the workspace is opened with the store API and compared,
 * table by table and row by row, with what it held before.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "aud-store.h"

/* The large files, made once for all tests in a folder of their own. */
#define BIG_CUSTOMERS "500000"
#define BIG_EVENTS "2000000"

static char *big_dir;

/* Runs audiences-cli with @first and the NULL-terminated arguments after
 * it, and checks that it succeeds. */
G_GNUC_NULL_TERMINATED
static void
run_cli (const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *)g_getenv ("AUD_CLI"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *)args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* Whether the big files are there (made by main()); else the test is
 * skipped. */
static gboolean
have_cli (void)
{
  if (big_dir == NULL)
    {
      g_test_skip ("audiences-cli not found: set AUD_CLI");
      return FALSE;
    }

  return TRUE;
}

static char *
big_file (const char *name)
{
  return g_build_filename (big_dir, name, NULL);
}

/* A workspace in the test's own folder holding a small demo import:
 * customers only, or customers and events. */
static char *
small_workspace (gboolean with_events)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "small", NULL);
  g_autofree char *customers = g_build_filename (dir, "customers.csv", NULL);
  char *path = g_build_filename (g_get_user_data_dir (), "ws.audiences", NULL);

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);

  if (with_events)
    {
      run_cli ("demo", dir, "--customers", "100", "--events", "1000", "--seed", "2",
               "--now", "2026-11-01T00:00:00Z", "--workspace", path, NULL);
    }
  else
    {
      run_cli ("demo", dir, "--customers", "100", "--events", "10", "--seed", "2",
               "--now", "2026-11-01T00:00:00Z", NULL);
      run_cli ("import", path, customers, "--as", "customers", "--id", "customer_id", NULL);
    }

  return path;
}

/* Appends every row of @sql, one line each, cells separated by "|". */
static void
dump_query (AudStore   *store,
            const char *sql,
            GString    *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, &error);
  int rc;

  g_assert_no_error (error);
  g_string_append_printf (out, "%s\n", sql);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          if (i > 0)
            g_string_append_c (out, '|');
          if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
            g_string_append (out, "NULL");
          else
            g_string_append (out, (const char *)sqlite3_column_text (stmt, i));
        }
      g_string_append_c (out, '\n');
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
}

/* Opens @path with the store API and returns all it holds as text: the
 * schema (indexes included), then every row of every table. Checks the
 * file's integrity first. */
static char *
workspace_contents (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(sqlite3_stmt) tables = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  int rc;

  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  dump_query (store, "PRAGMA integrity_check", out);
  g_assert_cmpstr (out->str, ==, "PRAGMA integrity_check\nok\n");
  dump_query (store, "PRAGMA foreign_key_check", out);

  g_string_append_printf (out, "data version %" G_GINT64_FORMAT "\n",
                          aud_store_get_data_version (store));
  g_string_append_printf (out, "%" G_GINT64_FORMAT " customers, %" G_GINT64_FORMAT " events\n",
                          aud_store_count_customers (store), aud_store_count_events (store));
  dump_query (store, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
              out);

  tables = aud_store_prepare (store,
                              "SELECT name FROM sqlite_schema WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                              &error);
  g_assert_no_error (error);
  while ((rc = sqlite3_step (tables)) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (tables, 0);
      g_autofree char *quoted = aud_sql_quote_identifier (name);
      g_autofree char *sql = NULL;

      g_assert_nonnull (quoted);
      sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1", quoted);
      dump_query (store, sql, out);
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* CPU seconds used so far by process @pid, or -1 once it is gone. */
static double
cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return -1;

  /* Fields after the command name (in parentheses, which may hold
   * spaces): state is field 3, utime 14 and stime 15. */
  end = strrchr (stat, ')');
  g_assert_nonnull (end);
  fields = g_strsplit (end + 2, " ", 16);
  g_assert_cmpuint (g_strv_length (fields), >=, 14);
  if (fields[0][0] == 'Z')
    return -1;

  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (gint64)buf.st_size : -1;
}

typedef struct
{
  gboolean    with_events;  /* the small workspace holds events already */
  const char *file;         /* the big file to import */
  const char *as;
  double      cpu;          /* CPU seconds of import before the kill */
} KillCase;

static void
test_kill_import (gconstpointer data)
{
  const KillCase *c = data;
  g_autofree char *workspace = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *file = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("AUD_CLI");
  const char *pid;
  gint64 deadline;
  double used;

  if (!have_cli ())
    return;

  workspace = small_workspace (c->with_events);
  wal = g_strconcat (workspace, "-wal", NULL);
  file = big_file (c->file);
  before = workspace_contents (workspace);

  if (g_str_equal (c->as, "customers"))
    process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                &error, cli, "import", workspace, file, "--as", "customers",
                                "--id", "customer_id", NULL);
  else
    process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                &error, cli, "import", workspace, file, "--as", "events",
                                "--customer", "customer_id", "--event", "event", "--time",
                                "timestamp", NULL);
  g_assert_no_error (error);
  pid = g_subprocess_get_identifier (process);
  g_assert_nonnull (pid);

  /* Well into the import (the preview takes a few milliseconds), whatever
   * the load of the machine. */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while ((used = cpu_seconds (pid)) >= 0 && used < c->cpu)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  g_assert_cmpfloat (used, >=, c->cpu);
  g_test_message ("killed after %.2f s of CPU; the WAL holds %" G_GINT64_FORMAT " bytes", used,
                  file_size (wal));

  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);

  /* The file opens, checks out, and holds exactly what it held. */
  after = workspace_contents (workspace);
  g_assert_cmpstr (after, ==, before);

  /* And it takes the next import. */
  if (g_str_equal (c->as, "customers"))
    {
      g_autofree char *small = g_build_filename (g_get_user_data_dir (), "small",
                                                 "customers.csv", NULL);

      run_cli ("import", workspace, small, "--as", "customers", "--id", "customer_id", NULL);
    }
  else
    {
      g_autofree char *small = g_build_filename (g_get_user_data_dir (), "small", "events.csv",
                                                 NULL);

      run_cli ("import", workspace, small, "--as", "events", "--customer", "customer_id",
               "--event", "event", "--time", "timestamp", NULL);
    }
  g_clear_pointer (&after, g_free);
  after = workspace_contents (workspace);
  g_assert_cmpstr (after, !=, before);
}

static const KillCase kill_customers = { TRUE, "customers.csv", "customers", 0.8 };
static const KillCase kill_events = { TRUE, "events.csv", "events", 2.0 };
static const KillCase kill_first_events = { FALSE, "events.csv", "events", 2.0 };

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *cli;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  cli = g_getenv ("AUD_CLI");
  if (cli != NULL && g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autoptr(GSubprocess) demo = NULL;

      big_dir = g_dir_make_tmp ("audiences-kill-XXXXXX", &error);
      g_assert_no_error (error);
      demo = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, cli, "demo", big_dir,
                               "--customers", BIG_CUSTOMERS, "--events", BIG_EVENTS, "--seed",
                               "1", "--now", "2026-11-01T00:00:00Z", NULL);
      g_assert_no_error (error);
      g_subprocess_wait_check (demo, NULL, &error);
      g_assert_no_error (error);
    }

  /* An upsert of many customers into a few. */
  g_test_add_data_func ("/kill/customers", &kill_customers, test_kill_import);
  /* Events added to events. */
  g_test_add_data_func ("/kill/events", &kill_events, test_kill_import);
  /* The first events of a workspace: the event indexes are dropped for the
   * load and must be back. */
  g_test_add_data_func ("/kill/first-events", &kill_first_events, test_kill_import);

  status = g_test_run ();

  if (big_dir != NULL)
    {
      const char *names[] = { "customers.csv", "events.csv" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = big_file (names[i]);

          g_unlink (path);
        }
      g_rmdir (big_dir);
      g_free (big_dir);
    }

  return status;
}
