/* aud-import-assistant.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-import-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-format.h"
#include "aud-import-assistant.h"
#include "aud-rejects-view.h"
#include "aud-sniff.h"
#include "aud-types.h"

/* How many sample values a column row shows. */
#define N_SAMPLES 3

struct _AudImportAssistant
{
  AdwWindow             parent_instance;

  /* template widgets */
  AdwWindowTitle       *window_title;
  GtkButton            *back_button;
  GtkButton            *next_button;
  GtkButton            *import_button;
  GtkButton            *done_button;
  GtkButton            *cancel_button;
  GtkButton            *rejects_button;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwPreferencesGroup  *read_group;
  AdwComboRow          *encoding_row;
  AdwComboRow          *delimiter_row;
  AdwComboRow          *quote_row;
  AdwActionRow         *header_row;
  GtkSwitch            *header_switch;
  GtkWidget            *warning_box;
  GtkLabel             *warning_label;
  GtkLabel             *preview_caption;
  GtkStack             *preview_stack;
  GtkColumnView        *preview_view;
  AdwStatusPage        *preview_error_page;
  AdwComboRow          *kind_row;
  AdwComboRow          *id_row;
  AdwComboRow          *customer_row;
  AdwComboRow          *event_row;
  AdwEntryRow          *event_name_row;
  AdwComboRow          *time_row;
  AdwActionRow         *create_row;
  GtkSwitch            *create_switch;
  GtkWidget            *check_box;
  GtkLabel             *check_label;
  AdwPreferencesGroup  *columns_group;
  AdwStatusPage        *progress_page;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  GtkLabel             *summary_heading;
  AdwPreferencesGroup  *counts_group;
  AdwPreferencesGroup  *rejects_group;
  AdwPreferencesGroup  *notes_group;

  /* borrowed: rows added to columns_group, counts_group, rejects_group and
   * notes_group */
  GPtrArray            *column_rows;     /* (element-type ColumnRow) */
  GPtrArray            *summary_rows;    /* (element-type GtkWidget) */

  /* owned */
  char                 *workspace;       /* the workspace path */
  GFile                *file;            /* the file to import */
  AudImportPreview     *preview;         /* the latest preview; NULL until read */
  AudImportMapping     *mapping;         /* edited on the mapping step */
  AudImportSummary     *summary;         /* the finished import */
  AudProgress          *progress;        /* of the running import */
  GArray               *delimiters;      /* (element-type char): delimiter_row's items */
  AudFileFormat         format;          /* as last read; AUTO before */
  GCancellable         *preview_cancellable; /* NULL when no preview is read */
  GCancellable         *import_cancellable;  /* NULL when no import runs */
  gint64                import_started;  /* monotonic µs */
  gboolean              filling;         /* rows are being set from data */
  gboolean              kind_chosen;     /* the user picked customers or events */
  GHashTable           *choices;         /* column name -> Choice the user made */
  AudImportMapping     *roles;           /* NULL, or a mapping whose id, event and
                                          * time columns the user chose */
};

/* What the user set for a column: kept across readings of the file. */
typedef struct
{
  gboolean     skip;
  AudFieldRole role;
  AudFieldType type;
} Choice;

G_DEFINE_FINAL_TYPE (AudImportAssistant, aud_import_assistant, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_STEP,
  N_PROPS
};

enum {
  IMPORTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const AudEncoding encodings[] = {
  AUD_ENCODING_UTF8, AUD_ENCODING_UTF16LE, AUD_ENCODING_UTF16BE, AUD_ENCODING_WINDOWS_1252,
};
static const char common_delimiters[] = { ',', ';', '\t', '|' };
static const char quotes[] = { '"', '\'' };

/* The widgets of one column on the mapping step. */
typedef struct
{
  guint         index;     /* in the preview's columns */
  AdwActionRow *row;
  GtkDropDown  *type;
  GtkDropDown  *role;
  GtkSwitch    *import;
  GtkLabel     *warning;
} ColumnRow;

/* --- helpers ------------------------------------------------------------------------ */

static void
set_busy_changed (AudImportAssistant *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static const char *
current_step (AudImportAssistant *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
update_actions (AudImportAssistant *self)
{
  const char *step = current_step (self);
  gboolean previewing = self->preview_cancellable != NULL;
  gboolean running = self->import_cancellable != NULL;
  gboolean valid = FALSE;
  g_autoptr(GError) error = NULL;

  if (self->mapping != NULL && self->preview != NULL)
    valid = aud_import_mapping_check (self->mapping, (const char * const *)self->preview->columns,
                                      &error);

  gtk_label_set_text (self->check_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (self->check_box, error != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.back",
                                 g_strcmp0 (step, "mapping") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.next",
                                 g_strcmp0 (step, "preview") == 0 && !previewing &&
                                 self->preview != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.start",
                                 g_strcmp0 (step, "mapping") == 0 && valid && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.view-rejects",
                                 self->summary != NULL && self->summary->rows_rejected > 0);

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), g_strcmp0 (step, "mapping") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), g_strcmp0 (step, "preview") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), g_strcmp0 (step, "mapping") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), g_strcmp0 (step, "summary") == 0);

  /* Enter goes on to the next step. */
  if (g_strcmp0 (step, "preview") == 0)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->next_button));
  else if (g_strcmp0 (step, "mapping") == 0)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->import_button));
  else if (g_strcmp0 (step, "summary") == 0)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->done_button));
}

static void
show_step (AudImportAssistant *self,
           const char         *step)
{
  static const struct { const char *name; const char *title; } titles[] = {
    { "preview", N_("Import — Check the File") },
    { "mapping", N_("Import — Choose the Columns") },
    { "progress", N_("Importing") },
    { "summary", N_("Import Finished") },
  };

  gtk_stack_set_visible_child_name (self->stack, step);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (titles[i].name, step))
      adw_window_title_set_title (self->window_title, _(titles[i].title));

  /* The main window stays usable while the import runs. */
  gtk_window_set_modal (GTK_WINDOW (self), !g_str_equal (step, "progress"));

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

