/* aud-presets.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-presets"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "aud-presets.h"

/* Each table below is documented, column by column, in
 * docs/EXPORT-PRESETS.md. */

static const AudPresetColumn mailchimp_columns[] = {
  { "Email Address", AUD_ROLE_EMAIL, AUD_TRANSFORM_EMAIL, FALSE },
  { "First Name", AUD_ROLE_FIRST_NAME, AUD_TRANSFORM_TRIM, FALSE },
  { "Last Name", AUD_ROLE_LAST_NAME, AUD_TRANSFORM_TRIM, FALSE },
  { "Phone Number", AUD_ROLE_PHONE, AUD_TRANSFORM_PHONE_E164, FALSE },
};

static const AudPresetColumn klaviyo_columns[] = {
  { "Email", AUD_ROLE_EMAIL, AUD_TRANSFORM_EMAIL, FALSE },
  { "First Name", AUD_ROLE_FIRST_NAME, AUD_TRANSFORM_TRIM, FALSE },
  { "Last Name", AUD_ROLE_LAST_NAME, AUD_TRANSFORM_TRIM, FALSE },
  { "Phone Number", AUD_ROLE_PHONE, AUD_TRANSFORM_PHONE_E164, FALSE },
  { "External ID", AUD_ROLE_CUSTOMER_ID, AUD_TRANSFORM_NONE, FALSE },
};

static const AudPresetColumn braze_columns[] = {
  { "external_id", AUD_ROLE_CUSTOMER_ID, AUD_TRANSFORM_NONE, FALSE },
  { "email", AUD_ROLE_EMAIL, AUD_TRANSFORM_EMAIL, FALSE },
  { "first_name", AUD_ROLE_FIRST_NAME, AUD_TRANSFORM_TRIM, FALSE },
  { "last_name", AUD_ROLE_LAST_NAME, AUD_TRANSFORM_TRIM, FALSE },
  { "phone", AUD_ROLE_PHONE, AUD_TRANSFORM_PHONE_E164, FALSE },
  { "country", AUD_ROLE_COUNTRY, AUD_TRANSFORM_COUNTRY_UPPER, FALSE },
  { "home_city", AUD_ROLE_CITY, AUD_TRANSFORM_TRIM, FALSE },
  { "dob", AUD_ROLE_BIRTH_DATE, AUD_TRANSFORM_NONE, FALSE },
};

static const AudPresetColumn sms_columns[] = {
  { "phone", AUD_ROLE_PHONE, AUD_TRANSFORM_PHONE_E164, FALSE },
  { "external_id", AUD_ROLE_CUSTOMER_ID, AUD_TRANSFORM_NONE, FALSE },
  { "first_name", AUD_ROLE_FIRST_NAME, AUD_TRANSFORM_TRIM, FALSE },
  { "last_name", AUD_ROLE_LAST_NAME, AUD_TRANSFORM_TRIM, FALSE },
};

#define META_COLUMNS(hashed) \
  { "email", AUD_ROLE_EMAIL, AUD_TRANSFORM_EMAIL, hashed }, \
  { "phone", AUD_ROLE_PHONE, AUD_TRANSFORM_PHONE_DIGITS, hashed }, \
  { "fn", AUD_ROLE_FIRST_NAME, AUD_TRANSFORM_NAME_LETTERS, hashed }, \
  { "ln", AUD_ROLE_LAST_NAME, AUD_TRANSFORM_NAME_LETTERS, hashed }, \
  { "zip", AUD_ROLE_POSTAL_CODE, AUD_TRANSFORM_POSTAL_CODE, hashed }, \
  { "ct", AUD_ROLE_CITY, AUD_TRANSFORM_NAME_LETTERS, hashed }, \
  { "st", AUD_ROLE_NONE, AUD_TRANSFORM_NAME_LETTERS, hashed }, \
  { "country", AUD_ROLE_COUNTRY, AUD_TRANSFORM_COUNTRY_LOWER, hashed }, \
  { "dob", AUD_ROLE_BIRTH_DATE, AUD_TRANSFORM_DATE_COMPACT, hashed }, \
  { "doby", AUD_ROLE_BIRTH_DATE, AUD_TRANSFORM_YEAR, hashed }, \
  { "gen", AUD_ROLE_GENDER, AUD_TRANSFORM_GENDER, hashed }, \
  { "madid", AUD_ROLE_NONE, AUD_TRANSFORM_LOWER, FALSE }, \
  { "extern_id", AUD_ROLE_CUSTOMER_ID, AUD_TRANSFORM_NONE, FALSE }

