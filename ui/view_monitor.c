/* The live monitor: a table of the newest events (a bounded ring with
 * their raw JSON), rule hits highlighted by severity and flagged with the
 * rule id, follow and pause, search and filters, a detail pane with the
 * event's JSON, rates and sparklines, and top-N panes computed live.
 *
 * Every field is made terminal-safe once, when the event arrives. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "ctevent.h"
#include "hash.h"
#include "text.h"
#include "theme.h"
#include "view.h"

#define VM_RING		5000	/* events kept with their JSON */
#define VM_MINUTES	60	/* sparkline history */
#define VM_SECONDS	8	/* rate window (+1 filling) */
#define VM_TOP_CAP	4096	/* distinct keys per top-N table */
#define VM_TOP_N	8

enum vm_field {
	VF_TIME,
	VF_EVENT,
	VF_PRINCIPAL,
	VF_IP,
	VF_OBJECT,	/* bucket/key */
	VF_RESULT,	/* error code, or "ok" */
	VF_RULES,	/* rule ids, space-separated */
	VF_ID,		/* CloudTrail eventID */
	VF_COUNT
};

static const char *const vm_field_names[VF_COUNT] = {
	"time", "event", "principal", "ip", "object", "result", "rule", "id",
};

struct vm_ev {
	uint64_t		 seq;		/* 0: empty slot */
	char			*f[VF_COUNT];	/* safe */
	enum rules_severity	 sev;		/* highest hit */
	int			 nhits;
	bool			 error;
	bool			 malformed;
	char			*raw;		/* as received */
	size_t			 len;
};

struct vm_top_entry {
	char		*key;		/* safe */
	uint64_t	 hash;
	uint64_t	 count;
};

struct vm_top {
	struct vm_top_entry	 v[VM_TOP_CAP];
	size_t			 n;
};

enum vm_filter_kind {
	VMF_NONE,
	VMF_TEXT,	/* any field */
	VMF_FIELD,
	VMF_HITS,
	VMF_ERRORS,
	VMF_SEVERITY,	/* at least */
};

enum vm_pane {
	VM_PANE_NONE,
	VM_PANE_DETAIL,
	VM_PANE_TOP,
};

struct vm {
	struct vm_ev		 ring[VM_RING];
	uint64_t		 seq;		/* last assigned */

	/* the visible list, rebuilt from the ring: slots, oldest first */
	size_t			 vis[VM_RING];
	size_t			 nvis;

	uint64_t		 sel_seq;
	uint64_t		 top_seq;	/* first row shown */
	bool			 follow;
	bool			 paused;
	uint64_t		 paused_seq;
	int			 rows;		/* table rows last frame */

	enum vm_filter_kind	 filter;
	enum vm_field		 filter_field;
	enum rules_severity	 filter_sev;
	char			*filter_text;
	char			*filter_label;
	char			*search;

	enum vm_pane		 pane;
	uint64_t		 detail_seq;
	char		       **detail;	/* safe lines */
	size_t			 ndetail;
	int			 detail_off;

	/* rates */
	uint64_t		 sec_count[VM_SECONDS];
	uint64_t		 sec_at;	/* second of sec_count[0..] */
	uint64_t		 ev_min[VM_MINUTES];
	uint64_t		 hit_min[VM_MINUTES];
	uint64_t		 min_at;	/* minute of the last bucket */
	int			 shown_rate;	/* x10, last drawn */

	struct vm_top		 top_ip, top_principal, top_denied;
	char			*warning;	/* last engine warning, safe */
};

static struct vm *
vm_of(struct ui *ui)
{
	return ui->priv[VIEW_MONITOR];
}

/* --- counting ---------------------------------------------------------- */

static void
vm_top_add(struct vm_top *t, const char *key)
{
	uint64_t h;
	size_t i;

	if (key == NULL || *key == '\0' || strcmp(key, "-") == 0)
		return;
	h = hash64(key, strlen(key));
	for (i = h % VM_TOP_CAP; t->v[i].key != NULL; i = (i + 1) % VM_TOP_CAP)
		if (t->v[i].hash == h && strcmp(t->v[i].key, key) == 0) {
			t->v[i].count++;
			return;
		}
	/* Full enough: new keys are not counted, old ones still are. */
	if (t->n >= VM_TOP_CAP * 3 / 4)
		return;
	t->v[i].key = xstrdup(key);
	t->v[i].hash = h;
	t->v[i].count = 1;
	t->n++;
}

