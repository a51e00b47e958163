/* The one option parser: every command's options are a table (cmd.h), so
 * parsing, --help and the documentation cannot disagree.  It reads what
 * GNU getopt_long reads (permuted arguments, --name=VALUE, unique
 * prefixes, "--"), without getopt's global state. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"

/* -h and --help: every command has them; help texts list them. */
const struct cmd_option cmd_help_option = {
	.name = "help", .short_name = 'h', .type = CMD_O_CALL,
	.help = "print a summary of the usage and the options"
};

/* Tables include tables at most this deep. */
#define CMD_INCLUDE_DEPTH	4

#define CMD_FIELD(opts, off, type)	((type *)(void *)((char *)(opts) + (off)))

static void
cmd_options_add(struct cmd_opt_ref **v, size_t *n,
    const struct cmd_option *table, size_t base, unsigned flags, int depth)
{
	const struct cmd_option *o;

	for (o = table; o->name != NULL || o->type == CMD_O_INCLUDE; o++) {
		if (o->type == CMD_O_INCLUDE) {
			if (depth < CMD_INCLUDE_DEPTH)
				cmd_options_add(v, n, o->include, base + o->off,
				    flags | o->flags, depth + 1);
			continue;
		}
		*v = xreallocarray(*v, *n + 2, sizeof **v);
		(*v)[*n].o = o;
		(*v)[*n].base = base;
		(*v)[(*n)++].flags = flags | o->flags;
	}
	(*v)[*n].o = NULL;
}

struct cmd_opt_ref *
cmd_options(const struct cmd_entry *e)
{
	struct cmd_opt_ref *v = xcalloc(1, sizeof *v);
	size_t n = 0;

	cmd_options_add(&v, &n, e->options, 0, 0, 0);
	return v;
}

struct cmd_opt_ref
cmd_option_find(const struct cmd_entry *e, const char *name)
{
	struct cmd_opt_ref *v = cmd_options(e), r = { NULL, 0, 0 };
	size_t i;

	for (i = 0; v[i].o != NULL; i++)
		if (strcmp(v[i].o->name, name) == 0)
			r = v[i];
	free(v);
	if (r.o == NULL && strcmp(name, cmd_help_option.name) == 0)
		r.o = &cmd_help_option;
	return r;
}

/* "a, b or c". */
void
cmd_choice_list(struct buf *b, const char *const *choices)
{
	size_t i;

	for (i = 0; choices[i] != NULL; i++)
		buf_printf(b, "%s%s", i == 0 ? "" : choices[i + 1] == NULL ?
		    " or " : ", ", choices[i]);
}

static int
cmd_parse_number(const char *cmd, const struct cmd_option *o,
    const char *arg, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || n < o->min ||
	    n > o->max)
		return cmd_error(cmd, EXIT_USAGE, "--%s '%s' is not a number "
		    "from %ld to %ld", o->name, arg, o->min, o->max);
	*out = n;
	return EXIT_OK;
}

static int
cmd_parse_choice(const char *cmd, const struct cmd_option *o,
    const char *arg, int *out)
{
	struct buf b = { 0 };
	int i, rc;

	for (i = 0; o->choices[i] != NULL; i++) {
		if (strcmp(o->choices[i], arg) == 0) {
			*out = i;
			return EXIT_OK;
		}
	}
	cmd_choice_list(&b, o->choices);
	rc = cmd_error(cmd, EXIT_USAGE, "--%s must be %s, not '%s'", o->name,
	    b.data, arg);
	buf_free(&b);
	return rc;
}

