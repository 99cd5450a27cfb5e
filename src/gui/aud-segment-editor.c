/* aud-segment-editor.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-segment-editor"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aud-builder-context.h"
#include "aud-criterion-row.h"
#include "aud-format.h"
#include "aud-funnel-view.h"
#include "aud-group-card.h"
#include "aud-record-model.h"
#include "aud-segment-editor.h"

/* Milliseconds of quiet after an edit before counting. */
#define COUNT_DELAY 200
/* The width the preview starts with, in pixels. */
#define PREVIEW_WIDTH 420
/* Members drawn for the sample table. */
#define SAMPLE_SIZE 50

struct _AudSegmentEditor
{
  AdwBin              parent_instance;

  /* template widgets */
  AdwToastOverlay    *toast_overlay;
  GtkStack           *stack;
  GtkLabel           *title_label;
  GtkLabel           *subtitle_label;
  GtkToggleButton    *json_button;
  GtkButton          *save_button;
  GtkButton          *new_button;
  GtkPaned           *paned;
  GtkStack           *builder_stack;
  GtkBox             *builder_box;
  GtkTextView        *json_view;
  GtkWidget          *count_box;
  GtkLabel           *count_label;
  GtkSpinner         *spinner;
  GtkLabel           *share_label;
  GtkLevelBar        *share_bar;
  GtkLabel           *problem_label;
  AudFunnelView      *funnel_view;
  GtkColumnView      *sample_view;
  GtkEntry           *explain_entry;
  GtkLabel           *explain_summary;
  GtkListBox         *explain_list;

  /* borrowed: the root card, a child of builder_box */
  AudGroupCard       *root_card;

  /* owned */
  AudEngine          *engine;
  AudSegmentDoc      *doc;
  AudBuilderContext  *context;
  char               *path;           /* the workspace; NULL for none */
  char               *saved_name;     /* the saved segment edited; NULL for none */
  char               *saved_json;     /* its definition as last saved or read */
  char               *shape;          /* of the cards shown (aud_group_card_shape()) */
  AudSegment         *pending;        /* to edit once the workspace is read */
  char               *pending_name;
  GCancellable       *load_cancellable;   /* reading the workspace, a saved segment */
  GCancellable       *count_cancellable;  /* count, funnel and sample of one state */
  GCancellable       *explain_cancellable;
  GPtrArray          *funnel;         /* (element-type AudFunnelStep) of the state shown */
  AudRecordModel     *sample_model;   /* NULL without a workspace */
  GtkSingleSelection *sample_selection;
  guint               count_id;       /* the pause before counting */
  guint               sync_id;        /* the idle that shows the document again */
  guint64             sample_seed;
  gint64              count;          /* -1 before the first */
  gint64              total;
  gboolean            updating;
  gboolean            loaded;         /* the context has read the workspace */
  gboolean            paned_moved;    /* the divider was moved by hand */
  int                 paned_position; /* where it was last put */
};

G_DEFINE_FINAL_TYPE (AudSegmentEditor, aud_segment_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_WORKSPACE,
  PROP_COUNT,
  PROP_UPDATING,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void queue_count (AudSegmentEditor *self);
static void start_explain (AudSegmentEditor *self,
                           const char       *customer_id);
static void show_funnel   (AudSegmentEditor *self);

static void
show_toast (AudSegmentEditor *self,
            const char       *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (AudSegmentEditor *self)
{
  g_autofree char *json = aud_segment_doc_to_json (self->doc, FALSE);
  gboolean editing = self->loaded && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                                                "editor") == 0;
  gboolean dirty = g_strcmp0 (json, self->saved_json) != 0;
  const char *description;
  const char *state;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.undo",
                                 editing && aud_segment_doc_can_undo (self->doc));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.redo",
                                 editing && aud_segment_doc_can_redo (self->doc));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 editing && (dirty || self->saved_name == NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.refresh-sample", editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.explain", editing);

  description = aud_segment_doc_get_segment (self->doc)->description;
  if (self->saved_name == NULL)
    state = _("Not saved yet");
  else if (dirty)
    state = _("Unsaved changes");
  else
    state = _("Saved");

  if (description != NULL)
    {
      /* Translators: under the segment's name: "Saved · For the spring newsletter" */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), state, description);

      gtk_label_set_label (self->subtitle_label, subtitle);
    }
  else
    gtk_label_set_label (self->subtitle_label, state);
}

static void
set_updating (AudSegmentEditor *self,
              gboolean          updating)
{
  if (self->updating == updating)
    return;

  self->updating = updating;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), updating);
  gtk_spinner_set_spinning (self->spinner, updating);
  if (updating)
    gtk_widget_add_css_class (self->count_box, "updating");
  else
    gtk_widget_remove_css_class (self->count_box, "updating");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->count_box), GTK_ACCESSIBLE_STATE_BUSY,
                               updating, -1);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATING]);
}

/* The document in the builder ----------------------------------------------------- */

