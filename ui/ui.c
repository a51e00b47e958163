/* The console's frame: options, the model objects, curses, the one event
 * loop, the prompt line and the view switcher.  Views draw; this file
 * decides when (event-driven, at most ten frames a second, nothing when
 * idle) and owns the terminal, which it always restores. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "cmd.h"
#include "conf.h"
#include "ledger.h"
#include "loop.h"
#include "rules.h"
#include "session.h"
#include "statefile.h"
#include "text.h"
#include "theme.h"
#include "ui.h"
#include "view.h"

#define UI_FRAME_MS	100	/* at most ten frames a second */
#define UI_TICK_MS	1000
#define UI_BUSY_TICK_MS	150	/* spinners */
#define UI_MESSAGE_MS	6000
#define UI_MIN_COLS	60
#define UI_MIN_LINES	20
#define UI_STOP_WAIT_MS	5000	/* for calls in flight at exit */

static const struct view_ops *const ui_views[VIEW_COUNT] = {
	[VIEW_SETUP] = &view_setup_ops,
	[VIEW_MONITOR] = &view_monitor_ops,
	[VIEW_ALERTS] = &view_alerts_ops,
	[VIEW_VALIDATE] = &view_validate_ops,
	[VIEW_HELP] = &view_help_ops,
};

enum ui_prompt_kind {
	UI_PROMPT_NONE,
	UI_PROMPT_YESNO,
	UI_PROMPT_TEXT,
};

/* The one prompt line; a new question replaces nothing (it waits). */
static struct {
	enum ui_prompt_kind	 kind;
	char			*label;
	char			 buf[256];
	size_t			 len;
	ui_yesno_fn		 yesno;
	ui_text_fn		 text;
	void			*arg;
} ui_prompt;

static volatile sig_atomic_t	 ui_winch;
static bool			 ui_curses_on;
static struct loop_timer	*ui_tick_timer;
static struct loop_timer	*ui_exit_timer;

static void	ui_frame(struct ui *);

/* --- terminal ---------------------------------------------------------- */

static void
ui_end_curses(void)
{
	if (ui_curses_on) {
		ui_curses_on = false;
		endwin();
	}
}

static void
ui_on_winch(int sig)
{
	(void)sig;
	ui_winch = 1;
}

static void
ui_resize(struct ui *ui)
{
	struct winsize ws;

	/* resizeterm() queues a KEY_RESIZE, which comes back here: resize
	 * only when the size really changed, or that would never end. */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && is_term_resized(ws.ws_row, ws.ws_col))
		resizeterm(ws.ws_row, ws.ws_col);
	ui->dirty = true;
	ui_frame(ui);
}

static void
ui_start_curses(void)
{
	struct sigaction sa, before;

	/* Whether the loop already turns SIGWINCH into a wakeup of its own. */
	sigaction(SIGWINCH, NULL, &before);
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	initscr();
	ui_curses_on = true;
	xalloc_die_hook = ui_end_curses;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	/* ncurses' own handler only reports KEY_RESIZE at the next key; the
	 * loop's poll wakes on any signal, so a flag of ours is enough. */
	if (before.sa_handler == SIG_DFL || before.sa_handler == SIG_IGN) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = ui_on_winch;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, NULL);
	}
}

/* --- redraw ------------------------------------------------------------ */

static void
ui_on_frame(void *arg)
{
	struct ui *ui = arg;

	ui->frame_timer = NULL;
	if (ui->dirty)
		ui_frame(ui);
}

void
ui_dirty(struct ui *ui)
{
	uint64_t now = loop_now_ms(), due;

	ui->dirty = true;
	if (ui->frame_timer != NULL || !ui_curses_on)
		return;
	due = ui->last_frame_ms + UI_FRAME_MS;
	ui->frame_timer = loop_timer_add(ui->loop, due > now ? due - now : 0,
	    ui_on_frame, ui);
}

void
ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(ui->message);
	/* Messages carry AWS errors: make them safe once, here. */
	ui->message = text_safe_str(raw);
	free(raw);
	ui->message_error = error;
	ui->message_ms = loop_now_ms();
	ui_dirty(ui);
}

static bool
ui_busy(struct ui *ui)
{
	int i;

	if (ui->pending > 0)
		return true;
	for (i = 0; i < VIEW_COUNT; i++)
		if (ui_views[i]->busy != NULL && ui_views[i]->busy(ui))
			return true;
	return false;
}

