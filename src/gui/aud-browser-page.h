/* aud-browser-page.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-record-model.h"

G_BEGIN_DECLS

/*
 * A page that browses the customers or the events of a workspace: a table
 * of any size (sortable by clicking a column header), a search entry, the
 * count, and for customers the selected customer's profile and events
 * (AudCustomerPane).
 *
 * How the window embeds it: one page per sidebar entry, e.g. in the .ui
 *
 *   <object class="AudBrowserPage" id="customers_page">
 *     <property name="scope">0</property>   (AUD_SCOPE_CUSTOMER; 1: events)
 *   </object>
 *
 * with g_type_ensure (AUD_TYPE_BROWSER_PAGE) in class_init, or from C with
 * aud_browser_page_new (AUD_SCOPE_CUSTOMER). Then, on the main thread:
 *
 *   aud_browser_page_set_workspace (page, path);  when a workspace opens or
 *                                                 an import changed it (NULL
 *                                                 when it closes)
 *
 * The page reads the workspace on its own connections (counting and sorting
 * in a worker), so it never blocks the window and needs nothing else.
 */

#define AUD_TYPE_BROWSER_PAGE (aud_browser_page_get_type ())

G_DECLARE_FINAL_TYPE (AudBrowserPage, aud_browser_page, AUD, BROWSER_PAGE, AdwBin)

AudBrowserPage *aud_browser_page_new           (AudScope        scope);
AudScope        aud_browser_page_get_scope     (AudBrowserPage *self);
void            aud_browser_page_set_workspace (AudBrowserPage *self,
                                                const char     *path);
const char     *aud_browser_page_get_workspace (AudBrowserPage *self);
void            aud_browser_page_reload        (AudBrowserPage *self);
AudRecordModel *aud_browser_page_get_model     (AudBrowserPage *self);

G_END_DECLS
