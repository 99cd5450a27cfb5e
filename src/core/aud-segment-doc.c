/* aud-segment-doc.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-segment-doc"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-segment-doc.h"

/* How many steps undo keeps. */
#define MAX_HISTORY 200

struct _AudSegmentDoc
{
  GObject     parent_instance;

  AudSegment *segment;    /* always parsed, paths and canonical strings set */
  GPtrArray  *undo;       /* (element-type utf8): canonical JSON of `match`, oldest first */
  GPtrArray  *redo;       /* (element-type utf8): likewise, the next redo last */
  char       *merge_key;  /* of the last edit, while a run of merged edits lasts */
};

G_DEFINE_FINAL_TYPE (AudSegmentDoc, aud_segment_doc, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Where a node sits in its parent: an element of @array, or the member
 * "not" of @object. */
typedef struct
{
  JsonNode   *node;
  JsonArray  *array;
  guint       index;
  JsonObject *object;
} Location;

static const char * const group_keys[] = {
  [AUD_GROUP_ALL] = "all",
  [AUD_GROUP_ANY] = "any",
  [AUD_GROUP_NONE] = "not",
};

static JsonNode *
new_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
new_array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/* The definition as JSON, to edit: {"match": …} only; name and description
 * are put back by commit(). */
static JsonNode *
dup_definition (AudSegmentDoc *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_member (object, "match", aud_segment_node_to_json (self->segment->root));
  return new_object_node (object);
}

static JsonNode *
definition_match (JsonNode *definition)
{
  return json_object_get_member (json_node_get_object (definition), "match");
}

static gboolean
set_path_error (GError     **error,
                const char  *path)
{
  g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID,
               _("%s: there is no such node in the segment"), path);
  return FALSE;
}

/* Finds @path ("match", "match.all[2].not") below @definition. Fails with
 * an error naming the path when there is no such node. */
static gboolean
locate (JsonNode    *definition,
        const char  *path,
        Location    *location,
        GError     **error)
{
  g_auto(GStrv) steps = NULL;
  JsonObject *parent = json_node_get_object (definition);

  *location = (Location) { NULL };

  if (path == NULL || !g_str_has_prefix (path, "match"))
    return set_path_error (error, path != NULL ? path : "");

  steps = g_strsplit (path, ".", -1);
  if (strcmp (steps[0], "match") != 0)
    return set_path_error (error, path);

  location->node = json_object_get_member (parent, "match");
  location->object = parent;

  for (guint i = 1; steps[i] != NULL; i++)
    {
      const char *step = steps[i];
      JsonObject *object;

      if (location->node == NULL || !JSON_NODE_HOLDS_OBJECT (location->node))
        return set_path_error (error, path);
      object = json_node_get_object (location->node);

      if (strcmp (step, "not") == 0)
        {
          location->node = json_object_get_member (object, "not");
          location->object = object;
          location->array = NULL;
        }
      else if ((g_str_has_prefix (step, "all[") || g_str_has_prefix (step, "any[")) &&
               g_str_has_suffix (step, "]"))
        {
          g_autofree char *key = g_strndup (step, 3);
          JsonNode *member = json_object_get_member (object, key);
          char *end = NULL;
          guint64 index = g_ascii_strtoull (step + 4, &end, 10);
          JsonArray *array;

          if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member) || end == step + 4 ||
              strcmp (end, "]") != 0)
            return set_path_error (error, path);

          array = json_node_get_array (member);
          if (index >= json_array_get_length (array))
            return set_path_error (error, path);

          location->node = json_array_get_element (array, index);
          location->array = array;
          location->index = index;
          location->object = NULL;
        }
      else
        return set_path_error (error, path);
    }

  if (location->node == NULL)
    return set_path_error (error, path);

  return TRUE;
}

