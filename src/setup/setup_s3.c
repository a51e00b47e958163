/* Setup steps 1-3: the log buckets and their policies, and server access
 * logging on the monitored bucket.  See setup_internal.h for how these
 * resumable operations work. */
#include "config.h"

#include "calls.h"
#include "policy.h"
#include "setup_internal.h"

/* The buckets of step 1, in creation order; teardown goes backwards. */
enum { B_SOURCE, B_LOG, B_TRAIL, B_COUNT };

static const char *const bucket_roles[B_COUNT] = {
	"monitored bucket", "access-log bucket", "trail bucket",
};

static const char *
bucket_name(struct setup_job *j, int which)
{
	switch (which) {
	case B_SOURCE:
		return N(j)->source_bucket;
	case B_LOG:
		return N(j)->log_bucket;
	default:
		return N(j)->trail_bucket;
	}
}

/* Does setup make this bucket when it is missing? */
static bool
bucket_ours_to_make(struct setup_job *j, int which)
{
	return which != B_SOURCE || N(j)->create_source_bucket;
}

struct buckets_facts {
	bool	 exists[B_COUNT];
	bool	 pab_ok[B_COUNT];
	char	*log_policy;		/* the access-log bucket's, or NULL */
	char	*want_policy;
	/* teardown: keys of the bucket being emptied */
	struct s3_objects objects;
};

static void
buckets_facts_free(void *p)
{
	struct buckets_facts *f = p;

	free(f->log_policy);
	free(f->want_policy);
	s3_objects_free(&f->objects);
}

static bool
pab_all_on(const struct s3_public_access_block *p)
{
	return p->block_public_acls && p->ignore_public_acls &&
	    p->block_public_policy && p->restrict_public_buckets;
}

/* Reads HeadBucket's answer into f->exists[which]: 0, or SJ_FAIL (noted)
 * when the name is taken by someone else or the call failed otherwise. */
static int
bucket_seen(struct setup_job *j, struct buckets_facts *f, int which)
{
	struct s3_head h;
	char *cause = NULL;
	int rc = 0;

	if (s3_head_bucket_parse(j->resp, &h, &cause) != 0)
		return setup_fail_parse(j, cause);
	f->exists[which] = h.exists && h.accessible;
	if (h.exists && !h.accessible) {
		setup_note(j, SETUP_L_FAIL, "P-01", "choose another name in "
		    "s3watch.conf (suffix or the bucket names)", "%s %s exists "
		    "but belongs to another account or region%s%s",
		    bucket_roles[which], bucket_name(j, which),
		    h.region != NULL ? ": " : "", h.region != NULL ?
		    h.region : "");
		rc = SJ_FAIL;
	} else if (!h.exists)
		setup_note(j, bucket_ours_to_make(j, which) ? SETUP_L_MISSING :
		    SETUP_L_FAIL, NULL, bucket_ours_to_make(j, which) ? NULL :
		    "create it, set source_bucket to an existing bucket, or "
		    "set create_source_bucket = true", "%s %s does not exist",
		    bucket_roles[which], bucket_name(j, which));
	else
		setup_note(j, SETUP_L_OK, NULL, NULL, "%s %s exists",
		    bucket_roles[which], bucket_name(j, which));
	s3_head_free(&h);
	return rc;
}

/* 0, or SJ_FAIL (noted) when the answer was neither a configuration nor
 * "there is none". */
static int
pab_seen(struct setup_job *j, struct buckets_facts *f, int which)
{
	struct s3_public_access_block p;
	char *cause = NULL;
	int rc;

	rc = s3_get_public_access_block_parse(j->resp, &p, &cause);
	if (rc != 0 && !sj_code(j, "NoSuchPublicAccessBlockConfiguration"))
		return setup_fail_parse(j, cause);
	free(cause);
	if (rc == 0 && pab_all_on(&p)) {
		f->pab_ok[which] = true;
		setup_note(j, SETUP_L_OK, NULL, NULL, "%s %s blocks public "
		    "access", bucket_roles[which], bucket_name(j, which));
	} else
		setup_note(j, SETUP_L_DIFFERS, "X-01", NULL, "%s %s does not "
		    "block all public access", bucket_roles[which],
		    bucket_name(j, which));
	return 0;
}

