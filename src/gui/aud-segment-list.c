/* aud-segment-list.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-segment-list"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-builder-context.h"
#include "aud-export-dialog.h"
#include "aud-format.h"
#include "aud-segment-colors.h"
#include "aud-segment-editor.h"
#include "aud-segment-list.h"

/* What a worker does to the saved segments. */
typedef enum
{
  OP_LIST,
  OP_CREATE,
  OP_DUPLICATE,
  OP_RENAME,
  OP_DELETE,
  OP_RESTORE,
  OP_IMPORT,
  OP_EXPORT,
  OP_COLOR,
} OpKind;

typedef struct
{
  OpKind      kind;
  char       *path;        /* the workspace */
  char       *name;        /* the segment acted on */
  char       *new_name;    /* rename: the new name; out: the segment made */
  char       *color;       /* color, restore; out of delete */
  char       *definition;  /* restore; out of delete */
  char       *file;        /* import, export */
  GPtrArray  *items;       /* out of list: (element-type Item) */
  gint64      now;         /* out of list */
} Op;

typedef struct
{
  char       *name;
  char       *color;
  AudSegment *segment;     /* NULL when the saved definition does not parse */
  char       *problem;
} Item;

struct _AudSegmentList
{
  AdwBin           parent_instance;

  /* template widgets */
  AdwToastOverlay *own_toast_overlay;
  GtkButton       *new_button;
  GtkListBox      *list;

  /* owned */
  AudEngine       *engine;
  char            *path;
  char            *selected;      /* to select once listed */
  GPtrArray       *items;         /* (element-type Item) as listed */
  GHashTable      *counts;        /* name -> gint64* */
  GHashTable      *count_labels;  /* name -> GtkLabel (borrowed) */
  GCancellable    *cancellable;   /* of the list and its counts */
  GQueue           to_count;      /* (element-type Item) borrowed from items */
  gint64           now;
  Op              *deleted;       /* the last deletion, for Undo */
  gboolean         counting;      /* a count is running */
  gboolean         unrooted;      /* taken out of its window since it last read */
  guint            busy;          /* workers running */
};

G_DEFINE_FINAL_TYPE (AudSegmentList, aud_segment_list, ADW_TYPE_BIN)

enum {
  SEGMENT_ACTIVATED,
  SEGMENT_RENAMED,
  SEGMENT_DELETED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_op (AudSegmentList *self,
                      Op             *op);

static void
item_free (Item *item)
{
  g_free (item->name);
  g_free (item->color);
  g_clear_pointer (&item->segment, aud_segment_free);
  g_free (item->problem);
  g_free (item);
}

static void
op_free (Op *op)
{
  g_free (op->path);
  g_free (op->name);
  g_free (op->new_name);
  g_free (op->color);
  g_free (op->definition);
  g_free (op->file);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_free (op);
}

static Op *
op_new (AudSegmentList *self,
        OpKind          kind,
        const char     *name)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->path = g_strdup (self->path);
  op->name = g_strdup (name);

  return op;
}

static void
show_toast (AudSegmentList *self,
            AdwToast       *toast)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  GtkWidget *overlay = parent != NULL ? gtk_widget_get_ancestor (parent, ADW_TYPE_TOAST_OVERLAY)
                                      : NULL;

  adw_toast_overlay_add_toast (overlay != NULL ? ADW_TOAST_OVERLAY (overlay)
                                               : self->own_toast_overlay,
                               toast);
}

static void
show_message (AudSegmentList *self,
              const char     *message)
{
  show_toast (self, adw_toast_new (message));
}

/* Workers ------------------------------------------------------------------------ */

/* @base, or "@base 2", "@base 3"… whichever is not saved yet. */
static char *
unique_name (AudStore    *store,
             const char  *base,
             GError     **error)
{
  g_autoptr(GPtrArray) names = aud_segment_list_names (store, error);

  if (names == NULL)
    return NULL;

  for (guint n = 1; ; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s %u", base, n);
      gboolean taken = FALSE;

      for (guint i = 0; i < names->len && !taken; i++)
        taken = strcmp (g_ptr_array_index (names, i), name) == 0;

      if (!taken)
        return g_steal_pointer (&name);
    }
}

