/* aud-csv-reader.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-csv-reader"

#include "config.h"

#include <string.h>

#include <csv.h>
#include <glib/gi18n-lib.h>

#include "aud-csv-reader.h"
#include "aud-reader-private.h"

#define NULL_CELL G_MAXSIZE

/* Bytes the record scanner stops at */
enum
{
  SPECIAL_NONE,
  SPECIAL_SYNTAX,     /* the quote, CR, LF */
  SPECIAL_NON_ASCII,  /* NUL or >= 0x80, only noted: the record then needs
                       * UTF-8 validation */
};

/*
 * Reading is done in two steps per record. A byte scanner finds where the
 * record ends (a line break outside quotes), counts physical lines, notices
 * malformed quoting and collects the record's text. libcsv then splits that
 * text into fields and undoes the quoting. The scanner makes line numbers,
 * raw text and quoting problems exact per record, which libcsv's callbacks
 * cannot tell.
 *
 * A record without any quote character is split at its delimiters directly
 * (libcsv would give the same fields): most records of most files have no
 * quotes, and this halves the time to read them.
 */
struct _AudCsvReader
{
  GObject parent_instance;

  /* owned */
  AudSource          source;
  struct csv_parser  parser;
  GPtrArray         *columns;        /* char *, NULL-terminated */
  GByteArray        *record;         /* the record's text, without its line break */
  GByteArray        *cell_data;      /* field texts, each NUL-terminated; sized
                                      * per record, cell_used bytes in use */
  gsize              cell_used;
  gsize             *offsets;        /* per field: into cell_data, or NULL_CELL */
  guint              n_offsets;
  guint              offsets_size;
  GPtrArray         *cells;          /* pointers into cell_data, NULL-terminated */
  GString           *problem;
  AudRow             row;
  guint8             special[256];   /* bytes the scanner stops at: SPECIAL_* */

  /* scanner state */
  guint64            line;           /* physical line at the scan position */
  gboolean           prev_cr;        /* the last byte scanned was a CR */
  gboolean           in_quotes;
  gboolean           after_close;    /* just after a closing quote */
  gboolean           bad_quoting;
  gboolean           unclosed_quote;
  gboolean           too_long;       /* the record passed AUD_READER_MAX_RECORD */
  gboolean           non_ascii;      /* the record has a byte >= 0x80 */
  gboolean           has_quote;      /* the record has a quote character */

  /* the current record */
  guint64            record_line;
  guint              long_field;     /* 1-based index of a field over the limit */
  guint64            n_rows;
  gboolean           pending;        /* the first data row was read at open */
  gboolean           failed;
};

static void aud_reader_iface_init (AudReaderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AudCsvReader, aud_csv_reader, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AUD_TYPE_READER, aud_reader_iface_init))

static int
never_space (unsigned char c)
{
  return 0;
}

/* Called by libcsv for each field. No allocation: cell_data was sized for
 * the whole record (fields are never longer than their text, plus a NUL). */
static void
on_field_cb (void   *text,
             size_t  length,
             void   *user_data)
{
  AudCsvReader *self = user_data;
  gsize offset = NULL_CELL;

  if (length > AUD_READER_MAX_FIELD)
    {
      if (self->long_field == 0)
        self->long_field = self->n_offsets + 1;
    }
  else
    {
      g_assert (self->cell_used + length + 1 <= self->cell_data->len);

      offset = self->cell_used;
      if (length > 0)
        memcpy (self->cell_data->data + offset, text, length);
      self->cell_data->data[offset + length] = '\0';
      self->cell_used += length + 1;
    }

  if (self->n_offsets == self->offsets_size)
    {
      self->offsets_size = MAX (64, self->offsets_size * 2);
      self->offsets = g_renew (gsize, self->offsets, self->offsets_size);
    }
  self->offsets[self->n_offsets++] = offset;
}

static void
on_row_cb (int   c,
           void *user_data)
{
}

static void
append_span (AudCsvReader *self,
             const guint8 *start,
             const guint8 *end)
{
  if (end <= start || self->too_long)
    return;

  if (self->record->len + (end - start) > AUD_READER_MAX_RECORD)
    {
      self->too_long = TRUE;
      return;
    }

  g_byte_array_append (self->record, start, end - start);
}

/* Scans the next record into self->record. Returns 1 when there is one,
 * 0 at the end of the file, -1 on an I/O error. */
