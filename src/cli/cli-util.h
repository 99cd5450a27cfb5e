/* cli-util.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aud-segment.h"
#include "aud-store.h"
#include "aud-value.h"

G_BEGIN_DECLS

/*
 * What every audiences-cli command shares: the command table entry, option
 * parsing, error output, exit codes, number formatting, JSON output and
 * running long work with Ctrl+C as cancel.
 *
 * Output rules: results go to stdout (a sentence, or JSON with --json);
 * errors go to stderr as one line, `audiences-cli: <what>: <where>`;
 * progress goes to stderr, only when it is a terminal.
 */

#define AUD_CLI_NAME "audiences-cli"

typedef enum
{
  AUD_CLI_EXIT_OK = 0,
  AUD_CLI_EXIT_FAILURE = 1,
  AUD_CLI_EXIT_USAGE = 2,
} AudCliExit;

typedef struct _AudCliCommand AudCliCommand;

/* Runs a command. @argv[0] is the command name, the rest its arguments.
 * Returns an AudCliExit value. */
typedef int (*AudCliCommandFunc) (const AudCliCommand *command,
                                  int                  argc,
                                  char               **argv);

/**
 * AudCliCommand:
 * @name: what is typed after `audiences-cli`
 * @parameters: N_() the positional arguments as shown in --help
 *   ("WORKSPACE"), or NULL
 * @summary: N_() one line for `audiences-cli --help` and the command's
 *   --help
 * @run: the command
 *
 * One entry of the command table in audiences-cli.c.
 */
struct _AudCliCommand
{
  const char        *name;
  const char        *parameters;
  const char        *summary;
  AudCliCommandFunc  run;
};

/* The commands, one per file: cli-<name>.c. */
int             aud_cli_create              (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_demo                (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
/* cli-import.c: import, info and rejects. */
int             aud_cli_import              (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_info                (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_rejects             (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_export              (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_exports             (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_count               (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_overlap             (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_members             (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_explain             (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_segment             (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);
int             aud_cli_bench               (const AudCliCommand *command,
                                             int                  argc,
                                             char               **argv);

/* Errors. print_error writes `audiences-cli: WHAT: WHERE` (or
 * `audiences-cli: WHAT` when @where is NULL) to stderr. */
void            aud_cli_print_error         (const char          *what,
                                             const char          *where);
/* Prints @error->message at @where; returns AUD_CLI_EXIT_FAILURE. */
int             aud_cli_fail                (const GError        *error,
                                             const char          *where);
/* Prints @what at the command's name; returns AUD_CLI_EXIT_USAGE. */
int             aud_cli_usage_error         (const AudCliCommand *command,
                                             const char          *what);

/* Options. The context has the command's parameters, summary and
 * @entries (NULL-terminated, may be NULL); --help prints and exits 0.
 * parse_options prints a usage error and returns FALSE on bad options. */
GOptionContext *aud_cli_option_context_new  (const AudCliCommand *command,
                                             const GOptionEntry  *entries);
gboolean        aud_cli_parse_options       (const AudCliCommand *command,
                                             GOptionContext      *context,
                                             int                 *argc,
                                             char              ***argv);
/* A non-negative decimal integer up to @max, the value of @option_name
 * (for the message). FALSE with @error (G_OPTION_ERROR_BAD_VALUE). */
gboolean        aud_cli_parse_count         (const char          *option_name,
                                             const char          *text,
                                             guint64              max,
                                             guint64             *out,
                                             GError             **error);
/* An ISO 8601 date or date-time ("2025-01-01", "2025-01-01T12:00:00Z");
 * without a zone it is read in @tz (NULL: UTC). FALSE with @error
 * (G_OPTION_ERROR_BAD_VALUE) naming @option_name. */
gboolean        aud_cli_parse_time          (const char          *option_name,
                                             const char          *text,
                                             GTimeZone           *tz,
                                             gint64              *out,
                                             GError             **error);

/* Opens a workspace; on failure prints the error at @path and returns
 * NULL. */
AudStore       *aud_cli_open_workspace      (const char          *path,
                                             AudStoreOpenFlags    flags);

/* @part of @whole in percent with two decimals: "0.53%". */
char           *aud_cli_format_percent      (gint64               part,
                                             gint64               whole);

/* A SEGMENT argument: a definition file when @arg names one, else the
 * saved segment of that name. @label (nullable) receives its name (the
 * saved name, the file's "name", or the file name without its extension);
 * @where (nullable) where its errors are reported (the file, or the
 * workspace). Prints the error and returns NULL on failure. */
AudSegment     *aud_cli_load_segment        (AudStore            *store,
                                             const char          *arg,
                                             char               **label,
                                             char               **where);

/* --delimiter: one punctuation character (not '"'), or "tab", "\t",
 * "comma", "semicolon", "pipe". FALSE with @error (G_OPTION_ERROR_BAD_VALUE). */
gboolean        aud_cli_parse_delimiter     (const char          *text,
                                             char                *out,
                                             GError             **error);

/* Members of the JSON object being built; a NULL string is written as
 * null. */
void            aud_cli_json_add_int        (JsonBuilder         *builder,
                                             const char          *name,
                                             gint64               value);
void            aud_cli_json_add_string     (JsonBuilder         *builder,
                                             const char          *name,
                                             const char          *value);

/* Prints @root as indented JSON and a newline to stdout. */
void            aud_cli_print_json          (JsonNode            *root);

/* Long work. Runs @func in a thread while the main thread iterates the
 * default main context (so AudProgress notifications arrive); SIGINT and
 * SIGTERM cancel the cancellable handed to @func. */
typedef gboolean (*AudCliTaskFunc) (gpointer       data,
                                    GCancellable  *cancellable,
                                    GError       **error);
gboolean        aud_cli_run_task            (AudCliTaskFunc       func,
                                             gpointer             data,
                                             GError             **error);

/* Progress on stderr when it is a terminal: "MESSAGE 42%", rewritten in
 * place when the percentage changes. Any thread, one task at a time.
 * progress_done clears the line. */
void            aud_cli_progress            (const char          *message,
                                             guint64              done,
                                             guint64              total);
void            aud_cli_progress_done       (void);

G_END_DECLS
