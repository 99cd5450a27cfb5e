/* cli-demo.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "aud-demo.h"
#include "aud-importer.h"
#include "aud-value.h"
#include "cli-util.h"

typedef struct
{
  AudDemoOptions    options;
  char             *customers_path;
  char             *events_path;

  /* --workspace */
  const char       *workspace;
  AudProgress      *progress;         /* main thread */
  const char       *phase;            /* atomic; a static string */
  AudImportSummary *customers_summary;
  AudImportSummary *events_summary;
} DemoTask;

static void
demo_progress_cb (guint64  n_done,
                  guint64  n_total,
                  gpointer user_data)
{
  aud_cli_progress (_("Writing demo data…"), n_done, n_total);
}

static void
on_progress_notify_cb (AudProgress *progress,
                       GParamSpec  *pspec,
                       DemoTask    *task)
{
  aud_cli_progress (g_atomic_pointer_get (&task->phase),
                    aud_progress_get_fraction (progress) * 1000, 1000);
}

/* Creates the workspace and imports both files into it; on failure the
 * workspace is removed again. */
static gboolean
import_demo (DemoTask      *task,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(AudStore) store = NULL;
  g_autofree char *now = aud_value_format_datetime (task->options.now);

  store = aud_store_open (task->workspace, AUD_STORE_OPEN_CREATE, error);
  if (store == NULL)
    return FALSE;

  /* Counts in the workspace are as of the time the data was made for. */
  if (!aud_store_set_meta (store, "now", now, error))
    goto failed;

  g_atomic_pointer_set (&task->phase, _("Importing customers…"));
  task->customers_summary = aud_demo_import_file (store, task->customers_path,
                                                  AUD_IMPORT_CUSTOMERS, task->progress,
                                                  cancellable, error);
  if (task->customers_summary == NULL)
    goto failed;

  g_atomic_pointer_set (&task->phase, _("Importing events…"));
  task->events_summary = aud_demo_import_file (store, task->events_path,
                                               AUD_IMPORT_EVENTS, task->progress,
                                               cancellable, error);
  if (task->events_summary == NULL)
    goto failed;

  return TRUE;

failed:
  g_clear_object (&store);
  aud_store_delete_files (task->workspace, NULL);

  return FALSE;
}

static gboolean
write_demo (gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  DemoTask *task = data;

  if (!aud_demo_write_csv (&task->options, task->customers_path, task->events_path,
                           cancellable, demo_progress_cb, NULL, error))
    return FALSE;

  if (task->workspace != NULL)
    {
      aud_cli_progress_done ();
      return import_demo (task, cancellable, error);
    }

  return TRUE;
}

/* "NAME": { "file": PATH, "rows": N_ROWS } */
static void
add_file_member (JsonBuilder *builder,
                 const char  *name,
                 const char  *path,
                 guint64      n_rows)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, n_rows);
  json_builder_end_object (builder);
}

static void
print_result (const DemoTask *task,
              gboolean        json)
{
  const AudDemoOptions *options = &task->options;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *now = aud_value_format_datetime (options->now);

      json_builder_begin_object (builder);
      add_file_member (builder, "customers", task->customers_path, options->n_customers);
      add_file_member (builder, "events", task->events_path, options->n_events);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, options->seed);
      json_builder_set_member_name (builder, "now");
      json_builder_add_string_value (builder, now);
      if (task->workspace != NULL)
        {
          json_builder_set_member_name (builder, "workspace");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, task->workspace);
          json_builder_set_member_name (builder, "customers");
          json_builder_add_int_value (builder, task->customers_summary->rows_inserted);
          json_builder_set_member_name (builder, "events");
          json_builder_add_int_value (builder, task->events_summary->rows_inserted);
          json_builder_set_member_name (builder, "rows_rejected");
          json_builder_add_int_value (builder, task->customers_summary->rows_rejected +
                                               task->events_summary->rows_rejected);
          json_builder_set_member_name (builder, "events_unknown_customer");
          json_builder_add_int_value (builder, task->events_summary->rows_unknown_customer);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      aud_cli_print_json (root);
    }
  else
    {
      g_autofree char *customers = aud_value_format_count (options->n_customers);
      g_autofree char *events = aud_value_format_count (options->n_events);

      g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %s customer to %s", "Wrote %s customers to %s",
                            options->n_customers),
               customers, task->customers_path);
      g_print ("\n");
      g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %s event to %s", "Wrote %s events to %s",
                            options->n_events),
               events, task->events_path);
      g_print ("\n");

      if (task->workspace != NULL)
        {
          g_autofree char *customers_text = aud_import_summary_to_text (task->customers_summary);
          g_autofree char *events_text = aud_import_summary_to_text (task->events_summary);

          g_print ("%s%s", customers_text, events_text);
        }
    }
}