static void
vm_top_free(struct vm_top *t)
{
	size_t i;

	for (i = 0; i < VM_TOP_CAP; i++)
		free(t->v[i].key);
	memset(t, 0, sizeof *t);
}

/* The n biggest, biggest first. */
static size_t
vm_top_best(const struct vm_top *t, const struct vm_top_entry **out, size_t n)
{
	size_t i, j, k = 0;

	for (i = 0; i < VM_TOP_CAP; i++) {
		if (t->v[i].key == NULL)
			continue;
		for (j = k; j > 0 && out[j - 1]->count < t->v[i].count; j--)
			if (j < n)
				out[j] = out[j - 1];
		if (j < n) {
			out[j] = &t->v[i];
			if (k < n)
				k++;
		}
	}
	return k;
}

static void
vm_rates_roll(struct vm *vm, uint64_t now_ms)
{
	uint64_t sec = now_ms / 1000, min = now_ms / 60000, d;

	if (vm->sec_at == 0)
		vm->sec_at = sec;
	if (sec > vm->sec_at) {
		d = sec - vm->sec_at;
		if (d >= VM_SECONDS)
			memset(vm->sec_count, 0, sizeof vm->sec_count);
		else {
			memmove(vm->sec_count, vm->sec_count + d,
			    (VM_SECONDS - d) * sizeof vm->sec_count[0]);
			memset(vm->sec_count + VM_SECONDS - d, 0,
			    d * sizeof vm->sec_count[0]);
		}
		vm->sec_at = sec;
	}
	if (vm->min_at == 0)
		vm->min_at = min;
	if (min > vm->min_at) {
		d = min - vm->min_at;
		if (d >= VM_MINUTES) {
			memset(vm->ev_min, 0, sizeof vm->ev_min);
			memset(vm->hit_min, 0, sizeof vm->hit_min);
		} else {
			memmove(vm->ev_min, vm->ev_min + d,
			    (VM_MINUTES - d) * sizeof vm->ev_min[0]);
			memset(vm->ev_min + VM_MINUTES - d, 0,
			    d * sizeof vm->ev_min[0]);
			memmove(vm->hit_min, vm->hit_min + d,
			    (VM_MINUTES - d) * sizeof vm->hit_min[0]);
			memset(vm->hit_min + VM_MINUTES - d, 0,
			    d * sizeof vm->hit_min[0]);
		}
		vm->min_at = min;
	}
}

/* Events a second, x10, over the last full seconds. */
static int
vm_rate(struct vm *vm)
{
	uint64_t sum = 0;
	size_t i;

	vm_rates_roll(vm, loop_now_ms());
	for (i = 0; i < VM_SECONDS - 1; i++)
		sum += vm->sec_count[i];
	return (int)(sum * 10 / (VM_SECONDS - 1));
}

/* --- the ring ---------------------------------------------------------- */

static void
vm_ev_clear(struct vm_ev *e)
{
	size_t i;

	for (i = 0; i < VF_COUNT; i++)
		free(e->f[i]);
	free(e->raw);
	memset(e, 0, sizeof *e);
}

