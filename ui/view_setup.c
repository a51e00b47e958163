/* The setup wizard: the ten steps on the left, the selected step's why,
 * posture and plan on the right, and a live activity pane below with the
 * calls in flight and every result, error and fix. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "text.h"
#include "theme.h"
#include "view.h"

#define VS_LOG		200	/* activity lines kept */
#define VS_INFLIGHT	16

struct vs_note {
	enum setup_level	 level;
	char			*text;	/* safe */
	char			*fix;	/* safe, or NULL */
};

struct vs_step {
	enum setup_step_state	 state;
	struct vs_note		*notes;
	size_t			 nnotes;
	char		       **plan;	/* "call target", safe */
	size_t			 nplan;
	bool			 planned;	/* a plan ran for it */
};

struct vs_call {
	char			*call;	/* raw, for matching */
	char			*target;
	char			*line;	/* safe */
	uint64_t		 start_ms;
};

struct vs_log {
	enum theme_role		 role;
	char			*text;	/* safe */
};

struct vs {
	int			 sel;		/* 0..9 */
	enum setup_op		 op;
	bool			 running;
	int			 first, last;
	uint64_t		 started_ms;
	struct vs_step		 steps[SETUP_NSTEPS];
	struct vs_call		 inflight[VS_INFLIGHT];
	size_t			 ninflight;
	struct vs_log		 log[VS_LOG];
	size_t			 nlog;		/* total appended */
	/* The run waiting for its confirmation. */
	enum setup_op		 ask_op;
	int			 ask_first, ask_last;
};

static const char *const vs_op_names[] = {
	[SETUP_PLAN] = "plan", [SETUP_APPLY] = "run", [SETUP_STATUS] =
	"status", [SETUP_UNDO] = "undo", [SETUP_VALIDATE] = "validate",
};

static struct vs *
vs_of(struct ui *ui)
{
	return ui->priv[VIEW_SETUP];
}

/* Step n (1..SETUP_NSTEPS) of the engine's table: the one place this
 * view reads setup_steps[]. */
static const struct setup_step *
vs_def(int n)
{
	return setup_steps[n - 1];
}

static void
vs_log_add(struct vs *vs, enum theme_role role, const char *fmt, ...)
    ATTR_FORMAT(3, 4);

/* fmt's arguments must already be safe. */
static void
vs_log_add(struct vs *vs, enum theme_role role, const char *fmt, ...)
{
	struct vs_log *l = &vs->log[vs->nlog % VS_LOG];
	va_list ap;

	free(l->text);
	va_start(ap, fmt);
	l->text = xvasprintf(fmt, ap);
	va_end(ap);
	l->role = role;
	vs->nlog++;
}

static void
vs_step_clear(struct vs_step *st, bool plan)
{
	size_t i;

	for (i = 0; i < st->nnotes; i++) {
		free(st->notes[i].text);
		free(st->notes[i].fix);
	}
	free(st->notes);
	st->notes = NULL;
	st->nnotes = 0;
	if (!plan)
		return;
	for (i = 0; i < st->nplan; i++)
		free(st->plan[i]);
	free(st->plan);
	st->plan = NULL;
	st->nplan = 0;
}

static void
vs_inflight_clear(struct vs *vs)
{
	size_t i;

	for (i = 0; i < vs->ninflight; i++) {
		free(vs->inflight[i].call);
		free(vs->inflight[i].target);
		free(vs->inflight[i].line);
	}
	vs->ninflight = 0;
}

static void
vs_answer(struct ui *ui, bool yes, void *arg)
{
	(void)arg;
	if (ui->setup != NULL)
		setup_answer(ui->setup, yes);
}

