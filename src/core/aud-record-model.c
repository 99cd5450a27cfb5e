/* aud-record-model.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-record-model"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "aud-record-model.h"
#include "aud-sql-functions-private.h"
#include "aud-store.h"
#include "aud-value.h"

/* Rows read at once, and pages the cache keeps. */
#define PAGE_SIZE 256
#define MAX_PAGES 8

/* Row ids are added to a bitmap in batches this large. */
#define ID_BATCH 4096

struct _AudRecord
{
  GObject   parent_instance;

  gint64    id;
  guint     n_values;
  char    **values;      /* n_values strings, NULL for a blank */
};

G_DEFINE_FINAL_TYPE (AudRecord, aud_record, G_TYPE_OBJECT)

/* How the search text is looked for in a column. */
typedef enum
{
  SEARCH_NONE,
  SEARCH_VALUE,                 /* in the value */
  SEARCH_EVENT_NAME,            /* in the event name (events.name is an id) */
  SEARCH_CUSTOMER,              /* in the customer id of an event */
} SearchKind;

/* A column of the table. */
typedef struct
{
  char         *title;
  char         *expr;           /* its SQL expression over the table */
  AudFieldType  type;
  guint         scale;
  SearchKind    search;
  gboolean      not_null;       /* never blank */
  gboolean      unique;         /* never blank, never twice: ordered by an index */
  gboolean      time;           /* events.ts: ordered by merging the name index */
} Column;

/* What a model shows; immutable once built, so workers share it
 * (atomically reference counted). */
typedef struct
{
  AudScope   scope;
  char      *table;             /* "customers" or "events" */
  GPtrArray *columns;           /* (element-type Column) */
  char      *row_sql;           /* the columns of the row with id ?1 */
} Table;

typedef enum
{
  INDEX_RANGE,
  INDEX_BITMAP,
  INDEX_ARRAY,
} IndexKind;

/* The row ids of the rows, by position. */
typedef struct
{
  IndexKind         kind;
  guint             n;
  gboolean          descending;  /* RANGE, BITMAP: the largest id first */
  gint64            first;       /* RANGE: the smallest id; ids are dense */
  roaring_bitmap_t *bitmap;      /* BITMAP */
  GArray           *ids;         /* ARRAY: guint32 row ids in order */
} Index;

typedef struct
{
  guint      number;
  GPtrArray *records;            /* (element-type AudRecord) */
} Page;

/* A refresh: a copy of the query, handed to the worker. */
typedef struct
{
  Table            *table;
  char             *path;
  char             *search;      /* trimmed, never empty; NULL: all rows */
  roaring_bitmap_t *subset;
  gint64            customer;
  int               sort_column;
  gboolean          descending;
  guint             serial;

  /* Main thread only: the caller's cancellable, linked to the model's. */
  GCancellable     *linked;
  gulong            linked_id;
} Query;

/* What a refresh found. */
typedef struct
{
  Index     *index;
  GPtrArray *first_page;         /* (element-type AudRecord) */
} Loaded;

struct _AudRecordModel
{
  GObject           parent_instance;

  /* owned */
  AudStore         *store;       /* this thread's connection, for pages */
  Table            *table;
  sqlite3_stmt     *row_stmt;    /* table->row_sql on store */
  Index            *index;       /* NULL before the first refresh */
  GQueue            pages;       /* (element-type Page), most recent first */
  GCancellable     *refresh_cancellable;

  /* the query */
  char             *search;
  roaring_bitmap_t *subset;
  gint64            customer;
  int               sort_column;
  gboolean          descending;

