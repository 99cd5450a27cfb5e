/* test-segment.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "aud-segment.h"

static AudSegment *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  AudSegment *segment;

  segment = aud_segment_parse (json, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (segment);

  return segment;
}

static AudSegment *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  AudSegment *segment;

  segment = aud_segment_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (segment);

  return segment;
}

static char *
canonical_of (const char *json)
{
  g_autoptr(AudSegment) segment = parse_ok (json);

  return aud_segment_to_json (segment, FALSE);
}

static AudSegmentNode *
child (AudSegmentNode *node,
       guint           index)
{
  g_assert_nonnull (node->children);
  g_assert_cmpuint (index, <, node->children->len);

  return g_ptr_array_index (node->children, index);
}

/* Parsing ----------------------------------------------------------------- */

static void
test_segment_parse_all_kinds (void)
{
  g_autoptr(AudSegment) segment = load_fixture ("seg-all-kinds.json");
  AudSegmentNode *root = segment->root;
  AudSegmentNode *any;
  AudSegmentNode *node;
  AudCondition *condition;
  gboolean seen[AUD_OP_IS_FALSE + 1] = { FALSE, };

  g_assert_cmpstr (segment->name, ==, "Every kind");
  g_assert_true (g_str_has_prefix (segment->description,
                                   "All node kinds and operators: «ünïcode»"));
  g_assert_cmpint (root->kind, ==, AUD_NODE_ALL);
  g_assert_cmpstr (root->path, ==, "match");
  g_assert_cmpuint (root->children->len, ==, 36);

  /* Every field operator appears in the fixture. */
  for (guint i = 0; i < 30; i++)
    {
      node = child (root, i);
      g_assert_cmpint (node->kind, ==, AUD_NODE_FIELD);
      seen[node->condition->op] = TRUE;
    }
  for (guint op = 0; op <= AUD_OP_IS_FALSE; op++)
    {
      if (!seen[op])
        g_error ("operator %s is not in the fixture", aud_op_to_string (op));
    }

  node = child (root, 1);
  g_assert_cmpstr (node->path, ==, "match.all[1]");
  g_assert_cmpstr (node->condition->path, ==, "match.all[1]");
  g_assert_cmpstr (node->condition->name, ==, "country");
  g_assert_cmpint (node->condition->op, ==, AUD_OP_NE);
  g_assert_true (node->condition->case_sensitive);
  g_assert_cmpstr (json_node_get_string (node->condition->value), ==, "FR");

  node = child (root, 9);
  g_assert_cmpint (node->condition->op, ==, AUD_OP_BLANK);
  g_assert_null (node->condition->value);
  g_assert_true (child (root, 10)->disabled);
  g_assert_false (child (root, 9)->disabled);

  any = child (root, 30);
  g_assert_cmpint (any->kind, ==, AUD_NODE_ANY);
  g_assert_cmpuint (any->children->len, ==, 13);

  node = child (any, 0);
  g_assert_cmpint (node->kind, ==, AUD_NODE_EVENT);
  g_assert_cmpstr (node->path, ==, "match.all[30].any[0]");
  g_assert_cmpstrv (node->event_names, ((const char *[]) { "purchase", NULL }));
  g_assert_cmpint (node->when.kind, ==, AUD_WHEN_WITHIN_LAST_DAYS);
  g_assert_cmpint (node->when.days, ==, 30);
  g_assert_cmpint (node->count_op, ==, AUD_OP_GE);
  g_assert_cmpint (node->count_value[0], ==, 1);
  g_assert_cmpint (node->occurrence, ==, AUD_OCCURRENCE_ANY);
  g_assert_cmpint (node->aggregate, ==, AUD_AGG_NONE);

  node = child (any, 1);
  g_assert_cmpstrv (node->event_names, ((const char *[]) { "login", "app_open", NULL }));
  g_assert_cmpint (node->count_op, ==, AUD_OP_EQ);
  g_assert_cmpint (node->count_value[0], ==, 0);

  node = child (any, 2);
  g_assert_cmpstrv (node->event_names, ((const char *[]) { "*", NULL }));
  g_assert_cmpint (node->when.kind, ==, AUD_WHEN_MORE_THAN_DAYS_AGO);
  g_assert_cmpint (node->occurrence, ==, AUD_OCCURRENCE_LAST);

  node = child (any, 3);
  g_assert_cmpint (node->when.kind, ==, AUD_WHEN_BETWEEN);
  g_assert_cmpstr (node->when.from, ==, "2024-01-01");
  g_assert_cmpstr (node->when.to, ==, "2024-03-31T23:59:59+02:00");
  g_assert_cmpint (node->occurrence, ==, AUD_OCCURRENCE_FIRST);

  node = child (any, 4);
  g_assert_cmpuint (node->where->len, ==, 3);
  condition = g_ptr_array_index (node->where, 1);
  g_assert_cmpstr (condition->name, ==, "@hour");
  g_assert_cmpstr (condition->path, ==, "match.all[30].any[4].where[1]");
  g_assert_cmpint (condition->op, ==, AUD_OP_BETWEEN);
  g_assert_cmpint (node->count_op, ==, AUD_OP_BETWEEN);
  g_assert_cmpint (node->count_value[0], ==, 2);
  g_assert_cmpint (node->count_value[1], ==, 10);

  node = child (any, 5);
  g_assert_cmpstr (node->distinct, ==, "feature");
  g_assert_cmpint (node->count_value[0], ==, 3);

  node = child (any, 6);
  g_assert_cmpint (node->aggregate, ==, AUD_AGG_SUM);
  g_assert_cmpstr (node->aggregate_condition->name, ==, "amount");
  g_assert_cmpint (node->aggregate_condition->op, ==, AUD_OP_GT);
  g_assert_cmpstr (node->aggregate_condition->path, ==, "match.all[30].any[6].aggregate");
  g_assert_cmpint (child (any, 7)->aggregate, ==, AUD_AGG_AVG);
  g_assert_cmpint (child (any, 8)->aggregate, ==, AUD_AGG_MIN);
  g_assert_cmpint (child (any, 9)->aggregate, ==, AUD_AGG_MAX);
  g_assert_cmpint (child (any, 10)->count_op, ==, AUD_OP_GT);
  g_assert_cmpint (child (any, 11)->count_op, ==, AUD_OP_LT);
  g_assert_cmpint (child (any, 12)->count_op, ==, AUD_OP_LE);

  node = child (root, 31);
  g_assert_cmpint (node->kind, ==, AUD_NODE_NOT);
  g_assert_cmpuint (node->children->len, ==, 1);
  g_assert_cmpint (child (node, 0)->kind, ==, AUD_NODE_SEGMENT);
  g_assert_cmpstr (child (node, 0)->path, ==, "match.all[31].not");
  g_assert_cmpstr (child (node, 0)->segment_name, ==, "Churned");
  g_assert_null (child (node, 0)->segment_root);

  node = child (root, 32);
  g_assert_cmpint (node->kind, ==, AUD_NODE_NEAR);
  g_assert_cmpfloat (node->lat, ==, 52.52);
  g_assert_cmpfloat (node->lon, ==, 13.405);
  g_assert_cmpfloat (node->km, ==, 25);

  node = child (root, 33);
  g_assert_cmpint (node->kind, ==, AUD_NODE_BUCKET);
  g_assert_cmpint (node->bucket_from, ==, 0);
  g_assert_cmpint (node->bucket_to, ==, 9);
  g_assert_cmpstr (node->bucket_salt, ==, "spring-test");

  g_assert_true (child (root, 34)->disabled);
  g_assert_cmpuint (child (root, 34)->children->len, ==, 0);
  g_assert_cmpint (child (root, 35)->kind, ==, AUD_NODE_ANY);

  /* Each node carries its own canonical JSON. */
  g_assert_cmpstr (child (root, 0)->canonical, ==,
                   "{\"field\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
  g_assert_cmpstr (child (root, 10)->canonical, ==,
                   "{\"field\":\"city\",\"op\":\"not_blank\",\"disabled\":true}");
  g_assert_cmpstr (child (any, 2)->canonical, ==,
                   "{\"event\":\"*\",\"when\":{\"more_than_days_ago\":60},"
                   "\"occurrence\":\"last\"}");
  g_assert_cmpstr (child (root, 31)->canonical, ==, "{\"not\":{\"segment\":\"Churned\"}}");
  g_assert_cmpstr (child (root, 33)->canonical, ==,
                   "{\"bucket\":{\"from\":0,\"to\":9,\"salt\":\"spring-test\"}}");
  g_assert_cmpstr (child (root, 35)->canonical, ==, "{\"any\":[]}");
}

static void
test_segment_parse_minimal (void)
{
  g_autoptr(AudSegment) segment = NULL;

  /* format, name and description are optional; empty ones are absent. */
  segment = parse_ok ("{\"match\": {\"all\": []}}");
  g_assert_null (segment->name);
  g_assert_null (segment->description);
  g_assert_cmpint (segment->root->kind, ==, AUD_NODE_ALL);
  g_clear_pointer (&segment, aud_segment_free);

  segment = parse_ok ("{\"name\": \"\", \"description\": \"\", \"match\": {\"segment\": \"x\"}}");
  g_assert_null (segment->name);
  g_assert_null (segment->description);
  g_assert_cmpstr (segment->root->path, ==, "match");
  g_assert_cmpstr (segment->root->segment_name, ==, "x");
}

/* Errors ------------------------------------------------------------------ */

static const struct
{
  const char      *json;
  AudSegmentError  code;
  const char      *message;
} error_cases[] = {
  /* Structure and keys. */
  { "[1, 2]", AUD_SEGMENT_ERROR_SYNTAX, "a segment definition is a JSON object" },
  { "{\"format\": 1}", AUD_SEGMENT_ERROR_INVALID, "missing key \"match\"" },
  { "{\"format\": 2, \"match\": {\"all\": []}}", AUD_SEGMENT_ERROR_INVALID,
    "format: unsupported format 2; expected 1" },
  { "{\"format\": \"1\", \"match\": {\"all\": []}}", AUD_SEGMENT_ERROR_INVALID,
    "format: expected the number 1" },
  { "{\"match\": {\"all\": []}, \"colour\": \"red\"}", AUD_SEGMENT_ERROR_INVALID,
    "unknown key \"colour\"; expected one of format, name, description, match" },
  { "{\"name\": 7, \"match\": {\"all\": []}}", AUD_SEGMENT_ERROR_INVALID,
    "name: expected a string" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"blank\", \"colour\": 1}}", AUD_SEGMENT_ERROR_INVALID,
    "match: unknown key \"colour\"; expected one of field, op, value, case_sensitive, disabled" },
  { "{\"match\": {\"event\": \"a\", \"property\": \"p\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match: unknown key \"property\"; expected one of event, where, when, count, distinct, "
    "aggregate, occurrence, disabled" },
  { "{\"match\": {\"all\": [{\"nothing\": 1}]}}", AUD_SEGMENT_ERROR_INVALID,
    "match.all[0]: expected one of the keys all, any, not, field, event, near, segment, bucket" },
  { "{\"match\": {\"all\": [{\"field\": \"a\", \"event\": \"b\"}]}}", AUD_SEGMENT_ERROR_INVALID,
    "match.all[0]: a node has exactly one of the keys all, any, not, field, event, near, segment, "
    "bucket; found both \"field\" and \"event\"" },
  { "{\"match\": {\"all\": [\"country\"]}}", AUD_SEGMENT_ERROR_INVALID,
    "match.all[0]: expected a node (an object with one of the keys all, any, not, field, event, "
    "near, segment, bucket)" },
  { "{\"match\": {\"all\": {\"field\": \"a\", \"op\": \"blank\"}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.all: expected an array of nodes" },
  { "{\"match\": {\"not\": [{\"field\": \"a\", \"op\": \"blank\"}]}}", AUD_SEGMENT_ERROR_INVALID,
    "match.not: expected a node (an object)" },
  { "{\"match\": {\"not\": {\"any\": [{\"field\": \"a\"}]}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.not.any[0]: missing key \"op\"" },
  { "{\"match\": {\"all\": [], \"disabled\": \"yes\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match.disabled: expected true or false" },

  /* Operators and values. */
  { "{\"match\": {\"all\": [{\"segment\": \"a\"}, {\"segment\": \"b\"}, "
    "{\"event\": \"x\", \"count\": {\"op\": \"gte\", \"value\": 1}}]}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.all[2].count.op: unknown operator \"gte\"; "
    "expected one of ge, gt, le, lt, eq, between" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"equals\", \"value\": 1}}", AUD_SEGMENT_ERROR_INVALID,
    "match.op: unknown operator \"equals\"; expected one of blank, not_blank, eq, ne, in, not_in, "
    "contains, not_contains, starts_with, ends_with, matches, lt, le, gt, ge, between, before, "
    "after, on, within_last_days, more_than_days_ago, within_next_days, age_between, "
    "birthday_within_days, is_true, is_false" },
  { "{\"match\": {\"field\": \"a\", \"op\": 3}}", AUD_SEGMENT_ERROR_INVALID,
    "match.op: expected an operator, one of blank, not_blank, eq, ne, in, not_in, contains, "
    "not_contains, starts_with, ends_with, matches, lt, le, gt, ge, between, before, after, on, "
    "within_last_days, more_than_days_ago, within_next_days, age_between, birthday_within_days, "
    "is_true, is_false" },
  { "{\"match\": {\"field\": \"\", \"op\": \"blank\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match.field: expected a non-empty string" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"eq\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match: missing key \"value\"" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"blank\", \"value\": null}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.value: operator \"blank\" takes no value" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"is_true\", \"value\": true}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.value: operator \"is_true\" takes no value" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"eq\", \"value\": true}}", AUD_SEGMENT_ERROR_INVALID,
    "match.value: a boolean is not a value; use the operator is_true or is_false" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"eq\", \"value\": [1]}}", AUD_SEGMENT_ERROR_INVALID,
    "match.value: expected a string or a number" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"in\", \"value\": \"DE\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match.value: expected an array of values" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"not_in\", \"value\": [\"DE\", null]}}",
    AUD_SEGMENT_ERROR_INVALID, "match.value[1]: expected a string or a number" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"between\", \"value\": [1, 2, 3]}}",
    AUD_SEGMENT_ERROR_INVALID, "match.value: expected an array of two values [low, high]" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"between\", \"value\": 1}}",
    AUD_SEGMENT_ERROR_INVALID, "match.value: expected an array of two values [low, high]" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"contains\", \"value\": 5}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.value: expected a string" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"matches\", \"value\": \"(unclosed\"}}",
    AUD_SEGMENT_ERROR_INVALID, NULL },
  { "{\"match\": {\"field\": \"a\", \"op\": \"before\", \"value\": \"03/05/2024\"}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.value: expected an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS)" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"on\", \"value\": \"2023-02-29\"}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.value: expected an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS)" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"within_last_days\", \"value\": -1}}",
    AUD_SEGMENT_ERROR_INVALID, "match.value: expected a non-negative integer" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"within_next_days\", \"value\": 1.5}}",
    AUD_SEGMENT_ERROR_INVALID, "match.value: expected a non-negative integer" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"birthday_within_days\", \"value\": \"7\"}}",
    AUD_SEGMENT_ERROR_INVALID, "match.value: expected a non-negative integer" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"age_between\", \"value\": [18, -1]}}",
    AUD_SEGMENT_ERROR_INVALID, "match.value[1]: expected a non-negative integer" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"age_between\", \"value\": [18]}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.value: expected an array of two non-negative integers [low, high]" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"gt\", \"value\": 1, \"case_sensitive\": true}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.case_sensitive: operator \"gt\" does not compare text; case_sensitive applies to eq, "
    "ne, in, not_in, contains, not_contains, starts_with, ends_with, matches" },
  { "{\"match\": {\"field\": \"a\", \"op\": \"eq\", \"value\": \"x\", \"case_sensitive\": 1}}",
    AUD_SEGMENT_ERROR_INVALID, "match.case_sensitive: expected true or false" },

  /* Events. */
  { "{\"match\": {\"event\": \"\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match.event: expected an event name, a non-empty array of event names, or \"*\"" },
  { "{\"match\": {\"event\": []}}", AUD_SEGMENT_ERROR_INVALID,
    "match.event: expected an event name, a non-empty array of event names, or \"*\"" },
  { "{\"match\": {\"event\": [\"a\", 3]}}", AUD_SEGMENT_ERROR_INVALID,
    "match.event[1]: expected a non-empty string" },
  { "{\"match\": {\"event\": [\"a\", \"*\"]}}", AUD_SEGMENT_ERROR_INVALID,
    "match.event[1]: \"*\" (any event) stands alone, not inside an array" },
  { "{\"match\": {\"event\": \"a\", \"where\": {\"property\": \"p\", \"op\": \"blank\"}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.where: expected an array of property conditions" },
  { "{\"match\": {\"any\": [{\"event\": \"a\", \"where\": [{\"property\": \"p\", \"op\": \"eq\", "
    "\"value\": \"x\"}, {\"property\": \"p\", \"op\": \"in\", \"value\": \"x\"}]}]}}",
    AUD_SEGMENT_ERROR_INVALID, "match.any[0].where[1].value: expected an array of values" },
  { "{\"match\": {\"event\": \"a\", \"where\": [{\"field\": \"p\", \"op\": \"blank\"}]}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.where[0]: unknown key \"field\"; expected one of property, op, value, case_sensitive" },
  { "{\"match\": {\"event\": \"a\", \"where\": [{\"property\": \"p\", \"op\": \"blank\", "
    "\"disabled\": true}]}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.where[0]: unknown key \"disabled\"; expected one of property, op, value, "
    "case_sensitive" },
  { "{\"match\": {\"event\": \"a\", \"where\": [{\"op\": \"blank\"}]}}",
    AUD_SEGMENT_ERROR_INVALID, "match.where[0]: missing key \"property\"" },
  { "{\"match\": {\"event\": \"a\", \"when\": {}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.when: expected exactly one of within_last_days, more_than_days_ago, between" },
  { "{\"match\": {\"event\": \"a\", \"when\": {\"within_last_days\": 3, \"more_than_days_ago\": "
    "1}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.when: expected exactly one of within_last_days, more_than_days_ago, between" },
  { "{\"match\": {\"event\": \"a\", \"when\": {\"within_next_days\": 3}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.when: unknown key \"within_next_days\"; expected one of within_last_days, "
    "more_than_days_ago, between" },
  { "{\"match\": {\"event\": \"a\", \"when\": {\"within_last_days\": \"30\"}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.when.within_last_days: expected a non-negative integer" },
  { "{\"match\": {\"event\": \"a\", \"when\": {\"between\": [\"2024-01-01\"]}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.when.between: expected an array of two dates or date-times [from, to]" },
  { "{\"match\": {\"event\": \"a\", \"when\": {\"between\": [\"2024-01-01\", \"2024-13-01\"]}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.when.between[1]: expected an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS)" },
  { "{\"match\": {\"event\": \"a\", \"when\": {\"between\": [\"2024-01-01\", "
    "\"2024-01-02T25:00\"]}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.when.between[1]: expected an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS)" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"op\": \"ge\"}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.count: missing key \"value\"" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"value\": 2}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.count: missing key \"op\"" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"op\": \"ne\", \"value\": 2}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.count.op: unknown operator \"ne\"; expected one of ge, gt, le, lt, eq, between" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"op\": \"ge\", \"value\": -2}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.count.value: expected a non-negative integer" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"op\": \"ge\", \"value\": 2.5}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.count.value: expected a non-negative integer" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"op\": \"between\", \"value\": 2}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.count.value: expected an array of two non-negative integers [low, high]" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"op\": \"eq\", \"value\": 1, \"unit\": \"x\"}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.count: unknown key \"unit\"; expected one of op, value" },
  { "{\"match\": {\"event\": \"a\", \"distinct\": \"\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match.distinct: expected a non-empty string" },
  { "{\"match\": {\"event\": \"a\", \"distinct\": \"p\", \"aggregate\": {\"fn\": \"sum\", "
    "\"property\": \"q\", \"op\": \"gt\", \"value\": 1}}}",
    AUD_SEGMENT_ERROR_INVALID, "match: \"distinct\" and \"aggregate\" cannot be used together" },
  { "{\"match\": {\"event\": \"a\", \"count\": {\"op\": \"ge\", \"value\": 1}, \"aggregate\": "
    "{\"fn\": \"sum\", \"property\": \"q\", \"op\": \"gt\", \"value\": 1}}}",
    AUD_SEGMENT_ERROR_INVALID, "match: \"count\" and \"aggregate\" cannot be used together" },
  { "{\"match\": {\"event\": \"a\", \"aggregate\": {\"fn\": \"median\", \"property\": \"q\", "
    "\"op\": \"gt\", \"value\": 1}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.aggregate.fn: unknown function \"median\"; expected one of sum, avg, min, max" },
  { "{\"match\": {\"event\": \"a\", \"aggregate\": {\"fn\": \"sum\", \"op\": \"gt\", \"value\": "
    "1}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.aggregate: missing key \"property\"" },
  { "{\"match\": {\"event\": \"a\", \"aggregate\": {\"fn\": \"sum\", \"property\": \"q\", "
    "\"op\": \"contains\", \"value\": 1}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.aggregate.op: unknown operator \"contains\"; expected one of eq, ne, lt, le, gt, ge, "
    "between" },
  { "{\"match\": {\"event\": \"a\", \"aggregate\": {\"fn\": \"sum\", \"property\": \"q\", "
    "\"op\": \"gt\", \"value\": \"lots\"}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.aggregate.value: expected a number or a numeric string" },
  { "{\"match\": {\"event\": \"a\", \"aggregate\": {\"fn\": \"sum\", \"property\": \"q\", "
    "\"op\": \"between\", \"value\": [1, \"x\"]}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.aggregate.value[1]: expected a number or a numeric string" },
  { "{\"match\": {\"event\": \"a\", \"occurrence\": \"first\"}}", AUD_SEGMENT_ERROR_INVALID,
    "match.occurrence: \"occurrence\" needs \"when\"" },
  { "{\"match\": {\"event\": \"a\", \"occurrence\": \"any\", \"when\": {\"within_last_days\": 1}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.occurrence: unknown occurrence \"any\"; expected one of first, last" },
  { "{\"match\": {\"event\": \"a\", \"occurrence\": \"last\", \"when\": {\"within_last_days\": 1}, "
    "\"count\": {\"op\": \"ge\", \"value\": 2}}}",
    AUD_SEGMENT_ERROR_INVALID, "match: \"occurrence\" and \"count\" cannot be used together" },

  /* Near, segment, bucket. */
  { "{\"match\": {\"near\": {\"lat\": 91, \"lon\": 0, \"km\": 1}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.near.lat: expected a number from -90 to 90" },
  { "{\"match\": {\"near\": {\"lat\": 0, \"lon\": -180.5, \"km\": 1}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.near.lon: expected a number from -180 to 180" },
  { "{\"match\": {\"near\": {\"lat\": 0, \"lon\": 0, \"km\": -1}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.near.km: expected a non-negative number" },
  { "{\"match\": {\"near\": {\"lat\": \"52.5\", \"lon\": 0, \"km\": 1}}}",
    AUD_SEGMENT_ERROR_INVALID,
    "match.near.lat: expected a number from -90 to 90" },
  { "{\"match\": {\"near\": {\"lat\": 0, \"lon\": 0}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.near: missing key \"km\"" },
  { "{\"match\": {\"near\": {\"lat\": 0, \"lon\": 0, \"km\": 1, \"miles\": 1}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.near: unknown key \"miles\"; expected one of lat, lon, km" },
  { "{\"match\": {\"segment\": 4}}", AUD_SEGMENT_ERROR_INVALID,
    "match.segment: expected a non-empty string" },
  { "{\"match\": {\"bucket\": {\"from\": 0, \"to\": 100, \"salt\": \"s\"}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.bucket.to: expected an integer from 0 to 99" },
  { "{\"match\": {\"bucket\": {\"from\": 50, \"to\": 10, \"salt\": \"s\"}}}",
    AUD_SEGMENT_ERROR_INVALID, "match.bucket: \"from\" (50) is greater than \"to\" (10)" },
  { "{\"match\": {\"bucket\": {\"from\": 0, \"to\": 10}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.bucket: missing key \"salt\"" },
  { "{\"match\": {\"bucket\": {\"from\": 0, \"to\": 10, \"salt\": 5}}}", AUD_SEGMENT_ERROR_INVALID,
    "match.bucket.salt: expected a string" },

  /* Text that is not JSON, and numbers JSON cannot carry exactly. */
  { "", AUD_SEGMENT_ERROR_SYNTAX, NULL },
  { "{\"match\": {\"all\": [}}", AUD_SEGMENT_ERROR_SYNTAX,
    "line 1, column 20: not valid JSON: Parse error: unexpected character `}', expected "
    "character `]'" },
  { "{\"match\":\n {\"event\": \"a\", \"count\": {\"op\": \"ge\", \"value\": "
    "12345678901234567890}}}",
    AUD_SEGMENT_ERROR_SYNTAX, "line 2, column 48: the number 12345678901234567890 is too large" },
  { "{\"match\": {\"near\": {\"lat\": 1e400, \"lon\": 0, \"km\": 1}}}", AUD_SEGMENT_ERROR_SYNTAX,
    "line 1, column 28: the number 1e400 is too large" },
  { "{\"match\": {\"segment\": \"a\\u0000b\"}}", AUD_SEGMENT_ERROR_SYNTAX,
    "line 1, column 25: a string contains the character U+0000" },
};

static void
test_segment_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AudSegment) segment = NULL;

      segment = aud_segment_parse (error_cases[i].json, -1, &error);
      if (segment != NULL)
        g_error ("expected an error for %s", error_cases[i].json);
      g_assert_error (error, AUD_SEGMENT_ERROR, error_cases[i].code);
      if (error_cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, error_cases[i].message);
    }
}

