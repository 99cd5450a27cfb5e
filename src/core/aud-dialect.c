/* aud-dialect.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-dialect"

#include "config.h"

#include "aud-dialect.h"

static void
sqlite_placeholder (GString *sql,
                    guint    index)
{
  g_string_append_printf (sql, "?%u", index);
}

static void
sqlite_fold (GString    *sql,
             const char *expr)
{
  g_string_append_printf (sql, "aud_fold(%s)", expr);
}

static void
sqlite_contains (GString    *sql,
                 const char *haystack,
                 const char *needle)
{
  g_string_append_printf (sql, "instr(%s, %s) > 0", haystack, needle);
}

static void
sqlite_starts_with (GString    *sql,
                    const char *text,
                    const char *prefix)
{
  g_string_append_printf (sql, "substr(%s, 1, length(%s)) = %s", text, prefix, prefix);
}

/* The compiler never passes an empty suffix (that is "not blank"):
 * substr(x, -0) would be all of x. */
static void
sqlite_ends_with (GString    *sql,
                  const char *text,
                  const char *suffix)
{
  g_string_append_printf (sql, "substr(%s, -length(%s)) = %s", text, suffix, suffix);
}

static void
sqlite_regex (GString    *sql,
              const char *text,
              const char *pattern,
              const char *caseless)
{
  g_string_append_printf (sql, "aud_regexp(%s, %s, %s)", pattern, text, caseless);
}

static void
sqlite_local_hour (GString    *sql,
                   const char *ts,
                   const char *tz)
{
  g_string_append_printf (sql, "aud_hour(%s, %s)", ts, tz);
}

static void
sqlite_local_weekday (GString    *sql,
                      const char *ts,
                      const char *tz)
{
  g_string_append_printf (sql, "aud_weekday(%s, %s)", ts, tz);
}

static void
sqlite_local_date (GString    *sql,
                   const char *ts,
                   const char *tz)
{
  g_string_append_printf (sql, "aud_local_date(%s, %s)", ts, tz);
}

static void
sqlite_month_day (GString    *sql,
                  const char *date)
{
  g_string_append_printf (sql, "substr(%s, 6, 5)", date);
}

static void
sqlite_bucket (GString    *sql,
               const char *salt,
               const char *id)
{
  g_string_append_printf (sql, "aud_bucket(%s, %s)", salt, id);
}

static void
sqlite_unindexed (GString    *sql,
                  const char *table)
{
  g_string_append_printf (sql, "%s NOT INDEXED", table);
}

static void
sqlite_value_list (GString    *sql,
                   const char *param)
{
  g_string_append_printf (sql, "json_each(%s)", param);
}

static const AudDialect sqlite_dialect = {
  .name = "sqlite",
  .placeholder = sqlite_placeholder,
  .fold = sqlite_fold,
  .contains = sqlite_contains,
  .starts_with = sqlite_starts_with,
  .ends_with = sqlite_ends_with,
  .regex = sqlite_regex,
  .local_hour = sqlite_local_hour,
  .local_weekday = sqlite_local_weekday,
  .local_date = sqlite_local_date,
  .month_day = sqlite_month_day,
  .bucket = sqlite_bucket,
  .unindexed = sqlite_unindexed,
  .value_list = sqlite_value_list,
};

const AudDialect *
aud_dialect_sqlite (void)
{
  return &sqlite_dialect;
}
