/* The credential chain: every provider, its errors, its order, caching and
 * refresh.  Network providers talk to a stub server on 127.0.0.1 only;
 * nothing here may reach 169.254.x.x or anything else. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws.h"
#include "buf.h"
#include "creds.h"
#include "creds_internal.h"
#include "hash.h"
#include "http.h"
#include "kv.h"
#include "loop.h"
#include "xalloc.h"

/* Every secret in the fixtures contains this; no error may. */
#define SECRET_MARK	"S3CR3T"

static char tmpdir[] = "/tmp/creds-test.XXXXXX";

/* --- fixtures ---------------------------------------------------------- */

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
write_file(const char *name, const char *data)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(data, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void
write_script(const char *name, const char *body)
{
	char *path = tmp_path(name);

	write_file(name, body);
	assert_int_equal(chmod(path, 0755), 0);
	free(path);
}

static void
set_files(const char *config, const char *credentials)
{
	write_file("config", config != NULL ? config : "");
	write_file("credentials", credentials != NULL ? credentials : "");
}

static const char *unset_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCOUNT_ID",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	"AWS_METADATA_SERVICE_TIMEOUT", "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO",
	"AWS_DEFAULT_REGION", "AWS_CA_BUNDLE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY",
	"all_proxy",
};

static time_t fake_now;

static time_t
fake_clock(void)
{
	return fake_now;
}

static int
reset(void **state)
{
	char *p;
	size_t i;

	for (i = 0; i < sizeof unset_vars / sizeof unset_vars[0]; i++)
		unsetenv(unset_vars[i]);
	/* Never the real metadata service. */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_MAX_ATTEMPTS", "1", 1);
	setenv("NO_PROXY", "*", 1);
	p = tmp_path("home");
	setenv("HOME", p, 1);
	free(p);
	p = tmp_path("config");
	setenv("AWS_CONFIG_FILE", p, 1);
	free(p);
	p = tmp_path("credentials");
	setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
	free(p);
	set_files(NULL, NULL);
	creds_clock = NULL;
	return 0;
}

/* --- running the chain ------------------------------------------------- */

struct got {
	bool			 done;
	int			 calls;
	const struct creds	*ptr;
	char			*source;
	char			*ak;
	char			*sk;
	char			*token;
	char			*account;
	char			*error;
	time_t			 exp;
};

static void
got_clear(struct got *g)
{
	free(g->source);
	free(g->ak);
	free(g->sk);
	free(g->token);
	free(g->account);
	free(g->error);
	memset(g, 0, sizeof *g);
}

static void
on_creds(const struct creds *c, const char *error, void *arg)
{
	struct got *g = arg;

	g->calls++;
	g->done = true;
	g->ptr = c;
	if (c == NULL) {
		assert_non_null(error);
		g->error = xstrdup(error);
		return;
	}
	assert_null(error);
	g->source = xstrdup(c->source);
	g->ak = xstrdup(c->access_key);
	g->sk = xstrdup(c->secret_key);
	g->token = c->session_token ? xstrdup(c->session_token) : NULL;
	g->account = c->account_id ? xstrdup(c->account_id) : NULL;
	g->exp = c->expiration;
}

struct env {
	struct loop		*loop;
	struct aws_client	*client;
	struct creds_chain	*chain;
};

static void
env_open(struct env *e, const char *profile)
{
	struct aws_options o;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	e->loop = loop_new();
	if ((e->client = aws_client_new(e->loop, &o, &cause)) == NULL)
		fail_msg("aws_client_new: %s", cause);
	e->chain = creds_chain_new(e->client, profile);
	creds_chain_set_process_timeout(e->chain, 2000);
}

static void
env_close(struct env *e)
{
	creds_chain_free(e->chain);
	aws_client_free(e->client);
	/* Let transfers of a cancelled chain finish before the loop goes. */
	while (loop_pending(e->loop) > 0)
		loop_run_once(e->loop, 100);
	loop_free(e->loop);
}

static void
env_get(struct env *e, struct got *g)
{
	got_clear(g);
	creds_chain_get(e->chain, on_creds, g);
	loop_run_until(e->loop, &g->done);
}

/* One resolution in a fresh chain. */
static void
resolve(const char *profile, struct got *g)
{
	struct env e;

	env_open(&e, profile);
	env_get(&e, g);
	env_close(&e);
}

static void
expect_error(const char *profile, const char *want)
{
	struct got g = { 0 };

	resolve(profile, &g);
	if (g.error == NULL)
		fail_msg("expected '%s', got credentials from %s", want,
		    g.source);
	if (strstr(g.error, want) == NULL)
		fail_msg("expected '%s' in '%s'", want, g.error);
	if (strstr(g.error, SECRET_MARK) != NULL)
		fail_msg("a secret in the error: %s", g.error);
	got_clear(&g);
}

static void
expect_source(const char *profile, const char *source, const char *ak)
{
	struct got g = { 0 };

	resolve(profile, &g);
	if (g.error != NULL)
		fail_msg("expected %s, got error: %s", source, g.error);
	assert_string_equal(g.source, source);
	assert_string_equal(g.ak, ak);
	got_clear(&g);
}

static char *
iso_time(time_t t)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/* --- a stub HTTP server on 127.0.0.1 ----------------------------------- */

struct route {
	const char	*method;
	const char	*path;		/* exact, or a prefix ending in '*' */
	const char	*need;		/* text the request must contain */
	int		 status;
	const char	*body;
};

struct stub {
	pid_t		 pid;
	int		 port;
	char		*log;		/* every request, appended */
	char		*url;
};

static bool
stub_match(const struct route *r, const char *method, const char *path)
{
	size_t n = strlen(r->path);

	if (strcmp(r->method, method) != 0)
		return false;
	if (n > 0 && r->path[n - 1] == '*')
		return strncmp(r->path, path, n - 1) == 0;
	return strcmp(r->path, path) == 0;
}

static void
stub_serve(int lfd, const struct route *routes, size_t n, const char *log)
{
	char req[65536], method[16], path[4096], *end, *cl, *resp;
	const struct route *r;
	size_t len, want;
	ssize_t got;
	int fd, lf;
	size_t i;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			_exit(1);
		len = 0;
		end = NULL;
		while (len < sizeof req - 1) {
			if ((got = read(fd, req + len, sizeof req - 1 - len)) <= 0)
				break;
			len += (size_t)got;
			req[len] = '\0';
			if ((end = strstr(req, "\r\n\r\n")) == NULL)
				continue;
			want = (size_t)(end + 4 - req);
			if ((cl = strcasestr(req, "\r\ncontent-length:")) != NULL &&
			    cl < end)
				want += strtoul(cl + 17, NULL, 10);
			if (len >= want)
				break;
		}
		if (end == NULL ||
		    sscanf(req, "%15s %4095s", method, path) != 2) {
			close(fd);
			continue;
		}
		if ((lf = open(log, O_WRONLY | O_APPEND | O_CREAT, 0600)) >= 0) {
			dprintf(lf, "%s\n----\n", req);
			close(lf);
		}
		r = NULL;
		for (i = 0; i < n && r == NULL; i++) {
			if (stub_match(&routes[i], method, path) &&
			    (routes[i].need == NULL ||
			    strstr(req, routes[i].need) != NULL))
				r = &routes[i];
		}
		if (r == NULL)
			resp = xasprintf("HTTP/1.1 401 No\r\nContent-Length: 9\r\n"
			    "Connection: close\r\n\r\nno route\n");
		else
			resp = xasprintf("HTTP/1.1 %d X\r\nContent-Length: %zu\r\n"
			    "Connection: close\r\n\r\n%s", r->status,
			    strlen(r->body), r->body);
		if (write(fd, resp, strlen(resp)) < 0)
			_exit(1);
		free(resp);
		close(fd);
	}
}

