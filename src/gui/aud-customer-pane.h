/* aud-customer-pane.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-record-model.h"

G_BEGIN_DECLS

/*
 * One customer: their profile (field: value) and their events, newest
 * first. The customers page (AudBrowserPage) shows one beside its table and
 * feeds it the selected row; anything else can do the same:
 *
 *   pane = aud_customer_pane_new ();
 *   aud_customer_pane_set_workspace (pane, path);
 *   aud_customer_pane_set_customer (pane, customers_model, record);
 */

#define AUD_TYPE_CUSTOMER_PANE (aud_customer_pane_get_type ())

G_DECLARE_FINAL_TYPE (AudCustomerPane, aud_customer_pane, AUD, CUSTOMER_PANE, GtkWidget)

AudCustomerPane *aud_customer_pane_new              (void);
void             aud_customer_pane_set_workspace    (AudCustomerPane *self,
                                                     const char      *path);
void             aud_customer_pane_set_customer     (AudCustomerPane *self,
                                                     AudRecordModel  *customers,
                                                     AudRecord       *customer);
gint64           aud_customer_pane_get_customer     (AudCustomerPane *self);
AudRecordModel  *aud_customer_pane_get_events       (AudCustomerPane *self);

G_END_DECLS
