/* aud-criterion-row.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-criterion-row"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "aud-criterion-row.h"
#include "aud-format.h"
#include "aud-picker-popover.h"
#include "aud-suggest.h"
#include "aud-value-editor.h"

/* How many values a list shows before "+N". */
#define MAX_LISTED_VALUES 3
/* A point is named after a city this close to it. */
#define PLACE_KM 5.0

/* Sentences --------------------------------------------------------------- */

/* A part of a sentence: a word, or a slot (a button opening an editor). */
typedef struct
{
  char     *id;          /* slots: what it edits; words: NULL */
  char     *text;
  char     *role;        /* slots: what the accessible name says it is */
  gboolean  placeholder; /* the slot has no value yet */
  gboolean  icon;        /* the slot is an icon button (text: icon name) */
} Part;

typedef struct
{
  GPtrArray *lines; /* (element-type GPtrArray<Part>) */
} Sentence;

static void
part_free (Part *part)
{
  g_free (part->id);
  g_free (part->text);
  g_free (part->role);
  g_free (part);
}

static Sentence *
sentence_new (void)
{
  Sentence *sentence = g_new0 (Sentence, 1);

  sentence->lines = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  g_ptr_array_add (sentence->lines, g_ptr_array_new_with_free_func ((GDestroyNotify)part_free));

  return sentence;
}

static void
sentence_free (Sentence *sentence)
{
  g_ptr_array_unref (sentence->lines);
  g_free (sentence);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sentence, sentence_free)

static GPtrArray *
current_line (Sentence *sentence)
{
  return g_ptr_array_index (sentence->lines, sentence->lines->len - 1);
}

static void
new_line (Sentence *sentence)
{
  g_ptr_array_add (sentence->lines, g_ptr_array_new_with_free_func ((GDestroyNotify)part_free));
}

static void
add_word (Sentence   *sentence,
          const char *text)
{
  Part *part = g_new0 (Part, 1);

  part->text = g_strdup (text);
  g_ptr_array_add (current_line (sentence), part);
}

/* @text: (nullable): the value shown; NULL shows @placeholder dimmed */
static void
add_slot (Sentence   *sentence,
          const char *id,
          const char *role,
          const char *text,
          const char *placeholder)
{
  Part *part = g_new0 (Part, 1);

  part->id = g_strdup (id);
  part->role = g_strdup (role);
  part->placeholder = text == NULL || text[0] == '\0';
  part->text = g_strdup (part->placeholder ? placeholder : text);
  g_ptr_array_add (current_line (sentence), part);
}

static void
add_icon_slot (Sentence   *sentence,
               const char *id,
               const char *icon_name,
               const char *role)
{
  Part *part = g_new0 (Part, 1);

  part->id = g_strdup (id);
  part->role = g_strdup (role);
  part->text = g_strdup (icon_name);
  part->icon = TRUE;
  g_ptr_array_add (current_line (sentence), part);
}

/* What decides the widgets: the lines and the ids of their parts. */
static char *
sentence_layout (Sentence *sentence)
{
  GString *layout = g_string_new (NULL);

  for (guint l = 0; l < sentence->lines->len; l++)
    {
      GPtrArray *line = g_ptr_array_index (sentence->lines, l);

      for (guint i = 0; i < line->len; i++)
        {
          Part *part = g_ptr_array_index (line, i);

          g_string_append (layout, part->id != NULL ? part->id : "w");
          g_string_append_c (layout, part->icon ? '!' : ' ');
        }
      g_string_append_c (layout, '\n');
    }

  return g_string_free (layout, FALSE);
}

static char *
sentence_text (Sentence *sentence)
{
  GString *text = g_string_new (NULL);

  for (guint l = 0; l < sentence->lines->len; l++)
    {
      GPtrArray *line = g_ptr_array_index (sentence->lines, l);

      for (guint i = 0; i < line->len; i++)
        {
          Part *part = g_ptr_array_index (line, i);

          if (part->icon)
            continue;
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, part->text);
        }
    }

  return g_string_free (text, FALSE);
}

/* A wrapping layout: children left to right, on as many lines as the width
 * needs, like the words of a sentence. */

#define AUD_TYPE_WRAP_LAYOUT (aud_wrap_layout_get_type ())
G_DECLARE_FINAL_TYPE (AudWrapLayout, aud_wrap_layout, AUD, WRAP_LAYOUT, GtkLayoutManager)

struct _AudWrapLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (AudWrapLayout, aud_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

#define WRAP_SPACING 4
#define WRAP_LINE_SPACING 2

static GtkSizeRequestMode
aud_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                  GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* The height of the children laid out in @width (-1: one line). */
static int
flow_height (GtkWidget *widget,
             int        width)
{
  int x = 0, y = 0, line_height = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min_width, nat_width, child_height, child_width;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width,
                          NULL, NULL);
      child_width = width >= 0 ? MIN (nat_width, MAX (width, min_width)) : nat_width;

      if (x > 0 && width >= 0 && x + child_width > width)
        {
          y += line_height + WRAP_LINE_SPACING;
          x = 0;
          line_height = 0;
        }

      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_width, NULL, &child_height,
                          NULL, NULL);
      x += child_width + WRAP_SPACING;
      line_height = MAX (line_height, child_height);
    }

  return y + line_height;
}

static void
aud_wrap_layout_measure (GtkLayoutManager *manager,
                         GtkWidget        *widget,
                         GtkOrientation    orientation,
                         int               for_size,
                         int              *minimum,
                         int              *natural,
                         int              *minimum_baseline,
                         int              *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int widest = 0, total = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int min_width, nat_width;

          if (!gtk_widget_should_layout (child))
            continue;

          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width,
                              NULL, NULL);
          widest = MAX (widest, min_width);
          total += nat_width + (total > 0 ? WRAP_SPACING : 0);
        }

      *minimum = widest;
      *natural = total;
    }
  else
    {
      *minimum = *natural = flow_height (widget, for_size);
    }
}

/* Allocates line by line, centring each child vertically on its line. */
static void
aud_wrap_layout_allocate (GtkLayoutManager *manager,
                          GtkWidget        *widget,
                          int               width,
                          int               height,
                          int               baseline)
{
  g_autoptr(GPtrArray) line = g_ptr_array_new ();
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) heights = g_array_new (FALSE, FALSE, sizeof (int));
  int x = 0, y = 0, line_height = 0;
  GtkWidget *child = gtk_widget_get_first_child (widget);

  while (TRUE)
    {
      int min_width = 0, nat_width = 0, child_width = 0, child_height = 0;
      gboolean wrap;

      while (child != NULL && !gtk_widget_should_layout (child))
        child = gtk_widget_get_next_sibling (child);

      if (child != NULL)
        {
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width,
                              NULL, NULL);
          child_width = MIN (nat_width, MAX (width, min_width));
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_width, NULL,
                              &child_height, NULL, NULL);
        }

      wrap = child == NULL || (x > 0 && x + child_width > width);
      if (wrap)
        {
          int cx = 0;

          for (guint i = 0; i < line->len; i++)
            {
              int w = g_array_index (widths, int, i);
              int h = g_array_index (heights, int, i);

              gtk_widget_size_allocate (g_ptr_array_index (line, i),
                                        &(GtkAllocation) { cx, y + (line_height - h) / 2, w, h },
                                        -1);
              cx += w + WRAP_SPACING;
            }

          y += line_height + WRAP_LINE_SPACING;
          x = 0;
          line_height = 0;
          g_ptr_array_set_size (line, 0);
          g_array_set_size (widths, 0);
          g_array_set_size (heights, 0);
        }

      if (child == NULL)
        break;

      g_ptr_array_add (line, child);
      g_array_append_val (widths, child_width);
      g_array_append_val (heights, child_height);
      x += child_width + WRAP_SPACING;
      line_height = MAX (line_height, child_height);
      child = gtk_widget_get_next_sibling (child);
    }
}

static void
aud_wrap_layout_class_init (AudWrapLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = aud_wrap_layout_get_request_mode;
  layout_class->measure = aud_wrap_layout_measure;
  layout_class->allocate = aud_wrap_layout_allocate;
}

static void
aud_wrap_layout_init (AudWrapLayout *self)
{
}

/* The row ------------------------------------------------------------------ */

struct _AudCriterionRow
{
  GtkListBoxRow      parent_instance;

  /* template widgets */
  GtkWidget         *handle;
  GtkBox            *lines_box;
  GtkImage          *problem_image;
  GtkLabel          *funnel_label;
  GtkSwitch         *enabled_switch;
  GtkMenuButton     *menu_button;

  /* owned */
  AudBuilderContext *context;
  char              *path;
  char              *layout;   /* of the sentence shown */
  char              *text;     /* the sentence shown, as plain text */
  GHashTable        *slots;    /* id -> GtkMenuButton (borrowed) */
  GPtrArray         *parts;    /* (element-type GtkWidget) borrowed, in order */
  gulong             places_id;
};

G_DEFINE_FINAL_TYPE (AudCriterionRow, aud_criterion_row, GTK_TYPE_LIST_BOX_ROW)

static const AudSegmentNode *
get_node (AudCriterionRow *self)
{
  return aud_segment_doc_lookup (aud_builder_context_get_doc (self->context), self->path);
}

