/* Setup step 8: the detections that must alert when no console is open
 * (analyser_plan.h): the Lambda analyser (its code and the pack's rules it
 * runs in one zip, its role, its state table), the EventBridge rules that
 * feed it only the events those rules select and the permissions that let
 * only they invoke it, and the metric filters and alarms
 * (setup_detect.c).  See setup_internal.h for how these resumable
 * operations work. */
#include "config.h"

#include "calls.h"
#include <openssl/evp.h>
#include <zip.h>

#include "analyser_plan.h"
#include "hash.h"
#include "policy.h"
#include "rules.h"
#include "setup_detect.h"
#include "setup_internal.h"

/* The handler, embedded at build time from conf/lambda/analyser.py. */
extern const unsigned char lambda_handler_py[];
extern const unsigned long lambda_handler_py_len;

#define LAMBDA_ROLE_POLICY	"S3WatchAnalyser"
#define LAMBDA_FILE		"analyser.py"
#define LAMBDA_RULES_FILE	"rules.json"
#define LAMBDA_HANDLER		"analyser.handler"
#define LAMBDA_TIMEOUT		30
#define LAMBDA_MEMORY		128
#define LAMBDA_SID		"s3watch-events"
#define LAMBDA_TARGET_ID	"s3watch-analyser"
#define LAMBDA_RULE_SUFFIX	"analyser"
/* EventBridge rules in front of the analyser: <prefix>analyser, then
 * <prefix>analyser-2 ...; the pack's patterns fill a few. */
#define LAMBDA_MAX_ROUTES	16
#define LAMBDA_MAX_ENV		8
/* A fixed time in the zip keeps its bytes, and so CodeSha256, stable. */
#define LAMBDA_ZIP_MTIME	((time_t)1577836800)	/* 2020-01-01 */

/* One EventBridge rule in front of the analyser, and the statement of the
 * function's policy that lets it invoke the function. */
struct lambda_route {
	char			*name;
	char			*arn;
	char			*sid;
	char			*perm;		/* its ledger name */
	struct setup_rule	 rule;
	bool			 planned;	/* the plan has it */
	bool			 stale;		/* ours, no longer planned */
	bool			 perm_found;
	bool			 perm_ok;
};

struct lambda_facts {
	struct aplan		 plan;
	bool			 plan_ok;
	int			 pack_problems;
	struct setup_role	 role;
	struct detect_facts	 detect;

	unsigned char		*zip;
	size_t			 zip_len;
	char			*zip_sha256;	/* base64, as AWS reports it */
	struct svc_tag		 env[LAMBDA_MAX_ENV];
	char			*env_values[LAMBDA_MAX_ENV];
	size_t			 nenv;
	bool			 fn_found;
	struct lambda_function	 fn;
	bool			 config_ok;
	bool			 code_ok;

	struct lambda_route	 routes[LAMBDA_MAX_ROUTES];
	size_t			 nroutes;	/* planned */
	char			**stale_sids;	/* s3watch-events-N unplanned */
	size_t			 nstale_sids;
	bool			 public_stmt;	/* any Principal "*" */
};

static const char lambda_fix[] = "run s3watch setup --only 8";

static void
lambda_facts_free(void *p)
{
	struct lambda_facts *f = p;
	size_t i;

	aplan_free(&f->plan);
	setup_role_free(&f->role);
	detect_facts_free(&f->detect);
	free(f->zip);
	free(f->zip_sha256);
	for (i = 0; i < f->nenv; i++)
		free(f->env_values[i]);
	lambda_function_free(&f->fn);
	for (i = 0; i < LAMBDA_MAX_ROUTES; i++) {
		free(f->routes[i].name);
		free(f->routes[i].arn);
		free(f->routes[i].sid);
		free(f->routes[i].perm);
	}
	xstrv_free(f->stale_sids, f->nstale_sids);
}

/* The ledger name of a permission statement: the first keeps the name
 * older ledgers have (the function's). */
static char *
lambda_perm_name(struct setup_job *j, const char *sid)
{
	return strcmp(sid, LAMBDA_SID) == 0 ? xstrdup(N(j)->lambda_function) :
	    xasprintf("%s/%s", N(j)->lambda_function, sid);
}

