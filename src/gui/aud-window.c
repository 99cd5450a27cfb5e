/* aud-window.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-window"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-browser-page.h"
#include "aud-compare-page.h"
#include "aud-segments-page.h"
#include "aud-demo-workspace.h"
#include "aud-format.h"
#include "aud-import-assistant.h"
#include "aud-progress.h"
#include "aud-timeline-chart.h"
#include "aud-window.h"
#include "aud-workspace-summary.h"

typedef enum
{
  OPEN_EXISTING,
  OPEN_NEW,
  OPEN_REPLACE,
  OPEN_DEMO,
} OpenMode;

struct _AudWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *sidebar_separator;
  GtkListBox           *sidebar_list;
  GtkWidget            *content;
  AdwHeaderBar         *content_header;
  GtkWidget            *back_button;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  AdwStatusPage        *loading_page;
  GtkSpinner           *loading_spinner;
  GtkProgressBar       *loading_progress;
  GtkButton            *cancel_button;
  GtkButton            *import_button;
  GtkButton            *none_open_button;
  GtkButton            *none_new_button;
  GtkButton            *none_demo_button;
  AdwPreferencesGroup  *recent_group;
  GtkLabel             *customers_value_label;
  GtkLabel             *events_value_label;
  GtkLabel             *fields_value_label;
  AdwPreferencesGroup  *fields_group;
  AdwPreferencesGroup  *events_group;
  AdwPreferencesGroup  *properties_group;
  AdwPreferencesGroup  *imports_group;
  AdwPreferencesGroup  *timeline_group;
  AudTimelineChart     *timeline_chart;
  AudBrowserPage       *customers_page;
  AudBrowserPage       *events_page;
  AudComparePage       *compare_page;
  AudSegmentsPage      *segments_page;

  /* owned */
  GFile                *file;          /* shown or being opened; NULL for none */
  GCancellable         *cancellable;   /* of the running task; NULL when idle */
  AudProgress          *progress;      /* of the running task */
  AudWorkspaceSummary  *summary;       /* what the overview shows */
  const char           *workspace_page; /* static: the page a reload returns to */
  GPtrArray            *rows;          /* rows added to the overview and recent groups */
  GSettings            *settings;      /* window state; NULL without schema */
};

G_DEFINE_FINAL_TYPE (AudWindow, aud_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_FILE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char        *path;
  OpenMode     mode;
  AudProgress *progress;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_clear_object (&data->progress);
  g_free (data);
}

static void
aud_window_update_actions (AudWindow *self)
{
  gboolean busy = self->cancellable != NULL;

  g_assert (AUD_IS_WINDOW (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", !busy && self->file != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel",
                                 busy && gtk_widget_get_visible (GTK_WIDGET (self->cancel_button)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", !busy && self->file != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-demo", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back",
                                 adw_leaflet_get_folded (self->leaflet) &&
                                 gtk_widget_get_visible (self->sidebar));

  gtk_spinner_set_spinning (self->loading_spinner, busy);
}

static void
set_busy (AudWindow    *self,
          GCancellable *cancellable)
{
  gboolean was_busy = self->cancellable != NULL;

  if (self->cancellable != NULL && self->cancellable != cancellable)
    g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, cancellable);

  aud_window_update_actions (self);

  if (was_busy != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_file (AudWindow *self,
          GFile     *file)
{
  if (self->file != NULL && file != NULL && g_file_equal (self->file, file))
    return;

  g_set_object (&self->file, file);
  self->workspace_page = "overview";
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

static void
clear_rows (AudWindow *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }

  g_ptr_array_set_size (self->rows, 0);
}

static void
add_row (AudWindow           *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

/* A row whose title and subtitle are data, never markup. */
static GtkWidget *
new_action_row (const char *title,
                const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  return row;
}

static GtkWidget *
new_count_label (gint64 count)
{
  g_autofree char *text = aud_format_count (count);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "count-label");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);

  return label;
}

static void
fill_fields (AudWindow           *self,
             AdwPreferencesGroup *group,
             GPtrArray           *fields)
{
  g_autofree char *description = NULL;

  for (guint i = 0; i < fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (fields, i);
      GtkWidget *row = new_action_row (field->name, aud_field_type_get_label (field->type));

      if (field->role != AUD_ROLE_NONE)
        {
          GtkWidget *pill = gtk_label_new (aud_field_role_get_label (field->role));

          gtk_widget_add_css_class (pill, "role-pill");
          gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (pill, _("What the field means"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), pill);
        }

      add_row (self, group, row);
    }

  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u field", "%u fields",
                                              fields->len),
                                 fields->len);
  adw_preferences_group_set_description (group, description);
  gtk_widget_set_visible (GTK_WIDGET (group), fields->len > 0);
}

