/* aud-value-editor.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-value-editor"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "aud-builder-context.h"
#include "aud-format.h"
#include "aud-segment.h"
#include "aud-suggest.h"
#include "aud-value-editor.h"

/* Values offered: while typing a text, and in a set. */
#define TEXT_SUGGESTIONS 8
#define SET_SUGGESTIONS  60
/* Milliseconds of quiet typing before the values are read. */
#define SEARCH_DELAY 150

typedef enum
{
  KIND_TEXT,
  KIND_SET,
  KIND_NUMBER,
  KIND_DATE,
} Kind;

struct _AudValueEditor
{
  GtkPopover    parent_instance;

  Kind          kind;

  /* children */
  GtkWidget    *input;        /* entry, search entry (set), spin button, calendar */
  GtkEntry     *date_entry;   /* date: the date as text */
  GtkListBox   *values_list;  /* text, set: the workspace's values */
  GtkLabel     *status_label; /* text, set: "Reading values…", "No values" */

  /* owned */
  char         *path;         /* suggestions from here; NULL for none */
  AudScope      scope;
  char         *name;
  char         *event;
  GCancellable *cancellable;  /* of the reading of values */
  guint         search_id;    /* timeout before reading them */
  GPtrArray    *ticked;       /* set: (element-type JsonNode), in order */
  GPtrArray    *offered;      /* set: (element-type AudValueCount) last read */
  gboolean      numeric;      /* set: values are numbers */
  gboolean      filling;      /* no ::value-changed while the editor fills itself */
};

G_DEFINE_FINAL_TYPE (AudValueEditor, aud_value_editor, GTK_TYPE_POPOVER)

enum {
  VALUE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_value (AudValueEditor *self)
{
  g_autoptr(JsonNode) value = NULL;

  if (self->filling)
    return;

  value = aud_value_editor_dup_value (self);
  g_signal_emit (self, signals[VALUE_CHANGED], 0, value);
}

/* A number from its text: an integer when it has no fraction. NULL when it
 * is not a number. */
static JsonNode *
number_node (const char *text)
{
  char *end = NULL;
  gint64 integer;
  double real;

  integer = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    return json_node_init_int (json_node_alloc (), integer);

  real = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0' && isfinite (real))
    return json_node_init_double (json_node_alloc (), real);

  return NULL;
}

static char *
value_text (JsonNode *value)
{
  return aud_segment_value_dup_text (value);
}

static gboolean
is_ticked (AudValueEditor *self,
           const char     *text)
{
  for (guint i = 0; i < self->ticked->len; i++)
    {
      g_autofree char *ticked = value_text (g_ptr_array_index (self->ticked, i));

      if (g_strcmp0 (ticked, text) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
set_ticked (AudValueEditor *self,
            const char     *text,
            gboolean        ticked)
{
  if (ticked == is_ticked (self, text))
    return;

  if (ticked)
    {
      JsonNode *node = self->numeric ? number_node (text) : NULL;

      if (node == NULL)
        node = json_node_init_string (json_node_alloc (), text);
      g_ptr_array_add (self->ticked, node);
    }
  else
    {
      for (guint i = 0; i < self->ticked->len; i++)
        {
          g_autofree char *other = value_text (g_ptr_array_index (self->ticked, i));

          if (g_strcmp0 (other, text) == 0)
            {
              g_ptr_array_remove_index (self->ticked, i);
              break;
            }
        }
    }

  emit_value (self);
}

static void
on_check_toggled_cb (GtkCheckButton *check,
                     AudValueEditor *self)
{
  set_ticked (self, g_object_get_data (G_OBJECT (check), "value"),
              gtk_check_button_get_active (check));
}

static void
clear_values_list (AudValueEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->values_list))) != NULL)
    gtk_list_box_remove (self->values_list, child);
}

/* One value of the list: a check box (set) or a label (text), and the
 * count. */
