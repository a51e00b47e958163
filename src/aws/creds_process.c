/* The two providers that need something outside the process: a profile's
 * credential_process and the MFA code of a role.  Neither blocks the
 * loop.  The command runs as a child: the loop watches its stdout (and,
 * in the console, its stderr) and its exit, through a pidfd, and a timer
 * kills it when it runs over.  The code is asked through the client's
 * prompt when one is set (the console), else read from /dev/tty. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "aws.h"
#include "buf.h"
#include "creds.h"
#include "creds_internal.h"
#include "loop.h"
#include "text.h"
#include "xalloc.h"

extern char **environ;

#define CREDS_PROCESS_MS	30000
#define CREDS_PROCESS_MAX	(1024 * 1024)
#define CREDS_STDERR_KEEP	4096	/* the tail of stderr kept */
#define CREDS_STDERR_SHOWN	200	/* bytes of its last line in an error */
#define CREDS_REAP_MS		10	/* no pidfd: first waitpid retry */
#define CREDS_REAP_MAX_MS	250

bool	creds_process_pidfd = true;

/* --- credential_process ------------------------------------------------ */

/* One running command.  It is done when its stdout is closed (read to
 * the end, or given up) and it has been reaped. */
struct creds_proc {
	struct creds_ctx	*ctx;
	struct creds_proc	*next;		/* ctx->procs */
	char			*profile;
	creds_res_fn		 fn;
	void			*arg;
	int			 timeout_ms;
	bool			 quiet;		/* stderr kept, not shown */
	pid_t			 pid;
	int			 out, err, pidfd;	/* -1: closed or none */
	struct buf		 outb, errb;
	struct loop_timer	*limit;
	struct loop_timer	*reap;		/* without a pidfd */
	uint64_t		 reap_ms;
	bool			 exited;
	int			 status;
	char			*cause;		/* why it was stopped */
};

static void	creds_proc_step(struct creds_proc *);

static void
creds_proc_close(struct creds_proc *p, int *fd)
{
	if (*fd < 0)
		return;
	loop_watch_fd(p->ctx->loop, *fd, NULL, NULL);
	close(*fd);
	*fd = -1;
}

/* Keeps the last CREDS_STDERR_KEEP bytes the command wrote to stderr;
 * eof: read until there is nothing more now. */
static void
creds_proc_read_err(struct creds_proc *p)
{
	char tmp[4096];
	ssize_t n;

	while (p->err >= 0) {
		n = read(p->err, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			creds_proc_close(p, &p->err);
			return;
		}
		buf_add(&p->errb, tmp, (size_t)n);
		if (p->errb.len > 2 * CREDS_STDERR_KEEP) {
			memmove(p->errb.data, p->errb.data + p->errb.len -
			    CREDS_STDERR_KEEP, CREDS_STDERR_KEEP);
			p->errb.len = CREDS_STDERR_KEEP;
			p->errb.data[p->errb.len] = '\0';
		}
	}
}

static void
creds_proc_on_err(void *arg)
{
	creds_proc_read_err(arg);
}

/* Gives up on the command: kills it and stops reading.  In the console
 * it has a process group of its own, and all of it goes; otherwise it
 * shares ours (and the terminal), and only the shell goes, as before. */
static void
creds_proc_stop(struct creds_proc *p, char *cause)
{
	if (p->cause == NULL)
		p->cause = cause;
	else
		free(cause);
	if (p->quiet)
		kill(-p->pid, SIGKILL);
	else if (!p->exited)
		kill(p->pid, SIGKILL);
	creds_proc_close(p, &p->out);
	creds_proc_read_err(p);
	creds_proc_close(p, &p->err);
}

static void
creds_proc_on_out(void *arg)
{
	struct creds_proc *p = arg;
	char tmp[16384];
	ssize_t n;

	for (;;) {
		n = read(p->out, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			creds_proc_stop(p, xasprintf("could not be read: %s",
			    strerror(errno)));
			break;
		}
		if (n == 0) {
			creds_proc_close(p, &p->out);
			break;
		}
		if (p->outb.len + (size_t)n > CREDS_PROCESS_MAX) {
			creds_proc_stop(p, xstrdup("wrote more than 1 MiB"));
			break;
		}
		buf_add(&p->outb, tmp, (size_t)n);
	}
	creds_proc_step(p);
}

