/* aud-store.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-store"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aud-sql-functions-private.h"
#include "aud-store.h"
#include "aud-value.h"

/* How many SQLite virtual machine steps between two looks at the cancellable. */
#define CANCEL_CHECK_STEPS 1000

#define MAX_NAME_BYTES 256

static gsize sqlite_configured;

struct _AudStore
{
  GObject       parent_instance;

  /* owned */
  char         *path;
  sqlite3      *db;
  GCancellable *watched;
  GTimeZone    *timezone;
  gboolean      read_only;
};

G_DEFINE_FINAL_TYPE (AudStore, aud_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (aud-store-error-quark, aud_store_error)

/* Forward migrations: migrations[i] takes schema version i to i + 1. */
static const char * const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value"
  ") WITHOUT ROWID;"
  "CREATE TABLE fields ("
  "  id          INTEGER PRIMARY KEY,"
  "  scope       INTEGER NOT NULL CHECK (scope IN (0, 1)),"
  "  name        TEXT NOT NULL,"
  "  column_name TEXT NOT NULL UNIQUE,"
  "  type        TEXT NOT NULL,"
  "  role        TEXT NOT NULL DEFAULT 'none',"
  "  scale       INTEGER NOT NULL DEFAULT 0,"
  "  position    INTEGER NOT NULL,"
  "  UNIQUE (scope, name)"
  ");"
  "CREATE TABLE customers ("
  "  id          INTEGER PRIMARY KEY,"
  "  external_id TEXT NOT NULL UNIQUE"
  ");"
  "CREATE TABLE event_names ("
  "  id   INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  ");"
  "CREATE TABLE imports ("
  "  id                    INTEGER PRIMARY KEY,"
  "  file                  TEXT NOT NULL,"
  "  size                  INTEGER,"
  "  sha256                TEXT,"
  "  kind                  TEXT NOT NULL CHECK (kind IN ('customers', 'events')),"
  "  mapping               TEXT,"
  "  started               INTEGER NOT NULL,"
  "  duration_ms           INTEGER,"
  "  rows_read             INTEGER NOT NULL DEFAULT 0,"
  "  rows_inserted         INTEGER NOT NULL DEFAULT 0,"
  "  rows_updated          INTEGER NOT NULL DEFAULT 0,"
  "  rows_rejected         INTEGER NOT NULL DEFAULT 0,"
  "  rows_unknown_customer INTEGER NOT NULL DEFAULT 0,"
  "  notes                 TEXT"
  ");"
  "CREATE TABLE rejects ("
  "  id     INTEGER PRIMARY KEY,"
  "  import INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,"
  "  line   INTEGER NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  raw    TEXT"
  ");"
  "CREATE INDEX rejects_by_import ON rejects (import, line);"
  "CREATE TABLE events ("
  "  id           INTEGER PRIMARY KEY,"
  "  customer     INTEGER,"
  "  customer_key TEXT,"
  "  name         INTEGER NOT NULL,"
  "  ts           INTEGER NOT NULL,"
  "  import       INTEGER"
  ");"
  "CREATE INDEX events_unlinked ON events (customer_key) WHERE customer IS NULL;"
  "CREATE INDEX events_by_name_time ON events (name, ts, customer);"
  "CREATE INDEX events_by_customer ON events (customer, name, ts);"
  "CREATE TABLE segments ("
  "  id         INTEGER PRIMARY KEY,"
  "  name       TEXT NOT NULL UNIQUE,"
  "  definition TEXT NOT NULL,"
  "  color      TEXT,"
  "  created    INTEGER NOT NULL,"
  "  modified   INTEGER NOT NULL"
  ");"
  "INSERT INTO meta (key, value) VALUES ('data_version', 0);",
  /* 1 -> 2: the export log (aud-exporter.c). members: who the target holds
   * after the export, a portable roaring bitmap of customer row ids. */
  "CREATE TABLE exports ("
  "  id           INTEGER PRIMARY KEY,"
  "  segment_name TEXT,"
  "  definition   TEXT,"
  "  now          INTEGER NOT NULL,"
  "  preset       TEXT NOT NULL,"
  "  format       TEXT NOT NULL,"
  "  changes      TEXT NOT NULL DEFAULT 'all' CHECK (changes IN ('all', 'added', 'removed')),"
  "  file         TEXT NOT NULL,"
  "  count        INTEGER NOT NULL,"
  "  members      BLOB NOT NULL,"
  "  created      INTEGER NOT NULL"
  ");"
  "CREATE INDEX exports_by_segment ON exports (segment_name, preset, id);",
  /* 2 -> 3: the distinct values of each customer column with the customers
   * of each, as of data_version (aud-engine.c): a first count in a new
   * process reads these instead of every customer row. too_many: the
   * column has too many distinct values to be kept. bitmaps: per value, a
   * little-endian 32-bit length and a portable roaring bitmap. */
  "CREATE TABLE value_lists ("
  "  column_name  TEXT PRIMARY KEY,"
  "  data_version INTEGER NOT NULL,"
  "  too_many     INTEGER NOT NULL,"
  "  value_count  INTEGER NOT NULL,"
  "  value_json   TEXT NOT NULL,"
  "  bitmaps      BLOB NOT NULL"
  ");"
  /* The customers' coordinates in degrees (near criteria), grouped by
   * latitude: per customer, the little-endian IEEE doubles latitude and
   * longitude and the 32-bit row id. */
  "CREATE TABLE coordinate_lists ("
  "  data_version INTEGER NOT NULL,"
  "  latitude     TEXT NOT NULL,"
  "  longitude    TEXT NOT NULL,"
  "  points       BLOB NOT NULL"
  ");",
};

