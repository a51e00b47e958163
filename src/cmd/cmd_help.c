/* --help, written from the command and option tables: the usage line, the
 * text, and aligned, wrapped columns of commands and options.  The same
 * renderers, given another style, write the man page and the README
 * (tools/doc-gen.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"

/* Output is for an 80-column terminal, and the same everywhere. */
#define CMD_HELP_WIDTH	79
/* The left column of two never takes more. */
#define CMD_HELP_LEFT	26

static void
cmd_style_add(struct buf *b, const char *s, size_t n)
{
	buf_add(b, s, n);
}

const struct cmd_style cmd_style_plain = {
	cmd_style_add, cmd_style_add, cmd_style_add, " "
};

/* <META>: letters, digits and a few marks, nothing else. */
static size_t
cmd_meta_len(const char *p)
{
	size_t n;

	if (*p != '<')
		return 0;
	n = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.-");
	return n > 0 && p[1 + n] == '>' ? n : 0;
}

void
cmd_render(struct buf *b, const char *text, const struct cmd_style *st)
{
	const char *p = text, *end;
	size_t n;

	buf_adds(b, "");
	while (*p != '\0') {
		if (*p == '`' && (end = strchr(p + 1, '`')) != NULL) {
			st->lit(b, p + 1, (size_t)(end - p - 1));
			p = end + 1;
		} else if ((n = cmd_meta_len(p)) > 0) {
			st->meta(b, p + 1, n);
			p += n + 2;
		} else {
			n = 1 + strcspn(p + 1, "`<");
			st->text(b, p, n);
			p += n;
		}
	}
}

char *
cmd_plain(const char *text)
{
	struct buf b = { 0 };

	cmd_render(&b, text, &cmd_style_plain);
	return buf_take(&b);
}

char *
cmd_sentence(const char *text)
{
	char *s = cmd_plain(text), *t;

	if (*s >= 'a' && *s <= 'z')
		*s = (char)(*s - 'a' + 'A');
	t = xasprintf("%s.", s);
	free(s);
	return t;
}

void
cmd_strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void
cmd_strv_push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

void
cmd_option_arg(struct buf *b, const struct cmd_option *o,
    const struct cmd_style *st)
{
	size_t i;

	if (o->type != CMD_O_CHOICE) {
		st->meta(b, o->arg, strlen(o->arg));
		return;
	}
	for (i = 0; o->choices[i] != NULL; i++) {
		if (i > 0)
			st->text(b, "|", 1);
		st->lit(b, o->choices[i], strlen(o->choices[i]));
	}
}

/* "--name ARG": one alternative of a group. */
static void
cmd_synopsis_option(struct buf *b, const struct cmd_option *o,
    const struct cmd_style *st)
{
	char *name = xasprintf("--%s", o->name);

	st->lit(b, name, strlen(name));
	free(name);
	if (o->arg != NULL) {
		buf_adds(b, st->space);
		cmd_option_arg(b, o, st);
	}
}

char **
cmd_synopsis(const struct cmd_entry *e, bool brief, const struct cmd_style *st)
{
	struct cmd_opt_ref *opts = cmd_options(e), *r, *first;
	struct buf b = { 0 };
	char **v = NULL;
	size_t n = 0;
	bool bracket;

	st->lit(&b, "s3watch", strlen("s3watch"));
	if (e->name != NULL) {
		buf_adds(&b, st->space);
		st->lit(&b, e->name, strlen(e->name));
	}
	cmd_strv_push(&v, &n, buf_take(&b));
	if (e->args != NULL && e->args_first) {
		cmd_render(&b, e->args, st);
		cmd_strv_push(&v, &n, buf_take(&b));
	}
	for (r = opts; r->o != NULL; r++) {
		first = r;
		/* Alternatives are one group: [--only N|--from N]. */
		while ((r->flags & CMD_O_OR_NEXT) && r[1].o != NULL)
			r++;
		if (brief && !(first->flags & CMD_O_BRIEF))
			continue;
		bracket = !(first->flags & CMD_O_REQUIRED);
		if (bracket)
			st->text(&b, "[", 1);
		for (; first <= r; first++) {
			cmd_synopsis_option(&b, first->o, st);
			if (first < r)
				st->text(&b, "|", 1);
		}
		if (bracket)
			st->text(&b, "]", 1);
		if (r->o->type == CMD_O_LIST)
			st->text(&b, "...", 3);
		cmd_strv_push(&v, &n, buf_take(&b));
	}
	if (e->args != NULL && !e->args_first) {
		cmd_render(&b, e->args, st);
		cmd_strv_push(&v, &n, buf_take(&b));
	}
	free(opts);
	return v;
}

char *
cmd_option_notes(const struct cmd_option *o)
{
	struct buf b = { 0 };

	buf_adds(&b, "");
	if (o->type == CMD_O_NUMBER)
		buf_printf(&b, "%ld to %ld", o->min, o->max);
	else if (o->type == CMD_O_LIST)
		buf_adds(&b, "repeatable");
	if (o->dflt != NULL)
		buf_printf(&b, "%sdefault: %s", b.len > 0 ? "; " : "",
		    o->dflt);
	return buf_take(&b);
}

/* Writes text from column col (already written) up to the width, going
 * on at column indent; words are never split. */
static void
cmd_wrap(FILE *f, const char *text, size_t col, size_t indent)
{
	const char *p = text;
	size_t n;
	bool first = true;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (!first && col + 1 + n > CMD_HELP_WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, n, f);
		col += n;
		p += n;
		first = false;
	}
	fputc('\n', f);
}