static int
setup_buckets_check(struct setup_job *j)
{
	struct buckets_facts *f = setup_facts(j);
	char *cause = NULL;

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, buckets_facts_free);
	f->want_policy = policy_access_log_bucket(N(j)->partition,
	    N(j)->log_bucket, N(j)->log_prefix, N(j)->source_bucket,
	    N(j)->account, N(j)->require_tls);
	for (j->i = 0; j->i < B_COUNT; j->i++) {
		SJ_READ(j, s3_head_bucket(bucket_name(j, j->i), &j->cause),
		    bucket_name(j, j->i));
		if (bucket_seen(j, f, j->i) != 0)
			return SJ_FAIL;
		/* The monitored bucket is hardened only if setup made it. */
		if (!f->exists[j->i] || (j->i == B_SOURCE && !setup_owned(j,
		    "bucket", N(j)->source_bucket)))
			continue;
		SJ_READ(j, s3_get_public_access_block(bucket_name(j, j->i),
		    &j->cause), bucket_name(j, j->i));
		if (pab_seen(j, f, j->i) != 0)
			return SJ_FAIL;
	}
	if (f->exists[B_LOG]) {
		SJ_READ(j, s3_get_bucket_policy(N(j)->log_bucket, &j->cause),
		    N(j)->log_bucket);
		if (sj_ok(j)) {
			if (s3_get_bucket_policy_parse(j->resp, &f->log_policy,
			    &cause) != 0)
				return setup_fail_parse(j, cause);
		} else if (!sj_code(j, "NoSuchBucketPolicy"))
			return setup_fail(j, NULL);
	}
	if (f->log_policy == NULL)
		setup_note(j, SETUP_L_MISSING, "P-02", NULL, "the access-log "
		    "bucket has no delivery policy");
	else if (!setup_json_same(f->log_policy, f->want_policy))
		setup_note(j, SETUP_L_DIFFERS, "P-02", NULL, "the access-log "
		    "bucket's policy is not the delivery policy s3watch writes");
	else
		setup_note(j, SETUP_L_OK, "P-02", NULL, "the access-log bucket "
		    "has the delivery policy");
	SJ_END(j);
}

static const struct s3_public_access_block pab_on = { true, true, true, true };