static void
add_value_row (AudValueEditor *self,
               const char     *value,
               gint64          count,
               const char     *label)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *shown = NULL;

  shown = label != NULL ? g_strdup (label) : value[0] == '\0' ? g_strdup (_("(empty)"))
                                                              : g_strdup (value);
  gtk_widget_add_css_class (box, "picker-row");

  if (self->kind == KIND_SET)
    {
      GtkWidget *check = gtk_check_button_new_with_label (shown);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), is_ticked (self, value));
      g_object_set_data_full (G_OBJECT (check), "value", g_strdup (value), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled_cb), self);
      gtk_widget_set_hexpand (check, TRUE);
      gtk_box_append (GTK_BOX (box), check);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      shown, -1);
    }
  else
    {
      GtkWidget *text = gtk_label_new (shown);

      gtk_label_set_xalign (GTK_LABEL (text), 0);
      gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (box), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      shown, -1);
    }

  if (count >= 0)
    {
      g_autofree char *count_text = aud_format_count (count);
      GtkWidget *count_label = gtk_label_new (count_text);

      gtk_widget_add_css_class (count_label, "dim-label");
      gtk_widget_add_css_class (count_label, "numeric");
      gtk_box_append (GTK_BOX (box), count_label);
    }

  g_object_set_data_full (G_OBJECT (row), "value", g_strdup (value), g_free);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_append (self->values_list, row);
}

static const char *
search_text (AudValueEditor *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->input));
}

/* Fills the list: for a set, the ticked values first, then those read,
 * then what is typed if it is none of them. */
static void
fill_values_list (AudValueEditor *self)
{
  const char *search = search_text (self);
  g_autofree char *folded_search = g_utf8_casefold (search, -1);
  gboolean typed_listed = search[0] == '\0';
  guint n_rows = 0;

  clear_values_list (self);

  if (self->kind == KIND_SET)
    for (guint i = 0; i < self->ticked->len; i++)
      {
        g_autofree char *text = value_text (g_ptr_array_index (self->ticked, i));
        g_autofree char *folded = g_utf8_casefold (text, -1);
        gint64 count = -1;

        if (strstr (folded, folded_search) == NULL)
          continue;
        for (guint j = 0; self->offered != NULL && j < self->offered->len; j++)
          {
            const AudValueCount *offered = g_ptr_array_index (self->offered, j);

            if (g_strcmp0 (offered->value, text) == 0)
              count = offered->count;
          }
        add_value_row (self, text, count, NULL);
        typed_listed |= g_strcmp0 (text, search) == 0;
        n_rows++;
      }

  for (guint i = 0; self->offered != NULL && i < self->offered->len; i++)
    {
      const AudValueCount *offered = g_ptr_array_index (self->offered, i);

      typed_listed |= g_strcmp0 (offered->value, search) == 0;
      if (self->kind == KIND_SET && is_ticked (self, offered->value))
        continue;
      /* The text entry itself holds the value typed. */
      if (self->kind == KIND_TEXT && g_strcmp0 (offered->value, search) == 0)
        continue;
      add_value_row (self, offered->value, offered->count, NULL);
      n_rows++;
    }

  if (self->kind == KIND_SET && !typed_listed &&
      (!self->numeric || number_node (search) != NULL))
    {
      /* Translators: in a list of values, adds the value typed: Add “Berlin” */
      g_autofree char *label = g_strdup_printf (_("Add “%s”"), search);

      add_value_row (self, search, -1, label);
      n_rows++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->values_list), n_rows > 0);
}

static void
values_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AudValueEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = aud_suggest_values_finish (result, &error);

  if (values == NULL)
    {
      if (aud_builder_is_cancelled (result, error))
        return;

      g_warning ("Could not read the values of %s: %s", self->name, error->message);
      gtk_label_set_label (self->status_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
      return;
    }

  g_clear_pointer (&self->offered, g_ptr_array_unref);
  self->offered = g_steal_pointer (&values);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  fill_values_list (self);
}

