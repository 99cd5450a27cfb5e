/* aud-customer-pane.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-customer-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-customer-pane.h"
#include "aud-format.h"

/* The first event columns: customer, event name, time (see
 * aud-record-model.h); the properties follow. */
#define EVENT_NAME_COLUMN 1
#define EVENT_TIME_COLUMN 2
#define EVENT_FIRST_PROPERTY 3

struct _AudCustomerPane
{
  GtkWidget            parent_instance;

  /* template widgets */
  GtkStack            *stack;
  AdwStatusPage       *error_page;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkStack            *sections;
  GtkStackPage        *events_stack_page;
  AdwPreferencesGroup *profile_group;
  GtkStack            *events_stack;
  GtkListView         *events_view;

  /* owned */
  AudRecordModel      *events;          /* NULL without a workspace */
  GCancellable        *cancellable;     /* of the events refresh */
  GPtrArray           *profile_rows;    /* rows added to profile_group */
  gint64               customer;        /* row id; 0 for none */
};

G_DEFINE_FINAL_TYPE (AudCustomerPane, aud_customer_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CUSTOMER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (AudCustomerPane *self,
            const GError    *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
update_events (AudCustomerPane *self)
{
  guint n = self->events != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->events)) : 0;
  g_autofree char *count = aud_format_count (n);
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  /* Translators: the number of events of a customer: "12 events" */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s event", "%s events", n), count);
  gtk_label_set_label (self->subtitle_label, subtitle);

  /* Translators: the title of the tab of a customer's events: "Activity (12)" */
  title = g_strdup_printf (_("Activity (%s)"), count);
  gtk_stack_page_set_title (self->events_stack_page, title);

  gtk_stack_set_visible_child_name (self->events_stack, n > 0 ? "list" : "empty");
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(AudCustomerPane) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!aud_record_model_refresh_finish (AUD_RECORD_MODEL (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not read the events of customer %" G_GINT64_FORMAT ": %s",
                     self->customer, error->message);
          show_error (self, error);
        }
      return;
    }

  update_events (self);
}

static void
clear_profile (AudCustomerPane *self)
{
  for (guint i = 0; i < self->profile_rows->len; i++)
    adw_preferences_group_remove (self->profile_group, g_ptr_array_index (self->profile_rows, i));
  g_ptr_array_set_size (self->profile_rows, 0);
}

static void
fill_profile (AudCustomerPane *self,
              AudRecordModel  *customers,
              AudRecord       *customer)
{
  clear_profile (self);

  /* Column 0, the customer id, is the title. */
  for (guint i = 1; i < aud_record_model_get_n_columns (customers); i++)
    {
      const char *value = aud_record_get_value (customer, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *label = gtk_label_new (value != NULL ? value : "—");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     aud_record_model_get_column_title (customers, i));
      gtk_label_set_selectable (GTK_LABEL (label), value != NULL);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_set_hexpand (label, TRUE);
      if (value == NULL)
        gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

      adw_preferences_group_add (self->profile_group, row);
      g_ptr_array_add (self->profile_rows, row);
    }
}

/* Timeline rows: the event name over its properties, the time beside. */
static void
setup_event_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                AudCustomerPane          *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);
  GtkWidget *time = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_wrap (GTK_LABEL (details), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (details), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (details), 2);
  gtk_label_set_ellipsize (GTK_LABEL (details), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_widget_add_css_class (details, "caption");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), details);

  gtk_widget_set_valign (time, GTK_ALIGN_START);
  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "caption");
  gtk_widget_add_css_class (time, "numeric");

  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), time);

  g_object_set_data (G_OBJECT (box), "name", name);
  g_object_set_data (G_OBJECT (box), "details", details);
  g_object_set_data (G_OBJECT (box), "time", time);
  gtk_list_item_set_child (item, box);
}

static void
bind_event_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               AudCustomerPane          *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  AudRecord *event = gtk_list_item_get_item (item);
  g_autoptr(GString) details = g_string_new (NULL);
  const char *name = aud_record_get_value (event, EVENT_NAME_COLUMN);

  for (guint i = EVENT_FIRST_PROPERTY; i < aud_record_get_n_values (event); i++)
    {
      const char *value = aud_record_get_value (event, i);

      if (value == NULL)
        continue;
      if (details->len > 0)
        g_string_append (details, " · ");
      /* Translators: a property of an event and its value: "amount: 19.99" */
      g_string_append_printf (details, _("%s: %s"),
                              aud_record_model_get_column_title (self->events, i), value);
    }

  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "name"), name);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "details"), details->str);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (box), "details"), details->len > 0);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "time"),
                       aud_record_get_value (event, EVENT_TIME_COLUMN));
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
}

static void
unbind_event_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 AudCustomerPane          *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "name"), NULL);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "details"), NULL);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "time"), NULL);
}

