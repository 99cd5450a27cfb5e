/* aud-group-card.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-group-card"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "aud-format.h"
#include "aud-group-card.h"
#include "aud-picker-popover.h"
#include "aud-suggest.h"

struct _AudGroupCard
{
  AdwBin             parent_instance;

  /* template widgets */
  GtkWidget         *card_box;
  GtkWidget         *handle;
  GtkMenuButton     *kind_button;
  GtkLabel          *kind_label;
  GtkLabel          *hint_label;
  GtkLabel          *funnel_label;
  GtkSwitch         *enabled_switch;
  GtkMenuButton     *menu_button;
  GtkListBox        *list;
  GtkLabel          *empty_label;
  GtkWidget         *footer_box;
  GtkMenuButton     *add_button;
  GtkMenuButton     *add_group_button;

  /* owned */
  AudBuilderContext *context;
  char              *path;
  gboolean           root;
  GPtrArray         *children; /* (element-type GtkWidget) borrowed: rows and cards, in order */
};

G_DEFINE_FINAL_TYPE (AudGroupCard, aud_group_card, ADW_TYPE_BIN)

static const struct
{
  const char *id;
  const char *title;
  const char *hint;
} kinds[] = {
  [AUD_GROUP_ALL] = { "all", N_("All of these"), N_("Customers match every criterion") },
  [AUD_GROUP_ANY] = { "any", N_("Any of these"), N_("Customers match at least one criterion") },
  [AUD_GROUP_NONE] = { "none", N_("None of these"), N_("Customers match no criterion") },
};

static const AudSegmentNode *
get_node (AudGroupCard *self)
{
  return aud_segment_doc_lookup (aud_builder_context_get_doc (self->context), self->path);
}

static void
report (AudGroupCard *self,
        const GError *error)
{
  g_warning ("Could not change %s: %s", self->path, error->message);
  aud_builder_context_report_error (self->context, error);
}

/* What to add ------------------------------------------------------------------ */

static JsonNode *
json_parse_node (const char *json)
{
  return json_from_string (json, NULL);
}

static void
add_where (JsonNode *event,
           JsonNode *condition)
{
  JsonArray *where = json_array_new ();

  json_array_add_element (where, condition);
  json_object_set_array_member (json_node_get_object (event), "where", where);
}

/* A property that names features ("feature", "feature_name"), if any. */
static const AudField *
feature_property (AudBuilderContext *context)
{
  GPtrArray *properties = aud_builder_context_get_properties (context);

  for (guint i = 0; i < properties->len; i++)
    {
      const AudField *property = g_ptr_array_index (properties, i);

      if (strstr (property->name, "feature") != NULL &&
          (property->type == AUD_FIELD_CATEGORY || property->type == AUD_FIELD_TEXT))
        return property;
    }

  return NULL;
}

/* The criterion or group that an "Add" choice makes. (transfer full)
 * (nullable) */
