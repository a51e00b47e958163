/* Alerts: open, acknowledged or all, optionally grouped by rule with
 * counts; acknowledge (with a note), acknowledge all shown, publish,
 * test-publish, and jump to the alert's last event in the monitor. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "theme.h"
#include "view.h"

enum va_scope {
	VA_OPEN,
	VA_ACKED,
	VA_ALL,
	VA_SCOPE_COUNT
};

static const char *const va_scope_names[VA_SCOPE_COUNT] = { "open",
    "acknowledged", "all" };

/* A row: an alert, or (alert NULL) a group's heading. */
struct va_row {
	struct alert	*alert;
	const char	*rule;
	size_t		 nalerts;
	uint64_t	 hits;
};

struct va {
	enum va_scope	 scope;
	bool		 group;
	char		 sel_id[ALERTS_ID_LEN + 1];
	size_t		 sel;
	size_t		 top;
	struct va_row	*rows;
	size_t		 nrows, cap;
	int		 page;
};

/* An async action's context: the alert by id (pointers stay valid, but
 * an id reads well in messages). */
struct va_job {
	struct ui	*ui;
	char		 id[ALERTS_ID_LEN + 1];
	bool		 test;
	bool		 ack;
};

static struct va *
va_of(struct ui *ui)
{
	return ui->priv[VIEW_ALERTS];
}

static bool
va_shown(const struct va *va, const struct alert *a)
{
	return va->scope == VA_ALL || (va->scope == VA_OPEN) == !a->acked;
}

static void
va_push(struct va *va, struct alert *a, const char *rule)
{
	if (va->nrows == va->cap) {
		va->cap = va->cap == 0 ? 64 : va->cap * 2;
		va->rows = xreallocarray(va->rows, va->cap, sizeof *va->rows);
	}
	va->rows[va->nrows].alert = a;
	va->rows[va->nrows].rule = rule;
	va->rows[va->nrows].nalerts = 0;
	va->rows[va->nrows++].hits = 0;
}

static void
va_rebuild(struct ui *ui)
{
	struct va *va = va_of(ui);
	struct alerts *t = ui->monitor != NULL ?
	    monitor_alerts(ui->monitor) : NULL;
	struct alert *a, *b;
	size_t i, j, k, head;

	va->nrows = 0;
	if (t == NULL)
		return;
	if (!va->group) {
		for (i = 0; (a = alerts_at(t, i)) != NULL; i++)
			if (va_shown(va, a))
				va_push(va, a, a->rule);
	} else {
		/* Groups in order of their newest alert. */
		for (i = 0; (a = alerts_at(t, i)) != NULL; i++) {
			if (!va_shown(va, a))
				continue;
			for (j = 0; j < i; j++) {
				b = alerts_at(t, j);
				if (va_shown(va, b) &&
				    strcmp(b->rule, a->rule) == 0)
					break;
			}
			if (j < i)
				continue;	/* group already listed */
			head = va->nrows;
			va_push(va, NULL, a->rule);
			for (k = i; (b = alerts_at(t, k)) != NULL; k++) {
				if (!va_shown(va, b) ||
				    strcmp(b->rule, a->rule) != 0)
					continue;
				va_push(va, b, b->rule);
				va->rows[head].nalerts++;
				va->rows[head].hits += b->count;
			}
		}
	}
	/* Keep the selection on the same alert. */
	va->sel = va->sel < va->nrows ? va->sel : va->nrows > 0 ?
	    va->nrows - 1 : 0;
	for (i = 0; va->sel_id[0] != '\0' && i < va->nrows; i++)
		if (va->rows[i].alert != NULL &&
		    strcmp(va->rows[i].alert->id, va->sel_id) == 0) {
			va->sel = i;
			break;
		}
}

static void
va_select(struct va *va, size_t i)
{
	va->sel = i;
	if (i < va->nrows && va->rows[i].alert != NULL)
		memcpy(va->sel_id, va->rows[i].alert->id, sizeof va->sel_id);
	else
		va->sel_id[0] = '\0';
}

static struct alert *
va_selected(struct ui *ui)
{
	struct va *va = va_of(ui);

	return va->sel < va->nrows ? va->rows[va->sel].alert : NULL;
}

/* --- actions ----------------------------------------------------------- */

static void
va_done(const char *error, void *arg)
{
	struct va_job *j = arg;
	struct ui *ui = j->ui;

	ui->pending--;
	if (j->ack && error != NULL)
		ui_message(ui, true, "%s acknowledged here, but not shared "
		    "with the team: %s", j->id, error);
	else if (j->ack)
		ui_message(ui, false, "acknowledged %s", j->id);
	else if (error != NULL)
		ui_message(ui, true, "publish failed: %s", error);
	else if (j->test)
		ui_message(ui, false, "test alert published");
	else
		ui_message(ui, false, "published %s", j->id);
	free(j);
	ui_dirty(ui);
}

