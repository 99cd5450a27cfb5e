/* aud-segment.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-segment"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-segment.h"
#include "aud-value.h"

/*
 * Canonical JSON (node->canonical, aud_segment_to_json()):
 *
 * - keys in a fixed order: format, name, description, match; in a criterion
 *   the kind key first, then op, value, case_sensitive (field), or where,
 *   when, count, distinct, aggregate, occurrence (event); `disabled` last;
 * - defaults are omitted: case_sensitive false, disabled false, an empty
 *   where, an absent when, count ge 1, occurrence any; an empty name or
 *   description is absent; `format` is always 1;
 * - an event given as a one-element array is written as a string;
 * - strings as written; numbers in their shortest round-trip form, integral
 *   values without a fraction (500.00 -> 500, 0.1 -> 0.1);
 * - compact: no whitespace at all.
 */

G_DEFINE_QUARK (aud-segment-error-quark, aud_segment_error)

typedef enum
{
  VALUE_NONE,   /* no value */
  VALUE_SCALAR, /* a string or a number */
  VALUE_TEXT,   /* a string */
  VALUE_MOMENT, /* an ISO date or date-time */
  VALUE_LIST,   /* an array of strings or numbers */
  VALUE_RANGE,  /* [low, high], strings or numbers */
  VALUE_DAYS,   /* a non-negative integer */
  VALUE_YEARS,  /* [low, high], non-negative integers */
} ValueShape;

static const struct
{
  const char *name;
  ValueShape  shape;
  gboolean    text; /* takes case_sensitive */
} ops[] = {
  [AUD_OP_BLANK] = { "blank", VALUE_NONE, FALSE },
  [AUD_OP_NOT_BLANK] = { "not_blank", VALUE_NONE, FALSE },
  [AUD_OP_EQ] = { "eq", VALUE_SCALAR, TRUE },
  [AUD_OP_NE] = { "ne", VALUE_SCALAR, TRUE },
  [AUD_OP_IN] = { "in", VALUE_LIST, TRUE },
  [AUD_OP_NOT_IN] = { "not_in", VALUE_LIST, TRUE },
  [AUD_OP_CONTAINS] = { "contains", VALUE_TEXT, TRUE },
  [AUD_OP_NOT_CONTAINS] = { "not_contains", VALUE_TEXT, TRUE },
  [AUD_OP_STARTS_WITH] = { "starts_with", VALUE_TEXT, TRUE },
  [AUD_OP_ENDS_WITH] = { "ends_with", VALUE_TEXT, TRUE },
  [AUD_OP_MATCHES] = { "matches", VALUE_TEXT, TRUE },
  [AUD_OP_LT] = { "lt", VALUE_SCALAR, FALSE },
  [AUD_OP_LE] = { "le", VALUE_SCALAR, FALSE },
  [AUD_OP_GT] = { "gt", VALUE_SCALAR, FALSE },
  [AUD_OP_GE] = { "ge", VALUE_SCALAR, FALSE },
  [AUD_OP_BETWEEN] = { "between", VALUE_RANGE, FALSE },
  [AUD_OP_BEFORE] = { "before", VALUE_MOMENT, FALSE },
  [AUD_OP_AFTER] = { "after", VALUE_MOMENT, FALSE },
  [AUD_OP_ON] = { "on", VALUE_MOMENT, FALSE },
  [AUD_OP_WITHIN_LAST_DAYS] = { "within_last_days", VALUE_DAYS, FALSE },
  [AUD_OP_MORE_THAN_DAYS_AGO] = { "more_than_days_ago", VALUE_DAYS, FALSE },
  [AUD_OP_WITHIN_NEXT_DAYS] = { "within_next_days", VALUE_DAYS, FALSE },
  [AUD_OP_AGE_BETWEEN] = { "age_between", VALUE_YEARS, FALSE },
  [AUD_OP_BIRTHDAY_WITHIN_DAYS] = { "birthday_within_days", VALUE_DAYS, FALSE },
  [AUD_OP_IS_TRUE] = { "is_true", VALUE_NONE, FALSE },
  [AUD_OP_IS_FALSE] = { "is_false", VALUE_NONE, FALSE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (ops) == AUD_OP_IS_FALSE + 1);

/* Operator lists, in the order error messages name them. */
static const AudOp field_ops[] = {
  AUD_OP_BLANK, AUD_OP_NOT_BLANK, AUD_OP_EQ, AUD_OP_NE, AUD_OP_IN, AUD_OP_NOT_IN,
  AUD_OP_CONTAINS, AUD_OP_NOT_CONTAINS, AUD_OP_STARTS_WITH, AUD_OP_ENDS_WITH,
  AUD_OP_MATCHES, AUD_OP_LT, AUD_OP_LE, AUD_OP_GT, AUD_OP_GE, AUD_OP_BETWEEN,
  AUD_OP_BEFORE, AUD_OP_AFTER, AUD_OP_ON, AUD_OP_WITHIN_LAST_DAYS,
  AUD_OP_MORE_THAN_DAYS_AGO, AUD_OP_WITHIN_NEXT_DAYS, AUD_OP_AGE_BETWEEN,
  AUD_OP_BIRTHDAY_WITHIN_DAYS, AUD_OP_IS_TRUE, AUD_OP_IS_FALSE,
};
static const AudOp text_ops[] = {
  AUD_OP_BLANK, AUD_OP_NOT_BLANK, AUD_OP_EQ, AUD_OP_NE, AUD_OP_IN, AUD_OP_NOT_IN,
  AUD_OP_CONTAINS, AUD_OP_NOT_CONTAINS, AUD_OP_STARTS_WITH, AUD_OP_ENDS_WITH,
  AUD_OP_MATCHES,
};
static const AudOp number_ops[] = {
  AUD_OP_BLANK, AUD_OP_NOT_BLANK, AUD_OP_EQ, AUD_OP_NE, AUD_OP_LT, AUD_OP_LE,
  AUD_OP_GT, AUD_OP_GE, AUD_OP_BETWEEN, AUD_OP_IN, AUD_OP_NOT_IN,
};
static const AudOp date_ops[] = {
  AUD_OP_BLANK, AUD_OP_NOT_BLANK, AUD_OP_BEFORE, AUD_OP_AFTER, AUD_OP_ON,
  AUD_OP_BETWEEN, AUD_OP_WITHIN_LAST_DAYS, AUD_OP_MORE_THAN_DAYS_AGO,
  AUD_OP_WITHIN_NEXT_DAYS, AUD_OP_AGE_BETWEEN, AUD_OP_BIRTHDAY_WITHIN_DAYS,
};
static const AudOp boolean_ops[] = {
  AUD_OP_BLANK, AUD_OP_NOT_BLANK, AUD_OP_IS_TRUE, AUD_OP_IS_FALSE,
};
static const AudOp count_ops[] = {
  AUD_OP_GE, AUD_OP_GT, AUD_OP_LE, AUD_OP_LT, AUD_OP_EQ, AUD_OP_BETWEEN,
};
static const AudOp aggregate_ops[] = {
  AUD_OP_EQ, AUD_OP_NE, AUD_OP_LT, AUD_OP_LE, AUD_OP_GT, AUD_OP_GE, AUD_OP_BETWEEN,
};

static const char * const kind_keys[] = {
  [AUD_NODE_ALL] = "all",
  [AUD_NODE_ANY] = "any",
  [AUD_NODE_NOT] = "not",
  [AUD_NODE_FIELD] = "field",
  [AUD_NODE_EVENT] = "event",
  [AUD_NODE_NEAR] = "near",
  [AUD_NODE_SEGMENT] = "segment",
  [AUD_NODE_BUCKET] = "bucket",
  NULL
};

/* The keys each node kind allows, indexed by AudNodeKind. */
static const char * const node_keys[][9] = {
  [AUD_NODE_ALL] = { "all", "disabled", NULL },
  [AUD_NODE_ANY] = { "any", "disabled", NULL },
  [AUD_NODE_NOT] = { "not", "disabled", NULL },
  [AUD_NODE_FIELD] = { "field", "op", "value", "case_sensitive", "disabled", NULL },
  [AUD_NODE_EVENT] = { "event", "where", "when", "count", "distinct", "aggregate",
                       "occurrence", "disabled", NULL },
  [AUD_NODE_NEAR] = { "near", "disabled", NULL },
  [AUD_NODE_SEGMENT] = { "segment", "disabled", NULL },
  [AUD_NODE_BUCKET] = { "bucket", "disabled", NULL },
};

static const char * const definition_keys[] = { "format", "name", "description", "match", NULL };
static const char * const where_keys[] = { "property", "op", "value", "case_sensitive", NULL };
static const char * const when_keys[] = {
  "within_last_days", "more_than_days_ago", "between", NULL
};
static const char * const count_keys[] = { "op", "value", NULL };
static const char * const aggregate_keys[] = { "fn", "property", "op", "value", NULL };
static const char * const near_keys[] = { "lat", "lon", "km", NULL };
static const char * const bucket_keys[] = { "from", "to", "salt", NULL };

static const char * const aggregate_names[] = {
  [AUD_AGG_NONE] = NULL,
  [AUD_AGG_SUM] = "sum",
  [AUD_AGG_AVG] = "avg",
  [AUD_AGG_MIN] = "min",
  [AUD_AGG_MAX] = "max",
};

static const char * const occurrence_names[] = {
  [AUD_OCCURRENCE_ANY] = NULL,
  [AUD_OCCURRENCE_FIRST] = "first",
  [AUD_OCCURRENCE_LAST] = "last",
};

#define BUILTIN_HOUR    1
#define BUILTIN_WEEKDAY 2

/* How many existing names an "unknown name" error lists. */
#define MAX_LISTED_NAMES 15

typedef enum
{
  MOMENT_NONE,
  MOMENT_DATE,
  MOMENT_DATETIME,
} Moment;

static void condition_free (AudCondition *condition);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudCondition, condition_free)

/* Errors ------------------------------------------------------------------ */

/* Sets @error to "PATH: MESSAGE" (MESSAGE alone when @path is empty) and
 * returns FALSE. */
static gboolean set_error (GError         **error,
                           AudSegmentError  code,
                           const char      *path,
                           const char      *format,
                           ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_error (GError         **error,
           AudSegmentError  code,
           const char      *path,
           const char      *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (path != NULL && path[0] != '\0')
    g_set_error (error, AUD_SEGMENT_ERROR, code, "%s: %s", path, message);
  else
    g_set_error_literal (error, AUD_SEGMENT_ERROR, code, message);

  return FALSE;
}

/* Like g_set_str() (GLib 2.76): frees *@ptr and stores a copy of @value. */
static void
replace_str (char       **ptr,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*ptr);
  *ptr = copy;
}

static char *
member_path (const char *path,
             const char *key)
{
  if (path == NULL || path[0] == '\0')
    return g_strdup (key);

  return g_strconcat (path, ".", key, NULL);
}

static char *
element_path (const char *path,
              guint       index)
{
  return g_strdup_printf ("%s[%u]", path, index);
}

static char *
join_ops (const AudOp *list,
          guint        n_ops)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < n_ops; i++)
    {
      if (i > 0)
        g_string_append (str, ", ");
      g_string_append (str, ops[list[i]].name);
    }

  return g_string_free (str, FALSE);
}

/* Values ------------------------------------------------------------------ */

/* The shortest text that reads back as exactly @d; integral values without
 * a fraction or exponent when they have at most 15 digits. */
static char *
format_double (double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (d == 0)
    return g_strdup ("0");

  if (d == trunc (d) && fabs (d) < 1e15)
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.0f", d));

  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }

  return g_strdup (buf);
}