/* An AdwMessageDialog with @heading and a body pairing @sentence with the
 * error's own message; also logged. */
static void
show_error (AudImportAssistant *self,
            const char         *heading,
            const char         *sentence,
            const GError       *error)
{
  AdwMessageDialog *dialog;

  g_warning ("%s: %s", heading, error->message);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_format_body (dialog, "%s\n\n%s", sentence, error->message);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkStringList *
column_choices (AudImportAssistant *self,
                const char         *first)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, first);
  for (guint i = 0; i < self->preview->n_columns; i++)
    gtk_string_list_append (list, self->preview->columns[i]);

  return list;
}

/* Selects @name in a column combo whose first item means "none". */
static void
select_column (AudImportAssistant *self,
               AdwComboRow        *row,
               const char         *name)
{
  guint position = 0;

  for (guint i = 0; name != NULL && i < self->preview->n_columns; i++)
    if (g_str_equal (self->preview->columns[i], name))
      position = i + 1;

  adw_combo_row_set_selected (row, position);
}

/* The column chosen in a column combo, or NULL for its first item. */
static const char *
selected_column (AudImportAssistant *self,
                 AdwComboRow        *row)
{
  guint position = adw_combo_row_get_selected (row);

  if (position == 0 || position == GTK_INVALID_LIST_POSITION || position > self->preview->n_columns)
    return NULL;

  return self->preview->columns[position - 1];
}

/* Sample values of a column, "a, b, c", distinct and non-blank. */
static char *
column_samples (AudImportAssistant *self,
                guint               index)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  for (guint r = 0; r < self->preview->rows->len && seen->len < N_SAMPLES; r++)
    {
      const AudImportPreviewRow *row = self->preview->rows->pdata[r];
      const char *text = index < row->n_cells ? row->cells[index] : NULL;
      g_autofree char *cut = NULL;

      if (text == NULL || *g_strstrip (cut = g_strdup (text)) == '\0' ||
          g_ptr_array_find_with_equal_func (seen, text, g_str_equal, NULL))
        continue;

      g_ptr_array_add (seen, (gpointer)text);
      if (out->len > 0)
        g_string_append (out, ", ");
      if (g_utf8_strlen (cut, -1) > 24)
        {
          *g_utf8_offset_to_pointer (cut, 23) = '\0';
          g_string_append_printf (out, "%s…", cut);
        }
      else
        {
          g_string_append (out, cut);
        }
    }

  return g_string_free (out, FALSE);
}

/* How many preview cells of column @index do not fit @format; the first
 * one's line in @first_line. */
static guint
count_mismatches (AudImportAssistant    *self,
                  guint                  index,
                  const AudColumnFormat *format,
                  guint64               *first_line)
{
  guint n = 0;

  for (guint r = 0; r < self->preview->rows->len; r++)
    {
      const AudImportPreviewRow *row = self->preview->rows->pdata[r];
      const char *text = index < row->n_cells ? row->cells[index] : NULL;
      AudValue value;

      if (aud_column_format_convert (format, text, NULL,
                                     (const char * const *)self->mapping->blank_markers,
                                     &value) == AUD_CONVERT_MISMATCH)
        {
          if (n++ == 0)
            *first_line = row->line;
        }
    }

  return n;
}

/* What column @name is used for, or NULL when it is a plain field. */
static const char *
column_use (AudImportAssistant *self,
            const char         *name)
{
  const AudImportMapping *mapping = self->mapping;

  if (mapping->kind == AUD_IMPORT_CUSTOMERS && g_strcmp0 (name, mapping->id_column) == 0)
    return _("Used as the customer id");
  if (mapping->kind == AUD_IMPORT_EVENTS && g_strcmp0 (name, mapping->id_column) == 0)
    return _("Used as the customer of each event");
  if (mapping->kind == AUD_IMPORT_EVENTS && g_strcmp0 (name, mapping->event_column) == 0)
    return _("Used as the event name");
  if (mapping->kind == AUD_IMPORT_EVENTS && g_strcmp0 (name, mapping->time_column) == 0)
    return _("Used as the event time");

  return NULL;
}

/* Shows a column's state: its use, sample values and mismatch warning. */
static void
refresh_column_row (AudImportAssistant *self,
                    ColumnRow          *column_row)
{
  const char *name = self->preview->columns[column_row->index];
  AudImportColumn *column = aud_import_mapping_get_column (self->mapping, name);
  const char *use = column_use (self, name);
  g_autofree char *samples = column_samples (self, column_row->index);
  g_autofree char *subtitle = NULL;
  guint64 first_line = 0;
  guint n_bad;

  g_assert (column != NULL);

  if (use != NULL && *samples != '\0')
    subtitle = g_strdup_printf ("%s — %s", use, samples);
  else if (use != NULL)
    subtitle = g_strdup (use);
  else
    subtitle = g_steal_pointer (&samples);
  adw_action_row_set_subtitle (column_row->row, subtitle);

  gtk_widget_set_sensitive (GTK_WIDGET (column_row->import), use == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (column_row->role), use == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (column_row->type),
                            use == NULL && !column->skip);

  n_bad = count_mismatches (self, column_row->index, &column->format, &first_line);
  gtk_widget_set_visible (GTK_WIDGET (column_row->warning), n_bad > 0 && !column->skip);
  if (n_bad > 0)
    {
      g_autofree char *text = NULL;
      g_autofree char *tooltip = NULL;
      g_autofree char *line = aud_format_count (first_line);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u value does not fit",
                                           "%u values do not fit", n_bad),
                              n_bad);
      tooltip = g_strdup_printf (_("%u of the first rows hold a value that is not of this type, "
                                   "the first on line %s. Such a column is imported as text."),
                                 n_bad, line);
      gtk_label_set_text (column_row->warning, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (column_row->warning), tooltip);
    }
}

