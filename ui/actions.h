/* The console's views, every action, its keys and its help text: two
 * X-macros, the single source of truth for the view switcher, key
 * dispatch, the hint line, the help view and the generated docs.  Keys
 * are curses codes (KEY_*) or characters; a view's own actions are looked
 * up before the list ones, and those before the global ones. */
#ifndef S3W_ACTIONS_H
#define S3W_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* The views, in tab order; the key of the Nth is the digit N.
 * _(ID, name, title, heading): name for --view and view-NAME, title in
 * the tab bar, heading over its keys in the help view (and the help of
 * its view-NAME action).  Each view file defines view_<name>_ops. */
#define VIEW_INFO(_) \
	_(SETUP,	setup,		"Setup",	"Setup wizard") \
	_(MONITOR,	monitor,	"Monitor",	"Live monitor") \
	_(ALERTS,	alerts,		"Alerts",	"Alerts") \
	_(VALIDATE,	validate,	"Validate",	"Validation tests") \
	_(HELP,		help,		"Help",		"Help")

/* The actions: _(ID, SCOPE, "name", hint, "help", key...) with at most
 * ACTION_MAX_KEYS keys; hint 1 shows it in the bottom bar of its view.
 * V(...) is applied to VIEW_INFO for the view-NAME actions.  The key
 * expressions (KEY_*, CTRL()) are only expanded in actions.c. */
#define ACTION_MAX_KEYS	4
#define ACTION_INFO(_, V) \
	_(QUIT,		GLOBAL,	"quit",		1, \
	  "Quit (asks first when work is in flight)", 'q', 'Q') \
	_(HELP,		GLOBAL,	"help",		1, \
	  "Show this help", '?', KEY_F(1)) \
	_(REDRAW,	GLOBAL,	"redraw",	0, \
	  "Redraw the whole screen", CTRL('l')) \
	_(NEXT_VIEW,	GLOBAL,	"next-view",	0, \
	  "Next view", '\t') \
	_(PREV_VIEW,	GLOBAL,	"prev-view",	0, \
	  "Previous view", KEY_BTAB) \
	VIEW_INFO(V) \
	\
	_(UP,		LIST,	"up",		0, \
	  "Move up", 'k', KEY_UP) \
	_(DOWN,		LIST,	"down",		0, \
	  "Move down", 'j', KEY_DOWN) \
	_(PAGE_UP,	LIST,	"page-up",	0, \
	  "Page up", KEY_PPAGE, CTRL('b')) \
	_(PAGE_DOWN,	LIST,	"page-down",	0, \
	  "Page down", KEY_NPAGE, CTRL('f'), ' ') \
	_(TOP,		LIST,	"top",		0, \
	  "First line", 'g', KEY_HOME) \
	_(BOTTOM,	LIST,	"bottom",	0, \
	  "Last line (in the monitor: follow again)", 'G', KEY_END) \
	\
	_(SETUP_APPLY,	SETUP,	"apply",	1, \
	  "Run the selected step (check, apply, verify)", 'r', '\n', \
	  KEY_ENTER) \
	_(SETUP_APPLY_ALL, SETUP, "apply-all",	1, \
	  "Run all ten steps", 'A') \
	_(SETUP_STATUS,	SETUP,	"status",	1, \
	  "Re-check every step (no writes)", 's') \
	_(SETUP_PLAN,	SETUP,	"plan",		1, \
	  "Plan: list the calls a run would make (no writes)", 'p') \
	_(SETUP_UNDO,	SETUP,	"undo",		1, \
	  "Undo the selected step (remove what it created)", 'u') \
	_(SETUP_UNDO_ALL, SETUP, "teardown",	0, \
	  "Tear down everything s3watch created", 'D') \
	_(SETUP_CANCEL,	SETUP,	"cancel",	0, \
	  "Cancel the run after the call in flight", 'c') \
	\
	_(MON_DETAIL,	MONITOR, "detail",	1, \
	  "Show or hide the selected event's JSON", '\n', KEY_ENTER) \
	_(MON_DETAIL_UP, MONITOR, "detail-up",	0, \
	  "Scroll the detail pane up", 'K') \
	_(MON_DETAIL_DOWN, MONITOR, "detail-down", 0, \
	  "Scroll the detail pane down", 'J') \
	_(MON_FOLLOW,	MONITOR, "follow",	0, \
	  "Follow the newest event", 'F') \
	_(MON_PAUSE,	MONITOR, "pause",	1, \
	  "Pause or resume the table (events keep arriving)", 'p') \
	_(MON_SEARCH,	MONITOR, "search",	1, \
	  "Search the events", '/') \
	_(MON_SEARCH_NEXT, MONITOR, "search-next", 0, \
	  "Next match", 'n') \
	_(MON_SEARCH_PREV, MONITOR, "search-prev", 0, \
	  "Previous match", 'N') \
	_(MON_FILTER,	MONITOR, "filter",	1, \
	  "Filter: text, or FIELD:TEXT (event ip principal bucket key " \
	  "result rule sev id any)", 'f') \
	_(MON_FILTER_HITS, MONITOR, "filter-hits", 0, \
	  "Show rule hits only", 'h') \
	_(MON_FILTER_ERRORS, MONITOR, "filter-errors", 0, \
	  "Show errors only", 'e') \
	_(MON_FILTER_CLEAR, MONITOR, "filter-clear", 0, \
	  "Clear the filter and the search", 'x') \
	_(MON_TOPN,	MONITOR, "top-n",	1, \
	  "Top source IPs, principals and denied calls", 't') \
	\
	_(ALERT_ACK,	ALERTS,	"ack",		1, \
	  "Acknowledge the selected alert, with an optional note", 'a') \
	_(ALERT_ACK_ALL, ALERTS, "ack-all",	1, \
	  "Acknowledge every alert shown", 'A') \
	_(ALERT_PUBLISH, ALERTS, "publish",	1, \
	  "Publish the selected alert to the topic", 'P') \
	_(ALERT_TEST,	ALERTS,	"test-publish",	1, \
	  "Publish a test alert to the topic", 'T') \
	_(ALERT_JUMP,	ALERTS,	"jump",		1, \
	  "Jump to the alert's last event in the monitor", '\n', KEY_ENTER) \
	_(ALERT_SCOPE,	ALERTS,	"scope",	1, \
	  "Show open, acknowledged or all alerts", 'v') \
	_(ALERT_GROUP,	ALERTS,	"group",	0, \
	  "Group by rule, with counts", 'o') \
	\
	_(VAL_RUN,	VALIDATE, "run",	1, \
	  "Run the selected test", 'r', '\n', KEY_ENTER) \
	_(VAL_RUN_ALL,	VALIDATE, "run-all",	1, \
	  "Run all four tests", 'A') \
	_(VAL_CANCEL,	VALIDATE, "cancel",	1, \
	  "Cancel the tests", 'c')

