/* aud-importer.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aud-infer.h"
#include "aud-progress.h"
#include "aud-reader.h"
#include "aud-store.h"

G_BEGIN_DECLS

/*
 * The importer: a data file (CSV, JSON) into a workspace, as customers
 * (upsert by customer id) or as events.
 *
 * 1. Preview: aud_import_preview_new() sniffs the file, reads its first rows
 *    as text, infers a type and role per column and builds a default
 *    mapping. Cheap; call it again with other read options.
 * 2. Mapping: what to do with each column (skip, field name, type and
 *    format, role), which columns hold the customer id, event name and time.
 *    It serialises to JSON (kept in the import log).
 * 3. Run: aud_importer_run() (or _async) streams the file into the
 *    workspace in one transaction and returns a summary. A cancel, an error
 *    or a killed process leaves the workspace exactly as it was.
 *
 * Decisions, in short:
 * - Customers are upserted by their id: a new id is inserted, a known one
 *   updated. Only the mapped columns change, and a blank cell overwrites the
 *   stored value with a blank (NULL). An id seen twice in one file: the
 *   later row wins, counted as an update.
 * - A profile file without an id column gets ids from its data row numbers
 *   ("1", "2", ...); the summary and the import notes say so. Importing
 *   another file without ids updates those same customers.
 * - Ids (customer ids, event names) are taken as text, with surrounding
 *   white space removed: "0012" stays "0012".
 * - Events whose customer id is not a customer are stored without a
 *   customer (customer NULL, customer_key the id) and counted as unknown,
 *   unless create_customers is set: then the id becomes a new customer whose
 *   profile fields (columns marked `profile`) take the values of its first
 *   event in the file. Later customer imports link such events.
 * - A row is rejected (kept in the reject table with its line, reason and
 *   raw text) when the reader flags it (wrong field count, invalid text,
 *   over-long field, bad quoting, bad JSON) or a required value is blank or
 *   unreadable: the customer id (customers with an id column, and events,
 *   where a blank customer id means the event belongs to nobody), the event
 *   name, the event time.
 * - A value that does not fit its field's type turns the field into text
 *   (every stored value rewritten exactly) with a note; a decimal with more
 *   decimals than its field keeps rescales the field. Nothing is stored
 *   silently wrong.
 * - Fields already in the workspace are reused with their type; the file's
 *   number and date formats are used to read them when the types agree.
 */

#define AUD_IMPORTER_ERROR (aud_importer_error_quark ())

/**
 * AudImporterError:
 * @AUD_IMPORTER_ERROR_FAILED: any other failure
 * @AUD_IMPORTER_ERROR_MAPPING: the mapping does not fit the file (a missing
 *   column, no event name, two columns for one field...)
 */
typedef enum
{
  AUD_IMPORTER_ERROR_FAILED,
  AUD_IMPORTER_ERROR_MAPPING,
} AudImporterError;

/**
 * AudImportKind:
 * @AUD_IMPORT_CUSTOMERS: profiles, one row per customer
 * @AUD_IMPORT_EVENTS: activity, one row per event
 */
typedef enum
{
  AUD_IMPORT_CUSTOMERS,
  AUD_IMPORT_EVENTS,
} AudImportKind;

/* "customers", "events" */
const char          *aud_import_kind_to_string       (AudImportKind            kind);
gboolean             aud_import_kind_from_string     (const char              *str,
                                                      AudImportKind           *kind);

/**
 * AudImportColumn:
 * @name: the column as named by the reader (header name, `Column 3`, or a
 *   dotted JSON key)
 * @skip: do not import this column (ignored for the id, event-name and time
 *   columns, which are always used)
 * @field: (nullable): the field (customers) or event property (events) to
 *   store it in; NULL means @name
 * @format: how to read the cells: the type of a new field, and its number
 *   and date format. For the time column: its date order (or epoch)
 * @role: the role of a new field
 * @profile: events with create_customers: also a profile field of the
 *   customers created (same field name, customer scope)
 *
 * What to do with one column of the file.
 */
typedef struct
{
  char            *name;
  gboolean         skip;
  char            *field;
  AudColumnFormat  format;
  AudFieldRole     role;
  gboolean         profile;
} AudImportColumn;

/**
 * AudImportMapping:
 * @kind: customers or events
 * @read: how to read the file (format, encoding, delimiter, quote, header);
 *   a preview's mapping holds what was sniffed, so the run reads the file
 *   the same way
 * @blank_markers: (nullable) (array zero-terminated=1): texts that also mean
 *   blank ("NA", "n/a"...), besides empty and white-space-only cells
 * @columns: (element-type AudImportColumn): one entry per column; columns of
 *   the file that have no entry are imported as text fields named after
 *   the column (JSON keys first seen after the preview), with a note
 * @id_column: (nullable): customers: the id column, or NULL to number the
 *   customers by row; events: the customer id column (required)
 * @event_column: (nullable): events: the column holding the event name
 * @event_name: (nullable): events: the name of every event of the file,
 *   when @event_column is NULL (an orders file as `purchase` events)
 * @time_column: (nullable): events: the time column (required)
 * @create_customers: events: an id that is not a customer becomes one
 *
 * What to import and how. Build one with aud_import_preview_dup_mapping()
 * (or aud_import_mapping_new() and fill it), edit the fields directly.
 */
