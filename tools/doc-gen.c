/* doc-gen: writes the generated parts of the man page and the README from
 * the tables, as tig's tools/doc-gen.c does: the commands and their
 * options (src/cmd*.c), the global options (src/cmd/cmd.c), the console's
 * keys (ui/actions.h) and the configuration keys (src/conf/conf.c); and
 * doc/rules.md from the rule pack (conf/rules.d), the checks
 * (src/rules/rules_check.c) and the rules' settings (src/rules/rules.c).
 *
 *	doc-gen [--check] [--rules DIR] FILE...
 *
 * Each generated part of FILE lies between two marker lines, which stay:
 *
 *	.\" BEGIN GENERATED commands		<!-- BEGIN GENERATED commands -->
 *	.\" END GENERATED commands		<!-- END GENERATED commands -->
 *
 * in a man page (FILE ends in .1) or in Markdown (FILE ends in .md).
 * Everything outside the markers is left as written.  FILE is rewritten
 * when a part changed; with --check, nothing is written and the exit
 * status is 1 when a part is out of date.  Bad markers exit 2. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "buf.h"
#include "cmd.h"
#include "rules.h"
#include "rules_check.h"

#define DOC_EXIT_STALE	1
#define DOC_EXIT_BAD	2

/* --- roff ---------------------------------------------------------------- */

/* Text that stays what it is in roff: backslashes escaped; in literals
 * (options, commands) '-' is a minus, never a hyphen to break at. */
static void
doc_roff_escape(struct buf *b, const char *s, size_t n, bool minus)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			buf_adds(b, "\\e");
		else if (s[i] == '-' && minus)
			buf_adds(b, "\\-");
		else if (s[i] == ' ' && minus)
			buf_adds(b, "\\ ");
		else
			buf_addc(b, s[i]);
	}
}

static void
doc_roff_text(struct buf *b, const char *s, size_t n)
{
	doc_roff_escape(b, s, n, false);
}

/* The page says .nh: "--no-resume" never breaks into "--no-re" and
 * "sume". */
static void
doc_roff_lit(struct buf *b, const char *s, size_t n)
{
	buf_adds(b, "\\fB");
	doc_roff_escape(b, s, n, true);
	buf_adds(b, "\\fR");
}

static void
doc_roff_meta(struct buf *b, const char *s, size_t n)
{
	buf_adds(b, "\\fI");
	doc_roff_escape(b, s, n, true);
	buf_adds(b, "\\fR");
}

static const struct cmd_style doc_roff = {
	doc_roff_text, doc_roff_lit, doc_roff_meta, "\\ "
};

/* Adds roff text as lines: a sentence a line (roff's own convention),
 * no line starting with a control character. */
static void
doc_roff_lines(struct buf *out, const char *text)
{
	const char *p = text;
	size_t n;

	while (*p == ' ')
		p++;
	while (*p != '\0') {
		for (n = 0; p[n] != '\0'; n++)
			if (p[n] == '.' && p[n + 1] == ' ' &&
			    ((p[n + 2] >= 'A' && p[n + 2] <= 'Z') ||
			    p[n + 2] == '\\'))
				break;
		if (p[n] == '.')
			n++;
		if (*p == '.' || *p == '\'')
			buf_adds(out, "\\&");
		buf_add(out, p, n);
		buf_addc(out, '\n');
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* Marked text as roff paragraphs. */
static void
doc_roff_paragraphs(struct buf *out, const char *text, bool first_pp)
{
	struct buf b = { 0 };
	char *p, *end;

	cmd_render(&b, text, &doc_roff);
	for (p = b.data;; p = end + 2) {
		if ((end = strstr(p, "\n\n")) != NULL)
			*end = '\0';
		if (first_pp || p != b.data)
			buf_adds(out, ".PP\n");
		doc_roff_lines(out, p);
		if (end == NULL)
			break;
	}
	buf_free(&b);
}

/* An option's tag: "\fB\-f\fR, \fB\-\-follow\fR", "\fB\-\-since\fR \fIWHEN\fR". */
static void
doc_roff_option(struct buf *out, const struct cmd_option *o)
{
	struct buf b = { 0 };
	char *s, *notes;

	buf_adds(out, ".TP\n");
	if (o->short_name != 0) {
		s = xasprintf("-%c", o->short_name);
		doc_roff_lit(out, s, strlen(s));
		free(s);
		buf_adds(out, ", ");
	}
	s = xasprintf("--%s", o->name);
	doc_roff_lit(out, s, strlen(s));
	free(s);
	if (o->arg != NULL) {
		buf_addc(out, ' ');
		cmd_option_arg(out, o, &doc_roff);
	}
	buf_addc(out, '\n');
	cmd_render(&b, o->help, &doc_roff);
	notes = cmd_option_notes(o);
	if (*notes != '\0') {
		buf_adds(&b, " (");
		doc_roff_text(&b, notes, strlen(notes));
		buf_adds(&b, ")");
	}
	free(notes);
	doc_roff_lines(out, b.data);
	buf_free(&b);
}

/* Rows such as setup's steps: a tagged paragraph each. */
static void
doc_roff_section(struct buf *out, const struct cmd_section *sec)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < sec->n; i++) {
		buf_adds(out, ".TP\n");
		doc_roff_lit(out, sec->left[i], strlen(sec->left[i]));
		buf_addc(out, '\n');
		buf_reset(&b);
		cmd_render(&b, sec->right[i], &doc_roff);
		doc_roff_lines(out, b.data);
	}
	buf_free(&b);
}