static gboolean
read_values (gpointer user_data)
{
  AudValueEditor *self = user_data;
  const char *search = search_text (self);

  self->search_id = 0;

  if (self->path == NULL)
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  aud_suggest_values_async (self->path, self->scope, self->name, self->event,
                            search[0] != '\0' ? search : NULL,
                            self->kind == KIND_SET ? SET_SUGGESTIONS : TEXT_SUGGESTIONS,
                            self->cancellable, values_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

static void
queue_read_values (AudValueEditor *self)
{
  g_clear_handle_id (&self->search_id, g_source_remove);
  self->search_id = g_timeout_add (SEARCH_DELAY, read_values, self);
}

static void
on_text_changed_cb (AudValueEditor *self)
{
  if (self->kind == KIND_TEXT)
    emit_value (self);
  else
    fill_values_list (self);

  queue_read_values (self);
}

static void
on_text_activate_cb (AudValueEditor *self)
{
  if (self->kind == KIND_SET)
    {
      const char *search = search_text (self);

      /* Enter ticks what is typed. */
      if (search[0] != '\0' && (!self->numeric || number_node (search) != NULL))
        {
          set_ticked (self, search, TRUE);
          gtk_editable_set_text (GTK_EDITABLE (self->input), "");
        }
      return;
    }

  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
on_values_list_row_activated_cb (AudValueEditor *self,
                                 GtkListBoxRow  *row)
{
  const char *value = g_object_get_data (G_OBJECT (row), "value");

  if (self->kind == KIND_TEXT)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->input), value);
      gtk_popover_popdown (GTK_POPOVER (self));
    }
}

static void
on_spin_value_changed_cb (AudValueEditor *self)
{
  emit_value (self);
}

static void
on_calendar_day_selected_cb (AudValueEditor *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (GTK_CALENDAR (self->input));
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry), text);
  self->filling = FALSE;
  emit_value (self);
}

/* A YYYY-MM-DD at the start of @text, as a date at noon UTC (so that no
 * zone moves it to another day). */
static GDateTime *
parse_date (const char *text)
{
  int year, month, day;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return NULL;

  return g_date_time_new_utc (year, month, day, 12, 0, 0);
}

static void
on_date_entry_changed_cb (AudValueEditor *self)
{
  g_autoptr(GDateTime) date = NULL;

  if (self->filling)
    return;

  date = parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_entry)));
  gtk_widget_remove_css_class (GTK_WIDGET (self->date_entry), "error");
  if (date == NULL || strlen (gtk_editable_get_text (GTK_EDITABLE (self->date_entry))) != 10)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->date_entry), "error");
      return;
    }

  /* Selecting the day emits the value. */
  gtk_calendar_select_day (GTK_CALENDAR (self->input), date);
}

static void
on_popover_closed_cb (AudValueEditor *self)
{
  g_clear_handle_id (&self->search_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
}

static void
aud_value_editor_dispose (GObject *object)
{
  AudValueEditor *self = (AudValueEditor *)object;

  g_clear_handle_id (&self->search_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (aud_value_editor_parent_class)->dispose (object);
}

static void
aud_value_editor_finalize (GObject *object)
{
  AudValueEditor *self = (AudValueEditor *)object;

  g_free (self->path);
  g_free (self->name);
  g_free (self->event);
  g_clear_pointer (&self->ticked, g_ptr_array_unref);
  g_clear_pointer (&self->offered, g_ptr_array_unref);

  G_OBJECT_CLASS (aud_value_editor_parent_class)->finalize (object);
}

static void
aud_value_editor_class_init (AudValueEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aud_value_editor_dispose;
  object_class->finalize = aud_value_editor_finalize;

  /**
   * AudValueEditor::value-changed:
   * @value: the new value (a JsonNode)
   */
  signals[VALUE_CHANGED] =
    g_signal_new ("value-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_NODE);
}

static void
aud_value_editor_init (AudValueEditor *self)
{
  self->ticked = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_signal_connect (self, "closed", G_CALLBACK (on_popover_closed_cb), NULL);
}

/* The popover's box with a heading. */
static GtkWidget *
new_editor (AudValueEditor *self,
            Kind            kind,
            const char     *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *heading = gtk_label_new (title);

  self->kind = kind;
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_ellipsize (GTK_LABEL (heading), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);
  gtk_popover_set_child (GTK_POPOVER (self), box);
  gtk_widget_add_css_class (GTK_WIDGET (self), "value-editor");

  return box;
}

static void
set_source (AudValueEditor       *self,
            const AudValueSource *source)
{
  if (source == NULL || source->path == NULL || source->name == NULL ||
      source->name[0] == '@')
    return;

  self->path = g_strdup (source->path);
  self->scope = source->scope;
  self->name = g_strdup (source->name);
  self->event = g_strdup (source->event);
}

/* The list of values under a text or search entry. */
static void
add_values_list (AudValueEditor *self,
                 GtkWidget      *box,
                 const char     *title)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->values_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->values_list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->values_list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->values_list), "picker-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->values_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect_swapped (self->values_list, "row-activated",
                            G_CALLBACK (on_values_list_row_activated_cb), self);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->values_list));
  gtk_box_append (GTK_BOX (box), scrolled);

  self->status_label = GTK_LABEL (gtk_label_new (_("Reading values…")));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_max_width_chars (self->status_label, 36);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), self->path != NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));

  gtk_widget_set_size_request (box, 300, -1);
  if (self->path != NULL)
    queue_read_values (self);
}

