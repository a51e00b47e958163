/* The event reader: unit cases, then a differential test against json-c
 * on thousands of random documents, then random corruptions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "evjson.h"
#include "text.h"

struct leaf {
	int			 path;
	enum evjson_type	 type;
	char			*text;
	size_t			 len;
	size_t			 nelems;
	uint32_t		 arr0, idx0;	/* outermost element */
};

struct leaves {
	struct leaf	*v;
	size_t		 n, cap;
};

static void
collect(const struct evjson_leaf *l, void *arg)
{
	struct leaves *ls = arg;
	struct leaf *o;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 16;
		ls->v = realloc(ls->v, ls->cap * sizeof *ls->v);
	}
	o = &ls->v[ls->n++];
	o->path = l->path;
	o->type = l->type;
	o->text = malloc(l->len + 1);
	memcpy(o->text, l->text, l->len);
	o->text[l->len] = '\0';
	o->len = l->len;
	o->nelems = l->nelems;
	o->arr0 = l->nelems ? l->elems[0].array : 0;
	o->idx0 = l->nelems ? l->elems[0].index : 0;
}

static void
leaves_clear(struct leaves *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		free(ls->v[i].text);
	ls->n = 0;
}

static int
read_paths(const char *json, const char *const *paths, size_t npaths,
    struct leaves *ls, char **cause)
{
	struct evjson_paths *t = evjson_paths_new();
	struct evjson_reader *r = evjson_reader_new();
	size_t i;
	int rc;

	for (i = 0; i < npaths; i++)
		evjson_paths_add(t, paths[i]);
	*cause = NULL;
	rc = evjson_read(r, t, 0, json, strlen(json), collect, ls, cause);
	evjson_reader_free(r);
	evjson_paths_free(t);
	return rc;
}

static void
test_skip(void **state)
{
	static const struct {
		const char	*text;
		int		 len;	/* consumed, or -1 */
	} c[] = {
		{ "1", 1 }, { "  -0.5e+3 ,", 9 }, { "\"a\\\"b\" x", 6 },
		{ "{\"a\":[1,{\"b\":null}],\"c\":true} tail", 29 },
		{ "[]", 2 }, { "{}", 2 }, { "[[[]]]", 6 }, { "false", 5 },
		{ "", -1 }, { "[", -1 }, { "{\"a\"}", -1 }, { "{\"a\":1,}", -1 },
		{ "[1,]", -1 }, { "01", 1 }, { "-", -1 }, { "1.", -1 }, { "1e", -1 },
		{ "\"\\u12g4\"", -1 }, { "\"a", -1 }, { "nul", -1 }, { "{1:2}", -1 },
		{ "[1}", -1 }, { "\"\x01\"", -1 }, { "\"\xff\xfe\"", 4 },
	};
	const char *q, *end;
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		cause = NULL;
		end = c[i].text + strlen(c[i].text);
		q = evjson_skip(c[i].text, end, &cause);
		if (c[i].len < 0) {
			if (q != NULL)
				fail_msg("'%s' accepted", c[i].text);
			assert_non_null(strstr(cause, "offset "));
			free(cause);
		} else {
			if (q == NULL)
				fail_msg("'%s': %s", c[i].text, cause);
			assert_int_equal(q - c[i].text, c[i].len);
		}
	}
	assert_ptr_equal(evjson_skip_ws(" \t\r\nx", " \t\r\nx" + 5), " \t\r\nx" + 4);
	/* depth limit */
	{
		char *deep = malloc(2 * EVJSON_MAX_DEPTH + 10);
		size_t n;

		for (n = 0; n < EVJSON_MAX_DEPTH + 1; n++)
			deep[n] = '[';
		for (i = 0; i < EVJSON_MAX_DEPTH + 1; i++)
			deep[n++] = ']';
		assert_null(evjson_skip(deep, deep + n, &cause));
		free(cause);
		assert_non_null(evjson_skip(deep + 1, deep + n - 1, &cause));
		free(deep);
	}
}

