/* aud-store.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "aud-types.h"

G_BEGIN_DECLS

/*
 * A workspace: one SQLite file (WAL, foreign keys on). Schema, in short
 * (aud-store.c holds the migrations):
 *
 *   meta(key, value)            schema_version, data_version, timezone, now
 *   fields(id, scope, name, column_name, type, role, scale, position)
 *   customers(id, external_id, c<N>...)   id: dense row id 1..n (bitmaps)
 *   event_names(id, name)
 *   events(id, customer, customer_key, name, ts, import, p<N>...)
 *        customer: customers.id, or NULL when the id in the file is not a
 *        customer (then customer_key holds that id as imported);
 *        ts: UTC seconds
 *   imports(...), rejects(import, line, reason, raw)
 *   segments(id, name, definition, color, created, modified)
 *   exports(id, segment_name, definition, now, preset, format, changes,
 *           file, count, members, created)   the export log
 *
 * Field columns are named by the store (`c12`, `p3`), never after the data,
 * so no imported header ever reaches SQL as an identifier.
 *
 * Threading: an AudStore is one SQLite connection and must only be used by
 * one thread at a time. A worker opens its own with aud_store_open() on
 * aud_store_get_path() (or aud_store_reopen()).
 */

#define AUD_STORE_SCHEMA_VERSION 3

#define AUD_STORE_ERROR (aud_store_error_quark ())

typedef enum
{
  AUD_STORE_ERROR_FAILED,
  AUD_STORE_ERROR_NOT_A_WORKSPACE,
  AUD_STORE_ERROR_TOO_NEW,
  AUD_STORE_ERROR_CORRUPT,
  AUD_STORE_ERROR_BUSY,
  AUD_STORE_ERROR_FULL,
  AUD_STORE_ERROR_NOT_FOUND,
  AUD_STORE_ERROR_EXISTS,
  AUD_STORE_ERROR_INVALID,
  AUD_STORE_ERROR_READ_ONLY,
} AudStoreError;

typedef enum
{
  AUD_STORE_OPEN_DEFAULT = 0,
  AUD_STORE_OPEN_CREATE = 1 << 0,
  AUD_STORE_OPEN_READ_ONLY = 1 << 1,
} AudStoreOpenFlags;

/**
 * AudField:
 *
 * One entry of the field catalog: a customer field or an event property.
 * @column is the SQL column in `customers` (scope customer) or `events`
 * (scope event). @scale only matters for decimals.
 */
typedef struct
{
  gint64        id;
  AudScope      scope;
  char         *name;
  char         *column;
  AudFieldType  type;
  AudFieldRole  role;
  guint         scale;
  guint         position;
} AudField;

AudField   *aud_field_copy (const AudField *field);
void        aud_field_free (AudField       *field);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudField, aud_field_free)

#define AUD_TYPE_STORE (aud_store_get_type ())

G_DECLARE_FINAL_TYPE (AudStore, aud_store, AUD, STORE, GObject)

GQuark      aud_store_error_quark        (void);

AudStore   *aud_store_open               (const char         *path,
                                          AudStoreOpenFlags   flags,
                                          GError            **error);
AudStore   *aud_store_reopen             (AudStore           *self,
                                          GError            **error);
const char *aud_store_get_path           (AudStore           *self);
sqlite3    *aud_store_get_db             (AudStore           *self);
gboolean    aud_store_is_read_only       (AudStore           *self);

/* Makes every statement on this connection fail with G_IO_ERROR_CANCELLED
 * promptly once @cancellable is cancelled (a progress handler). NULL stops
 * watching. */
void        aud_store_watch_cancellable  (AudStore           *self,
                                          GCancellable       *cancellable);

/* Statements. Errors are set from the connection, mapped to AudStoreError
 * (or G_IO_ERROR_CANCELLED when the watched cancellable fired). */
gboolean       aud_store_exec            (AudStore           *self,
                                          const char         *sql,
                                          GError            **error);
sqlite3_stmt  *aud_store_prepare         (AudStore           *self,
                                          const char         *sql,
                                          GError            **error);
/* Steps a statement to completion (or until it returns no row). */
gboolean       aud_store_step_done       (AudStore           *self,
                                          sqlite3_stmt       *stmt,
                                          GError            **error);