/* Display names -------------------------------------------------------------- */

char *
aud_criterion_display_name (const char *name)
{
  g_autofree char *spaced = NULL;
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);

  if (strcmp (name, "@hour") == 0)
    return g_strdup (_("Hour of the day"));
  if (strcmp (name, "@weekday") == 0)
    return g_strdup (_("Day of the week"));

  spaced = g_strdelimit (g_strdup (name), "_", ' ');
  out = g_string_new (NULL);
  if (g_utf8_validate (spaced, -1, NULL) && spaced[0] != '\0')
    {
      gunichar first = g_utf8_get_char (spaced);

      g_string_append_unichar (out, g_unichar_totitle (first));
      g_string_append (out, g_utf8_next_char (spaced));
    }
  else
    g_string_append (out, spaced);

  return g_string_free (out, FALSE);
}

static gboolean
is_number_type (AudFieldType type)
{
  return type == AUD_FIELD_INTEGER || type == AUD_FIELD_DECIMAL;
}

static gboolean
is_date_type (AudFieldType type)
{
  return type == AUD_FIELD_DATE || type == AUD_FIELD_DATETIME;
}

/* Operators in the words of the sentence. */
static const char *
op_label (AudOp        op,
          AudFieldType type)
{
  switch (op)
    {
    case AUD_OP_BLANK: return _("is empty");
    case AUD_OP_NOT_BLANK: return _("is not empty");
    case AUD_OP_EQ: return _("is");
    case AUD_OP_NE: return _("is not");
    case AUD_OP_IN: return _("is one of");
    case AUD_OP_NOT_IN: return _("is none of");
    case AUD_OP_CONTAINS: return _("contains");
    case AUD_OP_NOT_CONTAINS: return _("does not contain");
    case AUD_OP_STARTS_WITH: return _("starts with");
    case AUD_OP_ENDS_WITH: return _("ends with");
    case AUD_OP_MATCHES: return _("matches the pattern");
    case AUD_OP_LT: return _("is less than");
    case AUD_OP_LE: return _("is at most");
    case AUD_OP_GT: return _("is more than");
    case AUD_OP_GE: return _("is at least");
    case AUD_OP_BETWEEN: return _("is between");
    case AUD_OP_BEFORE: return _("is before");
    case AUD_OP_AFTER: return _("is after");
    case AUD_OP_ON: return _("is on");
    case AUD_OP_WITHIN_LAST_DAYS: return _("is in the last");
    case AUD_OP_MORE_THAN_DAYS_AGO: return _("is more than");
    case AUD_OP_WITHIN_NEXT_DAYS: return _("is in the next");
    case AUD_OP_AGE_BETWEEN: return _("gives an age between");
    case AUD_OP_BIRTHDAY_WITHIN_DAYS: return _("has its anniversary in the next");
    case AUD_OP_IS_TRUE: return _("is yes");
    case AUD_OP_IS_FALSE: return _("is no");
    default: return aud_op_to_string (op);
    }
}

/* Count operators: "Did purchase [at least] 2 times". */
static const char *
count_op_label (AudOp op)
{
  switch (op)
    {
    case AUD_OP_GE: return _("at least");
    case AUD_OP_GT: return _("more than");
    case AUD_OP_LE: return _("at most");
    case AUD_OP_LT: return _("fewer than");
    case AUD_OP_EQ: return _("exactly");
    case AUD_OP_BETWEEN: return _("between");
    default: return aud_op_to_string (op);
    }
}

static const AudOp count_ops[] = {
  AUD_OP_GE, AUD_OP_GT, AUD_OP_LE, AUD_OP_LT, AUD_OP_EQ, AUD_OP_BETWEEN,
};

static const AudOp aggregate_ops[] = {
  AUD_OP_GT, AUD_OP_GE, AUD_OP_LT, AUD_OP_LE, AUD_OP_EQ, AUD_OP_NE, AUD_OP_BETWEEN,
};

static const struct
{
  const char *id;
  const char *label;   /* in the slot */
  const char *choice;  /* in the menu */
} measures[] = {
  { "times", N_("times"), N_("Number of times") },
  { "distinct", N_("different"), N_("Number of different values") },
  { "sum", N_("a total"), N_("Total of a number") },
  { "avg", N_("an average"), N_("Average of a number") },
  { "min", N_("a smallest"), N_("Smallest value of a number") },
  { "max", N_("a largest"), N_("Largest value of a number") },
  { "first", N_("The first time"), N_("When it was done first") },
  { "last", N_("The last time"), N_("When it was done last") },
};

/* The value of a condition as the sentence shows it: "DE, FR +2", "500",
 * "2024-03-05". */
static char *
value_label (JsonNode *value)
{
  if (value == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      guint n = json_array_get_length (array);
      GString *out = g_string_new (NULL);

      for (guint i = 0; i < n && i < MAX_LISTED_VALUES; i++)
        {
          g_autofree char *text = aud_segment_value_dup_text (json_array_get_element (array, i));

          if (i > 0)
            g_string_append (out, ", ");
          g_string_append (out, text != NULL ? text : "");
        }
      if (n > MAX_LISTED_VALUES)
        /* Translators: more values than shown in a list: "DE, FR, IT +4" */
        g_string_append_printf (out, _(" +%u"), n - MAX_LISTED_VALUES);

      return g_string_free (out, FALSE);
    }

  return aud_segment_value_dup_text (value);
}

static char *
element_label (JsonNode *value,
               guint     index)
{
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
      index >= json_array_get_length (json_node_get_array (value)))
    return NULL;

  return aud_segment_value_dup_text (json_array_get_element (json_node_get_array (value), index));
}

static char *
int_text (gint64 n)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

/* The type of a condition's field or property (text when unknown). */
static AudFieldType
condition_type (AudCriterionRow *self,
                AudScope         scope,
                const char      *name)
{
  const AudField *field = aud_builder_context_lookup_field (self->context, scope, name);

  return field != NULL ? field->type : AUD_FIELD_TEXT;
}

/* "[Country] [is one of] [DE, FR]" for a field (@prefix "") or a `where`
 * condition (@prefix "where-N-"). */
static void
add_condition (AudCriterionRow    *self,
               Sentence           *sentence,
               const char         *prefix,
               const AudCondition *condition,
               AudScope            scope)
{
  AudFieldType type = condition_type (self, scope, condition->name);
  g_autofree char *name = aud_criterion_display_name (condition->name);
  gboolean customer = scope == AUD_SCOPE_CUSTOMER;
  g_autofree char *name_id = g_strconcat (prefix, customer ? "field" : "property", NULL);
  g_autofree char *op_id = g_strconcat (prefix, "op", NULL);
  g_autofree char *value_id = g_strconcat (prefix, "value", NULL);
  g_autofree char *value2_id = g_strconcat (prefix, "value2", NULL);
  g_autofree char *value = NULL;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;

  add_slot (sentence, name_id, customer ? _("Field") : _("Property"), name, NULL);
  add_slot (sentence, op_id, _("Operator"), op_label (condition->op, type), NULL);

  switch (condition->op)
    {
    case AUD_OP_BLANK:
    case AUD_OP_NOT_BLANK:
    case AUD_OP_IS_TRUE:
    case AUD_OP_IS_FALSE:
      break;

    case AUD_OP_IN:
    case AUD_OP_NOT_IN:
      value = value_label (condition->value);
      add_slot (sentence, value_id, _("Values"), value, _("choose values"));
      break;

    case AUD_OP_BETWEEN:
    case AUD_OP_AGE_BETWEEN:
      low = element_label (condition->value, 0);
      high = element_label (condition->value, 1);
      add_slot (sentence, value_id, _("From"), low, "…");
      add_word (sentence, _("and"));
      add_slot (sentence, value2_id, _("To"), high, "…");
      if (condition->op == AUD_OP_AGE_BETWEEN)
        add_word (sentence, _("years"));
      break;

    case AUD_OP_WITHIN_LAST_DAYS:
    case AUD_OP_WITHIN_NEXT_DAYS:
    case AUD_OP_BIRTHDAY_WITHIN_DAYS:
      value = value_label (condition->value);
      add_slot (sentence, value_id, _("Days"), value, "…");
      add_word (sentence, _("days"));
      break;

    case AUD_OP_MORE_THAN_DAYS_AGO:
      value = value_label (condition->value);
      add_slot (sentence, value_id, _("Days"), value, "…");
      add_word (sentence, _("days ago"));
      break;

    default:
      value = value_label (condition->value);
      add_slot (sentence, value_id, _("Value"), value,
                is_number_type (type) || is_date_type (type) ? "…" : _("type a value"));
      break;
    }
}

/* "in the last [30] days", "more than [60] days ago", "between [A] and
 * [B]", "at any time". */