static void
refresh_mapping (AudImportAssistant *self)
{
  gboolean events;

  if (self->mapping == NULL)
    return;

  events = self->mapping->kind == AUD_IMPORT_EVENTS;
  gtk_widget_set_visible (GTK_WIDGET (self->id_row), !events);
  gtk_widget_set_visible (GTK_WIDGET (self->customer_row), events);
  gtk_widget_set_visible (GTK_WIDGET (self->event_row), events);
  gtk_widget_set_visible (GTK_WIDGET (self->event_name_row),
                          events && self->mapping->event_column == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->time_row), events);
  gtk_widget_set_visible (GTK_WIDGET (self->create_row), events);

  for (guint i = 0; i < self->column_rows->len; i++)
    refresh_column_row (self, self->column_rows->pdata[i]);

  update_actions (self);
}

/* --- the mapping step ------------------------------------------------------------------ */

static ColumnRow *
find_column_row (AudImportAssistant *self,
                 GtkWidget          *widget)
{
  for (guint i = 0; i < self->column_rows->len; i++)
    {
      ColumnRow *column_row = self->column_rows->pdata[i];

      if (widget == GTK_WIDGET (column_row->type) || widget == GTK_WIDGET (column_row->role) ||
          widget == GTK_WIDGET (column_row->import))
        return column_row;
    }

  return NULL;
}

static void
set_column_type (AudImportColumn *column,
                 AudFieldType     type)
{
  if (column->format.type == type)
    return;

  column->format.type = type;
  /* A column guessed as text has no number format yet. */
  if (column->format.number.decimal_mark == 0)
    column->format.number = AUD_NUMBER_FORMAT_PLAIN;
}

static void
on_column_changed_cb (GtkWidget          *widget,
                      GParamSpec         *pspec,
                      AudImportAssistant *self)
{
  ColumnRow *column_row = find_column_row (self, widget);
  AudImportColumn *column;
  Choice *choice;

  if (self->filling || column_row == NULL)
    return;

  column = aud_import_mapping_get_column (self->mapping, self->preview->columns[column_row->index]);
  column->skip = !gtk_switch_get_active (column_row->import);
  column->role = gtk_drop_down_get_selected (column_row->role);
  set_column_type (column, gtk_drop_down_get_selected (column_row->type));

  choice = g_new (Choice, 1);
  choice->skip = column->skip;
  choice->role = column->role;
  choice->type = column->format.type;
  g_hash_table_replace (self->choices, g_strdup (column->name), choice);

  refresh_column_row (self, column_row);
  update_actions (self);
}

static GtkStringList *
type_labels (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i <= AUD_FIELD_TYPE_LAST; i++)
    gtk_string_list_append (list, aud_field_type_get_label (i));

  return list;
}

static GtkStringList *
role_labels (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i <= AUD_FIELD_ROLE_LAST; i++)
    gtk_string_list_append (list, aud_field_role_get_label (i));

  return list;
}

/* Names a drop-down and, as GTK 4.8 leaves it unnamed, the button inside. */
static void
set_drop_down_name (GtkDropDown *drop_down,
                    const char  *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (drop_down)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
add_column_row (AudImportAssistant *self,
                guint               index)
{
  const char *name = self->preview->columns[index];
  AudImportColumn *column = aud_import_mapping_get_column (self->mapping, name);
  ColumnRow *column_row = g_new0 (ColumnRow, 1);
  g_autofree char *type_name = g_strdup_printf (_("Type of “%s”"), name);
  g_autofree char *role_name = g_strdup_printf (_("Role of “%s”"), name);
  g_autofree char *import_name = g_strdup_printf (_("Import “%s”"), name);

  g_assert (column != NULL);

  column_row->index = index;
  column_row->row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (column_row->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (column_row->row), name);
  adw_action_row_set_subtitle_lines (column_row->row, 1);

  column_row->warning = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (column_row->warning), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (column_row->warning), "caption");
  adw_action_row_add_suffix (column_row->row, GTK_WIDGET (column_row->warning));

  column_row->type = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (type_labels ()), NULL));
  gtk_drop_down_set_selected (column_row->type, column->format.type);
  gtk_widget_set_valign (GTK_WIDGET (column_row->type), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (column_row->type), _("Type"));
  set_drop_down_name (column_row->type, type_name);
  adw_action_row_add_suffix (column_row->row, GTK_WIDGET (column_row->type));

  column_row->role = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (role_labels ()), NULL));
  gtk_drop_down_set_selected (column_row->role, column->role);
  gtk_widget_set_valign (GTK_WIDGET (column_row->role), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (column_row->role), _("Role"));
  set_drop_down_name (column_row->role, role_name);
  adw_action_row_add_suffix (column_row->row, GTK_WIDGET (column_row->role));

  column_row->import = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (column_row->import, !column->skip);
  gtk_widget_set_valign (GTK_WIDGET (column_row->import), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (column_row->import), _("Import this column"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (column_row->import),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, import_name, -1);
  adw_action_row_add_suffix (column_row->row, GTK_WIDGET (column_row->import));

  g_signal_connect (column_row->type, "notify::selected", G_CALLBACK (on_column_changed_cb), self);
  g_signal_connect (column_row->role, "notify::selected", G_CALLBACK (on_column_changed_cb), self);
  g_signal_connect (column_row->import, "notify::active", G_CALLBACK (on_column_changed_cb), self);

  adw_preferences_group_add (self->columns_group, GTK_WIDGET (column_row->row));
  g_ptr_array_add (self->column_rows, column_row);
}

static void
clear_column_rows (AudImportAssistant *self)
{
  for (guint i = 0; i < self->column_rows->len; i++)
    {
      ColumnRow *column_row = self->column_rows->pdata[i];

      adw_preferences_group_remove (self->columns_group, GTK_WIDGET (column_row->row));
    }
  g_ptr_array_set_size (self->column_rows, 0);
}

