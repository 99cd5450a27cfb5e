/* aud-breakdown-view.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-breakdown-view"

#include "config.h"

#include <glib/gi18n.h>

#include "aud-breakdown-view.h"
#include "aud-format.h"
#include "aud-swatch.h"

#define BAR_HEIGHT 9.0
#define BAR_GAP 4.0

/* A lift this far from 1 either way is marked. */
#define LIFT_MARK 1.2

struct _AudBreakdownView
{
  AdwBin   parent_instance;

  /* borrowed: the child */
  GtkGrid *grid;
  guint    n_rows;
};

G_DEFINE_FINAL_TYPE (AudBreakdownView, aud_breakdown_view, ADW_TYPE_BIN)

/* What one row's bars show. */
typedef struct
{
  double  share_segment;
  double  share_base;
  double  max_share;   /* the widest bar of the view */
  GdkRGBA color;
} Bars;

static void
draw_bars (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  Bars *bars = user_data;
  GdkRGBA fg;
  double top = (height - 2 * BAR_HEIGHT - BAR_GAP) / 2.0;
  double scale = bars->max_share > 0.0 ? width / bars->max_share : 0.0;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);

  /* Tracks. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.06);
  cairo_rectangle (cr, 0, top, width, BAR_HEIGHT);
  cairo_rectangle (cr, 0, top + BAR_HEIGHT + BAR_GAP, width, BAR_HEIGHT);
  cairo_fill (cr);

  gdk_cairo_set_source_rgba (cr, &bars->color);
  cairo_rectangle (cr, 0, top, bars->share_segment * scale, BAR_HEIGHT);
  cairo_fill (cr);

  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.38);
  cairo_rectangle (cr, 0, top + BAR_HEIGHT + BAR_GAP, bars->share_base * scale, BAR_HEIGHT);
  cairo_fill (cr);
}

static char *
format_share (double share)
{
  if (share > 0.0 && share < 0.1)
    /* Translators: a small share in percent: "4.5%" */
    return g_strdup_printf (_("%.1f%%"), share * 100.0);

  /* Translators: a share in percent: "45%" */
  return g_strdup_printf (_("%.0f%%"), share * 100.0);
}

static char *
row_label (const AudBreakdownRow *row)
{
  switch (row->kind)
    {
    case AUD_BREAKDOWN_OTHER:
      return g_strdup (_("Other values"));
    case AUD_BREAKDOWN_BLANK:
      /* Translators: customers without a value in the field */
      return g_strdup (_("(blank)"));
    case AUD_BREAKDOWN_VALUE:
    default:
      return g_strdup (row->label);
    }
}

static GtkWidget *
text_label (const char *text,
            float       xalign,
            const char *css_class)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "label", text,
                                   "xalign", xalign,
                                   "ellipsize", PANGO_ELLIPSIZE_END,
                                   "max-width-chars", 28,
                                   NULL);

  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* The legend above the bars: a swatch of each. */
static GtkWidget *
legend (const char    *name,
        const GdkRGBA *color)
{
  g_autofree char *square = aud_swatch_markup (color, "■");
  /* Translators: the legend of the breakdown's bars; %s is the segment */
  g_autofree char *members = g_strdup_printf (_("Members of %s"), name);
  g_autofree char *text = g_markup_printf_escaped (" %s   <span alpha=\"40%%\">■</span> %s",
                                                   members, _("All customers"));
  g_autofree char *markup = g_strconcat (square, text, NULL);
  GtkWidget *label = text_label (NULL, 0.0f, "caption");

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);

  return label;
}

