/* aud-timeline-chart.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aud-workspace-summary.h"

G_BEGIN_DECLS

/*
 * A small bar chart of events per period (month or week) in the accent
 * colour, with the first and last period named below it. Hovering a bar
 * tells its period and count; the accessible description lists them all.
 */

#define AUD_TYPE_TIMELINE_CHART (aud_timeline_chart_get_type ())

G_DECLARE_FINAL_TYPE (AudTimelineChart, aud_timeline_chart, AUD, TIMELINE_CHART, GtkWidget)

GtkWidget *aud_timeline_chart_new         (void);
/* @buckets: (element-type AudTimelineBucket) (nullable): copied */
void       aud_timeline_chart_set_buckets (AudTimelineChart *self,
                                           GArray           *buckets,
                                           gboolean          weekly);
/* Returns: (transfer none) (element-type AudTimelineBucket): the shown periods */
GArray    *aud_timeline_chart_get_buckets (AudTimelineChart *self);
gboolean   aud_timeline_chart_get_weekly  (AudTimelineChart *self);

G_END_DECLS