static int
setup_buckets_apply(struct setup_job *j)
{
	struct buckets_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	for (j->i = 0; j->i < B_COUNT; j->i++) {
		if (f->exists[j->i] || !bucket_ours_to_make(j, j->i))
			continue;
		SJ_CREATE(j, "bucket", bucket_name(j, j->i), NULL,
		    s3_create_bucket(bucket_name(j, j->i), N(j)->region,
		    &j->cause), "BucketAlreadyOwnedByYou");
		f->exists[j->i] = true;
	}
	/* Block Public Access on every bucket setup made or logs into. */
	for (j->i = 0; j->i < B_COUNT; j->i++) {
		if (f->pab_ok[j->i] || (j->i == B_SOURCE &&
		    !setup_owned(j, "bucket", N(j)->source_bucket)))
			continue;
		SJ_WRITE(j, s3_put_public_access_block(bucket_name(j, j->i),
		    &pab_on, &j->cause), bucket_name(j, j->i));
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	if (f->log_policy == NULL || !setup_json_same(f->log_policy,
	    f->want_policy)) {
		if (setup_policy_ours(j, f->log_policy != NULL, "bucket",
		    N(j)->log_bucket, "access-log bucket", "S3ServerAccessLogs"
		    "Delivery statement", "log_bucket") != 0)
			return SJ_FAIL;
		SJ_CREATE(j, "bucket-policy", N(j)->log_bucket, NULL,
		    s3_put_bucket_policy(N(j)->log_bucket, f->want_policy,
		    &j->cause), NULL);
	}
	SJ_END(j);
}

static int
setup_buckets_verify(struct setup_job *j)
{
	struct buckets_facts *f = setup_facts(j);
	int i;

	for (i = 0; i < B_COUNT; i++)
		if (!f->exists[i])
			setup_note(j, SETUP_L_FAIL, "P-01", "run s3watch setup "
			    "--only 1", "%s %s is missing", bucket_roles[i],
			    bucket_name(j, i));
	if (strcmp(N(j)->log_bucket, N(j)->source_bucket) == 0)
		setup_note(j, SETUP_L_FAIL, "P-01", "set log_bucket to another "
		    "bucket", "the monitored bucket logs into itself");
	else if (f->exists[B_LOG])
		setup_note(j, SETUP_L_PASS, "P-01", NULL, "access logs go to a "
		    "separate bucket, %s", N(j)->log_bucket);
	for (i = B_LOG; i < B_COUNT; i++)
		if (f->exists[i])
			setup_note(j, f->pab_ok[i] ? SETUP_L_PASS : SETUP_L_FAIL,
			    "X-01", f->pab_ok[i] ? NULL : "run s3watch setup "
			    "--only 1", "%s %s %s public access",
			    bucket_roles[i], bucket_name(j, i), f->pab_ok[i] ?
			    "blocks" : "does not block all");
	if (f->log_policy != NULL && setup_json_same(f->log_policy,
	    f->want_policy))
		setup_note(j, SETUP_L_PASS, "P-02", NULL, "only S3 logging, for "
		    "%s of this account, may write under %s",
		    N(j)->source_bucket, N(j)->log_prefix);
	else
		setup_note(j, SETUP_L_FAIL, "P-02", "run s3watch setup --only 1",
		    "the access-log bucket's delivery policy is %s",
		    f->log_policy == NULL ? "missing" : "not s3watch's");
	return SJ_DONE;
}

static int
setup_buckets_undo(struct setup_job *j)
{
	struct buckets_facts *f = setup_facts(j);
	char *cause = NULL;

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, buckets_facts_free);
	if (setup_owned(j, "bucket-policy", N(j)->log_bucket) &&
	    !setup_owned(j, "bucket", N(j)->log_bucket)) {
		SJ_WRITE(j, s3_delete_bucket_policy(N(j)->log_bucket,
		    &j->cause), N(j)->log_bucket);
		if (!sj_ok(j) && !sj_code(j, "NoSuchBucket"))
			return setup_fail(j, NULL);
	}
	if (setup_forget(j, "bucket-policy", N(j)->log_bucket) != 0)
		return SJ_FAIL;
	for (j->i = B_COUNT - 1; j->i >= 0; j->i--) {
		if (!setup_owned(j, "bucket", bucket_name(j, j->i)))
			continue;
		/* Its policy goes with it; drop it first so that no Deny of
		 * ours stands in the way of emptying it. */
		SJ_WRITE(j, s3_delete_bucket_policy(bucket_name(j, j->i),
		    &j->cause), bucket_name(j, j->i));
		if (!sj_ok(j) && !sj_code(j, "NoSuchBucket"))
			return setup_fail(j, NULL);
		j->tries = 0;	/* asked about this bucket yet? */
		for (;;) {
			SJ_READ(j, s3_list_objects_v2(bucket_name(j, j->i), NULL,
			    NULL, 1000, &j->cause), bucket_name(j, j->i));
			if (sj_code(j, "NoSuchBucket"))
				break;
			s3_objects_free(&f->objects);
			if (s3_list_objects_v2_parse(j->resp, &f->objects,
			    &cause) != 0)
				return setup_fail_parse(j, cause);
			if (f->objects.n == 0)
				break;
			if (j->tries++ == 0) {
				SJ_ASK(j, "%s %s holds %s%zu objects: delete them "
				    "and the bucket?", bucket_roles[j->i],
				    bucket_name(j, j->i), f->objects.truncated ?
				    "over " : "", f->objects.n);
				if (!j->answer)
					break;
			}
			for (j->n = 0; (size_t)j->n < f->objects.n; j->n++) {
				SJ_WRITE(j, s3_delete_object(bucket_name(j, j->i),
				    f->objects.v[j->n].key, &j->cause),
				    f->objects.v[j->n].key);
				if (!sj_ok(j) && !sj_code(j, "NoSuchKey"))
					return setup_fail(j, NULL);
			}
		}
		if (f->objects.n > 0) {
			setup_note(j, SETUP_L_WARN, NULL, "empty it and run "
			    "s3watch teardown again", "kept %s %s: it is not "
			    "empty", bucket_roles[j->i], bucket_name(j, j->i));
			continue;
		}
		SJ_WRITE(j, s3_delete_bucket(bucket_name(j, j->i), &j->cause),
		    bucket_name(j, j->i));
		if (!sj_ok(j) && !sj_code(j, "NoSuchBucket"))
			return setup_fail(j, NULL);
		if (setup_forget(j, "bucket", bucket_name(j, j->i)) != 0)
			return SJ_FAIL;
	}
	SJ_END(j);
}

