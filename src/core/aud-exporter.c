/* aud-exporter.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-exporter"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aud-exporter.h"
#include "aud-normalize.h"
#include "aud-reader.h"
#include "aud-value.h"

/* Output is written in blocks of about this size. */
#define WRITE_BLOCK (1024 * 1024)

/* The cancellable is looked at, and progress reported, every this many
 * rows. */
#define CHECK_ROWS 4096

/* A set of members this dense (members per row id in their range) is read
 * by one scan of the range; a sparser one by looking each member up. */
#define SCAN_DENSITY 0.05

G_DEFINE_QUARK (aud-exporter-error-quark, aud_exporter_error)

/* A column of the file. */
typedef struct
{
  char           *header;
  const AudField *field;     /* borrowed from Export.fields; NULL: the customer id */
  int             index;     /* its column in the SELECT */
  AudTransform    transform;
  gboolean        hashed;
  char           *json_key;  /* "\"header\":" */
} OutColumn;

/* The file being written: a temporary file beside the target, renamed over
 * it at the end. */
typedef struct
{
  char    *path;
  char    *tmp_path;
  int      fd;
  GString *buffer;
  guint64  bytes;
} Writer;

/* The customer being exported, with its identifiers normalised on first
 * use. */
typedef struct
{
  sqlite3_stmt *stmt;
  guint32       id;
  gboolean      country_done;
  gboolean      email_done;
  gboolean      phone_done;
  const char   *country;     /* ISO alpha-2 (static), or NULL */
  char         *email;       /* normalised, or NULL */
  char         *phone;       /* E.164, or NULL */
  gboolean      bad_email;   /* not blank, yet not an address */
  gboolean      bad_phone;   /* not blank, yet not normalisable */
} Row;

typedef struct _Export Export;
typedef gboolean (*RowFunc) (Export  *ex,
                             Row     *row,
                             GError **error);

struct _Export
{
  /* borrowed */
  AudStore               *store;
  const AudExportOptions *options;
  AudProgress            *progress;
  GCancellable           *cancellable;
  const AudPreset        *preset;

  /* owned */
  GPtrArray        *fields;       /* (element-type AudField): the catalog */
  GArray           *columns;      /* (element-type OutColumn) */
  GPtrArray        *select;       /* (element-type utf8): SELECT list */
  const AudField   *email_field;
  const AudField   *phone_field;
  const AudField   *country_field;
  const AudField   *consent_field;
  int               email_index;
  int               phone_index;
  int               country_index;
  int               consent_index;
  AudEmailFlags     email_flags;
  gboolean          uses_email;   /* emails are normalised (and counted) */
  gboolean          uses_phone;

  GHashTable       *suppress_emails;
  GHashTable       *suppress_phones;
  GHashTable       *suppress_ids;
  GHashTable       *seen;         /* dedupe keys, in seen_chunk */
  GStringChunk     *seen_chunk;

  Writer            writer;
  GString          *value;
  GString          *cell;
  GChecksum        *checksum;
  char              delimiter;
  const char       *eol;
  roaring_bitmap_t *kept;         /* who passed the filters (or was written) */
  gboolean          filter;       /* apply consent, suppression, dedupe */
  gboolean          need_key;     /* leave out members without an identifier */
  gboolean          write;        /* write the rows that pass */
  gboolean          dry_run;      /* only count what would be written: no file, no log */

  guint64           n_done;
  guint64           n_total;
  double            progress_from;
  double            progress_span;

  AudExportSummary *summary;
};

static void
writer_init (Writer *w)
{
  w->fd = -1;
  w->buffer = g_string_sized_new (WRITE_BLOCK + 64 * 1024);
}

/* Removes the temporary file, if any. Never fails. */
static void
writer_abort (Writer *w)
{
  if (w->fd >= 0)
    {
      close (w->fd);
      w->fd = -1;
    }

  if (w->tmp_path != NULL)
    {
      g_unlink (w->tmp_path);
      g_clear_pointer (&w->tmp_path, g_free);
    }
}

static void
writer_clear (Writer *w)
{
  writer_abort (w);
  g_clear_pointer (&w->path, g_free);
  if (w->buffer != NULL)
    g_string_free (w->buffer, TRUE);
  w->buffer = NULL;
}

static void
set_errno_error (GError    **error,
                 int         saved_errno,
                 const char *format,
                 const char *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), format,
               display, g_strerror (saved_errno));
}

static gboolean
writer_open (Writer     *w,
             const char *path,
             GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *template = NULL;
  struct stat st;

  w->path = g_strdup (path);

  if (g_stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      set_errno_error (error, EISDIR, _("Could not write “%s”: %s"), path);
      return FALSE;
    }

  template = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  w->fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0666);
  if (w->fd < 0)
    {
      set_errno_error (error, errno, _("Could not create a file in “%s”: %s"), dir);
      return FALSE;
    }
  w->tmp_path = g_steal_pointer (&template);

  /* mkstemp makes it private; give it the target's mode, or the mode of a
   * new file under the umask. */
  if (g_stat (path, &st) == 0)
    fchmod (w->fd, st.st_mode & 07777);
  else
    {
      mode_t mask = umask (0);

      umask (mask);
      fchmod (w->fd, 0666 & ~mask);
    }

  return TRUE;
}

static gboolean
writer_flush (Writer  *w,
              GError **error)
{
  const char *p = w->buffer->str;
  gsize left = w->buffer->len;

  while (left > 0)
    {
      gssize n = write (w->fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, _("Could not write “%s”: %s"), w->path);
          return FALSE;
        }
      p += n;
      left -= n;
    }

  w->bytes += w->buffer->len;
  g_string_truncate (w->buffer, 0);
  return TRUE;
}

/* Flushes, syncs and renames the file over the target. On failure the
 * temporary file is left for writer_abort(). */
static gboolean
writer_commit (Writer  *w,
               GError **error)
{
  g_autofree char *dir = NULL;
  int dir_fd;

  if (!writer_flush (w, error))
    return FALSE;

  if (fsync (w->fd) != 0 || close (w->fd) != 0)
    {
      w->fd = -1;
      set_errno_error (error, errno, _("Could not write “%s”: %s"), w->path);
      return FALSE;
    }
  w->fd = -1;

  if (g_rename (w->tmp_path, w->path) != 0)
    {
      set_errno_error (error, errno, _("Could not replace “%s”: %s"), w->path);
      return FALSE;
    }
  g_clear_pointer (&w->tmp_path, g_free);

  /* Make the rename itself durable. */
  dir = g_path_get_dirname (w->path);
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }

  return TRUE;
}

static void
out_column_clear (gpointer data)
{
  OutColumn *col = data;

  g_free (col->header);
  g_free (col->json_key);
}

static void
row_reset (Row *row)
{
  g_clear_pointer (&row->email, g_free);
  g_clear_pointer (&row->phone, g_free);
  row->country_done = FALSE;
  row->email_done = FALSE;
  row->phone_done = FALSE;
  row->bad_email = FALSE;
  row->bad_phone = FALSE;
}

/* The text of SELECT column @index, or NULL. */
static inline const char *
column_text (Row *row,
             int  index)
{
  if (index < 0 || sqlite3_column_type (row->stmt, index) == SQLITE_NULL)
    return NULL;

  return (const char *)sqlite3_column_text (row->stmt, index);
}

/* The customer's country as an ISO alpha-2 code, or NULL. */
static const char *
row_country (Export *ex,
             Row    *row)
{
  if (!row->country_done)
    {
      row->country_done = TRUE;
      row->country = aud_normalize_country (column_text (row, ex->country_index));
    }

  return row->country;
}