void
view_setup_event(struct ui *ui, const struct setup_event *ev)
{
	struct vs *vs = vs_of(ui);
	struct vs_step *st = ev->step >= 1 && ev->step <= SETUP_NSTEPS ?
	    &vs->steps[ev->step - 1] : NULL;
	char *text = text_safe_str(ev->text), *fix = text_safe_str(ev->fix);
	char *call = text_safe_str(ev->call), *target = text_safe_str(ev->target);
	char *error = text_safe_str(ev->error), dur[32];
	const struct theme_glyphs *g = theme_glyphs();
	size_t i;

	if (vs == NULL)
		goto out;
	switch (ev->kind) {
	case SETUP_EV_STEP:
		if (st == NULL)
			break;
		if (ev->state == SETUP_S_CHECKING ||
		    ev->state == SETUP_S_UNDOING) {
			vs_step_clear(st, vs->op == SETUP_PLAN);
			st->planned = st->planned || vs->op == SETUP_PLAN;
			vs->sel = vs->op == SETUP_STATUS ? vs->sel : ev->step - 1;
		}
		st->state = ev->state;
		if (ev->state == SETUP_S_FAILED)
			vs_log_add(vs, TR_FAIL, "%s step %d %s failed%s%s%s%s",
			    g->fail, ev->step, vs_def(ev->step)->title,
			    *text != '\0' ? ": " : "", text,
			    *fix != '\0' ? "  fix: " : "", fix);
		else if (ev->state == SETUP_S_WARN)
			vs_log_add(vs, TR_WARN, "%s step %d %s: done with "
			    "warnings", g->warn, ev->step,
			    vs_def(ev->step)->title);
		else if (ev->state == SETUP_S_DONE && vs->op != SETUP_STATUS)
			vs_log_add(vs, TR_OK, "%s step %d %s: done", g->ok,
			    ev->step, vs_def(ev->step)->title);
		break;
	case SETUP_EV_CALL:
		if (ev->planned) {
			if (st == NULL)
				break;
			st->plan = xreallocarray(st->plan, st->nplan + 1,
			    sizeof *st->plan);
			st->plan[st->nplan++] = xasprintf("%s %s", call, target);
			break;
		}
		if (vs->ninflight == VS_INFLIGHT)
			break;
		vs->inflight[vs->ninflight].call = xstrdup(ev->call != NULL ?
		    ev->call : "");
		vs->inflight[vs->ninflight].target = xstrdup(ev->target !=
		    NULL ? ev->target : "");
		vs->inflight[vs->ninflight].line = xasprintf("%s %s", call,
		    target);
		vs->inflight[vs->ninflight++].start_ms = ui_now_ms();
		break;
	case SETUP_EV_ANSWER:
		for (i = 0; i < vs->ninflight; i++) {
			if (strcmp(vs->inflight[i].call, ev->call != NULL ?
			    ev->call : "") != 0 || strcmp(vs->inflight[i].target,
			    ev->target != NULL ? ev->target : "") != 0)
				continue;
			free(vs->inflight[i].call);
			free(vs->inflight[i].target);
			free(vs->inflight[i].line);
			memmove(&vs->inflight[i], &vs->inflight[i + 1],
			    (vs->ninflight - i - 1) * sizeof vs->inflight[0]);
			vs->ninflight--;
			break;
		}
		draw_duration(dur, sizeof dur, (int64_t)ev->elapsed_ms);
		if (ev->error != NULL)
			vs_log_add(vs, TR_FAIL, "%s %s %s: %s", g->fail, call,
			    target, error);
		else if (ev->write)
			vs_log_add(vs, TR_OK, "%s %s %s (%s)", g->ok, call,
			    target, dur);
		break;
	case SETUP_EV_NOTE:
		if (st == NULL)
			break;
		st->notes = xreallocarray(st->notes, st->nnotes + 1,
		    sizeof *st->notes);
		st->notes[st->nnotes].level = ev->level;
		st->notes[st->nnotes].text = xstrdup(text);
		st->notes[st->nnotes++].fix = *fix != '\0' ? xstrdup(fix) :
		    NULL;
		if (ev->level == SETUP_L_WARN || ev->level == SETUP_L_FAIL)
			vs_log_add(vs, ev->level == SETUP_L_FAIL ? TR_FAIL :
			    TR_WARN, "%s %d: %s%s%s", ev->level == SETUP_L_FAIL ?
			    g->fail : g->warn, ev->step, text,
			    *fix != '\0' ? "  fix: " : "", fix);
		break;
	case SETUP_EV_ASK:
		ui_ask_yesno(ui, text, vs_answer, NULL);
		break;
	case SETUP_EV_DONE:
		vs->running = false;
		vs_inflight_clear(vs);
		draw_duration(dur, sizeof dur, (int64_t)(ui_now_ms() -
		    vs->started_ms));
		if (ui->setup != NULL)
			vs_log_add(vs, setup_failures(ui->setup) > 0 ? TR_FAIL :
			    TR_NORMAL, "%s finished in %s: %d change%s, %d "
			    "failed, %d with warnings%s%s", vs_op_names[vs->op],
			    dur, setup_changes(ui->setup),
			    setup_changes(ui->setup) == 1 ? "" : "s",
			    setup_failures(ui->setup), setup_warnings(ui->setup),
			    *text != '\0' ? ": " : "", text);
		break;
	}
out:
	free(text);
	free(fix);
	free(call);
	free(target);
	free(error);
}