static gboolean
is_value_of_type (JsonNode *node,
                  GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* An integer: a JSON integer, or a JSON number with no fraction. */
static gboolean
node_get_integer (JsonNode *node,
                  gint64   *out)
{
  double d;

  if (is_value_of_type (node, G_TYPE_INT64))
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (!is_value_of_type (node, G_TYPE_DOUBLE))
    return FALSE;

  d = json_node_get_double (node);
  if (d != trunc (d) || fabs (d) > 9007199254740992.0)
    return FALSE;

  *out = (gint64)d;
  return TRUE;
}

static gboolean
node_get_number (JsonNode *node,
                 double   *out)
{
  if (is_value_of_type (node, G_TYPE_INT64))
    *out = json_node_get_int (node);
  else if (is_value_of_type (node, G_TYPE_DOUBLE))
    *out = json_node_get_double (node);
  else
    return FALSE;

  return isfinite (*out);
}

/**
 * aud_segment_value_dup_text:
 * @value: a scalar JSON value of a condition
 *
 * Strings as written, integers in decimal, other numbers in their shortest
 * round-trip form (`500.00` -> `500`, `0.1` -> `0.1`), booleans as
 * `true`/`false`. Any thread.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL for null, arrays
 *   and objects
 */
char *
aud_segment_value_dup_text (JsonNode *value)
{
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return NULL;

  switch (json_node_get_value_type (value))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (value));

    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));

    case G_TYPE_DOUBLE:
      return format_double (json_node_get_double (value));

    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");

    default:
      return NULL;
    }
}

/**
 * aud_segment_value_get_decimal:
 * @value: a JSON number or a numeric string
 * @mantissa: (out): the value times 10^@scale
 * @scale: (out): the number of decimals
 *
 * The exact decimal a value stands for: a numeric string as written
 * (`"500.00"` -> 50000, 2), a JSON number in its shortest round-trip form.
 *
 * Returns: %FALSE if @value is not a number or does not fit
 */
gboolean
aud_segment_value_get_decimal (JsonNode *value,
                               gint64   *mantissa,
                               guint    *scale)
{
  AudNumberFormat plain = AUD_NUMBER_FORMAT_PLAIN;
  g_autofree char *text = NULL;

  g_return_val_if_fail (mantissa != NULL, FALSE);
  g_return_val_if_fail (scale != NULL, FALSE);

  if (is_value_of_type (value, G_TYPE_INT64))
    {
      *mantissa = json_node_get_int (value);
      *scale = 0;
      return TRUE;
    }

  if (!is_value_of_type (value, G_TYPE_DOUBLE) && !is_value_of_type (value, G_TYPE_STRING))
    return FALSE;

  text = aud_segment_value_dup_text (value);

  return aud_value_parse_decimal (text, &plain, mantissa, scale);
}

static gboolean
decimal_is_integer (gint64 mantissa,
                    guint  scale)
{
  for (guint i = 0; i < scale; i++)
    {
      if (mantissa % 10 != 0)
        return FALSE;
      mantissa /= 10;
    }

  return TRUE;
}

/* An ISO date `YYYY-MM-DD`, or an ISO date-time (`YYYY-MM-DDTHH:MM[:SS]`,
 * optional fraction and zone; a space instead of the T). */
static Moment
classify_moment (const char *text)
{
  static const char shape[] = "dddd-dd-dd";
  g_autoptr(GTimeZone) utc = NULL;
  char date[sizeof shape];
  int year, month, day;
  gint64 seconds;

  for (guint i = 0; i < sizeof shape - 1; i++)
    {
      if (shape[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != shape[i])
        return MOMENT_NONE;
    }

  memcpy (date, text, sizeof date - 1);
  date[sizeof date - 1] = '\0';
  if (!aud_value_parse_date (date, AUD_DATE_ORDER_YMD, &year, &month, &day))
    return MOMENT_NONE;

  if (text[10] == '\0')
    return MOMENT_DATE;

  if (text[10] != 'T' && text[10] != ' ')
    return MOMENT_NONE;

  utc = g_time_zone_new_utc ();
  if (!aud_value_parse_datetime (text, AUD_DATE_ORDER_YMD, utc, &seconds))
    return MOMENT_NONE;

  return MOMENT_DATETIME;
}

/* Memory ------------------------------------------------------------------ */

static void
condition_free (AudCondition *condition)
{
  if (condition == NULL)
    return;

  g_free (condition->name);
  g_clear_pointer (&condition->value, json_node_unref);
  g_free (condition->path);
  g_clear_pointer (&condition->field, aud_field_free);
  g_free (condition);
}

static AudCondition *
condition_copy (const AudCondition *condition)
{
  AudCondition *copy;

  if (condition == NULL)
    return NULL;

  copy = g_memdup2 (condition, sizeof *condition);
  copy->name = g_strdup (condition->name);
  copy->value = condition->value != NULL ? json_node_copy (condition->value) : NULL;
  copy->path = g_strdup (condition->path);
  copy->field = condition->field != NULL ? aud_field_copy (condition->field) : NULL;

  return copy;
}

static AudSegmentNode *
node_new (AudNodeKind kind)
{
  AudSegmentNode *node = g_new0 (AudSegmentNode, 1);

  node->kind = kind;
  node->when.kind = AUD_WHEN_ALWAYS;
  node->count_op = AUD_OP_GE;
  node->count_value[0] = 1;
  node->count_value[1] = 1;
  node->aggregate = AUD_AGG_NONE;
  node->occurrence = AUD_OCCURRENCE_ANY;

  if (kind == AUD_NODE_ALL || kind == AUD_NODE_ANY || kind == AUD_NODE_NOT)
    node->children = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_segment_node_free);

  return node;
}

/* Drops what aud_segment_resolve() filled in, in the whole subtree. */
static void
clear_resolved (AudSegmentNode *node)
{
  if (node->children != NULL)
    {
      for (guint i = 0; i < node->children->len; i++)
        clear_resolved (g_ptr_array_index (node->children, i));
    }

  if (node->condition != NULL)
    {
      g_clear_pointer (&node->condition->field, aud_field_free);
      node->condition->builtin = 0;
    }

  if (node->where != NULL)
    {
      for (guint i = 0; i < node->where->len; i++)
        {
          AudCondition *condition = g_ptr_array_index (node->where, i);

          g_clear_pointer (&condition->field, aud_field_free);
          condition->builtin = 0;
        }
    }

  if (node->aggregate_condition != NULL)
    g_clear_pointer (&node->aggregate_condition->field, aud_field_free);

  g_clear_pointer (&node->event_ids, g_free);
  g_clear_pointer (&node->distinct_field, aud_field_free);
  g_clear_pointer (&node->segment_root, aud_segment_node_free);
}

void
aud_segment_node_free (AudSegmentNode *node)
{
  if (node == NULL)
    return;

  g_free (node->path);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->condition, condition_free);
  g_strfreev (node->event_names);
  g_free (node->event_ids);
  g_clear_pointer (&node->where, g_ptr_array_unref);
  g_free (node->when.from);
  g_free (node->when.to);
  g_free (node->distinct);
  g_clear_pointer (&node->distinct_field, aud_field_free);
  g_clear_pointer (&node->aggregate_condition, condition_free);
  g_free (node->segment_name);
  g_clear_pointer (&node->segment_root, aud_segment_node_free);
  g_free (node->bucket_salt);
  g_free (node->canonical);
  g_free (node);
}

AudSegmentNode *
aud_segment_node_copy (const AudSegmentNode *node)
{
  AudSegmentNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  copy = g_memdup2 (node, sizeof *node);
  copy->path = g_strdup (node->path);

  if (node->children != NULL)
    {
      copy->children = g_ptr_array_new_full (node->children->len,
                                             (GDestroyNotify)aud_segment_node_free);
      for (guint i = 0; i < node->children->len; i++)
        g_ptr_array_add (copy->children,
                         aud_segment_node_copy (g_ptr_array_index (node->children, i)));
    }

  copy->condition = condition_copy (node->condition);
  copy->event_names = g_strdupv (node->event_names);
  if (node->event_ids != NULL)
    copy->event_ids = g_memdup2 (node->event_ids,
                                 g_strv_length (node->event_names) * sizeof (gint64));

  if (node->where != NULL)
    {
      copy->where = g_ptr_array_new_full (node->where->len, (GDestroyNotify)condition_free);
      for (guint i = 0; i < node->where->len; i++)
        g_ptr_array_add (copy->where, condition_copy (g_ptr_array_index (node->where, i)));
    }

  copy->when.from = g_strdup (node->when.from);
  copy->when.to = g_strdup (node->when.to);
  copy->distinct = g_strdup (node->distinct);
  if (node->distinct_field != NULL)
    copy->distinct_field = aud_field_copy (node->distinct_field);
  copy->aggregate_condition = condition_copy (node->aggregate_condition);
  copy->segment_name = g_strdup (node->segment_name);
  if (node->segment_root != NULL)
    copy->segment_root = aud_segment_node_copy (node->segment_root);
  copy->bucket_salt = g_strdup (node->bucket_salt);
  copy->canonical = g_strdup (node->canonical);

  return copy;
}

void
aud_segment_free (AudSegment *segment)
{
  if (segment == NULL)
    return;

  g_free (segment->name);
  g_free (segment->description);
  g_clear_pointer (&segment->root, aud_segment_node_free);
  g_free (segment);
}

AudSegment *
aud_segment_copy (const AudSegment *segment)
{
  AudSegment *copy;

  g_return_val_if_fail (segment != NULL, NULL);

  copy = g_new0 (AudSegment, 1);
  copy->name = g_strdup (segment->name);
  copy->description = g_strdup (segment->description);
  copy->root = segment->root != NULL ? aud_segment_node_copy (segment->root) : NULL;

  return copy;
}

/**
 * aud_segment_node_new_group:
 * @kind: %AUD_NODE_ALL, %AUD_NODE_ANY or %AUD_NODE_NOT
 *
 * An empty group. Add children to `children` (a `not` takes exactly one),
 * then call aud_segment_node_update() (aud_segment_resolve() does it too).
 *
 * Returns: (transfer full): the node
 */
AudSegmentNode *
aud_segment_node_new_group (AudNodeKind kind)
{
  AudSegmentNode *node;

  g_return_val_if_fail (kind == AUD_NODE_ALL || kind == AUD_NODE_ANY || kind == AUD_NODE_NOT,
                        NULL);

  node = node_new (kind);
  if (kind != AUD_NODE_NOT)
    aud_segment_node_update (node, "match");

  return node;
}

/**
 * aud_segment_node_new_segment:
 * @name: the name of a saved segment
 *
 * Returns: (transfer full): a membership criterion `{"segment": name}`
 */
AudSegmentNode *
aud_segment_node_new_segment (const char *name)
{
  AudSegmentNode *node;

  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  node = node_new (AUD_NODE_SEGMENT);
  node->segment_name = g_strdup (name);
  aud_segment_node_update (node, "match");

  return node;
}

/* Names ------------------------------------------------------------------- */

const char *
aud_op_to_string (AudOp op)
{
  g_return_val_if_fail (op < G_N_ELEMENTS (ops), NULL);

  return ops[op].name;
}

