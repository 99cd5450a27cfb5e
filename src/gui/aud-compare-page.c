/* aud-compare-page.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-compare-page"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-breakdown-view.h"
#include "aud-compare-page.h"
#include "aud-format.h"
#include "aud-overlap-matrix.h"
#include "aud-segment-colors.h"
#include "aud-swatch.h"
#include "aud-venn-view.h"

/* Wait this long after a change of the picked segments before counting,
 * so that ticking three boxes runs one query. */
#define OVERLAP_DELAY_MS 150

/* Value rows of a breakdown. */
#define BREAKDOWN_VALUES 12

struct _AudComparePage
{
  AdwBin             parent_instance;

  /* template widgets */
  GtkStack          *stack;
  GtkSpinner        *loading_spinner;
  AdwStatusPage     *error_page;
  GtkListBox        *segment_list;
  GtkSpinner        *spinner;
  AdwViewStack      *view_stack;
  GtkStack          *venn_stack;
  AdwStatusPage     *venn_status;
  AudVennView       *venn_view;
  GtkListBox        *region_list;
  GtkStack          *matrix_stack;
  AdwStatusPage     *matrix_status;
  AudOverlapMatrix  *overlap_matrix;
  GtkDropDown       *breakdown_segment_dropdown;
  GtkDropDown       *breakdown_field_dropdown;
  GtkStack          *breakdown_stack;
  AdwStatusPage     *breakdown_status;
  GtkLabel          *breakdown_summary;
  AudBreakdownView  *breakdown_view;

  /* owned; the popover's parent is venn_view */
  GtkPopover        *region_popover;
  GtkLabel          *region_popover_label;
  guint              popover_mask;

  /* owned */
  char              *path;            /* the workspace; NULL for none */
  AudEngine         *engine;
  gint64             now;             /* the workspace's reference time */
  GPtrArray         *names;           /* (element-type utf8): saved segments, sorted */
  GArray            *colors;          /* (element-type GdkRGBA): one per name */
  GPtrArray         *fields;          /* (element-type AudField): customer fields */
  GPtrArray         *selected;        /* (element-type utf8): picked, in order */
  GPtrArray         *overlap_names;   /* (element-type utf8): the segments of overlap */
  GArray            *overlap_colors;  /* (element-type GdkRGBA) */
  AudOverlap        *overlap;         /* NULL while there is none */
  GCancellable      *load_cancellable;
  GCancellable      *overlap_cancellable;
  GCancellable      *breakdown_cancellable;
  guint              overlap_source;
  guint              n_busy;          /* queries running */
  gboolean           filling;         /* rows and models are being rebuilt */
  gboolean           picked;          /* the picks were made, by the user or the API */
};

G_DEFINE_FINAL_TYPE (AudComparePage, aud_compare_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_BUSY,
  N_PROPS
};

enum {
  SEGMENT_SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The order of the region rows: single sets, then pairs, then all. */
static const guint region_rows_2[] = { 1, 2, 3 };
static const guint region_rows_3[] = { 1, 2, 4, 3, 5, 6, 7 };

/* --- workspace catalog ------------------------------------------------------- */

/* What the page needs to know of the workspace, read in a worker. */
typedef struct
{
  GPtrArray *names;    /* (element-type utf8) */
  GPtrArray *colors;   /* (element-type utf8): "#rrggbb", one per name */
  GPtrArray *fields;   /* (element-type AudField) */
  gint64     now;
} Catalog;

static void
catalog_free (Catalog *catalog)
{
  g_clear_pointer (&catalog->names, g_ptr_array_unref);
  g_clear_pointer (&catalog->colors, g_ptr_array_unref);
  g_clear_pointer (&catalog->fields, g_ptr_array_unref);
  g_free (catalog);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Catalog, catalog_free)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(Catalog) catalog = g_new0 (Catalog, 1);
  GError *error = NULL;

