/* Setup step 8: the Lambda analyser, its role, the EventBridge rule that
 * feeds it S3 API events and the permission that lets only that rule
 * invoke it.  See setup_internal.h for how these resumable operations
 * work. */
#include "config.h"

#include <openssl/evp.h>
#include <zip.h>

#include "hash.h"
#include "policy.h"
#include "setup_internal.h"

/* The handler, embedded at build time from conf/lambda/analyser.py. */
extern const unsigned char lambda_handler_py[];
extern const unsigned long lambda_handler_py_len;

#define LAMBDA_ROLE_POLICY	"S3WatchAnalyser"
#define LAMBDA_FILE		"analyser.py"
#define LAMBDA_HANDLER		"analyser.handler"
#define LAMBDA_TIMEOUT		30
#define LAMBDA_MEMORY		128
#define LAMBDA_SID		"s3watch-events"
#define LAMBDA_TARGET_ID	"s3watch-analyser"
#define LAMBDA_RULE_SUFFIX	"analyser"
#define LAMBDA_PATTERN		"{\"source\":[\"aws.s3\"],\"detail-type\":" \
				"[\"AWS API Call via CloudTrail\"]}"
/* A fixed time in the zip keeps its bytes, and so CodeSha256, stable. */
#define LAMBDA_ZIP_MTIME	((time_t)1577836800)	/* 2020-01-01 */

/* IAM is eventually consistent: Lambda may refuse a new role a while. */
#define IAM_WAIT_TRIES		8
#define IAM_WAIT_MS		5000

struct lambda_facts {
	struct setup_role	 role;

	unsigned char		*zip;
	size_t			 zip_len;
	char			*zip_sha256;	/* base64, as AWS reports it */
	char			*cidrs;		/* ALLOWED_CIDRS */
	bool			 fn_found;
	struct lambda_function	 fn;
	bool			 config_ok;
	bool			 code_ok;

	char			*rule_name;
	char			*rule_arn;
	struct setup_rule	 rule;		/* pattern and state count */

	bool			 perm_found;	/* our statement id */
	bool			 perm_ok;	/* ... as we write it */
	bool			 public_stmt;	/* any Principal "*" */
};

static void
lambda_facts_free(void *p)
{
	struct lambda_facts *f = p;

	setup_role_free(&f->role);
	free(f->zip);
	free(f->zip_sha256);
	free(f->cidrs);
	lambda_function_free(&f->fn);
	free(f->rule_name);
	free(f->rule_arn);
}

/* New facts with what check and undo both need: the role's names, and the
 * rule as s3watch writes it. */
static struct lambda_facts *
lambda_facts_new(struct setup_job *j)
{
	struct lambda_facts *f;

	f = setup_facts_new(j, sizeof *f, lambda_facts_free);
	f->role = (struct setup_role){ .name = N(j)->lambda_role,
	    .arn = N(j)->lambda_role_arn, .policy_name = LAMBDA_ROLE_POLICY,
	    .description = "s3watch Lambda analyser" };
	f->rule_name = xasprintf("%s%s", N(j)->rule_prefix,
	    LAMBDA_RULE_SUFFIX);
	f->rule_arn = setup_rule_arn(j, f->rule_name);
	f->rule.spec.name = f->rule_name;
	f->rule.spec.pattern = LAMBDA_PATTERN;
	f->rule.spec.state = EVENTS_RULE_ENABLED;
	f->rule.spec.description = "s3watch: S3 API calls to the Lambda "
	    "analyser";
	f->rule.target.id = (char *)LAMBDA_TARGET_ID;
	f->rule.target.arn = N(j)->lambda_arn;
	return f;
}

