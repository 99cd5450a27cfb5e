/* test-builder-model.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The segment builder's model (AudSegmentDoc): every criterion kind goes
 * through the document and comes out as the same JSON, each edit gives the
 * JSON it should, undo and redo restore every state exactly, and edits that
 * would make an invalid definition are refused without a trace.
 */

#include "config.h"

#include <string.h>

#include "aud-segment-colors.h"
#include "aud-segment-doc.h"
#include "aud-suggest.h"

#define TODAY "2024-06-01"

static AudSegment *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  AudSegment *segment = aud_segment_parse (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (segment);

  return segment;
}

static AudSegmentDoc *
doc_for (const char *json)
{
  g_autoptr(AudSegment) segment = parse_ok (json);
  AudSegmentDoc *doc = aud_segment_doc_new ();

  aud_segment_doc_load (doc, segment);
  return doc;
}

static JsonNode *
node_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static char *
to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

#define assert_doc(doc, expected) \
  G_STMT_START { \
    g_autofree char *assert_doc_json = aud_segment_doc_to_json ((doc), FALSE); \
    g_assert_cmpstr (assert_doc_json, ==, (expected)); \
  } G_STMT_END

/* Every kind of criterion, each in canonical form. */
static const char *criteria[] = {
  /* profile: text and category */
  "{\"field\":\"city\",\"op\":\"eq\",\"value\":\"Berlin\"}",
  "{\"field\":\"city\",\"op\":\"contains\",\"value\":\"\",\"case_sensitive\":true}",
  "{\"field\":\"country\",\"op\":\"in\",\"value\":[\"DE\",\"FR\"]}",
  "{\"field\":\"country\",\"op\":\"not_in\",\"value\":[]}",
  "{\"field\":\"email\",\"op\":\"matches\",\"value\":\"@example\\\\.(com|org)$\"}",
  "{\"field\":\"phone\",\"op\":\"blank\"}",
  /* numbers */
  "{\"field\":\"lifetime_value\",\"op\":\"gt\",\"value\":500}",
  "{\"field\":\"lifetime_value\",\"op\":\"between\",\"value\":[19.99,\"12345678901234567.5\"]}",
  "{\"field\":\"loyalty_points\",\"op\":\"in\",\"value\":[1,2,3]}",
  /* dates */
  "{\"field\":\"signup_date\",\"op\":\"within_last_days\",\"value\":30}",
  "{\"field\":\"signup_date\",\"op\":\"between\",\"value\":[\"2024-01-01\",\"2024-03-31\"]}",
  "{\"field\":\"birth_date\",\"op\":\"age_between\",\"value\":[18,34]}",
  "{\"field\":\"birth_date\",\"op\":\"birthday_within_days\",\"value\":7}",
  "{\"field\":\"last_seen\",\"op\":\"after\",\"value\":\"2024-05-01T09:30:00Z\"}",
  /* booleans */
  "{\"field\":\"email_opt_in\",\"op\":\"is_true\"}",
  /* events */
  "{\"event\":\"purchase\"}",
  "{\"event\":[\"purchase\",\"refund\"],\"when\":{\"within_last_days\":30}}",
  "{\"event\":\"*\",\"where\":[{\"property\":\"@hour\",\"op\":\"between\",\"value\":[18,23]},"
  "{\"property\":\"@weekday\",\"op\":\"in\",\"value\":[6,7]}],"
  "\"when\":{\"more_than_days_ago\":7},\"count\":{\"op\":\"ge\",\"value\":5}}",
  "{\"event\":\"product_view\","
  "\"where\":[{\"property\":\"category\",\"op\":\"eq\",\"value\":\"shoes\"}],"
  "\"when\":{\"between\":[\"2024-01-01\",\"2024-06-30\"]},"
  "\"count\":{\"op\":\"between\",\"value\":[2,5]}}",
  "{\"event\":\"purchase\",\"count\":{\"op\":\"eq\",\"value\":0}}",
  "{\"event\":\"feature_used\",\"count\":{\"op\":\"ge\",\"value\":3},\"distinct\":\"feature\"}",
  "{\"event\":\"purchase\","
  "\"aggregate\":{\"fn\":\"sum\",\"property\":\"amount\",\"op\":\"gt\",\"value\":500}}",
  "{\"event\":\"login\",\"when\":{\"more_than_days_ago\":60},\"occurrence\":\"last\"}",
  /* situational, membership, holdout */
  "{\"near\":{\"lat\":52.52,\"lon\":13.405,\"km\":50}}",
  "{\"segment\":\"Lapsed buyers\"}",
  "{\"bucket\":{\"from\":0,\"to\":9,\"salt\":\"spring-2024\"}}",
  /* groups, and disabled nodes */
  "{\"any\":[{\"segment\":\"a\"},{\"not\":{\"segment\":\"b\"}}]}",
  "{\"not\":{\"any\":[{\"field\":\"plan\",\"op\":\"eq\",\"value\":\"pro\"}]},\"disabled\":true}",
  "{\"field\":\"plan\",\"op\":\"ne\",\"value\":\"pro\",\"disabled\":true}",
};