static const struct calls_entry buckets_calls[] = {
	{ SVC_S3, "HeadBucket", CALLS_CHECK, CALLS_ARN_BUCKETS,
	  "does each bucket exist, and is it ours" },
	{ SVC_S3, "GetPublicAccessBlock", CALLS_CHECK, CALLS_ARN_BUCKETS,
	  "is public access blocked" },
	{ SVC_S3, "GetBucketPolicy", CALLS_CHECK,
	  CALLS_ARN_BUCKET("log_bucket"), "read the log delivery policy" },
	{ SVC_S3, "CreateBucket", CALLS_APPLY, CALLS_ARN_BUCKETS,
	  "create the buckets" },
	{ SVC_S3, "PutPublicAccessBlock", CALLS_APPLY, CALLS_ARN_BUCKETS,
	  "block public access" },
	{ SVC_S3, "PutBucketPolicy", CALLS_APPLY,
	  CALLS_ARN_BUCKET("log_bucket"), "let S3 deliver access logs" },
	{ SVC_S3, "ListObjectsV2", CALLS_UNDO, CALLS_ARN_BUCKETS,
	  "teardown --empty-buckets: list what to delete" },
	{ SVC_S3, "DeleteObject", CALLS_UNDO, CALLS_ARN_OBJECTS("source_bucket")
	  " " CALLS_ARN_OBJECTS("log_bucket") " "
	  CALLS_ARN_OBJECTS("trail_bucket"),
	  "teardown --empty-buckets: delete the objects" },
	{ SVC_S3, "DeleteBucketPolicy", CALLS_UNDO, CALLS_ARN_BUCKETS,
	  "teardown: each bucket's policy goes before it" },
	{ SVC_S3, "DeleteBucket", CALLS_UNDO, CALLS_ARN_BUCKETS, "teardown" },
	{ .op = NULL }
};
const struct setup_step setup_step_buckets = {
	.name = "buckets",
	.title = "Log buckets",
	.why = "Creates the bucket that receives S3 server access logs and "
	    "the bucket CloudTrail writes to, with Block Public Access on.  "
	    "The access-log bucket's policy lets only the S3 logging service "
	    "put objects, only under the log prefix, and only for the "
	    "monitored bucket of this account (aws:SourceArn and "
	    "aws:SourceAccount), so no one else can plant logs in it.",
	.check = setup_buckets_check,
	.apply = setup_buckets_apply,
	.verify = setup_buckets_verify,
	.undo = setup_buckets_undo,
	.calls = buckets_calls,
};

/* --- step 2: server access logging -------------------------------------- */

struct logging_facts {
	bool			source_exists;
	struct s3_logging	now;
	bool			right_target;	/* bucket and prefix */
	bool			delivered;	/* log objects seen */
};

static void
logging_facts_free(void *p)
{
	struct logging_facts *f = p;

	s3_logging_free(&f->now);
}