/* A zip holding analyser.py, made in memory; NULL with *cause. */
static unsigned char *
lambda_zip(size_t *len, char **cause)
{
	zip_error_t ze;
	zip_source_t *mem = NULL, *file;
	zip_stat_t st;
	zip_t *za = NULL;
	zip_int64_t idx;
	unsigned char *out = NULL;

	zip_error_init(&ze);
	if ((mem = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL ||
	    (za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze)) == NULL)
		goto fail;
	zip_source_keep(mem);	/* zip_close() would free it */
	if ((file = zip_source_buffer(za, lambda_handler_py,
	    lambda_handler_py_len, 0)) == NULL)
		goto fail_za;
	if ((idx = zip_file_add(za, LAMBDA_FILE, file, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(file);
		goto fail_za;
	}
	/* Lambda runs the code as another user: it must be world-readable. */
	if (zip_file_set_mtime(za, (zip_uint64_t)idx, LAMBDA_ZIP_MTIME, 0) != 0 ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
	    ZIP_OPSYS_UNIX, (zip_uint32_t)0100644 << 16) != 0 ||
	    zip_close(za) != 0)
		goto fail_za;
	za = NULL;
	if (zip_source_stat(mem, &st) != 0 || zip_source_open(mem) != 0)
		goto fail_src;
	out = xmalloc(st.size > 0 ? st.size : 1);
	if (zip_source_read(mem, out, st.size) != (zip_int64_t)st.size) {
		zip_source_close(mem);
		free(out);
		out = NULL;
		goto fail_src;
	}
	zip_source_close(mem);
	zip_source_free(mem);
	*len = st.size;
	return out;

fail_za:
	*cause = xasprintf("zip: %s", zip_strerror(za));
	zip_discard(za);
	zip_source_free(mem);
	return NULL;
fail_src:
	*cause = xasprintf("zip: %s", zip_error_strerror(zip_source_error(mem)));
	zip_source_free(mem);
	return NULL;
fail:
	*cause = xasprintf("zip: %s", zip_error_strerror(&ze));
	zip_error_fini(&ze);
	if (mem != NULL)
		zip_source_free(mem);
	return NULL;
}

static char *
lambda_sha256_b64(const unsigned char *p, size_t len)
{
	unsigned char d[HASH_SHA256_LEN];
	char *b64 = xmalloc(4 * ((HASH_SHA256_LEN + 2) / 3) + 1);

	hash_sha256(p, len, d);
	EVP_EncodeBlock((unsigned char *)b64, d, HASH_SHA256_LEN);
	return b64;
}

static char *
lambda_cidrs(struct setup_job *j)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < N(j)->nallowed_cidrs; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, N(j)->allowed_cidrs[i]);
	}
	return buf_take(&b);
}

static const char *
lambda_env(const struct lambda_function *fn, const char *name)
{
	size_t i;

	for (i = 0; i < fn->nenv; i++)
		if (strcmp(fn->env[i].name, name) == 0)
			return fn->env[i].value != NULL ? fn->env[i].value : "";
	return NULL;
}

static bool
lambda_same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static bool
lambda_config_ok(struct setup_job *j, const struct lambda_facts *f)
{
	const struct lambda_function *fn = &f->fn;

	return lambda_same(fn->runtime, N(j)->lambda_runtime) &&
	    lambda_same(fn->role_arn, N(j)->lambda_role_arn) &&
	    lambda_same(fn->handler, LAMBDA_HANDLER) &&
	    fn->timeout == LAMBDA_TIMEOUT && fn->memory_mb == LAMBDA_MEMORY &&
	    fn->nenv == 2 &&
	    lambda_same(lambda_env(fn, "SNS_TOPIC_ARN"), N(j)->topic_arn) &&
	    lambda_same(lambda_env(fn, "ALLOWED_CIDRS"), f->cidrs);
}

/* --- check ------------------------------------------------------------- */

static int
lambda_function_seen(struct setup_job *j, struct lambda_facts *f)
{
	char *cause = NULL;

	if (sj_code(j, "ResourceNotFoundException"))
		return 0;
	if (lambda_get_function_parse(j->resp, &f->fn, &cause) != 0)
		return setup_fail_parse(j, cause);
	f->fn_found = true;
	f->config_ok = lambda_config_ok(j, f);
	f->code_ok = lambda_same(f->fn.code_sha256, f->zip_sha256);
	return 0;
}