  store = aud_store_open (path, AUD_STORE_OPEN_DEFAULT, &error);
  if (store == NULL ||
      (catalog->names = aud_segment_list_names (store, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  catalog->colors = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < catalog->names->len; i++)
    {
      const char *name = g_ptr_array_index (catalog->names, i);
      char *color = aud_segment_dup_color (store, name, NULL);

      g_ptr_array_add (catalog->colors,
                       color != NULL ? color : g_strdup (aud_segment_color_for_name (name)));
    }

  catalog->fields = aud_store_list_fields (store, AUD_SCOPE_CUSTOMER);
  catalog->now = aud_engine_get_default_now (store);

  g_task_return_pointer (task, g_steal_pointer (&catalog), (GDestroyNotify)catalog_free);
}

/* --- helpers ------------------------------------------------------------------- */

/* A definition of the saved segment @name: {"segment": name}. It has no
 * name of its own: named @name, it would refer to itself. */
static AudSegment *
segment_reference_new (const char *name)
{
  AudSegment *segment = g_new0 (AudSegment, 1);

  segment->root = aud_segment_node_new_segment (name);
  aud_segment_node_update (segment->root, "match");

  return segment;
}

/* The members of region @mask of @names as membership criteria:
 * all[{segment: A}, {not: {segment: B}}]; mask 0 is the union,
 * any[{segment: A}, {segment: B}]. */
static AudSegment *
region_definition_new (const char         *name,
                       const char * const *names,
                       guint               n,
                       guint               mask)
{
  AudSegment *segment = g_new0 (AudSegment, 1);

  segment->name = g_strdup (name);
  segment->root = aud_segment_node_new_group (mask == 0 ? AUD_NODE_ANY : AUD_NODE_ALL);

  for (guint i = 0; i < n; i++)
    if (mask == 0 || (mask & (1u << i)) != 0)
      g_ptr_array_add (segment->root->children, aud_segment_node_new_segment (names[i]));

  for (guint i = 0; mask != 0 && i < n; i++)
    {
      AudSegmentNode *not;

      if ((mask & (1u << i)) != 0)
        continue;
      not = aud_segment_node_new_group (AUD_NODE_NOT);
      g_ptr_array_add (not->children, aud_segment_node_new_segment (names[i]));
      g_ptr_array_add (segment->root->children, not);
    }

  aud_segment_node_update (segment->root, "match");

  return segment;
}

static const GdkRGBA *
color_of (AudComparePage *self,
          const char     *name)
{
  static const GdkRGBA fallback = { 0.21, 0.52, 0.89, 1.0 };
  guint index;

  if (self->names != NULL && g_ptr_array_find_with_equal_func (self->names, name, g_str_equal,
                                                               &index))
    return &g_array_index (self->colors, GdkRGBA, index);

  return &fallback;
}

static const char *
dropdown_string (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
set_busy (AudComparePage *self,
          gboolean        busy)
{
  gboolean was_busy = self->n_busy > 0;

  if (busy)
    self->n_busy++;
  else
    {
      g_assert (self->n_busy > 0);
      self->n_busy--;
    }

  gtk_spinner_set_spinning (self->spinner, self->n_busy > 0);
  if (was_busy != (self->n_busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_toast (AudComparePage *self,
            AdwToast       *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
show_error (AudComparePage *self,
            const char     *heading,
            const char     *sentence,
            const GError   *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  g_warning ("%s: %s", sentence, error->message);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s", sentence,
                                  error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_status (AudComparePage *self,
            GtkStack       *stack,
            AdwStatusPage  *status,
            const char     *title,
            const char     *description)
{
  adw_status_page_set_title (status, title);
  adw_status_page_set_description (status, description);
  gtk_stack_set_visible_child_name (stack, "status");
}

/* --- segment list ----------------------------------------------------------------- */

static void queue_overlap (AudComparePage *self);
static void queue_breakdown (AudComparePage *self);

static void
on_segment_check_toggled_cb (AudComparePage *self,
                             GtkCheckButton *check)
{
  const char *name = g_object_get_data (G_OBJECT (check), "segment-name");
  guint index;
  gboolean found;

  g_assert (AUD_IS_COMPARE_PAGE (self));

  if (self->filling)
    return;

  found = g_ptr_array_find_with_equal_func (self->selected, name, g_str_equal, &index);
  if (gtk_check_button_get_active (check) && !found)
    g_ptr_array_add (self->selected, g_strdup (name));
  else if (!gtk_check_button_get_active (check) && found)
    g_ptr_array_remove_index (self->selected, index);

  queue_overlap (self);
}

static void
fill_segment_list (AudComparePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->segment_list))) != NULL)
    gtk_list_box_remove (self->segment_list, child);

  for (guint i = 0; i < self->names->len; i++)
    {
      const char *name = g_ptr_array_index (self->names, i);
      g_autofree char *dot = aud_swatch_markup (&g_array_index (self->colors, GdkRGBA, i), "●");
      g_autofree char *accessible = g_strdup_printf (_("Compare %s"), name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      GtkWidget *swatch = gtk_label_new (dot);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      gtk_label_set_use_markup (GTK_LABEL (swatch), TRUE);
      gtk_accessible_update_state (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_ptr_array_find_with_equal_func (self->selected, name,
                                                                     g_str_equal, NULL));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                      -1);
      g_object_set_data_full (G_OBJECT (check), "segment-name", g_strdup (name), g_free);
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_segment_check_toggled_cb), self,
                               G_CONNECT_SWAPPED);

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), swatch);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      /* Named once: by its label, not again by the row's title. */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_list_box_append (self->segment_list, row);
    }
}

/* --- regions ---------------------------------------------------------------------- */

static void save_region (AudComparePage *self,
                         guint           mask);