static void
test_segment_errors_regex (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = NULL;

  segment = aud_segment_parse ("{\"match\": {\"any\": [{\"field\": \"a\", \"op\": \"matches\", "
                               "\"value\": \"(unclosed\"}]}}", -1, &error);
  g_assert_null (segment);
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message,
                                   "match.any[0].value: invalid regular expression: "));
}

static void
test_segment_errors_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "seg-broken.json", NULL);
  g_autofree char *missing = g_build_filename (g_get_user_data_dir (), "seg-missing.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "{\"match\": {\"al\": []}}", -1, NULL));
  segment = aud_segment_load (path, &error);
  g_assert_null (segment);
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  expected = g_strdup_printf ("%s: match: expected one of the keys all, any, not, field, event, "
                              "near, segment, bucket", path);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  segment = aud_segment_load (missing, &error);
  g_assert_null (segment);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_unlink (path);
}

/* Canonical form ---------------------------------------------------------- */

static void
test_segment_canonical_stable (void)
{
  g_autoptr(AudSegment) a = load_fixture ("seg-canonical-a.json");
  g_autoptr(AudSegment) b = load_fixture ("seg-canonical-b.json");
  g_autofree char *json_a = aud_segment_to_json (a, FALSE);
  g_autofree char *json_b = aud_segment_to_json (b, FALSE);

  g_assert_cmpstr (json_a, ==,
                   "{\"format\":1,\"name\":\"Canon\",\"match\":{\"all\":["
                   "{\"field\":\"revenue\",\"op\":\"gt\",\"value\":500},"
                   "{\"event\":\"purchase\",\"when\":{\"within_last_days\":30}},"
                   "{\"not\":{\"field\":\"country\",\"op\":\"eq\",\"value\":\"DE\","
                   "\"case_sensitive\":true}},"
                   "{\"near\":{\"lat\":52.5,\"lon\":-0.1,\"km\":0.5}}]}}");
  g_assert_cmpstr (json_b, ==, json_a);
  g_assert_cmpstr (a->root->canonical, ==, b->root->canonical);
  for (guint i = 0; i < a->root->children->len; i++)
    g_assert_cmpstr (child (a->root, i)->canonical, ==, child (b->root, i)->canonical);
}