static void
fill_event_counts (AudWindow *self,
                   GPtrArray *event_counts)
{
  g_autofree char *description = NULL;
  gint64 largest = 0;

  for (guint i = 0; i < event_counts->len; i++)
    largest = MAX (largest, ((AudEventCount *)g_ptr_array_index (event_counts, i))->count);

  for (guint i = 0; i < event_counts->len; i++)
    {
      const AudEventCount *count = g_ptr_array_index (event_counts, i);
      GtkWidget *row = new_action_row (count->name, NULL);
      GtkWidget *share = gtk_level_bar_new_for_interval (0.0, 1.0);
      g_autofree char *share_name = NULL;

      gtk_level_bar_set_value (GTK_LEVEL_BAR (share),
                               largest > 0 ? (double)count->count / (double)largest : 0.0);
      /* Bars are relative to the most frequent event: no offset colours. */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (share), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (share), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (share), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_add_css_class (share, "event-share");
      gtk_widget_set_valign (share, GTK_ALIGN_CENTER);
      /* Translators: %s is an event name */
      share_name = g_strdup_printf (_("Share of “%s” compared with the most frequent event"),
                                    count->name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (share),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, share_name,
                                      -1);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_count_label (count->count));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), share);
      add_row (self, self->events_group, row);
    }

  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u event name",
                                              "%u event names", event_counts->len),
                                 event_counts->len);
  adw_preferences_group_set_description (self->events_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->events_group), event_counts->len > 0);
}

static void
add_import_detail (AdwExpanderRow *expander,
                   const char     *title,
                   gint64          count,
                   gboolean        warn)
{
  GtkWidget *row = new_action_row (title, NULL);
  GtkWidget *label = new_count_label (count);

  if (warn && count > 0)
    gtk_widget_add_css_class (label, "warning-count");

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_expander_row_add_row (expander, row);
}

static void
fill_imports (AudWindow *self,
              GPtrArray *imports)
{
  for (guint i = 0; i < imports->len; i++)
    {
      const AudImportRecord *record = g_ptr_array_index (imports, i);
      gboolean events = g_strcmp0 (record->kind, "events") == 0;
      g_autofree char *basename = g_path_get_basename (record->file != NULL ? record->file : "");
      g_autofree char *when = aud_format_timestamp (record->started);
      g_autofree char *rows = aud_format_count (record->rows_read);
      g_autofree char *subtitle = NULL;
      GtkWidget *expander = adw_expander_row_new ();

      subtitle = g_strdup_printf (events ?
                                  /* Translators: an import of events: date, rows read */
                                  g_dngettext (GETTEXT_PACKAGE, "Events · %s · %s row",
                                               "Events · %s · %s rows",
                                               (gulong)MIN (record->rows_read, G_MAXULONG)) :
                                  /* Translators: an import of customers: date, rows read */
                                  g_dngettext (GETTEXT_PACKAGE, "Customers · %s · %s row",
                                               "Customers · %s · %s rows",
                                               (gulong)MIN (record->rows_read, G_MAXULONG)),
                                  when, rows);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), basename);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
      gtk_widget_set_tooltip_text (expander, record->file);

      add_import_detail (ADW_EXPANDER_ROW (expander), _("Rows read"), record->rows_read, FALSE);
      add_import_detail (ADW_EXPANDER_ROW (expander), _("Added"), record->rows_inserted, FALSE);
      add_import_detail (ADW_EXPANDER_ROW (expander), _("Updated"), record->rows_updated, FALSE);
      add_import_detail (ADW_EXPANDER_ROW (expander), _("Rejected"), record->rows_rejected, TRUE);
      if (events)
        add_import_detail (ADW_EXPANDER_ROW (expander), _("Unknown customer"),
                           record->rows_unknown_customer, TRUE);

      add_row (self, self->imports_group, expander);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->imports_group), imports->len > 0);
}