static void
vm_add(struct vm *vm, const struct monitor_record *r)
{
	struct vm_ev *e = &vm->ring[(vm->seq) % VM_RING];
	char *obj, *rules = NULL, *tmp;
	const char *t;
	size_t i;

	vm_ev_clear(e);
	e->seq = ++vm->seq;
	t = r->time != NULL && strlen(r->time) >= 19 && r->time[10] == 'T' ?
	    r->time + 11 : r->time;
	e->f[VF_TIME] = t != NULL ? text_safe(t, strlen(t) >= 8 &&
	    t != r->time ? 8 : strlen(t)) : xstrdup("-");
	e->malformed = r->malformed;
	if (r->malformed) {
		e->f[VF_EVENT] = xstrdup("(malformed)");
		e->f[VF_RESULT] = text_safe_str(r->why);
		e->error = true;
	} else {
		e->f[VF_EVENT] = text_safe_str(r->name != NULL ? r->name : "-");
		e->f[VF_RESULT] = text_safe_str(r->error_code != NULL ?
		    r->error_code : "ok");
		e->error = r->error_code != NULL && *r->error_code != '\0';
	}
	e->f[VF_PRINCIPAL] = text_safe_str(r->principal != NULL ?
	    r->principal : "-");
	e->f[VF_IP] = text_safe_str(r->source_ip != NULL ? r->source_ip : "-");
	obj = xasprintf("%s%s%s", r->bucket != NULL ? r->bucket : "-",
	    r->key != NULL ? "/" : "", r->key != NULL ? r->key : "");
	e->f[VF_OBJECT] = text_safe_str(obj);
	free(obj);
	e->f[VF_ID] = text_safe_str(r->event_id != NULL ? r->event_id : "");
	e->nhits = (int)r->nhits;
	e->sev = RULES_INFO;
	for (i = 0; i < r->nhits; i++) {
		if (r->hits[i].severity > e->sev)
			e->sev = r->hits[i].severity;
		tmp = xasprintf("%s%s%s", rules != NULL ? rules : "",
		    rules != NULL ? " " : "", r->hits[i].rule);
		free(rules);
		rules = tmp;
	}
	e->f[VF_RULES] = text_safe_str(rules != NULL ? rules : "");
	free(rules);
	e->raw = xstrndup(r->raw != NULL ? r->raw : "", r->raw != NULL ?
	    r->len : 0);
	e->len = r->raw != NULL ? r->len : 0;

	vm_rates_roll(vm, loop_now_ms());
	vm->sec_count[VM_SECONDS - 1]++;
	vm->ev_min[VM_MINUTES - 1]++;
	if (e->nhits > 0)
		vm->hit_min[VM_MINUTES - 1]++;
	vm_top_add(&vm->top_ip, e->f[VF_IP]);
	vm_top_add(&vm->top_principal, e->f[VF_PRINCIPAL]);
	if (ctevent_denied(r->error_code))
		vm_top_add(&vm->top_denied, e->f[VF_EVENT]);
}

void
view_monitor_event(struct ui *ui, enum monitor_event kind,
    const struct monitor_record *r, const struct alert *a, const char *text)
{
	struct vm *vm = vm_of(ui);

	(void)a;
	if (vm == NULL)
		return;
	switch (kind) {
	case MONITOR_RECORD:
		vm_add(vm, r);
		break;
	case MONITOR_WARNING:
		free(vm->warning);
		vm->warning = text_safe_str(text);
		break;
	case MONITOR_ALERT:
	case MONITOR_ACK:
	case MONITOR_HEALTH:
		break;
	}
}

/* --- the visible list -------------------------------------------------- */

static bool
vm_has(const char *hay, const char *needle)
{
	return hay != NULL && strcasestr(hay, needle) != NULL;
}

static bool
vm_matches_text(const struct vm_ev *e, const char *text)
{
	size_t i;

	for (i = 0; i < VF_COUNT; i++)
		if (vm_has(e->f[i], text))
			return true;
	return false;
}

static bool
vm_passes(const struct vm *vm, const struct vm_ev *e)
{
	switch (vm->filter) {
	case VMF_NONE:
		return true;
	case VMF_TEXT:
		return vm_matches_text(e, vm->filter_text);
	case VMF_FIELD:
		return vm_has(e->f[vm->filter_field], vm->filter_text);
	case VMF_HITS:
		return e->nhits > 0;
	case VMF_ERRORS:
		return e->error;
	case VMF_SEVERITY:
		return e->nhits > 0 && e->sev >= vm->filter_sev;
	}
	return true;
}