static gboolean
list_segments (AudStore  *store,
               Op        *op,
               GError   **error)
{
  g_autoptr(GPtrArray) names = aud_segment_list_names (store, error);

  if (names == NULL)
    return FALSE;

  op->now = aud_engine_get_default_now (store);
  op->items = g_ptr_array_new_with_free_func ((GDestroyNotify)item_free);
  for (guint i = 0; i < names->len; i++)
    {
      Item *item = g_new0 (Item, 1);
      g_autoptr(GError) problem = NULL;

      item->name = g_strdup (g_ptr_array_index (names, i));
      item->color = aud_segment_dup_color (store, item->name, NULL);
      item->segment = aud_segment_lookup (store, item->name, &problem);
      if (item->segment == NULL)
        item->problem = g_strdup (problem->message);
      g_ptr_array_add (op->items, item);
    }

  return TRUE;
}

/* Saves @segment under a free name near @base, in @color (NULL: its own). */
static gboolean
save_as_new (AudStore     *store,
             AudSegment   *segment,
             const char   *base,
             const char   *color,
             Op           *op,
             GError      **error)
{
  g_free (op->new_name);
  if ((op->new_name = unique_name (store, base, error)) == NULL)
    return FALSE;

  g_free (segment->name);
  segment->name = g_strdup (op->new_name);

  return aud_segment_save (store, segment, FALSE, error) &&
         (color == NULL || aud_segment_set_color (store, op->new_name, color, error));
}

