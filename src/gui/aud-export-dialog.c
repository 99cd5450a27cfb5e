/* aud-export-dialog.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-export-dialog.h"
#include "aud-format.h"

/* Count again this long after the last change of the options. */
#define PLAN_DELAY_MS 200

/* The column of the customer id, as the exporter names it. */
#define CUSTOMER_ID_COLUMN "customer_id"

struct _AudExportDialog
{
  AdwWindow             parent_instance;

  /* template widgets */
  AdwWindowTitle       *window_title;
  GtkButton            *close_button;
  GtkButton            *export_button;
  GtkButton            *suppress_button;
  GtkButton            *cancel_export_button;
  GtkStack             *stack;
  AdwActionRow         *written_row;
  GtkSpinner           *plan_spinner;
  GtkLabel             *written_label;
  AdwExpanderRow       *left_out_row;
  GtkLabel             *left_out_label;
  AdwComboRow          *format_row;
  AdwActionRow         *bom_row;
  GtkSwitch            *bom_switch;
  AdwComboRow          *preset_row;
  AdwPreferencesGroup  *columns_group;
  AdwExpanderRow       *columns_row;
  AdwActionRow         *unconsented_row;
  GtkSwitch            *unconsented_switch;
  AdwActionRow         *suppress_row;
  GtkButton            *suppress_clear_button;
  AdwComboRow          *changes_row;
  GtkProgressBar       *progress_bar;

  /* borrowed: rows inside columns_row and left_out_row */
  GPtrArray            *column_checks;   /* (element-type GtkCheckButton) */
  GPtrArray            *left_out_rows;   /* (element-type AdwActionRow) */

  /* owned */
  char                 *path;            /* the workspace */
  char                 *segment_name;    /* NULL for an unsaved definition */
  AudSegment           *definition;
  AudEngine            *engine;
  GPtrArray            *fields;          /* (element-type AudField): customer fields */
  char                 *suppress;        /* the suppression list file, or NULL */
  roaring_bitmap_t     *members;         /* the segment's members, once counted */
  AudExportSummary     *plan;            /* the latest dry run */
  AudProgress          *progress;        /* of the running export */
  GtkFileChooserNative *chooser;
  GCancellable         *prepare_cancellable;
  GCancellable         *plan_cancellable;
  GCancellable         *export_cancellable;
  guint                 plan_source;
  guint                 n_busy;
  gboolean              filling;         /* the column rows are being set */
};

G_DEFINE_FINAL_TYPE (AudExportDialog, aud_export_dialog, ADW_TYPE_WINDOW)

enum {
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const AudExportFormat formats[] = {
  AUD_EXPORT_FORMAT_CSV, AUD_EXPORT_FORMAT_JSON, AUD_EXPORT_FORMAT_JSONL,
};
static const char * const extensions[] = { "csv", "json", "jsonl" };
static const AudExportChanges changes[] = {
  AUD_EXPORT_CHANGES_ALL, AUD_EXPORT_CHANGES_ADDED, AUD_EXPORT_CHANGES_REMOVED,
};

/* --- the worker ------------------------------------------------------------------ */

/* One job for the worker: counting the members (members NULL), a dry run
 * (file NULL) or an export. */
typedef struct
{
  char             *store_path;
  AudEngine        *engine;
  AudSegment       *definition;
  roaring_bitmap_t *members;
  char             *file;
  AudExportOptions  options;
  AudProgress      *progress;
} Job;

/* What a job gives back. */
typedef struct
{
  GPtrArray        *fields;    /* counting: (element-type AudField) */
  roaring_bitmap_t *members;   /* counting */
  AudExportSummary *summary;   /* dry run, export */
} JobResult;

static void
job_free (Job *job)
{
  g_free (job->store_path);
  g_clear_object (&job->engine);
  g_clear_pointer (&job->definition, aud_segment_free);
  g_clear_pointer (&job->members, roaring_bitmap_free);
  g_free (job->file);
  aud_export_options_clear (&job->options);
  g_clear_object (&job->progress);
  g_free (job);
}

static void
job_result_free (JobResult *result)
{
  g_clear_pointer (&result->fields, g_ptr_array_unref);
  g_clear_pointer (&result->members, roaring_bitmap_free);
  g_clear_pointer (&result->summary, aud_export_summary_free);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JobResult, job_result_free)

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(JobResult) result = g_new0 (JobResult, 1);
  GError *error = NULL;
  gboolean ok;

