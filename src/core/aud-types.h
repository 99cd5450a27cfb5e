/* aud-types.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AudFieldType:
 *
 * The type of a customer field or an event property, and how its values are
 * stored in the workspace (a NULL is always a blank):
 *
 * - %AUD_FIELD_TEXT, %AUD_FIELD_CATEGORY: TEXT, as imported (valid UTF-8).
 * - %AUD_FIELD_INTEGER: INTEGER.
 * - %AUD_FIELD_DECIMAL: INTEGER, the value times 10^scale (the field's scale
 *   is in the catalog), so comparisons and sums are exact.
 * - %AUD_FIELD_DATE: TEXT `YYYY-MM-DD`.
 * - %AUD_FIELD_DATETIME: INTEGER, UTC seconds since the epoch.
 * - %AUD_FIELD_BOOLEAN: INTEGER 0 or 1.
 */
typedef enum
{
  AUD_FIELD_TEXT,
  AUD_FIELD_CATEGORY,
  AUD_FIELD_INTEGER,
  AUD_FIELD_DECIMAL,
  AUD_FIELD_DATE,
  AUD_FIELD_DATETIME,
  AUD_FIELD_BOOLEAN,
} AudFieldType;

#define AUD_FIELD_TYPE_LAST AUD_FIELD_BOOLEAN

/**
 * AudFieldRole:
 *
 * What a field means to a marketer. Roles drive the segment kinds (birth date
 * for age, latitude/longitude for `near`), exports (email, phone, consent) and
 * the importer (customer id, event name and time).
 */
typedef enum
{
  AUD_ROLE_NONE,
  AUD_ROLE_CUSTOMER_ID,
  AUD_ROLE_EMAIL,
  AUD_ROLE_PHONE,
  AUD_ROLE_FIRST_NAME,
  AUD_ROLE_LAST_NAME,
  AUD_ROLE_FULL_NAME,
  AUD_ROLE_GENDER,
  AUD_ROLE_BIRTH_DATE,
  AUD_ROLE_COUNTRY,
  AUD_ROLE_CITY,
  AUD_ROLE_POSTAL_CODE,
  AUD_ROLE_LATITUDE,
  AUD_ROLE_LONGITUDE,
  AUD_ROLE_DEVICE,
  AUD_ROLE_CONSENT_EMAIL,
  AUD_ROLE_CONSENT_SMS,
  AUD_ROLE_CONSENT_ADS,
  AUD_ROLE_EVENT_NAME,
  AUD_ROLE_EVENT_TIME,
} AudFieldRole;

#define AUD_FIELD_ROLE_LAST AUD_ROLE_EVENT_TIME

/**
 * AudScope:
 * @AUD_SCOPE_CUSTOMER: a profile field (a column of `customers`)
 * @AUD_SCOPE_EVENT: an event property (a column of `events`)
 */
typedef enum
{
  AUD_SCOPE_CUSTOMER,
  AUD_SCOPE_EVENT,
} AudScope;

/* Stable lower-case names used in the catalog, the CLI and JSON:
 * "text", "category", "integer", "decimal", "date", "datetime", "boolean";
 * roles: "none", "customer_id", "email", "phone", "first_name", "last_name",
 * "full_name", "gender", "birth_date", "country", "city", "postal_code",
 * "latitude", "longitude", "device", "consent_email", "consent_sms",
 * "consent_ads", "event_name", "event_time". */
const char *aud_field_type_to_string   (AudFieldType  type);
gboolean    aud_field_type_from_string (const char   *str,
                                        AudFieldType *type);
const char *aud_field_type_get_label   (AudFieldType  type);
const char *aud_field_role_to_string   (AudFieldRole  role);
gboolean    aud_field_role_from_string (const char   *str,
                                        AudFieldRole *role);
const char *aud_field_role_get_label   (AudFieldRole  role);

G_END_DECLS
