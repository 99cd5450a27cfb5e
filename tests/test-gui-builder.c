/* test-gui-builder.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The segment builder over a demo workspace (2,000 customers, 30,000
 * events), used as a user would: criteria added from the "Add Criterion"
 * menu, values ticked, typed and picked in their editors, undo, the switch
 * that disables a layer, the funnel, the sample and the explanation; and
 * the list of saved segments. Every count shown is checked against the
 * engine's count of the same definition. Needs a display (the test suite
 * runs it under Xvfb).
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "aud-criterion-row.h"
#include "aud-demo-workspace.h"
#include "aud-export-dialog.h"
#include "aud-format.h"
#include "aud-funnel-view.h"
#include "aud-group-card.h"
#include "aud-picker-popover.h"
#include "aud-record-model.h"
#include "aud-segment-colors.h"
#include "aud-segment-editor.h"
#include "aud-segment-list.h"
#include "aud-value-editor.h"
#include "gui-test-init.h"

/* A demo workspace of this test's own. */
static char *
make_demo_workspace (void)
{
  g_autofree char *path = NULL;
  g_autoptr(AudProgress) progress = aud_progress_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  path = g_build_filename (g_get_user_data_dir (), "demo.audiences", NULL);

  g_setenv ("AUD_DEMO_CUSTOMERS", "2000", TRUE);
  g_setenv ("AUD_DEMO_EVENTS", "30000", TRUE);
  g_assert_true (aud_demo_workspace_create (path, progress, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static void
wait_until (gboolean (*done) (gpointer),
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Lets idles (the builder showing the document) run. */
static void
settle (void)
{
  for (guint i = 0; i < 5; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static gboolean
count_shown (gpointer data)
{
  AudSegmentEditor *editor = data;

  return !aud_segment_editor_get_updating (editor) && aud_segment_editor_get_count (editor) >= 0;
}

static gpointer
editor_child (AudSegmentEditor *editor,
              const char       *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (editor), AUD_TYPE_SEGMENT_EDITOR,
                                                   name);

  g_assert_nonnull (object);
  return object;
}

/* The count as the page shows it, after the next edit's count arrived. */
static const char *
wait_count_label (AudSegmentEditor *editor)
{
  settle ();
  wait_until (count_shown, editor);

  return gtk_label_get_label (editor_child (editor, "count_label"));
}

/* The engine's count of the definition in the editor, as the page would
 * show it. */
static char *
engine_count (AudSegmentEditor *editor,
              const char       *path)
{
  g_autoptr(AudStore) store = NULL;
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(GError) error = NULL;
  AudSegmentDoc *doc = aud_segment_editor_get_doc (editor);
  AudCount count;

  store = aud_store_open (path, AUD_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (aud_engine_count (engine, store, aud_segment_doc_get_segment (doc),
                                   aud_engine_get_default_now (store), &count, NULL, &error));
  g_assert_no_error (error);

  return aud_format_count (count.count);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_descendant (child, type)) != NULL)
        return found;
    }

  return NULL;
}

static AudGroupCard *
root_card (AudSegmentEditor *editor)
{
  GtkWidget *card = find_descendant (GTK_WIDGET (editor), AUD_TYPE_GROUP_CARD);

  g_assert_nonnull (card);
  return AUD_GROUP_CARD (card);
}

static AudCriterionRow *
row_at (AudSegmentEditor *editor,
        const char       *path)
{
  AudCriterionRow *row;

  settle ();
  row = aud_group_card_find_row (root_card (editor), path);
  g_assert_nonnull (row);

  return row;
}

/* Opens the editor of a part of a row's sentence, as a click does. */
static GtkPopover *
open_slot (AudCriterionRow *row,
           const char      *slot)
{
  GtkMenuButton *button = aud_criterion_row_get_slot (row, slot);
  GtkPopover *popover;

  g_assert_nonnull (button);
  gtk_menu_button_popup (button);
  settle ();
  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);

  return popover;
}

static void
pick (AudCriterionRow *row,
      const char      *slot,
      const char      *choice)
{
  GtkPopover *popover = open_slot (row, slot);

  g_assert_true (AUD_IS_PICKER_POPOVER (popover));
  g_assert_true (aud_picker_popover_pick (AUD_PICKER_POPOVER (popover), choice));
  settle ();
}

static void
spin (AudCriterionRow *row,
      const char      *slot,
      double           value)
{
  GtkPopover *popover = open_slot (row, slot);
  GtkWidget *input;

  g_assert_true (AUD_IS_VALUE_EDITOR (popover));
  input = aud_value_editor_get_input (AUD_VALUE_EDITOR (popover));
  g_assert_true (GTK_IS_SPIN_BUTTON (input));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (input), value);
  gtk_popover_popdown (popover);
  settle ();
}

/* The row's switch, as a click sets it. */
static void
switch_row (AudCriterionRow *row,
            gboolean         active)
{
  GObject *sw = gtk_widget_get_template_child (GTK_WIDGET (row), AUD_TYPE_CRITERION_ROW,
                                               "enabled_switch");

  gtk_switch_set_active (GTK_SWITCH (sw), active);
  settle ();
}

static AudSegmentEditor *
open_editor (const char  *path,
             GtkWindow  **window)
{
  AudSegmentEditor *editor = aud_segment_editor_new (NULL);
  g_autoptr(AudSegment) empty = aud_segment_parse ("{\"name\":\"Test\",\"match\":{\"all\":[]}}",
                                                   -1, NULL);

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (*window, 1200, 800);
  gtk_window_set_child (*window, GTK_WIDGET (editor));
  gtk_window_present (*window);

  aud_segment_editor_set_workspace (editor, path);
  aud_segment_editor_load (editor, empty, NULL);

  return editor;
}

static char *
doc_json (AudSegmentEditor *editor)
{
  return aud_segment_doc_to_json (aud_segment_editor_get_doc (editor), FALSE);
}

/* Three layers built through the widgets; the count shown is the engine's
 * count of the definition they made; undo brings back the count before. */
static void
test_builder_three_layers (void)
{
  g_autofree char *path = make_demo_workspace ();
  g_autofree char *expected = NULL;
  g_autofree char *json = NULL;
  g_autofree char *before_last = NULL;
  g_autofree char *two_layers = NULL;
  GtkWindow *window = NULL;
  AudSegmentEditor *editor = open_editor (path, &window);
  AudGroupCard *card;
  AudGroupCard *nested;
  AudCriterionRow *row;
  GtkPopover *popover;

  /* Nothing yet: everyone. */
  g_assert_cmpstr (wait_count_label (editor), ==, "2,000");

  /* 1. Country is one of DE, FR: picked in the "Add Criterion" menu, the
   * values ticked in the editor that opens. */
  card = root_card (editor);
  gtk_widget_activate_action (GTK_WIDGET (card), "card.add", "s", "field:country");
  row = row_at (editor, "match.all[0]");
  popover = gtk_menu_button_get_popover (aud_criterion_row_get_slot (row, "value"));
  g_assert_true (AUD_IS_VALUE_EDITOR (popover));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  {
    g_autoptr(JsonNode) values = json_from_string ("[\"DE\",\"FR\"]", NULL);

    aud_value_editor_set_value (AUD_VALUE_EDITOR (popover), values);
  }
  gtk_popover_popdown (popover);
  expected = engine_count (editor, path);
  g_assert_cmpstr (wait_count_label (editor), ==, expected);
  g_assert_cmpstr (expected, !=, "2,000");
  {
    g_autofree char *sentence = aud_criterion_row_dup_sentence (row_at (editor, "match.all[0]"));

    g_assert_cmpstr (sentence, ==, "Country is one of DE, FR");
  }

  /* 2. Did purchase in the last 90 days (the menu gives 30). */
  gtk_widget_activate_action (GTK_WIDGET (root_card (editor)), "card.add", "s", "event:purchase");
  row = row_at (editor, "match.all[1]");
  spin (row, "days", 90);
  g_clear_pointer (&expected, g_free);
  expected = engine_count (editor, path);
  g_assert_cmpstr (wait_count_label (editor), ==, expected);
  two_layers = g_strdup (expected);
  {
    g_autofree char *sentence = aud_criterion_row_dup_sentence (row_at (editor, "match.all[1]"));

    g_assert_cmpstr (sentence, ==, "Did purchase at least 1 time in the last 90 days");
  }

  /* 3. Any of: email opt-in, or a lifetime value above 100. */
  gtk_widget_activate_action (GTK_WIDGET (root_card (editor)), "card.add", "s", "group:any");
  settle ();
  nested = aud_group_card_find_card (root_card (editor), "match.all[2]");
  g_assert_nonnull (nested);
  gtk_widget_activate_action (GTK_WIDGET (nested), "card.add", "s", "field:email_opt_in");
  settle ();
  nested = aud_group_card_find_card (root_card (editor), "match.all[2]");
  gtk_widget_activate_action (GTK_WIDGET (nested), "card.add", "s", "field:lifetime_value");
  row = row_at (editor, "match.all[2].any[1]");
  gtk_popover_popdown (gtk_menu_button_get_popover (aud_criterion_row_get_slot (row, "value")));
  pick (row, "op", "gt");
  g_clear_pointer (&before_last, g_free);
  before_last = g_strdup (wait_count_label (editor));
  spin (row_at (editor, "match.all[2].any[1]"), "value", 100);

  json = doc_json (editor);
  g_assert_cmpstr (json, ==,
                   "{\"format\":1,\"name\":\"Test\",\"match\":{\"all\":["
                   "{\"field\":\"country\",\"op\":\"in\",\"value\":[\"DE\",\"FR\"]},"
                   "{\"event\":\"purchase\",\"when\":{\"within_last_days\":90}},"
                   "{\"any\":[{\"field\":\"email_opt_in\",\"op\":\"is_true\"},"
                   "{\"field\":\"lifetime_value\",\"op\":\"gt\",\"value\":100}]}]}}");
  g_clear_pointer (&expected, g_free);
  expected = engine_count (editor, path);
  g_assert_cmpstr (wait_count_label (editor), ==, expected);

  /* The funnel: one step per layer, and the last step's remainder is the
   * count. */
  g_assert_cmpuint (aud_funnel_view_get_n_steps (editor_child (editor, "funnel_view")), ==, 3);

  /* Undo gives back the count before the last edit (value 0 -> 100). */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  g_assert_cmpstr (wait_count_label (editor), ==, before_last);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.redo", NULL);
  g_assert_cmpstr (wait_count_label (editor), ==, expected);

  /* The switch disables the group without deleting it: "disabled": true,
   * and the count of the two layers left. */
  {
    AudGroupCard *group = aud_group_card_find_card (root_card (editor), "match.all[2]");
    GObject *sw = gtk_widget_get_template_child (GTK_WIDGET (group), AUD_TYPE_GROUP_CARD,
                                                 "enabled_switch");

    gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  }
  g_assert_cmpstr (wait_count_label (editor), ==, two_layers);
  g_clear_pointer (&json, g_free);
  json = doc_json (editor);
  g_assert_true (g_str_has_suffix (json, "\"value\":100}],\"disabled\":true}]}}"));

  /* Move the event layer up with the keyboard's action; duplicate it. */
  gtk_widget_activate_action (GTK_WIDGET (row_at (editor, "match.all[1]")), "row.move-up", NULL);
  settle ();
  {
    g_autofree char *sentence = aud_criterion_row_dup_sentence (row_at (editor, "match.all[0]"));

    g_assert_cmpstr (sentence, ==, "Did purchase at least 1 time in the last 90 days");
  }
  g_assert_cmpstr (wait_count_label (editor), ==, two_layers);

  /* The JSON view shows the definition. */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (editor_child (editor, "json_view"));
    GtkTextIter start, end;
    g_autofree char *text = NULL;
    g_autofree char *pretty = aud_segment_doc_to_json (aud_segment_editor_get_doc (editor), TRUE);

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, pretty);
  }

  gtk_window_destroy (window);
  settle ();
}

