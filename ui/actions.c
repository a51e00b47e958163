/* The action table, expanded from ACTION_INFO (see actions.h): adding a
 * row there is all it takes for a key to work, to appear in the help view
 * and, with hint set, in the bottom bar. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "actions.h"

#define CTRL(c)	((c) & 0x1f)
#define ESC	27

#define ACTION_ROW_(id, scope, name, hint, help, ...) \
	{ ACT_##id, ACT_S_##scope, name, { __VA_ARGS__ }, help, hint },
/* The Nth view's key is the digit N. */
#define ACTION_VIEW_ROW_(id, name, title, heading) \
	{ ACT_VIEW_##id, ACT_S_GLOBAL, "view-" #name, \
	  { '1' + (ACT_S_##id - ACT_S_LIST - 1) }, heading, 0 },
const struct action_def action_table[] = {
	ACTION_INFO(ACTION_ROW_, ACTION_VIEW_ROW_)
};
#undef ACTION_ROW_
#undef ACTION_VIEW_ROW_

#define ACTION_VIEW_COUNT_(id, name, title, heading)	+ 1
_Static_assert(0 VIEW_INFO(ACTION_VIEW_COUNT_) <= 9,
    "a view's key is one digit");
_Static_assert(sizeof action_table / sizeof action_table[0] ==
    ACT_COUNT - 1, "one row per action");
#undef ACTION_VIEW_COUNT_

const size_t action_count = sizeof action_table / sizeof action_table[0];

static enum action
action_lookup(enum action_scope scope, int key)
{
	size_t i, k;

	for (i = 0; i < action_count; i++) {
		if (action_table[i].scope != scope)
			continue;
		for (k = 0; k < ACTION_MAX_KEYS &&
		    action_table[i].keys[k] != 0; k++)
			if (action_table[i].keys[k] == key)
				return action_table[i].action;
	}
	return ACT_NONE;
}

enum action
action_find(enum action_scope scope, int key)
{
	enum action a;

	if (key == '\r' || key == KEY_ENTER)
		key = '\n';
	if ((a = action_lookup(scope, key)) != ACT_NONE)
		return a;
	if (scope != ACT_S_GLOBAL &&
	    (a = action_lookup(ACT_S_LIST, key)) != ACT_NONE)
		return a;
	return action_lookup(ACT_S_GLOBAL, key);
}

const struct action_def *
action_def(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? &action_table[a - 1] : NULL;
}

int
action_view(enum action a)
{
#define ACTION_VIEW_ID_(id, name, title, heading)	ACT_VIEW_##id,
	static const enum action views[] = { VIEW_INFO(ACTION_VIEW_ID_) };
#undef ACTION_VIEW_ID_
	size_t i;

	for (i = 0; i < sizeof views / sizeof views[0]; i++)
		if (views[i] == a)
			return (int)i;
	return -1;
}

/* Key names, for the help view and for key scripts. */
static const struct {
	int		 key;
	const char	*name;
} action_key_names[] = {
	{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" },
	{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" },
	{ KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" },
	{ KEY_END, "End" }, { KEY_ENTER, "Enter" },
	{ KEY_BTAB, "S-Tab" }, { '\n', "Enter" }, { '\t', "Tab" },
	{ ' ', "Space" }, { ESC, "Esc" }, { KEY_BACKSPACE, "BS" },
};

const char *
action_key_name(int key)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof action_key_names / sizeof action_key_names[0];
	    i++)
		if (action_key_names[i].key == key)
			return action_key_names[i].name;
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, sizeof buf, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 32)
		snprintf(buf, sizeof buf, "C-%c", key + 'a' - 1);
	else if (key > 32 && key < 127)
		snprintf(buf, sizeof buf, "%c", key);
	else
		snprintf(buf, sizeof buf, "#%d", key);
	return buf;
}

int
action_key_parse(const char *name)
{
	size_t i;
	char *end;
	long n;

	for (i = 0; i < sizeof action_key_names / sizeof action_key_names[0];
	    i++)
		if (strcmp(action_key_names[i].name, name) == 0)
			return action_key_names[i].key;
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		n = strtol(name + 1, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 12)
			return KEY_F((int)n);
	}
	if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' &&
	    name[2] <= 'z' && name[3] == '\0')
		return CTRL(name[2]);
	if (name[0] > 32 && name[0] < 127 && name[1] == '\0')
		return name[0];
	return 0;
}

const char *
action_keys(enum action a)
{
	static char buf[64];
	const struct action_def *d = action_def(a);
	size_t k, len = 0;
	int n;

	buf[0] = '\0';
	for (k = 0; d != NULL && k < ACTION_MAX_KEYS && d->keys[k] != 0; k++) {
		/* KEY_ENTER and '\n' both read "Enter": say it once. */
		if (d->keys[k] == KEY_ENTER && k > 0 && d->keys[k - 1] == '\n')
			continue;
		n = snprintf(buf + len, sizeof buf - len, "%s%s",
		    k > 0 ? "/" : "", action_key_name(d->keys[k]));
		if (n < 0 || (size_t)n >= sizeof buf - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

const char *
action_scope_name(enum action_scope s)
{
#define ACTION_HEADING_(id, name, title, heading)	heading,
	static const char *const names[ACT_S_COUNT] = { "Everywhere",
	    "Lists", VIEW_INFO(ACTION_HEADING_) };
#undef ACTION_HEADING_

	return s >= 0 && s < ACT_S_COUNT ? names[s] : "?";
}

bool
action_is_move(enum action a)
{
	return a == ACT_UP || a == ACT_DOWN || a == ACT_PAGE_UP ||
	    a == ACT_PAGE_DOWN || a == ACT_TOP || a == ACT_BOTTOM;
}

size_t
action_move(enum action a, size_t cur, size_t n, size_t page, bool *moved)
{
	size_t last = n > 0 ? n - 1 : 0;

	*moved = action_is_move(a);
	if (!*moved)
		return cur;
	if (cur > last)
		cur = last;
	if (page == 0)
		page = 1;
	switch (a) {
	case ACT_UP:
		return cur > 0 ? cur - 1 : 0;
	case ACT_DOWN:
		return cur < last ? cur + 1 : last;
	case ACT_PAGE_UP:
		return cur > page ? cur - page : 0;
	case ACT_PAGE_DOWN:
		return last - cur > page ? cur + page : last;
	case ACT_TOP:
		return 0;
	default:
		return last;
	}
}