static JsonObject *
node_object (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
json_is_group (JsonNode *node)
{
  JsonObject *object = node_object (node);

  return object != NULL &&
         (json_object_has_member (object, "all") || json_object_has_member (object, "any") ||
          json_object_has_member (object, "not"));
}

/* The array holding the children a group's card shows: the `all` or `any`
 * array, or for a `not` the array of its `any` child (made so when
 * @create, wrapping the one child). NULL when @node is not a group. */
static JsonArray *
group_array (JsonNode *node,
             gboolean  create)
{
  JsonObject *object = node_object (node);
  JsonNode *child;
  JsonObject *child_object;

  if (object == NULL)
    return NULL;

  if (json_object_has_member (object, "all"))
    return json_object_get_array_member (object, "all");
  if (json_object_has_member (object, "any"))
    return json_object_get_array_member (object, "any");
  if (!json_object_has_member (object, "not"))
    return NULL;

  child = json_object_get_member (object, "not");
  child_object = node_object (child);
  if (child_object != NULL && json_object_has_member (child_object, "any") &&
      !json_object_get_boolean_member_with_default (child_object, "disabled", FALSE))
    return json_object_get_array_member (child_object, "any");

  if (!create)
    return NULL;

  {
    JsonArray *array = json_array_new ();
    JsonObject *any = json_object_new ();

    /* The same node, not a copy: callers hold pointers into it. */
    json_array_add_element (array, json_node_ref (child));
    json_object_set_array_member (any, "any", array);
    json_object_set_member (object, "not", new_object_node (any));
    return array;
  }
}

static void
clear_merge_key (AudSegmentDoc *self)
{
  g_clear_pointer (&self->merge_key, g_free);
}

static void
notify_history (AudSegmentDoc *self,
                gboolean       could_undo,
                gboolean       could_redo)
{
  if (could_undo != aud_segment_doc_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != aud_segment_doc_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static char *
current_state (AudSegmentDoc *self)
{
  return g_strdup (self->segment->root->canonical);
}

/* Parses @definition ({"match": …}) with the document's name and
 * description. NULL with @error set when it is not a valid definition. */
static AudSegment *
parse_definition (AudSegmentDoc  *self,
                  JsonNode       *definition,
                  GError        **error)
{
  JsonObject *object = json_node_get_object (definition);

  if (self->segment->name != NULL)
    json_object_set_string_member (object, "name", self->segment->name);
  if (self->segment->description != NULL)
    json_object_set_string_member (object, "description", self->segment->description);

  return aud_segment_parse_node (definition, error);
}

/* Makes @definition the document, recording the previous state unless
 * nothing changed. */
static gboolean
commit (AudSegmentDoc  *self,
        JsonNode       *definition,
        const char     *merge_key,
        GError        **error)
{
  g_autoptr(AudSegment) segment = NULL;
  gboolean could_undo = aud_segment_doc_can_undo (self);
  gboolean could_redo = aud_segment_doc_can_redo (self);
  gboolean merge;

  if ((segment = parse_definition (self, definition, error)) == NULL)
    return FALSE;

  if (g_strcmp0 (segment->root->canonical, self->segment->root->canonical) == 0)
    return TRUE;

  merge = merge_key != NULL && g_strcmp0 (merge_key, self->merge_key) == 0 &&
          self->undo->len > 0 && self->redo->len == 0;
  if (!merge)
    {
      g_ptr_array_add (self->undo, current_state (self));
      if (self->undo->len > MAX_HISTORY)
        g_ptr_array_remove_index (self->undo, 0);
    }

  g_ptr_array_set_size (self->redo, 0);
  g_free (self->merge_key);
  self->merge_key = g_strdup (merge_key);

  aud_segment_free (self->segment);
  self->segment = g_steal_pointer (&segment);

  notify_history (self, could_undo, could_redo);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/* commit() for an edit that never merges: it ends any run of merged
 * edits. */
static gboolean
commit_edit (AudSegmentDoc  *self,
             JsonNode       *definition,
             GError        **error)
{
  if (!commit (self, definition, NULL, error))
    return FALSE;

  clear_merge_key (self);
  return TRUE;
}

/* Restores a state from the history (the canonical JSON of `match`). */
static void
restore (AudSegmentDoc *self,
         const char    *state)
{
  g_autoptr(JsonNode) match = json_from_string (state, NULL);
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(AudSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = json_object_new ();

  g_assert (match != NULL);

  json_object_set_member (object, "match", g_steal_pointer (&match));
  definition = new_object_node (object);
  segment = parse_definition (self, definition, &error);

  /* Every state in the history was parsed before. */
  g_assert_no_error (error);

  aud_segment_free (self->segment);
  self->segment = g_steal_pointer (&segment);
}

static void
aud_segment_doc_finalize (GObject *object)
{
  AudSegmentDoc *self = (AudSegmentDoc *)object;

  g_clear_pointer (&self->segment, aud_segment_free);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_clear_pointer (&self->merge_key, g_free);

  G_OBJECT_CLASS (aud_segment_doc_parent_class)->finalize (object);
}

static void
aud_segment_doc_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AudSegmentDoc *self = AUD_SEGMENT_DOC (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, aud_segment_doc_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, aud_segment_doc_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_segment_doc_class_init (AudSegmentDocClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_segment_doc_finalize;
  object_class->get_property = aud_segment_doc_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AudSegmentDoc::changed:
   *
   * The definition changed: an edit, undo, redo, load or a new name.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
aud_segment_doc_init (AudSegmentDoc *self)
{
  self->segment = g_new0 (AudSegment, 1);
  self->segment->root = aud_segment_node_new_group (AUD_NODE_ALL);
  self->undo = g_ptr_array_new_with_free_func (g_free);
  self->redo = g_ptr_array_new_with_free_func (g_free);
}

/**
 * aud_segment_doc_new:
 *
 * Returns: (transfer full): a document holding `{"all": []}` (everyone)
 */
AudSegmentDoc *
aud_segment_doc_new (void)
{
  return g_object_new (AUD_TYPE_SEGMENT_DOC, NULL);
}

void
aud_segment_doc_load (AudSegmentDoc    *self,
                      const AudSegment *segment)
{
  gboolean could_undo, could_redo;

  g_return_if_fail (AUD_IS_SEGMENT_DOC (self));
  g_return_if_fail (segment != NULL && segment->root != NULL);

  could_undo = aud_segment_doc_can_undo (self);
  could_redo = aud_segment_doc_can_redo (self);

  aud_segment_free (self->segment);
  self->segment = aud_segment_copy (segment);
  aud_segment_node_update (self->segment->root, "match");
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  clear_merge_key (self);

  notify_history (self, could_undo, could_redo);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * aud_segment_doc_get_segment:
 *
 * Returns: (transfer none): the definition; valid until the next change
 */
const AudSegment *
aud_segment_doc_get_segment (AudSegmentDoc *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), NULL);

  return self->segment;
}

/**
 * aud_segment_doc_to_json:
 * @pretty: indented, for people and files
 *
 * Returns: (transfer full): the canonical JSON of the definition
 */
char *
aud_segment_doc_to_json (AudSegmentDoc *self,
                         gboolean       pretty)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), NULL);

  return aud_segment_to_json (self->segment, pretty);
}

void
aud_segment_doc_set_name (AudSegmentDoc *self,
                          const char    *name)
{
  g_return_if_fail (AUD_IS_SEGMENT_DOC (self));

  if (name != NULL && name[0] == '\0')
    name = NULL;

  if (g_strcmp0 (name, self->segment->name) == 0)
    return;

  g_free (self->segment->name);
  self->segment->name = g_strdup (name);
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
aud_segment_doc_get_name (AudSegmentDoc *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), NULL);

  return self->segment->name;
}

static const AudSegmentNode *
lookup_node (const AudSegmentNode *node,
             const char           *path)
{
  if (g_strcmp0 (node->path, path) == 0)
    return node;

  if (node->children == NULL || !g_str_has_prefix (path, node->path))
    return NULL;

  for (guint i = 0; i < node->children->len; i++)
    {
      const AudSegmentNode *found = lookup_node (g_ptr_array_index (node->children, i), path);

      if (found != NULL)
        return found;
    }

  return NULL;
}

const AudSegmentNode *
aud_segment_doc_lookup (AudSegmentDoc *self,
                        const char    *path)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return lookup_node (self->segment->root, path);
}

/* Inserts (takes) @element into @array at @position (-1: append). */
static guint
array_insert (JsonArray *array,
              int        position,
              JsonNode  *element)
{
  guint n = json_array_get_length (array);
  GList *tail = NULL;
  guint index;

  index = position < 0 || (guint)position > n ? n : (guint)position;

  for (guint i = index; i < n; i++)
    {
      tail = g_list_prepend (tail, json_node_copy (json_array_get_element (array, index)));
      json_array_remove_element (array, index);
    }
  tail = g_list_reverse (tail);

  json_array_add_element (array, element);
  for (GList *l = tail; l != NULL; l = l->next)
    json_array_add_element (array, l->data);
  g_list_free (tail);

  return index;
}

/**
 * aud_segment_doc_replace:
 * @path: the node to replace
 * @node: its new JSON
 * @merge_key: (nullable): joins this edit with the last one of the same key
 *
 * Returns: %FALSE with @error set when @path does not exist or the result
 *   is not a valid definition (the document is then unchanged)
 */
gboolean
aud_segment_doc_replace (AudSegmentDoc  *self,
                         const char     *path,
                         JsonNode       *node,
                         const char     *merge_key,
                         GError        **error)
{
  g_autoptr(JsonNode) definition = NULL;
  Location location;

  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  definition = dup_definition (self);
  if (!locate (definition, path, &location, error))
    return FALSE;

  if (location.array != NULL)
    {
      json_array_remove_element (location.array, location.index);
      array_insert (location.array, location.index, json_node_copy (node));
    }
  else
    json_object_set_member (location.object, strcmp (path, "match") == 0 ? "match" : "not",
                            json_node_copy (node));

  if (!commit (self, definition, merge_key, error))
    return FALSE;

  if (merge_key == NULL)
    clear_merge_key (self);

  return TRUE;
}

/* The path of @target below @node (which is at @path), found by
 * identity; NULL when it is not there. */
static char *
find_path (JsonNode   *node,
           const char *path,
           JsonNode   *target)
{
  static const char * const keys[] = { "all", "any" };
  JsonObject *object;

  if (node == target)
    return g_strdup (path);

  if ((object = node_object (node)) == NULL)
    return NULL;

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      JsonNode *member = json_object_get_member (object, keys[k]);
      JsonArray *array;

      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        continue;

      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *element = g_strdup_printf ("%s.%s[%u]", path, keys[k], i);
          char *found = find_path (json_array_get_element (array, i), element, target);

          if (found != NULL)
            return found;
        }
    }

  if (json_object_has_member (object, "not"))
    {
      g_autofree char *member_path = g_strconcat (path, ".not", NULL);

      return find_path (json_object_get_member (object, "not"), member_path, target);
    }

  return NULL;
}

