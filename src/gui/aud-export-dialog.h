/* aud-export-dialog.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-engine.h"
#include "aud-exporter.h"

G_BEGIN_DECLS

/*
 * The Export dialog for one segment: format, preset, columns, consent,
 * suppression list and "only the changes since the last export". Before
 * anything is written it shows how many customers the file will hold and
 * how many are left out and why (aud_exporter_plan() in a worker, again
 * after every change of the options); then it asks for the file
 * (GtkFileChooserNative), exports in a worker with progress and a way to
 * stop, and reports failures in an AdwMessageDialog.
 *
 * Use, from the segment list or the builder:
 *
 *   dialog = aud_export_dialog_new (window, workspace_path, "Newsletter", NULL);
 *   g_signal_connect (dialog, "exported", G_CALLBACK (on_exported_cb), window);
 *   gtk_window_present (GTK_WINDOW (dialog));
 *
 *   static void
 *   on_exported_cb (AudExportDialog *dialog, const AudExportSummary *summary,
 *                   AudWindow *window)
 *   {
 *     adw_toast_overlay_add_toast (toast_overlay, aud_export_toast_new (summary));
 *   }
 *
 * The dialog closes itself after `exported`.
 */

#define AUD_TYPE_EXPORT_DIALOG (aud_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AudExportDialog, aud_export_dialog, AUD, EXPORT_DIALOG, AdwWindow)

/* Exports the members of @definition (a segment being edited), or when it
 * is NULL of the saved segment @segment_name. @segment_name (may be NULL
 * for an unsaved definition) names the export in the workspace's export
 * log, which "changes since the last export" needs. */
AudExportDialog        *aud_export_dialog_new        (GtkWindow              *parent,
                                                      const char             *workspace_path,
                                                      const char             *segment_name,
                                                      const AudSegment       *definition);
/* Optional: count with @engine (its cache is shared). */
void                    aud_export_dialog_set_engine (AudExportDialog        *self,
                                                      AudEngine              *engine);
/* Exports to @file without asking for one (tests; a file dropped on the
 * dialog). */
void                    aud_export_dialog_export_to  (AudExportDialog        *self,
                                                      GFile                  *file);
/* Whether a count or an export is running. */
gboolean                aud_export_dialog_get_busy   (AudExportDialog        *self);
/* The latest dry run, NULL before the first or after a failure.
 * (transfer none) */
const AudExportSummary *aud_export_dialog_get_plan   (AudExportDialog        *self);

/* A toast for the end of an export, "Exported 1,204 customers to
 * list.csv", with an "Open Folder" button that shows the file in its
 * folder. (transfer floating) */
AdwToast               *aud_export_toast_new         (const AudExportSummary *summary);

G_END_DECLS
