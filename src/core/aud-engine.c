/* aud-engine.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-bitmap-cache.h"
#include "aud-compiler.h"
#include "aud-dialect.h"
#include "aud-engine-private.h"
#include "aud-sql-functions-private.h"
#include "aud-value.h"

#define DEFAULT_CACHE_LIMIT ((gsize)256 * 1024 * 1024)
#define MAX_DEPTH 64
#define BATCH 4096
/* Rows between two looks at the cancellable in loops that run in C. */
#define CANCEL_CHECK_ROWS 16384
#define MAX_POOLED_STORES 4
#define EARTH_RADIUS_KM 6371.0

struct _AudEngine
{
  GObject          parent_instance;

  /* owned */
  AudBitmapCache  *cache;
  GMutex           pool_mutex;
  GPtrArray       *pool;        /* (element-type AudStore): idle worker connections */

  guint            leaf_runs;   /* atomic */
  guint            event_queries; /* atomic */
  guint            event_scans; /* atomic */
  guint            customer_reads; /* atomic */
  gint64           scan_minimum; /* set before use (tests), read-only after */
  guint            dict_max_values; /* likewise */
};

G_DEFINE_FINAL_TYPE (AudEngine, aud_engine, G_TYPE_OBJECT)

G_DEFINE_QUARK (aud-engine-error-quark, aud_engine_error)

/* One evaluation: a store, a reference time and what is derived from them.
 * Lives on the stack of one call, on one thread. */
typedef struct
{
  AudEngine         *engine;
  AudStore          *store;
  GCancellable      *cancellable;
  char              *key_prefix;   /* workspace path and data version */
  gint64             data_version;
  AudField          *latitude;
  AudField          *longitude;
  AudCompileContext  cc;
  roaring_bitmap_t  *universe;     /* every customer row id */
  guint32            max_id;
  gint64             n_events;     /* -1 until count_events() */
} Eval;

/* What one customer has for one criterion (explain). */
typedef struct
{
  gint64   rows;      /* rows of the leaf's query: events counted, distinct values */
  guint64  n_values;  /* aggregate: non-blank values */
  AudWide  sum;
  gint64   min, max;
  gint64   ts;        /* occurrence: the first (last) time, if rows > 0 */
  double   km;        /* near: the distance, if rows > 0 */
} Observation;

/* --- small helpers -------------------------------------------------------- */

/* roaring_bitmap_free(), which does not take NULL in this CRoaring. */
static void
bitmap_free (roaring_bitmap_t *bitmap)
{
  if (bitmap != NULL)
    roaring_bitmap_free (bitmap);
}

static void
member_clear (gpointer data)
{
  AudMember *member = data;

  g_clear_pointer (&member->external_id, g_free);
}

static void
funnel_step_free (gpointer data)
{
  AudFunnelStep *step = data;

  g_free (step->path);
  g_free (step->label);
  g_free (step);
}

static gboolean
check_cancelled (Eval    *ev,
                 guint64  row,
                 GError **error)
{
  if (row % CANCEL_CHECK_ROWS == 0 &&
      g_cancellable_set_error_if_cancelled (ev->cancellable, error))
    return TRUE;

  return FALSE;
}

/* The row id of a customer as a bitmap value; FALSE with @error set when it
 * does not fit in 32 bits. */
static gboolean
row_id_value (sqlite3_int64  id,
              guint32       *out,
              GError       **error)
{
  if (id < 0 || id > G_MAXUINT32)
    {
      g_set_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_TOO_LARGE,
                   _("Customer row id %lld is too large for the segment engine"),
                   (long long)id);
      return FALSE;
    }

  *out = (guint32)id;
  return TRUE;
}

/* Binds the first @n parameters of @leaf (its text parameters must outlive
 * the statement). */
static void
bind_n_params (const AudCompiledLeaf *leaf,
               sqlite3_stmt          *stmt,
               guint                  n)
{
  for (guint i = 0; i < n && i < leaf->params->len; i++)
    {
      const AudSqlParam *p = &g_array_index (leaf->params, AudSqlParam, i);

      switch (p->type)
        {
        case AUD_PARAM_INT:
          sqlite3_bind_int64 (stmt, i + 1, p->integer);
          break;

        case AUD_PARAM_REAL:
          sqlite3_bind_double (stmt, i + 1, p->real);
          break;

        case AUD_PARAM_TEXT:
        default:
          sqlite3_bind_text (stmt, i + 1, p->text, -1, SQLITE_STATIC);
          break;
        }
    }
}

static void
bind_params (const AudCompiledLeaf *leaf,
             sqlite3_stmt          *stmt)
{
  bind_n_params (leaf, stmt, leaf->params->len);
}

static sqlite3_stmt *
prepare_leaf (Eval            *ev,
              AudCompiledLeaf *leaf,
              GError         **error)
{
  sqlite3_stmt *stmt = aud_store_prepare (ev->store, leaf->sql, error);

  if (stmt == NULL)
    {
      g_prefix_error (error, _("Could not prepare a segment query: "));
      return NULL;
    }

  bind_params (leaf, stmt);
  return stmt;
}

static gboolean
step_error (Eval    *ev,
            int      rc,
            GError **error)
{
  if (rc == SQLITE_DONE)
    return FALSE;

  aud_store_set_error (ev->store, rc, error);
  return TRUE;
}

/* --- predicates shared by the evaluation and explain ----------------------- */

static gboolean
count_satisfies (const AudCompiledLeaf *leaf,
                 gint64                 count)
{
  const gint64 *v = leaf->count_value;

  switch (leaf->count_op)
    {
    case AUD_OP_GE:
      return count >= v[0];
    case AUD_OP_GT:
      return count > v[0];
    case AUD_OP_LE:
      return count <= v[0];
    case AUD_OP_LT:
      return count < v[0];
    case AUD_OP_EQ:
      return count == v[0];
    case AUD_OP_BETWEEN:
      return count >= v[0] && count <= v[1];
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Blank values are skipped; no value at all never matches. The average is
 * compared exactly: sum OP value * n. */
static gboolean
aggregate_satisfies (const AudCompiledLeaf *leaf,
                     guint64                n,
                     AudWide                sum,
                     gint64                 min,
                     gint64                 max)
{
  const AudExact *values = (const AudExact *)(gpointer)leaf->agg_values->data;
  guint n_values = leaf->agg_values->len;

  if (n == 0)
    return FALSE;

  switch (leaf->aggregate)
    {
    case AUD_AGG_SUM:
      return aud_exact_compare (sum, leaf->agg_scale, leaf->agg_op, values, n_values);

    case AUD_AGG_MIN:
      return aud_exact_compare (min, leaf->agg_scale, leaf->agg_op, values, n_values);

    case AUD_AGG_MAX:
      return aud_exact_compare (max, leaf->agg_scale, leaf->agg_op, values, n_values);

    case AUD_AGG_AVG:
      {
        AudExact scaled[n_values > 0 ? n_values : 1];

        for (guint i = 0; i < n_values; i++)
          {
            scaled[i] = values[i];
            scaled[i].mantissa *= (AudWide)n;
          }

        return aud_exact_compare (sum, leaf->agg_scale, leaf->agg_op, scaled, n_values);
      }

    case AUD_AGG_NONE:
    default:
      g_return_val_if_reached (FALSE);
    }
}

static double
haversine_km (double lat1,
              double lon1,
              double lat2,
              double lon2)
{
  double p1 = lat1 * G_PI / 180.0;
  double p2 = lat2 * G_PI / 180.0;
  double dp = p2 - p1;
  double dl = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2.0 * EARTH_RADIUS_KM * asin (MIN (1.0, sqrt (a)));
}

/* A coordinate column value in degrees; FALSE when it is blank or not a
 * number. */
static gboolean
column_degrees (sqlite3_stmt *stmt,
                int           column,
                double        divisor,
                double       *out)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_INTEGER:
      *out = (double)sqlite3_column_int64 (stmt, column) / divisor;
      return TRUE;

    case SQLITE_FLOAT:
      *out = sqlite3_column_double (stmt, column) / divisor;
      return TRUE;

    case SQLITE_TEXT:
      {
        const char *text = (const char *)sqlite3_column_text (stmt, column);
        char *end = NULL;

        *out = g_ascii_strtod (text, &end);
        while (end != NULL && g_ascii_isspace (*end))
          end++;
        return end != text && end != NULL && *end == '\0' && isfinite (*out);
      }

    default:
      return FALSE;
    }
}

/* The distance of the row's coordinates from the leaf's point, or -1. */
static double
row_distance (const AudCompiledLeaf *leaf,
              sqlite3_stmt          *stmt)
{
  double lat, lon;

  if (!column_degrees (stmt, 1, leaf->lat_divisor, &lat) ||
      !column_degrees (stmt, 2, leaf->lon_divisor, &lon))
    return -1;

  return haversine_km (leaf->lat, leaf->lon, lat, lon);
}

/* --- distinct values ------------------------------------------------------- */

/* Numbers the distinct values of a column as they come: the same value
 * (same SQL type and content) always gets the same number. */
typedef struct
{
  GHashTable *integers;  /* gint64 * -> number + 1 */
  GHashTable *texts;     /* char * -> number + 1 */
  GString    *json;      /* NULL, or the values so far as a JSON array body */
  guint       n;
} Interner;

static void
interner_init (Interner *in,
               gboolean  with_json)
{
  in->integers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  in->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  in->json = with_json ? g_string_new (NULL) : NULL;
  in->n = 0;
}

static void
interner_clear (Interner *in)
{
  g_clear_pointer (&in->integers, g_hash_table_unref);
  g_clear_pointer (&in->texts, g_hash_table_unref);
  if (in->json != NULL)
    g_string_free (g_steal_pointer (&in->json), TRUE);
}

/* The number of the value in column @col; FALSE for values it does not
 * number (NULL, floating point, blobs). */
static gboolean
interner_add (Interner     *in,
              sqlite3_stmt *stmt,
              int           col,
              guint32      *number)
{
  gpointer found;

  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_INTEGER:
      {
        gint64 value = sqlite3_column_int64 (stmt, col);

        if ((found = g_hash_table_lookup (in->integers, &value)) != NULL)
          {
            *number = GPOINTER_TO_UINT (found) - 1;
            return TRUE;
          }

        g_hash_table_insert (in->integers, g_memdup2 (&value, sizeof value),
                             GUINT_TO_POINTER (in->n + 1));
        if (in->json != NULL)
          g_string_append_printf (in->json, "%s%" G_GINT64_FORMAT, in->n > 0 ? "," : "", value);
      }
      break;

    case SQLITE_TEXT:
      {
        const char *text = (const char *)sqlite3_column_text (stmt, col);

        if ((found = g_hash_table_lookup (in->texts, text)) != NULL)
          {
            *number = GPOINTER_TO_UINT (found) - 1;
            return TRUE;
          }

        g_hash_table_insert (in->texts, g_strdup (text), GUINT_TO_POINTER (in->n + 1));
        if (in->json != NULL)
          {
            if (in->n > 0)
              g_string_append_c (in->json, ',');
            aud_value_append_json_string (in->json, text, -1);
          }
      }
      break;

    case SQLITE_FLOAT:
      {
        /* Not stored by the importer; numbered by their exact bits. */
        double value = sqlite3_column_double (stmt, col);
        char key[32];
        char text[G_ASCII_DTOSTR_BUF_SIZE];

        g_snprintf (key, sizeof key, "\x01%a", value);
        if ((found = g_hash_table_lookup (in->texts, key)) != NULL)
          {
            *number = GPOINTER_TO_UINT (found) - 1;
            return TRUE;
          }

        if (!isfinite (value))
          return FALSE;

        g_hash_table_insert (in->texts, g_strdup (key), GUINT_TO_POINTER (in->n + 1));
        if (in->json != NULL)
          g_string_append_printf (in->json, "%s%s", in->n > 0 ? "," : "",
                                  g_ascii_dtostr (text, sizeof text, value));
      }
      break;

    default:
      return FALSE;
    }

  *number = in->n++;
  return TRUE;
}

/* --- running one leaf over every customer --------------------------------- */

/* Per-customer figures of an event query, packed in GBytes sorted by id and
 * cached under the query key: editing a count, an aggregate's function or
 * value, or the window of a first/last occurrence reuses them. */
typedef struct
{
  guint32 id;
  guint32 count;
} CountStat;

typedef struct
{
  AudWide sum;
  gint64  min;
  gint64  max;
  guint32 id;
  guint32 n;
} AggregateStat;

typedef struct
{
  gint64  first;
  gint64  last;
  guint32 id;
} OccurrenceStat;

/* The rows of an event leaf as (customer, value) pairs: 64-bit keys with
 * the customer in the high half and, for a distinct count, the value's
 * number in the low half (else 0); aggregates and first/last times keep the
 * value itself beside (@values). Appended as they come, then sorted, so
 * that each customer's rows are added up in one sequential pass (a counter
 * or a hash set per customer spends its time waiting for memory). */
typedef struct
{
  guint64 *keys;
  gint64  *values;       /* NULL unless with_values */
  gboolean with_values;
  gsize    n;
  gsize    n_allocated;
} PairList;

static void
pair_list_add (PairList *list,
               guint32   id,
               guint32   number,
               gint64    value)
{
  if (list->n == list->n_allocated)
    {
      list->n_allocated = MAX (list->n_allocated * 2, 4096);
      list->keys = g_renew (guint64, list->keys, list->n_allocated);
      if (list->with_values)
        list->values = g_renew (gint64, list->values, list->n_allocated);
    }
  list->keys[list->n] = ((guint64)id << 32) | number;
  if (list->with_values)
    list->values[list->n] = value;
  list->n++;
}

/* Sorts by key (the values move along): least significant digit first, 16
 * bits a pass, skipping the digits that are the same in every key. */
static void
pair_list_sort (PairList *list)
{
  g_autofree guint64 *other_keys = NULL;
  g_autofree gint64 *other_values = NULL;
  g_autofree gsize *count = NULL;
  guint64 *keys = list->keys;
  gint64 *values = list->values;
  guint64 all_or = 0, all_and = G_MAXUINT64;

  if (list->n < 2)
    return;

  for (gsize i = 0; i < list->n; i++)
    {
      all_or |= list->keys[i];
      all_and &= list->keys[i];
    }

  other_keys = g_new (guint64, list->n);
  if (values != NULL)
    other_values = g_new (gint64, list->n);
  count = g_new (gsize, 65536);
  for (guint shift = 0; shift < 64; shift += 16)
    {
      guint64 *to_keys = keys == list->keys ? other_keys : list->keys;
      gint64 *to_values = values == list->values ? other_values : list->values;
      gsize total = 0;

      if ((((all_or ^ all_and) >> shift) & 0xffff) == 0)
        continue;

      memset (count, 0, 65536 * sizeof *count);
      for (gsize i = 0; i < list->n; i++)
        count[(keys[i] >> shift) & 0xffff]++;
      for (guint d = 0; d < 65536; d++)
        {
          gsize c = count[d];

          count[d] = total;
          total += c;
        }
      for (gsize i = 0; i < list->n; i++)
        {
          gsize at = count[(keys[i] >> shift) & 0xffff]++;

          to_keys[at] = keys[i];
          if (values != NULL)
            to_values[at] = values[i];
        }
      keys = to_keys;
      values = to_values;
    }

  if (keys != list->keys)
    {
      memcpy (list->keys, keys, list->n * sizeof *keys);
      if (values != NULL)
        memcpy (list->values, values, list->n * sizeof *values);
    }
}

/* Appends to @out the CountStat of each customer: its pairs, or with
 * @distinct its distinct values. */
static void
pair_list_count (PairList   *list,
                 gboolean    distinct,
                 GByteArray *out)
{
  pair_list_sort (list);

  for (gsize i = 0; i < list->n;)
    {
      CountStat stat = { (guint32)(list->keys[i] >> 32), 0 };

      for (; i < list->n && (guint32)(list->keys[i] >> 32) == stat.id; i++)
        if ((stat.count == 0 || !distinct || list->keys[i] != list->keys[i - 1]) &&
            stat.count < G_MAXUINT32)
          stat.count++;

      g_byte_array_append (out, (const guint8 *)&stat, sizeof stat);
    }
}