static void
add_row (AudBreakdownView      *self,
         const AudBreakdownRow *row,
         double                 max_share,
         const GdkRGBA         *color,
         int                    y)
{
  g_autofree char *value = row_label (row);
  g_autofree char *segment = format_share (row->share_segment);
  g_autofree char *base = format_share (row->share_base);
  g_autofree char *lift = NULL;
  g_autofree char *description = NULL;
  g_autofree char *members = aud_format_count (row->in_segment);
  g_autofree char *customers = aud_format_count (row->in_base);
  const char *lift_class = "dim-label";
  GtkWidget *area = gtk_drawing_area_new ();
  Bars *bars = g_new0 (Bars, 1);
  GtkWidget *lift_label;

  if (row->lift >= LIFT_MARK)
    {
      /* Translators: the lift of a value above 1: "▲ 1.62×" */
      lift = g_strdup_printf (_("▲ %.2f×"), row->lift);
      lift_class = "success";
    }
  else if (row->lift > 0.0 && row->lift <= 1.0 / LIFT_MARK)
    {
      /* Translators: the lift of a value below 1: "▼ 0.54×" */
      lift = g_strdup_printf (_("▼ %.2f×"), row->lift);
      lift_class = "error";
    }
  else
    /* Translators: a lift: "1.05×" */
    lift = g_strdup_printf (_("%.2f×"), row->lift);

  bars->share_segment = row->share_segment;
  bars->share_base = row->share_base;
  bars->max_share = max_share;
  bars->color = *color;
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area),
                                       (int)(2 * BAR_HEIGHT + BAR_GAP + 8));
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 160);
  gtk_widget_set_hexpand (area, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_bars, bars, g_free);

  /* Translators: one row of the breakdown, for screen readers: "DE: 32% of
   * the members (1,204), 20% of all customers (20,113), lift 1.62" */
  description = g_strdup_printf (_("%s: %s of the members (%s), %s of all customers (%s), "
                                   "lift %.2f"),
                                 value, segment, members, base, customers, row->lift);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
  gtk_widget_set_tooltip_text (area, description);

  gtk_grid_attach (self->grid, text_label (value, 0.0f, row->kind != AUD_BREAKDOWN_VALUE ?
                                                        "dim-label" : NULL), 0, y, 1, 1);
  gtk_grid_attach (self->grid, area, 1, y, 1, 1);
  gtk_grid_attach (self->grid, text_label (segment, 1.0f, "count-label"), 2, y, 1, 1);
  gtk_grid_attach (self->grid, text_label (base, 1.0f, "count-label"), 3, y, 1, 1);
  lift_label = text_label (lift, 1.0f, lift_class);
  gtk_widget_add_css_class (lift_label, "count-label");
  gtk_grid_attach (self->grid, lift_label, 4, y, 1, 1);
}

static void
clear_grid (AudBreakdownView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  self->n_rows = 0;
}

static void
aud_breakdown_view_class_init (AudBreakdownViewClass *klass)
{
}

static void
aud_breakdown_view_init (AudBreakdownView *self)
{
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 6);
  gtk_grid_set_column_spacing (self->grid, 18);
  gtk_widget_add_css_class (GTK_WIDGET (self->grid), "breakdown");
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->grid));
}

GtkWidget *
aud_breakdown_view_new (void)
{
  return g_object_new (AUD_TYPE_BREAKDOWN_VIEW, NULL);
}

void
aud_breakdown_view_set_breakdown (AudBreakdownView   *self,
                                  const AudBreakdown *breakdown,
                                  const char         *name,
                                  const GdkRGBA      *color)
{
  static const struct
  {
    const char *title;
    float       xalign;
  } headings[] = {
    { N_("Value"), 0.0f },
    { NULL, 0.0f },
    { N_("Members"), 1.0f },
    { N_("All Customers"), 1.0f },
    { N_("Lift"), 1.0f },
  };
  double max_share = 0.0;

  g_return_if_fail (AUD_IS_BREAKDOWN_VIEW (self));
  g_return_if_fail (breakdown == NULL || (name != NULL && color != NULL));

  clear_grid (self);
  if (breakdown == NULL)
    return;

  /* The legend above the bars and the figures, then the headings. */
  gtk_grid_attach (self->grid, legend (name, color), 1, 0, G_N_ELEMENTS (headings) - 1, 1);
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    if (headings[i].title != NULL)
      gtk_grid_attach (self->grid, text_label (_(headings[i].title), headings[i].xalign, "heading"),
                       i, 1, 1, 1);

  for (guint r = 0; r < breakdown->rows->len; r++)
    {
      const AudBreakdownRow *row = g_ptr_array_index (breakdown->rows, r);

      max_share = MAX (max_share, MAX (row->share_segment, row->share_base));
    }

  for (guint r = 0; r < breakdown->rows->len; r++)
    add_row (self, g_ptr_array_index (breakdown->rows, r), max_share, color, r + 2);

  self->n_rows = breakdown->rows->len;
}

guint
aud_breakdown_view_get_n_rows (AudBreakdownView *self)
{
  g_return_val_if_fail (AUD_IS_BREAKDOWN_VIEW (self), 0);

  return self->n_rows;
}
