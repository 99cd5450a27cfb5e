/* aud-exporter.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <roaring/roaring.h>

#include "aud-presets.h"
#include "aud-progress.h"
#include "aud-store.h"

G_BEGIN_DECLS

/*
 * The exporter writes the customers of a set of row ids (a segment's
 * members, a bitmap) to a CSV, JSON or JSON Lines file, in the layout of a
 * preset (aud-presets.h, docs/EXPORT-PRESETS.md), and records the export in
 * the workspace's `exports` table.
 *
 * - Order: customer row id, that is the order in which customers were first
 *   imported. Row ids never change (a re-import updates a customer in
 *   place), so two exports of the same members list them in the same order.
 * - Streaming: rows are read in row id order by one statement and written
 *   through a 1 MiB buffer; memory does not grow with the number of members
 *   (except for merging duplicates, which keeps the keys seen).
 * - Atomic: the file is written to a temporary file in the target folder,
 *   flushed to disk, then renamed over the target. On any failure (disk full,
 *   permissions, cancel) the temporary file is removed and an existing target
 *   is left untouched.
 * - Filters, in this order, each customer counted under the first that
 *   applies: consent (the preset's channel), the suppression list, a missing
 *   identifier (the preset's key), duplicates (the preset's key).
 *
 * Threading: aud_exporter_run() blocks and uses @store from the calling
 * thread; aud_exporter_run_async() runs it in a worker thread on its own
 * connection.
 */

#define AUD_EXPORTER_ERROR (aud_exporter_error_quark ())

/**
 * AudExporterError:
 * @AUD_EXPORTER_ERROR_FAILED: any other failure
 * @AUD_EXPORTER_ERROR_UNKNOWN_PRESET: no preset has that name
 * @AUD_EXPORTER_ERROR_UNKNOWN_COLUMN: a column names no field
 * @AUD_EXPORTER_ERROR_MISSING_FIELD: the preset needs a field (email,
 *   phone) that the workspace does not have
 * @AUD_EXPORTER_ERROR_NO_CONSENT_FIELD: the preset needs consent and the
 *   workspace has no field with that consent role (include unconsented
 *   customers to go on)
 * @AUD_EXPORTER_ERROR_SUPPRESSION: the suppression list can't be used
 * @AUD_EXPORTER_ERROR_INVALID: inconsistent options (e.g. changes without a
 *   segment name)
 *
 * Files that can't be written fail with a G_IO_ERROR (G_IO_ERROR_NO_SPACE,
 * G_IO_ERROR_PERMISSION_DENIED...), a cancel with G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  AUD_EXPORTER_ERROR_FAILED,
  AUD_EXPORTER_ERROR_UNKNOWN_PRESET,
  AUD_EXPORTER_ERROR_UNKNOWN_COLUMN,
  AUD_EXPORTER_ERROR_MISSING_FIELD,
  AUD_EXPORTER_ERROR_NO_CONSENT_FIELD,
  AUD_EXPORTER_ERROR_SUPPRESSION,
  AUD_EXPORTER_ERROR_INVALID,
} AudExporterError;

/**
 * AudExportFormat:
 * @AUD_EXPORT_FORMAT_CSV: RFC 4180 CSV, UTF-8, a header row, fields quoted
 *   only when they contain the delimiter, a quote or a line break
 * @AUD_EXPORT_FORMAT_JSON: one JSON array of objects (one per line)
 * @AUD_EXPORT_FORMAT_JSONL: JSON Lines, one object per line
 */
typedef enum
{
  AUD_EXPORT_FORMAT_CSV,
  AUD_EXPORT_FORMAT_JSON,
  AUD_EXPORT_FORMAT_JSONL,
} AudExportFormat;

/**
 * AudExportChanges:
 * @AUD_EXPORT_CHANGES_ALL: every member
 * @AUD_EXPORT_CHANGES_ADDED: those who would be exported now and were not
 *   in the target after the last export of this segment with this preset
 * @AUD_EXPORT_CHANGES_REMOVED: those who were in the target after the last
 *   export of this segment with this preset and would not be exported now
 *   (left the segment, withdrew consent, were suppressed); written without
 *   consent and suppression filters, so the target can remove them
 */
typedef enum
{
  AUD_EXPORT_CHANGES_ALL,
  AUD_EXPORT_CHANGES_ADDED,
  AUD_EXPORT_CHANGES_REMOVED,
} AudExportChanges;

/**
 * AudExportOptions:
 * @format: the file format
 * @preset: (nullable): a preset name (aud-presets.h); NULL means "generic"
 * @columns: (nullable) (array zero-terminated=1): for "generic", the
 *   columns (default: `customer_id` and every customer field, in catalog
 *   order); for other presets, columns added after the preset's own. Each
 *   is a field name, `customer_id` (the customer id), or `Header=name` to
 *   give the column another header; with a preset, `Header=name` where
 *   Header is one of the preset's columns fills that column from field
 *   name (`st=Region` for Meta)
 * @bom: start a CSV file with a UTF-8 byte order mark (for spreadsheets)
 * @crlf: end CSV lines with CR LF instead of LF
 * @delimiter: the CSV delimiter; 0 means ','
 * @suppress: (nullable): a suppression list file: one email, phone number
 *   (international form) or customer id per line, or a CSV whose header
 *   names an email, phone or id column
 * @changes: all members, or the changes since the last export
 * @include_unconsented: also write customers without the preset's consent
 *   (and go on when the workspace has no consent field); a warning says so
 * @now: the reference time recorded with the export (UTC seconds); 0 means
 *   the workspace's reference time, or the current time when it has none
 * @segment_name: (nullable): the segment's name, for the export log and
 *   @changes (required for changes)
 * @definition: (nullable): the segment's canonical JSON, for the log
 * @no_log: do not record the export in the workspace
 * @fail_after: tests only: fail as if the disk were full once this many
 *   rows are written (0: never)
 *
 * What to export and how. Zero-initialised (AUD_EXPORT_OPTIONS_INIT) means
 * a generic CSV of all fields. Strings are owned: free with
 * aud_export_options_clear().
 */