/* Adds @value to @stat (its n-th value). */
static inline void
aggregate_add (AggregateStat *stat,
               gint64         value)
{
  if (stat->n == 0 || value < stat->min)
    stat->min = value;
  if (stat->n == 0 || value > stat->max)
    stat->max = value;
  stat->sum += value;
  if (stat->n < G_MAXUINT32)
    stat->n++;
}

/* Appends to @out the AggregateStat (or with @occurrence, OccurrenceStat)
 * of each customer. */
static void
pair_list_aggregate (PairList   *list,
                     gboolean    occurrence,
                     GByteArray *out)
{
  pair_list_sort (list);

  for (gsize i = 0; i < list->n;)
    {
      AggregateStat stat = { 0 };

      stat.id = (guint32)(list->keys[i] >> 32);
      for (; i < list->n && (guint32)(list->keys[i] >> 32) == stat.id; i++)
        aggregate_add (&stat, list->values[i]);

      if (occurrence)
        {
          OccurrenceStat times = { stat.min, stat.max, stat.id };

          g_byte_array_append (out, (const guint8 *)&times, sizeof times);
        }
      else
        g_byte_array_append (out, (const guint8 *)&stat, sizeof stat);
    }
}

static void
pair_list_clear (PairList *list)
{
  g_clear_pointer (&list->keys, g_free);
  g_clear_pointer (&list->values, g_free);
  list->n = list->n_allocated = 0;
}

/* Reads the customer of the current row (column 0); FALSE (skip) when it is
 * not a customer of the universe. */
static gboolean
row_customer (Eval         *ev,
              sqlite3_stmt *stmt,
              guint32      *id)
{
  sqlite3_int64 value;

  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return FALSE;

  value = sqlite3_column_int64 (stmt, 0);
  if (value <= 0 || value > ev->max_id)
    return FALSE;

  *id = (guint32)value;
  return TRUE;
}

/* The number of rows in events (an upper bound: the largest id). */
static gint64
count_events (Eval *ev)
{
  if (ev->n_events < 0)
    {
      g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (ev->store, "SELECT max(id) FROM events",
                                                        NULL);

      ev->n_events = stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW ?
                     sqlite3_column_int64 (stmt, 0) : 0;
    }

  return ev->n_events;
}

/* The SQL to run for @leaf: through the (name, ts, customer) index, or as a
 * full scan when the query reads property columns of more than about one
 * event in 32 (following the index then costs more than reading the table
 * in order). */
static const char *
choose_query (Eval            *ev,
              AudCompiledLeaf *leaf,
              GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  gint64 limit;
  int rc;

  if (leaf->scan_sql == NULL || leaf->estimate_filter == NULL)
    return leaf->sql;

  limit = count_events (ev) / 32;
  if (limit < ev->engine->scan_minimum || limit == 0)
    return leaf->sql;

  sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM events WHERE %s LIMIT ?%u)",
                         leaf->estimate_filter, leaf->n_estimate_params + 1);
  if ((stmt = aud_store_prepare (ev->store, sql, error)) == NULL)
    return NULL;

  bind_n_params (leaf, stmt, leaf->n_estimate_params);
  sqlite3_bind_int64 (stmt, leaf->n_estimate_params + 1, limit);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      step_error (ev, rc, error);
      return NULL;
    }

  if (sqlite3_column_int64 (stmt, 0) < limit)
    return leaf->sql;

  g_atomic_int_inc (&ev->engine->event_scans);
  return leaf->scan_sql;
}

/* Per-customer figures of an event leaf being added up: in a PairList
 * until it holds more rows than two per customer, then (except for
 * distinct counts) in one counter or AggregateStat per customer. */
typedef struct
{
  const AudCompiledLeaf *leaf;
  gsize                  size;   /* the largest customer row id + 1 */
  PairList               pairs;
  guint32               *n;      /* counts, once there are many rows */
  AggregateStat         *stats;  /* aggregates and occurrences, likewise */
} Accum;

static void
accum_init (Accum                 *acc,
            Eval                  *ev,
            const AudCompiledLeaf *leaf)
{
  memset (acc, 0, sizeof *acc);
  acc->leaf = leaf;
  acc->size = (gsize)ev->max_id + 1;
  acc->pairs.with_values = leaf->shape != AUD_LEAF_COUNT;
}

static void
accum_clear (Accum *acc)
{
  g_clear_pointer (&acc->n, g_free);
  g_clear_pointer (&acc->stats, g_free);
  pair_list_clear (&acc->pairs);
}

/* Adds a row of customer @id: @value is the value's number for a distinct
 * count, the value of column 1 for aggregates and occurrences. */
static inline void
accum_add (Accum   *acc,
           guint32  id,
           gint64   value)
{
  if (acc->stats != NULL)
    {
      aggregate_add (&acc->stats[id], value);
      return;
    }

  if (acc->n != NULL)
    {
      if (acc->n[id] < G_MAXUINT32)
        acc->n[id]++;
      return;
    }

  pair_list_add (&acc->pairs, id, acc->leaf->distinct ? (guint32)value : 0, value);
  if (acc->leaf->distinct || acc->pairs.n <= acc->size * 2)
    return;

  /* Many rows: a place per customer costs less than the pairs. */
  if (acc->pairs.with_values)
    {
      acc->stats = g_new0 (AggregateStat, acc->size);
      for (gsize i = 0; i < acc->pairs.n; i++)
        aggregate_add (&acc->stats[acc->pairs.keys[i] >> 32], acc->pairs.values[i]);
    }
  else
    {
      acc->n = g_new0 (guint32, acc->size);
      for (gsize i = 0; i < acc->pairs.n; i++)
        if (acc->n[acc->pairs.keys[i] >> 32] < G_MAXUINT32)
          acc->n[acc->pairs.keys[i] >> 32]++;
    }
  pair_list_clear (&acc->pairs);
}

/* The figures, sorted by id, packed; clears @acc. */
static GBytes *
accum_finish (Accum *acc)
{
  GByteArray *out = g_byte_array_new ();
  gboolean occurrence = acc->leaf->shape == AUD_LEAF_OCCURRENCE;

  if (acc->n == NULL && acc->stats == NULL)
    {
      if (acc->pairs.with_values)
        pair_list_aggregate (&acc->pairs, occurrence, out);
      else
        pair_list_count (&acc->pairs, acc->leaf->distinct, out);
    }

  for (guint32 id = 1; acc->n != NULL && id < acc->size; id++)
    if (acc->n[id] > 0)
      {
        CountStat stat = { id, acc->n[id] };

        g_byte_array_append (out, (const guint8 *)&stat, sizeof stat);
      }

  for (guint32 id = 1; acc->stats != NULL && id < acc->size; id++)
    {
      AggregateStat *stat = &acc->stats[id];

      if (stat->n == 0)
        continue;

      stat->id = id;
      if (occurrence)
        {
          OccurrenceStat times = { stat->min, stat->max, id };

          g_byte_array_append (out, (const guint8 *)&times, sizeof times);
        }
      else
        g_byte_array_append (out, (const guint8 *)stat, sizeof *stat);
    }

  accum_clear (acc);
  return g_byte_array_free_to_bytes (out);
}

/* The rows an event leaf with a window read, for the window [from, to]:
 * each row's time, customer and value (as accum_add() takes it; numbered
 * by @numbers for a distinct count). A leaf that differs only in its window
 * adds up the rows in its window and reads from SQL only the part they
 * lack: widening "in the last 30 days" to 45 reads 15 days of events, and
 * narrowing it reads none. Not changed once in the cache: a wider window
 * makes a new one. */
typedef struct
{
  gint64    from;
  gint64    to;
  gsize     n;
  gsize     n_allocated;
  gint64   *ts;
  guint32  *ids;
  gint64   *values;      /* NULL for a count of events */
  gboolean  with_values;
  Interner  numbers;
  gsize     size;
} EventRows;

static void
event_rows_clear (gpointer data)
{
  EventRows *rows = data;

  g_free (rows->ts);
  g_free (rows->ids);
  g_free (rows->values);
  interner_clear (&rows->numbers);
}

static void
event_rows_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, event_rows_clear);
}

static void
event_rows_append (EventRows *rows,
                   gint64     ts,
                   guint32    id,
                   gint64     value)
{
  if (rows->n == rows->n_allocated)
    {
      rows->n_allocated = MAX (rows->n_allocated * 2, 4096);
      rows->ts = g_renew (gint64, rows->ts, rows->n_allocated);
      rows->ids = g_renew (guint32, rows->ids, rows->n_allocated);
      if (rows->with_values)
        rows->values = g_renew (gint64, rows->values, rows->n_allocated);
    }
  rows->ts[rows->n] = ts;
  rows->ids[rows->n] = id;
  if (rows->with_values)
    rows->values[rows->n] = value;
  rows->n++;
}

/* Runs @leaf's query, over [@from, @to] when it has a window, adding each
 * row to @acc, and to @keep (when not NULL) while it holds at most
 * @keep_limit rows; @numbers numbers the values of a distinct count.
 * Returns FALSE with @error set (cancelled included). */
static gboolean
read_event_rows (Eval             *ev,
                 AudCompiledLeaf  *leaf,
                 gint64            from,
                 gint64            to,
                 Accum            *acc,
                 Interner         *numbers,
                 EventRows       **keep,
                 gsize             keep_limit,
                 GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *sql;
  guint64 row = 0;
  int ts_column;
  int rc;

  g_atomic_int_inc (&ev->engine->event_queries);
  if ((sql = choose_query (ev, leaf, error)) == NULL)
    return FALSE;

  if ((stmt = aud_store_prepare (ev->store, sql, error)) == NULL)
    {
      g_prefix_error (error, _("Could not prepare a segment query: "));
      return FALSE;
    }
  bind_params (leaf, stmt);
  if (leaf->window_param >= 0)
    {
      sqlite3_bind_int64 (stmt, leaf->window_param + 1, from);
      sqlite3_bind_int64 (stmt, leaf->window_param + 2, to);
    }
  ts_column = sqlite3_column_count (stmt) - 1;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 value = 0;
      guint32 id;

      if (++row % CANCEL_CHECK_ROWS == 0 && check_cancelled (ev, row, error))
        return FALSE;

      if (!row_customer (ev, stmt, &id))
        continue;

      if (leaf->distinct)
        {
          guint32 number;

          if (!interner_add (numbers, stmt, 1, &number))
            continue;
          value = number;
        }
      else if (leaf->shape != AUD_LEAF_COUNT)
        {
          /* Blank values are skipped (the query leaves them out too). */
          if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
            continue;
          value = sqlite3_column_int64 (stmt, 1);
        }

      accum_add (acc, id, value);

      if (*keep != NULL)
        {
          if ((*keep)->n < keep_limit)
            event_rows_append (*keep, sqlite3_column_int64 (stmt, ts_column), id, value);
          else
            g_clear_pointer (keep, event_rows_release);
        }
    }

  return !step_error (ev, rc, error);
}

/* Whether [from, to] overlaps or touches @rows' window. */
static gboolean
window_meets (const EventRows *rows,
              gint64           from,
              gint64           to)
{
  if (from > rows->to && (rows->to == G_MAXINT64 || from - 1 > rows->to))
    return FALSE;
  if (to < rows->from && (rows->from == G_MININT64 || to + 1 < rows->from))
    return FALSE;
  return TRUE;
}

static void
interner_copy (Interner       *to,
               const Interner *from)
{
  GHashTableIter iter;
  gpointer key, value;

  interner_init (to, FALSE);
  g_hash_table_iter_init (&iter, from->integers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to->integers, g_memdup2 (key, sizeof (gint64)), value);
  g_hash_table_iter_init (&iter, from->texts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to->texts, g_strdup (key), value);
  to->n = from->n;
}

/* Runs an event leaf and packs its per-customer figures; a leaf with a
 * window reads through the EventRows of its query. NULL with @error set
 * (cancelled included). */
static GBytes *
collect_stats (Eval            *ev,
               AudCompiledLeaf *leaf,
               GError         **error)
{
  g_autofree char *query = NULL;
  g_autofree char *rows_key = NULL;
  EventRows *old = NULL;
  EventRows *keep = NULL;
  Interner numbers = { 0 };
  gint64 from = leaf->window_from, to = leaf->window_to;
  gsize keep_limit;
  gboolean ok = TRUE;
  Accum acc;

  accum_init (&acc, ev, leaf);

  if (leaf->window_param < 0)
    {
      interner_init (&numbers, FALSE);
      ok = read_event_rows (ev, leaf, 0, 0, &acc, &numbers, &keep, 0, error);
      interner_clear (&numbers);
      if (!ok)
        {
          accum_clear (&acc);
          return NULL;
        }
      return accum_finish (&acc);
    }

  /* Rows kept take at most an eighth of the cache. */
  keep_limit = aud_bitmap_cache_get_limit (ev->engine->cache) / 8 /
               (sizeof (gint64) * 2 + sizeof (guint32));
  query = aud_compiled_leaf_dup_rows_key (leaf);
  rows_key = g_strconcat (ev->key_prefix, "events\n", query, NULL);
  old = aud_bitmap_cache_lookup_object (ev->engine->cache, rows_key,
                                        (AudCacheRefFunc)g_atomic_rc_box_acquire);
  if (old != NULL && !window_meets (old, from, to))
    g_clear_pointer (&old, event_rows_release);

  keep = g_atomic_rc_box_new0 (EventRows);
  keep->from = from;
  keep->to = to;
  keep->with_values = leaf->distinct || leaf->shape != AUD_LEAF_COUNT;

  if (old != NULL)
    {
      /* What the rows hold, then what they lack. */
      for (gsize i = 0; i < old->n; i++)
        if (old->ts[i] >= from && old->ts[i] <= to)
          accum_add (&acc, old->ids[i], old->values != NULL ? old->values[i] : 0);

      if (from >= old->from && to <= old->to)
        {
          event_rows_release (keep);
          event_rows_release (old);
          return accum_finish (&acc);
        }

      keep->from = MIN (from, old->from);
      keep->to = MAX (to, old->to);
      keep->n_allocated = keep->n = old->n;
      keep->ts = g_memdup2 (old->ts, old->n * sizeof *old->ts);
      keep->ids = g_memdup2 (old->ids, old->n * sizeof *old->ids);
      if (old->values != NULL)
        keep->values = g_memdup2 (old->values, old->n * sizeof *old->values);
      interner_copy (&numbers, &old->numbers);

      if (from < old->from)
        ok = read_event_rows (ev, leaf, from, old->from - 1, &acc, &numbers, &keep,
                              keep_limit, error);
      if (ok && to > old->to)
        ok = read_event_rows (ev, leaf, old->to + 1, to, &acc, &numbers, &keep,
                              keep_limit, error);
      g_clear_pointer (&old, event_rows_release);
    }
  else
    {
      interner_init (&numbers, FALSE);
      ok = read_event_rows (ev, leaf, from, to, &acc, &numbers, &keep, keep_limit, error);
    }

  if (!ok || keep == NULL)
    {
      /* Failed, or too many rows to keep. */
      interner_clear (&numbers);
      g_clear_pointer (&keep, event_rows_release);
      if (!ok)
        {
          accum_clear (&acc);
          return NULL;
        }
      return accum_finish (&acc);
    }

  keep->numbers = numbers;
  keep->size = keep->n * (sizeof (gint64) * (keep->with_values ? 2 : 1) + sizeof (guint32)) +
               keep->numbers.n * 64 + sizeof *keep;
  aud_bitmap_cache_insert_object (ev->engine->cache, rows_key, keep, keep->size,
                                  (AudCacheRefFunc)g_atomic_rc_box_acquire, event_rows_release);
  event_rows_release (keep);

  return accum_finish (&acc);
}

/* Adds @id to @result through @batch of @n ids. */
static inline void
batch_add (roaring_bitmap_t *result,
           guint32          *batch,
           guint            *n,
           guint32           id)
{
  batch[(*n)++] = id;
  if (*n == BATCH)
    {
      roaring_bitmap_add_many (result, *n, batch);
      *n = 0;
    }
}

