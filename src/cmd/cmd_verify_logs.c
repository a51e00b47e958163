/* s3watch verify-logs: CloudTrail log file integrity validation, as
 * `aws cloudtrail validate-logs` does it, online or on a local copy.
 *
 * Online, the trail's bucket and prefix come from DescribeTrails, the
 * digests and logs from S3 (the signature from the x-amz-meta-signature
 * response header) and the public keys from ListPublicKeys.
 *
 * Offline (--local DIR), DIR is a copy of the bucket: either its root
 * (what `aws s3 sync s3://BUCKET DIR` makes: DIR/[PREFIX/]AWSLogs/...)
 * or a directory holding BUCKET/[PREFIX/]AWSLogs/...  A download loses
 * the S3 metadata, so each digest's signature is kept beside it in
 * NAME.sig: the hex signature, or the JSON that `aws s3api head-object`
 * prints (its Metadata.signature).  The public keys are given with
 * --public-key: PEM, DER, base64 DER, or `aws cloudtrail
 * list-public-keys` output. */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "calls.h"
#include "cmd.h"
#include "cmd_internal.h"
#include "digest.h"
#include "isotime.h"
#include "svc.h"
#include "text.h"

#define VERIFY_CMD		"verify-logs"
#define VERIFY_DEFAULT_DAYS	7
/* A digest covers the hour before its name's time. */
#define VERIFY_SLACK		3600

struct verify_cli {
	const char	 *local;
	char		**keyfiles;
	size_t		  nkeyfiles;
	const char	 *trail;
	const char	 *start_arg;
	const char	 *end_arg;
	time_t		  start;
	time_t		  end;
	bool		  json;
};

/* One digest chain: a trail's digests from one region. */
struct verify_chain {
	char		*id;
	char		**keys;
	char		**buckets;
	size_t		 n;
};

struct verify_chains {
	struct verify_chain	*v;
	size_t			 n;
};

struct verify_ctx {
	const struct verify_cli	*cli;
	struct aws_client	*client;	/* online */
	const char		*dir;		/* offline */
	struct digest_counts	 total;
	unsigned long		 gaps;
};

/* --- arguments -------------------------------------------------------------- */

/* "7d", "24h", "90m" back from now, or 2024-05-01[THH:MM:SS[Z]]: 0, or
 * -1 when s is neither, -2 when it is before 1970. */
static int
verify_time(const char *s, time_t now, time_t *out)
{
	char *end;
	long long n;
	int64_t t;
	time_t unit;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (end[0] != '\0' && end[1] == '\0' &&
		    strchr("smhd", *end) != NULL) {
			unit = *end == 's' ? 1 : *end == 'm' ? 60 :
			    *end == 'h' ? 3600 : 86400;
			/* Before 1970 the days to list would be billions, and
			 * n * unit must not overflow on the way. */
			if (errno == ERANGE || n > now / unit)
				return -2;
			*out = now - (time_t)n * unit;
			return 0;
		}
	}
	if (isotime_parse(s, ISOTIME_DATE | ISOTIME_NOZONE, &t) != 0)
		return -1;
	*out = (time_t)t;
	return *out < 0 ? -2 : 0;
}

/* The error for what verify_time() said of --NAME S. */
static int
verify_time_error(const char *name, const char *s, int rc)
{
	if (rc == -2)
		return cmd_error(VERIFY_CMD, EXIT_USAGE, "--%s '%s' is out of "
		    "range: 1970 or later", name, s);
	return cmd_error(VERIFY_CMD, EXIT_USAGE, "--%s '%s': give 7d, 24h or "
	    "a time such as 2026-11-24T10:00:00Z", name, s);
}