static void
add_when (Sentence      *sentence,
          const AudWhen *when,
          gboolean       occurrence)
{
  g_autofree char *days = int_text (when->days);

  switch (when->kind)
    {
    case AUD_WHEN_ALWAYS:
      add_slot (sentence, "when", _("When"), _("at any time"), NULL);
      break;

    case AUD_WHEN_WITHIN_LAST_DAYS:
      add_slot (sentence, "when", _("When"), _("in the last"), NULL);
      add_slot (sentence, "days", _("Days"), days, NULL);
      add_word (sentence, _("days"));
      break;

    case AUD_WHEN_MORE_THAN_DAYS_AGO:
      add_slot (sentence, "when", _("When"), occurrence ? _("more than") : _("before the last"),
                NULL);
      add_slot (sentence, "days", _("Days"), days, NULL);
      add_word (sentence, occurrence ? _("days ago") : _("days"));
      break;

    case AUD_WHEN_BETWEEN:
      add_slot (sentence, "when", _("When"), _("between"), NULL);
      add_slot (sentence, "from", _("From"), when->from, NULL);
      add_word (sentence, _("and"));
      add_slot (sentence, "to", _("To"), when->to, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}

static char *
event_label (const AudSegmentNode *node)
{
  if (node->event_names[0] != NULL && strcmp (node->event_names[0], "*") == 0)
    return g_strdup (_("any event"));

  /* Translators: joins event names: "purchase or refund" */
  return g_strjoinv (_(" or "), node->event_names);
}

static const char *
measure_id (const AudSegmentNode *node)
{
  static const char * const aggregates[] = { NULL, "sum", "avg", "min", "max" };

  if (node->occurrence == AUD_OCCURRENCE_FIRST)
    return "first";
  if (node->occurrence == AUD_OCCURRENCE_LAST)
    return "last";
  if (node->aggregate != AUD_AGG_NONE)
    return aggregates[node->aggregate];
  if (node->distinct != NULL)
    return "distinct";

  return "times";
}

static const char *
measure_label (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
    if (strcmp (measures[i].id, id) == 0)
      return _(measures[i].label);

  return id;
}

static void
add_count (Sentence             *sentence,
           const AudSegmentNode *node)
{
  g_autofree char *low = int_text (node->count_value[0]);
  g_autofree char *high = int_text (node->count_value[1]);

  add_slot (sentence, "count-op", _("How often"), count_op_label (node->count_op), NULL);
  add_slot (sentence, "count", node->count_op == AUD_OP_BETWEEN ? _("From") : _("Count"), low,
            NULL);
  if (node->count_op == AUD_OP_BETWEEN)
    {
      add_word (sentence, _("and"));
      add_slot (sentence, "count2", _("To"), high, NULL);
    }
}

static void
add_event (AudCriterionRow      *self,
           Sentence             *sentence,
           const AudSegmentNode *node)
{
  const char *measure = measure_id (node);
  g_autofree char *event = event_label (node);
  gboolean did_not = node->count_op == AUD_OP_EQ && node->count_value[0] == 0 &&
                     node->distinct == NULL && node->aggregate == AUD_AGG_NONE &&
                     node->occurrence == AUD_OCCURRENCE_ANY;

  if (node->occurrence != AUD_OCCURRENCE_ANY)
    {
      add_slot (sentence, "measure", _("Measure"), measure_label (measure), NULL);
      add_word (sentence, _("they did"));
      add_slot (sentence, "event", _("Event"), event, NULL);
      add_word (sentence, _("was"));
      add_when (sentence, &node->when, TRUE);
    }
  else if (node->aggregate != AUD_AGG_NONE && node->aggregate_condition != NULL)
    {
      const AudCondition *condition = node->aggregate_condition;
      g_autofree char *property = aud_criterion_display_name (condition->name);
      g_autofree char *low = element_label (condition->value, 0);
      g_autofree char *value = value_label (condition->value);

      add_word (sentence, _("Did"));
      add_slot (sentence, "event", _("Event"), event, NULL);
      add_word (sentence, _("with"));
      add_slot (sentence, "measure", _("Measure"), measure_label (measure), NULL);
      add_word (sentence, _("of"));
      add_slot (sentence, "agg-property", _("Property"), property, NULL);
      add_slot (sentence, "agg-op", _("Operator"), op_label (condition->op, AUD_FIELD_DECIMAL),
                NULL);
      if (condition->op == AUD_OP_BETWEEN)
        {
          g_autofree char *high = element_label (condition->value, 1);

          add_slot (sentence, "agg-value", _("From"), low, "…");
          add_word (sentence, _("and"));
          add_slot (sentence, "agg-value2", _("To"), high, "…");
        }
      else
        add_slot (sentence, "agg-value", _("Value"), value, "…");
      add_when (sentence, &node->when, FALSE);
    }
  else if (did_not)
    {
      add_word (sentence, _("Did"));
      add_slot (sentence, "count-op", _("How often"), _("not"), NULL);
      add_slot (sentence, "event", _("Event"), event, NULL);
      add_when (sentence, &node->when, FALSE);
    }
  else
    {
      add_word (sentence, _("Did"));
      add_slot (sentence, "event", _("Event"), event, NULL);
      if (node->distinct != NULL)
        add_word (sentence, _("with"));
      add_count (sentence, node);
      if (node->distinct != NULL)
        {
          g_autofree char *property = aud_criterion_display_name (node->distinct);

          add_slot (sentence, "measure", _("Measure"), measure_label (measure), NULL);
          add_slot (sentence, "distinct", _("Property"), property, NULL);
        }
      else
        add_slot (sentence, "measure", _("Measure"),
                  node->count_op != AUD_OP_BETWEEN && node->count_value[0] == 1 ? _("time")
                                                                                : _("times"),
                  NULL);
      add_when (sentence, &node->when, FALSE);
    }

  for (guint i = 0; node->where != NULL && i < node->where->len; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("where-%u-", i);
      g_autofree char *remove_id = g_strdup_printf ("where-%u-remove", i);

      new_line (sentence);
      add_word (sentence, i == 0 ? _("where") : _("and"));
      add_condition (self, sentence, prefix, g_ptr_array_index (node->where, i), AUD_SCOPE_EVENT);
      add_icon_slot (sentence, remove_id, "window-close-symbolic", _("Remove this condition"));
    }

  add_icon_slot (sentence, "add-where", "list-add-symbolic",
                 _("Only count events whose properties match"));
}

static char *
place_label (AudCriterionRow      *self,
             const AudSegmentNode *node)
{
  GPtrArray *places = aud_builder_context_get_places (self->context);
  const AudPlace *place = NULL;

  if (places != NULL)
    place = aud_suggest_nearest_place (places, node->lat, node->lon, PLACE_KM);

  if (place != NULL)
    return g_strdup (place->name);

  return g_strdup_printf ("%.4g, %.4g", node->lat, node->lon);
}

static Sentence *
build_sentence (AudCriterionRow      *self,
                const AudSegmentNode *node)
{
  Sentence *sentence = sentence_new ();

  switch (node->kind)
    {
    case AUD_NODE_FIELD:
      add_condition (self, sentence, "", node->condition, AUD_SCOPE_CUSTOMER);
      break;

    case AUD_NODE_EVENT:
      add_event (self, sentence, node);
      break;

    case AUD_NODE_NEAR:
      {
        g_autofree char *km = g_strdup_printf ("%g", node->km);
        g_autofree char *place = place_label (self, node);

        add_word (sentence, _("Is within"));
        add_slot (sentence, "km", _("Distance in kilometres"), km, NULL);
        add_word (sentence, _("km of"));
        add_slot (sentence, "place", _("Place"), place, NULL);
      }
      break;

    case AUD_NODE_SEGMENT:
      add_word (sentence, _("Is in the segment"));
      add_slot (sentence, "segment", _("Segment"), node->segment_name, NULL);
      break;

    case AUD_NODE_BUCKET:
      {
        g_autofree char *from = g_strdup_printf ("%d", node->bucket_from);
        g_autofree char *to = g_strdup_printf ("%d", node->bucket_to);

        add_word (sentence, _("Is in random buckets"));
        add_slot (sentence, "bucket-from", _("First bucket"), from, NULL);
        add_word (sentence, _("to"));
        add_slot (sentence, "bucket-to", _("Last bucket"), to, NULL);
        /* Translators: after "Is in random buckets 0 to 9"; the seed makes
         * the draw (the same seed, the same buckets) */
        add_word (sentence, _("of 100, seed"));
        add_slot (sentence, "salt", _("Seed"), node->bucket_salt, _("none"));
      }
      break;

    case AUD_NODE_ALL:
    case AUD_NODE_ANY:
    case AUD_NODE_NOT:
    default:
      {
        g_autofree char *description = aud_engine_describe_node (node);

        add_word (sentence, description);
      }
      break;
    }

  return sentence;
}

/* Edits -------------------------------------------------------------------- */

static JsonNode *
dup_node_json (AudCriterionRow *self)
{
  const AudSegmentNode *node = get_node (self);

  return node != NULL ? aud_segment_node_to_json (node) : NULL;
}

/* Replaces the row's node by @json; edits of the same part of the same
 * row merge into one undo step. */
static void
commit (AudCriterionRow *self,
        JsonNode        *json,
        const char      *slot)
{
  g_autofree char *merge_key = g_strdup_printf ("%s/%s", self->path, slot);
  g_autoptr(GError) error = NULL;

  if (!aud_segment_doc_replace (aud_builder_context_get_doc (self->context), self->path, json,
                                merge_key, &error))
    {
      g_warning ("Could not change %s: %s", self->path, error->message);
      aud_builder_context_report_error (self->context, error);
    }
}

/* The object a slot edits within the node's JSON: the criterion, a where
 * condition ("where-N-…"), or the aggregate ("agg-…"); @key is set to the
 * slot's own name ("op", "value"…). (transfer none) */
static JsonObject *
slot_object (JsonNode    *json,
             const char  *slot,
             const char **key)
{
  JsonObject *object = json_node_get_object (json);

  if (g_str_has_prefix (slot, "where-"))
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (slot + 6, &end, 10);
      JsonArray *where = json_object_get_array_member (object, "where");

      *key = end + 1;
      return json_array_get_object_element (where, index);
    }

  if (g_str_has_prefix (slot, "agg-"))
    {
      *key = slot + 4;
      return json_object_get_object_member (object, "aggregate");
    }

  *key = slot;
  return object;
}

/* A condition's name key: "field" or "property". */
static const char *
name_key (JsonObject *condition)
{
  return json_object_has_member (condition, "field") ? "field" : "property";
}

static void
set_value_element (JsonObject *object,
                   guint       index,
                   JsonNode   *value)
{
  JsonNode *old = json_object_get_member (object, "value");
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < 2; i++)
    {
      JsonNode *element = NULL;

      if (i == index)
        element = json_node_copy (value);
      else if (old != NULL && JSON_NODE_HOLDS_ARRAY (old) &&
               i < json_array_get_length (json_node_get_array (old)))
        element = json_node_copy (json_array_get_element (json_node_get_array (old), i));
      else
        element = json_node_copy (value);
      json_array_add_element (array, element);
    }
  json_object_set_array_member (object, "value", array);
}