static gboolean
run (AudStore  *store,
     Op        *op,
     GError   **error)
{
  g_autoptr(AudSegment) segment = NULL;

  switch (op->kind)
    {
    case OP_LIST:
      return list_segments (store, op, error);

    case OP_CREATE:
      segment = aud_segment_parse ("{\"match\":{\"all\":[]}}", -1, error);
      return segment != NULL && save_as_new (store, segment, op->name, NULL, op, error);

    case OP_DUPLICATE:
      {
        g_autofree char *color = NULL;
        /* Translators: the name of a copy of a segment: "Lapsed buyers copy" */
        g_autofree char *base = g_strdup_printf (_("%s copy"), op->name);

        if ((segment = aud_segment_lookup (store, op->name, error)) == NULL ||
            (color = aud_segment_dup_color (store, op->name, error)) == NULL)
          return FALSE;
        return save_as_new (store, segment, base, color, op, error);
      }

    case OP_RENAME:
      return aud_segment_rename (store, op->name, op->new_name, error);

    case OP_DELETE:
      if ((segment = aud_segment_lookup (store, op->name, error)) == NULL ||
          (op->color = aud_segment_dup_color (store, op->name, error)) == NULL)
        return FALSE;
      op->definition = aud_segment_to_json (segment, FALSE);
      return aud_segment_delete (store, op->name, error);

    case OP_RESTORE:
      if ((segment = aud_segment_parse (op->definition, -1, error)) == NULL)
        return FALSE;
      g_free (segment->name);
      segment->name = g_strdup (op->name);
      return aud_segment_save (store, segment, FALSE, error) &&
             aud_segment_set_color (store, op->name, op->color, error);

    case OP_IMPORT:
      {
        g_autofree char *basename = NULL;

        basename = g_path_get_basename (op->file);
        if ((segment = aud_segment_load (op->file, error)) == NULL)
          {
            g_prefix_error (error, "%s: ", basename);
            return FALSE;
          }

        if (g_str_has_suffix (basename, ".json"))
          basename[strlen (basename) - 5] = '\0';
        return save_as_new (store, segment,
                            segment->name != NULL ? segment->name : basename, NULL, op, error);
      }

    case OP_EXPORT:
      {
        g_autofree char *json = NULL;

        if ((segment = aud_segment_lookup (store, op->name, error)) == NULL)
          return FALSE;
        json = aud_segment_to_json (segment, TRUE);
        /* g_file_set_contents() writes a temporary file and renames it. */
        return g_file_set_contents (op->file, json, -1, error);
      }

    case OP_COLOR:
      return aud_segment_set_color (store, op->name, op->color, error);

    default:
      g_assert_not_reached ();
    }
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Op *op = task_data;
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AudStoreOpenFlags flags = op->kind == OP_LIST || op->kind == OP_EXPORT ?
                            AUD_STORE_OPEN_READ_ONLY : AUD_STORE_OPEN_DEFAULT;

  if ((store = aud_store_open (op->path, flags, &error)) == NULL || !run (store, op, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Rows ---------------------------------------------------------------------------- */

static void
draw_dot (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  GdkRGBA color;

  if (!gdk_rgba_parse (&color, user_data))
    return;

  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static GMenuModel *
row_menu (const char *name)
{
  GMenu *menu = g_menu_new ();
  GMenu *section = g_menu_new ();
  GMenu *colors = g_menu_new ();
  const char * const *palette;
  guint n_colors;
  static const char *color_names[] = {
    N_("Blue"), N_("Green"), N_("Yellow"), N_("Orange"), N_("Red"), N_("Purple"), N_("Brown"),
    N_("Teal"),
  };

  {
    g_autoptr(GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
    g_autoptr(GMenuItem) duplicate = g_menu_item_new (_("_Duplicate"), NULL);
    g_autoptr(GMenuItem) save = g_menu_item_new (_("_Save as File…"), NULL);
    g_autoptr(GMenuItem) export = g_menu_item_new (_("_Export Customers…"), NULL);
    g_autoptr(GMenuItem) remove = g_menu_item_new (_("_Delete"), NULL);

    g_menu_item_set_action_and_target (rename, "segments.rename", "s", name);
    g_menu_item_set_action_and_target (duplicate, "segments.duplicate", "s", name);
    g_menu_item_set_action_and_target (save, "segments.save-file", "s", name);
    g_menu_item_set_action_and_target (export, "segments.export", "s", name);
    g_menu_item_set_action_and_target (remove, "segments.delete", "s", name);

    g_menu_append_item (section, rename);
    g_menu_append_item (section, duplicate);
    g_menu_append_item (section, save);
    g_menu_append_item (section, export);
    g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

    palette = aud_segment_color_palette (&n_colors);
    for (guint i = 0; i < n_colors && i < G_N_ELEMENTS (color_names); i++)
      {
        g_autofree char *target = g_strconcat (name, "\n", palette[i], NULL);
        g_autoptr(GMenuItem) item = g_menu_item_new (_(color_names[i]), NULL);

        g_menu_item_set_action_and_target (item, "segments.color", "s", target);
        g_menu_append_item (colors, item);
      }
    g_menu_append_submenu (menu, _("_Colour"), G_MENU_MODEL (colors));

    g_object_unref (section);
    section = g_menu_new ();
    g_menu_append_item (section, remove);
    g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  }

  g_object_unref (section);
  g_object_unref (colors);

  return G_MENU_MODEL (menu);
}

static GtkWidget *
new_row (AudSegmentList *self,
         const Item     *item)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *dot = gtk_drawing_area_new ();
  GtkWidget *name = gtk_label_new (item->name);
  GtkWidget *count = gtk_label_new (item->problem != NULL ? "—" : "…");
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr(GMenuModel) menu = row_menu (item->name);
  g_autofree char *menu_name = NULL;

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (dot), 12);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (dot), 12);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dot), draw_dot, g_strdup (item->color), g_free);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), dot);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 12);
  gtk_widget_set_tooltip_text (name, item->name);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_box_append (GTK_BOX (box), name);

  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  if (item->problem != NULL)
    gtk_widget_set_tooltip_text (count, item->problem);
  gtk_box_append (GTK_BOX (box), count);
  g_hash_table_insert (self->count_labels, g_strdup (item->name), count);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (menu_button), FALSE);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  /* Translators: the menu of a segment in the list: "More for Lapsed buyers" */
  menu_name = g_strdup_printf (_("More for %s"), item->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu_name, -1);
  gtk_widget_set_tooltip_text (menu_button, _("More"));
  gtk_box_append (GTK_BOX (box), menu_button);

  gtk_widget_add_css_class (box, "segment-row");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, item->name,
                                  -1);
  g_object_set_data_full (G_OBJECT (row), "aud-name", g_strdup (item->name), g_free);

  return row;
}