static const char *
row_email (Export *ex,
           Row    *row)
{
  if (!row->email_done)
    {
      const char *text = column_text (row, ex->email_index);

      row->email_done = TRUE;
      if (text != NULL)
        {
          row->email = aud_normalize_email (text, ex->email_flags);
          row->bad_email = row->email == NULL && !aud_value_is_blank (text, NULL);
        }
    }

  return row->email;
}

static const char *
row_phone (Export *ex,
           Row    *row)
{
  if (!row->phone_done)
    {
      const char *text = column_text (row, ex->phone_index);

      row->phone_done = TRUE;
      if (text != NULL)
        {
          row->phone = aud_normalize_phone (text, row_country (ex, row));
          row->bad_phone = row->phone == NULL && !aud_value_is_blank (text, NULL);
        }
    }

  return row->phone;
}

/* g_string_append_len() without the function call when it fits: the
 * output buffer is appended to for every value. */
static inline void
append_bytes (GString    *out,
              const char *data,
              gsize       len)
{
  if (G_LIKELY (out->len + len < out->allocated_len))
    {
      memcpy (out->str + out->len, data, len);
      out->len += len;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, data, len);
}

static inline void
append_byte (GString *out,
             char     c)
{
  if (G_LIKELY (out->len + 1 < out->allocated_len))
    {
      out->str[out->len++] = c;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_c (out, c);
}

/* An integer, or a decimal of @scale digits after the point (the same text
 * as aud_value_format_decimal(), without allocating). */
static void
append_scaled (GString *out,
               gint64   value,
               guint    scale)
{
  char buf[48];
  char *p = buf + sizeof buf;
  guint64 magnitude = value < 0 ? (guint64)0 - (guint64)value : (guint64)value;
  guint digits = 0;

  do
    {
      *--p = '0' + magnitude % 10;
      magnitude /= 10;
      if (++digits == scale)
        *--p = '.';
    }
  while (magnitude > 0 || digits <= scale);

  if (value < 0)
    *--p = '-';

  append_bytes (out, p, buf + sizeof buf - p);
}

/* The canonical text of a stored value (see aud_text_of() in
 * aud-sql-functions.c) as a span: into SQLite's memory for text, else
 * formatted into @scratch. Returns FALSE for NULL. */
static gboolean
canonical_span (Row              *row,
                const OutColumn  *col,
                GString          *scratch,
                const char      **data,
                gsize            *len)
{
  sqlite3_stmt *stmt = row->stmt;
  int type = sqlite3_column_type (stmt, col->index);

  if (type == SQLITE_NULL)
    return FALSE;

  if (col->field != NULL && type == SQLITE_INTEGER)
    {
      gint64 v = sqlite3_column_int64 (stmt, col->index);

      g_string_truncate (scratch, 0);
      switch (col->field->type)
        {
        case AUD_FIELD_DECIMAL:
          append_scaled (scratch, v, col->field->scale);
          break;

        case AUD_FIELD_DATETIME:
          {
            g_autofree char *text = aud_value_format_datetime (v);

            g_string_append (scratch, text);
          }
          break;

        case AUD_FIELD_BOOLEAN:
          g_string_append (scratch, v != 0 ? "true" : "false");
          break;

        case AUD_FIELD_TEXT:
        case AUD_FIELD_CATEGORY:
        case AUD_FIELD_INTEGER:
        case AUD_FIELD_DATE:
        default:
          append_scaled (scratch, v, 0);
          break;
        }

      *data = scratch->str;
      *len = scratch->len;
      return TRUE;
    }

  *data = (const char *)sqlite3_column_text (stmt, col->index);
  *len = sqlite3_column_bytes (stmt, col->index);
  return TRUE;
}

/* A date as year, month, day from a stored date (or date-time) value. */
static gboolean
row_date (Row             *row,
          const OutColumn *col,
          int             *year,
          int             *month,
          int             *day)
{
  sqlite3_stmt *stmt = row->stmt;
  const char *text;

  if (sqlite3_column_type (stmt, col->index) == SQLITE_INTEGER &&
      col->field != NULL && col->field->type == AUD_FIELD_DATETIME)
    {
      g_autoptr(GDateTime) dt =
        g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, col->index));

      if (dt == NULL)
        return FALSE;
      g_date_time_get_ymd (dt, year, month, day);
      return TRUE;
    }

  text = column_text (row, col->index);
  return text != NULL && aud_value_parse_date (text, AUD_DATE_ORDER_YMD, year, month, day);
}

static void
take_string (GString *out,
             char    *text)
{
  if (text != NULL)
    g_string_append (out, text);
  g_free (text);
}

/* Sets @out to the value of @col for @row, transformed (not yet hashed).
 * Returns FALSE when it is blank. */
static gboolean
column_value (Export          *ex,
              Row             *row,
              const OutColumn *col,
              GString         *out)
{
  const char *text;
  const char *data;
  gsize len;
  int year, month, day;

  g_string_truncate (out, 0);

  switch (col->transform)
    {
    case AUD_TRANSFORM_NONE:
      if (canonical_span (row, col, ex->cell, &data, &len))
        g_string_append_len (out, data, len);
      break;

    case AUD_TRANSFORM_EMAIL:
    case AUD_TRANSFORM_EMAIL_GMAIL:
      if (col->field == ex->email_field)
        {
          text = row_email (ex, row);
          if (text != NULL)
            g_string_append (out, text);
        }
      else if ((text = column_text (row, col->index)) != NULL)
        take_string (out, aud_normalize_email (text, col->transform == AUD_TRANSFORM_EMAIL_GMAIL ?
                                                       AUD_EMAIL_GMAIL_DOTS : AUD_EMAIL_DEFAULT));
      break;

    case AUD_TRANSFORM_PHONE_E164:
    case AUD_TRANSFORM_PHONE_DIGITS:
      if (col->field == ex->phone_field)
        {
          text = row_phone (ex, row);
          if (text != NULL)
            g_string_append (out, text);
        }
      else if ((text = column_text (row, col->index)) != NULL)
        take_string (out, aud_normalize_phone (text, row_country (ex, row)));

      if (out->len > 0 && col->transform == AUD_TRANSFORM_PHONE_DIGITS)
        g_string_erase (out, 0, 1);
      break;

    case AUD_TRANSFORM_TRIM:
    case AUD_TRANSFORM_LOWER:
    case AUD_TRANSFORM_NAME:
    case AUD_TRANSFORM_NAME_LETTERS:
      /* ex->cell is free until the value is hashed; the span is
       * NUL-terminated. */
      if (!canonical_span (row, col, ex->cell, &data, &len))
        break;

      if (col->transform == AUD_TRANSFORM_NAME_LETTERS)
        take_string (out, aud_normalize_name (data, AUD_NAME_LETTERS_ONLY));
      else if (col->transform == AUD_TRANSFORM_NAME)
        take_string (out, aud_normalize_name (data, AUD_NAME_DEFAULT));
      else
        {
          const char *e = data + len;

          while (data < e && g_ascii_isspace (*data))
            data++;
          while (e > data && g_ascii_isspace (e[-1]))
            e--;

          if (col->transform == AUD_TRANSFORM_TRIM)
            g_string_append_len (out, data, e - data);
          else
            take_string (out, g_utf8_strdown (data, e - data));
        }
      break;

    case AUD_TRANSFORM_COUNTRY_UPPER:
    case AUD_TRANSFORM_COUNTRY_LOWER:
      {
        const char *code = aud_normalize_country (column_text (row, col->index));

        if (code != NULL && col->transform == AUD_TRANSFORM_COUNTRY_LOWER)
          {
            g_string_append_c (out, g_ascii_tolower (code[0]));
            g_string_append_c (out, g_ascii_tolower (code[1]));
          }
        else if (code != NULL)
          g_string_append (out, code);
      }
      break;

    case AUD_TRANSFORM_POSTAL_CODE:
      if (canonical_span (row, col, ex->cell, &data, &len))
        take_string (out, aud_normalize_postal_code (data, row_country (ex, row)));
      break;

    case AUD_TRANSFORM_DATE_COMPACT:
      if (row_date (row, col, &year, &month, &day))
        g_string_append_printf (out, "%04d%02d%02d", year, month, day);
      break;

    case AUD_TRANSFORM_YEAR:
      if (row_date (row, col, &year, &month, &day))
        g_string_append_printf (out, "%04d", year);
      break;

    case AUD_TRANSFORM_GENDER:
      text = aud_normalize_gender (column_text (row, col->index));
      if (text != NULL)
        g_string_append (out, text);
      break;

    default:
      g_assert_not_reached ();
    }

  return out->len > 0;
}

