/* aud-application.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-application"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-application.h"
#include "aud-window.h"

/* How many workspaces recent-workspaces keeps. */
#define MAX_RECENT 10

struct _AudApplication
{
  AdwApplication  parent_instance;

  /* owned; NULL when the schema is not installed */
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (AudApplication, aud_application, ADW_TYPE_APPLICATION)

/* The window to reuse for a workspace: one already showing @file, else the
 * active window when it shows none; NULL to make a new window. */
static AudWindow *
find_window_for (AudApplication *self,
                 GFile          *file)
{
  GtkWindow *active;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      GFile *shown;

      if (!AUD_IS_WINDOW (l->data))
        continue;

      shown = aud_window_get_file (l->data);
      if (file != NULL && shown != NULL && g_file_equal (shown, file))
        return l->data;
    }

  active = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (AUD_IS_WINDOW (active) &&
      aud_window_get_file (AUD_WINDOW (active)) == NULL &&
      !aud_window_get_busy (AUD_WINDOW (active)))
    return AUD_WINDOW (active);

  return NULL;
}

static AudWindow *
ensure_window_for (AudApplication *self,
                   GFile          *file,
                   gboolean       *is_new)
{
  AudWindow *window = find_window_for (self, file);

  *is_new = window == NULL;
  if (window == NULL)
    window = aud_window_new (self);

  return window;
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  AudApplication *self = user_data;

  g_assert (AUD_IS_APPLICATION (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_application_open (G_APPLICATION (self), &file, 1, "");
    }

  g_object_unref (dialog);
}

static void
new_response_cb (GtkNativeDialog *dialog,
                 int              response,
                 gpointer         user_data)
{
  AudApplication *self = user_data;

  g_assert (AUD_IS_APPLICATION (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GFile) file = NULL;
      g_autofree char *basename = g_file_get_basename (chosen);
      AudWindow *window;
      gboolean is_new;

      /* Name it as a workspace, so file managers and the Open dialog know
       * it. The dialog only confirmed replacing the name the user typed. */
      if (g_str_has_suffix (basename, ".audiences"))
        file = g_object_ref (chosen);
      else
        {
          g_autoptr(GFile) parent = g_file_get_parent (chosen);
          g_autofree char *name = g_strconcat (basename, ".audiences", NULL);

          file = g_file_get_child (parent, name);
        }

      window = ensure_window_for (self, NULL, &is_new);
      aud_window_create (window, file, g_file_equal (file, chosen));
      gtk_window_present (GTK_WINDOW (window));
    }

  g_object_unref (dialog);
}

static void
add_workspace_filters (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) workspaces = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (workspaces, _("Workspaces"));
  gtk_file_filter_add_pattern (workspaces, "*.audiences");
  gtk_file_filter_add_mime_type (workspaces, "application/x-audiences-workspace");
  gtk_file_chooser_add_filter (chooser, workspaces);

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);

  gtk_file_chooser_set_filter (chooser, workspaces);
}

/* Shows a modal file chooser for workspaces; @response_cb gets the
 * application and unrefs the chooser. */
static GtkFileChooser *
show_workspace_chooser (AudApplication       *self,
                        const char           *title,
                        GtkFileChooserAction  action,
                        const char           *accept_label,
                        GCallback             response_cb)
{
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (title,
                                        gtk_application_get_active_window (GTK_APPLICATION (self)),
                                        action,
                                        accept_label,
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_workspace_filters (GTK_FILE_CHOOSER (native));
  g_signal_connect (native, "response", response_cb, self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));

  return GTK_FILE_CHOOSER (native);
}

static void
aud_application_open_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  show_workspace_chooser (user_data, _("Open Workspace"), GTK_FILE_CHOOSER_ACTION_OPEN,
                          _("_Open"), G_CALLBACK (open_response_cb));
}

static void
aud_application_new_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  GtkFileChooser *chooser;

  chooser = show_workspace_chooser (user_data, _("New Workspace"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                    _("C_reate"), G_CALLBACK (new_response_cb));
  /* Translators: the proposed file name of a new workspace */
  gtk_file_chooser_set_current_name (chooser, _("Customers.audiences"));
}