  guint             serial;      /* of the latest refresh started */
  gboolean          loading;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AudRecordModel, aud_record_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* AudRecord */

static void
aud_record_finalize (GObject *object)
{
  AudRecord *self = (AudRecord *)object;

  for (guint i = 0; i < self->n_values; i++)
    g_free (self->values[i]);
  g_free (self->values);

  G_OBJECT_CLASS (aud_record_parent_class)->finalize (object);
}

static void
aud_record_class_init (AudRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_record_finalize;
}

static void
aud_record_init (AudRecord *self)
{
}

static AudRecord *
record_new (gint64 id,
            guint  n_values)
{
  AudRecord *self = g_object_new (AUD_TYPE_RECORD, NULL);

  self->id = id;
  self->n_values = n_values;
  self->values = g_new0 (char *, n_values);

  return self;
}

/**
 * aud_record_get_id:
 *
 * Returns: the row id (customers.id or events.id)
 */
gint64
aud_record_get_id (AudRecord *self)
{
  g_return_val_if_fail (AUD_IS_RECORD (self), 0);

  return self->id;
}

guint
aud_record_get_n_values (AudRecord *self)
{
  g_return_val_if_fail (AUD_IS_RECORD (self), 0);

  return self->n_values;
}

/**
 * aud_record_get_value:
 * @column: a column of the model the record came from
 *
 * Returns: (transfer none) (nullable): the value as text, or %NULL for a
 *   blank
 */
const char *
aud_record_get_value (AudRecord *self,
                      guint      column)
{
  g_return_val_if_fail (AUD_IS_RECORD (self), NULL);
  g_return_val_if_fail (column < self->n_values, NULL);

  return self->values[column];
}

/* Columns and tables */

static void
column_free (gpointer data)
{
  Column *column = data;

  g_free (column->title);
  g_free (column->expr);
  g_free (column);
}

static Column *
column_new (const char   *title,
            const char   *expr,
            AudFieldType  type,
            guint         scale)
{
  Column *column = g_new0 (Column, 1);

  column->title = g_strdup (title);
  column->expr = g_strdup (expr);
  column->type = type;
  column->scale = scale;
  if (type == AUD_FIELD_TEXT || type == AUD_FIELD_CATEGORY)
    column->search = SEARCH_VALUE;

  return column;
}

static void
table_clear (gpointer data)
{
  Table *table = data;

  g_free (table->table);
  g_clear_pointer (&table->columns, g_ptr_array_unref);
  g_free (table->row_sql);
}

static void
table_unref (Table *table)
{
  g_atomic_rc_box_release_full (table, table_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_unref)

/* The columns of @scope in @store: the fixed ones, then the catalog's.
 * Returns NULL with @error set when a field's column cannot be quoted. */
static Table *
table_new (AudStore  *store,
           AudScope   scope,
           GError   **error)
{
  g_autoptr(Table) table = g_atomic_rc_box_new0 (Table);
  g_autoptr(GPtrArray) fields = aud_store_list_fields (store, scope);
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  Column *column;

  table->scope = scope;
  table->table = g_strdup (scope == AUD_SCOPE_CUSTOMER ? "customers" : "events");
  table->columns = g_ptr_array_new_with_free_func (column_free);

  if (scope == AUD_SCOPE_CUSTOMER)
    {
      /* Translators: the title of the column of customer ids */
      column = column_new (_("Customer ID"), "external_id", AUD_FIELD_TEXT, 0);
      column->not_null = column->unique = TRUE;
      g_ptr_array_add (table->columns, column);
    }
  else
    {
      /* An event of a customer not imported keeps the id it came with. */
      /* Translators: the title of the column of the customer ids of events */
      column = column_new (_("Customer"),
                           "coalesce((SELECT external_id FROM customers "
                           "WHERE id = events.customer), customer_key)",
                           AUD_FIELD_TEXT, 0);
      column->search = SEARCH_CUSTOMER;
      g_ptr_array_add (table->columns, column);
      /* Translators: the title of the column of event names */
      column = column_new (_("Event"), "(SELECT name FROM event_names WHERE id = events.name)",
                           AUD_FIELD_CATEGORY, 0);
      column->search = SEARCH_EVENT_NAME;
      column->not_null = TRUE;
      g_ptr_array_add (table->columns, column);
      /* Translators: the title of the column of event times */
      column = column_new (_("Time"), "ts", AUD_FIELD_DATETIME, 0);
      column->not_null = column->time = TRUE;
      g_ptr_array_add (table->columns, column);
    }

  for (guint i = 0; i < fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (fields, i);
      g_autofree char *quoted = aud_sql_quote_identifier (field->column);

      if (quoted == NULL)
        {
          g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_CORRUPT,
                       _("The field “%s” has an invalid column name"), field->name);
          return NULL;
        }

      g_ptr_array_add (table->columns, column_new (field->name, quoted, field->type, field->scale));
    }

  for (guint i = 0; i < table->columns->len; i++)
    {
      column = g_ptr_array_index (table->columns, i);
      g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", column->expr);
    }
  g_string_append_printf (sql, " FROM %s WHERE id = ?1", table->table);
  table->row_sql = g_string_free (g_steal_pointer (&sql), FALSE);

  return g_steal_pointer (&table);
}

/* Index */

static void
index_free (Index *index)
{
  g_clear_pointer (&index->bitmap, roaring_bitmap_free);
  g_clear_pointer (&index->ids, g_array_unref);
  g_free (index);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Index, index_free)

static gint64
index_get_id (const Index *index,
              guint        position)
{
  uint32_t id = 0;

  g_assert (position < index->n);

  switch (index->kind)
    {
    case INDEX_RANGE:
      if (index->descending)
        return index->first + (index->n - 1 - position);
      return index->first + position;

    case INDEX_BITMAP:
      if (!roaring_bitmap_select (index->bitmap,
                                  index->descending ? index->n - 1 - position : position, &id))
        g_assert_not_reached ();
      return id;

    case INDEX_ARRAY:
      return g_array_index (index->ids, guint32, position);

    default:
      g_assert_not_reached ();
    }
}

/* Query */

static void
query_free (gpointer data)
{
  Query *query = data;

  g_assert (query->linked_id == 0);

  g_clear_pointer (&query->table, table_unref);
  g_free (query->path);
  g_free (query->search);
  g_clear_pointer (&query->subset, roaring_bitmap_free);
  g_clear_object (&query->linked);
  g_free (query);
}

static Query *
query_new (AudRecordModel *self)
{
  Query *query = g_new0 (Query, 1);

  query->table = g_atomic_rc_box_acquire (self->table);
  query->path = g_strdup (aud_store_get_path (self->store));
  query->search = g_strdup (self->search);
  query->subset = self->subset != NULL ? roaring_bitmap_copy (self->subset) : NULL;
  query->customer = self->customer;
  query->sort_column = self->sort_column;
  query->descending = self->descending;
  query->serial = self->serial;

  return query;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Query, query_free)

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->index, index_free);
  g_clear_pointer (&loaded->first_page, g_ptr_array_unref);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

/* Reading */

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p >= 0x80)
      return FALSE;

  return TRUE;
}

