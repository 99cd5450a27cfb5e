/* aud-venn-view.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-venn-view"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "aud-format.h"
#include "aud-venn-view.h"

/* Room around the circles: above and below for the set names, at the
 * sides for the numbers of small regions, in pixels. */
#define PADDING_X 56.0
#define PADDING_Y 44.0
#define NAME_GAP 8.0
#define FILL_ALPHA 0.28
#define STROKE_WIDTH 2.0

#define N_MASKS (1 << AUD_VENN_MAX_SETS)

struct _AudVennView
{
  GtkWidget      parent_instance;

  /* owned */
  guint          n;
  char          *names[AUD_VENN_MAX_SETS];
  GdkRGBA        colors[AUD_VENN_MAX_SETS];
  gint64         regions[N_MASKS];
  gint64         total;
  AudVennLayout  layout;

  /* the transform of the last snapshot: screen = layout * scale + offset */
  double         scale;
  double         offset_x;
  double         offset_y;

  guint          selected;   /* region mask, 0: none */
  guint          hovered;
};

G_DEFINE_FINAL_TYPE (AudVennView, aud_venn_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_REGION,
  N_PROPS
};

enum {
  REGION_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The order in which the arrow keys visit the regions: around the
 * diagram, the shared ones between their sets. */
static const guint order_2[] = { 1, 3, 2 };
static const guint order_3[] = { 1, 3, 2, 6, 4, 5, 7 };

char *
aud_venn_region_name (guint               n,
                      const char * const *names,
                      guint               mask)
{
  const char *in[AUD_VENN_MAX_SETS];
  const char *out[AUD_VENN_MAX_SETS];
  guint n_in = 0, n_out = 0;

  g_return_val_if_fail (n >= 1 && n <= AUD_VENN_MAX_SETS, NULL);
  g_return_val_if_fail (names != NULL, NULL);

  for (guint i = 0; i < n; i++)
    {
      if (mask & (1u << i))
        in[n_in++] = names[i];
      else
        out[n_out++] = names[i];
    }

  if (n_in == 0)
    /* Translators: customers in none of the segments compared */
    return g_strdup (_("In none"));
  if (n_in == 1 && n_out == 0)
    return g_strdup (in[0]);
  if (n_in == 1)
    /* Translators: customers in segment %s and in no other segment compared */
    return g_strdup_printf (_("Only %s"), in[0]);
  if (n_in == 2 && n_out == 0)
    /* Translators: customers in both segments */
    return g_strdup_printf (_("%s and %s"), in[0], in[1]);
  if (n_in == 2)
    /* Translators: customers in the first two segments and not in the third */
    return g_strdup_printf (_("%s and %s, not %s"), in[0], in[1], out[0]);

  /* Translators: customers in all three segments */
  return g_strdup_printf (_("%s, %s and %s"), in[0], in[1], in[2]);
}

static const guint *
region_order (AudVennView *self,
              guint       *n_regions)
{
  if (self->n == 3)
    {
      *n_regions = G_N_ELEMENTS (order_3);
      return order_3;
    }

  *n_regions = self->n == 2 ? G_N_ELEMENTS (order_2) : 0;
  return order_2;
}

/* The transform of the diagram into the widget, with room around it. */
static gboolean
fit (AudVennView *self,
     double      *scale,
     double      *offset_x,
     double      *offset_y)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (!aud_venn_layout_fit (&self->layout, width - 2 * PADDING_X, height - 2 * PADDING_Y, 0.0,
                            scale, offset_x, offset_y))
    return FALSE;

  *offset_x += PADDING_X;
  *offset_y += PADDING_Y;
  return TRUE;
}