void
view_setup_run(struct ui *ui, enum setup_op op, int first, int last)
{
	struct vs *vs = vs_of(ui);

	if (ui->setup == NULL) {
		ui_message(ui, true, "the setup cannot run: %s", ui->banner !=
		    NULL ? ui->banner : "no setup");
		return;
	}
	if (setup_busy(ui->setup)) {
		ui_message(ui, true, "a %s is running (c cancels it)",
		    vs_op_names[vs->op]);
		return;
	}
	vs->op = op;
	vs->first = first;
	vs->last = last;
	vs->running = true;
	vs->started_ms = ui_now_ms();
	if (first == last)
		vs_log_add(vs, TR_BUSY, "%s step %d %s", vs_op_names[op], first,
		    vs_def(first)->title);
	else
		vs_log_add(vs, TR_BUSY, "%s steps %d-%d", vs_op_names[op],
		    first, last);
	setup_start(ui->setup, op, first, last);
	ui_dirty(ui);
}

/* --- confirmations ----------------------------------------------------- */

static void	vs_ask_cidrs(struct ui *);

/* The networks, then the run; Esc cancels the run. */
static void
vs_cidrs_answered(struct ui *ui, const char *text, void *arg)
{
	static const enum conf_key key = CONF_ALLOWED_CIDRS;
	struct vs *vs = vs_of(ui);
	char *assignment, *path, *cause = NULL;

	(void)arg;
	if (text == NULL) {
		ui_message(ui, false, "run cancelled");
		return;
	}
	if (*text != '\0') {
		assignment = xasprintf("allowed_cidrs=%s", text);
		if (conf_set(ui->conf, assignment, &cause) != 0) {
			free(assignment);
			ui_message(ui, true, "%s", cause);
			free(cause);
			vs_ask_cidrs(ui);
			return;
		}
		free(assignment);
		if ((path = conf_save_path()) == NULL ||
		    conf_save_keys(ui->conf, path, &key, 1, &cause) != 0) {
			ui_message(ui, true, "allowed_cidrs used for this run, "
			    "not saved: %s", cause != NULL ? cause : "no home");
			free(cause);
		} else
			ui_message(ui, false, "saved allowed_cidrs in %s", path);
		free(path);
		setup_conf_changed(ui->setup);
	}
	view_setup_run(ui, vs->ask_op, vs->ask_first, vs->ask_last);
}

/* Never a silent default: the operator says which networks S3 calls
 * come from before the rules are deployed (step 7). */