static void
vm_rebuild(struct vm *vm)
{
	uint64_t first = vm->seq > VM_RING ? vm->seq - VM_RING + 1 : 1, s;
	uint64_t last = vm->paused ? vm->paused_seq : vm->seq;
	const struct vm_ev *e;

	vm->nvis = 0;
	for (s = first; s <= last; s++) {
		e = &vm->ring[(s - 1) % VM_RING];
		if (e->seq == s && vm_passes(vm, e))
			vm->vis[vm->nvis++] = (size_t)((s - 1) % VM_RING);
	}
	if (vm->nvis == 0)
		return;
	if (vm->follow)
		vm->sel_seq = vm->ring[vm->vis[vm->nvis - 1]].seq;
}

/* Index in vis of the selection (or the nearest older one). */
static size_t
vm_sel_index(const struct vm *vm)
{
	size_t lo = 0, hi = vm->nvis;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (vm->ring[vm->vis[mid]].seq <= vm->sel_seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? lo - 1 : 0;
}

static void
vm_select_index(struct vm *vm, size_t i)
{
	if (vm->nvis == 0)
		return;
	if (i >= vm->nvis)
		i = vm->nvis - 1;
	vm->sel_seq = vm->ring[vm->vis[i]].seq;
	vm->follow = i == vm->nvis - 1 && !vm->paused;
}

static const struct vm_ev *
vm_selected(const struct vm *vm)
{
	if (vm->nvis == 0)
		return NULL;
	return &vm->ring[vm->vis[vm_sel_index(vm)]];
}

bool
view_monitor_select(struct ui *ui, const char *event_id)
{
	struct vm *vm = vm_of(ui);
	char *id = text_safe_str(event_id);
	uint64_t s;
	bool found = false;

	for (s = vm->seq; s > 0 && s + VM_RING > vm->seq; s--) {
		const struct vm_ev *e = &vm->ring[(s - 1) % VM_RING];

		if (e->seq == s && e->f[VF_ID] != NULL && *id != '\0' &&
		    strcmp(e->f[VF_ID], id) == 0) {
			/* Nothing may hide it. */
			vm->filter = VMF_NONE;
			vm->paused = false;
			vm->follow = false;
			vm->sel_seq = s;
			found = true;
			break;
		}
	}
	free(id);
	ui_dirty(ui);
	return found;
}

/* --- search and filter ------------------------------------------------- */

static void
vm_search_step(struct ui *ui, bool older)
{
	struct vm *vm = vm_of(ui);
	size_t i;

	if (vm->search == NULL) {
		ui_message(ui, false, "no search yet: / searches");
		return;
	}
	vm_rebuild(vm);
	if (vm->nvis == 0)
		return;
	i = vm_sel_index(vm);
	for (;;) {
		if (older ? i == 0 : i + 1 >= vm->nvis) {
			ui_message(ui, true, "no %s match for '%s'", older ?
			    "older" : "newer", vm->search);
			return;
		}
		i = older ? i - 1 : i + 1;
		if (vm_matches_text(&vm->ring[vm->vis[i]], vm->search))
			break;
	}
	vm_select_index(vm, i);
	vm->follow = false;
}

static void
vm_on_search(struct ui *ui, const char *text, void *arg)
{
	struct vm *vm = vm_of(ui);
	size_t i;

	(void)arg;
	if (text == NULL || *text == '\0')
		return;
	free(vm->search);
	vm->search = text_safe_str(text);
	vm_rebuild(vm);
	/* The selection itself may match: look from one newer. */
	i = vm_sel_index(vm);
	if (vm->nvis > 0 && vm_matches_text(&vm->ring[vm->vis[i]], vm->search))
		return;
	vm_search_step(ui, true);
}

static void
vm_set_filter(struct vm *vm, enum vm_filter_kind k, const char *label)
{
	vm->filter = k;
	free(vm->filter_label);
	vm->filter_label = label != NULL ? xstrdup(label) : NULL;
}

static void
vm_on_filter(struct ui *ui, const char *text, void *arg)
{
	static const char *const sevs[] = { "info", "low", "medium", "high",
	    "critical" };
	struct vm *vm = vm_of(ui);
	const char *colon;
	char *safe;
	size_t i, n;

	(void)arg;
	if (text == NULL)
		return;
	safe = text_safe_str(text);
	vm->follow = true;
	if (*safe == '\0') {
		vm_set_filter(vm, VMF_NONE, NULL);
	} else if (strcasecmp(safe, "error") == 0 ||
	    strcasecmp(safe, "errors") == 0) {
		vm_set_filter(vm, VMF_ERRORS, "errors");
	} else if (strcasecmp(safe, "hits") == 0) {
		vm_set_filter(vm, VMF_HITS, "rule hits");
	} else if ((colon = strchr(safe, ':')) != NULL) {
		n = (size_t)(colon - safe);
		if (n == 3 && strncasecmp(safe, "sev", 3) == 0) {
			for (i = 0; i < sizeof sevs / sizeof sevs[0]; i++)
				if (strcasecmp(colon + 1, sevs[i]) == 0)
					break;
			if (i == sizeof sevs / sizeof sevs[0]) {
				ui_message(ui, true, "severity: info, low, "
				    "medium, high or critical");
				free(safe);
				return;
			}
			vm->filter_sev = (enum rules_severity)i;
			vm_set_filter(vm, VMF_SEVERITY, safe);
			free(safe);
			return;
		}
		for (i = 0; i < VF_COUNT; i++)
			if (strlen(vm_field_names[i]) == n &&
			    strncasecmp(safe, vm_field_names[i], n) == 0)
				break;
		if (i == VF_COUNT && n == 6 && strncasecmp(safe, "bucket",
		    6) == 0)
			i = VF_OBJECT;
		if (i == VF_COUNT && n == 3 && strncasecmp(safe, "key", 3) == 0)
			i = VF_OBJECT;
		if (i == VF_COUNT) {
			ui_message(ui, true, "no field '%.*s': event, principal, "
			    "ip, bucket, key, result, rule, sev, id", (int)n,
			    safe);
			free(safe);
			return;
		}
		free(vm->filter_text);
		vm->filter_text = xstrdup(colon + 1);
		vm->filter_field = (enum vm_field)i;
		vm_set_filter(vm, VMF_FIELD, safe);
	} else {
		free(vm->filter_text);
		vm->filter_text = xstrdup(safe);
		vm_set_filter(vm, VMF_TEXT, safe);
	}
	free(safe);
}

/* --- actions ----------------------------------------------------------- */

static bool
vm_action(struct ui *ui, enum action a)
{
	struct vm *vm = vm_of(ui);
	size_t i;
	int page = vm->rows > 1 ? vm->rows - 1 : 1;

	vm_rebuild(vm);
	i = vm_sel_index(vm);
	switch (a) {
	case ACT_UP:
		vm_select_index(vm, i > 0 ? i - 1 : 0);
		vm->follow = false;
		break;
	case ACT_DOWN:
		vm_select_index(vm, i + 1);
		break;
	case ACT_PAGE_UP:
		vm_select_index(vm, i > (size_t)page ? i - (size_t)page : 0);
		vm->follow = false;
		break;
	case ACT_PAGE_DOWN:
		vm_select_index(vm, i + (size_t)page);
		break;
	case ACT_TOP:
		vm_select_index(vm, 0);
		vm->follow = false;
		break;
	case ACT_BOTTOM:
	case ACT_MON_FOLLOW:
		vm->follow = true;
		vm->paused = false;
		break;
	case ACT_MON_PAUSE:
		vm->paused = !vm->paused;
		vm->paused_seq = vm->seq;
		if (!vm->paused)
			vm->follow = true;
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
		if ((size_t)vm->detail_off + 1 < vm->ndetail)
			vm->detail_off++;
		break;
	case ACT_MON_SEARCH:
		ui_ask_text(ui, "Search:", vm_on_search, NULL);
		break;
	case ACT_MON_SEARCH_NEXT:
		vm_search_step(ui, true);
		break;
	case ACT_MON_SEARCH_PREV:
		vm_search_step(ui, false);
		break;
	case ACT_MON_FILTER:
		ui_ask_text(ui, "Filter (text, FIELD:TEXT, sev:high, errors):",
		    vm_on_filter, NULL);
		break;
	case ACT_MON_FILTER_HITS:
		vm_set_filter(vm, vm->filter == VMF_HITS ? VMF_NONE : VMF_HITS,
		    "rule hits");
		vm->follow = true;
		break;
	case ACT_MON_FILTER_ERRORS:
		vm_set_filter(vm, vm->filter == VMF_ERRORS ? VMF_NONE :
		    VMF_ERRORS, "errors");
		vm->follow = true;
		break;
	case ACT_MON_FILTER_CLEAR:
		vm_set_filter(vm, VMF_NONE, NULL);
		free(vm->search);
		vm->search = NULL;
		break;
	default:
		return false;
	}
	ui_dirty(ui);
	return true;
}

/* --- drawing ----------------------------------------------------------- */

static void
vm_detail_free(struct vm *vm)
{
	size_t i;

	for (i = 0; i < vm->ndetail; i++)
		free(vm->detail[i]);
	free(vm->detail);
	vm->detail = NULL;
	vm->ndetail = 0;
	vm->detail_seq = 0;
}

/* The selected event's JSON, pretty-printed once and cut into safe lines. */
static void
vm_detail_build(struct vm *vm, const struct vm_ev *e)
{
	struct json_tokener *tok;
	struct json_object *o = NULL;
	const char *text, *p, *nl;

	if (e->seq == vm->detail_seq)
		return;
	vm_detail_free(vm);
	vm->detail_seq = e->seq;
	vm->detail_off = 0;
	tok = json_tokener_new();
	if (e->len > 0 && e->len < INT32_MAX)
		o = json_tokener_parse_ex(tok, e->raw, (int)e->len);
	json_tokener_free(tok);
	text = o != NULL ? json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE) : e->raw;
	for (p = text; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		vm->detail = xreallocarray(vm->detail, vm->ndetail + 1,
		    sizeof *vm->detail);
		vm->detail[vm->ndetail++] = text_safe(p, nl != NULL ?
		    (size_t)(nl - p) : strlen(p));
	}
	json_object_put(o);
}