/* audiences-cli demo OUTPUT_DIR: customers.csv and events.csv made up
 * from a seed. */
int
aud_cli_demo (const AudCliCommand *command,
              int                  argc,
              char               **argv)
{
  g_autofree char *customers = NULL;
  g_autofree char *events = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *now = NULL;
  g_autofree char *workspace = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "customers", 'c', 0, G_OPTION_ARG_STRING, &customers,
      N_("Number of customers (default 1000)"), N_("N") },
    { "events", 'e', 0, G_OPTION_ARG_STRING, &events,
      N_("Number of events (default 20000)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed,
      N_("Seed: the same seed gives the same files (default 1)"), N_("SEED") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now,
      N_("Reference time, UTC unless a zone is given; the events lie in the two years "
         "before it (default: the current time)"), N_("TIME") },
    { "workspace", 'w', 0, G_OPTION_ARG_FILENAME, &workspace,
      N_("Also import the files into this new workspace"), N_("WORKSPACE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(GError) error = NULL;
  DemoTask task = { 0 };
  const char *dir;
  int status;

  g_option_context_set_description (context,
                                    _("Writes OUTPUT_DIR/customers.csv and OUTPUT_DIR/events.csv, "
                                      "replacing them if they exist."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 2)
    return aud_cli_usage_error (command, _("Expected one argument, the output folder"));

  aud_demo_options_init (&task.options);
  task.options.now = g_get_real_time () / G_USEC_PER_SEC;

  if ((customers != NULL &&
       !aud_cli_parse_count ("--customers", customers, AUD_DEMO_MAX_CUSTOMERS,
                             &task.options.n_customers, &error)) ||
      (events != NULL &&
       !aud_cli_parse_count ("--events", events, AUD_DEMO_MAX_EVENTS,
                             &task.options.n_events, &error)) ||
      (seed != NULL &&
       !aud_cli_parse_count ("--seed", seed, G_MAXINT64, &task.options.seed, &error)) ||
      (now != NULL &&
       !aud_cli_parse_time ("--now", now, NULL, &task.options.now, &error)))
    return aud_cli_usage_error (command, error->message);

  if (workspace != NULL && g_file_test (workspace, G_FILE_TEST_EXISTS))
    {
      aud_cli_print_error (_("The file already exists"), workspace);
      return AUD_CLI_EXIT_FAILURE;
    }

  dir = argv[1];
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved_errno = errno;

      aud_cli_print_error (g_strerror (saved_errno), dir);
      return AUD_CLI_EXIT_FAILURE;
    }

  task.customers_path = g_build_filename (dir, "customers.csv", NULL);
  task.events_path = g_build_filename (dir, "events.csv", NULL);
  if (workspace != NULL)
    {
      task.workspace = workspace;
      task.progress = aud_progress_new ();
      g_signal_connect (task.progress, "notify::fraction",
                        G_CALLBACK (on_progress_notify_cb), &task);
    }

  if (aud_cli_run_task (write_demo, &task, &error))
    {
      aud_cli_progress_done ();
      print_result (&task, json);
      status = AUD_CLI_EXIT_OK;
    }
  else
    {
      aud_cli_progress_done ();
      status = aud_cli_fail (error, task.workspace != NULL &&
                                    !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
                                    g_file_test (task.events_path, G_FILE_TEST_EXISTS) ?
                                    task.workspace : dir);
    }

  g_free (task.customers_path);
  g_free (task.events_path);
  g_clear_object (&task.progress);
  g_clear_pointer (&task.customers_summary, aud_import_summary_free);
  g_clear_pointer (&task.events_summary, aud_import_summary_free);

  return status;
}
