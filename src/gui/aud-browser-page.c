/* aud-browser-page.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-browser-page"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-browser-page.h"
#include "aud-customer-pane.h"
#include "aud-format.h"

struct _AudBrowserPage
{
  AdwBin              parent_instance;

  /* template widgets */
  GtkSearchEntry     *search_entry;
  GtkSpinner         *spinner;
  GtkLabel           *count_label;
  GtkStack           *stack;
  AdwStatusPage      *loading_page;
  GtkSpinner         *loading_spinner;
  AdwStatusPage      *empty_page;
  AdwStatusPage      *error_page;
  GtkPaned           *paned;
  GtkColumnView      *column_view;

  /* borrowed: the end child of paned, for customers */
  AudCustomerPane    *customer_pane;

  /* owned */
  AudScope            scope;
  char               *path;            /* the workspace; NULL for none */
  AudRecordModel     *model;           /* NULL without a (readable) workspace */
  GtkSingleSelection *selection;
  GBinding           *loading_binding; /* model:loading -> spinner:spinning */
  GCancellable       *cancellable;     /* of the refresh; cancelled by dispose */
  gulong              sorter_changed_id;
  gboolean            loaded;          /* a refresh of the model has finished */
  gboolean            stale;           /* path changed while unmapped: load on map */
};