/* The options' checks, and the times they give. */
static int
verify_check(struct verify_cli *cli)
{
	time_t now = time(NULL);
	int rc;

	if (cli->local != NULL && cli->nkeyfiles == 0)
		return cmd_error(VERIFY_CMD, EXIT_USAGE, "--local needs "
		    "--public-key FILE (from `aws cloudtrail list-public-keys`)");
	if (cli->local != NULL && cli->trail != NULL)
		return cmd_error(VERIFY_CMD, EXIT_USAGE, "--trail and --local "
		    "do not go together");
	cli->end = now;
	cli->start = 0;
	if (cli->end_arg != NULL &&
	    (rc = verify_time(cli->end_arg, now, &cli->end)) != 0)
		return verify_time_error("end", cli->end_arg, rc);
	if (cli->start_arg != NULL) {
		if ((rc = verify_time(cli->start_arg, now, &cli->start)) != 0)
			return verify_time_error("start", cli->start_arg, rc);
	} else if (cli->local == NULL)
		cli->start = cli->end - VERIFY_DEFAULT_DAYS * 86400;
	if (cli->start > cli->end)
		return cmd_error(VERIFY_CMD, EXIT_USAGE, "--start is after "
		    "--end");
	return EXIT_OK;
}

/* --- output ----------------------------------------------------------------- */

static void
verify_iso(time_t t, char out[32])
{
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL)
		strcpy(out, "-");
	else
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *
verify_where(const struct verify_ctx *v, const char *bucket, const char *key)
{
	/* Offline, names are relative to DIR (with or without BUCKET/). */
	if (bucket != NULL && v->dir == NULL)
		return xasprintf("s3://%s/%s", bucket, key);
	return xstrdup(key);
}

static void
verify_report(const struct digest_report *r, void *arg)
{
	struct verify_ctx *v = arg;
	static const char *const kinds[] = { "digest", "log", "gap" };
	char from[32], to[32], *where, *safe, *reason;
	struct json_object *o;

	verify_iso(r->start, from);
	verify_iso(r->end, to);
	if (r->kind == DIGEST_REPORT_GAP) {
		v->gaps++;
		if (v->cli->json) {
			o = json_object_new_object();
			json_object_object_add(o, "type",
			    json_object_new_string("gap"));
			json_object_object_add(o, "from",
			    json_object_new_string(from));
			json_object_object_add(o, "to", json_object_new_string(to));
			printf("%s\n", json_object_to_json_string_ext(o,
			    JSON_C_TO_STRING_PLAIN));
			json_object_put(o);
		} else
			printf("gap     -              no digests from %s to %s "
			    "(logging or validation was off)\n", from, to);
		return;
	}
	where = verify_where(v, r->bucket, r->key);
	safe = text_safe_str(where);
	reason = text_safe_str(r->reason);
	if (v->cli->json) {
		o = json_object_new_object();
		json_object_object_add(o, "type",
		    json_object_new_string(kinds[r->kind]));
		json_object_object_add(o, "verdict",
		    json_object_new_string(digest_verdict_name(r->verdict)));
		json_object_object_add(o, "valid",
		    json_object_new_boolean(r->verdict == DIGEST_VALID));
		json_object_object_add(o, "file", json_object_new_string(safe));
		if (r->reason != NULL)
			json_object_object_add(o, "reason",
			    json_object_new_string(reason));
		if (r->start > 0)
			json_object_object_add(o, "start",
			    json_object_new_string(from));
		if (r->end > 0)
			json_object_object_add(o, "end", json_object_new_string(to));
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else
		printf("%-7s %-14s %s%s%s\n", kinds[r->kind],
		    digest_verdict_name(r->verdict), safe,
		    r->reason != NULL ? ": " : "", reason);
	free(where);
	free(safe);
	free(reason);
}

static void
verify_summary(const struct verify_ctx *v, size_t nchains)
{
	const struct digest_counts *c = &v->total;
	struct json_object *o;

	if (v->cli->json) {
		o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string("summary"));
		json_object_object_add(o, "chains", json_object_new_int64(
		    (int64_t)nchains));
		json_object_object_add(o, "digests_valid", json_object_new_int64(
		    (int64_t)c->digests_valid));
		json_object_object_add(o, "digests_invalid",
		    json_object_new_int64((int64_t)c->digests_invalid));
		json_object_object_add(o, "logs_valid", json_object_new_int64(
		    (int64_t)c->logs_valid));
		json_object_object_add(o, "logs_invalid", json_object_new_int64(
		    (int64_t)c->logs_invalid));
		json_object_object_add(o, "gaps", json_object_new_int64(
		    (int64_t)v->gaps));
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return;
	}
	printf("%zu digest files valid, %zu invalid; %zu log files valid, %zu "
	    "invalid\n", c->digests_valid, c->digests_invalid, c->logs_valid,
	    c->logs_invalid);
}