static void
set_value_label (GtkLabel *label,
                 gint64    value)
{
  g_autofree char *text = aud_format_count (value);

  gtk_label_set_label (label, text);
}

/* The sidebar is there while a workspace with data is shown. Folded, the
 * leaflet shows one side at a time and the content gets a back button;
 * without a sidebar the content header carries all window buttons. */
static void
update_chrome (AudWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean has_sidebar = g_strcmp0 (page, "overview") == 0 ||
                         g_strcmp0 (page, "customers") == 0 ||
                         g_strcmp0 (page, "events") == 0 ||
                         g_strcmp0 (page, "segments") == 0 ||
                         g_strcmp0 (page, "compare") == 0;
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  gtk_widget_set_visible (self->sidebar, has_sidebar);
  gtk_widget_set_visible (self->sidebar_separator, has_sidebar);
  gtk_widget_set_visible (self->back_button, has_sidebar && folded);
  adw_header_bar_set_show_start_title_buttons (self->content_header, !has_sidebar || folded);

  if (!has_sidebar)
    adw_leaflet_set_visible_child (self->leaflet, self->content);

  aud_window_update_actions (self);
}

/* Shows the stack page @name and selects its sidebar row. */
static void
show_page (AudWindow  *self,
           const char *name)
{
  static const char *workspace_pages[] = { "overview", "customers", "events", "segments",
                                           "compare" };

  gtk_stack_set_visible_child_name (self->stack, name);

  for (guint i = 0; i < G_N_ELEMENTS (workspace_pages); i++)
    if (g_str_equal (name, workspace_pages[i]))
      self->workspace_page = workspace_pages[i];

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (row));

  update_chrome (self);
}

static void
on_sidebar_row_activated_cb (AudWindow     *self,
                             GtkListBoxRow *row)
{
  g_assert (AUD_IS_WINDOW (self));

  show_page (self, gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_leaflet_folded_cb (AudWindow *self)
{
  g_assert (AUD_IS_WINDOW (self));

  update_chrome (self);
}

static void
on_recent_row_activated_cb (AdwActionRow *row,
                            AudWindow    *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert (AUD_IS_WINDOW (self));

  aud_window_open (self, file);
}

/* The recent workspaces of the settings, as rows that open them. */
static void
fill_recent (AudWindow *self)
{
  g_autofree char *demo_path = aud_application_dup_demo_path ();
  g_auto(GStrv) recent = NULL;
  guint n = 0;

  if (self->settings != NULL)
    recent = g_settings_get_strv (self->settings, "recent-workspaces");

  for (guint i = 0; recent != NULL && recent[i] != NULL; i++)
    {
      g_autofree char *title = g_str_equal (recent[i], demo_path) ?
                               g_strdup (_("Demo Workspace")) :
                               aud_workspace_title_from_path (recent[i]);
      g_autofree char *dir = g_path_get_dirname (recent[i]);
      g_autofree char *display_dir = g_filename_display_name (dir);
      GtkWidget *row = new_action_row (title, display_dir);
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, recent[i]);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_recent_row_activated_cb), self);
      add_row (self, self->recent_group, row);
      n++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), n > 0);
}