/* Whether @col's value is a JSON number or boolean rather than a string. */
static gboolean
is_json_literal (const OutColumn *col,
                 Row             *row)
{
  if (col->transform != AUD_TRANSFORM_NONE || col->field == NULL ||
      sqlite3_column_type (row->stmt, col->index) != SQLITE_INTEGER)
    return FALSE;

  return col->field->type == AUD_FIELD_INTEGER ||
         col->field->type == AUD_FIELD_DECIMAL ||
         col->field->type == AUD_FIELD_BOOLEAN;
}

static void
append_csv (GString    *out,
            const char *text,
            gsize       len,
            char        delimiter)
{
  gsize i;

  for (i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == delimiter || c == '"' || c == '\n' || c == '\r')
        break;
    }

  if (i == len)
    {
      append_bytes (out, text, len);
      return;
    }

  append_byte (out, '"');
  for (i = 0; i < len; i++)
    {
      if (text[i] == '"')
        append_byte (out, '"');
      append_byte (out, text[i]);
    }
  append_byte (out, '"');
}

static void
write_header (Export *ex)
{
  GString *out = ex->writer.buffer;

  if (ex->options->format == AUD_EXPORT_FORMAT_JSON)
    {
      g_string_append_c (out, '[');
      return;
    }

  if (ex->options->format != AUD_EXPORT_FORMAT_CSV)
    return;

  if (ex->options->bom)
    g_string_append (out, "\xef\xbb\xbf");

  for (guint i = 0; i < ex->columns->len; i++)
    {
      const OutColumn *col = &g_array_index (ex->columns, OutColumn, i);

      if (i > 0)
        g_string_append_c (out, ex->delimiter);
      append_csv (out, col->header, strlen (col->header), ex->delimiter);
    }
  g_string_append (out, ex->eol);
}

static void
write_footer (Export *ex)
{
  if (ex->options->format == AUD_EXPORT_FORMAT_JSON)
    g_string_append (ex->writer.buffer, ex->summary->n_written > 0 ? "\n]\n" : "]\n");
}

static void
write_row (Export *ex,
           Row    *row)
{
  GString *out = ex->writer.buffer;
  AudExportFormat format = ex->options->format;

  if (format == AUD_EXPORT_FORMAT_JSON)
    g_string_append (out, ex->summary->n_written > 0 ? ",\n" : "\n");
  if (format != AUD_EXPORT_FORMAT_CSV)
    g_string_append_c (out, '{');

  for (guint i = 0; i < ex->columns->len; i++)
    {
      const OutColumn *col = &g_array_index (ex->columns, OutColumn, i);
      const char *data = NULL;
      gsize len = 0;
      gboolean present;

      if (col->transform == AUD_TRANSFORM_NONE)
        present = canonical_span (row, col, ex->value, &data, &len);
      else
        {
          present = column_value (ex, row, col, ex->value);
          data = ex->value->str;
          len = ex->value->len;
        }

      if (present && col->hashed)
        {
          g_checksum_reset (ex->checksum);
          g_checksum_update (ex->checksum, (const guchar *)data, len);
          g_string_assign (ex->cell, g_checksum_get_string (ex->checksum));
          data = ex->cell->str;
          len = ex->cell->len;
        }

      if (format == AUD_EXPORT_FORMAT_CSV)
        {
          if (i > 0)
            append_byte (out, ex->delimiter);
          if (present)
            append_csv (out, data, len, ex->delimiter);
        }
      else
        {
          if (i > 0)
            append_byte (out, ',');
          g_string_append (out, col->json_key);
          if (!present)
            append_bytes (out, "null", 4);
          else if (is_json_literal (col, row))
            append_bytes (out, data, len);
          else
            aud_value_append_json_string (out, data, len);
        }
    }

  if (format == AUD_EXPORT_FORMAT_CSV)
    g_string_append (out, ex->eol);
  else if (format == AUD_EXPORT_FORMAT_JSONL)
    g_string_append (out, "}\n");
  else
    g_string_append_c (out, '}');

  ex->summary->n_written++;

  if (ex->uses_email)
    {
      row_email (ex, row);
      if (row->bad_email)
        ex->summary->n_bad_emails++;
    }
  if (ex->uses_phone)
    {
      row_phone (ex, row);
      if (row->bad_phone)
        ex->summary->n_bad_phones++;
    }
}

static gboolean
has_consent (Export *ex,
             Row    *row)
{
  sqlite3_stmt *stmt = row->stmt;
  gboolean value = FALSE;

  switch (sqlite3_column_type (stmt, ex->consent_index))
    {
    case SQLITE_INTEGER:
      return sqlite3_column_int64 (stmt, ex->consent_index) != 0;

    case SQLITE_TEXT:
      return aud_value_parse_boolean ((const char *)sqlite3_column_text (stmt, ex->consent_index),
                                      &value) && value;

    default:
      return FALSE;
    }
}

static gboolean
is_suppressed (Export *ex,
               Row    *row)
{
  const char *id = column_text (row, 1);
  const char *email;
  const char *phone;

  if (ex->suppress_ids != NULL && id != NULL && g_hash_table_contains (ex->suppress_ids, id))
    return TRUE;

  if (ex->suppress_emails != NULL && g_hash_table_size (ex->suppress_emails) > 0 &&
      (email = row_email (ex, row)) != NULL &&
      g_hash_table_contains (ex->suppress_emails, email))
    return TRUE;

  if (ex->suppress_phones != NULL && g_hash_table_size (ex->suppress_phones) > 0 &&
      (phone = row_phone (ex, row)) != NULL &&
      g_hash_table_contains (ex->suppress_phones, phone))
    return TRUE;

  return FALSE;
}

/* The dedupe key of @row for the preset ("e:" email or "p:" phone), or
 * NULL when it has none. */
static char *
row_key (Export *ex,
         Row    *row)
{
  const char *email = NULL;
  const char *phone = NULL;

  switch (ex->preset->key)
    {
    case AUD_PRESET_KEY_EMAIL:
      email = row_email (ex, row);
      break;

    case AUD_PRESET_KEY_PHONE:
      phone = row_phone (ex, row);
      break;

    case AUD_PRESET_KEY_EMAIL_OR_PHONE:
      if (ex->email_field != NULL)
        email = row_email (ex, row);
      if (email == NULL && ex->phone_field != NULL)
        phone = row_phone (ex, row);
      break;

    case AUD_PRESET_KEY_NONE:
    case AUD_PRESET_KEY_CUSTOMER_ID:
    default:
      return g_strdup ("");
    }

  if (email != NULL)
    return g_strconcat ("e:", email, NULL);
  if (phone != NULL)
    return g_strconcat ("p:", phone, NULL);

  return NULL;
}

