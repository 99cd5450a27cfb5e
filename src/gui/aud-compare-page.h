/* aud-compare-page.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-engine.h"

G_BEGIN_DECLS

/*
 * The Compare page: pick saved segments in the list on the left; see
 * - Overlap: for two or three, an area-proportional Venn diagram
 *   (AudVennView) and its regions as a list; any region, or the union, can
 *   be saved as a new segment of membership criteria;
 * - Matrix: for two or more, the pairwise overlaps as a heat map
 *   (AudOverlapMatrix);
 * - Breakdown: one segment's members by any customer field against all
 *   customers, with the lift (AudBreakdownView).
 *
 * How the window embeds it: one page of the content stack, e.g. in the .ui
 *
 *   <object class="AudComparePage" id="compare_page"/>
 *
 * with g_type_ensure (AUD_TYPE_COMPARE_PAGE) in class_init. Then, on the
 * main thread:
 *
 *   aud_compare_page_set_workspace (page, path);  when a workspace opens
 *                                                 (NULL when it closes; the
 *                                                 same path reads it again)
 *   aud_compare_page_reload (page);               after an import or a
 *                                                 change of saved segments
 *   aud_compare_page_set_engine (page, engine);   optional: share the
 *                                                 window's leaf cache
 *
 * It emits `segment-saved` (the name) after saving a region as a segment,
 * so the window can refresh its segment list, and shows its toasts in the
 * nearest AdwToastOverlay above it. Every query runs in a worker on a
 * connection of its own.
 */

#define AUD_TYPE_COMPARE_PAGE (aud_compare_page_get_type ())

G_DECLARE_FINAL_TYPE (AudComparePage, aud_compare_page, AUD, COMPARE_PAGE, AdwBin)

AudComparePage *aud_compare_page_new            (void);
void            aud_compare_page_set_workspace  (AudComparePage     *self,
                                                 const char         *path);
const char     *aud_compare_page_get_workspace  (AudComparePage     *self);
void            aud_compare_page_reload         (AudComparePage     *self);
void            aud_compare_page_set_engine     (AudComparePage     *self,
                                                 AudEngine          *engine);
/* Picks the saved segments @names (NULL-terminated), in that order. */
void            aud_compare_page_set_selection  (AudComparePage     *self,
                                                 const char * const *names);
/* Whether a query is running. */
gboolean        aud_compare_page_get_busy       (AudComparePage     *self);
/* The overlap shown (NULL while there is none). (transfer none) */
const AudOverlap *aud_compare_page_get_overlap  (AudComparePage     *self);

G_END_DECLS
