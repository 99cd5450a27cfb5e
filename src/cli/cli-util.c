/* cli-util.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <string.h>

#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "aud-value.h"
#include "cli-util.h"

void
aud_cli_print_error (const char *what,
                     const char *where)
{
  g_return_if_fail (what != NULL);

  if (where != NULL)
    g_printerr ("%s: %s: %s\n", AUD_CLI_NAME, what, where);
  else
    g_printerr ("%s: %s\n", AUD_CLI_NAME, what);
}

int
aud_cli_fail (const GError *error,
              const char   *where)
{
  g_return_val_if_fail (error != NULL, AUD_CLI_EXIT_FAILURE);

  aud_cli_print_error (error->message, where);
  return AUD_CLI_EXIT_FAILURE;
}

int
aud_cli_usage_error (const AudCliCommand *command,
                     const char          *what)
{
  g_return_val_if_fail (command != NULL, AUD_CLI_EXIT_USAGE);

  aud_cli_print_error (what, command->name);
  return AUD_CLI_EXIT_USAGE;
}

GOptionContext *
aud_cli_option_context_new (const AudCliCommand *command,
                            const GOptionEntry  *entries)
{
  GOptionContext *context;

  g_return_val_if_fail (command != NULL, NULL);

  context = g_option_context_new (command->parameters != NULL ? _(command->parameters) : NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

gboolean
aud_cli_parse_options (const AudCliCommand   *command,
                       GOptionContext        *context,
                       int                   *argc,
                       char                ***argv)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (command != NULL, FALSE);
  g_return_val_if_fail (context != NULL, FALSE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      aud_cli_usage_error (command, error->message);
      return FALSE;
    }

  return TRUE;
}

gboolean
aud_cli_parse_count (const char  *option_name,
                     const char  *text,
                     guint64      max,
                     guint64     *out,
                     GError     **error)
{
  g_return_val_if_fail (option_name != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL))
    {
      g_autofree char *max_text = aud_value_format_count (MIN (max, (guint64)G_MAXINT64));

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: "Invalid value “-5” for --customers (a whole number
                    * from 0 to 1,000,000,000)" */
                   _("Invalid value “%s” for %s (a whole number from 0 to %s)"),
                   text, option_name, max_text);
      return FALSE;
    }

  return TRUE;
}

gboolean
aud_cli_parse_time (const char  *option_name,
                    const char  *text,
                    GTimeZone   *tz,
                    gint64      *out,
                    GError     **error)
{
  g_autoptr(GTimeZone) utc = NULL;

  g_return_val_if_fail (option_name != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (tz == NULL)
    tz = utc = g_time_zone_new_utc ();

  if (!aud_value_parse_datetime (text, AUD_DATE_ORDER_YMD, tz, out))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: the example is ISO 8601, keep it as is */
                   _("Invalid time “%s” for %s (use a date or date and time such as "
                     "2025-01-31T12:00:00Z)"),
                   text, option_name);
      return FALSE;
    }

  return TRUE;
}

AudStore *
aud_cli_open_workspace (const char        *path,
                        AudStoreOpenFlags  flags)
{
  g_autoptr(GError) error = NULL;
  AudStore *store;

  g_return_val_if_fail (path != NULL, NULL);

  store = aud_store_open (path, flags, &error);
  if (store == NULL)
    aud_cli_fail (error, path);

  return store;
}

char *
aud_cli_format_percent (gint64 part,
                        gint64 whole)
{
  double share = whole != 0 ? 100.0 * (double)part / (double)whole : 0.0;

  /* Translators: a share of all customers, "0.53%" */
  return g_strdup_printf (_("%.2f%%"), share);
}

void
aud_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  g_return_if_fail (root != NULL);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

typedef struct
{
  AudCliTaskFunc  func;
  gpointer        data;
  GCancellable   *cancellable;
  GMainContext   *context;
  gboolean        ok;
  GError         *error;
  int             done;
} Task;

static gpointer
task_thread (gpointer user_data)
{
  Task *task = user_data;

  task->ok = task->func (task->data, task->cancellable, &task->error);
  g_assert (task->ok || task->error != NULL);

  g_atomic_int_set (&task->done, TRUE);
  g_main_context_wakeup (task->context);

  return NULL;
}