static void
vs_ask_cidrs(struct ui *ui)
{
	char *const *v;
	struct buf now = { 0 };
	char *q;
	size_t i, n;

	/* Short enough for 80 columns with the three private ranges. */
	v = conf_list(ui->conf, CONF_ALLOWED_CIDRS, &n);
	for (i = 0; i < n; i++)
		buf_printf(&now, "%s%s", i > 0 ? "," : "", v[i]);
	buf_adds(&now, "");
	q = xasprintf("Allowed CIDRs for S3 calls (Enter: %s):", now.data);
	ui_ask_text(ui, q, vs_cidrs_answered, NULL);
	free(q);
	buf_free(&now);
}

static void
vs_confirmed(struct ui *ui, bool yes, void *arg)
{
	struct vs *vs = vs_of(ui);
	int alerts = setup_step_find("alerts");

	(void)arg;
	if (!yes)
		return;
	if (vs->ask_op == SETUP_APPLY && vs->ask_first <= alerts &&
	    alerts <= vs->ask_last && strcmp(conf_key_source(ui->conf,
	    CONF_ALLOWED_CIDRS), "default") == 0) {
		vs_ask_cidrs(ui);
		return;
	}
	view_setup_run(ui, vs->ask_op, vs->ask_first, vs->ask_last);
}

static void
vs_confirm(struct ui *ui, enum setup_op op, int first, int last,
    const char *question)
{
	if (ui->setup != NULL && setup_busy(ui->setup)) {
		ui_message(ui, true, "a %s is running (c cancels it)",
		    vs_op_names[vs_of(ui)->op]);
		return;
	}
	vs_of(ui)->ask_op = op;
	vs_of(ui)->ask_first = first;
	vs_of(ui)->ask_last = last;
	ui_ask_yesno(ui, question, vs_confirmed, NULL);
}

static bool
vs_action(struct ui *ui, enum action a)
{
	struct vs *vs = vs_of(ui);
	int n = vs->sel + 1;
	char q[160];

	switch (a) {
	case ACT_SETUP_APPLY:
		snprintf(q, sizeof q, "Run step %d (%s)? It may create or "
		    "change resources.", n, vs_def(n)->title);
		vs_confirm(ui, SETUP_APPLY, n, n, q);
		break;
	case ACT_SETUP_APPLY_ALL:
		vs_confirm(ui, SETUP_APPLY, 1, SETUP_NSTEPS, "Run all ten "
		    "steps? Missing resources will be created.");
		break;
	case ACT_SETUP_STATUS:
		vs_confirm(ui, SETUP_STATUS, 1, SETUP_NSTEPS, "Re-check every "
		    "step (read-only)?");
		break;
	case ACT_SETUP_PLAN:
		view_setup_run(ui, SETUP_PLAN, 1, SETUP_NSTEPS);
		break;
	case ACT_SETUP_UNDO:
		snprintf(q, sizeof q, "Undo step %d (%s): remove what s3watch "
		    "created for it?", n, vs_def(n)->title);
		vs_confirm(ui, SETUP_UNDO, n, n, q);
		break;
	case ACT_SETUP_UNDO_ALL:
		vs_confirm(ui, SETUP_UNDO, 1, SETUP_NSTEPS, "Tear down "
		    "EVERYTHING s3watch created?");
		break;
	case ACT_SETUP_CANCEL:
		if (ui->setup != NULL && setup_busy(ui->setup)) {
			setup_cancel(ui->setup);
			ui_message(ui, false, "cancelling after the call in "
			    "flight");
		}
		break;
	default:
		return false;
	}
	ui_dirty(ui);
	return true;
}

/* --- drawing ----------------------------------------------------------- */

static enum theme_role
vs_state_role(enum setup_step_state s)
{
	switch (s) {
	case SETUP_S_DONE: return TR_OK;
	case SETUP_S_WARN: return TR_WARN;
	case SETUP_S_FAILED: return TR_FAIL;
	case SETUP_S_PENDING: return TR_DIM;
	default: return TR_BUSY;
	}
}