/**
 * aud_value_editor_new_text:
 * @title: what is edited ("Values of city")
 * @value: the text
 * @source: (nullable): where to find values to offer
 *
 * Returns: (transfer floating): the editor
 */
AudValueEditor *
aud_value_editor_new_text (const char           *title,
                           const char           *value,
                           const AudValueSource *source)
{
  AudValueEditor *self = g_object_new (AUD_TYPE_VALUE_EDITOR, NULL);
  GtkWidget *box = new_editor (self, KIND_TEXT, title);

  set_source (self, source);

  self->input = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->input), value != NULL ? value : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  gtk_box_append (GTK_BOX (box), self->input);
  g_signal_connect_swapped (self->input, "changed", G_CALLBACK (on_text_changed_cb), self);
  g_signal_connect_swapped (self->input, "activate", G_CALLBACK (on_text_activate_cb), self);

  if (self->path != NULL)
    add_values_list (self, box, title);
  else
    gtk_widget_set_size_request (box, 260, -1);

  return self;
}

AudValueEditor *
aud_value_editor_new_set (const char           *title,
                          JsonNode             *values,
                          gboolean              numeric,
                          const AudValueSource *source)
{
  AudValueEditor *self = g_object_new (AUD_TYPE_VALUE_EDITOR, NULL);
  GtkWidget *box = new_editor (self, KIND_SET, title);

  set_source (self, source);
  self->numeric = numeric;

  if (values != NULL && JSON_NODE_HOLDS_ARRAY (values))
    {
      JsonArray *array = json_node_get_array (values);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (self->ticked, json_node_copy (json_array_get_element (array, i)));
    }

  self->input = gtk_search_entry_new ();
  g_object_set (self->input, "placeholder-text",
                self->path != NULL ? _("Search or add a value") : _("Add a value"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  gtk_box_append (GTK_BOX (box), self->input);
  g_signal_connect_swapped (self->input, "search-changed", G_CALLBACK (on_text_changed_cb), self);
  g_signal_connect_swapped (self->input, "activate", G_CALLBACK (on_text_activate_cb), self);

  add_values_list (self, box, title);
  fill_values_list (self);

  return self;
}

AudValueEditor *
aud_value_editor_new_number (const char *title,
                             double      value,
                             double      min,
                             double      max,
                             guint       digits)
{
  AudValueEditor *self = g_object_new (AUD_TYPE_VALUE_EDITOR, NULL);
  GtkWidget *box = new_editor (self, KIND_NUMBER, title);
  double step = 1.0;

  for (guint i = 0; i < digits; i++)
    step /= 10.0;

  self->input = gtk_spin_button_new_with_range (min, max, MAX (step, 1.0));
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->input), digits);
  gtk_spin_button_set_increments (GTK_SPIN_BUTTON (self->input), MAX (step, 1.0), 10.0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->input), value);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (self->input), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  g_signal_connect_swapped (self->input, "value-changed",
                            G_CALLBACK (on_spin_value_changed_cb), self);
  gtk_box_append (GTK_BOX (box), self->input);
  gtk_widget_set_size_request (box, 200, -1);

  return self;
}

