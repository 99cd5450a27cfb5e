/* aud-sniff.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-sniff"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-reader-private.h"
#include "aud-sniff.h"
#include "aud-value.h"

/* Records looked at to choose the delimiter and the header. */
#define SNIFF_MAX_RECORDS 100

G_DEFINE_QUARK (aud-sniff-error-quark, aud_sniff_error)

static const char candidate_delimiters[] = { ',', '\t', ';', '|' };

static const struct {
  const char *name;
  const char *label;
} encodings[] = {
  [AUD_ENCODING_AUTO] = { "auto", N_("Automatic") },
  [AUD_ENCODING_UTF8] = { "utf-8", N_("UTF-8") },
  [AUD_ENCODING_UTF16LE] = { "utf-16le", N_("UTF-16 (little endian)") },
  [AUD_ENCODING_UTF16BE] = { "utf-16be", N_("UTF-16 (big endian)") },
  [AUD_ENCODING_WINDOWS_1252] = { "windows-1252", N_("Windows-1252 (Western)") },
};

typedef struct
{
  const char *name;
  int         value;
} NameValue;

/* Names accepted by the from_string functions: the stable ones and
 * common aliases. */
static const NameValue encoding_names[] = {
  { "auto", AUD_ENCODING_AUTO },
  { "utf-8", AUD_ENCODING_UTF8 },
  { "utf8", AUD_ENCODING_UTF8 },
  { "utf-8-sig", AUD_ENCODING_UTF8 },
  { "ascii", AUD_ENCODING_UTF8 },
  { "utf-16le", AUD_ENCODING_UTF16LE },
  { "utf16le", AUD_ENCODING_UTF16LE },
  { "utf-16be", AUD_ENCODING_UTF16BE },
  { "utf16be", AUD_ENCODING_UTF16BE },
  { "windows-1252", AUD_ENCODING_WINDOWS_1252 },
  { "cp1252", AUD_ENCODING_WINDOWS_1252 },
  { "latin1", AUD_ENCODING_WINDOWS_1252 },
  { "latin-1", AUD_ENCODING_WINDOWS_1252 },
  { "iso-8859-1", AUD_ENCODING_WINDOWS_1252 },
  { "iso8859-1", AUD_ENCODING_WINDOWS_1252 },
};

static const struct {
  const char *name;
  const char *label;
} formats[] = {
  [AUD_FILE_FORMAT_AUTO] = { "auto", N_("Automatic") },
  [AUD_FILE_FORMAT_CSV] = { "csv", N_("CSV") },
  [AUD_FILE_FORMAT_JSON_ARRAY] = { "json", N_("JSON array") },
  [AUD_FILE_FORMAT_JSON_LINES] = { "jsonl", N_("JSON Lines") },
};

static const NameValue format_names[] = {
  { "auto", AUD_FILE_FORMAT_AUTO },
  { "csv", AUD_FILE_FORMAT_CSV },
  { "tsv", AUD_FILE_FORMAT_CSV },
  { "json", AUD_FILE_FORMAT_JSON_ARRAY },
  { "jsonl", AUD_FILE_FORMAT_JSON_LINES },
  { "ndjson", AUD_FILE_FORMAT_JSON_LINES },
  { "json-lines", AUD_FILE_FORMAT_JSON_LINES },
  { "jsonlines", AUD_FILE_FORMAT_JSON_LINES },
};