static void
update_accessible (AudVennView *self)
{
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *label = NULL;
  const guint *order;
  guint n_regions;

  if (self->n == 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Venn diagram"),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "",
                                      -1);
      return;
    }

  if (self->n == 2)
    /* Translators: the accessible name of the diagram */
    label = g_strdup_printf (_("Venn diagram of %s and %s"), self->names[0], self->names[1]);
  else
    label = g_strdup_printf (_("Venn diagram of %s, %s and %s"),
                             self->names[0], self->names[1], self->names[2]);

  order = region_order (self, &n_regions);
  for (guint k = 0; k < n_regions; k++)
    {
      g_autofree char *name = aud_venn_view_dup_region_name (self, order[k]);
      g_autofree char *count = aud_format_count (self->regions[order[k]]);

      if (description->len > 0)
        g_string_append (description, "; ");
      /* Translators: one region of the diagram: "Only Newsletter: 1,204" */
      g_string_append_printf (description, _("%s: %s"), name, count);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
}

static void
get_colors (AudVennView *self,
            GdkRGBA     *fg,
            GdkRGBA     *bg)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, fg);
  if (!gtk_style_context_lookup_color (context, "view_bg_color", bg))
    *bg = (GdkRGBA) { 1, 1, 1, 1 };
}

/* Clips @cr to the region @mask: inside its circles, outside the others. */
static void
clip_region (AudVennView *self,
             cairo_t     *cr,
             guint        mask,
             double       width,
             double       height)
{
  for (guint i = 0; i < self->n; i++)
    {
      const AudVennCircle *c = &self->layout.circles[i];
      double x = c->x * self->scale + self->offset_x;
      double y = c->y * self->scale + self->offset_y;

      cairo_new_path (cr);
      if (mask & (1u << i))
        {
          cairo_arc (cr, x, y, c->r * self->scale, 0, 2 * G_PI);
          cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
        }
      else
        {
          cairo_rectangle (cr, 0, 0, width, height);
          cairo_arc (cr, x, y, c->r * self->scale, 0, 2 * G_PI);
          cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
        }
      cairo_clip (cr);
    }
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
}

static void
highlight_region (AudVennView   *self,
                  cairo_t       *cr,
                  guint          mask,
                  const GdkRGBA *fg,
                  double         alpha,
                  double         width,
                  double         height)
{
  if (mask == 0)
    return;

  cairo_save (cr);
  clip_region (self, cr, mask, width, height);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, alpha);
  cairo_paint (cr);
  cairo_restore (cr);
}

/* Draws @layout's text centred on (x, y), over a halo of @bg so that it
 * reads on any fill. */
static void
draw_text (cairo_t       *cr,
           PangoLayout   *layout,
           double         x,
           double         y,
           const GdkRGBA *fg,
           const GdkRGBA *bg)
{
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, x - width / 2.0, y - height / 2.0);
  pango_cairo_layout_path (cr, layout);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 4.0);
  cairo_set_source_rgba (cr, bg->red, bg->green, bg->blue, 0.85);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
  cairo_fill (cr);
}

static void
draw_names (AudVennView   *self,
            cairo_t       *cr,
            const GdkRGBA *fg,
            const GdkRGBA *bg,
            double         width)
{
  for (guint i = 0; i < self->n; i++)
    {
      const AudVennCircle *c = &self->layout.circles[i];
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", self->names[i]);
      double cx = c->x * self->scale + self->offset_x;
      double cy = c->y * self->scale + self->offset_y;
      double r = c->r * self->scale;
      /* The lower circle of three is named below, the others above. */
      gboolean below = self->n == 3 && i == 2 &&
                       c->y > MIN (self->layout.circles[0].y, self->layout.circles[1].y);
      int text_w, text_h;
      double swatch = 10.0;
      double x, y;

      pango_layout_set_markup (layout, markup, -1);
      pango_layout_set_width (layout, (int)MAX (width / self->n, 240.0) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);

      x = CLAMP (cx - (text_w + swatch + 6) / 2.0, 4.0, width - text_w - swatch - 10.0);
      y = below ? cy + r + NAME_GAP : cy - r - NAME_GAP - text_h;

      cairo_new_path (cr);
      cairo_arc (cr, x + swatch / 2.0, y + text_h / 2.0, swatch / 2.0, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &self->colors[i]);
      cairo_fill (cr);

      draw_text (cr, layout, x + swatch + 6 + text_w / 2.0, y + text_h / 2.0, fg, bg);
    }
}

