/* aud-presets.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "aud-types.h"

G_BEGIN_DECLS

/*
 * Export presets: the column layouts and value rules of the files that email
 * tools and ad platforms import. docs/EXPORT-PRESETS.md documents each one;
 * keep the two in step. Static data: any thread.
 */

/**
 * AudConsent:
 * @AUD_CONSENT_NONE: no consent is checked
 * @AUD_CONSENT_EMAIL: the field with role consent_email must be true
 * @AUD_CONSENT_SMS: the field with role consent_sms must be true
 * @AUD_CONSENT_ADS: the field with role consent_ads must be true
 *
 * The consent an export needs from each customer.
 */
typedef enum
{
  AUD_CONSENT_NONE,
  AUD_CONSENT_EMAIL,
  AUD_CONSENT_SMS,
  AUD_CONSENT_ADS,
} AudConsent;

/**
 * AudTransform:
 * @AUD_TRANSFORM_NONE: the canonical value (ISO dates, `.` decimals,
 *   ISO 8601 UTC date-times, true/false)
 * @AUD_TRANSFORM_TRIM: the canonical value without surrounding white space
 * @AUD_TRANSFORM_LOWER: trimmed and lower-cased
 * @AUD_TRANSFORM_EMAIL: aud_normalize_email(), blank when not an address
 * @AUD_TRANSFORM_EMAIL_GMAIL: the same, with Google's Gmail dot rule
 * @AUD_TRANSFORM_PHONE_E164: `+49301234567`, blank when not normalisable
 * @AUD_TRANSFORM_PHONE_DIGITS: `49301234567` (E.164 without the `+`)
 * @AUD_TRANSFORM_NAME: lower case, trimmed, single spaces
 * @AUD_TRANSFORM_NAME_LETTERS: lower case letters only
 * @AUD_TRANSFORM_COUNTRY_UPPER: ISO 3166-1 alpha-2, upper case
 * @AUD_TRANSFORM_COUNTRY_LOWER: ISO 3166-1 alpha-2, lower case
 * @AUD_TRANSFORM_POSTAL_CODE: lower case without spaces; US: 5 digits
 * @AUD_TRANSFORM_DATE_COMPACT: a date as `YYYYMMDD`
 * @AUD_TRANSFORM_YEAR: the year of a date, `YYYY`
 * @AUD_TRANSFORM_GENDER: `m` or `f` (see aud_normalize_gender())
 *
 * How a preset column turns a stored value into the value in the file.
 */
typedef enum
{
  AUD_TRANSFORM_NONE,
  AUD_TRANSFORM_TRIM,
  AUD_TRANSFORM_LOWER,
  AUD_TRANSFORM_EMAIL,
  AUD_TRANSFORM_EMAIL_GMAIL,
  AUD_TRANSFORM_PHONE_E164,
  AUD_TRANSFORM_PHONE_DIGITS,
  AUD_TRANSFORM_NAME,
  AUD_TRANSFORM_NAME_LETTERS,
  AUD_TRANSFORM_COUNTRY_UPPER,
  AUD_TRANSFORM_COUNTRY_LOWER,
  AUD_TRANSFORM_POSTAL_CODE,
  AUD_TRANSFORM_DATE_COMPACT,
  AUD_TRANSFORM_YEAR,
  AUD_TRANSFORM_GENDER,
} AudTransform;

/**
 * AudPresetKey:
 * @AUD_PRESET_KEY_NONE: every member is written (no identifier needed, no
 *   merging)
 * @AUD_PRESET_KEY_EMAIL: members need a valid email address; members with
 *   the same normalised address are merged into the first
 * @AUD_PRESET_KEY_PHONE: the same with the E.164 phone number
 * @AUD_PRESET_KEY_EMAIL_OR_PHONE: members need an email address or a phone
 *   number; merged by email, or by phone when they have no email
 * @AUD_PRESET_KEY_CUSTOMER_ID: keyed on the customer id, which is unique:
 *   every member is written
 *
 * What a target identifies a contact by.
 */
typedef enum
{
  AUD_PRESET_KEY_NONE,
  AUD_PRESET_KEY_EMAIL,
  AUD_PRESET_KEY_PHONE,
  AUD_PRESET_KEY_EMAIL_OR_PHONE,
  AUD_PRESET_KEY_CUSTOMER_ID,
} AudPresetKey;

/**
 * AudPresetColumn:
 * @header: the column name in the file
 * @role: the field it is read from: the customer field with that role;
 *   %AUD_ROLE_CUSTOMER_ID for the customer id; %AUD_ROLE_NONE when no role
 *   matches (filled only when the export's columns name a field for it,
 *   `st=Region`)
 * @transform: how the value is written
 * @hashed: SHA-256 of the transformed value, lower-case hex
 *
 * A column of a preset. A column whose field is missing from the workspace
 * is left out of the file.
 */
typedef struct
{
  const char   *header;
  AudFieldRole  role;
  AudTransform  transform;
  gboolean      hashed;
} AudPresetColumn;

/**
 * AudPreset:
 * @name: the stable name used by the CLI and the export log ("meta")
 * @label: a translatable label (N_()): translate with g_dgettext()
 * @consent: the consent members need
 * @key: what the target identifies contacts by
 * @columns: (array length=n_columns): the columns; none for "generic",
 *   whose columns are the export's own choice
 * @n_columns: how many
 */
typedef struct
{
  const char            *name;
  const char            *label;
  AudConsent             consent;
  AudPresetKey           key;
  const AudPresetColumn *columns;
  guint                  n_columns;
} AudPreset;

/* The preset called @name (ASCII case-insensitive), or NULL. */
const AudPreset *aud_preset_lookup          (const char   *name);

/* All presets, "generic" first. (array length=n_presets) (transfer none) */
const AudPreset *aud_preset_list            (guint        *n_presets);

/* "none", "email", "sms", "ads" */
const char      *aud_consent_to_string      (AudConsent    consent);

/* The role of the customer field that holds @consent (consent_email...). */
AudFieldRole     aud_consent_get_role       (AudConsent    consent);

G_END_DECLS
