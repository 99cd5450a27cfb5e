/* aud-sniff.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Sniffing: what kind of file is this? From the first bytes of a file
 * (AUD_SNIFF_SAMPLE_SIZE) it guesses the encoding, the format (CSV, JSON
 * array, JSON Lines), and for CSV the delimiter, the quote character, whether
 * the first row is a header and the line endings. Each guess can be
 * overridden by AudReadOptions; what was overridden is taken as given.
 *
 * Pure functions: any thread, no state.
 */

/* How many bytes of a file aud_sniff_file() looks at. */
#define AUD_SNIFF_SAMPLE_SIZE (64 * 1024)

#define AUD_SNIFF_ERROR (aud_sniff_error_quark ())

/**
 * AudSniffError:
 * @AUD_SNIFF_ERROR_FAILED: any other failure
 * @AUD_SNIFF_ERROR_EMPTY: the file is empty (or holds only a byte order mark
 *   or whitespace)
 * @AUD_SNIFF_ERROR_UNKNOWN_FORMAT: the contents are not CSV, a JSON array or
 *   JSON Lines (e.g. a JSON file whose top level is a single object)
 */
typedef enum
{
  AUD_SNIFF_ERROR_FAILED,
  AUD_SNIFF_ERROR_EMPTY,
  AUD_SNIFF_ERROR_UNKNOWN_FORMAT,
} AudSniffError;

/**
 * AudEncoding:
 * @AUD_ENCODING_AUTO: sniff it (options only)
 * @AUD_ENCODING_UTF8: UTF-8, with or without a byte order mark
 * @AUD_ENCODING_UTF16LE: UTF-16 little endian (BOM `FF FE`)
 * @AUD_ENCODING_UTF16BE: UTF-16 big endian (BOM `FE FF`)
 * @AUD_ENCODING_WINDOWS_1252: Windows-1252, a superset of Latin-1 for
 *   printable characters
 *
 * Whatever the encoding, readers yield UTF-8.
 */
typedef enum
{
  AUD_ENCODING_AUTO,
  AUD_ENCODING_UTF8,
  AUD_ENCODING_UTF16LE,
  AUD_ENCODING_UTF16BE,
  AUD_ENCODING_WINDOWS_1252,
} AudEncoding;

/**
 * AudFileFormat:
 * @AUD_FILE_FORMAT_AUTO: sniff it (options only)
 * @AUD_FILE_FORMAT_CSV: delimited text (CSV, TSV, semicolon, pipe)
 * @AUD_FILE_FORMAT_JSON_ARRAY: one JSON array of objects
 * @AUD_FILE_FORMAT_JSON_LINES: one JSON object per line
 */
typedef enum
{
  AUD_FILE_FORMAT_AUTO,
  AUD_FILE_FORMAT_CSV,
  AUD_FILE_FORMAT_JSON_ARRAY,
  AUD_FILE_FORMAT_JSON_LINES,
} AudFileFormat;

/**
 * AudHeaderMode:
 * @AUD_HEADER_AUTO: sniff whether the first CSV row names the columns
 * @AUD_HEADER_YES: the first row is a header
 * @AUD_HEADER_NO: there is no header; columns are named `Column 1`, ...
 */
typedef enum
{
  AUD_HEADER_AUTO,
  AUD_HEADER_YES,
  AUD_HEADER_NO,
} AudHeaderMode;

/**
 * AudLineEnding:
 * @AUD_LINE_ENDING_NONE: the sample has no line break (one line)
 * @AUD_LINE_ENDING_LF: `\n`
 * @AUD_LINE_ENDING_CRLF: `\r\n`
 * @AUD_LINE_ENDING_CR: `\r` alone
 *
 * Informational: readers accept every kind of line ending, even mixed.
 */
typedef enum
{
  AUD_LINE_ENDING_NONE,
  AUD_LINE_ENDING_LF,
  AUD_LINE_ENDING_CRLF,
  AUD_LINE_ENDING_CR,
} AudLineEnding;

/**
 * AudReadOptions:
 * @format: %AUD_FILE_FORMAT_AUTO to sniff
 * @encoding: %AUD_ENCODING_AUTO to sniff
 * @delimiter: CSV field separator (`,` `;` `\t` `|` or any ASCII
 *   punctuation), 0 to sniff
 * @quote: CSV quote character (`"` or `'`), 0 to sniff
 * @header: whether the first CSV row is a header
 *
 * How to read a file. Zero-initialise (or use %AUD_READ_OPTIONS_INIT) to
 * sniff everything. JSON ignores @delimiter, @quote and @header.
 */