/* Where a label of @width × @height that does not fit in region @mask
 * goes: outside the circles, away from the diagram's centre, in screen
 * coordinates; (x, y) is the region's label point. */
static void
place_outside (AudVennView *self,
               guint        mask,
               double       width,
               double       height,
               double      *x,
               double      *y)
{
  double cx = (self->layout.min_x + self->layout.max_x) / 2.0 * self->scale + self->offset_x;
  double cy = (self->layout.min_y + self->layout.max_y) / 2.0 * self->scale + self->offset_y;
  double dx = *x - cx;
  double dy = *y - cy;
  double length = hypot (dx, dy);
  double reach = hypot (width, height) / 2.0 + 6.0;

  if (length < 1.0)
    {
      dx = 0.0;
      dy = -1.0;
    }
  else
    {
      dx /= length;
      dy /= length;
    }

  /* Out of every circle, with room for the text. */
  for (double t = 0.0; t < 4000.0; t += 2.0)
    {
      double px = *x + dx * t;
      double py = *y + dy * t;
      gboolean clear = TRUE;

      for (guint i = 0; i < self->n && clear; i++)
        {
          const AudVennCircle *c = &self->layout.circles[i];
          double d = hypot (px - (c->x * self->scale + self->offset_x),
                            py - (c->y * self->scale + self->offset_y));

          clear = d > c->r * self->scale + reach;
        }

      if (clear)
        {
          *x = px;
          *y = py;
          return;
        }
    }
}

static void
draw_counts (AudVennView   *self,
             cairo_t       *cr,
             const GdkRGBA *fg,
             const GdkRGBA *bg)
{
  for (guint mask = 1; mask < (1u << self->n); mask++)
    {
      g_autoptr(PangoLayout) layout = NULL;
      g_autofree char *count = NULL;
      g_autofree char *markup = NULL;
      int text_w, text_h;
      double x, y, room;

      /* An empty region that is not drawn needs no label. */
      if (self->regions[mask] == 0 && !self->layout.has_area[mask])
        continue;

      count = aud_format_count (self->regions[mask]);
      markup = g_markup_printf_escaped ("<span size=\"large\" weight=\"bold\">%s</span>",
                                        count);
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_markup (layout, markup, -1);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);

      x = self->layout.label_x[mask] * self->scale + self->offset_x;
      y = self->layout.label_y[mask] * self->scale + self->offset_y;
      room = self->layout.label_room[mask] * self->scale;

      /* Too small a region for its number: the number goes outside, with
       * a line to the region. */
      if (room < 0.45 * hypot (text_w, text_h))
        {
          double ax = x, ay = y;

          place_outside (self, mask, text_w, text_h, &x, &y);
          cairo_new_path (cr);
          cairo_arc (cr, ax, ay, 2.0, 0, 2 * G_PI);
          cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
          cairo_fill (cr);
          cairo_move_to (cr, ax, ay);
          cairo_line_to (cr, x - (x - ax) * (hypot (text_w, text_h) / 2.0) /
                                MAX (hypot (x - ax, y - ay), 1.0),
                         y - (y - ay) * (hypot (text_w, text_h) / 2.0) /
                             MAX (hypot (x - ax, y - ay), 1.0));
          cairo_set_line_width (cr, 1.0);
          cairo_stroke (cr);
        }

      draw_text (cr, layout, x, y, fg, bg);
    }
}

