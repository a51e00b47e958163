/* Stateful rules: per-key memory with a hard cap (least recently used key
 * evicted), the update logic of each stateful kind, and the state file. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "rules_internal.h"
#include "statefile.h"

#define RULES_NONE	UINT32_MAX
#define RULES_STATE_MAGIC "s3watch-rules-state 1"
#define RULES_STATE_MAX	(1024u * 1024 * 1024)

struct rules_slot {
	uint64_t	 key;
	uint32_t	 prev;		/* towards the most recently used */
	uint32_t	 next;
};

/* One stateful rule's keys: entries with a payload each, an open
 * addressing index (entry + 1, 0 when empty) and an LRU list. */
struct rules_table {
	size_t			 psize;
	size_t			 cap;
	size_t			 n;
	size_t			 alloc;
	struct rules_slot	*slots;
	unsigned char		*payload;
	uint32_t		*index;
	size_t			 icap;		/* a power of 2 */
	uint32_t		 head;
	uint32_t		 tail;
	int64_t			 first;		/* first event time seen */
	uint64_t		 sig;		/* parameters, for the file */
};

/* Payloads. */
struct rules_window {			/* count of events, or sum */
	int64_t		 epoch[RULES_SLOTS];
	double		 v[RULES_SLOTS];
};

struct rules_seen {			/* distinct values, first_seen */
	uint64_t	 h;		/* 0: empty */
	int64_t		 t;
};

uint64_t
rules_random_seed(void)
{
	uint64_t seed = 0;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		if (read(fd, &seed, sizeof seed) != (ssize_t)sizeof seed)
			seed = 0;
		close(fd);
	}
	if (seed == 0)
		seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^
		    (uint64_t)getpid();
	return seed;
}

/* Keys come from events, so their spread must not be chosen by the
 * sender: seeded.  0 stays free to mean "empty". */
uint64_t
rules_hash(uint64_t seed, const void *p, size_t n)
{
	uint64_t h = hash64_seeded(seed, p, n);

	return h != 0 ? h : 1;
}

static size_t
rules_payload_size(const struct rule *ru)
{
	switch (ru->kind) {
	case RULES_COUNT:
		if (ru->count_mode == RULES_COUNT_DISTINCT)
			return ru->threshold * sizeof(struct rules_seen);
		return sizeof(struct rules_window);
	case RULES_FIRST_SEEN:
		return ru->threshold * sizeof(struct rules_seen);
	case RULES_SEQUENCE:
		return ru->nsteps * sizeof(int64_t);
	case RULES_PATTERN:
	case RULES_CHECK:
		break;
	}
	return 0;
}

/* What the saved state depends on: a change drops the rule's state. */
static uint64_t
rules_signature(const struct rule *ru)
{
	struct buf b = { NULL, 0, 0 };
	uint64_t h;
	size_t i, j;

	buf_printf(&b, "%d %d %u %" PRId64 " %zu %zu|", (int)ru->kind,
	    (int)ru->count_mode, ru->threshold, ru->window,
	    rules_payload_size(ru), ru->nsteps);
	for (i = 0; i < ru->nkey; i++)
		buf_printf(&b, "%d:%s,", ru->key[i].field,
		    ru->key[i].path != NULL ? ru->key[i].path : "");
	buf_printf(&b, "|%d:%s|", ru->value.field,
	    ru->value.path != NULL ? ru->value.path : "");
	for (i = 0; i < ru->nsteps; i++) {
		for (j = 0; j < ru->steps[i].n; j++)
			buf_printf(&b, "%s,", ru->step_names[i][j]);
		buf_addc(&b, ';');
	}
	h = rules_hash(0, b.data, b.len);
	buf_free(&b);
	return h;
}

struct rules_table *
rules_table_new(const struct rules *r, const struct rule *ru)
{
	struct rules_table *t = xcalloc(1, sizeof *t);

	t->psize = rules_payload_size(ru);
	t->cap = ru->max_keys;
	t->head = t->tail = RULES_NONE;
	t->sig = rules_signature(ru);
	return t;
}

void
rules_table_free(struct rules_table *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t->payload);
	free(t->index);
	free(t);
}

