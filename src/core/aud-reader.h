/* aud-reader.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aud-sniff.h"

G_BEGIN_DECLS

/*
 * AudReader: a streaming reader of rows from a data file, implemented by
 * AudCsvReader (CSV, TSV, ...) and AudJsonReader (JSON array, JSON Lines).
 * Memory stays flat whatever the file size; every cell and every column
 * name is valid UTF-8 whatever the file's encoding.
 *
 * A row that can't be read right is not dropped: it comes out of
 * aud_reader_next() with @problem set (wrong field count, invalid UTF-8, a
 * field longer than AUD_READER_MAX_FIELD, a JSON syntax error in one JSON
 * Lines record...), so the caller can reject it with its line and raw text,
 * and reading goes on with the next row. Only what makes the rest of the file
 * unreadable (an I/O error, unbalanced brackets in a JSON array) is a fatal
 * GError.
 *
 * Threading: a reader is used by one thread at a time. All calls do blocking
 * I/O; in a GUI call them from a worker thread.
 */

#define AUD_TYPE_READER (aud_reader_get_type ())

G_DECLARE_INTERFACE (AudReader, aud_reader, AUD, READER, GObject)

#define AUD_READER_ERROR (aud_reader_error_quark ())

/**
 * AudReaderError:
 * @AUD_READER_ERROR_FAILED: any other failure
 * @AUD_READER_ERROR_SYNTAX: the file is malformed beyond recovery (the
 *   brackets or strings of a JSON array do not balance, text after it...);
 *   the message gives file, line and column
 *
 * I/O failures are reported in the G_IO_ERROR domain, an empty or
 * unrecognised file in the AUD_SNIFF_ERROR domain.
 */
typedef enum
{
  AUD_READER_ERROR_FAILED,
  AUD_READER_ERROR_SYNTAX,
} AudReaderError;

/* A field longer than this many bytes flags its row. */
#define AUD_READER_MAX_FIELD (1024 * 1024)

/* AudRow.raw is cut to at most this many bytes. */
#define AUD_READER_MAX_RAW 4096

/**
 * AudRowProblem:
 * @AUD_ROW_PROBLEM_NONE: the row is fine
 * @AUD_ROW_PROBLEM_FIELD_COUNT: a CSV row has more or fewer fields than the
 *   header (or the first row); cells are as read, never padded or cut
 * @AUD_ROW_PROBLEM_INVALID_TEXT: the row is not valid in the file's encoding
 *   (invalid UTF-8); cells are not set (n_cells is 0)
 * @AUD_ROW_PROBLEM_FIELD_TOO_LONG: a field is longer than
 *   AUD_READER_MAX_FIELD (that cell is NULL), or the whole record longer
 *   than 64 MiB (then only its start was kept)
 * @AUD_ROW_PROBLEM_QUOTING: malformed CSV quoting (text after a closing
 *   quote, or a quote not closed before the end of the file); cells are as
 *   leniently read
 * @AUD_ROW_PROBLEM_SYNTAX: a JSON record is not valid JSON (a JSON Lines
 *   line, or an array element whose brackets and strings balance); cells
 *   are not set
 * @AUD_ROW_PROBLEM_NOT_AN_OBJECT: a JSON record is not an object (e.g. a
 *   number or an array); cells are not set
 *
 * The first problem found in a row. Its translated description is in
 * AudRow.problem_text.
 */
typedef enum
{
  AUD_ROW_PROBLEM_NONE,
  AUD_ROW_PROBLEM_FIELD_COUNT,
  AUD_ROW_PROBLEM_INVALID_TEXT,
  AUD_ROW_PROBLEM_FIELD_TOO_LONG,
  AUD_ROW_PROBLEM_QUOTING,
  AUD_ROW_PROBLEM_SYNTAX,
  AUD_ROW_PROBLEM_NOT_AN_OBJECT,
} AudRowProblem;

/**
 * AudRow:
 * @line: 1-based physical line of the file where the row starts (a row with
 *   quoted line breaks, or a multi-line JSON record, spans several lines)
 * @number: 1-based number of the data row (header not counted; flagged rows
 *   counted)
 * @n_cells: number of cells
 * @cells: (array length=n_cells): the cells, in column order; NULL means
 *   missing (a JSON key absent or null); an empty CSV field is ""
 * @raw: the row's text as in the file, converted to UTF-8 where possible,
 *   without its final line break, cut to AUD_READER_MAX_RAW bytes (at a
 *   character boundary when valid UTF-8); NUL-terminated. For an
 *   %AUD_ROW_PROBLEM_INVALID_TEXT row the invalid bytes are kept as they are
 *   (so @raw may not be valid UTF-8 then).
 * @raw_length: bytes in @raw
 * @problem: %AUD_ROW_PROBLEM_NONE or what is wrong with the row
 * @problem_text: (nullable): a translated sentence such as "line 12 has 9
 *   fields, expected 7", "invalid UTF-8 at byte 5 of the row", "field 3 is
 *   longer than 1 MiB" (CSV: by position; JSON: "field “blob” is..."),
 *   "line 4, column 17: ..." (JSON syntax); NULL when fine
 *
 * One row. Owned by the reader: valid until the next call of
 * aud_reader_next(), aud_reader_rewind() or the reader's finalisation.
 *
 * For CSV, a row without a problem has exactly as many cells as there are
 * columns. For JSON, a row without a problem has as many cells as the reader
 * has columns at that moment: when a record brings keys not seen before,
 * columns are appended and that row (and later ones) has more cells than
 * earlier rows. Compare @n_cells with the number of columns you know, and call
 * aud_reader_get_columns() again when it grew.
 */