static JsonNode *
new_node_for (AudGroupCard *self,
              const char   *choice)
{
  AudBuilderContext *context = self->context;
  const char *today = aud_builder_context_get_today (context);
  const char *colon = strchr (choice, ':');
  const char *arg = colon != NULL ? colon + 1 : NULL;
  JsonNode *node = NULL;

  if (g_str_has_prefix (choice, "field:"))
    {
      const AudField *field = aud_builder_context_lookup_field (context, AUD_SCOPE_CUSTOMER, arg);

      if (field != NULL)
        node = aud_segment_doc_template_field (field, today);
    }
  else if (g_str_has_prefix (choice, "event:"))
    node = aud_segment_doc_template_event (arg);
  else if (g_str_has_prefix (choice, "feature:"))
    {
      const AudField *property = aud_builder_context_lookup_field (context, AUD_SCOPE_EVENT, arg);

      node = aud_segment_doc_template_event ("*");
      if (property != NULL)
        add_where (node, aud_segment_doc_template_condition (property, NULL, today));
    }
  else if (g_str_has_prefix (choice, "distinct:"))
    {
      JsonObject *count = json_object_new ();

      node = aud_segment_doc_template_event ("*");
      json_object_set_string_member (count, "op", "ge");
      json_object_set_int_member (count, "value", 3);
      json_object_set_object_member (json_node_get_object (node), "count", count);
      json_object_set_string_member (json_node_get_object (node), "distinct", arg);
    }
  else if (strcmp (choice, "last-active") == 0)
    node = json_parse_node ("{\"event\":\"*\",\"when\":{\"more_than_days_ago\":30},"
                            "\"occurrence\":\"last\"}");
  else if (strcmp (choice, "first-seen") == 0)
    node = json_parse_node ("{\"event\":\"*\",\"when\":{\"within_last_days\":30},"
                            "\"occurrence\":\"first\"}");
  else if (strcmp (choice, "hour") == 0 || strcmp (choice, "weekday") == 0)
    {
      node = aud_segment_doc_template_event ("*");
      add_where (node, aud_segment_doc_template_condition (NULL, strcmp (choice, "hour") == 0 ?
                                                                 "@hour" : "@weekday",
                                                           today));
    }
  else if (strcmp (choice, "near") == 0)
    {
      GPtrArray *places = aud_builder_context_get_places (context);
      const AudPlace *place = places != NULL && places->len > 0 ? g_ptr_array_index (places, 0)
                                                                : NULL;

      node = aud_segment_doc_template_near (place != NULL ? round (place->lat * 1e4) / 1e4 : 0,
                                            place != NULL ? round (place->lon * 1e4) / 1e4 : 0,
                                            50);
    }
  else if (g_str_has_prefix (choice, "segment:"))
    node = aud_segment_doc_template_segment (arg);
  else if (g_str_has_prefix (choice, "not-segment:"))
    {
      JsonObject *any = json_object_new ();
      JsonObject *not = json_object_new ();
      JsonArray *array = json_array_new ();

      json_array_add_element (array, aud_segment_doc_template_segment (arg));
      json_object_set_array_member (any, "any", array);
      json_object_set_object_member (not, "not", any);
      node = json_node_init_object (json_node_alloc (), not);
      json_object_unref (not);
    }
  else if (strcmp (choice, "bucket") == 0)
    {
      const char *name = aud_segment_doc_get_name (aud_builder_context_get_doc (context));

      node = aud_segment_doc_template_bucket (name != NULL ? name : "holdout");
    }
  else if (g_str_has_prefix (choice, "group:"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (g_strcmp0 (arg, kinds[i].id) == 0)
          node = aud_segment_doc_template_group (i);
    }

  return node;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AudGroupCard *self = AUD_GROUP_CARD (widget);
  const char *choice = g_variant_get_string (parameter, NULL);
  g_autoptr(JsonNode) node = new_node_for (self, choice);
  g_autoptr(GError) error = NULL;
  g_autofree char *new_path = NULL;

  if (node == NULL)
    {
      g_warning ("Nothing to add for “%s”", choice);
      return;
    }

  /* Focus first: the builder rebuilds itself as the document changes. */
  if (!aud_segment_doc_insert (aud_builder_context_get_doc (self->context), self->path, -1, node,
                               &new_path, &error))
    report (self, error);
  else
    aud_builder_context_request_focus (self->context, new_path);
}

static void
kind_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AudGroupCard *self = AUD_GROUP_CARD (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (id, kinds[i].id) == 0 &&
        !aud_segment_doc_set_group_kind (aud_builder_context_get_doc (self->context), self->path,
                                         i, &error))
      report (self, error);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AudGroupCard *self = AUD_GROUP_CARD (widget);
  g_autoptr(GError) error = NULL;

  if (!self->root &&
      !aud_segment_doc_duplicate (aud_builder_context_get_doc (self->context), self->path, NULL,
                                  &error))
    report (self, error);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudGroupCard *self = AUD_GROUP_CARD (widget);
  g_autoptr(GError) error = NULL;

  if (!self->root &&
      !aud_segment_doc_remove (aud_builder_context_get_doc (self->context), self->path, &error))
    report (self, error);
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AudGroupCard *self = AUD_GROUP_CARD (widget);

  if (!self->root)
    aud_criterion_move (self->context, self->path, -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AudGroupCard *self = AUD_GROUP_CARD (widget);

  if (!self->root)
    aud_criterion_move (self->context, self->path, +1);
}

/* The "Add" menus ---------------------------------------------------------------- */

static void
on_add_picked_cb (AudPickerPopover *picker,
                  const char       *choice,
                  AudGroupCard     *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "card.add", "s", choice);
}

