/* The console's frame: options, the model objects, curses, the one event
 * loop, the view switcher and the views' list movement (the prompt line
 * is prompt.c).  Views draw; this file decides when (event-driven, at
 * most ten frames a second, nothing when idle) and owns the terminal,
 * which it always restores.  Under a key script (script.h) the keys come
 * from a file. */
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
#include "prompt.h"
#include "rules.h"
#include "script.h"
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
#define UI_SCRIPT_CLOCK_MS (1000 * 1000 * 1000)	/* a script's fixed clock */
#define UI_SCRIPT_WAIT_S 60	/* to settle before a script's next step */
#define UI_SCRIPT_WAIT_TEXT "60 seconds"

#define UI_VIEW_(id, name, title, heading) \
	[VIEW_##id] = { #name, title, &view_##name##_ops },
static const struct ui_view {
	const char		*name;		/* --view */
	const char		*title;		/* the tab */
	const struct view_ops	*ops;
} ui_views[VIEW_COUNT] = {
	VIEW_INFO(UI_VIEW_)
};
#undef UI_VIEW_

static volatile sig_atomic_t	 ui_winch;
static bool			 ui_curses_on;
static struct loop_timer	*ui_tick_timer;
static struct loop_timer	*ui_exit_timer;

/* Tests: keys from a file, and curses drawing to /dev/null. */
static struct {
	struct ui_script	*script;
	uint64_t		 waiting_since;	/* 0: settled */
	int			 line;		/* of the last step */
	int			 status;	/* the exit status it asks */
	bool			 tty_keys;	/* keys from the terminal */
	SCREEN			*screen;	/* headless */
	FILE			*out, *in;
} ui_test;

static void	ui_frame(struct ui *);

/* --- terminal ---------------------------------------------------------- */

static void
ui_end_curses(void)
{
	if (ui_curses_on) {
		ui_curses_on = false;
		endwin();
	}
	if (ui_test.screen != NULL) {
		delscreen(ui_test.screen);
		ui_test.screen = NULL;
		fclose(ui_test.out);
		fclose(ui_test.in);
	}
}

uint64_t
ui_now_ms(void)
{
	return ui_test.script != NULL ? UI_SCRIPT_CLOCK_MS : loop_now_ms();
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

/* 0, or -1 with *cause when even a headless screen cannot be had. */
static int
ui_start_curses(bool headless, char **cause)
{
	struct sigaction sa, before;
	const char *term;

	/* Whether the loop already turns SIGWINCH into a wakeup of its own. */
	sigaction(SIGWINCH, NULL, &before);
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	if (headless) {
		/* As tig's TIG_NO_DISPLAY: the screen exists, unseen. */
		term = getenv("TERM") != NULL ? getenv("TERM") : "xterm";
		if ((ui_test.out = fopen("/dev/null", "w")) == NULL ||
		    (ui_test.in = fopen("/dev/null", "r")) == NULL ||
		    (ui_test.screen = newterm(term, ui_test.out,
		    ui_test.in)) == NULL) {
			*cause = xasprintf("no headless screen for TERM=%s",
			    term);
			if (ui_test.out != NULL)
				fclose(ui_test.out);
			if (ui_test.in != NULL)
				fclose(ui_test.in);
			return -1;
		}
	} else
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
	return 0;
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
	ui->message_ms = ui_now_ms();
	ui_dirty(ui);
}

static bool
ui_busy(struct ui *ui)
{
	int i;

	if (ui->pending > 0)
		return true;
	for (i = 0; i < VIEW_COUNT; i++)
		if (ui_views[i].ops->busy != NULL && ui_views[i].ops->busy(ui))
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
		    ui_views[i].title);
		x += draw_text(0, x, COLS - x, theme_attr((int)i ==
		    (int)ui->view ? TR_TAB_CURRENT : TR_TAB), tab);
	}
	snprintf(right, sizeof right, "%s%s%s%s%s ",
	    ui_busy(ui) ? draw_spinner(ui_now_ms()) : "",
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
	enum action_scope scope = ACT_S_VIEW(ui->view);
	int y = LINES - 1, x = 0;
	size_t i;

	if (ui_prompt_draw(y))
		return;
	draw_fill(y, 0, COLS, theme_attr(TR_STATUS));
	if (ui->message != NULL) {
		draw_text(y, 1, COLS - 1, theme_attr(ui->message_error ?
		    TR_FAIL : TR_STATUS), ui->message);
		return;
	}
	/* Hints straight from the action table. */
	for (i = 0; i < action_count && x < COLS; i++) {
		const struct action_def *d = &action_table[i];

		if (!d->hint || d->scope != scope)
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
	ui_views[ui->view].ops->draw(ui, &r);
	ui_draw_bottom(ui);
	wnoutrefresh(stdscr);
	doupdate();
}

/* --- keys ----------------------------------------------------------------- */

void
ui_switch(struct ui *ui, enum view_id id)
{
	if (id == ui->view)
		return;
	if (ui_views[ui->view].ops->leave != NULL)
		ui_views[ui->view].ops->leave(ui);
	ui->view = id;
	if (ui_views[id].ops->enter != NULL)
		ui_views[id].ops->enter(ui);
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
	int v;

	switch (a) {
	case ACT_QUIT:
		ui_ask_quit(ui);
		break;
	case ACT_HELP:
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
	default:
		if ((v = action_view(a)) >= 0)
			ui_switch(ui, (enum view_id)v);
		break;
	}
}

/* Movement in a list, for every view that has one, before the view's
 * own actions (tig's move_view).  False for any other action. */
static bool
ui_move(struct ui *ui, enum action a)
{
	const struct view_ops *v = ui_views[ui->view].ops;
	struct view_list l;
	size_t to;
	bool moved;

	if (v->list == NULL || !action_is_move(a))
		return false;
	memset(&l, 0, sizeof l);
	v->list(ui, &l);
	if (l.at != NULL)
		l.cursor = *l.at > 0 ? (size_t)*l.at : 0;
	to = action_move(a, l.cursor, l.rows, l.page, &moved);
	if (l.rows > 0 && l.at != NULL)
		*l.at = (int)to;
	else if (l.rows > 0)
		v->select(ui, to);
	ui_dirty(ui);
	return true;
}

static void
ui_key(struct ui *ui, int rc, wint_t wc)
{
	const struct view_ops *v = ui_views[ui->view].ops;
	enum action a;
	int key;

	if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
		ui_resize(ui);
		return;
	}
	if (ui_prompt_key(ui, rc, wc))
		return;
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
	a = action_find(ACT_S_VIEW(ui->view), key);
	if (a == ACT_NONE || ui_move(ui, a))
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
	uint64_t now = ui_now_ms();
	int i;

	ui_tick_timer = NULL;
	if (ui->message != NULL && now - ui->message_ms > UI_MESSAGE_MS) {
		free(ui->message);
		ui->message = NULL;
		ui_dirty(ui);
	}
	for (i = 0; i < VIEW_COUNT; i++)
		if (ui_views[i].ops->on_tick != NULL)
			ui_views[i].ops->on_tick(ui, now);
	if (ui_busy(ui))
		ui_dirty(ui);	/* spinners and elapsed times */
	ui_tick_timer = loop_timer_add(ui->loop, ui_busy(ui) ?
	    UI_BUSY_TICK_MS : UI_TICK_MS, ui_on_tick, ui);
}

/* --- the model --------------------------------------------------------- */

/* The credential chain's question, waiting on the prompt line. */
struct ui_aws_question {
	aws_prompt_done_fn	 done;
	void			*done_arg;
};

static void
ui_aws_answer(struct ui *ui, const char *text, void *arg)
{
	struct ui_aws_question *q = arg;

	q->done(text, q->done_arg);
	free(q);
	ui_dirty(ui);
}

static void
ui_aws_prompt(const char *question, bool secret, aws_prompt_done_fn done,
    void *done_arg, void *arg)
{
	struct ui *ui = arg;
	struct ui_aws_question *q = xcalloc(1, sizeof *q);
	char *label = xasprintf("%s:", question);

	q->done = done;
	q->done_arg = done_arg;
	if (secret)
		ui_ask_secret(ui, label, ui_aws_answer, q);
	else
		ui_ask_text(ui, label, ui_aws_answer, q);
	free(label);
}

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
	o.conf = ui->conf;
	o.suffix = setup_name(ui->setup, "suffix");
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

/* --- key scripts (tests) ----------------------------------------------- */

/* Nothing of the console's in flight: no run, test, ack or publish, and
 * the monitor (when there is one) between polls. */
static bool
ui_settled(struct ui *ui)
{
	const struct tail_health *h;

	/* A question up (an MFA code) waits for the script's next keys. */
	if (ui_prompt_up())
		return true;
	if (ui_busy(ui) || (ui->setup != NULL && setup_busy(ui->setup)))
		return false;
	if (ui->monitor == NULL)
		return true;
	h = monitor_health(ui->monitor);
	return h->caught_up || h->last_error != NULL;
}

static void
ui_script_secret(struct ui *ui, const char *text, void *arg)
{
	(void)arg;
	/* The length, never the text: what a test may see. */
	if (text == NULL)
		ui_message(ui, false, "secret: cancelled");
	else
		ui_message(ui, false, "secret: %zu character%s read",
		    strlen(text), strlen(text) == 1 ? "" : "s");
}

static void
ui_script_fail(struct ui *ui, const char *why)
{
	ui_end_curses();
	ui_test.status = cmd_error("console", EXIT_FAIL, "%s:%d: %s",
	    ui_script_path(ui_test.script), ui_test.line, why);
	ui->quit = true;
}

/* Runs the script's steps while the console is settled; at the end of
 * the file it quits. */
static void
ui_script_step(struct ui *ui)
{
	const struct ui_script_step *st;
	char *cause = NULL;

	while (!ui->quit) {
		if (!ui_settled(ui)) {
			if (ui_test.waiting_since == 0)
				ui_test.waiting_since = loop_now_ms();
			else if (loop_now_ms() - ui_test.waiting_since >
			    UI_SCRIPT_WAIT_S * 1000)
				ui_script_fail(ui, "still busy after "
				    UI_SCRIPT_WAIT_TEXT);
			return;
		}
		ui_test.waiting_since = 0;
		if ((st = ui_script_next(ui_test.script)) == NULL) {
			ui->quit = true;
			return;
		}
		ui_test.line = st->line;
		switch (st->kind) {
		case UI_SCRIPT_KEY:
			ui_key(ui, st->rc, st->wc);
			break;
		case UI_SCRIPT_SAVE_DISPLAY:
			ui_frame(ui);
			if (ui_script_save_display(st->arg, &cause) != 0) {
				ui_script_fail(ui, cause);
				free(cause);
			}
			break;
		case UI_SCRIPT_ASK_SECRET:
			ui_ask_secret(ui, st->arg, ui_script_secret, NULL);
			break;
		}
	}
}

/* --- options ----------------------------------------------------------- */

/* The views' names: "setup, monitor, ... or help". */
static void
ui_view_names(FILE *f, const char *sep, const char *last)
{
	int i;

	for (i = 0; i < VIEW_COUNT; i++)
		fprintf(f, "%s%s", i == 0 ? "" : i + 1 < VIEW_COUNT ? sep :
		    last, ui_views[i].name);
}

/* Problems with the configuration become the banner, not an exit: one
 * line, the first problem and whether there are more. */
static void
ui_load_conf(struct ui *ui, const struct cmd_console_opts *o)
{
	char *cause = NULL, *nl, *msg;

	if (session_conf_load(o->conf.config, o->conf.sets, o->conf.nsets, &ui->conf,
	    &cause) == EXIT_OK)
		return;
	if ((nl = strchr(cause, '\n')) != NULL)
		*nl = '\0';
	msg = xasprintf("config: %s%s", cause, nl != NULL ? " (and more; "
	    "see s3watch config)" : "");
	ui->banner = text_safe_str(msg);
	free(msg);
	free(cause);
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

	if (ui_test.tty_keys)
		loop_watch_fd(ui->loop, STDIN_FILENO, NULL, NULL);
	/* A credential chain waiting for an MFA code gives up now. */
	ui_prompt_cancel_all(ui);
	if (ui->setup != NULL && setup_busy(ui->setup))
		setup_cancel(ui->setup);
	for (i = 0; i < VIEW_COUNT; i++)
		if (ui_views[i].ops->stop != NULL)
			ui_views[i].ops->stop(ui);
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

/* The framework's part of a view: its private state, then its init. */
static void
ui_views_init(struct ui *ui)
{
	int i;

	for (i = 0; i < VIEW_COUNT; i++) {
		if (ui_views[i].ops->private_size > 0)
			ui->priv[i] = xcalloc(1, ui_views[i].ops->private_size);
		if (ui_views[i].ops->init != NULL)
			ui_views[i].ops->init(ui);
	}
}

static void
ui_views_free(struct ui *ui)
{
	int i;

	for (i = 0; i < VIEW_COUNT; i++) {
		if (ui_views[i].ops->free != NULL && ui->priv[i] != NULL)
			ui_views[i].ops->free(ui);
		free(ui->priv[i]);
		ui->priv[i] = NULL;
	}
}

int
ui_main(const struct cmd_console_opts *o, const struct cmd_globals *g)
{
	struct ui *ui;
	const char *script = getenv("S3WATCH_SCRIPT"), *nodisplay =
	    getenv("S3WATCH_NO_DISPLAY");
	bool headless = nodisplay != NULL && *nodisplay != '\0';
	char *cause = NULL;
	bool idle = true;
	int rc, i, sig;

	for (i = 0; o->view != NULL && i < VIEW_COUNT; i++)
		if (strcmp(o->view, ui_views[i].name) == 0)
			break;
	if (i == VIEW_COUNT) {
		char *names = NULL;
		size_t len = 0;
		FILE *f;

		if ((f = open_memstream(&names, &len)) != NULL) {
			ui_view_names(f, ", ", " or ");
			fclose(f);
		}
		rc = cmd_error("console", EXIT_USAGE, "no view '%s' (%s)",
		    o->view, names != NULL ? names : "");
		free(names);
		return rc;
	}
	if (!headless && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		return cmd_error("console", EXIT_USAGE, "the console needs a "
		    "terminal (the other commands do not)");
	setlocale(LC_CTYPE, "");
	if (script != NULL && *script != '\0' &&
	    (ui_test.script = ui_script_open(script, &cause)) == NULL) {
		rc = cmd_error("console", EXIT_USAGE, "%s", cause);
		free(cause);
		return rc;
	}
	ui = xcalloc(1, sizeof *ui);
	ui->g = g;
	ui_load_conf(ui, o);
	/* Without a client nothing can run: that one is fatal. */
	if ((ui->client = session_client("console", g, ui->conf)) == NULL) {
		conf_free(ui->conf);
		free(ui->banner);
		free(ui);
		ui_script_free(ui_test.script);
		ui_test.script = NULL;
		return EXIT_CONFIG;
	}
	ui->loop = aws_client_loop(ui->client);
	/* MFA codes are asked on the prompt line, never on /dev/tty under
	 * curses. */
	aws_client_set_prompt(ui->client, ui_aws_prompt, ui);
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
		if (strcmp(o->view, ui_views[i].name) == 0)
			ui->view = i;

	loop_catch_signals(ui->loop);
	if (ui_start_curses(headless, &cause) != 0) {
		rc = cmd_error("console", EXIT_USAGE, "%s", cause);
		free(cause);
		ui->quit = true;
		ui_test.status = rc;
	} else
		theme_init(g->no_color);
	ui_views_init(ui);
	if (ui_views[ui->view].ops->enter != NULL)
		ui_views[ui->view].ops->enter(ui);
	/* Headless, keys come from the script or not at all. */
	ui_test.tty_keys = ui_test.script == NULL && !headless;
	if (ui_test.tty_keys)
		loop_watch_fd(ui->loop, STDIN_FILENO, ui_on_tty, ui);
	ui_tick_timer = loop_timer_add(ui->loop, UI_TICK_MS, ui_on_tick, ui);
	if (o->exit_after > 0)
		ui_exit_timer = loop_timer_add(ui->loop,
		    (uint64_t)o->exit_after * 1000, ui_on_exit_after, ui);
	/* The status run shows the posture and resolves the names the
	 * monitor needs; it is read-only. */
	if (ui->setup != NULL && !ui->quit)
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
		if (ui_test.script != NULL)
			ui_script_step(ui);
	}

	rc = ui_shutdown(ui, &idle);
	if (rc == EXIT_OK)
		rc = ui_test.status;
	ui_end_curses();
	xalloc_die_hook = NULL;
	if (ui_tick_timer != NULL)
		loop_timer_cancel(ui->loop, ui_tick_timer);
	if (ui->frame_timer != NULL)
		loop_timer_cancel(ui->loop, ui->frame_timer);
	if (ui_exit_timer != NULL)
		loop_timer_cancel(ui->loop, ui_exit_timer);
	ui_views_free(ui);
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
	ui_prompt_free();
	free(ui);
	ui_script_free(ui_test.script);
	memset(&ui_test, 0, sizeof ui_test);
	return rc;
}
