/* The action table (see actions.h).  Adding a row here is all it takes
 * for a key to work, to appear in the help view and, with hint set, in
 * the bottom bar. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "actions.h"

#define CTRL(c)	((c) & 0x1f)
#define ESC	27

const struct action_def action_table[] = {
	{ ACT_QUIT, ACT_S_GLOBAL, "quit", { 'q', 'Q' },
	  "Quit (asks first when work is in flight)", 1 },
	{ ACT_HELP, ACT_S_GLOBAL, "help", { '?', KEY_F(1) },
	  "Show this help", 1 },
	{ ACT_REDRAW, ACT_S_GLOBAL, "redraw", { CTRL('l') },
	  "Redraw the whole screen", 0 },
	{ ACT_NEXT_VIEW, ACT_S_GLOBAL, "next-view", { '\t' },
	  "Next view", 0 },
	{ ACT_PREV_VIEW, ACT_S_GLOBAL, "prev-view", { KEY_BTAB },
	  "Previous view", 0 },
	{ ACT_VIEW_SETUP, ACT_S_GLOBAL, "view-setup", { '1' },
	  "Setup wizard", 0 },
	{ ACT_VIEW_MONITOR, ACT_S_GLOBAL, "view-monitor", { '2' },
	  "Live monitor", 0 },
	{ ACT_VIEW_ALERTS, ACT_S_GLOBAL, "view-alerts", { '3' },
	  "Alerts", 0 },
	{ ACT_VIEW_VALIDATE, ACT_S_GLOBAL, "view-validate", { '4' },
	  "Validation tests", 0 },
	{ ACT_VIEW_HELP, ACT_S_GLOBAL, "view-help", { '5' },
	  "Help", 0 },

	{ ACT_UP, ACT_S_LIST, "up", { 'k', KEY_UP },
	  "Move up", 0 },
	{ ACT_DOWN, ACT_S_LIST, "down", { 'j', KEY_DOWN },
	  "Move down", 0 },
	{ ACT_PAGE_UP, ACT_S_LIST, "page-up", { KEY_PPAGE, CTRL('b') },
	  "Page up", 0 },
	{ ACT_PAGE_DOWN, ACT_S_LIST, "page-down", { KEY_NPAGE, CTRL('f'),
	  ' ' }, "Page down", 0 },
	{ ACT_TOP, ACT_S_LIST, "top", { 'g', KEY_HOME },
	  "First line", 0 },
	{ ACT_BOTTOM, ACT_S_LIST, "bottom", { 'G', KEY_END },
	  "Last line (in the monitor: follow again)", 0 },

	{ ACT_SETUP_APPLY, ACT_S_SETUP, "apply", { 'r', '\n',
	  KEY_ENTER }, "Run the selected step (check, apply, verify)", 1 },
	{ ACT_SETUP_APPLY_ALL, ACT_S_SETUP, "apply-all", { 'A' },
	  "Run all ten steps", 1 },
	{ ACT_SETUP_STATUS, ACT_S_SETUP, "status", { 's' },
	  "Re-check every step (no writes)", 1 },
	{ ACT_SETUP_PLAN, ACT_S_SETUP, "plan", { 'p' },
	  "Plan: list the calls a run would make (no writes)", 1 },
	{ ACT_SETUP_UNDO, ACT_S_SETUP, "undo", { 'u' },
	  "Undo the selected step (remove what it created)", 1 },
	{ ACT_SETUP_UNDO_ALL, ACT_S_SETUP, "teardown", { 'D' },
	  "Tear down everything s3watch created", 0 },
	{ ACT_SETUP_CANCEL, ACT_S_SETUP, "cancel", { 'c' },
	  "Cancel the run after the call in flight", 0 },

	{ ACT_MON_DETAIL, ACT_S_MONITOR, "detail", { '\n', KEY_ENTER },
	  "Show or hide the selected event's JSON", 1 },
	{ ACT_MON_DETAIL_UP, ACT_S_MONITOR, "detail-up", { 'K' },
	  "Scroll the detail pane up", 0 },
	{ ACT_MON_DETAIL_DOWN, ACT_S_MONITOR, "detail-down", { 'J' },
	  "Scroll the detail pane down", 0 },
	{ ACT_MON_FOLLOW, ACT_S_MONITOR, "follow", { 'F' },
	  "Follow the newest event", 0 },
	{ ACT_MON_PAUSE, ACT_S_MONITOR, "pause", { 'p' },
	  "Pause or resume the table (events keep arriving)", 1 },
	{ ACT_MON_SEARCH, ACT_S_MONITOR, "search", { '/' },
	  "Search the events", 1 },
	{ ACT_MON_SEARCH_NEXT, ACT_S_MONITOR, "search-next", { 'n' },
	  "Next match", 0 },
	{ ACT_MON_SEARCH_PREV, ACT_S_MONITOR, "search-prev", { 'N' },
	  "Previous match", 0 },
	{ ACT_MON_FILTER, ACT_S_MONITOR, "filter", { 'f' },
	  "Filter: text, or FIELD:TEXT (event ip principal bucket key "
	  "result rule sev)", 1 },
	{ ACT_MON_FILTER_HITS, ACT_S_MONITOR, "filter-hits", { 'h' },
	  "Show rule hits only", 0 },
	{ ACT_MON_FILTER_ERRORS, ACT_S_MONITOR, "filter-errors", { 'e' },
	  "Show errors only", 0 },
	{ ACT_MON_FILTER_CLEAR, ACT_S_MONITOR, "filter-clear", { 'x' },
	  "Clear the filter and the search", 0 },
	{ ACT_MON_TOPN, ACT_S_MONITOR, "top-n", { 't' },
	  "Top source IPs, principals and denied calls", 1 },

	{ ACT_ALERT_ACK, ACT_S_ALERTS, "ack", { 'a' },
	  "Acknowledge the selected alert, with an optional note", 1 },
	{ ACT_ALERT_ACK_ALL, ACT_S_ALERTS, "ack-all", { 'A' },
	  "Acknowledge every alert shown", 1 },
	{ ACT_ALERT_PUBLISH, ACT_S_ALERTS, "publish", { 'P' },
	  "Publish the selected alert to the topic", 1 },
	{ ACT_ALERT_TEST, ACT_S_ALERTS, "test-publish", { 'T' },
	  "Publish a test alert to the topic", 1 },
	{ ACT_ALERT_JUMP, ACT_S_ALERTS, "jump", { '\n', KEY_ENTER },
	  "Jump to the alert's last event in the monitor", 1 },
	{ ACT_ALERT_SCOPE, ACT_S_ALERTS, "scope", { 'v' },
	  "Show open, acknowledged or all alerts", 1 },
	{ ACT_ALERT_GROUP, ACT_S_ALERTS, "group", { 'o' },
	  "Group by rule, with counts", 0 },

	{ ACT_VAL_RUN, ACT_S_VALIDATE, "run", { 'r', '\n',
	  KEY_ENTER }, "Run the selected test", 1 },
	{ ACT_VAL_RUN_ALL, ACT_S_VALIDATE, "run-all", { 'A' },
	  "Run all four tests", 1 },
	{ ACT_VAL_CANCEL, ACT_S_VALIDATE, "cancel", { 'c' },
	  "Cancel the tests", 1 },
};

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
	size_t i;

	for (i = 0; i < action_count; i++)
		if (action_table[i].action == a)
			return &action_table[i];
	return NULL;
}

const char *
action_key_name(int key)
{
	static char buf[16];
	static const struct {
		int		 key;
		const char	*name;
	} names[] = {
		{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" },
		{ KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" },
		{ KEY_END, "End" }, { KEY_ENTER, "Enter" },
		{ KEY_BTAB, "S-Tab" }, { '\n', "Enter" }, { '\t', "Tab" },
		{ ' ', "Space" }, { ESC, "Esc" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == key)
			return names[i].name;
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
	static const char *const names[ACT_S_COUNT] = { "Everywhere",
	    "Lists", "Setup wizard", "Monitor", "Alerts", "Validation" };

	return names[s];
}