G_DEFINE_FINAL_TYPE (AudBrowserPage, aud_browser_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SCOPE,
  PROP_WORKSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Column widths, in pixels per character of the longest text (titles
 * are bold), and their bounds. */
#define CHAR_WIDTH 8
#define TITLE_CHAR_WIDTH 9
#define MIN_COLUMN_WIDTH 70
#define MAX_COLUMN_WIDTH 320

/* Rows looked at to size the columns. */
#define SAMPLE_ROWS 100

static gboolean
is_numeric (AudFieldType type)
{
  return type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL;
}

static void
update_state (AudBrowserPage *self)
{
  const char *search = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (self->model == NULL)
    return;

  if (!self->loaded)
    {
      gtk_label_set_label (self->count_label, NULL);
      gtk_spinner_set_spinning (self->loading_spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }

  gtk_spinner_set_spinning (self->loading_spinner, FALSE);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  search = aud_record_model_get_search_text (self->model);
  count = aud_format_count (n);

  if (search != NULL)
    /* Translators: the number of rows that match the search: "12 matching" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s matching", "%s matching", n), count);
  else if (self->scope == AUD_SCOPE_CUSTOMER)
    /* Translators: "1,000,000 customers" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer", "%s customers", n), count);
  else
    /* Translators: "2,000,000 events" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s event", "%s events", n), count);
  gtk_label_set_label (self->count_label, text);

  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "table");
      return;
    }

  if (search != NULL)
    {
      g_autofree char *description = NULL;

      if (self->scope == AUD_SCOPE_CUSTOMER)
        description = g_strdup_printf (_("No customer matches “%s”"), search);
      else
        description = g_strdup_printf (_("No event matches “%s”"), search);
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Results"));
      adw_status_page_set_description (self->empty_page, description);
    }
  else if (self->scope == AUD_SCOPE_CUSTOMER)
    {
      adw_status_page_set_icon_name (self->empty_page, "system-users-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Customers"));
      adw_status_page_set_description (self->empty_page,
                                       _("Import a customer list to see it here"));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "x-office-calendar-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Events"));
      adw_status_page_set_description (self->empty_page,
                                       _("Import an activity file to see it here"));
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/* Fixes each column's width from its title and the first rows, once per
 * model: fixed widths never change while scrolling and spare the view from
 * measuring every row. */
static void
fit_columns (AudBrowserPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GListModel *rows = G_LIST_MODEL (self->model);
  guint n_rows = MIN (g_list_model_get_n_items (rows), SAMPLE_ROWS);
  guint n_columns = g_list_model_get_n_items (columns);
  g_autofree glong *widths = g_new0 (glong, n_columns);

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(AudRecord) record = g_list_model_get_item (rows, r);

      for (guint i = 0; i < n_columns; i++)
        {
          const char *value = aud_record_get_value (record, i);

          if (value != NULL)
            widths[i] = MAX (widths[i], CHAR_WIDTH * g_utf8_strlen (value, -1));
        }
    }

  for (guint i = 0; i < n_columns; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      /* Room for the sort arrow beside the title. */
      glong title = TITLE_CHAR_WIDTH * g_utf8_strlen (gtk_column_view_column_get_title (column), -1) + 16;

      gtk_column_view_column_set_fixed_width (column,
                                              CLAMP (MAX (widths[i], title) + 24,
                                                     MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH));
      /* The last column takes the room left in a wide window. */
      gtk_column_view_column_set_expand (column, i + 1 == n_columns);
    }
}

static void
show_error (AudBrowserPage *self,
            const GError   *error)
{
  gtk_label_set_label (self->count_label, NULL);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(AudBrowserPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!aud_record_model_refresh_finish (AUD_RECORD_MODEL (object), result, &error))
    {
      /* Cancelled: a newer refresh or the page going away. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not read %s: %s", self->path, error->message);
          show_error (self, error);
        }
      return;
    }

  if (AUD_RECORD_MODEL (object) != self->model)
    return;

  if (!self->loaded)
    fit_columns (self);
  self->loaded = TRUE;
  update_state (self);
}

/* Applies the model's query in a worker; the old rows stay until then. */
static void
queue_refresh (AudBrowserPage *self)
{
  g_assert (AUD_IS_BROWSER_PAGE (self));

  if (self->model == NULL)
    return;

  aud_record_model_refresh_async (self->model, self->cancellable, refresh_cb,
                                  g_object_ref (self));
  update_state (self);
}

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  *(int *)a = GPOINTER_TO_INT (user_data);

  return -1;
}

/* The column the view sorts by, and the direction. GTK 4.8 has no getter
 * for them (gtk_column_view_sorter_get_primary_sort_column() is 4.10), so
 * the view's sorter compares two probes: the first column sorter it asks
 * is the primary one, and it writes its column into the first probe; the
 * sign of the result is the direction. */
static int
read_sort (AudBrowserPage *self,
           gboolean       *descending)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  int first = AUD_RECORD_MODEL_SORT_BY_ID;
  int second = AUD_RECORD_MODEL_SORT_BY_ID;
  GtkOrdering order = gtk_sorter_compare (sorter, &first, &second);

  *descending = order == GTK_ORDERING_LARGER;

  return order == GTK_ORDERING_EQUAL ? AUD_RECORD_MODEL_SORT_BY_ID : first;
}

static void
on_sorter_changed_cb (AudBrowserPage  *self,
                      GtkSorterChange  change,
                      GtkSorter       *sorter)
{
  gboolean descending = FALSE;
  int column = read_sort (self, &descending);

  if (self->model == NULL)
    return;

  aud_record_model_set_sort (self->model, column, descending);
  queue_refresh (self);
}

static void
on_search_entry_search_changed_cb (AudBrowserPage *self,
                                   GtkSearchEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  /* Spaces around the text change nothing (nor does the entry's own
   * first emission). */
  if (self->model == NULL ||
      g_strcmp0 (aud_record_model_get_search_text (self->model), text[0] != '\0' ? text : NULL) == 0)
    return;

  aud_record_model_set_search_text (self->model, text);
  queue_refresh (self);
}

static void
on_search_entry_stop_search_cb (AudBrowserPage *self,
                                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* The pane is there while it shows a customer; closing it unselects. */
static void
on_customer_pane_customer_notify_cb (AudBrowserPage  *self,
                                     GParamSpec      *pspec,
                                     AudCustomerPane *pane)
{
  gboolean shown = aud_customer_pane_get_customer (pane) != 0;

  gtk_widget_set_visible (GTK_WIDGET (pane), shown);
  if (!shown && self->selection != NULL)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

static void
on_selection_selected_item_notify_cb (AudBrowserPage     *self,
                                      GParamSpec         *pspec,
                                      GtkSingleSelection *selection)
{
  AudRecord *record = gtk_single_selection_get_selected_item (selection);

  /* A refresh drops the selection; the pane keeps showing the customer. */
  if (self->customer_pane != NULL && record != NULL)
    aud_customer_pane_set_customer (self->customer_pane, self->model, record);
}

/* Table cells: a label, filled on bind, emptied on unbind. */
static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (g_object_get_data (G_OBJECT (factory), "numeric") != NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  AudRecord *record = gtk_list_item_get_item (item);
  const char *value = aud_record_get_value (record, GPOINTER_TO_UINT (user_data));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), value != NULL ? value : "");
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), NULL);
}