gboolean
aud_op_from_string (const char *str,
                    AudOp      *op)
{
  g_return_val_if_fail (op != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      if (strcmp (str, ops[i].name) == 0)
        {
          *op = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * aud_field_type_get_ops:
 * @type: a field type
 * @n_ops: (out): the number of operators
 *
 * The operators a field or property of @type takes (SEGMENT-FORMAT.md).
 *
 * Returns: (transfer none) (array length=n_ops): the operators
 */
const AudOp *
aud_field_type_get_ops (AudFieldType  type,
                        guint        *n_ops)
{
  g_return_val_if_fail (n_ops != NULL, NULL);

  switch (type)
    {
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
      *n_ops = G_N_ELEMENTS (text_ops);
      return text_ops;

    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DECIMAL:
      *n_ops = G_N_ELEMENTS (number_ops);
      return number_ops;

    case AUD_FIELD_DATE:
    case AUD_FIELD_DATETIME:
      *n_ops = G_N_ELEMENTS (date_ops);
      return date_ops;

    case AUD_FIELD_BOOLEAN:
      *n_ops = G_N_ELEMENTS (boolean_ops);
      return boolean_ops;

    default:
      g_return_val_if_reached (NULL);
    }
}

/* Parsing ----------------------------------------------------------------- */

static gboolean
check_keys (JsonObject         *object,
            const char         *path,
            const char * const *allowed,
            GError            **error)
{
  JsonObjectIter iter;
  const char *key;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &key, NULL))
    {
      if (!g_strv_contains (allowed, key))
        {
          g_autofree char *expected = g_strjoinv (", ", (char **)allowed);

          return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                            _("unknown key \"%s\"; expected one of %s"), key, expected);
        }
    }

  return TRUE;
}

static JsonNode *
require_member (JsonObject  *object,
                const char  *path,
                const char  *key,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("missing key \"%s\""), key);

  return node;
}

static JsonObject *
read_object (JsonNode    *node,
             const char  *path,
             GError     **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected an object"));
      return NULL;
    }

  return json_node_get_object (node);
}

static gboolean
read_string (JsonNode    *node,
             const char  *path,
             gboolean     allow_empty,
             const char **out,
             GError     **error)
{
  if (!is_value_of_type (node, G_TYPE_STRING) ||
      (!allow_empty && json_node_get_string (node)[0] == '\0'))
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        allow_empty ? _("expected a string") : _("expected a non-empty string"));
    }

  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_boolean (JsonNode    *node,
              const char  *path,
              gboolean    *out,
              GError     **error)
{
  if (!is_value_of_type (node, G_TYPE_BOOLEAN))
    return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected true or false"));

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_count (JsonNode    *node,
            const char  *path,
            gint64      *out,
            GError     **error)
{
  if (!node_get_integer (node, out) || *out < 0)
    return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected a non-negative integer"));

  return TRUE;
}

/* [low, high], two non-negative integers. */
static gboolean
read_count_pair (JsonNode    *node,
                 const char  *path,
                 gint64       out[2],
                 GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != 2)
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("expected an array of two non-negative integers [low, high]"));
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *element = element_path (path, i);

      if (!read_count (json_array_get_element (array, i), element, &out[i], error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_op (JsonNode     *node,
         const char   *path,
         const AudOp  *allowed,
         guint         n_allowed,
         AudOp        *out,
         GError      **error)
{
  g_autofree char *expected = NULL;

  if (is_value_of_type (node, G_TYPE_STRING))
    {
      const char *name = json_node_get_string (node);

      for (guint i = 0; i < n_allowed; i++)
        {
          if (strcmp (ops[allowed[i]].name, name) == 0)
            {
              *out = allowed[i];
              return TRUE;
            }
        }

      expected = join_ops (allowed, n_allowed);
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("unknown operator \"%s\"; expected one of %s"), name, expected);
    }

  expected = join_ops (allowed, n_allowed);
  return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                    _("expected an operator, one of %s"), expected);
}

/* A string or a number (booleans are not values: is_true/is_false). */
static gboolean
check_scalar (JsonNode    *node,
              const char  *path,
              GError     **error)
{
  double d;

  if (is_value_of_type (node, G_TYPE_STRING) || node_get_number (node, &d))
    return TRUE;

  if (is_value_of_type (node, G_TYPE_BOOLEAN))
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("a boolean is not a value; use the operator is_true or is_false"));
    }

  return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected a string or a number"));
}

static gboolean
check_moment (JsonNode    *node,
              const char  *path,
              GError     **error)
{
  if (!is_value_of_type (node, G_TYPE_STRING) ||
      classify_moment (json_node_get_string (node)) == MOMENT_NONE)
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("expected an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS)"));
    }

  return TRUE;
}

static gboolean
check_numeric (JsonNode    *node,
               const char  *path,
               GError     **error)
{
  gint64 mantissa;
  guint scale;

  if (!aud_segment_value_get_decimal (node, &mantissa, &scale))
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("expected a number or a numeric string"));
    }

  return TRUE;
}

typedef gboolean (*CheckFunc) (JsonNode    *node,
                               const char  *path,
                               GError     **error);

/* An array (of exactly @n elements unless @n is 0), each element passing
 * @check. */
static gboolean
check_array (JsonNode    *node,
             const char  *path,
             guint        n,
             CheckFunc    check,
             GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      (n != 0 && json_array_get_length (json_node_get_array (node)) != n))
    {
      if (n == 2)
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                          _("expected an array of two values [low, high]"));

      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected an array of values"));
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element = element_path (path, i);

      if (!check (json_array_get_element (array, i), element, error))
        return FALSE;
    }

  return TRUE;
}

/* Checks the shape of @value for @op; @path is the condition's. */
static gboolean
check_value (AudOp        op,
             JsonNode    *value,
             const char  *path,
             GError     **error)
{
  g_autofree char *value_path = member_path (path, "value");
  const char *text;
  gint64 days[2];

  if (ops[op].shape == VALUE_NONE)
    {
      if (value != NULL)
        {
          return set_error (error, AUD_SEGMENT_ERROR_INVALID, value_path,
                            _("operator \"%s\" takes no value"), ops[op].name);
        }
      return TRUE;
    }

  if (value == NULL)
    return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("missing key \"%s\""), "value");

  switch (ops[op].shape)
    {
    case VALUE_SCALAR:
      return check_scalar (value, value_path, error);

    case VALUE_TEXT:
      if (!read_string (value, value_path, TRUE, &text, error))
        return FALSE;
      if (op == AUD_OP_MATCHES)
        {
          g_autoptr(GRegex) regex = NULL;
          g_autoptr(GError) regex_error = NULL;

          regex = g_regex_new (text, 0, 0, &regex_error);
          if (regex == NULL)
            {
              return set_error (error, AUD_SEGMENT_ERROR_INVALID, value_path,
                                _("invalid regular expression: %s"), regex_error->message);
            }
        }
      return TRUE;

    case VALUE_MOMENT:
      return check_moment (value, value_path, error);

    case VALUE_LIST:
      return check_array (value, value_path, 0, check_scalar, error);

    case VALUE_RANGE:
      return check_array (value, value_path, 2, check_scalar, error);

    case VALUE_DAYS:
      return read_count (value, value_path, &days[0], error);

    case VALUE_YEARS:
      return read_count_pair (value, value_path, days, error);

    case VALUE_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* A field or property condition in @object, whose keys the caller checked.
 * @name_key is "field" or "property". */
static AudCondition *
parse_condition (JsonObject  *object,
                 const char  *path,
                 const char  *name_key,
                 GError     **error)
{
  g_autoptr(AudCondition) condition = g_new0 (AudCondition, 1);
  g_autofree char *name_path = member_path (path, name_key);
  g_autofree char *op_path = member_path (path, "op");
  JsonNode *op_node;
  JsonNode *value;
  JsonNode *case_node;
  const char *name;

  condition->path = g_strdup (path);

  if (!read_string (json_object_get_member (object, name_key), name_path, FALSE, &name, error))
    return NULL;
  condition->name = g_strdup (name);

  if ((op_node = require_member (object, path, "op", error)) == NULL ||
      !read_op (op_node, op_path, field_ops, G_N_ELEMENTS (field_ops), &condition->op, error))
    return NULL;

  value = json_object_get_member (object, "value");
  if (!check_value (condition->op, value, path, error))
    return NULL;
  if (value != NULL)
    condition->value = json_node_copy (value);

  case_node = json_object_get_member (object, "case_sensitive");
  if (case_node != NULL)
    {
      g_autofree char *case_path = member_path (path, "case_sensitive");

      if (!read_boolean (case_node, case_path, &condition->case_sensitive, error))
        return NULL;

      if (condition->case_sensitive && !ops[condition->op].text)
        {
          set_error (error, AUD_SEGMENT_ERROR_INVALID, case_path,
                     _("operator \"%s\" does not compare text; case_sensitive applies to eq, ne, "
                       "in, not_in, contains, not_contains, starts_with, ends_with, matches"),
                     ops[condition->op].name);
          return NULL;
        }
    }

  return g_steal_pointer (&condition);
}

static AudSegmentNode *parse_node (JsonNode    *json,
                                   const char  *path,
                                   GError     **error);

static gboolean
parse_group (AudSegmentNode  *node,
             JsonObject      *object,
             const char      *path,
             GError         **error)
{
  const char *key = kind_keys[node->kind];
  g_autofree char *group_path = member_path (path, key);
  JsonNode *member = json_object_get_member (object, key);
  JsonArray *array;

  if (node->kind == AUD_NODE_NOT)
    {
      AudSegmentNode *child;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          return set_error (error, AUD_SEGMENT_ERROR_INVALID, group_path,
                            _("expected a node (an object)"));
        }

      if ((child = parse_node (member, group_path, error)) == NULL)
        return FALSE;

      g_ptr_array_add (node->children, child);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, group_path,
                        _("expected an array of nodes"));
    }

  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child_path = element_path (group_path, i);
      AudSegmentNode *child;

      if ((child = parse_node (json_array_get_element (array, i), child_path, error)) == NULL)
        return FALSE;

      g_ptr_array_add (node->children, child);
    }

  return TRUE;
}

static gboolean
parse_event_names (AudSegmentNode  *node,
                   JsonNode        *member,
                   const char      *path,
                   GError         **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (is_value_of_type (member, G_TYPE_STRING) && json_node_get_string (member)[0] != '\0')
    {
      g_strv_builder_add (builder, json_node_get_string (member));
      node->event_names = g_strv_builder_end (builder);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (member) || json_array_get_length (json_node_get_array (member)) == 0)
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("expected an event name, a non-empty array of event names, or \"*\""));
    }

  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element = element_path (path, i);
      const char *name;

      if (!read_string (json_array_get_element (array, i), element, FALSE, &name, error))
        return FALSE;

      if (strcmp (name, "*") == 0)
        {
          return set_error (error, AUD_SEGMENT_ERROR_INVALID, element,
                            _("\"*\" (any event) stands alone, not inside an array"));
        }

      g_strv_builder_add (builder, name);
    }

  node->event_names = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