static void
select_named (AudSegmentList *self)
{
  if (self->selected == NULL)
    return;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (GTK_IS_LIST_BOX_ROW (row) &&
          g_strcmp0 (g_object_get_data (G_OBJECT (row), "aud-name"), self->selected) == 0)
        {
          gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
          return;
        }
    }
}

/* Counts ------------------------------------------------------------------------- */

static void count_next (AudSegmentList *self);

typedef struct
{
  AudSegmentList *self;
  char           *name;
} CountData;

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  CountData *data = user_data;
  g_autoptr(AudSegmentList) self = data->self;
  g_autofree char *name = data->name;
  g_autoptr(GError) error = NULL;
  AudCount count;
  GtkLabel *label;

  g_free (data);
  self->counting = FALSE;

  if (!aud_engine_count_finish (AUD_ENGINE (object), result, &count, &error))
    {
      if (aud_builder_is_cancelled (result, error))
        return;
      label = g_hash_table_lookup (self->count_labels, name);
      if (label != NULL)
        {
          gtk_label_set_label (label, "—");
          gtk_widget_set_tooltip_text (GTK_WIDGET (label), error->message);
        }
    }
  else if ((label = g_hash_table_lookup (self->count_labels, name)) != NULL)
    {
      g_autofree char *text = aud_format_count_compact (count.count);
      g_autofree char *exact = aud_format_count (count.count);
      gint64 *value = g_new (gint64, 1);

      *value = count.count;
      g_hash_table_insert (self->counts, g_strdup (name), value);
      gtk_label_set_label (label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), exact);
    }

  count_next (self);
}

/* Counts the listed segments one after the other: a sidebar never takes
 * every worker. */
static void
count_next (AudSegmentList *self)
{
  CountData *data;
  Item *item;

  while ((item = g_queue_pop_head (&self->to_count)) != NULL && item->segment == NULL)
    ;

  if (item == NULL || self->path == NULL)
    return;

  data = g_new0 (CountData, 1);
  data->self = g_object_ref (self);
  data->name = g_strdup (item->name);
  self->counting = TRUE;
  aud_engine_count_async (self->engine, self->path, item->segment, self->now, self->cancellable,
                          count_cb, data);
}

/* Operations ---------------------------------------------------------------------- */

static void
show_items (AudSegmentList *self,
            GPtrArray      *items)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_hash_table_remove_all (self->count_labels);
  g_hash_table_remove_all (self->counts);
  g_queue_clear (&self->to_count);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = g_ptr_array_ref (items);

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);

      gtk_list_box_append (self->list, new_row (self, item));
      g_queue_push_tail (&self->to_count, item);
    }

  select_named (self);
  count_next (self);
}

static void
op_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (object);
  Op *op = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  self->busy--;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (aud_builder_is_cancelled (result, error) || self->path == NULL)
        return;
      g_warning ("Segments of %s: %s", op->path, error->message);
      show_message (self, error->message);
      return;
    }

  /* A workspace opened since: this is of the one before. */
  if (g_strcmp0 (op->path, self->path) != 0)
    return;

  switch (op->kind)
    {
    case OP_LIST:
      self->now = op->now;
      show_items (self, op->items);
      return;

    case OP_CREATE:
    case OP_DUPLICATE:
    case OP_IMPORT:
      g_free (self->selected);
      self->selected = g_strdup (op->new_name);
      g_signal_emit (self, signals[SEGMENT_ACTIVATED], 0, op->new_name);
      break;

    case OP_RENAME:
      if (g_strcmp0 (self->selected, op->name) == 0)
        {
          g_free (self->selected);
          self->selected = g_strdup (op->new_name);
        }
      g_signal_emit (self, signals[SEGMENT_RENAMED], 0, op->name, op->new_name);
      break;

    case OP_DELETE:
      {
        AdwToast *toast;

        /* Translators: %s is a segment name */
        message = g_strdup_printf (_("Deleted “%s”"), op->name);
        toast = adw_toast_new (message);
        adw_toast_set_button_label (toast, _("_Undo"));
        adw_toast_set_action_name (toast, "segments.undo-delete");
        show_toast (self, toast);

        /* Keep what is needed to bring it back. */
        g_clear_pointer (&self->deleted, op_free);
        self->deleted = op_new (self, OP_RESTORE, op->name);
        self->deleted->definition = g_strdup (op->definition);
        self->deleted->color = g_strdup (op->color);
        gtk_widget_action_set_enabled (GTK_WIDGET (self), "segments.undo-delete", TRUE);
        g_signal_emit (self, signals[SEGMENT_DELETED], 0, op->name);
      }
      break;

    case OP_RESTORE:
      g_free (self->selected);
      self->selected = g_strdup (op->name);
      break;

    case OP_EXPORT:
      {
        g_autofree char *basename = g_filename_display_basename (op->file);

        /* Translators: %s is a file name */
        message = g_strdup_printf (_("Saved as “%s”"), basename);
        show_message (self, message);
      }
      return;

    case OP_COLOR:
    default:
      break;
    }

  g_signal_emit (self, signals[CHANGED], 0);
  aud_segment_list_reload (self);
}

