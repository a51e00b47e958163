/* The console's action table: one row per action in enum order, unique
 * names, and no key bound twice where a view would see both (within a
 * scope, or between a view's scope and the list or global ones), unless
 * listed below as meant; every key reaches its action; key names read
 * back; list movement. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "actions.h"
#include "view.h"

/* Keys a view binds over a list or global one on purpose: none today.
 * { scope, key } */
static const struct {
	enum action_scope	scope;
	int			key;
} meant_overrides[] = {
	{ ACT_S_COUNT, 0 },
};

/* KEY_ENTER arrives as Enter ('\n') for every lookup. */
static int
canonical(int key)
{
	return key == KEY_ENTER || key == '\r' ? '\n' : key;
}

static bool
meant(enum action_scope s, int key)
{
	size_t i;

	for (i = 0; i < sizeof meant_overrides / sizeof meant_overrides[0]; i++)
		if (meant_overrides[i].scope == s &&
		    canonical(meant_overrides[i].key) == canonical(key))
			return true;
	return false;
}

static void
test_table(void **state)
{
	size_t i, j, k;

	(void)state;
	assert_int_equal(action_count, ACT_COUNT - 1);
	assert_null(action_def(ACT_NONE));
	assert_null(action_def(ACT_COUNT));
	for (i = 0; i < action_count; i++) {
		const struct action_def *d = &action_table[i];

		assert_int_equal(d->action, (int)i + 1);
		assert_ptr_equal(action_def(d->action), d);
		assert_true(d->scope >= ACT_S_GLOBAL && d->scope < ACT_S_COUNT);
		assert_non_null(d->name);
		assert_true(*d->name != '\0');
		assert_non_null(d->help);
		assert_true(*d->help != '\0');
		assert_true(d->keys[0] != 0);
		/* A name is unique within its scope (the same word in
		 * two views is fine: "cancel"). */
		for (j = 0; j < i; j++)
			if (action_table[j].scope == d->scope ||
			    action_table[j].scope == ACT_S_GLOBAL ||
			    d->scope == ACT_S_GLOBAL)
				if (strcmp(action_table[j].name, d->name) == 0)
					fail_msg("action name '%s' twice",
					    d->name);
		for (k = 0; k < ACTION_MAX_KEYS && d->keys[k] != 0; k++)
			assert_string_not_equal(action_key_name(d->keys[k]), "");
	}
}

/* Scopes where a view looks a key up: its own, lists, global. */
static bool
seen_together(enum action_scope a, enum action_scope b)
{
	if (a == b)
		return true;
	if (a > ACT_S_LIST && b > ACT_S_LIST)
		return false;	/* two views */
	return true;
}

static void
test_keys_unique(void **state)
{
	size_t i, j, k, l;
	int failures = 0;

	(void)state;
	for (i = 0; i < action_count; i++) {
		const struct action_def *a = &action_table[i];

		for (k = 0; k < ACTION_MAX_KEYS && a->keys[k] != 0; k++) {
			/* The same key twice in one row. */
			for (l = 0; l < k; l++)
				if (canonical(a->keys[l]) ==
				    canonical(a->keys[k]) &&
				    !(a->keys[l] == '\n' &&
				    a->keys[k] == KEY_ENTER)) {
					print_error("%s: key %s twice\n",
					    a->name, action_key_name(a->keys[k]));
					failures++;
				}
			for (j = 0; j < i; j++) {
				const struct action_def *b = &action_table[j];

				if (!seen_together(a->scope, b->scope))
					continue;
				for (l = 0; l < ACTION_MAX_KEYS &&
				    b->keys[l] != 0; l++) {
					if (canonical(b->keys[l]) !=
					    canonical(a->keys[k]))
						continue;
					if (a->scope != b->scope &&
					    (meant(a->scope, a->keys[k]) ||
					    meant(b->scope, b->keys[l])))
						continue;
					print_error("key %s bound to %s (%s) and "
					    "%s (%s)\n",
					    action_key_name(a->keys[k]),
					    b->name, action_scope_name(b->scope),
					    a->name, action_scope_name(a->scope));
					failures++;
				}
			}
		}
	}
	assert_int_equal(failures, 0);
}

/* Each key finds its action from every view that sees its scope. */
static void
test_keys_reach(void **state)
{
	enum action_scope s;
	size_t i, k;
	int v;

	(void)state;
	for (i = 0; i < action_count; i++) {
		const struct action_def *d = &action_table[i];

		for (k = 0; k < ACTION_MAX_KEYS && d->keys[k] != 0; k++)
			for (v = 0; v < VIEW_COUNT; v++) {
				s = ACT_S_VIEW(v);
				if (d->scope > ACT_S_LIST && d->scope != s)
					continue;
				if (meant(s, d->keys[k]) && d->scope != s)
					continue;
				if (action_find(s, d->keys[k]) != d->action)
					fail_msg("key %s in %s: not %s",
					    action_key_name(d->keys[k]),
					    action_scope_name(s), d->name);
			}
	}
	/* Enter as the terminal sends it. */
	assert_int_equal(action_find(ACT_S_VIEW(VIEW_SETUP), '\r'),
	    ACT_SETUP_APPLY);
	assert_int_equal(action_find(ACT_S_VIEW(VIEW_MONITOR), '\r'),
	    ACT_MON_DETAIL);
	/* Nothing is bound to these. */
	assert_int_equal(action_find(ACT_S_VIEW(VIEW_HELP), 'z'), ACT_NONE);
	assert_int_equal(action_find(ACT_S_VIEW(VIEW_HELP), 'r'), ACT_NONE);
}

