/* aud-picker-popover.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A popover listing choices (fields, events, properties, operators,
 * segments, places, kinds of criteria), optionally under section headings
 * and with a search entry that filters them as one types. Enter picks the
 * first choice shown; ::picked gives the id of the choice, then the popover
 * closes; or, for several choices, each click ticks one and ::picked gives
 * them all when the popover closes. Lists are short (the workspace's fields,
 * events…), so every choice is a row.
 */

#define AUD_TYPE_PICKER_POPOVER (aud_picker_popover_get_type ())

G_DECLARE_FINAL_TYPE (AudPickerPopover, aud_picker_popover, AUD, PICKER_POPOVER, GtkPopover)

/* @search_label: (nullable): the search entry's placeholder and accessible
 * name; NULL for a short list without search. */
AudPickerPopover *aud_picker_popover_new      (const char       *search_label);
void              aud_picker_popover_add      (AudPickerPopover *self,
                                               const char       *id,
                                               const char       *title,
                                               const char       *detail,
                                               const char       *section);
/* Marks the current choice. */
void              aud_picker_popover_set_current (AudPickerPopover *self,
                                                  const char       *id);
/* Several choices at once (e.g. events): see the .c file. */
void              aud_picker_popover_set_several (AudPickerPopover  *self,
                                                  const char *const *chosen,
                                                  const char        *exclusive);
/* Shown when nothing matches, or the list is empty. */
void              aud_picker_popover_set_empty_text (AudPickerPopover *self,
                                                     const char       *text);
/* Picks @id as if clicked (for tests and keyboard handling). */
gboolean          aud_picker_popover_pick     (AudPickerPopover *self,
                                               const char       *id);
guint             aud_picker_popover_get_n_items (AudPickerPopover *self);

G_END_DECLS
