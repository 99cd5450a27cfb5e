/* aud-segment-doc.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aud-segment.h"

G_BEGIN_DECLS

/*
 * AudSegmentDoc: a segment definition being edited, with undo and redo (the
 * segment builder's model, free of any toolkit).
 *
 * The document is always a definition that parses: every edit builds the
 * new JSON, parses it with aud_segment_parse_node() and is refused (the
 * document left as it was, @error set with the JSON path) when it does not.
 * Names are not checked here; the engine reports unknown ones.
 *
 * Nodes are addressed by their JSON paths, exactly as AudSegmentNode.path
 * gives them: "match", "match.all[2]", "match.not.any[0].where"… (the
 * segment builder keeps no other identity).
 *
 * Groups as the builder shows them: "All of these" is `all`, "Any of
 * these" is `any`, "None of these" is `not`. The children of a `not` are
 * those of its `any` child, or else its one child; inserting into a `not`
 * whose child is not an `any` first makes it `{"not": {"any": [child]}}`,
 * which means the same.
 *
 * History: each edit that changes the canonical JSON pushes the previous
 * state; consecutive edits with the same merge key are one step (typing in
 * an entry), and any other edit, undo or redo ends the run. An edit that
 * changes nothing is not recorded and emits nothing.
 *
 * Threading: main thread (or any one thread).
 */

typedef enum
{
  AUD_GROUP_ALL,
  AUD_GROUP_ANY,
  AUD_GROUP_NONE,
} AudGroupKind;

#define AUD_TYPE_SEGMENT_DOC (aud_segment_doc_get_type ())

G_DECLARE_FINAL_TYPE (AudSegmentDoc, aud_segment_doc, AUD, SEGMENT_DOC, GObject)

AudSegmentDoc        *aud_segment_doc_new             (void);

/* Replaces the whole document (a copy of @segment) and forgets the
 * history; emits ::changed. */
void                  aud_segment_doc_load            (AudSegmentDoc        *self,
                                                       const AudSegment     *segment);
const AudSegment     *aud_segment_doc_get_segment     (AudSegmentDoc        *self);
char                 *aud_segment_doc_to_json         (AudSegmentDoc        *self,
                                                       gboolean              pretty);
/* Not an edit: no history, but ::changed. */
void                  aud_segment_doc_set_name        (AudSegmentDoc        *self,
                                                       const char           *name);
const char           *aud_segment_doc_get_name        (AudSegmentDoc        *self);

/* (transfer none) (nullable): the node at @path. */
const AudSegmentNode *aud_segment_doc_lookup          (AudSegmentDoc        *self,
                                                       const char           *path);

/* Edits. @node is a node as JSON (the document keeps a copy); @merge_key
 * (nullable) joins consecutive edits into one undo step; @new_path
 * (optional out, transfer full) is where the node is afterwards. */
gboolean              aud_segment_doc_replace         (AudSegmentDoc        *self,
                                                       const char           *path,
                                                       JsonNode             *node,
                                                       const char           *merge_key,
                                                       GError              **error);
/* @position: -1 appends. @group_path names an all, any or not node. */
gboolean              aud_segment_doc_insert          (AudSegmentDoc        *self,
                                                       const char           *group_path,
                                                       int                   position,
                                                       JsonNode             *node,
                                                       char                **new_path,
                                                       GError              **error);
/* Removing the root leaves an empty `all`; removing the only child of a
 * `not` leaves an empty "None of these". */
gboolean              aud_segment_doc_remove          (AudSegmentDoc        *self,
                                                       const char           *path,
                                                       GError              **error);
/* Moves @path into @group_path at @position, counted among the children
 * the group has before the move (so moving a node down one place within
 * its group is position index + 2). Moving a group into itself is refused. */
gboolean              aud_segment_doc_move            (AudSegmentDoc        *self,
                                                       const char           *path,
                                                       const char           *group_path,
                                                       int                   position,
                                                       char                **new_path,
                                                       GError              **error);
/* Inserts a copy right after @path. */
gboolean              aud_segment_doc_duplicate       (AudSegmentDoc        *self,
                                                       const char           *path,
                                                       char                **new_path,
                                                       GError              **error);
gboolean              aud_segment_doc_set_disabled    (AudSegmentDoc        *self,
                                                       const char           *path,
                                                       gboolean              disabled,
                                                       GError              **error);
/* Turns the group at @path into @kind, keeping its children. */
gboolean              aud_segment_doc_set_group_kind  (AudSegmentDoc        *self,
                                                       const char           *path,
                                                       AudGroupKind          kind,
                                                       GError              **error);

gboolean              aud_segment_doc_can_undo        (AudSegmentDoc        *self);
gboolean              aud_segment_doc_can_redo        (AudSegmentDoc        *self);
gboolean              aud_segment_doc_undo            (AudSegmentDoc        *self);
gboolean              aud_segment_doc_redo            (AudSegmentDoc        *self);

/* Groups as the builder shows them. is_group: all, any or not. */
gboolean              aud_segment_doc_is_group        (const AudSegmentNode *node);
AudGroupKind          aud_segment_doc_group_kind      (const AudSegmentNode *node);
/* (transfer container) (element-type AudSegmentNode): the children shown in
 * the group's card. */
GPtrArray            *aud_segment_doc_group_children  (const AudSegmentNode *node);

/* New criteria with sensible first values, as JSON (transfer full). @today
 * is the reference date (YYYY-MM-DD) for date values. */
JsonNode             *aud_segment_doc_template_field     (const AudField   *field,
                                                          const char       *today);
/* A `where` condition on an event property (a NULL @property: the built-in
 * @name, "@hour" or "@weekday"). */
JsonNode             *aud_segment_doc_template_condition (const AudField   *property,
                                                          const char       *name,
                                                          const char       *today);
JsonNode             *aud_segment_doc_template_event     (const char       *event);
JsonNode             *aud_segment_doc_template_near      (double            lat,
                                                          double            lon,
                                                          double            km);
JsonNode             *aud_segment_doc_template_segment   (const char       *name);
JsonNode             *aud_segment_doc_template_bucket    (const char       *salt);
JsonNode             *aud_segment_doc_template_group     (AudGroupKind      kind);

/* The operator a new condition on a @type field starts with. */
AudOp                 aud_segment_doc_default_op         (AudFieldType      type,
                                                          AudFieldRole      role);
/* A value that fits @op on a @type field, kept from @old_value where it can
 * be (a single value becomes a one-element list, a list its first element,
 * a range its lower bound…). (transfer full) (nullable): NULL for operators
 * without a value. */
JsonNode             *aud_segment_doc_value_for_op       (AudOp             op,
                                                          AudFieldType      type,
                                                          JsonNode         *old_value,
                                                          const char       *today);

G_END_DECLS
