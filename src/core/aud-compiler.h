/* aud-compiler.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "aud-dialect.h"
#include "aud-segment.h"
#include "aud-store.h"

G_BEGIN_DECLS

/*
 * The segment compiler: one leaf criterion (field, event, near, bucket) of a
 * resolved segment tree -> one parameterised SELECT plus what the engine
 * does with its rows (AudLeafShape). Every value is a bound parameter;
 * column names come only from the field catalog (AudField.column) and the
 * fixed schema; everything database-specific goes through an AudDialect.
 *
 * The compiled leaf is a pure function of the criterion, the catalog, `now`
 * and the time zone, and its fingerprint (aud_compiled_leaf_get_key())
 * captures all of it: two leaves with the same key select the same
 * customers in the same data.
 *
 * Pure: any thread, no store access.
 */

#define AUD_COMPILER_ERROR (aud_compiler_error_quark ())

typedef enum
{
  AUD_COMPILER_ERROR_INVALID,     /* a value cannot be used with its operator or type */
  AUD_COMPILER_ERROR_UNSUPPORTED, /* an operator the field type does not have */
} AudCompilerError;

/* A 128-bit integer for exact sums and comparisons of scaled decimals. */
typedef __int128 AudWide;

/**
 * AudExact:
 * @mantissa: the digits
 * @scale: the value is @mantissa / 10^@scale
 *
 * A number exactly as written (at most 27 significant digits).
 */
typedef struct
{
  AudWide mantissa;
  guint   scale;
} AudExact;

typedef enum
{
  AUD_PARAM_INT,
  AUD_PARAM_TEXT,
  AUD_PARAM_REAL,
} AudParamType;

typedef struct
{
  AudParamType  type;
  gint64        integer;
  double        real;
  char         *text;
} AudSqlParam;

/**
 * AudLeafShape:
 * @AUD_LEAF_IDS: each row is `(customer)`: a member (duplicates allowed)
 * @AUD_LEAF_COUNT: each row is `(customer)`, one per counted event, or
 *   with `distinct`, `(customer, value)`, whose distinct values are
 *   counted; members are the customers whose count satisfies count_op —
 *   including those with no row when 0 does
 * @AUD_LEAF_AGGREGATE: each row is `(customer, value)` with a non-blank
 *   integer value at scale agg_scale; members: the aggregate satisfies
 *   agg_op/agg_values
 * @AUD_LEAF_OCCURRENCE: each row is `(customer, ts)`; members: the first
 *   (last) ts lies in [window_from, window_to]
 * @AUD_LEAF_NEAR: each row is `(customer, lat, lon)`, candidates inside a
 *   bounding box; members: haversine distance <= km
 * @AUD_LEAF_NONE: no SQL: no customer matches (e.g. `near` without
 *   coordinate fields)
 */
typedef enum
{
  AUD_LEAF_IDS,
  AUD_LEAF_COUNT,
  AUD_LEAF_AGGREGATE,
  AUD_LEAF_OCCURRENCE,
  AUD_LEAF_NEAR,
  AUD_LEAF_NONE,
} AudLeafShape;

/**
 * AudCompileContext:
 * @dialect: the SQL dialect
 * @now: the reference time, UTC seconds
 * @tz: the workspace time zone (`today` is @now's date in it)
 * @latitude: (nullable): the customer field with role latitude
 * @longitude: (nullable): the customer field with role longitude
 */
typedef struct
{
  const AudDialect *dialect;
  gint64            now;
  GTimeZone        *tz;
  const AudField   *latitude;
  const AudField   *longitude;
} AudCompileContext;