typedef struct
{
  AudImportKind    kind;
  AudReadOptions   read;
  GStrv            blank_markers;
  GPtrArray       *columns;
  char            *id_column;
  char            *event_column;
  char            *event_name;
  char            *time_column;
  gboolean         create_customers;
} AudImportMapping;

#define AUD_TYPE_IMPORT_MAPPING (aud_import_mapping_get_type ())

GType                aud_import_mapping_get_type     (void) G_GNUC_CONST;
AudImportMapping    *aud_import_mapping_new          (AudImportKind            kind);
AudImportMapping    *aud_import_mapping_copy         (const AudImportMapping  *mapping);
void                 aud_import_mapping_free         (AudImportMapping        *mapping);

/**
 * aud_import_mapping_add_column:
 * @self: a mapping
 * @name: the column name
 * @format: (nullable): how to read it (NULL: text)
 * @role: the role of a new field
 *
 * Appends an entry for @name, or returns the existing one (unchanged).
 *
 * Returns: (transfer none): the entry, owned by @self
 */
AudImportColumn     *aud_import_mapping_add_column   (AudImportMapping        *self,
                                                      const char              *name,
                                                      const AudColumnFormat   *format,
                                                      AudFieldRole             role);

/* Returns: (transfer none) (nullable): the entry for column @name */
AudImportColumn     *aud_import_mapping_get_column   (const AudImportMapping  *self,
                                                      const char              *name);

/**
 * aud_import_mapping_check:
 * @self: a mapping
 * @columns: (nullable) (array zero-terminated=1): the file's columns, to
 *   check that the named columns exist (NULL: not checked)
 * @error: %AUD_IMPORTER_ERROR_MAPPING with a sentence to show
 *
 * Whether @self can run: events need a customer column, a time column and
 * an event-name column or name; two columns may not go to one field; the
 * named columns must be in @columns.
 *
 * Returns: TRUE when the mapping is complete
 */
gboolean             aud_import_mapping_check        (const AudImportMapping  *self,
                                                      const char * const      *columns,
                                                      GError                 **error);

/**
 * aud_import_mapping_to_json:
 * @self: a mapping
 *
 * The mapping as a JSON object (stored in the import log, read back by
 * aud_import_mapping_new_from_json()):
 *
 * |[
 * { "kind": "events",
 *   "read": { "format": "csv", "encoding": "utf-8", "delimiter": ",",
 *             "quote": "\"", "header": true },
 *   "blank": ["n/a"],
 *   "id_column": "CustomerID", "event_column": null, "event_name": "purchase",
 *   "time_column": "InvoiceDate", "create_customers": true,
 *   "columns": [ { "name": "UnitPrice", "skip": false, "field": "Price",
 *                  "type": "decimal", "decimal_mark": ".", "group_mark": "",
 *                  "date_order": "ymd", "scale": 2, "epoch": false,
 *                  "role": "none", "profile": false } ] }
 * ]|
 *
 * `group_mark` is "", ",", ".", " ", "'" or "nbsp"; `date_order` "ymd",
 * "dmy" or "mdy"; `header` true, false or absent (sniff); types and roles by
 * their names in aud-types.h.
 *
 * Returns: (transfer full): compact JSON text
 */
char                *aud_import_mapping_to_json      (const AudImportMapping  *self);
AudImportMapping    *aud_import_mapping_new_from_json (const char             *json,
                                                       GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudImportMapping, aud_import_mapping_free)

/**
 * AudImportPreviewRow:
 * @line: the file line where the row starts
 * @problem: what the reader found wrong with it
 * @problem_text: (nullable): the reader's sentence about it
 * @n_cells: number of cells
 * @cells: (array length=n_cells): cell texts; NULL for a missing cell
 */
typedef struct
{
  guint64        line;
  AudRowProblem  problem;
  char          *problem_text;
  guint          n_cells;
  char         **cells;
} AudImportPreviewRow;