static struct va_job *
va_job(struct ui *ui, const struct alert *a)
{
	struct va_job *j = xcalloc(1, sizeof *j);

	j->ui = ui;
	if (a != NULL)
		memcpy(j->id, a->id, sizeof j->id);
	return j;
}

static void
va_ack_one(struct ui *ui, struct alert *a, const char *note)
{
	struct va_job *j = va_job(ui, a);
	char *cause = NULL;

	j->ack = true;
	if (monitor_ack(ui->monitor, a, note != NULL && *note != '\0' ?
	    note : NULL, va_done, j, &cause) != 0) {
		ui_message(ui, true, "ack of %s failed: %s", a->id, cause);
		free(cause);
		free(j);
		return;
	}
	ui->pending++;
}

static void
va_on_note(struct ui *ui, const char *text, void *arg)
{
	char *id = arg;
	struct alert *a;
	char *cause = NULL;

	if (text != NULL && ui->monitor != NULL) {
		if ((a = alerts_find(monitor_alerts(ui->monitor), id,
		    &cause)) != NULL)
			va_ack_one(ui, a, text);
		else {
			ui_message(ui, true, "%s", cause);
			free(cause);
		}
	}
	free(id);
}

static void
va_on_ack_all(struct ui *ui, bool yes, void *arg)
{
	struct va *va = va_of(ui);
	size_t i, n = 0;

	(void)arg;
	if (!yes || ui->monitor == NULL)
		return;
	va_rebuild(ui);
	for (i = 0; i < va->nrows; i++)
		if (va->rows[i].alert != NULL && !va->rows[i].alert->acked) {
			va_ack_one(ui, va->rows[i].alert, NULL);
			n++;
		}
	ui_message(ui, false, "acknowledging %zu alert%s", n, n == 1 ? "" :
	    "s");
}

static void
va_on_publish(struct ui *ui, bool yes, void *arg)
{
	struct va_job *j = arg;
	struct alert *a;
	char *cause = NULL;

	if (!yes || ui->monitor == NULL ||
	    (a = alerts_find(monitor_alerts(ui->monitor), j->id, &cause)) ==
	    NULL) {
		free(cause);
		free(j);
		return;
	}
	ui->pending++;
	monitor_publish(ui->monitor, a, false, va_done, j);
}

static bool
va_action(struct ui *ui, enum action a)
{
	struct va *va = va_of(ui);
	struct alert *al;
	struct va_job *j;
	char q[128];
	size_t i, n;

	va_rebuild(ui);
	al = va_selected(ui);
	switch (a) {
	case ACT_ALERT_SCOPE:
		va->scope = (va->scope + 1) % VA_SCOPE_COUNT;
		return true;
	case ACT_ALERT_GROUP:
		va->group = !va->group;
		return true;
	default:
		break;
	}
	if (a != ACT_ALERT_ACK && a != ACT_ALERT_ACK_ALL &&
	    a != ACT_ALERT_PUBLISH && a != ACT_ALERT_TEST &&
	    a != ACT_ALERT_JUMP)
		return false;
	if (ui->monitor == NULL) {
		ui_message(ui, true, "the monitor is not running");
		return true;
	}
	switch (a) {
	case ACT_ALERT_ACK:
		if (al == NULL)
			ui_message(ui, true, "select an alert first");
		else if (al->acked)
			ui_message(ui, false, "%s is already acknowledged",
			    al->id);
		else {
			snprintf(q, sizeof q, "Acknowledge %s; note (Enter for "
			    "none):", al->id);
			ui_ask_text(ui, q, va_on_note, xstrdup(al->id));
		}
		break;
	case ACT_ALERT_ACK_ALL:
		for (i = 0, n = 0; i < va->nrows; i++)
			if (va->rows[i].alert != NULL &&
			    !va->rows[i].alert->acked)
				n++;
		if (n == 0) {
			ui_message(ui, false, "nothing to acknowledge here");
			break;
		}
		snprintf(q, sizeof q, "Acknowledge all %zu alert%s shown?", n,
		    n == 1 ? "" : "s");
		ui_ask_yesno(ui, q, va_on_ack_all, NULL);
		break;
	case ACT_ALERT_PUBLISH:
		if (al == NULL) {
			ui_message(ui, true, "select an alert first");
			break;
		}
		snprintf(q, sizeof q, "Publish %s to the alert topic?", al->id);
		ui_ask_yesno(ui, q, va_on_publish, va_job(ui, al));
		break;
	case ACT_ALERT_TEST:
		j = va_job(ui, NULL);
		j->test = true;
		ui->pending++;
		ui_message(ui, false, "publishing a test alert...");
		monitor_publish(ui->monitor, NULL, true, va_done, j);
		break;
	case ACT_ALERT_JUMP:
		if (al == NULL || al->last_event_id == NULL)
			ui_message(ui, true, "select an alert first");
		else if (view_monitor_select(ui, al->last_event_id))
			ui_switch(ui, VIEW_MONITOR);
		else
			ui_message(ui, true, "its last event is no longer "
			    "among those kept");
		break;
	default:
		break;
	}
	return true;
}