static void
for_each_top_level (AudSegmentEditor *self,
                    void (*row_func) (AudCriterionRow *, gint64, gint64),
                    void (*card_func) (AudGroupCard *, gint64, gint64))
{
  const AudSegmentNode *root = aud_segment_doc_get_segment (self->doc)->root;
  g_autoptr(GPtrArray) children = NULL;

  if (self->root_card == NULL || root->kind != AUD_NODE_ALL)
    return;

  children = aud_segment_doc_group_children (root);
  for (guint i = 0; i < children->len; i++)
    {
      const AudSegmentNode *child = g_ptr_array_index (children, i);
      AudCriterionRow *row = aud_group_card_find_row (self->root_card, child->path);
      AudGroupCard *card = aud_group_card_find_card (self->root_card, child->path);

      if (row != NULL)
        row_func (row, -1, -1);
      else if (card != NULL)
        card_func (card, -1, -1);
    }
}

/* Shows the document: in place when its groups have the shape of the cards
 * shown, else with new cards. Runs from an idle, never inside an editor's
 * own signal handler (the widget that made the edit may go). */
static gboolean
sync_builder (gpointer user_data)
{
  AudSegmentEditor *self = user_data;
  const AudSegmentNode *root = aud_segment_doc_get_segment (self->doc)->root;
  g_autofree char *shape = aud_group_card_shape (root);
  g_autofree char *json = aud_segment_doc_to_json (self->doc, TRUE);
  g_autofree char *focus = NULL;
  const char *name = aud_segment_doc_get_name (self->doc);

  self->sync_id = 0;

  if (self->root_card != NULL && g_strcmp0 (shape, self->shape) == 0)
    aud_group_card_update (self->root_card);
  else
    {
      if (self->root_card != NULL)
        gtk_box_remove (self->builder_box, GTK_WIDGET (self->root_card));
      self->root_card = aud_group_card_new (self->context, root->path, TRUE);
      gtk_box_append (self->builder_box, GTK_WIDGET (self->root_card));
      g_free (self->shape);
      self->shape = g_steal_pointer (&shape);
      /* Until the next count, the numbers of the last one, where they
       * still fit. */
      show_funnel (self);
    }

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->json_view), json, -1);
  gtk_label_set_label (self->title_label, name != NULL ? name : _("Untitled Segment"));

  /* A node just added: show it and open its first editor. */
  if ((focus = aud_builder_context_take_focus (self->context)) != NULL)
    {
      AudCriterionRow *row = aud_group_card_find_row (self->root_card, focus);
      AudGroupCard *card = row == NULL ? aud_group_card_find_card (self->root_card, focus) : NULL;

      if (row != NULL)
        aud_criterion_row_edit_first (row);
      else if (card != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (card));
    }

  update_actions (self);

  return G_SOURCE_REMOVE;
}

static void
on_doc_changed_cb (AudSegmentEditor *self,
                   AudSegmentDoc    *doc)
{
  if (!self->loaded)
    return;

  if (self->sync_id == 0)
    self->sync_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, sync_builder, self, NULL);

  queue_count (self);
  update_actions (self);
}

static void
on_context_error_cb (AudSegmentEditor  *self,
                     const GError      *error,
                     AudBuilderContext *context)
{
  show_toast (self, error->message);
}

/* Counting ------------------------------------------------------------------- */

static void
show_count (AudSegmentEditor *self,
            const AudCount   *count)
{
  g_autofree char *number = aud_format_count (count->count);
  g_autofree char *total = aud_format_count (count->total);
  g_autofree char *share = NULL;

  gtk_label_set_label (self->count_label, number);
  /* Translators: under the count: "12.3 % of 100,000 customers" */
  share = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.1f %% of %s customer",
                                        "%.1f %% of %s customers",
                                        (gulong)MIN (count->total, G_MAXULONG)),
                           count->share * 100.0, total);
  gtk_label_set_label (self->share_label, share);
  gtk_level_bar_set_value (self->share_bar, count->share);

  /* The name stays "Audience count"; the text is the number. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->count_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, share, -1);

  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);

  if (self->count != count->count)
    {
      self->count = count->count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
    }
  self->total = count->total;
}

/* The row or card a JSON path in an error message points into. */
static void
mark_problem (AudSegmentEditor *self,
              const char       *message)
{
  const char *colon = message != NULL ? strchr (message, ':') : NULL;
  g_autofree char *path = colon != NULL ? g_strndup (message, colon - message) : NULL;

  if (self->root_card == NULL || path == NULL || !g_str_has_prefix (path, "match"))
    return;

  /* The longest path of a row that the error's path starts with. */
  while (path[0] != '\0')
    {
      AudCriterionRow *row = aud_group_card_find_row (self->root_card, path);
      char *cut;

      if (row != NULL)
        {
          aud_criterion_row_set_problem (row, message);
          return;
        }

      if ((cut = strrchr (path, '.')) == NULL)
        break;
      *cut = '\0';
    }
}