static int
lambda_policy_seen(struct setup_job *j, struct lambda_facts *f)
{
	struct lambda_policy p;
	const struct lambda_statement *s;
	char *cause = NULL;
	size_t i;

	if (sj_code(j, "ResourceNotFoundException"))
		return 0;
	if (lambda_get_policy_parse(j->resp, &p, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < p.n; i++) {
		s = &p.v[i];
		if (s->principal != NULL && strcmp(s->principal, "*") == 0)
			f->public_stmt = true;
		if (!lambda_same(s->sid, LAMBDA_SID))
			continue;
		f->perm_found = true;
		f->perm_ok = lambda_same(s->effect, "Allow") &&
		    lambda_same(s->principal, "events.amazonaws.com") &&
		    lambda_same(s->action, "lambda:InvokeFunction") &&
		    lambda_same(s->source_arn, f->rule_arn) &&
		    lambda_same(s->source_account, N(j)->account);
	}
	lambda_policy_free(&p);
	return 0;
}

static void
lambda_checked(struct setup_job *j, const struct lambda_facts *f)
{
	bool trust = setup_role_trusted(&f->role);
	bool policy = setup_role_policy_ok(&f->role);

	if (!f->role.found)
		setup_note(j, SETUP_L_MISSING, "P-08", NULL, "there is no role "
		    "%s", N(j)->lambda_role);
	else
		setup_note(j, trust ? SETUP_L_OK : SETUP_L_DIFFERS, "P-08", NULL,
		    "role %s %s trusted by Lambda of this account only",
		    N(j)->lambda_role, trust ? "is" : "is not");
	if (f->role.found)
		setup_note(j, f->role.policy == NULL ? SETUP_L_MISSING :
		    policy ? SETUP_L_OK : SETUP_L_DIFFERS, "P-08", NULL,
		    "role %s %s", N(j)->lambda_role, f->role.policy == NULL ?
		    "has no policy " LAMBDA_ROLE_POLICY : policy ? "may only "
		    "write its logs and publish to the topic" : "has a policy "
		    "that is not s3watch's");
	if (!f->fn_found)
		setup_note(j, SETUP_L_MISSING, "P-08", NULL, "there is no "
		    "function %s", N(j)->lambda_function);
	else
		setup_note(j, f->config_ok && f->code_ok ? SETUP_L_OK :
		    SETUP_L_DIFFERS, "P-08", NULL, "function %s %s",
		    N(j)->lambda_function, !f->config_ok ? "has other settings "
		    "(runtime, role, handler, environment, limits)" :
		    !f->code_ok ? "runs other code than this s3watch's analyser" :
		    "is s3watch's analyser as configured");
	if (!f->rule.seen.found)
		setup_note(j, SETUP_L_MISSING, "P-08", NULL, "there is no rule "
		    "%s", f->rule_name);
	else
		setup_note(j, setup_rule_ok(&f->rule) && f->rule.target_ok ?
		    SETUP_L_OK : SETUP_L_DIFFERS, "P-08", NULL, "rule %s %s",
		    f->rule_name, !setup_rule_ok(&f->rule) ? "is disabled or "
		    "has another pattern" : !f->rule.target_ok ? "does not "
		    "target the function" : "sends S3 API events to the "
		    "function");
	if (f->fn_found)
		setup_note(j, f->perm_ok ? SETUP_L_OK : f->perm_found ?
		    SETUP_L_DIFFERS : SETUP_L_MISSING, "P-08", NULL, "%s",
		    f->perm_ok ? "only the rule may invoke the function" :
		    f->perm_found ? "the function's permission " LAMBDA_SID
		    " is not s3watch's" : "EventBridge may not invoke the "
		    "function");
}

static int
setup_lambda_check(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);
	char *cause = NULL;

	SJ_BEGIN(j);
	f = lambda_facts_new(j);
	f->role.want_trust = policy_trust("lambda.amazonaws.com",
	    N(j)->account, NULL);
	f->role.want_policy = policy_lambda_role(N(j)->partition, N(j)->region,
	    N(j)->account, N(j)->lambda_function, N(j)->topic_arn);
	f->cidrs = lambda_cidrs(j);
	if ((f->zip = lambda_zip(&f->zip_len, &cause)) == NULL) {
		setup_fail_text(j, NULL, "the analyser's %s", cause);
		free(cause);
		return SJ_FAIL;
	}
	f->zip_sha256 = lambda_sha256_b64(f->zip, f->zip_len);

	SJ_SUB(j, setup_role_check(j, &f->role));
	SJ_READ(j, lambda_get_function(N(j)->lambda_function, &j->cause),
	    N(j)->lambda_function);
	if (lambda_function_seen(j, f) != 0)
		return SJ_FAIL;
	SJ_SUB(j, setup_rule_check(j, &f->rule));
	if (f->fn_found) {
		SJ_READ(j, lambda_get_policy(N(j)->lambda_function, &j->cause),
		    N(j)->lambda_function);
		if (lambda_policy_seen(j, f) != 0)
			return SJ_FAIL;
	}
	lambda_checked(j, f);
	SJ_END(j);
}