void           aud_store_set_error       (AudStore           *self,
                                          int                 rc,
                                          GError            **error);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. rollback never fails loudly. */
gboolean    aud_store_begin              (AudStore           *self,
                                          GError            **error);
gboolean    aud_store_commit             (AudStore           *self,
                                          GError            **error);
void        aud_store_rollback           (AudStore           *self);

/* The data version changes with every import; caches key on it. */
gint64      aud_store_get_data_version   (AudStore           *self);
gboolean    aud_store_bump_data_version  (AudStore           *self,
                                          GError            **error);

char       *aud_store_dup_meta           (AudStore           *self,
                                          const char         *key);
gboolean    aud_store_set_meta           (AudStore           *self,
                                          const char         *key,
                                          const char         *value,
                                          GError            **error);

/* The workspace time zone (meta "timezone", an IANA name; values without a
 * zone are read in it). Default: UTC when TZ is UTC, else local. */
GTimeZone  *aud_store_get_timezone       (AudStore           *self);

/* The stored reference time (meta "now"), or -1 when none is stored. */
gint64      aud_store_get_reference_time (AudStore           *self);

gint64      aud_store_count_customers    (AudStore           *self);
gint64      aud_store_count_events       (AudStore           *self);
/* The largest customer row id (row ids are dense 1..n). */
gint64      aud_store_get_max_customer   (AudStore           *self);

/* Field catalog. list: (element-type AudField) (transfer full), by
 * position. */
GPtrArray  *aud_store_list_fields        (AudStore           *self,
                                          AudScope            scope);
AudField   *aud_store_dup_field          (AudStore           *self,
                                          AudScope            scope,
                                          const char         *name);
AudField   *aud_store_dup_field_by_role  (AudStore           *self,
                                          AudScope            scope,
                                          AudFieldRole        role);
/* Adds the column. Fails with AUD_STORE_ERROR_EXISTS if @name is taken in
 * @scope, AUD_STORE_ERROR_INVALID for an empty or over-long name. */
AudField   *aud_store_add_field          (AudStore           *self,
                                          AudScope            scope,
                                          const char         *name,
                                          AudFieldType        type,
                                          AudFieldRole        role,
                                          guint               scale,
                                          GError            **error);
gboolean    aud_store_set_field_role     (AudStore           *self,
                                          AudField           *field,
                                          AudFieldRole        role,
                                          GError            **error);
/* Rewrites every stored value of @field exactly as text (decimals in their
 * canonical form, dates ISO) and makes it a text field. Used when a later
 * value does not fit the type: never a silently wrong value. */
gboolean    aud_store_convert_field_to_text (AudStore        *self,
                                          AudField           *field,
                                          GError            **error);
/* Multiplies the stored values of decimal @field by 10^(scale - old). */
gboolean    aud_store_rescale_field      (AudStore           *self,
                                          AudField           *field,
                                          guint               scale,
                                          GError            **error);

/* Event names, interned. Returns the id, or -1 with @error set. */
gint64      aud_store_intern_event_name  (AudStore           *self,
                                          const char         *name,
                                          GError            **error);
/* Returns the id, or -1 when there is no such event name. */
gint64      aud_store_lookup_event_name  (AudStore           *self,
                                          const char         *name);
/* (element-type utf8) (transfer full), sorted */
GPtrArray  *aud_store_list_event_names   (AudStore           *self);

/* Indexes on events, dropped before a large load and built after it;
 * creating them also rebuilds an index on events whose property columns
 * changed. */
gboolean    aud_store_drop_event_indexes   (AudStore         *self,
                                            GError          **error);
gboolean    aud_store_create_event_indexes (AudStore         *self,
                                            GError          **error);
gboolean    aud_store_field_in_event_index (const AudField   *field);

/* Links events whose customer_key became a customer (after a customer
 * import). Returns the number linked, or -1 on error. */
gint64      aud_store_link_events        (AudStore           *self,
                                          GError            **error);

gboolean    aud_store_delete_files       (const char         *path,
                                          GError            **error);

/* Double-quotes an SQL identifier; NULL if it is not valid UTF-8, empty,
 * contains NUL or control characters, or is over 256 bytes. */
char       *aud_sql_quote_identifier     (const char         *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