parse_when (AudWhen     *when,
            JsonNode    *member,
            const char  *path,
            GError     **error)
{
  JsonObject *object;
  JsonNode *value;

  if ((object = read_object (member, path, error)) == NULL ||
      !check_keys (object, path, when_keys, error))
    return FALSE;

  if (json_object_get_size (object) != 1)
    {
      g_autofree char *expected = g_strjoinv (", ", (char **)when_keys);

      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("expected exactly one of %s"), expected);
    }

  if ((value = json_object_get_member (object, "within_last_days")) != NULL)
    {
      g_autofree char *value_path = member_path (path, "within_last_days");

      when->kind = AUD_WHEN_WITHIN_LAST_DAYS;
      return read_count (value, value_path, &when->days, error);
    }

  if ((value = json_object_get_member (object, "more_than_days_ago")) != NULL)
    {
      g_autofree char *value_path = member_path (path, "more_than_days_ago");

      when->kind = AUD_WHEN_MORE_THAN_DAYS_AGO;
      return read_count (value, value_path, &when->days, error);
    }

  {
    g_autofree char *value_path = member_path (path, "between");
    JsonArray *array;

    value = json_object_get_member (object, "between");
    if (!JSON_NODE_HOLDS_ARRAY (value) || json_array_get_length (json_node_get_array (value)) != 2)
      {
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, value_path,
                          _("expected an array of two dates or date-times [from, to]"));
      }

    if (!check_array (value, value_path, 2, check_moment, error))
      return FALSE;

    array = json_node_get_array (value);
    when->kind = AUD_WHEN_BETWEEN;
    when->from = g_strdup (json_array_get_string_element (array, 0));
    when->to = g_strdup (json_array_get_string_element (array, 1));
    return TRUE;
  }
}

static gboolean
parse_count (AudSegmentNode  *node,
             JsonNode        *member,
             const char      *path,
             GError         **error)
{
  g_autofree char *op_path = member_path (path, "op");
  g_autofree char *value_path = member_path (path, "value");
  JsonObject *object;
  JsonNode *op_node;
  JsonNode *value;

  if ((object = read_object (member, path, error)) == NULL ||
      !check_keys (object, path, count_keys, error) ||
      (op_node = require_member (object, path, "op", error)) == NULL ||
      !read_op (op_node, op_path, count_ops, G_N_ELEMENTS (count_ops), &node->count_op, error) ||
      (value = require_member (object, path, "value", error)) == NULL)
    return FALSE;

  if (node->count_op == AUD_OP_BETWEEN)
    return read_count_pair (value, value_path, node->count_value, error);

  if (!read_count (value, value_path, &node->count_value[0], error))
    return FALSE;

  node->count_value[1] = node->count_value[0];
  return TRUE;
}

static gboolean
parse_aggregate (AudSegmentNode  *node,
                 JsonNode        *member,
                 const char      *path,
                 GError         **error)
{
  g_autoptr(AudCondition) condition = g_new0 (AudCondition, 1);
  g_autofree char *fn_path = member_path (path, "fn");
  g_autofree char *property_path = member_path (path, "property");
  g_autofree char *op_path = member_path (path, "op");
  g_autofree char *value_path = member_path (path, "value");
  JsonObject *object;
  JsonNode *fn_node;
  JsonNode *property_node;
  JsonNode *op_node;
  JsonNode *value;
  const char *fn = NULL;
  const char *property;

  if ((object = read_object (member, path, error)) == NULL ||
      !check_keys (object, path, aggregate_keys, error) ||
      (fn_node = require_member (object, path, "fn", error)) == NULL)
    return FALSE;

  if (is_value_of_type (fn_node, G_TYPE_STRING))
    {
      fn = json_node_get_string (fn_node);
      for (guint i = AUD_AGG_SUM; i <= AUD_AGG_MAX; i++)
        {
          if (strcmp (fn, aggregate_names[i]) == 0)
            node->aggregate = i;
        }
    }

  if (node->aggregate == AUD_AGG_NONE)
    {
      if (fn != NULL)
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, fn_path,
                          _("unknown function \"%s\"; expected one of %s"), fn,
                          "sum, avg, min, max");

      return set_error (error, AUD_SEGMENT_ERROR_INVALID, fn_path,
                        _("expected a function, one of %s"), "sum, avg, min, max");
    }

  if ((property_node = require_member (object, path, "property", error)) == NULL ||
      !read_string (property_node, property_path, FALSE, &property, error) ||
      (op_node = require_member (object, path, "op", error)) == NULL ||
      !read_op (op_node, op_path, aggregate_ops, G_N_ELEMENTS (aggregate_ops),
                &condition->op, error) ||
      (value = require_member (object, path, "value", error)) == NULL)
    return FALSE;

  if (condition->op == AUD_OP_BETWEEN)
    {
      if (!check_array (value, value_path, 2, check_numeric, error))
        return FALSE;
    }
  else if (!check_numeric (value, value_path, error))
    return FALSE;

  condition->name = g_strdup (property);
  condition->value = json_node_copy (value);
  condition->path = g_strdup (path);
  node->aggregate_condition = g_steal_pointer (&condition);

  return TRUE;
}

static gboolean
check_exclusive (JsonObject  *object,
                 const char  *path,
                 const char  *key,
                 const char  *other,
                 GError     **error)
{
  if (json_object_has_member (object, key) && json_object_has_member (object, other))
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                        _("\"%s\" and \"%s\" cannot be used together"), key, other);
    }

  return TRUE;
}

static gboolean
parse_event (AudSegmentNode  *node,
             JsonObject      *object,
             const char      *path,
             GError         **error)
{
  g_autofree char *event_path = member_path (path, "event");
  JsonNode *member;

  if (!parse_event_names (node, json_object_get_member (object, "event"), event_path, error))
    return FALSE;

  node->where = g_ptr_array_new_with_free_func ((GDestroyNotify)condition_free);
  if ((member = json_object_get_member (object, "where")) != NULL)
    {
      g_autofree char *where_path = member_path (path, "where");
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          return set_error (error, AUD_SEGMENT_ERROR_INVALID, where_path,
                            _("expected an array of property conditions"));
        }

      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *condition_path = element_path (where_path, i);
          JsonObject *condition_object;
          AudCondition *condition;

          if ((condition_object = read_object (json_array_get_element (array, i),
                                               condition_path, error)) == NULL ||
              !check_keys (condition_object, condition_path, where_keys, error) ||
              require_member (condition_object, condition_path, "property", error) == NULL ||
              (condition = parse_condition (condition_object, condition_path, "property",
                                            error)) == NULL)
            return FALSE;

          g_ptr_array_add (node->where, condition);
        }
    }

  if ((member = json_object_get_member (object, "when")) != NULL)
    {
      g_autofree char *when_path = member_path (path, "when");

      if (!parse_when (&node->when, member, when_path, error))
        return FALSE;
    }

  if ((member = json_object_get_member (object, "count")) != NULL)
    {
      g_autofree char *count_path = member_path (path, "count");

      if (!parse_count (node, member, count_path, error))
        return FALSE;
    }

  if ((member = json_object_get_member (object, "distinct")) != NULL)
    {
      g_autofree char *distinct_path = member_path (path, "distinct");
      const char *property;

      if (!read_string (member, distinct_path, FALSE, &property, error))
        return FALSE;
      node->distinct = g_strdup (property);
    }

  if ((member = json_object_get_member (object, "aggregate")) != NULL)
    {
      g_autofree char *aggregate_path = member_path (path, "aggregate");

      if (!parse_aggregate (node, member, aggregate_path, error))
        return FALSE;
    }

  if ((member = json_object_get_member (object, "occurrence")) != NULL)
    {
      g_autofree char *occurrence_path = member_path (path, "occurrence");
      const char *occurrence = NULL;

      if (is_value_of_type (member, G_TYPE_STRING))
        {
          occurrence = json_node_get_string (member);
          if (strcmp (occurrence, "first") == 0)
            node->occurrence = AUD_OCCURRENCE_FIRST;
          else if (strcmp (occurrence, "last") == 0)
            node->occurrence = AUD_OCCURRENCE_LAST;
        }

      if (node->occurrence == AUD_OCCURRENCE_ANY)
        {
          if (occurrence != NULL)
            return set_error (error, AUD_SEGMENT_ERROR_INVALID, occurrence_path,
                              _("unknown occurrence \"%s\"; expected one of %s"), occurrence,
                              "first, last");

          return set_error (error, AUD_SEGMENT_ERROR_INVALID, occurrence_path,
                            _("expected one of %s"), "first, last");
        }

      if (node->when.kind == AUD_WHEN_ALWAYS)
        {
          return set_error (error, AUD_SEGMENT_ERROR_INVALID, occurrence_path,
                            _("\"occurrence\" needs \"when\""));
        }
    }

  return check_exclusive (object, path, "distinct", "aggregate", error) &&
         check_exclusive (object, path, "count", "aggregate", error) &&
         check_exclusive (object, path, "occurrence", "count", error) &&
         check_exclusive (object, path, "occurrence", "distinct", error) &&
         check_exclusive (object, path, "occurrence", "aggregate", error);
}

static gboolean
read_bounded_number (JsonObject  *object,
                     const char  *path,
                     const char  *key,
                     double       min,
                     double       max,
                     double      *out,
                     GError     **error)
{
  g_autofree char *key_path = member_path (path, key);
  JsonNode *member;

  if ((member = require_member (object, path, key, error)) == NULL)
    return FALSE;

  if (!node_get_number (member, out) || *out < min || *out > max)
    {
      if (max == G_MAXDOUBLE)
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, key_path,
                          _("expected a non-negative number"));

      return set_error (error, AUD_SEGMENT_ERROR_INVALID, key_path,
                        _("expected a number from %g to %g"), min, max);
    }

  return TRUE;
}

static gboolean
parse_near (AudSegmentNode  *node,
            JsonObject      *object,
            const char      *path,
            GError         **error)
{
  g_autofree char *near_path = member_path (path, "near");
  JsonObject *near;

  return (near = read_object (json_object_get_member (object, "near"), near_path, error)) != NULL &&
         check_keys (near, near_path, near_keys, error) &&
         read_bounded_number (near, near_path, "lat", -90, 90, &node->lat, error) &&
         read_bounded_number (near, near_path, "lon", -180, 180, &node->lon, error) &&
         read_bounded_number (near, near_path, "km", 0, G_MAXDOUBLE, &node->km, error);
}

static gboolean
read_bucket_bound (JsonObject  *object,
                   const char  *path,
                   const char  *key,
                   int         *out,
                   GError     **error)
{
  g_autofree char *key_path = member_path (path, key);
  JsonNode *member;
  gint64 value;

  if ((member = require_member (object, path, key, error)) == NULL)
    return FALSE;

  if (!node_get_integer (member, &value) || value < 0 || value > 99)
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, key_path,
                        _("expected an integer from 0 to 99"));
    }

  *out = value;
  return TRUE;
}

static gboolean
parse_bucket (AudSegmentNode  *node,
              JsonObject      *object,
              const char      *path,
              GError         **error)
{
  g_autofree char *bucket_path = member_path (path, "bucket");
  g_autofree char *salt_path = NULL;
  JsonObject *bucket;
  JsonNode *salt_node;
  const char *salt;

  bucket = read_object (json_object_get_member (object, "bucket"), bucket_path, error);
  if (bucket == NULL ||
      !check_keys (bucket, bucket_path, bucket_keys, error) ||
      !read_bucket_bound (bucket, bucket_path, "from", &node->bucket_from, error) ||
      !read_bucket_bound (bucket, bucket_path, "to", &node->bucket_to, error) ||
      (salt_node = require_member (bucket, bucket_path, "salt", error)) == NULL)
    return FALSE;

  salt_path = member_path (bucket_path, "salt");
  if (!read_string (salt_node, salt_path, TRUE, &salt, error))
    return FALSE;
  node->bucket_salt = g_strdup (salt);

  if (node->bucket_from > node->bucket_to)
    {
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, bucket_path,
                        _("\"from\" (%d) is greater than \"to\" (%d)"),
                        node->bucket_from, node->bucket_to);
    }

  return TRUE;
}