static void
stub_start(struct stub *s, const struct route *routes, size_t n)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	int lfd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(lfd, 16), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &slen), 0);
	s->port = ntohs(sin.sin_port);
	s->log = xasprintf("%s/stub-%d.log", tmpdir, s->port);
	s->url = xasprintf("http://127.0.0.1:%d", s->port);
	unlink(s->log);
	if ((s->pid = fork()) == 0) {
		/* A failed test never stops it: go with the test. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		stub_serve(lfd, routes, n, s->log);
		_exit(0);
	}
	assert_true(s->pid > 0);
	close(lfd);
}

static void
stub_stop(struct stub *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

static void
stub_free(struct stub *s)
{
	stub_stop(s);
	unlink(s->log);
	free(s->log);
	free(s->url);
}

/* What the stub was asked, as one string (caller frees). */
static char *
stub_log(const struct stub *s)
{
	struct buf b = { 0 };

	if (buf_read_file(&b, s->log, 1 << 20) != 0)
		return xstrdup("");
	return buf_take(&b);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A port nothing listens on. */
static int
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	int fd, port;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* --- environment ------------------------------------------------------- */

static void
test_env(void **state)
{
	struct got g = { 0 };

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-" SECRET_MARK, 1);
	setenv("AWS_SESSION_TOKEN", "tok-" SECRET_MARK, 1);
	setenv("AWS_ACCOUNT_ID", "111122223333", 1);
	resolve(NULL, &g);
	assert_null(g.error);
	assert_string_equal(g.source, "environment");
	assert_string_equal(g.ak, "AKIDENV");
	assert_string_equal(g.sk, "env-" SECRET_MARK);
	assert_string_equal(g.token, "tok-" SECRET_MARK);
	assert_string_equal(g.account, "111122223333");
	assert_int_equal(g.exp, 0);
	got_clear(&g);

	/* The legacy name of the session token. */
	unsetenv("AWS_SESSION_TOKEN");
	setenv("AWS_SECURITY_TOKEN", "legacy-" SECRET_MARK, 1);
	resolve(NULL, &g);
	assert_string_equal(g.token, "legacy-" SECRET_MARK);
	got_clear(&g);

	setenv("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z", 1);
	resolve(NULL, &g);
	assert_int_equal(g.exp, 4070908800);
	got_clear(&g);
	setenv("AWS_CREDENTIAL_EXPIRATION", "soon", 1);
	expect_error(NULL, "AWS_CREDENTIAL_EXPIRATION 'soon'");
}

static void
test_env_missing_pair(void **state)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	expect_error(NULL, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY "
	    "is not");
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", "lonely-" SECRET_MARK, 1);
	expect_error(NULL, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID "
	    "is not");
	/* Empty is unset, as in the SDKs. */
	setenv("AWS_ACCESS_KEY_ID", "", 1);
	expect_error(NULL, "AWS_ACCESS_KEY_ID is not");
}

static void
test_explicit_profile_beats_env(void **state)
{
	set_files(NULL, "[dev]\naws_access_key_id = AKIDDEV\n"
	    "aws_secret_access_key = dev-" SECRET_MARK "\n"
	    "[default]\naws_access_key_id = AKIDDEFAULT\n"
	    "aws_secret_access_key = default-" SECRET_MARK "\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-" SECRET_MARK, 1);

	/* --profile: the profile, not the environment. */
	expect_source("dev", "profile dev (credentials file)", "AKIDDEV");
	/* AWS_PROFILE does not disable the environment keys. */
	setenv("AWS_PROFILE", "dev", 1);
	expect_source(NULL, "environment", "AKIDENV");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	expect_source(NULL, "profile dev (credentials file)", "AKIDDEV");
	unsetenv("AWS_PROFILE");
	expect_source(NULL, "profile default (credentials file)", "AKIDDEFAULT");
}

/* --- static profiles --------------------------------------------------- */

static void
test_static_profiles(void **state)
{
	struct got g = { 0 };

	set_files("[profile cfg]\naws_access_key_id = AKIDCFG\n"
	    "aws_secret_access_key = cfg-" SECRET_MARK "\n"
	    "aws_session_token = cfgtok-" SECRET_MARK "\n"
	    "aws_account_id = 444455556666\n"
	    "[profile both]\naws_access_key_id = AKIDCONFIGSIDE\n"
	    "aws_secret_access_key = x-" SECRET_MARK "\n"
	    "[profile half]\naws_access_key_id = AKIDHALF\n"
	    "[profile otherhalf]\naws_secret_access_key = y-" SECRET_MARK "\n"
	    "[profile empty]\nregion = eu-west-1\n",
	    "[both]\naws_access_key_id = AKIDCREDSIDE\n"
	    "aws_secret_access_key = z-" SECRET_MARK "\n");
	resolve("cfg", &g);
	assert_null(g.error);
	assert_string_equal(g.source, "profile cfg (config file)");
	assert_string_equal(g.sk, "cfg-" SECRET_MARK);
	assert_string_equal(g.token, "cfgtok-" SECRET_MARK);
	assert_string_equal(g.account, "444455556666");
	got_clear(&g);
	expect_source("both", "profile both (credentials file)", "AKIDCREDSIDE");
	expect_error("half", "profile half: aws_access_key_id is set but "
	    "aws_secret_access_key is not (config file)");
	expect_error("otherhalf", "aws_secret_access_key is set but "
	    "aws_access_key_id is not");
	/* A profile without credentials goes on to the next providers. */
	expect_error("empty", "no credentials found: tried profile empty");
}

static void
test_unknown_profile(void **state)
{
	char *want;

	set_files("[default]\nregion = us-east-1\n", NULL);
	want = xasprintf("profile 'nope' not found in %s/config and "
	    "%s/credentials", tmpdir, tmpdir);
	expect_error("nope", want);
	free(want);
}

static void
test_nothing_found(void **state)
{
	set_files("[default]\nregion = us-east-1\n", NULL);
	expect_error(NULL, "no credentials found: tried environment, profile "
	    "default (");
	expect_error(NULL, "/credentials, ");
	expect_error(NULL, "), container, EC2 instance metadata (disabled)");

	/* Under HOME, paths are shown with ~. */
	setenv("HOME", tmpdir, 1);
	expect_error(NULL, "profile default (~/credentials, ~/config)");
}

/* A prompt as the console's: it answers from a timer on the loop when
 * loop is set, else before it returns (answer NULL: cancelled). */
struct mfa_seen {
	int			 calls;
	char			 question[256];
	bool			 secret;
	const char		*answer;
	struct loop		*loop;
	aws_prompt_done_fn	 done;
	void			*done_arg;
};

static void
fake_prompt_answer(void *arg)
{
	struct mfa_seen *m = arg;

	m->done(m->answer, m->done_arg);
}

static void
fake_prompt(const char *question, bool secret, aws_prompt_done_fn done,
    void *done_arg, void *arg)
{
	struct mfa_seen *m = arg;

	m->calls++;
	snprintf(m->question, sizeof m->question, "%s", question);
	m->secret = secret;
	if (m->loop == NULL) {
		done(m->answer, done_arg);
		return;
	}
	m->done = done;
	m->done_arg = done_arg;
	loop_timer_add(m->loop, 20, fake_prompt_answer, m);
}

/* --- credential_process ------------------------------------------------ */

static void
process_profile(const char *script)
{
	char *config;

	write_script("proc.sh", script);
	config = xasprintf("[profile p]\ncredential_process = %s/proc.sh "
	    "--arg 'quoted arg'\n", tmpdir);
	set_files(config, NULL);
	free(config);
}

static void
test_process_ok(void **state)
{
	struct got g = { 0 };
	char *script, *exp, *args;
	time_t t = time(NULL) + 3600;

	exp = iso_time(t);
	script = xasprintf("#!/bin/sh\necho \"$@\" > %s/args\n"
	    "echo 'some progress on stderr' >&2\n"
	    "cat <<EOF\n{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\",\n"
	    " \"SecretAccessKey\": \"proc-" SECRET_MARK "\",\n"
	    " \"SessionToken\": \"proctok-" SECRET_MARK "\",\n"
	    " \"Expiration\": \"%s\", \"AccountId\": \"777788889999\"}\n"
	    "EOF\n", tmpdir, exp);
	process_profile(script);
	resolve("p", &g);
	assert_null(g.error);
	assert_string_equal(g.source, "profile p: credential_process");
	assert_string_equal(g.ak, "AKIDPROC");
	assert_string_equal(g.sk, "proc-" SECRET_MARK);
	assert_string_equal(g.token, "proctok-" SECRET_MARK);
	assert_string_equal(g.account, "777788889999");
	assert_int_equal(g.exp, t);
	got_clear(&g);
	args = tmp_path("args");
	{
		struct buf b = { 0 };

		assert_int_equal(buf_read_file(&b, args, 4096), 0);
		assert_string_equal(b.data, "--arg quoted arg\n");
		buf_free(&b);
	}
	free(args);
	free(script);
	free(exp);

	/* No SessionToken and no Expiration: long-term keys. */
	process_profile("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"b-" SECRET_MARK "\"}'\n");
	resolve("p", &g);
	assert_null(g.error);
	assert_null(g.token);
	assert_int_equal(g.exp, 0);
	got_clear(&g);
}

static void
test_process_failures(void **state)
{
	process_profile("#!/bin/sh\necho 'login failed' >&2\nexit 3\n");
	expect_error("p", "profile p: credential_process exited with status 3");

	set_files("[profile p]\ncredential_process = kill -9 $$\n", NULL);
	expect_error("p", "credential_process was killed by signal 9");

	/* Bad JSON that holds the secret: the error must not quote it. */
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"trunc-" SECRET_MARK "\"'\n");
	expect_error("p", "credential_process output is not valid JSON");
	process_profile("#!/bin/sh\necho 'not json " SECRET_MARK "'\n");
	expect_error("p", "credential_process output is not valid JSON");
	process_profile("#!/bin/sh\ntrue\n");
	expect_error("p", "not valid JSON (empty output");
	process_profile("#!/bin/sh\necho '[1, 2]'\n");
	expect_error("p", "credential_process output is not a JSON object");
	process_profile("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"x-" SECRET_MARK "\"} trailing'\n");
	expect_error("p", "data after the JSON object");

	process_profile("#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"v-" SECRET_MARK "\"}'\n");
	expect_error("p", "unsupported Version 2 (expected 1)");
	process_profile("#!/bin/sh\necho '{\"Version\": \"1\", \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"v-" SECRET_MARK "\"}'\n");
	expect_error("p", "unsupported Version");
	process_profile("#!/bin/sh\necho '{\"AccessKeyId\": \"A\", "
	    "\"SecretAccessKey\": \"v-" SECRET_MARK "\"}'\n");
	expect_error("p", "credential_process output has no Version");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, "
	    "\"SecretAccessKey\": \"v-" SECRET_MARK "\"}'\n");
	expect_error("p", "credential_process output has no AccessKeyId");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\"}'\n");
	expect_error("p", "credential_process output has no SecretAccessKey");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"v-" SECRET_MARK "\", "
	    "\"Expiration\": \"tomorrow\"}'\n");
	expect_error("p", "Expiration that is not an ISO-8601 time");

	set_files("[profile p]\ncredential_process = /nonexistent/helper\n",
	    NULL);
	expect_error("p", "credential_process exited with status 127");

	/* Values of the wrong type are described, never quoted: they may
	 * hold the secret. */
	process_profile("#!/bin/sh\necho '{\"Version\": {\"k\": \"v-" SECRET_MARK
	    "\"}, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"v-" SECRET_MARK
	    "\"}'\n");
	expect_error("p", "credential_process output has unsupported Version "
	    "(an object; expected the number 1)");
	process_profile("#!/bin/sh\necho '{\"Version\": [\"v-" SECRET_MARK "\"], "
	    "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"v\"}'\n");
	expect_error("p", "unsupported Version (an array; expected the number "
	    "1)");
	process_profile("#!/bin/sh\necho '{\"Version\": 1.5, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"v-" SECRET_MARK "\"}'\n");
	expect_error("p", "unsupported Version (a number with a fraction; "
	    "expected the number 1)");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "[\"v-" SECRET_MARK "\"], \"SecretAccessKey\": \"v-" SECRET_MARK
	    "\"}'\n");
	expect_error("p", "credential_process output has an AccessKeyId that "
	    "is an array, not a string");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": {\"k\": \"v-" SECRET_MARK "\"}}'\n");
	expect_error("p", "credential_process output has a SecretAccessKey "
	    "that is an object, not a string");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"\", \"SecretAccessKey\": \"v-" SECRET_MARK "\"}'\n");
	expect_error("p", "credential_process output has an empty "
	    "AccessKeyId");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"v-" SECRET_MARK "\", "
	    "\"SessionToken\": 12345}'\n");
	expect_error("p", "credential_process output has a SessionToken that "
	    "is a number, not a string");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"v-" SECRET_MARK "\", "
	    "\"Expiration\": true}'\n");
	expect_error("p", "credential_process output has an Expiration that "
	    "is a boolean, not a string");
}

