/* aud-format.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-format"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-format.h"
#include "aud-value.h"

/**
 * aud_format_count:
 *
 * Returns: (transfer full): @n with the locale's digit grouping ("100,000")
 */
char *
aud_format_count (gint64 n)
{
  return aud_value_format_count (n);
}

/**
 * aud_format_count_compact:
 *
 * Returns: (transfer full): @n in full below a million, else in millions or
 *   billions with one decimal ("2.0M")
 */
char *
aud_format_count_compact (gint64 n)
{
  if (n >= G_GINT64_CONSTANT (1000000000) || n <= -G_GINT64_CONSTANT (1000000000))
    /* Translators: a number of billions, abbreviated: "1.2B" */
    return g_strdup_printf (C_("count", "%.1fB"), (double)n / 1e9);

  if (n >= 1000000 || n <= -1000000)
    /* Translators: a number of millions, abbreviated: "2.0M" */
    return g_strdup_printf (C_("count", "%.1fM"), (double)n / 1e6);

  return aud_format_count (n);
}

/**
 * aud_format_counts:
 *
 * Returns: (transfer full): "100,000 customers · 2.0M events"
 */
char *
aud_format_counts (gint64 n_customers,
                   gint64 n_events)
{
  g_autofree char *customers = aud_format_count_compact (n_customers);
  g_autofree char *events = aud_format_count_compact (n_events);
  g_autofree char *customers_text = NULL;
  g_autofree char *events_text = NULL;

  /* Translators: %s is a number such as "100,000" or "2.0M" */
  customers_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer", "%s customers",
                                                 (gulong)MIN (n_customers, G_MAXULONG)),
                                    customers);
  /* Translators: %s is a number such as "100,000" or "2.0M" */
  events_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s event", "%s events",
                                              (gulong)MIN (n_events, G_MAXULONG)),
                                 events);

  /* Translators: the customers and events of a workspace:
   * "100,000 customers · 2.0M events" */
  return g_strdup_printf (_("%s · %s"), customers_text, events_text);
}

/**
 * aud_format_timestamp:
 *
 * Returns: (transfer full): @utc_seconds as a date and time in the local
 *   time zone
 */
char *
aud_format_timestamp (gint64 utc_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (utc_seconds);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("—");

  local = g_date_time_to_local (utc);

  /* Translators: the date and time of an import, see the strftime manual:
   * "28 Nov 2026, 14:02" */
  return g_date_time_format (local, _("%-d %b %Y, %H:%M"));
}
