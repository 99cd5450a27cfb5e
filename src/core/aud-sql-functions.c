/* aud-sql-functions.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-sql-functions"

#include "config.h"

#include <string.h>

#include "aud-sql-functions-private.h"
#include "aud-types.h"
#include "aud-value.h"

/* Days from 0001-01-01 (GDate Julian day 1) to 1970-01-01. */
#define UNIX_EPOCH_JULIAN 719163

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

/**
 * _aud_fold_text:
 * @text: valid UTF-8
 * @length: bytes of @text, or -1 if nul-terminated
 *
 * Unicode case folding followed by NFC normalisation: the form in which
 * case-insensitive text is compared, on both sides. ASCII takes a fast path
 * (folding ASCII is lower-casing; NFC leaves it unchanged).
 *
 * Returns: (transfer full): the folded text
 */
char *
_aud_fold_text (const char *text,
                gssize      length)
{
  g_autofree char *folded = NULL;
  gsize n;
  gboolean ascii = TRUE;

  g_assert (text != NULL);

  n = length < 0 ? strlen (text) : (gsize)length;
  for (gsize i = 0; i < n; i++)
    {
      if ((guchar)text[i] >= 0x80)
        {
          ascii = FALSE;
          break;
        }
    }

  if (ascii)
    return g_ascii_strdown (text, n);

  folded = g_utf8_casefold (text, n);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_NFC);
}

/* aud_fold(text): _aud_fold_text(), NULL for NULL. */
static void
fold_func (sqlite3_context *ctx,
           int              argc,
           sqlite3_value  **argv)
{
  const char *text;
  int n;

  g_assert (argc == 1);

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  text = (const char *)sqlite3_value_text (argv[0]);
  n = sqlite3_value_bytes (argv[0]);

  /* Text that has no upper-case ASCII and no non-ASCII byte folds to itself. */
  for (int i = 0; i < n; i++)
    {
      guchar c = text[i];

      if (c >= 0x80 || (c >= 'A' && c <= 'Z'))
        {
          sqlite3_result_text (ctx, _aud_fold_text (text, n), -1, g_free);
          return;
        }
    }

  sqlite3_result_value (ctx, argv[0]);
}

/* aud_regexp(pattern, subject, caseless): 1 if the regular expression
 * matches anywhere in subject, 0 if not, NULL for a NULL subject. The
 * pattern is compiled once per statement (kept as auxiliary data). */
static void
regexp_func (sqlite3_context *ctx,
             int              argc,
             sqlite3_value  **argv)
{
  GRegex *regex;
  const char *subject;

  g_assert (argc == 3);

  if (sqlite3_value_type (argv[1]) == SQLITE_NULL ||
      sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  regex = sqlite3_get_auxdata (ctx, 0);
  if (regex == NULL)
    {
      g_autoptr(GError) error = NULL;
      GRegexCompileFlags flags = G_REGEX_OPTIMIZE;

      if (sqlite3_value_int (argv[2]) != 0)
        flags |= G_REGEX_CASELESS;

      regex = g_regex_new ((const char *)sqlite3_value_text (argv[0]), flags, 0, &error);
      if (regex == NULL)
        {
          sqlite3_result_error (ctx, error->message, -1);
          return;
        }

      sqlite3_set_auxdata (ctx, 0, regex, (void (*) (void *))g_regex_unref);
      /* SQLite may have freed it at once if it cannot keep it. */
      regex = sqlite3_get_auxdata (ctx, 0);
      if (regex == NULL)
        {
          sqlite3_result_error (ctx, "aud_regexp: cannot keep the compiled pattern", -1);
          return;
        }
    }

  subject = (const char *)sqlite3_value_text (argv[1]);
  sqlite3_result_int (ctx, g_regex_match (regex, subject, 0, NULL));
}

/* The time zone named by argv[index], kept as auxiliary data of the
 * statement. Returns a new reference, or NULL (with an SQL error set) for an
 * unknown zone. */
static GTimeZone *
time_zone_arg (sqlite3_context *ctx,
               sqlite3_value  **argv,
               int              index)
{
  GTimeZone *tz = sqlite3_get_auxdata (ctx, index);
  const char *identifier;

  if (tz != NULL)
    return g_time_zone_ref (tz);

  identifier = (const char *)sqlite3_value_text (argv[index]);
  if (identifier == NULL ||
      (tz = g_time_zone_new_identifier (identifier)) == NULL)
    {
      sqlite3_result_error (ctx, "unknown time zone", -1);
      return NULL;
    }

  sqlite3_set_auxdata (ctx, index, g_time_zone_ref (tz), (void (*) (void *))g_time_zone_unref);

  return tz;
}

/**
 * _aud_local_seconds:
 * @tz: a time zone
 * @utc: UTC seconds
 *
 * Returns: @utc shifted by the offset of @tz at that instant (seconds since
 *   1970-01-01 00:00 local "wall clock")
 */
gint64
_aud_local_seconds (GTimeZone *tz,
                    gint64     utc)
{
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, utc);

  if (interval < 0)
    return utc;

  return utc + g_time_zone_get_offset (tz, interval);
}

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Kind of local-time part computed by local_part_func(). */
enum
{
  PART_HOUR,
  PART_WEEKDAY,
  PART_DATE,
};

