/* aud-breakdown-view.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-engine.h"

G_BEGIN_DECLS

/*
 * A segment's breakdown by one field (aud_engine_breakdown()): a row per
 * value with two bars, the value's share among the members (in the
 * segment's colour) and among all customers, both percentages and the
 * lift. Each row's bars have an accessible name with the same figures.
 */

#define AUD_TYPE_BREAKDOWN_VIEW (aud_breakdown_view_get_type ())

G_DECLARE_FINAL_TYPE (AudBreakdownView, aud_breakdown_view, AUD, BREAKDOWN_VIEW, AdwBin)

GtkWidget *aud_breakdown_view_new            (void);
/* Shows @breakdown of the segment @name drawn in @color; NULL clears.
 * Nothing is kept of the arguments. */
void       aud_breakdown_view_set_breakdown  (AudBreakdownView   *self,
                                              const AudBreakdown *breakdown,
                                              const char         *name,
                                              const GdkRGBA      *color);
/* The number of value rows shown (tests). */
guint      aud_breakdown_view_get_n_rows     (AudBreakdownView   *self);

G_END_DECLS