typedef struct
{
  guint64        line;
  guint64        number;
  guint          n_cells;
  char         **cells;
  const char    *raw;
  gsize          raw_length;
  AudRowProblem  problem;
  const char    *problem_text;
} AudRow;

/**
 * AudReaderInterface:
 *
 * Implementations: AudCsvReader and AudJsonReader. Callers use the
 * aud_reader_*() functions below, which document the contract.
 */
struct _AudReaderInterface
{
  GTypeInterface parent_iface;

  const char * const *(*get_columns)     (AudReader  *self,
                                          guint      *n_columns);
  gboolean            (*next)            (AudReader  *self,
                                          AudRow    **row,
                                          GError    **error);
  gboolean            (*rewind)          (AudReader  *self,
                                          GError    **error);

  /* Internal: the file being read (see aud-reader-private.h) */
  struct _AudSource  *(*get_source)      (AudReader  *self);
};

GQuark               aud_reader_error_quark      (void);

/**
 * aud_reader_open:
 * @path: the file to read
 * @options: (nullable): how to read it; NULL, or AUTO fields, are sniffed
 *   from the first AUD_SNIFF_SAMPLE_SIZE bytes
 * @error: G_IO_ERROR when the file can't be opened; AUD_SNIFF_ERROR_EMPTY
 *   for an empty file; AUD_SNIFF_ERROR_UNKNOWN_FORMAT
 *
 * Sniffs @path as needed and opens an AudCsvReader or an AudJsonReader on it.
 * For CSV, the header (or the first row, when there is no header) is read
 * now, so aud_reader_get_columns() is known at once. A file with only a
 * header opens fine and yields no rows.
 *
 * Returns: (transfer full): a new reader, or NULL with @error set
 */
AudReader           *aud_reader_open             (const char            *path,
                                                  const AudReadOptions  *options,
                                                  GError               **error);

/**
 * aud_reader_get_columns:
 * @self: a reader
 * @n_columns: (out) (optional): the number of columns
 *
 * The column names, unique and non-empty: CSV header names (duplicates get
 * ` (2)`, ` (3)`..., empty names `Column N`, with a warning in the sniff),
 * `Column 1`... without a header, and for JSON the keys seen so far, nested
 * objects flattened to dotted names (`style.Size:`), in order of first
 * appearance.
 *
 * For CSV the list never changes. For JSON it only grows, by appending, as
 * records with new keys are read (see #AudRow); aud_reader_rewind() keeps the
 * columns already seen, so a second pass over a file starts with all of them.
 *
 * Returns: (transfer none) (array length=n_columns): the names, valid until
 *   the next aud_reader_next() call; NULL-terminated
 */
const char * const  *aud_reader_get_columns      (AudReader             *self,
                                                  guint                 *n_columns);

/**
 * aud_reader_columns_may_grow:
 * @self: a reader
 *
 * Returns: TRUE when aud_reader_get_columns() may grow while reading (JSON)
 */
gboolean             aud_reader_columns_may_grow (AudReader             *self);

/**
 * aud_reader_next:
 * @self: a reader
 * @row: (out) (transfer none): the next row, owned by the reader, valid
 *   until the next call
 * @error: set on a fatal error, with the file name and line
 *
 * Reads the next row. Flagged rows (see #AudRowProblem) are returned like
 * any other: check `row->problem`. Blank lines between CSV rows are skipped.
 *
 * Returns: TRUE with @row set; FALSE at the end of the file (@error unset,
 *   @row NULL) or on a fatal error (@error set)
 */
gboolean             aud_reader_next             (AudReader             *self,
                                                  AudRow               **row,
                                                  GError               **error);

/**
 * aud_reader_rewind:
 * @self: a reader
 * @error: a G_IO_ERROR
 *
 * Goes back to the first row (after the header), for a second pass.
 *
 * Returns: TRUE on success
 */
gboolean             aud_reader_rewind           (AudReader             *self,
                                                  GError               **error);

/**
 * aud_reader_get_bytes_read:
 * @self: a reader
 *
 * Returns: how many bytes of the file have been consumed, for progress
 *   (compare with aud_reader_get_total_bytes()); moves in steps of the read
 *   buffer (64 KiB)
 */
guint64              aud_reader_get_bytes_read   (AudReader             *self);

/**
 * aud_reader_get_total_bytes:
 * @self: a reader
 *
 * Returns: the size of the file in bytes, as it was when opened
 */
guint64              aud_reader_get_total_bytes  (AudReader             *self);

/**
 * aud_reader_get_sniff:
 * @self: a reader
 *
 * What was detected about the file (or given in the options), with warnings
 * for the user: encoding guesses, renamed header names...
 *
 * Returns: (transfer none): the sniff result, owned by the reader
 */
const AudSniff      *aud_reader_get_sniff        (AudReader             *self);

/**
 * aud_reader_get_path:
 * @self: a reader
 *
 * Returns: (transfer none): the file name given to aud_reader_open()
 */
const char          *aud_reader_get_path         (AudReader             *self);

G_END_DECLS
