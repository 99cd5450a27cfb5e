/* aud-types.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-types"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "aud-types.h"

static const struct {
  const char *name;
  const char *label;
} field_types[] = {
  [AUD_FIELD_TEXT] = { "text", N_("Text") },
  [AUD_FIELD_CATEGORY] = { "category", N_("Category") },
  [AUD_FIELD_INTEGER] = { "integer", N_("Integer") },
  [AUD_FIELD_DECIMAL] = { "decimal", N_("Decimal") },
  [AUD_FIELD_DATE] = { "date", N_("Date") },
  [AUD_FIELD_DATETIME] = { "datetime", N_("Date and time") },
  [AUD_FIELD_BOOLEAN] = { "boolean", N_("Yes/No") },
};

static const struct {
  const char *name;
  const char *label;
} field_roles[] = {
  [AUD_ROLE_NONE] = { "none", N_("None") },
  [AUD_ROLE_CUSTOMER_ID] = { "customer_id", N_("Customer ID") },
  [AUD_ROLE_EMAIL] = { "email", N_("Email") },
  [AUD_ROLE_PHONE] = { "phone", N_("Phone") },
  [AUD_ROLE_FIRST_NAME] = { "first_name", N_("First name") },
  [AUD_ROLE_LAST_NAME] = { "last_name", N_("Last name") },
  [AUD_ROLE_FULL_NAME] = { "full_name", N_("Full name") },
  [AUD_ROLE_GENDER] = { "gender", N_("Gender") },
  [AUD_ROLE_BIRTH_DATE] = { "birth_date", N_("Birth date") },
  [AUD_ROLE_COUNTRY] = { "country", N_("Country") },
  [AUD_ROLE_CITY] = { "city", N_("City") },
  [AUD_ROLE_POSTAL_CODE] = { "postal_code", N_("Postal code") },
  [AUD_ROLE_LATITUDE] = { "latitude", N_("Latitude") },
  [AUD_ROLE_LONGITUDE] = { "longitude", N_("Longitude") },
  [AUD_ROLE_DEVICE] = { "device", N_("Device") },
  [AUD_ROLE_CONSENT_EMAIL] = { "consent_email", N_("Email consent") },
  [AUD_ROLE_CONSENT_SMS] = { "consent_sms", N_("SMS consent") },
  [AUD_ROLE_CONSENT_ADS] = { "consent_ads", N_("Ads consent") },
  [AUD_ROLE_EVENT_NAME] = { "event_name", N_("Event name") },
  [AUD_ROLE_EVENT_TIME] = { "event_time", N_("Event time") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (field_types) == AUD_FIELD_TYPE_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (field_roles) == AUD_FIELD_ROLE_LAST + 1);

const char *
aud_field_type_to_string (AudFieldType type)
{
  g_return_val_if_fail (type <= AUD_FIELD_TYPE_LAST, NULL);

  return field_types[type].name;
}

gboolean
aud_field_type_from_string (const char   *str,
                            AudFieldType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (field_types); i++)
    {
      if (g_ascii_strcasecmp (str, field_types[i].name) == 0)
        {
          *type = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
aud_field_type_get_label (AudFieldType type)
{
  g_return_val_if_fail (type <= AUD_FIELD_TYPE_LAST, NULL);

  return g_dgettext (GETTEXT_PACKAGE, field_types[type].label);
}

const char *
aud_field_role_to_string (AudFieldRole role)
{
  g_return_val_if_fail (role <= AUD_FIELD_ROLE_LAST, NULL);

  return field_roles[role].name;
}

gboolean
aud_field_role_from_string (const char   *str,
                            AudFieldRole *role)
{
  g_return_val_if_fail (role != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (field_roles); i++)
    {
      if (g_ascii_strcasecmp (str, field_roles[i].name) == 0)
        {
          *role = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
aud_field_role_get_label (AudFieldRole role)
{
  g_return_val_if_fail (role <= AUD_FIELD_ROLE_LAST, NULL);

  return g_dgettext (GETTEXT_PACKAGE, field_roles[role].label);
}