/* New facts with what check and undo both need: the role's names, and
 * every route's names. */
static struct lambda_facts *
lambda_facts_new(struct setup_job *j)
{
	struct lambda_facts *f;
	struct lambda_route *r;
	size_t i;

	f = setup_facts_new(j, sizeof *f, lambda_facts_free);
	f->role = (struct setup_role){ .name = N(j)->lambda_role,
	    .arn = N(j)->lambda_role_arn, .policy_name = LAMBDA_ROLE_POLICY,
	    .description = "s3watch Lambda analyser" };
	for (i = 0; i < LAMBDA_MAX_ROUTES; i++) {
		r = &f->routes[i];
		if (i == 0) {
			r->name = xasprintf("%s%s", N(j)->rule_prefix,
			    LAMBDA_RULE_SUFFIX);
			r->sid = xstrdup(LAMBDA_SID);
		} else {
			r->name = xasprintf("%s%s-%zu", N(j)->rule_prefix,
			    LAMBDA_RULE_SUFFIX, i + 1);
			r->sid = xasprintf("%s-%zu", LAMBDA_SID, i + 1);
		}
		r->arn = setup_rule_arn(j, r->name);
		r->perm = lambda_perm_name(j, r->sid);
		r->rule.spec.name = r->name;
		/* the plan's, for the rules it has */
		r->rule.spec.pattern = "{}";
		r->rule.spec.state = EVENTS_RULE_ENABLED;
		r->rule.spec.description = "s3watch: the events the Lambda "
		    "analyser's rules select";
		r->rule.target.id = (char *)LAMBDA_TARGET_ID;
		r->rule.target.arn = N(j)->lambda_arn;
	}
	return f;
}

/* --- what to deploy ------------------------------------------------------ */

static void
lambda_pack_error(const char *msg, void *arg)
{
	(void)msg;
	((struct lambda_facts *)arg)->pack_problems++;
}

static int
lambda_configure(struct rules *r, void *arg, char **cause)
{
	return setup_rules_conf(arg, r, cause);
}

/* The plan from the pack; -1 (noted) when the pack cannot be read. */
static int
lambda_plan(struct setup_job *j, struct lambda_facts *f)
{
	struct aplan_input in = { 0 };
	char *dir, *cause = NULL;
	size_t i;

	dir = N(j)->rules_dir != NULL && *N(j)->rules_dir != '\0' ?
	    xstrdup(N(j)->rules_dir) : rules_default_dir();
	in.rules_dir = dir;
	in.cidrs = N(j)->allowed_cidrs;
	in.ncidrs = N(j)->nallowed_cidrs;
	in.prefix = N(j)->rule_prefix;
	in.configure = lambda_configure;
	in.configure_arg = j;
	if (aplan_make(&f->plan, &in, lambda_pack_error, f, &cause) != 0) {
		setup_note(j, SETUP_L_FAIL, "P-08", "set rules_dir in s3watch.conf "
		    "or S3WATCH_RULES_DIR", "rule pack %s: %s", dir, cause);
		free(cause);
		free(dir);
		return -1;
	}
	free(dir);
	f->plan_ok = true;
	if (f->plan.nroutes > LAMBDA_MAX_ROUTES) {
		setup_note(j, SETUP_L_FAIL, "P-08", "select fewer events in the "
		    "pack's checks and stateful rules", "the analyser's rules "
		    "need %zu EventBridge rules; s3watch makes at most %d",
		    f->plan.nroutes, LAMBDA_MAX_ROUTES);
		return -1;
	}
	f->nroutes = f->plan.nroutes;
	for (i = 0; i < f->nroutes; i++) {
		f->routes[i].planned = true;
		f->routes[i].rule.spec.pattern = f->plan.routes[i];
	}
	if (f->pack_problems > 0)
		setup_note(j, SETUP_L_WARN, NULL, "fix the rule pack (s3watch "
		    "replay names them)", "rule pack: %d problem%s; those rules "
		    "are skipped", f->pack_problems, f->pack_problems == 1 ? "" :
		    "s");
	return 0;
}

