/* s3watch replay: the rule pack over CloudTrail log files ({"Records":[...]},
 * gzipped or not), JSON lines or concatenated JSON (CloudTrail records or
 * EventBridge events), printing each hit as a JSON line.  The rules' settings
 * come from s3watch.conf and --set, as the monitor's do, except the names
 * the setup would resolve: those need the suffix set.
 *
 * Input is streamed: a CloudTrail file's Records array is walked one record
 * at a time, so memory stays flat however large the input. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "evjson.h"
#include "monitor.h"
#include "rules.h"
#include "session.h"
#include "text.h"

#define REPLAY_CHUNK	(1024 * 1024)
/* A value longer than this can't be an event: give up on it. */
#define REPLAY_MAX_VALUE (PATTERN_EVENT_MAX * 4)

/* One input stream and its read-ahead. */
struct replay_in {
	const char	*name;
#ifdef HAVE_ZLIB
	gzFile		 gz;
#endif
	int		 fd;
	char		*buf;
	size_t		 start;		/* first unread byte */
	size_t		 len;
	size_t		 cap;
	bool		 eof;
	bool		 records;	/* inside a CloudTrail Records array */
	unsigned long	 nrecord;
};

struct replay {
	struct rules	*rules;
	FILE		*out;
	unsigned long	 events;
	unsigned long	 malformed;
	unsigned long	 hits;
	struct buf	 line;
};

/* --- output --------------------------------------------------------------- */

/* A JSON string; control characters (C0, DEL, C1) and invisible ones
 * (text_invisible) are escaped and invalid UTF-8 becomes U+FFFD, so
 * nothing reaches the terminal raw or hidden. */
static void
replay_json_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	size_t n, i;

	buf_addc(b, '"');
	while (*p != '\0') {
		if (*p < 0x80) {
			switch (*p) {
			case '"': buf_adds(b, "\\\""); break;
			case '\\': buf_adds(b, "\\\\"); break;
			case '\n': buf_adds(b, "\\n"); break;
			case '\r': buf_adds(b, "\\r"); break;
			case '\t': buf_adds(b, "\\t"); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					buf_printf(b, "\\u%04x", *p);
				else
					buf_addc(b, (char)*p);
			}
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 2;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 3;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 4;
			cp = *p & 0x07;
		} else
			goto bad;
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		if ((cp >= 0x80 && cp <= 0x9f) || (text_invisible(cp) &&
		    cp <= 0xffff))
			buf_printf(b, "\\u%04x", cp);
		else if (text_invisible(cp))
			buf_printf(b, "\\u%04x\\u%04x", 0xd800 +
			    ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) &
			    0x3ff));
		else
			buf_add(b, p, n);
		p += n;
		continue;
bad:
		buf_adds(b, "\\ufffd");
		p++;
	}
	buf_addc(b, '"');
}

static void
replay_on_hit(const struct rules_hit *h, void *arg)
{
	struct replay *rp = arg;
	struct buf *b = &rp->line;
	const struct {
		const char	*name;
		const char	*value;
	} fields[] = {
		{ "rule", h->rule },
		{ "severity", rules_severity_name(h->severity) },
		{ "eventID", h->event_id },
		{ "time", h->time },
		{ "principal", h->principal },
		{ "sourceIP", h->source_ip },
		{ "action", h->action },
		{ "resource", h->resource },
	};
	size_t i;

	buf_reset(b);
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		buf_addc(b, i == 0 ? '{' : ',');
		buf_addc(b, '"');
		buf_adds(b, fields[i].name);
		buf_adds(b, "\":");
		replay_json_string(b, fields[i].value);
	}
	/* A check's finding. */
	if (*h->reason != '\0') {
		buf_adds(b, ",\"reason\":");
		replay_json_string(b, h->reason);
	}
	buf_adds(b, "}\n");
	fwrite(b->data, 1, b->len, rp->out);
	rp->hits++;
}

/* --- input ---------------------------------------------------------------- */

