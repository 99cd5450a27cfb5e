/* aud-segment-colors.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aud-store.h"

G_BEGIN_DECLS

/*
 * The colour of each saved segment (the `color` column of `segments`), so
 * that a segment looks the same in the sidebar, the builder and the
 * comparisons. Colours are "#rrggbb" strings from a fixed palette that
 * reads well on light and dark backgrounds; a segment without a stored
 * colour takes the palette colour its name hashes to.
 *
 * Threading: the thread that uses @store.
 */

/* (array length=n_colors) (transfer none) */
const char * const *aud_segment_color_palette  (guint        *n_colors);
/* The palette colour for @name. (transfer none) */
const char         *aud_segment_color_for_name (const char   *name);

/* The stored colour of the saved segment @name, or else its palette
 * colour; NULL with @error set when there is no such saved segment.
 * (transfer full) */
char               *aud_segment_dup_color      (AudStore     *store,
                                                const char   *name,
                                                GError      **error);
/* Stores @color ("#rrggbb"; NULL: back to the palette colour). Fails with
 * AUD_STORE_ERROR_NOT_FOUND when there is no such saved segment and
 * AUD_STORE_ERROR_INVALID for a malformed colour. */
gboolean            aud_segment_set_color      (AudStore     *store,
                                                const char   *name,
                                                const char   *color,
                                                GError      **error);

G_END_DECLS