/* Fills the mapping step from self->mapping. */
static void
fill_mapping (AudImportAssistant *self)
{
  g_autoptr(GtkStringList) ids = NULL;
  g_autoptr(GtkStringList) customers = NULL;
  g_autoptr(GtkStringList) events = NULL;
  g_autoptr(GtkStringList) times = NULL;

  self->filling = TRUE;

  adw_combo_row_set_selected (self->kind_row, self->mapping->kind);

  ids = column_choices (self, _("No id: use row numbers"));
  adw_combo_row_set_model (self->id_row, G_LIST_MODEL (ids));
  customers = column_choices (self, _("None"));
  adw_combo_row_set_model (self->customer_row, G_LIST_MODEL (customers));
  events = column_choices (self, _("None: a fixed name"));
  adw_combo_row_set_model (self->event_row, G_LIST_MODEL (events));
  times = column_choices (self, _("None"));
  adw_combo_row_set_model (self->time_row, G_LIST_MODEL (times));

  select_column (self, self->id_row, self->mapping->id_column);
  select_column (self, self->customer_row, self->mapping->id_column);
  select_column (self, self->event_row, self->mapping->event_column);
  select_column (self, self->time_row, self->mapping->time_column);
  gtk_editable_set_text (GTK_EDITABLE (self->event_name_row),
                         self->mapping->event_name != NULL ? self->mapping->event_name : "");
  gtk_switch_set_active (self->create_switch, self->mapping->create_customers);

  clear_column_rows (self);
  for (guint i = 0; i < self->preview->n_columns; i++)
    add_column_row (self, i);

  self->filling = FALSE;

  refresh_mapping (self);
}

/* *@chosen = @was, if @mapping has that column (or @was is none). */
static void
keep_column_choice (const AudImportMapping  *mapping,
                    char                   **chosen,
                    const char              *was)
{
  if (was != NULL && aud_import_mapping_get_column (mapping, was) == NULL)
    return;

  g_free (*chosen);
  *chosen = g_strdup (was);
}

/* Applies what the user set to the columns the new mapping has: another
 * delimiter, encoding or kind does not undo it. */
static void
keep_choices (AudImportAssistant *self)
{
  AudImportMapping *mapping = self->mapping;
  const AudImportMapping *roles = self->roles;
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_iter_init (&iter, self->choices);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      const Choice *choice = value;
      AudImportColumn *column = aud_import_mapping_get_column (mapping, name);

      if (column == NULL)
        continue;

      column->skip = choice->skip;
      column->role = choice->role;
      set_column_type (column, choice->type);
    }

  if (roles == NULL || roles->kind != mapping->kind)
    return;

  keep_column_choice (mapping, &mapping->id_column, roles->id_column);
  keep_column_choice (mapping, &mapping->event_column, roles->event_column);
  keep_column_choice (mapping, &mapping->time_column, roles->time_column);
  g_free (mapping->event_name);
  mapping->event_name = g_strdup (roles->event_name);
  mapping->create_customers = roles->create_customers;
}

static void
reset_mapping (AudImportAssistant *self,
               AudImportKind       kind)
{
  g_clear_pointer (&self->mapping, aud_import_mapping_free);
  self->mapping = aud_import_preview_dup_mapping (self->preview, kind);
  keep_choices (self);
  fill_mapping (self);
}

static void
on_kind_changed_cb (AudImportAssistant *self)
{
  AudImportKind kind = adw_combo_row_get_selected (self->kind_row);

  if (self->filling || self->mapping == NULL || kind == self->mapping->kind)
    return;

  self->kind_chosen = TRUE;
  reset_mapping (self, kind);
}

/* The id, event, time and create rows into the mapping. */
static void
on_roles_changed_cb (AudImportAssistant *self)
{
  AudImportMapping *mapping = self->mapping;
  const char *event_name;

  if (self->filling || mapping == NULL)
    return;

  g_free (mapping->id_column);
  if (mapping->kind == AUD_IMPORT_CUSTOMERS)
    mapping->id_column = g_strdup (selected_column (self, self->id_row));
  else
    mapping->id_column = g_strdup (selected_column (self, self->customer_row));

  if (mapping->kind == AUD_IMPORT_EVENTS)
    {
      g_free (mapping->event_column);
      mapping->event_column = g_strdup (selected_column (self, self->event_row));
      g_free (mapping->time_column);
      mapping->time_column = g_strdup (selected_column (self, self->time_row));
      g_clear_pointer (&mapping->event_name, g_free);
      event_name = gtk_editable_get_text (GTK_EDITABLE (self->event_name_row));
      if (mapping->event_column == NULL && *event_name != '\0')
        mapping->event_name = g_strdup (event_name);
      mapping->create_customers = gtk_switch_get_active (self->create_switch);
    }

  g_clear_pointer (&self->roles, aud_import_mapping_free);
  self->roles = aud_import_mapping_copy (mapping);

  refresh_mapping (self);
}

/* --- the preview step ------------------------------------------------------------------- */

static void start_preview (AudImportAssistant   *self,
                           const AudReadOptions *options);