static void
clear_problems (AudSegmentEditor *self)
{
  const AudSegmentNode *root = aud_segment_doc_get_segment (self->doc)->root;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  if (self->root_card == NULL)
    return;

  g_ptr_array_add (stack, (gpointer)root);
  while (stack->len > 0)
    {
      const AudSegmentNode *node = g_ptr_array_steal_index (stack, stack->len - 1);
      AudCriterionRow *row;

      if (aud_segment_doc_is_group (node))
        {
          g_autoptr(GPtrArray) children = aud_segment_doc_group_children (node);

          for (guint i = 0; i < children->len; i++)
            g_ptr_array_add (stack, g_ptr_array_index (children, i));
        }
      else if ((row = aud_group_card_find_row (self->root_card, node->path)) != NULL)
        aud_criterion_row_set_problem (row, NULL);
    }
}

static void
show_problem (AudSegmentEditor *self,
              const GError     *error)
{
  gtk_label_set_label (self->problem_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
  gtk_label_set_label (self->count_label, "—");
  gtk_label_set_label (self->share_label, _("The segment cannot be counted as it is"));
  gtk_level_bar_set_value (self->share_bar, 0);
  g_clear_pointer (&self->funnel, g_ptr_array_unref);
  show_funnel (self);
  mark_problem (self, error->message);

  if (self->count != -1)
    {
      self->count = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
    }
}

/* Whether @result is of the state shown now (not of one edited since). */
static gboolean
is_current (AudSegmentEditor *self,
            GAsyncResult     *result)
{
  return g_task_get_cancellable (G_TASK (result)) == self->count_cancellable &&
         !g_cancellable_is_cancelled (self->count_cancellable);
}

static void
sample_refresh_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(AudSegmentEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!aud_record_model_refresh_finish (AUD_RECORD_MODEL (object), result, &error) &&
      !aud_builder_is_cancelled (result, error))
    {
      g_warning ("Could not read the sample: %s", error->message);
      show_toast (self, error->message);
    }
}

static void
sample_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AudSegmentEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = aud_engine_sample_finish (AUD_ENGINE (object), result, &error);
  roaring_bitmap_t *bitmap;

  if (members != NULL && !is_current (self, result))
    return;

  if (members == NULL)
    {
      if (!aud_builder_is_cancelled (result, error))
        g_warning ("Could not draw a sample: %s", error->message);
      return;
    }

  if (self->sample_model == NULL)
    return;

  bitmap = roaring_bitmap_create ();
  for (guint i = 0; i < members->len; i++)
    roaring_bitmap_add (bitmap, (uint32_t)g_array_index (members, AudMember, i).row_id);
  aud_record_model_set_subset (self->sample_model, bitmap);
  roaring_bitmap_free (bitmap);

  aud_record_model_refresh_async (self->sample_model, self->count_cancellable, sample_refresh_cb,
                                  g_object_ref (self));
}

static char *
step_label (AudSegmentEditor    *self,
            const AudFunnelStep *step)
{
  AudCriterionRow *row = self->root_card != NULL ?
                         aud_group_card_find_row (self->root_card, step->path) : NULL;
  AudGroupCard *card;

  if (row != NULL)
    return aud_criterion_row_dup_sentence (row);

  if (self->root_card != NULL &&
      (card = aud_group_card_find_card (self->root_card, step->path)) != NULL)
    {
      const AudSegmentNode *node = aud_segment_doc_lookup (self->doc, step->path);
      g_autoptr(GPtrArray) children = node != NULL ? aud_segment_doc_group_children (node) : NULL;
      AudGroupKind kind = node != NULL ? aud_segment_doc_group_kind (node) : AUD_GROUP_ALL;
      guint n = children != NULL ? children->len : 0;

      /* Translators: a group as a funnel step: "Any of 3 criteria" */
      return g_strdup_printf (kind == AUD_GROUP_ANY ?
                              g_dngettext (GETTEXT_PACKAGE, "Any of %u criterion",
                                           "Any of %u criteria", n) :
                              kind == AUD_GROUP_NONE ?
                              g_dngettext (GETTEXT_PACKAGE, "None of %u criterion",
                                           "None of %u criteria", n) :
                              g_dngettext (GETTEXT_PACKAGE, "All of %u criterion",
                                           "All of %u criteria", n),
                              n);
    }

  return g_strdup (step->label);
}

static void
clear_funnel_labels (AudCriterionRow *row,
                     gint64           remaining,
                     gint64           alone)
{
  aud_criterion_row_set_funnel (row, remaining, alone);
}

static void
clear_card_funnel_labels (AudGroupCard *card,
                          gint64        remaining,
                          gint64        alone)
{
  aud_group_card_set_funnel (card, remaining, alone);
}

/* Shows the funnel of the state shown: in the funnel view, and beside each
 * top-level layer. */
static void
show_funnel (AudSegmentEditor *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();
  const AudSegmentNode *root = aud_segment_doc_get_segment (self->doc)->root;

  /* A funnel of one step that is the whole definition says nothing the
   * count does not. */
  guint n = self->funnel != NULL && root->kind == AUD_NODE_ALL ? self->funnel->len : 0;

  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (steps, g_ptr_array_index (self->funnel, i));
      g_ptr_array_add (labels, step_label (self, g_ptr_array_index (self->funnel, i)));
    }
  aud_funnel_view_set_steps (self->funnel_view, steps, labels, self->total);

  for_each_top_level (self, clear_funnel_labels, clear_card_funnel_labels);
  for (guint i = 0; self->root_card != NULL && i < steps->len; i++)
    {
      const AudFunnelStep *step = g_ptr_array_index (steps, i);
      AudCriterionRow *row = aud_group_card_find_row (self->root_card, step->path);
      AudGroupCard *card = aud_group_card_find_card (self->root_card, step->path);

      if (row != NULL)
        aud_criterion_row_set_funnel (row, step->remaining, step->count);
      else if (card != NULL && card != self->root_card)
        aud_group_card_set_funnel (card, step->remaining, step->count);
    }
}

