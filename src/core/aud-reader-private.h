/* aud-reader-private.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aud-reader.h"

G_BEGIN_DECLS

/* Internals shared by aud-sniff.c, aud-csv-reader.c and
 * aud-json-reader.c; implemented in aud-reader.c. */

/* Size of one read from the file. */
#define AUD_READ_CHUNK_SIZE (64 * 1024)

/* A record (CSV row, JSON element or line) longer than this is not kept
 * whole, so memory stays bounded even when a quote is never closed. */
#define AUD_READER_MAX_RECORD (64 * 1024 * 1024)

/*
 * AudDecoder: converts UTF-16 and Windows-1252 to UTF-8 in chunks, carrying
 * a partial sequence from one chunk to the next. UTF-8 passes unchanged
 * (rows are validated later, so that a bad row can be flagged alone).
 * Unpaired UTF-16 surrogates become U+FFFD.
 */
typedef struct
{
  AudEncoding encoding;
  guint8      carry;      /* a pending odd UTF-16 byte */
  gboolean    has_carry;
  gunichar    high;       /* a pending high surrogate, or 0 */
} AudDecoder;

void      _aud_decoder_init   (AudDecoder   *self,
                               AudEncoding   encoding);

/* Appends the UTF-8 text of @data to @out. With @flush, what is pending
 * is written out too (as U+FFFD). */
void      _aud_decoder_decode (AudDecoder   *self,
                               const guint8 *data,
                               gsize         length,
                               gboolean      flush,
                               GByteArray   *out);

/*
 * AudSource: a file read in chunks and decoded to UTF-8, with the byte
 * order mark skipped. Consumers read text->data[pos .. text->len) and
 * advance pos; _aud_source_fill() drops what was consumed and appends the
 * next chunk.
 */
typedef struct _AudSource
{
  AudSniff     *sniff;        /* owned copy; readers may add warnings */
  char         *path;
  GInputStream *stream;
  AudDecoder    decoder;
  guint         bom_length;
  guint64       total_bytes;
  guint64       bytes_read;   /* raw bytes read from the file */
  guint8       *raw;          /* AUD_READ_CHUNK_SIZE bytes, non-UTF-8 only */
  GByteArray   *text;         /* decoded UTF-8 */
  gsize         pos;          /* consumed bytes of text */
  gboolean      eof;
} AudSource;

gboolean  _aud_source_open    (AudSource      *self,
                               const char     *path,
                               const AudSniff *sniff,
                               GError        **error);
void      _aud_source_clear   (AudSource    *self);
gboolean  _aud_source_rewind  (AudSource    *self,
                               GError      **error);

/* Reads and decodes the next chunk. Returns the number of bytes of text
 * appended (0 at the end of the file, then self->eof is set), or -1 with
 * @error set. */
gssize    _aud_source_fill    (AudSource    *self,
                               GError      **error);

/* Sets @row->raw/raw_length to at most AUD_READER_MAX_RAW bytes of
 * @text, cut at a UTF-8 character boundary, by writing a NUL into @text
 * (which must have room for one after its length). Call it last. */
void      _aud_row_set_raw    (AudRow       *row,
                               GByteArray   *text);

/*
 * AudJsonScan: finds where one JSON value ends, a byte at a time, following
 * strings, escapes and bracket depth (without validating the value).
 * Zero-initialise it before the value's first byte.
 */
typedef struct
{
  guint    depth;
  gboolean in_string;
  gboolean escape;
  gboolean scalar;    /* a number or literal at depth 0 */
} AudJsonScan;

typedef enum
{
  AUD_JSON_SCAN_MORE,        /* the byte belongs to the value, which goes on */
  AUD_JSON_SCAN_END_AFTER,   /* the byte is the value's last */
  AUD_JSON_SCAN_END_BEFORE,  /* the value ended before the byte */
} AudJsonScanResult;

AudJsonScanResult _aud_json_scan_byte (AudJsonScan *scan,
                                       guint8       c);

/* Sets @row's problem, unless it already has one (the first found is
 * kept), formatting its text into @buffer (owned by the reader). */
void      _aud_row_set_problem (AudRow        *row,
                                GString       *buffer,
                                AudRowProblem  problem,
                                const char    *format,
                                ...) G_GNUC_PRINTF (4, 5);

/* Returns a unique, non-empty column name for @name at 0-based @position,
 * given the names in @seen (a set of names already used, updated). Adds a
 * warning to @warnings when the name had to change. */
char     *_aud_unique_column_name (const char *name,
                                   guint       position,
                                   GHashTable *seen,
                                   GPtrArray  *warnings);

G_END_DECLS