  store = aud_store_open (job->store_path, AUD_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->members == NULL)
    {
      result->fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
      result->members = aud_engine_evaluate (job->engine, store, job->definition,
                                             aud_engine_get_default_now (store), cancellable,
                                             &error);
      ok = result->members != NULL;
    }
  else
    {
      aud_store_watch_cancellable (store, cancellable);
      if (job->file == NULL)
        result->summary = aud_exporter_plan (store, job->members, &job->options, cancellable,
                                             &error);
      else
        result->summary = aud_exporter_run (store, job->members, job->file, &job->options,
                                            job->progress, cancellable, &error);
      aud_store_watch_cancellable (store, NULL);
      ok = result->summary != NULL;
    }

  if (ok)
    g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify)job_result_free);
  else
    g_task_return_error (task, error);
}

static void update_actions (AudExportDialog *self);

static void
set_busy (AudExportDialog *self,
          gboolean         busy)
{
  if (busy)
    self->n_busy++;
  else
    self->n_busy--;

  gtk_spinner_set_spinning (self->plan_spinner, self->n_busy > 0 && self->progress == NULL);
  update_actions (self);
}

/* Runs @job in a worker; @callback gets the dialog as source object. */
static void
start_job (AudExportDialog     *self,
           Job                 *job,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, NULL);

  job->store_path = g_strdup (self->path);
  set_busy (self, TRUE);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  g_task_run_in_thread (task, job_thread);
}

/* --- options ---------------------------------------------------------------------- */

static const AudPreset *
selected_preset (AudExportDialog *self)
{
  guint n_presets;
  const AudPreset *presets = aud_preset_list (&n_presets);
  guint selected = adw_combo_row_get_selected (self->preset_row);

  return &presets[selected < n_presets ? selected : 0];
}

static gboolean
is_generic (const AudPreset *preset)
{
  return preset->n_columns == 0;
}

/* The column names checked, in order. */
static GStrv
checked_columns (AudExportDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->column_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->column_checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (check), "column"));
    }

  return g_strv_builder_end (builder);
}

static void
build_options (AudExportDialog  *self,
               AudExportOptions *options)
{
  const AudPreset *preset = selected_preset (self);
  guint format = adw_combo_row_get_selected (self->format_row);
  guint change = adw_combo_row_get_selected (self->changes_row);
  g_auto(GStrv) columns = checked_columns (self);

  *options = AUD_EXPORT_OPTIONS_INIT;
  options->format = formats[MIN (format, G_N_ELEMENTS (formats) - 1)];
  options->preset = g_strdup (preset->name);
  options->bom = options->format == AUD_EXPORT_FORMAT_CSV &&
                 gtk_switch_get_active (self->bom_switch);
  options->include_unconsented = preset->consent != AUD_CONSENT_NONE &&
                                 gtk_switch_get_active (self->unconsented_switch);
  options->suppress = g_strdup (self->suppress);
  options->changes = self->segment_name != NULL ?
                     changes[MIN (change, G_N_ELEMENTS (changes) - 1)] :
                     AUD_EXPORT_CHANGES_ALL;
  options->segment_name = g_strdup (self->segment_name);
  options->definition = aud_segment_to_json (self->definition, FALSE);

  /* Generic exports take the checked columns; presets add them after
   * their own. */
  if (is_generic (preset) || g_strv_length (columns) > 0)
    options->columns = g_steal_pointer (&columns);
}