static void
show_summary (AudWindow *self)
{
  const AudWorkspaceSummary *summary = self->summary;
  g_autofree char *subtitle = NULL;

  g_assert (summary != NULL);

  subtitle = aud_format_counts (summary->n_customers, summary->n_events);
  adw_window_title_set_title (self->window_title, summary->title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), summary->title);

  set_value_label (self->customers_value_label, summary->n_customers);
  set_value_label (self->events_value_label, summary->n_events);
  set_value_label (self->fields_value_label, summary->fields->len);

  clear_rows (self);
  fill_fields (self, self->fields_group, summary->fields);
  fill_event_counts (self, summary->event_counts);
  fill_fields (self, self->properties_group, summary->properties);
  fill_imports (self, summary->imports);
  aud_timeline_chart_set_buckets (self->timeline_chart, summary->timeline,
                                  summary->timeline_weekly);
  gtk_widget_set_visible (GTK_WIDGET (self->timeline_group), summary->timeline->len > 0);

  /* They read the workspace themselves, in the background. */
  aud_browser_page_set_workspace (self->customers_page, g_file_peek_path (self->file));
  aud_browser_page_set_workspace (self->events_page, g_file_peek_path (self->file));
  aud_compare_page_set_workspace (self->compare_page, g_file_peek_path (self->file));
  aud_segments_page_set_workspace (self->segments_page, g_file_peek_path (self->file));

  if (aud_workspace_summary_is_empty (summary))
    {
      show_page (self, "empty");
    }
  else
    {
      /* A reload stays on the page it was on; folded, the page is shown
       * rather than the list of pages. */
      show_page (self, self->workspace_page);
      adw_leaflet_set_visible_child (self->leaflet, self->content);
    }
}

static void
show_none (AudWindow *self)
{
  adw_window_title_set_title (self->window_title, _("Audiences"));
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_window_set_title (GTK_WINDOW (self), _("Audiences"));
  clear_rows (self);
  fill_recent (self);
  aud_browser_page_set_workspace (self->customers_page, NULL);
  aud_browser_page_set_workspace (self->events_page, NULL);
  aud_compare_page_set_workspace (self->compare_page, NULL);
  aud_segments_page_set_workspace (self->segments_page, NULL);
  show_page (self, "none");
}

/* Shows a failure to open @path: a heading naming the kind of failure, and
 * a body pairing what it means with the message from the store. */
