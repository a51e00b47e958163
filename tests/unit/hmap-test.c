/* The hash map: the API's promises one by one, then random operations
 * checked against a plain array. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hmap.h"
#include "xalloc.h"

/* Values that are not pointers to anything: never dereferenced. */
#define V(i)	((void *)(uintptr_t)((i) + 1))
#define S(x)	x, sizeof(x) - 1

static void
test_empty(void **state)
{
	struct hmap *m = hmap_new(NULL);
	size_t len = 7;

	(void)state;
	assert_int_equal(hmap_count(m), 0);
	assert_null(hmap_find(m, S("a")));
	assert_null(hmap_find(m, "", 0));
	assert_null(hmap_remove(m, S("a")));
	assert_null(hmap_value_at(m, 0));
	assert_null(hmap_key_at(m, 0, &len));
	assert_int_equal(len, 7);
	hmap_free(m);
	hmap_free(NULL);
}

static void
test_insert_find(void **state)
{
	struct hmap *m = hmap_new(NULL);
	char key[32];
	const char *k;
	size_t i, len, n = 50000;

	(void)state;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "key-%zu", i);
		assert_null(hmap_insert(m, key, strlen(key), V(i)));
	}
	assert_int_equal(hmap_count(m), n);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "key-%zu", i);
		assert_ptr_equal(hmap_find(m, key, strlen(key)), V(i));
		/* Insertion order, and keys NUL-terminated copies. */
		k = hmap_key_at(m, i, &len);
		assert_int_equal(len, strlen(key));
		assert_string_equal(k, key);
		assert_ptr_not_equal(k, key);
		assert_ptr_equal(hmap_value_at(m, i), V(i));
	}
	assert_null(hmap_find(m, S("key-")));
	assert_null(hmap_find(m, S("key-50000")));
	/* A key already there: nothing changes, its value comes back. */
	assert_ptr_equal(hmap_insert(m, S("key-7"), V(99)), V(7));
	assert_ptr_equal(hmap_find(m, S("key-7")), V(7));
	assert_int_equal(hmap_count(m), n);
	hmap_free(m);
}

/* Keys are bytes: NUL inside, a prefix of another, empty. */
static void
test_bytes(void **state)
{
	struct hmap *m = hmap_new(NULL);
	size_t len;

	(void)state;
	assert_null(hmap_insert(m, S("a\0b"), V(1)));
	assert_null(hmap_insert(m, S("a\0c"), V(2)));
	assert_null(hmap_insert(m, S("a"), V(3)));
	assert_null(hmap_insert(m, "", 0, V(4)));
	assert_null(hmap_insert(m, S("rule\0principal"), V(5)));
	assert_null(hmap_insert(m, S("rul\0eprincipal"), V(6)));
	assert_int_equal(hmap_count(m), 6);
	assert_ptr_equal(hmap_find(m, S("a\0b")), V(1));
	assert_ptr_equal(hmap_find(m, S("a\0c")), V(2));
	assert_ptr_equal(hmap_find(m, S("a")), V(3));
	assert_ptr_equal(hmap_find(m, "", 0), V(4));
	assert_ptr_equal(hmap_find(m, S("rule\0principal")), V(5));
	assert_ptr_equal(hmap_find(m, S("rul\0eprincipal")), V(6));
	assert_null(hmap_find(m, S("a\0")));
	assert_memory_equal(hmap_key_at(m, 1, &len), "a\0c", 4);
	assert_int_equal(len, 3);
	assert_ptr_equal(hmap_remove(m, "", 0), V(4));
	assert_null(hmap_find(m, "", 0));
	assert_ptr_equal(hmap_find(m, S("a")), V(3));
	hmap_free(m);
}

/* The order after a removal: the last entry fills the place. */
static void
test_remove_order(void **state)
{
	struct hmap *m = hmap_new(NULL);
	static const char *const keys[] = { "a", "b", "c", "d", "e" };
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_null(hmap_insert(m, keys[i], 1, V(i)));
	assert_ptr_equal(hmap_remove(m, S("b")), V(1));
	assert_null(hmap_remove(m, S("b")));
	assert_int_equal(hmap_count(m), 4);
	assert_string_equal(hmap_key_at(m, 0, NULL), "a");
	assert_string_equal(hmap_key_at(m, 1, NULL), "e");
	assert_string_equal(hmap_key_at(m, 2, NULL), "c");
	assert_string_equal(hmap_key_at(m, 3, NULL), "d");
	/* The moved entry is still found, and so is every other. */
	for (i = 0; i < 5; i++)
		assert_ptr_equal(hmap_find(m, keys[i], 1), i == 1 ? NULL : V(i));
	assert_ptr_equal(hmap_remove(m, S("d")), V(3));	/* the last one */
	assert_int_equal(hmap_count(m), 3);
	assert_string_equal(hmap_key_at(m, 2, NULL), "c");
	/* Re-added: at the end. */
	assert_null(hmap_insert(m, S("b"), V(10)));
	assert_string_equal(hmap_key_at(m, 3, NULL), "b");
	hmap_free(m);
}