/* "%text%" for LIKE, with its wildcards and the escape character escaped. */
static char *
like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

/* How the search text is compared. */
typedef enum
{
  MATCH_LIKE,        /* ASCII text: LIKE ?1, ASCII case-insensitive, fast */
  MATCH_FOLD,        /* any other: instr(aud_fold(x), ?1), as the engine does */
  MATCH_FOLD_PART,   /* the same, after a LIKE ?3 on an ASCII part of it */
} MatchKind;

/* The longest part of @text of at least 3 bytes that is ASCII and not
 * followed by a non-ASCII character (a combining accent would change its
 * last letter), or NULL. A text that contains @text case-folded contains
 * that part too, ASCII case-insensitively; only characters beyond ASCII
 * whose folding is ASCII (the Kelvin sign, the long s) escape it. */
static char *
ascii_part (const char *text)
{
  const char *best = NULL;
  gsize best_length = 0;
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = p;
      gsize length;

      while (*p != '\0' && (guchar)*p < 0x80)
        p++;
      length = p - start;
      if (*p != '\0' && length > 0)
        length--;
      if (length > best_length)
        {
          best = start;
          best_length = length;
        }
      while ((guchar)*p >= 0x80)
        p++;
    }

  return best_length >= 3 ? g_strndup (best, best_length) : NULL;
}

static MatchKind
match_kind (const char *search)
{
  g_autofree char *part = NULL;

  if (is_ascii (search))
    return MATCH_LIKE;

  part = ascii_part (search);

  return part != NULL ? MATCH_FOLD_PART : MATCH_FOLD;
}

/* @expr contains the search text. Folding every value is slow, so a
 * non-ASCII search first looks for an ASCII part with LIKE. */
static void
append_match (GString    *sql,
              const char *expr,
              MatchKind   kind)
{
  switch (kind)
    {
    case MATCH_LIKE:
      g_string_append_printf (sql, "%s LIKE ?1 ESCAPE '\\'", expr);
      break;

    case MATCH_FOLD_PART:
      g_string_append_printf (sql, "(%s LIKE ?3 ESCAPE '\\' AND instr(aud_fold(%s), ?1) > 0)",
                              expr, expr);
      break;

    case MATCH_FOLD:
    default:
      g_string_append_printf (sql, "instr(aud_fold(%s), ?1) > 0", expr);
    }
}

/* Whether @query keeps only some rows of its table by a condition. */
static gboolean
has_filter (const Query *query)
{
  return query->search != NULL ||
         (query->table->scope == AUD_SCOPE_EVENT && query->customer > 0);
}

/* " WHERE …" for @query (empty for all rows); it uses ?1 for the search
 * text, ?2 for the customer and ?3 for an ASCII part of the search text,
 * bound by bind_where(). */
static void
append_where (GString     *sql,
              const Query *query)
{
  const char *sep = " WHERE ";

  if (query->table->scope == AUD_SCOPE_EVENT && query->customer > 0)
    {
      g_string_append_printf (sql, "%scustomer = ?2", sep);
      sep = " AND ";
    }

  if (query->search != NULL)
    {
      MatchKind kind = match_kind (query->search);
      gboolean first = TRUE;

      g_string_append_printf (sql, "%s(", sep);
      for (guint i = 0; i < query->table->columns->len; i++)
        {
          const Column *column = g_ptr_array_index (query->table->columns, i);

          if (column->search == SEARCH_NONE)
            continue;

          if (!first)
            g_string_append (sql, " OR ");
          first = FALSE;

          switch (column->search)
            {
            case SEARCH_VALUE:
              append_match (sql, column->expr, kind);
              break;

            case SEARCH_EVENT_NAME:
              g_string_append (sql, "name IN (SELECT id FROM event_names WHERE ");
              append_match (sql, "name", kind);
              g_string_append (sql, ")");
              break;

            case SEARCH_CUSTOMER:
              g_string_append (sql, "customer IN (SELECT id FROM customers WHERE ");
              append_match (sql, "external_id", kind);
              g_string_append (sql, ") OR ");
              append_match (sql, "customer_key", kind);
              break;

            case SEARCH_NONE:
            default:
              g_assert_not_reached ();
            }
        }
      g_string_append (sql, ")");
    }
}

static void
bind_where (sqlite3_stmt *stmt,
            const Query  *query)
{
  if (query->search != NULL)
    {
      MatchKind kind = match_kind (query->search);

      if (kind == MATCH_LIKE)
        {
          sqlite3_bind_text (stmt, 1, like_pattern (query->search), -1, g_free);
        }
      else
        {
          sqlite3_bind_text (stmt, 1, _aud_fold_text (query->search, -1), -1, g_free);
          if (kind == MATCH_FOLD_PART)
            {
              g_autofree char *part = ascii_part (query->search);

              sqlite3_bind_text (stmt, 3, like_pattern (part), -1, g_free);
            }
        }
    }

  if (query->table->scope == AUD_SCOPE_EVENT && query->customer > 0)
    sqlite3_bind_int64 (stmt, 2, query->customer);
}

