/* gui-test-init.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "gui-test-init.h"

void
gui_test_init (int    *argc,
               char ***argv)
{
  const char * const *system_data_dirs = g_get_system_data_dirs ();
  g_auto(GStrv) mime_dirs = g_new0 (char *, g_strv_length ((GStrv)system_data_dirs) + 1);

  /* Taken before the data folders are isolated. */
  for (guint i = 0; system_data_dirs[i] != NULL; i++)
    mime_dirs[i] = g_build_filename (system_data_dirs[i], "mime", NULL);

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *)mime_dirs);
  gtk_init ();
  adw_init ();
}