static void
on_save_region_clicked_cb (AudComparePage *self,
                           GtkButton      *button)
{
  save_region (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "region-mask")));
}

static GtkWidget *
region_row_new (AudComparePage *self,
                guint           mask,
                const char     *name,
                gint64          count)
{
  g_autoptr(GString) swatches = g_string_new (NULL);
  g_autofree char *count_text = aud_format_count (count);
  g_autofree char *subtitle = NULL;
  g_autofree char *save_label = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *swatch = gtk_label_new (NULL);
  GtkWidget *button;
  double share = self->overlap->total > 0 ? (double)count / self->overlap->total : 0.0;

  for (guint i = 0; i < self->overlap->n; i++)
    {
      g_autofree char *dot = NULL;

      /* Filled for the sets the region is in, hollow for the others. */
      dot = aud_swatch_markup (&g_array_index (self->overlap_colors, GdkRGBA, i),
                          mask == 0 || (mask & (1u << i)) ? "●" : "○");
      g_string_append (swatches, dot);
    }
  gtk_label_set_markup (GTK_LABEL (swatch), swatches->str);
  gtk_accessible_update_state (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);

  /* Translators: a region's size: "1,204 customers · 12.0% of all" */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer · %.1f%% of all",
                                           "%s customers · %.1f%% of all", count),
                              count_text, share * 100.0);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), mask != 0);

  button = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* Translators: the accessible name of a region's save button */
  save_label = g_strdup_printf (_("Save “%s” as a segment"), name);
  gtk_widget_set_tooltip_text (button, save_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, save_label,
                                  -1);
  gtk_widget_set_sensitive (button, count > 0);
  g_object_set_data (G_OBJECT (button), "region-mask", GUINT_TO_POINTER (mask));
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_save_region_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  g_object_set_data (G_OBJECT (row), "region-mask", GUINT_TO_POINTER (mask));

  return row;
}

static void
fill_region_list (AudComparePage *self)
{
  const char * const *names = (const char * const *)self->overlap_names->pdata;
  const guint *order = self->overlap->n == 3 ? region_rows_3 : region_rows_2;
  guint n_rows = self->overlap->n == 3 ? G_N_ELEMENTS (region_rows_3) :
                                         G_N_ELEMENTS (region_rows_2);
  g_autofree char *union_name = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->region_list))) != NULL)
    gtk_list_box_remove (self->region_list, child);

  for (guint k = 0; k < n_rows; k++)
    {
      g_autofree char *name = aud_venn_region_name (self->overlap->n, names, order[k]);

      gtk_list_box_append (self->region_list,
                           region_row_new (self, order[k], name,
                                           self->overlap->regions[order[k]]));
    }

  if (self->overlap->n == 2)
    /* Translators: customers in either of two segments */
    union_name = g_strdup_printf (_("%s or %s"), names[0], names[1]);
  else
    union_name = g_strdup_printf (_("%s, %s or %s"), names[0], names[1], names[2]);
  gtk_list_box_append (self->region_list,
                       region_row_new (self, 0, union_name, self->overlap->union_count));
}

static void
on_region_list_row_activated_cb (AudComparePage *self,
                                 GtkListBoxRow  *row,
                                 GtkListBox     *list)
{
  guint mask = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "region-mask"));

  aud_venn_view_set_selected_region (self->venn_view, mask);
}

static void
on_venn_selected_region_notify_cb (AudComparePage *self,
                                   GParamSpec     *pspec,
                                   AudVennView    *view)
{
  guint mask = aud_venn_view_get_selected_region (view);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->region_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      if (mask != 0 &&
          GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "region-mask")) == mask)
        {
          gtk_list_box_select_row (self->region_list, GTK_LIST_BOX_ROW (row));
          return;
        }
    }

  gtk_list_box_unselect_all (self->region_list);
}

static void
on_popover_save_clicked_cb (AudComparePage *self,
                            GtkButton      *button)
{
  gtk_popover_popdown (self->region_popover);
  save_region (self, self->popover_mask);
}

static void
on_venn_region_activated_cb (AudComparePage *self,
                             guint           mask,
                             AudVennView    *view)
{
  gint64 n = aud_venn_view_get_region_count (view, mask);
  g_autofree char *name = aud_venn_view_dup_region_name (view, mask);
  g_autofree char *count = aud_format_count (n);
  g_autofree char *customers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer",
                                                             "%s customers", n),
                                                count);
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s", name, customers);
  graphene_point_t point;

  if (mask == 0 || !aud_venn_view_get_region_point (view, mask, &point))
    return;

  self->popover_mask = mask;
  gtk_label_set_markup (self->region_popover_label, markup);
  gtk_popover_set_pointing_to (self->region_popover,
                               &(GdkRectangle) { (int)point.x - 1, (int)point.y - 1, 2, 2 });
  gtk_popover_popup (self->region_popover);
}