static void
test_process_timeout(void **state)
{
	struct timespec a, b;
	long ms;

	/* A helper that never answers, with a child holding stdout open. */
	set_files("[profile p]\ncredential_process = sleep 5 & exec sleep 5\n",
	    NULL);
	clock_gettime(CLOCK_MONOTONIC, &a);
	expect_error("p", "credential_process did not finish within 2 s");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 1900 && ms < 6000);
}

/* The loop runs while a credential_process does: the helper waits for a
 * file that only a timer on the loop creates.  Were the chain to block,
 * the timer could not fire and the helper would run out of time. */
struct go_file {
	char	*path;
	bool	 fired;
};

static void
go_file_create(void *arg)
{
	struct go_file *gf = arg;

	gf->fired = true;
	write_file("go", "");
	(void)gf;
}

static void
test_process_async(void **state)
{
	struct go_file gf = { 0 };
	struct got g = { 0 };
	struct env e;
	char *script;

	gf.path = tmp_path("go");
	unlink(gf.path);
	script = xasprintf("#!/bin/sh\nwhile [ ! -e %s ]; do sleep 0.01; done\n"
	    "echo '{\"Version\":1,\"AccessKeyId\":\"AKIDASYNC\","
	    "\"SecretAccessKey\":\"a-" SECRET_MARK "\"}'\n", gf.path);
	process_profile(script);
	env_open(&e, "p");
	creds_chain_get(e.chain, on_creds, &g);
	/* Started, not waited for. */
	assert_false(g.done);
	loop_timer_add(e.loop, 50, go_file_create, &gf);
	loop_run_until(e.loop, &g.done);
	env_close(&e);
	assert_true(gf.fired);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.ak, "AKIDASYNC");
	got_clear(&g);
	free(script);
	free(gf.path);
}

/* With a prompt on the client the terminal is the console's: the helper
 * reads /dev/null, and its stderr, made safe, ends the error. */
static void
test_process_console(void **state)
{
	struct mfa_seen mfa = { .answer = "unused" };
	struct got g = { 0 };
	struct env e;

	process_profile("#!/bin/sh\n"
	    "[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] || exit 9\n"
	    "echo 'step one' >&2\n"
	    "printf 'token \\033[31mexpired\\n\\n' >&2\nexit 5\n");
	env_open(&e, "p");
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	env_get(&e, &g);
	env_close(&e);
	assert_non_null(g.error);
	assert_string_equal(g.error, "profile p: credential_process exited "
	    "with status 5; it said: token ?[31mexpired");
	got_clear(&g);
	assert_int_equal(mfa.calls, 0);

	/* Success says nothing of stderr. */
	process_profile("#!/bin/sh\necho 'noise' >&2\necho '{\"Version\":1,"
	    "\"AccessKeyId\":\"AKIDQUIET\",\"SecretAccessKey\":\"q-" SECRET_MARK
	    "\"}'\n");
	env_open(&e, "p");
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	env_get(&e, &g);
	env_close(&e);
	assert_null(g.error);
	assert_string_equal(g.ak, "AKIDQUIET");
	got_clear(&g);

	/* Killed for running over: what it said last is there too. */
	set_files("[profile p]\ncredential_process = echo waiting for "
	    "approval >&2; exec sleep 5\n", NULL);
	env_open(&e, "p");
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	creds_chain_set_process_timeout(e.chain, 300);
	env_get(&e, &g);
	env_close(&e);
	assert_non_null(g.error);
	assert_string_equal(g.error, "profile p: credential_process did not "
	    "finish within 1 s; it said: waiting for approval");
	got_clear(&g);
}

/* Kernels before 5.3 have no pidfd: the exit is then looked for on a
 * timer once stdout is closed. */
static void
test_process_no_pidfd(void **state)
{
	struct got g = { 0 };
	struct env e;

	creds_process_pidfd = false;
	process_profile("#!/bin/sh\nexec >&-\nsleep 0.1\nexit 4\n");
	expect_error("p", "credential_process exited with status 4");
	process_profile("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":"
	    "\"AKIDNOPIDFD\",\"SecretAccessKey\":\"n-" SECRET_MARK "\"}'\n");
	expect_source("p", "profile p: credential_process", "AKIDNOPIDFD");
	set_files("[profile p]\ncredential_process = exec sleep 5\n", NULL);
	env_open(&e, "p");
	creds_chain_set_process_timeout(e.chain, 200);
	env_get(&e, &g);
	env_close(&e);
	assert_non_null(g.error);
	assert_non_null(strstr(g.error, "did not finish within 1 s"));
	got_clear(&g);
	creds_process_pidfd = true;
}

/* Reads the pids a helper wrote to path, once it has. */
static void
read_pids(struct env *e, const char *path, pid_t *a, pid_t *b)
{
	struct buf buf = { 0 };
	long x, y;

	while (access(path, F_OK) != 0)
		loop_run_once(e->loop, 10);
	assert_int_equal(buf_read_file(&buf, path, 64), 0);
	assert_int_equal(sscanf(buf.data, "%ld %ld", &x, &y), 2);
	*a = (pid_t)x;
	*b = (pid_t)y;
	buf_free(&buf);
	unlink(path);
}

