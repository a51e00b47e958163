/* The event reader: one validating pass, descending only where wanted. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "evjson.h"
#include "strscan.h"
#include "text.h"
#include "xalloc.h"

/* Trie of wanted paths, one node per byte; node 0 is the empty path. */
struct evjson_node {
	int	id;		/* path id ending here, or -1 */
	int	child;		/* first child, or -1 */
	int	sibling;	/* next child of the same parent, or -1 */
	int	dot;		/* the '.' child, cached: objects descend there */
	uint8_t	byte;
	bool	keyed;		/* in the key table */
};

/* The key table: (node an object's keys start from, whole key) -> the node
 * the key leads to, so a key costs one hash probe rather than a byte walk
 * through sibling lists.  Only nodes with something wanted at or below
 * them (an id or a '.' child) are entered: any other key is skipped. */
struct evjson_kent {
	uint64_t	h;
	int		kstart;		/* -1: empty slot */
	int		node;
	uint32_t	off, len;	/* key text in the paths' text */
};

struct evjson_paths {
	struct evjson_node	*nodes;
	size_t			 nnodes, cap;
	int			 npaths;
	struct evjson_kent	*kt;
	size_t			 kmask, nkeys;
	char			*text;		/* the paths added, '\0' apart */
	size_t			 tlen, tcap;
};

struct evjson_reader {
	char			*buf;	/* unescaped strings */
	size_t			 cap, used;
	struct evjson_elem	*elems;	/* enclosing arrays */
	size_t			 nelems;
	uint32_t		 narrays;
};

/* Where a scan failed; turned into a cause once, at the top.  deep: the
 * nesting came near EVJSON_MAX_DEPTH (for callers of evjson_read_sniff(),
 * whose answer is then not to be trusted). */
struct evjson_err {
	const char	*at;
	const char	*what;
	bool		 deep;
};

struct evjson_rd {
	struct evjson_reader		*r;
	const struct evjson_paths	*paths;
	const char			*end;
	evjson_leaf_fn			 fn;
	void				*arg;
	struct evjson_err		 err;
	int				 depth;
	struct evjson_sniff		*sniff;
	uint64_t			 sniff_lens;	/* bit n: a key is n long */
};

static const char *
evjson_fail(struct evjson_err *e, const char *at, const char *what)
{
	e->at = at;
	e->what = what;
	return NULL;
}

const char *
evjson_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* Compact JSON has no whitespace: test one byte before looping. */
static inline const char *
evjson_ws(const char *p, const char *end)
{
	if (p < end && (unsigned char)*p > ' ')
		return p;
	return evjson_skip_ws(p, end);
}

/* p is just past the opening quote.  Returns the pointer past the closing
 * quote; *esc tells whether the string needs unescaping. */
static const char *
evjson_string_end(const char *p, const char *end, bool *esc,
    struct evjson_err *e)
{
	unsigned char c;
	int i;

	*esc = false;
	for (;;) {
		p = strscan_json(p, end);
		if (p >= end)
			return evjson_fail(e, p, "unterminated string");
		c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return evjson_fail(e, p, "control character in string");
		*esc = true;
		if (p + 1 >= end)
			return evjson_fail(e, p, "unterminated string");
		switch (p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			p += 2;
			break;
		case 'u':
			for (i = 0; i < 4; i++) {
				if (p + 2 + i >= end ||
				    text_hex_value(p[2 + i]) < 0)
					return evjson_fail(e, p,
					    "bad \\u escape in string");
			}
			p += 6;
			break;
		default:
			return evjson_fail(e, p, "bad escape in string");
		}
	}
}

static unsigned
evjson_hex4(const char *p)
{
	return (unsigned)(text_hex_value(p[0]) << 12 |
	    text_hex_value(p[1]) << 8 | text_hex_value(p[2]) << 4 |
	    text_hex_value(p[3]));
}

/* Unescapes a validated string body [p, end) into out (never longer than
 * the input); returns its length. */
