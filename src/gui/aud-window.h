/* aud-window.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-application.h"

G_BEGIN_DECLS

#define AUD_TYPE_WINDOW (aud_window_get_type ())

G_DECLARE_FINAL_TYPE (AudWindow, aud_window, AUD, WINDOW, AdwApplicationWindow)

AudWindow *aud_window_new       (AudApplication *application);
void       aud_window_open      (AudWindow      *self,
                                 GFile          *file);
void       aud_window_create    (AudWindow      *self,
                                 GFile          *file,
                                 gboolean        replace);
void       aud_window_open_demo (AudWindow      *self);
GFile     *aud_window_get_file  (AudWindow      *self);
gboolean   aud_window_get_busy  (AudWindow      *self);

G_END_DECLS