/* Applies the filters and writes (or keeps) one member. */
static gboolean
export_row (Export  *ex,
            Row     *row,
            GError **error)
{
  AudExportSummary *summary = ex->summary;

  if (ex->filter && ex->consent_index >= 0 && !has_consent (ex, row))
    {
      summary->n_unconsented++;
      if (!ex->options->include_unconsented)
        return TRUE;
    }

  if (ex->filter && is_suppressed (ex, row))
    {
      summary->n_suppressed++;
      return TRUE;
    }

  if (ex->need_key)
    {
      g_autofree char *key = row_key (ex, row);

      if (key == NULL)
        {
          summary->n_no_identifier++;
          return TRUE;
        }

      if (ex->filter && ex->seen != NULL)
        {
          if (g_hash_table_contains (ex->seen, key))
            {
              summary->n_merged++;
              return TRUE;
            }
          g_hash_table_add (ex->seen, g_string_chunk_insert (ex->seen_chunk, key));
        }
    }

  roaring_bitmap_add (ex->kept, row->id);

  if (!ex->write)
    return TRUE;

  if (ex->dry_run)
    {
      summary->n_written++;
      return TRUE;
    }

  if (ex->options->fail_after > 0 && summary->n_written >= ex->options->fail_after)
    {
      set_errno_error (error, ENOSPC, _("Could not write “%s”: %s"), ex->writer.path);
      return FALSE;
    }

  write_row (ex, row);

  if (ex->writer.buffer->len >= WRITE_BLOCK)
    return writer_flush (&ex->writer, error);

  return TRUE;
}

static gboolean
check_progress (Export  *ex,
                GError **error)
{
  if (g_cancellable_set_error_if_cancelled (ex->cancellable, error))
    return FALSE;

  if (ex->progress != NULL && ex->n_total > 0)
    aud_progress_update (ex->progress,
                         ex->progress_from +
                         ex->progress_span * (double)ex->n_done / (double)ex->n_total,
                         ex->summary->n_written, _("Exporting…"));

  return TRUE;
}

static char *
select_sql (Export     *ex,
            const char *where)
{
  GString *sql = g_string_new ("SELECT ");

  for (guint i = 0; i < ex->select->len; i++)
    {
      if (i > 0)
        g_string_append (sql, ", ");
      g_string_append (sql, g_ptr_array_index (ex->select, i));
    }
  g_string_append_printf (sql, " FROM customers WHERE %s", where);

  return g_string_free (sql, FALSE);
}

/* Calls @func for the customer of each id in @ids, in id order, with the
 * SELECT list of @ex. Ids that are no customer are skipped. */
static gboolean
for_each_row (Export                 *ex,
              const roaring_bitmap_t *ids,
              RowFunc                 func,
              GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  roaring_uint32_iterator_t it;
  Row row = { 0, };
  guint64 n = roaring_bitmap_get_cardinality (ids);
  guint32 min, max;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  ex->n_total = n;
  ex->n_done = 0;
  if (n == 0)
    return TRUE;

  min = roaring_bitmap_minimum (ids);
  max = roaring_bitmap_maximum (ids);
  roaring_init_iterator (ids, &it);

  if ((double)n >= SCAN_DENSITY * ((double)max - min + 1))
    {
      /* Dense: one scan of the range, merged with the ids. */
      sql = select_sql (ex, "id BETWEEN ?1 AND ?2 ORDER BY id");
      if ((stmt = aud_store_prepare (ex->store, sql, error)) == NULL)
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, min);
      sqlite3_bind_int64 (stmt, 2, max);
      row.stmt = stmt;

      while (ok && it.has_value && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          if (it.current_value < id)
            roaring_move_uint32_iterator_equalorlarger (&it, id);
          if (!it.has_value || it.current_value != id)
            continue;

          row.id = id;
          ok = func (ex, &row, error);
          row_reset (&row);
          roaring_advance_uint32_iterator (&it);

          if (ok && ++ex->n_done % CHECK_ROWS == 0)
            ok = check_progress (ex, error);
        }

      if (ok && it.has_value && rc != SQLITE_DONE && rc != SQLITE_ROW)
        {
          aud_store_set_error (ex->store, rc, error);
          ok = FALSE;
        }
    }
  else
    {
      /* Sparse: look each one up. */
      sql = select_sql (ex, "id = ?1");
      if ((stmt = aud_store_prepare (ex->store, sql, error)) == NULL)
        return FALSE;

      row.stmt = stmt;
      for (; ok && it.has_value; roaring_advance_uint32_iterator (&it))
        {
          sqlite3_bind_int64 (stmt, 1, it.current_value);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              row.id = it.current_value;
              ok = func (ex, &row, error);
              row_reset (&row);
            }
          else if (rc != SQLITE_DONE)
            {
              aud_store_set_error (ex->store, rc, error);
              ok = FALSE;
            }
          sqlite3_reset (stmt);

          if (ok && ++ex->n_done % CHECK_ROWS == 0)
            ok = check_progress (ex, error);
        }
    }

  return ok && check_progress (ex, error);
}

/* Adds a column to the SELECT list (once) and returns its index. */
static int
select_column (Export         *ex,
               const AudField *field)
{
  const char *column = field != NULL ? field->column : "external_id";

  for (guint i = 0; i < ex->select->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (ex->select, i), column))
        return i;
    }

  g_ptr_array_add (ex->select, g_strdup (column));
  return ex->select->len - 1;
}

static const AudField *
find_field (Export     *ex,
            const char *name)
{
  for (guint i = 0; i < ex->fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (ex->fields, i);

      if (g_str_equal (field->name, name))
        return field;
    }

  return NULL;
}

static const AudField *
find_field_by_role (Export       *ex,
                    AudFieldRole  role)
{
  for (guint i = 0; i < ex->fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (ex->fields, i);

      if (field->role == role)
        return field;
    }

  return NULL;
}

static void
add_column (Export         *ex,
            const char     *header,
            const AudField *field,
            AudTransform    transform,
            gboolean        hashed)
{
  OutColumn col = { 0, };
  g_autoptr(GString) key = g_string_new (NULL);

  aud_value_append_json_string (key, header, -1);
  g_string_append_c (key, ':');

  col.header = g_strdup (header);
  col.field = field;
  col.index = select_column (ex, field);
  col.transform = transform;
  col.hashed = hashed;
  col.json_key = g_string_free (g_steal_pointer (&key), FALSE);
  g_array_append_val (ex->columns, col);
}

/* A column spec: "name" or "Header=name". @field is NULL for the customer
 * id. */
static gboolean
parse_column_spec (Export          *ex,
                   const char      *spec,
                   char           **header,
                   const AudField **field,
                   GError         **error)
{
  const char *eq = strchr (spec, '=');
  const char *name = spec;

  if (find_field (ex, spec) == NULL && eq != NULL)
    name = eq + 1;

  *header = name == spec ? g_strdup (spec) : g_strndup (spec, eq - spec);
  *field = NULL;

  if (g_str_equal (name, "customer_id"))
    return TRUE;

  *field = find_field (ex, name);
  if (*field == NULL)
    {
      g_autoptr(GString) names = g_string_new ("customer_id");

      for (guint i = 0; i < ex->fields->len; i++)
        {
          const AudField *f = g_ptr_array_index (ex->fields, i);

          g_string_append_printf (names, ", %s", f->name);
        }

      g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_UNKNOWN_COLUMN,
                   _("There is no field named “%s” (the fields are: %s)"), name, names->str);
      g_clear_pointer (header, g_free);
      return FALSE;
    }

  return TRUE;
}

static const char *
consent_label (AudConsent consent)
{
  switch (consent)
    {
    case AUD_CONSENT_EMAIL:
      return _("email");
    case AUD_CONSENT_SMS:
      return _("SMS");
    case AUD_CONSENT_ADS:
      return _("advertising");
    case AUD_CONSENT_NONE:
    default:
      return "";
    }
}

