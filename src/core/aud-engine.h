/* aud-engine.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <roaring/roaring.h>

#include "aud-segment.h"
#include "aud-store.h"

G_BEGIN_DECLS

/*
 * The segment engine: evaluates segment definitions (SEGMENT-FORMAT.md) over
 * a workspace as of a reference time `now`, and derives counts, funnels,
 * overlaps, samples and per-customer explanations.
 *
 * How: every leaf criterion is compiled (aud-compiler.h) to one SQL query
 * whose rows become a CRoaring bitmap of customer row ids; groups are bitmap
 * algebra (all = intersection, and an empty all is everyone; any = union,
 * and an empty any is no one; not = all customers minus the child).
 * Disabled nodes are skipped as if absent (a `not` whose child is disabled
 * is absent too; a definition with nothing left matches everyone).
 *
 * Leaf bitmaps are cached in the engine, keyed by the workspace path, its
 * data version, a digest of the field catalog and the compiled leaf (its
 * SQL and every bound value, which capture the criterion, `now` — for
 * criteria that use it — and the time zone). So after one criterion is
 * edited only that leaf runs again; funnels and overlaps are intersections
 * of cached bitmaps. Two more things make the edited leaf itself cheap, and
 * are cached the same way:
 *  - event criteria keep per-customer figures of their query (counts; sums,
 *    minimums and maximums; first and last times): editing a count, an
 *    aggregate's function or value, or a first/last window runs no SQL;
 *  - a customer field with few distinct values (at most 16,384, and one per
 *    eight customers) keeps those values with the customers of each:
 *    criteria on it are tested on the values, not on every customer.
 * Event queries that read property columns of a large part of the events
 * table scan it in order rather than follow its index row by row. The cache
 * is bounded (least recently used entries are dropped beyond a byte limit,
 * 256 MiB by default). A cancelled leaf is never cached.
 *
 * Reference time: every call takes `now` (UTC seconds) explicitly; `today`
 * is the date of `now` in the workspace time zone
 * (aud_store_get_timezone()). aud_engine_get_default_now() gives the
 * workspace's stored reference time or the current time.
 *
 * Segments: calls take a parsed definition (aud_segment_parse() and
 * friends) and resolve a private copy against the store they run on, so the
 * caller's definition is never modified. Resolution errors (unknown names,
 * missing saved segments, cycles of references — AUD_SEGMENT_ERROR) are
 * returned as they are.
 *
 * Threading: an AudEngine may be shared by any number of threads; its cache
 * is locked internally. An AudStore is one connection: the synchronous
 * functions use the store they are given, on the calling thread (the CLI,
 * tests, or a worker that opened its own). The `_async` variants run in a
 * GTask worker thread on a connection of their own, opened from the
 * workspace path (and kept for reuse); call them and their `_finish` from
 * the thread whose main context should receive the callback.
 *
 * Cancellation: a cancelled call returns promptly (the statement running is
 * interrupted through aud_store_watch_cancellable(), which the synchronous
 * calls set on the given store for their duration and reset to %NULL
 * afterwards) with G_IO_ERROR_CANCELLED, and the cache stays valid.
 *
 * Errors: AUD_SEGMENT_ERROR from resolution, AUD_COMPILER_ERROR for values
 * that cannot be used (with the JSON path), AUD_STORE_ERROR from SQLite,
 * AUD_ENGINE_ERROR below, G_IO_ERROR_CANCELLED.
 */

#define AUD_ENGINE_ERROR (aud_engine_error_quark ())

typedef enum
{
  AUD_ENGINE_ERROR_NOT_FOUND, /* no customer with that id, no saved segment of that name */
  AUD_ENGINE_ERROR_INVALID,   /* a wrong argument (e.g. fewer than two segments to combine) */
  AUD_ENGINE_ERROR_TOO_DEEP,  /* segment references nested more than 64 deep */
  AUD_ENGINE_ERROR_TOO_LARGE, /* a customer row id beyond 32 bits, a sum beyond 128 bits */
} AudEngineError;

/**
 * AudCount:
 * @count: members of the segment
 * @total: all customers of the workspace
 * @share: @count / @total (0 when there are no customers)
 */
typedef struct
{
  gint64 count;
  gint64 total;
  double share;
} AudCount;

/**
 * AudFunnelStep:
 * @path: the JSON path of the layer ("match.all[2]")
 * @label: a description of the layer (`purchase events in the last 30
 *   days ≥ 1`), translated
 * @count: customers matching this layer alone
 * @remaining: customers matching this layer and every layer before it
 */
