/* cli-import.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-importer.h"
#include "aud-value.h"
#include "cli-util.h"

/* How many imports `info` lists. */
#define INFO_IMPORTS 10

/* import ------------------------------------------------------------------ */

typedef struct
{
  AudStore         *store;
  const char       *path;
  AudImportMapping *mapping;
  AudProgress      *progress;
  AudImportSummary *summary;
} ImportTask;

static gboolean
run_import (gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ImportTask *task = data;

  task->summary = aud_importer_run (task->store, task->path, task->mapping, cancellable,
                                    task->progress, error);

  return task->summary != NULL;
}

static void
on_progress_notify_cb (AudProgress *progress,
                       GParamSpec  *pspec,
                       gpointer     user_data)
{
  g_autofree char *message = aud_progress_dup_message (progress);

  aud_cli_progress (message != NULL ? message : _("Importing…"),
                    (guint64)(aud_progress_get_fraction (progress) * 1000), 1000);
}

/* The entry of column @name, or NULL with @error set. */
static AudImportColumn *
find_column (AudImportMapping *mapping,
             const char       *name,
             GError          **error)
{
  AudImportColumn *column = aud_import_mapping_get_column (mapping, name);

  if (column == NULL)
    g_set_error (error, AUD_IMPORTER_ERROR, AUD_IMPORTER_ERROR_MAPPING,
                 _("The file has no column “%s”"), name);

  return column;
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

typedef struct
{
  const char  *as;
  const char  *id;
  const char  *customer;
  const char  *event;
  const char  *event_name;
  const char  *time;
  gboolean     no_id;
  gboolean     create_customers;
  const char  *customer_fields;
  char       **types;
  char       **skips;
} ImportFlags;

/* Applies the flags to the preview's mapping. FALSE with @error set
 * (G_OPTION_ERROR for a malformed flag, else AUD_IMPORTER_ERROR_MAPPING). */
static gboolean
apply_flags (AudImportMapping  *mapping,
             const ImportFlags *flags,
             GError           **error)
{
  const char *customer = flags->customer != NULL ? flags->customer : flags->id;

  if (customer != NULL)
    replace_string (&mapping->id_column, customer);
  if (flags->no_id)
    g_clear_pointer (&mapping->id_column, g_free);

  if (flags->event != NULL)
    {
      replace_string (&mapping->event_column, flags->event);
      g_clear_pointer (&mapping->event_name, g_free);
    }
  if (flags->event_name != NULL)
    {
      replace_string (&mapping->event_name, flags->event_name);
      g_clear_pointer (&mapping->event_column, g_free);
    }
  if (flags->time != NULL)
    replace_string (&mapping->time_column, flags->time);

  mapping->create_customers = flags->create_customers;

  if (flags->customer_fields != NULL)
    {
      g_auto(GStrv) names = g_strsplit (flags->customer_fields, ",", -1);

      for (guint i = 0; names[i] != NULL; i++)
        {
          AudImportColumn *column = find_column (mapping, g_strstrip (names[i]), error);

          if (column == NULL)
            return FALSE;
          column->profile = TRUE;
        }
    }

  for (guint i = 0; flags->types != NULL && flags->types[i] != NULL; i++)
    {
      const char *equal = strrchr (flags->types[i], '=');
      g_autofree char *name = NULL;
      AudImportColumn *column;
      AudFieldType type;

      if (equal == NULL || equal == flags->types[i] ||
          !aud_field_type_from_string (equal + 1, &type))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       /* Translators: do not translate the option and the type names */
                       _("Invalid value “%s” for --type (COLUMN=TYPE, TYPE one of text, "
                         "category, integer, decimal, date, datetime, boolean)"),
                       flags->types[i]);
          return FALSE;
        }

      name = g_strndup (flags->types[i], equal - flags->types[i]);
      column = find_column (mapping, name, error);
      if (column == NULL)
        return FALSE;

      if (column->format.type != AUD_FIELD_DECIMAL)
        column->format.scale = 0;
      column->format.type = type;
    }

  for (guint i = 0; flags->skips != NULL && flags->skips[i] != NULL; i++)
    {
      AudImportColumn *column = find_column (mapping, flags->skips[i], error);

      if (column == NULL)
        return FALSE;
      column->skip = TRUE;
    }

  return TRUE;
}