static void
lambda_env_add(struct lambda_facts *f, const char *key, char *value)
{
	f->env[f->nenv].key = key;
	f->env[f->nenv].value = value;
	f->env_values[f->nenv++] = value;
}

/* The analyser's settings: the shared specification's, from s3watch.conf
 * when it has them. */
static void
lambda_env(struct setup_job *j, struct lambda_facts *f)
{
	const struct conf *c = setup_conf(j->s);
	char *const *v;
	struct buf b = { 0 };
	size_t i, n;

	lambda_env_add(f, "SNS_TOPIC_ARN", xstrdup(N(j)->topic_arn));
	lambda_env_add(f, "STATE_TABLE", xstrdup(f->detect.table));
	lambda_env_add(f, "SOURCE_BUCKET", xstrdup(N(j)->source_bucket));
	lambda_env_add(f, "TRAIL_BUCKET", xstrdup(N(j)->trail_bucket));
	lambda_env_add(f, "LOG_BUCKET", xstrdup(N(j)->log_bucket));
	lambda_env_add(f, "TRAIL_NAME", xstrdup(N(j)->trail_name));
	v = conf_list(c, CONF_TRUSTED_ACCOUNTS, &n);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i > 0 ? "," : "", v[i]);
	lambda_env_add(f, "TRUSTED_ACCOUNTS", n > 0 ? buf_take(&b) :
	    xstrdup(""));
	lambda_env_add(f, "LOG_EXPIRY_MIN_DAYS", xasprintf("%ld",
	    conf_int(c, CONF_LOG_EXPIRY_MIN_DAYS)));
}

