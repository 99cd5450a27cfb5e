/* aud-overlap-matrix.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aud-engine.h"

G_BEGIN_DECLS

/*
 * The overlaps of any number of segments as a heat map: a row and a column
 * per segment; each cell holds the customers in both segments and their
 * share of the row's segment, shaded by that share. Every cell's accessible
 * name says all of it in a sentence.
 */

#define AUD_TYPE_OVERLAP_MATRIX (aud_overlap_matrix_get_type ())

G_DECLARE_FINAL_TYPE (AudOverlapMatrix, aud_overlap_matrix, AUD, OVERLAP_MATRIX, AdwBin)

GtkWidget *aud_overlap_matrix_new          (void);
/* Shows @overlap of the segments @names in @colors (n of each); NULL
 * clears. Nothing is kept of the arguments. */
void       aud_overlap_matrix_set_overlap  (AudOverlapMatrix   *self,
                                            const AudOverlap   *overlap,
                                            const char * const *names,
                                            const GdkRGBA      *colors);
/* The cell of row @row and column @column (tests). (transfer none) */
GtkLabel  *aud_overlap_matrix_get_cell     (AudOverlapMatrix   *self,
                                            guint               row,
                                            guint               column);

G_END_DECLS