/* .SY (groff and mandoc) indents what follows the name and neither
 * adjusts nor hyphenates it. */
static void
doc_roff_synopsis(struct buf *out, const struct cmd_entry *e)
{
	char **v = cmd_synopsis(e, false, &doc_roff);
	size_t i;

	buf_adds(out, ".SY \"s3watch ");
	doc_roff_escape(out, e->name, strlen(e->name), true);
	buf_adds(out, "\"\n");
	for (i = 1; v[i] != NULL; i++) {
		buf_adds(out, v[i]);
		buf_addc(out, '\n');
	}
	buf_adds(out, ".YS\n");
	cmd_strv_free(v);
}

static void
doc_roff_options(struct buf *out, const struct cmd_entry *e)
{
	struct cmd_opt_ref *v = cmd_options(e), *r;

	for (r = v; r->o != NULL; r++)
		doc_roff_option(out, r->o);
	free(v);
}

static void
doc_roff_global_options(struct buf *out)
{
	doc_roff_options(out, &cmd_main_entry);
	doc_roff_option(out, &cmd_help_option);
}

static void
doc_roff_commands(struct buf *out)
{
	const struct cmd_entry *e, *first;
	struct cmd_section sec;
	char *s;
	size_t i, j;

	for (i = 0; (e = cmd_table[i]) != NULL; i++) {
		buf_adds(out, ".SS ");
		doc_roff_escape(out, e->name, strlen(e->name), true);
		buf_addc(out, '\n');
		doc_roff_synopsis(out, e);
		s = cmd_sentence(e->help);
		doc_roff_paragraphs(out, s, true);
		free(s);
		if (e->doc != NULL)
			doc_roff_paragraphs(out, e->doc, true);
		doc_roff_options(out, e);
		/* The configuration's keys have their own section. */
		if (e->section == NULL || e == &cmd_config_entry)
			continue;
		memset(&sec, 0, sizeof sec);
		e->section(&sec);
		/* Rows another command listed already are named, not
		 * repeated: status and teardown take setup's steps. */
		for (j = 0; (first = cmd_table[j]) != e; j++)
			if (first->section == e->section)
				break;
		if (first != e) {
			buf_printf(out, ".PP\n%s: as for ", sec.title);
			doc_roff_lit(out, first->name, strlen(first->name));
			buf_adds(out, ".\n");
		} else {
			buf_printf(out, ".PP\n%s:\n", sec.title);
			doc_roff_section(out, &sec);
		}
		cmd_section_free(&sec);
	}
}

/* The console's keys, scope by scope in the order the table first names
 * them. */
static void
doc_roff_keys(struct buf *out)
{
	const struct action_def *d;
	struct buf b = { 0 };
	int scopes[64];
	size_t i, j, nscopes = 0;

	for (i = 0; i < action_count; i++) {
		for (j = 0; j < nscopes; j++)
			if (scopes[j] == (int)action_table[i].scope)
				break;
		if (j == nscopes && nscopes < sizeof scopes / sizeof scopes[0])
			scopes[nscopes++] = (int)action_table[i].scope;
	}
	for (j = 0; j < nscopes; j++) {
		buf_printf(out, ".SS %s\n",
		    action_scope_name((enum action_scope)scopes[j]));
		for (i = 0; i < action_count; i++) {
			d = &action_table[i];
			if ((int)d->scope != scopes[j])
				continue;
			buf_adds(out, ".TP\n");
			buf_reset(&b);
			buf_adds(&b, action_keys(d->action));
			doc_roff_lit(out, b.data, b.len);
			buf_adds(out, "  (");
			doc_roff_meta(out, d->name, strlen(d->name));
			buf_adds(out, ")\n");
			buf_reset(&b);
			doc_roff_text(&b, d->help, strlen(d->help));
			doc_roff_lines(out, b.data);
		}
	}
	buf_free(&b);
}

