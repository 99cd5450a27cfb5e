/* gui-test-init.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_test_init() with isolated folders, then GTK and libadwaita. The
 * system's MIME data stays visible, so icons in resources (SVG) are still
 * recognised once the data folders are isolated. */
void gui_test_init (int    *argc,
                    char ***argv);

G_END_DECLS