/* pid, a child of ours, died of SIGKILL (or was reaped already). */
static void
expect_killed(pid_t pid)
{
	int status, i;
	pid_t rc = 0;

	/* Bounded: a killed process is gone in moments. */
	for (i = 0; i < 500 && (rc = waitpid(pid, &status, WNOHANG)) == 0; i++)
		poll(NULL, 0, 10);
	if (rc < 0) {
		assert_int_equal(errno, ECHILD);
		return;
	}
	if (rc == 0)
		fail_msg("process %ld still runs", (long)pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* Freed while its credential_process runs: the child is killed, nobody
 * is answered.  In the console the helper's whole group goes with it. */
static void
test_process_cancel(void **state)
{
	struct mfa_seen mfa = { .answer = "unused" };
	struct got g = { 0 };
	struct env e;
	char *pidfile, *script;
	pid_t shell, helper;

	/* Orphans become ours, to be reaped and examined here. */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	pidfile = tmp_path("proc.pid");
	unlink(pidfile);
	script = xasprintf("#!/bin/sh\necho $PPID $$ > %s.tmp && mv %s.tmp %s\n"
	    "exec sleep 30\n", pidfile, pidfile, pidfile);
	process_profile(script);

	env_open(&e, "p");
	creds_chain_get(e.chain, on_creds, &g);
	read_pids(&e, pidfile, &shell, &helper);
	env_close(&e);
	assert_int_equal(g.calls, 0);
	expect_killed(shell);
	/* Shares our group: only the shell is killed, as before. */
	assert_int_equal(kill(helper, SIGKILL), 0);
	expect_killed(helper);

	env_open(&e, "p");
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	creds_chain_get(e.chain, on_creds, &g);
	read_pids(&e, pidfile, &shell, &helper);
	env_close(&e);
	assert_int_equal(g.calls, 0);
	expect_killed(shell);
	expect_killed(helper);

	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
	free(script);
	free(pidfile);
}

/* --- provider order ---------------------------------------------------- */

static void
test_order_in_profile(void **state)
{
	char *config;

	write_script("proc.sh", "#!/bin/sh\necho '{\"Version\":1,"
	    "\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"p-" SECRET_MARK
	    "\"}'\n");
	/* botocore: credentials-file keys, then credential_process, then
	 * config-file keys. */
	config = xasprintf("[profile a]\ncredential_process = %s/proc.sh\n"
	    "aws_access_key_id = AKIDCONFIG\n"
	    "aws_secret_access_key = c-" SECRET_MARK "\n"
	    "[profile b]\ncredential_process = %s/proc.sh\n",
	    tmpdir, tmpdir);
	set_files(config, "[b]\naws_access_key_id = AKIDCREDS\n"
	    "aws_secret_access_key = k-" SECRET_MARK "\n");
	free(config);
	expect_source("a", "profile a: credential_process", "AKIDPROC");
	expect_source("b", "profile b (credentials file)", "AKIDCREDS");

	/* SSO settings come before keys and processes. */
	set_files("[profile s]\nsso_account_id = 123456789012\n"
	    "aws_access_key_id = AKIDCONFIG\n"
	    "aws_secret_access_key = c-" SECRET_MARK "\n", NULL);
	expect_error("s", "profile s: SSO is configured but sso_start_url, "
	    "sso_region, sso_role_name are missing");

	/* The environment comes before the profile. */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "e-" SECRET_MARK, 1);
	expect_source(NULL, "environment", "AKIDENV");
}

static void
test_chain_order_after_profile(void **state)
{
	struct stub s;
	char *uri;
	int port = closed_port();
	const struct route routes[] = {
		{ "GET", "/creds", NULL, 200, "{\"AccessKeyId\":\"AKIDCONT\","
		    "\"SecretAccessKey\":\"c-" SECRET_MARK "\"}" },
	};

	/* The profile has no credentials: container comes next... */
	set_files("[default]\nregion = us-east-1\n", NULL);
	stub_start(&s, routes, 1);
	uri = xasprintf("%s/creds", s.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
	expect_source(NULL, "container credentials", "AKIDCONT");

	/* ...but web identity from the environment is before it. */
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token", 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/wi", 1);
	expect_error(NULL, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE): cannot "
	    "read the web identity token file /nonexistent/token");
	unsetenv("AWS_ROLE_ARN");
	expect_error(NULL, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN "
	    "is not");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");

	/* IMDS last; unreachable is "not found", with the reason. */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	free(uri);
	uri = xasprintf("http://127.0.0.1:%d", port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", uri, 1);
	expect_error(NULL, "container, EC2 instance metadata (http://127.0.0.1:");
	free(uri);
	stub_free(&s);
}

/* --- assume role ------------------------------------------------------- */

static void
test_role_config_errors(void **state)
{
	set_files("[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\n"
	    "source_profile = b\n"
	    "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\n"
	    "source_profile = c\n"
	    "[profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\n"
	    "source_profile = a\n"
	    "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/s\n"
	    "source_profile = self\n"
	    "[profile nosource]\nrole_arn = arn:aws:iam::123456789012:role/n\n"
	    "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/n\n"
	    "source_profile = a\ncredential_source = Environment\n"
	    "[profile ghost]\nrole_arn = arn:aws:iam::123456789012:role/g\n"
	    "source_profile = nobody\n"
	    "[profile weird]\nrole_arn = arn:aws:iam::123456789012:role/w\n"
	    "credential_source = Moon\n"
	    "[profile envsrc]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
	    "credential_source = Environment\n"
	    "[profile imdssrc]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
	    "credential_source = Ec2InstanceMetadata\n"
	    "[profile dur]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
	    "credential_source = Environment\nduration_seconds = 12h\n"
	    "[profile empty]\n"
	    "[profile nokeys]\nrole_arn = arn:aws:iam::123456789012:role/k\n"
	    "source_profile = empty\n"
	    "[profile wi]\nweb_identity_token_file = /nonexistent\n",
	    NULL);
	expect_error("a", "profile a: source_profile loop: a -> b -> c -> a");
	expect_error("b", "source_profile loop: b -> c -> a -> b");
	expect_error("self", "source_profile loop: self -> self");
	expect_error("nosource", "profile nosource: role_arn is set but neither "
	    "source_profile nor credential_source is");
	expect_error("both", "source_profile and credential_source are both set");
	expect_error("ghost", "profile ghost: source_profile 'nobody' does not "
	    "exist");
	expect_error("weird", "unknown credential_source 'Moon'");
	expect_error("envsrc", "profile envsrc: credential_source Environment "
	    "has no credentials");
	expect_error("imdssrc", "credential_source Ec2InstanceMetadata has no "
	    "credentials (tried EC2 instance metadata (disabled))");
	expect_error("dur", "duration_seconds '12h' must be a number");
	expect_error("nokeys", "profile nokeys: source profile 'empty' has no "
	    "credentials");
	expect_error("wi", "web_identity_token_file is set but role_arn is not");
}

static const char assume_role_xml[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<AssumeRoleResult><Credentials>"
    "<AccessKeyId>ASIAROLE</AccessKeyId>"
    "<SecretAccessKey>role-" SECRET_MARK "</SecretAccessKey>"
    "<SessionToken>roletok-" SECRET_MARK "</SessionToken>"
    "<Expiration>2099-01-01T00:00:00Z</Expiration>"
    "</Credentials><AssumedRoleUser>"
    "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>"
    "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
    "</AssumeRoleResult></AssumeRoleResponse>";

/* Profile r's MFA prompt is cancelled (at once, or from the loop): the
 * error says so and STS is not called. */
static void
expect_mfa_cancelled(struct stub *s, bool from_loop)
{
	struct mfa_seen mfa = { .answer = NULL };
	struct got g = { 0 };
	struct env e;
	char *log;

	env_open(&e, "r");
	mfa.loop = from_loop ? e.loop : NULL;
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	env_get(&e, &g);
	env_close(&e);
	assert_int_equal(mfa.calls, 1);
	assert_non_null(g.error);
	assert_non_null(strstr(g.error, "profile r: no MFA code for "
	    "arn:aws:iam::123456789012:mfa/me was entered"));
	got_clear(&g);
	log = stub_log(s);
	assert_string_equal(log, "");
	free(log);
}

static void
test_assume_role(void **state)
{
	const struct route routes[] = {
		{ "POST", "/", "Action=AssumeRole&", 200, assume_role_xml },
	};
	struct mfa_seen mfa = { .answer = "123456" };
	struct env e;
	struct got g = { 0 };
	struct stub s;
	char *log;

	stub_start(&s, routes, 1);
	setenv("AWS_ENDPOINT_URL_STS", s.url, 1);
	set_files("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
	    "source_profile = base\nexternal_id = ext-1\n"
	    "role_session_name = sess-1\nduration_seconds = 1800\n"
	    "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
	    "[profile r2]\nrole_arn = arn:aws:iam::123456789012:role/r2\n"
	    "source_profile = r1\n"
	    "[profile r1]\nrole_arn = arn:aws:iam::123456789012:role/r1\n"
	    "source_profile = base\n"
	    "[profile selfkeys]\nrole_arn = arn:aws:iam::123456789012:role/k\n"
	    "source_profile = selfkeys\n",
	    "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = base-" SECRET_MARK "\n"
	    "[selfkeys]\naws_access_key_id = AKIDSELF\n"
	    "aws_secret_access_key = self-" SECRET_MARK "\n");

	env_open(&e, "r");
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	env_get(&e, &g);
	env_close(&e);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.source, "profile r: assume-role "
	    "arn:aws:iam::123456789012:role/r via profile base");
	assert_string_equal(g.ak, "ASIAROLE");
	assert_string_equal(g.sk, "role-" SECRET_MARK);
	assert_string_equal(g.token, "roletok-" SECRET_MARK);
	assert_string_equal(g.account, "123456789012");
	assert_int_equal(g.exp, 4070908800);
	assert_int_equal(mfa.calls, 1);
	assert_string_equal(mfa.question, "Enter MFA code for "
	    "arn:aws:iam::123456789012:mfa/me");
	assert_true(mfa.secret);
	got_clear(&g);
	log = stub_log(&s);
	assert_non_null(strstr(log, "Credential=AKIDBASE/"));
	assert_non_null(strstr(log, "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012"
	    "%3Arole%2Fr"));
	assert_non_null(strstr(log, "RoleSessionName=sess-1"));
	assert_non_null(strstr(log, "ExternalId=ext-1"));
	assert_non_null(strstr(log, "DurationSeconds=1800"));
	assert_non_null(strstr(log, "SerialNumber=arn%3Aaws%3Aiam%3A%3A"
	    "123456789012%3Amfa%2Fme"));
	assert_non_null(strstr(log, "TokenCode=123456"));
	free(log);
	unlink(s.log);

	/* A role as the source of a role: two calls, the second signed with
	 * the first's answer. */
	expect_source("r2", "profile r2: assume-role "
	    "arn:aws:iam::123456789012:role/r2 via profile r1", "ASIAROLE");
	log = stub_log(&s);
	assert_int_equal(count(log, "Action=AssumeRole&"), 2);
	assert_non_null(strstr(log, "Credential=AKIDBASE/"));
	assert_non_null(strstr(log, "Credential=ASIAROLE/"));
	assert_non_null(strstr(log, "RoleSessionName=s3watch-session-"));
	free(log);
	unlink(s.log);

	/* A profile may source its own keys. */
	expect_source("selfkeys", "profile selfkeys: assume-role "
	    "arn:aws:iam::123456789012:role/k via profile selfkeys", "ASIAROLE");
	log = stub_log(&s);
	assert_non_null(strstr(log, "Credential=AKIDSELF/"));
	free(log);

	/* No MFA code: no call. */
	unlink(s.log);
	expect_mfa_cancelled(&s, false);
	stub_free(&s);

	/* STS failing is an error naming the role; never the secret. */
	set_files("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
	    "source_profile = base\n", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = base-" SECRET_MARK "\n");
	log = xasprintf("http://127.0.0.1:%d", closed_port());
	setenv("AWS_ENDPOINT_URL_STS", log, 1);
	free(log);
	expect_error("r", "profile r: sts AssumeRole for "
	    "arn:aws:iam::123456789012:role/r failed: ");
}

/* The console's prompt answers later, from the loop: the chain waits
 * for it there, and other work goes on meanwhile. */
static void
tick(void *arg)
{
	(*(int *)arg)++;
}

static void
test_mfa_async(void **state)
{
	const struct route routes[] = {
		{ "POST", "/", "Action=AssumeRole&", 200, assume_role_xml },
	};
	struct mfa_seen mfa = { .answer = "654321" };
	struct got g = { 0 };
	struct env e;
	struct stub s;
	char *log;
	int ticks = 0;

	stub_start(&s, routes, 1);
	setenv("AWS_ENDPOINT_URL_STS", s.url, 1);
	set_files("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
	    "source_profile = base\n"
	    "mfa_serial = arn:aws:iam::123456789012:mfa/me\n",
	    "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = base-" SECRET_MARK "\n");

	env_open(&e, "r");
	mfa.loop = e.loop;
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	creds_chain_get(e.chain, on_creds, &g);
	/* Asked, not answered: the caller is back at its loop. */
	assert_int_equal(mfa.calls, 1);
	assert_false(g.done);
	loop_timer_add(e.loop, 0, tick, &ticks);
	loop_run_until(e.loop, &g.done);
	assert_int_equal(ticks, 1);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.ak, "ASIAROLE");
	assert_true(mfa.secret);
	assert_string_equal(mfa.question, "Enter MFA code for "
	    "arn:aws:iam::123456789012:mfa/me");
	got_clear(&g);
	env_close(&e);
	log = stub_log(&s);
	assert_non_null(strstr(log, "TokenCode=654321"));
	free(log);
	unlink(s.log);

	/* Cancelled from the loop: no call. */
	expect_mfa_cancelled(&s, true);

	/* The chain freed while the prompt is up: its answer lands nowhere
	 * and nothing is called. */
	mfa.answer = "111111";
	env_open(&e, "r");
	mfa.loop = e.loop;
	aws_client_set_prompt(e.client, fake_prompt, &mfa);
	creds_chain_get(e.chain, on_creds, &g);
	env_close(&e);
	assert_int_equal(g.calls, 0);
	log = stub_log(&s);
	assert_string_equal(log, "");
	free(log);
	stub_free(&s);
}

static void
test_web_identity(void **state)
{
	const struct route routes[] = {
		{ "POST", "/", "Action=AssumeRoleWithWebIdentity&", 200,
		    "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
		    "<Credentials><AccessKeyId>ASIAWEB</AccessKeyId>"
		    "<SecretAccessKey>web-" SECRET_MARK "</SecretAccessKey>"
		    "<SessionToken>webtok-" SECRET_MARK "</SessionToken>"
		    "<Expiration>2099-01-01T00:00:00.000Z</Expiration></Credentials>"
		    "<AssumedRoleUser><Arn>arn:aws:sts::210987654321:assumed-role/w/s"
		    "</Arn></AssumedRoleUser></AssumeRoleWithWebIdentityResult>"
		    "</AssumeRoleWithWebIdentityResponse>" },
	};
	struct got g = { 0 };
	struct stub s;
	char *tokfile, *config, *log;

	stub_start(&s, routes, 1);
	setenv("AWS_ENDPOINT_URL_STS", s.url, 1);
	write_file("token", "eyJ-jwt-" SECRET_MARK "\n");
	tokfile = tmp_path("token");

	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tokfile, 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::210987654321:role/w", 1);
	setenv("AWS_ROLE_SESSION_NAME", "pod-1", 1);
	resolve(NULL, &g);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.source, "web identity token file");
	assert_string_equal(g.ak, "ASIAWEB");
	assert_string_equal(g.account, "210987654321");
	got_clear(&g);
	log = stub_log(&s);
	/* Unsigned, with the token (trailing newline trimmed). */
	assert_null(strcasestr(log, "Authorization:"));
	assert_non_null(strstr(log, "WebIdentityToken=eyJ-jwt-" SECRET_MARK));
	assert_null(strstr(log, "%0A"));
	assert_non_null(strstr(log, "RoleSessionName=pod-1"));
	free(log);
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	unsetenv("AWS_ROLE_SESSION_NAME");

	/* The same from a profile. */
	config = xasprintf("[profile wi]\nrole_arn = "
	    "arn:aws:iam::210987654321:role/w\nweb_identity_token_file = %s\n",
	    tokfile);
	set_files(config, NULL);
	free(config);
	expect_source("wi", "profile wi: web identity token file", "ASIAWEB");
	stub_free(&s);
	free(tokfile);
}