static const char *
vs_state_mark(enum setup_step_state s, uint64_t now)
{
	const struct theme_glyphs *g = theme_glyphs();

	switch (s) {
	case SETUP_S_DONE: return g->ok;
	case SETUP_S_WARN: return g->warn;
	case SETUP_S_FAILED: return g->fail;
	case SETUP_S_PENDING: return g->pending;
	default: return draw_spinner(now);
	}
}

static void
vs_draw_steps(struct ui *ui, const struct rect *r, uint64_t now)
{
	struct vs *vs = vs_of(ui);
	int i, y, w = r->w - 2;
	attr_t a;

	draw_box(r, theme_attr(TR_BORDER), "Steps");
	for (i = 0; i < SETUP_NSTEPS && i < r->h - 2; i++) {
		const struct vs_step *st = &vs->steps[i];
		char num[8];

		y = r->y + 1 + i;
		a = i == vs->sel ? theme_attr(TR_SELECTED) : A_NORMAL;
		draw_fill(y, r->x + 1, w, a);
		draw_text(y, r->x + 1, 1, i == vs->sel ? a :
		    theme_attr(vs_state_role(st->state)),
		    vs_state_mark(st->state, now));
		snprintf(num, sizeof num, "%2d", i + 1);
		draw_text(y, r->x + 3, 2, a, num);
		draw_cell(y, r->x + 6, w - 15, a, vs_def(i + 1)->title);
		draw_text(y, r->x + w - 8, 9, i == vs->sel ? a :
		    theme_attr(vs_state_role(st->state)),
		    setup_state_name(st->state));
	}
}

static void
vs_draw_detail(struct ui *ui, const struct rect *r)
{
	const struct vs *vs = vs_of(ui);
	const struct vs_step *st = &vs->steps[vs->sel];
	const struct setup_step *def = vs_def(vs->sel + 1);
	const struct theme_glyphs *g = theme_glyphs();
	int x = r->x + 2, w = r->w - 4, y = r->y + 1, end = r->y + r->h - 1;
	char title[128];
	size_t i;

	snprintf(title, sizeof title, "Step %d/%d: %s", vs->sel + 1,
	    SETUP_NSTEPS, def->title);
	draw_box(r, theme_attr(TR_BORDER), title);
	y += draw_wrap(y, x, w, end - y > 6 ? 5 : end - y, A_NORMAL,
	    def->why);
	if (y + 1 < end) {
		y++;
		draw_text(y++, x, w, theme_attr(TR_HEADER), "Posture");
	}
	if (st->nnotes == 0 && y < end)
		draw_text(y++, x, w, theme_attr(TR_DIM), "not checked yet");
	for (i = 0; i < st->nnotes && y < end; i++) {
		const struct vs_note *n = &st->notes[i];
		enum theme_role role = n->level == SETUP_L_OK ||
		    n->level == SETUP_L_PASS ? TR_OK : n->level == SETUP_L_WARN ||
		    n->level == SETUP_L_MISSING || n->level == SETUP_L_DIFFERS ?
		    TR_WARN : TR_FAIL;

		draw_text(y, x, 7, theme_attr(role), setup_level_name(n->level));
		y += draw_wrap(y, x + 8, w - 8, end - y, A_NORMAL, n->text);
		if (n->fix != NULL && y < end) {
			draw_text(y, x + 8, 5, theme_attr(TR_KEY), "fix: ");
			y += draw_wrap(y, x + 13, w - 13, end - y,
			    theme_attr(TR_DIM), n->fix);
		}
	}
	if (y + 1 < end) {
		y++;
		draw_text(y++, x, w, theme_attr(TR_HEADER), "Plan");
	}
	if (y < end && st->nplan == 0)
		draw_text(y++, x, w, theme_attr(TR_DIM), st->planned ?
		    "nothing to do" : "press p to plan (no writes)");
	for (i = 0; i < st->nplan && y < end; i++) {
		draw_text(y, x, 2, theme_attr(TR_BUSY), g->mark);
		y += draw_wrap(y, x + 2, w - 2, end - y, A_NORMAL, st->plan[i]);
	}
}