static void
vm_draw_detail(struct vm *vm, const struct rect *r)
{
	const struct vm_ev *e = vm_selected(vm);
	char title[96];
	int i;

	if (e == NULL) {
		draw_box(r, theme_attr(TR_BORDER), "Event");
		draw_text(r->y + 1, r->x + 2, r->w - 4, theme_attr(TR_DIM),
		    "no event selected");
		return;
	}
	vm_detail_build(vm, e);
	snprintf(title, sizeof title, "Event %s%s  (J/K scroll)",
	    e->f[VF_ID], e->nhits > 0 ? "" : "");
	draw_box(r, theme_attr(TR_BORDER), title);
	if (e->nhits > 0)
		draw_fmt(r->y + r->h - 1, r->x + 2, r->w - 4, theme_severity(
		    e->sev), " %s %s: %s ", theme_glyphs()->mark,
		    rules_severity_name(e->sev), e->f[VF_RULES]);
	for (i = 0; i < r->h - 2 && (size_t)(vm->detail_off + i) <
	    vm->ndetail; i++)
		draw_text(r->y + 1 + i, r->x + 2, r->w - 4, A_NORMAL,
		    vm->detail[vm->detail_off + i]);
}

static void
vm_draw_top_one(const struct vm_top *t, const char *title,
    const struct rect *r)
{
	const struct vm_top_entry *best[VM_TOP_N];
	char num[24];
	size_t n, i;
	int w = r->w - 4;

	draw_box(r, theme_attr(TR_BORDER), title);
	n = vm_top_best(t, best, (size_t)(r->h - 2) < VM_TOP_N ?
	    (size_t)(r->h - 2) : VM_TOP_N);
	if (n == 0)
		draw_text(r->y + 1, r->x + 2, w, theme_attr(TR_DIM), "none yet");
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%6llu ",
		    (unsigned long long)best[i]->count);
		draw_text(r->y + 1 + (int)i, r->x + 2, 7, theme_attr(TR_KEY),
		    num);
		draw_cell_tail(r->y + 1 + (int)i, r->x + 9, w - 7, A_NORMAL,
		    best[i]->key);
	}
}