/* --- saving a region ---------------------------------------------------------- */

typedef struct
{
  char       *path;
  AudSegment *segment;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->path);
  aud_segment_free (data->segment);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(AudStore) store = NULL;
  GError *error = NULL;

  store = aud_store_open (data->path, AUD_STORE_OPEN_DEFAULT, &error);
  if (store == NULL || !aud_segment_save (store, data->segment, FALSE, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AudComparePage *self = AUD_COMPARE_PAGE (object);
  SaveData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  set_busy (self, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *sentence = g_strdup_printf (_("“%s” could not be saved."),
                                                   data->segment->name);

      show_error (self, _("Could Not Save the Segment"), sentence, error);
      return;
    }

  /* Translators: a toast after saving a region of the Venn diagram */
  title = g_strdup_printf (_("Saved “%s”"), data->segment->name);
  show_toast (self, adw_toast_new (title));
  g_signal_emit (self, signals[SEGMENT_SAVED], 0, data->segment->name);
  aud_compare_page_reload (self);
}

static void
on_save_name_changed_cb (AdwMessageDialog *dialog,
                         GtkEditable      *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "save", text[0] != '\0');
}

static void
on_save_dialog_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            AudComparePage   *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  guint mask = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "region-mask"));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  if (g_strcmp0 (response, "save") != 0 || name[0] == '\0' || self->overlap == NULL)
    return;

  data = g_new0 (SaveData, 1);
  data->path = g_strdup (self->path);
  data->segment = region_definition_new (name, (const char * const *)self->overlap_names->pdata,
                                         self->overlap->n, mask);

  set_busy (self, TRUE);
  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, on_save_dialog_response_cb);
  g_task_set_task_data (task, data, (GDestroyNotify)save_data_free);
  g_task_run_in_thread (task, save_thread);
}

/* Asks for a name, then saves region @mask (0: the union) of the overlap
 * shown as a segment. */
static void
save_region (AudComparePage *self,
             guint           mask)
{
  const char * const *names;
  g_autofree char *default_name = NULL;
  g_autofree char *count = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  GtkWidget *entry;
  gint64 n;

  if (self->overlap == NULL || !self->overlap->has_regions || self->path == NULL)
    return;

  names = (const char * const *)self->overlap_names->pdata;
  if (mask == 0)
    {
      n = self->overlap->union_count;
      default_name = self->overlap->n == 2 ?
                     g_strdup_printf (_("%s or %s"), names[0], names[1]) :
                     g_strdup_printf (_("%s, %s or %s"), names[0], names[1], names[2]);
    }
  else
    {
      n = self->overlap->regions[mask];
      default_name = aud_venn_region_name (self->overlap->n, names, mask);
    }
  count = aud_format_count (n);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Save as Segment"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "A new segment of the %s customer in this "
                                               "region, kept up to date with the segments "
                                               "it is made of.",
                                               "A new segment of the %s customers in this "
                                               "region, kept up to date with the segments "
                                               "it is made of.", n),
                                  count);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), default_name);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of the new segment"),
                                  -1);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_save_name_changed_cb), dialog,
                           G_CONNECT_SWAPPED);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  g_object_set_data (G_OBJECT (dialog), "region-mask", GUINT_TO_POINTER (mask));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- overlap --------------------------------------------------------------------- */

static void
show_overlap (AudComparePage *self)
{
  const AudOverlap *overlap = self->overlap;
  const char * const *names = NULL;
  const GdkRGBA *colors = NULL;
  guint n = overlap != NULL ? overlap->n : self->selected->len;

  if (overlap != NULL)
    {
      names = (const char * const *)self->overlap_names->pdata;
      colors = (const GdkRGBA *)(gpointer)self->overlap_colors->data;
    }

  if (overlap != NULL && overlap->has_regions && n >= 2)
    {
      aud_venn_view_set_overlap (self->venn_view, overlap, names, colors);
      fill_region_list (self);
      gtk_stack_set_visible_child_name (self->venn_stack, "content");
    }
  else
    {
      aud_venn_view_set_overlap (self->venn_view, NULL, NULL, NULL);
      if (n > 3)
        set_status (self, self->venn_stack, self->venn_status,
                    _("Too Many for a Venn Diagram"),
                    _("A Venn diagram shows two or three segments: the matrix shows all of "
                      "them"));
      else
        set_status (self, self->venn_stack, self->venn_status,
                    _("Pick Two or Three Segments"),
                    _("Their overlap is drawn to scale, every region with its count"));
    }

  if (overlap != NULL && n >= 2)
    {
      aud_overlap_matrix_set_overlap (self->overlap_matrix, overlap, names, colors);
      gtk_stack_set_visible_child_name (self->matrix_stack, "content");
    }
  else
    {
      aud_overlap_matrix_set_overlap (self->overlap_matrix, NULL, NULL, NULL);
      set_status (self, self->matrix_stack, self->matrix_status,
                  _("Pick Two or More Segments"),
                  _("Every pair of them is counted, with its share of each"));
    }
}