static void
update_actions (AudExportDialog *self)
{
  gboolean exporting = self->progress != NULL;
  gboolean can_export = !exporting && self->plan != NULL && self->plan_source == 0 &&
                        self->n_busy == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.export", can_export);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.cancel", exporting);
}

/* --- the dry run ------------------------------------------------------------------ */

static void
clear_left_out (AudExportDialog *self)
{
  for (guint i = 0; i < self->left_out_rows->len; i++)
    adw_expander_row_remove (self->left_out_row, g_ptr_array_index (self->left_out_rows, i));
  g_ptr_array_set_size (self->left_out_rows, 0);
}

/* A row of those left out for one reason: @title, and @format (with the
 * count) for the summary in @subtitle. */
static void
add_left_out (AudExportDialog *self,
              GString         *subtitle,
              const char      *title,
              const char      *format,
              guint64          n)
{
  g_autofree char *count = NULL;
  GtkWidget *row;
  GtkWidget *label;

  if (n == 0)
    return;

  count = aud_format_count ((gint64)n);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  label = gtk_label_new (count);
  gtk_widget_add_css_class (label, "count-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_expander_row_add_row (self->left_out_row, row);
  g_ptr_array_add (self->left_out_rows, row);

  if (subtitle->len > 0)
    g_string_append (subtitle, " · ");
  g_string_append_printf (subtitle, format, count);
}

static void
show_plan (AudExportDialog *self)
{
  const AudExportSummary *plan = self->plan;
  const AudPreset *preset = selected_preset (self);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *written = NULL;
  g_autofree char *left_out = NULL;
  const char *consent = NULL;
  const char *consent_format = NULL;
  guint64 n_left_out;

  clear_left_out (self);

  written = aud_format_count ((gint64)plan->n_written);
  gtk_label_set_label (self->written_label, written);
  {
    g_autofree char *members = aud_format_count ((gint64)plan->n_members);

    /* Translators: below the number of customers in the file */
    g_string_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, "Of %s member", "Of %s members",
                                            plan->n_members),
                     members);
  }
  for (guint i = 0; i < plan->warnings->len; i++)
    g_string_append_printf (subtitle, "\n%s", (const char *)g_ptr_array_index (plan->warnings, i));
  adw_action_row_set_subtitle (self->written_row, subtitle->str);
  g_string_truncate (subtitle, 0);

  /* Those without consent are left out unless they are included. */
  if (plan->n_unconsented > 0 && !gtk_switch_get_active (self->unconsented_switch))
    {
      guint64 n = plan->n_unconsented;

      if (preset->consent == AUD_CONSENT_EMAIL)
        {
          consent = _("Without email consent");
          /* Translators: a reason customers are left out: "12 without email consent" */
          consent_format = g_dngettext (GETTEXT_PACKAGE, "%s without email consent",
                                        "%s without email consent", n);
        }
      else if (preset->consent == AUD_CONSENT_SMS)
        {
          consent = _("Without SMS consent");
          consent_format = g_dngettext (GETTEXT_PACKAGE, "%s without SMS consent",
                                        "%s without SMS consent", n);
        }
      else
        {
          consent = _("Without advertising consent");
          consent_format = g_dngettext (GETTEXT_PACKAGE, "%s without advertising consent",
                                        "%s without advertising consent", n);
        }
      add_left_out (self, subtitle, consent, consent_format, n);
    }

  add_left_out (self, subtitle, _("On the suppression list"),
                /* Translators: a reason customers are left out: "3 suppressed" */
                g_dngettext (GETTEXT_PACKAGE, "%s suppressed", "%s suppressed",
                             plan->n_suppressed),
                plan->n_suppressed);
  add_left_out (self, subtitle, _("Without a usable email or phone number"),
                g_dngettext (GETTEXT_PACKAGE, "%s without a usable identifier",
                             "%s without a usable identifier", plan->n_no_identifier),
                plan->n_no_identifier);
  add_left_out (self, subtitle, _("Duplicates, merged into the first"),
                g_dngettext (GETTEXT_PACKAGE, "%s duplicate", "%s duplicates", plan->n_merged),
                plan->n_merged);

  n_left_out = (consent != NULL ? plan->n_unconsented : 0) + plan->n_suppressed +
               plan->n_no_identifier + plan->n_merged;
  left_out = aud_format_count ((gint64)n_left_out);
  gtk_label_set_label (self->left_out_label, left_out);
  adw_expander_row_set_subtitle (self->left_out_row,
                                 subtitle->len > 0 ? subtitle->str : _("No one"));
  adw_expander_row_set_enable_expansion (self->left_out_row, n_left_out > 0);
}

