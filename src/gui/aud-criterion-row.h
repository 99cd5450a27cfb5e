/* aud-criterion-row.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-builder-context.h"

G_BEGIN_DECLS

/*
 * One criterion of the segment builder, read as a sentence: "Did
 * [purchase] [at least] [1] [time] [in the last] [30] days", "[Country]
 * [is one of] [DE, FR]", "Is within [50] km of [Berlin]". Every bracketed
 * part is a button that opens the editor fitting it (a searchable picker,
 * a list of values with their counts, a spin button, a calendar); each
 * change is an edit of the document at the row's path, at once.
 *
 * Beside the sentence: a handle to drag the row, the funnel numbers for a
 * top-level layer, a switch that disables the criterion without deleting
 * it, and a menu (duplicate, move up, move down, remove; also Alt+Up,
 * Alt+Down and Delete on the row).
 */

#define AUD_TYPE_CRITERION_ROW (aud_criterion_row_get_type ())

G_DECLARE_FINAL_TYPE (AudCriterionRow, aud_criterion_row, AUD, CRITERION_ROW, GtkListBoxRow)

AudCriterionRow *aud_criterion_row_new          (AudBuilderContext *context,
                                                 const char        *path);
const char      *aud_criterion_row_get_path     (AudCriterionRow   *self);
/* Shows the document's node at the row's path again. */
void             aud_criterion_row_update       (AudCriterionRow   *self);
/* The sentence as plain text ("Country is one of DE, FR"). (transfer full) */
char            *aud_criterion_row_dup_sentence (AudCriterionRow   *self);
/* The button of a part of the sentence: "field", "op", "value", "value2",
 * "event", "count-op", "count", "measure", "when", "days", "km", "place",
 * "segment", "add-where", "where-0-op"… (transfer none) (nullable) */
GtkMenuButton   *aud_criterion_row_get_slot     (AudCriterionRow   *self,
                                                 const char        *slot);
/* Opens the editor of the first value of the sentence (after adding). */
void             aud_criterion_row_edit_first   (AudCriterionRow   *self);
/* Funnel numbers of a top-level layer; a negative @remaining hides them. */
void             aud_criterion_row_set_funnel   (AudCriterionRow   *self,
                                                 gint64             remaining,
                                                 gint64             alone);
/* (nullable): a problem the engine found in this criterion */
void             aud_criterion_row_set_problem  (AudCriterionRow   *self,
                                                 const char        *message);

/* Shared with the group cards. */

/* A field name for people: "lifetime_value" -> "Lifetime value".
 * (transfer full) */
char            *aud_criterion_display_name     (const char        *name);
/* Sets up @widget (a row's or a card's handle) to drag @path, and
 * @target_row to take drops: nodes dropped on it go before or after it in
 * @group_path (at @index). */
void             aud_criterion_setup_drag       (GtkWidget         *handle,
                                                 GtkWidget         *row,
                                                 AudBuilderContext *context);
void             aud_criterion_setup_drop       (GtkWidget         *row,
                                                 AudBuilderContext *context);
/* Shows the funnel numbers of a layer in @label (hidden for a negative
 * @remaining). */
void             aud_criterion_show_funnel      (GtkLabel          *label,
                                                 gint64             remaining,
                                                 gint64             alone);
/* Moves the node at @path one place up (@delta -1) or down (+1) in its
 * group. */
void             aud_criterion_move             (AudBuilderContext *context,
                                                 const char        *path,
                                                 int                delta);

G_END_DECLS
