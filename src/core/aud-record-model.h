/* aud-record-model.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <roaring/roaring.h>

#include "aud-types.h"

G_BEGIN_DECLS

/*
 * AudRecordModel: a GListModel of AudRecord over the customers or the events
 * of a workspace, for tables of any size.
 *
 * The rows are those of a query: all customers, or a subset of them (a
 * bitmap of row ids: segment members); all events, or one customer's. A
 * search text keeps the rows whose id, event name or text fields contain
 * it, case-insensitively (an ASCII text by ASCII rules, so "strasse" does
 * not find "Straße"; any other case folded, as segments compare); one
 * column (or the row id) gives the order.
 *
 * The query is applied by a refresh: a worker with its own connection
 * counts the rows, lists their row ids in order (a range, a bitmap or an
 * array, never one object per row) and reads the first page. Items are then
 * read by page (PAGE_SIZE rows, by row id: always an indexed lookup) into a
 * small LRU cache, so a million rows never become a million objects. A
 * refresh emits one items-changed (0, old n, new n) and notifies n-items
 * when the count changed. The setters only record the query: the model
 * shows the previous rows until the next refresh.
 *
 * Column 0 is the customer id (the external id as imported); for events
 * column 1 is the event name and 2 its time; then come the fields of the
 * catalog in order. Values are the canonical text of the stored value:
 * decimals from their scaled integers, dates ISO, date-times in the
 * workspace time zone ("2024-03-05 10:20:30"), booleans Yes/No; NULL for a
 * blank.
 *
 * Threading: the model and its records live on the thread that created the
 * model (the GUI thread); only the refresh runs in a worker.
 */

#define AUD_TYPE_RECORD (aud_record_get_type ())

G_DECLARE_FINAL_TYPE (AudRecord, aud_record, AUD, RECORD, GObject)

gint64          aud_record_get_id                    (AudRecord            *self);
guint           aud_record_get_n_values              (AudRecord            *self);
const char     *aud_record_get_value                 (AudRecord            *self,
                                                      guint                 column);

#define AUD_TYPE_RECORD_MODEL (aud_record_model_get_type ())

G_DECLARE_FINAL_TYPE (AudRecordModel, aud_record_model, AUD, RECORD_MODEL, GObject)

/* The sort column meaning "by row id" (import order). */
#define AUD_RECORD_MODEL_SORT_BY_ID (-1)

AudRecordModel *aud_record_model_new                 (const char           *path,
                                                      AudScope              scope,
                                                      GError              **error);
AudScope        aud_record_model_get_scope           (AudRecordModel       *self);
const char     *aud_record_model_get_path            (AudRecordModel       *self);

guint           aud_record_model_get_n_columns       (AudRecordModel       *self);
const char     *aud_record_model_get_column_title    (AudRecordModel       *self,
                                                      guint                 column);
AudFieldType    aud_record_model_get_column_type     (AudRecordModel       *self,
                                                      guint                 column);

void            aud_record_model_set_sort            (AudRecordModel       *self,
                                                      int                   column,
                                                      gboolean              descending);
int             aud_record_model_get_sort_column     (AudRecordModel       *self);
gboolean        aud_record_model_get_sort_descending (AudRecordModel       *self);
void            aud_record_model_set_search_text     (AudRecordModel       *self,
                                                      const char           *text);
const char     *aud_record_model_get_search_text     (AudRecordModel       *self);
void            aud_record_model_set_subset          (AudRecordModel       *self,
                                                      const roaring_bitmap_t *members);
void            aud_record_model_set_customer        (AudRecordModel       *self,
                                                      gint64                customer);
gint64          aud_record_model_get_customer        (AudRecordModel       *self);

gboolean        aud_record_model_get_loading         (AudRecordModel       *self);

gboolean        aud_record_model_refresh             (AudRecordModel       *self,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
void            aud_record_model_refresh_async       (AudRecordModel       *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean        aud_record_model_refresh_finish      (AudRecordModel       *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