static void
ui_draw_title(struct ui *ui)
{
	const char *acct = ui->setup != NULL ? setup_name(ui->setup,
	    "account") : NULL;
	const char *region = ui->setup != NULL ? setup_name(ui->setup,
	    "region") : NULL;
	char right[96];
	int x, i, w;

	draw_fill(0, 0, COLS, theme_attr(TR_TITLE));
	x = draw_text(0, 1, COLS - 1, theme_attr(TR_TITLE) | A_BOLD,
	    "s3watch") + 2;
	for (i = 0; i < VIEW_COUNT; i++) {
		char tab[32];

		snprintf(tab, sizeof tab, " %d %s ", i + 1,
		    ui_views[i]->title);
		x += draw_text(0, x, COLS - x, theme_attr((int)i ==
		    (int)ui->view ? TR_TAB_CURRENT : TR_TAB), tab);
	}
	snprintf(right, sizeof right, "%s%s%s%s%s ",
	    ui_busy(ui) ? draw_spinner(loop_now_ms()) : "",
	    ui_busy(ui) ? " " : "", acct != NULL ? acct : "",
	    acct != NULL && region != NULL ? " " : "",
	    region != NULL ? region : "");
	w = draw_width(right);
	if (x + w + 1 < COLS)
		draw_text(0, COLS - w, w, theme_attr(TR_TITLE), right);
}

static void
ui_draw_bottom(struct ui *ui)
{
	const struct view_ops *v = ui_views[ui->view];
	int y = LINES - 1, x = 0;
	size_t i;

	if (ui_prompt.kind != UI_PROMPT_NONE) {
		char *safe = text_safe(ui_prompt.buf, ui_prompt.len);

		draw_fill(y, 0, COLS, theme_attr(TR_PROMPT));
		x = draw_text(y, 0, COLS, theme_attr(TR_PROMPT) | A_BOLD,
		    ui_prompt.label);
		x += draw_text(y, x, COLS - x, theme_attr(TR_PROMPT),
		    ui_prompt.kind == UI_PROMPT_YESNO ? " (y/n) " : " ");
		if (ui_prompt.kind == UI_PROMPT_TEXT) {
			int sw = draw_width(safe);

			/* Keep the end of a long input in view. */
			x += draw_cell_tail(y, x, sw < COLS - x - 1 ? sw :
			    COLS - x - 1, theme_attr(TR_PROMPT), safe);
			draw_text(y, x, 1, theme_attr(TR_PROMPT) | A_REVERSE,
			    " ");
		}
		free(safe);
		return;
	}
	draw_fill(y, 0, COLS, theme_attr(TR_STATUS));
	if (ui->message != NULL) {
		draw_text(y, 1, COLS - 1, theme_attr(ui->message_error ?
		    TR_FAIL : TR_STATUS), ui->message);
		return;
	}
	/* Hints straight from the action table. */
	for (i = 0; i < action_count && x < COLS; i++) {
		const struct action_def *d = &action_table[i];

		if (!d->hint || (d->scope != v->scope &&
		    d->scope != ACT_S_GLOBAL))
			continue;
		if (d->scope == ACT_S_GLOBAL && v->scope != ACT_S_GLOBAL)
			continue;
		x++;
		x += draw_text(y, x, COLS - x, theme_attr(TR_KEY) |
		    theme_attr(TR_STATUS), action_key_name(d->keys[0]));
		x++;
		x += draw_text(y, x, COLS - x, theme_attr(TR_STATUS),
		    d->name);
		x++;
	}
	/* The global ones last, when they fit. */
	if (x + 16 < COLS) {
		draw_text(y, COLS - 15, 15, theme_attr(TR_STATUS), "? help  q quit");
	}
}

static void
ui_frame(struct ui *ui)
{
	struct rect r;

	if (!ui_curses_on)
		return;
	ui->dirty = false;
	ui->last_frame_ms = loop_now_ms();
	erase();
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		char msg[80];

		snprintf(msg, sizeof msg, "terminal too small: %dx%d, "
		    "s3watch needs %dx%d", COLS, LINES, UI_MIN_COLS,
		    UI_MIN_LINES);
		draw_text(LINES / 2, 0, COLS, theme_attr(TR_WARN), msg);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	ui_draw_title(ui);
	r.y = 1;
	r.x = 0;
	r.w = COLS;
	r.h = LINES - 2;
	if (ui->banner != NULL) {
		draw_fill(1, 0, COLS, theme_attr(TR_BANNER));
		draw_text(1, 1, COLS - 2, theme_attr(TR_BANNER), ui->banner);
		r.y++;
		r.h--;
	}
	ui_views[ui->view]->draw(ui, &r);
	ui_draw_bottom(ui);
	wnoutrefresh(stdscr);
	doupdate();
}