static gboolean
saved_as_test (gpointer data)
{
  return g_strcmp0 (aud_segment_editor_get_saved_name (data), "Test") == 0;
}

static gboolean
explained (gpointer data)
{
  return gtk_widget_get_visible (editor_child (data, "explain_summary"));
}

static gboolean
sample_drawn (gpointer data)
{
  GtkColumnView *view = editor_child (data, "sample_view");
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));

  return model != NULL && g_list_model_get_n_items (model) > 0;
}

/* A sample of members, each one of them explained as in; a customer who
 * is not a member explained as out; and an id that is no customer. */
static void
test_builder_sample_and_explain (void)
{
  g_autofree char *path = make_demo_workspace ();
  GtkWindow *window = NULL;
  AudSegmentEditor *editor = open_editor (path, &window);
  g_autoptr(AudSegment) segment = aud_segment_parse ("{\"match\":{\"all\":[{\"field\":\"country\","
                                                     "\"op\":\"eq\",\"value\":\"DE\"}]}}",
                                                     -1, NULL);
  GtkSelectionModel *selection;
  AudRecord *record;
  g_autofree char *summary = NULL;
  const char *member;

  aud_segment_editor_load (editor, segment, NULL);
  wait_count_label (editor);
  wait_until (sample_drawn, editor);

  /* Every member of the sample is from DE. */
  selection = gtk_column_view_get_model (editor_child (editor, "sample_view"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), <=, 50);
  record = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  member = aud_record_get_value (record, 0);
  summary = g_strdup_printf ("%s is in the segment", member);

  /* Choosing it explains it. */
  gtk_selection_model_select_item (selection, 0, TRUE);
  wait_until (explained, editor);
  g_assert_cmpstr (gtk_label_get_label (editor_child (editor, "explain_summary")), ==, summary);
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "explain_list")));
  g_object_unref (record);

  /* An id typed in that is no customer. */
  gtk_widget_set_visible (editor_child (editor, "explain_summary"), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (editor_child (editor, "explain_entry")), "NOPE");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.explain", NULL);
  wait_until (explained, editor);
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "explain_summary"), "error"));

  gtk_window_destroy (window);
  settle ();
}