typedef struct
{
  AudLeafShape   shape;
  char          *sql;
  GArray        *params;         /* (element-type AudSqlParam) */

  /* Event leaves that read property columns (reads_rows): scan_sql is the
   * same query as a full scan of the table, better when it reads a large
   * part of it; estimate_filter (with params 1..n_estimate_params) is the
   * part of the WHERE clause the (name, ts, customer) index answers alone,
   * to estimate how many events the query reads. NULL otherwise. */
  gboolean       reads_rows;
  char          *scan_sql;
  char          *estimate_filter;
  guint          n_estimate_params;
  /* index into params of the customer restriction (see aud_compile_leaf),
   * or -1 */
  int            restrict_param;

  /* Field leaves: dict_sql selects the positions (`key`) of the values
   * that satisfy the condition from a list of distinct values of
   * dict_column, bound as parameter params->len + 1 (AudDialect.value_list).
   * NULL otherwise. */
  char          *dict_sql;
  char          *dict_column;

  /* AUD_LEAF_COUNT */
  gboolean       distinct;       /* count distinct values of column 1 */
  AudOp          count_op;       /* ge, gt, le, lt, eq, between */
  gint64         count_value[2];

  /* AUD_LEAF_AGGREGATE */
  AudAggregate   aggregate;
  AudOp          agg_op;
  GArray        *agg_values;     /* (element-type AudExact) */
  guint          agg_scale;      /* scale of the stored values */

  /* AUD_LEAF_OCCURRENCE: the window of the first or last event. Other
   * event leaves with a window: its ends, bound as params[window_param] and
   * params[window_param + 1], and the SQL gives each row's time as its
   * last column; window_param is -1 for other leaves. */
  AudOccurrence  occurrence;
  gint64         window_from;    /* inclusive */
  gint64         window_to;      /* inclusive */
  int            window_param;

  /* AUD_LEAF_NEAR: degrees = stored value / divisor */
  double         lat, lon, km;
  double         lat_divisor;
  double         lon_divisor;

  char          *key;            /* lazily built by aud_compiled_leaf_get_key() */
  char          *query_key;      /* lazily built by aud_compiled_leaf_get_query_key() */
} AudCompiledLeaf;

GQuark           aud_compiler_error_quark      (void);

/* Compiles @node (a resolved leaf: field, event, near or bucket). When
 * @restrict_customer, the SQL also requires the customer to be the row id in
 * params[restrict_param] (0 until the caller sets it): used to explain one
 * customer's result. */
AudCompiledLeaf *aud_compile_leaf              (const AudCompileContext *ctx,
                                                const AudSegmentNode    *node,
                                                gboolean                 restrict_customer,
                                                GError                 **error);
void             aud_compiled_leaf_free        (AudCompiledLeaf         *leaf);

/* A string that identifies the leaf's result for given data: the shape, the
 * SQL, every bound value and the post-processing parameters. */
const char      *aud_compiled_leaf_get_key     (AudCompiledLeaf         *leaf);
/* The same without the post-processing: identifies the rows of the query
 * (two leaves that differ only in a count, aggregate or window of a first
 * or last occurrence share it). */
const char      *aud_compiled_leaf_get_query_key (AudCompiledLeaf       *leaf);
/* For a leaf with a window (window_param >= 0): the same without the window
 * (two leaves that differ only in their window read the same rows). */
char            *aud_compiled_leaf_dup_rows_key (const AudCompiledLeaf *leaf);

/* Whether an integer @x (a stored value, count, sum... at @scale) satisfies
 * `x OP value` for the comparison operators eq, ne, lt, le, gt, ge, between
 * (@values[0..1]), in and not_in. */
gboolean         aud_exact_compare             (AudWide                  x,
                                                guint                    scale,
                                                AudOp                    op,
                                                const AudExact          *values,
                                                guint                    n_values);

/* Parses a number as written ("-12.50", "1e3"). FALSE if it is not one or
 * has more than 27 significant digits. */
gboolean         aud_exact_parse               (const char              *text,
                                                AudExact                *out);

/* The date of @utc in @tz, and the UTC second at which @year-@month-@day
 * begins in @tz (clamped to the gint64 range for impossible years). */
void             aud_date_of_time              (GTimeZone               *tz,
                                                gint64                   utc,
                                                int                     *year,
                                                int                     *month,
                                                int                     *day);
gint64           aud_start_of_day              (GTimeZone               *tz,
                                                int                      year,
                                                int                      month,
                                                int                      day);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudCompiledLeaf, aud_compiled_leaf_free)

/* What a stored value of @field is divided by to give its number. */
double           aud_compiler_field_divisor (const AudField *field);

G_END_DECLS