static void
start_op (AudSegmentList *self,
          Op             *op)
{
  g_autoptr(GTask) task = NULL;

  if (self->path == NULL)
    {
      op_free (op);
      return;
    }

  self->busy++;
  task = g_task_new (self, op->kind == OP_LIST ? self->cancellable : NULL, op_cb, NULL);
  g_task_set_source_tag (task, start_op);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  g_task_run_in_thread (task, op_thread);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);

  start_op (self, op_new (self, OP_CREATE, _("Untitled Segment")));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);

  start_op (self, op_new (self, OP_DUPLICATE, g_variant_get_string (parameter, NULL)));
}

static void
on_exported_cb (AudExportDialog        *dialog,
                const AudExportSummary *summary,
                AudSegmentList         *self)
{
  g_assert (AUD_IS_SEGMENT_LIST (self));

  show_toast (self, aud_export_toast_new (summary));
}

/* The export dialog for a saved segment, counted with the list's engine. */
static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AudExportDialog *dialog;

  if (self->path == NULL)
    return;

  dialog = aud_export_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->path,
                                  g_variant_get_string (parameter, NULL), NULL);
  if (self->engine != NULL)
    aud_export_dialog_set_engine (dialog, self->engine);
  g_signal_connect_object (dialog, "exported", G_CALLBACK (on_exported_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);

  start_op (self, op_new (self, OP_DELETE, g_variant_get_string (parameter, NULL)));
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);

  if (self->deleted == NULL)
    return;

  start_op (self, g_steal_pointer (&self->deleted));
  gtk_widget_action_set_enabled (widget, "segments.undo-delete", FALSE);
}

static void
color_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  const char *newline = strrchr (target, '\n');
  g_autofree char *name = NULL;
  Op *op;

  if (newline == NULL)
    return;

  name = g_strndup (target, newline - target);
  op = op_new (self, OP_COLOR, name);
  op->color = g_strdup (newline + 1);
  start_op (self, op);
}

static void
on_rename_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       AudSegmentList   *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *name = g_object_get_data (G_OBJECT (dialog), "aud-name");
  g_autofree char *new_name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (strcmp (response, "rename") != 0 || new_name[0] == '\0' || strcmp (new_name, name) == 0)
    return;

  aud_segment_list_rename (self, name, new_name);
}

static void
on_rename_entry_activate_cb (GtkEntry         *entry,
                             AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "rename");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;
  GtkWidget *entry = gtk_entry_new ();

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Rename Segment"), NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("New name"), -1);
  g_signal_connect (entry, "activate", G_CALLBACK (on_rename_entry_activate_cb), dialog);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "aud-name", g_strdup (name), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_rename_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWindow *
parent_window (AudSegmentList *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
on_open_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     AudSegmentList  *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      g_file_peek_path (file) != NULL)
    aud_segment_list_open_file (self, g_file_peek_path (file));

  g_object_unref (dialog);
}

