/* aud-json-reader.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-json-reader"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "aud-json-reader.h"
#include "aud-reader-private.h"

#define NULL_CELL G_MAXSIZE

/* Where the array scanner is, between elements. */
typedef enum
{
  ARRAY_BEFORE_OPEN,       /* before `[` */
  ARRAY_EXPECT_VALUE,      /* after `[` or `,` */
  ARRAY_EXPECT_SEPARATOR,  /* after an element */
  ARRAY_AFTER_CLOSE,       /* after `]`: only whitespace may follow */
} ArrayState;

/*
 * JSON arrays are split into elements by a byte scanner that follows
 * strings, escapes and bracket depth; each element (and each JSON Lines
 * line) is then parsed alone with JsonParser, so memory stays flat.
 */
struct _AudJsonReader
{
  GObject parent_instance;

  /* owned */
  AudSource    source;
  JsonParser  *parser;
  GPtrArray   *columns;        /* display names, NULL-terminated */
  GHashTable  *column_index;   /* flattened key -> index + 1 */
  GHashTable  *seen_names;     /* display names used */
  GByteArray  *record;         /* the record's JSON text */
  GByteArray  *cell_data;      /* cell texts, each NUL-terminated */
  GArray      *cell_offsets;   /* gsize per column, or NULL_CELL */
  GPtrArray   *cells;          /* pointers into cell_data, NULL-terminated */
  GString     *key;            /* the flattened key being built */
  GString     *problem;
  AudRow       row;

  /* scanner state */
  guint64      line;           /* line at the scan position */
  guint        column;         /* 1-based character column at the scan position */
  ArrayState   array_state;
  guint64      record_line;
  guint        record_column;
  guint64      n_rows;
  gboolean     too_long;       /* the line passed AUD_READER_MAX_RECORD */
  const char  *long_field;     /* the first field over AUD_READER_MAX_FIELD */
  gboolean     failed;
};

static void aud_reader_iface_init (AudReaderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AudJsonReader, aud_json_reader, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AUD_TYPE_READER, aud_reader_iface_init))

static void
set_syntax_error (AudJsonReader  *self,
                  GError        **error,
                  guint64         line,
                  guint           column,
                  const char     *what)
{
  self->failed = TRUE;
  g_set_error (error, AUD_READER_ERROR, AUD_READER_ERROR_SYNTAX,
               _("%s: line %llu, column %u: %s"),
               self->source.path, (unsigned long long)line, column, what);
}

/* Advances line and column over byte @c. */
static inline void
count_position (AudJsonReader *self,
                guint8         c)
{
  if (c == '\n')
    {
      self->line++;
      self->column = 1;
    }
  else if ((c & 0xC0) != 0x80)
    self->column++;
}

/* Makes sure there is unread text. Returns 1, 0 at the end, -1 on error. */
static int
ensure_text (AudJsonReader  *self,
             GError        **error)
{
  AudSource *src = &self->source;

  while (src->pos >= src->text->len)
    {
      gssize n = _aud_source_fill (src, error);

      if (n < 0)
        {
          self->failed = TRUE;
          return -1;
        }
      if (n == 0)
        return 0;
    }
  return 1;
}