static gboolean
problem_shown (gpointer data)
{
  return !aud_segment_editor_get_updating (data) &&
         gtk_widget_get_visible (editor_child (data, "problem_label"));
}

/* An event criterion of several events: ticked in the event picker, one
 * step when it closes; "any event" stands alone. */
static void
test_builder_several_events (void)
{
  g_autofree char *path = make_demo_workspace ();
  g_autofree char *expected = NULL;
  g_autofree char *json = NULL;
  g_autofree char *sentence = NULL;
  GtkWindow *window = NULL;
  AudSegmentEditor *editor = open_editor (path, &window);
  AudCriterionRow *row;
  GtkPopover *popover;

  g_assert_cmpstr (wait_count_label (editor), ==, "2,000");
  gtk_widget_activate_action (GTK_WIDGET (root_card (editor)), "card.add", "s", "event:email_open");
  row = row_at (editor, "match.all[0]");

  /* Tick email_click too: nothing changes until the picker closes. */
  popover = open_slot (row, "event");
  g_assert_true (aud_picker_popover_pick (AUD_PICKER_POPOVER (popover), "email_click"));
  settle ();
  json = doc_json (editor);
  g_assert_nonnull (strstr (json, "{\"event\":\"email_open\","));
  g_clear_pointer (&json, g_free);
  gtk_popover_popdown (popover);
  settle ();

  json = doc_json (editor);
  g_assert_cmpstr (json, ==,
                   "{\"format\":1,\"name\":\"Test\",\"match\":{\"all\":["
                   "{\"event\":[\"email_click\",\"email_open\"],"
                   "\"when\":{\"within_last_days\":30}}]}}");
  sentence = aud_criterion_row_dup_sentence (row_at (editor, "match.all[0]"));
  g_assert_cmpstr (sentence, ==, "Did email_click or email_open at least 1 time in the last 30 days");
  expected = engine_count (editor, path);
  g_assert_cmpstr (wait_count_label (editor), ==, expected);

  /* One step: undo goes back to the single event. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  settle ();
  g_clear_pointer (&json, g_free);
  json = doc_json (editor);
  g_assert_nonnull (strstr (json, "{\"event\":\"email_open\","));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.redo", NULL);
  settle ();

  /* Any event unticks the others, and is ticked alone. */
  popover = open_slot (row_at (editor, "match.all[0]"), "event");
  g_assert_true (aud_picker_popover_pick (AUD_PICKER_POPOVER (popover), "*"));
  gtk_popover_popdown (popover);
  settle ();
  g_clear_pointer (&json, g_free);
  json = doc_json (editor);
  g_assert_nonnull (strstr (json, "{\"event\":\"*\","));

  /* Unticking all leaves it as it was. */
  popover = open_slot (row_at (editor, "match.all[0]"), "event");
  g_assert_true (aud_picker_popover_pick (AUD_PICKER_POPOVER (popover), "*"));
  gtk_popover_popdown (popover);
  settle ();
  g_clear_pointer (&json, g_free);
  json = doc_json (editor);
  g_assert_nonnull (strstr (json, "{\"event\":\"*\","));

  gtk_window_destroy (window);
  settle ();
}