static void
doc_roff_configuration(struct buf *out)
{
	struct cmd_section sec;

	memset(&sec, 0, sizeof sec);
	cmd_config_entry.section(&sec);
	doc_roff_section(out, &sec);
	cmd_section_free(&sec);
}

/* --- Markdown ------------------------------------------------------------ */

/* In a table cell, '|' ends the cell. */
static void
doc_md_text(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '|')
			buf_addc(b, '\\');
		buf_addc(b, s[i]);
	}
}

static void
doc_md_lit(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '`');
	doc_md_text(b, s, n);
	buf_addc(b, '`');
}

static const struct cmd_style doc_md = {
	doc_md_text, doc_md_lit, doc_md_text, " "
};

/* The brief synopsis in one code span (plain inside): "monitor [--since
 * WHEN] ..." without "s3watch", as the README's table reads. */
static void
doc_md_synopsis(struct buf *out, const struct cmd_entry *e, bool name)
{
	struct buf b = { 0 };
	char **v = cmd_synopsis(e, true, &cmd_style_plain);
	size_t i;

	buf_adds(&b, name ? e->name : v[0]);
	for (i = 1; v[i] != NULL; i++)
		buf_printf(&b, " %s", v[i]);
	doc_md_text(out, b.data, b.len);
	buf_free(&b);
	cmd_strv_free(v);
}

static void
doc_md_main_synopsis(struct buf *out)
{
	buf_adds(out, "    ");
	doc_md_synopsis(out, &cmd_main_entry, false);
	buf_addc(out, '\n');
}

static void
doc_md_commands(struct buf *out)
{
	const struct cmd_entry *e;
	size_t i;

	buf_adds(out, "| command | what it does |\n|---|---|\n");
	for (i = 0; (e = cmd_table[i]) != NULL; i++) {
		buf_adds(out, "| `");
		doc_md_synopsis(out, e, true);
		buf_adds(out, "` | ");
		cmd_render(out, e->help, &doc_md);
		buf_adds(out, " |\n");
	}
}

/* --- doc/rules.md: the pack --------------------------------------------- */

/* The pack of --rules, loaded on first use; doc-gen exits on a problem. */
static const char *doc_rules_dir;
static struct rules *doc_rules;

static void
doc_rules_error(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "doc-gen: %s\n", msg);
}

static struct rules *
doc_pack(void)
{
	char *cause = NULL;

	if (doc_rules != NULL)
		return doc_rules;
	if (doc_rules_dir == NULL) {
		fprintf(stderr, "doc-gen: doc/rules.md needs --rules DIR\n");
		exit(DOC_EXIT_BAD);
	}
	doc_rules = rules_new();
	if (rules_load_dir(doc_rules, doc_rules_dir, doc_rules_error, NULL,
	    &cause) != 0) {
		fprintf(stderr, "doc-gen: %s: %s\n", doc_rules_dir,
		    cause != NULL ? cause : "the pack does not load cleanly");
		exit(DOC_EXIT_BAD);
	}
	return doc_rules;
}

static void
doc_md_cell(struct buf *out, const char *s)
{
	doc_md_text(out, s, strlen(s));
}

static void
doc_md_settings(struct buf *out)
{
	const char *var;
	int k;

	buf_adds(out, "| setting | in patterns | what it holds |\n"
	    "|---|---|---|\n");
	for (k = 0; k < RULES_SET_COUNT; k++) {
		var = rules_setting_var((enum rules_setting)k);
		buf_printf(out, "| `%s` | ", rules_setting_name(k));
		if (var != NULL)
			buf_printf(out, "`${%s}`", var);
		else
			buf_adds(out, "(checks)");
		buf_adds(out, " | ");
		doc_md_cell(out, rules_setting_help(k));
		buf_adds(out, " |\n");
	}
}