static void
test_segment_canonical_defaults (void)
{
  static const char * const same[][2] = {
    { "{\"match\": {\"event\": \"e\"}}",
      "{\"match\": {\"event\": \"e\", \"count\": {\"op\": \"ge\", \"value\": 1}}}" },
    { "{\"match\": {\"event\": \"e\"}}",
      "{\"match\": {\"event\": [\"e\"], \"where\": [], \"disabled\": false}}" },
    { "{\"match\": {\"field\": \"f\", \"op\": \"eq\", \"value\": \"x\"}}",
      "{\"format\": 1, \"match\": {\"case_sensitive\": false, \"value\": \"x\", \"op\": \"eq\", "
      "\"field\": \"f\"}}" },
    { "{\"match\": {\"field\": \"f\", \"op\": \"gt\", \"value\": 100}}",
      "{\"match\": {\"field\": \"f\", \"op\": \"gt\", \"value\": 1e2}}" },
    { "{\"match\": {\"field\": \"f\", \"op\": \"gt\", \"value\": 500}}",
      "{\"match\": {\"field\": \"f\", \"op\": \"gt\", \"value\": 500.00}}" },
    { "{\"match\": {\"bucket\": {\"from\": 5, \"to\": 7, \"salt\": \"\"}}}",
      "\t{ \"match\" :\n{\"bucket\":{\"salt\":\"\",\"to\":7.0,\"from\":5}}}\n" },
  };
  static const char * const different[][2] = {
    { "{\"match\": {\"event\": \"e\"}}",
      "{\"match\": {\"event\": \"e\", \"count\": {\"op\": \"ge\", \"value\": 2}}}" },
    { "{\"match\": {\"field\": \"f\", \"op\": \"eq\", \"value\": \"500\"}}",
      "{\"match\": {\"field\": \"f\", \"op\": \"eq\", \"value\": 500}}" },
    { "{\"match\": {\"field\": \"f\", \"op\": \"in\", \"value\": [\"a\", \"b\"]}}",
      "{\"match\": {\"field\": \"f\", \"op\": \"in\", \"value\": [\"b\", \"a\"]}}" },
    { "{\"match\": {\"field\": \"f\", \"op\": \"blank\"}}",
      "{\"match\": {\"field\": \"f\", \"op\": \"blank\", \"disabled\": true}}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *x = canonical_of (same[i][0]);
      g_autofree char *y = canonical_of (same[i][1]);

      g_assert_cmpstr (x, ==, y);
    }

  for (guint i = 0; i < G_N_ELEMENTS (different); i++)
    {
      g_autofree char *x = canonical_of (different[i][0]);
      g_autofree char *y = canonical_of (different[i][1]);

      g_assert_cmpstr (x, !=, y);
    }
}

static void
test_segment_canonical_numbers (void)
{
  g_autoptr(AudSegment) segment = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  AudCondition *condition;
  JsonArray *values;
  gint64 mantissa;
  guint scale;

  segment = parse_ok ("{\"match\": {\"field\": \"f\", \"op\": \"in\", "
                      "\"value\": [500.00, 0.1, 0.30000000000000004, -0.0, 1.5e-3, "
                      "\"500.00\", 9007199254740993, 2.5e15]}}");
  json = aud_segment_to_json (segment, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"format\":1,\"match\":{\"field\":\"f\",\"op\":\"in\",\"value\":"
                   "[500,0.1,0.30000000000000004,0,0.0015,\"500.00\",9007199254740993,"
                   "2.5e+15]}}");

  /* A decimal keeps its exact value: as written when a string, else in the
   * number's shortest form. */
  condition = segment->root->condition;
  values = json_node_get_array (condition->value);
  g_assert_true (aud_segment_value_get_decimal (json_array_get_element (values, 0),
                                                &mantissa, &scale));
  g_assert_cmpint (mantissa, ==, 500);
  g_assert_cmpuint (scale, ==, 0);
  g_assert_true (aud_segment_value_get_decimal (json_array_get_element (values, 1),
                                                &mantissa, &scale));
  g_assert_cmpint (mantissa, ==, 1);
  g_assert_cmpuint (scale, ==, 1);
  g_assert_true (aud_segment_value_get_decimal (json_array_get_element (values, 5),
                                                &mantissa, &scale));
  g_assert_cmpint (mantissa, ==, 50000);
  g_assert_cmpuint (scale, ==, 2);
  text = aud_segment_value_dup_text (json_array_get_element (values, 4));
  g_assert_cmpstr (text, ==, "0.0015");
}

static void
round_trip (AudSegment *segment)
{
  g_autofree char *compact = aud_segment_to_json (segment, FALSE);
  g_autofree char *pretty = aud_segment_to_json (segment, TRUE);
  g_autoptr(AudSegment) again = parse_ok (compact);
  g_autoptr(AudSegment) from_pretty = parse_ok (pretty);
  g_autoptr(AudSegment) copy = aud_segment_copy (segment);
  g_autofree char *again_json = aud_segment_to_json (again, FALSE);
  g_autofree char *pretty_json = aud_segment_to_json (from_pretty, FALSE);
  g_autofree char *copy_json = aud_segment_to_json (copy, FALSE);

  g_assert_cmpstr (again_json, ==, compact);
  g_assert_cmpstr (pretty_json, ==, compact);
  g_assert_cmpstr (copy_json, ==, compact);
  g_assert_cmpstr (again->root->canonical, ==, segment->root->canonical);
  g_assert_cmpstr (copy->root->canonical, ==, segment->root->canonical);
  g_assert_null (strchr (compact, '\n'));
  g_assert_true (g_str_has_suffix (pretty, "}\n"));
}

static void
test_segment_round_trip (void)
{
  static const char * const fixtures[] = {
    "seg-all-kinds.json", "seg-canonical-a.json", "seg-canonical-b.json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr(AudSegment) segment = load_fixture (fixtures[i]);

      round_trip (segment);
    }
}

static void
test_segment_round_trip_strings (void)
{
  g_autoptr(AudSegment) segment = load_fixture ("seg-all-kinds.json");
  g_autofree char *json = aud_segment_to_json (segment, FALSE);
  g_autoptr(AudSegment) again = parse_ok (json);

  /* Escapes survive: quotes, tab, backslash, a control character. */
  g_assert_cmpstr (again->description, ==, segment->description);
  g_assert_nonnull (strstr (segment->description, "\"quotes\",\ta tab, a \\ backslash, \001"));
  g_assert_nonnull (strstr (json, "\\\"quotes\\\",\\ta tab, a \\\\ backslash, \\u0001"));
}

static void
test_segment_builders (void)
{
  g_autoptr(AudSegment) a = parse_ok ("{\"match\": {\"field\": \"country\", \"op\": \"eq\", "
                                      "\"value\": \"DE\"}}");
  g_autoptr(AudSegment) built = g_new0 (AudSegment, 1);
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  AudSegmentNode *not;

  /* "country is DE, and not in segment x": a set operation. */
  built->name = g_strdup ("DE minus x");
  built->root = aud_segment_node_new_group (AUD_NODE_ALL);
  g_ptr_array_add (built->root->children, aud_segment_node_copy (a->root));
  not = aud_segment_node_new_group (AUD_NODE_NOT);
  g_ptr_array_add (not->children, aud_segment_node_new_segment ("x"));
  g_ptr_array_add (built->root->children, not);
  aud_segment_node_update (built->root, "match");

  g_assert_cmpstr (child (built->root, 0)->path, ==, "match.all[0]");
  g_assert_cmpstr (child (not, 0)->path, ==, "match.all[1].not");
  g_assert_cmpstr (not->canonical, ==, "{\"not\":{\"segment\":\"x\"}}");
  json = aud_segment_to_json (built, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"format\":1,\"name\":\"DE minus x\",\"match\":{\"all\":["
                   "{\"field\":\"country\",\"op\":\"eq\",\"value\":\"DE\"},"
                   "{\"not\":{\"segment\":\"x\"}}]}}");
  expected = g_strconcat ("{\"format\":1,\"name\":\"DE minus x\",\"match\":",
                          built->root->canonical, "}", NULL);
  g_assert_cmpstr (json, ==, expected);
  round_trip (built);
}

static void
test_segment_ops (void)
{
  AudOp op;
  const AudOp *list;
  guint n;

  for (guint i = 0; i <= AUD_OP_IS_FALSE; i++)
    {
      g_assert_true (aud_op_from_string (aud_op_to_string (i), &op));
      g_assert_cmpint (op, ==, i);
    }
  g_assert_false (aud_op_from_string ("gte", &op));

  list = aud_field_type_get_ops (AUD_FIELD_BOOLEAN, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (list[2], ==, AUD_OP_IS_TRUE);
  list = aud_field_type_get_ops (AUD_FIELD_DATETIME, &n);
  g_assert_cmpuint (n, ==, 11);
  g_assert_cmpint (list[n - 1], ==, AUD_OP_BIRTHDAY_WITHIN_DAYS);
}

/* Resolving against a workspace ------------------------------------------- */

static AudStore *
create_store (const char *name)
{
  /* The per-test directories of G_TEST_OPTION_ISOLATE_DIRS: fresh each run. */
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  static const struct
  {
    AudScope     scope;
    const char  *name;
    AudFieldType type;
    guint        scale;
  } fields[] = {
    { AUD_SCOPE_CUSTOMER, "country", AUD_FIELD_CATEGORY, 0 },
    { AUD_SCOPE_CUSTOMER, "city", AUD_FIELD_TEXT, 0 },
    { AUD_SCOPE_CUSTOMER, "age", AUD_FIELD_INTEGER, 0 },
    { AUD_SCOPE_CUSTOMER, "revenue", AUD_FIELD_DECIMAL, 2 },
    { AUD_SCOPE_CUSTOMER, "signup", AUD_FIELD_DATETIME, 0 },
    { AUD_SCOPE_CUSTOMER, "birth_date", AUD_FIELD_DATE, 0 },
    { AUD_SCOPE_CUSTOMER, "newsletter", AUD_FIELD_BOOLEAN, 0 },
    { AUD_SCOPE_EVENT, "category", AUD_FIELD_CATEGORY, 0 },
    { AUD_SCOPE_EVENT, "feature", AUD_FIELD_TEXT, 0 },
    { AUD_SCOPE_EVENT, "amount", AUD_FIELD_DECIMAL, 2 },
  };
  static const char * const events[] = {
    "purchase", "login", "app_open", "product_view", "feature_used",
  };

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(AudField) field = NULL;

      field = aud_store_add_field (store, fields[i].scope, fields[i].name, fields[i].type,
                                   AUD_ROLE_NONE, fields[i].scale, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      aud_store_intern_event_name (store, events[i], &error);
      g_assert_no_error (error);
    }

  return g_steal_pointer (&store);
}

static void
save_ok (AudStore   *store,
         const char *json)
{
  g_autoptr(AudSegment) segment = parse_ok (json);
  g_autoptr(GError) error = NULL;

  g_assert_true (aud_segment_save (store, segment, TRUE, &error));
  g_assert_no_error (error);
}

/* Stores a definition as is, bypassing the checks of aud_segment_save(). */
static void
insert_raw (AudStore   *store,
            const char *name,
            const char *definition)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = aud_store_prepare (store,
                            "INSERT INTO segments (name, definition, created, modified) "
                            "VALUES (?1, ?2, 0, 0)",
                            &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, definition, -1, SQLITE_STATIC);
  g_assert_true (aud_store_step_done (store, stmt, &error));
  g_assert_no_error (error);
}

static void
assert_resolve_error (AudStore        *store,
                      const char      *json,
                      AudSegmentError  code,
                      const char      *message)
{
  g_autoptr(AudSegment) segment = parse_ok (json);
  g_autoptr(GError) error = NULL;

  if (aud_segment_resolve (segment, store, &error))
    g_error ("expected an error resolving %s", json);
  g_assert_error (error, AUD_SEGMENT_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_segment_resolve_all_kinds (void)
{
  g_autoptr(AudStore) store = create_store ("resolve-all.audiences");
  g_autoptr(AudSegment) segment = load_fixture ("seg-all-kinds.json");
  g_autoptr(AudSegment) copy = NULL;
  g_autoptr(GError) error = NULL;
  AudSegmentNode *any;
  AudSegmentNode *node;
  AudCondition *condition;

  save_ok (store, "{\"name\": \"Churned\", \"match\": {\"event\": \"login\", "
                  "\"when\": {\"more_than_days_ago\": 90}, \"occurrence\": \"last\"}}");

  g_assert_true (aud_segment_resolve (segment, store, &error));
  g_assert_no_error (error);

  node = child (segment->root, 3);
  g_assert_nonnull (node->condition->field);
  g_assert_cmpstr (node->condition->field->name, ==, "country");
  g_assert_cmpint (child (segment->root, 16)->condition->field->type, ==, AUD_FIELD_DECIMAL);
  g_assert_cmpuint (child (segment->root, 16)->condition->field->scale, ==, 2);
  /* Disabled nodes are not resolved. */
  g_assert_null (child (segment->root, 10)->condition->field);

  any = child (segment->root, 30);
  node = child (any, 1);
  g_assert_nonnull (node->event_ids);
  g_assert_cmpint (node->event_ids[0], ==, aud_store_lookup_event_name (store, "login"));
  g_assert_cmpint (node->event_ids[1], ==, aud_store_lookup_event_name (store, "app_open"));
  g_assert_null (child (any, 2)->event_ids);

  node = child (any, 4);
  condition = g_ptr_array_index (node->where, 0);
  g_assert_cmpstr (condition->field->name, ==, "category");
  g_assert_cmpint (condition->builtin, ==, 0);
  condition = g_ptr_array_index (node->where, 1);
  g_assert_null (condition->field);
  g_assert_cmpint (condition->builtin, ==, 1);
  condition = g_ptr_array_index (node->where, 2);
  g_assert_cmpint (condition->builtin, ==, 2);

  g_assert_cmpstr (child (any, 5)->distinct_field->name, ==, "feature");
  g_assert_cmpstr (child (any, 6)->aggregate_condition->field->name, ==, "amount");

  node = child (child (segment->root, 31), 0);
  g_assert_nonnull (node->segment_root);
  g_assert_cmpint (node->segment_root->kind, ==, AUD_NODE_EVENT);
  g_assert_cmpstr (node->segment_root->canonical, ==,
                   "{\"event\":\"login\",\"when\":{\"more_than_days_ago\":90},"
                   "\"occurrence\":\"last\"}");
  g_assert_nonnull (node->segment_root->event_ids);

  /* Copies keep what was resolved; resolving again is fine. */
  copy = aud_segment_copy (segment);
  g_assert_nonnull (child (child (copy->root, 31), 0)->segment_root);
  g_assert_cmpstr (child (copy->root, 3)->condition->field->column, ==,
                   child (segment->root, 3)->condition->field->column);
  g_assert_true (aud_segment_resolve (copy, store, &error));
  g_assert_no_error (error);
  g_assert_true (aud_segment_resolve (segment, store, &error));
  g_assert_no_error (error);
}

static void
test_segment_resolve_unknown_names (void)
{
  g_autoptr(AudStore) store = create_store ("resolve-names.audiences");

  assert_resolve_error (store,
                        "{\"match\": {\"all\": [{\"field\": \"age\", \"op\": \"blank\"}, "
                        "{\"field\": \"contry\", \"op\": \"eq\", \"value\": \"DE\"}]}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.all[1].field: unknown field \"contry\"; did you mean \"country\"? "
                        "Fields: country, city, age, signup, revenue, birth_date, newsletter");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"COUNTRY\", \"op\": \"blank\"}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.field: unknown field \"COUNTRY\"; did you mean \"country\"? "
                        "Fields: country, city, signup, age, revenue, newsletter, birth_date");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"zzzzzzzz\", \"op\": \"blank\"}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.field: unknown field \"zzzzzzzz\". "
                        "Fields: country, city, age, revenue, signup, birth_date, newsletter");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": \"purchse\"}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.event: unknown event \"purchse\"; did you mean \"purchase\"? "
                        "Events: purchase, app_open, login, feature_used, product_view");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": [\"login\", \"logout\"]}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.event[1]: unknown event \"logout\". "
                        "Events: login, app_open, purchase, product_view, feature_used");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": \"purchase\", \"where\": [{\"property\": "
                        "\"categry\", \"op\": \"eq\", \"value\": \"shoes\"}]}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.where[0].property: unknown property \"categry\"; did you mean "
                        "\"category\"? Properties: category, feature, amount, @hour, @weekday");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": \"purchase\", \"distinct\": \"features\"}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.distinct: unknown property \"features\"; did you mean \"feature\"? "
                        "Properties: feature, category, amount");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": \"purchase\", \"distinct\": \"@hour\"}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.distinct: the built-in property \"@hour\" cannot be used here");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": \"purchase\", \"aggregate\": {\"fn\": \"sum\", "
                        "\"property\": \"amout\", \"op\": \"gt\", \"value\": 1}}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.aggregate.property: unknown property \"amout\"; did you mean "
                        "\"amount\"? Properties: amount, category, feature");
}

