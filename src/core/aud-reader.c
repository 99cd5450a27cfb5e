/* aud-reader.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-reader"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-csv-reader.h"
#include "aud-json-reader.h"
#include "aud-reader-private.h"

G_DEFINE_INTERFACE (AudReader, aud_reader, G_TYPE_OBJECT)

G_DEFINE_QUARK (aud-reader-error-quark, aud_reader_error)

/* Windows-1252 0x80-0x9F; the five undefined bytes map to the C1 controls
 * of the same value, as web browsers do. 0xA0-0xFF are Latin-1. */
static const guint16 cp1252_high[32] = {
  0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static void
aud_reader_default_init (AudReaderInterface *iface)
{
}

static inline void
append_unichar (GByteArray *out,
                gunichar    c)
{
  guint8 buf[6];
  int n = g_unichar_to_utf8 (c, (char *)buf);

  g_byte_array_append (out, buf, n);
}

void
_aud_decoder_init (AudDecoder  *self,
                   AudEncoding  encoding)
{
  g_assert (self != NULL);

  memset (self, 0, sizeof *self);
  self->encoding = encoding;
}

static void
decode_utf16_unit (AudDecoder *self,
                   gunichar    unit,
                   GByteArray *out)
{
  if (self->high != 0)
    {
      if (unit >= 0xDC00 && unit <= 0xDFFF)
        {
          append_unichar (out, 0x10000 + ((self->high - 0xD800) << 10) + (unit - 0xDC00));
          self->high = 0;
          return;
        }
      append_unichar (out, 0xFFFD);
      self->high = 0;
    }

  if (unit >= 0xD800 && unit <= 0xDBFF)
    self->high = unit;
  else if (unit >= 0xDC00 && unit <= 0xDFFF)
    append_unichar (out, 0xFFFD);
  else
    append_unichar (out, unit);
}

void
_aud_decoder_decode (AudDecoder   *self,
                     const guint8 *data,
                     gsize         length,
                     gboolean      flush,
                     GByteArray   *out)
{
  gsize i = 0;

  g_assert (self != NULL);
  g_assert (out != NULL);

  switch (self->encoding)
    {
    case AUD_ENCODING_AUTO:
    case AUD_ENCODING_UTF8:
      g_byte_array_append (out, data, length);
      break;

    case AUD_ENCODING_WINDOWS_1252:
      for (i = 0; i < length; i++)
        {
          guint8 b = data[i];

          if (b < 0x80)
            g_byte_array_append (out, &b, 1);
          else if (b < 0xA0)
            append_unichar (out, cp1252_high[b - 0x80]);
          else
            append_unichar (out, b);
        }
      break;

    case AUD_ENCODING_UTF16LE:
    case AUD_ENCODING_UTF16BE:
      {
        gboolean le = self->encoding == AUD_ENCODING_UTF16LE;

        if (self->has_carry && length > 0)
          {
            guint8 b0 = self->carry, b1 = data[0];

            decode_utf16_unit (self, le ? (b0 | b1 << 8) : (b0 << 8 | b1), out);
            self->has_carry = FALSE;
            i = 1;
          }

        for (; i + 1 < length; i += 2)
          {
            gunichar unit = le ? (data[i] | data[i + 1] << 8) : (data[i] << 8 | data[i + 1]);

            /* ASCII fast path */
            if (unit < 0x80 && self->high == 0)
              {
                guint8 b = unit;
                g_byte_array_append (out, &b, 1);
              }
            else
              decode_utf16_unit (self, unit, out);
          }

        if (i < length)
          {
            self->carry = data[i];
            self->has_carry = TRUE;
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (flush)
    {
      if (self->has_carry || self->high != 0)
        append_unichar (out, 0xFFFD);
      self->has_carry = FALSE;
      self->high = 0;
    }
}

static gboolean
skip_bom (AudSource  *self,
          GError    **error)
{
  guint8 bom[4];
  gsize n = 0;

  if (self->bom_length == 0)
    return TRUE;

  g_assert (self->bom_length <= sizeof bom);

  if (!g_input_stream_read_all (self->stream, bom, self->bom_length, &n, NULL, error))
    return FALSE;
  self->bytes_read = n;
  return TRUE;
}

static void
set_io_error (GError     **error,
              const char  *path,
              GError      *cause)
{
  g_set_error (error, cause->domain, cause->code,
               _("Could not read “%s”: %s"), path, cause->message);
}

gboolean
_aud_source_open (AudSource       *self,
                  const char      *path,
                  const AudSniff  *sniff,
                  GError         **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  g_assert (self != NULL);
  g_assert (path != NULL);

  memset (self, 0, sizeof *self);
  self->sniff = aud_sniff_copy (sniff);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      set_io_error (error, path, local_error);
      _aud_source_clear (self);
      return FALSE;
    }

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);

  self->path = g_strdup (path);
  self->stream = G_INPUT_STREAM (g_steal_pointer (&stream));
  self->total_bytes = info != NULL ? g_file_info_get_size (info) : 0;
  self->bom_length = sniff->bom_length;
  self->text = g_byte_array_sized_new (AUD_READ_CHUNK_SIZE * 2);
  _aud_decoder_init (&self->decoder, sniff->encoding);
  if (sniff->encoding != AUD_ENCODING_UTF8)
    self->raw = g_malloc (AUD_READ_CHUNK_SIZE);

  if (!skip_bom (self, &local_error))
    {
      set_io_error (error, path, local_error);
      _aud_source_clear (self);
      return FALSE;
    }

  return TRUE;
}

void
_aud_source_clear (AudSource *self)
{
  g_assert (self != NULL);

  g_clear_object (&self->stream);
  g_clear_pointer (&self->sniff, aud_sniff_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->raw, g_free);
  g_clear_pointer (&self->text, g_byte_array_unref);
}

gboolean
_aud_source_rewind (AudSource  *self,
                    GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  g_assert (self != NULL);

  self->bytes_read = 0;
  if (!g_seekable_seek (G_SEEKABLE (self->stream), 0, G_SEEK_SET, NULL, &local_error) ||
      !skip_bom (self, &local_error))
    {
      set_io_error (error, self->path, local_error);
      return FALSE;
    }

  _aud_decoder_init (&self->decoder, self->decoder.encoding);
  g_byte_array_set_size (self->text, 0);
  self->pos = 0;
  self->eof = FALSE;
  return TRUE;
}

gssize
_aud_source_fill (AudSource  *self,
                  GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize before;
  gssize n;

  g_assert (self != NULL);

  if (self->eof)
    return 0;

  /* Drop what was consumed, so the buffer stays about one chunk big. */
  if (self->pos > 0)
    {
      g_byte_array_remove_range (self->text, 0, self->pos);
      self->pos = 0;
    }

  before = self->text->len;

  if (self->raw == NULL)
    {
      g_byte_array_set_size (self->text, before + AUD_READ_CHUNK_SIZE);
      n = g_input_stream_read (self->stream, self->text->data + before,
                               AUD_READ_CHUNK_SIZE, NULL, &local_error);
      g_byte_array_set_size (self->text, before + MAX (n, 0));
    }
  else
    {
      n = g_input_stream_read (self->stream, self->raw, AUD_READ_CHUNK_SIZE,
                               NULL, &local_error);
      if (n >= 0)
        _aud_decoder_decode (&self->decoder, self->raw, n, n == 0, self->text);
    }

  if (n < 0)
    {
      set_io_error (error, self->path, local_error);
      return -1;
    }

  self->bytes_read += n;
  if (n == 0)
    self->eof = TRUE;

  return self->text->len - before;
}

void
_aud_row_set_raw (AudRow     *row,
                  GByteArray *text)
{
  gsize length;
  gsize len;

  g_assert (row != NULL);
  g_assert (text != NULL);

  length = text->len;
  len = length;
  if (len > AUD_READER_MAX_RAW)
    {
      len = AUD_READER_MAX_RAW;
      /* Back up to the start of a UTF-8 character. */
      while (len > 0 && (text->data[len] & 0xC0) == 0x80)
        len--;
    }

  /* Make room for the terminator, then keep the length. */
  g_byte_array_append (text, (const guint8 *)"", 1);
  text->data[len] = 0;
  g_byte_array_set_size (text, length);

  row->raw = (const char *)text->data;
  row->raw_length = len;
}

void
_aud_row_set_problem (AudRow        *row,
                      GString       *buffer,
                      AudRowProblem  problem,
                      const char    *format,
                      ...)
{
  va_list args;

  g_assert (row != NULL);
  g_assert (buffer != NULL);

  if (row->problem != AUD_ROW_PROBLEM_NONE)
    return;

  va_start (args, format);
  g_string_vprintf (buffer, format, args);
  va_end (args);

  row->problem = problem;
  row->problem_text = buffer->str;
}

AudJsonScanResult
_aud_json_scan_byte (AudJsonScan *scan,
                     guint8       c)
{
  if (scan->in_string)
    {
      if (scan->escape)
        scan->escape = FALSE;
      else if (c == '\\')
        scan->escape = TRUE;
      else if (c == '"')
        {
          scan->in_string = FALSE;
          if (scan->depth == 0 && !scan->scalar)
            return AUD_JSON_SCAN_END_AFTER;
        }
      return AUD_JSON_SCAN_MORE;
    }

  switch (c)
    {
    case '"':
      scan->in_string = TRUE;
      return AUD_JSON_SCAN_MORE;

    case '{':
    case '[':
      scan->depth++;
      return AUD_JSON_SCAN_MORE;

    case '}':
    case ']':
      if (scan->depth == 0)
        return AUD_JSON_SCAN_END_BEFORE;
      return --scan->depth == 0 ? AUD_JSON_SCAN_END_AFTER : AUD_JSON_SCAN_MORE;

    case ',':
    case ' ':
    case '\t':
    case '\r':
    case '\n':
      if (scan->depth == 0)
        return AUD_JSON_SCAN_END_BEFORE;
      return AUD_JSON_SCAN_MORE;

    default:
      if (scan->depth == 0)
        scan->scalar = TRUE;
      return AUD_JSON_SCAN_MORE;
    }
}

char *
_aud_unique_column_name (const char *name,
                         guint       position,
                         GHashTable *seen,
                         GPtrArray  *warnings)
{
  g_autofree char *base = NULL;
  char *unique;

  g_assert (seen != NULL);

  base = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (base[0] == '\0')
    {
      g_free (base);
      base = g_strdup_printf (_("Column %u"), position + 1);
      if (warnings != NULL && name != NULL)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("Column %u has no name; it was named “%s”."),
                                          position + 1, base));
    }

  unique = g_strdup (base);
  for (guint i = 2; g_hash_table_contains (seen, unique); i++)
    {
      g_free (unique);
      unique = g_strdup_printf ("%s (%u)", base, i);
    }

  if (warnings != NULL && strcmp (unique, base) != 0)
    g_ptr_array_add (warnings,
                     g_strdup_printf (_("Column %u has the same name as an earlier column, “%s”; it was renamed “%s”."),
                                      position + 1, base, unique));

  g_hash_table_add (seen, g_strdup (unique));
  return unique;
}