static void
doc_md_checks(struct buf *out)
{
	const struct rules_check *c;
	size_t i;

	buf_adds(out, "| check | reads | worst | finds |\n|---|---|---|---|\n");
	for (c = rules_checks; c->name != NULL; c++) {
		buf_printf(out, "| `%s` | %s ", c->name, c->source);
		for (i = 0; c->events[i] != NULL; i++)
			buf_printf(out, "%s`%s`", i == 0 ? "" : ", ",
			    c->events[i]);
		buf_printf(out, " | %s | ", rules_severity_name(c->worst));
		doc_md_cell(out, c->summary);
		buf_adds(out, " |\n");
	}
}

static void
doc_md_rules(struct buf *out)
{
	struct rules *r = doc_pack();
	struct rules_info ri;
	const char *base, *sev;
	char *logic;
	size_t i;

	buf_adds(out, "| rule | kind | severity | title |\n"
	    "|---|---|---|---|\n");
	for (i = 0; rules_info(r, i, &ri); i++) {
		buf_printf(out, "| [`%s`](#%s) | %s | %s | ", ri.id, ri.id,
		    rules_kind_name(ri.kind), rules_severity_name(ri.severity));
		doc_md_cell(out, ri.title);
		buf_adds(out, " |\n");
	}
	for (i = 0; rules_info(r, i, &ri); i++) {
		base = strrchr(ri.file, '/');
		sev = rules_severity_name(ri.severity);
		buf_printf(out, "\n### %s\n\n**%s** — %s, %s (`%s`)\n\n",
		    ri.id, ri.title, rules_kind_name(ri.kind), sev,
		    base != NULL ? base + 1 : ri.file);
		if (ri.description != NULL)
			buf_printf(out, "%s\n\n", ri.description);
		buf_printf(out, "*Why %s:* %s\n\n", sev, ri.rationale != NULL ?
		    ri.rationale : "(no rationale)");
		logic = rules_logic(r, i);
		if (*logic != '\0')
			buf_printf(out, "Finds: %s.\n\n", logic);
		free(logic);
		if (ri.pattern != NULL)
			buf_printf(out, "Reads%s:\n\n```json\n%s\n```\n",
			    ri.check != NULL ? " (select)" : "", ri.pattern);
		else
			buf_adds(out, "Reads the hits of its steps.\n");
	}
}

/* --- files --------------------------------------------------------------- */

struct doc_part {
	const char	*name;
	void		(*write)(struct buf *);
};

static const struct doc_part doc_roff_parts[] = {
	{ "global-options", doc_roff_global_options },
	{ "commands", doc_roff_commands },
	{ "keys", doc_roff_keys },
	{ "configuration", doc_roff_configuration },
	{ NULL, NULL }
};

static const struct doc_part doc_md_parts[] = {
	{ "synopsis", doc_md_main_synopsis },
	{ "commands", doc_md_commands },
	{ NULL, NULL }
};

static const struct doc_part doc_rules_parts[] = {
	{ "settings", doc_md_settings },
	{ "checks", doc_md_checks },
	{ "rules", doc_md_rules },
	{ NULL, NULL }
};

struct doc_format {
	const char		*suffix;
	const char		*begin;		/* the marker, before the name */
	const char		*end;
	const char		*close;		/* after the name */
	const struct doc_part	*parts;
};

static const struct doc_format doc_formats[] = {
	{ ".1", ".\\\" BEGIN GENERATED ", ".\\\" END GENERATED ", "",
	  doc_roff_parts },
	{ ".md", "<!-- BEGIN GENERATED ", "<!-- END GENERATED ", " -->",
	  doc_md_parts },
	/* The last suffix that matches wins. */
	{ "/rules.md", "<!-- BEGIN GENERATED ", "<!-- END GENERATED ", " -->",
	  doc_rules_parts },
};

/* Is line (len bytes) the marker prefix + name + close?  *part is the
 * name's part, NULL if no part has that name. */
static bool
doc_marker(const struct doc_format *f, const char *prefix, const char *line,
    size_t len, const struct doc_part **part)
{
	size_t np = strlen(prefix), nc = strlen(f->close), nn;
	const struct doc_part *p;

	if (len < np + nc || strncmp(line, prefix, np) != 0 ||
	    strncmp(line + len - nc, f->close, nc) != 0)
		return false;
	nn = len - np - nc;
	*part = NULL;
	for (p = f->parts; p->name != NULL; p++)
		if (strlen(p->name) == nn && strncmp(p->name, line + np, nn) == 0)
			*part = p;
	return true;
}