static void
add_warning (Export     *ex,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (Export     *ex,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (ex->summary->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Sets up the columns, the SELECT list and the identifier and consent
 * fields from the preset and the options. */
static gboolean
plan_columns (Export  *ex,
              GError **error)
{
  const AudExportOptions *options = ex->options;
  const AudPreset *preset = ex->preset;
  guint n_specs = options->columns != NULL ? g_strv_length (options->columns) : 0;
  g_autofree gboolean *used = g_new0 (gboolean, n_specs + 1);
  g_autofree char **headers = g_new0 (char *, n_specs + 1);
  g_autofree const AudField **spec_fields = g_new0 (const AudField *, n_specs + 1);
  gboolean ok = TRUE;

  ex->fields = aud_store_list_fields (ex->store, AUD_SCOPE_CUSTOMER);
  ex->select = g_ptr_array_new_with_free_func (g_free);
  ex->columns = g_array_new (FALSE, TRUE, sizeof (OutColumn));
  g_array_set_clear_func (ex->columns, out_column_clear);

  /* 0: the row id, 1: the customer id */
  g_ptr_array_add (ex->select, g_strdup ("id"));
  g_ptr_array_add (ex->select, g_strdup ("external_id"));

  for (guint i = 0; i < n_specs && ok; i++)
    ok = parse_column_spec (ex, options->columns[i], &headers[i], &spec_fields[i], error);

  if (!ok)
    {
      for (guint i = 0; i < n_specs; i++)
        g_free (headers[i]);
      return FALSE;
    }

  ex->email_field = find_field_by_role (ex, AUD_ROLE_EMAIL);
  ex->phone_field = find_field_by_role (ex, AUD_ROLE_PHONE);

  if (preset->n_columns == 0 && n_specs == 0)
    {
      add_column (ex, "customer_id", NULL, AUD_TRANSFORM_NONE, FALSE);
      for (guint i = 0; i < ex->fields->len; i++)
        {
          const AudField *field = g_ptr_array_index (ex->fields, i);

          add_column (ex, field->name, field, AUD_TRANSFORM_NONE, FALSE);
        }
    }

  for (guint c = 0; c < preset->n_columns; c++)
    {
      const AudPresetColumn *pc = &preset->columns[c];
      const AudField *field = NULL;
      gboolean found = pc->role == AUD_ROLE_CUSTOMER_ID;

      for (guint i = 0; i < n_specs; i++)
        {
          if (g_str_equal (headers[i], pc->header))
            {
              field = spec_fields[i];
              found = TRUE;
              used[i] = TRUE;
            }
        }

      if (!found && pc->role != AUD_ROLE_NONE)
        {
          field = find_field_by_role (ex, pc->role);
          found = field != NULL;
        }

      if (!found)
        continue;

      if (field != NULL && (pc->transform == AUD_TRANSFORM_EMAIL ||
                            pc->transform == AUD_TRANSFORM_EMAIL_GMAIL))
        {
          ex->email_field = field;
          ex->uses_email = TRUE;
          if (pc->transform == AUD_TRANSFORM_EMAIL_GMAIL)
            ex->email_flags = AUD_EMAIL_GMAIL_DOTS;
        }
      if (field != NULL && (pc->transform == AUD_TRANSFORM_PHONE_E164 ||
                            pc->transform == AUD_TRANSFORM_PHONE_DIGITS))
        {
          ex->phone_field = field;
          ex->uses_phone = TRUE;
        }

      add_column (ex, pc->header, field, pc->transform, pc->hashed);
    }

  for (guint i = 0; i < n_specs; i++)
    {
      if (!used[i])
        add_column (ex, headers[i], spec_fields[i], AUD_TRANSFORM_NONE, FALSE);
      g_free (headers[i]);
    }

  switch (preset->key)
    {
    case AUD_PRESET_KEY_EMAIL:
      if (ex->email_field == NULL)
        {
          g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_MISSING_FIELD,
                       _("The preset “%s” needs email addresses, and the workspace has no "
                         "field with the role email"), preset->name);
          return FALSE;
        }
      ex->uses_email = TRUE;
      break;

    case AUD_PRESET_KEY_PHONE:
      if (ex->phone_field == NULL)
        {
          g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_MISSING_FIELD,
                       _("The preset “%s” needs phone numbers, and the workspace has no "
                         "field with the role phone"), preset->name);
          return FALSE;
        }
      ex->uses_phone = TRUE;
      break;

    case AUD_PRESET_KEY_EMAIL_OR_PHONE:
      if (ex->email_field == NULL && ex->phone_field == NULL)
        {
          g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_MISSING_FIELD,
                       _("The preset “%s” needs email addresses or phone numbers, and the "
                         "workspace has no field with the role email or phone"),
                       preset->name);
          return FALSE;
        }
      break;

    case AUD_PRESET_KEY_NONE:
    case AUD_PRESET_KEY_CUSTOMER_ID:
    default:
      break;
    }

  ex->need_key = preset->key != AUD_PRESET_KEY_NONE && preset->key != AUD_PRESET_KEY_CUSTOMER_ID;
  ex->country_field = find_field_by_role (ex, AUD_ROLE_COUNTRY);

  ex->email_index = ex->email_field != NULL ? select_column (ex, ex->email_field) : -1;
  ex->phone_index = ex->phone_field != NULL ? select_column (ex, ex->phone_field) : -1;
  ex->country_index = ex->country_field != NULL ? select_column (ex, ex->country_field) : -1;
  ex->consent_index = -1;

  if (preset->consent != AUD_CONSENT_NONE)
    {
      ex->consent_field = find_field_by_role (ex, aud_consent_get_role (preset->consent));

      if (ex->consent_field == NULL && !options->include_unconsented)
        {
          g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_NO_CONSENT_FIELD,
                       _("The preset “%s” exports only customers with %s consent, and the "
                         "workspace has no field with the role %s. Give the consent field "
                         "that role, or include customers without consent."),
                       preset->name, consent_label (preset->consent),
                       aud_field_role_to_string (aud_consent_get_role (preset->consent)));
          return FALSE;
        }

      if (ex->consent_field == NULL)
        add_warning (ex, _("The workspace has no field with the role %s: %s consent was not "
                           "checked."),
                     aud_field_role_to_string (aud_consent_get_role (preset->consent)),
                     consent_label (preset->consent));
      else
        ex->consent_index = select_column (ex, ex->consent_field);
    }

  if (ex->columns->len == 0)
    {
      g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_MISSING_FIELD,
                   _("None of the columns of the preset “%s” has a field in this workspace"),
                   preset->name);
      return FALSE;
    }

  return TRUE;
}

static const char * const email_headers[] = {
  "email", "e-mail", "emailaddress", "e-mailaddress", "mail", NULL
};
static const char * const phone_headers[] = {
  "phone", "phonenumber", "mobile", "mobilephone", "telephone", "tel", "sms", "cell", NULL
};
static const char * const id_headers[] = {
  "id", "customerid", "customer_id", "externalid", "external_id", "userid", "user_id", NULL
};

/* What a suppression file's column holds, from its header. */
typedef enum
{
  SUPPRESS_UNKNOWN,
  SUPPRESS_EMAIL,
  SUPPRESS_PHONE,
  SUPPRESS_ID,
  SUPPRESS_ANY,     /* no header: guessed per value */
} SuppressKind;

static SuppressKind
suppress_kind_of_header (const char *cell)
{
  g_autofree char *key = NULL;
  GString *k;

  if (cell == NULL)
    return SUPPRESS_UNKNOWN;

  k = g_string_new (NULL);
  for (const char *p = cell; *p != '\0'; p++)
    {
      if (!g_ascii_isspace (*p))
        g_string_append_c (k, g_ascii_tolower (*p));
    }
  key = g_string_free (k, FALSE);

  if (g_strv_contains (email_headers, key))
    return SUPPRESS_EMAIL;
  if (g_strv_contains (phone_headers, key))
    return SUPPRESS_PHONE;
  if (g_strv_contains (id_headers, key))
    return SUPPRESS_ID;

  return SUPPRESS_UNKNOWN;
}