static int
scan_record (AudCsvReader  *self,
             GError       **error)
{
  AudSource *src = &self->source;
  const guint8 quote = self->source.sniff->quote;
  const guint8 delimiter = self->source.sniff->delimiter;
  gboolean started = FALSE;

  g_byte_array_set_size (self->record, 0);
  self->in_quotes = FALSE;
  self->after_close = FALSE;
  self->bad_quoting = FALSE;
  self->unclosed_quote = FALSE;
  self->too_long = FALSE;
  self->non_ascii = FALSE;
  self->has_quote = FALSE;

  for (;;)
    {
      const guint8 *data, *p, *end, *span;

      if (src->pos >= src->text->len)
        {
          gssize n = _aud_source_fill (src, error);

          if (n < 0)
            return -1;
          if (n == 0)
            {
              if (!started)
                return 0;
              if (self->in_quotes)
                self->unclosed_quote = TRUE;
              return 1;
            }
        }

      data = src->text->data;
      p = data + src->pos;
      end = data + src->text->len;

      if (!started)
        {
          /* Skip empty lines; a LF right after a CR is part of it. */
          while (p < end && (*p == '\n' || *p == '\r'))
            {
              if (*p == '\r' || !self->prev_cr)
                self->line++;
              self->prev_cr = *p == '\r';
              p++;
            }
          src->pos = p - data;
          if (p >= end)
            continue;
          started = TRUE;
          self->record_line = self->line;
        }

      span = p;
      while (p < end)
        {
          const guint8 *before = p;
          guint8 c;

          if (self->after_close)
            {
              self->after_close = FALSE;
              if (*p == quote)
                {
                  /* A doubled quote inside a quoted field */
                  self->in_quotes = TRUE;
                  self->prev_cr = FALSE;
                  p++;
                  continue;
                }
              if (*p != delimiter && *p != '\r' && *p != '\n')
                self->bad_quoting = TRUE;
            }

          while (p < end && self->special[*p] == SPECIAL_NONE)
            p++;
          if (p != before)
            self->prev_cr = FALSE;
          if (p >= end)
            break;

          c = *p;
          if (self->special[c] == SPECIAL_NON_ASCII)
            {
              self->non_ascii = TRUE;
              self->prev_cr = FALSE;
              p++;
              continue;
            }
          if (c == quote)
            {
              self->has_quote = TRUE;
              if (self->in_quotes)
                {
                  self->in_quotes = FALSE;
                  self->after_close = TRUE;
                }
              else
                {
                  gboolean at_field_start;

                  if (p > span)
                    at_field_start = p[-1] == delimiter;
                  else if (self->record->len > 0)
                    at_field_start = self->record->data[self->record->len - 1] == delimiter;
                  else
                    at_field_start = TRUE;

                  /* Elsewhere a quote is kept as text (`7" frame`). */
                  if (at_field_start)
                    self->in_quotes = TRUE;
                }
              self->prev_cr = FALSE;
              p++;
              continue;
            }

          /* A line break */
          if (c == '\r' || !self->prev_cr)
            self->line++;
          self->prev_cr = c == '\r';

          if (self->in_quotes)
            {
              p++;
              continue;
            }

          append_span (self, span, p);
          src->pos = p + 1 - data;
          return 1;
        }

      append_span (self, span, end);
      src->pos = end - data;
    }
}