/* Each criterion loads into the document and comes out unchanged, alone
 * and inside a group; and inserted by the builder into an empty segment it
 * gives the same definition as the file. */
static void
test_builder_model_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (criteria); i++)
    {
      g_autofree char *alone = g_strdup_printf ("{\"format\":1,\"match\":%s}", criteria[i]);
      g_autofree char *grouped = NULL;
      g_autoptr(AudSegmentDoc) doc = doc_for (alone);
      g_autoptr(AudSegmentDoc) built = aud_segment_doc_new ();
      g_autoptr(JsonNode) node = node_from (criteria[i]);
      g_autoptr(AudSegment) reparsed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;
      g_autofree char *again = NULL;
      g_autofree char *path = NULL;

      grouped = g_strdup_printf ("{\"format\":1,\"name\":\"s\",\"match\":{\"all\":[%s]}}",
                                 criteria[i]);
      assert_doc (doc, alone);
      g_assert_nonnull (aud_segment_doc_lookup (doc, "match"));
      g_assert_cmpstr (aud_segment_doc_lookup (doc, "match")->canonical, ==, criteria[i]);

      /* Through the builder: insert into the empty root, name it. */
      aud_segment_doc_set_name (built, "s");
      g_assert_true (aud_segment_doc_insert (built, "match", -1, node, &path, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (path, ==, "match.all[0]");
      assert_doc (built, grouped);

      /* And back: the JSON parses to the same definition. */
      json = aud_segment_doc_to_json (built, TRUE);
      reparsed = parse_ok (json);
      again = aud_segment_to_json (reparsed, FALSE);
      g_assert_cmpstr (again, ==, grouped);

      /* Replacing a node by its own JSON changes nothing and records
       * nothing. */
      g_assert_true (aud_segment_doc_replace (built, "match.all[0]", node, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (aud_segment_doc_can_undo (built));
      g_assert_true (aud_segment_doc_undo (built));
      g_assert_false (aud_segment_doc_can_undo (built));
      assert_doc (built, "{\"format\":1,\"name\":\"s\",\"match\":{\"all\":[]}}");
    }
}

/* The templates the "Add criterion" menu uses are valid criteria with the
 * expected first values. */
static void
test_builder_model_templates (void)
{
  static const struct
  {
    AudFieldType  type;
    AudFieldRole  role;
    const char   *expected;
  } fields[] = {
    { AUD_FIELD_TEXT, AUD_ROLE_CITY, "{\"field\":\"f\",\"op\":\"contains\",\"value\":\"\"}" },
    { AUD_FIELD_CATEGORY, AUD_ROLE_COUNTRY, "{\"field\":\"f\",\"op\":\"in\",\"value\":[]}" },
    { AUD_FIELD_INTEGER, AUD_ROLE_NONE, "{\"field\":\"f\",\"op\":\"ge\",\"value\":0}" },
    { AUD_FIELD_DECIMAL, AUD_ROLE_NONE, "{\"field\":\"f\",\"op\":\"ge\",\"value\":0}" },
    { AUD_FIELD_DATE, AUD_ROLE_NONE, "{\"field\":\"f\",\"op\":\"within_last_days\",\"value\":30}" },
    { AUD_FIELD_DATE, AUD_ROLE_BIRTH_DATE,
      "{\"field\":\"f\",\"op\":\"age_between\",\"value\":[18,34]}" },
    { AUD_FIELD_DATETIME, AUD_ROLE_NONE,
      "{\"field\":\"f\",\"op\":\"within_last_days\",\"value\":30}" },
    { AUD_FIELD_BOOLEAN, AUD_ROLE_CONSENT_EMAIL, "{\"field\":\"f\",\"op\":\"is_true\"}" },
  };
  g_autoptr(AudSegmentDoc) doc = aud_segment_doc_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *made[8];
  const char *expected[8];
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      AudField field = { 0, AUD_SCOPE_CUSTOMER, (char *)"f", (char *)"c1", fields[i].type,
                         fields[i].role, 2, 0 };
      g_autoptr(JsonNode) node = aud_segment_doc_template_field (&field, TODAY);
      g_autofree char *text = to_string (node);

      g_assert_cmpstr (text, ==, fields[i].expected);
      g_assert_true (aud_segment_doc_insert (doc, "match", -1, node, NULL, &error));
      g_assert_no_error (error);
    }

  made[n] = aud_segment_doc_template_event ("purchase");
  expected[n++] = "{\"event\":\"purchase\",\"when\":{\"within_last_days\":30}}";
  made[n] = aud_segment_doc_template_near (52.52, 13.405, 50);
  expected[n++] = "{\"near\":{\"lat\":52.52,\"lon\":13.405,\"km\":50}}";
  made[n] = aud_segment_doc_template_segment ("VIP");
  expected[n++] = "{\"segment\":\"VIP\"}";
  made[n] = aud_segment_doc_template_bucket ("holdout");
  expected[n++] = "{\"bucket\":{\"from\":0,\"to\":9,\"salt\":\"holdout\"}}";
  made[n] = aud_segment_doc_template_group (AUD_GROUP_ALL);
  expected[n++] = "{\"all\":[]}";
  made[n] = aud_segment_doc_template_group (AUD_GROUP_ANY);
  expected[n++] = "{\"any\":[]}";
  made[n] = aud_segment_doc_template_group (AUD_GROUP_NONE);
  expected[n++] = "{\"not\":{\"any\":[]}}";

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonNode) node = made[i];
      g_autofree char *path = NULL;

      g_assert_true (aud_segment_doc_insert (doc, "match", -1, node, &path, &error));
      g_assert_no_error (error);
      /* The document's canonical form is the template's text. */
      g_assert_cmpstr (aud_segment_doc_lookup (doc, path)->canonical, ==, expected[i]);
    }

  /* Where conditions: on a property, and the two built-ins. */
  {
    AudField amount = { 0, AUD_SCOPE_EVENT, (char *)"amount", (char *)"p1", AUD_FIELD_DECIMAL,
                        AUD_ROLE_NONE, 2, 0 };
    g_autoptr(JsonNode) on_amount = aud_segment_doc_template_condition (&amount, NULL, TODAY);
    g_autoptr(JsonNode) hour = aud_segment_doc_template_condition (NULL, "@hour", TODAY);
    g_autoptr(JsonNode) weekday = aud_segment_doc_template_condition (NULL, "@weekday", TODAY);
    g_autofree char *a = to_string (on_amount);
    g_autofree char *h = to_string (hour);
    g_autofree char *w = to_string (weekday);

    g_assert_cmpstr (a, ==, "{\"property\":\"amount\",\"op\":\"ge\",\"value\":0}");
    g_assert_cmpstr (h, ==, "{\"property\":\"@hour\",\"op\":\"between\",\"value\":[18,23]}");
    g_assert_cmpstr (w, ==, "{\"property\":\"@weekday\",\"op\":\"in\",\"value\":[6,7]}");
  }
}

