/* aud-segment.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aud-store.h"

G_BEGIN_DECLS

/*
 * The segment model: a segment definition (SEGMENT-FORMAT.md, format 1)
 * parsed into a tree of AudSegmentNode. Parsing checks the structure and the
 * operators; aud_segment_resolve() then checks names against a workspace
 * (fields, events, properties, saved segments) and fills in what the engine
 * needs (field columns, types, scales, event name ids).
 *
 * Every node keeps its JSON path ("match.all[2].count") for error messages,
 * and its canonical JSON (stable key order, normalised values) for caching.
 */

#define AUD_SEGMENT_ERROR (aud_segment_error_quark ())

typedef enum
{
  AUD_SEGMENT_ERROR_SYNTAX,       /* not JSON, or not an object */
  AUD_SEGMENT_ERROR_INVALID,      /* a key, operator or value is wrong */
  AUD_SEGMENT_ERROR_UNKNOWN_NAME, /* a field, event, property or segment does not exist */
  AUD_SEGMENT_ERROR_CYCLE,        /* segment references form a cycle */
  AUD_SEGMENT_ERROR_EXISTS,       /* a saved segment of that name exists */
} AudSegmentError;

typedef enum
{
  AUD_NODE_ALL,
  AUD_NODE_ANY,
  AUD_NODE_NOT,
  AUD_NODE_FIELD,
  AUD_NODE_EVENT,
  AUD_NODE_NEAR,
  AUD_NODE_SEGMENT,
  AUD_NODE_BUCKET,
} AudNodeKind;

/* Operators of field and property conditions, and of count/aggregate. */
typedef enum
{
  AUD_OP_BLANK,
  AUD_OP_NOT_BLANK,
  AUD_OP_EQ,
  AUD_OP_NE,
  AUD_OP_IN,
  AUD_OP_NOT_IN,
  AUD_OP_CONTAINS,
  AUD_OP_NOT_CONTAINS,
  AUD_OP_STARTS_WITH,
  AUD_OP_ENDS_WITH,
  AUD_OP_MATCHES,
  AUD_OP_LT,
  AUD_OP_LE,
  AUD_OP_GT,
  AUD_OP_GE,
  AUD_OP_BETWEEN,
  AUD_OP_BEFORE,
  AUD_OP_AFTER,
  AUD_OP_ON,
  AUD_OP_WITHIN_LAST_DAYS,
  AUD_OP_MORE_THAN_DAYS_AGO,
  AUD_OP_WITHIN_NEXT_DAYS,
  AUD_OP_AGE_BETWEEN,
  AUD_OP_BIRTHDAY_WITHIN_DAYS,
  AUD_OP_IS_TRUE,
  AUD_OP_IS_FALSE,
} AudOp;

typedef enum
{
  AUD_AGG_NONE,
  AUD_AGG_SUM,
  AUD_AGG_AVG,
  AUD_AGG_MIN,
  AUD_AGG_MAX,
} AudAggregate;

typedef enum
{
  AUD_OCCURRENCE_ANY,
  AUD_OCCURRENCE_FIRST,
  AUD_OCCURRENCE_LAST,
} AudOccurrence;

/* A `when` window. */
typedef enum
{
  AUD_WHEN_ALWAYS,
  AUD_WHEN_WITHIN_LAST_DAYS,
  AUD_WHEN_MORE_THAN_DAYS_AGO,
  AUD_WHEN_BETWEEN,
} AudWhenKind;

/**
 * AudCondition:
 *
 * `{"field"|"property": name, "op": op, "value": v, "case_sensitive": b}`.
 * @value is the JSON value as written (NULL for blank/not_blank/is_true/
 * is_false). After resolve, @field is the catalog entry (NULL for the
 * built-in properties `@hour` and `@weekday`, see @builtin).
 */
typedef struct
{
  char         *name;
  AudOp         op;
  JsonNode     *value;
  gboolean      case_sensitive;
  char         *path;      /* JSON path of this condition */
  /* filled by aud_segment_resolve() */
  AudField     *field;
  int           builtin;   /* 0, or 1 for @hour, 2 for @weekday */
} AudCondition;

typedef struct
{
  AudWhenKind  kind;
  gint64       days;       /* within_last_days / more_than_days_ago */
  char        *from;       /* between: the bounds as written (date or date-time) */
  char        *to;
} AudWhen;

typedef struct _AudSegmentNode AudSegmentNode;

struct _AudSegmentNode
{
  AudNodeKind      kind;
  char            *path;        /* "match", "match.all[2]", ... */
  gboolean         disabled;    /* "disabled": true — skipped by the engine (GUI) */