/* --- chains ----------------------------------------------------------------- */

/* A digest name's chain: everything but the time, so that trails and
 * regions sharing a bucket are walked apart. */
static char *
verify_chain_id(const char *key)
{
	size_t n = strlen(key);
	const char *dir = strstr(key, "CloudTrail-Digest/");
	const char *name = strrchr(key, '/');

	name = name != NULL ? name + 1 : key;
	if (dir == NULL || n < 24 || name >= key + n - 24)
		return xstrdup(key);
	return xasprintf("%.*s|%.*s", (int)(dir - key), key,
	    (int)(key + n - 24 - name), name);
}

static void
verify_chains_add(struct verify_chains *cs, const char *bucket,
    const char *key)
{
	struct verify_chain *c = NULL;
	char *id = verify_chain_id(key);
	size_t i;

	for (i = 0; i < cs->n; i++) {
		if (strcmp(cs->v[i].id, id) == 0) {
			c = &cs->v[i];
			free(id);
			break;
		}
	}
	if (c == NULL) {
		c = xpush(&cs->v, &cs->n, sizeof *cs->v);
		c->id = id;
	}
	c->keys = xreallocarray(c->keys, c->n + 1, sizeof *c->keys);
	c->buckets = xreallocarray(c->buckets, c->n + 1, sizeof *c->buckets);
	c->keys[c->n] = xstrdup(key);
	c->buckets[c->n] = bucket != NULL ? xstrdup(bucket) : NULL;
	c->n++;
}

static void
verify_chains_free(struct verify_chains *cs)
{
	size_t i, j;

	for (i = 0; i < cs->n; i++) {
		for (j = 0; j < cs->v[i].n; j++) {
			free(cs->v[i].keys[j]);
			free(cs->v[i].buckets[j]);
		}
		free(cs->v[i].keys);
		free(cs->v[i].buckets);
		free(cs->v[i].id);
	}
	free(cs->v);
	memset(cs, 0, sizeof *cs);
}

/* A digest's name time within --start and --end (plus the hour a digest
 * covers, as aws-cli allows). */
static bool
verify_in_range(const struct verify_cli *cli, const char *key)
{
	time_t t = digest_key_time(key);

	if (t == -1)
		return false;
	return (cli->start == 0 || t >= cli->start) &&
	    t <= cli->end + VERIFY_SLACK;
}

static void
verify_walk(struct verify_ctx *v, const struct verify_chains *cs,
    const struct digest_keys *ks, digest_fetch_fn fetch)
{
	struct digest_walk w;
	struct digest_counts c;
	struct digest_ref *refs;
	size_t i, j;

	memset(&w, 0, sizeof w);
	w.keys = ks;
	w.fetch = fetch;
	w.fetch_arg = v;
	w.report = verify_report;
	w.report_arg = v;
	w.start = v->cli->start;
	for (i = 0; i < cs->n; i++) {
		refs = xcalloc(cs->v[i].n, sizeof *refs);
		for (j = 0; j < cs->v[i].n; j++) {
			refs[j].bucket = cs->v[i].buckets[j];
			refs[j].key = cs->v[i].keys[j];
		}
		digest_walk(&w, refs, cs->v[i].n, &c);
		v->total.digests_valid += c.digests_valid;
		v->total.digests_invalid += c.digests_invalid;
		v->total.logs_valid += c.logs_valid;
		v->total.logs_invalid += c.logs_invalid;
		v->total.errors += c.errors;
		free(refs);
	}
}