/* A summary as a JSON object (for import --json and info --json). */
static void
add_summary (JsonBuilder            *builder,
             const AudImportSummary *summary,
             gboolean                full)
{
  g_autofree char *started = summary->started > 0 ?
                             aud_value_format_datetime (summary->started) : NULL;

  json_builder_begin_object (builder);
  aud_cli_json_add_int (builder, "id", summary->import_id);
  aud_cli_json_add_string (builder, "kind", aud_import_kind_to_string (summary->kind));
  aud_cli_json_add_string (builder, "file", summary->file);
  aud_cli_json_add_int (builder, "size", summary->size);
  aud_cli_json_add_string (builder, "sha256", summary->sha256);
  aud_cli_json_add_string (builder, "started", started);
  aud_cli_json_add_int (builder, "duration_ms", summary->duration_ms);
  aud_cli_json_add_int (builder, "rows_read", summary->rows_read);
  aud_cli_json_add_int (builder, "rows_inserted", summary->rows_inserted);
  aud_cli_json_add_int (builder, "rows_updated", summary->rows_updated);
  aud_cli_json_add_int (builder, "rows_rejected", summary->rows_rejected);
  aud_cli_json_add_int (builder, "rows_unknown_customer", summary->rows_unknown_customer);

  if (full)
    {
      aud_cli_json_add_int (builder, "unknown_customers", summary->unknown_customers);
      aud_cli_json_add_int (builder, "customers_created", summary->customers_created);
      aud_cli_json_add_int (builder, "events_linked", summary->events_linked);
      json_builder_set_member_name (builder, "ids_from_row_numbers");
      json_builder_add_boolean_value (builder, summary->ids_from_row_numbers);
      aud_cli_json_add_int (builder, "data_version", summary->data_version);

      json_builder_set_member_name (builder, "rejects");
      json_builder_begin_array (builder);
      for (guint i = 0; i < summary->reject_groups->len; i++)
        {
          AudRejectGroup *group = summary->reject_groups->pdata[i];

          json_builder_begin_object (builder);
          aud_cli_json_add_string (builder, "reason", group->reason);
          aud_cli_json_add_int (builder, "rows", group->count);
          aud_cli_json_add_int (builder, "first_line", group->first_line);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->notes->len; i++)
    json_builder_add_string_value (builder, summary->notes->pdata[i]);
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

/* audiences-cli import WORKSPACE FILE: one file into a workspace (created
 * when missing), as customers or events. */
int
aud_cli_import (const AudCliCommand *command,
                int                  argc,
                char               **argv)
{
  ImportFlags flags = { 0, };
  g_autofree char *as = NULL;
  g_autofree char *id = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *event = NULL;
  g_autofree char *event_name = NULL;
  g_autofree char *time = NULL;
  g_autofree char *delimiter = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *format = NULL;
  g_autofree char *customer_fields = NULL;
  g_auto(GStrv) blanks = NULL;
  g_auto(GStrv) types = NULL;
  g_auto(GStrv) skips = NULL;
  gboolean no_header = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &as,
      N_("Import as customers or events (default: guessed from the columns)"),
      N_("customers|events") },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id,
      N_("Customers: the customer id column (default: guessed)"), N_("COLUMN") },
    { "no-id", 0, 0, G_OPTION_ARG_NONE, &flags.no_id,
      N_("Customers: the file has no id column; number the customers by row"), NULL },
    { "customer", 0, 0, G_OPTION_ARG_STRING, &customer,
      N_("Events: the customer id column"), N_("COLUMN") },
    { "event", 0, 0, G_OPTION_ARG_STRING, &event,
      N_("Events: the event name column"), N_("COLUMN") },
    { "event-name", 0, 0, G_OPTION_ARG_STRING, &event_name,
      N_("Events: one event name for every row (e.g. purchase)"), N_("NAME") },
    { "time", 0, 0, G_OPTION_ARG_STRING, &time,
      N_("Events: the time column"), N_("COLUMN") },
    { "create-customers", 0, 0, G_OPTION_ARG_NONE, &flags.create_customers,
      N_("Events: a customer id that is not a customer becomes a new customer"), NULL },
    { "customer-fields", 0, 0, G_OPTION_ARG_STRING, &customer_fields,
      N_("Events with --create-customers: columns that become profile fields of the "
         "new customers"), N_("A,B,…") },
    { "type", 0, 0, G_OPTION_ARG_STRING_ARRAY, &types,
      N_("The type of a column: text, category, integer, decimal, date, datetime or "
         "boolean (repeatable)"), N_("COLUMN=TYPE") },
    { "skip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &skips,
      N_("Do not import this column (repeatable)"), N_("COLUMN") },
    { "blank", 0, 0, G_OPTION_ARG_STRING_ARRAY, &blanks,
      N_("A text that means blank, like NA or n/a (repeatable)"), N_("MARKER") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_("File format: csv, json or jsonl (default: detected)"), N_("FORMAT") },
    { "delimiter", 0, 0, G_OPTION_ARG_STRING, &delimiter,
      N_("CSV delimiter: a character, or tab, comma, semicolon, pipe (default: detected)"),
      N_("D") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding,
      N_("Encoding: utf-8, utf-16le, utf-16be or windows-1252 (default: detected)"),
      N_("ENCODING") },
    { "no-header", 0, 0, G_OPTION_ARG_NONE, &no_header,
      N_("The first CSV row is data, not column names"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the summary as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudImportPreview) preview = NULL;
  g_autoptr(AudImportMapping) mapping = NULL;
  g_autoptr(AudProgress) progress = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AudReadOptions read = AUD_READ_OPTIONS_INIT;
  AudImportKind kind;
  ImportTask task = { 0, };
  const char *workspace;
  const char *path;
  gboolean ok;

  g_option_context_set_description (context,
                                    _("Customers are added or updated by their id; a blank "
                                      "cell clears the stored value. Events need a customer "
                                      "column, a time column and an event name column or "
                                      "--event-name; every other column becomes an event "
                                      "property. Rows that cannot be imported are kept in the "
                                      "workspace: see the rejects command. WORKSPACE is created "
                                      "when missing."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 3)
    return aud_cli_usage_error (command, _("Expected two arguments, the workspace and the file"));
  workspace = argv[1];
  path = argv[2];

  if (as != NULL && !aud_import_kind_from_string (as, &kind))
    return aud_cli_usage_error (command, _("--as must be customers or events"));
  if (event != NULL && event_name != NULL)
    return aud_cli_usage_error (command, _("Give --event or --event-name, not both"));
  if (id != NULL && flags.no_id)
    return aud_cli_usage_error (command, _("Give --id or --no-id, not both"));
  if (customer_fields != NULL && !flags.create_customers)
    return aud_cli_usage_error (command, _("--customer-fields needs --create-customers"));
  if (delimiter != NULL && !aud_cli_parse_delimiter (delimiter, &read.delimiter, &error))
    return aud_cli_usage_error (command, error->message);
  if (encoding != NULL && !aud_encoding_from_string (encoding, &read.encoding))
    return aud_cli_usage_error (command, _("--encoding must be utf-8, utf-16le, utf-16be or "
                                           "windows-1252"));
  if (format != NULL && !aud_file_format_from_string (format, &read.format))
    return aud_cli_usage_error (command, _("--format must be csv, json or jsonl"));
  if (no_header)
    read.header = AUD_HEADER_NO;

  preview = aud_import_preview_new (path, &read, (const char * const *)blanks, 1, NULL, &error);
  if (preview == NULL)
    return aud_cli_fail (error, path);

  if (as == NULL)
    {
      kind = preview->kind;
      if (customer != NULL || event != NULL || event_name != NULL || time != NULL ||
          flags.create_customers)
        kind = AUD_IMPORT_EVENTS;
    }

  flags.id = id;
  flags.customer = customer;
  flags.event = event;
  flags.event_name = event_name;
  flags.time = time;
  flags.customer_fields = customer_fields;
  flags.types = types;
  flags.skips = skips;

  mapping = aud_import_preview_dup_mapping (preview, kind);
  if (!apply_flags (mapping, &flags, &error))
    {
      if (error->domain == G_OPTION_ERROR)
        return aud_cli_usage_error (command, error->message);
      return aud_cli_fail (error, path);
    }

  if (!aud_import_mapping_check (mapping,
                                 preview->complete || preview->sniff->format == AUD_FILE_FORMAT_CSV ?
                                 (const char * const *)preview->columns : NULL,
                                 &error))
    return aud_cli_fail (error, path);

  store = aud_cli_open_workspace (workspace, AUD_STORE_OPEN_CREATE);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  progress = aud_progress_new ();
  g_signal_connect (progress, "notify::fraction", G_CALLBACK (on_progress_notify_cb), NULL);

  task.store = store;
  task.path = path;
  task.mapping = mapping;
  task.progress = progress;

  ok = aud_cli_run_task (run_import, &task, &error);
  aud_cli_progress_done ();

  if (!ok)
    return aud_cli_fail (error, path);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      add_summary (builder, task.summary, TRUE);
      root = json_builder_get_root (builder);
      aud_cli_print_json (root);
    }
  else
    {
      g_autofree char *text = aud_import_summary_to_text (task.summary);

      g_print ("%s", text);
    }

  aud_import_summary_free (task.summary);

  return AUD_CLI_EXIT_OK;
}

/* info -------------------------------------------------------------------- */

static gint64
count_rows (AudStore   *store,
            const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;

  return sqlite3_column_int64 (stmt, 0);
}

static void
add_fields (JsonBuilder *builder,
            GPtrArray   *fields)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < fields->len; i++)
    {
      AudField *field = fields->pdata[i];

      json_builder_begin_object (builder);
      aud_cli_json_add_string (builder, "name", field->name);
      aud_cli_json_add_string (builder, "type", aud_field_type_to_string (field->type));
      aud_cli_json_add_string (builder, "role", aud_field_role_to_string (field->role));
      if (field->type == AUD_FIELD_DECIMAL)
        aud_cli_json_add_int (builder, "scale", field->scale);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_fields (const char *title,
              GPtrArray  *fields)
{
  int width = 0;

  g_print ("\n%s (%u)\n", title, fields->len);

  for (guint i = 0; i < fields->len; i++)
    width = MAX (width, (int)g_utf8_strlen (((AudField *)fields->pdata[i])->name, -1));

  for (guint i = 0; i < fields->len; i++)
    {
      AudField *field = fields->pdata[i];
      int pad = width - (int)g_utf8_strlen (field->name, -1);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "  %s%*s  %-8s", field->name, pad, "",
                              aud_field_type_to_string (field->type));
      if (field->type == AUD_FIELD_DECIMAL)
        {
          g_string_append (line, "  ");
          g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "(%u decimal)",
                                                     "(%u decimals)", field->scale),
                                  field->scale);
        }
      if (field->role != AUD_ROLE_NONE)
        g_string_append_printf (line, "  %s", aud_field_role_to_string (field->role));

      g_print ("%s\n", g_strchomp (line->str));
    }
}