static void
vs_draw_activity(struct ui *ui, const struct rect *r, uint64_t now)
{
	const struct vs *vs = vs_of(ui);
	int x = r->x + 2, w = r->w - 4, y = r->y + 1, rows = r->h - 2;
	char title[96], dur[32];
	size_t i, nlog, first;

	if (vs->running)
		snprintf(title, sizeof title, "Activity: %s %s %s",
		    vs_op_names[vs->op], draw_spinner(now),
		    draw_duration(dur, sizeof dur, (int64_t)(now -
		    vs->started_ms)));
	else
		snprintf(title, sizeof title, "Activity");
	draw_box(r, theme_attr(TR_BORDER), title);
	for (i = 0; i < vs->ninflight && rows > 0; i++, rows--) {
		draw_text(y, x, 1, theme_attr(TR_BUSY), draw_spinner(now));
		draw_duration(dur, sizeof dur, (int64_t)(now -
		    vs->inflight[i].start_ms));
		draw_cell(y, x + 2, w - 12, A_NORMAL, vs->inflight[i].line);
		draw_text(y++, x + w - 9, 9, theme_attr(TR_DIM), dur);
	}
	/* The newest log lines that fit, oldest first. */
	nlog = vs->nlog < VS_LOG ? vs->nlog : VS_LOG;
	first = nlog > (size_t)rows ? nlog - (size_t)rows : 0;
	for (i = first; i < nlog; i++) {
		const struct vs_log *l = &vs->log[(vs->nlog - nlog + i) % VS_LOG];

		draw_text(y++, x, w, theme_attr(l->role), l->text);
	}
	if (nlog == 0 && vs->ninflight == 0 && rows > 0)
		draw_text(y, x, w, theme_attr(TR_DIM), ui->setup == NULL ?
		    "the setup is unavailable (see the banner)" :
		    "idle: A runs all steps, r the selected one");
}

static void
vs_draw(struct ui *ui, const struct rect *r)
{
	uint64_t now = ui_now_ms();
	struct rect left, right, act;
	int sh = r->h / 3 < 5 ? 5 : r->h / 3;

	left.y = right.y = r->y;
	left.x = r->x;
	left.h = right.h = r->h - sh;
	left.w = r->w * 2 / 5 < 28 ? 28 : r->w * 2 / 5;
	if (left.w > 40)
		left.w = 40;
	right.x = r->x + left.w;
	right.w = r->w - left.w;
	act.y = r->y + left.h;
	act.x = r->x;
	act.h = sh;
	act.w = r->w;
	vs_draw_steps(ui, &left, now);
	vs_draw_detail(ui, &right);
	vs_draw_activity(ui, &act, now);
}

static bool
vs_busy(struct ui *ui)
{
	return ui->setup != NULL && setup_busy(ui->setup);
}

/* Ten steps: a page is all of them. */
static void
vs_list(struct ui *ui, struct view_list *l)
{
	l->rows = l->page = SETUP_NSTEPS;
	l->at = &vs_of(ui)->sel;
}

static void
vs_free(struct ui *ui)
{
	struct vs *vs = vs_of(ui);
	size_t i;

	for (i = 0; i < SETUP_NSTEPS; i++)
		vs_step_clear(&vs->steps[i], true);
	vs_inflight_clear(vs);
	for (i = 0; i < VS_LOG; i++)
		free(vs->log[i].text);
}

const struct view_ops view_setup_ops = {
	.private_size = sizeof(struct vs),
	.free = vs_free,
	.draw = vs_draw,
	.list = vs_list,
	.action = vs_action,
	.busy = vs_busy,
};