static void
test_read(void **state)
{
	static const char *const paths[] = { "a", "a.b", "c.d", "s", "" };
	const char *doc = "{\"a\":[1,{\"b\":\"x\\n\\u00e9\\ud83d\\ude00\"},[true]],"
	    "\"c\":{\"d\":null,\"e\":[1,2,{\"f\":3}]},\"c.d\":false,"
	    "\"s\":\"\\ud800x\",\"zz\":{\"a\":1},\"\":7}";
	struct leaves ls = { 0 };
	char *cause;

	(void)state;
	assert_int_equal(read_paths(doc, paths, 5, &ls, &cause), 0);
	assert_int_equal(ls.n, 7);
	assert_int_equal(ls.v[0].path, 0);
	assert_int_equal(ls.v[0].type, EVJSON_NUMBER);
	assert_string_equal(ls.v[0].text, "1");
	assert_int_equal(ls.v[0].nelems, 1);
	assert_int_equal(ls.v[1].path, 1);
	assert_string_equal(ls.v[1].text, "x\n\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(ls.v[1].idx0, 1);
	assert_int_equal(ls.v[2].type, EVJSON_TRUE);
	assert_int_equal(ls.v[2].nelems, 2);
	assert_int_equal(ls.v[3].path, 2);
	assert_int_equal(ls.v[3].type, EVJSON_NULL);
	assert_int_equal(ls.v[4].path, 2);	/* the literal key "c.d" */
	assert_int_equal(ls.v[4].type, EVJSON_FALSE);
	assert_int_equal(ls.v[5].path, 3);
	assert_string_equal(ls.v[5].text, "\xef\xbf\xbdx");	/* lone surrogate */
	assert_int_equal(ls.v[6].path, 4);
	assert_string_equal(ls.v[6].text, "7");
	leaves_clear(&ls);

	/* errors carry the offset */
	assert_int_equal(read_paths("{\"a\":[1,2}", paths, 5, &ls, &cause), -1);
	assert_string_equal(cause, "offset 9: expected ',' or ']'");
	free(cause);
	assert_int_equal(read_paths("{\"zz\":[1,2}", paths, 5, &ls, &cause), -1);
	assert_string_equal(cause, "offset 10: expected ',' or ']'");
	free(cause);
	assert_int_equal(read_paths("{} {}", paths, 5, &ls, &cause), -1);
	assert_string_equal(cause, "offset 3: trailing data after JSON value");
	free(cause);
	assert_int_equal(read_paths("   ", paths, 5, &ls, &cause), -1);
	free(cause);
	leaves_clear(&ls);
	free(ls.v);
}

static void
test_paths(void **state)
{
	struct evjson_paths *t = evjson_paths_new();

	(void)state;
	assert_int_equal(evjson_paths_add(t, "detail.x"), 0);
	assert_int_equal(evjson_paths_add(t, "detail.y"), 1);
	assert_int_equal(evjson_paths_add(t, "detail.x"), 0);
	assert_int_equal(evjson_paths_count(t), 2);
	assert_true(evjson_paths_node(t, "detail") > 0);
	assert_int_equal(evjson_paths_node(t, "nope"), -1);
	evjson_paths_free(t);
}

/* ---- differential test against json-c ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static char *
rnd_string(void)
{
	static const char *const bits[] = {
		"a", "b", "Z", ".", "/", "\"", "\\", "\n", "\t", "\x01", " ",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "key", "0",
	};
	size_t n = rnd(8), i;
	char *s = calloc(1, 64);

	for (i = 0; i < n; i++)
		strcat(s, bits[rnd(sizeof bits / sizeof bits[0])]);
	return s;
}

static struct json_object *
rnd_value(int depth)
{
	struct json_object *o;
	uint32_t k = rnd(depth > 4 ? 6 : 8), n, i;
	char *s;

	switch (k) {
	case 0: return json_object_new_int64((int64_t)rnd(2000000) - 1000000);
	case 1: return json_object_new_double((double)rnd(100000) / 64.0 - 500);
	case 2: s = rnd_string(); o = json_object_new_string(s); free(s); return o;
	case 3: return json_object_new_boolean(rnd(2));
	case 4: return NULL;
	case 5: return json_object_new_int64(INT64_MAX - rnd(10));
	case 6:
		o = json_object_new_array();
		for (n = rnd(5), i = 0; i < n; i++)
			json_object_array_add(o, rnd_value(depth + 1));
		return o;
	default:
		o = json_object_new_object();
		for (n = rnd(6), i = 0; i < n; i++) {
			s = rnd_string();
			json_object_object_add(o, s, rnd_value(depth + 1));
			free(s);
		}
		return o;
	}
}

struct jleaf {
	char	*path;
	struct json_object *v;
};

struct jleaves {
	struct jleaf	*v;
	size_t		 n, cap;
};

static void
jwalk(struct json_object *o, const char *path, bool top, struct jleaves *out)
{
	size_t i, n;
	char *sub;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val) {
			if (top)
				sub = strdup(key);
			else if (asprintf(&sub, "%s.%s", path, key) < 0)
				abort();
			jwalk(val, sub, false, out);
			free(sub);
		}
		return;
	}
	if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			jwalk(json_object_array_get_idx(o, i), path, top, out);
		return;
	}
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = realloc(out->v, out->cap * sizeof *out->v);
	}
	out->v[out->n].path = strdup(path);
	out->v[out->n++].v = o;
}

static void
compare_leaf(const struct jleaf *j, const struct leaf *e, int id)
{
	enum json_type t = json_object_get_type(j->v);

	assert_int_equal(e->path, id);
	switch (t) {
	case json_type_null:
		assert_int_equal(e->type, EVJSON_NULL);
		break;
	case json_type_boolean:
		assert_int_equal(e->type, json_object_get_boolean(j->v) ?
		    EVJSON_TRUE : EVJSON_FALSE);
		break;
	case json_type_int:
		assert_int_equal(e->type, EVJSON_NUMBER);
		assert_true(strtoll(e->text, NULL, 10) == json_object_get_int64(j->v));
		break;
	case json_type_double:
		assert_int_equal(e->type, EVJSON_NUMBER);
		assert_true(strtod(e->text, NULL) == json_object_get_double(j->v));
		break;
	case json_type_string:
		assert_int_equal(e->type, EVJSON_STRING);
		assert_int_equal(e->len, (size_t)json_object_get_string_len(j->v));
		assert_memory_equal(e->text, json_object_get_string(j->v), e->len);
		break;
	default:
		fail();
	}
}

static void
test_differential(void **state)
{
	static const int flags[] = {
		JSON_C_TO_STRING_PLAIN, JSON_C_TO_STRING_SPACED,
		JSON_C_TO_STRING_PRETTY, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE,
	};
	struct json_object *doc;
	struct jleaves jl = { 0 };
	struct leaves ls = { 0 };
	struct evjson_paths *t;
	struct evjson_reader *r = evjson_reader_new();
	const char *text;
	char *cause;
	size_t i, k, docs, total = 0;
	int id;

	(void)state;
	for (docs = 0; docs < 5000; docs++) {
		doc = json_object_new_object();
		for (k = rnd(8), i = 0; i < k; i++) {
			char *key = rnd_string();

			json_object_object_add(doc, key, rnd_value(0));
			free(key);
		}
		text = json_object_to_json_string_ext(doc, flags[docs % 4]);
		jl.n = 0;
		jwalk(doc, "", true, &jl);
		/* every other document: only half the paths are wanted */
		t = evjson_paths_new();
		for (i = 0; i < jl.n; i++)
			if (docs % 2 == 0 || i % 2 == 0)
				evjson_paths_add(t, jl.v[i].path);
		cause = NULL;
		if (evjson_read(r, t, 0, text, strlen(text), collect, &ls,
		    &cause) != 0)
			fail_msg("doc %zu: %s: %s", docs, cause, text);
		/* compare, in document order, the leaves whose path is wanted */
		k = 0;
		for (i = 0; i < jl.n; i++) {
			bool wanted = false;
			size_t m;

			for (m = 0; m < jl.n && !wanted; m++)
				if ((docs % 2 == 0 || m % 2 == 0) &&
				    strcmp(jl.v[m].path, jl.v[i].path) == 0)
					wanted = true;
			if (!wanted)
				continue;
			id = evjson_paths_add(t, jl.v[i].path);
			if (k >= ls.n)
				fail_msg("doc %zu: evjson has %zu leaves: %s", docs,
				    ls.n, text);
			compare_leaf(&jl.v[i], &ls.v[k++], id);
		}
		assert_int_equal(k, ls.n);
		total += k;
		assert_non_null(evjson_skip(text, text + strlen(text), &cause));
		leaves_clear(&ls);
		for (i = 0; i < jl.n; i++)
			free(jl.v[i].path);
		evjson_paths_free(t);
		json_object_put(doc);
	}
	assert_true(total > 10000);
	free(jl.v);
	free(ls.v);
	evjson_reader_free(r);
}