static void
aud_application_about_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  AudApplication *self = user_data;
  static const char *developers[] = { "The Audiences authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "modal", TRUE,
                        "application-name", _("Audiences"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Audiences authors"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Build customer segments from your own data and get "
                                      "exact counts, on your own computer."),
                        "website", "https://github.com/audiences/audiences",
                        "issue-url", "https://github.com/audiences/audiences/issues",
                        "copyright", "© 2026 The Audiences authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
aud_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  AudApplication *self = user_data;

  /* Windows cancel their work when they go away. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "new", aud_application_new_action },
  { "open", aud_application_open_action },
  { "about", aud_application_about_action },
  { "quit", aud_application_quit_action },
};

static void
aud_application_startup (GApplication *app)
{
  AudApplication *self = AUD_APPLICATION (app);
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *reload_accels[] = { "<Control>r", "F5", NULL };
  static const char *import_accels[] = { "<Control>i", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (aud_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.reload", reload_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.import", import_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         help_accels);
}

static void
aud_application_activate (GApplication *app)
{
  AudApplication *self = AUD_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (aud_window_new (self));
      aud_window_open_demo (AUD_WINDOW (window));
    }

  gtk_window_present (window);
}

static void
aud_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  AudApplication *self = AUD_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      gboolean is_new;
      AudWindow *window = ensure_window_for (self, files[i], &is_new);
      GFile *shown = aud_window_get_file (window);

      if (shown == NULL || !g_file_equal (shown, files[i]))
        aud_window_open (window, files[i]);

      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
aud_application_dispose (GObject *object)
{
  AudApplication *self = (AudApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (aud_application_parent_class)->dispose (object);
}

static void
aud_application_class_init (AudApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = aud_application_dispose;

  app_class->startup = aud_application_startup;
  app_class->activate = aud_application_activate;
  app_class->open = aud_application_open;
}

static void
aud_application_init (AudApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, AUD_SETTINGS_SCHEMA_ID, TRUE);

  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_warning ("The settings schema %s is not installed; window size and recent "
               "workspaces will not be remembered", AUD_SETTINGS_SCHEMA_ID);
}

/**
 * aud_application_new:
 *
 * Returns: (transfer full): the application
 */
AudApplication *
aud_application_new (void)
{
  return g_object_new (AUD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       /* The same resources in development builds, whose ID
                        * differs. */
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * aud_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the application's settings, or %NULL
 *   when the schema is not installed
 */
GSettings *
aud_application_get_settings (AudApplication *self)
{
  g_return_val_if_fail (AUD_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* Puts @file first in the recent workspaces and makes it the last one
 * (@add), or drops it from both. */
static void
update_recent (AudApplication *self,
               GFile          *file,
               gboolean        add)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  g_auto(GStrv) updated = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *last = NULL;
  guint n = 0;

  if (self->settings == NULL || path == NULL)
    return;

  recent = g_settings_get_strv (self->settings, "recent-workspaces");
  builder = g_strv_builder_new ();
  if (add)
    {
      g_strv_builder_add (builder, path);
      n++;
    }
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    {
      if (g_str_equal (recent[i], path))
        continue;
      g_strv_builder_add (builder, recent[i]);
      n++;
    }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-workspaces", (const char * const *)updated);

  last = g_settings_get_string (self->settings, "last-workspace");
  if (add)
    g_settings_set_string (self->settings, "last-workspace", path);
  else if (g_str_equal (last, path))
    g_settings_set_string (self->settings, "last-workspace", "");
}

/**
 * aud_application_add_recent:
 * @file: a workspace that was just opened
 *
 * Makes @file the last workspace and moves it to the front of the recent
 * ones.
 */
void
aud_application_add_recent (AudApplication *self,
                            GFile          *file)
{
  g_return_if_fail (AUD_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  update_recent (self, file, TRUE);
}

/**
 * aud_application_remove_recent:
 * @file: a workspace
 *
 * Drops @file from the recent workspaces (and as the last one).
 */
void
aud_application_remove_recent (AudApplication *self,
                               GFile          *file)
{
  g_return_if_fail (AUD_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  update_recent (self, file, FALSE);
}

/**
 * aud_application_dup_demo_path:
 *
 * Returns: (transfer full): where the demo workspace lives, in the user's
 *   data folder
 */
char *
aud_application_dup_demo_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "audiences", "demo.audiences", NULL);
}
