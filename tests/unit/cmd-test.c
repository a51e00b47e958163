/* The command and option tables and the one parser that reads them: every
 * table is well formed, every option of every command parses, and bad
 * command lines get the messages and exit statuses the commands always
 * gave (unknown option, missing value, bad number, bad choice, argument
 * count); --help is aligned and fits 80 columns. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "xalloc.h"

#define FIELD(opts, off, type)	(*(type *)(void *)((char *)(opts) + (off)))

/* What one parse printed and returned. */
struct parsed {
	int	 rc;
	int	 first;
	void	*opts;
	char	*out;		/* stdout */
	char	*err;		/* stderr */
};

static char *
slurp(FILE *f)
{
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;

	rewind(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	return buf_take(&b);
}

/* Parses argv (NULL-terminated, copied: the parser reorders it) with e,
 * capturing what it prints. */
static void
parse(struct parsed *p, const struct cmd_entry *e, char **argv_in, int *argc)
{
	static char *argv[32];
	FILE *out = tmpfile(), *err = tmpfile();
	int so, se, n;

	assert_non_null(out);
	assert_non_null(err);
	for (n = 0; argv_in[n] != NULL; n++)
		argv[n] = argv_in[n];
	argv[n] = NULL;
	*argc = n;
	memset(p, 0, sizeof *p);
	p->opts = xcalloc(1, e->opts_size);
	fflush(stdout);
	fflush(stderr);
	so = dup(STDOUT_FILENO);
	se = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	p->rc = cmd_parse(e, n, argv, p->opts, &p->first);
	fflush(stdout);
	fflush(stderr);
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	p->out = slurp(out);
	p->err = slurp(err);
	fclose(out);
	fclose(err);
	memcpy(argv_in, argv, (size_t)n * sizeof *argv);
}

static void
parsed_free(const struct cmd_entry *e, struct parsed *p)
{
	cmd_opts_free(e, p->opts);
	free(p->opts);
	free(p->out);
	free(p->err);
}

#define ARGV(...)	((char *[]){ __VA_ARGS__, NULL })

/* The field of option name in parsed options. */
static void *
field(const struct cmd_entry *e, const char *name, void *opts)
{
	struct cmd_opt_ref r = cmd_option_find(e, name);

	assert_non_null(r.o);
	return (char *)opts + r.base + r.o->off;
}

/* --- the tables ---------------------------------------------------------- */

static bool
ascii(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || ((unsigned char)*s < 0x20 &&
		    *s != '\n'))
			return false;
	return true;
}

static void
check_entry(const struct cmd_entry *e)
{
	struct cmd_opt_ref *v = cmd_options(e), *r, *q;
	const struct cmd_option *o;

	assert_non_null(e->help);
	assert_true(ascii(e->help) && ascii(e->doc) && ascii(e->args));
	assert_true(e->opts_size > 0);
	assert_true(e->max_args < 0 || e->max_args >= e->min_args);
	for (r = v; (o = r->o) != NULL; r++) {
		assert_non_null(o->help);
		assert_true(ascii(o->help) && ascii(o->arg));
		assert_true(strlen(o->name) > 1);
		/* Every field lies inside the options. */
		assert_true(r->base + o->off < e->opts_size ||
		    o->type == CMD_O_CALL);
		/* -h and --help belong to the parser. */
		assert_string_not_equal(o->name, "help");
		assert_int_not_equal(o->short_name, 'h');
		for (q = r + 1; q->o != NULL; q++) {
			assert_string_not_equal(o->name, q->o->name);
			assert_true(o->short_name == 0 ||
			    o->short_name != q->o->short_name);
		}
		switch (o->type) {
		case CMD_O_FLAG:
		case CMD_O_UNSET:
			assert_null(o->arg);
			break;
		case CMD_O_NUMBER:
			assert_true(o->min <= o->max);
			assert_non_null(o->arg);
			break;
		case CMD_O_CHOICE:
			assert_non_null(o->choices);
			assert_non_null(o->choices[0]);
			assert_non_null(o->arg);
			break;
		case CMD_O_CALL:
			assert_non_null(o->call);
			break;
		case CMD_O_LIST:
			assert_int_not_equal(o->off, o->off_n);
			assert_true(r->base + o->off_n < e->opts_size);
			/* FALLTHROUGH */
		case CMD_O_STRING:
			assert_non_null(o->arg);
			break;
		case CMD_O_INCLUDE:
			fail_msg("cmd_options() left an include");
		}
		if (r->flags & CMD_O_OR_NEXT)
			assert_non_null(r[1].o);
	}
	free(v);
}