void
cmd_rows(FILE *f, char *const *left, char *const *right, size_t n)
{
	size_t i, w = 0, col;

	for (i = 0; i < n; i++)
		if (strlen(left[i]) > w && strlen(left[i]) + 4 <= CMD_HELP_LEFT)
			w = strlen(left[i]);
	col = 2 + w + 2;
	for (i = 0; i < n; i++) {
		fprintf(f, "  %s", left[i]);
		/* Too long for the column: the text goes under it. */
		if (strlen(left[i]) > w)
			fprintf(f, "\n%*s", (int)col, "");
		else
			fprintf(f, "%*s", (int)(w - strlen(left[i]) + 2), "");
		cmd_wrap(f, right[i], col, col);
	}
}

void
cmd_usage(FILE *f, const struct cmd_entry *e)
{
	char **v = cmd_synopsis(e, false, &cmd_style_plain);
	size_t i, indent = strlen("usage: ") + strlen(v[0]) + 1, col;

	if (indent > 32)
		indent = 8;
	fprintf(f, "usage: %s", v[0]);
	col = strlen("usage: ") + strlen(v[0]);
	for (i = 1; v[i] != NULL; i++) {
		if (col + 1 + strlen(v[i]) > CMD_HELP_WIDTH) {
			fprintf(f, "\n%*s%s", (int)indent, "", v[i]);
			col = indent + strlen(v[i]);
		} else {
			fprintf(f, " %s", v[i]);
			col += 1 + strlen(v[i]);
		}
	}
	fputc('\n', f);
	cmd_strv_free(v);
}

/* Each paragraph of a doc text, wrapped, a blank line before each. */
static void
cmd_help_doc(FILE *f, const char *doc)
{
	char *plain = cmd_plain(doc), *p = plain, *end;

	for (;;) {
		if ((end = strstr(p, "\n\n")) != NULL)
			*end = '\0';
		fputc('\n', f);
		cmd_wrap(f, p, 0, 0);
		if (end == NULL)
			break;
		p = end + 2;
	}
	free(plain);
}

static void
cmd_help_options(FILE *f, const struct cmd_entry *e)
{
	struct cmd_opt_ref *opts = cmd_options(e);
	const struct cmd_option *row;
	struct buf b = { 0 };
	char **left = NULL, **right = NULL, *help, *notes;
	size_t n = 0, nr = 0, i;

	for (i = 0; ; i++) {
		row = opts[i].o != NULL ? opts[i].o : &cmd_help_option;
		if (row->short_name != 0)
			buf_printf(&b, "-%c, ", row->short_name);
		buf_printf(&b, "--%s", row->name);
		if (row->arg != NULL) {
			buf_addc(&b, ' ');
			cmd_option_arg(&b, row, &cmd_style_plain);
		}
		cmd_strv_push(&left, &n, buf_take(&b));
		help = cmd_plain(row->help);
		notes = cmd_option_notes(row);
		cmd_strv_push(&right, &nr, *notes != '\0' ?
		    xasprintf("%s (%s)", help, notes) : xstrdup(help));
		free(help);
		free(notes);
		if (row == &cmd_help_option)
			break;
	}
	cmd_rows(f, left, right, n);
	cmd_strv_free(left);
	cmd_strv_free(right);
	free(opts);
}

static void
cmd_help_commands(FILE *f)
{
	char **left = NULL, **right = NULL;
	size_t n = 0, nr = 0, i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		cmd_strv_push(&left, &n, xstrdup(cmd_table[i]->name));
		cmd_strv_push(&right, &nr, cmd_plain(cmd_table[i]->help));
	}
	cmd_rows(f, left, right, n);
	cmd_strv_free(left);
	cmd_strv_free(right);
}

void
cmd_help(FILE *f, const struct cmd_entry *e)
{
	struct cmd_section sec;
	char *s = cmd_sentence(e->help);
	size_t i;

	cmd_usage(f, e);
	fputc('\n', f);
	cmd_wrap(f, s, 0, 0);
	free(s);
	if (e == &cmd_main_entry) {
		fprintf(f, "\nCommands:\n");
		cmd_help_commands(f);
		fprintf(f, "\nGlobal options:\n");
		cmd_help_options(f, e);
		if (e->doc != NULL)
			cmd_help_doc(f, e->doc);
		return;
	}
	if (e->doc != NULL)
		cmd_help_doc(f, e->doc);
	fprintf(f, "\nOptions:\n");
	cmd_help_options(f, e);
	if (e->section != NULL) {
		memset(&sec, 0, sizeof sec);
		e->section(&sec);
		for (i = 0; i < sec.n; i++) {
			s = sec.right[i];
			sec.right[i] = cmd_plain(s);
			free(s);
		}
		fprintf(f, "\n%s:\n", sec.title);
		cmd_rows(f, sec.left, sec.right, sec.n);
		cmd_section_free(&sec);
	}
}

void
cmd_section_add(struct cmd_section *sec, char *left, char *right)
{
	size_t n = sec->n;

	cmd_strv_push(&sec->left, &n, left);
	cmd_strv_push(&sec->right, &sec->n, right);
}

void
cmd_section_free(struct cmd_section *sec)
{
	cmd_strv_free(sec->left);
	cmd_strv_free(sec->right);
	memset(sec, 0, sizeof *sec);
}