/* --- drawing ----------------------------------------------------------- */

/* "2026-11-24T10:00:00Z" as "11-24 10:00:00". */
static void
va_when(char *buf, size_t len, const char *iso)
{
	if (iso != NULL && strlen(iso) >= 19 && iso[10] == 'T')
		snprintf(buf, len, "%.5s %.8s", iso + 5, iso + 11);
	else
		snprintf(buf, len, "%s", iso != NULL ? iso : "-");
}

static void
va_draw_detail(struct ui *ui, const struct rect *r)
{
	const struct alert *a = va_selected(ui);
	int x = r->x + 2, w = r->w - 4, y = r->y + 1;
	char *s;

	draw_box(r, theme_attr(TR_BORDER), "Alert");
	if (a == NULL) {
		draw_text(y, x, w, theme_attr(TR_DIM), "no alert selected");
		return;
	}
	s = xasprintf("%s  %s  %s  (%llu hit%s)", a->id,
	    rules_severity_name(a->severity), a->title,
	    (unsigned long long)a->count, a->count == 1 ? "" : "s");
	draw_safe(y++, x, w, theme_severity(a->severity) | A_BOLD, s);
	free(s);
	s = xasprintf("key %s   first %s   last %s", a->key, a->first_seen,
	    a->last_seen);
	draw_safe(y++, x, w, A_NORMAL, s);
	free(s);
	if (y < r->y + r->h - 1) {
		s = xasprintf("last %s on %s from %s", a->last_action != NULL ?
		    a->last_action : "-", a->last_resource != NULL ?
		    a->last_resource : "-", a->last_source_ip != NULL ?
		    a->last_source_ip : "-");
		draw_safe(y++, x, w, A_NORMAL, s);
		free(s);
	}
	if (y < r->y + r->h - 1) {
		if (a->acked) {
			s = xasprintf("acknowledged by %s at %s%s%s",
			    a->ack_who != NULL ? a->ack_who : "?",
			    a->ack_at != NULL ? a->ack_at : "?",
			    a->ack_note != NULL && *a->ack_note != '\0' ?
			    ": " : "", a->ack_note != NULL ? a->ack_note : "");
			draw_safe(y++, x, w, theme_attr(TR_OK), s);
			free(s);
		} else if (a->reopened) {
			/* Hit again after the ack: it needs a human again. */
			s = xasprintf("%s: %llu hit%s since; a acknowledges "
			    "again", alerts_state_text(a),
			    (unsigned long long)(a->count - a->ack_count),
			    a->count - a->ack_count == 1 ? "" : "s");
			draw_safe(y++, x, w, theme_attr(TR_WARN) | A_BOLD, s);
			free(s);
		} else
			draw_text(y++, x, w, theme_attr(TR_WARN),
			    "open: a acknowledges, Enter shows its event");
	}
	if (a->suspect_who != NULL && y < r->y + r->h - 1) {
		s = xasprintf("suspicious ack by %s not applied: %s",
		    a->suspect_who, a->suspect_why);
		draw_safe(y++, x, w, theme_attr(TR_FAIL), s);
		free(s);
	}
}

