/* cli-create.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "cli-util.h"

/* audiences-cli create WORKSPACE: a new, empty workspace. Never opens or
 * changes an existing file. */
int
aud_cli_create (const AudCliCommand *command,
                int                  argc,
                char               **argv)
{
  g_autoptr(GOptionContext) context = aud_cli_option_context_new (command, NULL);
  g_autoptr(AudStore) store = NULL;
  const char *path;

  g_option_context_set_description (context,
                                    _("Fails if WORKSPACE exists. The usual extension is "
                                      "“.audiences”."));
  if (!aud_cli_parse_options (command, context, &argc, &argv))
    return AUD_CLI_EXIT_USAGE;

  if (argc != 2)
    return aud_cli_usage_error (command, _("Expected one argument, the workspace to create"));

  path = argv[1];
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      aud_cli_print_error (_("The file already exists"), path);
      return AUD_CLI_EXIT_FAILURE;
    }

  store = aud_cli_open_workspace (path, AUD_STORE_OPEN_CREATE);
  if (store == NULL)
    return AUD_CLI_EXIT_FAILURE;

  g_print (_("Created the empty workspace %s"), path);
  g_print ("\n");

  return AUD_CLI_EXIT_OK;
}
