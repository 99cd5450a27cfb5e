/* aud-builder-context.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aud-engine.h"
#include "aud-segment-doc.h"
#include "aud-store.h"

G_BEGIN_DECLS

/*
 * What every part of the segment builder needs to know about the
 * workspace: its fields, event properties, event names and saved segments,
 * the reference time, the places for "near" (read on first use), the shared
 * engine and the document being edited. Read in a worker; the parts
 * of the builder only read it on the main thread.
 *
 * ::error carries a failure of an edit to whoever shows it (the editor).
 */

#define AUD_TYPE_BUILDER_CONTEXT (aud_builder_context_get_type ())

G_DECLARE_FINAL_TYPE (AudBuilderContext, aud_builder_context, AUD, BUILDER_CONTEXT, GObject)

AudBuilderContext *aud_builder_context_new            (AudEngine          *engine,
                                                       AudSegmentDoc      *doc);
AudEngine         *aud_builder_context_get_engine     (AudBuilderContext  *self);
AudSegmentDoc     *aud_builder_context_get_doc        (AudBuilderContext  *self);

/* Reads the workspace at @path in a worker; then ::loaded. */
void               aud_builder_context_load_async     (AudBuilderContext  *self,
                                                       const char         *path,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean           aud_builder_context_load_finish    (AudBuilderContext  *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

/* (nullable): NULL before a workspace is loaded */
const char        *aud_builder_context_get_path       (AudBuilderContext  *self);
gint64             aud_builder_context_get_now        (AudBuilderContext  *self);
/* YYYY-MM-DD of now in the workspace time zone */
const char        *aud_builder_context_get_today      (AudBuilderContext  *self);
gint64             aud_builder_context_get_n_customers (AudBuilderContext *self);
/* (element-type AudField) (transfer none) */
GPtrArray         *aud_builder_context_get_fields     (AudBuilderContext  *self);
GPtrArray         *aud_builder_context_get_properties (AudBuilderContext  *self);
/* (element-type utf8) (transfer none) */
GPtrArray         *aud_builder_context_get_events     (AudBuilderContext  *self);
GPtrArray         *aud_builder_context_get_segments   (AudBuilderContext  *self);
/* Replaces the list of saved segment names (after the list changed). */
void               aud_builder_context_set_segments   (AudBuilderContext  *self,
                                                       GPtrArray          *names);
/* (nullable) (transfer none): the field or property, or NULL. The
 * built-in properties @hour and @weekday are integer properties. */
const AudField    *aud_builder_context_lookup_field    (AudBuilderContext *self,
                                                        AudScope           scope,
                                                        const char        *name);
const AudField    *aud_builder_context_lookup_by_role  (AudBuilderContext *self,
                                                        AudFieldRole       role);

/* (nullable) (element-type AudPlace): NULL until read; asking starts the
 * reading, and ::places-loaded says when they are there. */
GPtrArray         *aud_builder_context_get_places     (AudBuilderContext  *self);

void               aud_builder_context_report_error   (AudBuilderContext  *self,
                                                       const GError       *error);

/* After adding a node: the builder shows it and opens its first editor
 * once it has rebuilt itself. take: (transfer full) (nullable) */
void               aud_builder_context_request_focus  (AudBuilderContext  *self,
                                                       const char         *path);
char              *aud_builder_context_take_focus     (AudBuilderContext  *self);

/* Whether @error is of a call that was cancelled (or whose cancellable was
 * cancelled before it failed otherwise: the page went away, the file with
 * it): such failures are nobody's to hear of. @result is a GTask. */
gboolean           aud_builder_is_cancelled            (GAsyncResult      *result,
                                                        const GError      *error);

G_END_DECLS