AudReader *
aud_reader_open (const char            *path,
                 const AudReadOptions  *options,
                 GError               **error)
{
  g_autoptr(AudSniff) sniff = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sniff = aud_sniff_file (path, options, error);
  if (sniff == NULL)
    return NULL;

  if (sniff->format == AUD_FILE_FORMAT_CSV)
    return aud_csv_reader_new (path, sniff, error);
  else
    return aud_json_reader_new (path, sniff, error);
}

const char * const *
aud_reader_get_columns (AudReader *self,
                        guint     *n_columns)
{
  g_return_val_if_fail (AUD_IS_READER (self), NULL);

  return AUD_READER_GET_IFACE (self)->get_columns (self, n_columns);
}

gboolean
aud_reader_columns_may_grow (AudReader *self)
{
  g_return_val_if_fail (AUD_IS_READER (self), FALSE);

  return AUD_IS_JSON_READER (self);
}

gboolean
aud_reader_next (AudReader  *self,
                 AudRow    **row,
                 GError    **error)
{
  g_return_val_if_fail (AUD_IS_READER (self), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *row = NULL;
  return AUD_READER_GET_IFACE (self)->next (self, row, error);
}

gboolean
aud_reader_rewind (AudReader  *self,
                   GError    **error)
{
  g_return_val_if_fail (AUD_IS_READER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return AUD_READER_GET_IFACE (self)->rewind (self, error);
}

guint64
aud_reader_get_bytes_read (AudReader *self)
{
  g_return_val_if_fail (AUD_IS_READER (self), 0);

  return AUD_READER_GET_IFACE (self)->get_source (self)->bytes_read;
}

guint64
aud_reader_get_total_bytes (AudReader *self)
{
  g_return_val_if_fail (AUD_IS_READER (self), 0);

  return AUD_READER_GET_IFACE (self)->get_source (self)->total_bytes;
}

const AudSniff *
aud_reader_get_sniff (AudReader *self)
{
  g_return_val_if_fail (AUD_IS_READER (self), NULL);

  return AUD_READER_GET_IFACE (self)->get_source (self)->sniff;
}

const char *
aud_reader_get_path (AudReader *self)
{
  g_return_val_if_fail (AUD_IS_READER (self), NULL);

  return AUD_READER_GET_IFACE (self)->get_source (self)->path;
}
