/* Parts two setup steps share, run as sub-operations (SJ_SUB): an IAM
 * role with its inline policy (steps 5 and 8) and an EventBridge rule
 * with its target (steps 7 and 8).  See setup_internal.h for how these
 * resumable operations work. */
#include "config.h"

#include "setup_internal.h"

/* --- an IAM role and its inline policy ---------------------------------- */

void
setup_role_free(struct setup_role *r)
{
	free(r->want_trust);
	free(r->want_policy);
	free(r->trust);
	free(r->policy);
}

bool
setup_role_trusted(const struct setup_role *r)
{
	return r->found && setup_json_same(r->trust, r->want_trust);
}

bool
setup_role_policy_ok(const struct setup_role *r)
{
	return setup_json_same(r->policy, r->want_policy);
}

int
setup_role_check(struct setup_job *j, struct setup_role *r)
{
	struct iam_role role;
	struct iam_role_policy rp;
	char *cause = NULL;

	SJ_BEGIN(j);
	SJ_READ(j, iam_get_role(r->name, &j->cause), r->name);
	if (!sj_code(j, "NoSuchEntity")) {
		if (iam_get_role_parse(j->resp, &role, &cause) != 0)
			return setup_fail_parse(j, cause);
		r->found = true;
		r->trust = role.assume_policy;
		role.assume_policy = NULL;
		iam_role_free(&role);
	}
	if (r->found) {
		SJ_READ(j, iam_get_role_policy(r->name, r->policy_name,
		    &j->cause), r->name);
		if (!sj_code(j, "NoSuchEntity")) {
			if (iam_get_role_policy_parse(j->resp, &rp,
			    &cause) != 0)
				return setup_fail_parse(j, cause);
			r->policy = rp.document;
			rp.document = NULL;
			iam_role_policy_free(&rp);
		}
	}
	SJ_END(j);
}

int
setup_role_apply(struct setup_job *j, struct setup_role *r)
{
	struct iam_role_spec spec = { 0 };
	struct svc_tag tag = { "created-by", "s3watch" };

	SJ_BEGIN(j);
	if (!r->found) {
		spec.name = r->name;
		spec.assume_policy = r->want_trust;
		spec.description = r->description;
		spec.tags = &tag;
		spec.ntags = 1;
		SJ_CREATE(j, "role", r->name, r->arn, iam_create_role(&spec,
		    &j->cause), "EntityAlreadyExists");
	} else if (!setup_role_trusted(r)) {
		SJ_WRITE(j, iam_update_assume_role_policy(r->name,
		    r->want_trust, &j->cause), r->name);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	if (!setup_role_policy_ok(r)) {
		SJ_CREATE(j, "role-policy", r->name, NULL, iam_put_role_policy(
		    r->name, r->policy_name, r->want_policy, &j->cause), NULL);
	}
	SJ_END(j);
}

int
setup_role_undo(struct setup_job *j, struct setup_role *r)
{
	SJ_BEGIN(j);
	SJ_DELETE(j, "role-policy", r->name, iam_delete_role_policy(r->name,
	    r->policy_name, &j->cause), "NoSuchEntity");
	SJ_DELETE(j, "role", r->name, iam_delete_role(r->name, &j->cause),
	    "NoSuchEntity");
	SJ_END(j);
}

/* --- an EventBridge rule and its target ----------------------------------- */

char *
setup_rule_arn(struct setup_job *j, const char *name)
{
	return xasprintf("arn:%s:events:%s:%s:rule/%s", N(j)->partition,
	    N(j)->region, N(j)->account, name);
}

bool
setup_rule_ok(const struct setup_rule *r)
{
	return r->seen.found && r->seen.state && r->seen.pattern &&
	    (!r->check_description || r->seen.description);
}

int
setup_rule_check(struct setup_job *j, struct setup_rule *r)
{
	char *cause = NULL;

	SJ_BEGIN(j);
	SJ_READ(j, events_describe_rule(r->spec.name, &j->cause), r->spec.name);
	if (events_describe_rule_match(j->resp, &r->spec, &r->seen,
	    &cause) != 0)
		return setup_fail_parse(j, cause);
	if (r->seen.found) {
		SJ_READ(j, events_list_targets_by_rule(r->spec.name, NULL, 0,
		    &j->cause), r->spec.name);
		if (events_list_targets_by_rule_has(j->resp, &r->target,
		    &r->target_ok, &cause) != 0)
			return setup_fail_parse(j, cause);
	}
	SJ_END(j);
}

int
setup_rule_apply(struct setup_job *j, struct setup_rule *r)
{
	char *arn, *cause = NULL;
	int rc;

	SJ_BEGIN(j);
	if (!setup_rule_ok(r)) {
		if (!r->seen.found) {
			arn = setup_rule_arn(j, r->spec.name);
			rc = setup_intend(j, "rule", r->spec.name, arn);
			free(arn);
			if (rc != 0)
				return SJ_FAIL;
		}
		SJ_WRITE(j, events_put_rule(&r->spec, &j->cause), r->spec.name);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
		if (!r->seen.found && setup_created(j, "rule",
		    r->spec.name) != 0)
			return SJ_FAIL;
	}
	if (!r->target_ok) {
		SJ_WRITE(j, events_put_targets(r->spec.name, &r->target, 1,
		    &j->cause), r->spec.name);
		/* AWS answers 200 even when the target was refused. */
		if (j->resp != NULL && events_put_targets_parse(j->resp,
		    &cause) != 0)
			return setup_fail_parse(j, cause);
	}
	SJ_END(j);
}

int
setup_rule_undo(struct setup_job *j, struct setup_rule *r)
{
	char *ids[1];

	SJ_BEGIN(j);
	if (setup_owned(j, "rule", r->spec.name)) {
		ids[0] = r->target.id;
		SJ_WRITE(j, events_remove_targets(r->spec.name, ids, 1, false,
		    &j->cause), r->spec.name);
		if (!sj_ok(j) && !sj_code(j, "ResourceNotFoundException"))
			return setup_fail(j, NULL);
	}
	SJ_DELETE(j, "rule", r->spec.name, events_delete_rule(r->spec.name,
	    false, &j->cause), "ResourceNotFoundException");
	SJ_END(j);
}
