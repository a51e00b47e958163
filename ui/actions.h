/* Every console action, its keys and its help text: one table, the single
 * source of truth for key dispatch, the hint line and the help view.
 * Keys are curses codes (KEY_*) or characters; a view's own actions are
 * looked up before the global ones. */
#ifndef S3W_ACTIONS_H
#define S3W_ACTIONS_H

#include <stddef.h>

#define ACTION_MAX_KEYS	4

enum action {
	ACT_NONE,
	/* global */
	ACT_QUIT,
	ACT_HELP,
	ACT_REDRAW,
	ACT_NEXT_VIEW,
	ACT_PREV_VIEW,
	ACT_VIEW_SETUP,
	ACT_VIEW_MONITOR,
	ACT_VIEW_ALERTS,
	ACT_VIEW_VALIDATE,
	ACT_VIEW_HELP,
	/* lists */
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_TOP,
	ACT_BOTTOM,
	/* setup */
	ACT_SETUP_APPLY,
	ACT_SETUP_APPLY_ALL,
	ACT_SETUP_STATUS,
	ACT_SETUP_PLAN,
	ACT_SETUP_UNDO,
	ACT_SETUP_UNDO_ALL,
	ACT_SETUP_CANCEL,
	/* monitor */
	ACT_MON_DETAIL,
	ACT_MON_DETAIL_UP,
	ACT_MON_DETAIL_DOWN,
	ACT_MON_FOLLOW,
	ACT_MON_PAUSE,
	ACT_MON_SEARCH,
	ACT_MON_SEARCH_NEXT,
	ACT_MON_SEARCH_PREV,
	ACT_MON_FILTER,
	ACT_MON_FILTER_HITS,
	ACT_MON_FILTER_ERRORS,
	ACT_MON_FILTER_CLEAR,
	ACT_MON_TOPN,
	/* alerts */
	ACT_ALERT_ACK,
	ACT_ALERT_ACK_ALL,
	ACT_ALERT_PUBLISH,
	ACT_ALERT_TEST,
	ACT_ALERT_JUMP,
	ACT_ALERT_SCOPE,
	ACT_ALERT_GROUP,
	/* validate */
	ACT_VAL_RUN,
	ACT_VAL_RUN_ALL,
	ACT_VAL_CANCEL,
	ACT_COUNT
};

/* Where an action applies. */
enum action_scope {
	ACT_S_GLOBAL,
	ACT_S_LIST,		/* every view with a cursor */
	ACT_S_SETUP,
	ACT_S_MONITOR,
	ACT_S_ALERTS,
	ACT_S_VALIDATE,
	ACT_S_COUNT
};

struct action_def {
	enum action		 action;
	enum action_scope	 scope;
	const char		*name;		/* "setup-apply" */
	int			 keys[ACTION_MAX_KEYS];	/* 0 ends */
	const char		*help;
	int			 hint;		/* shown in the bottom bar */
};

extern const struct action_def action_table[];
extern const size_t action_count;

/* The action for key in a view's scope, else the list or global one. */
enum action	 action_find(enum action_scope, int key);
const struct action_def *action_def(enum action);
/* "j", "Down", "C-l", "PgUp", "Enter"; a static buffer. */
const char	*action_key_name(int key);
/* The keys of an action, "j/Down"; a static buffer. */
const char	*action_keys(enum action);
const char	*action_scope_name(enum action_scope);

#endif
