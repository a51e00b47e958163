/* The live monitor: a table of the newest events, rule hits highlighted
 * by severity and flagged with the rule id, follow and pause, search and
 * filters, a detail pane with the event's JSON, rates and sparklines, and
 * top-N panes.  The model is src/monitor/monview.c; this file draws it and turns
 * keys into calls on it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "monview.h"
#include "theme.h"
#include "view.h"

#define VM_TOP_N	8

enum vm_pane {
	VM_PANE_NONE,
	VM_PANE_DETAIL,
	VM_PANE_TOP,
};

struct vm {
	struct monview		*mv;
	uint64_t		 top_seq;	/* first row shown */
	int			 rows;		/* table rows last frame */
	enum vm_pane		 pane;
	uint64_t		 detail_seq;	/* detail_off is for it */
	int			 detail_off;
	int			 shown_rate;	/* x10, last drawn */
	uint64_t		 shown_min;	/* minute of the sparklines */
};

static struct vm *
vm_of(struct ui *ui)
{
	return ui->priv[VIEW_MONITOR];
}

void
view_monitor_event(struct ui *ui, enum monitor_event kind,
    const struct monitor_record *r, const struct alert *a, const char *text)
{
	struct vm *vm = vm_of(ui);

	(void)a;
	if (vm == NULL || vm->mv == NULL)
		return;
	switch (kind) {
	case MONITOR_RECORD:
		monview_add(vm->mv, r, ui_now_ms());
		break;
	case MONITOR_WARNING:
		monview_warn(vm->mv, text);
		break;
	case MONITOR_ALERT:
	case MONITOR_ACK:
	case MONITOR_HEALTH:
		break;
	}
}

bool
view_monitor_select(struct ui *ui, const char *event_id)
{
	bool found = monview_select_id(vm_of(ui)->mv, event_id);

	ui_dirty(ui);
	return found;
}

/* --- actions ----------------------------------------------------------- */

static void
vm_found(struct ui *ui, enum monview_found f, bool older)
{
	const char *search = monview_searching(vm_of(ui)->mv);

	if (f == MONVIEW_NO_SEARCH)
		ui_message(ui, false, "no search yet: / searches");
	else if (f == MONVIEW_NO_MATCH)
		ui_message(ui, true, "no %s match for '%s'", older ? "older" :
		    "newer", search);
}

static void
vm_on_search(struct ui *ui, const char *text, void *arg)
{
	(void)arg;
	if (text != NULL && *text != '\0')
		vm_found(ui, monview_search(vm_of(ui)->mv, text), true);
}

static void
vm_on_filter(struct ui *ui, const char *text, void *arg)
{
	char *cause = NULL;

	(void)arg;
	if (text != NULL && monview_set_filter(vm_of(ui)->mv, text,
	    &cause) != 0) {
		ui_message(ui, true, "%s", cause);
		free(cause);
	}
}

static void
vm_list(struct ui *ui, struct view_list *l)
{
	struct vm *vm = vm_of(ui);

	l->rows = monview_rows(vm->mv);
	l->cursor = monview_cursor(vm->mv);
	l->page = vm->rows > 1 ? (size_t)vm->rows - 1 : 1;
}

static void
vm_select(struct ui *ui, size_t row)
{
	monview_select(vm_of(ui)->mv, row);
}

