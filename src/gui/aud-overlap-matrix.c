/* aud-overlap-matrix.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-overlap-matrix"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "aud-format.h"
#include "aud-overlap-matrix.h"
#include "aud-swatch.h"

/* Shades of the heat map: style classes heat-0 … heat-10 (style.css). */
#define N_HEAT_LEVELS 10

struct _AudOverlapMatrix
{
  AdwBin     parent_instance;

  /* borrowed: children of grid */
  GtkGrid   *grid;
  GPtrArray *cells;   /* (element-type GtkLabel): n × n, row by row */
  guint      n;
};

G_DEFINE_FINAL_TYPE (AudOverlapMatrix, aud_overlap_matrix, ADW_TYPE_BIN)

static char *
format_percent (double share)
{
  /* Translators: a share in percent: "45%" */
  return g_strdup_printf (_("%.0f%%"), share * 100.0);
}

static GtkWidget *
header_label (const char    *name,
              const GdkRGBA *color,
              gint64         size,
              gboolean       row)
{
  g_autofree char *dot = aud_swatch_markup (color, "●");
  g_autofree char *count = aud_format_count (size);
  g_autofree char *text = NULL;
  g_autofree char *markup = NULL;
  GtkWidget *label;

  if (row)
    text = g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>", name, count);
  else
    text = g_markup_printf_escaped ("<b>%s</b>", name);
  markup = g_strconcat (dot, " ", text, NULL);

  label = g_object_new (GTK_TYPE_LABEL,
                        "label", markup,
                        "use-markup", TRUE,
                        "ellipsize", PANGO_ELLIPSIZE_END,
                        "max-width-chars", 18,
                        "xalign", row ? 0.0f : 0.5f,
                        "tooltip-text", name,
                        NULL);
  gtk_widget_add_css_class (label, row ? "heat-row-header" : "heat-column-header");

  return label;
}

static GtkWidget *
cell_label (const AudOverlap   *overlap,
            const char * const *names,
            guint               i,
            guint               j)
{
  gint64 both = overlap->matrix[i * overlap->n + j];
  double share = overlap->sizes[i] > 0 ? (double)both / (double)overlap->sizes[i] : 0.0;
  g_autofree char *count = aud_format_count (both);
  g_autofree char *percent = format_percent (share);
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>",
                                                     count, percent);
  g_autofree char *heat = NULL;
  g_autofree char *description = NULL;
  GtkWidget *label;

  label = g_object_new (GTK_TYPE_LABEL,
                        "label", markup,
                        "use-markup", TRUE,
                        "justify", GTK_JUSTIFY_CENTER,
                        "width-request", 96,
                        "height-request", 52,
                        NULL);
  gtk_widget_add_css_class (label, "heat-cell");
  gtk_widget_add_css_class (label, "count-label");

  if (i == j)
    {
      gtk_widget_add_css_class (label, "heat-diagonal");
      /* Translators: a cell of the overlap matrix: "Newsletter: 1,204 customers" */
      description = g_strdup_printf (_("%s: %s customers"), names[i], count);
    }
  else
    {
      heat = g_strdup_printf ("heat-%d",
                              (int)lround (CLAMP (share, 0.0, 1.0) * N_HEAT_LEVELS));
      gtk_widget_add_css_class (label, heat);
      /* Translators: a cell of the overlap matrix: "Newsletter and Big spenders:
       * 312 customers, 26% of Newsletter" */
      description = g_strdup_printf (_("%s and %s: %s customers, %s of %s"),
                                     names[i], names[j], count, percent, names[i]);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
  gtk_widget_set_tooltip_text (label, description);

  return label;
}

static void
clear_grid (AudOverlapMatrix *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);

  g_ptr_array_set_size (self->cells, 0);
  self->n = 0;
}

static void
aud_overlap_matrix_finalize (GObject *object)
{
  AudOverlapMatrix *self = (AudOverlapMatrix *)object;

  g_clear_pointer (&self->cells, g_ptr_array_unref);

  G_OBJECT_CLASS (aud_overlap_matrix_parent_class)->finalize (object);
}

static void
aud_overlap_matrix_class_init (AudOverlapMatrixClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aud_overlap_matrix_finalize;
}

static void
aud_overlap_matrix_init (AudOverlapMatrix *self)
{
  self->cells = g_ptr_array_new ();
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 4);
  gtk_grid_set_column_spacing (self->grid, 4);
  gtk_widget_set_halign (GTK_WIDGET (self->grid), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->grid), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (self->grid), "heat-map");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Overlap matrix"),
                                  -1);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->grid));
}

GtkWidget *
aud_overlap_matrix_new (void)
{
  return g_object_new (AUD_TYPE_OVERLAP_MATRIX, NULL);
}

void
aud_overlap_matrix_set_overlap (AudOverlapMatrix   *self,
                                const AudOverlap   *overlap,
                                const char * const *names,
                                const GdkRGBA      *colors)
{
  g_return_if_fail (AUD_IS_OVERLAP_MATRIX (self));
  g_return_if_fail (overlap == NULL || (names != NULL && colors != NULL));

  clear_grid (self);
  if (overlap == NULL)
    return;

  self->n = overlap->n;
  for (guint j = 0; j < overlap->n; j++)
    gtk_grid_attach (self->grid, header_label (names[j], &colors[j], overlap->sizes[j], FALSE),
                     j + 1, 0, 1, 1);

  for (guint i = 0; i < overlap->n; i++)
    {
      gtk_grid_attach (self->grid, header_label (names[i], &colors[i], overlap->sizes[i], TRUE),
                       0, i + 1, 1, 1);

      for (guint j = 0; j < overlap->n; j++)
        {
          GtkWidget *cell = cell_label (overlap, names, i, j);

          gtk_grid_attach (self->grid, cell, j + 1, i + 1, 1, 1);
          g_ptr_array_add (self->cells, cell);
        }
    }
}

GtkLabel *
aud_overlap_matrix_get_cell (AudOverlapMatrix *self,
                             guint             row,
                             guint             column)
{
  g_return_val_if_fail (AUD_IS_OVERLAP_MATRIX (self), NULL);
  g_return_val_if_fail (row < self->n && column < self->n, NULL);

  return g_ptr_array_index (self->cells, row * self->n + column);
}