static void
fill_read_options (AudImportAssistant *self)
{
  const AudSniff *sniff = self->preview->sniff;
  gboolean csv = sniff->format == AUD_FILE_FORMAT_CSV;
  g_autoptr(GtkStringList) delimiters = gtk_string_list_new (NULL);
  guint position = 0;

  self->filling = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    if (encodings[i] == sniff->encoding)
      adw_combo_row_set_selected (self->encoding_row, i);

  /* The common delimiters, and the sniffed one if it is another. */
  g_array_set_size (self->delimiters, 0);
  g_array_append_vals (self->delimiters, common_delimiters, G_N_ELEMENTS (common_delimiters));
  for (position = 0; position < self->delimiters->len; position++)
    if (g_array_index (self->delimiters, char, position) == sniff->delimiter)
      break;
  if (position == self->delimiters->len)
    g_array_append_val (self->delimiters, sniff->delimiter);
  for (guint i = 0; i < self->delimiters->len; i++)
    gtk_string_list_append (delimiters,
                            aud_delimiter_get_label (g_array_index (self->delimiters, char, i)));
  adw_combo_row_set_model (self->delimiter_row, G_LIST_MODEL (delimiters));
  adw_combo_row_set_selected (self->delimiter_row, position);

  adw_combo_row_set_selected (self->quote_row, sniff->quote == '\'' ? 1 : 0);
  gtk_switch_set_active (self->header_switch, sniff->has_header);

  gtk_widget_set_sensitive (GTK_WIDGET (self->delimiter_row), csv);
  gtk_widget_set_sensitive (GTK_WIDGET (self->quote_row), csv);
  gtk_widget_set_sensitive (GTK_WIDGET (self->header_row), csv);

  self->filling = FALSE;
}

static void
fill_preview (AudImportAssistant *self)
{
  g_autoptr(GListStore) rows = g_list_store_new (GTK_TYPE_STRING_LIST);
  g_autoptr(GtkNoSelection) selection = NULL;
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *columns = gtk_column_view_get_columns (self->preview_view);
  g_autofree char *shown = NULL;
  g_autofree char *caption = NULL;
  g_autoptr(GString) warnings = g_string_new (NULL);
  GtkColumnViewColumn *line_column;
  guint n_problems = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    g_ptr_array_add (old, g_list_model_get_item (columns, i));
  for (guint i = 0; i < old->len; i++)
    gtk_column_view_remove_column (self->preview_view, old->pdata[i]);

  /* The first column is the file line, then the file's columns. */
  line_column = aud_text_column_new (_("Line"), 0);
  gtk_column_view_append_column (self->preview_view, line_column);
  g_object_unref (line_column);
  for (guint i = 0; i < self->preview->n_columns; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = NULL;

      column = aud_text_column_new (self->preview->columns[i], i + 1);

      gtk_column_view_append_column (self->preview_view, column);
    }

  for (guint r = 0; r < self->preview->rows->len; r++)
    {
      const AudImportPreviewRow *row = self->preview->rows->pdata[r];
      g_autoptr(GtkStringList) cells = gtk_string_list_new (NULL);
      g_autofree char *line = g_strdup_printf ("%" G_GUINT64_FORMAT, row->line);

      gtk_string_list_append (cells, line);
      for (guint i = 0; i < self->preview->n_columns; i++)
        {
          const char *text = i < row->n_cells ? row->cells[i] : NULL;

          gtk_string_list_append (cells, text != NULL ? text : "");
        }
      gtk_string_list_append (cells, row->problem_text != NULL ? row->problem_text : "");
      g_list_store_append (rows, cells);
      n_problems += row->problem_text != NULL;
    }

  /* Rows the reader flagged say why, in a last column. */
  if (n_problems > 0)
    {
      g_autoptr(GtkColumnViewColumn) column =
        aud_text_column_new (_("Problem"), self->preview->n_columns + 1);

      gtk_column_view_append_column (self->preview_view, column);
    }

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (rows)));
  gtk_column_view_set_model (self->preview_view, GTK_SELECTION_MODEL (selection));

  shown = aud_format_count (self->preview->rows->len);
  caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "The first row as read",
                                          "The first %s rows as read",
                                          self->preview->rows->len),
                             shown);
  gtk_label_set_text (self->preview_caption, caption);

  for (guint i = 0; i < self->preview->sniff->warnings->len; i++)
    g_string_append_printf (warnings, "%s%s", i > 0 ? "\n" : "",
                            (const char *)self->preview->sniff->warnings->pdata[i]);
  gtk_label_set_text (self->warning_label, warnings->str);
  gtk_widget_set_visible (self->warning_box, warnings->len > 0);

  gtk_stack_set_visible_child_name (self->preview_stack, "table");
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(AudImportAssistant) self = user_data;
  g_autoptr(AudImportPreview) preview = NULL;
  g_autoptr(GError) error = NULL;

  preview = aud_import_preview_new_finish (result, &error);
  if (preview == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Not cancelled: this was the latest preview. */
  g_clear_object (&self->preview_cancellable);

  if (preview == NULL)
    {
      g_autofree char *name = g_file_get_basename (self->file);
      g_autofree char *sentence = g_strdup_printf (_("“%s” could not be read. Check that it is "
                                                     "a CSV or JSON file, or try another encoding "
                                                     "or delimiter."), name);

      /* Nothing goes on from a file that cannot be read this way; the
       * read options stay, to try others. */
      g_clear_pointer (&self->preview, aud_import_preview_free);
      g_clear_pointer (&self->mapping, aud_import_mapping_free);
      clear_column_rows (self);
      adw_status_page_set_description (self->preview_error_page, error->message);
      gtk_stack_set_visible_child_name (self->preview_stack, "error");
      show_error (self, _("Could Not Read the File"), sentence, error);
      update_actions (self);
      set_busy_changed (self);
      return;
    }

  g_clear_pointer (&self->preview, aud_import_preview_free);
  self->preview = g_steal_pointer (&preview);
  self->format = self->preview->sniff->format;

  fill_read_options (self);
  fill_preview (self);
  reset_mapping (self, self->kind_chosen && self->mapping != NULL ?
                       self->mapping->kind : self->preview->kind);

  update_actions (self);
  set_busy_changed (self);
}

static void
start_preview (AudImportAssistant   *self,
               const AudReadOptions *options)
{
  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  self->preview_cancellable = g_cancellable_new ();

  gtk_stack_set_visible_child_name (self->preview_stack, "loading");
  aud_import_preview_new_async (g_file_peek_path (self->file), options, NULL, 0,
                                self->preview_cancellable, preview_cb, g_object_ref (self));
  update_actions (self);
  set_busy_changed (self);
}