/* Stores arg (NULL for an option without one) where r says. */
static int
cmd_parse_value(const char *cmd, const struct cmd_opt_ref *r, char *arg,
    void *opts)
{
	const struct cmd_option *o = r->o;
	char *at = (char *)opts + r->base, ***v;
	size_t *n;

	switch (o->type) {
	case CMD_O_FLAG:
		*CMD_FIELD(at, o->off, bool) = true;
		return EXIT_OK;
	case CMD_O_UNSET:
		*CMD_FIELD(at, o->off, bool) = false;
		return EXIT_OK;
	case CMD_O_STRING:
		*CMD_FIELD(at, o->off, const char *) = arg;
		return EXIT_OK;
	case CMD_O_LIST:
		v = CMD_FIELD(at, o->off, char **);
		n = CMD_FIELD(at, o->off_n, size_t);
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = arg;
		return EXIT_OK;
	case CMD_O_NUMBER:
		return cmd_parse_number(cmd, o, arg, CMD_FIELD(at, o->off,
		    long));
	case CMD_O_CHOICE:
		return cmd_parse_choice(cmd, o, arg, CMD_FIELD(at, o->off,
		    int));
	case CMD_O_CALL:
		return o->call(cmd, arg, opts);
	case CMD_O_INCLUDE:
		break;
	}
	return EXIT_OK;
}

/* Defaults: a flag such as --no-posture starts set; an option with a
 * default starts as if given it. */
