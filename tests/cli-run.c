/* cli-run.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "cli-run.h"

void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

void
cli_run_argv (CliRun             *run,
              const char         *dir,
              char              **envp,
              const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("AUD_CLI");
  int wait_status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer)cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  memset (run, 0, sizeof *run);
  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  g_assert_true (g_spawn_sync (dir, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);

  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (run->status != 0)
    g_test_message ("exit %d, stderr: %s", run->status, run->err);
}
