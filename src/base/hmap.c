/* A hash map from byte strings to pointers: entries in insertion order,
 * indexed by open addressing. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "hmap.h"
#include "xalloc.h"

struct hmap_entry {
	uint64_t	 hash;
	char		*key;		/* a NUL-terminated copy */
	size_t		 len;
	void		*value;
};

struct hmap {
	struct hmap_entry	*v;
	size_t			 n;
	size_t			 alloc;
	uint32_t		*index;		/* entry + 1; 0: empty */
	size_t			 icap;		/* 0, or a power of 2 > 2n */
	uint64_t		 seed;
	hmap_free_fn		 free_value;
};

/* Drawn once: a map's layout must not be chosen by whoever sends keys. */
static uint64_t
hmap_seed(void)
{
	static uint64_t seed;
	static unsigned long long maps;
	int fd;

	if (seed == 0) {
		if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
			if (read(fd, &seed, sizeof seed) != (ssize_t)sizeof seed)
				seed = 0;
			close(fd);
		}
		if (seed == 0)
			seed = ((uint64_t)time(NULL) << 20 ^ (uint64_t)getpid()) |
			    1;
	}
	return seed + ++maps * 0x9e3779b97f4a7c15ull;
}

struct hmap *
hmap_new(hmap_free_fn free_value)
{
	struct hmap *m = xcalloc(1, sizeof *m);

	m->seed = hmap_seed();
	m->free_value = free_value;
	return m;
}

void
hmap_free(struct hmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		if (m->free_value != NULL)
			m->free_value(m->v[i].value);
		free(m->v[i].key);
	}
	free(m->v);
	free(m->index);
	free(m);
}

size_t
hmap_count(const struct hmap *m)
{
	return m->n;
}

/* The index place holding key, or the empty one where it would go. */
static size_t
hmap_place(const struct hmap *m, uint64_t h, const void *key, size_t len)
{
	size_t mask = m->icap - 1, i = (size_t)h & mask;
	const struct hmap_entry *e;

	while (m->index[i] != 0) {
		e = &m->v[m->index[i] - 1];
		if (e->hash == h && e->len == len &&
		    (len == 0 || memcmp(e->key, key, len) == 0))
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

/* The index place pointing at entry e. */
static size_t
hmap_place_of(const struct hmap *m, size_t e)
{
	size_t mask = m->icap - 1, i = (size_t)m->v[e].hash & mask;

	while (m->index[i] != e + 1)
		i = (i + 1) & mask;
	return i;
}

static void
hmap_grow(struct hmap *m)
{
	size_t i, j, mask;

	if (m->n == m->alloc) {
		if (m->n >= UINT32_MAX - 1)
			fatal("hmap: more than %u entries", UINT32_MAX - 1);
		m->alloc = m->alloc == 0 ? 8 : m->alloc * 2;
		m->v = xreallocarray(m->v, m->alloc, sizeof *m->v);
	}
	/* At most half full, so probes stay short. */
	if ((m->n + 1) * 2 <= m->icap)
		return;
	free(m->index);
	m->icap = m->icap == 0 ? 16 : m->icap * 2;
	m->index = xcalloc(m->icap, sizeof *m->index);
	mask = m->icap - 1;
	for (i = 0; i < m->n; i++) {
		for (j = (size_t)m->v[i].hash & mask; m->index[j] != 0;
		    j = (j + 1) & mask)
			;
		m->index[j] = (uint32_t)i + 1;
	}
}

void *
hmap_find(const struct hmap *m, const void *key, size_t len)
{
	size_t i;

	if (m->n == 0)
		return NULL;
	i = hmap_place(m, hash64_seeded(m->seed, key, len), key, len);
	return m->index[i] != 0 ? m->v[m->index[i] - 1].value : NULL;
}

/* Finds key, or adds it with value; *added says which.  The entry. */
static struct hmap_entry *
hmap_get(struct hmap *m, const void *key, size_t len, void *value,
    int *added)
{
	uint64_t h = hash64_seeded(m->seed, key, len);
	struct hmap_entry *e;
	size_t i;

	if (value == NULL)
		fatal("hmap: a NULL value");
	if (m->n > 0) {
		i = hmap_place(m, h, key, len);
		if (m->index[i] != 0) {
			*added = 0;
			return &m->v[m->index[i] - 1];
		}
	}
	hmap_grow(m);
	i = hmap_place(m, h, key, len);
	e = &m->v[m->n];
	e->hash = h;
	e->key = xmalloc(len + 1);
	if (len > 0)
		memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->len = len;
	e->value = value;
	m->index[i] = (uint32_t)++m->n;
	*added = 1;
	return e;
}

void *
hmap_insert(struct hmap *m, const void *key, size_t len, void *value)
{
	struct hmap_entry *e;
	int added;

	e = hmap_get(m, key, len, value, &added);
	return added ? NULL : e->value;
}

void *
hmap_set(struct hmap *m, const void *key, size_t len, void *value)
{
	struct hmap_entry *e;
	void *old;
	int added;

	e = hmap_get(m, key, len, value, &added);
	if (added)
		return NULL;
	old = e->value;
	e->value = value;
	return old;
}

void *
hmap_remove(struct hmap *m, const void *key, size_t len)
{
	size_t mask, i, j, home, e, last;
	void *value;

	if (m->n == 0)
		return NULL;
	mask = m->icap - 1;
	i = hmap_place(m, hash64_seeded(m->seed, key, len), key, len);
	if (m->index[i] == 0)
		return NULL;
	e = m->index[i] - 1;
	value = m->v[e].value;
	free(m->v[e].key);
	/* Backward shift: an entry further on moves into the hole when the
	 * hole lies between its home place and where it is. */
	for (j = (i + 1) & mask; m->index[j] != 0; j = (j + 1) & mask) {
		home = (size_t)m->v[m->index[j] - 1].hash & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->index[i] = m->index[j];
			i = j;
		}
	}
	m->index[i] = 0;
	/* The array stays dense: the last entry fills the gap. */
	last = m->n - 1;
	if (e != last) {
		m->index[hmap_place_of(m, last)] = (uint32_t)e + 1;
		m->v[e] = m->v[last];
	}
	m->n--;
	return value;
}

void *
hmap_value_at(const struct hmap *m, size_t i)
{
	return i < m->n ? m->v[i].value : NULL;
}

const void *
hmap_key_at(const struct hmap *m, size_t i, size_t *len)
{
	if (i >= m->n)
		return NULL;
	if (len != NULL)
		*len = m->v[i].len;
	return m->v[i].key;
}