/* Has the command exited?  Reaps it when it has. */
static bool
creds_proc_reaped(struct creds_proc *p)
{
	pid_t rc;

	if (p->exited)
		return true;
	do
		rc = waitpid(p->pid, &p->status, WNOHANG);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return false;
	if (rc < 0)
		p->status = 0;	/* not ours to wait for: nothing to say */
	p->exited = true;
	creds_proc_close(p, &p->pidfd);
	return true;
}

static void
creds_proc_on_exit(void *arg)
{
	struct creds_proc *p = arg;

	if (creds_proc_reaped(p))
		creds_proc_step(p);
}

/* Without a pidfd: look again later, less and less often. */
static void
creds_proc_on_reap(void *arg)
{
	struct creds_proc *p = arg;

	p->reap = NULL;
	creds_proc_reaped(p);
	creds_proc_step(p);
}

static void
creds_proc_on_limit(void *arg)
{
	struct creds_proc *p = arg;

	p->limit = NULL;
	creds_proc_stop(p, xasprintf("did not finish within %d s",
	    (p->timeout_ms + 999) / 1000));
	creds_proc_step(p);
}

static void
creds_proc_unlink(struct creds_proc *p)
{
	struct creds_proc **pp;

	for (pp = &p->ctx->procs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
}

static void
creds_proc_free(struct creds_proc *p)
{
	struct loop *l = p->ctx->loop;

	if (p->limit != NULL)
		loop_timer_cancel(l, p->limit);
	if (p->reap != NULL)
		loop_timer_cancel(l, p->reap);
	creds_proc_close(p, &p->out);
	creds_proc_close(p, &p->err);
	creds_proc_close(p, &p->pidfd);
	creds_proc_unlink(p);
	/* Never quote the output anywhere: it holds the secret key. */
	if (p->outb.data != NULL)
		explicit_bzero(p->outb.data, p->outb.len);
	buf_free(&p->outb);
	buf_free(&p->errb);
	free(p->cause);
	free(p->profile);
	creds_ctx_unref(p->ctx);
	free(p);
}

/* "; it said: LAST LINE" from the kept stderr, or "". */
static char *
creds_proc_said(const struct creds_proc *p)
{
	const char *s = p->errb.data, *b, *e;
	char *line, *safe, *said;
	size_t n;

	if (!p->quiet || s == NULL)
		return xstrdup("");
	e = s + p->errb.len;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	for (b = e; b > s && b[-1] != '\n'; b--)
		;
	if ((n = (size_t)(e - b)) == 0)
		return xstrdup("");
	line = xstrndup(b, n > CREDS_STDERR_SHOWN ? CREDS_STDERR_SHOWN :
	    n);
	safe = text_safe_str(line);
	said = xasprintf("; it said: %s%s", safe, n > CREDS_STDERR_SHOWN ?
	    "..." : "");
	free(safe);
	free(line);
	return said;
}

/* What a JSON value is, for messages that must not quote it. */
static const char *
creds_json_kind(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number with a fraction";
	case json_type_int: return "a number";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "an unknown value";
}

/* The string member name of o in *out (NULL when absent and optional),
 * or -1 with *why saying what is wrong without quoting the value: the
 * output holds the secret key. */
static int
creds_process_field(struct json_object *o, const char *name, bool required,
    const char **out, char **why)
{
	const char *article = strchr("AEIOU", name[0]) != NULL ? "an" : "a";
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, name, &v) ||
	    json_object_is_type(v, json_type_null)) {
		if (!required)
			return 0;
		*why = xasprintf("no %s", name);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		*why = xasprintf("%s %s that is %s, not a string", article, name,
		    creds_json_kind(v));
		return -1;
	}
	if (json_object_get_string_len(v) == 0) {
		if (!required)
			return 0;
		*why = xasprintf("an empty %s", name);
		return -1;
	}
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v)) {
		/* \u0000 would cut the value short without a word. */
		*why = xasprintf("%s %s that has a control character", article,
		    name);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The command is done: its answer, or why there is none. */
static void
creds_proc_answer(struct creds_proc *p)
{
	struct json_tokener *tok;
	struct json_object *o = NULL, *v;
	const char *ak, *sk, *token, *exp, *account, *profile = p->profile;
	struct buf *out = &p->outb;
	char *source, *why = NULL, *said = creds_proc_said(p);
	creds_res_fn fn = p->fn;
	void *arg = p->arg;
	time_t expiration = 0;
	size_t end;
	int status = p->status;

	if (p->cause != NULL) {
		creds_fail(fn, arg, "profile %s: credential_process %s%s",
		    profile, p->cause, said);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		creds_fail(fn, arg, "profile %s: credential_process was killed "
		    "by signal %d%s", profile, WTERMSIG(status), said);
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process exited with "
		    "status %d%s", profile, WEXITSTATUS(status), said);
		goto out;
	}

	/* Never quote the output in errors: it holds the secret key. */
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, out->data != NULL ? out->data : "",
	    (int)out->len);
	end = json_tokener_get_parse_end(tok);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		creds_fail(fn, arg, "profile %s: credential_process output is "
		    "not valid JSON (%s at byte %zu)", profile, out->len == 0 ?
		    "empty output" : json_tokener_error_desc(
		    json_tokener_get_error(tok)), end);
		json_tokener_free(tok);
		goto out;
	}
	json_tokener_free(tok);
	while (end < out->len && isspace((unsigned char)out->data[end]))
		end++;
	if (end != out->len) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "data after the JSON object (byte %zu)", profile, end);
		goto out;
	}
	if (!json_object_is_type(o, json_type_object)) {
		creds_fail(fn, arg, "profile %s: credential_process output is "
		    "not a JSON object", profile);
		goto out;
	}
	if (!json_object_object_get_ex(o, "Version", &v)) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "no Version (expected 1)", profile);
		goto out;
	}
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) != 1) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "unsupported Version %lld (expected 1)", profile,
		    (long long)json_object_get_int64(v));
		goto out;
	}
	if (!json_object_is_type(v, json_type_int)) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "unsupported Version (%s; expected the number 1)", profile,
		    creds_json_kind(v));
		goto out;
	}
	if (creds_process_field(o, "AccessKeyId", true, &ak, &why) != 0 ||
	    creds_process_field(o, "SecretAccessKey", true, &sk, &why) != 0 ||
	    creds_process_field(o, "SessionToken", false, &token, &why) != 0 ||
	    creds_process_field(o, "Expiration", false, &exp, &why) != 0 ||
	    creds_process_field(o, "AccountId", false, &account, &why) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "%s", profile, why);
		free(why);
		goto out;
	}
	if (exp != NULL && creds_parse_time(exp, &expiration) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "an Expiration that is not an ISO-8601 time", profile);
		goto out;
	}
	source = xasprintf("profile %s: credential_process", profile);
	creds_found(fn, arg, creds_make(ak, sk, token, expiration, source,
	    account));
	free(source);