static void
rules_table_clear(struct rules_table *t)
{
	free(t->slots);
	free(t->payload);
	free(t->index);
	t->slots = NULL;
	t->payload = NULL;
	t->index = NULL;
	t->n = t->alloc = t->icap = 0;
	t->head = t->tail = RULES_NONE;
	t->first = 0;
}

static void *
rules_payload(const struct rules_table *t, uint32_t e)
{
	return t->payload + (size_t)e * t->psize;
}

static void
rules_lru_unlink(struct rules_table *t, uint32_t e)
{
	struct rules_slot *s = &t->slots[e];

	if (s->prev != RULES_NONE)
		t->slots[s->prev].next = s->next;
	else
		t->head = s->next;
	if (s->next != RULES_NONE)
		t->slots[s->next].prev = s->prev;
	else
		t->tail = s->prev;
}

static void
rules_lru_front(struct rules_table *t, uint32_t e)
{
	struct rules_slot *s = &t->slots[e];

	s->prev = RULES_NONE;
	s->next = t->head;
	if (t->head != RULES_NONE)
		t->slots[t->head].prev = e;
	t->head = e;
	if (t->tail == RULES_NONE)
		t->tail = e;
}

static size_t
rules_index_find(const struct rules_table *t, uint64_t key)
{
	size_t mask = t->icap - 1, i = key & mask;

	while (t->index[i] != 0) {
		if (t->slots[t->index[i] - 1].key == key)
			return i;
		i = (i + 1) & mask;
	}
	return i;	/* the empty place where key would go */
}

static void
rules_index_rebuild(struct rules_table *t, size_t icap)
{
	uint32_t e;

	free(t->index);
	t->icap = icap;
	t->index = xcalloc(icap, sizeof *t->index);
	for (e = t->head; e != RULES_NONE; e = t->slots[e].next)
		t->index[rules_index_find(t, t->slots[e].key)] = e + 1;
}

/* Backward-shift deletion keeps linear probing free of tombstones. */
static void
rules_index_remove(struct rules_table *t, uint64_t key)
{
	size_t mask = t->icap - 1, i = rules_index_find(t, key), j, home;

	if (t->index[i] == 0)
		return;
	for (j = (i + 1) & mask; t->index[j] != 0; j = (j + 1) & mask) {
		home = t->slots[t->index[j] - 1].key & mask;
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			t->index[i] = t->index[j];
			i = j;
		}
	}
	t->index[i] = 0;
}

static uint32_t
rules_table_get(struct rules_table *t, uint64_t key, bool create)
{
	size_t i;
	uint32_t e;

	if (t->icap > 0) {
		i = rules_index_find(t, key);
		if (t->index[i] != 0) {
			e = t->index[i] - 1;
			if (t->head != e) {
				rules_lru_unlink(t, e);
				rules_lru_front(t, e);
			}
			return e;
		}
	}
	if (!create)
		return RULES_NONE;
	if (t->n == t->cap) {
		/* Full: the least recently used key makes room. */
		e = t->tail;
		rules_index_remove(t, t->slots[e].key);
		rules_lru_unlink(t, e);
		t->n--;
	} else {
		if (t->n == t->alloc) {
			t->alloc = t->alloc == 0 ? 16 : t->alloc * 2;
			if (t->alloc > t->cap)
				t->alloc = t->cap;
			t->slots = xreallocarray(t->slots, t->alloc,
			    sizeof *t->slots);
			t->payload = xreallocarray(t->payload, t->alloc,
			    t->psize > 0 ? t->psize : 1);
		}
		e = (uint32_t)t->n;
		if (t->icap < t->alloc * 2) {
			size_t icap = 32;

			while (icap < t->alloc * 2)
				icap *= 2;
			rules_index_rebuild(t, icap);
		}
	}
	t->slots[e].key = key;
	memset(rules_payload(t, e), 0, t->psize);
	rules_lru_front(t, e);
	t->index[rules_index_find(t, key)] = e + 1;
	t->n++;
	return e;
}

static uint32_t
rules_table_key(struct rules *r, struct rule *ru, bool create)
{
	if (!rules_key_text(r, ru, &r->keybuf))
		return RULES_NONE;
	return rules_table_get(ru->table,
	    rules_hash(r->seed, r->keybuf.data, r->keybuf.len), create);
}

/* --- the kinds ---------------------------------------------------------- */

