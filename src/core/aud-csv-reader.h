/* aud-csv-reader.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aud-reader.h"

G_BEGIN_DECLS

/*
 * AudCsvReader: an AudReader over delimited text (CSV, TSV, `;`, `|`),
 * parsed with libcsv and fed in chunks. RFC 4180 quoting (`""` inside quoted
 * fields, quoted line breaks), leniently: a quote inside an unquoted field is
 * kept as text. LF, CRLF and CR line endings, mixed too; the last row needs
 * no final line break. Values are kept exactly, spaces included.
 */

#define AUD_TYPE_CSV_READER (aud_csv_reader_get_type ())

G_DECLARE_FINAL_TYPE (AudCsvReader, aud_csv_reader, AUD, CSV_READER, GObject)

/**
 * aud_csv_reader_new:
 * @path: the file
 * @sniff: how to read it (format must be CSV): encoding, BOM length,
 *   delimiter, quote and header; copied
 * @error: G_IO_ERROR when it can't be opened; AUD_SNIFF_ERROR_EMPTY when it
 *   has no row at all
 *
 * Opens @path and reads the header (or the first row, to count the columns,
 * when there is none). Most callers want aud_reader_open(), which sniffs.
 *
 * Returns: (transfer full): a new reader, or NULL with @error set
 */
AudReader *aud_csv_reader_new (const char     *path,
                               const AudSniff *sniff,
                               GError        **error);

G_END_DECLS