/* One node at @path; NULL with @error set on the first problem. */
static AudSegmentNode *
parse_node (JsonNode    *json,
            const char  *path,
            GError     **error)
{
  g_autoptr(AudSegmentNode) node = NULL;
  JsonObject *object;
  JsonNode *disabled;
  const char *found = NULL;
  AudNodeKind kind = AUD_NODE_ALL;
  gboolean ok = FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                 _("expected a node (an object with one of the keys %s)"),
                 "all, any, not, field, event, near, segment, bucket");
      return NULL;
    }

  object = json_node_get_object (json);
  for (guint i = 0; kind_keys[i] != NULL; i++)
    {
      if (!json_object_has_member (object, kind_keys[i]))
        continue;

      if (found != NULL)
        {
          set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                     _("a node has exactly one of the keys %s; found both \"%s\" and \"%s\""),
                     "all, any, not, field, event, near, segment, bucket", found, kind_keys[i]);
          return NULL;
        }

      found = kind_keys[i];
      kind = i;
    }

  if (found == NULL)
    {
      set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                 _("expected one of the keys %s"),
                 "all, any, not, field, event, near, segment, bucket");
      return NULL;
    }

  if (!check_keys (object, path, node_keys[kind], error))
    return NULL;

  node = node_new (kind);
  node->path = g_strdup (path);

  if ((disabled = json_object_get_member (object, "disabled")) != NULL)
    {
      g_autofree char *disabled_path = member_path (path, "disabled");

      if (!read_boolean (disabled, disabled_path, &node->disabled, error))
        return NULL;
    }

  switch (kind)
    {
    case AUD_NODE_ALL:
    case AUD_NODE_ANY:
    case AUD_NODE_NOT:
      ok = parse_group (node, object, path, error);
      break;

    case AUD_NODE_FIELD:
      node->condition = parse_condition (object, path, "field", error);
      ok = node->condition != NULL;
      break;

    case AUD_NODE_EVENT:
      ok = parse_event (node, object, path, error);
      break;

    case AUD_NODE_NEAR:
      ok = parse_near (node, object, path, error);
      break;

    case AUD_NODE_SEGMENT:
      {
        g_autofree char *segment_path = member_path (path, "segment");
        const char *name;

        ok = read_string (json_object_get_member (object, "segment"), segment_path, FALSE, &name,
                          error);
        if (ok)
          node->segment_name = g_strdup (name);
      }
      break;

    case AUD_NODE_BUCKET:
      ok = parse_bucket (node, object, path, error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return NULL;

  return g_steal_pointer (&node);
}

/* json-glib silently wraps integer literals outside gint64 (and may turn
 * huge exponents into infinity), and cuts strings at an escaped NUL; refuse
 * such numbers and strings in the text so no value ever changes unnoticed.
 * @json is valid JSON. */
static gboolean
check_literals (const char  *json,
                gsize        length,
                GError     **error)
{
  gboolean in_string = FALSE;
  guint line = 1;
  gsize line_start = 0;

  for (gsize i = 0; i < length; i++)
    {
      gsize end = i;
      gboolean integer = TRUE;
      g_autofree char *token = NULL;
      gint64 value;

      if (in_string)
        {
          if (i + 6 <= length && memcmp (json + i, "\\u0000", 6) == 0)
            {
              g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_SYNTAX,
                           _("line %u, column %u: a string contains the character U+0000"),
                           line, (guint)(i - line_start + 1));
              return FALSE;
            }
          if (json[i] == '\\')
            i++;
          else if (json[i] == '"')
            in_string = FALSE;
          continue;
        }

      if (json[i] == '"')
        {
          in_string = TRUE;
          continue;
        }

      if (json[i] == '\n')
        {
          line++;
          line_start = i + 1;
          continue;
        }

      if (json[i] != '-' && !g_ascii_isdigit (json[i]))
        continue;

      while (end < length && strchr ("+-0123456789.eE", json[end]) != NULL && json[end] != '\0')
        {
          if (strchr (".eE", json[end]) != NULL)
            integer = FALSE;
          end++;
        }

      token = g_strndup (json + i, end - i);
      if (integer ? !g_ascii_string_to_signed (token, 10, G_MININT64, G_MAXINT64, &value, NULL)
                  : !isfinite (g_ascii_strtod (token, NULL)))
        {
          g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_SYNTAX,
                       _("line %u, column %u: the number %s is too large"),
                       line, (guint)(i - line_start + 1), token);
          return FALSE;
        }

      i = end - 1;
    }

  return TRUE;
}

/**
 * aud_segment_parse_node:
 * @node: a segment definition (a JSON object)
 * @error: return location for an error
 *
 * Checks the whole definition (SEGMENT-FORMAT.md) and builds the tree, with
 * every node's path and canonical JSON set. Names are not checked against a
 * workspace: see aud_segment_resolve(). Any thread.
 *
 * Returns: (transfer full): the segment, or %NULL with @error set (in
 *   %AUD_SEGMENT_ERROR, the message naming the JSON path)
 */
AudSegment *
aud_segment_parse_node (JsonNode  *node,
                        GError   **error)
{
  g_autoptr(AudSegment) segment = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *text;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_error (error, AUD_SEGMENT_ERROR_SYNTAX, NULL,
                 _("a segment definition is a JSON object"));
      return NULL;
    }

  object = json_node_get_object (node);
  if (!check_keys (object, NULL, definition_keys, error))
    return NULL;

  if ((member = json_object_get_member (object, "format")) != NULL)
    {
      gint64 format;

      if (!node_get_integer (member, &format))
        {
          set_error (error, AUD_SEGMENT_ERROR_INVALID, "format", _("expected the number 1"));
          return NULL;
        }

      if (format != 1)
        {
          set_error (error, AUD_SEGMENT_ERROR_INVALID, "format",
                     _("unsupported format %lld; expected 1"), (long long)format);
          return NULL;
        }
    }

  segment = g_new0 (AudSegment, 1);

  if ((member = json_object_get_member (object, "name")) != NULL)
    {
      if (!read_string (member, "name", TRUE, &text, error))
        return NULL;
      if (text[0] != '\0')
        segment->name = g_strdup (text);
    }

  if ((member = json_object_get_member (object, "description")) != NULL)
    {
      if (!read_string (member, "description", TRUE, &text, error))
        return NULL;
      if (text[0] != '\0')
        segment->description = g_strdup (text);
    }

  if ((member = require_member (object, NULL, "match", error)) == NULL ||
      (segment->root = parse_node (member, "match", error)) == NULL)
    return NULL;

  aud_segment_node_update (segment->root, "match");

  return g_steal_pointer (&segment);
}

/**
 * aud_segment_parse:
 * @json: the definition's text (UTF-8)
 * @length: its length in bytes, or -1 if nul-terminated
 * @error: return location for an error
 *
 * Parses a definition; see aud_segment_parse_node(). Text that is not JSON
 * fails with %AUD_SEGMENT_ERROR_SYNTAX (line and column in the message).
 *
 * Returns: (transfer full): the segment, or %NULL with @error set
 */
AudSegment *
aud_segment_parse (const char  *json,
                   gssize       length,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (length < 0)
    length = strlen (json);

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      guint line, column;
      int consumed = 0;

      /* json-glib says "<data>:LINE:COLUMN: Parse error: …". */
      if (sscanf (local_error->message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 &&
          consumed > 0)
        g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_SYNTAX,
                     _("line %u, column %u: not valid JSON: %s"), line, column,
                     local_error->message + consumed);
      else
        g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_SYNTAX,
                     _("not valid JSON: %s"), local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      set_error (error, AUD_SEGMENT_ERROR_SYNTAX, NULL, _("the document is empty"));
      return NULL;
    }

  if (!check_literals (json, length, error))
    return NULL;

  return aud_segment_parse_node (json_parser_get_root (parser), error);
}

/**
 * aud_segment_load:
 * @path: a segment file
 * @error: return location for an error
 *
 * Reads and parses a segment file; errors start with the file name.
 *
 * Returns: (transfer full): the segment, or %NULL with @error set
 */
AudSegment *
aud_segment_load (const char  *path,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  AudSegment *segment;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  segment = aud_segment_parse (contents, length, error);
  if (segment == NULL)
    {
      display = g_filename_display_name (path);
      g_prefix_error (error, "%s: ", display);
    }

  return segment;
}

/* Canonical JSON ---------------------------------------------------------- */

static gboolean
is_scalar (JsonNode *node)
{
  return !JSON_NODE_HOLDS_OBJECT (node) && !JSON_NODE_HOLDS_ARRAY (node);
}

static void
write_indent (GString *out,
              int      indent)
{
  g_string_append_c (out, '\n');
  for (int i = 0; i < indent; i++)
    g_string_append_c (out, ' ');
}

/* Writes @node: compact when @indent < 0, else pretty at @indent. Object
 * members in insertion order. */
static void
write_json (GString  *out,
            JsonNode *node,
            int       indent)
{
  gboolean pretty = indent >= 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *member;
      gboolean first = TRUE;

      g_string_append_c (out, '{');
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &key, &member))
        {
          if (!first)
            g_string_append_c (out, ',');
          if (pretty)
            write_indent (out, indent + 2);
          aud_value_append_json_string (out, key, -1);
          g_string_append (out, pretty ? ": " : ":");
          write_json (out, member, pretty ? indent + 2 : -1);
          first = FALSE;
        }
      if (pretty && !first)
        write_indent (out, indent);
      g_string_append_c (out, '}');
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint length = json_array_get_length (array);
      gboolean inline_array = TRUE;

      for (guint i = 0; i < length; i++)
        inline_array = inline_array && is_scalar (json_array_get_element (array, i));

      g_string_append_c (out, '[');
      for (guint i = 0; i < length; i++)
        {
          if (i > 0)
            g_string_append (out, pretty && inline_array ? ", " : ",");
          if (pretty && !inline_array)
            write_indent (out, indent + 2);
          write_json (out, json_array_get_element (array, i), pretty ? indent + 2 : -1);
        }
      if (pretty && !inline_array && length > 0)
        write_indent (out, indent);
      g_string_append_c (out, ']');
    }
  else if (JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
    }
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      aud_value_append_json_string (out, json_node_get_string (node), -1);
    }
  else
    {
      g_autofree char *text = aud_segment_value_dup_text (node);

      g_string_append (out, text);
    }
}

static JsonObject *
condition_to_object (const AudCondition *condition,
                     const char         *name_key)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, name_key, condition->name);
  json_object_set_string_member (object, "op", ops[condition->op].name);
  if (condition->value != NULL)
    json_object_set_member (object, "value", json_node_copy (condition->value));
  if (condition->case_sensitive)
    json_object_set_boolean_member (object, "case_sensitive", TRUE);

  return object;
}

static JsonNode *
count_pair_to_json (const gint64 values[2])
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_array_add_int_element (array, values[0]);
  json_array_add_int_element (array, values[1]);
  json_node_take_array (node, array);

  return node;
}