static int
replay_open(struct replay_in *in, const char *name)
{
	memset(in, 0, sizeof *in);
	in->name = name;
	in->fd = strcmp(name, "-") == 0 ? dup(STDIN_FILENO) :
	    open(name, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0)
		return -1;
#ifdef HAVE_ZLIB
	/* zlib reads plain files as they are, so every input goes through it. */
	if ((in->gz = gzdopen(in->fd, "rb")) == NULL) {
		close(in->fd);
		errno = ENOMEM;
		return -1;
	}
	gzbuffer(in->gz, 256 * 1024);
#endif
	return 0;
}

static void
replay_close(struct replay_in *in)
{
#ifdef HAVE_ZLIB
	gzclose(in->gz);
#else
	close(in->fd);
#endif
	free(in->buf);
}

/* Reads more input after what is buffered; -1 with *cause on an error. */
static int
replay_fill(struct replay_in *in, char **cause)
{
	ssize_t n;

	if (in->eof)
		return 0;
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->len - in->start);
		in->len -= in->start;
		in->start = 0;
	}
	if (in->cap - in->len < REPLAY_CHUNK) {
		in->cap = in->len + 2 * REPLAY_CHUNK;
		in->buf = xrealloc(in->buf, in->cap);
	}
#ifdef HAVE_ZLIB
	{
		int err;
		const char *msg;

		n = gzread(in->gz, in->buf + in->len, REPLAY_CHUNK);
		if (n < 0) {
			msg = gzerror(in->gz, &err);
			*cause = xstrdup(err == Z_ERRNO ? strerror(errno) : msg);
			return -1;
		}
	}
#else
	do
		n = read(in->fd, in->buf + in->len, REPLAY_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*cause = xstrdup(strerror(errno));
		return -1;
	}
	if (in->len == 0 && n >= 2 && (unsigned char)in->buf[0] == 0x1f &&
	    (unsigned char)in->buf[1] == 0x8b) {
		*cause = xstrdup("gzip input needs s3watch built with zlib");
		return -1;
	}
#endif
	if (n == 0)
		in->eof = true;
	in->len += (size_t)n;
	return 0;
}

/* Skips whitespace, reading more as needed; the next byte or -1 at the
 * end of input (or an error, in *cause). */
static int
replay_peek(struct replay_in *in, char **cause)
{
	const char *p;

	for (;;) {
		p = evjson_skip_ws(in->buf + in->start, in->buf + in->len);
		in->start = (size_t)(p - in->buf);
		if (in->start < in->len)
			return (unsigned char)*p;
		if (in->eof || replay_fill(in, cause) != 0)
			return -1;
	}
}

/* At '{': is this a CloudTrail file ({"Records":[ ... )?  Consumes the
 * opening if so. */
static bool
replay_records_start(struct replay_in *in, char **cause)
{
	static const char *const tokens[] = { "{", "\"Records\"", ":", "[" };
	const char *p, *end;
	size_t i;

	while (in->len - in->start < 64 && !in->eof)
		if (replay_fill(in, cause) != 0)
			return false;
	p = in->buf + in->start;
	end = in->buf + in->len;
	for (i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
		p = evjson_skip_ws(p, end);
		if ((size_t)(end - p) < strlen(tokens[i]) ||
		    memcmp(p, tokens[i], strlen(tokens[i])) != 0)
			return false;
		p += strlen(tokens[i]);
	}
	in->start = (size_t)(p - in->buf);
	in->records = true;
	return true;
}

/* Finds the end of the object or array at in->start by counting brackets
 * outside strings (memchr through strings): a cheap split, since
 * pattern_event_load() validates the value anyway.  Reads more as needed.
 * Returns the end offset, or 0 when the value never closes (cause NULL)
 * or reading failed (*cause). */