static void
show_overlap_error (AudComparePage *self,
                    const GError   *error)
{
  g_warning ("Could not count the overlap: %s", error->message);

  aud_venn_view_set_overlap (self->venn_view, NULL, NULL, NULL);
  aud_overlap_matrix_set_overlap (self->overlap_matrix, NULL, NULL, NULL);
  set_status (self, self->venn_stack, self->venn_status, _("Could Not Count the Overlap"),
              error->message);
  set_status (self, self->matrix_stack, self->matrix_status, _("Could Not Count the Overlap"),
              error->message);
}

/* One count of the overlap: the page, and the segments it was asked for
 * (the picks may change meanwhile). */
typedef struct
{
  AudComparePage *self;
  GPtrArray      *names;   /* (element-type utf8) */
} OverlapRequest;

static void
overlap_request_free (OverlapRequest *request)
{
  g_clear_object (&request->self);
  g_clear_pointer (&request->names, g_ptr_array_unref);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OverlapRequest, overlap_request_free)

static void
overlap_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(OverlapRequest) request = user_data;
  AudComparePage *self = request->self;
  g_autoptr(GError) error = NULL;
  AudOverlap *overlap;

  set_busy (self, FALSE);

  overlap = aud_engine_overlap_finish (AUD_ENGINE (object), result, &error);
  if (overlap == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_overlap_error (self, error);
      return;
    }

  g_clear_pointer (&self->overlap, aud_overlap_free);
  g_clear_pointer (&self->overlap_names, g_ptr_array_unref);
  self->overlap = overlap;
  self->overlap_names = g_steal_pointer (&request->names);
  g_array_set_size (self->overlap_colors, 0);
  for (guint i = 0; i < overlap->n; i++)
    g_array_append_val (self->overlap_colors,
                        *color_of (self, g_ptr_array_index (self->overlap_names, i)));

  show_overlap (self);
}

/* Breaks down the first pick when the segment broken down is no longer
 * picked. */
static void
follow_picks (AudComparePage *self)
{
  const char *name = dropdown_string (self->breakdown_segment_dropdown);
  guint index;

  if (self->names == NULL || self->selected->len == 0 ||
      (name != NULL && g_ptr_array_find_with_equal_func (self->selected, name, g_str_equal, NULL)))
    return;

  if (g_ptr_array_find_with_equal_func (self->names, g_ptr_array_index (self->selected, 0),
                                        g_str_equal, &index))
    gtk_drop_down_set_selected (self->breakdown_segment_dropdown, index);
}

static void
run_overlap (AudComparePage *self)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify)aud_segment_free);
  OverlapRequest *request;

  g_cancellable_cancel (self->overlap_cancellable);
  g_clear_object (&self->overlap_cancellable);

  if (self->path == NULL || self->names == NULL)
    return;

  follow_picks (self);

  if (self->selected->len == 0)
    {
      g_clear_pointer (&self->overlap, aud_overlap_free);
      show_overlap (self);
      return;
    }

  request = g_new0 (OverlapRequest, 1);
  request->self = g_object_ref (self);
  request->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->selected->len; i++)
    {
      const char *name = g_ptr_array_index (self->selected, i);

      g_ptr_array_add (segments, segment_reference_new (name));
      g_ptr_array_add (request->names, g_strdup (name));
    }

  self->overlap_cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  aud_engine_overlap_async (self->engine, self->path, (AudSegment * const *)segments->pdata,
                            segments->len, self->now, self->overlap_cancellable,
                            overlap_cb, request);
}

static gboolean
overlap_timeout_cb (gpointer user_data)
{
  AudComparePage *self = user_data;

  self->overlap_source = 0;
  run_overlap (self);

  return G_SOURCE_REMOVE;
}

static void
queue_overlap (AudComparePage *self)
{
  g_clear_handle_id (&self->overlap_source, g_source_remove);
  self->overlap_source = g_timeout_add (OVERLAP_DELAY_MS, overlap_timeout_cb, self);
}

/* --- breakdown ----------------------------------------------------------------- */