/* audiences-cli info WORKSPACE: what a workspace holds. */
int
aud_cli_info (const AudCliCommand *command,
              int                  argc,
              char               **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) properties = NULL;
  g_autoptr(GPtrArray) imports = NULL;
  g_autoptr(sqlite3_stmt) names = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n_customers, n_events, n_unlinked, version;
  const char *path;

  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 2)
    return aud_cli_usage_error (command, _("Expected one argument, the workspace"));
  path = argv[1];

  store = aud_cli_open_workspace (path, AUD_STORE_OPEN_READ_ONLY);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  n_customers = aud_store_count_customers (store);
  n_events = aud_store_count_events (store);
  n_unlinked = count_rows (store, "SELECT count(*) FROM events WHERE customer IS NULL");
  version = aud_store_get_data_version (store);
  fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
  properties = aud_store_list_fields (store, AUD_SCOPE_EVENT);

  imports = aud_importer_list_imports (store, INFO_IMPORTS, &error);
  if (imports == NULL)
    return aud_cli_fail (error, path);

  names = aud_store_prepare (store,
                             "SELECT n.name, (SELECT count(*) FROM events AS e WHERE e.name = n.id) "
                             "FROM event_names AS n ORDER BY n.name",
                             &error);
  if (names == NULL)
    return aud_cli_fail (error, path);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      aud_cli_json_add_string (builder, "workspace", path);
      aud_cli_json_add_int (builder, "customers", n_customers);
      aud_cli_json_add_int (builder, "events", n_events);
      aud_cli_json_add_int (builder, "events_without_customer", n_unlinked);
      aud_cli_json_add_int (builder, "data_version", version);
      json_builder_set_member_name (builder, "fields");
      add_fields (builder, fields);
      json_builder_set_member_name (builder, "event_properties");
      add_fields (builder, properties);

      json_builder_set_member_name (builder, "event_names");
      json_builder_begin_array (builder);
      while (sqlite3_step (names) == SQLITE_ROW)
        {
          json_builder_begin_object (builder);
          aud_cli_json_add_string (builder, "name", (const char *)sqlite3_column_text (names, 0));
          aud_cli_json_add_int (builder, "events", sqlite3_column_int64 (names, 1));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "imports");
      json_builder_begin_array (builder);
      for (guint i = 0; i < imports->len; i++)
        add_summary (builder, imports->pdata[i], FALSE);
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      aud_cli_print_json (root);
      return AUD_CLI_EXIT_OK;
    }

  {
    g_autofree char *customers = aud_value_format_count (n_customers);
    g_autofree char *events = aud_value_format_count (n_events);
    g_autofree char *unlinked = aud_value_format_count (n_unlinked);

    g_print (_("Workspace: %s"), path);
    g_print ("\n");
    g_print (_("Customers: %s"), customers);
    g_print ("\n");
    if (n_unlinked > 0)
      /* Translators: "Events: 541,909 (12 without a customer)" */
      g_print (_("Events: %s (%s without a customer)"), events, unlinked);
    else
      g_print (_("Events: %s"), events);
    g_print ("\n");
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, version);

      g_print (_("Data version: %s"), text);
    }
    g_print ("\n");
  }

  print_fields (_("Customer fields"), fields);
  print_fields (_("Event properties"), properties);

  g_print ("\n%s\n", _("Event names"));
  while (sqlite3_step (names) == SQLITE_ROW)
    {
      g_autofree char *count = aud_value_format_count (sqlite3_column_int64 (names, 1));

      g_print ("  %s  %s\n", (const char *)sqlite3_column_text (names, 0), count);
    }

  g_print ("\n%s\n", _("Last imports"));
  for (guint i = 0; i < imports->len; i++)
    {
      AudImportSummary *summary = imports->pdata[i];
      g_autofree char *started = aud_value_format_datetime (summary->started);
      g_autofree char *base = g_path_get_basename (summary->file);
      g_autofree char *read = aud_value_format_count (summary->rows_read);
      g_autofree char *inserted = aud_value_format_count (summary->rows_inserted);
      g_autofree char *updated = aud_value_format_count (summary->rows_updated);
      g_autofree char *rejected = aud_value_format_count (summary->rows_rejected);
      g_autofree char *unknown = aud_value_format_count (summary->rows_unknown_customer);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, summary->import_id);

      if (summary->kind == AUD_IMPORT_CUSTOMERS)
        /* Translators: "#1 2026-11-28T14:00:00Z customers telco.csv: 7,043 rows read,
         * 7,043 new, 0 updated, 0 rejected" */
        g_print (_("  #%s %s customers %s: %s rows read, %s new, %s updated, %s rejected"),
                 id, started, base, read, inserted, updated, rejected);
      else
        /* Translators: "#2 2026-11-28T14:00:00Z events retail.csv: 541,909 rows read,
         * 406,829 imported (12 of unknown customers), 135,080 rejected" */
        g_print (_("  #%s %s events %s: %s rows read, %s imported (%s of unknown customers), "
                   "%s rejected"),
                 id, started, base, read, inserted, unknown, rejected);
      g_print ("\n");
    }

  return AUD_CLI_EXIT_OK;
}