static gboolean
on_signal_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));

  return G_SOURCE_CONTINUE;
}

gboolean
aud_cli_run_task (AudCliTaskFunc   func,
                  gpointer         data,
                  GError         **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Task task = { 0 };
  GThread *thread;
  guint sigint_id;
  guint sigterm_id;

  g_return_val_if_fail (func != NULL, FALSE);

  task.func = func;
  task.data = data;
  task.cancellable = cancellable;
  task.context = g_main_context_default ();

  sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, cancellable);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, cancellable);

  thread = g_thread_new ("aud-cli-task", task_thread, &task);
  while (!g_atomic_int_get (&task.done))
    g_main_context_iteration (task.context, TRUE);
  g_thread_join (thread);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  /* Deliver what the worker queued last (progress notifications). */
  while (g_main_context_iteration (task.context, FALSE))
    ;

  if (!task.ok)
    g_propagate_error (error, task.error);

  return task.ok;
}

/* The percentage last shown, or -1. */
static int progress_shown = -1;

void
aud_cli_progress (const char *message,
                  guint64     done,
                  guint64     total)
{
  int percent;

  if (!isatty (STDERR_FILENO))
    return;

  percent = total > 0 ? (int)(MIN (done, total) * 100 / total) : 100;
  if (g_atomic_int_get (&progress_shown) == percent)
    return;

  g_atomic_int_set (&progress_shown, percent);
  g_printerr ("\r%s %d%%", message, percent);
}

void
aud_cli_progress_done (void)
{
  if (g_atomic_int_get (&progress_shown) < 0)
    return;

  g_atomic_int_set (&progress_shown, -1);
  g_printerr ("\r\033[K");
}

AudSegment *
aud_cli_load_segment (AudStore    *store,
                      const char  *arg,
                      char       **label,
                      char       **where)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = NULL;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (arg != NULL, NULL);

  if (g_file_test (arg, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      /* Not aud_segment_load(): its messages start with the path, which the
       * error line gives as WHERE. */
      if (!g_file_get_contents (arg, &contents, &length, &error) ||
          (segment = aud_segment_parse (contents, length, &error)) == NULL)
        {
          aud_cli_fail (error, arg);
          return NULL;
        }

      if (label != NULL && segment->name != NULL && segment->name[0] != '\0')
        *label = g_strdup (segment->name);
      else if (label != NULL)
        {
          g_autofree char *base = g_path_get_basename (arg);
          char *dot = strrchr (base, '.');

          if (dot != NULL && dot != base)
            *dot = '\0';
          *label = g_steal_pointer (&base);
        }
      if (where != NULL)
        *where = g_strdup (arg);

      return g_steal_pointer (&segment);
    }

  segment = aud_segment_lookup (store, arg, &error);
  if (segment == NULL)
    {
      if (g_error_matches (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME))
        aud_cli_print_error (_("No such file, and no saved segment of that name"), arg);
      else
        aud_cli_fail (error, aud_store_get_path (store));
      return NULL;
    }

  if (label != NULL)
    *label = g_strdup (arg);
  if (where != NULL)
    *where = g_strdup (aud_store_get_path (store));

  return g_steal_pointer (&segment);
}

gboolean
aud_cli_parse_delimiter (const char  *text,
                         char        *out,
                         GError     **error)
{
  static const struct {
    const char *name;
    char        delimiter;
  } names[] = {
    { "tab", '\t' }, { "\\t", '\t' }, { "comma", ',' }, { "semicolon", ';' }, { "pipe", '|' },
  };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (text, names[i].name) == 0)
        {
          *out = names[i].delimiter;
          return TRUE;
        }
    }

  if (strlen (text) == 1 && text[0] != '"' && (g_ascii_ispunct (text[0]) || text[0] == '\t'))
    {
      *out = text[0];
      return TRUE;
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--delimiter must be one punctuation character, or tab, comma, semicolon or "
                 "pipe, not “%s”"),
               text);
  return FALSE;
}

void
aud_cli_json_add_int (JsonBuilder *builder,
                      const char  *name,
                      gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
aud_cli_json_add_string (JsonBuilder *builder,
                         const char  *name,
                         const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