static void
on_read_option_changed_cb (AudImportAssistant *self)
{
  AudReadOptions options = AUD_READ_OPTIONS_INIT;
  guint encoding = adw_combo_row_get_selected (self->encoding_row);
  guint delimiter = adw_combo_row_get_selected (self->delimiter_row);
  guint quote = adw_combo_row_get_selected (self->quote_row);

  if (self->filling)
    return;

  options.format = self->format;
  if (encoding < G_N_ELEMENTS (encodings))
    options.encoding = encodings[encoding];
  if (options.format != AUD_FILE_FORMAT_JSON_ARRAY &&
      options.format != AUD_FILE_FORMAT_JSON_LINES)
    {
      if (delimiter < self->delimiters->len)
        options.delimiter = g_array_index (self->delimiters, char, delimiter);
      if (quote < G_N_ELEMENTS (quotes))
        options.quote = quotes[quote];
      options.header = gtk_switch_get_active (self->header_switch) ? AUD_HEADER_YES : AUD_HEADER_NO;
    }

  start_preview (self, &options);
}

/* --- the import ------------------------------------------------------------------------ */

static void
on_progress_notify_cb (AudImportAssistant *self)
{
  double fraction = aud_progress_get_fraction (self->progress);
  gint64 n = aud_progress_get_n_processed (self->progress);
  double seconds = (g_get_monotonic_time () - self->import_started) / (double)G_USEC_PER_SEC;
  g_autofree char *rows = aud_format_count (n);
  g_autofree char *rate = NULL;
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  g_debug ("Import progress: %.3f, %" G_GINT64_FORMAT " rows", fraction, n);

  /* Every row read: the importer says what it does now (indexing...). */
  if (fraction >= 1.0 && n > 0)
    {
      g_autofree char *stage = aud_progress_dup_message (self->progress);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row read · %s",
                                           "%s rows read · %s", n),
                              rows, stage != NULL ? stage : "");
    }
  else if (seconds < 0.5 || n == 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row read", "%s rows read", n),
                              rows);
    }
  else
    {
      rate = aud_format_count ((gint64)(n / seconds));
      if (fraction > 0.01 && fraction < 1)
        {
          guint left = (guint)(seconds * (1 - fraction) / fraction + 0.5);

          if (left < 60)
            /* Translators: rows read, rows per second, seconds left */
            text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%s rows read · %s rows per second · "
                                                 "about %u second left",
                                                 "%s rows read · %s rows per second · "
                                                 "about %u seconds left",
                                                 left),
                                    rows, rate, left);
          else
            /* Translators: rows read, rows per second, minutes left */
            text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%s rows read · %s rows per second · "
                                                 "about %u minute left",
                                                 "%s rows read · %s rows per second · "
                                                 "about %u minutes left",
                                                 (left + 30) / 60),
                                    rows, rate, (left + 30) / 60);
        }
      else
        {
          /* Translators: rows read, rows per second */
          text = g_strdup_printf (_("%s rows read · %s rows per second"), rows, rate);
        }
    }

  gtk_label_set_text (self->progress_label, text);
}

static void
add_summary_row (AudImportAssistant  *self,
                 AdwPreferencesGroup *group,
                 const char          *title,
                 const char          *subtitle,
                 gint64               count)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (count >= 0)
    {
      g_autofree char *text = aud_format_count (count);
      GtkWidget *label = gtk_label_new (text);

      gtk_widget_add_css_class (label, "count-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->summary_rows, row);
}

static void
show_summary (AudImportAssistant *self)
{
  const AudImportSummary *summary = self->summary;
  gboolean customers = summary->kind == AUD_IMPORT_CUSTOMERS;
  g_autofree char *rows = aud_format_count (summary->rows_read);
  g_autofree char *heading = NULL;

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s row read", "%s rows read", summary->rows_read),
                             rows);
  gtk_label_set_text (self->summary_heading, heading);

  add_summary_row (self, self->counts_group,
                   customers ? _("New customers") : _("Events imported"), NULL,
                   summary->rows_inserted);
  if (customers)
    add_summary_row (self, self->counts_group, _("Customers updated"), NULL,
                     summary->rows_updated);
  add_summary_row (self, self->counts_group, _("Rows rejected"), NULL, summary->rows_rejected);
  if (!customers)
    {
      add_summary_row (self, self->counts_group, _("Events of unknown customers"),
                       _("Kept without a customer; a later customer import links them"),
                       summary->rows_unknown_customer);
      if (summary->customers_created > 0)
        add_summary_row (self, self->counts_group, _("Customers created"), NULL,
                         summary->customers_created);
    }

  for (guint i = 0; i < summary->reject_groups->len; i++)
    {
      const AudRejectGroup *group = summary->reject_groups->pdata[i];
      g_autofree char *line = aud_format_count (group->first_line);
      g_autofree char *first = g_strdup_printf (_("First on line %s"), line);

      add_summary_row (self, self->rejects_group, group->reason, first, group->count);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rejects_group), summary->rows_rejected > 0);

  for (guint i = 0; i < summary->notes->len; i++)
    add_summary_row (self, self->notes_group, summary->notes->pdata[i], NULL, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->notes_group), summary->notes->len > 0);

  show_step (self, "summary");
}