/* --- offline ---------------------------------------------------------------- */

/* Keys come from digest files: nothing may climb out of DIR. */
static bool
verify_safe_key(const char *key)
{
	const char *p;

	if (*key == '/' || *key == '\0')
		return false;
	for (p = key; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
	}
	return true;
}

/* The hex signature from NAME.sig: bare hex, or head-object's JSON. */
static void
verify_sidecar(const char *path, struct digest_object *out)
{
	struct json_object *o, *m, *s;
	struct buf b = { 0 };
	char *sig = xasprintf("%s.sig", path), *p, *e;

	if (buf_read_file(&b, sig, 65536) != 0 || b.len == 0)
		goto out;
	for (p = b.data; isspace((unsigned char)*p); p++)
		;
	if (*p == '{') {
		if ((o = json_tokener_parse(p)) == NULL)
			goto out;
		m = o;
		if (json_object_object_get_ex(o, "Metadata", &s) && s != NULL)
			m = s;
		if (json_object_object_get_ex(m, "signature", &s) && s != NULL)
			out->signature = xstrdup(json_object_get_string(s));
		if (json_object_object_get_ex(m, "signature-algorithm", &s) &&
		    s != NULL)
			out->algorithm = xstrdup(json_object_get_string(s));
		json_object_put(o);
		goto out;
	}
	for (e = p; *e != '\0' && !isspace((unsigned char)*e); e++)
		;
	out->signature = xstrndup(p, (size_t)(e - p));
out:
	buf_free(&b);
	free(sig);
}

static enum digest_fetch_result
verify_fetch_local(const char *bucket, const char *key, bool want_signature,
    struct digest_object *out, char **cause, void *arg)
{
	struct verify_ctx *v = arg;
	struct buf b = { 0 };
	char *path;
	int i, rc;

	if (!verify_safe_key(key) || (bucket != NULL &&
	    (!verify_safe_key(bucket) || strchr(bucket, '/') != NULL))) {
		*cause = xstrdup("unsafe object name");
		return DIGEST_FETCH_ERROR;
	}
	/* DIR/KEY (the bucket's root), then DIR/BUCKET/KEY. */
	for (i = 0; i < (bucket != NULL ? 2 : 1); i++) {
		path = i == 0 ? xasprintf("%s/%s", v->dir, key) :
		    xasprintf("%s/%s/%s", v->dir, bucket, key);
		rc = buf_read_file(&b, path, DIGEST_MAX_INFLATED);
		if (rc == 0) {
			out->len = b.len;
			out->data = b.data != NULL ? buf_take(&b) : xstrdup("");
			if (want_signature)
				verify_sidecar(path, out);
			free(path);
			return DIGEST_FETCH_OK;
		}
		buf_free(&b);
		if (errno != ENOENT && errno != ENOTDIR) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			free(path);
			return DIGEST_FETCH_ERROR;
		}
		free(path);
	}
	return DIGEST_FETCH_NOT_FOUND;
}

static bool
verify_is_digest_name(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && strcmp(name + n - 8, ".json.gz") == 0 &&
	    strstr(name, "_CloudTrail-Digest_") != NULL;
}

/* Every digest under DIR, as paths relative to it. */
static void
verify_scan(const struct verify_cli *cli, const char *dir, const char *rel,
    struct verify_chains *cs, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *path, *sub;

	if (depth > 32 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		sub = *rel != '\0' ? xasprintf("%s/%s", rel, de->d_name) :
		    xstrdup(de->d_name);
		if (stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				verify_scan(cli, path, sub, cs, depth + 1);
			else if (S_ISREG(st.st_mode) &&
			    verify_is_digest_name(de->d_name) &&
			    strstr(sub, "CloudTrail-Digest/") != NULL &&
			    verify_in_range(cli, sub))
				verify_chains_add(cs, NULL, sub);
		}
		free(path);
		free(sub);
	}
	closedir(d);
}