static GTimeZone *
default_timezone (void)
{
  const char *tz = g_getenv ("TZ");

  if (tz == NULL || tz[0] == '\0')
    return g_time_zone_new_local ();

  return g_time_zone_new_identifier (tz[0] == ':' ? tz + 1 : tz) ?: g_time_zone_new_utc ();
}

static int
progress_cb (void *user_data)
{
  AudStore *self = user_data;

  return self->watched != NULL && g_cancellable_is_cancelled (self->watched);
}

void
aud_store_set_error (AudStore *self,
                     int       rc,
                     GError  **error)
{
  const char *message;
  int code;

  g_return_if_fail (AUD_IS_STORE (self));

  if (error == NULL)
    return;

  if ((rc & 0xff) == SQLITE_INTERRUPT &&
      self->watched != NULL &&
      g_cancellable_is_cancelled (self->watched))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The operation was cancelled"));
      return;
    }

  message = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      code = AUD_STORE_ERROR_NOT_A_WORKSPACE;
      break;

    case SQLITE_CORRUPT:
      code = AUD_STORE_ERROR_CORRUPT;
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = AUD_STORE_ERROR_BUSY;
      break;

    case SQLITE_FULL:
      code = AUD_STORE_ERROR_FULL;
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      code = AUD_STORE_ERROR_READ_ONLY;
      break;

    case SQLITE_CONSTRAINT:
      code = AUD_STORE_ERROR_EXISTS;
      break;

    default:
      code = AUD_STORE_ERROR_FAILED;
      break;
    }

  /* The caller names the file: messages say what, not where. */
  g_set_error_literal (error, AUD_STORE_ERROR, code, message);
}

gboolean
aud_store_exec (AudStore   *self,
                const char *sql,
                GError    **error)
{
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      aud_store_set_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

sqlite3_stmt *
aud_store_prepare (AudStore   *self,
                   const char *sql,
                   GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      aud_store_set_error (self, rc, error);
      return NULL;
    }

  return stmt;
}