static inline gboolean
is_json_space (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips whitespace. Returns the next byte, or -1 at the end (or on an
 * error, then with @error set). */
static int
peek_non_space (AudJsonReader  *self,
                GError        **error)
{
  AudSource *src = &self->source;

  for (;;)
    {
      int r = ensure_text (self, error);

      if (r <= 0)
        return -1;

      while (src->pos < src->text->len && is_json_space (src->text->data[src->pos]))
        count_position (self, src->text->data[src->pos++]);

      if (src->pos < src->text->len)
        return src->text->data[src->pos];
    }
}

static void
consume_byte (AudJsonReader *self)
{
  count_position (self, self->source.text->data[self->source.pos++]);
}

/* Scans one array element into self->record. Returns 1, or -1 with
 * @error set. */
static int
scan_element (AudJsonReader  *self,
              GError        **error)
{
  AudSource *src = &self->source;
  AudJsonScan scan = { 0, };
  gboolean done = FALSE;

  g_byte_array_set_size (self->record, 0);
  self->record_line = self->line;
  self->record_column = self->column;

  for (;;)
    {
      const guint8 *data, *p, *end, *span;
      int r = ensure_text (self, error);

      if (r < 0)
        return -1;
      if (r == 0)
        {
          set_syntax_error (self, error, self->record_line, self->record_column,
                            scan.in_string
                              ? _("a string in this element is not closed before the end of the file")
                              : _("this element is not closed before the end of the file"));
          return -1;
        }

      data = src->text->data;
      p = span = data + src->pos;
      end = data + src->text->len;

      for (; p < end && !done; p++)
        {
          AudJsonScanResult result = _aud_json_scan_byte (&scan, *p);

          if (result == AUD_JSON_SCAN_END_BEFORE)
            {
              done = TRUE;
              break;
            }
          count_position (self, *p);
          done = result == AUD_JSON_SCAN_END_AFTER;
        }

      if (self->record->len + (p - span) > AUD_READER_MAX_RECORD)
        {
          set_syntax_error (self, error, self->record_line, self->record_column,
                            _("this element is longer than 64 MiB (is a quote missing?)"));
          return -1;
        }
      g_byte_array_append (self->record, span, p - span);
      src->pos = p - data;
      if (done)
        return 1;
    }
}

/* Scans the next array element. Returns 1, 0 at the end of the array,
 * -1 on a fatal error. */
static int
scan_array_record (AudJsonReader  *self,
                   GError        **error)
{
  for (;;)
    {
      int c = peek_non_space (self, error);

      if (c < 0)
        {
          if (self->failed)
            return -1;
          if (self->array_state == ARRAY_AFTER_CLOSE)
            return 0;
          set_syntax_error (self, error, self->line, self->column,
                            _("the JSON array is not closed before the end of the file"));
          return -1;
        }

      switch (self->array_state)
        {
        case ARRAY_BEFORE_OPEN:
          if (c != '[')
            {
              set_syntax_error (self, error, self->line, self->column,
                                _("expected “[” to start the JSON array"));
              return -1;
            }
          consume_byte (self);
          self->array_state = ARRAY_EXPECT_VALUE;
          if (peek_non_space (self, error) == ']')
            {
              consume_byte (self);
              self->array_state = ARRAY_AFTER_CLOSE;
            }
          break;

        case ARRAY_EXPECT_VALUE:
          if (c == ',' || c == ']')
            {
              set_syntax_error (self, error, self->line, self->column,
                                _("expected a value"));
              return -1;
            }
          if (scan_element (self, error) < 0)
            return -1;
          self->array_state = ARRAY_EXPECT_SEPARATOR;
          return 1;

        case ARRAY_EXPECT_SEPARATOR:
          if (c == ',')
            {
              consume_byte (self);
              self->array_state = ARRAY_EXPECT_VALUE;
            }
          else if (c == ']')
            {
              consume_byte (self);
              self->array_state = ARRAY_AFTER_CLOSE;
            }
          else
            {
              set_syntax_error (self, error, self->line, self->column,
                                _("expected “,” or “]” after an element of the array"));
              return -1;
            }
          break;

        case ARRAY_AFTER_CLOSE:
          set_syntax_error (self, error, self->line, self->column,
                            _("unexpected text after the end of the JSON array"));
          return -1;

        default:
          g_assert_not_reached ();
        }
    }
}

/* Reads the next non-blank line into self->record. Returns 1, 0 at the
 * end, -1 on an I/O error. */
static int
scan_line_record (AudJsonReader  *self,
                  GError        **error)
{
  AudSource *src = &self->source;

  for (;;)
    {
      gboolean blank = TRUE;
      gboolean complete = FALSE;

      self->too_long = FALSE;
      g_byte_array_set_size (self->record, 0);
      self->record_line = self->line;
      self->record_column = 1;

      while (!complete)
        {
          const guint8 *data, *p, *end, *nl;
          int r = ensure_text (self, error);

          if (r < 0)
            return -1;
          if (r == 0)
            {
              if (self->record->len == 0)
                return 0;
              break;
            }

          data = src->text->data;
          p = data + src->pos;
          end = data + src->text->len;
          nl = memchr (p, '\n', end - p);
          if (nl != NULL)
            {
              end = nl;
              complete = TRUE;
            }

          if (self->record->len + (end - p) > AUD_READER_MAX_RECORD)
            self->too_long = TRUE;
          else
            g_byte_array_append (self->record, p, end - p);
          src->pos = (end - data) + (complete ? 1 : 0);
        }

      self->line++;

      /* Drop the CR of a CRLF. */
      if (self->record->len > 0 && self->record->data[self->record->len - 1] == '\r')
        g_byte_array_set_size (self->record, self->record->len - 1);

      for (guint i = 0; i < self->record->len && blank; i++)
        blank = is_json_space (self->record->data[i]);

      if (!blank)
        return 1;
    }
}

/* Shortest text that reads back as @d; whole numbers keep a ".0". */
static void
format_double (double  d,
               char   *buf,
               gsize   size)
{
  static const char *formats[] = { "%.15g", "%.16g", "%.17g" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, size, formats[i], d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }

  if (strpbrk (buf, ".eEnN") == NULL)
    g_strlcat (buf, ".0", size);
}

static guint
column_for_key (AudJsonReader *self,
                const char    *key)
{
  gpointer value = g_hash_table_lookup (self->column_index, key);
  guint index;
  char *name;

  if (value != NULL)
    return GPOINTER_TO_UINT (value) - 1;

  index = self->columns->len - 1;
  name = _aud_unique_column_name (key, index, self->seen_names, self->source.sniff->warnings);
  g_ptr_array_insert (self->columns, index, name);
  g_hash_table_insert (self->column_index, g_strdup (key), GUINT_TO_POINTER (index + 1));
  return index;
}

static void
set_cell (AudJsonReader *self,
          const char    *text,
          gsize          length)
{
  guint index = column_for_key (self, self->key->str);
  gsize offset = self->cell_data->len;

  while (self->cell_offsets->len <= index)
    {
      gsize none = NULL_CELL;
      g_array_append_val (self->cell_offsets, none);
    }

  if (length > AUD_READER_MAX_FIELD)
    {
      if (self->long_field == NULL)
        self->long_field = g_ptr_array_index (self->columns, index);
      return;
    }

  g_byte_array_append (self->cell_data, (const guint8 *)text, length);
  g_byte_array_append (self->cell_data, (const guint8 *)"", 1);
  g_array_index (self->cell_offsets, gsize, index) = offset;
}

static void flatten_object (AudJsonReader *self,
                            JsonObject    *object);

static void
flatten_member_cb (JsonObject *object,
                   const char *member_name,
                   JsonNode   *node,
                   gpointer    user_data)
{
  AudJsonReader *self = user_data;
  gsize prefix_len = self->key->len;
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 4];

  if (prefix_len > 0)
    g_string_append_c (self->key, '.');
  g_string_append (self->key, member_name);

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      flatten_object (self, json_node_get_object (node));
      break;

    case JSON_NODE_ARRAY:
      {
        g_autofree char *text = json_to_string (node, FALSE);

        set_cell (self, text, strlen (text));
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          {
            const char *s = json_node_get_string (node);

            set_cell (self, s, strlen (s));
          }
        else if (type == G_TYPE_INT64)
          {
            int n = g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, json_node_get_int (node));

            set_cell (self, buf, n);
          }
        else if (type == G_TYPE_DOUBLE)
          {
            format_double (json_node_get_double (node), buf, sizeof buf);
            set_cell (self, buf, strlen (buf));
          }
        else if (type == G_TYPE_BOOLEAN)
          {
            const char *s = json_node_get_boolean (node) ? "true" : "false";

            set_cell (self, s, strlen (s));
          }
      }
      break;

    case JSON_NODE_NULL:
    default:
      /* A missing cell, but the key still makes a column. */
      column_for_key (self, self->key->str);
      break;
    }

  g_string_truncate (self->key, prefix_len);
}