  /* all / any: children; not: exactly one child */
  GPtrArray       *children;    /* (element-type AudSegmentNode) */

  /* field */
  AudCondition    *condition;

  /* event */
  char           **event_names; /* NULL-terminated; {"*", NULL} for any event */
  gint64          *event_ids;   /* resolved, same length; NULL for "*" */
  GPtrArray       *where;       /* (element-type AudCondition) */
  AudWhen          when;
  AudOp            count_op;    /* ge/gt/le/lt/eq/between; default ge 1 */
  gint64           count_value[2];
  char            *distinct;    /* property name or NULL */
  AudField        *distinct_field;
  AudAggregate     aggregate;
  AudCondition    *aggregate_condition; /* property, op, value of the aggregate */
  AudOccurrence    occurrence;

  /* near */
  double           lat, lon, km;

  /* segment (membership) */
  char            *segment_name;
  AudSegmentNode  *segment_root; /* resolved: the referenced definition's match */

  /* bucket */
  int              bucket_from, bucket_to;
  char            *bucket_salt;

  char            *canonical;   /* canonical JSON of this node (cache key) */
};

/**
 * AudSegment:
 *
 * A parsed definition: name, description and the `match` tree.
 */
typedef struct
{
  char           *name;
  char           *description;
  AudSegmentNode *root;
} AudSegment;

GQuark       aud_segment_error_quark    (void);

AudSegment  *aud_segment_parse          (const char        *json,
                                         gssize             length,
                                         GError           **error);
AudSegment  *aud_segment_parse_node     (JsonNode          *node,
                                         GError           **error);
AudSegment  *aud_segment_load           (const char        *path,
                                         GError           **error);
void         aud_segment_free           (AudSegment        *segment);
AudSegment  *aud_segment_copy           (const AudSegment  *segment);

/* Checks every name against @store and fills in the resolved parts; loads
 * referenced saved segments (recursively), failing on cycles with the chain
 * ("a -> b -> a"). Unknown names list the existing ones, closest first. */
gboolean     aud_segment_resolve        (AudSegment        *segment,
                                         AudStore          *store,
                                         GError           **error);

/* Canonical JSON of the whole definition (stable key order, no whitespace
 * variations); equal definitions give equal strings. */
char        *aud_segment_to_json        (const AudSegment  *segment,
                                         gboolean           pretty);
JsonNode    *aud_segment_node_to_json   (const AudSegmentNode *node);

/* Builders, for set operations and the GUI. After building or editing a
 * tree, aud_segment_node_update (root, "match") recomputes the paths and
 * canonical strings (aud_segment_resolve() does it too). */
AudSegmentNode *aud_segment_node_new_group   (AudNodeKind   kind);
AudSegmentNode *aud_segment_node_new_segment (const char   *name);
void            aud_segment_node_free        (AudSegmentNode *node);
AudSegmentNode *aud_segment_node_copy        (const AudSegmentNode *node);
void            aud_segment_node_update      (AudSegmentNode *node,
                                              const char     *path);

/* Condition values, exactly: strings as written, numbers in their shortest
 * round-trip form (500.00 -> "500"); get_decimal parses a JSON number or a
 * numeric string into a scaled integer ("500.00" -> 50000, scale 2). */
char        *aud_segment_value_dup_text    (JsonNode        *value);
gboolean     aud_segment_value_get_decimal (JsonNode        *value,
                                            gint64          *mantissa,
                                            guint           *scale);

/* Saved segments (the `segments` table). */
gboolean     aud_segment_save           (AudStore          *store,
                                         const AudSegment  *segment,
                                         gboolean           replace,
                                         GError           **error);
AudSegment  *aud_segment_lookup         (AudStore          *store,
                                         const char        *name,
                                         GError           **error);
gboolean     aud_segment_delete         (AudStore          *store,
                                         const char        *name,
                                         GError           **error);
gboolean     aud_segment_rename         (AudStore          *store,
                                         const char        *name,
                                         const char        *new_name,
                                         GError           **error);
/* (element-type utf8) (transfer full), sorted by name */
GPtrArray   *aud_segment_list_names     (AudStore          *store,
                                         GError           **error);

const char  *aud_op_to_string           (AudOp              op);
gboolean     aud_op_from_string         (const char        *str,
                                         AudOp             *op);
/* The operators a field or property of @type takes, in display order. */
const AudOp *aud_field_type_get_ops     (AudFieldType       type,
                                         guint             *n_ops);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudSegment, aud_segment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudSegmentNode, aud_segment_node_free)

G_END_DECLS
