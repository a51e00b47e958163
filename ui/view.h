/* The views: one file each, defined by an ops table (like tig's), and the
 * console state they share.  ui.c owns the loop, the screen, the prompt
 * and the model objects; a view keeps its own state in its private
 * pointer and draws into the rect it is given, never blocking.
 *
 * Ownership: struct ui owns the client, conf, setup and monitor; each
 * view owns its private state (freed by its free op). */
#ifndef S3W_VIEW_H
#define S3W_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "actions.h"
#include "draw.h"
#include "loop.h"
#include "monitor.h"
#include "setup.h"

enum view_id {
	VIEW_SETUP,
	VIEW_MONITOR,
	VIEW_ALERTS,
	VIEW_VALIDATE,
	VIEW_HELP,
	VIEW_COUNT
};

struct ui;

struct view_ops {
	const char		*name;		/* for --view */
	const char		*title;		/* in the top bar */
	enum action_scope	 scope;		/* its keys in actions.c */
	void	(*init)(struct ui *);
	void	(*free)(struct ui *);
	void	(*enter)(struct ui *);		/* may be NULL */
	void	(*leave)(struct ui *);		/* may be NULL */
	void	(*draw)(struct ui *, const struct rect *);
	/* true when the view handled it. */
	bool	(*action)(struct ui *, enum action);
	/* About 1/s, and faster while busy; mark dirty if it changed. */
	void	(*on_tick)(struct ui *, uint64_t now_ms);
	/* Work in flight: quitting asks, spinners run. */
	bool	(*busy)(struct ui *);
	/* Cancel work in flight before exit. */
	void	(*stop)(struct ui *);
};

extern const struct view_ops view_setup_ops;
extern const struct view_ops view_monitor_ops;
extern const struct view_ops view_alerts_ops;
extern const struct view_ops view_validate_ops;
extern const struct view_ops view_help_ops;

typedef void (*ui_yesno_fn)(struct ui *, bool yes, void *arg);
/* text NULL: cancelled (Esc). */
typedef void (*ui_text_fn)(struct ui *, const char *text, void *arg);

struct ui {
	const struct cmd_globals *g;
	struct aws_client	*client;
	struct loop		*loop;
	struct conf		*conf;
	struct setup		*setup;		/* NULL: unusable (banner) */
	struct monitor		*monitor;	/* NULL until names are known */
	char			*who;		/* user@host for acks */
	char			*banner;	/* a problem to show, or NULL */
	char			*monitor_error;	/* why there is no monitor */

	enum view_id		 view;
	void			*priv[VIEW_COUNT];
	int			 pending;	/* async actions in flight */

	bool			 dirty;
	bool			 quit;
	uint64_t		 last_frame_ms;
	struct loop_timer	*frame_timer;

	char			*message;	/* the bottom bar's note */
	bool			 message_error;
	uint64_t		 message_ms;
};

/* Ask for a redraw (rate-limited; none while nothing changes). */
void	ui_dirty(struct ui *);
void	ui_switch(struct ui *, enum view_id);
/* A note in the bottom bar for a few seconds. */
void	ui_message(struct ui *, bool error, const char *fmt, ...)
	    ATTR_FORMAT(3, 4);
/* Modal prompt lines: y/n, or a line of text. */
void	ui_ask_yesno(struct ui *, const char *question, ui_yesno_fn,
	    void *arg);
void	ui_ask_text(struct ui *, const char *label, ui_text_fn, void *arg);

/* Starts a setup run the wizard shows (no confirmation). */
void	view_setup_run(struct ui *, enum setup_op, int first, int last);

/* Model events, from ui.c's callbacks to the views that keep them. */
void	view_setup_event(struct ui *, const struct setup_event *);
void	view_monitor_event(struct ui *, enum monitor_event,
	    const struct monitor_record *, const struct alert *,
	    const char *text);
/* Select an event by CloudTrail eventID; false if not in the ring. */
bool	view_monitor_select(struct ui *, const char *event_id);

#endif
