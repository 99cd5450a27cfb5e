/* audiences-cli.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "audiences-cli"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cli-util.h"

/* The commands, in the order --help lists them. To add one: write
 * cli-<name>.c with `int aud_cli_<name> (const AudCliCommand *, int, char **)`,
 * declare it in cli-util.h, add a row here and the file to meson.build. */
static const AudCliCommand commands[] = {
  { "create", N_("WORKSPACE"), N_("Create a new, empty workspace"), aud_cli_create },
  { "demo", N_("OUTPUT_DIR"), N_("Write demo customers and events as CSV files"), aud_cli_demo },
  { "import", N_("WORKSPACE FILE"), N_("Import a CSV or JSON file as customers or events"),
    aud_cli_import },
  { "info", N_("WORKSPACE"), N_("Show what a workspace holds: counts, fields, events, imports"),
    aud_cli_info },
  { "rejects", N_("WORKSPACE"), N_("List the rows that imports could not import"),
    aud_cli_rejects },
  { "export", N_("WORKSPACE SEGMENT"), N_("Export the members of a segment to a file"),
    aud_cli_export },
  { "exports", N_("WORKSPACE"), N_("List the exports made from a workspace"), aud_cli_exports },
  { "count", N_("WORKSPACE SEGMENT"), N_("Count the members of a segment"), aud_cli_count },
  { "overlap", N_("WORKSPACE SEGMENT SEGMENT…"), N_("Show how segments overlap"),
    aud_cli_overlap },
  { "members", N_("WORKSPACE SEGMENT"), N_("List the customer ids of a segment's members"),
    aud_cli_members },
  { "explain", N_("WORKSPACE SEGMENT"), N_("Show why a customer is or is not a member"),
    aud_cli_explain },
  { "segment", N_("SUBCOMMAND WORKSPACE …"), N_("Save, list, show, delete and combine segments"),
    aud_cli_segment },
  { "bench", N_("WORKSPACE SEGMENT_FILE…"), N_("Time segment counts and overlaps"),
    aud_cli_bench },
};

static const AudCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];

  return NULL;
}

static void
print_help (void)
{
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int)strlen (commands[i].name));

  g_print ("%s\n  %s %s\n\n", _("Usage:"), AUD_CLI_NAME, _("COMMAND [OPTION…]"));
  g_print ("%s\n\n", _("Work with Audiences workspaces without the graphical application."));
  g_print ("%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-*s  %s\n", width, commands[i].name, _(commands[i].summary));
  g_print ("\n");
  /* Translators: do not translate the command line in quotes */
  g_print (_("Run “%s COMMAND --help” for the options of a command."), AUD_CLI_NAME);
  g_print ("\n");
}

static int
run_command (const AudCliCommand *command,
             int                  argc,
             char               **argv)
{
  g_autofree char *prgname = g_strdup_printf ("%s %s", AUD_CLI_NAME, command->name);

  /* GOptionContext shows the program name in --help: make it
   * "audiences-cli create". */
  g_set_prgname (prgname);

  return command->run (command, argc, argv);
}

int
main (int   argc,
      char *argv[])
{
  const AudCliCommand *command;
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      aud_cli_print_error (_("No command given; “audiences-cli --help” lists the commands"),
                           NULL);
      return AUD_CLI_EXIT_USAGE;
    }

  name = argv[1];

  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      /* "audiences-cli help demo" is "audiences-cli demo --help". */
      if (argc > 2 && (command = find_command (argv[2])) != NULL)
        {
          char *help_argv[] = { argv[2], (char *)"--help", NULL };

          return run_command (command, 2, help_argv);
        }

      if (argc > 2)
        {
          aud_cli_print_error (_("Unknown command"), argv[2]);
          return AUD_CLI_EXIT_USAGE;
        }

      print_help ();
      return AUD_CLI_EXIT_OK;
    }

  if (strcmp (name, "--version") == 0)
    {
      g_print ("%s %s\n", AUD_CLI_NAME, PACKAGE_VERSION);
      return AUD_CLI_EXIT_OK;
    }

  command = find_command (name);
  if (command == NULL)
    {
      aud_cli_print_error (name[0] == '-' ? _("Unknown option") : _("Unknown command"), name);
      return AUD_CLI_EXIT_USAGE;
    }

  return run_command (command, argc - 1, argv + 1);
}