/* rejects ----------------------------------------------------------------- */

typedef struct
{
  gboolean csv;
  gboolean all;
  guint64  n;
} RejectsOutput;

/* One CSV field, quoted when it has to be (RFC 4180). */
static void
print_csv_field (const char *text,
                 gboolean    last)
{
  if (text == NULL)
    text = "";

  if (strpbrk (text, ",\"\r\n") == NULL)
    g_print ("%s", text);
  else
    {
      g_autoptr(GString) quoted = g_string_new ("\"");

      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (quoted, '"');
          g_string_append_c (quoted, *p);
        }
      g_string_append_c (quoted, '"');
      g_print ("%s", quoted->str);
    }

  g_print (last ? "\r\n" : ",");
}

static gboolean
print_reject_cb (const AudReject *reject,
                 gpointer         user_data)
{
  RejectsOutput *output = user_data;

  output->n++;

  if (output->csv)
    {
      char number[32];

      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, reject->import_id);
      print_csv_field (number, FALSE);
      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, reject->line);
      print_csv_field (number, FALSE);
      print_csv_field (reject->reason, FALSE);
      print_csv_field (reject->raw, TRUE);
      return TRUE;
    }

  g_autofree char *import_id = g_strdup_printf ("%" G_GINT64_FORMAT, reject->import_id);
  g_autofree char *line = g_strdup_printf ("%" G_GUINT64_FORMAT, reject->line);

  if (output->all)
    /* Translators: "Import 2, line 5: CustomerID is blank" */
    g_print (_("Import %s, line %s: %s"), import_id, line, reject->reason);
  else
    /* Translators: "Line 5: CustomerID is blank" */
    g_print (_("Line %s: %s"), line, reject->reason);
  g_print ("\n");

  if (reject->raw != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (reject->raw, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        g_print ("    %s\n", lines[i]);
    }

  return TRUE;
}

