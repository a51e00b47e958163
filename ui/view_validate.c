/* The validation menu: the four end-to-end tests of validate.h, run one
 * or all, with live results, progress and evidence.  All calls into
 * validate.h live in this file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "theme.h"
#include "validate.h"
#include "view.h"

#define VV_LOG	64	/* lines kept per test */

struct vv_test {
	enum validate_result	 result;
	uint64_t		 started_ms;
	uint64_t		 elapsed_ms;	/* when over */
	char			*progress;	/* safe, the latest */
	char			*log[VV_LOG];	/* safe evidence */
	size_t			 nlog;
};

struct vv {
	struct validate	*v;
	int		 sel;
	bool		 running;
	struct vv_test	 tests[VALIDATE_NTESTS];
	int		 pending_first, pending_last;
};

static struct vv *
vv_of(struct ui *ui)
{
	return ui->priv[VIEW_VALIDATE];
}

static void
vv_test_clear(struct vv_test *t)
{
	size_t i;

	free(t->progress);
	t->progress = NULL;
	for (i = 0; i < VV_LOG; i++) {
		free(t->log[i]);
		t->log[i] = NULL;
	}
	t->nlog = 0;
}

static void
vv_on_event(const struct validate_event *ev, void *arg)
{
	struct ui *ui = arg;
	struct vv *vv = vv_of(ui);
	struct vv_test *t = ev->test >= 1 && ev->test <= VALIDATE_NTESTS ?
	    &vv->tests[ev->test - 1] : NULL;

	switch (ev->kind) {
	case VALIDATE_EV_STATE:
		if (t == NULL)
			break;
		if (ev->result == VALIDATE_RUNNING) {
			vv_test_clear(t);
			t->started_ms = ui_now_ms();
			vv->sel = ev->test - 1;
		}
		t->result = ev->result;
		t->elapsed_ms = ev->elapsed_ms;
		if (ev->result >= VALIDATE_PASS && ev->text != NULL) {
			free(t->log[t->nlog % VV_LOG]);
			t->log[t->nlog++ % VV_LOG] = text_safe_str(ev->text);
		}
		break;
	case VALIDATE_EV_PROGRESS:
		if (t == NULL)
			break;
		free(t->progress);
		t->progress = text_safe_str(ev->text);
		break;
	case VALIDATE_EV_EVIDENCE:
		if (t == NULL)
			break;
		free(t->log[t->nlog % VV_LOG]);
		t->log[t->nlog++ % VV_LOG] = text_safe_str(ev->text);
		break;
	case VALIDATE_EV_DONE:
		vv->running = false;
		ui_message(ui, false, "validation finished");
		break;
	}
	ui_dirty(ui);
}

static void
vv_start(struct ui *ui, bool yes, void *arg)
{
	struct vv *vv = vv_of(ui);
	char *cause = NULL;

	(void)arg;
	if (!yes)
		return;
	if (vv->v == NULL && (vv->v = validate_new(ui->client, ui->conf,
	    vv_on_event, ui, &cause)) == NULL) {
		ui_message(ui, true, "validation cannot run: %s", cause);
		free(cause);
		return;
	}
	vv->running = true;
	validate_start(vv->v, vv->pending_first, vv->pending_last);
}

static bool
vv_action(struct ui *ui, enum action a)
{
	struct vv *vv = vv_of(ui);
	char q[160];

	switch (a) {
	case ACT_VAL_RUN:
	case ACT_VAL_RUN_ALL:
		if (vv->v != NULL && validate_busy(vv->v)) {
			ui_message(ui, true, "tests are running (c cancels)");
			break;
		}
		vv->pending_first = a == ACT_VAL_RUN ? vv->sel + 1 : 1;
		vv->pending_last = a == ACT_VAL_RUN ? vv->sel + 1 :
		    VALIDATE_NTESTS;
		if (a == ACT_VAL_RUN)
			snprintf(q, sizeof q, "Run test %d (%s)? It makes real "
			    "requests and may wait for deliveries.", vv->sel + 1,
			    validate_tests[vv->sel].title);
		else
			snprintf(q, sizeof q, "Run all %d tests? They make real "
			    "requests and may wait for deliveries.",
			    VALIDATE_NTESTS);
		ui_ask_yesno(ui, q, vv_start, NULL);
		break;
	case ACT_VAL_CANCEL:
		if (vv->v != NULL && validate_busy(vv->v)) {
			validate_cancel(vv->v);
			ui_message(ui, false, "cancelling the tests");
		}
		break;
	default:
		return false;
	}
	ui_dirty(ui);
	return true;
}

static enum theme_role
vv_role(enum validate_result r)
{
	switch (r) {
	case VALIDATE_PASS: return TR_OK;
	case VALIDATE_FAIL: return TR_FAIL;
	case VALIDATE_TIMEOUT: return TR_WARN;
	case VALIDATE_RUNNING: return TR_BUSY;
	default: return TR_DIM;
	}
}