static int
cmd_parse_defaults(const struct cmd_entry *e, const struct cmd_opt_ref *v,
    void *opts)
{
	int rc;

	for (; v->o != NULL; v++) {
		if (v->o->type == CMD_O_UNSET)
			*CMD_FIELD((char *)opts + v->base, v->o->off, bool) =
			    true;
		else if (v->o->dflt != NULL && (rc = cmd_parse_value(e->name,
		    v, (char *)v->o->dflt, opts)) != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}

/* Says msg (and frees it), then the usage line. */
static int
cmd_usage_error(const struct cmd_entry *e, char *msg)
{
	cmd_error(e->name, EXIT_USAGE, "%s", msg);
	cmd_usage(stderr, e);
	free(msg);
	return EXIT_USAGE;
}

/* Is r the option --name (len characters)?  Counts prefix matches. */
static bool
cmd_parse_match(const struct cmd_opt_ref *r, const char *name, size_t len,
    struct cmd_opt_ref *found, int *n, struct buf *names)
{
	if (strncmp(r->o->name, name, len) != 0)
		return false;
	*found = *r;
	if (r->o->name[len] == '\0')
		return true;
	buf_printf(names, "%s--%s", *n > 0 ? ", " : "", r->o->name);
	(*n)++;
	return false;
}

/* --name (len characters of it): exact, else a unique prefix; a NULL o
 * after saying why not. */
static struct cmd_opt_ref
cmd_parse_long(const struct cmd_entry *e, const struct cmd_opt_ref *v,
    const char *arg, size_t len)
{
	const struct cmd_opt_ref help = { &cmd_help_option, 0, 0 };
	struct cmd_opt_ref found = { NULL, 0, 0 };
	struct buf names = { 0 };
	int n = 0;

	for (; v->o != NULL; v++)
		if (cmd_parse_match(v, arg + 2, len, &found, &n, &names))
			goto out;
	if (cmd_parse_match(&help, arg + 2, len, &found, &n, &names) ||
	    n == 1)
		goto out;
	found.o = NULL;
	if (n == 0)
		cmd_usage_error(e, xasprintf("unknown option '%s'", arg));
	else
		cmd_usage_error(e, xasprintf("option '%s' is ambiguous (%s)",
		    arg, names.data));
out:
	buf_free(&names);
	return found;
}

static struct cmd_opt_ref
cmd_parse_short(const struct cmd_entry *e, const struct cmd_opt_ref *v,
    char c)
{
	struct cmd_opt_ref none = { NULL, 0, 0 };
	struct cmd_opt_ref help = { &cmd_help_option, 0, 0 };

	if (c == cmd_help_option.short_name)
		return help;
	for (; v->o != NULL; v++)
		if (v->o->short_name != 0 && v->o->short_name == c)
			return *v;
	cmd_usage_error(e, xasprintf("unknown option '-%c'", c));
	return none;
}

/* One option: help, or its value (from the word, else the next one). */
static int
cmd_parse_one(const struct cmd_entry *e, const struct cmd_opt_ref *r,
    const char *given, char *value, int argc, char **argv, int *i,
    void *opts)
{
	const struct cmd_option *o = r->o;

	if (o == &cmd_help_option) {
		cmd_help(stdout, e);
		return CMD_DONE;
	}
	if (o->arg == NULL) {
		if (value != NULL)
			return cmd_usage_error(e, xasprintf("option '%s' takes "
			    "no value", given));
		return cmd_parse_value(e->name, r, NULL, opts);
	}
	if (value == NULL) {
		if (*i + 1 >= argc)
			return cmd_usage_error(e, xasprintf("option '%s' needs "
			    "a value: %s %s", given, given, o->arg));
		value = argv[++*i];
	}
	return cmd_parse_value(e->name, r, value, opts);
}

/* The arguments as they came, then the remaining ones: one move at the
 * end keeps the strings' order. */
int
cmd_parse(const struct cmd_entry *e, int argc, char **argv, void *opts,
    int *first)
{
	struct cmd_opt_ref *v = cmd_options(e), r;
	char **args = xcalloc((size_t)argc + 1, sizeof *args);
	char *a, *eq, *name, given[3] = "-x";
	int i, n = 0, rc;
	size_t len;

	if ((rc = cmd_parse_defaults(e, v, opts)) != EXIT_OK)
		goto out;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0 || (e->in_order && (a[0] != '-' ||
		    a[1] == '\0'))) {
			i += strcmp(a, "--") == 0;
			while (i < argc)
				args[n++] = argv[i++];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			args[n++] = a;
			continue;
		}
		if (a[1] == '-') {
			len = (eq = strchr(a, '=')) != NULL ?
			    (size_t)(eq - a - 2) : strlen(a + 2);
			if ((r = cmd_parse_long(e, v, a, len)).o == NULL) {
				rc = EXIT_USAGE;
				goto out;
			}
			/* Messages name what was given, not the value. */
			name = xstrndup(a, len + 2);
			rc = cmd_parse_one(e, &r, name, eq != NULL ? eq + 1 :
			    NULL, argc, argv, &i, opts);
			free(name);
			if (rc != EXIT_OK)
				goto out;
			continue;
		}
		/* -xyz: flags, the last of them may take "yz" or the next. */
		for (a++; *a != '\0'; a++) {
			if ((r = cmd_parse_short(e, v, *a)).o == NULL) {
				rc = EXIT_USAGE;
				goto out;
			}
			given[1] = *a;
			rc = cmd_parse_one(e, &r, given, r.o->arg != NULL &&
			    a[1] != '\0' ? a + 1 : NULL, argc, argv, &i, opts);
			if (rc != EXIT_OK)
				goto out;
			if (r.o->arg != NULL)
				break;
		}
	}
	if (n < e->min_args) {
		name = cmd_plain(e->args);
		rc = cmd_usage_error(e, xasprintf("missing %s", name));
		free(name);
	} else if (e->max_args >= 0 && n > e->max_args)
		rc = cmd_usage_error(e, xasprintf("unexpected argument '%s'",
		    args[e->max_args]));
	else {
		*first = argc - n;
		memcpy(argv + *first, args, (size_t)n * sizeof *argv);
	}
out:
	free(args);
	free(v);
	return rc;
}

void
cmd_opts_free(const struct cmd_entry *e, void *opts)
{
	struct cmd_opt_ref *v = cmd_options(e), *r;
	char *at, ***list;

	for (r = v; r->o != NULL; r++) {
		if (r->o->type != CMD_O_LIST)
			continue;
		at = (char *)opts + r->base;
		list = CMD_FIELD(at, r->o->off, char **);
		free(*list);
		*list = NULL;
		*CMD_FIELD(at, r->o->off_n, size_t) = 0;
	}
	free(v);
}