static void
funnel_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AudSegmentEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = aud_engine_funnel_finish (AUD_ENGINE (object), result, &error);

  if (steps == NULL)
    {
      if (!aud_builder_is_cancelled (result, error))
        g_warning ("Could not work out the funnel: %s", error->message);
      return;
    }

  if (!is_current (self, result))
    return;

  g_clear_pointer (&self->funnel, g_ptr_array_unref);
  self->funnel = g_steal_pointer (&steps);
  show_funnel (self);
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AudSegmentEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  AudCount count;

  if (!aud_engine_count_finish (AUD_ENGINE (object), result, &count, &error))
    {
      /* Cancelled: a newer count is on its way. */
      if (aud_builder_is_cancelled (result, error) || !is_current (self, result))
        return;

      g_debug ("Could not count: %s", error->message);
      clear_problems (self);
      show_problem (self, error);
      set_updating (self, FALSE);
      return;
    }

  /* Finished just before an edit cancelled it. */
  if (!is_current (self, result))
    return;

  clear_problems (self);
  show_count (self, &count);
  set_updating (self, FALSE);

  /* The leaves are cached now: the funnel and the sample are intersections
   * of bitmaps. */
  aud_engine_funnel_async (self->engine, self->path, aud_segment_doc_get_segment (self->doc),
                           aud_builder_context_get_now (self->context), self->count_cancellable,
                           funnel_cb, g_object_ref (self));
  aud_engine_sample_async (self->engine, self->path, aud_segment_doc_get_segment (self->doc),
                           aud_builder_context_get_now (self->context), AUD_SAMPLE_RANDOM,
                           SAMPLE_SIZE, self->sample_seed, self->count_cancellable, sample_cb,
                           g_object_ref (self));
}

static gboolean
run_count (gpointer user_data)
{
  AudSegmentEditor *self = user_data;

  self->count_id = 0;

  if (self->path == NULL || !self->loaded)
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->count_cancellable);
  self->count_cancellable = g_cancellable_new ();

  set_updating (self, TRUE);
  aud_engine_count_async (self->engine, self->path, aud_segment_doc_get_segment (self->doc),
                          aud_builder_context_get_now (self->context), self->count_cancellable,
                          count_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

/* Counts after a pause; the number shown stays, marked as updating. */
static void
queue_count (AudSegmentEditor *self)
{
  g_clear_handle_id (&self->count_id, g_source_remove);
  /* The count of the state before is of no use any more. */
  g_cancellable_cancel (self->count_cancellable);
  set_updating (self, TRUE);
  self->count_id = g_timeout_add (COUNT_DELAY, run_count, self);
}

/* Explanations ------------------------------------------------------------------ */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_explanation (AudSegmentEditor     *self,
                 const AudExplanation *explanation,
                 guint                 depth)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon, *label;
  const char *state;
  g_autofree char *accessible = NULL;

  if (explanation->skipped)
    {
      icon = gtk_image_new_from_icon_name ("action-unavailable-symbolic");
      gtk_widget_add_css_class (icon, "dim-label");
      state = _("off");
    }
  else if (explanation->passed)
    {
      icon = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_add_css_class (icon, "success");
      state = _("passes");
    }
  else
    {
      icon = gtk_image_new_from_icon_name ("window-close-symbolic");
      gtk_widget_add_css_class (icon, "error");
      state = _("fails");
    }
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), icon);

  label = gtk_label_new (explanation->text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (explanation->skipped)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);

  gtk_widget_set_margin_start (box, 10 + 20 * depth);
  gtk_widget_add_css_class (box, "explain-line");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Translators: a line of an explanation: "country is "DE": yes — passes" */
  accessible = g_strdup_printf (_("%s — %s"), explanation->text, state);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  gtk_list_box_append (self->explain_list, row);

  for (guint i = 0; explanation->children != NULL && i < explanation->children->len; i++)
    add_explanation (self, g_ptr_array_index (explanation->children, i), depth + 1);
}

static void
explain_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(AudSegmentEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AudExplanation) explanation = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  const char *id = g_object_get_data (G_OBJECT (cancellable), "aud-customer");
  g_autofree char *summary = NULL;

  explanation = aud_engine_explain_finish (AUD_ENGINE (object), result, &error);

  /* A newer question replaced this one. */
  if (cancellable != self->explain_cancellable)
    return;

  clear_list (self->explain_list);

  if (explanation == NULL)
    {
      if (aud_builder_is_cancelled (result, error))
        return;

      gtk_label_set_label (self->explain_summary, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->explain_summary), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->explain_summary), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->explain_list), FALSE);
      return;
    }

  /* Translators: %s is a customer id */
  summary = g_strdup_printf (explanation->passed ? _("%s is in the segment")
                                                 : _("%s is not in the segment"),
                             id != NULL ? id : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->explain_summary), "error");
  gtk_label_set_label (self->explain_summary, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->explain_summary), TRUE);

  add_explanation (self, explanation, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->explain_list), TRUE);
}