static gboolean
has_role (AudBuilderContext *context,
          AudFieldRole       role)
{
  return aud_builder_context_lookup_by_role (context, role) != NULL;
}

static void
add_field_choices (AudPickerPopover *picker,
                   GPtrArray        *fields,
                   const char       *section,
                   gboolean          situational)
{
  for (guint i = 0; i < fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (fields, i);
      gboolean place = field->role == AUD_ROLE_COUNTRY || field->role == AUD_ROLE_CITY ||
                       field->role == AUD_ROLE_POSTAL_CODE || field->role == AUD_ROLE_DEVICE;
      g_autofree char *id = NULL;
      g_autofree char *title = NULL;

      /* Coordinates are for "near"; places and devices are situational. */
      if (field->role == AUD_ROLE_LATITUDE || field->role == AUD_ROLE_LONGITUDE ||
          field->role == AUD_ROLE_CUSTOMER_ID || place != situational)
        continue;

      id = g_strconcat ("field:", field->name, NULL);
      title = aud_criterion_display_name (field->name);
      aud_picker_popover_add (picker, id, title, aud_field_type_get_label (field->type), section);
    }
}

static void
create_add_popup_cb (GtkMenuButton *button,
                     gpointer       user_data)
{
  AudGroupCard *self = user_data;
  AudBuilderContext *context = self->context;
  AudPickerPopover *picker = aud_picker_popover_new (_("Search criteria"));
  GPtrArray *fields = aud_builder_context_get_fields (context);
  GPtrArray *events = aud_builder_context_get_events (context);
  GPtrArray *segments = aud_builder_context_get_segments (context);
  const char *own = aud_segment_doc_get_name (aud_builder_context_get_doc (context));
  const AudField *feature = feature_property (context);
  const char *section;

  section = _("Demographic");
  add_field_choices (picker, fields, section, FALSE);

  section = _("Behavioral");
  aud_picker_popover_add (picker, "event:*", _("Did any event"), NULL, section);
  for (guint i = 0; i < events->len; i++)
    {
      const char *event = g_ptr_array_index (events, i);
      g_autofree char *id = g_strconcat ("event:", event, NULL);
      /* Translators: a criterion on an event: "Did purchase" */
      g_autofree char *title = g_strdup_printf (_("Did %s"), event);

      aud_picker_popover_add (picker, id, title, NULL, section);
    }

  section = _("Product use");
  if (feature != NULL)
    {
      g_autofree char *used = g_strconcat ("feature:", feature->name, NULL);
      g_autofree char *distinct = g_strconcat ("distinct:", feature->name, NULL);

      aud_picker_popover_add (picker, used, _("Used a feature"), NULL, section);
      aud_picker_popover_add (picker, distinct, _("Used several different features"), NULL,
                              section);
    }
  if (events->len > 0)
    {
      aud_picker_popover_add (picker, "last-active", _("Last active more than … days ago"), NULL,
                              section);
      aud_picker_popover_add (picker, "first-seen", _("First active in the last … days"), NULL,
                              section);
    }

  section = _("Situational");
  if (has_role (context, AUD_ROLE_LATITUDE) && has_role (context, AUD_ROLE_LONGITUDE))
    {
      aud_picker_popover_add (picker, "near", _("Near a place"), NULL, section);
      /* Read the places now: they are wanted next. */
      aud_builder_context_get_places (context);
    }
  add_field_choices (picker, fields, section, TRUE);
  if (events->len > 0)
    {
      aud_picker_popover_add (picker, "hour", _("Active at a time of day"), NULL, section);
      aud_picker_popover_add (picker, "weekday", _("Active on a day of the week"), NULL, section);
    }

  section = _("Membership");
  for (guint i = 0; i < segments->len; i++)
    {
      const char *segment = g_ptr_array_index (segments, i);
      g_autofree char *in_id = g_strconcat ("segment:", segment, NULL);
      g_autofree char *out_id = g_strconcat ("not-segment:", segment, NULL);
      /* Translators: membership of a saved segment: "In Lapsed buyers" */
      g_autofree char *in_title = g_strdup_printf (_("In “%s”"), segment);
      g_autofree char *out_title = g_strdup_printf (_("Not in “%s”"), segment);

      if (g_strcmp0 (segment, own) == 0)
        continue;
      aud_picker_popover_add (picker, in_id, in_title, NULL, section);
      aud_picker_popover_add (picker, out_id, out_title, NULL, section);
    }

  section = _("Holdout");
  aud_picker_popover_add (picker, "bucket", _("Random holdout group (10 %)"), NULL, section);

  g_signal_connect (picker, "picked", G_CALLBACK (on_add_picked_cb), self);
  gtk_menu_button_set_popover (button, GTK_WIDGET (picker));
}

