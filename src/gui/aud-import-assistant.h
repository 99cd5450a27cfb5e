/* aud-import-assistant.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-importer.h"

G_BEGIN_DECLS

/*
 * The import assistant: a file into a workspace in four steps, in a window
 * of its own, modal to the main window until the import runs.
 *
 * 1. "preview": the first rows as read, with the encoding, delimiter, quote
 *    and header, which can be changed (the preview is read again at once).
 * 2. "mapping": customers or events; per column its type, role and whether
 *    to import it, with sample values and a warning when values do not fit
 *    the type; the id, event-name and time columns. Import is enabled once
 *    aud_import_mapping_check() accepts the mapping.
 * 3. "progress": rows per second, time left, Cancel (nothing is changed).
 * 4. "summary": what was imported, notes, and the rejected rows.
 *
 * Actions: import.back, import.next, import.start, import.cancel,
 * import.view-rejects. The `imported` signal tells the window to reload.
 */

#define AUD_TYPE_IMPORT_ASSISTANT (aud_import_assistant_get_type ())

G_DECLARE_FINAL_TYPE (AudImportAssistant, aud_import_assistant, AUD, IMPORT_ASSISTANT, AdwWindow)

AudImportAssistant     *aud_import_assistant_new         (GtkWindow          *parent,
                                                          const char         *workspace_path,
                                                          GFile              *file);
/* "preview", "mapping", "progress" or "summary" */
const char             *aud_import_assistant_get_step    (AudImportAssistant *self);
/* Whether a preview is being read or an import runs. */
gboolean                aud_import_assistant_get_busy    (AudImportAssistant *self);
void                    aud_import_assistant_set_kind    (AudImportAssistant *self,
                                                          AudImportKind       kind);
/* Returns: (transfer none) (nullable): the mapping being edited */
const AudImportMapping *aud_import_assistant_get_mapping (AudImportAssistant *self);
/* Returns: (transfer none) (nullable): the finished import */
const AudImportSummary *aud_import_assistant_get_summary (AudImportAssistant *self);

G_END_DECLS
