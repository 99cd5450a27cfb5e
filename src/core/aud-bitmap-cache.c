/* aud-bitmap-cache.c
 *
 * Copyright 2026 The Audiences authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aud-bitmap-cache"

#include "config.h"

#include <string.h>

#include "aud-bitmap-cache.h"

/* Bookkeeping per entry, counted against the limit with the data. */
#define ENTRY_OVERHEAD 96

typedef struct
{
  char             *key;
  roaring_bitmap_t *bitmap;  /* either a bitmap or an object */
  gpointer          object;
  GDestroyNotify    unref;
  gsize             bytes;
  GList             link;   /* in lru; data points to the entry */
} Entry;

struct _AudBitmapCache
{
  GMutex      mutex;
  GHashTable *entries;  /* key -> Entry (owned) */
  GQueue      lru;      /* most recently used first */
  gsize       size;
  gsize       limit;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  if (entry->bitmap != NULL)
    roaring_bitmap_free (entry->bitmap);
  if (entry->object != NULL)
    entry->unref (entry->object);
  g_free (entry);
}

AudBitmapCache *
aud_bitmap_cache_new (gsize limit)
{
  AudBitmapCache *self = g_new0 (AudBitmapCache, 1);

  g_mutex_init (&self->mutex);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  g_queue_init (&self->lru);
  self->limit = limit;

  return self;
}

void
aud_bitmap_cache_free (AudBitmapCache *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/* Removes @entry; the mutex is held. */
static void
remove_entry (AudBitmapCache *self,
              Entry          *entry)
{
  g_queue_unlink (&self->lru, &entry->link);
  self->size -= entry->bytes;
  g_hash_table_remove (self->entries, entry->key);
}

/* Evicts from the tail until the size fits; the mutex is held. */
static void
evict (AudBitmapCache *self)
{
  while (self->size > self->limit && self->lru.tail != NULL)
    remove_entry (self, self->lru.tail->data);
}

/* The entry of @key, now the most recently used; the mutex is held. */
static Entry *
touch (AudBitmapCache *self,
       const char     *key)
{
  Entry *entry = g_hash_table_lookup (self->entries, key);

  if (entry == NULL)
    return NULL;

  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);

  return entry;
}

/* Stores @bitmap (owned) or @object (a reference owned, dropped with
 * @unref) under @key; the mutex is held. */
static void
store (AudBitmapCache   *self,
       const char       *key,
       roaring_bitmap_t *bitmap,
       gpointer          object,
       GDestroyNotify    unref,
       gsize             size)
{
  Entry *entry;
  Entry *old;
  gsize bytes = size + strlen (key) + ENTRY_OVERHEAD;

  old = g_hash_table_lookup (self->entries, key);
  if (old != NULL)
    remove_entry (self, old);

  if (bytes > self->limit)
    {
      if (bitmap != NULL)
        roaring_bitmap_free (bitmap);
      if (object != NULL)
        unref (object);
      return;
    }

  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->bitmap = bitmap;
  entry->object = object;
  entry->unref = unref;
  entry->bytes = bytes;
  entry->link.data = entry;

  g_hash_table_insert (self->entries, entry->key, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->size += bytes;

  evict (self);
}

roaring_bitmap_t *
aud_bitmap_cache_lookup (AudBitmapCache *self,
                         const char     *key)
{
  g_autoptr(GMutexLocker) locker = NULL;
  Entry *entry;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  entry = touch (self, key);
  if (entry == NULL || entry->bitmap == NULL)
    return NULL;

  return roaring_bitmap_copy (entry->bitmap);
}

void
aud_bitmap_cache_insert (AudBitmapCache         *self,
                         const char             *key,
                         const roaring_bitmap_t *bitmap)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (bitmap != NULL);

  locker = g_mutex_locker_new (&self->mutex);
  store (self, key, roaring_bitmap_copy (bitmap), NULL, NULL,
         roaring_bitmap_size_in_bytes (bitmap));
}

gpointer
aud_bitmap_cache_lookup_object (AudBitmapCache *self,
                                const char     *key,
                                AudCacheRefFunc  ref)
{
  g_autoptr(GMutexLocker) locker = NULL;
  Entry *entry;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (ref != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  entry = touch (self, key);
  if (entry == NULL || entry->object == NULL)
    return NULL;

  return ref (entry->object);
}

void
aud_bitmap_cache_insert_object (AudBitmapCache *self,
                                const char     *key,
                                gpointer        object,
                                gsize           size,
                                AudCacheRefFunc  ref,
                                GDestroyNotify  unref)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (object != NULL);
  g_return_if_fail (ref != NULL && unref != NULL);

  locker = g_mutex_locker_new (&self->mutex);
  store (self, key, NULL, ref (object), unref, size);
}

GBytes *
aud_bitmap_cache_lookup_bytes (AudBitmapCache *self,
                               const char     *key)
{
  return aud_bitmap_cache_lookup_object (self, key, (AudCacheRefFunc)g_bytes_ref);
}

void
aud_bitmap_cache_insert_bytes (AudBitmapCache *self,
                               const char     *key,
                               GBytes         *bytes)
{
  g_return_if_fail (bytes != NULL);

  aud_bitmap_cache_insert_object (self, key, bytes, g_bytes_get_size (bytes),
                                  (AudCacheRefFunc)g_bytes_ref, (GDestroyNotify)g_bytes_unref);
}

void
aud_bitmap_cache_clear (AudBitmapCache *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (self != NULL);

  locker = g_mutex_locker_new (&self->mutex);

  while (self->lru.head != NULL)
    remove_entry (self, self->lru.head->data);
}

void
aud_bitmap_cache_set_limit (AudBitmapCache *self,
                            gsize           limit)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (self != NULL);

  locker = g_mutex_locker_new (&self->mutex);

  self->limit = limit;
  evict (self);
}

gsize
aud_bitmap_cache_get_limit (AudBitmapCache *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (self != NULL, 0);

  locker = g_mutex_locker_new (&self->mutex);
  return self->limit;
}

gsize
aud_bitmap_cache_get_size (AudBitmapCache *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (self != NULL, 0);

  locker = g_mutex_locker_new (&self->mutex);
  return self->size;
}

guint
aud_bitmap_cache_get_n_entries (AudBitmapCache *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (self != NULL, 0);

  locker = g_mutex_locker_new (&self->mutex);
  return g_hash_table_size (self->entries);
}