typedef struct
{
  AudFileFormat format;
  AudEncoding   encoding;
  char          delimiter;
  char          quote;
  AudHeaderMode header;
} AudReadOptions;

#define AUD_READ_OPTIONS_INIT ((AudReadOptions) { 0, })

/**
 * AudSniff:
 * @format: the format (never AUTO)
 * @encoding: the encoding (never AUTO)
 * @bom_length: bytes of byte order mark at the start of the file (0, 2 or 3)
 * @delimiter: CSV delimiter (`,` when not CSV)
 * @quote: CSV quote character (`"` when not CSV)
 * @has_header: whether the first CSV row is a header (FALSE for JSON)
 * @line_ending: the first line ending seen
 * @warnings: (element-type utf8): translated sentences about guesses the
 *   user should check, e.g. "The file is not valid UTF-8; it was read as
 *   Windows-1252." Never NULL, often empty.
 *
 * What was detected (or given by the options) about a file.
 */
typedef struct
{
  AudFileFormat  format;
  AudEncoding    encoding;
  guint          bom_length;
  char           delimiter;
  char           quote;
  gboolean       has_header;
  AudLineEnding  line_ending;
  GPtrArray     *warnings;
} AudSniff;

GQuark       aud_sniff_error_quark       (void);

/**
 * aud_sniff_data:
 * @data: (array length=length): the first bytes of a file
 * @length: how many; at most AUD_SNIFF_SAMPLE_SIZE are looked at
 * @at_eof: whether @data is the whole file (so the last line is complete)
 * @options: (nullable): what is known; NULL or AUTO fields are sniffed
 * @error: %AUD_SNIFF_ERROR_EMPTY when there is nothing but a BOM and
 *   whitespace, %AUD_SNIFF_ERROR_UNKNOWN_FORMAT for a lone JSON value
 *
 * Returns: (transfer full): the result, free with aud_sniff_free()
 */
AudSniff    *aud_sniff_data              (const guint8         *data,
                                          gsize                 length,
                                          gboolean              at_eof,
                                          const AudReadOptions *options,
                                          GError              **error);

/**
 * aud_sniff_file:
 * @path: a file name
 * @options: (nullable): as for aud_sniff_data()
 * @error: a #GIOError when the file can't be read, else as for
 *   aud_sniff_data(); messages name the file
 *
 * Reads the first AUD_SNIFF_SAMPLE_SIZE bytes of @path and sniffs them.
 * Blocking I/O: call it from a worker thread in a GUI.
 *
 * Returns: (transfer full): the result, free with aud_sniff_free()
 */
AudSniff    *aud_sniff_file              (const char           *path,
                                          const AudReadOptions *options,
                                          GError              **error);

AudSniff    *aud_sniff_copy              (const AudSniff       *sniff);
void         aud_sniff_free              (AudSniff             *sniff);

/* Stable lower-case names for the CLI and JSON: "auto", "utf-8",
 * "utf-16le", "utf-16be", "windows-1252"; "auto", "csv", "json",
 * "jsonl". from_string also accepts common aliases ("utf8", "latin1",
 * "cp1252", "iso-8859-1", "ndjson", "json-lines", "tsv" gives CSV),
 * ASCII case-insensitively. */
const char  *aud_encoding_to_string      (AudEncoding           encoding);
gboolean     aud_encoding_from_string    (const char           *str,
                                          AudEncoding          *encoding);
const char  *aud_file_format_to_string   (AudFileFormat         format);
gboolean     aud_file_format_from_string (const char           *str,
                                          AudFileFormat        *format);

/* Translated, for display: "UTF-8", "Windows-1252 (Western)", "CSV",
 * "JSON array", "JSON Lines", "Tab", "Semicolon"... */
const char  *aud_encoding_get_label      (AudEncoding           encoding);
const char  *aud_file_format_get_label   (AudFileFormat         format);
const char  *aud_delimiter_get_label     (char                  delimiter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudSniff, aud_sniff_free)

G_END_DECLS
