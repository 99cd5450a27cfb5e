/* aud-venn.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The geometry of an area-proportional Venn diagram of 1 to 3 sets: pure
 * functions (no I/O, no drawing), so the layout can be tested on its own.
 *
 * Each set is a circle whose area is its size. Two circles are placed at the
 * distance at which their lens (intersection) has the area of the two sets'
 * overlap, found by bisection on the lens area formula (the lens area falls
 * as the distance grows). Sets without overlap are drawn apart with a small
 * gap; a subset lies inside its superset.
 *
 * For three sets the three pairwise distances are solved that way and the
 * circles placed as a triangle with those sides. The pairwise lenses are
 * then exact when such a triangle exists (otherwise the nearest one is
 * used), and the region of all three is only approximate: with circles no
 * layout can match all seven regions in general.
 *
 * Regions are named by a bit mask of sets (bit i = set i), as in
 * AudOverlap: mask 3 is "in sets 0 and 1 and not in set 2".
 *
 * Units are those of the sizes: a circle of size s has radius sqrt(s/π).
 */

#define AUD_VENN_MAX_SETS 3

/**
 * AudVennCircle:
 * @x: the centre's abscissa
 * @y: the centre's ordinate (y grows downwards, as on screen)
 * @r: the radius (0 for an empty set)
 */
typedef struct
{
  double x;
  double y;
  double r;
} AudVennCircle;

/**
 * AudVennLayout:
 * @n: the number of sets, 1 to 3
 * @circles: (array length=n): one circle per set
 * @label_x: for each region mask, where its label goes
 * @label_y: likewise
 * @has_area: for each region mask, whether the drawn region is large
 *   enough to hold a label point (FALSE: the label point is a fallback
 *   beside the circles)
 * @label_room: for each region mask, how far the label point is from the
 *   nearest outline: a label within that distance of it stays inside the
 *   region (0 without area)
 * @min_x: the bounding box of the circles
 * @min_y:
 * @max_x:
 * @max_y:
 */
typedef struct
{
  guint          n;
  AudVennCircle  circles[AUD_VENN_MAX_SETS];
  double         label_x[1 << AUD_VENN_MAX_SETS];
  double         label_y[1 << AUD_VENN_MAX_SETS];
  gboolean       has_area[1 << AUD_VENN_MAX_SETS];
  double         label_room[1 << AUD_VENN_MAX_SETS];
  double         min_x;
  double         min_y;
  double         max_x;
  double         max_y;
} AudVennLayout;

/* The area of the intersection of two circles of radii @r1 and @r2 whose
 * centres are @d apart. */
double    aud_venn_lens_area          (double               r1,
                                       double               r2,
                                       double               d);

/* The distance between the centres of two circles of radii @r1 and @r2 at
 * which their lens has @area (clamped to what is possible: 0 gives the
 * circles just touching, the smaller circle's area or more gives one inside
 * the other), within 1e-9 of the sum of the radii. */
double    aud_venn_distance_for_area  (double               r1,
                                       double               r2,
                                       double               area);

/* Lays out @n (1 to 3) sets of @sizes with the pairwise overlaps of
 * @matrix (n × n, `matrix[i * n + j]` = |S_i ∩ S_j|, as AudOverlap), and
 * finds a label point in each region. Returns FALSE (and leaves @layout
 * zeroed) when @n is out of range or a size or overlap is negative. */
gboolean  aud_venn_layout_compute     (guint                n,
                                       const gint64        *sizes,
                                       const gint64        *matrix,
                                       AudVennLayout       *layout);

/* The mask of the circles that contain the point (0: none). */
guint     aud_venn_layout_region_at   (const AudVennLayout *layout,
                                       double               x,
                                       double               y);

/* How to draw @layout into a @width × @height box with @padding on every
 * side, centred and keeping its proportions: screen = layout * scale +
 * offset. Returns FALSE (scale 0) when nothing fits or there is nothing to
 * draw. */
gboolean  aud_venn_layout_fit         (const AudVennLayout *layout,
                                       double               width,
                                       double               height,
                                       double               padding,
                                       double              *scale,
                                       double              *offset_x,
                                       double              *offset_y);

G_END_DECLS