static size_t
replay_split(struct replay_in *in, char **cause)
{
	size_t i, depth = 0, k;
	const char *q;
	char c;

	i = in->start;
	for (;;) {
		while (i < in->len) {
			c = in->buf[i];
			if (c == '"') {
				/* To the closing quote: one preceded by an even
				 * number of backslashes. */
				for (k = i + 1;; k = (size_t)(q - in->buf) + 1) {
					q = memchr(in->buf + k, '"', in->len - k);
					if (q == NULL)
						goto more;
					for (k = (size_t)(q - in->buf); k > i &&
					    in->buf[k - 1] == '\\'; k--)
						;
					if (((size_t)(q - in->buf) - k) % 2 == 0)
						break;
				}
				i = (size_t)(q - in->buf) + 1;
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if ((c == '}' || c == ']') && --depth == 0)
				return i + 1;
			i++;
		}
more:
		if (in->eof || in->len - in->start > REPLAY_MAX_VALUE)
			return 0;
		/* The buffer may move: the scan restarts from the value. */
		if (replay_fill(in, cause) != 0)
			return 0;
		i = in->start;
		depth = 0;
	}
}

/* The end of the line at in->start (JSON lines: usually one event). */
static size_t
replay_line(struct replay_in *in, char **cause)
{
	const char *nl;

	for (;;) {
		nl = memchr(in->buf + in->start, '\n', in->len - in->start);
		if (nl != NULL)
			return (size_t)(nl - in->buf);
		if (in->eof)
			return in->len;
		if (in->len - in->start > REPLAY_MAX_VALUE ||
		    replay_fill(in, cause) != 0)
			return 0;
	}
}

/* A scalar top-level value (not an event, but it has to be skipped):
 * evjson_skip() on what is buffered. */
static size_t
replay_scalar(struct replay_in *in, char **cause)
{
	const char *q;

	while (!in->eof && in->len - in->start < 64)
		if (replay_fill(in, cause) != 0)
			return 0;
	q = evjson_skip(in->buf + in->start, in->buf + in->len, cause);
	return q != NULL ? (size_t)(q - in->buf) : 0;
}

/* Where a value may start after a malformed one: a line starting with
 * '{' or '[' (JSON lines; pretty-printed records indent their insides),
 * or the next record of a CloudTrail file. */
static const char *
replay_next_start(const struct replay_in *in)
{
	const char *p = in->buf + in->start, *end = in->buf + in->len;

	if (in->records)
		return memmem(p, (size_t)(end - p), "{\"eventVersion\"", 15);
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (++p < end && (*p == '{' || *p == '['))
			return p;
	}
	return NULL;
}

/* After a malformed value: on to the next place a value may start. */
static void
replay_resync(struct replay_in *in)
{
	const char *needle = in->records ? "{\"eventVersion\"" : "\n{";
	const char *p;
	char *cause = NULL;

	in->start++;
	for (;;) {
		if ((p = replay_next_start(in)) != NULL) {
			in->start = (size_t)(p - in->buf);
			return;
		}
		/* Keep a needle's length in case it straddles reads. */
		if (in->len - in->start > strlen(needle))
			in->start = in->len - strlen(needle);
		if (in->eof || replay_fill(in, &cause) != 0) {
			free(cause);
			in->start = in->len;
			in->eof = true;
			return;
		}
	}
}

static void
replay_malformed(struct replay *rp, struct replay_in *in, const char *why)
{
	rp->malformed++;
	(void)cmd_error("replay", 0, "%s: record %lu: %s", in->name,
	    in->nrecord, why);
}

/* Evaluates [start, end) of the buffer; -1 with *cause if malformed. */
static int
replay_eval(struct replay *rp, struct replay_in *in, size_t start,
    size_t end, char **cause)
{
	return rules_eval(rp->rules, in->buf + start, end - start, in->records ?
	    PATTERN_WRAP_CLOUDTRAIL : PATTERN_WRAP_AUTO, replay_on_hit, rp,
	    cause) < 0 ? -1 : 0;
}