/* --- prompt and keys --------------------------------------------------- */

void
ui_ask_yesno(struct ui *ui, const char *question, ui_yesno_fn fn, void *arg)
{
	free(ui_prompt.label);
	ui_prompt.kind = UI_PROMPT_YESNO;
	ui_prompt.label = xstrdup(question);
	ui_prompt.len = 0;
	ui_prompt.yesno = fn;
	ui_prompt.arg = arg;
	ui_dirty(ui);
}

void
ui_ask_text(struct ui *ui, const char *label, ui_text_fn fn, void *arg)
{
	free(ui_prompt.label);
	ui_prompt.kind = UI_PROMPT_TEXT;
	ui_prompt.label = xstrdup(label);
	ui_prompt.len = 0;
	ui_prompt.buf[0] = '\0';
	ui_prompt.text = fn;
	ui_prompt.arg = arg;
	ui_dirty(ui);
}

static void
ui_prompt_done(struct ui *ui, bool yes, bool cancelled)
{
	enum ui_prompt_kind kind = ui_prompt.kind;
	ui_yesno_fn yn = ui_prompt.yesno;
	ui_text_fn tf = ui_prompt.text;
	void *arg = ui_prompt.arg;
	char text[sizeof ui_prompt.buf];

	memcpy(text, ui_prompt.buf, sizeof text);
	ui_prompt.kind = UI_PROMPT_NONE;
	ui_dirty(ui);
	/* The callback may ask again. */
	if (kind == UI_PROMPT_YESNO)
		yn(ui, yes && !cancelled, arg);
	else
		tf(ui, cancelled ? NULL : text, arg);
}

static void
ui_prompt_key(struct ui *ui, int rc, wint_t wc)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	if (ui_prompt.kind == UI_PROMPT_YESNO) {
		if (rc == OK && (wc == 'y' || wc == 'Y'))
			ui_prompt_done(ui, true, false);
		else if (rc == OK && (wc == 'n' || wc == 'N' || wc == 27 ||
		    wc == 3))
			ui_prompt_done(ui, false, false);
		return;
	}
	if (rc == OK && (wc == '\r' || wc == '\n')) {
		ui_prompt_done(ui, true, false);
		return;
	}
	if (rc == OK && (wc == 27 || wc == 3 || wc == 7)) {
		ui_prompt_done(ui, false, true);
		return;
	}
	if ((rc == KEY_CODE_YES && wc == KEY_BACKSPACE) ||
	    (rc == OK && (wc == 127 || wc == 8))) {
		/* Back over one whole UTF-8 character. */
		while (ui_prompt.len > 0 &&
		    ((unsigned char)ui_prompt.buf[--ui_prompt.len] & 0xc0) ==
		    0x80)
			;
		ui_prompt.buf[ui_prompt.len] = '\0';
	} else if (rc == OK && wc == 21) {	/* C-u */
		ui_prompt.len = 0;
		ui_prompt.buf[0] = '\0';
	} else if (rc == OK && wc >= 32 && wc != 127) {
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)wc, &st);
		if (n != (size_t)-1 && ui_prompt.len + n < sizeof ui_prompt.buf) {
			memcpy(ui_prompt.buf + ui_prompt.len, mb, n);
			ui_prompt.len += n;
			ui_prompt.buf[ui_prompt.len] = '\0';
		}
	}
	ui_dirty(ui);
}

void
ui_switch(struct ui *ui, enum view_id id)
{
	if (id == ui->view)
		return;
	if (ui_views[ui->view]->leave != NULL)
		ui_views[ui->view]->leave(ui);
	ui->view = id;
	if (ui_views[id]->enter != NULL)
		ui_views[id]->enter(ui);
	ui_dirty(ui);
}

static void
ui_quit_answer(struct ui *ui, bool yes, void *arg)
{
	(void)arg;
	if (yes)
		ui->quit = true;
}

static void
ui_ask_quit(struct ui *ui)
{
	if (ui_busy(ui))
		ui_ask_yesno(ui, "Work is in flight. Quit anyway?",
		    ui_quit_answer, NULL);
	else
		ui->quit = true;
}