static bool
vm_action(struct ui *ui, enum action a)
{
	struct vm *vm = vm_of(ui);

	switch (a) {
	case ACT_MON_FOLLOW:
		monview_follow(vm->mv);
		break;
	case ACT_MON_PAUSE:
		monview_pause(vm->mv, !monview_paused(vm->mv, NULL));
		break;
	case ACT_MON_DETAIL:
		vm->pane = vm->pane == VM_PANE_DETAIL ? VM_PANE_NONE :
		    VM_PANE_DETAIL;
		vm->detail_off = 0;
		break;
	case ACT_MON_TOPN:
		vm->pane = vm->pane == VM_PANE_TOP ? VM_PANE_NONE :
		    VM_PANE_TOP;
		break;
	case ACT_MON_DETAIL_UP:
		vm->detail_off = vm->detail_off > 0 ? vm->detail_off - 1 : 0;
		break;
	case ACT_MON_DETAIL_DOWN:
		/* Bounded by the lines when drawn. */
		vm->detail_off++;
		break;
	case ACT_MON_SEARCH:
		ui_ask_text(ui, "Search:", vm_on_search, NULL);
		break;
	case ACT_MON_SEARCH_NEXT:
		vm_found(ui, monview_search_step(vm->mv, true), true);
		break;
	case ACT_MON_SEARCH_PREV:
		vm_found(ui, monview_search_step(vm->mv, false), false);
		break;
	case ACT_MON_FILTER:
		ui_ask_text(ui, "Filter (text, FIELD:TEXT, sev:high, errors):",
		    vm_on_filter, NULL);
		break;
	case ACT_MON_FILTER_HITS:
		monview_toggle(vm->mv, MONVIEW_HITS);
		break;
	case ACT_MON_FILTER_ERRORS:
		monview_toggle(vm->mv, MONVIEW_ERRORS);
		break;
	case ACT_MON_FILTER_CLEAR:
		monview_clear(vm->mv);
		break;
	default:
		return false;
	}
	ui_dirty(ui);
	return true;
}

/* --- drawing ----------------------------------------------------------- */

static void
vm_draw_detail(struct vm *vm, const struct rect *r)
{
	const struct monview_event *e = monview_row(vm->mv,
	    monview_cursor(vm->mv));
	const char *const *lines;
	char title[96];
	size_t n;
	int i;

	if (e == NULL) {
		draw_box(r, theme_attr(TR_BORDER), "Event");
		draw_text(r->y + 1, r->x + 2, r->w - 4, theme_attr(TR_DIM),
		    "no event selected");
		return;
	}
	n = monview_detail(vm->mv, e, &lines);
	if (e->seq != vm->detail_seq) {
		vm->detail_seq = e->seq;
		vm->detail_off = 0;
	}
	if (vm->detail_off > 0 && (size_t)vm->detail_off >= n)
		vm->detail_off = n > 0 ? (int)n - 1 : 0;
	snprintf(title, sizeof title, "Event %s  (J/K scroll)",
	    e->f[MONVIEW_F_ID]);
	draw_box(r, theme_attr(TR_BORDER), title);
	if (e->nhits > 0)
		draw_fmt(r->y + r->h - 1, r->x + 2, r->w - 4, theme_severity(
		    e->sev), " %s %s: %s ", theme_glyphs()->mark,
		    rules_severity_name(e->sev), e->f[MONVIEW_F_RULES]);
	for (i = 0; i < r->h - 2 && (size_t)(vm->detail_off + i) < n; i++)
		draw_text(r->y + 1 + i, r->x + 2, r->w - 4, A_NORMAL,
		    lines[vm->detail_off + i]);
}

static void
vm_draw_top_one(struct vm *vm, enum monview_top which, const char *title,
    const struct rect *r)
{
	struct monview_top_entry best[VM_TOP_N];
	char num[24];
	size_t n, i;
	int w = r->w - 4;

	draw_box(r, theme_attr(TR_BORDER), title);
	n = monview_top(vm->mv, which, best, r->h - 2 < VM_TOP_N ?
	    (size_t)(r->h > 2 ? r->h - 2 : 0) : VM_TOP_N);
	if (n == 0)
		draw_text(r->y + 1, r->x + 2, w, theme_attr(TR_DIM), "none yet");
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%6llu ",
		    (unsigned long long)best[i].count);
		draw_text(r->y + 1 + (int)i, r->x + 2, 7, theme_attr(TR_KEY),
		    num);
		draw_cell_tail(r->y + 1 + (int)i, r->x + 9, w - 7, A_NORMAL,
		    best[i].key);
	}
}

static void
vm_draw_top(struct vm *vm, const struct rect *r)
{
	struct rect c = *r;
	int w = r->w / 3;

	c.w = w;
	vm_draw_top_one(vm, MONVIEW_TOP_IP, "Top source IPs", &c);
	c.x += w;
	vm_draw_top_one(vm, MONVIEW_TOP_PRINCIPAL, "Top principals", &c);
	c.x += w;
	c.w = r->w - 2 * w;
	vm_draw_top_one(vm, MONVIEW_TOP_DENIED, "Denied calls", &c);
}