static void
show_open_error (AudWindow    *self,
                 const char   *path,
                 const GError *error)
{
  g_autofree char *display_name = g_filename_display_basename (path);
  g_autofree char *sentence = NULL;
  g_autofree char *body = NULL;
  const char *heading;
  GtkWidget *dialog;

  g_warning ("Could not open %s: %s", path, error->message);

  if (g_error_matches (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_A_WORKSPACE))
    {
      heading = _("Not a Workspace");
      /* Translators: %s is a file name */
      sentence = g_strdup_printf (_("“%s” is not an Audiences workspace. To use its data, "
                                    "create a workspace and import the file into it."),
                                  display_name);
    }
  else if (g_error_matches (error, AUD_STORE_ERROR, AUD_STORE_ERROR_TOO_NEW))
    {
      heading = _("Workspace Too New");
      sentence = g_strdup_printf (_("“%s” was saved by a newer version of Audiences. "
                                    "Update Audiences to open it."),
                                  display_name);
    }
  else if (g_error_matches (error, AUD_STORE_ERROR, AUD_STORE_ERROR_CORRUPT))
    {
      heading = _("Workspace Damaged");
      sentence = g_strdup_printf (_("“%s” is damaged and cannot be read. Restore it from a "
                                    "backup, or create a new workspace and import your data "
                                    "again."),
                                  display_name);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      heading = _("Workspace Not Found");
      sentence = g_strdup_printf (_("“%s” does not exist. It may have been moved or deleted."),
                                  display_name);
    }
  else
    {
      heading = _("Could Not Open Workspace");
      sentence = g_strdup_printf (_("“%s” could not be opened."), display_name);
    }

  body = g_strdup_printf ("%s\n\n%s", sentence, error->message);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  AudStoreOpenFlags flags = AUD_STORE_OPEN_DEFAULT;
  g_autoptr(AudWorkspaceSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  switch (data->mode)
    {
    case OPEN_EXISTING:
      break;

    case OPEN_NEW:
      if (g_file_test (data->path, G_FILE_TEST_EXISTS))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                                   _("%s already exists"), data->path);
          return;
        }
      flags = AUD_STORE_OPEN_CREATE;
      break;

    case OPEN_REPLACE:
      if (!aud_store_delete_files (data->path, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      flags = AUD_STORE_OPEN_CREATE;
      break;

    case OPEN_DEMO:
      if (!g_file_test (data->path, G_FILE_TEST_EXISTS) &&
          !aud_demo_workspace_create (data->path, data->progress, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  summary = aud_workspace_summary_load (data->path, flags, cancellable, &error);
  if (summary == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&summary),
                           (GDestroyNotify)aud_workspace_summary_free);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AudWindow *self = AUD_WINDOW (object);
  GTask *task = G_TASK (result);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(AudWorkspaceSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (AUD_IS_WINDOW (self));

  summary = g_task_propagate_pointer (task, &error);

  /* A newer task replaced this one; it owns the window now. */
  if (g_task_get_cancellable (task) != self->cancellable)
    return;

  set_busy (self, NULL);

  if (summary != NULL)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      aud_workspace_summary_free (self->summary);
      self->summary = g_steal_pointer (&summary);
      show_summary (self);

      if (AUD_IS_APPLICATION (app))
        aud_application_add_recent (AUD_APPLICATION (app), self->file);
    }
  else
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      /* A workspace that is gone is no longer offered. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) && AUD_IS_APPLICATION (app))
        aud_application_remove_recent (AUD_APPLICATION (app), self->file);

      aud_workspace_summary_free (g_steal_pointer (&self->summary));
      set_file (self, NULL);
      show_none (self);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_open_error (self, data->path, error);
    }

  aud_window_update_actions (self);
}

/* Starts opening @file in a worker; the window shows the loading page
 * until open_cb() shows the result. */
static void
start_open (AudWindow *self,
            GFile     *file,
            OpenMode   mode)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = g_file_get_path (file);
  OpenData *data;

  g_assert (AUD_IS_WINDOW (self));
  g_assert (G_IS_FILE (file));

  set_file (self, file);
  set_busy (self, cancellable);

  /* Only a demo that does not exist yet has progress worth showing. */
  if (mode == OPEN_DEMO && path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    mode = OPEN_EXISTING;

  task = g_task_new (self, cancellable, open_cb, NULL);
  g_task_set_source_tag (task, start_open);
  data = g_new0 (OpenData, 1);
  data->path = path != NULL ? g_strdup (path) : g_file_get_uri (file);
  data->mode = mode;
  data->progress = g_object_ref (self->progress);
  g_task_set_task_data (task, data, (GDestroyNotify)open_data_free);

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s is not a local file; workspaces must be on this computer"),
                               data->path);
      return;
    }

  aud_progress_update (self->progress, 0.0, 0, "");
  /* A bar when there is progress to show, else a spinner. */
  gtk_widget_set_visible (GTK_WIDGET (self->loading_progress), mode == OPEN_DEMO);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), mode != OPEN_DEMO);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), mode == OPEN_DEMO);
  adw_status_page_set_title (self->loading_page,
                             mode == OPEN_DEMO ? _("Preparing the Demo Workspace…") :
                             mode == OPEN_EXISTING ? _("Opening Workspace…") :
                             _("Creating Workspace…"));
  adw_status_page_set_description (self->loading_page,
                                   mode == OPEN_DEMO ?
                                   _("Made-up customers and events to explore, created once on "
                                     "this computer") : NULL);
  adw_status_page_set_icon_name (self->loading_page,
                                 mode == OPEN_DEMO ? "io.github.audiences.Audiences-symbolic" : NULL);
  show_page (self, "loading");

  g_task_run_in_thread (task, open_thread);
}