/* The first controller of @type on @widget. */
static GtkEventController *
controller_of (GtkWidget *widget,
               GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return GTK_EVENT_CONTROLLER (controller);
    }

  return NULL;
}

/* The widget under @widget that takes drops for @path (at the end of the
 * group @path when @append). */
static GtkWidget *
drop_place (GtkWidget  *widget,
            const char *path,
            gboolean    append)
{
  if (controller_of (widget, GTK_TYPE_DROP_TARGET) != NULL &&
      g_strcmp0 (g_object_get_data (G_OBJECT (widget), "aud-path"), path) == 0 &&
      (g_object_get_data (G_OBJECT (widget), "aud-append") != NULL) == append)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = drop_place (child, path, append);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The path a drag from @widget's handle carries. */
static char *
drag_path (GtkWidget *widget)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GdkContentProvider) provider = NULL;
  GtkEventController *source = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL && source == NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      source = controller_of (child, GTK_TYPE_DRAG_SOURCE);
      for (GtkWidget *inner = gtk_widget_get_first_child (child); inner != NULL && source == NULL;
           inner = gtk_widget_get_next_sibling (inner))
        source = controller_of (inner, GTK_TYPE_DRAG_SOURCE);
    }
  g_assert_nonnull (source);

  g_signal_emit_by_name (source, "prepare", 1.0, 1.0, &provider);
  g_assert_nonnull (provider);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (provider, &value, NULL));

  return g_value_dup_string (&value);
}

