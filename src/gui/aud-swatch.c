/* aud-swatch.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-swatch"

#include "config.h"

#include <math.h>

#include "aud-swatch.h"

char *
aud_swatch_markup (const GdkRGBA *color,
                   const char    *text)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (color != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  escaped = g_markup_escape_text (text, -1);

  /* Pango takes "#rrggbb", not the "rgb()" of gdk_rgba_to_string(). */
  return g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">%s</span>",
                          (guint)lround (CLAMP (color->red, 0.0, 1.0) * 255),
                          (guint)lround (CLAMP (color->green, 0.0, 1.0) * 255),
                          (guint)lround (CLAMP (color->blue, 0.0, 1.0) * 255),
                          escaped);
}