/* Insert, replace, remove, move, duplicate, disable and group kinds, each
 * giving exactly the JSON it should. */
static void
test_builder_model_edits (void)
{
  g_autoptr(AudSegmentDoc) doc = doc_for ("{\"match\":{\"all\":[]}}");
  g_autoptr(JsonNode) a = node_from ("{\"field\":\"a\",\"op\":\"is_true\"}");
  g_autoptr(JsonNode) b = node_from ("{\"field\":\"b\",\"op\":\"is_true\"}");
  g_autoptr(JsonNode) c = node_from ("{\"field\":\"c\",\"op\":\"is_true\"}");
  g_autoptr(JsonNode) group = aud_segment_doc_template_group (AUD_GROUP_ANY);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

#define A "{\"field\":\"a\",\"op\":\"is_true\"}"
#define B "{\"field\":\"b\",\"op\":\"is_true\"}"
#define C "{\"field\":\"c\",\"op\":\"is_true\"}"
#define DOC(m) "{\"format\":1,\"match\":" m "}"

  g_assert_true (aud_segment_doc_insert (doc, "match", -1, a, NULL, &error));
  g_assert_true (aud_segment_doc_insert (doc, "match", -1, c, NULL, &error));
  g_assert_true (aud_segment_doc_insert (doc, "match", 1, b, &path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "match.all[1]");
  assert_doc (doc, DOC ("{\"all\":[" A "," B "," C "]}"));

  /* Move down one place, then back; then to the end. */
  g_clear_pointer (&path, g_free);
  g_assert_true (aud_segment_doc_move (doc, "match.all[0]", "match", 2, &path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "match.all[1]");
  assert_doc (doc, DOC ("{\"all\":[" B "," A "," C "]}"));
  g_clear_pointer (&path, g_free);
  g_assert_true (aud_segment_doc_move (doc, "match.all[1]", "match", 0, &path, &error));
  g_assert_cmpstr (path, ==, "match.all[0]");
  assert_doc (doc, DOC ("{\"all\":[" A "," B "," C "]}"));
  g_clear_pointer (&path, g_free);
  g_assert_true (aud_segment_doc_move (doc, "match.all[0]", "match", -1, &path, &error));
  g_assert_cmpstr (path, ==, "match.all[2]");
  assert_doc (doc, DOC ("{\"all\":[" B "," C "," A "]}"));

  /* A nested group, and a move into it from before it (its path changes). */
  g_clear_pointer (&path, g_free);
  g_assert_true (aud_segment_doc_insert (doc, "match", -1, group, &path, &error));
  g_assert_cmpstr (path, ==, "match.all[3]");
  g_clear_pointer (&path, g_free);
  g_assert_true (aud_segment_doc_move (doc, "match.all[0]", "match.all[3]", -1, &path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "match.all[2].any[0]");
  assert_doc (doc, DOC ("{\"all\":[" C "," A ",{\"any\":[" B "]}]}"));

  /* A group never moves into itself. */
  g_assert_false (aud_segment_doc_move (doc, "match.all[2]", "match.all[2]", 0, NULL, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  g_clear_error (&error);

  /* Group kinds: any -> none -> all, children kept. */
  g_assert_true (aud_segment_doc_set_group_kind (doc, "match.all[2]", AUD_GROUP_NONE, &error));
  assert_doc (doc, DOC ("{\"all\":[" C "," A ",{\"not\":{\"any\":[" B "]}}]}"));
  g_clear_pointer (&path, g_free);
  g_assert_true (aud_segment_doc_insert (doc, "match.all[2]", 0, c, &path, &error));
  g_assert_cmpstr (path, ==, "match.all[2].not.any[0]");
  assert_doc (doc, DOC ("{\"all\":[" C "," A ",{\"not\":{\"any\":[" C "," B "]}}]}"));
  g_assert_true (aud_segment_doc_set_group_kind (doc, "match.all[2]", AUD_GROUP_ALL, &error));
  g_assert_no_error (error);
  assert_doc (doc, DOC ("{\"all\":[" C "," A ",{\"all\":[" C "," B "]}]}"));

  /* Disable and enable. */
  g_assert_true (aud_segment_doc_set_disabled (doc, "match.all[1]", TRUE, &error));
  assert_doc (doc, DOC ("{\"all\":[" C ",{\"field\":\"a\",\"op\":\"is_true\",\"disabled\":true},"
                        "{\"all\":[" C "," B "]}]}"));
  g_assert_true (aud_segment_doc_lookup (doc, "match.all[1]")->disabled);
  g_assert_true (aud_segment_doc_set_disabled (doc, "match.all[1]", FALSE, &error));
  assert_doc (doc, DOC ("{\"all\":[" C "," A ",{\"all\":[" C "," B "]}]}"));

  /* Duplicate a group; remove things. */
  g_clear_pointer (&path, g_free);
  g_assert_true (aud_segment_doc_duplicate (doc, "match.all[2]", &path, &error));
  g_assert_cmpstr (path, ==, "match.all[3]");
  assert_doc (doc, DOC ("{\"all\":[" C "," A ",{\"all\":[" C "," B "]},{\"all\":[" C "," B "]}]}"));
  g_assert_true (aud_segment_doc_remove (doc, "match.all[3].all[0]", &error));
  g_assert_true (aud_segment_doc_remove (doc, "match.all[0]", &error));
  assert_doc (doc, DOC ("{\"all\":[" A ",{\"all\":[" C "," B "]},{\"all\":[" B "]}]}"));

  /* Paths that do not exist. */
  g_assert_false (aud_segment_doc_remove (doc, "match.all[7]", &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  g_assert_true (strstr (error->message, "match.all[7]") != NULL);
  g_clear_error (&error);
  g_assert_false (aud_segment_doc_insert (doc, "match.all[0]", 0, b, NULL, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  g_clear_error (&error);

  /* Removing the root leaves everyone. */
  g_assert_true (aud_segment_doc_remove (doc, "match", &error));
  assert_doc (doc, DOC ("{\"all\":[]}"));

#undef A
#undef B
#undef C
#undef DOC
}

/* A `not` of one criterion (from a file) shows that criterion as its one
 * child; inserting next to it makes the `not` a `not` of `any`. */
static void
test_builder_model_none_groups (void)
{
  g_autoptr(AudSegmentDoc) doc = doc_for ("{\"match\":{\"not\":{\"segment\":\"a\"}}}");
  g_autoptr(JsonNode) b = aud_segment_doc_template_segment ("b");
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const AudSegmentNode *root = aud_segment_doc_lookup (doc, "match");

  g_assert_true (aud_segment_doc_is_group (root));
  g_assert_cmpint (aud_segment_doc_group_kind (root), ==, AUD_GROUP_NONE);
  children = aud_segment_doc_group_children (root);
  g_assert_cmpuint (children->len, ==, 1);
  g_assert_cmpstr (((AudSegmentNode *)children->pdata[0])->path, ==, "match.not");

  g_assert_true (aud_segment_doc_insert (doc, "match", -1, b, &path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "match.not.any[1]");
  assert_doc (doc, "{\"format\":1,\"match\":{\"not\":{\"any\":"
                   "[{\"segment\":\"a\"},{\"segment\":\"b\"}]}}}");

  g_clear_pointer (&children, g_ptr_array_unref);
  children = aud_segment_doc_group_children (aud_segment_doc_lookup (doc, "match"));
  g_assert_cmpuint (children->len, ==, 2);
  g_assert_cmpstr (((AudSegmentNode *)children->pdata[1])->path, ==, "match.not.any[1]");

  /* Removing the direct child of a not leaves an empty "None of these". */
  g_assert_true (aud_segment_doc_undo (doc));
  g_assert_true (aud_segment_doc_remove (doc, "match.not", &error));
  assert_doc (doc, "{\"format\":1,\"match\":{\"not\":{\"any\":[]}}}");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *)user_data)++;
}

static void
count_changed (AudSegmentDoc *doc,
               gpointer       user_data)
{
  (*(guint *)user_data)++;
}

/* Undo and redo walk back and forth through exactly the states the edits
 * made; edits with the same merge key are one step; a new edit drops the
 * redo states. */
static void
test_builder_model_undo (void)
{
  g_autoptr(AudSegmentDoc) doc = doc_for ("{\"name\":\"n\",\"match\":{\"all\":[]}}");
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint n_undo_notify = 0, n_changed = 0;
  static const char *values[] = { "B", "Be", "Ber", "Berl", "Berlin" };

  g_signal_connect (doc, "notify::can-undo", G_CALLBACK (count_notify), &n_undo_notify);
  g_signal_connect (doc, "changed", G_CALLBACK (count_changed), &n_changed);

  g_ptr_array_add (states, aud_segment_doc_to_json (doc, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (criteria); i++)
    {
      g_autoptr(JsonNode) node = node_from (criteria[i]);

      g_assert_true (aud_segment_doc_insert (doc, "match", 0, node, NULL, &error));
      g_assert_no_error (error);
      g_ptr_array_add (states, aud_segment_doc_to_json (doc, FALSE));
    }
  g_assert_cmpuint (n_undo_notify, ==, 1);
  g_assert_cmpuint (n_changed, ==, G_N_ELEMENTS (criteria));

  /* Typing "Berlin" letter by letter is one step. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"field\":\"city\",\"op\":\"eq\","
                                               "\"value\":\"%s\"}", values[i]);
      g_autoptr(JsonNode) node = node_from (json);

      g_assert_true (aud_segment_doc_replace (doc, "match.all[0]", node, "value:match.all[0]",
                                              &error));
      g_assert_no_error (error);
    }
  g_assert_cmpstr (aud_segment_doc_lookup (doc, "match.all[0]")->canonical, ==,
                   "{\"field\":\"city\",\"op\":\"eq\",\"value\":\"Berlin\"}");
  g_assert_true (aud_segment_doc_undo (doc));
  {
    g_autofree char *json = aud_segment_doc_to_json (doc, FALSE);

    g_assert_cmpstr (json, ==, states->pdata[states->len - 1]);
  }

  /* Back to the start, state by state; the name is not history. */
  aud_segment_doc_set_name (doc, "renamed");
  for (guint i = states->len - 1; i > 0; i--)
    {
      g_autofree char *json = NULL;
      g_autofree char *expected = NULL;
      g_autoptr(AudSegment) segment = NULL;

      g_assert_true (aud_segment_doc_undo (doc));
      json = aud_segment_doc_to_json (doc, FALSE);
      segment = parse_ok (states->pdata[i - 1]);
      g_free (segment->name);
      segment->name = g_strdup ("renamed");
      expected = aud_segment_to_json (segment, FALSE);
      g_assert_cmpstr (json, ==, expected);
    }
  g_assert_false (aud_segment_doc_can_undo (doc));
  g_assert_false (aud_segment_doc_undo (doc));
  g_assert_true (aud_segment_doc_can_redo (doc));

  /* Forward again to the end. */
  for (guint i = 1; i < states->len; i++)
    g_assert_true (aud_segment_doc_redo (doc));
  g_assert_true (aud_segment_doc_redo (doc)); /* "Berlin" */
  g_assert_false (aud_segment_doc_redo (doc));
  g_assert_cmpstr (aud_segment_doc_lookup (doc, "match.all[0]")->canonical, ==,
                   "{\"field\":\"city\",\"op\":\"eq\",\"value\":\"Berlin\"}");

  /* A new edit after an undo drops what could be redone, and the same
   * merge key after an undo starts a new step. */
  g_assert_true (aud_segment_doc_undo (doc));
  g_assert_true (aud_segment_doc_remove (doc, "match.all[0]", &error));
  g_assert_false (aud_segment_doc_can_redo (doc));
  {
    g_autoptr(JsonNode) x = node_from ("{\"field\":\"city\",\"op\":\"eq\",\"value\":\"x\"}");
    g_autoptr(JsonNode) y = node_from ("{\"field\":\"city\",\"op\":\"eq\",\"value\":\"y\"}");
    g_autofree char *before = NULL;
    g_autofree char *after_x = NULL;
    g_autofree char *now = NULL;

    before = aud_segment_doc_to_json (doc, FALSE);
    g_assert_true (aud_segment_doc_replace (doc, "match.all[0]", x, "k", &error));
    after_x = aud_segment_doc_to_json (doc, FALSE);
    g_assert_true (aud_segment_doc_undo (doc));
    g_assert_true (aud_segment_doc_redo (doc));
    g_assert_true (aud_segment_doc_replace (doc, "match.all[0]", y, "k", &error));
    g_assert_true (aud_segment_doc_undo (doc));
    now = aud_segment_doc_to_json (doc, FALSE);
    g_assert_cmpstr (now, ==, after_x);
    g_assert_true (aud_segment_doc_undo (doc));
    g_free (now);
    now = aud_segment_doc_to_json (doc, FALSE);
    g_assert_cmpstr (now, ==, before);
  }
}

/* An edit that would make an invalid definition is refused with the path,
 * and leaves no trace: same JSON, no history, no signal. */
static void
test_builder_model_refused (void)
{
  g_autoptr(AudSegmentDoc) doc = doc_for ("{\"match\":{\"all\":[{\"event\":\"login\"}]}}");
  g_autoptr(JsonNode) bad_op = node_from ("{\"event\":\"login\","
                                          "\"count\":{\"op\":\"gte\",\"value\":1}}");
  g_autoptr(JsonNode) bad_bucket = node_from ("{\"bucket\":{\"from\":50,\"to\":10,\"salt\":\"\"}}");
  g_autoptr(JsonNode) two_kinds = node_from ("{\"all\":[],\"any\":[]}");
  g_autoptr(GError) error = NULL;
  guint n_changed = 0;

  g_signal_connect (doc, "changed", G_CALLBACK (count_changed), &n_changed);

  g_assert_false (aud_segment_doc_replace (doc, "match.all[0]", bad_op, NULL, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  g_assert_true (strstr (error->message, "match.all[0].count.op") != NULL);
  g_clear_error (&error);

  g_assert_false (aud_segment_doc_insert (doc, "match", 0, bad_bucket, NULL, &error));
  g_assert_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID);
  g_assert_true (strstr (error->message, "match.all[0].bucket") != NULL);
  g_clear_error (&error);

  g_assert_false (aud_segment_doc_insert (doc, "match", -1, two_kinds, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  assert_doc (doc, "{\"format\":1,\"match\":{\"all\":[{\"event\":\"login\"}]}}");
  g_assert_false (aud_segment_doc_can_undo (doc));
  g_assert_cmpuint (n_changed, ==, 0);
}

/* Changing the operator keeps what the value can keep. */
static void
test_builder_model_value_for_op (void)
{
  static const struct
  {
    AudOp         op;
    AudFieldType  type;
    const char   *old_value;
    const char   *expected;
  } cases[] = {
    { AUD_OP_IN, AUD_FIELD_CATEGORY, "\"DE\"", "[\"DE\"]" },
    { AUD_OP_IN, AUD_FIELD_CATEGORY, "\"\"", "[]" },
    { AUD_OP_EQ, AUD_FIELD_CATEGORY, "[\"DE\",\"FR\"]", "\"DE\"" },
    { AUD_OP_EQ, AUD_FIELD_CATEGORY, "[]", "\"\"" },
    { AUD_OP_CONTAINS, AUD_FIELD_TEXT, "\"Ber\"", "\"Ber\"" },
    { AUD_OP_BLANK, AUD_FIELD_TEXT, "\"Ber\"", NULL },
    { AUD_OP_CONTAINS, AUD_FIELD_TEXT, NULL, "\"\"" },
    { AUD_OP_BETWEEN, AUD_FIELD_DECIMAL, "500", "[500,500]" },
    { AUD_OP_BETWEEN, AUD_FIELD_INTEGER, NULL, "[0,100]" },
    { AUD_OP_GT, AUD_FIELD_DECIMAL, "[10,20]", "10" },
    { AUD_OP_GT, AUD_FIELD_DECIMAL, "\"19.99\"", "\"19.99\"" },
    { AUD_OP_NOT_IN, AUD_FIELD_INTEGER, "[1,\"\",3]", "[1,3]" },
    { AUD_OP_WITHIN_LAST_DAYS, AUD_FIELD_DATE, "7", "7" },
    { AUD_OP_WITHIN_LAST_DAYS, AUD_FIELD_DATE, "\"2024-01-01\"", "30" },
    { AUD_OP_BEFORE, AUD_FIELD_DATE, "30", "\"" TODAY "\"" },
    { AUD_OP_BEFORE, AUD_FIELD_DATE, "[\"2024-01-01\",\"2024-02-01\"]", "\"2024-01-01\"" },
    { AUD_OP_BETWEEN, AUD_FIELD_DATE, "\"2024-01-01\"", "[\"2024-01-01\",\"2024-01-01\"]" },
    { AUD_OP_BETWEEN, AUD_FIELD_DATETIME, "[18,34]", "[\"" TODAY "\",\"" TODAY "\"]" },
    { AUD_OP_AGE_BETWEEN, AUD_FIELD_DATE, "30", "[18,34]" },
    { AUD_OP_AGE_BETWEEN, AUD_FIELD_DATE, "[20,29]", "[20,29]" },
    { AUD_OP_IS_TRUE, AUD_FIELD_BOOLEAN, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) old_value = cases[i].old_value ? node_from (cases[i].old_value) : NULL;
      g_autoptr(JsonNode) value = aud_segment_doc_value_for_op (cases[i].op, cases[i].type,
                                                                 old_value, TODAY);
      g_autofree char *text = value != NULL ? to_string (value) : NULL;

      g_test_message ("case %u: %s", i, cases[i].old_value);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}


/* Suggestions ------------------------------------------------------------- */

static void
exec_ok (AudStore   *store,
         const char *sql)
{
  g_autoptr(GError) error = NULL;

  aud_store_exec (store, sql, &error);
  g_assert_no_error (error);
}

static AudField *
add_field (AudStore     *store,
           AudScope      scope,
           const char   *name,
           AudFieldType  type,
           AudFieldRole  role,
           guint         scale)
{
  g_autoptr(GError) error = NULL;
  AudField *field = aud_store_add_field (store, scope, name, type, role, scale, &error);

  g_assert_no_error (error);
  return field;
}

/* Six customers in three cities (one without coordinates, one without a
 * city), and events with a category. */
static AudStore *
make_store (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudField) city = NULL;
  g_autoptr(AudField) country = NULL;
  g_autoptr(AudField) lat = NULL;
  g_autoptr(AudField) lon = NULL;
  g_autoptr(AudField) ltv = NULL;
  g_autoptr(AudField) category = NULL;
  g_autofree char *sql = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  path = g_build_filename (g_get_user_data_dir (), "suggest.audiences", NULL);
  store = aud_store_open (path, AUD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  city = add_field (store, AUD_SCOPE_CUSTOMER, "city", AUD_FIELD_TEXT, AUD_ROLE_CITY, 0);
  country = add_field (store, AUD_SCOPE_CUSTOMER, "country", AUD_FIELD_CATEGORY, AUD_ROLE_COUNTRY,
                       0);
  lat = add_field (store, AUD_SCOPE_CUSTOMER, "lat", AUD_FIELD_DECIMAL, AUD_ROLE_LATITUDE, 2);
  lon = add_field (store, AUD_SCOPE_CUSTOMER, "lon", AUD_FIELD_DECIMAL, AUD_ROLE_LONGITUDE, 2);
  ltv = add_field (store, AUD_SCOPE_CUSTOMER, "ltv", AUD_FIELD_DECIMAL, AUD_ROLE_NONE, 2);
  category = add_field (store, AUD_SCOPE_EVENT, "category", AUD_FIELD_CATEGORY, AUD_ROLE_NONE, 0);

  /* Column names come from the store (c1, c2…), never from data. */
  sql = g_strdup_printf ("INSERT INTO customers (external_id, %s, %s, %s, %s, %s) VALUES "
                         "('C1', 'Berlin', 'DE', 5250, 1340, 1999), "
                         "('C2', 'Berlin', 'DE', 5254, 1342, 1999), "
                         "('C3', 'Paris', 'FR', 4886, 235, 50000), "
                         "('C4', 'Paris', 'FR', NULL, NULL, NULL), "
                         "('C5', NULL, 'DE', 5000, 1000, 1), "
                         "('C6', '100%%_sure', 'IT', 4190, 1250, 1)",
                         city->column, country->column, lat->column, lon->column, ltv->column);
  exec_ok (store, sql);
  g_assert_cmpint (aud_store_intern_event_name (store, "product_view", &error), ==, 1);
  g_assert_cmpint (aud_store_intern_event_name (store, "purchase", &error), ==, 2);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("INSERT INTO events (customer, customer_key, name, ts, %s) VALUES "
                         "(1, 'C1', 1, 0, 'shoes'), (1, 'C1', 1, 1, 'shoes'), "
                         "(2, 'C2', 2, 2, 'shoes'), (2, 'C2', 2, 3, 'bags'), "
                         "(NULL, 'X9', 1, 4, 'hats')",
                         category->column);
  exec_ok (store, sql);

  return g_steal_pointer (&store);
}

static char *
join_values (GPtrArray *values)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < values->len; i++)
    {
      const AudValueCount *value = g_ptr_array_index (values, i);

      g_string_append_printf (out, "%s%s=%" G_GINT64_FORMAT, i > 0 ? " " : "",
                              value->value, value->count);
    }

  return g_string_free (out, FALSE);
}

#define assert_values(store, scope, name, event, search, limit, expected) \
  G_STMT_START { \
    g_autoptr(GError) assert_error = NULL; \
    g_autoptr(GPtrArray) assert_values = aud_suggest_values ((store), (scope), (name), (event), \
                                                            (search), (limit), NULL, \
                                                            &assert_error); \
    g_autofree char *assert_text = NULL; \
    g_assert_no_error (assert_error); \
    assert_text = join_values (assert_values); \
    g_assert_cmpstr (assert_text, ==, (expected)); \
  } G_STMT_END

/* Values with their counts, most common first; searched literally; event
 * properties only of events of customers, optionally of one event name. */
static void
test_builder_model_suggest_values (void)
{
  g_autoptr(AudStore) store = make_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = NULL;

  assert_values (store, AUD_SCOPE_CUSTOMER, "country", NULL, NULL, 10, "DE=3 FR=2 IT=1");
  assert_values (store, AUD_SCOPE_CUSTOMER, "country", NULL, NULL, 1, "DE=3");
  assert_values (store, AUD_SCOPE_CUSTOMER, "city", NULL, "ber", 10, "Berlin=2");
  assert_values (store, AUD_SCOPE_CUSTOMER, "city", NULL, "%", 10, "100%_sure=1");
  assert_values (store, AUD_SCOPE_CUSTOMER, "city", NULL, "0_", 10, "");
  /* Decimals as the format writes them. */
  assert_values (store, AUD_SCOPE_CUSTOMER, "ltv", NULL, NULL, 10, "0.01=2 19.99=2 500.00=1");
  assert_values (store, AUD_SCOPE_EVENT, "category", NULL, NULL, 10, "shoes=3 bags=1");
  assert_values (store, AUD_SCOPE_EVENT, "category", "purchase", NULL, 10, "bags=1 shoes=1");
  assert_values (store, AUD_SCOPE_EVENT, "category", "nope", NULL, 10, "");

  none = aud_suggest_values (store, AUD_SCOPE_CUSTOMER, "nope", NULL, NULL, 10, NULL, &error);
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_FOUND);
  g_assert_null (none);
}

static void
places_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GPtrArray **places = user_data;
  g_autoptr(GError) error = NULL;

  *places = aud_suggest_places_finish (result, &error);
  g_assert_no_error (error);
}

/* Places: cities with coordinates, their average position, most customers
 * first; the nearest one to a point within a distance. */
static void
test_builder_model_suggest_places (void)
{
  g_autoptr(AudStore) store = make_store ();
  g_autoptr(GPtrArray) places = NULL;
  const AudPlace *berlin, *near;

  aud_suggest_places_async (aud_store_get_path (store), 10, NULL, places_cb, &places);
  while (places == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (places->len, ==, 3);
  berlin = g_ptr_array_index (places, 0);
  g_assert_cmpstr (berlin->name, ==, "Berlin");
  g_assert_cmpstr (berlin->country, ==, "DE");
  g_assert_cmpint (berlin->count, ==, 2);
  g_assert_cmpfloat_with_epsilon (berlin->lat, 52.52, 1e-9);
  g_assert_cmpfloat_with_epsilon (berlin->lon, 13.41, 1e-9);

  near = aud_suggest_nearest_place (places, 52.5, 13.4, 5);
  g_assert_true (near == berlin);
  g_assert_null (aud_suggest_nearest_place (places, 50.0, 10.0, 5));
}

/* Saved segments keep a colour; without one they take the palette's. */
static void
test_builder_model_colors (void)
{
  g_autoptr(AudStore) store = make_store ();
  g_autoptr(AudSegment) segment = parse_ok ("{\"name\":\"VIP\",\"match\":{\"all\":[]}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *color = NULL;
  g_autofree char *again = NULL;
  const char * const *palette;
  guint n_colors = 0;
  gboolean found = FALSE;

  palette = aud_segment_color_palette (&n_colors);
  g_assert_cmpuint (n_colors, >=, 6);
  for (guint i = 0; i < n_colors; i++)
    found |= g_strcmp0 (palette[i], aud_segment_color_for_name ("VIP")) == 0;
  g_assert_true (found);

  g_assert_true (aud_segment_save (store, segment, FALSE, &error));
  g_assert_no_error (error);
  color = aud_segment_dup_color (store, "VIP", &error);
  g_assert_cmpstr (color, ==, aud_segment_color_for_name ("VIP"));

  g_assert_true (aud_segment_set_color (store, "VIP", "#123abc", &error));
  again = aud_segment_dup_color (store, "VIP", &error);
  g_assert_cmpstr (again, ==, "#123abc");

  g_assert_false (aud_segment_set_color (store, "VIP", "red", &error));
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (aud_segment_set_color (store, "nope", "#000000", &error));
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (aud_segment_dup_color (store, "nope", &error));
  g_assert_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/builder-model/round-trip", test_builder_model_round_trip);
  g_test_add_func ("/builder-model/templates", test_builder_model_templates);
  g_test_add_func ("/builder-model/edits", test_builder_model_edits);
  g_test_add_func ("/builder-model/none-groups", test_builder_model_none_groups);
  g_test_add_func ("/builder-model/undo", test_builder_model_undo);
  g_test_add_func ("/builder-model/refused", test_builder_model_refused);
  g_test_add_func ("/builder-model/value-for-op", test_builder_model_value_for_op);
  g_test_add_func ("/builder-model/suggest-values", test_builder_model_suggest_values);
  g_test_add_func ("/builder-model/suggest-places", test_builder_model_suggest_places);
  g_test_add_func ("/builder-model/colors", test_builder_model_colors);

  return g_test_run ();
}
