/* aud-segment-editor.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-engine.h"
#include "aud-segment-doc.h"

G_BEGIN_DECLS

/*
 * The segment builder page: the definition as cards of criteria that read
 * as sentences (AudGroupCard, AudCriterionRow), and beside it the live
 * preview: the exact count and share of all customers, the funnel of the
 * top-level layers, a random sample of members, and why any customer is in
 * or out. A read-only JSON view of the definition is one click away.
 *
 * Every edit is counted again after a short pause (200 ms), in a worker,
 * the previous count cancelled; the old number stays, dimmed and with a
 * spinner, until the new one arrives. Undo and redo: Ctrl+Z and
 * Shift+Ctrl+Z; save: Ctrl+S.
 *
 * How the window embeds it, on the main thread:
 *
 *   editor = aud_segment_editor_new (engine);       one engine for the window
 *   aud_segment_editor_set_workspace (editor, path); when a workspace opens
 *   aud_segment_editor_open_saved (editor, name);    when a saved segment is
 *                                                    chosen (AudSegmentList)
 *
 * and listens to ::saved to refresh the list of segments.
 *
 * Actions: editor.undo, editor.redo, editor.save, editor.refresh-sample,
 * editor.explain.
 */

#define AUD_TYPE_SEGMENT_EDITOR (aud_segment_editor_get_type ())

G_DECLARE_FINAL_TYPE (AudSegmentEditor, aud_segment_editor, AUD, SEGMENT_EDITOR, AdwBin)

AudSegmentEditor *aud_segment_editor_new           (AudEngine         *engine);
AudEngine        *aud_segment_editor_get_engine    (AudSegmentEditor  *self);
AudSegmentDoc    *aud_segment_editor_get_doc       (AudSegmentEditor  *self);

/* (nullable): NULL shows nothing */
void              aud_segment_editor_set_workspace (AudSegmentEditor  *self,
                                                    const char        *path);
const char       *aud_segment_editor_get_workspace (AudSegmentEditor  *self);
/* Reads the workspace again (after an import, or when saved segments
 * changed), keeping the definition. */
void              aud_segment_editor_reload        (AudSegmentEditor  *self);

/* Edits the saved segment @name (read in a worker). */
void              aud_segment_editor_open_saved    (AudSegmentEditor  *self,
                                                    const char        *name);
/* Edits @segment; @saved_name: (nullable): the saved segment it is, which
 * Save replaces (NULL: Save saves it under its own name). */
void              aud_segment_editor_load          (AudSegmentEditor  *self,
                                                    const AudSegment  *segment,
                                                    const char        *saved_name);
/* (nullable): the saved segment being edited */
const char       *aud_segment_editor_get_saved_name (AudSegmentEditor *self);

/* The last count shown (-1 before the first), and whether a newer one is
 * being worked out. */
gint64            aud_segment_editor_get_count     (AudSegmentEditor  *self);
gboolean          aud_segment_editor_get_updating  (AudSegmentEditor  *self);

/* Loads the style of the builder and the segment list (once per process,
 * after GTK is initialised). */
void              aud_segment_editor_ensure_style  (void);

G_END_DECLS