static void
start_explain (AudSegmentEditor *self,
               const char       *customer_id)
{
  g_autofree char *id = g_strstrip (g_strdup (customer_id != NULL ? customer_id : ""));

  if (self->path == NULL || id[0] == '\0')
    return;

  g_cancellable_cancel (self->explain_cancellable);
  g_clear_object (&self->explain_cancellable);
  self->explain_cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self->explain_cancellable), "aud-customer", g_strdup (id),
                          g_free);

  aud_engine_explain_async (self->engine, self->path, aud_segment_doc_get_segment (self->doc), id,
                            aud_builder_context_get_now (self->context), self->explain_cancellable,
                            explain_cb, g_object_ref (self));
}

static void
explain_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (widget);

  start_explain (self, gtk_editable_get_text (GTK_EDITABLE (self->explain_entry)));
}

static void
on_explain_entry_activate_cb (AudSegmentEditor *self,
                              GtkEntry         *entry)
{
  start_explain (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_sample_selected_cb (AudSegmentEditor   *self,
                       GParamSpec         *pspec,
                       GtkSingleSelection *selection)
{
  AudRecord *record = gtk_single_selection_get_selected_item (selection);
  const char *id;

  if (record == NULL || (id = aud_record_get_value (record, 0)) == NULL)
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->explain_entry), id);
  start_explain (self, id);
}

/* The sample table ------------------------------------------------------------- */

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
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
add_sample_column (AudSegmentEditor *self,
                   guint             column,
                   int               width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;
  g_autofree char *title = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GUINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), NULL);

  title = column == 0 ? g_strdup (_("Customer")) :
          aud_criterion_display_name (aud_record_model_get_column_title (self->sample_model,
                                                                         column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->sample_view, view_column);
}

static void
clear_sample (AudSegmentEditor *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->sample_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->sample_view, column);
    }

  gtk_column_view_set_model (self->sample_view, NULL);
  if (self->sample_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->sample_selection, on_sample_selected_cb, self);
  g_clear_object (&self->sample_selection);
  g_clear_object (&self->sample_model);
}

/* A table of the sample's members: their id, and the fields that say who
 * they are (names, email, country, city). */
static void
make_sample (AudSegmentEditor *self)
{
  static const AudFieldRole roles[] = {
    AUD_ROLE_FIRST_NAME, AUD_ROLE_LAST_NAME, AUD_ROLE_FULL_NAME, AUD_ROLE_EMAIL,
    AUD_ROLE_COUNTRY, AUD_ROLE_CITY,
  };
  g_autoptr(GError) error = NULL;
  roaring_bitmap_t *nobody;

  clear_sample (self);

  if ((self->sample_model = aud_record_model_new (self->path, AUD_SCOPE_CUSTOMER, &error)) == NULL)
    {
      g_warning ("Could not read the customers of %s: %s", self->path, error->message);
      return;
    }

  /* No one until the first sample is drawn. */
  nobody = roaring_bitmap_create ();
  aud_record_model_set_subset (self->sample_model, nobody);
  roaring_bitmap_free (nobody);

  add_sample_column (self, 0, 90);
  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      const AudField *field = aud_builder_context_lookup_by_role (self->context, roles[r]);

      if (field == NULL)
        continue;

      for (guint c = 1; c < aud_record_model_get_n_columns (self->sample_model); c++)
        if (g_strcmp0 (aud_record_model_get_column_title (self->sample_model, c), field->name) == 0)
          add_sample_column (self, c, roles[r] == AUD_ROLE_EMAIL ? 200 : 100);
    }

  self->sample_selection =
    gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sample_model)));
  gtk_single_selection_set_autoselect (self->sample_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->sample_selection, TRUE);
  gtk_single_selection_set_selected (self->sample_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->sample_selection, "notify::selected-item",
                            G_CALLBACK (on_sample_selected_cb), self);
  gtk_column_view_set_model (self->sample_view, GTK_SELECTION_MODEL (self->sample_selection));
}

static void
refresh_sample_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (widget);

  self->sample_seed = g_random_int ();
  if (self->path != NULL && self->count_cancellable != NULL)
    aud_engine_sample_async (self->engine, self->path, aud_segment_doc_get_segment (self->doc),
                             aud_builder_context_get_now (self->context), AUD_SAMPLE_RANDOM,
                             SAMPLE_SIZE, self->sample_seed, self->count_cancellable, sample_cb,
                             g_object_ref (self));
}

/* Loading and saving --------------------------------------------------------------- */