static gboolean
lookup_name (const NameValue *table,
             gsize            n_entries,
             const char      *str,
             int             *value)
{
  for (gsize i = 0; i < n_entries; i++)
    {
      if (g_ascii_strcasecmp (str, table[i].name) == 0)
        {
          *value = table[i].value;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
aud_encoding_to_string (AudEncoding encoding)
{
  g_return_val_if_fail (encoding < G_N_ELEMENTS (encodings), NULL);

  return encodings[encoding].name;
}

gboolean
aud_encoding_from_string (const char  *str,
                          AudEncoding *encoding)
{
  int value;

  g_return_val_if_fail (str != NULL, FALSE);

  if (!lookup_name (encoding_names, G_N_ELEMENTS (encoding_names), str, &value))
    return FALSE;
  if (encoding != NULL)
    *encoding = value;
  return TRUE;
}

const char *
aud_encoding_get_label (AudEncoding encoding)
{
  g_return_val_if_fail (encoding < G_N_ELEMENTS (encodings), NULL);

  return _(encodings[encoding].label);
}

const char *
aud_file_format_to_string (AudFileFormat format)
{
  g_return_val_if_fail (format < G_N_ELEMENTS (formats), NULL);

  return formats[format].name;
}

gboolean
aud_file_format_from_string (const char    *str,
                             AudFileFormat *format)
{
  int value;

  g_return_val_if_fail (str != NULL, FALSE);

  if (!lookup_name (format_names, G_N_ELEMENTS (format_names), str, &value))
    return FALSE;
  if (format != NULL)
    *format = value;
  return TRUE;
}

const char *
aud_file_format_get_label (AudFileFormat format)
{
  g_return_val_if_fail (format < G_N_ELEMENTS (formats), NULL);

  return _(formats[format].label);
}

const char *
aud_delimiter_get_label (char delimiter)
{
  switch (delimiter)
    {
    case ',':
      return _("Comma");
    case ';':
      return _("Semicolon");
    case '\t':
      return _("Tab");
    case '|':
      return _("Vertical bar");
    case ' ':
      return _("Space");
    case ':':
      return _("Colon");
    default:
      return _("Other");
    }
}

AudSniff *
aud_sniff_copy (const AudSniff *sniff)
{
  AudSniff *copy;

  g_return_val_if_fail (sniff != NULL, NULL);

  copy = g_memdup2 (sniff, sizeof *sniff);
  copy->warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < sniff->warnings->len; i++)
    g_ptr_array_add (copy->warnings, g_strdup (g_ptr_array_index (sniff->warnings, i)));

  return copy;
}

void
aud_sniff_free (AudSniff *sniff)
{
  if (sniff == NULL)
    return;

  g_clear_pointer (&sniff->warnings, g_ptr_array_unref);
  g_free (sniff);
}

/* Returns the length of a byte order mark at the start of @data and sets
 * @encoding, or returns 0. */
static guint
detect_bom (const guint8 *data,
            gsize         length,
            AudEncoding  *encoding)
{
  if (length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    {
      *encoding = AUD_ENCODING_UTF8;
      return 3;
    }
  if (length >= 2 && data[0] == 0xFF && data[1] == 0xFE)
    {
      *encoding = AUD_ENCODING_UTF16LE;
      return 2;
    }
  if (length >= 2 && data[0] == 0xFE && data[1] == 0xFF)
    {
      *encoding = AUD_ENCODING_UTF16BE;
      return 2;
    }
  return 0;
}

/* UTF-16 without a BOM shows as NUL bytes in every other position (for
 * mostly-ASCII text). */
static gboolean
detect_utf16_without_bom (const guint8 *data,
                          gsize         length,
                          AudEncoding  *encoding)
{
  gsize n = MIN (length, 4096) & ~(gsize)1;
  gsize even_zero = 0, odd_zero = 0;

  if (n < 4)
    return FALSE;

  for (gsize i = 0; i < n; i += 2)
    {
      even_zero += data[i] == 0;
      odd_zero += data[i + 1] == 0;
    }

  if (odd_zero * 10 > n / 2 * 4 && even_zero * 20 < n / 2)
    {
      *encoding = AUD_ENCODING_UTF16LE;
      return TRUE;
    }
  if (even_zero * 10 > n / 2 * 4 && odd_zero * 20 < n / 2)
    {
      *encoding = AUD_ENCODING_UTF16BE;
      return TRUE;
    }
  return FALSE;
}

/* Counts valid multi-byte UTF-8 characters and invalid sequences in
 * @data. A sequence cut by the end of the sample is not invalid unless
 * @at_eof. */
static void
count_utf8 (const guint8 *data,
            gsize         length,
            gboolean      at_eof,
            guint        *n_valid,
            guint        *n_invalid)
{
  const char *p = (const char *)data;
  const char *end = p + length;

  *n_valid = 0;
  *n_invalid = 0;

  while (p < end)
    {
      const char *bad;

      if (g_utf8_validate_len (p, end - p, &bad))
        bad = end;

      for (const char *q = p; q < bad; q++)
        if ((guchar)*q >= 0xC0)
          (*n_valid)++;

      if (bad >= end)
        break;

      /* Skip a valid NUL (g_utf8_validate stops there). */
      if (*bad == '\0')
        {
          p = bad + 1;
          continue;
        }

      if (!at_eof && end - bad < 4 &&
          g_utf8_get_char_validated (bad, end - bad) == (gunichar)-2)
        break;

      (*n_invalid)++;
      p = bad + 1;
    }
}

/* Sets the encoding (and BOM length) of @sniff from @data, honouring
 * @requested. */
static void
sniff_encoding (AudSniff     *sniff,
                const guint8 *data,
                gsize         length,
                gboolean      at_eof,
                AudEncoding   requested)
{
  AudEncoding bom_encoding = AUD_ENCODING_AUTO;
  guint bom_length = detect_bom (data, length, &bom_encoding);
  guint n_valid, n_invalid;

  if (requested != AUD_ENCODING_AUTO)
    {
      sniff->encoding = requested;
      sniff->bom_length = bom_encoding == requested ? bom_length : 0;
      return;
    }

  if (bom_length > 0)
    {
      sniff->encoding = bom_encoding;
      sniff->bom_length = bom_length;
      return;
    }

  if (detect_utf16_without_bom (data, length, &sniff->encoding))
    return;

  count_utf8 (data, length, at_eof, &n_valid, &n_invalid);
  if (n_invalid == 0)
    {
      sniff->encoding = AUD_ENCODING_UTF8;
    }
  else if (n_valid > 0 && n_valid * 4 >= n_invalid)
    {
      /* Windows-1252 text almost never forms valid multi-byte UTF-8, so a
       * few bad bytes among valid UTF-8 are errors in a UTF-8 file. */
      sniff->encoding = AUD_ENCODING_UTF8;
      g_ptr_array_add (sniff->warnings,
                       g_strdup (_("The file is mostly UTF-8 but has bytes that are not valid UTF-8; rows with such bytes will be rejected.")));
    }
  else
    {
      sniff->encoding = AUD_ENCODING_WINDOWS_1252;
      g_ptr_array_add (sniff->warnings,
                       g_strdup (_("The file is not valid UTF-8; it was read as Windows-1252 (Western European). Check that accented letters and symbols look right.")));
    }
}

static const char *
skip_space (const char *p,
            const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  return p;
}

/* Scans one JSON value starting at @p (which must not be whitespace).
 * Returns the end of the value, or NULL when it does not end before @end. */
static const char *
scan_json_value (const char *p,
                 const char *end)
{
  AudJsonScan scan = { 0, };

  for (; p < end; p++)
    {
      switch (_aud_json_scan_byte (&scan, *p))
        {
        case AUD_JSON_SCAN_END_AFTER:
          return p + 1;
        case AUD_JSON_SCAN_END_BEFORE:
          return p;
        case AUD_JSON_SCAN_MORE:
        default:
          break;
        }
    }

  return NULL;
}

static gboolean
sniff_format (AudSniff    *sniff,
              const char  *text,
              gsize        length,
              GError     **error)
{
  const char *end = text + length;
  const char *p = skip_space (text, end);

  if (*p == '[')
    {
      const char *q = skip_space (p + 1, end);

      if (q >= end || *q == '{' || *q == ']' || *q == '[')
        {
          sniff->format = AUD_FILE_FORMAT_JSON_ARRAY;
          return TRUE;
        }
    }
  else if (*p == '{')
    {
      const char *value_end = scan_json_value (p, end);
      const char *newline = memchr (p, '\n', end - p);

      /* The first object ends on the first line, or that line is longer
       * than the sample */
      if ((value_end != NULL && (newline == NULL || value_end <= newline)) ||
          (value_end == NULL && newline == NULL))
        {
          sniff->format = AUD_FILE_FORMAT_JSON_LINES;
          return TRUE;
        }

      g_set_error_literal (error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_UNKNOWN_FORMAT,
                           _("The file holds a JSON object spread over several lines. "
                             "Only a JSON array of objects, or JSON Lines (one object per line), can be imported."));
      return FALSE;
    }

  sniff->format = AUD_FILE_FORMAT_CSV;
  return TRUE;
}

static AudLineEnding
sniff_line_ending (const char *text,
                   gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '\n')
        return AUD_LINE_ENDING_LF;
      if (text[i] == '\r')
        return i + 1 < length && text[i + 1] == '\n' ? AUD_LINE_ENDING_CRLF : AUD_LINE_ENDING_CR;
    }
  return AUD_LINE_ENDING_NONE;
}

static void
free_record (gpointer data)
{
  g_ptr_array_unref (data);
}

/* Splits @text into at most @max_records records (each a GPtrArray of
 * field strings, unquoted), skipping empty lines. The last record is kept
 * only when @at_eof (else it may be cut by the sample's end). */
static GPtrArray *
split_records (const char *text,
               gsize       length,
               char        delimiter,
               char        quote,
               guint       max_records,
               gboolean    at_eof)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (free_record);
  g_autoptr(GPtrArray) record = NULL;
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;
  const char *end = text + length;
  gboolean in_quotes = FALSE;
  gboolean field_start = TRUE;

  while (p < end && records->len < max_records)
    {
      char c = *p++;

      if (record == NULL)
        {
          if (c == '\r' || c == '\n')
            continue;
          record = g_ptr_array_new_with_free_func (g_free);
        }

      if (in_quotes)
        {
          if (c == quote)
            {
              if (p < end && *p == quote)
                {
                  g_string_append_c (field, quote);
                  p++;
                }
              else
                in_quotes = FALSE;
            }
          else
            g_string_append_c (field, c);
        }
      else if (c == quote && field_start)
        {
          in_quotes = TRUE;
          field_start = FALSE;
        }
      else if (c == delimiter)
        {
          g_ptr_array_add (record, g_strndup (field->str, field->len));
          g_string_truncate (field, 0);
          field_start = TRUE;
        }
      else if (c == '\r' || c == '\n')
        {
          g_ptr_array_add (record, g_strndup (field->str, field->len));
          g_string_truncate (field, 0);
          g_ptr_array_add (records, g_steal_pointer (&record));
          field_start = TRUE;
        }
      else
        {
          g_string_append_c (field, c);
          field_start = FALSE;
        }
    }

  if (record != NULL && at_eof && p >= end)
    {
      g_ptr_array_add (record, g_strndup (field->str, field->len));
      g_ptr_array_add (records, g_steal_pointer (&record));
    }

  return records;
}

