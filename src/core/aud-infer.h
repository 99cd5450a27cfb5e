/* aud-infer.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "aud-reader.h"
#include "aud-types.h"
#include "aud-value.h"

G_BEGIN_DECLS

/*
 * Type and role inference over a sample of rows, and the conversion of cell
 * text to typed values (aud_column_format_convert(), the one place where that
 * happens during an import).
 *
 * Pure: AudInfer is a plain accumulator used by one thread; the conversion
 * functions may be called from any thread.
 */

/* How many rows aud_infer_sample() reads by default. */
#define AUD_INFER_SAMPLE_ROWS 10000

/* A text column with at most this many distinct values (and few relative to
 * the number of values) is a category. */
#define AUD_INFER_MAX_CATEGORIES 50

/**
 * AudColumnFormat:
 * @type: the field type
 * @number: %AUD_FIELD_INTEGER and %AUD_FIELD_DECIMAL: decimal and group
 *   marks (`1.234,5` is { ',', '.' })
 * @date_order: %AUD_FIELD_DATE and %AUD_FIELD_DATETIME: the order of day,
 *   month and year in numeric dates (ISO dates are always read)
 * @scale: %AUD_FIELD_DECIMAL: digits after the decimal mark (the most seen)
 * @epoch: %AUD_FIELD_DATETIME: values are integer UNIX seconds
 *
 * How a column's text is read. Zero-initialised it is text.
 */
typedef struct
{
  AudFieldType    type;
  AudNumberFormat number;
  AudDateOrder    date_order;
  guint           scale;
  gboolean        epoch;
} AudColumnFormat;

/**
 * AudColumnGuess:
 * @name: the column name
 * @format: how to read it
 * @role: the suggested role (%AUD_ROLE_NONE when nothing fits)
 * @notes: (element-type utf8): translated sentences on doubtful choices,
 *   e.g. "Day and month order is ambiguous in all sampled values; assumed
 *   day first." Never NULL.
 * @n_values: non-blank values sampled
 * @n_blank: blank values sampled (missing cells included)
 * @n_distinct: distinct non-blank values, counted up to
 *   AUD_INFER_MAX_CATEGORIES + 1 (more means "many")
 * @unique: every non-blank sampled value differs (only tracked for columns
 *   whose name looks like an identifier, else FALSE)
 *
 * What inference decided for one column.
 */
typedef struct
{
  char            *name;
  AudColumnFormat  format;
  AudFieldRole     role;
  GPtrArray       *notes;
  guint            n_values;
  guint            n_blank;
  guint            n_distinct;
  gboolean         unique;
} AudColumnGuess;

typedef struct _AudInfer AudInfer;

/**
 * aud_infer_new:
 * @blank_markers: (nullable) (array zero-terminated=1): texts that also mean
 *   blank (e.g. "NA", "N/A", "null"), compared ASCII case-insensitively after
 *   trimming; empty and whitespace-only texts are always blank. Copied.
 *
 * Returns: (transfer full): a new accumulator with no columns
 */
AudInfer            *aud_infer_new             (const char * const   *blank_markers);
void                 aud_infer_free            (AudInfer             *self);

/**
 * aud_infer_set_columns:
 * @self: an accumulator
 * @names: (array length=n_columns): all column names
 * @n_columns: their number, at least the number already set
 *
 * Sets the column names. Call again with a longer list when columns grow
 * (JSON): columns already known keep what they saw, new ones start with the
 * rows already added counted as blank.
 */
void                 aud_infer_set_columns     (AudInfer             *self,
                                                const char * const   *names,
                                                guint                 n_columns);

/**
 * aud_infer_add_row:
 * @self: an accumulator
 * @cells: (array length=n_cells): cells in column order, NULL for missing
 * @n_cells: at most the number of columns; later columns count as blank
 *
 * Adds one sampled row. Skip flagged rows (AudRow.problem) before calling.
 */
void                 aud_infer_add_row         (AudInfer             *self,
                                                const char * const   *cells,
                                                guint                 n_cells);

guint                aud_infer_get_n_rows      (AudInfer             *self);

/**
 * aud_infer_finish:
 * @self: an accumulator
 *
 * Decides each column's format and role from the rows added.
 *
 * Returns: (transfer full) (element-type AudColumnGuess): one guess per
 *   column, in column order; the array frees its elements
 */
GPtrArray           *aud_infer_finish          (AudInfer             *self);

/**
 * aud_infer_sample:
 * @reader: a reader, at the position to start from (usually the start)
 * @max_rows: rows to sample (0 for AUD_INFER_SAMPLE_ROWS); flagged rows are
 *   skipped and not counted
 * @blank_markers: (nullable): as for aud_infer_new()
 * @error: a fatal read error
 *
 * Reads up to @max_rows rows from @reader and infers its columns. Leaves the
 * reader after the last row read: rewind it to import.
 *
 * Returns: (transfer full) (element-type AudColumnGuess): as
 *   aud_infer_finish(), or NULL with @error set
 */
GPtrArray           *aud_infer_sample          (AudReader            *reader,
                                                guint                 max_rows,
                                                const char * const   *blank_markers,
                                                GError              **error);

void                 aud_column_guess_free     (AudColumnGuess       *guess);

/**
 * aud_column_format_convert:
 * @format: how to read the text
 * @text: (nullable): a cell; NULL is blank
 * @tz: (nullable): the zone of date-times written without one (NULL: UTC)
 * @blank_markers: (nullable) (array zero-terminated=1): extra blank texts
 * @out: (out caller-allocates): the value; for text and category types
 *   @out->text borrows @text
 *
 * Converts one cell to its typed value. Text and category take any text
 * as is (only blanks are BLANK). Allocates nothing: call it for every cell.
 *
 * Returns: %AUD_CONVERT_OK; %AUD_CONVERT_BLANK for a blank cell;
 *   %AUD_CONVERT_MISMATCH when @text is not of the type;
 *   %AUD_CONVERT_NEEDS_SCALE for a decimal with more decimals than
 *   @format->scale (value set at its own scale in @out->scale)
 */
AudConvertResult     aud_column_format_convert (const AudColumnFormat *format,
                                                const char            *text,
                                                GTimeZone             *tz,
                                                const char * const    *blank_markers,
                                                AudValue              *out);

/**
 * aud_role_from_name:
 * @name: a column name
 *
 * The role a column name suggests alone, in English, German, French,
 * Spanish, Portuguese, Dutch and Italian ("E-Mail", "Vorname", "prénom",
 * "apellido", "PLZ", "telefone", "CustomerID", "email_opt_in"...).
 * aud_infer_finish() also checks the values (an "email" column must hold
 * email addresses, "lat" must be a decimal in [-90, 90]...).
 *
 * Returns: the role, or %AUD_ROLE_NONE
 */
AudFieldRole         aud_role_from_name        (const char            *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudInfer, aud_infer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudColumnGuess, aud_column_guess_free)

G_END_DECLS