typedef struct
{
  char   *path;
  char   *label;
  gint64  count;
  gint64  remaining;
} AudFunnelStep;

/**
 * AudOverlap:
 * @n: the number of segments
 * @total: all customers
 * @sizes: (array length=n): the members of each segment
 * @matrix: (array): n × n; `matrix[i * n + j]` = |S_i ∩ S_j| (the diagonal
 *   holds @sizes)
 * @union_count: |S_0 ∪ … ∪ S_n-1|
 * @has_regions: whether @regions is filled (n ≤ 3)
 * @regions: the Venn regions, indexed by a bit mask of segments (bit i =
 *   S_i): `regions[mask]` = customers in exactly the segments of @mask and
 *   in no other. For 2 segments: [1] A only, [2] B only, [3] A ∩ B; for 3:
 *   [1] A only, [2] B only, [4] C only, [3] A ∩ B only, [5] A ∩ C only,
 *   [6] B ∩ C only, [7] A ∩ B ∩ C. `regions[0]` = customers in none.
 */
typedef struct
{
  guint     n;
  gint64    total;
  gint64   *sizes;
  gint64   *matrix;
  gint64    union_count;
  gboolean  has_regions;
  gint64    regions[8];
} AudOverlap;

/**
 * AudSetOperation:
 * @AUD_SET_UNION: members of any of the segments
 * @AUD_SET_INTERSECTION: members of all of the segments
 * @AUD_SET_DIFFERENCE: members of the first segment and of none of the
 *   others
 */
typedef enum
{
  AUD_SET_UNION,
  AUD_SET_INTERSECTION,
  AUD_SET_DIFFERENCE,
} AudSetOperation;

/**
 * AudSampleOrder:
 * @AUD_SAMPLE_BY_ROW_ID: the first N members by row id (import order)
 * @AUD_SAMPLE_BY_EXTERNAL_ID: the first N members by customer id as
 *   imported (byte order of the text)
 * @AUD_SAMPLE_RANDOM: N members drawn at random with a seed: the same seed,
 *   data and members give the same sample; returned in row id order
 */
typedef enum
{
  AUD_SAMPLE_BY_ROW_ID,
  AUD_SAMPLE_BY_EXTERNAL_ID,
  AUD_SAMPLE_RANDOM,
} AudSampleOrder;

/**
 * AudMember:
 * @row_id: the customer's row id (customers.id)
 * @external_id: the customer's id as imported
 */
typedef struct
{
  gint64  row_id;
  char   *external_id;
} AudMember;

typedef struct _AudExplanation AudExplanation;

/**
 * AudExplanation:
 * @path: the JSON path of the node
 * @text: one translated sentence: for a criterion what it asks and what the
 *   customer has (`country is "DE": yes`, `purchase events in the last 30
 *   days: 0, needs ≥ 1`); for a group its kind and how many parts passed
 * @passed: whether the customer satisfies the node
 * @skipped: the node is disabled (it does not count; @passed is %FALSE)
 * @children: (element-type AudExplanation) (nullable): the parts of a
 *   group; for a segment reference, the explanation of its definition
 */
struct _AudExplanation
{
  char      *path;
  char      *text;
  gboolean   passed;
  gboolean   skipped;
  GPtrArray *children;
};

#define AUD_TYPE_ENGINE (aud_engine_get_type ())

G_DECLARE_FINAL_TYPE (AudEngine, aud_engine, AUD, ENGINE, GObject)

GQuark            aud_engine_error_quark      (void);

/* An engine with an empty cache limited to 256 MiB. */
AudEngine        *aud_engine_new              (void);

/* Cache control. set_cache_limit evicts at once beyond @bytes. */
void              aud_engine_set_cache_limit  (AudEngine          *self,
                                               gsize               bytes);
gsize             aud_engine_get_cache_limit  (AudEngine          *self);
gsize             aud_engine_get_cache_size   (AudEngine          *self);
void              aud_engine_clear_cache      (AudEngine          *self);
/* How many leaf criteria this engine has run in SQL (cache misses) since it
 * was created: for tests and benchmarks. */
guint             aud_engine_get_leaf_runs    (AudEngine          *self);

/* For imports: saves the customer columns' value lists in the workspace. */
gboolean          aud_engine_update_value_lists (AudStore       *store,
                                                 gboolean        customers_changed,
                                                 GCancellable   *cancellable,
                                                 GError        **error);

/* The workspace's stored reference time (meta "now"), or else the current
 * time, in UTC seconds. */
