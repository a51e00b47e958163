/* Bounded dedupe set: an open-addressing table of hashes plus a ring that
 * remembers insertion order for eviction.  Both start small and double as
 * ids arrive, so memory follows the ids actually seen up to capacity. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "idset.h"
#include "xalloc.h"

/* 0 marks an empty slot and 1 a deleted one, so ids never hash to them. */
#define IDSET_EMPTY	0
#define IDSET_DELETED	1
/* Ring entries to start with (the table gets twice as many slots). */
#define IDSET_START	256

struct idset {
	uint64_t	*slots;		/* power of two, at most half full */
	size_t		 nslots;
	size_t		 maxslots;	/* nslots at capacity */
	uint64_t	*ring;		/* insertion order */
	size_t		 rcap;		/* ring allocated; < cap: head is 0 */
	size_t		 cap;
	size_t		 head;		/* oldest */
	size_t		 count;
	size_t		 deleted;
};

static uint64_t
idset_key(uint64_t h)
{
	return h <= IDSET_DELETED ? h + 2 : h;
}

struct idset *
idset_new(size_t capacity)
{
	struct idset *s = xcalloc(1, sizeof *s);

	if (capacity < 16)
		capacity = 16;
	s->cap = capacity;
	for (s->maxslots = 32; s->maxslots < capacity * 2; s->maxslots *= 2)
		;
	s->rcap = capacity < IDSET_START ? capacity : IDSET_START;
	for (s->nslots = 32; s->nslots < s->rcap * 2; s->nslots *= 2)
		;
	s->slots = xcalloc(s->nslots, sizeof *s->slots);
	s->ring = xcalloc(s->rcap, sizeof *s->ring);
	return s;
}

void
idset_free(struct idset *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s->ring);
	free(s);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t
idset_find(const struct idset *s, uint64_t key, bool *found)
{
	size_t mask = s->nslots - 1, i = (size_t)key & mask, tomb = SIZE_MAX;

	for (;;) {
		if (s->slots[i] == key) {
			*found = true;
			return i;
		}
		if (s->slots[i] == IDSET_EMPTY) {
			*found = false;
			return tomb != SIZE_MAX ? tomb : i;
		}
		if (s->slots[i] == IDSET_DELETED && tomb == SIZE_MAX)
			tomb = i;
		i = (i + 1) & mask;
	}
}

/* Tombstones slow probes down: rebuild when they pile up. */
static void
idset_rehash(struct idset *s)
{
	size_t i, j;
	bool found;

	memset(s->slots, 0, s->nslots * sizeof *s->slots);
	s->deleted = 0;
	for (i = 0, j = s->head; i < s->count; i++, j = (j + 1) % s->rcap)
		s->slots[idset_find(s, s->ring[j], &found)] = s->ring[j];
}

/* Below capacity nothing has been evicted (head is 0), so the ring grows
 * in place; the table doubles to stay at most half full. */
static void
idset_grow(struct idset *s)
{
	if (s->count == s->rcap && s->rcap < s->cap) {
		s->rcap = s->rcap * 2 < s->cap ? s->rcap * 2 : s->cap;
		s->ring = xreallocarray(s->ring, s->rcap, sizeof *s->ring);
	}
	if ((s->count + 1) * 2 > s->nslots && s->nslots < s->maxslots) {
		free(s->slots);
		s->nslots *= 2;
		s->slots = xcalloc(s->nslots, sizeof *s->slots);
		idset_rehash(s);
	}
}

void
idset_add_hash(struct idset *s, uint64_t h)
{
	uint64_t key = idset_key(h), old;
	size_t i;
	bool found;

	i = idset_find(s, key, &found);
	if (found)
		return;
	if (s->count == s->cap) {
		old = s->ring[s->head];
		s->head = (s->head + 1) % s->rcap;
		s->count--;
		s->slots[idset_find(s, old, &found)] = IDSET_DELETED;
		s->deleted++;
		i = idset_find(s, key, &found);
	} else if (s->count == s->rcap || (s->count + 1) * 2 > s->nslots) {
		idset_grow(s);
		i = idset_find(s, key, &found);
	}
	if (s->slots[i] == IDSET_DELETED)
		s->deleted--;
	s->slots[i] = key;
	s->ring[(s->head + s->count) % s->rcap] = key;
	s->count++;
	if (s->deleted > s->nslots / 4)
		idset_rehash(s);
}

bool
idset_add(struct idset *s, const char *id, size_t len)
{
	uint64_t h = hash64(id, len);
	bool found;

	idset_find(s, idset_key(h), &found);
	if (found)
		return false;
	idset_add_hash(s, h);
	return true;
}

bool
idset_has(const struct idset *s, const char *id, size_t len)
{
	bool found;

	idset_find(s, idset_key(hash64(id, len)), &found);
	return found;
}

size_t
idset_count(const struct idset *s)
{
	return s->count;
}

size_t
idset_capacity(const struct idset *s)
{
	return s->cap;
}

void
idset_export(const struct idset *s, uint64_t *out)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		out[i] = s->ring[(s->head + i) % s->rcap];
}