/* The views' actions and scopes follow VIEW_INFO: view N, key N+1. */
static void
test_views(void **state)
{
	int v, n = 0;
	size_t i;

	(void)state;
	for (i = 0; i < action_count; i++) {
		v = action_view(action_table[i].action);
		if (v < 0)
			continue;
		n++;
		assert_int_equal(action_table[i].scope, ACT_S_GLOBAL);
		assert_int_equal(action_table[i].keys[0], '1' + v);
		assert_int_equal(action_table[i].keys[1], 0);
		assert_string_equal(action_table[i].help,
		    action_scope_name(ACT_S_VIEW(v)));
	}
	assert_int_equal(n, VIEW_COUNT);
	assert_int_equal(ACT_S_VIEW(VIEW_COUNT), ACT_S_COUNT);
	assert_int_equal(action_view(ACT_VIEW_SETUP), VIEW_SETUP);
	assert_int_equal(action_view(ACT_VIEW_HELP), VIEW_HELP);
	assert_int_equal(action_view(ACT_HELP), -1);
	assert_int_equal(action_view(ACT_NONE), -1);
	assert_string_equal(action_scope_name(ACT_S_GLOBAL), "Everywhere");
	assert_string_equal(action_scope_name(ACT_S_VIEW(VIEW_MONITOR)),
	    "Live monitor");
	assert_string_equal(action_scope_name(ACT_S_COUNT), "?");
}

static void
test_key_names(void **state)
{
	size_t i, k;
	int key;

	(void)state;
	for (i = 0; i < action_count; i++)
		for (k = 0; k < ACTION_MAX_KEYS &&
		    action_table[i].keys[k] != 0; k++) {
			key = action_table[i].keys[k];
			assert_int_equal(canonical(action_key_parse(
			    action_key_name(key))), canonical(key));
		}
	assert_string_equal(action_key_name(KEY_PPAGE), "PgUp");
	assert_string_equal(action_key_name(0x0c), "C-l");
	assert_string_equal(action_key_name(KEY_F(1)), "F1");
	assert_int_equal(action_key_parse("F12"), KEY_F(12));
	assert_int_equal(action_key_parse("C-f"), 0x06);
	assert_int_equal(action_key_parse("F13"), 0);
	assert_int_equal(action_key_parse("F0"), 0);
	assert_int_equal(action_key_parse("C-"), 0);
	assert_int_equal(action_key_parse("Nope"), 0);
	assert_int_equal(action_key_parse(""), 0);
	assert_string_equal(action_keys(ACT_SETUP_APPLY), "r/Enter");
	assert_string_equal(action_keys(ACT_PAGE_DOWN), "PgDn/C-f/Space");
	assert_string_equal(action_keys(ACT_NONE), "");
}

static void
test_move(void **state)
{
	static const struct {
		enum action	a;
		size_t		cur, n, page, want;
	} cases[] = {
		{ ACT_UP, 3, 10, 4, 2 },
		{ ACT_UP, 0, 10, 4, 0 },
		{ ACT_DOWN, 3, 10, 4, 4 },
		{ ACT_DOWN, 9, 10, 4, 9 },
		{ ACT_PAGE_UP, 7, 10, 4, 3 },
		{ ACT_PAGE_UP, 3, 10, 4, 0 },
		{ ACT_PAGE_DOWN, 3, 10, 4, 7 },
		{ ACT_PAGE_DOWN, 6, 10, 4, 9 },
		{ ACT_PAGE_DOWN, 5, 10, 4, 9 },
		{ ACT_TOP, 7, 10, 4, 0 },
		{ ACT_BOTTOM, 2, 10, 4, 9 },
		/* An empty list, a cursor past the end, a page of 0. */
		{ ACT_DOWN, 0, 0, 4, 0 },
		{ ACT_BOTTOM, 0, 0, 4, 0 },
		{ ACT_UP, 20, 10, 4, 8 },
		{ ACT_PAGE_DOWN, 2, 10, 0, 3 },
	};
	size_t i;
	bool moved;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(action_move(cases[i].a, cases[i].cur,
		    cases[i].n, cases[i].page, &moved), cases[i].want);
		assert_true(moved);
	}
	assert_int_equal(action_move(ACT_QUIT, 5, 10, 4, &moved), 5);
	assert_false(moved);
	assert_false(action_is_move(ACT_MON_DETAIL));
	assert_true(action_is_move(ACT_BOTTOM));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_keys_unique),
		cmocka_unit_test(test_keys_reach),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