static void
on_value_changed_cb (AudValueEditor *editor,
                     JsonNode       *value,
                     gpointer        user_data)
{
  AudCriterionRow *self = user_data;
  const char *slot = g_object_get_data (G_OBJECT (editor), "slot");
  g_autoptr(JsonNode) json = dup_node_json (self);
  JsonObject *object;
  const char *key;

  if (json == NULL)
    return;

  object = slot_object (json, slot, &key);

  if (strcmp (key, "value") == 0 && g_object_get_data (G_OBJECT (editor), "element") != NULL)
    set_value_element (object, 0, value);
  else if (strcmp (key, "value") == 0)
    json_object_set_member (object, "value", json_node_copy (value));
  else if (strcmp (key, "value2") == 0)
    set_value_element (object, 1, value);
  else if (strcmp (key, "days") == 0)
    {
      JsonObject *when = json_object_get_object_member (object, "when");
      GList *members = json_object_get_members (when);

      json_object_set_member (when, members->data, json_node_copy (value));
      g_list_free (members);
    }
  else if (strcmp (key, "from") == 0 || strcmp (key, "to") == 0)
    {
      JsonArray *between = json_object_get_array_member (json_object_get_object_member (object,
                                                                                        "when"),
                                                         "between");
      JsonArray *array = json_array_new ();
      gboolean from = strcmp (key, "from") == 0;

      json_array_add_element (array, from ? json_node_copy (value)
                                          : json_node_copy (json_array_get_element (between, 0)));
      json_array_add_element (array, from ? json_node_copy (json_array_get_element (between, 1))
                                          : json_node_copy (value));
      json_object_set_array_member (json_object_get_object_member (object, "when"), "between",
                                    array);
    }
  else if (strcmp (key, "count") == 0 || strcmp (key, "count2") == 0)
    {
      JsonObject *count = json_object_get_object_member (object, "count");

      if (count == NULL)
        {
          count = json_object_new ();
          json_object_set_string_member (count, "op", "ge");
          json_object_set_int_member (count, "value", 1);
          json_object_set_object_member (object, "count", count);
        }
      if (strcmp (json_object_get_string_member (count, "op"), "between") == 0)
        set_value_element (count, strcmp (key, "count") == 0 ? 0 : 1, value);
      else
        json_object_set_member (count, "value", json_node_copy (value));
    }
  else if (strcmp (key, "km") == 0)
    json_object_set_member (json_object_get_object_member (object, "near"), "km",
                            json_node_copy (value));
  else if (strcmp (key, "bucket-from") == 0 || strcmp (key, "bucket-to") == 0 ||
           strcmp (key, "salt") == 0)
    json_object_set_member (json_object_get_object_member (object, "bucket"),
                            strcmp (key, "salt") == 0 ? "salt" :
                            strcmp (key, "bucket-from") == 0 ? "from" : "to",
                            json_node_copy (value));
  else
    g_return_if_reached ();

  commit (self, json, slot);
}

/* The value of a condition after its operator changes: kept where it fits. */
static void
set_condition_op (AudCriterionRow *self,
                  JsonObject      *condition,
                  AudOp            op,
                  AudScope         scope)
{
  const char *name = json_object_get_string_member (condition, name_key (condition));
  AudFieldType type = condition_type (self, scope, name);
  JsonNode *old_value = json_object_get_member (condition, "value");
  JsonNode *value;

  value = aud_segment_doc_value_for_op (op, type, old_value,
                                        aud_builder_context_get_today (self->context));
  json_object_set_string_member (condition, "op", aud_op_to_string (op));
  if (value != NULL)
    json_object_set_member (condition, "value", value);
  else
    json_object_remove_member (condition, "value");

  /* case_sensitive is for text operators only. */
  if (op == AUD_OP_BLANK || op == AUD_OP_NOT_BLANK || is_number_type (type) || is_date_type (type))
    json_object_remove_member (condition, "case_sensitive");
}

/* A new field or property for a condition: its type's first operator and
 * value, or the same operator when the type takes it. */
static void
set_condition_name (AudCriterionRow *self,
                    JsonObject      *condition,
                    const char      *name,
                    AudScope         scope)
{
  const AudField *field = aud_builder_context_lookup_field (self->context, scope, name);
  AudFieldType type = field != NULL ? field->type : AUD_FIELD_TEXT;
  const char *op_name = json_object_get_string_member (condition, "op");
  const AudOp *ops;
  guint n_ops;
  AudOp op = AUD_OP_NOT_BLANK;
  gboolean keep = FALSE;

  json_object_set_string_member (condition, name_key (condition), name);

  ops = aud_field_type_get_ops (type, &n_ops);
  if (aud_op_from_string (op_name, &op))
    for (guint i = 0; i < n_ops; i++)
      keep |= ops[i] == op;

  if (!keep || condition_type (self, scope, name) != type)
    op = aud_segment_doc_default_op (type, field != NULL ? field->role : AUD_ROLE_NONE);

  /* A new field starts from its own first value. */
  json_object_remove_member (condition, "value");
  set_condition_op (self, condition, op, scope);
}

static void
set_measure (AudCriterionRow *self,
             JsonObject      *object,
             const char      *measure)
{
  GPtrArray *properties = aud_builder_context_get_properties (self->context);
  const AudField *numeric = NULL;
  const AudField *listed = NULL;

  for (guint i = 0; i < properties->len; i++)
    {
      const AudField *property = g_ptr_array_index (properties, i);

      if (numeric == NULL && is_number_type (property->type) && property->name[0] != '@')
        numeric = property;
      if (listed == NULL && (property->type == AUD_FIELD_CATEGORY ||
                             property->type == AUD_FIELD_TEXT))
        listed = property;
    }

  json_object_remove_member (object, "count");
  json_object_remove_member (object, "distinct");
  json_object_remove_member (object, "aggregate");
  json_object_remove_member (object, "occurrence");

  if (strcmp (measure, "distinct") == 0 && listed != NULL)
    {
      JsonObject *count = json_object_new ();

      json_object_set_string_member (count, "op", "ge");
      json_object_set_int_member (count, "value", 2);
      json_object_set_object_member (object, "count", count);
      json_object_set_string_member (object, "distinct", listed->name);
    }
  else if ((strcmp (measure, "sum") == 0 || strcmp (measure, "avg") == 0 ||
            strcmp (measure, "min") == 0 || strcmp (measure, "max") == 0) && numeric != NULL)
    {
      JsonObject *aggregate = json_object_new ();

      json_object_set_string_member (aggregate, "fn", measure);
      json_object_set_string_member (aggregate, "property", numeric->name);
      json_object_set_string_member (aggregate, "op", "gt");
      json_object_set_int_member (aggregate, "value", 0);
      json_object_set_object_member (object, "aggregate", aggregate);
    }
  else if (strcmp (measure, "first") == 0 || strcmp (measure, "last") == 0)
    {
      json_object_set_string_member (object, "occurrence", measure);
      if (!json_object_has_member (object, "when"))
        {
          JsonObject *when = json_object_new ();

          json_object_set_int_member (when, "within_last_days", 30);
          json_object_set_object_member (object, "when", when);
        }
    }
}

static void
set_when (AudCriterionRow *self,
          JsonObject      *object,
          const char      *kind)
{
  JsonObject *old = json_object_get_object_member (object, "when");
  gint64 days = 30;
  JsonObject *when;

  if (old != NULL && json_object_has_member (old, "within_last_days"))
    days = json_object_get_int_member (old, "within_last_days");
  else if (old != NULL && json_object_has_member (old, "more_than_days_ago"))
    days = json_object_get_int_member (old, "more_than_days_ago");

  if (strcmp (kind, "always") == 0)
    {
      json_object_remove_member (object, "when");
      return;
    }

  when = json_object_new ();
  if (strcmp (kind, "between") == 0)
    {
      JsonArray *between = json_array_new ();
      const char *today = aud_builder_context_get_today (self->context);

      json_array_add_string_element (between, today);
      json_array_add_string_element (between, today);
      json_object_set_array_member (when, "between", between);
    }
  else
    json_object_set_int_member (when, kind, days);
  json_object_set_object_member (object, "when", when);
}