static void
test_tables(void **state)
{
	size_t i, j;

	(void)state;
	check_entry(&cmd_main_entry);
	assert_true(cmd_main_entry.in_order);
	for (i = 0; cmd_table[i] != NULL; i++) {
		assert_non_null(cmd_table[i]->name);
		assert_non_null(cmd_table[i]->run);
		check_entry(cmd_table[i]);
		assert_ptr_equal(cmd_find(cmd_table[i]->name), cmd_table[i]);
		for (j = i + 1; cmd_table[j] != NULL; j++)
			assert_string_not_equal(cmd_table[i]->name,
			    cmd_table[j]->name);
	}
	assert_true(i >= 14);
	assert_null(cmd_find("frobnicate"));
	assert_null(cmd_find(""));
}

/* A value each option takes: its default, its least number, its first
 * choice, else one that every callback here takes ("1": step, test). */
static const char *
sample(const struct cmd_option *o, char *num, size_t len)
{
	if (o->dflt != NULL)
		return o->dflt;
	if (o->type == CMD_O_NUMBER) {
		snprintf(num, len, "%ld", o->min);
		return num;
	}
	if (o->type == CMD_O_CHOICE || o->choices != NULL)
		return o->choices[0];
	return o->type == CMD_O_CALL ? "1" : "x";
}

/* Every option of every command, as --name VALUE and --name=VALUE, lands
 * where the table says. */
static void
check_options(const struct cmd_entry *e, const char *name)
{
	struct cmd_opt_ref *v = cmd_options(e), *r;
	const struct cmd_option *o;
	struct parsed p;
	char num[32], *opt, *eq, *value, *argv[8], arg[] = "a", *at;
	int argc, form, n, k;

	for (r = v; (o = r->o) != NULL; r++) {
		for (form = 0; form < 2; form++) {
			if (form == 1 && o->arg == NULL)
				break;
			value = xstrdup(o->arg != NULL ? sample(o, num,
			    sizeof num) : "");
			opt = xasprintf("--%s", o->name);
			eq = xasprintf("--%s=%s", o->name, value);
			n = 0;
			argv[n++] = (char *)name;
			argv[n++] = form == 0 ? opt : eq;
			if (form == 0 && o->arg != NULL)
				argv[n++] = value;
			/* With the arguments the command needs (replay). */
			for (k = 0; k < e->min_args; k++)
				argv[n++] = arg;
			argv[n] = NULL;
			parse(&p, e, argv, &argc);
			/* --version has printed, and says stop. */
			if (o->type == CMD_O_CALL && p.rc == CMD_DONE) {
				assert_string_not_equal(p.out, "");
				p.first = argc - e->min_args;
			} else if (p.rc != EXIT_OK)
				fail_msg("%s --%s %s: %s", name, o->name, value,
				    p.err);
			assert_int_equal(p.first, argc - e->min_args);
			at = (char *)p.opts + r->base;
			switch (o->type) {
			case CMD_O_FLAG:
				assert_true(FIELD(at, o->off, bool));
				break;
			case CMD_O_UNSET:
				assert_false(FIELD(at, o->off, bool));
				break;
			case CMD_O_STRING:
				assert_string_equal(FIELD(at, o->off,
				    const char *), value);
				break;
			case CMD_O_LIST:
				assert_int_equal(FIELD(at, o->off_n,
				    size_t), 1);
				assert_string_equal(FIELD(at, o->off,
				    char **)[0], value);
				break;
			case CMD_O_NUMBER:
				assert_int_equal(FIELD(at, o->off, long),
				    strtol(value, NULL, 10));
				break;
			case CMD_O_CHOICE:
				assert_string_equal(o->choices[FIELD(at,
				    o->off, int)], value);
				break;
			case CMD_O_CALL:
			case CMD_O_INCLUDE:
				break;
			}
			parsed_free(e, &p);
			free(opt);
			free(eq);
			free(value);
		}
	}
	free(v);
}