/* --- SSO --------------------------------------------------------------- */

static void
sso_cache(const char *key, const char *token, time_t expires)
{
	char hex[41], *dir, *name, *exp, *body;

	hash_sha1_hex(key, strlen(key), hex);
	dir = tmp_path("home/.aws/sso/cache");
	assert_int_equal(system("true"), 0);
	{
		char *cmd = xasprintf("mkdir -p '%s'", dir);

		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	name = xasprintf("home/.aws/sso/cache/%s.json", hex);
	exp = iso_time(expires);
	body = xasprintf("{\"startUrl\": \"https://x.awsapps.com/start\", "
	    "\"region\": \"eu-west-1\", \"accessToken\": \"%s\", "
	    "\"expiresAt\": \"%s\"}", token, exp);
	write_file(name, body);
	free(body);
	free(exp);
	free(name);
	free(dir);
}

static const char sso_config[] =
    "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
    "sso_role_name = ReadOnly\nregion = us-east-1\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = eu-west-1\n"
    "[profile legacy]\nsso_start_url = https://old.awsapps.com/start\n"
    "sso_region = eu-west-1\nsso_account_id = 123456789012\n"
    "sso_role_name = Admin\n"
    "[profile nosession]\nsso_session = gone\nsso_account_id = 1\n"
    "sso_role_name = R\n";

static void
test_sso_token_cache(void **state)
{
	set_files(sso_config, NULL);
	expect_error("sso", "SSO token for session corp not found");
	expect_error("sso", "run: aws sso login --profile sso");
	sso_cache("corp", "tok-" SECRET_MARK, time(NULL) - 60);
	expect_error("sso", "SSO token for session corp has expired; run: aws "
	    "sso login --profile sso");
	/* Legacy profiles key the cache by start URL. */
	sso_cache("https://old.awsapps.com/start", "tok-" SECRET_MARK,
	    time(NULL) - 1);
	expect_error("legacy", "SSO token for session "
	    "https://old.awsapps.com/start has expired; run: aws sso login "
	    "--profile legacy");
	expect_error("nosession", "profile nosession: sso_session 'gone' has no "
	    "[sso-session gone] section");
	write_file("home/.aws/sso/cache/ignored", "");
	{
		char hex[41], *name;

		hash_sha1_hex("corp", 4, hex);
		name = xasprintf("home/.aws/sso/cache/%s.json", hex);
		write_file(name, "{\"accessToken\": \"" SECRET_MARK);
		free(name);
	}
	expect_error("sso", "is not a JSON object; run: aws sso login");
}

static void
test_sso_portal(void **state)
{
	const struct route routes[] = {
		{ "GET", "/federation/credentials?*",
		    "x-amz-sso_bearer_token: good-" SECRET_MARK, 200,
		    "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\","
		    "\"secretAccessKey\":\"sso-" SECRET_MARK "\","
		    "\"sessionToken\":\"ssotok-" SECRET_MARK "\","
		    "\"expiration\":4070908800000}}" },
	};
	struct got g = { 0 };
	struct stub s;
	char *log;

	stub_start(&s, routes, 1);
	setenv("AWS_ENDPOINT_URL_SSO", s.url, 1);
	set_files(sso_config, NULL);
	sso_cache("corp", "good-" SECRET_MARK, time(NULL) + 3600);
	resolve("sso", &g);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.source, "profile sso: SSO");
	assert_string_equal(g.ak, "ASIASSO");
	assert_string_equal(g.token, "ssotok-" SECRET_MARK);
	assert_string_equal(g.account, "123456789012");
	assert_int_equal(g.exp, 4070908800);
	got_clear(&g);
	log = stub_log(&s);
	assert_non_null(strstr(log, "role_name=ReadOnly"));
	assert_non_null(strstr(log, "account_id=123456789012"));
	assert_null(strcasestr(log, "Authorization:"));
	free(log);

	/* A token the portal refuses: log in again. */
	sso_cache("corp", "bad-" SECRET_MARK, time(NULL) + 3600);
	expect_error("sso", "the SSO portal refused the token for session corp");
	expect_error("sso", "run: aws sso login --profile sso");
	stub_free(&s);
}

