/* test-venn-layout.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The geometry of the area-proportional Venn diagram: lens areas, the
 * distances solved from them, and layouts of two and three sets whose
 * drawn areas are measured independently, by counting grid points.
 */

#include "config.h"

#include <math.h>

#include "aud-venn.h"

/* Counts, on a grid of @steps × @steps points over the layout's bounding
 * box, the points of each region; returns the areas in layout units. */
static void
measure_regions (const AudVennLayout *layout,
                 guint                steps,
                 double              *areas)
{
  double width = layout->max_x - layout->min_x;
  double height = layout->max_y - layout->min_y;
  double cell = (width / steps) * (height / steps);

  for (guint mask = 0; mask < 8; mask++)
    areas[mask] = 0.0;

  for (guint i = 0; i < steps; i++)
    for (guint j = 0; j < steps; j++)
      {
        double x = layout->min_x + width * (i + 0.5) / steps;
        double y = layout->min_y + height * (j + 0.5) / steps;

        areas[aud_venn_layout_region_at (layout, x, y)] += cell;
      }
}

static double
distance (const AudVennLayout *layout,
          guint                i,
          guint                j)
{
  return hypot (layout->circles[i].x - layout->circles[j].x,
                layout->circles[i].y - layout->circles[j].y);
}

/* The drawn lens of sets @i and @j, from the formula. */
static double
lens (const AudVennLayout *layout,
      guint                i,
      guint                j)
{
  return aud_venn_lens_area (layout->circles[i].r, layout->circles[j].r,
                             distance (layout, i, j));
}

static void
assert_within_percent (double value,
                       double target,
                       double percent)
{
  if (fabs (value - target) > percent / 100.0 * target + 1e-9)
    g_error ("%g is not within %g%% of %g", value, percent, target);
}

static void
test_venn_lens_area (void)
{
  /* Two unit circles. */
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (1, 1, 0), G_PI, 1e-12);
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (1, 1, 2), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (1, 1, 5), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (1, 1, 1),
                                  2.0 * G_PI / 3.0 - sqrt (3.0) / 2.0, 1e-12);
  /* One inside the other: the small circle's area. */
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (3, 1, 1.5), G_PI, 1e-12);
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (1, 3, 2), G_PI, 1e-12);
  /* Empty circles. */
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (0, 3, 0), 0.0, 1e-12);
  /* Symmetric in the radii, falling in the distance. */
  g_assert_cmpfloat_with_epsilon (aud_venn_lens_area (2, 1.5, 2.2),
                                  aud_venn_lens_area (1.5, 2, 2.2), 1e-12);
  for (double d = 0.6; d < 3.5; d += 0.1)
    g_assert_cmpfloat (aud_venn_lens_area (2, 1.5, d), >=, aud_venn_lens_area (2, 1.5, d + 0.1));
}