/* " ORDER BY …" for a column: blanks last either way, ties by row id. */
static void
append_order (GString     *sql,
              const Query *query)
{
  const Column *column = g_ptr_array_index (query->table->columns, query->sort_column);
  const char *direction = query->descending ? "DESC" : "ASC";

  g_string_append_printf (sql, " ORDER BY %s", column->expr);
  if (column->unique)
    {
      /* Served by the column's own index. */
      g_string_append_printf (sql, " %s", direction);
      return;
    }

  if (column->type == AUD_FIELD_TEXT || column->type == AUD_FIELD_CATEGORY)
    g_string_append (sql, " COLLATE NOCASE");
  g_string_append_printf (sql, " %s%s, id %s", direction, column->not_null ? "" : " NULLS LAST",
                          direction);
}

/* Steps @stmt, whose first column is a row id, passing each id to @func.
 * Fails on a row id beyond 32 bits (bitmaps and arrays hold 32-bit ids) or
 * a failing statement. */
static gboolean
for_each_id (AudStore      *store,
             sqlite3_stmt  *stmt,
             void         (*func) (guint32 id, gpointer data),
             gpointer       data,
             GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (id < 0 || id > G_MAXUINT32)
        {
          g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                       _("The row id %lld is too large to list"), (long long)id);
          return FALSE;
        }
      func ((guint32)id, data);
    }

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  roaring_bitmap_t *bitmap;
  guint32           batch[ID_BATCH];
  guint             n;
} BitmapBuilder;

static void
bitmap_builder_flush (BitmapBuilder *builder)
{
  roaring_bitmap_add_many (builder->bitmap, builder->n, builder->batch);
  builder->n = 0;
}

static void
add_to_bitmap (guint32  id,
               gpointer data)
{
  BitmapBuilder *builder = data;

  builder->batch[builder->n++] = id;
  if (builder->n == ID_BATCH)
    bitmap_builder_flush (builder);
}

typedef struct
{
  GArray                 *ids;
  const roaring_bitmap_t *subset;
} ArrayBuilder;

static void
add_to_array (guint32  id,
              gpointer data)
{
  ArrayBuilder *builder = data;

  if (builder->subset == NULL || roaring_bitmap_contains (builder->subset, id))
    g_array_append_val (builder->ids, id);
}

/* One event name's events in time order (the events_by_name_time index),
 * read a run of equal times at a time with the run sorted by row id. */
typedef struct
{
  sqlite3_stmt *stmt;
  gboolean      descending;
  GArray       *run;            /* guint32 row ids of one time, in order */
  guint         next;           /* the current one in run */
  gint64        ts;             /* the time of run */
  gboolean      ahead;          /* a row of the next run was read */
  gint64        ahead_ts;
  guint32       ahead_id;
} TimeStream;

static void
time_stream_clear (TimeStream *stream)
{
  g_clear_pointer (&stream->stmt, sqlite3_finalize);
  g_clear_pointer (&stream->run, g_array_unref);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *)a;
  guint32 y = *(const guint32 *)b;

  return x < y ? -1 : x > y;
}

/* Reads one row into the look-ahead; FALSE at the end or on an error
 * (then @error is set). */
static gboolean
time_stream_read (AudStore    *store,
                  TimeStream  *stream,
                  GError     **error)
{
  gint64 id;
  int rc = sqlite3_step (stream->stmt);

  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        aud_store_set_error (store, rc, error);
      return FALSE;
    }

  id = sqlite3_column_int64 (stream->stmt, 0);
  if (id < 0 || id > G_MAXUINT32)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                   _("The row id %lld is too large to list"), (long long)id);
      return FALSE;
    }

  stream->ahead = TRUE;
  stream->ahead_ts = sqlite3_column_int64 (stream->stmt, 1);
  stream->ahead_id = (guint32)id;

  return TRUE;
}

/* Moves to the next run; it is empty at the end of the stream. Returns
 * FALSE with @error set on an error. */
static gboolean
time_stream_next_run (AudStore    *store,
                      TimeStream  *stream,
                      GError     **error)
{
  g_array_set_size (stream->run, 0);
  stream->next = 0;

  if (!stream->ahead)
    return TRUE;

  stream->ts = stream->ahead_ts;
  do
    {
      g_array_append_val (stream->run, stream->ahead_id);
      stream->ahead = FALSE;
      if (!time_stream_read (store, stream, error) && error != NULL && *error != NULL)
        return FALSE;
    }
  while (stream->ahead && stream->ahead_ts == stream->ts);

  g_array_sort (stream->run, compare_ids);
  if (stream->descending)
    for (guint i = 0, j = stream->run->len - 1; i < j; i++, j--)
      {
        guint32 tmp = g_array_index (stream->run, guint32, i);

        g_array_index (stream->run, guint32, i) = g_array_index (stream->run, guint32, j);
        g_array_index (stream->run, guint32, j) = tmp;
      }

  return TRUE;
}

/* Whether stream @a's current event comes before @b's. */
static gboolean
time_stream_before (const TimeStream *a,
                    const TimeStream *b)
{
  guint32 a_id = g_array_index (a->run, guint32, a->next);
  guint32 b_id = g_array_index (b->run, guint32, b->next);

  if (a->descending)
    return a->ts > b->ts || (a->ts == b->ts && a_id > b_id);

  return a->ts < b->ts || (a->ts == b->ts && a_id < b_id);
}

/* Sifts heap[i] down a binary heap of streams ordered by time_stream_before. */
static void
sift_down (TimeStream **heap,
           guint        n,
           guint        i)
{
  for (;;)
    {
      guint first = i;
      guint left = 2 * i + 1;
      guint right = left + 1;
      TimeStream *tmp;

      if (left < n && time_stream_before (heap[left], heap[first]))
        first = left;
      if (right < n && time_stream_before (heap[right], heap[first]))
        first = right;
      if (first == i)
        return;

      tmp = heap[i];
      heap[i] = heap[first];
      heap[first] = tmp;
      i = first;
    }
}