/* The members of an event leaf from its figures. */
static roaring_bitmap_t *
members_from_stats (Eval                  *ev,
                    const AudCompiledLeaf *leaf,
                    GBytes                *stats)
{
  roaring_bitmap_t *result = roaring_bitmap_create ();
  gsize length;
  const guint8 *data = g_bytes_get_data (stats, &length);
  guint32 batch[BATCH];
  guint n = 0;

  if (leaf->shape == AUD_LEAF_COUNT)
    {
      const CountStat *stat = (const CountStat *)data;
      gsize n_stats = length / sizeof *stat;

      if (count_satisfies (leaf, 0))
        {
          /* Customers without a row have count 0, which satisfies the
           * operator ("did not", "at most 2 times"). */
          roaring_uint32_iterator_t it;
          gsize k = 0;

          roaring_init_iterator (ev->universe, &it);
          for (; it.has_value; roaring_advance_uint32_iterator (&it))
            {
              guint32 count = 0;

              while (k < n_stats && stat[k].id < it.current_value)
                k++;
              if (k < n_stats && stat[k].id == it.current_value)
                count = stat[k].count;

              if (count_satisfies (leaf, count))
                batch_add (result, batch, &n, it.current_value);
            }
        }
      else
        {
          for (gsize k = 0; k < n_stats; k++)
            if (count_satisfies (leaf, stat[k].count))
              batch_add (result, batch, &n, stat[k].id);
        }
    }
  else if (leaf->shape == AUD_LEAF_AGGREGATE)
    {
      const AggregateStat *stat = (const AggregateStat *)data;
      gsize n_stats = length / sizeof *stat;

      for (gsize k = 0; k < n_stats; k++)
        if (aggregate_satisfies (leaf, stat[k].n, stat[k].sum, stat[k].min, stat[k].max))
          batch_add (result, batch, &n, stat[k].id);
    }
  else
    {
      const OccurrenceStat *stat = (const OccurrenceStat *)data;
      gsize n_stats = length / sizeof *stat;

      for (gsize k = 0; k < n_stats; k++)
        {
          gint64 t = leaf->occurrence == AUD_OCCURRENCE_FIRST ? stat[k].first : stat[k].last;

          if (t >= leaf->window_from && t <= leaf->window_to)
            batch_add (result, batch, &n, stat[k].id);
        }
    }

  roaring_bitmap_add_many (result, n, batch);
  roaring_bitmap_and_inplace (result, ev->universe);

  return result;
}

/* Runs @leaf's query and turns its rows into the members. Returns NULL
 * with @error set (cancelled included). */
static roaring_bitmap_t *
run_leaf (Eval            *ev,
          AudCompiledLeaf *leaf,
          GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  roaring_bitmap_t *result = NULL;
  guint32 batch[BATCH];
  guint n = 0;
  guint64 row = 0;
  guint32 id;
  int rc;

  switch (leaf->shape)
    {
    case AUD_LEAF_NONE:
      return roaring_bitmap_create ();

    case AUD_LEAF_COUNT:
    case AUD_LEAF_AGGREGATE:
    case AUD_LEAF_OCCURRENCE:
      {
        g_autofree char *key = g_strconcat (ev->key_prefix, "rows\n",
                                            aud_compiled_leaf_get_query_key (leaf), NULL);
        g_autoptr(GBytes) stats = aud_bitmap_cache_lookup_bytes (ev->engine->cache, key);

        if (stats == NULL)
          {
            if ((stats = collect_stats (ev, leaf, error)) == NULL)
              return NULL;
            aud_bitmap_cache_insert_bytes (ev->engine->cache, key, stats);
          }

        return members_from_stats (ev, leaf, stats);
      }

    case AUD_LEAF_IDS:
    case AUD_LEAF_NEAR:
    default:
      break;
    }

  if ((stmt = prepare_leaf (ev, leaf, error)) == NULL)
    return NULL;

  result = roaring_bitmap_create ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (++row % CANCEL_CHECK_ROWS == 0 && check_cancelled (ev, row, error))
        goto failed;

      if (!row_customer (ev, stmt, &id))
        continue;

      if (leaf->shape == AUD_LEAF_NEAR)
        {
          double km = row_distance (leaf, stmt);

          if (km < 0 || km > leaf->km)
            continue;
        }

      batch_add (result, batch, &n, id);
    }
  roaring_bitmap_add_many (result, n, batch);
  if (step_error (ev, rc, error))
    goto failed;

  return result;

failed:
  bitmap_free (result);
  return NULL;
}

/* --- field leaves over the distinct values of their column ---------------- */

/* Columns with at most this many distinct values (and at most one per four
 * customers) keep them, with the customers of each, in the cache: a
 * criterion on such a field is then evaluated over its distinct values
 * instead of every customer. */
#define DEFAULT_DICT_MAX_VALUES 65536

typedef struct
{
  gboolean           too_many;  /* the column has more distinct values */
  guint              n;         /* values, the last one NULL if any */
  roaring_bitmap_t **bitmaps;   /* the customers of each value; or NULL, and: */
  GBytes            *saved;     /* dict_serialize()'s form, as saved in the workspace */
  gsize             *offsets;   /* where each value's length and bitmap start in @saved;
                                 * offsets[n]: the end */
  char              *json;      /* the values as a JSON array */
  gsize              size;      /* bytes, for the cache */
} Dict;

static void
dict_clear (gpointer data)
{
  Dict *dict = data;

  for (guint i = 0; dict->bitmaps != NULL && i < dict->n; i++)
    roaring_bitmap_free (dict->bitmaps[i]);
  g_free (dict->bitmaps);
  g_clear_pointer (&dict->saved, g_bytes_unref);
  g_free (dict->offsets);
  g_free (dict->json);
}

static void
dict_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, dict_clear);
}

/* One column being read into a Dict: the number of each customer's value,
 * in the order read (the customers' ids, ascending, are read_dicts()'s). */
typedef struct
{
  Dict     *dict;
  Interner  values;
  guint32  *numbers;   /* BLANK for no value */
  gsize     n_rows;
  gsize     n_allocated;
} DictReader;

#define BLANK G_MAXUINT32

static void
dict_reader_init (DictReader *reader,
                  gsize       expected_rows)
{
  reader->dict = g_atomic_rc_box_new0 (Dict);
  interner_init (&reader->values, TRUE);
  reader->n_allocated = MAX (expected_rows, 64);
  reader->numbers = g_new (guint32, reader->n_allocated);
}

static void
dict_reader_clear (DictReader *reader)
{
  g_clear_pointer (&reader->dict, dict_release);
  interner_clear (&reader->values);
  g_clear_pointer (&reader->numbers, g_free);
}

/* Adds the next customer's value, in column @col of @stmt. */
static void
dict_reader_add (DictReader   *reader,
                 sqlite3_stmt *stmt,
                 int           col,
                 guint64       limit)
{
  guint32 number = BLANK;

  if (reader->dict->too_many)
    return;

  if (sqlite3_column_type (stmt, col) != SQLITE_NULL &&
      (!interner_add (&reader->values, stmt, col, &number) || reader->values.n > limit))
    {
      /* Forget what was read: the column is not kept. */
      reader->dict->too_many = TRUE;
      interner_clear (&reader->values);
      g_clear_pointer (&reader->numbers, g_free);
      return;
    }

  if (reader->n_rows == reader->n_allocated)
    {
      reader->n_allocated *= 2;
      reader->numbers = g_renew (guint32, reader->numbers, reader->n_allocated);
    }
  reader->numbers[reader->n_rows] = number;
  reader->n_rows++;
}

/* Turns what @reader read into its Dict: the customers (@ids, in the
 * order read) grouped by value (a counting sort), the blanks last. */
static void
dict_reader_finish (DictReader    *reader,
                    const guint32 *ids)
{
  Dict *dict = reader->dict;
  g_autofree gsize *start = NULL;
  g_autofree guint32 *grouped = NULL;
  guint n_values = reader->values.n;
  gboolean any_blank = FALSE;

  if (dict->too_many)
    return;

  for (gsize i = 0; i < reader->n_rows; i++)
    if (reader->numbers[i] == BLANK)
      {
        reader->numbers[i] = n_values;
        any_blank = TRUE;
      }
  if (any_blank)
    g_string_append_printf (reader->values.json, "%snull", n_values > 0 ? "," : "");

  dict->n = n_values + (any_blank ? 1 : 0);
  start = g_new0 (gsize, dict->n + 1);
  for (gsize i = 0; i < reader->n_rows; i++)
    start[reader->numbers[i] + 1]++;
  for (guint k = 0; k < dict->n; k++)
    start[k + 1] += start[k];

  grouped = g_new (guint32, MAX (reader->n_rows, 1));
  for (gsize i = 0; i < reader->n_rows; i++)
    grouped[start[reader->numbers[i]]++] = ids[i];

  /* start[k] is now where value k + 1 begins. */
  dict->bitmaps = g_new0 (roaring_bitmap_t *, dict->n);
  for (guint k = 0; k < dict->n; k++)
    {
      gsize from = k == 0 ? 0 : start[k - 1];

      dict->bitmaps[k] = roaring_bitmap_of_ptr (start[k] - from, grouped + from);
      roaring_bitmap_run_optimize (dict->bitmaps[k]);
      dict->size += roaring_bitmap_size_in_bytes (dict->bitmaps[k]) + 64;
    }
  dict->json = g_strdup_printf ("[%s]", reader->values.json->str);
  dict->size += strlen (dict->json);
}

/* Reads the @n customer columns @columns into @dicts in one pass over the
 * customers (a Dict is too_many when its column has more than
 * dict_max_values distinct values, or more than one per four customers).
 * FALSE with @error set. */
static gboolean
read_dicts (Eval        *ev,
            guint        n,
            const char **columns,
            Dict       **dicts,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autofree DictReader *readers = g_new0 (DictReader, n);
  gsize n_ids = 0, n_allocated = MAX (roaring_bitmap_get_cardinality (ev->universe), 64);
  g_autofree guint32 *ids = g_new (guint32, n_allocated);
  guint64 row = 0;
  guint64 limit;
  gboolean ok = FALSE;
  int rc;

  /* Testing a condition on a listed value costs a few times what testing
   * it on a row does: the list pays when it is much shorter. */
  limit = MIN (ev->engine->dict_max_values,
               MAX (64, roaring_bitmap_get_cardinality (ev->universe) / 4));

  g_atomic_int_inc (&ev->engine->customer_reads);

  /* The column names come from the catalog. */
  for (guint i = 0; i < n; i++)
    g_string_append_printf (sql, ", %s", columns[i]);
  g_string_append (sql, " FROM customers");

  for (guint i = 0; i < n; i++)
    dict_reader_init (&readers[i], roaring_bitmap_get_cardinality (ev->universe));

  if ((stmt = aud_store_prepare (ev->store, sql->str, error)) == NULL)
    goto out;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean all_too_many = TRUE;
      guint32 id;

      if (++row % CANCEL_CHECK_ROWS == 0 && check_cancelled (ev, row, error))
        goto out;

      if (!row_id_value (sqlite3_column_int64 (stmt, 0), &id, error))
        goto out;

      if (n_ids == n_allocated)
        {
          n_allocated *= 2;
          ids = g_renew (guint32, ids, n_allocated);
        }
      ids[n_ids++] = id;

      for (guint i = 0; i < n; i++)
        {
          dict_reader_add (&readers[i], stmt, i + 1, limit);
          all_too_many = all_too_many && readers[i].dict->too_many;
        }

      if (all_too_many)
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  if (step_error (ev, rc, error))
    goto out;

  for (guint i = 0; i < n; i++)
    {
      dict_reader_finish (&readers[i], ids);
      dicts[i] = g_steal_pointer (&readers[i].dict);
    }
  ok = TRUE;

out:
  for (guint i = 0; i < n; i++)
    dict_reader_clear (&readers[i]);
  return ok;
}

static char *
dict_key (Eval       *ev,
          const char *column)
{
  return g_strconcat (ev->key_prefix, "values\n", column, NULL);
}

static void
insert_dict (Eval       *ev,
             const char *column,
             Dict       *dict)
{
  g_autofree char *key = dict_key (ev, column);

  aud_bitmap_cache_insert_object (ev->engine->cache, key, dict, dict->size + 64,
                                  (AudCacheRefFunc)g_atomic_rc_box_acquire, dict_release);
}

/* --- value lists kept in the workspace ------------------------------------- */

/* Each import that changes customers saves the Dict of every customer
 * column in the workspace (table value_lists, as of the data version it
 * leaves): a first count in a new process then reads a few blobs instead
 * of every row of the customers table. */

/* @dict's bitmaps, each as a little-endian 32-bit length and its portable
 * serialization. */
static GBytes *
dict_serialize (const Dict *dict)
{
  GByteArray *out = g_byte_array_new ();

  for (guint k = 0; k < dict->n; k++)
    {
      gsize size = roaring_bitmap_portable_size_in_bytes (dict->bitmaps[k]);
      guint32 length = GUINT32_TO_LE ((guint32)size);
      guint at;

      g_byte_array_append (out, (const guint8 *)&length, sizeof length);
      at = out->len;
      g_byte_array_set_size (out, at + size);
      roaring_bitmap_portable_serialize (dict->bitmaps[k], (char *)out->data + at);
    }

  return g_byte_array_free_to_bytes (out);
}

/* The Dict of @n_values values (@json) from dict_serialize()'s @data:
 * only where each bitmap lies (the bitmaps are read when needed); NULL if
 * @data does not hold @n_values bitmaps. */
static Dict *
dict_deserialize (const char   *json,
                  gint64        n_values,
                  const guint8 *data,
                  gsize         length)
{
  Dict *dict = g_atomic_rc_box_new0 (Dict);
  gsize at = 0;

  if (n_values < 0 || n_values > G_MAXUINT32 / 2)
    goto damaged;

  dict->offsets = g_new (gsize, n_values + 1);
  for (dict->n = 0; dict->n < n_values; dict->n++)
    {
      guint32 size;

      if (length - at < sizeof size)
        goto damaged;
      memcpy (&size, data + at, sizeof size);
      size = GUINT32_FROM_LE (size);
      at += sizeof size;
      if (size > length - at ||
          roaring_bitmap_portable_deserialize_size ((const char *)data + at, size) != size)
        goto damaged;

      dict->offsets[dict->n] = at - sizeof size;
      at += size;
    }
  if (at != length)
    goto damaged;

  dict->offsets[dict->n] = at;
  dict->saved = g_bytes_new (data, length);
  dict->json = g_strdup (json);
  dict->size = length + (dict->n + 1) * sizeof (gsize) + strlen (dict->json);
  return dict;

damaged:
  dict_release (dict);
  return NULL;
}

/* The Dict of @column saved by the last import, if it is the current data
 * version's (and the engine keeps value lists of the usual size). */
static Dict *
load_dict (Eval       *ev,
           const char *column)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  Dict *dict = NULL;

  if (ev->engine->dict_max_values != DEFAULT_DICT_MAX_VALUES)
    return NULL;

  stmt = aud_store_prepare (ev->store,
                            "SELECT too_many, value_count, value_json, bitmaps FROM value_lists "
                            "WHERE column_name = ?1 AND data_version = ?2", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, column, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, ev->data_version);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  if (sqlite3_column_int (stmt, 0) != 0)
    {
      dict = g_atomic_rc_box_new0 (Dict);
      dict->too_many = TRUE;
      return dict;
    }

  dict = dict_deserialize ((const char *)sqlite3_column_text (stmt, 2),
                           sqlite3_column_int64 (stmt, 1),
                           sqlite3_column_blob (stmt, 3),
                           (gsize)sqlite3_column_bytes (stmt, 3));
  if (dict == NULL)
    g_warning ("The saved values of column %s are damaged; reading the customers instead",
               column);

  return dict;
}

