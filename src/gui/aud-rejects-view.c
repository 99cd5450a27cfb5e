/* aud-rejects-view.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-rejects-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-format.h"
#include "aud-importer.h"
#include "aud-rejects-view.h"
#include "aud-store.h"

struct _AudRejectsView
{
  AdwWindow             parent_instance;

  /* template widgets */
  AdwWindowTitle       *window_title;
  GtkButton            *save_button;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkColumnView        *column_view;
  AdwStatusPage        *error_page;

  /* owned */
  char                 *path;          /* the workspace */
  gint64                import_id;
  GListStore           *rows;          /* (element-type GtkStringList) */
  GCancellable         *cancellable;   /* of the loading; NULL when loaded */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (AudRejectsView, aud_rejects_view, ADW_TYPE_WINDOW)

/* --- the text column ------------------------------------------------------------- */

static void
on_text_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_list_item_set_child (item, label);
}

static void
on_text_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkStringList *cells = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = gtk_string_list_get_string (cells, GPOINTER_TO_UINT (user_data));

  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  gtk_widget_set_tooltip_text (label, text);
}

GtkColumnViewColumn *
aud_text_column_new (const char *title,
                     guint       index)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (on_text_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_text_bind_cb), GUINT_TO_POINTER (index));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);

  return column;
}

/* --- loading ----------------------------------------------------------------------- */

static gboolean
collect_reject_cb (const AudReject *reject,
                   gpointer         user_data)
{
  GPtrArray *rows = user_data;
  char **cells = g_new0 (char *, 4);

  cells[0] = g_strdup_printf ("%" G_GUINT64_FORMAT, reject->line);
  cells[1] = g_strdup (reject->reason);
  cells[2] = g_strdup (reject->raw != NULL ? reject->raw : "");
  g_ptr_array_add (rows, cells);

  return TRUE;
}

/* Worker: the rejected rows as a GPtrArray of GStrv (line, reason, raw). */
static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AudRejectsView *self = source_object;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = aud_store_open (self->path, AUD_STORE_OPEN_READ_ONLY, &error);
  if (store == NULL ||
      !aud_importer_foreach_reject (store, self->import_id, collect_reject_cb, rows, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify)g_ptr_array_unref);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(AudRejectsView) self = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *count = NULL;

  rows = g_task_propagate_pointer (G_TASK (result), &error);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);

  if (rows == NULL)
    {
      g_warning ("Could not read the rejected rows of %s: %s", self->path, error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "rejects.save", FALSE);
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GtkStringList) cells = gtk_string_list_new (rows->pdata[i]);

      g_list_store_append (self->rows, cells);
    }

  count = aud_format_count (rows->len);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", rows->len), count);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_stack_set_visible_child_name (self->stack, rows->len > 0 ? "table" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rejects.save", rows->len > 0);
}

/* --- saving ------------------------------------------------------------------------ */

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* The rows as CSV text with a header line, lines ending in CRLF. */
static GBytes *
build_csv (AudRejectsView *self)
{
  GString *out = g_string_new ("line,reason,raw\r\n");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringList) cells = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      for (guint j = 0; j < 3; j++)
        {
          if (j > 0)
            g_string_append_c (out, ',');
          append_csv_field (out, gtk_string_list_get_string (cells, j));
        }
      g_string_append (out, "\r\n");
    }

  return g_string_free_to_bytes (out);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(AudRejectsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (object));
  g_autofree char *title = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      AdwMessageDialog *dialog;

      g_warning ("Could not save the rejected rows to %s: %s", name, error->message);
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Could Not Save the Rows"), NULL));
      adw_message_dialog_format_body (dialog, _("“%s” could not be written.\n\n%s"),
                                      name, error->message);
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  title = g_strdup_printf (_("Saved “%s”"), name);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
on_chooser_response_cb (AudRejectsView       *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (file == NULL)
    return;

  bytes = build_csv (self);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, save_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AudRejectsView *self = AUD_REJECTS_VIEW (widget);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Save Rejected Rows"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Translators: the file name suggested for the rejected rows */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), _("rejected-rows.csv"));
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* --- the object --------------------------------------------------------------------- */

static void
aud_rejects_view_dispose (GObject *object)
{
  AudRejectsView *self = (AudRejectsView *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->rows);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_REJECTS_VIEW);

  G_OBJECT_CLASS (aud_rejects_view_parent_class)->dispose (object);
}

static void
aud_rejects_view_finalize (GObject *object)
{
  AudRejectsView *self = (AudRejectsView *)object;

  g_free (self->path);

  G_OBJECT_CLASS (aud_rejects_view_parent_class)->finalize (object);
}

static void
aud_rejects_view_class_init (AudRejectsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_rejects_view_dispose;
  object_class->finalize = aud_rejects_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/audiences/Audiences"
                                                             "/ui/aud-rejects-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AudRejectsView, window_title);
  gtk_widget_class_bind_template_child (widget_class, AudRejectsView, save_button);
  gtk_widget_class_bind_template_child (widget_class, AudRejectsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AudRejectsView, stack);
  gtk_widget_class_bind_template_child (widget_class, AudRejectsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, AudRejectsView, error_page);

  gtk_widget_class_install_action (widget_class, "rejects.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "rejects.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aud_rejects_view_init (AudRejectsView *self)
{
  static const struct { const char *title; gboolean expand; } columns[] = {
    /* Translators: a column of the rejected rows: the file line */
    { N_("Line"), FALSE },
    { N_("Reason"), FALSE },
    /* Translators: a column of the rejected rows: the row's text */
    { N_("Raw Text"), TRUE },
  };
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* GTK 4.8 would also name the button by its mnemonic label: keep the
   * template's accessible label alone. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->save_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  self->rows = g_list_store_new (GTK_TYPE_STRING_LIST);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = aud_text_column_new (_(columns[i].title), i);

      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_append_column (self->column_view, column);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rejects.save", FALSE);
}

/**
 * aud_rejects_view_new:
 * @parent: the window it belongs to
 * @workspace_path: the workspace
 * @import_id: the import whose rows to show (0: every import)
 *
 * Returns: (transfer full): a new window, loading the rows
 */
AudRejectsView *
aud_rejects_view_new (GtkWindow  *parent,
                      const char *workspace_path,
                      gint64      import_id)
{
  AudRejectsView *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (workspace_path != NULL, NULL);

  self = g_object_new (AUD_TYPE_REJECTS_VIEW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->path = g_strdup (workspace_path);
  self->import_id = import_id;
  self->cancellable = g_cancellable_new ();

  task = g_task_new (self, self->cancellable, load_cb, g_object_ref (self));
  g_task_set_source_tag (task, aud_rejects_view_new);
  g_task_run_in_thread (task, load_thread);

  return self;
}

GListModel *
aud_rejects_view_get_model (AudRejectsView *self)
{
  g_return_val_if_fail (AUD_IS_REJECTS_VIEW (self), NULL);

  return G_LIST_MODEL (self->rows);
}

gboolean
aud_rejects_view_get_loading (AudRejectsView *self)
{
  g_return_val_if_fail (AUD_IS_REJECTS_VIEW (self), FALSE);

  return self->cancellable != NULL;
}

gboolean
aud_rejects_view_save (AudRejectsView *self,
                       GFile          *file,
                       GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (AUD_IS_REJECTS_VIEW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  bytes = build_csv (self);

  return g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL,
                                  error);
}