static const AudPresetColumn meta_columns[] = { META_COLUMNS (TRUE) };
static const AudPresetColumn meta_plain_columns[] = { META_COLUMNS (FALSE) };

#define GOOGLE_COLUMNS(hashed) \
  { "Email", AUD_ROLE_EMAIL, AUD_TRANSFORM_EMAIL_GMAIL, hashed }, \
  { "Phone", AUD_ROLE_PHONE, AUD_TRANSFORM_PHONE_E164, hashed }, \
  { "First Name", AUD_ROLE_FIRST_NAME, AUD_TRANSFORM_NAME, hashed }, \
  { "Last Name", AUD_ROLE_LAST_NAME, AUD_TRANSFORM_NAME, hashed }, \
  { "Country", AUD_ROLE_COUNTRY, AUD_TRANSFORM_COUNTRY_UPPER, FALSE }, \
  { "Zip", AUD_ROLE_POSTAL_CODE, AUD_TRANSFORM_TRIM, FALSE }

static const AudPresetColumn google_columns[] = { GOOGLE_COLUMNS (TRUE) };
static const AudPresetColumn google_plain_columns[] = { GOOGLE_COLUMNS (FALSE) };

#define COLUMNS(array) array, G_N_ELEMENTS (array)

static const AudPreset presets[] = {
  { "generic", N_("Spreadsheet (CSV, JSON)"), AUD_CONSENT_NONE, AUD_PRESET_KEY_NONE, NULL, 0 },
  { "mailchimp", N_("Mailchimp audience import"), AUD_CONSENT_EMAIL, AUD_PRESET_KEY_EMAIL,
    COLUMNS (mailchimp_columns) },
  { "klaviyo", N_("Klaviyo list import"), AUD_CONSENT_EMAIL, AUD_PRESET_KEY_EMAIL,
    COLUMNS (klaviyo_columns) },
  { "braze", N_("Braze user import"), AUD_CONSENT_EMAIL, AUD_PRESET_KEY_CUSTOMER_ID,
    COLUMNS (braze_columns) },
  { "sms", N_("SMS list"), AUD_CONSENT_SMS, AUD_PRESET_KEY_PHONE, COLUMNS (sms_columns) },
  { "meta", N_("Meta custom audience (hashed)"), AUD_CONSENT_ADS, AUD_PRESET_KEY_EMAIL_OR_PHONE,
    COLUMNS (meta_columns) },
  { "meta-plain", N_("Meta custom audience (not hashed)"), AUD_CONSENT_ADS,
    AUD_PRESET_KEY_EMAIL_OR_PHONE, COLUMNS (meta_plain_columns) },
  { "google", N_("Google Ads Customer Match (hashed)"), AUD_CONSENT_ADS,
    AUD_PRESET_KEY_EMAIL_OR_PHONE, COLUMNS (google_columns) },
  { "google-plain", N_("Google Ads Customer Match (not hashed)"), AUD_CONSENT_ADS,
    AUD_PRESET_KEY_EMAIL_OR_PHONE, COLUMNS (google_plain_columns) },
};

const AudPreset *
aud_preset_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      if (g_ascii_strcasecmp (presets[i].name, name) == 0)
        return &presets[i];
    }

  return NULL;
}

const AudPreset *
aud_preset_list (guint *n_presets)
{
  if (n_presets != NULL)
    *n_presets = G_N_ELEMENTS (presets);

  return presets;
}

const char *
aud_consent_to_string (AudConsent consent)
{
  switch (consent)
    {
    case AUD_CONSENT_EMAIL:
      return "email";
    case AUD_CONSENT_SMS:
      return "sms";
    case AUD_CONSENT_ADS:
      return "ads";
    case AUD_CONSENT_NONE:
    default:
      return "none";
    }
}

AudFieldRole
aud_consent_get_role (AudConsent consent)
{
  switch (consent)
    {
    case AUD_CONSENT_EMAIL:
      return AUD_ROLE_CONSENT_EMAIL;
    case AUD_CONSENT_SMS:
      return AUD_ROLE_CONSENT_SMS;
    case AUD_CONSENT_ADS:
      return AUD_ROLE_CONSENT_ADS;
    case AUD_CONSENT_NONE:
    default:
      return AUD_ROLE_NONE;
    }
}