/* --- container and IMDS ------------------------------------------------ */

static void
test_container(void **state)
{
	const struct route routes[] = {
		{ "GET", "/v2/creds", "Authorization: Bearer tok-" SECRET_MARK,
		    200, "{\"AccessKeyId\":\"ASIACONT\",\"SecretAccessKey\":\"c-"
		    SECRET_MARK "\",\"Token\":\"ct-" SECRET_MARK "\","
		    "\"Expiration\":\"2099-01-01T00:00:00Z\","
		    "\"AccountId\":\"123456789012\"}" },
		{ "GET", "/bad", NULL, 200, "{\"AccessKeyId\":\"A\"}" },
		{ "GET", "/denied", NULL, 403, "{\"message\":\"no\"}" },
	};
	struct got g = { 0 };
	struct stub s;
	char *uri;

	stub_start(&s, routes, 3);
	uri = xasprintf("%s/v2/creds", s.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
	free(uri);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer tok-" SECRET_MARK, 1);
	resolve(NULL, &g);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.source, "container credentials");
	assert_string_equal(g.ak, "ASIACONT");
	assert_string_equal(g.token, "ct-" SECRET_MARK);
	assert_string_equal(g.account, "123456789012");
	assert_int_equal(g.exp, 4070908800);
	got_clear(&g);

	/* The token file wins over the variable. */
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", 1);
	write_file("ctoken", "Bearer tok-" SECRET_MARK "\n");
	uri = tmp_path("ctoken");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", uri, 1);
	free(uri);
	expect_source(NULL, "container credentials", "ASIACONT");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");

	/* A wrong token: the stub says 401. */
	expect_error(NULL, "container credentials from http://127.0.0.1:");
	expect_error(NULL, ": HTTP 401");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1", 1);
	expect_error(NULL, "the authorization token has a line break");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	uri = xasprintf("%s/bad", s.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
	free(uri);
	expect_error(NULL, "container credentials: the answer has no "
	    "SecretAccessKey");
	uri = xasprintf("%s/denied", s.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
	free(uri);
	expect_error(NULL, "HTTP 403");
	stub_free(&s);

	/* Plain http only to loopback and the agents' link-local addresses;
	 * these are refused before any connection (and, should that break,
	 * would still only reach this host). */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://0.0.0.0:9/c", 1);
	expect_error(NULL, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://127.0.0.1@0.0.0.0:9/c", 1);
	expect_error(NULL, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[::]:9/c", 1);
	expect_error(NULL, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "file:///etc/passwd", 1);
	expect_error(NULL, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https");
	/* A password in the URI: refused, and never repeated. */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "https://user:pw-" SECRET_MARK "@127.0.0.1:9/c", 1);
	expect_error(NULL, "container credentials: "
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI has a user name or password");
}

static char *imds_creds_body;

static void
imds_routes(struct route *r, const char *body)
{
	r[0] = (struct route){ "PUT", "/latest/api/token",
	    "X-aws-ec2-metadata-token-ttl-seconds: 21600", 200, "imdstok-"
	    SECRET_MARK };
	r[1] = (struct route){ "GET", "/latest/meta-data/iam/security-credentials/",
	    "X-aws-ec2-metadata-token: imdstok-" SECRET_MARK, 200, "my-role\n" };
	r[2] = (struct route){ "GET",
	    "/latest/meta-data/iam/security-credentials/my-role",
	    "X-aws-ec2-metadata-token: imdstok-" SECRET_MARK, 200, body };
}

static void
test_imds(void **state)
{
	struct route routes[3];
	struct got g = { 0 };
	struct stub s;
	char *exp, *log;

	exp = iso_time(time(NULL) + 6 * 3600);
	imds_creds_body = xasprintf("{\"Code\":\"Success\",\"Type\":"
	    "\"AWS-HMAC\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":"
	    "\"i-" SECRET_MARK "\",\"Token\":\"it-" SECRET_MARK "\","
	    "\"Expiration\":\"%s\"}", exp);
	imds_routes(routes, imds_creds_body);
	stub_start(&s, routes, 3);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	resolve(NULL, &g);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.source, "EC2 instance metadata (IMDSv2)");
	assert_string_equal(g.ak, "ASIAIMDS");
	assert_string_equal(g.token, "it-" SECRET_MARK);
	got_clear(&g);
	log = stub_log(&s);
	assert_int_equal(count(log, "PUT /latest/api/token"), 1);
	assert_int_equal(count(log, "GET /latest/meta-data/iam/"
	    "security-credentials/my-role"), 1);
	free(log);
	stub_free(&s);
	free(imds_creds_body);

	/* Code must be Success. */
	imds_routes(routes, "{\"Code\":\"Expired\",\"AccessKeyId\":\"A\"}");
	stub_start(&s, routes, 3);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	expect_error(NULL, "EC2 instance metadata: the answer's Code is "
	    "'Expired', not 'Success'");
	stub_free(&s);

	/* A password in the endpoint: refused, and never repeated. */
	log = xasprintf("http://user:pw-" SECRET_MARK "@127.0.0.1:%d",
	    closed_port());
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", log, 1);
	free(log);
	expect_error(NULL, "EC2 instance metadata: "
	    "AWS_EC2_METADATA_SERVICE_ENDPOINT has a user name or password");

	/* An IMDSv1-only service refuses the token: skip with the reason. */
	routes[0] = (struct route){ "PUT", "/latest/api/token", NULL, 403, "" };
	stub_start(&s, routes, 1);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	expect_error(NULL, "EC2 instance metadata (no IMDSv2 token: HTTP 403)");
	stub_free(&s);
	free(exp);
}

/* --- control characters in credentials -------------------------------- */

/* The access key goes into Authorization, the token into
 * X-Amz-Security-Token: a line break in either would add a header of the
 * sender's choosing ("X-Evil:").  Every source refuses every control
 * character in every field, naming the source and never the value. */
static void
test_ctl_env(void **state)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-" SECRET_MARK, 1);
	setenv("AWS_SESSION_TOKEN", "tok-" SECRET_MARK "\r\nX-Evil: 1", 1);
	expect_error(NULL, "environment: the session token has a control "
	    "character");
	setenv("AWS_SESSION_TOKEN", "tok-" SECRET_MARK "\x1b[2J", 1);
	expect_error(NULL, "environment: the session token has a control "
	    "character");
	setenv("AWS_SESSION_TOKEN", "tok-" SECRET_MARK "\xc2\x85", 1);
	expect_error(NULL, "environment: the session token has a control "
	    "character");
	unsetenv("AWS_SESSION_TOKEN");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV\nX-Evil: 1", 1);
	expect_error(NULL, "environment: the access key id has a control "
	    "character");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-" SECRET_MARK "\t", 1);
	expect_error(NULL, "environment: the secret access key has a control "
	    "character");
	setenv("AWS_SECRET_ACCESS_KEY", "env-" SECRET_MARK, 1);
	setenv("AWS_ACCOUNT_ID", "111122223333\r\n", 1);
	expect_error(NULL, "environment: the account id has a control "
	    "character");
	unsetenv("AWS_ACCOUNT_ID");
	setenv("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T\n00:00:00Z", 1);
	expect_error(NULL, "environment: AWS_CREDENTIAL_EXPIRATION");
	setenv("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z\n", 1);
	expect_error(NULL, "environment: AWS_CREDENTIAL_EXPIRATION");
	unsetenv("AWS_CREDENTIAL_EXPIRATION");
	/* Printable keys still work. */
	expect_source(NULL, "environment", "AKIDENV");
}

static void
test_ctl_files(void **state)
{
	char *config;

	/* The config reader lets tabs and carriage returns through. */
	set_files(NULL, "[cr]\naws_access_key_id = AKIDCR\n"
	    "aws_secret_access_key = cr-" SECRET_MARK "\n"
	    "aws_session_token = crtok-" SECRET_MARK "\rX-Evil: 1\n"
	    "[tab]\naws_access_key_id = AKID\tTAB\n"
	    "aws_secret_access_key = tab-" SECRET_MARK "\n");
	expect_error("cr", "profile cr (credentials file): the session token "
	    "has a control character");
	expect_error("tab", "profile tab (credentials file): the access key id "
	    "has a control character");

	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"p-" SECRET_MARK "\", "
	    "\"SessionToken\": \"t-" SECRET_MARK "\\r\\nX-Evil: 1\"}'\n");
	expect_error("p", "profile p: credential_process: the session token "
	    "has a control character");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\\u001b[2J\", \"SecretAccessKey\": \"p-" SECRET_MARK "\"}'\n");
	expect_error("p", "profile p: credential_process: the access key id "
	    "has a control character");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"p-" SECRET_MARK "\\u0000x\"}'\n");
	expect_error("p", "profile p: credential_process output has a "
	    "SecretAccessKey that has a control character");
	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
	    "\"A\", \"SecretAccessKey\": \"p-" SECRET_MARK "\", "
	    "\"Expiration\": \"2099-01-01T\\n00:00:00Z\"}'\n");
	expect_error("p", "profile p: credential_process output has an "
	    "Expiration that is not an ISO-8601 time");

	/* A token file (web identity; the container's authorization token
	 * file is read the same way).  STS is a closed port: the token must
	 * not get that far. */
	config = xasprintf("http://127.0.0.1:%d", closed_port());
	setenv("AWS_ENDPOINT_URL_STS", config, 1);
	free(config);
	write_file("token", "eyJ-jwt-" SECRET_MARK "\x1b]52;c;x\x07\n");
	config = tmp_path("token");
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", config, 1);
	free(config);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::210987654321:role/w", 1);
	expect_error(NULL, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE): the "
	    "web identity token file ");
	expect_error(NULL, " has a control character");
}