static gboolean
set_not_a_group_error (GError     **error,
                       const char  *path)
{
  g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID,
               _("%s: not a group (all, any or not)"), path);
  return FALSE;
}

gboolean
aud_segment_doc_insert (AudSegmentDoc  *self,
                        const char     *group_path,
                        int             position,
                        JsonNode       *node,
                        char          **new_path,
                        GError        **error)
{
  g_autoptr(JsonNode) definition = NULL;
  JsonNode *inserted;
  JsonArray *array;
  Location location;

  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  definition = dup_definition (self);
  if (!locate (definition, group_path, &location, error))
    return FALSE;

  if ((array = group_array (location.node, TRUE)) == NULL)
    return set_not_a_group_error (error, group_path);

  inserted = json_node_copy (node);
  array_insert (array, position, inserted);

  if (!commit_edit (self, definition, error))
    return FALSE;

  if (new_path != NULL)
    *new_path = find_path (definition_match (definition), "match", inserted);

  return TRUE;
}

gboolean
aud_segment_doc_remove (AudSegmentDoc  *self,
                        const char     *path,
                        GError        **error)
{
  g_autoptr(JsonNode) definition = NULL;
  Location location;

  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);

  definition = dup_definition (self);
  if (!locate (definition, path, &location, error))
    return FALSE;

  if (location.array != NULL)
    json_array_remove_element (location.array, location.index);
  else if (strcmp (path, "match") == 0)
    json_object_set_member (location.object, "match",
                            aud_segment_doc_template_group (AUD_GROUP_ALL));
  else
    json_object_set_member (location.object, "not", aud_segment_doc_template_group (AUD_GROUP_ANY));

  if (!commit_edit (self, definition, error))
    return FALSE;

  return TRUE;
}