static void
test_segment_resolve_types (void)
{
  g_autoptr(AudStore) store = create_store ("resolve-types.audiences");

  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"age\", \"op\": \"contains\", \"value\": \"1\"}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.op: operator \"contains\" does not apply to the integer field "
                        "\"age\"; integer fields take blank, not_blank, eq, ne, lt, le, gt, ge, "
                        "between, in, not_in");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"newsletter\", \"op\": \"eq\", \"value\": 1}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.op: operator \"eq\" does not apply to the boolean field "
                        "\"newsletter\"; boolean fields take blank, not_blank, is_true, is_false");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"country\", \"op\": \"is_true\"}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.op: operator \"is_true\" does not apply to the category field "
                        "\"country\"; category fields take blank, not_blank, eq, ne, in, not_in, "
                        "contains, not_contains, starts_with, ends_with, matches");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"signup\", \"op\": \"gt\", \"value\": "
                        "\"2024-01-01\"}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.op: operator \"gt\" does not apply to the datetime field "
                        "\"signup\"; datetime fields take blank, not_blank, before, after, on, "
                        "between, within_last_days, more_than_days_ago, within_next_days, "
                        "age_between, birthday_within_days");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": \"purchase\", \"where\": [{\"property\": "
                        "\"@weekday\", \"op\": \"starts_with\", \"value\": \"M\"}]}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.where[0].op: operator \"starts_with\" does not apply to the integer "
                        "property \"@weekday\"; integer properties take blank, not_blank, eq, ne, "
                        "lt, le, gt, ge, between, in, not_in");

  /* Values must fit the type. */
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"age\", \"op\": \"gt\", \"value\": 17.5}}",
                        AUD_SEGMENT_ERROR_INVALID, "match.value: expected an integer");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"age\", \"op\": \"in\", \"value\": [1, "
                        "\"two\"]}}",
                        AUD_SEGMENT_ERROR_INVALID, "match.value[1]: expected an integer");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"revenue\", \"op\": \"between\", "
                        "\"value\": [\"1,5\", 2]}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.value[0]: expected a decimal number (a JSON number or a numeric "
                        "string)");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"country\", \"op\": \"eq\", \"value\": 49}}",
                        AUD_SEGMENT_ERROR_INVALID, "match.value: expected a string");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"birth_date\", \"op\": \"before\", "
                        "\"value\": \"2000-01-01T00:00:00\"}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.value: expected an ISO date (YYYY-MM-DD)");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"birth_date\", \"op\": \"between\", "
                        "\"value\": [\"2000-01-01\", 2001]}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.value[1]: expected an ISO date (YYYY-MM-DD)");
  assert_resolve_error (store,
                        "{\"match\": {\"field\": \"age\", \"op\": \"eq\", \"value\": 3, "
                        "\"case_sensitive\": true}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.case_sensitive: case_sensitive applies to text only; \"age\" is "
                        "integer");
  assert_resolve_error (store,
                        "{\"match\": {\"event\": \"purchase\", \"aggregate\": {\"fn\": \"avg\", "
                        "\"property\": \"feature\", \"op\": \"gt\", \"value\": 1}}}",
                        AUD_SEGMENT_ERROR_INVALID,
                        "match.aggregate.property: \"avg\" needs a numeric property; \"feature\" "
                        "is text");
}

