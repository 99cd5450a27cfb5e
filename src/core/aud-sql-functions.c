/* aud-sql-functions.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-sql-functions"

#include "config.h"

#include "aud-sql-functions-private.h"
#include "aud-types.h"
#include "aud-value.h"

/* aud_text_of(value, type, scale): the canonical text of a stored value of a
 * field of TYPE ("decimal" -> "12.50", "datetime" -> ISO 8601 UTC,
 * "boolean" -> "true"/"false", others as stored). */
static void
text_of_func (sqlite3_context *ctx,
              int              argc,
              sqlite3_value  **argv)
{
  AudFieldType type;
  const char *type_name;

  g_assert (argc == 3);

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  type_name = (const char *)sqlite3_value_text (argv[1]);
  if (!aud_field_type_from_string (type_name, &type))
    type = AUD_FIELD_TEXT;

  switch (type)
    {
    case AUD_FIELD_DECIMAL:
      sqlite3_result_text (ctx,
                           aud_value_format_decimal (sqlite3_value_int64 (argv[0]),
                                                     sqlite3_value_int (argv[2])),
                           -1, g_free);
      break;

    case AUD_FIELD_DATETIME:
      sqlite3_result_text (ctx, aud_value_format_datetime (sqlite3_value_int64 (argv[0])),
                           -1, g_free);
      break;

    case AUD_FIELD_BOOLEAN:
      sqlite3_result_text (ctx, sqlite3_value_int (argv[0]) ? "true" : "false", -1,
                           SQLITE_STATIC);
      break;

    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DATE:
    default:
      sqlite3_result_text (ctx, (const char *)sqlite3_value_text (argv[0]), -1,
                           SQLITE_TRANSIENT);
      break;
    }
}

void
_aud_sql_functions_register (sqlite3   *db,
                             GTimeZone *tz)
{
  g_assert (db != NULL);

  sqlite3_create_function_v2 (db, "aud_text_of", 3,
                              SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                              NULL, text_of_func, NULL, NULL, NULL);
}