/* All events by time, ties by row id: sorting millions of rows is slow, but
 * the events_by_name_time index holds each name's events in time order, so
 * merging one stream per name costs a read of the index. */
static GArray *
list_events_by_time (AudStore     *store,
                     gboolean      descending,
                     GError      **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) names = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree TimeStream *streams = NULL;
  g_autofree TimeStream **heap = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) local_error = NULL;
  guint n_streams = 0;
  guint n = 0;
  int rc;

  if ((stmt = aud_store_prepare (store, "SELECT id FROM event_names", error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 name = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (names, name);
    }
  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return NULL;
    }

  streams = g_new0 (TimeStream, names->len);
  heap = g_new0 (TimeStream *, names->len);
  sql = g_strdup_printf ("SELECT id, ts FROM events WHERE name = ?1 ORDER BY ts %s",
                         descending ? "DESC" : "ASC");

  while (n_streams < names->len)
    {
      TimeStream *stream = &streams[n_streams];

      stream->descending = descending;
      stream->run = g_array_new (FALSE, FALSE, sizeof (guint32));
      if ((stream->stmt = aud_store_prepare (store, sql, &local_error)) == NULL)
        break;
      sqlite3_bind_int64 (stream->stmt, 1, g_array_index (names, gint64, n_streams));
      n_streams++;
      if ((!time_stream_read (store, stream, &local_error) && local_error != NULL) ||
          !time_stream_next_run (store, stream, &local_error))
        break;
      if (stream->run->len > 0)
        heap[n++] = stream;
    }

  for (guint i = n / 2; local_error == NULL && i-- > 0;)
    sift_down (heap, n, i);

  while (local_error == NULL && n > 0)
    {
      TimeStream *first = heap[0];

      g_array_append_val (ids, g_array_index (first->run, guint32, first->next));
      if (++first->next == first->run->len &&
          time_stream_next_run (store, first, &local_error) && first->run->len == 0)
        heap[0] = heap[--n];
      sift_down (heap, n, 0);
    }

  for (guint i = 0; i < names->len; i++)
    time_stream_clear (&streams[i]);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/* The row ids of @query's rows in order, read with @store. A table sorted
 * by row id becomes a range (all rows, dense ids) or a bitmap; one sorted by
 * a column an array. */
static Index *
build_index (AudStore     *store,
             const Query  *query,
             GError      **error)
{
  g_autoptr(Index) index = g_new0 (Index, 1);
  g_autoptr(GString) sql = g_string_new ("SELECT id FROM ");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *table = query->table->table;

  g_string_append (sql, table);
  append_where (sql, query);
  index->descending = query->descending;

  if (query->sort_column == AUD_RECORD_MODEL_SORT_BY_ID)
    {
      g_autofree BitmapBuilder *builder = NULL;

      if (query->subset == NULL && !has_filter (query))
        {
          g_autofree char *count_sql = g_strdup_printf ("SELECT count(*), min(id), max(id) "
                                                        "FROM %s", table);
          gint64 n, min, max;
          int rc;

          if ((stmt = aud_store_prepare (store, count_sql, error)) == NULL)
            return NULL;
          if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
            {
              aud_store_set_error (store, rc, error);
              return NULL;
            }
          n = sqlite3_column_int64 (stmt, 0);
          min = sqlite3_column_int64 (stmt, 1);
          max = sqlite3_column_int64 (stmt, 2);
          g_clear_pointer (&stmt, sqlite3_finalize);

          if (n == 0 || (max - min + 1 == n && n <= G_MAXUINT))
            {
              index->kind = INDEX_RANGE;
              index->first = min;
              index->n = n;
              return g_steal_pointer (&index);
            }
        }

      stmt = aud_store_prepare (store, sql->str, error);
      if (stmt == NULL)
        return NULL;
      bind_where (stmt, query);

      builder = g_new0 (BitmapBuilder, 1);
      builder->bitmap = roaring_bitmap_create ();
      index->kind = INDEX_BITMAP;
      index->bitmap = builder->bitmap;
      if (!for_each_id (store, stmt, add_to_bitmap, builder, error))
        return NULL;
      bitmap_builder_flush (builder);

      if (query->subset != NULL)
        roaring_bitmap_and_inplace (index->bitmap, query->subset);
      roaring_bitmap_run_optimize (index->bitmap);
      index->n = roaring_bitmap_get_cardinality (index->bitmap);
    }
  else if (query->table->scope == AUD_SCOPE_EVENT && !has_filter (query) &&
           ((const Column *)g_ptr_array_index (query->table->columns, query->sort_column))->time)
    {
      index->kind = INDEX_ARRAY;
      if ((index->ids = list_events_by_time (store, query->descending, error)) == NULL)
        return NULL;
      index->n = index->ids->len;
    }
  else
    {
      ArrayBuilder builder = { NULL, query->subset };

      append_order (sql, query);
      stmt = aud_store_prepare (store, sql->str, error);
      if (stmt == NULL)
        return NULL;
      bind_where (stmt, query);

      index->kind = INDEX_ARRAY;
      index->ids = builder.ids = g_array_new (FALSE, FALSE, sizeof (guint32));
      if (!for_each_id (store, stmt, add_to_array, &builder, error))
        return NULL;
      index->n = index->ids->len;
    }

  return g_steal_pointer (&index);
}

/* The text of column @i of @stmt's row, or NULL for a blank. A value whose
 * storage does not match the column's type shows as the text it holds. */
static char *
format_cell (sqlite3_stmt *stmt,
             int           i,
             const Column *column,
             GTimeZone    *tz)
{
  int storage = sqlite3_column_type (stmt, i);
  gint64 value;

  if (storage == SQLITE_NULL)
    return NULL;

  if (storage != SQLITE_INTEGER)
    return g_strdup ((const char *)sqlite3_column_text (stmt, i));

  value = sqlite3_column_int64 (stmt, i);
  switch (column->type)
    {
    case AUD_FIELD_DECIMAL:
      return aud_value_format_decimal (value, column->scale);

    case AUD_FIELD_BOOLEAN:
      return g_strdup (value != 0 ? _("Yes") : _("No"));

    case AUD_FIELD_DATETIME:
      {
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (value);
        g_autoptr(GDateTime) local = NULL;

        if (utc == NULL || (local = g_date_time_to_timezone (utc, tz)) == NULL)
          return g_strdup_printf ("%" G_GINT64_FORMAT, value);

        return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
      }

    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DATE:
    default:
      return g_strdup_printf ("%" G_GINT64_FORMAT, value);
    }
}

/* The records of page @number of @index, read with @stmt (the table's
 * row_sql on @store). A row gone since the index was made reads as blanks.
 * Returns NULL with @error set when the statement fails. */
static GPtrArray *
load_page (AudStore      *store,
           sqlite3_stmt  *stmt,
           const Table   *table,
           const Index   *index,
           guint          number,
           GError       **error)
{
  GTimeZone *tz = aud_store_get_timezone (store);
  guint start = number * PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, index->n);
  g_autoptr(GPtrArray) records = g_ptr_array_new_full (end - start, g_object_unref);

  for (guint position = start; position < end; position++)
    {
      AudRecord *record = record_new (index_get_id (index, position), table->columns->len);
      int rc;

      g_ptr_array_add (records, record);

      sqlite3_bind_int64 (stmt, 1, record->id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          for (guint i = 0; i < table->columns->len; i++)
            record->values[i] = format_cell (stmt, i, g_ptr_array_index (table->columns, i), tz);
        }
      else if (rc != SQLITE_DONE)
        {
          aud_store_set_error (store, rc, error);
          sqlite3_reset (stmt);
          return NULL;
        }
      sqlite3_reset (stmt);
    }

  return g_steal_pointer (&records);
}

