/* aud-funnel-view.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-funnel-view"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-engine.h"
#include "aud-format.h"
#include "aud-funnel-view.h"

/* A bar: all customers, what remains, what the layer matches alone. */

#define AUD_TYPE_FUNNEL_BAR (aud_funnel_bar_get_type ())
G_DECLARE_FINAL_TYPE (AudFunnelBar, aud_funnel_bar, AUD, FUNNEL_BAR, GtkWidget)

struct _AudFunnelBar
{
  GtkWidget parent_instance;

  double    remaining; /* fractions of all customers */
  double    alone;
};

G_DEFINE_FINAL_TYPE (AudFunnelBar, aud_funnel_bar, GTK_TYPE_WIDGET)

#define BAR_HEIGHT 10

static void
append_bar (GtkSnapshot   *snapshot,
            double         width,
            double         fraction,
            const GdkRGBA *color)
{
  GskRoundedRect rect;
  graphene_rect_t bounds;
  double w = MAX (fraction > 0 ? BAR_HEIGHT : 0, width * CLAMP (fraction, 0.0, 1.0));

  if (w <= 0)
    return;

  graphene_rect_init (&bounds, 0, 0, MIN (w, width), BAR_HEIGHT);
  gsk_rounded_rect_init_from_rect (&rect, &bounds, BAR_HEIGHT / 2.0);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, color, &bounds);
  gtk_snapshot_pop (snapshot);
}

static void
aud_funnel_bar_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  AudFunnelBar *self = AUD_FUNNEL_BAR (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  double width = gtk_widget_get_width (widget);
  GdkRGBA track, accent, light;

  gtk_style_context_get_color (style, &track);
  track.alpha = 0.1;
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  light = accent;
  light.alpha = 0.35;

  append_bar (snapshot, width, 1.0, &track);
  append_bar (snapshot, width, self->alone, &light);
  append_bar (snapshot, width, self->remaining, &accent);
}

static void
aud_funnel_bar_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 60;
  else
    *minimum = *natural = BAR_HEIGHT;
}

static void
aud_funnel_bar_class_init (AudFunnelBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = aud_funnel_bar_snapshot;
  widget_class->measure = aud_funnel_bar_measure;
  gtk_widget_class_set_css_name (widget_class, "funnelbar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_METER);
}

static void
aud_funnel_bar_init (AudFunnelBar *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

/* The view ------------------------------------------------------------------- */

struct _AudFunnelView
{
  AdwBin     parent_instance;

  GtkWidget *box;
  GtkLabel  *empty_label;
  guint      n_steps;
};

G_DEFINE_FINAL_TYPE (AudFunnelView, aud_funnel_view, ADW_TYPE_BIN)

static void
aud_funnel_view_class_init (AudFunnelViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
}

static void
aud_funnel_view_init (AudFunnelView *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_add_css_class (self->box, "funnel");
  adw_bin_set_child (ADW_BIN (self), self->box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Funnel"), -1);

  self->empty_label = GTK_LABEL (gtk_label_new (_("Add criteria to see how each layer narrows "
                                                  "the audience.")));
  gtk_label_set_wrap (self->empty_label, TRUE);
  gtk_label_set_xalign (self->empty_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "dim-label");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->empty_label));
}

AudFunnelView *
aud_funnel_view_new (void)
{
  return g_object_new (AUD_TYPE_FUNNEL_VIEW, NULL);
}

static GtkWidget *
new_step (guint       number,
          const char *label,
          gint64      remaining,
          gint64      alone,
          gint64      total)
{
  GtkWidget *step = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *number_label, *text_label, *numbers_label;
  AudFunnelBar *bar = g_object_new (AUD_TYPE_FUNNEL_BAR, NULL);
  g_autofree char *number_text = g_strdup_printf ("%u", number);
  g_autofree char *remaining_text = aud_format_count (remaining);
  g_autofree char *alone_text = aud_format_count (alone);
  g_autofree char *numbers = NULL;
  g_autofree char *accessible = NULL;

  number_label = gtk_label_new (number_text);
  gtk_widget_add_css_class (number_label, "funnel-number");
  gtk_widget_add_css_class (number_label, "numeric");
  gtk_widget_set_valign (number_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (top), number_label);

  text_label = gtk_label_new (label);
  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (text_label), 2);
  gtk_label_set_ellipsize (GTK_LABEL (text_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (text_label, TRUE);
  gtk_box_append (GTK_BOX (top), text_label);
  gtk_box_append (GTK_BOX (step), top);

  bar->remaining = total > 0 ? (double)remaining / (double)total : 0;
  bar->alone = total > 0 ? (double)alone / (double)total : 0;
  gtk_widget_set_margin_start (GTK_WIDGET (bar), 24);
  gtk_box_append (GTK_BOX (step), GTK_WIDGET (bar));

  /* Translators: under a funnel step: "1,234 remain · 5,678 on its own" */
  numbers = g_strdup_printf (_("%s remain · %s on its own"), remaining_text, alone_text);
  numbers_label = gtk_label_new (numbers);
  gtk_label_set_xalign (GTK_LABEL (numbers_label), 0);
  gtk_widget_set_margin_start (numbers_label, 24);
  gtk_widget_add_css_class (numbers_label, "caption");
  gtk_widget_add_css_class (numbers_label, "dim-label");
  gtk_widget_add_css_class (numbers_label, "numeric");
  gtk_box_append (GTK_BOX (step), numbers_label);

  /* Translators: a funnel step for screen readers: "Layer 2, Did purchase…:
   * 1,234 remain, 5,678 on its own" */
  accessible = g_strdup_printf (_("Layer %u, %s: %s remain, %s on its own"), number, label,
                                remaining_text, alone_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, (double)MAX (total, 1),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, (double)remaining,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (step), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  gtk_widget_set_tooltip_text (step, accessible);

  return step;
}

void
aud_funnel_view_set_steps (AudFunnelView *self,
                           GPtrArray     *steps,
                           GPtrArray     *labels,
                           gint64         total)
{
  GtkWidget *child;

  g_return_if_fail (AUD_IS_FUNNEL_VIEW (self));

  while ((child = gtk_widget_get_first_child (self->box)) != GTK_WIDGET (self->empty_label))
    gtk_box_remove (GTK_BOX (self->box), child);

  self->n_steps = steps != NULL ? steps->len : 0;
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->n_steps == 0);

  for (guint i = 0; i < self->n_steps; i++)
    {
      const AudFunnelStep *step = g_ptr_array_index (steps, i);
      const char *label = labels != NULL && i < labels->len ? g_ptr_array_index (labels, i) : NULL;

      gtk_box_insert_child_after (GTK_BOX (self->box),
                                  new_step (i + 1, label != NULL ? label : step->label,
                                            step->remaining, step->count, total),
                                  gtk_widget_get_prev_sibling (GTK_WIDGET (self->empty_label)));
    }
}

guint
aud_funnel_view_get_n_steps (AudFunnelView *self)
{
  g_return_val_if_fail (AUD_IS_FUNNEL_VIEW (self), 0);

  return self->n_steps;
}