/* --- apply ------------------------------------------------------------- */

static struct aws_request *
lambda_create_request(struct setup_job *j, const struct lambda_facts *f)
{
	struct lambda_function_spec spec = { 0 };
	struct svc_tag env[2];

	env[0].key = "SNS_TOPIC_ARN";
	env[0].value = N(j)->topic_arn;
	env[1].key = "ALLOWED_CIDRS";
	env[1].value = f->cidrs;
	spec.name = N(j)->lambda_function;
	spec.runtime = N(j)->lambda_runtime;
	spec.role_arn = N(j)->lambda_role_arn;
	spec.handler = LAMBDA_HANDLER;
	spec.zip = f->zip;
	spec.zip_len = f->zip_len;
	spec.timeout = LAMBDA_TIMEOUT;
	spec.memory_mb = LAMBDA_MEMORY;
	spec.env = env;
	spec.nenv = 2;
	spec.description = "s3watch analyser: S3 API events from EventBridge, "
	    "findings to SNS";
	return lambda_create_function(&spec, &j->cause);
}

/* Lambda refuses a role IAM has not propagated yet. */
static bool
lambda_role_propagating(const struct setup_job *j)
{
	return sj_code(j, "InvalidParameterValueException") &&
	    j->resp->message != NULL &&
	    strstr(j->resp->message, "cannot be assumed") != NULL;
}

static struct aws_request *
lambda_permission_request(struct setup_job *j, const struct lambda_facts *f)
{
	struct lambda_permission_spec spec = { 0 };

	spec.function = N(j)->lambda_function;
	spec.statement_id = LAMBDA_SID;
	spec.action = "lambda:InvokeFunction";
	spec.principal = "events.amazonaws.com";
	spec.source_arn = f->rule_arn;
	spec.source_account = N(j)->account;
	return lambda_add_permission(&spec, &j->cause);
}

static int
setup_lambda_apply(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	SJ_SUB(j, setup_role_apply(j, &f->role));

	if (f->fn_found && (!f->config_ok || !f->code_ok)) {
		/* No update calls here: a drifted function of ours is made
		 * again, and so loses its permission. */
		if (!setup_owned(j, "function", N(j)->lambda_function))
			return setup_fail_text(j, "delete it, or set "
			    "lambda_function to another name", "the function "
			    "%s exists and s3watch did not make it",
			    N(j)->lambda_function);
		SJ_WRITE(j, lambda_delete_function(N(j)->lambda_function,
		    &j->cause), N(j)->lambda_function);
		if (!sj_ok(j) && !sj_code(j, "ResourceNotFoundException"))
			return setup_fail(j, NULL);
		f->fn_found = f->perm_found = f->perm_ok = false;
	}
	if (!f->fn_found) {
		if (setup_intend(j, "function", N(j)->lambda_function,
		    N(j)->lambda_arn) != 0)
			return SJ_FAIL;
		for (j->tries = 1;; j->tries++) {
			SJ_WRITE(j, lambda_create_request(j, f),
			    N(j)->lambda_function);
			if (sj_ok(j) || !lambda_role_propagating(j) ||
			    j->tries == IAM_WAIT_TRIES)
				break;
			setup_note(j, SETUP_L_OK, NULL, NULL, "waiting for IAM "
			    "to propagate the role (%d of %d)", j->tries,
			    IAM_WAIT_TRIES);
			SJ_SLEEP(j, IAM_WAIT_MS);
		}
		if (!sj_ok(j) && !sj_code(j, "ResourceConflictException"))
			return setup_fail(j, NULL);
		if (setup_created(j, "function", N(j)->lambda_function) != 0)
			return SJ_FAIL;
	}
	SJ_SUB(j, setup_rule_apply(j, &f->rule));
	if (!f->perm_ok) {
		if (f->perm_found) {
			SJ_WRITE(j, lambda_remove_permission(
			    N(j)->lambda_function, LAMBDA_SID, &j->cause),
			    N(j)->lambda_function);
			if (!sj_ok(j) && !sj_code(j,
			    "ResourceNotFoundException"))
				return setup_fail(j, NULL);
		}
		SJ_CREATE(j, "lambda-permission", N(j)->lambda_function, NULL,
		    lambda_permission_request(j, f), NULL);
	}
	SJ_END(j);
}