/* Removing while walking from the end visits every entry once. */
static void
test_remove_walking(void **state)
{
	struct hmap *m = hmap_new(NULL);
	char key[16];
	unsigned char seen[1000] = { 0 };
	size_t i, n = 1000, kept = 0;
	uintptr_t v;

	(void)state;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%zu", i);
		hmap_insert(m, key, strlen(key), V(i));
	}
	for (i = hmap_count(m); i-- > 0;) {
		v = (uintptr_t)hmap_value_at(m, i) - 1;
		seen[v]++;
		if (v % 3 == 0) {
			snprintf(key, sizeof key, "%zu", (size_t)v);
			assert_ptr_equal(hmap_remove(m, key, strlen(key)),
			    V(v));
		} else
			kept++;
	}
	for (i = 0; i < n; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(hmap_count(m), kept);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%zu", i);
		assert_ptr_equal(hmap_find(m, key, strlen(key)),
		    i % 3 == 0 ? NULL : V(i));
	}
	hmap_free(m);
}

static void
test_set(void **state)
{
	struct hmap *m = hmap_new(NULL);

	(void)state;
	assert_null(hmap_set(m, S("k"), V(1)));
	assert_ptr_equal(hmap_set(m, S("k"), V(2)), V(1));
	assert_ptr_equal(hmap_find(m, S("k")), V(2));
	assert_int_equal(hmap_count(m), 1);
	hmap_free(m);
}

static int freed;

static void
count_free(void *v)
{
	freed++;
	free(v);
}

/* An owning map frees what it holds, and only that. */
static void
test_owner(void **state)
{
	struct hmap *m = hmap_new(count_free);
	char *a = xstrdup("a"), *b = xstrdup("b"), *c = xstrdup("c");
	char *d = xstrdup("d"), *got;

	(void)state;
	freed = 0;
	assert_null(hmap_insert(m, S("a"), a));
	assert_null(hmap_insert(m, S("b"), b));
	assert_null(hmap_insert(m, S("c"), c));
	/* Not taken when the key is there. */
	assert_ptr_equal(hmap_insert(m, S("a"), d), a);
	/* Handed back: the caller's to free. */
	got = hmap_remove(m, S("b"));
	assert_ptr_equal(got, b);
	free(got);
	got = hmap_set(m, S("c"), d);
	assert_ptr_equal(got, c);
	free(got);
	assert_int_equal(freed, 0);
	hmap_free(m);
	assert_int_equal(freed, 2);	/* a and d */
}

/* Random inserts, sets and removes over a small key space (long probe
 * runs, many backward shifts), checked against a plain array. */
static void
test_random(void **state)
{
	enum { KEYS = 700, OPS = 200000 };
	struct hmap *m = hmap_new(NULL);
	uintptr_t ref[KEYS] = { 0 };
	char key[16];
	size_t i, n = 0, op, k, len;
	uint64_t x = 88172645463325252ull;
	void *got;

	(void)state;
	for (op = 0; op < OPS; op++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (size_t)(x % KEYS);
		snprintf(key, sizeof key, "k%zu", k);
		len = strlen(key);
		switch ((x >> 32) % 4) {
		case 0:
		case 1:
			got = hmap_insert(m, key, len, V(op));
			assert_ptr_equal(got, ref[k] != 0 ? (void *)ref[k] : NULL);
			if (ref[k] == 0) {
				ref[k] = (uintptr_t)V(op);
				n++;
			}
			break;
		case 2:
			got = hmap_remove(m, key, len);
			assert_ptr_equal(got, ref[k] != 0 ? (void *)ref[k] : NULL);
			if (ref[k] != 0)
				n--;
			ref[k] = 0;
			break;
		case 3:
			got = hmap_set(m, key, len, V(op));
			assert_ptr_equal(got, ref[k] != 0 ? (void *)ref[k] : NULL);
			if (ref[k] == 0)
				n++;
			ref[k] = (uintptr_t)V(op);
			break;
		}
		assert_int_equal(hmap_count(m), n);
		if (op % 5000 != 0)
			continue;
		for (i = 0; i < KEYS; i++) {
			snprintf(key, sizeof key, "k%zu", i);
			assert_ptr_equal(hmap_find(m, key, strlen(key)),
			    ref[i] != 0 ? (void *)ref[i] : NULL);
		}
		/* Every entry once in a walk. */
		for (i = 0; i < hmap_count(m); i++) {
			k = (size_t)strtoul((const char *)hmap_key_at(m, i,
			    NULL) + 1, NULL, 10);
			assert_ptr_equal(hmap_value_at(m, i), (void *)ref[k]);
		}
	}
	hmap_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_insert_find),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_remove_order),
		cmocka_unit_test(test_remove_walking),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
