/* aud-engine-private.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aud-engine.h"

G_BEGIN_DECLS

/* Tuning and counters for tests and benchmarks. */

/* Event queries that read property columns run as a full scan of the
 * events table when they would read more than 1/32 of its rows, and the
 * table has at least 32 × @rows rows (default 50,000: small tables always
 * use the index). 0 makes every such query a candidate. Call it before
 * the engine is used by other threads. */
void    _aud_engine_set_scan_minimum (AudEngine *self,
                                      gint64     rows);
/* Criteria on a customer field whose column has at most @n distinct values
 * (default 65,536; and at most one per four customers) are evaluated over
 * those values; 0 never does. Call it
 * before the engine is used by other threads. */
void    _aud_engine_set_dict_max_values (AudEngine *self,
                                         guint      n);
/* How many SQL queries over events ran (cache misses of the per-customer
 * figures), and how many of them as full scans. */
guint   _aud_engine_get_event_queries (AudEngine *self,
                                       guint     *n_scans);
/* How many passes over the customers read field values (value lists not
 * in the cache nor saved in the workspace). */
guint   _aud_engine_get_customer_reads (AudEngine *self);

G_END_DECLS