/* Adds one suppression value; FALSE when it is none of its kind. */
static gboolean
add_suppressed (Export       *ex,
                SuppressKind  kind,
                const char   *value)
{
  char *normal;

  if (value == NULL || aud_value_is_blank (value, NULL))
    return TRUE;

  if (kind == SUPPRESS_ANY)
    {
      const char *s = value;

      while (g_ascii_isspace (*s))
        s++;
      if (strchr (value, '@') != NULL)
        kind = SUPPRESS_EMAIL;
      else if (*s == '+' || g_str_has_prefix (s, "00"))
        kind = SUPPRESS_PHONE;
      else
        kind = SUPPRESS_ID;
    }

  switch (kind)
    {
    case SUPPRESS_EMAIL:
      normal = aud_normalize_email (value, ex->email_flags);
      if (normal == NULL)
        return FALSE;
      g_hash_table_add (ex->suppress_emails, normal);
      return TRUE;

    case SUPPRESS_PHONE:
      normal = aud_normalize_phone (value, NULL);
      if (normal == NULL)
        return FALSE;
      g_hash_table_add (ex->suppress_phones, normal);
      return TRUE;

    case SUPPRESS_ID:
      g_hash_table_add (ex->suppress_ids, g_strstrip (g_strdup (value)));
      return TRUE;

    case SUPPRESS_UNKNOWN:
    case SUPPRESS_ANY:
    default:
      return TRUE;
    }
}

/* Reads the suppression list: one value per line, or a CSV whose header
 * names an email, phone or id column (other columns are ignored). */
static gboolean
load_suppression (Export     *ex,
                  const char *path,
                  GError    **error)
{
  AudReadOptions read_options = AUD_READ_OPTIONS_INIT;
  g_autoptr(AudReader) reader = NULL;
  g_autofree SuppressKind *kinds = NULL;
  AudRow *row;
  GError *local_error = NULL;
  guint n_columns = 0;
  guint64 n_unusable = 0;
  gboolean header = TRUE;
  gboolean any_known = FALSE;

  ex->suppress_emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ex->suppress_phones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ex->suppress_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  read_options.format = AUD_FILE_FORMAT_CSV;
  read_options.header = AUD_HEADER_NO;
  reader = aud_reader_open (path, &read_options, &local_error);
  if (reader == NULL && g_error_matches (local_error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_EMPTY))
    {
      g_clear_error (&local_error);
      return TRUE;
    }
  if (reader == NULL)
    {
      g_propagate_prefixed_error (error, local_error, _("Could not read the suppression list: "));
      return FALSE;
    }

  aud_reader_get_columns (reader, &n_columns);
  kinds = g_new0 (SuppressKind, MAX (n_columns, 1));

  while (aud_reader_next (reader, &row, &local_error))
    {
      if (header)
        {
          /* The first row is a header when it names a known column. */
          header = FALSE;
          for (guint i = 0; i < row->n_cells && i < n_columns; i++)
            {
              kinds[i] = suppress_kind_of_header (row->cells[i]);
              any_known = any_known || kinds[i] != SUPPRESS_UNKNOWN;
            }

          if (any_known)
            continue;

          if (n_columns > 1)
            {
              g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_SUPPRESSION,
                           _("%s: the first line should name the columns (email, phone or "
                             "customer_id) or the file should have one value per line"),
                           path);
              return FALSE;
            }
          kinds[0] = SUPPRESS_ANY;
        }

      if (row->problem == AUD_ROW_PROBLEM_INVALID_TEXT)
        {
          n_unusable++;
          continue;
        }

      for (guint i = 0; i < row->n_cells && i < n_columns; i++)
        {
          if (!add_suppressed (ex, kinds[i], row->cells[i]))
            n_unusable++;
        }
    }

  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, local_error, _("Could not read the suppression list: "));
      return FALSE;
    }

  if (n_unusable > 0)
    {
      g_autofree char *n = aud_value_format_count (n_unusable);

      add_warning (ex,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s value of the suppression list is not an email address or an "
                                "international phone number and was ignored",
                                "%s values of the suppression list are not email addresses or "
                                "international phone numbers and were ignored",
                                n_unusable),
                   n);
    }

  if (g_hash_table_size (ex->suppress_emails) > 0 && ex->email_field == NULL)
    add_warning (ex, _("The suppression list has email addresses, but the workspace has no "
                       "field with the role email: they were not matched."));
  if (g_hash_table_size (ex->suppress_phones) > 0 && ex->phone_field == NULL)
    add_warning (ex, _("The suppression list has phone numbers, but the workspace has no "
                       "field with the role phone: they were not matched."));

  return TRUE;
}

/* The members of the last export of this segment with this preset, or an
 * empty set. */
static roaring_bitmap_t *
load_previous (Export  *ex,
               GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  roaring_bitmap_t *members;
  int rc;

  stmt = aud_store_prepare (ex->store,
                            "SELECT members FROM exports WHERE segment_name = ?1 AND preset = ?2 "
                            "ORDER BY id DESC LIMIT 1",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, ex->options->segment_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ex->preset->name, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      add_warning (ex, _("“%s” was not exported with the preset “%s” before: every member "
                         "counts as added."),
                   ex->options->segment_name, ex->preset->name);
      return roaring_bitmap_create ();
    }
  if (rc != SQLITE_ROW)
    {
      aud_store_set_error (ex->store, rc, error);
      return NULL;
    }

  members = roaring_bitmap_portable_deserialize_safe (sqlite3_column_blob (stmt, 0),
                                                      sqlite3_column_bytes (stmt, 0));
  if (members == NULL)
    g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_FAILED,
                 _("The record of the last export of “%s” is damaged"),
                 ex->options->segment_name);

  return members;
}

/* Inserts the export log row (inside the caller's transaction). */
static gboolean
log_export (Export                 *ex,
            const roaring_bitmap_t *state,
            GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *blob = NULL;
  g_autofree char *file = g_canonicalize_filename (ex->writer.path, NULL);
  roaring_bitmap_t *compact = roaring_bitmap_copy (state);
  gint64 now = ex->options->now;
  gsize size;

  roaring_bitmap_run_optimize (compact);
  size = roaring_bitmap_portable_size_in_bytes (compact);
  blob = g_malloc (size);
  roaring_bitmap_portable_serialize (compact, blob);
  roaring_bitmap_free (compact);

  if (now == 0)
    now = aud_store_get_reference_time (ex->store);
  if (now < 0)
    now = g_get_real_time () / G_USEC_PER_SEC;

  stmt = aud_store_prepare (ex->store,
                            "INSERT INTO exports (segment_name, definition, now, preset, format, "
                            "changes, file, count, members, created) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, ex->options->segment_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ex->options->definition, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_text (stmt, 4, ex->preset->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, aud_export_format_to_string (ex->options->format), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, aud_export_changes_to_string (ex->options->changes), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, file, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, ex->summary->n_written);
  sqlite3_bind_blob64 (stmt, 9, blob, size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, g_get_real_time () / G_USEC_PER_SEC);

  if (!aud_store_step_done (ex->store, stmt, error))
    return FALSE;

  ex->summary->export_id = sqlite3_last_insert_rowid (aud_store_get_db (ex->store));
  return TRUE;
}

static void
export_clear (Export *ex)
{
  g_clear_pointer (&ex->fields, g_ptr_array_unref);
  g_clear_pointer (&ex->columns, g_array_unref);
  g_clear_pointer (&ex->select, g_ptr_array_unref);
  g_clear_pointer (&ex->suppress_emails, g_hash_table_unref);
  g_clear_pointer (&ex->suppress_phones, g_hash_table_unref);
  g_clear_pointer (&ex->suppress_ids, g_hash_table_unref);
  g_clear_pointer (&ex->seen, g_hash_table_unref);
  g_clear_pointer (&ex->seen_chunk, g_string_chunk_free);
  g_clear_pointer (&ex->kept, roaring_bitmap_free);
  writer_clear (&ex->writer);
  if (ex->value != NULL)
    g_string_free (ex->value, TRUE);
  if (ex->cell != NULL)
    g_string_free (ex->cell, TRUE);
  g_clear_pointer (&ex->checksum, g_checksum_free);
  g_clear_pointer (&ex->summary, aud_export_summary_free);
}

static void
add_count_warnings (Export *ex)
{
  AudExportSummary *summary = ex->summary;

  if (ex->options->include_unconsented && summary->n_unconsented > 0)
    {
      g_autofree char *n = aud_value_format_count (summary->n_unconsented);

      add_warning (ex,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s customer without %s consent was included",
                                "%s customers without %s consent were included",
                                summary->n_unconsented),
                   n, consent_label (ex->preset->consent));
    }
}