/**
 * AudImportPreview:
 * @path: the file
 * @sniff: what was detected (or given) about the file, with warnings
 * @columns: (array zero-terminated=1): the column names, in file order
 * @n_columns: their number
 * @rows: (element-type AudImportPreviewRow): the first rows, flagged ones
 *   included, as read
 * @guesses: (element-type AudColumnGuess): one per column, in order,
 *   inferred from the first AUD_INFER_SAMPLE_ROWS rows
 * @n_sampled: rows read for the guesses
 * @complete: the whole file was read for the guesses
 * @total_bytes: the file's size
 * @kind: the kind the columns suggest (events when a column looks like an
 *   event time or name)
 *
 * The first rows of a file and what was guessed about them, for the import
 * assistant. Plain data: any thread may read it once made.
 */
typedef struct
{
  char            *path;
  AudSniff        *sniff;
  GStrv            columns;
  guint            n_columns;
  GPtrArray       *rows;
  GPtrArray       *guesses;
  guint            n_sampled;
  gboolean         complete;
  guint64          total_bytes;
  AudImportKind    kind;
  /* < private > */
  GStrv            blank_markers;
} AudImportPreview;

/* How many rows a preview keeps by default. */
#define AUD_IMPORT_PREVIEW_ROWS 100

/**
 * aud_import_preview_new:
 * @path: the file
 * @options: (nullable): how to read it; NULL or AUTO parts are sniffed
 * @blank_markers: (nullable) (array zero-terminated=1): extra blank texts
 * @n_rows: rows to keep for display (0: AUD_IMPORT_PREVIEW_ROWS)
 * @cancellable: (nullable): a cancellable
 * @error: a reader or sniff error (file, line), or G_IO_ERROR_CANCELLED
 *
 * Blocking I/O: call it from a worker (or use the async form) in a GUI.
 *
 * Returns: (transfer full): the preview, or NULL with @error set
 */
AudImportPreview    *aud_import_preview_new          (const char              *path,
                                                      const AudReadOptions    *options,
                                                      const char * const      *blank_markers,
                                                      guint                    n_rows,
                                                      GCancellable            *cancellable,
                                                      GError                 **error);