/* The quote character: `"` unless only `'` is seen around fields. */
static char
sniff_quote (const char *text,
             gsize       length)
{
  guint n_double = 0, n_single = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];
      char before, after;

      if (c != '"' && c != '\'')
        continue;

      before = i > 0 ? text[i - 1] : '\n';
      after = i + 1 < length ? text[i + 1] : '\n';
      if (strchr (",;\t|\r\n", before) == NULL && strchr (",;\t|\r\n", after) == NULL)
        continue;

      if (c == '"')
        n_double++;
      else
        n_single++;
    }

  return n_single > 0 && n_double == 0 ? '\'' : '"';
}

/* Whether @text reads as a number, a date or a date-time in any usual
 * format: such a value is data, not a column name. */
static gboolean
looks_typed (const char *text)
{
  static const AudNumberFormat number_formats[] = {
    { '.', 0 }, { '.', ',' }, { ',', 0 }, { ',', '.' },
  };
  gint64 mantissa, t;
  guint scale;

  for (guint i = 0; i < G_N_ELEMENTS (number_formats); i++)
    if (aud_value_parse_decimal (text, &number_formats[i], &mantissa, &scale))
      return TRUE;

  return aud_value_parse_datetime (text, AUD_DATE_ORDER_DMY, NULL, &t) ||
         aud_value_parse_datetime (text, AUD_DATE_ORDER_MDY, NULL, &t);
}