/* The sentence for an import failure, by its cause. */
static const char *
import_error_sentence (const GError *error)
{
  if (g_error_matches (error, AUD_STORE_ERROR, AUD_STORE_ERROR_FULL) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return _("The disk is full. Free some space and import again; the workspace was not changed.");
  if (g_error_matches (error, AUD_STORE_ERROR, AUD_STORE_ERROR_BUSY))
    return _("The workspace is in use by another program. Close it there and import again; "
             "the workspace was not changed.");
  if (g_error_matches (error, AUD_STORE_ERROR, AUD_STORE_ERROR_READ_ONLY))
    return _("The workspace cannot be written to. The workspace was not changed.");
  if (error->domain == AUD_IMPORTER_ERROR)
    return _("The columns chosen do not fit the file. The workspace was not changed.");

  return _("The import stopped; the workspace was not changed.");
}

static void
import_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AudImportAssistant) self = user_data;
  g_autoptr(AudImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = aud_importer_run_finish (AUD_STORE (object), result, &error);

  g_clear_object (&self->import_cancellable);
  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  set_busy_changed (self);

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (summary == NULL)
    {
      show_step (self, "mapping");
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          const char *title = _("Import cancelled; the workspace was not changed");

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
        }
      else
        show_error (self, _("Import Failed"), import_error_sentence (error), error);
      return;
    }

  self->summary = g_steal_pointer (&summary);
  show_summary (self);
  g_signal_emit (self, signals[IMPORTED], 0, self->summary);
}

/* --- actions ------------------------------------------------------------------------- */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_step (AUD_IMPORT_ASSISTANT (widget), "preview");
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AudImportAssistant *self = AUD_IMPORT_ASSISTANT (widget);

  if (self->preview != NULL)
    show_step (self, "mapping");
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AudImportAssistant *self = AUD_IMPORT_ASSISTANT (widget);
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (self->import_cancellable != NULL || self->mapping == NULL ||
      !aud_import_mapping_check (self->mapping, (const char * const *)self->preview->columns,
                                 &error))
    return;

  /* Only its path is used: the import opens its own connection. Opening
   * here finds a missing or foreign workspace at once. */
  store = aud_store_open (self->workspace, AUD_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    {
      show_error (self, _("Import Failed"), import_error_sentence (error), error);
      return;
    }

  self->import_cancellable = g_cancellable_new ();
  self->progress = aud_progress_new ();
  self->import_started = g_get_monotonic_time ();
  g_signal_connect_swapped (self->progress, "notify::n-processed",
                            G_CALLBACK (on_progress_notify_cb), self);

  name = g_file_get_basename (self->file);
  adw_status_page_set_description (self->progress_page, name);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->progress_label, _("Starting…"));
  show_step (self, "progress");

  aud_importer_run_async (store, g_file_peek_path (self->file), self->mapping,
                          self->import_cancellable, self->progress, import_cb,
                          g_object_ref (self));
  update_actions (self);
  set_busy_changed (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudImportAssistant *self = AUD_IMPORT_ASSISTANT (widget);

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
}

static void
view_rejects_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AudImportAssistant *self = AUD_IMPORT_ASSISTANT (widget);
  AudRejectsView *view;

  if (self->summary == NULL)
    return;

  view = aud_rejects_view_new (GTK_WINDOW (self), self->workspace, self->summary->import_id);
  gtk_window_present (GTK_WINDOW (view));
}

/* Closing while the import runs cancels it (nothing is changed). */
static gboolean
aud_import_assistant_close_request (GtkWindow *window)
{
  AudImportAssistant *self = AUD_IMPORT_ASSISTANT (window);

  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);

  return GTK_WINDOW_CLASS (aud_import_assistant_parent_class)->close_request (window);
}

/* Combo row items in full: the default factory cuts long ones short. */
static void
on_item_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
on_item_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (string));
}

/* --- the object --------------------------------------------------------------------- */

static void
aud_import_assistant_dispose (GObject *object)
{
  AudImportAssistant *self = (AudImportAssistant *)object;

  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->preview_cancellable);
  g_clear_object (&self->import_cancellable);
  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  g_clear_pointer (&self->summary_rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_IMPORT_ASSISTANT);

  G_OBJECT_CLASS (aud_import_assistant_parent_class)->dispose (object);
}

static void
aud_import_assistant_finalize (GObject *object)
{
  AudImportAssistant *self = (AudImportAssistant *)object;

  g_free (self->workspace);
  g_clear_object (&self->file);
  g_clear_pointer (&self->preview, aud_import_preview_free);
  g_clear_pointer (&self->mapping, aud_import_mapping_free);
  g_clear_pointer (&self->summary, aud_import_summary_free);
  g_clear_pointer (&self->delimiters, g_array_unref);
  g_clear_pointer (&self->choices, g_hash_table_unref);
  g_clear_pointer (&self->roles, aud_import_mapping_free);

  G_OBJECT_CLASS (aud_import_assistant_parent_class)->finalize (object);
}