/* Restores the window size from @settings and keeps it there. */
static void
bind_window_state (AudWindow *self,
                   GSettings *settings)
{
  /* Read once, then written on every change: windows do not resize each
   * other through the shared keys. */
  GSettingsBindFlags flags = G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES;

  g_set_object (&self->settings, settings);
  g_settings_bind (settings, "window-width", self, "default-width", flags);
  g_settings_bind (settings, "window-height", self, "default-height", flags);
  g_settings_bind (settings, "window-maximized", self, "maximized", flags);
}

static void
on_imported_cb (AudWindow *self)
{
  g_assert (AUD_IS_WINDOW (self));

  if (self->file != NULL)
    start_open (self, self->file, OPEN_EXISTING);
}

/* Starts the import assistant for @file into the workspace shown. */
static void
import_file (AudWindow *self,
             GFile     *file)
{
  AudImportAssistant *assistant;

  g_assert (AUD_IS_WINDOW (self));
  g_assert (self->file != NULL);

  assistant = aud_import_assistant_new (GTK_WINDOW (self), g_file_peek_path (self->file), file);
  g_signal_connect_object (assistant, "imported", G_CALLBACK (on_imported_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (assistant));
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    AudWindow       *self)
{
  g_assert (AUD_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT && self->file != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      import_file (self, file);
    }

  g_object_unref (dialog);
  g_object_unref (self);
}

static gboolean
is_workspace_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return basename != NULL && g_str_has_suffix (basename, ".audiences");
}

/* Files dropped on the window: a data file goes to the import assistant
 * when a workspace is shown; workspaces (and anything else) are opened
 * like files given on the command line: a workspace shown elsewhere comes
 * forward, others open in this window when it shows none, else in a new
 * one. */
static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            AudWindow     *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  g_assert (AUD_IS_WINDOW (self));

  if (app == NULL || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  if (files->len == 0)
    return FALSE;

  if (self->file != NULL && !aud_window_get_busy (self) && files->len == 1 &&
      !is_workspace_file (g_ptr_array_index (files, 0)))
    {
      import_file (self, g_ptr_array_index (files, 0));
      return TRUE;
    }

  g_application_open (app, (GFile **)files->pdata, files->len, "");

  return TRUE;
}

static void
aud_window_cancel_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AudWindow *self = AUD_WINDOW (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
aud_window_reload_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AudWindow *self = AUD_WINDOW (widget);

  if (self->file != NULL)
    start_open (self, self->file, OPEN_EXISTING);
}

static void
aud_window_back_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AudWindow *self = AUD_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
aud_window_open_demo_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  aud_window_open_demo (AUD_WINDOW (widget));
}