static void
ui_global_action(struct ui *ui, enum action a)
{
	switch (a) {
	case ACT_QUIT:
		ui_ask_quit(ui);
		break;
	case ACT_HELP:
	case ACT_VIEW_HELP:
		ui_switch(ui, VIEW_HELP);
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		ui_dirty(ui);
		break;
	case ACT_NEXT_VIEW:
		ui_switch(ui, (ui->view + 1) % VIEW_COUNT);
		break;
	case ACT_PREV_VIEW:
		ui_switch(ui, (ui->view + VIEW_COUNT - 1) % VIEW_COUNT);
		break;
	case ACT_VIEW_SETUP:
		ui_switch(ui, VIEW_SETUP);
		break;
	case ACT_VIEW_MONITOR:
		ui_switch(ui, VIEW_MONITOR);
		break;
	case ACT_VIEW_ALERTS:
		ui_switch(ui, VIEW_ALERTS);
		break;
	case ACT_VIEW_VALIDATE:
		ui_switch(ui, VIEW_VALIDATE);
		break;
	default:
		break;
	}
}

static void
ui_key(struct ui *ui, int rc, wint_t wc)
{
	const struct view_ops *v = ui_views[ui->view];
	enum action a;
	int key;

	if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
		ui_resize(ui);
		return;
	}
	if (ui_prompt.kind != UI_PROMPT_NONE) {
		ui_prompt_key(ui, rc, wc);
		return;
	}
	if (ui->message != NULL) {
		free(ui->message);
		ui->message = NULL;
		ui_dirty(ui);
	}
	key = (int)wc;
	if (rc == OK && wc >= 0x80)
		return;		/* no action is bound to non-ASCII */
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		/* Only quitting and redrawing make sense. */
		a = action_find(ACT_S_GLOBAL, key);
		if (a == ACT_QUIT || a == ACT_REDRAW)
			ui_global_action(ui, a);
		return;
	}
	a = action_find(v->scope, key);
	if (a == ACT_NONE)
		return;
	if (v->action == NULL || !v->action(ui, a))
		ui_global_action(ui, a);
	ui_dirty(ui);
}

static void
ui_on_tty(void *arg)
{
	struct ui *ui = arg;
	wint_t wc;
	int rc, n = 0;

	/* nodelay: drain what is there, never wait. */
	while (n++ < 256 && !ui->quit && (rc = get_wch(&wc)) != ERR)
		ui_key(ui, rc, wc);
	/* Keys are answered now, not at the next frame slot. */
	if (ui->dirty) {
		if (ui->frame_timer != NULL) {
			loop_timer_cancel(ui->loop, ui->frame_timer);
			ui->frame_timer = NULL;
		}
		ui_frame(ui);
	}
}

static void
ui_on_tick(void *arg)
{
	struct ui *ui = arg;
	uint64_t now = loop_now_ms();
	int i;

	ui_tick_timer = NULL;
	if (ui->message != NULL && now - ui->message_ms > UI_MESSAGE_MS) {
		free(ui->message);
		ui->message = NULL;
		ui_dirty(ui);
	}
	for (i = 0; i < VIEW_COUNT; i++)
		if (ui_views[i]->on_tick != NULL)
			ui_views[i]->on_tick(ui, now);
	if (ui_busy(ui))
		ui_dirty(ui);	/* spinners and elapsed times */
	ui_tick_timer = loop_timer_add(ui->loop, ui_busy(ui) ?
	    UI_BUSY_TICK_MS : UI_TICK_MS, ui_on_tick, ui);
}

/* --- the model --------------------------------------------------------- */

static void
ui_on_monitor(enum monitor_event kind, const struct monitor_record *r,
    const struct alert *a, const char *text, void *arg)
{
	struct ui *ui = arg;

	view_monitor_event(ui, kind, r, a, text);
	ui_dirty(ui);
}

