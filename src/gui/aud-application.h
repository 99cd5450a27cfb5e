/* aud-application.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AUD_SETTINGS_SCHEMA_ID "io.github.audiences.Audiences"

#define AUD_TYPE_APPLICATION (aud_application_get_type ())

G_DECLARE_FINAL_TYPE (AudApplication, aud_application, AUD, APPLICATION, AdwApplication)

AudApplication *aud_application_new            (void);
GSettings      *aud_application_get_settings   (AudApplication *self);
void            aud_application_add_recent     (AudApplication *self,
                                                GFile          *file);
void            aud_application_remove_recent  (AudApplication *self,
                                                GFile          *file);
char           *aud_application_dup_demo_path  (void);

G_END_DECLS