static int
verify_local(struct verify_ctx *v, struct digest_keys *ks)
{
	struct verify_chains cs = { 0 };
	struct stat st;

	if (stat(v->cli->local, &st) != 0 || !S_ISDIR(st.st_mode))
		return cmd_error(VERIFY_CMD, EXIT_USAGE, "--local %s: not a "
		    "directory", v->cli->local);
	v->dir = v->cli->local;
	verify_scan(v->cli, v->dir, "", &cs, 0);
	if (cs.n == 0) {
		cmd_error(VERIFY_CMD, EXIT_FAIL, "no digest files (*_CloudTrail-"
		    "Digest_*.json.gz under CloudTrail-Digest/) in %s%s",
		    v->dir, v->cli->start_arg != NULL || v->cli->end_arg != NULL ?
		    " in that time range" : "");
		return EXIT_FAIL;
	}
	verify_walk(v, &cs, ks, verify_fetch_local);
	verify_summary(v, cs.n);
	verify_chains_free(&cs);
	return EXIT_OK;
}

/* --- online ------------------------------------------------------------------- */

static enum digest_fetch_result
verify_fetch_s3(const char *bucket, const char *key, bool want_signature,
    struct digest_object *out, char **cause, void *arg)
{
	struct verify_ctx *v = arg;
	struct aws_request *r;
	struct aws_response *resp;
	const char *h;
	enum digest_fetch_result fr = DIGEST_FETCH_OK;

	if (bucket == NULL) {
		*cause = xstrdup("no bucket");
		return DIGEST_FETCH_ERROR;
	}
	if ((r = s3_get_object(bucket, key, cause)) == NULL)
		return DIGEST_FETCH_ERROR;
	resp = aws_call(v->client, r);
	if (resp->kind == AWS_OK) {
		out->len = resp->body.len;
		out->data = xmalloc(out->len + 1);
		if (out->len > 0)
			memcpy(out->data, resp->body.data, out->len);
		out->data[out->len] = '\0';
		if (want_signature) {
			if ((h = kv_get(&resp->headers,
			    "x-amz-meta-signature")) != NULL)
				out->signature = xstrdup(h);
			if ((h = kv_get(&resp->headers,
			    "x-amz-meta-signature-algorithm")) != NULL)
				out->algorithm = xstrdup(h);
		}
	} else if (resp->status == 404 || (resp->code != NULL &&
	    strcmp(resp->code, "NoSuchKey") == 0))
		fr = DIGEST_FETCH_NOT_FOUND;
	else {
		*cause = xstrdup(aws_error_text(resp));
		fr = DIGEST_FETCH_ERROR;
	}
	aws_response_free(resp);
	return fr;
}

/* Its calls, for `s3watch policy --for audit`: the trail's digests and
 * logs in the configured trail bucket. */
const struct calls_entry cmd_verify_logs_calls[] = {
	{ SVC_CLOUDTRAIL, "DescribeTrails", 0, "*",
	  "verify-logs: find the trail (a list call)" },
	{ SVC_CLOUDTRAIL, "ListPublicKeys", 0, "*",
	  "verify-logs: the digest signing keys (takes no resource)" },
	{ SVC_S3, "ListObjectsV2", 0, CALLS_ARN_BUCKET("trail_bucket"),
	  "verify-logs: list digests and logs" },
	{ SVC_S3, "GetObject", 0, CALLS_ARN_OBJECTS("trail_bucket"),
	  "verify-logs: read them" },
	{ .op = NULL }
};