gboolean
aud_store_step_done (AudStore     *self,
                     sqlite3_stmt *stmt,
                     GError      **error)
{
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (self), FALSE);
  g_return_val_if_fail (stmt != NULL, FALSE);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (self, rc, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
aud_store_begin (AudStore *self,
                 GError  **error)
{
  return aud_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
aud_store_commit (AudStore *self,
                  GError  **error)
{
  return aud_store_exec (self, "COMMIT", error);
}

void
aud_store_rollback (AudStore *self)
{
  g_return_if_fail (AUD_IS_STORE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gint64
query_int (AudStore   *self,
           const char *sql,
           gint64      fallback)
{
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (self, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW ||
      sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return fallback;

  return sqlite3_column_int64 (stmt, 0);
}

char *
aud_store_dup_meta (AudStore   *self,
                    const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = aud_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;

  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

gboolean
aud_store_set_meta (AudStore   *self,
                    const char *key,
                    const char *value,
                    GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (value == NULL)
    stmt = aud_store_prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = aud_store_prepare (self,
                              "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);

  if (!aud_store_step_done (self, stmt, error))
    return FALSE;

  if (g_str_equal (key, "timezone"))
    g_clear_pointer (&self->timezone, g_time_zone_unref);

  return TRUE;
}

/* Brings the schema up to AUD_STORE_SCHEMA_VERSION in one transaction.
 * Fails (and changes nothing) on a newer schema or a file that is not a
 * workspace. */
static gboolean
migrate (AudStore *self,
         gboolean  create,
         GError  **error)
{
  gint64 version;
  gint64 n_tables;

  version = query_int (self, "PRAGMA user_version", -1);
  if (version < 0)
    {
      aud_store_set_error (self, sqlite3_errcode (self->db), error);
      return FALSE;
    }

  if (version > AUD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_TOO_NEW,
                   _("Made by a newer version of Audiences (workspace version %d; this "
                     "version reads up to %d)"),
                   (int)version, AUD_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (version == AUD_STORE_SCHEMA_VERSION)
    return TRUE;

  n_tables = query_int (self, "SELECT count(*) FROM sqlite_schema", -1);
  if (n_tables < 0)
    {
      aud_store_set_error (self, sqlite3_errcode (self->db), error);
      return FALSE;
    }

  if (version == 0 && n_tables > 0)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_A_WORKSPACE,
                   _("An SQLite database, but not an Audiences workspace"));
      return FALSE;
    }

  if (version == 0 && !create)
    {
      g_set_error_literal (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_A_WORKSPACE,
                           _("Not an Audiences workspace"));
      return FALSE;
    }

  /* Version 3 only adds what the engine reads when it is there (saved
   * value lists): a reader can use a version 2 workspace as it is. */
  if (self->read_only && version >= 2)
    return TRUE;

  if (self->read_only)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_READ_ONLY,
                   _("The workspace needs an upgrade but was opened read-only"));
      return FALSE;
    }

  if (!aud_store_begin (self, error))
    return FALSE;

  for (gint64 v = version; v < AUD_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *pragma = NULL;

      if (!aud_store_exec (self, migrations[v], error))
        {
          g_prefix_error (error, _("Could not upgrade the workspace to version %d: "), (int)v + 1);
          aud_store_rollback (self);
          return FALSE;
        }

      pragma = g_strdup_printf ("PRAGMA user_version = %d", (int)v + 1);
      if (!aud_store_exec (self, pragma, error))
        {
          aud_store_rollback (self);
          return FALSE;
        }
    }

  if (version == 0)
    {
      g_autoptr(GTimeZone) tz = default_timezone ();
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              g_get_real_time () / G_USEC_PER_SEC);

      if (!aud_store_set_meta (self, "timezone", g_time_zone_get_identifier (tz), error) ||
          !aud_store_set_meta (self, "created", now, error))
        {
          aud_store_rollback (self);
          return FALSE;
        }
    }

  if (!aud_store_commit (self, error))
    {
      aud_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

static void
aud_store_finalize (GObject *object)
{
  AudStore *self = (AudStore *)object;

  g_clear_object (&self->watched);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (aud_store_parent_class)->finalize (object);
}

static void
aud_store_class_init (AudStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_store_finalize;
}

static void
aud_store_init (AudStore *self)
{
}

/**
 * aud_store_open:
 * @path: the workspace file
 * @flags: %AUD_STORE_OPEN_CREATE to create a missing file,
 *   %AUD_STORE_OPEN_READ_ONLY to never write
 * @error: return location for an error
 *
 * Opens a workspace on a new connection, upgrading its schema when older.
 * Any thread; the result belongs to the calling thread.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
AudStore *
aud_store_open (const char        *path,
                AudStoreOpenFlags  flags,
                GError           **error)
{
  g_autoptr(AudStore) self = NULL;
  int open_flags = SQLITE_OPEN_NOMUTEX;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_once_init_enter (&sqlite_configured))
    {
      /* Memory statistics take a global mutex on every allocation. */
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&sqlite_configured, 1);
    }

  self = g_object_new (AUD_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->read_only = (flags & AUD_STORE_OPEN_READ_ONLY) != 0;

  if (self->read_only)
    open_flags |= SQLITE_OPEN_READONLY;
  else
    open_flags |= SQLITE_OPEN_READWRITE;

  if ((flags & AUD_STORE_OPEN_CREATE) != 0 && !self->read_only)
    open_flags |= SQLITE_OPEN_CREATE;
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No such file"));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      aud_store_set_error (self, rc, error);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_progress_handler (self->db, CANCEL_CHECK_STEPS, progress_cb, self);

  /* A file that is not SQLite fails here (SQLITE_NOTADB) rather than later. */
  if (!aud_store_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;

  if (query_int (self, "SELECT count(*) FROM sqlite_schema", -1) < 0)
    {
      aud_store_set_error (self, sqlite3_errcode (self->db), error);
      if (error != NULL && *error != NULL && (*error)->domain == AUD_STORE_ERROR &&
          (*error)->code == AUD_STORE_ERROR_NOT_A_WORKSPACE)
        {
          g_clear_error (error);
          g_set_error_literal (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_A_WORKSPACE,
                               _("Not an Audiences workspace"));
        }
      return NULL;
    }

  if (!self->read_only &&
      (!aud_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
       !aud_store_exec (self, "PRAGMA synchronous = NORMAL", error)))
    return NULL;

  aud_store_exec (self, "PRAGMA cache_size = -65536", NULL);
  aud_store_exec (self, "PRAGMA temp_store = MEMORY", NULL);
  aud_store_exec (self, "PRAGMA mmap_size = 268435456", NULL);

  if (!migrate (self, (flags & AUD_STORE_OPEN_CREATE) != 0, error))
    return NULL;

  _aud_sql_functions_register (self->db, aud_store_get_timezone (self));

  return g_steal_pointer (&self);
}

/**
 * aud_store_reopen:
 *
 * Opens a second connection to the same workspace, for another thread.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
AudStore *
aud_store_reopen (AudStore *self,
                  GError  **error)
{
  g_return_val_if_fail (AUD_IS_STORE (self), NULL);

  return aud_store_open (self->path,
                         self->read_only ? AUD_STORE_OPEN_READ_ONLY : AUD_STORE_OPEN_DEFAULT,
                         error);
}

const char *
aud_store_get_path (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), NULL);

  return self->path;
}

sqlite3 *
aud_store_get_db (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), NULL);

  return self->db;
}

gboolean
aud_store_is_read_only (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), TRUE);

  return self->read_only;
}

void
aud_store_watch_cancellable (AudStore     *self,
                             GCancellable *cancellable)
{
  g_return_if_fail (AUD_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_set_object (&self->watched, cancellable);
}

gint64
aud_store_get_data_version (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), -1);

  return query_int (self, "SELECT value FROM meta WHERE key = 'data_version'", 0);
}

gboolean
aud_store_bump_data_version (AudStore *self,
                             GError  **error)
{
  return aud_store_exec (self,
                         "UPDATE meta SET value = value + 1 WHERE key = 'data_version'",
                         error);
}

GTimeZone *
aud_store_get_timezone (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), NULL);

  if (self->timezone == NULL)
    {
      g_autofree char *id = aud_store_dup_meta (self, "timezone");

      if (id != NULL)
        self->timezone = g_time_zone_new_identifier (id);
      if (self->timezone == NULL)
        self->timezone = default_timezone ();
    }

  return self->timezone;
}

gint64
aud_store_get_reference_time (AudStore *self)
{
  g_autofree char *now = NULL;
  gint64 utc;

  g_return_val_if_fail (AUD_IS_STORE (self), -1);

  now = aud_store_dup_meta (self, "now");
  if (now == NULL)
    return -1;

  if (aud_value_parse_datetime (now, AUD_DATE_ORDER_YMD, aud_store_get_timezone (self), &utc))
    return utc;

  return g_ascii_strtoll (now, NULL, 10);
}

gint64
aud_store_count_customers (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), -1);

  return query_int (self, "SELECT count(*) FROM customers", -1);
}

gint64
aud_store_count_events (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), -1);

  return query_int (self, "SELECT count(*) FROM events", -1);
}

gint64
aud_store_get_max_customer (AudStore *self)
{
  g_return_val_if_fail (AUD_IS_STORE (self), -1);

  return query_int (self, "SELECT max(id) FROM customers", 0);
}

AudField *
aud_field_copy (const AudField *field)
{
  AudField *copy;

  g_return_val_if_fail (field != NULL, NULL);

  copy = g_memdup2 (field, sizeof *field);
  copy->name = g_strdup (field->name);
  copy->column = g_strdup (field->column);

  return copy;
}

void
aud_field_free (AudField *field)
{
  if (field == NULL)
    return;

  g_free (field->name);
  g_free (field->column);
  g_free (field);
}

#define FIELD_COLUMNS "id, scope, name, column_name, type, role, scale, position"

static AudField *
field_from_row (sqlite3_stmt *stmt)
{
  AudField *field = g_new0 (AudField, 1);

  field->id = sqlite3_column_int64 (stmt, 0);
  field->scope = sqlite3_column_int (stmt, 1);
  field->name = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  field->column = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
  if (!aud_field_type_from_string ((const char *)sqlite3_column_text (stmt, 4), &field->type))
    field->type = AUD_FIELD_TEXT;
  if (!aud_field_role_from_string ((const char *)sqlite3_column_text (stmt, 5), &field->role))
    field->role = AUD_ROLE_NONE;
  field->scale = sqlite3_column_int (stmt, 6);
  field->position = sqlite3_column_int (stmt, 7);

  return field;
}

GPtrArray *
aud_store_list_fields (AudStore *self,
                       AudScope  scope)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *fields;

  g_return_val_if_fail (AUD_IS_STORE (self), NULL);

  fields = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_field_free);
  stmt = aud_store_prepare (self,
                            "SELECT " FIELD_COLUMNS " FROM fields WHERE scope = ?1 "
                            "ORDER BY position, id",
                            NULL);
  if (stmt == NULL)
    return fields;

  sqlite3_bind_int (stmt, 1, scope);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (fields, field_from_row (stmt));

  return fields;
}

AudField *
aud_store_dup_field (AudStore   *self,
                     AudScope    scope,
                     const char *name)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = aud_store_prepare (self,
                            "SELECT " FIELD_COLUMNS " FROM fields WHERE scope = ?1 AND name = ?2",
                            NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, scope);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return field_from_row (stmt);
}

AudField *
aud_store_dup_field_by_role (AudStore     *self,
                             AudScope      scope,
                             AudFieldRole  role)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (self), NULL);

  stmt = aud_store_prepare (self,
                            "SELECT " FIELD_COLUMNS " FROM fields WHERE scope = ?1 AND role = ?2 "
                            "ORDER BY position, id LIMIT 1",
                            NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, scope);
  sqlite3_bind_text (stmt, 2, aud_field_role_to_string (role), -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return field_from_row (stmt);
}

static const char *
table_for_scope (AudScope scope)
{
  return scope == AUD_SCOPE_CUSTOMER ? "customers" : "events";
}

AudField *
aud_store_add_field (AudStore     *self,
                     AudScope      scope,
                     const char   *name,
                     AudFieldType  type,
                     AudFieldRole  role,
                     guint         scale,
                     GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(AudField) existing = NULL;
  g_autofree char *column = NULL;
  g_autofree char *alter = NULL;
  gint64 id;
  gint64 position;

  g_return_val_if_fail (AUD_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (type <= AUD_FIELD_TYPE_LAST, NULL);
  g_return_val_if_fail (role <= AUD_FIELD_ROLE_LAST, NULL);

  if (name[0] == '\0' || strlen (name) > MAX_NAME_BYTES || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                   _("“%s” is not a valid field name (1 to %d bytes of UTF-8)"),
                   g_utf8_validate (name, -1, NULL) ? name : "?", MAX_NAME_BYTES);
      return NULL;
    }

  if (scale > AUD_DECIMAL_MAX_SCALE)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                   _("Field “%s” cannot have %u decimals (at most %d)"),
                   name, scale, AUD_DECIMAL_MAX_SCALE);
      return NULL;
    }

  existing = aud_store_dup_field (self, scope, name);
  if (existing != NULL)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_EXISTS,
                   scope == AUD_SCOPE_CUSTOMER ?
                   _("There is already a field named “%s”") :
                   _("There is already an event property named “%s”"),
                   name);
      return NULL;
    }

  position = query_int (self, "SELECT coalesce(max(position), -1) + 1 FROM fields", 0);
  id = query_int (self, "SELECT coalesce(max(id), 0) + 1 FROM fields", 1);
  column = g_strdup_printf ("%c%" G_GINT64_FORMAT, scope == AUD_SCOPE_CUSTOMER ? 'c' : 'p', id);

  stmt = aud_store_prepare (self,
                            "INSERT INTO fields (id, scope, name, column_name, type, role, scale, "
                            "position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, scope);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, column, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, aud_field_type_to_string (type), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, aud_field_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, scale);
  sqlite3_bind_int64 (stmt, 8, position);

  if (!aud_store_step_done (self, stmt, error))
    return NULL;

  /* The column name is generated above ("c12"/"p3"), never taken from data.
   * No declared type: values keep the storage class they are bound with, so
   * a field converted to text never gets its text turned back into numbers
   * by column affinity. */
  alter = g_strdup_printf ("ALTER TABLE %s ADD COLUMN %s",
                           table_for_scope (scope), column);
  if (!aud_store_exec (self, alter, error))
    return NULL;

  return aud_store_dup_field (self, scope, name);
}

gboolean
aud_store_set_field_role (AudStore     *self,
                          AudField     *field,
                          AudFieldRole  role,
                          GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  stmt = aud_store_prepare (self, "UPDATE fields SET role = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, field->id);
  sqlite3_bind_text (stmt, 2, aud_field_role_to_string (role), -1, SQLITE_STATIC);
  if (!aud_store_step_done (self, stmt, error))
    return FALSE;

  field->role = role;
  return TRUE;
}

static gboolean
update_field_type (AudStore     *self,
                   AudField     *field,
                   AudFieldType  type,
                   guint         scale,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = aud_store_prepare (self, "UPDATE fields SET type = ?2, scale = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, field->id);
  sqlite3_bind_text (stmt, 2, aud_field_type_to_string (type), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, scale);
  if (!aud_store_step_done (self, stmt, error))
    return FALSE;

  field->type = type;
  field->scale = scale;
  return TRUE;
}

gboolean
aud_store_convert_field_to_text (AudStore  *self,
                                 AudField  *field,
                                 GError   **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (AUD_IS_STORE (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  if (field->type == AUD_FIELD_TEXT)
    return TRUE;

  /* aud_text_of() (aud-sql-functions.c) formats a stored value as the
   * canonical text of its type; the column name is store-generated. */
  sql = g_strdup_printf ("UPDATE %s SET %s = aud_text_of(%s, '%s', %u) WHERE %s IS NOT NULL",
                         table_for_scope (field->scope), field->column, field->column,
                         aud_field_type_to_string (field->type), field->scale, field->column);
  if (!aud_store_exec (self, sql, error))
    return FALSE;

  return update_field_type (self, field, AUD_FIELD_TEXT, 0, error);
}

gboolean
aud_store_rescale_field (AudStore  *self,
                         AudField  *field,
                         guint      scale,
                         GError   **error)
{
  g_autofree char *sql = NULL;
  gint64 factor = 1;

  g_return_val_if_fail (AUD_IS_STORE (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (field->type == AUD_FIELD_DECIMAL, FALSE);
  g_return_val_if_fail (scale >= field->scale, FALSE);

  if (scale > AUD_DECIMAL_MAX_SCALE)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                   _("Field “%s” cannot have %u decimals (at most %d)"),
                   field->name, scale, AUD_DECIMAL_MAX_SCALE);
      return FALSE;
    }

  if (scale == field->scale)
    return TRUE;

  for (guint i = field->scale; i < scale; i++)
    factor *= 10;

  /* An overflow makes SQLite produce a REAL; the CHECK below refuses it. */
  sql = g_strdup_printf ("UPDATE %s SET %s = %s * %" G_GINT64_FORMAT " WHERE %s IS NOT NULL",
                         table_for_scope (field->scope), field->column, field->column, factor,
                         field->column);
  if (!aud_store_exec (self, sql, error))
    return FALSE;

  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE typeof(%s) = 'real'",
                         table_for_scope (field->scope), field->column);
  if (query_int (self, sql, 0) > 0)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                   _("Values of “%s” are too large for %u decimals"), field->name, scale);
      return FALSE;
    }

  return update_field_type (self, field, AUD_FIELD_DECIMAL, scale, error);
}

gint64
aud_store_lookup_event_name (AudStore   *self,
                             const char *name)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (self), -1);
  g_return_val_if_fail (name != NULL, -1);

  stmt = aud_store_prepare (self, "SELECT id FROM event_names WHERE name = ?1", NULL);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return -1;

  return sqlite3_column_int64 (stmt, 0);
}

gint64
aud_store_intern_event_name (AudStore   *self,
                             const char *name,
                             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 id;

  g_return_val_if_fail (AUD_IS_STORE (self), -1);
  g_return_val_if_fail (name != NULL, -1);

  id = aud_store_lookup_event_name (self, name);
  if (id >= 0)
    return id;

  if (name[0] == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                           _("An event name must be non-empty UTF-8 text"));
      return -1;
    }

  stmt = aud_store_prepare (self, "INSERT INTO event_names (name) VALUES (?1)", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (!aud_store_step_done (self, stmt, error))
    return -1;

  return sqlite3_last_insert_rowid (self->db);
}

GPtrArray *
aud_store_list_event_names (AudStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *names;

  g_return_val_if_fail (AUD_IS_STORE (self), NULL);

  names = g_ptr_array_new_with_free_func (g_free);
  stmt = aud_store_prepare (self, "SELECT name FROM event_names ORDER BY name", NULL);
  if (stmt == NULL)
    return names;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));

  return names;
}