static void
add_event_members (JsonObject           *object,
                   const AudSegmentNode *node)
{
  if (g_strv_length (node->event_names) == 1)
    {
      json_object_set_string_member (object, "event", node->event_names[0]);
    }
  else
    {
      JsonArray *names = json_array_new ();

      for (guint i = 0; node->event_names[i] != NULL; i++)
        json_array_add_string_element (names, node->event_names[i]);
      json_object_set_array_member (object, "event", names);
    }

  if (node->where != NULL && node->where->len > 0)
    {
      JsonArray *where = json_array_new ();

      for (guint i = 0; i < node->where->len; i++)
        json_array_add_object_element (where,
                                       condition_to_object (g_ptr_array_index (node->where, i),
                                                            "property"));
      json_object_set_array_member (object, "where", where);
    }

  if (node->when.kind != AUD_WHEN_ALWAYS)
    {
      JsonObject *when = json_object_new ();

      if (node->when.kind == AUD_WHEN_WITHIN_LAST_DAYS)
        json_object_set_int_member (when, "within_last_days", node->when.days);
      else if (node->when.kind == AUD_WHEN_MORE_THAN_DAYS_AGO)
        json_object_set_int_member (when, "more_than_days_ago", node->when.days);
      else
        {
          JsonArray *between = json_array_new ();

          json_array_add_string_element (between, node->when.from);
          json_array_add_string_element (between, node->when.to);
          json_object_set_array_member (when, "between", between);
        }
      json_object_set_object_member (object, "when", when);
    }

  if (node->count_op != AUD_OP_GE || node->count_value[0] != 1)
    {
      JsonObject *count = json_object_new ();

      json_object_set_string_member (count, "op", ops[node->count_op].name);
      if (node->count_op == AUD_OP_BETWEEN)
        json_object_set_member (count, "value", count_pair_to_json (node->count_value));
      else
        json_object_set_int_member (count, "value", node->count_value[0]);
      json_object_set_object_member (object, "count", count);
    }

  if (node->distinct != NULL)
    json_object_set_string_member (object, "distinct", node->distinct);

  if (node->aggregate != AUD_AGG_NONE && node->aggregate_condition != NULL)
    {
      const AudCondition *condition = node->aggregate_condition;
      JsonObject *aggregate = json_object_new ();

      json_object_set_string_member (aggregate, "fn", aggregate_names[node->aggregate]);
      json_object_set_string_member (aggregate, "property", condition->name);
      json_object_set_string_member (aggregate, "op", ops[condition->op].name);
      json_object_set_member (aggregate, "value", json_node_copy (condition->value));
      json_object_set_object_member (object, "aggregate", aggregate);
    }

  if (node->occurrence != AUD_OCCURRENCE_ANY)
    json_object_set_string_member (object, "occurrence", occurrence_names[node->occurrence]);
}

/**
 * aud_segment_node_to_json:
 * @node: a node
 *
 * The node in canonical form (see the top of aud-segment.c), as a JSON
 * object whose members are in canonical order.
 *
 * Returns: (transfer full): the JSON
 */
JsonNode *
aud_segment_node_to_json (const AudSegmentNode *node)
{
  JsonObject *object;
  JsonNode *json;

  g_return_val_if_fail (node != NULL, NULL);

  object = json_object_new ();

  switch (node->kind)
    {
    case AUD_NODE_ALL:
    case AUD_NODE_ANY:
      {
        JsonArray *children = json_array_new ();

        for (guint i = 0; i < node->children->len; i++)
          json_array_add_element (children,
                                  aud_segment_node_to_json (g_ptr_array_index (node->children, i)));
        json_object_set_array_member (object, kind_keys[node->kind], children);
      }
      break;

    case AUD_NODE_NOT:
      if (node->children->len > 0)
        json_object_set_member (object, "not",
                                aud_segment_node_to_json (g_ptr_array_index (node->children, 0)));
      else
        json_object_set_null_member (object, "not");
      break;

    case AUD_NODE_FIELD:
      json_object_unref (object);
      object = condition_to_object (node->condition, "field");
      break;

    case AUD_NODE_EVENT:
      add_event_members (object, node);
      break;

    case AUD_NODE_NEAR:
      {
        JsonObject *near = json_object_new ();

        json_object_set_double_member (near, "lat", node->lat);
        json_object_set_double_member (near, "lon", node->lon);
        json_object_set_double_member (near, "km", node->km);
        json_object_set_object_member (object, "near", near);
      }
      break;

    case AUD_NODE_SEGMENT:
      json_object_set_string_member (object, "segment", node->segment_name);
      break;

    case AUD_NODE_BUCKET:
      {
        JsonObject *bucket = json_object_new ();

        json_object_set_int_member (bucket, "from", node->bucket_from);
        json_object_set_int_member (bucket, "to", node->bucket_to);
        json_object_set_string_member (bucket, "salt", node->bucket_salt);
        json_object_set_object_member (object, "bucket", bucket);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (node->disabled)
    json_object_set_boolean_member (object, "disabled", TRUE);

  json = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (json, object);
  return json;
}

static char *
node_to_string (JsonNode *json,
                gboolean  pretty)
{
  GString *out = g_string_new (NULL);

  write_json (out, json, pretty ? 0 : -1);
  if (pretty)
    g_string_append_c (out, '\n');

  return g_string_free (out, FALSE);
}

/**
 * aud_segment_node_update:
 * @node: a node
 * @path: the node's JSON path ("match" for a root)
 *
 * Recomputes the paths and canonical strings of @node and everything below
 * it (not of a resolved `segment_root`, which has its own). Call it after
 * building or editing a tree by hand.
 */
void
aud_segment_node_update (AudSegmentNode *node,
                         const char     *path)
{
  g_autoptr(JsonNode) json = NULL;

  g_return_if_fail (node != NULL);
  g_return_if_fail (path != NULL);

  if (node->path != path)
    {
      g_free (node->path);
      node->path = g_strdup (path);
    }

  if (node->children != NULL)
    {
      for (guint i = 0; i < node->children->len; i++)
        {
          g_autofree char *key_path = member_path (path, kind_keys[node->kind]);
          g_autofree char *child_path = node->kind == AUD_NODE_NOT ? g_strdup (key_path)
                                                                   : element_path (key_path, i);

          aud_segment_node_update (g_ptr_array_index (node->children, i), child_path);
        }
    }

  if (node->condition != NULL)
    replace_str (&node->condition->path, path);

  if (node->where != NULL)
    {
      g_autofree char *where_path = member_path (path, "where");

      for (guint i = 0; i < node->where->len; i++)
        {
          AudCondition *condition = g_ptr_array_index (node->where, i);

          g_free (condition->path);
          condition->path = element_path (where_path, i);
        }
    }

  if (node->aggregate_condition != NULL)
    {
      g_free (node->aggregate_condition->path);
      node->aggregate_condition->path = member_path (path, "aggregate");
    }

  if (node->kind == AUD_NODE_NOT && (node->children == NULL || node->children->len != 1))
    {
      g_clear_pointer (&node->canonical, g_free);
      return;
    }

  json = aud_segment_node_to_json (node);
  g_free (node->canonical);
  node->canonical = node_to_string (json, FALSE);
}

/**
 * aud_segment_to_json:
 * @segment: a segment
 * @pretty: indent (for files) instead of the compact canonical form
 *
 * The whole definition in canonical form: parsing it again gives the same
 * string. Equal definitions give equal strings.
 *
 * Returns: (transfer full): the JSON text
 */
char *
aud_segment_to_json (const AudSegment *segment,
                     gboolean          pretty)
{
  g_autoptr(JsonNode) json = NULL;
  JsonObject *object;

  g_return_val_if_fail (segment != NULL, NULL);
  g_return_val_if_fail (segment->root != NULL, NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "format", 1);
  if (segment->name != NULL && segment->name[0] != '\0')
    json_object_set_string_member (object, "name", segment->name);
  if (segment->description != NULL && segment->description[0] != '\0')
    json_object_set_string_member (object, "description", segment->description);
  json_object_set_member (object, "match", aud_segment_node_to_json (segment->root));
  json = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (json, object);

  return node_to_string (json, pretty);
}

/* Resolving --------------------------------------------------------------- */

/* Optimal string alignment distance (Levenshtein plus transpositions),
 * ignoring case. */
static guint
edit_distance (const char *a,
               const char *b)
{
  g_autofree char *fold_a = g_utf8_casefold (a, -1);
  g_autofree char *fold_b = g_utf8_casefold (b, -1);
  glong n, m;
  g_autofree gunichar *s = g_utf8_to_ucs4_fast (fold_a, -1, &n);
  g_autofree gunichar *t = g_utf8_to_ucs4_fast (fold_b, -1, &m);
  g_autofree guint *rows = g_new (guint, 3 * (m + 1));
  guint *previous2 = rows;
  guint *previous = rows + (m + 1);
  guint *current = rows + 2 * (m + 1);

  for (glong j = 0; j <= m; j++)
    previous[j] = j;

  for (glong i = 1; i <= n; i++)
    {
      current[0] = i;
      for (glong j = 1; j <= m; j++)
        {
          guint cost = s[i - 1] == t[j - 1] ? 0 : 1;

          current[j] = MIN (MIN (previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
          if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1])
            current[j] = MIN (current[j], previous2[j - 2] + 1);
        }

      {
        guint *rotate = previous2;

        previous2 = previous;
        previous = current;
        current = rotate;
      }
    }

  return previous[m];
}

typedef struct
{
  const char *name;
  guint       distance;
  guint       index;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;

  if (ca->distance != cb->distance)
    return ca->distance < cb->distance ? -1 : 1;

  return ca->index < cb->index ? -1 : ca->index > cb->index;
}

typedef enum
{
  NAME_FIELD,
  NAME_PROPERTY,
  NAME_EVENT,
  NAME_SEGMENT,
} NameKind;

/* Sets an "unknown name" error listing @names (char *), closest first, with
 * a suggestion when one is close. @message is the first sentence. */
static gboolean
set_unknown_name_error (GError      **error,
                        const char   *path,
                        NameKind      kind,
                        const char   *name,
                        GPtrArray    *names,
                        const char   *message)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *listed = NULL;
  glong length = g_utf8_strlen (name, -1);
  guint threshold = length <= 3 ? 1 : MAX (2, length / 3);
  const Candidate *best;

  if (names->len == 0)
    {
      const char *none[] = {
        [NAME_FIELD] = _("the workspace has no fields"),
        [NAME_PROPERTY] = _("the workspace has no event properties"),
        [NAME_EVENT] = _("the workspace has no events"),
        [NAME_SEGMENT] = _("the workspace has no saved segments"),
      };

      return set_error (error, AUD_SEGMENT_ERROR_UNKNOWN_NAME, path, "%s; %s", message, none[kind]);
    }

  for (guint i = 0; i < names->len; i++)
    {
      Candidate candidate = { g_ptr_array_index (names, i), 0, i };

      candidate.distance = edit_distance (name, candidate.name);
      g_array_append_val (candidates, candidate);
    }
  g_array_sort (candidates, compare_candidates);

  for (guint i = 0; i < candidates->len && i < MAX_LISTED_NAMES; i++)
    {
      if (i > 0)
        g_string_append (list, ", ");
      g_string_append (list, g_array_index (candidates, Candidate, i).name);
    }
  if (candidates->len > MAX_LISTED_NAMES)
    g_string_append (list, ", …");

  switch (kind)
    {
    case NAME_FIELD:
      listed = g_strdup_printf (_("Fields: %s"), list->str);
      break;

    case NAME_PROPERTY:
      listed = g_strdup_printf (_("Properties: %s"), list->str);
      break;

    case NAME_EVENT:
      listed = g_strdup_printf (_("Events: %s"), list->str);
      break;

    case NAME_SEGMENT:
    default:
      listed = g_strdup_printf (_("Saved segments: %s"), list->str);
      break;
    }

  best = &g_array_index (candidates, Candidate, 0);
  if (best->distance <= threshold)
    {
      return set_error (error, AUD_SEGMENT_ERROR_UNKNOWN_NAME, path,
                        _("%s; did you mean \"%s\"? %s"), message, best->name, listed);
    }

  return set_error (error, AUD_SEGMENT_ERROR_UNKNOWN_NAME, path, "%s. %s", message, listed);
}

typedef struct
{
  AudStore   *store;
  GPtrArray  *chain;           /* (element-type utf8) segment names entered, outermost first */
  guint       depth;           /* membership levels entered */
  char       *outer_path;      /* path of the outermost membership node */
  gboolean    chain_error;     /* the error names the chain: do not prefix it */
  gboolean    references_only; /* only follow memberships, tolerate missing ones */
} Resolver;

static gboolean resolve_node (Resolver        *resolver,
                              AudSegmentNode  *node,
                              GError         **error);

/* Looks up a customer field (@scope customer) or an event property; the
 * built-in properties when @builtin is not NULL. */
static gboolean
lookup_name (Resolver      *resolver,
             AudScope       scope,
             const char    *name,
             const char    *path,
             AudField     **field,
             int           *builtin,
             GError       **error)
{
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *message = NULL;

  if (scope == AUD_SCOPE_EVENT && (strcmp (name, "@hour") == 0 || strcmp (name, "@weekday") == 0))
    {
      if (builtin == NULL)
        {
          return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                            _("the built-in property \"%s\" cannot be used here"), name);
        }

      *builtin = strcmp (name, "@hour") == 0 ? BUILTIN_HOUR : BUILTIN_WEEKDAY;
      return TRUE;
    }

  *field = aud_store_dup_field (resolver->store, scope, name);
  if (*field != NULL)
    return TRUE;

  fields = aud_store_list_fields (resolver->store, scope);
  names = g_ptr_array_new ();
  for (guint i = 0; i < fields->len; i++)
    g_ptr_array_add (names, ((AudField *)g_ptr_array_index (fields, i))->name);

  if (scope == AUD_SCOPE_CUSTOMER)
    {
      message = g_strdup_printf (_("unknown field \"%s\""), name);
      return set_unknown_name_error (error, path, NAME_FIELD, name, names, message);
    }

  if (builtin != NULL)
    {
      g_ptr_array_add (names, (char *)"@hour");
      g_ptr_array_add (names, (char *)"@weekday");
    }

  message = g_strdup_printf (_("unknown property \"%s\""), name);
  return set_unknown_name_error (error, path, NAME_PROPERTY, name, names, message);
}