static void
show_segment (AudSegmentEditor *self,
              const AudSegment *segment,
              const char       *saved_name)
{
  g_autoptr(AudSegment) copy = aud_segment_copy (segment);

  /* The builder shows a group at the top: a lone criterion goes into an
   * "All of these", which means the same. */
  if (!aud_segment_doc_is_group (copy->root))
    {
      AudSegmentNode *all = aud_segment_node_new_group (AUD_NODE_ALL);

      g_ptr_array_add (all->children, g_steal_pointer (&copy->root));
      copy->root = all;
      aud_segment_node_update (copy->root, "match");
    }

  g_free (self->saved_name);
  self->saved_name = g_strdup (saved_name);
  g_free (self->saved_json);
  self->saved_json = saved_name != NULL ? aud_segment_to_json (copy, FALSE) : NULL;

  /* New cards for a new segment, and a new sample. */
  if (self->root_card != NULL)
    gtk_box_remove (self->builder_box, GTK_WIDGET (self->root_card));
  self->root_card = NULL;
  g_clear_pointer (&self->shape, g_free);
  g_clear_pointer (&self->funnel, g_ptr_array_unref);
  self->sample_seed = g_random_int ();
  clear_list (self->explain_list);
  gtk_widget_set_visible (GTK_WIDGET (self->explain_list), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->explain_summary), FALSE);

  gtk_stack_set_visible_child_name (self->stack, "editor");
  aud_segment_doc_load (self->doc, copy);
}

static void
load_segment_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  const char *name = task_data;
  const char *path = g_object_get_data (G_OBJECT (task), "aud-path");
  g_autoptr(AudStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AudSegment *segment;

  if ((store = aud_store_open (path, AUD_STORE_OPEN_READ_ONLY, &error)) == NULL ||
      (segment = aud_segment_lookup (store, name, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, segment, (GDestroyNotify)aud_segment_free);
}

static void
load_segment_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(AudSegment) segment = g_task_propagate_pointer (G_TASK (result), &error);

  if (segment == NULL)
    {
      if (!aud_builder_is_cancelled (result, error))
        {
          g_warning ("Could not read the segment: %s", error->message);
          show_toast (self, error->message);
        }
      return;
    }

  aud_segment_editor_load (self, segment, g_task_get_task_data (G_TASK (result)));
}

typedef struct
{
  char       *path;
  AudSegment *segment;
  char       *replaces;  /* the saved name it replaces, or NULL */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->path);
  aud_segment_free (data->segment);
  g_free (data->replaces);
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
  g_autoptr(GError) error = NULL;

  if ((store = aud_store_open (data->path, AUD_STORE_OPEN_DEFAULT, &error)) == NULL ||
      !aud_segment_save (store, data->segment, data->replaces != NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (object);
  SaveData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Could not save %s: %s", data->segment->name, error->message);
      /* Translators: %s is why */
      message = g_strdup_printf (_("Could not save the segment: %s"), error->message);
      show_toast (self, message);
      return;
    }

  g_free (self->saved_name);
  self->saved_name = g_strdup (data->segment->name);
  g_free (self->saved_json);
  self->saved_json = aud_segment_to_json (data->segment, FALSE);
  update_actions (self);

  /* Translators: %s is a segment name */
  message = g_strdup_printf (_("Saved “%s”"), data->segment->name);
  show_toast (self, message);
  g_signal_emit (self, signals[SAVED], 0, data->segment->name);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (widget);
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  if (self->path == NULL)
    return;

  data = g_new0 (SaveData, 1);
  data->path = g_strdup (self->path);
  data->segment = aud_segment_copy (aud_segment_doc_get_segment (self->doc));
  if (data->segment->name == NULL)
    data->segment->name = g_strdup (self->saved_name != NULL ? self->saved_name
                                                             : _("Untitled Segment"));
  data->replaces = g_strdup (self->saved_name);

  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, save_action);
  g_task_set_task_data (task, data, (GDestroyNotify)save_data_free);
  g_task_run_in_thread (task, save_thread);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  aud_segment_doc_undo (AUD_SEGMENT_EDITOR (widget)->doc);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  aud_segment_doc_redo (AUD_SEGMENT_EDITOR (widget)->doc);
}

static void
on_json_button_active_notify_cb (AudSegmentEditor *self,
                                 GParamSpec       *pspec,
                                 GtkToggleButton  *button)
{
  gtk_stack_set_visible_child_name (self->builder_stack,
                                    gtk_toggle_button_get_active (button) ? "json" : "builder");
}

static void
context_load_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AudSegmentEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!aud_builder_context_load_finish (AUD_BUILDER_CONTEXT (object), result, &error))
    {
      if (!aud_builder_is_cancelled (result, error))
        {
          g_warning ("Could not read %s: %s", self->path, error->message);
          AdwStatusPage *page = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack,
                                                                              "none"));

          adw_status_page_set_title (page, _("Could Not Read the Workspace"));
          adw_status_page_set_description (page, error->message);
        }
      return;
    }

  self->loaded = TRUE;
  make_sample (self);

  /* The places for "near" are read now, while the user reads the page. */
  aud_builder_context_get_places (self->context);

  if (self->pending != NULL)
    {
      g_autoptr(AudSegment) pending = g_steal_pointer (&self->pending);
      g_autofree char *name = g_steal_pointer (&self->pending_name);

      aud_segment_editor_load (self, pending, name);
    }
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "editor") == 0)
    on_doc_changed_cb (self, self->doc);

  update_actions (self);
}