static void
test_venn_distance (void)
{
  static const double radii[][2] = {
    { 1, 1 }, { 10, 1 }, { 1, 10 }, { 564, 12 }, { 0.01, 0.02 }, { 300, 299 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (radii); i++)
    {
      double r1 = radii[i][0];
      double r2 = radii[i][1];
      double small = G_PI * MIN (r1, r2) * MIN (r1, r2);

      for (double f = 0.01; f < 1.0; f += 0.07)
        {
          double d = aud_venn_distance_for_area (r1, r2, f * small);

          g_assert_cmpfloat (d, >=, fabs (r1 - r2));
          g_assert_cmpfloat (d, <=, r1 + r2);
          assert_within_percent (aud_venn_lens_area (r1, r2, d), f * small, 1e-6);
        }

      /* The ends: touching, and one inside the other. */
      g_assert_cmpfloat_with_epsilon (aud_venn_distance_for_area (r1, r2, 0), r1 + r2, 1e-9);
      g_assert_cmpfloat_with_epsilon (aud_venn_distance_for_area (r1, r2, small),
                                      fabs (r1 - r2), 1e-9);
      g_assert_cmpfloat_with_epsilon (aud_venn_distance_for_area (r1, r2, 2 * small),
                                      fabs (r1 - r2), 1e-9);
    }
}

/* Checks what every layout must satisfy: circle areas are the sizes, and
 * each region with members has its label point inside it. */
static void
check_layout (const AudVennLayout *layout,
              const gint64        *sizes,
              const gint64        *regions)
{
  for (guint i = 0; i < layout->n; i++)
    {
      g_assert_true (isfinite (layout->circles[i].x));
      g_assert_true (isfinite (layout->circles[i].y));
      assert_within_percent (G_PI * layout->circles[i].r * layout->circles[i].r,
                             sizes[i], 1e-9);
      g_assert_cmpfloat (layout->circles[i].x - layout->circles[i].r, >=, layout->min_x - 1e-9);
      g_assert_cmpfloat (layout->circles[i].y + layout->circles[i].r, <=, layout->max_y + 1e-9);
    }

  for (guint mask = 1; mask < (1u << layout->n); mask++)
    {
      if (regions[mask] == 0 || !layout->has_area[mask])
        continue;
      g_assert_cmpuint (aud_venn_layout_region_at (layout, layout->label_x[mask],
                                                   layout->label_y[mask]), ==, mask);

      /* The room is real: every point that close to the label point is in
       * the region too. */
      g_assert_cmpfloat (layout->label_room[mask], >, 0.0);
      for (guint k = 0; k < 16; k++)
        {
          double angle = 2 * G_PI * k / 16;
          double r = 0.98 * layout->label_room[mask];

          g_assert_cmpuint (aud_venn_layout_region_at (layout,
                                                       layout->label_x[mask] + r * cos (angle),
                                                       layout->label_y[mask] + r * sin (angle)),
                            ==, mask);
        }
    }
}

static void
test_venn_two_sets (void)
{
  /* a, b, a ∩ b */
  static const gint64 cases[][3] = {
    { 1000, 1000, 500 },
    { 1000, 400, 100 },
    { 1000, 400, 390 },
    { 1000, 400, 5 },
    { 812, 1188, 420 },
    { 2000, 35, 20 },
    { 1000000, 250000, 120000 },
    { 7, 3, 1 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      gint64 sizes[2] = { cases[k][0], cases[k][1] };
      gint64 matrix[4] = { cases[k][0], cases[k][2], cases[k][2], cases[k][1] };
      gint64 regions[4] = { 0, sizes[0] - matrix[1], sizes[1] - matrix[1], matrix[1] };
      double areas[8];
      AudVennLayout layout;

      g_test_message ("case %u: %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT,
                      k, sizes[0], sizes[1], matrix[1]);
      g_assert_true (aud_venn_layout_compute (2, sizes, matrix, &layout));
      g_assert_cmpuint (layout.n, ==, 2);
      check_layout (&layout, sizes, regions);

      /* The formula, and an independent measurement. */
      assert_within_percent (lens (&layout, 0, 1), matrix[1], 1.0);
      measure_regions (&layout, 1200, areas);
      for (guint mask = 1; mask < 4; mask++)
        if (regions[mask] * 50 >= sizes[0] + sizes[1])
          assert_within_percent (areas[mask], regions[mask], 1.0);

      /* Every region with members shows. */
      for (guint mask = 1; mask < 4; mask++)
        if (regions[mask] > 0)
          g_assert_true (layout.has_area[mask]);
    }
}

static void
test_venn_two_sets_edges (void)
{
  AudVennLayout layout;
  double areas[8];

  /* Disjoint: apart, with a gap. */
  {
    gint64 sizes[2] = { 900, 100 };
    gint64 matrix[4] = { 900, 0, 0, 100 };
    gint64 regions[4] = { 0, 900, 100, 0 };

    g_assert_true (aud_venn_layout_compute (2, sizes, matrix, &layout));
    check_layout (&layout, sizes, regions);
    g_assert_cmpfloat (distance (&layout, 0, 1), >, layout.circles[0].r + layout.circles[1].r);
    g_assert_false (layout.has_area[3]);
  }

  /* A subset: inside, the outer ring keeps the rest. */
  {
    gint64 sizes[2] = { 900, 100 };
    gint64 matrix[4] = { 900, 100, 100, 100 };
    gint64 regions[4] = { 0, 800, 0, 100 };

    g_assert_true (aud_venn_layout_compute (2, sizes, matrix, &layout));
    check_layout (&layout, sizes, regions);
    g_assert_cmpuint (aud_venn_layout_region_at (&layout, layout.circles[1].x,
                                                 layout.circles[1].y), ==, 3);
    measure_regions (&layout, 1200, areas);
    assert_within_percent (areas[1], 800, 1.0);
    assert_within_percent (areas[3], 100, 1.0);
    g_assert_cmpfloat (areas[2], <, 1.0);
  }

  /* The same set twice. */
  {
    gint64 sizes[2] = { 500, 500 };
    gint64 matrix[4] = { 500, 500, 500, 500 };
    gint64 regions[4] = { 0, 0, 0, 500 };

    g_assert_true (aud_venn_layout_compute (2, sizes, matrix, &layout));
    check_layout (&layout, sizes, regions);
    g_assert_cmpfloat_with_epsilon (distance (&layout, 0, 1), 0.0, 1e-6);
  }

  /* An empty set beside another. */
  {
    gint64 sizes[2] = { 500, 0 };
    gint64 matrix[4] = { 500, 0, 0, 0 };
    gint64 regions[4] = { 0, 500, 0, 0 };
    double scale, ox, oy;

    g_assert_true (aud_venn_layout_compute (2, sizes, matrix, &layout));
    check_layout (&layout, sizes, regions);
    g_assert_cmpfloat (layout.circles[1].r, ==, 0.0);
    g_assert_true (aud_venn_layout_fit (&layout, 400, 300, 10, &scale, &ox, &oy));
  }

  /* Nothing at all: nothing to draw. */
  {
    gint64 sizes[2] = { 0, 0 };
    gint64 matrix[4] = { 0, 0, 0, 0 };
    double scale, ox, oy;

    g_assert_true (aud_venn_layout_compute (2, sizes, matrix, &layout));
    g_assert_false (aud_venn_layout_fit (&layout, 400, 300, 10, &scale, &ox, &oy));
    g_assert_cmpfloat (scale, ==, 0.0);
  }
}

/* Regions of three sets from the sizes of their exact regions
 * (regions[mask], mask 1..7); fills sizes and the pairwise matrix. */
static void
sets_from_regions (const gint64 *regions,
                   gint64       *sizes,
                   gint64       *matrix)
{
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      {
        guint need = (1u << i) | (1u << j);

        matrix[i * 3 + j] = 0;
        for (guint mask = 1; mask < 8; mask++)
          if ((mask & need) == need)
            matrix[i * 3 + j] += regions[mask];
      }

  for (guint i = 0; i < 3; i++)
    sizes[i] = matrix[i * 3 + i];
}

static void
test_venn_three_sets (void)
{
  /* regions[mask]: 0 (unused), A, B, AB, C, AC, BC, ABC */
  static const gint64 cases[][8] = {
    { 0, 500, 500, 200, 500, 200, 200, 100 },   /* symmetric */
    { 0, 900, 300, 150, 400, 120, 60, 40 },
    { 0, 1200, 800, 300, 150, 50, 40, 10 },
    { 0, 5000, 2000, 1000, 3000, 800, 600, 300 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      const gint64 *regions = cases[k];
      gint64 sizes[3];
      gint64 matrix[9];
      double areas[8];
      AudVennLayout layout;

      g_test_message ("case %u", k);
      sets_from_regions (regions, sizes, matrix);
      g_assert_true (aud_venn_layout_compute (3, sizes, matrix, &layout));
      g_assert_cmpuint (layout.n, ==, 3);
      check_layout (&layout, sizes, regions);

      /* The pairwise overlaps are exact; the triple one only sensible. */
      assert_within_percent (lens (&layout, 0, 1), matrix[1], 1.0);
      assert_within_percent (lens (&layout, 0, 2), matrix[2], 1.0);
      assert_within_percent (lens (&layout, 1, 2), matrix[5], 1.0);

      measure_regions (&layout, 1000, areas);
      for (guint mask = 1; mask < 8; mask++)
        {
          g_assert_true (layout.has_area[mask]);
          g_assert_cmpfloat (areas[mask], >, 0.0);
          /* Within half of its share of the whole drawing. */
          g_assert_cmpfloat (fabs (areas[mask] - regions[mask]), <=,
                             0.5 * regions[mask] + 0.02 * (sizes[0] + sizes[1] + sizes[2]));
        }

      /* Two sets on top, the third below them. */
      g_assert_cmpfloat (layout.circles[2].y, >, layout.circles[0].y);
    }
}

static void
test_venn_three_sets_edges (void)
{
  AudVennLayout layout;

  /* A chain: A and C do not meet. */
  {
    gint64 regions[8] = { 0, 600, 300, 200, 600, 0, 200, 0 };
    gint64 sizes[3], matrix[9];

    sets_from_regions (regions, sizes, matrix);
    g_assert_true (aud_venn_layout_compute (3, sizes, matrix, &layout));
    check_layout (&layout, sizes, regions);
    g_assert_cmpfloat (distance (&layout, 0, 2), >, layout.circles[0].r + layout.circles[2].r);
    assert_within_percent (lens (&layout, 0, 1), matrix[1], 1.0);
    assert_within_percent (lens (&layout, 1, 2), matrix[5], 1.0);
  }

  /* C inside A, B apart. */
  {
    gint64 regions[8] = { 0, 800, 400, 0, 0, 200, 0, 0 };
    gint64 sizes[3], matrix[9];

    sets_from_regions (regions, sizes, matrix);
    g_assert_true (aud_venn_layout_compute (3, sizes, matrix, &layout));
    check_layout (&layout, sizes, regions);
    g_assert_cmpuint (aud_venn_layout_region_at (&layout, layout.circles[2].x,
                                                 layout.circles[2].y), ==, 5);
  }

  /* No triangle has these sides (A and B the same, C meets only A): the
   * layout is still finite and drawable. */
  {
    gint64 sizes[3] = { 1000, 1000, 1000 };
    gint64 matrix[9] = { 1000, 1000, 500, 1000, 1000, 0, 500, 0, 1000 };
    gint64 regions[8] = { 0 };
    double scale, ox, oy;

    g_assert_true (aud_venn_layout_compute (3, sizes, matrix, &layout));
    check_layout (&layout, sizes, regions);
    g_assert_true (aud_venn_layout_fit (&layout, 600, 400, 20, &scale, &ox, &oy));
  }
}

static void
test_venn_fit (void)
{
  gint64 sizes[2] = { 1000, 400 };
  gint64 matrix[4] = { 1000, 100, 100, 400 };
  AudVennLayout layout;
  double scale, ox, oy;
  double left, right, top, bottom;

  g_assert_true (aud_venn_layout_compute (2, sizes, matrix, &layout));
  g_assert_true (aud_venn_layout_fit (&layout, 600, 400, 20, &scale, &ox, &oy));

  left = layout.min_x * scale + ox;
  right = layout.max_x * scale + ox;
  top = layout.min_y * scale + oy;
  bottom = layout.max_y * scale + oy;

  /* Inside the padding, touching it on one axis, centred on both. */
  g_assert_cmpfloat (left, >=, 20 - 1e-9);
  g_assert_cmpfloat (right, <=, 580 + 1e-9);
  g_assert_cmpfloat (top, >=, 20 - 1e-9);
  g_assert_cmpfloat (bottom, <=, 380 + 1e-9);
  g_assert_true (fabs (left - 20) < 1e-6 || fabs (top - 20) < 1e-6);
  g_assert_cmpfloat_with_epsilon (left, 600 - right, 1e-6);
  g_assert_cmpfloat_with_epsilon (top, 400 - bottom, 1e-6);

  /* Too small for the padding. */
  g_assert_false (aud_venn_layout_fit (&layout, 30, 400, 20, &scale, &ox, &oy));
}

static void
test_venn_one_set (void)
{
  gint64 sizes[1] = { 250 };
  gint64 matrix[1] = { 250 };
  gint64 regions[2] = { 0, 250 };
  AudVennLayout layout;

  g_assert_true (aud_venn_layout_compute (1, sizes, matrix, &layout));
  check_layout (&layout, sizes, regions);
  g_assert_cmpfloat_with_epsilon (layout.label_x[1], layout.circles[0].x, layout.circles[0].r / 20);
  g_assert_cmpfloat_with_epsilon (layout.label_y[1], layout.circles[0].y, layout.circles[0].r / 20);
}

static void
test_venn_invalid (void)
{
  gint64 sizes[4] = { 10, 10, 10, 10 };
  gint64 matrix[16] = { 0, };
  gint64 negative[4] = { 10, -1, -1, 10 };
  AudVennLayout layout;

  g_assert_false (aud_venn_layout_compute (0, sizes, matrix, &layout));
  g_assert_false (aud_venn_layout_compute (4, sizes, matrix, &layout));
  g_assert_false (aud_venn_layout_compute (2, sizes, negative, &layout));
  g_assert_cmpuint (layout.n, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/venn/lens-area", test_venn_lens_area);
  g_test_add_func ("/venn/distance", test_venn_distance);
  g_test_add_func ("/venn/one-set", test_venn_one_set);
  g_test_add_func ("/venn/two-sets", test_venn_two_sets);
  g_test_add_func ("/venn/two-sets-edges", test_venn_two_sets_edges);
  g_test_add_func ("/venn/three-sets", test_venn_three_sets);
  g_test_add_func ("/venn/three-sets-edges", test_venn_three_sets_edges);
  g_test_add_func ("/venn/fit", test_venn_fit);
  g_test_add_func ("/venn/invalid", test_venn_invalid);

  return g_test_run ();
}