gboolean
aud_store_drop_event_indexes (AudStore *self,
                              GError  **error)
{
  return aud_store_exec (self,
                         "DROP INDEX IF EXISTS events_unlinked;"
                         "DROP INDEX IF EXISTS events_by_name_time;"
                         "DROP INDEX IF EXISTS events_by_customer;",
                         error);
}

/* The (name, ts, customer) index also holds the event properties of
 * every type but free text: a criterion on a property over a time window
 * then reads one stretch of the index instead of fetching each event's
 * row from all over the table (ten times faster). Long texts (reviews,
 * JSON arrays) stay out to keep the index small. */
gboolean
aud_store_field_in_event_index (const AudField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  return field->scope == AUD_SCOPE_EVENT && field->type != AUD_FIELD_TEXT;
}

/* The columns events_by_name_time should have. */
static GStrv
event_index_columns (AudStore *self)
{
  g_autoptr(GPtrArray) fields = aud_store_list_fields (self, AUD_SCOPE_EVENT);
  g_autoptr(GStrvBuilder) columns = g_strv_builder_new ();

  g_strv_builder_add_many (columns, "name", "ts", "customer", NULL);
  for (guint i = 0; i < fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (fields, i);

      if (aud_store_field_in_event_index (field))
        g_strv_builder_add (columns, field->column);
    }

  return g_strv_builder_end (columns);
}

