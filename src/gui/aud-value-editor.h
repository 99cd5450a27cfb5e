/* aud-value-editor.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "aud-types.h"

G_BEGIN_DECLS

/*
 * Popovers that edit one value of a criterion, fitting its type:
 *
 * - text: an entry, with the values the field has in the workspace (and
 *   how many customers or events have each) offered as one types;
 * - set: a searchable list of values to tick, with their counts, and any
 *   other value typed in (categories, "is one of");
 * - number: a spin button;
 * - date: a calendar, and the date as text.
 *
 * Values the workspace has are read in a worker (aud-suggest.h), never on
 * the main thread. Every change emits ::value-changed with the new JSON
 * value at once (the caller merges a run of them into one undo step).
 */

#define AUD_TYPE_VALUE_EDITOR (aud_value_editor_get_type ())

G_DECLARE_FINAL_TYPE (AudValueEditor, aud_value_editor, AUD, VALUE_EDITOR, GtkPopover)

/* Where suggestions come from: a field (@scope customer) or a property
 * (@scope event, of events named @event if not NULL) of the workspace at
 * @path. A NULL @path: no suggestions. */
typedef struct
{
  const char *path;
  AudScope    scope;
  const char *name;
  const char *event;
} AudValueSource;

AudValueEditor *aud_value_editor_new_text   (const char           *title,
                                             const char           *value,
                                             const AudValueSource *source);
/* @values: a JSON array; @numeric: values are numbers */
AudValueEditor *aud_value_editor_new_set    (const char           *title,
                                             JsonNode             *values,
                                             gboolean              numeric,
                                             const AudValueSource *source);
AudValueEditor *aud_value_editor_new_number (const char           *title,
                                             double                value,
                                             double                min,
                                             double                max,
                                             guint                 digits);
/* @date: YYYY-MM-DD (or a date-time, whose date is shown) */
AudValueEditor *aud_value_editor_new_date   (const char           *title,
                                             const char           *date);

/* The control that takes the value (entry, spin button, calendar), for
 * tests and focus. (transfer none) */
GtkWidget      *aud_value_editor_get_input  (AudValueEditor       *self);

/* The value as shown now. (transfer full) */
JsonNode       *aud_value_editor_dup_value  (AudValueEditor       *self);

/* Sets the set editor's ticked values, or the text, number or date, as a
 * user would, emitting ::value-changed. */
void            aud_value_editor_set_value  (AudValueEditor       *self,
                                             JsonNode             *value);

G_END_DECLS