gboolean
aud_segment_doc_move (AudSegmentDoc  *self,
                      const char     *path,
                      const char     *group_path,
                      int             position,
                      char          **new_path,
                      GError        **error)
{
  g_autoptr(JsonNode) definition = NULL;
  g_autofree char *inner_prefix = NULL;
  Location location, group;
  JsonNode *moved;
  JsonArray *array;

  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);
  g_return_val_if_fail (path != NULL && group_path != NULL, FALSE);

  inner_prefix = g_strconcat (path, ".", NULL);
  if (strcmp (path, group_path) == 0 || g_str_has_prefix (group_path, inner_prefix))
    {
      g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID,
                   _("%s: a group cannot be moved into itself"), path);
      return FALSE;
    }

  definition = dup_definition (self);
  if (!locate (definition, path, &location, error) ||
      !locate (definition, group_path, &group, error))
    return FALSE;

  if (location.array == NULL)
    {
      g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID,
                   _("%s: only a member of a group can be moved"), path);
      return FALSE;
    }

  /* Make the target an array first: the node to move may be the one child
   * of a `not` that this wraps (then it is not moved at all). */
  if ((array = group_array (group.node, TRUE)) == NULL)
    return set_not_a_group_error (error, group_path);

  moved = json_node_ref (location.node);
  if (array == location.array && position >= 0 && (guint)position > location.index)
    position--;
  json_array_remove_element (location.array, location.index);
  array_insert (array, position, moved);

  if (!commit_edit (self, definition, error))
    return FALSE;

  if (new_path != NULL)
    *new_path = find_path (definition_match (definition), "match", moved);

  return TRUE;
}