/* Splits self->record into cells and fills self->row. */
static void
parse_record (AudCsvReader *self,
              guint         expected_fields)
{
  AudRow *row = &self->row;
  const char *bad = NULL;
  guint n;

  memset (row, 0, sizeof *row);
  row->line = self->record_line;
  self->long_field = 0;
  g_byte_array_set_size (self->cell_data, self->record->len * 2 + 2);
  self->cell_used = 0;
  self->n_offsets = 0;
  g_ptr_array_set_size (self->cells, 0);

  if (self->source.sniff->encoding == AUD_ENCODING_UTF8 && self->non_ascii &&
      !g_utf8_validate_len ((const char *)self->record->data, self->record->len, &bad))
    {
      _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_INVALID_TEXT,
                   _("invalid UTF-8 at byte %u of the row"),
                   (guint)(bad - (const char *)self->record->data) + 1);
      g_ptr_array_add (self->cells, NULL);
      row->cells = (char **)self->cells->pdata;
      _aud_row_set_raw (row, self->record);
      return;
    }

  if (self->has_quote)
    {
      csv_parse (&self->parser, self->record->data, self->record->len,
                 on_field_cb, on_row_cb, self);
      csv_fini (&self->parser, on_field_cb, on_row_cb, self);
    }
  else
    {
      const guint8 *p = self->record->data;
      const guint8 *end = p + self->record->len;

      for (;;)
        {
          const guint8 *next = memchr (p, self->source.sniff->delimiter, end - p);

          if (next == NULL)
            next = end;
          on_field_cb ((void *)p, next - p, self);
          if (next == end)
            break;
          p = next + 1;
        }
    }

  n = self->n_offsets;
  g_ptr_array_set_size (self->cells, n + 1);
  for (guint i = 0; i < n; i++)
    self->cells->pdata[i] = self->offsets[i] == NULL_CELL
                              ? NULL : (char *)self->cell_data->data + self->offsets[i];
  self->cells->pdata[n] = NULL;
  row->cells = (char **)self->cells->pdata;
  row->n_cells = n;

  if (self->too_long)
    _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_FIELD_TOO_LONG,
                 _("the row is longer than %u MiB"), AUD_READER_MAX_RECORD / (1024 * 1024));
  if (self->long_field > 0)
    _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_FIELD_TOO_LONG,
                 _("field %u is longer than %u MiB"),
                 self->long_field, AUD_READER_MAX_FIELD / (1024 * 1024));
  if (self->unclosed_quote)
    _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_QUOTING,
                 _("a quoted field starting on line %llu is not closed before the end of "
                   "the file"),
                 (unsigned long long)self->record_line);
  if (self->bad_quoting)
    _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_QUOTING,
                 _("line %llu has text after the closing quote of a field"),
                 (unsigned long long)self->record_line);
  if (expected_fields > 0 && n != expected_fields)
    {
      g_autofree char *line = g_strdup_printf ("%" G_GUINT64_FORMAT, self->record_line);

      _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_FIELD_COUNT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "line %s has %u field, expected %u",
                                "line %s has %u fields, expected %u", n),
                   line, n, expected_fields);
    }

  _aud_row_set_raw (row, self->record);
}

/* Reads the header, or the first row to count the columns. */
static gboolean
read_header (AudCsvReader  *self,
             GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GByteArray) invalid = NULL;
  g_autofree char *valid = NULL;
  int r;

  r = scan_record (self, error);
  if (r < 0)
    return FALSE;
  if (r == 0)
    {
      g_set_error (error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_EMPTY,
                   _("%s: The file is empty."), self->source.path);
      return FALSE;
    }

  if (self->source.sniff->encoding == AUD_ENCODING_UTF8 &&
      !g_utf8_validate_len ((const char *)self->record->data, self->record->len, NULL))
    {
      /* Names must be valid UTF-8, and a first data row with bad bytes
       * still tells how many columns there are. */
      invalid = g_byte_array_new ();
      g_byte_array_append (invalid, self->record->data, self->record->len);
      valid = g_utf8_make_valid ((const char *)self->record->data, self->record->len);
      g_byte_array_set_size (self->record, 0);
      g_byte_array_append (self->record, (const guint8 *)valid, strlen (valid));
    }

  parse_record (self, 0);

  g_ptr_array_set_size (self->columns, 0);
  for (guint i = 0; i < self->row.n_cells; i++)
    {
      const char *name = self->source.sniff->has_header ? self->row.cells[i] : NULL;

      g_ptr_array_add (self->columns,
                       _aud_unique_column_name (name, i, seen,
                                                self->source.sniff->has_header ? self->source.sniff->warnings : NULL));
    }
  g_ptr_array_add (self->columns, NULL);

  if (!self->source.sniff->has_header && invalid != NULL)
    {
      g_byte_array_set_size (self->record, 0);
      g_byte_array_append (self->record, invalid->data, invalid->len);
      parse_record (self, self->columns->len - 1);
    }

  if (!self->source.sniff->has_header)
    {
      /* The row just read is the first data row. */
      self->pending = TRUE;
      self->row.number = 1;
      self->n_rows = 1;
    }

  return TRUE;
}

