/* aud-sql-functions-private.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Registers the SQL functions the store and the segment engine use on a
 * connection:
 *
 *   aud_text_of(value, type, scale)  canonical text of a stored value
 *   aud_fold(text)                   Unicode case folding + NFC
 *   aud_regexp(pattern, text, caseless)  GRegex search, 1/0
 *   aud_hour(ts, tz), aud_weekday(ts, tz), aud_local_date(ts, tz)
 *                                    local hour 0-23, ISO weekday 1-7 and
 *                                    "YYYY-MM-DD" of UTC seconds in zone tz
 *   aud_bucket(salt, id)             holdout bucket 0-99
 *
 * @tz is unused (kept for the store's call): functions that depend on a time
 * zone take its name as an argument. */
void   _aud_sql_functions_register (sqlite3    *db,
                                    GTimeZone  *tz);

char  *_aud_fold_text              (const char *text,
                                    gssize      length);
gint64 _aud_local_seconds          (GTimeZone  *tz,
                                    gint64      utc);
int    _aud_bucket_of              (GChecksum  *checksum,
                                    const char *salt,
                                    gssize      salt_length,
                                    const char *id,
                                    gssize      id_length);

G_END_DECLS