gint64            aud_engine_get_default_now  (AudStore           *store);

/* The members of @segment as of @now: (transfer full) a bitmap of customer
 * row ids (free with roaring_bitmap_free()), or %NULL with @error set. */
roaring_bitmap_t *aud_engine_evaluate         (AudEngine          *self,
                                               AudStore           *store,
                                               const AudSegment   *segment,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GError            **error);

/* The count, total and share of @segment. Returns FALSE with @error set on
 * failure (then @result is untouched). */
gboolean          aud_engine_count            (AudEngine          *self,
                                               AudStore           *store,
                                               const AudSegment   *segment,
                                               gint64              now,
                                               AudCount           *result,
                                               GCancellable       *cancellable,
                                               GError            **error);
void              aud_engine_count_async      (AudEngine          *self,
                                               const char         *store_path,
                                               const AudSegment   *segment,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean          aud_engine_count_finish     (AudEngine          *self,
                                               GAsyncResult       *result,
                                               AudCount           *count,
                                               GError            **error);

/* The funnel of @segment: when its match is an `all`, one step per enabled
 * child in order (a definition whose match is anything else is a funnel of
 * one step, and one with nothing enabled a funnel of none). Returns:
 * (transfer full) (element-type AudFunnelStep): the steps (the array frees
 * them), or %NULL with @error set. */
GPtrArray        *aud_engine_funnel           (AudEngine          *self,
                                               AudStore           *store,
                                               const AudSegment   *segment,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GError            **error);
void              aud_engine_funnel_async     (AudEngine          *self,
                                               const char         *store_path,
                                               const AudSegment   *segment,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
GPtrArray        *aud_engine_funnel_finish    (AudEngine          *self,
                                               GAsyncResult       *result,
                                               GError            **error);

/* Overlaps of @n_segments ≥ 1 segments: sizes, every pairwise intersection,
 * and the Venn regions for up to 3. Returns: (transfer full): free with
 * aud_overlap_free(), or %NULL with @error set. */
AudOverlap       *aud_engine_overlap          (AudEngine          *self,
                                               AudStore           *store,
                                               AudSegment * const *segments,
                                               guint               n_segments,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GError            **error);
void              aud_engine_overlap_async    (AudEngine          *self,
                                               const char         *store_path,
                                               AudSegment * const *segments,
                                               guint               n_segments,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
AudOverlap       *aud_engine_overlap_finish   (AudEngine          *self,
                                               GAsyncResult       *result,
                                               GError            **error);
void              aud_overlap_free            (AudOverlap         *overlap);

/* Up to @n members of @segment in @order (@seed only matters for
 * AUD_SAMPLE_RANDOM). Returns: (transfer full) (element-type AudMember):
 * the members (the array frees their external ids), or %NULL with @error
 * set. */
GArray           *aud_engine_sample           (AudEngine          *self,
                                               AudStore           *store,
                                               const AudSegment   *segment,
                                               gint64              now,
                                               AudSampleOrder      order,
                                               guint               n,
                                               guint64             seed,
                                               GCancellable       *cancellable,
                                               GError            **error);
void              aud_engine_sample_async     (AudEngine          *self,
                                               const char         *store_path,
                                               const AudSegment   *segment,
                                               gint64              now,
                                               AudSampleOrder      order,
                                               guint               n,
                                               guint64             seed,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
GArray           *aud_engine_sample_finish    (AudEngine          *self,
                                               GAsyncResult       *result,
                                               GError            **error);

/* Why the customer with id @external_id (as imported) is or is not a
 * member: the tree of @segment with each node's result and the value seen.
 * Fails with AUD_ENGINE_ERROR_NOT_FOUND for an unknown id. Returns:
 * (transfer full): free with aud_explanation_free(), or %NULL with @error
 * set. */
AudExplanation   *aud_engine_explain          (AudEngine          *self,
                                               AudStore           *store,
                                               const AudSegment   *segment,
                                               const char         *external_id,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GError            **error);
void              aud_engine_explain_async    (AudEngine          *self,
                                               const char         *store_path,
                                               const AudSegment   *segment,
                                               const char         *external_id,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
AudExplanation   *aud_engine_explain_finish   (AudEngine          *self,
                                               GAsyncResult       *result,
                                               GError            **error);
/* The explanation as indented lines, one per node: "✓ " for passed, "✗ "
 * for failed, "– " (and "(off)") for disabled nodes; children indented by
 * two spaces. (transfer full) */
char             *aud_explanation_to_text     (const AudExplanation *explanation);
void              aud_explanation_free        (AudExplanation     *explanation);

/* A new definition named @name whose members are the union, intersection
 * or difference (the first minus all others) of the saved segments @names
 * (at least two), as membership criteria: {"any"|"all": [{"segment":
 * A}, ...]}, difference {"all": [{"segment": A}, {"not": {"any": [{"segment":
 * B}, ...]}}]}. Fails with AUD_ENGINE_ERROR_NOT_FOUND for a name that is not
 * saved in @store. Nothing is saved. Returns: (transfer full) */
AudSegment       *aud_engine_combine_segments (AudStore           *store,
                                               AudSetOperation     operation,
                                               const char * const *names,
                                               guint               n_names,
                                               const char         *name,
                                               GError            **error);

/* A one-line description of a node, translated (also the funnel labels):
 * `country is "DE"`, `purchase events in the last 30 days ≥ 1`,
 * `all of 3 criteria`. (transfer full) */
char             *aud_engine_describe_node    (const AudSegmentNode *node);

/* --- breakdown (aud-engine-breakdown.c) ----------------------------------- */

/**
 * AudBreakdownKind:
 * @AUD_BREAKDOWN_VALUE: one value, or one bucket of values
 * @AUD_BREAKDOWN_OTHER: every value beyond the top ones, together
 * @AUD_BREAKDOWN_BLANK: customers without a value
 */
typedef enum
{
  AUD_BREAKDOWN_VALUE,
  AUD_BREAKDOWN_OTHER,
  AUD_BREAKDOWN_BLANK,
} AudBreakdownKind;

/**
 * AudBreakdownRow:
 * @kind: what the row counts
 * @label: (nullable): the value as stored ("DE", "true", "42", "19.99"), or
 *   a bucket's bounds, both included ("100 – 249", "1980 – 1989"); %NULL for
 *   other and blank rows
 * @in_segment: members with that value
 * @in_base: customers with that value
 * @share_segment: @in_segment / all members (0 when there are none)
 * @share_base: @in_base / all customers (0 when there are none)
 * @lift: @share_segment / @share_base: above 1 the value is more common
 *   among the members than among all customers (0 when @in_base is 0)
 */
typedef struct
{
  AudBreakdownKind  kind;
  char             *label;
  gint64            in_segment;
  gint64            in_base;
  double            share_segment;
  double            share_base;
  double            lift;
} AudBreakdownRow;

/**
 * AudBreakdown:
 * @field: the field's name
 * @type: its type
 * @bucketed: whether value rows are ranges rather than single values
 * @segment_count: all members of the segment
 * @base_count: all customers
 * @rows: (element-type AudBreakdownRow): text and category fields: the
 *   values most common among the members, most common first (ties: more
 *   customers first, then the value), then the rest as one other row;
 *   every other type: its values or buckets in ascending order. A blank row
 *   comes last. Rows of no customer at all are left out.
 */
typedef struct
{
  char         *field;
  AudFieldType  type;
  gboolean      bucketed;
  gint64        segment_count;
  gint64        base_count;
  GPtrArray    *rows;
} AudBreakdown;

/* How the members of @segment are distributed over the values of the
 * customer field @field, beside all customers. At most @max_values value
 * rows (0: 10): text and category fields keep the most common values;
 * numbers, dates and date-times with more distinct values than that are
 * grouped into ranges (numbers: about equally populated ranges with
 * rounded bounds; dates and date-times: runs of years, in the workspace
 * time zone); booleans have at most two. Fails with
 * AUD_ENGINE_ERROR_NOT_FOUND when there is no such customer field.
 * Returns: (transfer full): free with aud_breakdown_free(), or %NULL with
 * @error set. */
AudBreakdown     *aud_engine_breakdown        (AudEngine          *self,
                                               AudStore           *store,
                                               const AudSegment   *segment,
                                               const char         *field,
                                               guint               max_values,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GError            **error);
/* The same in a worker thread, on a connection of its own. */
void              aud_engine_breakdown_async  (AudEngine          *self,
                                               const char         *store_path,
                                               const AudSegment   *segment,
                                               const char         *field,
                                               guint               max_values,
                                               gint64              now,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
AudBreakdown     *aud_engine_breakdown_finish (AudEngine          *self,
                                               GAsyncResult       *result,
                                               GError            **error);
void              aud_breakdown_free          (AudBreakdown       *breakdown);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudOverlap, aud_overlap_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudExplanation, aud_explanation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudBreakdown, aud_breakdown_free)

G_END_DECLS
