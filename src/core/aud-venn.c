/* aud-venn.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-venn"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aud-venn.h"

/* Bisection steps: each halves the interval, 80 reach the precision of a
 * double for any radii. */
#define BISECTION_STEPS 80

/* Disjoint sets are drawn this fraction of their radii apart. */
#define GAP 0.06

/* Label points: a coarse grid over the bounding box, then a finer one
 * around the best point of each region. */
#define GRID 96
#define FINE_GRID 16

double
aud_venn_lens_area (double r1,
                    double r2,
                    double d)
{
  double a1, a2, k;

  if (r1 <= 0.0 || r2 <= 0.0 || d >= r1 + r2)
    return 0.0;

  if (d <= fabs (r1 - r2))
    {
      double r = MIN (r1, r2);

      return G_PI * r * r;
    }

  a1 = CLAMP ((d * d + r1 * r1 - r2 * r2) / (2.0 * d * r1), -1.0, 1.0);
  a2 = CLAMP ((d * d + r2 * r2 - r1 * r1) / (2.0 * d * r2), -1.0, 1.0);
  k = (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2);

  return r1 * r1 * acos (a1) + r2 * r2 * acos (a2) - 0.5 * sqrt (MAX (k, 0.0));
}

double
aud_venn_distance_for_area (double r1,
                            double r2,
                            double area)
{
  double lo = fabs (r1 - r2);
  double hi = r1 + r2;
  double r = MIN (r1, r2);

  if (r <= 0.0 || area <= 0.0)
    return hi;
  if (area >= G_PI * r * r)
    return lo;

  /* The lens area falls as the distance grows. */
  for (guint i = 0; i < BISECTION_STEPS && hi - lo > 1e-12 * (r1 + r2); i++)
    {
      double mid = 0.5 * (lo + hi);

      if (aud_venn_lens_area (r1, r2, mid) > area)
        lo = mid;
      else
        hi = mid;
    }

  return 0.5 * (lo + hi);
}

guint
aud_venn_layout_region_at (const AudVennLayout *layout,
                           double               x,
                           double               y)
{
  guint mask = 0;

  g_return_val_if_fail (layout != NULL, 0);

  for (guint i = 0; i < layout->n; i++)
    {
      const AudVennCircle *c = &layout->circles[i];
      double dx = x - c->x;
      double dy = y - c->y;

      if (c->r > 0.0 && dx * dx + dy * dy <= c->r * c->r)
        mask |= 1u << i;
    }

  return mask;
}

/* How far the point is from the nearest circle outline. */
static double
clearance (const AudVennLayout *layout,
           double               x,
           double               y)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < layout->n; i++)
    {
      const AudVennCircle *c = &layout->circles[i];

      if (c->r > 0.0)
        best = MIN (best, fabs (hypot (x - c->x, y - c->y) - c->r));
    }

  return best;
}

/* Samples a grid of @steps × @steps points over the box and keeps, per
 * region, the point farthest from every outline. */
static void
sample_grid (const AudVennLayout *layout,
             double               x0,
             double               y0,
             double               width,
             double               height,
             guint                steps,
             double              *best,
             double              *best_x,
             double              *best_y)
{
  for (guint i = 0; i <= steps; i++)
    for (guint j = 0; j <= steps; j++)
      {
        double x = x0 + width * i / steps;
        double y = y0 + height * j / steps;
        guint mask = aud_venn_layout_region_at (layout, x, y);
        double c;

        if (mask == 0)
          continue;

        c = clearance (layout, x, y);
        if (c > best[mask])
          {
            best[mask] = c;
            best_x[mask] = x;
            best_y[mask] = y;
          }
      }
}

static void
place_labels (AudVennLayout *layout)
{
  double best[1 << AUD_VENN_MAX_SETS];
  double best_x[1 << AUD_VENN_MAX_SETS] = { 0, };
  double best_y[1 << AUD_VENN_MAX_SETS] = { 0, };
  double width = layout->max_x - layout->min_x;
  double height = layout->max_y - layout->min_y;
  guint n_masks = 1u << layout->n;

  for (guint mask = 0; mask < G_N_ELEMENTS (best); mask++)
    best[mask] = -1.0;

  sample_grid (layout, layout->min_x, layout->min_y, width, height, GRID, best, best_x, best_y);

  for (guint mask = 1; mask < n_masks; mask++)
    {
      double cell_w = width / GRID;
      double cell_h = height / GRID;

      if (best[mask] < 0.0)
        continue;

      /* Finer, around the coarse winner; only this region's entry can
       * improve in a way that matters. */
      sample_grid (layout, best_x[mask] - cell_w, best_y[mask] - cell_h,
                   2.0 * cell_w, 2.0 * cell_h, FINE_GRID, best, best_x, best_y);
    }

  for (guint mask = 1; mask < n_masks; mask++)
    {
      if (best[mask] > 0.0)
        {
          layout->has_area[mask] = TRUE;
          layout->label_room[mask] = best[mask];
          layout->label_x[mask] = best_x[mask];
          layout->label_y[mask] = best_y[mask];
        }
      else
        {
          double x = 0.0, y = 0.0;
          guint k = 0;

          /* No room: between the centres of its sets. */
          for (guint i = 0; i < layout->n; i++)
            {
              if ((mask & (1u << i)) == 0)
                continue;
              x += layout->circles[i].x;
              y += layout->circles[i].y;
              k++;
            }
          layout->has_area[mask] = FALSE;
          layout->label_x[mask] = x / k;
          layout->label_y[mask] = y / k;
        }
    }
}