static void
breakdown_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AudComparePage) self = user_data;
  g_autoptr(AudBreakdown) breakdown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *members = NULL;
  g_autofree char *customers = NULL;
  g_autofree char *summary = NULL;
  const char *name;

  set_busy (self, FALSE);

  breakdown = aud_engine_breakdown_finish (AUD_ENGINE (object), result, &error);
  if (breakdown == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not break the segment down: %s", error->message);
          aud_breakdown_view_set_breakdown (self->breakdown_view, NULL, NULL, NULL);
          set_status (self, self->breakdown_stack, self->breakdown_status,
                      _("Could Not Break the Segment Down"), error->message);
        }
      return;
    }

  name = dropdown_string (self->breakdown_segment_dropdown);
  if (name == NULL)
    return;

  members = aud_format_count (breakdown->segment_count);
  customers = aud_format_count (breakdown->base_count);
  /* Translators: above the breakdown: "Newsletter has 1,204 of 20,000
   * customers. The lift is how much more common a value of country is among
   * them than among all customers." */
  summary = g_strdup_printf (_("%s has %s of %s customers. The lift is how much more common a "
                               "value of %s is among them than among all customers."),
                             name, members, customers, breakdown->field);
  gtk_label_set_label (self->breakdown_summary, summary);
  aud_breakdown_view_set_breakdown (self->breakdown_view, breakdown, name, color_of (self, name));
  gtk_stack_set_visible_child_name (self->breakdown_stack, "content");
}

static void
queue_breakdown (AudComparePage *self)
{
  g_autoptr(AudSegment) segment = NULL;
  const char *name = dropdown_string (self->breakdown_segment_dropdown);
  const char *field = dropdown_string (self->breakdown_field_dropdown);

  g_cancellable_cancel (self->breakdown_cancellable);
  g_clear_object (&self->breakdown_cancellable);

  if (self->path == NULL || name == NULL || field == NULL)
    {
      aud_breakdown_view_set_breakdown (self->breakdown_view, NULL, NULL, NULL);
      set_status (self, self->breakdown_stack, self->breakdown_status,
                  field == NULL && self->fields != NULL && self->fields->len == 0 ?
                  _("No Customer Fields") : _("Pick a Segment and a Field"),
                  _("See how its members differ from all customers"));
      return;
    }

  segment = segment_reference_new (name);
  self->breakdown_cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  aud_engine_breakdown_async (self->engine, self->path, segment, field, BREAKDOWN_VALUES,
                              self->now, self->breakdown_cancellable, breakdown_cb,
                              g_object_ref (self));
}

static void
on_breakdown_choice_notify_cb (AudComparePage *self,
                               GParamSpec     *pspec,
                               GtkDropDown    *dropdown)
{
  if (!self->filling)
    queue_breakdown (self);
}

/* Fills the dropdowns, keeping their choices where they still exist. */
static void
fill_breakdown_choices (AudComparePage *self)
{
  g_autofree char *old_segment = g_strdup (dropdown_string (self->breakdown_segment_dropdown));
  g_autofree char *old_field = g_strdup (dropdown_string (self->breakdown_field_dropdown));
  g_autoptr(GtkStringList) segments = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) fields = gtk_string_list_new (NULL);
  guint segment_index = GTK_INVALID_LIST_POSITION;
  guint field_index = GTK_INVALID_LIST_POSITION;
  guint country_field = GTK_INVALID_LIST_POSITION;
  guint category_field = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < self->names->len; i++)
    {
      const char *name = g_ptr_array_index (self->names, i);

      gtk_string_list_append (segments, name);
      if (g_strcmp0 (name, old_segment) == 0)
        segment_index = i;
    }
  if (segment_index == GTK_INVALID_LIST_POSITION && self->selected->len > 0)
    g_ptr_array_find_with_equal_func (self->names, g_ptr_array_index (self->selected, 0),
                                      g_str_equal, &segment_index);

  for (guint i = 0; i < self->fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (self->fields, i);

      gtk_string_list_append (fields, field->name);
      if (g_strcmp0 (field->name, old_field) == 0)
        field_index = i;
      /* A field of few values reads best first, the country above all. */
      if (country_field == GTK_INVALID_LIST_POSITION && field->role == AUD_ROLE_COUNTRY)
        country_field = i;
      if (category_field == GTK_INVALID_LIST_POSITION && field->type == AUD_FIELD_CATEGORY)
        category_field = i;
    }
  if (field_index == GTK_INVALID_LIST_POSITION)
    field_index = country_field != GTK_INVALID_LIST_POSITION ? country_field :
                  category_field != GTK_INVALID_LIST_POSITION ? category_field : 0;

  self->filling = TRUE;
  gtk_drop_down_set_model (self->breakdown_segment_dropdown, G_LIST_MODEL (segments));
  gtk_drop_down_set_model (self->breakdown_field_dropdown, G_LIST_MODEL (fields));
  gtk_drop_down_set_selected (self->breakdown_segment_dropdown,
                              segment_index != GTK_INVALID_LIST_POSITION ? segment_index : 0);
  gtk_drop_down_set_selected (self->breakdown_field_dropdown,
                              self->fields->len > 0 ? field_index : GTK_INVALID_LIST_POSITION);
  self->filling = FALSE;
}

