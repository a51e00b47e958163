/* The views: one file each, defined by an ops table (like tig's), and the
 * console state they share.  ui.c owns the loop, the screen, the prompt,
 * the model objects and the views' private state; a view draws into the
 * rect it is given and never blocks.  Which views there are, their names
 * and keys come from VIEW_INFO (actions.h).
 *
 * Lists: a view with a cursor says how many rows it has and where the
 * cursor is (list), and the framework moves it (select) for up, down,
 * page up/down, top and bottom before the view sees any action, as tig's
 * move_view does.
 *
 * Ownership: struct ui owns the client, conf, setup and monitor, and
 * each view's private state (private_size bytes, zeroed; the view's free
 * op releases what it points to, the framework the block itself). */
#ifndef S3W_VIEW_H
#define S3W_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "actions.h"
#include "draw.h"
#include "loop.h"
#include "monitor.h"
#include "setup.h"

#define VIEW_ENUM_(id, name, title, heading)	VIEW_##id,
enum view_id {
	VIEW_INFO(VIEW_ENUM_)
	VIEW_COUNT
};
#undef VIEW_ENUM_

struct ui;

/* Where a list stands, for the framework's movement. */
struct view_list {
	size_t	rows;		/* 0: nothing to move over */
	size_t	page;		/* rows a page moves */
	/* The cursor: an int of the view's that the framework moves, or
	 * (at NULL) a row the view's select op moves to. */
	int	*at;
	size_t	cursor;		/* < rows */
};

struct view_ops {
	size_t	  private_size;			/* ui->priv[id], zeroed */
	void	(*init)(struct ui *);		/* may be NULL */
	void	(*free)(struct ui *);		/* may be NULL */
	void	(*enter)(struct ui *);		/* may be NULL */
	void	(*leave)(struct ui *);		/* may be NULL */
	void	(*draw)(struct ui *, const struct rect *);
	/* A list: its rows and cursor now, and (unless list says where
	 * the cursor is) the move to row (< rows); NULL: no list. */
	void	(*list)(struct ui *, struct view_list *);
	void	(*select)(struct ui *, size_t row);
	/* The view's own actions; true when it handled one. */
	bool	(*action)(struct ui *, enum action);
	/* About 1/s, and faster while busy; mark dirty if it changed. */
	void	(*on_tick)(struct ui *, uint64_t now_ms);
	/* Work in flight: quitting asks, spinners run. */
	bool	(*busy)(struct ui *);
	/* Cancel work in flight before exit. */
	void	(*stop)(struct ui *);
};

#define VIEW_OPS_DECL_(id, name, title, heading) \
	extern const struct view_ops view_##name##_ops;
VIEW_INFO(VIEW_OPS_DECL_)
#undef VIEW_OPS_DECL_

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
/* A line for a secret (an MFA code, a passphrase): the same as
 * ui_ask_text, but each character shows as '*', the text is never drawn,
 * logged or kept, and its buffer is wiped once fn returns (fn must copy
 * what it keeps, and wipe that too). */
void	ui_ask_secret(struct ui *, const char *label, ui_text_fn, void *arg);
/* The clock the views draw with (monotonic ms): the loop's, or, under a
 * script (S3WATCH_SCRIPT), a fixed one, so that screens repeat. */
uint64_t ui_now_ms(void);

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
