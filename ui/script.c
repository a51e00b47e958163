/* Key scripts and screen dumps (see script.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curses.h>

#include "actions.h"
#include "script.h"
#include "xalloc.h"

#define UI_SCRIPT_MAX_BYTES	(1024 * 1024)
#define UI_SCRIPT_MAX_NAME	16	/* in <...> */

struct ui_script {
	char			*path;
	struct ui_script_step	*v;
	size_t			 n, at;
};

static struct ui_script_step *
ui_script_push(struct ui_script *s, enum ui_script_kind kind, int line)
{
	struct ui_script_step *st;

	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	st = &s->v[s->n++];
	memset(st, 0, sizeof *st);
	st->kind = kind;
	st->line = line;
	return st;
}

static void
ui_script_key(struct ui_script *s, int key, int line)
{
	struct ui_script_step *st = ui_script_push(s, UI_SCRIPT_KEY, line);

	/* The terminal sends Enter as CR (the console runs with nonl). */
	if (key == KEY_ENTER || key == '\n')
		key = '\r';
	st->rc = key >= KEY_MIN ? KEY_CODE_YES : OK;
	st->wc = (wint_t)key;
}

/* A line of keys; -1 with *cause for a <Name> that names no key. */
static int
ui_script_keys(struct ui_script *s, const char *p, int line, char **cause)
{
	char name[UI_SCRIPT_MAX_NAME + 1];
	const char *end;
	mbstate_t mb;
	wchar_t wc;
	size_t n;
	int key;

	while (*p != '\0') {
		if (*p == '<' && (end = strchr(p + 1, '>')) != NULL &&
		    end > p + 1 && (size_t)(end - p - 1) <= UI_SCRIPT_MAX_NAME &&
		    strcspn(p + 1, " <") >= (size_t)(end - p - 1)) {
			memcpy(name, p + 1, (size_t)(end - p - 1));
			name[end - p - 1] = '\0';
			if (strcmp(name, "lt") == 0)
				key = '<';
			else if ((key = action_key_parse(name)) == 0) {
				*cause = xasprintf("%s:%d: no key <%s>",
				    s->path, line, name);
				return -1;
			}
			ui_script_key(s, key, line);
			p = end + 1;
			continue;
		}
		memset(&mb, 0, sizeof mb);
		n = mbrtowc(&wc, p, MB_CUR_MAX, &mb);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			*cause = xasprintf("%s:%d: not a character in this "
			    "locale", s->path, line);
			return -1;
		}
		ui_script_key(s, (int)wc, line);
		p += n;
	}
	return 0;
}

static int
ui_script_command(struct ui_script *s, char *text, int line, char **cause)
{
	static const struct {
		const char		*name;
		enum ui_script_kind	 kind;
	} commands[] = {
		{ "save-display", UI_SCRIPT_SAVE_DISPLAY },
		{ "ask-secret", UI_SCRIPT_ASK_SECRET },
	};
	struct ui_script_step *st;
	char *arg;
	size_t i;

	arg = text + strcspn(text, " \t");
	if (*arg != '\0')
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(text, commands[i].name) == 0)
			break;
	if (i == sizeof commands / sizeof commands[0]) {
		*cause = xasprintf("%s:%d: no command ':%s' (save-display FILE, "
		    "ask-secret LABEL)", s->path, line, text);
		return -1;
	}
	if (*arg == '\0') {
		*cause = xasprintf("%s:%d: ':%s' needs an argument", s->path,
		    line, text);
		return -1;
	}
	st = ui_script_push(s, commands[i].kind, line);
	st->arg = xstrdup(arg);
	return 0;
}

struct ui_script *
ui_script_open(const char *path, char **cause)
{
	struct ui_script *s;
	struct stat sb;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int no = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("script %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > UI_SCRIPT_MAX_BYTES) {
		*cause = xasprintf("script %s: not a regular file of at most "
		    "%d bytes", path, UI_SCRIPT_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	while (rc == 0 && (len = getline(&line, &cap, f)) != -1) {
		no++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			*cause = xasprintf("%s:%d: a NUL byte", path, no);
			rc = -1;
			break;
		}
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (line[0] == ':')
			rc = ui_script_command(s, line + 1, no, cause);
		else
			rc = ui_script_keys(s, line, no, cause);
	}
	free(line);
	if (rc == 0 && ferror(f)) {
		*cause = xasprintf("script %s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	if (rc != 0) {
		ui_script_free(s);
		return NULL;
	}
	return s;
}

void
ui_script_free(struct ui_script *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i].arg);
	free(s->v);
	free(s->path);
	free(s);
}

const struct ui_script_step *
ui_script_next(struct ui_script *s)
{
	return s->at < s->n ? &s->v[s->at++] : NULL;
}

const char *
ui_script_path(const struct ui_script *s)
{
	return s->path;
}

int
ui_script_save_display(const char *path, char **cause)
{
	wchar_t *row = xreallocarray(NULL, (size_t)COLS + 1, sizeof *row);
	char mb[MB_LEN_MAX];
	mbstate_t st;
	FILE *f;
	int y, i, n, end;
	size_t k;

	if ((f = fopen(path, "w")) == NULL) {
		*cause = xasprintf("save-display %s: %s", path, strerror(errno));
		free(row);
		return -1;
	}
	for (y = 0; y < LINES; y++) {
		/* Characters only: a wide character's second cell is not. */
		if ((n = mvwinnwstr(stdscr, y, 0, row, COLS)) == ERR)
			n = 0;
		for (end = n; end > 0 && row[end - 1] == L' '; end--)
			;
		memset(&st, 0, sizeof st);
		for (i = 0; i < end; i++) {
			k = wcrtomb(mb, row[i], &st);
			if (k == (size_t)-1) {
				mb[0] = '?';
				k = 1;
				memset(&st, 0, sizeof st);
			}
			fwrite(mb, 1, k, f);
		}
		fputc('\n', f);
	}
	free(row);
	if (ferror(f) | (fclose(f) != 0)) {
		*cause = xasprintf("save-display %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
