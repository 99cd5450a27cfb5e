/* aud-demo-workspace.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-demo-workspace"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "aud-demo-workspace.h"
#include "aud-importer.h"
#include "aud-value.h"

/* Where the overall progress of one step lies: [base, base + span]. */
typedef struct
{
  AudProgress *outer;
  double       base;
  double       span;
  const char  *message;   /* static, translated */
} Step;

static void
step_free (Step *step)
{
  g_clear_object (&step->outer);
  g_free (step);
}

static void
write_progress_cb (guint64  n_done,
                   guint64  n_total,
                   gpointer user_data)
{
  Step *step = user_data;

  aud_progress_update (step->outer,
                       step->base + step->span * (n_total > 0 ? (double)n_done / n_total : 1.0),
                       -1, step->message);
}

/* Main thread: the importer's own progress, mapped into the step. */
static void
on_import_progress_notify_cb (AudProgress *inner,
                              GParamSpec  *pspec,
                              Step        *step)
{
  aud_progress_update (step->outer,
                       step->base + step->span * aud_progress_get_fraction (inner),
                       -1, step->message);
}

/* Imports one of the demo files with the columns it is known to have. */
static gboolean
import_demo_file (AudStore       *store,
                  const char     *path,
                  AudImportKind   kind,
                  Step           *step,
                  GCancellable   *cancellable,
                  GError        **error)
{
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(AudProgress) inner = aud_progress_new ();

  if (step->outer != NULL)
    {
      Step *copy = g_memdup2 (step, sizeof *step);

      g_object_ref (copy->outer);
      g_signal_connect_data (inner, "notify::fraction",
                             G_CALLBACK (on_import_progress_notify_cb),
                             copy, (GClosureNotify)(void (*) (void))step_free, 0);
    }

  summary = aud_demo_import_file (store, path, kind, inner, cancellable, error);

  return summary != NULL;
}

/* Writes the demo files into @dir and imports them into @store. */
static gboolean
fill_workspace (AudStore      *store,
                const char    *dir,
                AudProgress   *progress,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *customers_path = g_build_filename (dir, "customers.csv", NULL);
  g_autofree char *events_path = g_build_filename (dir, "events.csv", NULL);
  g_autofree char *now = NULL;
  AudDemoOptions options;
  Step step = { progress, 0.0, 0.0, NULL };
  gboolean ok;

  aud_demo_workspace_get_options (&options);
  now = aud_value_format_datetime (options.now);

  /* Counts in the demo are as of the time its data was made for. */
  if (!aud_store_set_meta (store, "name", _("Demo Workspace"), error) ||
      !aud_store_set_meta (store, "now", now, error))
    return FALSE;

  step.span = 0.25;
  step.message = _("Writing demo customers and events…");
  ok = aud_demo_write_csv (&options, customers_path, events_path, cancellable,
                           progress != NULL ? write_progress_cb : NULL, &step, error);

  if (ok)
    {
      step.base = 0.25;
      step.span = 0.10;
      step.message = _("Importing customers…");
      ok = import_demo_file (store, customers_path, AUD_IMPORT_CUSTOMERS, &step,
                             cancellable, error);
    }

  if (ok)
    {
      step.base = 0.35;
      step.span = 0.65;
      step.message = _("Importing events…");
      ok = import_demo_file (store, events_path, AUD_IMPORT_EVENTS, &step, cancellable, error);
    }

  g_remove (customers_path);
  g_remove (events_path);

  return ok;
}

/**
 * aud_demo_workspace_get_options:
 * @options: (out): the options
 *
 * What the demo workspace holds: 100,000 customers and 2,000,000 events
 * up to the start of today (UTC), or the numbers in the environment
 * variables `AUD_DEMO_CUSTOMERS` and `AUD_DEMO_EVENTS` (for tests and
 * quick tries).
 */
void
aud_demo_workspace_get_options (AudDemoOptions *options)
{
  const char *customers = g_getenv ("AUD_DEMO_CUSTOMERS");
  const char *events = g_getenv ("AUD_DEMO_EVENTS");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint64 n;

  g_return_if_fail (options != NULL);

  aud_demo_options_init (options);
  options->n_customers = 100000;
  options->n_events = 2000000;
  options->now = g_date_time_to_unix (now) - g_date_time_to_unix (now) % 86400;

  if (customers != NULL && g_ascii_string_to_unsigned (customers, 10, 1, AUD_DEMO_MAX_CUSTOMERS,
                                                       &n, NULL))
    options->n_customers = n;
  if (events != NULL && g_ascii_string_to_unsigned (events, 10, 0, AUD_DEMO_MAX_EVENTS, &n, NULL))
    options->n_events = n;
}

gboolean
aud_demo_workspace_create (const char    *path,
                           AudProgress   *progress,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *data_dir = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (progress == NULL || AUD_IS_PROGRESS (progress), FALSE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  tmp_path = g_strconcat (path, ".partial", NULL);
  if (!aud_store_delete_files (tmp_path, error))
    return FALSE;

  data_dir = g_dir_make_tmp ("audiences-demo-XXXXXX", error);
  if (data_dir == NULL)
    return FALSE;

  {
    g_autoptr(AudStore) store = aud_store_open (tmp_path, AUD_STORE_OPEN_CREATE, error);

    ok = store != NULL;
    if (ok)
      {
        aud_store_watch_cancellable (store, cancellable);
        ok = fill_workspace (store, data_dir, progress, cancellable, error) &&
             aud_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", error);
      }
  }

  if (ok && g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not move the demo workspace to %s: %s"), path,
                   g_strerror (saved_errno));
      ok = FALSE;
    }

  aud_store_delete_files (tmp_path, NULL);
  g_rmdir (data_dir);

  return ok;
}