#define ACTION_ENUM_(id, scope, name, hint, ...)	ACT_##id,
#define ACTION_VIEW_ENUM_(id, name, title, heading)	ACT_VIEW_##id,
enum action {
	ACT_NONE,
	ACTION_INFO(ACTION_ENUM_, ACTION_VIEW_ENUM_)
	ACT_COUNT
};
#undef ACTION_ENUM_
#undef ACTION_VIEW_ENUM_

/* Where an action applies: everywhere, in every view with a list, or in
 * one view (ACT_S_VIEW(id) of its enum view_id, view.h). */
#define ACTION_SCOPE_ENUM_(id, name, title, heading)	ACT_S_##id,
enum action_scope {
	ACT_S_GLOBAL,
	ACT_S_LIST,
	VIEW_INFO(ACTION_SCOPE_ENUM_)
	ACT_S_COUNT
};
#undef ACTION_SCOPE_ENUM_
#define ACT_S_VIEW(view)	((enum action_scope)(ACT_S_LIST + 1 + (int)(view)))

struct action_def {
	enum action		 action;
	enum action_scope	 scope;
	const char		*name;		/* "setup-apply" */
	int			 keys[ACTION_MAX_KEYS];	/* 0 ends */
	const char		*help;
	int			 hint;		/* shown in the bottom bar */
};

/* In the order of ACTION_INFO: action_table[i].action is i + 1. */
extern const struct action_def action_table[];
extern const size_t action_count;

/* The action for key in a view's scope, else the list or global one. */
enum action	 action_find(enum action_scope, int key);
const struct action_def *action_def(enum action);
/* Up, down, page up/down, top and bottom: the ones the framework
 * handles for every list before a view sees them. */
bool		 action_is_move(enum action);
/* The cursor after a movement action in a list of n rows with page rows
 * to a page; *moved is false and cur returned for any other action. */
size_t		 action_move(enum action, size_t cur, size_t n, size_t page,
		    bool *moved);
/* The view (its enum view_id) that a view-NAME action opens, or -1. */
int		 action_view(enum action);
/* "j", "Down", "C-l", "PgUp", "Enter"; a static buffer. */
const char	*action_key_name(int key);
/* The key of such a name, or 0. */
int		 action_key_parse(const char *name);
/* The keys of an action, "j/Down"; a static buffer. */
const char	*action_keys(enum action);
const char	*action_scope_name(enum action_scope);

#endif
