/* A hash map from byte strings to pointers.
 *
 * Entries sit in one array in insertion order, with an open addressing
 * index over it (linear probing, backward-shift deletion: no tombstones).
 * Keys are hashed with hash64_seeded() and a seed drawn once per process,
 * so keys an event's sender chooses cannot be made to pile up.  Finding,
 * inserting and removing take constant time on average; a walk by index
 * takes no hashing at all.
 *
 * Keys are any bytes (NUL and empty keys included).  Values are pointers,
 * never NULL.
 *
 * Ownership: the map copies every key it adds and frees its copies.  With
 * a free_value function the map owns the values it holds, and
 * hmap_free() calls free_value on each; without one (NULL) values are
 * borrowed.  A value that leaves the map through hmap_remove() or
 * hmap_set() is handed back: the caller owns it from then on.
 *
 * Walking: for (i = 0; i < hmap_count(m); i++) hmap_value_at(m, i), in
 * insertion order, except that hmap_remove() moves the last entry into
 * the removed one's place.  To remove while walking, walk from the end.
 * A key from hmap_key_at() stays valid until its entry is removed (an
 * entry moved by a removal keeps its key where it was).
 *
 * Not thread-safe. */
#ifndef S3W_HMAP_H
#define S3W_HMAP_H

#include <stddef.h>

struct hmap;

typedef void	(*hmap_free_fn)(void *);

/* free_value: NULL for borrowed values. */
struct hmap	*hmap_new(hmap_free_fn free_value);
void		 hmap_free(struct hmap *);
size_t		 hmap_count(const struct hmap *);

/* key's value, or NULL when key is not there. */
void		*hmap_find(const struct hmap *, const void *key, size_t len);
/* Adds key with value and returns NULL; when key is already there,
 * changes nothing and returns its value (value is then not taken). */
void		*hmap_insert(struct hmap *, const void *key, size_t len,
		    void *value);
/* Sets key's value, adding key when needed: returns the value replaced
 * (the caller's from then on), or NULL when key was added. */
void		*hmap_set(struct hmap *, const void *key, size_t len,
		    void *value);
/* Removes key: returns its value (the caller's from then on), or NULL
 * when key was not there.  The last entry takes the removed one's place
 * in the order. */
void		*hmap_remove(struct hmap *, const void *key, size_t len);

/* Entry i, 0 <= i < hmap_count(): its value, and its key (NUL-terminated
 * after len bytes; len may be NULL).  NULL when i is out of range. */
void		*hmap_value_at(const struct hmap *, size_t i);
const void	*hmap_key_at(const struct hmap *, size_t i, size_t *len);

#endif