static void
test_segment_saved_crud (void)
{
  g_autoptr(AudStore) store = create_store ("saved.audiences");
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(AudSegment) loaded = NULL;
  g_autoptr(AudSegment) unnamed = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  names = aud_segment_list_names (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 0);
  g_clear_pointer (&names, g_ptr_array_unref);

  segment = parse_ok ("{\"name\": \"Germans\", \"match\": {\"field\": \"country\", "
                      "\"op\": \"eq\", \"value\": \"DE\"}}");
  g_assert_true (aud_segment_save (store, segment, FALSE, &error));
  g_assert_no_error (error);

  /* Saving again without replace fails; with replace it updates. */
  g_assert_false (aud_segment_save (store, segment, FALSE, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, "there is already a saved segment named \"Germans\"");
  g_clear_error (&error);

  g_clear_pointer (&segment, aud_segment_free);
  segment = parse_ok ("{\"name\": \"Germans\", \"description\": \"DE or AT\", \"match\": "
                      "{\"field\": \"country\", \"op\": \"in\", \"value\": [\"DE\", \"AT\"]}}");
  g_assert_true (aud_segment_save (store, segment, TRUE, &error));
  g_assert_no_error (error);

  loaded = aud_segment_lookup (store, "Germans", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->name, ==, "Germans");
  g_assert_cmpstr (loaded->description, ==, "DE or AT");
  g_assert_cmpstr (loaded->root->canonical, ==, segment->root->canonical);
  g_clear_pointer (&loaded, aud_segment_free);

  /* A saved segment needs a name. */
  unnamed = parse_ok ("{\"match\": {\"all\": []}}");
  g_assert_false (aud_segment_save (store, unnamed, TRUE, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  g_clear_error (&error);

  save_ok (store, "{\"name\": \"Not Germans\", \"match\": {\"not\": {\"segment\": \"Germans\"}}}");
  save_ok (store, "{\"name\": \"Adults\", \"match\": {\"field\": \"age\", \"op\": \"ge\", "
                  "\"value\": 18}}");

  names = aud_segment_list_names (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "Adults");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "Germans");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "Not Germans");
  g_clear_pointer (&names, g_ptr_array_unref);

  /* Renaming follows the references and rewrites the definition's name. */
  g_assert_true (aud_segment_rename (store, "Germans", "DACH", &error));
  g_assert_no_error (error);
  loaded = aud_segment_lookup (store, "Not Germans", &error);
  g_assert_no_error (error);
  json = aud_segment_to_json (loaded, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"format\":1,\"name\":\"Not Germans\","
                   "\"match\":{\"not\":{\"segment\":\"DACH\"}}}");
  g_clear_pointer (&loaded, aud_segment_free);
  g_clear_pointer (&json, g_free);
  {
    g_autoptr(sqlite3_stmt) stmt = aud_store_prepare (store,
                                                      "SELECT definition FROM segments "
                                                      "WHERE name = 'DACH'", &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==,
                     "{\"format\":1,\"name\":\"DACH\",\"description\":\"DE or AT\",\"match\":"
                     "{\"field\":\"country\",\"op\":\"in\",\"value\":[\"DE\",\"AT\"]}}");
  }
  g_assert_null (aud_segment_lookup (store, "Germans", &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME);
  g_assert_cmpstr (error->message, ==, "there is no saved segment named \"Germans\"");
  g_clear_error (&error);

  g_assert_false (aud_segment_rename (store, "DACH", "Adults", &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (aud_segment_rename (store, "Nobody", "Somebody", &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME);
  g_clear_error (&error);

  /* Resolving follows the renamed reference. */
  loaded = aud_segment_lookup (store, "Not Germans", &error);
  g_assert_true (aud_segment_resolve (loaded, store, &error));
  g_assert_no_error (error);
  g_assert_nonnull (child (loaded->root, 0)->segment_root);
  g_clear_pointer (&loaded, aud_segment_free);

  g_assert_true (aud_segment_delete (store, "Adults", &error));
  g_assert_no_error (error);
  g_assert_false (aud_segment_delete (store, "Adults", &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_UNKNOWN_NAME);
  g_clear_error (&error);

  names = aud_segment_list_names (store, &error);
  g_assert_cmpuint (names->len, ==, 2);
}

static void
test_segment_resolve_missing_reference (void)
{
  g_autoptr(AudStore) store = create_store ("missing-ref.audiences");

  save_ok (store, "{\"name\": \"vip\", \"match\": {\"field\": \"age\", \"op\": \"ge\", "
                  "\"value\": 18}}");
  save_ok (store, "{\"name\": \"a\", \"match\": {\"all\": [{\"segment\": \"vip\"}, "
                  "{\"segment\": \"b\"}]}}");
  save_ok (store, "{\"name\": \"b\", \"match\": {\"any\": [{\"segment\": \"gone\"}]}}");

  assert_resolve_error (store, "{\"match\": {\"segment\": \"vpi\"}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.segment: unknown segment \"vpi\"; did you mean \"vip\"? "
                        "Saved segments: vip, a, b");
  assert_resolve_error (store,
                        "{\"name\": \"top\", \"match\": {\"not\": {\"segment\": \"a\"}}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.not.segment: unknown segment \"gone\" (reached by \"top\" -> \"a\" "
                        "-> \"b\" -> \"gone\"). Saved segments: a, b, vip");

  /* An error inside a referenced segment names it. */
  insert_raw (store, "typo", "{\"format\":1,\"name\":\"typo\",\"match\":{\"all\":"
                             "[{\"field\":\"agee\",\"op\":\"blank\"}]}}");
  assert_resolve_error (store, "{\"match\": {\"any\": [{\"segment\": \"typo\"}]}}",
                        AUD_SEGMENT_ERROR_UNKNOWN_NAME,
                        "match.any[0].segment: in segment \"typo\": match.all[0].field: unknown "
                        "field \"agee\"; did you mean \"age\"? Fields: age, city, revenue, "
                        "signup, country, newsletter, birth_date");
}

static void
test_segment_resolve_cycles (void)
{
  g_autoptr(AudStore) store = create_store ("cycles.audiences");
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(GError) error = NULL;

  /* Saved cycles can only come from outside (an older file, another tool):
   * aud_segment_save() refuses them, see below. */
  insert_raw (store, "a", "{\"format\":1,\"name\":\"a\",\"match\":{\"segment\":\"b\"}}");
  insert_raw (store, "b",
              "{\"format\":1,\"name\":\"b\",\"match\":{\"all\":[{\"segment\":\"a\"}]}}");
  insert_raw (store, "self", "{\"format\":1,\"name\":\"self\",\"match\":{\"segment\":\"self\"}}");

  assert_resolve_error (store, "{\"match\": {\"segment\": \"a\"}}", AUD_SEGMENT_ERROR_CYCLE,
                        "match.segment: segment \"a\" -> \"b\" -> \"a\" is a cycle");
  assert_resolve_error (store, "{\"match\": {\"all\": [{\"field\": \"age\", \"op\": \"blank\"}, "
                        "{\"not\": {\"segment\": \"self\"}}]}}",
                        AUD_SEGMENT_ERROR_CYCLE,
                        "match.all[1].not.segment: segment \"self\" -> \"self\" is a cycle");

  segment = aud_segment_lookup (store, "a", &error);
  g_assert_no_error (error);
  g_assert_false (aud_segment_resolve (segment, store, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_CYCLE);
  g_assert_cmpstr (error->message, ==, "match.segment: segment \"a\" -> \"b\" -> \"a\" is a cycle");
  g_clear_error (&error);
  g_clear_pointer (&segment, aud_segment_free);

  /* A definition named "c" that reaches "c" is a cycle before it is saved. */
  assert_resolve_error (store, "{\"name\": \"c\", \"match\": {\"segment\": \"c\"}}",
                        AUD_SEGMENT_ERROR_CYCLE,
                        "match.segment: segment \"c\" -> \"c\" is a cycle");

  /* Disabled references are not followed. */
  segment = parse_ok ("{\"match\": {\"any\": [{\"segment\": \"a\", \"disabled\": true}]}}");
  g_assert_true (aud_segment_resolve (segment, store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&segment, aud_segment_free);

  /* Saving refuses cycles: x -> y, then y -> x. */
  save_ok (store, "{\"name\": \"x\", \"match\": {\"segment\": \"y\"}}");
  segment = parse_ok ("{\"name\": \"y\", \"match\": {\"any\": [{\"segment\": \"x\"}]}}");
  g_assert_false (aud_segment_save (store, segment, TRUE, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_CYCLE);
  g_assert_cmpstr (error->message, ==, "match.any[0].segment: segment \"y\" -> \"x\" -> \"y\" "
                                       "is a cycle");
  g_clear_error (&error);
  g_clear_pointer (&segment, aud_segment_free);

  segment = parse_ok ("{\"name\": \"z\", \"match\": {\"segment\": \"z\"}}");
  g_assert_false (aud_segment_save (store, segment, TRUE, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_CYCLE);
  g_clear_error (&error);

  /* Renaming into a name some segment was waiting for can close a cycle:
   * x -> y (missing); w -> x; renaming w to y would make y -> x -> y. */
  save_ok (store, "{\"name\": \"w\", \"match\": {\"segment\": \"x\"}}");
  g_assert_false (aud_segment_rename (store, "w", "y", &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_CYCLE);
  g_clear_error (&error);
  g_clear_pointer (&segment, aud_segment_free);
  segment = aud_segment_lookup (store, "w", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (segment->root->segment_name, ==, "x");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/segment/parse/all-kinds", test_segment_parse_all_kinds);
  g_test_add_func ("/segment/parse/minimal", test_segment_parse_minimal);
  g_test_add_func ("/segment/errors/messages", test_segment_errors);
  g_test_add_func ("/segment/errors/regex", test_segment_errors_regex);
  g_test_add_func ("/segment/errors/file", test_segment_errors_file);
  g_test_add_func ("/segment/canonical/stable", test_segment_canonical_stable);
  g_test_add_func ("/segment/canonical/defaults", test_segment_canonical_defaults);
  g_test_add_func ("/segment/canonical/numbers", test_segment_canonical_numbers);
  g_test_add_func ("/segment/round-trip/fixtures", test_segment_round_trip);
  g_test_add_func ("/segment/round-trip/strings", test_segment_round_trip_strings);
  g_test_add_func ("/segment/builders", test_segment_builders);
  g_test_add_func ("/segment/ops", test_segment_ops);
  g_test_add_func ("/segment/resolve/all-kinds", test_segment_resolve_all_kinds);
  g_test_add_func ("/segment/resolve/unknown-names", test_segment_resolve_unknown_names);
  g_test_add_func ("/segment/resolve/types", test_segment_resolve_types);
  g_test_add_func ("/segment/resolve/missing-reference", test_segment_resolve_missing_reference);
  g_test_add_func ("/segment/resolve/cycles", test_segment_resolve_cycles);
  g_test_add_func ("/segment/saved/crud", test_segment_saved_crud);

  return g_test_run ();
}