/* The columns events_by_name_time has; NULL if there is no such index. */
static GStrv
current_event_index_columns (AudStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GStrvBuilder) columns = g_strv_builder_new ();
  gboolean found = FALSE;

  stmt = aud_store_prepare (self, "SELECT name FROM pragma_index_info ('events_by_name_time') "
                            "ORDER BY seqno", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 0);

      g_strv_builder_add (columns, name != NULL ? name : "");
      found = TRUE;
    }

  return found ? g_strv_builder_end (columns) : NULL;
}

gboolean
aud_store_create_event_indexes (AudStore *self,
                                GError  **error)
{
  g_auto(GStrv) columns = NULL;
  g_auto(GStrv) current = NULL;
  g_autoptr(GString) sql = g_string_new ("CREATE INDEX IF NOT EXISTS events_unlinked "
                                         "ON events (customer_key) WHERE customer IS NULL;"
                                         "CREATE INDEX IF NOT EXISTS events_by_customer "
                                         "ON events (customer, name, ts);"
                                         "CREATE INDEX IF NOT EXISTS events_by_name_time ON events (");

  g_return_val_if_fail (AUD_IS_STORE (self), FALSE);

  /* An index of other columns (property columns added or retyped since it
   * was built) is built again. */
  columns = event_index_columns (self);
  current = current_event_index_columns (self);
  if (current != NULL && !g_strv_equal ((const char * const *)current,
                                        (const char * const *)columns) &&
      !aud_store_exec (self, "DROP INDEX events_by_name_time", error))
    return FALSE;

  for (guint i = 0; columns[i] != NULL; i++)
    {
      g_autofree char *quoted = aud_sql_quote_identifier (columns[i]);

      if (quoted == NULL)
        {
          g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_CORRUPT,
                       _("The field catalog names an invalid column"));
          return FALSE;
        }
      g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", quoted);
    }
  g_string_append (sql, ");");

  return aud_store_exec (self, sql->str, error);
}

