/* aud-venn-view.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aud-engine.h"
#include "aud-venn.h"

G_BEGIN_DECLS

/*
 * An area-proportional Venn diagram of 2 or 3 segments (aud-venn.h),
 * drawn with cairo in the segments' colours: every region labelled with
 * its count, each set with its name. A region is picked with the pointer
 * or, once the diagram has the focus, with the arrow keys; clicking it or
 * pressing Enter emits `region-activated` with the region's mask (bit i =
 * segment i, as in AudOverlap).
 *
 * For screen readers the diagram is an image whose description lists every
 * region and its count; the compare page also shows the same list as rows.
 */

#define AUD_TYPE_VENN_VIEW (aud_venn_view_get_type ())

G_DECLARE_FINAL_TYPE (AudVennView, aud_venn_view, AUD, VENN_VIEW, GtkWidget)

GtkWidget  *aud_venn_view_new                 (void);

/* Shows @overlap (2 or 3 segments, with regions) of the segments @names
 * in @colors (n of each); NULL clears the diagram. Everything is copied. */
void        aud_venn_view_set_overlap         (AudVennView         *self,
                                               const AudOverlap    *overlap,
                                               const char * const  *names,
                                               const GdkRGBA       *colors);
guint       aud_venn_view_get_n_sets          (AudVennView         *self);
/* The customers in exactly the segments of @mask; 0 without data. */
gint64      aud_venn_view_get_region_count    (AudVennView         *self,
                                               guint                mask);
/* "Only A", "A and B", "A and B, not C", "A, B and C". (transfer full) */
char       *aud_venn_view_dup_region_name     (AudVennView         *self,
                                               guint                mask);
/* Where the region's label is drawn, in widget coordinates; FALSE when
 * nothing is drawn (no data, no room yet). */
gboolean    aud_venn_view_get_region_point    (AudVennView         *self,
                                               guint                mask,
                                               graphene_point_t    *point);
guint       aud_venn_view_get_selected_region (AudVennView         *self);
void        aud_venn_view_set_selected_region (AudVennView         *self,
                                               guint                mask);

/* The name of region @mask of the sets @names (n of them), as above.
 * (transfer full) */
char       *aud_venn_region_name              (guint                n,
                                               const char * const  *names,
                                               guint                mask);

G_END_DECLS