static void
create_add_group_popup_cb (GtkMenuButton *button,
                           gpointer       user_data)
{
  AudGroupCard *self = user_data;
  AudPickerPopover *picker = aud_picker_popover_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *id = g_strconcat ("group:", kinds[i].id, NULL);

      aud_picker_popover_add (picker, id, _(kinds[i].title), _(kinds[i].hint), NULL);
    }

  g_signal_connect (picker, "picked", G_CALLBACK (on_add_picked_cb), self);
  gtk_menu_button_set_popover (button, GTK_WIDGET (picker));
}

static void
on_kind_picked_cb (AudPickerPopover *picker,
                   const char       *choice,
                   AudGroupCard     *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "card.kind", "s", choice);
}

static void
create_kind_popup_cb (GtkMenuButton *button,
                      gpointer       user_data)
{
  AudGroupCard *self = user_data;
  const AudSegmentNode *node = get_node (self);
  AudPickerPopover *picker = aud_picker_popover_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    aud_picker_popover_add (picker, kinds[i].id, _(kinds[i].title), _(kinds[i].hint), NULL);
  if (node != NULL)
    aud_picker_popover_set_current (picker, kinds[aud_segment_doc_group_kind (node)].id);

  g_signal_connect (picker, "picked", G_CALLBACK (on_kind_picked_cb), self);
  gtk_menu_button_set_popover (button, GTK_WIDGET (picker));
}

/* Children ------------------------------------------------------------------- */

static void
add_child (AudGroupCard         *self,
           const AudSegmentNode *child)
{
  GtkWidget *widget;

  if (aud_segment_doc_is_group (child))
    {
      GtkWidget *row = gtk_list_box_row_new ();
      AudGroupCard *card = aud_group_card_new (self->context, child->path, FALSE);

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_widget_add_css_class (row, "group-row");
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), GTK_WIDGET (card));
      g_object_set_data_full (G_OBJECT (row), "aud-path", g_strdup (child->path), g_free);
      aud_criterion_setup_drop (row, self->context);
      gtk_list_box_append (self->list, row);
      widget = GTK_WIDGET (card);
    }
  else
    {
      widget = GTK_WIDGET (aud_criterion_row_new (self->context, child->path));
      gtk_list_box_append (self->list, widget);
    }

  g_ptr_array_add (self->children, widget);
}

static void
fill (AudGroupCard *self)
{
  const AudSegmentNode *node = get_node (self);
  g_autoptr(GPtrArray) children = NULL;

  if (node == NULL)
    return;

  children = aud_segment_doc_group_children (node);
  for (guint i = 0; i < children->len; i++)
    add_child (self, g_ptr_array_index (children, i));
}

static void
on_enabled_switch_active_notify_cb (AudGroupCard *self,
                                    GParamSpec   *pspec,
                                    GtkSwitch    *sw)
{
  const AudSegmentNode *node = get_node (self);
  gboolean disabled = !gtk_switch_get_active (sw);
  g_autoptr(GError) error = NULL;

  if (node == NULL || node->disabled == disabled)
    return;

  if (!aud_segment_doc_set_disabled (aud_builder_context_get_doc (self->context), self->path,
                                     disabled, &error))
    report (self, error);
}

