/* aud-picker-popover.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-picker-popover"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-picker-popover.h"

struct _AudPickerPopover
{
  GtkPopover      parent_instance;

  /* children */
  GtkSearchEntry *search_entry;  /* NULL without search */
  GtkListBox     *list;
  GtkLabel       *empty_label;
  GtkLabel       *several_label;

  /* owned */
  char           *current;
  char           *search;        /* case-folded, NULL for none */
  guint           n_items;
  GHashTable     *chosen;        /* several choices: the ids ticked; else NULL */
  char           *chosen_before; /* ... as they were when it opened, joined */
  char           *exclusive;     /* (nullable) an id chosen only alone */
};

G_DEFINE_FINAL_TYPE (AudPickerPopover, aud_picker_popover, GTK_TYPE_POPOVER)

enum {
  PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Row data keys. */
#define ID_KEY      "aud-picker-id"
#define SECTION_KEY "aud-picker-section"
#define TEXT_KEY    "aud-picker-text"
#define CHECK_KEY   "aud-picker-check"

static const char *
row_section (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), SECTION_KEY);
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const char *section = row_section (row);
  GtkWidget *header;

  if (section == NULL || (before != NULL && g_strcmp0 (section, row_section (before)) == 0))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (section);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "picker-section");
  gtk_list_box_row_set_header (row, header);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  AudPickerPopover *self = user_data;
  const char *text = g_object_get_data (G_OBJECT (row), TEXT_KEY);

  return self->search == NULL || (text != NULL && strstr (text, self->search) != NULL);
}

static GtkListBoxRow *
first_visible_row (AudPickerPopover *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) &&
          filter_func (GTK_LIST_BOX_ROW (child), self))
        return GTK_LIST_BOX_ROW (child);
    }

  return NULL;
}

static void
update_empty (AudPickerPopover *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), first_visible_row (self) == NULL);
}

/* The ticked ids in the order of the list, joined by newlines. */
static char *
join_chosen (AudPickerPopover *self)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *id = g_object_get_data (G_OBJECT (child), ID_KEY);

      if (id != NULL && g_hash_table_contains (self->chosen, id))
        g_string_append_printf (joined, "%s%s", joined->len > 0 ? "\n" : "", id);
    }

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* Shows which rows are current (one choice) or ticked (several). */
static void
update_checks (AudPickerPopover *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = g_object_get_data (G_OBJECT (child), CHECK_KEY);
      const char *id = g_object_get_data (G_OBJECT (child), ID_KEY);
      gboolean on;

      if (check == NULL)
        continue;

      on = self->chosen != NULL ? g_hash_table_contains (self->chosen, id) :
                                  g_strcmp0 (id, self->current) == 0;
      gtk_widget_set_visible (check, on);
      if (self->chosen != NULL)
        gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_SELECTED, on, -1);
    }
}

/* Several choices: ticks or unticks @id (the exclusive one stands alone). */
static void
toggle (AudPickerPopover *self,
        const char       *id)
{
  if (g_hash_table_contains (self->chosen, id))
    {
      g_hash_table_remove (self->chosen, id);
    }
  else
    {
      if (g_strcmp0 (id, self->exclusive) == 0)
        g_hash_table_remove_all (self->chosen);
      else if (self->exclusive != NULL)
        g_hash_table_remove (self->chosen, self->exclusive);
      g_hash_table_add (self->chosen, g_strdup (id));
    }

  update_checks (self);
}

static void
pick_row (AudPickerPopover *self,
          GtkListBoxRow    *row)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (row), ID_KEY));

  if (self->chosen != NULL)
    {
      toggle (self, id);
      return;
    }

  g_object_ref (self);
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[PICKED], 0, id);
  g_object_unref (self);
}

static void
on_list_row_activated_cb (AudPickerPopover *self,
                          GtkListBoxRow    *row,
                          GtkListBox       *list)
{
  pick_row (self, row);
}

static void
on_search_changed_cb (AudPickerPopover *self,
                      GtkSearchEntry   *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->search, g_free);
  if (text[0] != '\0')
    self->search = g_utf8_casefold (text, -1);

  gtk_list_box_invalidate_filter (self->list);
  update_empty (self);
}