static bool
rules_update_window(struct rules *r, struct rule *ru, uint32_t e, int64_t t)
{
	struct rules_window *w = rules_payload(ru->table, e);
	int64_t len = (ru->window + RULES_SLOTS - 1) / RULES_SLOTS, ep;
	double x = 1, total = 0;
	char *end;
	int i;

	if (ru->count_mode == RULES_COUNT_SUM) {
		buf_reset(&r->keybuf);
		rules_ref_text(r, &ru->value, &r->keybuf);
		if (r->keybuf.len == 0)
			return false;
		x = strtod(r->keybuf.data, &end);
		if (*end != '\0' || !(x > 0))
			return false;
	}
	ep = t / len;
	i = (int)(ep % RULES_SLOTS);
	/* A late event may land in a newer slot: it still counts there. */
	if (w->epoch[i] < ep) {
		w->epoch[i] = ep;
		w->v[i] = 0;
	}
	w->v[i] += x;
	for (i = 0; i < RULES_SLOTS; i++)
		if (w->epoch[i] > ep - RULES_SLOTS)
			total += w->v[i];
	if (total < (ru->count_mode == RULES_COUNT_SUM ? ru->sum_threshold :
	    (double)ru->threshold))
		return false;
	/* Fired: the next hit needs a full threshold again. */
	memset(w, 0, sizeof *w);
	return true;
}

/* Finds h among n remembered values, else takes an empty, expired or
 * the oldest place for it; *found says which. */
static struct rules_seen *
rules_seen_find(struct rules_seen *v, size_t n, uint64_t h, int64_t since,
    bool *found)
{
	struct rules_seen *pick = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].h == h && v[i].t >= since) {
			*found = true;
			return &v[i];
		}
		if (pick == NULL || (pick->h != 0 && (v[i].h == 0 ||
		    v[i].t < pick->t)))
			pick = &v[i];
	}
	*found = false;
	return pick;
}

static uint64_t
rules_value_hash(struct rules *r, const struct rule *ru)
{
	buf_reset(&r->keybuf);
	rules_ref_text(r, &ru->value, &r->keybuf);
	if (r->keybuf.len == 0)
		return 0;
	return rules_hash(r->seed, r->keybuf.data, r->keybuf.len);
}

static bool
rules_update_distinct(struct rules *r, struct rule *ru, uint32_t e, int64_t t)
{
	struct rules_seen *v = rules_payload(ru->table, e), *s;
	uint64_t h = rules_value_hash(r, ru);
	size_t i, live = 0;
	bool found;

	if (h == 0)
		return false;
	s = rules_seen_find(v, ru->threshold, h, t - ru->window, &found);
	s->h = h;
	if (!found || t > s->t)
		s->t = t;
	for (i = 0; i < ru->threshold; i++)
		if (v[i].h != 0 && v[i].t > t - ru->window)
			live++;
	if (live < ru->threshold)
		return false;
	memset(v, 0, ru->threshold * sizeof *v);
	return true;
}

static bool
rules_update_first_seen(struct rules *r, struct rule *ru, uint32_t e,
    int64_t t, uint64_t h)
{
	struct rules_seen *v = rules_payload(ru->table, e), *s;
	bool found;

	s = rules_seen_find(v, ru->threshold, h, t - ru->window, &found);
	s->h = h;
	if (found) {
		if (t > s->t)
			s->t = t;
		return false;
	}
	s->t = t;
	/* Still learning what is normal: remember, don't report. */
	return t - ru->table->first >= ru->learn;
}

static bool
rules_step_touched(const struct rules *r, const struct rules_step *st)
{
	size_t k;

	for (k = 0; k < st->n; k++)
		if (st->rules[k]->hit_gen == r->gen)
			return true;
	return false;
}

/* start[j]: when the chain that has reached step j began (0: not
 * reached).  Steps are walked from the last so one event never both
 * starts and advances a chain. */