/* Drops @source_path on @place, in its upper half. */
static gboolean
drop (GtkWidget  *place,
      const char *source_path)
{
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean done = FALSE;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, source_path);
  g_signal_emit_by_name (controller_of (place, GTK_TYPE_DROP_TARGET), "drop", &value, 1.0, 1.0,
                         &done);
  settle ();

  return done;
}

/* Dragging a criterion's handle onto another row moves it there, onto a
 * group's footer to the end of that group; one step of undo each. */
static void
test_builder_drag_and_drop (void)
{
  g_autofree char *path = make_demo_workspace ();
  g_autofree char *json = NULL;
  g_autofree char *source = NULL;
  GtkWindow *window = NULL;
  AudSegmentEditor *editor = open_editor (path, &window);
  GtkWidget *place;

  g_assert_cmpstr (wait_count_label (editor), ==, "2,000");
  gtk_widget_activate_action (GTK_WIDGET (root_card (editor)), "card.add", "s", "event:purchase");
  settle ();
  gtk_widget_activate_action (GTK_WIDGET (root_card (editor)), "card.add", "s",
                              "field:email_opt_in");
  settle ();
  gtk_widget_activate_action (GTK_WIDGET (root_card (editor)), "card.add", "s", "group:any");
  settle ();

  /* email_opt_in, taken by its handle, dropped on the purchase row. */
  source = drag_path (GTK_WIDGET (row_at (editor, "match.all[1]")));
  g_assert_cmpstr (source, ==, "match.all[1]");
  place = drop_place (GTK_WIDGET (editor), "match.all[0]", FALSE);
  g_assert_nonnull (place);
  g_assert_true (drop (place, source));
  json = doc_json (editor);
  g_assert_cmpstr (json, ==,
                   "{\"format\":1,\"name\":\"Test\",\"match\":{\"all\":["
                   "{\"field\":\"email_opt_in\",\"op\":\"is_true\"},"
                   "{\"event\":\"purchase\",\"when\":{\"within_last_days\":30}},"
                   "{\"any\":[]}]}}");

  /* The purchase criterion into the empty "any" group, at its end. */
  place = drop_place (GTK_WIDGET (editor), "match.all[2]", TRUE);
  g_assert_nonnull (place);
  g_assert_true (drop (place, "match.all[1]"));
  g_clear_pointer (&json, g_free);
  json = doc_json (editor);
  g_assert_cmpstr (json, ==,
                   "{\"format\":1,\"name\":\"Test\",\"match\":{\"all\":["
                   "{\"field\":\"email_opt_in\",\"op\":\"is_true\"},"
                   "{\"any\":[{\"event\":\"purchase\",\"when\":{\"within_last_days\":30}}]}]}}");

  /* A row dropped on itself does nothing. */
  place = drop_place (GTK_WIDGET (editor), "match.all[0]", FALSE);
  g_assert_false (drop (place, "match.all[0]"));

  /* Undo, step by step. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  settle ();
  g_clear_pointer (&json, g_free);
  json = doc_json (editor);
  g_assert_nonnull (strstr (json, "{\"field\":\"email_opt_in\",\"op\":\"is_true\"},"
                                  "{\"event\":\"purchase\""));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  settle ();
  g_clear_pointer (&json, g_free);
  json = doc_json (editor);
  g_assert_nonnull (strstr (json, "\"all\":[{\"event\":\"purchase\""));

  gtk_window_destroy (window);
  settle ();
}

/* A definition with a name the workspace does not have: no count, the
 * reason shown, and the row marked. */
static void
test_builder_problem (void)
{
  g_autofree char *path = make_demo_workspace ();
  GtkWindow *window = NULL;
  AudSegmentEditor *editor = open_editor (path, &window);
  g_autoptr(AudSegment) segment = aud_segment_parse ("{\"match\":{\"all\":[{\"field\":\"contry\","
                                                     "\"op\":\"eq\",\"value\":\"DE\"}]}}",
                                                     -1, NULL);
  GtkLabel *problem;
  AudCriterionRow *row;
  GObject *image;

  aud_segment_editor_load (editor, segment, NULL);
  settle ();
  wait_until (problem_shown, editor);

  problem = editor_child (editor, "problem_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (problem)));
  g_assert_true (strstr (gtk_label_get_label (problem), "country") != NULL);
  g_assert_cmpstr (gtk_label_get_label (editor_child (editor, "count_label")), ==, "—");

  row = row_at (editor, "match.all[0]");
  image = gtk_widget_get_template_child (GTK_WIDGET (row), AUD_TYPE_CRITERION_ROW, "problem_image");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (image)));

  /* Fixing the field through the picker counts again. */
  pick (row, "field", "country");
  g_assert_cmpstr (wait_count_label (editor), !=, "—");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (problem)));

  gtk_window_destroy (window);
  settle ();
}