static void
aud_venn_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  AudVennView *self = AUD_VENN_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA fg, bg;
  cairo_t *cr;

  if (self->n == 0 || !fit (self, &self->scale, &self->offset_x, &self->offset_y))
    return;

  get_colors (self, &fg, &bg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint i = 0; i < self->n; i++)
    {
      const AudVennCircle *c = &self->layout.circles[i];
      const GdkRGBA *color = &self->colors[i];

      cairo_new_path (cr);
      cairo_arc (cr, c->x * self->scale + self->offset_x, c->y * self->scale + self->offset_y,
                 MAX (c->r * self->scale, 1.0), 0, 2 * G_PI);
      cairo_set_source_rgba (cr, color->red, color->green, color->blue, FILL_ALPHA);
      cairo_fill (cr);
    }

  if (self->hovered != self->selected)
    highlight_region (self, cr, self->hovered, &fg, 0.08, width, height);
  highlight_region (self, cr, self->selected, &fg, 0.22, width, height);

  cairo_set_line_width (cr, STROKE_WIDTH);
  for (guint i = 0; i < self->n; i++)
    {
      const AudVennCircle *c = &self->layout.circles[i];

      cairo_new_path (cr);
      cairo_arc (cr, c->x * self->scale + self->offset_x, c->y * self->scale + self->offset_y,
                 MAX (c->r * self->scale, 1.0), 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &self->colors[i]);
      cairo_stroke (cr);
    }

  draw_counts (self, cr, &fg, &bg);
  draw_names (self, cr, &fg, &bg, width);

  cairo_destroy (cr);
}

static void
aud_venn_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 560;
    }
  else
    {
      *minimum = 200;
      *natural = 400;
    }
}

static guint
region_at (AudVennView *self,
           double       x,
           double       y)
{
  guint mask;

  if (self->n == 0 || self->scale <= 0.0)
    return 0;

  mask = aud_venn_layout_region_at (&self->layout, (x - self->offset_x) / self->scale,
                                    (y - self->offset_y) / self->scale);

  return mask;
}

static void
set_hovered (AudVennView *self,
             guint        mask)
{
  if (self->hovered == mask)
    return;

  self->hovered = mask;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), mask != 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion_cb (AudVennView              *self,
              double                    x,
              double                    y,
              GtkEventControllerMotion *motion)
{
  set_hovered (self, region_at (self, x, y));
}

static void
on_leave_cb (AudVennView              *self,
             GtkEventControllerMotion *motion)
{
  set_hovered (self, 0);
}

static void
on_click_released_cb (AudVennView     *self,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkGestureClick *gesture)
{
  guint mask = region_at (self, x, y);

  if (mask == 0)
    {
      aud_venn_view_set_selected_region (self, 0);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));
  aud_venn_view_set_selected_region (self, mask);
  g_signal_emit (self, signals[REGION_ACTIVATED], 0, mask);
}

/* Moves the selection by @step along the region order. */
static void
move_selection (AudVennView *self,
                int          step)
{
  guint n_regions;
  const guint *order = region_order (self, &n_regions);
  int current = -1;

  if (n_regions == 0)
    return;

  for (guint k = 0; k < n_regions; k++)
    if (order[k] == self->selected)
      current = k;

  if (current < 0)
    current = step > 0 ? -1 : 0;

  aud_venn_view_set_selected_region (self, order[(current + step + n_regions) % n_regions]);
}

static gboolean
on_key_pressed_cb (AudVennView           *self,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkEventControllerKey *controller)
{
  if (self->n == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_Down:
      move_selection (self, 1);
      return TRUE;

    case GDK_KEY_Left:
    case GDK_KEY_Up:
      move_selection (self, -1);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (self->selected == 0)
        move_selection (self, 1);
      g_signal_emit (self, signals[REGION_ACTIVATED], 0, self->selected);
      return TRUE;

    case GDK_KEY_Escape:
      if (self->selected == 0)
        return FALSE;
      aud_venn_view_set_selected_region (self, 0);
      return TRUE;

    default:
      return FALSE;
    }
}

static void
aud_venn_view_finalize (GObject *object)
{
  AudVennView *self = (AudVennView *)object;

  for (guint i = 0; i < AUD_VENN_MAX_SETS; i++)
    g_clear_pointer (&self->names[i], g_free);

  G_OBJECT_CLASS (aud_venn_view_parent_class)->finalize (object);
}

