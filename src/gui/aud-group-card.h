/* aud-group-card.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-builder-context.h"
#include "aud-criterion-row.h"

G_BEGIN_DECLS

/*
 * A group of the segment builder: a card titled "All of these", "Any of
 * these" or "None of these" (a button that changes the kind), holding its
 * criteria as rows and its nested groups as cards, with "Add Criterion" (a
 * searchable menu of the kinds in the marketer's words: Demographic,
 * Behavioral, Product use, Situational, Membership, Holdout) and "Add
 * Group" below. A nested card can be dragged, disabled, duplicated, moved
 * and removed like a row.
 *
 * Actions: card.add (s: what to add, e.g. "field:country", "event:purchase",
 * "near", "segment:VIP", "bucket", "group:any"), card.kind (s: "all",
 * "any", "none"), card.duplicate, card.remove, card.move-up, card.move-down.
 */

#define AUD_TYPE_GROUP_CARD (aud_group_card_get_type ())

G_DECLARE_FINAL_TYPE (AudGroupCard, aud_group_card, AUD, GROUP_CARD, AdwBin)

/* @root: the definition's top group (it cannot be moved or disabled) */
AudGroupCard    *aud_group_card_new        (AudBuilderContext *context,
                                            const char        *path,
                                            gboolean           root);
const char      *aud_group_card_get_path   (AudGroupCard      *self);
/* Shows the document again, when its groups are shaped as when the card
 * was made (same kinds of children in the same places). */
void             aud_group_card_update     (AudGroupCard      *self);
/* Below this card, at any depth. (transfer none) (nullable) */
AudCriterionRow *aud_group_card_find_row   (AudGroupCard      *self,
                                            const char        *path);
AudGroupCard    *aud_group_card_find_card  (AudGroupCard      *self,
                                            const char        *path);
void             aud_group_card_set_funnel (AudGroupCard      *self,
                                            gint64             remaining,
                                            gint64             alone);
/* The shape of the groups of @node, to know when cards must be made anew:
 * equal shapes can be updated in place. (transfer full) */
char            *aud_group_card_shape      (const AudSegmentNode *node);

G_END_DECLS
