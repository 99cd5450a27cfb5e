/* aud-segment-list.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-engine.h"

G_BEGIN_DECLS

/*
 * The saved segments of a workspace, for the window's sidebar: each with
 * its colour and its current count (counted in a worker, one after the
 * other), and the means to make a new one, rename, duplicate, recolour,
 * delete (with an Undo toast), open a segment JSON file and save one as a
 * file.
 *
 * How the window embeds it, on the main thread:
 *
 *   list = aud_segment_list_new (engine);        the window's engine
 *   aud_segment_list_set_workspace (list, path); when a workspace opens
 *   g_signal_connect (list, "segment-activated", …, editor);
 *                                                → aud_segment_editor_open_saved()
 *   g_signal_connect (editor, "saved", …, list);  → aud_segment_list_reload()
 *
 * ::segment-renamed and ::segment-deleted say what became of a segment
 * that may be open elsewhere. Toasts go to the nearest AdwToastOverlay
 * above the list (the list has its own when there is none).
 *
 * Actions: segments.new, segments.open-file, segments.save-file (s),
 * segments.rename (s), segments.duplicate (s), segments.delete (s),
 * segments.color (s: "NAME\n#rrggbb"), segments.undo-delete.
 */

#define AUD_TYPE_SEGMENT_LIST (aud_segment_list_get_type ())

G_DECLARE_FINAL_TYPE (AudSegmentList, aud_segment_list, AUD, SEGMENT_LIST, AdwBin)

AudSegmentList *aud_segment_list_new           (AudEngine      *engine);
void            aud_segment_list_set_workspace (AudSegmentList *self,
                                                const char     *path);
/* Reads the segments and their counts again (after a save, an import). */
void            aud_segment_list_reload        (AudSegmentList *self);
/* Selects @name once it is listed. */
void            aud_segment_list_select        (AudSegmentList *self,
                                                const char     *name);
/* (transfer none) (nullable) */
const char     *aud_segment_list_get_selected  (AudSegmentList *self);
/* What the dialogs do with what was typed or chosen, in a worker. */
void            aud_segment_list_rename        (AudSegmentList *self,
                                                const char     *name,
                                                const char     *new_name);
void            aud_segment_list_open_file     (AudSegmentList *self,
                                                const char     *path);
void            aud_segment_list_save_file     (AudSegmentList *self,
                                                const char     *name,
                                                const char     *path);
/* Whether a reading or a change is under way (for tests). */
gboolean        aud_segment_list_get_busy      (AudSegmentList *self);
/* The listed names, in order. (transfer container) (element-type utf8) */
GPtrArray      *aud_segment_list_dup_names     (AudSegmentList *self);
/* The count shown for @name, or -1. */
gint64          aud_segment_list_get_count     (AudSegmentList *self,
                                                const char     *name);

G_END_DECLS