/* Saves the Dict of every customer column for the current data version. */
static gboolean
save_dicts (Eval    *ev,
            GError **error)
{
  g_autoptr(GPtrArray) fields = aud_store_list_fields (ev->store, AUD_SCOPE_CUSTOMER);
  g_autoptr(GPtrArray) columns = g_ptr_array_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree Dict **dicts = NULL;
  gboolean ok = TRUE;

  for (guint i = 0; i < fields->len; i++)
    g_ptr_array_add (columns, ((AudField *)g_ptr_array_index (fields, i))->column);

  if (!aud_store_exec (ev->store, "DELETE FROM value_lists", error))
    return FALSE;
  if (columns->len == 0)
    return TRUE;

  dicts = g_new0 (Dict *, columns->len);
  if (!read_dicts (ev, columns->len, (const char **)columns->pdata, dicts, error))
    return FALSE;

  stmt = aud_store_prepare (ev->store,
                            "INSERT INTO value_lists (column_name, data_version, too_many, "
                            "value_count, value_json, bitmaps) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            error);
  for (guint i = 0; ok && i < columns->len; i++)
    {
      g_autoptr(GBytes) blob = dicts[i]->too_many ? g_bytes_new (NULL, 0) :
                               dict_serialize (dicts[i]);
      gsize size;
      gconstpointer data = g_bytes_get_data (blob, &size);
      int rc;

      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (columns, i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, ev->data_version);
      sqlite3_bind_int (stmt, 3, dicts[i]->too_many);
      sqlite3_bind_int64 (stmt, 4, dicts[i]->too_many ? 0 : dicts[i]->n);
      sqlite3_bind_text (stmt, 5, dicts[i]->too_many ? "[]" : dicts[i]->json, -1,
                         SQLITE_STATIC);
      sqlite3_bind_blob64 (stmt, 6, size > 0 ? data : "", size, SQLITE_STATIC);
      if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
        ok = !step_error (ev, rc, error);
    }

  for (guint i = 0; i < columns->len; i++)
    g_clear_pointer (&dicts[i], dict_release);

  return ok;
}

/* The distinct values of customer column @column, from the cache, the
 * workspace or read now. (transfer full) NULL with @error set. */
static Dict *
get_dict (Eval        *ev,
          const char  *column,
          GError     **error)
{
  g_autofree char *key = dict_key (ev, column);
  Dict *dict;

  dict = aud_bitmap_cache_lookup_object (ev->engine->cache, key,
                                         (AudCacheRefFunc)g_atomic_rc_box_acquire);
  if (dict != NULL)
    return dict;

  if ((dict = load_dict (ev, column)) != NULL)
    {
      insert_dict (ev, column, dict);
      return dict;
    }

  if (!read_dicts (ev, 1, &column, &dict, error))
    return NULL;

  insert_dict (ev, column, dict);
  return dict;
}

/* The members of field leaf @leaf: the union of the customers of the values
 * of its column that satisfy its condition. */
static roaring_bitmap_t *
run_dict (Eval            *ev,
          AudCompiledLeaf *leaf,
          Dict            *dict,
          GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree const roaring_bitmap_t **matching = g_new0 (const roaring_bitmap_t *, dict->n + 1);
  roaring_bitmap_t *result = NULL;
  gboolean damaged = FALSE;
  gsize n = 0;
  int rc;

  if ((stmt = aud_store_prepare (ev->store, leaf->dict_sql, error)) == NULL)
    return NULL;

  bind_params (leaf, stmt);
  sqlite3_bind_text (stmt, leaf->params->len + 1, dict->json, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 k = sqlite3_column_int64 (stmt, 0);

      if (k < 0 || k >= dict->n || n >= dict->n)
        continue;

      /* A saved Dict's bitmaps are read when a criterion needs them. */
      if (dict->bitmaps != NULL)
        matching[n++] = dict->bitmaps[k];
      else if ((matching[n] = roaring_bitmap_portable_deserialize_safe (
                    (const char *)g_bytes_get_data (dict->saved, NULL) +
                    dict->offsets[k] + sizeof (guint32),
                    dict->offsets[k + 1] - dict->offsets[k] - sizeof (guint32))) != NULL)
        n++;
      else
        {
          g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_CORRUPT,
                       _("The saved values of a customer field are damaged"));
          damaged = TRUE;
          rc = SQLITE_DONE;
          break;
        }
    }
  if (!step_error (ev, rc, error) && !damaged)
    result = n == 0 ? roaring_bitmap_create () : roaring_bitmap_or_many (n, matching);

  for (gsize i = 0; dict->bitmaps == NULL && i < n; i++)
    roaring_bitmap_free ((roaring_bitmap_t *)matching[i]);

  return result;
}

/* --- near criteria over the coordinates in memory -------------------------- */

typedef struct
{
  double  lat;   /* degrees */
  double  lon;
  guint32 id;
} Point;

/* The customers with coordinates, grouped by whole degree of latitude
 * (and one group for latitudes beyond the poles): a near criterion then
 * measures only the groups within its distance north and south. */
#define LAT_GROUPS 182
#define OFF_GLOBE_GROUP (LAT_GROUPS - 1)

typedef struct
{
  gsize  start[LAT_GROUPS + 1];  /* group g is points[start[g]] to points[start[g + 1] - 1] */
  Point *points;
} Points;

static void
points_clear (gpointer data)
{
  Points *points = data;

  g_free (points->points);
}

static void
points_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, points_clear);
}

static guint
lat_group (double lat)
{
  if (!(lat >= -90.0 && lat <= 90.0))
    return OFF_GLOBE_GROUP;

  return (guint)floor (lat + 90.0);
}

/* Points from @n points in any order (grouped by latitude in one
 * counting sort). */
static Points *
group_points (const Point *read,
              gsize        n)
{
  Points *points = g_atomic_rc_box_new0 (Points);
  gsize next[LAT_GROUPS];

  points->points = g_new (Point, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    points->start[lat_group (read[i].lat) + 1]++;
  for (guint g = 0; g < LAT_GROUPS; g++)
    points->start[g + 1] += points->start[g];

  memcpy (next, points->start, sizeof next);
  for (gsize i = 0; i < n; i++)
    points->points[next[lat_group (read[i].lat)]++] = read[i];

  return points;
}

/* The coordinates of the customers, read from the customers table (the
 * stored values divided by @lat_divisor and @lon_divisor give degrees).
 * (transfer full) NULL with @error set. */
static Points *
read_points (Eval    *ev,
             double   lat_divisor,
             double   lon_divisor,
             GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  g_autofree Point *read = NULL;
  gsize n = 0, n_allocated;
  guint64 row = 0;
  int rc;

  /* The column names come from the catalog. */
  sql = g_strdup_printf ("SELECT id, %s, %s FROM customers WHERE %s IS NOT NULL AND %s IS NOT NULL",
                         ev->latitude->column, ev->longitude->column,
                         ev->latitude->column, ev->longitude->column);
  if ((stmt = aud_store_prepare (ev->store, sql, error)) == NULL)
    return NULL;

  n_allocated = MAX (roaring_bitmap_get_cardinality (ev->universe), 64);
  read = g_new (Point, n_allocated);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Point *point;

      if (++row % CANCEL_CHECK_ROWS == 0 && check_cancelled (ev, row, error))
        return NULL;

      if (n == n_allocated)
        {
          n_allocated *= 2;
          read = g_renew (Point, read, n_allocated);
        }

      point = &read[n];
      if (!row_customer (ev, stmt, &point->id) ||
          !column_degrees (stmt, 1, lat_divisor, &point->lat) ||
          !column_degrees (stmt, 2, lon_divisor, &point->lon))
        continue;

      n++;
    }
  if (step_error (ev, rc, error))
    return NULL;

  return group_points (read, n);
}

#define SAVED_POINT_SIZE (8 + 8 + 4)

static void
put_double (guint8 *out,
            double  value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  bits = GUINT64_TO_LE (bits);
  memcpy (out, &bits, sizeof bits);
}

static double
get_double (const guint8 *in)
{
  guint64 bits;
  double value;

  memcpy (&bits, in, sizeof bits);
  bits = GUINT64_FROM_LE (bits);
  memcpy (&value, &bits, sizeof value);
  return value;
}

/* @points as saved in coordinate_lists. */
static GBytes *
points_serialize (const Points *points)
{
  gsize n = points->start[LAT_GROUPS];
  guint8 *data = g_malloc (MAX (n, 1) * SAVED_POINT_SIZE);

  for (gsize i = 0; i < n; i++)
    {
      guint8 *out = data + i * SAVED_POINT_SIZE;
      guint32 id = GUINT32_TO_LE (points->points[i].id);

      put_double (out, points->points[i].lat);
      put_double (out + 8, points->points[i].lon);
      memcpy (out + 16, &id, sizeof id);
    }

  return g_bytes_new_take (data, n * SAVED_POINT_SIZE);
}

/* The coordinates saved by the last import, if they are the current data
 * version's and of the current coordinate fields. */
static Points *
load_points (Eval *ev)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree Point *read = NULL;
  const guint8 *data;
  gsize length, n;

  stmt = aud_store_prepare (ev->store,
                            "SELECT points FROM coordinate_lists WHERE data_version = ?1 "
                            "AND latitude = ?2 AND longitude = ?3", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, ev->data_version);
  sqlite3_bind_text (stmt, 2, ev->latitude->column, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ev->longitude->column, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  data = sqlite3_column_blob (stmt, 0);
  length = (gsize)sqlite3_column_bytes (stmt, 0);
  if (length % SAVED_POINT_SIZE != 0)
    {
      g_warning ("The saved coordinates are damaged; reading the customers instead");
      return NULL;
    }

  n = length / SAVED_POINT_SIZE;
  read = g_new (Point, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *in = data + i * SAVED_POINT_SIZE;
      guint32 id;

      read[i].lat = get_double (in);
      read[i].lon = get_double (in + 8);
      memcpy (&id, in + 16, sizeof id);
      read[i].id = GUINT32_FROM_LE (id);
    }

  return group_points (read, n);
}

/* The coordinates of the customers (in degrees, as @leaf converts them),
 * from the cache, the workspace or read now. (transfer full) NULL with
 * @error set. */
static Points *
get_points (Eval                  *ev,
            const AudCompiledLeaf *leaf,
            GError               **error)
{
  g_autofree char *key = g_strconcat (ev->key_prefix, "points\n", NULL);
  Points *points;

  points = aud_bitmap_cache_lookup_object (ev->engine->cache, key,
                                           (AudCacheRefFunc)g_atomic_rc_box_acquire);
  if (points != NULL)
    return points;

  if ((points = load_points (ev)) == NULL &&
      (points = read_points (ev, leaf->lat_divisor, leaf->lon_divisor, error)) == NULL)
    return NULL;

  aud_bitmap_cache_insert_object (ev->engine->cache, key, points,
                                  points->start[LAT_GROUPS] * sizeof (Point) + sizeof (Points),
                                  (AudCacheRefFunc)g_atomic_rc_box_acquire, points_release);
  return points;
}

/* Saves the customers' coordinates for the current data version. */
static gboolean
save_points (Eval    *ev,
             GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GBytes) blob = NULL;
  Points *points;
  gsize size;
  gconstpointer data;
  int rc;

  if (!aud_store_exec (ev->store, "DELETE FROM coordinate_lists", error))
    return FALSE;
  if (ev->latitude == NULL || ev->longitude == NULL)
    return TRUE;

  points = read_points (ev, aud_compiler_field_divisor (ev->latitude),
                        aud_compiler_field_divisor (ev->longitude), error);
  if (points == NULL)
    return FALSE;
  blob = points_serialize (points);
  points_release (points);

  stmt = aud_store_prepare (ev->store,
                            "INSERT INTO coordinate_lists (data_version, latitude, longitude, "
                            "points) VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;

  data = g_bytes_get_data (blob, &size);
  sqlite3_bind_int64 (stmt, 1, ev->data_version);
  sqlite3_bind_text (stmt, 2, ev->latitude->column, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ev->longitude->column, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (stmt, 4, size > 0 ? data : "", size, SQLITE_STATIC);
  rc = sqlite3_step (stmt);

  return !step_error (ev, rc, error);
}

/* Adds the points of group @g within @leaf's distance to @result. */
static void
near_group (const AudCompiledLeaf *leaf,
            const Points          *points,
            guint                  g,
            roaring_bitmap_t      *result)
{
  guint32 batch[BATCH];
  guint n = 0;

  for (gsize i = points->start[g]; i < points->start[g + 1]; i++)
    {
      const Point *p = &points->points[i];
      double km = haversine_km (leaf->lat, leaf->lon, p->lat, p->lon);

      /* As run_leaf: a distance that is not a number is not refused. */
      if (!(km < 0 || km > leaf->km))
        batch_add (result, batch, &n, p->id);
    }
  roaring_bitmap_add_many (result, n, batch);
}

/* The members of near leaf @leaf. Two points more than @km apart along a
 * meridian are at least that far apart: only the latitudes within that
 * band are measured (and those beyond the poles, which the formula may
 * still find near). NULL with @error set. */
static roaring_bitmap_t *
run_near (Eval            *ev,
          AudCompiledLeaf *leaf,
          GError         **error)
{
  Points *points = get_points (ev, leaf, error);
  roaring_bitmap_t *result;
  guint first = 0, last = OFF_GLOBE_GROUP - 1;

  if (points == NULL)
    return NULL;

  if (isfinite (leaf->lat) && leaf->lat >= -90.0 && leaf->lat <= 90.0)
    {
      /* A little wider than the exact band: the distance decides. */
      double band = leaf->km / EARTH_RADIUS_KM * 180.0 / G_PI * 1.0001 + 1e-9;

      first = lat_group (MAX (-90.0, leaf->lat - band));
      last = lat_group (MIN (90.0, leaf->lat + band));
    }

  result = roaring_bitmap_create ();
  for (guint g = first; g <= last; g++)
    near_group (leaf, points, g, result);
  near_group (leaf, points, OFF_GLOBE_GROUP, result);

  points_release (points);
  return result;
}

/* --- evaluation of a tree -------------------------------------------------- */

/* Whether a node takes part: not disabled, and a `not` only with a child
 * that takes part. */
static gboolean
node_is_active (const AudSegmentNode *node)
{
  if (node == NULL || node->disabled)
    return FALSE;

  if (node->kind == AUD_NODE_NOT)
    return node->children != NULL && node->children->len == 1 &&
           node_is_active (g_ptr_array_index (node->children, 0));

  return TRUE;
}

static gint64
query_int64 (AudStore   *store,
             const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW ||
      sqlite3_column_type (stmt, 0) != SQLITE_INTEGER)
    return -1;

  return sqlite3_column_int64 (stmt, 0);
}

/* All customers when their row ids are the dense range the store keeps
 * them in (three quick queries instead of reading every id); NULL when they
 * are not, or there are none. */
static roaring_bitmap_t *
dense_universe (AudStore *store)
{
  gint64 count = query_int64 (store, "SELECT count(*) FROM customers");
  gint64 low = query_int64 (store, "SELECT min(id) FROM customers");
  gint64 high = query_int64 (store, "SELECT max(id) FROM customers");
  roaring_bitmap_t *universe;

  if (count <= 0 || low < 1 || high > G_MAXUINT32 || high - low + 1 != count)
    return NULL;

  universe = roaring_bitmap_from_range ((uint64_t)low, (uint64_t)high + 1, 1);
  roaring_bitmap_run_optimize (universe);
  return universe;
}

/* The workspace time zone as stored now: a connection kept for reuse may
 * hold the one it read when it opened. (transfer full) */
static GTimeZone *
workspace_timezone (AudStore *store)
{
  GTimeZone *tz = aud_store_get_timezone (store);
  g_autofree char *stored = aud_store_dup_meta (store, "timezone");

  if (stored != NULL && g_strcmp0 (stored, g_time_zone_get_identifier (tz)) != 0)
    {
      GTimeZone *fresh = g_time_zone_new_identifier (stored);

      if (fresh != NULL)
        return fresh;
    }

  return g_time_zone_ref (tz);
}

/* A digest of the field catalog (columns, types, scales): cached results
 * are also keyed by it, since a field converted to text or rescaled changes
 * its stored values. */
static char *
catalog_signature (AudStore *store)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);

  for (AudScope scope = AUD_SCOPE_CUSTOMER; scope <= AUD_SCOPE_EVENT; scope++)
    {
      g_autoptr(GPtrArray) fields = aud_store_list_fields (store, scope);

      for (guint i = 0; i < fields->len; i++)
        {
          const AudField *field = g_ptr_array_index (fields, i);
          g_autofree char *entry = g_strdup_printf ("%s %d %u %d;", field->column, field->type,
                                                    field->scale, field->role);

          g_checksum_update (checksum, (const guchar *)entry, -1);
        }
    }

  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
