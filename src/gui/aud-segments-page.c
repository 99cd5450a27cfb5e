/* aud-segments-page.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-segments-page"

#include "config.h"

#include "aud-segments-page.h"

struct _AudSegmentsPage
{
  AdwBin            parent_instance;

  /* children */
  AudSegmentList   *list;
  AudSegmentEditor *editor;

  /* owned */
  AudEngine        *engine;
  char             *path;
};

G_DEFINE_FINAL_TYPE (AudSegmentsPage, aud_segments_page, ADW_TYPE_BIN)

static void
on_segment_activated_cb (AudSegmentsPage *self,
                         const char      *name)
{
  aud_segment_editor_open_saved (self->editor, name);
}

/* The builder offers the saved segments for membership: read them again. */
static void
on_segments_changed_cb (AudSegmentsPage *self)
{
  aud_segment_editor_reload (self->editor);
}

static void
on_saved_cb (AudSegmentsPage *self,
             const char      *name)
{
  aud_segment_list_select (self->list, name);
  aud_segment_list_reload (self->list);
  aud_segment_editor_reload (self->editor);
}

static void
on_segment_renamed_cb (AudSegmentsPage *self,
                       const char      *name,
                       const char      *new_name)
{
  if (g_strcmp0 (aud_segment_editor_get_saved_name (self->editor), name) == 0)
    aud_segment_editor_open_saved (self->editor, new_name);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AudSegmentsPage *self = AUD_SEGMENTS_PAGE (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->list), "segments.new", NULL);
}

static void
aud_segments_page_dispose (GObject *object)
{
  AudSegmentsPage *self = (AudSegmentsPage *)object;

  adw_bin_set_child (ADW_BIN (self), NULL);
  self->list = NULL;
  self->editor = NULL;
  g_clear_object (&self->engine);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (aud_segments_page_parent_class)->dispose (object);
}

static void
aud_segments_page_class_init (AudSegmentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_segments_page_dispose;

  gtk_widget_class_install_action (widget_class, "segments-page.new", NULL, new_action);
}

static void
aud_segments_page_init (AudSegmentsPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);

  self->engine = aud_engine_new ();
  self->list = aud_segment_list_new (self->engine);
  self->editor = aud_segment_editor_new (self->engine);

  gtk_widget_set_size_request (GTK_WIDGET (self->list), 220, -1);
  /* Its labels expand within it; it does not. */
  gtk_widget_set_hexpand (GTK_WIDGET (self->list), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "segment-list-pane");
  gtk_widget_set_hexpand (GTK_WIDGET (self->editor), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (box), separator);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->editor));
  adw_bin_set_child (ADW_BIN (self), box);

  g_signal_connect_swapped (self->list, "segment-activated",
                            G_CALLBACK (on_segment_activated_cb), self);
  g_signal_connect_swapped (self->list, "segment-renamed",
                            G_CALLBACK (on_segment_renamed_cb), self);
  g_signal_connect_swapped (self->list, "changed", G_CALLBACK (on_segments_changed_cb), self);
  g_signal_connect_swapped (self->editor, "saved", G_CALLBACK (on_saved_cb), self);
}

AudSegmentsPage *
aud_segments_page_new (void)
{
  return g_object_new (AUD_TYPE_SEGMENTS_PAGE, NULL);
}

void
aud_segments_page_set_workspace (AudSegmentsPage *self,
                                 const char      *path)
{
  g_return_if_fail (AUD_IS_SEGMENTS_PAGE (self));

  /* The same workspace again: opened anew after an import. */
  if (path != NULL && g_strcmp0 (path, self->path) == 0)
    {
      aud_segments_page_reload (self);
      return;
    }

  g_free (self->path);
  self->path = g_strdup (path);
  aud_segment_list_set_workspace (self->list, path);
  aud_segment_editor_set_workspace (self->editor, path);
}

void
aud_segments_page_reload (AudSegmentsPage *self)
{
  g_return_if_fail (AUD_IS_SEGMENTS_PAGE (self));

  /* An import changed the data: every count is new. */
  aud_segment_list_reload (self->list);
  aud_segment_editor_reload (self->editor);
}

AudSegmentList *
aud_segments_page_get_list (AudSegmentsPage *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENTS_PAGE (self), NULL);

  return self->list;
}

AudSegmentEditor *
aud_segments_page_get_editor (AudSegmentsPage *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENTS_PAGE (self), NULL);

  return self->editor;
}