static void
test_every_option_parses(void **state)
{
	size_t i;

	(void)state;
	check_options(&cmd_main_entry, "s3watch");
	for (i = 0; cmd_table[i] != NULL; i++)
		check_options(cmd_table[i], cmd_table[i]->name);
}

/* Defaults are set before parsing: the help says what they are. */
static void
test_defaults(void **state)
{
	const struct cmd_entry *mon = cmd_find("monitor");
	const struct cmd_entry *val = cmd_find("validate");
	struct parsed p;
	int argc;

	(void)state;
	parse(&p, mon, ARGV("monitor"), &argc);
	assert_int_equal(p.rc, EXIT_OK);
	assert_string_equal(*(const char * *)field(mon, "since", p.opts), "1h");
	assert_true(*(bool *)field(mon, "no-resume", p.opts));
	assert_false(*(bool *)field(mon, "follow", p.opts));
	assert_string_equal(p.out, "");
	assert_string_equal(p.err, "");
	parsed_free(mon, &p);

	parse(&p, val, ARGV("validate", "--wait", "30"), &argc);
	assert_int_equal(p.rc, EXIT_OK);
	assert_int_equal(*(long *)field(val, "wait", p.opts), 30);
	assert_int_equal(*(long *)field(val, "poll", p.opts), 5000);
	parsed_free(val, &p);
}

/* --- bad command lines ------------------------------------------------- */

static void
want_usage(const char *cmd, char **argv, const char *message)
{
	const struct cmd_entry *e = cmd_find(cmd);
	struct parsed p;
	char *want, *usage;
	int argc;

	parse(&p, e, argv, &argc);
	assert_int_equal(p.rc, EXIT_USAGE);
	want = xasprintf("s3watch %s: %s\n", cmd, message);
	if (strncmp(p.err, want, strlen(want)) != 0)
		fail_msg("wanted \"%s\", got \"%s\"", want, p.err);
	/* Then the usage line. */
	usage = xasprintf("usage: s3watch %s ", cmd);
	assert_non_null(strstr(p.err + strlen(want), usage));
	assert_string_equal(p.out, "");
	free(want);
	free(usage);
	parsed_free(e, &p);
}

/* A bad value: the message alone, no usage. */
static void
want_value(const char *cmd, char **argv, const char *message)
{
	const struct cmd_entry *e = cmd_find(cmd);
	struct parsed p;
	char *want;
	int argc;

	parse(&p, e, argv, &argc);
	assert_int_equal(p.rc, EXIT_USAGE);
	want = xasprintf("s3watch %s: %s\n", cmd, message);
	assert_string_equal(p.err, want);
	free(want);
	parsed_free(e, &p);
}

static void
test_unknown_option(void **state)
{
	(void)state;
	want_usage("whoami", ARGV("whoami", "--bogus"),
	    "unknown option '--bogus'");
	want_usage("monitor", ARGV("monitor", "--bogus=1"),
	    "unknown option '--bogus=1'");
	want_usage("monitor", ARGV("monitor", "-x"),
	    "unknown option '-x'");
	/* A prefix two options share names both. */
	want_usage("monitor", ARGV("monitor", "--s", "x"),
	    "option '--s' is ambiguous (--since, --set)");
	want_usage("whoami", ARGV("whoami", "--json=yes"),
	    "option '--json' takes no value");
}

static void
test_missing_argument(void **state)
{
	(void)state;
	want_usage("monitor", ARGV("monitor", "--since"),
	    "option '--since' needs a value: --since WHEN");
	want_usage("report", ARGV("report", "-o"),
	    "option '-o' needs a value: -o FILE");
	want_usage("replay", ARGV("replay", "--stats"), "missing FILE...");
	want_usage("whoami", ARGV("whoami", "extra"),
	    "unexpected argument 'extra'");
	want_usage("pattern", ARGV("pattern", "test", "more"),
	    "unexpected argument 'more'");
}