static void
aud_group_card_dispose (GObject *object)
{
  AudGroupCard *self = (AudGroupCard *)object;

  /* The bin's child is a template child: let go of it once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_GROUP_CARD);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (aud_group_card_parent_class)->dispose (object);
}

static void
aud_group_card_finalize (GObject *object)
{
  AudGroupCard *self = (AudGroupCard *)object;

  g_free (self->path);
  g_clear_pointer (&self->children, g_ptr_array_unref);

  G_OBJECT_CLASS (aud_group_card_parent_class)->finalize (object);
}

static void
aud_group_card_class_init (AudGroupCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_group_card_dispose;
  object_class->finalize = aud_group_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/aud-group-card.ui");
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, card_box);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, handle);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, kind_button);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, kind_label);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, hint_label);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, funnel_label);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, list);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, empty_label);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, footer_box);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, add_button);
  gtk_widget_class_bind_template_child (widget_class, AudGroupCard, add_group_button);
  gtk_widget_class_bind_template_callback (widget_class, on_enabled_switch_active_notify_cb);

  gtk_widget_class_install_action (widget_class, "card.add", "s", add_action);
  gtk_widget_class_install_action (widget_class, "card.kind", "s", kind_action);
  gtk_widget_class_install_action (widget_class, "card.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "card.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "card.move-up", NULL, move_up_action);
  gtk_widget_class_install_action (widget_class, "card.move-down", NULL, move_down_action);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
aud_group_card_init (AudGroupCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->children = g_ptr_array_new ();

  gtk_menu_button_set_create_popup_func (self->add_button, create_add_popup_cb, self, NULL);
  gtk_menu_button_set_create_popup_func (self->add_group_button, create_add_group_popup_cb, self,
                                         NULL);
  gtk_menu_button_set_create_popup_func (self->kind_button, create_kind_popup_cb, self, NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add Criterion"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_group_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add Group"), -1);
}

/**
 * aud_group_card_new:
 * @context: the builder's context
 * @path: the group's path in the document
 * @root: whether it is the definition's top group
 *
 * Returns: (transfer floating): the card, with its rows and nested cards
 */
AudGroupCard *
aud_group_card_new (AudBuilderContext *context,
                    const char        *path,
                    gboolean           root)
{
  AudGroupCard *self;

  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (context), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (AUD_TYPE_GROUP_CARD, NULL);
  self->context = g_object_ref (context);
  self->path = g_strdup (path);
  self->root = root;
  g_object_set_data_full (G_OBJECT (self), "aud-path", g_strdup (path), g_free);

  gtk_widget_set_visible (self->handle, !root);
  gtk_widget_set_visible (GTK_WIDGET (self->enabled_switch), !root);
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), !root);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.duplicate", !root);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.remove", !root);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.move-up", !root);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.move-down", !root);
  if (root)
    gtk_widget_add_css_class (GTK_WIDGET (self), "root-group");
  else
    {
      aud_criterion_setup_drag (self->handle, GTK_WIDGET (self), context);
      gtk_widget_add_css_class (GTK_WIDGET (self), "nested-group");
    }

  /* Dropped on the card's header or footer: to the end of this group. */
  g_object_set_data_full (G_OBJECT (self->footer_box), "aud-path", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (self->footer_box), "aud-append", GINT_TO_POINTER (TRUE));
  aud_criterion_setup_drop (self->footer_box, context);
  g_object_set_data_full (G_OBJECT (self->empty_label), "aud-path", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (self->empty_label), "aud-append", GINT_TO_POINTER (TRUE));
  aud_criterion_setup_drop (GTK_WIDGET (self->empty_label), context);

  fill (self);
  aud_group_card_update (self);

  return self;
}

const char *
aud_group_card_get_path (AudGroupCard *self)
{
  g_return_val_if_fail (AUD_IS_GROUP_CARD (self), NULL);

  return self->path;
}