static void
set_count_op (JsonObject *object,
              const char *choice)
{
  JsonObject *old = json_object_get_object_member (object, "count");
  gint64 value = 1;
  JsonObject *count = json_object_new ();

  if (old != NULL)
    {
      JsonNode *old_value = json_object_get_member (old, "value");

      if (JSON_NODE_HOLDS_ARRAY (old_value))
        value = json_array_get_int_element (json_node_get_array (old_value), 0);
      else
        value = json_node_get_int (old_value);
    }

  if (strcmp (choice, "none") == 0)
    {
      json_object_set_string_member (count, "op", "eq");
      json_object_set_int_member (count, "value", 0);
    }
  else
    {
      /* Leaving "did not": once, not zero times. */
      if (value == 0 && strcmp (choice, "le") != 0 && strcmp (choice, "eq") != 0)
        value = 1;
      json_object_set_string_member (count, "op", choice);
      if (strcmp (choice, "between") == 0)
        {
          JsonArray *range = json_array_new ();

          json_array_add_int_element (range, value);
          json_array_add_int_element (range, value + 2);
          json_object_set_array_member (count, "value", range);
        }
      else
        json_object_set_int_member (count, "value", value);
    }
  json_object_set_object_member (object, "count", count);
}

static void
set_place (AudCriterionRow *self,
           JsonObject      *object,
           const char      *choice)
{
  GPtrArray *places = aud_builder_context_get_places (self->context);
  guint64 index = g_ascii_strtoull (choice, NULL, 10);
  JsonObject *near = json_object_get_object_member (object, "near");
  const AudPlace *place;

  if (places == NULL || index >= places->len)
    return;

  place = g_ptr_array_index (places, index);
  json_object_set_double_member (near, "lat", round (place->lat * 1e4) / 1e4);
  json_object_set_double_member (near, "lon", round (place->lon * 1e4) / 1e4);
}

/* The event names of the event criterion @object: @choice holds one name
 * (or "*") or several, a line each. */
static void
set_events (JsonObject *object,
            const char *choice)
{
  g_auto(GStrv) names = g_strsplit (choice, "\n", -1);
  JsonArray *array;

  if (names[0] == NULL || names[1] == NULL)
    {
      json_object_set_string_member (object, "event", choice);
      return;
    }

  array = json_array_new ();
  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_string_element (array, names[i]);
  json_object_set_array_member (object, "event", array);
}

static void
on_picked_cb (AudPickerPopover *picker,
              const char       *choice,
              gpointer          user_data)
{
  AudCriterionRow *self = user_data;
  const char *slot = g_object_get_data (G_OBJECT (picker), "slot");
  const char *today = aud_builder_context_get_today (self->context);
  g_autoptr(JsonNode) json = dup_node_json (self);
  AudOp op = AUD_OP_EQ;
  JsonObject *object;
  const char *key;

  if (json == NULL)
    return;

  object = slot_object (json, slot, &key);

  if (strcmp (key, "field") == 0)
    set_condition_name (self, object, choice, AUD_SCOPE_CUSTOMER);
  else if (strcmp (key, "property") == 0 && g_str_has_prefix (slot, "agg-"))
    json_object_set_string_member (object, "property", choice);
  else if (strcmp (key, "property") == 0)
    set_condition_name (self, object, choice, AUD_SCOPE_EVENT);
  else if (strcmp (key, "op") == 0 && g_str_has_prefix (slot, "agg-"))
    {
      JsonNode *old_value = json_object_get_member (object, "value");

      if (!aud_op_from_string (choice, &op))
        g_return_if_reached ();
      json_object_set_member (object, "value",
                              aud_segment_doc_value_for_op (op, AUD_FIELD_DECIMAL, old_value,
                                                            today));
      json_object_set_string_member (object, "op", choice);
    }
  else if (strcmp (key, "op") == 0)
    {
      if (!aud_op_from_string (choice, &op))
        g_return_if_reached ();
      set_condition_op (self, object, op,
                        json_object_has_member (object, "field") ? AUD_SCOPE_CUSTOMER
                                                                 : AUD_SCOPE_EVENT);
    }
  else if (strcmp (key, "event") == 0)
    set_events (object, choice);
  else if (strcmp (key, "count-op") == 0)
    set_count_op (object, choice);
  else if (strcmp (key, "measure") == 0)
    set_measure (self, object, choice);
  else if (strcmp (key, "when") == 0)
    set_when (self, object, choice);
  else if (strcmp (key, "distinct") == 0)
    json_object_set_string_member (object, "distinct", choice);
  else if (strcmp (key, "segment") == 0)
    json_object_set_string_member (object, "segment", choice);
  else if (strcmp (key, "place") == 0)
    set_place (self, object, choice);
  else if (strcmp (key, "add-where") == 0)
    {
      const AudField *property = aud_builder_context_lookup_field (self->context,
                                                                   AUD_SCOPE_EVENT, choice);
      JsonArray *where = json_object_get_array_member (object, "where");
      JsonNode *condition;

      condition = aud_segment_doc_template_condition (property != NULL && property->id >= 0 ?
                                                      property : NULL,
                                                      choice, today);
      if (where == NULL)
        {
          where = json_array_new ();
          json_object_set_array_member (object, "where", where);
        }
      json_array_add_element (where, condition);
    }
  else
    g_return_if_reached ();

  /* A pick is a step of its own. */
  commit (self, json, NULL);
}

/* Popovers ----------------------------------------------------------------- */

static AudPickerPopover *
new_picker (AudCriterionRow *self,
            const char      *slot,
            const char      *search_label)
{
  AudPickerPopover *picker = aud_picker_popover_new (search_label);

  g_object_set_data_full (G_OBJECT (picker), "slot", g_strdup (slot), g_free);
  g_signal_connect (picker, "picked", G_CALLBACK (on_picked_cb), self);

  return picker;
}

static void
add_fields (AudPickerPopover *picker,
            GPtrArray        *fields,
            gboolean          numeric_only,
            gboolean          listed_only)
{
  for (guint i = 0; i < fields->len; i++)
    {
      const AudField *field = g_ptr_array_index (fields, i);
      g_autofree char *name = aud_criterion_display_name (field->name);

      if (numeric_only && (!is_number_type (field->type) || field->name[0] == '@'))
        continue;
      if (listed_only && field->type != AUD_FIELD_TEXT && field->type != AUD_FIELD_CATEGORY)
        continue;

      aud_picker_popover_add (picker, field->name, name, aud_field_type_get_label (field->type),
                              NULL);
    }
}

static void
add_ops (AudPickerPopover *picker,
         AudFieldType      type)
{
  const AudOp *ops;
  guint n_ops;

  ops = aud_field_type_get_ops (type, &n_ops);
  for (guint i = 0; i < n_ops; i++)
    aud_picker_popover_add (picker, aud_op_to_string (ops[i]), op_label (ops[i], type), NULL,
                            NULL);
}

static void
fill_places (AudPickerPopover *picker,
             GPtrArray        *places)
{
  for (guint i = 0; places != NULL && i < places->len; i++)
    {
      const AudPlace *place = g_ptr_array_index (places, i);
      g_autofree char *id = g_strdup_printf ("%u", i);
      g_autofree char *count = aud_format_count (place->count);
      /* Translators: a city's country and its customers: "DE · 1,234" */
      g_autofree char *detail = place->country != NULL ? g_strdup_printf (_("%s · %s"),
                                                                          place->country, count)
                                                       : g_strdup (count);

      aud_picker_popover_add (picker, id, place->name, detail, NULL);
    }
}

static const AudCondition *
slot_condition (const AudSegmentNode *node,
                const char           *slot,
                AudScope             *scope)
{
  *scope = AUD_SCOPE_EVENT;

  if (g_str_has_prefix (slot, "where-"))
    {
      guint64 index = g_ascii_strtoull (slot + 6, NULL, 10);

      return node->where != NULL && index < node->where->len ?
             g_ptr_array_index (node->where, index) : NULL;
    }

  if (g_str_has_prefix (slot, "agg-"))
    return node->aggregate_condition;

  *scope = AUD_SCOPE_CUSTOMER;
  return node->condition;
}