/* A refresh with @store: the index and its first page. */
static Loaded *
load (AudStore     *store,
      const Query  *query,
      GError      **error)
{
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  loaded->index = build_index (store, query, error);
  if (loaded->index == NULL)
    return NULL;

  if ((stmt = aud_store_prepare (store, query->table->row_sql, error)) == NULL ||
      (loaded->first_page = load_page (store, stmt, query->table, loaded->index, 0, error)) == NULL)
    return NULL;

  return g_steal_pointer (&loaded);
}

/* Runs in a worker, on its own connection. */
static void
refresh_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Query *query = task_data;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  Loaded *loaded;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      (store = aud_store_open (query->path, AUD_STORE_OPEN_DEFAULT, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  aud_store_watch_cancellable (store, cancellable);
  loaded = load (store, query, &error);
  aud_store_watch_cancellable (store, NULL);

  g_debug ("Refreshed %s in %" G_GINT64_FORMAT " ms: %u rows", query->table->table,
           (g_get_monotonic_time () - start) / 1000, loaded != NULL ? loaded->index->n : 0);

  if (loaded == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, loaded, (GDestroyNotify)loaded_free);
}

/* The model */

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->records);
  g_free (page);
}

static void
clear_pages (AudRecordModel *self)
{
  Page *page;

  while ((page = g_queue_pop_head (&self->pages)) != NULL)
    page_free (page);
}

static void
add_page (AudRecordModel *self,
          guint           number,
          GPtrArray      *records)
{
  Page *page = g_new0 (Page, 1);

  page->number = number;
  page->records = records;
  g_queue_push_head (&self->pages, page);

  while (self->pages.length > MAX_PAGES)
    page_free (g_queue_pop_tail (&self->pages));
}

