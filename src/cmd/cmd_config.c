/* s3watch config: every setting, its value and where it came from; its
 * help lists every key of the configuration's table (conf.c). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "cmd_internal.h"
#include "conf.h"
#include "session.h"
#include "text.h"

struct cmd_config_opts {
	struct cmd_conf_opts	conf;
};

static void
cmd_config_value(const struct conf *conf, enum conf_key k)
{
	char *const *v;
	char *safe;
	size_t i, n;

	switch (conf_key_type(k)) {
	case CONF_T_STRING:
		safe = text_safe_str(conf_str(conf, k));
		printf("\"%s\"", safe);
		free(safe);
		break;
	case CONF_T_INT:
		printf("%ld", conf_int(conf, k));
		break;
	case CONF_T_BOOL:
		printf("%s", conf_bool(conf, k) ? "true" : "false");
		break;
	case CONF_T_LIST:
		v = conf_list(conf, k, &n);
		printf("[");
		for (i = 0; i < n; i++) {
			safe = text_safe_str(v[i]);
			printf("%s\"%s\"", i > 0 ? ", " : "", safe);
			free(safe);
		}
		printf("]");
		break;
	}
}

static int
cmd_config(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_config_opts *o = opts;
	struct conf *conf;
	int k, rc = EXIT_OK;

	(void)argc;
	(void)argv;
	(void)g;
	if ((conf = session_conf("config", o->conf.config, o->conf.sets, o->conf.nsets,
	    &rc)) == NULL)
		return rc;
	for (k = 0; k < CONF_COUNT; k++) {
		printf("%-22s ", conf_key_name(k));
		cmd_config_value(conf, k);
		printf("  # %s\n", conf_key_source(conf, k));
	}
	conf_free(conf);
	return rc;
}

/* Every key: its help, then its type, default and the values it takes. */
static void
cmd_config_keys(struct cmd_section *sec)
{
	struct buf b = { 0 };
	char *dflt, *range;
	int k;

	sec->title = "Keys (in s3watch.conf, or --set KEY=VALUE)";
	for (k = 0; k < CONF_COUNT; k++) {
		dflt = conf_key_default(k);
		range = conf_key_range(k);
		buf_printf(&b, "%s (%s; default: %s%s%s)", conf_key_help(k),
		    conf_type_name(conf_key_type(k)), dflt,
		    *range != '\0' ? "; " : "", range);
		cmd_section_add(sec, xstrdup(conf_key_name(k)), buf_take(&b));
		free(dflt);
		free(range);
	}
}

static const struct cmd_option cmd_config_options[] = {
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct cmd_config_opts, conf), .flags = CMD_O_BRIEF },
	{ .name = NULL }
};

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.help = "every setting, its value and where it came from",
	.doc = "Values come from, in rising order: the defaults, the "
	    "configuration file (libconfig syntax) and `--set`.  Each line "
	    "names its source: `default`, <FILE>`:`<LINE> or `--set`.  Names "
	    "may use `${suffix}`, `${account}` and `${region}`; the suffix is "
	    "chosen once and remembered in the ledger.  A problem in the file "
	    "is reported as <FILE>`:`<LINE>`:` <reason>, every one of them, "
	    "and exits 3.",
	.options = cmd_config_options,
	.opts_size = sizeof(struct cmd_config_opts),
	.run = cmd_config,
	.section = cmd_config_keys,
};