/* The editor of a condition's value (or one bound of a range). */
static GtkPopover *
new_value_editor (AudCriterionRow      *self,
                  const AudSegmentNode *node,
                  const char           *slot,
                  const char           *key)
{
  AudScope scope;
  const AudCondition *condition = slot_condition (node, slot, &scope);
  const AudField *field;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  AudValueSource source = { 0 };
  AudValueEditor *editor = NULL;
  gboolean element = FALSE;
  guint index = strcmp (key, "value2") == 0 ? 1 : 0;
  JsonNode *value;
  AudFieldType type;
  guint digits;

  g_return_val_if_fail (condition != NULL, NULL);

  field = aud_builder_context_lookup_field (self->context, scope, condition->name);
  type = field != NULL ? field->type : AUD_FIELD_TEXT;
  digits = field != NULL && field->type == AUD_FIELD_DECIMAL ? field->scale : 0;
  name = aud_criterion_display_name (condition->name);
  source.path = aud_builder_context_get_path (self->context);
  source.scope = scope;
  source.name = condition->name;
  if (scope == AUD_SCOPE_EVENT && node->event_names != NULL && node->event_names[1] == NULL &&
      strcmp (node->event_names[0], "*") != 0)
    source.event = node->event_names[0];

  value = condition->value;
  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value) && condition->op != AUD_OP_IN &&
      condition->op != AUD_OP_NOT_IN)
    {
      element = TRUE;
      value = index < json_array_get_length (json_node_get_array (value)) ?
              json_array_get_element (json_node_get_array (value), index) : NULL;
    }

  /* Translators: the heading of a value editor: "Lifetime value" */
  title = g_strdup (name);

  switch (condition->op)
    {
    case AUD_OP_IN:
    case AUD_OP_NOT_IN:
      editor = aud_value_editor_new_set (title, condition->value, is_number_type (type), &source);
      break;

    case AUD_OP_WITHIN_LAST_DAYS:
    case AUD_OP_MORE_THAN_DAYS_AGO:
    case AUD_OP_WITHIN_NEXT_DAYS:
    case AUD_OP_BIRTHDAY_WITHIN_DAYS:
      editor = aud_value_editor_new_number (_("Days"), json_node_get_int (value), 0, 36500, 0);
      break;

    case AUD_OP_AGE_BETWEEN:
      editor = aud_value_editor_new_number (index == 0 ? _("From age") : _("To age"),
                                            value != NULL ? json_node_get_int (value) : 0,
                                            0, 150, 0);
      break;

    default:
      if (is_date_type (type))
        {
          g_autofree char *text = value != NULL ? aud_segment_value_dup_text (value) : NULL;

          editor = aud_value_editor_new_date (title, text);
        }
      else if (is_number_type (type) || g_str_has_prefix (slot, "agg-"))
        {
          g_autofree char *text = value != NULL ? aud_segment_value_dup_text (value) : NULL;
          double number = text != NULL ? g_ascii_strtod (text, NULL) : 0.0;

          if (g_str_has_prefix (slot, "agg-") && field != NULL)
            digits = field->type == AUD_FIELD_DECIMAL ? field->scale : 0;
          editor = aud_value_editor_new_number (title, number, -1e12, 1e12, digits);
        }
      else
        {
          g_autofree char *text = value != NULL ? aud_segment_value_dup_text (value) : NULL;

          editor = aud_value_editor_new_text (title, text, &source);
        }
      break;
    }

  g_object_set_data_full (G_OBJECT (editor), "slot", g_strdup (slot), g_free);
  if (element && index == 0)
    g_object_set_data (G_OBJECT (editor), "element", GINT_TO_POINTER (TRUE));
  g_signal_connect (editor, "value-changed", G_CALLBACK (on_value_changed_cb), self);

  return GTK_POPOVER (editor);
}

static GtkPopover *
new_number_editor (AudCriterionRow *self,
                   const char      *slot,
                   const char      *title,
                   double           value,
                   double           min,
                   double           max,
                   guint            digits)
{
  AudValueEditor *editor = aud_value_editor_new_number (title, value, min, max, digits);

  g_object_set_data_full (G_OBJECT (editor), "slot", g_strdup (slot), g_free);
  g_signal_connect (editor, "value-changed", G_CALLBACK (on_value_changed_cb), self);

  return GTK_POPOVER (editor);
}

static void
on_places_loaded_cb (AudBuilderContext *context,
                     AudPickerPopover  *picker)
{
  fill_places (picker, aud_builder_context_get_places (context));
  aud_picker_popover_set_empty_text (picker, _("No city with coordinates"));
}

/* The popover a slot opens, made each time it opens, from the node as it
 * is then. */
static GtkPopover *
create_popover (AudCriterionRow *self,
                const char      *slot)
{
  const AudSegmentNode *node = get_node (self);
  AudPickerPopover *picker = NULL;
  const char *key = slot;
  AudScope scope;
  const AudCondition *condition;

  if (node == NULL)
    return NULL;

  if (g_str_has_prefix (slot, "where-"))
    key = strchr (slot + 6, '-') + 1;
  else if (g_str_has_prefix (slot, "agg-"))
    key = slot + 4;

  if (strcmp (key, "field") == 0)
    {
      picker = new_picker (self, slot, _("Search fields"));
      add_fields (picker, aud_builder_context_get_fields (self->context), FALSE, FALSE);
      aud_picker_popover_set_current (picker, node->condition->name);
    }
  else if (strcmp (key, "property") == 0)
    {
      condition = slot_condition (node, slot, &scope);
      picker = new_picker (self, slot, _("Search properties"));
      add_fields (picker, aud_builder_context_get_properties (self->context),
                  g_str_has_prefix (slot, "agg-"), FALSE);
      aud_picker_popover_set_current (picker, condition != NULL ? condition->name : NULL);
    }
  else if (strcmp (key, "op") == 0 && g_str_has_prefix (slot, "agg-"))
    {
      picker = new_picker (self, slot, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (aggregate_ops); i++)
        aud_picker_popover_add (picker, aud_op_to_string (aggregate_ops[i]),
                                op_label (aggregate_ops[i], AUD_FIELD_DECIMAL), NULL, NULL);
      aud_picker_popover_set_current (picker, aud_op_to_string (node->aggregate_condition->op));
    }
  else if (strcmp (key, "op") == 0)
    {
      condition = slot_condition (node, slot, &scope);
      picker = new_picker (self, slot, NULL);
      add_ops (picker, condition_type (self, scope, condition->name));
      aud_picker_popover_set_current (picker, aud_op_to_string (condition->op));
    }
  else if (strcmp (key, "value") == 0 || strcmp (key, "value2") == 0)
    return new_value_editor (self, node, slot, key);
  else if (strcmp (key, "event") == 0)
    {
      GPtrArray *events = aud_builder_context_get_events (self->context);

      picker = new_picker (self, slot, _("Search events"));
      aud_picker_popover_add (picker, "*", _("any event"), NULL, NULL);
      for (guint i = 0; i < events->len; i++)
        aud_picker_popover_add (picker, g_ptr_array_index (events, i),
                                g_ptr_array_index (events, i), NULL, NULL);
      aud_picker_popover_set_several (picker, (const char * const *)node->event_names, "*");
    }
  else if (strcmp (key, "count-op") == 0)
    {
      picker = new_picker (self, slot, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (count_ops); i++)
        aud_picker_popover_add (picker, aud_op_to_string (count_ops[i]),
                                count_op_label (count_ops[i]), NULL, NULL);
      aud_picker_popover_add (picker, "none", _("not at all"), NULL, NULL);
      aud_picker_popover_set_current (picker,
                                      node->count_op == AUD_OP_EQ && node->count_value[0] == 0 ?
                                      "none" : aud_op_to_string (node->count_op));
    }
  else if (strcmp (key, "count") == 0 || strcmp (key, "count2") == 0)
    return new_number_editor (self, slot, _("Number of times"),
                              node->count_value[strcmp (key, "count2") == 0 ? 1 : 0], 0, 1e9, 0);
  else if (strcmp (key, "measure") == 0)
    {
      picker = new_picker (self, slot, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
        aud_picker_popover_add (picker, measures[i].id, _(measures[i].choice), NULL, NULL);
      aud_picker_popover_set_current (picker, measure_id (node));
    }
  else if (strcmp (key, "when") == 0)
    {
      gboolean occurrence = node->occurrence != AUD_OCCURRENCE_ANY;

      picker = new_picker (self, slot, NULL);
      if (!occurrence)
        aud_picker_popover_add (picker, "always", _("at any time"), NULL, NULL);
      aud_picker_popover_add (picker, "within_last_days", _("in the last … days"), NULL, NULL);
      aud_picker_popover_add (picker, "more_than_days_ago",
                              occurrence ? _("more than … days ago")
                                         : _("before the last … days"),
                              NULL, NULL);
      aud_picker_popover_add (picker, "between", _("between two dates"), NULL, NULL);
    }
  else if (strcmp (key, "days") == 0)
    return new_number_editor (self, slot, _("Days"), node->when.days, 0, 36500, 0);
  else if (strcmp (key, "from") == 0 || strcmp (key, "to") == 0)
    {
      AudValueEditor *editor = aud_value_editor_new_date (strcmp (key, "from") == 0 ? _("From")
                                                                                   : _("To"),
                                                          strcmp (key, "from") == 0 ?
                                                          node->when.from : node->when.to);

      g_object_set_data_full (G_OBJECT (editor), "slot", g_strdup (slot), g_free);
      g_signal_connect (editor, "value-changed", G_CALLBACK (on_value_changed_cb), self);
      return GTK_POPOVER (editor);
    }
  else if (strcmp (key, "distinct") == 0)
    {
      picker = new_picker (self, slot, _("Search properties"));
      add_fields (picker, aud_builder_context_get_properties (self->context), FALSE, TRUE);
      aud_picker_popover_set_current (picker, node->distinct);
    }
  else if (strcmp (key, "add-where") == 0)
    {
      picker = new_picker (self, slot, _("Search properties"));
      add_fields (picker, aud_builder_context_get_properties (self->context), FALSE, FALSE);
    }
  else if (g_str_has_suffix (key, "remove"))
    return NULL;
  else if (strcmp (key, "km") == 0)
    return new_number_editor (self, slot, _("Kilometres"), node->km, 0, 20000, 0);
  else if (strcmp (key, "place") == 0)
    {
      GPtrArray *places = aud_builder_context_get_places (self->context);

      picker = new_picker (self, slot, _("Search cities"));
      aud_picker_popover_set_empty_text (picker, places != NULL ? _("No city with coordinates")
                                                                : _("Reading the cities…"));
      if (places != NULL)
        fill_places (picker, places);
      else
        g_signal_connect_object (self->context, "places-loaded",
                                 G_CALLBACK (on_places_loaded_cb), picker, 0);
    }
  else if (strcmp (key, "segment") == 0)
    {
      GPtrArray *segments = aud_builder_context_get_segments (self->context);
      const char *own = aud_segment_doc_get_name (aud_builder_context_get_doc (self->context));

      picker = new_picker (self, slot, _("Search segments"));
      for (guint i = 0; i < segments->len; i++)
        if (g_strcmp0 (g_ptr_array_index (segments, i), own) != 0)
          aud_picker_popover_add (picker, g_ptr_array_index (segments, i),
                                  g_ptr_array_index (segments, i), NULL, NULL);
      aud_picker_popover_set_empty_text (picker, _("No other saved segment"));
      aud_picker_popover_set_current (picker, node->segment_name);
    }
  else if (strcmp (key, "bucket-from") == 0 || strcmp (key, "bucket-to") == 0)
    return new_number_editor (self, slot, strcmp (key, "bucket-from") == 0 ? _("First bucket")
                                                                           : _("Last bucket"),
                              strcmp (key, "bucket-from") == 0 ? node->bucket_from
                                                               : node->bucket_to,
                              0, 99, 0);
  else if (strcmp (key, "salt") == 0)
    {
      AudValueEditor *editor = aud_value_editor_new_text (_("Seed"), node->bucket_salt, NULL);

      g_object_set_data_full (G_OBJECT (editor), "slot", g_strdup (slot), g_free);
      g_signal_connect (editor, "value-changed", G_CALLBACK (on_value_changed_cb), self);
      return GTK_POPOVER (editor);
    }

  return picker != NULL ? GTK_POPOVER (picker) : NULL;
}

static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  AudCriterionRow *self = user_data;
  const char *slot = g_object_get_data (G_OBJECT (button), "slot");

  gtk_menu_button_set_popover (button, GTK_WIDGET (create_popover (self, slot)));
}