static void
set_loading (AudRecordModel *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Shows what a refresh found: one items-changed for everything. */
static void
apply (AudRecordModel *self,
       Loaded         *loaded)
{
  guint old_n = self->index != NULL ? self->index->n : 0;
  guint new_n = loaded->index->n;

  clear_pages (self);
  g_clear_pointer (&self->index, index_free);
  self->index = g_steal_pointer (&loaded->index);
  add_page (self, 0, g_steal_pointer (&loaded->first_page));

  if (old_n > 0 || new_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, new_n);
  if (old_n != new_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Stops the refresh under way, if any: its result is never shown. */
static void
cancel_refresh (AudRecordModel *self)
{
  self->serial++;
  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
}

static void
cancel_linked_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
refresh_worker_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AudRecordModel *self = AUD_RECORD_MODEL (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Loaded) loaded = NULL;
  Query *query = g_task_get_task_data (G_TASK (result));

  g_assert (G_IS_TASK (task));

  if (query->linked_id != 0)
    {
      g_cancellable_disconnect (query->linked, query->linked_id);
      query->linked_id = 0;
    }

  loaded = g_task_propagate_pointer (G_TASK (result), &error);

  if (query->serial != self->serial)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The operation was cancelled"));
      return;
    }

  g_clear_object (&self->refresh_cancellable);

  /* The rows first, so that whoever watches loading sees them. */
  if (loaded != NULL)
    apply (self, loaded);
  set_loading (self, FALSE);

  if (loaded == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static GType
aud_record_model_get_item_type (GListModel *model)
{
  return AUD_TYPE_RECORD;
}

static guint
aud_record_model_get_n_items (GListModel *model)
{
  AudRecordModel *self = AUD_RECORD_MODEL (model);

  return self->index != NULL ? self->index->n : 0;
}

static gpointer
aud_record_model_get_item (GListModel *model,
                           guint       position)
{
  AudRecordModel *self = AUD_RECORD_MODEL (model);
  g_autoptr(GError) error = NULL;
  GPtrArray *records;
  guint number;

  if (self->index == NULL || position >= self->index->n)
    return NULL;

  number = position / PAGE_SIZE;
  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      if (page->number == number)
        {
          g_queue_unlink (&self->pages, l);
          g_queue_push_head_link (&self->pages, l);
          return g_object_ref (g_ptr_array_index (page->records, position % PAGE_SIZE));
        }
    }

  /* Reading a page is a few hundred lookups by row id: fast enough to do
   * here, whatever the size or order of the table. */
  records = load_page (self->store, self->row_stmt, self->table, self->index, number, &error);
  if (records == NULL)
    {
      /* The view needs an item at every position: show the row blank. */
      g_warning ("Could not read rows of %s: %s", aud_store_get_path (self->store),
                 error->message);
      return record_new (index_get_id (self->index, position), self->table->columns->len);
    }

  add_page (self, number, records);

  return g_object_ref (g_ptr_array_index (records, position % PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = aud_record_model_get_item_type;
  iface->get_n_items = aud_record_model_get_n_items;
  iface->get_item = aud_record_model_get_item;
}

static void
aud_record_model_dispose (GObject *object)
{
  AudRecordModel *self = (AudRecordModel *)object;

  cancel_refresh (self);
  clear_pages (self);

  G_OBJECT_CLASS (aud_record_model_parent_class)->dispose (object);
}

static void
aud_record_model_finalize (GObject *object)
{
  AudRecordModel *self = (AudRecordModel *)object;

  g_clear_pointer (&self->row_stmt, sqlite3_finalize);
  g_clear_object (&self->store);
  g_clear_pointer (&self->table, table_unref);
  g_clear_pointer (&self->index, index_free);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->subset, roaring_bitmap_free);

  G_OBJECT_CLASS (aud_record_model_parent_class)->finalize (object);
}

static void
aud_record_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AudRecordModel *self = AUD_RECORD_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self)));
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_record_model_class_init (AudRecordModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aud_record_model_dispose;
  object_class->finalize = aud_record_model_finalize;
  object_class->get_property = aud_record_model_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aud_record_model_init (AudRecordModel *self)
{
  g_queue_init (&self->pages);
  self->sort_column = AUD_RECORD_MODEL_SORT_BY_ID;
}

/**
 * aud_record_model_new:
 * @path: the workspace file
 * @scope: customers or events
 * @error: return location for an error
 *
 * Opens a connection to @path for the model and reads the field catalog:
 * the columns are fixed from then on (make a new model after an import
 * that added fields). The model is empty until the first refresh.
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
AudRecordModel *
aud_record_model_new (const char  *path,
                      AudScope     scope,
                      GError     **error)
{
  g_autoptr(AudRecordModel) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (scope == AUD_SCOPE_CUSTOMER || scope == AUD_SCOPE_EVENT, NULL);

  self = g_object_new (AUD_TYPE_RECORD_MODEL, NULL);

  if ((self->store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, error)) == NULL ||
      (self->table = table_new (self->store, scope, error)) == NULL ||
      (self->row_stmt = aud_store_prepare (self->store, self->table->row_sql, error)) == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

AudScope
aud_record_model_get_scope (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), AUD_SCOPE_CUSTOMER);

  return self->table->scope;
}

const char *
aud_record_model_get_path (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), NULL);

  return aud_store_get_path (self->store);
}

guint
aud_record_model_get_n_columns (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), 0);

  return self->table->columns->len;
}

/**
 * aud_record_model_get_column_title:
 *
 * Returns: (transfer none): the field name, or the translated title of a
 *   fixed column ("Customer ID", "Event", "Time")
 */
const char *
aud_record_model_get_column_title (AudRecordModel *self,
                                   guint           column)
{
  const Column *c;

  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), NULL);
  g_return_val_if_fail (column < self->table->columns->len, NULL);

  c = g_ptr_array_index (self->table->columns, column);

  return c->title;
}

AudFieldType
aud_record_model_get_column_type (AudRecordModel *self,
                                  guint           column)
{
  const Column *c;

  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), AUD_FIELD_TEXT);
  g_return_val_if_fail (column < self->table->columns->len, AUD_FIELD_TEXT);

  c = g_ptr_array_index (self->table->columns, column);

  return c->type;
}