static gboolean
list_idle (gpointer data)
{
  return !aud_segment_list_get_busy (data);
}

static gboolean
has_name (AudSegmentList *list,
          const char     *name)
{
  g_autoptr(GPtrArray) names = aud_segment_list_dup_names (list);

  for (guint i = 0; i < names->len; i++)
    if (g_strcmp0 (g_ptr_array_index (names, i), name) == 0)
      return TRUE;

  return FALSE;
}

static void
on_activated (AudSegmentList *list,
              const char     *name,
              char          **activated)
{
  g_free (*activated);
  *activated = g_strdup (name);
}

/* New, duplicate, recolour, delete and undo in the list of segments; each
 * counted. */
static void
test_builder_segment_list (void)
{
  g_autofree char *path = make_demo_workspace ();
  g_autofree char *activated = NULL;
  AudSegmentList *list = aud_segment_list_new (NULL);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  g_autoptr(GPtrArray) names = NULL;

  gtk_window_set_child (window, GTK_WIDGET (list));
  gtk_window_present (window);
  g_signal_connect (list, "segment-activated", G_CALLBACK (on_activated), &activated);

  aud_segment_list_set_workspace (list, path);
  wait_until (list_idle, list);
  names = aud_segment_list_dup_names (list);
  g_assert_cmpuint (names->len, ==, 0);

  /* New: made, listed, counted (everyone), and opened. */
  gtk_widget_activate_action (GTK_WIDGET (list), "segments.new", NULL);
  wait_until (list_idle, list);
  g_assert_cmpstr (activated, ==, "Untitled Segment");
  g_assert_true (has_name (list, "Untitled Segment"));
  g_assert_cmpint (aud_segment_list_get_count (list, "Untitled Segment"), ==, 2000);

  /* A second new one gets a free name; a duplicate a name of its own. */
  gtk_widget_activate_action (GTK_WIDGET (list), "segments.new", NULL);
  wait_until (list_idle, list);
  g_assert_cmpstr (activated, ==, "Untitled Segment 2");
  gtk_widget_activate_action (GTK_WIDGET (list), "segments.duplicate", "s", "Untitled Segment");
  wait_until (list_idle, list);
  g_assert_cmpstr (activated, ==, "Untitled Segment copy");
  g_assert_true (has_name (list, "Untitled Segment copy"));

  gtk_widget_activate_action (GTK_WIDGET (list), "segments.color", "s",
                              "Untitled Segment\n#e01b24");
  wait_until (list_idle, list);

  /* Delete, then Undo brings it back with its colour. */
  gtk_widget_activate_action (GTK_WIDGET (list), "segments.delete", "s", "Untitled Segment");
  wait_until (list_idle, list);
  g_assert_false (has_name (list, "Untitled Segment"));
  gtk_widget_activate_action (GTK_WIDGET (list), "segments.undo-delete", NULL);
  wait_until (list_idle, list);
  g_assert_true (has_name (list, "Untitled Segment"));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AudStore) store = aud_store_open (path, AUD_STORE_OPEN_READ_ONLY, &error);
    g_autofree char *color = aud_segment_dup_color (store, "Untitled Segment", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (color, ==, "#e01b24");
  }

  /* Rename, save as a file, open that file again (a free name). */
  aud_segment_list_rename (list, "Untitled Segment 2", "Weekend shoppers");
  wait_until (list_idle, list);
  g_assert_true (has_name (list, "Weekend shoppers"));
  g_assert_false (has_name (list, "Untitled Segment 2"));
  {
    g_autofree char *file = g_build_filename (g_get_user_data_dir (), "weekend.json", NULL);
    g_autoptr(AudSegment) saved = NULL;
    g_autoptr(GError) error = NULL;

    aud_segment_list_save_file (list, "Weekend shoppers", file);
    wait_until (list_idle, list);
    saved = aud_segment_load (file, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (saved->name, ==, "Weekend shoppers");

    aud_segment_list_open_file (list, file);
    wait_until (list_idle, list);
    g_assert_cmpstr (activated, ==, "Weekend shoppers 2");
    g_assert_true (has_name (list, "Weekend shoppers 2"));
    g_assert_cmpint (aud_segment_list_get_count (list, "Weekend shoppers 2"), ==, 2000);
  }

  /* Export opens the export dialog for that segment, over the window. */
  gtk_widget_activate_action (GTK_WIDGET (list), "segments.export", "s", "Weekend shoppers");
  {
    GListModel *toplevels = gtk_window_get_toplevels ();  /* (transfer none) */
    GtkWindow *dialog = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (AUD_IS_EXPORT_DIALOG (w))
          dialog = w;
      }

    g_assert_nonnull (dialog);
    g_assert_true (gtk_window_get_transient_for (dialog) == window);
    gtk_window_close (dialog);
  }

  gtk_window_destroy (window);
  settle ();
}