/* Runs every value of one input; -1 if it could not be read. */
static int
replay_file(struct replay *rp, const char *name)
{
	struct replay_in in;
	char *cause = NULL, *why, *nl;
	size_t end;
	int c, rc = 0;

	if (replay_open(&in, name) != 0) {
		(void)cmd_error("replay", 0, "%s: %s", name, strerror(errno));
		return -1;
	}
	for (;;) {
		if ((c = replay_peek(&in, &cause)) < 0)
			break;
		if (in.records) {
			/* Between records: ',' or the end of the array. */
			if (c == ',') {
				in.start++;
				continue;
			}
			if (c == ']') {
				in.start++;
				if (replay_peek(&in, &cause) == '}')
					in.start++;
				in.records = false;
				continue;
			}
		} else if (c == '{' && replay_records_start(&in, &cause))
			continue;
		if (cause != NULL)
			break;
		in.nrecord++;
		rp->events++;
		/* JSON lines: try the line as it is before splitting it. */
		if (!in.records && c == '{') {
			end = replay_line(&in, &cause);
			if (cause != NULL)
				break;
			if (end > 0 && replay_eval(rp, &in, in.start, end,
			    &cause) == 0) {
				in.start = end;
				continue;
			}
			free(cause);
			cause = NULL;
		}
		end = c == '{' || c == '[' ? replay_split(&in, &cause) :
		    replay_scalar(&in, &cause);
		if (end == 0) {
			if (cause != NULL && c != '{' && c != '[') {
				why = cause;
				cause = NULL;
			} else if (cause != NULL)
				break;
			else
				why = xstrdup("unterminated JSON value");
			replay_malformed(rp, &in, why);
			free(why);
			replay_resync(&in);
			continue;
		}
		if (replay_eval(rp, &in, in.start, end, &cause) == 0) {
			in.start = end;
			continue;
		}
		replay_malformed(rp, &in, cause != NULL ? cause : "bad event");
		free(cause);
		cause = NULL;
		/* A broken line must not take the lines after it along. */
		nl = memchr(in.buf + in.start, '\n', end - in.start);
		if (!in.records && nl != NULL)
			replay_resync(&in);
		else
			in.start = end;
	}
	if (cause != NULL) {
		(void)cmd_error("replay", 0, "%s: %s", name, cause);
		free(cause);
		rc = -1;
	} else if (in.records)
		replay_malformed(rp, &in, "the Records array is not closed");
	replay_close(&in);
	return rc;
}

/* --- the rules directory -------------------------------------------------- */

static void
replay_on_error(const char *msg, void *arg)
{
	int *n = arg;

	(*n)++;
	(void)cmd_error("replay", 0, "%s", msg);
}

static void
replay_stats(const struct replay *rp, double secs)
{
	size_t i;

	fprintf(stderr, "s3watch replay: %lu events, %lu malformed, %lu hits in "
	    "%.3f s: %.0f events/s; %zu rules, %zu state keys\n", rp->events,
	    rp->malformed, rp->hits, secs, secs > 0 ? rp->events / secs : 0.0,
	    rules_count(rp->rules), rules_state_keys(rp->rules));
	fprintf(stderr, "%10s  %-10s  %s\n", "hits", "kind", "rule");
	for (i = 0; i < rules_count(rp->rules); i++)
		fprintf(stderr, "%10llu  %-10s  %s\n",
		    (unsigned long long)rules_hits(rp->rules, i),
		    rules_kind_name(rules_kind_of(rp->rules, i)),
		    rules_id(rp->rules, i));
}

struct cmd_replay_opts {
	const char	*rules;
	bool		 stats;
	const char	*state;
	char	       **cidrs;
	size_t		 ncidrs;
	struct cmd_conf_opts conf;
};

