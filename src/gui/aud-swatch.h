/* aud-swatch.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Pango markup of @text (escaped) drawn in @color, for the coloured dots
 * and squares that stand for a segment in labels: "●" in its colour.
 * (transfer full) */
char *aud_swatch_markup (const GdkRGBA *color,
                         const char    *text);

G_END_DECLS
