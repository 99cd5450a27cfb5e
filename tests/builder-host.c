/* builder-host.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A window with the list of saved segments and the segment builder over a
 * workspace, for the AT-SPI test of the builder (test-atspi-builder.py):
 *
 *   builder-host WORKSPACE [SEGMENT-NAME]
 *
 * edits a new, unsaved segment named SEGMENT-NAME (default "Untitled
 * Segment") that matches everyone.
 */

#include "config.h"

#include <adwaita.h>

#include "aud-segment-editor.h"
#include "aud-segment-list.h"

static char *workspace;
static char *segment_name;

static void
on_segment_activated_cb (AudSegmentList   *list,
                         const char       *name,
                         AudSegmentEditor *editor)
{
  aud_segment_editor_open_saved (editor, name);
}

static void
on_saved_cb (AudSegmentEditor *editor,
             const char       *name,
             AudSegmentList   *list)
{
  aud_segment_list_reload (list);
}

static void
activate_cb (GtkApplication *app)
{
  g_autoptr(AudEngine) engine = aud_engine_new ();
  g_autoptr(AudSegment) segment = g_new0 (AudSegment, 1);
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  AudSegmentList *list = aud_segment_list_new (engine);
  AudSegmentEditor *editor = aud_segment_editor_new (engine);

  gtk_window_set_title (GTK_WINDOW (window), "Segment Builder");
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_size_request (GTK_WIDGET (list), 240, -1);
  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (list));
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (editor));
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (box), paned);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  g_signal_connect (list, "segment-activated", G_CALLBACK (on_segment_activated_cb), editor);
  g_signal_connect (editor, "saved", G_CALLBACK (on_saved_cb), list);

  aud_segment_list_set_workspace (list, workspace);
  aud_segment_editor_set_workspace (editor, workspace);

  segment->name = g_strdup (segment_name);
  segment->root = aud_segment_node_new_group (AUD_NODE_ALL);
  aud_segment_editor_load (editor, segment, NULL);

  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  char *args[] = { argv[0], NULL };

  if (argc < 2)
    {
      g_printerr ("Usage: %s WORKSPACE [SEGMENT-NAME]\n", argv[0]);
      return 2;
    }

  workspace = argv[1];
  segment_name = argc > 2 ? argv[2] : "Untitled Segment";

  app = adw_application_new ("io.github.audiences.BuilderHost", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), 1, args);
}
