/* aud-bitmap-cache.h
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <roaring/roaring.h>

G_BEGIN_DECLS

/*
 * A bounded map from string keys to immutable CRoaring bitmaps or other
 * objects (blobs), evicting the least recently used entries once their total size
 * exceeds the limit.
 *
 * Threading: every function may be called from any thread; the cache locks
 * itself. Bitmaps go in and come out as copies, so no caller ever shares a
 * bitmap with another thread; other objects are immutable and shared by
 * reference.
 */
typedef struct _AudBitmapCache AudBitmapCache;

/* Takes a reference to a cached object; returns it. */
typedef gpointer (*AudCacheRefFunc) (gpointer object);

AudBitmapCache   *aud_bitmap_cache_new       (gsize                    limit);
void              aud_bitmap_cache_free      (AudBitmapCache          *self);

/* Returns: (transfer full) (nullable): a copy of the bitmap stored under
 * @key, or %NULL. */
roaring_bitmap_t *aud_bitmap_cache_lookup    (AudBitmapCache          *self,
                                              const char              *key);
/* Stores a copy of @bitmap under @key (replacing any), then evicts the least
 * recently used entries beyond the limit. A bitmap larger than the whole
 * limit is not stored. */
void              aud_bitmap_cache_insert    (AudBitmapCache          *self,
                                              const char              *key,
                                              const roaring_bitmap_t  *bitmap);
/* The same for immutable, reference-counted objects: the cache takes a
 * reference with @ref and drops it with @unref; @size is what the object
 * counts against the limit. lookup_object: (transfer full) (nullable): a
 * new reference taken with @ref. */
gpointer          aud_bitmap_cache_lookup_object (AudBitmapCache      *self,
                                                  const char          *key,
                                                  AudCacheRefFunc       ref);
void              aud_bitmap_cache_insert_object (AudBitmapCache      *self,
                                                  const char          *key,
                                                  gpointer             object,
                                                  gsize                size,
                                                  AudCacheRefFunc       ref,
                                                  GDestroyNotify       unref);
/* Blobs, as objects. lookup_bytes: (transfer full) (nullable) */
GBytes           *aud_bitmap_cache_lookup_bytes (AudBitmapCache       *self,
                                                 const char           *key);
void              aud_bitmap_cache_insert_bytes (AudBitmapCache       *self,
                                                 const char           *key,
                                                 GBytes               *bytes);
void              aud_bitmap_cache_clear     (AudBitmapCache          *self);
void              aud_bitmap_cache_set_limit (AudBitmapCache          *self,
                                              gsize                    limit);
gsize             aud_bitmap_cache_get_limit (AudBitmapCache          *self);
/* The bytes held now (bitmaps and keys). */
gsize             aud_bitmap_cache_get_size  (AudBitmapCache          *self);
guint             aud_bitmap_cache_get_n_entries (AudBitmapCache      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudBitmapCache, aud_bitmap_cache_free)

G_END_DECLS