void                 aud_import_preview_new_async    (const char              *path,
                                                      const AudReadOptions    *options,
                                                      const char * const      *blank_markers,
                                                      guint                    n_rows,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
AudImportPreview    *aud_import_preview_new_finish   (GAsyncResult            *result,
                                                      GError                 **error);
void                 aud_import_preview_free         (AudImportPreview        *preview);

/**
 * aud_import_preview_dup_mapping:
 * @self: a preview
 * @kind: what to import the file as
 *
 * The default mapping for @kind: every column imported with its guessed
 * type and role, the read options as sniffed; for customers the id column
 * is the first column guessed as a customer id (else none: row numbers); for
 * events the customer column is the first guessed as a customer id, the
 * event-name and time columns the first with those roles (the time column
 * else the first date-time or date column), and without an event-name column
 * the fixed event name is the file's base name. The columns used as id,
 * name and time are not also imported as fields.
 *
 * Returns: (transfer full): a new mapping
 */
AudImportMapping    *aud_import_preview_dup_mapping  (const AudImportPreview  *self,
                                                      AudImportKind            kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudImportPreview, aud_import_preview_free)

/**
 * AudRejectGroup:
 * @reason: a translated sentence naming the kind of problem ("CustomerID
 *   is blank", "Wrong number of fields")
 * @count: rows rejected for it
 * @first_line: the first line it happened at
 */
typedef struct
{
  char    *reason;
  guint64  count;
  guint64  first_line;
} AudRejectGroup;

/**
 * AudImportSummary:
 * @import_id: the row of the import log (`imports.id`)
 * @kind: what was imported
 * @file: the file's absolute path
 * @size: its size in bytes
 * @sha256: its SHA-256, lower-case hex
 * @rows_read: data rows read (rejected ones included)
 * @rows_inserted: customers: new customers; events: events stored
 * @rows_updated: customers: rows that updated a customer (0 for events)
 * @rows_rejected: rows in the reject table
 * @rows_unknown_customer: events stored without a customer (their id is not
 *   a customer)
 * @unknown_customers: distinct ids among those
 * @customers_created: events with create_customers: customers created
 * @events_linked: events of earlier imports linked to a customer by this one
 * @ids_from_row_numbers: customers without an id column
 * @reject_groups: (element-type AudRejectGroup): why rows were rejected, in
 *   order of first appearance
 * @notes: (element-type utf8): translated sentences: type changes, row
 *   number ids, columns added, reader warnings...
 * @started: when it started, UTC seconds
 * @duration_ms: how long it took
 * @data_version: the workspace data version after the import (0 in
 *   summaries read back by aud_importer_list_imports())
 *
 * What an import did. Plain data.
 */
typedef struct
{
  gint64         import_id;
  AudImportKind  kind;
  char          *file;
  guint64        size;
  char          *sha256;
  guint64        rows_read;
  guint64        rows_inserted;
  guint64        rows_updated;
  guint64        rows_rejected;
  guint64        rows_unknown_customer;
  guint64        unknown_customers;
  guint64        customers_created;
  guint64        events_linked;
  gboolean       ids_from_row_numbers;
  GPtrArray     *reject_groups;
  GPtrArray     *notes;
  gint64         started;
  gint64         duration_ms;
  gint64         data_version;
} AudImportSummary;

#define AUD_TYPE_IMPORT_SUMMARY (aud_import_summary_get_type ())

GType                aud_import_summary_get_type     (void) G_GNUC_CONST;
AudImportSummary    *aud_import_summary_copy         (const AudImportSummary  *summary);
void                 aud_import_summary_free         (AudImportSummary        *summary);

/**
 * aud_import_summary_to_text:
 * @self: a summary
 *
 * A translated report: a first line such as "Imported 7,043 customers
 * (7,043 new, 0 updated) from FILE; 0 rows rejected", then one line per
 * unknown-customer count, note and reject reason. Numbers use the locale's
 * digit grouping.
 *
 * Returns: (transfer full): the text, lines ending in "\n"
 */
char                *aud_import_summary_to_text      (const AudImportSummary  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudImportSummary, aud_import_summary_free)

GQuark               aud_importer_error_quark        (void);

/**
 * aud_importer_run:
 * @store: the workspace, writable; used by this thread only while running
 * @path: the file to import
 * @mapping: what to import and how (see aud_import_mapping_check())
 * @cancellable: (nullable): checked every few hundred rows and during long
 *   statements
 * @progress: (nullable): receives the fraction of bytes read, the rows read
 *   and a message, about every 100 ms
 * @error: %AUD_IMPORTER_ERROR_MAPPING, a reader error, an %AUD_STORE_ERROR,
 *   or G_IO_ERROR_CANCELLED
 *
 * Imports @path in one transaction, with its import log row and a data
 * version bump. On failure or cancel nothing is changed.
 *
 * Returns: (transfer full): the summary, or NULL with @error set
 */
AudImportSummary    *aud_importer_run                (AudStore                *store,
                                                      const char              *path,
                                                      const AudImportMapping  *mapping,
                                                      GCancellable            *cancellable,
                                                      AudProgress             *progress,
                                                      GError                 **error);

/**
 * aud_importer_run_async:
 * @store: the workspace; only its path is used: the import runs in a
 *   thread on its own connection
 * @path: the file
 * @mapping: copied
 * @cancellable: (nullable): a cancellable
 * @progress: (nullable): created on the calling thread, which then gets its
 *   notifications
 * @callback: called on the calling thread's main context
 * @user_data: for @callback
 *
 * Runs aud_importer_run() in a worker thread.
 */
void                 aud_importer_run_async          (AudStore                *store,
                                                      const char              *path,
                                                      const AudImportMapping  *mapping,
                                                      GCancellable            *cancellable,
                                                      AudProgress             *progress,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
AudImportSummary    *aud_importer_run_finish         (AudStore                *store,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

/**
 * aud_importer_list_imports:
 * @store: a workspace
 * @max: how many at most (0: all)
 * @error: an %AUD_STORE_ERROR
 *
 * The import log, newest first, as summaries read back from the `imports`
 * table: their @reject_groups are empty (see aud_importer_foreach_reject()
 * for the rejected rows) and @ids_from_row_numbers, @unknown_customers,
 * @customers_created and @events_linked are not kept (0), but @notes say
 * what they said.
 *
 * Returns: (transfer full) (element-type AudImportSummary): the imports, or
 *   NULL with @error set
 */
GPtrArray           *aud_importer_list_imports       (AudStore                *store,
                                                      guint                    max,
                                                      GError                 **error);

/**
 * AudReject:
 * @import_id: the import it belongs to
 * @line: the file line where the row starts
 * @reason: why it was rejected
 * @raw: (nullable): the row's text, cut to AUD_READER_MAX_RAW bytes
 *
 * A row of the reject table; borrowed, valid during the callback.
 */
typedef struct
{
  gint64      import_id;
  guint64     line;
  const char *reason;
  const char *raw;
} AudReject;

/* Returns FALSE to stop. */
typedef gboolean (*AudRejectFunc) (const AudReject *reject,
                                   gpointer         user_data);

/**
 * aud_importer_foreach_reject:
 * @store: a workspace
 * @import_id: an import, or 0 for every import
 * @func: called for each rejected row, by import then line
 * @user_data: for @func
 * @error: an %AUD_STORE_ERROR; %AUD_STORE_ERROR_NOT_FOUND when there is no
 *   import @import_id
 *
 * Returns: TRUE when all rows were visited (or @func stopped)
 */
gboolean             aud_importer_foreach_reject     (AudStore                *store,
                                                      gint64                   import_id,
                                                      AudRejectFunc            func,
                                                      gpointer                 user_data,
                                                      GError                 **error);

G_END_DECLS