static void
vm_draw_header(struct ui *ui, struct vm *vm, const struct rect *r)
{
	const struct tail_health *h = ui->monitor != NULL ?
	    monitor_health(ui->monitor) : NULL;
	const struct monitor_stats *st = ui->monitor != NULL ?
	    monitor_stats(ui->monitor) : NULL;
	const struct monview_filter *f = monview_filter(vm->mv);
	const char *search = monview_searching(vm->mv), *warning =
	    monview_warning(vm->mv), *err;
	uint64_t now = ui_now_ms(), behind;
	int rate = monview_rate(vm->mv, now), x, sw;
	char lag[32], poll[32], state[64];

	vm->shown_rate = rate;
	vm->shown_min = now / 60000;
	x = r->x + 1;
	x += draw_fmt(r->y, x, r->w - 2, A_BOLD, "%d.%d", rate / 10, rate % 10);
	x += draw_text(r->y, x, r->w - x, theme_attr(TR_DIM), " ev/s  ");
	if (st != NULL) {
		x += draw_fmt(r->y, x, r->w - x, A_NORMAL, "%llu",
		    (unsigned long long)st->records);
		x += draw_text(r->y, x, r->w - x, theme_attr(TR_DIM),
		    " events  ");
		x += draw_fmt(r->y, x, r->w - x, st->hits > 0 ?
		    theme_attr(TR_WARN) : A_NORMAL, "%llu",
		    (unsigned long long)st->hits);
		x += draw_text(r->y, x, r->w - x, theme_attr(TR_DIM), " hits  ");
	}
	if (h != NULL) {
		x += draw_text(r->y, x, r->w - x, theme_attr(TR_DIM), "lag ");
		x += draw_text(r->y, x, r->w - x, A_NORMAL, h->events > 0 ?
		    draw_duration(lag, sizeof lag, h->lag_ms) : "-");
		x += draw_text(r->y, x, r->w - x, theme_attr(TR_DIM),
		    "  throttled ");
		x += draw_fmt(r->y, x, r->w - x, h->throttled > 0 ?
		    theme_attr(TR_WARN) : A_NORMAL, "%llu",
		    (unsigned long long)h->throttled);
		x += draw_text(r->y, x, r->w - x, theme_attr(TR_DIM), "  poll ");
		x += draw_text(r->y, x, r->w - x, A_NORMAL,
		    draw_duration(poll, sizeof poll, h->interval_ms));
		/* Shown only when it happens: each is worth a look. */
		if (h->future > 0)
			x += draw_fmt(r->y, x, r->w - x, theme_attr(TR_WARN),
			    "  %llu future-stamped",
			    (unsigned long long)h->future);
		if (h->late > 0)
			x += draw_fmt(r->y, x, r->w - x, theme_attr(TR_WARN),
			    "  %llu late", (unsigned long long)h->late);
	}
	if (st != NULL && st->journal_failures > 0)
		x += draw_fmt(r->y, x, r->w - x, theme_attr(TR_FAIL) | A_BOLD,
		    "  JOURNAL FAILING: %zu alert(s) waiting",
		    st->unjournalled);
	if (monview_paused(vm->mv, &behind))
		snprintf(state, sizeof state, " PAUSED +%llu ",
		    (unsigned long long)behind);
	else
		snprintf(state, sizeof state, monview_following(vm->mv) ?
		    " FOLLOW " : " SCROLL ");
	sw = draw_width(state);
	if (x + sw + 1 < r->x + r->w)
		draw_text(r->y, r->x + r->w - sw - 1, sw,
		    monview_paused(vm->mv, NULL) ?
		    theme_attr(TR_WARN) | A_REVERSE : theme_attr(TR_OK) |
		    A_REVERSE, state);

	/* Second row: sparklines, then the filter or the last error. */
	x = r->x + 1;
	x += draw_text(r->y + 1, x, r->w - x, theme_attr(TR_DIM), "ev/min ");
	draw_spark(r->y + 1, x, 16, theme_attr(TR_SPARK),
	    monview_minutes(vm->mv, false, now), MONVIEW_MINUTES);
	x += 17;
	x += draw_text(r->y + 1, x, r->w - x, theme_attr(TR_DIM), "hits/min ");
	draw_spark(r->y + 1, x, 16, theme_attr(TR_SEV_HIGH),
	    monview_minutes(vm->mv, true, now), MONVIEW_MINUTES);
	x += 18;
	if (ui->monitor == NULL) {
		draw_text(r->y + 1, x, r->x + r->w - x, ui->monitor_error !=
		    NULL ? theme_attr(TR_FAIL) : theme_attr(TR_BUSY),
		    ui->monitor_error != NULL ? ui->monitor_error :
		    "waiting for the account's names...");
	} else if (f->kind != MONVIEW_NONE || search != NULL) {
		x += draw_text(r->y + 1, x, r->x + r->w - x,
		    theme_attr(TR_KEY), f->kind != MONVIEW_NONE ? "filter " :
		    "");
		if (f->kind != MONVIEW_NONE)
			x += draw_text(r->y + 1, x, r->x + r->w - x, A_NORMAL,
			    f->label) + 1;
		if (search != NULL) {
			x += draw_text(r->y + 1, x, r->x + r->w - x,
			    theme_attr(TR_KEY), "/");
			draw_text(r->y + 1, x, r->x + r->w - x,
			    theme_attr(TR_MATCH), search);
		}
	} else if ((err = h != NULL && h->last_error != NULL ?
	    h->last_error : NULL) != NULL || warning != NULL) {
		x += draw_text(r->y + 1, x, r->x + r->w - x,
		    theme_attr(TR_FAIL), "last error ");
		if (err != NULL)
			draw_safe(r->y + 1, x, r->x + r->w - x - 1,
			    theme_attr(TR_FAIL), err);
		else
			draw_text(r->y + 1, x, r->x + r->w - x - 1,
			    theme_attr(TR_WARN), warning);
	}
}