/* Out of a window, the page counts nothing (and hears of no failure of
 * work that outlives the window); back in one, it starts again. */
static void
aud_segment_editor_unroot (GtkWidget *widget)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (widget);

  g_clear_handle_id (&self->count_id, g_source_remove);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->count_cancellable);
  g_cancellable_cancel (self->explain_cancellable);
  self->loaded = FALSE;

  GTK_WIDGET_CLASS (aud_segment_editor_parent_class)->unroot (widget);
}

static void
aud_segment_editor_root (GtkWidget *widget)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (widget);

  GTK_WIDGET_CLASS (aud_segment_editor_parent_class)->root (widget);

  if (self->path != NULL && !self->loaded && self->context != NULL)
    aud_segment_editor_reload (self);
}

static void
aud_segment_editor_dispose (GObject *object)
{
  AudSegmentEditor *self = (AudSegmentEditor *)object;

  g_clear_handle_id (&self->count_id, g_source_remove);
  g_clear_handle_id (&self->sync_id, g_source_remove);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->count_cancellable);
  g_cancellable_cancel (self->explain_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->count_cancellable);
  g_clear_object (&self->explain_cancellable);
  if (self->doc != NULL)
    g_signal_handlers_disconnect_by_func (self->doc, on_doc_changed_cb, self);

  clear_sample (self);
  self->root_card = NULL;
  /* The bin's child is a template child: let go of it once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_SEGMENT_EDITOR);

  g_clear_object (&self->context);
  g_clear_object (&self->doc);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (aud_segment_editor_parent_class)->dispose (object);
}

static void
aud_segment_editor_finalize (GObject *object)
{
  AudSegmentEditor *self = (AudSegmentEditor *)object;

  g_free (self->path);
  g_free (self->saved_name);
  g_free (self->saved_json);
  g_free (self->shape);
  g_free (self->pending_name);
  g_clear_pointer (&self->pending, aud_segment_free);
  g_clear_pointer (&self->funnel, g_ptr_array_unref);

  G_OBJECT_CLASS (aud_segment_editor_parent_class)->finalize (object);
}

static void
aud_segment_editor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;

    case PROP_WORKSPACE:
      g_value_set_string (value, self->path);
      break;

    case PROP_COUNT:
      g_value_set_int64 (value, self->count);
      break;

    case PROP_UPDATING:
      g_value_set_boolean (value, self->updating);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_segment_editor_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AudSegmentEditor *self = AUD_SEGMENT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_set_object (&self->engine, g_value_get_object (value));
      break;

    case PROP_WORKSPACE:
      aud_segment_editor_set_workspace (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_segment_editor_constructed (GObject *object)
{
  AudSegmentEditor *self = (AudSegmentEditor *)object;

  G_OBJECT_CLASS (aud_segment_editor_parent_class)->constructed (object);

  if (self->engine == NULL)
    self->engine = aud_engine_new ();
  self->context = aud_builder_context_new (self->engine, self->doc);
  g_signal_connect_swapped (self->context, "error", G_CALLBACK (on_context_error_cb), self);
}

static void
aud_segment_editor_class_init (AudSegmentEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_segment_editor_dispose;
  object_class->finalize = aud_segment_editor_finalize;
  object_class->get_property = aud_segment_editor_get_property;
  object_class->set_property = aud_segment_editor_set_property;
  object_class->constructed = aud_segment_editor_constructed;
  widget_class->root = aud_segment_editor_root;
  widget_class->unroot = aud_segment_editor_unroot;

  /**
   * AudSegmentEditor:engine:
   *
   * The engine that counts; shared with the rest of the window so that its
   * cache serves every page. Made by the page when not given.
   */
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, AUD_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WORKSPACE] =
    g_param_spec_string ("workspace", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
    g_param_spec_int64 ("count", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATING] =
    g_param_spec_boolean ("updating", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AudSegmentEditor::saved:
   * @name: the saved segment's name
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (AUD_TYPE_FUNNEL_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/aud-segment-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, json_button);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, new_button);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, paned);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, builder_stack);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, builder_box);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, json_view);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, count_box);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, count_label);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, share_label);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, share_bar);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, problem_label);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, funnel_view);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, sample_view);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, explain_entry);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, explain_summary);
  gtk_widget_class_bind_template_child (widget_class, AudSegmentEditor, explain_list);
  gtk_widget_class_bind_template_callback (widget_class, on_json_button_active_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_explain_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.refresh-sample", NULL,
                                   refresh_sample_action);
  gtk_widget_class_install_action (widget_class, "editor.explain", NULL, explain_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "editor.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK,
                                       "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "editor.save", NULL);
}

/* The preview keeps its width as the page grows, the builder takes the
 * rest, until the divider is moved by hand. */
static void
on_paned_max_position_notify_cb (AudSegmentEditor *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->paned));
  int min = 0, max = 0;

  if (self->paned_moved || width <= 0)
    return;

  g_object_get (self->paned, "min-position", &min, "max-position", &max, NULL);
  self->paned_position = CLAMP (MAX (width - PREVIEW_WIDTH, width / 2), min, max);
  gtk_paned_set_position (self->paned, self->paned_position);
}