static void
on_remove_where_clicked_cb (GtkButton       *button,
                            AudCriterionRow *self)
{
  const char *slot = g_object_get_data (G_OBJECT (button), "slot");
  guint64 index = g_ascii_strtoull (slot + 6, NULL, 10);
  g_autoptr(JsonNode) json = dup_node_json (self);
  JsonArray *where;

  if (json == NULL)
    return;

  where = json_object_get_array_member (json_node_get_object (json), "where");
  if (where == NULL || index >= json_array_get_length (where))
    return;

  json_array_remove_element (where, index);
  commit (self, json, NULL);
}

/* Widgets of the sentence ------------------------------------------------------ */

static void
set_part_text (GtkWidget  *widget,
               const Part *part)
{
  if (part->id == NULL)
    {
      gtk_label_set_label (GTK_LABEL (widget), part->text);
      return;
    }

  if (part->icon)
    return;

  {
    GtkWidget *label = gtk_menu_button_get_child (GTK_MENU_BUTTON (widget));
    /* Translators: the accessible name of a part of a criterion: "Field: Country" */
    g_autofree char *name = g_strdup_printf (_("%s: %s"), part->role, part->text);

    gtk_label_set_label (GTK_LABEL (label), part->text);
    if (part->placeholder)
      gtk_widget_add_css_class (widget, "placeholder");
    else
      gtk_widget_remove_css_class (widget, "placeholder");
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    name, -1);
    gtk_widget_set_tooltip_text (widget, part->role);
  }
}

static GtkWidget *
new_part_widget (AudCriterionRow *self,
                 const Part      *part)
{
  GtkWidget *widget;

  if (part->id == NULL)
    {
      widget = gtk_label_new (NULL);
      gtk_widget_add_css_class (widget, "sentence-word");
    }
  else if (part->icon && g_str_has_suffix (part->id, "-remove"))
    {
      widget = gtk_button_new_from_icon_name (part->text);
      gtk_widget_add_css_class (widget, "flat");
      gtk_widget_add_css_class (widget, "circular");
      gtk_widget_add_css_class (widget, "slot-icon");
      gtk_widget_set_tooltip_text (widget, part->role);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      part->role, -1);
      g_object_set_data_full (G_OBJECT (widget), "slot", g_strdup (part->id), g_free);
      g_signal_connect (widget, "clicked", G_CALLBACK (on_remove_where_clicked_cb), self);
    }
  else
    {
      widget = gtk_menu_button_new ();
      if (part->icon)
        {
          gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (widget), part->text);
          gtk_widget_add_css_class (widget, "slot-icon");
          gtk_widget_set_tooltip_text (widget, part->role);
          gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          part->role, -1);
        }
      else
        {
          GtkWidget *label = gtk_label_new (NULL);

          gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
          gtk_menu_button_set_child (GTK_MENU_BUTTON (widget), label);
          gtk_widget_add_css_class (widget, "slot");
        }
      gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (widget), FALSE);
      g_object_set_data_full (G_OBJECT (widget), "slot", g_strdup (part->id), g_free);
      gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (widget), create_popup_cb, self, NULL);
      g_hash_table_insert (self->slots, g_strdup (part->id), widget);
    }

  set_part_text (widget, part);

  return widget;
}

static void
clear_sentence (AudCriterionRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->lines_box))) != NULL)
    gtk_box_remove (self->lines_box, child);

  g_hash_table_remove_all (self->slots);
  g_ptr_array_set_size (self->parts, 0);
}

static void
show_sentence (AudCriterionRow *self,
               Sentence        *sentence)
{
  g_autofree char *layout = sentence_layout (sentence);
  guint n = 0;

  if (g_strcmp0 (layout, self->layout) != 0)
    {
      clear_sentence (self);

      for (guint l = 0; l < sentence->lines->len; l++)
        {
          GPtrArray *line = g_ptr_array_index (sentence->lines, l);
          GtkWidget *box = g_object_new (GTK_TYPE_BOX, "layout-manager",
                                           g_object_new (AUD_TYPE_WRAP_LAYOUT, NULL), NULL);

          gtk_widget_add_css_class (box, "sentence-line");
          if (l > 0)
            gtk_widget_add_css_class (box, "sentence-condition");
          for (guint i = 0; i < line->len; i++)
            {
              GtkWidget *widget = new_part_widget (self, g_ptr_array_index (line, i));

              gtk_widget_set_parent (widget, box);
              g_ptr_array_add (self->parts, widget);
            }
          gtk_box_append (self->lines_box, box);
        }

      g_free (self->layout);
      self->layout = g_steal_pointer (&layout);
      return;
    }

  for (guint l = 0; l < sentence->lines->len; l++)
    {
      GPtrArray *line = g_ptr_array_index (sentence->lines, l);

      for (guint i = 0; i < line->len; i++)
        set_part_text (g_ptr_array_index (self->parts, n++), g_ptr_array_index (line, i));
    }
}

/* Drag and drop --------------------------------------------------------------- */

/* The group (its path) and the place in it of the node at @path. */
static gboolean
split_path (const char  *path,
            char       **group_path,
            int         *index)
{
  const char *bracket;
  g_autofree char *prefix = NULL;

  if (g_str_has_suffix (path, ".not"))
    {
      *group_path = g_strndup (path, strlen (path) - 4);
      *index = 0;
      return TRUE;
    }

  if (!g_str_has_suffix (path, "]") || (bracket = strrchr (path, '[')) == NULL ||
      bracket - path < 4)
    return FALSE;

  *index = atoi (bracket + 1);
  prefix = g_strndup (path, bracket - path - 4);   /* drop ".all" / ".any" */
  if (g_str_has_suffix (prefix, ".not"))
    prefix[strlen (prefix) - 4] = '\0';
  *group_path = g_steal_pointer (&prefix);

  return TRUE;
}

void
aud_criterion_move (AudBuilderContext *context,
                    const char        *path,
                    int                delta)
{
  g_autofree char *group_path = NULL;
  g_autoptr(GError) error = NULL;
  int index;

  g_return_if_fail (AUD_IS_BUILDER_CONTEXT (context));

  if (!split_path (path, &group_path, &index) || (delta < 0 && index == 0))
    return;

  if (!aud_segment_doc_move (aud_builder_context_get_doc (context), path, group_path,
                             delta < 0 ? index - 1 : index + 2, NULL, &error))
    aud_builder_context_report_error (context, error);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource *source,
                    double         x,
                    double         y,
                    GtkWidget     *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "aud-path");

  return gdk_content_provider_new_typed (G_TYPE_STRING, path);
}