out:
	if (o != NULL)
		json_object_put(o);
	free(said);
}

/* After each event: done when stdout is closed and the command reaped;
 * without a pidfd, reaping is retried on a timer once stdout is closed. */
static void
creds_proc_step(struct creds_proc *p)
{
	if (p->out >= 0)
		return;
	if (!p->exited) {
		if (p->pidfd < 0 && p->reap == NULL) {
			p->reap = loop_timer_add(p->ctx->loop, p->reap_ms,
			    creds_proc_on_reap, p);
			if (p->reap_ms < CREDS_REAP_MAX_MS)
				p->reap_ms *= 2;
		}
		return;
	}
	/* What it wrote to stderr before it went, if another process does
	 * not hold the pipe open. */
	creds_proc_read_err(p);
	creds_proc_close(p, &p->err);
	creds_proc_unlink(p);
	creds_proc_answer(p);
	creds_proc_free(p);
}

static int
creds_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	if (creds_process_pidfd)
		return (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	(void)pid;
	return -1;
}

static int
creds_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Starts cmd with /bin/sh, its stdout (and stderr when quiet) into pipes
 * the loop reads. */
static int
creds_proc_spawn(struct creds_proc *p, const char *cmd, char **cause)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	char *argv[4];
	int out[2], err[2] = { -1, -1 }, rc;

	if (pipe2(out, O_CLOEXEC) != 0) {
		*cause = xasprintf("could not be started: pipe: %s",
		    strerror(errno));
		return -1;
	}
	if (p->quiet && pipe2(err, O_CLOEXEC) != 0) {
		*cause = xasprintf("could not be started: pipe: %s",
		    strerror(errno));
		close(out[0]);
		close(out[1]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	if (p->quiet) {
		/* The terminal is the console's: nothing to read there, what
		 * the command says goes into the error, and what it starts
		 * is in its own group, to be killed with it. */
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
		    O_RDONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	}
	posix_spawnattr_init(&attr);
	/* Our signal mask and an ignored SIGPIPE are not the command's. */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | (p->quiet ? POSIX_SPAWN_SETPGROUP : 0));
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)cmd;
	argv[3] = NULL;
	rc = posix_spawn(&p->pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(out[1]);
	if (err[1] >= 0)
		close(err[1]);
	if (rc != 0) {
		close(out[0]);
		if (err[0] >= 0)
			close(err[0]);
		*cause = xasprintf("could not be started: /bin/sh: %s",
		    strerror(rc));
		return -1;
	}
	p->out = out[0];
	p->err = err[0];
	/* Only our ends: the command's stdout stays blocking. */
	(void)creds_nonblock(p->out);
	if (p->err >= 0)
		(void)creds_nonblock(p->err);
	return 0;
}