static void
on_paned_position_notify_cb (AudSegmentEditor *self)
{
  int max = 0;

  g_object_get (self->paned, "max-position", &max, NULL);
  if (max > 0 && gtk_paned_get_position (self->paned) != self->paned_position &&
      gtk_widget_get_mapped (GTK_WIDGET (self->paned)))
    self->paned_moved = TRUE;
}

/**
 * aud_segment_editor_ensure_style:
 *
 * Loads the style of the segment builder and the segment list (once).
 */
void
aud_segment_editor_ensure_style (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded || gdk_display_get_default () == NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/ui/aud-builder.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  loaded = TRUE;
}

static void
aud_segment_editor_init (AudSegmentEditor *self)
{
  aud_segment_editor_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* GTK 4.8 names a button by its accessible label and, again, by the
   * label inside it: keep the one given. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->save_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->new_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  self->count = -1;
  self->doc = aud_segment_doc_new ();
  g_signal_connect_swapped (self->doc, "changed", G_CALLBACK (on_doc_changed_cb), self);
  g_signal_connect_swapped (self->doc, "notify::can-undo", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->doc, "notify::can-redo", G_CALLBACK (update_actions), self);

  g_signal_connect_swapped (self->paned, "notify::max-position",
                            G_CALLBACK (on_paned_max_position_notify_cb), self);
  g_signal_connect_swapped (self->paned, "notify::position",
                            G_CALLBACK (on_paned_position_notify_cb), self);
  update_actions (self);
}

/**
 * aud_segment_editor_new:
 * @engine: (nullable): the engine to count with, shared with the rest of
 *   the window so that its cache serves every page; NULL makes one
 *
 * Returns: (transfer floating): the page, showing no segment
 */
AudSegmentEditor *
aud_segment_editor_new (AudEngine *engine)
{
  g_return_val_if_fail (engine == NULL || AUD_IS_ENGINE (engine), NULL);

  return g_object_new (AUD_TYPE_SEGMENT_EDITOR, "engine", engine, NULL);
}

AudEngine *
aud_segment_editor_get_engine (AudSegmentEditor *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_EDITOR (self), NULL);

  return self->engine;
}

AudSegmentDoc *
aud_segment_editor_get_doc (AudSegmentEditor *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_EDITOR (self), NULL);

  return self->doc;
}

void
aud_segment_editor_set_workspace (AudSegmentEditor *self,
                                  const char       *path)
{
  g_return_if_fail (AUD_IS_SEGMENT_EDITOR (self));
  g_return_if_fail (self->context != NULL);

  if (g_strcmp0 (path, self->path) == 0)
    return;

  g_free (self->path);
  self->path = g_strdup (path);
  self->loaded = FALSE;
  g_clear_pointer (&self->saved_name, g_free);
  g_clear_pointer (&self->saved_json, g_free);
  g_clear_handle_id (&self->count_id, g_source_remove);
  g_cancellable_cancel (self->count_cancellable);
  set_updating (self, FALSE);
  clear_sample (self);
  gtk_stack_set_visible_child_name (self->stack, "none");

  if (path != NULL)
    aud_segment_editor_reload (self);

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

const char *
aud_segment_editor_get_workspace (AudSegmentEditor *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_EDITOR (self), NULL);

  return self->path;
}

void
aud_segment_editor_reload (AudSegmentEditor *self)
{
  g_return_if_fail (AUD_IS_SEGMENT_EDITOR (self));

  if (self->path == NULL)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  aud_builder_context_load_async (self->context, self->path, self->load_cancellable,
                                  context_load_cb, g_object_ref (self));
}

void
aud_segment_editor_open_saved (AudSegmentEditor *self,
                               const char       *name)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AUD_IS_SEGMENT_EDITOR (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (self->path != NULL);

  task = g_task_new (self, self->load_cancellable, load_segment_cb, NULL);
  g_task_set_source_tag (task, aud_segment_editor_open_saved);
  g_task_set_task_data (task, g_strdup (name), g_free);
  g_object_set_data_full (G_OBJECT (task), "aud-path", g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_segment_thread);
}

void
aud_segment_editor_load (AudSegmentEditor *self,
                         const AudSegment *segment,
                         const char       *saved_name)
{
  g_return_if_fail (AUD_IS_SEGMENT_EDITOR (self));
  g_return_if_fail (segment != NULL);

  if (!self->loaded)
    {
      /* Shown once the workspace is read. */
      g_clear_pointer (&self->pending, aud_segment_free);
      self->pending = aud_segment_copy (segment);
      g_free (self->pending_name);
      self->pending_name = g_strdup (saved_name);
      return;
    }

  show_segment (self, segment, saved_name);
}

const char *
aud_segment_editor_get_saved_name (AudSegmentEditor *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_EDITOR (self), NULL);

  return self->saved_name;
}

gint64
aud_segment_editor_get_count (AudSegmentEditor *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_EDITOR (self), -1);

  return self->count;
}

gboolean
aud_segment_editor_get_updating (AudSegmentEditor *self)
{
  g_return_val_if_fail (AUD_IS_SEGMENT_EDITOR (self), FALSE);

  return self->updating;
}