static void
test_ctl_http(void **state)
{
	const struct route routes[] = {
		{ "GET", "/cont", NULL, 200, "{\"AccessKeyId\":\"ASIACONT\","
		    "\"SecretAccessKey\":\"c-" SECRET_MARK "\",\"Token\":\"ct-"
		    SECRET_MARK "\\r\\nX-Evil: 1\"}" },
		{ "GET", "/acct", NULL, 200, "{\"AccessKeyId\":\"ASIACONT\","
		    "\"SecretAccessKey\":\"c-" SECRET_MARK "\","
		    "\"AccountId\":\"1234\\n\"}" },
		{ "POST", "/", "Action=AssumeRoleWithWebIdentity&", 200,
		    "<AssumeRoleWithWebIdentityResponse>"
		    "<AssumeRoleWithWebIdentityResult><Credentials>"
		    "<AccessKeyId>ASIAWEB</AccessKeyId>"
		    "<SecretAccessKey>web-" SECRET_MARK "</SecretAccessKey>"
		    "<SessionToken>webtok-" SECRET_MARK "&#13;&#10;X-Evil: 1"
		    "</SessionToken>"
		    "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
		    "</AssumeRoleWithWebIdentityResult>"
		    "</AssumeRoleWithWebIdentityResponse>" },
		{ "GET", "/federation/credentials?*", NULL, 200,
		    "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\","
		    "\"secretAccessKey\":\"sso-" SECRET_MARK "\","
		    "\"sessionToken\":\"ssotok-" SECRET_MARK "\\r\\nX-Evil: 1\","
		    "\"expiration\":4070908800000}}" },
	};
	struct route imds[3];
	struct stub s;
	char *uri, *log;

	stub_start(&s, routes, 4);
	uri = xasprintf("%s/cont", s.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
	free(uri);
	expect_error(NULL, "container credentials: the session token has a "
	    "control character");
	uri = xasprintf("%s/acct", s.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
	free(uri);
	expect_error(NULL, "container credentials: the account id has a "
	    "control character");
	/* The authorization token: no control character of any kind. */
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer tok-" SECRET_MARK
	    "\x1b[2J", 1);
	expect_error(NULL, "container credentials: the authorization token "
	    "has a line break or control character");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");

	setenv("AWS_ENDPOINT_URL_STS", s.url, 1);
	write_file("token", "eyJ-jwt-" SECRET_MARK "\n");
	uri = tmp_path("token");
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", uri, 1);
	free(uri);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::210987654321:role/w", 1);
	expect_error(NULL, "web identity token file: the session token has a "
	    "control character");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");

	setenv("AWS_ENDPOINT_URL_SSO", s.url, 1);
	set_files(sso_config, NULL);
	sso_cache("corp", "good-" SECRET_MARK, time(NULL) + 3600);
	expect_error("sso", "profile sso: SSO: the session token has a control "
	    "character");
	sso_cache("corp", "good-" SECRET_MARK "\\u001b[2J", time(NULL) + 3600);
	expect_error("sso", "the SSO token in ");
	expect_error("sso", " has a line break or control character");
	log = stub_log(&s);
	assert_int_equal(count(log, "X-Evil"), 0);
	free(log);
	stub_free(&s);

	/* EC2 instance metadata: the credentials, the IMDSv2 token that goes
	 * back in a header, and the role name that goes into the path. */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	imds_routes(imds, "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\","
	    "\"SecretAccessKey\":\"i-" SECRET_MARK "\",\"Token\":\"it-"
	    SECRET_MARK "\\r\\nX-Evil: 1\"}");
	stub_start(&s, imds, 3);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	expect_error(NULL, "EC2 instance metadata (IMDSv2): the session token "
	    "has a control character");
	stub_free(&s);

	imds_routes(imds, "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\","
	    "\"SecretAccessKey\":\"i-" SECRET_MARK "\"}");
	imds[0].body = "imdstok-" SECRET_MARK "\r\nX-Evil: 1";
	imds[1].need = NULL;
	imds[2].need = NULL;
	stub_start(&s, imds, 3);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	expect_error(NULL, "EC2 instance metadata: the IMDSv2 token has a "
	    "control character");
	log = stub_log(&s);
	assert_int_equal(count(log, "X-Evil"), 0);
	free(log);
	stub_free(&s);

	imds_routes(imds, "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\","
	    "\"SecretAccessKey\":\"i-" SECRET_MARK "\"}");
	imds[1].body = "my-role\x1b[2J\n";
	imds[2].path = "/latest/meta-data/iam/security-credentials/*";
	stub_start(&s, imds, 3);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	expect_error(NULL, "EC2 instance metadata: cannot get the role name");
	stub_free(&s);
}

/* The last line of defence: a request with a control character in a
 * header is not sent at all, whoever built it. */
struct sent {
	bool	 done;
	long	 status;
	char	*error;
};

static void
http_done(struct http_response *hr, void *arg)
{
	struct sent *t = arg;

	t->done = true;
	t->status = hr->status;
	t->error = hr->error != NULL ? xstrdup(hr->error) : NULL;
}

static void
http_send(struct loop *l, const char *url, const char *name,
    const char *value, struct sent *t)
{
	struct http_request req;
	struct kv headers = { 0 };

	kv_add(&headers, name, value);
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = url;
	req.headers = &headers;
	memset(t, 0, sizeof *t);
	http_start(l, &req, http_done, t);
	kv_free(&headers);
	/* Never from inside http_start. */
	assert_false(t->done);
	loop_run_until(l, &t->done);
}

static void
test_http_header_guard(void **state)
{
	const struct route routes[] = {
		{ "GET", "/x", NULL, 200, "ok" },
	};
	const char *bad[] = { "a\r\nX-Evil: 1", "a\nX-Evil: 1", "a\rb",
	    "a\x01", "a\x7f" };
	struct loop *l = loop_new();
	struct sent t;
	struct stub s;
	char *url, *log;
	size_t i;

	stub_start(&s, routes, 1);
	url = xasprintf("%s/x", s.url);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		http_send(l, url, "X-Token", bad[i], &t);
		if (t.error == NULL || strstr(t.error, "control character") ==
		    NULL)
			fail_msg("header %zu: %s", i, t.error);
		assert_int_equal(t.status, 0);
		free(t.error);
	}
	http_send(l, url, "X-Evil: 1\r\nX-Token", "a", &t);
	assert_non_null(t.error);
	assert_non_null(strstr(t.error, "control character"));
	free(t.error);
	log = stub_log(&s);
	assert_string_equal(log, "");
	free(log);

	/* A tab is allowed in a value (RFC 9110 field-value). */
	http_send(l, url, "X-Token", "a\tb", &t);
	assert_null(t.error);
	assert_int_equal(t.status, 200);
	log = stub_log(&s);
	assert_int_equal(count(log, "X-Token: a\tb"), 1);
	assert_int_equal(count(log, "X-Evil"), 0);
	free(log);
	free(url);
	stub_free(&s);
	loop_free(l);
}