gboolean
aud_segment_doc_duplicate (AudSegmentDoc  *self,
                           const char     *path,
                           char          **new_path,
                           GError        **error)
{
  g_autoptr(JsonNode) definition = NULL;
  Location location;
  JsonNode *copy;

  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);

  definition = dup_definition (self);
  if (!locate (definition, path, &location, error))
    return FALSE;

  if (location.array == NULL)
    {
      g_set_error (error, AUD_SEGMENT_ERROR, AUD_SEGMENT_ERROR_INVALID,
                   _("%s: only a member of a group can be duplicated"), path);
      return FALSE;
    }

  copy = json_node_copy (location.node);
  array_insert (location.array, location.index + 1, copy);

  if (!commit_edit (self, definition, error))
    return FALSE;

  if (new_path != NULL)
    *new_path = find_path (definition_match (definition), "match", copy);

  return TRUE;
}

gboolean
aud_segment_doc_set_disabled (AudSegmentDoc  *self,
                              const char     *path,
                              gboolean        disabled,
                              GError        **error)
{
  g_autoptr(JsonNode) definition = NULL;
  Location location;
  JsonObject *object;

  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);

  definition = dup_definition (self);
  if (!locate (definition, path, &location, error))
    return FALSE;

  object = json_node_get_object (location.node);
  if (disabled)
    json_object_set_boolean_member (object, "disabled", TRUE);
  else
    json_object_remove_member (object, "disabled");

  if (!commit_edit (self, definition, error))
    return FALSE;

  return TRUE;
}

gboolean
aud_segment_doc_set_group_kind (AudSegmentDoc  *self,
                                const char     *path,
                                AudGroupKind    kind,
                                GError        **error)
{
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(JsonNode) children = NULL;
  JsonObject *object;
  JsonArray *array;
  Location location;
  gboolean disabled;

  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);
  g_return_val_if_fail (kind <= AUD_GROUP_NONE, FALSE);

  definition = dup_definition (self);
  if (!locate (definition, path, &location, error))
    return FALSE;

  if (!json_is_group (location.node) || (array = group_array (location.node, TRUE)) == NULL)
    return set_not_a_group_error (error, path);

  children = new_array_node (json_array_ref (array));
  object = json_node_get_object (location.node);
  disabled = json_object_get_boolean_member_with_default (object, "disabled", FALSE);

  /* Empty the object and fill it again, keeping "disabled" last. */
  json_object_remove_member (object, "all");
  json_object_remove_member (object, "any");
  json_object_remove_member (object, "not");
  json_object_remove_member (object, "disabled");

  if (kind == AUD_GROUP_NONE)
    {
      JsonObject *any = json_object_new ();

      json_object_set_member (any, "any", g_steal_pointer (&children));
      json_object_set_member (object, "not", new_object_node (any));
    }
  else
    json_object_set_member (object, group_keys[kind], g_steal_pointer (&children));

  if (disabled)
    json_object_set_boolean_member (object, "disabled", TRUE);

  if (!commit_edit (self, definition, error))
    return FALSE;

  return TRUE;
}

gboolean
aud_segment_doc_can_undo (AudSegmentDoc *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);

  return self->undo->len > 0;
}

gboolean
aud_segment_doc_can_redo (AudSegmentDoc *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);

  return self->redo->len > 0;
}

/* Moves the current state to @to and restores the last state of @from. */
static gboolean
step_history (AudSegmentDoc *self,
              GPtrArray     *from,
              GPtrArray     *to)
{
  gboolean could_undo = aud_segment_doc_can_undo (self);
  gboolean could_redo = aud_segment_doc_can_redo (self);
  g_autofree char *state = NULL;

  if (from->len == 0)
    return FALSE;

  state = g_ptr_array_steal_index (from, from->len - 1);
  g_ptr_array_add (to, current_state (self));
  restore (self, state);
  clear_merge_key (self);

  notify_history (self, could_undo, could_redo);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * aud_segment_doc_undo:
 *
 * Returns: whether there was an edit to undo
 */
gboolean
aud_segment_doc_undo (AudSegmentDoc *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);

  return step_history (self, self->undo, self->redo);
}

/**
 * aud_segment_doc_redo:
 *
 * Returns: whether there was an undone edit to redo
 */
gboolean
aud_segment_doc_redo (AudSegmentDoc *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_DOC (self), FALSE);

  return step_history (self, self->redo, self->undo);
}

/* Groups ------------------------------------------------------------------ */

gboolean
aud_segment_doc_is_group (const AudSegmentNode *node)
{
  g_return_val_if_fail (node != NULL, FALSE);

  return node->kind == AUD_NODE_ALL || node->kind == AUD_NODE_ANY || node->kind == AUD_NODE_NOT;
}

