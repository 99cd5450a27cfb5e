/* aud-timeline-chart.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-timeline-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-format.h"
#include "aud-timeline-chart.h"

#define CHART_HEIGHT 100   /* of the bars */
#define LABEL_GAP    6     /* between the bars and the period labels */
#define BAR_GAP      2

struct _AudTimelineChart
{
  GtkWidget  parent_instance;

  GArray    *buckets;      /* (element-type AudTimelineBucket) */
  gboolean   weekly;
  gint64     largest;
};

G_DEFINE_FINAL_TYPE (AudTimelineChart, aud_timeline_chart, GTK_TYPE_WIDGET)

/* Returns: (transfer full): the period starting at @start, for display */
static char *
format_period (gint64   start,
               gboolean weekly)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (start);

  if (at == NULL)
    return g_strdup ("—");

  /* Translators: a week by its first day, see the strftime manual: "3 Mar 2025" */
  if (weekly)
    return g_date_time_format (at, _("%-d %b %Y"));

  /* Translators: a month, see the strftime manual: "Mar 2025" */
  return g_date_time_format (at, _("%b %Y"));
}

/* Returns: (transfer full): "Mar 2025: 1,234 events" */
static char *
format_bucket (const AudTimelineBucket *bucket,
               gboolean                 weekly)
{
  g_autofree char *period = format_period (bucket->start, weekly);
  g_autofree char *count = aud_format_count (bucket->count);

  /* Translators: a period of the events chart and its number of events */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %s event", "%s: %s events",
                                       (gulong)CLAMP (bucket->count, 0, G_MAXLONG)),
                          period, count);
}

static PangoLayout *
create_period_layout (AudTimelineChart *self,
                      guint             index)
{
  const AudTimelineBucket *bucket = &g_array_index (self->buckets, AudTimelineBucket, index);
  g_autofree char *text = format_period (bucket->start, self->weekly);

  return gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
}

static int
label_height (AudTimelineChart *self)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), "0");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static void
aud_timeline_chart_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  AudTimelineChart *self = AUD_TIMELINE_CHART (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = CHART_HEIGHT + LABEL_GAP + label_height (self);
  else
    *minimum = *natural = 160;
}

/* The horizontal extent of bar @index in a chart @width wide. */
static void
bar_extent (AudTimelineChart *self,
            int               width,
            guint             index,
            float            *x,
            float            *bar_width)
{
  float slot = (float)width / (float)self->buckets->len;
  float gap = slot > 4 * BAR_GAP ? BAR_GAP : 0;

  *x = slot * index + gap / 2;
  *bar_width = MAX (slot - gap, 1.0f);
}