static int
verify_trail(struct verify_ctx *v, struct cloudtrail_trail *out)
{
	struct cloudtrail_trails ts = { 0 };
	struct aws_response *resp;
	char *names[1], *cause = NULL;
	size_t i, pick = 0, nvalid = 0;
	int rc = EXIT_OK;

	names[0] = (char *)(uintptr_t)v->cli->trail;
	resp = aws_call(v->client, cloudtrail_describe_trails(names,
	    v->cli->trail != NULL ? 1 : 0));
	if (cloudtrail_describe_trails_parse(resp, &ts, &cause) != 0) {
		rc = cmd_error(VERIFY_CMD, EXIT_FAIL, "%s", cause);
		goto out;
	}
	for (i = 0; i < ts.n; i++) {
		if (v->cli->trail != NULL && ts.v[i].name != NULL &&
		    (strcmp(ts.v[i].name, v->cli->trail) == 0 ||
		    (ts.v[i].arn != NULL &&
		    strcmp(ts.v[i].arn, v->cli->trail) == 0))) {
			pick = i;
			nvalid = 1;
			break;
		}
		if (v->cli->trail == NULL && ts.v[i].log_file_validation) {
			pick = i;
			nvalid++;
		}
	}
	if (nvalid != 1) {
		if (v->cli->trail != NULL)
			rc = cmd_error(VERIFY_CMD, EXIT_USAGE, "no trail named "
			    "'%s'", v->cli->trail);
		else if (nvalid == 0)
			rc = cmd_error(VERIFY_CMD, EXIT_USAGE, "no trail has log "
			    "file validation on");
		else
			rc = cmd_error(VERIFY_CMD, EXIT_USAGE, "several trails "
			    "validate their logs: name one with --trail");
		goto out;
	}
	if (ts.v[pick].s3_bucket == NULL || ts.v[pick].arn == NULL) {
		rc = cmd_error(VERIFY_CMD, EXIT_FAIL, "trail %s has no S3 "
		    "bucket", ts.v[pick].name);
		goto out;
	}
	if (!ts.v[pick].log_file_validation)
		fprintf(stderr, "s3watch %s: warning: trail %s has log file "
		    "validation off; digests exist only for when it was on\n",
		    VERIFY_CMD, ts.v[pick].name);
	*out = ts.v[pick];
	memset(&ts.v[pick], 0, sizeof ts.v[pick]);
out:
	free(cause);
	aws_response_free(resp);
	cloudtrail_trails_free(&ts);
	return rc;
}

static int
verify_public_keys(struct verify_ctx *v, struct digest_keys *ks)
{
	struct cloudtrail_public_keys pk;
	struct aws_response *resp;
	char *token = NULL, *cause = NULL;
	size_t i, pages = 0;

	do {
		resp = aws_call(v->client, cloudtrail_list_public_keys(
		    v->cli->start, v->cli->end, token));
		free(token);
		token = NULL;
		if (cloudtrail_list_public_keys_parse(resp, &pk, &cause) != 0) {
			aws_response_free(resp);
			/* Keys given with --public-key may do without. */
			if (digest_keys_count(ks) > 0) {
				fprintf(stderr, "s3watch %s: warning: %s; using "
				    "the --public-key keys only\n", VERIFY_CMD,
				    cause);
				free(cause);
				return 0;
			}
			cmd_error(VERIFY_CMD, EXIT_FAIL, "%s", cause);
			free(cause);
			return -1;
		}
		aws_response_free(resp);
		for (i = 0; i < pk.n; i++) {
			if (digest_keys_add_base64(ks, pk.v[i].value,
			    &cause) != 0) {
				fprintf(stderr, "s3watch %s: skipping public key "
				    "%s: %s\n", VERIFY_CMD, pk.v[i].fingerprint !=
				    NULL ? pk.v[i].fingerprint : "?", cause);
				free(cause);
				cause = NULL;
			}
		}
		if (pk.next_token != NULL)
			token = xstrdup(pk.next_token);
		cloudtrail_public_keys_free(&pk);
	} while (token != NULL && ++pages < 100);
	free(token);
	return 0;
}