static int
cmd_replay(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_replay_opts *o = opts;
	struct replay rp;
	struct timespec t0, t1;
	struct conf *conf;
	const char *suffix, *region;
	char *dir, *cause = NULL;
	int i, nerr = 0, rc = EXIT_OK;

	(void)g;
	memset(&rp, 0, sizeof rp);
	if ((conf = session_conf("replay", o->conf.config, o->conf.sets,
	    o->conf.nsets, &rc)) == NULL)
		return rc;
	rp.rules = rules_new();
	rp.out = stdout;
	if (o->ncidrs > 0 && rules_set_allowed_cidrs(rp.rules, o->cidrs,
	    o->ncidrs, &cause) != 0) {
		rc = cmd_error("replay", EXIT_USAGE, "--allowed-cidr: %s", cause);
		goto out;
	}
	suffix = conf_str(conf, CONF_SUFFIX);
	region = conf_str(conf, CONF_REGION);
	if (monitor_rules_conf(rp.rules, conf, *suffix != '\0' ? suffix : NULL,
	    NULL, *region != '\0' ? region : NULL, &cause) != 0) {
		rc = cmd_error("replay", EXIT_CONFIG, "%s", cause);
		goto out;
	}
	dir = o->rules != NULL ? xstrdup(o->rules) :
	    *conf_str(conf, CONF_RULES_DIR) != '\0' ?
	    xstrdup(conf_str(conf, CONF_RULES_DIR)) : rules_default_dir();
	if (rules_load_dir(rp.rules, dir, replay_on_error, &nerr, &cause) < 0) {
		rc = cmd_error("replay", EXIT_CONFIG, "rules: %s", cause);
		free(dir);
		goto out;
	}
	if (rules_count(rp.rules) == 0) {
		rc = cmd_error("replay", EXIT_CONFIG, "no rules loaded from %s",
		    dir);
		free(dir);
		goto out;
	}
	free(dir);
	if (o->state != NULL && rules_state_load(rp.rules, o->state,
	    &cause) != 0) {
		(void)cmd_error("replay", 0, "%s", cause);
		free(cause);
		cause = NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < argc; i++)
		if (replay_file(&rp, argv[i]) != 0)
			rc = EXIT_FAIL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (fflush(rp.out) != 0) {
		rc = cmd_error("replay", EXIT_FAIL, "writing the hits: %s",
		    strerror(errno));
	}
	if (o->state != NULL && rules_state_save(rp.rules, o->state,
	    &cause) != 0)
		rc = cmd_error("replay", EXIT_FAIL, "saving state: %s", cause);
	if (o->stats)
		replay_stats(&rp, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (rp.malformed > 0 && !o->stats)
		fprintf(stderr, "s3watch replay: %lu malformed record%s skipped\n",
		    rp.malformed, rp.malformed == 1 ? "" : "s");
out:
	free(cause);
	buf_free(&rp.line);
	rules_free(rp.rules);
	conf_free(conf);
	return rc;
}

static const struct cmd_option cmd_replay_options[] = {
	{ .name = "rules", .arg = "DIR", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_replay_opts, rules),
	  .help = "the rule pack (default: `S3WATCH_RULES_DIR`, else the "
	  "shipped pack)" },
	{ .name = "stats", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_replay_opts, stats), .flags = CMD_O_BRIEF,
	  .help = "hits per rule and events per second, on standard error" },
	{ .name = "state", .arg = "FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_replay_opts, state),
	  .help = "keep the stateful rules' memory in <FILE> from one run to "
	  "the next" },
	{ .name = "allowed-cidr", .arg = "CIDR", .type = CMD_O_LIST,
	  .off = offsetof(struct cmd_replay_opts, cidrs),
	  .off_n = offsetof(struct cmd_replay_opts, ncidrs),
	  .help = "replaces the pack's `allowed_cidrs`" },
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct cmd_replay_opts, conf) },
	{ .name = NULL }
};

const struct cmd_entry cmd_replay_entry = {
	.name = "replay",
	.args = "<FILE>...",
	.min_args = 1,
	.max_args = -1,
	.help = "the rule pack over CloudTrail files (also `.gz`) or JSON "
	    "lines; hits as JSON lines",
	.doc = "Reads CloudTrail log files (`{\"Records\":[...]}`, gzipped "
	    "or not), or JSON lines of records or EventBridge events (`-` is "
	    "standard input), and prints one JSON line per rule hit (a "
	    "check's hit with its `reason`).  Input is streamed, so memory "
	    "stays flat however large it is; a malformed record is reported "
	    "and skipped.  The rules read `trusted_accounts`, "
	    "`log_expiry_min_days`, `rules_dir` and the names of the buckets, "
	    "the log group and the rules from the configuration: `--set "
	    "trail_bucket=NAME`, or `--set suffix=SUFFIX` for the setup's "
	    "names.",
	.options = cmd_replay_options,
	.opts_size = sizeof(struct cmd_replay_opts),
	.run = cmd_replay,
};