static void
show_plan_error (AudExportDialog *self,
                 const GError    *error)
{
  clear_left_out (self);
  gtk_label_set_label (self->written_label, "—");
  gtk_label_set_label (self->left_out_label, "");
  adw_action_row_set_subtitle (self->written_row, error->message);
  adw_expander_row_set_subtitle (self->left_out_row, NULL);
  adw_expander_row_set_enable_expansion (self->left_out_row, FALSE);
}

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AudExportDialog *self = AUD_EXPORT_DIALOG (object);
  g_autoptr(JobResult) job_result = NULL;
  g_autoptr(GError) error = NULL;

  job_result = g_task_propagate_pointer (G_TASK (result), &error);
  if (job_result == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_busy (self, FALSE);
      return;
    }

  g_clear_pointer (&self->plan, aud_export_summary_free);
  if (job_result == NULL)
    {
      g_debug ("The export cannot be made as it is: %s", error->message);
      show_plan_error (self, error);
    }
  else
    {
      self->plan = g_steal_pointer (&job_result->summary);
      show_plan (self);
    }

  set_busy (self, FALSE);
}

static void
run_plan (AudExportDialog *self)
{
  Job *job;

  g_cancellable_cancel (self->plan_cancellable);
  g_clear_object (&self->plan_cancellable);

  if (self->members == NULL || self->progress != NULL)
    return;

  job = g_new0 (Job, 1);
  job->members = roaring_bitmap_copy (self->members);
  build_options (self, &job->options);

  self->plan_cancellable = g_cancellable_new ();
  start_job (self, job, self->plan_cancellable, plan_cb);
}

static gboolean
plan_timeout_cb (gpointer user_data)
{
  AudExportDialog *self = user_data;

  self->plan_source = 0;
  run_plan (self);
  update_actions (self);

  return G_SOURCE_REMOVE;
}

static void
queue_plan (AudExportDialog *self)
{
  if (self->filling || self->members == NULL)
    return;

  g_clear_handle_id (&self->plan_source, g_source_remove);
  self->plan_source = g_timeout_add (PLAN_DELAY_MS, plan_timeout_cb, self);
  update_actions (self);
}

static void
on_option_changed_cb (AudExportDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->bom_row),
                            adw_combo_row_get_selected (self->format_row) == 0);
  queue_plan (self);
}

/* --- columns and presets ---------------------------------------------------------- */

static void
update_columns_subtitle (AudExportDialog *self)
{
  g_auto(GStrv) columns = checked_columns (self);
  g_autofree char *subtitle = NULL;

  /* Translators: how many columns are checked: "12 of 20" */
  subtitle = g_strdup_printf (_("%u of %u"), g_strv_length (columns), self->column_checks->len);
  adw_expander_row_set_subtitle (self->columns_row, subtitle);
}

static void
on_column_toggled_cb (AudExportDialog *self)
{
  if (self->filling)
    return;

  update_columns_subtitle (self);
  queue_plan (self);
}