static bool
rules_update_sequence(struct rules *r, struct rule *ru, int64_t t)
{
	int64_t *start;
	uint32_t e;
	size_t j;

	e = rules_table_key(r, ru, rules_step_touched(r, &ru->steps[0]));
	if (e == RULES_NONE)
		return false;
	start = rules_payload(ru->table, e);
	for (j = ru->nsteps; j-- > 0;) {
		if (!rules_step_touched(r, &ru->steps[j]))
			continue;
		if (j == 0) {
			if (t > start[0])
				start[0] = t;
			continue;
		}
		if (start[j - 1] == 0 || t - start[j - 1] > ru->window)
			continue;
		if (j == ru->nsteps - 1) {
			memset(start, 0, ru->nsteps * sizeof *start);
			return true;
		}
		if (start[j - 1] > start[j])
			start[j] = start[j - 1];
	}
	return false;
}

bool
rules_state_update(struct rules *r, struct rule *ru, int64_t t)
{
	uint64_t h;
	uint32_t e;

	if (ru->table->first == 0 || t < ru->table->first)
		ru->table->first = t;
	switch (ru->kind) {
	case RULES_COUNT:
		if ((e = rules_table_key(r, ru, true)) == RULES_NONE)
			return false;
		if (ru->count_mode == RULES_COUNT_DISTINCT)
			return rules_update_distinct(r, ru, e, t);
		return rules_update_window(r, ru, e, t);
	case RULES_FIRST_SEEN:
		if ((h = rules_value_hash(r, ru)) == 0)
			return false;
		if ((e = rules_table_key(r, ru, true)) == RULES_NONE)
			return false;
		return rules_update_first_seen(r, ru, e, t, h);
	case RULES_SEQUENCE:
		return rules_update_sequence(r, ru, t);
	case RULES_PATTERN:
	case RULES_CHECK:
		break;
	}
	return false;
}

size_t
rules_state_keys(const struct rules *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nrules; i++)
		if (r->rules[i]->table != NULL)
			n += r->rules[i]->table->n;
	return n;
}

/* --- the state file ------------------------------------------------------
 *
 *	s3watch-rules-state 1
 *	seed <16 hex>
 *	rule <id> <signature, 16 hex> <first event time> <keys>
 *	<key hash, 16 hex> <payload, hex>	(least recently used first)
 *	...
 *	end
 *
 * The payload is the in-memory layout: the file is for this machine. */

static void
rules_hex(struct buf *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	buf_reserve(b, n * 2);
	for (i = 0; i < n; i++) {
		b->data[b->len++] = digits[p[i] >> 4];
		b->data[b->len++] = digits[p[i] & 15];
	}
	b->data[b->len] = '\0';
}

int
rules_state_save(const struct rules *r, const char *path, char **cause)
{
	struct buf b = { NULL, 0, 0 };
	struct rules_table *t;
	size_t i;
	uint32_t e;
	int rc;

	buf_printf(&b, "%s\nseed %016" PRIx64 "\n", RULES_STATE_MAGIC, r->seed);
	for (i = 0; i < r->nrules; i++) {
		if ((t = r->rules[i]->table) == NULL)
			continue;
		buf_printf(&b, "rule %s %016" PRIx64 " %" PRId64 " %zu\n",
		    r->rules[i]->id, t->sig, t->first, t->n);
		for (e = t->tail; e != RULES_NONE; e = t->slots[e].prev) {
			buf_printf(&b, "%016" PRIx64 " ", t->slots[e].key);
			rules_hex(&b, rules_payload(t, e), t->psize);
			buf_addc(&b, '\n');
		}
	}
	buf_adds(&b, "end\n");
	/* Temporary file, fsync, rename: a crash keeps old or new. */
	rc = statefile_write(path, b.data, b.len, cause);
	buf_free(&b);
	return rc;
}

