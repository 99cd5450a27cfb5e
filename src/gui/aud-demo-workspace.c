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


static gboolean
fill_workspace (AudStore      *store,
                AudProgress   *progress,
                GCancellable  *cancellable,
                GError       **error)
{
  if (!aud_store_set_meta (store, "name", _("Demo Workspace"), error))
    return FALSE;

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
aud_workspace_delete_files (const char  *path,
                            GError     **error)
{
  static const char *suffixes[] = { "-wal", "-shm", "-journal", "" };

  g_return_val_if_fail (path != NULL, FALSE);

  /* The main file goes last: a stale -wal beside a new file would be
   * replayed into it. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      if (g_remove (name) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not delete %s: %s"), name, g_strerror (saved_errno));
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
aud_demo_workspace_create (const char    *path,
                           AudProgress   *progress,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp_path = NULL;
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
  if (!aud_workspace_delete_files (tmp_path, error))
    return FALSE;

  {
    g_autoptr(AudStore) store = aud_store_open (tmp_path, AUD_STORE_OPEN_CREATE, error);

    ok = store != NULL;
    if (ok)
      {
        aud_store_watch_cancellable (store, cancellable);
        ok = fill_workspace (store, progress, cancellable, error) &&
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

  aud_workspace_delete_files (tmp_path, NULL);

  return ok;
}