/* Lists the digests of one trail in one region, day by day. */
static int
verify_list(struct verify_ctx *v, const struct cloudtrail_trail *t,
    const char *account, const char *region, struct verify_chains *cs)
{
	struct s3_objects l;
	struct aws_response *resp;
	struct aws_request *r;
	char *prefix, *token = NULL, *cause = NULL, *needle, ymd[16];
	const char *home = t->home_region != NULL ? t->home_region : region;
	time_t day;
	struct tm tm;
	size_t i;
	int rc = 0;

	needle = xasprintf("_CloudTrail-Digest_%s_%s_%s_", region, t->name, home);
	for (day = v->cli->start - v->cli->start % 86400;
	    day <= v->cli->end + VERIFY_SLACK && rc == 0; day += 86400) {
		gmtime_r(&day, &tm);
		strftime(ymd, sizeof ymd, "%Y/%m/%d", &tm);
		prefix = xasprintf("%s%sAWSLogs/%s/CloudTrail-Digest/%s/%s/",
		    t->s3_prefix != NULL ? t->s3_prefix : "",
		    t->s3_prefix != NULL && *t->s3_prefix != '\0' ? "/" : "",
		    account, region, ymd);
		do {
			if ((r = s3_list_objects_v2(t->s3_bucket, prefix, token,
			    0, &cause)) == NULL) {
				rc = -1;
				break;
			}
			free(token);
			token = NULL;
			resp = aws_call(v->client, r);
			rc = s3_list_objects_v2_parse(resp, &l, &cause);
			aws_response_free(resp);
			if (rc != 0)
				break;
			for (i = 0; i < l.n; i++) {
				if (strstr(l.v[i].key, needle) != NULL &&
				    verify_in_range(v->cli, l.v[i].key))
					verify_chains_add(cs, t->s3_bucket,
					    l.v[i].key);
			}
			if (l.truncated && l.next_token != NULL)
				token = xstrdup(l.next_token);
			s3_objects_free(&l);
		} while (token != NULL);
		free(prefix);
	}
	if (rc != 0) {
		cmd_error(VERIFY_CMD, EXIT_FAIL, "%s", cause);
		free(cause);
	}
	free(token);
	free(needle);
	return rc;
}

static int
verify_online(struct verify_ctx *v, struct digest_keys *ks,
    const struct cmd_globals *g)
{
	struct cloudtrail_trail t = { 0 };
	struct verify_chains cs = { 0 };
	char *account = NULL, *p, *q;
	const char *region;
	int rc, i;

	if ((v->client = cmd_client(VERIFY_CMD, g)) == NULL)
		return EXIT_CONFIG;
	region = aws_client_region(v->client);
	if ((rc = verify_trail(v, &t)) != EXIT_OK)
		goto out;
	/* arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/NAME */
	p = t.arn;
	for (i = 0; i < 4 && p != NULL; i++)
		p = (p = strchr(p, ':')) != NULL ? p + 1 : NULL;
	if (p == NULL || (q = strchr(p, ':')) == NULL) {
		rc = cmd_error(VERIFY_CMD, EXIT_FAIL, "cannot read the account "
		    "from the trail ARN %s", t.arn);
		goto out;
	}
	account = xstrndup(p, (size_t)(q - p));
	if (verify_public_keys(v, ks) != 0) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (digest_keys_count(ks) == 0) {
		rc = cmd_error(VERIFY_CMD, EXIT_FAIL, "no public keys for that "
		    "time range (ListPublicKeys)");
		goto out;
	}
	if (verify_list(v, &t, account, region, &cs) != 0) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (!v->cli->json)
		printf("Validating trail %s: s3://%s/%s digests for %s\n",
		    t.name, t.s3_bucket, t.s3_prefix != NULL ? t.s3_prefix : "",
		    region);
	if (cs.n == 0) {
		rc = cmd_error(VERIFY_CMD, EXIT_FAIL, "no digest files for "
		    "trail %s in %s in that time range", t.name, region);
		goto out;
	}
	verify_walk(v, &cs, ks, verify_fetch_s3);
	verify_summary(v, cs.n);
	rc = EXIT_OK;
out:
	verify_chains_free(&cs);
	cloudtrail_trail_free(&t);
	free(account);
	cmd_client_free(v->client);
	v->client = NULL;
	return rc;
}