/* --- loading ------------------------------------------------------------------- */

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AudComparePage *self = AUD_COMPARE_PAGE (object);
  g_autoptr(Catalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = NULL;

  set_busy (self, FALSE);
  gtk_spinner_set_spinning (self->loading_spinner, FALSE);

  catalog = g_task_propagate_pointer (G_TASK (result), &error);
  if (catalog == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not read the saved segments of %s: %s", self->path, error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  self->names = g_steal_pointer (&catalog->names);
  self->fields = g_steal_pointer (&catalog->fields);
  self->now = catalog->now;
  g_array_set_size (self->colors, 0);
  for (guint i = 0; i < self->names->len; i++)
    {
      GdkRGBA color = { 0.21, 0.52, 0.89, 1.0 };

      gdk_rgba_parse (&color, g_ptr_array_index (catalog->colors, i));
      g_array_append_val (self->colors, color);
    }

  /* Keep the picks that still exist; pick the first two at first. */
  kept = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->selected->len; i++)
    if (g_ptr_array_find_with_equal_func (self->names, g_ptr_array_index (self->selected, i),
                                          g_str_equal, NULL))
      g_ptr_array_add (kept, g_strdup (g_ptr_array_index (self->selected, i)));
  if (kept->len == 0 && !self->picked)
    for (guint i = 0; i < MIN (2, self->names->len); i++)
      g_ptr_array_add (kept, g_strdup (g_ptr_array_index (self->names, i)));
  self->picked = TRUE;
  g_ptr_array_unref (self->selected);
  self->selected = g_steal_pointer (&kept);

  if (self->names->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->filling = TRUE;
  fill_segment_list (self);
  self->filling = FALSE;
  fill_breakdown_choices (self);
  gtk_stack_set_visible_child_name (self->stack, "compare");

  run_overlap (self);
  queue_breakdown (self);
}

static void
start_load (AudComparePage *self)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);

  if (self->path == NULL)
    return;

  self->load_cancellable = g_cancellable_new ();
  if (self->names == NULL)
    {
      gtk_spinner_set_spinning (self->loading_spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  set_busy (self, TRUE);
  task = g_task_new (self, self->load_cancellable, load_cb, NULL);
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_thread);
}

/* --- GObject ------------------------------------------------------------------- */

static void
aud_compare_page_dispose (GObject *object)
{
  AudComparePage *self = (AudComparePage *)object;

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->overlap_cancellable);
  g_cancellable_cancel (self->breakdown_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->overlap_cancellable);
  g_clear_object (&self->breakdown_cancellable);
  g_clear_handle_id (&self->overlap_source, g_source_remove);

  if (self->region_popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->region_popover));
      self->region_popover = NULL;
    }

  /* The stack is both the bin's child and a template child: let the bin
   * drop it first, so it is not unparented twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_COMPARE_PAGE);

  G_OBJECT_CLASS (aud_compare_page_parent_class)->dispose (object);
}

static void
aud_compare_page_finalize (GObject *object)
{
  AudComparePage *self = (AudComparePage *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->colors, g_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->selected, g_ptr_array_unref);
  g_clear_pointer (&self->overlap_names, g_ptr_array_unref);
  g_clear_pointer (&self->overlap_colors, g_array_unref);
  g_clear_pointer (&self->overlap, aud_overlap_free);

  G_OBJECT_CLASS (aud_compare_page_parent_class)->finalize (object);
}

static void
aud_compare_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AudComparePage *self = AUD_COMPARE_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_string (value, self->path);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->n_busy > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_compare_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AudComparePage *self = AUD_COMPARE_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      aud_compare_page_set_workspace (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_compare_page_class_init (AudComparePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_compare_page_dispose;
  object_class->finalize = aud_compare_page_finalize;
  object_class->get_property = aud_compare_page_get_property;
  object_class->set_property = aud_compare_page_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_string ("workspace", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AudComparePage::segment-saved:
   * @self: the page
   * @name: the new segment's name
   *
   * A region of the diagram was saved as a segment.
   */
  signals[SEGMENT_SAVED] =
    g_signal_new ("segment-saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (AUD_TYPE_VENN_VIEW);
  g_type_ensure (AUD_TYPE_OVERLAP_MATRIX);
  g_type_ensure (AUD_TYPE_BREAKDOWN_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/aud-compare-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, stack);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, segment_list);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, venn_stack);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, venn_status);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, venn_view);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, region_list);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, matrix_stack);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, matrix_status);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, overlap_matrix);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, breakdown_segment_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, breakdown_field_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, breakdown_stack);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, breakdown_status);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, breakdown_summary);
  gtk_widget_class_bind_template_child (widget_class, AudComparePage, breakdown_view);
  gtk_widget_class_bind_template_callback (widget_class, on_venn_region_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_venn_selected_region_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_region_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_breakdown_choice_notify_cb);
}