static void
aud_window_import_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AudWindow *self = AUD_WINDOW (widget);
  g_autoptr(GtkFileFilter) data_files = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  static const char *patterns[] = { "*.csv", "*.tsv", "*.txt", "*.json", "*.jsonl", "*.ndjson" };
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Import File"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  gtk_file_filter_set_name (data_files, _("CSV and JSON Files"));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (data_files, patterns[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), data_files);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);

  g_signal_connect (native, "response", G_CALLBACK (import_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
aud_window_dispose (GObject *object)
{
  AudWindow *self = (AudWindow *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_WINDOW);

  g_clear_object (&self->file);
  g_clear_object (&self->progress);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->summary, aud_workspace_summary_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (aud_window_parent_class)->dispose (object);
}

static void
aud_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AudWindow *self = AUD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, aud_window_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_window_class_init (AudWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_window_dispose;
  object_class->get_property = aud_window_get_property;

  /**
   * AudWindow:file: (nullable)
   *
   * The workspace shown or being opened.
   */
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * AudWindow:busy:
   *
   * Whether a workspace is being opened, created or read.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/aud-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AudWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, content);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, none_open_button);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, none_new_button);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, none_demo_button);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, recent_group);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_cb);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, customers_value_label);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, events_value_label);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, fields_value_label);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, fields_group);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, events_group);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, properties_group);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, imports_group);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, timeline_group);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, timeline_chart);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, customers_page);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, events_page);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, compare_page);
  gtk_widget_class_bind_template_child (widget_class, AudWindow, segments_page);
  g_type_ensure (AUD_TYPE_BROWSER_PAGE);
  g_type_ensure (AUD_TYPE_COMPARE_PAGE);
  g_type_ensure (AUD_TYPE_SEGMENTS_PAGE);
  g_type_ensure (AUD_TYPE_TIMELINE_CHART);

  gtk_widget_class_install_action (widget_class, "win.import", NULL, aud_window_import_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, aud_window_cancel_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, aud_window_reload_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, aud_window_open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, aud_window_back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

static void
aud_window_init (AudWindow *self)
{
  GtkButton *labelled_buttons[5];
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* GTK 4.8 names a button by its accessible label and, again, by the
   * label inside it ("Cancel Cancel", or "_Cancel" with the mnemonic):
   * keep only the label given in the template. */
  labelled_buttons[0] = self->cancel_button;
  labelled_buttons[1] = self->import_button;
  labelled_buttons[2] = self->none_open_button;
  labelled_buttons[3] = self->none_new_button;
  labelled_buttons[4] = self->none_demo_button;
  for (guint i = 0; i < G_N_ELEMENTS (labelled_buttons); i++)
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (labelled_buttons[i]),
                                   GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  self->rows = g_ptr_array_new ();
  self->workspace_page = "overview";
  self->progress = aud_progress_new ();
  g_object_bind_property (self->progress, "fraction",
                          self->loading_progress, "fraction",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->progress, "message",
                          self->loading_progress, "text",
                          G_BINDING_SYNC_CREATE);

  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop_target, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  show_none (self);
  aud_window_update_actions (self);
}

/**
 * aud_window_new:
 *
 * Returns: (transfer full): a window of @application showing no workspace
 */
AudWindow *
aud_window_new (AudApplication *application)
{
  AudWindow *self;
  GSettings *settings;

  g_return_val_if_fail (AUD_IS_APPLICATION (application), NULL);

  self = g_object_new (AUD_TYPE_WINDOW,
                       "application", application,
                       NULL);

  settings = aud_application_get_settings (application);
  if (settings != NULL)
    {
      bind_window_state (self, settings);
      /* Now with the recent workspaces. */
      show_none (self);
    }

  return self;
}

/**
 * aud_window_open:
 * @file: a workspace file
 *
 * Opens @file and shows what it holds. Failures are shown in a dialog.
 */
void
aud_window_open (AudWindow *self,
                 GFile     *file)
{
  g_return_if_fail (AUD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  start_open (self, file, OPEN_EXISTING);
}

/**
 * aud_window_create:
 * @file: where the new workspace goes
 * @replace: whether an existing @file may be deleted first (the user
 *   confirmed it); without it an existing file is an error
 *
 * Creates an empty workspace at @file and shows it.
 */
void
aud_window_create (AudWindow *self,
                   GFile     *file,
                   gboolean   replace)
{
  g_return_if_fail (AUD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  start_open (self, file, replace ? OPEN_REPLACE : OPEN_NEW);
}

/**
 * aud_window_open_demo:
 *
 * Opens the demo workspace in the user's data folder, making it first when
 * it does not exist yet (with progress, cancellable).
 */
void
aud_window_open_demo (AudWindow *self)
{
  g_autofree char *path = aud_application_dup_demo_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_return_if_fail (AUD_IS_WINDOW (self));

  start_open (self, file, OPEN_DEMO);
}

/**
 * aud_window_get_file:
 *
 * Returns: (transfer none) (nullable): the workspace shown or being opened
 */
GFile *
aud_window_get_file (AudWindow *self)
{
  g_return_val_if_fail (AUD_IS_WINDOW (self), NULL);

  return self->file;
}

/**
 * aud_window_get_busy:
 *
 * Returns: whether the window is opening or reading a workspace
 */
gboolean
aud_window_get_busy (AudWindow *self)
{
  g_return_val_if_fail (AUD_IS_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}