gint64
aud_store_link_events (AudStore *self,
                       GError  **error)
{
  g_return_val_if_fail (AUD_IS_STORE (self), -1);

  if (!aud_store_exec (self,
                       "UPDATE events SET customer = c.id, customer_key = NULL "
                       "FROM customers AS c "
                       "WHERE events.customer IS NULL AND c.external_id = events.customer_key",
                       error))
    return -1;

  return sqlite3_changes64 (self->db);
}

char *
aud_sql_quote_identifier (const char *name)
{
  GString *quoted;

  if (name == NULL || name[0] == '\0' || strlen (name) > MAX_NAME_BYTES ||
      !g_utf8_validate (name, -1, NULL))
    return NULL;

  for (const char *p = name; *p != '\0'; p++)
    {
      if ((guchar)*p < 0x20 || *p == 0x7f)
        return NULL;
    }

  quoted = g_string_new ("\"");
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (quoted, '"');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');

  return g_string_free (quoted, FALSE);
}

/**
 * aud_store_delete_files:
 * @path: a workspace file
 * @error: return location for an error
 *
 * Deletes a workspace and its SQLite side files (-wal, -shm, -journal);
 * files that do not exist are fine. No connection may be open on it.
 *
 * Returns: %TRUE on success
 */
gboolean
aud_store_delete_files (const char  *path,
                        GError     **error)
{
  static const char *suffixes[] = { "-wal", "-shm", "-journal", "" };

  g_return_val_if_fail (path != NULL, FALSE);

  /* The main file goes last: a stale -wal beside a new file would be
   * replayed into it. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      if (g_remove (name) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not delete %s: %s"), name, g_strerror (saved_errno));
          return FALSE;
        }
    }

  return TRUE;
}