static void
flatten_object (AudJsonReader *self,
                JsonObject    *object)
{
  json_object_foreach_member (object, flatten_member_cb, self);
}

/* Turns "<data>:3:14: Parse error: ..." into the file's line and column. */
static void
set_parse_problem (AudJsonReader *self,
                   const GError  *parse_error)
{
  guint line = 0, column = 0;
  int consumed = 0;
  const char *message = parse_error->message;
  guint64 file_line;
  guint file_column;

  if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) >= 2 && consumed > 0)
    message += consumed;
  else
    line = column = 1;

  line = MAX (line, 1);
  file_line = self->record_line + line - 1;
  file_column = line == 1 ? self->record_column + column - 1 : column;

  _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_SYNTAX,
               _("line %llu, column %u: %s"),
               (unsigned long long)file_line, file_column, message);
}

/* Parses self->record into self->row. */
static void
parse_record (AudJsonReader *self)
{
  AudRow *row = &self->row;
  g_autoptr(GError) local_error = NULL;
  const char *bad = NULL;
  JsonNode *root;

  memset (row, 0, sizeof *row);
  row->line = self->record_line;
  self->long_field = NULL;
  g_byte_array_set_size (self->cell_data, 0);
  g_array_set_size (self->cell_offsets, 0);
  g_ptr_array_set_size (self->cells, 0);

  if (self->too_long)
    {
      _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_FIELD_TOO_LONG,
                   _("the record is longer than %u MiB"),
                   AUD_READER_MAX_RECORD / (1024 * 1024));
    }
  else if (!g_utf8_validate_len ((const char *)self->record->data, self->record->len, &bad))
    {
      _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_INVALID_TEXT,
                   _("invalid UTF-8 at byte %u of the row"),
                   (guint)(bad - (const char *)self->record->data) + 1);
    }
  else if (!json_parser_load_from_data (self->parser, (const char *)self->record->data,
                                        self->record->len, &local_error))
    {
      set_parse_problem (self, local_error);
    }
  else if ((root = json_parser_get_root (self->parser)) == NULL ||
           !JSON_NODE_HOLDS_OBJECT (root))
    {
      _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_NOT_AN_OBJECT,
                   _("the record on line %llu is not a JSON object"),
                   (unsigned long long)self->record_line);
    }
  else
    {
      g_string_truncate (self->key, 0);
      flatten_object (self, json_node_get_object (root));

      for (guint i = 0; i < self->columns->len - 1; i++)
        {
          gsize offset = i < self->cell_offsets->len
                           ? g_array_index (self->cell_offsets, gsize, i)
                           : NULL_CELL;

          g_ptr_array_add (self->cells,
                           offset == NULL_CELL ? NULL : (char *)self->cell_data->data + offset);
        }
      row->n_cells = self->cells->len;

      if (self->long_field != NULL)
        _aud_row_set_problem (&self->row, self->problem, AUD_ROW_PROBLEM_FIELD_TOO_LONG,
                     _("field “%s” is longer than %u MiB"),
                     self->long_field, AUD_READER_MAX_FIELD / (1024 * 1024));
    }

  g_ptr_array_add (self->cells, NULL);
  row->cells = (char **)self->cells->pdata;
  _aud_row_set_raw (row, self->record);
}