static void
aud_venn_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AudVennView *self = AUD_VENN_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_REGION:
      g_value_set_uint (value, self->selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_venn_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AudVennView *self = AUD_VENN_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_REGION:
      aud_venn_view_set_selected_region (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aud_venn_view_class_init (AudVennViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aud_venn_view_finalize;
  object_class->get_property = aud_venn_view_get_property;
  object_class->set_property = aud_venn_view_set_property;

  widget_class->snapshot = aud_venn_view_snapshot;
  widget_class->measure = aud_venn_view_measure;

  /**
   * AudVennView:selected-region:
   *
   * The mask of the region picked (0: none).
   */
  properties[PROP_SELECTED_REGION] =
    g_param_spec_uint ("selected-region", NULL, NULL,
                       0, N_MASKS - 1, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AudVennView::region-activated:
   * @self: the view
   * @mask: the region
   *
   * A region was clicked, or Enter pressed on it.
   */
  signals[REGION_ACTIVATED] =
    g_signal_new ("region-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "venn");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
aud_venn_view_init (AudVennView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect_swapped (click, "released", G_CALLBACK (on_click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  update_accessible (self);
}

GtkWidget *
aud_venn_view_new (void)
{
  return g_object_new (AUD_TYPE_VENN_VIEW, NULL);
}

void
aud_venn_view_set_overlap (AudVennView        *self,
                           const AudOverlap   *overlap,
                           const char * const *names,
                           const GdkRGBA      *colors)
{
  g_return_if_fail (AUD_IS_VENN_VIEW (self));
  g_return_if_fail (overlap == NULL || (overlap->has_regions && overlap->n >= 2 &&
                                        overlap->n <= AUD_VENN_MAX_SETS));
  g_return_if_fail (overlap == NULL || (names != NULL && colors != NULL));

  for (guint i = 0; i < AUD_VENN_MAX_SETS; i++)
    g_clear_pointer (&self->names[i], g_free);
  memset (self->regions, 0, sizeof self->regions);
  memset (&self->layout, 0, sizeof self->layout);
  self->n = 0;
  self->total = 0;
  self->scale = 0.0;
  self->hovered = 0;

  if (overlap != NULL)
    {
      self->n = overlap->n;
      self->total = overlap->total;
      for (guint i = 0; i < self->n; i++)
        {
          self->names[i] = g_strdup (names[i]);
          self->colors[i] = colors[i];
        }
      memcpy (self->regions, overlap->regions, sizeof self->regions);
      aud_venn_layout_compute (self->n, overlap->sizes, overlap->matrix, &self->layout);
    }

  aud_venn_view_set_selected_region (self, 0);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
aud_venn_view_get_n_sets (AudVennView *self)
{
  g_return_val_if_fail (AUD_IS_VENN_VIEW (self), 0);

  return self->n;
}

gint64
aud_venn_view_get_region_count (AudVennView *self,
                                guint        mask)
{
  g_return_val_if_fail (AUD_IS_VENN_VIEW (self), 0);
  g_return_val_if_fail (mask < N_MASKS, 0);

  return self->n > 0 ? self->regions[mask] : 0;
}

char *
aud_venn_view_dup_region_name (AudVennView *self,
                               guint        mask)
{
  g_return_val_if_fail (AUD_IS_VENN_VIEW (self), NULL);
  g_return_val_if_fail (self->n > 0, NULL);

  return aud_venn_region_name (self->n, (const char * const *)self->names, mask);
}

gboolean
aud_venn_view_get_region_point (AudVennView      *self,
                                guint             mask,
                                graphene_point_t *point)
{
  double scale, ox, oy;

  g_return_val_if_fail (AUD_IS_VENN_VIEW (self), FALSE);
  g_return_val_if_fail (point != NULL, FALSE);

  if (self->n == 0 || mask == 0 || mask >= (1u << self->n) || !fit (self, &scale, &ox, &oy))
    return FALSE;

  point->x = self->layout.label_x[mask] * scale + ox;
  point->y = self->layout.label_y[mask] * scale + oy;

  return TRUE;
}

guint
aud_venn_view_get_selected_region (AudVennView *self)
{
  g_return_val_if_fail (AUD_IS_VENN_VIEW (self), 0);

  return self->selected;
}

void
aud_venn_view_set_selected_region (AudVennView *self,
                                   guint        mask)
{
  g_return_if_fail (AUD_IS_VENN_VIEW (self));

  if (mask >= (1u << self->n))
    mask = 0;

  if (self->selected == mask)
    return;

  self->selected = mask;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_REGION]);
}