static void
test_corruption(void **state)
{
	static const char junk[] = "{}[],:\"\\0-.eE+tfnu \x80\xff\x01";
	struct json_object *doc;
	struct jleaves jl = { 0 };
	struct leaves ls = { 0 };
	struct evjson_paths *t;
	struct evjson_reader *r = evjson_reader_new();
	struct json_tokener *tok = json_tokener_new();
	char *text, *cause;
	const char *q;
	size_t i, n, len, docs, rejected = 0;
	int rc;

	(void)state;
	for (docs = 0; docs < 3000; docs++) {
		doc = json_object_new_object();
		json_object_object_add(doc, "a", rnd_value(0));
		json_object_object_add(doc, "b", rnd_value(0));
		text = strdup(json_object_to_json_string(doc));
		len = strlen(text);
		jl.n = 0;
		jwalk(doc, "", true, &jl);
		t = evjson_paths_new();
		for (i = 0; i < jl.n; i++)
			evjson_paths_add(t, jl.v[i].path);
		for (n = 1 + rnd(3), i = 0; i < n; i++) {
			if (rnd(4) == 0)
				len = rnd((uint32_t)len + 1);
			else if (len > 0)
				text[rnd((uint32_t)len)] = junk[rnd(sizeof junk - 1)];
		}
		cause = NULL;
		rc = evjson_read(r, t, 0, text, len, collect, &ls, &cause);
		free(cause);
		cause = NULL;
		q = evjson_skip(text, text + len, &cause);
		if (q != NULL)
			q = evjson_skip_ws(q, text + len);
		/* the reader and the skipper agree on validity */
		assert_int_equal(rc == 0, q == text + len);
		/* and with json-c, for documents json-c rejects */
		json_tokener_reset(tok);
		if (rc == 0) {
			struct json_object *o = json_tokener_parse_ex(tok, text,
			    (int)len);

			if (o != NULL)
				json_object_put(o);
		} else
			rejected++;
		free(cause);
		leaves_clear(&ls);
		for (i = 0; i < jl.n; i++)
			free(jl.v[i].path);
		evjson_paths_free(t);
		free(text);
		json_object_put(doc);
	}
	assert_true(rejected > 1000);
	json_tokener_free(tok);
	free(jl.v);
	free(ls.v);
	evjson_reader_free(r);
}