/* Picks the delimiter that splits most records into the same number
 * (at least 2) of fields. Ties go to the one whose fields read more often
 * as numbers or dates (so `1,5;2,25` splits at `;`: decimal commas), then
 * to the larger count, then to the order of candidate_delimiters. */
static char
sniff_delimiter (const char *text,
                 gsize       length,
                 char        quote,
                 gboolean    at_eof)
{
  char best = ',';
  double best_consistency = 0;
  double best_typed = 0;
  guint best_mode = 0;

  for (guint c = 0; c < G_N_ELEMENTS (candidate_delimiters); c++)
    {
      char delimiter = candidate_delimiters[c];
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GHashTable) counts = NULL;
      GHashTableIter iter;
      gpointer key, value;
      guint mode = 0, n_mode = 0;
      guint n_fields = 0, n_typed = 0;
      double consistency, typed;

      if (memchr (text, delimiter, length) == NULL)
        continue;

      records = split_records (text, length, delimiter, quote, SNIFF_MAX_RECORDS, at_eof);
      if (records->len == 0)
        continue;

      counts = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < records->len; i++)
        {
          GPtrArray *record = g_ptr_array_index (records, i);
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (record->len)));

          g_hash_table_insert (counts, GUINT_TO_POINTER (record->len), GUINT_TO_POINTER (n + 1));
        }

      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint n_record_fields = GPOINTER_TO_UINT (key);
          guint n = GPOINTER_TO_UINT (value);

          if (n > n_mode || (n == n_mode && n_record_fields > mode))
            {
              mode = n_record_fields;
              n_mode = n;
            }
        }

      if (mode < 2)
        continue;

      for (guint i = 0; i < records->len; i++)
        {
          GPtrArray *record = g_ptr_array_index (records, i);

          for (guint j = 0; j < record->len; j++)
            n_typed += looks_typed (g_ptr_array_index (record, j));
          n_fields += record->len;
        }

      consistency = (double)n_mode / records->len;
      typed = (double)n_typed / MAX (n_fields, 1);

      if (consistency > best_consistency + 1e-9 ||
          (consistency > best_consistency - 1e-9 &&
           (typed > best_typed + 1e-9 ||
            (typed > best_typed - 1e-9 && mode > best_mode))))
        {
          best = delimiter;
          best_consistency = consistency;
          best_typed = typed;
          best_mode = mode;
        }
    }

  return best;
}

