/* aud-funnel-view.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * How the layers of a segment narrow the audience: one line per top-level
 * layer, in order, with a bar of all customers on which the darker part is
 * how many remain after the layer and the lighter part how many the layer
 * matches on its own, and both numbers.
 */

#define AUD_TYPE_FUNNEL_VIEW (aud_funnel_view_get_type ())

G_DECLARE_FINAL_TYPE (AudFunnelView, aud_funnel_view, AUD, FUNNEL_VIEW, AdwBin)

AudFunnelView *aud_funnel_view_new       (void);
/* @steps: (element-type AudFunnelStep) (nullable): the engine's funnel;
 * @labels: (element-type utf8) (nullable): a label per step, else the
 * steps' own; @total: all customers */
void           aud_funnel_view_set_steps (AudFunnelView *self,
                                          GPtrArray     *steps,
                                          GPtrArray     *labels,
                                          gint64         total);
guint          aud_funnel_view_get_n_steps (AudFunnelView *self);

G_END_DECLS
