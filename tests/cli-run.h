/* cli-run.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Running the built audiences-cli (env AUD_CLI) from the CLI tests. */

typedef struct
{
  int   status;  /* exit status, or -1 when killed by a signal */
  char *out;
  char *err;
} CliRun;

void cli_run_clear (CliRun             *run);

/* Runs audiences-cli with @args (NULL-terminated) in @dir (created if
 * missing), with @envp (NULL: this environment). Asserts that it could be
 * started; logs stderr when the exit status is not 0. */
void cli_run_argv  (CliRun             *run,
                    const char         *dir,
                    char              **envp,
                    const char * const *args);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

G_END_DECLS