/* A zip of the handler and its rules, made in memory; NULL with *cause. */
static unsigned char *
lambda_zip(const char *rules, size_t *len, char **cause)
{
	const struct {
		const char	*name;
		const void	*data;
		size_t		 len;
	} files[] = {
		{ LAMBDA_FILE, lambda_handler_py, lambda_handler_py_len },
		{ LAMBDA_RULES_FILE, rules, strlen(rules) },
	};
	zip_error_t ze;
	zip_source_t *mem = NULL, *file;
	zip_stat_t st;
	zip_t *za = NULL;
	zip_int64_t idx;
	unsigned char *out = NULL;
	size_t i;

	zip_error_init(&ze);
	if ((mem = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL ||
	    (za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze)) == NULL)
		goto fail;
	zip_source_keep(mem);	/* zip_close() would free it */
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if ((file = zip_source_buffer(za, files[i].data, files[i].len,
		    0)) == NULL)
			goto fail_za;
		if ((idx = zip_file_add(za, files[i].name, file,
		    ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(file);
			goto fail_za;
		}
		/* Lambda runs the code as another user: world-readable. */
		if (zip_file_set_mtime(za, (zip_uint64_t)idx, LAMBDA_ZIP_MTIME,
		    0) != 0 || zip_file_set_external_attributes(za,
		    (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
		    (zip_uint32_t)0100644 << 16) != 0)
			goto fail_za;
	}
	if (zip_close(za) != 0)
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

static bool
lambda_same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The settings and variables as s3watch writes them. */
static bool
lambda_config_ok(struct setup_job *j, const struct lambda_facts *f)
{
	const struct lambda_function *fn = &f->fn;
	size_t i, k;

	if (!lambda_same(fn->runtime, N(j)->lambda_runtime) ||
	    !lambda_same(fn->role_arn, N(j)->lambda_role_arn) ||
	    !lambda_same(fn->handler, LAMBDA_HANDLER) ||
	    fn->timeout != LAMBDA_TIMEOUT || fn->memory_mb != LAMBDA_MEMORY ||
	    fn->nenv != f->nenv)
		return false;
	for (i = 0; i < f->nenv; i++) {
		for (k = 0; k < fn->nenv; k++)
			if (lambda_same(fn->env[k].name, f->env[i].key))
				break;
		if (k == fn->nenv || !lambda_same(fn->env[k].value != NULL ?
		    fn->env[k].value : "", f->env[i].value))
			return false;
	}
	return true;
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
	struct lambda_route *r;
	char *cause = NULL;
	size_t i, k;

	if (sj_code(j, "ResourceNotFoundException"))
		return 0;
	if (lambda_get_policy_parse(j->resp, &p, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < p.n; i++) {
		s = &p.v[i];
		if (s->principal != NULL && strcmp(s->principal, "*") == 0)
			f->public_stmt = true;
		if (s->sid == NULL || strncmp(s->sid, LAMBDA_SID,
		    strlen(LAMBDA_SID)) != 0)
			continue;
		for (k = 0; k < f->nroutes; k++)
			if (strcmp(s->sid, f->routes[k].sid) == 0)
				break;
		if (k == f->nroutes) {
			*(char **)xpush(&f->stale_sids, &f->nstale_sids,
			    sizeof *f->stale_sids) = xstrdup(s->sid);
			continue;
		}
		r = &f->routes[k];
		r->perm_found = true;
		r->perm_ok = lambda_same(s->effect, "Allow") &&
		    lambda_same(s->principal, "events.amazonaws.com") &&
		    lambda_same(s->action, "lambda:InvokeFunction") &&
		    lambda_same(s->source_arn, r->arn) &&
		    lambda_same(s->source_account, N(j)->account);
	}
	lambda_policy_free(&p);
	return 0;
}

/* An EventBridge rule of ours beyond the plan's: found at all?  The walk
 * stops at the first name that is not there. */
static int
lambda_probe_seen(struct setup_job *j, struct lambda_route *r, bool *found)
{
	struct events_rule_match m;
	char *cause = NULL;

	if (events_describe_rule_match(j->resp, &r->rule.spec, &m, &cause) != 0)
		return setup_fail_parse(j, cause);
	*found = m.found;
	r->stale = m.found && setup_owned(j, "rule", r->name);
	return 0;
}

static bool
lambda_route_ok(const struct lambda_route *r)
{
	return setup_rule_ok(&r->rule) && r->rule.target_ok && r->perm_ok;
}

static void
lambda_checked(struct setup_job *j, const struct lambda_facts *f)
{
	bool trust = setup_role_trusted(&f->role);
	bool policy = setup_role_policy_ok(&f->role);
	const struct lambda_route *r;
	size_t i, ok = 0, missing = 0;

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
		    "write its logs, publish to the topic and keep its state" :
		    "has a policy that is not s3watch's");
	if (!f->fn_found)
		setup_note(j, SETUP_L_MISSING, "P-08", NULL, "there is no "
		    "function %s", N(j)->lambda_function);
	else
		setup_note(j, f->config_ok && f->code_ok ? SETUP_L_OK :
		    SETUP_L_DIFFERS, "P-08", NULL, "function %s %s",
		    N(j)->lambda_function, !f->config_ok ? "has other settings "
		    "(runtime, role, handler, environment, limits)" :
		    !f->code_ok ? "runs other code or rules than this s3watch's "
		    "analyser and pack" : "is s3watch's analyser with the "
		    "pack's rules");
	detect_checked(j, &f->detect);
	for (i = 0; i < f->nroutes; i++) {
		r = &f->routes[i];
		if (lambda_route_ok(r))
			ok++;
		else if (!r->rule.seen.found)
			missing++;
		else
			setup_note(j, SETUP_L_DIFFERS, "P-08", NULL, "rule %s %s",
			    r->name, !setup_rule_ok(&r->rule) ? "is disabled or "
			    "has another pattern than the pack's" :
			    !r->rule.target_ok ? "does not target the function" :
			    "may not invoke the function");
	}
	if (missing > 0)
		setup_note(j, SETUP_L_MISSING, "P-08", NULL, "%zu of %zu "
		    "EventBridge rules in front of the analyser do not exist",
		    missing, f->nroutes);
	if (ok > 0)
		setup_note(j, SETUP_L_OK, "P-08", NULL, "%zu of %zu EventBridge "
		    "rules send the analyser the events its rules select", ok,
		    f->nroutes);
	for (i = f->nroutes; i < LAMBDA_MAX_ROUTES; i++)
		if (f->routes[i].stale)
			setup_note(j, SETUP_L_DIFFERS, "P-08", NULL, "rule %s is "
			    "no longer needed", f->routes[i].name);
}

static int
setup_lambda_check(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);
	char *cause = NULL;
	bool found;

	SJ_BEGIN(j);
	f = lambda_facts_new(j);
	if (lambda_plan(j, f) != 0)
		return SJ_FAIL;
	detect_facts_init(j, &f->detect, &f->plan);
	lambda_env(j, f);
	f->role.want_trust = policy_trust("lambda.amazonaws.com",
	    N(j)->account, NULL);
	f->role.want_policy = policy_lambda_role(N(j)->partition, N(j)->region,
	    N(j)->account, N(j)->lambda_function, N(j)->topic_arn,
	    f->detect.table_arn);
	if ((f->zip = lambda_zip(f->plan.config, &f->zip_len, &cause)) == NULL) {
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
	SJ_SUB(j, detect_check(j, &f->detect));
	for (j->n = 0; (size_t)j->n < f->nroutes; j->n++)
		SJ_SUB(j, setup_rule_check(j, &f->routes[j->n].rule));
	/* Rules of ours beyond the plan's (the pack shrank). */
	for (j->n = (int)f->nroutes; j->n < LAMBDA_MAX_ROUTES; j->n++) {
		SJ_READ(j, events_describe_rule(f->routes[j->n].name, &j->cause),
		    f->routes[j->n].name);
		if (lambda_probe_seen(j, &f->routes[j->n], &found) != 0)
			return SJ_FAIL;
		if (!found)
			break;
	}
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

	spec.name = N(j)->lambda_function;
	spec.runtime = N(j)->lambda_runtime;
	spec.role_arn = N(j)->lambda_role_arn;
	spec.handler = LAMBDA_HANDLER;
	spec.zip = f->zip;
	spec.zip_len = f->zip_len;
	spec.timeout = LAMBDA_TIMEOUT;
	spec.memory_mb = LAMBDA_MEMORY;
	spec.env = f->env;
	spec.nenv = f->nenv;
	spec.description = "s3watch analyser: the pack's checks and stateful "
	    "rules over EventBridge's events, hits to SNS";
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
lambda_permission_request(struct setup_job *j, const struct lambda_route *r)
{
	struct lambda_permission_spec spec = { 0 };

	spec.function = N(j)->lambda_function;
	spec.statement_id = r->sid;
	spec.action = "lambda:InvokeFunction";
	spec.principal = "events.amazonaws.com";
	spec.source_arn = r->arn;
	spec.source_account = N(j)->account;
	return lambda_add_permission(&spec, &j->cause);
}

/* A function made again has no policy: nothing is there to keep. */
static void
lambda_permissions_gone(struct lambda_facts *f)
{
	size_t i;

	for (i = 0; i < LAMBDA_MAX_ROUTES; i++)
		f->routes[i].perm_found = f->routes[i].perm_ok = false;
	xstrv_free(f->stale_sids, f->nstale_sids);
	f->stale_sids = NULL;
	f->nstale_sids = 0;
	f->public_stmt = false;
}

static int
setup_lambda_apply(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);
	struct lambda_route *r;
	char *name;
	int rc;

	SJ_BEGIN(j);
	SJ_SUB(j, setup_role_apply(j, &f->role));
	SJ_SUB(j, detect_apply(j, &f->detect));

	if (f->fn_found && (!f->config_ok || !f->code_ok)) {
		/* No update calls here: a drifted function of ours (its code,
		 * its rules or its settings) is made again, and so loses its
		 * permissions. */
		if (!setup_owned(j, "function", N(j)->lambda_function))
			return setup_fail_text(j, "delete it, or set "
			    "lambda_function to another name", "the function "
			    "%s exists and s3watch did not make it",
			    N(j)->lambda_function);
		SJ_WRITE(j, lambda_delete_function(N(j)->lambda_function,
		    &j->cause), N(j)->lambda_function);
		if (!sj_ok(j) && !sj_code(j, "ResourceNotFoundException"))
			return setup_fail(j, NULL);
		f->fn_found = false;
		lambda_permissions_gone(f);
	}
	if (!f->fn_found) {
		if (setup_intend(j, "function", N(j)->lambda_function,
		    N(j)->lambda_arn) != 0)
			return SJ_FAIL;
		for (j->tries = 1;; j->tries++) {
			SJ_WRITE(j, lambda_create_request(j, f),
			    N(j)->lambda_function);
			if (!setup_iam_retry(j, lambda_role_propagating(j),
			    N(j)->lambda_role))
				break;
			SJ_SLEEP(j, SETUP_IAM_WAIT_MS);
		}
		if (lambda_role_propagating(j))
			return setup_iam_failed(j, N(j)->lambda_role,
			    "lambda.amazonaws.com");
		if (!sj_ok(j) && !sj_code(j, "ResourceConflictException"))
			return setup_fail(j, NULL);
		if (setup_created(j, "function", N(j)->lambda_function) != 0)
			return SJ_FAIL;
	}
	for (j->n = 0; (size_t)j->n < f->nroutes; j->n++)
		SJ_SUB(j, setup_rule_apply(j, &f->routes[j->n].rule));
	for (j->n = 0; (size_t)j->n < f->nroutes; j->n++) {
		r = &f->routes[j->n];
		if (r->perm_ok)
			continue;
		if (r->perm_found) {
			SJ_WRITE(j, lambda_remove_permission(
			    N(j)->lambda_function, f->routes[j->n].sid,
			    &j->cause), N(j)->lambda_function);
			if (!sj_ok(j) && !sj_code(j,
			    "ResourceNotFoundException"))
				return setup_fail(j, NULL);
		}
		SJ_CREATE(j, "lambda-permission", f->routes[j->n].perm, NULL,
		    lambda_permission_request(j, &f->routes[j->n]), NULL);
	}
	/* What the pack no longer needs: statements, then rules. */
	for (j->n = 0; (size_t)j->n < f->nstale_sids; j->n++) {
		name = lambda_perm_name(j, f->stale_sids[j->n]);
		rc = setup_owned(j, "lambda-permission", name);
		free(name);
		if (!rc)
			continue;
		SJ_WRITE(j, lambda_remove_permission(N(j)->lambda_function,
		    f->stale_sids[j->n], &j->cause), N(j)->lambda_function);
		if (!sj_ok(j) && !sj_code(j, "ResourceNotFoundException"))
			return setup_fail(j, NULL);
		name = lambda_perm_name(j, f->stale_sids[j->n]);
		rc = setup_forget(j, "lambda-permission", name);
		free(name);
		if (rc != 0)
			return SJ_FAIL;
	}
	for (j->n = (int)f->nroutes; j->n < LAMBDA_MAX_ROUTES; j->n++)
		if (f->routes[j->n].stale)
			SJ_SUB(j, setup_rule_undo(j, &f->routes[j->n].rule));
	SJ_END(j);
}

/* --- verify ------------------------------------------------------------- */

static void
lambda_coverage(struct setup_job *j, const struct lambda_facts *f)
{
	const struct aplan_rule *r;
	struct buf names = { 0 };
	size_t i;

	for (i = 0; i < f->plan.nrules; i++) {
		r = &f->plan.rules[i];
		if (r->how == APLAN_ALERT)
			buf_printf(&names, "%s%s", names.len > 0 ? ", " : "",
			    r->id);
		else if (r->how == APLAN_CONSOLE)
			setup_note(j, SETUP_L_WARN, "P-08", NULL, "rule %s (%s) "
			    "alerts only while a console runs: %s", r->id,
			    r->severity, r->why);
		else if (r->how == APLAN_COVERED)
			setup_note(j, SETUP_L_PASS, "P-08", NULL, "rule %s: %s",
			    r->id, r->why);
	}
	if (names.len > 0)
		setup_note(j, SETUP_L_PASS, "P-08", NULL, "the analyser alerts "
		    "on %s", names.data);
	else
		setup_note(j, SETUP_L_WARN, "P-08", "check rules_dir", "no "
		    "check or high or critical stateful rule of the pack runs in "
		    "the analyser");
	buf_free(&names);
}

static int
setup_lambda_verify(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);
	bool trust = setup_role_trusted(&f->role);
	bool policy = setup_role_policy_ok(&f->role);
	const char *state = f->fn.state, *update = f->fn.last_update_status;
	const struct lambda_route *r;
	size_t i, ok = 0;

	if (!f->plan_ok)
		return SJ_DONE;
	if (!f->fn_found) {
		setup_note(j, SETUP_L_FAIL, "P-08", lambda_fix, "there is no "
		    "function %s", N(j)->lambda_function);
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
	    "P-08", f->config_ok && f->code_ok ? NULL : lambda_fix, "it runs "
	    "%s with the pack's rules on %s as %s, publishing to %s%s",
	    LAMBDA_HANDLER, N(j)->lambda_runtime, N(j)->lambda_role,
	    N(j)->topic, !f->config_ok ? ": not so (its settings differ)" :
	    !f->code_ok ? ": not so (its code or rules differ from the pack)" :
	    "");
	setup_note(j, f->public_stmt ? SETUP_L_FAIL : SETUP_L_PASS, "P-08",
	    f->public_stmt ? "remove the statements with Principal \"*\" "
	    "(aws lambda remove-permission)" : NULL, "%s",
	    f->public_stmt ? "the function's policy lets anyone (Principal "
	    "\"*\") invoke it" : "no statement lets just anyone invoke the "
	    "function");
	for (i = 0; i < f->nroutes; i++) {
		r = &f->routes[i];
		if (lambda_route_ok(r)) {
			ok++;
			continue;
		}
		setup_note(j, SETUP_L_FAIL, "P-08", lambda_fix, "rule %s is not "
		    "wired: %s", r->name, !r->rule.seen.found ? "it is missing" :
		    !setup_rule_ok(&r->rule) ? "it is disabled or has another "
		    "pattern than the pack's" : !r->rule.target_ok ? "it does "
		    "not target the function" : r->perm_found ? "the "
		    "function's permission is not conditioned on it and the "
		    "account" : "it may not invoke the function");
	}
	if (ok > 0 && ok == f->nroutes)
		setup_note(j, SETUP_L_PASS, "P-08", NULL, "%zu EventBridge "
		    "rule%s (%s...) send the analyser only the events its rules "
		    "select, and only they (aws:SourceArn) of this account may "
		    "invoke it", ok, ok == 1 ? "" : "s", f->routes[0].name);
	for (i = f->nroutes; i < LAMBDA_MAX_ROUTES; i++)
		if (f->routes[i].stale)
			setup_note(j, SETUP_L_FAIL, "P-08", lambda_fix, "rule %s "
			    "is no longer needed by the pack", f->routes[i].name);
	for (i = 0; i < f->nstale_sids; i++)
		setup_note(j, SETUP_L_FAIL, "P-08", lambda_fix, "the function's "
		    "permission %s is no longer needed", f->stale_sids[i]);
	setup_note(j, trust && policy ? SETUP_L_PASS : SETUP_L_FAIL, "P-08",
	    trust && policy ? NULL : lambda_fix, "role %s: only Lambda may "
	    "assume it, and it may only write the function's logs, publish to "
	    "the topic and keep its state in %s%s", N(j)->lambda_role,
	    f->detect.table, trust && policy ? "" : ": not so");
	detect_verify(j, &f->detect);
	lambda_coverage(j, f);
	return SJ_DONE;
}

/* --- teardown ----------------------------------------------------------- */

static int
setup_lambda_undo(struct setup_job *j)
{
	struct lambda_facts *f = setup_facts(j);

	SJ_BEGIN(j);
	f = lambda_facts_new(j);
	detect_facts_init(j, &f->detect, NULL);
	for (j->n = 0; j->n < LAMBDA_MAX_ROUTES; j->n++)
		SJ_DELETE(j, "lambda-permission", f->routes[j->n].perm,
		    lambda_remove_permission(N(j)->lambda_function,
		    f->routes[j->n].sid, &j->cause),
		    "ResourceNotFoundException");
	for (j->n = 0; j->n < LAMBDA_MAX_ROUTES; j->n++)
		SJ_SUB(j, setup_rule_undo(j, &f->routes[j->n].rule));
	SJ_DELETE(j, "function", N(j)->lambda_function, lambda_delete_function(
	    N(j)->lambda_function, &j->cause), "ResourceNotFoundException");
	SJ_SUB(j, detect_undo(j, &f->detect));
	SJ_SUB(j, setup_role_undo(j, &f->role));
	SJ_END(j);
}

static const struct calls_entry lambda_calls[] = {
	SETUP_ROLE_CALLS("${lambda_role_arn}"),
	SETUP_RULE_CALLS,
	{ SVC_LAMBDA, "GetFunction", CALLS_CHECK, "${lambda_arn}",
	  "read the function and its code's hash" },
	{ SVC_LAMBDA, "GetPolicy", CALLS_CHECK, "${lambda_arn}",
	  "who may invoke it" },
	{ SVC_LAMBDA, "CreateFunction", CALLS_APPLY, "${lambda_arn}",
	  "create the analyser" },
	{ SVC_IAM, "PassRole", CALLS_APPLY, "${lambda_role_arn}",
	  "the function runs as its role",
	  CALLS_IMPLIED, CALLS_PASSED_TO("lambda.amazonaws.com") },
	{ SVC_LAMBDA, "AddPermission", CALLS_APPLY, "${lambda_arn}",
	  "let its EventBridge rules invoke it" },
	{ SVC_LAMBDA, "RemovePermission", CALLS_APPLY | CALLS_UNDO,
	  "${lambda_arn}", "drop a stale invoke permission; teardown" },
	{ SVC_LAMBDA, "DeleteFunction", CALLS_APPLY | CALLS_UNDO,
	  "${lambda_arn}", "replace changed code; teardown" },
	{ SVC_DYNAMODB, "DescribeTable", CALLS_CHECK | CALLS_APPLY,
	  CALLS_ARN_TABLE, "the state table and whether it is active" },
	{ SVC_DYNAMODB, "DescribeTimeToLive", CALLS_CHECK, CALLS_ARN_TABLE,
	  "do its items expire" },
	{ SVC_DYNAMODB, "CreateTable", CALLS_APPLY, CALLS_ARN_TABLE,
	  "create the state table" },
	{ SVC_DYNAMODB, "UpdateTimeToLive", CALLS_APPLY, CALLS_ARN_TABLE,
	  "make its items expire" },
	{ SVC_DYNAMODB, "DeleteTable", CALLS_UNDO, CALLS_ARN_TABLE,
	  "teardown" },
	{ SVC_LOGS, "DescribeMetricFilters", CALLS_CHECK | CALLS_UNDO,
	  "${log_group_arn}", "read the metric filters" },
	{ SVC_LOGS, "PutMetricFilter", CALLS_APPLY, "${log_group_arn}",
	  "count reads for the sum rules" },
	{ SVC_LOGS, "DeleteMetricFilter", CALLS_APPLY | CALLS_UNDO,
	  "${log_group_arn}", "drop a stale filter; teardown" },
	{ SVC_CLOUDWATCH, "DescribeAlarms", CALLS_CHECK | CALLS_UNDO,
	  CALLS_ARN_ALARMS, "read the alarms" },
	{ SVC_CLOUDWATCH, "PutMetricAlarm", CALLS_APPLY, CALLS_ARN_ALARMS,
	  "alarm on the sums" },
	{ SVC_CLOUDWATCH, "DeleteAlarms", CALLS_APPLY | CALLS_UNDO,
	  CALLS_ARN_ALARMS, "drop a stale alarm; teardown" },
	{ .op = NULL }
};
const struct setup_step setup_step_lambda = {
	.name = "lambda",
	.title = "Lambda analyser",
	.why = "Makes every high and critical detection alert through the "
	    "topic when no console is open: a small Python function runs the "
	    "pack's analysis checks and stateful rules, keeping its counts in a "
	    "DynamoDB table whose items expire; EventBridge rules send it only "
	    "the events those rules select, and only they may invoke it; a sum "
	    "over every read is a metric filter on the trail's log group with "
	    "an alarm.  Its role may only write its logs, publish to the topic "
	    "and keep its state.",
	.check = setup_lambda_check,
	.apply = setup_lambda_apply,
	.verify = setup_lambda_verify,
	.undo = setup_lambda_undo,
	.calls = lambda_calls,
};
