/* aud-suggest.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aud-store.h"

G_BEGIN_DECLS

/*
 * What the segment builder offers while a criterion is edited: the values a
 * field or property has in the workspace with how often each occurs (for
 * completion and value lists), and the places (cities with their average
 * coordinates) for "near".
 *
 * Threading: the synchronous functions run on the thread that uses @store;
 * the _async variants run in a worker on a read-only connection of their
 * own, opened from the workspace path, and honour the cancellable.
 */

/**
 * AudValueCount:
 * @value: a value as the segment format writes it ("DE", "19.99",
 *   "2024-03-05")
 * @count: customers (a field) or events (a property) with that value
 */
typedef struct
{
  char   *value;
  gint64  count;
} AudValueCount;

/**
 * AudPlace:
 * @name: the city as stored
 * @country: (nullable): its country, when the workspace has a country field
 * @lat: average latitude of the customers in it
 * @lon: average longitude
 * @count: customers with coordinates in it
 */
typedef struct
{
  char   *name;
  char   *country;
  double  lat;
  double  lon;
  gint64  count;
} AudPlace;

/* The values of the customer field (@scope customer) or event property
 * (@scope event, optionally only on events named @event) @name, most
 * common first, at most @limit, keeping those that contain @search (ASCII
 * case-insensitively; NULL: all). Text, category, integer, decimal and
 * date fields; other types have no list (an empty array). Fails with
 * AUD_STORE_ERROR_NOT_FOUND for an unknown field. Returns: (transfer full)
 * (element-type AudValueCount) */
GPtrArray *aud_suggest_values         (AudStore           *store,
                                       AudScope            scope,
                                       const char         *name,
                                       const char         *event,
                                       const char         *search,
                                       guint               limit,
                                       GCancellable       *cancellable,
                                       GError            **error);
void       aud_suggest_values_async   (const char         *store_path,
                                       AudScope            scope,
                                       const char         *name,
                                       const char         *event,
                                       const char         *search,
                                       guint               limit,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
GPtrArray *aud_suggest_values_finish  (GAsyncResult       *result,
                                       GError            **error);

/* The cities of customers with coordinates (the fields with the city,
 * latitude and longitude roles), most customers first, at most @limit. An
 * empty array when the workspace lacks one of the three fields. Returns:
 * (transfer full) (element-type AudPlace) */
GPtrArray *aud_suggest_places         (AudStore           *store,
                                       guint               limit,
                                       GCancellable       *cancellable,
                                       GError            **error);
void       aud_suggest_places_async   (const char         *store_path,
                                       guint               limit,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
GPtrArray *aud_suggest_places_finish  (GAsyncResult       *result,
                                       GError            **error);

/* (transfer none) (nullable): the place of @places nearest to @lat, @lon if
 * it is within @max_km, else NULL. */
const AudPlace *aud_suggest_nearest_place (GPtrArray      *places,
                                           double          lat,
                                           double          lon,
                                           double          max_km);

void       aud_value_count_free       (AudValueCount      *value_count);
void       aud_place_free             (AudPlace           *place);

G_END_DECLS
