/* aud-value.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "aud-types.h"

G_BEGIN_DECLS

/* Parsing and formatting of single cell values, shared by the importer (type
 * inference and conversion) and the segment engine (criterion values).
 * Pure functions: any thread, no state. */

/**
 * AudNumberFormat:
 * @decimal_mark: '.' or ','
 * @group_mark: thousands separator: 0 (none), ',', '.', ' ', '\'' or 0xA0
 *   meaning U+00A0/U+202F (no-break spaces)
 */
typedef struct
{
  char decimal_mark;
  char group_mark;
} AudNumberFormat;

#define AUD_NUMBER_FORMAT_PLAIN ((AudNumberFormat) { '.', 0 })

/* The largest decimal scale a field may have. */
#define AUD_DECIMAL_MAX_SCALE 9

/**
 * AudDateOrder:
 * @AUD_DATE_ORDER_YMD: `2024-03-05`, `2024/03/05`
 * @AUD_DATE_ORDER_DMY: `05-03-2024`, `05/03/2024`, `05.03.2024`
 * @AUD_DATE_ORDER_MDY: `03/05/2024`, `3/5/2024`
 */
typedef enum
{
  AUD_DATE_ORDER_YMD,
  AUD_DATE_ORDER_DMY,
  AUD_DATE_ORDER_MDY,
} AudDateOrder;

/* Whitespace-only or empty, or equal (ASCII case-insensitively, after
 * trimming) to one of @blank_markers (NULL-terminated, may be NULL). */
gboolean  aud_value_is_blank          (const char            *text,
                                       const char * const    *blank_markers);

/* Leading/trailing whitespace is ignored. Group marks are accepted only at
 * their proper places (every three digits). Fails on overflow. */
gboolean  aud_value_parse_integer     (const char            *text,
                                       const AudNumberFormat *format,
                                       gint64                *out);

/* "-1,234.50" with format {'.', ','} -> mantissa -123450, scale 2.
 * Exact: no binary floating point is involved. Also accepts integers
 * (scale 0). Fails on overflow or a scale above AUD_DECIMAL_MAX_SCALE. */
gboolean  aud_value_parse_decimal     (const char            *text,
                                       const AudNumberFormat *format,
                                       gint64                *mantissa,
                                       guint                 *scale);

/* Multiplies @mantissa by 10^(to_scale - from_scale); to_scale >= from_scale.
 * Fails on overflow. */
gboolean  aud_value_rescale           (gint64                 mantissa,
                                       guint                  from_scale,
                                       guint                  to_scale,
                                       gint64                *out);

/* The canonical text of a scaled decimal: 123450, 2 -> "1234.50";
 * -5, 3 -> "-0.005". */
char     *aud_value_format_decimal    (gint64                 mantissa,
                                       guint                  scale);

/* A calendar date in @order with separator '-', '/' or '.', days and months
 * with or without a leading zero, 4-digit years. Validates the day (leap
 * years included). */
gboolean  aud_value_parse_date        (const char            *text,
                                       AudDateOrder           order,
                                       int                   *year,
                                       int                   *month,
                                       int                   *day);

/* "YYYY-MM-DD" */
char     *aud_value_format_date       (int                    year,
                                       int                    month,
                                       int                    day);

/* A date and time: ISO 8601 (`2024-03-05T10:20:30`, optional fraction, `Z`
 * or `±hh:mm`), `YYYY-MM-DD HH:MM[:SS]`, or a date in @order followed by
 * `H:MM[:SS]` (e.g. `12/1/2010 8:26`). A date alone means midnight. A value
 * without a zone is read in @tz. Result: UTC seconds. */
gboolean  aud_value_parse_datetime    (const char            *text,
                                       AudDateOrder           order,
                                       GTimeZone             *tz,
                                       gint64                *utc_seconds);

/* "2024-03-05T10:20:30Z" */
char     *aud_value_format_datetime   (gint64                 utc_seconds);

/* true/false, yes/no, y/n, t/f, 1/0 (ASCII case-insensitive, trimmed). */
gboolean  aud_value_parse_boolean     (const char            *text,
                                       gboolean              *out);

/**
 * AudValue:
 * @type: the field type the value was converted to
 * @integer: %AUD_FIELD_INTEGER: the value; %AUD_FIELD_DECIMAL: the value
 *   times 10^@scale; %AUD_FIELD_DATETIME: UTC seconds; %AUD_FIELD_BOOLEAN: 0
 *   or 1
 * @scale: %AUD_FIELD_DECIMAL: the scale of @integer (the format's scale, or
 *   the scale the value needs when the result is %AUD_CONVERT_NEEDS_SCALE)
 * @text: %AUD_FIELD_TEXT, %AUD_FIELD_CATEGORY: the input text, borrowed, as
 *   is; %AUD_FIELD_DATE: "YYYY-MM-DD", pointing into @date_buf
 * @date_buf: storage for a date's text
 *
 * A cell converted to the workspace's representation of its type (see
 * #AudFieldType). Lives on the stack: nothing in it needs freeing.
 */
typedef struct
{
  AudFieldType  type;
  gint64        integer;
  guint         scale;
  const char   *text;
  char          date_buf[16];
} AudValue;

/**
 * AudConvertResult:
 * @AUD_CONVERT_OK: the value is set
 * @AUD_CONVERT_BLANK: the text is blank (store NULL)
 * @AUD_CONVERT_MISMATCH: the text is not a value of the type
 * @AUD_CONVERT_NEEDS_SCALE: a decimal with more decimals than the format's
 *   scale (but at most AUD_DECIMAL_MAX_SCALE): the value is set at the scale
 *   it needs, in AudValue.scale; rescale the column to use it
 */
typedef enum
{
  AUD_CONVERT_OK,
  AUD_CONVERT_BLANK,
  AUD_CONVERT_MISMATCH,
  AUD_CONVERT_NEEDS_SCALE,
} AudConvertResult;

/* A count with the locale's digit grouping ("100,000"); ',' by three where
 * the locale has none. */
char     *aud_value_format_count      (gint64                 n);

/* Appends @text (@len bytes, or -1) as a JSON string literal. */
void      aud_value_append_json_string (GString              *out,
                                        const char           *text,
                                        gssize                len);

G_END_DECLS