/* The distance between the centres of sets @i and @j. */
static double
pair_distance (const AudVennLayout *layout,
               const gint64        *matrix,
               guint                i,
               guint                j)
{
  double r1 = layout->circles[i].r;
  double r2 = layout->circles[j].r;
  gint64 overlap = matrix[i * layout->n + j];
  double d = aud_venn_distance_for_area (r1, r2, (double)overlap);

  if (overlap == 0)
    d += r1 + r2 > 0.0 ? GAP * (r1 + r2) : 1.0;

  return d;
}

gboolean
aud_venn_layout_compute (guint                n,
                         const gint64        *sizes,
                         const gint64        *matrix,
                         AudVennLayout       *layout)
{
  g_return_val_if_fail (layout != NULL, FALSE);

  memset (layout, 0, sizeof *layout);

  if (n < 1 || n > AUD_VENN_MAX_SETS || sizes == NULL || matrix == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++)
    if (sizes[i] < 0)
      return FALSE;
  for (guint i = 0; i < n * n; i++)
    if (matrix[i] < 0)
      return FALSE;

  layout->n = n;
  for (guint i = 0; i < n; i++)
    layout->circles[i].r = sqrt ((double)sizes[i] / G_PI);

  if (n >= 2)
    layout->circles[1].x = pair_distance (layout, matrix, 0, 1);

  if (n == 3)
    {
      double d01 = layout->circles[1].x;
      double d02 = pair_distance (layout, matrix, 0, 2);
      double d12 = pair_distance (layout, matrix, 1, 2);
      double x, y2;

      if (d01 < 1e-12)
        {
          x = 0.0;
          y2 = d02 * d02;
        }
      else
        {
          /* The triangle with sides d01, d02, d12; when there is none,
           * the nearest degenerate one. */
          x = CLAMP ((d01 * d01 + d02 * d02 - d12 * d12) / (2.0 * d01), -d02, d02);
          y2 = d02 * d02 - x * x;
        }

      layout->circles[2].x = x;
      layout->circles[2].y = sqrt (MAX (y2, 0.0));
    }

  layout->min_x = layout->min_y = G_MAXDOUBLE;
  layout->max_x = layout->max_y = -G_MAXDOUBLE;
  for (guint i = 0; i < n; i++)
    {
      const AudVennCircle *c = &layout->circles[i];

      layout->min_x = MIN (layout->min_x, c->x - c->r);
      layout->min_y = MIN (layout->min_y, c->y - c->r);
      layout->max_x = MAX (layout->max_x, c->x + c->r);
      layout->max_y = MAX (layout->max_y, c->y + c->r);
    }

  place_labels (layout);

  return TRUE;
}

gboolean
aud_venn_layout_fit (const AudVennLayout *layout,
                     double               width,
                     double               height,
                     double               padding,
                     double              *scale,
                     double              *offset_x,
                     double              *offset_y)
{
  double bw, bh, s;

  g_return_val_if_fail (layout != NULL, FALSE);
  g_return_val_if_fail (scale != NULL && offset_x != NULL && offset_y != NULL, FALSE);

  *scale = *offset_x = *offset_y = 0.0;

  bw = layout->max_x - layout->min_x;
  bh = layout->max_y - layout->min_y;
  if (layout->n == 0 || bw <= 0.0 || bh <= 0.0 ||
      width - 2.0 * padding <= 0.0 || height - 2.0 * padding <= 0.0)
    return FALSE;

  s = MIN ((width - 2.0 * padding) / bw, (height - 2.0 * padding) / bh);
  *scale = s;
  *offset_x = (width - bw * s) / 2.0 - layout->min_x * s;
  *offset_y = (height - bh * s) / 2.0 - layout->min_y * s;

  return TRUE;
}