/* The monitor starts once the setup has resolved the names. */
static void
ui_monitor_try(struct ui *ui)
{
	struct monitor_options o;
	const char *group;
	char *state, *rules_dir, *cause = NULL;

	if (ui->monitor != NULL || ui->monitor_error != NULL ||
	    ui->setup == NULL ||
	    (group = setup_name(ui->setup, "log_group")) == NULL)
		return;
	if ((state = statefile_dir(&cause)) == NULL) {
		ui->monitor_error = cause;
		return;
	}
	rules_dir = *conf_str(ui->conf, CONF_RULES_DIR) != '\0' ?
	    xstrdup(conf_str(ui->conf, CONF_RULES_DIR)) : rules_default_dir();
	memset(&o, 0, sizeof o);
	o.group = group;
	o.topic_arn = setup_name(ui->setup, "topic_arn");
	o.rules_dir = rules_dir;
	o.allowed_cidrs = conf_list(ui->conf, CONF_ALLOWED_CIDRS,
	    &o.nallowed_cidrs);
	o.state_dir = state;
	o.resume = true;
	o.who = ui->who;
	o.caller = setup_name(ui->setup, "caller_arn");
	o.account = setup_name(ui->setup, "account");
	o.tail.group = group;
	o.tail.follow = true;
	o.tail.since_ms = tail_clock_ms() - 3600 * 1000;
	session_tail_env(&o.tail);
	if ((ui->monitor = monitor_new(ui->client, &o, ui_on_monitor, ui,
	    &cause)) == NULL)
		ui->monitor_error = cause;
	else
		monitor_start(ui->monitor);
	free(state);
	free(rules_dir);
	ui_dirty(ui);
}

static void
ui_on_setup(const struct setup_event *ev, void *arg)
{
	struct ui *ui = arg;

	view_setup_event(ui, ev);
	ui_monitor_try(ui);
	ui_dirty(ui);
}

/* Setup looks complete when the ledger holds a created trail. */
static bool
ui_setup_done(void)
{
	struct ledger *l;
	char *path, *cause = NULL;
	bool done = false;
	size_t i;

	if ((path = statefile_path("ledger.json", &cause)) == NULL) {
		free(cause);
		return false;
	}
	if ((l = ledger_open(path, &cause)) != NULL) {
		for (i = 0; i < l->n; i++)
			if (strcmp(l->v[i].kind, "trail") == 0 &&
			    l->v[i].created)
				done = true;
		ledger_free(l);
	}
	free(cause);
	free(path);
	return done;
}

/* Problems with the configuration become the banner, not an exit. */
static void
ui_load_conf(struct ui *ui, const struct cmd_console_opts *o)
{
	char *path, *cause = NULL, *msg;
	size_t i;

	ui->conf = conf_new();
	path = o->conf.config != NULL ? xstrdup(o->conf.config) :
	    conf_default_path();
	if (path != NULL && conf_load(ui->conf, path, &cause) != 0) {
		/* One line: the first problem, and how many more. */
		char *nl = strchr(cause, '\n');

		if (nl != NULL && nl[1] != '\0') {
			*nl = '\0';
			msg = xasprintf("config: %s (and more; see s3watch "
			    "config)", cause);
		} else {
			if (nl != NULL)
				*nl = '\0';
			msg = xasprintf("config: %s", cause);
		}
		ui->banner = text_safe_str(msg);
		free(msg);
		free(cause);
		cause = NULL;
	}
	free(path);
	for (i = 0; i < o->conf.nsets; i++) {
		if (conf_set(ui->conf, o->conf.sets[i], &cause) != 0) {
			free(ui->banner);
			ui->banner = text_safe_str(cause);
			free(cause);
			cause = NULL;
		}
	}
}

static void
ui_on_exit_after(void *arg)
{
	struct ui *ui = arg;

	ui_exit_timer = NULL;
	ui->quit = true;
}

/* Cancel, let calls in flight finish (bounded), save the checkpoint. */
static int
ui_shutdown(struct ui *ui, bool *monitor_idle)
{
	uint64_t deadline = loop_now_ms() + UI_STOP_WAIT_MS;
	char *cause = NULL;
	int i, rc = EXIT_OK;

	loop_watch_fd(ui->loop, STDIN_FILENO, NULL, NULL);
	if (ui->setup != NULL && setup_busy(ui->setup))
		setup_cancel(ui->setup);
	for (i = 0; i < VIEW_COUNT; i++)
		if (ui_views[i]->stop != NULL)
			ui_views[i]->stop(ui);
	if (ui->monitor != NULL)
		monitor_stop(ui->monitor);
	while (loop_now_ms() < deadline &&
	    ((ui->setup != NULL && setup_busy(ui->setup)) || ui_busy(ui) ||
	    (ui->monitor != NULL && !monitor_done(ui->monitor))))
		loop_run_once(ui->loop, 100);
	*monitor_idle = ui->monitor == NULL || monitor_done(ui->monitor);
	if (ui->monitor != NULL && monitor_save(ui->monitor, &cause) != 0) {
		ui_end_curses();
		rc = cmd_error("console", EXIT_FAIL, "%s", cause);
		free(cause);
	}
	return rc;
}

