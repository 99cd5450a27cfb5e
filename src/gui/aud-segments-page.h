/* aud-segments-page.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-segment-editor.h"
#include "aud-segment-list.h"

G_BEGIN_DECLS

/*
 * The window's Segments page: the list of saved segments (AudSegmentList)
 * beside the builder of the one chosen (AudSegmentEditor), wired together
 * and sharing one engine, so that the counts of the list and of the
 * builder come from one cache.
 *
 * How the window embeds it: a stack page
 *
 *   <object class="AudSegmentsPage" id="segments_page"/>
 *
 * with g_type_ensure (AUD_TYPE_SEGMENTS_PAGE), and on the main thread
 * aud_segments_page_set_workspace (page, path) when a workspace opens (NULL
 * when it closes), aud_segments_page_reload (page) after an import.
 *
 * Action: segments-page.new (a new segment, opened in the builder).
 */

#define AUD_TYPE_SEGMENTS_PAGE (aud_segments_page_get_type ())

G_DECLARE_FINAL_TYPE (AudSegmentsPage, aud_segments_page, AUD, SEGMENTS_PAGE, AdwBin)

AudSegmentsPage  *aud_segments_page_new           (void);
void              aud_segments_page_set_workspace (AudSegmentsPage *self,
                                                   const char      *path);
void              aud_segments_page_reload        (AudSegmentsPage *self);
AudSegmentList   *aud_segments_page_get_list      (AudSegmentsPage *self);
AudSegmentEditor *aud_segments_page_get_editor    (AudSegmentsPage *self);

G_END_DECLS