/* Checks one value of a condition against the field's type. */
static gboolean
check_typed_value (JsonNode      *value,
                   const char    *path,
                   AudFieldType   type,
                   GError       **error)
{
  gint64 mantissa;
  guint scale;
  Moment moment = MOMENT_NONE;

  if (is_value_of_type (value, G_TYPE_STRING))
    moment = classify_moment (json_node_get_string (value));

  switch (type)
    {
    case AUD_FIELD_TEXT:
    case AUD_FIELD_CATEGORY:
      if (!is_value_of_type (value, G_TYPE_STRING))
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected a string"));
      return TRUE;

    case AUD_FIELD_INTEGER:
      if (!aud_segment_value_get_decimal (value, &mantissa, &scale) ||
          !decimal_is_integer (mantissa, scale))
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected an integer"));
      return TRUE;

    case AUD_FIELD_DECIMAL:
      if (!aud_segment_value_get_decimal (value, &mantissa, &scale))
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                          _("expected a decimal number (a JSON number or a numeric string)"));
      return TRUE;

    case AUD_FIELD_DATE:
      if (moment != MOMENT_DATE)
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                          _("expected an ISO date (YYYY-MM-DD)"));
      return TRUE;

    case AUD_FIELD_DATETIME:
      if (moment == MOMENT_NONE)
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, path,
                          _("expected an ISO date (YYYY-MM-DD) or date-time "
                            "(YYYY-MM-DDTHH:MM:SS)"));
      return TRUE;

    case AUD_FIELD_BOOLEAN:
    default:
      return set_error (error, AUD_SEGMENT_ERROR_INVALID, path, _("expected no value"));
    }
}

/* Checks @condition's operator and values against @type. */
static gboolean
check_condition_type (const AudCondition  *condition,
                      AudScope             scope,
                      AudFieldType         type,
                      GError             **error)
{
  g_autofree char *value_path = member_path (condition->path, "value");
  const AudOp *allowed;
  guint n_allowed;
  gboolean found = FALSE;

  allowed = aud_field_type_get_ops (type, &n_allowed);
  for (guint i = 0; i < n_allowed; i++)
    found = found || allowed[i] == condition->op;

  if (!found)
    {
      g_autofree char *op_path = member_path (condition->path, "op");
      g_autofree char *expected = join_ops (allowed, n_allowed);
      const char *type_name = aud_field_type_to_string (type);

      if (scope == AUD_SCOPE_CUSTOMER)
        return set_error (error, AUD_SEGMENT_ERROR_INVALID, op_path,
                          _("operator \"%s\" does not apply to the %s field \"%s\"; "
                            "%s fields take %s"),
                          ops[condition->op].name, type_name, condition->name, type_name, expected);

      return set_error (error, AUD_SEGMENT_ERROR_INVALID, op_path,
                        _("operator \"%s\" does not apply to the %s property \"%s\"; "
                          "%s properties take %s"),
                        ops[condition->op].name, type_name, condition->name, type_name, expected);
    }

  if (condition->case_sensitive && type != AUD_FIELD_TEXT && type != AUD_FIELD_CATEGORY)
    {
      g_autofree char *case_path = member_path (condition->path, "case_sensitive");

      return set_error (error, AUD_SEGMENT_ERROR_INVALID, case_path,
                        _("case_sensitive applies to text only; \"%s\" is %s"),
                        condition->name, aud_field_type_to_string (type));
    }

  switch (ops[condition->op].shape)
    {
    case VALUE_SCALAR:
    case VALUE_MOMENT:
      return check_typed_value (condition->value, value_path, type, error);

    case VALUE_LIST:
    case VALUE_RANGE:
      {
        JsonArray *array = json_node_get_array (condition->value);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *element = element_path (value_path, i);

            if (!check_typed_value (json_array_get_element (array, i), element, type, error))
              return FALSE;
          }
      }
      return TRUE;

    case VALUE_NONE:
    case VALUE_TEXT:
    case VALUE_DAYS:
    case VALUE_YEARS:
    default:
      return TRUE;
    }
}

static gboolean
resolve_condition (Resolver      *resolver,
                   AudCondition  *condition,
                   AudScope       scope,
                   GError       **error)
{
  g_autofree char *name_path = member_path (condition->path,
                                            scope == AUD_SCOPE_CUSTOMER ? "field" : "property");
  AudFieldType type = AUD_FIELD_INTEGER; /* the built-in properties */

  if (!lookup_name (resolver, scope, condition->name, name_path, &condition->field,
                    scope == AUD_SCOPE_EVENT ? &condition->builtin : NULL, error))
    return FALSE;

  if (condition->field != NULL)
    type = condition->field->type;

  return check_condition_type (condition, scope, type, error);
}

static gboolean
resolve_event (Resolver        *resolver,
               AudSegmentNode  *node,
               GError         **error)
{
  guint n_names = g_strv_length (node->event_names);

  if (strcmp (node->event_names[0], "*") != 0)
    {
      node->event_ids = g_new0 (gint64, n_names);
      for (guint i = 0; i < n_names; i++)
        {
          g_autoptr(GPtrArray) names = NULL;
          g_autofree char *event_path = NULL;
          g_autofree char *message = NULL;

          node->event_ids[i] = aud_store_lookup_event_name (resolver->store, node->event_names[i]);
          if (node->event_ids[i] >= 0)
            continue;

          event_path = member_path (node->path, "event");
          if (n_names > 1)
            {
              char *element = element_path (event_path, i);

              g_free (event_path);
              event_path = element;
            }

          names = aud_store_list_event_names (resolver->store);
          message = g_strdup_printf (_("unknown event \"%s\""), node->event_names[i]);
          return set_unknown_name_error (error, event_path, NAME_EVENT, node->event_names[i],
                                         names, message);
        }
    }

  for (guint i = 0; i < node->where->len; i++)
    {
      if (!resolve_condition (resolver, g_ptr_array_index (node->where, i), AUD_SCOPE_EVENT, error))
        return FALSE;
    }

  if (node->distinct != NULL)
    {
      g_autofree char *distinct_path = member_path (node->path, "distinct");

      if (!lookup_name (resolver, AUD_SCOPE_EVENT, node->distinct, distinct_path,
                        &node->distinct_field, NULL, error))
        return FALSE;
    }

  if (node->aggregate_condition != NULL)
    {
      AudCondition *condition = node->aggregate_condition;
      g_autofree char *property_path = member_path (condition->path, "property");

      if (!lookup_name (resolver, AUD_SCOPE_EVENT, condition->name, property_path,
                        &condition->field, NULL, error))
        return FALSE;

      if (condition->field->type != AUD_FIELD_INTEGER &&
          condition->field->type != AUD_FIELD_DECIMAL)
        {
          return set_error (error, AUD_SEGMENT_ERROR_INVALID, property_path,
                            _("\"%s\" needs a numeric property; \"%s\" is %s"),
                            aggregate_names[node->aggregate], condition->name,
                            aud_field_type_to_string (condition->field->type));
        }
    }

  return TRUE;
}

/* "\"a\" -> \"b\" -> \"c\"": the chain from @from on, then @last. */
static char *
format_chain (GPtrArray  *chain,
              guint       from,
              const char *last)
{
  GString *str = g_string_new (NULL);

  for (guint i = from; i < chain->len; i++)
    g_string_append_printf (str, "\"%s\" -> ", (const char *)g_ptr_array_index (chain, i));
  g_string_append_printf (str, "\"%s\"", last);

  return g_string_free (str, FALSE);
}