int
ui_main(const struct cmd_console_opts *o, const struct cmd_globals *g)
{
	struct ui *ui;
	struct cmd_globals gl = *g;
	char *cause = NULL;
	bool idle = true;
	int rc, i, sig;

	for (i = 0; o->view != NULL && i < VIEW_COUNT; i++)
		if (strcmp(o->view, ui_views[i]->name) == 0)
			break;
	if (i == VIEW_COUNT)
		return cmd_error("console", EXIT_USAGE, "no view '%s' (setup, "
		    "monitor, alerts, validate or help)", o->view);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_error("console", EXIT_USAGE, "the console needs a "
		    "terminal (the other commands do not)");
	setlocale(LC_CTYPE, "");
	ui = xcalloc(1, sizeof *ui);
	ui->g = g;
	ui_load_conf(ui, o);
	if (gl.aws.region == NULL && *conf_str(ui->conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(ui->conf, CONF_REGION);
	/* Without a client nothing can run: that one is fatal. */
	if ((ui->client = cmd_client("console", &gl)) == NULL) {
		conf_free(ui->conf);
		free(ui->banner);
		free(ui);
		return EXIT_CONFIG;
	}
	ui->loop = aws_client_loop(ui->client);
	ui->who = session_who();
	if ((ui->setup = setup_new(ui->client, ui->conf, NULL, ui_on_setup, ui,
	    &cause)) == NULL) {
		free(ui->banner);
		ui->banner = text_safe_str(cause);
		free(cause);
		cause = NULL;
	}
	ui->view = ui_setup_done() ? VIEW_MONITOR : VIEW_SETUP;
	for (i = 0; o->view != NULL && i < VIEW_COUNT; i++)
		if (strcmp(o->view, ui_views[i]->name) == 0)
			ui->view = i;

	loop_catch_signals(ui->loop);
	ui_start_curses();
	theme_init(g->no_color);
	for (i = 0; i < VIEW_COUNT; i++)
		ui_views[i]->init(ui);
	if (ui_views[ui->view]->enter != NULL)
		ui_views[ui->view]->enter(ui);
	loop_watch_fd(ui->loop, STDIN_FILENO, ui_on_tty, ui);
	ui_tick_timer = loop_timer_add(ui->loop, UI_TICK_MS, ui_on_tick, ui);
	if (o->exit_after > 0)
		ui_exit_timer = loop_timer_add(ui->loop,
		    (uint64_t)o->exit_after * 1000, ui_on_exit_after, ui);
	/* The status run shows the posture and resolves the names the
	 * monitor needs; it is read-only. */
	if (ui->setup != NULL)
		view_setup_run(ui, SETUP_STATUS, 1, SETUP_NSTEPS);
	ui_frame(ui);

	while (!ui->quit) {
		loop_run_once(ui->loop, UI_TICK_MS);
		while ((sig = loop_take_signal(ui->loop)) != 0) {
			if (sig == SIGTERM || sig == SIGHUP)
				ui->quit = true;
			else if (sig == SIGINT)
				ui_ask_quit(ui);
			else if (sig == SIGWINCH)
				ui_winch = 1;
		}
		if (ui_winch) {
			ui_winch = 0;
			ui_resize(ui);
		}
	}

	rc = ui_shutdown(ui, &idle);
	ui_end_curses();
	xalloc_die_hook = NULL;
	if (ui_tick_timer != NULL)
		loop_timer_cancel(ui->loop, ui_tick_timer);
	if (ui->frame_timer != NULL)
		loop_timer_cancel(ui->loop, ui->frame_timer);
	if (ui_exit_timer != NULL)
		loop_timer_cancel(ui->loop, ui_exit_timer);
	for (i = 0; i < VIEW_COUNT; i++)
		ui_views[i]->free(ui);
	/* Something still in flight after the wait: leave it to exit(). */
	if (idle) {
		monitor_free(ui->monitor);
		if (ui->setup == NULL || !setup_busy(ui->setup)) {
			setup_free(ui->setup);
			cmd_client_free(ui->client);
		}
	}
	conf_free(ui->conf);
	free(ui->who);
	free(ui->banner);
	free(ui->monitor_error);
	free(ui->message);
	free(ui_prompt.label);
	free(ui);
	return rc;
}
