/* aud-progress.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * Progress of a long task, written by a worker thread and read (and bound)
 * on the thread that created it.
 *
 * Threading: aud_progress_update() may be called from any thread; it stores
 * the values under a mutex and keeps at most one low-priority idle queued on
 * the creating thread's main context, which emits `notify`. Getters may be
 * called from any thread.
 */

#define AUD_TYPE_PROGRESS (aud_progress_get_type ())

G_DECLARE_FINAL_TYPE (AudProgress, aud_progress, AUD, PROGRESS, GObject)

AudProgress *aud_progress_new               (void);
void         aud_progress_update            (AudProgress *self,
                                             double       fraction,
                                             gint64       n_processed,
                                             const char  *message);
double       aud_progress_get_fraction      (AudProgress *self);
gint64       aud_progress_get_n_processed   (AudProgress *self);
char        *aud_progress_dup_message       (AudProgress *self);

G_END_DECLS