/**
 * aud_record_model_set_sort:
 * @column: a column, or %AUD_RECORD_MODEL_SORT_BY_ID for import order
 * @descending: largest first
 *
 * Orders the rows by @column, blanks last either way and ties by row id,
 * from the next refresh on. Text is compared case-insensitively (ASCII).
 */
void
aud_record_model_set_sort (AudRecordModel *self,
                           int             column,
                           gboolean        descending)
{
  g_return_if_fail (AUD_IS_RECORD_MODEL (self));
  g_return_if_fail (column == AUD_RECORD_MODEL_SORT_BY_ID ||
                    (column >= 0 && (guint)column < self->table->columns->len));

  self->sort_column = column;
  self->descending = !!descending;
}

int
aud_record_model_get_sort_column (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), AUD_RECORD_MODEL_SORT_BY_ID);

  return self->sort_column;
}

gboolean
aud_record_model_get_sort_descending (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), FALSE);

  return self->descending;
}

/**
 * aud_record_model_set_search_text:
 * @text: (nullable): the text to look for; %NULL or blank for all rows
 *
 * Keeps only the rows whose customer id, event name or text fields contain
 * @text (trimmed, case-insensitive), from the next refresh on.
 */
void
aud_record_model_set_search_text (AudRecordModel *self,
                                  const char     *text)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (AUD_IS_RECORD_MODEL (self));
  g_return_if_fail (text == NULL || g_utf8_validate (text, -1, NULL));

  if (text != NULL)
    trimmed = g_strstrip (g_strdup (text));
  if (trimmed != NULL && trimmed[0] == '\0')
    g_clear_pointer (&trimmed, g_free);

  g_free (self->search);
  self->search = g_steal_pointer (&trimmed);
}

/**
 * aud_record_model_get_search_text:
 *
 * Returns: (transfer none) (nullable): the search text, trimmed; %NULL when
 *   there is none
 */
const char *
aud_record_model_get_search_text (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), NULL);

  return self->search;
}

/**
 * aud_record_model_set_subset:
 * @members: (nullable): customer row ids (copied); %NULL for all customers
 *
 * Keeps only these customers, from the next refresh on. Customers only.
 */
void
aud_record_model_set_subset (AudRecordModel         *self,
                             const roaring_bitmap_t *members)
{
  g_return_if_fail (AUD_IS_RECORD_MODEL (self));
  g_return_if_fail (self->table->scope == AUD_SCOPE_CUSTOMER);

  g_clear_pointer (&self->subset, roaring_bitmap_free);
  if (members != NULL)
    self->subset = roaring_bitmap_copy (members);
}

/**
 * aud_record_model_set_customer:
 * @customer: a customer row id, or 0 for the events of all customers
 *
 * Keeps only the events of @customer, from the next refresh on. Events
 * only.
 */
void
aud_record_model_set_customer (AudRecordModel *self,
                               gint64          customer)
{
  g_return_if_fail (AUD_IS_RECORD_MODEL (self));
  g_return_if_fail (self->table->scope == AUD_SCOPE_EVENT);
  g_return_if_fail (customer >= 0);

  self->customer = customer;
}

gint64
aud_record_model_get_customer (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), 0);

  return self->customer;
}

/**
 * aud_record_model_get_loading:
 *
 * Returns: whether an asynchronous refresh is under way
 */
gboolean
aud_record_model_get_loading (AudRecordModel *self)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), FALSE);

  return self->loading;
}

/**
 * aud_record_model_refresh:
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Applies the query now, on the model's thread (tests, the command line):
 * the synchronous form of aud_record_model_refresh_async(). A refresh under
 * way is cancelled. On failure the model keeps its rows.
 *
 * Returns: %TRUE on success
 */
gboolean
aud_record_model_refresh (AudRecordModel  *self,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(Query) query = NULL;
  g_autoptr(Loaded) loaded = NULL;

  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  cancel_refresh (self);
  set_loading (self, FALSE);

  query = query_new (self);
  aud_store_watch_cancellable (self->store, cancellable);
  loaded = load (self->store, query, error);
  aud_store_watch_cancellable (self->store, NULL);

  if (loaded == NULL)
    return FALSE;

  apply (self, loaded);

  return TRUE;
}

/**
 * aud_record_model_refresh_async:
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on this thread when the refresh is over
 * @user_data: data for @callback
 *
 * Applies the query in a worker with its own connection: counts and lists
 * the rows and reads the first page, then emits one items-changed. A
 * refresh still under way is cancelled (it finishes with
 * %G_IO_ERROR_CANCELLED and never changes the rows). #AudRecordModel:loading
 * is %TRUE meanwhile.
 */
void
aud_record_model_refresh_async (AudRecordModel      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  Query *query;

  g_return_if_fail (AUD_IS_RECORD_MODEL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aud_record_model_refresh_async);

  cancel_refresh (self);
  self->refresh_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);

  query = query_new (self);
  if (cancellable != NULL)
    {
      query->linked = g_object_ref (cancellable);
      query->linked_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_linked_cb),
                                                g_object_ref (self->refresh_cancellable),
                                                g_object_unref);
    }

  worker = g_task_new (self, self->refresh_cancellable, refresh_worker_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, refresh_worker);
  g_task_set_task_data (worker, query, query_free);
  g_task_run_in_thread (worker, refresh_worker);
}

gboolean
aud_record_model_refresh_finish (AudRecordModel  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (AUD_IS_RECORD_MODEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
