/* cli-export.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-engine.h"
#include "aud-exporter.h"
#include "aud-value.h"
#include "cli-util.h"

typedef struct
{
  AudStore         *store;
  AudSegment       *segment;
  gint64            now;
  const char       *output;
  AudExportOptions  options;
  AudProgress      *progress;       /* main thread */
  const char       *phase;          /* atomic; a static string */
  guint64           n_members;
  AudExportSummary *summary;
} ExportTask;

static void
on_progress_notify_cb (AudProgress *progress,
                       GParamSpec  *pspec,
                       ExportTask  *task)
{
  aud_cli_progress (g_atomic_pointer_get (&task->phase),
                    aud_progress_get_fraction (progress) * 1000, 1000);
}

static gboolean
run_export (gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ExportTask *task = data;
  g_autoptr(AudEngine) engine = aud_engine_new ();
  roaring_bitmap_t *members;

  g_atomic_pointer_set (&task->phase, _("Finding the members…"));
  members = aud_engine_evaluate (engine, task->store, task->segment, task->now, cancellable,
                                 error);
  if (members == NULL)
    return FALSE;

  task->n_members = roaring_bitmap_get_cardinality (members);
  g_atomic_pointer_set (&task->phase, _("Exporting…"));
  task->summary = aud_exporter_run (task->store, members, task->output, &task->options,
                                    task->progress, cancellable, error);
  roaring_bitmap_free (members);

  return task->summary != NULL;
}

static void
print_summary (const ExportTask *task,
               gboolean          json)
{
  const AudExportSummary *s = task->summary;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, s->file);
      aud_cli_json_add_int (builder, "bytes", s->bytes);
      aud_cli_json_add_int (builder, "members", task->n_members);
      aud_cli_json_add_int (builder, "written", s->n_written);
      aud_cli_json_add_int (builder, "unconsented", s->n_unconsented);
      aud_cli_json_add_int (builder, "merged", s->n_merged);
      aud_cli_json_add_int (builder, "suppressed", s->n_suppressed);
      aud_cli_json_add_int (builder, "no_identifier", s->n_no_identifier);
      aud_cli_json_add_int (builder, "bad_phones", s->n_bad_phones);
      aud_cli_json_add_int (builder, "bad_emails", s->n_bad_emails);
      if (task->options.changes != AUD_EXPORT_CHANGES_ALL)
        {
          json_builder_set_member_name (builder, "changes");
          json_builder_add_string_value (builder,
                                         aud_export_changes_to_string (task->options.changes));
          aud_cli_json_add_int (builder, "previous", s->n_previous);
        }
      if (s->export_id > 0)
        aud_cli_json_add_int (builder, "export_id", s->export_id);
      json_builder_set_member_name (builder, "warnings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < s->warnings->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (s->warnings, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      aud_cli_print_json (root);
    }
  else
    {
      g_autofree char *written = aud_value_format_count (s->n_written);
      g_autofree char *members = aud_value_format_count (task->n_members);
      g_autofree char *unconsented = aud_value_format_count (s->n_unconsented);
      g_autofree char *merged = aud_value_format_count (s->n_merged);
      g_autofree char *suppressed = aud_value_format_count (s->n_suppressed);
      g_autofree char *no_identifier = aud_value_format_count (s->n_no_identifier);

      /* Translators: "Wrote 5 of 8 members to out.csv; left out: 1 without
       * consent, 1 merged as a duplicate, 0 suppressed, 1 without an
       * identifier" */
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Wrote %s of %s member to %s; left out: %s without consent, %s merged "
                            "as duplicates, %s suppressed, %s without an identifier",
                            "Wrote %s of %s members to %s; left out: %s without consent, %s "
                            "merged as duplicates, %s suppressed, %s without an identifier",
                            task->n_members),
               written, members, s->file,
               task->options.include_unconsented ? "0" : unconsented,
               merged, suppressed, no_identifier);
      g_print ("\n");

      if (s->n_bad_phones > 0)
        {
          g_autofree char *n = aud_value_format_count (s->n_bad_phones);

          g_print (g_dngettext (GETTEXT_PACKAGE,
                                "%s phone number could not be normalised and was left blank",
                                "%s phone numbers could not be normalised and were left blank",
                                s->n_bad_phones), n);
          g_print ("\n");
        }
      if (s->n_bad_emails > 0)
        {
          g_autofree char *n = aud_value_format_count (s->n_bad_emails);

          g_print (g_dngettext (GETTEXT_PACKAGE,
                                "%s email address is not valid and was left blank",
                                "%s email addresses are not valid and were left blank",
                                s->n_bad_emails), n);
          g_print ("\n");
        }
    }

  for (guint i = 0; i < s->warnings->len; i++)
    aud_cli_print_error (g_ptr_array_index (s->warnings, i), NULL);
}