static void
add_column_row (AudExportDialog *self,
                const char      *column,
                const char      *title,
                const char      *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  g_object_set_data_full (G_OBJECT (check), "column", g_strdup (column), g_free);
  g_signal_connect_object (check, "toggled", G_CALLBACK (on_column_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  /* Named once: by its label, not again by the row's title. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  adw_expander_row_add_row (self->columns_row, row);
  g_ptr_array_add (self->column_checks, check);
}

static void
fill_columns (AudExportDialog *self)
{
  add_column_row (self, CUSTOMER_ID_COLUMN, _("Customer ID"), _("The id as imported"));
  for (guint i = 0; i < self->fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (self->fields, i);

      add_column_row (self, field->name, field->name, aud_field_type_get_label (field->type));
    }
}

/* Checks every column for the generic preset and none for the others
 * (their own columns come first), and says so. */
static void
reset_columns (AudExportDialog *self)
{
  const AudPreset *preset = selected_preset (self);
  gboolean generic = is_generic (preset);

  self->filling = TRUE;
  for (guint i = 0; i < self->column_checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (self->column_checks, i), generic);
  self->filling = FALSE;

  if (generic)
    adw_preferences_group_set_description (self->columns_group,
                                           _("The columns of the file, in this order"));
  else
    {
      g_autoptr(GString) headers = g_string_new (NULL);
      g_autofree char *description = NULL;

      for (guint i = 0; i < preset->n_columns; i++)
        g_string_append_printf (headers, "%s%s", i > 0 ? ", " : "", preset->columns[i].header);
      /* Translators: %s lists the preset's own columns */
      description = g_strdup_printf (_("Added after the preset’s own columns: %s"), headers->str);
      adw_preferences_group_set_description (self->columns_group, description);
    }

  update_columns_subtitle (self);
}

static void
update_consent (AudExportDialog *self)
{
  const AudPreset *preset = selected_preset (self);
  const char *subtitle;

  switch (preset->consent)
    {
    case AUD_CONSENT_EMAIL:
      subtitle = _("This preset needs email consent");
      break;
    case AUD_CONSENT_SMS:
      subtitle = _("This preset needs SMS consent");
      break;
    case AUD_CONSENT_ADS:
      subtitle = _("This preset needs advertising consent");
      break;
    case AUD_CONSENT_NONE:
    default:
      subtitle = _("This preset needs no consent");
      break;
    }

  adw_action_row_set_subtitle (self->unconsented_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unconsented_switch),
                            preset->consent != AUD_CONSENT_NONE);
}

static void
on_preset_changed_cb (AudExportDialog *self)
{
  reset_columns (self);
  update_consent (self);
  queue_plan (self);
}

/* --- suppression list --------------------------------------------------------------- */

static void
set_suppress (AudExportDialog *self,
              const char      *path)
{
  g_autofree char *name = path != NULL ? g_filename_display_basename (path) : NULL;

  g_free (self->suppress);
  self->suppress = g_strdup (path);
  adw_action_row_set_subtitle (self->suppress_row,
                               name != NULL ? name : _("None: no one is left out for it"));
  gtk_widget_set_visible (GTK_WIDGET (self->suppress_clear_button), path != NULL);
  queue_plan (self);
}

static void
on_suppress_response_cb (AudExportDialog      *self,
                         int                   response,
                         GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      set_suppress (self, path);
    }

  g_clear_object (&self->chooser);
}

static void
on_suppress_choose_clicked_cb (AudExportDialog *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose a Suppression List"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                               _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Lists and CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/plain");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_suppress_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_suppress_clear_clicked_cb (AudExportDialog *self)
{
  set_suppress (self, NULL);
}

/* --- counting the members --------------------------------------------------------- */

static void
prepare_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AudExportDialog *self = AUD_EXPORT_DIALOG (object);
  g_autoptr(JobResult) job_result = NULL;
  g_autoptr(GError) error = NULL;

  job_result = g_task_propagate_pointer (G_TASK (result), &error);
  set_busy (self, FALSE);

  if (job_result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not count the members of %s: %s",
                     self->segment_name != NULL ? self->segment_name : "a segment",
                     error->message);
          show_plan_error (self, error);
        }
      return;
    }

  self->fields = g_steal_pointer (&job_result->fields);
  self->members = g_steal_pointer (&job_result->members);
  fill_columns (self);
  reset_columns (self);
  update_consent (self);
  run_plan (self);
}