/* --- caching and refresh ----------------------------------------------- */

static void
test_cache_and_waiters(void **state)
{
	struct got a = { 0 }, b = { 0 }, c = { 0 };
	struct env e;
	char *exp, *script, *log;
	const char *counter;

	/* A process that counts its runs. */
	exp = iso_time(time(NULL) + 3600);
	log = tmp_path("runs");
	unlink(log);
	script = xasprintf("#!/bin/sh\necho run >> %s\necho '{\"Version\":1,"
	    "\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"p-" SECRET_MARK
	    "\",\"Expiration\":\"%s\"}'\n", log, exp);
	process_profile(script);
	free(script);

	env_open(&e, "p");
	assert_string_equal(creds_chain_source(e.chain), "profile p");
	/* Two callers before the loop runs: one resolution, both answered
	 * later, from the loop. */
	creds_chain_get(e.chain, on_creds, &a);
	creds_chain_get(e.chain, on_creds, &b);
	assert_int_equal(a.calls, 0);
	assert_int_equal(b.calls, 0);
	loop_run_until(e.loop, &b.done);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_ptr_equal(a.ptr, b.ptr);
	assert_string_equal(creds_chain_source(e.chain),
	    "profile p: credential_process");

	/* Cached: at once, no new run. */
	creds_chain_get(e.chain, on_creds, &c);
	assert_int_equal(c.calls, 1);
	assert_ptr_equal(c.ptr, a.ptr);
	{
		struct buf bb = { 0 };

		assert_int_equal(buf_read_file(&bb, log, 4096), 0);
		counter = bb.data;
		assert_int_equal(count(counter, "run"), 1);
		buf_free(&bb);
	}

	/* Within 5 minutes of expiry it refreshes. */
	fake_now = time(NULL) + 3600 - 290;
	creds_clock = fake_clock;
	env_get(&e, &c);
	assert_string_equal(c.ak, "AKIDPROC");
	{
		struct buf bb = { 0 };

		assert_int_equal(buf_read_file(&bb, log, 4096), 0);
		assert_int_equal(count(bb.data, "run"), 2);
		buf_free(&bb);
	}
	creds_clock = NULL;

	/* Invalidated: resolved again. */
	creds_chain_invalidate(e.chain);
	env_get(&e, &c);
	assert_null(c.error);
	{
		struct buf bb = { 0 };

		assert_int_equal(buf_read_file(&bb, log, 4096), 0);
		assert_int_equal(count(bb.data, "run"), 3);
		buf_free(&bb);
	}
	env_close(&e);
	got_clear(&a);
	got_clear(&b);
	got_clear(&c);
	free(exp);
	free(log);
}

static void
test_imds_keeps_old_on_failure(void **state)
{
	struct route routes[3];
	struct got g = { 0 };
	struct env e;
	struct stub s;
	char *exp, *body;
	time_t t = time(NULL) + 600;

	exp = iso_time(t);
	body = xasprintf("{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAOLD\","
	    "\"SecretAccessKey\":\"o-" SECRET_MARK "\",\"Token\":\"ot-"
	    SECRET_MARK "\",\"Expiration\":\"%s\"}", exp);
	imds_routes(routes, body);
	stub_start(&s, routes, 3);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	env_open(&e, NULL);
	env_get(&e, &g);
	assert_string_equal(g.ak, "ASIAOLD");

	/* IMDS goes away; in the refresh window the old set is kept... */
	stub_stop(&s);
	fake_now = t - 200;
	creds_clock = fake_clock;
	env_get(&e, &g);
	if (g.error != NULL)
		fail_msg("%s", g.error);
	assert_string_equal(g.ak, "ASIAOLD");

	/* ...until it has expired. */
	fake_now = t + 1;
	env_get(&e, &g);
	assert_non_null(g.error);
	assert_non_null(strstr(g.error, "EC2 instance metadata ("));
	assert_null(strstr(g.error, SECRET_MARK));
	creds_clock = NULL;
	env_close(&e);
	got_clear(&g);
	stub_free(&s);
	free(body);
	free(exp);
}

static void
test_free_while_pending(void **state)
{
	struct route routes[3];
	struct got g = { 0 };
	struct env e;
	struct stub s;

	imds_routes(routes, "{\"Code\":\"Success\",\"AccessKeyId\":\"A\","
	    "\"SecretAccessKey\":\"x-" SECRET_MARK "\"}");
	stub_start(&s, routes, 3);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.url, 1);
	env_open(&e, NULL);
	creds_chain_get(e.chain, on_creds, &g);
	loop_run_once(e.loop, 0);
	/* Freed mid-flight: the answer lands nowhere and nothing leaks. */
	env_close(&e);
	assert_int_equal(g.calls, 0);
	stub_free(&s);
}

static void
test_helpers(void **state)
{
	time_t t;
	char *a;

	assert_int_equal(creds_parse_time("2024-05-01T12:00:00Z", &t), 0);
	assert_int_equal(t, 1714564800);
	assert_int_equal(creds_parse_time("2024-05-01T12:00:00.123456Z", &t), 0);
	assert_int_equal(t, 1714564800);
	assert_int_equal(creds_parse_time("2024-05-01T14:00:00+02:00", &t), 0);
	assert_int_equal(t, 1714564800);
	assert_int_equal(creds_parse_time("2024-05-01T12:00:00UTC", &t), 0);
	assert_int_equal(t, 1714564800);
	assert_int_equal(creds_parse_time("2024-05-01T11:00:00-0100", &t), 0);
	assert_int_equal(t, 1714564800);
	assert_int_equal(creds_parse_time("2024-05-01 12:00:00", &t), -1);
	assert_int_equal(creds_parse_time("2024-05-01T12:00:00", &t), -1);
	assert_int_equal(creds_parse_time("2024-05-01T12:00:00Zjunk", &t), -1);
	assert_int_equal(creds_parse_time("", &t), -1);

	a = creds_arn_account("arn:aws:sts::123456789012:assumed-role/r/s");
	assert_string_equal(a, "123456789012");
	free(a);
	a = creds_arn_account("arn:aws-cn:iam::210987654321:role/x");
	assert_string_equal(a, "210987654321");
	free(a);
	assert_null(creds_arn_account("arn:aws:s3:::bucket"));
	assert_null(creds_arn_account("nope"));
	assert_null(creds_arn_account(NULL));
}

static int
cleanup(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static int
setup(void **state)
{
	char *home;

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	home = tmp_path("home");
	mkdir(home, 0700);
	free(home);
	/* A hung provider must fail the test, not the build. */
	alarm(300);
	return 0;
}

#define T(f) cmocka_unit_test_setup(f, reset)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_helpers),
		T(test_env),
		T(test_env_missing_pair),
		T(test_explicit_profile_beats_env),
		T(test_static_profiles),
		T(test_unknown_profile),
		T(test_nothing_found),
		T(test_process_ok),
		T(test_process_failures),
		T(test_process_timeout),
		T(test_process_async),
		T(test_process_console),
		T(test_process_no_pidfd),
		T(test_process_cancel),
		T(test_order_in_profile),
		T(test_chain_order_after_profile),
		T(test_role_config_errors),
		T(test_assume_role),
		T(test_mfa_async),
		T(test_web_identity),
		T(test_sso_token_cache),
		T(test_sso_portal),
		T(test_container),
		T(test_imds),
		T(test_ctl_env),
		T(test_ctl_files),
		T(test_ctl_http),
		T(test_http_header_guard),
		T(test_cache_and_waiters),
		T(test_imds_keeps_old_on_failure),
		T(test_free_while_pending),
	};

	return cmocka_run_group_tests(tests, setup, cleanup);
}