/* aud_hour(ts, tz): 0-23; aud_weekday(ts, tz): 1 = Monday ... 7 = Sunday;
 * aud_local_date(ts, tz): "YYYY-MM-DD"; all in time zone tz (an IANA name);
 * NULL for a NULL ts. */
static void
local_part_func (sqlite3_context *ctx,
                 int              argc,
                 sqlite3_value  **argv)
{
  int part = GPOINTER_TO_INT (sqlite3_user_data (ctx));
  g_autoptr(GTimeZone) tz = NULL;
  gint64 local;
  gint64 days;

  g_assert (argc == 2);

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  if ((tz = time_zone_arg (ctx, argv, 1)) == NULL)
    return;

  local = _aud_local_seconds (tz, sqlite3_value_int64 (argv[0]));
  days = floor_div (local, 86400);

  switch (part)
    {
    case PART_HOUR:
      sqlite3_result_int (ctx, (int)((local - days * 86400) / 3600));
      break;

    case PART_WEEKDAY:
      /* 1970-01-01 was a Thursday (4). */
      sqlite3_result_int (ctx, (int)(days + 3 - floor_div (days + 3, 7) * 7) + 1);
      break;

    case PART_DATE:
    default:
      {
        GDate date;

        g_date_clear (&date, 1);
        if (days + UNIX_EPOCH_JULIAN < 1 || days + UNIX_EPOCH_JULIAN > G_MAXUINT32)
          {
            sqlite3_result_null (ctx);
            return;
          }
        g_date_set_julian (&date, (guint32)(days + UNIX_EPOCH_JULIAN));
        sqlite3_result_text (ctx,
                             aud_value_format_date (g_date_get_year (&date),
                                                    g_date_get_month (&date),
                                                    g_date_get_day (&date)),
                             -1, g_free);
      }
      break;
    }
}

/**
 * _aud_bucket_of:
 * @salt: the bucket salt
 * @id: a customer's external id
 *
 * The holdout bucket: the first four bytes of SHA-256 of the UTF-8 string
 * `salt + ":" + id`, read as a big-endian unsigned integer, modulo 100.
 * @checksum, if not %NULL, is a SHA-256 #GChecksum to reuse.
 *
 * Returns: 0 to 99
 */
int
_aud_bucket_of (GChecksum  *checksum,
                const char *salt,
                gssize      salt_length,
                const char *id,
                gssize      id_length)
{
  g_autoptr(GChecksum) own = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  guint32 head;

  if (checksum == NULL)
    checksum = own = g_checksum_new (G_CHECKSUM_SHA256);
  else
    g_checksum_reset (checksum);

  g_checksum_update (checksum, (const guchar *)salt, salt_length);
  g_checksum_update (checksum, (const guchar *)":", 1);
  g_checksum_update (checksum, (const guchar *)id, id_length);
  g_checksum_get_digest (checksum, digest, &digest_length);

  head = ((guint32)digest[0] << 24) | ((guint32)digest[1] << 16) |
         ((guint32)digest[2] << 8) | (guint32)digest[3];

  return (int)(head % 100);
}

/* aud_bucket(salt, id): _aud_bucket_of(); NULL for a NULL id. */
static void
bucket_func (sqlite3_context *ctx,
             int              argc,
             sqlite3_value  **argv)
{
  GChecksum *checksum;
  const char *salt;
  const char *id;

  g_assert (argc == 2);

  if (sqlite3_value_type (argv[1]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  checksum = sqlite3_get_auxdata (ctx, 0);
  if (checksum == NULL)
    {
      sqlite3_set_auxdata (ctx, 0, g_checksum_new (G_CHECKSUM_SHA256),
                           (void (*) (void *))g_checksum_free);
      checksum = sqlite3_get_auxdata (ctx, 0);
    }

  salt = (const char *)sqlite3_value_text (argv[0]);
  id = (const char *)sqlite3_value_text (argv[1]);
  sqlite3_result_int (ctx, _aud_bucket_of (checksum,
                                           salt != NULL ? salt : "",
                                           sqlite3_value_bytes (argv[0]),
                                           id,
                                           sqlite3_value_bytes (argv[1])));
}

void
_aud_sql_functions_register (sqlite3   *db,
                             GTimeZone *tz)
{
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

  g_assert (db != NULL);

  /* The time zone is passed to the functions that need it as an argument
   * (a bound parameter), so a change of the workspace zone never leaves a
   * connection computing with the old one. */
  (void)tz;

  sqlite3_create_function_v2 (db, "aud_text_of", 3, flags, NULL, text_of_func, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "aud_fold", 1, flags, NULL, fold_func, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "aud_regexp", 3, flags, NULL, regexp_func, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "aud_hour", 2, flags, GINT_TO_POINTER (PART_HOUR),
                              local_part_func, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "aud_weekday", 2, flags, GINT_TO_POINTER (PART_WEEKDAY),
                              local_part_func, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "aud_local_date", 2, flags, GINT_TO_POINTER (PART_DATE),
                              local_part_func, NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "aud_bucket", 2, flags, NULL, bucket_func, NULL, NULL, NULL);
}