struct vm_cols {
	int	time, event, principal, ip, object, result, rule;
};

static void
vm_columns(int w, struct vm_cols *c)
{
	int rest;

	c->time = 8;
	c->event = 16;
	c->ip = 15;
	if (w < 76) {
		/* Narrow: the source IP goes (the detail pane has it). */
		c->event = 14;
		c->ip = 0;
	}
	rest = w - (c->time + c->event + c->ip + (c->ip > 0 ? 3 : 2)) - 4;
	c->rule = rest >= 80 ? 22 : 0;
	if (c->rule > 0)
		rest -= c->rule + 1;
	c->result = rest >= 50 ? 16 : rest >= 36 ? 12 : 10;
	c->principal = (rest - c->result) / 2;
	c->object = rest - c->result - c->principal;
}

static void
vm_draw_row(const struct monview_event *e, const char *search, int y,
    int x0, const struct vm_cols *c, bool sel)
{
	const struct theme_glyphs *g = theme_glyphs();
	attr_t a = sel ? theme_attr(TR_SELECTED) : e->nhits > 0 ?
	    theme_severity(e->sev) : e->malformed ? theme_attr(TR_WARN) :
	    A_NORMAL, ra;
	int x = x0;
	char *flag;

	if (!sel && search != NULL && monview_event_has(e, search))
		a = theme_attr(TR_MATCH);
	x += draw_cell(y, x, c->time, a, e->f[MONVIEW_F_TIME]) + 1;
	x += draw_cell(y, x, c->event, a, e->f[MONVIEW_F_EVENT]) + 1;
	x += draw_cell_tail(y, x, c->principal, a, e->f[MONVIEW_F_PRINCIPAL]) + 1;
	if (c->ip > 0)
		x += draw_cell(y, x, c->ip, a, e->f[MONVIEW_F_IP]) + 1;
	ra = e->error && !sel && e->nhits == 0 ? theme_attr(TR_FAIL) : a;
	if (e->nhits > 0 && c->rule == 0) {
		/* No rule column: the flag takes the object's cell. */
		flag = xasprintf("%s%s %s", g->mark, e->f[MONVIEW_F_RULES],
		    e->f[MONVIEW_F_OBJECT]);
		draw_cell(y, x, c->object + 1 + c->result, sel ? a :
		    theme_severity(e->sev) | A_BOLD, flag);
		free(flag);
		return;
	}
	x += draw_cell_tail(y, x, c->object, a, e->f[MONVIEW_F_OBJECT]) + 1;
	x += draw_cell(y, x, c->result, ra, e->f[MONVIEW_F_RESULT]) + 1;
	if (c->rule > 0 && e->nhits > 0) {
		flag = xasprintf("%s%s", g->mark, e->f[MONVIEW_F_RULES]);
		draw_cell(y, x, c->rule, sel ? a : theme_severity(e->sev) |
		    A_BOLD, flag);
		free(flag);
	}
}