static void
append_label (GtkSnapshot   *snapshot,
              PangoLayout   *layout,
              float          x,
              float          y,
              const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
aud_timeline_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  AudTimelineChart *self = AUD_TIMELINE_CHART (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  guint n = self->buckets->len;
  GdkRGBA accent, text, dim, baseline;
  g_autoptr(PangoLayout) first = NULL;
  g_autoptr(PangoLayout) last = NULL;
  int first_width, last_width;

  if (n == 0 || width <= 0)
    return;

  gtk_style_context_get_color (style, &text);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  dim = text;
  dim.alpha *= 0.55f;
  baseline = text;
  baseline.alpha *= 0.15f;

  for (guint i = 0; i < n; i++)
    {
      const AudTimelineBucket *bucket = &g_array_index (self->buckets, AudTimelineBucket, i);
      float x, bar_width, height;
      GskRoundedRect rect;

      if (bucket->count <= 0 || self->largest <= 0)
        continue;

      bar_extent (self, width, i, &x, &bar_width);
      /* At least a sliver, so a small period is not mistaken for none. */
      height = MAX ((float)CHART_HEIGHT * (float)bucket->count / (float)self->largest, 2.0f);

      gsk_rounded_rect_init_from_rect (&rect,
                                       &GRAPHENE_RECT_INIT (x, CHART_HEIGHT - height,
                                                            bar_width, height),
                                       0);
      rect.corner[GSK_CORNER_TOP_LEFT] = rect.corner[GSK_CORNER_TOP_RIGHT] =
        GRAPHENE_SIZE_INIT (MIN (3, bar_width / 2), MIN (3, height / 2));
      gtk_snapshot_push_rounded_clip (snapshot, &rect);
      gtk_snapshot_append_color (snapshot, &accent, &rect.bounds);
      gtk_snapshot_pop (snapshot);
    }

  gtk_snapshot_append_color (snapshot, &baseline,
                             &GRAPHENE_RECT_INIT (0, CHART_HEIGHT, width, 1));

  /* The first and last period, under the ends of the chart. */
  first = create_period_layout (self, 0);
  pango_layout_get_pixel_size (first, &first_width, NULL);
  append_label (snapshot, first, 0, CHART_HEIGHT + LABEL_GAP, &dim);

  if (n > 1)
    {
      last = create_period_layout (self, n - 1);
      pango_layout_get_pixel_size (last, &last_width, NULL);
      if (first_width + last_width + 12 <= width)
        append_label (snapshot, last, width - last_width, CHART_HEIGHT + LABEL_GAP, &dim);
    }
}

static gboolean
aud_timeline_chart_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard_mode,
                                  GtkTooltip *tooltip)
{
  AudTimelineChart *self = AUD_TIMELINE_CHART (widget);
  int width = gtk_widget_get_width (widget);
  g_autofree char *text = NULL;
  guint index;

  if (self->buckets->len == 0 || width <= 0)
    return FALSE;

  index = MIN ((guint)((double)MAX (x, 0) * self->buckets->len / width),
               self->buckets->len - 1);
  text = format_bucket (&g_array_index (self->buckets, AudTimelineBucket, index),
                        self->weekly);

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
aud_timeline_chart_finalize (GObject *object)
{
  AudTimelineChart *self = AUD_TIMELINE_CHART (object);

  g_clear_pointer (&self->buckets, g_array_unref);

  G_OBJECT_CLASS (aud_timeline_chart_parent_class)->finalize (object);
}

static void
aud_timeline_chart_class_init (AudTimelineChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aud_timeline_chart_finalize;

  widget_class->measure = aud_timeline_chart_measure;
  widget_class->snapshot = aud_timeline_chart_snapshot;
  widget_class->query_tooltip = aud_timeline_chart_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "timeline-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
aud_timeline_chart_init (AudTimelineChart *self)
{
  self->buckets = g_array_new (FALSE, FALSE, sizeof (AudTimelineBucket));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Events over time"),
                                  -1);
}

GtkWidget *
aud_timeline_chart_new (void)
{
  return g_object_new (AUD_TYPE_TIMELINE_CHART, NULL);
}

/**
 * aud_timeline_chart_set_buckets:
 * @buckets: (element-type AudTimelineBucket) (nullable): the periods,
 *   oldest first; copied
 * @weekly: whether the periods are weeks, else months
 *
 * Shows @buckets, and lists them in the accessible description.
 */
void
aud_timeline_chart_set_buckets (AudTimelineChart *self,
                                GArray           *buckets,
                                gboolean          weekly)
{
  g_autoptr(GString) description = g_string_new (NULL);

  g_return_if_fail (AUD_IS_TIMELINE_CHART (self));

  g_array_set_size (self->buckets, 0);
  if (buckets != NULL)
    g_array_append_vals (self->buckets, buckets->data, buckets->len);
  self->weekly = weekly;

  self->largest = 0;
  for (guint i = 0; i < self->buckets->len; i++)
    {
      const AudTimelineBucket *bucket = &g_array_index (self->buckets, AudTimelineBucket, i);
      g_autofree char *line = format_bucket (bucket, weekly);

      self->largest = MAX (self->largest, bucket->count);
      if (description->len > 0)
        g_string_append (description, "; ");
      g_string_append (description, line);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GArray *
aud_timeline_chart_get_buckets (AudTimelineChart *self)
{
  g_return_val_if_fail (AUD_IS_TIMELINE_CHART (self), NULL);

  return self->buckets;
}

gboolean
aud_timeline_chart_get_weekly (AudTimelineChart *self)
{
  g_return_val_if_fail (AUD_IS_TIMELINE_CHART (self), FALSE);

  return self->weekly;
}