static void
vm_draw_top(struct vm *vm, const struct rect *r)
{
	struct rect c = *r;
	int w = r->w / 3;

	c.w = w;
	vm_draw_top_one(&vm->top_ip, "Top source IPs", &c);
	c.x += w;
	vm_draw_top_one(&vm->top_principal, "Top principals", &c);
	c.x += w;
	c.w = r->w - 2 * w;
	vm_draw_top_one(&vm->top_denied, "Denied calls", &c);
}

static void
vm_draw_header(struct ui *ui, struct vm *vm, const struct rect *r)
{
	const struct tail_health *h = ui->monitor != NULL ?
	    monitor_health(ui->monitor) : NULL;
	const struct monitor_stats *st = ui->monitor != NULL ?
	    monitor_stats(ui->monitor) : NULL;
	int rate = vm_rate(vm), x, sw;
	char lag[32], poll[32], state[64];
	const char *err;

	vm->shown_rate = rate;
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
	if (vm->paused)
		snprintf(state, sizeof state, " PAUSED +%llu ",
		    (unsigned long long)(vm->seq - vm->paused_seq));
	else
		snprintf(state, sizeof state, vm->follow ? " FOLLOW " :
		    " SCROLL ");
	sw = draw_width(state);
	if (x + sw + 1 < r->x + r->w)
		draw_text(r->y, r->x + r->w - sw - 1, sw, vm->paused ?
		    theme_attr(TR_WARN) | A_REVERSE : theme_attr(TR_OK) |
		    A_REVERSE, state);

	/* Second row: sparklines, then the filter or the last error. */
	x = r->x + 1;
	x += draw_text(r->y + 1, x, r->w - x, theme_attr(TR_DIM), "ev/min ");
	draw_spark(r->y + 1, x, 16, theme_attr(TR_SPARK), vm->ev_min,
	    VM_MINUTES);
	x += 17;
	x += draw_text(r->y + 1, x, r->w - x, theme_attr(TR_DIM), "hits/min ");
	draw_spark(r->y + 1, x, 16, theme_attr(TR_SEV_HIGH), vm->hit_min,
	    VM_MINUTES);
	x += 18;
	if (ui->monitor == NULL) {
		draw_text(r->y + 1, x, r->x + r->w - x, ui->monitor_error !=
		    NULL ? theme_attr(TR_FAIL) : theme_attr(TR_BUSY),
		    ui->monitor_error != NULL ? ui->monitor_error :
		    "waiting for the account's names...");
	} else if (vm->filter != VMF_NONE || vm->search != NULL) {
		x += draw_text(r->y + 1, x, r->x + r->w - x,
		    theme_attr(TR_KEY), vm->filter != VMF_NONE ? "filter " :
		    "");
		if (vm->filter != VMF_NONE)
			x += draw_text(r->y + 1, x, r->x + r->w - x, A_NORMAL,
			    vm->filter_label) + 1;
		if (vm->search != NULL) {
			x += draw_text(r->y + 1, x, r->x + r->w - x,
			    theme_attr(TR_KEY), "/");
			draw_text(r->y + 1, x, r->x + r->w - x,
			    theme_attr(TR_MATCH), vm->search);
		}
	} else if ((err = h != NULL && h->last_error != NULL ?
	    h->last_error : NULL) != NULL || vm->warning != NULL) {
		x += draw_text(r->y + 1, x, r->x + r->w - x,
		    theme_attr(TR_FAIL), "last error ");
		if (err != NULL)
			draw_safe(r->y + 1, x, r->x + r->w - x - 1,
			    theme_attr(TR_FAIL), err);
		else
			draw_text(r->y + 1, x, r->x + r->w - x - 1,
			    theme_attr(TR_WARN), vm->warning);
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
vm_draw_row(const struct vm *vm, const struct vm_ev *e, int y, int x0,
    const struct vm_cols *c, bool sel)
{
	const struct theme_glyphs *g = theme_glyphs();
	attr_t a = sel ? theme_attr(TR_SELECTED) : e->nhits > 0 ?
	    theme_severity(e->sev) : e->malformed ? theme_attr(TR_WARN) :
	    A_NORMAL, ra;
	int x = x0;
	char *flag;

	if (!sel && vm->search != NULL && vm_matches_text(e, vm->search))
		a = theme_attr(TR_MATCH);
	x += draw_cell(y, x, c->time, a, e->f[VF_TIME]) + 1;
	x += draw_cell(y, x, c->event, a, e->f[VF_EVENT]) + 1;
	x += draw_cell_tail(y, x, c->principal, a, e->f[VF_PRINCIPAL]) + 1;
	if (c->ip > 0)
		x += draw_cell(y, x, c->ip, a, e->f[VF_IP]) + 1;
	ra = e->error && !sel && e->nhits == 0 ? theme_attr(TR_FAIL) : a;
	if (e->nhits > 0 && c->rule == 0) {
		/* No rule column: the flag takes the object's cell. */
		flag = xasprintf("%s%s %s", g->mark, e->f[VF_RULES],
		    e->f[VF_OBJECT]);
		draw_cell(y, x, c->object + 1 + c->result, sel ? a :
		    theme_severity(e->sev) | A_BOLD, flag);
		free(flag);
		return;
	}
	x += draw_cell_tail(y, x, c->object, a, e->f[VF_OBJECT]) + 1;
	x += draw_cell(y, x, c->result, ra, e->f[VF_RESULT]) + 1;
	if (c->rule > 0 && e->nhits > 0) {
		flag = xasprintf("%s%s", g->mark, e->f[VF_RULES]);
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
	size_t sel, top, i;
	int y, x;

	vm_rebuild(vm);
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
	if (vm->nvis == 0) {
		draw_text(table.y + 1, table.x + 1, table.w - 2,
		    theme_attr(TR_DIM), vm->seq == 0 ? "no events yet" :
		    "no event matches the filter (x clears it)");
		return;
	}
	sel = vm_sel_index(vm);
	/* Keep the selection in view with as little movement as possible. */
	top = 0;
	if (vm->top_seq != 0) {
		for (top = 0; top < vm->nvis &&
		    vm->ring[vm->vis[top]].seq < vm->top_seq; top++)
			;
	}
	if (sel < top)
		top = sel;
	if (vm->rows > 0 && sel >= top + (size_t)vm->rows)
		top = sel - (size_t)vm->rows + 1;
	if (vm->rows > 0 && vm->nvis - top < (size_t)vm->rows)
		top = vm->nvis > (size_t)vm->rows ? vm->nvis - (size_t)vm->rows :
		    0;
	vm->top_seq = vm->ring[vm->vis[top]].seq;
	for (i = top, y = table.y + 1; i < vm->nvis && y < table.y + table.h;
	    i++, y++) {
		if (i == sel)
			draw_fill(y, table.x, table.w, theme_attr(TR_SELECTED));
		vm_draw_row(vm, &vm->ring[vm->vis[i]], y, table.x + 1, &c,
		    i == sel);
	}
}

static void
vm_on_tick(struct ui *ui, uint64_t now)
{
	struct vm *vm = vm_of(ui);
	uint64_t min = vm->min_at;

	if (ui->view != VIEW_MONITOR)
		return;
	/* Redraw only if what the header shows has moved. */
	vm_rates_roll(vm, now);
	if (vm_rate(vm) != vm->shown_rate || vm->min_at != min)
		ui_dirty(ui);
}

static void
vm_init(struct ui *ui)
{
	struct vm *vm = xcalloc(1, sizeof *vm);

	vm->follow = true;
	ui->priv[VIEW_MONITOR] = vm;
}

static void
vm_free(struct ui *ui)
{
	struct vm *vm = vm_of(ui);
	size_t i;

	if (vm == NULL)
		return;
	for (i = 0; i < VM_RING; i++)
		vm_ev_clear(&vm->ring[i]);
	vm_top_free(&vm->top_ip);
	vm_top_free(&vm->top_principal);
	vm_top_free(&vm->top_denied);
	vm_detail_free(vm);
	free(vm->filter_text);
	free(vm->filter_label);
	free(vm->search);
	free(vm->warning);
	free(vm);
	ui->priv[VIEW_MONITOR] = NULL;
}

const struct view_ops view_monitor_ops = {
	.name = "monitor",
	.title = "Monitor",
	.scope = ACT_S_MONITOR,
	.init = vm_init,
	.free = vm_free,
	.draw = vm_draw,
	.action = vm_action,
	.on_tick = vm_on_tick,
};