static void
vm_draw(struct ui *ui, const struct rect *r)
{
	struct vm *vm = vm_of(ui);
	struct rect table, pane;
	struct vm_cols c;
	const struct monview_event *e;
	size_t sel, top, i, n;
	int y, x;

	vm_draw_header(ui, vm, r);
	table = *r;
	table.y += 2;
	table.h -= 2;
	if (vm->pane != VM_PANE_NONE) {
		pane = table;
		pane.h = table.h / 2;
		table.h -= pane.h;
		pane.y = table.y + table.h;
		if (vm->pane == VM_PANE_DETAIL)
			vm_draw_detail(vm, &pane);
		else
			vm_draw_top(vm, &pane);
	}
	vm_columns(table.w, &c);
	x = table.x + 1;
	draw_fill(table.y, table.x, table.w, theme_attr(TR_HEADER));
	x += draw_cell(table.y, x, c.time, theme_attr(TR_HEADER), "TIME") + 1;
	x += draw_cell(table.y, x, c.event, theme_attr(TR_HEADER), "EVENT") + 1;
	x += draw_cell(table.y, x, c.principal, theme_attr(TR_HEADER),
	    "PRINCIPAL") + 1;
	if (c.ip > 0)
		x += draw_cell(table.y, x, c.ip, theme_attr(TR_HEADER),
		    "SOURCE IP") + 1;
	x += draw_cell(table.y, x, c.object, theme_attr(TR_HEADER),
	    "BUCKET/KEY") + 1;
	x += draw_cell(table.y, x, c.result, theme_attr(TR_HEADER),
	    c.rule > 0 ? "RESULT" : "RESULT/RULE") + 1;
	if (c.rule > 0)
		draw_cell(table.y, x, c.rule, theme_attr(TR_HEADER), "RULE");
	vm->rows = table.h - 1;
	if ((n = monview_rows(vm->mv)) == 0) {
		draw_text(table.y + 1, table.x + 1, table.w - 2,
		    theme_attr(TR_DIM), monview_total(vm->mv) == 0 ?
		    "no events yet" :
		    "no event matches the filter (x clears it)");
		return;
	}
	sel = monview_cursor(vm->mv);
	/* Keep the selection in view with as little movement as possible. */
	top = 0;
	if (vm->top_seq != 0)
		while (top < n && monview_row(vm->mv, top)->seq < vm->top_seq)
			top++;
	if (sel < top)
		top = sel;
	if (vm->rows > 0 && sel >= top + (size_t)vm->rows)
		top = sel - (size_t)vm->rows + 1;
	if (vm->rows > 0 && n - top < (size_t)vm->rows)
		top = n > (size_t)vm->rows ? n - (size_t)vm->rows : 0;
	vm->top_seq = monview_row(vm->mv, top)->seq;
	for (i = top, y = table.y + 1; i < n && y < table.y + table.h;
	    i++, y++) {
		e = monview_row(vm->mv, i);
		if (i == sel)
			draw_fill(y, table.x, table.w, theme_attr(TR_SELECTED));
		vm_draw_row(e, monview_searching(vm->mv), y, table.x + 1, &c,
		    i == sel);
	}
}

static void
vm_on_tick(struct ui *ui, uint64_t now)
{
	struct vm *vm = vm_of(ui);

	if (ui->view != VIEW_MONITOR)
		return;
	/* Redraw only if what the header shows has moved. */
	if (monview_rate(vm->mv, now) != vm->shown_rate ||
	    now / 60000 != vm->shown_min)
		ui_dirty(ui);
}

static void
vm_init(struct ui *ui)
{
	vm_of(ui)->mv = monview_new();
}

static void
vm_free(struct ui *ui)
{
	monview_free(vm_of(ui)->mv);
}

const struct view_ops view_monitor_ops = {
	.private_size = sizeof(struct vm),
	.init = vm_init,
	.free = vm_free,
	.draw = vm_draw,
	.list = vm_list,
	.select = vm_select,
	.action = vm_action,
	.on_tick = vm_on_tick,
};