static int
cmd_verify_logs(void *opts, int argc, char **argv,
    const struct cmd_globals *g)
{
	struct verify_cli *cli = opts;
	struct verify_ctx v;
	struct digest_keys *ks;
	char *cause = NULL;
	size_t i;
	int rc;

	(void)argc;
	(void)argv;
	if ((rc = verify_check(cli)) != EXIT_OK)
		return rc;
	memset(&v, 0, sizeof v);
	v.cli = cli;
	ks = digest_keys_new();
	for (i = 0; i < cli->nkeyfiles; i++) {
		if (digest_keys_load_file(ks, cli->keyfiles[i], &cause) != 0) {
			rc = cmd_error(VERIFY_CMD, EXIT_USAGE, "%s", cause);
			free(cause);
			goto out;
		}
	}
	fflush(stdout);
	rc = cli->local != NULL ? verify_local(&v, ks) :
	    verify_online(&v, ks, g);
	if (rc == EXIT_OK && (v.total.digests_invalid > 0 ||
	    v.total.logs_invalid > 0))
		rc = EXIT_FAIL;
out:
	digest_keys_free(ks);
	return rc;
}

static const struct cmd_option cmd_verify_logs_options[] = {
	{ .name = "trail", .arg = "NAME", .type = CMD_O_STRING,
	  .off = offsetof(struct verify_cli, trail), .flags = CMD_O_BRIEF,
	  .help = "the trail to check, by name or ARN (default: the one trail "
	  "with log file validation on)" },
	{ .name = "start", .arg = "T", .type = CMD_O_STRING,
	  .off = offsetof(struct verify_cli, start_arg),
	  .help = "check from <T>: `7d`, `24h`, `90m` back from now, or a "
	  "time such as 2026-11-24T10:00:00Z (default: 7 days ago online, "
	  "everything offline)" },
	{ .name = "end", .arg = "T", .type = CMD_O_STRING,
	  .off = offsetof(struct verify_cli, end_arg),
	  .help = "check up to <T> (default: now)" },
	{ .name = "json", .type = CMD_O_FLAG,
	  .off = offsetof(struct verify_cli, json),
	  .help = "print JSON lines, one file or gap a line" },
	{ .name = "local", .arg = "DIR", .type = CMD_O_STRING,
	  .off = offsetof(struct verify_cli, local), .flags = CMD_O_BRIEF,
	  .help = "check a local copy of the trail's bucket instead, such as "
	  "`aws s3 sync` makes; it needs `--public-key`" },
	{ .name = "public-key", .arg = "FILE", .type = CMD_O_LIST,
	  .off = offsetof(struct verify_cli, keyfiles),
	  .off_n = offsetof(struct verify_cli, nkeyfiles),
	  .flags = CMD_O_BRIEF,
	  .help = "CloudTrail's public keys: PEM, DER, base64 DER, or what "
	  "`aws cloudtrail list-public-keys` prints" },
	{ .name = NULL }
};

const struct cmd_entry cmd_verify_logs_entry = {
	.name = "verify-logs",
	.help = "CloudTrail log file integrity: digest chain, RSA signatures, "
	    "SHA-256 of every log",
	.doc = "Validates the trail's log files as `aws cloudtrail "
	    "validate-logs` does: the chain of digest files, each digest's "
	    "RSA-SHA256 signature and each log file's SHA-256, reporting "
	    "missing, modified and deleted files.  Online, the bucket and "
	    "prefix come from the trail, the files from S3 and the keys from "
	    "CloudTrail.  Offline (`--local`), each digest's signature is "
	    "read from <NAME>`.sig` beside it: the hex signature, or what "
	    "`aws s3api head-object` prints.  Exits 1 when a file is missing "
	    "or does not match.",
	.options = cmd_verify_logs_options,
	.opts_size = sizeof(struct verify_cli),
	.run = cmd_verify_logs,
};