static int
setup_access_logging_check(struct setup_job *j)
{
	struct logging_facts *f = setup_facts(j);
	char *cause = NULL;

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, logging_facts_free);
	SJ_READ(j, s3_get_bucket_logging(N(j)->source_bucket, &j->cause),
	    N(j)->source_bucket);
	if (sj_code(j, "NoSuchBucket")) {
		setup_note(j, SETUP_L_MISSING, "P-03", NULL, "the monitored "
		    "bucket %s does not exist yet (step 1)",
		    N(j)->source_bucket);
		return SJ_DONE;
	}
	if (s3_get_bucket_logging_parse(j->resp, &f->now, &cause) != 0)
		return setup_fail_parse(j, cause);
	f->source_exists = true;
	f->right_target = f->now.target_bucket != NULL &&
	    strcmp(f->now.target_bucket, N(j)->log_bucket) == 0 &&
	    strcmp(f->now.target_prefix, N(j)->log_prefix) == 0;
	/* A format other than event-time partitions is drift; none at all
	 * is drift unless s3watch wrote it (then the endpoint dropped it:
	 * verify says so). */
	if (f->right_target && (f->now.key_format == S3_KEY_FORMAT_SIMPLE ||
	    (f->now.key_format == S3_KEY_FORMAT_PARTITIONED &&
	    f->now.date_source != S3_DATE_EVENT_TIME) ||
	    (f->now.key_format == S3_KEY_FORMAT_NONE &&
	    !setup_owned(j, "bucket-logging", N(j)->source_bucket))))
		f->right_target = false;
	if (f->now.target_bucket == NULL)
		setup_note(j, SETUP_L_MISSING, "P-03", NULL, "server access "
		    "logging is off for %s", N(j)->source_bucket);
	else if (!f->right_target)
		setup_note(j, SETUP_L_DIFFERS, "P-03", NULL, "%s logs to "
		    "s3://%s/%s, not date-partitioned to s3://%s/%s",
		    N(j)->source_bucket, f->now.target_bucket,
		    f->now.target_prefix, N(j)->log_bucket, N(j)->log_prefix);
	else
		setup_note(j, SETUP_L_OK, "P-03", NULL, "%s logs to s3://%s/%s",
		    N(j)->source_bucket, N(j)->log_bucket, N(j)->log_prefix);
	SJ_END(j);
}

static int
setup_access_logging_apply(struct setup_job *j)
{
	struct logging_facts *f = setup_facts(j);
	struct s3_logging want = { 0 };

	SJ_BEGIN(j);
	if (f->right_target)
		return SJ_DONE;
	if (setup_intend(j, "bucket-logging", N(j)->source_bucket, NULL) != 0)
		return SJ_FAIL;
	want.target_bucket = N(j)->log_bucket;
	want.target_prefix = N(j)->log_prefix;
	want.key_format = S3_KEY_FORMAT_PARTITIONED;
	want.date_source = S3_DATE_EVENT_TIME;
	SJ_WRITE(j, s3_put_bucket_logging(N(j)->source_bucket, &want,
	    &j->cause), N(j)->source_bucket);
	if (!sj_ok(j))
		return setup_fail(j, sj_code(j, "InvalidTargetBucketForLogging") ?
		    "the access-log bucket must be in the same region and "
		    "allow delivery: run s3watch setup --only 1" : NULL);
	if (setup_created(j, "bucket-logging", N(j)->source_bucket) != 0)
		return SJ_FAIL;
	SJ_END(j);
}