static gboolean
sniff_header (GPtrArray *records)
{
  GPtrArray *first;
  guint n_named = 0;
  gboolean typed_later = FALSE;
  gboolean repeated = FALSE;

  if (records->len == 0)
    return TRUE;

  first = g_ptr_array_index (records, 0);

  for (guint j = 0; j < first->len; j++)
    {
      const char *name = g_ptr_array_index (first, j);

      if (aud_value_is_blank (name, NULL))
        continue;
      if (looks_typed (name))
        return FALSE;
      n_named++;
    }

  if (n_named == 0)
    return FALSE;

  for (guint j = 0; j < first->len; j++)
    {
      const char *name = g_ptr_array_index (first, j);
      guint n_values = 0, n_typed = 0;

      for (guint i = 1; i < records->len; i++)
        {
          GPtrArray *record = g_ptr_array_index (records, i);
          const char *value;

          if (j >= record->len)
            continue;
          value = g_ptr_array_index (record, j);
          if (aud_value_is_blank (value, NULL))
            continue;
          n_values++;
          if (looks_typed (value))
            n_typed++;
          if (strcmp (value, name) == 0)
            repeated = TRUE;
        }

      if (n_values > 0 && n_typed * 2 >= n_values)
        typed_later = TRUE;
    }

  return typed_later || !repeated;
}