static void
reset_scanner (AudCsvReader *self)
{
  self->line = 1;
  self->prev_cr = FALSE;
  self->n_rows = 0;
  self->pending = FALSE;
  self->failed = FALSE;
}

static const char * const *
aud_csv_reader_get_columns (AudReader *reader,
                            guint     *n_columns)
{
  AudCsvReader *self = (AudCsvReader *)reader;

  if (n_columns != NULL)
    *n_columns = self->columns->len - 1;
  return (const char * const *)self->columns->pdata;
}

static gboolean
aud_csv_reader_next (AudReader  *reader,
                     AudRow    **row,
                     GError    **error)
{
  AudCsvReader *self = (AudCsvReader *)reader;
  int r;

  if (self->pending)
    {
      /* Read and parsed at open. */
      self->pending = FALSE;
      *row = &self->row;
      return TRUE;
    }

  if (self->failed)
    return FALSE;

  r = scan_record (self, error);
  if (r <= 0)
    {
      self->failed = r < 0;
      return FALSE;
    }

  parse_record (self, self->columns->len - 1);
  self->row.number = ++self->n_rows;
  *row = &self->row;
  return TRUE;
}

static gboolean
aud_csv_reader_rewind (AudReader  *reader,
                       GError    **error)
{
  AudCsvReader *self = (AudCsvReader *)reader;

  if (!_aud_source_rewind (&self->source, error))
    return FALSE;

  reset_scanner (self);
  memset (&self->row, 0, sizeof self->row);

  if (self->source.sniff->has_header && scan_record (self, error) < 0)
    return FALSE;

  return TRUE;
}

static AudSource *
aud_csv_reader_get_source (AudReader *reader)
{
  return &((AudCsvReader *)reader)->source;
}

static void
aud_reader_iface_init (AudReaderInterface *iface)
{
  iface->get_columns = aud_csv_reader_get_columns;
  iface->next = aud_csv_reader_next;
  iface->rewind = aud_csv_reader_rewind;
  iface->get_source = aud_csv_reader_get_source;
}

static void
aud_csv_reader_finalize (GObject *object)
{
  AudCsvReader *self = (AudCsvReader *)object;

  csv_free (&self->parser);
  _aud_source_clear (&self->source);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->record, g_byte_array_unref);
  g_clear_pointer (&self->cell_data, g_byte_array_unref);
  g_clear_pointer (&self->offsets, g_free);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  if (self->problem != NULL)
    g_string_free (g_steal_pointer (&self->problem), TRUE);

  G_OBJECT_CLASS (aud_csv_reader_parent_class)->finalize (object);
}

static void
aud_csv_reader_class_init (AudCsvReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_csv_reader_finalize;
}

static void
aud_csv_reader_init (AudCsvReader *self)
{
  csv_init (&self->parser, CSV_APPEND_NULL);
  csv_set_space_func (&self->parser, never_space);
  self->columns = g_ptr_array_new_with_free_func (g_free);
  self->record = g_byte_array_sized_new (4096);
  self->cell_data = g_byte_array_sized_new (4096);
  self->cells = g_ptr_array_sized_new (64);
  self->problem = g_string_new (NULL);
  reset_scanner (self);
}

AudReader *
aud_csv_reader_new (const char      *path,
                    const AudSniff  *sniff,
                    GError         **error)
{
  g_autoptr(AudCsvReader) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (sniff != NULL, NULL);
  g_return_val_if_fail (sniff->format == AUD_FILE_FORMAT_CSV, NULL);
  g_return_val_if_fail (sniff->delimiter != 0 && sniff->quote != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (AUD_TYPE_CSV_READER, NULL);

  csv_set_delim (&self->parser, sniff->delimiter);
  csv_set_quote (&self->parser, sniff->quote);
  /* NUL is not valid in text either: validation flags it */
  self->special[0] = SPECIAL_NON_ASCII;
  for (guint c = 0x80; c < 256; c++)
    self->special[c] = SPECIAL_NON_ASCII;
  self->special[(guint8)sniff->quote] = SPECIAL_SYNTAX;
  self->special['\r'] = SPECIAL_SYNTAX;
  self->special['\n'] = SPECIAL_SYNTAX;

  if (!_aud_source_open (&self->source, path, sniff, error))
    return NULL;

  if (!read_header (self, error))
    return NULL;

  return AUD_READER (g_steal_pointer (&self));
}