static int
setup_access_logging_verify(struct setup_job *j)
{
	struct logging_facts *f = setup_facts(j);
	char *cause = NULL;
	struct s3_objects l;

	SJ_BEGIN(j);
	if (!f->right_target) {
		setup_note(j, SETUP_L_FAIL, "P-03", "run s3watch setup --only 2",
		    "server access logging of %s is %s", N(j)->source_bucket,
		    f->now.target_bucket == NULL ? "off" : "not s3watch's");
		return SJ_DONE;
	}
	setup_note(j, SETUP_L_PASS, "P-03", NULL, "server access logging is on "
	    "for %s", N(j)->source_bucket);
	if (f->now.key_format == S3_KEY_FORMAT_NONE)
		setup_note(j, SETUP_L_WARN, "P-03", NULL, "the endpoint did not "
		    "keep the date-partitioned key format s3watch set (moto "
		    "drops TargetObjectKeyFormat; AWS keeps it)");
	else
		setup_note(j, SETUP_L_PASS, "P-03", NULL, "log keys are "
		    "partitioned by event time");
	SJ_READ(j, s3_list_objects_v2(N(j)->log_bucket, N(j)->log_prefix, NULL,
	    1, &j->cause), N(j)->log_bucket);
	if (s3_list_objects_v2_parse(j->resp, &l, &cause) == 0 && l.n > 0)
		setup_note(j, SETUP_L_PASS, "P-03", NULL, "access logs are being "
		    "delivered under s3://%s/%s", N(j)->log_bucket,
		    N(j)->log_prefix);
	else
		setup_note(j, SETUP_L_WARN, "P-03", "wait: AWS delivers access "
		    "logs within hours", "no access log delivered yet under "
		    "s3://%s/%s", N(j)->log_bucket, N(j)->log_prefix);
	s3_objects_free(&l);
	free(cause);
	SJ_END(j);
}

static int
setup_access_logging_undo(struct setup_job *j)
{
	SJ_BEGIN(j);
	/* No logging configuration is how S3 turns it off. */
	SJ_DELETE(j, "bucket-logging", N(j)->source_bucket,
	    s3_put_bucket_logging(N(j)->source_bucket, NULL, &j->cause),
	    "NoSuchBucket");
	SJ_END(j);
}

static const struct calls_entry access_logging_calls[] = {
	{ SVC_S3, "GetBucketLogging", CALLS_CHECK,
	  CALLS_ARN_BUCKET("source_bucket"), "is access logging on" },
	{ SVC_S3, "PutBucketLogging", CALLS_APPLY | CALLS_UNDO,
	  CALLS_ARN_BUCKET("source_bucket"), "turn access logging on (off)" },
	{ SVC_S3, "ListObjectsV2", CALLS_VERIFY,
	  CALLS_ARN_BUCKET("log_bucket"), "are access logs delivered" },
	{ .op = NULL }
};
const struct setup_step setup_step_access_logging = {
	.name = "access-logging",
	.title = "Server access logging",
	.why = "Turns on S3 server access logging for the monitored bucket: "
	    "every request, with requester, IP, action and status, lands in "
	    "the log bucket under a date-partitioned prefix that keeps "
	    "queries and lifecycle rules cheap.",
	.check = setup_access_logging_check,
	.apply = setup_access_logging_apply,
	.verify = setup_access_logging_verify,
	.undo = setup_access_logging_undo,
	.calls = access_logging_calls,
};

/* --- step 3: the trail bucket's policy --------------------------------- */

struct trail_policy_facts {
	bool	 bucket_exists;
	char	*now;
	char	*want;
};

static void
trail_policy_facts_free(void *p)
{
	struct trail_policy_facts *f = p;

	free(f->now);
	free(f->want);
}

static int
setup_trail_policy_check(struct setup_job *j)
{
	struct trail_policy_facts *f = setup_facts(j);
	char *cause = NULL;

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, trail_policy_facts_free);
	f->want = policy_trail_bucket(N(j)->partition, N(j)->trail_bucket,
	    N(j)->trail_prefix, N(j)->account, N(j)->trail_arn,
	    N(j)->require_tls);
	SJ_READ(j, s3_get_bucket_policy(N(j)->trail_bucket, &j->cause),
	    N(j)->trail_bucket);
	f->bucket_exists = !sj_code(j, "NoSuchBucket");
	if (sj_ok(j)) {
		if (s3_get_bucket_policy_parse(j->resp, &f->now, &cause) != 0)
			return setup_fail_parse(j, cause);
	} else if (f->bucket_exists && !sj_code(j, "NoSuchBucketPolicy"))
		return setup_fail(j, NULL);
	if (f->now == NULL)
		setup_note(j, SETUP_L_MISSING, "X-01", NULL, "the trail bucket "
		    "%s has no CloudTrail policy", N(j)->trail_bucket);
	else if (!setup_json_same(f->now, f->want))
		setup_note(j, SETUP_L_DIFFERS, "X-01", NULL, "the trail bucket's "
		    "policy is not the one s3watch writes for %s",
		    N(j)->trail_arn);
	else
		setup_note(j, SETUP_L_OK, "X-01", NULL, "the trail bucket lets "
		    "only %s write under %s/AWSLogs/%s/", N(j)->trail_arn,
		    N(j)->trail_prefix, N(j)->account);
	SJ_END(j);
}