static void
vv_draw(struct ui *ui, const struct rect *r)
{
	struct vv *vv = vv_of(ui);
	const struct theme_glyphs *g = theme_glyphs();
	uint64_t now = ui_now_ms();
	struct rect list, det;
	const struct vv_test *t;
	char dur[32], title[128];
	const char *mark;
	int i, y, x, w, end, rows;
	size_t k, n, first;

	list.y = r->y;
	list.x = r->x;
	list.w = r->w;
	list.h = VALIDATE_NTESTS + 2;
	det.y = list.y + list.h;
	det.x = r->x;
	det.w = r->w;
	det.h = r->h - list.h;
	draw_box(&list, theme_attr(TR_BORDER), "Validation tests");
	for (i = 0; i < VALIDATE_NTESTS; i++) {
		attr_t a = i == vv->sel ? theme_attr(TR_SELECTED) : A_NORMAL;

		t = &vv->tests[i];
		y = list.y + 1 + i;
		draw_fill(y, list.x + 1, list.w - 2, a);
		mark = t->result == VALIDATE_RUNNING ? draw_spinner(now) :
		    t->result == VALIDATE_PASS ? g->ok : t->result ==
		    VALIDATE_FAIL ? g->fail : t->result == VALIDATE_TIMEOUT ?
		    g->warn : g->pending;
		draw_text(y, list.x + 2, 1, i == vv->sel ? a :
		    theme_attr(vv_role(t->result)), mark);
		draw_fmt(y, list.x + 4, 3, a, "%d", i + 1);
		draw_cell(y, list.x + 7, list.w - 30, a, validate_tests[i].title);
		draw_text(y, list.x + list.w - 22, 9, i == vv->sel ? a :
		    theme_attr(vv_role(t->result)),
		    validate_result_name(t->result));
		if (t->result == VALIDATE_RUNNING)
			draw_duration(dur, sizeof dur, (int64_t)(now -
			    t->started_ms));
		else if (t->result >= VALIDATE_PASS)
			draw_duration(dur, sizeof dur, (int64_t)t->elapsed_ms);
		else
			dur[0] = '\0';
		draw_text(y, list.x + list.w - 11, 9, i == vv->sel ? a :
		    theme_attr(TR_DIM), dur);
	}

	t = &vv->tests[vv->sel];
	snprintf(title, sizeof title, "Test %d: %s", vv->sel + 1,
	    validate_tests[vv->sel].title);
	draw_box(&det, theme_attr(TR_BORDER), title);
	x = det.x + 2;
	w = det.w - 4;
	y = det.y + 1;
	end = det.y + det.h - 1;
	y += draw_wrap(y, x, w, end - y > 6 ? 4 : 2, A_NORMAL,
	    validate_tests[vv->sel].why);
	if (y < end && t->progress != NULL && t->result == VALIDATE_RUNNING) {
		draw_text(y, x, 1, theme_attr(TR_BUSY), draw_spinner(now));
		draw_text(y++, x + 2, w - 2, theme_attr(TR_BUSY), t->progress);
	}
	if (y < end)
		draw_text(y++, x, w, theme_attr(TR_HEADER), "Evidence");
	rows = end - y;
	n = t->nlog < VV_LOG ? t->nlog : VV_LOG;
	first = n > (size_t)(rows > 0 ? rows : 0) ? n - (size_t)rows : 0;
	if (n == 0 && y < end)
		draw_text(y, x, w, theme_attr(TR_DIM), t->result ==
		    VALIDATE_PENDING ? "not run yet: r runs it, A runs all" :
		    "none yet");
	for (k = first; k < n && y < end; k++)
		draw_text(y++, x, w, A_NORMAL,
		    t->log[(t->nlog - n + k) % VV_LOG]);
}

static bool
vv_busy(struct ui *ui)
{
	struct vv *vv = vv_of(ui);

	return vv != NULL && vv->v != NULL && validate_busy(vv->v);
}

static void
vv_stop(struct ui *ui)
{
	if (vv_busy(ui))
		validate_cancel(vv_of(ui)->v);
}

static void
vv_list(struct ui *ui, struct view_list *l)
{
	l->rows = l->page = VALIDATE_NTESTS;
	l->at = &vv_of(ui)->sel;
}

static void
vv_free(struct ui *ui)
{
	struct vv *vv = vv_of(ui);
	int i;

	/* Still running after the wait at exit: leave it to exit(). */
	if (vv->v != NULL && !validate_busy(vv->v))
		validate_free(vv->v);
	for (i = 0; i < VALIDATE_NTESTS; i++)
		vv_test_clear(&vv->tests[i]);
}

const struct view_ops view_validate_ops = {
	.private_size = sizeof(struct vv),
	.free = vv_free,
	.draw = vv_draw,
	.list = vv_list,
	.action = vv_action,
	.busy = vv_busy,
	.stop = vv_stop,
};