static void
aud_customer_pane_close_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  aud_customer_pane_set_customer (AUD_CUSTOMER_PANE (widget), NULL, NULL);
}

static void
aud_customer_pane_dispose (GObject *object)
{
  AudCustomerPane *self = (AudCustomerPane *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->profile_rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_CUSTOMER_PANE);

  g_clear_object (&self->events);

  G_OBJECT_CLASS (aud_customer_pane_parent_class)->dispose (object);
}

static void
aud_customer_pane_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AudCustomerPane *self = AUD_CUSTOMER_PANE (object);

  switch (prop_id)
    {
    case PROP_CUSTOMER:
      g_value_set_int64 (value, self->customer);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_customer_pane_class_init (AudCustomerPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_customer_pane_dispose;
  object_class->get_property = aud_customer_pane_get_property;

  /**
   * AudCustomerPane:customer:
   *
   * The row id of the customer shown, or 0 for none.
   */
  properties[PROP_CUSTOMER] =
    g_param_spec_int64 ("customer", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "pane.close", NULL,
                                   aud_customer_pane_close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "pane.close", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/aud-customer-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, stack);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, error_page);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, sections);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, events_stack_page);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, profile_group);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, events_stack);
  gtk_widget_class_bind_template_child (widget_class, AudCustomerPane, events_view);
}

static void
aud_customer_pane_init (AudCustomerPane *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->profile_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_event_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_event_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_event_cb), self);
  gtk_list_view_set_factory (self->events_view, factory);
  g_object_unref (factory);
}

AudCustomerPane *
aud_customer_pane_new (void)
{
  return g_object_new (AUD_TYPE_CUSTOMER_PANE, NULL);
}

/**
 * aud_customer_pane_set_workspace:
 * @path: (nullable): the workspace file, or %NULL for none
 *
 * Forgets the customer shown and reads events from @path from now on.
 */
void
aud_customer_pane_set_workspace (AudCustomerPane *self,
                                 const char      *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (AUD_IS_CUSTOMER_PANE (self));

  aud_customer_pane_set_customer (self, NULL, NULL);
  gtk_list_view_set_model (self->events_view, NULL);
  g_clear_object (&self->events);

  if (path == NULL)
    return;

  self->events = aud_record_model_new (path, AUD_SCOPE_EVENT, &error);
  if (self->events == NULL)
    {
      g_warning ("Could not open %s: %s", path, error->message);
      show_error (self, error);
      return;
    }

  /* Newest first. */
  aud_record_model_set_sort (self->events, EVENT_TIME_COLUMN, TRUE);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->events)));
  gtk_list_view_set_model (self->events_view, GTK_SELECTION_MODEL (selection));
}

/**
 * aud_customer_pane_set_customer:
 * @customers: (nullable): the model @customer comes from (for its columns)
 * @customer: (nullable): a record of @customers, or %NULL for none
 *
 * Shows @customer: their fields at once, their events once read. The
 * close button sets %NULL.
 */
void
aud_customer_pane_set_customer (AudCustomerPane *self,
                                AudRecordModel  *customers,
                                AudRecord       *customer)
{
  gint64 old;

  g_return_if_fail (AUD_IS_CUSTOMER_PANE (self));
  g_return_if_fail (customer == NULL || AUD_IS_RECORD_MODEL (customers));
  g_return_if_fail (customer == NULL || AUD_IS_RECORD (customer));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  old = self->customer;
  self->customer = customer != NULL ? aud_record_get_id (customer) : 0;
  if (self->customer != old)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CUSTOMER]);

  if (customer == NULL)
    {
      clear_profile (self);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  gtk_label_set_label (self->title_label, aud_record_get_value (customer, 0));
  gtk_label_set_label (self->subtitle_label, NULL);
  fill_profile (self, customers, customer);
  gtk_stack_set_visible_child_name (self->stack, "customer");

  if (self->events == NULL)
    return;

  aud_record_model_set_customer (self->events, self->customer);
  aud_record_model_refresh_async (self->events, self->cancellable, refresh_cb,
                                  g_object_ref (self));
}

/**
 * aud_customer_pane_get_customer:
 *
 * Returns: the row id of the customer shown, or 0 for none
 */
gint64
aud_customer_pane_get_customer (AudCustomerPane *self)
{
  g_return_val_if_fail (AUD_IS_CUSTOMER_PANE (self), 0);

  return self->customer;
}

/**
 * aud_customer_pane_get_events:
 *
 * Returns: (transfer none) (nullable): the events of the customer shown
 */
AudRecordModel *
aud_customer_pane_get_events (AudCustomerPane *self)
{
  g_return_val_if_fail (AUD_IS_CUSTOMER_PANE (self), NULL);

  return self->events;
}