static void
test_bad_number(void **state)
{
	(void)state;
	/* tests/bad-input/cases.tsv: cli-poll-overflow, cli-page-limit-zero */
	want_value("monitor", ARGV("monitor", "--poll",
	    "99999999999999999999"), "--poll '99999999999999999999' is not a "
	    "number from 1 to 600000");
	want_value("monitor", ARGV("monitor", "--page-limit", "0"),
	    "--page-limit '0' is not a number from 1 to 10000");
	want_value("monitor", ARGV("monitor", "--poll", "12x"),
	    "--poll '12x' is not a number from 1 to 600000");
	want_value("monitor", ARGV("monitor", "--poll="),
	    "--poll '' is not a number from 1 to 600000");
	want_value("report", ARGV("report", "--max-rows", "-1"),
	    "--max-rows '-1' is not a number from 1 to 1000000");
	want_value("console", ARGV("console", "--exit-after", "0"),
	    "--exit-after '0' is not a number from 1 to 86400");
}

/* Choices and callbacks keep each command's own words. */
static void
test_bad_values(void **state)
{
	(void)state;
	want_value("pattern", ARGV("pattern", "test", "--wrap", "x"),
	    "--wrap must be none, cloudtrail or auto, not 'x'");
	want_value("sign", ARGV("sign", "--show", "nope"),
	    "--show must be canonical, string-to-sign, authorization or "
	    "request, not 'nope'");
	want_value("report", ARGV("report", "--format", "pdf"),
	    "--format 'pdf': give md, csv or html");
	want_value("setup", ARGV("setup", "--plan", "--only", "11"),
	    "no step '11' (1 to 10, or a name such as 'trail')");
	want_value("validate", ARGV("validate", "--only", "9"),
	    "no test '9' (1 to 4, or a name such as 'canary')");
}

/* --- what parses --------------------------------------------------------- */

/* Options anywhere, the arguments kept in order; "--" ends options. */
static void
test_permute(void **state)
{
	const struct cmd_entry *e = cmd_find("replay");
	char **argv = ARGV("replay", "a", "--stats", "b", "--rules=r", "--",
	    "--c");
	struct parsed p;
	int argc;

	(void)state;
	parse(&p, e, argv, &argc);
	assert_int_equal(p.rc, EXIT_OK);
	assert_int_equal(argc - p.first, 3);
	assert_string_equal(argv[p.first], "a");
	assert_string_equal(argv[p.first + 1], "b");
	assert_string_equal(argv[p.first + 2], "--c");
	assert_true(*(bool *)field(e, "stats", p.opts));
	assert_string_equal(*(const char * *)field(e, "rules", p.opts), "r");
	parsed_free(e, &p);
}

/* The global options end at the command's name. */
static void
test_in_order(void **state)
{
	char **argv = ARGV("s3watch", "--region", "r", "--no-color", "whoami",
	    "--json");
	struct parsed p;
	struct cmd_globals *g;
	int argc;

	(void)state;
	parse(&p, &cmd_main_entry, argv, &argc);
	assert_int_equal(p.rc, EXIT_OK);
	g = p.opts;
	assert_string_equal(g->aws.region, "r");
	assert_true(g->no_color);
	assert_int_equal(p.first, 4);
	assert_string_equal(argv[4], "whoami");
	assert_string_equal(argv[5], "--json");
	parsed_free(&cmd_main_entry, &p);
}

static void
test_short_and_prefix(void **state)
{
	const struct cmd_entry *mon = cmd_find("monitor");
	const struct cmd_entry *rep = cmd_find("report");
	struct parsed p;
	int argc;

	(void)state;
	parse(&p, mon, ARGV("monitor", "-f", "--fol", "--no-r"), &argc);
	assert_int_equal(p.rc, EXIT_OK);
	assert_true(*(bool *)field(mon, "follow", p.opts));
	assert_false(*(bool *)field(mon, "no-resume", p.opts));
	parsed_free(mon, &p);
	parse(&p, rep, ARGV("report", "-oFILE"), &argc);
	assert_int_equal(p.rc, EXIT_OK);
	assert_string_equal(*(const char * *)field(rep, "output", p.opts), "FILE");
	parsed_free(rep, &p);
	parse(&p, rep, ARGV("report", "-o", "F2", "--set", "a=1", "--set",
	    "b=2"), &argc);
	assert_int_equal(p.rc, EXIT_OK);
	assert_string_equal(*(const char * *)field(rep, "output", p.opts), "F2");
	assert_int_equal(((struct cmd_conf_opts *)field(rep, "config",
	    p.opts))->nsets, 2);
	assert_string_equal(((struct cmd_conf_opts *)field(rep, "config",
	    p.opts))->sets[1], "b=2");
	parsed_free(rep, &p);
}