typedef struct
{
  AudExportFormat   format;
  char             *preset;
  char            **columns;
  gboolean          bom;
  gboolean          crlf;
  char              delimiter;
  char             *suppress;
  AudExportChanges  changes;
  gboolean          include_unconsented;
  gint64            now;
  char             *segment_name;
  char             *definition;
  gboolean          no_log;
  /*< private >*/
  guint64           fail_after;
} AudExportOptions;

#define AUD_EXPORT_OPTIONS_INIT ((AudExportOptions) { 0, })

/**
 * AudExportSummary:
 * @file: the file written (as given)
 * @bytes: its size
 * @n_members: members given
 * @n_written: rows written
 * @n_unconsented: members without the preset's consent: left out, or
 *   written when unconsented members were included
 * @n_suppressed: left out because they are on the suppression list
 * @n_no_identifier: left out because they have no usable identifier for the
 *   preset (e.g. no valid email address for an email tool)
 * @n_merged: left out as duplicates of a member written before them (same
 *   normalised email or phone)
 * @n_bad_phones: phone numbers that could not be normalised (left blank)
 * @n_bad_emails: email addresses that are not valid (left blank)
 * @n_previous: changes only: members in the target after the last export
 * @export_id: the row in the export log, 0 when not logged
 * @warnings: (element-type utf8): translated sentences for the user
 */
typedef struct
{
  char      *file;
  guint64    bytes;
  guint64    n_members;
  guint64    n_written;
  guint64    n_unconsented;
  guint64    n_suppressed;
  guint64    n_no_identifier;
  guint64    n_merged;
  guint64    n_bad_phones;
  guint64    n_bad_emails;
  guint64    n_previous;
  gint64     export_id;
  GPtrArray *warnings;
} AudExportSummary;

/**
 * AudExportRecord:
 *
 * One row of the export log. @members (who the target holds after the
 * export: the members written by a full export; the previous ones plus those
 * added, or minus those removed, for changes) is read with
 * aud_exporter_dup_members().
 */
typedef struct
{
  gint64  id;
  char   *segment_name;
  char   *definition;
  gint64  now;
  char   *preset;
  char   *format;
  char   *changes;
  char   *file;
  gint64  count;
  gint64  created;
} AudExportRecord;

GQuark             aud_exporter_error_quark     (void);

void               aud_export_options_clear     (AudExportOptions     *options);
void               aud_export_options_copy      (const AudExportOptions *src,
                                                 AudExportOptions     *dest);

void               aud_export_summary_free      (AudExportSummary     *summary);
void               aud_export_record_free       (AudExportRecord      *record);

/* "csv", "json", "jsonl"; "all", "added", "removed". from_string is ASCII
 * case-insensitive and also takes "ndjson" for JSON Lines. */
const char        *aud_export_format_to_string  (AudExportFormat       format);
gboolean           aud_export_format_from_string (const char          *str,
                                                 AudExportFormat      *format);
const char        *aud_export_changes_to_string (AudExportChanges      changes);
gboolean           aud_export_changes_from_string (const char         *str,
                                                 AudExportChanges     *changes);

AudExportSummary  *aud_exporter_run             (AudStore               *store,
                                                 const roaring_bitmap_t *members,
                                                 const char             *path,
                                                 const AudExportOptions *options,
                                                 AudProgress            *progress,
                                                 GCancellable           *cancellable,
                                                 GError                **error);
void               aud_exporter_run_async       (AudStore               *store,
                                                 const roaring_bitmap_t *members,
                                                 const char             *path,
                                                 const AudExportOptions *options,
                                                 AudProgress            *progress,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data);
AudExportSummary  *aud_exporter_run_finish      (AudStore               *store,
                                                 GAsyncResult           *result,
                                                 GError                **error);

/* What aud_exporter_run() would write and leave out, without writing or
 * recording anything (a dry run: the same checks, filters and errors).
 * The summary has no @file and 0 @bytes, bad emails and phones and
 * @export_id. (transfer full) */
AudExportSummary  *aud_exporter_plan            (AudStore               *store,
                                                 const roaring_bitmap_t *members,
                                                 const AudExportOptions *options,
                                                 GCancellable           *cancellable,
                                                 GError                **error);

/* The export log, newest first; only @segment_name's exports when not
 * NULL. (element-type AudExportRecord) (transfer full) */
GPtrArray         *aud_exporter_list            (AudStore               *store,
                                                 const char             *segment_name,
                                                 GError                **error);
/* Who the target holds after export @export_id. (transfer full) */
roaring_bitmap_t  *aud_exporter_dup_members     (AudStore               *store,
                                                 gint64                  export_id,
                                                 GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudExportSummary, aud_export_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudExportRecord, aud_export_record_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AudExportOptions, aud_export_options_clear)

G_END_DECLS