static void
va_draw(struct ui *ui, const struct rect *r)
{
	struct va *va = va_of(ui);
	struct alerts *t = ui->monitor != NULL ?
	    monitor_alerts(ui->monitor) : NULL;
	struct rect det;
	const struct theme_glyphs *g = theme_glyphs();
	int y, x, rows, wkey, wrule, wwhen;
	size_t i, total = t != NULL ? alerts_count(t) : 0, open;
	char buf[64];

	va_rebuild(ui);
	open = t != NULL ? alerts_open(t) : 0;
	x = r->x + 1;
	x += draw_fmt(r->y, x, r->w - 2, theme_attr(open > 0 ? TR_WARN : TR_OK),
	    "%zu open", open);
	x += draw_fmt(r->y, x, r->w - x, A_NORMAL, "  %zu acknowledged  %zu "
	    "total", total - open, total);
	x += draw_text(r->y, x, r->w - x, theme_attr(TR_DIM), "   showing ");
	x += draw_text(r->y, x, r->w - x, theme_attr(TR_KEY),
	    va_scope_names[va->scope]);
	if (va->group)
		draw_text(r->y, x, r->w - x, theme_attr(TR_DIM),
		    ", grouped by rule");
	if (ui->monitor == NULL) {
		draw_text(r->y + 2, r->x + 1, r->w - 2, ui->monitor_error !=
		    NULL ? theme_attr(TR_FAIL) : theme_attr(TR_BUSY),
		    ui->monitor_error != NULL ? ui->monitor_error :
		    "the monitor starts once the account's names are known");
		return;
	}
	det.h = r->h >= 18 ? 6 : 5;
	det.x = r->x;
	det.w = r->w;
	det.y = r->y + r->h - det.h;
	y = r->y + 1;
	wrule = r->w >= 100 ? 30 : 20;
	wwhen = r->w >= 100 ? 14 : 8;
	wkey = r->w - (1 + 2 + 9 + 9 + wrule + 1 + 7 + 1 + wwhen) - 1;
	draw_fill(y, r->x, r->w, theme_attr(TR_HEADER));
	x = r->x + 3;
	x += draw_cell(y, x, 9, theme_attr(TR_HEADER), "ID");
	x += draw_cell(y, x, 9, theme_attr(TR_HEADER), "SEVERITY");
	x += draw_cell(y, x, wrule + 1, theme_attr(TR_HEADER), "RULE");
	x += draw_cell(y, x, wkey + 1, theme_attr(TR_HEADER),
	    wkey >= 16 ? "PRINCIPAL OR IP" : "KEY");
	x += draw_cell(y, x, 7, theme_attr(TR_HEADER), "  HITS");
	draw_cell(y, x + 1, wwhen, theme_attr(TR_HEADER), wwhen >= 9 ?
	    "LAST SEEN" : "LAST");
	rows = det.y - (y + 1);
	va->page = rows;
	if (va->nrows == 0) {
		draw_text(y + 1, r->x + 3, r->w - 4, theme_attr(TR_DIM),
		    va->scope == VA_OPEN ? "no open alerts" : "no alerts");
		va_draw_detail(ui, &det);
		return;
	}
	if (va->sel < va->top)
		va->top = va->sel;
	if (rows > 0 && va->sel >= va->top + (size_t)rows)
		va->top = va->sel - (size_t)rows + 1;
	for (i = va->top, y++; i < va->nrows && y < det.y; i++, y++) {
		const struct va_row *row = &va->rows[i];
		const struct alert *a = row->alert;
		attr_t at = i == va->sel ? theme_attr(TR_SELECTED) : A_NORMAL;

		draw_fill(y, r->x, r->w, at);
		if (a == NULL) {
			char *s = xasprintf("%s  %zu alert%s, %llu hit%s",
			    row->rule, row->nalerts, row->nalerts == 1 ? "" :
			    "s", (unsigned long long)row->hits,
			    row->hits == 1 ? "" : "s");
			draw_safe(y, r->x + 1, r->w - 2, at | A_BOLD, s);
			free(s);
			continue;
		}
		x = r->x + 1;
		draw_text(y, x, 1, i == va->sel ? at : a->acked ?
		    theme_attr(TR_OK) : theme_severity(a->severity),
		    a->acked ? g->ok : g->mark);
		x += 2;
		/* A prefix is enough to tell them apart on a screen. */
		snprintf(buf, sizeof buf, "%.8s", a->id);
		x += draw_cell(y, x, 9, at, buf);
		x += draw_cell(y, x, 9, i == va->sel ? at :
		    theme_severity(a->severity), rules_severity_name(
		    a->severity));
		x += draw_safe(y, x, wrule, a->acked && i != va->sel ?
		    theme_attr(TR_DIM) : at, a->rule) + 1;
		{
			char *k = text_safe_str(a->key);

			x += draw_cell_tail(y, x, wkey, at, k) + 1;
			free(k);
		}
		snprintf(buf, sizeof buf, "%6llu",
		    (unsigned long long)a->count);
		x += draw_cell(y, x, 7, at, buf);
		va_when(buf, sizeof buf, a->last_seen);
		draw_safe(y, x + 1, wwhen, at, wwhen < 14 && strlen(buf) >= 14 ?
		    buf + 6 : buf);
	}
	va_draw_detail(ui, &det);
}

static void
va_rows(struct ui *ui, struct view_list *l)
{
	struct va *va = va_of(ui);

	va_rebuild(ui);
	l->rows = va->nrows;
	l->cursor = va->sel;
	l->page = va->page > 1 ? (size_t)va->page - 1 : 1;
}

static void
va_select_row(struct ui *ui, size_t row)
{
	va_select(va_of(ui), row);
}

static void
va_free(struct ui *ui)
{
	free(va_of(ui)->rows);
}

const struct view_ops view_alerts_ops = {
	.private_size = sizeof(struct va),
	.free = va_free,
	.draw = va_draw,
	.list = va_rows,
	.select = va_select_row,
	.action = va_action,
};