AudGroupKind
aud_segment_doc_group_kind (const AudSegmentNode *node)
{
  g_return_val_if_fail (node != NULL, AUD_GROUP_ALL);

  switch (node->kind)
    {
    case AUD_NODE_ANY:
      return AUD_GROUP_ANY;
    case AUD_NODE_NOT:
      return AUD_GROUP_NONE;
    case AUD_NODE_ALL:
    default:
      return AUD_GROUP_ALL;
    }
}

GPtrArray *
aud_segment_doc_group_children (const AudSegmentNode *node)
{
  GPtrArray *children = g_ptr_array_new ();
  const GPtrArray *source;

  g_return_val_if_fail (node != NULL, children);

  source = node->children;
  if (node->kind == AUD_NODE_NOT && source != NULL && source->len == 1)
    {
      const AudSegmentNode *child = g_ptr_array_index (source, 0);

      if (child->kind == AUD_NODE_ANY && !child->disabled)
        source = child->children;
    }

  if (source != NULL)
    for (guint i = 0; i < source->len; i++)
      g_ptr_array_add (children, g_ptr_array_index (source, i));

  return children;
}

/* Templates --------------------------------------------------------------- */

typedef enum
{
  SHAPE_NONE,
  SHAPE_SCALAR,
  SHAPE_TEXT,
  SHAPE_MOMENT,
  SHAPE_LIST,
  SHAPE_RANGE,
  SHAPE_DAYS,
  SHAPE_YEARS,
} Shape;

/* The value each operator takes (SEGMENT-FORMAT.md, "Profile criteria"). */
static Shape
op_shape (AudOp op)
{
  switch (op)
    {
    case AUD_OP_BLANK:
    case AUD_OP_NOT_BLANK:
    case AUD_OP_IS_TRUE:
    case AUD_OP_IS_FALSE:
      return SHAPE_NONE;
    case AUD_OP_EQ:
    case AUD_OP_NE:
    case AUD_OP_LT:
    case AUD_OP_LE:
    case AUD_OP_GT:
    case AUD_OP_GE:
      return SHAPE_SCALAR;
    case AUD_OP_CONTAINS:
    case AUD_OP_NOT_CONTAINS:
    case AUD_OP_STARTS_WITH:
    case AUD_OP_ENDS_WITH:
    case AUD_OP_MATCHES:
      return SHAPE_TEXT;
    case AUD_OP_BEFORE:
    case AUD_OP_AFTER:
    case AUD_OP_ON:
      return SHAPE_MOMENT;
    case AUD_OP_IN:
    case AUD_OP_NOT_IN:
      return SHAPE_LIST;
    case AUD_OP_BETWEEN:
      return SHAPE_RANGE;
    case AUD_OP_WITHIN_LAST_DAYS:
    case AUD_OP_MORE_THAN_DAYS_AGO:
    case AUD_OP_WITHIN_NEXT_DAYS:
    case AUD_OP_BIRTHDAY_WITHIN_DAYS:
      return SHAPE_DAYS;
    case AUD_OP_AGE_BETWEEN:
      return SHAPE_YEARS;
    default:
      g_return_val_if_reached (SHAPE_NONE);
    }
}

static gboolean
is_number_type (AudFieldType type)
{
  return type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL;
}

static gboolean
is_date_type (AudFieldType type)
{
  return type == AUD_FIELD_DATE || type == AUD_FIELD_DATETIME;
}

/* The first element of @value when it is an array, else @value itself.
 * (transfer none) (nullable) */
static JsonNode *
first_scalar (JsonNode *value)
{
  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      value = json_array_get_length (array) > 0 ? json_array_get_element (array, 0) : NULL;
    }

  return value != NULL && JSON_NODE_HOLDS_VALUE (value) ? value : NULL;
}

/* Whether @scalar can be the value (or a list element, or a range bound) of
 * an operator of @shape on a @type field; empty strings only as text. */
static gboolean
fits (Shape         shape,
      AudFieldType  type,
      JsonNode     *scalar)
{
  GType value_type;

  if (scalar == NULL || !JSON_NODE_HOLDS_VALUE (scalar))
    return FALSE;

  value_type = json_node_get_value_type (scalar);
  if (value_type == G_TYPE_BOOLEAN)
    return FALSE;

  if (shape == SHAPE_TEXT)
    return value_type == G_TYPE_STRING;

  if (value_type == G_TYPE_STRING && json_node_get_string (scalar)[0] == '\0')
    return FALSE;

  if (is_date_type (type) || shape == SHAPE_MOMENT)
    return value_type == G_TYPE_STRING;

  if (is_number_type (type))
    return TRUE;

  return value_type == G_TYPE_STRING;
}

