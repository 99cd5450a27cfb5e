/* aud-workspace-summary.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aud-store.h"

G_BEGIN_DECLS

/*
 * What a workspace holds, read in one go for the overview: counts, the
 * field catalog, event names with their counts and the latest imports.
 * A plain snapshot: it keeps no connection open.
 */

typedef struct
{
  char   *name;
  gint64  count;
} AudEventCount;

typedef struct
{
  char   *file;
  char   *kind;                  /* "customers" or "events" */
  gint64  started;               /* UTC seconds */
  gint64  rows_read;
  gint64  rows_inserted;
  gint64  rows_updated;
  gint64  rows_rejected;
  gint64  rows_unknown_customer;
} AudImportRecord;

/* One bar of the events-over-time chart: a calendar month, or a week
 * (from Monday) when the events span less than about six months. */
typedef struct
{
  gint64 start;                  /* UTC seconds, first second of the period */
  gint64 count;
} AudTimelineBucket;

typedef struct
{
  char      *path;
  char      *title;              /* meta "name", else the file name */
  gint64     n_customers;
  gint64     n_events;
  GPtrArray *fields;             /* (element-type AudField), customer scope */
  GPtrArray *properties;         /* (element-type AudField), event scope */
  GPtrArray *event_counts;       /* (element-type AudEventCount), largest first */
  GPtrArray *imports;            /* (element-type AudImportRecord), newest first */
  GArray    *timeline;           /* (element-type AudTimelineBucket), oldest first,
                                  * every period from the first event to the last */
  gboolean   timeline_weekly;    /* periods are weeks, else months */
} AudWorkspaceSummary;

/* The number of imports a summary lists at most. */
#define AUD_WORKSPACE_SUMMARY_MAX_IMPORTS 10

void                 aud_workspace_summary_free        (AudWorkspaceSummary  *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudWorkspaceSummary, aud_workspace_summary_free)

char                *aud_workspace_title_from_path     (const char           *path);

gboolean             aud_workspace_summary_is_empty    (const AudWorkspaceSummary *summary);

AudWorkspaceSummary *aud_workspace_summary_load        (const char           *path,
                                                        AudStoreOpenFlags     flags,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

G_END_DECLS