size_t
evjson_unescape(const char *p, const char *end, char *out)
{
	size_t n = 0;
	unsigned cp, lo;

	while (p < end) {
		if (*p != '\\') {
			out[n++] = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u':
			cp = evjson_hex4(p + 2);
			if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 12 &&
			    p[6] == '\\' && p[7] == 'u' &&
			    (lo = evjson_hex4(p + 8)) >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			n += text_utf8_encode(cp, out + n);
			p += 6;
			continue;
		default: out[n++] = p[1]; break;
		}
		p += 2;
	}
	return n;
}

static const char *
evjson_number_end(const char *p, const char *end, struct evjson_err *e)
{
	const char *s = p;

	if (p < end && *p == '-')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return evjson_fail(e, s, "bad number");
	if (*p == '0')
		p++;
	else
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p < end && *p == '.') {
		if (++p >= end || *p < '0' || *p > '9')
			return evjson_fail(e, s, "bad number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return evjson_fail(e, s, "bad number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *
evjson_literal_end(const char *p, const char *end, enum evjson_type *t,
    struct evjson_err *e)
{
	static const struct {
		const char		*text;
		size_t			 len;
		enum evjson_type	 type;
	} lits[] = {
		{ "true", 4, EVJSON_TRUE },
		{ "false", 5, EVJSON_FALSE },
		{ "null", 4, EVJSON_NULL },
	};
	size_t i, k;

	for (i = 0; i < sizeof lits / sizeof lits[0]; i++) {
		if (*p == lits[i].text[0]) {
			if ((size_t)(end - p) < lits[i].len)
				break;
			for (k = 1; k < lits[i].len && p[k] == lits[i].text[k];
			    k++)
				;
			if (k < lits[i].len)
				break;
			*t = lits[i].type;
			return p + lits[i].len;
		}
	}
	return evjson_fail(e, p, "unexpected character");
}

/* Validates and skips one value without recursion: a bit per level says
 * object (1) or array (0).  base: the nesting around the value, only to
 * flag e->deep. */
static const char *
evjson_skip_value(const char *p, const char *end, struct evjson_err *e,
    int base)
{
	uint64_t kinds[EVJSON_MAX_DEPTH / 64 + 1];
	enum evjson_type t;
	int depth = 0;
	bool esc, obj;

	p = evjson_ws(p, end);
value:
	if (p >= end)
		return evjson_fail(e, p, "unexpected end of input");
	switch (*p) {
	case '{':
	case '[':
		if (depth == EVJSON_MAX_DEPTH)
			return evjson_fail(e, p, "nesting too deep");
		if (depth + base >= EVJSON_MAX_DEPTH - 2)
			e->deep = true;
		obj = *p == '{';
		if (obj)
			kinds[depth / 64] |= (uint64_t)1 << (depth % 64);
		else
			kinds[depth / 64] &= ~((uint64_t)1 << (depth % 64));
		depth++;
		p = evjson_ws(p + 1, end);
		if (p < end && *p == (obj ? '}' : ']')) {
			depth--;
			p++;
			goto next;
		}
		if (obj)
			goto key;
		goto value;
	case '"':
		if ((p = evjson_string_end(p + 1, end, &esc, e)) == NULL)
			return NULL;
		goto next;
	case '-': case '0': case '1': case '2': case '3': case '4': case '5':
	case '6': case '7': case '8': case '9':
		if ((p = evjson_number_end(p, end, e)) == NULL)
			return NULL;
		goto next;
	default:
		if ((p = evjson_literal_end(p, end, &t, e)) == NULL)
			return NULL;
		goto next;
	}
key:
	if (p >= end || *p != '"')
		return evjson_fail(e, p, "expected a string key");
	if ((p = evjson_string_end(p + 1, end, &esc, e)) == NULL)
		return NULL;
	p = evjson_ws(p, end);
	if (p >= end || *p != ':')
		return evjson_fail(e, p, "expected ':'");
	p = evjson_ws(p + 1, end);
	goto value;
next:
	if (depth == 0)
		return p;
	p = evjson_ws(p, end);
	obj = (kinds[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1;
	if (p < end && *p == ',') {
		p = evjson_ws(p + 1, end);
		if (obj)
			goto key;
		goto value;
	}
	if (p < end && *p == (obj ? '}' : ']')) {
		depth--;
		p++;
		goto next;
	}
	return evjson_fail(e, p, obj ? "expected ',' or '}'" :
	    "expected ',' or ']'");
}

const char *
evjson_skip(const char *p, const char *end, char **cause)
{
	struct evjson_err e = { NULL, NULL, false };
	const char *q;

	if ((q = evjson_skip_value(p, end, &e, 0)) == NULL)
		*cause = xasprintf("offset %zu: %s", (size_t)(e.at - p), e.what);
	return q;
}

struct evjson_paths *
evjson_paths_new(void)
{
	struct evjson_paths *t = xcalloc(1, sizeof *t);
	size_t i;

	t->cap = 64;
	t->nodes = xcalloc(t->cap, sizeof *t->nodes);
	t->nodes[0] = (struct evjson_node){ -1, -1, -1, -1, 0, false };
	t->nnodes = 1;
	t->kmask = 63;
	t->kt = xcalloc(t->kmask + 1, sizeof *t->kt);
	for (i = 0; i <= t->kmask; i++)
		t->kt[i].kstart = -1;
	return t;
}

void
evjson_paths_free(struct evjson_paths *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
	free(t->kt);
	free(t->text);
	free(t);
}

static int
evjson_node_child(const struct evjson_paths *t, int n, uint8_t b)
{
	int c;

	for (c = t->nodes[n].child; c >= 0; c = t->nodes[c].sibling)
		if (t->nodes[c].byte == b)
			return c;
	return -1;
}

/* Keys are short and mostly told apart by their length and ends: hash
 * those (collisions only cost a compare), seeded with the node the key
 * starts from. */
static inline uint64_t
evjson_key_hash(int kstart, const char *s, size_t n)
{
	uint64_t a, b, h;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		a = x;
		b = y;
	} else {
		a = n > 0 ? (uint64_t)(uint8_t)s[0] |
		    (uint64_t)(uint8_t)s[n / 2] << 8 |
		    (uint64_t)(uint8_t)s[n - 1] << 16 : 0;
		b = 0;
	}
	h = (a ^ ((uint64_t)(unsigned)kstart + 1) * 0x9e3779b97f4a7c15ull) *
	    0xff51afd7ed558ccdull;
	h ^= (b + n) * 0xc4ceb9fe1a85ec53ull;
	return h ^ h >> 31;
}

static void
evjson_kt_put(struct evjson_kent *kt, size_t mask, const struct evjson_kent *e)
{
	size_t i;

	for (i = e->h & mask; kt[i].kstart >= 0; i = (i + 1) & mask)
		;
	kt[i] = *e;
}

/* Enters node n (reached by path[0, depth)) under every node its key may
 * start from: the root, and each '.' node above it (or n itself). */
static void
evjson_kt_add(struct evjson_paths *t, const char *path, size_t depth, int n,
    uint32_t off)
{
	struct evjson_kent e, *old;
	size_t i, j;
	int a = 0;

	t->nodes[n].keyed = true;
	for (j = 0;; j++) {
		/* a: the node keys start from; the key is path[j, depth) */
		if (t->nkeys + 1 > (t->kmask + 1) / 2) {
			old = t->kt;
			t->kt = xcalloc(2 * (t->kmask + 1), sizeof *t->kt);
			for (i = 0; i <= 2 * t->kmask + 1; i++)
				t->kt[i].kstart = -1;
			for (i = 0; i <= t->kmask; i++)
				if (old[i].kstart >= 0)
					evjson_kt_put(t->kt, 2 * t->kmask + 1,
					    &old[i]);
			t->kmask = 2 * t->kmask + 1;
			free(old);
		}
		e.kstart = a;
		e.node = n;
		e.off = off + (uint32_t)j;
		e.len = (uint32_t)(depth - j);
		e.h = evjson_key_hash(a, path + j, depth - j);
		evjson_kt_put(t->kt, t->kmask, &e);
		t->nkeys++;
		/* on to the next '.' node above n */
		while (j < depth && path[j] != '.')
			a = evjson_node_child(t, a, (uint8_t)path[j++]);
		if (j >= depth)
			break;
		a = evjson_node_child(t, a, '.');
	}
}

/* The node a key (its raw bytes, no escapes) leads to from kstart; -1 if
 * nothing is wanted there. */
static inline int
evjson_kt_find(const struct evjson_paths *t, int kstart, const char *key,
    size_t len)
{
	uint64_t h = evjson_key_hash(kstart, key, len);
	const struct evjson_kent *e;
	size_t i;

	for (i = h & t->kmask;; i = (i + 1) & t->kmask) {
		e = &t->kt[i];
		if (e->kstart < 0)
			return -1;
		if (e->h == h && e->kstart == kstart && e->len == len &&
		    evjson_same(t->text + e->off, key, len))
			return e->node;
	}
}

int
evjson_paths_add(struct evjson_paths *t, const char *path)
{
	const uint8_t *s;
	size_t plen = strlen(path), i;
	uint32_t off;
	bool keyed = false;
	int n = 0, c;

	/* keep the text: the key table points into it */
	if (t->tlen + plen + 1 > t->tcap) {
		t->tcap = t->tlen + plen + 1 > 2 * t->tcap ?
		    t->tlen + plen + 1 : 2 * t->tcap;
		t->text = xrealloc(t->text, t->tcap);
	}
	off = (uint32_t)t->tlen;
	memcpy(t->text + off, path, plen + 1);
	t->tlen += plen + 1;
	for (s = (const uint8_t *)path; *s != '\0'; s++) {
		if ((c = evjson_node_child(t, n, *s)) < 0) {
			if (t->nnodes == t->cap) {
				t->nodes = xreallocarray(t->nodes, t->cap * 2,
				    sizeof *t->nodes);
				t->cap *= 2;
			}
			c = (int)t->nnodes++;
			t->nodes[c] = (struct evjson_node){ -1, -1,
			    t->nodes[n].child, -1, *s, false };
			t->nodes[n].child = c;
			if (*s == '.')
				t->nodes[n].dot = c;
		}
		n = c;
	}
	if (t->nodes[n].id < 0)
		t->nodes[n].id = t->npaths++;
	/* Nodes now wanted (the end, and those given a '.' child) go into
	 * the key table. */
	for (i = 0, n = 0; i <= plen; i++) {
		if (!t->nodes[n].keyed && (t->nodes[n].id >= 0 ||
		    t->nodes[n].dot >= 0)) {
			evjson_kt_add(t, path, i, n, off);
			keyed = true;
		}
		if (i < plen)
			n = evjson_node_child(t, n, (uint8_t)path[i]);
	}
	if (!keyed)
		t->tlen = off;
	return t->nodes[n].id;
}

size_t
evjson_paths_count(const struct evjson_paths *t)
{
	return (size_t)t->npaths;
}

int
evjson_paths_node(const struct evjson_paths *t, const char *prefix)
{
	const uint8_t *s;
	int n = 0;

	for (s = (const uint8_t *)prefix; *s != '\0' && n >= 0; s++)
		n = evjson_node_child(t, n, *s);
	return n;
}

struct evjson_reader *
evjson_reader_new(void)
{
	struct evjson_reader *r = xcalloc(1, sizeof *r);

	r->elems = xcalloc(EVJSON_MAX_DEPTH, sizeof *r->elems);
	return r;
}

void
evjson_reader_free(struct evjson_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->elems);
	free(r);
}

static void
evjson_emit(struct evjson_rd *rd, int id, enum evjson_type type,
    const char *text, size_t len)
{
	struct evjson_leaf leaf;

	leaf.path = id;
	leaf.type = type;
	leaf.text = text;
	leaf.len = len;
	leaf.elems = rd->r->elems;
	leaf.nelems = rd->r->nelems;
	rd->fn(&leaf, rd->arg);
}

/* A string's text: in place when it has no escapes, else unescaped into
 * the scratch, which was sized to the input so it never moves. */
static const char *
evjson_string(struct evjson_rd *rd, const char *p, const char **text,
    size_t *len)
{
	struct evjson_reader *r = rd->r;
	const char *q;
	bool esc;

	if ((q = evjson_string_end(p + 1, rd->end, &esc, &rd->err)) == NULL)
		return NULL;
	if (!esc) {
		*text = p + 1;
		*len = (size_t)(q - p - 2);
	} else {
		*text = r->buf + r->used;
		*len = evjson_unescape(p + 1, q - 1, r->buf + r->used);
		r->used += *len;
	}
	return q;
}

/* A key of the document's top-level object, for evjson_read_sniff(): its
 * raw text, as it stands in the input. */
static void
evjson_sniff_key(struct evjson_rd *rd, const char *key, size_t len,
    bool esc)
{
	struct evjson_sniff *sn = rd->sniff;
	size_t i;

	if (esc || (len < 64 && !(rd->sniff_lens >> len & 1)))
		return;
	for (i = 0; i < sn->nkeys; i++)
		if (strlen(sn->keys[i]) == len &&
		    memcmp(sn->keys[i], key, len) == 0)
			sn->seen |= (uint32_t)1 << i;
}

static const char *evjson_walk(struct evjson_rd *, const char *, int, bool);

static const char *
evjson_walk_object(struct evjson_rd *rd, const char *p, int node, bool top)
{
	const struct evjson_paths *paths = rd->paths;
	struct evjson_reader *r = rd->r;
	const char *end = rd->end, *key;
	size_t klen;
	int kstart, kn;
	bool esc, sniff;

	kstart = top ? node : paths->nodes[node].dot;
	sniff = rd->sniff != NULL && rd->depth == 1;
	if (kstart < 0 && !sniff)
		return evjson_skip_value(p, end, &rd->err, rd->depth - 1);
	p = evjson_ws(p + 1, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= end || *p != '"')
			return evjson_fail(&rd->err, p, "expected a string key");
		key = p + 1;
		if ((p = evjson_string_end(key, end, &esc, &rd->err)) == NULL)
			return NULL;
		klen = (size_t)(p - 1 - key);
		if (sniff)
			evjson_sniff_key(rd, key, klen, esc);
		if (kstart < 0)
			kn = -1;
		else if (!esc)
			kn = evjson_kt_find(paths, kstart, key, klen);
		else {
			/* the scratch past what is used is free */
			klen = evjson_unescape(key, p - 1, r->buf + r->used);
			kn = evjson_kt_find(paths, kstart, r->buf + r->used,
			    klen);
		}
		p = evjson_ws(p, end);
		if (p >= end || *p != ':')
			return evjson_fail(&rd->err, p, "expected ':'");
		p = evjson_ws(p + 1, end);
		if (kn < 0 && p < end && *p == '"')	/* the usual skip */
			p = evjson_string_end(p + 1, end, &esc, &rd->err);
		else if (kn < 0)
			p = evjson_skip_value(p, end, &rd->err, rd->depth);
		else
			p = evjson_walk(rd, p, kn, false);
		if (p == NULL)
			return NULL;
		p = evjson_ws(p, end);
		if (p < end && *p == ',') {
			p = evjson_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return p + 1;
		return evjson_fail(&rd->err, p, "expected ',' or '}'");
	}
}

static const char *
evjson_walk_array(struct evjson_rd *rd, const char *p, int node, bool top)
{
	struct evjson_reader *r = rd->r;
	struct evjson_elem *el;
	const char *end = rd->end;

	el = &r->elems[r->nelems++];
	el->array = r->narrays++;
	el->index = 0;
	p = evjson_ws(p + 1, end);
	if (p < end && *p == ']') {
		r->nelems--;
		return p + 1;
	}
	for (;;) {
		if ((p = evjson_walk(rd, p, node, top)) == NULL)
			return NULL;
		p = evjson_ws(p, end);
		if (p < end && *p == ',') {
			p = evjson_ws(p + 1, end);
			el->index++;
			continue;
		}
		if (p < end && *p == ']') {
			r->nelems--;
			return p + 1;
		}
		return evjson_fail(&rd->err, p, "expected ',' or ']'");
	}
}

/* One value at trie node `node`; top: keys of an object here are not
 * preceded by a '.' (the document root). */
static const char *
evjson_walk(struct evjson_rd *rd, const char *p, int node, bool top)
{
	const struct evjson_node *n = &rd->paths->nodes[node];
	const char *end = rd->end, *text, *q;
	enum evjson_type t;
	size_t len;

	if (p >= end)
		return evjson_fail(&rd->err, p, "unexpected end of input");
	/* Nothing wanted here or below: the fast scan. */
	if (n->id < 0 && n->dot < 0 && !top && (rd->sniff == NULL ||
	    rd->depth > 0 || *p != '{'))
		return evjson_skip_value(p, end, &rd->err, rd->depth);
	if (*p == '{' || *p == '[') {
		if (rd->depth >= EVJSON_MAX_DEPTH)
			return evjson_fail(&rd->err, p, "nesting too deep");
		if (rd->depth >= EVJSON_MAX_DEPTH - 2)
			rd->err.deep = true;
		rd->depth++;
		q = *p == '{' ? evjson_walk_object(rd, p, node, top) :
		    evjson_walk_array(rd, p, node, top);
		rd->depth--;
		return q;
	}
	if (n->id < 0)
		return evjson_skip_value(p, end, &rd->err, rd->depth);
	switch (*p) {
	case '"':
		if ((q = evjson_string(rd, p, &text, &len)) == NULL)
			return NULL;
		evjson_emit(rd, n->id, EVJSON_STRING, text, len);
		return q;
	case '-': case '0': case '1': case '2': case '3': case '4': case '5':
	case '6': case '7': case '8': case '9':
		if ((q = evjson_number_end(p, end, &rd->err)) == NULL)
			return NULL;
		evjson_emit(rd, n->id, EVJSON_NUMBER, p, (size_t)(q - p));
		return q;
	default:
		if ((q = evjson_literal_end(p, end, &t, &rd->err)) == NULL)
			return NULL;
		evjson_emit(rd, n->id, t, p, (size_t)(q - p));
		return q;
	}
}

int
evjson_read(struct evjson_reader *r, const struct evjson_paths *paths,
    int root, const char *json, size_t len, evjson_leaf_fn fn, void *arg,
    char **cause)
{
	return evjson_read_sniff(r, paths, root, json, len, fn, arg, NULL,
	    cause);
}

int
evjson_read_sniff(struct evjson_reader *r, const struct evjson_paths *paths,
    int root, const char *json, size_t len, evjson_leaf_fn fn, void *arg,
    struct evjson_sniff *sniff, char **cause)
{
	struct evjson_rd rd;
	const char *p, *end = json + len;
	size_t i, n;

	if (r->cap < len) {
		free(r->buf);
		r->cap = len > 2 * r->cap ? len : 2 * r->cap;
		r->buf = xmalloc(r->cap);
	}
	r->used = 0;
	r->nelems = 0;
	r->narrays = 0;
	rd.r = r;
	rd.paths = paths;
	rd.end = end;
	rd.fn = fn;
	rd.arg = arg;
	rd.err.at = json;
	rd.err.what = "bad JSON";
	rd.err.deep = false;
	rd.depth = 0;
	rd.sniff = sniff;
	rd.sniff_lens = 0;
	if (sniff != NULL) {
		sniff->seen = 0;
		sniff->deep = false;
		for (i = 0; i < sniff->nkeys; i++)
			if ((n = strlen(sniff->keys[i])) < 64)
				rd.sniff_lens |= (uint64_t)1 << n;
	}
	p = evjson_skip_ws(json, end);
	if (p >= end) {
		*cause = xasprintf("offset %zu: empty input", (size_t)(p - json));
		return -1;
	}
	if (root < 0) {
		rd.sniff = NULL;
		p = evjson_skip_value(p, end, &rd.err, 0);
	} else
		p = evjson_walk(&rd, p, root, root == 0);
	if (sniff != NULL)
		sniff->deep = rd.err.deep;
	if (p != NULL && (p = evjson_skip_ws(p, end)) < end) {
		rd.err.at = p;
		rd.err.what = "trailing data after JSON value";
		p = NULL;
	}
	if (p == NULL) {
		*cause = xasprintf("offset %zu: %s", (size_t)(rd.err.at - json),
		    rd.err.what);
		return -1;
	}
	return 0;
}

const char *
evjson_string_span(const char *p, const char *end, bool *esc)
{
	struct evjson_err e;

	return evjson_string_end(p, end, esc, &e);
}
