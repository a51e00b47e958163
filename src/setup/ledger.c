/* The resource ledger, kept as JSON in the state directory. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ledger.h"
#include "statefile.h"
#include "xalloc.h"

#define LEDGER_VERSION	1
#define LEDGER_MAX	(16 * 1024 * 1024)

static char *
ledger_dup(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static int
ledger_parse(struct ledger *l, const char *text, char **cause)
{
	struct json_object *root, *a, *e, *v;
	struct ledger_entry *le;
	size_t i, n;

	if ((root = json_tokener_parse(text)) == NULL ||
	    !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "version", &v) ||
	    json_object_get_int(v) != LEDGER_VERSION ||
	    !json_object_object_get_ex(root, "resources", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		json_object_put(root);
		*cause = xasprintf("%s is not an s3watch ledger (version %d); "
		    "move it aside to start afresh", l->path, LEDGER_VERSION);
		return -1;
	}
	l->suffix = ledger_dup(root, "suffix");
	l->account = ledger_dup(root, "account");
	l->region = ledger_dup(root, "region");
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
		le = &l->v[l->n];
		memset(le, 0, sizeof *le);
		le->kind = ledger_dup(e, "kind");
		le->name = ledger_dup(e, "name");
		if (le->kind == NULL || le->name == NULL) {
			free(le->kind);
			free(le->name);
			json_object_put(root);
			*cause = xasprintf("%s: resource %zu has no kind or name",
			    l->path, i + 1);
			return -1;
		}
		le->arn = ledger_dup(e, "arn");
		if (json_object_object_get_ex(e, "step", &v))
			le->step = json_object_get_int(v);
		if (json_object_object_get_ex(e, "created", &v))
			le->created = json_object_get_boolean(v);
		if (json_object_object_get_ex(e, "time", &v))
			le->time = (time_t)json_object_get_int64(v);
		l->n++;
	}
	json_object_put(root);
	return 0;
}

struct ledger *
ledger_open(const char *path, char **cause)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	char *text;
	size_t len;

	l->path = xstrdup(path);
	if ((text = statefile_read(path, LEDGER_MAX, &len, cause)) == NULL) {
		if (*cause == NULL)
			return l;
		ledger_free(l);
		return NULL;
	}
	if (strlen(text) != len || ledger_parse(l, text, cause) != 0) {
		if (*cause == NULL)
			*cause = xasprintf("%s holds NUL bytes", path);
		free(text);
		ledger_free(l);
		return NULL;
	}
	free(text);
	return l;
}

void
ledger_free(struct ledger *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].kind);
		free(l->v[i].name);
		free(l->v[i].arn);
	}
	free(l->v);
	free(l->suffix);
	free(l->account);
	free(l->region);
	free(l->path);
	free(l);
}

static void
ledger_add_str(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, key, json_object_new_string(v));
}

int
ledger_save(struct ledger *l, char **cause)
{
	struct json_object *root = json_object_new_object(), *a, *e;
	const char *text;
	size_t i;
	int rc;

	json_object_object_add(root, "version",
	    json_object_new_int(LEDGER_VERSION));
	ledger_add_str(root, "suffix", l->suffix);
	ledger_add_str(root, "account", l->account);
	ledger_add_str(root, "region", l->region);
	a = json_object_new_array();
	for (i = 0; i < l->n; i++) {
		e = json_object_new_object();
		ledger_add_str(e, "kind", l->v[i].kind);
		ledger_add_str(e, "name", l->v[i].name);
		ledger_add_str(e, "arn", l->v[i].arn);
		json_object_object_add(e, "step",
		    json_object_new_int(l->v[i].step));
		json_object_object_add(e, "created",
		    json_object_new_boolean(l->v[i].created));
		json_object_object_add(e, "time",
		    json_object_new_int64((int64_t)l->v[i].time));
		json_object_array_add(a, e);
	}
	json_object_object_add(root, "resources", a);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = statefile_write(l->path, text, strlen(text), cause);
	json_object_put(root);
	return rc;
}

struct ledger_entry *
ledger_find(struct ledger *l, const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].kind, kind) == 0 &&
		    strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

int
ledger_intend(struct ledger *l, const char *kind, const char *name,
    const char *arn, int step, char **cause)
{
	struct ledger_entry *e;

	if ((e = ledger_find(l, kind, name)) == NULL) {
		l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
		e = &l->v[l->n++];
		memset(e, 0, sizeof *e);
		e->kind = xstrdup(kind);
		e->name = xstrdup(name);
	} else if (e->created)
		return 0;
	free(e->arn);
	e->arn = arn != NULL ? xstrdup(arn) : NULL;
	e->step = step;
	e->time = time(NULL);
	return ledger_save(l, cause);
}

int
ledger_created(struct ledger *l, const char *kind, const char *name,
    char **cause)
{
	struct ledger_entry *e = ledger_find(l, kind, name);

	if (e == NULL || e->created)
		return 0;
	e->created = true;
	e->time = time(NULL);
	return ledger_save(l, cause);
}

int
ledger_forget(struct ledger *l, const char *kind, const char *name,
    char **cause)
{
	struct ledger_entry *e = ledger_find(l, kind, name);
	size_t i;

	if (e == NULL)
		return 0;
	i = (size_t)(e - l->v);
	free(e->kind);
	free(e->name);
	free(e->arn);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
	l->n--;
	return ledger_save(l, cause);
}

int
ledger_set(struct ledger *l, char **field, const char *value, char **cause)
{
	if (*field != NULL && value != NULL && strcmp(*field, value) == 0)
		return 0;
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
	return ledger_save(l, cause);
}