eval_begin (Eval          *ev,
            AudEngine     *engine,
            AudStore      *store,
            gint64         now,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *universe_key = NULL;
  g_autofree char *catalog = NULL;

  memset (ev, 0, sizeof *ev);
  ev->n_events = -1;
  ev->engine = engine;
  ev->store = store;
  ev->cancellable = cancellable;

  if (cancellable != NULL)
    aud_store_watch_cancellable (store, cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  catalog = catalog_signature (store);
  ev->data_version = aud_store_get_data_version (store);
  ev->key_prefix = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%s\n",
                                    aud_store_get_path (store), ev->data_version, catalog);
  ev->latitude = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_LATITUDE);
  ev->longitude = aud_store_dup_field_by_role (store, AUD_SCOPE_CUSTOMER, AUD_ROLE_LONGITUDE);

  ev->cc.dialect = aud_dialect_sqlite ();
  ev->cc.now = now;
  ev->cc.tz = workspace_timezone (store);
  ev->cc.latitude = ev->latitude;
  ev->cc.longitude = ev->longitude;

  universe_key = g_strconcat (ev->key_prefix, "universe", NULL);
  ev->universe = aud_bitmap_cache_lookup (engine->cache, universe_key);
  if (ev->universe == NULL && (ev->universe = dense_universe (store)) != NULL)
    aud_bitmap_cache_insert (engine->cache, universe_key, ev->universe);
  if (ev->universe == NULL)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      guint32 batch[BATCH];
      guint n = 0;
      int rc;

      stmt = aud_store_prepare (store, "SELECT id FROM customers", error);
      if (stmt == NULL)
        return FALSE;

      ev->universe = roaring_bitmap_create ();
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          if (!row_id_value (sqlite3_column_int64 (stmt, 0), &batch[n], error))
            return FALSE;

          if (++n == BATCH)
            {
              roaring_bitmap_add_many (ev->universe, n, batch);
              n = 0;
            }
        }
      roaring_bitmap_add_many (ev->universe, n, batch);
      if (step_error (ev, rc, error))
        return FALSE;

      roaring_bitmap_run_optimize (ev->universe);
      aud_bitmap_cache_insert (engine->cache, universe_key, ev->universe);
    }

  ev->max_id = roaring_bitmap_is_empty (ev->universe) ? 0 : roaring_bitmap_maximum (ev->universe);

  return TRUE;
}

static void
eval_end (Eval *ev)
{
  if (ev->cancellable != NULL && ev->store != NULL)
    aud_store_watch_cancellable (ev->store, NULL);

  g_clear_pointer (&ev->key_prefix, g_free);
  g_clear_pointer (&ev->latitude, aud_field_free);
  g_clear_pointer (&ev->longitude, aud_field_free);
  g_clear_pointer (&ev->cc.tz, g_time_zone_unref);
  g_clear_pointer (&ev->universe, roaring_bitmap_free);
}

/**
 * aud_engine_update_value_lists:
 * @store: a workspace, in the transaction of an import
 * @customers_changed: whether the import changed customers or their fields
 * @cancellable: (nullable): to stop reading the customers
 * @error: return location for an error
 *
 * Called by an import after it bumped the data version: saves the distinct
 * values of every customer column with their customers and the customers'
 * coordinates (when customers changed), or else marks the saved ones as
 * current.
 *
 * Returns: FALSE with @error set on failure.
 */
gboolean
aud_engine_update_value_lists (AudStore      *store,
                               gboolean       customers_changed,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(AudEngine) engine = NULL;
  gboolean ok;
  Eval ev;

  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);

  if (!customers_changed)
    {
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(sqlite3_stmt) stmt = NULL;
          int rc;

          stmt = aud_store_prepare (store, i == 0 ?
                                    "UPDATE value_lists SET data_version = ?1" :
                                    "UPDATE coordinate_lists SET data_version = ?1", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, aud_store_get_data_version (store));
          if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
            {
              aud_store_set_error (store, rc, error);
              return FALSE;
            }
        }
      return TRUE;
    }

  engine = aud_engine_new ();
  if (!eval_begin (&ev, engine, store, 0, cancellable, error))
    {
      eval_end (&ev);
      return FALSE;
    }
  ok = save_dicts (&ev, error) && save_points (&ev, error);
  eval_end (&ev);

  return ok;
}

static roaring_bitmap_t *
eval_leaf (Eval                 *ev,
           const AudSegmentNode *node,
           GError              **error)
{
  g_autoptr(AudCompiledLeaf) leaf = NULL;
  g_autofree char *key = NULL;
  roaring_bitmap_t *bitmap;

  leaf = aud_compile_leaf (&ev->cc, node, FALSE, error);
  if (leaf == NULL)
    return NULL;

  key = g_strconcat (ev->key_prefix, aud_compiled_leaf_get_key (leaf), NULL);
  bitmap = aud_bitmap_cache_lookup (ev->engine->cache, key);
  if (bitmap != NULL)
    return bitmap;

  g_atomic_int_inc (&ev->engine->leaf_runs);
  g_debug ("%s: %s", node->path, leaf->sql);

  if (leaf->dict_sql != NULL)
    {
      Dict *dict = get_dict (ev, leaf->dict_column, error);

      if (dict == NULL)
        return NULL;

      bitmap = dict->too_many ? run_leaf (ev, leaf, error) : run_dict (ev, leaf, dict, error);
      dict_release (dict);
    }
  else if (leaf->shape == AUD_LEAF_NEAR && ev->latitude != NULL && ev->longitude != NULL)
    bitmap = run_near (ev, leaf, error);
  else
    bitmap = run_leaf (ev, leaf, error);

  if (bitmap == NULL)
    return NULL;

  roaring_bitmap_run_optimize (bitmap);
  roaring_bitmap_shrink_to_fit (bitmap);
  aud_bitmap_cache_insert (ev->engine->cache, key, bitmap);

  return bitmap;
}

static roaring_bitmap_t *
eval_node (Eval                 *ev,
           const AudSegmentNode *node,
           guint                 depth,
           GError              **error)
{
  roaring_bitmap_t *result = NULL;

  if (g_cancellable_set_error_if_cancelled (ev->cancellable, error))
    return NULL;

  switch (node->kind)
    {
    case AUD_NODE_ALL:
      for (guint i = 0; i < node->children->len; i++)
        {
          const AudSegmentNode *child = g_ptr_array_index (node->children, i);
          roaring_bitmap_t *bitmap;

          if (!node_is_active (child))
            continue;

          if ((bitmap = eval_node (ev, child, depth, error)) == NULL)
            {
              bitmap_free (result);
              return NULL;
            }

          if (result == NULL)
            result = bitmap;
          else
            {
              roaring_bitmap_and_inplace (result, bitmap);
              bitmap_free (bitmap);
            }
        }
      return result != NULL ? result : roaring_bitmap_copy (ev->universe);

    case AUD_NODE_ANY:
      result = roaring_bitmap_create ();
      for (guint i = 0; i < node->children->len; i++)
        {
          const AudSegmentNode *child = g_ptr_array_index (node->children, i);
          roaring_bitmap_t *bitmap;

          if (!node_is_active (child))
            continue;

          if ((bitmap = eval_node (ev, child, depth, error)) == NULL)
            {
              bitmap_free (result);
              return NULL;
            }

          roaring_bitmap_or_inplace (result, bitmap);
          bitmap_free (bitmap);
        }
      return result;

    case AUD_NODE_NOT:
      {
        roaring_bitmap_t *child = eval_node (ev, g_ptr_array_index (node->children, 0), depth,
                                             error);

        if (child == NULL)
          return NULL;

        result = roaring_bitmap_andnot (ev->universe, child);
        bitmap_free (child);
        return result;
      }

    case AUD_NODE_SEGMENT:
      if (depth >= MAX_DEPTH)
        {
          g_set_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_TOO_DEEP,
                       _("%s: segment references are nested more than %d deep"),
                       node->path, MAX_DEPTH);
          return NULL;
        }

      if (node->segment_root == NULL)
        {
          g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                       _("%s: unknown segment “%s”"), node->path,
                       node->segment_name != NULL ? node->segment_name : "");
          return NULL;
        }

      /* A referenced definition with nothing enabled matches everyone, as
       * an empty `all` does. */
      if (!node_is_active (node->segment_root))
        return roaring_bitmap_copy (ev->universe);

      return eval_node (ev, node->segment_root, depth + 1, error);

    case AUD_NODE_FIELD:
    case AUD_NODE_EVENT:
    case AUD_NODE_NEAR:
    case AUD_NODE_BUCKET:
    default:
      return eval_leaf (ev, node, error);
    }
}

/* Adds to @columns the columns of the field leaves under @node that have
 * neither their members nor the values of their column in the cache. */
static void
collect_dict_columns (Eval                 *ev,
                      const AudSegmentNode *node,
                      guint                 depth,
                      GPtrArray            *columns)
{
  g_autoptr(AudCompiledLeaf) leaf = NULL;
  g_autofree char *key = NULL;
  roaring_bitmap_t *cached;
  Dict *dict;

  if (!node_is_active (node) || depth >= MAX_DEPTH)
    return;

  switch (node->kind)
    {
    case AUD_NODE_ALL:
    case AUD_NODE_ANY:
    case AUD_NODE_NOT:
      for (guint i = 0; i < node->children->len; i++)
        collect_dict_columns (ev, g_ptr_array_index (node->children, i), depth, columns);
      return;

    case AUD_NODE_SEGMENT:
      if (node->segment_root != NULL)
        collect_dict_columns (ev, node->segment_root, depth + 1, columns);
      return;

    case AUD_NODE_FIELD:
      break;

    case AUD_NODE_EVENT:
    case AUD_NODE_NEAR:
    case AUD_NODE_BUCKET:
    default:
      return;
    }

  /* Errors show when the leaf runs. */
  leaf = aud_compile_leaf (&ev->cc, node, FALSE, NULL);
  if (leaf == NULL || leaf->dict_column == NULL ||
      g_ptr_array_find_with_equal_func (columns, leaf->dict_column, g_str_equal, NULL))
    return;

  key = g_strconcat (ev->key_prefix, aud_compiled_leaf_get_key (leaf), NULL);
  if ((cached = aud_bitmap_cache_lookup (ev->engine->cache, key)) != NULL)
    {
      roaring_bitmap_free (cached);
      return;
    }

  g_free (key);
  key = dict_key (ev, leaf->dict_column);
  dict = aud_bitmap_cache_lookup_object (ev->engine->cache, key,
                                         (AudCacheRefFunc)g_atomic_rc_box_acquire);
  if (dict != NULL)
    {
      dict_release (dict);
      return;
    }

  g_ptr_array_add (columns, g_strdup (leaf->dict_column));
}

/* Reads the values of the columns that the field leaves of @root need in
 * one pass over the customers, instead of one pass per column. */
static gboolean
read_tree_dicts (Eval                 *ev,
                 const AudSegmentNode *root,
                 GError              **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autofree Dict **dicts = NULL;

  collect_dict_columns (ev, root, 0, columns);

  /* What the last import saved needs no reading. */
  for (guint i = columns->len; i-- > 0;)
    {
      const char *column = g_ptr_array_index (columns, i);
      Dict *dict = load_dict (ev, column);

      if (dict != NULL)
        {
          insert_dict (ev, column, dict);
          dict_release (dict);
          g_ptr_array_remove_index (columns, i);
        }
    }

  if (columns->len < 2)
    return TRUE;

  dicts = g_new0 (Dict *, columns->len);
  if (!read_dicts (ev, columns->len, (const char **)columns->pdata, dicts, error))
    return FALSE;

  for (guint i = 0; i < columns->len; i++)
    {
      insert_dict (ev, g_ptr_array_index (columns, i), dicts[i]);
      dict_release (dicts[i]);
    }

  return TRUE;
}

static roaring_bitmap_t *
eval_root (Eval                 *ev,
           const AudSegmentNode *root,
           GError              **error)
{
  if (!node_is_active (root))
    return roaring_bitmap_copy (ev->universe);

  if (ev->engine->dict_max_values > 0 && !read_tree_dicts (ev, root, error))
    return NULL;

  return eval_node (ev, root, 0, error);
}

/* A resolved private copy of @segment. */
static AudSegment *
resolve_copy (const AudSegment  *segment,
              AudStore          *store,
              GError           **error)
{
  g_autoptr(AudSegment) copy = aud_segment_copy (segment);

  if (copy->root == NULL)
    copy->root = aud_segment_node_new_group (AUD_NODE_ALL);

  if (!aud_segment_resolve (copy, store, error))
    return NULL;

  return g_steal_pointer (&copy);
}

/* --- descriptions ----------------------------------------------------------- */

/* A condition value for display: "DE", 12.5, ["DE", "FR"]. */
static char *
format_value (JsonNode *value)
{
  if (value == NULL)
    return g_strdup ("");

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      GString *s = g_string_new ("[");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = format_value (json_array_get_element (array, i));

          g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", item);
        }
      g_string_append_c (s, ']');
      return g_string_free (s, FALSE);
    }

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup_printf ("\"%s\"", json_node_get_string (value));

  return aud_segment_value_dup_text (value) ?: g_strdup ("null");
}

/* The @index-th element of a pair value as display text. */
static char *
format_element (JsonNode *value,
                guint     index)
{
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
      json_array_get_length (json_node_get_array (value)) <= index)
    return g_strdup ("?");

  return format_value (json_array_get_element (json_node_get_array (value), index));
}

static char *
describe_condition (const AudCondition *cond)
{
  g_autofree char *v = format_value (cond->value);
  g_autofree char *a = format_element (cond->value, 0);
  g_autofree char *b = format_element (cond->value, 1);
  g_autofree char *days = aud_segment_value_dup_text (cond->value);
  const char *name = cond->name;
  char *text;

  switch (cond->op)
    {
    case AUD_OP_BLANK:
      text = g_strdup_printf (_("%s is blank"), name);
      break;
    case AUD_OP_NOT_BLANK:
      text = g_strdup_printf (_("%s is not blank"), name);
      break;
    case AUD_OP_EQ:
      text = g_strdup_printf (_("%s is %s"), name, v);
      break;
    case AUD_OP_NE:
      text = g_strdup_printf (_("%s is not %s"), name, v);
      break;
    case AUD_OP_IN:
      text = g_strdup_printf (_("%s is one of %s"), name, v);
      break;
    case AUD_OP_NOT_IN:
      text = g_strdup_printf (_("%s is none of %s"), name, v);
      break;
    case AUD_OP_CONTAINS:
      text = g_strdup_printf (_("%s contains %s"), name, v);
      break;
    case AUD_OP_NOT_CONTAINS:
      text = g_strdup_printf (_("%s does not contain %s"), name, v);
      break;
    case AUD_OP_STARTS_WITH:
      text = g_strdup_printf (_("%s starts with %s"), name, v);
      break;
    case AUD_OP_ENDS_WITH:
      text = g_strdup_printf (_("%s ends with %s"), name, v);
      break;
    case AUD_OP_MATCHES:
      text = g_strdup_printf (_("%s matches %s"), name, v);
      break;
    case AUD_OP_LT:
      text = g_strdup_printf (_("%s < %s"), name, v);
      break;
    case AUD_OP_LE:
      text = g_strdup_printf (_("%s ≤ %s"), name, v);
      break;
    case AUD_OP_GT:
      text = g_strdup_printf (_("%s > %s"), name, v);
      break;
    case AUD_OP_GE:
      text = g_strdup_printf (_("%s ≥ %s"), name, v);
      break;
    case AUD_OP_BETWEEN:
      text = g_strdup_printf (_("%s is between %s and %s"), name, a, b);
      break;
    case AUD_OP_BEFORE:
      text = g_strdup_printf (_("%s is before %s"), name, v);
      break;
    case AUD_OP_AFTER:
      text = g_strdup_printf (_("%s is after %s"), name, v);
      break;
    case AUD_OP_ON:
      text = g_strdup_printf (_("%s is on %s"), name, v);
      break;
    case AUD_OP_WITHIN_LAST_DAYS:
      text = g_strdup_printf (_("%s is within the last %s days"), name, days);
      break;
    case AUD_OP_MORE_THAN_DAYS_AGO:
      text = g_strdup_printf (_("%s is more than %s days ago"), name, days);
      break;
    case AUD_OP_WITHIN_NEXT_DAYS:
      text = g_strdup_printf (_("%s is within the next %s days"), name, days);
      break;
    case AUD_OP_AGE_BETWEEN:
      text = g_strdup_printf (_("age from %s is between %s and %s"), name, a, b);
      break;
    case AUD_OP_BIRTHDAY_WITHIN_DAYS:
      text = g_strdup_printf (_("birthday from %s is within the next %s days"), name, days);
      break;
    case AUD_OP_IS_TRUE:
      text = g_strdup_printf (_("%s is true"), name);
      break;
    case AUD_OP_IS_FALSE:
      text = g_strdup_printf (_("%s is false"), name);
      break;
    default:
      text = g_strdup_printf ("%s %s %s", name, aud_op_to_string (cond->op), v);
      break;
    }

  if (cond->case_sensitive)
    {
      char *sensitive = g_strdup_printf (_("%s (case-sensitive)"), text);

      g_free (text);
      text = sensitive;
    }

  return text;
}