/* Runs the export; the file is in place and logged on success, and
 * nothing is changed on failure. */
static gboolean
run_export (Export                 *ex,
            const roaring_bitmap_t *members,
            GError                **error)
{
  const AudExportOptions *options = ex->options;
  g_autoptr(GError) local_error = NULL;
  roaring_bitmap_t *previous = NULL;
  roaring_bitmap_t *target = NULL;
  roaring_bitmap_t *state = NULL;
  gboolean ok;

  if (options->changes != AUD_EXPORT_CHANGES_ALL && options->segment_name == NULL)
    {
      g_set_error_literal (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_INVALID,
                           _("Exporting the changes since the last export needs the segment’s "
                             "name"));
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (ex->cancellable, error) || !plan_columns (ex, error))
    return FALSE;

  if (options->suppress != NULL && !load_suppression (ex, options->suppress, error))
    return FALSE;

  if (ex->need_key)
    {
      ex->seen = g_hash_table_new (g_str_hash, g_str_equal);
      ex->seen_chunk = g_string_chunk_new (64 * 1024);
    }

  if (options->changes != AUD_EXPORT_CHANGES_ALL && (previous = load_previous (ex, error)) == NULL)
    return FALSE;

  if (!ex->dry_run && !writer_open (&ex->writer, ex->summary->file, error))
    {
      g_clear_pointer (&previous, roaring_bitmap_free);
      return FALSE;
    }

  if (!ex->dry_run)
    write_header (ex);
  ex->kept = roaring_bitmap_create ();
  ex->filter = TRUE;

  if (options->changes == AUD_EXPORT_CHANGES_ALL)
    {
      ex->write = TRUE;
      ex->progress_span = 1.0;
      ok = for_each_row (ex, members, export_row, error);
      state = ex->kept;
      ex->kept = NULL;
    }
  else
    {
      /* First who would be exported now, then the difference. */
      ex->write = FALSE;
      ex->progress_span = 0.5;
      ok = for_each_row (ex, members, export_row, error);

      if (ok)
        {
          if (options->changes == AUD_EXPORT_CHANGES_ADDED)
            target = roaring_bitmap_andnot (ex->kept, previous);
          else
            target = roaring_bitmap_andnot (previous, ex->kept);

          roaring_bitmap_clear (ex->kept);
          ex->filter = FALSE;
          ex->need_key = ex->need_key && options->changes == AUD_EXPORT_CHANGES_REMOVED;
          ex->write = TRUE;
          ex->progress_from = 0.5;
          ok = for_each_row (ex, target, export_row, error);
        }

      if (ok && options->changes == AUD_EXPORT_CHANGES_ADDED)
        state = roaring_bitmap_or (previous, target);
      else if (ok)
        state = roaring_bitmap_andnot (previous, target);

      ex->summary->n_previous = roaring_bitmap_get_cardinality (previous);
    }

  g_clear_pointer (&previous, roaring_bitmap_free);
  g_clear_pointer (&target, roaring_bitmap_free);

  if (ex->dry_run)
    {
      g_clear_pointer (&state, roaring_bitmap_free);
      if (ok)
        add_count_warnings (ex);
      return ok;
    }

  if (ok)
    {
      write_footer (ex);
      ok = writer_flush (&ex->writer, error);
    }

  /* Log and rename together: the log row is committed only once the file
   * is in place. */
  if (ok && !options->no_log)
    {
      ok = aud_store_begin (ex->store, error) && log_export (ex, state, error);
      if (!ok)
        aud_store_rollback (ex->store);
    }

  if (ok)
    ok = writer_commit (&ex->writer, error);

  if (ok && !options->no_log && !aud_store_commit (ex->store, &local_error))
    {
      aud_store_rollback (ex->store);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("%s was written, but the export could not be recorded: "),
                                  ex->summary->file);
      ok = FALSE;
    }
  else if (!ok && !options->no_log)
    aud_store_rollback (ex->store);

  g_clear_pointer (&state, roaring_bitmap_free);

  if (!ok)
    {
      writer_abort (&ex->writer);
      return FALSE;
    }

  ex->summary->bytes = ex->writer.bytes;
  add_count_warnings (ex);
  return TRUE;
}

/* aud_exporter_run() and, without @path, aud_exporter_plan(). */
static AudExportSummary *
export_members (AudStore               *store,
                const roaring_bitmap_t *members,
                const char             *path,
                const AudExportOptions *options,
                AudProgress            *progress,
                GCancellable           *cancellable,
                GError                **error)
{
  static const AudExportOptions defaults = { 0, };
  Export ex = { 0, };
  AudExportSummary *summary;
  const char *preset_name;

  if (options == NULL)
    options = &defaults;

  preset_name = options->preset != NULL ? options->preset : "generic";
  ex.preset = aud_preset_lookup (preset_name);
  if (ex.preset == NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      guint n;
      const AudPreset *presets = aud_preset_list (&n);

      for (guint i = 0; i < n; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", presets[i].name);

      g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_UNKNOWN_PRESET,
                   _("There is no export preset named “%s” (the presets are: %s)"),
                   preset_name, names->str);
      return NULL;
    }

  if (options->delimiter == '"' || options->delimiter == '\n' || options->delimiter == '\r')
    {
      g_set_error_literal (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_INVALID,
                           _("A CSV delimiter cannot be a quote or a line break"));
      return NULL;
    }

  ex.store = store;
  ex.options = options;
  ex.progress = progress;
  ex.dry_run = path == NULL;
  ex.cancellable = cancellable;
  ex.delimiter = options->delimiter != 0 ? options->delimiter : ',';
  ex.eol = options->crlf ? "\r\n" : "\n";
  ex.value = g_string_new (NULL);
  ex.cell = g_string_new (NULL);
  ex.checksum = g_checksum_new (G_CHECKSUM_SHA256);
  writer_init (&ex.writer);

  ex.summary = g_new0 (AudExportSummary, 1);
  ex.summary->file = g_strdup (path);
  ex.summary->n_members = roaring_bitmap_get_cardinality (members);
  ex.summary->warnings = g_ptr_array_new_with_free_func (g_free);

  if (!run_export (&ex, members, error))
    {
      export_clear (&ex);
      return NULL;
    }

  summary = g_steal_pointer (&ex.summary);
  export_clear (&ex);

  return summary;
}

/**
 * aud_exporter_run:
 * @store: the workspace
 * @members: the customer row ids to export
 * @path: the file to write (replaced atomically when it exists)
 * @options: (nullable): what and how; NULL for a generic CSV
 * @progress: (nullable): progress to update
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Exports @members to @path and records the export (see the top of
 * aud-exporter.h). Blocking: the thread that owns @store.
 *
 * Returns: (transfer full): what was done, or NULL with @error set (and no
 *   file written, an existing file untouched, nothing recorded)
 */