static void
reset_scanner (AudJsonReader *self)
{
  self->line = 1;
  self->column = 1;
  self->array_state = ARRAY_BEFORE_OPEN;
  self->n_rows = 0;
  self->failed = FALSE;
}

static const char * const *
aud_json_reader_get_columns (AudReader *reader,
                             guint     *n_columns)
{
  AudJsonReader *self = (AudJsonReader *)reader;

  if (n_columns != NULL)
    *n_columns = self->columns->len - 1;
  return (const char * const *)self->columns->pdata;
}

static gboolean
aud_json_reader_next (AudReader  *reader,
                      AudRow    **row,
                      GError    **error)
{
  AudJsonReader *self = (AudJsonReader *)reader;
  int r;

  if (self->failed)
    return FALSE;

  if (self->source.sniff->format == AUD_FILE_FORMAT_JSON_ARRAY)
    r = scan_array_record (self, error);
  else
    r = scan_line_record (self, error);

  if (r < 0)
    self->failed = TRUE;
  if (r <= 0)
    return FALSE;

  parse_record (self);
  self->row.number = ++self->n_rows;
  *row = &self->row;
  return TRUE;
}

static gboolean
aud_json_reader_rewind (AudReader  *reader,
                        GError    **error)
{
  AudJsonReader *self = (AudJsonReader *)reader;

  if (!_aud_source_rewind (&self->source, error))
    return FALSE;

  reset_scanner (self);
  memset (&self->row, 0, sizeof self->row);
  return TRUE;
}

