/* aud-segment-colors.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-segment-colors"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "aud-segment-colors.h"

/* The GNOME palette's 3s: strong enough on white, light enough on dark. */
static const char * const palette[] = {
  "#3584e4", /* blue */
  "#2ec27e", /* green */
  "#e5a50a", /* yellow */
  "#ff7800", /* orange */
  "#e01b24", /* red */
  "#9141ac", /* purple */
  "#986a44", /* brown */
  "#33c7de", /* teal */
};

const char * const *
aud_segment_color_palette (guint *n_colors)
{
  g_return_val_if_fail (n_colors != NULL, NULL);

  *n_colors = G_N_ELEMENTS (palette);
  return palette;
}

const char *
aud_segment_color_for_name (const char *name)
{
  g_return_val_if_fail (name != NULL, palette[0]);

  return palette[g_str_hash (name) % G_N_ELEMENTS (palette)];
}

static gboolean
is_color (const char *color)
{
  if (strlen (color) != 7 || color[0] != '#')
    return FALSE;

  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;

  return TRUE;
}

char *
aud_segment_dup_color (AudStore    *store,
                       const char  *name,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *color;
  int rc;

  g_return_val_if_fail (AUD_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = aud_store_prepare (store, "SELECT color FROM segments WHERE name = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_FOUND,
                   _("There is no saved segment named “%s”"), name);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      aud_store_set_error (store, rc, error);
      return NULL;
    }

  color = (const char *)sqlite3_column_text (stmt, 0);
  if (color == NULL || !is_color (color))
    color = aud_segment_color_for_name (name);

  return g_strdup (color);
}

gboolean
aud_segment_set_color (AudStore    *store,
                       const char  *name,
                       const char  *color,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (AUD_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (color != NULL && !is_color (color))
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_INVALID,
                   _("“%s” is not a colour; expected #rrggbb"), color);
      return FALSE;
    }

  if ((stmt = aud_store_prepare (store, "UPDATE segments SET color = ?2 WHERE name = ?1",
                                 error)) == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (color != NULL)
    sqlite3_bind_text (stmt, 2, color, -1, SQLITE_TRANSIENT);
  if (!aud_store_step_done (store, stmt, error))
    return FALSE;

  if (sqlite3_changes (aud_store_get_db (store)) == 0)
    {
      g_set_error (error, AUD_STORE_ERROR, AUD_STORE_ERROR_NOT_FOUND,
                   _("There is no saved segment named “%s”"), name);
      return FALSE;
    }

  return TRUE;
}
