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
 * connection. @tz is the workspace time zone (borrowed: it must outlive the
 * connection). */
void _aud_sql_functions_register (sqlite3   *db,
                                  GTimeZone *tz);

G_END_DECLS