static void
remove_columns (AudBrowserPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
}

static void
add_columns (AudBrowserPage *self)
{
  for (guint i = 0; i < aud_record_model_get_n_columns (self->model); i++)
    {
      AudFieldType type = aud_record_model_get_column_type (self->model, i);
      const char *title = aud_record_model_get_column_title (self->model, i);
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GtkSorter) sorter = NULL;

      if (is_numeric (type))
        g_object_set_data (G_OBJECT (factory), "numeric", GINT_TO_POINTER (TRUE));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), NULL);

      column = gtk_column_view_column_new (title, factory);
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, GINT_TO_POINTER (i), NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
    }
}

/* Drops the model and its columns. */
static void
clear_model (AudBrowserPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->loading_binding != NULL)
    g_binding_unbind (self->loading_binding);
  self->loading_binding = NULL;
  gtk_spinner_set_spinning (self->spinner, FALSE);

  g_signal_handler_block (gtk_column_view_get_sorter (self->column_view),
                          self->sorter_changed_id);
  remove_columns (self);
  g_signal_handler_unblock (gtk_column_view_get_sorter (self->column_view),
                            self->sorter_changed_id);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_func (self->selection,
                                          on_selection_selected_item_notify_cb, self);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  self->loaded = FALSE;
}

/* Makes the model of self->path and starts reading it. */
static void
load (AudBrowserPage *self)
{
  g_autoptr(GError) error = NULL;

  self->stale = FALSE;
  clear_model (self);
  if (self->customer_pane != NULL)
    aud_customer_pane_set_workspace (self->customer_pane, self->path);

  if (self->path == NULL)
    {
      gtk_label_set_label (self->count_label, NULL);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  self->model = aud_record_model_new (self->path, self->scope, &error);
  if (self->model == NULL)
    {
      g_warning ("Could not open %s: %s", self->path, error->message);
      show_error (self, error);
      return;
    }

  self->cancellable = g_cancellable_new ();
  self->loading_binding = g_object_bind_property (self->model, "loading",
                                                  self->spinner, "spinning",
                                                  G_BINDING_SYNC_CREATE);

  add_columns (self);
  aud_record_model_set_search_text (self->model,
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_selected_item_notify_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  queue_refresh (self);
}

static gboolean
focus_search_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  AudBrowserPage *self = AUD_BROWSER_PAGE (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* A page nobody looks at reads nothing: a workspace set while it was
 * hidden is read when it is first shown. */
static void
aud_browser_page_map (GtkWidget *widget)
{
  AudBrowserPage *self = AUD_BROWSER_PAGE (widget);

  GTK_WIDGET_CLASS (aud_browser_page_parent_class)->map (widget);

  if (self->stale)
    load (self);
}

static void
aud_browser_page_constructed (GObject *object)
{
  AudBrowserPage *self = (AudBrowserPage *)object;
  gboolean customers = self->scope == AUD_SCOPE_CUSTOMER;
  const char *search_label = customers ? _("Search customers") : _("Search events");

  G_OBJECT_CLASS (aud_browser_page_parent_class)->constructed (object);

  g_object_set (self->search_entry, "placeholder-text", search_label, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, search_label,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  customers ? _("Customers") : _("Events"),
                                  -1);
  adw_status_page_set_title (self->loading_page,
                             customers ? _("Loading Customers…") : _("Loading Events…"));

  if (customers)
    {
      self->customer_pane = aud_customer_pane_new ();
      gtk_widget_set_visible (GTK_WIDGET (self->customer_pane), FALSE);
      g_signal_connect_object (self->customer_pane, "notify::customer",
                               G_CALLBACK (on_customer_pane_customer_notify_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_paned_set_end_child (self->paned, GTK_WIDGET (self->customer_pane));
    }
}

static void
aud_browser_page_dispose (GObject *object)
{
  AudBrowserPage *self = (AudBrowserPage *)object;

  if (self->column_view != NULL)
    {
      clear_model (self);
      g_clear_signal_handler (&self->sorter_changed_id,
                              gtk_column_view_get_sorter (self->column_view));
    }

  self->customer_pane = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_BROWSER_PAGE);

  G_OBJECT_CLASS (aud_browser_page_parent_class)->dispose (object);
}

static void
aud_browser_page_finalize (GObject *object)
{
  AudBrowserPage *self = (AudBrowserPage *)object;

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (aud_browser_page_parent_class)->finalize (object);
}

static void
aud_browser_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AudBrowserPage *self = AUD_BROWSER_PAGE (object);

  switch (prop_id)
    {
    case PROP_SCOPE:
      g_value_set_uint (value, self->scope);
      break;

    case PROP_WORKSPACE:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_browser_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AudBrowserPage *self = AUD_BROWSER_PAGE (object);

  switch (prop_id)
    {
    case PROP_SCOPE:
      self->scope = g_value_get_uint (value);
      break;

    case PROP_WORKSPACE:
      aud_browser_page_set_workspace (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_browser_page_class_init (AudBrowserPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = aud_browser_page_constructed;
  object_class->dispose = aud_browser_page_dispose;
  object_class->finalize = aud_browser_page_finalize;
  object_class->get_property = aud_browser_page_get_property;
  object_class->set_property = aud_browser_page_set_property;

  widget_class->map = aud_browser_page_map;

  /**
   * AudBrowserPage:scope:
   *
   * What the page browses: %AUD_SCOPE_CUSTOMER (0) or %AUD_SCOPE_EVENT (1).
   */
  properties[PROP_SCOPE] =
    g_param_spec_uint ("scope", NULL, NULL,
                       AUD_SCOPE_CUSTOMER, AUD_SCOPE_EVENT, AUD_SCOPE_CUSTOMER,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * AudBrowserPage:workspace:
   *
   * The path of the workspace file shown, or %NULL.
   */
  properties[PROP_WORKSPACE] =
    g_param_spec_string ("workspace", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/aud-browser-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, loading_page);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, paned);
  gtk_widget_class_bind_template_child (widget_class, AudBrowserPage, column_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, focus_search_cb, NULL);

  g_type_ensure (AUD_TYPE_CUSTOMER_PANE);
}

static void
aud_browser_page_init (AudBrowserPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->sorter_changed_id = g_signal_connect_swapped (gtk_column_view_get_sorter (self->column_view),
                                                      "changed",
                                                      G_CALLBACK (on_sorter_changed_cb), self);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
}

AudBrowserPage *
aud_browser_page_new (AudScope scope)
{
  return g_object_new (AUD_TYPE_BROWSER_PAGE,
                       "scope", scope,
                       NULL);
}

AudScope
aud_browser_page_get_scope (AudBrowserPage *self)
{
  g_return_val_if_fail (AUD_IS_BROWSER_PAGE (self), AUD_SCOPE_CUSTOMER);

  return self->scope;
}

/**
 * aud_browser_page_set_workspace:
 * @path: (nullable): a workspace file, or %NULL for none
 *
 * Shows the customers or events of @path, read in the background (once
 * the page is shown). Setting the same path again reads it again (after an
 * import), as aud_browser_page_reload() does.
 */
void
aud_browser_page_set_workspace (AudBrowserPage *self,
                                const char     *path)
{
  g_autofree char *old = NULL;

  g_return_if_fail (AUD_IS_BROWSER_PAGE (self));

  old = g_steal_pointer (&self->path);
  self->path = g_strdup (path);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || path == NULL)
    {
      load (self);
    }
  else
    {
      /* Nothing old is shown meanwhile. */
      clear_model (self);
      self->stale = TRUE;
    }

  if (g_strcmp0 (old, path) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

/**
 * aud_browser_page_get_workspace:
 *
 * Returns: (transfer none) (nullable): the path of the workspace shown
 */
const char *
aud_browser_page_get_workspace (AudBrowserPage *self)
{
  g_return_val_if_fail (AUD_IS_BROWSER_PAGE (self), NULL);

  return self->path;
}

/**
 * aud_browser_page_reload:
 *
 * Reads the workspace again, fields included (after an import). The search
 * text stays; the sort starts over.
 */
void
aud_browser_page_reload (AudBrowserPage *self)
{
  g_return_if_fail (AUD_IS_BROWSER_PAGE (self));

  aud_browser_page_set_workspace (self, self->path);
}

/**
 * aud_browser_page_get_model:
 *
 * Returns: (transfer none) (nullable): the rows shown; %NULL without a
 *   workspace, or before the page was first shown
 */
AudRecordModel *
aud_browser_page_get_model (AudBrowserPage *self)
{
  g_return_val_if_fail (AUD_IS_BROWSER_PAGE (self), NULL);

  return self->model;
}