static char *
describe_when (const AudWhen *when)
{
  switch (when->kind)
    {
    case AUD_WHEN_WITHIN_LAST_DAYS:
      return g_strdup_printf (_("in the last %lld days"), (long long)when->days);
    case AUD_WHEN_MORE_THAN_DAYS_AGO:
      return g_strdup_printf (_("more than %lld days ago"), (long long)when->days);
    case AUD_WHEN_BETWEEN:
      return g_strdup_printf (_("between %s and %s"), when->from, when->to);
    case AUD_WHEN_ALWAYS:
    default:
      return NULL;
    }
}

/* "purchase events with amount > 5 in the last 30 days"; @singular for
 * first/last ("purchase event"); @with_when FALSE leaves the window out. */
static char *
describe_events (const AudSegmentNode *node,
                 gboolean              singular,
                 gboolean              with_when)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *names = NULL;
  g_autofree char *when = with_when ? describe_when (&node->when) : NULL;

  if (node->event_names == NULL || node->event_names[0] == NULL ||
      g_str_equal (node->event_names[0], "*"))
    names = g_strdup (_("any"));
  else
    names = g_strjoinv (_(" or "), node->event_names);

  /* Translators: %s is an event name (or several joined by " or "), as in
   * "purchase events in the last 30 days" */
  g_string_printf (s, singular ? C_("event criterion", "%s event") :
                                 C_("event criterion", "%s events"), names);

  for (guint i = 0; node->where != NULL && i < node->where->len; i++)
    {
      g_autofree char *cond = describe_condition (g_ptr_array_index (node->where, i));

      g_string_append_printf (s, i == 0 ? _(" with %s") : _(" and %s"), cond);
    }

  if (when != NULL)
    g_string_append_printf (s, " %s", when);

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
describe_count (const AudSegmentNode *node)
{
  gint64 a = node->count_value[0];
  gint64 b = node->count_value[1];

  switch (node->count_op)
    {
    case AUD_OP_GT:
      return g_strdup_printf ("> %" G_GINT64_FORMAT, a);
    case AUD_OP_LE:
      return g_strdup_printf ("≤ %" G_GINT64_FORMAT, a);
    case AUD_OP_LT:
      return g_strdup_printf ("< %" G_GINT64_FORMAT, a);
    case AUD_OP_EQ:
      return g_strdup_printf ("= %" G_GINT64_FORMAT, a);
    case AUD_OP_BETWEEN:
      return g_strdup_printf (_("between %lld and %lld"), (long long)a, (long long)b);
    case AUD_OP_GE:
    default:
      return g_strdup_printf ("≥ %" G_GINT64_FORMAT, a);
    }
}

static const char *
aggregate_name (AudAggregate aggregate)
{
  switch (aggregate)
    {
    case AUD_AGG_SUM:
      return _("sum");
    case AUD_AGG_AVG:
      return _("average");
    case AUD_AGG_MIN:
      return _("minimum");
    case AUD_AGG_MAX:
      return _("maximum");
    case AUD_AGG_NONE:
    default:
      return "";
    }
}

/* The subject of an event criterion, the part before its requirement:
 * "purchase events in the last 30 days", "distinct category of ...",
 * "sum of amount over ...", "first purchase event". */
static char *
describe_event_subject (const AudSegmentNode *node)
{
  g_autofree char *events = NULL;

  if (node->occurrence != AUD_OCCURRENCE_ANY)
    {
      events = describe_events (node, TRUE, FALSE);
      return g_strdup_printf (node->occurrence == AUD_OCCURRENCE_FIRST ?
                              _("first %s") : _("last %s"), events);
    }

  events = describe_events (node, FALSE, TRUE);

  if (node->aggregate != AUD_AGG_NONE && node->aggregate_condition != NULL)
    return g_strdup_printf (_("%s of %s over %s"), aggregate_name (node->aggregate),
                            node->aggregate_condition->name, events);

  if (node->distinct != NULL)
    return g_strdup_printf (_("distinct %s of %s"), node->distinct, events);

  return g_steal_pointer (&events);
}

/* The requirement of an event criterion: "≥ 1", "> 100", "in the last 30
 * days". */
static char *
describe_event_requirement (const AudSegmentNode *node)
{
  if (node->occurrence != AUD_OCCURRENCE_ANY)
    return describe_when (&node->when) ?: g_strdup (_("at any time"));

  if (node->aggregate != AUD_AGG_NONE && node->aggregate_condition != NULL)
    {
      const AudCondition *agg = node->aggregate_condition;
      g_autofree char *v = format_value (agg->value);
      g_autofree char *a = format_element (agg->value, 0);
      g_autofree char *b = format_element (agg->value, 1);

      switch (agg->op)
        {
        case AUD_OP_EQ:
          return g_strdup_printf ("= %s", v);
        case AUD_OP_NE:
          return g_strdup_printf ("≠ %s", v);
        case AUD_OP_LT:
          return g_strdup_printf ("< %s", v);
        case AUD_OP_LE:
          return g_strdup_printf ("≤ %s", v);
        case AUD_OP_GT:
          return g_strdup_printf ("> %s", v);
        case AUD_OP_GE:
          return g_strdup_printf ("≥ %s", v);
        case AUD_OP_BETWEEN:
          return g_strdup_printf (_("between %s and %s"), a, b);
        default:
          return g_strdup_printf ("%s %s", aud_op_to_string (agg->op), v);
        }
    }

  return describe_count (node);
}

char *
aud_engine_describe_node (const AudSegmentNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  switch (node->kind)
    {
    case AUD_NODE_ALL:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "all of %u criterion",
                                           "all of %u criteria", node->children->len),
                              node->children->len);

    case AUD_NODE_ANY:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "any of %u criterion",
                                           "any of %u criteria", node->children->len),
                              node->children->len);

    case AUD_NODE_NOT:
      {
        g_autofree char *child = node->children->len > 0 ?
                                 aud_engine_describe_node (g_ptr_array_index (node->children, 0)) :
                                 g_strdup ("");

        return g_strdup_printf (_("not: %s"), child);
      }

    case AUD_NODE_FIELD:
      return describe_condition (node->condition);

    case AUD_NODE_EVENT:
      {
        g_autofree char *subject = describe_event_subject (node);
        g_autofree char *requirement = describe_event_requirement (node);

        return g_strdup_printf (_("%s %s"), subject, requirement);
      }

    case AUD_NODE_NEAR:
      return g_strdup_printf (_("within %g km of %g, %g"), node->km, node->lat, node->lon);

    case AUD_NODE_SEGMENT:
      return g_strdup_printf (_("in segment “%s”"), node->segment_name);

    case AUD_NODE_BUCKET:
      return g_strdup_printf (_("holdout bucket %d to %d (salt “%s”)"),
                              node->bucket_from, node->bucket_to, node->bucket_salt);

    default:
      return g_strdup ("?");
    }
}

/* --- explain ---------------------------------------------------------------- */

/* A 128-bit scaled integer as decimal text. */
static char *
format_wide (AudWide value,
             guint   scale)
{
  char digits[64];
  unsigned __int128 magnitude = value < 0 ? -(unsigned __int128)value : (unsigned __int128)value;
  GString *s = g_string_new (value < 0 ? "-" : "");
  int n = 0;

  do
    {
      digits[n++] = '0' + (int)(magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0 || n <= (int)scale);

  for (int i = n - 1; i >= 0; i--)
    {
      g_string_append_c (s, digits[i]);
      if (i == (int)scale && scale > 0)
        g_string_append_c (s, '.');
    }

  return g_string_free (s, FALSE);
}

/* The stored value of @field for one customer as display text; NULL for a
 * blank. */
static char *
field_value_text (Eval            *ev,
                  const AudField  *field,
                  gint64           row,
                  GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  int rc;

  /* The column name comes from the catalog. */
  sql = g_strdup_printf ("SELECT %s FROM customers WHERE id = ?1", field->column);
  if ((stmt = aud_store_prepare (ev->store, sql, error)) == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, row);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      step_error (ev, rc, error);
      return NULL;
    }

  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL ||
      (sqlite3_column_type (stmt, 0) == SQLITE_TEXT && sqlite3_column_bytes (stmt, 0) == 0))
    return NULL;

  switch (field->type)
    {
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
      return g_strdup_printf ("\"%s\"", sqlite3_column_text (stmt, 0));

    case AUD_FIELD_DECIMAL:
      return aud_value_format_decimal (sqlite3_column_int64 (stmt, 0), field->scale);

    case AUD_FIELD_DATETIME:
      return aud_value_format_datetime (sqlite3_column_int64 (stmt, 0));

    case AUD_FIELD_BOOLEAN:
      return g_strdup (sqlite3_column_int64 (stmt, 0) ? "true" : "false");

    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DATE:
    default:
      return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    }
}

/* Runs @leaf restricted to customer @row and collects what it has. Returns
 * FALSE with @error set. */
static gboolean
observe_leaf (Eval            *ev,
              AudCompiledLeaf *leaf,
              gint64           row,
              Observation     *obs,
              GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  Interner values = { 0 };
  int rc;

  memset (obs, 0, sizeof *obs);
  obs->km = -1;

  if (leaf->shape == AUD_LEAF_NONE)
    return TRUE;

  g_assert (leaf->restrict_param >= 0);
  g_array_index (leaf->params, AudSqlParam, leaf->restrict_param).integer = row;

  if ((stmt = prepare_leaf (ev, leaf, error)) == NULL)
    return FALSE;

  if (leaf->distinct)
    interner_init (&values, FALSE);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint32 number;

      /* Distinct values: the number of them. */
      if (leaf->distinct)
        {
          if (interner_add (&values, stmt, 1, &number))
            obs->rows = values.n;
          continue;
        }

      obs->rows++;

      switch (leaf->shape)
        {
        case AUD_LEAF_AGGREGATE:
          if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
            {
              gint64 value = sqlite3_column_int64 (stmt, 1);

              obs->sum += value;
              if (obs->n_values == 0 || value < obs->min)
                obs->min = value;
              if (obs->n_values == 0 || value > obs->max)
                obs->max = value;
              obs->n_values++;
            }
          break;

        case AUD_LEAF_OCCURRENCE:
          {
            gint64 t = sqlite3_column_int64 (stmt, 1);

            if (obs->rows == 1 ||
                (leaf->occurrence == AUD_OCCURRENCE_FIRST ? t < obs->ts : t > obs->ts))
              obs->ts = t;
          }
          break;

        case AUD_LEAF_NEAR:
          obs->km = row_distance (leaf, stmt);
          break;

        case AUD_LEAF_IDS:
        case AUD_LEAF_COUNT:
        case AUD_LEAF_NONE:
        default:
          break;
        }
    }

  if (leaf->distinct)
    interner_clear (&values);

  return !step_error (ev, rc, error);
}

/* Whether the observation satisfies the leaf (the same rules as run_leaf). */
static gboolean
observation_passes (const AudCompiledLeaf *leaf,
                    const Observation     *obs)
{
  switch (leaf->shape)
    {
    case AUD_LEAF_IDS:
      return obs->rows > 0;

    case AUD_LEAF_COUNT:
      return count_satisfies (leaf, obs->rows);

    case AUD_LEAF_AGGREGATE:
      return aggregate_satisfies (leaf, obs->n_values, obs->sum, obs->min, obs->max);

    case AUD_LEAF_OCCURRENCE:
      return obs->rows > 0 && obs->ts >= leaf->window_from && obs->ts <= leaf->window_to;

    case AUD_LEAF_NEAR:
      return obs->km >= 0 && obs->km <= leaf->km;

    case AUD_LEAF_NONE:
    default:
      return FALSE;
    }
}

static char *
describe_observed_aggregate (const AudSegmentNode  *node,
                             const AudCompiledLeaf *leaf,
                             const Observation     *obs)
{
  if (obs->n_values == 0)
    return g_strdup (_("no values"));

  switch (node->aggregate)
    {
    case AUD_AGG_SUM:
      return format_wide (obs->sum, leaf->agg_scale);

    case AUD_AGG_MIN:
      return format_wide (obs->min, leaf->agg_scale);

    case AUD_AGG_MAX:
      return format_wide (obs->max, leaf->agg_scale);

    case AUD_AGG_AVG:
    default:
      {
        /* Two more decimals than stored, rounded half away from zero. */
        AudWide scaled = obs->sum * 100;
        AudWide n = (AudWide)obs->n_values;
        AudWide q = (scaled + (scaled >= 0 ? n / 2 : -(n / 2))) / n;

        return format_wide (q, leaf->agg_scale + 2);
      }
    }
}

static AudExplanation *
explanation_new (const AudSegmentNode *node,
                 char                 *text,
                 gboolean              passed)
{
  AudExplanation *e = g_new0 (AudExplanation, 1);

  e->path = g_strdup (node->path);
  e->text = text;
  e->passed = passed;

  return e;
}

static AudExplanation *
explain_leaf (Eval                 *ev,
              const AudSegmentNode *node,
              gint64                row,
              GError              **error)
{
  g_autoptr(AudCompiledLeaf) leaf = NULL;
  g_autofree char *what = aud_engine_describe_node (node);
  Observation obs;
  gboolean passed;

  leaf = aud_compile_leaf (&ev->cc, node, TRUE, error);
  if (leaf == NULL || !observe_leaf (ev, leaf, row, &obs, error))
    return NULL;

  passed = observation_passes (leaf, &obs);

  switch (node->kind)
    {
    case AUD_NODE_FIELD:
      {
        g_autoptr(GError) local_error = NULL;
        g_autofree char *value = field_value_text (ev, node->condition->field, row, &local_error);

        if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return NULL;
          }

        if (value == NULL)
          return explanation_new (node, g_strdup_printf (passed ? _("%s: yes (blank)") :
                                                         _("%s: no (blank)"), what), passed);

        /* `country is "DE": yes` when the value is just what was asked for. */
        if (passed && node->condition->op == AUD_OP_EQ)
          {
            g_autofree char *wanted = format_value (node->condition->value);

            if (g_strcmp0 (wanted, value) == 0)
              return explanation_new (node, g_strdup_printf (_("%s: yes"), what), passed);
          }

        return explanation_new (node, g_strdup_printf (passed ? _("%s: yes (the value is %s)") :
                                                       _("%s: no (the value is %s)"),
                                                       what, value),
                                passed);
      }

    case AUD_NODE_EVENT:
      {
        g_autofree char *subject = describe_event_subject (node);
        g_autofree char *requirement = describe_event_requirement (node);
        g_autofree char *seen = NULL;

        if (leaf->shape == AUD_LEAF_OCCURRENCE)
          seen = obs.rows > 0 ? aud_value_format_datetime (obs.ts) : g_strdup (_("none"));
        else if (leaf->shape == AUD_LEAF_AGGREGATE)
          seen = describe_observed_aggregate (node, leaf, &obs);
        else
          seen = g_strdup_printf ("%" G_GINT64_FORMAT, obs.rows);

        /* Translators: "purchase events in the last 30 days: 0, needs ≥ 1" */
        return explanation_new (node, g_strdup_printf (_("%s: %s, needs %s"), subject, seen,
                                                       requirement),
                                passed);
      }

    case AUD_NODE_NEAR:
      if (leaf->shape == AUD_LEAF_NONE)
        return explanation_new (node, g_strdup_printf (_("%s: no (the workspace has no latitude "
                                                         "and longitude fields)"), what), FALSE);
      if (obs.km < 0)
        return explanation_new (node, g_strdup_printf (_("%s: no (no coordinates)"), what), FALSE);
      return explanation_new (node, g_strdup_printf (passed ? _("%s: yes (%.1f km away)") :
                                                     _("%s: no (%.1f km away)"), what, obs.km),
                              passed);

    case AUD_NODE_BUCKET:
      {
        g_autoptr(sqlite3_stmt) stmt = NULL;
        int bucket = -1;

        stmt = aud_store_prepare (ev->store, "SELECT external_id FROM customers WHERE id = ?1",
                                  error);
        if (stmt == NULL)
          return NULL;
        sqlite3_bind_int64 (stmt, 1, row);
        if (sqlite3_step (stmt) == SQLITE_ROW)
          bucket = _aud_bucket_of (NULL, node->bucket_salt, -1,
                                   (const char *)sqlite3_column_text (stmt, 0), -1);

        return explanation_new (node, g_strdup_printf (passed ? _("%s: yes (bucket %d)") :
                                                       _("%s: no (bucket %d)"), what, bucket),
                                passed);
      }

    default:
      g_assert_not_reached ();
    }
}