void
creds_process(struct creds_ctx *ctx, const char *profile, const char *cmd,
    creds_res_fn fn, void *arg)
{
	struct creds_proc *p = xcalloc(1, sizeof *p);
	char *cause = NULL;
	void *parg;

	p->ctx = ctx;
	creds_ctx_ref(ctx);
	p->profile = xstrdup(profile);
	p->fn = fn;
	p->arg = arg;
	p->timeout_ms = ctx->process_ms > 0 ? ctx->process_ms :
	    CREDS_PROCESS_MS;
	p->quiet = creds_ctx_alive(ctx) && ctx->client != NULL &&
	    aws_client_prompt(ctx->client, &parg) != NULL;
	p->out = p->err = p->pidfd = -1;
	p->reap_ms = CREDS_REAP_MS;
	if (creds_proc_spawn(p, cmd, &cause) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process %s", profile,
		    cause);
		free(cause);
		creds_proc_free(p);
		return;
	}
	p->next = ctx->procs;
	ctx->procs = p;
	loop_watch_fd(ctx->loop, p->out, creds_proc_on_out, p);
	if (p->err >= 0)
		loop_watch_fd(ctx->loop, p->err, creds_proc_on_err, p);
	if ((p->pidfd = creds_pidfd_open(p->pid)) >= 0)
		loop_watch_fd(ctx->loop, p->pidfd, creds_proc_on_exit, p);
	p->limit = loop_timer_add(ctx->loop, (uint64_t)p->timeout_ms,
	    creds_proc_on_limit, p);
}

void
creds_process_cancel(struct creds_ctx *ctx)
{
	struct creds_proc *p;

	creds_ctx_ref(ctx);
	while ((p = ctx->procs) != NULL) {
		ctx->procs = p->next;
		creds_proc_stop(p, NULL);
		/* Killed: reaped now if it is gone already, else left to
		 * whoever waits last (a zombie until then), never waited
		 * for here. */
		(void)creds_proc_reaped(p);
		creds_fail(p->fn, p->arg, "cancelled");
		p->next = NULL;
		creds_proc_free(p);
	}
	creds_ctx_unref(ctx);
}

/* --- MFA --------------------------------------------------------------- */

/* For plain commands: nothing else is going on, so this blocks. */
static void
creds_tty_prompt(const char *question, bool secret, aws_prompt_done_fn done,
    void *done_arg, void *arg)
{
	char code[64], *prompt;
	size_t n = 0;
	ssize_t r;
	char ch;
	int fd;

	(void)secret;	/* echoed, as the AWS CLI does */
	(void)arg;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		done(NULL, done_arg);
		return;
	}
	prompt = xasprintf("%s: ", question);
	if (write(fd, prompt, strlen(prompt)) < 0) {
		free(prompt);
		close(fd);
		done(NULL, done_arg);
		return;
	}
	free(prompt);
	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		if (ch != '\r' && n + 1 < sizeof code)
			code[n++] = ch;
	}
	code[n] = '\0';
	close(fd);
	done(n > 0 ? code : NULL, done_arg);
	explicit_bzero(code, sizeof code);
}

void
creds_mfa_ask(struct creds_ctx *ctx, const char *serial,
    aws_prompt_done_fn done, void *arg)
{
	aws_prompt_fn fn = NULL;
	void *parg = NULL;
	char *question;

	if (creds_ctx_alive(ctx) && ctx->client != NULL)
		fn = aws_client_prompt(ctx->client, &parg);
	if (fn == NULL)
		fn = creds_tty_prompt;
	question = xasprintf("Enter MFA code for %s", serial);
	fn(question, true, done, arg, parg);
	free(question);
}