/* audiences-cli export WORKSPACE SEGMENT -o FILE: the members of a segment
 * to a file, in the layout of a preset. */
int
aud_cli_export (const AudCliCommand *command,
                int                  argc,
                char               **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *format = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *delimiter = NULL;
  g_autofree char *suppress = NULL;
  g_autofree char *changes = NULL;
  g_autofree char *now = NULL;
  gboolean bom = FALSE;
  gboolean crlf = FALSE;
  gboolean include_unconsented = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The file to write (replaced only once the export is complete)"), N_("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      N_("csv, json or jsonl (default csv)"), N_("FORMAT") },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset,
      N_("generic, mailchimp, klaviyo, braze, sms, meta, meta-plain, google or google-plain "
         "(default generic)"), N_("NAME") },
    { "columns", 'c', 0, G_OPTION_ARG_STRING, &columns,
      N_("Fields to export, comma-separated (customer_id is the customer id; "
         "Header=field renames); with a preset, added after its columns"), N_("A,B,C") },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom,
      N_("Start a CSV file with a byte order mark (for spreadsheets)"), NULL },
    { "crlf", 0, 0, G_OPTION_ARG_NONE, &crlf,
      N_("End CSV lines with CR LF"), NULL },
    { "delimiter", 'd', 0, G_OPTION_ARG_STRING, &delimiter,
      N_("CSV delimiter: one character, or “tab” (default ,)"), N_("D") },
    { "suppress", 0, 0, G_OPTION_ARG_FILENAME, &suppress,
      N_("Leave out the emails, phone numbers or customer ids listed in this file"), N_("FILE") },
    { "changes", 0, 0, G_OPTION_ARG_STRING, &changes,
      N_("Only those added or removed since the last export of this segment with this "
         "preset"), N_("added|removed") },
    { "include-unconsented", 0, 0, G_OPTION_ARG_NONE, &include_unconsented,
      N_("Also export customers without the preset’s consent"), NULL },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now,
      N_("Reference time for the segment (default: the workspace’s, or the current "
         "time)"), N_("TIME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudSegment) segment = NULL;
  g_autofree char *segment_name = NULL;
  ExportTask task = { 0, };
  int status;

  g_option_context_set_description (context,
                                    _("SEGMENT is a segment definition file or the name of a "
                                      "saved segment. Presets, their columns and rules: "
                                      "docs/EXPORT-PRESETS.md."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 3)
    return aud_cli_usage_error (command, _("Expected two arguments, the workspace and the "
                                           "segment"));
  if (output == NULL)
    return aud_cli_usage_error (command, _("Give the file to write with --output"));

  task.options = AUD_EXPORT_OPTIONS_INIT;
  task.options.bom = bom;
  task.options.crlf = crlf;
  task.options.include_unconsented = include_unconsented;

  if (format != NULL && !aud_export_format_from_string (format, &task.options.format))
    {
      g_autofree char *message = g_strdup_printf (_("Unknown format “%s” (csv, json or jsonl)"),
                                                  format);
      return aud_cli_usage_error (command, message);
    }

  if (preset != NULL && aud_preset_lookup (preset) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unknown preset “%s”"), preset);
      return aud_cli_usage_error (command, message);
    }

  if (changes != NULL &&
      (!aud_export_changes_from_string (changes, &task.options.changes) ||
       task.options.changes == AUD_EXPORT_CHANGES_ALL))
    {
      g_autofree char *message = g_strdup_printf (_("--changes is “added” or “removed”, not "
                                                    "“%s”"), changes);
      return aud_cli_usage_error (command, message);
    }

  if (delimiter != NULL &&
      !aud_cli_parse_delimiter (delimiter, &task.options.delimiter, &error))
    return aud_cli_usage_error (command, error->message);

  store = aud_cli_open_workspace (argv[1], AUD_STORE_OPEN_DEFAULT);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  task.now = aud_engine_get_default_now (store);
  if (now != NULL &&
      !aud_cli_parse_time ("--now", now, aud_store_get_timezone (store), &task.now, &error))
    return aud_cli_usage_error (command, error->message);

  segment = aud_cli_load_segment (store, argv[2], &segment_name, NULL);
  if (segment == NULL)
    return AUD_CLI_EXIT_FAILURE;

  task.store = store;
  task.segment = segment;
  task.output = output;
  task.options.preset = g_steal_pointer (&preset);
  task.options.suppress = g_steal_pointer (&suppress);
  task.options.segment_name = g_steal_pointer (&segment_name);
  task.options.definition = aud_segment_to_json (segment, FALSE);
  task.options.now = task.now;
  if (columns != NULL)
    {
      task.options.columns = g_strsplit (columns, ",", -1);
      for (guint i = 0; task.options.columns[i] != NULL; i++)
        g_strstrip (task.options.columns[i]);
    }

  task.progress = aud_progress_new ();
  g_signal_connect (task.progress, "notify::fraction", G_CALLBACK (on_progress_notify_cb), &task);

  if (aud_cli_run_task (run_export, &task, &error))
    {
      aud_cli_progress_done ();
      print_summary (&task, json);
      status = AUD_CLI_EXIT_OK;
    }
  else
    {
      aud_cli_progress_done ();
      /* File errors name the file already. */
      if (error->domain == G_IO_ERROR)
        status = aud_cli_fail (error, NULL);
      else if (error->domain == AUD_EXPORTER_ERROR)
        status = aud_cli_fail (error, output);
      else
        status = aud_cli_fail (error, argv[2]);
    }

  aud_export_options_clear (&task.options);
  g_clear_pointer (&task.summary, aud_export_summary_free);
  g_clear_object (&task.progress);

  return status;
}

/* audiences-cli exports WORKSPACE: the export log. */
int
aud_cli_exports (const AudCliCommand *command,
                 int                  argc,
                 char               **argv)
{
  g_autofree char *segment = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "segment", 's', 0, G_OPTION_ARG_STRING, &segment,
      N_("Only the exports of this segment"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the log as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 2)
    return aud_cli_usage_error (command, _("Expected one argument, the workspace"));

  store = aud_cli_open_workspace (argv[1], AUD_STORE_OPEN_READ_ONLY);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  records = aud_exporter_list (store, segment, &error);
  if (records == NULL)
    return aud_cli_fail (error, argv[1]);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < records->len; i++)
        {
          const AudExportRecord *r = g_ptr_array_index (records, i);
          g_autofree char *created = aud_value_format_datetime (r->created);
          g_autofree char *ref = aud_value_format_datetime (r->now);

          json_builder_begin_object (builder);
          aud_cli_json_add_int (builder, "id", r->id);
          json_builder_set_member_name (builder, "created");
          json_builder_add_string_value (builder, created);
          json_builder_set_member_name (builder, "segment");
          json_builder_add_string_value (builder, r->segment_name);
          json_builder_set_member_name (builder, "now");
          json_builder_add_string_value (builder, ref);
          json_builder_set_member_name (builder, "preset");
          json_builder_add_string_value (builder, r->preset);
          json_builder_set_member_name (builder, "format");
          json_builder_add_string_value (builder, r->format);
          json_builder_set_member_name (builder, "changes");
          json_builder_add_string_value (builder, r->changes);
          aud_cli_json_add_int (builder, "count", r->count);
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, r->file);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      root = json_builder_get_root (builder);
      aud_cli_print_json (root);
      return AUD_CLI_EXIT_OK;
    }

  if (records->len == 0)
    {
      g_print ("%s\n", _("No exports yet"));
      return AUD_CLI_EXIT_OK;
    }

  for (guint i = 0; i < records->len; i++)
    {
      const AudExportRecord *r = g_ptr_array_index (records, i);
      g_autofree char *created = aud_value_format_datetime (r->created);
      g_autofree char *count = aud_value_format_count (r->count);

      g_print ("%" G_GINT64_FORMAT "  %s  %s  %s %s %s  %s  %s\n", r->id, created,
               r->segment_name != NULL ? r->segment_name : "-", r->preset, r->format, r->changes,
               count, r->file);
    }

  return AUD_CLI_EXIT_OK;
}