/* audiences-cli rejects WORKSPACE: the rows imports could not import. */
int
aud_cli_rejects (const AudCliCommand *command,
                 int                  argc,
                 char               **argv)
{
  g_autofree char *import = NULL;
  gboolean csv = FALSE;
  const GOptionEntry entries[] = {
    { "import", 0, 0, G_OPTION_ARG_STRING, &import,
      N_("Only the rows of this import (see the info command; default: all imports)"),
      N_("ID") },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv,
      N_("Print CSV: import, line, reason, raw"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, entries);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  RejectsOutput output = { 0, };
  guint64 import_id = 0;
  const char *path;

  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 2)
    return aud_cli_usage_error (command, _("Expected one argument, the workspace"));
  path = argv[1];

  if (import != NULL &&
      (!aud_cli_parse_count ("--import", import, G_MAXINT64, &import_id, &error) ||
       import_id == 0))
    return aud_cli_usage_error (command, error != NULL ? error->message :
                                _("--import must be an import id from the info command"));

  store = aud_cli_open_workspace (path, AUD_STORE_OPEN_READ_ONLY);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  output.csv = csv;
  output.all = import_id == 0;

  if (csv)
    g_print ("import,line,reason,raw\r\n");

  if (!aud_importer_foreach_reject (store, import_id, print_reject_cb, &output, &error))
    return aud_cli_fail (error, path);

  if (!csv && output.n == 0)
    {
      g_print (_("No rows were rejected"));
      g_print ("\n");
    }

  return AUD_CLI_EXIT_OK;
}