/* --- exporting ----------------------------------------------------------------------- */

static void
show_error (AudExportDialog *self,
            const GError    *error)
{
  g_autofree char *sentence = NULL;
  GtkWidget *dialog;

  if (self->segment_name != NULL)
    sentence = g_strdup_printf (_("“%s” could not be exported."), self->segment_name);
  else
    sentence = g_strdup (_("The segment could not be exported."));

  g_warning ("%s %s", sentence, error->message);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Export Failed"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s", sentence,
                                  error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_progress_notify_cb (AudExportDialog *self,
                       GParamSpec      *pspec,
                       AudProgress     *progress)
{
  g_autofree char *done = aud_format_count (aud_progress_get_n_processed (progress));
  g_autofree char *total = aud_format_count (self->plan != NULL ? self->plan->n_written : 0);
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, aud_progress_get_fraction (progress));
  /* Translators: export progress: "12,000 of 100,000" */
  text = g_strdup_printf (_("%s of %s"), done, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AudExportDialog *self = AUD_EXPORT_DIALOG (object);
  g_autoptr(JobResult) job_result = NULL;
  g_autoptr(GError) error = NULL;

  job_result = g_task_propagate_pointer (G_TASK (result), &error);

  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_func (self->progress, on_progress_notify_cb, self);
  g_clear_object (&self->progress);
  g_clear_object (&self->export_cancellable);
  set_busy (self, FALSE);

  if (job_result != NULL)
    {
      g_signal_emit (self, signals[EXPORTED], 0, job_result->summary);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "options");
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error);
}

static void
on_export_response_cb (AudExportDialog      *self,
                       int                   response,
                       GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    aud_export_dialog_export_to (self, file);

  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudExportDialog *self = AUD_EXPORT_DIALOG (widget);
  guint format = MIN (adw_combo_row_get_selected (self->format_row), G_N_ELEMENTS (extensions) - 1);
  g_autofree char *name = NULL;

  name = g_strdup_printf ("%s.%s", self->segment_name != NULL ? self->segment_name : _("segment"),
                          extensions[format]);
  g_strdelimit (name, "/\\", '-');

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Segment"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                               _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_export_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudExportDialog *self = AUD_EXPORT_DIALOG (widget);

  g_cancellable_cancel (self->export_cancellable);
}

/* --- the toast ---------------------------------------------------------------------- */

static void
show_items_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree char *folder_uri = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      /* No file manager to point at the file: open its folder. */
      g_debug ("Could not show the exported file: %s", error->message);
      gtk_show_uri (NULL, folder_uri, GDK_CURRENT_TIME);
    }
}

static void
on_toast_button_clicked_cb (AdwToast *toast)
{
  const char *file = g_object_get_data (G_OBJECT (toast), "file");
  g_autoptr(GFile) gfile = g_file_new_for_path (file);
  g_autoptr(GFile) folder = g_file_get_parent (gfile);
  g_autofree char *uri = g_file_get_uri (gfile);
  g_autofree char *folder_uri = g_file_get_uri (folder);
  GApplication *application = g_application_get_default ();
  GDBusConnection *bus = application != NULL ? g_application_get_dbus_connection (application) :
                                               NULL;
  const char *uris[] = { uri, NULL };

  if (bus == NULL)
    {
      gtk_show_uri (NULL, folder_uri, GDK_CURRENT_TIME);
      return;
    }

  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL, G_DBUS_CALL_FLAGS_NONE,
                          -1, NULL, show_items_cb, g_steal_pointer (&folder_uri));
}

/**
 * aud_export_toast_new:
 * @summary: what an export did
 *
 * Returns: (transfer floating): a toast saying so, with "Open Folder"
 */
