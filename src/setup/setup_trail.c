/* Setup steps 4-6: the trail, its log group and delivery role, and the
 * link between them.  See setup_internal.h for how these resumable
 * operations work. */
#include "config.h"

#include "calls.h"
#include "policy.h"
#include "setup_internal.h"

#define TRAIL_ROLE_POLICY	"CloudTrailLogsDelivery"

struct trail_facts {
	bool				found;
	struct cloudtrail_trail		trail;
	struct cloudtrail_status	status;
	struct cloudtrail_selectors	selectors;
	bool				settings_ok;	/* flags, bucket, prefix */
	bool				selectors_ok;
};

static void
trail_facts_free(void *p)
{
	struct trail_facts *f = p;

	cloudtrail_trail_free(&f->trail);
	cloudtrail_status_free(&f->status);
	cloudtrail_selectors_free(&f->selectors);
}

/* Is the monitored bucket's every object logged, reads and writes? */
static bool
trail_selectors_cover(struct setup_job *j, const struct cloudtrail_selectors *s)
{
	char *mine = xasprintf("arn:%s:s3:::%s/", N(j)->partition,
	    N(j)->source_bucket);
	char *all = xasprintf("arn:%s:s3", N(j)->partition);
	bool ok = false, mgmt = false;
	size_t i, k, v;
	const char *val;

	for (i = 0; i < s->n; i++) {
		mgmt |= s->v[i].management;
		if (s->v[i].rw != CLOUDTRAIL_RW_ALL)
			continue;
		for (k = 0; k < s->v[i].nresources; k++) {
			if (strcmp(s->v[i].resources[k].type,
			    "AWS::S3::Object") != 0)
				continue;
			for (v = 0; v < s->v[i].resources[k].nvalues; v++) {
				val = s->v[i].resources[k].values[v];
				ok |= strcmp(val, mine) == 0 ||
				    strcmp(val, all) == 0 ||
				    strcmp(val, "arn:aws:s3:::") == 0;
			}
		}
	}
	free(mine);
	free(all);
	return ok && mgmt;
}

static bool
trail_settings_ok(struct setup_job *j, const struct cloudtrail_trail *t)
{
	return t->multi_region && t->global_events && t->log_file_validation &&
	    t->s3_bucket != NULL && strcmp(t->s3_bucket, N(j)->trail_bucket) == 0 &&
	    strcmp(t->s3_prefix != NULL ? t->s3_prefix : "",
	    N(j)->trail_prefix) == 0;
}

/* DescribeTrails, then GetTrailStatus and GetEventSelectors when found;
 * shared by steps 4 and 6 as a sub-operation (SJ_SUB). */
static int
trail_read(struct setup_job *j, struct trail_facts *f)
{
	struct cloudtrail_trails l;
	char *names[1], *cause = NULL;
	size_t i;

	SJ_BEGIN(j);
	names[0] = N(j)->trail_name;
	SJ_READ(j, cloudtrail_describe_trails(names, 1), N(j)->trail_name);
	if (cloudtrail_describe_trails_parse(j->resp, &l, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < l.n; i++) {
		if (l.v[i].name == NULL ||
		    strcmp(l.v[i].name, N(j)->trail_name) != 0)
			continue;
		f->found = true;
		f->trail = l.v[i];
		memset(&l.v[i], 0, sizeof l.v[i]);
		break;
	}
	cloudtrail_trails_free(&l);
	if (!f->found)
		return SJ_DONE;
	f->settings_ok = trail_settings_ok(j, &f->trail);
	SJ_READ(j, cloudtrail_get_trail_status(N(j)->trail_name, &j->cause),
	    N(j)->trail_name);
	if (cloudtrail_get_trail_status_parse(j->resp, &f->status,
	    &cause) != 0)
		return setup_fail_parse(j, cause);
	SJ_READ(j, cloudtrail_get_event_selectors(N(j)->trail_name, &j->cause),
	    N(j)->trail_name);
	if (cloudtrail_get_event_selectors_parse(j->resp, &f->selectors,
	    &cause) != 0)
		return setup_fail_parse(j, cause);
	f->selectors_ok = trail_selectors_cover(j, &f->selectors);
	SJ_END(j);
}

static int
setup_trail_check(struct setup_job *j)
{
	struct trail_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, trail_facts_free);
	SJ_SUB(j, trail_read(j, f));
	if (!f->found) {
		setup_note(j, SETUP_L_MISSING, "P-04", NULL, "there is no trail "
		    "%s", N(j)->trail_name);
		return SJ_DONE;
	}
	setup_note(j, f->settings_ok ? SETUP_L_OK : SETUP_L_DIFFERS, "P-04",
	    NULL, "trail %s %s multi-region, with global services and log "
	    "file validation, into s3://%s/%s", N(j)->trail_name,
	    f->settings_ok ? "is" : "is not", N(j)->trail_bucket,
	    N(j)->trail_prefix);
	setup_note(j, f->selectors_ok ? SETUP_L_OK : SETUP_L_DIFFERS, "P-05",
	    NULL, "S3 data events (read and write) and management events of "
	    "%s are %slogged", N(j)->source_bucket, f->selectors_ok ? "" :
	    "not ");
	setup_note(j, f->status.logging ? SETUP_L_OK : SETUP_L_DIFFERS, "P-04",
	    NULL, "logging is %s", f->status.logging ? "on" : "off");
	SJ_END(j);
}