static void
on_drag_begin_cb (GtkDragSource *source,
                  GdkDrag       *drag,
                  GtkWidget     *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

void
aud_criterion_setup_drag (GtkWidget         *handle,
                          GtkWidget         *row,
                          AudBuilderContext *context)
{
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare_cb), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin_cb), row);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (source));
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            GtkWidget     *row)
{
  AudBuilderContext *context = g_object_get_data (G_OBJECT (target), "context");
  const char *source_path = g_value_get_string (value);
  const char *path = g_object_get_data (G_OBJECT (row), "aud-path");
  g_autofree char *group_path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean after = y > gtk_widget_get_height (row) / 2.0;
  int index;

  if (source_path == NULL || path == NULL || g_strcmp0 (source_path, path) == 0)
    return FALSE;

  /* Dropped on a card's own space: the end of that group. */
  if (g_object_get_data (G_OBJECT (row), "aud-append") != NULL)
    {
      group_path = g_strdup (path);
      index = -1;
    }
  else if (split_path (path, &group_path, &index))
    index += after ? 1 : 0;
  else
    return FALSE;

  if (!aud_segment_doc_move (aud_builder_context_get_doc (context), source_path, group_path,
                             index, NULL, &error))
    {
      aud_builder_context_report_error (context, error);
      return FALSE;
    }

  return TRUE;
}

void
aud_criterion_setup_drop (GtkWidget         *row,
                          AudBuilderContext *context)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);

  g_object_set_data (G_OBJECT (target), "context", context);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
}

/* Actions ---------------------------------------------------------------------- */

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AudCriterionRow *self = AUD_CRITERION_ROW (widget);
  g_autoptr(GError) error = NULL;

  if (!aud_segment_doc_duplicate (aud_builder_context_get_doc (self->context), self->path, NULL,
                                  &error))
    aud_builder_context_report_error (self->context, error);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AudCriterionRow *self = AUD_CRITERION_ROW (widget);
  g_autoptr(GError) error = NULL;

  if (!aud_segment_doc_remove (aud_builder_context_get_doc (self->context), self->path, &error))
    aud_builder_context_report_error (self->context, error);
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AudCriterionRow *self = AUD_CRITERION_ROW (widget);

  aud_criterion_move (self->context, self->path, -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AudCriterionRow *self = AUD_CRITERION_ROW (widget);

  aud_criterion_move (self->context, self->path, +1);
}

static void
on_enabled_switch_active_notify_cb (AudCriterionRow *self,
                                    GParamSpec      *pspec,
                                    GtkSwitch       *sw)
{
  const AudSegmentNode *node = get_node (self);
  gboolean disabled = !gtk_switch_get_active (sw);
  g_autoptr(GError) error = NULL;

  if (node == NULL || node->disabled == disabled)
    return;

  if (!aud_segment_doc_set_disabled (aud_builder_context_get_doc (self->context), self->path,
                                     disabled, &error))
    aud_builder_context_report_error (self->context, error);
}

static void
aud_criterion_row_dispose (GObject *object)
{
  AudCriterionRow *self = (AudCriterionRow *)object;

  clear_sentence (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AUD_TYPE_CRITERION_ROW);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (aud_criterion_row_parent_class)->dispose (object);
}

static void
aud_criterion_row_finalize (GObject *object)
{
  AudCriterionRow *self = (AudCriterionRow *)object;

  g_free (self->path);
  g_free (self->layout);
  g_free (self->text);
  g_clear_pointer (&self->slots, g_hash_table_unref);
  g_clear_pointer (&self->parts, g_ptr_array_unref);

  G_OBJECT_CLASS (aud_criterion_row_parent_class)->finalize (object);
}

static void
aud_criterion_row_class_init (AudCriterionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aud_criterion_row_dispose;
  object_class->finalize = aud_criterion_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/aud-criterion-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AudCriterionRow, handle);
  gtk_widget_class_bind_template_child (widget_class, AudCriterionRow, lines_box);
  gtk_widget_class_bind_template_child (widget_class, AudCriterionRow, problem_image);
  gtk_widget_class_bind_template_child (widget_class, AudCriterionRow, funnel_label);
  gtk_widget_class_bind_template_child (widget_class, AudCriterionRow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, AudCriterionRow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, on_enabled_switch_active_notify_cb);

  gtk_widget_class_install_action (widget_class, "row.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "row.move-up", NULL, move_up_action);
  gtk_widget_class_install_action (widget_class, "row.move-down", NULL, move_down_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "row.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "row.move-down",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "row.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "row.duplicate",
                                       NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
}

static void
aud_criterion_row_init (AudCriterionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->parts = g_ptr_array_new ();
}

/**
 * aud_criterion_row_new:
 * @context: the builder's context (document, workspace)
 * @path: the node's path in the document
 *
 * Returns: (transfer floating): the row
 */
AudCriterionRow *
aud_criterion_row_new (AudBuilderContext *context,
                       const char        *path)
{
  AudCriterionRow *self;

  g_return_val_if_fail (AUD_IS_BUILDER_CONTEXT (context), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (AUD_TYPE_CRITERION_ROW, NULL);
  self->context = g_object_ref (context);
  self->path = g_strdup (path);
  g_object_set_data_full (G_OBJECT (self), "aud-path", g_strdup (path), g_free);

  aud_criterion_setup_drag (self->handle, GTK_WIDGET (self), context);
  aud_criterion_setup_drop (GTK_WIDGET (self), context);
  aud_criterion_row_update (self);

  return self;
}

const char *
aud_criterion_row_get_path (AudCriterionRow *self)
{
  g_return_val_if_fail (AUD_IS_CRITERION_ROW (self), NULL);

  return self->path;
}

void
aud_criterion_row_update (AudCriterionRow *self)
{
  const AudSegmentNode *node;
  g_autoptr(Sentence) sentence = NULL;

  g_return_if_fail (AUD_IS_CRITERION_ROW (self));

  if ((node = get_node (self)) == NULL)
    return;

  sentence = build_sentence (self, node);
  show_sentence (self, sentence);

  g_free (self->text);
  self->text = sentence_text (sentence);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, self->text,
                                  -1);

  g_signal_handlers_block_by_func (self->enabled_switch, on_enabled_switch_active_notify_cb, self);
  gtk_switch_set_active (self->enabled_switch, !node->disabled);
  g_signal_handlers_unblock_by_func (self->enabled_switch, on_enabled_switch_active_notify_cb,
                                     self);
  if (node->disabled)
    gtk_widget_add_css_class (GTK_WIDGET (self), "disabled-criterion");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "disabled-criterion");

  /* Places arrive later: name the point then. */
  if (node->kind == AUD_NODE_NEAR && self->places_id == 0 &&
      aud_builder_context_get_places (self->context) == NULL)
    self->places_id = g_signal_connect_object (self->context, "places-loaded",
                                               G_CALLBACK (aud_criterion_row_update), self,
                                               G_CONNECT_SWAPPED);
}

char *
aud_criterion_row_dup_sentence (AudCriterionRow *self)
{
  g_return_val_if_fail (AUD_IS_CRITERION_ROW (self), NULL);

  return g_strdup (self->text);
}

GtkMenuButton *
aud_criterion_row_get_slot (AudCriterionRow *self,
                            const char      *slot)
{
  g_return_val_if_fail (AUD_IS_CRITERION_ROW (self), NULL);
  g_return_val_if_fail (slot != NULL, NULL);

  return g_hash_table_lookup (self->slots, slot);
}

void
aud_criterion_row_edit_first (AudCriterionRow *self)
{
  const AudSegmentNode *node;
  GtkMenuButton *slot = NULL;

  g_return_if_fail (AUD_IS_CRITERION_ROW (self));

  if ((node = get_node (self)) == NULL)
    return;

  if (node->kind == AUD_NODE_FIELD)
    slot = aud_criterion_row_get_slot (self, "value");
  else if (node->kind == AUD_NODE_EVENT && node->where != NULL && node->where->len > 0)
    slot = aud_criterion_row_get_slot (self, "where-0-value");

  if (slot == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self));
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (slot));
  gtk_menu_button_popup (slot);
}

void
aud_criterion_show_funnel (GtkLabel *label,
                           gint64    remaining,
                           gint64    alone)
{
  g_autofree char *left = NULL;
  g_autofree char *only = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_widget_set_visible (GTK_WIDGET (label), remaining >= 0);
  if (remaining < 0)
    return;

  left = aud_format_count (remaining);
  only = aud_format_count (alone);
  /* Translators: funnel numbers beside a layer: how many remain after it */
  text = g_strdup_printf (_("%s left"), left);
  /* Translators: the tooltip of the funnel numbers of a layer */
  tooltip = g_strdup_printf (_("%s customers remain after this layer; it matches %s on its own"),
                             left, only);
  gtk_label_set_label (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);
}

void
aud_criterion_row_set_funnel (AudCriterionRow *self,
                              gint64           remaining,
                              gint64           alone)
{
  g_return_if_fail (AUD_IS_CRITERION_ROW (self));

  aud_criterion_show_funnel (self->funnel_label, remaining, alone);
}

void
aud_criterion_row_set_problem (AudCriterionRow *self,
                               const char      *message)
{
  g_return_if_fail (AUD_IS_CRITERION_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->problem_image), message != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->problem_image), message);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem_image),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
}