AudValueEditor *
aud_value_editor_new_date (const char *title,
                           const char *date)
{
  AudValueEditor *self = g_object_new (AUD_TYPE_VALUE_EDITOR, NULL);
  GtkWidget *box = new_editor (self, KIND_DATE, title);
  g_autoptr(GDateTime) parsed = parse_date (date);
  g_autofree char *text = NULL;

  if (parsed == NULL)
    parsed = g_date_time_new_now_utc ();
  text = g_date_time_format (parsed, "%Y-%m-%d");

  self->input = gtk_calendar_new ();
  self->filling = TRUE;
  gtk_calendar_select_day (GTK_CALENDAR (self->input), parsed);
  self->filling = FALSE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  g_signal_connect_swapped (self->input, "day-selected",
                            G_CALLBACK (on_calendar_day_selected_cb), self);
  gtk_box_append (GTK_BOX (box), self->input);

  self->date_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry), text);
  gtk_entry_set_max_length (self->date_entry, 10);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->date_entry), 10);
  /* Translators: the date typed as text in a date editor */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->date_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Date (year-month-day)"), -1);
  g_signal_connect_swapped (self->date_entry, "changed", G_CALLBACK (on_date_entry_changed_cb),
                            self);
  g_signal_connect_swapped (self->date_entry, "activate", G_CALLBACK (gtk_popover_popdown), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->date_entry));

  return self;
}

GtkWidget *
aud_value_editor_get_input (AudValueEditor *self)
{
  g_return_val_if_fail (AUD_IS_VALUE_EDITOR (self), NULL);

  return self->input;
}

JsonNode *
aud_value_editor_dup_value (AudValueEditor *self)
{
  g_return_val_if_fail (AUD_IS_VALUE_EDITOR (self), NULL);

  switch (self->kind)
    {
    case KIND_TEXT:
      return json_node_init_string (json_node_alloc (), search_text (self));

    case KIND_SET:
      {
        JsonArray *array = json_array_new ();
        JsonNode *node = json_node_new (JSON_NODE_ARRAY);

        for (guint i = 0; i < self->ticked->len; i++)
          json_array_add_element (array, json_node_copy (g_ptr_array_index (self->ticked, i)));
        json_node_take_array (node, array);
        return node;
      }

    case KIND_NUMBER:
      {
        GtkSpinButton *spin = GTK_SPIN_BUTTON (self->input);

        if (gtk_spin_button_get_digits (spin) == 0)
          return json_node_init_int (json_node_alloc (), gtk_spin_button_get_value_as_int (spin));
        return json_node_init_double (json_node_alloc (), gtk_spin_button_get_value (spin));
      }

    case KIND_DATE:
      {
        g_autoptr(GDateTime) date = gtk_calendar_get_date (GTK_CALENDAR (self->input));
        g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

        return json_node_init_string (json_node_alloc (), text);
      }

    default:
      g_assert_not_reached ();
    }
}

void
aud_value_editor_set_value (AudValueEditor *self,
                            JsonNode       *value)
{
  g_autofree char *text = NULL;

  g_return_if_fail (AUD_IS_VALUE_EDITOR (self));
  g_return_if_fail (value != NULL);

  switch (self->kind)
    {
    case KIND_TEXT:
      text = value_text (value);
      gtk_editable_set_text (GTK_EDITABLE (self->input), text != NULL ? text : "");
      break;

    case KIND_SET:
      g_return_if_fail (JSON_NODE_HOLDS_ARRAY (value));
      self->filling = TRUE;
      g_ptr_array_set_size (self->ticked, 0);
      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
        g_ptr_array_add (self->ticked,
                         json_node_copy (json_array_get_element (json_node_get_array (value), i)));
      self->filling = FALSE;
      fill_values_list (self);
      emit_value (self);
      break;

    case KIND_NUMBER:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->input), json_node_get_double (value));
      break;

    case KIND_DATE:
      text = value_text (value);
      gtk_editable_set_text (GTK_EDITABLE (self->date_entry), text);
      break;

    default:
      g_assert_not_reached ();
    }
}
