/* aud-demo-workspace.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aud-demo.h"
#include "aud-progress.h"
#include "aud-store.h"

G_BEGIN_DECLS

/* Makes the demo workspace at @path, which must not exist: generated
 * customers and events, imported into a temporary file that is renamed to
 * @path once complete, so a cancelled or failed run leaves nothing behind.
 * Any thread; @progress may be updated from it. */
gboolean aud_demo_workspace_create (const char    *path,
                                    AudProgress   *progress,
                                    GCancellable  *cancellable,
                                    GError       **error);

void     aud_demo_workspace_get_options (AudDemoOptions *options);


G_END_DECLS
