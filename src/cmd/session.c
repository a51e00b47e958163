/* Shared start-up of commands and the console. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "rules.h"
#include "session.h"
#include "setup.h"
#include "tail.h"

int
session_conf_load(const char *config, char *const *sets, size_t nsets,
    struct conf **conf, char **cause)
{
	char *path, *why = NULL, *all;
	size_t i;
	int rc = EXIT_OK;

	*conf = conf_new();
	*cause = NULL;
	path = config != NULL ? xstrdup(config) : conf_default_path();
	if (path != NULL && conf_load(*conf, path, &why) != 0) {
		rc = EXIT_CONFIG;
		*cause = why;
	}
	free(path);
	for (i = 0; i < nsets; i++) {
		if (conf_set(*conf, sets[i], &why) == 0)
			continue;
		if (rc == EXIT_OK)
			rc = EXIT_USAGE;
		if (*cause == NULL)
			*cause = why;
		else {
			all = xasprintf("%s\n%s", *cause, why);
			free(*cause);
			free(why);
			*cause = all;
		}
	}
	return rc;
}

struct conf *
session_conf(const char *cmd, const char *config, char *const *sets,
    size_t nsets, int *rc)
{
	struct conf *conf;
	char *cause = NULL;

	if ((*rc = session_conf_load(config, sets, nsets, &conf,
	    &cause)) != EXIT_OK) {
		cmd_error(cmd, *rc, "%s", cause);
		free(cause);
		conf_free(conf);
		return NULL;
	}
	return conf;
}

struct aws_client *
session_client(const char *cmd, const struct cmd_globals *g,
    const struct conf *conf)
{
	struct cmd_globals gl = *g;

	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	return cmd_client(cmd, &gl);
}

struct session *
session_open(const char *cmd, const struct cmd_globals *g, const char *config,
    char *const *sets, size_t nsets, bool identify, int *rc)
{
	struct session *s;
	struct setup *st;
	char *cause = NULL;
	const char *v;

	s = xcalloc(1, sizeof *s);
	if ((s->conf = session_conf(cmd, config, sets, nsets, rc)) == NULL)
		goto fail;
	if ((s->client = session_client(cmd, g, s->conf)) == NULL) {
		*rc = EXIT_CONFIG;
		goto fail;
	}
	s->who = session_who();
	v = conf_str(s->conf, CONF_RULES_DIR);
	s->rules_dir = *v != '\0' ? xstrdup(v) : rules_default_dir();
	if (!identify)
		return s;
	if ((st = setup_new(s->client, s->conf, NULL, NULL, NULL,
	    &cause)) == NULL || setup_identify(st, &cause) != 0) {
		*rc = cmd_error(cmd, EXIT_CONFIG, "%s", cause);
		free(cause);
		setup_free(st);
		goto fail;
	}
	s->group = xstrdup(setup_name(st, "log_group"));
	s->topic_arn = xstrdup(setup_name(st, "topic_arn"));
	s->caller_arn = xstrdup(setup_name(st, "caller_arn"));
	s->account = xstrdup(setup_name(st, "account"));
	s->suffix = xstrdup(setup_name(st, "suffix"));
	setup_free(st);
	return s;
fail:
	session_close(s);
	return NULL;
}

void
session_close(struct session *s)
{
	if (s == NULL)
		return;
	if (s->client != NULL)
		cmd_client_free(s->client);
	conf_free(s->conf);
	free(s->group);
	free(s->topic_arn);
	free(s->rules_dir);
	free(s->who);
	free(s->caller_arn);
	free(s->account);
	free(s->suffix);
	free(s);
}

void
session_tail_env(struct tail_options *o)
{
	const char *v;
	char *end;
	long n;

	/* The range of --poll; a value that is not all digits is ignored. */
	if ((v = getenv("S3WATCH_POLL_MS")) != NULL &&
	    (n = strtol(v, &end, 10)) > 0 && n <= 600000 && *end == '\0') {
		o->min_interval_ms = (int)n;
		o->min_gap_ms = n < 250 ? (int)n : 0;
	}
	if ((v = getenv("S3WATCH_LATE_SWEEP_MS")) != NULL &&
	    (n = strtol(v, &end, 10)) > 0 && n <= 86400000 && *end == '\0')
		o->late_sweep_ms = n;
}

char *
session_who(void)
{
	struct passwd *pw = getpwuid(getuid());
	char host[256];

	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	return xasprintf("%s@%s", pw != NULL ? pw->pw_name : "unknown", host);
}

int
session_since_parse(const char *s, int64_t *out, char **cause)
{
	struct tm tm;
	char *end;
	long long n;
	int64_t unit, now, t;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		n = strtoll(s, &end, 10);
		unit = 0;
		if (end[0] != '\0' && end[1] == '\0') {
			switch (*end) {
			case 's': unit = 1000; break;
			case 'm': unit = 60 * 1000; break;
			case 'h': unit = 3600 * 1000; break;
			case 'd': unit = 86400 * 1000; break;
			}
		}
		if (unit != 0) {
			/* No time before 1970: CloudWatch Logs has none, and
			 * n * unit must not overflow on the way. */
			now = tail_clock_ms();
			if (errno == ERANGE || n > now / unit) {
				*cause = xasprintf("'%s' is out of range: at most "
				    "%lld%c (back to 1970)", s,
				    (long long)(now / unit), *end);
				return -1;
			}
			*out = now - n * unit;
			return 0;
		}
	}
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || (*end != '\0' && strcmp(end, "Z") != 0)) {
		*cause = xasprintf("'%s': give a duration such as 90s, 15m, 1h "
		    "or 7d, or a time such as 2026-11-24T10:00:00Z", s);
		return -1;
	}
	if ((t = (int64_t)timegm(&tm)) < 0) {
		*cause = xasprintf("'%s' is out of range: 1970 or later", s);
		return -1;
	}
	*out = t * 1000;
	return 0;
}

int
session_since(const char *s, int64_t *out)
{
	char *cause = NULL;
	int rc;

	rc = session_since_parse(s, out, &cause);
	free(cause);
	return rc;
}