static int
rules_unhex(const char *s, size_t len, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	if (len != n * 2)
		return -1;
	for (i = 0; i < n; i++) {
		hi = s[2 * i];
		lo = s[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' : hi >= 'a' && hi <= 'f' ?
		    hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' : lo >= 'a' && lo <= 'f' ?
		    lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static struct rule *
rules_state_rule(const struct rules *r, const char *id)
{
	struct rule *ru = rules_find(r, id);

	return ru != NULL && ru->table != NULL ? ru : NULL;
}

static void
rules_state_clear(struct rules *r)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (r->rules[i]->table != NULL)
			rules_table_clear(r->rules[i]->table);
}

/* "rule ID SIG FIRST KEYS" (SIG in hex): -1 when a part is missing,
 * malformed or out of range (strto*, never sscanf's undefined overflow). */
static int
rules_state_rule_line(const char *line, char id[80], uint64_t *sig,
    int64_t *first, size_t *keys)
{
	const char *p = line + 5, *sp;
	unsigned long long u;
	long long v;
	char *end;

	if (strncmp(line, "rule ", 5) != 0 || (sp = strchr(p, ' ')) == NULL ||
	    sp == p || sp - p > 79)
		return -1;
	memcpy(id, p, (size_t)(sp - p));
	id[sp - p] = '\0';
	p = sp + 1;
	if (!isxdigit((unsigned char)*p))
		return -1;
	errno = 0;
	u = strtoull(p, &end, 16);
	if (errno != 0 || *end != ' ' || end - p > 16)
		return -1;
	*sig = u;
	p = end + 1;
	if (!isdigit((unsigned char)*p) && *p != '-')
		return -1;
	v = strtoll(p, &end, 10);
	if (errno != 0 || *end != ' ')
		return -1;
	*first = v;
	p = end + 1;
	if (!isdigit((unsigned char)*p))
		return -1;
	u = strtoull(p, &end, 10);
	if (errno != 0 || *end != '\0' || u > SIZE_MAX)
		return -1;
	*keys = (size_t)u;
	return 0;
}

int
rules_state_load(struct rules *r, const char *path, char **cause)
{
	struct rule *ru = NULL;
	char *data, *line, *next, id[80], *why = NULL;
	unsigned char key[8];
	uint64_t seed, sig, k;
	int64_t first;
	size_t left = 0, n, len;
	int lineno = 0, used;
	uint32_t e;
	bool skip = false, done = false;

	if ((data = statefile_read(path, RULES_STATE_MAX, &len, cause)) == NULL)
		return *cause != NULL ? -1 : 0;
	rules_state_clear(r);
	if (strlen(data) != len) {
		lineno = 1;
		why = xstrdup("binary data");
		goto bad;
	}
	for (line = data; *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) == NULL) {
			why = xstrdup("truncated (no newline at the end)");
			goto bad;
		}
		*next++ = '\0';
		if (done) {
			why = xstrdup("data after 'end'");
			goto bad;
		}
		if (lineno == 1) {
			if (strcmp(line, RULES_STATE_MAGIC) != 0) {
				why = xstrdup("not an s3watch rules state file");
				goto bad;
			}
			continue;
		}
		if (lineno == 2) {
			if (sscanf(line, "seed %16" SCNx64 "%n", &seed, &used) != 1 ||
			    line[used] != '\0' || strlen(line) != 21) {
				why = xstrdup("bad seed line");
				goto bad;
			}
			r->seed = seed;
			continue;
		}
		if (left > 0) {
			left--;
			if (strlen(line) < 17 || line[16] != ' ' ||
			    rules_unhex(line, 16, key, 8) != 0) {
				why = xstrdup("bad key line");
				goto bad;
			}
			if (skip)
				continue;
			k = 0;
			for (n = 0; n < 8; n++)
				k = k << 8 | key[n];
			e = rules_table_get(ru->table, k, true);
			if (rules_unhex(line + 17, strlen(line + 17),
			    rules_payload(ru->table, e), ru->table->psize) != 0) {
				why = xstrdup("bad key state");
				goto bad;
			}
			continue;
		}
		if (strcmp(line, "end") == 0) {
			done = true;
			continue;
		}
		if (rules_state_rule_line(line, id, &sig, &first, &left) != 0) {
			why = xstrdup("expected a rule line");
			goto bad;
		}
		if (left > RULES_LIMIT_MAX_KEYS) {
			why = xstrdup("too many keys");
			goto bad;
		}
		ru = rules_state_rule(r, id);
		/* A rule that is gone or changed starts afresh. */
		skip = ru == NULL || ru->table->sig != sig;
		if (!skip)
			ru->table->first = first;
	}
	if (!done) {
		why = xstrdup(left > 0 ? "truncated (keys missing)" :
		    "truncated (no 'end')");
		goto bad;
	}
	free(data);
	return 0;
bad:
	*cause = xasprintf("%s:%d: %s; state ignored", path, lineno, why);
	free(why);
	rules_state_clear(r);
	free(data);
	return -1;
}
