/* aud-dialect.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AudDialect:
 * @name: "sqlite", ...
 * @placeholder: appends the placeholder of bound parameter @index (1-based)
 * @fold: appends @expr case-folded and NFC-normalised (NULL stays NULL)
 * @contains: appends a boolean: @haystack contains @needle
 * @starts_with: appends a boolean: @text starts with @prefix
 * @ends_with: appends a boolean: @text ends with @suffix
 * @regex: appends a boolean: the regular expression @pattern matches
 *   somewhere in @text; @caseless is a boolean expression
 * @local_hour: appends the hour 0-23 of UTC seconds @ts in zone @tz (an
 *   expression giving an IANA name)
 * @local_weekday: appends the ISO weekday 1 (Monday) to 7 of @ts in @tz
 * @local_date: appends the `YYYY-MM-DD` text of the date of @ts in @tz
 * @month_day: appends the `MM-DD` part of a `YYYY-MM-DD` text @date
 * @bucket: appends the holdout bucket 0-99 of customer id @id with @salt
 *   (SEGMENT-FORMAT.md, Holdout)
 * @unindexed: appends @table as a FROM item read by a full scan, not
 *   through an index
 * @value_list: appends a FROM item with columns `key` (0, 1, ...) and
 *   `value`, the elements of the JSON array bound to @param (strings as
 *   text, integers as integers, null as NULL)
 *
 * Everything database-specific in the SQL the segment compiler generates.
 * Arguments are SQL expressions (column names, placeholders) that the
 * function places into its output; none of them is ever data.
 *
 * The rest of the generated SQL is plain SQL that SQLite and PostgreSQL
 * share: comparisons, IN lists, `IS NOT TRUE`, `EXISTS`, `SELECT DISTINCT`,
 * `length()` and `substr()` on text.
 */
typedef struct _AudDialect AudDialect;

struct _AudDialect
{
  const char *name;

  void (*placeholder)   (GString    *sql,
                         guint       index);
  void (*fold)          (GString    *sql,
                         const char *expr);
  void (*contains)      (GString    *sql,
                         const char *haystack,
                         const char *needle);
  void (*starts_with)   (GString    *sql,
                         const char *text,
                         const char *prefix);
  void (*ends_with)     (GString    *sql,
                         const char *text,
                         const char *suffix);
  void (*regex)         (GString    *sql,
                         const char *text,
                         const char *pattern,
                         const char *caseless);
  void (*local_hour)    (GString    *sql,
                         const char *ts,
                         const char *tz);
  void (*local_weekday) (GString    *sql,
                         const char *ts,
                         const char *tz);
  void (*local_date)    (GString    *sql,
                         const char *ts,
                         const char *tz);
  void (*month_day)     (GString    *sql,
                         const char *date);
  void (*bucket)        (GString    *sql,
                         const char *salt,
                         const char *id);
  void (*unindexed)     (GString    *sql,
                         const char *table);
  void (*value_list)    (GString    *sql,
                         const char *param);
};

/* The dialect of the workspace store (uses the functions registered by
 * aud-sql-functions.c). Static: never freed. */
const AudDialect *aud_dialect_sqlite (void);

G_END_DECLS
