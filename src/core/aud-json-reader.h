/* aud-json-reader.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aud-reader.h"

G_BEGIN_DECLS

/*
 * AudJsonReader: an AudReader over a JSON array of objects or JSON Lines
 * (one object per line; blank lines skipped), streamed: an array is split
 * into its elements by a byte scanner and each element is parsed alone, so
 * memory stays flat.
 *
 * Each object is one row. Cells are the text of the values:
 * - strings as they are; null as a missing cell (NULL);
 * - true/false as "true"/"false";
 * - integers as their digits; other numbers in the shortest form that reads
 *   back to the same double, with ".0" kept for whole numbers written with a
 *   fraction (5.0 stays "5.0");
 * - nested objects flattened to dotted names (`{"style": {"Size:": "L"}}` is
 *   column `style.Size:`), at any depth; an empty object is a missing cell;
 * - arrays as their compact JSON text (`["a","b"]`).
 * Columns are the union of the keys, in order of first appearance (see
 * aud_reader_get_columns()).
 */

#define AUD_TYPE_JSON_READER (aud_json_reader_get_type ())

G_DECLARE_FINAL_TYPE (AudJsonReader, aud_json_reader, AUD, JSON_READER, GObject)

/**
 * aud_json_reader_new:
 * @path: the file
 * @sniff: how to read it (format JSON array or JSON Lines, encoding, BOM
 *   length); copied
 * @error: G_IO_ERROR when it can't be opened
 *
 * Most callers want aud_reader_open(), which sniffs.
 *
 * Returns: (transfer full): a new reader, or NULL with @error set
 */
AudReader *aud_json_reader_new (const char     *path,
                                const AudSniff *sniff,
                                GError        **error);

G_END_DECLS