static AudSource *
aud_json_reader_get_source (AudReader *reader)
{
  return &((AudJsonReader *)reader)->source;
}

static void
aud_reader_iface_init (AudReaderInterface *iface)
{
  iface->get_columns = aud_json_reader_get_columns;
  iface->next = aud_json_reader_next;
  iface->rewind = aud_json_reader_rewind;
  iface->get_source = aud_json_reader_get_source;
}

static void
aud_json_reader_finalize (GObject *object)
{
  AudJsonReader *self = (AudJsonReader *)object;

  _aud_source_clear (&self->source);
  g_clear_object (&self->parser);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->column_index, g_hash_table_unref);
  g_clear_pointer (&self->seen_names, g_hash_table_unref);
  g_clear_pointer (&self->record, g_byte_array_unref);
  g_clear_pointer (&self->cell_data, g_byte_array_unref);
  g_clear_pointer (&self->cell_offsets, g_array_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  if (self->key != NULL)
    g_string_free (g_steal_pointer (&self->key), TRUE);
  if (self->problem != NULL)
    g_string_free (g_steal_pointer (&self->problem), TRUE);

  G_OBJECT_CLASS (aud_json_reader_parent_class)->finalize (object);
}

static void
aud_json_reader_class_init (AudJsonReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_json_reader_finalize;
}

static void
aud_json_reader_init (AudJsonReader *self)
{
  self->parser = json_parser_new_immutable ();
  self->columns = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->columns, NULL);
  self->column_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->seen_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->record = g_byte_array_sized_new (4096);
  self->cell_data = g_byte_array_sized_new (4096);
  self->cell_offsets = g_array_sized_new (FALSE, FALSE, sizeof (gsize), 64);
  self->cells = g_ptr_array_sized_new (64);
  self->key = g_string_new (NULL);
  self->problem = g_string_new (NULL);
  reset_scanner (self);
}

AudReader *
aud_json_reader_new (const char      *path,
                     const AudSniff  *sniff,
                     GError         **error)
{
  g_autoptr(AudJsonReader) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (sniff != NULL, NULL);
  g_return_val_if_fail (sniff->format == AUD_FILE_FORMAT_JSON_ARRAY ||
                        sniff->format == AUD_FILE_FORMAT_JSON_LINES, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (AUD_TYPE_JSON_READER, NULL);

  if (!_aud_source_open (&self->source, path, sniff, error))
    return NULL;

  return AUD_READER (g_steal_pointer (&self));
}