static void
aud_import_assistant_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AudImportAssistant *self = AUD_IMPORT_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, aud_import_assistant_get_busy (self));
      break;

    case PROP_STEP:
      g_value_set_string (value, aud_import_assistant_get_step (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_import_assistant_class_init (AudImportAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = aud_import_assistant_dispose;
  object_class->finalize = aud_import_assistant_finalize;
  object_class->get_property = aud_import_assistant_get_property;
  window_class->close_request = aud_import_assistant_close_request;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STEP] =
    g_param_spec_string ("step", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AudImportAssistant::imported:
   * @summary: (type AudImportSummary): what was imported
   *
   * An import finished: the workspace changed.
   */
  signals[IMPORTED] =
    g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, AUD_TYPE_IMPORT_SUMMARY | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/audiences/Audiences"
                                                             "/ui/aud-import-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, window_title);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, next_button);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, import_button);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, done_button);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, rejects_button);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, read_group);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, encoding_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, delimiter_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, quote_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, header_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, header_switch);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, warning_box);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, warning_label);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, preview_caption);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, preview_view);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, preview_error_page);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, kind_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, id_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, customer_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, event_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, event_name_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, time_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, create_row);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, create_switch);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, check_box);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, check_label);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, columns_group);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, progress_page);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, progress_label);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, summary_heading);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, counts_group);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, rejects_group);
  gtk_widget_class_bind_template_child (widget_class, AudImportAssistant, notes_group);

  gtk_widget_class_install_action (widget_class, "import.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "import.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "import.view-rejects", NULL, view_rejects_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aud_import_assistant_init (AudImportAssistant *self)
{
  g_autoptr(GtkStringList) encoding_labels = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) quote_labels = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkWidget *labelled[16];

  gtk_widget_init_template (GTK_WIDGET (self));
  self->choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* GTK 4.8 would also name these by their mnemonic labels ("_Next"):
   * keep the template's accessible labels alone. */
  labelled[0] = GTK_WIDGET (self->back_button);
  labelled[1] = GTK_WIDGET (self->next_button);
  labelled[2] = GTK_WIDGET (self->import_button);
  labelled[3] = GTK_WIDGET (self->done_button);
  labelled[4] = GTK_WIDGET (self->cancel_button);
  labelled[5] = GTK_WIDGET (self->rejects_button);
  labelled[6] = GTK_WIDGET (self->encoding_row);
  labelled[7] = GTK_WIDGET (self->delimiter_row);
  labelled[8] = GTK_WIDGET (self->quote_row);
  labelled[9] = GTK_WIDGET (self->kind_row);
  labelled[10] = GTK_WIDGET (self->id_row);
  labelled[11] = GTK_WIDGET (self->customer_row);
  labelled[12] = GTK_WIDGET (self->event_row);
  labelled[13] = GTK_WIDGET (self->time_row);
  labelled[14] = GTK_WIDGET (self->header_switch);
  labelled[15] = GTK_WIDGET (self->create_switch);
  for (guint i = 0; i < G_N_ELEMENTS (labelled); i++)
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (labelled[i]),
                                   GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  self->column_rows = g_ptr_array_new_with_free_func (g_free);
  self->summary_rows = g_ptr_array_new ();
  self->delimiters = g_array_new (FALSE, FALSE, sizeof (char));

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    gtk_string_list_append (encoding_labels, aud_encoding_get_label (encodings[i]));
  adw_combo_row_set_model (self->encoding_row, G_LIST_MODEL (encoding_labels));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_item_bind_cb), NULL);
  adw_combo_row_set_factory (self->encoding_row, factory);
  /* Translators: the CSV quote character " */
  gtk_string_list_append (quote_labels, _("Double quote (\")"));
  /* Translators: the CSV quote character ' */
  gtk_string_list_append (quote_labels, _("Single quote (')"));
  adw_combo_row_set_model (self->quote_row, G_LIST_MODEL (quote_labels));

  g_signal_connect_swapped (self->encoding_row, "notify::selected",
                            G_CALLBACK (on_read_option_changed_cb), self);
  g_signal_connect_swapped (self->delimiter_row, "notify::selected",
                            G_CALLBACK (on_read_option_changed_cb), self);
  g_signal_connect_swapped (self->quote_row, "notify::selected",
                            G_CALLBACK (on_read_option_changed_cb), self);
  g_signal_connect_swapped (self->header_switch, "notify::active",
                            G_CALLBACK (on_read_option_changed_cb), self);
  g_signal_connect_swapped (self->kind_row, "notify::selected",
                            G_CALLBACK (on_kind_changed_cb), self);
  g_signal_connect_swapped (self->id_row, "notify::selected",
                            G_CALLBACK (on_roles_changed_cb), self);
  g_signal_connect_swapped (self->customer_row, "notify::selected",
                            G_CALLBACK (on_roles_changed_cb), self);
  g_signal_connect_swapped (self->event_row, "notify::selected",
                            G_CALLBACK (on_roles_changed_cb), self);
  g_signal_connect_swapped (self->time_row, "notify::selected",
                            G_CALLBACK (on_roles_changed_cb), self);
  g_signal_connect_swapped (self->event_name_row, "changed",
                            G_CALLBACK (on_roles_changed_cb), self);
  g_signal_connect_swapped (self->create_switch, "notify::active",
                            G_CALLBACK (on_roles_changed_cb), self);

  show_step (self, "preview");
}

/**
 * aud_import_assistant_new:
 * @parent: (nullable): the main window
 * @workspace_path: the workspace to import into
 * @file: the file to import
 *
 * Returns: (transfer full): a new assistant, reading the file's preview
 */
AudImportAssistant *
aud_import_assistant_new (GtkWindow  *parent,
                          const char *workspace_path,
                          GFile      *file)
{
  AudImportAssistant *self;
  g_autofree char *name = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (workspace_path != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (AUD_TYPE_IMPORT_ASSISTANT,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->workspace = g_strdup (workspace_path);
  self->file = g_object_ref (file);

  name = g_file_get_basename (file);
  adw_window_title_set_subtitle (self->window_title, name);

  start_preview (self, NULL);

  return self;
}

const char *
aud_import_assistant_get_step (AudImportAssistant *self)
{
  g_return_val_if_fail (AUD_IS_IMPORT_ASSISTANT (self), NULL);

  return current_step (self);
}

gboolean
aud_import_assistant_get_busy (AudImportAssistant *self)
{
  g_return_val_if_fail (AUD_IS_IMPORT_ASSISTANT (self), FALSE);

  return self->preview_cancellable != NULL || self->import_cancellable != NULL;
}

void
aud_import_assistant_set_kind (AudImportAssistant *self,
                               AudImportKind       kind)
{
  g_return_if_fail (AUD_IS_IMPORT_ASSISTANT (self));

  adw_combo_row_set_selected (self->kind_row, kind);
}

const AudImportMapping *
aud_import_assistant_get_mapping (AudImportAssistant *self)
{
  g_return_val_if_fail (AUD_IS_IMPORT_ASSISTANT (self), NULL);

  return self->mapping;
}

const AudImportSummary *
aud_import_assistant_get_summary (AudImportAssistant *self)
{
  g_return_val_if_fail (AUD_IS_IMPORT_ASSISTANT (self), NULL);

  return self->summary;
}