static gboolean
resolve_membership (Resolver        *resolver,
                    AudSegmentNode  *node,
                    GError         **error)
{
  g_autofree char *segment_path = member_path (node->path, "segment");
  const char *path = resolver->depth > 0 ? resolver->outer_path : segment_path;
  const char *name = node->segment_name;
  g_autoptr(AudSegment) saved = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  for (guint i = 0; i < resolver->chain->len; i++)
    {
      if (strcmp (g_ptr_array_index (resolver->chain, i), name) == 0)
        {
          g_autofree char *chain = format_chain (resolver->chain, i, name);

          resolver->chain_error = TRUE;
          return set_error (error, AUD_SEGMENT_ERROR_CYCLE, path,
                            _("segment %s is a cycle"), chain);
        }
    }

  saved = aud_segment_lookup (resolver->store, name, &local_error);
  if (saved == NULL)
    {
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *message = NULL;

      if (!g_error_matches (local_error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (resolver->references_only)
        return TRUE;

      if ((names = aud_segment_list_names (resolver->store, error)) == NULL)
        return FALSE;

      if (resolver->depth > 0)
        {
          g_autofree char *chain = format_chain (resolver->chain, 0, name);

          message = g_strdup_printf (_("unknown segment \"%s\" (reached by %s)"), name, chain);
        }
      else
        message = g_strdup_printf (_("unknown segment \"%s\""), name);

      resolver->chain_error = TRUE;
      return set_unknown_name_error (error, path, NAME_SEGMENT, name, names, message);
    }

  if (resolver->depth == 0)
    replace_str (&resolver->outer_path, segment_path);

  g_ptr_array_add (resolver->chain, (char *)name);
  resolver->depth++;
  ok = resolve_node (resolver, saved->root, error);
  resolver->depth--;
  g_ptr_array_set_size (resolver->chain, resolver->chain->len - 1);

  if (!ok)
    {
      if (!resolver->chain_error)
        g_prefix_error (error, _("%s: in segment \"%s\": "), segment_path, name);
      return FALSE;
    }

  if (!resolver->references_only)
    node->segment_root = g_steal_pointer (&saved->root);

  return TRUE;
}

static gboolean
resolve_node (Resolver        *resolver,
              AudSegmentNode  *node,
              GError         **error)
{
  if (node->disabled)
    return TRUE;

  switch (node->kind)
    {
    case AUD_NODE_ALL:
    case AUD_NODE_ANY:
    case AUD_NODE_NOT:
      for (guint i = 0; i < node->children->len; i++)
        {
          if (!resolve_node (resolver, g_ptr_array_index (node->children, i), error))
            return FALSE;
        }
      return TRUE;

    case AUD_NODE_FIELD:
      return resolver->references_only ||
             resolve_condition (resolver, node->condition, AUD_SCOPE_CUSTOMER, error);

    case AUD_NODE_EVENT:
      return resolver->references_only || resolve_event (resolver, node, error);

    case AUD_NODE_SEGMENT:
      return resolve_membership (resolver, node, error);

    case AUD_NODE_NEAR:
    case AUD_NODE_BUCKET:
    default:
      return TRUE;
    }
}

/* Walks @root's memberships (starting the chain at @name); fails on a cycle,
 * or on a missing reference unless @references_only. */
static gboolean
run_resolver (AudStore        *store,
              const char      *name,
              AudSegmentNode  *root,
              gboolean         references_only,
              GError         **error)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  Resolver resolver = { store, chain, 0, NULL, FALSE, references_only };
  gboolean ok;

  if (name != NULL)
    g_ptr_array_add (chain, (char *)name);

  ok = resolve_node (&resolver, root, error);
  g_free (resolver.outer_path);

  return ok;
}

/**
 * aud_segment_resolve:
 * @segment: a parsed segment
 * @store: the workspace
 * @error: return location for an error
 *
 * Checks every name against @store and fills in the resolved parts: the
 * catalog entry of each field and property (and @builtin), event name ids,
 * `distinct_field`, and `segment_root` of each membership (the referenced
 * definition's tree, itself resolved). Also checks each operator and value
 * against the type, and refreshes paths and canonical strings. Disabled nodes
 * are not resolved (the engine skips them). Resolving again is allowed.
 *
 * The segment's own name starts the chain of references, so a definition
 * named "a" that reaches "a" again is a cycle even before it is saved.
 *
 * Thread: the one using @store.
 *
 * Returns: %FALSE with @error set (%AUD_SEGMENT_ERROR_UNKNOWN_NAME,
 *   %AUD_SEGMENT_ERROR_INVALID, %AUD_SEGMENT_ERROR_CYCLE, or a store error)
 */
gboolean
aud_segment_resolve (AudSegment  *segment,
                     AudStore    *store,
                     GError     **error)
{
  g_return_val_if_fail (segment != NULL, FALSE);
  g_return_val_if_fail (segment->root != NULL, FALSE);
  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);

  aud_segment_node_update (segment->root, "match");
  clear_resolved (segment->root);

  return run_resolver (store, segment->name, segment->root, FALSE, error);
}

/* Saved segments ---------------------------------------------------------- */

static gboolean
segment_exists (AudStore    *store,
                const char  *name,
                gboolean    *exists,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = aud_store_prepare (store, "SELECT 1 FROM segments WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return FALSE;
    }

  *exists = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
check_saved_name (const char  *name,
                  GError     **error)
{
  if (name == NULL || name[0] == '\0')
    return set_error (error, AUD_SEGMENT_ERROR_INVALID, NULL,
                      _("a saved segment needs a name"));

  return TRUE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * aud_segment_save:
 * @store: the workspace
 * @segment: a segment with a name
 * @replace: whether to replace a saved segment of the same name
 * @error: return location for an error
 *
 * Saves the canonical definition under `segment->name`. Fails with
 * %AUD_SEGMENT_ERROR_EXISTS when the name is taken and not @replace, and
 * with %AUD_SEGMENT_ERROR_CYCLE when the definition would reach itself
 * through saved segments. References to segments not saved yet are allowed
 * (aud_segment_resolve() reports them).
 *
 * Returns: %FALSE with @error set
 */
gboolean
aud_segment_save (AudStore          *store,
                  const AudSegment  *segment,
                  gboolean           replace,
                  GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(AudSegment) check = NULL;
  g_autoptr(AudSegment) copy = NULL;
  g_autofree char *definition = NULL;
  gboolean exists = FALSE;

  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);
  g_return_val_if_fail (segment != NULL, FALSE);
  g_return_val_if_fail (segment->root != NULL, FALSE);

  if (!check_saved_name (segment->name, error))
    return FALSE;

  definition = aud_segment_to_json (segment, FALSE);
  if ((check = aud_segment_parse (definition, -1, error)) == NULL)
    {
      g_prefix_error (error, _("segment \"%s\": "), segment->name);
      return FALSE;
    }

  copy = aud_segment_copy (segment);
  if (!run_resolver (store, copy->name, copy->root, TRUE, error))
    return FALSE;

  if (!replace)
    {
      if (!segment_exists (store, segment->name, &exists, error))
        return FALSE;

      if (exists)
        {
          return set_error (error, AUD_SEGMENT_ERROR_EXISTS, NULL,
                            _("there is already a saved segment named \"%s\""), segment->name);
        }
    }

  stmt = aud_store_prepare (store,
                            "INSERT INTO segments (name, definition, created, modified) "
                            "VALUES (?1, ?2, ?3, ?3) "
                            "ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, "
                            "modified = excluded.modified",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, segment->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, definition, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());

  return aud_store_step_done (store, stmt, error);
}

/**
 * aud_segment_lookup:
 * @store: the workspace
 * @name: a saved segment's name
 * @error: return location for an error
 *
 * Loads and parses a saved segment (not resolved). Fails with
 * %AUD_SEGMENT_ERROR_UNKNOWN_NAME when there is none of that name.
 *
 * Returns: (transfer full): the segment, its name the saved name
 */
AudSegment *
aud_segment_lookup (AudStore    *store,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  AudSegment *segment;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = aud_store_prepare (store, "SELECT definition FROM segments WHERE name = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      set_error (error, AUD_SEGMENT_ERROR_UNKNOWN_NAME, NULL,
                 _("there is no saved segment named \"%s\""), name);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      aud_store_set_error (store, rc, error);
      return NULL;
    }

  segment = aud_segment_parse ((const char *)sqlite3_column_text (stmt, 0),
                               sqlite3_column_bytes (stmt, 0), error);
  if (segment == NULL)
    {
      g_prefix_error (error, _("saved segment \"%s\": "), name);
      return NULL;
    }

  replace_str (&segment->name, name);
  return segment;
}

/**
 * aud_segment_delete:
 * @store: the workspace
 * @name: a saved segment's name
 * @error: return location for an error
 *
 * Deletes a saved segment. Segments referring to it are left as they are
 * (resolving them then reports the missing reference).
 *
 * Returns: %FALSE with @error set (%AUD_SEGMENT_ERROR_UNKNOWN_NAME if there
 *   is none of that name)
 */
gboolean
aud_segment_delete (AudStore    *store,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  stmt = aud_store_prepare (store, "DELETE FROM segments WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (!aud_store_step_done (store, stmt, error))
    return FALSE;

  if (sqlite3_changes (aud_store_get_db (store)) == 0)
    {
      return set_error (error, AUD_SEGMENT_ERROR_UNKNOWN_NAME, NULL,
                        _("there is no saved segment named \"%s\""), name);
    }

  return TRUE;
}

/* Renames membership references in @node's subtree; TRUE if any changed. */
static gboolean
rename_references (AudSegmentNode *node,
                   const char     *name,
                   const char     *new_name)
{
  gboolean changed = FALSE;

  if (node->children != NULL)
    {
      for (guint i = 0; i < node->children->len; i++)
        changed |= rename_references (g_ptr_array_index (node->children, i), name, new_name);
    }

  if (node->kind == AUD_NODE_SEGMENT && strcmp (node->segment_name, name) == 0)
    {
      replace_str (&node->segment_name, new_name);
      changed = TRUE;
    }

  return changed;
}

static gboolean
update_definition (AudStore          *store,
                   const char        *name,
                   const AudSegment  *segment,
                   GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *definition = aud_segment_to_json (segment, FALSE);

  stmt = aud_store_prepare (store, "UPDATE segments SET definition = ?2 WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, definition, -1, SQLITE_TRANSIENT);

  return aud_store_step_done (store, stmt, error);
}

static gboolean
rename_in_transaction (AudStore    *store,
                       const char  *name,
                       const char  *new_name,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(AudSegment) renamed = NULL;
  g_autoptr(GPtrArray) names = NULL;
  gboolean exists = FALSE;

  if ((renamed = aud_segment_lookup (store, name, error)) == NULL ||
      !segment_exists (store, new_name, &exists, error))
    return FALSE;

  if (exists)
    {
      return set_error (error, AUD_SEGMENT_ERROR_EXISTS, NULL,
                        _("there is already a saved segment named \"%s\""), new_name);
    }

  stmt = aud_store_prepare (store,
                            "UPDATE segments SET name = ?2, modified = ?3 WHERE name = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, new_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  if (!aud_store_step_done (store, stmt, error))
    return FALSE;

  /* Every definition that names the segment follows it, and the renamed
   * definition's own "name" is the new one. */
  if ((names = aud_segment_list_names (store, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < names->len; i++)
    {
      const char *other_name = g_ptr_array_index (names, i);
      g_autoptr(AudSegment) other = NULL;

      if ((other = aud_segment_lookup (store, other_name, error)) == NULL)
        return FALSE;

      if ((rename_references (other->root, name, new_name) || strcmp (other_name, new_name) == 0) &&
          !update_definition (store, other_name, other, error))
        return FALSE;
    }

  /* A reference to a segment not saved yet may have been waiting for
   * @new_name. */
  replace_str (&renamed->name, new_name);
  rename_references (renamed->root, name, new_name);

  return run_resolver (store, new_name, renamed->root, TRUE, error);
}

/**
 * aud_segment_rename:
 * @store: the workspace
 * @name: a saved segment's name
 * @new_name: its new name
 * @error: return location for an error
 *
 * Renames a saved segment, and every membership reference to it in the
 * other saved segments. All or nothing.
 *
 * Returns: %FALSE with @error set (%AUD_SEGMENT_ERROR_UNKNOWN_NAME,
 *   %AUD_SEGMENT_ERROR_EXISTS, %AUD_SEGMENT_ERROR_CYCLE)
 */
gboolean
aud_segment_rename (AudStore    *store,
                    const char  *name,
                    const char  *new_name,
                    GError     **error)
{
  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!check_saved_name (new_name, error))
    return FALSE;

  if (strcmp (name, new_name) == 0)
    {
      g_autoptr(AudSegment) segment = aud_segment_lookup (store, name, error);

      return segment != NULL;
    }

  if (!aud_store_begin (store, error))
    return FALSE;

  if (!rename_in_transaction (store, name, new_name, error))
    {
      aud_store_rollback (store);
      return FALSE;
    }

  return aud_store_commit (store, error);
}

/**
 * aud_segment_list_names:
 * @store: the workspace
 * @error: return location for an error
 *
 * Returns: (element-type utf8) (transfer full): the saved segments' names,
 *   sorted, or %NULL with @error set
 */
GPtrArray *
aud_segment_list_names (AudStore  *store,
                        GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);

  stmt = aud_store_prepare (store, "SELECT name FROM segments ORDER BY name", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      aud_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&names);
}
