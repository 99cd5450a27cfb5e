/* aud-rejects-view.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * The rows an import rejected: a window with a table of line, reason and
 * raw text, read from the workspace's reject table in a worker, and
 * "Save as CSV…" to write them to a file (columns line, reason, raw).
 */

#define AUD_TYPE_REJECTS_VIEW (aud_rejects_view_get_type ())

G_DECLARE_FINAL_TYPE (AudRejectsView, aud_rejects_view, AUD, REJECTS_VIEW, AdwWindow)

AudRejectsView      *aud_rejects_view_new         (GtkWindow     *parent,
                                                   const char    *workspace_path,
                                                   gint64         import_id);
/* Returns: (transfer none): the rows, each a GtkStringList of line, reason
 * and raw text; empty until loaded */
GListModel          *aud_rejects_view_get_model   (AudRejectsView *self);
gboolean             aud_rejects_view_get_loading (AudRejectsView *self);
/* Writes the rows to @file as CSV (blocking; the Save button uses it). */
gboolean             aud_rejects_view_save        (AudRejectsView *self,
                                                   GFile          *file,
                                                   GError        **error);

/* A column showing string @index of rows that are GtkStringLists (the
 * rejects table and the import preview). */
GtkColumnViewColumn *aud_text_column_new          (const char     *title,
                                                   guint           index);

G_END_DECLS
