/* The event reader: one validating pass, descending only where wanted. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "evjson.h"
#include "xalloc.h"

/* Trie of wanted paths, one node per byte; node 0 is the empty path. */
struct evjson_node {
	int	id;		/* path id ending here, or -1 */
	int	child;		/* first child, or -1 */
	int	sibling;	/* next child of the same parent, or -1 */
	int	dot;		/* the '.' child, cached: objects descend there */
	uint8_t	byte;
};

struct evjson_paths {
	struct evjson_node	*nodes;
	size_t			 nnodes, cap;
	int			 npaths;
};

struct evjson_reader {
	char			*buf;	/* unescaped strings */
	size_t			 cap, used;
	struct evjson_elem	*elems;	/* enclosing arrays */
	size_t			 nelems;
	uint32_t		 narrays;
};

/* Where a scan failed; turned into a cause once, at the top. */
struct evjson_err {
	const char	*at;
	const char	*what;
};

struct evjson_rd {
	struct evjson_reader		*r;
	const struct evjson_paths	*paths;
	const char			*end;
	evjson_leaf_fn			 fn;
	void				*arg;
	struct evjson_err		 err;
	int				 depth;
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

static int
evjson_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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
		while (p < end && (c = (unsigned char)*p) >= 0x20 && c != '"' &&
		    c != '\\')
			p++;
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
				if (p + 2 + i >= end || evjson_hex(p[2 + i]) < 0)
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
	return (unsigned)(evjson_hex(p[0]) << 12 | evjson_hex(p[1]) << 8 |
	    evjson_hex(p[2]) << 4 | evjson_hex(p[3]));
}

static size_t
evjson_utf8(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
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
			n += evjson_utf8(cp, out + n);
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
	size_t i;

	for (i = 0; i < sizeof lits / sizeof lits[0]; i++) {
		if (*p == lits[i].text[0]) {
			if ((size_t)(end - p) < lits[i].len ||
			    memcmp(p, lits[i].text, lits[i].len) != 0)
				break;
			*t = lits[i].type;
			return p + lits[i].len;
		}
	}
	return evjson_fail(e, p, "unexpected character");
}

/* Validates and skips one value without recursion: a bit per level says
 * object (1) or array (0). */