static GtkFileFilter *
json_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Segment files (JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_mime_type (filter, "application/json");

  return filter;
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = json_filter ();

  chooser = gtk_file_chooser_native_new (_("Open a Segment File"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_save_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     AudSegmentList  *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      g_file_peek_path (file) != NULL)
    aud_segment_list_save_file (self, g_object_get_data (G_OBJECT (dialog), "aud-name"),
                                g_file_peek_path (file));

  g_object_unref (dialog);
}

static void
save_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *file_name = g_strconcat (name, ".json", NULL);
  g_autoptr(GtkFileFilter) filter = json_filter ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Save the Segment as a File"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     g_strdelimit (file_name, "/", '-'));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "aud-name", g_strdup (name), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_list_row_activated_cb (AudSegmentList *self,
                          GtkListBoxRow  *row,
                          GtkListBox     *list)
{
  const char *name = g_object_get_data (G_OBJECT (row), "aud-name");

  g_free (self->selected);
  self->selected = g_strdup (name);
  g_signal_emit (self, signals[SEGMENT_ACTIVATED], 0, name);
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  if (row != NULL)
    start_op (self, op_new (self, OP_DELETE, g_object_get_data (G_OBJECT (row), "aud-name")));
}

/* Out of a window, the list reads and counts nothing; back in one, it
 * reads the segments again. */
static void
aud_segment_list_unroot (GtkWidget *widget)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);

  g_cancellable_cancel (self->cancellable);
  g_queue_clear (&self->to_count);
  self->unrooted = TRUE;

  GTK_WIDGET_CLASS (aud_segment_list_parent_class)->unroot (widget);
}

static void
aud_segment_list_root (GtkWidget *widget)
{
  AudSegmentList *self = AUD_SEGMENT_LIST (widget);

  GTK_WIDGET_CLASS (aud_segment_list_parent_class)->root (widget);

  if (self->unrooted && self->path != NULL)
    aud_segment_list_reload (self);
  self->unrooted = FALSE;
}

static void
aud_segment_list_dispose (GObject *object)
{
  AudSegmentList *self = (AudSegmentList *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_queue_clear (&self->to_count);
  /* The bin's child is a template child: let go of it once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_SEGMENT_LIST);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (aud_segment_list_parent_class)->dispose (object);
}

static void
aud_segment_list_finalize (GObject *object)
{
  AudSegmentList *self = (AudSegmentList *)object;

  g_free (self->path);
  g_free (self->selected);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_clear_pointer (&self->count_labels, g_hash_table_unref);
  g_clear_pointer (&self->deleted, op_free);

  G_OBJECT_CLASS (aud_segment_list_parent_class)->finalize (object);
}

static void
aud_segment_list_class_init (AudSegmentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_segment_list_dispose;
  object_class->finalize = aud_segment_list_finalize;
  widget_class->root = aud_segment_list_root;
  widget_class->unroot = aud_segment_list_unroot;

  /**
   * AudSegmentList::segment-activated:
   * @name: the saved segment to edit
   */
  signals[SEGMENT_ACTIVATED] =
    g_signal_new ("segment-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SEGMENT_RENAMED] =
    g_signal_new ("segment-renamed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SEGMENT_DELETED] =
    g_signal_new ("segment-deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AudSegmentList::changed:
   *
   * Segments were made, renamed, deleted or recoloured.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/aud-segment-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AudSegmentList, own_toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentList, new_button);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentList, list);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "segments.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "segments.open-file", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "segments.save-file", "s", save_file_action);
  gtk_widget_class_install_action (widget_class, "segments.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "segments.duplicate", "s", duplicate_action);
  gtk_widget_class_install_action (widget_class, "segments.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "segments.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "segments.delete-selected", NULL,
                                   delete_selected_action);
  gtk_widget_class_install_action (widget_class, "segments.color", "s", color_action);
  gtk_widget_class_install_action (widget_class, "segments.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "segments.delete-selected", NULL);
}

static void
aud_segment_list_init (AudSegmentList *self)
{
  aud_segment_editor_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->count_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->to_count);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "segments.undo-delete", FALSE);
}

AudSegmentList *
aud_segment_list_new (AudEngine *engine)
{
  AudSegmentList *self = g_object_new (AUD_TYPE_SEGMENT_LIST, NULL);

  self->engine = engine != NULL ? g_object_ref (engine) : aud_engine_new ();

  return self;
}

void
aud_segment_list_set_workspace (AudSegmentList *self,
                                const char     *path)
{
  g_return_if_fail (AUD_IS_SEGMENT_LIST (self));

  if (g_strcmp0 (path, self->path) == 0)
    return;

  g_free (self->path);
  self->path = g_strdup (path);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->deleted, op_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "segments.undo-delete", FALSE);

  {
    g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func ((GDestroyNotify)item_free);

    show_items (self, none);
  }

  if (path != NULL)
    aud_segment_list_reload (self);
}

void
aud_segment_list_reload (AudSegmentList *self)
{
  g_return_if_fail (AUD_IS_SEGMENT_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_queue_clear (&self->to_count);

  start_op (self, op_new (self, OP_LIST, NULL));
}

void
aud_segment_list_select (AudSegmentList *self,
                         const char     *name)
{
  g_return_if_fail (AUD_IS_SEGMENT_LIST (self));

  g_free (self->selected);
  self->selected = g_strdup (name);
  select_named (self);
}

const char *
aud_segment_list_get_selected (AudSegmentList *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_LIST (self), NULL);

  return self->selected;
}

gboolean
aud_segment_list_get_busy (AudSegmentList *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_LIST (self), FALSE);

  return self->busy > 0 || self->counting || !g_queue_is_empty (&self->to_count);
}