AudExportSummary *
aud_exporter_run (AudStore               *store,
                  const roaring_bitmap_t *members,
                  const char             *path,
                  const AudExportOptions *options,
                  AudProgress            *progress,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (members != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (progress == NULL || AUD_IS_PROGRESS (progress), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  return export_members (store, members, path, options, progress, cancellable, error);
}

/**
 * aud_exporter_plan:
 * @store: the workspace
 * @members: the customer row ids to export
 * @options: (nullable): what and how; NULL for a generic CSV
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * What aud_exporter_run() would do with the same arguments, without
 * writing or recording anything: the same checks and filters, so the same
 * errors and the same counts of rows written and left out. The summary's
 * @file is %NULL and @bytes, @n_bad_emails, @n_bad_phones and @export_id
 * are 0. Blocking: the thread that owns @store.
 *
 * Returns: (transfer full): the counts, or NULL with @error set
 */
AudExportSummary *
aud_exporter_plan (AudStore               *store,
                   const roaring_bitmap_t *members,
                   const AudExportOptions *options,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (members != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  return export_members (store, members, NULL, options, NULL, cancellable, error);
}

typedef struct
{
  char             *store_path;
  roaring_bitmap_t *members;
  char             *path;
  AudExportOptions  options;
  AudProgress      *progress;
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->store_path);
  roaring_bitmap_free (data->members);
  g_free (data->path);
  aud_export_options_clear (&data->options);
  g_clear_object (&data->progress);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr(AudStore) store = NULL;
  GError *error = NULL;
  AudExportSummary *summary;

  store = aud_store_open (data->store_path, AUD_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  aud_store_watch_cancellable (store, cancellable);
  summary = aud_exporter_run (store, data->members, data->path, &data->options,
                              data->progress, cancellable, &error);
  aud_store_watch_cancellable (store, NULL);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify)aud_export_summary_free);
}

/**
 * aud_exporter_run_async:
 * @store: the workspace (only its path is used: the worker opens its own
 *   connection)
 * @members: the customer row ids (copied)
 * @path: the file to write
 * @options: (nullable): what and how (copied)
 * @progress: (nullable): progress to update from the worker
 * @cancellable: (nullable): a cancellable
 * @callback: called on the calling thread's main context when done
 * @user_data: for @callback
 *
 * aud_exporter_run() in a worker thread.
 */
void
aud_exporter_run_async (AudStore               *store,
                        const roaring_bitmap_t *members,
                        const char             *path,
                        const AudExportOptions *options,
                        AudProgress            *progress,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (AUD_IS_STORE (store));
  g_return_if_fail (members != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (progress == NULL || AUD_IS_PROGRESS (progress));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (RunData, 1);
  data->store_path = g_strdup (aud_store_get_path (store));
  data->members = roaring_bitmap_copy (members);
  data->path = g_strdup (path);
  if (options != NULL)
    aud_export_options_copy (options, &data->options);
  data->progress = progress != NULL ? g_object_ref (progress) : NULL;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, aud_exporter_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify)run_data_free);
  g_task_run_in_thread (task, run_thread);
}

/**
 * aud_exporter_run_finish:
 *
 * Returns: (transfer full): what was done, or NULL with @error set
 */
AudExportSummary *
aud_exporter_run_finish (AudStore      *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
aud_export_options_clear (AudExportOptions *options)
{
  if (options == NULL)
    return;

  g_clear_pointer (&options->preset, g_free);
  g_clear_pointer (&options->columns, g_strfreev);
  g_clear_pointer (&options->suppress, g_free);
  g_clear_pointer (&options->segment_name, g_free);
  g_clear_pointer (&options->definition, g_free);
}

void
aud_export_options_copy (const AudExportOptions *src,
                         AudExportOptions       *dest)
{
  g_return_if_fail (src != NULL);
  g_return_if_fail (dest != NULL);

  *dest = *src;
  dest->preset = g_strdup (src->preset);
  dest->columns = g_strdupv (src->columns);
  dest->suppress = g_strdup (src->suppress);
  dest->segment_name = g_strdup (src->segment_name);
  dest->definition = g_strdup (src->definition);
}

void
aud_export_summary_free (AudExportSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->file);
  g_clear_pointer (&summary->warnings, g_ptr_array_unref);
  g_free (summary);
}

void
aud_export_record_free (AudExportRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->segment_name);
  g_free (record->definition);
  g_free (record->preset);
  g_free (record->format);
  g_free (record->changes);
  g_free (record->file);
  g_free (record);
}

static const char * const format_names[] = { "csv", "json", "jsonl" };
static const char * const changes_names[] = { "all", "added", "removed" };

const char *
aud_export_format_to_string (AudExportFormat format)
{
  g_return_val_if_fail (format < G_N_ELEMENTS (format_names), NULL);

  return format_names[format];
}

gboolean
aud_export_format_from_string (const char      *str,
                               AudExportFormat *format)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    {
      if (g_ascii_strcasecmp (str, format_names[i]) == 0)
        {
          *format = i;
          return TRUE;
        }
    }

  if (g_ascii_strcasecmp (str, "ndjson") == 0)
    {
      *format = AUD_EXPORT_FORMAT_JSONL;
      return TRUE;
    }

  return FALSE;
}

const char *
aud_export_changes_to_string (AudExportChanges changes)
{
  g_return_val_if_fail (changes < G_N_ELEMENTS (changes_names), NULL);

  return changes_names[changes];
}

gboolean
aud_export_changes_from_string (const char       *str,
                                AudExportChanges *changes)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (changes_names); i++)
    {
      if (g_ascii_strcasecmp (str, changes_names[i]) == 0)
        {
          *changes = i;
          return TRUE;
        }
    }

  return FALSE;
}

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           i)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, i));
}

GPtrArray *
aud_exporter_list (AudStore    *store,
                   const char  *segment_name,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) records = NULL;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);

  stmt = aud_store_prepare (store,
                            "SELECT id, segment_name, definition, now, preset, format, changes, "
                            "file, count, created FROM exports "
                            "WHERE ?1 IS NULL OR segment_name = ?1 ORDER BY id DESC",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, segment_name, -1, SQLITE_STATIC);
  records = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_export_record_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AudExportRecord *record = g_new0 (AudExportRecord, 1);

      record->id = sqlite3_column_int64 (stmt, 0);
      record->segment_name = dup_column_text (stmt, 1);
      record->definition = dup_column_text (stmt, 2);
      record->now = sqlite3_column_int64 (stmt, 3);
      record->preset = dup_column_text (stmt, 4);
      record->format = dup_column_text (stmt, 5);
      record->changes = dup_column_text (stmt, 6);
      record->file = dup_column_text (stmt, 7);
      record->count = sqlite3_column_int64 (stmt, 8);
      record->created = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (records, record);
    }

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&records);
}

roaring_bitmap_t *
aud_exporter_dup_members (AudStore  *store,
                          gint64     export_id,
                          GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  roaring_bitmap_t *members;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);

  stmt = aud_store_prepare (store, "SELECT members FROM exports WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, export_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_FAILED,
                   _("There is no export %lld"), (long long)export_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      aud_store_set_error (store, rc, error);
      return NULL;
    }

  members = roaring_bitmap_portable_deserialize_safe (sqlite3_column_blob (stmt, 0),
                                                      sqlite3_column_bytes (stmt, 0));
  if (members == NULL)
    g_set_error (error, AUD_EXPORTER_ERROR, AUD_EXPORTER_ERROR_FAILED,
                 _("The record of export %lld is damaged"), (long long)export_id);

  return members;
}