static JsonNode *
scalar_default (AudFieldType  type,
                const char   *today)
{
  if (is_number_type (type))
    return json_node_init_int (json_node_alloc (), 0);
  if (is_date_type (type))
    return json_node_init_string (json_node_alloc (), today);

  return json_node_init_string (json_node_alloc (), "");
}

static JsonNode *
pair (JsonNode *low,
      JsonNode *high)
{
  JsonArray *array = json_array_new ();

  json_array_add_element (array, low);
  json_array_add_element (array, high);
  return new_array_node (array);
}

static JsonNode *
int_pair (gint64 low,
          gint64 high)
{
  return pair (json_node_init_int (json_node_alloc (), low),
               json_node_init_int (json_node_alloc (), high));
}

/* A non-negative integer @value, or NULL. */
static gboolean
is_count (JsonNode *value)
{
  return value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
         json_node_get_value_type (value) == G_TYPE_INT64 && json_node_get_int (value) >= 0;
}

/**
 * aud_segment_doc_value_for_op:
 * @op: the new operator
 * @type: the type of the field or property
 * @old_value: (nullable): the value the condition had
 * @today: the reference date (YYYY-MM-DD), for new date values
 *
 * Returns: (transfer full) (nullable): the value for @op
 */
JsonNode *
aud_segment_doc_value_for_op (AudOp         op,
                              AudFieldType  type,
                              JsonNode     *old_value,
                              const char   *today)
{
  Shape shape = op_shape (op);
  JsonNode *scalar = first_scalar (old_value);
  gboolean old_is_array = old_value != NULL && JSON_NODE_HOLDS_ARRAY (old_value);

  g_return_val_if_fail (today != NULL, NULL);

  switch (shape)
    {
    case SHAPE_NONE:
      return NULL;

    case SHAPE_SCALAR:
    case SHAPE_TEXT:
    case SHAPE_MOMENT:
      if (fits (shape, type, scalar))
        return json_node_copy (scalar);
      if (shape == SHAPE_MOMENT)
        return json_node_init_string (json_node_alloc (), today);
      return scalar_default (shape == SHAPE_TEXT ? AUD_FIELD_TEXT : type, today);

    case SHAPE_LIST:
      {
        JsonArray *array = json_array_new ();

        if (old_is_array)
          {
            JsonArray *old = json_node_get_array (old_value);

            for (guint i = 0; i < json_array_get_length (old); i++)
              if (fits (shape, type, json_array_get_element (old, i)))
                json_array_add_element (array, json_node_copy (json_array_get_element (old, i)));
          }
        else if (fits (shape, type, scalar))
          json_array_add_element (array, json_node_copy (scalar));

        return new_array_node (array);
      }

    case SHAPE_RANGE:
      if (old_is_array && json_array_get_length (json_node_get_array (old_value)) == 2 &&
          fits (shape, type, json_array_get_element (json_node_get_array (old_value), 0)) &&
          fits (shape, type, json_array_get_element (json_node_get_array (old_value), 1)))
        return json_node_copy (old_value);
      if (fits (shape, type, scalar))
        return pair (json_node_copy (scalar), json_node_copy (scalar));
      if (is_date_type (type))
        return pair (json_node_init_string (json_node_alloc (), today),
                     json_node_init_string (json_node_alloc (), today));
      return int_pair (0, 100);

    case SHAPE_DAYS:
      if (is_count (old_value))
        return json_node_copy (old_value);
      return json_node_init_int (json_node_alloc (), 30);

    case SHAPE_YEARS:
      if (old_is_array && json_array_get_length (json_node_get_array (old_value)) == 2 &&
          is_count (json_array_get_element (json_node_get_array (old_value), 0)) &&
          is_count (json_array_get_element (json_node_get_array (old_value), 1)))
        return json_node_copy (old_value);
      return int_pair (18, 34);

    default:
      g_assert_not_reached ();
    }
}

AudOp
aud_segment_doc_default_op (AudFieldType type,
                            AudFieldRole role)
{
  switch (type)
    {
    case AUD_FIELD_TEXT:
      return AUD_OP_CONTAINS;
    case AUD_FIELD_CATEGORY:
      return AUD_OP_IN;
    case AUD_FIELD_INTEGER:
    case AUD_FIELD_DECIMAL:
      return AUD_OP_GE;
    case AUD_FIELD_DATE:
    case AUD_FIELD_DATETIME:
      return role == AUD_ROLE_BIRTH_DATE ? AUD_OP_AGE_BETWEEN : AUD_OP_WITHIN_LAST_DAYS;
    case AUD_FIELD_BOOLEAN:
      return AUD_OP_IS_TRUE;
    default:
      g_return_val_if_reached (AUD_OP_NOT_BLANK);
    }
}

