/* aud-format.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers and times as the window shows them, in the user's locale. */

char *aud_format_count         (gint64 n);
char *aud_format_count_compact (gint64 n);
char *aud_format_counts        (gint64 n_customers,
                                gint64 n_events);
char *aud_format_timestamp     (gint64 utc_seconds);

G_END_DECLS