static void
aud_compare_page_init (AudComparePage *self)
{
  GtkWidget *box;
  GtkWidget *button;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* GTK 4.8 would also name the dropdowns by their mnemonic labels
   * ("_Segment"): keep the template's accessible labels alone. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->breakdown_segment_dropdown),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->breakdown_field_dropdown),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  self->engine = aud_engine_new ();
  self->colors = g_array_new (FALSE, FALSE, sizeof (GdkRGBA));
  self->overlap_colors = g_array_new (FALSE, FALSE, sizeof (GdkRGBA));
  self->selected = g_ptr_array_new_with_free_func (g_free);

  /* The popover of a clicked region. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->region_popover_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_justify (self->region_popover_label, GTK_JUSTIFY_CENTER);
  gtk_label_set_wrap (self->region_popover_label, TRUE);
  /* A fixed width, so the wrapped text is measured as it is drawn. */
  gtk_label_set_max_width_chars (self->region_popover_label, 1);
  gtk_widget_set_size_request (box, 280, -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->region_popover_label));
  button = gtk_button_new_with_mnemonic (_("_Save as Segment…"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Save as segment"),
                                  -1);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_popover_save_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), button);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  self->region_popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->region_popover, box);
  gtk_widget_set_parent (GTK_WIDGET (self->region_popover), GTK_WIDGET (self->venn_view));

  show_overlap (self);
}

/* --- public API ------------------------------------------------------------------ */

AudComparePage *
aud_compare_page_new (void)
{
  return g_object_new (AUD_TYPE_COMPARE_PAGE, NULL);
}

/**
 * aud_compare_page_set_workspace:
 * @self: the page
 * @path: (nullable): the workspace file, or %NULL when none is open
 *
 * Shows the saved segments of @path (read in a worker); the same path again
 * reads them again.
 */
void
aud_compare_page_set_workspace (AudComparePage *self,
                                const char     *path)
{
  g_return_if_fail (AUD_IS_COMPARE_PAGE (self));

  /* The same workspace again (the window reopens it after an import):
   * read it again, keeping the picks. */
  if (g_strcmp0 (self->path, path) == 0)
    {
      if (path != NULL)
        aud_compare_page_reload (self);
      return;
    }

  g_free (self->path);
  self->path = g_strdup (path);

  g_cancellable_cancel (self->overlap_cancellable);
  g_cancellable_cancel (self->breakdown_cancellable);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->overlap, aud_overlap_free);
  g_ptr_array_set_size (self->selected, 0);
  self->picked = FALSE;
  show_overlap (self);

  if (path == NULL)
    {
      g_cancellable_cancel (self->load_cancellable);
      gtk_stack_set_visible_child_name (self->stack, "none");
    }
  else
    start_load (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

const char *
aud_compare_page_get_workspace (AudComparePage *self)
{
  g_return_val_if_fail (AUD_IS_COMPARE_PAGE (self), NULL);

  return self->path;
}

/**
 * aud_compare_page_reload:
 * @self: the page
 *
 * Reads the saved segments again and counts anew, keeping the picks that
 * still exist: after an import or a change of saved segments.
 */
void
aud_compare_page_reload (AudComparePage *self)
{
  g_return_if_fail (AUD_IS_COMPARE_PAGE (self));

  start_load (self);
}

/**
 * aud_compare_page_set_engine:
 * @self: the page
 * @engine: the engine to count with (its cache is shared)
 */
void
aud_compare_page_set_engine (AudComparePage *self,
                             AudEngine      *engine)
{
  g_return_if_fail (AUD_IS_COMPARE_PAGE (self));
  g_return_if_fail (AUD_IS_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

/**
 * aud_compare_page_set_selection:
 * @self: the page
 * @names: the saved segments to compare, in order
 *
 * Picks @names (those not saved are dropped once the list is read) and
 * counts their overlap.
 */
void
aud_compare_page_set_selection (AudComparePage     *self,
                                const char * const *names)
{
  g_return_if_fail (AUD_IS_COMPARE_PAGE (self));
  g_return_if_fail (names != NULL);

  g_ptr_array_set_size (self->selected, 0);
  for (guint i = 0; names[i] != NULL; i++)
    if (self->names == NULL ||
        g_ptr_array_find_with_equal_func (self->names, names[i], g_str_equal, NULL))
      g_ptr_array_add (self->selected, g_strdup (names[i]));
  self->picked = TRUE;

  if (self->names == NULL)
    return;

  self->filling = TRUE;
  fill_segment_list (self);
  self->filling = FALSE;
  run_overlap (self);
}

gboolean
aud_compare_page_get_busy (AudComparePage *self)
{
  g_return_val_if_fail (AUD_IS_COMPARE_PAGE (self), FALSE);

  return self->n_busy > 0 || self->overlap_source != 0;
}

const AudOverlap *
aud_compare_page_get_overlap (AudComparePage *self)
{
  g_return_val_if_fail (AUD_IS_COMPARE_PAGE (self), NULL);

  return self->overlap;
}