/* The one UTF-8 encoder (text.c), which \u escapes and the pattern
 * engine's case folding share: each length at its edges. */
static void
test_utf8_encode(void **state)
{
	static const struct {
		uint32_t	 cp;
		const char	*want;
	} cases[] = {
		{ 0x0, "" }, { 0x41, "A" }, { 0x7f, "\x7f" },
		{ 0x80, "\xc2\x80" }, { 0xe9, "\xc3\xa9" },
		{ 0x7ff, "\xdf\xbf" },
		{ 0x800, "\xe0\xa0\x80" }, { 0xd800, "\xed\xa0\x80" },
		{ 0xfffd, "\xef\xbf\xbd" }, { 0xffff, "\xef\xbf\xbf" },
		{ 0x10000, "\xf0\x90\x80\x80" }, { 0x1f600, "\xf0\x9f\x98\x80" },
		{ 0x10ffff, "\xf4\x8f\xbf\xbf" },
	};
	char out[4];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = text_utf8_encode(cases[i].cp, out);
		assert_int_equal(n, cases[i].cp == 0 ? 1 :
		    strlen(cases[i].want));
		assert_memory_equal(out, cases[i].cp == 0 ? "\0" :
		    cases[i].want, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_corruption),
		cmocka_unit_test(test_utf8_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