void
aud_group_card_update (AudGroupCard *self)
{
  const AudSegmentNode *node;
  AudGroupKind kind;
  g_autofree char *name = NULL;

  g_return_if_fail (AUD_IS_GROUP_CARD (self));

  if ((node = get_node (self)) == NULL)
    return;

  kind = aud_segment_doc_group_kind (node);
  gtk_label_set_label (self->kind_label, _(kinds[kind].title));
  gtk_label_set_label (self->hint_label, _(kinds[kind].hint));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind_button), _(kinds[kind].hint));
  /* Nested cards are narrower: their title says it. */
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), self->root);
  /* Translators: the accessible name of a group's kind button: "Group: All of these" */
  name = g_strdup_printf (_("Group: %s"), _(kinds[kind].title));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(kinds[kind].title), -1);

  g_signal_handlers_block_by_func (self->enabled_switch, on_enabled_switch_active_notify_cb, self);
  gtk_switch_set_active (self->enabled_switch, !node->disabled);
  g_signal_handlers_unblock_by_func (self->enabled_switch, on_enabled_switch_active_notify_cb,
                                     self);
  if (node->disabled)
    gtk_widget_add_css_class (self->card_box, "disabled-criterion");
  else
    gtk_widget_remove_css_class (self->card_box, "disabled-criterion");

  gtk_label_set_label (self->empty_label,
                       kind == AUD_GROUP_ANY ?
                       _("No criteria yet: an empty “Any of these” matches no one.") :
                       _("No criteria yet: this group matches everyone."));
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->children->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), self->children->len > 0);

  for (guint i = 0; i < self->children->len; i++)
    {
      GtkWidget *child = g_ptr_array_index (self->children, i);

      if (AUD_IS_GROUP_CARD (child))
        aud_group_card_update (AUD_GROUP_CARD (child));
      else
        aud_criterion_row_update (AUD_CRITERION_ROW (child));
    }
}

AudCriterionRow *
aud_group_card_find_row (AudGroupCard *self,
                         const char   *path)
{
  g_return_val_if_fail (AUD_IS_GROUP_CARD (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  for (guint i = 0; i < self->children->len; i++)
    {
      GtkWidget *child = g_ptr_array_index (self->children, i);

      if (AUD_IS_GROUP_CARD (child))
        {
          AudCriterionRow *row = aud_group_card_find_row (AUD_GROUP_CARD (child), path);

          if (row != NULL)
            return row;
        }
      else if (strcmp (aud_criterion_row_get_path (AUD_CRITERION_ROW (child)), path) == 0)
        return AUD_CRITERION_ROW (child);
    }

  return NULL;
}

AudGroupCard *
aud_group_card_find_card (AudGroupCard *self,
                          const char   *path)
{
  g_return_val_if_fail (AUD_IS_GROUP_CARD (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (strcmp (self->path, path) == 0)
    return self;

  for (guint i = 0; i < self->children->len; i++)
    {
      GtkWidget *child = g_ptr_array_index (self->children, i);
      AudGroupCard *found;

      if (AUD_IS_GROUP_CARD (child) &&
          (found = aud_group_card_find_card (AUD_GROUP_CARD (child), path)) != NULL)
        return found;
    }

  return NULL;
}

void
aud_group_card_set_funnel (AudGroupCard *self,
                           gint64        remaining,
                           gint64        alone)
{
  g_return_if_fail (AUD_IS_GROUP_CARD (self));

  aud_criterion_show_funnel (self->funnel_label, remaining, alone);
}

/* Every node's path, and a mark of its kind: groups by their kind, every
 * criterion alike. */
static void
append_shape (GString              *shape,
              const AudSegmentNode *node)
{
  g_autoptr(GPtrArray) children = NULL;

  g_string_append (shape, node->path);
  if (!aud_segment_doc_is_group (node))
    {
      g_string_append (shape, ":c;");
      return;
    }

  children = aud_segment_doc_group_children (node);
  g_string_append_printf (shape, ":%c(", "AYN"[aud_segment_doc_group_kind (node)]);
  for (guint i = 0; i < children->len; i++)
    append_shape (shape, g_ptr_array_index (children, i));
  g_string_append (shape, ");");
}

char *
aud_group_card_shape (const AudSegmentNode *node)
{
  GString *shape = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  append_shape (shape, node);
  return g_string_free (shape, FALSE);
}