AdwToast *
aud_export_toast_new (const AudExportSummary *summary)
{
  g_autofree char *count = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_return_val_if_fail (summary != NULL && summary->file != NULL, NULL);

  count = aud_format_count ((gint64)summary->n_written);
  name = g_filename_display_basename (summary->file);
  /* Translators: "Exported 1,204 customers to list.csv" */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %s customer to %s",
                                        "Exported %s customers to %s", summary->n_written),
                           count, name);

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("Open Folder"));
  adw_toast_set_timeout (toast, 8);
  g_object_set_data_full (G_OBJECT (toast), "file", g_strdup (summary->file), g_free);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_toast_button_clicked_cb), NULL);

  return toast;
}

/* --- GObject ------------------------------------------------------------------------ */

static void
aud_export_dialog_dispose (GObject *object)
{
  AudExportDialog *self = (AudExportDialog *)object;

  g_cancellable_cancel (self->prepare_cancellable);
  g_cancellable_cancel (self->plan_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->prepare_cancellable);
  g_clear_object (&self->plan_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_handle_id (&self->plan_source, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (aud_export_dialog_parent_class)->dispose (object);
}

static void
aud_export_dialog_finalize (GObject *object)
{
  AudExportDialog *self = (AudExportDialog *)object;

  g_clear_pointer (&self->column_checks, g_ptr_array_unref);
  g_clear_pointer (&self->left_out_rows, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->segment_name, g_free);
  g_clear_pointer (&self->definition, aud_segment_free);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->suppress, g_free);
  g_clear_pointer (&self->members, roaring_bitmap_free);
  g_clear_pointer (&self->plan, aud_export_summary_free);
  g_clear_object (&self->progress);

  G_OBJECT_CLASS (aud_export_dialog_parent_class)->finalize (object);
}

static void
aud_export_dialog_class_init (AudExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_export_dialog_dispose;
  object_class->finalize = aud_export_dialog_finalize;

  /**
   * AudExportDialog::exported:
   * @self: the dialog
   * @summary: (type AudExportSummary): what was written (transfer none)
   *
   * The file is written; the dialog closes after this.
   */
  signals[EXPORTED] =
    g_signal_new ("exported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/aud-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, suppress_button);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, cancel_export_button);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, written_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, plan_spinner);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, written_label);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, left_out_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, left_out_label);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, bom_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, bom_switch);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, preset_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, columns_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, unconsented_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, unconsented_switch);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, suppress_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, suppress_clear_button);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, changes_row);
  gtk_widget_class_bind_template_child (widget_class, AudExportDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_option_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_preset_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_suppress_choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_suppress_clear_clicked_cb);

  gtk_widget_class_install_action (widget_class, "export.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aud_export_dialog_init (AudExportDialog *self)
{
  g_autoptr(GtkStringList) presets = gtk_string_list_new (NULL);
  const AudPreset *list;
  guint n_presets;

  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  {
    /* GTK 4.8 would also name these by their mnemonic labels ("_Export…")
     * or their rows' titles: keep the template's accessible labels alone. */
    GtkWidget *labelled[] = {
      GTK_WIDGET (self->close_button), GTK_WIDGET (self->export_button),
      GTK_WIDGET (self->suppress_button), GTK_WIDGET (self->cancel_export_button),
      GTK_WIDGET (self->format_row), GTK_WIDGET (self->bom_row), GTK_WIDGET (self->preset_row),
      GTK_WIDGET (self->columns_row), GTK_WIDGET (self->unconsented_row),
      GTK_WIDGET (self->changes_row), GTK_WIDGET (self->bom_switch),
      GTK_WIDGET (self->unconsented_switch),
    };

    for (guint i = 0; i < G_N_ELEMENTS (labelled); i++)
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (labelled[i]),
                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  }

  self->engine = aud_engine_new ();
  self->column_checks = g_ptr_array_new ();
  self->left_out_rows = g_ptr_array_new ();

  list = aud_preset_list (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    gtk_string_list_append (presets, g_dgettext (GETTEXT_PACKAGE, list[i].label));
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (presets));

  set_suppress (self, NULL);
  update_consent (self);
  self->filling = FALSE;
  update_actions (self);
}

/* --- public API --------------------------------------------------------------------- */

/**
 * aud_export_dialog_new:
 * @parent: (nullable): the window to be modal for
 * @workspace_path: the workspace
 * @segment_name: (nullable): the saved segment (its name goes in the export
 *   log); required when @definition is %NULL
 * @definition: (nullable): the members to export, if not those of the saved
 *   segment @segment_name
 *
 * Returns: (transfer floating): the dialog, counting the members already
 */
AudExportDialog *
aud_export_dialog_new (GtkWindow        *parent,
                       const char       *workspace_path,
                       const char       *segment_name,
                       const AudSegment *definition)
{
  AudExportDialog *self;
  Job *job;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (workspace_path != NULL, NULL);
  g_return_val_if_fail (segment_name != NULL || definition != NULL, NULL);

  self = g_object_new (AUD_TYPE_EXPORT_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->path = g_strdup (workspace_path);
  self->segment_name = g_strdup (segment_name);

  if (definition != NULL)
    self->definition = aud_segment_copy (definition);
  else
    {
      /* Unnamed: named segment_name, it would refer to itself. */
      self->definition = g_new0 (AudSegment, 1);
      self->definition->root = aud_segment_node_new_segment (segment_name);
      aud_segment_node_update (self->definition->root, "match");
    }

  adw_window_title_set_subtitle (self->window_title,
                                 segment_name != NULL ? segment_name : _("Unsaved segment"));
  if (segment_name == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->changes_row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->changes_row),
                                   _("Save the segment to export only what changed"));
    }

  job = g_new0 (Job, 1);
  job->engine = g_object_ref (self->engine);
  job->definition = aud_segment_copy (self->definition);
  self->prepare_cancellable = g_cancellable_new ();
  start_job (self, job, self->prepare_cancellable, prepare_cb);

  return self;
}

void
aud_export_dialog_set_engine (AudExportDialog *self,
                              AudEngine       *engine)
{
  g_return_if_fail (AUD_IS_EXPORT_DIALOG (self));
  g_return_if_fail (AUD_IS_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

/**
 * aud_export_dialog_export_to:
 * @self: the dialog
 * @file: the file to write (replaced when it exists)
 *
 * Exports with the options shown, in a worker; emits `exported` and closes
 * when done, or shows what went wrong.
 */
void
aud_export_dialog_export_to (AudExportDialog *self,
                             GFile           *file)
{
  Job *job;

  g_return_if_fail (AUD_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->members != NULL);
  g_return_if_fail (self->progress == NULL);

  job = g_new0 (Job, 1);
  job->members = roaring_bitmap_copy (self->members);
  job->file = g_file_get_path (file);
  build_options (self, &job->options);
  self->progress = aud_progress_new ();
  job->progress = g_object_ref (self->progress);
  g_signal_connect_object (self->progress, "notify::fraction",
                           G_CALLBACK (on_progress_notify_cb), self, G_CONNECT_SWAPPED);

  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_stack_set_visible_child_name (self->stack, "progress");

  g_cancellable_cancel (self->plan_cancellable);
  g_clear_handle_id (&self->plan_source, g_source_remove);
  self->export_cancellable = g_cancellable_new ();
  start_job (self, job, self->export_cancellable, export_cb);
}

gboolean
aud_export_dialog_get_busy (AudExportDialog *self)
{
  g_return_val_if_fail (AUD_IS_EXPORT_DIALOG (self), FALSE);

  return self->n_busy > 0 || self->plan_source != 0;
}

const AudExportSummary *
aud_export_dialog_get_plan (AudExportDialog *self)
{
  g_return_val_if_fail (AUD_IS_EXPORT_DIALOG (self), NULL);

  return self->plan;
}