static int
setup_trail_policy_apply(struct setup_job *j)
{
	struct trail_policy_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	if (f->now != NULL && setup_json_same(f->now, f->want))
		return SJ_DONE;
	if (setup_policy_ours(j, f->now != NULL, "bucket", N(j)->trail_bucket,
	    "trail bucket", "CloudTrail statements", "trail_bucket") != 0)
		return SJ_FAIL;
	SJ_CREATE(j, "bucket-policy", N(j)->trail_bucket, NULL,
	    s3_put_bucket_policy(N(j)->trail_bucket, f->want, &j->cause), NULL);
	SJ_END(j);
}

static int
setup_trail_policy_verify(struct setup_job *j)
{
	struct trail_policy_facts *f = setup_facts(j);

	if (f->now != NULL && setup_json_same(f->now, f->want))
		setup_note(j, SETUP_L_PASS, "X-01", NULL, "only the trail %s may "
		    "write to %s, with the owner in full control",
		    N(j)->trail_name, N(j)->trail_bucket);
	else
		setup_note(j, SETUP_L_FAIL, "X-01", "run s3watch setup --only 3",
		    "the trail bucket's policy is %s", f->now == NULL ?
		    "missing" : "not s3watch's");
	return SJ_DONE;
}

static int
setup_trail_policy_undo(struct setup_job *j)
{
	SJ_BEGIN(j);
	if (!setup_owned(j, "bucket-policy", N(j)->trail_bucket))
		return SJ_DONE;
	/* Step 1's teardown deletes a bucket of ours with its policy. */
	if (!setup_owned(j, "bucket", N(j)->trail_bucket)) {
		SJ_WRITE(j, s3_delete_bucket_policy(N(j)->trail_bucket,
		    &j->cause), N(j)->trail_bucket);
		if (!sj_ok(j) && !sj_code(j, "NoSuchBucket"))
			return setup_fail(j, NULL);
	}
	if (setup_forget(j, "bucket-policy", N(j)->trail_bucket) != 0)
		return SJ_FAIL;
	SJ_END(j);
}

static const struct calls_entry trail_policy_calls[] = {
	{ SVC_S3, "GetBucketPolicy", CALLS_CHECK,
	  CALLS_ARN_BUCKET("trail_bucket"), "read the trail bucket's policy" },
	{ SVC_S3, "PutBucketPolicy", CALLS_APPLY,
	  CALLS_ARN_BUCKET("trail_bucket"), "let the trail write its logs" },
	{ SVC_S3, "DeleteBucketPolicy", CALLS_UNDO,
	  CALLS_ARN_BUCKET("trail_bucket"), "teardown" },
	{ .op = NULL }
};
const struct setup_step setup_step_trail_policy = {
	.name = "trail-policy",
	.title = "CloudTrail bucket policy",
	.why = "Lets CloudTrail check the trail bucket's ACL and write log "
	    "files, but only for this trail (aws:SourceArn) and only under "
	    "its prefix of this account, with the bucket owner in full "
	    "control.",
	.check = setup_trail_policy_check,
	.apply = setup_trail_policy_apply,
	.verify = setup_trail_policy_verify,
	.undo = setup_trail_policy_undo,
	.calls = trail_policy_calls,
};