static AudExplanation *
explain_node (Eval                 *ev,
              const AudSegmentNode *node,
              gint64                row,
              guint                 depth,
              GError              **error)
{
  AudExplanation *e;

  if (g_cancellable_set_error_if_cancelled (ev->cancellable, error))
    return NULL;

  if (!node_is_active (node))
    {
      g_autofree char *what = aud_engine_describe_node (node);

      e = explanation_new (node, g_strdup_printf (_("%s (off)"), what), FALSE);
      e->skipped = TRUE;
      return e;
    }

  switch (node->kind)
    {
    case AUD_NODE_ALL:
    case AUD_NODE_ANY:
    case AUD_NODE_NOT:
      {
        g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_explanation_free);
        guint n_active = 0;
        guint n_passed = 0;
        gboolean passed;
        char *text;

        for (guint i = 0; i < node->children->len; i++)
          {
            AudExplanation *child = explain_node (ev, g_ptr_array_index (node->children, i),
                                                  row, depth, error);

            if (child == NULL)
              return NULL;

            if (!child->skipped)
              {
                n_active++;
                n_passed += child->passed;
              }
            g_ptr_array_add (children, child);
          }

        if (node->kind == AUD_NODE_ALL)
          {
            passed = n_passed == n_active;
            text = g_strdup_printf (_("all of these: %u of %u passed"), n_passed, n_active);
          }
        else if (node->kind == AUD_NODE_ANY)
          {
            passed = n_passed > 0;
            text = g_strdup_printf (_("any of these: %u of %u passed"), n_passed, n_active);
          }
        else
          {
            passed = n_passed == 0;
            text = g_strdup (passed ? _("not: the part below failed") :
                             _("not: the part below passed"));
          }

        e = explanation_new (node, text, passed);
        e->children = g_steal_pointer (&children);
        return e;
      }

    case AUD_NODE_SEGMENT:
      {
        AudExplanation *inner;

        if (depth >= MAX_DEPTH)
          {
            g_set_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_TOO_DEEP,
                         _("%s: segment references are nested more than %d deep"),
                         node->path, MAX_DEPTH);
            return NULL;
          }

        if (node->segment_root == NULL)
          {
            g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                         _("%s: unknown segment “%s”"), node->path,
                         node->segment_name != NULL ? node->segment_name : "");
            return NULL;
          }

        inner = explain_node (ev, node->segment_root, row, depth + 1, error);
        if (inner == NULL)
          return NULL;

        e = explanation_new (node, NULL, inner->skipped || inner->passed);
        e->text = g_strdup_printf (e->passed ? _("in segment “%s”: yes") :
                                   _("in segment “%s”: no"), node->segment_name);
        e->children = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_explanation_free);
        g_ptr_array_add (e->children, inner);
        return e;
      }

    case AUD_NODE_FIELD:
    case AUD_NODE_EVENT:
    case AUD_NODE_NEAR:
    case AUD_NODE_BUCKET:
    default:
      return explain_leaf (ev, node, row, error);
    }
}

void
aud_explanation_free (AudExplanation *explanation)
{
  if (explanation == NULL)
    return;

  g_free (explanation->path);
  g_free (explanation->text);
  g_clear_pointer (&explanation->children, g_ptr_array_unref);
  g_free (explanation);
}

static void
append_explanation (GString              *out,
                    const AudExplanation *e,
                    guint                 level)
{
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");

  g_string_append (out, e->skipped ? "– " : e->passed ? "✓ " : "✗ ");
  g_string_append (out, e->text);
  g_string_append_c (out, '\n');

  for (guint i = 0; e->children != NULL && i < e->children->len; i++)
    append_explanation (out, g_ptr_array_index (e->children, i), level + 1);
}

char *
aud_explanation_to_text (const AudExplanation *explanation)
{
  GString *out;

  g_return_val_if_fail (explanation != NULL, NULL);

  out = g_string_new (NULL);
  append_explanation (out, explanation, 0);

  return g_string_free (out, FALSE);
}

/* --- GObject ---------------------------------------------------------------- */

static void
aud_engine_finalize (GObject *object)
{
  AudEngine *self = (AudEngine *)object;

  g_clear_pointer (&self->cache, aud_bitmap_cache_free);
  g_clear_pointer (&self->pool, g_ptr_array_unref);
  g_mutex_clear (&self->pool_mutex);

  G_OBJECT_CLASS (aud_engine_parent_class)->finalize (object);
}

static void
aud_engine_class_init (AudEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_engine_finalize;
}

static void
aud_engine_init (AudEngine *self)
{
  self->cache = aud_bitmap_cache_new (DEFAULT_CACHE_LIMIT);
  self->scan_minimum = 50000;
  self->dict_max_values = DEFAULT_DICT_MAX_VALUES;
  self->pool = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&self->pool_mutex);
}

/* --- public API -------------------------------------------------------------- */

/**
 * aud_engine_new:
 *
 * Returns: (transfer full): a new engine with an empty cache
 */
AudEngine *
aud_engine_new (void)
{
  return g_object_new (AUD_TYPE_ENGINE, NULL);
}

void
aud_engine_set_cache_limit (AudEngine *self,
                            gsize      bytes)
{
  g_return_if_fail (AUD_IS_ENGINE (self));

  aud_bitmap_cache_set_limit (self->cache, bytes);
}

gsize
aud_engine_get_cache_limit (AudEngine *self)
{
  g_return_val_if_fail (AUD_IS_ENGINE (self), 0);

  return aud_bitmap_cache_get_limit (self->cache);
}

gsize
aud_engine_get_cache_size (AudEngine *self)
{
  g_return_val_if_fail (AUD_IS_ENGINE (self), 0);

  return aud_bitmap_cache_get_size (self->cache);
}

void
aud_engine_clear_cache (AudEngine *self)
{
  g_return_if_fail (AUD_IS_ENGINE (self));

  aud_bitmap_cache_clear (self->cache);
}

guint
aud_engine_get_leaf_runs (AudEngine *self)
{
  g_return_val_if_fail (AUD_IS_ENGINE (self), 0);

  return (guint)g_atomic_int_get (&self->leaf_runs);
}

void
_aud_engine_set_scan_minimum (AudEngine *self,
                              gint64     rows)
{
  g_return_if_fail (AUD_IS_ENGINE (self));

  self->scan_minimum = rows;
}

void
_aud_engine_set_dict_max_values (AudEngine *self,
                                 guint      n)
{
  g_return_if_fail (AUD_IS_ENGINE (self));

  self->dict_max_values = n;
}

guint
_aud_engine_get_event_queries (AudEngine *self,
                               guint     *n_scans)
{
  g_return_val_if_fail (AUD_IS_ENGINE (self), 0);

  if (n_scans != NULL)
    *n_scans = (guint)g_atomic_int_get (&self->event_scans);

  return (guint)g_atomic_int_get (&self->event_queries);
}

guint
_aud_engine_get_customer_reads (AudEngine *self)
{
  g_return_val_if_fail (AUD_IS_ENGINE (self), 0);

  return (guint)g_atomic_int_get (&self->customer_reads);
}