static void
on_search_activate_cb (AudPickerPopover *self,
                       GtkSearchEntry   *entry)
{
  GtkListBoxRow *row = first_visible_row (self);

  if (row != NULL)
    pick_row (self, row);
}

static void
on_search_stop_cb (AudPickerPopover *self,
                   GtkSearchEntry   *entry)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

/* Down from the search entry goes to the first choice shown. */
static gboolean
on_search_key_pressed_cb (GtkEventControllerKey *controller,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          AudPickerPopover      *self)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  if ((row = first_visible_row (self)) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));

  return GDK_EVENT_STOP;
}

/* Several choices: what is ticked when the popover closes is picked. */
static void
on_closed_cb (AudPickerPopover *self)
{
  g_autofree char *joined = NULL;

  if (self->chosen == NULL)
    return;

  joined = join_chosen (self);
  if (joined[0] == '\0' || g_strcmp0 (joined, self->chosen_before) == 0)
    return;

  g_free (self->chosen_before);
  self->chosen_before = g_strdup (joined);
  g_object_ref (self);
  g_signal_emit (self, signals[PICKED], 0, joined);
  g_object_unref (self);
}

static void
on_show_cb (AudPickerPopover *self)
{
  if (self->search_entry != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
    }
  update_empty (self);
}

static void
aud_picker_popover_finalize (GObject *object)
{
  AudPickerPopover *self = (AudPickerPopover *)object;

  g_free (self->current);
  g_free (self->search);
  g_clear_pointer (&self->chosen, g_hash_table_unref);
  g_free (self->chosen_before);
  g_free (self->exclusive);

  G_OBJECT_CLASS (aud_picker_popover_parent_class)->finalize (object);
}

static void
aud_picker_popover_class_init (AudPickerPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_picker_popover_finalize;

  /**
   * AudPickerPopover::picked:
   * @id: the id of the choice; with several choices, the ids ticked when
   *   the popover closed, in the order of the list, joined by newlines
   *   (only when they changed, and never none)
   */
  signals[PICKED] =
    g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
aud_picker_popover_init (AudPickerPopover *self)
{
}

/**
 * aud_picker_popover_new:
 * @search_label: (nullable): placeholder of the search entry
 *
 * Returns: (transfer floating): an empty picker
 */
AudPickerPopover *
aud_picker_popover_new (const char *search_label)
{
  AudPickerPopover *self = g_object_new (AUD_TYPE_PICKER_POPOVER, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_widget_add_css_class (GTK_WIDGET (self), "picker");

  if (search_label != NULL)
    {
      GtkEventController *keys = gtk_event_controller_key_new ();

      self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
      g_object_set (self->search_entry, "placeholder-text", search_label, NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, search_label, -1);
      g_signal_connect_swapped (self->search_entry, "search-changed",
                                G_CALLBACK (on_search_changed_cb), self);
      g_signal_connect_swapped (self->search_entry, "activate",
                                G_CALLBACK (on_search_activate_cb), self);
      g_signal_connect_swapped (self->search_entry, "stop-search",
                                G_CALLBACK (on_search_stop_cb), self);
      g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key_pressed_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->search_entry));
    }

  self->several_label = GTK_LABEL (gtk_label_new (_("Choose one or more")));
  gtk_label_set_xalign (self->several_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->several_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->several_label), "caption");
  gtk_widget_set_margin_start (GTK_WIDGET (self->several_label), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->several_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->several_label));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_list_box_set_header_func (self->list, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->list, filter_func, self, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "picker-list");
  if (search_label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, search_label, -1);
  g_signal_connect_swapped (self->list, "row-activated",
                            G_CALLBACK (on_list_row_activated_cb), self);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 380);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (box), scrolled);

  self->empty_label = GTK_LABEL (gtk_label_new (_("Nothing matches")));
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->empty_label), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->empty_label), 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->empty_label));

  gtk_widget_set_size_request (box, search_label != NULL ? 300 : 200, -1);
  gtk_popover_set_child (GTK_POPOVER (self), box);
  g_signal_connect (self, "show", G_CALLBACK (on_show_cb), NULL);
  g_signal_connect (self, "closed", G_CALLBACK (on_closed_cb), NULL);

  return self;
}