/* Every kind the "Add Criterion" menu offers makes a criterion that reads
 * as its sentence and counts as the engine counts it. */
static void
test_builder_every_kind (void)
{
  static const struct
  {
    const char *choice;
    const char *sentence;
  } kinds[] = {
    { "field:city", "City contains type a value" },
    { "field:signup_date", "Signup date is in the last 30 days" },
    { "field:birth_date", "Birth date gives an age between 18 and 34 years" },
    { "field:loyalty_points", "Loyalty points is at least 0" },
    { "field:sms_opt_in", "Sms opt in is yes" },
    { "event:*", "Did any event at least 1 time in the last 30 days" },
    { "feature:feature", "Did any event at least 1 time in the last 30 days "
                         "where Feature is one of choose values" },
    { "distinct:feature", "Did any event with at least 3 different Feature in the last 30 days" },
    { "last-active", "The last time they did any event was more than 30 days ago" },
    { "first-seen", "The first time they did any event was in the last 30 days" },
    { "near", NULL },
    { "hour", "Did any event at least 1 time in the last 30 days "
              "where Hour of the day is between 18 and 23" },
    { "weekday", "Did any event at least 1 time in the last 30 days "
                 "where Day of the week is one of 6, 7" },
    { "bucket", "Is in random buckets 0 to 9 of 100, seed Test" },
  };
  static const char *first_values[] = { "value", "where-0-value" };
  g_autofree char *path = make_demo_workspace ();
  GtkWindow *window = NULL;
  AudSegmentEditor *editor = open_editor (path, &window);

  wait_count_label (editor);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *row_path = g_strdup_printf ("match.all[%u]", i);
      g_autofree char *sentence = NULL;
      g_autofree char *expected = NULL;
      AudCriterionRow *row;
      GtkPopover *popover;

      g_test_message ("adding %s", kinds[i].choice);
      gtk_widget_activate_action (GTK_WIDGET (root_card (editor)), "card.add", "s",
                                  kinds[i].choice);
      row = row_at (editor, row_path);
      sentence = aud_criterion_row_dup_sentence (row);
      if (kinds[i].sentence != NULL)
        g_assert_cmpstr (sentence, ==, kinds[i].sentence);
      else
        g_assert_true (g_str_has_prefix (sentence, "Is within 50 km of "));

      /* An editor opened for the first value: close it. */
      for (guint s = 0; s < G_N_ELEMENTS (first_values); s++)
        {
          GtkMenuButton *slot = aud_criterion_row_get_slot (row, first_values[s]);

          if (slot != NULL && (popover = gtk_menu_button_get_popover (slot)) != NULL)
            gtk_popover_popdown (popover);
        }

      /* Each counted alone, the others switched off. */
      expected = engine_count (editor, path);
      g_assert_cmpstr (wait_count_label (editor), ==, expected);
      switch_row (row_at (editor, row_path), FALSE);
      settle ();
    }

  /* Operators fit the type; the value follows: a text field's "contains"
   * becomes "is", its value typed; a date's "between" takes two dates. */
  {
    AudCriterionRow *row = row_at (editor, "match.all[0]");
    GtkPopover *popover;
    g_autofree char *sentence = NULL;
    g_autofree char *expected = NULL;

    switch_row (row, TRUE);
    pick (row_at (editor, "match.all[0]"), "op", "eq");
    popover = open_slot (row_at (editor, "match.all[0]"), "value");
    g_assert_true (AUD_IS_VALUE_EDITOR (popover));
    g_assert_true (GTK_IS_ENTRY (aud_value_editor_get_input (AUD_VALUE_EDITOR (popover))));
    gtk_editable_set_text (GTK_EDITABLE (aud_value_editor_get_input (AUD_VALUE_EDITOR (popover))),
                           "Berlin");
    gtk_popover_popdown (popover);
    settle ();
    sentence = aud_criterion_row_dup_sentence (row_at (editor, "match.all[0]"));
    g_assert_cmpstr (sentence, ==, "City is Berlin");
    expected = engine_count (editor, path);
    g_assert_cmpstr (wait_count_label (editor), ==, expected);
    g_assert_cmpstr (expected, !=, "0");

    /* Typing "Berlin" letter by letter would be one step: undo once
     * takes the value back to the one before. */
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
    settle ();
    g_clear_pointer (&sentence, g_free);
    sentence = aud_criterion_row_dup_sentence (row_at (editor, "match.all[0]"));
    g_assert_cmpstr (sentence, ==, "City is type a value");
  }

  {
    AudCriterionRow *row = row_at (editor, "match.all[1]");
    GtkPopover *popover;
    GtkWidget *calendar;
    g_autofree char *json = NULL;
    g_autoptr(GDateTime) day = g_date_time_new_utc (2024, 3, 5, 12, 0, 0);

    pick (row, "op", "between");
    popover = open_slot (row_at (editor, "match.all[1]"), "value");
    calendar = aud_value_editor_get_input (AUD_VALUE_EDITOR (popover));
    g_assert_true (GTK_IS_CALENDAR (calendar));
    gtk_calendar_select_day (GTK_CALENDAR (calendar), day);
    gtk_popover_popdown (popover);
    settle ();
    json = aud_segment_doc_to_json (aud_segment_editor_get_doc (editor), FALSE);
    g_assert_nonnull (strstr (json, "{\"field\":\"signup_date\",\"op\":\"between\","
                                    "\"value\":[\"2024-03-05\","));
  }

  /* Save: the workspace has it, and the page says so. */
  {
    g_autoptr(AudStore) store = NULL;
    g_autoptr(AudSegment) saved = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *json = NULL;
    g_autofree char *saved_json = NULL;

    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
    wait_until (saved_as_test, editor);
    store = aud_store_open (path, AUD_STORE_OPEN_READ_ONLY, &error);
    g_assert_no_error (error);
    saved = aud_segment_lookup (store, "Test", &error);
    g_assert_no_error (error);
    json = aud_segment_doc_to_json (aud_segment_editor_get_doc (editor), FALSE);
    saved_json = aud_segment_to_json (saved, FALSE);
    g_assert_cmpstr (saved_json, ==, json);
    g_assert_cmpstr (gtk_label_get_label (editor_child (editor, "subtitle_label")), ==, "Saved");
  }

  gtk_window_destroy (window);
  settle ();
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/gui-builder/three-layers", test_builder_three_layers);
  g_test_add_func ("/gui-builder/sample-and-explain", test_builder_sample_and_explain);
  g_test_add_func ("/gui-builder/several-events", test_builder_several_events);
  g_test_add_func ("/gui-builder/drag-and-drop", test_builder_drag_and_drop);
  g_test_add_func ("/gui-builder/problem", test_builder_problem);
  g_test_add_func ("/gui-builder/segment-list", test_builder_segment_list);
  g_test_add_func ("/gui-builder/every-kind", test_builder_every_kind);

  return g_test_run ();
}