gint64
aud_engine_get_default_now (AudStore *store)
{
  gint64 now;

  g_return_val_if_fail (AUD_IS_STORE (store), 0);

  now = aud_store_get_reference_time (store);
  if (now >= 0)
    return now;

  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * aud_engine_evaluate:
 * @self: the engine
 * @store: the workspace, used on the calling thread
 * @segment: a parsed definition
 * @now: the reference time, UTC seconds
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the members as a bitmap of customer row ids, or
 *   %NULL with @error set
 */
roaring_bitmap_t *
aud_engine_evaluate (AudEngine         *self,
                     AudStore          *store,
                     const AudSegment  *segment,
                     gint64             now,
                     GCancellable      *cancellable,
                     GError           **error)
{
  g_autoptr(AudSegment) resolved = NULL;
  roaring_bitmap_t *result = NULL;
  Eval ev;

  g_return_val_if_fail (AUD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (segment != NULL, NULL);

  if (eval_begin (&ev, self, store, now, cancellable, error) &&
      (resolved = resolve_copy (segment, store, error)) != NULL)
    result = eval_root (&ev, resolved->root, error);

  eval_end (&ev);
  return result;
}

/**
 * aud_engine_count:
 * @self: the engine
 * @store: the workspace, used on the calling thread
 * @segment: a parsed definition
 * @now: the reference time, UTC seconds
 * @result: (out caller-allocates): the count
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
aud_engine_count (AudEngine         *self,
                  AudStore          *store,
                  const AudSegment  *segment,
                  gint64             now,
                  AudCount          *result,
                  GCancellable      *cancellable,
                  GError           **error)
{
  g_autoptr(AudSegment) resolved = NULL;
  roaring_bitmap_t *members = NULL;
  Eval ev;

  g_return_val_if_fail (AUD_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);
  g_return_val_if_fail (segment != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (eval_begin (&ev, self, store, now, cancellable, error) &&
      (resolved = resolve_copy (segment, store, error)) != NULL &&
      (members = eval_root (&ev, resolved->root, error)) != NULL)
    {
      result->count = (gint64)roaring_bitmap_get_cardinality (members);
      result->total = (gint64)roaring_bitmap_get_cardinality (ev.universe);
      result->share = result->total > 0 ? (double)result->count / (double)result->total : 0.0;
      bitmap_free (members);
      eval_end (&ev);
      return TRUE;
    }

  eval_end (&ev);
  return FALSE;
}

/**
 * aud_engine_funnel:
 *
 * See aud-engine.h. Returns: (transfer full) (element-type AudFunnelStep)
 */
GPtrArray *
aud_engine_funnel (AudEngine         *self,
                   AudStore          *store,
                   const AudSegment  *segment,
                   gint64             now,
                   GCancellable      *cancellable,
                   GError           **error)
{
  g_autoptr(AudSegment) resolved = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) layers = g_ptr_array_new ();
  roaring_bitmap_t *remaining = NULL;
  Eval ev;

  g_return_val_if_fail (AUD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (segment != NULL, NULL);

  if (!eval_begin (&ev, self, store, now, cancellable, error) ||
      (resolved = resolve_copy (segment, store, error)) == NULL)
    {
      eval_end (&ev);
      return NULL;
    }

  if (resolved->root->kind == AUD_NODE_ALL && !resolved->root->disabled)
    {
      for (guint i = 0; i < resolved->root->children->len; i++)
        {
          AudSegmentNode *child = g_ptr_array_index (resolved->root->children, i);

          if (node_is_active (child))
            g_ptr_array_add (layers, child);
        }
    }
  else if (node_is_active (resolved->root))
    g_ptr_array_add (layers, resolved->root);

  steps = g_ptr_array_new_with_free_func (funnel_step_free);
  for (guint i = 0; i < layers->len; i++)
    {
      AudSegmentNode *layer = g_ptr_array_index (layers, i);
      roaring_bitmap_t *bitmap = eval_node (&ev, layer, 0, error);
      AudFunnelStep *step;

      if (bitmap == NULL)
        {
          bitmap_free (remaining);
          eval_end (&ev);
          return NULL;
        }

      step = g_new0 (AudFunnelStep, 1);
      step->path = g_strdup (layer->path);
      step->label = aud_engine_describe_node (layer);
      step->count = (gint64)roaring_bitmap_get_cardinality (bitmap);

      if (remaining == NULL)
        remaining = bitmap;
      else
        {
          roaring_bitmap_and_inplace (remaining, bitmap);
          bitmap_free (bitmap);
        }
      step->remaining = (gint64)roaring_bitmap_get_cardinality (remaining);

      g_ptr_array_add (steps, step);
    }

  bitmap_free (remaining);
  eval_end (&ev);

  return g_steal_pointer (&steps);
}

void
aud_overlap_free (AudOverlap *overlap)
{
  if (overlap == NULL)
    return;

  g_free (overlap->sizes);
  g_free (overlap->matrix);
  g_free (overlap);
}

/**
 * aud_engine_overlap:
 *
 * See aud-engine.h. Returns: (transfer full)
 */
AudOverlap *
aud_engine_overlap (AudEngine          *self,
                    AudStore           *store,
                    AudSegment * const *segments,
                    guint               n_segments,
                    gint64              now,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(AudOverlap) overlap = NULL;
  roaring_bitmap_t **sets;
  roaring_bitmap_t *all = NULL;
  gboolean ok = TRUE;
  Eval ev;

  g_return_val_if_fail (AUD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (segments != NULL || n_segments == 0, NULL);

  if (n_segments == 0)
    {
      g_set_error_literal (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_INVALID,
                           _("An overlap needs at least one segment"));
      return NULL;
    }

  if (!eval_begin (&ev, self, store, now, cancellable, error))
    {
      eval_end (&ev);
      return NULL;
    }

  sets = g_new0 (roaring_bitmap_t *, n_segments);
  for (guint i = 0; ok && i < n_segments; i++)
    {
      g_autoptr(AudSegment) resolved = resolve_copy (segments[i], store, error);

      ok = resolved != NULL && (sets[i] = eval_root (&ev, resolved->root, error)) != NULL;
    }

  if (ok)
    {
      guint n = n_segments;

      overlap = g_new0 (AudOverlap, 1);
      overlap->n = n;
      overlap->total = (gint64)roaring_bitmap_get_cardinality (ev.universe);
      overlap->sizes = g_new0 (gint64, n);
      overlap->matrix = g_new0 (gint64, (gsize)n * n);

      all = roaring_bitmap_create ();
      for (guint i = 0; i < n; i++)
        {
          overlap->sizes[i] = (gint64)roaring_bitmap_get_cardinality (sets[i]);
          roaring_bitmap_or_inplace (all, sets[i]);
          for (guint j = 0; j < n; j++)
            overlap->matrix[i * n + j] = i == j ? overlap->sizes[i] :
                                         (gint64)roaring_bitmap_and_cardinality (sets[i], sets[j]);
        }
      overlap->union_count = (gint64)roaring_bitmap_get_cardinality (all);

      if (n <= 3)
        {
          overlap->has_regions = TRUE;
          overlap->regions[0] = overlap->total - overlap->union_count;
          for (guint mask = 1; mask < (1u << n); mask++)
            {
              roaring_bitmap_t *region = NULL;

              for (guint i = 0; i < n; i++)
                {
                  if ((mask & (1u << i)) == 0)
                    continue;
                  if (region == NULL)
                    region = roaring_bitmap_copy (sets[i]);
                  else
                    roaring_bitmap_and_inplace (region, sets[i]);
                }
              for (guint i = 0; i < n; i++)
                {
                  if ((mask & (1u << i)) != 0)
                    continue;
                  roaring_bitmap_andnot_inplace (region, sets[i]);
                }

              overlap->regions[mask] = (gint64)roaring_bitmap_get_cardinality (region);
              bitmap_free (region);
            }
        }
    }

  for (guint i = 0; i < n_segments; i++)
    bitmap_free (sets[i]);
  g_free (sets);
  bitmap_free (all);
  eval_end (&ev);

  return ok ? g_steal_pointer (&overlap) : NULL;
}

/* External ids of @ids, in that order. */
static gboolean
fill_external_ids (Eval     *ev,
                   GArray   *members,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = aud_store_prepare (ev->store, "SELECT external_id FROM customers WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < members->len; i++)
    {
      AudMember *member = &g_array_index (members, AudMember, i);
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, member->row_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        member->external_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        {
          aud_store_set_error (ev->store, rc, error);
          return FALSE;
        }
    }

  return TRUE;
}

static gint
compare_uint32 (gconstpointer a,
                gconstpointer b)
{
  guint32 x = *(const guint32 *)a;
  guint32 y = *(const guint32 *)b;

  return x < y ? -1 : x > y;
}

/* @n distinct ranks in [0, @cardinality), drawn with @seed (Floyd's
 * algorithm), sorted. */
static guint32 *
draw_ranks (guint64 cardinality,
            guint   n,
            guint64 seed)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new (NULL, NULL);
  guint32 seeds[2] = { (guint32)seed, (guint32)(seed >> 32) };
  GRand *rand = g_rand_new_with_seed_array (seeds, 2);
  guint32 *ranks = g_new (guint32, n);
  guint k = 0;

  for (guint64 j = cardinality - n; j < cardinality; j++)
    {
      guint32 t = (guint32)g_rand_int_range (rand, 0, (gint32)(j + 1));

      if (g_hash_table_contains (chosen, GUINT_TO_POINTER (t + 1)))
        t = (guint32)j;

      g_hash_table_add (chosen, GUINT_TO_POINTER (t + 1));
      ranks[k++] = t;
    }

  g_rand_free (rand);
  qsort (ranks, n, sizeof (guint32), (GCompareFunc)compare_uint32);

  return ranks;
}

/**
 * aud_engine_sample:
 *
 * See aud-engine.h. Returns: (transfer full) (element-type AudMember)
 */
GArray *
aud_engine_sample (AudEngine         *self,
                   AudStore          *store,
                   const AudSegment  *segment,
                   gint64             now,
                   AudSampleOrder     order,
                   guint              n,
                   guint64            seed,
                   GCancellable      *cancellable,
                   GError           **error)
{
  g_autoptr(AudSegment) resolved = NULL;
  g_autoptr(GArray) members = NULL;
  roaring_bitmap_t *bitmap = NULL;
  gboolean ok = FALSE;
  guint64 cardinality;
  Eval ev;

  g_return_val_if_fail (AUD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (segment != NULL, NULL);

  members = g_array_new (FALSE, TRUE, sizeof (AudMember));
  g_array_set_clear_func (members, member_clear);

  if (!eval_begin (&ev, self, store, now, cancellable, error) ||
      (resolved = resolve_copy (segment, store, error)) == NULL ||
      (bitmap = eval_root (&ev, resolved->root, error)) == NULL)
    goto out;

  cardinality = roaring_bitmap_get_cardinality (bitmap);

  if (order == AUD_SAMPLE_BY_EXTERNAL_ID)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      guint64 row = 0;
      int rc;

      stmt = aud_store_prepare (store, "SELECT id, external_id FROM customers "
                                "ORDER BY external_id", error);
      if (stmt == NULL)
        goto out;

      while (members->len < MIN (n, cardinality) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          AudMember member;

          if (++row % CANCEL_CHECK_ROWS == 0 && check_cancelled (&ev, row, error))
            goto out;

          if (id <= 0 || id > G_MAXUINT32 || !roaring_bitmap_contains (bitmap, (guint32)id))
            continue;

          member.row_id = id;
          member.external_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
          g_array_append_val (members, member);
        }

      if (members->len < MIN (n, cardinality) && step_error (&ev, rc, error))
        goto out;
    }
  else if (order == AUD_SAMPLE_RANDOM && n < cardinality)
    {
      g_autofree guint32 *ranks = draw_ranks (cardinality, n, seed);

      for (guint i = 0; i < n; i++)
        {
          AudMember member = { 0, NULL };
          guint32 value;

          roaring_bitmap_select (bitmap, ranks[i], &value);
          member.row_id = value;
          g_array_append_val (members, member);
        }

      if (!fill_external_ids (&ev, members, error))
        goto out;
    }
  else
    {
      roaring_uint32_iterator_t it;

      roaring_init_iterator (bitmap, &it);
      for (; it.has_value && members->len < n; roaring_advance_uint32_iterator (&it))
        {
          AudMember member = { it.current_value, NULL };

          g_array_append_val (members, member);
        }

      if (!fill_external_ids (&ev, members, error))
        goto out;
    }

  ok = TRUE;

out:
  bitmap_free (bitmap);
  eval_end (&ev);

  return ok ? g_steal_pointer (&members) : NULL;
}

/**
 * aud_engine_explain:
 *
 * See aud-engine.h. Returns: (transfer full)
 */
AudExplanation *
aud_engine_explain (AudEngine         *self,
                    AudStore          *store,
                    const AudSegment  *segment,
                    const char        *external_id,
                    gint64             now,
                    GCancellable      *cancellable,
                    GError           **error)
{
  g_autoptr(AudSegment) resolved = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  AudExplanation *result = NULL;
  gint64 row;
  int rc;
  Eval ev;

  g_return_val_if_fail (AUD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (segment != NULL, NULL);
  g_return_val_if_fail (external_id != NULL, NULL);

  if (!eval_begin (&ev, self, store, now, cancellable, error) ||
      (resolved = resolve_copy (segment, store, error)) == NULL ||
      (stmt = aud_store_prepare (store, "SELECT id FROM customers WHERE external_id = ?1",
                                 error)) == NULL)
    goto out;

  sqlite3_bind_text (stmt, 1, external_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_NOT_FOUND,
                   _("There is no customer with id “%s”"), external_id);
      goto out;
    }
  if (rc != SQLITE_ROW)
    {
      aud_store_set_error (store, rc, error);
      goto out;
    }
  row = sqlite3_column_int64 (stmt, 0);

  result = explain_node (&ev, resolved->root, row, 0, error);

  /* A definition with nothing enabled matches everyone. */
  if (result != NULL && result->skipped)
    result->passed = TRUE;

out:
  eval_end (&ev);
  return result;
}

/**
 * aud_engine_combine_segments:
 *
 * See aud-engine.h. Returns: (transfer full)
 */
AudSegment *
aud_engine_combine_segments (AudStore           *store,
                             AudSetOperation     operation,
                             const char * const *names,
                             guint               n_names,
                             const char         *name,
                             GError            **error)
{
  g_autoptr(AudSegment) segment = NULL;
  AudSegmentNode *root;
  AudSegmentNode *target;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (names != NULL || n_names == 0, NULL);

  if (n_names < 2)
    {
      g_set_error_literal (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_INVALID,
                           _("Combining segments needs at least two segments"));
      return NULL;
    }

  for (guint i = 0; i < n_names; i++)
    {
      g_autoptr(AudSegment) saved = NULL;
      g_autoptr(GError) local_error = NULL;

      saved = aud_segment_lookup (store, names[i], &local_error);
      if (saved == NULL)
        {
          if (g_error_matches (local_error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME))
            g_set_error (error, AUD_ENGINE_ERROR, AUD_ENGINE_ERROR_NOT_FOUND,
                         _("There is no saved segment named “%s”"), names[i]);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  root = aud_segment_node_new_group (operation == AUD_SET_UNION ? AUD_NODE_ANY : AUD_NODE_ALL);
  target = root;

  for (guint i = 0; i < n_names; i++)
    {
      if (operation == AUD_SET_DIFFERENCE && i == 1)
        {
          AudSegmentNode *not = aud_segment_node_new_group (AUD_NODE_NOT);

          if (n_names > 2)
            {
              target = aud_segment_node_new_group (AUD_NODE_ANY);
              g_ptr_array_add (not->children, target);
            }
          else
            target = not;

          g_ptr_array_add (root->children, not);
        }

      g_ptr_array_add (target->children, aud_segment_node_new_segment (names[i]));
    }

  aud_segment_node_update (root, "match");

  segment = g_new0 (AudSegment, 1);
  segment->name = g_strdup (name);
  segment->root = root;

  return g_steal_pointer (&segment);
}

/* --- async ------------------------------------------------------------------ */

typedef enum
{
  TASK_COUNT,
  TASK_FUNNEL,
  TASK_OVERLAP,
  TASK_SAMPLE,
  TASK_EXPLAIN,
} TaskKind;

typedef struct
{
  TaskKind        kind;
  char           *path;
  GPtrArray      *segments;     /* (element-type AudSegment): private copies */
  gint64          now;
  AudSampleOrder  order;
  guint           n;
  guint64         seed;
  char           *external_id;
} TaskData;

static void
task_data_free (gpointer data)
{
  TaskData *td = data;

  g_free (td->path);
  g_clear_pointer (&td->segments, g_ptr_array_unref);
  g_free (td->external_id);
  g_free (td);
}

/* A connection to @path for this worker: an idle one, or a new one. */
static AudStore *
take_store (AudEngine   *self,
            const char  *path,
            GError     **error)
{
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->pool_mutex);

    for (guint i = 0; i < self->pool->len; i++)
      {
        AudStore *store = g_ptr_array_index (self->pool, i);

        if (g_strcmp0 (aud_store_get_path (store), path) == 0)
          return g_ptr_array_steal_index_fast (self->pool, i);
      }
  }

  return aud_store_open (path, AUD_STORE_OPEN_DEFAULT, error);
}

static void
give_back_store (AudEngine *self,
                 AudStore  *store)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->pool_mutex);

  aud_store_watch_cancellable (store, NULL);
  aud_store_rollback (store);

  if (self->pool->len < MAX_POOLED_STORES)
    g_ptr_array_add (self->pool, store);
  else
    g_object_unref (store);
}

static void
run_task (GTask        *task,
          gpointer      source_object,
          gpointer      task_data,
          GCancellable *cancellable)
{
  AudEngine *self = source_object;
  TaskData *td = task_data;
  g_autoptr(GError) error = NULL;
  AudStore *store;
  AudSegment *first = td->segments->len > 0 ? g_ptr_array_index (td->segments, 0) : NULL;

  store = take_store (self, td->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (td->kind)
    {
    case TASK_COUNT:
      {
        AudCount count;

        if (aud_engine_count (self, store, first, td->now, &count, cancellable, &error))
          g_task_return_pointer (task, g_memdup2 (&count, sizeof count), g_free);
      }
      break;

    case TASK_FUNNEL:
      {
        GPtrArray *steps = aud_engine_funnel (self, store, first, td->now, cancellable, &error);

        if (steps != NULL)
          g_task_return_pointer (task, steps, (GDestroyNotify)g_ptr_array_unref);
      }
      break;

    case TASK_OVERLAP:
      {
        AudOverlap *overlap = aud_engine_overlap (self, store,
                                                  (AudSegment * const *)td->segments->pdata,
                                                  td->segments->len, td->now, cancellable,
                                                  &error);

        if (overlap != NULL)
          g_task_return_pointer (task, overlap, (GDestroyNotify)aud_overlap_free);
      }
      break;

    case TASK_SAMPLE:
      {
        GArray *members = aud_engine_sample (self, store, first, td->now, td->order, td->n,
                                             td->seed, cancellable, &error);

        if (members != NULL)
          g_task_return_pointer (task, members, (GDestroyNotify)g_array_unref);
      }
      break;

    case TASK_EXPLAIN:
      {
        AudExplanation *explanation = aud_engine_explain (self, store, first, td->external_id,
                                                          td->now, cancellable, &error);

        if (explanation != NULL)
          g_task_return_pointer (task, explanation, (GDestroyNotify)aud_explanation_free);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  give_back_store (self, store);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
start_task (AudEngine           *self,
            TaskData            *td,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, td, task_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_task);
}

static TaskData *
task_data_new (TaskKind            kind,
               const char         *path,
               AudSegment * const *segments,
               guint               n_segments,
               gint64              now)
{
  TaskData *td = g_new0 (TaskData, 1);

  td->kind = kind;
  td->path = g_strdup (path);
  td->now = now;
  td->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_segment_free);
  for (guint i = 0; i < n_segments; i++)
    g_ptr_array_add (td->segments, aud_segment_copy (segments[i]));

  return td;
}

static gpointer
finish_task (AudEngine     *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
aud_engine_count_async (AudEngine           *self,
                        const char          *store_path,
                        const AudSegment    *segment,
                        gint64               now,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (AUD_IS_ENGINE (self));
  g_return_if_fail (store_path != NULL);
  g_return_if_fail (segment != NULL);

  start_task (self, task_data_new (TASK_COUNT, store_path, (AudSegment **)&segment, 1, now),
              aud_engine_count_async, cancellable, callback, user_data);
}

gboolean
aud_engine_count_finish (AudEngine     *self,
                         GAsyncResult  *result,
                         AudCount      *count,
                         GError       **error)
{
  g_autofree AudCount *value = finish_task (self, result, aud_engine_count_async, error);

  if (value == NULL)
    return FALSE;

  if (count != NULL)
    *count = *value;
  return TRUE;
}

void
aud_engine_funnel_async (AudEngine           *self,
                         const char          *store_path,
                         const AudSegment    *segment,
                         gint64               now,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (AUD_IS_ENGINE (self));
  g_return_if_fail (store_path != NULL);
  g_return_if_fail (segment != NULL);

  start_task (self, task_data_new (TASK_FUNNEL, store_path, (AudSegment **)&segment, 1, now),
              aud_engine_funnel_async, cancellable, callback, user_data);
}

GPtrArray *
aud_engine_funnel_finish (AudEngine     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_task (self, result, aud_engine_funnel_async, error);
}

void
aud_engine_overlap_async (AudEngine           *self,
                          const char          *store_path,
                          AudSegment * const  *segments,
                          guint                n_segments,
                          gint64               now,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (AUD_IS_ENGINE (self));
  g_return_if_fail (store_path != NULL);
  g_return_if_fail (segments != NULL || n_segments == 0);

  start_task (self, task_data_new (TASK_OVERLAP, store_path, segments, n_segments, now),
              aud_engine_overlap_async, cancellable, callback, user_data);
}

AudOverlap *
aud_engine_overlap_finish (AudEngine     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return finish_task (self, result, aud_engine_overlap_async, error);
}

void
aud_engine_sample_async (AudEngine           *self,
                         const char          *store_path,
                         const AudSegment    *segment,
                         gint64               now,
                         AudSampleOrder       order,
                         guint                n,
                         guint64              seed,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  TaskData *td;

  g_return_if_fail (AUD_IS_ENGINE (self));
  g_return_if_fail (store_path != NULL);
  g_return_if_fail (segment != NULL);

  td = task_data_new (TASK_SAMPLE, store_path, (AudSegment **)&segment, 1, now);
  td->order = order;
  td->n = n;
  td->seed = seed;
  start_task (self, td, aud_engine_sample_async, cancellable, callback, user_data);
}

GArray *
aud_engine_sample_finish (AudEngine     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_task (self, result, aud_engine_sample_async, error);
}

void
aud_engine_explain_async (AudEngine           *self,
                          const char          *store_path,
                          const AudSegment    *segment,
                          const char          *external_id,
                          gint64               now,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TaskData *td;

  g_return_if_fail (AUD_IS_ENGINE (self));
  g_return_if_fail (store_path != NULL);
  g_return_if_fail (segment != NULL);
  g_return_if_fail (external_id != NULL);

  td = task_data_new (TASK_EXPLAIN, store_path, (AudSegment **)&segment, 1, now);
  td->external_id = g_strdup (external_id);
  start_task (self, td, aud_engine_explain_async, cancellable, callback, user_data);
}

AudExplanation *
aud_engine_explain_finish (AudEngine     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return finish_task (self, result, aud_engine_explain_async, error);
}