/* Data events (reads and writes) of every object of the monitored bucket,
 * and management events. */
static struct aws_request *
trail_selectors_request(struct setup_job *j)
{
	struct cloudtrail_data_resource dr;
	struct cloudtrail_selector sel = { 0 };
	struct aws_request *r;
	char *values[1];

	values[0] = xasprintf("arn:%s:s3:::%s/", N(j)->partition,
	    N(j)->source_bucket);
	dr.type = (char *)"AWS::S3::Object";
	dr.values = values;
	dr.nvalues = 1;
	sel.rw = CLOUDTRAIL_RW_ALL;
	sel.management = true;
	sel.resources = &dr;
	sel.nresources = 1;
	r = cloudtrail_put_event_selectors(N(j)->trail_name, &sel, 1, &j->cause);
	free(values[0]);
	return r;
}

static int
setup_trail_apply(struct setup_job *j)
{
	struct trail_facts *f = setup_facts(j);
	struct cloudtrail_trail_spec spec = { 0 };

	spec.name = N(j)->trail_name;
	spec.s3_bucket = N(j)->trail_bucket;
	spec.s3_prefix = N(j)->trail_prefix;
	spec.multi_region = spec.global_events = true;
	spec.log_file_validation = true;

	SJ_BEGIN(j);
	if (!f->found) {
		SJ_CREATE(j, "trail", N(j)->trail_name, N(j)->trail_arn,
		    cloudtrail_create_trail(&spec, &j->cause), NULL);
	} else if (!f->settings_ok) {
		SJ_WRITE(j, cloudtrail_update_trail(&spec, &j->cause),
		    N(j)->trail_name);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	if (!f->selectors_ok) {
		SJ_WRITE(j, trail_selectors_request(j), N(j)->trail_name);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	if (!f->status.logging) {
		SJ_WRITE(j, cloudtrail_start_logging(N(j)->trail_name,
		    &j->cause), N(j)->trail_name);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	SJ_END(j);
}

static int
setup_trail_verify(struct setup_job *j)
{
	struct trail_facts *f = setup_facts(j);
	const struct cloudtrail_trail *t = &f->trail;

	if (!f->found) {
		setup_note(j, SETUP_L_FAIL, "P-04", "run s3watch setup --only 4",
		    "there is no trail %s", N(j)->trail_name);
		return SJ_DONE;
	}
	setup_note(j, t->multi_region && t->global_events ? SETUP_L_PASS :
	    SETUP_L_FAIL, "P-04", t->multi_region ? NULL : "run s3watch setup "
	    "--only 4", "the trail %s every region and global services",
	    t->multi_region && t->global_events ? "covers" : "does not cover");
	setup_note(j, t->log_file_validation ? SETUP_L_PASS : SETUP_L_FAIL,
	    "P-04", t->log_file_validation ? NULL : "run s3watch setup --only 4",
	    "log file validation is %s", t->log_file_validation ? "on" : "off");
	setup_note(j, f->status.logging ? SETUP_L_PASS : SETUP_L_FAIL, "P-04",
	    f->status.logging ? NULL : "run s3watch setup --only 4",
	    "the trail is %slogging", f->status.logging ? "" : "not ");
	if (f->status.latest_delivery_error != NULL &&
	    *f->status.latest_delivery_error != '\0')
		setup_note(j, SETUP_L_FAIL, "P-04", "check the trail bucket "
		    "policy (step 3)", "the last delivery to S3 failed: %s",
		    f->status.latest_delivery_error);
	setup_note(j, f->selectors_ok ? SETUP_L_PASS : SETUP_L_FAIL, "P-05",
	    f->selectors_ok ? NULL : "run s3watch setup --only 4",
	    "S3 data events of %s are %slogged, reads and writes",
	    N(j)->source_bucket, f->selectors_ok ? "" : "not ");
	return SJ_DONE;
}

static int
setup_trail_undo(struct setup_job *j)
{
	SJ_BEGIN(j);
	SJ_DELETE(j, "trail", N(j)->trail_name, cloudtrail_delete_trail(
	    N(j)->trail_name, &j->cause), "TrailNotFoundException");
	SJ_END(j);
}

/* The reads of trail_read(), for steps 4 and 6. */
#define TRAIL_READ_CALLS						\
	{ SVC_CLOUDTRAIL, "DescribeTrails", CALLS_READ, "*",		\
	  "find the trail (a list call)" },				\
	{ SVC_CLOUDTRAIL, "GetTrailStatus", CALLS_READ, "${trail_arn}",	\
	  "is the trail logging" },					\
	{ SVC_CLOUDTRAIL, "GetEventSelectors", CALLS_READ,		\
	  "${trail_arn}", "does it record the bucket's data events" }

static const struct calls_entry trail_calls[] = {
	TRAIL_READ_CALLS,
	{ SVC_CLOUDTRAIL, "CreateTrail", CALLS_APPLY, "${trail_arn}",
	  "create the trail" },
	{ SVC_CLOUDTRAIL, "UpdateTrail", CALLS_APPLY, "${trail_arn}",
	  "repair the trail's settings" },
	{ SVC_CLOUDTRAIL, "PutEventSelectors", CALLS_APPLY, "${trail_arn}",
	  "record the bucket's data events" },
	{ SVC_CLOUDTRAIL, "StartLogging", CALLS_APPLY, "${trail_arn}",
	  "start the trail" },
	{ SVC_IAM, "PassRole", CALLS_APPLY, "${trail_role_arn}",
	  "a trail that streams to the log group names its role",
	  CALLS_IMPLIED, CALLS_PASSED_TO("cloudtrail.amazonaws.com") },
	{ SVC_CLOUDTRAIL, "DeleteTrail", CALLS_UNDO, "${trail_arn}",
	  "teardown" },
	{ .op = NULL }
};
const struct setup_step setup_step_trail = {
	.name = "trail",
	.title = "Multi-region trail",
	.why = "Records API calls in every region, including global services, "
	    "with log file validation so tampering is detectable, and S3 data "
	    "events (reads and writes) for the monitored bucket.  Logging is "
	    "started.",
	.check = setup_trail_check,
	.apply = setup_trail_apply,
	.verify = setup_trail_verify,
	.undo = setup_trail_undo,
	.calls = trail_calls,
};

/* --- step 5: log group and delivery role -------------------------------- */

struct group_facts {
	bool			 group_found;
	int			 retention;
	struct setup_role	 role;
};

static void
group_facts_free(void *p)
{
	struct group_facts *f = p;

	setup_role_free(&f->role);
}

/* The facts, with the delivery role's names (check and undo). */
static struct group_facts *
group_facts_new(struct setup_job *j)
{
	struct group_facts *f;

	f = setup_facts_new(j, sizeof *f, group_facts_free);
	f->role = (struct setup_role){ .name = N(j)->trail_role,
	    .arn = N(j)->trail_role_arn, .policy_name = TRAIL_ROLE_POLICY,
	    .description = "CloudTrail delivery to CloudWatch Logs (s3watch)" };
	return f;
}

static int
setup_log_group_check(struct setup_job *j)
{
	struct group_facts *f = setup_facts(j);
	struct logs_groups l;
	char *cause = NULL;
	size_t i;

	SJ_BEGIN(j);
	f = group_facts_new(j);
	f->role.want_trust = policy_trust("cloudtrail.amazonaws.com",
	    N(j)->account, N(j)->trail_arn);
	f->role.want_policy = policy_trail_logs_role(N(j)->partition,
	    N(j)->region, N(j)->account, N(j)->log_group);
	SJ_READ(j, logs_describe_log_groups(N(j)->log_group, NULL, 50,
	    &j->cause), N(j)->log_group);
	if (logs_describe_log_groups_parse(j->resp, &l, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < l.n; i++)
		if (strcmp(l.v[i].name, N(j)->log_group) == 0) {
			f->group_found = true;
			f->retention = l.v[i].retention_days;
		}
	logs_groups_free(&l);
	if (!f->group_found)
		setup_note(j, SETUP_L_MISSING, "P-06", NULL, "there is no log "
		    "group %s", N(j)->log_group);
	else
		setup_note(j, f->retention == N(j)->retention_days ?
		    SETUP_L_OK : SETUP_L_DIFFERS, "P-06", NULL, "log group %s "
		    "keeps events %d days%s", N(j)->log_group, f->retention,
		    f->retention == N(j)->retention_days ? "" : " (not as "
		    "configured)");

	SJ_SUB(j, setup_role_check(j, &f->role));
	if (!f->role.found) {
		setup_note(j, SETUP_L_MISSING, "P-06", NULL, "there is no "
		    "delivery role %s", N(j)->trail_role);
		return SJ_DONE;
	}
	setup_note(j, setup_role_trusted(&f->role) ? SETUP_L_OK :
	    SETUP_L_DIFFERS, "P-06", NULL, "role %s %s trusted by CloudTrail "
	    "for this trail only", N(j)->trail_role,
	    setup_role_trusted(&f->role) ? "is" : "is not");
	setup_note(j, f->role.policy == NULL ? SETUP_L_MISSING :
	    setup_role_policy_ok(&f->role) ? SETUP_L_OK : SETUP_L_DIFFERS,
	    "P-06", NULL, "role %s %s", N(j)->trail_role,
	    f->role.policy == NULL ? "has no delivery policy" :
	    setup_role_policy_ok(&f->role) ? "may only create streams and "
	    "put events in the trail's group" : "has a delivery policy that "
	    "is not s3watch's");
	SJ_END(j);
}

static int
setup_log_group_apply(struct setup_job *j)
{
	struct group_facts *f = setup_facts(j);
	struct svc_tag tag = { "created-by", "s3watch" };

	SJ_BEGIN(j);
	if (!f->group_found) {
		SJ_CREATE(j, "log-group", N(j)->log_group, N(j)->log_group_arn,
		    logs_create_log_group(N(j)->log_group, &tag, 1, &j->cause),
		    "ResourceAlreadyExistsException");
	}
	if (f->retention != N(j)->retention_days) {
		SJ_WRITE(j, logs_put_retention_policy(N(j)->log_group,
		    N(j)->retention_days, &j->cause), N(j)->log_group);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	SJ_SUB(j, setup_role_apply(j, &f->role));
	SJ_END(j);
}

static int
setup_log_group_verify(struct setup_job *j)
{
	struct group_facts *f = setup_facts(j);
	bool trust = setup_role_trusted(&f->role);
	bool policy = setup_role_policy_ok(&f->role);

	if (!f->group_found)
		setup_note(j, SETUP_L_FAIL, "P-06", "run s3watch setup --only 5",
		    "there is no log group %s", N(j)->log_group);
	else if (f->retention == 0 || f->retention < N(j)->retention_days)
		setup_note(j, SETUP_L_WARN, "P-06", "run s3watch setup --only 5",
		    "log group %s keeps events %s", N(j)->log_group,
		    f->retention == 0 ? "forever" : "for less than configured");
	else
		setup_note(j, SETUP_L_PASS, "P-06", NULL, "log group %s keeps "
		    "events %d days", N(j)->log_group, f->retention);
	setup_note(j, trust ? SETUP_L_PASS : SETUP_L_FAIL, "P-06", trust ?
	    NULL : "run s3watch setup --only 5", "only CloudTrail, for %s, "
	    "may assume %s%s", N(j)->trail_name, N(j)->trail_role, trust ? "" :
	    ": not so");
	setup_note(j, policy ? SETUP_L_PASS : SETUP_L_FAIL, "P-06", policy ?
	    NULL : "run s3watch setup --only 5", "%s may only CreateLogStream "
	    "and PutLogEvents on the trail's streams%s", N(j)->trail_role,
	    policy ? "" : ": not so");
	return SJ_DONE;
}

static int
setup_log_group_undo(struct setup_job *j)
{
	struct group_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	f = group_facts_new(j);
	SJ_SUB(j, setup_role_undo(j, &f->role));
	SJ_DELETE(j, "log-group", N(j)->log_group, logs_delete_log_group(
	    N(j)->log_group, &j->cause), "ResourceNotFoundException");
	SJ_END(j);
}

static const struct calls_entry log_group_calls[] = {
	{ SVC_LOGS, "DescribeLogGroups", CALLS_CHECK, "*",
	  "find the log group (a list call)" },
	SETUP_ROLE_CALLS("${trail_role_arn}"),
	{ SVC_LOGS, "CreateLogGroup", CALLS_APPLY, "${log_group_arn}",
	  "create the log group" },
	{ SVC_LOGS, "PutRetentionPolicy", CALLS_APPLY, "${log_group_arn}",
	  "set its retention" },
	{ SVC_LOGS, "DeleteLogGroup", CALLS_UNDO, "${log_group_arn}",
	  "teardown" },
	{ .op = NULL }
};
const struct setup_step setup_step_log_group = {
	.name = "log-group",
	.title = "Log group and delivery role",
	.why = "Creates the CloudWatch Logs group the trail streams into, "
	    "with a retention period, and a role that only CloudTrail may "
	    "assume (for this trail) and that may only create streams and put "
	    "events in that group.",
	.check = setup_log_group_check,
	.apply = setup_log_group_apply,
	.verify = setup_log_group_verify,
	.undo = setup_log_group_undo,
	.calls = log_group_calls,
};

/* --- step 6: trail to CloudWatch Logs ---------------------------------- */

static bool
trail_logs_linked(struct setup_job *j, const struct trail_facts *f)
{
	return f->found && f->trail.cwl_group_arn != NULL &&
	    f->trail.cwl_role_arn != NULL &&
	    strcmp(f->trail.cwl_group_arn, N(j)->log_group_arn) == 0 &&
	    strcmp(f->trail.cwl_role_arn, N(j)->trail_role_arn) == 0;
}

static int
setup_trail_logs_check(struct setup_job *j)
{
	struct trail_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, trail_facts_free);
	SJ_SUB(j, trail_read(j, f));
	if (!f->found)
		setup_note(j, SETUP_L_MISSING, "P-06", NULL, "there is no trail "
		    "%s yet (step 4)", N(j)->trail_name);
	else if (trail_logs_linked(j, f))
		setup_note(j, SETUP_L_OK, "P-06", NULL, "the trail delivers to "
		    "%s as %s", N(j)->log_group, N(j)->trail_role);
	else
		setup_note(j, f->trail.cwl_group_arn == NULL ? SETUP_L_MISSING :
		    SETUP_L_DIFFERS, "P-06", NULL, "the trail %s", 
		    f->trail.cwl_group_arn == NULL ? "does not deliver to "
		    "CloudWatch Logs" : "delivers elsewhere or with another role");
	SJ_END(j);
}

static bool
trail_logs_propagating(const struct setup_job *j)
{
	return sj_code(j, "InvalidCloudWatchLogsRoleArnException") ||
	    sj_code(j, "InsufficientDependencyServiceAccessPermissionException") ||
	    sj_code(j, "InvalidCloudWatchLogsLogGroupArnException");
}

static struct aws_request *
trail_logs_request(struct setup_job *j, bool link)
{
	struct cloudtrail_trail_spec spec = { 0 };

	spec.name = N(j)->trail_name;
	spec.multi_region = spec.global_events = true;
	spec.log_file_validation = true;
	/* Empty ARNs remove the link. */
	spec.cwl_group_arn = link ? N(j)->log_group_arn : "";
	spec.cwl_role_arn = link ? N(j)->trail_role_arn : "";
	return cloudtrail_update_trail(&spec, &j->cause);
}

static int
setup_trail_logs_apply(struct setup_job *j)
{
	struct trail_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	if (trail_logs_linked(j, f))
		return SJ_DONE;
	if (setup_intend(j, "trail-logs", N(j)->trail_name, NULL) != 0)
		return SJ_FAIL;
	for (j->tries = 1;; j->tries++) {
		SJ_WRITE(j, trail_logs_request(j, true), N(j)->trail_name);
		if (!setup_iam_retry(j, trail_logs_propagating(j),
		    N(j)->trail_role))
			break;
		SJ_SLEEP(j, SETUP_IAM_WAIT_MS);
	}
	if (!sj_ok(j) && sj_code(j, "InvalidCloudWatchLogsRoleArnException"))
		return setup_iam_failed(j, N(j)->trail_role,
		    "cloudtrail.amazonaws.com");
	if (!sj_ok(j))
		return setup_fail(j, NULL);
	if (setup_created(j, "trail-logs", N(j)->trail_name) != 0)
		return SJ_FAIL;
	SJ_END(j);
}

static int
setup_trail_logs_verify(struct setup_job *j)
{
	struct trail_facts *f = setup_facts(j);
	const char *err = f->status.latest_cwl_delivery_error;

	if (!trail_logs_linked(j, f)) {
		setup_note(j, SETUP_L_FAIL, "P-06", "run s3watch setup --only 6",
		    "the trail does not deliver to %s", N(j)->log_group_arn);
		return SJ_DONE;
	}
	setup_note(j, SETUP_L_PASS, "P-06", NULL, "the trail delivers to %s",
	    N(j)->log_group_arn);
	if (err != NULL && *err != '\0')
		setup_note(j, SETUP_L_FAIL, "P-06", "check the delivery role "
		    "(step 5)", "the last delivery to CloudWatch Logs failed: %s",
		    err);
	else if (f->status.latest_cwl_delivery == 0)
		setup_note(j, SETUP_L_WARN, "P-06", "wait: CloudTrail delivers "
		    "within about 5 minutes", "nothing delivered to CloudWatch "
		    "Logs yet");
	else if (time(NULL) - f->status.latest_cwl_delivery > 15 * 60)
		setup_note(j, SETUP_L_WARN, "P-06", NULL, "the last delivery to "
		    "CloudWatch Logs was %lld minutes ago",
		    (long long)(time(NULL) - f->status.latest_cwl_delivery) / 60);
	else
		setup_note(j, SETUP_L_PASS, "P-06", NULL, "CloudWatch Logs "
		    "delivery is recent");
	return SJ_DONE;
}

static int
setup_trail_logs_undo(struct setup_job *j)
{
	SJ_BEGIN(j);
	if (!setup_owned(j, "trail-logs", N(j)->trail_name))
		return SJ_DONE;
	/* A trail of ours goes in step 4's teardown anyway. */
	if (!setup_owned(j, "trail", N(j)->trail_name)) {
		SJ_WRITE(j, trail_logs_request(j, false), N(j)->trail_name);
		if (!sj_ok(j) && !sj_code(j, "TrailNotFoundException"))
			return setup_fail(j, NULL);
	}
	if (setup_forget(j, "trail-logs", N(j)->trail_name) != 0)
		return SJ_FAIL;
	SJ_END(j);
}

static const struct calls_entry trail_logs_calls[] = {
	TRAIL_READ_CALLS,
	{ SVC_CLOUDTRAIL, "UpdateTrail", CALLS_APPLY | CALLS_UNDO,
	  "${trail_arn}", "point the trail at the log group (and back)" },
	{ SVC_IAM, "PassRole", CALLS_APPLY, "${trail_role_arn}",
	  "the trail assumes the delivery role",
	  CALLS_IMPLIED, CALLS_PASSED_TO("cloudtrail.amazonaws.com") },
	{ .op = NULL }
};
const struct setup_step setup_step_trail_logs = {
	.name = "trail-logs",
	.title = "Trail to CloudWatch Logs",
	.why = "Points the trail at the log group (its log-group:NAME:* ARN) "
	    "with the delivery role, so events arrive within minutes and can "
	    "be tailed, queried and alerted on.  A new role can take a while "
	    "to propagate, so this retries.",
	.check = setup_trail_logs_check,
	.apply = setup_trail_logs_apply,
	.verify = setup_trail_logs_verify,
	.undo = setup_trail_logs_undo,
	.calls = trail_logs_calls,
};