/* --- verify ------------------------------------------------------------- */

static int
setup_lambda_verify(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);
	bool trust = setup_role_trusted(&f->role);
	bool policy = setup_role_policy_ok(&f->role);
	const char *state = f->fn.state, *update = f->fn.last_update_status;
	const char *fix = "run s3watch setup --only 8";

	if (!f->fn_found) {
		setup_note(j, SETUP_L_FAIL, "P-08", fix, "there is no function "
		    "%s", N(j)->lambda_function);
		return SJ_DONE;
	}
	if ((state != NULL && strcmp(state, "Active") != 0) ||
	    (update != NULL && strcmp(update, "Successful") != 0))
		setup_note(j, state != NULL && strcmp(state, "Failed") == 0 ?
		    SETUP_L_FAIL : SETUP_L_WARN, "P-08", f->fn.state_reason,
		    "function %s is %s (last update: %s)",
		    N(j)->lambda_function, state != NULL ? state : "?",
		    update != NULL ? update : "?");
	else
		setup_note(j, SETUP_L_PASS, "P-08", NULL, "function %s is "
		    "active", N(j)->lambda_function);
	setup_note(j, f->config_ok && f->code_ok ? SETUP_L_PASS : SETUP_L_FAIL,
	    "P-08", f->config_ok && f->code_ok ? NULL : fix, "it runs %s on "
	    "%s as %s, publishing to %s%s", LAMBDA_HANDLER,
	    N(j)->lambda_runtime, N(j)->lambda_role, N(j)->topic,
	    f->config_ok && f->code_ok ? "" : ": not so");
	setup_note(j, f->public_stmt ? SETUP_L_FAIL : SETUP_L_PASS, "P-08",
	    f->public_stmt ? "remove the statements with Principal \"*\" "
	    "(aws lambda remove-permission)" : NULL, "%s",
	    f->public_stmt ? "the function's policy lets anyone (Principal "
	    "\"*\") invoke it" : "no statement lets just anyone invoke the "
	    "function");
	if (setup_rule_ok(&f->rule) && f->rule.target_ok && f->perm_ok)
		setup_note(j, SETUP_L_PASS, "P-08", NULL, "the trigger is "
		    "wired: rule %s targets the function, which only it "
		    "(aws:SourceArn) of this account may invoke", f->rule_name);
	else
		setup_note(j, SETUP_L_FAIL, "P-08", fix, "the trigger is not "
		    "wired: %s", !f->rule.seen.found ? "the rule is missing" :
		    !setup_rule_ok(&f->rule) ? "the rule is disabled or has "
		    "another pattern" : !f->rule.target_ok ? "the rule does "
		    "not target the function" : f->perm_found ? "the "
		    "function's permission is not conditioned on the rule "
		    "and account" : "EventBridge may not invoke the function");
	setup_note(j, trust && policy ? SETUP_L_PASS : SETUP_L_FAIL, "P-08",
	    trust && policy ? NULL : fix, "role %s: only Lambda may assume "
	    "it, and it may only write the function's logs and publish to "
	    "the topic%s", N(j)->lambda_role, trust && policy ? "" :
	    ": not so");
	return SJ_DONE;
}

/* --- teardown ----------------------------------------------------------- */

static int
setup_lambda_undo(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	f = lambda_facts_new(j);
	SJ_DELETE(j, "lambda-permission", N(j)->lambda_function,
	    lambda_remove_permission(N(j)->lambda_function, LAMBDA_SID,
	    &j->cause), "ResourceNotFoundException");
	SJ_SUB(j, setup_rule_undo(j, &f->rule));
	SJ_DELETE(j, "function", N(j)->lambda_function, lambda_delete_function(
	    N(j)->lambda_function, &j->cause), "ResourceNotFoundException");
	SJ_SUB(j, setup_role_undo(j, &f->role));
	SJ_END(j);
}

const struct setup_step setup_step_lambda = {
	.name = "lambda",
	.title = "Lambda analyser",
	.why = "Deploys a small Python function that receives S3 API events "
	    "from EventBridge, applies the checks a pattern cannot, and "
	    "publishes findings to the topic.  Its role may only write its "
	    "own logs and publish to that topic; only the s3watch rule may "
	    "invoke it.",
	.check = setup_lambda_check,
	.apply = setup_lambda_apply,
	.verify = setup_lambda_verify,
	.undo = setup_lambda_undo,
};