static JsonNode *
condition_template (const char   *key,
                    const char   *name,
                    AudFieldType  type,
                    AudOp         op,
                    const char   *today)
{
  JsonObject *object = json_object_new ();
  JsonNode *value = aud_segment_doc_value_for_op (op, type, NULL, today);

  json_object_set_string_member (object, key, name);
  json_object_set_string_member (object, "op", aud_op_to_string (op));
  if (value != NULL)
    json_object_set_member (object, "value", value);

  return new_object_node (object);
}

/**
 * aud_segment_doc_template_field:
 * @field: a customer field
 * @today: the reference date, YYYY-MM-DD
 *
 * `{"field": name, "op": …, "value": …}` with the default operator of the
 * field's type and role: text contains "", category in [], numbers ≥ 0,
 * dates within the last 30 days (a birth date: age 18–34), booleans is true.
 *
 * Returns: (transfer full): the criterion
 */
JsonNode *
aud_segment_doc_template_field (const AudField *field,
                                const char     *today)
{
  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (today != NULL, NULL);

  return condition_template ("field", field->name, field->type,
                             aud_segment_doc_default_op (field->type, field->role), today);
}

JsonNode *
aud_segment_doc_template_condition (const AudField *property,
                                    const char     *name,
                                    const char     *today)
{
  g_return_val_if_fail (property != NULL || name != NULL, NULL);
  g_return_val_if_fail (today != NULL, NULL);

  if (property == NULL)
    {
      /* The built-ins: evenings, and weekends. */
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "property", name);
      if (strcmp (name, "@weekday") == 0)
        {
          JsonArray *days = json_array_new ();

          json_object_set_string_member (object, "op", "in");
          json_array_add_int_element (days, 6);
          json_array_add_int_element (days, 7);
          json_object_set_array_member (object, "value", days);
        }
      else
        {
          json_object_set_string_member (object, "op", "between");
          json_object_set_member (object, "value", int_pair (18, 23));
        }
      return new_object_node (object);
    }

  return condition_template ("property", property->name, property->type,
                             aud_segment_doc_default_op (property->type, property->role), today);
}

/* {"event": name, "when": {"within_last_days": 30}} */
JsonNode *
aud_segment_doc_template_event (const char *event)
{
  JsonObject *object = json_object_new ();
  JsonObject *when = json_object_new ();

  g_return_val_if_fail (event != NULL, NULL);

  json_object_set_string_member (object, "event", event);
  json_object_set_int_member (when, "within_last_days", 30);
  json_object_set_object_member (object, "when", when);

  return new_object_node (object);
}

JsonNode *
aud_segment_doc_template_near (double lat,
                               double lon,
                               double km)
{
  JsonObject *object = json_object_new ();
  JsonObject *near = json_object_new ();

  json_object_set_double_member (near, "lat", lat);
  json_object_set_double_member (near, "lon", lon);
  json_object_set_double_member (near, "km", km);
  json_object_set_object_member (object, "near", near);

  return new_object_node (object);
}

JsonNode *
aud_segment_doc_template_segment (const char *name)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (name != NULL, NULL);

  json_object_set_string_member (object, "segment", name);
  return new_object_node (object);
}

/* A 10 % holdout: buckets 0–9. */
JsonNode *
aud_segment_doc_template_bucket (const char *salt)
{
  JsonObject *object = json_object_new ();
  JsonObject *bucket = json_object_new ();

  json_object_set_int_member (bucket, "from", 0);
  json_object_set_int_member (bucket, "to", 9);
  json_object_set_string_member (bucket, "salt", salt != NULL ? salt : "");
  json_object_set_object_member (object, "bucket", bucket);

  return new_object_node (object);
}

/* An empty group; "None of these" is {"not": {"any": []}}. */
JsonNode *
aud_segment_doc_template_group (AudGroupKind kind)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (kind <= AUD_GROUP_NONE, NULL);

  if (kind == AUD_GROUP_NONE)
    {
      JsonObject *any = json_object_new ();

      json_object_set_array_member (any, "any", json_array_new ());
      json_object_set_object_member (object, "not", any);
    }
  else
    json_object_set_array_member (object, group_keys[kind], json_array_new ());

  return new_object_node (object);
}