/* Decodes the sample to UTF-8 text (invalid UTF-8 is kept as is). */
static GByteArray *
decode_sample (const AudSniff *sniff,
               const guint8   *data,
               gsize           length,
               gboolean        at_eof)
{
  GByteArray *text = g_byte_array_sized_new (length + 1);
  AudDecoder decoder;

  _aud_decoder_init (&decoder, sniff->encoding);
  _aud_decoder_decode (&decoder, data + sniff->bom_length, length - sniff->bom_length,
                       at_eof, text);
  g_byte_array_append (text, (const guint8 *)"", 1);
  g_byte_array_set_size (text, text->len - 1);
  return text;
}

AudSniff *
aud_sniff_data (const guint8          *data,
                gsize                  length,
                gboolean               at_eof,
                const AudReadOptions  *options,
                GError               **error)
{
  AudReadOptions opts = options != NULL ? *options : AUD_READ_OPTIONS_INIT;
  g_autoptr(AudSniff) sniff = NULL;
  g_autoptr(GByteArray) text = NULL;
  const char *str;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > AUD_SNIFF_SAMPLE_SIZE)
    {
      length = AUD_SNIFF_SAMPLE_SIZE;
      at_eof = FALSE;
    }

  sniff = g_new0 (AudSniff, 1);
  sniff->warnings = g_ptr_array_new_with_free_func (g_free);
  sniff->delimiter = ',';
  sniff->quote = '"';

  sniff_encoding (sniff, data, length, at_eof, opts.encoding);
  text = decode_sample (sniff, data, length, at_eof);
  str = (const char *)text->data;

  if (skip_space (str, str + text->len) == str + text->len)
    {
      g_set_error_literal (error, AUD_SNIFF_ERROR, AUD_SNIFF_ERROR_EMPTY,
                           _("The file is empty."));
      return NULL;
    }

  sniff->line_ending = sniff_line_ending (str, text->len);

  if (opts.format != AUD_FILE_FORMAT_AUTO)
    sniff->format = opts.format;
  else if (!sniff_format (sniff, str, text->len, error))
    return NULL;

  if (sniff->format == AUD_FILE_FORMAT_CSV)
    {
      sniff->quote = opts.quote != 0 ? opts.quote : sniff_quote (str, text->len);
      sniff->delimiter = opts.delimiter != 0 ? opts.delimiter
                                             : sniff_delimiter (str, text->len, sniff->quote, at_eof);

      if (opts.header != AUD_HEADER_AUTO)
        {
          sniff->has_header = opts.header == AUD_HEADER_YES;
        }
      else
        {
          g_autoptr(GPtrArray) records = split_records (str, text->len, sniff->delimiter,
                                                        sniff->quote, SNIFF_MAX_RECORDS, at_eof);

          /* A sample cut inside the first record: assume a header. */
          sniff->has_header = sniff_header (records);
          if (!sniff->has_header)
            g_ptr_array_add (sniff->warnings,
                             g_strdup (_("The first row looks like data, not column names; the columns are named “Column 1”, “Column 2”, and so on.")));
        }
    }

  return g_steal_pointer (&sniff);
}

AudSniff *
aud_sniff_file (const char            *path,
                const AudReadOptions  *options,
                GError               **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *data = NULL;
  gsize length = 0;
  guint8 extra;
  gsize n_extra = 0;
  AudSniff *sniff;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);
  data = g_malloc (AUD_SNIFF_SAMPLE_SIZE);

  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), data, AUD_SNIFF_SAMPLE_SIZE,
                                &length, NULL, &local_error) ||
      (length == AUD_SNIFF_SAMPLE_SIZE &&
       !g_input_stream_read_all (G_INPUT_STREAM (stream), &extra, 1, &n_extra, NULL, &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return NULL;
    }

  sniff = aud_sniff_data (data, length, n_extra == 0, options, &local_error);
  if (sniff == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return NULL;
    }

  return sniff;
}