GPtrArray *
aud_segment_list_dup_names (AudSegmentList *self)
{
  GPtrArray *names = g_ptr_array_new ();

  g_return_val_if_fail (AUD_IS_SEGMENT_LIST (self), names);

  for (guint i = 0; self->items != NULL && i < self->items->len; i++)
    g_ptr_array_add (names, ((Item *)g_ptr_array_index (self->items, i))->name);

  return names;
}

gint64
aud_segment_list_get_count (AudSegmentList *self,
                            const char     *name)
{
  gint64 *count;

  g_return_val_if_fail (AUD_IS_SEGMENT_LIST (self), -1);

  count = g_hash_table_lookup (self->counts, name);
  return count != NULL ? *count : -1;
}

/**
 * aud_segment_list_rename:
 * @name: a saved segment
 * @new_name: its new name
 *
 * Renames @name (in a worker; references in other segments follow); then
 * ::segment-renamed. What the Rename dialog does.
 */
void
aud_segment_list_rename (AudSegmentList *self,
                         const char     *name,
                         const char     *new_name)
{
  Op *op;

  g_return_if_fail (AUD_IS_SEGMENT_LIST (self));
  g_return_if_fail (name != NULL && new_name != NULL);

  op = op_new (self, OP_RENAME, name);
  op->new_name = g_strdup (new_name);
  start_op (self, op);
}

/**
 * aud_segment_list_open_file:
 * @path: a segment JSON file
 *
 * Saves the definition in @path as a new segment (named by its "name", or
 * the file's, made unique) and opens it (::segment-activated); a file that
 * is not a valid definition is reported in a toast. What "Open a Segment
 * File…" does with the file chosen.
 */
void
aud_segment_list_open_file (AudSegmentList *self,
                            const char     *path)
{
  Op *op;

  g_return_if_fail (AUD_IS_SEGMENT_LIST (self));
  g_return_if_fail (path != NULL);

  op = op_new (self, OP_IMPORT, NULL);
  op->file = g_strdup (path);
  start_op (self, op);
}

/**
 * aud_segment_list_save_file:
 * @name: a saved segment
 * @path: the file to write (replaced at once, never half-written)
 *
 * Writes the definition of @name to @path as indented JSON. What "Save as
 * File…" does with the file chosen.
 */
void
aud_segment_list_save_file (AudSegmentList *self,
                            const char     *name,
                            const char     *path)
{
  Op *op;

  g_return_if_fail (AUD_IS_SEGMENT_LIST (self));
  g_return_if_fail (name != NULL && path != NULL);

  op = op_new (self, OP_EXPORT, name);
  op->file = g_strdup (path);
  start_op (self, op);
}