/* --- help ----------------------------------------------------------------- */

static void
check_help_lines(const char *text)
{
	const char *p, *nl;

	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		if ((size_t)(nl - p) > 79)
			fail_msg("a line of %zu columns: %.*s", (size_t)(nl - p),
			    (int)(nl - p), p);
	}
}

static void
test_help(void **state)
{
	struct parsed p;
	size_t i;
	int argc;

	(void)state;
	for (i = 0; cmd_table[i] != NULL; i++) {
		parse(&p, cmd_table[i], ARGV((char *)cmd_table[i]->name,
		    "--help"), &argc);
		assert_int_equal(p.rc, CMD_DONE);
		assert_string_equal(p.err, "");
		assert_true(strncmp(p.out, "usage: s3watch ", 15) == 0);
		assert_non_null(strstr(p.out, cmd_table[i]->name));
		assert_non_null(strstr(p.out, "\n  -h, --help "));
		check_help_lines(p.out);
		parsed_free(cmd_table[i], &p);
	}
	parse(&p, cmd_find("setup"), ARGV("setup", "-h"), &argc);
	assert_int_equal(p.rc, CMD_DONE);
	assert_non_null(strstr(p.out, "  --plan "));
	assert_non_null(strstr(p.out, "Steps"));
	parsed_free(cmd_find("setup"), &p);
}

/* s3watch --help: every command, each text starting in one column (it
 * used not to for verify-logs), every global option. */
static void
test_main_help(void **state)
{
	struct parsed p;
	const char *s, *row, *text;
	long col = -1;
	size_t i;
	int argc;

	(void)state;
	parse(&p, &cmd_main_entry, ARGV("s3watch", "--help"), &argc);
	assert_int_equal(p.rc, CMD_DONE);
	check_help_lines(p.out);
	s = strstr(p.out, "\nCommands:\n");
	assert_non_null(s);
	for (i = 0; cmd_table[i] != NULL; i++) {
		char *want = xasprintf("\n  %s ", cmd_table[i]->name);

		row = strstr(s, want);
		if (row == NULL)
			fail_msg("no row for %s", cmd_table[i]->name);
		row++;
		for (text = row + 2 + strlen(cmd_table[i]->name); *text == ' ';
		    text++)
			;
		if (col < 0)
			col = text - row;
		assert_int_equal(text - row, col);
		free(want);
	}
	assert_non_null(strstr(p.out, "\n  --profile NAME "));
	assert_non_null(strstr(p.out, "\n  -V, --version "));
	parsed_free(&cmd_main_entry, &p);
}

/* config --help lists every key of the configuration, with its help. */
static void
test_config_help(void **state)
{
	struct parsed p;
	char *row;
	int argc, k;

	(void)state;
	parse(&p, cmd_find("config"), ARGV("config", "--help"), &argc);
	assert_int_equal(p.rc, CMD_DONE);
	for (k = 0; k < CONF_COUNT; k++) {
		row = xasprintf("\n  %s ", conf_key_name(k));
		assert_non_null(strstr(p.out, row));
		free(row);
	}
	assert_non_null(strstr(p.out, "address subscribed to topic"));
	assert_non_null(strstr(p.out, "1, 3, 5, 7, 14,"));
	parsed_free(cmd_find("config"), &p);
}

static void
test_synopsis(void **state)
{
	char **v;
	struct buf b = { 0 };
	size_t i;

	(void)state;
	v = cmd_synopsis(cmd_find("monitor"), true, &cmd_style_plain);
	for (i = 0; v[i] != NULL; i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "", v[i]);
	assert_string_equal(b.data, "s3watch monitor [--since WHEN] "
	    "[--follow] [--json] [--hits]");
	cmd_strv_free(v);
	buf_reset(&b);
	v = cmd_synopsis(cmd_find("setup"), true, &cmd_style_plain);
	for (i = 0; v[i] != NULL; i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "", v[i]);
	assert_string_equal(b.data, "s3watch setup --plan|--yes "
	    "[--only STEP|--from STEP] [--json]");
	cmd_strv_free(v);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_every_option_parses),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_missing_argument),
		cmocka_unit_test(test_bad_number),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_permute),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_short_and_prefix),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_main_help),
		cmocka_unit_test(test_config_help),
		cmocka_unit_test(test_synopsis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