/**
 * aud_picker_popover_add:
 * @id: what ::picked reports
 * @title: the choice as shown
 * @detail: (nullable): a dim second text (a type, a count)
 * @section: (nullable): the heading it is listed under; choices of one
 *   section must be added together
 */
void
aud_picker_popover_add (AudPickerPopover *self,
                        const char       *id,
                        const char       *title,
                        const char       *detail,
                        const char       *section)
{
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *check;
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;

  g_return_if_fail (AUD_IS_PICKER_POPOVER (self));
  g_return_if_fail (id != NULL && title != NULL);

  row = gtk_list_box_row_new ();
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "picker-row");

  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  if (detail != NULL)
    {
      GtkWidget *detail_label = gtk_label_new (detail);

      gtk_widget_add_css_class (detail_label, "dim-label");
      gtk_widget_add_css_class (detail_label, "numeric");
      gtk_box_append (GTK_BOX (box), detail_label);
    }

  check = gtk_image_new_from_icon_name ("object-select-symbolic");
  gtk_box_append (GTK_BOX (box), check);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  text = g_strconcat (title, " ", detail != NULL ? detail : "", " ", section != NULL ? section : "",
                      NULL);
  accessible = detail != NULL ? g_strdup_printf ("%s, %s", title, detail) : g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  g_object_set_data_full (G_OBJECT (row), ID_KEY, g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), SECTION_KEY, g_strdup (section), g_free);
  g_object_set_data_full (G_OBJECT (row), TEXT_KEY, g_utf8_casefold (text, -1), g_free);
  g_object_set_data (G_OBJECT (row), CHECK_KEY, check);

  gtk_list_box_append (self->list, row);
  self->n_items++;
  update_checks (self);
  update_empty (self);
}

void
aud_picker_popover_set_current (AudPickerPopover *self,
                                const char       *id)
{
  g_return_if_fail (AUD_IS_PICKER_POPOVER (self));

  g_free (self->current);
  self->current = g_strdup (id);
  update_checks (self);
}

/**
 * aud_picker_popover_set_several:
 * @chosen: the ids ticked now
 * @exclusive: (nullable): an id that is only chosen alone ("any event")
 *
 * Makes the picker one of several choices: a click ticks or unticks a
 * choice and the popover stays open; ::picked reports what is ticked when
 * it closes.
 */
void
aud_picker_popover_set_several (AudPickerPopover  *self,
                                const char *const *chosen,
                                const char        *exclusive)
{
  g_return_if_fail (AUD_IS_PICKER_POPOVER (self));

  g_clear_pointer (&self->chosen, g_hash_table_unref);
  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; chosen != NULL && chosen[i] != NULL; i++)
    g_hash_table_add (self->chosen, g_strdup (chosen[i]));
  g_free (self->exclusive);
  self->exclusive = g_strdup (exclusive);

  g_free (self->chosen_before);
  self->chosen_before = join_chosen (self);
  gtk_widget_set_visible (GTK_WIDGET (self->several_label), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_MULTI_SELECTABLE, TRUE, -1);
  update_checks (self);
}

void
aud_picker_popover_set_empty_text (AudPickerPopover *self,
                                   const char       *text)
{
  g_return_if_fail (AUD_IS_PICKER_POPOVER (self));

  gtk_label_set_label (self->empty_label, text);
}

gboolean
aud_picker_popover_pick (AudPickerPopover *self,
                         const char       *id)
{
  g_return_val_if_fail (AUD_IS_PICKER_POPOVER (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) &&
          g_strcmp0 (g_object_get_data (G_OBJECT (child), ID_KEY), id) == 0)
        {
          pick_row (self, GTK_LIST_BOX_ROW (child));
          return TRUE;
        }
    }

  return FALSE;
}

guint
aud_picker_popover_get_n_items (AudPickerPopover *self)
{
  g_return_val_if_fail (AUD_IS_PICKER_POPOVER (self), 0);

  return self->n_items;
}