static const char *
evjson_skip_value(const char *p, const char *end, struct evjson_err *e)
{
	uint64_t kinds[EVJSON_MAX_DEPTH / 64 + 1];
	enum evjson_type t;
	int depth = 0;
	bool esc, obj;

	p = evjson_skip_ws(p, end);
value:
	if (p >= end)
		return evjson_fail(e, p, "unexpected end of input");
	switch (*p) {
	case '{':
	case '[':
		if (depth == EVJSON_MAX_DEPTH)
			return evjson_fail(e, p, "nesting too deep");
		obj = *p == '{';
		if (obj)
			kinds[depth / 64] |= (uint64_t)1 << (depth % 64);
		else
			kinds[depth / 64] &= ~((uint64_t)1 << (depth % 64));
		depth++;
		p = evjson_skip_ws(p + 1, end);
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
	p = evjson_skip_ws(p, end);
	if (p >= end || *p != ':')
		return evjson_fail(e, p, "expected ':'");
	p = evjson_skip_ws(p + 1, end);
	goto value;
next:
	if (depth == 0)
		return p;
	p = evjson_skip_ws(p, end);
	obj = (kinds[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1;
	if (p < end && *p == ',') {
		p = evjson_skip_ws(p + 1, end);
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
	struct evjson_err e = { NULL, NULL };
	const char *q;

	if ((q = evjson_skip_value(p, end, &e)) == NULL)
		*cause = xasprintf("offset %zu: %s", (size_t)(e.at - p), e.what);
	return q;
}

struct evjson_paths *
evjson_paths_new(void)
{
	struct evjson_paths *t = xcalloc(1, sizeof *t);

	t->cap = 64;
	t->nodes = xcalloc(t->cap, sizeof *t->nodes);
	t->nodes[0] = (struct evjson_node){ -1, -1, -1, -1, 0 };
	t->nnodes = 1;
	return t;
}

void
evjson_paths_free(struct evjson_paths *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
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

int
evjson_paths_add(struct evjson_paths *t, const char *path)
{
	const uint8_t *s;
	int n = 0, c;

	for (s = (const uint8_t *)path; *s != '\0'; s++) {
		if ((c = evjson_node_child(t, n, *s)) < 0) {
			if (t->nnodes == t->cap) {
				t->nodes = xreallocarray(t->nodes, t->cap * 2,
				    sizeof *t->nodes);
				t->cap *= 2;
			}
			c = (int)t->nnodes++;
			t->nodes[c] = (struct evjson_node){ -1, -1,
			    t->nodes[n].child, -1, *s };
			t->nodes[n].child = c;
			if (*s == '.')
				t->nodes[n].dot = c;
		}
		n = c;
	}
	if (t->nodes[n].id < 0)
		t->nodes[n].id = t->npaths++;
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

static const char *evjson_walk(struct evjson_rd *, const char *, int, bool);

static const char *
evjson_walk_object(struct evjson_rd *rd, const char *p, int node, bool top)
{
	const struct evjson_node *nodes = rd->paths->nodes;
	const char *end = rd->end, *key;
	size_t klen, i;
	int kstart, kn;

	kstart = top ? node : nodes[node].dot;
	if (kstart < 0)
		return evjson_skip_value(p, end, &rd->err);
	p = evjson_skip_ws(p + 1, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= end || *p != '"')
			return evjson_fail(&rd->err, p, "expected a string key");
		if ((p = evjson_string(rd, p, &key, &klen)) == NULL)
			return NULL;
		kn = kstart;
		for (i = 0; i < klen && kn >= 0; i++)
			kn = evjson_node_child(rd->paths, kn, (uint8_t)key[i]);
		p = evjson_skip_ws(p, end);
		if (p >= end || *p != ':')
			return evjson_fail(&rd->err, p, "expected ':'");
		p = evjson_skip_ws(p + 1, end);
		if (kn < 0)
			p = evjson_skip_value(p, end, &rd->err);
		else
			p = evjson_walk(rd, p, kn, false);
		if (p == NULL)
			return NULL;
		p = evjson_skip_ws(p, end);
		if (p < end && *p == ',') {
			p = evjson_skip_ws(p + 1, end);
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
	p = evjson_skip_ws(p + 1, end);
	if (p < end && *p == ']') {
		r->nelems--;
		return p + 1;
	}
	for (;;) {
		if ((p = evjson_walk(rd, p, node, top)) == NULL)
			return NULL;
		p = evjson_skip_ws(p, end);
		if (p < end && *p == ',') {
			p = evjson_skip_ws(p + 1, end);
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
	if (n->id < 0 && n->dot < 0 && !top)
		return evjson_skip_value(p, end, &rd->err);
	if (*p == '{' || *p == '[') {
		if (rd->depth >= EVJSON_MAX_DEPTH)
			return evjson_fail(&rd->err, p, "nesting too deep");
		rd->depth++;
		q = *p == '{' ? evjson_walk_object(rd, p, node, top) :
		    evjson_walk_array(rd, p, node, top);
		rd->depth--;
		return q;
	}
	if (n->id < 0)
		return evjson_skip_value(p, end, &rd->err);
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
	struct evjson_rd rd;
	const char *p, *end = json + len;

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
	rd.depth = 0;
	p = evjson_skip_ws(json, end);
	if (p >= end) {
		*cause = xasprintf("offset %zu: empty input", (size_t)(p - json));
		return -1;
	}
	if (root < 0)
		p = evjson_skip_value(p, end, &rd.err);
	else
		p = evjson_walk(&rd, p, root, root == 0);
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
