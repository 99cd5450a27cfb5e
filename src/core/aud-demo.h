/* aud-demo.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aud-importer.h"

G_BEGIN_DECLS

/*
 * Deterministic, realistic demo data: a customers file and an events file
 * (CSV, UTF-8, comma, one header row, LF line ends), written in one pass
 * with memory that does not grow with the row counts.
 *
 * The output is a pure function of the options: the same options give the
 * same bytes on every machine (integer arithmetic and a seeded xoshiro256**
 * generator; no locale, no time zone, no libm).
 *
 * customers.csv columns, in order:
 *   customer_id, email, first_name, last_name, phone, birth_date, gender,
 *   country, city, latitude, longitude, signup_date, plan,
 *   preferred_channel, last_device, lifetime_value, email_opt_in,
 *   sms_opt_in, ads_opt_in, loyalty_points
 * events.csv columns, in order:
 *   customer_id, event, timestamp, category, amount, feature, device,
 *   campaign
 *
 * Customer ids are "C" and the 1-based row number, zero-padded to at least
 * six digits ("C000001"). About one event in a thousand names a customer id
 * past the last customer, to exercise unknown-customer reporting. Events are
 * not sorted by time.
 */

#define AUD_DEMO_ERROR (aud_demo_error_quark ())

typedef enum
{
  AUD_DEMO_ERROR_INVALID,
} AudDemoError;

/* Limits of AudDemoOptions. */
#define AUD_DEMO_MAX_CUSTOMERS G_GUINT64_CONSTANT (1000000000)
#define AUD_DEMO_MAX_EVENTS    G_GUINT64_CONSTANT (100000000000)

/**
 * AudDemoOptions:
 * @n_customers: rows of customers.csv (without the header)
 * @n_events: rows of events.csv (without the header)
 * @seed: any value; equal seeds give equal output
 * @now: the reference time, UTC seconds: signups lie in the four years and
 *   events in the two years before it, none after it
 */
typedef struct
{
  guint64 n_customers;
  guint64 n_events;
  guint64 seed;
  gint64  now;
} AudDemoOptions;

/**
 * AudDemoProgressFunc:
 * @n_done: rows written so far, customers and events together
 * @n_total: n_customers + n_events
 * @user_data: the data given with the function
 *
 * Called on the writing thread, every few tens of thousands of rows and
 * once at the end.
 */
typedef void (*AudDemoProgressFunc) (guint64  n_done,
                                     guint64  n_total,
                                     gpointer user_data);

GQuark    aud_demo_error_quark   (void);

/* 1,000 customers, 20,000 events, seed 1, now 2025-01-01T00:00:00Z. */
void      aud_demo_options_init  (AudDemoOptions      *options);

gboolean  aud_demo_write_csv     (const AudDemoOptions *options,
                                  const char           *customers_path,
                                  const char           *events_path,
                                  GCancellable         *cancellable,
                                  AudDemoProgressFunc   progress,
                                  gpointer              progress_data,
                                  GError              **error);

/* Imports a file written by aud_demo_write_csv() into @store with the
 * columns it is known to have (customer_id; event, timestamp). Any thread. */
AudImportSummary *aud_demo_import_file (AudStore       *store,
                                        const char     *path,
                                        AudImportKind   kind,
                                        AudProgress    *progress,
                                        GCancellable   *cancellable,
                                        GError        **error);

G_END_DECLS