/* The file with every part written anew; -1 after saying what is wrong
 * with its markers. */
static int
doc_rewrite(const char *path, const struct doc_format *f, const char *in,
    struct buf *out)
{
	const struct doc_part *part, *open = NULL, *p;
	const char *line = in, *nl;
	size_t len, nparts = 0, seen = 0, lineno = 0;

	for (p = f->parts; p->name != NULL; p++)
		nparts++;
	for (; *line != '\0'; line = nl != NULL ? nl + 1 : line + len) {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		lineno++;
		if (open == NULL && doc_marker(f, f->begin, line, len, &part)) {
			if (part == NULL) {
				fprintf(stderr, "doc-gen: %s:%zu: no generated "
				    "part has that name\n", path, lineno);
				return -1;
			}
			open = part;
			buf_add(out, line, len);
			buf_addc(out, '\n');
			part->write(out);
			continue;
		}
		if (open != NULL && doc_marker(f, f->end, line, len, &part)) {
			if (part != open) {
				fprintf(stderr, "doc-gen: %s:%zu: this END does "
				    "not close %s\n", path, lineno, open->name);
				return -1;
			}
			open = NULL;
			seen++;
		}
		if (open == NULL) {
			buf_add(out, line, len);
			if (nl != NULL)
				buf_addc(out, '\n');
		}
	}
	if (open != NULL) {
		fprintf(stderr, "doc-gen: %s: %s is never closed\n", path,
		    open->name);
		return -1;
	}
	if (seen != nparts) {
		fprintf(stderr, "doc-gen: %s: %zu generated parts, not the %zu "
		    "expected\n", path, seen, nparts);
		return -1;
	}
	return 0;
}

static int
doc_file(const char *path, bool check)
{
	const struct doc_format *f = NULL;
	struct buf in = { 0 }, out = { 0 };
	size_t i, n = strlen(path);
	char *tmp;
	FILE *fp;
	int rc = 0;

	for (i = 0; i < sizeof doc_formats / sizeof doc_formats[0]; i++)
		if (n > strlen(doc_formats[i].suffix) && strcmp(path + n -
		    strlen(doc_formats[i].suffix), doc_formats[i].suffix) == 0)
			f = &doc_formats[i];
	if (f == NULL) {
		fprintf(stderr, "doc-gen: %s: neither a man page (.1) nor "
		    "Markdown (.md)\n", path);
		return DOC_EXIT_BAD;
	}
	if (buf_read_file(&in, path, 4 * 1024 * 1024) != 0) {
		fprintf(stderr, "doc-gen: %s: %s\n", path, strerror(errno));
		return DOC_EXIT_BAD;
	}
	buf_adds(&in, "");
	buf_adds(&out, "");
	if (doc_rewrite(path, f, in.data, &out) != 0)
		rc = DOC_EXIT_BAD;
	else if (strcmp(in.data, out.data) == 0)
		rc = 0;
	else if (check) {
		fprintf(stderr, "doc-gen: %s: the generated parts are out of "
		    "date; run make update-docs\n", path);
		rc = DOC_EXIT_STALE;
	} else {
		/* Whole or not at all: a new file, renamed over. */
		tmp = xasprintf("%s.tmp", path);
		if ((fp = fopen(tmp, "w")) == NULL)
			rc = DOC_EXIT_BAD;
		else if ((fwrite(out.data, 1, out.len, fp) != out.len) |
		    (fclose(fp) != 0) || rename(tmp, path) != 0) {
			rc = DOC_EXIT_BAD;
			remove(tmp);
		}
		if (rc != 0)
			fprintf(stderr, "doc-gen: %s: %s\n", tmp,
			    strerror(errno));
		else
			printf("doc-gen: %s: updated\n", path);
		free(tmp);
	}
	buf_free(&in);
	buf_free(&out);
	return rc;
}

int
main(int argc, char **argv)
{
	bool check = false;
	int i, rc = 0, r;

	if (argc > 1 && strcmp(argv[1], "--check") == 0) {
		check = true;
		argc--;
		argv++;
	}
	if (argc > 2 && strcmp(argv[1], "--rules") == 0) {
		doc_rules_dir = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: doc-gen [--check] [--rules DIR] "
		    "FILE...\n");
		return DOC_EXIT_BAD;
	}
	for (i = 1; i < argc; i++)
		if ((r = doc_file(argv[i], check)) > rc)
			rc = r;
	rules_free(doc_rules);
	return rc;
}
